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
    int fields = sscanf(line, "%15s %511s %lu", cmd, name, &iters);
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
