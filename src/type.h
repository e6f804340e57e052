/* The one table of object types: what every layer (core, backends, inspection, the CLI, the
 * Win32 facade) knows about a type comes from here. */
#ifndef KOBJNS_TYPE_H
#define KOBJNS_TYPE_H

#include "kobjns.h"

#include <stdbool.h>
#include <stdint.h>

#include "security.h"

typedef struct kobjns__type_info {
  const char *name;                       /* "Section", "Mutex", ... ("" for NONE) */
  const kobjns__generic_mapping *mapping; /* GENERIC_* -> the type's rights; NULL: not an object */
  uint32_t rights; /* every specific and standard right of the type (a section's include
                      FILE_MAP_EXECUTE, which its GENERIC_ALL does not) */
  /* Whether creating a new one in the global namespace from a session other than 0 needs
   * SeCreateGlobalPrivilege. */
  bool create_global_needs_privilege;
  bool waitable; /* a mutex, an event, a semaphore, a thread, a timer or a process */
  bool unnamed;  /* never has a name (a thread, a process): opening one by name is 87 */
} kobjns__type_info;

/* The entry of `type`: every value of the enum has one (NONE's is empty). */
const kobjns__type_info *kobjns__type(kobjns_type type);
/* Whether `type` is one of the enum's object types (section, mutex, event, semaphore). */
bool kobjns__type_is_object(kobjns_type type);
/* Rights a caller may ask of an object of `type`: its own, standard and generic rights. */
uint32_t kobjns__type_valid_access(kobjns_type type);
/* GENERIC_* rights of `access` mapped to `type`'s own. */
uint32_t kobjns__type_map(kobjns_type type, uint32_t access);

#endif
