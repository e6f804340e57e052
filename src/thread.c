/* Public thread entry points: validate once, then the one object pipeline (object.c) makes the
 * thread's object, held, and one backend function lets it run. */
#include "internal.h"

int kobjns_thread_create(kobjns_thread_fn fn, void *arg, size_t stack_size, unsigned flags,
                         kobjns_sync **out, uint32_t *id) {
  if (!out) return KOBJNS_INVALID_PARAMETER;
  *out = NULL;
  if (!fn || (flags & ~KOBJNS_THREAD_SUSPENDED)) return KOBJNS_INVALID_PARAMETER;
  kobjns__create_args a = {.type = KOBJNS_TYPE_THREAD,
                           .may_create = true,
                           .start = fn,
                           .start_arg = arg,
                           .stack_size = stack_size};
  a.desired = a.existing_access = kobjns__type(KOBJNS_TYPE_THREAD)->mapping->all;
  kobjns_sync *handle = NULL;
  int rc = kobjns__create_object(NULL, NULL, &a, (void **)&handle);
  if (rc) return rc;
  kobjns__object *o = kobjns__handle_get(handle, KOBJNS_TYPE_THREAD);
  uint32_t thread_id = 0;
  rc = o ? kobjns__os_thread_start(o, (flags & KOBJNS_THREAD_SUSPENDED) != 0, &thread_id)
         : KOBJNS_INVALID_HANDLE;
  if (o) kobjns__handle_put(o);
  if (rc) {
    kobjns_close(handle); /* it never ran */
    return rc;
  }
  if (id) *id = thread_id;
  *out = handle;
  return 0;
}

/* Run `op` on the live thread handle `h` if it holds one of the rights `needed`: 6 / 5. */
static int with_thread(const kobjns_sync *h, unsigned needed,
                       int (*op)(kobjns__object *o, void *arg), void *arg) {
  kobjns__object *o = kobjns__handle_get(h, KOBJNS_TYPE_THREAD);
  if (!o) return KOBJNS_INVALID_HANDLE;
  int rc = (o->access & needed) ? op(o, arg) : KOBJNS_ACCESS_DENIED;
  kobjns__handle_put(o);
  return rc;
}

static int resume(kobjns__object *o, void *arg) { return kobjns__os_thread_resume(o, arg); }

int kobjns_thread_resume(kobjns_sync *thread, uint32_t *previous) {
  uint32_t ignored;
  return with_thread(thread, KOBJNS__THREAD_SUSPEND_RESUME, resume, previous ? previous : &ignored);
}

typedef struct query {
  uint32_t *exit_code, *id;
} query;

static int ask(kobjns__object *o, void *arg) {
  const query *q = arg;
  uint32_t code, id;
  int rc = kobjns__os_thread_query(o, &code, &id);
  if (!rc && q->exit_code) *q->exit_code = code;
  if (!rc && q->id) *q->id = id;
  return rc;
}

#define QUERY_RIGHTS (KOBJNS__THREAD_QUERY_INFORMATION | KOBJNS__THREAD_QUERY_LIMITED_INFORMATION)

int kobjns_thread_exit_code(const kobjns_sync *thread, uint32_t *code) {
  if (!code) return KOBJNS_INVALID_PARAMETER;
  *code = 0;
  query q = {.exit_code = code};
  return with_thread(thread, QUERY_RIGHTS, ask, &q);
}

int kobjns_thread_id(const kobjns_sync *thread, uint32_t *id) {
  if (!id) return KOBJNS_INVALID_PARAMETER;
  *id = 0;
  query q = {.id = id};
  return with_thread(thread, QUERY_RIGHTS, ask, &q);
}

static int terminate(kobjns__object *o, void *arg) {
  return kobjns__os_thread_terminate(o, *(const uint32_t *)arg);
}

int kobjns_thread_terminate(kobjns_sync *thread, uint32_t code) {
  return with_thread(thread, KOBJNS__THREAD_TERMINATE, terminate, &code);
}

typedef struct apc_call {
  kobjns_apc_fn fn;
  void *context;
  uintptr_t arg;
} apc_call;

static int queue_apc(kobjns__object *o, void *arg) {
  const apc_call *c = arg;
  return kobjns__os_apc_queue(o, c->fn, c->context, c->arg);
}

int kobjns_apc_queue(kobjns_sync *thread, kobjns_apc_fn fn, void *context, uintptr_t arg) {
  if (!fn) return KOBJNS_INVALID_PARAMETER;
  if (!thread) return kobjns__os_apc_queue(NULL, fn, context, arg);
  apc_call c = {fn, context, arg};
  return with_thread(thread, KOBJNS__THREAD_SET_CONTEXT, queue_apc, &c);
}

void kobjns_thread_exit(uint32_t code) { kobjns__os_thread_exit(code); }

uint32_t kobjns_current_thread_id(void) { return kobjns__os_current_thread_id(); }
