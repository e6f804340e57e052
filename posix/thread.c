/* POSIX threads as kernel objects: a pthread per kobjns thread, and an unnamed object whose page
 * (sync.c: a manual-reset event only the thread's end sets, its exit code beside it) is what
 * waits see. The thread holds the page itself, so its handles may all be closed while it runs;
 * it signals the page as it ends, by returning or by kobjns_thread_exit (pthread_exit, through a
 * cleanup handler, so that the code runs whichever way it ends). A suspended thread is held
 * before the caller's function, on a futex word that kobjns_thread_resume counts down. */
#include "object.h"
#include "platform.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

/* --- queued calls ---------------------------------------------------------------------------- */

typedef struct apc {
  kobjns_apc_fn fn;
  void *context;
  uintptr_t arg;
  struct apc *next;
} apc;

/* `head`: the calls, newest first; ENDED once the thread has ended (nothing more is queued). */
struct kobjns__alerts {
  apc *head;
  uint32_t word; /* futex: bumped at every call queued */
};
#define ENDED ((apc *)(uintptr_t)1)

static int alerts_push(kobjns__alerts *a, kobjns_apc_fn fn, void *context, uintptr_t arg) {
  apc *n = malloc(sizeof *n);
  if (!n) return KOBJNS_NOT_ENOUGH_MEMORY;
  *n = (apc){fn, context, arg, __atomic_load_n(&a->head, __ATOMIC_ACQUIRE)};
  do {
    if (n->next == ENDED) {
      free(n);
      return KOBJNS_GEN_FAILURE;
    }
  } while (!__atomic_compare_exchange_n(&a->head, &n->next, n, true, __ATOMIC_ACQ_REL,
                                        __ATOMIC_ACQUIRE));
  __atomic_add_fetch(&a->word, 1, __ATOMIC_SEQ_CST);
  kobjns__plat_wake(&a->word, INT_MAX);
  return 0;
}

/* Take the calls (newest first), leaving `to` (NULL, or ENDED) in their place. */
static apc *alerts_take(kobjns__alerts *a, apc *to) {
  apc *list = __atomic_exchange_n(&a->head, to, __ATOMIC_ACQ_REL);
  return list == ENDED ? NULL : list;
}

static void alerts_end(kobjns__alerts *a) {
  for (apc *n = alerts_take(a, ENDED), *next; n; n = next) { /* never to run, as on Windows */
    next = n->next;
    free(n);
  }
}

uint32_t *kobjns__alerts_word(kobjns__alerts *a) { return &a->word; }

bool kobjns__alerts_pending(const kobjns__alerts *a) {
  apc *head = __atomic_load_n(&a->head, __ATOMIC_ACQUIRE);
  return head && head != ENDED;
}

void kobjns__alerts_run(kobjns__alerts *a) {
  for (apc *list; (list = alerts_take(a, NULL));) {
    apc *oldest = NULL;
    while (list) { /* newest first: turned round */
      apc *next = list->next;
      list->next = oldest, oldest = list, list = next;
    }
    while (oldest) {
      apc *next = oldest->next;
      apc call = *oldest;
      free(oldest);
      call.fn(call.context, call.arg);
      oldest = next;
    }
  }
}

typedef struct kobjns__thread_run {
  kobjns_thread_fn fn;
  void *arg;
  size_t stack_size;
  struct kobjns__sync_map *map; /* the thread's own hold on the page, from its start */
  uint32_t suspend;             /* futex: the suspend count; the function runs once it is 0 */
  uint32_t started;             /* futex: 1 once the thread has published its id */
  uint32_t id;
  uint32_t exit_code; /* kobjns_thread_exit's, for the cleanup handler */
  unsigned refs;      /* the object's and the running thread's (atomic) */
  kobjns__alerts alerts;
} thread_run;

static _Thread_local thread_run *current; /* the calling thread's, if kobjns started it */

/* The queue of a thread kobjns did not start: made on first use, ended with the thread (only
 * the thread itself can queue to it: no handle of it exists). */
static _Thread_local kobjns__alerts *own;
static pthread_key_t own_key;
static pthread_once_t own_once = PTHREAD_ONCE_INIT;

static void own_end(void *p) {
  alerts_end(p);
  free(p);
  own = NULL;
}

static void make_own_key(void) {
  if (pthread_key_create(&own_key, own_end)) own_key = (pthread_key_t)-1;
}

kobjns__alerts *kobjns__alerts_mine(void) {
  thread_run *r = current;
  if (r) return &r->alerts;
  if (own) return own;
  pthread_once(&own_once, make_own_key);
  kobjns__alerts *a = calloc(1, sizeof *a);
  if (!a) return NULL;
  if (own_key == (pthread_key_t)-1 || pthread_setspecific(own_key, a)) {
    free(a); /* nothing would end it with the thread */
    return NULL;
  }
  return own = a;
}

static void run_put(thread_run *r) {
  if (__atomic_sub_fetch(&r->refs, 1, __ATOMIC_ACQ_REL) != 0) return;
  alerts_end(&r->alerts); /* a thread that never ran: what was queued to it */
  free(r);
}

/* --- the object ------------------------------------------------------------------------------ */

/* The page as an event's, and what will run the thread: nothing runs yet. */
int kobjns__thread_init(int fd, uint32_t header_size, const kobjns__create_args *a,
                        kobjns__object *o) {
  thread_run *r = calloc(1, sizeof *r);
  if (!r) return KOBJNS_NOT_ENOUGH_MEMORY;
  int rc = kobjns__posix_event.init(fd, header_size, a, o);
  if (rc) {
    free(r);
    return rc;
  }
  *r = (thread_run){.fn = a->start, .arg = a->start_arg, .stack_size = a->stack_size, .refs = 1};
  o->os.run = r;
  return 0;
}

void kobjns__thread_release(kobjns__object *o) {
  kobjns__posix_event.release(o);
  if (o->os.run) run_put(o->os.run);
  o->os.run = NULL;
}

/* --- the thread ------------------------------------------------------------------------------ */

static void end(void *arg) {
  thread_run *r = arg;
  alerts_end(&r->alerts);
  kobjns__sync_thread_end(r->map, r->exit_code);
  kobjns__sync_map_drop(r->map);
  current = NULL;
  run_put(r);
}

static void *trampoline(void *arg) {
  thread_run *r = arg;
  __atomic_store_n(&r->id, kobjns__plat_thread_id(), __ATOMIC_RELAXED);
  __atomic_store_n(&r->started, 1, __ATOMIC_RELEASE);
  kobjns__plat_wake(&r->started, INT_MAX);
  for (uint32_t n; (n = __atomic_load_n(&r->suspend, __ATOMIC_ACQUIRE)) != 0;)
    kobjns__plat_wait(&r->suspend, n, NULL);
  current = r;
  /* "If an application queues an APC before the thread begins running, the thread begins by
   * calling the APC function" (QueueUserAPC's documentation). */
  kobjns__alerts_run(&r->alerts);
  pthread_cleanup_push(end, r);
  r->exit_code = r->fn(r->arg);
  pthread_cleanup_pop(1);
  return NULL;
}

/* The stack asked for, as pthreads take it: at least their minimum, whole pages. */
static size_t stack_bytes(size_t asked) {
  size_t page = kobjns__page_size(), least = PTHREAD_STACK_MIN;
  if (asked < least) asked = least;
  return asked > SIZE_MAX - page ? 0 : (asked + page - 1) / page * page;
}

int kobjns__os_thread_start(kobjns__object *o, bool suspended, uint32_t *id) {
  thread_run *r = o->os.run;
  r->suspend = suspended ? 1 : 0;
  r->map = o->os.map;
  kobjns__sync_map_hold(r->map);
  __atomic_add_fetch(&r->refs, 1, __ATOMIC_RELAXED);
  pthread_attr_t attr;
  int err = pthread_attr_init(&attr);
  if (!err) {
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    if (r->stack_size) {
      size_t bytes = stack_bytes(r->stack_size);
      err = bytes ? pthread_attr_setstacksize(&attr, bytes) : EINVAL;
    }
    pthread_t t;
    if (!err) err = pthread_create(&t, &attr, trampoline, r);
    pthread_attr_destroy(&attr);
  }
  if (err) {
    kobjns__sync_map_drop(r->map);
    run_put(r);
    return err == EINVAL   ? KOBJNS_INVALID_PARAMETER
           : err == ENOMEM ? KOBJNS_NOT_ENOUGH_MEMORY
                           : KOBJNS_NO_SYSTEM_RESOURCES;
  }
  /* Its id is known once it runs (Linux gives it to the thread only). */
  while (!__atomic_load_n(&r->started, __ATOMIC_ACQUIRE)) kobjns__plat_wait(&r->started, 0, NULL);
  *id = __atomic_load_n(&r->id, __ATOMIC_RELAXED);
  return 0;
}

int kobjns__os_thread_resume(kobjns__object *o, uint32_t *previous) {
  thread_run *r = o->os.run;
  uint32_t n = __atomic_load_n(&r->suspend, __ATOMIC_ACQUIRE);
  while (n && !__atomic_compare_exchange_n(&r->suspend, &n, n - 1, true, __ATOMIC_ACQ_REL,
                                           __ATOMIC_ACQUIRE)) {
  }
  *previous = n;
  if (n == 1) kobjns__plat_wake(&r->suspend, INT_MAX);
  return 0;
}

int kobjns__os_thread_query(kobjns__object *o, uint32_t *exit_code, uint32_t *id) {
  uint32_t code;
  *exit_code = kobjns__sync_thread_ended(o->os.map, &code) ? code : KOBJNS_STILL_ACTIVE;
  *id = __atomic_load_n(&o->os.run->id, __ATOMIC_RELAXED);
  return 0;
}

void kobjns__os_thread_exit(uint32_t code) {
  if (current) current->exit_code = code; /* the cleanup handler signals the page with it */
  pthread_exit(NULL);
}

uint32_t kobjns__os_current_thread_id(void) { return kobjns__plat_thread_id(); }

int kobjns__os_apc_queue(kobjns__object *thread, kobjns_apc_fn fn, void *context, uintptr_t arg) {
  kobjns__alerts *a = thread ? &thread->os.run->alerts : kobjns__alerts_mine();
  return a ? alerts_push(a, fn, context, arg) : KOBJNS_NOT_ENOUGH_MEMORY;
}
