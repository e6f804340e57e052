/* Sessions across processes: a service in session 0, apps in other sessions (rows 11, 14, 17,
 * 20), each process in the session KOBJNS_SESSION gives it. */
#include <stdlib.h>
#include <string.h>

#include "kt.h"

#define RW "0x2"
#define RD "0x4"

static void another_process_of_the_session(void) {
  kobjns_ctx *app = kt_ctx(1, false);
  const char *nsA = kt_name("nsA");
  kobjns_section *s = NULL;
  KT_OK(kobjns_section_create(app, nsA, 4096, KOBJNS_MAP_WRITE, NULL, &s));
  void *v = NULL;
  KT_OK(kobjns_section_map(s, KOBJNS_MAP_WRITE, 0, 0, &v));
  strcpy(v, "from-parent");
  kt_proc child;
  CU_ASSERT_FATAL(kt_spawn(&child, 1, -1));
  char reply[256];
  KT_STATUS(kt_cmd(&child, NULL, 0, "open %s " RD, nsA), 0); /* row 11 */
  KT_STATUS(kt_cmd(&child, reply, sizeof reply, "read"), 0);
  CU_ASSERT_STRING_EQUAL(reply, "0 from-parent");
  KT_STATUS(kt_cmd(&child, reply, sizeof reply, "session"), 0);
  CU_ASSERT_STRING_EQUAL(reply, "0 1");
  CU_ASSERT_EQUAL(kt_wait(&child), 0);
  kobjns_unmap(v);
  KT_OK(kobjns_section_close(s));
  kobjns_ctx_free(app);
}

static void service_and_app(void) {
  const char *x = kt_name("X");
  kt_proc service, app;
  CU_ASSERT_FATAL(kt_spawn(&service, 0, -1));
  CU_ASSERT_FATAL(kt_spawn(&app, 1, -1));
  KT_STATUS(kt_cmd(&service, NULL, 0, "create %s 4096 " RW " -", x), 0); /* row 14 */
  KT_STATUS(kt_cmd(&service, NULL, 0, "write from-service"), 0);
  KT_STATUS(kt_cmd(&app, NULL, 0, "open %s " RD, x), KOBJNS_FILE_NOT_FOUND); /* row 17 */
  KT_STATUS(kt_cmd(&app, NULL, 0, "open Global\\%s " RD, x), 0);
  char reply[256];
  kt_cmd(&app, reply, sizeof reply, "read");
  CU_ASSERT_STRING_EQUAL(reply, "0 from-service");
  /* The app cannot create in Global\ without the privilege; the service can. */
  KT_STATUS(kt_cmd(&app, NULL, 0, "priv 0"), 0);
  KT_STATUS(kt_cmd(&app, NULL, 0, "create Global\\%s.new 4096 " RW " -", x), KOBJNS_ACCESS_DENIED);
  KT_STATUS(kt_cmd(&app, NULL, 0, "create Global\\%s 4096 " RW " -", x), KOBJNS_ALREADY_EXISTS);
  KT_STATUS(kt_cmd(&service, NULL, 0, "priv 0"), 0); /* session 0 needs none anyway */
  KT_STATUS(kt_cmd(&service, NULL, 0, "create Global\\%s.svc 4096 " RW " -", x), 0);
  CU_ASSERT_EQUAL(kt_wait(&app), 0);
  CU_ASSERT_EQUAL(kt_wait(&service), 0);
}

static void sessions_are_isolated(void) {
  const char *name = kt_name("same");
  kt_proc a, b;
  CU_ASSERT_FATAL(kt_spawn(&a, 2, -1));
  CU_ASSERT_FATAL(kt_spawn(&b, 3, -1));
  KT_STATUS(kt_cmd(&a, NULL, 0, "create %s 4096 " RW " -", name), 0);
  KT_STATUS(kt_cmd(&a, NULL, 0, "write two"), 0);
  KT_STATUS(kt_cmd(&b, NULL, 0, "create %s 4096 " RW " -", name), 0); /* its own */
  KT_STATUS(kt_cmd(&b, NULL, 0, "write three"), 0);
  KT_STATUS(kt_cmd(&b, NULL, 0, "open Session\\2\\%s " RD, name), 0);
  char reply[256];
  kt_cmd(&b, reply, sizeof reply, "read");
  CU_ASSERT_STRING_EQUAL(reply, "0 two");
  CU_ASSERT_EQUAL(kt_wait(&a), 0);
  CU_ASSERT_EQUAL(kt_wait(&b), 0);
}

static void session_lives_with_its_processes(void) {
  uint32_t n = kt_unused_session();
  kobjns_ctx *app = kt_ctx(1, false);
  char name[64], path[256];
  snprintf(name, sizeof name, "Session\\%u\\x", (unsigned)n);
  KT_STATUS(kobjns_resolve(app, name, path, sizeof path, NULL), KOBJNS_PATH_NOT_FOUND);
  kt_proc member;
  CU_ASSERT_FATAL(kt_spawn(&member, n, -1));
  KT_STATUS(kt_cmd(&member, NULL, 0, "session"), 0); /* it has joined */
  KT_OK(kobjns_resolve(app, name, path, sizeof path, NULL));
  kt_kill(&member); /* even a killed member leaves the session */
  KT_STATUS(kobjns_resolve(app, name, path, sizeof path, NULL), KOBJNS_PATH_NOT_FOUND);
  CU_ASSERT_FATAL(kt_spawn(&member, n, -1));
  KT_STATUS(kt_cmd(&member, NULL, 0, "session"), 0);
  KT_OK(kobjns_resolve(app, name, path, sizeof path, NULL));
  CU_ASSERT_EQUAL(kt_wait(&member), 0);
  KT_STATUS(kobjns_resolve(app, name, path, sizeof path, NULL), KOBJNS_PATH_NOT_FOUND);
  kobjns_ctx_free(app);
}

#ifndef _WIN32
#include <unistd.h>

static int count_object(const kobjns_object *o, void *arg) {
  (void)o;
  ++*(int *)arg;
  return 0;
}

/* Resolving a name changes nothing: a killed member's stale marker is still there after a
 * resolve says the session is gone; kobjns_cleanup() removes it. */
static void resolving_removes_nothing(void) {
  uint32_t n = kt_unused_session();
  kobjns_ctx *app = kt_ctx(1, false);
  char name[64], path[256], marker[512];
  snprintf(name, sizeof name, "Session\\%u\\x", (unsigned)n);
  char prefix[64];
  kt_tree_prefix(getenv("KOBJNS_ROOT"), prefix, sizeof prefix);
  snprintf(marker, sizeof marker, "/dev/shm/%ssession.%u", prefix, (unsigned)n);
  kt_proc member;
  CU_ASSERT_FATAL(kt_spawn(&member, n, -1));
  KT_STATUS(kt_cmd(&member, NULL, 0, "session"), 0);
  kt_kill(&member);
  CU_ASSERT_EQUAL(access(marker, F_OK), 0);
  KT_STATUS(kobjns_resolve(app, name, path, sizeof path, NULL), KOBJNS_PATH_NOT_FOUND);
  int seen = 0;
  KT_STATUS(kobjns_object_query(app, name, count_object, &seen), KOBJNS_PATH_NOT_FOUND);
  CU_ASSERT_EQUAL(seen, 0);
  CU_ASSERT_EQUAL(access(marker, F_OK), 0); /* still there: nothing was removed */
  size_t removed = 0;
  KT_OK(kobjns_cleanup(&removed));
  CU_ASSERT(removed >= 1);
  CU_ASSERT_NOT_EQUAL(access(marker, F_OK), 0);
  kobjns_ctx_free(app);
}
#endif

/* KOBJNS_SESSION puts a process in a session on POSIX; on Windows, where Windows decides, a
 * process told to be in another session refuses to pretend (50). */
static void session_from_the_environment(void) {
  uint32_t other = kt_runner_session() + 1;
  kt_proc child;
  CU_ASSERT_FATAL(kt_spawn(&child, other, -1));
  char reply[256], want[64];
  int rc = kt_cmd(&child, reply, sizeof reply, "session");
  if (kt_sessions_simulated()) {
    KT_STATUS(rc, 0);
    snprintf(want, sizeof want, "0 %u", (unsigned)other);
    CU_ASSERT_STRING_EQUAL(reply, want);
    CU_ASSERT_EQUAL(kt_wait(&child), 0);
  } else {
    KT_STATUS(rc, KOBJNS_NOT_SUPPORTED);
    CU_ASSERT_EQUAL(kt_reap(&child), 1);
  }
}

#ifndef _WIN32
#include <sys/resource.h>

int kt_transient_main(const char *name) {
  struct rlimit saved, none;
  int lowest = dup(0); /* the lowest free descriptor: with the limit there, no open succeeds */
  if (lowest < 0 || getrlimit(RLIMIT_NOFILE, &saved) < 0) return 2;
  close(lowest);
  none = saved;
  none.rlim_cur = (rlim_t)lowest;
  kobjns_section *s = NULL;
  if (setrlimit(RLIMIT_NOFILE, &none) < 0) return 2;
  int first = kobjns_section_create(NULL, name, 4096, KOBJNS_MAP_WRITE, NULL, &s);
  if (setrlimit(RLIMIT_NOFILE, &saved) < 0) return 2;
  int second = kobjns_section_create(NULL, name, 4096, KOBJNS_MAP_WRITE, NULL, &s);
  printf("%d %d\n", first, second);
  if (s) kobjns_section_close(s);
  return 0;
}

/* The first call of a process meets a transient failure (its default context cannot be made: no
 * descriptor left): it says so (4), and the next call, once descriptors are back, succeeds. The
 * failure used to be kept for the life of the process. */
static void a_transient_first_failure_does_not_stay(void) {
  char out[64] = "";
  const char *args[] = {"--transient", kt_name("transient"), NULL};
  CU_ASSERT_EQUAL(kt_run(kt_self(), args, out, sizeof out), 0);
  CU_ASSERT_STRING_EQUAL(out, "4 0\n");
}
#endif

#ifndef _WIN32
/* What a context's listing shows of the run's trees: objects of tree `a`, of tree `b`, others. */
typedef struct trees_seen {
  char a[48], b[48]; /* "kobjns.<root>." (kt_tree_prefix) */
  unsigned in_a, in_b, liveness_wrong;
} trees_seen;

static int count_trees(const kobjns_object *o, void *arg) {
  trees_seen *t = arg;
  if (strstr(o->native, t->a)) t->in_a++;
  if (strstr(o->native, t->b)) t->in_b++;
  if ((int)o->liveness != o->stale) t->liveness_wrong++;
  return 0;
}

static trees_seen list_trees(const kobjns_ctx *ctx, const char *ra, const char *rb) {
  trees_seen t = {.in_a = 0};
  kt_tree_prefix(ra, t.a, sizeof t.a);
  kt_tree_prefix(rb, t.b, sizeof t.b);
  KT_OK(kobjns_object_list_ex(ctx, 0, count_trees, &t));
  CU_ASSERT_EQUAL(t.liveness_wrong, 0);
  return t;
}

static int query_found(const kobjns_object *o, void *arg) {
  (void)o;
  (*(int *)arg)++;
  return 0;
}

#endif

/* Two contexts of different trees of names (kobjns_ctx_set_root) never see each other's objects:
 * the same name is two objects, an open in the other tree is 2, listings, queries and sweeps
 * stay in their tree, and so do sessions. */
static void contexts_with_their_own_trees(void) {
  kobjns_ctx *a = NULL, *b = NULL;
  KT_OK(kobjns_ctx_new(&a));
  KT_OK(kobjns_ctx_new(&b));
  char ra[33], rb[33];
  snprintf(ra, sizeof ra, "kt%s-a", kt_run_id());
  snprintf(rb, sizeof rb, "kt%s-b", kt_run_id());
#ifdef _WIN32
  KT_STATUS(kobjns_ctx_set_root(a, ra), KOBJNS_NOT_SUPPORTED); /* one namespace: the kernel's */
  KT_STATUS(kobjns_ctx_set_root(a, "bad.root"), KOBJNS_INVALID_PARAMETER);
  kobjns_ctx_free(a);
  kobjns_ctx_free(b);
#else
  KT_OK(kobjns_ctx_set_root(a, ra));
  KT_OK(kobjns_ctx_set_root(b, rb));
  const char *name = kt_name("tree");
  kobjns_section *sa = NULL, *sb = NULL, *other = NULL;
  KT_OK(kobjns_section_create_ex(a, name, 4096, KOBJNS_MAP_WRITE, NULL, KOBJNS_CREATE_NEW, &sa));
  KT_OK(kobjns_section_create_ex(b, name, 4096, KOBJNS_MAP_WRITE, NULL, KOBJNS_CREATE_NEW, &sb));
  char *va = NULL, *vb = NULL;
  KT_OK(kobjns_section_map(sa, KOBJNS_MAP_WRITE, 0, 0, (void **)&va));
  KT_OK(kobjns_section_map(sb, KOBJNS_MAP_WRITE, 0, 0, (void **)&vb));
  strcpy(va, "tree a");
  CU_ASSERT_EQUAL(vb[0], 0); /* another object */
  /* The process's own tree has neither. */
  KT_STATUS(kobjns_section_open(NULL, name, KOBJNS_MAP_READ, &other), KOBJNS_FILE_NOT_FOUND);
  const char *mname = kt_name("treemx");
  kobjns_sync *m = NULL, *mo = NULL;
  KT_OK(kobjns_mutex_create(a, mname, 0, NULL, &m));
  KT_STATUS(kobjns_mutex_open(b, mname, KOBJNS_SYNCHRONIZE, &mo), KOBJNS_FILE_NOT_FOUND);
  KT_OK(kobjns_mutex_open(a, mname, KOBJNS_SYNCHRONIZE, &mo));
  KT_OK(kobjns_close(mo));
  /* Listings and queries. */
  trees_seen t = list_trees(a, ra, rb);
  CU_ASSERT(t.in_a >= 2);
  CU_ASSERT_EQUAL(t.in_b, 0);
  t = list_trees(b, ra, rb);
  CU_ASSERT_EQUAL(t.in_a, 0);
  CU_ASSERT(t.in_b >= 1);
  t = list_trees(NULL, ra, rb);
  CU_ASSERT_EQUAL(t.in_a + t.in_b, 0);
  int found = 0;
  KT_OK(kobjns_object_query(a, mname, query_found, &found));
  KT_STATUS(kobjns_object_query(b, mname, query_found, &found), KOBJNS_FILE_NOT_FOUND);
  CU_ASSERT_EQUAL(found, 1);
  size_t removed = 99;
  KT_OK(kobjns_cleanup_ex(a, KOBJNS_CLEANUP_DRY_RUN, NULL, NULL, &removed));
  CU_ASSERT_EQUAL(removed, 0); /* every object of it is held */
  KT_STATUS(kobjns_cleanup_ex(a, 2, NULL, NULL, &removed), KOBJNS_INVALID_PARAMETER);
  KT_STATUS(kobjns_object_list_ex(a, 1, query_found, &found), KOBJNS_INVALID_PARAMETER);
  /* Sessions exist per tree. */
  uint32_t session = kt_unused_session();
  char path[256];
  char sname[64];
  snprintf(sname, sizeof sname, "Session\\%u\\x", (unsigned)session);
  KT_OK(kobjns_ctx_set_session(a, session));
  KT_OK(kobjns_resolve(a, sname, path, sizeof path, NULL));
  KT_STATUS(kobjns_resolve(b, sname, path, sizeof path, NULL), KOBJNS_PATH_NOT_FOUND);
  KT_STATUS(kobjns_resolve(NULL, sname, path, sizeof path, NULL), KOBJNS_PATH_NOT_FOUND);
  /* A root refused changes nothing; a handle keeps the tree it was made in. */
  KT_STATUS(kobjns_ctx_set_root(a, "bad.root"), KOBJNS_INVALID_PARAMETER);
  KT_STATUS(kobjns_ctx_set_root(a, NULL), KOBJNS_INVALID_PARAMETER);
  KT_OK(kobjns_resolve(a, sname, path, sizeof path, NULL));
  KT_OK(kobjns_ctx_set_root(a, rb)); /* now b's tree: the session moves along */
  KT_OK(kobjns_resolve(b, sname, path, sizeof path, NULL));
  char global[128]; /* a's bare names are in its session now; the sections are in session 0's */
  snprintf(global, sizeof global, "Global\\%s", name);
  KT_STATUS(
      kobjns_section_create_ex(a, global, 4096, KOBJNS_MAP_WRITE, NULL, KOBJNS_CREATE_NEW, &other),
      KOBJNS_FILE_EXISTS); /* b's section */
  if (other) kobjns_close(other);
  CU_ASSERT_STRING_EQUAL(va, "tree a");
  KT_OK(kobjns_unmap(va));
  KT_OK(kobjns_unmap(vb));
  KT_OK(kobjns_close(sa));
  KT_OK(kobjns_close(sb));
  KT_OK(kobjns_close(m));
  kobjns_ctx_free(a);
  kobjns_ctx_free(b);
  /* Nothing of either tree is left: its session marker went with its last member. */
  KT_OK(kobjns_ctx_new(&a));
  KT_OK(kobjns_ctx_set_root(a, ra));
  t = list_trees(a, ra, rb);
  CU_ASSERT_EQUAL(t.in_a, 0);
  KT_OK(kobjns_ctx_set_root(a, rb));
  t = list_trees(a, ra, rb);
  CU_ASSERT_EQUAL(t.in_b, 0);
  kobjns_ctx_free(a);
#endif
}

static void session_of_a_context_or_the_process(void) {
  uint32_t session = UINT32_MAX, process = UINT32_MAX;
  KT_OK(kobjns_ctx_session(NULL, &process));
  CU_ASSERT_EQUAL(process, kt_runner_session());
  kobjns_ctx *c = NULL;
  KT_OK(kobjns_ctx_new(&c));
  KT_OK(kobjns_ctx_session(c, &session));
  CU_ASSERT_EQUAL(session, process);
  int held = -1, process_held = -2;
  KT_OK(kobjns_ctx_has_privilege(NULL, KOBJNS_PRIV_CREATE_GLOBAL, &process_held));
  KT_OK(kobjns_ctx_has_privilege(c, KOBJNS_PRIV_CREATE_GLOBAL, &held));
  CU_ASSERT_EQUAL(held, process_held);
  kobjns_ctx_free(c);
}

void kt_add_sessions(CU_pSuite s) {
  kt_add(s, "contexts with trees of names of their own (kobjns_ctx_set_root) never meet",
         contexts_with_their_own_trees, 0);
  kt_add(s, "kobjns_ctx_session and _has_privilege: a context's, or the process's for NULL",
         session_of_a_context_or_the_process, 0);
  kt_add(s, "KOBJNS_SESSION: a session on POSIX, 50 on Windows", session_from_the_environment, 0);
  kt_add(s, "another process of the session (row 11)", another_process_of_the_session,
         KT_NEEDS_SESSION1);
  kt_add(s, "service in session 0, app in session 1 (rows 13, 14, 17)", service_and_app,
         KT_NEEDS_SESSIONS);
  kt_add(s, "sessions are isolated", sessions_are_isolated, KT_NEEDS_SESSIONS);
  kt_add(s, "a session lives with its processes (row 20)", session_lives_with_its_processes,
         KT_NEEDS_SESSIONS);
  kt_add(s, "resolving a name removes nothing (a stale session marker stays)",
         KT_POSIX_ONLY(resolving_removes_nothing), KT_NEEDS_SESSIONS);
  kt_add(s, "a transient failure of a process's first call does not stay",
         KT_POSIX_ONLY(a_transient_first_failure_does_not_stay), KT_NEEDS_SHM_FILES);
}
