/* libkobjns-winapi: Win32 code, unchanged, against the facade (built on POSIX only). Each case
 * says the Win32 result: a handle or NULL, and GetLastError(). */
#include <windows.h>
#include <sddl.h> /* after <windows.h> */
#include <pwd.h>
#include <stdint.h>
#include <string.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kt.h"

#define WANT_ERROR(call, error)                                                                    \
  do {                                                                                             \
    SetLastError(0xdead);                                                                          \
    BOOL kt_ok_ = (call) != 0;                                                                     \
    DWORD kt_err_ = GetLastError();                                                                \
    if (kt_ok_ || kt_err_ != (DWORD)(error))                                                       \
      fprintf(stderr, "\n  %s:%d: %s -> %s, error %u, want failure %u\n", __FILE__, __LINE__,      \
              #call, kt_ok_ ? "success" : "failure", (unsigned)kt_err_, (unsigned)(error));        \
    CU_ASSERT(!kt_ok_ && kt_err_ == (DWORD)(error));                                               \
  } while (0)

/* A wait that fails: WAIT_FAILED and `error`. */
#define WANT_WAIT_FAILED(call, error)                                                              \
  do {                                                                                             \
    SetLastError(0xdead);                                                                          \
    DWORD kt_r_ = (call);                                                                          \
    DWORD kt_err_ = GetLastError();                                                                \
    if (kt_r_ != WAIT_FAILED || kt_err_ != (DWORD)(error))                                         \
      fprintf(stderr, "\n  %s:%d: %s -> 0x%x, error %u, want WAIT_FAILED, %u\n", __FILE__,         \
              __LINE__, #call, (unsigned)kt_r_, (unsigned)kt_err_, (unsigned)(error));             \
    CU_ASSERT(kt_r_ == WAIT_FAILED && kt_err_ == (DWORD)(error));                                  \
  } while (0)

/* A call that answers `result` without touching the last error (a wait that succeeds or times
 * out, a release, an open). */
#define WANT_QUIET(call, result)                                                                   \
  do {                                                                                             \
    SetLastError(0xbeef);                                                                          \
    uintptr_t kt_r_ = (uintptr_t)(call);                                                           \
    DWORD kt_err_ = GetLastError();                                                                \
    if (kt_r_ != (uintptr_t)(result) || kt_err_ != 0xbeef)                                         \
      fprintf(stderr, "\n  %s:%d: %s -> 0x%lx, last error %u, want 0x%lx and 0xbeef kept\n",       \
              __FILE__, __LINE__, #call, (unsigned long)kt_r_, (unsigned)kt_err_,                  \
              (unsigned long)(uintptr_t)(result));                                                 \
    CU_ASSERT(kt_r_ == (uintptr_t)(result) && kt_err_ == 0xbeef);                                  \
  } while (0)

/* A create that succeeds with the last error `error` (0, or 183 for an existing object). */
#define WANT_CREATED(h, call, error)                                                               \
  do {                                                                                             \
    SetLastError(0xdead);                                                                          \
    (h) = (call);                                                                                  \
    DWORD kt_err_ = GetLastError();                                                                \
    if (!(h) || kt_err_ != (DWORD)(error))                                                         \
      fprintf(stderr, "\n  %s:%d: %s -> %p, error %u, want a handle and %u\n", __FILE__, __LINE__, \
              #call, (void *)(h), (unsigned)kt_err_, (unsigned)(error));                           \
    CU_ASSERT((h) != NULL && kt_err_ == (DWORD)(error));                                           \
  } while (0)

/* `name` as UTF-16, in `wide` (256 units). */
static const WCHAR *wide_name(const char *name, WCHAR *wide) {
  size_t i = 0;
  for (; name[i] && i < 255; i++) wide[i] = (WCHAR)name[i];
  wide[i] = 0;
  return wide;
}

static void create_open_map_close(void) {
  const char *name = kt_name("facade");
  HANDLE h = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 4096, name);
  CU_ASSERT_PTR_NOT_NULL_FATAL(h);
  CU_ASSERT_EQUAL(GetLastError(), ERROR_SUCCESS);
  CU_ASSERT(h != INVALID_HANDLE_VALUE);
  HANDLE again = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 65536, name);
  CU_ASSERT_EQUAL(GetLastError(), ERROR_ALREADY_EXISTS); /* row 2 */
  CU_ASSERT(again && again != h);
  char *w = MapViewOfFile(h, FILE_MAP_ALL_ACCESS, 0, 0, 0);
  CU_ASSERT_PTR_NOT_NULL_FATAL(w);
  strcpy(w, "through the facade");
  CU_ASSERT(FlushViewOfFile(w, 0));
  /* The W function takes UTF-16 names: the same object. */
  WCHAR wide[256];
  size_t i = 0;
  for (; name[i]; i++) wide[i] = (WCHAR)name[i];
  wide[i] = 0;
  HANDLE o = OpenFileMappingW(FILE_MAP_READ, FALSE, wide);
  CU_ASSERT_PTR_NOT_NULL_FATAL(o);
  char *r = MapViewOfFile(o, FILE_MAP_READ, 0, 0, 0);
  CU_ASSERT_STRING_EQUAL(r, "through the facade");
  WANT_ERROR(MapViewOfFile(o, FILE_MAP_WRITE, 0, 0, 0), ERROR_ACCESS_DENIED); /* row 45 */
  CU_ASSERT(UnmapViewOfFile(r));
  WANT_ERROR(UnmapViewOfFile(r), ERROR_INVALID_ADDRESS);
  CU_ASSERT(UnmapViewOfFile(w));
  CU_ASSERT(CloseHandle(o));
  CU_ASSERT(CloseHandle(again));
  CU_ASSERT(CloseHandle(h));
  WANT_ERROR(CloseHandle(h), ERROR_INVALID_HANDLE); /* closed */
  WANT_ERROR(OpenFileMappingA(FILE_MAP_READ, FALSE, name), ERROR_FILE_NOT_FOUND);
}

static void handles_are_checked(void) {
  WANT_ERROR(CloseHandle(NULL), ERROR_INVALID_HANDLE);
  WANT_ERROR(CloseHandle(INVALID_HANDLE_VALUE), ERROR_INVALID_HANDLE);
  WANT_ERROR(CloseHandle((HANDLE)(uintptr_t)0x1234), ERROR_INVALID_HANDLE);
  WANT_ERROR(MapViewOfFile((HANDLE)(uintptr_t)0x4000004, FILE_MAP_READ, 0, 0, 0),
             ERROR_INVALID_HANDLE);
  /* A closed handle's value does not come back at once. */
  HANDLE a = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 4096, NULL);
  CU_ASSERT_PTR_NOT_NULL_FATAL(a);
  CU_ASSERT(CloseHandle(a));
  HANDLE b = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 4096, NULL);
  CU_ASSERT(b && b != a);
  WANT_ERROR(CloseHandle(a), ERROR_INVALID_HANDLE);
  CU_ASSERT(CloseHandle(b));
}

static void arguments_and_names(void) {
  const char *name = kt_name("args");
  WANT_ERROR(CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 0, name),
             ERROR_INVALID_PARAMETER); /* row 34 */
  WANT_ERROR(CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_NOACCESS, 0, 4096, name),
             ERROR_INVALID_PARAMETER);
  WANT_ERROR(OpenFileMappingA(FILE_MAP_READ, FALSE, NULL), ERROR_INVALID_PARAMETER); /* row 9 */
  WANT_ERROR(OpenFileMappingA(0, FALSE, name), ERROR_FILE_NOT_FOUND);
  char longest[301];
  memset(longest, 'n', 300);
  longest[300] = '\0';
  WANT_ERROR(CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 4096, longest),
             ERROR_FILENAME_EXCED_RANGE); /* row 33 */
  WANT_ERROR(CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 4096, "Global\\"),
             ERROR_INVALID_NAME); /* row 23 */
  WCHAR lone_surrogate[] = {'x', 0xD800, 0};
  WANT_ERROR(OpenFileMappingW(FILE_MAP_READ, FALSE, lone_surrogate), ERROR_NO_UNICODE_TRANSLATION);
  DWORD session = 99;
  CU_ASSERT(ProcessIdToSessionId(GetCurrentProcessId(), &session));
  CU_ASSERT_EQUAL(session, kt_runner_session());
}

static void security_descriptors(void) {
  /* The classic "NULL DACL: open to everyone". */
  SECURITY_DESCRIPTOR sd;
  CU_ASSERT(InitializeSecurityDescriptor(&sd, SECURITY_DESCRIPTOR_REVISION));
  CU_ASSERT(SetSecurityDescriptorDacl(&sd, TRUE, NULL, FALSE));
  SECURITY_ATTRIBUTES sa = {sizeof sa, &sd, FALSE};
  const char *open = kt_name("null-dacl");
  HANDLE h = CreateFileMappingA(INVALID_HANDLE_VALUE, &sa, PAGE_READWRITE, 0, 4096, open);
  CU_ASSERT_PTR_NOT_NULL(h);
  HANDLE o = OpenFileMappingA(FILE_MAP_ALL_ACCESS, FALSE, open);
  CU_ASSERT_PTR_NOT_NULL(o);
  CloseHandle(o), CloseHandle(h);
  /* SDDL: everyone may read (rows 39, 40). */
  PSECURITY_DESCRIPTOR psd = NULL;
  ULONG size = 0;
  CU_ASSERT(ConvertStringSecurityDescriptorToSecurityDescriptorA("D:(A;;GR;;;WD)", SDDL_REVISION_1,
                                                                 &psd, &size));
  CU_ASSERT(size > 0);
  sa.lpSecurityDescriptor = psd;
  const char *ro = kt_name("sddl");
  h = CreateFileMappingA(INVALID_HANDLE_VALUE, &sa, PAGE_READWRITE, 0, 4096, ro);
  CU_ASSERT_PTR_NOT_NULL(h);
  o = OpenFileMappingA(FILE_MAP_READ, FALSE, ro);
  CU_ASSERT_PTR_NOT_NULL(o);
  WANT_ERROR(OpenFileMappingA(FILE_MAP_WRITE, FALSE, ro), ERROR_ACCESS_DENIED);
  CloseHandle(o), CloseHandle(h);
  CU_ASSERT_PTR_NULL(LocalFree(psd));
  WANT_ERROR(SetSecurityDescriptorDacl(NULL, TRUE, NULL, FALSE), ERROR_INVALID_SECURITY_DESCR);
  WANT_ERROR(InitializeSecurityDescriptor(&sd, 7), ERROR_UNKNOWN_REVISION);
  WANT_ERROR(ConvertStringSecurityDescriptorToSecurityDescriptorW(u"D:(A;;GA;;;XX)",
                                                                  SDDL_REVISION_1, &psd, NULL),
             ERROR_INVALID_SID);
}

/* --- mutexes, events, semaphores and waits (issue 8) ------------------------------------------ */

static void mutex_create_and_open(void) {
  const char *name = kt_name("mutex");
  HANDLE m, again, o;
  WANT_CREATED(m, CreateMutexA(NULL, FALSE, name), ERROR_SUCCESS);
  /* An existing mutex: a handle to it, 183, and bInitialOwner ignored (nothing owned). */
  WANT_CREATED(again, CreateMutexA(NULL, TRUE, name), ERROR_ALREADY_EXISTS);
  CU_ASSERT(again != m);
  WANT_ERROR(ReleaseMutex(again), ERROR_NOT_OWNER);
  WCHAR wide[256];
  HANDLE w;
  WANT_CREATED(w, CreateMutexW(NULL, FALSE, wide_name(name, wide)), ERROR_ALREADY_EXISTS);
  SetLastError(0xbeef);
  o = OpenMutexA(MUTEX_ALL_ACCESS, FALSE, name);
  CU_ASSERT(o != NULL && GetLastError() == 0xbeef); /* an open that succeeds says nothing */
  /* One object: ownership taken through one handle shows through the other. */
  WANT_QUIET(WaitForSingleObject(o, 0), WAIT_OBJECT_0);
  WANT_QUIET(ReleaseMutex(m), TRUE);
  HANDLE ow = OpenMutexW(SYNCHRONIZE, FALSE, wide);
  CU_ASSERT_PTR_NOT_NULL(ow);
  if (ow) CloseHandle(ow);
  char upper[256];
  snprintf(upper, sizeof upper, "%s", name);
  upper[0] = 'M';
  WANT_ERROR(OpenMutexA(MUTEX_ALL_ACCESS, FALSE, upper), ERROR_FILE_NOT_FOUND);
  WANT_ERROR(OpenMutexA(MUTEX_ALL_ACCESS, FALSE, NULL), ERROR_INVALID_PARAMETER);
  WANT_ERROR(OpenMutexW(MUTEX_ALL_ACCESS, FALSE, NULL), ERROR_INVALID_PARAMETER);
  WANT_ERROR(OpenMutexA(0, FALSE, name), ERROR_ACCESS_DENIED);
  WANT_ERROR(OpenMutexA(0, FALSE, kt_name("missing")), ERROR_FILE_NOT_FOUND);
  /* Rights no mutex has: refused once the name is found. */
  WANT_ERROR(OpenMutexA(0x2, FALSE, name), ERROR_ACCESS_DENIED);
  WANT_ERROR(OpenMutexA(SYNCHRONIZE | 0x00200000, FALSE, name), ERROR_ACCESS_DENIED);
  WANT_ERROR(OpenMutexA(0x2, FALSE, kt_name("missing")), ERROR_FILE_NOT_FOUND);
  WANT_ERROR(OpenMutexA(ACCESS_SYSTEM_SECURITY, FALSE, name), ERROR_PRIVILEGE_NOT_HELD);
  HANDLE max = OpenMutexA(MAXIMUM_ALLOWED, FALSE, name);
  CU_ASSERT_PTR_NOT_NULL(max);
  WANT_QUIET(WaitForSingleObject(max, 0), WAIT_OBJECT_0);
  WANT_QUIET(ReleaseMutex(max), TRUE);
  if (max) CloseHandle(max);
  /* Names: as for sections. */
  char longest[301];
  memset(longest, 'n', 300);
  longest[300] = '\0';
  WANT_ERROR(CreateMutexA(NULL, FALSE, longest), ERROR_FILENAME_EXCED_RANGE);
  WANT_ERROR(OpenMutexA(SYNCHRONIZE, FALSE, longest), ERROR_FILENAME_EXCED_RANGE);
  WANT_ERROR(CreateMutexA(NULL, FALSE, "Global\\"), ERROR_INVALID_NAME);
  WANT_ERROR(CreateMutexA(NULL, FALSE, "a\\b"), ERROR_PATH_NOT_FOUND);
  WCHAR lone_surrogate[] = {'x', 0xD800, 0};
  WANT_ERROR(CreateMutexW(NULL, FALSE, lone_surrogate), ERROR_NO_UNICODE_TRANSLATION);
  WANT_ERROR(OpenMutexW(SYNCHRONIZE, FALSE, lone_surrogate), ERROR_NO_UNICODE_TRANSLATION);
  /* Local\ leads to the caller's own namespace: the same mutex. */
  char local_name[300];
  snprintf(local_name, sizeof local_name, "Local\\%s", name);
  HANDLE local;
  WANT_CREATED(local, CreateMutexA(NULL, FALSE, local_name), ERROR_ALREADY_EXISTS);
  if (local) CloseHandle(local);
  CU_ASSERT(CloseHandle(o));
  CU_ASSERT(CloseHandle(w));
  CU_ASSERT(CloseHandle(again));
  CU_ASSERT(CloseHandle(m));
  WANT_ERROR(CloseHandle(m), ERROR_INVALID_HANDLE);
  /* The name goes with the last handle. */
  WANT_ERROR(OpenMutexA(SYNCHRONIZE, FALSE, name), ERROR_FILE_NOT_FOUND);
  /* Unnamed: NULL and "" make a new mutex each time, never 183; "" cannot be opened. */
  HANDLE u1, u2;
  WANT_CREATED(u1, CreateMutexA(NULL, FALSE, ""), ERROR_SUCCESS);
  WANT_CREATED(u2, CreateMutexA(NULL, FALSE, NULL), ERROR_SUCCESS);
  CU_ASSERT(u1 != u2);
  WANT_ERROR(OpenMutexA(SYNCHRONIZE, FALSE, ""), ERROR_INVALID_HANDLE);
  if (u1) CloseHandle(u1);
  if (u2) CloseHandle(u2);
}

typedef struct mutex_probe {
  HANDLE m;
  DWORD wait, wait_error;
  BOOL released;
  DWORD release_error;
} mutex_probe;

/* Another thread tries the mutex, then releases it (or tries: it may not own it). */
static void *probe_mutex(void *arg) {
  mutex_probe *p = arg;
  SetLastError(0xbeef);
  p->wait = WaitForSingleObject(p->m, 0);
  p->wait_error = GetLastError();
  p->released = ReleaseMutex(p->m);
  p->release_error = GetLastError();
  return NULL;
}

static void mutex_ownership(void) {
  const char *name = kt_name("owned");
  HANDLE m;
  WANT_CREATED(m, CreateMutexA(NULL, TRUE, name), ERROR_SUCCESS);
  /* Recursive: the owner acquires again without blocking; one release per acquisition. */
  for (int i = 0; i < 5; i++) WANT_QUIET(WaitForSingleObject(m, 0), WAIT_OBJECT_0);
  mutex_probe p = {.m = m};
  kt_thread *t = kt_thread_start(probe_mutex, &p);
  CU_ASSERT_PTR_NOT_NULL_FATAL(t);
  kt_thread_join(t);
  CU_ASSERT_EQUAL(p.wait, WAIT_TIMEOUT); /* owned by this thread */
  CU_ASSERT_EQUAL(p.wait_error, 0xbeef);
  CU_ASSERT(!p.released && p.release_error == ERROR_NOT_OWNER); /* not the owner */
  /* ReleaseMutex needs no right: a handle opened for READ_CONTROL alone releases. */
  HANDLE r = OpenMutexA(READ_CONTROL, FALSE, name);
  CU_ASSERT_PTR_NOT_NULL_FATAL(r);
  WANT_QUIET(ReleaseMutex(r), TRUE);
  WANT_WAIT_FAILED(WaitForSingleObject(r, 0), ERROR_ACCESS_DENIED); /* no SYNCHRONIZE */
  for (int i = 0; i < 5; i++) WANT_QUIET(ReleaseMutex(m), TRUE);
  WANT_ERROR(ReleaseMutex(m), ERROR_NOT_OWNER); /* one too many */
  /* Free now: another thread takes it and releases it. */
  t = kt_thread_start(probe_mutex, &p);
  CU_ASSERT_PTR_NOT_NULL_FATAL(t);
  kt_thread_join(t);
  CU_ASSERT_EQUAL(p.wait, WAIT_OBJECT_0);
  CU_ASSERT(p.released);
  /* GENERIC_READ | GENERIC_WRITE on a mutex maps to no SYNCHRONIZE; GENERIC_EXECUTE does. */
  HANDLE rw = OpenMutexA(GENERIC_READ | GENERIC_WRITE, FALSE, name);
  CU_ASSERT_PTR_NOT_NULL(rw);
  WANT_WAIT_FAILED(WaitForSingleObject(rw, 0), ERROR_ACCESS_DENIED);
  HANDLE x = OpenMutexA(GENERIC_EXECUTE, FALSE, name);
  CU_ASSERT_PTR_NOT_NULL(x);
  WANT_QUIET(WaitForSingleObject(x, 0), WAIT_OBJECT_0);
  WANT_QUIET(ReleaseMutex(x), TRUE);
  if (rw) CloseHandle(rw);
  if (x) CloseHandle(x);
  CloseHandle(r);
  CU_ASSERT(CloseHandle(m));
}

/* A thread that takes the mutex and ends without releasing it. */
static void *take_and_exit(void *arg) {
  HANDLE m = arg;
  DWORD r = WaitForSingleObject(m, INFINITE);
  return (void *)(uintptr_t)(r == WAIT_OBJECT_0);
}

static void mutex_abandoned(void) {
  HANDLE m, e;
  WANT_CREATED(m, CreateMutexA(NULL, FALSE, kt_name("abandoned")), ERROR_SUCCESS);
  WANT_CREATED(e, CreateEventA(NULL, TRUE, FALSE, NULL), ERROR_SUCCESS);
  kt_thread *t = kt_thread_start(take_and_exit, m);
  CU_ASSERT_PTR_NOT_NULL_FATAL(t);
  kt_thread_join(t);
  /* The next wait acquires it and says it was abandoned; the last error is left alone. */
  WANT_QUIET(WaitForSingleObject(m, 1000), WAIT_ABANDONED_0);
  WANT_QUIET(WaitForSingleObject(m, 0), WAIT_OBJECT_0); /* owned now (recursively) */
  WANT_QUIET(ReleaseMutex(m), TRUE);
  WANT_QUIET(ReleaseMutex(m), TRUE);
  WANT_ERROR(ReleaseMutex(m), ERROR_NOT_OWNER);
  /* Reported once: the next acquisition is a plain one. */
  WANT_QUIET(WaitForSingleObject(m, 0), WAIT_OBJECT_0);
  WANT_QUIET(ReleaseMutex(m), TRUE);
  /* In a wait for any: WAIT_ABANDONED_0 + the mutex's index. */
  t = kt_thread_start(take_and_exit, m);
  CU_ASSERT_PTR_NOT_NULL_FATAL(t);
  kt_thread_join(t);
  HANDLE both[2] = {e, m};
  WANT_QUIET(WaitForMultipleObjects(2, both, FALSE, 1000), WAIT_ABANDONED_0 + 1);
  WANT_QUIET(ReleaseMutex(m), TRUE);
  CloseHandle(e);
  CU_ASSERT(CloseHandle(m));
}

static void events(void) {
  const char *name = kt_name("event");
  HANDLE manual, again;
  WANT_CREATED(manual, CreateEventA(NULL, TRUE, FALSE, name), ERROR_SUCCESS);
  /* An existing event: 183, bManualReset and bInitialState ignored. */
  WANT_CREATED(again, CreateEventA(NULL, FALSE, TRUE, name), ERROR_ALREADY_EXISTS);
  WANT_QUIET(WaitForSingleObject(again, 0), WAIT_TIMEOUT);
  WANT_QUIET(SetEvent(manual), TRUE);
  WANT_QUIET(SetEvent(manual), TRUE); /* already signaled: no change */
  /* Manual reset: stays signaled through waits, until reset. */
  WANT_QUIET(WaitForSingleObject(again, 0), WAIT_OBJECT_0);
  WANT_QUIET(WaitForSingleObject(manual, 0), WAIT_OBJECT_0);
  WANT_QUIET(ResetEvent(again), TRUE);
  WANT_QUIET(ResetEvent(again), TRUE); /* already reset */
  WANT_QUIET(WaitForSingleObject(manual, 0), WAIT_TIMEOUT);
  /* Auto reset: a wait that succeeds resets it. */
  HANDLE automatic;
  WCHAR wide[256];
  const char *auto_name = kt_name("auto");
  WANT_CREATED(automatic, CreateEventW(NULL, FALSE, TRUE, wide_name(auto_name, wide)),
               ERROR_SUCCESS);
  WANT_QUIET(WaitForSingleObject(automatic, 0), WAIT_OBJECT_0);
  WANT_QUIET(WaitForSingleObject(automatic, 0), WAIT_TIMEOUT);
  /* Opens: the rights say what the handle may do. */
  HANDLE sync_only = OpenEventA(SYNCHRONIZE, FALSE, name);
  CU_ASSERT_PTR_NOT_NULL_FATAL(sync_only);
  WANT_ERROR(SetEvent(sync_only), ERROR_ACCESS_DENIED);
  WANT_ERROR(ResetEvent(sync_only), ERROR_ACCESS_DENIED);
  HANDLE modify = OpenEventW(EVENT_MODIFY_STATE, FALSE, wide_name(name, wide));
  CU_ASSERT_PTR_NOT_NULL_FATAL(modify);
  WANT_QUIET(SetEvent(modify), TRUE);
  WANT_WAIT_FAILED(WaitForSingleObject(modify, 0), ERROR_ACCESS_DENIED);
  WANT_QUIET(WaitForSingleObject(sync_only, 0), WAIT_OBJECT_0);
  /* Generic rights with the event's mapping: GENERIC_WRITE sets, GENERIC_EXECUTE waits. */
  HANDLE gw = OpenEventA(GENERIC_WRITE, FALSE, name), gx = OpenEventA(GENERIC_EXECUTE, FALSE, name);
  CU_ASSERT(gw && gx);
  WANT_QUIET(ResetEvent(gw), TRUE);
  WANT_WAIT_FAILED(WaitForSingleObject(gw, 0), ERROR_ACCESS_DENIED);
  WANT_QUIET(WaitForSingleObject(gx, 0), WAIT_TIMEOUT);
  WANT_ERROR(SetEvent(gx), ERROR_ACCESS_DENIED);
  WANT_ERROR(OpenEventA(EVENT_ALL_ACCESS, FALSE, kt_name("missing")), ERROR_FILE_NOT_FOUND);
  WANT_ERROR(OpenEventA(EVENT_ALL_ACCESS, FALSE, NULL), ERROR_INVALID_PARAMETER);
  WANT_ERROR(OpenEventA(0, FALSE, name), ERROR_ACCESS_DENIED);
  if (gw) CloseHandle(gw);
  if (gx) CloseHandle(gx);
  CloseHandle(modify), CloseHandle(sync_only), CloseHandle(automatic);
  CU_ASSERT(CloseHandle(again));
  CU_ASSERT(CloseHandle(manual));
  WANT_ERROR(OpenEventA(SYNCHRONIZE, FALSE, name), ERROR_FILE_NOT_FOUND);
}

typedef struct waiter {
  HANDLE h;
  DWORD timeout, result; /* result: atomic, read while the thread runs */
  pid_t tid;             /* atomic: the thread's id, once it runs */
} waiter;

static void *wait_thread(void *arg) {
  waiter *w = arg;
  __atomic_store_n(&w->tid, gettid(), __ATOMIC_RELEASE);
  __atomic_store_n(&w->result, WaitForSingleObject(w->h, w->timeout), __ATOMIC_RELEASE);
  return NULL;
}

/* Whether the waiting thread sleeps in the kernel (its wait). */
static bool asleep(waiter *w) {
  for (int i = 0; i < 1000 && !__atomic_load_n(&w->tid, __ATOMIC_ACQUIRE); i++) kt_pause_ms(10);
  pid_t tid = __atomic_load_n(&w->tid, __ATOMIC_ACQUIRE);
  return tid && kt_thread_asleep((long)getpid(), (long)tid);
}

/* A wait lasts while other threads create and close handles (the table is not held by a wait),
 * and a handle closed during a wait ends at once while the wait goes on with its object. */
static void waits_with_other_threads(void) {
  const char *name = kt_name("wake");
  HANDLE e, other;
  WANT_CREATED(e, CreateEventA(NULL, FALSE, FALSE, name), ERROR_SUCCESS);
  other = OpenEventA(EVENT_MODIFY_STATE, FALSE, name);
  CU_ASSERT_PTR_NOT_NULL_FATAL(other);
  waiter w = {.h = e, .timeout = INFINITE, .result = 0xdead};
  kt_thread *t = kt_thread_start(wait_thread, &w);
  CU_ASSERT_PTR_NOT_NULL_FATAL(t);
  CU_ASSERT_FATAL(asleep(&w));
  for (int i = 0; i < 100; i++) { /* creates and closes: never blocked by the wait */
    HANDLE s = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 4096, NULL);
    CU_ASSERT(s && CloseHandle(s));
  }
  CU_ASSERT(CloseHandle(e)); /* the waiter's handle */
  WANT_ERROR(SetEvent(e), ERROR_INVALID_HANDLE);
  CU_ASSERT_EQUAL(__atomic_load_n(&w.result, __ATOMIC_ACQUIRE), 0xdead); /* still waiting */
  CU_ASSERT(SetEvent(other));
  kt_thread_join(t);
  CU_ASSERT_EQUAL(w.result, WAIT_OBJECT_0);
  /* A timed wait lasts its timeout, and the event stays unsignaled. */
  HANDLE quiet;
  WANT_CREATED(quiet, CreateEventA(NULL, TRUE, FALSE, NULL), ERROR_SUCCESS);
  double start = kt_now_ms();
  WANT_QUIET(WaitForSingleObject(quiet, 100), WAIT_TIMEOUT);
  CU_ASSERT(kt_now_ms() - start >= 95);
  CloseHandle(quiet);
  CU_ASSERT(CloseHandle(other));
}

/* PulseEvent releases the waiter of the moment and leaves the event reset; with nobody waiting
 * it changes nothing; it needs EVENT_MODIFY_STATE. */
static void pulse_event(void) {
  HANDLE manual;
  WANT_CREATED(manual, CreateEventA(NULL, TRUE, FALSE, NULL), ERROR_SUCCESS);
  WANT_QUIET(PulseEvent(manual), TRUE);
  WANT_QUIET(WaitForSingleObject(manual, 0), WAIT_TIMEOUT); /* nobody waited: still reset */
  waiter w = {.h = manual, .timeout = 10000, .result = 0xdead};
  kt_thread *t = kt_thread_start(wait_thread, &w);
  CU_ASSERT_PTR_NOT_NULL_FATAL(t);
  CU_ASSERT_FATAL(asleep(&w));
  WANT_QUIET(PulseEvent(manual), TRUE);
  kt_thread_join(t);
  CU_ASSERT_EQUAL(w.result, WAIT_OBJECT_0);
  WANT_QUIET(WaitForSingleObject(manual, 0), WAIT_TIMEOUT); /* and left reset */
  const char *name = kt_name("pulse");
  HANDLE named, sync_only;
  WANT_CREATED(named, CreateEventA(NULL, FALSE, FALSE, name), ERROR_SUCCESS);
  sync_only = OpenEventA(SYNCHRONIZE, FALSE, name);
  CU_ASSERT_PTR_NOT_NULL_FATAL(sync_only);
  WANT_ERROR(PulseEvent(sync_only), ERROR_ACCESS_DENIED);
  WANT_ERROR(PulseEvent(NULL), ERROR_INVALID_HANDLE);
  CloseHandle(sync_only), CloseHandle(named), CloseHandle(manual);
}

static void semaphores(void) {
  const char *name = kt_name("semaphore");
  /* Counts: 0 <= initial <= maximum, maximum > 0; checked before the name (87, not 183). */
  WANT_ERROR(CreateSemaphoreA(NULL, 2, 1, name), ERROR_INVALID_PARAMETER);
  WANT_ERROR(CreateSemaphoreA(NULL, 0, 0, name), ERROR_INVALID_PARAMETER);
  WANT_ERROR(CreateSemaphoreA(NULL, -1, 1, name), ERROR_INVALID_PARAMETER);
  HANDLE s, again;
  WANT_CREATED(s, CreateSemaphoreA(NULL, 1, 2, name), ERROR_SUCCESS);
  WANT_ERROR(CreateSemaphoreA(NULL, 3, 2, name), ERROR_INVALID_PARAMETER);
  /* An existing semaphore: 183, the counts ignored (the maximum stays 2). */
  WCHAR wide[256];
  WANT_CREATED(again, CreateSemaphoreW(NULL, 0, 100, wide_name(name, wide)), ERROR_ALREADY_EXISTS);
  LONG previous = 0xdead;
  WANT_QUIET(ReleaseSemaphore(again, 1, &previous), TRUE);
  CU_ASSERT_EQUAL(previous, 1);
  /* Past the maximum: 298, the count unchanged, *previous not written. */
  previous = 0xdead;
  WANT_ERROR(ReleaseSemaphore(s, 1, &previous), ERROR_TOO_MANY_POSTS);
  CU_ASSERT_EQUAL(previous, 0xdead);
  WANT_ERROR(ReleaseSemaphore(s, 0x7FFFFFFF, &previous), ERROR_TOO_MANY_POSTS);
  CU_ASSERT_EQUAL(previous, 0xdead);
  /* The count is checked before the handle. */
  WANT_ERROR(ReleaseSemaphore(s, 0, &previous), ERROR_INVALID_PARAMETER);
  WANT_ERROR(ReleaseSemaphore(s, -1, NULL), ERROR_INVALID_PARAMETER);
  WANT_ERROR(ReleaseSemaphore(NULL, 0, NULL), ERROR_INVALID_PARAMETER);
  WANT_ERROR(ReleaseSemaphore(NULL, 1, NULL), ERROR_INVALID_HANDLE);
  CU_ASSERT_EQUAL(previous, 0xdead);
  /* Each wait takes one: two, then none. */
  WANT_QUIET(WaitForSingleObject(s, 0), WAIT_OBJECT_0);
  WANT_QUIET(WaitForSingleObject(again, 0), WAIT_OBJECT_0);
  WANT_QUIET(WaitForSingleObject(s, 0), WAIT_TIMEOUT);
  WANT_QUIET(ReleaseSemaphore(s, 2, NULL), TRUE);
  WANT_ERROR(ReleaseSemaphore(s, 1, &previous), ERROR_TOO_MANY_POSTS); /* at 2 of 2 */
  /* Rights: a handle for SYNCHRONIZE alone waits but cannot release. */
  HANDLE waits = OpenSemaphoreA(SYNCHRONIZE, FALSE, name);
  CU_ASSERT_PTR_NOT_NULL_FATAL(waits);
  WANT_ERROR(ReleaseSemaphore(waits, 1, NULL), ERROR_ACCESS_DENIED);
  WANT_QUIET(WaitForSingleObject(waits, 0), WAIT_OBJECT_0);
  HANDLE posts = OpenSemaphoreW(SEMAPHORE_MODIFY_STATE, FALSE, wide);
  CU_ASSERT_PTR_NOT_NULL_FATAL(posts);
  previous = 0xdead;
  WANT_QUIET(ReleaseSemaphore(posts, 1, &previous), TRUE);
  CU_ASSERT_EQUAL(previous, 1);
  WANT_WAIT_FAILED(WaitForSingleObject(posts, 0), ERROR_ACCESS_DENIED);
  WANT_ERROR(OpenSemaphoreA(SEMAPHORE_ALL_ACCESS, FALSE, NULL), ERROR_INVALID_PARAMETER);
  WANT_ERROR(OpenSemaphoreA(SEMAPHORE_ALL_ACCESS, FALSE, kt_name("missing")), ERROR_FILE_NOT_FOUND);
  WANT_ERROR(OpenSemaphoreA(0, FALSE, name), ERROR_ACCESS_DENIED);
  CloseHandle(waits), CloseHandle(posts), CloseHandle(again);
  CU_ASSERT(CloseHandle(s));
  WANT_ERROR(OpenSemaphoreA(SYNCHRONIZE, FALSE, name), ERROR_FILE_NOT_FOUND);
}

static void wait_for_several(void) {
  HANDLE e[4];
  for (int i = 0; i < 4; i++) WANT_CREATED(e[i], CreateEventA(NULL, FALSE, FALSE, NULL), 0);
  /* Any: the lowest index among those signaled; the others are left as they are. */
  CU_ASSERT(SetEvent(e[1]) && SetEvent(e[2]));
  WANT_QUIET(WaitForMultipleObjects(4, e, FALSE, 0), WAIT_OBJECT_0 + 1);
  WANT_QUIET(WaitForMultipleObjects(4, e, FALSE, 0), WAIT_OBJECT_0 + 2);
  WANT_QUIET(WaitForMultipleObjects(4, e, FALSE, 0), WAIT_TIMEOUT);
  WANT_QUIET(WaitForMultipleObjects(4, e, FALSE, 30), WAIT_TIMEOUT);
  /* All: nothing is taken until everything can be. */
  CU_ASSERT(SetEvent(e[0]));
  WANT_QUIET(WaitForMultipleObjects(2, e, TRUE, 0), WAIT_TIMEOUT);
  WANT_QUIET(WaitForSingleObject(e[0], 0), WAIT_OBJECT_0); /* e[0] was not consumed */
  CU_ASSERT(SetEvent(e[0]) && SetEvent(e[1]));
  WANT_QUIET(WaitForMultipleObjects(2, e, TRUE, 0), WAIT_OBJECT_0);
  WANT_QUIET(WaitForMultipleObjects(2, e, FALSE, 0), WAIT_TIMEOUT); /* both consumed */
  /* A mutex its owner waits for again is signaled for it; a semaphore counts. */
  HANDLE m, s;
  WANT_CREATED(m, CreateMutexA(NULL, TRUE, NULL), 0);
  WANT_CREATED(s, CreateSemaphoreA(NULL, 1, 1, NULL), 0);
  HANDLE mixed[3] = {e[3], m, s};
  WANT_QUIET(WaitForMultipleObjects(3, mixed, FALSE, 0), WAIT_OBJECT_0 + 1);
  HANDLE ms[2] = {m, s};
  WANT_QUIET(WaitForMultipleObjects(2, ms, TRUE, 0), WAIT_OBJECT_0);
  WANT_QUIET(WaitForMultipleObjects(2, ms, TRUE, 0), WAIT_TIMEOUT); /* the semaphore is at 0 */
  for (int i = 0; i < 3; i++) WANT_QUIET(ReleaseMutex(m), TRUE);
  /* Arguments: count 1 ... 64, and an array. */
  WANT_WAIT_FAILED(WaitForMultipleObjects(0, e, FALSE, 0), ERROR_INVALID_PARAMETER);
  WANT_WAIT_FAILED(WaitForMultipleObjects(0, NULL, FALSE, 0), ERROR_INVALID_PARAMETER);
  WANT_WAIT_FAILED(WaitForMultipleObjects(MAXIMUM_WAIT_OBJECTS + 1, e, FALSE, 0),
                   ERROR_INVALID_PARAMETER);
  WANT_WAIT_FAILED(WaitForMultipleObjects(2, NULL, FALSE, 0), ERROR_NOACCESS);
  HANDLE many[MAXIMUM_WAIT_OBJECTS];
  for (int i = 0; i < MAXIMUM_WAIT_OBJECTS; i++) many[i] = e[i % 4];
  CU_ASSERT(SetEvent(e[3]));
  WANT_QUIET(WaitForMultipleObjects(MAXIMUM_WAIT_OBJECTS, many, FALSE, 0), WAIT_OBJECT_0 + 3);
  /* The same handle twice: fine in a wait for any (the lowest index), 87 in a wait for all, as
   * are two handles of one object. */
  CU_ASSERT(SetEvent(e[2]));
  HANDLE twice[2] = {e[2], e[2]};
  WANT_WAIT_FAILED(WaitForMultipleObjects(2, twice, TRUE, 0), ERROR_INVALID_PARAMETER);
  WANT_QUIET(WaitForMultipleObjects(2, twice, FALSE, 0), WAIT_OBJECT_0);
  const char *name = kt_name("twice");
  HANDLE a, b;
  WANT_CREATED(a, CreateEventA(NULL, TRUE, TRUE, name), 0);
  WANT_CREATED(b, CreateEventA(NULL, TRUE, TRUE, name), ERROR_ALREADY_EXISTS);
  HANDLE one_object[2] = {a, b};
  WANT_WAIT_FAILED(WaitForMultipleObjects(2, one_object, TRUE, 0), ERROR_INVALID_PARAMETER);
  WANT_QUIET(WaitForMultipleObjects(2, one_object, FALSE, 0), WAIT_OBJECT_0);
  /* Handles in order: the first that fails says why. */
  HANDLE section = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 4096, NULL);
  HANDLE closed = CreateEventA(NULL, FALSE, FALSE, NULL);
  CU_ASSERT(section && closed && CloseHandle(closed));
  HANDLE modify = OpenEventA(EVENT_MODIFY_STATE, FALSE, name);
  CU_ASSERT_PTR_NOT_NULL_FATAL(modify);
  HANDLE bad1[3] = {a, closed, section}, bad2[3] = {a, section, closed};
  HANDLE bad3[2] = {modify, closed}, bad4[3] = {e[0], e[0], closed};
  WANT_WAIT_FAILED(WaitForMultipleObjects(3, bad1, FALSE, 0), ERROR_INVALID_HANDLE);
  WANT_WAIT_FAILED(WaitForMultipleObjects(3, bad2, FALSE, 0), ERROR_ACCESS_DENIED);
  WANT_WAIT_FAILED(WaitForMultipleObjects(2, bad3, FALSE, 0), ERROR_ACCESS_DENIED);
  WANT_WAIT_FAILED(WaitForMultipleObjects(3, bad4, TRUE, 0), ERROR_INVALID_PARAMETER);
  /* The process's and thread's pseudo handles: a wait for one of them alone waits (they are
   * signaled when they end), several refuse them. */
  HANDLE self_process = (HANDLE)(intptr_t)-1, self_thread = (HANDLE)(intptr_t)-2;
  WANT_QUIET(WaitForSingleObject(self_process, 0), WAIT_TIMEOUT);
  double start = kt_now_ms();
  WANT_QUIET(WaitForSingleObject(self_thread, 50), WAIT_TIMEOUT);
  CU_ASSERT(kt_now_ms() - start >= 45);
  HANDLE with_self[2] = {a, self_process};
  WANT_WAIT_FAILED(WaitForMultipleObjects(2, with_self, FALSE, 0), ERROR_INVALID_HANDLE);
  /* The two low bits of a handle are the application's: h | 3 is h. */
  WANT_QUIET(WaitForSingleObject((HANDLE)((uintptr_t)a | 3), 0), WAIT_OBJECT_0);
  WANT_QUIET(ResetEvent((HANDLE)((uintptr_t)modify | 1)), TRUE);
  WANT_QUIET(WaitForSingleObject((HANDLE)((uintptr_t)b | 2), 0), WAIT_TIMEOUT);
  CU_ASSERT(CloseHandle((HANDLE)((uintptr_t)modify | 2)));
  WANT_WAIT_FAILED(WaitForSingleObject(modify, 0), ERROR_INVALID_HANDLE);
  CloseHandle(section), CloseHandle(a), CloseHandle(b), CloseHandle(m), CloseHandle(s);
  for (int i = 0; i < 4; i++) CloseHandle(e[i]);
}

/* Handles of another type: 6 (the type is checked before the rights), but a wait on a section's
 * handle is 5: it lacks SYNCHRONIZE, which Windows checks first. One namespace for every type. */
static void wrong_types(void) {
  const char *name = kt_name("types");
  HANDLE section = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 4096, name);
  CU_ASSERT_PTR_NOT_NULL_FATAL(section);
  HANDLE m, e, s;
  WANT_CREATED(m, CreateMutexA(NULL, FALSE, NULL), 0);
  WANT_CREATED(e, CreateEventA(NULL, TRUE, FALSE, NULL), 0);
  WANT_CREATED(s, CreateSemaphoreA(NULL, 0, 1, NULL), 0);
  WANT_ERROR(MapViewOfFile(e, FILE_MAP_READ, 0, 0, 0), ERROR_INVALID_HANDLE);
  WANT_ERROR(MapViewOfFile(m, FILE_MAP_ALL_ACCESS, 0, 0, 0), ERROR_INVALID_HANDLE);
  WANT_ERROR(MapViewOfFileEx(s, FILE_MAP_READ, 0, 0, 0, NULL), ERROR_INVALID_HANDLE);
  WANT_ERROR(SetEvent(section), ERROR_INVALID_HANDLE);
  WANT_ERROR(SetEvent(m), ERROR_INVALID_HANDLE);
  WANT_ERROR(ResetEvent(s), ERROR_INVALID_HANDLE);
  WANT_ERROR(ReleaseMutex(e), ERROR_INVALID_HANDLE);
  WANT_ERROR(ReleaseMutex(section), ERROR_INVALID_HANDLE);
  WANT_ERROR(ReleaseSemaphore(m, 1, NULL), ERROR_INVALID_HANDLE);
  WANT_ERROR(ReleaseSemaphore(section, 1, NULL), ERROR_INVALID_HANDLE);
  WANT_WAIT_FAILED(WaitForSingleObject(section, 0), ERROR_ACCESS_DENIED);
  HANDLE ro = OpenFileMappingA(FILE_MAP_READ, FALSE, name);
  CU_ASSERT_PTR_NOT_NULL(ro);
  WANT_WAIT_FAILED(WaitForSingleObject(ro, INFINITE), ERROR_ACCESS_DENIED);
  if (ro) CloseHandle(ro);
  WANT_WAIT_FAILED(WaitForSingleObject(NULL, 0), ERROR_INVALID_HANDLE);
  WANT_WAIT_FAILED(WaitForSingleObject((HANDLE)(uintptr_t)0xdeadbee0, 0), ERROR_INVALID_HANDLE);
  /* Names: a name held by another type is 6, for create and open, whatever the types. */
  const char *mutex_name = kt_name("types-mutex");
  HANDLE named;
  WANT_CREATED(named, CreateMutexA(NULL, FALSE, mutex_name), 0);
  WANT_ERROR(CreateMutexA(NULL, FALSE, name), ERROR_INVALID_HANDLE); /* row 37 */
  WANT_ERROR(OpenMutexA(SYNCHRONIZE, FALSE, name), ERROR_INVALID_HANDLE);
  WANT_ERROR(CreateEventA(NULL, TRUE, FALSE, mutex_name), ERROR_INVALID_HANDLE);
  WANT_ERROR(OpenEventA(SYNCHRONIZE, FALSE, mutex_name), ERROR_INVALID_HANDLE);
  WANT_ERROR(CreateSemaphoreA(NULL, 0, 1, mutex_name), ERROR_INVALID_HANDLE);
  WANT_ERROR(OpenSemaphoreA(SYNCHRONIZE, FALSE, mutex_name), ERROR_INVALID_HANDLE);
  WANT_ERROR(CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 4096, mutex_name),
             ERROR_INVALID_HANDLE);                                                     /* row 35 */
  WANT_ERROR(OpenFileMappingA(FILE_MAP_READ, FALSE, mutex_name), ERROR_INVALID_HANDLE); /* 36 */
  CU_ASSERT(CloseHandle(named));
  CU_ASSERT(CloseHandle(section));
  CU_ASSERT(CloseHandle(m) && CloseHandle(e) && CloseHandle(s));
  WANT_ERROR(CloseHandle(e), ERROR_INVALID_HANDLE);
  WANT_WAIT_FAILED(WaitForSingleObject(e, 0), ERROR_INVALID_HANDLE);
}

/* Descriptors: generic rights stand for the object's type's rights (GX on an event: SYNCHRONIZE,
 * not the section's SECTION_MAP_EXECUTE). */
static void sync_security(void) {
  PSECURITY_DESCRIPTOR psd = NULL;
  CU_ASSERT_FATAL(ConvertStringSecurityDescriptorToSecurityDescriptorA(
      "D:(A;;GX;;;WD)", SDDL_REVISION_1, &psd, NULL));
  SECURITY_ATTRIBUTES sa = {sizeof sa, psd, TRUE}; /* bInheritHandle: no effect */
  const char *name = kt_name("gx-event");
  HANDLE e;
  WANT_CREATED(e, CreateEventA(&sa, TRUE, FALSE, name), 0);
  WANT_QUIET(SetEvent(e), TRUE); /* the creator's handle has all access */
  HANDLE waits = OpenEventA(SYNCHRONIZE, FALSE, name);
  CU_ASSERT_PTR_NOT_NULL(waits);
  WANT_QUIET(WaitForSingleObject(waits, 0), WAIT_OBJECT_0);
  WANT_ERROR(OpenEventA(EVENT_MODIFY_STATE, FALSE, name), ERROR_ACCESS_DENIED);
  WANT_ERROR(CreateEventA(NULL, TRUE, FALSE, name), ERROR_ACCESS_DENIED); /* asks for all */
  if (waits) CloseHandle(waits);
  const char *mutex_name = kt_name("gx-mutex");
  HANDLE m;
  WANT_CREATED(m, CreateMutexA(&sa, FALSE, mutex_name), 0);
  HANDLE mw = OpenMutexA(SYNCHRONIZE, FALSE, mutex_name);
  CU_ASSERT_PTR_NOT_NULL(mw);
  WANT_ERROR(OpenMutexA(MUTEX_ALL_ACCESS, FALSE, mutex_name), ERROR_ACCESS_DENIED);
  if (mw) CloseHandle(mw);
  CU_ASSERT_PTR_NULL(LocalFree(psd));
  /* The classic NULL DACL: everyone may do everything. */
  SECURITY_DESCRIPTOR sd;
  CU_ASSERT(InitializeSecurityDescriptor(&sd, SECURITY_DESCRIPTOR_REVISION));
  CU_ASSERT(SetSecurityDescriptorDacl(&sd, TRUE, NULL, FALSE));
  sa.lpSecurityDescriptor = &sd;
  const char *open_name = kt_name("open-semaphore");
  HANDLE s;
  WANT_CREATED(s, CreateSemaphoreA(&sa, 0, 5, open_name), 0);
  HANDLE all = OpenSemaphoreA(SEMAPHORE_ALL_ACCESS, FALSE, open_name);
  CU_ASSERT_PTR_NOT_NULL(all);
  if (all) CloseHandle(all);
  /* A descriptor the facade cannot read. */
  SECURITY_DESCRIPTOR bad = {.Revision = 7};
  sa.lpSecurityDescriptor = &bad;
  WANT_ERROR(CreateMutexA(&sa, FALSE, kt_name("bad-sd")), ERROR_INVALID_SECURITY_DESCR);
  CloseHandle(s), CloseHandle(m), CloseHandle(e);
}

/* --- threads and time --------------------------------------------------------------------- */

typedef struct routine_call {
  HANDLE go;  /* an event the routine waits for (NULL: none) */
  DWORD id;   /* GetCurrentThreadId, as the routine saw it */
  DWORD code; /* what it returns */
} routine_call;

static DWORD WINAPI routine(LPVOID p) {
  routine_call *c = p;
  c->id = GetCurrentThreadId();
  if (c->go) WaitForSingleObject(c->go, INFINITE);
  return c->code;
}

static DWORD WINAPI exits_early(LPVOID p) {
  (void)p;
  ExitThread(77);
}

/* CreateThread's handle waits with the facade's objects, gives the exit code (STILL_ACTIVE while
 * it runs) and the id (the one CreateThread and the thread itself give); a suspended thread runs
 * once resumed; ExitThread's code; the pseudo-handle of GetCurrentThread. */
static void threads(void) {
  routine_call c = {.code = 5};
  WANT_CREATED(c.go, CreateEventA(NULL, TRUE, FALSE, NULL), ERROR_SUCCESS);
  DWORD id = 0, code = 0;
  HANDLE t = CreateThread(NULL, 0, routine, &c, 0, &id);
  CU_ASSERT_PTR_NOT_NULL_FATAL(t);
  WANT_QUIET(WaitForSingleObject(t, 50), WAIT_TIMEOUT);
  CU_ASSERT(GetExitCodeThread(t, &code));
  CU_ASSERT_EQUAL(code, STILL_ACTIVE);
  CU_ASSERT_EQUAL(GetThreadId(t), id);
  HANDLE both[2] = {c.go, t};
  CU_ASSERT(SetEvent(c.go));
  WANT_QUIET(WaitForSingleObject(t, 10000), WAIT_OBJECT_0);
  WANT_QUIET(WaitForMultipleObjects(2, both, TRUE, 0), WAIT_OBJECT_0); /* it stays signaled */
  CU_ASSERT(GetExitCodeThread(t, &code));
  CU_ASSERT_EQUAL(code, 5);
  CU_ASSERT_EQUAL(c.id, id);
  CU_ASSERT(c.id != GetCurrentThreadId());
  CU_ASSERT(CloseHandle(t));
  WANT_ERROR(GetExitCodeThread(t, &code), ERROR_INVALID_HANDLE);

  routine_call d = {.code = 9};
  HANDLE s = CreateThread(NULL, 65536, routine, &d, CREATE_SUSPENDED, NULL);
  CU_ASSERT_PTR_NOT_NULL_FATAL(s);
  WANT_QUIET(WaitForSingleObject(s, 50), WAIT_TIMEOUT);
  CU_ASSERT_EQUAL(d.id, 0); /* not started */
  WANT_QUIET(ResumeThread(s), 1);
  WANT_QUIET(WaitForSingleObject(s, 10000), WAIT_OBJECT_0);
  WANT_QUIET(ResumeThread(s), 0);
  CU_ASSERT(GetExitCodeThread(s, &code));
  CU_ASSERT_EQUAL(code, 9);
  CU_ASSERT(CloseHandle(s));

  HANDLE x = CreateThread(NULL, 0, exits_early, NULL, 0, NULL);
  CU_ASSERT_PTR_NOT_NULL_FATAL(x);
  WANT_QUIET(WaitForSingleObject(x, 10000), WAIT_OBJECT_0);
  CU_ASSERT(GetExitCodeThread(x, &code));
  CU_ASSERT_EQUAL(code, 77);
  CU_ASSERT(CloseHandle(x));

  HANDLE self = GetCurrentThread();
  CU_ASSERT(GetExitCodeThread(self, &code));
  CU_ASSERT_EQUAL(code, STILL_ACTIVE);
  CU_ASSERT_EQUAL(GetThreadId(self), GetCurrentThreadId());
  WANT_QUIET(ResumeThread(self), 0);
  CU_ASSERT(CloseHandle(self)); /* a pseudo-handle: nothing to close */

  /* Bad handles and arguments. */
  WANT_ERROR(GetExitCodeThread(c.go, &code), ERROR_INVALID_HANDLE); /* an event */
  WANT_ERROR(ResumeThread(NULL) != (DWORD)-1, ERROR_INVALID_HANDLE);
  WANT_ERROR(GetThreadId(NULL), ERROR_INVALID_HANDLE);
  WANT_ERROR(CreateThread(NULL, 0, NULL, NULL, 0, NULL), ERROR_INVALID_PARAMETER);
  CU_ASSERT(CloseHandle(c.go));
}

/* Sleep lasts at least its time; the tick counts and the performance counter move forward at the
 * documented rates. */
static void time_and_sleep(void) {
  LARGE_INTEGER frequency, before, after;
  CU_ASSERT(QueryPerformanceFrequency(&frequency));
  CU_ASSERT_EQUAL(frequency.QuadPart, 10000000);
  ULONGLONG ticks = GetTickCount64();
  DWORD ticks32 = GetTickCount();
  CU_ASSERT(QueryPerformanceCounter(&before));
  Sleep(50);
  CU_ASSERT(QueryPerformanceCounter(&after));
  double ms = (double)(after.QuadPart - before.QuadPart) * 1000.0 / (double)frequency.QuadPart;
  CU_ASSERT(ms >= 49.0);
  CU_ASSERT(GetTickCount64() - ticks >= 40); /* ticks are coarse on Windows: 10-16 ms */
  CU_ASSERT((DWORD)(GetTickCount() - ticks32) >= 40);
  ULONGLONG t64 = GetTickCount64();
  DWORD t32 = GetTickCount(); /* the same count, cut to 32 bits (read a moment later) */
  CU_ASSERT((DWORD)(t32 - (DWORD)t64) <= 100);
  WANT_QUIET(SleepEx(1, TRUE), 0);
  /* The alertable waits are the waits while no APC is queued. */
  HANDLE e = CreateEventA(NULL, TRUE, FALSE, NULL);
  CU_ASSERT_PTR_NOT_NULL_FATAL(e);
  WANT_QUIET(WaitForSingleObjectEx(e, 10, TRUE), WAIT_TIMEOUT);
  CU_ASSERT(SetEvent(e));
  WANT_QUIET(WaitForSingleObjectEx(e, 0, FALSE), WAIT_OBJECT_0);
  WANT_QUIET(WaitForMultipleObjectsEx(1, &e, TRUE, 0, TRUE), WAIT_OBJECT_0);
  WANT_ERROR(WaitForMultipleObjectsEx(0, &e, FALSE, 0, TRUE) != WAIT_FAILED,
             ERROR_INVALID_PARAMETER);
  CU_ASSERT(CloseHandle(e));
  WANT_ERROR(QueryPerformanceCounter(NULL), ERROR_NOACCESS);
  WANT_ERROR(QueryPerformanceFrequency(NULL), ERROR_NOACCESS);
}

static LONG apcs_run;
static DWORD apc_thread;

static void CALLBACK count_apc(ULONG_PTR data) {
  apc_thread = GetCurrentThreadId();
  InterlockedExchangeAdd(&apcs_run, (LONG)data);
}

static DWORD WINAPI alertable_waiter(LPVOID p) {
  HANDLE never = p;
  DWORD first = WaitForSingleObjectEx(never, 20000, TRUE);
  DWORD second = SleepEx(20000, TRUE);
  return first == WAIT_IO_COMPLETION && second == WAIT_IO_COMPLETION ? 1 : 0;
}

/* QueueUserAPC: to oneself (GetCurrentThread()) and to a thread CreateThread started; the
 * alertable waits and SleepEx run them and answer WAIT_IO_COMPLETION; the waits that are not
 * alertable leave them queued; a thread that has ended takes none (ERROR_GEN_FAILURE). */
static void apcs_and_alertable_waits(void) {
  apcs_run = 0;
  CU_ASSERT(QueueUserAPC(count_apc, GetCurrentThread(), 1));
  CU_ASSERT(QueueUserAPC(count_apc, GetCurrentThread(), 10));
  Sleep(1);
  WANT_QUIET(SleepEx(0, FALSE), 0);
  CU_ASSERT_EQUAL(apcs_run, 0);
  WANT_QUIET(SleepEx(1000, TRUE), WAIT_IO_COMPLETION);
  CU_ASSERT_EQUAL(apcs_run, 11);
  CU_ASSERT_EQUAL(apc_thread, GetCurrentThreadId());
  HANDLE never = CreateEventA(NULL, TRUE, FALSE, NULL);
  CU_ASSERT_PTR_NOT_NULL_FATAL(never);
  CU_ASSERT(QueueUserAPC(count_apc, GetCurrentThread(), 100));
  WANT_QUIET(WaitForSingleObject(never, 10), WAIT_TIMEOUT);
  CU_ASSERT_EQUAL(apcs_run, 11);
  WANT_QUIET(WaitForMultipleObjectsEx(1, &never, FALSE, 1000, TRUE), WAIT_IO_COMPLETION);
  CU_ASSERT_EQUAL(apcs_run, 111);
  /* On oneself's pseudo-handle, alertable, as SleepEx. */
  CU_ASSERT(QueueUserAPC(count_apc, GetCurrentThread(), 1000));
  WANT_QUIET(WaitForSingleObjectEx(GetCurrentThread(), 1000, TRUE), WAIT_IO_COMPLETION);
  CU_ASSERT_EQUAL(apcs_run, 1111);

  DWORD id = 0, code = 0;
  HANDLE t = CreateThread(NULL, 0, alertable_waiter, never, 0, &id);
  CU_ASSERT_PTR_NOT_NULL_FATAL(t);
  for (int i = 0; i < 2; i++) {
    Sleep(50);
    CU_ASSERT(QueueUserAPC(count_apc, t, 1));
  }
  WANT_QUIET(WaitForSingleObject(t, 10000), WAIT_OBJECT_0);
  CU_ASSERT(GetExitCodeThread(t, &code));
  CU_ASSERT_EQUAL(code, 1);
  CU_ASSERT_EQUAL(apcs_run, 1113);
  CU_ASSERT_EQUAL(apc_thread, id);
  WANT_ERROR(QueueUserAPC(count_apc, t, 1), ERROR_GEN_FAILURE);
  CU_ASSERT(CloseHandle(t));
  WANT_ERROR(QueueUserAPC(count_apc, never, 1), ERROR_INVALID_HANDLE); /* an event */
  WANT_ERROR(QueueUserAPC(count_apc, NULL, 1), ERROR_INVALID_HANDLE);
  CU_ASSERT(CloseHandle(never));
}

/* SignalObjectAndWait: Windows' answers (as Wine's test_signalandwait has them). */
static void signal_object_and_wait(void) {
  HANDLE e0 = CreateEventW(NULL, FALSE, FALSE, NULL), e1 = CreateEventW(NULL, TRUE, TRUE, NULL);
  CU_ASSERT_FATAL(e0 && e1);
  WANT_ERROR(SignalObjectAndWait(NULL, NULL, 0, FALSE) != WAIT_FAILED, ERROR_INVALID_HANDLE);
  WANT_ERROR(SignalObjectAndWait(e0, NULL, 0, FALSE) != WAIT_FAILED, ERROR_INVALID_HANDLE);
  WANT_ERROR(SignalObjectAndWait(NULL, e0, 0, FALSE) != WAIT_FAILED, ERROR_INVALID_HANDLE);
  WANT_QUIET(SignalObjectAndWait(e0, e1, 0, FALSE), WAIT_OBJECT_0);
  for (int i = 0; i < 100; i++) WANT_QUIET(SignalObjectAndWait(e0, e0, 0, FALSE), WAIT_OBJECT_0);
  WANT_QUIET(WaitForSingleObject(e0, 0), WAIT_TIMEOUT);
  CU_ASSERT(ResetEvent(e1));
  WANT_QUIET(SignalObjectAndWait(e0, e1, 0, FALSE), WAIT_TIMEOUT);
  HANDLE s0 = CreateSemaphoreW(NULL, 0, 1, NULL), s1 = CreateSemaphoreW(NULL, 1, 1, NULL);
  CU_ASSERT_FATAL(s0 && s1);
  WANT_QUIET(SignalObjectAndWait(s0, s1, 0, FALSE), WAIT_OBJECT_0);
  WANT_ERROR(SignalObjectAndWait(s0, s1, 0, FALSE) != WAIT_FAILED, ERROR_TOO_MANY_POSTS);
  WANT_ERROR(ReleaseSemaphore(s0, 1, NULL), ERROR_TOO_MANY_POSTS);
  CU_ASSERT(ReleaseSemaphore(s1, 1, NULL));
  HANDLE m = CreateMutexW(NULL, FALSE, NULL);
  CU_ASSERT_PTR_NOT_NULL_FATAL(m);
  WANT_ERROR(SignalObjectAndWait(m, e0, 0, FALSE) != WAIT_FAILED, ERROR_NOT_OWNER);
  apcs_run = 0;
  CU_ASSERT(QueueUserAPC(count_apc, GetCurrentThread(), 5));
  WANT_QUIET(SignalObjectAndWait(e0, e1, 1000, TRUE), WAIT_IO_COMPLETION);
  CU_ASSERT_EQUAL(apcs_run, 5);
  WANT_QUIET(WaitForSingleObject(e0, 0), WAIT_OBJECT_0); /* the signal was made */
  WANT_ERROR(SignalObjectAndWait(GetCurrentThread(), e0, 0, FALSE) != WAIT_FAILED,
             ERROR_INVALID_HANDLE);
  HANDLE all[] = {e0, e1, s0, s1, m};
  for (size_t i = 0; i < sizeof all / sizeof *all; i++) CU_ASSERT(CloseHandle(all[i]));
}

/* The test binary's `--kid` child as a command line (test_processes.c's modes). */
static void kid_command(char *line, size_t size, const char *rest) {
  snprintf(line, size, "\"%s\" --kid %s", kt_self(), rest);
}

/* What `r` gives until its writers are gone. */
static void read_pipe(HANDLE r, char *out, size_t size) {
  size_t at = 0;
  DWORD got = 0;
  while (at + 1 < size && ReadFile(r, out + at, (DWORD)(size - 1 - at), &got, NULL)) at += got;
  out[at] = '\0';
}

static void processes(void) {
  char line[8192];
  STARTUPINFOA si;
  ZeroMemory(&si, sizeof si);
  si.cb = sizeof si;
  PROCESS_INFORMATION pi;
  DWORD code = 0;
  /* Its output through a pipe (STARTF_USESTDHANDLES), the Microsoft sample's way. */
  SECURITY_ATTRIBUTES inherit = {sizeof inherit, NULL, TRUE};
  HANDLE r = NULL, w = NULL;
  CU_ASSERT_FATAL(CreatePipe(&r, &w, &inherit, 0));
  CU_ASSERT(SetHandleInformation(r, HANDLE_FLAG_INHERIT, 0)); /* ours alone */
  si.dwFlags = STARTF_USESTDHANDLES;
  si.hStdOutput = w;
  si.hStdError = GetStdHandle(STD_ERROR_HANDLE);
  si.hStdInput = GetStdHandle(STD_INPUT_HANDLE);
  kid_command(line, sizeof line, "echo piped");
  CU_ASSERT_FATAL(CreateProcessA(NULL, line, NULL, NULL, TRUE, 0, NULL, NULL, &si, &pi));
  CU_ASSERT(CloseHandle(w));
  char out[64];
  read_pipe(r, out, sizeof out);
  CU_ASSERT_STRING_EQUAL(out, "piped");
  WANT_ERROR(ReadFile(r, out, 1, &code, NULL), ERROR_BROKEN_PIPE);
  WANT_QUIET(WaitForSingleObject(pi.hProcess, 10000), WAIT_OBJECT_0);
  CU_ASSERT(GetExitCodeProcess(pi.hProcess, &code) && code == 0);
  CU_ASSERT_EQUAL(GetProcessId(pi.hProcess), pi.dwProcessId);
  CU_ASSERT(CloseHandle(pi.hThread) && CloseHandle(pi.hProcess) && CloseHandle(r));

  /* CreateProcessW, a UTF-16 command line and environment block. */
  ZeroMemory(&si, sizeof si);
  si.cb = sizeof si;
  kid_command(line, sizeof line, "exit 12");
  WCHAR wline[8192];
  size_t n = strlen(line);
  for (size_t i = 0; i <= n; i++) wline[i] = (unsigned char)line[i];
  static const WCHAR env[] = {'K', 'I', 'D', '=', '1', 0, 0};
  STARTUPINFOW siw;
  ZeroMemory(&siw, sizeof siw);
  siw.cb = sizeof siw;
  CU_ASSERT_FATAL(CreateProcessW(NULL, wline, NULL, NULL, FALSE, CREATE_UNICODE_ENVIRONMENT,
                                 (void *)env, NULL, &siw, &pi));
  WANT_QUIET(WaitForSingleObject(pi.hThread, 10000), WAIT_OBJECT_0);
  CU_ASSERT(GetExitCodeProcess(pi.hProcess, &code) && code == 12);
  WANT_ERROR(TerminateProcess(pi.hProcess, 1), ERROR_ACCESS_DENIED); /* ended */
  CU_ASSERT(CloseHandle(pi.hThread) && CloseHandle(pi.hProcess));

  /* Suspended, then terminated through an OpenProcess handle. */
  kid_command(line, sizeof line, "sleep");
  CU_ASSERT_FATAL(
      CreateProcessA(NULL, line, NULL, NULL, FALSE, CREATE_SUSPENDED, NULL, NULL, &si, &pi));
  HANDLE opened = OpenProcess(PROCESS_TERMINATE | SYNCHRONIZE, FALSE, pi.dwProcessId);
  CU_ASSERT_FATAL(opened != NULL);
  WANT_QUIET(WaitForSingleObject(opened, 50), WAIT_TIMEOUT);
  CU_ASSERT_EQUAL(ResumeThread(pi.hThread), 1);
  CU_ASSERT(TerminateProcess(opened, 77));
  WANT_QUIET(WaitForSingleObject(pi.hProcess, 10000), WAIT_OBJECT_0);
  CU_ASSERT(GetExitCodeProcess(pi.hProcess, &code) && code == 77);
  WANT_ERROR(GetExitCodeProcess(opened, &code), ERROR_ACCESS_DENIED); /* no query right */
  CU_ASSERT(CloseHandle(opened) && CloseHandle(pi.hThread) && CloseHandle(pi.hProcess));

  /* What the facade refuses, and Windows' answers for bad arguments. */
  WANT_ERROR(CreateProcessA(NULL, line, NULL, NULL, FALSE, DEBUG_PROCESS, NULL, NULL, &si, &pi),
             ERROR_NOT_SUPPORTED);
  WANT_ERROR(CreateProcessA(NULL, NULL, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi),
             ERROR_INVALID_PARAMETER);
  WANT_ERROR(OpenProcess(SYNCHRONIZE, FALSE, 0), ERROR_INVALID_PARAMETER);
  CU_ASSERT(GetExitCodeProcess(GetCurrentProcess(), &code) && code == STILL_ACTIVE);
  CU_ASSERT_EQUAL(GetProcessId(GetCurrentProcess()), GetCurrentProcessId());
  CU_ASSERT_EQUAL(GetStdHandle(STD_OUTPUT_HANDLE), GetStdHandle(STD_OUTPUT_HANDLE));
  WANT_ERROR(GetStdHandle(42) != INVALID_HANDLE_VALUE, ERROR_INVALID_HANDLE);
  WANT_ERROR(ReadFile(GetStdHandle(STD_OUTPUT_HANDLE), out, 1, &code, NULL), ERROR_ACCESS_DENIED);

  /* DuplicateHandle through a handle of our own process; another process's is refused. */
  HANDLE self = OpenProcess(PROCESS_DUP_HANDLE | PROCESS_QUERY_LIMITED_INFORMATION, FALSE,
                            GetCurrentProcessId());
  HANDLE e = CreateEventA(NULL, TRUE, FALSE, NULL), d = NULL;
  CU_ASSERT(DuplicateHandle(self, e, GetCurrentProcess(), &d, 0, FALSE, DUPLICATE_SAME_ACCESS));
  CU_ASSERT(d != NULL && d != e && CloseHandle(d));
  kid_command(line, sizeof line, "sleep");
  CU_ASSERT_FATAL(CreateProcessA(NULL, line, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi));
  WANT_ERROR(
      DuplicateHandle(GetCurrentProcess(), e, pi.hProcess, &d, 0, FALSE, DUPLICATE_SAME_ACCESS),
      ERROR_NOT_SUPPORTED);
  WANT_ERROR(DuplicateHandle(e, e, GetCurrentProcess(), &d, 0, FALSE, DUPLICATE_SAME_ACCESS),
             ERROR_INVALID_HANDLE); /* an event is no process */
  HANDLE sync_only = OpenProcess(SYNCHRONIZE, FALSE, GetCurrentProcessId());
  WANT_ERROR(
      DuplicateHandle(sync_only, e, GetCurrentProcess(), &d, 0, FALSE, DUPLICATE_SAME_ACCESS),
      ERROR_ACCESS_DENIED);
  CU_ASSERT(TerminateProcess(pi.hProcess, 0));
  WANT_QUIET(WaitForSingleObject(pi.hProcess, 10000), WAIT_OBJECT_0);
  HANDLE all[] = {self, sync_only, e, pi.hThread, pi.hProcess};
  for (size_t i = 0; i < sizeof all / sizeof *all; i++) CU_ASSERT(CloseHandle(all[i]));
}

/* CreateFile and sections of files, with Windows paths: a drive is a directory of KOBJNS_DRIVES. */
static void files(void) {
  char root[256], dir[300], posix[400], path[300];
  const char *tmp = getenv("TMPDIR");
  snprintf(root, sizeof root, "%s/kobjns-drives-%d", tmp && *tmp ? tmp : "/tmp", (int)getpid());
  snprintf(dir, sizeof dir, "%s/c", root);
  CU_ASSERT_FATAL(mkdir(root, 0700) == 0 && mkdir(dir, 0700) == 0);
  char *old = getenv("KOBJNS_DRIVES") ? strdup(getenv("KOBJNS_DRIVES")) : NULL;
  setenv("KOBJNS_DRIVES", root, 1);
  snprintf(path, sizeof path, "C:\\data-%d.bin", (int)getpid());
  snprintf(posix, sizeof posix, "%s/data-%d.bin", dir, (int)getpid());
  HANDLE f = CreateFileA(path, GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ, NULL, CREATE_NEW,
                         FILE_ATTRIBUTE_NORMAL, NULL);
  CU_ASSERT_FATAL(f != INVALID_HANDLE_VALUE);
  CU_ASSERT(access(posix, F_OK) == 0); /* the drive's directory holds it */
  WANT_ERROR(CreateFileA(path, GENERIC_READ, FILE_SHARE_READ, NULL, CREATE_NEW, 0, NULL) !=
                 INVALID_HANDLE_VALUE,
             ERROR_FILE_EXISTS);
  WANT_ERROR(CreateFileA(path, GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL,
                         OPEN_EXISTING, 0, NULL) != INVALID_HANDLE_VALUE,
             ERROR_SHARING_VIOLATION);
  WANT_ERROR(CreateFileA("\\\\server\\share\\x", GENERIC_READ, 0, NULL, OPEN_EXISTING, 0, NULL) !=
                 INVALID_HANDLE_VALUE,
             ERROR_BAD_NETPATH);
  WANT_ERROR(CreateFileA(path, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING,
                         FILE_FLAG_OVERLAPPED, NULL) != INVALID_HANDLE_VALUE,
             ERROR_NOT_SUPPORTED);
  /* An empty file maps only with a size. */
  WANT_ERROR(CreateFileMappingA(f, NULL, PAGE_READWRITE, 0, 0, NULL), ERROR_FILE_INVALID);
  DWORD done = 0;
  CU_ASSERT(WriteFile(f, "0123456789", 10, &done, NULL) && done == 10);
  DWORD high = 7;
  CU_ASSERT(GetFileSize(f, &high) == 10 && high == 0);
  LARGE_INTEGER size = {0}, to = {.QuadPart = 4}, at = {0};
  CU_ASSERT(GetFileSizeEx(f, &size) && size.QuadPart == 10);
  CU_ASSERT(SetFilePointerEx(f, to, &at, FILE_BEGIN) && at.QuadPart == 4);
  CU_ASSERT(SetFilePointer(f, 2, NULL, FILE_CURRENT) == 6);
  WANT_ERROR(SetFilePointer(f, -7, NULL, FILE_CURRENT) != INVALID_SET_FILE_POINTER,
             ERROR_NEGATIVE_SEEK);
  /* A named read/write section of 8192 bytes makes the file that long; its view is the file. */
  char name[128];
  snprintf(name, sizeof name, "Local\\%s", kt_name("file-mapping"));
  HANDLE m = CreateFileMappingA(f, NULL, PAGE_READWRITE, 0, 8192, name);
  CU_ASSERT_FATAL(m != NULL);
  CU_ASSERT(GetFileSizeEx(f, &size) && size.QuadPart == 8192);
  HANDLE again = OpenFileMappingA(FILE_MAP_READ, FALSE, name);
  CU_ASSERT_FATAL(again != NULL);
  char *view = MapViewOfFile(m, FILE_MAP_WRITE, 0, 0, 0);
  char *seen = MapViewOfFile(again, FILE_MAP_READ, 0, 0, 0);
  CU_ASSERT_FATAL(view != NULL && seen != NULL);
  CU_ASSERT(!memcmp(view, "0123456789", 10));
  memcpy(view + 100, "mapped", 6);
  CU_ASSERT(!memcmp(seen + 100, "mapped", 6));
  CU_ASSERT(FlushViewOfFile(view, 0));
  to.QuadPart = 100;
  char buf[6];
  CU_ASSERT(SetFilePointerEx(f, to, NULL, FILE_BEGIN) && ReadFile(f, buf, 6, &done, NULL) &&
            done == 6 && !memcmp(buf, "mapped", 6));
  to.QuadPart = 50;
  CU_ASSERT(SetFilePointerEx(f, to, NULL, FILE_BEGIN));
  WANT_ERROR(SetEndOfFile(f), ERROR_USER_MAPPED_FILE);
  CU_ASSERT(UnmapViewOfFile(view) && UnmapViewOfFile(seen));
  CU_ASSERT(CloseHandle(again) && CloseHandle(m));
  CU_ASSERT(FlushFileBuffers(f));
  WANT_ERROR(DeleteFileA(path), ERROR_SHARING_VIOLATION); /* f shares no deleting */
  CU_ASSERT(CloseHandle(f));
  /* Devices by their DOS names; ".." never climbs above a drive's root; a descriptor for a new
   * file is refused rather than ignored. */
  HANDLE nul = CreateFileA("nul", GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
  CU_ASSERT_FATAL(nul != INVALID_HANDLE_VALUE);
  CU_ASSERT(WriteFile(nul, "gone", 4, &done, NULL) && done == 4);
  CU_ASSERT(CloseHandle(nul));
  snprintf(path, sizeof path, "C:\\..\\..\\.\\data-%d.bin", (int)getpid());
  HANDLE same = CreateFileA(path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_DELETE, NULL,
                            OPEN_EXISTING, 0, NULL);
  CU_ASSERT(same != INVALID_HANDLE_VALUE && CloseHandle(same));
  SECURITY_ATTRIBUTES owner_only = {sizeof owner_only, &owner_only, FALSE};
  WANT_ERROR(CreateFileA("C:\\new-file", GENERIC_WRITE, 0, &owner_only, CREATE_NEW, 0, NULL) !=
                 INVALID_HANDLE_VALUE,
             ERROR_NOT_SUPPORTED);
  WANT_ERROR(CreateFileA("\\\\?\\UNC\\server\\share", GENERIC_READ, 0, NULL, OPEN_EXISTING, 0,
                         NULL) != INVALID_HANDLE_VALUE,
             ERROR_BAD_NETPATH);
  /* '/' separates too; deleting removes the file. */
  snprintf(path, sizeof path, "c:/data-%d.bin", (int)getpid());
  CU_ASSERT(DeleteFileA(path));
  WANT_ERROR(DeleteFileA(path), ERROR_FILE_NOT_FOUND);
  CU_ASSERT(access(posix, F_OK) != 0);
  if (old) {
    setenv("KOBJNS_DRIVES", old, 1);
    free(old);
  } else {
    unsetenv("KOBJNS_DRIVES");
  }
  CU_ASSERT(rmdir(dir) == 0 && rmdir(root) == 0);
}

/* GetTempPath and GetTempFileName: $TMPDIR with its '/', and a new file under a new number. */
static void temporary_files(void) {
  char dir[MAX_PATH], name[MAX_PATH], again[MAX_PATH + 16];
  DWORD len = GetTempPathA(sizeof dir, dir);
  CU_ASSERT(len > 1 && len == strlen(dir) && dir[0] == '/' && dir[len - 1] == '/');
  CU_ASSERT_EQUAL(GetTempPathA(1, dir), len + 1); /* too small: the size needed */
  WCHAR wide[MAX_PATH];
  CU_ASSERT_EQUAL(GetTempPathW(MAX_PATH, wide), len);
  CU_ASSERT(wide[0] == '/' && wide[len - 1] == '/' && wide[len] == 0);
  GetTempPathA(sizeof dir, dir);
  UINT n = GetTempFileNameA(dir, "kobjns", 0, name);
  CU_ASSERT_FATAL(n != 0);
  CU_ASSERT(strstr(name, "/kob") != NULL && strstr(name, ".tmp") != NULL);
  CU_ASSERT(access(name, F_OK) == 0); /* made, empty */
  UINT m = GetTempFileNameA(dir, "kobjns", 0, again);
  CU_ASSERT(m != 0 && m != n && strcmp(name, again));
  CU_ASSERT(GetTempFileNameA(dir, "x", 0x1234, again) == 0x1234 && strstr(again, "x1234.tmp"));
  CU_ASSERT(access(again, F_OK) != 0); /* a number given: no file made */
  WANT_ERROR(GetTempFileNameA(NULL, "x", 0, again), ERROR_INVALID_PARAMETER);
  CU_ASSERT(DeleteFileA(name));
  snprintf(again, sizeof again, "%skob%X.tmp", dir, m);
  CU_ASSERT(DeleteFileA(again));
}

/* What VirtualQuery says of `p`: its state, protection and type. */
static bool region_is(const void *p, DWORD state, DWORD protect, DWORD type) {
  MEMORY_BASIC_INFORMATION m;
  if (VirtualQuery(p, &m, sizeof m) != sizeof m) return false;
  if (m.State != state || m.Protect != protect || m.Type != type)
    fprintf(stderr, "\n  %p: state 0x%x protect 0x%x type 0x%x, want 0x%x 0x%x 0x%x\n", p,
            (unsigned)m.State, (unsigned)m.Protect, (unsigned)m.Type, (unsigned)state,
            (unsigned)protect, (unsigned)type);
  return m.State == state && m.Protect == protect && m.Type == type;
}

/* What the conformance rows (vm*) cannot show on Windows: the facade's refusals, memory it did
 * not allocate, and a view unmapped behind VirtualProtect's back. */
static void virtual_memory(void) {
  SYSTEM_INFO si;
  GetSystemInfo(&si);
  CU_ASSERT(si.dwPageSize == (DWORD)sysconf(_SC_PAGESIZE) && si.dwAllocationGranularity == 65536);
  CU_ASSERT(si.dwNumberOfProcessors >= 1 && si.dwActiveProcessorMask != 0);
  CU_ASSERT((uintptr_t)si.lpMaximumApplicationAddress > (uintptr_t)si.lpMinimumApplicationAddress);
  DWORD old;
  char *p = VirtualAlloc(NULL, 3 * 4096, MEM_COMMIT, PAGE_READWRITE);
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  WANT_ERROR(VirtualAlloc(p, 4096, MEM_COMMIT, PAGE_READWRITE | PAGE_GUARD), ERROR_NOT_SUPPORTED);
  WANT_ERROR(VirtualProtect(p, 4096, PAGE_READONLY | PAGE_GUARD, &old), ERROR_NOT_SUPPORTED);
  WANT_ERROR(VirtualAlloc(p, 4096, MEM_RESET_UNDO, PAGE_READWRITE), ERROR_NOT_SUPPORTED);
  WANT_ERROR(VirtualAlloc(NULL, 4096, MEM_RESERVE | MEM_WRITE_WATCH, PAGE_READWRITE),
             ERROR_NOT_SUPPORTED);
  WANT_ERROR(VirtualAlloc(NULL, (SIZE_T)-1, MEM_RESERVE, PAGE_READWRITE), ERROR_INVALID_PARAMETER);
  WANT_ERROR(VirtualAlloc(p, 4096, MEM_RESERVE, PAGE_READWRITE), ERROR_INVALID_ADDRESS);
  /* An address past the user address space is Windows' 87 whatever the size: the size's check
   * must not wrap (it did, and reserved past lpMaximumApplicationAddress, or answered 8). */
  uintptr_t past = (uintptr_t)si.lpMaximumApplicationAddress + 1;
  if (past + 0x10000 > past) { /* room above it (a 32-bit process has none: the top is 4 GiB) */
    WANT_ERROR(VirtualAlloc((void *)(past + 0x1000), 0x1000, MEM_RESERVE, PAGE_READWRITE),
               ERROR_INVALID_PARAMETER);
    WANT_ERROR(
        VirtualAlloc((void *)(past + 0x10000), 0x10000, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE),
        ERROR_INVALID_PARAMETER);
  }
  WANT_ERROR(VirtualAlloc((void *)(UINTPTR_MAX & ~(uintptr_t)0xFFFF), 0x10000, MEM_RESERVE,
                          PAGE_READWRITE),
             ERROR_INVALID_PARAMETER);
  WANT_ERROR(VirtualProtect(p, (SIZE_T)-1, PAGE_READONLY, &old), ERROR_INVALID_PARAMETER);
  WANT_ERROR(VirtualProtect(p, 4096, PAGE_WRITECOPY, &old), ERROR_INVALID_PARAMETER);
  WANT_ERROR(VirtualQuery(p, NULL, sizeof(MEMORY_BASIC_INFORMATION)), ERROR_NOACCESS);
  WANT_ERROR(VirtualFree(NULL, 0, MEM_RELEASE), ERROR_INVALID_ADDRESS);
  /* Runs of pages: read-only in the middle splits the allocation in three, and merges back. */
  CU_ASSERT(VirtualProtect(p + 4096, 4096, PAGE_READONLY, &old) && old == PAGE_READWRITE);
  MEMORY_BASIC_INFORMATION m;
  CU_ASSERT(VirtualQuery(p, &m, sizeof m) && m.RegionSize == 4096);
  CU_ASSERT(region_is(p + 4096, MEM_COMMIT, PAGE_READONLY, MEM_PRIVATE));
  CU_ASSERT(VirtualProtect(p + 4096, 4096, PAGE_READWRITE, &old) && old == PAGE_READONLY);
  CU_ASSERT(VirtualQuery(p, &m, sizeof m) && m.RegionSize == 3 * 4096);
  CU_ASSERT(VirtualFree(p, 0, MEM_RELEASE));

  /* Memory of the process's own: code, stack, anonymous memory, and a hole. */
  int local = 0;
  CU_ASSERT(region_is((void *)(uintptr_t)virtual_memory, MEM_COMMIT, PAGE_EXECUTE_READ, MEM_IMAGE));
  CU_ASSERT(region_is(&local, MEM_COMMIT, PAGE_READWRITE, MEM_PRIVATE));
#if defined(__x86_64__)
  /* The last page Linux gives a process: where the main thread's stack ends when addresses are
   * not randomized (gdb, setarch -R). VirtualQuery and VirtualProtect answer it, and it lies
   * below lpMaximumApplicationAddress (Windows' 0x7FFFFFFEFFFF did not reach it: 87). */
  char *top = (char *)(uintptr_t)0x7FFFFFFFE000;
  char *mine = mmap(top, 4096, PROT_READ | PROT_WRITE,
                    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
  if (mine == top || (mine == MAP_FAILED && errno == EEXIST)) { /* ours, or the stack's */
    CU_ASSERT((uintptr_t)si.lpMaximumApplicationAddress >= (uintptr_t)top + 4095);
    CU_ASSERT(VirtualQuery(top, &m, sizeof m) == sizeof m && m.State == MEM_COMMIT);
    if (mine == top) {
      CU_ASSERT(region_is(top, MEM_COMMIT, PAGE_READWRITE, MEM_PRIVATE));
      CU_ASSERT(VirtualProtect(top, 4096, PAGE_READONLY, &old) && old == PAGE_READWRITE);
      CU_ASSERT(region_is(top, MEM_COMMIT, PAGE_READONLY, MEM_PRIVATE));
    }
  }
  if (mine != MAP_FAILED) munmap(mine, 4096);
#endif
  char *own = mmap(NULL, 4 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  CU_ASSERT_FATAL(own != MAP_FAILED);
  munmap(own + 3 * 4096, 4096);
  CU_ASSERT(region_is(own + 3 * 4096, MEM_FREE, PAGE_NOACCESS, 0));
  CU_ASSERT(VirtualQuery(own + 3 * 4096, &m, sizeof m) && m.AllocationBase == NULL);
  CU_ASSERT(VirtualProtect(own + 4096, 4096, PAGE_READONLY, &old) && old == PAGE_READWRITE);
  CU_ASSERT(region_is(own + 4096, MEM_COMMIT, PAGE_READONLY, MEM_PRIVATE));
  CU_ASSERT(VirtualQuery(own + 4096, &m, sizeof m) && m.RegionSize == 4096);
  /* PAGE_NOACCESS there stays committed and can be undone (the kernel shows such pages
   * PROT_NONE, as it shows reserved ones: they were MEM_RESERVE, and the next VirtualProtect
   * 487, the pages lost to the program for good); part of it too. */
  CU_ASSERT(VirtualProtect(own + 4096, 4096, PAGE_NOACCESS, &old) && old == PAGE_READONLY);
  CU_ASSERT(region_is(own + 4096, MEM_COMMIT, PAGE_NOACCESS, MEM_PRIVATE));
  CU_ASSERT(VirtualProtect(own + 4096, 4096, PAGE_READWRITE, &old) && old == PAGE_NOACCESS);
  CU_ASSERT(region_is(own + 4096, MEM_COMMIT, PAGE_READWRITE, MEM_PRIVATE));
  CU_ASSERT(VirtualProtect(own, 2 * 4096, PAGE_NOACCESS, &old) && old == PAGE_READWRITE);
  CU_ASSERT(VirtualProtect(own, 4096, PAGE_READWRITE, &old) && old == PAGE_NOACCESS);
  CU_ASSERT(region_is(own + 4096, MEM_COMMIT, PAGE_NOACCESS, MEM_PRIVATE));
  CU_ASSERT(VirtualQuery(own + 4096, &m, sizeof m) && m.RegionSize == 4096);
  CU_ASSERT(VirtualProtect(own + 4096, 4096, PAGE_READONLY, &old) && old == PAGE_NOACCESS);
  CU_ASSERT(region_is(own + 4096, MEM_COMMIT, PAGE_READONLY, MEM_PRIVATE));
  /* What the process reserved itself (PROT_NONE) stays reserved. */
  char *reserved = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  CU_ASSERT_FATAL(reserved != MAP_FAILED);
  CU_ASSERT(region_is(reserved, MEM_RESERVE, 0, MEM_PRIVATE));
  WANT_ERROR(VirtualProtect(reserved, 4096, PAGE_READWRITE, &old), ERROR_INVALID_ADDRESS);
  munmap(reserved, 4096);
  WANT_ERROR(VirtualProtect(own + 2 * 4096, 2 * 4096, PAGE_READONLY, &old), ERROR_INVALID_ADDRESS);
  WANT_ERROR(VirtualProtect(own, 4096, PAGE_WRITECOPY, &old), ERROR_INVALID_PARAMETER);
  WANT_ERROR(VirtualFree(own, 0, MEM_RELEASE), ERROR_INVALID_ADDRESS);
  munmap(own, 3 * 4096);

  /* Write-copy in a shared view: a page stays the section's until written, then is a private
   * copy (reported writable); a page not written goes back to the section's with another
   * protection. The view's record goes with UnmapViewOfFile. */
  HANDLE h = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 2 * 4096, NULL);
  CU_ASSERT_PTR_NOT_NULL_FATAL(h);
  /* At a place of 64 KiB that was free a moment ago, to map again there. */
  char *place = VirtualAlloc(NULL, 65536, MEM_RESERVE, PAGE_NOACCESS);
  CU_ASSERT(place && VirtualFree(place, 0, MEM_RELEASE));
  char *v = MapViewOfFileEx(h, FILE_MAP_WRITE, 0, 0, 0, place);
  CU_ASSERT_PTR_NOT_NULL_FATAL(v);
  char *seen = MapViewOfFile(h, FILE_MAP_READ, 0, 0, 0);
  CU_ASSERT_PTR_NOT_NULL_FATAL(seen);
  v[0] = 'a';
  v[4096] = 'b';
  CU_ASSERT(VirtualProtect(v, 2 * 4096, PAGE_WRITECOPY, &old) && old == PAGE_READWRITE);
  CU_ASSERT(region_is(v, MEM_COMMIT, PAGE_WRITECOPY, MEM_MAPPED));
  CU_ASSERT(v[0] == 'a' && v[4096] == 'b'); /* the section's bytes, until written */
  v[0] = 'c';                               /* page 0 becomes this process's copy */
  CU_ASSERT(seen[0] == 'a');
  CU_ASSERT(region_is(v, MEM_COMMIT, PAGE_READWRITE, MEM_MAPPED));
  CU_ASSERT(VirtualQuery(v, &m, sizeof m) && m.RegionSize == 4096);
  CU_ASSERT(region_is(v + 4096, MEM_COMMIT, PAGE_WRITECOPY, MEM_MAPPED));
  /* Write-copy again keeps the copy (and says it is one). */
  CU_ASSERT(VirtualProtect(v, 4096, PAGE_WRITECOPY, &old) && old == PAGE_READWRITE);
  CU_ASSERT(v[0] == 'c' && seen[0] == 'a');
  CU_ASSERT(VirtualProtect(v, 2 * 4096, PAGE_READONLY, &old) && old == PAGE_READWRITE);
  CU_ASSERT(region_is(v, MEM_COMMIT, PAGE_READONLY, MEM_MAPPED));
  CU_ASSERT(VirtualProtect(v, 2 * 4096, PAGE_READWRITE, &old) && old == PAGE_READONLY);
  v[4096] = 'd'; /* page 1 was never written: the section's again */
  CU_ASSERT(seen[4096] == 'd');
  v[0] = 'e'; /* page 0 stays the copy */
  CU_ASSERT(seen[0] == 'a');
  CU_ASSERT(UnmapViewOfFile(seen));
  CU_ASSERT(VirtualProtect(v, 4096, PAGE_READONLY, &old) && old == PAGE_READWRITE);
  CU_ASSERT(region_is(v, MEM_COMMIT, PAGE_READONLY, MEM_MAPPED));
  WANT_ERROR(VirtualFree(v, 4096, MEM_DECOMMIT), ERROR_INVALID_PARAMETER);
  CU_ASSERT(UnmapViewOfFile(v));
  char *again = MapViewOfFileEx(h, FILE_MAP_WRITE, 0, 0, 0, place);
  CU_ASSERT_PTR_EQUAL_FATAL(again, place);
  /* The same place: the old view's protections are not the new one's. */
  CU_ASSERT(region_is(again, MEM_COMMIT, PAGE_READWRITE, MEM_MAPPED));
  CU_ASSERT(UnmapViewOfFile(again));
  CU_ASSERT(CloseHandle(h));
}

/* Threads allocating, protecting, querying and freeing at once keep the registry whole. */
static DWORD WINAPI virtual_worker(LPVOID arg) {
  DWORD bad = 0, old;
  for (int i = 0; i < 200; i++) {
    char *p = VirtualAlloc(NULL, 8 * 4096, MEM_RESERVE, PAGE_READWRITE);
    if (!p || !VirtualAlloc(p + 4096, 2 * 4096, MEM_COMMIT, PAGE_READWRITE)) return 1;
    p[4096] = (char)i;
    if (!VirtualProtect(p + 2 * 4096, 4096, PAGE_READONLY, &old) || old != PAGE_READWRITE) bad++;
    if (!region_is(p + 4096, MEM_COMMIT, PAGE_READWRITE, MEM_PRIVATE)) bad++;
    if (!region_is(p + 3 * 4096, MEM_RESERVE, 0, MEM_PRIVATE)) bad++;
    if (!VirtualFree(p, 0, MEM_RELEASE)) bad++;
  }
  (void)arg;
  return bad;
}

static void virtual_memory_threads(void) {
  HANDLE t[4];
  for (int i = 0; i < 4; i++) {
    t[i] = CreateThread(NULL, 0, virtual_worker, NULL, 0, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t[i]);
  }
  for (int i = 0; i < 4; i++) {
    DWORD code = 99;
    CU_ASSERT(WaitForSingleObject(t[i], 60000) == WAIT_OBJECT_0);
    CU_ASSERT(GetExitCodeThread(t[i], &code) && code == 0);
    CU_ASSERT(CloseHandle(t[i]));
  }
}

/* --- private namespaces (issue 22) ------------------------------------------------------------ */

/* SIDs as Win32 code spells them without advapi32's helpers. */
static SID everyone_sid = {SID_REVISION, 1, {SECURITY_WORLD_SID_AUTHORITY}, {SECURITY_WORLD_RID}};
static SID interactive_sid = {SID_REVISION, 1, {SECURITY_NT_AUTHORITY}, {SECURITY_INTERACTIVE_RID}};
static SID medium_label = {
    SID_REVISION, 1, {SECURITY_MANDATORY_LABEL_AUTHORITY}, {SECURITY_MANDATORY_MEDIUM_RID}};

/* kobjns's SID of a uid, "S-1-22-1-<uid>", in binary. */
typedef struct uid_sid {
  BYTE revision, count;
  SID_IDENTIFIER_AUTHORITY authority;
  DWORD sub[2];
} uid_sid;
static uid_sid sid_of_uid(unsigned long uid) {
  uid_sid s = {SID_REVISION, 2, {{0, 0, 0, 0, 0, 22}}, {1, (DWORD)uid}};
  return s;
}

/* A boundary descriptor `name` with Everyone in it. */
static HANDLE everyone_boundary(const char *name) {
  HANDLE b = CreateBoundaryDescriptorA(name, 0);
  CU_ASSERT_PTR_NOT_NULL(b);
  if (b) CU_ASSERT(AddSIDToBoundaryDescriptor(&b, &everyone_sid));
  return b;
}

static void namespace_boundaries(void) {
  const char *name = kt_name("bd");
  WANT_ERROR(CreateBoundaryDescriptorA(name, 1), ERROR_INVALID_PARAMETER);
  WANT_ERROR(CreateBoundaryDescriptorA(NULL, 0), ERROR_INVALID_PARAMETER);
  WANT_ERROR(CreateBoundaryDescriptorA("a\\b", 0), ERROR_INVALID_NAME);
  WCHAR wide[256];
  HANDLE b = CreateBoundaryDescriptorW(wide_name(name, wide), 0);
  CU_ASSERT_PTR_NOT_NULL_FATAL(b);
  WANT_ERROR(AddSIDToBoundaryDescriptor(NULL, &everyone_sid), ERROR_INVALID_PARAMETER);
  WANT_ERROR(AddSIDToBoundaryDescriptor(&b, NULL), ERROR_INVALID_PARAMETER);
  SID bad = everyone_sid;
  bad.Revision = 2;
  WANT_ERROR(AddSIDToBoundaryDescriptor(&b, &bad), ERROR_INVALID_SID);
  /* The session an interactive logon stands for is not in a directory's owner: refused. */
  WANT_ERROR(AddSIDToBoundaryDescriptor(&b, &interactive_sid), ERROR_NOT_SUPPORTED);
  /* No integrity levels on POSIX: refused, the boundary unchanged (docs/porting.md). */
  WANT_ERROR(AddIntegrityLabelToBoundaryDescriptor(&b, &medium_label), ERROR_NOT_SUPPORTED);
  WANT_ERROR(AddIntegrityLabelToBoundaryDescriptor(&b, &everyone_sid), ERROR_INVALID_SID);
  SetLastError(0xbeef);
  CU_ASSERT(AddSIDToBoundaryDescriptor(&b, &everyone_sid));
  CU_ASSERT(AddSIDToBoundaryDescriptor(&b, &everyone_sid)); /* twice: the same boundary */
  CU_ASSERT_EQUAL(GetLastError(), 0xbeef);
  uid_sid me = sid_of_uid((unsigned long)getuid());
  CU_ASSERT(AddSIDToBoundaryDescriptor(&b, (PSID)&me));
  /* Authenticated Users, and a SID of an authority kobjns does not know (nor of 48 bits). */
  SID users = {SID_REVISION, 1, {SECURITY_NT_AUTHORITY}, {SECURITY_AUTHENTICATED_USER_RID}};
  SID unknown = {SID_REVISION, 1, {{0, 0, 0, 0, 0, 99}}, {1}}, wide_authority = unknown;
  wide_authority.IdentifierAuthority.Value[0] = 1;
  CU_ASSERT(AddSIDToBoundaryDescriptor(&b, &users));
  /* SIDs from their string form, as a program builds them: aliases and S-1-... */
  PSID made = NULL;
  char text[40];
  snprintf(text, sizeof text, "S-1-22-1-%lu", (unsigned long)getuid());
  CU_ASSERT_FATAL(ConvertStringSidToSidA(text, &made));
  CU_ASSERT_EQUAL(memcmp(made, &me, sizeof me), 0);
  CU_ASSERT(AddSIDToBoundaryDescriptor(&b, made));
  CU_ASSERT_PTR_NULL(LocalFree(made));
  WCHAR everyone_alias[] = {'W', 'D', 0};
  CU_ASSERT_FATAL(ConvertStringSidToSidW(everyone_alias, &made));
  CU_ASSERT_EQUAL(memcmp(made, &everyone_sid, sizeof everyone_sid), 0);
  CU_ASSERT_PTR_NULL(LocalFree(made));
  CU_ASSERT_FATAL(ConvertStringSidToSidA("S-1-0x000000000063-1", &made));
  CU_ASSERT_EQUAL(memcmp(made, &unknown, sizeof unknown), 0);
  CU_ASSERT_PTR_NULL(LocalFree(made));
  WANT_ERROR(ConvertStringSidToSidA("S-1-22-1-", &made), ERROR_INVALID_SID);
  WANT_ERROR(ConvertStringSidToSidA("S-1-5-4294967296", &made), ERROR_INVALID_SID);
  /* 15 subauthorities at most (SID_MAX_SUB_AUTHORITIES): the 15 pass, a 16th is refused. */
  CU_ASSERT_FATAL(ConvertStringSidToSidA("S-1-1-1-2-3-4-5-6-7-8-9-10-11-12-13-14-15", &made));
  CU_ASSERT_EQUAL(((SID *)made)->SubAuthorityCount, 15);
  CU_ASSERT_PTR_NULL(LocalFree(made));
  WANT_ERROR(ConvertStringSidToSidA("S-1-1-1-2-3-4-5-6-7-8-9-10-11-12-13-14-15-16", &made),
             ERROR_INVALID_SID);
  WANT_ERROR(ConvertStringSidToSidA("XX", &made), ERROR_INVALID_SID);
  WANT_ERROR(ConvertStringSidToSidA(NULL, &made), ERROR_INVALID_PARAMETER);
  WANT_ERROR(ConvertStringSidToSidA("WD", NULL), ERROR_INVALID_PARAMETER);
  WANT_ERROR(AddSIDToBoundaryDescriptor(&b, &unknown), ERROR_INVALID_SID);
  WANT_ERROR(AddSIDToBoundaryDescriptor(&b, &wide_authority), ERROR_INVALID_SID);
  DeleteBoundaryDescriptor(b);
  DeleteBoundaryDescriptor(NULL); /* nothing */
}

/* SIDs as a program makes them, what bad ones get, and Microsoft's private-namespace sample: a
 * boundary of BUILTIN\Administrators (CreateWellKnownSid), a namespace for administrators only
 * ("D:(A;;GA;;;BA)"). As root, who is an administrator, it is made; otherwise ERROR_ACCESS_DENIED
 * (the caller is not inside the boundary). */
static void sids_and_the_sample_boundary(void) {
  BYTE admins[SECURITY_MAX_SID_SIZE];
  DWORD size = sizeof admins;
  WANT_ERROR(CreateWellKnownSid(WinBuiltinAdministratorsSid, NULL, admins, NULL),
             ERROR_INVALID_PARAMETER);
  WANT_ERROR(CreateWellKnownSid(WinAccountAdministratorSid, NULL, admins, &size),
             ERROR_INVALID_PARAMETER); /* needs a domain: not made here */
  CU_ASSERT_FATAL(CreateWellKnownSid(WinBuiltinAdministratorsSid, NULL, admins, &size));
  CU_ASSERT_EQUAL(size, 16);
  PSID allocated = NULL;
  SID_IDENTIFIER_AUTHORITY nt = {SECURITY_NT_AUTHORITY};
  WANT_ERROR(AllocateAndInitializeSid(&nt, 0, 0, 0, 0, 0, 0, 0, 0, 0, &allocated),
             ERROR_INVALID_PARAMETER);
  WANT_ERROR(AllocateAndInitializeSid(&nt, 9, 0, 0, 0, 0, 0, 0, 0, 0, &allocated),
             ERROR_INVALID_PARAMETER);
  WANT_ERROR(AllocateAndInitializeSid(NULL, 1, 0, 0, 0, 0, 0, 0, 0, 0, &allocated),
             ERROR_INVALID_PARAMETER);
  CU_ASSERT_FATAL(AllocateAndInitializeSid(&nt, 2, SECURITY_BUILTIN_DOMAIN_RID,
                                           DOMAIN_ALIAS_RID_ADMINS, 0, 0, 0, 0, 0, 0, &allocated));
  CU_ASSERT(EqualSid(allocated, admins));
  CU_ASSERT_PTR_NULL(FreeSid(allocated));
  SID bad = everyone_sid;
  bad.SubAuthorityCount = 16;
  LPSTR text = NULL;
  LPWSTR wide = NULL;
  WANT_ERROR(ConvertSidToStringSidA(&bad, &text), ERROR_INVALID_SID);
  WANT_ERROR(ConvertSidToStringSidW(&bad, &wide), ERROR_INVALID_SID);
  WANT_ERROR(ConvertSidToStringSidA(admins, NULL), ERROR_INVALID_PARAMETER);
  CU_ASSERT_PTR_NULL(text);
  CU_ASSERT_FALSE(IsValidSid(&bad));
  CU_ASSERT_EQUAL(GetLengthSid(&bad), 0);
  CU_ASSERT_FALSE(EqualSid(&bad, &bad));
  WANT_ERROR(CopySid(sizeof admins, admins, &bad), ERROR_INVALID_SID);
  /* A SID's parts: NULL with an error where Windows' answer is undefined (an invalid SID, an
   * index past the last sub-authority), never a read past the SID. */
  WANT_ERROR(GetSidIdentifierAuthority(&bad), ERROR_INVALID_SID);
  WANT_ERROR(GetSidSubAuthorityCount(NULL), ERROR_INVALID_SID);
  WANT_ERROR(GetSidSubAuthority(&bad, 0), ERROR_INVALID_SID);
  WANT_ERROR(GetSidSubAuthority(admins, 2), ERROR_INVALID_PARAMETER);
  WANT_ERROR(GetSidSubAuthority(admins, UINT32_MAX), ERROR_INVALID_PARAMETER);
  CU_ASSERT_EQUAL(*GetSidSubAuthority(admins, 1), DOMAIN_ALIAS_RID_ADMINS);
  CU_ASSERT_EQUAL(*GetSidSubAuthorityCount(admins), 2);
  CU_ASSERT_EQUAL(GetSidIdentifierAuthority(admins)->Value[5], 5);
  CU_ASSERT_FALSE(EqualPrefixSid(&bad, &bad));
  CU_ASSERT_EQUAL(GetSidLengthRequired(255), 8 + 4 * 255); /* any count, as Windows */
  BYTE made[SECURITY_MAX_SID_SIZE];
  WANT_ERROR(InitializeSid(NULL, &nt, 1), ERROR_INVALID_PARAMETER);
  WANT_ERROR(InitializeSid(made, NULL, 1), ERROR_INVALID_PARAMETER);
  WANT_ERROR(InitializeSid(made, &nt, SID_MAX_SUB_AUTHORITIES + 1), ERROR_INVALID_PARAMETER);
  CU_ASSERT_FATAL(InitializeSid(made, &nt, 0));
  CU_ASSERT_EQUAL(GetLengthSid(made), 8);
  WANT_ERROR(GetSidSubAuthority(made, 0), ERROR_INVALID_PARAMETER);
  /* The sample's boundary and namespace. */
  HANDLE b = CreateBoundaryDescriptorA(kt_name("sample"), 0);
  CU_ASSERT_PTR_NOT_NULL_FATAL(b);
  CU_ASSERT(AddSIDToBoundaryDescriptor(&b, admins));
  SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, FALSE};
  CU_ASSERT_FATAL(ConvertStringSecurityDescriptorToSecurityDescriptorA(
      "D:(A;;GA;;;BA)", SDDL_REVISION_1, &sa.lpSecurityDescriptor, NULL));
  HANDLE ns = CreatePrivateNamespaceA(&sa, b, kt_name("sample-ns"));
  if (kt_is_root()) {
    CU_ASSERT_PTR_NOT_NULL(ns);
    if (ns) CU_ASSERT(ClosePrivateNamespace(ns, PRIVATE_NAMESPACE_FLAG_DESTROY));
  } else {
    CU_ASSERT_PTR_NULL(ns);
    CU_ASSERT_EQUAL(GetLastError(), ERROR_ACCESS_DENIED);
  }
  LocalFree(sa.lpSecurityDescriptor);
  DeleteBoundaryDescriptor(b);
}

/* LookupAccountSid: the POSIX accounts kobjns names by S-1-22 SIDs (the conformance program plays
 * the well-known ones against Wine), and the bad inputs. */
static void accounts_of_sids(void) {
  char text[64], name[256], domain[64];
  DWORD name_size = sizeof name, domain_size = sizeof domain;
  SID_NAME_USE use = 0;
  PSID me = NULL, group = NULL, nobody = NULL;
  snprintf(text, sizeof text, "S-1-22-1-%u", (unsigned)getuid());
  CU_ASSERT_FATAL(ConvertStringSidToSidA(text, &me));
  const struct passwd *pw = getpwuid(getuid());
  if (pw) {
    CU_ASSERT(LookupAccountSidA(NULL, me, name, &name_size, domain, &domain_size, &use));
    CU_ASSERT_STRING_EQUAL(name, pw->pw_name);
    CU_ASSERT_STRING_EQUAL(domain, "Unix User");
    CU_ASSERT_EQUAL(name_size, strlen(pw->pw_name)); /* a success: the length, no NUL */
    CU_ASSERT_EQUAL(domain_size, 9);
    CU_ASSERT_EQUAL(use, SidTypeUser);
  }
  CU_ASSERT_FATAL(ConvertStringSidToSidA("S-1-22-2-0", &group));
  name_size = sizeof name, domain_size = sizeof domain;
  CU_ASSERT(LookupAccountSidA(NULL, group, name, &name_size, domain, &domain_size, &use));
  CU_ASSERT_STRING_EQUAL(domain, "Unix Group");
  CU_ASSERT_EQUAL(use, SidTypeGroup);
  WCHAR wname[256], wdomain[64];
  WCHAR here[1] = {0}; /* an empty system name: this machine */
  name_size = 256, domain_size = 64;
  CU_ASSERT(LookupAccountSidW(here, group, wname, &name_size, wdomain, &domain_size, &use));
  CU_ASSERT_EQUAL(domain_size, 10);
  CU_ASSERT(wdomain[0] == 'U' && wdomain[9] == 'p' && wdomain[10] == 0);
  /* This machine by its name, with or without the two backslashes; no other machine. */
  char host[256] = "", unc[260];
  gethostname(host, sizeof host - 1);
  snprintf(unc, sizeof unc, "\\\\%s", host);
  name_size = sizeof name, domain_size = sizeof domain;
  CU_ASSERT(LookupAccountSidA(host, group, name, &name_size, domain, &domain_size, &use));
  name_size = sizeof name, domain_size = sizeof domain;
  CU_ASSERT(LookupAccountSidA(unc, group, name, &name_size, domain, &domain_size, &use));
  WANT_ERROR(LookupAccountSidA("kobjns-no-such-machine", group, name, &name_size, domain,
                               &domain_size, &use),
             RPC_S_SERVER_UNAVAILABLE);
  /* A uid nobody has, a SID nobody knows, no SID, the sizes and the use Windows needs. */
  CU_ASSERT_FATAL(ConvertStringSidToSidA("S-1-22-1-4000000000", &nobody));
  name_size = sizeof name, domain_size = sizeof domain;
  WANT_ERROR(LookupAccountSidA(NULL, nobody, name, &name_size, domain, &domain_size, &use),
             ERROR_NONE_MAPPED);
  SID bad = everyone_sid;
  bad.SubAuthorityCount = 16;
  WANT_ERROR(LookupAccountSidA(NULL, &bad, name, &name_size, domain, &domain_size, &use),
             ERROR_INVALID_SID);
  WANT_ERROR(LookupAccountSidA(NULL, group, name, NULL, domain, &domain_size, &use),
             ERROR_INVALID_PARAMETER);
  WANT_ERROR(LookupAccountSidA(NULL, group, name, &name_size, domain, &domain_size, NULL),
             ERROR_INVALID_PARAMETER);
  /* Too small: both sizes say what they need, NUL included; nothing is written. */
  name_size = 1, domain_size = sizeof domain;
  name[0] = 'x';
  WANT_ERROR(LookupAccountSidA(NULL, group, name, &name_size, domain, &domain_size, &use),
             ERROR_INSUFFICIENT_BUFFER);
  CU_ASSERT_EQUAL(domain_size, 11);
  CU_ASSERT(name_size >= 2 && name[0] == 'x');
  /* And back: POSIX names to their SIDs, qualified or not; a well-known name comes first. */
  BYTE sid[SECURITY_MAX_SID_SIZE];
  DWORD sid_size = sizeof sid;
  domain_size = sizeof domain;
  if (pw) {
    CU_ASSERT(LookupAccountNameA(NULL, pw->pw_name, sid, &sid_size, domain, &domain_size, &use));
    CU_ASSERT(EqualSid(sid, me));
    CU_ASSERT_STRING_EQUAL(domain, "Unix User");
    CU_ASSERT_EQUAL(sid_size, 16);
    CU_ASSERT_EQUAL(domain_size, 9);
    CU_ASSERT_EQUAL(use, SidTypeUser);
  }
  sid_size = sizeof sid, domain_size = sizeof domain;
  CU_ASSERT(
      LookupAccountNameA(NULL, "unix group\\root", sid, &sid_size, domain, &domain_size, &use));
  CU_ASSERT(EqualSid(sid, group));
  CU_ASSERT_EQUAL(use, SidTypeGroup);
  sid_size = sizeof sid, domain_size = sizeof domain;
  WANT_ERROR(LookupAccountNameA(NULL, "Unix Group\\kobjns-no-such-group", sid, &sid_size, domain,
                                &domain_size, &use),
             ERROR_NONE_MAPPED);
  WANT_ERROR(LookupAccountNameA(NULL, "Unix User\\", sid, &sid_size, domain, &domain_size, &use),
             ERROR_NONE_MAPPED);
  sid_size = sizeof sid, domain_size = sizeof domain;
  CU_ASSERT(LookupAccountNameA(NULL, "users", sid, &sid_size, domain, &domain_size, &use));
  CU_ASSERT_STRING_EQUAL(domain, "BUILTIN"); /* BUILTIN\Users, not a POSIX group "users" */
  WANT_ERROR(LookupAccountNameA(NULL, NULL, sid, &sid_size, domain, &domain_size, &use),
             ERROR_INVALID_PARAMETER);
  WANT_ERROR(LookupAccountNameA(NULL, "root", sid, NULL, domain, &domain_size, &use),
             ERROR_INVALID_PARAMETER);
  WANT_ERROR(LookupAccountNameA("kobjns-no-such-machine", "root", sid, &sid_size, domain,
                                &domain_size, &use),
             RPC_S_SERVER_UNAVAILABLE);
  sid_size = 8,
  domain_size = sizeof domain; /* too small for the SID: both sizes, nothing written */
  WANT_ERROR(LookupAccountNameA(NULL, "root", sid, &sid_size, domain, &domain_size, &use),
             ERROR_INSUFFICIENT_BUFFER);
  CU_ASSERT_EQUAL(sid_size, 16);
  CU_ASSERT_EQUAL(domain_size, 10);
  LocalFree(me);
  LocalFree(group);
  LocalFree(nobody);
}

static void namespace_create_open_close(void) {
  const char *bname = kt_name("bd"), *alias = kt_name("pns");
  HANDLE b = everyone_boundary(bname);
  CU_ASSERT_PTR_NOT_NULL_FATAL(b);
  WANT_ERROR(OpenPrivateNamespaceA(b, alias), ERROR_FILE_NOT_FOUND);
  SetLastError(0xbeef);
  HANDLE ns = CreatePrivateNamespaceA(NULL, b, alias);
  CU_ASSERT_PTR_NOT_NULL_FATAL(ns);
  CU_ASSERT_EQUAL(GetLastError(), 0xbeef); /* success leaves the last error alone */
  WCHAR wide[256];
  /* Windows fails on an existing namespace, and opens nothing. */
  WANT_ERROR(CreatePrivateNamespaceA(NULL, b, alias), ERROR_ALREADY_EXISTS);
  WANT_ERROR(CreatePrivateNamespaceW(NULL, b, wide_name(alias, wide)), ERROR_ALREADY_EXISTS);
  HANDLE quiet = NULL;
  WANT_QUIET((quiet = OpenPrivateNamespaceA(b, alias)) != NULL, 1); /* an open leaves it alone */
  CU_ASSERT(quiet && CloseHandle(quiet));
  HANDLE o = OpenPrivateNamespaceW(b, wide_name(alias, wide));
  CU_ASSERT_PTR_NOT_NULL(o);
  CU_ASSERT(o != ns);
  /* The boundary and the alias are the namespace's identity. */
  HANDLE other = everyone_boundary(kt_name("bd"));
  WANT_ERROR(OpenPrivateNamespaceA(other, alias), ERROR_FILE_NOT_FOUND);
  WANT_ERROR(OpenPrivateNamespaceA(b, kt_name("pns")), ERROR_FILE_NOT_FOUND);
  DeleteBoundaryDescriptor(other);
  /* Arguments. */
  WANT_ERROR(CreatePrivateNamespaceA(NULL, NULL, alias), ERROR_INVALID_PARAMETER);
  WANT_ERROR(CreatePrivateNamespaceA(NULL, b, NULL), ERROR_INVALID_PARAMETER);
  WANT_ERROR(OpenPrivateNamespaceA(NULL, alias), ERROR_INVALID_PARAMETER);
  WANT_ERROR(CreatePrivateNamespaceA(NULL, b, "Global"), ERROR_INVALID_NAME);
  WANT_ERROR(CreatePrivateNamespaceA(NULL, b, "a\\b"), ERROR_INVALID_NAME);
  WANT_ERROR(CreatePrivateNamespaceA(NULL, b, ""), ERROR_INVALID_NAME);
  WCHAR lone_surrogate[] = {'x', 0xD800, 0};
  WANT_ERROR(CreatePrivateNamespaceW(NULL, b, lone_surrogate), ERROR_NO_UNICODE_TRANSLATION);
  /* A creator must be inside the boundary: a SID of another user keeps us out. */
  HANDLE foreign = CreateBoundaryDescriptorA(kt_name("bd"), 0);
  uid_sid someone = sid_of_uid((unsigned long)getuid() + 4242);
  CU_ASSERT(AddSIDToBoundaryDescriptor(&foreign, (PSID)&someone));
  WANT_ERROR(CreatePrivateNamespaceA(NULL, foreign, kt_name("pns")), ERROR_ACCESS_DENIED);
  DeleteBoundaryDescriptor(foreign);
  /* Closing: ClosePrivateNamespace, or CloseHandle; a flag it does not know changes nothing. */
  WANT_ERROR(ClosePrivateNamespace(o, 2), ERROR_INVALID_PARAMETER);
  CU_ASSERT(ClosePrivateNamespace(o, 0));
  WANT_ERROR(ClosePrivateNamespace(o, 0), ERROR_INVALID_HANDLE);
  WANT_ERROR(ClosePrivateNamespace(NULL, PRIVATE_NAMESPACE_FLAG_DESTROY), ERROR_INVALID_HANDLE);
  CU_ASSERT(CloseHandle(ns));
  /* The last handle closed, the namespace is gone: made again, as new. */
  WANT_ERROR(OpenPrivateNamespaceA(b, alias), ERROR_FILE_NOT_FOUND);
  ns = CreatePrivateNamespaceA(NULL, b, alias);
  CU_ASSERT_PTR_NOT_NULL(ns);
  CU_ASSERT(ClosePrivateNamespace(ns, 0));
  DeleteBoundaryDescriptor(b);
}

static void namespace_security(void) {
  HANDLE b = everyone_boundary(kt_name("bd"));
  CU_ASSERT_PTR_NOT_NULL_FATAL(b);
  const char *alias = kt_name("pns");
  /* Everyone may read it and open objects in it; nobody gets DELETE, so nobody destroys it. */
  PSECURITY_DESCRIPTOR psd = NULL;
  CU_ASSERT_FATAL(ConvertStringSecurityDescriptorToSecurityDescriptorA(
      "D:(A;;GR;;;WD)", SDDL_REVISION_1, &psd, NULL));
  SECURITY_ATTRIBUTES sa = {sizeof sa, psd, TRUE};
  HANDLE ns = CreatePrivateNamespaceA(&sa, b, alias);
  CU_ASSERT_PTR_NOT_NULL_FATAL(ns);
  DWORD flags = 0;
  CU_ASSERT(GetHandleInformation(ns, &flags) && flags == HANDLE_FLAG_INHERIT);
  HANDLE o = OpenPrivateNamespaceA(b, alias);
  CU_ASSERT_PTR_NOT_NULL_FATAL(o);
  CU_ASSERT(GetHandleInformation(o, &flags) && flags == 0);
  WANT_ERROR(ClosePrivateNamespace(o, PRIVATE_NAMESPACE_FLAG_DESTROY), ERROR_ACCESS_DENIED);
  CU_ASSERT(ClosePrivateNamespace(o, 0)); /* the refused destroy left it open */
  /* The creator's handle has every right: it destroys. */
  CU_ASSERT(ClosePrivateNamespace(ns, PRIVATE_NAMESPACE_FLAG_DESTROY));
  CU_ASSERT_PTR_NULL(LocalFree(psd));
  /* A descriptor the facade cannot read is refused before anything is made. */
  SECURITY_DESCRIPTOR bad = {0};
  sa.lpSecurityDescriptor = &bad;
  WANT_ERROR(CreatePrivateNamespaceA(&sa, b, alias), ERROR_INVALID_SECURITY_DESCR);
  DeleteBoundaryDescriptor(b);
}

/* Whether the sections `a` and `b` are one object: a stamp written through one is read through
 * the other. */
static bool one_section(HANDLE a, HANDLE b) {
  char *w = MapViewOfFile(a, FILE_MAP_WRITE, 0, 0, 0),
       *r = MapViewOfFile(b, FILE_MAP_READ, 0, 0, 0);
  bool same = w && r && (strcpy(w, "stamp"), !strcmp(r, "stamp"));
  if (w) UnmapViewOfFile(w);
  if (r) UnmapViewOfFile(r);
  return same;
}

/* "alias\leaf" of every type: created, created again (183), opened; the bare leaf is another
 * name, a second level is 3, another type's name 6. */
static void namespace_objects(void) {
  HANDLE b = everyone_boundary(kt_name("bd"));
  CU_ASSERT_PTR_NOT_NULL_FATAL(b);
  const char *alias = kt_name("pns");
  char name[300], deep[300], bare[300];
  snprintf(name, sizeof name, "%s\\obj", alias);
  snprintf(deep, sizeof deep, "%s\\a\\b", alias);
  snprintf(bare, sizeof bare, "%s.obj", alias);
  /* Before the namespace is open here, its alias names nothing: 3. */
  WANT_ERROR(CreateMutexA(NULL, FALSE, name), ERROR_PATH_NOT_FOUND);
  WANT_ERROR(OpenMutexA(SYNCHRONIZE, FALSE, name), ERROR_PATH_NOT_FOUND);
  HANDLE ns = CreatePrivateNamespaceA(NULL, b, alias);
  CU_ASSERT_PTR_NOT_NULL_FATAL(ns);
  HANDLE h[5], again[5], open[5];
  char leaf[5][300];
  for (int i = 0; i < 5; i++) snprintf(leaf[i], sizeof leaf[i], "%s\\t%d", alias, i);
  WANT_CREATED(h[0],
               CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 4096, leaf[0]), 0);
  WANT_CREATED(h[1], CreateMutexA(NULL, FALSE, leaf[1]), 0);
  WANT_CREATED(h[2], CreateEventA(NULL, TRUE, FALSE, leaf[2]), 0);
  WANT_CREATED(h[3], CreateSemaphoreA(NULL, 0, 4, leaf[3]), 0);
  WANT_CREATED(h[4], CreateWaitableTimerA(NULL, TRUE, leaf[4]), 0);
  WANT_CREATED(again[0],
               CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 4096, leaf[0]),
               ERROR_ALREADY_EXISTS);
  WANT_CREATED(again[1], CreateMutexA(NULL, FALSE, leaf[1]), ERROR_ALREADY_EXISTS);
  WANT_CREATED(again[2], CreateEventA(NULL, TRUE, FALSE, leaf[2]), ERROR_ALREADY_EXISTS);
  WANT_CREATED(again[3], CreateSemaphoreA(NULL, 0, 4, leaf[3]), ERROR_ALREADY_EXISTS);
  WANT_CREATED(again[4], CreateWaitableTimerA(NULL, TRUE, leaf[4]), ERROR_ALREADY_EXISTS);
  open[0] = OpenFileMappingA(FILE_MAP_ALL_ACCESS, FALSE, leaf[0]);
  open[1] = OpenMutexA(MUTEX_ALL_ACCESS, FALSE, leaf[1]);
  open[2] = OpenEventA(EVENT_ALL_ACCESS, FALSE, leaf[2]);
  open[3] = OpenSemaphoreA(SEMAPHORE_ALL_ACCESS, FALSE, leaf[3]);
  open[4] = OpenWaitableTimerA(TIMER_ALL_ACCESS, FALSE, leaf[4]);
  for (int i = 0; i < 5; i++) CU_ASSERT_PTR_NOT_NULL(open[i]);
  CU_ASSERT(one_section(h[0], open[0]));
  /* The W functions see the same names. */
  WCHAR wide[256];
  HANDLE w = OpenEventW(SYNCHRONIZE, FALSE, wide_name(leaf[2], wide));
  CU_ASSERT_PTR_NOT_NULL(w);
  CU_ASSERT(SetEvent(open[2]));
  WANT_QUIET(WaitForSingleObject(w, 0), WAIT_OBJECT_0);
  CU_ASSERT(CloseHandle(w));
  CU_ASSERT(ReleaseSemaphore(open[3], 1, NULL));
  WANT_QUIET(WaitForSingleObject(h[3], 0), WAIT_OBJECT_0);
  /* Names: the namespace's objects are apart from BaseNamedObjects'. */
  char outside[300];
  snprintf(outside, sizeof outside, "%s", strchr(leaf[1], '\\') + 1);
  WANT_ERROR(OpenMutexA(SYNCHRONIZE, FALSE, outside), ERROR_FILE_NOT_FOUND);
  WANT_ERROR(OpenMutexA(SYNCHRONIZE, FALSE, bare), ERROR_FILE_NOT_FOUND);
  WANT_ERROR(CreateMutexA(NULL, FALSE, deep), ERROR_PATH_NOT_FOUND);
  WANT_ERROR(CreateEventA(NULL, TRUE, FALSE, leaf[1]), ERROR_INVALID_HANDLE); /* a mutex's */
  WANT_ERROR(OpenFileMappingA(FILE_MAP_READ, FALSE, leaf[2]), ERROR_INVALID_HANDLE);
  WANT_ERROR(OpenEventA(SYNCHRONIZE, FALSE, name), ERROR_FILE_NOT_FOUND);
  /* The namespace's last handle closed: its alias names nothing here, the objects work on. */
  CU_ASSERT(ClosePrivateNamespace(ns, 0));
  WANT_ERROR(OpenMutexA(SYNCHRONIZE, FALSE, leaf[1]), ERROR_PATH_NOT_FOUND);
  CU_ASSERT(SetEvent(h[2]));
  WANT_QUIET(WaitForSingleObject(open[1], 0), WAIT_OBJECT_0);
  CU_ASSERT(ReleaseMutex(open[1]));
  CU_ASSERT(one_section(open[0], again[0]));
  for (int i = 0; i < 5; i++)
    CU_ASSERT(CloseHandle(h[i]) && CloseHandle(again[i]) && CloseHandle(open[i]));
  DeleteBoundaryDescriptor(b);
}

/* ClosePrivateNamespace(PRIVATE_NAMESPACE_FLAG_DESTROY): no open finds it again; its objects, and
 * another handle of it (which still names them), keep working; the alias can be made anew. */
static void namespace_destroy(void) {
  HANDLE b = everyone_boundary(kt_name("bd"));
  CU_ASSERT_PTR_NOT_NULL_FATAL(b);
  const char *alias = kt_name("pns");
  char name[300];
  snprintf(name, sizeof name, "%s\\ev", alias);
  HANDLE ns = CreatePrivateNamespaceA(NULL, b, alias);
  CU_ASSERT_PTR_NOT_NULL_FATAL(ns);
  HANDLE kept = OpenPrivateNamespaceA(b, alias);
  CU_ASSERT_PTR_NOT_NULL_FATAL(kept);
  HANDLE e;
  WANT_CREATED(e, CreateEventA(NULL, TRUE, FALSE, name), 0);
  CU_ASSERT(ClosePrivateNamespace(ns, PRIVATE_NAMESPACE_FLAG_DESTROY));
  WANT_ERROR(OpenPrivateNamespaceA(b, alias), ERROR_FILE_NOT_FOUND);
  CU_ASSERT(SetEvent(e));
  HANDLE o = OpenEventA(SYNCHRONIZE, FALSE, name); /* through `kept` */
  CU_ASSERT_PTR_NOT_NULL(o);
  WANT_QUIET(WaitForSingleObject(o, 0), WAIT_OBJECT_0);
  /* Made anew, the alias names the new namespace, where nothing is yet. */
  HANDLE fresh = CreatePrivateNamespaceA(NULL, b, alias);
  CU_ASSERT_PTR_NOT_NULL(fresh);
  WANT_ERROR(OpenEventA(SYNCHRONIZE, FALSE, name), ERROR_FILE_NOT_FOUND);
  CU_ASSERT(ClosePrivateNamespace(fresh, PRIVATE_NAMESPACE_FLAG_DESTROY));
  CU_ASSERT(CloseHandle(kept));
  WANT_ERROR(OpenEventA(SYNCHRONIZE, FALSE, name), ERROR_PATH_NOT_FOUND);
  WANT_QUIET(WaitForSingleObject(e, 0), WAIT_OBJECT_0);
  CU_ASSERT(CloseHandle(o) && CloseHandle(e));
  DeleteBoundaryDescriptor(b);
}

/* `--kid winns BOUNDARY ALIAS TEXT`: another process, with the same boundary: "ALIAS\map" is 3
 * until it opens the namespace; then the section holds TEXT, the event "ALIAS\ev" is set and
 * creating the namespace is 183. `--kid winns BOUNDARY ALIAS -`: the namespace is not found (2).
 * Exit 0, or the step that failed. */
/* The kid's steps with the boundary `b`: 0, or the step that failed (what it opened, the
 * process's end closes). */
static int namespace_kid_steps(HANDLE b, const char *alias, const char *text) {
  char map[300], ev[300];
  snprintf(map, sizeof map, "%s\\map", alias);
  snprintf(ev, sizeof ev, "%s\\ev", alias);
  if (OpenFileMappingA(FILE_MAP_READ, FALSE, map) || GetLastError() != ERROR_PATH_NOT_FOUND)
    return 102;
  HANDLE ns = OpenPrivateNamespaceA(b, alias);
  if (!strcmp(text, "-")) return !ns && GetLastError() == ERROR_FILE_NOT_FOUND ? 0 : 103;
  if (!ns) return 104;
  if (CreatePrivateNamespaceA(NULL, b, alias) || GetLastError() != ERROR_ALREADY_EXISTS) return 105;
  HANDLE s = OpenFileMappingA(FILE_MAP_READ, FALSE, map);
  const char *view = s ? MapViewOfFile(s, FILE_MAP_READ, 0, 0, 0) : NULL;
  if (!view || strcmp(view, text)) return 106;
  HANDLE e = OpenEventA(EVENT_MODIFY_STATE, FALSE, ev);
  if (!e || !SetEvent(e)) return 107;
  UnmapViewOfFile(view);
  CloseHandle(e), CloseHandle(s);
  return ClosePrivateNamespace(ns, 0) ? 0 : 108;
}

int kt_facade_namespace_kid(int argc, char **argv) {
  if (argc != 6) return 100;
  HANDLE b = CreateBoundaryDescriptorA(argv[3], 0);
  /* The boundary is freed on every path: under valgrind a leak would be the exit code. */
  int rc = b && AddSIDToBoundaryDescriptor(&b, &everyone_sid)
               ? namespace_kid_steps(b, argv[4], argv[5])
               : 101;
  if (b) DeleteBoundaryDescriptor(b);
  return rc;
}

/* Run the kid with `boundary alias text`: its exit code. */
static DWORD run_namespace_kid(const char *boundary, const char *alias, const char *text) {
  char line[8192], rest[1024];
  snprintf(rest, sizeof rest, "winns %s %s %s", boundary, alias, text);
  kid_command(line, sizeof line, rest);
  STARTUPINFOA si;
  ZeroMemory(&si, sizeof si);
  si.cb = sizeof si;
  PROCESS_INFORMATION pi;
  DWORD code = 999;
  if (!CreateProcessA(NULL, line, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi)) return code;
  if (WaitForSingleObject(pi.hProcess, 30000) == WAIT_OBJECT_0)
    GetExitCodeProcess(pi.hProcess, &code);
  else
    TerminateProcess(pi.hProcess, 998);
  CloseHandle(pi.hThread), CloseHandle(pi.hProcess);
  return code;
}

static void namespace_two_processes(void) {
  const char *bname = kt_name("bd"), *alias = kt_name("pns");
  HANDLE b = everyone_boundary(bname);
  CU_ASSERT_PTR_NOT_NULL_FATAL(b);
  char map[300], ev[300];
  snprintf(map, sizeof map, "%s\\map", alias);
  snprintf(ev, sizeof ev, "%s\\ev", alias);
  HANDLE ns = CreatePrivateNamespaceA(NULL, b, alias);
  CU_ASSERT_PTR_NOT_NULL_FATAL(ns);
  HANDLE s = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 4096, map);
  HANDLE e = CreateEventA(NULL, TRUE, FALSE, ev);
  char *view = s ? MapViewOfFile(s, FILE_MAP_WRITE, 0, 0, 0) : NULL;
  CU_ASSERT_FATAL(view && e);
  strcpy(view, "in the namespace");
  CU_ASSERT_EQUAL(run_namespace_kid(bname, alias, "in-the-namespace"), 106); /* another text */
  WANT_QUIET(WaitForSingleObject(e, 0), WAIT_TIMEOUT);
  strcpy(view, "in-the-namespace");
  CU_ASSERT_EQUAL(run_namespace_kid(bname, alias, "in-the-namespace"), 0);
  WANT_QUIET(WaitForSingleObject(e, 0), WAIT_OBJECT_0); /* the kid set it */
  /* Destroyed: another process finds it no more; the objects keep working here. */
  CU_ASSERT(ClosePrivateNamespace(ns, PRIVATE_NAMESPACE_FLAG_DESTROY));
  CU_ASSERT_EQUAL(run_namespace_kid(bname, alias, "-"), 0);
  CU_ASSERT(ResetEvent(e));
  WANT_QUIET(WaitForSingleObject(e, 0), WAIT_TIMEOUT);
  CU_ASSERT_STRING_EQUAL(view, "in-the-namespace");
  CU_ASSERT(UnmapViewOfFile(view));
  CU_ASSERT(CloseHandle(s) && CloseHandle(e));
  DeleteBoundaryDescriptor(b);
}

void kt_add_facade(CU_pSuite s) {
  kt_add(s, "create, open, map, close", create_open_map_close, 0);
  kt_add(s, "handles are checked", handles_are_checked, 0);
  kt_add(s, "arguments and names (rows 9, 23, 33, 34)", arguments_and_names, 0);
  kt_add(s, "security descriptors", security_descriptors, 0);
  kt_add(s, "mutexes: create, open, names", mutex_create_and_open, 0);
  kt_add(s, "mutexes: recursion and ERROR_NOT_OWNER", mutex_ownership, 0);
  kt_add(s, "mutexes: abandoned by a thread that ended", mutex_abandoned, 0);
  kt_add(s, "events: manual and automatic reset, rights", events, 0);
  kt_add(s, "semaphores: counts, ERROR_TOO_MANY_POSTS, rights", semaphores, 0);
  kt_add(s, "PulseEvent: the waiter of the moment, then reset", pulse_event, 0);
  kt_add(s, "waits while other threads create and close", waits_with_other_threads, 0);
  kt_add(s, "WaitForMultipleObjects: any, all, arguments", wait_for_several, 0);
  kt_add(s, "handles and names of another type", wrong_types, 0);
  kt_add(s, "descriptors of mutexes, events and semaphores", sync_security, 0);
  kt_add(s, "CreateThread: waitable handles, exit codes, ids, CREATE_SUSPENDED, ExitThread",
         threads, 0);
  kt_add(s, "QueueUserAPC: alertable waits and SleepEx run the APCs (WAIT_IO_COMPLETION)",
         apcs_and_alertable_waits, 0);
  kt_add(s, "SignalObjectAndWait: Windows' answers", signal_object_and_wait, 0);
  kt_add(s, "Sleep, SleepEx, the alertable waits, the tick counts and the performance counter",
         time_and_sleep, 0);
  kt_add(s, "CreateFile, Windows paths, sections of files", files, KT_NEEDS_REOPEN);
  kt_add(s, "GetTempPath and GetTempFileName", temporary_files, 0);
  kt_add(s, "CreateProcess, pipes and standard handles, OpenProcess, TerminateProcess", processes,
         0);
  kt_add(s, "VirtualAlloc and friends: refusals, the process's own memory, views", virtual_memory,
         KT_NEEDS_REOPEN);
  kt_add(s, "VirtualAlloc and friends from several threads", virtual_memory_threads, 0);
  kt_add(s, "private namespaces: boundary descriptors, SIDs, integrity labels refused",
         namespace_boundaries, 0);
  kt_add(s, "SIDs: well-known, allocated, their string form; Microsoft's sample boundary (BA)",
         sids_and_the_sample_boundary, 0);
  kt_add(s, "LookupAccountSid/Name: POSIX users and groups (S-1-22), this machine only, bad input",
         accounts_of_sids, 0);
  kt_add(s, "private namespaces: create (183 when it exists), open (2), close",
         namespace_create_open_close, 0);
  kt_add(s, "private namespaces: descriptors, inheritance, a destroy without DELETE (5)",
         namespace_security, 0);
  kt_add(s, "private namespaces: \"alias\\name\" of every type, alias not open (3)",
         namespace_objects, 0);
  kt_add(s, "private namespaces: destroyed, its objects and open handles keep working",
         namespace_destroy, 0);
  kt_add(s, "private namespaces: another process opens it and its objects by alias",
         namespace_two_processes, 0);
  kt_add_facade_crt(s);
}
