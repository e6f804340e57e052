/* Every type's create and open: the native call on the name the core resolved, so that Windows
 * sees the very object the canonical path names. Windows checks security descriptors,
 * privileges and protections; the statuses are its GetLastError() values. */
#include "win32.h"

#include <stdlib.h>

static HANDLE open_type(kobjns_type type, unsigned access, const wchar_t *name, unsigned *granted) {
  if (type == KOBJNS_TYPE_SECTION) return kobjns__win32_open_section(access, name, granted);
  *granted = access;
  return kobjns__win32_open_sync(type, access, name);
}

/* Keep `h`, granted `granted`, in `o`, with its facts. */
static void keep(HANDLE h, kobjns_type type, unsigned granted, kobjns__object *o,
                 kobjns__facts *facts) {
  o->os.handle = h;
  if (type == KOBJNS_TYPE_SECTION) kobjns__win32_section_facts(h, granted, facts);
}

int kobjns__os_open(const kobjns_ctx *ctx, const kobjns__name *name, kobjns_type type,
                    unsigned desired, kobjns__object *o, kobjns__facts *facts) {
  wchar_t *wname;
  int rc = kobjns__win32_name(ctx, name, &wname);
  if (rc) return rc;
  unsigned granted;
  HANDLE h = open_type(type, desired, wname, &granted);
  DWORD error = GetLastError();
  free(wname);
  if (!h) {
    /* Windows' access check is the descriptor's verdict (no other check refuses an open). */
    if (error == ERROR_ACCESS_DENIED) facts->denial = KOBJNS_DENIAL_DESCRIPTOR;
    return kobjns__status_from_win32(error);
  }
  keep(h, type, granted, o, facts);
  return 0;
}

int kobjns__os_create(const kobjns_ctx *ctx, const kobjns__create_args *a, kobjns__object *o,
                      kobjns__facts *facts) {
  /* A process's handle, or its first thread's: process.c fills them as it starts or opens it. */
  if (a->type == KOBJNS_TYPE_PROCESS || (a->type == KOBJNS_TYPE_THREAD && !a->start)) {
    o->os.handle = NULL;
    o->os.thread_started = 1;
    return 0;
  }
  wchar_t *wname = NULL;
  int rc = a->name ? kobjns__win32_name(ctx, a->name, &wname) : 0;
  if (rc) return rc;
  if (!a->may_create) {
    /* The core's privilege verdict: only an existing object will do. */
    unsigned granted;
    HANDLE h = open_type(a->type, a->existing_access, wname, &granted);
    DWORD error = GetLastError();
    free(wname);
    if (!h)
      return error == ERROR_FILE_NOT_FOUND ? KOBJNS_ACCESS_DENIED
                                           : kobjns__status_from_win32(error);
    keep(h, a->type, a->existing_access, o, facts);
    return KOBJNS_ALREADY_EXISTS;
  }
  SECURITY_ATTRIBUTES sa;
  if ((rc = kobjns__win32_security(a->sddl, a->sd, &sa))) {
    free(wname);
    return rc;
  }
  HANDLE h = a->type == KOBJNS_TYPE_SECTION  ? kobjns__win32_create_section(a, &sa, wname)
             : a->type == KOBJNS_TYPE_THREAD ? kobjns__win32_create_thread(a)
                                             : kobjns__win32_create_sync(a, &sa, wname);
  DWORD error = GetLastError();
  if (sa.lpSecurityDescriptor) LocalFree(sa.lpSecurityDescriptor);
  free(wname);
  if (!h) {
    /* A named create refused access: an existing object's descriptor said no when an open for
     * the least right finds an object there (that open succeeds, or is refused too); else the
     * create itself was refused (the namespace's directory, say). */
    if (error == ERROR_ACCESS_DENIED && a->name) {
      wchar_t *again = NULL;
      unsigned granted;
      if (!kobjns__win32_name(ctx, a->name, &again)) {
        HANDLE probe = open_type(
            a->type, a->type == KOBJNS_TYPE_SECTION ? KOBJNS__SECTION_QUERY : KOBJNS__SYNCHRONIZE,
            again, &granted);
        if (probe || GetLastError() == ERROR_ACCESS_DENIED)
          facts->denial = KOBJNS_DENIAL_DESCRIPTOR;
        if (probe) CloseHandle(probe);
        free(again);
      }
    }
    /* A pagefile-backed section Windows cannot commit is out of memory, whichever word it uses
     * (8, or 1450 "no system resources"). */
    rc = kobjns__status_from_win32(error);
    return (rc == KOBJNS_NOT_ENOUGH_MEMORY || rc == KOBJNS_NO_SYSTEM_RESOURCES) &&
                   a->type == KOBJNS_TYPE_SECTION
               ? KOBJNS_COMMITMENT_LIMIT
               : rc;
  }
  bool existed = error == ERROR_ALREADY_EXISTS;
  keep(h, a->type, existed ? a->existing_access : a->desired | a->existing_access, o, facts);
  /* A new section's protection is the one asked; Windows keeps an existing one's to itself. */
  facts->read_only = !existed && a->read_only;
  facts->executable = !existed && a->executable;
  facts->protection_known = !existed;
  return existed ? KOBJNS_ALREADY_EXISTS : 0;
}

int kobjns__os_duplicate(kobjns__object *from, kobjns__object *to, bool move) {
  HANDLE self = GetCurrentProcess(), h = NULL;
  if (!DuplicateHandle(self, from->os.handle, self, &h, to->access, FALSE, 0))
    return kobjns__status_from_win32(GetLastError());
  to->os.handle = h;
  to->os.thread_started = from->os.thread_started;
  /* A timer's routine belongs to the handle that set it, and moves with a source being closed. */
  if (move && from->type == KOBJNS_TYPE_TIMER) {
    AcquireSRWLockExclusive((PSRWLOCK)&from->os.timer_lock);
    to->os.completion = from->os.completion;
    from->os.completion = NULL;
    ReleaseSRWLockExclusive((PSRWLOCK)&from->os.timer_lock);
  }
  return 0;
}

void kobjns__os_close(kobjns__object *o) {
  /* A thread made but never let run (its start failed) would stay suspended for ever. */
  if (o->type == KOBJNS_TYPE_THREAD && !o->os.thread_started && o->os.handle)
    TerminateThread(o->os.handle, 0);
  if (o->type == KOBJNS_TYPE_TIMER && o->os.completion) kobjns__os_timer_cancel(o);
  if (o->type == KOBJNS_TYPE_DIRECTORY && o->os.handle)
    ClosePrivateNamespace(o->os.handle, 0); /* its alias goes with it */
  else if (o->os.handle)
    CloseHandle(o->os.handle);
}

/* --- inheritance: a copy is an inheritable HANDLE's value ------------------------------------- */

int kobjns__os_inherit_copy(kobjns__object *o, uint64_t *copy) {
  HANDLE self = GetCurrentProcess(), h = NULL;
  if (!o->os.handle || o->type == KOBJNS_TYPE_DIRECTORY) return KOBJNS_NOT_SUPPORTED;
  if (!DuplicateHandle(self, o->os.handle, self, &h, 0, TRUE, DUPLICATE_SAME_ACCESS))
    return kobjns__status_from_win32(GetLastError());
  *copy = (uint64_t)(uintptr_t)h;
  return 0;
}

void kobjns__os_inherit_drop(uint64_t copy) { CloseHandle((HANDLE)(uintptr_t)copy); }

int kobjns__os_inherit_adopt(uint64_t copy, kobjns_type type, unsigned access, kobjns__object **out,
                             kobjns__facts *facts) {
  HANDLE h = (HANDLE)(uintptr_t)copy;
  DWORD flags;
  if (!GetHandleInformation(h, &flags)) return KOBJNS_INVALID_HANDLE; /* not a handle here */
  kobjns__object *o = kobjns__object_new(type, NULL);
  if (!o) return KOBJNS_NOT_ENOUGH_MEMORY;
  /* The process's own now: a child of its own gets it only if asked again. */
  if (flags & HANDLE_FLAG_INHERIT) SetHandleInformation(h, HANDLE_FLAG_INHERIT, 0);
  keep(h, type, access, o, facts);
  o->os.thread_started = 1;
  *out = o;
  return 0;
}
