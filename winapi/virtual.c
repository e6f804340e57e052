/* VirtualAlloc, VirtualFree, VirtualProtect, VirtualQuery and GetSystemInfo on POSIX.
 *
 * Private memory: a reservation is a PROT_NONE, MAP_NORESERVE anonymous mapping at a multiple of
 * the 64 KiB allocation granularity; committing maps fresh anonymous pages over reserved ones
 * (they read zero, and are charged like any private memory) or mprotect()s committed ones;
 * decommitting maps fresh PROT_NONE pages over them. A registry of the allocations keeps each
 * one's pages as runs of equal state and protection, so that VirtualQuery can report them.
 * Views of sections are the library's (kobjns_view_query); the registry keeps a view's page
 * protections once VirtualProtect has changed them. Anything else of the process is read from
 * the kernel's list of mappings. One mutex guards the registry. */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

#include "facade.h"

#define GRANULARITY 0x10000u
#define MIN_ADDRESS ((uintptr_t)GRANULARITY)
/* The last byte applications may use: the last of Linux's user space, where the main thread's
 * stack ends when addresses are not randomized (gdb, setarch -R). Windows' x64 value,
 * 0x7FFFFFFEFFFF, stops 60 KiB short of it: that stack's own addresses were refused (87). */
#if defined(__x86_64__)
#define MAX_ADDRESS ((uintptr_t)0x7FFFFFFFEFFFull) /* 47 bits less a page (TASK_SIZE) */
#elif UINTPTR_MAX > 0xFFFFFFFFu
#define MAX_ADDRESS ((uintptr_t)0xFFFFFFFFFFFFull) /* 48-bit user space (arm64) */
#else
/* A 32-bit process on a 64-bit kernel has nearly 4 GiB (i386: to 0xFFFFE000, arm: 0xFFFFF000),
 * its stack and libraries at the top; a 3 GiB kernel refuses what lies above its own limit. */
#define MAX_ADDRESS ((uintptr_t)0xFFFFEFFFu)
#endif

#define BASE_PROTECTION 0xFFu
#define CACHE_MODIFIERS (PAGE_NOCACHE | PAGE_WRITECOMBINE)
#define COPY_PROTECTIONS (PAGE_WRITECOPY | PAGE_EXECUTE_WRITECOPY)
/* VirtualAlloc types Windows has and the facade refuses with 50 (docs/porting.md). */
#define UNSUPPORTED_TYPES                                                                          \
  (MEM_WRITE_WATCH | MEM_PHYSICAL | MEM_LARGE_PAGES | MEM_RESERVE_PLACEHOLDER |                    \
   MEM_REPLACE_PLACEHOLDER)

static uintptr_t the_page_size; /* set_up() sets it */
static uintptr_t page_size(void) { return the_page_size; }
static uintptr_t page_down(uintptr_t a) { return a & ~(page_size() - 1); }
static uintptr_t page_up(uintptr_t a) { return (a + page_size() - 1) & ~(page_size() - 1); }

/* The pages [*a, *b) holding `size` bytes from `addr`: 0, or 87 past the user address space. */
static DWORD page_range(uintptr_t addr, SIZE_T size, uintptr_t *a, uintptr_t *b) {
  if (addr > MAX_ADDRESS || size > MAX_ADDRESS - addr + 1) return ERROR_INVALID_PARAMETER;
  *a = page_down(addr);
  *b = page_up(addr + size);
  return 0;
}

/* --- protections ------------------------------------------------------------------------ */

/* 0 when `protect` is one protection with at most one modifier Windows allows with it; 87
 * otherwise, or for a write-copy one where `copy` is false (private memory has none); 50 for
 * PAGE_GUARD, which the facade does not implement. */
static DWORD check_protection(DWORD protect, bool copy) {
  DWORD base = protect & BASE_PROTECTION, modifiers = protect & ~BASE_PROTECTION;
  if (!base || (base & (base - 1))) return ERROR_INVALID_PARAMETER;
  if (modifiers & ~(DWORD)(PAGE_GUARD | CACHE_MODIFIERS)) return ERROR_INVALID_PARAMETER;
  if (modifiers & (modifiers - 1)) return ERROR_INVALID_PARAMETER; /* two modifiers */
  if (modifiers && base == PAGE_NOACCESS) return ERROR_INVALID_PARAMETER;
  if (!copy && (base & COPY_PROTECTIONS)) return ERROR_INVALID_PARAMETER;
  if (modifiers & PAGE_GUARD) return ERROR_NOT_SUPPORTED;
  return 0;
}

static int prot_of(DWORD base) {
  switch (base) {
    case PAGE_READONLY: return PROT_READ;
    case PAGE_READWRITE:
    case PAGE_WRITECOPY: return PROT_READ | PROT_WRITE;
    case PAGE_EXECUTE: return PROT_EXEC;
    case PAGE_EXECUTE_READ: return PROT_READ | PROT_EXEC;
    case PAGE_EXECUTE_READWRITE:
    case PAGE_EXECUTE_WRITECOPY: return PROT_READ | PROT_WRITE | PROT_EXEC;
    default: return PROT_NONE;
  }
}

/* What a protection lets one do, to compare a view's with a new one (write-copy only reads
 * what is shared; execute implies read). */
enum { CAN_READ = 1, CAN_WRITE = 2, CAN_EXECUTE = 4 };
static unsigned abilities(DWORD base) {
  switch (base) {
    case PAGE_READONLY:
    case PAGE_WRITECOPY: return CAN_READ;
    case PAGE_READWRITE: return CAN_READ | CAN_WRITE;
    case PAGE_EXECUTE:
    case PAGE_EXECUTE_READ:
    case PAGE_EXECUTE_WRITECOPY: return CAN_READ | CAN_EXECUTE;
    case PAGE_EXECUTE_READWRITE: return CAN_READ | CAN_WRITE | CAN_EXECUTE;
    default: return 0;
  }
}

/* A view's protection from what the library says it mapped. */
static DWORD view_protection(unsigned access) {
  bool exec = access & KOBJNS_MAP_EXECUTE;
  if (access & KOBJNS_MAP_COPY) return exec ? PAGE_EXECUTE_WRITECOPY : PAGE_WRITECOPY;
  if (access & KOBJNS_MAP_WRITE) return exec ? PAGE_EXECUTE_READWRITE : PAGE_READWRITE;
  if (access & KOBJNS_MAP_READ) return exec ? PAGE_EXECUTE_READ : PAGE_READONLY;
  return PAGE_NOACCESS;
}

/* --- the registry ----------------------------------------------------------------------- */

/* Pages [start, the next run's start or the region's end) share a state and protection. */
typedef struct run {
  uintptr_t start;
  DWORD state;   /* MEM_COMMIT or MEM_RESERVE */
  DWORD protect; /* a base protection when committed, else 0 */
} run;

typedef struct region {
  uintptr_t base, end;
  DWORD type; /* MEM_PRIVATE (VirtualAlloc's) or MEM_MAPPED (a view VirtualProtect changed) */
  DWORD alloc_protect; /* as VirtualAlloc was given it, or the view's */
  unsigned view_access;
  run *runs;
  size_t nruns, cap;
} region;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static region *regions; /* sorted by base, never overlapping */
static size_t nregions, regions_cap;

/* A fork() while another thread holds the lock must not leave it held in the child. The lock is
 * held while calling the library, which takes its registry lock: registered at the first use,
 * after the library's own handlers (its constructor's), ours runs first before a fork, in that
 * same order. */
static void fork_prepare(void) { pthread_mutex_lock(&lock); }
static void fork_done(void) { pthread_mutex_unlock(&lock); }
static pthread_once_t once = PTHREAD_ONCE_INIT;
static void set_up(void) {
  the_page_size = (uintptr_t)sysconf(_SC_PAGESIZE);
  pthread_atfork(fork_prepare, fork_done, fork_done);
}
static void enter(void) {
  pthread_once(&once, set_up);
  pthread_mutex_lock(&lock);
}
static void leave(void) { pthread_mutex_unlock(&lock); }

/* The index of the region holding `a`, or of where one would go, with *found. */
static size_t region_index(uintptr_t a, bool *found) {
  size_t lo = 0, hi = nregions;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (regions[mid].end <= a)
      lo = mid + 1;
    else
      hi = mid;
  }
  *found = lo < nregions && regions[lo].base <= a;
  return lo;
}

static void region_drop(size_t i) {
  free(regions[i].runs);
  memmove(&regions[i], &regions[i + 1], (nregions - i - 1) * sizeof *regions);
  if (--nregions == 0) {
    free(regions);
    regions = NULL;
    regions_cap = 0;
  }
}

/* Drop the records of views that are gone (unmapped without UnmapViewOfFile, or replaced) in
 * [a, b): a new allocation or view there must not inherit them. */
static void drop_overlapping(uintptr_t a, uintptr_t b) {
  bool found;
  size_t i = region_index(a, &found);
  while (i < nregions && regions[i].base < b) region_drop(i);
}

/* The region holding `a`: a private allocation, or a view's record that still describes the
 * view mapped there (a stale one is dropped). NULL for none. */
static region *region_at(uintptr_t a) {
  bool found;
  size_t i = region_index(a, &found);
  if (!found) return NULL;
  region *r = &regions[i];
  if (r->type == MEM_MAPPED) {
    kobjns_view_info v;
    if (kobjns_view_query((void *)a, &v) || (uintptr_t)v.base != r->base ||
        (uintptr_t)v.base + v.length != r->end || v.access != r->view_access) {
      region_drop(i);
      return NULL;
    }
  }
  return r;
}

static region *region_add(const region *r) {
  if (nregions == regions_cap) {
    size_t cap = regions_cap ? regions_cap * 2 : 16;
    region *grown = realloc(regions, cap * sizeof *grown);
    if (!grown) return NULL;
    regions = grown;
    regions_cap = cap;
  }
  bool found;
  size_t i = region_index(r->base, &found);
  memmove(&regions[i + 1], &regions[i], (nregions - i) * sizeof *regions);
  regions[i] = *r;
  nregions++;
  return &regions[i];
}

/* A region of `type` over [base, end) whose pages are all `state` with `protect`: NULL when out
 * of memory. */
static region *region_new(uintptr_t base, uintptr_t end, DWORD type, DWORD alloc_protect,
                          DWORD state, DWORD protect) {
  run *runs = malloc(4 * sizeof *runs);
  if (!runs) return NULL;
  runs[0] = (run){base, state, protect};
  region r = {base, end, type, alloc_protect, 0, runs, 1, 4};
  region *added = region_add(&r);
  if (!added) free(runs);
  return added;
}

static uintptr_t run_end(const region *r, size_t i) {
  return i + 1 < r->nruns ? r->runs[i + 1].start : r->end;
}

static size_t run_index(const region *r, uintptr_t a) {
  size_t lo = 0, hi = r->nruns; /* the last run starting at or before `a` */
  while (hi - lo > 1) {
    size_t mid = lo + (hi - lo) / 2;
    if (r->runs[mid].start <= a)
      lo = mid;
    else
      hi = mid;
  }
  return lo;
}

/* Room for the two runs set_pages() may add: false when out of memory. */
static bool reserve_runs(region *r) {
  if (r->nruns + 2 <= r->cap) return true;
  size_t cap = r->cap * 2 + 2;
  run *grown = realloc(r->runs, cap * sizeof *grown);
  if (!grown) return false;
  r->runs = grown;
  r->cap = cap;
  return true;
}

/* A run starting at `a` (inside the region): its index. Needs one run of room. */
static size_t split_at(region *r, uintptr_t a) {
  size_t i = run_index(r, a);
  if (r->runs[i].start == a) return i;
  memmove(&r->runs[i + 2], &r->runs[i + 1], (r->nruns - i - 1) * sizeof *r->runs);
  r->runs[i + 1] = (run){a, r->runs[i].state, r->runs[i].protect};
  r->nruns++;
  return i + 1;
}

/* Pages [a, b) of `r` become `state` with `protect`, neighbours of equal attributes merged.
 * reserve_runs() must have succeeded. */
static void set_pages(region *r, uintptr_t a, uintptr_t b, DWORD state, DWORD protect) {
  size_t first = split_at(r, a);
  size_t last = b < r->end ? split_at(r, b) : r->nruns; /* the run after the range */
  r->runs[first] = (run){a, state, protect};
  memmove(&r->runs[first + 1], &r->runs[last], (r->nruns - last) * sizeof *r->runs);
  r->nruns -= last - first - 1;
  size_t out = 0;
  for (size_t i = 1; i < r->nruns; i++) {
    if (r->runs[i].state == r->runs[out].state && r->runs[i].protect == r->runs[out].protect)
      continue;
    r->runs[++out] = r->runs[i];
  }
  r->nruns = out + 1;
}

/* A view's record, made when its protection first changes. NULL when out of memory. */
static region *view_region(const kobjns_view_info *v) {
  uintptr_t base = (uintptr_t)v->base, end = base + v->length;
  region *r = region_at(base);
  if (r) return r;
  drop_overlapping(base, end);
  DWORD protect = view_protection(v->access);
  r = region_new(base, end, MEM_MAPPED, protect, MEM_COMMIT, protect);
  if (r) r->view_access = v->access;
  return r;
}

/* --- memory the facade did not allocate, made PAGE_NOACCESS -------------------------------- */

/* Pages of memory the facade did not allocate that VirtualProtect made PAGE_NOACCESS: the kernel
 * shows them PROT_NONE, as it shows reserved memory, but they are committed and may be given
 * access again. Sorted, disjoint, neighbours merged. (A span the program unmapped behind the
 * facade's back stays: PROT_NONE memory mapped there later counts as committed.) */
typedef struct span {
  uintptr_t start, end;
} span;
static span *hidden;
static size_t nhidden;

/* Whether `a` lies in a span; *edge is where that span ends, or where the next begins. */
static bool hidden_at(uintptr_t a, uintptr_t *edge) {
  for (size_t i = 0; i < nhidden; i++) {
    if (a < hidden[i].start) {
      *edge = hidden[i].start;
      return false;
    }
    if (a < hidden[i].end) {
      *edge = hidden[i].end;
      return true;
    }
  }
  *edge = UINTPTR_MAX;
  return false;
}

static void span_append(span *list, size_t *n, uintptr_t start, uintptr_t end) {
  if (start >= end) return;
  if (*n && list[*n - 1].end == start)
    list[*n - 1].end = end;
  else
    list[(*n)++] = (span){start, end};
}

/* The spans with [a, b) taken out, and put back in when `add`: from malloc (NULL when out of
 * memory), to install with hidden_install() once the pages' protection has changed. */
static span *hidden_prepare(uintptr_t a, uintptr_t b, bool add, size_t *count) {
  span *next = malloc((nhidden + 2) * sizeof *next); /* one span split, one added */
  if (!next) return NULL;
  size_t n = 0;
  for (size_t i = 0; i < nhidden; i++)
    if (hidden[i].start < a)
      span_append(next, &n, hidden[i].start, hidden[i].end < a ? hidden[i].end : a);
  if (add) span_append(next, &n, a, b);
  for (size_t i = 0; i < nhidden; i++)
    if (hidden[i].end > b)
      span_append(next, &n, hidden[i].start > b ? hidden[i].start : b, hidden[i].end);
  *count = n;
  return next;
}

static void hidden_install(span *next, size_t n) {
  free(hidden);
  hidden = n ? next : NULL;
  nhidden = n;
  if (!n) free(next);
}

/* --- the kernel's list of the other mappings (Linux: /proc/self/maps) ----------------------- */

typedef struct mapping {
  uintptr_t start, end;
  char perms[5];
  unsigned long long inode;
  unsigned dev_major, dev_minor;
} mapping;

/* The process's mappings, in address order, from malloc: their count, or -1. */
static long read_mappings(mapping **out) {
  FILE *f = fopen("/proc/self/maps", "re");
  if (!f) return -1;
  mapping *list = NULL;
  size_t n = 0, cap = 0;
  char line[512];
  while (fgets(line, sizeof line, f)) {
    mapping m;
    unsigned long start, end;
    if (sscanf(line, "%lx-%lx %4s %*x %x:%x %llu", &start, &end, m.perms, &m.dev_major,
               &m.dev_minor, &m.inode) != 6)
      continue;
    if (!strchr(line, '\n')) { /* a long path: skip the rest of the line */
      int c;
      while ((c = fgetc(f)) != EOF && c != '\n') {
      }
    }
    m.start = start;
    m.end = end;
    if (n == cap) {
      cap = cap ? cap * 2 : 128;
      mapping *grown = realloc(list, cap * sizeof *grown);
      if (!grown) {
        free(list);
        fclose(f);
        return -1;
      }
      list = grown;
    }
    list[n++] = m;
  }
  fclose(f);
  *out = list;
  return (long)n;
}

static bool same_file(const mapping *a, const mapping *b) {
  return a->inode && a->inode == b->inode && a->dev_major == b->dev_major &&
         a->dev_minor == b->dev_minor && a->end == b->start;
}

/* A mapping's state and protection as Windows would say them: PROT_NONE anonymous memory is
 * reserved; a private writable file mapping is copy-on-write. */
static void describe(const mapping *m, DWORD *state, DWORD *protect) {
  bool r = m->perms[0] == 'r', w = m->perms[1] == 'w', x = m->perms[2] == 'x';
  bool copy = m->perms[3] == 'p' && m->inode;
  *state = MEM_COMMIT;
  if (x)
    *protect = w ? (copy ? PAGE_EXECUTE_WRITECOPY : PAGE_EXECUTE_READWRITE)
                 : (r ? PAGE_EXECUTE_READ : PAGE_EXECUTE);
  else if (w)
    *protect = copy ? PAGE_WRITECOPY : PAGE_READWRITE;
  else if (r)
    *protect = PAGE_READONLY;
  else {
    *state = MEM_RESERVE;
    *protect = 0;
  }
}

/* `a` (not in the registry, not in a view) as VirtualQuery reports it. The registry's regions
 * bound what is reported (the kernel may merge them with neighbouring anonymous memory). */
static DWORD query_other(uintptr_t a, MEMORY_BASIC_INFORMATION *mbi) {
  mapping *list = NULL;
  long n = read_mappings(&list);
  if (n < 0) return ERROR_NOT_ENOUGH_MEMORY;
  bool found;
  size_t ri = region_index(a, &found);
  uintptr_t lower = ri ? regions[ri - 1].end : 0;
  uintptr_t upper = ri < nregions ? regions[ri].base : MAX_ADDRESS + 1;
  long i = 0;
  while (i < n && list[i].end <= a) i++;
  memset(mbi, 0, sizeof *mbi);
  mbi->BaseAddress = (void *)page_down(a);
  if (i == n || list[i].start > a) { /* a gap: free up to the next mapping */
    uintptr_t next = i < n && list[i].start < upper ? list[i].start : upper;
    mbi->RegionSize = (next > MAX_ADDRESS ? MAX_ADDRESS + 1 : next) - page_down(a);
    mbi->State = MEM_FREE;
    mbi->Protect = PAGE_NOACCESS;
    free(list);
    return 0;
  }
  /* A file's mappings side by side are one allocation, an image if any of it is executable. */
  long first = i, last = i;
  while (first > 0 && same_file(&list[first - 1], &list[first])) first--;
  while (last + 1 < n && same_file(&list[last], &list[last + 1])) last++;
  bool image = false;
  for (long k = first; k <= last; k++) image = image || list[k].perms[2] == 'x';
  DWORD state, protect, next_state, next_protect;
  describe(&list[i], &state, &protect);
  uintptr_t end = list[i].end;
  for (long k = i + 1; k <= last; k++) { /* the run of equal attributes */
    describe(&list[k], &next_state, &next_protect);
    if (next_state != state || next_protect != protect) break;
    end = list[k].end;
  }
  if (state == MEM_RESERVE) { /* or committed, made PAGE_NOACCESS by VirtualProtect */
    uintptr_t edge;
    if (hidden_at(a, &edge)) {
      state = MEM_COMMIT;
      protect = PAGE_NOACCESS;
    }
    if (edge < end) end = edge;
  }
  uintptr_t base = list[first].start;
  if (!list[i].inode) base = base > lower ? base : lower;
  DWORD first_state, first_protect;
  describe(&list[first], &first_state, &first_protect);
  mbi->AllocationBase = (void *)base;
  mbi->AllocationProtect =
      image ? PAGE_EXECUTE_WRITECOPY : (first_state == MEM_COMMIT ? first_protect : PAGE_NOACCESS);
  mbi->RegionSize = (end < upper ? end : upper) - page_down(a);
  mbi->State = state;
  mbi->Protect = protect;
  mbi->Type = list[i].inode ? (image ? MEM_IMAGE : MEM_MAPPED) : MEM_PRIVATE;
  free(list);
  return 0;
}

/* --- queries ------------------------------------------------------------------------------ */

/* A write-copy page of a view written since is this process's own copy, which Windows reports
 * writable. */
static DWORD as_written(DWORD protect, bool copied) {
  if (!copied) return protect;
  return protect == PAGE_WRITECOPY           ? PAGE_READWRITE
         : protect == PAGE_EXECUTE_WRITECOPY ? PAGE_EXECUTE_READWRITE
                                             : protect;
}

/* The end of the view's pages from `a` (before `end`) that are copies, or not, as page `a` is:
 * *copied says which. Where the library cannot tell, none is a copy. */
static uintptr_t copies_end(uintptr_t a, uintptr_t end, bool *copied) {
  unsigned char c[64];
  *copied = false;
  for (uintptr_t at = a; at < end;) {
    size_t n = (end - at) / page_size() < 64 ? (end - at) / page_size() : 64;
    if (kobjns_view_copied((void *)at, n * page_size(), c)) return end;
    if (at == a) *copied = c[0];
    for (size_t k = 0; k < n; k++, at += page_size())
      if ((bool)c[k] != *copied) return at;
  }
  return end;
}

/* A view page's protection as Windows reports it (a written write-copy page is writable). */
static DWORD view_page_protection(DWORD protect, uintptr_t a) {
  bool copied = false;
  if (protect & COPY_PROTECTIONS) copies_end(page_down(a), page_down(a) + page_size(), &copied);
  return as_written(protect, copied);
}

static void query_region(const region *r, uintptr_t a, MEMORY_BASIC_INFORMATION *mbi) {
  size_t i = run_index(r, a);
  const run *u = &r->runs[i];
  DWORD protect = u->protect;
  uintptr_t end = run_end(r, i);
  if (r->type == MEM_MAPPED && (protect & COPY_PROTECTIONS)) {
    bool copied;
    end = copies_end(page_down(a), end, &copied);
    protect = as_written(protect, copied);
  }
  mbi->BaseAddress = (void *)page_down(a);
  mbi->AllocationBase = (void *)r->base;
  mbi->AllocationProtect = r->alloc_protect;
  mbi->RegionSize = end - page_down(a);
  mbi->State = u->state;
  /* PAGE_NOCACHE and PAGE_WRITECOMBINE are the allocation's, for every committed page. */
  mbi->Protect = u->state == MEM_COMMIT && protect != PAGE_NOACCESS
                     ? protect | (r->alloc_protect & CACHE_MODIFIERS)
                     : protect;
  mbi->Type = r->type;
}

static DWORD query(uintptr_t a, MEMORY_BASIC_INFORMATION *mbi) {
  memset(mbi, 0, sizeof *mbi);
  const region *r = region_at(a);
  if (r) {
    query_region(r, a, mbi);
    return 0;
  }
  kobjns_view_info v;
  if (!kobjns_view_query((void *)a, &v)) {
    DWORD protect = view_protection(v.access);
    uintptr_t end = (uintptr_t)v.base + v.length;
    bool copied = false;
    if (protect & COPY_PROTECTIONS) end = copies_end(page_down(a), end, &copied);
    mbi->BaseAddress = (void *)page_down(a);
    mbi->AllocationBase = v.base;
    mbi->AllocationProtect = protect;
    mbi->RegionSize = end - page_down(a);
    mbi->State = MEM_COMMIT;
    mbi->Protect = as_written(protect, copied);
    mbi->Type = MEM_MAPPED;
    return 0;
  }
  return query_other(a, mbi);
}

KOBJNS_WIN32_API SIZE_T WINAPI VirtualQuery(LPCVOID addr, PMEMORY_BASIC_INFORMATION info,
                                            SIZE_T length) {
  uintptr_t a = (uintptr_t)addr;
  DWORD error = a > MAX_ADDRESS         ? ERROR_INVALID_PARAMETER
                : length < sizeof *info ? ERROR_BAD_LENGTH
                : !info                 ? ERROR_NOACCESS
                                        : 0;
  MEMORY_BASIC_INFORMATION mbi;
  if (!error) {
    enter();
    error = query(a, &mbi);
    leave();
  }
  if (error) {
    SetLastError(error);
    return 0;
  }
  *info = mbi;
  return sizeof mbi;
}

/* --- allocation --------------------------------------------------------------------------- */

static DWORD error_of(int err) {
  return err == ENOMEM || err == EAGAIN ? ERROR_NOT_ENOUGH_MEMORY : ERROR_INVALID_ADDRESS;
}

/* Fresh reserved pages over [a, a + length) of the process's own allocation. */
static int map_reserved(uintptr_t a, size_t length) {
  void *p = mmap((void *)a, length, PROT_NONE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0);
  return p == MAP_FAILED ? errno : 0;
}

/* Reserve `length` bytes at `want` (a multiple of the granularity) or, for 0, anywhere at such
 * a multiple: an over-sized mapping trimmed to it. */
static DWORD reserve(uintptr_t want, size_t length, uintptr_t *out) {
  int flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE;
  if (want) {
    void *p = mmap((void *)want, length, PROT_NONE, flags | MAP_FIXED_NOREPLACE, -1, 0);
    if (p == MAP_FAILED) return errno == EEXIST ? ERROR_INVALID_ADDRESS : error_of(errno);
    if ((uintptr_t)p != want) { /* a kernel older than 4.17 takes the address as a hint */
      munmap(p, length);
      return ERROR_INVALID_ADDRESS;
    }
    *out = want;
    return 0;
  }
  size_t over = length + GRANULARITY - page_size();
  void *p = mmap(NULL, over, PROT_NONE, flags, -1, 0);
  if (p == MAP_FAILED) return ERROR_NOT_ENOUGH_MEMORY;
  uintptr_t start = (uintptr_t)p, base = (start + GRANULARITY - 1) & ~(uintptr_t)(GRANULARITY - 1);
  if (base > start) munmap(p, base - start);
  if (start + over > base + length) munmap((void *)(base + length), start + over - base - length);
  *out = base;
  return 0;
}

/* Commit [a, b) of private region `r` with `base` protection: reserved pages are replaced by
 * fresh ones, committed ones keep their bytes. The registry follows each step, so that it stays
 * true if one fails. */
static DWORD commit(region *r, uintptr_t a, uintptr_t b, DWORD base) {
  int prot = prot_of(base);
  while (a < b) {
    size_t i = run_index(r, a);
    uintptr_t end = run_end(r, i) < b ? run_end(r, i) : b;
    if (!reserve_runs(r)) return ERROR_NOT_ENOUGH_MEMORY;
    if (r->runs[i].state == MEM_RESERVE) {
      void *p = mmap((void *)a, end - a, prot, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
      if (p == MAP_FAILED) return errno == ENOMEM ? ERROR_COMMITMENT_LIMIT : error_of(errno);
    } else if (mprotect((void *)a, end - a, prot) < 0) {
      return error_of(errno);
    }
    set_pages(r, a, end, MEM_COMMIT, base);
    a = end;
  }
  return 0;
}

/* Whether any page of [a, b) of the view's record has a write-copy protection. */
static bool has_copy_pages(const region *r, uintptr_t a, uintptr_t b) {
  for (size_t i = run_index(r, a); i < r->nruns && r->runs[i].start < b; i++)
    if (r->runs[i].protect & COPY_PROTECTIONS) return true;
  return false;
}

/* A view's pages [a, b) get `protect` (checked): it may not do more than the view was mapped for
 * (87). Write-copy in a shared view makes the pages copy-on-write (each the section's until
 * written, then a private copy), as Windows does; another protection makes those not written
 * since the section's again. */
static DWORD protect_view(const kobjns_view_info *v, uintptr_t a, uintptr_t b, DWORD protect,
                          DWORD *old) {
  DWORD view = view_protection(v->access), base = protect & BASE_PROTECTION;
  unsigned wanted = abilities(base);
  if ((abilities(view) & wanted) != wanted) return ERROR_INVALID_PARAMETER;
  region *r = view_region(v);
  if (!r || !reserve_runs(r)) return ERROR_NOT_ENOUGH_MEMORY;
  if (old) *old = view_page_protection(r->runs[run_index(r, a)].protect, a);
  bool shared = !(v->access & KOBJNS_MAP_COPY);
  if (a < b && shared && ((base & COPY_PROTECTIONS) || has_copy_pages(r, a, b))) {
    int rc = kobjns_view_copy_on_write((void *)a, b - a, (base & COPY_PROTECTIONS) != 0);
    if (rc) return (DWORD)rc;
  }
  if (a < b) {
    if (mprotect((void *)a, b - a, prot_of(base)) < 0) return error_of(errno);
    set_pages(r, a, b, MEM_COMMIT, base);
  }
  return 0;
}

static DWORD reset(uintptr_t a, uintptr_t b) {
  region *r = region_at(a);
  if (r) {
    if (b > r->end) return ERROR_INVALID_ADDRESS;
    /* Committed pages' contents may go (MADV_FREE: only under memory pressure). */
    for (size_t i = run_index(r, a); i < r->nruns && r->runs[i].start < b; i++) {
      uintptr_t s = r->runs[i].start > a ? r->runs[i].start : a;
      uintptr_t e = run_end(r, i) < b ? run_end(r, i) : b;
      if (r->type == MEM_PRIVATE && r->runs[i].state == MEM_COMMIT &&
          madvise((void *)s, e - s, MADV_FREE) < 0 && errno == EINVAL)
        madvise((void *)s, e - s, MADV_DONTNEED); /* a kernel without MADV_FREE */
    }
    return 0;
  }
  /* A view's pages are the section's: they stay. */
  kobjns_view_info v;
  if (kobjns_view_query((void *)a, &v) || b > (uintptr_t)v.base + v.length)
    return ERROR_INVALID_ADDRESS;
  return 0;
}

/* VirtualAlloc's work, the lock held: 0 with *addr, or the error. */
static DWORD allocate(uintptr_t *addr, SIZE_T size, DWORD type, DWORD protect) {
  uintptr_t want = *addr;
  if (type & (MEM_RESET | MEM_RESET_UNDO)) {
    if ((type != MEM_RESET && type != MEM_RESET_UNDO) || !want || !size)
      return ERROR_INVALID_PARAMETER;
    DWORD error = check_protection(protect, true);
    if (error) return error;
    uintptr_t a, b;
    if ((error = page_range(want, size, &a, &b)) || (error = reset(a, b))) return error;
    /* Whether reset pages were discarded cannot be told: the undo is refused. */
    if (type == MEM_RESET_UNDO) return ERROR_NOT_SUPPORTED;
    *addr = a;
    return 0;
  }
  if (type & ~(DWORD)(MEM_COMMIT | MEM_RESERVE | MEM_TOP_DOWN | UNSUPPORTED_TYPES))
    return ERROR_INVALID_PARAMETER;
  if (!(type & (MEM_COMMIT | MEM_RESERVE)) || !size) return ERROR_INVALID_PARAMETER;
  if (type & UNSUPPORTED_TYPES) return ERROR_NOT_SUPPORTED;
  DWORD base_protect = protect & BASE_PROTECTION;
  if (want && !(type & MEM_RESERVE)) { /* commit in what is reserved or mapped */
    uintptr_t a, b;
    DWORD error = check_protection(protect, true);
    if (error || (error = page_range(want, size, &a, &b))) return error;
    region *r = region_at(a);
    if (r && r->type == MEM_PRIVATE) {
      if (b > r->end) return ERROR_INVALID_ADDRESS;
      if (base_protect & COPY_PROTECTIONS) return ERROR_INVALID_PARAMETER;
      error = commit(r, a, b, base_protect);
    } else {
      /* A view's pages are committed already: this sets their protection; a file's pages are
       * the file's, and Windows refuses (5). */
      kobjns_view_info v;
      if (kobjns_view_query((void *)a, &v) || b > (uintptr_t)v.base + v.length)
        return ERROR_INVALID_ADDRESS;
      if (v.flags & KOBJNS_VIEW_OF_FILE) return ERROR_ACCESS_DENIED;
      error = protect_view(&v, a, b, protect, NULL);
    }
    if (!error) *addr = a;
    return error;
  }
  DWORD error = check_protection(protect, false);
  if (error) return error;
  if (size > MAX_ADDRESS - MIN_ADDRESS + 1) return ERROR_INVALID_PARAMETER;
  uintptr_t base = want & ~(uintptr_t)(GRANULARITY - 1), end;
  if (want) {
    if (want < MIN_ADDRESS) return ERROR_INVALID_ADDRESS;
    /* Past the user address space: 87 (MAX_ADDRESS - want + 1 would wrap below). */
    if (want > MAX_ADDRESS || size > MAX_ADDRESS - want + 1) return ERROR_INVALID_PARAMETER;
    end = page_up(want + size);
  } else {
    end = page_up(size);
  }
  size_t length = end - base;
  if ((error = reserve(base, length, &base))) return error;
  drop_overlapping(base, base + length); /* records of views gone from there */
  region *r = region_new(base, base + length, MEM_PRIVATE, protect, MEM_RESERVE, 0);
  if (!r) {
    munmap((void *)base, length);
    return ERROR_NOT_ENOUGH_MEMORY;
  }
  if ((type & MEM_COMMIT) && (error = commit(r, base, base + length, base_protect))) {
    munmap((void *)base, length);
    bool found;
    region_drop(region_index(base, &found));
    return error;
  }
  *addr = base;
  return 0;
}

KOBJNS_WIN32_API LPVOID WINAPI VirtualAlloc(LPVOID addr, SIZE_T size, DWORD type, DWORD protect) {
  uintptr_t a = (uintptr_t)addr;
  enter();
  DWORD error = allocate(&a, size, type, protect);
  leave();
  if (error) {
    SetLastError(error);
    return NULL;
  }
  return (void *)a;
}

static DWORD release(uintptr_t addr, SIZE_T size, DWORD type) {
  if (type != MEM_DECOMMIT && type != MEM_RELEASE) return ERROR_INVALID_PARAMETER;
  if (type == MEM_RELEASE && size) return ERROR_INVALID_PARAMETER;
  region *r = addr ? region_at(addr) : NULL;
  kobjns_view_info v;
  if (!r && addr && !kobjns_view_query((void *)addr, &v)) return ERROR_INVALID_PARAMETER;
  if (!r || r->type != MEM_PRIVATE) /* a view: UnmapViewOfFile's */
    return r ? ERROR_INVALID_PARAMETER : ERROR_INVALID_ADDRESS;
  if (type == MEM_RELEASE || !size) { /* the whole allocation, from its base */
    if (addr != r->base) return ERROR_INVALID_ADDRESS;
    if (type == MEM_RELEASE) {
      munmap((void *)r->base, r->end - r->base);
      region_drop((size_t)(r - regions));
      return 0;
    }
    size = r->end - r->base;
  }
  if (size > r->end - addr) return ERROR_INVALID_ADDRESS;
  uintptr_t a = page_down(addr), b = page_up(addr + size);
  if (!reserve_runs(r)) return ERROR_NOT_ENOUGH_MEMORY;
  int err = map_reserved(a, b - a);
  if (err) return error_of(err);
  set_pages(r, a, b, MEM_RESERVE, 0);
  return 0;
}

KOBJNS_WIN32_API BOOL WINAPI VirtualFree(LPVOID addr, SIZE_T size, DWORD type) {
  enter();
  DWORD error = release((uintptr_t)addr, size, type);
  leave();
  if (error) SetLastError(error);
  return !error;
}

/* --- protection --------------------------------------------------------------------------- */

/* Memory the facade did not allocate (code, data, heap, stacks): every page of [a, b) must be
 * committed; write-copy only where a file is mapped privately. */
static DWORD protect_other(uintptr_t a, uintptr_t b, DWORD protect, DWORD *old) {
  DWORD base = protect & BASE_PROTECTION;
  bool found;
  size_t ri = region_index(a, &found);
  if (ri < nregions && regions[ri].base < b) return ERROR_INVALID_ADDRESS; /* not ours to change */
  mapping *list = NULL;
  long n = read_mappings(&list);
  if (n < 0) return ERROR_NOT_ENOUGH_MEMORY;
  DWORD error = ERROR_INVALID_ADDRESS;
  uintptr_t at = a;
  long i = 0;
  while (i < n && list[i].end <= a) i++;
  uintptr_t stop = b > a ? b : a + 1;
  for (; i < n && list[i].start <= at; i++) {
    DWORD state, now;
    describe(&list[i], &state, &now);
    uintptr_t edge, until = list[i].end < stop ? list[i].end : stop;
    if (state != MEM_COMMIT && hidden_at(at, &edge) && edge >= until) {
      state = MEM_COMMIT; /* PROT_NONE because VirtualProtect made it PAGE_NOACCESS */
      now = PAGE_NOACCESS;
    }
    kobjns_view_info v;
    if (state != MEM_COMMIT || !kobjns_view_query((void *)list[i].start, &v)) break;
    if ((base & COPY_PROTECTIONS) && !(list[i].perms[3] == 'p' && list[i].inode)) {
      error = ERROR_INVALID_PARAMETER;
      break;
    }
    if (at == a) *old = now;
    at = list[i].end;
    if (at >= stop) {
      error = 0;
      break;
    }
  }
  free(list);
  if (error || a == b) return error;
  size_t count;
  span *next = hidden_prepare(a, b, base == PAGE_NOACCESS, &count);
  if (!next) return ERROR_NOT_ENOUGH_MEMORY;
  if (mprotect((void *)a, b - a, prot_of(base)) < 0) {
    free(next);
    return error_of(errno);
  }
  hidden_install(next, count);
  return 0;
}

static DWORD change_protection(uintptr_t addr, SIZE_T size, DWORD protect, DWORD *old) {
  DWORD error = check_protection(protect, true);
  if (error) return error;
  if (!old) return ERROR_NOACCESS;
  uintptr_t a, b;
  if ((error = page_range(addr, size, &a, &b))) return error;
  region *r = region_at(a);
  if (r && r->type == MEM_PRIVATE) {
    if (b > r->end) return ERROR_INVALID_ADDRESS;
    if (protect & COPY_PROTECTIONS) return ERROR_INVALID_PARAMETER;
    size_t i = run_index(r, a);
    for (size_t k = i; k < r->nruns && r->runs[k].start < (b > a ? b : a + 1); k++)
      if (r->runs[k].state != MEM_COMMIT) return ERROR_INVALID_ADDRESS;
    DWORD base = protect & BASE_PROTECTION, was = r->runs[i].protect;
    if (a < b) {
      if (!reserve_runs(r)) return ERROR_NOT_ENOUGH_MEMORY;
      if (mprotect((void *)a, b - a, prot_of(base)) < 0) return error_of(errno);
      set_pages(r, a, b, MEM_COMMIT, base);
    }
    *old = was != PAGE_NOACCESS ? was | (r->alloc_protect & CACHE_MODIFIERS) : was;
    return 0;
  }
  kobjns_view_info v;
  if (!kobjns_view_query((void *)a, &v)) {
    if (b > (uintptr_t)v.base + v.length) return ERROR_INVALID_ADDRESS;
    return protect_view(&v, a, b, protect, old);
  }
  return protect_other(a, b, protect, old);
}

KOBJNS_WIN32_API BOOL WINAPI VirtualProtect(LPVOID addr, SIZE_T size, DWORD protect, PDWORD old) {
  DWORD was = 0;
  enter();
  DWORD error = change_protection((uintptr_t)addr, size, protect, old ? &was : NULL);
  leave();
  if (error) {
    SetLastError(error);
    return FALSE;
  }
  *old = was;
  return TRUE;
}

/* UnmapViewOfFile (mapping.c): the view and the record of its protections go together. */
int kobjns__facade_unmap(void *addr) {
  enter();
  int rc = kobjns_unmap(addr);
  bool found;
  size_t i = region_index((uintptr_t)addr, &found);
  if (!rc && found && regions[i].type == MEM_MAPPED) region_drop(i);
  leave();
  return rc;
}

/* --- the system --------------------------------------------------------------------------- */

KOBJNS_WIN32_API void WINAPI GetSystemInfo(LPSYSTEM_INFO info) {
  if (!info) return; /* Windows faults; nothing to fill */
  pthread_once(&once, set_up);
  memset(info, 0, sizeof *info);
  long cpus = sysconf(_SC_NPROCESSORS_ONLN);
  if (cpus < 1) cpus = 1;
  info->dwPageSize = (DWORD)page_size();
  info->lpMinimumApplicationAddress = (void *)MIN_ADDRESS;
  info->lpMaximumApplicationAddress = (void *)MAX_ADDRESS;
  info->dwNumberOfProcessors = (DWORD)cpus;
  info->dwActiveProcessorMask = cpus >= 64 ? ~(DWORD_PTR)0 : ((DWORD_PTR)1 << cpus) - 1;
  info->dwAllocationGranularity = GRANULARITY;
#if defined(__x86_64__) || defined(__i386__)
  unsigned eax = 0, ebx, ecx, edx;
  __get_cpuid(1, &eax, &ebx, &ecx, &edx);
  unsigned family = (eax >> 8) & 0xF, model = (eax >> 4) & 0xF, stepping = eax & 0xF;
  if (family == 0xF) family += (eax >> 20) & 0xFF;
  if (family >= 6) model |= ((eax >> 16) & 0xF) << 4;
  info->wProcessorLevel = (WORD)family;
  info->wProcessorRevision = (WORD)(model << 8 | stepping);
#endif
#if defined(__x86_64__)
  info->wProcessorArchitecture = PROCESSOR_ARCHITECTURE_AMD64;
  info->dwProcessorType = PROCESSOR_AMD_X8664;
#elif defined(__i386__)
  info->wProcessorArchitecture = PROCESSOR_ARCHITECTURE_INTEL;
  info->dwProcessorType = PROCESSOR_INTEL_PENTIUM;
#elif defined(__aarch64__)
  info->wProcessorArchitecture = PROCESSOR_ARCHITECTURE_ARM64;
#else
  info->wProcessorArchitecture = PROCESSOR_ARCHITECTURE_UNKNOWN;
#endif
}

/* The facade runs natively: the native system is the one the process sees. */
KOBJNS_WIN32_API void WINAPI GetNativeSystemInfo(LPSYSTEM_INFO info) { GetSystemInfo(info); }
