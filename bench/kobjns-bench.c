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
 *   memory      heap and descriptors per open handle; /dev/shm bytes per live object
 * The targets (docs/performance.md) are printed next to the figures; --check exits 1 when one is
 * missed. Run by `meson benchmark -C build` (short) or by hand with larger settings. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kobjns.h"

#define SECTION_SIZE 65536u
#define PAGE 4096u
#define HOLDER_MAX_OBJECTS 15000u /* per helper process: stays under common descriptor limits */

static struct {
  unsigned reps, iters, max_objects, seconds_ms;
  bool check;
} opt = {.reps = 15, .iters = 400, .max_objects = 100000, .seconds_ms = 500};

static char run[32];
static int missed;

static void die(const char *what, int status) {
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
  bool ok = ratio <= target;
  if (!ok) missed++;
  printf("%-34s %9.2f us %9.2f us %7.2fx   <= %.2fx  %s\n", name, ma / 1e3, mb / 1e3, ratio, target,
         ok ? "ok" : "MISSED");
}

/* --- cycle ---------------------------------------------------------------------------------- */

static char cycle_name[64], raw_cycle_name[64];

static void ours_cycle(unsigned i) {
  (void)i;
  kobjns_section *s;
  void *view;
  int rc = kobjns_section_create(NULL, cycle_name, SECTION_SIZE, KOBJNS_MAP_WRITE, NULL, &s);
  if (rc) die("create", rc);
  if ((rc = kobjns_section_map(s, KOBJNS_MAP_WRITE, 0, 0, &view))) die("map", rc);
  touch(view, SECTION_SIZE);
  kobjns_unmap(view);
  kobjns_section_close(s);
}

static void raw_cycle(unsigned i) {
  (void)i;
  int fd = shm_open(raw_cycle_name, O_RDWR | O_CREAT | O_EXCL, 0600);
  if (fd < 0 || ftruncate(fd, SECTION_SIZE) < 0) die("shm_open", -1);
  void *view = mmap(NULL, SECTION_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (view == MAP_FAILED) die("mmap", -1);
  touch(view, SECTION_SIZE);
  munmap(view, SECTION_SIZE);
  close(fd);
  shm_unlink(raw_cycle_name);
}

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
  int ready[2], release[2];
  if (pipe(ready) < 0 || pipe(release) < 0) die("pipe", -1);
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

/* --- scaling --------------------------------------------------------------------------------- */

static void scaling(void) {
  printf("\nopen + close latency by live objects (random names among them)\n");
  printf("%-12s %12s %12s %12s\n", "live", "kobjns", "raw", "ratio");
  holder holders[64];
  unsigned nholders = 0, held = 0;
  double first_ours = 0, first_raw = 0, last_ours = 0, last_raw = 0;
  for (unsigned n = 10; n <= opt.max_objects; n *= 10) {
    while (held < n && nholders < 64) {
      unsigned count = n - held < HOLDER_MAX_OBJECTS ? n - held : HOLDER_MAX_OBJECTS;
      holders[nholders++] = hold(held, count);
      held += count;
    }
    live = held;
    double a[64], b[64];
    unsigned reps = opt.reps < 64 ? opt.reps : 64;
    for (unsigned r = 0; r < reps; r++) {
      a[r] = per_op(ours_open, opt.iters);
      b[r] = per_op(raw_open, opt.iters);
    }
    double ma = median(a, reps), mb = median(b, reps);
    printf("%-12u %9.2f us %9.2f us %11.2fx\n", n, ma / 1e3, mb / 1e3, ma / mb);
    if (n == 10) first_ours = ma, first_raw = mb;
    last_ours = ma, last_raw = mb;
  }
  double growth = last_ours / first_ours;
  bool ok = growth <= 1.25;
  if (!ok) missed++;
  printf("%-34s %9.2fx (raw %.2fx)   <= 1.25x  %s\n", "growth from 10 to the largest", growth,
         last_raw / first_raw, ok ? "ok" : "MISSED");
  /* Last first: a later holder inherited the release ends of the earlier ones. */
  while (nholders) let_go(&holders[--nholders]);
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
  struct mallinfo2 before = mallinfo2();
  for (unsigned i = 0; i < HANDLES; i++)
    if ((rc = kobjns_section_open(NULL, name, KOBJNS_MAP_READ, &handles[i]))) die("open", rc);
  struct mallinfo2 after = mallinfo2();
  printf("%-34s %9.0f bytes of heap and 1 descriptor\n", "per open handle",
         (double)(after.uordblks - before.uordblks) / HANDLES);
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
    else {
      fprintf(stderr,
              "usage: kobjns-bench [--reps N] [--iters N] [--max-objects N] [--ms N] [--check]\n");
      return 2;
    }
  }
  /* A tree of names of its own, in session 0: the benchmark never meets real objects. */
  snprintf(run, sizeof run, "bench%ld", (long)getpid());
  setenv("KOBJNS_ROOT", run, 1);
  setenv("KOBJNS_SESSION", "0", 1);
  snprintf(cycle_name, sizeof cycle_name, "bench.cycle");
  snprintf(raw_cycle_name, sizeof raw_cycle_name, "/kobjns-bench.%s.cycle", run);
  struct rlimit fds;
  if (getrlimit(RLIMIT_NOFILE, &fds) == 0) { /* helpers hold many objects each */
    fds.rlim_cur = fds.rlim_max;
    setrlimit(RLIMIT_NOFILE, &fds);
  }

  printf("kobjns %d.%d.%d benchmark: medians of %u interleaved repetitions of %u operations\n\n",
         KOBJNS_VERSION_MAJOR, KOBJNS_VERSION_MINOR, KOBJNS_VERSION_PATCH, opt.reps, opt.iters);
  printf("%-34s %12s %12s %8s   %7s\n", "", "kobjns", "raw", "ratio", "target");
  compare("cycle, 64 KiB", ours_cycle, raw_cycle, 1.3);
  holder h = hold(0, 1);
  live = 1;
  compare("open + close, held elsewhere", ours_open, raw_open, 2.0);
  let_go(&h);
  scaling();
  throughputs();
  memory();
  size_t removed = 0;
  kobjns_cleanup(&removed);
  printf("\n%s\n", missed ? "Some targets were missed." : "Every target holds.");
  return opt.check && missed ? 1 : 0;
}
