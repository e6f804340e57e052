/* Inspecting objects on Windows: the object manager's own directories (\BaseNamedObjects and
 * \Sessions\<N>\BaseNamedObjects), read with NtQueryDirectoryObject, each section, mutex (NT's
 * "Mutant"), event and semaphore opened with whatever of its type's query right and READ_CONTROL
 * its descriptor grants, for its size or state, its DACL and its handle count. Every named object
 * of those types on the machine is listed, kobjns's or not, as WinObj lists them. Nothing is ever
 * stale (the kernel deletes an object with its last handle, a dead process's included), so the
 * sweep finds nothing. Which processes hold a handle Windows does not say without a system-wide
 * handle dump: pids are not reported. The access check is the kernel's (AccessCheck), not kobjns's
 * model: 50. Private namespaces are not listed: a namespace's directory has no name in the object
 * manager's tree (only a handle from OpenPrivateNamespace reaches it), so neither it nor the
 * objects in it can be found by a walk, and a query of "alias\\x" is 50. */
#include "win32.h"

#include <sddl.h> /* after <windows.h> */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <winternl.h>

#define STATUS_NO_MORE_ENTRIES_ ((LONG)0x8000001A)
#define STATUS_ACCESS_DENIED_ ((LONG)0xC0000022)
#define STATUS_OBJECT_TYPE_MISMATCH_ ((LONG)0xC0000024)
#define STATUS_OBJECT_NAME_NOT_FOUND_ ((LONG)0xC0000034)
#define STATUS_OBJECT_PATH_NOT_FOUND_ ((LONG)0xC000003A)
#define DIRECTORY_QUERY_ 0x0001u

typedef struct directory_entry {
  UNICODE_STRING name, type;
} directory_entry;

typedef LONG(NTAPI *open_fn)(HANDLE *, ACCESS_MASK, OBJECT_ATTRIBUTES *);
typedef LONG(NTAPI *query_directory_fn)(HANDLE, void *, ULONG, BOOLEAN, BOOLEAN, ULONG *, ULONG *);
typedef LONG(NTAPI *query_object_fn)(HANDLE, OBJECT_INFORMATION_CLASS, void *, ULONG, ULONG *);
typedef LONG(NTAPI *query_section_fn)(HANDLE, int, void *, SIZE_T, SIZE_T *);
typedef LONG(NTAPI *query_state_fn)(HANDLE, int, void *, ULONG, ULONG *); /* NtQueryMutant, ... */

/* ntdll's entry points, looked up once: not every SDK's import library has them. Those of
 * mutexes, events and semaphores are optional: without an open the type is not listed, without
 * a query its state is not known. */
static struct {
  open_fn open_directory, open_section, open_mutant, open_event, open_semaphore, open_timer;
  query_directory_fn query_directory;
  query_object_fn query_object;
  query_section_fn query_section;
  query_state_fn query_mutant, query_event, query_semaphore, query_timer;
} nt;

#define LOOK_UP(field, name)                                                                       \
  do {                                                                                             \
    FARPROC p_ = GetProcAddress(ntdll, name);                                                      \
    memcpy(&nt.field, &p_, sizeof nt.field);                                                       \
  } while (0)

static BOOL CALLBACK find_entries(INIT_ONCE *once, void *param, void **context) {
  (void)once, (void)param, (void)context;
  HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");
  if (!ntdll) return TRUE;
  LOOK_UP(open_directory, "NtOpenDirectoryObject");
  LOOK_UP(open_section, "NtOpenSection");
  LOOK_UP(query_directory, "NtQueryDirectoryObject");
  LOOK_UP(query_object, "NtQueryObject");
  LOOK_UP(query_section, "NtQuerySection");
  LOOK_UP(open_mutant, "NtOpenMutant");
  LOOK_UP(open_event, "NtOpenEvent");
  LOOK_UP(open_semaphore, "NtOpenSemaphore");
  LOOK_UP(query_mutant, "NtQueryMutant");
  LOOK_UP(query_event, "NtQueryEvent");
  LOOK_UP(query_semaphore, "NtQuerySemaphore");
  LOOK_UP(open_timer, "NtOpenTimer");
  LOOK_UP(query_timer, "NtQueryTimer");
  return TRUE;
}

static bool nt_ready(void) {
  static INIT_ONCE once = INIT_ONCE_STATIC_INIT;
  InitOnceExecuteOnce(&once, find_entries, NULL, NULL);
  return nt.open_directory && nt.open_section && nt.query_directory && nt.query_object &&
         nt.query_section;
}

/* NtOpen* of the object-manager path `path`. */
static LONG open_path(open_fn fn, const wchar_t *path, ACCESS_MASK access, HANDLE *h) {
  UNICODE_STRING name;
  size_t len = wcslen(path);
  name.Buffer = (wchar_t *)path;
  name.Length = (USHORT)(len * sizeof(wchar_t));
  name.MaximumLength = name.Length;
  OBJECT_ATTRIBUTES attributes;
  InitializeObjectAttributes(&attributes, &name, 0, NULL, NULL);
  *h = NULL;
  return fn(h, access, &attributes);
}

/* UTF-8 copy (malloc) of `len` UTF-16 units. */
static char *utf8_of(const wchar_t *w, size_t len) {
  int bytes = len ? WideCharToMultiByte(CP_UTF8, 0, w, (int)len, NULL, 0, NULL, NULL) : 0;
  char *out = malloc((size_t)bytes + 1);
  if (!out) return NULL;
  if (bytes) WideCharToMultiByte(CP_UTF8, 0, w, (int)len, out, bytes, NULL, NULL);
  out[bytes] = '\0';
  return out;
}

static bool is(const UNICODE_STRING *s, const wchar_t *text) {
  size_t len = wcslen(text);
  return s->Length == len * sizeof(wchar_t) && !memcmp(s->Buffer, text, s->Length);
}

/* --- describing ---------------------------------------------------------------------------- */

typedef struct section_basic_information {
  void *base;
  ULONG attributes;
  LARGE_INTEGER size;
} section_basic_information;

/* NtQueryMutant's classes 0 (MutantBasicInformation) and 1 (MutantOwnerInformation), NtQueryEvent's
 * and NtQuerySemaphore's class 0. */
typedef struct mutant_basic_information {
  LONG current_count; /* 1 free; 0, -1, ... owned (once per level) */
  BOOLEAN owned_by_caller, abandoned;
} mutant_basic_information;
typedef struct mutant_owner_information {
  HANDLE process, thread; /* CLIENT_ID */
} mutant_owner_information;
typedef struct event_basic_information {
  int type; /* EVENT_TYPE: 0 NotificationEvent (manual reset), 1 SynchronizationEvent */
  LONG state;
} event_basic_information;
typedef struct semaphore_basic_information {
  LONG current, maximum;
} semaphore_basic_information;
typedef struct timer_basic_information {
  LARGE_INTEGER remaining; /* until it is due, in 100 ns (Wine: not kept up to date) */
  BOOLEAN state;
} timer_basic_information;

/* The object types inspection knows: NT's name, kobjns's, how to open one, and its query right
 * (SECTION_QUERY, MUTANT_QUERY_STATE, EVENT_QUERY_STATE, SEMAPHORE_QUERY_STATE: all 1). */
typedef struct object_kind {
  const wchar_t *nt_type;
  kobjns_type type;
  open_fn *open;
} object_kind;

#define QUERY_RIGHT 0x0001u

static const object_kind kinds[] = {
    {L"Section", KOBJNS_TYPE_SECTION, &nt.open_section},
    {L"Mutant", KOBJNS_TYPE_MUTEX, &nt.open_mutant},
    {L"Event", KOBJNS_TYPE_EVENT, &nt.open_event},
    {L"Semaphore", KOBJNS_TYPE_SEMAPHORE, &nt.open_semaphore},
    {L"Timer", KOBJNS_TYPE_TIMER, &nt.open_timer},
};
enum { KIND_SECTION, KIND_MUTANT, KIND_EVENT, KIND_SEMAPHORE, KIND_TIMER, KIND_COUNT };

/* The kobjns type of the object `h` is a handle to, from Windows' own name for its type
 * (NtQueryObject), with the rights the handle was granted: KOBJNS_TYPE_NONE when it is none of
 * the types a handle can be passed on as (kinds[] and "File"). */
kobjns_type kobjns__win32_handle_type(HANDLE h, unsigned *granted) {
  *granted = 0;
  if (!nt_ready()) return KOBJNS_TYPE_NONE;
  union {
    PUBLIC_OBJECT_TYPE_INFORMATION info;
    unsigned char bytes[512];
  } type;
  PUBLIC_OBJECT_BASIC_INFORMATION basic;
  if (nt.query_object(h, ObjectTypeInformation, &type, sizeof type, NULL) < 0 ||
      nt.query_object(h, ObjectBasicInformation, &basic, sizeof basic, NULL) < 0)
    return KOBJNS_TYPE_NONE;
  *granted = basic.GrantedAccess;
  if (is(&type.info.TypeName, L"File")) return KOBJNS_TYPE_FILE;
  for (size_t k = 0; k < KIND_COUNT; k++)
    if (is(&type.info.TypeName, kinds[k].nt_type)) return kinds[k].type;
  return KOBJNS_TYPE_NONE;
}

/* What the object open as `h` (with the query right) is doing, in the words of kobjns_object's
 * `state`; "" when Windows does not say. */
static void describe_state(size_t kind, HANDLE h, char *out, size_t size) {
  out[0] = '\0';
  if (kind == KIND_MUTANT && nt.query_mutant) {
    mutant_basic_information basic;
    mutant_owner_information owner;
    if (nt.query_mutant(h, 0, &basic, sizeof basic, NULL) < 0) return;
    if (basic.abandoned)
      snprintf(out, size, "abandoned");
    else if (basic.current_count > 0)
      snprintf(out, size, "free");
    else if (nt.query_mutant(h, 1, &owner, sizeof owner, NULL) >= 0 && owner.thread)
      snprintf(out, size, "owned by thread %lu", (unsigned long)(ULONG_PTR)owner.thread);
    else
      snprintf(out, size, "owned"); /* Windows before 10, and Wine, do not say whose */
  } else if (kind == KIND_EVENT && nt.query_event) {
    event_basic_information basic;
    if (nt.query_event(h, 0, &basic, sizeof basic, NULL) >= 0)
      snprintf(out, size, "%s, %s", basic.state ? "signaled" : "not signaled",
               basic.type == 0 ? "manual reset" : "auto reset");
  } else if (kind == KIND_SEMAPHORE && nt.query_semaphore) {
    semaphore_basic_information basic;
    if (nt.query_semaphore(h, 0, &basic, sizeof basic, NULL) >= 0)
      snprintf(out, size, "count %ld of %ld", (long)basic.current, (long)basic.maximum);
  } else if (kind == KIND_TIMER && nt.query_timer) {
    timer_basic_information basic;
    if (nt.query_timer(h, 0, &basic, sizeof basic, NULL) >= 0)
      snprintf(out, size, "%s", basic.state ? "signaled" : "not signaled");
  }
}

/* The object of kind `kind` at object-manager path `path` (session `session`'s namespace): 2, 6
 * (another type), 3, or 0 after fn's answer. */
static int describe_object(size_t kind, const wchar_t *path, uint32_t session, kobjns_object_fn fn,
                           void *arg, int *fn_rc) {
  static const ACCESS_MASK tries[] = {QUERY_RIGHT | READ_CONTROL, READ_CONTROL, QUERY_RIGHT, 0};
  open_fn opener = *kinds[kind].open;
  if (!opener) return KOBJNS_INVALID_HANDLE; /* a type this ntdll cannot open: not one we know */
  HANDLE h = NULL;
  ACCESS_MASK granted = 0;
  LONG status = STATUS_ACCESS_DENIED_;
  for (size_t i = 0; i < sizeof tries / sizeof tries[0] && status == STATUS_ACCESS_DENIED_; i++) {
    status = open_path(opener, path, tries[i], &h);
    granted = tries[i];
  }
  if (status == STATUS_OBJECT_NAME_NOT_FOUND_) return KOBJNS_FILE_NOT_FOUND;
  if (status == STATUS_OBJECT_PATH_NOT_FOUND_) return KOBJNS_PATH_NOT_FOUND;
  if (status == STATUS_OBJECT_TYPE_MISMATCH_) return KOBJNS_INVALID_HANDLE;
  if (status < 0) h = NULL; /* it exists, but Windows tells this caller nothing more */
  /* header_read: both the size (or state) and the descriptor could be asked for. */
  kobjns_object o = {.type = kobjns__type(kinds[kind].type)->name,
                     .object_type = kinds[kind].type,
                     .session = session,
                     .owner = UINT32_MAX,
                     .stale = 0,
                     .header_read = h && (granted & QUERY_RIGHT) && (granted & READ_CONTROL)};
  char *sddl = NULL, *utf8_path = utf8_of(path, wcslen(path)), state[64] = "";
  if (!utf8_path) {
    if (h) CloseHandle(h);
    return KOBJNS_NOT_ENOUGH_MEMORY;
  }
  if (h && (granted & QUERY_RIGHT)) {
    if (kind == KIND_SECTION) {
      section_basic_information info;
      if (nt.query_section(h, 0, &info, sizeof info, NULL) >= 0)
        o.size = (uint64_t)info.size.QuadPart;
    } else {
      describe_state(kind, h, state, sizeof state);
    }
  }
  if (h && (granted & READ_CONTROL)) {
    DWORD needed = 0;
    GetKernelObjectSecurity(h, DACL_SECURITY_INFORMATION, NULL, 0, &needed);
    PSECURITY_DESCRIPTOR sd = needed ? malloc(needed) : NULL;
    wchar_t *text = NULL;
    if (sd && GetKernelObjectSecurity(h, DACL_SECURITY_INFORMATION, sd, needed, &needed) &&
        ConvertSecurityDescriptorToStringSecurityDescriptorW(
            sd, SDDL_REVISION_1, DACL_SECURITY_INFORMATION, &text, NULL))
      sddl = utf8_of(text, wcslen(text));
    if (text) LocalFree(text);
    free(sd);
  }
  if (h) {
    PUBLIC_OBJECT_BASIC_INFORMATION basic;
    if (nt.query_object(h, ObjectBasicInformation, &basic, sizeof basic, NULL) >= 0 &&
        basic.HandleCount > 0)
      o.handles = basic.HandleCount - 1; /* not counting the one just opened to look */
  }
  o.path = utf8_path;
  o.native = utf8_path;
  o.sddl = sddl ? sddl : "";
  o.state = state;
  *fn_rc = fn(&o, arg);
  free(sddl);
  free(utf8_path);
  if (h) CloseHandle(h);
  return 0;
}

/* --- walking the namespaces ---------------------------------------------------------------- */

typedef int (*entry_fn)(const wchar_t *dir, const directory_entry *e, void *state);

/* Every entry of the directory `dir` (none if it does not exist). */
static int walk_directory(const wchar_t *dir, entry_fn each, void *state) {
  HANDLE h;
  LONG status = open_path(nt.open_directory, dir, DIRECTORY_QUERY_, &h);
  if (status == STATUS_OBJECT_NAME_NOT_FOUND_ || status == STATUS_OBJECT_PATH_NOT_FOUND_) return 0;
  if (status < 0)
    return status == STATUS_ACCESS_DENIED_ ? KOBJNS_ACCESS_DENIED : KOBJNS_INTERNAL_ERROR;
  ULONG size = 160 * 1024, context = 0, returned; /* a 32766-unit name fits */
  void *buffer = malloc(size);
  int rc = buffer ? 0 : KOBJNS_NOT_ENOUGH_MEMORY;
  /* One entry per call: Wine implements no other way, and Windows gives the same answers. */
  for (BOOLEAN restart = TRUE; !rc; restart = FALSE) {
    status = nt.query_directory(h, buffer, size, TRUE, restart, &context, &returned);
    if (status == STATUS_NO_MORE_ENTRIES_) break;
    if (status < 0) {
      rc = KOBJNS_INTERNAL_ERROR;
      break;
    }
    rc = each(dir, buffer, state);
  }
  free(buffer);
  CloseHandle(h);
  return rc;
}

typedef struct walk_state {
  kobjns_object_fn fn;
  void *arg;
  uint32_t session;
} walk_state;

static int each_object(const wchar_t *dir, const directory_entry *e, void *state) {
  walk_state *w = state;
  size_t dir_len = wcslen(dir), name_len = e->name.Length / sizeof(wchar_t), kind = 0;
  while (kind < KIND_COUNT && !is(&e->type, kinds[kind].nt_type)) kind++;
  /* Names are counted strings and may hold a NUL, which no path we open can: such an object
   * (no kobjns name has one) is left out rather than mistaken for a shorter name. */
  if (kind == KIND_COUNT || !*kinds[kind].open || wmemchr(e->name.Buffer, L'\0', name_len) ||
      kobjns__win32_mirror_name(e->name.Buffer, name_len))
    return 0;
  wchar_t *path = malloc((dir_len + 1 + name_len + 1) * sizeof *path);
  if (!path) return KOBJNS_NOT_ENOUGH_MEMORY;
  memcpy(path, dir, dir_len * sizeof *path);
  path[dir_len] = L'\\';
  memcpy(path + dir_len + 1, e->name.Buffer, name_len * sizeof *path);
  path[dir_len + 1 + name_len] = L'\0';
  int fn_rc = 0, rc = describe_object(kind, path, w->session, w->fn, w->arg, &fn_rc);
  free(path);
  /* Gone, or replaced by another type, since the directory was read: not there any more. */
  if (rc == KOBJNS_FILE_NOT_FOUND || rc == KOBJNS_INVALID_HANDLE) rc = 0;
  return rc ? rc : fn_rc;
}

/* \Sessions\<N> for N >= 1: the session, then its namespace's objects. */
static int each_session(const wchar_t *dir, const directory_entry *e, void *state) {
  (void)dir;
  walk_state *w = state;
  size_t len = e->name.Length / sizeof(wchar_t);
  if (!is(&e->type, L"Directory") || len == 0 || len > 10) return 0;
  char digits[11];
  for (size_t i = 0; i < len; i++) {
    wchar_t c = e->name.Buffer[i];
    digits[i] = c < 0x80 ? (char)c : 'x';
  }
  uint32_t n;
  if (!kobjns__parse_u32(digits, len, &n) || n == 0 || n == UINT32_MAX) return 0;
  char path[32];
  snprintf(path, sizeof path, "\\Sessions\\%u", (unsigned)n);
  kobjns_object session = {.path = path,
                           .type = kobjns__type(KOBJNS_TYPE_SESSION)->name,
                           .object_type = KOBJNS_TYPE_SESSION,
                           .session = (uint32_t)n,
                           .owner = UINT32_MAX,
                           .sddl = "",
                           .native = path,
                           .state = ""};
  int rc = w->fn(&session, w->arg);
  if (rc) return rc;
  wchar_t namespace_dir[64];
  swprintf(namespace_dir, sizeof namespace_dir / sizeof namespace_dir[0],
           L"\\Sessions\\%u\\BaseNamedObjects", (unsigned)n);
  walk_state inner = {w->fn, w->arg, (uint32_t)n};
  return walk_directory(namespace_dir, each_object, &inner);
}

int kobjns__os_object_list(const kobjns_ctx *ctx, kobjns_object_fn fn, void *arg) {
  (void)ctx; /* one namespace: the kernel's */
  if (!nt_ready()) return KOBJNS_NOT_SUPPORTED;
  walk_state w = {fn, arg, 0};
  int rc = walk_directory(L"\\BaseNamedObjects", each_object, &w);
  return rc ? rc : walk_directory(L"\\Sessions", each_session, &w);
}

int kobjns__os_object_query(const kobjns_ctx *ctx, const kobjns__name *n, kobjns_object_fn fn,
                            void *arg) {
  (void)ctx;
  if (!nt_ready()) return KOBJNS_NOT_SUPPORTED;
  /* Reached only through the namespace's handle, which inspection does not hold. */
  if (n->ns[0]) return KOBJNS_NOT_SUPPORTED;
  size_t len = kobjns__path_len(n);
  char *path = malloc(len);
  if (!path && len) return KOBJNS_NOT_ENOUGH_MEMORY;
  kobjns__path_write(n, path);
  wchar_t *wpath;
  int rc = kobjns__utf16("", path, len, &wpath);
  free(path);
  if (rc) return rc;
  /* A query is not typed: whichever of the types holds the name (each open of another type
   * answers STATUS_OBJECT_TYPE_MISMATCH). */
  int fn_rc = 0;
  rc = KOBJNS_INVALID_HANDLE;
  for (size_t kind = 0; kind < KIND_COUNT && rc == KOBJNS_INVALID_HANDLE; kind++)
    rc = describe_object(kind, wpath, n->session, fn, arg, &fn_rc);
  free(wpath);
  return rc ? rc : fn_rc;
}

int kobjns__os_cleanup(const kobjns_ctx *ctx, bool dry_run, kobjns_object_fn fn, void *arg,
                       size_t *removed) {
  (void)ctx, (void)dry_run, (void)fn, (void)arg;
  *removed = 0;
  return 0;
}

int kobjns__os_access_check(const kobjns_ctx *ctx, const kobjns__sd *sd, uint32_t owner,
                            unsigned desired) {
  (void)ctx, (void)sd, (void)owner, (void)desired;
  return KOBJNS_NOT_SUPPORTED;
}
