/* Processes: CreateProcessA/W, OpenProcess, GetExitCodeProcess, TerminateProcess, ExitProcess,
 * GetCurrentProcessId, GetProcessId. A process is the portable API's process object, so its
 * HANDLE (and its first thread's) waits with the facade's other objects; a child started with
 * bInheritHandles gets the handles marked inheritable at the same values (docs/porting.md). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "facade.h"

static BOOL failed_with(DWORD error) {
  SetLastError(error);
  return FALSE;
}

/* The creation flags that change nothing here: consoles, windows, priorities, groups, error
 * modes and the environment's encoding are Windows' own (docs/porting.md). */
#define IGNORED_FLAGS                                                                              \
  (CREATE_NEW_CONSOLE | CREATE_NO_WINDOW | DETACHED_PROCESS | CREATE_NEW_PROCESS_GROUP |           \
   CREATE_UNICODE_ENVIRONMENT | CREATE_DEFAULT_ERROR_MODE | CREATE_SEPARATE_WOW_VDM |              \
   CREATE_SHARED_WOW_VDM | CREATE_BREAKAWAY_FROM_JOB | CREATE_PRESERVE_CODE_AUTHZ_LEVEL |          \
   INHERIT_PARENT_AFFINITY | NORMAL_PRIORITY_CLASS | IDLE_PRIORITY_CLASS | HIGH_PRIORITY_CLASS |   \
   REALTIME_PRIORITY_CLASS | BELOW_NORMAL_PRIORITY_CLASS | ABOVE_NORMAL_PRIORITY_CLASS |           \
   EXTENDED_STARTUPINFO_PRESENT)

/* An environment block of UTF-16 strings as the UTF-8 block the portable API takes. */
static DWORD environment_utf8(const WCHAR *w, char **out) {
  size_t units = 0;
  while (w[units] || w[units + 1]) units++;
  units += 2;
  char *block = malloc(units * 3 + 1);
  if (!block) return ERROR_NOT_ENOUGH_MEMORY;
  size_t at = 0;
  for (const WCHAR *p = w; *p;) {
    char *one = NULL;
    if (kobjns__facade_utf8(p, &one)) {
      free(block);
      return ERROR_NO_UNICODE_TRANSLATION;
    }
    size_t n = strlen(one) + 1;
    memcpy(block + at, one, n);
    at += n;
    free(one);
    while (*p) p++;
    p++;
  }
  block[at++] = '\0';
  if (at == 1) block[at] = '\0';
  *out = block;
  return 0;
}

/* SetStdHandle's choices (NULL: the process's own stream). */
static HANDLE std_set[3];

/* The one start both CreateProcessA and W make, their strings in UTF-8. */
static BOOL create_process(const char *application, const char *command_line,
                           SECURITY_ATTRIBUTES *process_sa, SECURITY_ATTRIBUTES *thread_sa,
                           BOOL inherit, DWORD flags, const char *environment,
                           const char *directory, const STARTUPINFOW *si, PROCESS_INFORMATION *pi) {
  if (!si || !pi) return failed_with(ERROR_INVALID_PARAMETER);
  if (flags & (DEBUG_PROCESS | DEBUG_ONLY_THIS_PROCESS)) return failed_with(ERROR_NOT_SUPPORTED);
  if (flags & ~(IGNORED_FLAGS | CREATE_SUSPENDED)) return failed_with(ERROR_INVALID_PARAMETER);
  kobjns_process_start start = {.application = application,
                                .command_line = command_line,
                                .directory = directory,
                                .environment = environment,
                                .flags = flags & CREATE_SUSPENDED,
                                .inherit_handles = inherit != FALSE};
  /* Standard handles: pipes' ends and GetStdHandle's (a NULL or INVALID_HANDLE_VALUE one is
   * ours: a child here always has the three streams, docs/porting.md). */
  if (si->dwFlags & STARTF_USESTDHANDLES) {
    HANDLE given[3] = {si->hStdInput, si->hStdOutput, si->hStdError};
    for (int i = 0; i < 3; i++)
      if (given[i] && given[i] != INVALID_HANDLE_VALUE) start.std_handles[i] = given[i];
  } else {
    /* As on Windows, a child without STARTF_USESTDHANDLES gets what SetStdHandle set. */
    for (int i = 0; i < 3; i++)
      start.std_handles[i] = __atomic_load_n(&std_set[i], __ATOMIC_ACQUIRE);
  }
  kobjns_sync *process = NULL, *thread = NULL;
  uint32_t pid = 0, tid = 0;
  int rc = kobjns_process_create(&start, &process, &thread, &pid, &tid);
  if (rc) return failed_with((DWORD)rc);
  pi->hProcess = kobjns__facade_handle(process);
  pi->hThread = kobjns__facade_handle(thread);
  pi->dwProcessId = pid;
  pi->dwThreadId = tid;
  kobjns__facade_inherit(pi->hProcess, process_sa && process_sa->bInheritHandle);
  kobjns__facade_inherit(pi->hThread, thread_sa && thread_sa->bInheritHandle);
  return TRUE;
}

KOBJNS_WIN32_API BOOL WINAPI CreateProcessA(LPCSTR application, LPSTR command_line,
                                            LPSECURITY_ATTRIBUTES process_sa,
                                            LPSECURITY_ATTRIBUTES thread_sa, BOOL inherit,
                                            DWORD flags, LPVOID environment, LPCSTR directory,
                                            LPSTARTUPINFOA si, LPPROCESS_INFORMATION pi) {
  if (!si) return failed_with(ERROR_INVALID_PARAMETER);
  STARTUPINFOW w = {.cb = sizeof w, .dwFlags = si->dwFlags};
  w.hStdInput = si->hStdInput;
  w.hStdOutput = si->hStdOutput;
  w.hStdError = si->hStdError;
  char *env = NULL;
  if (environment && (flags & CREATE_UNICODE_ENVIRONMENT)) {
    DWORD error = environment_utf8(environment, &env);
    if (error) return failed_with(error);
  }
  BOOL ok = create_process(application, command_line, process_sa, thread_sa, inherit, flags,
                           env ? env : environment, directory, &w, pi);
  free(env);
  return ok;
}

KOBJNS_WIN32_API BOOL WINAPI CreateProcessW(LPCWSTR application, LPWSTR command_line,
                                            LPSECURITY_ATTRIBUTES process_sa,
                                            LPSECURITY_ATTRIBUTES thread_sa, BOOL inherit,
                                            DWORD flags, LPVOID environment, LPCWSTR directory,
                                            LPSTARTUPINFOW si, LPPROCESS_INFORMATION pi) {
  char *app = NULL, *line = NULL, *dir = NULL, *env = NULL;
  int rc = application ? kobjns__facade_utf8(application, &app) : 0;
  if (!rc && command_line) rc = kobjns__facade_utf8(command_line, &line);
  if (!rc && directory) rc = kobjns__facade_utf8(directory, &dir);
  if (!rc && environment)
    rc = (flags & CREATE_UNICODE_ENVIRONMENT) ? (int)environment_utf8(environment, &env) : 0;
  BOOL ok = rc ? failed_with((DWORD)rc)
               : create_process(app, line, process_sa, thread_sa, inherit, flags,
                                env ? env : environment, dir, si, pi);
  free(app);
  free(line);
  free(dir);
  free(env);
  return ok;
}

KOBJNS_WIN32_API HANDLE WINAPI OpenProcess(DWORD access, BOOL inherit, DWORD pid) {
  kobjns_sync *p = NULL;
  int rc = kobjns_process_open(pid, access, &p);
  if (rc) {
    SetLastError((DWORD)rc);
    return NULL;
  }
  HANDLE h = kobjns__facade_handle(p);
  kobjns__facade_inherit(h, inherit);
  return h;
}

KOBJNS_WIN32_API BOOL WINAPI GetExitCodeProcess(HANDLE h, LPDWORD code) {
  if (!code) return failed_with(ERROR_NOACCESS);
  if (h == KOBJNS__CURRENT_PROCESS) {
    *code = STILL_ACTIVE;
    return TRUE;
  }
  uint32_t c = 0;
  int rc = kobjns_process_exit_code(kobjns__facade_sync(h), &c);
  if (rc) return failed_with((DWORD)rc);
  *code = c;
  return TRUE;
}

/* The calling process (GetCurrentProcess()) ends at once, as TerminateProcess ends it: no atexit
 * handler or destructor runs (Windows calls no DLL's detach either). */
KOBJNS_WIN32_API BOOL WINAPI TerminateProcess(HANDLE h, DWORD code) {
  if (h == KOBJNS__CURRENT_PROCESS) _exit((int)code);
  int rc = kobjns_process_terminate(kobjns__facade_sync(h), code);
  return rc ? failed_with((DWORD)rc) : TRUE;
}

/* As on Windows, the process's handlers run (atexit, the libraries' destructors: a DLL's detach)
 * and its handles close; the code's low 8 bits are what a POSIX parent sees. */
KOBJNS_WIN32_API void WINAPI ExitProcess(DWORD code) { exit((int)code); }

KOBJNS_WIN32_API DWORD WINAPI GetCurrentProcessId(void) { return kobjns_current_process_id(); }

KOBJNS_WIN32_API DWORD WINAPI GetProcessId(HANDLE h) {
  if (h == KOBJNS__CURRENT_PROCESS) return kobjns_current_process_id();
  uint32_t pid = 0;
  int rc = kobjns_process_id(kobjns__facade_sync(h), &pid);
  if (rc) {
    SetLastError((DWORD)rc);
    return 0;
  }
  return pid;
}

/* --- standard handles, pipes, ReadFile and WriteFile ------------------------------------------ */

static int std_index(DWORD which) {
  return which == STD_INPUT_HANDLE    ? 0
         : which == STD_OUTPUT_HANDLE ? 1
         : which == STD_ERROR_HANDLE  ? 2
                                      : -1;
}

KOBJNS_WIN32_API HANDLE WINAPI GetStdHandle(DWORD which) {
  int i = std_index(which);
  if (i < 0) {
    SetLastError(ERROR_INVALID_HANDLE);
    return INVALID_HANDLE_VALUE;
  }
  HANDLE set = __atomic_load_n(&std_set[i], __ATOMIC_ACQUIRE);
  if (set) return set;
  void *h = NULL;
  int rc = kobjns_std_handle((unsigned)i, &h);
  if (rc == KOBJNS_INVALID_HANDLE) return NULL; /* the process has no such stream */
  if (rc) {
    SetLastError((DWORD)rc);
    return INVALID_HANDLE_VALUE;
  }
  return h;
}

KOBJNS_WIN32_API BOOL WINAPI SetStdHandle(DWORD which, HANDLE h) {
  int i = std_index(which);
  if (i < 0) return failed_with(ERROR_INVALID_HANDLE);
  __atomic_store_n(&std_set[i], h, __ATOMIC_RELEASE);
  return TRUE;
}

KOBJNS_WIN32_API BOOL WINAPI CreatePipe(PHANDLE read_end, PHANDLE write_end,
                                        LPSECURITY_ATTRIBUTES sa, DWORD size) {
  if (!read_end || !write_end) return failed_with(ERROR_NOACCESS);
  void *r = NULL, *w = NULL;
  int rc = kobjns_pipe_create(&r, &w, size);
  if (rc) return failed_with((DWORD)rc);
  *read_end = r;
  *write_end = w;
  kobjns__facade_inherit(r, sa && sa->bInheritHandle);
  kobjns__facade_inherit(w, sa && sa->bInheritHandle);
  return TRUE;
}

/* Synchronous I/O on pipes and standard streams; OVERLAPPED is refused (ERROR_NOT_SUPPORTED:
 * no handle here is opened for overlapped I/O). */
KOBJNS_WIN32_API BOOL WINAPI ReadFile(HANDLE h, LPVOID buffer, DWORD size, LPDWORD done,
                                      LPOVERLAPPED overlapped) {
  if (overlapped) return failed_with(ERROR_NOT_SUPPORTED);
  if (!done) return failed_with(ERROR_INVALID_PARAMETER); /* required without OVERLAPPED */
  uint32_t got = 0;
  int rc = kobjns_file_read(h, buffer, size, &got);
  *done = got;
  return rc ? failed_with((DWORD)rc) : TRUE;
}

KOBJNS_WIN32_API BOOL WINAPI WriteFile(HANDLE h, LPCVOID buffer, DWORD size, LPDWORD done,
                                       LPOVERLAPPED overlapped) {
  if (overlapped) return failed_with(ERROR_NOT_SUPPORTED);
  uint32_t put = 0;
  int rc = kobjns_file_write(h, buffer, size, &put);
  if (done) *done = put;
  return rc ? failed_with((DWORD)rc) : TRUE;
}
