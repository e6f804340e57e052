/* The conformance suite: tests/conformance/conform.c is plain Win32 code, built on Linux against
 * libkobjns-winapi and with mingw-w64 for Windows (run under Wine against Wine's kernel32). This
 * suite runs its rows, plays the multi-process and multi-session cases through its `peer` role,
 * writes the transcript of every answer, and compares it with the other platform's. Wine's known
 * differences live in one place: tests/conformance/wine-differences.txt. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "kt.h"

#define CONFORM "kobjns-conform"
#define USER_A 61011 /* uids no account has: only the kernel's owner and mode checks know them */
#define USER_B 61012

/* --- Wine's differences -------------------------------------------------------------------- */

typedef struct known_difference {
  char row[8];
  char reason[248];
} known_difference;
static known_difference known[32];
static size_t known_count;
static bool known_loaded;

static void load_differences(void) {
  const char *dir = getenv("KOBJNS_CONFORMANCE_DIR");
  char path[1024], line[512];
  snprintf(path, sizeof path, "%s/wine-differences.txt", dir ? dir : ".");
  FILE *f = fopen(path, "r");
  if (!f) {
    fprintf(stderr, "cannot read %s (KOBJNS_CONFORMANCE_DIR)\n", path);
    return;
  }
  while (fgets(line, sizeof line, f) && known_count < 32) {
    line[strcspn(line, "\r\n")] = '\0';
    known_difference *k = &known[known_count];
    int at = 0;
    char row[64];
    if (line[0] == '#' || sscanf(line, "%63s %n", row, &at) != 1 || !at) continue;
    if (strlen(row) >= sizeof k->row) { /* cut, it would name another row, or none */
      fprintf(stderr, "wine-differences.txt: row \"%s\" is longer than %zu characters\n", row,
              sizeof k->row - 1);
      CU_FAIL("wine-differences.txt names a row longer than a row name can be");
      continue;
    }
    memcpy(k->row, row, strlen(row) + 1); /* fits: checked above */
    snprintf(k->reason, sizeof k->reason, "%s", line + at);
    known_count++;
  }
  fclose(f);
  known_loaded = true;
}

/* Under Wine, why a row cannot be shown there; NULL when it can (or when not under Wine). */
static const char *wine_cannot(const char *row) {
  if (!kt_under_wine()) return NULL;
  for (size_t i = 0; i < known_count; i++)
    if (!strcmp(known[i].row, row)) return known[i].reason;
  return NULL;
}

/* --- the transcript: one line per case, "ROW<tab>CASE<tab>OBSERVED" ------------------------- */

typedef struct entry {
  char row[8];
  char what[160];
  char observed[200];
} entry;
static entry *transcript;
static size_t entries, capacity;

static void set_entry(entry *e, const char *row, const char *what, const char *observed) {
  snprintf(e->row, sizeof e->row, "%.7s", row);
  snprintf(e->what, sizeof e->what, "%.159s", what);
  snprintf(e->observed, sizeof e->observed, "%.199s", observed);
}

/* Cases are compared by row and name: two cases of one row may not share a name. */
static void record(const char *row, const char *what, const char *observed) {
  entry key;
  set_entry(&key, row, what, "");
  for (size_t i = 0; i < entries; i++)
    if (!strcmp(transcript[i].row, key.row) && !strcmp(transcript[i].what, key.what)) {
      fprintf(stderr, "\n  row %s: two cases named \"%s\"", key.row, key.what);
      CU_FAIL("two cases of one row share a name: the comparison cannot tell them apart");
    }
  if (entries == capacity) {
    size_t more = capacity ? 2 * capacity : 128;
    entry *bigger = realloc(transcript, more * sizeof *bigger);
    if (!bigger) return;
    transcript = bigger, capacity = more;
  }
  set_entry(&transcript[entries++], row, what, observed);
}

/* The session the app roles play in: 1 where sessions are simulated, else the runner's own. */
static uint32_t app_session(void) { return kt_sessions_simulated() ? 1 : kt_runner_session(); }

/* --- the single-process rows ---------------------------------------------------------------- */

/* Rows that need what a platform may lack: skipped there with the reason (kt_unavailable). */
static const struct {
  const char *row;
  unsigned needs;
} rows_needing[] = {
    /* These start the conformance program by its name, found in the program's own directory. */
    {"proc", KT_NEEDS_PROCESS_FACTS},   {"procend", KT_NEEDS_PROCESS_FACTS},
    {"inher", KT_NEEDS_PROCESS_FACTS},  {"pipe", KT_NEEDS_PROCESS_FACTS},
    {"dupx", KT_NEEDS_PROCESS_HANDLES}, {"file", KT_NEEDS_REOPEN},
    {"fmap", KT_NEEDS_REOPEN},
};

static void single_process_rows(void) {
  if (!known_loaded) CU_FAIL("tests/conformance/wine-differences.txt was not read");
  kt_proc p;
  CU_ASSERT_FATAL(kt_spawn_program(&p, app_session(), -1, CONFORM, "rows"));
  fprintf(p.to, "session %u\n", (unsigned)app_session());
  /* An app holds SeCreateGlobalPrivilege when it is an administrator: root on POSIX. */
  bool privileged =
      kt_sessions_simulated() ? kt_is_root() : kt_unavailable(KT_NEEDS_CREATE_GLOBAL) == NULL;
  fprintf(p.to, "privilege %s\n", privileged ? "yes" : "no");
  for (size_t i = 0; kt_under_wine() && i < known_count; i++)
    fprintf(p.to, "skip %s %s\n", known[i].row, known[i].reason);
  for (size_t i = 0; i < sizeof rows_needing / sizeof *rows_needing; i++) {
    const char *why = kt_unavailable(rows_needing[i].needs);
    if (why) fprintf(p.to, "skip %s %s\n", rows_needing[i].row, why);
  }
  if (kt_under_valgrind()) /* the program runs under valgrind too */
    fprintf(p.to,
            "skip dupx valgrind has no pidfd_getfd, which taking another process's "
            "handle needs (ERROR_NOT_SUPPORTED there, as documented)\n");
  fputs("run\n", p.to);
  fflush(p.to);
  char line[1024];
  unsigned cases = 0;
  while (fgets(line, sizeof line, p.from)) {
    line[strcspn(line, "\r\n")] = '\0';
    char *row = line, *what = strchr(row, '\t'), *observed = NULL, *verdict = NULL;
    if (what) *what++ = '\0', observed = strchr(what, '\t');
    if (observed) *observed++ = '\0', verdict = strchr(observed, '\t');
    if (!verdict) { /* the summary */
      printf("  %s\n", line);
      continue;
    }
    *verdict++ = '\0';
    cases++;
    record(row, what, strncmp(verdict, "skip", 4) ? observed : verdict);
    if (!strncmp(verdict, "skip", 4)) printf("  SKIP: row %s, %s: %s\n", row, what, verdict + 6);
    if (!strncmp(verdict, "FAIL", 4))
      fprintf(stderr, "\n  row %s, %s: %s (%s)", row, what, observed, verdict);
    CU_ASSERT(strncmp(verdict, "FAIL", 4) != 0);
  }
  CU_ASSERT(cases > 80);
  CU_ASSERT_EQUAL(kt_reap(&p), 0);
}

/* --- multi-process cases: peers driven step by step ----------------------------------------- */

static bool peer(kt_proc *p, uint32_t session, long uid) {
  return kt_spawn_program(p, session, uid, CONFORM, "peer");
}

/* The answer to a command sent before (a wait), against Windows' answer, in the transcript. */
static void answer(kt_proc *p, const char *row, const char *what, const char *windows) {
  char reply[256] = "(no reply: the peer died)";
  kt_recv(p, reply, sizeof reply);
  record(row, what, reply);
  if (strcmp(reply, windows))
    fprintf(stderr, "\n  row %s, %s: \"%s\", Windows gives \"%s\"", row, what, reply, windows);
  CU_ASSERT_STRING_EQUAL(reply, windows);
}

/* One step: a command to a peer, its answer against Windows' answer, both in the transcript. */
static void step(kt_proc *p, const char *row, const char *what, const char *windows,
                 const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static void step(kt_proc *p, const char *row, const char *what, const char *windows,
                 const char *fmt, ...) {
  char command[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(command, sizeof command, fmt, ap);
  va_end(ap);
  kt_send(p, "%s", command);
  answer(p, row, what, windows);
}

/* Peer `p` starts a wait (answered later, by `answer`) and falls asleep in it. */
static void waits(kt_proc *p) {
  kt_send(p, "wait 10000");
  CU_ASSERT(kt_until_asleep(p));
}

/* Rows 52-54 and PulseEvent: what a release, a set, a post and a pulse hand to a process that
 * waits. Windows' dispatcher satisfies the waiter's wait at once: the releaser cannot take back
 * what it gave, and the object is left as the waiter's wait leaves it. */
static void waits_are_handed_over(void) {
  const char *m = kt_name("conform-m52"), *e = kt_name("conform-e53"),
             *sem = kt_name("conform-s54"), *pm = kt_name("conform-pm"),
             *pa = kt_name("conform-pa");
  kt_proc a, b, c;
  CU_ASSERT_FATAL(peer(&a, app_session(), -1));
  CU_ASSERT_FATAL(peer(&b, app_session(), -1));
  CU_ASSERT_FATAL(peer(&c, app_session(), -1));
  /* Rows 52-54: A gives while B waits; A's own wait right after finds nothing (258). */
  static const struct {
    const char *row, *type, *a_arg, *b_arg, *gives, *give;
  } rows[] = {
      {"52", "mutex", "own", "free", "A releases the mutex while B waits", "release"},
      {"53", "event", "auto", "auto", "A sets the automatic event while B waits", "set"},
      {"54", "semaphore", "", "", "A releases a unit while B waits", "post"},
  };
  const char *names[] = {m, e, sem};
  for (int i = 0; i < 3; i++) {
    const char *row = rows[i].row;
    step(&a, row, "A creates it", "handle, 0", "%s %s %s", rows[i].type, names[i], rows[i].a_arg);
    step(&b, row, "B opens it", "handle, 183", "%s %s %s", rows[i].type, names[i], rows[i].b_arg);
    waits(&b);
    step(&a, row, rows[i].gives, "ok", "%s", rows[i].give);
    step(&a, row, "A waits on it, timeout 0 (it went to B)", "258", "wait 0");
    answer(&b, row, "B's wait", "0");
    if (i == 0) {
      step(&b, row, "B owns the mutex: its release", "ok", "release");
      step(&a, row, "A does not: its release", "FALSE, 288", "release");
    }
  }

  step(&a, "pulse", "A creates the manual event P", "handle, 0", "event %s manual", pm);
  step(&b, "pulse", "B opens P", "handle, 183", "event %s manual", pm);
  step(&c, "pulse", "C opens P", "handle, 183", "event %s manual", pm);
  waits(&b);
  waits(&c);
  step(&a, "pulse", "A pulses P while B and C wait", "ok", "pulse");
  answer(&b, "pulse", "B's wait on P (a manual event releases every waiter)", "0");
  answer(&c, "pulse", "C's wait on P", "0");
  step(&a, "pulse", "A waits on P, timeout 0 (left reset)", "258", "wait 0");

  step(&a, "pulse", "A creates the automatic event Q", "handle, 0", "event %s auto", pa);
  step(&a, "pulse", "A pulses Q while nobody waits", "ok", "pulse");
  step(&a, "pulse", "A waits on Q, timeout 0 (the pulse is gone)", "258", "wait 0");
  step(&b, "pulse", "B opens Q", "handle, 183", "event %s auto", pa);
  step(&c, "pulse", "C opens Q", "handle, 183", "event %s auto", pa);
  waits(&b);
  waits(&c);
  step(&a, "pulse", "A pulses Q while B and C wait", "ok", "pulse");
  answer(&b, "pulse", "B's wait on Q (an automatic event releases the first waiter)", "0");
  step(&a, "pulse", "A waits on Q, timeout 0 (left reset: C still waits)", "258", "wait 0");
  step(&a, "pulse", "A sets Q", "ok", "set");
  answer(&c, "pulse", "C's wait on Q, after the set", "0");
  kt_proc *peers[] = {&a, &b, &c};
  for (int i = 0; i < 3; i++) CU_ASSERT_EQUAL(kt_wait(peers[i]), 0);
}

static void another_process_sees_the_data(void) {
  const char *name = kt_name("conform-shared");
  kt_proc a, b;
  CU_ASSERT_FATAL(peer(&a, app_session(), -1));
  CU_ASSERT_FATAL(peer(&b, app_session(), -1));
  step(&a, "11", "A creates nsX", "handle, 0", "create %s 4096 rw -", name);
  step(&a, "11", "A writes through a view", "ok", "write from-A");
  step(&b, "11", "B, in the same session, opens nsX", "handle", "open %s all", name);
  step(&b, "11", "B reads A's data", "from-A", "read");
  step(&b, "11", "B writes", "ok", "write from-B");
  step(&a, "11", "A's next view reads B's data", "from-B", "read");
  CU_ASSERT_EQUAL(kt_wait(&a), 0);
  step(&b, "11", "B's handle outlives A", "from-B", "read");
  CU_ASSERT_EQUAL(kt_wait(&b), 0);
}

static void death_closes_the_handles(void) {
  const char *name = kt_name("conform-death");
  kt_proc a, b, c;
  CU_ASSERT_FATAL(peer(&a, app_session(), -1));
  CU_ASSERT_FATAL(peer(&b, app_session(), -1));
  step(&a, "death", "A creates nsD", "handle, 0", "create %s 4096 rw -", name);
  step(&a, "death", "A writes", "ok", "write before-the-kill");
  step(&b, "death", "B opens nsD", "handle", "open %s read", name);
  kt_kill(&a);
  step(&b, "death", "after A is killed, B still reads it", "before-the-kill", "read");
  kt_kill(&b);
  CU_ASSERT_FATAL(peer(&c, app_session(), -1));
  step(&c, "death", "every holder killed: C opens nsD", "NULL, 2", "open %s all", name);
  CU_ASSERT_EQUAL(kt_wait(&c), 0);
}

static void service_and_app(void) {
  const char *x = kt_name("conform-svc");
  kt_proc service, app;
  CU_ASSERT_FATAL(peer(&service, 0, -1));
  CU_ASSERT_FATAL(peer(&app, 1, -1));
  step(&service, "14", "a session-0 service creates bare X", "handle, 0", "create %s 4096 rw -", x);
  step(&service, "14", "the service creates Global\\X: the same object", "handle, 183",
       "create Global\\%s 4096 rw -", x);
  step(&service, "14", "the service writes", "ok", "write from-the-service");
  step(&app, "17", "a session-1 app opens bare X", "NULL, 2", "open %s all", x);
  step(&app, "17", "the app opens Global\\X", "handle", "open Global\\%s read", x);
  step(&app, "17", "the app reads the service's data", "from-the-service", "read");
  CU_ASSERT_EQUAL(kt_wait(&app), 0);
  CU_ASSERT_EQUAL(kt_wait(&service), 0);
}

/* A named section of a file made by a session-0 service and read by a session-1 app, by name:
 * the app needs nothing of the file but its name. */
static void a_file_shared_across_sessions(void) {
  const char *x = kt_name("conform-fsess");
  char path[256];
  snprintf(path, sizeof path, "%s.dat", x);
  kt_proc service, app;
  CU_ASSERT_FATAL(peer(&service, 0, -1));
  CU_ASSERT_FATAL(peer(&app, 1, -1));
  step(&service, "fsess", "a service maps a file as Global\\X", "handle, 0",
       "filemap %s Global\\%s 4096", path, x);
  step(&service, "fsess", "and writes through a view", "ok", "write into-the-file");
  step(&app, "fsess", "an app in session 1 opens Global\\X", "handle", "open Global\\%s read", x);
  step(&app, "fsess", "and reads the file's bytes", "into-the-file", "read");
  CU_ASSERT_EQUAL(kt_wait(&app), 0);
  CU_ASSERT_EQUAL(kt_wait(&service), 0);
  CU_ASSERT_EQUAL(kobjns_file_delete(path), 0);
}

static void sessions_are_isolated(void) {
  const char *name = kt_name("conform-iso");
  kt_proc one, two;
  CU_ASSERT_FATAL(peer(&one, 1, -1));
  CU_ASSERT_FATAL(peer(&two, 2, -1));
  step(&one, "iso", "session 1 creates Local\\iso", "handle, 0", "create Local\\%s 4096 rw -",
       name);
  step(&one, "iso", "session 1 writes", "ok", "write from-session-1");
  step(&two, "iso", "session 2 creates Local\\iso: its own object", "handle, 0",
       "create Local\\%s 4096 rw -", name);
  step(&two, "iso", "which is zero-filled", "", "read");
  step(&two, "iso", "session 2 opens Session\\1\\iso", "handle", "open Session\\1\\%s read", name);
  step(&two, "iso", "and reads session 1's data", "from-session-1", "read");
  CU_ASSERT_EQUAL(kt_wait(&two), 0);
  CU_ASSERT_EQUAL(kt_wait(&one), 0);
}

static void session_ids(void) {
  static const uint32_t sessions[] = {0, 1, 2};
  for (size_t i = 0; i < 3; i++) {
    kt_proc p;
    CU_ASSERT_FATAL(peer(&p, sessions[i], -1));
    char what[64], want[32];
    snprintf(what, sizeof what, "ProcessIdToSessionId in session %u", (unsigned)sessions[i]);
    snprintf(want, sizeof want, "session %u", (unsigned)sessions[i]);
    step(&p, "49s", what, want, "session");
    CU_ASSERT_EQUAL(kt_wait(&p), 0);
  }
}

/* A private namespace seen from three processes: its objects are named through the alias once
 * a process has opened the namespace (3 before), and a destroyed one is found no more (2) while
 * its objects work on. */
static void a_private_namespace_in_two_processes(void) {
  const char *bd = kt_name("conform-bd"), *alias = kt_name("conform-pns");
  kt_proc a, b, c;
  CU_ASSERT_FATAL(peer(&a, app_session(), -1));
  CU_ASSERT_FATAL(peer(&b, app_session(), -1));
  step(&a, "pns", "A creates the namespace", "handle", "nscreate %s %s", bd, alias);
  step(&a, "pns", "A creates alias\\map in it", "handle, 0", "create %s\\map 4096 rw -", alias);
  step(&a, "pns", "A writes", "ok", "write from-A");
  step(&b, "pns", "B opens alias\\map before it opens the namespace", "NULL, 3",
       "open %s\\map read", alias);
  step(&b, "pns", "B creates the namespace: it exists", "NULL, 183", "nscreate %s %s", bd, alias);
  step(&b, "pns", "B opens the namespace", "handle", "nsopen %s %s", bd, alias);
  step(&b, "pns", "B opens alias\\map", "handle", "open %s\\map read", alias);
  step(&b, "pns", "B reads A's data", "from-A", "read");
  step(&a, "pns", "A destroys the namespace", "ok", "nsdestroy");
  CU_ASSERT_FATAL(peer(&c, app_session(), -1));
  step(&c, "pns", "C opens the destroyed namespace", "NULL, 2", "nsopen %s %s", bd, alias);
  step(&a, "pns", "A writes after the destroy", "ok", "write after-the-destroy");
  step(&b, "pns", "B reads it", "after-the-destroy", "read");
  kt_proc *peers[] = {&a, &b, &c};
  for (int i = 0; i < 3; i++) CU_ASSERT_EQUAL(kt_wait(peers[i]), 0);
}

#ifndef _WIN32 /* other users are POSIX uids */
static void another_user(void) {
  const char *x = kt_name("conform-userA");
  kt_proc a, b;
  CU_ASSERT_FATAL(peer(&a, 0, USER_A)); /* a service running as user A */
  CU_ASSERT_FATAL(peer(&b, 2, USER_B)); /* user B, an app in another session */
  step(&a, "43", "user A creates Global\\x with no descriptor", "handle, 0",
       "create Global\\%s 4096 rw -", x);
  step(&b, "43", "user B opens Global\\x for reading", "NULL, 5", "open Global\\%s read", x);
  step(&b, "13", "user B, without the privilege, creates Global\\nsG2", "NULL, 5",
       "create Global\\%s 4096 rw -", kt_name("conform-nsG2"));
  step(&b, "22", "user B, without the privilege, creates Session\\0\\x", "NULL, 5",
       "create Session\\0\\%s 4096 rw -", kt_name("conform-s0"));
  /* Row 51: the privilege is for file mappings only. */
  step(&b, "51u", "user B, without the privilege, creates mutex Global\\m", "handle, 0",
       "sync Global\\%s mutex", kt_name("conform-m51"));
  step(&b, "51u", "user B, without the privilege, creates event Global\\e", "handle, 0",
       "sync Global\\%s event", kt_name("conform-e51"));
  step(&b, "51u", "user B, without the privilege, creates semaphore Global\\s", "handle, 0",
       "sync Global\\%s semaphore", kt_name("conform-s51"));
  CU_ASSERT_EQUAL(kt_wait(&b), 0);
  CU_ASSERT_EQUAL(kt_wait(&a), 0);
}
#endif

/* --- the transcript, and the comparison with the other platform's ---------------------------- */

static void write_transcript(void) {
  const char *path = getenv("KOBJNS_CONFORMANCE_TRANSCRIPT");
  if (!path) {
    printf("  no KOBJNS_CONFORMANCE_TRANSCRIPT: the transcript is not kept\n");
    return;
  }
  FILE *f = fopen(path, "w");
  CU_ASSERT_PTR_NOT_NULL_FATAL(f);
  for (size_t i = 0; i < entries; i++)
    fprintf(f, "%s\t%s\t%s\n", transcript[i].row, transcript[i].what, transcript[i].observed);
  CU_ASSERT_EQUAL(fclose(f), 0);
  printf("  transcript: %zu cases in %s\n", entries, path);
}

static const entry *find(const entry *list, size_t n, const char *row, const char *what) {
  for (size_t i = 0; i < n; i++)
    if (!strcmp(list[i].row, row) && !strcmp(list[i].what, what)) return &list[i];
  return NULL;
}

/* Every case both platforms played gives the same answer; the rows Wine cannot show are left
 * out (their reason is in wine-differences.txt); a case played on one side only (natively
 * without root, say, rows 12-19 need an administrator) is reported. */
static void same_answers_as_the_native_run(void) {
  const char *path = getenv("KOBJNS_CONFORMANCE_PEER");
  FILE *f = fopen(path, "r");
  if (!f) fprintf(stderr, "\n  cannot read %s (KOBJNS_CONFORMANCE_PEER)", path);
  CU_ASSERT_PTR_NOT_NULL_FATAL(f);
  entry *native = NULL;
  size_t n = 0, cap = 0, equal = 0, left_out = 0, one_side = 0;
  char line[1024];
  while (fgets(line, sizeof line, f)) {
    line[strcspn(line, "\r\n")] = '\0';
    char *what = strchr(line, '\t'), *observed = what ? strchr(what + 1, '\t') : NULL;
    if (!observed) continue;
    *what++ = '\0', *observed++ = '\0';
    if (n == cap) {
      cap = cap ? 2 * cap : 128;
      entry *bigger = realloc(native, cap * sizeof *bigger);
      CU_ASSERT_PTR_NOT_NULL_FATAL(bigger);
      native = bigger;
    }
    set_entry(&native[n++], line, what, observed);
  }
  fclose(f);
  for (size_t i = 0; i < entries; i++) {
    const entry *here = &transcript[i];
    const entry *there = find(native, n, here->row, here->what);
    bool skipped_here = !strncmp(here->observed, "skip", 4);
    bool skipped_there = there && !strncmp(there->observed, "skip", 4);
    if (wine_cannot(here->row)) {
      left_out++;
    } else if (skipped_here && skipped_there) {
      continue; /* played by neither: each side printed why */
    } else if (!there) {
      fprintf(stderr, "\n  row %s, %s: played here, absent from the native transcript", here->row,
              here->what);
      CU_FAIL("a case is missing from one transcript");
    } else if (skipped_here || skipped_there) {
      one_side++;
      printf("  played on one side only: row %s, %s\n", here->row, here->what);
    } else if (strcmp(here->observed, there->observed)) {
      fprintf(stderr, "\n  row %s, %s: here \"%s\", natively \"%s\"", here->row, here->what,
              here->observed, there->observed);
      CU_FAIL("the two platforms answer differently");
    } else {
      equal++;
    }
  }
  for (size_t i = 0; i < n; i++)
    if (!find(transcript, entries, native[i].row, native[i].what) && !wine_cannot(native[i].row)) {
      fprintf(stderr, "\n  row %s, %s: played natively, absent here", native[i].row,
              native[i].what);
      CU_FAIL("a case is missing from one transcript");
    }
  printf("  compared: %zu cases equal, %zu left out (Wine cannot show them), %zu on one side\n",
         equal, left_out, one_side);
  CU_ASSERT(equal > 80);
  free(native);
}

static void free_transcript(void) { free(transcript); }

/* A case Wine cannot show is skipped there with the reason from wine-differences.txt. */
static void add(CU_pSuite s, const char *row, const char *name, void (*fn)(void), unsigned needs) {
  const char *wine = wine_cannot(row);
  if (!wine) {
    kt_add(s, name, fn, needs);
    return;
  }
  printf("SKIP: %s: Wine 8.0 cannot show it: %s\n", name, wine);
  CU_pTest test = fn ? CU_add_test(s, name, fn) : NULL;
  if (test) CU_set_test_active(test, CU_FALSE);
}

void kt_add_conformance(CU_pSuite s) {
  load_differences();
  atexit(free_transcript);
  add(s, "rows", "single-process rows (the conformance program)", single_process_rows, 0);
  add(s, "11", "another process of the session sees the data (row 11)",
      another_process_sees_the_data, 0);
  add(s, "death", "a killed process's handles are closed", death_closes_the_handles, 0);
  add(s, "52", "a release, a set, a post, a pulse go to the waiting process (rows 52-54, pulse)",
      waits_are_handed_over, 0);
  add(s, "14", "a session-0 service and a session-1 app (rows 14, 17)", service_and_app,
      KT_NEEDS_SESSIONS);
  add(s, "fsess", "a section of a file: a service maps it, an app in session 1 reads it",
      a_file_shared_across_sessions, KT_NEEDS_SESSIONS | KT_NEEDS_REOPEN);
  add(s, "iso", "two sessions, one Local\\ name, two objects", sessions_are_isolated,
      KT_NEEDS_SESSIONS);
  add(s, "49s", "ProcessIdToSessionId in sessions 0, 1 and 2 (row 49)", session_ids,
      KT_NEEDS_SESSIONS);
  add(s, "pns", "a private namespace: another process opens it and its objects by alias",
      a_private_namespace_in_two_processes, 0);
  add(s, "43", "another user (rows 13, 22, 43, 51)", KT_POSIX_ONLY(another_user),
      KT_NEEDS_ROOT | KT_NEEDS_SESSIONS);
  kt_add(s, "write the transcript", write_transcript, 0);
  if (getenv("KOBJNS_CONFORMANCE_PEER"))
    kt_add(s, "same answers as the native run", same_answers_as_the_native_run, 0);
  else
    printf(
        "SKIP: same answers as the native run: no transcript to compare with "
        "(tools/test gives the Wine leg the native one in KOBJNS_CONFORMANCE_PEER)\n");
}
