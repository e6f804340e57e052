/* The classic way to hand a child process shared memory without a name: an unnamed, inheritable
 * section and event, their HANDLE values on the child's command line, and CreateProcess with
 * bInheritHandles (Microsoft's "Inheritance" and "Creating a Child Process" samples). Plain Win32,
 * built unchanged for Windows and for Linux against libkobjns-winapi.
 *
 *   kobjns-example-worker            the parent: publishes numbers, starts itself as the child
 *   kobjns-example-worker child S E  the child: sums what section S holds, answers, sets event E
 *
 * A thread of the parent waits for the child's event or the child's end, whichever comes first;
 * the child's exit code is the sum. Exit status 0 when everything gave Windows' answer. */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SIZE 4096
#define ANSWER_OFFSET 2048

static int child(const char *section, const char *event) {
  HANDLE map = (HANDLE)(ULONG_PTR)strtoull(section, NULL, 10);
  HANDLE done = (HANDLE)(ULONG_PTR)strtoull(event, NULL, 10);
  char *view = MapViewOfFile(map, FILE_MAP_ALL_ACCESS, 0, 0, SIZE);
  if (!view) {
    printf("child: MapViewOfFile of inherited handle %s failed, error %lu\n", section,
           (unsigned long)GetLastError());
    return 255;
  }
  long sum = 0;
  for (char *p = view, *end; *p; p = end) {
    long n = strtol(p, &end, 10);
    if (end == p) break;
    sum += n;
  }
  snprintf(view + ANSWER_OFFSET, SIZE - ANSWER_OFFSET, "sum=%ld", sum);
  printf("child: read \"%s\" through inherited handle %s, answered \"%s\"\n", view, section,
         view + ANSWER_OFFSET);
  UnmapViewOfFile(view);
  if (!SetEvent(done)) return 254;
  return (int)sum;
}

/* The parent's waiting thread: which came first, the answer (0) or the child's end (1). */
typedef struct waiting {
  HANDLE objects[2];
  DWORD which;
} waiting;

static DWORD WINAPI wait_for_child(LPVOID param) {
  waiting *w = param;
  w->which = WaitForMultipleObjects(2, w->objects, FALSE, 10000);
  return 0;
}

int main(int argc, char **argv) {
  if (argc == 4 && !strcmp(argv[1], "child")) return child(argv[2], argv[3]);
  int wrong = 0;
  SECURITY_ATTRIBUTES inherit = {sizeof inherit, NULL, TRUE};
  HANDLE map = CreateFileMappingA(INVALID_HANDLE_VALUE, &inherit, PAGE_READWRITE, 0, SIZE, NULL);
  HANDLE done = CreateEventA(&inherit, FALSE, FALSE, NULL);
  HANDLE private_event = CreateEventA(NULL, TRUE, FALSE, NULL); /* never reaches the child */
  if (!map || !done || !private_event) {
    printf("parent: create failed, error %lu\n", (unsigned long)GetLastError());
    return 1;
  }
  char *view = MapViewOfFile(map, FILE_MAP_ALL_ACCESS, 0, 0, SIZE);
  if (!view) return 1;
  strcpy(view, "1 2 3 4 5");
  char command_line[1024];
  snprintf(command_line, sizeof command_line, "\"%s\" child %llu %llu", argv[0],
           (unsigned long long)(ULONG_PTR)map, (unsigned long long)(ULONG_PTR)done);
  STARTUPINFOA si;
  ZeroMemory(&si, sizeof si);
  si.cb = sizeof si;
  PROCESS_INFORMATION pi;
  if (!CreateProcessA(NULL, command_line, NULL, NULL, TRUE, 0, NULL, NULL, &si, &pi)) {
    printf("parent: CreateProcess failed, error %lu\n", (unsigned long)GetLastError());
    return 1;
  }
  printf("parent: started child %lu with section %llu and event %llu inherited\n",
         (unsigned long)pi.dwProcessId, (unsigned long long)(ULONG_PTR)map,
         (unsigned long long)(ULONG_PTR)done);
  CloseHandle(pi.hThread);
  waiting w;
  w.objects[0] = done;
  w.objects[1] = pi.hProcess;
  w.which = WAIT_FAILED;
  HANDLE waiter = CreateThread(NULL, 0, wait_for_child, &w, 0, NULL);
  WaitForSingleObject(waiter, INFINITE);
  CloseHandle(waiter);
  printf("parent: the waiting thread saw %s\n",
         w.which == WAIT_OBJECT_0       ? "the child's answer first"
         : w.which == WAIT_OBJECT_0 + 1 ? "the child's end first"
                                        : "nothing");
  if (w.which != WAIT_OBJECT_0 && w.which != WAIT_OBJECT_0 + 1) wrong++;
  DWORD code = 0;
  if (WaitForSingleObject(pi.hProcess, 10000) != WAIT_OBJECT_0 ||
      !GetExitCodeProcess(pi.hProcess, &code) || code != 15) {
    printf("parent: the child's exit code is %lu, want 15\n", (unsigned long)code);
    wrong++;
  }
  if (strcmp(view + ANSWER_OFFSET, "sum=15") != 0) {
    printf("parent: the answer is \"%s\", want \"sum=15\"\n", view + ANSWER_OFFSET);
    wrong++;
  }
  printf("parent: the child exited with %lu and answered \"%s\"\n", (unsigned long)code,
         view + ANSWER_OFFSET);
  CloseHandle(pi.hProcess);
  UnmapViewOfFile(view);
  CloseHandle(private_event);
  CloseHandle(done);
  CloseHandle(map);
  printf("parent: %s\n", wrong ? "UNEXPECTED answers above" : "every step gave Windows' answer");
  return wrong ? 1 : 0;
}
