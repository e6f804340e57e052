/* The service side of the kobjns example: plain Win32, built unchanged for Windows (mingw-w64 or
 * MSVC) and for Linux against libkobjns-winapi.
 *
 * A service publishes readings in Global\ServiceMap. Its descriptor lets everyone read and no one
 * else write or take the name over; it refuses to start on an object someone else planted. Each
 * reading is written under the mutex Global\ServiceLock, and the manual-reset event
 * Global\ServiceReady is set once the first one is there: everyone may wait on both (GX), only
 * the service signals. A heartbeat thread counts, in the map's second page, the ticks of a
 * periodic waitable timer until the service tells it to stop (an event). It prints "ready" once
 * the map is up and serves until its standard input closes. */
#include <windows.h>
#include <sddl.h> /* after <windows.h> */
#include <stdio.h>
#include <string.h>

#define MAP_NAME "Global\\ServiceMap"
#define MAP_SIZE 65536
#define EVERYONE_READS "D:(A;;GR;;;WD)"
#define LOCK_NAME "Global\\ServiceLock"
#define READY_NAME "Global\\ServiceReady"
#define EVERYONE_WAITS "D:(A;;GX;;;WD)" /* GX on a mutex or an event: SYNCHRONIZE */

#define HEARTBEAT_OFFSET 4096 /* the heartbeat: a LONG at the start of the map's second page */
#define HEARTBEAT_MS 20

typedef struct heartbeat {
  volatile LONG *count;
  HANDLE lock, stop;
} heartbeat;

/* The heartbeat thread: a tick of its timer or the stop event, whichever comes first. Its exit
 * code is the number of beats. */
static DWORD WINAPI beat(LPVOID param) {
  heartbeat *h = param;
  HANDLE timer = CreateWaitableTimerA(NULL, FALSE, NULL); /* a synchronization timer */
  LARGE_INTEGER due = {.QuadPart = -(LONGLONG)HEARTBEAT_MS * 10000};
  if (!timer || !SetWaitableTimer(timer, &due, HEARTBEAT_MS, NULL, NULL, FALSE)) return 0;
  HANDLE waits[2] = {h->stop, timer};
  DWORD beats = 0;
  while (WaitForMultipleObjects(2, waits, FALSE, INFINITE) == WAIT_OBJECT_0 + 1) {
    WaitForSingleObject(h->lock, INFINITE);
    *h->count += 1;
    ReleaseMutex(h->lock);
    beats++;
  }
  CancelWaitableTimer(timer);
  CloseHandle(timer);
  return beats;
}

/* A named mutex or event with the descriptor `sddl`; NULL (and a message) if it fails or
 * already exists. */
static HANDLE create_sync(const char *what, const char *name, const char *sddl) {
  PSECURITY_DESCRIPTOR sd = NULL;
  if (!ConvertStringSecurityDescriptorToSecurityDescriptorA(sddl, SDDL_REVISION_1, &sd, NULL))
    return NULL;
  SECURITY_ATTRIBUTES sa = {sizeof sa, sd, FALSE};
  HANDLE h = !strcmp(what, "mutex") ? CreateMutexA(&sa, FALSE, name)
                                    : CreateEventA(&sa, TRUE, FALSE, name);
  DWORD error = GetLastError();
  LocalFree(sd);
  if (!h || error == ERROR_ALREADY_EXISTS) {
    fprintf(stderr, "service: Create%s(%s): %s, error %lu\n",
            !strcmp(what, "mutex") ? "Mutex" : "Event", name, h ? "already exists" : "failed",
            (unsigned long)error);
    if (h) CloseHandle(h);
    return NULL;
  }
  return h;
}

int main(void) {
  DWORD session = 0;
  ProcessIdToSessionId(GetCurrentProcessId(), &session);

  PSECURITY_DESCRIPTOR sd = NULL;
  if (!ConvertStringSecurityDescriptorToSecurityDescriptorA(EVERYONE_READS, SDDL_REVISION_1, &sd,
                                                            NULL)) {
    fprintf(stderr, "service: bad descriptor %s: error %lu\n", EVERYONE_READS,
            (unsigned long)GetLastError());
    return 1;
  }
  SECURITY_ATTRIBUTES sa = {sizeof sa, sd, FALSE};
  HANDLE map = CreateFileMappingA(INVALID_HANDLE_VALUE, &sa, PAGE_READWRITE, 0, MAP_SIZE, MAP_NAME);
  DWORD error = GetLastError();
  LocalFree(sd);
  if (!map) {
    fprintf(stderr, "service: CreateFileMapping(%s) failed: error %lu%s\n", MAP_NAME,
            (unsigned long)error,
            error == ERROR_ACCESS_DENIED ? " (creating in Global\\ needs SeCreateGlobalPrivilege: "
                                           "run as a service, in session 0)"
                                         : "");
    return 1;
  }
  if (error == ERROR_ALREADY_EXISTS) { /* never adopt an object someone else made */
    fprintf(stderr, "service: %s already exists: another instance, or a squatter\n", MAP_NAME);
    CloseHandle(map);
    return 1;
  }
  /* The creator's handle has all access whatever the descriptor says: only we write. */
  char *view = MapViewOfFile(map, FILE_MAP_WRITE, 0, 0, 0);
  if (!view) {
    fprintf(stderr, "service: MapViewOfFile failed: error %lu\n", (unsigned long)GetLastError());
    CloseHandle(map);
    return 1;
  }
  HANDLE lock = create_sync("mutex", LOCK_NAME, EVERYONE_WAITS);
  HANDLE ready = lock ? create_sync("event", READY_NAME, EVERYONE_WAITS) : NULL;
  if (!ready) {
    if (lock) CloseHandle(lock);
    UnmapViewOfFile(view);
    CloseHandle(map);
    return 1;
  }
  WaitForSingleObject(lock, INFINITE); /* readers take the lock too: never a half-written line */
  snprintf(view, MAP_SIZE, "temperature=21.5C");
  ReleaseMutex(lock);
  SetEvent(ready);
  printf("service: session %lu, created %s (%s: everyone may read), wrote \"%s\"\n",
         (unsigned long)session, MAP_NAME, EVERYONE_READS, view);
  printf("service: %s and %s (%s: everyone may wait on them), %s set\n", LOCK_NAME, READY_NAME,
         EVERYONE_WAITS, READY_NAME);
  heartbeat hb = {(volatile LONG *)(view + HEARTBEAT_OFFSET), lock,
                  CreateEventA(NULL, TRUE, FALSE, NULL)};
  HANDLE beater = hb.stop ? CreateThread(NULL, 0, beat, &hb, 0, NULL) : NULL;
  if (!beater)
    fprintf(stderr, "service: no heartbeat thread: error %lu\n", (unsigned long)GetLastError());
  printf("service: a heartbeat thread counts a %d ms waitable timer's ticks in the map\n",
         HEARTBEAT_MS);
  printf("ready\n");
  fflush(stdout);

  char line[256];
  while (fgets(line, sizeof line, stdin)) { /* each line is a new reading to publish */
    line[strcspn(line, "\r\n")] = '\0';
    WaitForSingleObject(lock, INFINITE);
    snprintf(view, MAP_SIZE, "%s", line);
    ReleaseMutex(lock);
  }
  if (beater) { /* stopped by its event; its exit code is how many beats it counted */
    DWORD beats = 0;
    SetEvent(hb.stop);
    WaitForSingleObject(beater, INFINITE);
    GetExitCodeThread(beater, &beats);
    printf("service: the heartbeat thread stopped (%s)\n", beats > 0 ? "it beat" : "no beat");
    CloseHandle(beater);
  }
  if (hb.stop) CloseHandle(hb.stop);
  CloseHandle(ready);
  CloseHandle(lock);
  UnmapViewOfFile(view);
  CloseHandle(map);
  printf("service: stopped; %s is gone with its last handle\n", MAP_NAME);
  return 0;
}
