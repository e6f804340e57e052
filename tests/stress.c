/* kobjns-stress: many processes and threads create, open, map and close a few shared names in
 * several sessions while the parent SIGKILLs workers at random moments (inside create and close
 * too, and counts those). What must hold, whatever the timing:
 *  - one live object per name: a thread holding a handle opens the name again and must find it
 *    (0, never 2) and find the same object (the stamp it read through its own view);
 *  - every handle has the full size of its name and maps all of it (a short file would SIGBUS,
 *    which the parent sees as a crash), and a view reads only zeros or what workers wrote;
 *  - every status is one the API documents for the call;
 *  - a worker only ever dies by the parent's SIGKILL or exits 0;
 *  - two named mutexes are held by one thread at a time: a wait acquires (0) only a mutex nobody
 *    is inside, or reports 735 when its owner was killed inside; no wait hangs (a wait still
 *    waiting after 30 s is a violation), and a release by the owner always succeeds; at the end
 *    (the parent holds both throughout), each is free, or abandoned if a killed owner was inside,
 *    and there were at least as many 735s as owners killed;
 *  - a named semaphore's units are conserved while its waiters are killed, also just after a unit
 *    was handed to them: never more than its units are held at once, and at the end every unit
 *    is back (the parent gives back, for it, the unit of each holder it kills; it kills only
 *    threads whose state it can tell while they are stopped: asleep in the wait, or holding);
 *  - once every process is gone and kobjns_cleanup() ran, nothing of the run is left in /dev/shm.
 *
 *   kobjns-stress [--seconds N] [--procs N] [--threads N] [--names N] [--sessions N]
 *                 [--kill-ms N] [--seed N]
 * Exit status 0 when nothing was violated. CI runs a bounded form (meson test stress). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kobjns.h"

#ifndef SYS_futex_waitv /* the C library's list may be older than the kernel's (musl 1.2.3) */
#include <asm/unistd.h>
#ifdef __NR_futex_waitv
#define SYS_futex_waitv __NR_futex_waitv
#endif
#endif

#define MAX_PROCS 64
#define MAX_THREADS 16
#define HELD 4 /* handles a thread keeps open at once, so lifetimes overlap */

enum phase {
  IDLE,
  IN_CREATE,
  IN_OPEN,
  IN_CLOSE,
  IN_MAP,
  IN_MUTEX,
  HOLDING_MUTEX,   /* owns it: killed here, its next owner is told 735 */
  RELEASING_MUTEX, /* inside its release: owned or not, never judged */
  IN_SEM,          /* from before the wait to the mark of a unit held */
  HOLDING_SEM,     /* a unit held, and counted in sem_held */
  RELEASING_SEM    /* counted or not, released or not: never judged */
};
#define MUTEXES 2
#define UNITS 3 /* the semaphore's count and maximum */
enum { ST_OK, ST_EXISTS, ST_NOT_FOUND, ST_NO_PATH, ST_OTHER, ST_COUNT };

/* Shared with every worker (a plain shm object outside the kobjns tree). */
typedef struct stats {
  atomic_ullong ops, creates, opens, reopens, maps;
  atomic_ullong status[ST_COUNT];
  atomic_ullong violations;
  atomic_ullong mutex_waits, mutex_abandoned;
  atomic_ullong sem_waits;
  atomic_int sem_held;                        /* units held by live threads and killed holders */
  atomic_uint tid[MAX_PROCS][MAX_THREADS];    /* each thread's id, to look at it in /proc */
  atomic_uint inside[MUTEXES];                /* threads inside each mutex's critical section */
  atomic_uchar phase[MAX_PROCS][MAX_THREADS]; /* what each thread of each slot is doing */
} stats;

typedef struct options {
  unsigned seconds, procs, threads, names, sessions, kill_ms, seed;
} options;

static stats *shared;
static options opt = {10, 6, 3, 3, 3, 15, 0};
static unsigned slot;
static time_t deadline;

static uint64_t expected_size(unsigned k) { return 4096u * (1 + k % 4); }

static void violation(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void violation(const char *fmt, ...) {
  atomic_fetch_add(&shared->violations, 1);
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "VIOLATION (pid %ld): ", (long)getpid());
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
}

/* Count a status; false (and a violation) when the API does not document it for this call. */
static bool documented(int rc, bool create, const char *name) {
  int bucket = rc == 0                       ? ST_OK
               : rc == KOBJNS_ALREADY_EXISTS ? ST_EXISTS
               : rc == KOBJNS_FILE_NOT_FOUND ? ST_NOT_FOUND
               : rc == KOBJNS_PATH_NOT_FOUND ? ST_NO_PATH
                                             : ST_OTHER;
  atomic_fetch_add(&shared->status[bucket], 1);
  bool ok = bucket == ST_OK || bucket == ST_NO_PATH ||
            (create ? bucket == ST_EXISTS : bucket == ST_NOT_FOUND);
  if (!ok)
    violation("%s %s -> %d %s", create ? "create" : "open", name, rc, kobjns_status_name(rc));
  return ok;
}

typedef struct held {
  kobjns_section *s;
  char name[64];
  unsigned k;
} held;

/* Map the whole section, stamp it (first writer wins), touch its last byte; returns the stamp. */
static uint64_t check_view(kobjns_section *s, unsigned k, const char *name, atomic_uchar *phase) {
  uint64_t size = 0;
  if (kobjns_section_size(s, &size) || size != expected_size(k))
    violation("%s: size %llu, want %llu", name, (unsigned long long)size,
              (unsigned long long)expected_size(k));
  void *view = NULL;
  atomic_store(phase, IN_MAP);
  int rc = kobjns_section_map(s, KOBJNS_MAP_WRITE, 0, 0, &view);
  atomic_fetch_add(&shared->maps, 1);
  if (rc) {
    violation("map %s -> %d %s", name, rc, kobjns_status_name(rc));
    return 0;
  }
  _Atomic uint64_t *stamp = view;
  uint64_t mine = ((uint64_t)getpid() << 24) ^ (uint64_t)(uintptr_t)phase, seen = 0;
  if (atomic_compare_exchange_strong(stamp, &seen, mine)) seen = mine;
  volatile unsigned char *last = (unsigned char *)view + size - 1;
  unsigned char byte = *last; /* a file shorter than its size would SIGBUS here */
  if (byte != 0 && byte != (unsigned char)(k + 1))
    violation("%s: last byte %u, want 0 or %u", name, byte, k + 1);
  *last = (unsigned char)(k + 1);
  kobjns_unmap(view);
  return seen;
}

/* Each thread keeps a handle to each named mutex, and enters one now and then. Its owner may be
 * killed inside: then the next wait reports 735 and finds the dead owner's mark still there. The
 * parent holds each mutex for the whole run (open_mutexes), so that a killed owner's mutex
 * outlives it: once every holder is gone, the mutex is, and the one created next under its name
 * is new, not abandoned (as on Windows), while the harness's mark is per name. Under qemu, where
 * a worker takes 100 ms to start, all of them were often dead at once, and the next new mutex was
 * taken for a second owner of the old one. */
static kobjns_sync *open_mutex(unsigned k, atomic_uchar *phase) {
  char name[64];
  snprintf(name, sizeof name, "Global\\stressmx%u", k);
  kobjns_sync *m = NULL;
  atomic_store(phase, IN_CREATE);
  int rc = kobjns_mutex_create(NULL, name, 0, NULL, &m);
  atomic_store(phase, IDLE);
  if (rc && rc != KOBJNS_ALREADY_EXISTS)
    violation("create mutex %s -> %d %s", name, rc, kobjns_status_name(rc));
  return m;
}

/* The parent's handles: created before any worker starts. */
static bool open_mutexes(kobjns_sync *mutexes[MUTEXES]) {
  for (unsigned k = 0; k < MUTEXES; k++) {
    char name[64];
    snprintf(name, sizeof name, "Global\\stressmx%u", k);
    int rc = kobjns_mutex_create(NULL, name, 0, NULL, &mutexes[k]);
    if (rc) {
      fprintf(stderr, "kobjns-stress: mutex %s -> %d %s\n", name, rc, kobjns_status_name(rc));
      return false;
    }
  }
  return true;
}

/* Every worker is gone: each mutex is free, or abandoned by a worker killed owning it, and only
 * then may a dead owner's mark be left. */
static void close_mutexes(kobjns_sync *mutexes[MUTEXES]) {
  for (unsigned k = 0; k < MUTEXES; k++) {
    int rc = kobjns_wait(mutexes[k], 0);
    unsigned inside = atomic_load(&shared->inside[k]);
    if (rc == KOBJNS_ABANDONED_WAIT_0) {
      atomic_fetch_add(&shared->mutex_abandoned, 1);
      atomic_store(&shared->inside[k], 0);
    } else if (rc)
      violation("mutex %u at the end: wait -> %d %s", k, rc, kobjns_status_name(rc));
    else if (inside)
      violation("mutex %u at the end: free, not abandoned, with %u killed owner(s) inside", k,
                inside);
    if (rc == 0 || rc == KOBJNS_ABANDONED_WAIT_0) kobjns_mutex_release(mutexes[k]);
    kobjns_sync_close(mutexes[k]);
  }
}

static void mutex_round(kobjns_sync *m, unsigned k, atomic_uchar *phase) {
  atomic_store(phase, IN_MUTEX);
  int rc = kobjns_wait(m, 30000);
  atomic_fetch_add(&shared->mutex_waits, 1);
  if (rc == KOBJNS_ABANDONED_WAIT_0) {
    atomic_fetch_add(&shared->mutex_abandoned, 1);
    atomic_store(&shared->inside[k], 0); /* the dead owner's mark */
  } else if (rc) {
    violation("wait on mutex %u -> %d %s", k, rc, kobjns_status_name(rc));
  }
  if (rc == 0 || rc == KOBJNS_ABANDONED_WAIT_0) {
    atomic_store(phase, HOLDING_MUTEX);
    if (atomic_fetch_add(&shared->inside[k], 1) != 0)
      violation("mutex %u: acquired while another thread was inside", k);
    for (volatile int spin = 0; spin < 2000; spin++) {
    }
    atomic_fetch_sub(&shared->inside[k], 1);
    atomic_store(phase, RELEASING_MUTEX);
    if ((rc = kobjns_mutex_release(m)))
      violation("release of owned mutex %u -> %d %s", k, rc, kobjns_status_name(rc));
  }
  atomic_store(phase, IDLE);
}

/* One unit of the semaphore, held for a moment: never more than UNITS at once. */
static void sem_round(kobjns_sync *s, atomic_uchar *phase) {
  atomic_store(phase, IN_SEM);
  int rc = kobjns_wait(s, 30000);
  atomic_fetch_add(&shared->sem_waits, 1);
  if (rc) {
    violation("wait on the semaphore -> %d %s", rc, kobjns_status_name(rc));
    atomic_store(phase, IDLE);
    return;
  }
  if (atomic_fetch_add(&shared->sem_held, 1) >= UNITS)
    violation("semaphore: more than %d units held at once", UNITS);
  atomic_store(phase, HOLDING_SEM);
  for (volatile int spin = 0; spin < 2000; spin++) {
  }
  /* The phase first: a thread stopped between the two is let go on (RELEASING_SEM), never
   * counted as holding a unit it has already stopped counting (the parent's give-back would count
   * it twice: the harness's mark, not the library's units, went to -1 once under ASan). */
  atomic_store(phase, RELEASING_SEM);
  atomic_fetch_sub(&shared->sem_held, 1);
  if ((rc = kobjns_semaphore_release(s, 1, NULL)))
    violation("release of a held unit -> %d %s", rc, kobjns_status_name(rc));
  atomic_store(phase, IDLE);
}

static void *worker_thread(void *arg) {
  unsigned t = (unsigned)(uintptr_t)arg;
  atomic_uchar *phase = &shared->phase[slot][t];
  unsigned seed = opt.seed ^ (unsigned)getpid() * 2654435761u ^ t * 40503u;
  uint32_t session = 0;
  kobjns_ctx_session(NULL, &session);
  held hold[HELD] = {0};
  unsigned next = 0;
  kobjns_sync *mutexes[MUTEXES];
  for (unsigned k = 0; k < MUTEXES; k++) mutexes[k] = open_mutex(k, phase);
  atomic_store(&shared->tid[slot][t], (unsigned)gettid());
  kobjns_sync *sem = NULL;
  atomic_store(phase, IN_OPEN);
  int src = kobjns_semaphore_open(NULL, "Global\\stresssem", KOBJNS_SEMAPHORE_ALL_ACCESS, &sem);
  atomic_store(phase, IDLE);
  if (src) violation("open of the semaphore -> %d %s", src, kobjns_status_name(src));
  while (time(NULL) < deadline) {
    unsigned r = (unsigned)rand_r(&seed);
    unsigned k = r % opt.names;
    unsigned mk = (r >> 22) % MUTEXES;
    if ((r >> 20) % 4 == 0 && mutexes[mk]) mutex_round(mutexes[mk], mk, phase);
    if ((r >> 24) % 4 == 0 && sem) sem_round(sem, phase);
    held *h = &hold[next++ % HELD];
    if (h->s) { /* make room: close the oldest */
      atomic_store(phase, IN_CLOSE);
      kobjns_section_close(h->s);
      h->s = NULL;
    }
    /* Global names, the session's own (a service's bare name is the global one), session 1's. */
    switch ((r >> 8) % 3) {
      case 0: snprintf(h->name, sizeof h->name, "Global\\stress%u", k); break;
      case 1: snprintf(h->name, sizeof h->name, "stress%u", k); break;
      default: snprintf(h->name, sizeof h->name, "Session\\1\\stress%u", k); break;
    }
    h->k = k;
    bool create = (r >> 12) % 5 < 3;
    int rc;
    if (create) {
      atomic_store(phase, IN_CREATE);
      rc = kobjns_section_create(NULL, h->name, expected_size(k), KOBJNS_MAP_WRITE, NULL, &h->s);
      atomic_fetch_add(&shared->creates, 1);
    } else {
      atomic_store(phase, IN_OPEN);
      rc = kobjns_section_open(NULL, h->name, KOBJNS_MAP_WRITE, &h->s);
      atomic_fetch_add(&shared->opens, 1);
    }
    atomic_fetch_add(&shared->ops, 1);
    atomic_store(phase, IDLE);
    if (!documented(rc, create, h->name) || !h->s) continue;
    uint64_t stamp = check_view(h->s, k, h->name, phase);
    /* Held, so the name must open, to this very object (session 1's may vanish: its
     * session can end while we hold an object in it, so only the others are checked). */
    if (!strncmp(h->name, "Session\\1\\", 10) && session != 1) continue;
    kobjns_section *again = NULL;
    atomic_store(phase, IN_OPEN);
    rc = kobjns_section_open(NULL, h->name, KOBJNS_MAP_WRITE, &again);
    atomic_fetch_add(&shared->reopens, 1);
    if (rc) {
      violation("reopen of held %s -> %d %s", h->name, rc, kobjns_status_name(rc));
    } else {
      uint64_t other = check_view(again, k, h->name, phase);
      if (other != stamp)
        violation("%s: two objects under one name (stamps %llx, %llx)", h->name,
                  (unsigned long long)stamp, (unsigned long long)other);
      atomic_store(phase, IN_CLOSE);
      kobjns_section_close(again);
    }
    atomic_store(phase, IDLE);
  }
  for (unsigned i = 0; i < HELD; i++)
    if (hold[i].s) kobjns_section_close(hold[i].s);
  for (unsigned k = 0; k < MUTEXES; k++)
    if (mutexes[k]) kobjns_sync_close(mutexes[k]);
  if (sem) kobjns_sync_close(sem);
  return NULL;
}

static int worker_main(void) {
  pthread_t threads[MAX_THREADS];
  for (unsigned t = 0; t < opt.threads; t++)
    if (pthread_create(&threads[t], NULL, worker_thread, (void *)(uintptr_t)t)) return 1;
  for (unsigned t = 0; t < opt.threads; t++) pthread_join(threads[t], NULL);
  return 0;
}

/* --- the parent ------------------------------------------------------------------------------ */

static char stats_name[64], self[4096];
static pid_t pids[MAX_PROCS];

static pid_t spawn(unsigned i) {
  memset(shared->phase[i], IDLE, sizeof shared->phase[i]);
  pid_t pid = fork();
  if (pid != 0) return pid;
  char session[16], s[16], args[7][16];
  snprintf(session, sizeof session, "%u", i % opt.sessions);
  setenv("KOBJNS_SESSION", session, 1);
  snprintf(s, sizeof s, "%u", i);
  unsigned values[7] = {opt.seconds,  opt.procs, opt.threads,       opt.names,
                        opt.sessions, opt.seed,  (unsigned)deadline};
  for (int a = 0; a < 7; a++) snprintf(args[a], sizeof args[a], "%u", values[a]);
  execl(self, "kobjns-stress", "--worker", s, stats_name, args[0], args[1], args[2], args[3],
        args[4], args[5], args[6], (char *)NULL);
  _exit(127);
}

/* Whether a worker's end is one of the allowed two: our SIGKILL, or exit 0 at the deadline. */
static void judge(pid_t pid, int st, bool killed_by_us) {
  if (WIFEXITED(st) && WEXITSTATUS(st) == 0) return;
  if (WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL && killed_by_us) return;
  violation("worker %ld ended badly: %s %d", (long)pid, WIFSIGNALED(st) ? "signal" : "exit",
            WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
}

/* Whether thread `tid` of the stopped process `pid` sleeps in a futex wait (/proc's syscall file:
 * futex with FUTEX_WAIT or FUTEX_WAIT_BITSET, or futex_waitv). A thread of a wait for one
 * semaphore sleeps only before it has taken anything. */
static bool asleep_in_futex(pid_t pid, unsigned tid) {
  char path[64], line[256];
  snprintf(path, sizeof path, "/proc/%ld/task/%u/syscall", (long)pid, tid);
  FILE *f = fopen(path, "r");
  if (!f) return false;
  bool asleep = false;
  if (fgets(line, sizeof line, f)) {
    long nr = -1;
    unsigned long addr = 0, op = 0;
    int n = sscanf(line, "%ld %lx %lx", &nr, &addr, &op);
#ifdef SYS_futex_waitv
    if (n >= 1 && nr == SYS_futex_waitv) asleep = true;
#endif
    if (n == 3 && nr == SYS_futex && ((op & 0x7F) == 0 || (op & 0x7F) == 9)) asleep = true;
#ifdef SYS_futex_time64 /* a 32-bit process waits with 64-bit time */
    if (n == 3 && nr == SYS_futex_time64 && ((op & 0x7F) == 0 || (op & 0x7F) == 9)) asleep = true;
#endif
  }
  fclose(f);
  return asleep;
}

/* Files of the tree `root` left, in the layout of either platform ("kobjns.<root>." where an
 * object is one file, "kobjnsa.<root>." where its name is apart from its bytes). */
static unsigned leftovers(const char *root) {
  char prefix[64], apart[64];
  snprintf(prefix, sizeof prefix, "kobjns.%s.", root);
  snprintf(apart, sizeof apart, "kobjnsa.%s.", root);
  DIR *d = opendir("/dev/shm");
  unsigned n = 0;
  for (struct dirent *e; d && (e = readdir(d));)
    if (!strncmp(e->d_name, prefix, strlen(prefix)) || !strncmp(e->d_name, apart, strlen(apart))) {
      fprintf(stderr, "left in /dev/shm: %s\n", e->d_name);
      unlinkat(dirfd(d), e->d_name, 0);
      n++;
    }
  if (d) closedir(d);
  return n;
}

static bool parse(int argc, char **argv) {
  for (int i = 1; i < argc; i += 2) {
    unsigned *field = !strcmp(argv[i], "--seconds")    ? &opt.seconds
                      : !strcmp(argv[i], "--procs")    ? &opt.procs
                      : !strcmp(argv[i], "--threads")  ? &opt.threads
                      : !strcmp(argv[i], "--names")    ? &opt.names
                      : !strcmp(argv[i], "--sessions") ? &opt.sessions
                      : !strcmp(argv[i], "--kill-ms")  ? &opt.kill_ms
                      : !strcmp(argv[i], "--seed")     ? &opt.seed
                                                       : NULL;
    if (!field || i + 1 >= argc) return false;
    *field = (unsigned)strtoul(argv[i + 1], NULL, 10);
  }
  return opt.procs >= 1 && opt.procs <= MAX_PROCS && opt.threads >= 1 &&
         opt.threads <= MAX_THREADS && opt.names >= 1 && opt.sessions >= 1 && opt.kill_ms >= 1;
}

static stats *map_stats(const char *name, bool create) {
  int fd = shm_open(name, create ? O_RDWR | O_CREAT | O_EXCL : O_RDWR, 0600);
  if (fd < 0) return NULL;
  if (create && ftruncate(fd, sizeof(stats)) < 0) {
    close(fd);
    return NULL;
  }
  void *p = mmap(NULL, sizeof(stats), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  close(fd);
  return p == MAP_FAILED ? NULL : p;
}

int main(int argc, char **argv) {
  if (argc == 11 && !strcmp(argv[1], "--worker")) {
    slot = (unsigned)atoi(argv[2]);
    unsigned *fields[] = {&opt.seconds, &opt.procs,    &opt.threads,
                          &opt.names,   &opt.sessions, &opt.seed};
    for (int a = 0; a < 6; a++) *fields[a] = (unsigned)strtoul(argv[4 + a], NULL, 10);
    deadline = (time_t)strtoul(argv[10], NULL, 10);
    shared = map_stats(argv[3], false);
    return shared && slot < MAX_PROCS ? worker_main() : 126;
  }
  if (!parse(argc, argv)) {
    fprintf(stderr,
            "usage: %s [--seconds N] [--procs N<=%d] [--threads N<=%d] [--names N] "
            "[--sessions N] [--kill-ms N] [--seed N]\n",
            argv[0], MAX_PROCS, MAX_THREADS);
    return 2;
  }
  if (!opt.seed) opt.seed = (unsigned)time(NULL) ^ (unsigned)getpid();
  if (!realpath("/proc/self/exe", self)) snprintf(self, sizeof self, "%s", argv[0]);
  char root[32];
  snprintf(root, sizeof root, "stress%ld", (long)getpid());
  setenv("KOBJNS_ROOT", root, 1);
  setenv("KOBJNS_SESSION", "0", 1);
  snprintf(stats_name, sizeof stats_name, "/kobjns-stress-stats.%ld", (long)getpid());
  shared = map_stats(stats_name, true);
  if (!shared) {
    perror("kobjns-stress: stats");
    return 1;
  }
  deadline = time(NULL) + (time_t)opt.seconds;
  printf(
      "kobjns-stress: %u processes x %u threads, %u names x 3 namespaces, %u sessions, a "
      "SIGKILL every ~%u ms, %u s, seed %u\n",
      opt.procs, opt.threads, opt.names, opt.sessions, opt.kill_ms, opt.seconds, opt.seed);
  fflush(stdout);
  kobjns_sync *sem = NULL; /* held by the parent: its state outlives every worker */
  int src = kobjns_semaphore_create(NULL, "Global\\stresssem", UNITS, UNITS, NULL, &sem);
  if (src) {
    fprintf(stderr, "kobjns-stress: semaphore -> %d %s\n", src, kobjns_status_name(src));
    return 1;
  }
  kobjns_sync *mutexes[MUTEXES] = {NULL};
  if (!open_mutexes(mutexes)) return 1;
  for (unsigned i = 0; i < opt.procs; i++) pids[i] = spawn(i);

  unsigned seed = opt.seed, kills = 0, in_create = 0, in_close = 0, in_open = 0, in_map = 0,
           in_mutex = 0, holding = 0, in_sem = 0, holding_sem = 0, spared = 0;
  while (time(NULL) < deadline) {
    struct timespec pause = {0, (long)(rand_r(&seed) % (2 * opt.kill_ms)) * 1000000L};
    nanosleep(&pause, NULL);
    unsigned victim = (unsigned)rand_r(&seed) % opt.procs;
    /* Stopped, its threads' phases hold still; one whose hold on a semaphore unit cannot be
     * told (between its wait's return and its mark, or inside its release) is let go on. */
    kill(pids[victim], SIGSTOP);
    int st = 0;
    if (waitpid(pids[victim], &st, WUNTRACED) == pids[victim] && WIFSTOPPED(st)) {
      bool unclear = false;
      for (unsigned t = 0; t < opt.threads && !unclear; t++) {
        unsigned char p = atomic_load(&shared->phase[victim][t]);
        unclear =
            p == RELEASING_SEM ||
            (p == IN_SEM && !asleep_in_futex(pids[victim], atomic_load(&shared->tid[victim][t])));
      }
      if (unclear) {
        spared++;
        kill(pids[victim], SIGCONT);
        continue;
      }
    }
    unsigned given_back = 0;
    for (unsigned t = 0; t < opt.threads; t++) {
      unsigned char p = atomic_load(&shared->phase[victim][t]);
      in_create += p == IN_CREATE, in_close += p == IN_CLOSE, in_open += p == IN_OPEN,
          in_map += p == IN_MAP, in_mutex += p == IN_MUTEX, holding += p == HOLDING_MUTEX;
      in_sem += p == IN_SEM, holding_sem += p == HOLDING_SEM, given_back += p == HOLDING_SEM;
    }
    kill(pids[victim], SIGKILL);
    /* Its held units go with it: the parent puts as many back, so that the count stays UNITS. */
    for (; given_back; given_back--) {
      atomic_fetch_sub(&shared->sem_held, 1);
      int rc = kobjns_semaphore_release(sem, 1, NULL);
      if (rc) violation("giving back a killed holder's unit -> %d %s", rc, kobjns_status_name(rc));
    }
    waitpid(pids[victim], &st, 0);
    judge(pids[victim], st, true);
    kills++;
    if (time(NULL) < deadline)
      pids[victim] = spawn(victim);
    else
      pids[victim] = 0;
  }
  for (unsigned i = 0; i < opt.procs; i++) {
    int st = 0;
    if (pids[i] > 0 && waitpid(pids[i], &st, 0) == pids[i]) judge(pids[i], st, false);
  }

  /* Every worker is gone: every unit is back, in the semaphore (a unit handed to a waiter that
   * was killed before it took it is given back by the next look, this one). */
  unsigned units = 0;
  while (units <= UNITS && kobjns_wait(sem, 0) == 0) units++;
  if (units != UNITS || atomic_load(&shared->sem_held) != 0)
    violation("semaphore: %u of %d units at the end, %d marked held", units, UNITS,
              atomic_load(&shared->sem_held));
  kobjns_sync_close(sem);
  close_mutexes(mutexes);
  /* Each owner killed before its release is reported to the mutex's next owner (the parent's
   * last look included); a thread killed between a 735 and its count owned the mutex, and so is
   * reported in turn. */
  unsigned long long abandoned = atomic_load(&shared->mutex_abandoned);
  if (abandoned < holding)
    violation("mutexes: %u owners killed, %llu waits told the mutex was abandoned", holding,
              abandoned);

  /* Every process is gone: sweep what the killed ones left, then nothing may remain. */
  size_t removed = 0;
  int rc = kobjns_cleanup(&removed);
  if (rc) violation("kobjns_cleanup -> %d %s", rc, kobjns_status_name(rc));
  unsigned left = leftovers(root);
  if (left) violation("%u object(s) left in /dev/shm after cleanup", left);

  unsigned long long ops = atomic_load(&shared->ops), v = atomic_load(&shared->violations);
  printf("operations: %llu (%llu creates, %llu opens, %llu reopens of held names, %llu maps)\n",
         ops, (unsigned long long)atomic_load(&shared->creates),
         (unsigned long long)atomic_load(&shared->opens),
         (unsigned long long)atomic_load(&shared->reopens),
         (unsigned long long)atomic_load(&shared->maps));
  printf(
      "statuses: %llu ok, %llu already exists, %llu not found, %llu no such session, %llu "
      "other\n",
      (unsigned long long)atomic_load(&shared->status[ST_OK]),
      (unsigned long long)atomic_load(&shared->status[ST_EXISTS]),
      (unsigned long long)atomic_load(&shared->status[ST_NOT_FOUND]),
      (unsigned long long)atomic_load(&shared->status[ST_NO_PATH]),
      (unsigned long long)atomic_load(&shared->status[ST_OTHER]));
  printf("mutexes: %llu waits, %llu of them on a mutex a killed owner abandoned\n",
         (unsigned long long)atomic_load(&shared->mutex_waits),
         (unsigned long long)atomic_load(&shared->mutex_abandoned));
  printf("semaphore: %llu waits, %u of %d units back at the end\n",
         (unsigned long long)atomic_load(&shared->sem_waits), units, UNITS);
  printf(
      "kills: %u SIGKILLs, threads caught inside create %u, open %u, close %u, map %u, a mutex "
      "wait %u, holding a mutex %u, a semaphore wait %u, holding a unit %u; %u stops let go "
      "(a unit's hold unclear)\n",
      kills, in_create, in_open, in_close, in_map, in_mutex, holding, in_sem, holding_sem, spared);
  printf("after: %zu stale objects swept by kobjns_cleanup(), %u left in /dev/shm\n", removed,
         left);
  printf("kobjns-stress: %llu violations\n", v);
  munmap(shared, sizeof(stats));
  shm_unlink(stats_name);
  return v || ops == 0 ? 1 : 0;
}
