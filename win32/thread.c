/* Threads: Windows' own. The create makes the thread suspended (the core registers its handle
 * before anything runs), and the start lets it go unless the caller asked it suspended. */
#include "win32.h"

#include <stdlib.h>
#include <string.h>

typedef struct start {
  kobjns_thread_fn fn;
  void *arg;
} start;

static DWORD WINAPI trampoline(void *p) {
  start s = *(start *)p;
  free(p);
  return s.fn(s.arg);
}

HANDLE kobjns__win32_create_thread(const kobjns__create_args *a) {
  start *s = malloc(sizeof *s);
  if (!s) {
    SetLastError(ERROR_NOT_ENOUGH_MEMORY);
    return NULL;
  }
  *s = (start){a->start, a->start_arg};
  HANDLE h = CreateThread(NULL, a->stack_size, trampoline, s, CREATE_SUSPENDED, NULL);
  if (!h) {
    DWORD error = GetLastError();
    free(s);
    SetLastError(error);
  }
  return h;
}

int kobjns__os_thread_start(kobjns__object *o, bool suspended, uint32_t *id) {
  if (!suspended && ResumeThread(o->os.handle) == (DWORD)-1)
    return kobjns__status_from_win32(GetLastError());
  o->os.thread_started = 1;
  *id = GetThreadId(o->os.handle);
  return 0;
}

int kobjns__os_thread_resume(kobjns__object *o, uint32_t *previous) {
  DWORD r = ResumeThread(o->os.handle);
  if (r == (DWORD)-1) return kobjns__status_from_win32(GetLastError());
  *previous = r;
  return 0;
}

int kobjns__os_thread_query(kobjns__object *o, uint32_t *exit_code, uint32_t *id) {
  DWORD code;
  if (!GetExitCodeThread(o->os.handle, &code)) return kobjns__status_from_win32(GetLastError());
  *exit_code = code;
  *id = GetThreadId(o->os.handle);
  return 0;
}

int kobjns__os_thread_terminate(kobjns__object *o, uint32_t code) {
  DWORD now;
  if (GetExitCodeThread(o->os.handle, &now) && now != STILL_ACTIVE &&
      WaitForSingleObject(o->os.handle, 0) == WAIT_OBJECT_0)
    return 0; /* ended already: as on POSIX, nothing to do */
  return TerminateThread(o->os.handle, code) ? 0 : kobjns__status_from_win32(GetLastError());
}

void kobjns__os_thread_exit(uint32_t code) { ExitThread(code); }

uint32_t kobjns__os_current_thread_id(void) { return GetCurrentThreadId(); }

/* A user APC with the caller's function, context and argument as NtQueueApcThread's three
 * arguments (QueueUserAPC is that call with one): nothing to allocate, so nothing leaks when the
 * thread ends with calls still queued. */
typedef void(NTAPI *nt_apc_fn)(ULONG_PTR, ULONG_PTR, ULONG_PTR);
typedef LONG(NTAPI *nt_queue_apc_thread_fn)(HANDLE, nt_apc_fn, ULONG_PTR, ULONG_PTR, ULONG_PTR);

static void NTAPI call_apc(ULONG_PTR fn, ULONG_PTR context, ULONG_PTR arg) {
  kobjns_apc_fn call;
  memcpy(&call, &fn, sizeof call);
  call((void *)context, (uintptr_t)arg);
}

int kobjns__os_apc_queue(kobjns__object *thread, kobjns_apc_fn fn, void *context, uintptr_t arg) {
  static nt_queue_apc_thread_fn queue_apc;
  nt_queue_apc_thread_fn queue = __atomic_load_n(&queue_apc, __ATOMIC_ACQUIRE);
  if (!queue) {
    FARPROC p = GetProcAddress(GetModuleHandleW(L"ntdll.dll"), "NtQueueApcThread");
    if (!p) return KOBJNS_NOT_SUPPORTED;
    memcpy(&queue, &p, sizeof queue);
    __atomic_store_n(&queue_apc, queue, __ATOMIC_RELEASE);
  }
  ULONG_PTR call;
  _Static_assert(sizeof call == sizeof fn, "a function pointer in a ULONG_PTR");
  memcpy(&call, &fn, sizeof call);
  HANDLE target = thread ? thread->os.handle : GetCurrentThread();
  LONG status = queue(target, call_apc, call, (ULONG_PTR)context, (ULONG_PTR)arg);
  if (status == 0) return 0;
  /* STATUS_UNSUCCESSFUL for a thread that has ended: QueueUserAPC's ERROR_GEN_FAILURE. */
  if (status == (LONG)0xC0000001) return KOBJNS_GEN_FAILURE;
  typedef ULONG(NTAPI * to_dos_fn)(LONG);
  FARPROC p = GetProcAddress(GetModuleHandleW(L"ntdll.dll"), "RtlNtStatusToDosError");
  to_dos_fn to_dos;
  if (!p) return KOBJNS_INTERNAL_ERROR;
  memcpy(&to_dos, &p, sizeof to_dos);
  return kobjns__status_from_win32(to_dos(status));
}
