/* libkobjns-win32: the Win32 section, mutex, event and semaphore API on top of the portable
 * kobjns API, compiled against Wine's Windows headers on POSIX. Internal declarations shared by its
 * files. */
#ifndef KOBJNS_FACADE_H
#define KOBJNS_FACADE_H

/* We are the implementation: Wine's headers then declare these functions without
 * DECLSPEC_IMPORT (hidden visibility for ELF). */
#define _KERNEL32_
#define _ADVAPI32_
#include <windows.h>
#include <sddl.h>

#include "kobjns.h"

/* Every function the facade exports: Wine's prototypes, default visibility. */
#define KOBJNS_WIN32_API __attribute__((visibility("default")))

/* --- handles (handles.c) --------------------------------------------------------------------
 * A handle stands for a section, or a mutex, event or semaphore. HANDLE values are unique, small
 * multiples of 4, never NULL or INVALID_HANDLE_VALUE; as on Windows their two low bits are ignored
 * (the application's tags). A closed or foreign value is ERROR_INVALID_HANDLE. */
enum kobjns__facade_kind { KOBJNS__FACADE_ANY = 0, KOBJNS__FACADE_SECTION, KOBJNS__FACADE_SYNC };

/* A live handle's entry, referenced by the caller. The object stays open while referenced: a
 * CloseHandle meanwhile ends the handle at once and closes the object when the last reference
 * goes (a wait in progress keeps its object, as on Windows). */
typedef struct kobjns__facade_ref {
  unsigned kind; /* enum kobjns__facade_kind */
  union {
    kobjns_section *section;
    kobjns_sync *sync;
  };
  unsigned refs; /* handles.c's: the table's and one per kobjns__facade_handle_get */
} kobjns__facade_ref;

/* A new handle for an object of `kind` (KOBJNS__FACADE_SECTION: a kobjns_section *,
 * KOBJNS__FACADE_SYNC: a kobjns_sync *), or NULL with the last error set. */
HANDLE kobjns__facade_handle_new(unsigned kind, void *object);
/* The entry of `h` when it is a live handle of `kind` (KOBJNS__FACADE_ANY: of any kind), with a
 * reference for the caller; NULL (last error 6) otherwise. */
kobjns__facade_ref *kobjns__facade_handle_get(HANDLE h, unsigned kind);
/* Drop a reference from kobjns__facade_handle_get. */
void kobjns__facade_handle_put(kobjns__facade_ref *ref);

/* --- names (mapping.c) ----------------------------------------------------------------------- */
/* A name passed to an A function: 0, or ERROR_FILENAME_EXCED_RANGE for MAX_PATH characters or
 * more (Windows converts it into a MAX_PATH buffer). NULL is 0: the caller decides about it. */
DWORD kobjns__facade_check_ansi_name(const char *name);

/* --- strings (security.c) -------------------------------------------------------------------- */
/* A UTF-16 string as UTF-8 from malloc: 0, 8, or 1113 (an unpaired surrogate). */
int kobjns__facade_utf8(const WCHAR *w, char **out);

/* --- security (security.c) ------------------------------------------------------------------- */
/* The SDDL text of `sd` (NULL for Windows' default), or a Win32 error. */
DWORD kobjns__facade_sddl_of(const void *sd, const char **sddl);

#endif
