/* Threads: Windows' own. The create makes the thread suspended (the core registers its handle
 * before anything runs), and the start lets it go unless the caller asked it suspended. */
#include "win32.h"

#include <stdlib.h>

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

void kobjns__os_thread_exit(uint32_t code) { ExitThread(code); }

uint32_t kobjns__os_current_thread_id(void) { return GetCurrentThreadId(); }
