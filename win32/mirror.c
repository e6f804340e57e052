/* The handle table's mirror on Windows: what another process needs to duplicate one of our
 * handles (DuplicateHandle from another process). kobjns values are not native HANDLEs, so each
 * process that has a handle to pass on keeps, for each such handle, its value, type, access and
 * native HANDLE in sections of its own, which die with it:
 *
 *   - one named section, "kobjns-handles-<pid>" in the process's own session namespace, the
 *     header: its own HANDLE to itself, and the HANDLE of each chunk of entries;
 *   - unnamed sections, the chunks, ENTRIES_PER_CHUNK entries each.
 *
 * Another process opens the header by name and then takes everything else from the process
 * itself with DuplicateHandle, which Windows allows only with PROCESS_DUP_HANDLE: the header must
 * be the very section the process holds (CompareObjectHandles), or it is someone else's, and
 * every HANDLE it finds is checked for its type (NtQueryObject) before it is used. What it reads
 * is a hint: an entry is read twice around the take. */
#include "win32.h"

#include "mirror.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>

/* The layout, the same for 32- and 64-bit processes (HANDLE values travel as 64 bits). */
#define MIRROR_MAGIC 0x484a424bu /* "KBJH" */
#define MIRROR_VERSION 1u
#define ENTRIES_PER_CHUNK 2048u
#define MAX_CHUNKS 2048u /* the table's 2^22 slots */
typedef struct mirror_header {
  uint32_t magic, version;
  uint32_t pid;
  uint32_t reserved;
  uint64_t self;              /* the process's HANDLE to this section */
  uint64_t chunk[MAX_CHUNKS]; /* the process's HANDLE to each chunk; 0: none yet */
} mirror_header;
typedef kobjns__mirror_entry mirror_entry; /* native: the HANDLE */
_Static_assert(sizeof(mirror_header) == 24 + 8 * MAX_CHUNKS, "mirror header layout");
_Static_assert(offsetof(mirror_header, self) == 16, "mirror header layout");

static SRWLOCK lock = SRWLOCK_INIT;
static HANDLE header_section;
static mirror_header *header;
static bool unavailable; /* the name is taken, or Windows would not make it */
static mirror_entry *chunks[MAX_CHUNKS];

static bool passable(kobjns_type t) {
  return t == KOBJNS_TYPE_SECTION || t == KOBJNS_TYPE_MUTEX || t == KOBJNS_TYPE_EVENT ||
         t == KOBJNS_TYPE_SEMAPHORE || t == KOBJNS_TYPE_TIMER || t == KOBJNS_TYPE_FILE;
}

/* Whether `o` can be taken by another process: what runs a thread or a process is ours. */
static bool mirrored(const kobjns__object *o) { return passable(o->type) && o->os.handle; }

/* The header's name for process `pid` of session `session`, as seen from session `ours`. */
static void header_name(uint32_t pid, DWORD session, DWORD ours, wchar_t *out, size_t size) {
  if (session == ours)
    swprintf(out, size, L"kobjns-handles-%u", (unsigned)pid);
  else if (session == 0)
    swprintf(out, size, L"Global\\kobjns-handles-%u", (unsigned)pid);
  else
    swprintf(out, size, L"Session\\%u\\kobjns-handles-%u", (unsigned)session, (unsigned)pid);
}

bool kobjns__win32_mirror_name(const wchar_t *name, size_t len) {
  static const wchar_t prefix[] = L"kobjns-handles-";
  size_t n = sizeof prefix / sizeof prefix[0] - 1;
  if (len <= n || len > n + 10 || wmemcmp(name, prefix, n)) return false;
  for (size_t i = n; i < len; i++)
    if (name[i] < L'0' || name[i] > L'9') return false;
  return true;
}

/* The process's header (under `lock`): made, with every live handle in it, on first use. A name
 * someone else already holds is never used: nothing of ours can be taken then. */
static int publish_each(kobjns__object *o, void *arg);
static bool mirror_ready(void) {
  if (header) return true;
  if (unavailable) return false;
  wchar_t name[64];
  header_name(GetCurrentProcessId(), 0, 0, name, sizeof name / sizeof name[0]);
  HANDLE h = CreateFileMappingW(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0,
                                sizeof(mirror_header), name);
  if (h && GetLastError() == ERROR_ALREADY_EXISTS) {
    CloseHandle(h);
    unavailable = true;
    return false;
  }
  mirror_header *view = h ? MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, sizeof *view) : NULL;
  if (!view) {
    if (h) CloseHandle(h);
    return false;
  }
  view->magic = MIRROR_MAGIC;
  view->version = MIRROR_VERSION;
  view->pid = GetCurrentProcessId();
  view->self = (uint64_t)(uintptr_t)h;
  header_section = h;
  header = view;
  kobjns__handles_each(publish_each, NULL); /* those made before */
  return true;
}

/* The entry of slot `index`, its chunk made (under `lock`): NULL without memory. */
static mirror_entry *entry_at(uint32_t index) {
  unsigned c = index / ENTRIES_PER_CHUNK;
  if (c >= MAX_CHUNKS) return NULL;
  if (!chunks[c]) {
    DWORD bytes = ENTRIES_PER_CHUNK * sizeof(mirror_entry);
    HANDLE h = CreateFileMappingW(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, bytes, NULL);
    mirror_entry *view = h ? MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, bytes) : NULL;
    if (!view) {
      if (h) CloseHandle(h);
      return NULL;
    }
    chunks[c] = view; /* the section lives while its view does; its HANDLE is for others */
    __atomic_store_n(&header->chunk[c], (uint64_t)(uintptr_t)h, __ATOMIC_RELEASE);
  }
  return &chunks[c][index % ENTRIES_PER_CHUNK];
}

static void write_entry(const kobjns__object *o) {
  uint32_t index = kobjns__handle_slot(o->handle);
  mirror_entry *e = index == UINT32_MAX ? NULL : entry_at(index);
  if (!e) return; /* not mirrored: another process cannot take it (6 there) */
  kobjns__mirror_write(e, o, (uint64_t)(uintptr_t)o->os.handle);
}

static int publish_each(kobjns__object *o, void *arg) {
  (void)arg;
  if (mirrored(o)) write_entry(o);
  return 0;
}

void kobjns__os_handle_published(const kobjns__object *o) {
  if (!mirrored(o)) return;
  AcquireSRWLockExclusive(&lock);
  if (mirror_ready()) write_entry(o);
  ReleaseSRWLockExclusive(&lock);
}

void kobjns__os_handle_withdrawn(const kobjns__object *o) {
  if (!mirrored(o)) return;
  AcquireSRWLockExclusive(&lock);
  uint32_t index = kobjns__handle_slot(o->handle);
  unsigned c = index / ENTRIES_PER_CHUNK;
  if (header && index != UINT32_MAX && c < MAX_CHUNKS && chunks[c]) {
    kobjns__mirror_clear(&chunks[c][index % ENTRIES_PER_CHUNK], o->handle);
  }
  ReleaseSRWLockExclusive(&lock);
}

/* --- the other side: taking a handle of another process ---------------------------------- */

typedef BOOL(WINAPI *compare_fn)(HANDLE, HANDLE);

static compare_fn compare_handles(void) {
  HMODULE kernelbase = GetModuleHandleW(L"kernelbase.dll");
  FARPROC p = kernelbase ? GetProcAddress(kernelbase, "CompareObjectHandles") : NULL;
  compare_fn fn;
  memcpy(&fn, &p, sizeof fn);
  return fn;
}

/* Entry `index % ENTRIES_PER_CHUNK` of a chunk view, read twice to be whole: 0, or 6. */
static int read_entry(const volatile mirror_entry *chunk, uint32_t index, mirror_entry *out) {
  const volatile mirror_entry *at = &chunk[index % ENTRIES_PER_CHUNK];
  for (int attempt = 0; attempt < 100; attempt++) {
    mirror_entry a, b;
    memcpy(&a, (const void *)at, sizeof a);
    MemoryBarrier();
    memcpy(&b, (const void *)at, sizeof b);
    if (!memcmp(&a, &b, sizeof a)) {
      *out = a;
      return 0;
    }
  }
  return KOBJNS_INVALID_HANDLE; /* never the same twice: not a handle to rely on */
}

/* The status of a DuplicateHandle from the other process that failed. */
static int take_failed(void) {
  DWORD error = GetLastError();
  return error == ERROR_ACCESS_DENIED ? KOBJNS_ACCESS_DENIED : KOBJNS_INVALID_HANDLE;
}

/* Whether the process of `process` has ended (as far as its handle's rights can tell). */
static bool ended(HANDLE process) {
  DWORD code;
  return WaitForSingleObject(process, 0) == WAIT_OBJECT_0 ||
         (GetExitCodeProcess(process, &code) && code != STILL_ACTIVE);
}

int kobjns__os_duplicate_from(kobjns__object *process, uint32_t handle, kobjns_type *type,
                              unsigned *access, uint64_t *copy) {
  HANDLE ph = process->os.handle, self = GetCurrentProcess();
  compare_fn same = compare_handles();
  if (!same) return KOBJNS_NOT_SUPPORTED; /* before Windows 10: no way to trust the header */
  uint32_t index = kobjns__handle_slot(handle);
  DWORD pid = GetProcessId(ph), session = 0, ours = 0;
  if (index == UINT32_MAX || !pid) return KOBJNS_INVALID_HANDLE;
  if (!ProcessIdToSessionId(pid, &session) || !ProcessIdToSessionId(GetCurrentProcessId(), &ours))
    return ended(ph) ? KOBJNS_ACCESS_DENIED : kobjns__status_from_win32(GetLastError());
  wchar_t name[64];
  header_name(pid, session, ours, name, sizeof name / sizeof name[0]);
  int rc = 0;
  HANDLE named = OpenFileMappingW(FILE_MAP_READ, FALSE, name), theirs = NULL, chunk = NULL;
  HANDLE taken = NULL;
  const mirror_header *h = NULL;
  const mirror_entry *view = NULL;
  mirror_entry e, again;
  if (!named) /* no header: the process has no handle to pass on (or is not kobjns's) */
    rc = GetLastError() == ERROR_ACCESS_DENIED ? KOBJNS_ACCESS_DENIED : KOBJNS_INVALID_HANDLE;
  if (!rc && !(h = MapViewOfFile(named, FILE_MAP_READ, 0, 0, sizeof *h)))
    rc = kobjns__status_from_win32(GetLastError());
  if (!rc && (h->magic != MIRROR_MAGIC || h->version != MIRROR_VERSION || h->pid != pid))
    rc = KOBJNS_INVALID_HANDLE;
  /* The header must be the process's own: a section of that name someone else made is not. */
  if (!rc &&
      !DuplicateHandle(ph, (HANDLE)(uintptr_t)h->self, self, &theirs, FILE_MAP_READ, FALSE, 0))
    rc = take_failed();
  if (!rc && !same(theirs, named)) rc = KOBJNS_ACCESS_DENIED;
  uint64_t chunk_value =
      rc ? 0 : __atomic_load_n(&h->chunk[index / ENTRIES_PER_CHUNK], __ATOMIC_ACQUIRE);
  if (!rc && !chunk_value) rc = KOBJNS_INVALID_HANDLE; /* no handle of that slot yet */
  unsigned granted = 0;
  if (!rc &&
      !DuplicateHandle(ph, (HANDLE)(uintptr_t)chunk_value, self, &chunk, FILE_MAP_READ, FALSE, 0))
    rc = take_failed();
  if (!rc && kobjns__win32_handle_type(chunk, &granted) != KOBJNS_TYPE_SECTION)
    rc = KOBJNS_INVALID_HANDLE;
  if (!rc &&
      !(view = MapViewOfFile(chunk, FILE_MAP_READ, 0, 0, ENTRIES_PER_CHUNK * sizeof(mirror_entry))))
    rc = KOBJNS_INVALID_HANDLE; /* smaller than a chunk: not one */
  if (!rc) rc = read_entry(view, index, &e);
  /* What the other process wrote is a hint, checked: a type that can be passed on, the HANDLE
   * taken through Windows, of that type, then the entry again (unchanged, or the handle was
   * closed meanwhile and its HANDLE may be another object's now). */
  if (!rc && (!e.handle || e.handle != handle || !passable((kobjns_type)e.type)))
    rc = KOBJNS_INVALID_HANDLE;
  if (!rc && !DuplicateHandle(ph, (HANDLE)(uintptr_t)e.native, self, &taken, 0, FALSE,
                              DUPLICATE_SAME_ACCESS))
    rc = take_failed();
  if (!rc && (read_entry(view, index, &again) || memcmp(&e, &again, sizeof e) ||
              kobjns__win32_handle_type(taken, &granted) != (kobjns_type)e.type))
    rc = KOBJNS_INVALID_HANDLE;
  /* A process that ended meanwhile: 5 however far the look went (Windows' answer). */
  if (rc == KOBJNS_INVALID_HANDLE && ended(ph)) rc = KOBJNS_ACCESS_DENIED;
  if (view) UnmapViewOfFile(view);
  if (h) UnmapViewOfFile(h);
  if (chunk) CloseHandle(chunk);
  if (theirs) CloseHandle(theirs);
  if (named) CloseHandle(named);
  if (rc) {
    if (taken) CloseHandle(taken);
    return rc;
  }
  *type = (kobjns_type)e.type;
  /* No more than the handle has in kobjns's eyes, nor than Windows granted it. */
  *access = e.access & kobjns__type_valid_access(*type) & granted;
  *copy = (uint64_t)(uintptr_t)taken;
  return 0;
}
