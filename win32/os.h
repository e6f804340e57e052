/* Win32 backend types embedded in the portable structs. No <windows.h> here: src/ includes this
 * file, and a HANDLE is a pointer. */
#ifndef KOBJNS_WIN32_OS_H
#define KOBJNS_WIN32_OS_H

#include <stdint.h>

typedef struct kobjns__os_ctx {
  uint32_t real_session; /* the session Windows put this process in */
} kobjns__os_ctx;

typedef struct kobjns__os_object {
  void *handle;       /* the section's, mutex's, event's, semaphore's, thread's or timer's HANDLE */
  int thread_started; /* a thread: let run (else it never ran, and goes with the handle) */
  void *completion;   /* a timer: the routine this handle set (win32/sync.c), or NULL */
  void *timer_lock;   /* a timer: an SRWLOCK (one pointer; zero is unlocked) around its sets */
} kobjns__os_object;

#endif
