/* kobjns-bench: what kobjns costs over raw POSIX shared memory, side by side, in one run.
 *
 * Each row runs a kobjns operation and its raw POSIX counterpart in interleaved repetitions
 * (kobjns, raw, kobjns, raw, ...), so that both meet the same machine state, and reports the
 * medians and the median of the per-repetition ratios. Rows:
 *   cycle       create + map + touch + unmap + close of a 64 KiB section
 *               vs shm_open + ftruncate + mmap + touch + munmap + close + shm_unlink
 *   open+close  of a section another process holds, vs shm_open + close
 *   scaling     open + close latency with 10 ... N live objects (held by helper processes)
 *   throughput  create + close cycles per second with 1, 2, 4, 8 processes
 *   sync        a kobjns mutex and events against their floors (futex locks and words, and a
 *               robust process-shared pthread mutex): uncontended lock + unlock, a cross-process
 *               event ping-pong, a two-process hand-off of one mutex; and contended mutexes
 *   memory      heap and descriptors per open handle; /dev/shm bytes per live object
 * and the first two rows again through the Win32 facade (libkobjns-winapi), next to raw POSIX and
 * to the same Win32 program under Wine (its mingw-w64 build), the reference a porter would
 * otherwise use: --win32 PATH names the facade build of kobjns-bench-win32, --wine-exe PATH (or
 * KOBJNS_BENCH_WINE_EXE) the .exe, run by the command in KOBJNS_BENCH_WINE (default `wine`).
 * tools/bench sets all of it up. The targets (docs/performance.md) are printed next to the figures;
 * --check exits 1 when one is missed. Run by `meson test -C build --benchmark` (short) or by hand
 * with larger settings. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <malloc.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <dirent.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kobjns.h"
#ifdef KOBJNS_BENCH_BOOST
#include "boost-peer.h"
#endif

#define SECTION_SIZE 65536u
#define PAGE 4096u
#define HOLDER_MAX_OBJECTS 15000u /* per helper process: stays under common descriptor limits */

static struct {
  unsigned reps, iters, max_objects, seconds_ms;
  bool check;
  const char *win32, *wine_exe; /* the two builds of kobjns-bench-win32 */
  const char *rows;             /* groups of rows to run, comma-separated; NULL: all */
} opt = {.reps = 15, .iters = 400, .max_objects = 100000, .seconds_ms = 500};

static char run[32];
static int missed;

#define MAXREPS 64 /* repetitions a row keeps */

/* What a contended run shows beside its time: the smallest process's share of the acquisitions,
 * the longest single wait, context switches per acquisition. */
typedef struct {
  double share, longest, switches;
} fairness;

static bool wanted(const char *group) {
  if (!opt.rows) return true;
  size_t n = strlen(group);
  for (const char *p = opt.rows; (p = strstr(p, group)); p += n)
    if ((p == opt.rows || p[-1] == ',') && (p[n] == ',' || p[n] == '\0')) return true;
  return false;
}

static void stop_servers(void);

static void die(const char *what, int status) {
  stop_servers();
  fprintf(stderr, "kobjns-bench: %s: %d %s\n", what, status,
          status > 0 ? kobjns_status_name(status) : strerror(errno));
  exit(2);
}

static double now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

static int by_value(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static double median(double *v, unsigned n) {
  qsort(v, n, sizeof *v, by_value);
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void touch(void *view, size_t size) {
  for (size_t at = 0; at < size; at += PAGE) ((volatile char *)view)[at] = 1;
}

/* ns per call of op, over `iters` calls. */
static double per_op(void (*op)(unsigned), unsigned iters) {
  double start = now_ns();
  for (unsigned i = 0; i < iters; i++) op(i);
  return (now_ns() - start) / iters;
}

/* One side-by-side row: medians and the median ratio of interleaved repetitions. */
static void compare(const char *name, void (*ours)(unsigned), void (*raw)(unsigned),
                    double target) {
  double a[64], b[64], r[64];
  unsigned reps = opt.reps < 64 ? opt.reps : 64;
  ours(0), raw(0); /* warm both paths once */
  for (unsigned i = 0; i < reps; i++) {
    a[i] = per_op(ours, opt.iters);
    b[i] = per_op(raw, opt.iters);
    r[i] = a[i] / b[i];
  }
  double ratio = median(r, reps), ma = median(a, reps), mb = median(b, reps);
  printf("%-34s %9.2f us %9.2f us %7.2fx", name, ma / 1e3, mb / 1e3, ratio);
  if (target == 0) { /* a reference row, not a target */
    printf("\n");
    return;
  }
  bool ok = ratio <= target;
  if (!ok) missed++;
  printf("   <= %.2fx  %s\n", target, ok ? "ok" : "MISSED");
}

/* --- cycle ---------------------------------------------------------------------------------- */

static char cycle_name[64], raw_cycle_name[64];
static size_t cycle_size = SECTION_SIZE; /* the cycle rows' section size: 64 KiB, or one page */

static void ours_cycle(unsigned i) {
  (void)i;
  kobjns_section *s;
  void *view;
  int rc = kobjns_section_create(NULL, cycle_name, cycle_size, KOBJNS_MAP_WRITE, NULL, &s);
  if (rc) die("create", rc);
  if ((rc = kobjns_section_map(s, KOBJNS_MAP_WRITE, 0, 0, &view))) die("map", rc);
  touch(view, cycle_size);
  kobjns_unmap(view);
  kobjns_section_close(s);
}

static void raw_cycle(unsigned i) {
  (void)i;
  int fd = shm_open(raw_cycle_name, O_RDWR | O_CREAT | O_EXCL, 0600);
  if (fd < 0 || ftruncate(fd, (off_t)cycle_size) < 0) die("shm_open", -1);
  void *view = mmap(NULL, cycle_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (view == MAP_FAILED) die("mmap", -1);
  touch(view, cycle_size);
  munmap(view, cycle_size);
  close(fd);
  shm_unlink(raw_cycle_name);
}

#ifdef KOBJNS_BENCH_BOOST
static void boost_cycle(unsigned i) {
  (void)i;
  if (boost_section_cycle(raw_cycle_name + 1, cycle_size)) die("Boost shared_memory_object", -1);
}
#endif

/* --- objects held by helper processes -------------------------------------------------------- */

typedef struct holder {
  pid_t pid;
  int release; /* write end: closing it lets the holder go */
} holder;

static void held_name(char *out, size_t size, unsigned i) {
  snprintf(out, size, "bench.held.%u", i);
}
static void raw_held_name(char *out, size_t size, unsigned i) {
  snprintf(out, size, "/kobjns-bench.%s.%u", run, i);
}

/* A process holding objects [first, first + count): kobjns sections and raw shm objects. */
static holder hold(unsigned first, unsigned count) {
  int ready[2], release[2]; /* close-on-exec: no server program keeps a holder */
  if (pipe2(ready, O_CLOEXEC) < 0 || pipe2(release, O_CLOEXEC) < 0) die("pipe", -1);
  fflush(NULL);
  holder h = {.pid = fork()};
  if (h.pid < 0) die("fork", -1);
  if (h.pid == 0) {
    close(ready[0]);
    close(release[1]);
    for (unsigned i = first; i < first + count; i++) {
      char name[64];
      kobjns_section *s;
      held_name(name, sizeof name, i);
      int rc = kobjns_section_create(NULL, name, PAGE, KOBJNS_MAP_WRITE, NULL, &s);
      if (rc) die("holder create", rc);
      raw_held_name(name, sizeof name, i);
      int fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600);
      if (fd < 0 || ftruncate(fd, PAGE) < 0) die("holder shm_open", -1);
      close(fd); /* a raw object lives until shm_unlink: no descriptor needed */
    }
    char byte = 1;
    if (write(ready[1], &byte, 1) != 1) _exit(1);
    ssize_t ignored = read(release[0], &byte, 1); /* EOF: time to go */
    (void)ignored;
    for (unsigned i = first; i < first + count; i++) {
      char name[64];
      raw_held_name(name, sizeof name, i);
      shm_unlink(name);
    }
    exit(0); /* the library closes the sections */
  }
  close(ready[1]);
  close(release[0]);
  char byte;
  if (read(ready[0], &byte, 1) != 1) die("holder did not start", -1);
  close(ready[0]);
  h.release = release[1];
  return h;
}

static void let_go(holder *h) {
  close(h->release);
  waitpid(h->pid, NULL, 0);
}

static unsigned live; /* objects held right now: opens pick among them */
static unsigned rng = 12345;

static unsigned pick(void) {
  rng = rng * 1103515245u + 12345u;
  return (rng >> 8) % live;
}

static void ours_open(unsigned i) {
  (void)i;
  char name[64];
  held_name(name, sizeof name, pick());
  kobjns_section *s;
  int rc = kobjns_section_open(NULL, name, KOBJNS_MAP_READ, &s);
  if (rc) die("open", rc);
  kobjns_section_close(s);
}

static void raw_open(unsigned i) {
  (void)i;
  char name[64];
  raw_held_name(name, sizeof name, pick());
  int fd = shm_open(name, O_RDONLY, 0);
  if (fd < 0) die("shm_open", -1);
  close(fd);
}

/* The same open + close, of a section of a private namespace this process has open ("alias\\x":
 * the alias looked up, the namespace handle's rights checked, the namespace's directory looked
 * at before the object's file in it). */
static void ours_namespace_open(unsigned i) {
  (void)i;
  kobjns_section *s;
  int rc = kobjns_section_open(NULL, "BenchNs\\held", KOBJNS_MAP_READ, &s);
  if (rc) die("open in a private namespace", rc);
  kobjns_section_close(s);
}

#ifdef KOBJNS_BENCH_BOOST
/* Boost's objects live until removed: the raw rows' held objects serve as they are. */
static void boost_open(unsigned i) {
  (void)i;
  char name[64];
  raw_held_name(name, sizeof name, pick());
  if (boost_section_open_close(name + 1)) die("Boost shared_memory_object open", -1);
}
#endif

/* The system calls kobjns makes for an open + close of a held section (docs/performance.md), made
 * directly on its file, with no library around them: what the protocol itself costs. */
static void floor_open(unsigned i) {
  (void)i;
  static int dir = -1;
  if (dir < 0 && (dir = open("/dev/shm", O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0) die("open", -1);
  char name[96];
  snprintf(name, sizeof name, "kobjns.%s.g.bench.held.%u", run, pick());
  int fd = openat(dir, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) die("openat", -1);
  struct stat st;
  char header[512];
  if (flock(fd, LOCK_EX | LOCK_NB) == 0) die("not held", -1); /* is it stale? */
  if (flock(fd, LOCK_SH | LOCK_NB) < 0) die("flock", -1);     /* the handle */
  if (fstat(fd, &st) < 0 || pread(fd, header, sizeof header, 0) < 0) die("fstat", -1);
  if (flock(fd, LOCK_EX | LOCK_NB) == 0) die("not held", -1); /* close: the last holder? */
  close(fd);
}

/* --- the Win32 facade, and the same program under Wine -------------------------------------- */

/* kobjns-bench-win32 runs as a co-process: a command a line on its stdin, a reply a line on its
 * stdout (see the program). It times its own loops, so that no pipe is in a figure. */
#define REPLY_SECONDS 300 /* a first Wine start in a fresh prefix takes seconds, not minutes */
#define QUIT_SECONDS 30
#define WINE_TARGET 20.0

typedef struct server {
  const char *what; /* for messages: "the facade program", ... */
  pid_t pid;
  int in, out; /* its stdin (we write), its stdout (we read) */
  char buf[1024];
  size_t len;
  char sent[600]; /* the last command */
} server;

static server *servers[4];
static unsigned nservers;
static pid_t driver; /* the process that started them (die() in a forked helper leaves them) */

/* Starts argv as a server, its stdin and stdout our pipes, its stderr ours. */
static void start(server *s, const char *what, char *const argv[]) {
  extern char **environ;
  int to[2], from[2];
  if (pipe2(to, O_CLOEXEC) < 0 || pipe2(from, O_CLOEXEC) < 0) die("pipe", -1);
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  sigset_t pipe_default;
  sigemptyset(&pipe_default);
  sigaddset(&pipe_default, SIGPIPE); /* ignored here: writes to a dead server fail instead */
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, to[0], 0);
  posix_spawn_file_actions_adddup2(&actions, from[1], 1);
  posix_spawnattr_init(&attr);
  posix_spawnattr_setsigdefault(&attr, &pipe_default);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF);
  int rc = posix_spawnp(&s->pid, argv[0], &actions, &attr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  close(to[0]);
  close(from[1]);
  if (rc) {
    close(to[1]);
    close(from[0]);
    fprintf(stderr, "kobjns-bench: cannot start %s (%s): %s\n", what, argv[0], strerror(rc));
    if (strstr(what, "Wine"))
      fprintf(stderr,
              "kobjns-bench: KOBJNS_BENCH_WINE names the wine command (Debian: "
              "/usr/lib/wine/wine64; tools/bench sets it up)\n");
    stop_servers();
    exit(2);
  }
  s->what = what;
  s->in = to[1];
  s->out = from[0];
  s->len = 0;
  driver = getpid();
  servers[nservers++] = s;
}

/* Says goodbye to every server: quit, then the end of its stdin, and waits for it (a server that
 * does not go within QUIT_SECONDS is killed). Safe to call again, and from die(). */
static void stop_servers(void) {
  if (getpid() != driver) return;
  for (unsigned i = 0; i < nservers; i++) {
    if (write(servers[i]->in, "quit\n", 5) != 5) { /* gone already: the wait tells */
    }
    close(servers[i]->in);
    close(servers[i]->out);
  }
  for (unsigned i = 0; i < nservers; i++) {
    server *s = servers[i];
    int waited = 0;
    for (int tenths = 0; tenths < QUIT_SECONDS * 10; tenths++) {
      if ((waited = waitpid(s->pid, NULL, WNOHANG)) != 0) break;
      usleep(100000);
    }
    if (waited == 0) {
      fprintf(stderr, "kobjns-bench: %s (pid %ld) did not quit: killed\n", s->what, (long)s->pid);
      kill(s->pid, SIGKILL);
      waitpid(s->pid, NULL, 0);
    }
  }
  nservers = 0;
}

__attribute__((format(printf, 2, 3), noreturn)) static void server_failed(server *s,
                                                                          const char *fmt, ...) {
  va_list ap;
  fprintf(stderr, "kobjns-bench: %s (pid %ld): ", s->what, (long)s->pid);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
  stop_servers();
  exit(2);
}

/* Sends a command (its text kept in s->sent for messages). */
__attribute__((format(printf, 2, 3))) static void send_command(server *s, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(s->sent, sizeof s->sent - 1, fmt, ap);
  va_end(ap);
  if (n < 0 || (size_t)n >= sizeof s->sent - 1) server_failed(s, "command too long");
  s->sent[n] = '\n';
  if (write(s->in, s->sent, (size_t)n + 1) != n + 1)
    server_failed(s, "cannot send \"%.*s\": %s", n, s->sent, strerror(errno));
  s->sent[n] = '\0';
}

/* The reply's line to the last command (without its \r\n: Windows' stdout adds \r). */
static const char *reply_to(server *s) {
  static char line[sizeof s->buf];
  const char *command = s->sent;
  int n = (int)strlen(command) + 1;
  for (;;) {
    char *end = memchr(s->buf, '\n', s->len);
    if (end) {
      size_t size = (size_t)(end - s->buf);
      memcpy(line, s->buf, size);
      line[size] = '\0';
      if (size && line[size - 1] == '\r') line[size - 1] = '\0';
      s->len -= size + 1;
      memmove(s->buf, end + 1, s->len);
      if (!strncmp(line, "error ", 6))
        server_failed(s, "\"%.*s\" failed: %s (call, then the Win32 error code)", n - 1, command,
                      line + 6);
      return line;
    }
    if (s->len == sizeof s->buf) server_failed(s, "a reply longer than %zu bytes", s->len);
    struct pollfd p = {.fd = s->out, .events = POLLIN};
    int ready = poll(&p, 1, REPLY_SECONDS * 1000);
    if (ready == 0)
      server_failed(s, "no reply to \"%.*s\" within %d s", n - 1, command, REPLY_SECONDS);
    if (ready < 0) {
      if (errno == EINTR) continue;
      server_failed(s, "poll: %s", strerror(errno));
    }
    ssize_t got = read(s->out, s->buf + s->len, sizeof s->buf - s->len);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0)
      server_failed(s, "ended without replying to \"%.*s\" (see its messages above)", n - 1,
                    command);
    s->len += (size_t)got;
  }
}

#define ask(s, ...) (send_command((s), __VA_ARGS__), reply_to(s))

/* "hold NAME": the server holds a handle to the section NAME. */
static void ask_hold(server *s, const char *name) {
  const char *reply = ask(s, "hold %s", name);
  if (strcmp(reply, "ok")) server_failed(s, "unexpected reply: %s", reply);
}

/* ns per operation of `iters` operations, as the server measured them. */
static double timed(server *s, const char *command, const char *name, unsigned iters) {
  const char *reply = ask(s, "%s %s %u", command, name, iters);
  char *end;
  double ns = strtod(reply, &end);
  if (end == reply || *end || !(ns > 0)) server_failed(s, "not a time: \"%s\"", reply);
  return ns;
}

/* The Win32 rows' servers: a worker and a holder (for the open row) of each build. */
static struct {
  server facade, facade_holder, wine, wine_holder;
  bool with_wine;
  char cycle_name[96], held_name[96], wine_version[64];
} w;

/* One row: facade, raw and Wine repetitions interleaved; medians and the medians of the
 * per-repetition ratios. Returns Wine's median ratio to raw POSIX (0 without Wine). */
static double win32_row(const char *label, const char *command, const char *name,
                        void (*raw)(unsigned)) {
  double f[64], r[64], x[64], fr[64], xf[64], xr[64];
  unsigned reps = opt.reps < 64 ? opt.reps : 64;
  timed(&w.facade, command, name, 1); /* warm every path once */
  raw(0);
  if (w.with_wine) timed(&w.wine, command, name, 1);
  for (unsigned i = 0; i < reps; i++) {
    f[i] = timed(&w.facade, command, name, opt.iters);
    r[i] = per_op(raw, opt.iters);
    fr[i] = f[i] / r[i];
    if (w.with_wine) {
      x[i] = timed(&w.wine, command, name, opt.iters);
      xf[i] = x[i] / f[i];
      xr[i] = x[i] / r[i];
    }
  }
  double mf = median(f, reps), mr = median(r, reps), ratio = median(fr, reps);
  printf("%-30s %9.2f us %9.2f us %7.2fx", label, mf / 1e3, mr / 1e3, ratio);
  if (!w.with_wine) {
    printf(" %12s\n", "-");
    return 0;
  }
  double mx = median(x, reps), faster = median(xf, reps);
  bool ok = faster >= WINE_TARGET;
  if (!ok) missed++;
  printf(" %9.2f us %8.2fx   >= %.0fx  %s\n", mx / 1e3, faster, WINE_TARGET, ok ? "ok" : "MISSED");
  return median(xr, reps);
}

/* Pins server `s` to one CPU (cpu >= 0), or lets it run on any again (-1). */
static void pin(const server *s, int cpu) {
  cpu_set_t cpus;
  CPU_ZERO(&cpus);
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  for (long c = 0; c < n; c++)
    if (cpu < 0 || c == cpu % n) CPU_SET((int)c, &cpus);
  sched_setaffinity(s->pid, sizeof cpus, &cpus);
}

/* A two-process row of one build: both of its servers run `command` at once (one CPU each), as
 * roles 0 and 1. Ping-pong: ns per round trip; hand-off: ns per acquisition, and its fairness. */
static double win32_duo(server *a, server *b, const char *command, const char *name, unsigned iters,
                        fairness *f) {
  pin(a, 0), pin(b, 1);
  send_command(a, "%s %s %u 0", command, name, iters);
  send_command(b, "%s %s %u 1", command, name, iters);
  char replies[2][128];
  snprintf(replies[0], sizeof replies[0], "%s", reply_to(a));
  snprintf(replies[1], sizeof replies[1], "%s", reply_to(b));
  pin(a, -1), pin(b, -1);
  double ns[2] = {0, 0}, longest[2] = {0, 0};
  unsigned long got[2] = {0, 0};
  for (int k = 0; k < 2; k++)
    if (sscanf(replies[k], "%lf %lu %lf", &ns[k], &got[k], &longest[k]) < 1 || !(ns[k] > 0))
      server_failed(k ? b : a, "not a time: \"%s\"", replies[k]);
  if (!strcmp(command, "pingpong")) return ns[0];
  unsigned long total = got[0] + got[1];
  if (!total) server_failed(a, "no acquisitions: \"%s\"", replies[0]);
  f->share = (double)(got[0] < got[1] ? got[0] : got[1]) / (double)total;
  f->longest = longest[0] > longest[1] ? longest[0] : longest[1];
  f->switches = 0;
  return (ns[0] > ns[1] ? ns[0] : ns[1]) / (double)total;
}

/* Mutex and event rows through the facade and under Wine, as the native sync rows measure them:
 * the same program's calls, the facade's and Wine's repetitions interleaved. */
static void win32_sync_rows(void) {
  unsigned reps = opt.reps < MAXREPS ? opt.reps : MAXREPS;
  char mutex[128], events[128], duo[128];
  snprintf(mutex, sizeof mutex, "Local\\kobjns-bench.%s.mutex", run);
  snprintf(events, sizeof events, "Local\\kobjns-bench.%s.ping", run);
  snprintf(duo, sizeof duo, "Local\\kobjns-bench.%s.handoff", run);
  double f[3][MAXREPS], x[3][MAXREPS], xf[3][MAXREPS], share[2][MAXREPS], longest[2][MAXREPS];
  for (unsigned i = 0; i < reps; i++) {
    fairness fa;
    f[0][i] = timed(&w.facade, "lock", mutex, opt.iters);
    f[1][i] = win32_duo(&w.facade, &w.facade_holder, "pingpong", events, opt.iters, &fa);
    f[2][i] = win32_duo(&w.facade, &w.facade_holder, "handoff", duo, opt.iters * 10, &fa);
    share[0][i] = fa.share, longest[0][i] = fa.longest;
    if (!w.with_wine) continue;
    x[0][i] = timed(&w.wine, "lock", mutex, opt.iters);
    x[1][i] = win32_duo(&w.wine, &w.wine_holder, "pingpong", events, opt.iters, &fa);
    x[2][i] = win32_duo(&w.wine, &w.wine_holder, "handoff", duo, opt.iters * 10, &fa);
    share[1][i] = fa.share, longest[1][i] = fa.longest;
    for (int k = 0; k < 3; k++) xf[k][i] = x[k][i] / f[k][i];
  }
  static const char *const label[3] = {"lock + unlock, uncontended", "event ping-pong, round trip",
                                       "hand-off, 2 processes, per lock"};
  printf("%-30s %12s %12s %9s\n", "", "facade", w.with_wine ? w.wine_version : "Wine", "Wine/fac");
  for (int k = 0; k < 3; k++) {
    printf("%-30s %9.2f us", label[k], median(f[k], reps) / 1e3);
    if (w.with_wine)
      printf(" %9.2f us %8.2fx\n", median(x[k], reps) / 1e3, median(xf[k], reps));
    else
      printf(" %12s\n", "-");
  }
  for (int k = 0; k < (w.with_wine ? 2 : 1); k++)
    printf("  hand-off, %-8s smaller share %4.1f%%, longest wait %9.1f us (medians)\n",
           k ? "Wine" : "facade", 100 * median(share[k], reps), median(longest[k], reps) / 1e3);
}

/* The cycle and open rows through the facade and under Wine. The raw open row's object is the
 * one main's holder keeps (live = 1). */
static void win32_rows(void) {
  printf(
      "\nthe same through the Win32 API: libkobjns-winapi, raw POSIX, the mingw-w64 build under "
      "Wine\n");
  if (!opt.win32) {
    printf(
        "not measured: give --win32 PATH, the facade build of kobjns-bench-win32 "
        "(build/bench/kobjns-bench-win32); tools/bench runs every row\n");
    return;
  }
  const char *exe = opt.wine_exe ? opt.wine_exe : getenv("KOBJNS_BENCH_WINE_EXE");
  w.with_wine = exe && *exe;
  /* Names unique to the run: the facade's are under KOBJNS_ROOT too, Wine's only have the pid. */
  snprintf(w.cycle_name, sizeof w.cycle_name, "Local\\kobjns-bench.%s.cycle", run);
  snprintf(w.held_name, sizeof w.held_name, "Local\\kobjns-bench.%s.held", run);

  char *facade_argv[] = {(char *)opt.win32, NULL};
  start(&w.facade, "the facade program", facade_argv);
  start(&w.facade_holder, "the facade holder", facade_argv);
  if (w.with_wine) {
    /* KOBJNS_BENCH_WINE is a command: words separated by spaces, then the .exe. */
    static char command[512];
    char *wine_argv[16];
    unsigned n = 0;
    const char *wine = getenv("KOBJNS_BENCH_WINE");
    snprintf(command, sizeof command, "%s", wine && *wine ? wine : "wine");
    for (char *word = strtok(command, " \t"); word && n < 14; word = strtok(NULL, " \t"))
      wine_argv[n++] = word;
    wine_argv[n++] = (char *)exe;
    wine_argv[n] = NULL;
    setenv("WINEDEBUG", "-all", 0); /* Wine's own chatter, unless asked for */
    start(&w.wine, "the Wine program", wine_argv);
    start(&w.wine_holder, "the Wine holder", wine_argv);
  }
  /* Every server up (Wine takes seconds to start) and holding, before any timing. */
  for (unsigned i = 0; i < nservers; i++) {
    const char *reply = ask(servers[i], "hello");
    if (strncmp(reply, "ok ", 3)) server_failed(servers[i], "unexpected reply: %s", reply);
    if (servers[i] == &w.wine) snprintf(w.wine_version, sizeof w.wine_version, "%s", reply + 3);
  }
  ask_hold(&w.facade_holder, w.held_name);
  if (w.with_wine) ask_hold(&w.wine_holder, w.held_name);

  printf("%-30s %12s %12s %8s %12s %9s   %7s\n", "", "facade", "raw", "ratio",
         w.with_wine ? w.wine_version : "Wine", "Wine/fac", "target");
  double cycle = win32_row("cycle, 64 KiB", "cycle", w.cycle_name, raw_cycle);
  double open = win32_row("open + close, held elsewhere", "open", w.held_name, raw_open);
  win32_sync_rows();
  stop_servers();
  if (w.with_wine) /* the bound on Wine/fac, for a facade as fast as raw POSIX */
    printf(
        "Wine against raw POSIX: cycle %.2fx, open + close %.2fx (the most any library over\n"
        "POSIX shared memory could gain over Wine on these rows)\n",
        cycle, open);
  else
    printf(
        "Wine not measured: give --wine-exe PATH (or KOBJNS_BENCH_WINE_EXE), the mingw-w64 "
        "build\n(build-win64/bench/kobjns-bench-win32.exe), with KOBJNS_BENCH_WINE naming wine "
        "(default `wine`;\nDebian: /usr/lib/wine/wine64) and a WINEPREFIX; tools/bench does all "
        "of it\n");
}

/* --- scaling --------------------------------------------------------------------------------- */

/* A private namespace's open + close (this process holds it: the close is never the last), and
 * its floor: a read of the whole object directory, which the open makes to find the identity's
 * directories (their names end in a random instance), and which grows with every live object. */
static kobjns_boundary *scan_boundary;

static void ours_namespace_open_close(unsigned i) {
  (void)i;
  kobjns_namespace *ns = NULL;
  int rc = kobjns_namespace_open(NULL, scan_boundary, "BenchScan", &ns);
  if (rc) die("namespace open", rc);
  kobjns_namespace_close(ns, 0);
}

static void floor_directory_read(unsigned i) {
  (void)i;
  DIR *d = opendir("/dev/shm");
  if (!d) die("opendir", -1);
  while (readdir(d)) continue;
  closedir(d);
}

static void scaling(void) {
  kobjns_namespace *scan_ns = NULL;
  int rc = kobjns_boundary_create("BenchScan", &scan_boundary);
  if (!rc) rc = kobjns_boundary_add_sid(scan_boundary, "WD");
  if (!rc) rc = kobjns_namespace_create(NULL, scan_boundary, "BenchScan", NULL, &scan_ns);
  if (rc) die("a private namespace", rc);
  printf(
      "\nopen + close latency by live objects (random names among them), and a private "
      "namespace's\n");
  printf("%-12s %12s %12s %12s %12s   %12s %12s\n", "live", "kobjns", "7 calls", "raw", "ratio",
         "namespace", "dir read");
  holder holders[64];
  unsigned nholders = 0, held = 0;
  double first[3] = {0}, last[3] = {0};
  for (unsigned n = 10; n <= opt.max_objects; n *= 10) {
    while (held < n && nholders < 64) {
      unsigned count = n - held < HOLDER_MAX_OBJECTS ? n - held : HOLDER_MAX_OBJECTS;
      holders[nholders++] = hold(held, count);
      held += count;
    }
    live = held;
    double a[64], f[64], b[64], ns[64], dr[64];
    unsigned reps = opt.reps < 64 ? opt.reps : 64;
    /* a directory read of 100 000 entries takes milliseconds: fewer of those */
    unsigned scans = opt.iters / (n >= 10000 ? 40 : 1) + 1;
    for (unsigned r = 0; r < reps; r++) {
      a[r] = per_op(ours_open, opt.iters);
      f[r] = per_op(floor_open, opt.iters);
      b[r] = per_op(raw_open, opt.iters);
      ns[r] = per_op(ours_namespace_open_close, scans);
      dr[r] = per_op(floor_directory_read, scans);
    }
    double m[3] = {median(a, reps), median(f, reps), median(b, reps)};
    printf("%-12u %9.2f us %9.2f us %9.2f us %11.2fx   %9.2f us %9.2f us\n", n, m[0] / 1e3,
           m[1] / 1e3, m[2] / 1e3, m[0] / m[2], median(ns, reps) / 1e3, median(dr, reps) / 1e3);
    for (int i = 0; i < 3; i++) {
      if (n == 10) first[i] = m[i];
      last[i] = m[i];
    }
  }
  double growth = last[0] / first[0];
  bool ok = growth <= 1.25;
  if (!ok) missed++;
  printf("%-34s %9.2fx (7 calls %.2fx, raw %.2fx)   <= 1.25x  %s\n",
         "growth from 10 to the largest", growth, last[1] / first[1], last[2] / first[2],
         ok ? "ok" : "MISSED");
  /* Last first: a later holder inherited the release ends of the earlier ones. */
  while (nholders) let_go(&holders[--nholders]);
  kobjns_namespace_close(scan_ns, KOBJNS_NAMESPACE_DESTROY);
  kobjns_boundary_free(scan_boundary);
}

/* --- throughput ------------------------------------------------------------------------------ */

/* Create + close cycles of process-private names for opt.seconds_ms: the count, through a pipe. */
static double throughput(unsigned procs, bool raw) {
  int fds[2];
  if (pipe(fds) < 0) die("pipe", -1);
  fflush(NULL);
  for (unsigned p = 0; p < procs; p++) {
    pid_t pid = fork();
    if (pid < 0) die("fork", -1);
    if (pid) continue;
    close(fds[0]);
    char name[64];
    double end = now_ns() + opt.seconds_ms * 1e6;
    unsigned long count = 0;
    while (now_ns() < end) {
      for (int k = 0; k < 16; k++, count++) {
        if (raw) {
          snprintf(name, sizeof name, "/kobjns-bench.%s.tp%u", run, p);
          int fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600);
          if (fd < 0 || ftruncate(fd, PAGE) < 0) die("shm_open", -1);
          close(fd);
          shm_unlink(name);
        } else {
          snprintf(name, sizeof name, "bench.tp%u", p);
          kobjns_section *s;
          int rc = kobjns_section_create(NULL, name, PAGE, KOBJNS_MAP_WRITE, NULL, &s);
          if (rc) die("create", rc);
          kobjns_section_close(s);
        }
      }
    }
    if (write(fds[1], &count, sizeof count) != sizeof count) _exit(1);
    exit(0);
  }
  close(fds[1]);
  unsigned long total = 0, count;
  while (read(fds[0], &count, sizeof count) == sizeof count) total += count;
  close(fds[0]);
  while (wait(NULL) > 0) {
  }
  return total / (opt.seconds_ms / 1e3);
}

static void throughputs(void) {
  printf("\ncreate + close cycles per second (4 KiB sections, a name per process)\n");
  printf("%-12s %14s %14s %10s\n", "processes", "kobjns", "raw", "ratio");
  for (unsigned procs = 1; procs <= 8; procs *= 2) {
    double ours = throughput(procs, false), raw = throughput(procs, true);
    printf("%-12u %12.0f/s %12.0f/s %9.2fx\n", procs, ours, raw, raw / ours);
  }
}

/* --- synchronization: kobjns against its floors ----------------------------------------------- */

/* Each sync row runs kobjns and the floors it is measured against in interleaved repetitions:
 *   uncontended  lock + unlock: a kobjns mutex; a minimal 3-state futex mutex (the floor); a
 *                robust process-shared pthread mutex (what a careful raw program would use)
 *   ping-pong    two processes, each waits on its auto-reset event and sets the other's, per round
 *                trip (opt.iters * 5 of them): kobjns events; two futex words in a shared page
 *   hand-off     two processes each looping {lock; count; unlock} until opt.iters * 10
 *                acquisitions: a kobjns mutex (hands off, FIFO); a FIFO futex ticket lock (the
 *                floor: hands off too); the barging pthread mutex, with each one's shares
 * and the 2- and 4-process contention rows of the pthread comparison. kobjns cannot use a
 * pthread_mutex_t (docs/posix-backend.md): the futex rows are what one shared word costs. */
struct sync_page {
  pthread_mutex_t pm;
  _Atomic int fx;                 /* 3-state futex mutex: 0 free, 1 locked, 2 locked + waiters */
  _Atomic int ping[2];            /* futex auto-reset "events": 1 set */
  _Atomic unsigned next, serving; /* FIFO ticket lock */
  _Atomic unsigned ready;         /* duo(): both processes are running */
  volatile unsigned long counter; /* the critical section's work */
};
static struct sync_page *sp;
static kobjns_sync *bench_mutex, *bench_event[2];

static long futex(_Atomic int *word, int op, int value) {
  return syscall(SYS_futex, (int *)word, op, value, NULL, NULL, 0);
}

static void fx_lock(void) {
  int c = 0;
  if (atomic_compare_exchange_strong(&sp->fx, &c, 1)) return;
  if (c != 2) c = atomic_exchange(&sp->fx, 2);
  while (c != 0) {
    futex(&sp->fx, FUTEX_WAIT, 2);
    c = atomic_exchange(&sp->fx, 2);
  }
}

static void fx_unlock(void) {
  if (atomic_fetch_sub(&sp->fx, 1) != 1) {
    atomic_store(&sp->fx, 0);
    futex(&sp->fx, FUTEX_WAKE, 1);
  }
}

/* The floors wait as kobjns does (posix/sync.c: GRANT_SPIN_NS): they watch their word for up to
 * 10 us before they sleep, so that a hand-off caught awake costs neither a sleep nor a wake-up. */
#define SPIN_NS 10000.0

static bool spin_while(_Atomic int *word, int value) {
  for (double end = now_ns() + SPIN_NS;;) {
    for (int i = 0; i < 64; i++)
      if (atomic_load(word) != value) return true;
    if (now_ns() >= end) return false;
  }
}

static void ticket_lock(void) {
  unsigned mine = atomic_fetch_add(&sp->next, 1), now;
  while ((now = atomic_load(&sp->serving)) != mine)
    if (!spin_while((_Atomic int *)&sp->serving, (int)now))
      futex((_Atomic int *)&sp->serving, FUTEX_WAIT, (int)now);
}

static void ticket_unlock(void) {
  unsigned after = atomic_fetch_add(&sp->serving, 1) + 1;
  if (atomic_load(&sp->next) != after) /* someone holds a later ticket: wake them (all: FIFO) */
    futex((_Atomic int *)&sp->serving, FUTEX_WAKE, INT32_MAX);
}

static void kobjns_lock(void) {
  int rc = kobjns_wait(bench_mutex, KOBJNS_INFINITE);
  if (rc) die("wait", rc);
}

static void kobjns_unlock(void) {
  int rc = kobjns_mutex_release(bench_mutex);
  if (rc) die("release", rc);
}

static void pthread_lock(void) {
  if (pthread_mutex_lock(&sp->pm)) die("pthread_mutex_lock", -1);
}

static void pthread_unlock(void) { pthread_mutex_unlock(&sp->pm); }

#ifdef KOBJNS_BENCH_BOOST
static void boost_lock(void) {
  if (boost_mutex_lock()) die("Boost named_mutex lock", -1);
}

static void boost_unlock(void) {
  if (boost_mutex_unlock()) die("Boost named_mutex unlock", -1);
}

static void boost_lock_op(unsigned i) {
  (void)i;
  boost_lock();
  sp->counter++;
  boost_unlock();
}
#endif

static void ours_lock(unsigned i) {
  (void)i;
  kobjns_lock();
  sp->counter++;
  kobjns_unlock();
}

static void floor_lock(unsigned i) {
  (void)i;
  fx_lock();
  sp->counter++;
  fx_unlock();
}

static void raw_lock(unsigned i) {
  (void)i;
  pthread_lock();
  sp->counter++;
  pthread_unlock();
}

/* ns per lock + unlock with `procs` processes hammering the same mutex (each `opt.iters` times),
 * measured as the wall time of the whole run over every operation. */
static double contended(void (*op)(unsigned), unsigned procs) {
  int go[2];
  if (pipe(go) < 0) die("pipe", -1);
  fflush(NULL);
  pid_t pids[16];
  for (unsigned p = 0; p < procs; p++) {
    if ((pids[p] = fork()) < 0) die("fork", -1);
    if (pids[p] == 0) {
      close(go[1]);
      char byte;
      if (read(go[0], &byte, 1) < 0) _exit(1); /* everyone starts together */
      for (unsigned i = 0; i < opt.iters * 10; i++) op(i);
      _exit(0);
    }
  }
  close(go[0]);
  double start = now_ns();
  close(go[1]);
  for (unsigned p = 0; p < procs; p++) waitpid(pids[p], NULL, 0);
  return (now_ns() - start) / ((double)opt.iters * 10 * procs);
}

/* What each of two processes reports of its loop. */
typedef struct {
  int p;
  double start, end, longest;
  unsigned long count;
  long switches;
} duo_result;

static long switches(void) {
  struct rusage u;
  getrusage(RUSAGE_SELF, &u);
  return u.ru_nvcsw + u.ru_nivcsw;
}

/* Runs body(0) and body(1) in two processes started together; their results in out[0], out[1]. */
static void duo(void (*body)(int p, duo_result *r), duo_result out[2]) {
  int go[2], back[2];
  if (pipe(go) < 0 || pipe(back) < 0) die("pipe", -1);
  fflush(NULL);
  pid_t pids[2];
  for (int p = 0; p < 2; p++) {
    if ((pids[p] = fork()) < 0) die("fork", -1);
    if (pids[p] == 0) {
      close(go[1]);
      close(back[0]);
      char byte;
      if (read(go[0], &byte, 1) < 0) _exit(1);
      /* One CPU each (two on one CPU take turns by time slice, not by the lock), and both
       * running before either starts: a process woken late would find the run over. */
      cpu_set_t cpus;
      CPU_ZERO(&cpus);
      CPU_SET(p % (int)sysconf(_SC_NPROCESSORS_ONLN), &cpus);
      sched_setaffinity(0, sizeof cpus, &cpus);
      atomic_fetch_add(&sp->ready, 1);
      while (atomic_load(&sp->ready) < 2) sched_yield();
      duo_result r = {.p = p};
      long before = switches();
      r.start = now_ns();
      body(p, &r);
      r.end = now_ns();
      r.switches = switches() - before;
      if (write(back[1], &r, sizeof r) != sizeof r) _exit(1);
      _exit(0);
    }
  }
  close(go[0]);
  close(back[1]);
  atomic_store(&sp->ready, 0);
  close(go[1]);
  for (int k = 0; k < 2; k++) {
    duo_result r;
    if (read(back[0], &r, sizeof r) != sizeof r) die("a sync helper failed", -1);
    out[r.p] = r;
  }
  close(back[0]);
  for (int p = 0; p < 2; p++) waitpid(pids[p], NULL, 0);
}

/* --- ping-pong */

static bool pp_kobjns;

static void pp_set(int e) {
  if (pp_kobjns) {
    int rc = kobjns_event_set(bench_event[e]);
    if (rc) die("event set", rc);
  } else {
    atomic_store(&sp->ping[e], 1);
    futex(&sp->ping[e], FUTEX_WAKE, 1);
  }
}

static void pp_wait(int e) {
  if (pp_kobjns) {
    int rc = kobjns_wait(bench_event[e], KOBJNS_INFINITE);
    if (rc) die("event wait", rc);
  } else {
    while (!atomic_exchange(&sp->ping[e], 0))
      if (!spin_while(&sp->ping[e], 0)) futex(&sp->ping[e], FUTEX_WAIT, 0);
  }
}

static void ping_pong(int p, duo_result *r) {
  unsigned rounds = opt.iters * 5;
  for (unsigned i = 0; i < rounds; i++) {
    if (p == 0) {
      pp_set(1);
      pp_wait(0);
    } else {
      pp_wait(1);
      pp_set(0);
    }
  }
  r->count = rounds;
}

/* ns per round trip and context switches per round trip (both processes). */
static double pp_run(bool kobjns, double *csw) {
  pp_kobjns = kobjns;
  duo_result r[2];
  duo(ping_pong, r);
  *csw = (double)(r[0].switches + r[1].switches) / r[0].count;
  return (r[0].end - r[0].start) / r[0].count;
}

/* --- hand-off */

static void (*ho_lock)(void), (*ho_unlock)(void);
static double ho_hold_ns; /* the critical section's length (0: one increment) */

static void hand_off(int p, duo_result *r) {
  (void)p;
  unsigned long total = ho_hold_ns > 0 ? opt.iters : opt.iters * 10ul;
  for (;;) {
    double t = now_ns();
    ho_lock();
    double waited = now_ns() - t;
    if (waited > r->longest) r->longest = waited;
    bool done = sp->counter >= total;
    if (!done) sp->counter++, r->count++;
    for (double end = now_ns() + ho_hold_ns; ho_hold_ns > 0 && now_ns() < end;) continue;
    ho_unlock();
    if (done) break;
  }
}

/* ns per acquisition (wall time of both over every acquisition), and its fairness. */
static double ho_run(void (*lock)(void), void (*unlock)(void), fairness *f) {
  ho_lock = lock, ho_unlock = unlock;
  sp->counter = 0;
  duo_result r[2];
  duo(hand_off, r);
  double start = r[0].start < r[1].start ? r[0].start : r[1].start;
  double end = r[0].end > r[1].end ? r[0].end : r[1].end;
  unsigned long n = r[0].count + r[1].count;
  f->share = (double)(r[0].count < r[1].count ? r[0].count : r[1].count) / n;
  f->longest = r[0].longest > r[1].longest ? r[0].longest : r[1].longest;
  f->switches = (double)(r[0].switches + r[1].switches) / n;
  return (end - start) / n;
}

/* --- more processes than CPUs */

#define CROWD_MAX 16
#define CROWD_HOLD_US 200 /* the critical section: long enough to be preempted in */

/* `procs` processes loop {lock; hold CROWD_HOLD_US of CPU; unlock} for `ms` milliseconds, more of
 * them than CPUs: a lock whose releaser may take it straight back starves whoever sleeps. The
 * smallest share and the longest wait; the acquisitions in all. */
static unsigned long crowd(void (*lock)(void), void (*unlock)(void), unsigned procs, unsigned ms,
                           fairness *f) {
  static _Atomic unsigned long *counts;
  static double *longest;
  static _Atomic int *stop;
  if (!counts) {
    void *page = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (page == MAP_FAILED) die("mmap", -1);
    counts = page;
    longest = (double *)(counts + CROWD_MAX);
    stop = (_Atomic int *)(longest + CROWD_MAX);
  }
  atomic_store(stop, 0);
  fflush(NULL);
  pid_t pids[CROWD_MAX];
  for (unsigned p = 0; p < procs; p++) {
    atomic_store(&counts[p], 0);
    longest[p] = 0;
    if ((pids[p] = fork()) < 0) die("fork", -1);
    if (pids[p] == 0) {
      while (!atomic_load(stop)) {
        double t = now_ns();
        lock();
        double waited = now_ns() - t;
        if (waited > longest[p]) longest[p] = waited;
        atomic_fetch_add(&counts[p], 1);
        for (double end = now_ns() + CROWD_HOLD_US * 1e3; now_ns() < end;) continue;
        unlock();
      }
      _exit(0);
    }
  }
  usleep(ms * 1000u);
  atomic_store(stop, 1);
  for (unsigned p = 0; p < procs; p++) waitpid(pids[p], NULL, 0);
  unsigned long total = 0, fewest = ~0ul;
  f->longest = 0;
  for (unsigned p = 0; p < procs; p++) {
    total += counts[p];
    if (counts[p] < fewest) fewest = counts[p];
    if (longest[p] > f->longest) f->longest = longest[p];
  }
  f->share = total ? (double)fewest / total : 0;
  f->switches = 0;
  return total;
}

static void sync_line(const char *label, double ours, double floor, double ratio, double target) {
  printf("%-34s %9.2f us %9.2f us %7.2fx", label, ours / 1e3, floor / 1e3, ratio);
  if (target == 0) {
    printf("\n");
    return;
  }
  bool ok = ratio <= target;
  if (!ok) missed++;
  printf("   <= %.2fx  %s\n", target, ok ? "ok" : "MISSED");
}

/* The locks the contended rows compare: kobjns, its floor (a FIFO futex ticket lock), and what
 * C and C++ programs use instead. */
typedef struct {
  const char *who;
  void (*lock)(void), (*unlock)(void);
} contender;
static const contender contenders[] = {
    {"kobjns", kobjns_lock, kobjns_unlock},
    {"futex FIFO", ticket_lock, ticket_unlock},
    {"pthread", pthread_lock, pthread_unlock},
#ifdef KOBJNS_BENCH_BOOST
    {"Boost", boost_lock, boost_unlock},
#endif
};
enum { CONTENDERS = sizeof contenders / sizeof contenders[0] };

/* Two processes alternating on one lock, one CPU each, `hold_ns` under the lock: every
 * contender in interleaved repetitions, kobjns against the floor (target 1.5x). */
static void hand_off_rows(const char *label, const char *caption, double hold_ns) {
  unsigned reps = opt.reps < MAXREPS ? opt.reps : MAXREPS;
  double t[CONTENDERS][MAXREPS], ratio[CONTENDERS][MAXREPS];
  double share[CONTENDERS][MAXREPS], longest[CONTENDERS][MAXREPS], csw[CONTENDERS][MAXREPS];
  ho_hold_ns = hold_ns;
  for (unsigned i = 0; i < reps; i++) {
    for (int k = 0; k < CONTENDERS; k++) {
      fairness f;
      t[k][i] = ho_run(contenders[k].lock, contenders[k].unlock, &f);
      share[k][i] = f.share, longest[k][i] = f.longest, csw[k][i] = f.switches;
    }
    for (int k = 0; k < CONTENDERS; k++) ratio[k][i] = t[k][i] / t[1][i];
  }
  ho_hold_ns = 0;
  sync_line(label, median(t[0], reps), median(t[1], reps), median(ratio[0], reps), 1.5);
  printf("  (%s)\n", caption);
  for (int k = 2; k < CONTENDERS; k++) {
    char name[64];
    snprintf(name, sizeof name, "  %s against the floor", contenders[k].who);
    sync_line(name, median(t[k], reps), median(t[1], reps), median(ratio[k], reps), 0);
  }
  for (int k = 0; k < CONTENDERS; k++)
    printf(
        "  %-12s smaller share %4.1f%%, longest wait %9.1f us, %.2f context switches per lock "
        "(medians)\n",
        contenders[k].who, 100 * median(share[k], reps), median(longest[k], reps) / 1e3,
        median(csw[k], reps));
}

/* Alertable waits, queued calls and timers, each against the plainer operation it builds on. */
static kobjns_sync *set_event, *auto_event, *bench_timer;

static void plain_wait(unsigned i) {
  (void)i;
  kobjns_wait(set_event, 0);
}
static void alertable_wait(unsigned i) {
  (void)i;
  kobjns_wait_ex(&set_event, 1, KOBJNS_WAIT_ALERTABLE, 0, NULL);
}
static void nothing(void *context, uintptr_t arg) { (void)context, (void)arg; }
static void apc_round_trip(unsigned i) {
  (void)i;
  kobjns_apc_queue(NULL, nothing, NULL, 0);
  kobjns_sleep(0, KOBJNS_WAIT_ALERTABLE);
}
static void event_set_and_take(unsigned i) {
  (void)i;
  kobjns_event_set(auto_event);
  kobjns_wait(auto_event, 0);
}
static void timer_set_and_take(unsigned i) {
  (void)i;
  kobjns_timer_set(bench_timer, 0, 0, NULL, NULL, 0); /* due now */
  kobjns_wait(bench_timer, 0);
}

static void alerts_and_timers(void) {
  int rc = kobjns_event_create(NULL, NULL, 1, 1, NULL, &set_event);
  if (!rc) rc = kobjns_event_create(NULL, NULL, 0, 0, NULL, &auto_event);
  if (!rc) rc = kobjns_timer_create(NULL, NULL, 0, NULL, &bench_timer);
  if (rc) die("alerts set-up", rc);
  printf("\nalertable waits, queued calls and timers, one thread (docs/performance.md)\n");
  printf("%-34s %12s %12s %8s   %7s\n", "", "kobjns", "floor", "ratio", "target");
  compare("alertable wait, signaled event", alertable_wait, plain_wait, 0);
  printf("  (floor: the same wait, not alertable)\n");
  compare("queue a call + alertable sleep(0)", apc_round_trip, alertable_wait, 0);
  printf("  (floor: an alertable wait that finds its object signaled)\n");
  compare("timer set (due now) + wait", timer_set_and_take, event_set_and_take, 0);
  printf("  (floor: an auto-reset event set + wait)\n");
  kobjns_sync_close(bench_timer);
  kobjns_sync_close(auto_event);
  kobjns_sync_close(set_event);
}

/* --- processes ------------------------------------------------------------------------------ */

extern char **environ;
#define INHERITED 100
static kobjns_sync *inherited_events[INHERITED];
static int kept_fds[INHERITED];
static bool with_inheritance;

/* Start /bin/true and wait for its end, through kobjns (with or without 100 inheritable handles
 * passed on) and through posix_spawn + waitpid (with as many descriptors kept open). */
static void ours_spawn(unsigned i) {
  (void)i;
  kobjns_process_start s = {.application = "/bin/true", .inherit_handles = with_inheritance};
  kobjns_sync *p = NULL;
  int rc = kobjns_process_create(&s, &p, NULL, NULL, NULL);
  if (rc) die("kobjns_process_create", rc);
  kobjns_wait(p, KOBJNS_INFINITE);
  kobjns_close(p);
}

static void raw_spawn(unsigned i) {
  (void)i;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  for (int k = 0; with_inheritance && k < INHERITED; k++)
    posix_spawn_file_actions_adddup2(&actions, kept_fds[k], kept_fds[k]);
  char *argv[] = {"/bin/true", NULL};
  pid_t pid;
  int err = posix_spawn(&pid, "/bin/true", &actions, NULL, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  if (err) die("posix_spawn", err);
  waitpid(pid, NULL, 0);
}

static void processes(void) {
  for (int k = 0; k < INHERITED; k++) {
    int rc = kobjns_event_create(NULL, NULL, 1, 0, NULL, &inherited_events[k]);
    if (!rc)
      rc = kobjns_handle_set_flags(inherited_events[k], KOBJNS_HANDLE_FLAG_INHERIT,
                                   KOBJNS_HANDLE_FLAG_INHERIT);
    if (rc) die("process set-up", rc);
    kept_fds[k] = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (kept_fds[k] < 0) die("open /dev/null", errno);
  }
  unsigned iters = opt.iters;
  opt.iters = iters / 10 ? iters / 10 : 1; /* a start is a millisecond: fewer of them */
  printf("\nprocesses (docs/performance.md)\n");
  printf("%-34s %12s %12s %8s   %7s\n", "", "kobjns", "floor", "ratio", "target");
  with_inheritance = false;
  compare("start /bin/true + wait + close", ours_spawn, raw_spawn, 0);
  printf("  (floor: posix_spawn + waitpid)\n");
  with_inheritance = true;
  compare("  with 100 handles inherited", ours_spawn, raw_spawn, 0);
  printf("  (floor: posix_spawn keeping 100 descriptors open)\n");
  opt.iters = iters;
  for (int k = 0; k < INHERITED; k++) {
    kobjns_close(inherited_events[k]);
    close(kept_fds[k]);
  }
}

static void mutexes(void) {
  void *page = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (page == MAP_FAILED) die("mmap", -1);
  sp = page;
  pthread_mutexattr_t attr;
  pthread_mutexattr_init(&attr);
  pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
  pthread_mutexattr_setrobust(&attr, PTHREAD_MUTEX_ROBUST);
  pthread_mutex_init(&sp->pm, &attr);
  pthread_mutexattr_destroy(&attr);
  int rc = kobjns_mutex_create(NULL, "bench.mutex", 0, NULL, &bench_mutex);
  if (!rc) rc = kobjns_event_create(NULL, "bench.ping0", 0, 0, NULL, &bench_event[0]);
  if (!rc) rc = kobjns_event_create(NULL, "bench.ping1", 0, 0, NULL, &bench_event[1]);
  if (rc) die("sync create", rc);
#ifdef KOBJNS_BENCH_BOOST
  char boost_name[64];
  snprintf(boost_name, sizeof boost_name, "kobjns-bench.%s.mutex", run);
  if (boost_mutex_open(boost_name)) die("Boost named_mutex", -1);
#endif
  unsigned reps = opt.reps < MAXREPS ? opt.reps : MAXREPS;
  double a[MAXREPS], b[MAXREPS], c[MAXREPS], d[MAXREPS], r1[MAXREPS], r2[MAXREPS], r3[MAXREPS];

  printf("\nsynchronization against its floors (docs/performance.md)\n");
  printf("%-34s %12s %12s %8s   %7s\n", "", "kobjns", "floor", "ratio", "target");
  /* Uncontended: kobjns, the futex floor, pthread (and Boost) interleaved. */
  void (*boost_op)(unsigned) = floor_lock; /* a stand-in where there is no Boost row */
#ifdef KOBJNS_BENCH_BOOST
  boost_op = boost_lock_op;
#endif
  ours_lock(0), floor_lock(0), raw_lock(0), boost_op(0);
  for (unsigned i = 0; i < reps; i++) {
    a[i] = per_op(ours_lock, opt.iters);
    b[i] = per_op(floor_lock, opt.iters);
    c[i] = per_op(raw_lock, opt.iters);
    d[i] = per_op(boost_op, opt.iters);
    r1[i] = a[i] / b[i], r2[i] = a[i] / c[i], r3[i] = a[i] / d[i];
  }
  double ma = median(a, reps), mb = median(b, reps), mc = median(c, reps);
  sync_line("lock + unlock, uncontended", ma, mb, median(r1, reps), 0);
  printf("  (floor: a 3-state futex mutex)\n");
  sync_line("  against a robust pshared pthread", ma, mc, median(r2, reps), 2.0);
#ifdef KOBJNS_BENCH_BOOST
  sync_line("  against Boost named_mutex", ma, median(d, reps), median(r3, reps), 0);
#else
  (void)r3; /* measured against a stand-in only */
#endif

  /* Ping-pong of two auto-reset events between two processes. */
  double csw_a[MAXREPS], csw_b[MAXREPS];
  for (unsigned i = 0; i < reps; i++) {
    a[i] = pp_run(true, &csw_a[i]);
    b[i] = pp_run(false, &csw_b[i]);
    r1[i] = a[i] / b[i];
  }
  ma = median(a, reps), mb = median(b, reps);
  sync_line("event ping-pong, per round trip", ma, mb, median(r1, reps), 1.5);
  printf("  (floor: two futex words; %.2f vs %.2f context switches per round trip)\n",
         median(csw_a, reps), median(csw_b, reps));

  hand_off_rows(
      "hand-off, 2 processes, per lock",
      "floor: a FIFO futex ticket lock; one increment under the lock: waiters caught awake", 0);
  hand_off_rows(
      "hand-off, 50 us critical section",
      "the same with 50 us of work under the lock: every acquisition a sleep and a wake-up", 50e3);

  /* More processes than CPUs, holds long enough to be preempted in: who starves. */
  unsigned procs = (unsigned)sysconf(_SC_NPROCESSORS_ONLN) + 1;
  if (procs > CROWD_MAX) procs = CROWD_MAX;
  printf("\n%u processes on %u CPUs, each looping {lock; %d us of work; unlock} for %u ms\n", procs,
         procs - 1, CROWD_HOLD_US, opt.seconds_ms);
  for (int k = 0; k < CONTENDERS; k++) {
    fairness f;
    unsigned long n = crowd(contenders[k].lock, contenders[k].unlock, procs, opt.seconds_ms, &f);
    printf(
        "  %-12s %6lu acquisitions, smallest share %4.1f%% (fair: %4.1f%%), longest wait %8.1f "
        "ms\n",
        contenders[k].who, n, 100 * f.share, 100.0 / procs, f.longest / 1e6);
  }

  printf("\nmutex lock + unlock, contended (a kobjns mutex; a raw robust pshared pthread mutex)\n");
  /* The children inherit the handle (fork) and the raw mapping. */
  for (unsigned n = 2; n <= 4; n *= 2) {
    for (unsigned i = 0; i < reps; i++) {
      a[i] = contended(ours_lock, n);
      b[i] = contended(raw_lock, n);
      r1[i] = a[i] / b[i];
    }
    char label[64];
    snprintf(label, sizeof label, "contended, %u processes", n);
    printf("%-34s %9.2f us %9.2f us %7.2fx\n", label, median(a, reps) / 1e3, median(b, reps) / 1e3,
           median(r1, reps));
  }
#ifdef KOBJNS_BENCH_BOOST
  boost_mutex_close(boost_name);
#endif
  kobjns_sync_close(bench_event[1]);
  kobjns_sync_close(bench_event[0]);
  kobjns_sync_close(bench_mutex);
  pthread_mutex_destroy(&sp->pm);
  munmap(page, PAGE);
}

/* --- many handles in one process ------------------------------------------------------------ */

/* A process creates N events (a name each) and exits holding them all: what a create costs at
 * the start and at the end (a per-process table that grows with the handles would slow the later
 * ones down), and how long the exit-time close of them all takes (Windows closes a process's
 * handles when it ends; so does kobjns). N: --max-objects, from 2 000 to 20 000. */
static void many_handles(void) {
  unsigned n = opt.max_objects < 2000 ? 2000 : opt.max_objects > 20000 ? 20000 : opt.max_objects;
  int report[2];
  if (pipe(report) < 0) die("pipe", -1);
  fflush(NULL);
  pid_t pid = fork();
  if (pid < 0) die("fork", -1);
  if (pid == 0) {
    close(report[0]);
    double cost[2] = {0, 0}; /* the first and the last 1 000 creates */
    for (unsigned i = 0; i < n; i++) {
      char name[64];
      snprintf(name, sizeof name, "bench.many.%u", i);
      kobjns_sync *e;
      double t = now_ns();
      int rc = kobjns_event_create(NULL, name, 0, 0, NULL, &e);
      if (rc) die("event create", rc);
      t = now_ns() - t;
      if (i < 1000) cost[0] += t;
      if (i >= n - 1000) cost[1] += t;
    }
    if (write(report[1], cost, sizeof cost) != sizeof cost) _exit(1);
    exit(0); /* not _exit: the exit-time close is what is measured */
  }
  close(report[1]);
  double cost[2];
  if (read(report[0], cost, sizeof cost) != sizeof cost) die("the many-handles helper failed", -1);
  double start = now_ns();
  waitpid(pid, NULL, 0);
  double exit_ns = now_ns() - start;
  close(report[0]);
  printf("\nmany handles in one process (%u events, a name each)\n", n);
  printf("%-34s %9.2f us\n", "create, the first 1 000", cost[0] / 1000 / 1e3);
  printf("%-34s %9.2f us   (%.2fx the first)\n", "create, the last 1 000", cost[1] / 1000 / 1e3,
         cost[1] / cost[0]);
  printf("%-34s %9.1f ms   (%.1f us a handle)\n", "exit, closing every handle", exit_ns / 1e6,
         exit_ns / n / 1e3);
}

/* --- listing ---------------------------------------------------------------------------------- */

/* A process that creates sections "<base>.0" ... "<base>.<n - 1>" and dies holding them (no
 * exit-time close: what a killed process leaves), so that they are stale. */
static void leave_stale(const char *base, unsigned n) {
  fflush(NULL);
  pid_t pid = fork();
  if (pid < 0) die("fork", -1);
  if (pid == 0) {
    for (unsigned i = 0; i < n; i++) {
      char name[64];
      snprintf(name, sizeof name, "%s.%u", base, i);
      kobjns_section *s;
      int rc = kobjns_section_create(NULL, name, PAGE, KOBJNS_MAP_WRITE, NULL, &s);
      if (rc) die("create", rc);
    }
    _exit(0);
  }
  waitpid(pid, NULL, 0);
}

static int count_object(const kobjns_object *o, void *arg) {
  (void)o;
  (*(size_t *)arg)++;
  return 0;
}

/* kobjns_object_list (what `kobjns ls` does) over N live objects held by a helper and N stale
 * ones whose creator died: each object's holders come from the kernel's lock table, read once
 * per listing (and once more for the objects that show none). N: --max-objects, at most
 * HOLDER_MAX_OBJECTS. */
static void listing(void) {
  unsigned n = opt.max_objects < HOLDER_MAX_OBJECTS ? opt.max_objects : HOLDER_MAX_OBJECTS;
  holder h = hold(0, n);
  leave_stale("bench.stale", n);
  size_t count = 0;
  double start = now_ns();
  int rc = kobjns_object_list(count_object, &count);
  double ns = now_ns() - start;
  if (rc) die("list", rc);
  printf("\nlisting (kobjns_object_list, as `kobjns ls`)\n");
  printf("%u live + %u stale objects: %zu listed in %.1f ms (%.2f us an object)\n", n, n, count,
         ns / 1e6, ns / (double)count / 1e3);
  let_go(&h);
  size_t removed = 0;
  kobjns_cleanup(&removed);
}

/* --- the background sweep ----------------------------------------------------------------- */

/* What the sweep of stale objects costs the calls that make it: every create and open reads the
 * clock, and at most every 50 ms one of them looks at the next 64 entries of the tree, removing
 * what dead processes left. Here 2 000 sections of a process that died holding them are swept by
 * open + close calls on a held name, each call timed: the calls that made a step are the slow
 * ones. Its floor: the same system calls (open, a lock probe, fstat, unlink, close) on 64 plain
 * files, with a directory read. */
#define SWEEP_STALE 2000
#define SWEEP_BATCH 64
#define SWEEP_CALLS 200000

static int by_ns(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x < y) - (x > y); /* largest first */
}

/* The sweep row's stale objects still there: their names, in either platform's layout
 * ("kobjns." where an object is one file, "kobjnsa." where its name is apart from its bytes). */
static unsigned stale_left(void) {
  char prefix[96], apart[96];
  snprintf(prefix, sizeof prefix, "kobjns.%s.g.bench.sweep.", run);
  snprintf(apart, sizeof apart, "kobjnsa.%s.g.bench.sweep.", run);
  DIR *d = opendir("/dev/shm");
  unsigned n = 0;
  if (!d) die("opendir", -1);
  for (struct dirent *e; (e = readdir(d));)
    n += !strncmp(e->d_name, prefix, strlen(prefix)) || !strncmp(e->d_name, apart, strlen(apart));
  closedir(d);
  return n;
}

static double floor_sweep_batch(void) {
  char names[SWEEP_BATCH][96];
  for (unsigned i = 0; i < SWEEP_BATCH; i++) {
    snprintf(names[i], sizeof names[i], "/dev/shm/kobjns-bench-sweep.%s.%u", run, i);
    int fd = open(names[i], O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) die("floor create", -1);
    close(fd);
  }
  double start = now_ns();
  DIR *d = opendir("/dev/shm");
  if (!d) die("opendir", -1);
  for (unsigned i = 0; i < SWEEP_BATCH && readdir(d); i++) {
  }
  closedir(d);
  for (unsigned i = 0; i < SWEEP_BATCH; i++) {
    int fd = open(names[i], O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    struct stat st;
    if (fd < 0 || flock(fd, LOCK_EX | LOCK_NB) < 0 || fstat(fd, &st) < 0 || unlink(names[i]) < 0)
      die("floor sweep", -1);
    close(fd);
  }
  return now_ns() - start;
}

static void sweep(void) {
  static double took[SWEEP_CALLS];
  leave_stale("bench.sweep", SWEEP_STALE);
  holder h = hold(0, 1);
  live = 1;
  unsigned calls = 0;
  double start = now_ns();
  while (calls < SWEEP_CALLS && stale_left() > 0 && now_ns() - start < 30e9)
    for (unsigned k = 0; k < 1000 && calls < SWEEP_CALLS; k++) {
      double t = now_ns();
      ours_open(0);
      took[calls++] = now_ns() - t;
    }
  double seconds = (now_ns() - start) / 1e9;
  unsigned left = stale_left();
  let_go(&h);
  /* A step every 50 ms of the run: the slowest calls are they. */
  unsigned steps = (unsigned)(seconds * 1000 / 50);
  if (steps < 1) steps = 1;
  if (steps > calls / 2) steps = calls / 2;
  qsort(took, calls, sizeof *took, by_ns);
  double step_total = 0;
  for (unsigned i = 0; i < steps; i++) step_total += took[i];
  double rest = median(took + steps, calls - steps), all = 0;
  for (unsigned i = 0; i < calls; i++) all += took[i];
  double floor_ns[9];
  for (unsigned r = 0; r < 9; r++) floor_ns[r] = floor_sweep_batch();
  double step = median(took, steps), floor = median(floor_ns, 9);
  printf(
      "\nthe background sweep (%u stale sections of a dead process, swept by open + close of "
      "a held name)\n",
      SWEEP_STALE);
  printf("%-34s %9.2f us %9.2f us %7.2fx   (the same calls on 64 plain files)\n",
         "a call that made a step", step / 1e3, floor / 1e3, step / floor);
  printf("%-34s %9.2f us   (median of the %u others)\n", "a call that did not", rest / 1e3,
         calls - steps);
  printf("%-34s %9.2f us   (%.1f %% of a call: %u steps in %u calls, %.1f s)\n",
         "the sweep, spread over every call", step_total / calls / 1e3, 100 * step_total / all,
         steps, calls, seconds);
  printf("%-34s %9u left of %u\n", "stale sections", left, SWEEP_STALE);
}

/* --- memory ---------------------------------------------------------------------------------- */

static void memory(void) {
  printf("\nmemory\n");
  enum { HANDLES = 2000 };
  static kobjns_section *handles[HANDLES];
  char name[64];
  snprintf(name, sizeof name, "bench.mem");
  kobjns_section *first;
  int rc = kobjns_section_create(NULL, name, PAGE, KOBJNS_MAP_WRITE, NULL, &first);
  if (rc) die("create", rc);
#ifdef KOBJNS_HAVE_MALLINFO2
  struct mallinfo2 before = mallinfo2();
#endif
  for (unsigned i = 0; i < HANDLES; i++)
    if ((rc = kobjns_section_open(NULL, name, KOBJNS_MAP_READ, &handles[i]))) die("open", rc);
#ifdef KOBJNS_HAVE_MALLINFO2
  struct mallinfo2 after = mallinfo2();
  printf("%-34s %9.0f bytes of heap and 1 descriptor\n", "per open handle",
         (double)(after.uordblks - before.uordblks) / HANDLES);
#else
  printf("%-34s %9s (this C library has no mallinfo2) and 1 descriptor\n", "per open handle",
         "heap n/a");
#endif
  for (unsigned i = 0; i < HANDLES; i++) kobjns_section_close(handles[i]);
  kobjns_section_close(first);

  struct statvfs a, b;
  statvfs("/dev/shm", &a);
  for (unsigned i = 0; i < HANDLES; i++) {
    snprintf(name, sizeof name, "bench.memobj.%u", i);
    if ((rc = kobjns_section_create(NULL, name, PAGE, KOBJNS_MAP_WRITE, NULL, &handles[i])))
      die("create", rc);
  }
  statvfs("/dev/shm", &b);
  double per = (double)(a.f_bfree - b.f_bfree) * a.f_frsize / HANDLES;
  printf("%-34s %9.0f bytes of /dev/shm for a %u-byte section (header page %u)\n",
         "per live object", per, PAGE, PAGE);
  for (unsigned i = 0; i < HANDLES; i++) kobjns_section_close(handles[i]);
}

/* --------------------------------------------------------------------------------------------- */

static unsigned number(const char *s) {
  char *end;
  unsigned long v = strtoul(s, &end, 10);
  if (*end || v == 0 || v > 1000000000ul) {
    fprintf(stderr, "kobjns-bench: not a positive number: %s\n", s);
    exit(2);
  }
  return (unsigned)v;
}

int main(int argc, char **argv) {
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--reps") && i + 1 < argc)
      opt.reps = number(argv[++i]);
    else if (!strcmp(argv[i], "--iters") && i + 1 < argc)
      opt.iters = number(argv[++i]);
    else if (!strcmp(argv[i], "--max-objects") && i + 1 < argc)
      opt.max_objects = number(argv[++i]);
    else if (!strcmp(argv[i], "--ms") && i + 1 < argc)
      opt.seconds_ms = number(argv[++i]);
    else if (!strcmp(argv[i], "--check"))
      opt.check = true;
    else if (!strcmp(argv[i], "--win32") && i + 1 < argc)
      opt.win32 = argv[++i];
    else if (!strcmp(argv[i], "--wine-exe") && i + 1 < argc)
      opt.wine_exe = argv[++i];
    else if (!strcmp(argv[i], "--rows") && i + 1 < argc)
      opt.rows = argv[++i];
    else {
      bool help = !strcmp(argv[i], "--help");
      fprintf(
          help ? stdout : stderr,
          "usage: kobjns-bench [--reps N] [--iters N] [--max-objects N] [--ms N] [--check]\n"
          "                    [--win32 PATH [--wine-exe PATH]]\n"
          "  --reps N         interleaved repetitions per row (median of them; default 15)\n"
          "  --iters N        operations per repetition (default 400)\n"
          "  --max-objects N  the scaling row goes from 10 to N live objects (default 100000)\n"
          "  --ms N           milliseconds per throughput measurement (default 500)\n"
          "  --check          exit 1 when a target is missed\n"
          "  --win32 PATH     the facade build of kobjns-bench-win32: the Win32 rows\n"
          "  --wine-exe PATH  its mingw-w64 build, run under $KOBJNS_BENCH_WINE (default wine)\n"
          "  --rows LIST      only these groups, comma-separated: sections, win32, scaling,\n"
          "                   throughput, sync, alerts, processes, handles, listing, sweep,\n"
          "                   memory\n"
          "                   (default: all)\n"
          "tools/bench sets up both builds and a Wine prefix and runs every row.\n");
      return help ? 0 : 2;
    }
  }
  /* A tree of names of its own, in session 0: the benchmark never meets real objects. */
  snprintf(run, sizeof run, "bench%ld", (long)getpid());
  setenv("KOBJNS_ROOT", run, 1);
  setenv("KOBJNS_SESSION", "0", 1);
  snprintf(cycle_name, sizeof cycle_name, "bench.cycle");
  snprintf(raw_cycle_name, sizeof raw_cycle_name, "/kobjns-bench.%s.cycle", run);
  signal(SIGPIPE, SIG_IGN); /* a server that died: its pipe's write fails and says so */
  struct rlimit fds;
  if (getrlimit(RLIMIT_NOFILE, &fds) == 0) { /* helpers hold many objects each */
    fds.rlim_cur = fds.rlim_max;
    setrlimit(RLIMIT_NOFILE, &fds);
  }

  printf("kobjns %d.%d.%d benchmark: medians of %u interleaved repetitions of %u operations\n\n",
         KOBJNS_VERSION_MAJOR, KOBJNS_VERSION_MINOR, KOBJNS_VERSION_PATCH, opt.reps, opt.iters);
  printf("%-34s %12s %12s %8s   %7s\n", "", "kobjns", "raw", "ratio", "target");
  if (wanted("sections")) {
    compare("cycle, 64 KiB", ours_cycle, raw_cycle, 1.3);
#ifdef KOBJNS_BENCH_BOOST
    compare("  Boost.Interprocess", boost_cycle, raw_cycle, 0);
#endif
    cycle_size = PAGE;
    compare("cycle, one page", ours_cycle, raw_cycle, 0);
#ifdef KOBJNS_BENCH_BOOST
    compare("  Boost.Interprocess", boost_cycle, raw_cycle, 0);
#endif
    cycle_size = SECTION_SIZE;
    holder h = hold(0, 1);
    live = 1;
    compare("open + close, held elsewhere", ours_open, raw_open, 2.0);
    compare("  its 7 system calls, no library", floor_open, raw_open, 0);
#ifdef KOBJNS_BENCH_BOOST
    compare("  Boost.Interprocess", boost_open, raw_open, 0);
#endif
    let_go(&h);
    /* In a private namespace: held here (an open is never the last holder's close either). */
    kobjns_boundary *b = NULL;
    kobjns_namespace *ns = NULL;
    kobjns_section *held = NULL;
    int rc = kobjns_boundary_create("BenchBoundary", &b);
    if (!rc) rc = kobjns_boundary_add_sid(b, "WD");
    if (!rc) rc = kobjns_namespace_create(NULL, b, "BenchNs", NULL, &ns);
    if (!rc)
      rc =
          kobjns_section_create(NULL, "BenchNs\\held", SECTION_SIZE, KOBJNS_MAP_WRITE, NULL, &held);
    if (rc) die("a private namespace", rc);
    h = hold(0, 1); /* the raw row's object */
    compare("  in a private namespace", ours_namespace_open, raw_open, 0);
    let_go(&h);
    kobjns_section_close(held);
    kobjns_namespace_close(ns, KOBJNS_NAMESPACE_DESTROY);
    kobjns_boundary_free(b);
  }
  if (wanted("win32")) {
    holder h = hold(0, 1); /* the raw open row's object */
    live = 1;
    win32_rows();
    let_go(&h);
  }
  if (wanted("scaling")) scaling();
  if (wanted("throughput")) throughputs();
  if (wanted("sync")) mutexes();
  if (wanted("alerts")) alerts_and_timers();
  if (wanted("processes")) processes();
  if (wanted("handles")) many_handles();
  if (wanted("listing")) listing();
  if (wanted("sweep")) sweep();
  if (wanted("memory")) memory();
  size_t removed = 0;
  kobjns_cleanup(&removed);
  printf("\n%s\n", missed ? "Some targets were missed." : "Every target holds.");
  return opt.check && missed ? 1 : 0;
}
