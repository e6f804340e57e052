/* The kobjns conformance program: plain Win32 code (the C library and <windows.h> only), built
 * twice from this one file: on Linux against libkobjns-winapi, and with mingw-w64 for Windows.
 * Each case of shared/windows-semantics.md that one process can show is a row here, with the
 * answer Windows gives, and so are the cases of mutexes, events, semaphores and waits one process
 * can show (labelled: mutex, event, sem, wait, ...); the test suite (tests/test_conformance.c) runs
 * it on both, adds the multi-process and multi-session cases through `peer`, and compares the two
 * transcripts.
 *
 *   kobjns-conform rows   reads "session N", "privilege yes|no", "skip ROW REASON" and "run" on
 *                         stdin (the driver says what the caller is), then prints
 *                         one line per case: ROW <tab> CASE <tab> OBSERVED <tab> VERDICT
 *   kobjns-conform peer   a command interpreter on stdin/stdout (see peer_main)
 *
 * Exit status: 0 when every row that ran gave Windows' answer, 1 otherwise, 2 on bad usage. */
#include <windows.h>
#include <sddl.h> /* after <windows.h> */
#include <stdarg.h>
#include <stdbool.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PAGE 4096
#define CREATE(name, protect, size)                                                                \
  CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, (protect), 0, (size), (name))

/* --- the transcript ----------------------------------------------------------------------------
 */

static unsigned passed, failed, skipped;
static DWORD session;              /* this process's session (an app: not 0) */
static long expected_session = -1; /* the session the driver started us in */
static int holds_privilege = -1;   /* whether the driver says we hold SeCreateGlobalPrivilege */
static char skips[64][8], *reasons[64]; /* rows the driver asks us to skip, with the reason */
static unsigned skip_count;

static const char *skip_reason(const char *row) {
  for (unsigned i = 0; i < skip_count; i++)
    if (!strcmp(skips[i], row)) return reasons[i];
  return NULL;
}

static void skip(const char *row, const char *what, const char *reason);

/* One case: what was observed against what Windows answers. A row the driver names (one Wine
 * cannot show) is still played, so that nothing is left behind, but reported as skipped. */
static void report(const char *row, const char *what, const char *observed, const char *windows) {
  if (skip_reason(row)) {
    skip(row, what, skip_reason(row));
    return;
  }
  bool ok = !strcmp(observed, windows);
  printf("%s\t%s\t%s\t%s%s\n", row, what, observed, ok ? "ok" : "FAIL: Windows gives ",
         ok ? "" : windows);
  if (ok)
    passed++;
  else
    failed++;
  fflush(stdout);
}

static void skip(const char *row, const char *what, const char *reason) {
  printf("%s\t%s\tskipped\tskip: %s\n", row, what, reason);
  skipped++;
  fflush(stdout);
}

/* Observations, written the way windows-semantics.md writes them. */
__attribute__((format(printf, 1, 2))) static char *said(const char *fmt, ...) {
  static char ring[16][160];
  static unsigned next;
  char *out = ring[next++ % 16];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(out, sizeof ring[0], fmt, ap);
  va_end(ap);
  return out;
}
/* A create: the handle and the last error it leaves (0 or 183 on success). */
static const char *created(HANDLE h) {
  DWORD error = GetLastError();
  return h ? said("handle, %u", (unsigned)error) : said("NULL, %u", (unsigned)error);
}
/* An open or a map: success leaves the last error alone, so only a failure's is shown. */
static const char *opened(const void *p) {
  return p ? "handle" : said("NULL, %u", (unsigned)GetLastError());
}
/* The same for an open whose handle is not kept: closed at once, so a wrong success leaks nothing.
 */
static const char *open_result(HANDLE h) {
  const char *out = opened(h);
  if (h) CloseHandle(h);
  return out;
}
static const char *mapped(const void *p) {
  return p ? "view" : said("NULL, %u", (unsigned)GetLastError());
}

/* A name unique to this run. */
static const char *unique(const char *prefix, const char *base) {
  return said("%s%s.conform.%u", prefix, base, (unsigned)GetCurrentProcessId());
}

static void close_all(HANDLE *h, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (h[i]) CloseHandle(h[i]);
}

/* Whether two handles name one object: a stamp written through `a` is read through `b`. */
static bool same_object(HANDLE a, HANDLE b) {
  static unsigned stamp;
  char *w = MapViewOfFile(a, FILE_MAP_WRITE, 0, 0, 0);
  char *r = MapViewOfFile(b, FILE_MAP_READ, 0, 0, 0);
  bool same = false;
  if (w && r) {
    snprintf(w, 64, "stamp %u of %u", ++stamp, (unsigned)GetCurrentProcessId());
    same = !strcmp(w, r);
  }
  if (w) UnmapViewOfFile(w);
  if (r) UnmapViewOfFile(r);
  return same;
}

/* Opens `name` with all access and says whether it is the object `h`. */
static const char *open_same(const char *name, HANDLE h) {
  HANDLE o = OpenFileMappingA(FILE_MAP_ALL_ACCESS, FALSE, name);
  if (!o) return opened(o);
  const char *out = same_object(h, o) ? "handle, same object" : "handle, another object";
  CloseHandle(o);
  return out;
}

/* --- the rows ------------------------------------------------------------------------------- */

typedef struct rows_state {
  HANDLE a[4]; /* nsA: the create, row 2's, row 3's, and a spare */
  const char *nsA, *nsG;
  HANDLE g;        /* Global\nsG, when this process may create it */
  bool may_global; /* SeCreateGlobalPrivilege held (or not checked) */
} rows_state;

static void rows_create_and_reopen(rows_state *st) {
  st->a[0] = CREATE(st->nsA, PAGE_READWRITE, PAGE);
  report("1", "create RW 4096 nsA", created(st->a[0]), "handle, 0");
  st->a[1] = CREATE(st->nsA, PAGE_READWRITE, 65536);
  report("2", "create RW 65536 nsA (exists)", created(st->a[1]), "handle, 183");
  void *v = st->a[1] ? MapViewOfFile(st->a[1], FILE_MAP_READ, 0, 0, 65536) : NULL;
  report("2", "the size stays 4096: map 65536 bytes", st->a[1] ? mapped(v) : "no handle",
         "NULL, 5");
  if (v) UnmapViewOfFile(v);
  v = st->a[1] ? MapViewOfFile(st->a[1], FILE_MAP_READ, 0, 0, PAGE) : NULL;
  report("2", "the size stays 4096: map 4096 bytes", mapped(v), "view");
  if (v) UnmapViewOfFile(v);
  st->a[2] = CREATE(st->nsA, PAGE_READONLY, PAGE);
  report("3", "create read-only nsA (exists)", created(st->a[2]), "handle, 183");

  const char *links[] = {"Local\\", said("Session\\%u\\", (unsigned)session), "Local\\Local\\"};
  for (int i = 0; i < 3; i++) {
    const char *name = said("%s%s", links[i], st->nsA);
    report("4", said("open ALL %s", i == 1 ? "Session\\<own>\\nsA" : said("%snsA", links[i])),
           open_same(name, st->a[0]), "handle, same object");
  }
  const char *elsewhere[] = {"Global\\", "Session\\0\\"};
  for (int i = 0; i < 2; i++)
    report("5", said("open %snsA", elsewhere[i]),
           open_result(
               OpenFileMappingA(FILE_MAP_ALL_ACCESS, FALSE, said("%s%s", elsewhere[i], st->nsA))),
           "NULL, 2");
}

static void rows_case_and_lookup(rows_state *st) {
  char upper[256];
  snprintf(upper, sizeof upper, "%s", st->nsA);
  upper[0] = 'N', upper[1] = 'S';
  report("6", "open NSA (names are case-sensitive)",
         open_result(OpenFileMappingA(FILE_MAP_ALL_ACCESS, FALSE, upper)), "NULL, 2");
  HANDLE other = CREATE(upper, PAGE_READWRITE, PAGE);
  const char *r = created(other);
  report("6", "create NSA", r, "handle, 0");
  report("6", "NSA is another object than nsA",
         other && !same_object(st->a[0], other) ? "another object" : "same object",
         "another object");
  if (other) CloseHandle(other);
  const char *cases[] = {"local\\", "LOCAL\\"};
  for (int i = 0; i < 2; i++)
    report(
        "7", said("open %snsA", cases[i]),
        open_result(OpenFileMappingA(FILE_MAP_ALL_ACCESS, FALSE, said("%s%s", cases[i], st->nsA))),
        "NULL, 3");
  report("8", "open a missing name",
         open_result(OpenFileMappingA(FILE_MAP_ALL_ACCESS, FALSE, unique("", "missing"))),
         "NULL, 2");
  report("9", "open NULL", open_result(OpenFileMappingA(FILE_MAP_ALL_ACCESS, FALSE, NULL)),
         "NULL, 87");
  HANDLE h = OpenFileMappingA(0, FALSE, st->nsA);
  report("10", "open nsA with access 0", opened(h), "NULL, 5");
  if (h) CloseHandle(h);
}

static void rows_global(rows_state *st) {
  const char *need =
      "this process lacks SeCreateGlobalPrivilege (an administrator's app, or a "
      "service, holds it; the suite's other-user case covers the rest)";
  if (!st->may_global) {
    skip("12", "create Global\\nsG with the privilege", need);
  } else {
    st->g = CREATE(said("Global\\%s", st->nsG), PAGE_READWRITE, PAGE);
    report("12", "create Global\\nsG with the privilege", created(st->g), "handle, 0");
  }
  const char *lacks =
      "this process holds SeCreateGlobalPrivilege (run as an administrator); the "
      "suite plays this row as another user";
  if (st->may_global && !skip_reason("13")) {
    skip("13", "create Global\\nsG2 without the privilege", lacks);
  } else {
    HANDLE h = CREATE(unique("Global\\", "nsG2"), PAGE_READWRITE, PAGE);
    report("13", "create Global\\nsG2 without the privilege", created(h), "NULL, 5");
    if (h) CloseHandle(h);
  }
  /* Row 51: the privilege is for file mappings only; anyone creates the other types there. */
  if (st->may_global && !skip_reason("51")) {
    skip("51", "create a mutex, an event, a semaphore in Global\\ without the privilege", lacks);
  } else {
    HANDLE m = CreateMutexA(NULL, FALSE, unique("Global\\", "m51"));
    report("51", "create mutex Global\\m51 without the privilege", created(m), "handle, 0");
    HANDLE e = CreateEventA(NULL, TRUE, FALSE, unique("Global\\", "e51"));
    report("51", "create event Global\\e51 without the privilege", created(e), "handle, 0");
    HANDLE sem = CreateSemaphoreA(NULL, 0, 1, unique("Global\\", "s51"));
    report("51", "create semaphore Global\\s51 without the privilege", created(sem), "handle, 0");
    if (m) CloseHandle(m);
    if (e) CloseHandle(e);
    if (sem) CloseHandle(sem);
  }
  if (!st->g) {
    skip("15", "open bare nsG when only Global\\nsG exists", need);
    skip("16", "open the global object through other names", need);
  } else {
    report("15", "open bare nsG when only Global\\nsG exists",
           open_result(OpenFileMappingA(FILE_MAP_ALL_ACCESS, FALSE, st->nsG)), "NULL, 2");
    const char *links[] = {"Session\\0\\", "Global\\Global\\", "Global\\Local\\",
                           "Local\\Global\\"};
    for (int i = 0; i < 4; i++)
      report("16", said("open %snsG", links[i]), open_same(said("%s%s", links[i], st->nsG), st->g),
             "handle, same object");
  }
  if (!st->may_global) {
    skip("18", "create Local\\dup and Global\\dup", need);
    skip("19", "create Session\\<own>\\dup and Session\\0\\dup after row 18", need);
  } else {
    const char *dup = unique("", "dup");
    HANDLE h[4] = {CREATE(said("Local\\%s", dup), PAGE_READWRITE, PAGE)};
    report("18", "create Local\\dup", created(h[0]), "handle, 0");
    h[1] = CREATE(said("Global\\%s", dup), PAGE_READWRITE, PAGE);
    report("18", "create Global\\dup", created(h[1]), "handle, 0");
    report("18", "two distinct objects",
           h[0] && h[1] && !same_object(h[0], h[1]) ? "distinct" : "one object", "distinct");
    h[2] = CREATE(said("Session\\%u\\%s", (unsigned)session, dup), PAGE_READWRITE, PAGE);
    report("19", "create Session\\<own>\\dup", created(h[2]), "handle, 183");
    h[3] = CREATE(said("Session\\0\\%s", dup), PAGE_READWRITE, PAGE);
    report("19", "create Session\\0\\dup", created(h[3]), "handle, 183");
    close_all(h, 4);
  }
}

static void rows_sessions_and_syntax(rows_state *st) {
  HANDLE h = CREATE("Session\\99\\x", PAGE_READWRITE, PAGE);
  report("20", "create Session\\99\\x (no such session)", created(h), "NULL, 3");
  if (h) CloseHandle(h);
  report("20", "open Session\\99\\x",
         open_result(OpenFileMappingA(FILE_MAP_ALL_ACCESS, FALSE, "Session\\99\\x")), "NULL, 3");
  h = CREATE(unique("Session\\", "x"), PAGE_READWRITE, PAGE);
  report("21", "create Session\\x", created(h), "NULL, 5");
  if (h) CloseHandle(h);
  if (st->may_global && !skip_reason("22")) {
    skip("22", "create Session\\0\\x without the privilege",
         "this process holds SeCreateGlobalPrivilege; the suite plays this row as another user");
  } else {
    h = CREATE(unique("Session\\0\\", "x"), PAGE_READWRITE, PAGE);
    report("22", "create Session\\0\\x without the privilege", created(h), "NULL, 5");
    if (h) CloseHandle(h);
  }
  struct {
    const char *row, *name, *windows;
  } bad[] = {
      {"23", "Global\\", "NULL, 123"},   {"23", "Local\\", "NULL, 123"},
      {"23", "Session\\", "NULL, 123"},  {"24", "Global", "NULL, 6"},
      {"24", "Local", "NULL, 6"},        {"24", "Session", "NULL, 6"},
      {"24", NULL, "NULL, 6"}, /* Session\<own> */
      {"25", "Local\\a\\b", "NULL, 3"},  {"25", "a\\b", "NULL, 3"},
      {"25", "Global\\x\\", "NULL, 3"},  {"25", "x\\", "NULL, 3"},
      {"26", "Local\\\\x", "NULL, 123"}, {"27", "\\x", "NULL, 161"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    const char *name = bad[i].name ? bad[i].name : said("Session\\%u", (unsigned)session);
    const char *shown = bad[i].name ? bad[i].name : "Session\\<own>";
    h = CREATE(name, PAGE_READWRITE, PAGE);
    report(bad[i].row, said("create %s", shown), created(h), bad[i].windows);
    if (h) CloseHandle(h);
    if (strcmp(bad[i].row, "25") && strcmp(bad[i].row, "26") && strcmp(bad[i].row, "27"))
      report(bad[i].row, said("open %s", shown),
             open_result(OpenFileMappingA(FILE_MAP_ALL_ACCESS, FALSE, name)), bad[i].windows);
  }
}

static void rows_unnamed_and_odd_names(void) {
  HANDLE u1 = CREATE("", PAGE_READWRITE, PAGE);
  report("28", "create \"\"", created(u1), "handle, 0");
  HANDLE u2 = CREATE("", PAGE_READWRITE, PAGE);
  report("28", "create \"\" again", created(u2), "handle, 0");
  report("28", "the two are distinct objects",
         u1 && u2 && !same_object(u1, u2) ? "distinct" : "one object", "distinct");
  if (u1) CloseHandle(u1);
  if (u2) CloseHandle(u2);
  report("29", "open \"\"", open_result(OpenFileMappingA(FILE_MAP_ALL_ACCESS, FALSE, "")),
         "NULL, 6");

  HANDLE h[3] = {CREATE(unique("", "a/b"), PAGE_READWRITE, PAGE)};
  report("30", "create a/b", created(h[0]), "handle, 0");
  h[1] = CREATE(unique("", "a:b"), PAGE_READWRITE, PAGE);
  report("30", "create a:b", created(h[1]), "handle, 0");
  h[2] = CREATE(unique("", "k/s"), PAGE_READWRITE, PAGE);
  report("30", "create k/s", created(h[2]), "handle, 0");
  report("30", "open a/b", open_same(unique("", "a/b"), h[0]), "handle, same object");
  report("30", "open a:b", open_same(unique("", "a:b"), h[1]), "handle, same object");
  report("30", "open k\\s (is not k/s)",
         open_result(OpenFileMappingA(FILE_MAP_ALL_ACCESS, FALSE, unique("", "k\\s"))), "NULL, 3");
  close_all(h, 3);

  /* 32766 UTF-16 units, "Local\" included: the longest name. (What Windows says past it is not
   * documented; kobjns's own limit is tested by the names suite.) */
  enum { LONGEST = 32766 };
  WCHAR *wide = malloc((LONGEST + 1) * sizeof(WCHAR));
  if (!wide) {
    report("31", "create a name of 32766 UTF-16 units", "out of memory", "handle, 0");
  } else {
    const char *prefix = unique("Local\\", "long");
    size_t n = strlen(prefix);
    for (size_t i = 0; i < LONGEST; i++) wide[i] = (WCHAR)(i < n ? prefix[i] : 'l');
    wide[LONGEST] = 0;
    HANDLE l = CreateFileMappingW(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, PAGE, wide);
    report("31", "create a name of 32766 UTF-16 units", created(l), "handle, 0");
    if (l) CloseHandle(l);
    free(wide);
  }
  char a300[301];
  memset(a300, 'n', 300);
  a300[300] = '\0';
  HANDLE a = CREATE(a300, PAGE_READWRITE, PAGE);
  report("33", "CreateFileMappingA, 300-character name", created(a), "NULL, 206");
  if (a) CloseHandle(a);
  a = CREATE(unique("", "zero"), PAGE_READWRITE, 0);
  report("34", "create size 0 (no file)", created(a), "NULL, 87");
  if (a) CloseHandle(a);
}

static HANDLE create_sddl(const char *name, const char *sddl, DWORD protect, DWORD size) {
  PSECURITY_DESCRIPTOR sd = NULL;
  if (!ConvertStringSecurityDescriptorToSecurityDescriptorA(sddl, SDDL_REVISION_1, &sd, NULL))
    return NULL;
  SECURITY_ATTRIBUTES sa = {sizeof sa, sd, FALSE};
  HANDLE h = CreateFileMappingA(INVALID_HANDLE_VALUE, &sa, protect, 0, size, name);
  DWORD error = GetLastError();
  LocalFree(sd);
  SetLastError(error);
  return h;
}

static void rows_security(void) {
  const char *ro = unique("", "nsRO");
  HANDLE h[4] = {create_sddl(ro, "D:(A;;GR;;;WD)", PAGE_READWRITE, PAGE)};
  report("39", "create nsRO with D:(A;;GR;;;WD)", created(h[0]), "handle, 0");
  HANDLE r = OpenFileMappingA(FILE_MAP_READ, FALSE, ro);
  report("39", "open nsRO for reading", opened(r), "handle");
  if (r) CloseHandle(r);
  report("40", "open nsRO for writing", open_result(OpenFileMappingA(FILE_MAP_WRITE, FALSE, ro)),
         "NULL, 5");
  report("40", "open nsRO with all access",
         open_result(OpenFileMappingA(FILE_MAP_ALL_ACCESS, FALSE, ro)), "NULL, 5");
  h[1] = CREATE(ro, PAGE_READWRITE, PAGE);
  report("41", "create RW on the existing nsRO", created(h[1]), "NULL, 5");
  h[2] = CREATE(ro, PAGE_READONLY, PAGE);
  report("41", "create read-only on the existing nsRO", created(h[2]), "handle, 183");
  const char *none = unique("", "nsNone");
  h[3] = create_sddl(none, "D:", PAGE_READWRITE, PAGE);
  report("42", "create nsNone with D: (an empty DACL)", created(h[3]), "handle, 0");
  report("42", "open nsNone for reading", open_result(OpenFileMappingA(FILE_MAP_READ, FALSE, none)),
         "NULL, 5");
  close_all(h, 4);
}

/* --- one namespace for every type (rows 35-38) ------------------------------------------------ */

static void rows_types(rows_state *st) {
  char tc[128];
  snprintf(tc, sizeof tc, "%s", unique("", "tcE")); /* out of said()'s ring */
  HANDLE e = CreateEventA(NULL, TRUE, FALSE, tc);
  report("35", "create event tcE", created(e), "handle, 0");
  HANDLE h = CREATE(tc, PAGE_READWRITE, PAGE);
  report("35", "create a section tcE where the event is", created(h), "NULL, 6");
  if (h) CloseHandle(h);
  report("36", "open a section on the event's name tcE",
         open_result(OpenFileMappingA(FILE_MAP_ALL_ACCESS, FALSE, tc)), "NULL, 6");
  if (e) CloseHandle(e);
  h = CreateMutexA(NULL, FALSE, st->nsA);
  report("37", "create a mutex nsA where the section is", created(h), "NULL, 6");
  if (h) CloseHandle(h);
  if (!st->may_global) {
    skip("38", "create Local\\tc while Global\\tc is an event",
         "this process lacks SeCreateGlobalPrivilege (an administrator's app, or a service, "
         "holds it)");
    return;
  }
  char base[128];
  snprintf(base, sizeof base, "%s", unique("", "tc")); /* out of said()'s ring */
  HANDLE g = CreateEventA(NULL, TRUE, FALSE, said("Global\\%s", base));
  report("38", "create event Global\\tc", created(g), "handle, 0");
  HANDLE l = CREATE(said("Local\\%s", base), PAGE_READWRITE, PAGE);
  report("38", "create a section Local\\tc while Global\\tc is an event", created(l), "handle, 0");
  if (l) CloseHandle(l);
  if (g) CloseHandle(g);
}

/* --- mutexes, events, semaphores and waits --------------------------------------------------
 * The cases one process (one thread) can show, labelled rather than numbered: mutex, event, sem,
 * wait, waitm (several objects), names, sd (descriptors); and apart, under labels of their own,
 * those Wine 8.0 answers its own way (tests/conformance/wine-differences.txt): open0 (access 0),
 * bits (rights the type does not have), sem0 (a release of 0 or less), alldup (one handle twice in
 * a wait for all), pseudo (a pseudo handle among several). The answers are Windows' (Wine's own
 * conformance tests, which pass on Windows, and the Win32 documentation); where those pin one type
 * only (access 0: OpenMutex), the others take the same object-manager path. */

/* A BOOL call's answer: "TRUE", or "FALSE, E". */
static const char *done(BOOL ok) {
  return ok ? "TRUE" : said("FALSE, %u", (unsigned)GetLastError());
}

/* A wait's answer, named; a failure with its last error. */
static const char *waited(DWORD r) {
  if (r == WAIT_FAILED) return said("WAIT_FAILED, %u", (unsigned)GetLastError());
  if (r == WAIT_TIMEOUT) return "WAIT_TIMEOUT";
  if (r < MAXIMUM_WAIT_OBJECTS)
    return r ? said("WAIT_OBJECT_0 + %u", (unsigned)r) : "WAIT_OBJECT_0";
  if (r >= WAIT_ABANDONED_0 && r < WAIT_ABANDONED_0 + MAXIMUM_WAIT_OBJECTS)
    return r > WAIT_ABANDONED_0 ? said("WAIT_ABANDONED_0 + %u", (unsigned)(r - WAIT_ABANDONED_0))
                                : "WAIT_ABANDONED_0";
  if (r == WAIT_IO_COMPLETION) return "WAIT_IO_COMPLETION";
  return said("0x%x", (unsigned)r);
}

/* A wait, and whether it left the last error alone (a wait that does not fail must). */
static const char *wait_quietly(HANDLE h, DWORD ms) {
  SetLastError(0xdead);
  DWORD r = WaitForSingleObject(h, ms);
  if (r == WAIT_FAILED) return waited(r);
  return GetLastError() == 0xdead
             ? waited(r)
             : said("%s, last error set to %u", waited(r), (unsigned)GetLastError());
}

static const char *wait_several(DWORD count, const HANDLE *handles, BOOL all, DWORD ms) {
  SetLastError(0xdead);
  DWORD r = WaitForMultipleObjects(count, handles, all, ms);
  if (r == WAIT_FAILED) return waited(r);
  return GetLastError() == 0xdead
             ? waited(r)
             : said("%s, last error set to %u", waited(r), (unsigned)GetLastError());
}

/* A handle that was just closed (nothing is created before it is used). */
static HANDLE just_closed(void) {
  HANDLE h = CreateEventA(NULL, FALSE, FALSE, NULL);
  if (h) CloseHandle(h);
  return h;
}

static void rows_mutex(void) {
  char name[128];
  snprintf(name, sizeof name, "%s", unique("", "nsM")); /* out of said()'s ring */
  HANDLE m = CreateMutexA(NULL, FALSE, name);
  report("mutex", "create nsM", created(m), "handle, 0");
  HANDLE again = CreateMutexA(NULL, TRUE, name);
  report("mutex", "create nsM again, asking to own it", created(again), "handle, 183");
  report("mutex", "the second create took no ownership: release it", done(ReleaseMutex(again)),
         "FALSE, 288");
  char upper[256];
  snprintf(upper, sizeof upper, "%s", name);
  upper[0] = 'N', upper[1] = 'S';
  report("mutex", "open NSM (names are case-sensitive)",
         open_result(OpenMutexA(MUTEX_ALL_ACCESS, FALSE, upper)), "NULL, 2");
  report("mutex", "open a missing mutex",
         open_result(OpenMutexA(MUTEX_ALL_ACCESS, FALSE, unique("", "missingM"))), "NULL, 2");
  report("mutex", "open NULL", open_result(OpenMutexA(MUTEX_ALL_ACCESS, FALSE, NULL)), "NULL, 87");
  report("open0", "open nsM with access 0", open_result(OpenMutexA(0, FALSE, name)), "NULL, 5");
  report("mutex", "open a missing mutex with access 0",
         open_result(OpenMutexA(0, FALSE, unique("", "missingM0"))), "NULL, 2");
  report("mutex", "wait for nsM", wait_quietly(m, 0), "WAIT_OBJECT_0");
  report("mutex", "wait again: the owner acquires it again", wait_quietly(m, 0), "WAIT_OBJECT_0");
  report("mutex", "release once", done(ReleaseMutex(m)), "TRUE");
  report("mutex", "release twice", done(ReleaseMutex(m)), "TRUE");
  report("mutex", "release a third time", done(ReleaseMutex(m)), "FALSE, 288");
  HANDLE rw = OpenMutexA(GENERIC_READ | GENERIC_WRITE, FALSE, name);
  report("mutex", "open nsM for GENERIC_READ | GENERIC_WRITE", opened(rw), "handle");
  report("mutex", "wait through the GENERIC_READ | GENERIC_WRITE handle (no SYNCHRONIZE)",
         rw ? wait_quietly(rw, 0) : "no handle", "WAIT_FAILED, 5");
  if (rw) CloseHandle(rw);
  HANDLE x = OpenMutexA(GENERIC_EXECUTE, FALSE, name);
  report("mutex", "open nsM for GENERIC_EXECUTE", opened(x), "handle");
  report("mutex", "wait through the GENERIC_EXECUTE handle", x ? wait_quietly(x, 0) : "no handle",
         "WAIT_OBJECT_0");
  report("mutex", "release through the GENERIC_EXECUTE handle",
         x ? done(ReleaseMutex(x)) : "no handle", "TRUE");
  if (x) CloseHandle(x);
  HANDLE rc = OpenMutexA(READ_CONTROL, FALSE, name);
  report("mutex", "open nsM for READ_CONTROL", opened(rc), "handle");
  report("mutex", "own nsM", wait_quietly(m, 0), "WAIT_OBJECT_0");
  report("mutex", "release it through the READ_CONTROL handle (no right needed)",
         rc ? done(ReleaseMutex(rc)) : "no handle", "TRUE");
  if (rc) CloseHandle(rc);
  HANDLE max = OpenMutexA(MAXIMUM_ALLOWED, FALSE, name);
  report("mutex", "open nsM for MAXIMUM_ALLOWED", opened(max), "handle");
  report("mutex", "wait through the MAXIMUM_ALLOWED handle",
         max ? wait_quietly(max, 0) : "no handle", "WAIT_OBJECT_0");
  report("mutex", "release through the MAXIMUM_ALLOWED handle",
         max ? done(ReleaseMutex(max)) : "no handle", "TRUE");
  if (max) CloseHandle(max);
  HANDLE owned = CreateMutexA(NULL, TRUE, NULL);
  report("mutex", "create an unnamed mutex, owned", created(owned), "handle, 0");
  report("mutex", "release it", done(ReleaseMutex(owned)), "TRUE");
  report("mutex", "release it again", done(ReleaseMutex(owned)), "FALSE, 288");
  if (owned) CloseHandle(owned);
  if (again) CloseHandle(again);
  if (m) CloseHandle(m);
  report("mutex", "open nsM after its last handle closed",
         open_result(OpenMutexA(SYNCHRONIZE, FALSE, name)), "NULL, 2");

  /* Rights no mutex has: Windows refuses them (Wine 8.0 does not: wine-differences.txt). */
  m = CreateMutexA(NULL, FALSE, name);
  report("bits", "create nsM", created(m), "handle, 0");
  report("bits", "open nsM for SYNCHRONIZE | 0x2 (no such mutex right)",
         open_result(OpenMutexA(SYNCHRONIZE | 0x2, FALSE, name)), "NULL, 5");
  report("bits", "open nsM for ACCESS_SYSTEM_SECURITY",
         open_result(OpenMutexA(ACCESS_SYSTEM_SECURITY, FALSE, name)), "NULL, 1314");
  if (m) CloseHandle(m);
}

static void rows_event(void) {
  char name[128];
  snprintf(name, sizeof name, "%s", unique("", "nsE")); /* out of said()'s ring */
  HANDLE e = CreateEventA(NULL, TRUE, FALSE, name);
  report("event", "create nsE, manual reset, not signaled", created(e), "handle, 0");
  HANDLE again = CreateEventA(NULL, FALSE, TRUE, name);
  report("event", "create nsE again, automatic and signaled", created(again), "handle, 183");
  report("event", "the second create's arguments are ignored: wait", wait_quietly(again, 0),
         "WAIT_TIMEOUT");
  report("event", "set", done(SetEvent(e)), "TRUE");
  report("event", "set again", done(SetEvent(e)), "TRUE");
  report("event", "wait", wait_quietly(e, 0), "WAIT_OBJECT_0");
  report("event", "wait again: a manual-reset event stays signaled", wait_quietly(again, 0),
         "WAIT_OBJECT_0");
  report("event", "reset", done(ResetEvent(e)), "TRUE");
  report("event", "reset again", done(ResetEvent(e)), "TRUE");
  report("event", "wait after the reset", wait_quietly(e, 0), "WAIT_TIMEOUT");
  HANDLE a = CreateEventA(NULL, FALSE, TRUE, NULL);
  report("event", "create an automatic event, signaled", created(a), "handle, 0");
  report("event", "wait for it", wait_quietly(a, 0), "WAIT_OBJECT_0");
  report("event", "wait again: the wait reset it", wait_quietly(a, 0), "WAIT_TIMEOUT");
  if (a) CloseHandle(a);
  HANDLE s = OpenEventA(SYNCHRONIZE, FALSE, name);
  report("event", "open nsE for SYNCHRONIZE", opened(s), "handle");
  report("event", "set through the SYNCHRONIZE handle", s ? done(SetEvent(s)) : "no handle",
         "FALSE, 5");
  report("event", "reset through the SYNCHRONIZE handle", s ? done(ResetEvent(s)) : "no handle",
         "FALSE, 5");
  if (s) CloseHandle(s);
  HANDLE mod = OpenEventA(EVENT_MODIFY_STATE, FALSE, name);
  report("event", "open nsE for EVENT_MODIFY_STATE", opened(mod), "handle");
  report("event", "set through the EVENT_MODIFY_STATE handle",
         mod ? done(SetEvent(mod)) : "no handle", "TRUE");
  report("event", "wait through the EVENT_MODIFY_STATE handle",
         mod ? wait_quietly(mod, 0) : "no handle", "WAIT_FAILED, 5");
  if (mod) CloseHandle(mod);
  char upper[256];
  snprintf(upper, sizeof upper, "%s", name);
  upper[0] = 'N', upper[1] = 'S';
  report("event", "open NSE (names are case-sensitive)",
         open_result(OpenEventA(EVENT_ALL_ACCESS, FALSE, upper)), "NULL, 2");
  report("event", "open NULL", open_result(OpenEventA(EVENT_ALL_ACCESS, FALSE, NULL)), "NULL, 87");
  report("event", "open a missing event",
         open_result(OpenEventA(EVENT_ALL_ACCESS, FALSE, unique("", "missingE"))), "NULL, 2");
  report("open0", "open nsE with access 0", open_result(OpenEventA(0, FALSE, name)), "NULL, 5");
  if (again) CloseHandle(again);
  if (e) CloseHandle(e);
  report("event", "open nsE after its last handle closed",
         open_result(OpenEventA(SYNCHRONIZE, FALSE, name)), "NULL, 2");
}

static void rows_semaphore(void) {
  char name[128];
  snprintf(name, sizeof name, "%s", unique("", "nsS")); /* out of said()'s ring */
  HANDLE s = CreateSemaphoreA(NULL, 1, 2, name);
  report("sem", "create nsS, count 1 of 2", created(s), "handle, 0");
  HANDLE h = CreateSemaphoreA(NULL, 3, 2, name);
  report("sem", "create nsS with 3 of 2 (counts first, then the name)", created(h), "NULL, 87");
  if (h) CloseHandle(h);
  h = CreateSemaphoreA(NULL, 0, 0, unique("", "nsS0"));
  report("sem", "create with a maximum of 0", created(h), "NULL, 87");
  if (h) CloseHandle(h);
  h = CreateSemaphoreA(NULL, -1, 1, unique("", "nsS1"));
  report("sem", "create with a count of -1", created(h), "NULL, 87");
  if (h) CloseHandle(h);
  HANDLE again = CreateSemaphoreA(NULL, 0, 10, name);
  report("sem", "create nsS again with 0 of 10", created(again), "handle, 183");
  LONG previous = 0x5eed;
  BOOL ok = again && ReleaseSemaphore(again, 1, &previous);
  report("sem", "release 1 through the second handle",
         ok ? said("TRUE, previous %ld", (long)previous) : done(ok), "TRUE, previous 1");
  previous = 0x5eed;
  ok = ReleaseSemaphore(s, 1, &previous);
  report("sem", "release 1 more: past the maximum of 2",
         ok ? "TRUE"
            : said("FALSE, %u, previous %s", (unsigned)GetLastError(),
                   previous == 0x5eed ? "not written" : "written"),
         "FALSE, 298, previous not written");
  report("sem", "wait", wait_quietly(s, 0), "WAIT_OBJECT_0");
  report("sem", "wait again", wait_quietly(s, 0), "WAIT_OBJECT_0");
  report("sem", "wait a third time: the count is 0", wait_quietly(s, 0), "WAIT_TIMEOUT");
  HANDLE w = OpenSemaphoreA(SYNCHRONIZE, FALSE, name);
  report("sem", "open nsS for SYNCHRONIZE", opened(w), "handle");
  report("sem", "release through the SYNCHRONIZE handle",
         w ? done(ReleaseSemaphore(w, 1, NULL)) : "no handle", "FALSE, 5");
  if (w) CloseHandle(w);
  HANDLE p = OpenSemaphoreA(SEMAPHORE_MODIFY_STATE, FALSE, name);
  report("sem", "open nsS for SEMAPHORE_MODIFY_STATE", opened(p), "handle");
  report("sem", "release 2 through the SEMAPHORE_MODIFY_STATE handle",
         p ? done(ReleaseSemaphore(p, 2, NULL)) : "no handle", "TRUE");
  report("sem", "wait through the SEMAPHORE_MODIFY_STATE handle",
         p ? wait_quietly(p, 0) : "no handle", "WAIT_FAILED, 5");
  if (p) CloseHandle(p);
  report("sem", "open NULL", open_result(OpenSemaphoreA(SEMAPHORE_ALL_ACCESS, FALSE, NULL)),
         "NULL, 87");
  report("sem", "open a missing semaphore",
         open_result(OpenSemaphoreA(SEMAPHORE_ALL_ACCESS, FALSE, unique("", "missingS"))),
         "NULL, 2");
  report("open0", "open nsS with access 0", open_result(OpenSemaphoreA(0, FALSE, name)), "NULL, 5");
  /* A count of 0 or less (Wine 8.0 differs: wine-differences.txt). */
  report("sem0", "release 0", done(ReleaseSemaphore(s, 0, NULL)), "FALSE, 87");
  report("sem0", "release -1", done(ReleaseSemaphore(s, -1, NULL)), "FALSE, 87");
  if (again) CloseHandle(again);
  if (s) CloseHandle(s);
}

static void rows_wait(rows_state *st) {
  report("wait", "wait on a handle just closed", wait_quietly(just_closed(), 0), "WAIT_FAILED, 6");
  report("wait", "wait on a section's handle (no SYNCHRONIZE)", wait_quietly(st->a[0], 0),
         "WAIT_FAILED, 5");
  report("wait", "wait on the process's own pseudo handle", wait_quietly((HANDLE)(INT_PTR)-1, 0),
         "WAIT_TIMEOUT");
  HANDLE e = CreateEventA(NULL, TRUE, TRUE, NULL), m = CreateMutexA(NULL, FALSE, NULL);
  HANDLE s = CreateSemaphoreA(NULL, 0, 1, NULL);
  report("wait", "wait through the handle's value | 3 (the tag bits)",
         wait_quietly((HANDLE)((ULONG_PTR)e | 3), 0), "WAIT_OBJECT_0");
  report("wait", "map a view of an event", mapped(MapViewOfFile(e, FILE_MAP_READ, 0, 0, 0)),
         "NULL, 6");
  report("wait", "set a mutex", done(SetEvent(m)), "FALSE, 6");
  report("wait", "set a section", done(SetEvent(st->a[0])), "FALSE, 6");
  report("wait", "release an event as a mutex", done(ReleaseMutex(e)), "FALSE, 6");
  report("wait", "release an event as a semaphore", done(ReleaseSemaphore(e, 1, NULL)), "FALSE, 6");
  report("wait", "reset a semaphore", done(ResetEvent(s)), "FALSE, 6");
  report("wait", "close the event", done(CloseHandle(e)), "TRUE");
  report("wait", "close it again", done(CloseHandle(e)), "FALSE, 6");
  if (m) CloseHandle(m);
  if (s) CloseHandle(s);
}

static void rows_wait_several(rows_state *st) {
  HANDLE e[3];
  for (int i = 0; i < 3; i++) e[i] = CreateEventA(NULL, FALSE, i > 0, NULL);
  report("waitm", "wait for any of 0", wait_several(0, e, FALSE, 0), "WAIT_FAILED, 87");
  HANDLE many[MAXIMUM_WAIT_OBJECTS + 1];
  for (int i = 0; i <= MAXIMUM_WAIT_OBJECTS; i++) many[i] = e[i % 3];
  report("waitm", "wait for any of 65", wait_several(MAXIMUM_WAIT_OBJECTS + 1, many, FALSE, 0),
         "WAIT_FAILED, 87");
  report("waitm", "wait for any: the lowest signaled index", wait_several(3, e, FALSE, 0),
         "WAIT_OBJECT_0 + 1");
  report("waitm", "the higher signaled one was left signaled", wait_quietly(e[2], 0),
         "WAIT_OBJECT_0");
  report("waitm", "wait for any, none signaled", wait_several(3, e, FALSE, 0), "WAIT_TIMEOUT");
  SetEvent(e[0]);
  report("waitm", "wait for all, one signaled", wait_several(2, e, TRUE, 0), "WAIT_TIMEOUT");
  report("waitm", "the signaled one was not taken", wait_quietly(e[0], 0), "WAIT_OBJECT_0");
  SetEvent(e[0]), SetEvent(e[1]);
  report("waitm", "wait for all, both signaled", wait_several(2, e, TRUE, 0), "WAIT_OBJECT_0");
  report("waitm", "both were taken", wait_several(2, e, FALSE, 0), "WAIT_TIMEOUT");
  SetEvent(e[2]);
  report("waitm", "wait for any of 64 (one event signaled)",
         wait_several(MAXIMUM_WAIT_OBJECTS, many, FALSE, 0), "WAIT_OBJECT_0 + 2");
  SetEvent(e[1]);
  HANDLE twice[2] = {e[1], e[1]};
  report("waitm", "wait for any, one handle twice", wait_several(2, twice, FALSE, 0),
         "WAIT_OBJECT_0");
  HANDLE m = CreateMutexA(NULL, TRUE, NULL);
  HANDLE with_mutex[2] = {e[0], m};
  report("waitm", "wait for any: a mutex its owner waits for",
         wait_several(2, with_mutex, FALSE, 0), "WAIT_OBJECT_0 + 1");
  report("waitm", "release it", done(ReleaseMutex(m)), "TRUE");
  report("waitm", "release it again", done(ReleaseMutex(m)), "TRUE");
  HANDLE with_closed[2] = {e[0], just_closed()};
  report("waitm", "wait for any, a handle just closed among them",
         wait_several(2, with_closed, FALSE, 0), "WAIT_FAILED, 6");
  HANDLE with_section[2] = {e[0], st->a[0]};
  report("waitm", "wait for any, a section's handle among them",
         wait_several(2, with_section, FALSE, 0), "WAIT_FAILED, 5");
  SetEvent(e[0]);
  HANDLE same[2] = {e[0], e[0]};
  report("alldup", "wait for all, one handle twice", wait_several(2, same, TRUE, 0),
         "WAIT_FAILED, 87");
  HANDLE with_self[2] = {e[0], (HANDLE)(INT_PTR)-1};
  report("pseudo", "wait for any, the process's pseudo handle among them",
         wait_several(2, with_self, FALSE, 0), "WAIT_FAILED, 6");
  if (m) CloseHandle(m);
  close_all(e, 3);
}

static void rows_sync_names(rows_state *st) {
  char mn[128];
  snprintf(mn, sizeof mn, "%s", unique("", "nsN")); /* out of said()'s ring */
  HANDLE m = CreateMutexA(NULL, FALSE, mn);
  report("names", "create mutex nsN", created(m), "handle, 0");
  HANDLE h = CreateEventA(NULL, TRUE, FALSE, mn);
  report("names", "create an event nsN where the mutex is", created(h), "NULL, 6");
  if (h) CloseHandle(h);
  report("names", "open an event on the mutex's name nsN",
         open_result(OpenEventA(EVENT_ALL_ACCESS, FALSE, mn)), "NULL, 6");
  h = CreateSemaphoreA(NULL, 0, 1, mn);
  report("names", "create a semaphore nsN where the mutex is", created(h), "NULL, 6");
  if (h) CloseHandle(h);
  report("names", "open a mutex on the section's name nsA",
         open_result(OpenMutexA(MUTEX_ALL_ACCESS, FALSE, st->nsA)), "NULL, 6");
  h = CreateMutexA(NULL, FALSE, said("Local\\%s", mn));
  report("names", "create mutex Local\\nsN: the same mutex", created(h), "handle, 183");
  if (h) CloseHandle(h);
  if (m) CloseHandle(m);
  HANDLE u[2] = {CreateEventA(NULL, TRUE, FALSE, "")};
  report("names", "create event \"\"", created(u[0]), "handle, 0");
  u[1] = CreateEventA(NULL, TRUE, FALSE, "");
  report("names", "create event \"\" again", created(u[1]), "handle, 0");
  SetEvent(u[0]);
  report("names", "the two are distinct: the second is not signaled", wait_quietly(u[1], 0),
         "WAIT_TIMEOUT");
  close_all(u, 2);
  report("names", "open event \"\"", open_result(OpenEventA(EVENT_ALL_ACCESS, FALSE, "")),
         "NULL, 6");
  h = CreateMutexA(NULL, FALSE, "a\\b");
  report("names", "create mutex a\\b", created(h), "NULL, 3");
  if (h) CloseHandle(h);
  h = CreateSemaphoreA(NULL, 0, 1, "Global\\");
  report("names", "create semaphore Global\\", created(h), "NULL, 123");
  if (h) CloseHandle(h);
}

/* The SDDL's generic rights are the object's type's: GX on an event is SYNCHRONIZE. */
static void rows_sync_security(void) {
  PSECURITY_DESCRIPTOR sd = NULL;
  if (!ConvertStringSecurityDescriptorToSecurityDescriptorA("D:(A;;GX;;;WD)", SDDL_REVISION_1, &sd,
                                                            NULL)) {
    report("sd", "convert D:(A;;GX;;;WD)", done(FALSE), "TRUE");
    return;
  }
  SECURITY_ATTRIBUTES sa = {sizeof sa, sd, FALSE};
  char name[128];
  snprintf(name, sizeof name, "%s", unique("", "nsX")); /* out of said()'s ring */
  HANDLE e = CreateEventA(&sa, TRUE, FALSE, name);
  report("sd", "create event nsX with D:(A;;GX;;;WD)", created(e), "handle, 0");
  report("sd", "set it through the creating handle", done(SetEvent(e)), "TRUE");
  HANDLE s = OpenEventA(SYNCHRONIZE, FALSE, name);
  report("sd", "open nsX for SYNCHRONIZE", opened(s), "handle");
  report("sd", "wait through the SYNCHRONIZE handle", s ? wait_quietly(s, 0) : "no handle",
         "WAIT_OBJECT_0");
  if (s) CloseHandle(s);
  report("sd", "open nsX for EVENT_MODIFY_STATE",
         open_result(OpenEventA(EVENT_MODIFY_STATE, FALSE, name)), "NULL, 5");
  HANDLE again = CreateEventA(NULL, TRUE, FALSE, name);
  report("sd", "create nsX again (asks for all access)", created(again), "NULL, 5");
  if (again) CloseHandle(again);
  if (e) CloseHandle(e);
  LocalFree(sd);
}

static void rows_views(rows_state *st) {
  HANDLE w = OpenFileMappingA(FILE_MAP_WRITE, FALSE, st->nsA);
  report("44", "open nsA for writing", opened(w), "handle");
  void *v = w ? MapViewOfFile(w, FILE_MAP_READ, 0, 0, 0) : NULL;
  report("44", "map it for reading", w ? mapped(v) : "no handle", "NULL, 5");
  if (v) UnmapViewOfFile(v);
  if (w) CloseHandle(w);
  HANDLE r = OpenFileMappingA(FILE_MAP_READ, FALSE, st->nsA);
  report("45", "open nsA for reading", opened(r), "handle");
  v = r ? MapViewOfFile(r, FILE_MAP_WRITE, 0, 0, 0) : NULL;
  report("45", "map it for writing", r ? mapped(v) : "no handle", "NULL, 5");
  if (v) UnmapViewOfFile(v);
  if (r) CloseHandle(r);

  HANDLE c = OpenFileMappingA(FILE_MAP_COPY, FALSE, st->nsA);
  report("46", "open nsA with FILE_MAP_COPY", opened(c), "handle");
  char *copy = c ? MapViewOfFile(c, FILE_MAP_COPY, 0, 0, 0) : NULL;
  report("46", "map a copy-on-write view", c ? mapped(copy) : "no handle", "view");
  char *shared = MapViewOfFile(st->a[0], FILE_MAP_ALL_ACCESS, 0, 0, 0);
  if (copy && shared) {
    strcpy(shared, "shared");
    bool sees_before = !strcmp(copy, "shared"); /* untouched pages still show the section */
    strcpy(copy, "private");
    report("46", "a write to the copy stays private",
           sees_before && !strcmp(shared, "shared") && !strcmp(copy, "private")
               ? "private copy-on-write"
               : said("copy reads \"%.20s\", section reads \"%.20s\"", copy, shared),
           "private copy-on-write");
  }
  if (copy) UnmapViewOfFile(copy);
  if (c) CloseHandle(c);

  void *big = MapViewOfFile(st->a[0], FILE_MAP_READ, 0, 0, 2 * PAGE);
  report("50", "map more than the section", mapped(big), "NULL, 5");
  if (big) UnmapViewOfFile(big);

  /* Row 47: the last handle closes while a view is mapped; the name dies, the view lives. */
  if (shared) strcpy(shared, "old data");
  close_all(st->a, 4);
  memset(st->a, 0, sizeof st->a);
  report("47", "open nsA after its last handle closed",
         open_result(OpenFileMappingA(FILE_MAP_ALL_ACCESS, FALSE, st->nsA)), "NULL, 2");
  report("47", "the view still reads the old data",
         shared ? said("reads \"%.20s\"", shared) : "no view", "reads \"old data\"");
  HANDLE again = CREATE(st->nsA, PAGE_READWRITE, PAGE);
  report("48", "create nsA again", created(again), "handle, 0");
  char *fresh = again ? MapViewOfFile(again, FILE_MAP_READ, 0, 0, 0) : NULL;
  bool zero = fresh != NULL;
  for (int i = 0; fresh && i < PAGE; i++) zero = zero && fresh[i] == 0;
  report("48", "it is zero-filled", zero ? "zero-filled" : "not zero-filled", "zero-filled");
  if (fresh) UnmapViewOfFile(fresh);
  if (shared) UnmapViewOfFile(shared);
  if (again) CloseHandle(again);
}

/* Rows 56-58: the view MapViewOfFile maps for an access, and CreateFileMapping's SEC_* flags
 * (Wine's virtual.c tests, written against Windows). */
static void rows_view_rights(void) {
  HANDLE h = CREATE(unique("", "nsV"), PAGE_READWRITE, PAGE);
  char *both = h ? MapViewOfFile(h, FILE_MAP_COPY | FILE_MAP_WRITE, 0, 0, 0) : NULL;
  char *reader = h ? MapViewOfFile(h, FILE_MAP_READ, 0, 0, 0) : NULL;
  report("56", "map FILE_MAP_COPY | FILE_MAP_WRITE", mapped(both), "view");
  if (both && reader) {
    strcpy(both, "written");
    report("56", "another view sees its writes", !strcmp(reader, "written") ? "shared" : "private",
           "shared");
  }
  if (both) UnmapViewOfFile(both);
  if (reader) UnmapViewOfFile(reader);
  void *v = h ? MapViewOfFile(h, FILE_MAP_EXECUTE | FILE_MAP_READ, 0, 0, 0) : NULL;
  report("57", "map FILE_MAP_EXECUTE | FILE_MAP_READ of a PAGE_READWRITE section", mapped(v),
         "NULL, 5");
  if (v) UnmapViewOfFile(v);
  v = h ? MapViewOfFile(h, FILE_MAP_EXECUTE, 0, 0, 0) : NULL;
  report("57", "map FILE_MAP_EXECUTE alone (a view without access)", mapped(v), "view");
  if (v) UnmapViewOfFile(v);
  v = h ? MapViewOfFile(h, 0, 0, 0, 0) : NULL;
  report("57", "map access 0 (a view without access)", mapped(v), "view");
  if (v) UnmapViewOfFile(v);
  if (h) CloseHandle(h);
  static const struct {
    DWORD flags;
    const char *what, *windows;
  } sec[] = {
      {SEC_RESERVE | SEC_COMMIT, "SEC_RESERVE | SEC_COMMIT", "NULL, 87"},
      {SEC_NOCACHE, "SEC_NOCACHE alone", "NULL, 87"},
      {SEC_WRITECOMBINE, "SEC_WRITECOMBINE alone", "NULL, 87"},
      {SEC_COMMIT | SEC_NOCACHE, "SEC_COMMIT | SEC_NOCACHE", "handle, 0"},
      {SEC_RESERVE | SEC_WRITECOMBINE, "SEC_RESERVE | SEC_WRITECOMBINE", "handle, 0"},
      {SEC_IMAGE, "SEC_IMAGE on the paging file", "NULL, 193"},
      {SEC_IMAGE | SEC_COMMIT, "SEC_IMAGE | SEC_COMMIT", "NULL, 87"},
      {SEC_FILE, "SEC_FILE on the paging file", "NULL, 87"},
      {SEC_RESERVE | SEC_LARGE_PAGES, "SEC_RESERVE | SEC_LARGE_PAGES", "NULL, 87"},
  };
  for (size_t i = 0; i < sizeof sec / sizeof sec[0]; i++) {
    SetLastError(0xdeadbeef);
    HANDLE m = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE | sec[i].flags, 0,
                                  PAGE, NULL);
    report("58", said("create with %s", sec[i].what), created(m), sec[i].windows);
    if (m) CloseHandle(m);
  }
}

static void rows_session_id(void) {
  DWORD s = 0xffffffffu;
  BOOL ok = ProcessIdToSessionId(GetCurrentProcessId(), &s);
  report("49", "ProcessIdToSessionId (the caller's session)",
         ok ? said("session %u", (unsigned)s) : said("FALSE, %u", (unsigned)GetLastError()),
         said("session %ld", expected_session));
}

/* --- virtual memory ------------------------------------------------------------------------ */

/* VirtualQuery's answer for `p`, relative to `base` (addresses differ between runs). */
static const char *region(const void *p, const void *base) {
  MEMORY_BASIC_INFORMATION m;
  SetLastError(0xdeadbeef);
  if (VirtualQuery(p, &m, sizeof m) != sizeof m) return said("0, %u", (unsigned)GetLastError());
  /* A free region's size is up to whatever the process maps next: not printed. */
  if (m.State == MEM_FREE)
    return said("at %+ld, allocation %s, alloc protect 0x%x, state 0x%x, protect 0x%x, type 0x%x",
                (long)((const char *)m.BaseAddress - (const char *)p),
                m.AllocationBase ? "not NULL" : "NULL", (unsigned)m.AllocationProtect,
                (unsigned)m.State, (unsigned)m.Protect, (unsigned)m.Type);
  return said(
      "at %+ld, allocation %s, alloc protect 0x%x, size 0x%lx, state 0x%x, protect 0x%x, "
      "type 0x%x",
      (long)((const char *)m.BaseAddress - (const char *)p),
      m.AllocationBase == base ? "base"
      : m.AllocationBase       ? "other"
                               : "NULL",
      (unsigned)m.AllocationProtect, (unsigned long)m.RegionSize, (unsigned)m.State,
      (unsigned)m.Protect, (unsigned)m.Type);
}

static const char *allocated(const void *p) {
  return p ? "memory" : said("NULL, %u", (unsigned)GetLastError());
}

#ifndef AT_ROUND_TO_PAGE /* Wine's headers have it, mingw-w64's not */
#define AT_ROUND_TO_PAGE 0x40000000
#endif

/* A VirtualProtect's answer, with the old protection it wrote to *old. */
static const char *protected(BOOL ok, const DWORD *old) {
  return ok ? said("TRUE, was 0x%x", (unsigned)*old) : said("FALSE, %u", (unsigned)GetLastError());
}

/* Rows vm*: VirtualAlloc, VirtualFree, VirtualProtect, VirtualQuery and GetSystemInfo, as
 * Wine's virtual.c tests record Windows' answers. */
static void rows_virtual(void) {
  SYSTEM_INFO si;
  GetSystemInfo(&si);
  report("vmsys", "GetSystemInfo: page size, granularity, lowest address",
         said("%u, %u, %#lx", (unsigned)si.dwPageSize, (unsigned)si.dwAllocationGranularity,
              (unsigned long)(ULONG_PTR)si.lpMinimumApplicationAddress),
         "4096, 65536, 0x10000");

  char *p = VirtualAlloc(NULL, 0xFFFC, MEM_RESERVE, PAGE_NOACCESS);
  report("vmres", "reserve 0xfffc bytes", allocated(p), "memory");
  if (!p) return;
  report("vmres", "at a multiple of 64 KiB", (ULONG_PTR)p % 0x10000 ? "no" : "yes", "yes");
  report("vmres", "query the reservation", region(p, p),
         "at +0, allocation base, alloc protect 0x1, size 0x10000, state 0x2000, protect 0x0, "
         "type 0x20000");
  DWORD old = 0;
  report("vmres", "VirtualProtect reserved pages",
         protected(VirtualProtect(p, PAGE, PAGE_READONLY, &old), &old), "FALSE, 487");
  report("vmcom", "commit the second page read/write",
         allocated(VirtualAlloc(p + PAGE + 10, 10, MEM_COMMIT, PAGE_READWRITE)), "memory");
  report("vmcom", "query the middle of it", region(p + PAGE + 10, p),
         "at -10, allocation base, alloc protect 0x1, size 0x1000, state 0x1000, protect 0x4, "
         "type 0x20000");
  report("vmcom", "it reads zero", p[PAGE] == 0 && p[2 * PAGE - 1] == 0 ? "zero" : "not zero",
         "zero");
  p[PAGE] = 42;
  report("vmcom", "make it read-only",
         protected(VirtualProtect(p + PAGE, PAGE, PAGE_READONLY, &old), &old), "TRUE, was 0x4");
  report("vmcom", "with an old protection pointer NULL",
         protected(VirtualProtect(p + PAGE, PAGE, PAGE_READWRITE, NULL), &old), "FALSE, 998");
  report("vmcom", "over a committed and a reserved page",
         protected(VirtualProtect(p + PAGE, 2 * PAGE, PAGE_READWRITE, &old), &old), "FALSE, 487");
  report(
      "vmcom", "commit it again read/write, the bytes kept",
      VirtualAlloc(p + PAGE, PAGE, MEM_COMMIT, PAGE_READWRITE) && p[PAGE] == 42 ? "kept" : "lost",
      "kept");
  report("vmcom", "MEM_RESET it", allocated(VirtualAlloc(p + PAGE, PAGE, MEM_RESET, PAGE_NOACCESS)),
         "memory");
  report("vmcom", "MEM_RESET past the allocation",
         allocated(VirtualAlloc(p + 0xF000, 0x2000, MEM_RESET, PAGE_NOACCESS)), "NULL, 487");
  report("vmfree", "decommit it", done(VirtualFree(p + PAGE, PAGE, MEM_DECOMMIT)), "TRUE");
  {
    MEMORY_BASIC_INFORMATION d;
    VirtualQuery(p + PAGE, &d, sizeof d);
    report("vmfree", "query it decommitted",
           said("state 0x%x, protect 0x%x, type 0x%x", (unsigned)d.State, (unsigned)d.Protect,
                (unsigned)d.Type),
           "state 0x2000, protect 0x0, type 0x20000");
  }
  VirtualAlloc(p + PAGE, PAGE, MEM_COMMIT, PAGE_READWRITE);
  report("vmfree", "committed again, it reads zero", p[PAGE] == 0 ? "zero" : "not zero", "zero");
  report("vmfree", "release with a size", done(VirtualFree(p, PAGE, MEM_RELEASE)), "FALSE, 87");
  report("vmfree", "release from inside", done(VirtualFree(p + PAGE, 0, MEM_RELEASE)),
         "FALSE, 487");
  report("vmfree", "free with type 0", done(VirtualFree(p, 0, 0)), "FALSE, 87");
  report("vmfree", "release", done(VirtualFree(p, 0, MEM_RELEASE)), "TRUE");
  report("vmfree", "query it released", region(p, NULL),
         "at +0, allocation NULL, alloc protect 0x0, state 0x10000, protect 0x1, type 0x0");

  static const struct {
    DWORD type, protect;
    const char *what, *windows;
  } bad[] = {
      {MEM_RESERVE, 0, "protection 0", "NULL, 87"},
      {MEM_COMMIT, PAGE_WRITECOPY, "PAGE_WRITECOPY", "NULL, 87"},
      {MEM_COMMIT, PAGE_READONLY | PAGE_EXECUTE, "two protections", "NULL, 87"},
      {MEM_RESERVE | MEM_COMMIT | AT_ROUND_TO_PAGE, PAGE_READWRITE, "AT_ROUND_TO_PAGE", "NULL, 87"},
      {0, PAGE_READWRITE, "type 0", "NULL, 87"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    report("vmarg", said("VirtualAlloc with %s", bad[i].what),
           allocated(VirtualAlloc(NULL, PAGE, bad[i].type, bad[i].protect)), bad[i].windows);
  report("vmarg", "VirtualAlloc of 0 bytes",
         allocated(VirtualAlloc(NULL, 0, MEM_RESERVE, PAGE_READWRITE)), "NULL, 87");
  MEMORY_BASIC_INFORMATION m;
  SetLastError(0xdeadbeef);
  SIZE_T got = VirtualQuery(&m, &m, sizeof m - 1);
  report("vmarg", "VirtualQuery with a short buffer",
         said("%u, %u", (unsigned)got, (unsigned)GetLastError()), "0, 24");
  report("vmarg", "VirtualQuery past the user address space",
         region((char *)si.lpMaximumApplicationAddress + 1, NULL), "0, 87");

  /* PAGE_NOCACHE belongs to the allocation: every committed page keeps it. */
  p = VirtualAlloc(NULL, 2 * PAGE, MEM_COMMIT, PAGE_READWRITE | PAGE_NOCACHE);
  report("vmnoc", "commit with PAGE_NOCACHE", allocated(p), "memory");
  if (p) {
    report("vmnoc", "make a page read-only",
           protected(VirtualProtect(p, PAGE, PAGE_READONLY, &old), &old), "TRUE, was 0x204");
    report("vmnoc", "query it", region(p, p),
           "at +0, allocation base, alloc protect 0x204, size 0x1000, state 0x1000, protect 0x202, "
           "type 0x20000");
    VirtualFree(p, 0, MEM_RELEASE);
  }

  /* Views: MEM_MAPPED, the view's protection, and what VirtualProtect may make of it. */
  HANDLE h = CREATE(unique("", "nsVM"), PAGE_READWRITE, 2 * PAGE);
  char *w = h ? MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, 0) : NULL;
  char *r = h ? MapViewOfFile(h, FILE_MAP_READ, 0, 0, 0) : NULL;
  char *c = h ? MapViewOfFile(h, FILE_MAP_COPY, 0, 0, 0) : NULL;
  report("vmview", "map a read/write, a read-only and a copy-on-write view",
         w && r && c ? "views" : said("NULL, %u", (unsigned)GetLastError()), "views");
  if (w && r && c) {
    report("vmview", "query the read/write view", region(w + PAGE, w),
           "at +0, allocation base, alloc protect 0x4, size 0x1000, state 0x1000, protect 0x4, "
           "type 0x40000");
    report("vmview", "query the read-only view", region(r, r),
           "at +0, allocation base, alloc protect 0x2, size 0x2000, state 0x1000, protect 0x2, "
           "type 0x40000");
    report("vmview", "query the copy-on-write view", region(c, c),
           "at +0, allocation base, alloc protect 0x8, size 0x2000, state 0x1000, protect 0x8, "
           "type 0x40000");
    report("vmview", "make the read/write view's first page read-only",
           protected(VirtualProtect(w, PAGE, PAGE_READONLY, &old), &old), "TRUE, was 0x4");
    report("vmview", "query it", region(w, w),
           "at +0, allocation base, alloc protect 0x4, size 0x1000, state 0x1000, protect 0x2, "
           "type 0x40000");
    report("vmview", "make the read-only view writable",
           protected(VirtualProtect(r, PAGE, PAGE_READWRITE, &old), &old), "FALSE, 87");
    report("vmview", "make the read-only view executable",
           protected(VirtualProtect(r, PAGE, PAGE_EXECUTE_READ, &old), &old), "FALSE, 87");
    report("vmview", "make the read-only view inaccessible",
           protected(VirtualProtect(r, PAGE, PAGE_NOACCESS, &old), &old), "TRUE, was 0x2");
    report("vmview", "make the copy-on-write view read-only, then copy-on-write again",
           VirtualProtect(c, PAGE, PAGE_READONLY, &old)
               ? protected(VirtualProtect(c, PAGE, PAGE_WRITECOPY, &old), &old)
               : said("FALSE, %u", (unsigned)GetLastError()),
           "TRUE, was 0x2");
    report("vmview", "commit a read-only page in the read/write view",
           allocated(VirtualAlloc(w + PAGE, PAGE, MEM_COMMIT, PAGE_READONLY)), "memory");
    report("vmview", "commit an executable page in it",
           allocated(VirtualAlloc(w + PAGE, PAGE, MEM_COMMIT, PAGE_EXECUTE_READ)), "NULL, 87");
    report("vmview", "release a view with VirtualFree", done(VirtualFree(w, 0, MEM_RELEASE)),
           "FALSE, 87");
  }
  if (w) UnmapViewOfFile(w);
  if (r) UnmapViewOfFile(r);
  if (c) UnmapViewOfFile(c);
  if (h) CloseHandle(h);

  /* The rest of the process: its code and its stack. */
  MEMORY_BASIC_INFORMATION code;
  VirtualQuery((void *)(ULONG_PTR)rows_virtual, &code, sizeof code);
  report("vmproc", "query this program's code",
         said("state 0x%x, protect 0x%x, alloc protect 0x%x, type 0x%x", (unsigned)code.State,
              (unsigned)code.Protect, (unsigned)code.AllocationProtect, (unsigned)code.Type),
         "state 0x1000, protect 0x20, alloc protect 0x80, type 0x1000000");
  volatile char local = 0;
  MEMORY_BASIC_INFORMATION stack;
  VirtualQuery((const void *)&local, &stack, sizeof stack);
  report("vmproc", "query the stack",
         said("state 0x%x, protect 0x%x, type 0x%x", (unsigned)stack.State, (unsigned)stack.Protect,
              (unsigned)stack.Type),
         "state 0x1000, protect 0x4, type 0x20000");
}

/* --- threads and time ------------------------------------------------------------------------ */

typedef struct thread_call {
  HANDLE go;  /* waited for first (NULL: none) */
  DWORD id;   /* GetCurrentThreadId inside */
  DWORD code; /* returned */
} thread_call;

static DWORD WINAPI thread_routine(LPVOID p) {
  thread_call *c = p;
  c->id = GetCurrentThreadId();
  if (c->go) WaitForSingleObject(c->go, INFINITE);
  return c->code;
}

static DWORD WINAPI thread_exits(LPVOID p) { ExitThread((DWORD)(ULONG_PTR)p); }

static const char *exit_code(HANDLE t) {
  DWORD code = 0xdead;
  return GetExitCodeThread(t, &code) ? said("TRUE, %u", (unsigned)code)
                                     : said("FALSE, %u", (unsigned)GetLastError());
}

static const char *resumed(DWORD r) {
  return r == (DWORD)-1 ? said("-1, %u", (unsigned)GetLastError()) : said("%u", (unsigned)r);
}

static void rows_threads(void) {
  thread_call c = {.go = CreateEventA(NULL, TRUE, FALSE, NULL), .code = 5};
  DWORD id = 0;
  HANDLE t = CreateThread(NULL, 0, thread_routine, &c, 0, &id);
  report("thread", "CreateThread", t ? "handle" : said("NULL, %u", (unsigned)GetLastError()),
         "handle");
  if (!t || !c.go) return;
  report("thread", "wait on a running thread", wait_quietly(t, 0), "WAIT_TIMEOUT");
  report("thread", "its exit code while it runs", exit_code(t), "TRUE, 259");
  report("thread", "GetThreadId is the id CreateThread gave", GetThreadId(t) == id ? "yes" : "no",
         "yes");
  SetEvent(c.go);
  report("thread", "wait for its end", wait_quietly(t, 10000), "WAIT_OBJECT_0");
  report("thread", "wait again (it stays signaled)", wait_quietly(t, 0), "WAIT_OBJECT_0");
  report("thread", "its exit code", exit_code(t), "TRUE, 5");
  report("thread", "the id it saw is CreateThread's", c.id == id ? "yes" : "no", "yes");
  HANDLE quiet = CreateEventA(NULL, TRUE, FALSE, NULL), pair[2] = {quiet, t};
  report("thread", "wait for any of (an unset event, the ended thread)",
         waited(WaitForMultipleObjects(2, pair, FALSE, 0)), "WAIT_OBJECT_0 + 1");
  report("thread", "exit code of an event's handle", exit_code(quiet), "FALSE, 6");
  report("thread", "ResumeThread on an event's handle", resumed(ResumeThread(quiet)), "-1, 6");
  report("thread", "close the thread's handle", done(CloseHandle(t)), "TRUE");
  report("thread", "its exit code once closed", exit_code(t), "FALSE, 6");
  CloseHandle(quiet);
  CloseHandle(c.go);

  thread_call d = {.code = 9};
  HANDLE s = CreateThread(NULL, 65536, thread_routine, &d, CREATE_SUSPENDED, NULL);
  report("thread", "CreateThread, CREATE_SUSPENDED", s ? "handle" : "NULL", "handle");
  if (s) {
    report("thread", "wait on a suspended thread", wait_quietly(s, 50), "WAIT_TIMEOUT");
    report("thread", "it has not run", d.id == 0 ? "yes" : "no", "yes");
    report("thread", "ResumeThread", resumed(ResumeThread(s)), "1");
    report("thread", "wait for the resumed thread's end", wait_quietly(s, 10000), "WAIT_OBJECT_0");
    report("thread", "ResumeThread on an ended thread", resumed(ResumeThread(s)), "0");
    report("thread", "the resumed thread's exit code", exit_code(s), "TRUE, 9");
    CloseHandle(s);
  }
  HANDLE x = CreateThread(NULL, 0, thread_exits, (LPVOID)(ULONG_PTR)77, 0, NULL);
  if (x) {
    report("thread", "ExitThread(77): wait", wait_quietly(x, 10000), "WAIT_OBJECT_0");
    report("thread", "ExitThread(77): the code", exit_code(x), "TRUE, 77");
    CloseHandle(x);
  }
  HANDLE self = GetCurrentThread();
  report("thread", "GetCurrentThread's exit code", exit_code(self), "TRUE, 259");
  report("thread", "GetThreadId(GetCurrentThread()) is GetCurrentThreadId()",
         GetThreadId(self) == GetCurrentThreadId() ? "yes" : "no", "yes");
  report("thread", "CloseHandle(GetCurrentThread())", done(CloseHandle(self)), "TRUE");

  LARGE_INTEGER f = {{0}}, a = {{0}}, b = {{0}};
  report("time", "QueryPerformanceFrequency",
         QueryPerformanceFrequency(&f) && f.QuadPart > 0 ? "TRUE, > 0" : "no", "TRUE, > 0");
  QueryPerformanceCounter(&a);
  ULONGLONG ticks = GetTickCount64();
  Sleep(30);
  QueryPerformanceCounter(&b);
  report("time", "Sleep(30) lasts 30 ms or more (performance counter)",
         f.QuadPart && (b.QuadPart - a.QuadPart) * 1000 >= 30 * f.QuadPart ? "yes" : "no", "yes");
  report("time", "GetTickCount64 moves forward", GetTickCount64() >= ticks ? "yes" : "no", "yes");
  report("time", "SleepEx(1, TRUE) with no APC queued", said("%u", (unsigned)SleepEx(1, TRUE)),
         "0");
}

/* --- APCs and SignalObjectAndWait ---------------------------------------------------------------
 */

static unsigned apc_sum;
static DWORD apc_tid;

static void CALLBACK add_apc(ULONG_PTR n) {
  apc_sum += (unsigned)n;
  apc_tid = GetCurrentThreadId();
}

static DWORD WINAPI wait_alertably(LPVOID never) {
  return WaitForSingleObjectEx(never, 20000, TRUE);
}

/* A wait's answer and the sum of the APCs run, read after the wait returned. */
static const char *with_sum(DWORD r) { return said("%s, %u", waited(r), apc_sum); }

static void rows_apcs(void) {
  apc_sum = 0;
  report("apc", "QueueUserAPC to GetCurrentThread()",
         done(QueueUserAPC(add_apc, GetCurrentThread(), 1)), "TRUE");
  report("apc", "QueueUserAPC again", done(QueueUserAPC(add_apc, GetCurrentThread(), 2)), "TRUE");
  report("apc", "not run before an alertable wait", said("%u", apc_sum), "0");
  report("apc", "SleepEx(0, FALSE) runs none", with_sum(SleepEx(0, FALSE)), "WAIT_OBJECT_0, 0");
  report("apc", "SleepEx(100, TRUE) runs both", with_sum(SleepEx(100, TRUE)),
         "WAIT_IO_COMPLETION, 3");
  report("apc", "SleepEx(10, TRUE) with none left", waited(SleepEx(10, TRUE)), "WAIT_OBJECT_0");
  HANDLE set = CreateEventA(NULL, TRUE, TRUE, NULL), unset = CreateEventA(NULL, TRUE, FALSE, NULL);
  QueueUserAPC(add_apc, GetCurrentThread(), 4);
  report("apc", "alertable wait on a set event: the object first",
         with_sum(WaitForSingleObjectEx(set, 0, TRUE)), "WAIT_OBJECT_0, 3");
  report("apc", "alertable wait on an unset event, 0 ms: the APC",
         with_sum(WaitForSingleObjectEx(unset, 0, TRUE)), "WAIT_IO_COMPLETION, 7");
  QueueUserAPC(add_apc, GetCurrentThread(), 8);
  report("apc", "a wait that is not alertable leaves it queued",
         with_sum(WaitForSingleObject(unset, 10)), "WAIT_TIMEOUT, 7");
  report("apc", "WaitForMultipleObjectsEx, alertable",
         with_sum(WaitForMultipleObjectsEx(1, &unset, FALSE, 1000, TRUE)),
         "WAIT_IO_COMPLETION, 15");
  DWORD id = 0;
  HANDLE t = CreateThread(NULL, 0, wait_alertably, unset, 0, &id);
  Sleep(100);
  report("apc", "QueueUserAPC to a thread in an alertable wait", done(QueueUserAPC(add_apc, t, 16)),
         "TRUE");
  DWORD code = 0;
  WaitForSingleObject(t, 10000);
  GetExitCodeThread(t, &code);
  report("apc", "its wait's answer, and where the APC ran",
         said("%s, %u, %s", waited(code), apc_sum, apc_tid == id ? "that thread" : "elsewhere"),
         "WAIT_IO_COMPLETION, 31, that thread");
  report("apc", "QueueUserAPC to an ended thread", done(QueueUserAPC(add_apc, t, 1)), "FALSE, 31");
  CloseHandle(t);
  report("apc", "QueueUserAPC to an event's handle", done(QueueUserAPC(add_apc, unset, 1)),
         "FALSE, 6");

  HANDLE e0 = CreateEventW(NULL, FALSE, FALSE, NULL);
  report("signalandwait", "NULL, NULL", waited(SignalObjectAndWait(NULL, NULL, 0, FALSE)),
         "WAIT_FAILED, 6");
  report("signalandwait", "an auto event, a set manual event",
         waited(SignalObjectAndWait(e0, set, 0, FALSE)), "WAIT_OBJECT_0");
  report("signalandwait", "the auto event was set", wait_quietly(e0, 0), "WAIT_OBJECT_0");
  report("signalandwait", "an auto event with itself",
         waited(SignalObjectAndWait(e0, e0, 0, FALSE)), "WAIT_OBJECT_0");
  report("signalandwait", "an unset event, 0 ms", waited(SignalObjectAndWait(e0, unset, 0, FALSE)),
         "WAIT_TIMEOUT");
  report("signalandwait", "the signal stands", wait_quietly(e0, 0), "WAIT_OBJECT_0");
  HANDLE s0 = CreateSemaphoreW(NULL, 0, 1, NULL), s1 = CreateSemaphoreW(NULL, 1, 1, NULL);
  report("signalandwait", "two semaphores", waited(SignalObjectAndWait(s0, s1, 0, FALSE)),
         "WAIT_OBJECT_0");
  report("signalandwait", "a semaphore at its maximum",
         waited(SignalObjectAndWait(s0, s1, 0, FALSE)), "WAIT_FAILED, 298");
  report("signalandwait", "the wait's semaphore was not taken", done(ReleaseSemaphore(s1, 1, NULL)),
         "TRUE");
  HANDLE m = CreateMutexW(NULL, FALSE, NULL);
  report("signalandwait", "a mutex not owned", waited(SignalObjectAndWait(m, set, 0, FALSE)),
         "WAIT_FAILED, 288");
  QueueUserAPC(add_apc, GetCurrentThread(), 32);
  report("signalandwait", "alertable, an APC queued",
         with_sum(SignalObjectAndWait(e0, unset, 1000, TRUE)), "WAIT_IO_COMPLETION, 63");
  HANDLE all[] = {set, unset, e0, s0, s1, m};
  for (size_t i = 0; i < sizeof all / sizeof *all; i++) CloseHandle(all[i]);
}

/* --- waitable timers ----------------------------------------------------------------------------
 */

static unsigned timer_calls;

static void CALLBACK count_timer(LPVOID arg, DWORD low, DWORD high) {
  (void)low, (void)high;
  timer_calls += (unsigned)(ULONG_PTR)arg;
}

static void rows_timers(const rows_state *st) {
  char name[256];
  snprintf(name, sizeof name, "%s.timer", st->nsA);
  HANDLE t = CreateWaitableTimerA(NULL, TRUE, name);
  report(
      "timer", "CreateWaitableTimerA, manual, named",
      t ? said("handle, %u", (unsigned)GetLastError()) : said("NULL, %u", (unsigned)GetLastError()),
      "handle, 0");
  HANDLE again = CreateWaitableTimerA(NULL, FALSE, name);
  report("timer", "the same name again",
         again ? said("handle, %u", (unsigned)GetLastError())
               : said("NULL, %u", (unsigned)GetLastError()),
         "handle, 183");
  HANDLE e = CreateEventA(NULL, TRUE, FALSE, name);
  report("timer", "CreateEventA on a timer's name",
         e ? "handle" : said("NULL, %u", (unsigned)GetLastError()), "NULL, 6");
  HANDLE o = OpenWaitableTimerA(SYNCHRONIZE, FALSE, name);
  report("timer", "OpenWaitableTimerA(SYNCHRONIZE)",
         o ? "handle" : said("NULL, %u", (unsigned)GetLastError()), "handle");
  report("timer", "a timer never set", wait_quietly(t, 0), "WAIT_TIMEOUT");
  LARGE_INTEGER due = {.QuadPart = -300000}; /* 30 ms */
  report("timer", "SetWaitableTimer through a SYNCHRONIZE handle",
         done(SetWaitableTimer(o, &due, 0, NULL, NULL, FALSE)), "FALSE, 5");
  report("timer", "SetWaitableTimer, 30 ms", done(SetWaitableTimer(t, &due, 0, NULL, NULL, FALSE)),
         "TRUE");
  report("timer", "not yet due", wait_quietly(t, 0), "WAIT_TIMEOUT");
  report("timer", "due", wait_quietly(t, 5000), "WAIT_OBJECT_0");
  report("timer", "a manual timer stays signaled", wait_quietly(o, 0), "WAIT_OBJECT_0");
  const char *cancelled = done(CancelWaitableTimer(t));
  report("timer", "CancelWaitableTimer leaves it signaled",
         said("%s, %s", cancelled, wait_quietly(t, 0)), "TRUE, WAIT_OBJECT_0");
  due.QuadPart = -100000000; /* 10 s */
  const char *set_again = done(SetWaitableTimer(t, &due, 0, NULL, NULL, FALSE));
  report("timer", "set again: not signaled", said("%s, %s", set_again, wait_quietly(t, 0)),
         "TRUE, WAIT_TIMEOUT");
  CancelWaitableTimer(t);
  HANDLE s = CreateWaitableTimerW(NULL, FALSE, NULL);
  due.QuadPart = -200000;
  SetWaitableTimer(s, &due, 0, NULL, NULL, FALSE);
  report("timer", "a synchronization timer, due", wait_quietly(s, 5000), "WAIT_OBJECT_0");
  report("timer", "and reset by that wait", wait_quietly(s, 0), "WAIT_TIMEOUT");
  SetWaitableTimer(s, &due, 10, NULL, NULL, FALSE);
  report("timer", "periodic: three expiries",
         said("%s, %s, %s", wait_quietly(s, 2000), wait_quietly(s, 2000), wait_quietly(s, 2000)),
         "WAIT_OBJECT_0, WAIT_OBJECT_0, WAIT_OBJECT_0");
  CancelWaitableTimer(s);
  timer_calls = 0;
  SetWaitableTimer(s, &due, 0, count_timer, (LPVOID)(ULONG_PTR)5, FALSE);
  DWORD slept = SleepEx(2000, TRUE);
  report("timer", "a completion routine: SleepEx(2000, TRUE)",
         said("%s, %u", waited(slept), timer_calls), "WAIT_IO_COMPLETION, 5");
  slept = SleepEx(50, TRUE);
  report("timer", "once", said("%s, %u", waited(slept), timer_calls), "WAIT_OBJECT_0, 5");
  due.QuadPart = -10000000;
  SetLastError(0xdead);
  BOOL resumed = SetWaitableTimer(s, &due, 0, NULL, NULL, TRUE);
  report("timarg", "fResume TRUE",
         said("%s, %u", resumed ? "TRUE" : "FALSE", (unsigned)GetLastError()), "TRUE, 50");
  report("timarg", "a negative period", done(SetWaitableTimer(s, &due, -1, NULL, NULL, FALSE)),
         "FALSE, 87");
  report("timarg", "CreateWaitableTimerExW with unknown flags",
         CreateWaitableTimerExW(NULL, NULL, 0x100, TIMER_ALL_ACCESS)
             ? "handle"
             : said("NULL, %u", (unsigned)GetLastError()),
         "NULL, 87");
  HANDLE x =
      CreateWaitableTimerExW(NULL, NULL, CREATE_WAITABLE_TIMER_MANUAL_RESET, TIMER_ALL_ACCESS);
  due.QuadPart = 0;
  SetWaitableTimer(x, &due, 0, NULL, NULL, FALSE);
  const char *first = wait_quietly(x, 1000);
  report("timer", "CreateWaitableTimerExW, manual, due at once",
         said("%s, %s", first, wait_quietly(x, 0)), "WAIT_OBJECT_0, WAIT_OBJECT_0");
  HANDLE limited = CreateWaitableTimerExW(NULL, NULL, 0, SYNCHRONIZE);
  due.QuadPart = -10000000;
  report("timer", "CreateWaitableTimerExW for SYNCHRONIZE: SetWaitableTimer",
         limited ? done(SetWaitableTimer(limited, &due, 0, NULL, NULL, FALSE)) : "NULL",
         "FALSE, 5");
  if (limited) CloseHandle(limited);
  HANDLE all[] = {t, again, o, s, x};
  for (size_t i = 0; i < sizeof all / sizeof *all; i++)
    if (all[i]) CloseHandle(all[i]);
  if (e) CloseHandle(e);
}

/* --- DuplicateHandle, Get/SetHandleInformation ---------------------------------------------- */

static const char *handle_flags(HANDLE h) {
  DWORD flags = 0xdead;
  return GetHandleInformation(h, &flags) ? said("TRUE, %u", (unsigned)flags)
                                         : said("FALSE, %u", (unsigned)GetLastError());
}

static void rows_handles(void) {
  HANDLE self = GetCurrentProcess();
  HANDLE e = CreateEventA(NULL, TRUE, FALSE, NULL), d = NULL, s = NULL;
  report("dup", "DuplicateHandle, DUPLICATE_SAME_ACCESS",
         done(DuplicateHandle(self, e, self, &d, 0, FALSE, DUPLICATE_SAME_ACCESS)), "TRUE");
  report("dup", "a new value", d && d != e ? "yes" : "no", "yes");
  const char *set = done(SetEvent(d));
  report("dup", "set through the duplicate, seen through the original",
         said("%s, %s", set, wait_quietly(e, 0)), "TRUE, WAIT_OBJECT_0");
  report("dup", "DuplicateHandle for SYNCHRONIZE",
         done(DuplicateHandle(self, e, self, &s, SYNCHRONIZE, FALSE, 0)), "TRUE");
  report("dup", "SetEvent through it", done(SetEvent(s)), "FALSE, 5");
  report("dup", "a wait through it", wait_quietly(s, 0), "WAIT_OBJECT_0");
  HANDLE c = NULL;
  report("dup", "DUPLICATE_CLOSE_SOURCE",
         done(DuplicateHandle(self, d, self, &c, 0, FALSE,
                              DUPLICATE_SAME_ACCESS | DUPLICATE_CLOSE_SOURCE)),
         "TRUE");
  /* Whether the source was closed cannot be shown by a handle's value: Windows reuses a closed
   * handle's value at once (the duplicate may have it). */
  HANDLE x = NULL;
  report("dup", "another process handle (NULL)",
         done(DuplicateHandle(NULL, e, self, &x, 0, FALSE, DUPLICATE_SAME_ACCESS)), "FALSE, 6");
  report("hinfo", "GetHandleInformation of a new handle", handle_flags(e), "TRUE, 0");
  report("hinfo", "SetHandleInformation(INHERIT)",
         done(SetHandleInformation(e, HANDLE_FLAG_INHERIT, HANDLE_FLAG_INHERIT)), "TRUE");
  report("hinfo", "then", handle_flags(e), "TRUE, 1");
  report("hinfo", "a duplicate's flags", handle_flags(c), "TRUE, 0");
  SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
  HANDLE inherited = CreateMutexA(&sa, FALSE, NULL);
  report("hinfo", "created with bInheritHandle", handle_flags(inherited), "TRUE, 1");
  report(
      "hinfo", "PROTECT_FROM_CLOSE",
      done(SetHandleInformation(c, HANDLE_FLAG_PROTECT_FROM_CLOSE, HANDLE_FLAG_PROTECT_FROM_CLOSE)),
      "TRUE");
  report("hinfo", "CloseHandle of a protected handle", done(CloseHandle(c)), "FALSE, 6");
  report("hinfo", "it is still open", wait_quietly(c, 0), "WAIT_OBJECT_0");
  SetHandleInformation(c, HANDLE_FLAG_PROTECT_FROM_CLOSE, 0);
  report("hinfo", "unprotected, closed", done(CloseHandle(c)), "TRUE");
  report("hinfo", "a closed handle", handle_flags(c), "FALSE, 6");
  HANDLE all[] = {e, s, inherited};
  for (size_t i = 0; i < sizeof all / sizeof *all; i++)
    if (all[i]) CloseHandle(all[i]);
}

/* --- processes and handle inheritance ------------------------------------------------------- */

static const char *self_path; /* this program, started again as a child: "exit N", "sleep",
                                 "set HANDLE" */

static int child_main(int argc, char **argv) {
  if (argc == 3 && !strcmp(argv[1], "exit")) return atoi(argv[2]);
  if (argc == 2 && !strcmp(argv[1], "sleep")) {
    Sleep(INFINITE);
    return 0;
  }
  if (argc == 3 && !strcmp(argv[1], "exitprocess")) ExitProcess((UINT)atoi(argv[2]));
  if (argc == 2 && !strcmp(argv[1], "holdevent")) {
    /* An event of ours, its value on the standard output; 0 once another process sets it. */
    HANDLE e = CreateEventA(NULL, TRUE, FALSE, NULL);
    char text[32];
    DWORD done = 0;
    snprintf(text, sizeof text, "%llu\n", (unsigned long long)(ULONG_PTR)e);
    if (!e || !WriteFile(GetStdHandle(STD_OUTPUT_HANDLE), text, (DWORD)strlen(text), &done, NULL))
      return 2;
    return WaitForSingleObject(e, 10000) == WAIT_OBJECT_0 ? 0 : 1;
  }
  if (argc == 3 && !strcmp(argv[1], "echo")) {
    DWORD done = 0;
    HANDLE out = GetStdHandle(STD_OUTPUT_HANDLE);
    return WriteFile(out, argv[2], (DWORD)strlen(argv[2]), &done, NULL) ? 0 : (int)GetLastError();
  }
  if (argc == 3 && !strcmp(argv[1], "set")) {
    HANDLE h = (HANDLE)(ULONG_PTR)strtoull(argv[2], NULL, 10);
    return SetEvent(h) ? 0 : (int)GetLastError();
  }
  return 120;
}

/* Start this program with `args`: the PROCESS_INFORMATION, and CreateProcess's answer. */
static const char *start_child(const char *args, DWORD flags, BOOL inherit,
                               PROCESS_INFORMATION *pi) {
  char line[1024];
  snprintf(line, sizeof line, "\"%s\" %s", self_path, args);
  STARTUPINFOA si;
  ZeroMemory(&si, sizeof si);
  si.cb = sizeof si;
  ZeroMemory(pi, sizeof *pi);
  return done(CreateProcessA(NULL, line, NULL, NULL, inherit, flags, NULL, NULL, &si, pi));
}

static const char *process_code(HANDLE h) {
  DWORD code = 0xdead;
  return GetExitCodeProcess(h, &code) ? said("TRUE, %u", (unsigned)code)
                                      : said("FALSE, %u", (unsigned)GetLastError());
}

static void close_child(PROCESS_INFORMATION *pi) {
  if (pi->hThread) CloseHandle(pi->hThread);
  if (pi->hProcess) CloseHandle(pi->hProcess);
}

static void rows_processes(void) {
  PROCESS_INFORMATION pi;
  report("proc", "CreateProcess of a child that exits with 7", start_child("exit 7", 0, FALSE, &pi),
         "TRUE");
  report("proc", "its handle, once it ended", wait_quietly(pi.hProcess, 10000), "WAIT_OBJECT_0");
  report("proc", "GetExitCodeProcess", process_code(pi.hProcess), "TRUE, 7");
  report("proc", "its first thread's handle", wait_quietly(pi.hThread, 10000), "WAIT_OBJECT_0");
  report("proc", "GetProcessId is dwProcessId",
         GetProcessId(pi.hProcess) == pi.dwProcessId ? "yes" : "no", "yes");
  report("procend", "TerminateProcess of an ended process", done(TerminateProcess(pi.hProcess, 1)),
         "FALSE, 5");
  close_child(&pi);
  report("proc", "CREATE_SUSPENDED", start_child("exit 3", CREATE_SUSPENDED, FALSE, &pi), "TRUE");
  report("proc", "a wait while it is suspended", wait_quietly(pi.hProcess, 100), "WAIT_TIMEOUT");
  report("proc", "GetExitCodeProcess while suspended", process_code(pi.hProcess), "TRUE, 259");
  DWORD previous = ResumeThread(pi.hThread);
  report("proc", "ResumeThread", said("%ld", (long)previous), "1");
  report("proc", "then it ends", wait_quietly(pi.hProcess, 10000), "WAIT_OBJECT_0");
  report("proc", "with its code", process_code(pi.hProcess), "TRUE, 3");
  close_child(&pi);
  report("proc", "a child that sleeps", start_child("sleep", 0, FALSE, &pi), "TRUE");
  HANDLE opened = OpenProcess(SYNCHRONIZE | PROCESS_QUERY_LIMITED_INFORMATION | PROCESS_TERMINATE,
                              FALSE, pi.dwProcessId);
  report("proc", "OpenProcess by its id",
         opened ? "a handle" : said("NULL, %u", (unsigned)GetLastError()), "a handle");
  report("proc", "TerminateProcess through it", done(TerminateProcess(opened, 9)), "TRUE");
  report("proc", "the handle CreateProcess gave", wait_quietly(pi.hProcess, 10000),
         "WAIT_OBJECT_0");
  report("proc", "the terminate's code", process_code(pi.hProcess), "TRUE, 9");
  if (opened) CloseHandle(opened);
  close_child(&pi);
  SetLastError(0xdead);
  HANDLE none = OpenProcess(SYNCHRONIZE, FALSE, 0);
  report("proc", "OpenProcess of id 0",
         none ? "a handle" : said("NULL, %u", (unsigned)GetLastError()), "NULL, 87");
  report("proc", "GetExitCodeProcess(GetCurrentProcess())", process_code(GetCurrentProcess()),
         "TRUE, 259");
  char missing[256];
  snprintf(missing, sizeof missing, "%s-no-such-program.exe", self_path);
  STARTUPINFOA si;
  ZeroMemory(&si, sizeof si);
  si.cb = sizeof si;
  report("proc", "CreateProcess of a missing program",
         done(CreateProcessA(missing, NULL, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi)),
         "FALSE, 2");

  report("proc", "a child that calls ExitProcess(9)", start_child("exitprocess 9", 0, FALSE, &pi),
         "TRUE");
  wait_quietly(pi.hProcess, 10000);
  report("proc", "its exit code", process_code(pi.hProcess), "TRUE, 9");
  close_child(&pi);

  /* A pipe as a child's standard output (STARTF_USESTDHANDLES), as Microsoft's sample does. */
  SECURITY_ATTRIBUTES inherit = {sizeof inherit, NULL, TRUE};
  HANDLE r = NULL, w = NULL;
  report("pipe", "CreatePipe, inheritable", done(CreatePipe(&r, &w, &inherit, 0)), "TRUE");
  report("pipe", "the read end ours alone", done(SetHandleInformation(r, HANDLE_FLAG_INHERIT, 0)),
         "TRUE");
  char line[1024];
  snprintf(line, sizeof line, "\"%s\" echo piped", self_path);
  ZeroMemory(&si, sizeof si);
  si.cb = sizeof si;
  si.dwFlags = STARTF_USESTDHANDLES;
  si.hStdOutput = w;
  si.hStdError = w;
  si.hStdInput = GetStdHandle(STD_INPUT_HANDLE);
  report("pipe", "CreateProcess with the write end as its output",
         done(CreateProcessA(NULL, line, NULL, NULL, TRUE, 0, NULL, NULL, &si, &pi)), "TRUE");
  CloseHandle(w);
  char got[64] = "";
  DWORD n = 0, total = 0;
  while (total < sizeof got - 1 && ReadFile(r, got + total, sizeof got - 1 - total, &n, NULL))
    total += n;
  got[total] = '\0';
  report("pipe", "what the child wrote", said("\"%s\"", got), "\"piped\"");
  report("pipe", "ReadFile once every writer is closed", done(ReadFile(r, got, 1, &n, NULL)),
         "FALSE, 109");
  wait_quietly(pi.hProcess, 10000);
  report("pipe", "the child's exit code", process_code(pi.hProcess), "TRUE, 0");
  close_child(&pi);
  CloseHandle(r);
  /* DuplicateHandle from another process: a child's event, by the value it writes. */
  report("dupx", "CreatePipe for a child's output", done(CreatePipe(&r, &w, &inherit, 0)), "TRUE");
  SetHandleInformation(r, HANDLE_FLAG_INHERIT, 0);
  snprintf(line, sizeof line, "\"%s\" holdevent", self_path);
  si.hStdOutput = w;
  si.hStdError = w;
  report("dupx", "a child that holds an event",
         done(CreateProcessA(NULL, line, NULL, NULL, TRUE, 0, NULL, NULL, &si, &pi)), "TRUE");
  CloseHandle(w);
  total = 0;
  while (total < sizeof got - 1 && !memchr(got, '\n', total) &&
         ReadFile(r, got + total, sizeof got - 1 - total, &n, NULL))
    total += n;
  got[total] = '\0';
  HANDLE theirs = (HANDLE)(ULONG_PTR)strtoull(got, NULL, 10), ours = NULL, never = NULL;
  report("dupx", "DuplicateHandle from it into us",
         done(DuplicateHandle(pi.hProcess, theirs, GetCurrentProcess(), &ours, 0, FALSE,
                              DUPLICATE_SAME_ACCESS)),
         "TRUE");
  report("dupx", "a value the child never had",
         done(DuplicateHandle(pi.hProcess, (HANDLE)(ULONG_PTR)0x7ff0, GetCurrentProcess(), &never,
                              0, FALSE, DUPLICATE_SAME_ACCESS)),
         "FALSE, 6");
  report("dupx", "SetEvent through our handle", done(SetEvent(ours)), "TRUE");
  wait_quietly(pi.hProcess, 10000);
  report("dupx", "the child saw it set (exit code 0)", process_code(pi.hProcess), "TRUE, 0");
  if (ours) CloseHandle(ours);
  close_child(&pi);
  CloseHandle(r);
  report("pipe", "CreatePipe again", done(CreatePipe(&r, &w, NULL, 0)), "TRUE");
  CloseHandle(r);
  report("pipe", "WriteFile with nobody to read", done(WriteFile(w, "x", 1, &n, NULL)),
         "FALSE, 232");
  CloseHandle(w);

  HANDLE shared = CreateEventA(&inherit, TRUE, FALSE, NULL);
  HANDLE kept = CreateEventA(NULL, TRUE, FALSE, NULL);
  char args[64];
  snprintf(args, sizeof args, "set %llu", (unsigned long long)(ULONG_PTR)shared);
  report("inher", "a child given an inheritable event's value", start_child(args, 0, TRUE, &pi),
         "TRUE");
  wait_quietly(pi.hProcess, 10000);
  report("inher", "sets it (its exit code: SetEvent's error)", process_code(pi.hProcess),
         "TRUE, 0");
  report("inher", "we see it set", wait_quietly(shared, 0), "WAIT_OBJECT_0");
  close_child(&pi);
  snprintf(args, sizeof args, "set %llu", (unsigned long long)(ULONG_PTR)kept);
  report("inher", "a child given a handle not inheritable", start_child(args, 0, TRUE, &pi),
         "TRUE");
  wait_quietly(pi.hProcess, 10000);
  report("inher", "cannot use it", process_code(pi.hProcess), "TRUE, 6");
  report("inher", "ours stays reset", wait_quietly(kept, 0), "WAIT_TIMEOUT");
  close_child(&pi);
  ResetEvent(shared);
  snprintf(args, sizeof args, "set %llu", (unsigned long long)(ULONG_PTR)shared);
  report("inher", "bInheritHandles FALSE", start_child(args, 0, FALSE, &pi), "TRUE");
  wait_quietly(pi.hProcess, 10000);
  report("inher", "the child has no such handle", process_code(pi.hProcess), "TRUE, 6");
  close_child(&pi);
  CloseHandle(shared);
  CloseHandle(kept);
}

/* A CreateFile: the handle (closed at once unless `keep`) and the last error it leaves. */
static const char *file_made(HANDLE h, HANDLE *keep) {
  DWORD error = GetLastError();
  if (h == INVALID_HANDLE_VALUE) return said("INVALID_HANDLE_VALUE, %u", (unsigned)error);
  if (keep)
    *keep = h;
  else
    CloseHandle(h);
  return said("handle, %u", (unsigned)error);
}

/* Rows file and fmap: CreateFile's dispositions and share modes, the file pointer and the end,
 * and sections of a file (CreateFileMapping's rules for files, views that are the file), in a
 * file of the current directory. */
static void rows_files(void) {
  char path[256], missing[300];
  snprintf(path, sizeof path, "%s", unique("", "file"));
  snprintf(missing, sizeof missing, "%s.dir\\x", path);
  DWORD rw = GENERIC_READ | GENERIC_WRITE, all = FILE_SHARE_READ | FILE_SHARE_WRITE;
  HANDLE f = NULL, g = NULL;
  report("file", "OPEN_EXISTING of no file",
         file_made(CreateFileA(path, rw, all, NULL, OPEN_EXISTING, 0, NULL), NULL),
         "INVALID_HANDLE_VALUE, 2");
  report("file", "OPEN_EXISTING in no directory",
         file_made(CreateFileA(missing, rw, all, NULL, OPEN_EXISTING, 0, NULL), NULL),
         "INVALID_HANDLE_VALUE, 3");
  report("file", "CREATE_NEW",
         file_made(CreateFileA(path, rw, FILE_SHARE_READ, NULL, CREATE_NEW, 0, NULL), &f),
         "handle, 0");
  if (!f) return;
  report("file", "CREATE_NEW again",
         file_made(CreateFileA(path, GENERIC_READ, all, NULL, CREATE_NEW, 0, NULL), NULL),
         "INVALID_HANDLE_VALUE, 80");
  report("file", "a writer while the first open shares reading only",
         file_made(CreateFileA(path, GENERIC_WRITE, all, NULL, OPEN_EXISTING, 0, NULL), NULL),
         "INVALID_HANDLE_VALUE, 32");
  report(
      "file", "a reader that does not share writing (the first open writes)",
      file_made(CreateFileA(path, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_ALWAYS, 0, NULL), NULL),
      "INVALID_HANDLE_VALUE, 32");
  report("file", "OPEN_ALWAYS of an existing file, sharing what it must",
         file_made(CreateFileA(path, GENERIC_READ, all, NULL, OPEN_ALWAYS, 0, NULL), NULL),
         "handle, 183");
  report("file", "DeleteFile while an open does not share deleting", done(DeleteFileA(path)),
         "FALSE, 32");
  report("fmap", "CreateFileMapping of an empty file, size 0",
         opened(CreateFileMappingA(f, NULL, PAGE_READWRITE, 0, 0, NULL)), "NULL, 1006");
  DWORD written = 0, high = 0;
  WriteFile(f, "0123456789", 10, &written, NULL);
  report("file", "GetFileSize after writing 10 bytes", said("%u", (unsigned)GetFileSize(f, &high)),
         "10");
  SetLastError(0);
  DWORD moved = SetFilePointer(f, -11, NULL, FILE_CURRENT);
  report("file", "SetFilePointer before the start",
         said("0x%x, %u", (unsigned)moved, (unsigned)GetLastError()), "0xffffffff, 131");
  report("fmap", "PAGE_READONLY larger than the file",
         opened(CreateFileMappingA(f, NULL, PAGE_READONLY, 0, 4096, NULL)), "NULL, 8");
  HANDLE m = CreateFileMappingA(f, NULL, PAGE_READWRITE, 0, 8192, NULL);
  report("fmap", "PAGE_READWRITE of 8192 bytes", opened(m), "handle");
  report("fmap", "which makes the file that long", said("%u", (unsigned)GetFileSize(f, &high)),
         "8192");
  char *v = m ? MapViewOfFile(m, FILE_MAP_WRITE, 0, 0, 0) : NULL;
  report("fmap", "a view", mapped(v), "view");
  if (v) {
    report("fmap", "the view holds the file's bytes", said("%.10s", v), "0123456789");
    SetFilePointer(f, 0, NULL, FILE_BEGIN);
    WriteFile(f, "ABC", 3, &written, NULL);
    report("fmap", "and sees a WriteFile", said("%.3s", v), "ABC");
    memcpy(v + 4096, "view", 4);
    report("fmap", "FlushViewOfFile", done(FlushViewOfFile(v, 0)), "TRUE");
    char back[4] = "";
    DWORD got = 0;
    SetFilePointer(f, 4096, NULL, FILE_BEGIN);
    ReadFile(f, back, 4, &got, NULL);
    report("fmap", "ReadFile sees the view's write", said("%u %.4s", (unsigned)got, back),
           "4 view");
    SetFilePointer(f, 100, NULL, FILE_BEGIN);
    report("fmap", "SetEndOfFile shorter than a mapped view", done(SetEndOfFile(f)), "FALSE, 1224");
    UnmapViewOfFile(v);
    report("flushx", "FlushViewOfFile of no view", done(FlushViewOfFile(v, 0)), "FALSE, 487");
  }
  if (m) CloseHandle(m);
  CloseHandle(f);
  report("fmap", "a read-only handle",
         file_made(CreateFileA(path, GENERIC_READ, all, NULL, OPEN_EXISTING, 0, NULL), &g),
         "handle, 0");
  if (g) {
    report("fmap", "PAGE_READWRITE of it",
           opened(CreateFileMappingA(g, NULL, PAGE_READWRITE, 0, 0, NULL)), "NULL, 5");
    HANDLE r = CreateFileMappingA(g, NULL, PAGE_READONLY, 0, 0, NULL);
    report("fmap", "PAGE_READONLY of it", opened(r), "handle");
    if (r) CloseHandle(r);
    CloseHandle(g);
  }
  report("file", "DeleteFile", done(DeleteFileA(path)), "TRUE");
  report("file", "DeleteFile again", done(DeleteFileA(path)), "FALSE, 2");
}

/* --- the C runtime ------------------------------------------------------------------------------
 * <stdlib.h>'s integer-to-string functions, as Microsoft's C runtime writes them (msvcrt under
 * Wine; libkobjns-winapi's on Linux, whose long is 64 bits: a value a 32-bit long holds must be
 * written as Windows writes it). A bad radix is left out: Wine's _itoa divides by it. <conio.h>
 * needs a console, which the transcript's pipes are not (the facade suite tests it). */

static const char *text(const char *buffer, const char *returned) {
  return returned == buffer ? said("\"%s\"", buffer) : "not the buffer";
}

static void rows_crt(void) {
  char b[80];
  report("crt", "_itoa(0, 2)", text(b, _itoa(0, b, 2)), "\"0\"");
  report("crt", "_itoa(INT_MIN, 10)", text(b, _itoa(INT_MIN, b, 10)), "\"-2147483648\"");
  report("crt", "_itoa(INT_MIN, 16)", text(b, _itoa(INT_MIN, b, 16)), "\"80000000\"");
  report("crt", "_itoa(INT_MIN, 2)", text(b, _itoa(INT_MIN, b, 2)),
         "\"10000000000000000000000000000000\"");
  report("crt", "_itoa(-1, 8)", text(b, _itoa(-1, b, 8)), "\"37777777777\"");
  report("crt", "_itoa(-10, 36)", text(b, _itoa(-10, b, 36)), "\"1z141yu\"");
  report("crt", "_itoa(INT_MAX, 36)", text(b, _itoa(INT_MAX, b, 36)), "\"zik0zj\"");
  report("crt", "itoa(-42, 16)", text(b, itoa(-42, b, 16)), "\"ffffffd6\"");
  report("crt", "_ltoa(-1, 16)", text(b, _ltoa(-1, b, 16)), "\"ffffffff\"");
  report("crt", "_ltoa(-7, 10)", text(b, _ltoa(-7, b, 10)), "\"-7\"");
  report("crt", "_ultoa(4294967295, 10)", text(b, _ultoa(4294967295UL, b, 10)), "\"4294967295\"");
  report("crt", "_i64toa(LLONG_MIN, 10)", text(b, _i64toa(LLONG_MIN, b, 10)),
         "\"-9223372036854775808\"");
  report("crt", "_i64toa(-1, 16)", text(b, _i64toa(-1, b, 16)), "\"ffffffffffffffff\"");
  report("crt", "_ui64toa(ULLONG_MAX, 36)", text(b, _ui64toa(ULLONG_MAX, b, 36)),
         "\"3w5e11264sgsf\"");
  strcpy(b, "untouched");
  int r = _itoa_s(-123, b, 5, 10);
  report("crt", "_itoa_s(-123, size 5)", said("%d, \"%s\"", r, b), "0, \"-123\"");
  strcpy(b, "untouched");
  r = _itoa_s(-123, b, 4, 10);
  report("crt", "_itoa_s(-123, size 4)", said("%d, \"%s\"", r, b), "34, \"\"");
}

/* --- SIDs (sid) -------------------------------------------------------------------------------
 * What a program builds a boundary or a descriptor with: well-known SIDs (the size asked first, as
 * Microsoft's private-namespace sample does), SIDs from an authority, their string form. Wine
 * implements them: its answers check the facade's, but for two rows (wine-differences.txt). */

/* A SID's string form (ConvertSidToStringSidA, LocalFree'd), or the failure. */
static const char *sid_said(PSID sid) {
  LPSTR text = NULL;
  if (!ConvertSidToStringSidA(sid, &text)) return said("FALSE, %u", (unsigned)GetLastError());
  const char *copy = said("%s", text);
  LocalFree(text);
  return copy;
}

/* A SID walked part by part, as Microsoft's GetTextualSid sample does; the last error is 0 after
 * the walk (each part clears it). */
static const char *sid_parts(PSID sid) {
  SetLastError(1234);
  const BYTE *a = GetSidIdentifierAuthority(sid)->Value;
  BYTE count = *GetSidSubAuthorityCount(sid);
  char subs[64] = "";
  for (BYTE i = 0; i < count && i < 4; i++)
    snprintf(subs + strlen(subs), sizeof subs - strlen(subs), "%s%lu", i ? "-" : "",
             (unsigned long)*GetSidSubAuthority(sid, i));
  return said("%u.%u.%u.%u.%u.%u, %u, %s, %u", a[0], a[1], a[2], a[3], a[4], a[5], count, subs,
              (unsigned)GetLastError());
}

static void rows_sid_parts(void) {
  report("sid", "GetSidLengthRequired(0), (2), (15)",
         said("%u, %u, %u", (unsigned)GetSidLengthRequired(0), (unsigned)GetSidLengthRequired(2),
              (unsigned)GetSidLengthRequired(15)),
         "8, 16, 68");
  BYTE ba[SECURITY_MAX_SID_SIZE], bu[SECURITY_MAX_SID_SIZE], sy[SECURITY_MAX_SID_SIZE];
  DWORD size = sizeof ba;
  BOOL ok = CreateWellKnownSid(WinBuiltinAdministratorsSid, NULL, ba, &size);
  size = sizeof bu;
  ok = CreateWellKnownSid(WinBuiltinUsersSid, NULL, bu, &size) && ok;
  size = sizeof sy;
  ok = CreateWellKnownSid(WinLocalSystemSid, NULL, sy, &size) && ok;
  if (!ok) {
    report("sid", "CreateWellKnownSid(BA, BU, SY) for the walks", "FALSE", "TRUE");
    return;
  }
  report("sid", "BA walked: authority, count, sub-authorities, last error", sid_parts(ba),
         "0.0.0.0.0.5, 2, 32-544, 0");
  report("sid", "SY walked: authority, count, sub-authorities, last error", sid_parts(sy),
         "0.0.0.0.0.5, 1, 18, 0");
  SID_IDENTIFIER_AUTHORITY nt = {SECURITY_NT_AUTHORITY};
  BYTE made[SECURITY_MAX_SID_SIZE];
  ok = InitializeSid(made, &nt, 2);
  if (ok) {
    *GetSidSubAuthority(made, 0) = SECURITY_BUILTIN_DOMAIN_RID;
    *GetSidSubAuthority(made, 1) = DOMAIN_ALIAS_RID_ADMINS;
  }
  report("sid", "InitializeSid(NT, 2), sub-authorities written: EqualSid(BA), string",
         ok ? said("%s, %s", EqualSid(made, ba) ? "TRUE" : "FALSE", sid_said(made)) : "FALSE",
         "TRUE, S-1-5-32-544");
  ok = InitializeSid(made, &nt, SID_MAX_SUB_AUTHORITIES);
  for (BYTE i = 0; ok && i < SID_MAX_SUB_AUTHORITIES; i++) *GetSidSubAuthority(made, i) = i;
  report("sidinit", "InitializeSid with 15 sub-authorities: GetLengthSid, IsValidSid",
         ok ? said("%u, %d", (unsigned)GetLengthSid(made), IsValidSid(made) ? 1 : 0)
            : said("FALSE, %u", (unsigned)GetLastError()),
         "68, 1");
  ok = InitializeSid(made, &nt, SID_MAX_SUB_AUTHORITIES + 1);
  report("sidinit", "InitializeSid with 16 sub-authorities",
         ok ? "TRUE" : said("FALSE, %u", (unsigned)GetLastError()), "FALSE, 87");
  report("sid", "EqualPrefixSid(BA, BU), (BA, BA), (BA, SY)",
         said("%d, %d, %d", EqualPrefixSid(ba, bu) ? 1 : 0, EqualPrefixSid(ba, ba) ? 1 : 0,
              EqualPrefixSid(ba, sy) ? 1 : 0),
         "1, 1, 0");
}

/* LookupAccountSidA's answer: name, domain and use, or the failure; the sizes it wrote into
 * `sizes` (a row of their own: Wine's A function counts otherwise). */
static const char *account_said(PSID sid, const char **sizes) {
  char name[MAX_PATH], domain[MAX_PATH];
  DWORD name_size = sizeof name, domain_size = sizeof domain;
  SID_NAME_USE use = 0;
  BOOL ok = LookupAccountSidA(NULL, sid, name, &name_size, domain, &domain_size, &use);
  DWORD error = GetLastError();
  *sizes = said("%u %u", (unsigned)name_size, (unsigned)domain_size);
  if (!ok) return said("FALSE, %u", (unsigned)error);
  return said("%s\\%s, use %d", domain, name, (int)use);
}

/* Accounts of well-known SIDs (an English Windows' names), the sizes protocol, a SID nobody
 * knows, another machine. */
static void rows_accounts(void) {
  static const struct {
    WELL_KNOWN_SID_TYPE type;
    const char *name, *windows, *sizes;
  } known[] = {
      {WinWorldSid, "WinWorldSid", "\\Everyone, use 5", "8 0"},
      {WinLocalSystemSid, "WinLocalSystemSid", "NT AUTHORITY\\SYSTEM, use 5", "6 12"},
      {WinAuthenticatedUserSid, "WinAuthenticatedUserSid",
       "NT AUTHORITY\\Authenticated Users, use 5", "19 12"},
      {WinInteractiveSid, "WinInteractiveSid", "NT AUTHORITY\\INTERACTIVE, use 5", "11 12"},
      {WinBuiltinAdministratorsSid, "WinBuiltinAdministratorsSid", "BUILTIN\\Administrators, use 4",
       "14 7"},
      {WinBuiltinUsersSid, "WinBuiltinUsersSid", "BUILTIN\\Users, use 4", "5 7"},
      {WinCreatorOwnerSid, "WinCreatorOwnerSid", "\\CREATOR OWNER, use 5", "13 0"},
  };
  BYTE sid[SECURITY_MAX_SID_SIZE];
  DWORD size;
  const char *sizes = "";
  for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
    size = sizeof sid;
    BOOL ok = CreateWellKnownSid(known[i].type, NULL, sid, &size);
    report("account", said("LookupAccountSidA(%s)", known[i].name),
           ok ? account_said(sid, &sizes) : "no SID", known[i].windows);
    report("acctsz", said("  %s: the sizes, lengths without the NUL", known[i].name),
           ok ? sizes : "no SID", known[i].sizes);
  }
  size = sizeof sid;
  CreateWellKnownSid(WinBuiltinAdministratorsSid, NULL, sid, &size);
  char name[MAX_PATH], domain[MAX_PATH];
  DWORD name_size = 1, domain_size = sizeof domain;
  SID_NAME_USE use = 0;
  BOOL ok = LookupAccountSidA(NULL, sid, name, &name_size, domain, &domain_size, &use);
  report("account", "LookupAccountSidA(BA) into a name of 1: the size it needs",
         ok ? "TRUE" : said("FALSE, %u, %u", (unsigned)GetLastError(), (unsigned)name_size),
         "FALSE, 122, 15");
  name_size = domain_size = 0;
  ok = LookupAccountSidA(NULL, sid, NULL, &name_size, NULL, &domain_size, &use);
  report("acctsz", "LookupAccountSidA(BA) into nothing: both sizes, NUL included; use untouched",
         ok ? "TRUE"
            : said("FALSE, %u, %u %u, use %d", (unsigned)GetLastError(), (unsigned)name_size,
                   (unsigned)domain_size, (int)use),
         "FALSE, 122, 15 8, use 0");
  WCHAR wname[MAX_PATH], wdomain[MAX_PATH];
  name_size = domain_size = MAX_PATH;
  ok = LookupAccountSidW(NULL, sid, wname, &name_size, wdomain, &domain_size, &use);
  char narrow[MAX_PATH] = "";
  for (int i = 0; ok && wname[i] && i < MAX_PATH - 1; i++) narrow[i] = (char)wname[i];
  report("account", "LookupAccountSidW(BA): name, sizes",
         ok ? said("%s, %u %u", narrow, (unsigned)name_size, (unsigned)domain_size) : "FALSE",
         "Administrators, 14 7");
  SID_IDENTIFIER_AUTHORITY odd = {{0, 0, 0, 0, 0x12, 0x34}};
  PSID nobody = NULL;
  if (AllocateAndInitializeSid(&odd, 1, 7, 0, 0, 0, 0, 0, 0, 0, &nobody)) {
    report("account", "LookupAccountSidA(S-1-4660-7: nobody's)", account_said(nobody, &sizes),
           "FALSE, 1332");
    FreeSid(nobody);
  }
  name_size = domain_size = MAX_PATH;
  ok = LookupAccountSidA("kobjns-no-such-machine", sid, name, &name_size, domain, &domain_size,
                         &use);
  DWORD error = GetLastError(); /* Windows before Vista 1722, since then 1707 (Wine's tests) */
  report("acctsys", "LookupAccountSidA on another machine: FALSE, 1722 or 1707",
         ok ? "TRUE"
         : error == RPC_S_SERVER_UNAVAILABLE || error == RPC_S_INVALID_NET_ADDR
             ? "FALSE, an RPC error"
             : said("FALSE, %u", (unsigned)error),
         "FALSE, an RPC error");
}

/* LookupAccountNameA's answer: the SID's string, domain and use, or the failure; its sizes into
 * `sizes`. */
static const char *sid_of_name_said(const char *account, const char **sizes) {
  BYTE sid[SECURITY_MAX_SID_SIZE];
  char domain[MAX_PATH];
  DWORD sid_size = sizeof sid, domain_size = sizeof domain;
  SID_NAME_USE use = 0;
  BOOL ok = LookupAccountNameA(NULL, account, sid, &sid_size, domain, &domain_size, &use);
  DWORD error = GetLastError();
  *sizes = said("%u %u", (unsigned)sid_size, (unsigned)domain_size);
  if (!ok) return said("FALSE, %u", (unsigned)error);
  return said("%s, '%s', use %d", sid_said(sid), domain, (int)use);
}

/* Names to SIDs: bare and with their domain, in any case; a wrong domain; nobody's name; the
 * sizes protocol. */
static void rows_account_names(void) {
  static const struct {
    const char *account, *windows, *sizes;
  } names[] = {
      {"Everyone", "S-1-1-0, '', use 5", "12 0"},
      {"BUILTIN\\Administrators", "S-1-5-32-544, 'BUILTIN', use 4", "16 7"},
      {"administrators", "S-1-5-32-544, 'BUILTIN', use 4", "16 7"},
      {"NT AUTHORITY\\SYSTEM", "S-1-5-18, 'NT AUTHORITY', use 5", "12 12"},
      {"SYSTEM", "S-1-5-18, 'NT AUTHORITY', use 5", "12 12"},
      {"nt authority\\authenticated users", "S-1-5-11, 'NT AUTHORITY', use 5", "12 12"},
      {"NT AUTHORITY\\Administrators", "FALSE, 1332", NULL},
      {"kobjns-no-such-account", "FALSE, 1332", NULL},
  };
  const char *sizes = "";
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    report("acctnam", said("LookupAccountNameA(%s)", names[i].account),
           sid_of_name_said(names[i].account, &sizes), names[i].windows);
    if (names[i].sizes)
      report("acctnsz", said("  %s: the sizes, the domain's without its NUL", names[i].account),
             sizes, names[i].sizes);
  }
  DWORD sid_size = 0, domain_size = 0;
  SID_NAME_USE use = 0;
  BOOL ok = LookupAccountNameA(NULL, "Users", NULL, &sid_size, NULL, &domain_size, &use);
  report("acctnsz", "LookupAccountNameA(Users) into nothing: both sizes; use untouched",
         ok ? "TRUE"
            : said("FALSE, %u, %u %u, use %d", (unsigned)GetLastError(), (unsigned)sid_size,
                   (unsigned)domain_size, (int)use),
         "FALSE, 122, 16 8, use 0");
  WCHAR wide[] = {'E', 'v', 'e', 'r', 'y', 'o', 'n', 'e', 0}, wdomain[8];
  BYTE sid[SECURITY_MAX_SID_SIZE];
  sid_size = sizeof sid, domain_size = 8;
  ok = LookupAccountNameW(NULL, wide, sid, &sid_size, wdomain, &domain_size, &use);
  report("acctnam", "LookupAccountNameW(Everyone): SID, sizes, use",
         ok ? said("%s, %u %u, use %d", sid_said(sid), (unsigned)sid_size, (unsigned)domain_size,
                   (int)use)
            : said("FALSE, %u", (unsigned)GetLastError()),
         "S-1-1-0, 12 0, use 5");
}

static void rows_sids(void) {
  static const struct {
    WELL_KNOWN_SID_TYPE type;
    const char *name, *windows;
  } known[] = {{WinWorldSid, "WinWorldSid", "S-1-1-0"},
               {WinCreatorOwnerRightsSid, "WinCreatorOwnerRightsSid", "S-1-3-4"},
               {WinNtAuthoritySid, "WinNtAuthoritySid", "S-1-5"},
               {WinInteractiveSid, "WinInteractiveSid", "S-1-5-4"},
               {WinAuthenticatedUserSid, "WinAuthenticatedUserSid", "S-1-5-11"},
               {WinLocalSystemSid, "WinLocalSystemSid", "S-1-5-18"},
               {WinBuiltinAdministratorsSid, "WinBuiltinAdministratorsSid", "S-1-5-32-544"},
               {WinBuiltinUsersSid, "WinBuiltinUsersSid", "S-1-5-32-545"},
               {WinMediumLabelSid, "WinMediumLabelSid", "S-1-16-8192"}};
  BYTE buffer[SECURITY_MAX_SID_SIZE];
  DWORD size = 0;
  BOOL ok = CreateWellKnownSid(WinBuiltinAdministratorsSid, NULL, NULL, &size);
  report("sid", "CreateWellKnownSid(BA) into nothing: the size it needs",
         said("%s, %u, size %u", ok ? "TRUE" : "FALSE", (unsigned)GetLastError(), (unsigned)size),
         "FALSE, 122, size 16");
  size = 8;
  ok = CreateWellKnownSid(WinBuiltinAdministratorsSid, NULL, buffer, &size);
  report("sid", "CreateWellKnownSid(BA) into 8 bytes",
         said("%s, %u, size %u", ok ? "TRUE" : "FALSE", (unsigned)GetLastError(), (unsigned)size),
         "FALSE, 122, size 16");
  for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
    size = sizeof buffer;
    ok = CreateWellKnownSid(known[i].type, NULL, buffer, &size);
    report("sid", said("CreateWellKnownSid(%s), its string", known[i].name),
           ok ? sid_said(buffer) : said("FALSE, %u", (unsigned)GetLastError()), known[i].windows);
    report("sid", said("  %s: size, GetLengthSid, IsValidSid", known[i].name),
           ok ? said("%u, %u, %d", (unsigned)size, (unsigned)GetLengthSid(buffer),
                     IsValidSid(buffer) ? 1 : 0)
              : "none",
           said("%u, %u, 1", (unsigned)(8 + 4 * ((SID *)buffer)->SubAuthorityCount),
                (unsigned)(8 + 4 * ((SID *)buffer)->SubAuthorityCount)));
  }
  size = sizeof buffer;
  ok = CreateWellKnownSid((WELL_KNOWN_SID_TYPE)10000, NULL, buffer, &size);
  report("sid", "CreateWellKnownSid(10000, no such type)",
         ok ? "TRUE" : said("FALSE, %u", (unsigned)GetLastError()), "FALSE, 87");
  SID_IDENTIFIER_AUTHORITY nt = {SECURITY_NT_AUTHORITY};
  PSID admins = NULL;
  ok = AllocateAndInitializeSid(&nt, 2, SECURITY_BUILTIN_DOMAIN_RID, DOMAIN_ALIAS_RID_ADMINS, 0, 0,
                                0, 0, 0, 0, &admins);
  report("sid", "AllocateAndInitializeSid(NT, 32, 544)", ok ? sid_said(admins) : "FALSE",
         "S-1-5-32-544");
  size = sizeof buffer;
  CreateWellKnownSid(WinBuiltinAdministratorsSid, NULL, buffer, &size);
  report("sid", "  EqualSid with CreateWellKnownSid(BA)",
         ok && EqualSid(admins, buffer) ? "TRUE" : "FALSE", "TRUE");
  BYTE copy[SECURITY_MAX_SID_SIZE];
  BOOL copied = ok && CopySid(8, copy, admins);
  report("sidcopy", "  CopySid into 8 bytes",
         copied ? "TRUE" : said("FALSE, %u", (unsigned)GetLastError()), "FALSE, 122");
  copied = ok && CopySid(sizeof copy, copy, admins);
  report("sid", "  CopySid, then its string", copied ? sid_said(copy) : "FALSE", "S-1-5-32-544");
  report("sid", "  FreeSid", ok && FreeSid(admins) == NULL ? "NULL" : "not NULL", "NULL");
  SID_IDENTIFIER_AUTHORITY wide = {{0, 0, 0, 0, 0x12, 0x34}};
  PSID sid = NULL;
  ok = AllocateAndInitializeSid(&wide, 1, 7, 0, 0, 0, 0, 0, 0, 0, &sid);
  report("sid", "AllocateAndInitializeSid(authority 0x1234, 7): string",
         ok ? sid_said(sid) : "FALSE", "S-1-4660-7");
  if (ok) FreeSid(sid);
  SID_IDENTIFIER_AUTHORITY huge = {{0, 0x12, 0, 0, 0, 1}};
  ok = AllocateAndInitializeSid(&huge, 1, 7, 0, 0, 0, 0, 0, 0, 0, &sid);
  report("sidhex", "an authority of more than 32 bits: string (hex)", ok ? sid_said(sid) : "FALSE",
         "S-1-0x001200000001-7");
  if (ok) FreeSid(sid);
  LPWSTR wtext = NULL;
  size = sizeof buffer;
  CreateWellKnownSid(WinLocalSystemSid, NULL, buffer, &size);
  ok = ConvertSidToStringSidW(buffer, &wtext);
  char narrow[32] = "";
  for (int i = 0; ok && wtext[i] && i < 31; i++) narrow[i] = (char)wtext[i];
  report("sid", "ConvertSidToStringSidW(SY)", ok ? narrow : "FALSE", "S-1-5-18");
  if (ok) LocalFree(wtext);
  rows_sid_parts();
  rows_accounts();
  rows_account_names();
}

/* --- private namespaces (pns) ---------------------------------------------------------------
 * CreatePrivateNamespace through a boundary of Everyone, objects named "alias\name" in it, and
 * ClosePrivateNamespace's destroy. Wine 8.0 implements none of it (its kernel32 ends the program
 * at AddSIDToBoundaryDescriptor): where the driver says to skip the row it is not played at all. */

/* Everyone (S-1-1-0), as Win32 code spells a SID without advapi32's helpers. */
static SID everyone_sid = {SID_REVISION, 1, {SECURITY_WORLD_SID_AUTHORITY}, {SECURITY_WORLD_RID}};

static void rows_private_namespaces(void) {
  if (skip_reason("pns")) {
    skip("pns", "private namespaces", skip_reason("pns"));
    return;
  }
  char bname[128], alias[128], sec[160], mut[160], other[160];
  snprintf(bname, sizeof bname, "%s", unique("", "bd"));
  snprintf(alias, sizeof alias, "%s", unique("", "pns"));
  snprintf(sec, sizeof sec, "%s\\sec", alias);
  snprintf(mut, sizeof mut, "%s\\mut", alias);
  snprintf(other, sizeof other, "%s\\mut", unique("", "other"));
  HANDLE bd = CreateBoundaryDescriptorA(bname, 0);
  report("pns", "create a boundary descriptor", opened(bd), "handle");
  if (!bd) return;
  report("pns", "add Everyone to it", done(AddSIDToBoundaryDescriptor(&bd, &everyone_sid)), "TRUE");
  HANDLE h = CreateMutexA(NULL, FALSE, mut);
  report("pns", "create mutex alias\\mut before the namespace is open", created(h), "NULL, 3");
  if (h) CloseHandle(h);
  report("pns", "open the namespace before it exists",
         open_result(OpenPrivateNamespaceA(bd, alias)), "NULL, 2");
  HANDLE ns = CreatePrivateNamespaceA(NULL, bd, alias);
  report("pns", "create the namespace", opened(ns), "handle");
  h = CreatePrivateNamespaceA(NULL, bd, alias);
  report("pns", "create it again (Windows fails, opens nothing)", opened(h), "NULL, 183");
  if (h) ClosePrivateNamespace(h, 0);
  report("pns", "open it", open_result(OpenPrivateNamespaceA(bd, alias)), "handle");
  HANDLE s = CREATE(sec, PAGE_READWRITE, PAGE);
  report("pns", "create section alias\\sec", created(s), "handle, 0");
  report("pns", "open alias\\sec", s ? open_same(sec, s) : "no handle", "handle, same object");
  HANDLE m = CreateMutexA(NULL, FALSE, mut);
  report("pns", "create mutex alias\\mut", created(m), "handle, 0");
  h = CreateMutexA(NULL, FALSE, mut);
  report("pns", "create mutex alias\\mut again", created(h), "handle, 183");
  if (h) CloseHandle(h);
  report("pns", "open mutex mut, the bare name (not in the namespace)",
         open_result(OpenMutexA(SYNCHRONIZE, FALSE, strchr(mut, '\\') + 1)), "NULL, 2");
  report("pns", "open mutex alias\\a\\b (one level only)",
         open_result(OpenMutexA(SYNCHRONIZE, FALSE, said("%s\\a\\b", alias))), "NULL, 3");
  report("pns", "open mutex other\\mut (an alias not open here)",
         open_result(OpenMutexA(SYNCHRONIZE, FALSE, other)), "NULL, 3");
  report("pns", "open an event on the mutex's name alias\\mut",
         open_result(OpenEventA(SYNCHRONIZE, FALSE, mut)), "NULL, 6");
  report("pns", "destroy the namespace",
         ns ? done(ClosePrivateNamespace(ns, PRIVATE_NAMESPACE_FLAG_DESTROY)) : "no handle",
         "TRUE");
  report("pns", "open it after the destroy", open_result(OpenPrivateNamespaceA(bd, alias)),
         "NULL, 2");
  report("pns", "the mutex works on: wait", m ? wait_quietly(m, 0) : "no handle", "WAIT_OBJECT_0");
  report("pns", "the mutex works on: release", m ? done(ReleaseMutex(m)) : "no handle", "TRUE");
  if (m) CloseHandle(m);
  if (s) CloseHandle(s);
  DeleteBoundaryDescriptor(bd);
}

static int rows_main(void) {
  char line[512];
  while (fgets(line, sizeof line, stdin)) {
    line[strcspn(line, "\r\n")] = '\0';
    char row[8];
    int at = 0;
    if (!strcmp(line, "run")) break;
    if (sscanf(line, "session %ld", &expected_session) == 1) continue;
    if (!strcmp(line, "privilege yes") || !strcmp(line, "privilege no")) {
      holds_privilege = !strcmp(line, "privilege yes");
      continue;
    }
    if (sscanf(line, "skip %7s %n", row, &at) == 1 && at > 0 && skip_count < 64) {
      strcpy(skips[skip_count], row);
      reasons[skip_count++] = strdup(line + at);
      continue;
    }
    fprintf(stderr, "kobjns-conform rows: unknown directive \"%s\"\n", line);
    return 2;
  }
  if (expected_session < 0 || holds_privilege < 0) {
    fprintf(stderr, "kobjns-conform rows: say \"session N\" and \"privilege yes|no\" first\n");
    return 2;
  }
  if (!ProcessIdToSessionId(GetCurrentProcessId(), &session) || session == 0) {
    printf("conformance: this program plays an app: run it in a session other than 0\n");
    return 2;
  }
  rows_state st = {.nsA = unique("", "nsA"), .nsG = unique("", "nsG")};
  st.nsA = strdup(st.nsA), st.nsG = strdup(st.nsG); /* out of said()'s ring */
  st.may_global = holds_privilege; /* the driver knows; a probe would trust what is tested */
  rows_create_and_reopen(&st);
  rows_case_and_lookup(&st);
  skip("11", "another process of the session opens nsA", "multi-process: the suite's peers");
  rows_global(&st);
  skip("14", "create from a session-0 service", "multi-session: the suite's peers");
  skip("17", "service creates bare X; an app opens X and Global\\X",
       "multi-session: the suite's peers");
  rows_sessions_and_syntax(&st);
  rows_unnamed_and_odd_names();
  rows_types(&st);
  rows_security();
  skip("43", "user A creates Global\\x; user B opens it", "another user: the suite's peers");
  rows_mutex();
  rows_event();
  rows_semaphore();
  rows_wait(&st);
  rows_wait_several(&st);
  rows_sync_names(&st);
  rows_sync_security();
  rows_views(&st);
  rows_view_rights();
  rows_session_id();
  rows_virtual();
  rows_threads();
  rows_apcs();
  rows_timers(&st);
  rows_handles();
  rows_sids();
  rows_private_namespaces();
  rows_processes();
  rows_crt();
  rows_files();
  if (st.g) CloseHandle(st.g);
  free((void *)st.nsA), free((void *)st.nsG);
  for (unsigned i = 0; i < skip_count; i++) free(reasons[i]);
  printf("conformance: %u ok, %u failed, %u skipped\n", passed, failed, skipped);
  return failed ? 1 : 0;
}

/* --- peer: one process of a multi-process case ------------------------------------------------
 * Commands, one per line, each answered by one line. NAME "-" is NULL.
 * clang-format off
 *   create NAME SIZE ro|rw SDDL|-   ->  "handle, E" | "NULL, E"   (the handle becomes current)
 *   open NAME read|write|all        ->  "handle" | "NULL, E"      (the handle becomes current)
 *   write TEXT                      ->  "ok" | "NULL, E"          (through a view of the current)
 *   read                            ->  the text | "NULL, E"
 *   close                           ->  "ok" | "FALSE, E"         (the current handle)
 *   sync NAME mutex|event|semaphore ->  "handle, E" | "NULL, E"   (created, then closed)
 *   mutex NAME own|free             ->  "handle, E" | "NULL, E"   (CreateMutexA; current)
 *   event NAME manual|auto          ->  "handle, E" | "NULL, E"   (CreateEventA, not signaled)
 *   semaphore NAME                  ->  "handle, E" | "NULL, E"   (CreateSemaphoreA, 0 of 10)
 *   wait MS                         ->  the WaitForSingleObject code on the current handle
 *   release | set | pulse | post    ->  "ok" | "FALSE, E"  (ReleaseMutex, SetEvent, PulseEvent,
 *                                        ReleaseSemaphore of 1, on the current handle)
 *   session                         ->  "session N" | "FALSE, E"
 *   filemap PATH NAME SIZE          ->  "handle, E" | "NULL, E"   (CreateFileMappingA read/write
 *                                        of the file PATH, opened or made; the current)
 *   nscreate BOUNDARY ALIAS         ->  "handle" | "NULL, E"   (CreatePrivateNamespaceA, the
 *                                        boundary BOUNDARY of Everyone)
 *   nsopen BOUNDARY ALIAS           ->  "handle" | "NULL, E"   (OpenPrivateNamespaceA)
 *   nsdestroy                       ->  "ok" | "FALSE, E"  (ClosePrivateNamespace with
 *                                        PRIVATE_NAMESPACE_FLAG_DESTROY, the last namespace)
 *   exit
 * clang-format on */
/* The namespace BOUNDARY ALIAS, created or opened (peer_main's nscreate, nsopen). */
static HANDLE peer_namespace(bool create, const char *boundary, const char *alias) {
  HANDLE bd = CreateBoundaryDescriptorA(boundary, 0);
  if (!bd || !AddSIDToBoundaryDescriptor(&bd, &everyone_sid)) {
    DWORD error = GetLastError();
    if (bd) DeleteBoundaryDescriptor(bd);
    SetLastError(error);
    return NULL;
  }
  HANDLE ns = create ? CreatePrivateNamespaceA(NULL, bd, alias) : OpenPrivateNamespaceA(bd, alias);
  DWORD error = GetLastError();
  DeleteBoundaryDescriptor(bd);
  SetLastError(error);
  return ns;
}

static int peer_main(void) {
  HANDLE handles[64], spaces[8];
  int count = 0, space_count = 0;
  char line[1024];
  while (fgets(line, sizeof line, stdin)) {
    line[strcspn(line, "\r\n")] = '\0';
    char cmd[16] = "", name[512] = "", b[32] = "", c[8] = "", sddl[256] = "";
    sscanf(line, "%15s %511s %31s %7s %255s", cmd, name, b, c, sddl);
    const char *n = strcmp(name, "-") ? name : NULL;
    HANDLE current = count ? handles[count - 1] : NULL;
    if (!strcmp(cmd, "exit")) break;
    if (!strcmp(cmd, "create")) {
      DWORD protect = strcmp(c, "ro") ? PAGE_READWRITE : PAGE_READONLY;
      DWORD size = (DWORD)strtoul(b, NULL, 0);
      HANDLE h = strcmp(sddl, "-") && sddl[0] ? create_sddl(n, sddl, protect, size)
                                              : CREATE(n, protect, size);
      puts(created(h));
      if (h && count < 64)
        handles[count++] = h;
      else if (h)
        CloseHandle(h); /* a full table: the driver asked for too much */
    } else if (!strcmp(cmd, "open")) {
      DWORD access = !strcmp(b, "read")    ? FILE_MAP_READ
                     : !strcmp(b, "write") ? FILE_MAP_WRITE
                                           : FILE_MAP_ALL_ACCESS;
      HANDLE h = OpenFileMappingA(access, FALSE, n);
      puts(opened(h));
      if (h && count < 64)
        handles[count++] = h;
      else if (h)
        CloseHandle(h);
    } else if (!strcmp(cmd, "write") || !strcmp(cmd, "read")) {
      bool write = !strcmp(cmd, "write");
      SetLastError(ERROR_INVALID_HANDLE);
      char *v =
          current ? MapViewOfFile(current, write ? FILE_MAP_WRITE : FILE_MAP_READ, 0, 0, 0) : NULL;
      if (!v) {
        puts(mapped(v));
      } else {
        if (write) snprintf(v, PAGE, "%s", name);
        printf("%.200s\n", write ? "ok" : v);
        UnmapViewOfFile(v);
      }
    } else if (!strcmp(cmd, "sync")) {
      HANDLE h = !strcmp(b, "mutex")   ? CreateMutexA(NULL, FALSE, n)
                 : !strcmp(b, "event") ? CreateEventA(NULL, TRUE, FALSE, n)
                                       : CreateSemaphoreA(NULL, 0, 1, n);
      puts(created(h));
      if (h) CloseHandle(h);
    } else if (!strcmp(cmd, "mutex") || !strcmp(cmd, "event") || !strcmp(cmd, "semaphore")) {
      HANDLE h = !strcmp(cmd, "mutex")   ? CreateMutexA(NULL, !strcmp(b, "own"), n)
                 : !strcmp(cmd, "event") ? CreateEventA(NULL, !strcmp(b, "manual"), FALSE, n)
                                         : CreateSemaphoreA(NULL, 0, 10, n);
      puts(created(h));
      if (h && count < 64)
        handles[count++] = h;
      else if (h)
        CloseHandle(h);
    } else if (!strcmp(cmd, "wait")) {
      DWORD code = WaitForSingleObject(current, (DWORD)strtoul(name, NULL, 10));
      puts(code == WAIT_FAILED ? said("WAIT_FAILED, %u", (unsigned)GetLastError())
                               : said("%u", (unsigned)code));
    } else if (!strcmp(cmd, "release") || !strcmp(cmd, "set") || !strcmp(cmd, "pulse") ||
               !strcmp(cmd, "post")) {
      BOOL ok = !strcmp(cmd, "release") ? ReleaseMutex(current)
                : !strcmp(cmd, "set")   ? SetEvent(current)
                : !strcmp(cmd, "pulse") ? PulseEvent(current)
                                        : ReleaseSemaphore(current, 1, NULL);
      puts(ok ? "ok" : said("FALSE, %u", (unsigned)GetLastError()));
    } else if (!strcmp(cmd, "close")) {
      BOOL ok = CloseHandle(current);
      if (ok) count--;
      puts(ok ? "ok" : said("FALSE, %u", (unsigned)GetLastError()));
    } else if (!strcmp(cmd, "filemap")) {
      HANDLE f = CreateFileA(name, GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE,
                             NULL, OPEN_ALWAYS, 0, NULL);
      if (f == INVALID_HANDLE_VALUE) {
        puts(said("NULL, %u", (unsigned)GetLastError()));
      } else {
        HANDLE h = CreateFileMappingA(f, NULL, PAGE_READWRITE, 0, (DWORD)strtoul(c, NULL, 0), b);
        puts(created(h));
        CloseHandle(f); /* the section keeps the file */
        if (h && count < 64)
          handles[count++] = h;
        else if (h)
          CloseHandle(h);
      }
    } else if (!strcmp(cmd, "nscreate") || !strcmp(cmd, "nsopen")) {
      HANDLE ns = peer_namespace(!strcmp(cmd, "nscreate"), name, b);
      puts(opened(ns));
      if (ns && space_count < 8)
        spaces[space_count++] = ns;
      else if (ns)
        ClosePrivateNamespace(ns, 0);
    } else if (!strcmp(cmd, "nsdestroy")) {
      BOOLEAN ok = space_count &&
                   ClosePrivateNamespace(spaces[space_count - 1], PRIVATE_NAMESPACE_FLAG_DESTROY);
      if (ok) space_count--;
      puts(ok ? "ok" : space_count ? said("FALSE, %u", (unsigned)GetLastError()) : "FALSE, 6");
    } else if (!strcmp(cmd, "session")) {
      DWORD s = 0;
      BOOL ok = ProcessIdToSessionId(GetCurrentProcessId(), &s);
      puts(ok ? said("session %u", (unsigned)s) : said("FALSE, %u", (unsigned)GetLastError()));
    } else {
      puts("unknown command");
    }
    fflush(stdout); /* one reply per command, now: msvcrt has no line buffering */
  }
  close_all(handles, (size_t)count);
  for (int i = 0; i < space_count; i++) ClosePrivateNamespace(spaces[i], 0);
  return 0;
}

int main(int argc, char **argv) {
  self_path = argv[0];
  if (argc == 2 && !strcmp(argv[1], "rows")) return rows_main();
  if (argc >= 2 && strcmp(argv[1], "peer")) return child_main(argc, argv);
  if (argc == 2 && !strcmp(argv[1], "peer")) return peer_main();
  fprintf(stderr, "usage: %s rows | peer\n", argv[0]);
  return 2;
}
