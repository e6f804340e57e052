/* CloseHandle, DuplicateHandle, Get/SetHandleInformation and the thread's last error. HANDLEs are
 * the library's own handle values (facade.h): the table is the library's, shared with the portable
 * API. */
#include <stdbool.h>

#include "facade.h"

static _Thread_local DWORD last_error;

KOBJNS_WIN32_API DWORD WINAPI GetLastError(void) { return last_error; }
KOBJNS_WIN32_API void WINAPI SetLastError(DWORD error) { last_error = error; }

/* Sections, mutexes, events, semaphores and threads alike. The handle ends now; its object closes
 * now, or when the calls still using it (a wait in another thread) return. */
KOBJNS_WIN32_API BOOL WINAPI CloseHandle(HANDLE h) {
  if (h == KOBJNS__CURRENT_THREAD) return TRUE; /* a pseudo-handle: nothing to close */
  int rc = kobjns_close(h);
  if (rc) SetLastError((DWORD)rc);
  return rc == 0;
}

/* GetHandleInformation, SetHandleInformation: HANDLE_FLAG_INHERIT (kept and reported: nothing
 * inherits handles yet) and HANDLE_FLAG_PROTECT_FROM_CLOSE (CloseHandle then fails with
 * ERROR_INVALID_HANDLE, as NtClose's STATUS_HANDLE_NOT_CLOSABLE). */
KOBJNS_WIN32_API BOOL WINAPI GetHandleInformation(HANDLE h, LPDWORD flags) {
  if (!flags) {
    SetLastError(ERROR_NOACCESS);
    return FALSE;
  }
  unsigned value = 0;
  int rc = kobjns_handle_flags(h, &value);
  if (rc) {
    SetLastError((DWORD)rc);
    return FALSE;
  }
  *flags = value;
  return TRUE;
}

KOBJNS_WIN32_API BOOL WINAPI SetHandleInformation(HANDLE h, DWORD mask, DWORD flags) {
  int rc = kobjns_handle_set_flags(h, mask, flags);
  if (rc) SetLastError((DWORD)rc);
  return rc == 0;
}

void kobjns__facade_inherit(HANDLE h, BOOL inherit) {
  if (h && inherit) kobjns_handle_set_flags(h, HANDLE_FLAG_INHERIT, HANDLE_FLAG_INHERIT);
}

/* Whether `process` is a process handle: 0 with *self (this process: GetCurrentProcess(), or a
 * handle of our own id that may also ask it, PROCESS_QUERY_LIMITED_INFORMATION), or 6; 5
 * without PROCESS_DUP_HANDLE. */
static int process_of(HANDLE process, bool *self) {
  *self = process == KOBJNS__CURRENT_PROCESS;
  if (*self) return 0;
  kobjns_type type;
  unsigned access = 0;
  uint32_t pid = 0;
  if (kobjns_handle_type(process, &type) || type != KOBJNS_TYPE_PROCESS)
    return KOBJNS_INVALID_HANDLE;
  kobjns_sync_access(process, &access);
  if (!(access & PROCESS_DUP_HANDLE)) return KOBJNS_ACCESS_DENIED;
  *self = kobjns_process_id(process, &pid) == 0 && pid == kobjns_current_process_id();
  return 0;
}

/* Within the calling process (both process handles GetCurrentProcess(), or handles of our own
 * process with PROCESS_DUP_HANDLE): a new handle to the same object, with DUPLICATE_SAME_ACCESS
 * the source's access, else dwDesiredAccess, which must be rights the source has
 * (ERROR_ACCESS_DENIED otherwise: Windows may grant more where the object's descriptor allows).
 * DUPLICATE_CLOSE_SOURCE closes the source whatever happens. From or into another process:
 * ERROR_NOT_SUPPORTED (docs/porting.md says why); a handle that is no process's is
 * ERROR_INVALID_HANDLE. The pseudo-handles of the process and thread cannot be duplicated here
 * (ERROR_NOT_SUPPORTED: no object stands for them). */
KOBJNS_WIN32_API BOOL WINAPI DuplicateHandle(HANDLE source_process, HANDLE source,
                                             HANDLE target_process, LPHANDLE target, DWORD access,
                                             BOOL inherit, DWORD options) {
  bool source_self = false, target_self = false;
  int rc = process_of(source_process, &source_self);
  if (!rc) rc = process_of(target_process, &target_self);
  /* From another process into ours: kobjns_duplicate_from (which says what the system needs). */
  bool from_another = !rc && !source_self && target_self;
  if (!rc && !from_another && (!source_self || !target_self))
    rc = KOBJNS_NOT_SUPPORTED;
  else if (!rc && (source == KOBJNS__CURRENT_PROCESS || source == KOBJNS__CURRENT_THREAD))
    rc = KOBJNS_NOT_SUPPORTED;
  if (rc) {
    /* "This occurs regardless of any error status returned" (DuplicateHandle): a source of
     * ours is closed all the same. */
    if ((options & DUPLICATE_CLOSE_SOURCE) && source_self && rc == KOBJNS_NOT_SUPPORTED &&
        source != KOBJNS__CURRENT_PROCESS && source != KOBJNS__CURRENT_THREAD)
      kobjns_close(source);
    SetLastError((DWORD)rc);
    return FALSE;
  }
  void *copy = NULL;
  rc = from_another ? kobjns_duplicate_from(source_process, (uint32_t)(uintptr_t)source, access,
                                            options, &copy)
                    : kobjns_duplicate(source, access, options, &copy);
  if (rc) {
    SetLastError((DWORD)rc);
    return FALSE;
  }
  kobjns__facade_inherit(copy, inherit);
  if (target)
    *target = copy;
  else
    kobjns_close(copy); /* the caller does not want it */
  return TRUE;
}
