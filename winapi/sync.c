/* Mutexes, events, semaphores and waitable timers: CreateMutex/CreateEvent/CreateSemaphore/
 * CreateWaitableTimer, their Open functions, the releases, SetWaitableTimer and the waits. Each
 * call validates what Win32 validates, then calls the portable API once; a kobjns status is the
 * Win32 error it stands for. As on Windows, a call that succeeds leaves the last error alone, but
 * for a create, which sets it to 0 or ERROR_ALREADY_EXISTS. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "facade.h"

#define GENERIC_RIGHTS (GENERIC_READ | GENERIC_WRITE | GENERIC_EXECUTE | GENERIC_ALL)

static HANDLE failed(DWORD error) {
  SetLastError(error);
  return NULL;
}

/* A BOOL function's answer for a kobjns status. */
static BOOL answer(int rc) {
  if (rc) SetLastError((DWORD)rc);
  return rc == 0;
}

/* A W function's name as UTF-8 from malloc (NULL stays NULL): 0 or the Win32 error. */
static DWORD utf8_name(LPCWSTR name, char **out) {
  *out = NULL;
  return name ? (DWORD)kobjns__facade_utf8(name, out) : 0;
}

/* --- create ----------------------------------------------------------------------------------- */

typedef struct create_call {
  kobjns_type type;
  BOOL initial_owner;               /* mutex */
  BOOL manual_reset, initial_state; /* event; timer: manual_reset */
  LONG initial, maximum;            /* semaphore */
} create_call;

/* `name` is UTF-8 (NULL or "": a new unnamed object). On an existing object of the type, the
 * handle is to it, the other arguments are ignored and the last error is ERROR_ALREADY_EXISTS. */
static HANDLE create(const create_call *c, const SECURITY_ATTRIBUTES *sa, const char *name) {
  /* The counts are checked before anything else, an existing name included (Windows' kernel
   * checks them before it looks the name up). */
  if (c->type == KOBJNS_TYPE_SEMAPHORE &&
      (c->maximum <= 0 || c->initial < 0 || c->initial > c->maximum))
    return failed(ERROR_INVALID_PARAMETER);
  /* The SDDL text: the create parses it with the type's generic mapping (GA = MUTEX_ALL_ACCESS
   * on a mutex). bInheritHandle: the handle's HANDLE_FLAG_INHERIT. */
  const char *sddl = NULL;
  DWORD error = kobjns__facade_sddl_of(sa ? sa->lpSecurityDescriptor : NULL, &sddl);
  if (error) return failed(error);
  kobjns_sync *s = NULL;
  int rc;
  switch (c->type) {
    case KOBJNS_TYPE_MUTEX: rc = kobjns_mutex_create(NULL, name, c->initial_owner, sddl, &s); break;
    case KOBJNS_TYPE_EVENT:
      rc = kobjns_event_create(NULL, name, c->manual_reset, c->initial_state, sddl, &s);
      break;
    case KOBJNS_TYPE_TIMER: rc = kobjns_timer_create(NULL, name, c->manual_reset, sddl, &s); break;
    default: rc = kobjns_semaphore_create(NULL, name, c->initial, c->maximum, sddl, &s); break;
  }
  if (!s) return failed((DWORD)rc);
  HANDLE h = kobjns__facade_handle(s);
  kobjns__facade_inherit(h, sa && sa->bInheritHandle);
  if (h) SetLastError(rc == KOBJNS_ALREADY_EXISTS ? ERROR_ALREADY_EXISTS : ERROR_SUCCESS);
  return h;
}

static HANDLE create_a(const create_call *c, const SECURITY_ATTRIBUTES *sa, LPCSTR name) {
  DWORD error = kobjns__facade_check_ansi_name(name);
  if (error) return failed(error);
  return create(c, sa, name);
}

static HANDLE create_w(const create_call *c, const SECURITY_ATTRIBUTES *sa, LPCWSTR name) {
  char *utf8;
  DWORD error = utf8_name(name, &utf8);
  if (error) return failed(error);
  HANDLE h = create(c, sa, utf8);
  free(utf8);
  return h;
}

KOBJNS_WIN32_API HANDLE WINAPI CreateMutexA(LPSECURITY_ATTRIBUTES sa, BOOL initial_owner,
                                            LPCSTR name) {
  create_call c = {.type = KOBJNS_TYPE_MUTEX, .initial_owner = initial_owner};
  return create_a(&c, sa, name);
}

KOBJNS_WIN32_API HANDLE WINAPI CreateMutexW(LPSECURITY_ATTRIBUTES sa, BOOL initial_owner,
                                            LPCWSTR name) {
  create_call c = {.type = KOBJNS_TYPE_MUTEX, .initial_owner = initial_owner};
  return create_w(&c, sa, name);
}

KOBJNS_WIN32_API HANDLE WINAPI CreateEventA(LPSECURITY_ATTRIBUTES sa, BOOL manual_reset,
                                            BOOL initial_state, LPCSTR name) {
  create_call c = {
      .type = KOBJNS_TYPE_EVENT, .manual_reset = manual_reset, .initial_state = initial_state};
  return create_a(&c, sa, name);
}

KOBJNS_WIN32_API HANDLE WINAPI CreateEventW(LPSECURITY_ATTRIBUTES sa, BOOL manual_reset,
                                            BOOL initial_state, LPCWSTR name) {
  create_call c = {
      .type = KOBJNS_TYPE_EVENT, .manual_reset = manual_reset, .initial_state = initial_state};
  return create_w(&c, sa, name);
}

KOBJNS_WIN32_API HANDLE WINAPI CreateSemaphoreA(LPSECURITY_ATTRIBUTES sa, LONG initial,
                                                LONG maximum, LPCSTR name) {
  create_call c = {.type = KOBJNS_TYPE_SEMAPHORE, .initial = initial, .maximum = maximum};
  return create_a(&c, sa, name);
}

KOBJNS_WIN32_API HANDLE WINAPI CreateSemaphoreW(LPSECURITY_ATTRIBUTES sa, LONG initial,
                                                LONG maximum, LPCWSTR name) {
  create_call c = {.type = KOBJNS_TYPE_SEMAPHORE, .initial = initial, .maximum = maximum};
  return create_w(&c, sa, name);
}

/* --- open ------------------------------------------------------------------------------------- */

/* Open the existing object `name` (UTF-8) of `type` for `access`. Rights outside the type's (bits
 * Windows defines for no object of it) are checked as Windows checks them: once the name is found,
 * ERROR_ACCESS_DENIED, or ERROR_PRIVILEGE_NOT_HELD for ACCESS_SYSTEM_SECURITY (it needs
 * SeSecurityPrivilege). MAXIMUM_ALLOWED gets the rights the object's descriptor grants (the
 * portable open's KOBJNS_MAXIMUM_ALLOWED). */
static HANDLE open_object(kobjns_type type, DWORD access, BOOL inherit, const char *name) {
  DWORD all = type == KOBJNS_TYPE_MUTEX   ? MUTEX_ALL_ACCESS
              : type == KOBJNS_TYPE_EVENT ? EVENT_ALL_ACCESS
              : type == KOBJNS_TYPE_TIMER ? TIMER_ALL_ACCESS
                                          : SEMAPHORE_ALL_ACCESS;
  DWORD asked = all | GENERIC_RIGHTS | MAXIMUM_ALLOWED;
  DWORD known = access & asked, other = access & ~asked;
  DWORD refusal = other & ACCESS_SYSTEM_SECURITY ? ERROR_PRIVILEGE_NOT_HELD : ERROR_ACCESS_DENIED;
  kobjns_sync *s = NULL;
  int rc;
  switch (type) {
    case KOBJNS_TYPE_MUTEX: rc = kobjns_mutex_open(NULL, name, known, &s); break;
    case KOBJNS_TYPE_EVENT: rc = kobjns_event_open(NULL, name, known, &s); break;
    case KOBJNS_TYPE_TIMER: rc = kobjns_timer_open(NULL, name, known, &s); break;
    default: rc = kobjns_semaphore_open(NULL, name, known, &s); break;
  }
  /* Asking for nothing known is refused (5) once the name is found: the unknown rights say why. */
  if (rc == KOBJNS_ACCESS_DENIED && !known && other) return failed(refusal);
  if (rc) return failed((DWORD)rc);
  if (other) {
    kobjns_sync_close(s);
    return failed(refusal);
  }
  HANDLE h = kobjns__facade_handle(s);
  kobjns__facade_inherit(h, inherit);
  return h;
}

static HANDLE open_a(kobjns_type type, DWORD access, BOOL inherit, LPCSTR name) {
  DWORD error = kobjns__facade_check_ansi_name(name);
  if (error) return failed(error);
  return open_object(type, access, inherit, name);
}

static HANDLE open_w(kobjns_type type, DWORD access, BOOL inherit, LPCWSTR name) {
  char *utf8;
  DWORD error = utf8_name(name, &utf8);
  if (error) return failed(error);
  HANDLE h = open_object(type, access, inherit, utf8);
  free(utf8);
  return h;
}

KOBJNS_WIN32_API HANDLE WINAPI OpenMutexA(DWORD access, BOOL inherit, LPCSTR name) {
  return open_a(KOBJNS_TYPE_MUTEX, access, inherit, name);
}

KOBJNS_WIN32_API HANDLE WINAPI OpenMutexW(DWORD access, BOOL inherit, LPCWSTR name) {
  return open_w(KOBJNS_TYPE_MUTEX, access, inherit, name);
}

KOBJNS_WIN32_API HANDLE WINAPI OpenEventA(DWORD access, BOOL inherit, LPCSTR name) {
  return open_a(KOBJNS_TYPE_EVENT, access, inherit, name);
}

KOBJNS_WIN32_API HANDLE WINAPI OpenEventW(DWORD access, BOOL inherit, LPCWSTR name) {
  return open_w(KOBJNS_TYPE_EVENT, access, inherit, name);
}

KOBJNS_WIN32_API HANDLE WINAPI OpenSemaphoreA(DWORD access, BOOL inherit, LPCSTR name) {
  return open_a(KOBJNS_TYPE_SEMAPHORE, access, inherit, name);
}

KOBJNS_WIN32_API HANDLE WINAPI OpenSemaphoreW(DWORD access, BOOL inherit, LPCWSTR name) {
  return open_w(KOBJNS_TYPE_SEMAPHORE, access, inherit, name);
}

/* --- waitable timers ------------------------------------------------------------------------ */

KOBJNS_WIN32_API HANDLE WINAPI CreateWaitableTimerA(LPSECURITY_ATTRIBUTES sa, BOOL manual_reset,
                                                    LPCSTR name) {
  create_call c = {.type = KOBJNS_TYPE_TIMER, .manual_reset = manual_reset};
  return create_a(&c, sa, name);
}

KOBJNS_WIN32_API HANDLE WINAPI CreateWaitableTimerW(LPSECURITY_ATTRIBUTES sa, BOOL manual_reset,
                                                    LPCWSTR name) {
  create_call c = {.type = KOBJNS_TYPE_TIMER, .manual_reset = manual_reset};
  return create_w(&c, sa, name);
}

/* The Ex forms: flags other than CREATE_WAITABLE_TIMER_MANUAL_RESET and _HIGH_RESOLUTION (which
 * changes nothing here: every timer has the clock's resolution) are 87. The handle has the
 * access asked (MAXIMUM_ALLOWED: all): the create's handle, narrowed by a duplicate. */
#ifndef CREATE_WAITABLE_TIMER_HIGH_RESOLUTION
#define CREATE_WAITABLE_TIMER_HIGH_RESOLUTION 0x00000002
#endif
#define TIMER_EX_FLAGS (CREATE_WAITABLE_TIMER_MANUAL_RESET | CREATE_WAITABLE_TIMER_HIGH_RESOLUTION)

/* The Ex forms' flags as a create: FALSE for flags it does not know. */
static bool timer_ex_call(DWORD flags, create_call *c) {
  *c = (create_call){.type = KOBJNS_TYPE_TIMER,
                     .manual_reset = (flags & CREATE_WAITABLE_TIMER_MANUAL_RESET) != 0};
  return !(flags & ~(DWORD)TIMER_EX_FLAGS);
}

/* A new handle `h` with only `access`: the same handle for all of a timer's rights, else a
 * duplicate that has them (the create's handle closed), keeping the create's last error. */
static HANDLE with_access(HANDLE h, DWORD access) {
  if (!h || (access & MAXIMUM_ALLOWED) || access == TIMER_ALL_ACCESS) return h;
  DWORD error = GetLastError();
  void *narrowed = NULL;
  int rc = kobjns_duplicate(h, access, DUPLICATE_CLOSE_SOURCE, &narrowed);
  if (rc) return failed((DWORD)rc); /* rights no timer has */
  SetLastError(error);
  return narrowed;
}

KOBJNS_WIN32_API HANDLE WINAPI CreateWaitableTimerExA(LPSECURITY_ATTRIBUTES sa, LPCSTR name,
                                                      DWORD flags, DWORD access) {
  create_call c;
  if (!timer_ex_call(flags, &c)) return failed(ERROR_INVALID_PARAMETER);
  return with_access(create_a(&c, sa, name), access);
}

KOBJNS_WIN32_API HANDLE WINAPI CreateWaitableTimerExW(LPSECURITY_ATTRIBUTES sa, LPCWSTR name,
                                                      DWORD flags, DWORD access) {
  create_call c;
  if (!timer_ex_call(flags, &c)) return failed(ERROR_INVALID_PARAMETER);
  return with_access(create_w(&c, sa, name), access);
}

KOBJNS_WIN32_API HANDLE WINAPI OpenWaitableTimerA(DWORD access, BOOL inherit, LPCSTR name) {
  return open_a(KOBJNS_TYPE_TIMER, access, inherit, name);
}

KOBJNS_WIN32_API HANDLE WINAPI OpenWaitableTimerW(DWORD access, BOOL inherit, LPCWSTR name) {
  return open_w(KOBJNS_TYPE_TIMER, access, inherit, name);
}

/* The program's routine is WINAPI (ms_abi on x86-64): called through its own type; it travels as
 * the portable routine's `arg`, its argument as the context. */
static void run_timer_routine(void *data, uintptr_t routine_bits, uint64_t signaled_at) {
  PTIMERAPCROUTINE routine;
  memcpy(&routine, &routine_bits, sizeof routine);
  routine(data, (DWORD)signaled_at, (DWORD)(signaled_at >> 32));
}

/* fResume (waking a suspended system) cannot be done: the timer is set, and the answer is TRUE
 * with ERROR_NOT_SUPPORTED, as SetWaitableTimer's documentation says of such systems. */
KOBJNS_WIN32_API BOOL WINAPI SetWaitableTimer(HANDLE h, const LARGE_INTEGER *due, LONG period,
                                              PTIMERAPCROUTINE routine, LPVOID arg, BOOL resume) {
  if (!due) {
    SetLastError(ERROR_NOACCESS); /* Windows' kernel cannot read it */
    return FALSE;
  }
  uintptr_t routine_bits = 0;
  _Static_assert(sizeof routine_bits == sizeof routine, "a function pointer in a uintptr_t");
  memcpy(&routine_bits, &routine, sizeof routine_bits);
  int rc = kobjns_timer_set(kobjns__facade_sync(h), due->QuadPart, period,
                            routine ? run_timer_routine : NULL, arg, routine_bits);
  if (rc) return answer(rc);
  if (resume) SetLastError(ERROR_NOT_SUPPORTED);
  return TRUE;
}

KOBJNS_WIN32_API BOOL WINAPI CancelWaitableTimer(HANDLE h) {
  return answer(kobjns_timer_cancel(kobjns__facade_sync(h)));
}

/* --- releases ------------------------------------------------------------------------------------
 * A section's handle is the wrong type: ERROR_INVALID_HANDLE, as a closed one (and the portable
 * call answers 6 for a mutex, event or semaphore of the wrong type: Windows checks the type before
 * the access). */

KOBJNS_WIN32_API BOOL WINAPI ReleaseMutex(HANDLE h) {
  /* 288 when this thread does not own it */
  return answer(kobjns_mutex_release(kobjns__facade_sync(h)));
}

KOBJNS_WIN32_API BOOL WINAPI SetEvent(HANDLE h) {
  return answer(kobjns_event_set(kobjns__facade_sync(h)));
}

KOBJNS_WIN32_API BOOL WINAPI ResetEvent(HANDLE h) {
  return answer(kobjns_event_reset(kobjns__facade_sync(h)));
}

/* Releases the waiters of the moment (an automatic event: the first) and leaves it reset. */
KOBJNS_WIN32_API BOOL WINAPI PulseEvent(HANDLE h) {
  return answer(kobjns_event_pulse(kobjns__facade_sync(h)));
}

/* The count is checked before the handle (as Windows' kernel does). On failure *previous is not
 * written. */
KOBJNS_WIN32_API BOOL WINAPI ReleaseSemaphore(HANDLE h, LONG count, LPLONG previous) {
  if (count <= 0) {
    SetLastError(ERROR_INVALID_PARAMETER);
    return FALSE;
  }
  int32_t before = 0;
  int rc = kobjns_semaphore_release(kobjns__facade_sync(h), (int32_t)count, &before); /* 298 */
  if (rc == 0 && previous) *previous = (LONG)before;
  return answer(rc);
}

/* --- waits ------------------------------------------------------------------------------------ */

static DWORD wait_failed(DWORD error) {
  SetLastError(error);
  return WAIT_FAILED;
}

/* A portable wait's answer as a Win32 wait's. */
static DWORD wait_result(int rc, size_t index) {
  switch (rc) {
    case 0: return WAIT_OBJECT_0 + (DWORD)index;
    case KOBJNS_ABANDONED_WAIT_0: return WAIT_ABANDONED_0 + (DWORD)index; /* the caller owns it */
    case KOBJNS_WAIT_TIMEOUT: return WAIT_TIMEOUT;
    case KOBJNS_USER_APC: return WAIT_IO_COMPLETION;
    default: return wait_failed((DWORD)rc);
  }
}

/* GetCurrentProcess() and GetCurrentThread(): the caller's own process or thread, signaled only
 * when it ends. Waiting on it from itself lasts the whole timeout (for ever with INFINITE), or
 * until queued APCs run (alertable). */
static bool is_self(HANDLE h) {
  return h == KOBJNS__CURRENT_PROCESS || h == KOBJNS__CURRENT_THREAD;
}

static DWORD wait_on_self(DWORD ms, BOOL alertable) {
  int rc = kobjns_sleep(ms, alertable ? KOBJNS_WAIT_ALERTABLE : 0);
  return rc == KOBJNS_USER_APC ? WAIT_IO_COMPLETION : WAIT_TIMEOUT;
}

/* Windows' order: the count, then each handle in turn (not a live handle: 6; without SYNCHRONIZE,
 * which a section's handle never has: 5; in a wait for all, a handle given twice: 87), then the
 * wait: the portable wait checks the handles in that order. */
static DWORD wait_for(DWORD count, const HANDLE *handles, BOOL wait_all, DWORD ms, BOOL alertable) {
  if (count == 0 || count > MAXIMUM_WAIT_OBJECTS) return wait_failed(ERROR_INVALID_PARAMETER);
  if (!handles) return wait_failed(ERROR_NOACCESS); /* Windows' kernel cannot read the array */
  kobjns_sync *objects[MAXIMUM_WAIT_OBJECTS];
  for (DWORD i = 0; i < count; i++) objects[i] = kobjns__facade_sync(handles[i]);
  unsigned flags = (wait_all ? KOBJNS_WAIT_ALL : 0) | (alertable ? KOBJNS_WAIT_ALERTABLE : 0);
  size_t index = 0;
  int rc = kobjns_wait_ex(objects, count, flags, ms, &index);
  return wait_result(rc, index);
}

KOBJNS_WIN32_API DWORD WINAPI WaitForSingleObject(HANDLE h, DWORD ms) {
  return WaitForSingleObjectEx(h, ms, FALSE);
}

/* The pseudo handles of the caller's process and thread are refused here (6), as on Windows. */
KOBJNS_WIN32_API DWORD WINAPI WaitForMultipleObjects(DWORD count, const HANDLE *handles,
                                                     BOOL wait_all, DWORD ms) {
  return wait_for(count, handles, wait_all, ms, FALSE);
}

/* The alertable forms: APCs queued to the thread (QueueUserAPC) run inside the wait, which then
 * returns WAIT_IO_COMPLETION; the objects are looked at first. */
KOBJNS_WIN32_API DWORD WINAPI WaitForSingleObjectEx(HANDLE h, DWORD ms, BOOL alertable) {
  if (is_self(h)) return wait_on_self(ms, alertable);
  return wait_for(1, &h, FALSE, ms, alertable);
}

KOBJNS_WIN32_API DWORD WINAPI WaitForMultipleObjectsEx(DWORD count, const HANDLE *handles,
                                                       BOOL wait_all, DWORD ms, BOOL alertable) {
  return wait_for(count, handles, wait_all, ms, alertable);
}

/* Signals a mutex (release), an event (set) or a semaphore (release 1) and waits, as one
 * operation: the wait is queued before anyone sees the signal. A failed signal waits for
 * nothing. Another kind of handle to signal is 6, as on Windows. */
KOBJNS_WIN32_API DWORD WINAPI SignalObjectAndWait(HANDLE signal, HANDLE wait, DWORD ms,
                                                  BOOL alertable) {
  /* The pseudo-handles of the caller's process and thread: refused (6) either way, as
   * WaitForMultipleObjects refuses them (docs/porting.md). */
  if (is_self(signal) || is_self(wait)) return wait_failed(ERROR_INVALID_HANDLE);
  int rc = kobjns_signal_and_wait(kobjns__facade_sync(signal), kobjns__facade_sync(wait), ms,
                                  alertable ? KOBJNS_WAIT_ALERTABLE : 0);
  return wait_result(rc, 0);
}
