/* Portable internals shared by src/ and the backends. */
#ifndef KOBJNS_INTERNAL_H
#define KOBJNS_INTERNAL_H

#include "kobjns.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "security.h"
#include "type.h"

/* --- identity --------------------------------------------------------------------------- */

#define KOBJNS__MAX_GROUPS 64

/* Who is asking. On POSIX uid/gids are the kernel's; on Windows they are unused. */
typedef struct kobjns__token {
  uint32_t session;
  unsigned privileges;  /* KOBJNS_PRIV_* */
  bool admin;           /* SYSTEM / BUILTIN\Administrators (root on POSIX) */
  bool user_overridden; /* kobjns_ctx_set_user() was used */
  uint32_t uid;
  size_t ngroups;
  uint32_t groups[KOBJNS__MAX_GROUPS];
} kobjns__token;

#include "os.h" /* the backend's kobjns__os_ctx and kobjns__os_section */

struct kobjns_ctx {
  kobjns__token token;
  kobjns__os_ctx os;
};

/* --- names ------------------------------------------------------------------------------- */

/* A name resolved to one object directory and a leaf within it. */
typedef struct kobjns__name {
  uint32_t session; /* 0: \BaseNamedObjects (global); N: \Sessions\N\BaseNamedObjects */
  const char *leaf; /* points into the caller's string; never contains '\' */
  size_t leaf_len;
} kobjns__name;

enum kobjns__intent { KOBJNS__OPEN, KOBJNS__CREATE };

/* Walk `name` (already validated UTF-8, non-empty) from the caller's session directory. */
int kobjns__resolve_name(const kobjns_ctx *ctx, const char *name, enum kobjns__intent intent,
                         kobjns__name *out);
/* Length of the canonical path of `n`, and writing it (no NUL) into buf[len]. */
size_t kobjns__path_len(const kobjns__name *n);
void kobjns__path_write(const kobjns__name *n, char *buf);
/* Checks UTF-8 and the UTF-16 length limit: 0, 1113 or 206. */
int kobjns__validate_name(const char *name, size_t *utf16_units);
/* Both: a caller's name checked, then resolved. */
int kobjns__name_lookup(const kobjns_ctx *ctx, const char *name, enum kobjns__intent intent,
                        kobjns__name *out);

/* --- handles ------------------------------------------------------------------------------ */

/* What every handle starts with: the registry (handles.c) works on this. */
enum kobjns__handle_kind { KOBJNS__HANDLE_ANY = 0, KOBJNS__HANDLE_SECTION, KOBJNS__HANDLE_SYNC };
typedef struct kobjns__handle {
  unsigned kind;        /* enum kobjns__handle_kind */
  unsigned refs;        /* the registry's reference and calls in progress */
  bool process_exiting; /* closed by the process's exit, not by a close call */
} kobjns__handle;

/* --- sections ---------------------------------------------------------------------------- */

struct kobjns_section {
  kobjns__handle h;
  unsigned access; /* granted, generic rights mapped */
  bool read_only;  /* created with read-only protection */
  uint64_t size;   /* bytes the user can map */
  char *path;      /* canonical path, "" for an unnamed section */
  kobjns__os_section os;
};

/* --- mutexes, events, semaphores ---------------------------------------------------------- */

struct kobjns_sync {
  kobjns__handle h;
  kobjns_type kind; /* a mutex, an event or a semaphore */
  unsigned access; /* granted, generic rights mapped */
  char *path;      /* canonical path, "" for an unnamed object */
  kobjns__os_sync os;
};

typedef struct kobjns__sync_args {
  const kobjns__name *name; /* NULL for an unnamed object */
  kobjns_type kind;
  const kobjns__sd *sd; /* parsed with the kind's generic mapping, or NULL for the default */
  const char *sddl;
  bool initial_owner;               /* mutex */
  bool manual_reset, initial_state; /* event */
  int32_t initial, maximum;         /* semaphore */
} kobjns__sync_args;

/* --- the registry of live handles (handles.c) --------------------------------------------- */

/* Register a new handle (its one reference is the registry's): 0, or 8 after closing and
 * freeing it. */
int kobjns__handle_add(kobjns__handle *h);
/* The live handle `h` of `kind` (or of any kind) with a reference taken for the caller, or NULL
 * (closed, never issued, another kind). */
kobjns__handle *kobjns__handle_get(const void *h, unsigned kind);
/* Drop a reference; the last one closes the backend handle and frees it. */
void kobjns__handle_put(kobjns__handle *h);
/* Unregister `h` (of `kind`) and drop the registry's reference: 0, or 6 if it is not a live
 * handle of that kind. */
int kobjns__handle_remove(const void *h, unsigned kind);
/* Close every handle left open and free the registry (process exit, library unload). */
void kobjns__handles_release(void);

typedef struct kobjns__create_args {
  const kobjns__name *name; /* NULL for an unnamed section */
  uint64_t size;
  unsigned desired; /* access asked for the handle, generic rights mapped */
  bool read_only;
  const kobjns__sd *sd; /* parsed descriptor, or NULL for the default */
  const char *sddl;     /* the caller's text, or NULL (for backends that pass it on) */
} kobjns__create_args;

/* Whether `ctx` may create a new object in namespace `n` (SeCreateGlobalPrivilege rule). */
bool kobjns__may_create_in(const kobjns_ctx *ctx, const kobjns__name *n);
/* The access asked of an existing section by a create with this protection. */
unsigned kobjns__create_open_access(bool read_only);

/* The process-wide context used for NULL, made once. */
int kobjns__default_ctx(const kobjns_ctx **out);
/* Detach the process-wide context (library unload; the backend's unload hook calls it). */
void kobjns__default_ctx_release(void);
/* Fill `ctx` from the process and environment (KOBJNS_SESSION). */
int kobjns__ctx_init_process(kobjns_ctx *ctx);

#include "backend.h"

#endif
