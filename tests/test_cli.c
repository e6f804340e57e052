/* The kobjns command: ls, stat, explain, gc, run as a separate program on objects this suite
 * makes, on both backends. explain's exit status is checked against what a real open answers. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#ifndef _WIN32
#include <unistd.h>
#endif

#include "kt.h"

#define RW "0x2"

/* Run the kobjns command with args (NULL-terminated); its stdout in out; its exit status. */
static int cli(char *out, size_t size, ...) {
  const char *program = getenv("KOBJNS_CLI");
  CU_ASSERT_PTR_NOT_NULL_FATAL(program);
  const char *args[16] = {0};
  va_list ap;
  va_start(ap, size);
  for (int i = 0; i < 15 && (args[i] = va_arg(ap, const char *)); i++) {
  }
  va_end(ap);
  int status = kt_run(program, args, out, size);
  CU_ASSERT_NOT_EQUAL(status, -1);
  return status;
}

/* The command runs "in session 1" (POSIX: KOBJNS_SESSION; Windows: it is already). */
static void cli_in_session(const char *session) {
#ifndef _WIN32
  setenv("KOBJNS_SESSION", session, 1);
#else
  (void)session;
#endif
}

/* The exit status explain promises for a status. */
static int exit_for(int status) { return status <= 254 ? status : 255; }

/* `"path":"<path with \ doubled>"` as the JSON has it. */
static void json_path(char *out, size_t size, const char *path) {
  size_t n = (size_t)snprintf(out, size, "\"path\":\"");
  for (; *path && n + 3 < size; path++) {
    if (*path == '\\') out[n++] = '\\';
    out[n++] = *path;
  }
  snprintf(out + n, size - n, "\"");
}

static char out[1 << 16];

/* Whether the last output holds `want`; prints the output when it does not. */
static bool has(const char *want) {
  if (strstr(out, want)) return true;
  fprintf(stderr, "\n  wanted \"%s\" in:\n%s\n", want, out);
  return false;
}

static void stat_describes_a_live_section(void) {
  kobjns_ctx *creator = kt_global_creator();
  const char *name = kt_prefixed("Global\\", "cli-stat");
  kobjns_section *s = NULL;
  KT_OK(kobjns_section_create(creator, name, 65536, KOBJNS_MAP_WRITE, "D:(A;;GA;;;SY)(A;;GR;;;WD)",
                              &s));
  CU_ASSERT_EQUAL(cli(out, sizeof out, "stat", name, "--json", NULL), 0);
  char want[512];
  json_path(want, sizeof want, kobjns_section_path(s));
  CU_ASSERT(has(want));
  CU_ASSERT(has("\"type\":\"Section\",\"session\":0,\"size\":65536"));
  CU_ASSERT(has(";;;WD)\""));
  CU_ASSERT(has("\"state\":\"live\",\"handles\":1"));
#ifndef _WIN32
  CU_ASSERT(has("\"sddl\":\"D:(A;;GA;;;SY)(A;;GR;;;WD)\""));
  snprintf(want, sizeof want, "\"pids\":[%d]", (int)getpid());
  CU_ASSERT(has(want));
  snprintf(want, sizeof want, "\"owner\":{\"uid\":%u", (unsigned)geteuid());
  CU_ASSERT(has(want));
#else
  CU_ASSERT(has("\"owner\":null,\"mode\":null")); /* owners are SIDs; no mode bits */
  CU_ASSERT(has("\"pids\":[]"));                  /* Windows does not say who holds it */
#endif
  /* Readable form: one "field: value" per line. */
  CU_ASSERT_EQUAL(cli(out, sizeof out, "stat", name, NULL), 0);
  CU_ASSERT(has("type:     Section\n"));
  CU_ASSERT(has("size:     64 KiB (65536 bytes)\n"));
  /* Resolved as a program in session 1 would: the bare name is not there. */
  const char *bare = strchr(name, '\\') + 1;
  CU_ASSERT_EQUAL(cli(out, sizeof out, "stat", bare, "--session", "1", NULL), 2);
  KT_OK(kobjns_section_close(s));
  CU_ASSERT_EQUAL(cli(out, sizeof out, "stat", name, NULL), 2); /* the name died with it */
  kobjns_ctx_free(creator);
}

static void ls_shows_global_and_own_session(void) {
  kobjns_ctx *creator = kt_global_creator(), *app = kt_ctx(1, false);
  kobjns_section *g = NULL, *mine = NULL;
  KT_OK(kobjns_section_create(creator, kt_prefixed("Global\\", "cli-ls-own-g"), 4096,
                              KOBJNS_MAP_WRITE, NULL, &g));
  KT_OK(kobjns_section_create(app, kt_name("cli-ls-own-1"), 4096, KOBJNS_MAP_WRITE, NULL, &mine));
  char want[2][512];
  json_path(want[0], sizeof want[0], kobjns_section_path(g));
  json_path(want[1], sizeof want[1], kobjns_section_path(mine));
  cli_in_session("1");
  CU_ASSERT_EQUAL(cli(out, sizeof out, "ls", "--json", NULL), 0);
  CU_ASSERT(has(want[0]));
  CU_ASSERT(has(want[1]));
  CU_ASSERT_EQUAL(cli(out, sizeof out, "ls", "--global", "--json", NULL), 0);
  CU_ASSERT(has(want[0]));
  CU_ASSERT_PTR_NULL(strstr(out, want[1]));
  CU_ASSERT_EQUAL(cli(out, sizeof out, "ls", "--session", "1", "--json", NULL), 0);
  CU_ASSERT_PTR_NULL(strstr(out, want[0]));
  CU_ASSERT(has(want[1]));
  CU_ASSERT(has("{\"path\":\"\\\\Sessions\\\\1\",\"type\":\"Session\""));
  cli_in_session("0");
  kobjns_section_close(g), kobjns_section_close(mine);
  kobjns_ctx_free(creator), kobjns_ctx_free(app);
}

static void ls_lists_what_a_session_reaches(void) {
  kobjns_ctx *service = kt_ctx(0, true), *app = kt_ctx(1, false), *other = kt_ctx(2, false);
  kobjns_section *g = NULL, *mine = NULL, *theirs = NULL;
  KT_OK(kobjns_section_create(service, kt_prefixed("Global\\", "cli-ls-g"), 4096, KOBJNS_MAP_WRITE,
                              NULL, &g));
  KT_OK(kobjns_section_create(app, kt_name("cli-ls-1"), 4096, KOBJNS_MAP_WRITE, NULL, &mine));
  KT_OK(kobjns_section_create(other, kt_name("cli-ls-2"), 4096, KOBJNS_MAP_WRITE, NULL, &theirs));
  char want[3][512];
  json_path(want[0], sizeof want[0], kobjns_section_path(g));
  json_path(want[1], sizeof want[1], kobjns_section_path(mine));
  json_path(want[2], sizeof want[2], kobjns_section_path(theirs));
  cli_in_session("1");
  CU_ASSERT_EQUAL(cli(out, sizeof out, "ls", "--json", NULL), 0);
  cli_in_session("0");
  CU_ASSERT(has(want[0]));
  CU_ASSERT(has(want[1]));
  CU_ASSERT_PTR_NULL(strstr(out, want[2])); /* session 2's namespace is not reachable as is */
  CU_ASSERT_EQUAL(cli(out, sizeof out, "ls", "--session", "2", "--json", NULL), 0);
  CU_ASSERT_PTR_NULL(strstr(out, want[0]));
  CU_ASSERT(has(want[2]));
  CU_ASSERT(has("\"path\":\"\\\\Sessions\\\\2\",\"type\":\"Session\""));
  CU_ASSERT_EQUAL(cli(out, sizeof out, "ls", "--all", "--json", NULL), 0);
  for (int i = 0; i < 3; i++) CU_ASSERT(has(want[i]));
  /* The table: a header, then one row per object, columns aligned. */
  CU_ASSERT_EQUAL(cli(out, sizeof out, "ls", "--all", NULL), 0);
  CU_ASSERT_EQUAL(strncmp(out, "PATH ", 5), 0);
  const char *type_column = strstr(out, "TYPE");
  CU_ASSERT_PTR_NOT_NULL_FATAL(type_column);
  size_t at = (size_t)(type_column - out), rows = 0;
  for (const char *line = strchr(out, '\n'); line && line[1]; line = strchr(line + 1, '\n')) {
    CU_ASSERT(strlen(line + 1) > at && line[at] == ' ' &&
              (!strncmp(line + 1 + at, "Section", 7) || !strncmp(line + 1 + at, "Session", 7)));
    rows++;
  }
  CU_ASSERT(rows >= 5); /* three sections, sessions 1 and 2 */
  CU_ASSERT_EQUAL(cli(out, sizeof out, "ls", "--global", "--all", NULL), 87);
  kobjns_section_close(g), kobjns_section_close(mine), kobjns_section_close(theirs);
  kobjns_ctx_free(service), kobjns_ctx_free(app), kobjns_ctx_free(other);
}

static void json_escapes_every_name(void) {
  kobjns_ctx *creator = kt_global_creator();
  kobjns_section *s = NULL;
  const char *name = kt_prefixed("Global\\", "cli\"quote\x01\x7f\xc3\xa9");
  KT_OK(kobjns_section_create(creator, name, 4096, KOBJNS_MAP_WRITE, NULL, &s));
  CU_ASSERT_EQUAL(cli(out, sizeof out, "stat", name, "--json", NULL), 0);
  CU_ASSERT(has("cli\\\"quote\\u0001\\u007f\xc3\xa9"));
  CU_ASSERT_EQUAL(cli(out, sizeof out, "ls", "--global", NULL), 0);
  CU_ASSERT(has("cli\"quote??\xc3\xa9")); /* the table shows no raw controls */
  kobjns_section_close(s);
  kobjns_ctx_free(creator);
}

/* A section whose every holder died: a child creates it and is killed. */
static void make_killed(const char *name) {
  kt_proc p;
  CU_ASSERT_FATAL(kt_spawn(&p, 1, -1));
  KT_STATUS(kt_cmd(&p, NULL, 0, "create %s 4096 " RW " -", name), 0);
  kt_kill(&p);
}

static void gc_removes_only_stale_objects(void) {
  kobjns_ctx *app = kt_ctx(1, false);
  const char *stale = kt_name("cli-stale"), *live = kt_name("cli-live");
  kobjns_section *held = NULL;
  KT_OK(kobjns_section_create(app, live, 4096, KOBJNS_MAP_WRITE, NULL, &held));
  make_killed(stale);
  if (!kt_sessions_simulated()) {
    /* Windows: the kernel deleted it with its process; nothing is ever stale. */
    CU_ASSERT_EQUAL(cli(out, sizeof out, "stat", stale, "--session", "1", NULL), 2);
    CU_ASSERT_EQUAL(cli(out, sizeof out, "gc", "--dry-run", NULL), 0);
    CU_ASSERT(has("0 stale objects would be removed"));
  } else {
    CU_ASSERT_EQUAL(cli(out, sizeof out, "stat", stale, "--session", "1", "--json", NULL), 0);
    CU_ASSERT(has("\"state\":\"stale\",\"handles\":0,\"pids\":[]"));
    /* A dry run names it and removes nothing. */
    CU_ASSERT_EQUAL(cli(out, sizeof out, "gc", "--dry-run", NULL), 0);
    CU_ASSERT(has("would remove Section \\Sessions\\1\\BaseNamedObjects\\"));
    CU_ASSERT(has("1 stale object would be removed"));
    CU_ASSERT_EQUAL(cli(out, sizeof out, "stat", stale, "--session", "1", NULL), 0);
    /* explain answers as an open would (2), without removing it either. */
    CU_ASSERT_EQUAL(cli(out, sizeof out, "explain", stale, "--session", "1", NULL), 2);
    CU_ASSERT(has("it is stale"));
    CU_ASSERT_EQUAL(cli(out, sizeof out, "stat", stale, "--session", "1", NULL), 0);
    /* The real run removes it, and only it. */
    CU_ASSERT_EQUAL(cli(out, sizeof out, "gc", "--json", NULL), 0);
    CU_ASSERT(has("\"count\":1,\"status\":0}"));
    CU_ASSERT_EQUAL(cli(out, sizeof out, "stat", stale, "--session", "1", NULL), 2);
  }
  CU_ASSERT_EQUAL(cli(out, sizeof out, "stat", live, "--session", "1", NULL), 0);
  CU_ASSERT_EQUAL(cli(out, sizeof out, "gc", NULL), 0);
  CU_ASSERT(has("0 stale objects removed"));
  CU_ASSERT_EQUAL(cli(out, sizeof out, "stat", live, "--session", "1", NULL), 0);
  kobjns_section_close(held);
  kobjns_ctx_free(app);
}

/* explain NAME in `session` for `access` exits with what kobjns_section_open() answers there. */
static void explain_agrees(const char *name, uint32_t session, const char *access_text,
                           unsigned access, const char *says) {
  kobjns_ctx *ctx = kt_ctx(session, false);
  kobjns_section *s = NULL;
  int want = kobjns_section_open(ctx, name, access, &s);
  if (s) kobjns_section_close(s);
  kobjns_ctx_free(ctx);
  char session_text[16];
  snprintf(session_text, sizeof session_text, "%u", (unsigned)session);
  int got = cli(out, sizeof out, "explain", name, "--session", session_text, "--access",
                access_text, NULL);
  if (got != exit_for(want) || !strstr(out, says))
    fprintf(stderr, "\n  explain %s (session %u, %s): exit %d, open says %d; wanted \"%s\" in:\n%s",
            name, (unsigned)session, access_text, got, want, says, out);
  CU_ASSERT_EQUAL(got, exit_for(want));
  CU_ASSERT(has(says));
}

static void explain_answers_as_an_open_would(void) {
  kobjns_ctx *creator = kt_global_creator();
  const char *global = kt_prefixed("Global\\", "cli-explain"), *bare = strchr(global, '\\') + 1;
  const char *readonly = kt_prefixed("Global\\", "cli-ro");
  kobjns_section *s = NULL, *ro = NULL;
  KT_OK(kobjns_section_create(creator, global, 4096, KOBJNS_MAP_WRITE, NULL, &s));
  KT_OK(kobjns_section_create(creator, readonly, 4096, KOBJNS_MAP_READ, NULL, &ro));
  explain_agrees(global, 1, "rw", KOBJNS_MAP_READ | KOBJNS_MAP_WRITE, "it exists");
  explain_agrees(bare, 1, "r", KOBJNS_MAP_READ, "reaches it as \"Global\\");
  if (kt_sessions_simulated()) explain_agrees(bare, 0, "r", KOBJNS_MAP_READ, "it exists");
  explain_agrees(readonly, 1, "r", KOBJNS_MAP_READ, "it exists");
  explain_agrees(readonly, 1, "w", KOBJNS_MAP_WRITE, "it exists");
  char missing_session[64];
  snprintf(missing_session, sizeof missing_session, "Session\\%u\\x",
           (unsigned)kt_unused_session());
  explain_agrees(missing_session, 1, "r", KOBJNS_MAP_READ, "that session does not exist");
  explain_agrees("\\x", 1, "r", KOBJNS_MAP_READ, "starts with '\\'");
  explain_agrees("Global\\", 1, "r", KOBJNS_MAP_READ, "empty component");
  explain_agrees("Global", 1, "r", KOBJNS_MAP_READ, "link or directory");
  explain_agrees(kt_name("cli-nothing"), 1, "r", KOBJNS_MAP_READ, "needs no privilege");
  explain_agrees(kt_prefixed("Global\\", "cli-nothing"), 1, "r", KOBJNS_MAP_READ,
                 "needs SeCreateGlobalPrivilege");
  if (kt_sessions_simulated()) { /* the model's own words: the descriptor and the protection */
    explain_agrees(global, 1, "r", KOBJNS_MAP_READ, "so the descriptor grants");
    explain_agrees(readonly, 1, "w", KOBJNS_MAP_WRITE, "created read-only");
  }
  /* JSON: the same answer, with the steps. */
  CU_ASSERT_EQUAL(cli(out, sizeof out, "explain", bare, "--session", "1", "--json", NULL), 2);
  CU_ASSERT(has("\"opened\":true,\"status\":2,\"status_name\":\"ERROR_FILE_NOT_FOUND\"}"));
  CU_ASSERT(has("\"object\":null,\"steps\":[\""));
  kobjns_section_close(s), kobjns_section_close(ro);
  kobjns_ctx_free(creator);
}

#ifndef _WIN32
/* As another user (root only): explain switches to that uid, as the app would be. */
static void explain_as_another_user(void) {
  kobjns_ctx *service = kt_ctx(0, true);
  const char *closed = kt_prefixed("Global\\", "cli-closed");
  const char *readable = kt_prefixed("Global\\", "cli-readable");
  kobjns_section *a = NULL, *b = NULL;
  KT_OK(kobjns_section_create(service, closed, 4096, KOBJNS_MAP_WRITE, NULL, &a));
  KT_OK(kobjns_section_create(service, readable, 4096, KOBJNS_MAP_WRITE,
                              "D:(A;;GA;;;SY)(A;;GR;;;WD)", &b));
  kt_proc app;
  CU_ASSERT_FATAL(kt_spawn(&app, 1, 65534));
  const struct {
    const char **name;
    const char *access_text, *access, *says;
  } cases[] = {{&closed, "r", "0x4", "does not grant read to nobody"},
               {&readable, "r", "0x4", "grants read to nobody"},
               {&readable, "rw", "0x6", "allows Everyone: read"}};
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    int want = kt_cmd(&app, NULL, 0, "open %s %s", *cases[i].name, cases[i].access);
    if (want == 0) kt_cmd(&app, NULL, 0, "close");
    int got = cli(out, sizeof out, "explain", *cases[i].name, "--session", "1", "--access",
                  cases[i].access_text, "--as-user", "nobody", NULL);
    CU_ASSERT_EQUAL(got, exit_for(want));
    CU_ASSERT(has(cases[i].says));
  }
  /* Stale objects: explain opens nothing (an open would remove them), yet answers as the open
   * would: 5 where the kernel keeps the user out of the file, else 2. */
  const char *stale_closed = kt_prefixed("Global\\", "cli-stale-closed");
  const char *stale_readable = kt_prefixed("Global\\", "cli-stale-readable");
  kt_proc dying;
  CU_ASSERT_FATAL(kt_spawn(&dying, 0, -1));
  KT_OK(kt_cmd(&dying, NULL, 0, "create %s 4096 0x2 -", stale_closed));
  KT_OK(kt_cmd(&dying, NULL, 0, "create %s 4096 0x2 D:(A;;GA;;;SY)(A;;GR;;;WD)", stale_readable));
  kt_kill(&dying);
  CU_ASSERT_EQUAL(
      cli(out, sizeof out, "explain", stale_closed, "--session", "1", "--as-user", "nobody", NULL),
      KOBJNS_ACCESS_DENIED);
  CU_ASSERT(has("it is stale"));
  CU_ASSERT_EQUAL(cli(out, sizeof out, "explain", stale_readable, "--session", "1", "--as-user",
                      "nobody", NULL),
                  KOBJNS_FILE_NOT_FOUND);
  /* ... which is what the real opens answer (the second removes the stale object). */
  KT_STATUS(kt_cmd(&app, NULL, 0, "open %s 0x4", stale_closed), KOBJNS_ACCESS_DENIED);
  KT_STATUS(kt_cmd(&app, NULL, 0, "open %s 0x4", stale_readable), KOBJNS_FILE_NOT_FOUND);
  kobjns_cleanup(NULL); /* root removes the one nobody could not */
  kt_cmd(&app, NULL, 0, "exit");
  kt_wait(&app);
  kobjns_section_close(a), kobjns_section_close(b);
  kobjns_ctx_free(service);
}

/* Why a 5 the descriptor does not explain was refused: the library's answer
 * (kobjns_open_explain), a planted object or the kernel's mode bits. */
static void explain_says_which_check_refused(void) {
  /* A user's object in Global\ that grants everyone everything: root refuses it (a plant). */
  const char *planted = kt_prefixed("Global\\", "cli-planted");
  kt_proc user;
  CU_ASSERT_FATAL(kt_spawn(&user, 0, 65534));
  KT_OK(kt_cmd(&user, NULL, 0, "create %s 4096 " RW " D:NO_ACCESS_CONTROL", planted));
  CU_ASSERT_EQUAL(cli(out, sizeof out, "explain", planted, "--session", "0", NULL),
                  KOBJNS_ACCESS_DENIED);
  CU_ASSERT(has("it could be a plant"));
  /* Root's object whose descriptor grants one user read: the kernel's mode bits (they give other
   * users no more than every user of the class is granted) keep that user out. */
  kobjns_ctx *service = kt_ctx(0, true);
  const char *one_user = kt_prefixed("Global\\", "cli-one-user");
  kobjns_section *s = NULL;
  KT_OK(kobjns_section_create(service, one_user, 4096, KOBJNS_MAP_WRITE,
                              "D:(A;;GA;;;SY)(A;;GR;;;S-1-22-1-65534)", &s));
  CU_ASSERT_EQUAL(
      cli(out, sizeof out, "explain", one_user, "--session", "1", "--as-user", "65534", NULL),
      KOBJNS_ACCESS_DENIED);
  CU_ASSERT(has("grants read to"));
  CU_ASSERT(has("but the kernel's mode bits"));
  KT_OK(kobjns_section_close(s));
  kobjns_ctx_free(service);
  kt_cmd(&user, NULL, 0, "exit");
  kt_wait(&user);
}

/* The same for mutexes and events: the child becomes the user and makes the typed open. */
static void explain_as_another_user_sync(void) {
  kobjns_ctx *service = kt_ctx(0, true);
  const char *closed = kt_prefixed("Global\\", "cli-uclosed");
  const char *open_to_all = kt_prefixed("Global\\", "cli-uopen");
  const char *wait_only = kt_prefixed("Global\\", "cli-uwait");
  kobjns_sync *a = NULL, *b = NULL, *c = NULL;
  KT_OK(kobjns_mutex_create(service, closed, 0, NULL, &a));
  KT_OK(kobjns_event_create(service, open_to_all, 1, 0, "D:(A;;GA;;;WD)", &b));
  /* Everyone may wait, nobody set: the kernel lets the user at the file (waiting writes its
   * state), the descriptor decides. */
  KT_OK(kobjns_event_create(service, wait_only, 1, 0, "D:(A;;GA;;;SY)(A;;GX;;;WD)", &c));
  kt_proc app;
  CU_ASSERT_FATAL(kt_spawn(&app, 1, 65534));
  const struct {
    const char **name;
    const char *command, *access_text, *access;
    int expected;
    const char *says;
  } cases[] = {
      {&closed, "mutexopen", "sync", "0x100000", KOBJNS_ACCESS_DENIED, "as a Mutex"},
      {&open_to_all, "eventopen", "modify", "0x2", 0, "allows Everyone: all access"},
      {&open_to_all, "eventopen", "all", "0x1f0003", 0, "as an Event for all access"},
      {&wait_only, "eventopen", "sync", "0x100000", 0, "allows Everyone: synchronize (wait)"},
      {&wait_only, "eventopen", "modify", "0x2", KOBJNS_ACCESS_DENIED, "for modify state?"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    int want = kt_cmd(&app, NULL, 0, "%s %s %s", cases[i].command, *cases[i].name, cases[i].access);
    if (want == 0) kt_cmd(&app, NULL, 0, "sclose");
    KT_STATUS(want, cases[i].expected);
    int got = cli(out, sizeof out, "explain", *cases[i].name, "--session", "1", "--access",
                  cases[i].access_text, "--as-user", "nobody", NULL);
    CU_ASSERT_EQUAL(got, exit_for(want));
    CU_ASSERT(has(cases[i].says));
  }
  kt_cmd(&app, NULL, 0, "exit");
  kt_wait(&app);
  kobjns_sync_close(a), kobjns_sync_close(b), kobjns_sync_close(c);
  kobjns_ctx_free(service);
}

#endif

/* The column of the table whose title is `title`, in the output's first line. */
static size_t column_of(const char *title) {
  const char *at = strstr(out, title);
  const char *eol = strchr(out, '\n');
  CU_ASSERT(at && eol && at < eol);
  return at && eol && at < eol ? (size_t)(at - out) : 0;
}

/* The table's row for `path` (a pointer into out), or NULL. */
static const char *row_of(const char *path) {
  size_t len = strlen(path);
  for (const char *line = out; line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL)
    if (!strncmp(line, path, len) && line[len] == ' ') return line;
  fprintf(stderr, "\n  no row for %s in:\n%s\n", path, out);
  return NULL;
}

/* Whether the table's row for `path` holds `cell` at the column titled `title`. */
static bool cell_is(const char *path, const char *title, const char *cell) {
  size_t at = column_of(title);
  const char *row = row_of(path);
  bool ok = row && !strncmp(row + at, cell, strlen(cell)) && row[at - 1] == ' ';
  if (row && !ok) fprintf(stderr, "\n  %s: %s is not \"%s\" in:\n%s\n", path, title, cell, out);
  return ok;
}

/* ls and stat show timers: their type, and whether they are signaled (POSIX: when they are due
 * and their period too; Windows does not keep that up to date for a reader). */
static void ls_and_stat_show_timers(void) {
  kobjns_ctx *app = kt_ctx(1, false);
  const char *name = kt_name("cli-timer");
  kobjns_sync *t = NULL;
  KT_OK(kobjns_timer_create(app, name, 1, NULL, &t));
  cli_in_session("1");
  CU_ASSERT_EQUAL(cli(out, sizeof out, "ls", NULL), 0);
  CU_ASSERT(cell_is(kobjns_sync_path(t), "TYPE", "Timer "));
  CU_ASSERT(cell_is(kobjns_sync_path(t), "OBJECT STATE",
                    kt_sessions_simulated() ? "not signaled, manual, not set " : "not signaled "));
  KT_OK(kobjns_timer_set(t, -600000000, 1000, NULL, NULL, 0)); /* in a minute, then every second */
  CU_ASSERT_EQUAL(cli(out, sizeof out, "stat", name, NULL), 0);
  CU_ASSERT(has(kt_sessions_simulated() ? "type:     Timer (not signaled, manual, due in "
                                        : "type:     Timer (not signaled)"));
  if (kt_sessions_simulated()) CU_ASSERT(has(" ms, every 1000 ms)\n"));
  KT_OK(kobjns_timer_set(t, 0, 0, NULL, NULL, 0));
  KT_OK(kobjns_wait(t, 1000));
  CU_ASSERT_EQUAL(cli(out, sizeof out, "stat", name, "--json", NULL), 0);
  CU_ASSERT(has("\"type\":\"Timer\""));
  CU_ASSERT(has(kt_sessions_simulated() ? "\"object_state\":\"signaled, manual, not set\""
                                        : "\"object_state\":\"signaled\""));
  cli_in_session("0");
  kobjns_sync_close(t);
  kobjns_ctx_free(app);
}

/* ls and stat show mutexes, events and semaphores with their type and what they are doing. */
static void ls_and_stat_show_sync_objects(void) {
  kobjns_ctx *app = kt_ctx(1, false);
  const char *mname = kt_name("cli-mutex"), *ename = kt_name("cli-event");
  const char *sname = kt_name("cli-sem");
  kobjns_sync *m = NULL, *e = NULL, *sem = NULL;
  KT_OK(kobjns_mutex_create(app, mname, 1, NULL, &m));
  KT_OK(kobjns_event_create(app, ename, 1, 1, "D:(A;;GA;;;WD)", &e));
  KT_OK(kobjns_semaphore_create(app, sname, 2, 5, NULL, &sem));
  char owned[64];
  snprintf(owned, sizeof owned, "owned by thread %lu", kt_thread_id());
  /* Windows before 10 and Wine do not say which thread owns a mutex. */
  const char *owned_shown = kt_sessions_simulated() ? owned : "owned";
  cli_in_session("1");
  CU_ASSERT_EQUAL(cli(out, sizeof out, "ls", NULL), 0);
  CU_ASSERT(cell_is(kobjns_sync_path(m), "TYPE", "Mutex "));
  CU_ASSERT(cell_is(kobjns_sync_path(m), "OBJECT STATE", owned_shown));
  CU_ASSERT(cell_is(kobjns_sync_path(e), "TYPE", "Event "));
  CU_ASSERT(cell_is(kobjns_sync_path(e), "OBJECT STATE", "signaled, manual reset "));
  CU_ASSERT(cell_is(kobjns_sync_path(sem), "TYPE", "Semaphore "));
  CU_ASSERT(cell_is(kobjns_sync_path(sem), "OBJECT STATE", "count 2 of 5 "));
  CU_ASSERT(cell_is(kobjns_sync_path(sem), "SIZE", "- "));
  CU_ASSERT(cell_is(kobjns_sync_path(sem), "STATE", "live "));
  /* JSON: the same, "object_state" next to the other fields ("state" is live/stale). */
  CU_ASSERT_EQUAL(cli(out, sizeof out, "ls", "--json", NULL), 0);
  char want[512];
  json_path(want, sizeof want, kobjns_sync_path(sem));
  CU_ASSERT(has(want));
  CU_ASSERT(has("\"type\":\"Semaphore\",\"session\":1,\"size\":0"));
  CU_ASSERT(has("\"object_state\":\"count 2 of 5\"}"));
  CU_ASSERT(has("\"object_state\":\"signaled, manual reset\"}"));
  snprintf(want, sizeof want, "\"object_state\":\"%s", owned_shown);
  CU_ASSERT(has(want));
  /* stat: the state after the type, and the descriptor in the type's own rights. */
  CU_ASSERT_EQUAL(cli(out, sizeof out, "stat", sname, NULL), 0);
  CU_ASSERT(has("type:     Semaphore (count 2 of 5)\n"));
  CU_ASSERT_PTR_NULL(strstr(out, "size:"));
  CU_ASSERT(has("security: "));
#ifndef _WIN32
  CU_ASSERT(has("security: D:(A;;GA;;;S-1-22-1-")); /* the default: the creator, SY, BA */
#endif
  CU_ASSERT_EQUAL(cli(out, sizeof out, "stat", mname, NULL), 0);
  snprintf(want, sizeof want, "type:     Mutex (%s", owned_shown);
  CU_ASSERT(has(want));
  CU_ASSERT_EQUAL(cli(out, sizeof out, "stat", ename, "--json", NULL), 0);
  CU_ASSERT(has("\"type\":\"Event\""));
  CU_ASSERT(has("\"state\":\"live\",\"handles\":1"));
#ifndef _WIN32
  CU_ASSERT(has("\"sddl\":\"D:(A;;GA;;;WD)\"")); /* GA: EVENT_ALL_ACCESS, not 0x1f0003 */
#endif
  /* The states move with the objects. */
  KT_OK(kobjns_mutex_release(m));
  KT_OK(kobjns_event_reset(e));
  KT_OK(kobjns_wait(sem, 0));
  CU_ASSERT_EQUAL(cli(out, sizeof out, "ls", NULL), 0);
  CU_ASSERT(cell_is(kobjns_sync_path(m), "OBJECT STATE", "free "));
  CU_ASSERT(cell_is(kobjns_sync_path(e), "OBJECT STATE", "not signaled, manual reset "));
  CU_ASSERT(cell_is(kobjns_sync_path(sem), "OBJECT STATE", "count 1 of 5 "));
  cli_in_session("0");
  kobjns_sync_close(m), kobjns_sync_close(e), kobjns_sync_close(sem);
  kobjns_ctx_free(app);
}

typedef enum { AS_SECTION, AS_MUTEX, AS_EVENT, AS_SEMAPHORE } open_as;

/* explain NAME [--access ACCESS] in session 1 exits with what the open of `as` answers there,
 * which must be `expected` (so that the case is the one meant), and says `says`. */
static void explain_sync_agrees(const char *name, const char *access_text, open_as as,
                                unsigned access, int expected, const char *says) {
  kobjns_ctx *ctx = kt_ctx(1, false);
  int want;
  if (as == AS_SECTION) {
    kobjns_section *s = NULL;
    want = kobjns_section_open(ctx, name, access, &s);
    if (s) kobjns_section_close(s);
  } else {
    kobjns_sync *o = NULL;
    want = as == AS_MUTEX   ? kobjns_mutex_open(ctx, name, access, &o)
           : as == AS_EVENT ? kobjns_event_open(ctx, name, access, &o)
                            : kobjns_semaphore_open(ctx, name, access, &o);
    if (o) kobjns_sync_close(o);
  }
  kobjns_ctx_free(ctx);
  KT_STATUS(want, expected);
  int got = access_text ? cli(out, sizeof out, "explain", name, "--session", "1", "--access",
                              access_text, NULL)
                        : cli(out, sizeof out, "explain", name, "--session", "1", NULL);
  if (got != exit_for(want) || !strstr(out, says))
    fprintf(stderr, "\n  explain %s (%s): exit %d, open says %d; wanted \"%s\" in:\n%s", name,
            access_text ? access_text : "default", got, want, says, out);
  CU_ASSERT_EQUAL(got, exit_for(want));
  CU_ASSERT(has(says));
}

static void explain_opens_the_type_the_name_holds(void) {
  kobjns_ctx *app = kt_ctx(1, false);
  const char *mname = kt_name("cli-xmutex"), *ename = kt_name("cli-xevent");
  const char *sname = kt_name("cli-xsem"), *secname = kt_name("cli-xsec");
  kobjns_sync *m = NULL, *e = NULL, *sem = NULL;
  kobjns_section *sec = NULL;
  KT_OK(kobjns_mutex_create(app, mname, 0, NULL, &m));
  /* Everyone may wait on the event (GX: SYNCHRONIZE), nobody may set it, not even its owner. */
  KT_OK(kobjns_event_create(app, ename, 1, 0, "D:(A;;GX;;;WD)", &e));
  KT_OK(kobjns_semaphore_create(app, sname, 1, 3, NULL, &sem));
  KT_OK(kobjns_section_create(app, secname, 4096, KOBJNS_MAP_WRITE, NULL, &sec));
  /* The type found gives the open, and by default the right to wait ("sync"). */
  explain_sync_agrees(mname, NULL, AS_MUTEX, KOBJNS_SYNCHRONIZE, 0,
                      "as a Mutex for synchronize (wait)?");
  explain_sync_agrees(mname, NULL, AS_MUTEX, KOBJNS_SYNCHRONIZE, 0, "it exists: a Mutex (free)");
  explain_sync_agrees(mname, "all", AS_MUTEX, KOBJNS_MUTEX_ALL_ACCESS, 0, "for all access?");
  explain_sync_agrees(ename, "sync", AS_EVENT, KOBJNS_SYNCHRONIZE, 0, "as an Event");
  explain_sync_agrees(ename, "modify", AS_EVENT, KOBJNS_EVENT_MODIFY_STATE, KOBJNS_ACCESS_DENIED,
                      "for modify state?");
  explain_sync_agrees(ename, "0x100002", AS_EVENT, 0x100002u, KOBJNS_ACCESS_DENIED,
                      "for access 0x100002?");
  explain_sync_agrees(ename, "1048576", AS_EVENT, KOBJNS_SYNCHRONIZE, 0, "synchronize");
  explain_sync_agrees(sname, "modify", AS_SEMAPHORE, KOBJNS_SEMAPHORE_MODIFY_STATE, 0,
                      "it exists: a Semaphore (count 1 of 3)");
  explain_sync_agrees(sname, NULL, AS_SEMAPHORE, KOBJNS_SYNCHRONIZE, 0, "as a Semaphore");
  /* A section's rights asked of a mutex, a mutex's of a section: the program calls the other
   * type's open, which answers 6. */
  explain_sync_agrees(mname, "r", AS_SECTION, KOBJNS_MAP_READ, KOBJNS_INVALID_HANDLE,
                      "held by another object type (Mutex)");
  explain_sync_agrees(secname, "sync", AS_MUTEX, KOBJNS_SYNCHRONIZE, KOBJNS_INVALID_HANDLE,
                      "held by another object type (Section)");
  explain_sync_agrees(secname, NULL, AS_SECTION, KOBJNS_MAP_READ, 0, "it exists: a Section");
  explain_sync_agrees(secname, "all", AS_SECTION, KOBJNS_MAP_ALL_ACCESS, 0, "for all access?");
  /* Nothing there: every open answers 2; for sync words, a mutex's. */
  explain_sync_agrees(kt_name("cli-xnothing"), "sync", AS_MUTEX, KOBJNS_SYNCHRONIZE,
                      KOBJNS_FILE_NOT_FOUND, "nothing named");
  /* A mutex needs no privilege in Global\ (row 51): only a section does. */
  explain_sync_agrees(kt_prefixed("Global\\", "cli-xnothing"), "sync", AS_MUTEX, KOBJNS_SYNCHRONIZE,
                      KOBJNS_FILE_NOT_FOUND, "needs no privilege");
  /* From session 1, the event in Global\ is found elsewhere, by its type. */
  kobjns_ctx *creator = kt_global_creator();
  const char *global = kt_prefixed("Global\\", "cli-xglobal"), *bare = strchr(global, '\\') + 1;
  kobjns_sync *g = NULL;
  KT_OK(kobjns_semaphore_create(creator, global, 0, 1, NULL, &g));
  explain_sync_agrees(bare, "sync", AS_MUTEX, KOBJNS_SYNCHRONIZE, KOBJNS_FILE_NOT_FOUND,
                      "(a Semaphore) exists: a program in this session reaches it as \"Global\\");
  /* JSON: which open answered, and the access as asked. */
  CU_ASSERT_EQUAL(cli(out, sizeof out, "explain", ename, "--session", "1", "--access", "modify",
                      "--json", NULL),
                  KOBJNS_ACCESS_DENIED);
  CU_ASSERT(has("\"access\":\"modify\",\"open_type\":\"Event\","));
  CU_ASSERT(has("\"type\":\"Event\""));
  CU_ASSERT(has("\"opened\":true,\"status\":5,\"status_name\":\"ERROR_ACCESS_DENIED\"}"));
  CU_ASSERT_EQUAL(cli(out, sizeof out, "explain", mname, "--session", "1", "--json", NULL), 0);
  CU_ASSERT(has("\"access\":\"sync\",\"open_type\":\"Mutex\","));
  kobjns_sync_close(g);
  kobjns_ctx_free(creator);
  kobjns_sync_close(m), kobjns_sync_close(e), kobjns_sync_close(sem);
  kobjns_section_close(sec);
  kobjns_ctx_free(app);
}

/* Mutexes, events and semaphores whose holders all died: stale (the mutex abandoned) until gc,
 * which removes them as it removes sections (by their lock). Windows deletes them at once. */
static void gc_removes_stale_sync_objects(void) {
  const char *mname = kt_name("cli-kmutex"), *sname = kt_name("cli-ksem");
  kt_proc p;
  CU_ASSERT_FATAL(kt_spawn(&p, 1, -1));
  KT_OK(kt_cmd(&p, NULL, 0, "mutex %s 1", mname));
  KT_OK(kt_cmd(&p, NULL, 0, "semaphore %s 4 9", sname));
  kt_kill(&p);
  if (!kt_sessions_simulated()) {
    CU_ASSERT_EQUAL(cli(out, sizeof out, "stat", mname, "--session", "1", NULL), 2);
    CU_ASSERT_EQUAL(cli(out, sizeof out, "gc", NULL), 0);
    CU_ASSERT(has("0 stale objects removed"));
    return;
  }
  CU_ASSERT_EQUAL(cli(out, sizeof out, "stat", mname, "--session", "1", "--json", NULL), 0);
  CU_ASSERT(has("\"type\":\"Mutex\""));
  CU_ASSERT(has("\"state\":\"stale\",\"handles\":0,\"pids\":[]"));
  CU_ASSERT(has("\"object_state\":\"abandoned\"}"));
  CU_ASSERT_EQUAL(cli(out, sizeof out, "stat", sname, "--session", "1", NULL), 0);
  CU_ASSERT(has("type:     Semaphore (count 4 of 9)\n"));
  CU_ASSERT(has("state:    stale"));
  /* explain answers as an open would (2), without removing anything. */
  CU_ASSERT_EQUAL(cli(out, sizeof out, "explain", mname, "--session", "1", NULL), 2);
  CU_ASSERT(has("it exists: a Mutex (abandoned)"));
  CU_ASSERT(has("it is stale"));
  CU_ASSERT_EQUAL(cli(out, sizeof out, "gc", "--dry-run", NULL), 0);
  CU_ASSERT(has("would remove Mutex \\Sessions\\1\\BaseNamedObjects\\"));
  CU_ASSERT(has("would remove Semaphore \\Sessions\\1\\BaseNamedObjects\\"));
  CU_ASSERT(has("2 stale objects would be removed"));
  CU_ASSERT_EQUAL(cli(out, sizeof out, "gc", "--json", NULL), 0);
  CU_ASSERT(has("\"object_state\":\"abandoned\"}"));
  CU_ASSERT(has("\"count\":2,\"status\":0}"));
  CU_ASSERT_EQUAL(cli(out, sizeof out, "stat", mname, "--session", "1", NULL), 2);
  CU_ASSERT_EQUAL(cli(out, sizeof out, "stat", sname, "--session", "1", NULL), 2);
}

static void usage_errors_are_87(void) {
  CU_ASSERT_EQUAL(cli(out, sizeof out, NULL), 87);
  CU_ASSERT_EQUAL(cli(out, sizeof out, "frobnicate", NULL), 87);
  CU_ASSERT_EQUAL(cli(out, sizeof out, "ls", "--session", "x", NULL), 87);
  CU_ASSERT_EQUAL(cli(out, sizeof out, "stat", NULL), 87);
  CU_ASSERT_EQUAL(cli(out, sizeof out, "explain", "x", "--access", "rx", NULL), 87);
  CU_ASSERT_EQUAL(cli(out, sizeof out, "explain", "x", "--access", "synchronize", NULL), 87);
  CU_ASSERT_EQUAL(cli(out, sizeof out, "explain", "x", "--access", "0x1g", NULL), 87);
  CU_ASSERT_EQUAL(cli(out, sizeof out, "explain", "x", "--access", "-1", NULL), 87);
  CU_ASSERT_EQUAL(cli(out, sizeof out, "gc", "extra", NULL), 87);
  CU_ASSERT_EQUAL(cli(out, sizeof out, "--help", NULL), 0);
  CU_ASSERT(has("usage: kobjns COMMAND"));
#ifdef _WIN32
  /* Windows: explain cannot become another user (run it as that user). */
  CU_ASSERT_EQUAL(cli(out, sizeof out, "explain", "x", "--as-user", "0", NULL), 50);
  CU_ASSERT_EQUAL(cli(out, sizeof out, "demo", NULL), 50); /* sessions are Windows' own */
#else
  if (!kt_is_root())                              /* switching users needs root: 1314, past 255 */
    CU_ASSERT_EQUAL(cli(out, sizeof out, "explain", "x", "--as-user", "root", NULL), 255);
#endif
}

#ifndef _WIN32
/* --- private namespaces (POSIX: each a directory of the object directory; Windows lists none) */

/* The boundary `name` with this process's user as its one SID (the SID into sid). */
static kobjns_boundary *my_boundary(const char *name, char *sid, size_t size) {
  snprintf(sid, size, "S-1-22-1-%u", (unsigned)geteuid());
  kobjns_boundary *b = NULL;
  KT_OK(kobjns_boundary_create(name, &b));
  if (b) KT_OK(kobjns_boundary_add_sid(b, sid));
  return b;
}

static void ls_and_stat_show_private_namespaces(void) {
  const char *alias = kt_name("cli-ns"), *bname = kt_name("cli-ns-b");
  char sid[32];
  kobjns_boundary *b = my_boundary(bname, sid, sizeof sid);
  kobjns_namespace *ns = NULL;
  KT_OK(kobjns_namespace_create(NULL, b, alias, NULL, &ns));
  char name[256], obj_path[512], dir_path[512], want[1024];
  snprintf(name, sizeof name, "%s\\obj", alias);
  kobjns_section *s = NULL;
  KT_OK(kobjns_section_create(NULL, name, 65536, KOBJNS_MAP_WRITE, NULL, &s));
  snprintf(obj_path, sizeof obj_path, "%s", kobjns_section_path(s));
  snprintf(dir_path, sizeof dir_path, "%s", obj_path);
  *strrchr(dir_path, '\\') = '\0';
  const char *id = dir_path + strlen("\\PrivateNamespaces\\");
  /* The namespace is a Directory, then its objects: every session reaches them. */
  CU_ASSERT_EQUAL(cli(out, sizeof out, "ls", "--json", NULL), 0);
  json_path(want, sizeof want, dir_path);
  snprintf(want + strlen(want), sizeof want - strlen(want), ",\"type\":\"Directory\"");
  CU_ASSERT(has(want));
  snprintf(want, sizeof want,
           "\"object_state\":\"ready; alias \\\"%s\\\"; boundary \\\"%s\\\" {%s}\"", alias, bname,
           sid);
  CU_ASSERT(has(want));
  snprintf(want, sizeof want, "\"private_namespace\":\"%s\",\"native\"", id);
  CU_ASSERT(has(want));
  json_path(want, sizeof want, obj_path);
  CU_ASSERT(has(want));
  CU_ASSERT_EQUAL(cli(out, sizeof out, "ls", "--namespaces", "--json", NULL), 0);
  CU_ASSERT(has(want));
  CU_ASSERT_PTR_NULL(strstr(out, "\"private_namespace\":\"\"")); /* only the namespaces' */
  CU_ASSERT_EQUAL(cli(out, sizeof out, "ls", "--global", "--json", NULL), 0);
  CU_ASSERT_PTR_NULL(strstr(out, want));
  CU_ASSERT_EQUAL(cli(out, sizeof out, "ls", NULL), 0);
  CU_ASSERT(has("ready; alias \""));
  /* stat by path: the object, and the namespace itself; by its name, only in a process that has
   * the namespace open (3 here). */
  CU_ASSERT_EQUAL(cli(out, sizeof out, "stat", obj_path, "--json", NULL), 0);
  CU_ASSERT(has("\"type\":\"Section\",\"session\":0,\"size\":65536"));
  CU_ASSERT_EQUAL(cli(out, sizeof out, "stat", dir_path, NULL), 0);
  CU_ASSERT(has("type:     Directory (ready; alias \""));
  /* Held by this process (a count above 1 is possible: the fork that starts the command gives
   * its child a description of its own, held until the child's exec, which valgrind slows). */
  CU_ASSERT(has("state:    live, "));
  CU_ASSERT(has(" held by pid "));
  CU_ASSERT_EQUAL(cli(out, sizeof out, "stat", name, NULL), KOBJNS_PATH_NOT_FOUND);
  CU_ASSERT_EQUAL(cli(out, sizeof out, "stat", "\\PrivateNamespaces\\none", NULL), 2);
  KT_OK(kobjns_section_close(s));
  KT_OK(kobjns_namespace_close(ns, 0));
  CU_ASSERT_EQUAL(cli(out, sizeof out, "stat", dir_path, NULL), 2);
  kobjns_boundary_free(b);
}

/* gc: a namespace whose holder was killed goes with its stale object; a live one stays. */
static void gc_removes_dead_namespaces_only(void) {
  const char *dead = kt_name("cli-ns-dead"), *live = kt_name("cli-ns-live");
  const char *bname = kt_name("cli-ns-gc");
  char sid[32], live_obj[256];
  kobjns_boundary *b = my_boundary(bname, sid, sizeof sid);
  /* The live one first: this process's creates sweep a little in the background, which would
   * take the dead one before gc does. */
  kobjns_namespace *ns = NULL;
  KT_OK(kobjns_namespace_create(NULL, b, live, NULL, &ns));
  snprintf(live_obj, sizeof live_obj, "%s\\y", live);
  kobjns_section *s = NULL;
  KT_OK(kobjns_section_create(NULL, live_obj, 4096, KOBJNS_MAP_WRITE, NULL, &s));
  kt_proc p; /* in session 0: a session's marker would be left stale too */
  CU_ASSERT_FATAL(kt_spawn(&p, 0, -1));
  KT_OK(kt_cmd(&p, NULL, 0, "nscreate %s %s %s -", bname, sid, dead));
  KT_OK(kt_cmd(&p, NULL, 0, "create %s\\x 4096 " RW " -", dead));
  kt_kill(&p);
  CU_ASSERT_EQUAL(cli(out, sizeof out, "gc", "--dry-run", NULL), 0);
  CU_ASSERT(has("would remove Section \\PrivateNamespaces\\"));
  CU_ASSERT(has("would remove Directory \\PrivateNamespaces\\"));
  CU_ASSERT(has("2 stale objects would be removed"));
  CU_ASSERT_EQUAL(cli(out, sizeof out, "gc", "--json", NULL), 0);
  CU_ASSERT(has("\"type\":\"Directory\""));
  CU_ASSERT(has("\"count\":2,\"status\":0}"));
  CU_ASSERT_EQUAL(cli(out, sizeof out, "gc", NULL), 0);
  CU_ASSERT(has("0 stale objects removed"));
  /* The live namespace and its object are whole. */
  KT_OK(kobjns_namespace_explain(NULL, b, live, NULL));
  kobjns_section *again = NULL;
  KT_OK(kobjns_section_open(NULL, live_obj, KOBJNS_MAP_READ, &again));
  KT_OK(kobjns_section_close(again));
  kobjns_denial why = KOBJNS_DENIAL_NONE;
  KT_STATUS(kobjns_namespace_explain(NULL, b, dead, &why), KOBJNS_FILE_NOT_FOUND);
  KT_OK(kobjns_section_close(s));
  KT_OK(kobjns_namespace_close(ns, 0));
  kobjns_boundary_free(b);
}

/* explain --namespace: the answer of the namespace's open, and which case it was. */
static void explain_says_why_a_namespace_does_not_open(void) {
  const char *alias = kt_name("cli-ns-why"), *bname = kt_name("cli-ns-why-b");
  char sid[32];
  kobjns_boundary *b = my_boundary(bname, sid, sizeof sid);
  CU_ASSERT_EQUAL(cli(out, sizeof out, "explain", "--namespace", alias, "--boundary", bname,
                      "--sid", sid, NULL),
                  KOBJNS_FILE_NOT_FOUND);
  CU_ASSERT(has("no namespace of that boundary and alias is open anywhere"));
  kobjns_namespace *first = NULL, *second = NULL;
  KT_OK(kobjns_namespace_create(NULL, b, alias, NULL, &first));
  CU_ASSERT_EQUAL(cli(out, sizeof out, "explain", "--namespace", alias, "--boundary", bname,
                      "--sid", sid, "--json", NULL),
                  0);
  CU_ASSERT(
      has("\"opened\":true,\"status\":0,\"status_name\":\"ERROR_SUCCESS\",\"reason\":\"none\"}"));
  /* Another boundary (no SID) is another namespace. */
  CU_ASSERT_EQUAL(cli(out, sizeof out, "explain", "--namespace", alias, "--boundary", bname, NULL),
                  KOBJNS_FILE_NOT_FOUND);
  /* Destroyed while a handle still holds it. */
  KT_OK(kobjns_namespace_open(NULL, b, alias, &second));
  KT_OK(kobjns_namespace_close(first, KOBJNS_NAMESPACE_DESTROY));
  CU_ASSERT_EQUAL(cli(out, sizeof out, "explain", "--namespace", alias, "--boundary", bname,
                      "--sid", sid, "--json", NULL),
                  KOBJNS_FILE_NOT_FOUND);
  CU_ASSERT(has("\"reason\":\"destroyed\"}"));
  CU_ASSERT(has("it was destroyed"));
  KT_OK(kobjns_namespace_close(second, 0));
  if (kt_is_root()) { /* root's namespace: the kernel's mode bits keep nobody out */
    KT_OK(kobjns_namespace_create(NULL, b, alias, NULL, &first));
    CU_ASSERT_EQUAL(cli(out, sizeof out, "explain", "--namespace", alias, "--boundary", bname,
                        "--sid", sid, "--as-user", "nobody", NULL),
                    KOBJNS_ACCESS_DENIED);
    CU_ASSERT(has("the kernel's mode bits on its directory"));
    KT_OK(kobjns_namespace_close(first, 0));
  }
  /* A name inside one: only a process that has the namespace open reaches it. */
  char name[256];
  snprintf(name, sizeof name, "%s\\x", alias);
  CU_ASSERT_EQUAL(cli(out, sizeof out, "explain", name, NULL), KOBJNS_PATH_NOT_FOUND);
  CU_ASSERT(has("the alias of a private namespace"));
  /* Usage: a boundary is needed, no NAME, no --access; a SID kobjns does not know. */
  CU_ASSERT_EQUAL(cli(out, sizeof out, "explain", "--namespace", alias, NULL), 87);
  CU_ASSERT_EQUAL(
      cli(out, sizeof out, "explain", "x", "--namespace", alias, "--boundary", "b", NULL), 87);
  CU_ASSERT_EQUAL(cli(out, sizeof out, "explain", "--namespace", alias, "--boundary", "b",
                      "--access", "r", NULL),
                  87);
  CU_ASSERT_EQUAL(cli(out, sizeof out, "explain", "--namespace", alias, "--boundary", "b", "--sid",
                      "S-1-9-9", NULL),
                  exit_for(KOBJNS_INVALID_SID));
  CU_ASSERT(has("the boundary cannot name \"S-1-9-9\""));
  kobjns_boundary_free(b);
  /* Where a fork() cannot give its child holds of its own (the generic platform: no reopen), a
   * namespace held across cli()'s fork is left stale by its last close, as objects are. */
  kobjns_cleanup(NULL);
}
#endif

void kt_add_cli(CU_pSuite s) {
  kt_add(s, "stat describes a live section", stat_describes_a_live_section,
         KT_NEEDS_SESSION1 | KT_NEEDS_CREATE_GLOBAL | KT_NEEDS_LOCK_TABLE);
  kt_add(s, "ls shows Global\\ and the session's own", ls_shows_global_and_own_session,
         KT_NEEDS_SESSION1 | KT_NEEDS_CREATE_GLOBAL);
  kt_add(s, "ls lists what a session reaches", ls_lists_what_a_session_reaches, KT_NEEDS_SESSIONS);
  kt_add(s, "--json escapes every name", json_escapes_every_name, KT_NEEDS_CREATE_GLOBAL);
  kt_add(s, "gc removes only stale objects", gc_removes_only_stale_objects,
         KT_NEEDS_SESSION1 | KT_NEEDS_LOCK_TABLE);
  kt_add(s, "explain answers as an open would", explain_answers_as_an_open_would,
         KT_NEEDS_SESSION1 | KT_NEEDS_CREATE_GLOBAL);
  kt_add(s, "explain --as-user switches to that user", KT_POSIX_ONLY(explain_as_another_user),
         KT_NEEDS_ROOT | KT_NEEDS_SESSIONS | KT_NEEDS_LOCK_TABLE);
  kt_add(s, "ls and stat show mutexes, events and semaphores and their state",
         ls_and_stat_show_sync_objects, KT_NEEDS_SESSION1 | KT_NEEDS_LOCK_TABLE);
  kt_add(s, "ls and stat show timers: type, signaled, due time and period", ls_and_stat_show_timers,
         KT_NEEDS_SESSION1);
  kt_add(s, "explain opens the type the name holds, with --access sync|modify|all|N",
         explain_opens_the_type_the_name_holds, KT_NEEDS_SESSION1 | KT_NEEDS_CREATE_GLOBAL);
  kt_add(s, "gc removes stale mutexes and semaphores (the mutex abandoned)",
         gc_removes_stale_sync_objects, KT_NEEDS_SESSION1 | KT_NEEDS_LOCK_TABLE);
  kt_add(s, "explain --as-user makes the typed open as that user",
         KT_POSIX_ONLY(explain_as_another_user_sync), KT_NEEDS_ROOT | KT_NEEDS_SESSIONS);
  kt_add(s, "usage errors are 87", usage_errors_are_87, 0);
  kt_add(s, "explain says which check refused (a plant, the kernel's mode bits)",
         KT_POSIX_ONLY(explain_says_which_check_refused), KT_NEEDS_ROOT | KT_NEEDS_SESSIONS);
  kt_add(s, "ls and stat PATH show private namespaces and their objects (POSIX)",
         KT_POSIX_ONLY(ls_and_stat_show_private_namespaces),
         KT_NEEDS_SHM_FILES | KT_NEEDS_LOCK_TABLE);
  kt_add(s, "gc removes dead private namespaces, never a live one (POSIX)",
         KT_POSIX_ONLY(gc_removes_dead_namespaces_only),
         KT_NEEDS_SESSIONS | KT_NEEDS_SHM_FILES | KT_NEEDS_LOCK_TABLE);
  kt_add(s, "explain --namespace says why a namespace does not open (POSIX)",
         KT_POSIX_ONLY(explain_says_why_a_namespace_does_not_open), KT_NEEDS_SHM_FILES);
}
