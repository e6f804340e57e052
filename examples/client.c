/* The client side of the kobjns example: an app in a user's session reads what the service
 * publishes. Plain Win32, built unchanged for Windows and for Linux against libkobjns-winapi.
 * Each step prints what Windows answers and why; the exit status is 0 when every step gave
 * Windows' answer. */
#include <windows.h>
#include <stdio.h>
#include <string.h>

#define MAP_NAME "Global\\ServiceMap"
#define LOCK_NAME "Global\\ServiceLock"
#define READY_NAME "Global\\ServiceReady"

#define HEARTBEAT_OFFSET 4096 /* the service's heartbeat counter */

static int wrong;

/* A watcher thread: whether the service's heartbeat moves while it sleeps 200 ms. */
static DWORD WINAPI watch_heartbeat(LPVOID param) {
  const volatile LONG *count = param;
  LONG before = *count;
  Sleep(200);
  return *count > before;
}

/* One step: what happened, against what Windows does (0 = success). */
static void step(const char *what, BOOL ok, DWORD want, const char *why) {
  DWORD error = ok ? 0 : GetLastError();
  printf("client: %-44s -> %s", what, ok ? "ok" : "failed");
  if (!ok) printf(", error %lu", (unsigned long)error);
  printf("\n        %s\n", why);
  if (error != want) {
    printf("        UNEXPECTED: Windows answers %lu here\n", (unsigned long)want);
    wrong++;
  }
}

int main(void) {
  DWORD session = 0;
  ProcessIdToSessionId(GetCurrentProcessId(), &session);
  printf("client: an app in session %lu\n", (unsigned long)session);

  HANDLE h = OpenFileMappingA(FILE_MAP_READ, FALSE, "ServiceMap");
  step("OpenFileMapping(\"ServiceMap\", read)", h != NULL, ERROR_FILE_NOT_FOUND,
       "a bare name means this session's namespace; the service's map is in Global\\");
  if (h) CloseHandle(h);

  HANDLE map = OpenFileMappingA(FILE_MAP_READ, FALSE, MAP_NAME);
  step("OpenFileMapping(\"Global\\\\ServiceMap\", read)", map != NULL, 0,
       "the service's descriptor lets everyone read");
  const char *view = map ? MapViewOfFile(map, FILE_MAP_READ, 0, 0, 0) : NULL;
  step("MapViewOfFile(read handle, read)", view != NULL, 0, "a read handle maps for reading");
  if (view) printf("        it says \"%s\"\n", view);
  if (!view || strncmp(view, "temperature=", 12)) {
    printf("        UNEXPECTED: the service publishes \"temperature=...\"\n");
    wrong++;
  }

  h = OpenFileMappingA(FILE_MAP_WRITE, FALSE, MAP_NAME);
  step("OpenFileMapping(\"Global\\\\ServiceMap\", write)", h != NULL, ERROR_ACCESS_DENIED,
       "the descriptor grants no one else write access");
  if (h) CloseHandle(h);

  if (map) {
    void *writable = MapViewOfFile(map, FILE_MAP_WRITE, 0, 0, 0);
    step("MapViewOfFile(read handle, write)", writable != NULL, ERROR_ACCESS_DENIED,
         "a view cannot ask for more than its handle holds");
    if (writable) UnmapViewOfFile(writable);
  }

  /* The service's mutex and event: everyone may wait on them, only the service signals. */
  HANDLE ready = OpenEventA(SYNCHRONIZE, FALSE, READY_NAME);
  step("OpenEvent(\"Global\\\\ServiceReady\", wait)", ready != NULL, 0,
       "the descriptor lets everyone wait (GX is SYNCHRONIZE for an event)");
  if (ready) {
    step("WaitForSingleObject(ready, 5 s)", WaitForSingleObject(ready, 5000) == WAIT_OBJECT_0, 0,
         "the service set it once its first reading was there");
    step("SetEvent(ready)", SetEvent(ready), ERROR_ACCESS_DENIED,
         "setting it needs EVENT_MODIFY_STATE: only the service may signal");
    CloseHandle(ready);
  }
  h = OpenMutexA(SYNCHRONIZE, FALSE, "ServiceLock");
  step("OpenMutex(\"ServiceLock\", wait)", h != NULL, ERROR_FILE_NOT_FOUND,
       "a bare name again: this session's namespace");
  if (h) CloseHandle(h);
  HANDLE lock = OpenMutexA(SYNCHRONIZE, FALSE, LOCK_NAME);
  step("OpenMutex(\"Global\\\\ServiceLock\", wait)", lock != NULL, 0,
       "everyone may take the lock the service writes under");
  if (lock) {
    step("WaitForSingleObject(lock, 5 s)", WaitForSingleObject(lock, 5000) == WAIT_OBJECT_0, 0,
         "ours until released: the service cannot write meanwhile");
    if (view) printf("        under the lock it says \"%s\"\n", view);
    step("ReleaseMutex(lock)", ReleaseMutex(lock), 0, "released by its owner");
    step("ReleaseMutex(lock) again", ReleaseMutex(lock), ERROR_NOT_OWNER,
         "this thread no longer owns it");
    CloseHandle(lock);
  }

  if (view) {
    DWORD id = 0, moved = 0;
    HANDLE watcher =
        CreateThread(NULL, 0, watch_heartbeat, (LPVOID)(view + HEARTBEAT_OFFSET), 0, &id);
    step("CreateThread(a heartbeat watcher)", watcher != NULL, 0,
         "a thread is a kernel object: its handle is waited for like the others");
    if (watcher) {
      step("WaitForSingleObject(watcher, 5 s)", WaitForSingleObject(watcher, 5000) == WAIT_OBJECT_0,
           0, "signaled when the thread ends");
      step("GetExitCodeThread(watcher): the heartbeat moves",
           GetExitCodeThread(watcher, &moved) && moved == 1, 0,
           "the service's thread counts its waitable timer's ticks");
      CloseHandle(watcher);
    }
    UnmapViewOfFile(view);
  }
  if (map) CloseHandle(map);
  printf("client: %s\n", wrong ? "some steps did not give Windows' answer" : "done");
  return wrong ? 1 : 0;
}
