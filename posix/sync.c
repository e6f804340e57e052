/* POSIX mutexes, events and semaphores: typed objects (named.c) whose page after the header is
 * their state, shared by every process that opens them.
 *
 * - A mutex's ownership is a process-shared, robust, recursive pthread mutex in that page: the
 *   kernel itself (the robust futex list) marks it when its owner thread or process ends without
 *   releasing it, and wakes a waiter; the next wait gets EOWNERDEAD and reports 735, as Windows
 *   reports WAIT_ABANDONED. Release by a thread that does not own it is EPERM: 288.
 * - An event's and a semaphore's state (signaled, count) is guarded by a robust mutex held for a
 *   few instructions. Waiters sleep on the futex `seq`; whoever changes the state bumps `seq` and
 *   wakes the sleepers *before* the change, while holding the guard, so that a changer killed
 *   half-way leaves nobody asleep: the woken wait on the guard, which the kernel hands over with
 *   EOWNERDEAD if the changer died, and whoever takes it so wakes everyone again.
 * - A wait for several objects sleeps on all their `seq` words and on the ownership word of each
 *   mutex owned by someone else (FUTEX_WAITERS set on it, so that the kernel wakes it when the
 *   owner dies) with futex_waitv (Linux 5.16). A wait for all of them takes every guard in one
 *   order (by inode) and acquires everything or nothing.
 *
 * The page is mapped once per process and shared by that process's handles to the object: a
 * robust mutex a thread owns is on that thread's robust list by its address, so the mapping is
 * kept while a thread of the process may own it (see sync_map). */
#define _GNU_SOURCE
#include "object.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/futex.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define STATE_SIZE 4096u

typedef struct sync_state {
  uint32_t seq;                    /* futex: bumped (and sleepers woken) before every change */
  uint32_t sleepers;               /* threads asleep on this object */
  uint32_t abandoned;              /* mutex: abandoned, and not yet reported to an acquirer */
  uint32_t kind;                   /* enum kobjns__sync_kind, as created */
  int32_t count, maximum;          /* semaphore */
  uint32_t signaled, manual_reset; /* event */
  pthread_mutex_t guard;           /* robust: count, signaled; wait-all's checks */
  pthread_mutex_t owner;           /* mutex: robust, recursive: the ownership itself */
} sync_state;

_Static_assert(sizeof(sync_state) <= STATE_SIZE, "the state fits its page");

/* --- one mapping per object per process ------------------------------------------------------ */

typedef struct kobjns__sync_map {
  struct kobjns__sync_map *next;
  dev_t dev;
  ino_t ino;
  sync_state *state;
  unsigned handles; /* this process's handles to it */
  unsigned owned;   /* acquisitions of the mutex by this process's threads, less releases */
} sync_map;

static pthread_mutex_t maps_lock = PTHREAD_MUTEX_INITIALIZER;
static sync_map *maps;
static pthread_once_t fork_once = PTHREAD_ONCE_INIT;

static void maps_before_fork(void) { pthread_mutex_lock(&maps_lock); }
static void maps_after_fork(void) { pthread_mutex_unlock(&maps_lock); }
static void register_fork_handlers(void) {
  pthread_atfork(maps_before_fork, maps_after_fork, maps_after_fork);
}

/* The process's mapping of the object open as `fd` (`st`), made on first use. */
static int map_get(int fd, const struct stat *st, uint32_t header_size, sync_map **out) {
  pthread_once(&fork_once, register_fork_handlers);
  pthread_mutex_lock(&maps_lock);
  sync_map *m = maps;
  while (m && !(m->dev == st->st_dev && m->ino == st->st_ino)) m = m->next;
  int rc = 0;
  if (m) {
    m->handles++;
  } else if (!(m = calloc(1, sizeof *m))) {
    rc = KOBJNS_NOT_ENOUGH_MEMORY;
  } else {
    void *p = mmap(NULL, STATE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)header_size);
    if (p == MAP_FAILED) {
      rc = kobjns__status_from_errno(errno);
      free(m);
      m = NULL;
    } else {
      *m = (sync_map){.next = maps, .dev = st->st_dev, .ino = st->st_ino, .state = p, .handles = 1};
      maps = m;
    }
  }
  pthread_mutex_unlock(&maps_lock);
  *out = m;
  return rc;
}

/* A handle lets go of the mapping. The last one unmaps it, unless a thread of this process may
 * still own the mutex: unmapping a robust mutex on a thread's robust list would leave the kernel
 * and glibc following a pointer into nothing. Then it stays mapped until the process ends. */
static void map_put(sync_map *m) {
  pthread_mutex_lock(&maps_lock);
  if (--m->handles == 0 && __atomic_load_n(&m->owned, __ATOMIC_ACQUIRE) == 0) {
    sync_map **at = &maps;
    while (*at != m) at = &(*at)->next;
    *at = m->next;
    munmap(m->state, STATE_SIZE);
    free(m);
  }
  pthread_mutex_unlock(&maps_lock);
}

/* --- futexes --------------------------------------------------------------------------------- */

static void futex_wake_all(uint32_t *word) {
  syscall(SYS_futex, word, FUTEX_WAKE, INT_MAX, NULL, NULL, 0);
}

static void futex_wake_one(uint32_t *word) {
  syscall(SYS_futex, word, FUTEX_WAKE, 1, NULL, NULL, 0);
}

/* Sleep while *word == value, until `deadline` (CLOCK_MONOTONIC; NULL: none). */
static void futex_wait(uint32_t *word, uint32_t value, const struct timespec *deadline) {
  syscall(SYS_futex, word, FUTEX_WAIT_BITSET, value, deadline, NULL, FUTEX_BITSET_MATCH_ANY);
}

/* The ownership word of a mutex: glibc keeps the owner's thread id there, in the kernel's robust
 * futex format (FUTEX_WAITERS, FUTEX_OWNER_DIED, FUTEX_TID_MASK). */
#ifdef __GLIBC__
static uint32_t *owner_word(sync_state *st) { return (uint32_t *)&st->owner.__data.__lock; }
#endif

/* --- the guard ------------------------------------------------------------------------------- */

static void bump(sync_state *st) {
  __atomic_add_fetch(&st->seq, 1, __ATOMIC_SEQ_CST);
  if (__atomic_load_n(&st->sleepers, __ATOMIC_SEQ_CST)) futex_wake_all(&st->seq);
}

static void guard_lock(sync_state *st) {
  if (pthread_mutex_lock(&st->guard) == EOWNERDEAD) {
    /* Its holder died inside a change: make it usable, and wake everyone to look again. */
    pthread_mutex_consistent(&st->guard);
    bump(st);
  }
}

static void guard_unlock(sync_state *st) { pthread_mutex_unlock(&st->guard); }

/* --- creating and opening -------------------------------------------------------------------- */

static const uint16_t types[] = {[KOBJNS__MUTEX] = KOBJNS__TYPE_MUTEX,
                                 [KOBJNS__EVENT] = KOBJNS__TYPE_EVENT,
                                 [KOBJNS__SEMAPHORE] = KOBJNS__TYPE_SEMAPHORE};

/* Using the object at all means writing its state: rw for whoever may wait on or change it. */
static unsigned granted_bits(const kobjns__sd *sd, uint32_t owner, kobjns__token t,
                             bool read_only) {
  (void)read_only;
  for (int interactive = 0; interactive < 2; interactive++) {
    t.session = (uint32_t)interactive;
    if (kobjns__access_check(sd, owner, &t, KOBJNS__SYNCHRONIZE) &&
        kobjns__access_check(sd, owner, &t, KOBJNS__EVENT_MODIFY_STATE) &&
        kobjns__access_check(sd, owner, &t, KOBJNS__MUTANT_QUERY_STATE))
      return 0;
  }
  return 06;
}

static const kobjns__named_type named_types[] = {
    [KOBJNS__MUTEX] = {KOBJNS__TYPE_MUTEX, granted_bits},
    [KOBJNS__EVENT] = {KOBJNS__TYPE_EVENT, granted_bits},
    [KOBJNS__SEMAPHORE] = {KOBJNS__TYPE_SEMAPHORE, granted_bits},
};

static void fill(kobjns_sync *s, int fd, sync_map *m, unsigned access) {
  s->os.fd = fd;
  s->os.pid = kobjns__pid();
  s->os.forks = kobjns__forks();
  s->os.map = m;
  s->access = access;
}

static int open_existing(const kobjns_ctx *ctx, const kobjns__name *name, unsigned kind,
                         unsigned desired, kobjns_sync *s) {
  kobjns__named o;
  int rc = kobjns__named_open(ctx, name, s->os.native, types[kind], desired, true, &o);
  if (rc) return rc;
  sync_map *m = NULL;
  if (!o.fd_writable)
    rc = KOBJNS_ACCESS_DENIED; /* the kernel keeps the caller from using it */
  else if (o.h.size != STATE_SIZE)
    rc = KOBJNS_FILE_CORRUPT;
  else
    rc = map_get(o.fd, &o.st, o.h.header_size, &m);
  if (!rc && __atomic_load_n(&m->state->kind, __ATOMIC_RELAXED) != kind) {
    map_put(m);
    rc = KOBJNS_FILE_CORRUPT;
  }
  if (rc) {
    kobjns__object_release(o.fd, s->os.native, kobjns__pid());
    return rc;
  }
  fill(s, o.fd, m, desired);
  return 0;
}

int kobjns__os_sync_open(const kobjns_ctx *ctx, const kobjns__name *name, unsigned kind,
                         unsigned desired, kobjns_sync *s) {
  kobjns__native_name(name, s->os.native);
  int rc = open_existing(ctx, name, kind, desired, s);
  return rc == KOBJNS__STALE_FOREIGN ? KOBJNS_FILE_NOT_FOUND : rc;
}

typedef struct create_call {
  const kobjns_ctx *ctx;
  const kobjns__sync_args *a;
  kobjns_sync *s;
  sync_map *map; /* made by init_state */
} create_call;

static int init_mutex(pthread_mutex_t *m, bool recursive) {
  pthread_mutexattr_t attr;
  pthread_mutexattr_init(&attr);
  pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
  pthread_mutexattr_setrobust(&attr, PTHREAD_MUTEX_ROBUST);
  if (recursive) pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
  int err = pthread_mutex_init(m, &attr);
  pthread_mutexattr_destroy(&attr);
  return err ? kobjns__status_from_errno(err) : 0;
}

/* The new object's state, written through the mapping this process will keep. */
static int init_state(int fd, uint32_t header_size, void *arg) {
  create_call *c = arg;
  const kobjns__sync_args *a = c->a;
  struct stat st;
  if (fstat(fd, &st) < 0) return kobjns__status_from_errno(errno);
  int rc = map_get(fd, &st, header_size, &c->map);
  if (rc) return rc;
  sync_state *state = c->map->state;
  state->kind = a->kind;
  state->manual_reset = a->manual_reset;
  state->signaled = a->initial_state;
  state->count = a->initial;
  state->maximum = a->maximum;
  if ((rc = init_mutex(&state->guard, false)) || (rc = init_mutex(&state->owner, true))) {
    map_put(c->map);
    return rc;
  }
  if (a->kind == KOBJNS__MUTEX && a->initial_owner) {
    pthread_mutex_lock(&state->owner); /* nobody else can reach it yet */
    c->map->owned = 1;
  }
  return 0;
}

static void undo_state(void *arg) {
  create_call *c = arg;
  if (c->a->kind == KOBJNS__MUTEX && c->a->initial_owner) {
    pthread_mutex_unlock(&c->map->state->owner);
    c->map->owned = 0;
  }
  map_put(c->map);
}

static int create_new(void *arg) {
  create_call *c = arg;
  const kobjns__sync_args *a = c->a;
  kobjns__sd sd;
  if (a->sd)
    sd = *a->sd;
  else
    kobjns__sd_default_as(kobjns__sync_mapping(a->kind), &sd, c->ctx->token.uid);
  kobjns__named_create_args args = {
      .type = &named_types[a->kind],
      .name = a->name,
      .native = c->s->os.native,
      .size = STATE_SIZE,
      .sd = &sd,
      .init = init_state,
      .unpublished = undo_state,
      .init_arg = c,
  };
  kobjns__named o;
  int rc = kobjns__named_create(c->ctx, &args, &o);
  if (rc) return rc;
  fill(c->s, o.fd, c->map, kobjns__sync_mapping(a->kind)->all);
  return 0;
}

static int open_for_create(void *arg) {
  create_call *c = arg;
  return open_existing(c->ctx, c->a->name, c->a->kind, kobjns__sync_mapping(c->a->kind)->all, c->s);
}

int kobjns__os_sync_create(const kobjns_ctx *ctx, const kobjns__sync_args *a, kobjns_sync *s) {
  create_call c = {ctx, a, s, NULL};
  if (!a->name) {
    s->os.native[0] = '\0';
    return create_new(&c);
  }
  kobjns__native_name(a->name, s->os.native);
  return kobjns__named_create_or_open(ctx, a->name, open_for_create, create_new, &c);
}

void kobjns__os_sync_close(kobjns_sync *s) {
  map_put(s->os.map);
  /* As for sections: a handle a forked child shares is the child's to close at exit. */
  if (s->h.process_exiting && s->os.forks != kobjns__forks()) {
    close(s->os.fd);
    return;
  }
  kobjns__object_release(s->os.fd, s->os.native, s->os.pid);
}

/* --- signalling ------------------------------------------------------------------------------ */

/* This thread's id, kept: a thread's id never changes (a forked child's thread gets its own, and
 * forget_tid runs in it). */
static _Thread_local pid_t tid;
static void forget_tid(void) { tid = 0; }
static pthread_once_t tid_once = PTHREAD_ONCE_INIT;
static void register_forget_tid(void) { pthread_atfork(NULL, NULL, forget_tid); }

static pid_t my_tid(void) {
  if (!tid) {
    pthread_once(&tid_once, register_forget_tid);
    tid = (pid_t)syscall(SYS_gettid);
  }
  return tid;
}

int kobjns__os_mutex_release(kobjns_sync *s) {
  sync_state *st = s->os.map->state;
  /* Asked before unlocking, not left to the unlock's EPERM: a thread that does not own it never
   * touches the lock (thread checkers rightly flag that). The word holds the owner's id. */
#ifdef __GLIBC__
  uint32_t word = __atomic_load_n(owner_word(st), __ATOMIC_RELAXED);
  if ((pid_t)(word & FUTEX_TID_MASK) != my_tid()) return KOBJNS_NOT_OWNER;
#endif
  if (pthread_mutex_unlock(&st->owner)) return KOBJNS_NOT_OWNER;
  __atomic_sub_fetch(&s->os.map->owned, 1, __ATOMIC_RELEASE);
  /* Nothing else to wake: whoever sleeps for a mutex sleeps on its ownership word too, with
   * FUTEX_WAITERS set, and the unlock wakes it (or the sleeper sees the word change first). */
  return 0;
}

int kobjns__os_event_set(kobjns_sync *s, bool signaled) {
  sync_state *st = s->os.map->state;
  guard_lock(st);
  if (signaled) bump(st); /* before the change: see the top of this file */
  __atomic_store_n(&st->signaled, signaled, __ATOMIC_RELAXED);
  guard_unlock(st);
  return 0;
}

int kobjns__os_semaphore_release(kobjns_sync *s, int32_t count, int32_t *previous) {
  sync_state *st = s->os.map->state;
  guard_lock(st);
  int32_t now = st->count;
  int rc = 0;
  if (count > st->maximum - now) {
    rc = KOBJNS_TOO_MANY_POSTS;
  } else {
    bump(st);
    st->count = now + count;
  }
  guard_unlock(st);
  if (previous) *previous = now;
  return rc;
}

/* --- waiting --------------------------------------------------------------------------------- */

#define WOULD_BLOCK (-1)

/* Take a mutex that a pthread call just acquired (err 0 or EOWNERDEAD): 0 or 735. */
static int took_mutex(kobjns_sync *s, int err) {
  sync_state *st = s->os.map->state;
  __atomic_add_fetch(&s->os.map->owned, 1, __ATOMIC_ACQUIRE);
  /* Read first: an exchange on every acquisition would bounce the line between processes. */
  bool abandoned = __atomic_load_n(&st->abandoned, __ATOMIC_ACQUIRE) &&
                   __atomic_exchange_n(&st->abandoned, 0, __ATOMIC_ACQ_REL);
  if (err == EOWNERDEAD) {
    pthread_mutex_consistent(&st->owner);
    abandoned = true;
  }
#ifdef __GLIBC__
  /* A try takes the word without FUTEX_WAITERS; with others asleep on it, set it, so that our
   * release wakes one of them. */
  if (__atomic_load_n(&st->sleepers, __ATOMIC_SEQ_CST))
    __atomic_or_fetch(owner_word(st), FUTEX_WAITERS, __ATOMIC_SEQ_CST);
#endif
  return abandoned ? KOBJNS_ABANDONED_WAIT_0 : 0;
}

/* Give back a mutex taken by a wait for all that could not complete: an abandonment it found
 * stays to be reported to the next owner. */
static void give_back_mutex(kobjns_sync *s, int status) {
  sync_state *st = s->os.map->state;
  if (status == KOBJNS_ABANDONED_WAIT_0) __atomic_store_n(&st->abandoned, 1, __ATOMIC_RELEASE);
  __atomic_sub_fetch(&s->os.map->owned, 1, __ATOMIC_RELEASE);
  pthread_mutex_unlock(&st->owner);
}

static int try_mutex(kobjns_sync *s) {
  int err = pthread_mutex_trylock(&s->os.map->state->owner);
  if (err == EBUSY) return WOULD_BLOCK;
  if (err == EAGAIN) return KOBJNS_MUTANT_LIMIT_EXCEEDED;
  if (err && err != EOWNERDEAD) return KOBJNS_INTERNAL_ERROR;
  return took_mutex(s, err);
}

/* Whether an event or semaphore can be acquired (guard held), and acquiring it. */
static bool available(const sync_state *st) {
  return st->kind == KOBJNS__EVENT ? st->signaled != 0 : st->count > 0;
}

static void consume(sync_state *st) {
  if (st->kind == KOBJNS__SEMAPHORE)
    st->count--;
  else if (!st->manual_reset)
    __atomic_store_n(&st->signaled, 0, __ATOMIC_RELAXED);
}

static int try_one(kobjns_sync *s) {
  if (s->kind == KOBJNS__MUTEX) return try_mutex(s);
  sync_state *st = s->os.map->state;
  guard_lock(st);
  bool got = available(st);
  if (got) consume(st);
  guard_unlock(st);
  return got ? 0 : WOULD_BLOCK;
}

static int try_any(kobjns_sync *const *objects, size_t count, size_t *index) {
  for (size_t i = 0; i < count; i++) {
    int rc = try_one(objects[i]);
    if (rc != WOULD_BLOCK) {
      *index = i;
      return rc;
    }
  }
  return WOULD_BLOCK;
}

static int by_inode(const void *a, const void *b) {
  const sync_map *x = (*(kobjns_sync *const *)a)->os.map, *y = (*(kobjns_sync *const *)b)->os.map;
  if (x->dev != y->dev) return x->dev < y->dev ? -1 : 1;
  return x->ino < y->ino ? -1 : x->ino > y->ino;
}

/* All at once, or nothing: every guard taken in inode order (the same in every process). */
static int try_all(kobjns_sync *const *sorted, kobjns_sync *const *objects, size_t count,
                   size_t *index) {
  int taken[KOBJNS_MAXIMUM_WAIT_OBJECTS];
  for (size_t i = 0; i < count; i++) guard_lock(sorted[i]->os.map->state);
  int rc = 0;
  size_t i = 0;
  for (; i < count; i++) {
    kobjns_sync *s = objects[i];
    taken[i] = s->kind == KOBJNS__MUTEX      ? try_mutex(s)
               : available(s->os.map->state) ? 0
                                             : WOULD_BLOCK;
    if (taken[i] != 0 && taken[i] != KOBJNS_ABANDONED_WAIT_0) {
      rc = taken[i];
      break;
    }
  }
  if (rc) { /* give back what was taken */
    while (i--)
      if (objects[i]->kind == KOBJNS__MUTEX) give_back_mutex(objects[i], taken[i]);
  } else {
    *index = 0;
    for (i = 0; i < count; i++) {
      if (objects[i]->kind != KOBJNS__MUTEX) consume(objects[i]->os.map->state);
      if (taken[i] == KOBJNS_ABANDONED_WAIT_0 && rc == 0) {
        rc = KOBJNS_ABANDONED_WAIT_0;
        *index = i;
      }
    }
  }
  for (i = count; i--;) guard_unlock(sorted[i]->os.map->state);
  return rc;
}

static struct timespec deadline_after(uint32_t ms) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  t.tv_sec += ms / 1000;
  t.tv_nsec += (long)(ms % 1000) * 1000000;
  if (t.tv_nsec >= 1000000000) {
    t.tv_sec++;
    t.tv_nsec -= 1000000000;
  }
  return t;
}

static bool passed(const struct timespec *deadline) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return now.tv_sec > deadline->tv_sec ||
         (now.tv_sec == deadline->tv_sec && now.tv_nsec >= deadline->tv_nsec);
}

#ifdef __GLIBC__
/* Sleep on a mutex's ownership word while someone owns it, until it changes (a release, or the
 * kernel marking the owner dead) or the deadline. */
static void sleep_on_owner(sync_state *st, const struct timespec *deadline) {
  uint32_t *word = owner_word(st);
  __atomic_add_fetch(&st->sleepers, 1, __ATOMIC_SEQ_CST);
  uint32_t v = __atomic_load_n(word, __ATOMIC_ACQUIRE);
  if ((v & FUTEX_TID_MASK) != 0 &&
      ((v & FUTEX_WAITERS) || __atomic_compare_exchange_n(word, &v, v | FUTEX_WAITERS, false,
                                                          __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)))
    futex_wait(word, v | FUTEX_WAITERS, deadline);
  __atomic_sub_fetch(&st->sleepers, 1, __ATOMIC_SEQ_CST);
}

/* One mutex: try, and sleep on its ownership word (the robust futex protocol glibc's own lock
 * follows: a release wakes a sleeper, and so does the kernel when the owner dies). Every
 * acquisition goes through pthread_mutex_trylock, so thread checkers see them all. */
static int wait_mutex(kobjns_sync *s, uint32_t timeout_ms) {
  struct timespec deadline;
  if (timeout_ms != KOBJNS_INFINITE) deadline = deadline_after(timeout_ms);
  for (;;) {
    int rc = try_mutex(s);
    if (rc != WOULD_BLOCK) return rc;
    if (timeout_ms == 0 || (timeout_ms != KOBJNS_INFINITE && passed(&deadline)))
      return KOBJNS_WAIT_TIMEOUT;
    sleep_on_owner(s->os.map->state, timeout_ms == KOBJNS_INFINITE ? NULL : &deadline);
  }
}
#else
static int wait_mutex(kobjns_sync *s, uint32_t timeout_ms) {
  pthread_mutex_t *m = &s->os.map->state->owner;
  int err;
  if (timeout_ms == 0) {
    err = pthread_mutex_trylock(m);
  } else if (timeout_ms == KOBJNS_INFINITE) {
    err = pthread_mutex_lock(m);
  } else {
    struct timespec deadline = deadline_after(timeout_ms);
    err = pthread_mutex_clocklock(m, CLOCK_MONOTONIC, &deadline);
  }
  if (err == EBUSY || err == ETIMEDOUT) return KOBJNS_WAIT_TIMEOUT;
  if (err == EAGAIN) return KOBJNS_MUTANT_LIMIT_EXCEEDED;
  if (err && err != EOWNERDEAD) return KOBJNS_INTERNAL_ERROR;
  return took_mutex(s, err);
}
#endif

/* Sleep until one of the objects may have changed, or the deadline. `seqs` were read before the
 * last try. 0, or 50 when the kernel has no futex_waitv (several objects, Linux < 5.16). */
static int sleep_on(kobjns_sync *const *objects, size_t count, const uint32_t *seqs,
                    const struct timespec *deadline) {
  if (count == 1) {
    sync_state *st = objects[0]->os.map->state;
    __atomic_add_fetch(&st->sleepers, 1, __ATOMIC_SEQ_CST);
    futex_wait(&st->seq, seqs[0], deadline);
    __atomic_sub_fetch(&st->sleepers, 1, __ATOMIC_SEQ_CST);
    return 0;
  }
#if defined(__GLIBC__) && defined(SYS_futex_waitv)
  struct futex_waitv waiters[2 * KOBJNS_MAXIMUM_WAIT_OBJECTS];
  unsigned n = 0;
  for (size_t i = 0; i < count; i++) {
    sync_state *st = objects[i]->os.map->state;
    waiters[n++] =
        (struct futex_waitv){.val = seqs[i], .uaddr = (uintptr_t)&st->seq, .flags = FUTEX_32};
    if (objects[i]->kind != KOBJNS__MUTEX) continue;
    /* Owned by someone: ask to be woken when the owner lets go or dies. Free (or its owner
     * dead): no sleep, look again. */
    uint32_t *word = owner_word(st);
    uint32_t v = __atomic_load_n(word, __ATOMIC_ACQUIRE);
    if ((v & FUTEX_TID_MASK) == 0) return 0;
    if (!(v & FUTEX_WAITERS) && !__atomic_compare_exchange_n(word, &v, v | FUTEX_WAITERS, false,
                                                             __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
      return 0;
    waiters[n++] =
        (struct futex_waitv){.val = v | FUTEX_WAITERS, .uaddr = (uintptr_t)word, .flags = FUTEX_32};
  }
  for (size_t i = 0; i < count; i++)
    __atomic_add_fetch(&objects[i]->os.map->state->sleepers, 1, __ATOMIC_SEQ_CST);
  long r = syscall(SYS_futex_waitv, waiters, n, 0, deadline, CLOCK_MONOTONIC);
  int err = r < 0 ? errno : 0;
  for (size_t i = 0; i < count; i++)
    __atomic_sub_fetch(&objects[i]->os.map->state->sleepers, 1, __ATOMIC_SEQ_CST);
  return err == ENOSYS ? KOBJNS_NOT_SUPPORTED : 0;
#else
  (void)deadline;
  return KOBJNS_NOT_SUPPORTED;
#endif
}

/* A wait for several objects may have been the one the kernel (or glibc) woke on a mutex's
 * ownership word: if it leaves without that mutex, it passes the wake on to the next sleeper. */
static void pass_wakes_on(kobjns_sync *const *objects, size_t count, int rc, size_t index,
                          bool wait_all) {
#ifdef __GLIBC__
  for (size_t i = 0; i < count; i++) {
    if (objects[i]->kind != KOBJNS__MUTEX) continue;
    bool acquired = (rc == 0 || rc == KOBJNS_ABANDONED_WAIT_0) && (wait_all || i == index);
    uint32_t *word = owner_word(objects[i]->os.map->state);
    uint32_t v = __atomic_load_n(word, __ATOMIC_ACQUIRE);
    if (!acquired && (v & FUTEX_WAITERS) && (v & FUTEX_TID_MASK) == 0) futex_wake_one(word);
  }
#else
  (void)objects, (void)count, (void)rc, (void)index, (void)wait_all;
#endif
}

int kobjns__os_wait(kobjns_sync *const *objects, size_t count, bool wait_all, uint32_t timeout_ms,
                    size_t *index) {
  *index = 0;
  if (count == 1 && objects[0]->kind == KOBJNS__MUTEX) return wait_mutex(objects[0], timeout_ms);
  kobjns_sync *sorted[KOBJNS_MAXIMUM_WAIT_OBJECTS];
  if (wait_all) {
    memcpy(sorted, objects, count * sizeof *objects);
    qsort(sorted, count, sizeof *sorted, by_inode);
    for (size_t i = 1; i < count; i++)
      if (sorted[i]->os.map == sorted[i - 1]->os.map) return KOBJNS_INVALID_PARAMETER;
  }
  struct timespec deadline;
  if (timeout_ms != KOBJNS_INFINITE) deadline = deadline_after(timeout_ms);
  uint32_t seqs[KOBJNS_MAXIMUM_WAIT_OBJECTS];
  int rc;
  for (;;) {
    for (size_t i = 0; i < count; i++)
      seqs[i] = __atomic_load_n(&objects[i]->os.map->state->seq, __ATOMIC_SEQ_CST);
    rc = wait_all ? try_all(sorted, objects, count, index) : try_any(objects, count, index);
    if (rc != WOULD_BLOCK) break;
    rc = KOBJNS_WAIT_TIMEOUT;
    if (timeout_ms == 0 || (timeout_ms != KOBJNS_INFINITE && passed(&deadline))) break;
    if ((rc = sleep_on(objects, count, seqs, timeout_ms == KOBJNS_INFINITE ? NULL : &deadline)))
      break;
  }
  if (count > 1) pass_wakes_on(objects, count, rc, *index, wait_all);
  return rc;
}

/* --- inspection ------------------------------------------------------------------------------ */

#include <stdio.h> /* snprintf: only inspection formats text */

void kobjns__sync_describe(int fd, uint32_t header_size, uint16_t type, char *out, size_t size) {
  if (!size) return;
  out[0] = '\0';
  /* A copy of the page as it is now: looking must not disturb (no mapping, no lock, and no
   * robust mutex of ours that could end up on a thread's robust list). */
  sync_state st;
  if (pread(fd, &st, sizeof st, (off_t)header_size) != (ssize_t)sizeof st) return;
  unsigned kind = type == KOBJNS__TYPE_MUTEX       ? KOBJNS__MUTEX
                  : type == KOBJNS__TYPE_EVENT     ? KOBJNS__EVENT
                  : type == KOBJNS__TYPE_SEMAPHORE ? KOBJNS__SEMAPHORE
                                                   : 0;
  if (!kind || st.kind != kind) return;
  if (kind == KOBJNS__EVENT) {
    snprintf(out, size, "%s, %s", st.signaled ? "signaled" : "not signaled",
             st.manual_reset ? "manual reset" : "auto reset");
  } else if (kind == KOBJNS__SEMAPHORE) {
    snprintf(out, size, "count %d of %d", (int)st.count, (int)st.maximum);
  } else {
#ifdef __GLIBC__
    /* The robust futex word: the owner's thread id, and FUTEX_OWNER_DIED once the kernel found
     * the owner dead (until the next owner takes it). */
    uint32_t word = *owner_word(&st);
    if (word & FUTEX_OWNER_DIED)
      snprintf(out, size, "abandoned");
    else if (word & FUTEX_TID_MASK)
      snprintf(out, size, "owned by thread %u", (unsigned)(word & FUTEX_TID_MASK));
    else
      snprintf(out, size, "%s", st.abandoned ? "abandoned" : "free");
#else
    if (st.abandoned) snprintf(out, size, "abandoned"); /* else unknown: "" */
#endif
  }
}
