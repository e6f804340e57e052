/* kobjns-flat: memory and descriptors stay flat when the library is used for long, and when it
 * is loaded, used and unloaded many times in one process. It measures, after a warm-up and at
 * the end of each phase:
 *  - heap bytes in use (mallinfo2: exact, not pages), open file descriptors, memory mappings,
 *    and resident memory (VmRSS);
 *  - with glibc's per-thread cache of freed blocks turned off (the program runs itself again with
 *    GLIBC_TUNABLES=glibc.malloc.tcache_count=0): mallinfo2 counts a cached block as in use, so
 *    which blocks happen to sit in the cache (the sizes of the last few freed: a record of another
 *    program's object the sweep read, say) would move the count with no leak;
 *  - for the load/unload phases, that the library is really gone from /proc/self/maps after
 *    each dlclose (an unload that never happens would hide a leak).
 * A C library without mallinfo2 (musl) has no count of the heap, and its malloc maps and unmaps
 * groups of blocks of its own (anonymous private mappings, kept or returned by its policy): there
 * the heap and those mappings are judged through RSS, every other mapping as before. A C library
 * that does not unload even the probe library (--probe-lib, tests/flat-probe.c; musl's dlclose
 * never unloads) leaves unloading unjudged. The output says which.
 * Phases:
 *  loop     create + map + touch + unmap + close of one name, an open of a held name, and a
 *           context made, moved to a session and freed, N times; after the warm-up another
 *           process makes a private namespace in the tree and holds it, so the sweep that
 *           creates and opens run in the background meets one (it once asked the account
 *           database about its owner there, which allocates for good);
 *  dlopen   dlopen(libkobjns) + the same cycle + kobjns_cleanup + dlclose, N times;
 *  facade   dlopen(libkobjns-winapi) + CreateFileMappingA / MapViewOfFile / UnmapViewOfFile /
 *           CloseHandle + dlclose, N times (when the facade was built).
 * The program uses a tree of names of its own (KOBJNS_ROOT=flat<pid> unless set): what other
 * programs leave in /dev/shm meanwhile does not change what it measures.
 * Exit status 0 when the heap, descriptors and mappings end where the warm-up left them and
 * resident memory grew by at most --rss-slack KiB. Under valgrind or a sanitizer (malloc replaced)
 * only descriptors and unloading are judged here; the tool judges the heap. Under an emulator
 * (KOBJNS_TEST_EMULATED, which tools/test's aarch64 leg sets: qemu-user) resident memory is not
 * judged: VmRSS is the emulator's process, whose buffer of translated code (qemu 7.2: 128 MiB, in
 * huge pages) becomes resident as new code runs, and every library loaded at a new address is new
 * code; the heap, descriptors and mappings (qemu shows the program's own) still are.
 *
 *   kobjns-flat --lib PATH [--winapi-lib PATH] [--probe-lib PATH] [--loops N] [--loads N]
 *               [--rss-slack KIB]
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <malloc.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kobjns.h"

#define SIZE 65536u
#define WARMUP 50

typedef struct usage {
  size_t heap;   /* bytes malloc'ed and not freed */
  long fds;      /* entries of /proc/self/fd */
  long mappings; /* lines of /proc/self/maps (without malloc's own where the heap is not counted) */
  long rss_kib;  /* VmRSS */
} usage;

#ifdef KOBJNS_HAVE_MALLINFO2
static const bool heap_counted = true;
#else
static const bool heap_counted = false; /* no mallinfo2 (musl): heap reads 0 */
#endif

static long count_dir(const char *path) {
  DIR *d = opendir(path);
  if (!d) return -1;
  long n = 0;
  for (struct dirent *e; (e = readdir(d));)
    if (e->d_name[0] != '.') n++;
  closedir(d);
  return n - 1; /* the descriptor opendir itself holds */
}

/* Whether a line of /proc/self/maps is anonymous private memory, or the brk heap: where malloc's
 * own mappings are. */
static bool malloc_kind(const char *line) {
  char perms[8];
  unsigned long inode = 1;
  int end = 0;
  if (sscanf(line, "%*s %7s %*s %*s %lu %n", perms, &inode, &end) < 2 || !end) return false;
  return perms[3] == 'p' && inode == 0 && (line[end] == '\0' || !strcmp(line + end, "[heap]\n"));
}

/* Lines of /proc/self/maps (malloc's kind left out where the heap is not counted), and whether
 * one of them maps a file whose name contains `lib`. */
static long count_mappings(const char *lib, bool *lib_mapped) {
  FILE *f = fopen("/proc/self/maps", "re");
  if (!f) return -1;
  long n = 0;
  char line[4096];
  if (lib_mapped) *lib_mapped = false;
  while (fgets(line, sizeof line, f)) {
    if (heap_counted || !malloc_kind(line)) n++;
    if (lib && lib_mapped && strstr(line, lib)) *lib_mapped = true;
  }
  fclose(f);
  return n;
}

static long rss_kib(void) {
  FILE *f = fopen("/proc/self/status", "re");
  if (!f) return -1;
  char line[256];
  long kib = -1;
  while (fgets(line, sizeof line, f))
    if (sscanf(line, "VmRSS: %ld kB", &kib) == 1) break;
  fclose(f);
  return kib;
}

static usage measure(void) {
  usage u;
#ifdef KOBJNS_HAVE_MALLINFO2
  u.heap = mallinfo2().uordblks; /* before the /proc reads below allocate anything */
#else
  u.heap = 0;
#endif
  u.fds = count_dir("/proc/self/fd");
  u.mappings = count_mappings(NULL, NULL);
  u.rss_kib = rss_kib();
  return u;
}

/* The library's entry points, looked up in a dlopen'ed copy. The program does not link the
 * library: a linked copy would stay loaded and make every dlclose a no-op. */
typedef struct api {
  int (*ctx_new)(kobjns_ctx **);
  int (*ctx_set_session)(kobjns_ctx *, uint32_t);
  void (*ctx_free)(kobjns_ctx *);
  int (*create)(kobjns_ctx *, const char *, uint64_t, unsigned, const char *, kobjns_section **);
  int (*open)(kobjns_ctx *, const char *, unsigned, kobjns_section **);
  int (*map)(kobjns_section *, unsigned, uint64_t, size_t, void **);
  int (*unmap)(void *);
  int (*close)(kobjns_section *);
  int (*cleanup)(size_t *);
} api;

static char name[128], held_name[128];
static unsigned failures;

#define CHECK(cond, ...)                                                                           \
  do {                                                                                             \
    if (!(cond)) {                                                                                 \
      if (failures++ < 10) fprintf(stderr, "kobjns-flat: " __VA_ARGS__);                           \
    }                                                                                              \
  } while (0)

/* One cycle: what a program does with a section over its life, and a context's life. */
static void cycle(const api *a, kobjns_section *held) {
  kobjns_section *s = NULL;
  int rc = a->create(NULL, name, SIZE, KOBJNS_MAP_WRITE, NULL, &s);
  CHECK(rc == 0, "create: %d\n", rc);
  if (rc) return;
  void *v = NULL;
  rc = a->map(s, KOBJNS_MAP_WRITE, 0, 0, &v);
  CHECK(rc == 0, "map: %d\n", rc);
  if (!rc) {
    memset(v, 0x5a, SIZE);
    a->unmap(v);
  }
  a->close(s);
  if (held) {
    kobjns_section *o = NULL;
    rc = a->open(NULL, held_name, KOBJNS_MAP_READ, &o);
    CHECK(rc == 0, "open: %d\n", rc);
    if (!rc) a->close(o);
  }
  kobjns_ctx *ctx = NULL;
  rc = a->ctx_new(&ctx);
  CHECK(rc == 0, "ctx_new: %d\n", rc);
  if (!rc) {
    rc = a->ctx_set_session(ctx, 3);
    CHECK(rc == 0, "ctx_set_session: %d\n", rc);
    a->ctx_free(ctx);
  }
}

#define LOOKUP(a, lib, field, symbol) (*(void **)&(a).field = dlsym(lib, symbol)) != NULL

/* Whether the C library unloads a library at its last dlclose (not musl's): the probe library,
 * which nothing keeps loaded, is loaded and unloaded. */
static bool unloads = true;

static bool probe_unloads(const char *path) {
  const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
  void *lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  CHECK(lib != NULL, "%s\n", dlerror());
  if (!lib) return true;
  bool mapped;
  count_mappings(base, &mapped);
  CHECK(mapped, "the probe library %s is not in /proc/self/maps while loaded\n", base);
  dlclose(lib);
  count_mappings(base, &mapped);
  return !mapped;
}

static bool load(const char *path, void **lib, api *a) {
  *lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (!*lib) {
    fprintf(stderr, "kobjns-flat: %s\n", dlerror());
    return false;
  }
  bool ok = LOOKUP(*a, *lib, ctx_new, "kobjns_ctx_new") &&
            LOOKUP(*a, *lib, ctx_set_session, "kobjns_ctx_set_session") &&
            LOOKUP(*a, *lib, ctx_free, "kobjns_ctx_free") &&
            LOOKUP(*a, *lib, create, "kobjns_section_create") &&
            LOOKUP(*a, *lib, open, "kobjns_section_open") &&
            LOOKUP(*a, *lib, map, "kobjns_section_map") &&
            LOOKUP(*a, *lib, unmap, "kobjns_unmap") &&
            LOOKUP(*a, *lib, close, "kobjns_section_close") &&
            LOOKUP(*a, *lib, cleanup, "kobjns_cleanup");
  CHECK(ok, "%s lacks a kobjns function\n", path);
  return ok;
}

/* The Win32 facade's calls, with the Win32 types spelled out (no <windows.h> here). Wine's
 * headers make WINAPI the Microsoft calling convention on x86_64, so the facade uses it. */
#if defined(__x86_64__)
#define WINAPI __attribute__((ms_abi))
#elif defined(__i386__)
#define WINAPI __attribute__((stdcall))
#else
#define WINAPI /* the platform's own convention (aarch64, arm: as Wine's headers define it) */
#endif
typedef struct win32_api {
  void *(WINAPI *create)(void *file, void *security, uint32_t protect, uint32_t size_high,
                         uint32_t size_low, const char *name);
  void *(WINAPI *map)(void *h, uint32_t access, uint32_t offset_high, uint32_t offset_low,
                      size_t bytes);
  int(WINAPI *unmap)(const void *addr);
  int(WINAPI *close)(void *h);
} win32_api;

static void facade_cycle(void *lib) {
  win32_api w;
  bool ok = LOOKUP(w, lib, create, "CreateFileMappingA") && LOOKUP(w, lib, map, "MapViewOfFile") &&
            LOOKUP(w, lib, unmap, "UnmapViewOfFile") && LOOKUP(w, lib, close, "CloseHandle");
  CHECK(ok, "libkobjns-winapi lacks a Win32 function\n");
  if (!ok) return;
  void *h = w.create((void *)(intptr_t)-1, NULL, 0x04 /* PAGE_READWRITE */, 0, SIZE, name);
  CHECK(h != NULL, "CreateFileMappingA failed\n");
  if (!h) return;
  void *v = w.map(h, 0x0002 /* FILE_MAP_WRITE */, 0, 0, 0);
  CHECK(v != NULL, "MapViewOfFile failed\n");
  if (v) {
    memset(v, 0xa5, SIZE);
    w.unmap(v);
  }
  w.close(h);
}

typedef struct report {
  const char *phase;
  unsigned long cycles;
  usage warm, end;
  bool unloaded; /* dlopen phases: the library was gone after every dlclose */
} report;

static long rss_slack_kib = 512;
static const char *emulator; /* KOBJNS_TEST_EMULATED: RSS is the emulator's */

/* Under valgrind or a sanitizer, malloc is not glibc's (mallinfo2 reads 0) and their
 * quarantines and arenas grow RSS and mappings on purpose: they check leaks themselves, so only
 * descriptors and unloading are judged then. */
static bool malloc_replaced(const report *r) {
  return heap_counted && r->warm.heap == 0 && r->end.heap == 0;
}

static bool flat(const report *r) {
  bool memory_flat =
      malloc_replaced(r) || (r->end.heap == r->warm.heap && r->end.mappings == r->warm.mappings &&
                             (emulator || r->end.rss_kib - r->warm.rss_kib <= rss_slack_kib));
  return memory_flat && r->end.fds == r->warm.fds && r->unloaded;
}

static void print(const report *r) {
  printf(
      "%-7s %9lu  heap %8zu -> %8zu B  fds %3ld -> %3ld  maps %4ld -> %4ld  rss %6ld -> %6ld "
      "KiB  %s%s%s%s%s%s\n",
      r->phase, r->cycles, r->warm.heap, r->end.heap, r->warm.fds, r->end.fds, r->warm.mappings,
      r->end.mappings, r->warm.rss_kib, r->end.rss_kib, r->unloaded ? "" : "NOT UNLOADED ",
      flat(r) ? "flat" : "GREW",
      malloc_replaced(r) ? " (malloc replaced: heap, RSS and mappings left to the tool)" : "",
      emulator ? " (RSS not judged under " : "", emulator ? emulator : "",
      emulator ? ": it is the emulator's own, its translated code included)" : "");
}

/* The neighbour: a process that, told to, makes a private namespace in the tree (the library
 * `lib`'s functions) and holds it until its input ends. */
typedef struct neighbour {
  pid_t pid;
  int to, from; /* its input and output */
} neighbour;

static void neighbour_main(void *lib, int in, int out) {
  int (*boundary_create)(const char *, kobjns_boundary **);
  int (*add_sid)(kobjns_boundary *, const char *);
  void (*boundary_free)(kobjns_boundary *);
  int (*ns_create)(const kobjns_ctx *, const kobjns_boundary *, const char *, const char *,
                   kobjns_namespace **);
  int (*ns_close)(kobjns_namespace *, unsigned);
  char go, sid[32];
  if (!(*(void **)&boundary_create = dlsym(lib, "kobjns_boundary_create")) ||
      !(*(void **)&add_sid = dlsym(lib, "kobjns_boundary_add_sid")) ||
      !(*(void **)&boundary_free = dlsym(lib, "kobjns_boundary_free")) ||
      !(*(void **)&ns_create = dlsym(lib, "kobjns_namespace_create")) ||
      !(*(void **)&ns_close = dlsym(lib, "kobjns_namespace_close")) || read(in, &go, 1) != 1)
    _exit(1);
  snprintf(sid, sizeof sid, "S-1-22-1-%lu", (unsigned long)geteuid());
  kobjns_boundary *b = NULL;
  kobjns_namespace *ns = NULL;
  int rc = boundary_create("kobjns-flat", &b);
  if (!rc) rc = add_sid(b, sid);
  if (!rc) rc = ns_create(NULL, b, "flat", NULL, &ns);
  boundary_free(b);
  char reply = rc ? 'n' : 'y';
  if (write(out, &reply, 1) != 1 || rc) _exit(1);
  while (read(in, &go, 1) > 0) continue;
  _exit(ns_close(ns, 0) ? 1 : 0);
}

static bool neighbour_start(void *lib, neighbour *n) {
  int to[2], from[2];
  if (pipe(to)) return false;
  if (pipe(from)) {
    close(to[0]), close(to[1]);
    return false;
  }
  fflush(NULL);
  n->pid = fork();
  if (n->pid == 0) {
    close(to[1]), close(from[0]);
    neighbour_main(lib, to[0], from[1]);
  }
  close(to[0]), close(from[1]);
  n->to = to[1], n->from = from[0];
  if (n->pid < 0) close(n->to), close(n->from);
  return n->pid > 0;
}

/* Tell it to make its namespace: whether it did. */
static bool neighbour_go(neighbour *n) {
  char c = 'g';
  return write(n->to, &c, 1) == 1 && read(n->from, &c, 1) == 1 && c == 'y';
}

/* Its namespace closed and the process gone: whether all went well. */
static bool neighbour_stop(neighbour *n) {
  close(n->to), close(n->from);
  int status;
  return waitpid(n->pid, &status, 0) == n->pid && WIFEXITED(status) && !WEXITSTATUS(status);
}

static report run_loop(const char *path, unsigned long loops) {
  report r = {"loop", loops, {0}, {0}, true};
  void *lib;
  api a;
  if (!load(path, &lib, &a)) return r;
  kobjns_section *held = NULL;
  int rc = a.create(NULL, held_name, SIZE, KOBJNS_MAP_WRITE, NULL, &held);
  CHECK(rc == 0, "create held: %d\n", rc);
  neighbour n;
  bool started = neighbour_start(lib, &n);
  CHECK(started, "cannot start the process that holds a private namespace\n");
  for (unsigned long i = 0; i < loops + WARMUP; i++) {
    if (i == WARMUP) {
      r.warm = measure();
      CHECK(!started || neighbour_go(&n), "no private namespace made by the other process\n");
    }
    cycle(&a, held);
  }
  r.end = measure();
  CHECK(!started || neighbour_stop(&n), "the process that held a private namespace failed\n");
  a.close(held);
  dlclose(lib);
  return r;
}

/* `path` is loaded, used and unloaded `loads` times; `base` is the library's file name, looked
 * for in /proc/self/maps after each unload. */
static report run_loads(const char *phase, const char *path, unsigned long loads, bool facade) {
  report r = {phase, loads, {0}, {0}, true};
  const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
  for (unsigned long i = 0; i < loads + WARMUP; i++) {
    if (i == WARMUP) r.warm = measure();
    void *lib;
    api a;
    if (!load(path, &lib, &a)) break;
    if (facade) {
      facade_cycle(lib);
    } else {
      cycle(&a, NULL);
      size_t removed;
      a.cleanup(&removed);
    }
    dlclose(lib);
    bool mapped, core_mapped;
    count_mappings(base, &mapped);
    count_mappings("libkobjns.so", &core_mapped);
    if (unloads && (mapped || core_mapped)) r.unloaded = false;
  }
  r.end = measure();
  return r;
}

/* Runs this program again without glibc's per-thread cache (see the top), once: returns only when
 * that cannot be done, or has been. */
static void without_malloc_cache(char **argv) {
#ifdef KOBJNS_HAVE_MALLINFO2
  static const char tunable[] = "glibc.malloc.tcache_count=0";
  const char *had = getenv("GLIBC_TUNABLES");
  if (had && strstr(had, tunable)) return;
  char value[1024];
  if (snprintf(value, sizeof value, "%s%s%s", had ? had : "", had ? ":" : "", tunable) >=
      (int)sizeof value)
    return;
  setenv("GLIBC_TUNABLES", value, 1);
  /* argv[0] when it is a path: under qemu-user /proc/self/exe would be the emulator */
  execv(strchr(argv[0], '/') ? argv[0] : "/proc/self/exe", argv);
  fprintf(stderr,
          "kobjns-flat: cannot run again without malloc's cache (%s): heap counts may "
          "include cached blocks\n",
          strerror(errno));
#else
  (void)argv;
#endif
}

int main(int argc, char **argv) {
  without_malloc_cache(argv);
  const char *lib = NULL, *winapi_lib = NULL, *probe_lib = NULL;
  unsigned long loops = 100000, loads = 1000;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!strcmp(argv[i], "--lib"))
      lib = argv[i + 1];
    else if (!strcmp(argv[i], "--winapi-lib"))
      winapi_lib = argv[i + 1];
    else if (!strcmp(argv[i], "--probe-lib"))
      probe_lib = argv[i + 1];
    else if (!strcmp(argv[i], "--loops"))
      loops = strtoul(argv[i + 1], NULL, 10);
    else if (!strcmp(argv[i], "--loads"))
      loads = strtoul(argv[i + 1], NULL, 10);
    else if (!strcmp(argv[i], "--rss-slack"))
      rss_slack_kib = strtol(argv[i + 1], NULL, 10);
    else
      lib = NULL, i = argc; /* unknown option: usage */
  }
  if (!lib || argc % 2 == 0) {
    fprintf(stderr,
            "usage: %s --lib PATH [--winapi-lib PATH] [--probe-lib PATH] [--loops N] "
            "[--loads N] [--rss-slack KIB]\n",
            argv[0]);
    return 2;
  }
  char root[32];
  snprintf(root, sizeof root, "flat%ld", (long)getpid());
  setenv("KOBJNS_ROOT", root, 0);
  emulator = getenv("KOBJNS_TEST_EMULATED");
  if (emulator && !*emulator) emulator = NULL;
  snprintf(name, sizeof name, "Local\\kobjns-flat.%ld", (long)getpid());
  snprintf(held_name, sizeof held_name, "Local\\kobjns-flat-held.%ld", (long)getpid());

  if (probe_lib) unloads = probe_unloads(probe_lib);
  (void)measure(); /* its own first-call allocations (stdio, locale) are not the library's */
  report reports[3];
  int n = 0;
  reports[n++] = run_loop(lib, loops);
  reports[n++] = run_loads("dlopen", lib, loads, false);
  if (winapi_lib) reports[n++] = run_loads("facade", winapi_lib, loads, true);

  printf("phase      cycles  after %d warm-up cycles -> at the end\n", WARMUP);
  if (!heap_counted)
    printf(
        "(no mallinfo2 in this C library: the heap and malloc's own anonymous mappings are "
        "judged through RSS, the other mappings counted)\n");
  if (!unloads)
    printf(
        "(unloading not judged: this C library keeps even the probe library mapped after its "
        "last dlclose)\n");
  bool all_flat = failures == 0;
  for (int i = 0; i < n; i++) {
    print(&reports[i]);
    all_flat = all_flat && flat(&reports[i]);
  }
  if (failures) printf("%u call(s) failed\n", failures);
  return all_flat ? 0 : 1;
}
