/* One create/open path for every object type: the core resolves the name, applies the privilege
 * rule, decides the handle's granted access, and registers the handle; the backend carries out
 * the create or open and reports facts. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

bool kobjns__may_create_in(const kobjns_ctx *ctx, kobjns_type type, const kobjns__name *n) {
  /* Creating in the global namespace from another session needs SeCreateGlobalPrivilege, for
   * the types the object manager checks it for. */
  return !kobjns__type(type)->create_global_needs_privilege || n->ns[0] || n->session != 0 ||
         ctx->token.session == 0 || (ctx->token.privileges & KOBJNS_PRIV_CREATE_GLOBAL);
}

int kobjns_create_privileges(const kobjns_ctx *ctx, const char *name, kobjns_type type,
                             unsigned *privileges) {
  if (!privileges) return KOBJNS_INVALID_PARAMETER;
  *privileges = 0;
  if (!name || !kobjns__type_is_object(type) || kobjns__type(type)->unnamed)
    return KOBJNS_INVALID_PARAMETER;
  if (!name[0]) return 0; /* an unnamed object is in no namespace */
  int rc;
  if (!ctx && (rc = kobjns__default_ctx(&ctx))) return rc;
  kobjns__name resolved;
  if ((rc = kobjns__name_lookup(ctx, name, KOBJNS__CREATE, &resolved))) return rc;
  /* What the rule asks for, whoever asks: a context in session 0 needs nothing. */
  kobjns_ctx unprivileged = *ctx;
  unprivileged.token.privileges = 0;
  if (!kobjns__may_create_in(&unprivileged, type, &resolved))
    *privileges = KOBJNS_PRIV_CREATE_GLOBAL;
  return 0;
}

unsigned kobjns__section_existing_access(bool read_only) {
  return KOBJNS__SECTION_QUERY | KOBJNS__SECTION_MAP_READ |
         (read_only ? 0u : KOBJNS__SECTION_MAP_WRITE);
}

kobjns__object *kobjns__object_new(kobjns_type type, const kobjns__name *name) {
  size_t len = name ? kobjns__path_len(name) : 0;
  kobjns__object *o = calloc(1, sizeof *o + len + 1);
  if (!o) return NULL;
  o->type = type;
  o->path = (char *)(o + 1);
  if (name) kobjns__path_write(name, o->path);
  o->path[len] = '\0';
  return o;
}

void kobjns__keep_facts(kobjns__object *o, const kobjns__facts *f, unsigned access) {
  o->size = f->size;
  o->read_only = f->read_only;
  o->executable = f->executable;
  o->protection_known = f->protection_known;
  o->access = access;
}

/* Whether a create's 5 was the existing object's refusal (its descriptor, its mode bits, a
 * planted or twice-named file): the name is held, which KOBJNS_CREATE_NEW answers with 80. */
static bool refused_by_existing(kobjns_denial why) {
  return why == KOBJNS_DENIAL_DESCRIPTOR || why == KOBJNS_DENIAL_MODE_BITS ||
         why == KOBJNS_DENIAL_PLANTED || why == KOBJNS_DENIAL_SECOND_NAME;
}

int kobjns__create_object(const kobjns_ctx *ctx, const char *name, kobjns__create_args *a,
                          void **out) {
  int rc;
  if (!ctx && (rc = kobjns__default_ctx(&ctx))) return rc;
  kobjns__name resolved;
  bool named = name && name[0];
  if (named && (rc = kobjns__name_lookup(ctx, name, KOBJNS__CREATE, &resolved))) return rc;
  a->name = named ? &resolved : NULL;
  a->may_create = !named || kobjns__may_create_in(ctx, a->type, &resolved);
  if (named && resolved.ns[0]) {
    /* A private namespace's rights, as its handle has them: TRAVERSE to reach an object in it,
     * CREATE_OBJECT to make one (without it only an existing object will do). */
    if (!(resolved.ns_access & KOBJNS__DIRECTORY_TRAVERSE)) return KOBJNS_ACCESS_DENIED;
    if (!(resolved.ns_access & KOBJNS__DIRECTORY_CREATE_OBJECT)) a->may_create = false;
  }
  kobjns__object *o = kobjns__object_new(a->type, a->name);
  if (!o) return KOBJNS_NOT_ENOUGH_MEMORY;
  kobjns__facts facts = {0};
  rc = kobjns__os_create(ctx, a, o, &facts);
  if (a->create_new && (rc == KOBJNS_ALREADY_EXISTS ||
                        (rc == KOBJNS_ACCESS_DENIED && refused_by_existing(facts.denial)))) {
    if (rc == KOBJNS_ALREADY_EXISTS) kobjns__os_close(o); /* opened: let go at once */
    free(o);
    return KOBJNS_FILE_EXISTS;
  }
  if (rc && rc != KOBJNS_ALREADY_EXISTS) {
    free(o);
    return rc;
  }
  /* The creating handle has what it asked for and what an opener of the new object would get;
   * an existing object's handle has what was asked of it. */
  kobjns__keep_facts(o, &facts, rc == 0 ? a->desired | a->existing_access : a->existing_access);
  int added = kobjns__handle_add(o, out);
  return added ? added : rc;
}

/* The open of `name` as `type`; *why says which check refused a 5. With `out` NULL the handle
 * is closed at once. */
/* MAXIMUM_ALLOWED: the rights of the type that the object named `resolved` grants (each asked of
 * the backend alone: its descriptor, and on POSIX the kernel's mode bits for the rights that
 * open the file for writing): 0 with *granted (0: none), or the status of a failure other than
 * a refusal (2: no such object). */
static int maximum_allowed(const kobjns_ctx *ctx, const kobjns__name *resolved, kobjns_type type,
                           unsigned *granted) {
  *granted = 0;
  unsigned rights = kobjns__type(type)->rights;
  for (unsigned bit = 1; bit && bit <= rights; bit <<= 1) {
    if (!(rights & bit)) continue;
    kobjns__object *probe = kobjns__object_new(type, resolved);
    if (!probe) return KOBJNS_NOT_ENOUGH_MEMORY;
    kobjns__facts facts = {0};
    int rc = kobjns__os_open(ctx, resolved, type, bit, probe, &facts);
    if (rc == 0) {
      *granted |= bit;
      kobjns__os_close(probe);
    }
    free(probe);
    if (rc && rc != KOBJNS_ACCESS_DENIED) return rc;
  }
  return 0;
}

static int open_object(const kobjns_ctx *ctx, const char *name, kobjns_type type, unsigned access,
                       void **out, kobjns_denial *why) {
  *why = KOBJNS_DENIAL_NONE;
  bool maximum = access & KOBJNS_MAXIMUM_ALLOWED;
  access &= ~KOBJNS_MAXIMUM_ALLOWED;
  if (!kobjns__type_is_object(type) || kobjns__type(type)->unnamed || !name ||
      (access & ~kobjns__type_valid_access(type)))
    return KOBJNS_INVALID_PARAMETER;
  if (!name[0]) return KOBJNS_INVALID_HANDLE; /* an unnamed object cannot be opened */
  int rc;
  if (!ctx && (rc = kobjns__default_ctx(&ctx))) return rc;
  kobjns__name resolved;
  if ((rc = kobjns__name_lookup(ctx, name, KOBJNS__OPEN, &resolved))) return rc;
  if (resolved.ns[0] && !(resolved.ns_access & KOBJNS__DIRECTORY_TRAVERSE))
    return KOBJNS_ACCESS_DENIED; /* the namespace's handle may not reach objects in it */
  kobjns__object *o = kobjns__object_new(type, &resolved);
  if (!o) return KOBJNS_NOT_ENOUGH_MEMORY;
  /* FILE_MAP_COPY asks for read access (Windows' OpenFileMapping does the same). */
  if (type == KOBJNS_TYPE_SECTION && access == KOBJNS_MAP_COPY) access = KOBJNS_MAP_READ;
  /* An open that asks for nothing gets nothing (row 10), once the name is known to exist: it
   * asks the least right of the type to learn that. */
  unsigned desired = access                        ? kobjns__type_map(type, access)
                     : type == KOBJNS_TYPE_SECTION ? KOBJNS__SECTION_QUERY
                                                   : KOBJNS__SYNCHRONIZE;
  if (maximum) {
    unsigned granted;
    if ((rc = maximum_allowed(ctx, &resolved, type, &granted)) || !granted) {
      free(o);
      if (!rc) *why = KOBJNS_DENIAL_DESCRIPTOR;
      return rc ? rc : KOBJNS_ACCESS_DENIED;
    }
    desired = granted | (access ? desired : 0);
    access = desired; /* something asked: a handle is made */
  }
  kobjns__facts facts = {0};
  rc = kobjns__os_open(ctx, &resolved, type, desired, o, &facts);
  *why = facts.denial;
  if (rc) {
    free(o);
    return rc;
  }
  if (!access || !out) {
    kobjns__os_close(o);
    free(o);
    if (!access) *why = KOBJNS_DENIAL_NOTHING_ASKED;
    return access ? 0 : KOBJNS_ACCESS_DENIED;
  }
  kobjns__keep_facts(o, &facts, desired);
  return kobjns__handle_add(o, out);
}

int kobjns__open_object(const kobjns_ctx *ctx, const char *name, kobjns_type type, unsigned access,
                        void **out) {
  kobjns_denial why;
  return open_object(ctx, name, type, access, out, &why);
}

int kobjns_open_explain(const kobjns_ctx *ctx, const char *name, kobjns_type type, unsigned access,
                        kobjns_denial *why) {
  kobjns_denial ignored;
  return open_object(ctx, name, type, access, NULL, why ? why : &ignored);
}

int kobjns_close(void *handle) { return kobjns__handle_remove(handle, KOBJNS_TYPE_NONE); }

#define HANDLE_FLAGS (KOBJNS_HANDLE_FLAG_INHERIT | KOBJNS_HANDLE_FLAG_PROTECT_FROM_CLOSE)

int kobjns_handle_flags(const void *handle, unsigned *flags) {
  if (!flags) return KOBJNS_INVALID_PARAMETER;
  *flags = 0;
  kobjns__object *o = kobjns__handle_get(handle, KOBJNS_TYPE_NONE);
  if (!o) return KOBJNS_INVALID_HANDLE;
  *flags = __atomic_load_n(&o->flags, __ATOMIC_ACQUIRE);
  kobjns__handle_put(o);
  return 0;
}

int kobjns_handle_set_flags(void *handle, unsigned mask, unsigned flags) {
  mask &= HANDLE_FLAGS; /* other bits mean nothing, as Windows' SetHandleInformation has it */
  kobjns__object *o = kobjns__handle_get(handle, KOBJNS_TYPE_NONE);
  if (!o) return KOBJNS_INVALID_HANDLE;
  unsigned old = __atomic_load_n(&o->flags, __ATOMIC_ACQUIRE);
  while (!__atomic_compare_exchange_n(&o->flags, &old, (old & ~mask) | (flags & mask), true,
                                      __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
  }
  kobjns__handle_put(o);
  return 0;
}

/* A second object for `from`'s handle-to-be: its portable facts, `access`, no flags. */
static kobjns__object *object_copy(const kobjns__object *from, unsigned access) {
  size_t len = strlen(from->path);
  kobjns__object *o = calloc(1, sizeof *o + len + 1);
  if (!o) return NULL;
  o->type = from->type;
  o->access = access;
  o->size = from->size;
  o->read_only = from->read_only;
  o->executable = from->executable;
  o->protection_known = from->protection_known;
  o->path = (char *)(o + 1);
  memcpy(o->path, from->path, len + 1);
  return o;
}

int kobjns_duplicate(void *handle, unsigned access, unsigned options, void **out) {
  if (!out) return KOBJNS_INVALID_PARAMETER;
  *out = NULL;
  if (options & ~(KOBJNS_DUPLICATE_CLOSE_SOURCE | KOBJNS_DUPLICATE_SAME_ACCESS))
    return KOBJNS_INVALID_PARAMETER;
  kobjns__object *from = kobjns__handle_get(handle, KOBJNS_TYPE_NONE);
  if (!from) return KOBJNS_INVALID_HANDLE;
  unsigned granted =
      options & KOBJNS_DUPLICATE_SAME_ACCESS ? from->access : kobjns__type_map(from->type, access);
  int rc = granted & ~from->access ? KOBJNS_ACCESS_DENIED : 0;
  kobjns__object *to = rc ? NULL : object_copy(from, granted);
  if (!rc && !to) rc = KOBJNS_NOT_ENOUGH_MEMORY;
  bool move = options & KOBJNS_DUPLICATE_CLOSE_SOURCE;
  if (!rc && (rc = kobjns__os_duplicate(from, to, move))) free(to);
  bool directory = from->type == KOBJNS_TYPE_DIRECTORY;
  kobjns__handle_put(from);
  void *added = NULL;
  if (!rc) rc = kobjns__handle_add(to, &added);
  /* A namespace's duplicate names it under the same alias: taken while the source is open. */
  if (!rc && directory)
    kobjns__namespace_duplicated((uint32_t)(uintptr_t)handle, (uint32_t)(uintptr_t)added);
  /* "This occurs regardless of any error status returned" (DuplicateHandle's documentation). */
  if (options & KOBJNS_DUPLICATE_CLOSE_SOURCE) kobjns__handle_remove(handle, KOBJNS_TYPE_NONE);
  if (!rc) *out = added;
  return rc;
}

int kobjns_handle_type(const void *handle, kobjns_type *type) {
  if (!type) return KOBJNS_INVALID_PARAMETER;
  *type = KOBJNS_TYPE_NONE;
  kobjns__object *o = kobjns__handle_get(handle, KOBJNS_TYPE_NONE);
  if (!o) return KOBJNS_INVALID_HANDLE;
  *type = o->type;
  kobjns__handle_put(o);
  return 0;
}
