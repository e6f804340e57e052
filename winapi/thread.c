/* Threads and time: CreateThread and the calls around it (ResumeThread, ExitThread,
 * GetExitCodeThread, GetCurrentThread, GetCurrentThreadId, GetThreadId), Sleep and SleepEx, the
 * tick counts and the performance counter; QueueUserAPC. A thread is the portable API's thread
 * object, so its HANDLE waits with the facade's other objects. Where Windows would fault on a bad
 * pointer, the call fails with ERROR_NOACCESS (998) instead (docs/porting.md). */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "facade.h"

static BOOL failed_with(DWORD error) {
  SetLastError(error);
  return FALSE;
}

/* --- threads --------------------------------------------------------------------------------- */

/* The program's routine is WINAPI (ms_abi on x86-64): called through its own type here. */
typedef struct start {
  LPTHREAD_START_ROUTINE routine;
  void *param;
} start;

static uint32_t run_routine(void *arg) {
  start s = *(start *)arg;
  free(arg);
  return s.routine(s.param);
}

/* The security descriptor is not used: threads have no descriptor of their own here;
 * bInheritHandle is the handle's HANDLE_FLAG_INHERIT. STACK_SIZE_PARAM_IS_A_RESERVATION changes
 * nothing: a pthread's stack is reserved whole. Other flags are ignored, as Windows ignores them.
 */
KOBJNS_WIN32_API HANDLE WINAPI CreateThread(LPSECURITY_ATTRIBUTES sa, SIZE_T stack_size,
                                            LPTHREAD_START_ROUTINE routine, LPVOID param,
                                            DWORD flags, LPDWORD id) {
  if (!routine) { /* Windows starts it, and the new thread faults at once */
    SetLastError(ERROR_INVALID_PARAMETER);
    return NULL;
  }
  start *s = malloc(sizeof *s);
  if (!s) {
    SetLastError(ERROR_NOT_ENOUGH_MEMORY);
    return NULL;
  }
  *s = (start){routine, param};
  kobjns_sync *t = NULL;
  uint32_t tid = 0;
  int rc = kobjns_thread_create(run_routine, s, stack_size, flags & CREATE_SUSPENDED, &t, &tid);
  if (rc) {
    free(s);
    SetLastError((DWORD)rc);
    return NULL;
  }
  if (id) *id = tid;
  HANDLE h = kobjns__facade_handle(t);
  kobjns__facade_inherit(h, sa && sa->bInheritHandle);
  return h;
}

KOBJNS_WIN32_API DWORD WINAPI ResumeThread(HANDLE h) {
  if (h == KOBJNS__CURRENT_THREAD) return 0; /* it runs */
  uint32_t previous = 0;
  int rc = kobjns_thread_resume(kobjns__facade_sync(h), &previous);
  if (rc) {
    SetLastError((DWORD)rc);
    return (DWORD)-1;
  }
  return previous;
}

KOBJNS_WIN32_API void WINAPI ExitThread(DWORD code) { kobjns_thread_exit(code); }

/* Another thread: only one that has not begun its routine (created suspended) can be ended
 * here; a running one is ERROR_NOT_SUPPORTED (docs/porting.md). The calling thread
 * (GetCurrentThread()) ends as ExitThread would end it. */
KOBJNS_WIN32_API BOOL WINAPI TerminateThread(HANDLE h, DWORD code) {
  if (h == KOBJNS__CURRENT_THREAD) kobjns_thread_exit(code);
  int rc = kobjns_thread_terminate(kobjns__facade_sync(h), code);
  return rc ? failed_with((DWORD)rc) : TRUE;
}

KOBJNS_WIN32_API BOOL WINAPI GetExitCodeThread(HANDLE h, LPDWORD code) {
  if (!code) return failed_with(ERROR_NOACCESS);
  if (h == KOBJNS__CURRENT_THREAD) {
    *code = STILL_ACTIVE;
    return TRUE;
  }
  uint32_t value;
  int rc = kobjns_thread_exit_code(kobjns__facade_sync(h), &value);
  if (rc) return failed_with((DWORD)rc);
  *code = value;
  return TRUE;
}

KOBJNS_WIN32_API HANDLE WINAPI GetCurrentThread(void) { return KOBJNS__CURRENT_THREAD; }

/* The process's pseudo-handle: waits on it last their time; DuplicateHandle takes it as the
 * process of its handles. */
KOBJNS_WIN32_API HANDLE WINAPI GetCurrentProcess(void) { return KOBJNS__CURRENT_PROCESS; }

KOBJNS_WIN32_API DWORD WINAPI GetCurrentThreadId(void) { return kobjns_current_thread_id(); }

KOBJNS_WIN32_API DWORD WINAPI GetThreadId(HANDLE h) {
  if (h == KOBJNS__CURRENT_THREAD) return kobjns_current_thread_id();
  uint32_t id;
  int rc = kobjns_thread_id(kobjns__facade_sync(h), &id);
  if (rc) {
    SetLastError((DWORD)rc);
    return 0;
  }
  return id;
}

/* --- APCs ------------------------------------------------------------------------------------ */

/* The program's routine is WINAPI (ms_abi on x86-64): called through its own type. It travels
 * as the call's argument and its data as the context: nothing allocated, nothing to leak when
 * the thread ends with APCs still queued. */
static void run_apc(void *data, uintptr_t routine_bits) {
  PAPCFUNC routine;
  memcpy(&routine, &routine_bits, sizeof routine);
  routine((ULONG_PTR)data);
}

/* To the calling thread (GetCurrentThread()) or a thread CreateThread started (THREAD_SET_CONTEXT).
 * ERROR_GEN_FAILURE once it has ended; an APC still queued when its thread ends never runs, as on
 * Windows. */
KOBJNS_WIN32_API DWORD WINAPI QueueUserAPC(PAPCFUNC routine, HANDLE thread, ULONG_PTR data) {
  if (!routine) return failed_with(ERROR_INVALID_PARAMETER);
  uintptr_t routine_bits;
  _Static_assert(sizeof routine_bits == sizeof routine, "a function pointer in a uintptr_t");
  memcpy(&routine_bits, &routine, sizeof routine_bits);
  kobjns_sync *target = thread == KOBJNS__CURRENT_THREAD ? NULL : kobjns__facade_sync(thread);
  int rc = thread ? kobjns_apc_queue(target, run_apc, (void *)data, routine_bits)
                  : KOBJNS_INVALID_HANDLE;
  return rc ? failed_with((DWORD)rc) : TRUE;
}

/* --- time ------------------------------------------------------------------------------------ */

static uint64_t clock_ns(clockid_t clock) {
  struct timespec t;
  clock_gettime(clock, &t);
  return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

/* Since the system started, time asleep included, as Windows counts it. */
static uint64_t since_boot_ns(void) {
#ifdef CLOCK_BOOTTIME
  return clock_ns(CLOCK_BOOTTIME);
#else
  return clock_ns(CLOCK_MONOTONIC);
#endif
}

KOBJNS_WIN32_API void WINAPI Sleep(DWORD ms) { kobjns_sleep(ms, 0); }

/* Alertable: APCs queued to the thread (QueueUserAPC) end the sleep; they run, and the answer is
 * WAIT_IO_COMPLETION. */
KOBJNS_WIN32_API DWORD WINAPI SleepEx(DWORD ms, BOOL alertable) {
  int rc = kobjns_sleep(ms, alertable ? KOBJNS_WAIT_ALERTABLE : 0);
  return rc == KOBJNS_USER_APC ? WAIT_IO_COMPLETION : 0;
}

KOBJNS_WIN32_API DWORD WINAPI GetTickCount(void) { return (DWORD)(since_boot_ns() / 1000000u); }

KOBJNS_WIN32_API ULONGLONG WINAPI GetTickCount64(void) { return since_boot_ns() / 1000000u; }

/* 10 MHz, as Windows 10 and later and Wine report it. */
#define PERFORMANCE_FREQUENCY 10000000

KOBJNS_WIN32_API BOOL WINAPI QueryPerformanceFrequency(LARGE_INTEGER *frequency) {
  if (!frequency) return failed_with(ERROR_NOACCESS);
  frequency->QuadPart = PERFORMANCE_FREQUENCY;
  return TRUE;
}

KOBJNS_WIN32_API BOOL WINAPI QueryPerformanceCounter(LARGE_INTEGER *counter) {
  if (!counter) return failed_with(ERROR_NOACCESS);
  counter->QuadPart = (LONGLONG)(clock_ns(CLOCK_MONOTONIC) / (1000000000 / PERFORMANCE_FREQUENCY));
  return TRUE;
}
