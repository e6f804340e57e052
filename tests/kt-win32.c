/* The test kit, Windows half: children by CreateProcessW of the test binary itself, in the
 * session Windows gives them (the only one a process can be in there). */
#include <windows.h>

#include <fcntl.h>
#include <io.h>
#include <process.h>
#include <stdlib.h>

#include "kt.h"

static char run_id[32];

const char *kt_run_id(void) {
  if (!run_id[0]) snprintf(run_id, sizeof run_id, "%lu", (unsigned long)GetCurrentProcessId());
  return run_id;
}

bool kt_is_root(void) { return false; }
bool kt_sessions_simulated(void) { return false; }

bool kt_under_wine(void) {
  HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");
  return ntdll && GetProcAddress(ntdll, "wine_get_version");
}

uint32_t kt_runner_session(void) {
  DWORD session = 0;
  ProcessIdToSessionId(GetCurrentProcessId(), &session);
  return session;
}

const char *kt_platform_limit(unsigned needs) {
  if (needs & KT_NEEDS_ROOT)
    return "runs processes as other POSIX uids; on Windows another user needs a logon token "
           "(and Wine has a single user), so row 43 and the cross-user cases run on POSIX";
  if (needs & KT_NEEDS_SESSIONS)
    return "needs processes in several sessions (a service in session 0, apps in others); a "
           "Windows process stays in the session Windows gave it and every Wine process is in "
           "session 1, so rows 14 and 17 run on the POSIX backend";
  if (needs & KT_NEEDS_FORK) return "fork() does not exist on Windows";
  if (needs & KT_NEEDS_SHM_FILES)
    return "POSIX objects are files in /dev/shm that any user may write (forged there); the "
           "Windows object manager keeps its namespace to itself";
  return NULL;
}

void kt_runner_setup(void) {} /* the runner stays in the session Windows gave it */

void kt_set_self(const char *argv0) { (void)argv0; } /* GetModuleFileNameW knows */

const char *kt_self(void) {
  static char self[MAX_PATH * 3];
  wchar_t path[MAX_PATH];
  DWORD len = GetModuleFileNameW(NULL, path, MAX_PATH);
  if (len == 0 || len >= MAX_PATH) return "";
  path[len] = L'\0';
  if (!WideCharToMultiByte(CP_UTF8, 0, path, -1, self, (int)sizeof self, NULL, NULL)) return "";
  return self;
}

/* Objects live in the kernel and die with their last handle: what is left is a handle this
 * process leaked, found by opening every name the run made. */
unsigned kt_leftovers(void) { return kt_names_still_open(); }

void kt_cleanup(void) { kt_free_names(); }

static FILE *stream(HANDLE h, int flags, const char *mode) {
  int fd = _open_osfhandle((intptr_t)h, flags);
  if (fd < 0) {
    CloseHandle(h);
    return NULL;
  }
  FILE *f = _fdopen(fd, mode);
  if (!f) _close(fd);
  return f;
}

/* CreateProcessW with `in`, `out` and `err` as its standard handles and no other handle of ours
 * inherited (an explicit handle list: every inheritable handle would leak into it otherwise). */
static bool create_process(const wchar_t *path, wchar_t *cmdline, HANDLE in, HANDLE out, HANDLE err,
                           PROCESS_INFORMATION *pi) {
  HANDLE inherited[3];
  size_t count = 0;
  HANDLE std[3] = {in, out, err};
  for (int i = 0; i < 3; i++) { /* each once: the list refuses repeats */
    bool seen = false;
    for (size_t j = 0; j < count; j++) seen |= inherited[j] == std[i];
    if (!seen) inherited[count++] = std[i];
  }
  SIZE_T size = 0;
  InitializeProcThreadAttributeList(NULL, 1, 0, &size);
  LPPROC_THREAD_ATTRIBUTE_LIST attrs = malloc(size);
  bool ok = attrs && InitializeProcThreadAttributeList(attrs, 1, 0, &size);
  if (ok) {
    STARTUPINFOEXW si = {.StartupInfo = {.cb = sizeof si,
                                         .dwFlags = STARTF_USESTDHANDLES,
                                         .hStdInput = in,
                                         .hStdOutput = out,
                                         .hStdError = err},
                         .lpAttributeList = attrs};
    ok = UpdateProcThreadAttribute(attrs, 0, PROC_THREAD_ATTRIBUTE_HANDLE_LIST, inherited,
                                   count * sizeof *inherited, NULL, NULL) &&
         CreateProcessW(path, cmdline, NULL, NULL, TRUE, EXTENDED_STARTUPINFO_PRESENT, NULL, NULL,
                        &si.StartupInfo, pi);
    DeleteProcThreadAttributeList(attrs);
  }
  free(attrs);
  return ok;
}

/* A child in another session than ours is started with KOBJNS_SESSION naming it, which the
 * win32 backend refuses (50): Windows alone decides a process's session. The child inherits
 * exactly its three standard handles. */
bool kt_spawn_program(kt_proc *p, uint32_t session, long uid, const char *program,
                      const char *arg) {
  *p = (kt_proc){0};
  if (uid >= 0) {
    fprintf(stderr, "kt_spawn: Windows cannot start a process as uid %ld\n", uid);
    return false;
  }
  wchar_t path[MAX_PATH + 1], cmdline[2 * MAX_PATH];
  DWORD len = GetModuleFileNameW(NULL, path, MAX_PATH);
  if (len == 0 || len >= MAX_PATH) return false;
  path[len] = L'\0';
  wchar_t wide_program[64], wide_arg[64];
  if (!MultiByteToWideChar(CP_UTF8, 0, arg, -1, wide_arg, 64)) return false;
  if (program) { /* a sibling: the same directory, "<program>.exe" */
    if (!MultiByteToWideChar(CP_UTF8, 0, program, -1, wide_program, 64)) return false;
    wchar_t *slash = wcsrchr(path, L'\\');
    size_t dir = slash ? (size_t)(slash - path) + 1 : 0;
    if (swprintf(path + dir, MAX_PATH - dir, L"%ls.exe", wide_program) < 0) return false;
  }
  swprintf(cmdline, sizeof cmdline / sizeof cmdline[0], L"\"%ls\" %ls", path, wide_arg);

  SECURITY_ATTRIBUTES sa = {.nLength = sizeof sa, .bInheritHandle = TRUE};
  HANDLE in_read = NULL, in_write = NULL, out_read = NULL, out_write = NULL, err = NULL;
  PROCESS_INFORMATION pi = {0};
  BOOL ok = CreatePipe(&in_read, &in_write, &sa, 0) && CreatePipe(&out_read, &out_write, &sa, 0) &&
            DuplicateHandle(GetCurrentProcess(), GetStdHandle(STD_ERROR_HANDLE),
                            GetCurrentProcess(), &err, 0, TRUE, DUPLICATE_SAME_ACCESS);
  HANDLE inherited[3] = {in_read, out_write, err};
  if (ok) {
    bool other_session = session != kt_runner_session();
    if (other_session) {
      wchar_t value[16];
      swprintf(value, sizeof value / sizeof value[0], L"%u", (unsigned)session);
      SetEnvironmentVariableW(L"KOBJNS_SESSION", value);
    }
    ok = create_process(path, cmdline, in_read, out_write, err, &pi);
    if (other_session) SetEnvironmentVariableW(L"KOBJNS_SESSION", NULL);
  }
  for (int i = 0; i < 3; i++)
    if (inherited[i]) CloseHandle(inherited[i]);
  if (!ok) {
    if (in_write) CloseHandle(in_write);
    if (out_read) CloseHandle(out_read);
    return false;
  }
  CloseHandle(pi.hThread);
  p->pid = (long)pi.dwProcessId;
  p->handle = pi.hProcess;
  p->to = stream(in_write, _O_WRONLY | _O_BINARY, "wb");
  p->from = stream(out_read, _O_RDONLY | _O_BINARY, "rb");
  if (p->to && p->from) return true;
  kt_kill(p);
  return false;
}

bool kt_spawn(kt_proc *p, uint32_t session, long uid) {
  return kt_spawn_program(p, session, uid, NULL, "--child");
}

int kt_reap(kt_proc *p) {
  if (p->to) fclose(p->to);
  if (p->from) fclose(p->from);
  p->to = p->from = NULL;
  DWORD code = 255;
  WaitForSingleObject(p->handle, INFINITE);
  GetExitCodeProcess(p->handle, &code);
  CloseHandle(p->handle);
  p->handle = NULL;
  return (int)code;
}

void kt_kill(kt_proc *p) {
  TerminateProcess(p->handle, 128 + 9); /* what a SIGKILLed child reports on POSIX */
  kt_reap(p);
}

struct kt_thread {
  HANDLE handle;
  void *(*fn)(void *);
  void *arg;
};

static unsigned __stdcall trampoline(void *arg) {
  kt_thread *t = arg;
  t->fn(t->arg);
  return 0;
}

kt_thread *kt_thread_start(void *(*fn)(void *), void *arg) {
  kt_thread *t = malloc(sizeof *t);
  if (!t) return NULL;
  t->fn = fn;
  t->arg = arg;
  t->handle = (HANDLE)_beginthreadex(NULL, 0, trampoline, t, 0, NULL);
  if (!t->handle) {
    free(t);
    return NULL;
  }
  return t;
}

void kt_thread_join(kt_thread *t) {
  if (!t) return;
  WaitForSingleObject(t->handle, INFINITE);
  CloseHandle(t->handle);
  free(t);
}

void kt_pause_ms(unsigned ms) { Sleep(ms); }

bool kt_until_asleep(kt_proc *p) {
  (void)p;
  Sleep(300);
  return true;
}

unsigned long kt_thread_id(void) { return (unsigned long)GetCurrentThreadId(); }

double kt_now_ms(void) {
  LARGE_INTEGER t, frequency;
  QueryPerformanceCounter(&t);
  QueryPerformanceFrequency(&frequency);
  return (double)t.QuadPart * 1e3 / (double)frequency.QuadPart;
}

/* Append `arg` to the command line, quoted so that CommandLineToArgvW gives it back exactly:
 * backslashes are literal except before a quote, where they (and the quote) are escaped. */
static bool append_argument(wchar_t *line, size_t *at, size_t cap, const char *arg) {
  int units = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, arg, -1, NULL, 0);
  wchar_t *w = units > 0 ? malloc((size_t)units * sizeof *w) : NULL;
  if (!w) return false;
  MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, arg, -1, w, units);
  bool ok = true;
#define PUT(c) (ok = ok && *at + 1 < cap, ok ? (void)(line[(*at)++] = (c)) : (void)0)
  if (*at) PUT(L' ');
  PUT(L'"');
  for (const wchar_t *p = w;; p++) {
    size_t slashes = 0;
    while (*p == L'\\') slashes++, p++;
    if (!*p) {
      for (size_t i = 0; i < 2 * slashes; i++) PUT(L'\\');
      break;
    }
    if (*p == L'"') {
      for (size_t i = 0; i < 2 * slashes + 1; i++) PUT(L'\\');
    } else {
      for (size_t i = 0; i < slashes; i++) PUT(L'\\');
    }
    PUT(*p);
  }
  PUT(L'"');
#undef PUT
  free(w);
  return ok;
}

int kt_run(const char *program, const char *const *args, char *out, size_t size) {
  enum { CAP = 32768 };
  wchar_t *line = malloc(CAP * sizeof *line), path[MAX_PATH + 1];
  size_t at = 0;
  bool ok = line && MultiByteToWideChar(CP_UTF8, 0, program, -1, path, MAX_PATH) > 0 &&
            append_argument(line, &at, CAP, program);
  for (int i = 0; ok && args[i]; i++) ok = append_argument(line, &at, CAP, args[i]);
  if (!ok) {
    free(line);
    return -1;
  }
  line[at] = L'\0';
  SECURITY_ATTRIBUTES sa = {.nLength = sizeof sa, .bInheritHandle = TRUE};
  HANDLE out_read = NULL, out_write = NULL;
  HANDLE null = CreateFileW(L"NUL", GENERIC_READ | GENERIC_WRITE,
                            FILE_SHARE_READ | FILE_SHARE_WRITE, &sa, OPEN_EXISTING, 0, NULL);
  PROCESS_INFORMATION pi = {0};
  ok = null != INVALID_HANDLE_VALUE && CreatePipe(&out_read, &out_write, &sa, 0) &&
       SetHandleInformation(out_read, HANDLE_FLAG_INHERIT, 0) &&
       create_process(path, line, null, out_write, null, &pi);
  DWORD error = ok ? 0 : GetLastError();
  free(line);
  if (out_write) CloseHandle(out_write);
  if (null != INVALID_HANDLE_VALUE) CloseHandle(null);
  if (!ok) {
    if (out_read) CloseHandle(out_read);
    fprintf(stderr, "kt_run: %s could not be started: error %lu\n", program, (unsigned long)error);
    return -1;
  }
  CloseHandle(pi.hThread);
  size_t used = 0;
  DWORD n;
  char drain[4096];
  for (;;) { /* read it all before waiting: a full pipe would stall the child */
    bool room = used + 1 < size;
    if (!ReadFile(out_read, room ? out + used : drain,
                  room ? (DWORD)(size - 1 - used) : (DWORD)sizeof drain, &n, NULL) ||
        n == 0)
      break;
    if (room) used += n;
  }
  out[used] = '\0';
  CloseHandle(out_read);
  DWORD code = 255;
  WaitForSingleObject(pi.hProcess, INFINITE);
  GetExitCodeProcess(pi.hProcess, &code);
  CloseHandle(pi.hProcess);
  return (int)code;
}
