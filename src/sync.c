/* Public mutex, event, semaphore and timer entry points: validate once, then the one object
 * pipeline (object.c) or one backend function. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

/* A create asks for the type's ALL_ACCESS, of a new object or an existing one. */
static int create(const kobjns_ctx *ctx, const char *name, const char *sddl, unsigned flags,
                  kobjns__create_args *a, kobjns_sync **out) {
  if (flags & ~KOBJNS__CREATE_FLAGS) return KOBJNS_INVALID_PARAMETER;
  a->create_new = flags & KOBJNS_CREATE_NEW;
  kobjns__sd sd;
  int rc;
  if (sddl && (rc = kobjns__sddl_parse_as(kobjns__type(a->type)->mapping, sddl, &sd))) return rc;
  a->sd = sddl ? &sd : NULL;
  a->sddl = sddl;
  a->desired = a->existing_access = kobjns__type(a->type)->mapping->all;
  return kobjns__create_object(ctx, name, a, (void **)out);
}

int kobjns_mutex_create_ex(const kobjns_ctx *ctx, const char *name, int initial_owner,
                           const char *sddl, unsigned flags, kobjns_sync **out) {
  if (!out) return KOBJNS_INVALID_PARAMETER;
  *out = NULL;
  kobjns__create_args a = {.type = KOBJNS_TYPE_MUTEX, .initial_owner = initial_owner != 0};
  return create(ctx, name, sddl, flags, &a, out);
}

int kobjns_event_create_ex(const kobjns_ctx *ctx, const char *name, int manual_reset,
                           int initial_state, const char *sddl, unsigned flags, kobjns_sync **out) {
  if (!out) return KOBJNS_INVALID_PARAMETER;
  *out = NULL;
  kobjns__create_args a = {.type = KOBJNS_TYPE_EVENT,
                           .manual_reset = manual_reset != 0,
                           .initial_state = initial_state != 0};
  return create(ctx, name, sddl, flags, &a, out);
}

int kobjns_semaphore_create_ex(const kobjns_ctx *ctx, const char *name, int32_t initial,
                               int32_t maximum, const char *sddl, unsigned flags,
                               kobjns_sync **out) {
  if (!out) return KOBJNS_INVALID_PARAMETER;
  *out = NULL;
  if (maximum <= 0 || initial < 0 || initial > maximum) return KOBJNS_INVALID_PARAMETER;
  kobjns__create_args a = {.type = KOBJNS_TYPE_SEMAPHORE, .initial = initial, .maximum = maximum};
  return create(ctx, name, sddl, flags, &a, out);
}

int kobjns_timer_create_ex(const kobjns_ctx *ctx, const char *name, int manual_reset,
                           const char *sddl, unsigned flags, kobjns_sync **out) {
  if (!out) return KOBJNS_INVALID_PARAMETER;
  *out = NULL;
  kobjns__create_args a = {.type = KOBJNS_TYPE_TIMER, .manual_reset = manual_reset != 0};
  return create(ctx, name, sddl, flags, &a, out);
}

int kobjns_mutex_create(const kobjns_ctx *ctx, const char *name, int initial_owner,
                        const char *sddl, kobjns_sync **out) {
  return kobjns_mutex_create_ex(ctx, name, initial_owner, sddl, 0, out);
}

int kobjns_event_create(const kobjns_ctx *ctx, const char *name, int manual_reset,
                        int initial_state, const char *sddl, kobjns_sync **out) {
  return kobjns_event_create_ex(ctx, name, manual_reset, initial_state, sddl, 0, out);
}

int kobjns_semaphore_create(const kobjns_ctx *ctx, const char *name, int32_t initial,
                            int32_t maximum, const char *sddl, kobjns_sync **out) {
  return kobjns_semaphore_create_ex(ctx, name, initial, maximum, sddl, 0, out);
}

int kobjns_timer_create(const kobjns_ctx *ctx, const char *name, int manual_reset, const char *sddl,
                        kobjns_sync **out) {
  return kobjns_timer_create_ex(ctx, name, manual_reset, sddl, 0, out);
}

static int open_type(const kobjns_ctx *ctx, const char *name, unsigned access, kobjns_type type,
                     kobjns_sync **out) {
  if (!out) return KOBJNS_INVALID_PARAMETER;
  *out = NULL;
  return kobjns__open_object(ctx, name, type, access, (void **)out);
}

int kobjns_mutex_open(const kobjns_ctx *ctx, const char *name, unsigned access, kobjns_sync **out) {
  return open_type(ctx, name, access, KOBJNS_TYPE_MUTEX, out);
}

int kobjns_event_open(const kobjns_ctx *ctx, const char *name, unsigned access, kobjns_sync **out) {
  return open_type(ctx, name, access, KOBJNS_TYPE_EVENT, out);
}

int kobjns_semaphore_open(const kobjns_ctx *ctx, const char *name, unsigned access,
                          kobjns_sync **out) {
  return open_type(ctx, name, access, KOBJNS_TYPE_SEMAPHORE, out);
}

int kobjns_timer_open(const kobjns_ctx *ctx, const char *name, unsigned access, kobjns_sync **out) {
  return open_type(ctx, name, access, KOBJNS_TYPE_TIMER, out);
}

/* The live mutex, event or semaphore `handle` with a reference for the caller
 * (kobjns__handle_put), or NULL. */
static kobjns__object *sync_get(const kobjns_sync *handle) {
  kobjns__object *o = kobjns__handle_get(handle, KOBJNS_TYPE_NONE);
  if (o && !kobjns__type(o->type)->waitable) {
    kobjns__handle_put(o);
    return NULL;
  }
  return o;
}

/* Run `op` on a live handle of `type` that holds `needed` (0: none): 6 / 5 otherwise. */
static int with_handle(kobjns_sync *handle, kobjns_type type, unsigned needed,
                       int (*op)(kobjns__object *s, void *arg), void *arg) {
  kobjns__object *s = kobjns__handle_get(handle, type);
  if (!s) return KOBJNS_INVALID_HANDLE;
  int rc = (s->access & needed) != needed ? KOBJNS_ACCESS_DENIED : op(s, arg);
  kobjns__handle_put(s);
  return rc;
}

static int release_mutex(kobjns__object *s, void *arg) {
  (void)arg;
  return kobjns__os_mutex_release(s);
}

/* Ownership, not access, decides a release (Windows checks no right for it either). */
int kobjns_mutex_release(kobjns_sync *mutex) {
  return with_handle(mutex, KOBJNS_TYPE_MUTEX, 0, release_mutex, NULL);
}

static int set_event(kobjns__object *s, void *arg) {
  return kobjns__os_event_set(s, *(const bool *)arg);
}

int kobjns_event_set(kobjns_sync *event) {
  bool signaled = true;
  return with_handle(event, KOBJNS_TYPE_EVENT, KOBJNS__EVENT_MODIFY_STATE, set_event, &signaled);
}

static int pulse_event(kobjns__object *s, void *arg) {
  (void)arg;
  return kobjns__os_event_pulse(s);
}

int kobjns_event_pulse(kobjns_sync *event) {
  return with_handle(event, KOBJNS_TYPE_EVENT, KOBJNS__EVENT_MODIFY_STATE, pulse_event, NULL);
}

int kobjns_event_reset(kobjns_sync *event) {
  bool signaled = false;
  return with_handle(event, KOBJNS_TYPE_EVENT, KOBJNS__EVENT_MODIFY_STATE, set_event, &signaled);
}

typedef struct release_call {
  int32_t count, *previous;
} release_call;

static int release_semaphore(kobjns__object *s, void *arg) {
  release_call *c = arg;
  return kobjns__os_semaphore_release(s, c->count, c->previous);
}

int kobjns_semaphore_release(kobjns_sync *semaphore, int32_t count, int32_t *previous) {
  if (count <= 0) return KOBJNS_INVALID_PARAMETER;
  release_call c = {count, previous};
  return with_handle(semaphore, KOBJNS_TYPE_SEMAPHORE, KOBJNS__SEMAPHORE_MODIFY_STATE,
                     release_semaphore, &c);
}

typedef struct timer_call {
  int64_t due;
  int32_t period_ms;
  kobjns__completion completion;
} timer_call;

static int set_timer(kobjns__object *t, void *arg) {
  const timer_call *c = arg;
  return kobjns__os_timer_set(t, c->due, c->period_ms, c->completion.fn ? &c->completion : NULL);
}

int kobjns_timer_set(kobjns_sync *timer, int64_t due, int32_t period_ms, kobjns_timer_fn fn,
                     void *context, uintptr_t arg) {
  if (period_ms < 0) return KOBJNS_INVALID_PARAMETER;
  timer_call c = {due, period_ms, {fn, context, arg}};
  return with_handle(timer, KOBJNS_TYPE_TIMER, KOBJNS__TIMER_MODIFY_STATE, set_timer, &c);
}

static int cancel_timer(kobjns__object *t, void *arg) {
  (void)arg;
  return kobjns__os_timer_cancel(t);
}

int kobjns_timer_cancel(kobjns_sync *timer) {
  return with_handle(timer, KOBJNS_TYPE_TIMER, KOBJNS__TIMER_MODIFY_STATE, cancel_timer, NULL);
}

/* Whether a wait may use `o`: a waitable object's handle with SYNCHRONIZE (a section's handle
 * never has it): 0 or 5. */
static int may_wait(const kobjns__object *o) {
  return kobjns__type(o->type)->waitable && (o->access & KOBJNS__SYNCHRONIZE)
             ? 0
             : KOBJNS_ACCESS_DENIED;
}

/* Look up the handles of a wait, in Windows' order: each handle in turn (not live: 6; no
 * SYNCHRONIZE: 5; in a wait for all, an object given twice: 87). Every one looked up is in
 * live[0 .. *got) for the caller to put back. */
static int look_up(kobjns_sync *const *objects, size_t count, bool wait_all, kobjns__object **live,
                   size_t *got) {
  int rc = 0;
  for (*got = 0; *got < count && !rc; ++*got) {
    if (!(live[*got] = kobjns__handle_get(objects[*got], KOBJNS_TYPE_NONE))) break;
    rc = may_wait(live[*got]);
    for (size_t j = 0; wait_all && !rc && j < *got; j++)
      if (live[j] == live[*got]) rc = KOBJNS_INVALID_PARAMETER; /* the same handle twice */
  }
  return *got < count && !rc ? KOBJNS_INVALID_HANDLE : rc;
}

int kobjns_wait_ex(kobjns_sync *const *objects, size_t count, unsigned flags, uint32_t timeout_ms,
                   size_t *index) {
  size_t ignored;
  if (!index) index = &ignored;
  *index = 0;
  if (!objects || count == 0 || count > KOBJNS_MAXIMUM_WAIT_OBJECTS ||
      (flags & ~(KOBJNS_WAIT_ALL | KOBJNS_WAIT_ALERTABLE)))
    return KOBJNS_INVALID_PARAMETER;
  kobjns__object *live[KOBJNS_MAXIMUM_WAIT_OBJECTS];
  size_t got;
  kobjns__wait_args a = {.objects = live,
                         .count = count,
                         .wait_all = (flags & KOBJNS_WAIT_ALL) != 0,
                         .alertable = (flags & KOBJNS_WAIT_ALERTABLE) != 0,
                         .timeout_ms = timeout_ms};
  int rc = look_up(objects, count, a.wait_all, live, &got);
  if (!rc) rc = kobjns__os_wait(&a, index);
  while (got) kobjns__handle_put(live[--got]);
  return rc;
}

int kobjns_wait_multiple(kobjns_sync *const *objects, size_t count, int wait_all,
                         uint32_t timeout_ms, size_t *index) {
  return kobjns_wait_ex(objects, count, wait_all ? KOBJNS_WAIT_ALL : 0, timeout_ms, index);
}

/* The common case on its own path: one handle looked up, no arrays. */
int kobjns_wait(kobjns_sync *object, uint32_t timeout_ms) {
  kobjns__object *o = kobjns__handle_get(object, KOBJNS_TYPE_NONE);
  if (!o) return KOBJNS_INVALID_HANDLE;
  size_t index;
  int rc = may_wait(o);
  kobjns__wait_args a = {.objects = &o, .count = 1, .timeout_ms = timeout_ms};
  if (!rc) rc = kobjns__os_wait(&a, &index);
  kobjns__handle_put(o);
  return rc;
}

/* What signaling an object is (SignalObjectAndWait's). */
static int signal_object(kobjns__object *o) {
  int32_t previous;
  switch (o->type) {
    case KOBJNS_TYPE_MUTEX: return kobjns__os_mutex_release(o);
    case KOBJNS_TYPE_EVENT: return kobjns__os_event_set(o, true);
    default: return kobjns__os_semaphore_release(o, 1, &previous);
  }
}

/* The right signaling `o` needs (a mutex: none, ownership decides), or 6 for an object that
 * cannot be signaled (a section, a thread, a timer). */
static int may_signal(const kobjns__object *o) {
  unsigned needed;
  switch (o->type) {
    case KOBJNS_TYPE_MUTEX: return 0;
    case KOBJNS_TYPE_EVENT: needed = KOBJNS__EVENT_MODIFY_STATE; break;
    case KOBJNS_TYPE_SEMAPHORE: needed = KOBJNS__SEMAPHORE_MODIFY_STATE; break;
    default: return KOBJNS_INVALID_HANDLE;
  }
  return (o->access & needed) == needed ? 0 : KOBJNS_ACCESS_DENIED;
}

int kobjns_signal_and_wait(kobjns_sync *signal, kobjns_sync *wait, uint32_t timeout_ms,
                           unsigned flags) {
  if (flags & ~KOBJNS_WAIT_ALERTABLE) return KOBJNS_INVALID_PARAMETER;
  kobjns__object *s = kobjns__handle_get(signal, KOBJNS_TYPE_NONE);
  if (!s) return KOBJNS_INVALID_HANDLE;
  int rc = may_signal(s);
  kobjns__object *w = rc ? NULL : kobjns__handle_get(wait, KOBJNS_TYPE_NONE);
  if (!rc && !w) rc = KOBJNS_INVALID_HANDLE;
  if (!rc) rc = may_wait(w);
  if (!rc) {
    kobjns__wait_args a = {.objects = &w,
                           .count = 1,
                           .alertable = (flags & KOBJNS_WAIT_ALERTABLE) != 0,
                           .timeout_ms = timeout_ms,
                           .signal = s,
                           .signal_fn = signal_object};
    size_t index;
    rc = kobjns__os_wait(&a, &index);
  }
  if (w) kobjns__handle_put(w);
  kobjns__handle_put(s);
  return rc;
}

int kobjns_sleep(uint32_t ms, unsigned flags) {
  if (flags & ~KOBJNS_WAIT_ALERTABLE) return KOBJNS_INVALID_PARAMETER;
  return kobjns__os_sleep(ms, (flags & KOBJNS_WAIT_ALERTABLE) != 0);
}

int kobjns_sync_close(kobjns_sync *object) {
  kobjns__object *s = sync_get(object); /* a section's handle is not one to close here */
  if (!s) return KOBJNS_INVALID_HANDLE;
  kobjns_type type = s->type;
  kobjns__handle_put(s);
  return kobjns__handle_remove(object, type);
}

int kobjns_sync_access(const kobjns_sync *handle, unsigned *access) {
  if (!access) return KOBJNS_INVALID_PARAMETER;
  *access = 0;
  kobjns__object *s = sync_get(handle);
  if (!s) return KOBJNS_INVALID_HANDLE;
  *access = s->access;
  kobjns__handle_put(s);
  return 0;
}

const char *kobjns_sync_type(const kobjns_sync *handle) {
  kobjns__object *s = sync_get(handle);
  if (!s) return ""; /* as kobjns_sync_path: never NULL */
  const char *type = kobjns__type(s->type)->name;
  kobjns__handle_put(s);
  return type;
}

const char *kobjns_sync_path(const kobjns_sync *handle) {
  kobjns__object *s = sync_get(handle);
  if (!s) return "";
  const char *path = s->path; /* lives as long as the handle, as documented */
  kobjns__handle_put(s);
  return path;
}
