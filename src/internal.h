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
  unsigned privileges;  /* KOBJNS_PRIV_* held */
  unsigned dropped;     /* KOBJNS_PRIV_* dropped by the program: identity changes keep them off */
  bool admin;           /* SYSTEM / BUILTIN\Administrators (root on POSIX) */
  bool user_overridden; /* kobjns_ctx_set_user() was used */
  uint32_t uid;
  size_t ngroups;
  uint32_t groups[KOBJNS__MAX_GROUPS];
} kobjns__token;

/* The longest tree of names (KOBJNS_ROOT, kobjns_ctx_set_root). */
#define KOBJNS__ROOT_MAX 32

#include "os.h" /* the backend's kobjns__os_ctx and kobjns__os_object */

struct kobjns_ctx {
  kobjns__token token;
  kobjns__os_ctx os;
};

/* --- names ------------------------------------------------------------------------------- */

/* A name resolved to one object directory and a leaf within it. */
/* A private namespace's id in paths ("\\PrivateNamespaces\\<id>\\<leaf>"): the backend's. */
#define KOBJNS__NS_ID_MAX 47

typedef struct kobjns__name {
  uint32_t session; /* 0: \BaseNamedObjects (global); N: \Sessions\N\BaseNamedObjects */
  const char *leaf; /* points into the caller's string; never contains '\' */
  size_t leaf_len;
  /* An object of a private namespace: its id ("" for none: then `session` says where), and the
   * alias the caller named it by (in the caller's string; the native call's on Windows). */
  char ns[KOBJNS__NS_ID_MAX + 1];
  const char *alias;
  size_t alias_len;
  unsigned ns_access; /* the namespace handle's rights (directory rights): TRAVERSE to open in
                         it, CREATE_OBJECT to create */
} kobjns__name;

enum kobjns__intent { KOBJNS__OPEN, KOBJNS__CREATE };

/* Walk `name` (already validated UTF-8, non-empty) from the caller's session directory. */
int kobjns__resolve_name(const kobjns_ctx *ctx, const char *name, enum kobjns__intent intent,
                         kobjns__name *out);
/* The private namespace this process has open under the alias `alias` (`len` bytes), the one
 * opened last: 0 with its id in ns[] and its handle's rights in *access, or 3 (none open). */
int kobjns__namespace_find(const char *alias, size_t len, char ns[KOBJNS__NS_ID_MAX + 1],
                           unsigned *access);
/* A namespace handle was duplicated (`from` to `to`): `to` names it under the same alias. */
void kobjns__namespace_duplicated(uint32_t from, uint32_t to);
/* Length of the canonical path of `n`, and writing it (no NUL) into buf[len]. */
size_t kobjns__path_len(const kobjns__name *n);
void kobjns__path_write(const kobjns__name *n, char *buf);
/* The namespace and leaf of a canonical path ("\\BaseNamedObjects\\x",
 * "\\Sessions\\N\\BaseNamedObjects\\x"), pointing into it: the inverse of kobjns__path_write. */
bool kobjns__path_parse(const char *path, kobjns__name *n);
/* The one decimal number rule of the library (sessions in names and paths, KOBJNS_SESSION,
 * numeric SIDs and rights, native names): 1 to 10 digits, no sign, no space, no leading zero,
 * at most UINT32_MAX. */
bool kobjns__parse_u32(const char *s, size_t len, uint32_t *out);
/* How many decimal digits `s` starts with. */
size_t kobjns__digits(const char *s);
/* Checks UTF-8 and the UTF-16 length limit: 0, 1113 or 206. */
int kobjns__validate_name(const char *name, size_t *utf16_units);

/* The creates' flags (kobjns_*_create_ex). */
#define KOBJNS__CREATE_FLAGS KOBJNS_CREATE_NEW

/* --- objects: one pipeline for every type (object.c) ------------------------------------- */

/* What a handle refers to, whatever its type. The handle table (handles.c) owns it; the core
 * fills the portable fields from the facts a backend reports, the backend only its `os` part. */
typedef struct kobjns__object {
  kobjns_type type;
  uint32_t handle;       /* its value in the handle table */
  bool process_exiting;  /* closed by the process's exit, not by a close call */
  unsigned access;       /* granted, generic rights mapped */
  uint64_t size;         /* section: bytes a view can map */
  bool read_only;        /* section: created with read-only protection */
  bool executable;       /* section: created with an execute protection */
  bool protection_known; /* section: read_only and executable are known (else the OS decides) */
  char *path;            /* canonical path, "" for an unnamed object */
  unsigned flags;        /* KOBJNS_HANDLE_FLAG_* (atomic) */
  kobjns__os_object os;
} kobjns__object;

/* What a backend reports about an object it created or opened: the core keeps these facts. */
typedef struct kobjns__facts {
  uint64_t size;         /* section: bytes a view can map (Windows' whole pages) */
  bool read_only;        /* section: created with read-only protection */
  bool executable;       /* section: created with an execute protection */
  bool protection_known; /* section: both are known (POSIX: always; Windows: for a new one) */
  kobjns_denial denial;  /* on 5: which check refused (NONE when the backend cannot tell) */
} kobjns__facts;

/* A create, as the core has decided it: the backend carries it out. */
typedef struct kobjns__create_args {
  kobjns_type type;
  const kobjns__name *name; /* NULL for an unnamed object */
  const kobjns__sd *sd;     /* parsed with the type's mapping, or NULL for the default */
  const char *sddl;         /* the caller's text, or NULL (for backends that pass it on) */
  /* The privilege rule's verdict: false means only an existing object will do (5 when the name
   * is free). */
  bool may_create;
  /* KOBJNS_CREATE_NEW: an existing object of the name is the failure 80, with nothing opened.
   * The core carries it out (kobjns__create_object) from what the backend reports. */
  bool create_new;
  unsigned desired;         /* what the creator asks for (mapped); a new object's handle gets it */
  unsigned existing_access; /* asked of an existing object of the name (then 183); a new
                               object's handle gets it too */
  /* The type's own arguments. */
  uint64_t size;                    /* section: whole pages (of a file: to the byte) */
  struct kobjns__object *file;      /* section: the file it maps (KOBJNS_TYPE_FILE), or NULL */
  bool read_only;                   /* section */
  bool executable;                  /* section: views may be executable */
  bool initial_owner;               /* mutex */
  bool manual_reset, initial_state; /* event */
  int32_t initial, maximum;         /* semaphore */
  /* thread: what it runs; the backend makes it held (not running) until kobjns__os_thread_start */
  kobjns_thread_fn start;
  void *start_arg;
  size_t stack_size;
} kobjns__create_args;

/* A timer's completion routine, as kobjns_timer_set takes it. */
typedef struct kobjns__completion {
  kobjns_timer_fn fn;
  void *context;
  uintptr_t arg;
} kobjns__completion;

/* A wait, as the core hands it to kobjns__os_wait: live handles it has checked (types,
 * SYNCHRONIZE, no object twice in a wait for all). */
typedef struct kobjns__wait_args {
  kobjns__object *const *objects;
  size_t count; /* 1 ... KOBJNS_MAXIMUM_WAIT_OBJECTS */
  bool wait_all;
  bool alertable; /* calls queued to the calling thread end the wait: they run, then 737 */
  uint32_t timeout_ms;
  /* SignalObjectAndWait (count 1): `signal` (checked: a type that can be signaled, the right to)
   * is signaled by `signal_fn` once the wait is queued, or first when it is the object waited
   * for. A backend that took the object waited for before a signal that then failed gives it
   * back (what it took, by the object's kind). */
  kobjns__object *signal;
  int (*signal_fn)(kobjns__object *o);
} kobjns__wait_args;

/* Create (or open, 183) the object `a` describes, or open `name` as `type` for `access`
 * (checked here: 87 for NULL or another type's rights, 6 for ""; 0 asks for nothing and is
 * refused with 5 once the object is known to exist). 0 or 183 with *out, a handle value; or a
 * status. */
int kobjns__create_object(const kobjns_ctx *ctx, const char *name, kobjns__create_args *a,
                          void **out);
int kobjns__open_object(const kobjns_ctx *ctx, const char *name, kobjns_type type, unsigned access,
                        void **out);

/* Keep what a backend reported of `o` (kobjns__facts), and the access its handle gets. */
void kobjns__keep_facts(kobjns__object *o, const kobjns__facts *f, unsigned access);
/* A new object of `type` with the canonical path of `name` (NULL: unnamed) after it. */
kobjns__object *kobjns__object_new(kobjns_type type, const kobjns__name *name);

/* --- private namespaces (namespace.c) ------------------------------------------------------- */

#define KOBJNS__BOUNDARY_SIDS_MAX 32

/* A boundary: its name and SIDs (a set, kept sorted by trustee then id), and the integrity
 * level asked (where a backend models them). */
struct kobjns_boundary {
  char *name;
  size_t count;
  kobjns__ace sids[KOBJNS__BOUNDARY_SIDS_MAX];
  bool has_integrity;
  uint32_t integrity_rid;
};

/* A namespace create or open, as the core has checked it. */
typedef struct kobjns__namespace_args {
  const kobjns_boundary *boundary;
  const char *alias;
  const kobjns__sd *sd; /* create: parsed with the directory mapping, or NULL for the default */
  const char *sddl;     /* create: the caller's text, or NULL */
} kobjns__namespace_args;

/* Forget every alias (the library's unload, after the handles are closed). */
void kobjns__namespaces_release(void);

/* A caller's name checked (UTF-8, length), then resolved. */
int kobjns__name_lookup(const kobjns_ctx *ctx, const char *name, enum kobjns__intent intent,
                        kobjns__name *out);

/* A view's kind, as MapViewOfFile computes it from the access asked (section.c). */
typedef enum kobjns__view {
  KOBJNS__VIEW_NONE,  /* no access (PAGE_NOACCESS) */
  KOBJNS__VIEW_READ,  /* read-only */
  KOBJNS__VIEW_WRITE, /* read and write, shared */
  KOBJNS__VIEW_COPY   /* copy-on-write, private */
} kobjns__view;

/* --- the handle table (handles.c) ---------------------------------------------------------- */

/* Register `o` (its one reference is the table's) and store its value in *handle: 0, or 4 / 8
 * after closing and freeing it. Values are multiples of 4 below 2^32, never 0; the two low bits
 * of a value are ignored, as Windows ignores them. */
int kobjns__handle_add(kobjns__object *o, void **handle);
/* The live object `handle` names, of `type` (KOBJNS_TYPE_NONE: any), with a reference for the
 * caller; NULL when it is closed, never issued or of another type. */
kobjns__object *kobjns__handle_get(const void *handle, kobjns_type type);
/* Drop a reference; the last one closes the backend object and frees it. */
void kobjns__handle_put(kobjns__object *o);
/* End the handle (of `type`, or any): 0, or 6 if it is not live. Its object closes when the
 * last call in progress returns. */
int kobjns__handle_remove(const void *handle, kobjns_type type);
/* Close every handle left open and free the table (process exit, library unload). */
void kobjns__handles_release(void);
/* Call fn for every live handle (referenced during the call) until it returns non-zero. */
void kobjns__handles_each(int (*fn)(kobjns__object *o, void *arg), void *arg);
/* Register `o` at exactly the value `handle` (an inherited handle): 0, or 6 when that value
 * cannot be had (taken, or not one the table issues), 8; on failure `o` is closed and freed. */
int kobjns__handle_add_at(kobjns__object *o, uint32_t handle);
/* The slot index of a handle value (UINT32_MAX: not one the table issues). */
uint32_t kobjns__handle_slot(uint32_t handle);
/* Whether kobjns__handle_add_at could register a handle at `handle` now: a value the table
 * issues, within the first KOBJNS__INHERIT_SLOTS slots (what a child may be handed), not in
 * use. */
#define KOBJNS__INHERIT_SLOTS (1u << 20)
bool kobjns__handle_value_free(uint32_t handle);

/* --- processes (process.c) ----------------------------------------------------------------- */

/* A handle passed on to a child: its value, type and access, and the backend's copy of it for
 * the child (POSIX: a descriptor; Windows: an inheritable HANDLE's value). */
typedef struct kobjns__inherited {
  uint32_t handle;
  kobjns_type type;
  unsigned access;
  uint64_t copy;
} kobjns__inherited;
/* The environment variable that lists them for the child. */
#define KOBJNS__INHERITED_VAR "KOBJNS_INHERITED"

/* A process start, as the core hands it to the backend (arguments checked). */
typedef struct kobjns__spawn_args {
  const kobjns_process_start *start;
  const kobjns__inherited *inherited; /* start->inherit_handles: the copies the child gets */
  size_t count;
  const char *env;        /* "KOBJNS_INHERITED=..." for the child's environment, or NULL */
  kobjns__object *std[3]; /* the child's standard streams (KOBJNS_TYPE_FILE), or NULL: ours */
} kobjns__spawn_args;

/* Put the handles this process inherited back at their values (the library's load). */
void kobjns__inherit_adopt_all(void);
/* kobjns_command_line_split without the checks. */
int kobjns__command_line_split(const char *line, char ***argv, int *argc);

/* Whether `ctx` may create a new object of `type` in namespace `n` (SeCreateGlobalPrivilege). */
bool kobjns__may_create_in(const kobjns_ctx *ctx, kobjns_type type, const kobjns__name *n);
/* The access a create asks of an existing section with this protection. */
unsigned kobjns__section_existing_access(bool read_only);

/* A tree of names (KOBJNS_ROOT, kobjns_ctx_set_root): [A-Za-z0-9_-]{1,KOBJNS__ROOT_MAX}. */
bool kobjns__root_valid(const char *root);

/* The process-wide context used for NULL, made once. */
int kobjns__default_ctx(const kobjns_ctx **out);
/* Detach the process-wide context (library unload; the backend's unload hook calls it). */
void kobjns__default_ctx_release(void);
/* Fill `ctx` from the process and environment (KOBJNS_SESSION). */
int kobjns__ctx_init_process(kobjns_ctx *ctx);

#include "backend.h"

#endif
