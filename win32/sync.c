/* Win32 mutexes, events and semaphores: the native objects, on the name the core resolved.
 * Windows keeps ownership, abandonment, counts, waits, security and privileges; the statuses
 * are its GetLastError() values. */
#include "win32.h"

#include <stdlib.h>

static HANDLE open_kind(unsigned kind, unsigned access, const wchar_t *name) {
  switch (kind) {
    case KOBJNS_TYPE_MUTEX: return OpenMutexW(access, FALSE, name);
    case KOBJNS_TYPE_EVENT: return OpenEventW(access, FALSE, name);
    default: return OpenSemaphoreW(access, FALSE, name);
  }
}

int kobjns__os_sync_open(const kobjns_ctx *ctx, const kobjns__name *name, unsigned kind,
                         unsigned desired, kobjns_sync *s) {
  wchar_t *wname;
  int rc = kobjns__win32_name(ctx, name, &wname);
  if (rc) return rc;
  HANDLE h = open_kind(kind, desired, wname);
  DWORD error = GetLastError();
  free(wname);
  if (!h) return kobjns__status_from_win32(error);
  s->os.handle = h;
  s->access = desired;
  return 0;
}

int kobjns__os_sync_create(const kobjns_ctx *ctx, const kobjns__sync_args *a, kobjns_sync *s) {
  wchar_t *wname = NULL;
  int rc = a->name ? kobjns__win32_name(ctx, a->name, &wname) : 0;
  if (rc) return rc;
  unsigned all = kobjns__type(a->kind)->mapping->all;
  if (a->name && !kobjns__may_create_in(ctx, a->name)) {
    /* Without SeCreateGlobalPrivilege a create can only find an existing object. */
    HANDLE h = open_kind(a->kind, all, wname);
    DWORD error = GetLastError();
    free(wname);
    if (!h)
      return error == ERROR_FILE_NOT_FOUND ? KOBJNS_ACCESS_DENIED
                                           : kobjns__status_from_win32(error);
    s->os.handle = h;
    s->access = all;
    return KOBJNS_ALREADY_EXISTS;
  }
  SECURITY_ATTRIBUTES sa;
  if ((rc = kobjns__win32_security(a->sddl, a->sd, &sa))) {
    free(wname);
    return rc;
  }
  HANDLE h;
  switch (a->kind) {
    case KOBJNS_TYPE_MUTEX: h = CreateMutexW(&sa, a->initial_owner, wname); break;
    case KOBJNS_TYPE_EVENT: h = CreateEventW(&sa, a->manual_reset, a->initial_state, wname); break;
    default: h = CreateSemaphoreW(&sa, a->initial, a->maximum, wname); break;
  }
  DWORD error = GetLastError();
  if (sa.lpSecurityDescriptor) LocalFree(sa.lpSecurityDescriptor);
  free(wname);
  if (!h) return kobjns__status_from_win32(error);
  s->os.handle = h;
  s->access = all; /* a create asks for ALL_ACCESS, of a new object or an existing one */
  return error == ERROR_ALREADY_EXISTS ? KOBJNS_ALREADY_EXISTS : 0;
}

int kobjns__os_mutex_release(kobjns_sync *s) {
  return ReleaseMutex(s->os.handle) ? 0 : kobjns__status_from_win32(GetLastError());
}

int kobjns__os_event_set(kobjns_sync *s, bool signaled) {
  BOOL ok = signaled ? SetEvent(s->os.handle) : ResetEvent(s->os.handle);
  return ok ? 0 : kobjns__status_from_win32(GetLastError());
}

int kobjns__os_semaphore_release(kobjns_sync *s, int32_t count, int32_t *previous) {
  LONG before = 0;
  if (!ReleaseSemaphore(s->os.handle, count, &before))
    return kobjns__status_from_win32(GetLastError());
  if (previous) *previous = before;
  return 0;
}

int kobjns__os_wait(kobjns_sync *const *objects, size_t count, bool wait_all, uint32_t timeout_ms,
                    size_t *index) {
  HANDLE handles[KOBJNS_MAXIMUM_WAIT_OBJECTS];
  for (size_t i = 0; i < count; i++) handles[i] = objects[i]->os.handle;
  DWORD r = count == 1 ? WaitForSingleObject(handles[0], timeout_ms)
                       : WaitForMultipleObjects((DWORD)count, handles, wait_all, timeout_ms);
  *index = 0;
  if (r < WAIT_OBJECT_0 + count) {
    *index = wait_all ? 0 : r - WAIT_OBJECT_0;
    return 0;
  }
  if (r >= WAIT_ABANDONED_0 && r < WAIT_ABANDONED_0 + count) {
    *index = r - WAIT_ABANDONED_0;
    return KOBJNS_ABANDONED_WAIT_0;
  }
  if (r == WAIT_TIMEOUT) return KOBJNS_WAIT_TIMEOUT;
  return kobjns__status_from_win32(GetLastError());
}

void kobjns__os_sync_close(kobjns_sync *s) { CloseHandle(s->os.handle); }
