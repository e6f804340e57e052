/* CloseHandle and the thread's last error. HANDLEs are the library's own handle values
 * (facade.h): the table is the library's, shared with the portable API. */
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
