/* kobjns-bench-win32: the Win32 side of kobjns-bench. Plain Win32 code (the C library and
 * <windows.h> only), built twice from this one file like the conformance program: on POSIX against
 * libkobjns-winapi (the facade), and with mingw-w64 for Windows, whose .exe the benchmark runs
 * under Wine as the reference a porter would otherwise use. Both builds make the same calls.
 *
 * A server on stdin/stdout, driven by kobjns-bench: one command a line, one reply a line.
 *   hello              ok <what runs it: facade, wine-<version> or windows>
 *   hold NAME          creates a 4 KiB section NAME and keeps the handle until quit: ok
 *   cycle NAME ITERS   ITERS times: CreateFileMappingA of a 64 KiB section NAME (it must be new),
 *                      MapViewOfFile for writing, a write to every 4 KiB page, UnmapViewOfFile,
 *                      CloseHandle: the ns per cycle
 *   open NAME ITERS    ITERS times: OpenFileMappingA(FILE_MAP_READ) of NAME, CloseHandle: the ns
 *                      per open + close
 *   lock NAME ITERS    CreateMutexA NAME, then ITERS times WaitForSingleObject + ReleaseMutex
 *                      (one increment under it): the ns per lock + unlock
 *   handoff NAME ITERS ROLE
 *                      two servers (ROLE 0 and 1) at once: both loop {WaitForSingleObject on the
 *                      mutex NAME; count; ReleaseMutex} until ITERS acquisitions in all:
 *                      "ns acquisitions longest-wait-ns", ns the loop's wall time
 *   pingpong NAME ITERS ROLE
 *                      two servers at once, ITERS round trips on the automatic events NAME.0 and
 *                      NAME.1 (ROLE 0 sets .1 and waits on .0, ROLE 1 the other way): the ns per
 *                      round trip
 *                      (both: they meet first in a section NAME.meet, so neither starts alone)
 *   quit               closes what it holds and exits (so does the end of stdin)
 * A failure replies "error <call> <GetLastError()>" and leaves nothing open.
 *
 * The time is taken here, around the calls only (no pipe in it): with C11's timespec_get on POSIX
 * (libkobjns-winapi has no QueryPerformanceCounter), with QueryPerformanceCounter in the mingw-w64
 * build (its msvcrt has no timespec_get). */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SECTION_SIZE 65536u
#define PAGE 4096u
#define MAX_HELD 16

/* --- the clock -------------------------------------------------------------------------------- */

#ifdef __MINGW32__
typedef LONGLONG stamp;

static stamp now(void) {
  LARGE_INTEGER t;
  QueryPerformanceCounter(&t);
  return t.QuadPart;
}

static double ns_since(stamp start) {
  LARGE_INTEGER t, frequency;
  QueryPerformanceCounter(&t);
  QueryPerformanceFrequency(&frequency);
  return (double)(t.QuadPart - start) * 1e9 / (double)frequency.QuadPart;
}
#else
typedef struct timespec stamp;

static stamp now(void) {
  struct timespec t;
  timespec_get(&t, TIME_UTC);
  return t;
}

static double ns_since(stamp start) {
  struct timespec t;
  timespec_get(&t, TIME_UTC);
  return (double)(t.tv_sec - start.tv_sec) * 1e9 + (double)(t.tv_nsec - start.tv_nsec);
}
#endif

/* --- the operations --------------------------------------------------------------------------- */

/* Each returns NULL, or the name of the call that failed with its error left in GetLastError(). */

static const char *failed(const char *call, HANDLE close_me) {
  DWORD error = GetLastError();
  if (close_me) CloseHandle(close_me);
  SetLastError(error);
  return call;
}

static const char *cycle(const char *name, unsigned long iters, double *ns) {
  stamp start = now();
  for (unsigned long i = 0; i < iters; i++) {
    HANDLE h =
        CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, SECTION_SIZE, name);
    if (!h) return failed("CreateFileMappingA", NULL);
    if (GetLastError() == ERROR_ALREADY_EXISTS) return failed("CreateFileMappingA", h);
    volatile char *view = MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, SECTION_SIZE);
    if (!view) return failed("MapViewOfFile", h);
    for (unsigned at = 0; at < SECTION_SIZE; at += PAGE) view[at] = 1;
    if (!UnmapViewOfFile((void *)view)) return failed("UnmapViewOfFile", h);
    if (!CloseHandle(h)) return failed("CloseHandle", NULL);
  }
  *ns = ns_since(start) / (double)iters;
  return NULL;
}

static const char *open_close(const char *name, unsigned long iters, double *ns) {
  stamp start = now();
  for (unsigned long i = 0; i < iters; i++) {
    HANDLE h = OpenFileMappingA(FILE_MAP_READ, FALSE, name);
    if (!h) return failed("OpenFileMappingA", NULL);
    if (!CloseHandle(h)) return failed("CloseHandle", NULL);
  }
  *ns = ns_since(start) / (double)iters;
  return NULL;
}

/* --- synchronization ------------------------------------------------------------------------- */

static const char *lock_unlock(const char *name, unsigned long iters, double *ns) {
  HANDLE m = CreateMutexA(NULL, FALSE, name);
  if (!m) return failed("CreateMutexA", NULL);
  volatile unsigned long counter = 0;
  stamp start = now();
  for (unsigned long i = 0; i < iters; i++) {
    if (WaitForSingleObject(m, INFINITE) != WAIT_OBJECT_0) return failed("WaitForSingleObject", m);
    counter++;
    if (!ReleaseMutex(m)) return failed("ReleaseMutex", m);
  }
  *ns = ns_since(start) / (double)iters;
  CloseHandle(m);
  return NULL;
}

/* What the two servers of a two-process row share, in the section NAME.meet. */
typedef struct meeting {
  volatile LONG arrived; /* both there: go */
  volatile LONG count;   /* acquisitions so far (hand-off) */
} meeting;

/* Maps NAME.meet and waits there for the other server. */
static const char *meet(const char *name, HANDLE *section, meeting **m) {
  char meet_name[600];
  snprintf(meet_name, sizeof meet_name, "%s.meet", name);
  *section = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, PAGE, meet_name);
  if (!*section) return failed("CreateFileMappingA", NULL);
  *m = MapViewOfFile(*section, FILE_MAP_WRITE, 0, 0, sizeof **m);
  if (!*m) return failed("MapViewOfFile", *section);
  InterlockedIncrement(&(*m)->arrived);
  while ((*m)->arrived < 2) continue; /* the other is a moment away */
  return NULL;
}

static void leave(HANDLE section, meeting *m) {
  UnmapViewOfFile(m);
  CloseHandle(section);
}

static const char *hand_off(const char *name, unsigned long total, double *ns, unsigned long *mine,
                            double *longest) {
  HANDLE mutex = CreateMutexA(NULL, FALSE, name), section;
  if (!mutex) return failed("CreateMutexA", NULL);
  meeting *m;
  const char *error = meet(name, &section, &m);
  if (error) return failed(error, mutex);
  *mine = 0;
  *longest = 0;
  stamp start = now();
  for (;;) {
    stamp asked = now();
    if (WaitForSingleObject(mutex, INFINITE) != WAIT_OBJECT_0) {
      error = "WaitForSingleObject";
      break;
    }
    double waited = ns_since(asked);
    if (waited > *longest) *longest = waited;
    BOOL done = (unsigned long)m->count >= total;
    if (!done) m->count++, ++*mine;
    if (!ReleaseMutex(mutex)) {
      error = "ReleaseMutex";
      break;
    }
    if (done) break;
  }
  *ns = ns_since(start);
  DWORD code = GetLastError();
  leave(section, m);
  CloseHandle(mutex);
  SetLastError(code);
  return error;
}

static const char *ping_pong(const char *name, unsigned long rounds, int role, double *ns) {
  char event_name[2][600];
  HANDLE events[2] = {NULL, NULL}, section;
  for (int e = 0; e < 2; e++) {
    snprintf(event_name[e], sizeof event_name[e], "%s.%d", name, e);
    if (!(events[e] = CreateEventA(NULL, FALSE, FALSE, event_name[e])))
      return failed("CreateEventA", e ? events[0] : NULL);
  }
  meeting *m = NULL;
  const char *error = meet(name, &section, &m);
  stamp start = now();
  for (unsigned long i = 0; i < rounds && !error; i++) {
    HANDLE set = events[role ? 0 : 1], wait = events[role ? 1 : 0];
    if (role == 0 && !SetEvent(set)) error = "SetEvent";
    if (!error && WaitForSingleObject(wait, INFINITE) != WAIT_OBJECT_0)
      error = "WaitForSingleObject";
    if (!error && role == 1 && !SetEvent(set)) error = "SetEvent";
  }
  *ns = ns_since(start) / (double)rounds;
  DWORD code = GetLastError();
  if (m) leave(section, m);
  CloseHandle(events[1]);
  CloseHandle(events[0]);
  SetLastError(code);
  return error;
}

/* What runs this program: the facade, Wine (which names its version) or Windows. */
static const char *runner(void) {
#ifdef __MINGW32__
  HMODULE ntdll = GetModuleHandleA("ntdll.dll");
  FARPROC found = ntdll ? GetProcAddress(ntdll, "wine_get_version") : NULL;
  if (!found) return "windows";
  static char out[64];
  const char *(*wine_get_version)(void) = (const char *(*)(void))(void (*)(void))found;
  snprintf(out, sizeof out, "wine-%s", wine_get_version());
  return out;
#else
  return "facade";
#endif
}

/* --- the server ------------------------------------------------------------------------------- */

int main(void) {
  HANDLE held[MAX_HELD];
  unsigned count = 0;
  char line[1024];
  while (fgets(line, sizeof line, stdin)) {
    line[strcspn(line, "\r\n")] = '\0';
    char cmd[16] = "", name[512] = "";
    unsigned long iters = 0;
    int role = -1;
    int fields = sscanf(line, "%15s %511s %lu %d", cmd, name, &iters, &role);
    const char *error = NULL;
    if (fields < 1) continue;
    if (!strcmp(cmd, "quit")) break;
    if (!strcmp(cmd, "hello") && fields == 1) {
      printf("ok %s\n", runner());
    } else if (!strcmp(cmd, "hold") && fields == 2 && count < MAX_HELD) {
      HANDLE h = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, PAGE, name);
      if (!h)
        error = failed("CreateFileMappingA", NULL);
      else if (GetLastError() == ERROR_ALREADY_EXISTS)
        error = failed("CreateFileMappingA", h);
      else {
        held[count++] = h;
        puts("ok");
      }
    } else if ((!strcmp(cmd, "cycle") || !strcmp(cmd, "open")) && fields == 3 && iters > 0) {
      double ns = 0;
      error = !strcmp(cmd, "cycle") ? cycle(name, iters, &ns) : open_close(name, iters, &ns);
      if (!error) printf("%.1f\n", ns);
    } else if (!strcmp(cmd, "lock") && fields == 3 && iters > 0) {
      double ns = 0;
      if (!(error = lock_unlock(name, iters, &ns))) printf("%.1f\n", ns);
    } else if (!strcmp(cmd, "handoff") && fields == 4 && iters > 0 && (role == 0 || role == 1)) {
      double ns = 0, longest = 0;
      unsigned long mine = 0;
      if (!(error = hand_off(name, iters, &ns, &mine, &longest)))
        printf("%.1f %lu %.1f\n", ns, mine, longest);
    } else if (!strcmp(cmd, "pingpong") && fields == 4 && iters > 0 && (role == 0 || role == 1)) {
      double ns = 0;
      if (!(error = ping_pong(name, iters, role, &ns))) printf("%.1f\n", ns);
    } else {
      SetLastError(ERROR_INVALID_PARAMETER);
      error = "command";
    }
    if (error) printf("error %s %lu\n", error, (unsigned long)GetLastError());
    fflush(stdout);
  }
  while (count) CloseHandle(held[--count]);
  return 0;
}
