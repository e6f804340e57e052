/* Public mutex, event and semaphore entry points: validate once, resolve the name, call one
 * backend function. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

static kobjns_sync *sync_new(const kobjns__name *name, kobjns_type kind) {
  size_t len = name ? kobjns__path_len(name) : 0;
  kobjns_sync *s = calloc(1, sizeof *s + len + 1);
  if (!s) return NULL;
  s->h.kind = KOBJNS__HANDLE_SYNC;
  s->kind = kind;
  s->path = (char *)(s + 1);
  if (name) kobjns__path_write(name, s->path);
  s->path[len] = '\0';
  return s;
}

static int create(kobjns_ctx *ctx, const char *name, const char *sddl, kobjns__sync_args *a,
                  kobjns_sync **out) {
  kobjns__sd sd;
  int rc;
  if (sddl && (rc = kobjns__sddl_parse_as(kobjns__type(a->kind)->mapping, sddl, &sd))) return rc;
  if (!ctx && (rc = kobjns__default_ctx((const kobjns_ctx **)&ctx))) return rc;
  kobjns__name resolved;
  bool named = name && name[0];
  if (named && (rc = kobjns__name_lookup(ctx, name, KOBJNS__CREATE, &resolved))) return rc;
  a->name = named ? &resolved : NULL;
  a->sd = sddl ? &sd : NULL;
  a->sddl = sddl;
  kobjns_sync *s = sync_new(a->name, a->kind);
  if (!s) return KOBJNS_NOT_ENOUGH_MEMORY;
  rc = kobjns__os_sync_create(ctx, a, s);
  if (rc && rc != KOBJNS_ALREADY_EXISTS) {
    free(s);
    return rc;
  }
  int added = kobjns__handle_add(&s->h);
  if (added) return added;
  *out = s;
  return rc;
}

int kobjns_mutex_create(kobjns_ctx *ctx, const char *name, int initial_owner, const char *sddl,
                        kobjns_sync **out) {
  if (!out) return KOBJNS_INVALID_PARAMETER;
  *out = NULL;
  kobjns__sync_args a = {.kind = KOBJNS_TYPE_MUTEX, .initial_owner = initial_owner != 0};
  return create(ctx, name, sddl, &a, out);
}

int kobjns_event_create(kobjns_ctx *ctx, const char *name, int manual_reset, int initial_state,
                        const char *sddl, kobjns_sync **out) {
  if (!out) return KOBJNS_INVALID_PARAMETER;
  *out = NULL;
  kobjns__sync_args a = {.kind = KOBJNS_TYPE_EVENT,
                         .manual_reset = manual_reset != 0,
                         .initial_state = initial_state != 0};
  return create(ctx, name, sddl, &a, out);
}

int kobjns_semaphore_create(kobjns_ctx *ctx, const char *name, int32_t initial, int32_t maximum,
                            const char *sddl, kobjns_sync **out) {
  if (!out) return KOBJNS_INVALID_PARAMETER;
  *out = NULL;
  if (maximum <= 0 || initial < 0 || initial > maximum) return KOBJNS_INVALID_PARAMETER;
  kobjns__sync_args a = {.kind = KOBJNS_TYPE_SEMAPHORE, .initial = initial, .maximum = maximum};
  return create(ctx, name, sddl, &a, out);
}

static int open_kind(kobjns_ctx *ctx, const char *name, unsigned access, unsigned kind,
                     kobjns_sync **out) {
  if (!out) return KOBJNS_INVALID_PARAMETER;
  *out = NULL;
  if (!name || (access & ~kobjns__type_valid_access(kind))) return KOBJNS_INVALID_PARAMETER;
  if (!name[0]) return KOBJNS_INVALID_HANDLE; /* an unnamed object cannot be opened */
  int rc;
  if (!ctx && (rc = kobjns__default_ctx((const kobjns_ctx **)&ctx))) return rc;
  kobjns__name resolved;
  if ((rc = kobjns__name_lookup(ctx, name, KOBJNS__OPEN, &resolved))) return rc;
  kobjns_sync *s = sync_new(&resolved, kind);
  if (!s) return KOBJNS_NOT_ENOUGH_MEMORY;
  /* An open that asks for nothing gets nothing (as a section's), once the name is known. */
  unsigned desired =
      access ? kobjns__type_map(kind, access) : KOBJNS__SYNCHRONIZE;
  if ((rc = kobjns__os_sync_open(ctx, &resolved, kind, desired, s))) {
    free(s);
    return rc;
  }
  if (!access) {
    kobjns__os_sync_close(s);
    free(s);
    return KOBJNS_ACCESS_DENIED;
  }
  if ((rc = kobjns__handle_add(&s->h))) return rc;
  *out = s;
  return 0;
}

int kobjns_mutex_open(kobjns_ctx *ctx, const char *name, unsigned access, kobjns_sync **out) {
  return open_kind(ctx, name, access, KOBJNS_TYPE_MUTEX, out);
}

int kobjns_event_open(kobjns_ctx *ctx, const char *name, unsigned access, kobjns_sync **out) {
  return open_kind(ctx, name, access, KOBJNS_TYPE_EVENT, out);
}

int kobjns_semaphore_open(kobjns_ctx *ctx, const char *name, unsigned access, kobjns_sync **out) {
  return open_kind(ctx, name, access, KOBJNS_TYPE_SEMAPHORE, out);
}

/* The live handle `handle` with a reference for the caller (kobjns__handle_put), or NULL. */
static kobjns_sync *sync_get(const kobjns_sync *handle) {
  return (kobjns_sync *)kobjns__handle_get(handle, KOBJNS__HANDLE_SYNC);
}

/* Run `op` on a live handle of `kind` that holds `needed` (0: none): 6 / 5 otherwise. */
static int with_handle(kobjns_sync *handle, unsigned kind, unsigned needed,
                       int (*op)(kobjns_sync *s, void *arg), void *arg) {
  kobjns_sync *s = sync_get(handle);
  if (!s) return KOBJNS_INVALID_HANDLE;
  int rc = s->kind != kind                  ? KOBJNS_INVALID_HANDLE
           : (s->access & needed) != needed ? KOBJNS_ACCESS_DENIED
                                            : op(s, arg);
  kobjns__handle_put(&s->h);
  return rc;
}

static int release_mutex(kobjns_sync *s, void *arg) {
  (void)arg;
  return kobjns__os_mutex_release(s);
}

/* Ownership, not access, decides a release (Windows checks no right for it either). */
int kobjns_mutex_release(kobjns_sync *mutex) {
  return with_handle(mutex, KOBJNS_TYPE_MUTEX, 0, release_mutex, NULL);
}

static int set_event(kobjns_sync *s, void *arg) {
  return kobjns__os_event_set(s, *(const bool *)arg);
}

int kobjns_event_set(kobjns_sync *event) {
  bool signaled = true;
  return with_handle(event, KOBJNS_TYPE_EVENT, KOBJNS__EVENT_MODIFY_STATE, set_event, &signaled);
}

int kobjns_event_reset(kobjns_sync *event) {
  bool signaled = false;
  return with_handle(event, KOBJNS_TYPE_EVENT, KOBJNS__EVENT_MODIFY_STATE, set_event, &signaled);
}

typedef struct release_call {
  int32_t count, *previous;
} release_call;

static int release_semaphore(kobjns_sync *s, void *arg) {
  release_call *c = arg;
  return kobjns__os_semaphore_release(s, c->count, c->previous);
}

int kobjns_semaphore_release(kobjns_sync *semaphore, int32_t count, int32_t *previous) {
  if (count <= 0) return KOBJNS_INVALID_PARAMETER;
  release_call c = {count, previous};
  return with_handle(semaphore, KOBJNS_TYPE_SEMAPHORE, KOBJNS__SEMAPHORE_MODIFY_STATE,
                     release_semaphore, &c);
}

int kobjns_wait_multiple(kobjns_sync *const *objects, size_t count, int wait_all,
                         uint32_t timeout_ms, size_t *index) {
  size_t ignored;
  if (!index) index = &ignored;
  *index = 0;
  if (!objects || count == 0 || count > KOBJNS_MAXIMUM_WAIT_OBJECTS)
    return KOBJNS_INVALID_PARAMETER;
  kobjns_sync *live[KOBJNS_MAXIMUM_WAIT_OBJECTS];
  size_t got = 0;
  int rc = 0;
  for (; got < count && !rc; got++) {
    if (!(live[got] = sync_get(objects[got]))) break;
    if (!(live[got]->access & KOBJNS__SYNCHRONIZE)) rc = KOBJNS_ACCESS_DENIED;
    for (size_t j = 0; wait_all && !rc && j < got; j++)
      if (objects[j] == objects[got]) rc = KOBJNS_INVALID_PARAMETER; /* the same handle twice */
  }
  if (got < count && !rc) rc = KOBJNS_INVALID_HANDLE;
  if (!rc) rc = kobjns__os_wait(live, count, wait_all != 0, timeout_ms, index);
  while (got) kobjns__handle_put(&live[--got]->h);
  return rc;
}

int kobjns_wait(kobjns_sync *object, uint32_t timeout_ms) {
  return kobjns_wait_multiple(&object, 1, 0, timeout_ms, NULL);
}

int kobjns_sync_close(kobjns_sync *object) {
  return kobjns__handle_remove(object, KOBJNS__HANDLE_SYNC);
}

int kobjns_sync_access(const kobjns_sync *handle, unsigned *access) {
  if (!access) return KOBJNS_INVALID_PARAMETER;
  kobjns_sync *s = sync_get(handle);
  if (!s) return KOBJNS_INVALID_HANDLE;
  *access = s->access;
  kobjns__handle_put(&s->h);
  return 0;
}

const char *kobjns_sync_type(const kobjns_sync *handle) {
  kobjns_sync *s = sync_get(handle);
  if (!s) return NULL;
  const char *type = kobjns__type(s->kind)->name;
  kobjns__handle_put(&s->h);
  return type;
}

const char *kobjns_sync_path(const kobjns_sync *handle) {
  kobjns_sync *s = sync_get(handle);
  if (!s) return "";
  const char *path = s->path; /* lives as long as the handle, as documented */
  kobjns__handle_put(&s->h);
  return path;
}
