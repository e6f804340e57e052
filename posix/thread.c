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
  kobjns_timer_fn routine; /* a timer's completion routine (then fn is NULL), with `when` */
  void *context;
  uintptr_t arg;
  uint64_t when;
  struct apc *next;
} apc;

/* A timer's completion routine, in the list of the thread that set it. */
struct kobjns__timer_reg {
  kobjns__completion c;
  struct kobjns__sync_map *map; /* held */
  uint32_t setting;             /* the timer's setting it belongs to */
  uint32_t seen;                /* the timer's expiries, as last called for */
  kobjns__alerts *alerts;       /* its thread's (a reference) */
  bool listed;                  /* in alerts->timers (under alerts->lock) */
  kobjns__timer_reg *next, *prev;
};

/* `head`: the calls, newest first; ENDED once the thread has ended (nothing more is queued).
 * `timers`: the completion routines the thread set, under `lock` (the thread looks at them; any
 * thread's set, cancel or close of a timer takes one out). */
struct kobjns__alerts {
  apc *head;
  apc *taken;    /* calls the thread has taken, oldest first, not yet run (the thread's alone) */
  uint32_t word; /* futex: bumped at every call queued */
  unsigned refs; /* the thread's, and each routine's (atomic) */
  int pid;       /* the process it belongs to: a fork()ed child's copy is left alone */
  pthread_mutex_t lock;
  kobjns__timer_reg *timers;
};
#define ENDED ((apc *)(uintptr_t)1)

static kobjns__alerts *alerts_new(void) {
  kobjns__alerts *a = calloc(1, sizeof *a);
  if (!a) return NULL;
  a->refs = 1;
  a->pid = kobjns__pid();
  if (pthread_mutex_init(&a->lock, NULL)) {
    free(a);
    return NULL;
  }
  return a;
}

static void alerts_put(kobjns__alerts *a) {
  if (a->pid != kobjns__pid()) return; /* the parent's, copied by fork(): its lock may be held */
  if (__atomic_sub_fetch(&a->refs, 1, __ATOMIC_ACQ_REL) != 0) return;
  pthread_mutex_destroy(&a->lock);
  free(a);
}

static int alerts_push(kobjns__alerts *a, const apc *call) {
  apc *n = malloc(sizeof *n);
  if (!n) return KOBJNS_NOT_ENOUGH_MEMORY;
  *n = *call;
  n->next = __atomic_load_n(&a->head, __ATOMIC_ACQUIRE);
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

static void unlist(kobjns__timer_reg *r) {
  kobjns__alerts *a = r->alerts;
  if (!r->listed) return;
  if (r->prev)
    r->prev->next = r->next;
  else
    __atomic_store_n(&a->timers, r->next, __ATOMIC_RELEASE);
  if (r->next) r->next->prev = r->prev;
  r->listed = false;
}

static void free_calls(apc *n) {
  for (apc *next; n; n = next) {
    next = n->next;
    free(n);
  }
}

/* The thread has ended: nothing more is queued, what was never runs (as on Windows), and the
 * timers it set routines for stop ("If the thread that set the timer terminates and there is an
 * associated completion routine, the timer is canceled": SetWaitableTimer's documentation). */
static void alerts_end(kobjns__alerts *a) {
  if (a->pid != kobjns__pid()) return; /* the parent's thread, calls and timers */
  free_calls(alerts_take(a, ENDED));
  free_calls(a->taken);
  a->taken = NULL;
  pthread_mutex_lock(&a->lock);
  while (a->timers) {
    kobjns__timer_reg *r = a->timers;
    kobjns__sync_timer_stop(r->map, r->setting);
    unlist(r);
  }
  pthread_mutex_unlock(&a->lock);
}

uint32_t *kobjns__alerts_word(kobjns__alerts *a) { return &a->word; }

bool kobjns__alerts_pending(const kobjns__alerts *a) {
  apc *head = __atomic_load_n(&a->head, __ATOMIC_ACQUIRE);
  return a->taken || (head && head != ENDED);
}

/* One call at a time, the rest kept as taken: a call that waits alertably itself runs the next
 * ones there (as Windows delivers every pending APC to any alertable wait), and a call that ends
 * the thread leaves the rest for alerts_end to free. */
void kobjns__alerts_run(kobjns__alerts *a) {
  for (;;) {
    if (!a->taken) {
      apc *list = alerts_take(a, NULL), *oldest = NULL;
      while (list) { /* newest first: turned round */
        apc *next = list->next;
        list->next = oldest, oldest = list, list = next;
      }
      if (!(a->taken = oldest)) return;
    }
    apc *call = a->taken, copy = *call;
    a->taken = call->next;
    free(call);
    if (copy.routine)
      copy.routine(copy.context, copy.arg, copy.when);
    else
      copy.fn(copy.context, copy.arg);
  }
}

/* --- timers' completion routines ------------------------------------------------------------- */

int kobjns__timer_reg_make(struct kobjns__sync_map *m, const kobjns__completion *c,
                           uint32_t setting, uint32_t expiries, kobjns__timer_reg **out) {
  kobjns__alerts *a = kobjns__alerts_mine();
  kobjns__timer_reg *r = a ? calloc(1, sizeof *r) : NULL;
  if (!r) return KOBJNS_NOT_ENOUGH_MEMORY;
  *r = (kobjns__timer_reg){.c = *c, .map = m, .setting = setting, .seen = expiries, .alerts = a};
  kobjns__sync_map_hold(m);
  __atomic_add_fetch(&a->refs, 1, __ATOMIC_RELAXED);
  pthread_mutex_lock(&a->lock);
  r->next = a->timers;
  if (r->next) r->next->prev = r;
  __atomic_store_n(&a->timers, r, __ATOMIC_RELEASE);
  r->listed = true;
  pthread_mutex_unlock(&a->lock);
  *out = r;
  return 0;
}

void kobjns__timer_reg_free(kobjns__timer_reg *r, bool stop) {
  kobjns__alerts *a = r->alerts;
  if (a->pid != kobjns__pid()) { /* a fork()ed child's copy: the routine is the parent's */
    kobjns__sync_map_drop(r->map);
    free(r);
    return;
  }
  pthread_mutex_lock(&a->lock);
  bool listed = r->listed; /* not: its thread ended, and stopped the timer */
  unlist(r);
  pthread_mutex_unlock(&a->lock);
  if (stop && listed) kobjns__sync_timer_stop(r->map, r->setting);
  kobjns__sync_map_drop(r->map);
  alerts_put(a);
  free(r);
}

int64_t kobjns__alerts_poll_timers(kobjns__alerts *a) {
  int64_t next = 0;
  if (!__atomic_load_n(&a->timers, __ATOMIC_ACQUIRE)) return 0; /* a look without the lock */
  pthread_mutex_lock(&a->lock);
  for (kobjns__timer_reg *r = a->timers; r; r = r->next) {
    uint32_t expiries, setting;
    int64_t due;
    uint64_t when;
    kobjns__sync_timer_look(r->map, &expiries, &setting, &due, &when);
    if (setting != r->setting) continue; /* set again or cancelled since: not this routine's */
    if (expiries != r->seen) {
      /* One call however many expiries went unseen: Windows queues a timer's APC once. */
      apc call = {.routine = r->c.fn, .context = r->c.context, .arg = r->c.arg, .when = when};
      if (alerts_push(a, &call) == 0) r->seen = expiries; /* else the next look calls for it */
    }
    if (due && (!next || due < next)) next = due;
  }
  pthread_mutex_unlock(&a->lock);
  return next;
}

/* --- threads --------------------------------------------------------------------------------- */

typedef struct kobjns__thread_run {
  kobjns_thread_fn fn;
  void *arg;
  size_t stack_size;
  struct kobjns__sync_map *map; /* the thread's own hold on the page, from its start */
  uint32_t suspend;             /* futex: the suspend count; the function runs once it is 0 */
  uint32_t started;             /* futex: 1 once the thread has published its id */
  uint32_t phase;               /* HELD, RUNNING (its function), or TERMINATED before it (atomic) */
  uint32_t terminate_code;      /* the code of a terminate, written before it sets TERMINATED */
  uint32_t id;
  uint32_t exit_code;     /* kobjns_thread_exit's, for the cleanup handler */
  unsigned refs;          /* the object's and the running thread's (atomic) */
  kobjns__alerts *alerts; /* calls queued to it */
} thread_run;

static _Thread_local thread_run *current; /* the calling thread's, if kobjns started it */

/* The queue of a thread kobjns did not start: made on first use, ended with the thread (only
 * the thread itself can queue to it: no handle of it exists). */
static _Thread_local kobjns__alerts *own;
static pthread_key_t own_key;
static pthread_once_t own_once = PTHREAD_ONCE_INIT;
static bool own_once_done; /* own_key was made (or failed) */

static void own_end(void *p) {
  alerts_end(p);
  alerts_put(p);
  own = NULL;
}

/* fork(): the child's thread is not the parent's: a kobjns thread's copy ends signaling nothing
 * and stopping no timer of the parent's, and the thread gets a queue of its own on first use
 * (the parent's, copied, holds the parent's calls and routines, and a lock another thread may
 * have held). */
void kobjns__alerts_in_child(void) {
  current = NULL; /* its run record, if any, is the parent's (its queue says so) */
  own = NULL;
  if (__atomic_load_n(&own_once_done, __ATOMIC_ACQUIRE) && own_key != (pthread_key_t)-1)
    pthread_setspecific(own_key, NULL);
}

static void make_own_key(void) {
  if (pthread_key_create(&own_key, own_end)) own_key = (pthread_key_t)-1;
  __atomic_store_n(&own_once_done, true, __ATOMIC_RELEASE);
}

kobjns__alerts *kobjns__alerts_mine(void) {
  thread_run *r = current;
  if (r) return r->alerts;
  if (own) return own;
  pthread_once(&own_once, make_own_key);
  kobjns__alerts *a = alerts_new();
  if (!a) return NULL;
  if (own_key == (pthread_key_t)-1 || pthread_setspecific(own_key, a)) {
    alerts_put(a); /* nothing would end it with the thread */
    return NULL;
  }
  return own = a;
}

static void run_put(thread_run *r) {
  if (__atomic_sub_fetch(&r->refs, 1, __ATOMIC_ACQ_REL) != 0) return;
  alerts_end(r->alerts); /* a thread that never ran: what was queued to it */
  alerts_put(r->alerts);
  free(r);
}

/* --- the object ------------------------------------------------------------------------------ */

/* The page as an event's, and what will run the thread: nothing runs yet. */
int kobjns__thread_init(int fd, uint32_t header_size, const kobjns__create_args *a,
                        kobjns__object *o) {
  if (!a->start) return kobjns__process_init(fd, header_size, a, o); /* another process's */
  thread_run *r = calloc(1, sizeof *r);
  kobjns__alerts *alerts = r ? alerts_new() : NULL;
  if (!alerts) {
    free(r);
    return KOBJNS_NOT_ENOUGH_MEMORY;
  }
  int rc = kobjns__posix_event.init(fd, header_size, a, o);
  if (rc) {
    alerts_put(alerts);
    free(r);
    return rc;
  }
  *r = (thread_run){.fn = a->start,
                    .arg = a->start_arg,
                    .stack_size = a->stack_size,
                    .refs = 1,
                    .alerts = alerts};
  o->os.run = r;
  return 0;
}

void kobjns__thread_share(kobjns__object *to, kobjns__object *from, bool move) {
  if (!from->os.run) {
    kobjns__process_share(to, from, move);
    return;
  }
  to->os.map = from->os.map;
  kobjns__sync_map_hold(to->os.map);
  to->os.run = from->os.run;
  __atomic_add_fetch(&to->os.run->refs, 1, __ATOMIC_RELAXED);
}

void kobjns__thread_release(kobjns__object *o) {
  if (!o->os.run) {
    kobjns__process_release(o);
    return;
  }
  kobjns__posix_event.release(o);
  if (o->os.run) run_put(o->os.run);
  o->os.run = NULL;
}

/* --- the thread ------------------------------------------------------------------------------ */

static void end(void *arg) {
  thread_run *r = arg;
  /* A fork()ed child's copy: the thread, its page and its timers are the parent's. */
  if (r->alerts->pid != kobjns__pid()) return;
  alerts_end(r->alerts);
  kobjns__sync_thread_end(r->map, r->exit_code);
  kobjns__sync_map_drop(r->map);
  current = NULL;
  run_put(r);
}

enum { HELD, RUNNING, TERMINATED };

static void *trampoline(void *arg) {
  thread_run *r = arg;
  __atomic_store_n(&r->id, kobjns__plat_thread_id(), __ATOMIC_RELAXED);
  __atomic_store_n(&r->started, 1, __ATOMIC_RELEASE);
  kobjns__plat_wake(&r->started, INT_MAX);
  for (uint32_t n; (n = __atomic_load_n(&r->suspend, __ATOMIC_ACQUIRE)) != 0 &&
                   __atomic_load_n(&r->phase, __ATOMIC_ACQUIRE) != TERMINATED;)
    kobjns__plat_wait(&r->suspend, n, NULL);
  uint32_t held = HELD;
  if (!__atomic_compare_exchange_n(&r->phase, &held, RUNNING, false, __ATOMIC_ACQ_REL,
                                   __ATOMIC_ACQUIRE)) {
    /* Terminated before its function: it never runs, nor do the calls queued to it. */
    r->exit_code = __atomic_load_n(&r->terminate_code, __ATOMIC_RELAXED);
    end(r);
    return NULL;
  }
  current = r;
  pthread_cleanup_push(end, r); /* before the calls: one of them may end the thread */
  /* "If an application queues an APC before the thread begins running, the thread begins by
   * calling the APC function" (QueueUserAPC's documentation). */
  kobjns__alerts_run(r->alerts);
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
  if (!r) return kobjns__process_thread_resume(o, previous);
  uint32_t n = __atomic_load_n(&r->suspend, __ATOMIC_ACQUIRE);
  while (n && !__atomic_compare_exchange_n(&r->suspend, &n, n - 1, true, __ATOMIC_ACQ_REL,
                                           __ATOMIC_ACQUIRE)) {
  }
  *previous = n;
  if (n == 1) kobjns__plat_wake(&r->suspend, INT_MAX);
  return 0;
}

int kobjns__os_thread_query(kobjns__object *o, uint32_t *exit_code, uint32_t *id) {
  if (!o->os.run) {
    kobjns__process_thread_query(o, exit_code, id);
    return 0;
  }
  uint32_t code;
  *exit_code = kobjns__sync_thread_ended(o->os.map, &code) ? code : KOBJNS_STILL_ACTIVE;
  *id = __atomic_load_n(&o->os.run->id, __ATOMIC_RELAXED);
  return 0;
}

/* Only a thread that has not begun its function can be ended from outside: POSIX has no safe
 * way to stop another thread where it stands (TerminateThread's own documentation calls it
 * dangerous: locks held, stacks not freed). */
int kobjns__os_thread_terminate(kobjns__object *o, uint32_t code) {
  thread_run *r = o->os.run;
  if (!r) return KOBJNS_NOT_SUPPORTED; /* another process's thread */
  uint32_t ended_code;
  if (kobjns__sync_thread_ended(o->os.map, &ended_code)) return 0; /* nothing left to end */
  uint32_t held = HELD;
  __atomic_store_n(&r->terminate_code, code, __ATOMIC_RELAXED); /* published by the exchange */
  if (!__atomic_compare_exchange_n(&r->phase, &held, TERMINATED, false, __ATOMIC_ACQ_REL,
                                   __ATOMIC_ACQUIRE))
    return kobjns__sync_thread_ended(o->os.map, &ended_code) ? 0 : KOBJNS_NOT_SUPPORTED;
  kobjns__plat_wake(&r->suspend, INT_MAX);
  return 0;
}

void kobjns__os_thread_exit(uint32_t code) {
  if (current) current->exit_code = code; /* the cleanup handler signals the page with it */
  pthread_exit(NULL);
}

uint32_t kobjns__os_current_thread_id(void) { return kobjns__plat_thread_id(); }

int kobjns__os_apc_queue(kobjns__object *thread, kobjns_apc_fn fn, void *context, uintptr_t arg) {
  if (thread && !thread->os.run) return KOBJNS_NOT_SUPPORTED; /* another process's thread */
  kobjns__alerts *a = thread ? thread->os.run->alerts : kobjns__alerts_mine();
  apc call = {.fn = fn, .context = context, .arg = arg};
  return a ? alerts_push(a, &call) : KOBJNS_NOT_ENOUGH_MEMORY;
}
