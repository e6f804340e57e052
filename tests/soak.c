/* kobjns-soak: a few processes use the library the way a service and its clients do, for a while,
 * with no crash: sections made, opened, mapped and closed; mutexes, events and semaphores waited
 * for, released, set and posted, alone and in waits for any and for all; contexts made, moved
 * and freed; names resolved; a fork() and an exec() now and then. Each worker reports its resident
 * memory and open descriptors twice a second, and the parent counts the run's files in /dev/shm.
 * What must hold:
 *  - every status is one the call documents for what the workers do (no process is killed, so no
 *    mutex is abandoned);
 *  - after the warm-up (the first quarter), no worker's resident memory grows by more than
 *    512 KiB, no worker holds more descriptors than at its end, and /dev/shm holds no more of the
 *    run's files than the names it uses;
 *  - once every worker has exited, nothing of the run is left in /dev/shm (no kobjns_cleanup()).
 *
 *   kobjns-soak [--seconds N] [--procs N<=16] [--seed N]
 * Exit status 0 when all of that held. tools/test runs it for 60 s (the soak leg). Linux: it
 * reads /proc/self/statm and /proc/self/fd. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kobjns.h"

#define MAX_PROCS 16
#define NAMES 4       /* of each type */
#define SAMPLE_MS 500 /* between samples */
#define MAX_SAMPLES 4096
#define RSS_SLACK (512 * 1024)

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static unsigned next_rand(unsigned *seed) {
  *seed = *seed * 1103515245u + 12345u;
  return (*seed >> 16) & 0x7fff;
}

/* --- a worker -------------------------------------------------------------------------------- */

typedef struct counts {
  unsigned long ops, ok, expected, other;
} counts;

static counts c;
static char last_other[160];

/* Count `rc` of `what`: 0, one of the `n` statuses `also` allows, or a violation. */
static void count(const char *what, int rc, int n, const int *also) {
  c.ops++;
  if (rc == 0) {
    c.ok++;
    return;
  }
  for (int i = 0; i < n; i++)
    if (rc == also[i]) {
      c.expected++;
      return;
    }
  c.other++;
  snprintf(last_other, sizeof last_other, "%s: %d %s", what, rc, kobjns_status_name(rc));
}
#define COUNT(what, rc, ...)                                                                       \
  do {                                                                                             \
    const int also_[] = {0, __VA_ARGS__};                                                          \
    count(what, rc, (int)(sizeof also_ / sizeof also_[0]), also_);                                 \
  } while (0)

static long resident_bytes(void) {
  FILE *f = fopen("/proc/self/statm", "re");
  long size = 0, resident = 0;
  if (f) {
    if (fscanf(f, "%ld %ld", &size, &resident) != 2) resident = 0;
    fclose(f);
  }
  return resident * sysconf(_SC_PAGESIZE);
}

static int open_descriptors(void) {
  DIR *d = opendir("/proc/self/fd");
  int n = 0;
  if (!d) return -1;
  for (struct dirent *e; (e = readdir(d));) n += e->d_name[0] != '.';
  closedir(d);
  return n - 1; /* the directory's own */
}

static const char *name_of(const char *kind, unsigned i) {
  static char buf[64];
  snprintf(buf, sizeof buf, "soak-%s%u", kind, i);
  return buf;
}

/* A wait that acquired: 0, or 735 (a mutex a forked child owned when it called exec). */
static bool acquired(int rc) { return rc == 0 || rc == KOBJNS_ABANDONED_WAIT_0; }

/* One of the operations, picked at random. */
static void one_operation(unsigned *seed, kobjns_sync *held[3]) {
  unsigned i = next_rand(seed) % NAMES, op = next_rand(seed) % 12;
  switch (op) {
    case 0:
    case 1: { /* a section: made or opened, written through a view, closed */
      kobjns_section *s = NULL;
      int rc = kobjns_section_create(NULL, name_of("s", i), 65536, KOBJNS_MAP_WRITE, NULL, &s);
      COUNT("section create", rc, KOBJNS_ALREADY_EXISTS);
      if (!s) break;
      void *v = NULL;
      rc = kobjns_section_map(s, KOBJNS_MAP_WRITE, 0, 0, &v);
      COUNT("map", rc, 0);
      if (v) {
        memset(v, (int)i, 4096);
        COUNT("unmap", kobjns_unmap(v), 0);
      }
      COUNT("section close", kobjns_section_close(s), 0);
      break;
    }
    case 2: { /* an open of a name that may not exist */
      kobjns_section *s = NULL;
      COUNT("section open", kobjns_section_open(NULL, name_of("s", i), KOBJNS_MAP_READ, &s),
            KOBJNS_FILE_NOT_FOUND);
      if (s) COUNT("section close", kobjns_section_close(s), 0);
      break;
    }
    case 3:
    case 4: { /* a mutex of the shared set: taken, held a moment, given back */
      kobjns_sync *m = NULL;
      COUNT("mutex create", kobjns_mutex_create(NULL, name_of("m", i), 0, NULL, &m),
            KOBJNS_ALREADY_EXISTS);
      if (!m) break;
      int rc = kobjns_wait(m, 20);
      COUNT("mutex wait", rc, KOBJNS_WAIT_TIMEOUT, KOBJNS_ABANDONED_WAIT_0);
      if (acquired(rc)) COUNT("mutex release", kobjns_mutex_release(m), 0);
      COUNT("mutex close", kobjns_sync_close(m), 0);
      break;
    }
    case 5: { /* the long-held objects: set, post, wait for any */
      COUNT("event set", kobjns_event_set(held[1]), 0);
      int32_t previous;
      COUNT("semaphore post", kobjns_semaphore_release(held[2], 1, &previous),
            KOBJNS_TOO_MANY_POSTS);
      size_t index = 0;
      int rc = kobjns_wait_multiple(held, 3, 0, 5, &index);
      COUNT("wait any", rc, KOBJNS_WAIT_TIMEOUT);
      if (rc == 0 && index == 0) COUNT("mutex release", kobjns_mutex_release(held[0]), 0);
      break;
    }
    case 6: { /* wait for all: everything at once, or nothing */
      int rc = kobjns_wait_multiple(held, 3, 1, 5, NULL);
      COUNT("wait all", rc, KOBJNS_WAIT_TIMEOUT);
      if (rc == 0) {
        COUNT("mutex release", kobjns_mutex_release(held[0]), 0);
        int32_t previous;
        COUNT("semaphore post", kobjns_semaphore_release(held[2], 1, &previous),
              KOBJNS_TOO_MANY_POSTS);
      }
      break;
    }
    case 7: { /* a context: made, moved to another session and back, freed */
      kobjns_ctx *ctx = NULL;
      int rc = kobjns_ctx_new(&ctx);
      COUNT("ctx new", rc, 0);
      if (!ctx) break;
      COUNT("ctx session", kobjns_ctx_set_session(ctx, 1 + i), 0);
      char path[512];
      COUNT("resolve", kobjns_resolve(ctx, name_of("s", i), path, sizeof path, NULL), 0);
      kobjns_ctx_free(ctx);
      break;
    }
    case 8: { /* an event of the shared set, pulsed or waited for briefly */
      kobjns_sync *e = NULL;
      COUNT("event create", kobjns_event_create(NULL, name_of("e", i), 1, 0, NULL, &e),
            KOBJNS_ALREADY_EXISTS);
      if (!e) break;
      COUNT("event wait", kobjns_wait(e, 1), KOBJNS_WAIT_TIMEOUT);
      COUNT("event pulse", kobjns_event_pulse(e), 0);
      COUNT("event close", kobjns_sync_close(e), 0);
      break;
    }
    case 9: { /* a semaphore of the shared set */
      kobjns_sync *s = NULL;
      COUNT("semaphore create", kobjns_semaphore_create(NULL, name_of("n", i), 2, 2, NULL, &s),
            KOBJNS_ALREADY_EXISTS);
      if (!s) break;
      int rc = kobjns_wait(s, 10);
      COUNT("semaphore wait", rc, KOBJNS_WAIT_TIMEOUT);
      int32_t previous;
      if (rc == 0) COUNT("semaphore post", kobjns_semaphore_release(s, 1, &previous), 0);
      COUNT("semaphore close", kobjns_sync_close(s), 0);
      break;
    }
    case 10: { /* fork(): the child takes a mutex the worker holds, and ends by exit or, owning
                  it, by exec (abandoned); the worker's handle outlives the child's */
      if (next_rand(seed) % 64) break;
      kobjns_sync *m = NULL;
      COUNT("mutex create", kobjns_mutex_create(NULL, name_of("m", i), 0, NULL, &m),
            KOBJNS_ALREADY_EXISTS);
      if (!m) break;
      fflush(NULL);
      pid_t pid = fork();
      if (pid == 0) {
        if (acquired(kobjns_wait(m, 20)) && next_rand(seed) % 2)
          execl("/bin/true", "true", (char *)NULL);
        exit(0); /* the library closes what the child holds (and abandons what it owns) */
      }
      if (pid > 0) waitpid(pid, NULL, 0);
      COUNT("mutex close", kobjns_sync_close(m), 0);
      break;
    }
    default: { /* a name resolved, and an object listed */
      char path[512];
      COUNT("resolve", kobjns_resolve(NULL, name_of("m", i), path, sizeof path, NULL), 0);
      break;
    }
  }
}

static bool made(int rc) { return rc == 0 || rc == KOBJNS_ALREADY_EXISTS; }

static int worker(unsigned seconds, unsigned seed) {
  kobjns_sync *held[3] = {0}; /* kept for the whole run: mutex, event, semaphore */
  if (!made(kobjns_mutex_create(NULL, "soak-held-m", 0, NULL, &held[0])) ||
      !made(kobjns_event_create(NULL, "soak-held-e", 0, 0, NULL, &held[1])) ||
      !made(kobjns_semaphore_create(NULL, "soak-held-n", 1, 4, NULL, &held[2])))
    return 2;
  double start = now_ms(), next_sample = start;
  while (now_ms() - start < seconds * 1e3) {
    for (int n = 0; n < 16; n++) one_operation(&seed, held);
    if (now_ms() >= next_sample) {
      printf("sample %.0f %ld %d %lu\n", now_ms() - start, resident_bytes(), open_descriptors(),
             c.ops);
      fflush(stdout);
      next_sample += SAMPLE_MS;
    }
  }
  for (int k = 0; k < 3; k++) kobjns_sync_close(held[k]);
  printf("done %lu %lu %lu %lu %s\n", c.ops, c.ok, c.expected, c.other,
         last_other[0] ? last_other : "-");
  fflush(stdout);
  return 0;
}

/* --- the parent ------------------------------------------------------------------------------ */

typedef struct sample {
  double ms;
  long rss;
  int fds;
} sample;

typedef struct proc {
  pid_t pid;
  FILE *from;
  sample samples[MAX_SAMPLES];
  int n;
  bool done;
  unsigned long ops, ok, expected, other;
  char other_example[160];
} proc;

static proc procs[MAX_PROCS];

/* Files of the tree `prefix` ("<root>."), in the layout of either platform ("kobjns." where an
 * object is one file, "kobjnsa." where its name is apart from its bytes). */
static int run_files(const char *prefix) {
  DIR *d = opendir("/dev/shm");
  int n = 0;
  if (!d) return -1;
  for (struct dirent *e; (e = readdir(d));) {
    const char *rest = !strncmp(e->d_name, "kobjnsa.", 8)  ? e->d_name + 8
                       : !strncmp(e->d_name, "kobjns.", 7) ? e->d_name + 7
                                                           : NULL;
    n += rest && !strncmp(rest, prefix, strlen(prefix));
  }
  closedir(d);
  return n;
}

int main(int argc, char **argv) {
  unsigned seconds = 20, nprocs = 4, seed = (unsigned)getpid();
  if (argc == 4 && !strcmp(argv[1], "--worker"))
    return worker((unsigned)atoi(argv[2]), (unsigned)strtoul(argv[3], NULL, 10));
  for (int i = 1; i + 1 < argc; i += 2) {
    unsigned *field = !strcmp(argv[i], "--seconds") ? &seconds
                      : !strcmp(argv[i], "--procs") ? &nprocs
                      : !strcmp(argv[i], "--seed")  ? &seed
                                                    : NULL;
    if (!field) break;
    *field = (unsigned)strtoul(argv[i + 1], NULL, 10);
  }
  if (nprocs < 1 || nprocs > MAX_PROCS || seconds < 4 || seconds * 1000 / SAMPLE_MS > MAX_SAMPLES) {
    fprintf(stderr, "usage: %s [--seconds N>=4] [--procs N<=%d] [--seed N]\n", argv[0], MAX_PROCS);
    return 2;
  }
  /* A tree of names of its own: its files in /dev/shm are told apart by their prefix. */
  char root[32], prefix[64];
  snprintf(root, sizeof root, "soak%d", (int)getpid());
  snprintf(prefix, sizeof prefix, "%s.", root);
  setenv("KOBJNS_ROOT", root, 1);
  for (unsigned p = 0; p < nprocs; p++) {
    int out[2];
    if (pipe2(out, O_CLOEXEC) < 0) return 2; /* no worker inherits another's */
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
      dup2(out[1], 1);
      close(out[0]);
      close(out[1]);
      char s[16], r[16];
      snprintf(s, sizeof s, "%u", seconds);
      snprintf(r, sizeof r, "%u", seed + p * 7919u);
      execl("/proc/self/exe", argv[0], "--worker", s, r, (char *)NULL);
      _exit(127);
    }
    close(out[1]);
    procs[p].pid = pid;
    procs[p].from = fdopen(out[0], "r");
  }
  /* Read the samples as they come; count the run's files at every sample. */
  int files[MAX_SAMPLES], nfiles = 0;
  double start = now_ms(), next = start;
  unsigned open_pipes = nprocs;
  while (open_pipes) {
    struct pollfd fds[MAX_PROCS];
    for (unsigned p = 0; p < nprocs; p++)
      fds[p] = (struct pollfd){.fd = procs[p].done ? -1 : fileno(procs[p].from), .events = POLLIN};
    poll(fds, nprocs, SAMPLE_MS);
    for (unsigned p = 0; p < nprocs; p++) {
      if (procs[p].done || !(fds[p].revents & (POLLIN | POLLHUP))) continue;
      char line[256];
      if (!fgets(line, sizeof line, procs[p].from)) {
        procs[p].done = true;
        open_pipes--;
        continue;
      }
      proc *w = &procs[p];
      sample s;
      unsigned long ops;
      if (sscanf(line, "sample %lf %ld %d %lu", &s.ms, &s.rss, &s.fds, &ops) == 4 &&
          w->n < MAX_SAMPLES)
        w->samples[w->n++] = s;
      else
        sscanf(line, "done %lu %lu %lu %lu %159[^\n]", &w->ops, &w->ok, &w->expected, &w->other,
               w->other_example);
    }
    if (now_ms() >= next && nfiles < MAX_SAMPLES) {
      files[nfiles++] = run_files(prefix);
      next += SAMPLE_MS;
    }
  }
  bool pass = true;
  unsigned long ops = 0, other = 0;
  printf("soak: %u processes, %u s\n", nprocs, seconds);
  printf("  %-8s %10s %12s %12s %8s %8s\n", "worker", "operations", "RSS warm", "RSS max after",
         "fds warm", "fds max");
  for (unsigned p = 0; p < nprocs; p++) {
    proc *w = &procs[p];
    int st = 0;
    waitpid(w->pid, &st, 0);
    fclose(w->from);
    int warm = w->n / 4;
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0 || w->n < 4 || w->ops == 0) {
      printf("  worker %u: exit status %d, %d samples: FAIL\n", p, st, w->n);
      pass = false;
      continue;
    }
    long rss_warm = w->samples[warm].rss, rss_max = 0;
    int fds_warm = w->samples[warm].fds, fds_max = 0;
    for (int k = warm; k < w->n; k++) {
      if (w->samples[k].rss > rss_max) rss_max = w->samples[k].rss;
      if (w->samples[k].fds > fds_max) fds_max = w->samples[k].fds;
    }
    bool flat = rss_max - rss_warm <= RSS_SLACK && fds_max <= fds_warm;
    printf("  %-8u %10lu %9ld KiB %9ld KiB %8d %8d%s\n", p, w->ops, rss_warm / 1024, rss_max / 1024,
           fds_warm, fds_max, flat ? "" : "  FAIL: grew");
    if (w->other)
      printf("  worker %u: %lu undocumented statuses, e.g. %s\n", p, w->other, w->other_example);
    pass = pass && flat && w->other == 0;
    ops += w->ops;
    other += w->other;
  }
  int files_warm = 0, files_max = 0;
  for (int k = 0; k < nfiles; k++) {
    if (k <= nfiles / 4 && files[k] > files_warm) files_warm = files[k];
    if (k > nfiles / 4 && files[k] > files_max) files_max = files[k];
  }
  /* Every name the workers use, of every type, may exist at once; nothing more. */
  int names = 4 * NAMES + 3;
  int left = run_files(prefix);
  printf(
      "  /dev/shm: at most %d of the run's files after the warm-up (%d during it, %d names), "
      "%d left at the end\n",
      files_max, files_warm, names, left);
  pass = pass && files_max <= names && left == 0;
  printf("soak: %lu operations, %lu undocumented statuses: %s\n", ops, other,
         pass ? "flat, PASS" : "FAIL");
  return pass ? 0 : 1;
}
