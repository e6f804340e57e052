/* Win32 mutexes, events and semaphores: the native objects, on the name the core resolved.
 * Windows keeps ownership, abandonment, counts, waits, security and privileges; the statuses
 * are its GetLastError() values. */
#include "win32.h"

#include <stdlib.h>

HANDLE kobjns__win32_open_sync(kobjns_type type, unsigned access, const wchar_t *name) {
  switch (type) {
    case KOBJNS_TYPE_MUTEX: return OpenMutexW(access, FALSE, name);
    case KOBJNS_TYPE_EVENT: return OpenEventW(access, FALSE, name);
    case KOBJNS_TYPE_TIMER: return OpenWaitableTimerW(access, FALSE, name);
    default: return OpenSemaphoreW(access, FALSE, name);
  }
}

HANDLE kobjns__win32_create_sync(const kobjns__create_args *a, SECURITY_ATTRIBUTES *sa,
                                 const wchar_t *name) {
  switch (a->type) {
    case KOBJNS_TYPE_MUTEX: return CreateMutexW(sa, a->initial_owner, name);
    case KOBJNS_TYPE_EVENT: return CreateEventW(sa, a->manual_reset, a->initial_state, name);
    case KOBJNS_TYPE_TIMER:
      return CreateWaitableTimerExW(sa, name,
                                    a->manual_reset ? CREATE_WAITABLE_TIMER_MANUAL_RESET : 0,
                                    a->desired | a->existing_access);
    default: return CreateSemaphoreW(sa, a->initial, a->maximum, name);
  }
}

int kobjns__os_mutex_release(kobjns__object *s) {
  return ReleaseMutex(s->os.handle) ? 0 : kobjns__status_from_win32(GetLastError());
}

int kobjns__os_event_set(kobjns__object *s, bool signaled) {
  BOOL ok = signaled ? SetEvent(s->os.handle) : ResetEvent(s->os.handle);
  return ok ? 0 : kobjns__status_from_win32(GetLastError());
}

int kobjns__os_event_pulse(kobjns__object *s) {
  return PulseEvent(s->os.handle) ? 0 : kobjns__status_from_win32(GetLastError());
}

int kobjns__os_semaphore_release(kobjns__object *s, int32_t count, int32_t *previous) {
  LONG before = 0;
  if (!ReleaseSemaphore(s->os.handle, count, &before))
    return kobjns__status_from_win32(GetLastError());
  if (previous) *previous = before;
  return 0;
}

/* --- timers ------------------------------------------------------------------------------------
 * Windows' own. A completion routine goes through a record of the handle's (Windows passes one
 * pointer), which the next set or cancel through that handle, or its close, frees: a set and a
 * cancel remove the APC the timer may have queued, and the close cancels the timer first (the
 * kobjns rule on every backend: docs/api.md), so no APC can use a freed record. */
static void CALLBACK call_completion(void *p, DWORD low, DWORD high) {
  const kobjns__completion *c = p;
  c->fn(c->context, c->arg, (uint64_t)high << 32 | low);
}

int kobjns__os_timer_set(kobjns__object *t, int64_t due, int32_t period_ms,
                         const kobjns__completion *c) {
  kobjns__completion *record = NULL;
  if (c) {
    if (!(record = malloc(sizeof *record))) return KOBJNS_NOT_ENOUGH_MEMORY;
    *record = *c;
  }
  LARGE_INTEGER when = {.QuadPart = due};
  /* One set or cancel through this handle at a time: the record Windows holds is the one kept. */
  AcquireSRWLockExclusive((PSRWLOCK)&t->os.timer_lock);
  void *old = record;
  DWORD error = 0;
  if (SetWaitableTimer(t->os.handle, &when, period_ms, record ? call_completion : NULL, record,
                       FALSE)) {
    old = t->os.completion; /* its APC, if queued, was removed by the set */
    t->os.completion = record;
  } else {
    error = GetLastError();
  }
  ReleaseSRWLockExclusive((PSRWLOCK)&t->os.timer_lock);
  free(old);
  return error ? kobjns__status_from_win32(error) : 0;
}

int kobjns__os_timer_cancel(kobjns__object *t) {
  AcquireSRWLockExclusive((PSRWLOCK)&t->os.timer_lock);
  void *old = NULL;
  DWORD error = 0;
  if (CancelWaitableTimer(t->os.handle)) {
    old = t->os.completion;
    t->os.completion = NULL;
  } else {
    error = GetLastError();
  }
  ReleaseSRWLockExclusive((PSRWLOCK)&t->os.timer_lock);
  free(old);
  return error ? kobjns__status_from_win32(error) : 0;
}

/* Windows' own waits: alertable ones run the queued APCs inside (WAIT_IO_COMPLETION: 737), and
 * SignalObjectAndWait is one kernel operation. */
int kobjns__os_wait(const kobjns__wait_args *a, size_t *index) {
  HANDLE handles[KOBJNS_MAXIMUM_WAIT_OBJECTS];
  size_t count = a->count;
  for (size_t i = 0; i < count; i++) handles[i] = a->objects[i]->os.handle;
  BOOL alertable = a->alertable;
  DWORD r =
      a->signal ? SignalObjectAndWait(a->signal->os.handle, handles[0], a->timeout_ms, alertable)
      : count == 1
          ? WaitForSingleObjectEx(handles[0], a->timeout_ms, alertable)
          : WaitForMultipleObjectsEx((DWORD)count, handles, a->wait_all, a->timeout_ms, alertable);
  *index = 0;
  if (r < WAIT_OBJECT_0 + count) {
    *index = a->wait_all ? 0 : r - WAIT_OBJECT_0;
    return 0;
  }
  if (r >= WAIT_ABANDONED_0 && r < WAIT_ABANDONED_0 + count) {
    *index = r - WAIT_ABANDONED_0;
    return KOBJNS_ABANDONED_WAIT_0;
  }
  if (r == WAIT_TIMEOUT) return KOBJNS_WAIT_TIMEOUT;
  if (r == WAIT_IO_COMPLETION) return KOBJNS_USER_APC;
  return kobjns__status_from_win32(GetLastError());
}

int kobjns__os_sleep(uint32_t ms, bool alertable) {
  return SleepEx(ms, alertable) == WAIT_IO_COMPLETION ? KOBJNS_USER_APC : 0;
}
