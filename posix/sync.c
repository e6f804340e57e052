/* POSIX mutexes, events and semaphores: typed objects (named.c) whose page after the header is
 * their state, shared by every process that opens them.
 *
 * The page holds plain words, never a pointer: whoever may use an object may write its page (the
 * kernel cannot give "wait" without "write"), so nothing in it may steer what another process
 * does with its own memory (a pthread mutex would: glibc keeps its robust-list links in it).
 *
 * - A guard (a futex lock word, with its holder) is held for a few instructions around every
 *   look at or change of the state: a mutex's owner and recursion, an event's flag, a
 *   semaphore's count.
 * - Waiters queue up (a slot each in the page's queue, by ticket) and sleep on their slot's
 *   futex word. A release, set or pulse hands what it frees to the first waiting slot by
 *   marking it granted (one store): the unit stays counted in the state but is reserved for that
 *   slot, so nobody else (the releaser included) can take it, and only that waiter is woken. The
 *   waiter consumes it (becomes the owner, resets the event, takes the count down) or gives it
 *   back (it took another object; a wait for all that cannot take everything). A waiter found
 *   gone gives back what it was granted; a wait whose time is up takes a grant made before.
 *   Waiters that find the queue full poll `seq` (bumped, its sleepers woken, at every change).
 * - A mutex's owner is recorded as a thread: its id, its process, its start time (ids are
 *   reused) and its pid namespace; the guard's word holds its holder's id and its namespace's
 *   slot in the page's namespace table. A sleeper for a mutex another thread owns, or for a
 *   guard held for long, asks the platform every LIVENESS_SLICE_MS whether that thread still
 *   runs: alive, gone or unknown, and unknown (another namespace, a hidden /proc) is alive.
 *   A gone owner's mutex is taken over and reported abandoned (735), as Windows does; a gone
 *   holder's guard is taken over and everyone woken to look again. Before a wait gives up
 *   (258), it looks too, so that a timeout never hides an abandoned mutex.
 * - A wait for several objects sleeps on all its words (grants, or `seq`) at once where it can
 *   (Linux: futex_waitv), else on the first one's, looking at the others every
 *   FALLBACK_SLICE_MS (slower to notice, never blind). A wait for all takes the guards of every
 *   object in one order (by inode, the same in every process) and acquires everything or
 *   nothing.
 * - A wait for all is offered units like a grant, and takes everything at once or gives every
 *   offer back (it never holds part); it keeps its place in each queue, so waits for one object
 *   cannot starve it. A manual-reset event grants every waiting slot, and counts its sets for
 *   pollers. docs/posix-backend.md has the rules at length. */
#include "object.h"
#include "platform.h"
#include "ptrmap.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define STATE_SIZE KOBJNS__SYNC_STATE_SIZE
/* How often a sleeper looks whether a mutex's owner, or a guard's holder, still runs. */
#define LIVENESS_SLICE_MS 50u
/* A guard is held for instructions: only after this many slices is its holder suspected. */
#define GUARD_PATIENCE_SLICES 2u
/* How long a held guard is watched before sleeping on it. */
#define GUARD_SPIN_NS 5000u
/* Waiting slots (not granted) a look for the dead asks about, at most (granted ones: all). */
#define RECOVER_BUDGET 4u
/* Without a multi-word sleep, a wait for several objects looks at all of them this often. */
#define FALLBACK_SLICE_MS 10u
/* A queued waiter watches its grant word this long before it sleeps, where another CPU may be
 * about to hand it over: a hand-off caught awake costs no sleep and no wake-up. */
#define GRANT_SPIN_NS 10000

/* The page's layout is format.h's (the same for 32- and 64-bit processes). */
typedef kobjns__stored_thread holder;
typedef kobjns__sync_state sync_state;

/* How an object's page behaves: a thread's or a process's is a manual-reset event that only its
 * end sets (a thread's exit code in `count`); a timer's, an event (manual or automatic) that its
 * due time sets. */
static kobjns_type behaves_as(const kobjns__object *s) {
  return s->type == KOBJNS_TYPE_THREAD || s->type == KOBJNS_TYPE_TIMER ||
                 s->type == KOBJNS_TYPE_PROCESS
             ? KOBJNS_TYPE_EVENT
             : s->type;
}

/* --- this thread ----------------------------------------------------------------------------- */

static _Thread_local holder me; /* filled on first use; a forked child's thread starts anew */
static pthread_once_t me_once = PTHREAD_ONCE_INIT;
static void forget_me(void) { memset(&me, 0, sizeof me); }
static void register_forget_me(void) { pthread_atfork(NULL, NULL, forget_me); }

static __attribute__((noinline)) const holder *self_first(void) {
  pthread_once(&me_once, register_forget_me);
  kobjns__plat_thread t;
  kobjns__plat_thread_self(&t);
  me = (holder){.tid = t.tid, .pid = t.pid, .start = t.start, .ns = t.ns, .image = t.image};
  return &me;
}

static inline const holder *self(void) {
  return __builtin_expect(me.tid != 0, 1) ? &me : self_first();
}

static bool same_thread(const holder *a, const holder *b) {
  return a->tid == b->tid && a->pid == b->pid && a->start == b->start && a->ns == b->ns &&
         a->image == b->image;
}

/* Whether the thread `h` names may still run: only a proven death answers false. What cannot be
 * seen from here (another pid namespace, a /proc hidden by hidepid, no /proc) is alive. */
static bool alive(const holder *h) {
  kobjns__plat_thread t = {
      .tid = h->tid, .pid = h->pid, .start = h->start, .ns = h->ns, .image = h->image};
  return kobjns__plat_thread_liveness(&t) != KOBJNS__PLAT_GONE;
}

/* A holder slot is a small seqlock keyed by the thread id: a writer clears the id, writes the
 * rest, then sets the id; a reader takes the id, the rest, then the id again, and believes the
 * copy only if both ids are the one it expects. The owner slot is written and read under the
 * guard (only kobjns__sync_describe reads it without); every access is atomic all the same:
 * other processes race with us. */
static void record(holder *slot, const holder *h) {
  /* Release stores: nothing before one (the cleared id) may show after it. */
  __atomic_store_n(&slot->tid, 0, __ATOMIC_RELAXED);
  __atomic_store_n(&slot->pid, h->pid, __ATOMIC_RELEASE);
  __atomic_store_n(&slot->start, h->start, __ATOMIC_RELEASE);
  __atomic_store_n(&slot->ns, h->ns, __ATOMIC_RELEASE);
  __atomic_store_n(&slot->image, h->image, __ATOMIC_RELEASE);
  __atomic_store_n(&slot->tid, h->tid, __ATOMIC_RELEASE);
}

static void forget(holder *slot) { __atomic_store_n(&slot->tid, 0, __ATOMIC_RELEASE); }

/* A consistent copy of `slot` as it names thread `tid` now, or false. */
static bool read_holder(const holder *slot, uint32_t tid, holder *out) {
  /* Acquire loads: nothing after one (the second id) may be read before it. */
  uint32_t first = __atomic_load_n(&slot->tid, __ATOMIC_ACQUIRE);
  out->pid = __atomic_load_n(&slot->pid, __ATOMIC_ACQUIRE);
  out->start = __atomic_load_n(&slot->start, __ATOMIC_ACQUIRE);
  out->ns = __atomic_load_n(&slot->ns, __ATOMIC_ACQUIRE);
  out->image = __atomic_load_n(&slot->image, __ATOMIC_ACQUIRE);
  out->tid = __atomic_load_n(&slot->tid, __ATOMIC_RELAXED);
  return tid != 0 && first == tid && out->tid == tid;
}

/* The id in `slot` now (0: nobody). */
static uint32_t holder_tid(const holder *slot) {
  return __atomic_load_n(&slot->tid, __ATOMIC_ACQUIRE);
}

/* --- time ------------------------------------------------------------------------------------ */

static int64_t clock_ns_of(clockid_t clock) {
  struct timespec t;
  clock_gettime(clock, &t);
  return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

static struct timespec timespec_of(int64_t ns) {
  return (struct timespec){(time_t)(ns / 1000000000), (long)(ns % 1000000000)};
}

/* CLOCK_MONOTONIC `ns` from now (a wait's time is at most 49 days: no overflow). */
static struct timespec after_ns(uint64_t ns) {
  return timespec_of(clock_ns_of(CLOCK_MONOTONIC) + (int64_t)ns);
}

static struct timespec after_ms(uint32_t ms) { return after_ns((uint64_t)ms * 1000000); }

static bool before(const struct timespec *a, const struct timespec *b) {
  return a->tv_sec < b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

static bool passed(const struct timespec *deadline) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return !before(&now, deadline);
}

/* --- one mapping per object per process ------------------------------------------------------ */

typedef struct kobjns__sync_map {
  struct kobjns__sync_map *prev, *next; /* every mapping of the process (the fork handler's) */
  struct kobjns__sync_map *same_key;    /* the next mapping whose key (map_key) is the same */
  dev_t dev;
  ino_t ino;
  sync_state *state;
  unsigned handles; /* this process's handles to it */
  uint32_t tag;     /* our pid namespace's tag in the page (guard words); 0: not known yet */
} sync_map;

/* The process's mappings, found by their file in constant time (a process may hold tens of
 * thousands, and opens, creates and the exit-time close of each look one up). */
static pthread_mutex_t maps_lock = PTHREAD_MUTEX_INITIALIZER;
static sync_map *maps;         /* the list of all */
static kobjns__ptrmap by_file; /* map_key -> the first mapping with that key */
static pthread_once_t fork_once = PTHREAD_ONCE_INIT;

/* A file's key in by_file: its identity folded into a pointer (never NULL); files whose keys
 * collide are chained through same_key. */
static const void *map_key(dev_t dev, ino_t ino) {
  uint64_t k = ((uint64_t)ino * 0x9E3779B97F4A7C15ull) ^ (uint64_t)dev;
  return (const void *)(uintptr_t)(k | 1);
}

static void maps_before_fork(void) { pthread_mutex_lock(&maps_lock); }
static void maps_after_fork(void) { pthread_mutex_unlock(&maps_lock); }
/* A child may be in another pid namespace than its parent (one made by unshare): tags anew. */
static void maps_in_child(void) {
  for (sync_map *m = maps; m; m = m->next) m->tag = 0;
  pthread_mutex_unlock(&maps_lock);
}
static void register_fork_handlers(void) {
  pthread_atfork(maps_before_fork, maps_after_fork, maps_in_child);
}

void kobjns__sync_fork_handlers(void) { pthread_once(&fork_once, register_fork_handlers); }

/* The mapping of `dev`, `ino`, or NULL (maps_lock held). */
static sync_map *map_find(dev_t dev, ino_t ino) {
  kobjns__ptrmap_slot *first = kobjns__ptrmap_find(&by_file, map_key(dev, ino));
  sync_map *m = first ? (sync_map *)first->value : NULL;
  while (m && !(m->dev == dev && m->ino == ino)) m = m->same_key;
  return m;
}

/* Adds m (maps_lock held): 0 or 8. */
static int map_add(sync_map *m) {
  const void *key = map_key(m->dev, m->ino);
  kobjns__ptrmap_slot *first = kobjns__ptrmap_find(&by_file, key);
  if (first) {
    m->same_key = (sync_map *)first->value;
    first->value = (uintptr_t)m;
  } else {
    int rc = kobjns__ptrmap_add(&by_file, key, (uintptr_t)m);
    if (rc) return rc;
  }
  m->next = maps;
  if (maps) maps->prev = m;
  maps = m;
  return 0;
}

/* Removes m (maps_lock held). */
static void map_remove(sync_map *m) {
  const void *key = map_key(m->dev, m->ino);
  kobjns__ptrmap_slot *first = kobjns__ptrmap_find(&by_file, key);
  sync_map **at = first ? (sync_map **)&first->value : NULL;
  while (at && *at != m) at = &(*at)->same_key;
  if (at) *at = m->same_key;
  if (first && !first->value) kobjns__ptrmap_remove(&by_file, key, NULL);
  if (m->prev) m->prev->next = m->next;
  if (m->next) m->next->prev = m->prev;
  if (maps == m) maps = m->next;
  if (!maps) kobjns__ptrmap_release(&by_file); /* the last one: nothing kept (unload) */
}

/* The process's mapping of the object open as `fd` (`st`), made on first use. */
static int map_get(int fd, const struct stat *st, uint32_t header_size, sync_map **out) {
  pthread_once(&fork_once, register_fork_handlers);
  pthread_mutex_lock(&maps_lock);
  sync_map *m = map_find(st->st_dev, st->st_ino);
  int rc = 0;
  if (m) {
    m->handles++;
  } else if (!(m = calloc(1, sizeof *m))) {
    rc = KOBJNS_NOT_ENOUGH_MEMORY;
  } else {
    void *p = mmap(NULL, STATE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)header_size);
    if (p == MAP_FAILED) {
      rc = kobjns__status_from_errno(errno);
    } else {
      *m = (sync_map){.dev = st->st_dev, .ino = st->st_ino, .state = p, .handles = 1};
      if ((rc = map_add(m)))
        munmap(p, STATE_SIZE);
      else
        kobjns__plat_shared_page(p, true);
    }
    if (rc) {
      free(m);
      m = NULL;
    }
  }
  pthread_mutex_unlock(&maps_lock);
  *out = m;
  return rc;
}

static void map_put(sync_map *m) {
  pthread_mutex_lock(&maps_lock);
  if (--m->handles == 0) {
    map_remove(m);
    kobjns__plat_shared_page(m->state, false);
    munmap(m->state, STATE_SIZE);
    free(m);
  }
  pthread_mutex_unlock(&maps_lock);
}

/* --- spinning -------------------------------------------------------------------------------- */

/* Spins are plain loads, the clock read every SPIN_BATCH of them: no PAUSE (x86) or YIELD, since
 * under a hypervisor with pause-loop exiting a loop of them gives the virtual CPU away (a
 * hand-off caught by spinning took 20 to 55 us instead of 0.2 here). A spin is only worth it
 * where another CPU can change the word meanwhile. */
#define SPIN_BATCH 64

static bool other_cpus(void) {
  static int cpus; /* 0: not asked yet */
  int n = __atomic_load_n(&cpus, __ATOMIC_RELAXED);
  if (!n) {
    long online = sysconf(_SC_NPROCESSORS_ONLN);
    n = online > 1 ? (int)online : 1;
    __atomic_store_n(&cpus, n, __ATOMIC_RELAXED);
  }
  return n > 1;
}

/* --- the guard ------------------------------------------------------------------------------- */

static void bump(sync_state *st) {
  __atomic_add_fetch(&st->seq, 1, __ATOMIC_SEQ_CST);
  if (__atomic_load_n(&st->sleepers, __ATOMIC_SEQ_CST)) kobjns__plat_wake(&st->seq, INT_MAX);
}

/* The guard's word names its holder: its thread id (at most 22 bits: Linux's PID_MAX_LIMIT) and
 * the tag of its pid namespace above it (9 bits), then GUARD_SLEEPERS. The word alone must say who
 * holds the guard: a holder killed just after taking it has had no time to write anything else.
 * The tag is a slot of the page's namespace table (slot + 1), claimed once per namespace, so two
 * namespaces never share one (a hash of the namespace could: two containers sharing /dev/shm
 * would then take each other's threads for their own). NO_SLOT: the namespace is not known, or
 * the table is full; such a holder cannot be identified by anyone, hence is never taken over. */
#define GUARD_TID_BITS 22
#define GUARD_TID_MASK ((1u << GUARD_TID_BITS) - 1)
#define GUARD_TAG_MASK 0x1FFu
#define NO_SLOT GUARD_TAG_MASK
#define GUARD_SLEEPERS 0x80000000u /* someone may sleep on the word: the unlock wakes one */

/* The tag of namespace `ns` in `st`'s table, claiming a free slot the first time. */
static uint32_t namespace_tag(sync_state *st, uint64_t ns) {
  if (!ns) return NO_SLOT;
  for (uint32_t i = 0; i < KOBJNS__SYNC_NAMESPACES; i++) {
    uint64_t v = __atomic_load_n(&st->namespaces[i], __ATOMIC_ACQUIRE);
    if (v == 0 && __atomic_compare_exchange_n(&st->namespaces[i], &v, ns, false, __ATOMIC_ACQ_REL,
                                              __ATOMIC_ACQUIRE))
      return i + 1;
    if (v == ns) return i + 1; /* ours, or claimed by another process of ours meanwhile */
  }
  return NO_SLOT;
}

static uint32_t guard_word(sync_map *m) {
  uint32_t tag = __atomic_load_n(&m->tag, __ATOMIC_RELAXED);
  if (!tag) { /* claimed once per process and object: the same slot for every thread */
    tag = namespace_tag(m->state, self()->ns);
    __atomic_store_n(&m->tag, tag, __ATOMIC_RELAXED);
  }
  return (self()->tid & GUARD_TID_MASK) | tag << GUARD_TID_BITS;
}

/* Whether the holder of guard word `held` is proven gone: a thread of our namespace (by its slot)
 * that no longer runs. Another namespace's thread, or one whose namespace the word does not say,
 * cannot be checked from here and is alive. The holder record (`guard_holder`), when it names the
 * word's thread, adds its start time, so a holder whose id was reused is gone; without one (a
 * holder killed between taking the word and writing the record: microseconds) the id alone is
 * asked about. */
static bool guard_holder_dead(const sync_state *st, uint32_t held) {
  holder h;
  if (read_holder(&st->guard_holder, held & GUARD_TID_MASK, &h) &&
      (held >> GUARD_TID_BITS & GUARD_TAG_MASK) != NO_SLOT)
    return !alive(&h);
  uint32_t tag = (held >> GUARD_TID_BITS) & GUARD_TAG_MASK;
  if (tag == 0 || tag > KOBJNS__SYNC_NAMESPACES) return false;
  uint64_t ns = __atomic_load_n(&st->namespaces[tag - 1], __ATOMIC_ACQUIRE);
  if (!ns || ns != self()->ns) return false;
  kobjns__plat_thread t = {.tid = held & GUARD_TID_MASK, .ns = ns}; /* its process: unknown */
  return kobjns__plat_thread_liveness(&t) == KOBJNS__PLAT_GONE;
}

static bool guard_take(sync_state *st, uint32_t expected, uint32_t word) {
  return __atomic_compare_exchange_n(&st->guard, &expected, word, false, __ATOMIC_ACQUIRE,
                                     __ATOMIC_RELAXED);
}

static void took_guard(sync_state *st) { record(&st->guard_holder, self()); }

/* A lock on a shared word in the classic three states (free; held; held with sleepers), with the
 * holder in the word and, once taken, in `guard_holder`. Legitimately held for instructions, but
 * any user of the object can hold it for as long as it likes (a stopped process, a forged word),
 * so it is waited for until `until` only (NULL: forever, for a wait that has no time limit): 0
 * when taken, KOBJNS_WAIT_TIMEOUT when not in time, KOBJNS_POSSIBLE_DEADLOCK when the word names
 * the calling thread (a signal handler that interrupted it inside a change). */
static int guard_lock(sync_map *m, const struct timespec *until) {
  sync_state *st = m->state;
  uint32_t mine = guard_word(m);
  if (guard_take(st, 0, mine)) return took_guard(st), 0;
  if ((__atomic_load_n(&st->guard, __ATOMIC_RELAXED) & ~GUARD_SLEEPERS) == mine) {
    holder h; /* ours, unless its record names an earlier, dead thread that had our id */
    if (!read_holder(&st->guard_holder, self()->tid, &h) || same_thread(&h, self()))
      return KOBJNS_POSSIBLE_DEADLOCK;
  }
  /* Held for a few instructions: a short spin beats a sleep and a wake (two system calls). */
  if (other_cpus()) {
    struct timespec end = after_ns(GUARD_SPIN_NS);
    do {
      for (int i = 0; i < SPIN_BATCH; i++)
        if (__atomic_load_n(&st->guard, __ATOMIC_RELAXED) == 0 && guard_take(st, 0, mine))
          return took_guard(st), 0;
    } while (!passed(&end));
  }
  for (unsigned slices = 0;; slices++) {
    /* From here on we may have slept: take it marked, so that our unlock wakes the next. */
    uint32_t held = __atomic_load_n(&st->guard, __ATOMIC_RELAXED);
    if (held == 0) {
      if (guard_take(st, 0, mine | GUARD_SLEEPERS)) return took_guard(st), 0;
      continue;
    }
    if (slices >= GUARD_PATIENCE_SLICES && guard_holder_dead(st, held) &&
        guard_take(st, held, mine | GUARD_SLEEPERS)) {
      took_guard(st);
      bump(st); /* its holder died inside a change: ours now, and everyone looks again */
      return 0;
    }
    if (until && passed(until)) return KOBJNS_WAIT_TIMEOUT;
    if (!(held & GUARD_SLEEPERS) && !guard_take(st, held, held | GUARD_SLEEPERS)) continue;
    struct timespec end = after_ms(LIVENESS_SLICE_MS);
    kobjns__plat_wait(&st->guard, held | GUARD_SLEEPERS,
                      until && before(until, &end) ? until : &end);
  }
}

/* Grants made under the guard, announced once it is released: a waiter that sees its grant
 * (awake, or woken) takes the guard next, and finds it free. */
static _Thread_local kobjns__sync_slot *to_announce[KOBJNS__SYNC_SLOTS];
static _Thread_local unsigned to_announce_count;

/* Slot q's waiter learns of its grant: its word changes, and a sleeper is woken. A waiter that
 * still watches the word (sleep_on) sees it without a wake-up: the change and `asleep` are
 * written and read in one order on both sides. The slot may be another waiter's by now (a mutex
 * handed to a sole waiter frees its slot): that one looks and sleeps again. */
static void announce(kobjns__sync_slot *q) {
  __atomic_add_fetch(&q->grant, 1, __ATOMIC_SEQ_CST);
  if (__atomic_load_n(&q->asleep, __ATOMIC_SEQ_CST)) kobjns__plat_wake(&q->grant, INT_MAX);
}

static void announce_pending(void) {
  while (to_announce_count) announce(to_announce[--to_announce_count]);
}

static void guard_unlock(sync_map *m) {
  sync_state *st = m->state;
  forget(&st->guard_holder);
  if (__atomic_exchange_n(&st->guard, 0, __ATOMIC_RELEASE) & GUARD_SLEEPERS)
    kobjns__plat_wake(&st->guard, 1);
  announce_pending();
}

/* --- creating and opening -------------------------------------------------------------------- */

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

static bool open_writable(unsigned desired) {
  (void)desired;
  return true;
}

static uint64_t file_size(const kobjns__create_args *a) {
  (void)a;
  return STATE_SIZE;
}

static int adopt(kobjns__object *o, const kobjns__named *n, bool writable, kobjns__facts *facts) {
  (void)writable;
  if (!n->fd_writable) { /* the kernel keeps the caller from using it */
    facts->denial = KOBJNS_DENIAL_MODE_BITS;
    return KOBJNS_ACCESS_DENIED;
  }
  if (n->h.size != STATE_SIZE) return KOBJNS_FILE_CORRUPT;
  sync_map *m;
  int rc = map_get(n->fd, &n->st, n->h.header_size, &m);
  if (rc) return rc;
  if (__atomic_load_n(&m->state->kind, __ATOMIC_RELAXED) != (uint32_t)o->type) {
    map_put(m);
    return KOBJNS_FILE_CORRUPT;
  }
  o->os.map = m;
  return 0;
}

/* The new object's state, written through the mapping this process will keep. */
static int init_state(int fd, uint32_t header_size, const kobjns__create_args *a,
                      kobjns__object *o) {
  struct stat st;
  if (fstat(fd, &st) < 0) return kobjns__status_from_errno(errno);
  int rc = map_get(fd, &st, header_size, &o->os.map);
  if (rc) return rc;
  sync_state *state = o->os.map->state; /* zero-filled: guard free, no owner */
  /* Nobody else can reach it yet; the guard still orders these writes before anyone's look
   * (the publication that makes it reachable is a system call, which thread checkers miss). */
  if ((rc = guard_lock(o->os.map, NULL))) return rc; /* nobody else can reach it: at once */
  __atomic_store_n(&state->kind, (uint32_t)a->type, __ATOMIC_RELAXED);
  state->manual_reset =
      a->manual_reset || a->type == KOBJNS_TYPE_THREAD || a->type == KOBJNS_TYPE_PROCESS;
  state->signaled = a->initial_state;
  state->count = a->initial;
  state->maximum = a->maximum;
  if (a->type == KOBJNS_TYPE_MUTEX && a->initial_owner) {
    __atomic_store_n(&state->lock, guard_word(o->os.map), __ATOMIC_RELAXED);
    state->recursion = 1;
    record(&state->owner, self());
  }
  guard_unlock(o->os.map);
  return 0;
}

static void release_state(kobjns__object *o) {
  map_put(o->os.map);
  o->os.map = NULL;
}

/* A duplicated handle shares the process's mapping of the page. */
static void share_state(kobjns__object *to, kobjns__object *from, bool move) {
  (void)move;
  to->os.map = from->os.map;
  kobjns__sync_map_hold(to->os.map);
}

#define SYNC_TYPE(t, made, gone, shared)                                                           \
  {                                                                                                \
    .type = t, .granted_bits = granted_bits, .open_writable = open_writable,                       \
    .file_size = file_size, .adopt = adopt, .init = made, .unpublished = gone, .release = gone,    \
    .share = shared,                                                                               \
  }
const kobjns__named_type kobjns__posix_mutex =
    SYNC_TYPE(KOBJNS_TYPE_MUTEX, init_state, release_state, share_state);
const kobjns__named_type kobjns__posix_event =
    SYNC_TYPE(KOBJNS_TYPE_EVENT, init_state, release_state, share_state);
const kobjns__named_type kobjns__posix_semaphore =
    SYNC_TYPE(KOBJNS_TYPE_SEMAPHORE, init_state, release_state, share_state);
/* A thread's object: an event's page, and what runs the thread (posix/thread.c). */
const kobjns__named_type kobjns__posix_thread = SYNC_TYPE(
    KOBJNS_TYPE_THREAD, kobjns__thread_init, kobjns__thread_release, kobjns__thread_share);
/* A process's (posix/process.c): an event's page, which the end of the process sets. */
const kobjns__named_type kobjns__posix_process = SYNC_TYPE(
    KOBJNS_TYPE_PROCESS, kobjns__process_init, kobjns__process_release, kobjns__process_share);
/* A timer's: an event's page with a due time; the handle's completion routine goes with it. */
static void release_timer(kobjns__object *o);
static void share_timer(kobjns__object *to, kobjns__object *from, bool move);
const kobjns__named_type kobjns__posix_timer =
    SYNC_TYPE(KOBJNS_TYPE_TIMER, init_state, release_timer, share_timer);

/* --- a thread's page (posix/thread.c runs the thread) ------------------------------------------
 */

void kobjns__sync_map_hold(struct kobjns__sync_map *m) {
  pthread_mutex_lock(&maps_lock);
  m->handles++;
  pthread_mutex_unlock(&maps_lock);
}

void kobjns__sync_map_drop(struct kobjns__sync_map *m) { map_put(m); }

void kobjns__sync_thread_end(struct kobjns__sync_map *m, uint32_t exit_code) {
  kobjns__object ended = {.type = KOBJNS_TYPE_THREAD, .os.map = m};
  __atomic_store_n(&m->state->count, (int32_t)exit_code, __ATOMIC_RELEASE);
  /* The page is the process's own (unnamed): only a thread of ours can hold its guard, and not
   * for long. */
  while (kobjns__os_event_set(&ended, true)) continue;
}

bool kobjns__sync_thread_ended(struct kobjns__sync_map *m, uint32_t *exit_code) {
  /* A thread's page is set once, at its end, with its code stored before: `sets`, an atomic
   * count, tells without the guard. */
  bool ended = __atomic_load_n(&m->state->sets, __ATOMIC_ACQUIRE) != 0;
  *exit_code = ended ? (uint32_t)__atomic_load_n(&m->state->count, __ATOMIC_ACQUIRE) : 0;
  return ended;
}

/* --- the queue of waiters ------------------------------------------------------------------- */

/* Every page access below is made with the guard held, except a waiter's look at its own slot's
 * state (atomic) and the futex words. Values are read from a page any user may write, so every
 * loop is bounded by the slot count and every index is one we chose. */
typedef kobjns__sync_slot slot;
#define SLOTS KOBJNS__SYNC_SLOTS
#define WOULD_BLOCK (-1)

static uint32_t slot_state(const slot *q) { return __atomic_load_n(&q->state, __ATOMIC_ACQUIRE); }
static void set_slot_state(slot *q, uint32_t v) {
  __atomic_store_n(&q->state, v, __ATOMIC_RELEASE);
}

/* The slots that may be in use: scans visit only these, so an object nobody waits for costs one
 * load (a process killed between a slot's two stores leaves a bit too many, never too few). */
static uint32_t in_use(const sync_state *st) {
  return __atomic_load_n(&st->in_use, __ATOMIC_RELAXED) & (uint32_t)(((uint64_t)1 << SLOTS) - 1);
}

static int next_in_use(uint32_t *bits) {
  int i = __builtin_ctz(*bits);
  *bits &= *bits - 1;
  return i;
}

/* Slot i takes state `v`: a slot in use gets its bit before, a free one loses it after. */
static void put_state(sync_state *st, int i, uint32_t v) {
  if (v == KOBJNS__SLOT_FREE) {
    set_slot_state(&st->slots[i], v);
    __atomic_and_fetch(&st->in_use, ~(1u << i), __ATOMIC_RELAXED);
  } else {
    __atomic_or_fetch(&st->in_use, 1u << i, __ATOMIC_RELAXED);
    set_slot_state(&st->slots[i], v);
  }
}

/* --- a mutex's lock word ---------------------------------------------------------------------- */

/* A mutex is owned by the thread whose guard word is in `lock` (0: free). Taking a free mutex is
 * one compare-and-swap, and so is giving it back while nobody waits: neither takes the guard. A
 * thread that must wait takes the guard and marks the lock LOCK_WAITERS, which makes every swap of
 * the fast paths fail, so from then on the lock changes only under the guard: a release hands it
 * to the first waiter by writing the waiter's word (a mutex handed over is owned already). The mark
 * goes when nobody is queued or polling any more. The owner record (thread, start time, namespace)
 * follows the lock: written after the swap that takes it, cleared before the one that gives it
 * back; an owner with no record yet is asked about by its word alone. */
#define LOCK_WAITERS 0x80000000u
#define LOCK_OWNER(v) ((v) & ~LOCK_WAITERS)

static uint32_t lock_word(const sync_state *st) {
  return __atomic_load_n(&st->lock, __ATOMIC_ACQUIRE);
}
static void set_lock(sync_state *st, uint32_t v) {
  __atomic_store_n(&st->lock, v, __ATOMIC_RELEASE);
}

static void sweep_left(const kobjns__object *s, sync_state *st);
static void expire(const kobjns__object *s, sync_state *st);

/* The guard of `s`'s page (guard_lock: 0, 258 when not taken by `until`, 1131), a mutex's lock
 * marked (see above), and the slots their waiters left without the guard freed. */
static int lock_state(const kobjns__object *s, const struct timespec *until) {
  sync_map *m = s->os.map;
  int rc = guard_lock(m, until);
  if (rc) return rc;
  if (s->type == KOBJNS_TYPE_MUTEX)
    __atomic_or_fetch(&m->state->lock, LOCK_WAITERS, __ATOMIC_ACQ_REL);
  if (in_use(m->state)) sweep_left(s, m->state);
  if (s->type == KOBJNS_TYPE_TIMER) expire(s, m->state);
  return 0;
}

/* How long a release, set, reset or post waits for a guard that another process keeps: then it
 * answers KOBJNS_TIMEOUT (1460), having changed nothing. */
#define GUARD_PATIENCE_MS 1000u

static int lock_state_patiently(const kobjns__object *s) {
  struct timespec until = after_ms(GUARD_PATIENCE_MS);
  int rc = lock_state(s, &until);
  return rc == KOBJNS_WAIT_TIMEOUT ? KOBJNS_TIMEOUT : rc;
}

static void unlock_state(const kobjns__object *s) {
  sync_state *st = s->os.map->state;
  if (s->type == KOBJNS_TYPE_MUTEX && !in_use(st) &&
      !__atomic_load_n(&st->sleepers, __ATOMIC_SEQ_CST))
    set_lock(st, LOCK_OWNER(lock_word(st))); /* nobody waits: the fast paths again */
  guard_unlock(s->os.map);
}

/* Whether the calling thread, whose word is `mine`, owns the mutex: the lock and the record say so.
 */
static bool owns(const sync_state *st, uint32_t mine) {
  if (LOCK_OWNER(lock_word(st)) != mine) return false;
  const holder *caller = self();
  holder owner;
  return read_holder(&st->owner, caller->tid, &owner) && same_thread(&owner, caller);
}

/* Whether the mutex was handed to the calling thread (`mine`) as a sole waiter: the lock names it,
 * and no owner is recorded (the releaser cleared its record before handing it over). */
static bool handed_to_me(const sync_state *st, uint32_t mine) {
  return LOCK_OWNER(lock_word(st)) == mine && holder_tid(&st->owner) == 0;
}

/* The calling thread has just taken the lock: 0, or 735 where the mutex was abandoned. */
static int become_owner(sync_state *st) {
  record(&st->owner, self());
  st->recursion = 1;
  if (!__atomic_load_n(&st->abandoned, __ATOMIC_ACQUIRE)) return 0;
  __atomic_store_n(&st->abandoned, 0, __ATOMIC_RELAXED);
  return KOBJNS_ABANDONED_WAIT_0;
}

/* Without the guard: a free mutex, or a level more of one the caller owns; else WOULD_BLOCK. */
static int mutex_try(sync_map *m) {
  sync_state *st = m->state;
  uint32_t mine = guard_word(m), free_lock = 0;
  if (__atomic_compare_exchange_n(&st->lock, &free_lock, mine, false, __ATOMIC_ACQUIRE,
                                  __ATOMIC_RELAXED))
    return become_owner(st);
  if (!owns(st, mine)) return WOULD_BLOCK;
  if (st->recursion == UINT32_MAX) return KOBJNS_MUTANT_LIMIT_EXCEEDED;
  st->recursion++;
  return 0;
}

/* Whether the lock word `owner` is that of a waiter the mutex was handed to (not yet taken). */
static bool handed_to_waiter(const sync_state *st, uint32_t owner) {
  for (uint32_t bits = in_use(st); bits;) {
    const slot *q = &st->slots[next_in_use(&bits)];
    if (slot_state(q) == KOBJNS__SLOT_GRANTED && q->word == owner) return true;
  }
  return false;
}

/* Whether the owner the lock word names is proven gone: by its record, or (none yet: it was
 * killed between its swap and its record) by its word, as a guard's holder. */
static bool owner_gone(const sync_state *st, uint32_t owner) {
  holder h;
  if (read_holder(&st->owner, owner & GUARD_TID_MASK, &h)) return !alive(&h);
  return guard_holder_dead(st, owner);
}

/* Whether ticket a came before ticket b (they wrap). */
static bool earlier(uint32_t a, uint32_t b) { return (int32_t)(a - b) < 0; }

/* The slot in `state` with the earliest ticket, or -1. */
static int first_in(const sync_state *st, uint32_t state) {
  int best = -1;
  uint32_t ticket = 0;
  for (uint32_t bits = in_use(st); bits;) {
    int i = next_in_use(&bits);
    if (slot_state(&st->slots[i]) != state) continue;
    uint32_t t = st->slots[i].ticket;
    if (best < 0 || earlier(t, ticket)) best = i, ticket = t;
  }
  return best;
}

/* Units handed to waiters that have not taken them yet (granted slots). */
static int64_t reserved(const sync_state *st) {
  int64_t n = 0;
  for (uint32_t bits = in_use(st); bits;)
    n += slot_state(&st->slots[next_in_use(&bits)]) == KOBJNS__SLOT_GRANTED;
  return n;
}

/* What a newcomer could take now: what the state holds beyond what is handed to waiters (a
 * manual-reset event's grants are releases, not units). */
static int64_t free_units(const kobjns__object *s, const sync_state *st) {
  switch (behaves_as(s)) {
    case KOBJNS_TYPE_MUTEX: return LOCK_OWNER(lock_word(st)) == 0 && reserved(st) == 0;
    case KOBJNS_TYPE_EVENT:
      return st->manual_reset ? st->signaled != 0 : (int64_t)st->signaled - reserved(st);
    default: return (int64_t)st->count - reserved(st);
  }
}

/* Grant waiting slot i (guard held): false when its waiter left it meanwhile (KOBJNS__SLOT_LEFT,
 * written without the guard), which the caller then frees. */
static bool grant(const kobjns__object *s, sync_state *st, int i, uint32_t flags) {
  slot *q = &st->slots[i];
  q->flags = flags;
  uint32_t waiting = KOBJNS__SLOT_WAITING; /* one swap: the grant, and the unit's reservation */
  if (!__atomic_compare_exchange_n(&q->state, &waiting, KOBJNS__SLOT_GRANTED, false,
                                   __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
    return false;
  if (s->type == KOBJNS_TYPE_MUTEX) {
    set_lock(st, q->word | LOCK_WAITERS);                                 /* the waiter's now */
    if (q->kind & KOBJNS__SLOT_SOLE) put_state(st, i, KOBJNS__SLOT_FREE); /* nothing to give back */
  }
  if (to_announce_count < KOBJNS__SYNC_SLOTS)
    to_announce[to_announce_count++] = q;
  else
    announce(q);
  return true;
}

/* Grant the first waiting slot (freeing those whose waiters left): its index, or -1. */
static int grant_first(const kobjns__object *s, sync_state *st, uint32_t flags) {
  for (int n = 0; n < SLOTS; n++) {
    int i = first_in(st, KOBJNS__SLOT_WAITING);
    if (i < 0 || grant(s, st, i, flags)) return i;
    put_state(st, i, KOBJNS__SLOT_FREE);
  }
  return -1;
}

/* Whether waiter `who` is of a process of our pid namespace that has ended: one cheap
 * question (kill(pid, 0)), so that a killed waiter at the head of a queue is skipped at once
 * rather than handed a unit it would keep until a look for the dead. Our own process, another
 * namespace, or anything the platform cannot tell: not gone. */
static bool process_gone(const holder *who) {
  holder h;
  if (!read_holder(who, holder_tid(who), &h)) return false;
  const holder *m = self();
  if (h.pid == m->pid || !h.pid || !m->ns || h.ns != m->ns) return false;
  return kobjns__plat_process_liveness((long)h.pid) == KOBJNS__PLAT_GONE;
}

/* Hand what `s` has free to its waiters, first come first served: one unit each (a manual-reset
 * event: every waiter). */
static void dispatch(const kobjns__object *s, sync_state *st) {
  for (int n = 0; n < SLOTS && free_units(s, st) > 0; n++) {
    int i = first_in(st, KOBJNS__SLOT_WAITING);
    if (i < 0) return;
    /* Only a sleeper can be dead: one that watches its word is running. */
    if (__atomic_load_n(&st->slots[i].asleep, __ATOMIC_SEQ_CST) &&
        process_gone(&st->slots[i].who)) {
      put_state(st, i, KOBJNS__SLOT_FREE); /* it held nothing: skip it */
      continue;
    }
    if (!grant(s, st, i, 0)) put_state(st, i, KOBJNS__SLOT_FREE); /* its waiter left */
  }
}

/* A new unit: waits for all that gave back an earlier offer may be offered this one. */
static void unpass(sync_state *st) {
  for (uint32_t bits = in_use(st); bits;) {
    int i = next_in_use(&bits);
    if (slot_state(&st->slots[i]) == KOBJNS__SLOT_PASSED)
      set_slot_state(&st->slots[i], KOBJNS__SLOT_WAITING);
  }
}

/* A unit given back may find the object full meanwhile (a dead waiter's unit, and the releaser,
 * who could not know, released another): an automatic event holds one free unit at most, a
 * semaphore its maximum; the rest is dropped, never counted twice. Called before the slot that
 * gives back is freed (`leaving` 1), so that a process killed between the two stores leaves a
 * count that is right once that slot is swept. */
static void clamp(const kobjns__object *s, sync_state *st, int64_t leaving) {
  int64_t held = reserved(st) - leaving;
  if (behaves_as(s) == KOBJNS_TYPE_EVENT && !st->manual_reset && (int64_t)st->signaled > held + 1)
    st->signaled = (uint32_t)held + 1;
  else if (s->type == KOBJNS_TYPE_SEMAPHORE && st->maximum > 0 &&
           (int64_t)st->count > held + st->maximum)
    st->count = (int32_t)(held + st->maximum);
}

/* Slot i gives back what was granted to it (its wait took another object, or could not take all,
 * or its thread is gone) and becomes `to` (free, or passed): the unit goes to the next waiter or
 * stays in the object, never lost nor doubled; a pulsed unit nobody waits for is dropped. */
static void give_back(const kobjns__object *s, sync_state *st, int i, uint32_t to) {
  slot *q = &st->slots[i];
  if ((q->flags & KOBJNS__SLOT_PULSE) && behaves_as(s) == KOBJNS_TYPE_EVENT && !st->manual_reset) {
    /* two reservations for one unit a moment */
    if (grant_first(s, st, KOBJNS__SLOT_PULSE) < 0 && st->signaled > 0) st->signaled--;
    put_state(st, i, to);
    return;
  }
  clamp(s, st, 1);
  if (s->type == KOBJNS_TYPE_MUTEX && LOCK_OWNER(lock_word(st)) == q->word)
    set_lock(st, LOCK_WAITERS); /* handed to it: free again */
  put_state(st, i, to);
  dispatch(s, st);
}

/* Whether slot q is the calling thread's. */
static bool mine(const slot *q) {
  holder who;
  return read_holder(&q->who, self()->tid, &who) && same_thread(&who, self());
}

/* Queue the calling thread: a slot index, or -1 when the queue is full. */
static int enqueue(const kobjns__object *s, sync_state *st, uint32_t kind) {
  for (int i = 0; i < SLOTS; i++) {
    slot *q = &st->slots[i];
    if (slot_state(q) != KOBJNS__SLOT_FREE) continue;
    q->ticket = st->next_ticket++;
    q->kind = kind;
    q->flags = 0;
    q->word = guard_word(s->os.map);
    __atomic_store_n(&q->asleep, 0, __ATOMIC_RELAXED);
    record(&q->who, self());
    put_state(st, i, KOBJNS__SLOT_WAITING); /* last: a slot is never half made */
    return i;
  }
  return -1;
}

/* The calling thread's slot i leaves the queue, giving back a grant it did not take. */
static void leave(const kobjns__object *s, sync_state *st, int i) {
  slot *q = &st->slots[i];
  if (!mine(q)) return; /* someone else's now (the page was written): not ours to change */
  uint32_t state = slot_state(q);
  if (state == KOBJNS__SLOT_GRANTED)
    give_back(s, st, i, KOBJNS__SLOT_FREE);
  else if (state != KOBJNS__SLOT_FREE)
    put_state(st, i, KOBJNS__SLOT_FREE);
}

/* Free the slots whose waiters left without the guard, giving back what they were granted. */
static void sweep_left(const kobjns__object *s, sync_state *st) {
  for (uint32_t bits = in_use(st); bits;) {
    int i = next_in_use(&bits);
    uint32_t state = slot_state(&st->slots[i]);
    if (state == KOBJNS__SLOT_LEFT) {
      put_state(st, i, KOBJNS__SLOT_FREE);
    } else if (state == KOBJNS__SLOT_LEFT_GRANTED) {
      set_slot_state(&st->slots[i], KOBJNS__SLOT_GRANTED);
      give_back(s, st, i, KOBJNS__SLOT_FREE);
    }
  }
}

/* The calling thread's slot i leaves without the guard (another process keeps it): one swap
 * marks it, and the next holder of the guard frees it (sweep_left). */
static void desert(sync_state *st, int i) {
  slot *q = &st->slots[i];
  if (!mine(q)) return;
  for (int tries = 0; tries < 8; tries++) { /* a grant under the guard may come in between */
    uint32_t now = slot_state(q);
    uint32_t to = now == KOBJNS__SLOT_GRANTED ? KOBJNS__SLOT_LEFT_GRANTED
                  : now == KOBJNS__SLOT_WAITING || now == KOBJNS__SLOT_PASSED ? KOBJNS__SLOT_LEFT
                                                                              : 0;
    if (!to ||
        __atomic_compare_exchange_n(&q->state, &now, to, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
      return;
  }
}

/* Look for the dead: a mutex whose owner is gone is freed and marked abandoned; a waiter whose
 * thread is gone gives back what it was granted and leaves the queue; then what is free goes to
 * the waiters. Asks the platform about every other thread: for slices and last looks only. */
static void recover(const kobjns__object *s, sync_state *st) {
  holder h;
  uint32_t owner = s->type == KOBJNS_TYPE_MUTEX ? LOCK_OWNER(lock_word(st)) : 0;
  if (owner && owner != guard_word(s->os.map) && !handed_to_waiter(st, owner) &&
      owner_gone(st, owner)) {
    forget(&st->owner);
    st->recursion = 0;
    __atomic_store_n(&st->abandoned, 1, __ATOMIC_RELAXED);
    set_lock(st, LOCK_WAITERS); /* free, and marked abandoned for its next owner */
  }
  /* Granted slots hold units: every one is asked about. The others (a dead one is found when it
   * is granted, or here) a few per look, in turn: the guard is held meanwhile. */
  static _Thread_local unsigned turn;
  unsigned budget = RECOVER_BUDGET, start = turn++ % SLOTS;
  uint32_t used = in_use(st);
  for (unsigned n = 0; n < SLOTS; n++) {
    int i = (int)((start + n) % SLOTS);
    if (!(used & 1u << i)) continue;
    slot *q = &st->slots[i];
    uint32_t state = slot_state(q);
    if (state == KOBJNS__SLOT_FREE) continue;
    if (state != KOBJNS__SLOT_GRANTED && state <= KOBJNS__SLOT_PASSED) {
      if (!budget) continue;
      budget--;
    }
    bool known = state <= KOBJNS__SLOT_PASSED && read_holder(&q->who, holder_tid(&q->who), &h);
    if (known && (same_thread(&h, self()) || alive(&h))) continue;
    if (state == KOBJNS__SLOT_GRANTED) {
      /* A mutex handed to a wait for it (not an offer to a wait for all) was that thread's: it
       * died owning it, as Windows sees it. */
      if (s->type == KOBJNS_TYPE_MUTEX && !(q->kind & KOBJNS__SLOT_ALL))
        __atomic_store_n(&st->abandoned, 1, __ATOMIC_RELAXED);
      give_back(s, st, i, KOBJNS__SLOT_FREE);
    } else {
      put_state(st, i, KOBJNS__SLOT_FREE); /* a dead waiter's, or not a slot kobjns writes */
    }
  }
  dispatch(s, st);
}

/* --- signalling ------------------------------------------------------------------------------ */

int kobjns__os_mutex_release(kobjns__object *s) {
  sync_state *st = s->os.map->state;
  uint32_t mine = guard_word(s->os.map), levels = st->recursion;
  if (!owns(st, mine)) return KOBJNS_NOT_OWNER; /* only the owner changes what follows */
  if (levels > 1) {
    st->recursion = levels - 1;
    return 0;
  }
  /* Owned with no level (another process wrote the page): corrupt, but given back all the same,
   * never left owned for ever nor counted below zero. */
  int rc = levels == 0 ? KOBJNS_FILE_CORRUPT : 0;
  st->recursion = 0;
  forget(&st->owner);
  uint32_t unmarked = mine;
  if (__atomic_compare_exchange_n(&st->lock, &unmarked, 0, false, __ATOMIC_RELEASE,
                                  __ATOMIC_RELAXED))
    return rc; /* nobody waits */
  int locked = lock_state_patiently(s);
  if (locked) { /* still ours: as it was */
    st->recursion = levels;
    record(&st->owner, self());
    return locked;
  }
  bump(st); /* pollers (a full queue) look again */
  set_lock(st, LOCK_WAITERS);
  unpass(st);
  dispatch(s, st); /* to the first waiter: ours no more */
  unlock_state(s);
  return rc;
}

/* Set an event's page (guard held): the waiters it frees are granted. */
static void set_locked(const kobjns__object *s, sync_state *st) {
  int64_t held = reserved(st);
  bump(st);
  __atomic_add_fetch(&st->sets, 1, __ATOMIC_RELEASE); /* read without the guard */
  if (st->manual_reset)
    st->signaled = 1;
  else if (free_units(s, st) <= 0)
    st->signaled = (uint32_t)held + 1; /* one unit beyond those handed out */
  unpass(st);
  dispatch(s, st);
}

static void reset_locked(sync_state *st) {
  int64_t held = reserved(st);
  if (st->manual_reset)
    st->signaled = 0; /* its waiters are released already: their slots say so */
  else if (st->signaled > held)
    st->signaled = (uint32_t)held; /* what is handed out stays handed out */
}

int kobjns__os_event_set(kobjns__object *s, bool signaled) {
  sync_state *st = s->os.map->state;
  int locked = lock_state_patiently(s);
  if (locked) return locked;
  if (signaled)
    set_locked(s, st);
  else
    reset_locked(st);
  unlock_state(s);
  return 0;
}

int kobjns__os_event_pulse(kobjns__object *s) {
  sync_state *st = s->os.map->state;
  int locked = lock_state_patiently(s);
  if (locked) return locked;
  int64_t held = reserved(st);
  bump(st);
  unpass(st);
  if (st->manual_reset) {                               /* every current waiter, and reset */
    __atomic_add_fetch(&st->sets, 1, __ATOMIC_RELEASE); /* read without the guard */
    for (int n = 0; n < SLOTS && grant_first(s, st, KOBJNS__SLOT_PULSE) >= 0; n++) continue;
    st->signaled = 0;
  } else { /* reset, and one waiter */
    if (st->signaled > held) st->signaled = (uint32_t)held;
    if (grant_first(s, st, KOBJNS__SLOT_PULSE) >= 0) st->signaled = (uint32_t)held + 1;
  }
  unlock_state(s);
  return 0;
}

int kobjns__os_semaphore_release(kobjns__object *s, int32_t count, int32_t *previous) {
  sync_state *st = s->os.map->state;
  int locked = lock_state_patiently(s);
  if (locked) return locked;
  /* Read from a page any user of the object may write: checked, and computed in 64 bits. The
   * count includes the units handed to waiters, which are theirs already. */
  int64_t now = st->count, maximum = st->maximum, available = now - reserved(st);
  int rc = 0;
  if (maximum <= 0 || now < 0 || available < 0 || available > maximum) {
    rc = KOBJNS_FILE_CORRUPT; /* not a state kobjns makes: nothing changes */
  } else if (count <= 0 || available + count > maximum || now + count > INT32_MAX) {
    rc = KOBJNS_TOO_MANY_POSTS;
  } else {
    bump(st);
    st->count = (int32_t)(now + count);
    unpass(st);
    dispatch(s, st);
  }
  unlock_state(s);
  if (previous && rc != KOBJNS_FILE_CORRUPT) *previous = (int32_t)available;
  return rc;
}

/* --- timers ------------------------------------------------------------------------------------
 * A timer's page is an event's with a due time (CLOCK_MONOTONIC). It needs no thread of its own:
 * whoever takes the guard of a timer that is due signals it (lock_state calls expire), and every
 * waiter sleeps no later than its timers' due times, so the first to wake signals it and the
 * grant goes to the first waiter, in whichever process. A period signals once however many
 * periods passed unseen (as Windows coalesces them). */

/* FILETIME counts 100 ns from 1601-01-01; the Unix epoch is this many of them later. */
#define FILETIME_UNIX_EPOCH 116444736000000000LL

/* kobjns_timer_set's `due` as a CLOCK_MONOTONIC time (never 0, which means "not set"; saturated
 * rather than overflowed). An absolute time is converted once, at the set: a later change of the
 * system's clock does not move it (Windows' would). */
static int64_t monotonic_due(int64_t due) {
  int64_t now = clock_ns_of(CLOCK_MONOTONIC), ns, at;
  if (due <= 0) {
    if (__builtin_mul_overflow(due, -100, &ns)) ns = INT64_MAX;
  } else {
    int64_t since_epoch;
    if (__builtin_mul_overflow(due - FILETIME_UNIX_EPOCH, 100, &since_epoch))
      since_epoch = due > FILETIME_UNIX_EPOCH ? INT64_MAX : INT64_MIN;
    if (__builtin_sub_overflow(since_epoch, clock_ns_of(CLOCK_REALTIME), &ns))
      ns = since_epoch > 0 ? INT64_MAX : 0;
  }
  if (ns < 0) ns = 0; /* in the past: due now */
  if (__builtin_add_overflow(now, ns, &at)) at = INT64_MAX;
  return at ? at : 1;
}

/* A monotonic time, `now` being CLOCK_MONOTONIC's now, as FILETIME units (completion routines). */
static uint64_t filetime_of(int64_t monotonic, int64_t now) {
  int64_t realtime = clock_ns_of(CLOCK_REALTIME) - (now - monotonic);
  return (uint64_t)(realtime / 100 + FILETIME_UNIX_EPOCH);
}

static int64_t due_of(const sync_state *st) { return __atomic_load_n(&st->due, __ATOMIC_ACQUIRE); }

/* Signal a timer that is due (guard held), and set its next due time. */
static void expire(const kobjns__object *s, sync_state *st) {
  int64_t due = due_of(st), now;
  if (!due || (now = clock_ns_of(CLOCK_MONOTONIC)) < due) return;
  set_locked(s, st);
  st->expiries++;
  if (st->period_ms) {
    int64_t period = (int64_t)st->period_ms * 1000000;
    due += ((now - due) / period + 1) * period;
  } else {
    due = 0;
  }
  __atomic_store_n(&st->due, due, __ATOMIC_RELEASE);
}

/* Whether the timer `s` is due now (read without the guard): a waiter then looks at it. */
static bool due_now(const kobjns__object *s) {
  if (s->type != KOBJNS_TYPE_TIMER) return false;
  int64_t due = due_of(s->os.map->state);
  return due && clock_ns_of(CLOCK_MONOTONIC) >= due;
}

/* The earliest of the timers' due times among `objects` and `also` (0: none). */
static int64_t earliest_due(kobjns__object *const *objects, size_t count, int64_t also) {
  int64_t first = also;
  for (size_t i = 0; i < count; i++) {
    int64_t due = objects[i]->type == KOBJNS_TYPE_TIMER ? due_of(objects[i]->os.map->state) : 0;
    if (due && (!first || due < first)) first = due;
  }
  return first;
}

/* Wake every waiter of the page, so that each sleeps again until the new due time: its grant
 * word changes (a waiter about to sleep on it then does not), granting nothing. */
static void wake_waiters(sync_state *st) {
  bump(st);
  uint32_t bits = in_use(st);
  while (bits) {
    int i = next_in_use(&bits);
    if (slot_state(&st->slots[i]) == KOBJNS__SLOT_WAITING) announce(&st->slots[i]);
  }
}

int kobjns__os_timer_set(kobjns__object *t, int64_t due, int32_t period_ms,
                         const kobjns__completion *c) {
  sync_state *st = t->os.map->state;
  kobjns__timer_reg *routine = NULL;
  int locked = lock_state_patiently(t);
  if (locked) return locked;
  uint32_t setting = st->settings + 1;
  int rc = c ? kobjns__timer_reg_make(t->os.map, c, setting, st->expiries, &routine) : 0;
  kobjns__timer_reg *old = NULL;
  if (!rc) {
    st->settings = setting; /* a routine set before, through any handle, is no longer called */
    reset_locked(st);       /* setting a timer makes it not signaled */
    st->period_ms = (uint32_t)period_ms;
    __atomic_store_n(&st->due, monotonic_due(due), __ATOMIC_RELEASE);
    wake_waiters(st);
    expire(t, st); /* due already: signaled now */
    /* The handle's routine changes under the guard: two threads setting through one handle
     * each free only the routine they replaced. */
    old = t->os.routine;
    t->os.routine = routine;
  }
  unlock_state(t);
  if (old) kobjns__timer_reg_free(old, false);
  return rc;
}

int kobjns__os_timer_cancel(kobjns__object *t) {
  sync_state *st = t->os.map->state;
  int locked = lock_state_patiently(t);
  if (locked) return locked;
  st->settings++;
  __atomic_store_n(&st->due, 0, __ATOMIC_RELEASE);
  wake_waiters(st);
  kobjns__timer_reg *old = t->os.routine; /* under the guard, as in a set */
  t->os.routine = NULL;
  unlock_state(t);
  if (old) kobjns__timer_reg_free(old, false);
  return 0;
}

/* A timer's: and a routine the source set goes with a source that is being closed (the classic
 * duplicate-and-close keeps the timer running). */
static void share_timer(kobjns__object *to, kobjns__object *from, bool move) {
  share_state(to, from, move);
  if (!move || lock_state_patiently(from)) return;
  to->os.routine = from->os.routine;
  from->os.routine = NULL;
  unlock_state(from);
}

/* The handle that set a completion routine is closing: the timer stops if that setting still
 * holds (the routine's thread would otherwise be called for a timer it has no handle of), as the
 * Win32 backend's does. */
static void release_timer(kobjns__object *o) {
  if (o->os.routine) kobjns__timer_reg_free(o->os.routine, true);
  o->os.routine = NULL;
  release_state(o);
}

void kobjns__sync_timer_look(struct kobjns__sync_map *m, uint32_t *expiries, uint32_t *setting,
                             int64_t *due, uint64_t *last_due) {
  kobjns__object t = {.type = KOBJNS_TYPE_TIMER, .os.map = m};
  sync_state *st = m->state;
  int64_t before = due_of(st), now = clock_ns_of(CLOCK_MONOTONIC);
  bool was_due = before && now >= before;
  if (was_due && !lock_state_patiently(&t)) unlock_state(&t); /* the lock signaled it */
  *expiries = __atomic_load_n(&st->expiries, __ATOMIC_ACQUIRE);
  *setting = __atomic_load_n(&st->settings, __ATOMIC_ACQUIRE);
  *due = due_of(st);
  /* When it was due, if it was at this look; else (signaled by someone else's look) about now. */
  *last_due = filetime_of(was_due ? before : now, now);
}

/* Stop the timer of `m` if it is still in setting `setting`. */
void kobjns__sync_timer_stop(struct kobjns__sync_map *m, uint32_t setting) {
  kobjns__object t = {.type = KOBJNS_TYPE_TIMER, .os.map = m};
  sync_state *st = m->state;
  if (lock_state_patiently(&t)) return;
  if (st->settings == setting) {
    st->settings++;
    __atomic_store_n(&st->due, 0, __ATOMIC_RELEASE);
    wake_waiters(st);
  }
  unlock_state(&t);
}

/* --- waiting --------------------------------------------------------------------------------- */

/* A wait's view of one object: the event's sets when it began (a poller of a manual-reset event
 * is released by a set it slept through), and its slot in the object's queue (-1: none). */
typedef struct waiting {
  uint32_t sets;
  int slot;
  uint32_t seen; /* the slot's grant word when it was made: any grant since changes it */
} waiting;

/* Queue the wait's thread on object `s` (guard held); `w->slot` -1 when the queue is full. */
static void queue_on(const kobjns__object *s, sync_state *st, waiting *w, uint32_t kind) {
  w->slot = enqueue(s, st, kind);
  if (w->slot >= 0) w->seen = __atomic_load_n(&st->slots[w->slot].grant, __ATOMIC_SEQ_CST);
}

/* Take `s` as a newcomer would (guard held): only what no waiter was handed. 0, 735 (a dead
 * owner's mutex), 587, or WOULD_BLOCK; without `take`, only say. */
static int take_free(const kobjns__object *s, sync_state *st, const waiting *w, bool take) {
  switch (behaves_as(s)) {
    case KOBJNS_TYPE_MUTEX: {
      uint32_t mine = guard_word(s->os.map);
      if (owns(st, mine)) {
        if (st->recursion == UINT32_MAX) return KOBJNS_MUTANT_LIMIT_EXCEEDED;
        if (take) st->recursion++;
        return 0;
      }
      if (handed_to_me(st, mine)) return take ? become_owner(st) : 0;
      if (free_units(s, st) <= 0) return WOULD_BLOCK;
      if (!take) return st->abandoned ? KOBJNS_ABANDONED_WAIT_0 : 0; /* given back so marked */
      set_lock(st, mine | LOCK_WAITERS); /* marked: the guard is held (lock_state) */
      return become_owner(st);
    }
    case KOBJNS_TYPE_EVENT:
      if (st->manual_reset) return st->signaled || st->sets != w->sets ? 0 : WOULD_BLOCK;
      if (free_units(s, st) <= 0) return WOULD_BLOCK;
      if (take) st->signaled--;
      return 0;
    default:
      if (free_units(s, st) <= 0) return WOULD_BLOCK;
      if (take) st->count--;
      return 0;
  }
}

/* The calling thread takes what was granted to its slot i (guard held), and leaves the queue:
 * 0, 735, or WOULD_BLOCK when the grant does not hold (only a page written by someone else). */
static int consume(const kobjns__object *s, sync_state *st, int i) {
  slot *q = &st->slots[i];
  if (slot_state(q) != KOBJNS__SLOT_GRANTED || !mine(q)) return WOULD_BLOCK;
  /* The slot first: killed between the two stores, the unit is free again, never lost. */
  switch (behaves_as(s)) {
    case KOBJNS_TYPE_MUTEX: {
      uint32_t owner = LOCK_OWNER(lock_word(st));
      if (owner != q->word && owner != 0) {
        set_slot_state(q, KOBJNS__SLOT_WAITING); /* someone else owns it: wait on */
        return WOULD_BLOCK;
      }
      put_state(st, i, KOBJNS__SLOT_FREE);
      set_lock(st, q->word | LOCK_WAITERS);
      return become_owner(st);
    }
    case KOBJNS_TYPE_EVENT:
      put_state(st, i, KOBJNS__SLOT_FREE);
      if (!st->manual_reset && st->signaled > 0) st->signaled--;
      return 0;
    default:
      put_state(st, i, KOBJNS__SLOT_FREE);
      if (st->count > 0) st->count--;
      return 0;
  }
}

static sync_state *state_of(kobjns__object *const *objects, size_t i) {
  return objects[i]->os.map->state;
}

/* Whether this wait's slot for object i is granted (a look without the guard). */
static bool granted(kobjns__object *const *objects, const waiting *w, size_t i) {
  return w[i].slot >= 0 &&
         slot_state(&state_of(objects, i)->slots[w[i].slot]) == KOBJNS__SLOT_GRANTED;
}

/* How long past its time a wait may go on for a guard that another process keeps (a legitimate
 * holder keeps it for microseconds; a stopped or tampering one forever). */
#define GUARD_SLACK_MS 20u

/* Leave every queue this wait is in (giving back what it did not take); a queue whose guard
 * another process keeps is left without it (desert). */
static void leave_all(kobjns__object *const *objects, size_t count, waiting *w) {
  struct timespec until = {0, 0};
  for (size_t i = 0; i < count; i++) {
    if (w[i].slot < 0) continue;
    sync_state *st = state_of(objects, i);
    if (!until.tv_sec && !until.tv_nsec) until = after_ms(GUARD_SLACK_MS); /* for them all */
    if (lock_state(objects[i], &until) == 0) {
      leave(objects[i], st, w[i].slot);
      unlock_state(objects[i]);
    } else {
      desert(st, w[i].slot);
    }
    w[i].slot = -1;
  }
}

/* A wait for any: take a granted unit, else (where this wait has no slot: a full queue, or the
 * first time) a free one, and queue up where it cannot. With `look`, look for the dead first. */
static int step_any(kobjns__object *const *objects, size_t count, waiting *w, bool first, bool look,
                    bool queue, const struct timespec *until, size_t *index) {
  for (size_t i = 0; i < count; i++) {
    if (!first && !look && w[i].slot >= 0 && !granted(objects, w, i) && !due_now(objects[i]))
      continue;
    sync_state *st = state_of(objects, i);
    int locked = lock_state(objects[i], until);
    if (locked == KOBJNS_POSSIBLE_DEADLOCK) return locked;
    if (locked) continue; /* kept by another process: nothing to take from it now */
    if (look) recover(objects[i], st);
    int rc = WOULD_BLOCK;
    if (w[i].slot >= 0 && !mine(&st->slots[w[i].slot])) w[i].slot = -1; /* lost: queue again */
    if (w[i].slot >= 0) {
      if ((rc = consume(objects[i], st, w[i].slot)) != WOULD_BLOCK) w[i].slot = -1;
    } else if ((rc = take_free(objects[i], st, &w[i], true)) == WOULD_BLOCK && queue) {
      queue_on(objects[i], st, &w[i], count == 1 ? KOBJNS__SLOT_SOLE : 0);
    }
    unlock_state(objects[i]);
    if (rc != WOULD_BLOCK) {
      *index = i;
      return rc;
    }
  }
  return WOULD_BLOCK;
}

/* A wait for all, every guard held (in inode order, the same in every process): whether every
 * object is free for it, granted (offered) to it, or a mutex it owns. */
static bool all_ready(kobjns__object *const *objects, size_t count, const waiting *w) {
  for (size_t i = 0; i < count; i++) {
    sync_state *st = state_of(objects, i);
    /* Windows grants a wait for all only when every object is signaled at once: a manual event
     * counts if it is set now, not for a set (or a pulse) that came and went while another of
     * the objects was taken. */
    if (behaves_as(objects[i]) == KOBJNS_TYPE_EVENT && st->manual_reset) {
      if (!st->signaled) return false;
      continue;
    }
    if (w[i].slot >= 0 && slot_state(&st->slots[w[i].slot]) == KOBJNS__SLOT_GRANTED &&
        mine(&st->slots[w[i].slot]))
      continue;
    if (take_free(objects[i], st, &w[i], false) == WOULD_BLOCK) return false;
  }
  return true;
}

/* All at once, or nothing. With `queue`, a wait that cannot take all gives back its offers (the
 * units go to the next waiters: a wait for all never holds part of what it waits for) and
 * queues up where it has no slot. */
static int step_all(kobjns__object *const *sorted, kobjns__object *const *objects, size_t count,
                    waiting *w, bool queue, bool look, const struct timespec *until,
                    size_t *index) {
  for (size_t i = 0; i < count; i++) {
    int locked = lock_state(sorted[i], until);
    if (!locked) continue;
    while (i) unlock_state(sorted[--i]); /* one kept by another process: not all now */
    return locked == KOBJNS_POSSIBLE_DEADLOCK ? locked : WOULD_BLOCK;
  }
  int rc = WOULD_BLOCK;
  for (size_t i = 0; i < count; i++) {
    sync_state *st = state_of(objects, i);
    if (look) recover(objects[i], st);
    if (w[i].slot >= 0 && !mine(&st->slots[w[i].slot])) w[i].slot = -1;
  }
  if (all_ready(objects, count, w)) {
    rc = 0;
    *index = 0;
    for (size_t i = 0; i < count; i++) {
      sync_state *st = state_of(objects, i);
      int r = w[i].slot >= 0 ? consume(objects[i], st, w[i].slot) : WOULD_BLOCK;
      if (r == WOULD_BLOCK) r = take_free(objects[i], st, &w[i], true); /* free, not granted */
      if (w[i].slot >= 0) leave(objects[i], st, w[i].slot);
      w[i].slot = -1;
      if (r == KOBJNS_ABANDONED_WAIT_0 && !rc) {
        rc = r;
        *index = i;
      }
    }
  } else if (queue) {
    for (size_t i = 0; i < count; i++) {
      sync_state *st = state_of(objects, i);
      if (w[i].slot < 0)
        queue_on(objects[i], st, &w[i], KOBJNS__SLOT_ALL);
      else if (slot_state(&st->slots[w[i].slot]) == KOBJNS__SLOT_GRANTED)
        give_back(objects[i], st, w[i].slot, KOBJNS__SLOT_PASSED);
    }
  }
  for (size_t i = count; i--;) unlock_state(sorted[i]);
  return rc;
}

static int by_inode(const void *a, const void *b) {
  const sync_map *x = (*(kobjns__object *const *)a)->os.map,
                 *y = (*(kobjns__object *const *)b)->os.map;
  if (x->dev != y->dev) return x->dev < y->dev ? -1 : 1;
  return x->ino < y->ino ? -1 : x->ino > y->ino;
}

/* Watch `word` for a change for up to GRANT_SPIN_NS, on a machine with another CPU to make it:
 * true when it changed. */
static bool spin_for_grant(const uint32_t *word, uint32_t value) {
  if (!other_cpus()) return false;
  struct timespec end = after_ns(GRANT_SPIN_NS);
  do {
    for (int i = 0; i < SPIN_BATCH; i++)
      if (__atomic_load_n(word, __ATOMIC_ACQUIRE) != value) return true;
  } while (!passed(&end));
  return false;
}

/* Sleep until this wait's slots may have been granted (or, for objects it could not queue on,
 * their state changed), a call is queued to the thread (`words[count]`, when `alert`), or
 * `until`. `values` were read before the last step. */
static void sleep_on(kobjns__object *const *objects, size_t count, const waiting *w,
                     uint32_t **words, const uint32_t *values, bool alert,
                     const struct timespec *until) {
  bool polling = false;
  for (size_t i = 0; i < count; i++)
    if (w[i].slot < 0) {
      polling = true;
      __atomic_add_fetch(&state_of(objects, i)->sleepers, 1, __ATOMIC_SEQ_CST);
    }
  bool one_word = count == 1 && !polling && !alert;
  if (count == 1 && !polling && spin_for_grant(words[0], values[0])) return;
  struct timespec short_end = after_ms(FALLBACK_SLICE_MS);
  const struct timespec *fallback = until && before(until, &short_end) ? until : &short_end;
  /* From here on a grant wakes us. `asleep` stays set once we wake (the slot may be another's
   * by then: a mutex handed to a sole waiter frees its slot); it costs a wake-up too many at most,
   * and a new waiter's slot starts with it clear. */
  for (size_t i = 0; i < count; i++)
    if (w[i].slot >= 0)
      __atomic_store_n(&state_of(objects, i)->slots[w[i].slot].asleep, 1, __ATOMIC_SEQ_CST);
  if (one_word)
    kobjns__plat_wait(words[0], values[0], until);
  else
    kobjns__plat_wait_any(words, values, count + alert, polling ? fallback : until, fallback);
  for (size_t i = 0; i < count; i++)
    if (w[i].slot < 0) __atomic_sub_fetch(&state_of(objects, i)->sleepers, 1, __ATOMIC_SEQ_CST);
}

/* Whether a wait for one mutex alone was handed it whole (grant: the lock names us, our slot is
 * freed already): then it is ours without the guard. */
static bool handed_whole(kobjns__object *const *objects, size_t count, const waiting *w) {
  if (count != 1 || w[0].slot < 0 || objects[0]->type != KOBJNS_TYPE_MUTEX) return false;
  sync_state *st = state_of(objects, 0);
  const slot *q = &st->slots[w[0].slot];
  return handed_to_me(st, guard_word(objects[0]->os.map)) &&
         !(slot_state(q) == KOBJNS__SLOT_GRANTED && mine(q));
}

/* Undo a wait's take of `o`: a mutex level released, an automatic event's (or timer's) unit
 * set again, a semaphore unit released; a manual event or a thread's end takes nothing. */
static void give_back_taken(kobjns__object *o) {
  int32_t previous;
  switch (behaves_as(o)) {
    case KOBJNS_TYPE_MUTEX: kobjns__os_mutex_release(o); break;
    case KOBJNS_TYPE_EVENT:
      if (!o->os.map->state->manual_reset) kobjns__os_event_set(o, true);
      break;
    default: kobjns__os_semaphore_release(o, 1, &previous); break;
  }
}

/* SignalObjectAndWait's signal, made once the first step has queued the wait or taken the
 * object: `rc` as it was, or the signal's failure, with what the step took given back. */
static int signal_after(const kobjns__wait_args *a, int rc) {
  int failed = a->signal_fn(a->signal);
  if (!failed) return rc;
  if (rc == 0 || rc == KOBJNS_ABANDONED_WAIT_0) give_back_taken(a->objects[0]);
  return failed;
}

_Static_assert(KOBJNS__PLAT_WAIT_WORDS >= KOBJNS_MAXIMUM_WAIT_OBJECTS + 1,
               "a wait sleeps on its objects' words and its queue's");

int kobjns__os_wait(const kobjns__wait_args *a, size_t *index) {
  kobjns__object *const *objects = a->objects;
  size_t count = a->count;
  bool wait_all = a->wait_all;
  uint32_t timeout_ms = a->timeout_ms;
  *index = 0;
  /* A signal of the object waited for comes first (the wait then queues behind the waiters it
   * released); another object's, once this wait is queued or has taken its object. */
  bool signal_pending = a->signal != NULL;
  if (signal_pending && a->signal->os.map == objects[0]->os.map) {
    int rc = a->signal_fn(a->signal);
    if (rc) return rc;
    signal_pending = false;
  }
  /* Without memory for the thread's queue, nothing can have been queued to it. */
  kobjns__alerts *alerts = a->alertable ? kobjns__alerts_mine() : NULL;
  /* The common case first, without the set-up below: what is free is taken at once, as the
   * loop's first step would take it (a mutex handed to a waiter is not free). */
  if (count == 1 && objects[0]->type == KOBJNS_TYPE_MUTEX && !signal_pending) {
    int rc = mutex_try(objects[0]->os.map);
    if (rc != WOULD_BLOCK) return rc;
  }
  kobjns__object *sorted[KOBJNS_MAXIMUM_WAIT_OBJECTS];
  if (wait_all) {
    memcpy(sorted, objects, count * sizeof *objects);
    qsort(sorted, count, sizeof *sorted, by_inode);
    for (size_t i = 1; i < count; i++)
      if (sorted[i]->os.map == sorted[i - 1]->os.map) return KOBJNS_INVALID_PARAMETER;
  }
  /* The wait's time, and how long it waits for a guard: its time and a little slack (a guard
   * that another process keeps never makes a wait outlast its time by more). */
  struct timespec deadline, guard_deadline;
  bool forever = timeout_ms == KOBJNS_INFINITE;
  if (!forever) {
    deadline = after_ms(timeout_ms);
    guard_deadline = after_ns(((uint64_t)timeout_ms + GUARD_SLACK_MS) * 1000000);
  }
  const struct timespec *guard_until = forever ? NULL : &guard_deadline;
  waiting w[KOBJNS_MAXIMUM_WAIT_OBJECTS];
  for (size_t i = 0; i < count; i++)
    w[i] = (waiting){.sets = __atomic_load_n(&state_of(objects, i)->sets, __ATOMIC_ACQUIRE),
                     .slot = -1};
  if (count == 1 && objects[0]->type != KOBJNS_TYPE_MUTEX && !signal_pending) {
    /* A wait that may not wait looks for the dead first, unless nobody is queued. */
    sync_state *st = state_of(objects, 0);
    int rc = lock_state(objects[0], guard_until);
    if (rc == KOBJNS_POSSIBLE_DEADLOCK) return rc;
    if (!rc) {
      rc = timeout_ms == 0 && in_use(st) ? WOULD_BLOCK : take_free(objects[0], st, &w[0], true);
      unlock_state(objects[0]);
      if (rc != WOULD_BLOCK) return rc;
    }
  }
  /* A first look takes what is free (nothing handed to a waiter) and queues up otherwise; a
   * wait that may not wait looks for the dead first: a timeout never hides an abandoned mutex. */
  bool look = timeout_ms == 0, first = true, last = look;
  struct timespec next_look = {0, 0}; /* set after the first look: no clock read for a quick wait */
  uint32_t *words[KOBJNS__PLAT_WAIT_WORDS];
  uint32_t values[KOBJNS__PLAT_WAIT_WORDS];
  if (alerts) words[count] = kobjns__alerts_word(alerts);
  for (;;) {
    if (handed_whole(objects, count, w)) return become_owner(state_of(objects, 0));
    for (size_t i = 0; i < count; i++) { /* before the step: a grant after it ends the sleep */
      sync_state *st = state_of(objects, i);
      words[i] = w[i].slot >= 0 ? &st->slots[w[i].slot].grant : &st->seq;
      values[i] = __atomic_load_n(words[i], __ATOMIC_SEQ_CST);
    }
    if (alerts) values[count] = __atomic_load_n(words[count], __ATOMIC_SEQ_CST);
    int rc = WOULD_BLOCK;
    if (!wait_all) {
      rc = step_any(objects, count, w, first, look, !last, guard_until, index);
    } else {
      bool any = first || look;
      for (size_t i = 0; i < count && !any; i++)
        any = w[i].slot < 0 || granted(objects, w, i) || due_now(objects[i]);
      if (any) rc = step_all(sorted, objects, count, w, !last, look, guard_until, index);
    }
    if (signal_pending) {
      signal_pending = false;
      int signaled = signal_after(a, rc);
      if (signaled != rc) {
        leave_all(objects, count, w);
        return signaled;
      }
    }
    /* The objects first, then the queued calls (completion routines of the thread's timers
     * that expired among them), then the time. */
    int64_t routine_due = 0;
    if (rc == WOULD_BLOCK && alerts) routine_due = kobjns__alerts_poll_timers(alerts);
    bool alerted = rc == WOULD_BLOCK && alerts && kobjns__alerts_pending(alerts);
    if (rc != WOULD_BLOCK || last || alerted) {
      /* A mutex handed to us meanwhile is ours, even where its guard was not to be had. */
      if (rc == WOULD_BLOCK && handed_whole(objects, count, w)) {
        rc = become_owner(state_of(objects, 0));
        w[0].slot = -1; /* freed by the hand-over */
      }
      leave_all(objects, count, w); /* a grant that came first was taken above */
      if (rc == WOULD_BLOCK && alerted) {
        kobjns__alerts_run(alerts);
        return KOBJNS_USER_APC;
      }
      return rc == WOULD_BLOCK ? KOBJNS_WAIT_TIMEOUT : rc;
    }
    first = look = false;
    /* A slot made by this step is watched from the value it had when made: a grant since then
     * (one that freed the slot too) ends the sleep at once. */
    for (size_t i = 0; i < count; i++) {
      sync_state *st = state_of(objects, i);
      uint32_t *word = w[i].slot >= 0 ? &st->slots[w[i].slot].grant : &st->seq;
      if (word != words[i]) {
        words[i] = word;
        values[i] = w[i].slot >= 0 ? w[i].seen : __atomic_load_n(word, __ATOMIC_SEQ_CST);
      }
    }
    if (!forever && passed(&deadline)) {
      look = last = true; /* one more look, the dead sought: a grant before it is taken */
      continue;
    }
    if (next_look.tv_sec == 0 && next_look.tv_nsec == 0) next_look = after_ms(LIVENESS_SLICE_MS);
    const struct timespec *until =
        forever || before(&next_look, &deadline) ? &next_look : &deadline;
    /* No later than a timer waited for (or one whose routine this thread runs) is due. */
    int64_t due = earliest_due(objects, count, routine_due);
    struct timespec due_at = timespec_of(due);
    if (due && before(&due_at, until)) until = &due_at;
    sleep_on(objects, count, w, words, values, alerts != NULL, until);
    if (passed(&next_look)) { /* a slice without a grant: an owner or a waiter ahead may be dead */
      look = true;
      next_look = after_ms(LIVENESS_SLICE_MS);
    }
  }
}

/* A wait for nothing: the time, or (alertable) a call queued to the thread. */
int kobjns__os_sleep(uint32_t ms, bool alertable) {
  kobjns__alerts *alerts = alertable ? kobjns__alerts_mine() : NULL;
  bool forever = ms == KOBJNS_INFINITE;
  struct timespec deadline = forever ? (struct timespec){0, 0} : after_ms(ms);
  for (;;) {
    uint32_t *word = alerts ? kobjns__alerts_word(alerts) : NULL;
    uint32_t value = word ? __atomic_load_n(word, __ATOMIC_SEQ_CST) : 0;
    int64_t routine_due = alerts ? kobjns__alerts_poll_timers(alerts) : 0;
    if (alerts && kobjns__alerts_pending(alerts)) {
      kobjns__alerts_run(alerts);
      return KOBJNS_USER_APC;
    }
    if (ms == 0) {
      sched_yield();
      return 0;
    }
    if (!forever && passed(&deadline)) return 0;
    if (word) {
      struct timespec due_at = timespec_of(routine_due);
      const struct timespec *until = forever ? NULL : &deadline;
      if (routine_due && (!until || before(&due_at, until))) until = &due_at;
      kobjns__plat_wait(word, value, until);
    } else {
      /* Nothing can wake it: a sleep on a private word nobody changes (signals end it early, and
       * the loop goes back to sleep). */
      uint32_t nobody = 0;
      kobjns__plat_wait(&nobody, 0, forever ? NULL : &deadline);
    }
  }
}

/* --- inspection ------------------------------------------------------------------------------ */

void kobjns__sync_describe(int fd, uint32_t header_size, uint16_t type, char *out, size_t size) {
  if (!size) return;
  out[0] = '\0';
  /* A copy of the page as it is now: looking must not disturb (no mapping, no guard). */
  sync_state st;
  if (pread(fd, &st, sizeof st, (off_t)header_size) != (ssize_t)sizeof st) return;
  unsigned kind = type;
  if (!kobjns__type((kobjns_type)type)->waitable || st.kind != kind) return;
  int64_t handed = reserved(&st); /* units handed to waiters are theirs already */
  if (kind == KOBJNS_TYPE_THREAD) {
    if (st.signaled)
      snprintf(out, size, "ended, exit code %u", (unsigned)st.count);
    else
      snprintf(out, size, "running");
  } else if (kind == KOBJNS_TYPE_EVENT || kind == KOBJNS_TYPE_TIMER) {
    bool on = st.manual_reset ? st.signaled != 0 : (int64_t)st.signaled > handed;
    int64_t now = clock_ns_of(CLOCK_MONOTONIC);
    on = on || (st.due && now >= st.due); /* due: the next look signals it */
    int n = snprintf(out, size, "%s, %s", on ? "signaled" : "not signaled",
                     kind == KOBJNS_TYPE_EVENT ? (st.manual_reset ? "manual reset" : "auto reset")
                                               : (st.manual_reset ? "manual" : "synchronization"));
    if (kind == KOBJNS_TYPE_TIMER && n > 0 && (size_t)n < size) {
      if (!st.due)
        snprintf(out + n, size - (size_t)n, ", not set");
      else if (now < st.due)
        snprintf(out + n, size - (size_t)n, ", due in %lld ms",
                 (long long)((st.due - now + 999999) / 1000000));
      if (st.due && st.period_ms && (size_t)(n = (int)strlen(out)) < size)
        snprintf(out + n, size - (size_t)n, ", every %u ms", (unsigned)st.period_ms);
    }
  } else if (kind == KOBJNS_TYPE_SEMAPHORE) {
    snprintf(out, size, "count %lld of %d", (long long)((int64_t)st.count - handed),
             (int)st.maximum);
  } else if (!LOCK_OWNER(st.lock)) {
    snprintf(out, size, "%s", st.abandoned ? "abandoned" : "free");
  } else if (handed) {
    snprintf(out, size, "handed to a waiter");
  } else if (st.owner.tid && !alive(&st.owner)) {
    snprintf(out, size, "abandoned");
  } else {
    snprintf(out, size, "owned by thread %u", (unsigned)(st.lock & GUARD_TID_MASK));
  }
}
