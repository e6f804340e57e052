/* Bad input, table by table (issue 5): every public function of kobjns.h, given every kind of bad
 * argument, answers the status its documentation gives: never a crash, a SIGBUS, a truncation or
 * a leak.
 *
 * A row names the function, the input and the status it must return. Every row runs between two
 * counts of what the process holds (POSIX: open descriptors and this run's objects in /dev/shm;
 * Windows: handles): a row that leaves anything behind fails as well. Failing rows are printed
 * with the names of both statuses. Rows that may crash the runner (handles used after close) run
 * each in a fork()ed child on POSIX; running out of descriptors runs in a child too. The rows that
 * need a process where kobjns has not opened /dev/shm yet (a full /dev/shm, a bad KOBJNS_SESSION or
 * KOBJNS_ROOT) are played by tests/badinput-helper.c. */
/* The deprecated kobjns_session_id is tested here: it must keep working. */
#define KOBJNS_NO_DEPRECATION_WARNINGS
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "kt.h"

#ifdef _WIN32
#include <windows.h>
#else
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <unistd.h>
#include <time.h>
#endif

#ifdef __MINGW_PRINTF_FORMAT
#define BAD_PRINTF(f, a) __attribute__((format(__MINGW_PRINTF_FORMAT, f, a)))
#else
#define BAD_PRINTF(f, a) __attribute__((format(printf, f, a)))
#endif

#define RW KOBJNS_MAP_WRITE
#define RD KOBJNS_MAP_READ
#define GRAN ((uint64_t)KOBJNS_VIEW_ALIGNMENT)
#define LIMIT ((size_t)KOBJNS_NAME_MAX_UTF16)
/* Rights a section may be asked for (namespaces.md, "Access values"): section rights, including
 * SECTION_MAP_EXECUTE_EXPLICIT (KOBJNS_MAP_EXECUTE); the standard rights of SECTION_ALL_ACCESS;
 * generic rights. Any other bit is 87. */
#define VALID_ACCESS (0x3Fu | 0xF0000u | 0xF0000000u)
/* The largest size a create takes (src/section.c): past it, the size and the header in front of
 * it no longer fit a file offset (534). */
#define MAX_SIZE ((uint64_t)INT64_MAX - (1u << 30))
#define MARK "fixture view, granule 0"
#define MARK1 "fixture view, granule 1"
#define SESSION_DIR "\\Sessions\\1\\BaseNamedObjects\\"
#define GLOBAL_DIR "\\BaseNamedObjects\\"

/* --- rows ------------------------------------------------------------------------------------- */

enum op {
  OP_CTX_NEW,
  OP_CTX_SET_SESSION,
  OP_CTX_SET_PRIVILEGE,
  OP_CTX_SET_USER,
  OP_CTX_SET_ROOT,
  OP_CTX_SESSION,
  OP_CTX_HAS_PRIVILEGE,
  OP_CTX_FREE,
  OP_SESSION_ID,
  OP_CREATE,
  OP_OPEN,
  OP_MAP,
  OP_MAP_AT,
  OP_UNMAP,
  OP_CLOSE,
  OP_SIZE,
  OP_ACCESS,
  OP_PATH,
  OP_CLEANUP,
  OP_RESOLVE,
  OP_SDDL,
  OP_STATUS_NAME,
};

enum {
  F_NULL_OUT = 1, /* the out pointer (out, addr, size, access, session, held, removed) is NULL */
  F_NULL_CTX = 2, /* ctx NULL: the process as it is */
  F_NULL_LEN = 4, /* kobjns_resolve: path_len NULL */
  F_HELD = 8,     /* closed-handle rows: another handle holds the name; it must still open after */
  F_VIEW =
      16, /* closed-handle rows: a view of the closed handle stays mapped; it must still read */
};

/* Handles a row may use. */
enum {
  H_NULL,   /* NULL */
  H_RW,     /* the creator's handle of a 3-granule section */
  H_RD,     /* that section opened for KOBJNS_MAP_READ */
  H_WR,     /* opened for KOBJNS_MAP_WRITE alone */
  H_COPY,   /* opened for KOBJNS_MAP_COPY */
  H_NOMAP,  /* opened for DELETE alone: no map right */
  H_RO,     /* the creator's handle of a read-only section */
  H_CLOSED, /* a handle already closed */
  H_BOGUS,  /* memory that never was a handle */
  H_COUNT
};

/* kobjns_section_map_at bases. */
enum { AT_NULL, AT_ONE, AT_PAGE, AT_VIEW, AT_INSIDE, AT_BEFORE };
/* kobjns_unmap addresses. */
enum {
  UN_NULL,
  UN_ONE,
  UN_STACK,
  UN_HEAP,
  UN_RODATA,
  UN_VIEW_PLUS_1,
  UN_VIEW_PLUS_PAGE,
  UN_VIEW_INSIDE,
  UN_TWICE,
  UN_FOREIGN
};
/* kobjns_resolve buffers. */
enum { BUF_BIG, BUF_NULL0, BUF_NULL5, BUF_ONE, BUF_SHORT, BUF_EXACT };

typedef struct row {
  const char *fn;  /* the function called */
  char input[112]; /* the input, in words */
  enum op op;
  int want;
  unsigned flags;
  int h;            /* H_* */
  int where;        /* AT_*, UN_*, BUF_* */
  const char *name; /* "{u}": a name unique to the run; "{f}": the fixture section's name */
  uint64_t size;    /* create: size; map: offset; ctx: session, uid or enabled; status value */
  unsigned access;  /* create, open, map: access; ctx: privilege */
  const char *sddl;
  size_t length;      /* map: length */
  uint64_t want_size; /* a create that succeeds: the size the section must report */
} row;

typedef struct table {
  row *v;
  size_t n, cap;
} table;

static void add(table *t, row r) {
  if (t->n == t->cap) {
    t->cap = t->cap ? 2 * t->cap : 256;
    row *grown = realloc(t->v, t->cap * sizeof *grown);
    if (!grown) abort();
    t->v = grown;
  }
  t->v[t->n++] = r;
}

static void add_all(table *t, const row *rows, size_t n) {
  for (size_t i = 0; i < n; i++) add(t, rows[i]);
}

/* Strings made for generated rows, freed at the end of each test. */
static char **owned;
static size_t owned_n;

static const char *keep(char *s) {
  char **grown = realloc(owned, (owned_n + 1) * sizeof *grown);
  if (!grown || !s) abort();
  owned = grown;
  owned[owned_n++] = s;
  return s;
}

static const char *joined(const char *a, const char *b, const char *c) {
  size_t la = strlen(a), lb = strlen(b), lc = strlen(c);
  char *s = malloc(la + lb + lc + 1);
  if (!s) abort();
  memcpy(s, a, la), memcpy(s + la, b, lb), memcpy(s + la + lb, c, lc + 1);
  return keep(s);
}

static void free_owned(void) {
  for (size_t i = 0; i < owned_n; i++) free(owned[i]);
  free(owned);
  owned = NULL;
  owned_n = 0;
}

/* --- what the process holds ------------------------------------------------------------------- */

typedef struct holdings {
  long handles; /* descriptors (POSIX) or handles (Windows); -1 unknown */
  long objects; /* this run's files in /dev/shm (POSIX); -1 unknown */
} holdings;

#ifdef _WIN32
/* SystemHandleInformation (16): every handle of every process. */
typedef struct {
  ULONG pid;
  BYTE type, flags;
  USHORT value;
  PVOID object;
  ULONG access;
} system_handle;
typedef struct {
  ULONG count;
  system_handle handles[1];
} system_handles;
typedef LONG(NTAPI *query_system_fn)(int, void *, ULONG, ULONG *);

/* Wine 8 answers GetProcessHandleCount with 0: count this process's entries in the system's
 * handle list instead (one call). -1 when neither works. */
static long handles_in_system_list(void) {
  static query_system_fn query;
  static void *buf;
  static ULONG size = 1u << 16;
  if (!query) {
    FARPROC p = GetProcAddress(GetModuleHandleW(L"ntdll.dll"), "NtQuerySystemInformation");
    if (!p) return -1;
    memcpy(&query, &p, sizeof query);
  }
  for (int attempt = 0; attempt < 8; attempt++) {
    if (!buf && !(buf = malloc(size))) return -1;
    ULONG got = 0;
    LONG st = query(16, buf, size, &got);
    if (st == (LONG)0xC0000004) { /* STATUS_INFO_LENGTH_MISMATCH */
      free(buf), buf = NULL, size *= 2;
      continue;
    }
    if (st < 0) return -1;
    const system_handles *all = buf;
    long n = 0;
    for (ULONG i = 0; i < all->count; i++) n += all->handles[i].pid == GetCurrentProcessId();
    return n;
  }
  return -1;
}

static holdings held_now(void) {
  DWORD n = 0;
  holdings h = {-1, 0};
  if (GetProcessHandleCount(GetCurrentProcess(), &n) && n)
    h.handles = (long)n;
  else
    h.handles = handles_in_system_list();
  return h;
}
#else
static long count_fds(void) {
  struct rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur <= 4096) {
    long n = 0; /* no descriptor is needed to count this way: works with none left */
    for (int fd = 0; fd < (int)rl.rlim_cur; fd++) n += fcntl(fd, F_GETFD) != -1;
    return n;
  }
  DIR *d = opendir("/proc/self/fd");
  if (!d) return -1;
  long n = 0;
  char self[16];
  snprintf(self, sizeof self, "%d", dirfd(d)); /* not counted: the fcntl count cannot see it */
  for (struct dirent *e; (e = readdir(d));) n += e->d_name[0] != '.' && strcmp(e->d_name, self);
  closedir(d);
  return n;
}

static long count_objects(void) {
  const char *root = getenv("KOBJNS_ROOT");
  char prefix[96];
  kt_tree_prefix(root ? root : "default", prefix, sizeof prefix);
  DIR *d = opendir("/dev/shm");
  if (!d) return -1;
  long n = 0;
  for (struct dirent *e; (e = readdir(d));) n += strncmp(e->d_name, prefix, strlen(prefix)) == 0;
  closedir(d);
  return n;
}

static holdings held_now(void) {
  holdings h = {count_fds(), count_objects()};
  return h;
}
#endif

/* What is held once it stops moving towards `before`: a process's handle count also moves with
 * the system's own work in it (seen once under Wine, in one case of thousands), which ends within
 * milliseconds; a leak stays. */
static holdings held_settled(holdings before) {
  holdings h = held_now();
  for (int i = 0; i < 20 && (h.handles != before.handles || h.objects != before.objects); i++) {
#ifdef _WIN32
    Sleep(5);
#else
    nanosleep(&(struct timespec){.tv_nsec = 5000000}, NULL);
#endif
    h = held_now();
  }
  return h;
}

/* --- reporting -------------------------------------------------------------------------------- */

static unsigned failed_rows; /* in a fork()ed child: what it reports */

static void notef(char *note, size_t size, const char *fmt, ...) BAD_PRINTF(3, 4);
static void notef(char *note, size_t size, const char *fmt, ...) {
  size_t at = strlen(note);
  if (at && at + 2 < size) strcpy(note + at, "; "), at += 2;
  if (at >= size) return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(note + at, size - at, fmt, ap);
  va_end(ap);
}

static void report(const char *table_name, size_t i, const char *fn, const char *input, int got,
                   int want, const char *note) {
  bool ok = got == want && !note[0];
  if (!ok) {
    fprintf(stderr, "\n  %s row %u: %s(%s) -> %d %s, want %d %s%s%s\n", table_name, (unsigned)i, fn,
            input, got, kobjns_status_name(got), want, kobjns_status_name(want),
            note[0] ? "; " : "", note);
    failed_rows++;
  }
  CU_ASSERT(ok);
}

/* --- the fixture ------------------------------------------------------------------------------ */

typedef struct fixture {
  kobjns_ctx *app; /* an app in session 1 */
  const char *name;
  kobjns_section *h[H_COUNT];
  char *view; /* granules 0-1 of H_RW at a 64 KiB-aligned address: MARK, MARK1 */
} fixture;

static char sentinel_byte;
#define SENTINEL ((void *)&sentinel_byte)

static char path_buf[1 << 19]; /* past any path: 4 bytes per unit of the longest name */

/* A view at a 64 KiB-aligned address (POSIX does not promise one; Windows always gives one). */
static char *aligned_view(kobjns_section *s) {
  for (int attempt = 0; attempt < 16; attempt++) {
    void *p = NULL, *at = NULL;
    if (kobjns_section_map(s, RD, 0, 0, &p)) return NULL; /* 3 granules */
    uintptr_t base = ((uintptr_t)p + GRAN - 1) / GRAN * GRAN;
    kobjns_unmap(p);
    if (kobjns_section_map_at(s, RW, 0, 2 * GRAN, (void *)base, &at) == 0) return at;
  }
  return NULL;
}

static bool fixture_open(fixture *f) {
  memset(f, 0, sizeof *f);
  f->app = kt_ctx(1, false);
  f->name = kt_name("fixture");
  KT_OK(kobjns_section_create(f->app, f->name, 3 * GRAN, RW, NULL, &f->h[H_RW]));
  KT_OK(kobjns_section_open(f->app, f->name, RD, &f->h[H_RD]));
  KT_OK(kobjns_section_open(f->app, f->name, RW, &f->h[H_WR]));
  KT_OK(kobjns_section_open(f->app, f->name, KOBJNS_MAP_COPY, &f->h[H_COPY]));
  KT_OK(kobjns_section_open(f->app, f->name, 0x10000u /* DELETE */, &f->h[H_NOMAP]));
  KT_OK(kobjns_section_create(f->app, kt_name("fixture-ro"), GRAN, RD, NULL, &f->h[H_RO]));
  f->view = f->h[H_RW] ? aligned_view(f->h[H_RW]) : NULL;
  CU_ASSERT_PTR_NOT_NULL(f->view);
  if (f->view) strcpy(f->view, MARK), strcpy(f->view + GRAN, MARK1);
  for (int i = H_RW; i <= H_RO; i++)
    if (!f->h[i]) return false;
  return f->view != NULL;
}

static void fixture_close(fixture *f) {
  if (f->view) KT_OK(kobjns_unmap(f->view));
  for (int i = H_RW; i <= H_RO; i++)
    if (f->h[i]) KT_OK(kobjns_section_close(f->h[i]));
  kobjns_ctx_free(f->app);
  memset(f, 0, sizeof *f);
}

/* Whether [p, p + 1) is still mapped (never touches it, so an unmapped page is not a crash). */
static bool still_mapped(void *p) {
#ifdef _WIN32
  MEMORY_BASIC_INFORMATION mbi;
  return VirtualQuery(p, &mbi, sizeof mbi) && mbi.State == MEM_COMMIT;
#else
  uintptr_t page = (uintptr_t)p / 4096 * 4096;
  return msync((void *)page, 4096, MS_ASYNC) == 0;
#endif
}

static void check_view(const fixture *f, char *note, size_t ns) {
  if (!f->view) return;
  if (!still_mapped(f->view) || !still_mapped(f->view + GRAN))
    notef(note, ns, "the fixture's view was unmapped");
  else if (strcmp(f->view, MARK) || strcmp(f->view + GRAN, MARK1))
    notef(note, ns, "the fixture's view was replaced");
}

/* "{u}" -> a new name unique to the run, "{f}" -> the fixture section's name. */
static char *expand(const char *pattern, const fixture *f) {
  if (!pattern) return NULL;
  const char *u = strstr(pattern, "{u}"), *fx = strstr(pattern, "{f}");
  const char *at = u ? u : fx;
  const char *with = u ? kt_name("bad") : fx && f->name ? f->name : "";
  size_t plen = strlen(pattern), wlen = strlen(with);
  char *out = malloc(plen + wlen + 1);
  if (!out) abort();
  if (!at) {
    memcpy(out, pattern, plen + 1);
    return out;
  }
  size_t pre = (size_t)(at - pattern);
  memcpy(out, pattern, pre);
  memcpy(out + pre, with, wlen);
  strcpy(out + pre + wlen, at + 3);
  return out;
}

/* A created or opened named section: its size, and its path is the whole canonical path. */
static void check_section(kobjns_ctx *ctx, kobjns_section *s, const char *name, uint64_t want_size,
                          char *note, size_t ns) {
  uint64_t size = 0;
  int rc = kobjns_section_size(s, &size);
  if (rc || (want_size && size != want_size))
    notef(note, ns, "size %llu (status %d), want %llu", (unsigned long long)size, rc,
          (unsigned long long)want_size);
  if (!name || !name[0]) return;
  size_t len = 0;
  rc = kobjns_resolve(ctx, name, path_buf, sizeof path_buf, &len);
  const char *path = kobjns_section_path(s);
  if (rc || strlen(path) != len || memcmp(path, path_buf, len))
    notef(note, ns, "path of %u bytes, want the %u bytes kobjns_resolve gives (status %d)",
          (unsigned)strlen(path), (unsigned)len, rc);
}

/* Run one row: its status, with what else went wrong in `note`. */
static int run_row(const row *r, fixture *f, char *note, size_t ns) {
  kobjns_ctx *ctx = (r->flags & F_NULL_CTX) ? NULL : f->app;
  kobjns_section *h = f->h[r->h];
  bool null_out = r->flags & F_NULL_OUT;
  int rc = -1;
  switch (r->op) {
    case OP_CTX_NEW: {
      kobjns_ctx *c = SENTINEL;
      rc = kobjns_ctx_new(null_out ? NULL : &c);
      if (!null_out && rc && c) notef(note, ns, "*out is not NULL after a failure");
      if (!null_out && !rc) kobjns_ctx_free(c);
      break;
    }
    case OP_CTX_SET_SESSION: {
      uint32_t before = 0, after = 0;
      if (ctx) kobjns_ctx_session(ctx, &before);
      rc = kobjns_ctx_set_session(ctx, (uint32_t)r->size);
      if (ctx && kobjns_ctx_session(ctx, &after) == 0 && rc && after != before)
        notef(note, ns, "the context moved to session %u on a failure", (unsigned)after);
      break;
    }
    case OP_CTX_SET_PRIVILEGE: {
      int before = -1, after = -1;
      if (ctx) kobjns_ctx_has_privilege(ctx, KOBJNS_PRIV_CREATE_GLOBAL, &before);
      rc = kobjns_ctx_set_privilege(ctx, r->access, (int)r->size);
      if (ctx) kobjns_ctx_has_privilege(ctx, KOBJNS_PRIV_CREATE_GLOBAL, &after);
      if (rc && before != after) notef(note, ns, "the privilege changed on a failure");
      break;
    }
    case OP_CTX_SET_USER: rc = kobjns_ctx_set_user(ctx, (uint32_t)r->size); break;
    case OP_CTX_SET_ROOT: rc = kobjns_ctx_set_root(ctx, r->name); break;
    case OP_CTX_SESSION: {
      uint32_t session;
      rc = kobjns_ctx_session(ctx, null_out ? NULL : &session);
      break;
    }
    case OP_CTX_HAS_PRIVILEGE: {
      int held;
      rc = kobjns_ctx_has_privilege(ctx, r->access, null_out ? NULL : &held);
      break;
    }
    case OP_CTX_FREE:
      kobjns_ctx_free(NULL);
      rc = 0;
      break;
    case OP_SESSION_ID: {
      uint32_t session;
      rc = kobjns_session_id(ctx, null_out ? NULL : &session);
      break;
    }
    case OP_CREATE:
    case OP_OPEN: {
      char *name = expand(r->name, f);
      kobjns_section *s = SENTINEL;
      kobjns_section **out = null_out ? NULL : &s;
      if (r->op == OP_CREATE)
        rc = kobjns_section_create(ctx, name, r->size, r->access, r->sddl, out);
      else
        rc = kobjns_section_open(ctx, name, r->access, out);
      if (!null_out) {
        bool handle = rc == 0 || (r->op == OP_CREATE && rc == KOBJNS_ALREADY_EXISTS);
        if (!handle && s) notef(note, ns, "*out is not NULL after a failure");
        if (handle && s == SENTINEL) notef(note, ns, "*out was not set");
        if (handle && s && s != SENTINEL) {
          check_section(ctx, s, name, r->want_size, note, ns);
          int closed = kobjns_section_close(s);
          if (closed) notef(note, ns, "closing it gave %d", closed);
        }
      }
      free(name);
      break;
    }
    case OP_MAP:
    case OP_MAP_AT: {
      void *p = SENTINEL, *base = NULL;
      switch (r->where) {
        case AT_ONE: base = (void *)1; break;
        case AT_PAGE: base = f->view + 4096; break;
        case AT_VIEW: base = f->view; break;
        case AT_INSIDE: base = f->view + GRAN; break;
        case AT_BEFORE: base = f->view - GRAN; break;
        default: break;
      }
      if (r->op == OP_MAP)
        rc = kobjns_section_map(h, r->access, r->size, r->length, null_out ? NULL : &p);
      else
        rc = kobjns_section_map_at(h, r->access, r->size, r->length, base, null_out ? NULL : &p);
      if (!null_out && rc && p) notef(note, ns, "*addr is not NULL after a failure");
      if (!null_out && !rc && p && p != SENTINEL && kobjns_unmap(p))
        notef(note, ns, "the view it returned does not unmap");
      check_view(f, note, ns);
      break;
    }
    case OP_UNMAP: {
      char stack[64], *heap = malloc(64);
      void *addr = NULL;
      switch (r->where) {
        case UN_ONE: addr = (void *)1; break;
        case UN_STACK: addr = stack; break;
        case UN_HEAP: addr = heap; break;
        case UN_RODATA: addr = (void *)(uintptr_t) "a string literal"; break;
        case UN_VIEW_PLUS_1: addr = f->view + 1; break;
        case UN_VIEW_PLUS_PAGE: addr = f->view + 4096; break;
        case UN_VIEW_INSIDE: addr = f->view + GRAN; break;
        case UN_TWICE: {
          int first = kobjns_section_map(f->h[H_RW], RD, 0, 0, &addr);
          if (!first) first = kobjns_unmap(addr);
          if (first) notef(note, ns, "the first map and unmap gave %d", first);
          break;
        }
        case UN_FOREIGN:
#ifdef _WIN32
          addr = VirtualAlloc(NULL, GRAN, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
#else
          addr = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
          if (addr == MAP_FAILED) addr = NULL;
#endif
          break;
        default: break;
      }
      rc = kobjns_unmap(addr);
      if (r->where == UN_FOREIGN && addr) {
        if (!still_mapped(addr)) notef(note, ns, "memory kobjns did not map was unmapped");
#ifdef _WIN32
        else
          VirtualFree(addr, 0, MEM_RELEASE);
#else
        else
          munmap(addr, 4096);
#endif
      }
      free(heap);
      check_view(f, note, ns);
      break;
    }
    case OP_CLOSE: rc = kobjns_section_close(h); break;
    case OP_SIZE: {
      uint64_t size;
      rc = kobjns_section_size(h, null_out ? NULL : &size);
      break;
    }
    case OP_ACCESS: {
      unsigned access;
      rc = kobjns_section_access(h, null_out ? NULL : &access);
      break;
    }
    case OP_PATH: {
      const char *path = kobjns_section_path(h);
      rc = path && !strcmp(path, "") ? 0 : -1;
      if (rc) notef(note, ns, "a path other than \"\"");
      break;
    }
    case OP_CLEANUP: {
      size_t removed;
      rc = kobjns_cleanup(null_out ? NULL : &removed);
      break;
    }
    case OP_RESOLVE: {
      char *name = expand(r->name, f);
      size_t needed = 0, len = (size_t)-1;
      bool known = name && kobjns_resolve(ctx, name, path_buf, sizeof path_buf, &needed) == 0;
      char *path = path_buf;
      size_t size = sizeof path_buf - 64;
      switch (r->where) {
        case BUF_NULL0: path = NULL, size = 0; break;
        case BUF_NULL5: path = NULL, size = 5; break;
        case BUF_ONE: size = 1; break;
        case BUF_SHORT: size = needed; break;
        case BUF_EXACT: size = needed + 1; break;
        default: break;
      }
      if ((r->where == BUF_SHORT || r->where == BUF_EXACT) && !known)
        notef(note, ns, "the name does not resolve");
      memset(path_buf, 0x5A, sizeof path_buf);
      rc = kobjns_resolve(ctx, name, path, size, (r->flags & F_NULL_LEN) ? NULL : &len);
      if (path)
        for (size_t i = size; i < size + 64; i++)
          if (path_buf[i] != 0x5A) {
            notef(note, ns, "wrote past path_size (byte %u)", (unsigned)i);
            break;
          }
      if (!(r->flags & F_NULL_LEN) && (rc == 0 || rc == KOBJNS_INSUFFICIENT_BUFFER) && known &&
          len != needed)
        notef(note, ns, "*path_len %u, want %u", (unsigned)len, (unsigned)needed);
      if (rc == 0 && path && strlen(path) != needed)
        notef(note, ns, "a path of %u bytes, want %u", (unsigned)strlen(path), (unsigned)needed);
      free(name);
      break;
    }
    case OP_SDDL: rc = kobjns_sddl_check(r->sddl); break;
    case OP_STATUS_NAME: {
      const char *name = kobjns_status_name((int)(int64_t)r->size);
      const char *message = kobjns_strerror((int)(int64_t)r->size);
      rc = name && !strcmp(name, "UNKNOWN") && message && message[0] ? 0 : -1;
      if (rc) notef(note, ns, "name %s", name ? name : "NULL");
      break;
    }
  }
  return rc;
}

/* Play a table: each row between two counts of what the process holds. */
static void play(const char *name, const table *t, fixture *f) {
  for (size_t i = 0; i < t->n; i++) {
    const row *r = &t->v[i];
    char note[512] = "";
    holdings before = held_now();
    int got = run_row(r, f, note, sizeof note);
    holdings after = held_now();
    if (before.handles >= 0 && after.handles >= 0 && after.handles != before.handles)
      notef(note, sizeof note, "%ld descriptors or handles before the call, %ld after",
            before.handles, after.handles);
    if (before.objects >= 0 && after.objects >= 0 && after.objects != before.objects)
      notef(note, sizeof note, "%ld objects of the run in /dev/shm before the call, %ld after",
            before.objects, after.objects);
    report(name, i, r->fn, r->input, got, r->want, note);
  }
}

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* --- contexts, sessions and statuses ---------------------------------------------------------- */

static const row context_rows[] = {
    {"kobjns_ctx_new", "NULL out", OP_CTX_NEW, 87, .flags = F_NULL_OUT},
    {"kobjns_ctx_set_session", "NULL ctx", OP_CTX_SET_SESSION, 87, F_NULL_CTX, .size = 1},
    {"kobjns_ctx_set_session", "NULL ctx, session 0", OP_CTX_SET_SESSION, 87, .flags = F_NULL_CTX},
    {"kobjns_ctx_set_session", "session 4294967295 (no session)", OP_CTX_SET_SESSION, 87,
     .size = UINT32_MAX},
    {"kobjns_ctx_set_privilege", "NULL ctx", OP_CTX_SET_PRIVILEGE, 87, F_NULL_CTX,
     .access = KOBJNS_PRIV_CREATE_GLOBAL},
    {"kobjns_ctx_set_privilege", "NULL ctx, enabling", OP_CTX_SET_PRIVILEGE, 87, F_NULL_CTX,
     .access = KOBJNS_PRIV_CREATE_GLOBAL, .size = 1},
    {"kobjns_ctx_set_privilege", "privilege 0, dropping", OP_CTX_SET_PRIVILEGE, 87, .access = 0},
    {"kobjns_ctx_set_privilege", "privilege 0, enabling", OP_CTX_SET_PRIVILEGE, 87, .access = 0,
     .size = 1},
    {"kobjns_ctx_set_privilege", "privilege 0x3 (a known bit and an unknown one)",
     OP_CTX_SET_PRIVILEGE, 87, .access = 3},
    {"kobjns_ctx_set_privilege", "privilege ~0u", OP_CTX_SET_PRIVILEGE, 87, .access = ~0u,
     .size = 1},
    {"kobjns_ctx_set_user", "NULL ctx", OP_CTX_SET_USER, 87, .flags = F_NULL_CTX},
    {"kobjns_ctx_set_user", "NULL ctx, uid 1000", OP_CTX_SET_USER, 87, F_NULL_CTX, .size = 1000},
    {"kobjns_ctx_set_user", "uid 4294967295 ((uid_t)-1)", OP_CTX_SET_USER, 87, .size = UINT32_MAX},
    {"kobjns_ctx_session", "NULL ctx (this process's)", OP_CTX_SESSION, 0, .flags = F_NULL_CTX},
    {"kobjns_ctx_session", "NULL session", OP_CTX_SESSION, 87, .flags = F_NULL_OUT},
    {"kobjns_ctx_session", "NULL ctx, NULL session", OP_CTX_SESSION, 87,
     .flags = F_NULL_CTX | F_NULL_OUT},
    {"kobjns_ctx_has_privilege", "NULL ctx (this process's)", OP_CTX_HAS_PRIVILEGE, 0, F_NULL_CTX,
     .access = KOBJNS_PRIV_CREATE_GLOBAL},
    {"kobjns_ctx_has_privilege", "NULL held", OP_CTX_HAS_PRIVILEGE, 87, F_NULL_OUT,
     .access = KOBJNS_PRIV_CREATE_GLOBAL},
    {"kobjns_ctx_has_privilege", "privilege 0", OP_CTX_HAS_PRIVILEGE, 87, .access = 0},
    {"kobjns_ctx_has_privilege", "privilege ~0u", OP_CTX_HAS_PRIVILEGE, 87, .access = ~0u},
    {"kobjns_ctx_set_root", "NULL ctx", OP_CTX_SET_ROOT, 87, .flags = F_NULL_CTX, .name = "a"},
    {"kobjns_ctx_set_root", "NULL root", OP_CTX_SET_ROOT, 87, .name = NULL},
    {"kobjns_ctx_set_root", "empty", OP_CTX_SET_ROOT, 87, .name = ""},
    {"kobjns_ctx_set_root", "a '/'", OP_CTX_SET_ROOT, 87, .name = "a/b"},
    {"kobjns_ctx_set_root", "a '.' (the native names' separator)", OP_CTX_SET_ROOT, 87,
     .name = "a.b"},
    {"kobjns_ctx_set_root", "dots", OP_CTX_SET_ROOT, 87, .name = ".."},
    {"kobjns_ctx_set_root", "a space", OP_CTX_SET_ROOT, 87, .name = "a b"},
    {"kobjns_ctx_set_root", "UTF-8", OP_CTX_SET_ROOT, 87, .name = "\xc3\xa9"},
    {"kobjns_ctx_set_root", "33 characters", OP_CTX_SET_ROOT, 87,
     .name = "abcdefghijklmnopqrstuvwxyz0123456"},
    {"kobjns_ctx_free", "NULL (nothing to do)", OP_CTX_FREE, 0, .h = H_NULL},
    {"kobjns_session_id", "NULL session", OP_SESSION_ID, 87, .flags = F_NULL_OUT},
    {"kobjns_session_id", "NULL ctx, NULL session", OP_SESSION_ID, 87,
     .flags = F_NULL_CTX | F_NULL_OUT},
    {"kobjns_cleanup", "NULL removed (allowed)", OP_CLEANUP, 0, .flags = F_NULL_OUT},
};

static const int64_t unknown_statuses[] = {
    -1, INT_MIN, INT_MAX, 10, 7, 9, 86, 88, 121, 124, 182, 184, 488, 1456, 0x80070005LL, 10000};

static void contexts_and_statuses(void) {
  table t = {0};
  add_all(&t, context_rows, COUNT(context_rows));
  for (unsigned bit = 1; bit < 32; bit++) { /* every privilege bit but the one that exists */
    row r = {"kobjns_ctx_set_privilege", "", OP_CTX_SET_PRIVILEGE, 87, .access = 1u << bit};
    snprintf(r.input, sizeof r.input, "privilege 0x%x (not a privilege), enabling", 1u << bit);
    r.size = 1, add(&t, r);
    snprintf(r.input, sizeof r.input, "privilege 0x%x (not a privilege), dropping", 1u << bit);
    r.size = 0, add(&t, r);
    row q = {"kobjns_ctx_has_privilege", "", OP_CTX_HAS_PRIVILEGE, 87, .access = 1u << bit};
    snprintf(q.input, sizeof q.input, "privilege 0x%x (not a privilege)", 1u << bit);
    add(&t, q);
  }
  for (size_t i = 0; i < COUNT(unknown_statuses); i++) {
    row r = {"kobjns_status_name", "", OP_STATUS_NAME, 0, .size = (uint64_t)unknown_statuses[i]};
    snprintf(r.input, sizeof r.input, "%lld (no status): \"UNKNOWN\" and a message",
             (long long)unknown_statuses[i]);
    add(&t, r);
  }
  fixture f;
  if (fixture_open(&f)) play("contexts", &t, &f);
  fixture_close(&f);
  free(t.v);
}

/* --- kobjns_section_create -------------------------------------------------------------------- */

static const row create_rows[] = {
    {"kobjns_section_create", "NULL out", OP_CREATE, 87, F_NULL_OUT, .name = "{u}", .size = 4096,
     .access = RW},
    {"kobjns_section_create", "NULL out, unnamed", OP_CREATE, 87, F_NULL_OUT, .size = 4096,
     .access = RW},
    {"kobjns_section_create", "NULL out, NULL ctx", OP_CREATE, 87, F_NULL_OUT | F_NULL_CTX,
     .name = "{u}", .size = 4096, .access = RW},
    {"kobjns_section_create", "NULL out, an existing name", OP_CREATE, 87, F_NULL_OUT,
     .name = "{f}", .size = 4096, .access = RW},
    {"kobjns_section_create", "size 0", OP_CREATE, 87, .name = "{u}", .access = RW},
    {"kobjns_section_create", "size 0, unnamed", OP_CREATE, 87, .access = RW},
    {"kobjns_section_create", "size 0, NULL ctx", OP_CREATE, 87, F_NULL_CTX, .name = "{u}",
     .access = RW},
    {"kobjns_section_create", "size 0, an existing name", OP_CREATE, 87, .name = "{f}",
     .access = RW},
    {"kobjns_section_create", "access 0", OP_CREATE, 87, .name = "{u}", .size = 4096},
    {"kobjns_section_create", "access 0, unnamed", OP_CREATE, 87, .size = 4096},
    {"kobjns_section_create", "access 0, an existing name", OP_CREATE, 87, .name = "{f}",
     .size = 4096},
    {"kobjns_section_create", "access ~0u", OP_CREATE, 87, .name = "{u}", .size = 4096,
     .access = ~0u},
    {"kobjns_section_create", "access SECTION_ALL_ACCESS | SYNCHRONIZE", OP_CREATE, 87,
     .name = "{u}", .size = 4096, .access = 0x1F001Fu},
    {"kobjns_section_create", "access MAXIMUM_ALLOWED", OP_CREATE, 87, .name = "{u}", .size = 4096,
     .access = 0x02000000u},
    {"kobjns_section_create", "access ACCESS_SYSTEM_SECURITY", OP_CREATE, 87, .name = "{u}",
     .size = 4096, .access = 0x01000000u},
    {"kobjns_section_create", "size 1: one whole page", OP_CREATE, 0, .name = "{u}", .size = 1,
     .access = RW, .want_size = 4096},
    {"kobjns_section_create", "size 1, unnamed: one whole page", OP_CREATE, 0, .size = 1,
     .access = RW, .want_size = 4096},
    {"kobjns_section_create", "size 1, read-only: one whole page", OP_CREATE, 0, .name = "{u}",
     .size = 1, .access = RD, .want_size = 4096},
    {"kobjns_section_create", "size 4095", OP_CREATE, 0, .name = "{u}", .size = 4095, .access = RW,
     .want_size = 4096},
    {"kobjns_section_create", "size 4097", OP_CREATE, 0, .name = "{u}", .size = 4097, .access = RW,
     .want_size = 8192},
    {"kobjns_section_create", "size 65537", OP_CREATE, 0, .name = "{u}", .size = 65537,
     .access = RW, .want_size = 69632},
    {"kobjns_section_create", "size UINT64_MAX", OP_CREATE, 534, .name = "{u}", .size = UINT64_MAX,
     .access = RW},
    {"kobjns_section_create", "size UINT64_MAX, unnamed", OP_CREATE, 534, .size = UINT64_MAX,
     .access = RW},
    {"kobjns_section_create", "size UINT64_MAX - 4095 (rounding up to pages would wrap)", OP_CREATE,
     534, .name = "{u}", .size = UINT64_MAX - 4095, .access = RW},
    {"kobjns_section_create", "size 2^63", OP_CREATE, 534, .name = "{u}", .size = (uint64_t)1 << 63,
     .access = RW},
    {"kobjns_section_create", "size INT64_MAX", OP_CREATE, 534, .name = "{u}", .size = INT64_MAX,
     .access = RW},
    {"kobjns_section_create", "size INT64_MAX - 4095", OP_CREATE, 534, .name = "{u}",
     .size = INT64_MAX - 4095, .access = RW},
    {"kobjns_section_create", "size INT64_MAX - 2^30 + 1 (the largest + 1)", OP_CREATE, 534,
     .name = "{u}", .size = MAX_SIZE + 1, .access = RW},
    {"kobjns_section_create", "size INT64_MAX - 2^30 + 1, unnamed, read-only", OP_CREATE, 534,
     .size = MAX_SIZE + 1, .access = RD},
    {"kobjns_section_create", "size 2^60 (more shared memory than there is)", OP_CREATE, 1455,
     .name = "{u}", .size = (uint64_t)1 << 60, .access = RW},
    {"kobjns_section_create", "size 2^60, unnamed", OP_CREATE, 1455, .size = (uint64_t)1 << 60,
     .access = RW},
    {"kobjns_section_create", "size 2^60, an existing name (opens it: size ignored)", OP_CREATE,
     183, .name = "{f}", .size = (uint64_t)1 << 60, .access = RW, .want_size = 3 * GRAN},
    {"kobjns_section_create", "size UINT64_MAX, an existing name", OP_CREATE, 534, .name = "{f}",
     .size = UINT64_MAX, .access = RW},
};

/* Sizes whose answer is Windows' (or Wine's) to give: the core lets them through. */
static const row huge_size_rows[] = {
    {"kobjns_section_create", "size INT64_MAX - 2^30 (the largest accepted; no memory has it)",
     OP_CREATE, 1455, .name = "{u}", .size = MAX_SIZE, .access = RW},
    {"kobjns_section_create", "size INT64_MAX - 2^30, unnamed", OP_CREATE, 1455, .size = MAX_SIZE,
     .access = RW},
    {"kobjns_section_create", "size 2^46 (64 TiB)", OP_CREATE, 1455, .name = "{u}",
     .size = (uint64_t)1 << 46, .access = RW},
};

static void add_access_bits(table *t, const char *fn, enum op op, const char *name, int want) {
  for (unsigned bit = 0; bit < 32; bit++) {
    unsigned a = 1u << bit;
    if (a & VALID_ACCESS) continue;
    if (op == OP_OPEN && a == KOBJNS_MAXIMUM_ALLOWED) continue; /* an open's (rows of its own) */
    row r = {fn, "", op, want, .name = name, .size = 4096, .access = a};
    snprintf(r.input, sizeof r.input, "access 0x%08x (not a section right)%s", a,
             strcmp(name, "{f}") ? "" : ", an existing name");
    add(t, r);
    r.access = a | RW;
    snprintf(r.input, sizeof r.input, "access KOBJNS_MAP_WRITE | 0x%08x%s", a,
             strcmp(name, "{f}") ? "" : ", an existing name");
    add(t, r);
    r.access = a | KOBJNS_MAP_ALL_ACCESS | KOBJNS_GENERIC_ALL;
    snprintf(r.input, sizeof r.input, "access ALL_ACCESS | GENERIC_ALL | 0x%08x%s", a,
             strcmp(name, "{f}") ? "" : ", an existing name");
    add(t, r);
  }
}

static void create_bad_arguments(void) {
  table t = {0};
  add_all(&t, create_rows, COUNT(create_rows));
  add_access_bits(&t, "kobjns_section_create", OP_CREATE, "{u}", 87);
  add_access_bits(&t, "kobjns_section_create", OP_CREATE, "{f}", 87);
  fixture f;
  if (fixture_open(&f)) play("create", &t, &f);
  fixture_close(&f);
  free(t.v);
}

#ifndef _WIN32
/* POSIX rows: sizes past the whole of the real /dev/shm (not merely past its free space: tmpfs
 * would first fill all of it; a full /dev/shm is played on a private one, below). */
static void add_past_all_of_dev_shm(table *t) {
  struct statvfs st;
  if (statvfs("/dev/shm", &st) != 0) return;
  uint64_t total = (uint64_t)st.f_blocks * st.f_frsize;
  static const char *const whats[] = {"all of /dev/shm + 1 page",
                                      "all of /dev/shm + 1 page, unnamed", "twice all of /dev/shm"};
  uint64_t sizes[] = {total + 4096, total + 4096, 2 * total};
  for (size_t i = 0; i < 3; i++) {
    row r = {"kobjns_section_create", "",          OP_CREATE, 1455, .name = i == 1 ? NULL : "{u}",
             .size = sizes[i],        .access = RW};
    snprintf(r.input, sizeof r.input, "size %s (%llu bytes)", whats[i],
             (unsigned long long)sizes[i]);
    add(t, r);
  }
}
#endif

static void create_huge_sizes(void) {
  table t = {0};
  add_all(&t, huge_size_rows, COUNT(huge_size_rows));
#ifndef _WIN32
  add_past_all_of_dev_shm(&t);
#endif
  fixture f;
  if (fixture_open(&f)) play("create (huge sizes)", &t, &f);
  fixture_close(&f);
  free(t.v);
}

/* --- kobjns_section_open ---------------------------------------------------------------------- */

static const row open_rows[] = {
    {"kobjns_section_open", "NULL out", OP_OPEN, 87, F_NULL_OUT, .name = "{f}", .access = RD},
    {"kobjns_section_open", "NULL out, a missing name", OP_OPEN, 87, F_NULL_OUT, .name = "{u}",
     .access = RD},
    {"kobjns_section_open", "NULL out, NULL name", OP_OPEN, 87, F_NULL_OUT, .access = RD},
    {"kobjns_section_open", "NULL name", OP_OPEN, 87, .access = RD},
    {"kobjns_section_open", "NULL name, NULL ctx", OP_OPEN, 87, F_NULL_CTX, .access = RD},
    {"kobjns_section_open", "NULL name, access 0", OP_OPEN, 87, .h = H_NULL},
    {"kobjns_section_open", "\"\" (an unnamed section has no name)", OP_OPEN, 6, .name = "",
     .access = RD},
    {"kobjns_section_open", "\"\", NULL ctx", OP_OPEN, 6, F_NULL_CTX, .name = "", .access = RD},
    {"kobjns_section_open", "access 0 (asks for nothing)", OP_OPEN, 5, .name = "{f}"},
    {"kobjns_section_open", "access 0, a missing name", OP_OPEN, 2, .name = "{u}"},
    {"kobjns_section_open", "access ~0u", OP_OPEN, 87, .name = "{f}", .access = ~0u},
    {"kobjns_section_open", "access ~0u, a missing name", OP_OPEN, 87, .name = "{u}",
     .access = ~0u},
    {"kobjns_section_open", "access MAXIMUM_ALLOWED (what its descriptor grants)", OP_OPEN, 0,
     .name = "{f}", .access = 0x02000000u},
    {"kobjns_section_open", "access MAXIMUM_ALLOWED, a missing name", OP_OPEN, 2, .name = "{u}",
     .access = 0x02000000u},
    {"kobjns_section_open", "access SECTION_ALL_ACCESS | SYNCHRONIZE", OP_OPEN, 87, .name = "{f}",
     .access = 0x1F001Fu},
};

static void open_bad_arguments(void) {
  table t = {0};
  add_all(&t, open_rows, COUNT(open_rows));
  add_access_bits(&t, "kobjns_section_open", OP_OPEN, "{f}", 87);
  add_access_bits(&t, "kobjns_section_open", OP_OPEN, "{u}", 87); /* before looking the name up */
  fixture f;
  if (fixture_open(&f)) play("open", &t, &f);
  fixture_close(&f);
  free(t.v);
}

/* --- views: kobjns_section_map, kobjns_section_map_at, kobjns_unmap --------------------------- */

#define MAP(input, want, ...)                                                                      \
  { "kobjns_section_map", input, OP_MAP, want, __VA_ARGS__ }
#define MAP_AT(input, want, ...)                                                                   \
  { "kobjns_section_map_at", input, OP_MAP_AT, want, __VA_ARGS__ }
#define UNMAP(input, where_)                                                                       \
  { "kobjns_unmap", input, OP_UNMAP, 487, .where = where_ }

static const row view_rows[] = {
    MAP("NULL addr", 87, F_NULL_OUT, .h = H_RW, .access = RD),
    MAP("NULL handle", 6, .h = H_NULL, .access = RD),
    MAP("NULL handle, KOBJNS_MAP_WRITE", 6, .h = H_NULL, .access = RW),
    /* offsets: a multiple of 65536, checked before access (namespaces.md) */
    MAP("offset 1", 1132, .h = H_RW, .access = RD, .size = 1),
    MAP("offset 4095", 1132, .h = H_RW, .access = RD, .size = 4095),
    MAP("offset 4096 (a page, not a granule)", 1132, .h = H_RW, .access = RD, .size = 4096),
    MAP("offset 32768", 1132, .h = H_RW, .access = RD, .size = 32768),
    MAP("offset 65535", 1132, .h = H_RW, .access = RD, .size = 65535),
    MAP("offset 65537", 1132, .h = H_RW, .access = RD, .size = 65537),
    MAP("offset 69632 (64 KiB + a page)", 1132, .h = H_RW, .access = RD, .size = 69632),
    MAP("offset UINT64_MAX", 1132, .h = H_RW, .access = RD, .size = UINT64_MAX),
    MAP("offset 2^63 + 1", 1132, .h = H_RW, .access = RD, .size = ((uint64_t)1 << 63) + 1),
    MAP("offset 4096 on a read handle mapping write (alignment comes first)", 1132, .h = H_RD,
        .access = RW, .size = 4096),
    MAP("offset 4096 on a handle without map rights", 1132, .h = H_NOMAP, .access = RD,
        .size = 4096),
    /* offsets and lengths past the end */
    MAP("offset 196608 (the section's size)", 5, .h = H_RW, .access = RD, .size = 3 * GRAN),
    MAP("offset 262144 (past the end)", 5, .h = H_RW, .access = RD, .size = 4 * GRAN),
    MAP("offset 2^32", 5, .h = H_RW, .access = RD, .size = (uint64_t)1 << 32),
    MAP("offset 2^48", 5, .h = H_RW, .access = RD, .size = (uint64_t)1 << 48),
    MAP("offset UINT64_MAX - 65535 (aligned)", 5, .h = H_RW, .access = RD,
        .size = UINT64_MAX - 65535),
    MAP("offset 2^63 (aligned)", 5, .h = H_RW, .access = RW, .size = (uint64_t)1 << 63),
    MAP("length 196609 (one byte more than the section)", 5, .h = H_RW, .access = RD,
        .length = 3 * GRAN + 1),
    MAP("length SIZE_MAX", 5, .h = H_RW, .access = RD, .length = SIZE_MAX),
    MAP("length SIZE_MAX - 65535", 5, .h = H_RW, .access = RW, .length = SIZE_MAX - 65535),
    MAP("offset 65536, length 131073 (one byte past the end)", 5, .h = H_RW, .access = RD,
        .size = GRAN, .length = 2 * GRAN + 1),
    MAP("offset 131072, length 65537", 5, .h = H_RW, .access = RD, .size = 2 * GRAN,
        .length = GRAN + 1),
    MAP("offset 131072, length SIZE_MAX", 5, .h = H_RW, .access = RD, .size = 2 * GRAN,
        .length = SIZE_MAX),
    MAP("offset 131072, length SIZE_MAX - 131071 (offset + length wraps)", 5, .h = H_RW,
        .access = RD, .size = 2 * GRAN, .length = SIZE_MAX - 2 * GRAN + 1),
    MAP("offset 131072, length 65536: the last granule", 0, .h = H_RW, .access = RD,
        .size = 2 * GRAN, .length = GRAN),
    MAP("length 1", 0, .h = H_RW, .access = RD, .length = 1),
    MAP("length 196608: all of it", 0, .h = H_RW, .access = RW, .length = 3 * GRAN),
    /* rights */
    MAP("KOBJNS_MAP_WRITE on a handle opened for read", 5, .h = H_RD, .access = RW),
    MAP("KOBJNS_MAP_ALL_ACCESS on a handle opened for read", 5, .h = H_RD,
        .access = KOBJNS_MAP_ALL_ACCESS),
    MAP("KOBJNS_MAP_READ on a handle opened for write alone", 5, .h = H_WR, .access = RD),
    MAP("KOBJNS_MAP_COPY on a handle opened for write alone", 5, .h = H_WR,
        .access = KOBJNS_MAP_COPY),
    MAP("KOBJNS_MAP_WRITE on a handle opened for KOBJNS_MAP_COPY", 5, .h = H_COPY, .access = RW),
    MAP("KOBJNS_MAP_READ on a handle without map rights", 5, .h = H_NOMAP, .access = RD),
    MAP("KOBJNS_MAP_COPY on a handle without map rights", 5, .h = H_NOMAP,
        .access = KOBJNS_MAP_COPY),
    MAP("KOBJNS_MAP_WRITE on its creator's handle of a read-only section", 5, .h = H_RO,
        .access = RW),
    MAP("KOBJNS_MAP_ALL_ACCESS on a read-only section", 5, .h = H_RO,
        .access = KOBJNS_MAP_ALL_ACCESS),
    /* kobjns_section_map_at */
    MAP_AT("base 1", 1132, .h = H_RW, .access = RD, .where = AT_ONE),
    MAP_AT("base 4096 past a 64 KiB boundary", 1132, .h = H_RW, .access = RD, .where = AT_PAGE),
    MAP_AT("base 1, offset 4096", 1132, .h = H_RW, .access = RD, .where = AT_ONE, .size = 4096),
    MAP_AT("base: an existing view", 487, .h = H_RW, .access = RD, .where = AT_VIEW, .size = GRAN,
           .length = GRAN),
    MAP_AT("base: an existing view, KOBJNS_MAP_WRITE", 487, .h = H_RW, .access = RW,
           .where = AT_VIEW, .size = 2 * GRAN, .length = GRAN),
    MAP_AT("base: inside an existing view", 487, .h = H_RW, .access = RD, .where = AT_INSIDE,
           .size = 2 * GRAN, .length = GRAN),
    MAP_AT("base 64 KiB below a view, 128 KiB long (overlaps it)", 487, .h = H_RW, .access = RD,
           .where = AT_BEFORE, .size = GRAN, .length = 2 * GRAN),
    MAP_AT("base: an existing view, offset 4096", 1132, .h = H_RW, .access = RD, .where = AT_VIEW,
           .size = 4096),
    MAP_AT("NULL addr", 87, F_NULL_OUT, .h = H_RW, .access = RD, .where = AT_VIEW),
    MAP_AT("NULL handle", 6, .h = H_NULL, .access = RD, .where = AT_VIEW),
    MAP_AT("NULL handle, base NULL", 6, .h = H_NULL, .access = RD),
    MAP_AT("access 0x40, base: an existing view", 87, .h = H_RW, .access = 0x40, .where = AT_VIEW),
    MAP_AT("a length past the end at a base", 5, .h = H_RW, .access = RD, .where = AT_VIEW,
           .length = 3 * GRAN + 1),
    MAP_AT("KOBJNS_MAP_WRITE on a read-only section at a base", 5, .h = H_RO, .access = RW,
           .where = AT_VIEW),
    /* kobjns_unmap: anything but the start of a view this library mapped */
    UNMAP("NULL", UN_NULL),
    UNMAP("(void *)1", UN_ONE),
    UNMAP("a stack address", UN_STACK),
    UNMAP("a heap block", UN_HEAP),
    UNMAP("a string literal", UN_RODATA),
    UNMAP("a view's start + 1", UN_VIEW_PLUS_1),
    UNMAP("a view's start + 4096", UN_VIEW_PLUS_PAGE),
    UNMAP("a view's second granule (64 KiB into it)", UN_VIEW_INSIDE),
    UNMAP("a view already unmapped (twice)", UN_TWICE),
    UNMAP("memory mapped without kobjns", UN_FOREIGN),
};

/* A view's access as MapViewOfFile takes it (Wine's virtual.c tests, written against Windows):
 * any bits of FILE_MAP_ALL_ACCESS, FILE_MAP_COPY and FILE_MAP_EXECUTE are a view (FILE_MAP_COPY
 * alone copy-on-write, otherwise ignored; no read or write right: a view with no access); any
 * other bit is 87. On H_RW (a read/write section without an execute protection, a handle without
 * an execute right) an executable view is 5. */
static int view_answer(unsigned access) {
  if (access & ~(KOBJNS_MAP_ALL_ACCESS | KOBJNS_MAP_EXECUTE)) return KOBJNS_INVALID_PARAMETER;
  bool exec = access & KOBJNS_MAP_EXECUTE;
  bool has_access = access & (KOBJNS_MAP_COPY | KOBJNS_MAP_WRITE | KOBJNS_MAP_READ);
  return exec && has_access ? KOBJNS_ACCESS_DENIED : 0;
}

static void add_map_access_values(table *t) {
  static const unsigned combos[] = {0,
                                    KOBJNS_MAP_COPY | KOBJNS_MAP_WRITE, /* row 56: shared */
                                    KOBJNS_MAP_COPY | KOBJNS_MAP_READ,
                                    KOBJNS_MAP_COPY | KOBJNS_MAP_WRITE | KOBJNS_MAP_READ,
                                    KOBJNS_MAP_EXECUTE | KOBJNS_MAP_READ, /* row 57 */
                                    KOBJNS_MAP_EXECUTE | KOBJNS_MAP_WRITE,
                                    KOBJNS_MAP_EXECUTE | KOBJNS_MAP_COPY,
                                    KOBJNS_MAP_ALL_ACCESS | KOBJNS_MAP_EXECUTE,
                                    KOBJNS_GENERIC_READ,
                                    KOBJNS_GENERIC_WRITE,
                                    KOBJNS_GENERIC_READ | KOBJNS_GENERIC_WRITE,
                                    KOBJNS_GENERIC_ALL,
                                    KOBJNS_MAP_READ | KOBJNS_GENERIC_READ,
                                    ~0u};
  for (unsigned bit = 0; bit < 32; bit++) {
    unsigned a = 1u << bit;
    if (a == KOBJNS_MAP_COPY || a == KOBJNS_MAP_WRITE || a == KOBJNS_MAP_READ) continue;
    row r = MAP("", view_answer(a), .h = H_RW, .access = a);
    snprintf(r.input, sizeof r.input, "access 0x%08x", a);
    add(t, r);
    row q = MAP_AT("", view_answer(a), .h = H_RW, .access = a, .where = AT_NULL);
    snprintf(q.input, sizeof q.input, "access 0x%08x, base NULL", a);
    add(t, q);
  }
  for (size_t i = 0; i < COUNT(combos); i++) {
    row r = MAP("", view_answer(combos[i]), .h = H_RW, .access = combos[i]);
    snprintf(r.input, sizeof r.input, "access 0x%08x", combos[i]);
    add(t, r);
    r.h = H_NULL; /* the handle is looked at first */
    r.want = 6;
    snprintf(r.input, sizeof r.input, "NULL handle, access 0x%08x", combos[i]);
    add(t, r);
  }
}

static void view_bad_arguments(void) {
  table t = {0};
  add_all(&t, view_rows, COUNT(view_rows));
  add_map_access_values(&t);
  fixture f;
  if (fixture_open(&f)) play("views", &t, &f);
  fixture_close(&f);
  free(t.v);
}

/* --- handles, kobjns_resolve ------------------------------------------------------------------ */

static const row handle_rows[] = {
    {"kobjns_section_close", "NULL", OP_CLOSE, 6, .h = H_NULL},
    {"kobjns_section_size", "NULL handle", OP_SIZE, 6, .h = H_NULL},
    {"kobjns_section_size", "NULL size", OP_SIZE, 87, F_NULL_OUT, .h = H_RW},
    {"kobjns_section_size", "NULL size, a handle without map rights", OP_SIZE, 87, F_NULL_OUT,
     .h = H_NOMAP},
    {"kobjns_section_access", "NULL handle", OP_ACCESS, 6, .h = H_NULL},
    {"kobjns_section_access", "NULL access", OP_ACCESS, 87, F_NULL_OUT, .h = H_RW},
    {"kobjns_section_path", "NULL handle: \"\"", OP_PATH, 0, .h = H_NULL},
};

#define RESOLVE(input, want, ...)                                                                  \
  { "kobjns_resolve", input, OP_RESOLVE, want, __VA_ARGS__ }

static const row resolve_rows[] = {
    RESOLVE("NULL name", 87, .name = NULL),
    RESOLVE("NULL name, NULL ctx", 87, F_NULL_CTX, .name = NULL),
    RESOLVE("NULL name, NULL path, size 0", 87, .name = NULL, .where = BUF_NULL0),
    RESOLVE("NULL name, NULL path_len", 87, F_NULL_LEN, .name = NULL),
    RESOLVE("NULL path, path_size 5", 87, .name = "{u}", .where = BUF_NULL5),
    RESOLVE("NULL path, path_size 5, NULL ctx", 87, F_NULL_CTX, .name = "{u}", .where = BUF_NULL5),
    RESOLVE("NULL path, path_size 0: the length needed", 122, .name = "{u}", .where = BUF_NULL0),
    RESOLVE("NULL path, path_size 0, NULL path_len", 122, F_NULL_LEN, .name = "{u}",
            .where = BUF_NULL0),
    RESOLVE("NULL path, size 0, NULL ctx: the length needed", 122, F_NULL_CTX, .name = "{u}",
            .where = BUF_NULL0),
    RESOLVE("path_size 1", 122, .name = "{u}", .where = BUF_ONE),
    RESOLVE("path_size 1, NULL path_len", 122, F_NULL_LEN, .name = "{u}", .where = BUF_ONE),
    RESOLVE("path_size = the length (no room for the NUL)", 122, .name = "{u}", .where = BUF_SHORT),
    RESOLVE("path_size = the length, NULL ctx", 122, F_NULL_CTX, .name = "{u}", .where = BUF_SHORT),
    RESOLVE("path_size = the length, Global\\", 122, .name = "Global\\{u}", .where = BUF_SHORT),
    RESOLVE("path_size = the length + 1: fits exactly", 0, .name = "{u}", .where = BUF_EXACT),
    RESOLVE("path_size = the length + 1, NULL path_len", 0, F_NULL_LEN, .name = "{u}",
            .where = BUF_EXACT),
    RESOLVE("\"\" (no object has an empty name)", 6, .name = ""),
    RESOLVE("\"\", NULL path, size 0", 6, .name = "", .where = BUF_NULL0),
    RESOLVE("\"\", NULL ctx", 6, F_NULL_CTX, .name = ""),
};

static void handles_and_resolve(void) {
  table t = {0};
  add_all(&t, handle_rows, COUNT(handle_rows));
  fixture f;
  if (fixture_open(&f)) {
    play("handles", &t, &f);
    t.n = 0;
    add_all(&t, resolve_rows, COUNT(resolve_rows));
    play("resolve", &t, &f);
  }
  fixture_close(&f);
  free(t.v);
}

/* --- SDDL ------------------------------------------------------------------------------------- */

static const struct {
  const char *sddl;
  int want;
} bad_sddl[] = {
    {"", 1336},
    {"D", 1336},
    {"d:(A;;GA;;;WD)", 1336},
    {"D:(", 1336},
    {"D:)", 1336},
    {"D:(A;;GA;;;WD", 1336},
    {"D:A;;GA;;;WD)", 1336},
    {"D:((A;;GA;;;WD))", 1336},
    {"D:(A;;GA;;;WD))", 1336},
    {"D:(A;;GA;;;WD)(", 1336},
    {"D:(A;;GA;;;WD;)", 1336},
    {"D:(A;;GA;;WD)", 1336},
    {"D:(;;GA;;;WD)", 1336},
    {"D:(a;;GA;;;WD)", 1336},
    {"D:(AU;;GA;;;WD)", 1336},
    {"D:(OA;;GA;;;WD)", 1336},
    {"D:(A;XX;GA;;;WD)", 1336},
    {"D:(A;I;GA;;;WD)", 1336},
    {"D:(A;SA;GA;;;WD)", 1336},
    {"D:(A;;G;;;WD)", 1336},
    {"D:(A;;gr;;;WD)", 1336},
    {"D:(A;;GRX;;;WD)", 1336},
    {"D:(A;;0x;;;WD)", 1336},
    {"D:(A;;0x123456789;;;WD)", 1336},
    {"D:(A;;0xG;;;WD)", 1336},
    {"D:(A;;00;;;WD)", 1336},
    {"D:(A;;-1;;;WD)", 1336},
    {"D:(A;;4294967296;;;WD)", 1336},
    {"D:(A;;GA;x;;WD)", 1336},
    {"D:(A;;GA;;x;WD)", 1336},
    {"D:\xff", 1336},
    {"D: (A;;GA;;;WD)", 1336},
    {"D:(A;;GA;;;WD) ", 1336},
    {"D:NO_ACCESS", 1336},
    {"D:NO_ACCESS_CONTROL(A;;GA;;;WD)", 1336},
    {"D:(A;;GA;;;)", 1337},
    {"D:(A;;GA;;;XX)", 1337},
    {"D:(A;;GA;;;wd)", 1337},
    {"D:(A;;GA;;;WDX)", 1337},
    {"D:(A;;GA;;;W\xff)", 1337},
    {"D:(A;;GA;;;BU)", 1337},
    {"D:(A;;GA;;;S-1)", 1337},
    {"D:(A;;GA;;;S-1-22-1-)", 1337},
    {"D:(A;;GA;;;S-1-22-1-01)", 1337},
    {"D:(A;;GA;;;S-1-22-1--1)", 1337},
    {"D:(A;;GA;;;S-1-22-1-4294967295)", 1337},
    {"D:(A;;GA;;;S-1-22-1-99999999999)", 1337},
    {"D:(A;;GA;;;S-1-22-3-5)", 1337},
    {"D:(A;;GA;;;S-1-5-21-1-2-3-1000)", 1337},
    {"O:BA", 87},
    {"G:BA", 87},
    {"S:", 87},
    {"O:BAD:(A;;GA;;;WD)", 87},
    {"D:(A;;GA;;;WD)O:BA", 87},
    {"D:(A;;GA;;;WD)S:(AU;SA;GA;;;WD)", 87},
};

static char *repeated(const char *head, const char *unit, size_t times, const char *tail) {
  size_t lh = strlen(head), lu = strlen(unit), lt = strlen(tail);
  char *s = malloc(lh + lu * times + lt + 1);
  if (!s) abort();
  memcpy(s, head, lh);
  for (size_t i = 0; i < times; i++) memcpy(s + lh + i * lu, unit, lu);
  memcpy(s + lh + lu * times, tail, lt + 1);
  return s;
}

static void add_sddl(table *t, const char *sddl, int want, const char *what) {
  row r = {"kobjns_sddl_check", "", OP_SDDL, want, .sddl = sddl};
  snprintf(r.input, sizeof r.input, "%s", what);
  add(t, r);
  row c = {"kobjns_section_create", "",           OP_CREATE,    want,
           .name = "{u}",           .size = 4096, .access = RW, .sddl = sddl};
  snprintf(c.input, sizeof c.input, "sddl %s", what);
  add(t, c);
}

static void malformed_sddl(void) {
  table t = {0};
  row none = {"kobjns_sddl_check", "NULL", OP_SDDL, 87, .h = H_NULL};
  add(&t, none);
  for (size_t i = 0; i < COUNT(bad_sddl); i++) {
    char what[112];
    snprintf(what, sizeof what, "\"%.100s\"", bad_sddl[i].sddl);
    add_sddl(&t, bad_sddl[i].sddl, bad_sddl[i].want, what);
  }
  add_sddl(&t, keep(repeated("D:", "(A;;GR;;;WD)", 33, "")), 1336, "33 ACEs (at most 32)");
  add_sddl(&t, keep(repeated("D:", "(A;;GR;;;WD)", 5000, "")), 1336, "5000 ACEs (60 KB)");
  add_sddl(&t, keep(repeated("D:(A;;GA;;;S-1-22-1-", "9", 10000, ")")), 1337,
           "a SID of 10000 digits");
  add_sddl(&t, keep(repeated("D:(A;;0x", "F", 10000, ";;;WD)")), 1336, "a mask of 10000 digits");
  add_sddl(&t, keep(repeated("D:(A;;GA;;;WD)", "(", 1, "")), 1336, "an ACE left open at the end");
  add_sddl(&t, keep(repeated("D:", "(A;;GR;;;WD)", 32, "")), 0, "32 ACEs (the most)");
  add_sddl(&t, keep(repeated("D:(A;IO;GR;;;WD)", "(A;;GR;;;WD)", 32, "")), 0,
           "33 ACEs, one inherit-only (not counted)");
  fixture f;
  if (fixture_open(&f)) play("sddl", &t, &f);
  fixture_close(&f);
  free(t.v);
  free_owned();
}

/* --- invalid UTF-8 ---------------------------------------------------------------------------- */

static const struct {
  const char *bytes, *what;
} bad_utf8[] = {
    {"\xff", "0xFF"},
    {"\xfe", "0xFE"},
    {"\xc0\x80", "0xC0 0x80 (an overlong NUL)"},
    {"\xc0\xaf", "an overlong '/' in 2 bytes"},
    {"\xc1\xbf", "an overlong U+007F in 2 bytes"},
    {"\xe0\x80\xaf", "an overlong '/' in 3 bytes"},
    {"\xe0\x9f\xbf", "an overlong U+07FF in 3 bytes"},
    {"\xf0\x80\x80\xaf", "an overlong '/' in 4 bytes"},
    {"\xf0\x8f\xbf\xbf", "an overlong U+FFFF in 4 bytes"},
    {"\xed\xa0\x80", "the surrogate U+D800"},
    {"\xed\xbf\xbf", "the surrogate U+DFFF"},
    {"\xed\xa0\xbd\xed\xb8\x80", "a surrogate pair (CESU-8 U+1F600)"},
    {"\xf4\x90\x80\x80", "U+110000, past U+10FFFF"},
    {"\xf5\x80\x80\x80", "the lead byte 0xF5"},
    {"\xf8\x88\x80\x80\x80", "a 5-byte sequence"},
    {"\xfc\x84\x80\x80\x80\x80", "a 6-byte sequence"},
    {"\x80", "a lone continuation byte 0x80"},
    {"\xbf", "a lone continuation byte 0xBF"},
    {"\xc3", "a 2-byte sequence cut by the end"},
    {"\xe2\x82", "a 3-byte sequence cut by the end"},
    {"\xf0\x9f\x98", "a 4-byte sequence cut by the end"},
    {"\xc3"
     "a",
     "a 2-byte sequence cut by 'a'"},
    {"\xe2\x82"
     "a",
     "a 3-byte sequence cut by 'a'"},
    {"\xf0\x9f\x98"
     "\\",
     "a 4-byte sequence cut by '\\'"},
    {"\xc3\xc3\xa9", "a lead byte followed by a lead byte"},
};

/* The edges of valid UTF-8 are names like any other (the check is not stricter than UTF-8). */
static const struct {
  const char *bytes, *what;
} good_utf8[] = {
    {"\xc2\x80", "U+0080, the first 2-byte character"},
    {"\xdf\xbf", "U+07FF, the last 2-byte character"},
    {"\xe0\xa0\x80", "U+0800, the first 3-byte character"},
    {"\xed\x9f\xbf", "U+D7FF, just below the surrogates"},
    {"\xee\x80\x80", "U+E000, just above the surrogates"},
    {"\xef\xbf\xbe", "U+FFFE, a noncharacter"},
    {"\xef\xbf\xbf", "U+FFFF, a noncharacter"},
    {"\xf0\x90\x80\x80", "U+10000, the first 4-byte character"},
    {"\xf4\x8f\xbf\xbf", "U+10FFFF, the last character"},
    {"\x7f", "U+007F (DEL)"},
    {"\x01", "U+0001"},
};

/* Where in a name the bad bytes go; {u} makes the rest of the name unique. */
static const struct {
  const char *before, *after, *what;
} utf8_places[] = {
    {"", "", "alone"},
    {"", "{u}", "at the start"},
    {"Local\\{u}", "", "at the end, after Local\\"},
    {"Glo", "bal\\{u}", "inside the keyword Global"},
    {"Session\\1\\", "{u}", "after Session\\1\\"},
    {"{u}", "\\x", "before a '\\' (UTF-8 is checked first)"},
};

static void invalid_utf8(void) {
  table t = {0};
  static const struct {
    const char *fn;
    enum op op;
  } calls[] = {{"kobjns_section_create", OP_CREATE},
               {"kobjns_section_open", OP_OPEN},
               {"kobjns_resolve", OP_RESOLVE}};
  for (size_t b = 0; b < COUNT(bad_utf8); b++)
    for (size_t p = 0; p < COUNT(utf8_places); p++)
      for (size_t c = 0; c < COUNT(calls); c++)
        for (unsigned nullctx = 0; nullctx < 2; nullctx++) {
          if (nullctx && p % 2) continue; /* NULL ctx: half the places are enough */
          row r = {calls[c].fn,
                   "",
                   calls[c].op,
                   1113,
                   nullctx ? F_NULL_CTX : 0,
                   .name = joined(utf8_places[p].before, bad_utf8[b].bytes, utf8_places[p].after),
                   .size = 4096,
                   .access = RW};
          snprintf(r.input, sizeof r.input, "%s %s%s", bad_utf8[b].what, utf8_places[p].what,
                   nullctx ? ", NULL ctx" : "");
          add(&t, r);
        }
  for (size_t g = 0; g < COUNT(good_utf8); g++) {
    row r = {"kobjns_section_create",
             "",
             OP_CREATE,
             0,
             .name = joined("{u}", good_utf8[g].bytes, ""),
             .size = 4096,
             .access = RW,
             .want_size = 4096};
    snprintf(r.input, sizeof r.input, "%s at the end of a name: accepted", good_utf8[g].what);
    add(&t, r);
    r.fn = "kobjns_resolve", r.op = OP_RESOLVE, r.where = BUF_EXACT;
    add(&t, r);
  }
  /* A name that is too long and not UTF-8: the first rule of the walk (UTF-8) answers. */
  const char *long_bad = keep(repeated("Local\\", "x", LIMIT, "\xff"));
  row l = {"kobjns_resolve", "32766 + 1 units, then 0xFF", OP_RESOLVE, 1113, .name = long_bad};
  add(&t, l);
  l.fn = "kobjns_section_open", l.op = OP_OPEN, l.access = RD, add(&t, l);
  l.fn = "kobjns_section_create", l.op = OP_CREATE, l.size = 4096, l.access = RW, add(&t, l);
  fixture f;
  if (fixture_open(&f)) play("utf8", &t, &f);
  fixture_close(&f);
  free(t.v);
  free_owned();
}

/* --- name lengths ----------------------------------------------------------------------------- */

/* What long names are made of: one character, its UTF-16 length, and another character of the same
 * length differing in its last byte (for names that differ only in their last character). */
static const struct {
  const char *utf8, *other, *what;
  size_t units;
} chars[] = {
    {"a", "b", "ASCII", 1},
    {"\xc3\xa9", "\xc3\xa8", "2-byte UTF-8 (U+00E9)", 1},
    {"\xe2\x82\xac", "\xe2\x82\xad", "3-byte UTF-8 (U+20AC)", 1},
    {"\xf0\x9f\x98\x80", "\xf0\x9f\x98\x81", "4-byte UTF-8 (U+1F600, 2 UTF-16 units)", 2},
    {"/", ":", "'/' (escaped in POSIX file names)", 1},
};

/* prefix + tag + characters chars[c], `units` UTF-16 units in all (the prefix and tag count; a
 * remainder smaller than a character is made of 'a's, before the characters); the last
 * character replaced by chars[c].other when `other`. NULL when the prefix and tag are longer. */
static char *make_name(const char *prefix, const char *tag, size_t c, size_t units, bool other) {
  size_t fixed = strlen(prefix) + strlen(tag);
  if (units < fixed) return NULL;
  size_t rest = units - fixed, n = rest / chars[c].units, pad = rest % chars[c].units;
  size_t clen = strlen(chars[c].utf8);
  char *s = malloc(fixed + pad + n * clen + 1), *p = s;
  if (!s) abort();
  memcpy(p, prefix, strlen(prefix)), p += strlen(prefix);
  memcpy(p, tag, strlen(tag)), p += strlen(tag);
  memset(p, 'a', pad), p += pad;
  for (size_t i = 0; i < n; i++) memcpy(p, chars[c].utf8, clen), p += clen;
  *p = '\0';
  if (other && n) memcpy(p - clen, chars[c].other, clen);
  return s;
}

/* The namespaces the sweeps use: the prefix as given, counted in the name, and the directory the
 * caller in session 1 gets. */
static const struct {
  const char *prefix, *dir;
} prefixes[] = {
    {"Local\\", SESSION_DIR},        {"", SESSION_DIR},
    {"Global\\", GLOBAL_DIR},        {"Session\\1\\", SESSION_DIR},
    {"Local\\Global\\", GLOBAL_DIR}, {"Session\\0\\", GLOBAL_DIR},
    {"Local\\Local\\", SESSION_DIR},
};

/* The leaf of `name` (after the prefix): what the path must end with, complete. */
static bool path_is(const char *path, size_t len, const char *dir, const char *leaf) {
  size_t dlen = strlen(dir), llen = strlen(leaf);
  return len == dlen + llen && strlen(path) == len && !memcmp(path, dir, dlen) &&
         !memcmp(path + dlen, leaf, llen);
}

/* Whether this process runs under valgrind (which preloads its own libraries into it). */
static bool under_valgrind(void) {
#ifdef _WIN32
  return false;
#else
  const char *preload = getenv("LD_PRELOAD");
  return preload && strstr(preload, "vgpreload");
#endif
}

/* One sweep: kobjns_resolve on prefix + every leaf length from 1 unit to 2 units past the limit
 * (the name counts the prefix), one string cut in place (a 4-byte character's odd unit is an 'a'
 * after the cut). `every` > 1 tries, between the first and last `ends` lengths, only every so
 * many. */
static void sweep(kobjns_ctx *ctx, size_t p, size_t c, size_t every, size_t ends) {
  const char *prefix = prefixes[p].prefix, *dir = prefixes[p].dir;
  size_t plen = strlen(prefix), dlen = strlen(dir), clen = strlen(chars[c].utf8);
  size_t most = (LIMIT + 2) / chars[c].units + 1;
  char *name = malloc(plen + most * clen + 2);
  if (!name) abort();
  memcpy(name, prefix, plen);
  for (size_t i = 0; i < most; i++) memcpy(name + plen + i * clen, chars[c].utf8, clen);
  size_t failures = 0, tried = 0;
  for (size_t units = plen + 1; units <= LIMIT + 2; units++) {
    if (every > 1 && units > plen + ends && units + ends < LIMIT && (units - plen) % every)
      continue;
    size_t leaf = units - plen, n = leaf / chars[c].units, pad = leaf % chars[c].units;
    size_t cut = plen + n * clen;
    char saved[2] = {name[cut], name[cut + 1]};
    if (pad) name[cut] = 'a';
    name[cut + pad] = '\0';
    size_t len = 0;
    int rc = kobjns_resolve(ctx, name, path_buf, sizeof path_buf, &len);
    int want = units <= LIMIT ? 0 : KOBJNS_FILENAME_EXCED_RANGE;
    bool ok =
        rc == want &&
        (rc || (len == dlen + cut + pad - plen && !memcmp(path_buf, dir, dlen) &&
                !memcmp(path_buf + dlen, name + plen, cut + pad - plen) && path_buf[len] == '\0'));
    tried++;
    if (!ok && ++failures <= 3)
      fprintf(stderr,
              "\n  lengths: kobjns_resolve(\"%s\" + %u units of %s) -> %d %s, want %d %s%s\n",
              prefix, (unsigned)leaf, chars[c].what, rc, kobjns_status_name(rc), want,
              kobjns_status_name(want), rc == want ? "; the path is not the whole name" : "");
    name[cut] = saved[0], name[cut + 1] = saved[1];
  }
  if (failures)
    fprintf(stderr, "  lengths: %u of %u lengths failed for \"%s\" and %s\n", (unsigned)failures,
            (unsigned)tried, prefix, chars[c].what);
  failed_rows += failures != 0;
  CU_ASSERT_EQUAL(failures, 0);
  free(name);
}

/* kobjns_resolve on names of every length from 1 unit to 2 units past the limit: the whole path
 * up to the limit, 206 past it. Every length after "Local\\" in ASCII and 2-, 3- and 4-byte
 * UTF-8; for the other prefixes and '/', every length in the first and last 256 and every 61st
 * between. Each resolve reads the whole name, so the sweep is quadratic: under valgrind (some 40
 * times slower) every length in the first and last 64, and every 509th between. */
static void every_length_resolves(void) {
  kobjns_ctx *app = kt_ctx(1, false);
  bool thin = under_valgrind();
  if (thin)
    printf("\n  (under valgrind: lengths 1-64, the 64 up to the limit and every 509th between)\n");
  for (size_t p = 0; p < COUNT(prefixes); p++)
    for (size_t c = 0; c < COUNT(chars); c++) {
      bool full = p == 0 && c < 4 && !thin;
      sweep(app, p, c, full ? 1 : thin ? 509 : 61, thin ? 64 : 256);
    }
  kobjns_ctx_free(app);
}

/* Create, open and check one name: a new object (0, not 183) whose path is the whole name, which
 * an open finds, and which is gone once both handles are closed. Or `want` for both calls. */
static void create_open_one(kobjns_ctx *ctx, kobjns_ctx *opener, const char *name, size_t units,
                            const char *dir, const char *prefix, const char *what, int want,
                            size_t *failures) {
  char note[512] = "";
  kobjns_section *s = NULL, *o = NULL;
  holdings before = held_now();
  int rc = kobjns_section_create(ctx, name, 4096, RW, NULL, &s);
  int rc_open = KOBJNS_FILE_NOT_FOUND;
  if (rc == 0) {
    size_t plen = strlen(prefix);
    const char *path = kobjns_section_path(s);
    if (!path_is(path, strlen(path), dir, name + plen))
      notef(note, sizeof note, "create's path is %u bytes, want %u: not the whole name",
            (unsigned)strlen(path), (unsigned)(strlen(dir) + strlen(name + plen)));
    rc_open = kobjns_section_open(opener, name, RD, &o);
    if (o && strcmp(kobjns_section_path(o), path))
      notef(note, sizeof note, "open's path differs from create's");
    if (o) kobjns_section_close(o);
    kobjns_section_close(s);
    kobjns_section *gone = NULL;
    int again = kobjns_section_open(opener, name, RD, &gone);
    if (gone) kobjns_section_close(gone);
    if (again != KOBJNS_FILE_NOT_FOUND)
      notef(note, sizeof note, "after closing, an open gives %d, want 2", again);
  } else {
    if (s) kobjns_section_close(s);
    rc_open = kobjns_section_open(opener, name, RD, &o);
    if (o) kobjns_section_close(o);
  }
  if (rc_open != want)
    notef(note, sizeof note, "kobjns_section_open -> %d %s, want %d", rc_open,
          kobjns_status_name(rc_open), want);
  holdings after = held_settled(before);
  if (after.handles != before.handles || after.objects != before.objects)
    notef(note, sizeof note, "left %ld handles and %ld objects behind",
          after.handles - before.handles, after.objects - before.objects);
  if ((rc != want || note[0]) && ++*failures <= 5)
    fprintf(
        stderr,
        "\n  lengths: kobjns_section_create(\"%s\" + %u units of %s) -> %d %s, want %d %s%s%s\n",
        prefix, (unsigned)(units - strlen(prefix)), what, rc, kobjns_status_name(rc), want,
        kobjns_status_name(want), note[0] ? "; " : "", note);
  CU_ASSERT(rc == want && !note[0]);
}

/* Lengths where the POSIX backend changes how it names files (an escaped name up to NAME_MAX,
 * a hash past it) and the limit itself: create, open, and the path is complete. */
static const size_t limit_lengths[] = {LIMIT - 2, LIMIT - 1, LIMIT};
static const size_t past_limit_lengths[] = {LIMIT + 1, LIMIT + 2, LIMIT + 3,
                                            2 * LIMIT, 4 * LIMIT, 1u << 20};

/* As much of "<run id>." as leaves half of a leaf of `units` to the characters under test: the
 * names of two runs at once differ (all but the shortest few). */
static const char *run_tag(size_t units) {
  static char tag[32];
  snprintf(tag, sizeof tag, "%s.", kt_run_id());
  if (strlen(tag) > units / 2) tag[units / 2] = '\0';
  return tag;
}

static void lengths_create_and_open(kobjns_ctx *ctx, kobjns_ctx *opener, size_t p) {
  const char *prefix = prefixes[p].prefix, *dir = prefixes[p].dir;
  size_t plen = strlen(prefix);
  for (size_t c = 0; c < COUNT(chars); c++) {
    size_t failures = 0, tried = 0;
    /* Every leaf of 1 to 300 units after "Local\" (past NAME_MAX in every encoding); every 7th
     * after the other prefixes. */
    for (size_t units = plen + 1; units <= plen + 300; units += p == 0 ? 1 : 7, tried++) {
      char *name = make_name(prefix, run_tag(units - plen), c, units, false);
      create_open_one(ctx, opener, name, units, dir, prefix, chars[c].what, 0, &failures);
      free(name);
    }
    for (size_t i = 0; i < COUNT(limit_lengths); i++, tried++) {
      char *name = make_name(prefix, run_tag(limit_lengths[i] - plen), c, limit_lengths[i], false);
      create_open_one(ctx, opener, name, limit_lengths[i], dir, prefix, chars[c].what, 0,
                      &failures);
      free(name);
    }
    for (size_t i = 0; i < COUNT(past_limit_lengths); i++, tried++) {
      char *name = make_name(prefix, "", c, past_limit_lengths[i], false);
      create_open_one(ctx, opener, name, past_limit_lengths[i], dir, prefix, chars[c].what,
                      KOBJNS_FILENAME_EXCED_RANGE, &failures);
      free(name);
    }
    if (failures)
      fprintf(stderr, "  lengths: %u of %u names failed for \"%s\" and %s\n", (unsigned)failures,
              (unsigned)tried, prefix, chars[c].what);
    failed_rows += failures != 0;
  }
}

static void lengths_in_a_session(void) {
  kobjns_ctx *app = kt_ctx(1, false);
  for (size_t p = 0; p < COUNT(prefixes); p++)
    if (!strcmp(prefixes[p].dir, SESSION_DIR)) lengths_create_and_open(app, app, p);
  kobjns_ctx_free(app);
}

static void lengths_in_the_global_namespace(void) {
  kobjns_ctx *creator = kt_global_creator(), *app = kt_ctx(1, false);
  for (size_t p = 0; p < COUNT(prefixes); p++)
    if (!strcmp(prefixes[p].dir, GLOBAL_DIR)) lengths_create_and_open(creator, app, p);
  kobjns_ctx_free(creator), kobjns_ctx_free(app);
}

/* Two names alike but for their last character are two objects, at every length where the POSIX
 * backend hashes names, up to the limit: no truncation, no collision. */
static void long_names_differing_in_the_last_character(void) {
  kobjns_ctx *app = kt_ctx(1, false);
  static const size_t lengths[] = {120, 200, 250, 256, 300, 1000, 4096, LIMIT - 1, LIMIT};
  char tag[64];
  snprintf(tag, sizeof tag, "last.%s.", kt_run_id());
  for (size_t c = 0; c < COUNT(chars); c++)
    for (size_t i = 0; i < COUNT(lengths); i++) {
      char *a = make_name("Local\\", tag, c, lengths[i], false);
      char *b = make_name("Local\\", tag, c, lengths[i], true);
      char *longer = make_name("Local\\", tag, c, lengths[i] + chars[c].units, false);
      kobjns_section *sa = NULL, *sb = NULL, *sl = NULL, *oa = NULL, *ob = NULL;
      char *va = NULL, *vb = NULL, *ra = NULL, *rb = NULL;
      int rc_a = kobjns_section_create(app, a, 4096, RW, NULL, &sa);
      int rc_b = kobjns_section_create(app, b, 4096, RW, NULL, &sb);
      int want_longer = lengths[i] + chars[c].units <= LIMIT ? 0 : KOBJNS_FILENAME_EXCED_RANGE;
      int rc_l = kobjns_section_create(app, longer, 4096, RW, NULL, &sl);
      bool ok = rc_a == 0 && rc_b == 0 && rc_l == want_longer;
      if (ok && !kobjns_section_map(sa, RW, 0, 0, (void **)&va) &&
          !kobjns_section_map(sb, RW, 0, 0, (void **)&vb)) {
        strcpy(va, "A"), strcpy(vb, "B");
        ok = !kobjns_section_open(app, a, RD, &oa) && !kobjns_section_open(app, b, RD, &ob) &&
             !kobjns_section_map(oa, RD, 0, 0, (void **)&ra) &&
             !kobjns_section_map(ob, RD, 0, 0, (void **)&rb) && !strcmp(ra, "A") &&
             !strcmp(rb, "B") && strcmp(kobjns_section_path(oa), kobjns_section_path(ob)) &&
             strlen(kobjns_section_path(oa)) == strlen(SESSION_DIR) + strlen(a) - 6;
      } else {
        ok = false;
      }
      if (!ok) {
        fprintf(stderr,
                "\n  lengths: two names of %u units of %s differing in the last character: "
                "create -> %d %s and %d %s (want two new objects), one unit longer -> %d %s, "
                "want %d; the data or paths %s\n",
                (unsigned)lengths[i], chars[c].what, rc_a, kobjns_status_name(rc_a), rc_b,
                kobjns_status_name(rc_b), rc_l, kobjns_status_name(rc_l), want_longer,
                ra && rb ? "are shared" : "could not be read");
        failed_rows++;
      }
      CU_ASSERT(ok);
      void *views[] = {va, vb, ra, rb};
      for (size_t v = 0; v < 4; v++)
        if (views[v]) kobjns_unmap(views[v]);
      kobjns_section *handles[] = {sa, sb, sl, oa, ob};
      for (size_t h = 0; h < 5; h++)
        if (handles[h]) kobjns_section_close(handles[h]);
      kobjns_section *gone = NULL;
      KT_STATUS(kobjns_section_open(app, a, RD, &gone), KOBJNS_FILE_NOT_FOUND);
      KT_STATUS(kobjns_section_open(app, b, RD, &gone), KOBJNS_FILE_NOT_FOUND);
      free(a), free(b), free(longer);
    }
  kobjns_ctx_free(app);
}

/* --- handles used after close ----------------------------------------------------------------- */

/* A closed handle is no handle: 6, as Windows answers for a closed HANDLE (kobjns.h, at
 * kobjns_section_close; the registry of live handles, src/handles.c). Each row closes a handle
 * of its own and uses it before any other section is made (a closed handle's value may be issued
 * again). On POSIX each row runs in a child, so that a crash fails the row and not the runner. */
static const row closed_rows[] = {
    {"kobjns_section_close", "a closed handle (closed twice)", OP_CLOSE, 6, .h = H_CLOSED},
    {"kobjns_section_size", "a closed handle", OP_SIZE, 6, .h = H_CLOSED},
    {"kobjns_section_access", "a closed handle", OP_ACCESS, 6, .h = H_CLOSED},
    {"kobjns_section_map", "a closed handle, KOBJNS_MAP_READ", OP_MAP, 6, .h = H_CLOSED,
     .access = RD},
    {"kobjns_section_map", "a closed handle, KOBJNS_MAP_WRITE", OP_MAP, 6, .h = H_CLOSED,
     .access = RW},
    {"kobjns_section_map_at", "a closed handle, base NULL", OP_MAP_AT, 6, .h = H_CLOSED,
     .access = RD},
    {"kobjns_section_path", "a closed handle: \"\" as for NULL", OP_PATH, 0, .h = H_CLOSED},
    {"kobjns_section_close", "closed twice while another handle holds the name", OP_CLOSE, 6,
     .flags = F_HELD, .h = H_CLOSED},
    {"kobjns_section_size", "a closed handle while another handle holds the name", OP_SIZE, 6,
     .flags = F_HELD, .h = H_CLOSED},
    {"kobjns_section_close", "closed twice while its view is mapped", OP_CLOSE, 6, .flags = F_VIEW,
     .h = H_CLOSED},
    {"kobjns_section_map", "a closed handle whose view is still mapped", OP_MAP, 6, .flags = F_VIEW,
     .h = H_CLOSED, .access = RD},
    {"kobjns_section_close", "memory that never was a handle", OP_CLOSE, 6, .h = H_BOGUS},
    {"kobjns_section_size", "memory that never was a handle", OP_SIZE, 6, .h = H_BOGUS},
    {"kobjns_section_map", "memory that never was a handle", OP_MAP, 6, .h = H_BOGUS, .access = RD},
};

/* One row on a fresh closed handle: create (and open a second handle, or map a view), close,
 * then the row; then the second handle and the view must be as they were. */
static int closed_row(const row *r, char *note, size_t ns) {
  fixture f;
  memset(&f, 0, sizeof f);
  const char *name = kt_name("closed");
  kobjns_section *s = NULL, *other = NULL;
  char *view = NULL;
  int rc = kobjns_section_create(NULL, name, 2 * GRAN, RW, NULL, &s);
  if (!rc && (r->flags & F_HELD)) rc = kobjns_section_open(NULL, name, RD, &other);
  if (!rc && (r->flags & F_VIEW) && !(rc = kobjns_section_map(s, RW, 0, 0, (void **)&view)))
    strcpy(view, MARK);
  if (rc || (rc = kobjns_section_close(s))) {
    notef(note, ns, "could not make a closed handle (%d)", rc);
    return -1;
  }
  f.h[H_CLOSED] = s;
  f.h[H_BOGUS] = calloc(1, 4096);
  rc = run_row(r, &f, note, ns);
  free(f.h[H_BOGUS]);
  if (other) {
    kobjns_section *again = NULL;
    int still = kobjns_section_open(NULL, name, RD, &again);
    if (still) notef(note, ns, "the other handle's name is gone (open -> %d)", still);
    if (again) kobjns_section_close(again);
    uint64_t size = 0;
    if (kobjns_section_size(other, &size) || size != 2 * GRAN)
      notef(note, ns, "the other handle no longer answers");
    kobjns_section_close(other);
  }
  if (view) {
    if (!still_mapped(view) || strcmp(view, MARK)) notef(note, ns, "the view was lost");
    kobjns_unmap(view);
  }
  return rc;
}

#ifndef _WIN32
/* Run `fn` in a fork()ed child; its status comes back through a pipe. A child that dies (or that
 * valgrind finds errors in: its exit status) fails the row. */
static int in_child(int (*fn)(const row *, char *, size_t), const row *r, char *note, size_t ns) {
  int fds[2];
  if (pipe(fds) < 0) return -1;
  fflush(NULL);
  pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    char child_note[512] = "";
    int got = fn(r, child_note, sizeof child_note);
    if (write(fds[1], &got, sizeof got) < 0 || write(fds[1], child_note, sizeof child_note) < 0) {
    }
    _exit(0);
  }
  close(fds[1]);
  int got = -1;
  char child_note[512] = "";
  if (read(fds[0], &got, sizeof got) != (ssize_t)sizeof got) got = -1;
  if (read(fds[0], child_note, sizeof child_note) > 0 && child_note[0])
    notef(note, ns, "%s", child_note);
  close(fds[0]);
  int st = 0;
  while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
  }
  if (WIFSIGNALED(st))
    notef(note, ns, "the call crashed (signal %d, %s)", WTERMSIG(st), strsignal(WTERMSIG(st)));
  else if (WEXITSTATUS(st))
    notef(note, ns, "the child exited with %d (valgrind errors?)", WEXITSTATUS(st));
  return got;
}
#endif

static void handles_used_after_close(void) {
  for (size_t i = 0; i < COUNT(closed_rows); i++) {
    char note[512] = "";
#ifdef _WIN32
    int got = closed_row(&closed_rows[i], note, sizeof note);
#else
    int got = in_child(closed_row, &closed_rows[i], note, sizeof note);
#endif
    report("closed handles", i, closed_rows[i].fn, closed_rows[i].input, got, closed_rows[i].want,
           note);
  }
}

/* --- POSIX: running out of file descriptors --------------------------------------------------- */

#ifndef _WIN32
#define SPARE_FDS 24
#define MEMBER_SESSION 2000000u

/* With no descriptor left, every call that needs one answers 4 (and leaves nothing behind);
 * calls that need none still work. */
static const row no_fd_rows[] = {
    {"kobjns_section_create", "a new name, no descriptor left", OP_CREATE, 4, .name = "{u}",
     .size = 4096, .access = RW},
    {"kobjns_section_create", "unnamed, no descriptor left", OP_CREATE, 4, .size = 4096,
     .access = RW},
    {"kobjns_section_create", "an existing name (an open), no descriptor left", OP_CREATE, 4,
     .name = "{f}", .size = 4096, .access = RW},
    {"kobjns_section_create", "NULL ctx, no descriptor left", OP_CREATE, 4, F_NULL_CTX,
     .name = "{u}", .size = 4096, .access = RW},
    {"kobjns_section_open", "an existing name, no descriptor left", OP_OPEN, 4, .name = "{f}",
     .access = RD},
    {"kobjns_section_open", "Local\\ an existing name, no descriptor left", OP_OPEN, 4,
     .name = "Local\\{f}", .access = RD},
    {"kobjns_ctx_set_session", "a session nobody is in yet, no descriptor left", OP_CTX_SET_SESSION,
     4, .size = 3000000},
    {"kobjns_cleanup", "no descriptor left", OP_CLEANUP, 4, .h = H_NULL},
    {"kobjns_section_map", "no descriptor left (a map needs none)", OP_MAP, 0, .h = H_RW,
     .access = RW},
    {"kobjns_resolve", "no descriptor left (a walk in the caller's session needs none)", OP_RESOLVE,
     0, .name = "Local\\{u}"},
};

static int fds_child(const row *unused, char *note, size_t ns) {
  (void)unused;
  fixture f;
  bool ready = fixture_open(&f);
  /* A session that exists because another context is in it: checking it needs a descriptor. */
  kobjns_ctx *member = kt_ctx(MEMBER_SESSION, false);
  char in_member[128];
  snprintf(in_member, sizeof in_member, "Session\\%u\\%s", (unsigned)MEMBER_SESSION,
           f.name ? f.name : "x");
  /* A stale object: its only holder, a child, died without closing it. */
  const char *stale = kt_name("stale");
  fflush(NULL);
  pid_t holder = fork();
  if (holder == 0) {
    kobjns_section *s = NULL;
    _exit(kobjns_section_create(NULL, stale, 4096, RW, NULL, &s) ? 1 : 0);
  }
  int holder_status = -1;
  while (waitpid(holder, &holder_status, 0) < 0 && errno == EINTR) {
  }
  struct rlimit rl;
  getrlimit(RLIMIT_NOFILE, &rl);
  int highest = 0;
  for (int fd = 0; fd < 4096 && fd < (int)rl.rlim_cur; fd++)
    if (fcntl(fd, F_GETFD) != -1) highest = fd;
  rl.rlim_cur = (rlim_t)highest + 1 + SPARE_FDS;
  /* Counted as count_fds() counts under the lowered limit (valgrind's own descriptors, above the
   * limit it shows, are not seen). */
  long before = 0;
  for (int fd = 0; fd < (int)rl.rlim_cur; fd++) before += fcntl(fd, F_GETFD) != -1;
  if (!ready || !member || setrlimit(RLIMIT_NOFILE, &rl) < 0) {
    notef(note, ns, "set-up failed (%s)", ready && member ? strerror(errno) : "fixture");
    return -1;
  }
  /* Open the fixture's section until the process has no descriptor left (below the limit, the
   * free descriptors are the spare ones and any gaps under the highest one in use). */
  size_t cap = (size_t)rl.rlim_cur + 1;
  kobjns_section **held = calloc(cap, sizeof *held);
  size_t n = 0;
  int rc = 0;
  while (held && n < cap && (rc = kobjns_section_open(f.app, f.name, RD, &held[n])) == 0) n++;
  /* Where an open takes two (objects apart from their names: the generic platform), one may be
   * left: taken too, and given back below with the first close. */
  int spare_fd = dup(2);
  char few[64] = "";
  if (n < 2) snprintf(few, sizeof few, "only %u opens before the limit", (unsigned)n);
  report("descriptors (steps)", 0, "kobjns_section_open", "until no descriptor is left", rc,
         KOBJNS_TOO_MANY_OPEN_FILES, few);
  /* Names under Session\<N>\ where N is a live session (another context is in it): whether N
   * exists is asked of its marker, which needs a descriptor. */
  char session_leaf[64];
  snprintf(session_leaf, sizeof session_leaf, "Session\\%u", (unsigned)MEMBER_SESSION);
  const char *live[] = {in_member, session_leaf};
  static const struct {
    const char *fn;
    enum op op;
    bool leaf;
  } through_live[] = {
      {"kobjns_resolve", OP_RESOLVE, false},       {"kobjns_section_open", OP_OPEN, false},
      {"kobjns_section_create", OP_CREATE, false}, {"kobjns_resolve", OP_RESOLVE, true},
      {"kobjns_section_create", OP_CREATE, true},
  };
  table t = {0};
  add_all(&t, no_fd_rows, COUNT(no_fd_rows));
  for (size_t i = 0; i < COUNT(through_live); i++) {
    row r = {.fn = through_live[i].fn,
             .op = through_live[i].op,
             .want = 4,
             .size = 4096,
             .access = RD,
             .name = live[through_live[i].leaf]};
    snprintf(r.input, sizeof r.input, "%s, no descriptor left",
             through_live[i].leaf ? "Session\\<a live session> (a link as the leaf)"
                                  : "Session\\<a live session>\\x");
    add(&t, r);
  }
  play("descriptors", &t, &f);
  free(t.v);
  /* One descriptor back: one create works, the next does not. */
  if (spare_fd >= 0) close(spare_fd);
  if (n) kobjns_section_close(held[--n]);
  kobjns_section *one = NULL, *two = NULL;
  report("descriptors (steps)", 1, "kobjns_section_create", "with one descriptor free",
         kobjns_section_create(f.app, kt_name("one"), 4096, RW, NULL, &one), 0, "");
  report("descriptors (steps)", 2, "kobjns_section_create", "then none again",
         kobjns_section_create(f.app, kt_name("two"), 4096, RW, NULL, &two), 4, "");
  if (one) kobjns_section_close(one);
  if (two) kobjns_section_close(two);
  /* One descriptor free: enough to read the directory, not to look at an object in it. The stale
   * object is removed, or the answer is 4; never 0 with the stale object left in place. */
  size_t removed = 0;
  rc = kobjns_cleanup(&removed);
  /* The background sweep of the creates above may have removed it first: then there is nothing
   * left to remove, which is no failure. */
  char stale_path[512];
  struct stat stale_st;
  kobjns_ctx *made_by = NULL; /* the holder's: the process's own session (0) */
  bool stale_left = true;
  if (kobjns_ctx_new(&made_by) == 0) {
    kt_native_path(made_by, stale, stale_path, sizeof stale_path);
    stale_left = lstat(stale_path, &stale_st) == 0;
    kobjns_ctx_free(made_by);
  }
  char why[128] = "";
  if (holder_status != 0)
    snprintf(why, sizeof why, "no stale object was made (%d)", holder_status);
  else if (rc == 0 && removed == 0 && stale_left)
    snprintf(why, sizeof why, "0 removed: the stale object was left in place, unreported");
  report("descriptors (steps)", 3, "kobjns_cleanup",
         "one descriptor free, a stale object (it is removed, or 4)", rc,
         rc == 0 && (removed || !stale_left) ? 0 : KOBJNS_TOO_MANY_OPEN_FILES, why);
  /* All back: every descriptor was returned, and creating works again. */
  while (n) kobjns_section_close(held[--n]);
  char leak[96] = "";
  long after = count_fds();
  if (after != before)
    snprintf(leak, sizeof leak, "%ld descriptors before, %ld after", before, after);
  kobjns_section *again = NULL;
  report("descriptors (steps)", 4, "kobjns_section_create",
         "after closing everything: nothing leaked",
         kobjns_section_create(f.app, kt_name("again"), 4096, RW, NULL, &again), 0, leak);
  if (again) kobjns_section_close(again);
  KT_OK(kobjns_cleanup(NULL)); /* the stale object, now */
  free(held);
  kobjns_ctx_free(member);
  fixture_close(&f);
  return failed_rows ? -2 : 0;
}

static void out_of_descriptors(void) {
  char note[512] = "";
  int got = in_child(fds_child, NULL, note, sizeof note);
  report("descriptors (child)", 0, "(the rows above)", "in a child with a low RLIMIT_NOFILE", got,
         0, note);
}

/* --- POSIX: the helper (a full /dev/shm; bad environment) ------------------------------------- */

typedef struct helper_row {
  const char *cmd;
  long want;
  bool count; /* the reply is a count, not a status */
  const char *what;
  /* The count where objects are apart from their names (the generic platform): each name is a
   * file of /dev/shm of its own, a page more (0: the same as `want`). */
  long want_apart;
} helper_row;

static const helper_row shm_full_rows[] = {
    {"mount 16777216", 0, false, "a private 16 MiB tmpfs on /dev/shm, before kobjns opens it", 0},
    {"create big1 12582912", 0, false, "kobjns_section_create: 12 MiB", 0},
    {"usedkib", 12292, true, "12 MiB and a header page, reserved at create", 12296},
    {"touch", 0, false, "write every page of the 12 MiB: no SIGBUS", 0},
    {"create big2 12582912", 1455, false, "kobjns_section_create: 12 MiB more, 4 MiB free", 0},
    {"create - 12582912", 1455, false, "kobjns_section_create: the same, unnamed", 0},
    {"create big3 16777216", 1455, false, "kobjns_section_create: the size of all of /dev/shm", 0},
    {"create big4 33554432", 1455, false, "kobjns_section_create: twice all of /dev/shm", 0},
    {"create big5 1099511627776", 1455, false, "kobjns_section_create: 1 TiB", 0},
    {"create - 16773120", 1455, false, "kobjns_section_create: all but one page, unnamed", 0},
    {"files", 1, true, "failed creates leave no file in /dev/shm", 2},
    {"usedkib", 12292, true, "failed creates leave no space taken", 12296},
    {"open big2", 2, false, "kobjns_section_open: the name of a failed create", 0},
    {"create small 3145728", 0, false, "kobjns_section_create: 3 MiB still fit", 0},
    {"touch", 0, false, "write every page of the 3 MiB", 0},
    {"fill 65536", 1455, false, "kobjns_section_create: 64 KiB sections until /dev/shm is full", 0},
    {"fill 4096", 1455, false, "kobjns_section_create: then 4 KiB ones until it is full", 0},
    {"touchall", 0, false, "write every page of every section: all were reserved", 0},
    {"sessions", 1455, false, "kobjns_ctx_set_session: new sessions until a marker has no room", 0},
    {"freectx", 0, false, "kobjns_ctx_free: leave those sessions", 0},
    {"closeall", 0, false, "kobjns_section_close: every section", 0},
    {"files", 0, true, "nothing left in /dev/shm", 0},
    {"usedkib", 0, true, "no space left taken", 0},
    {"create again 12582912", 0, false, "kobjns_section_create: 12 MiB again", 0},
    {"touch", 0, false, "write every page of it", 0},
    {"create again2 12582912", 1455, false, "kobjns_section_create: and another 12 MiB", 0},
    {"closeall", 0, false, "kobjns_section_close", 0},
    {"usedkib", 0, true, "nothing left", 0},
};

/* Play helper rows in a new helper process; false if it could not start or was not permitted
 * (then `skipped` says why). */
static void play_helper(const char *table_name, const helper_row *rows, size_t n, const char *first,
                        char *skipped, size_t skipped_size) {
  kt_proc p;
  if (!kt_spawn_program(&p, 0, -1, "kobjns-badinput-helper", "serve")) {
    report(table_name, 0, "(helper)", "start kobjns-badinput-helper", -1, 0, "could not start it");
    return;
  }
  char reply[4096];
  if (first) { /* "env NAME VALUE": no row, only the helper's consent */
    long got = kt_cmd(&p, reply, sizeof reply, "%s", first);
    if (got) {
      report(table_name, 0, "(helper)", first, (int)got, 0, reply);
      kt_kill(&p);
      return;
    }
  }
  for (size_t i = 0; i < n; i++) {
    long got = kt_cmd(&p, reply, sizeof reply, "%s", rows[i].cmd);
    if (got == -1000) {
      int st = kt_wait(&p);
      char note[128];
      snprintf(note, sizeof note, "the helper died (exit status %d%s)", st,
               st == 128 + SIGBUS ? ": SIGBUS" : "");
      report(table_name, i, rows[i].cmd, rows[i].what, -1, (int)rows[i].want, note);
      return;
    }
    if (got < 0 && i == 0 && skipped) { /* not permitted here: the reason is in the reply */
      snprintf(skipped, skipped_size, "%.250s", reply);
      kt_kill(&p);
      return;
    }
    long want = rows[i].want;
#ifdef KT_PLATFORM_GENERIC
    if (rows[i].want_apart) want = rows[i].want_apart;
#endif
    if (rows[i].count && got != want) {
      fprintf(stderr, "\n  %s row %u: %s (%s) -> %ld, want %ld\n", table_name, (unsigned)i,
              rows[i].cmd, rows[i].what, got, want);
      failed_rows++;
      CU_FAIL("helper row");
    } else if (!rows[i].count) {
      char input[160];
      snprintf(input, sizeof input, "%s: %s", rows[i].what, rows[i].cmd);
      report(table_name, i, "helper", input, (int)got, (int)rows[i].want, "");
    }
  }
  int st = kt_wait(&p);
  if (st) report(table_name, n, "(helper)", "exit", st, 0, "the helper's exit status");
}

/* A full /dev/shm is 1455 at create, never a SIGBUS later: played on a private 16 MiB tmpfs. */
static void shm_full(void) {
  char skipped[256] = "";
  play_helper("full /dev/shm", shm_full_rows, COUNT(shm_full_rows), NULL, skipped, sizeof skipped);
  if (skipped[0])
    printf("\n  SKIP: a full /dev/shm: no private tmpfs can be mounted here (%s)\n", skipped);
}

/* KOBJNS_SESSION and KOBJNS_ROOT are read once per process: an invalid one makes every call
 * that needs the process context 87 (sessions.md). Each value in a new helper. */
static const struct {
  const char *var, *value, *what;
} bad_env[] = {
    {"KOBJNS_SESSION", "", "empty"},
    {"KOBJNS_SESSION", "abc", "not a number"},
    {"KOBJNS_SESSION", "-1", "a sign"},
    {"KOBJNS_SESSION", "+1", "a plus sign"},
    {"KOBJNS_SESSION", " 1", "a space"},
    {"KOBJNS_SESSION", "1x", "a trailing letter"},
    {"KOBJNS_SESSION", "0x1", "hexadecimal"},
    {"KOBJNS_SESSION", "4294967295", "the value meaning no session"},
    {"KOBJNS_SESSION", "4294967296", "past 32 bits"},
    {"KOBJNS_SESSION", "12345678901", "11 digits"},
    {"KOBJNS_SESSION", "01", "a leading zero (one number rule: as Session\\<N>\\ names it)"},
    {"KOBJNS_SESSION", "\xff", "not UTF-8"},
    {"KOBJNS_ROOT", "", "empty"},
    {"KOBJNS_ROOT", "a/b", "a '/'"},
    {"KOBJNS_ROOT", "..", "dots"},
    {"KOBJNS_ROOT", "a.b", "a '.' (the native names' separator)"},
    {"KOBJNS_ROOT", "a b", "a space"},
    {"KOBJNS_ROOT", "a%b", "a '%'"},
    {"KOBJNS_ROOT", "\xc3\xa9", "UTF-8"},
    {"KOBJNS_ROOT", "abcdefghijklmnopqrstuvwxyz0123456", "33 characters"},
};

static const helper_row env_rows[] = {
    {"ctxnew", 87, false, "kobjns_ctx_new", 0},
    {"sessionid", 87, false, "kobjns_session_id(NULL)", 0},
    {"resolve x", 87, false, "kobjns_resolve(NULL, \"x\")", 0},
    {"open x", 87, false, "kobjns_section_open(NULL, \"x\")", 0},
    {"create x 4096", 87, false, "kobjns_section_create(NULL, \"x\")", 0},
    {"create - 4096", 87, false, "kobjns_section_create(NULL, unnamed)", 0},
    {"cleanup", 87, false, "kobjns_cleanup", 0},
    {"ctxnew", 87, false, "kobjns_ctx_new again (decided once)", 0},
};

static const helper_row env_ok_rows[] = {
    {"sessionid", 0, false, "kobjns_session_id(NULL)", 0},
    {"resolve x", 0, false, "kobjns_resolve(NULL, \"x\")", 0},
};

static void bad_environment(void) {
  for (size_t i = 0; i < COUNT(bad_env); i++) {
    char first[160], name[160];
    snprintf(first, sizeof first, "env %s %s", bad_env[i].var, bad_env[i].value);
    snprintf(name, sizeof name, "%s %s", bad_env[i].var, bad_env[i].what);
    play_helper(name, env_rows, COUNT(env_rows), first, NULL, 0);
  }
  /* The edges that are valid. */
  play_helper("KOBJNS_SESSION 4294967294", env_ok_rows, COUNT(env_ok_rows),
              "env KOBJNS_SESSION 4294967294", NULL, 0);
  play_helper("KOBJNS_SESSION of 10 digits", env_ok_rows, COUNT(env_ok_rows),
              "env KOBJNS_SESSION 1000000000", NULL, 0);
  play_helper("KOBJNS_ROOT of 32 characters", env_ok_rows, COUNT(env_ok_rows),
              "env KOBJNS_ROOT abcdefghijklmnopqrstuvwxyz-_0123", NULL, 0);
}
#endif

/* --- registration ----------------------------------------------------------------------------- */

void kt_add_badinput(CU_pSuite s) {
  const unsigned app = KT_NEEDS_SESSION1;
  kt_add(s, "contexts, sessions and statuses: NULL and unknown arguments", contexts_and_statuses,
         app);
  kt_add(s, "kobjns_section_create: NULL, access bits, sizes 0, 1 and past the maximum",
         create_bad_arguments, app);
  kt_add(s, "kobjns_section_create: sizes no memory has (1455)", create_huge_sizes, app);
  kt_add(s, "kobjns_section_open: NULL, \"\", access bits", open_bad_arguments, app);
  kt_add(s, "views: access values, offsets, lengths, bases, unmapping what is no view",
         view_bad_arguments, app);
  kt_add(s, "NULL handles, kobjns_resolve's buffers", handles_and_resolve, app);
  kt_add(s, "malformed SDDL (kobjns_sddl_check and create)", malformed_sddl, app);
  kt_add(s, "invalid UTF-8 (create, open, resolve)", invalid_utf8, app);
  kt_add(s, "names of every length resolve up to the limit, 206 past it", every_length_resolves,
         app);
  kt_add(s, "names of many lengths and at the limit: create, open, the whole path",
         lengths_in_a_session, app);
  kt_add(s, "Global\\ and Session\\0\\ names at the limit", lengths_in_the_global_namespace,
         app | KT_NEEDS_CREATE_GLOBAL);
  kt_add(s, "long names differing in the last character are different objects",
         long_names_differing_in_the_last_character, app);
  kt_add(s, "running out of file descriptors is 4, and nothing leaks",
         KT_POSIX_ONLY(out_of_descriptors), app | KT_NEEDS_FORK);
  kt_add(s, "a full /dev/shm is 1455 at create, never a SIGBUS", KT_POSIX_ONLY(shm_full),
         KT_NEEDS_ROOT);
  kt_add(s, "invalid KOBJNS_SESSION and KOBJNS_ROOT (87), in a helper process",
         KT_POSIX_ONLY(bad_environment), KT_NEEDS_FORK);
  /* Last: were handles not checked, these rows could crash a runner with no fork() (Wine). */
  kt_add(s, "handles used after close, closed twice, or never issued (6)", handles_used_after_close,
         0);
}
