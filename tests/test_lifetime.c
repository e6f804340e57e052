/* Lifetime: a name lives exactly as long as some handle, in any process; a killed holder counts
 * as closed; views outlive the name. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifndef _WIN32
#include <grp.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#endif

#include "kt.h"

#define RW "0x2"
#define RD "0x4"

static void name_follows_handles_across_processes(void) {
  kobjns_ctx *app = kt_ctx(1, false);
  const char *name = kt_name("life");
  kt_proc a, b;
  CU_ASSERT_FATAL(kt_spawn(&a, 1, -1));
  CU_ASSERT_FATAL(kt_spawn(&b, 1, -1));
  KT_STATUS(kt_cmd(&a, NULL, 0, "create %s 4096 " RW " -", name), 0);
  KT_STATUS(kt_cmd(&a, NULL, 0, "write kept"), 0);
  KT_STATUS(kt_cmd(&b, NULL, 0, "open %s " RD, name), 0);
  CU_ASSERT_EQUAL(kt_wait(&a), 0); /* the creator leaves; b still holds it */
  kobjns_section *s = NULL;
  KT_OK(kobjns_section_open(app, name, KOBJNS_MAP_READ, &s));
  CU_ASSERT_EQUAL(kt_wait(&b), 0);
  void *v = NULL;
  KT_OK(kobjns_section_map(s, KOBJNS_MAP_READ, 0, 0, &v));
  CU_ASSERT_STRING_EQUAL(v, "kept");
  KT_OK(kobjns_section_close(s)); /* the last handle: the name goes, the view stays */
  KT_STATUS(kobjns_section_open(app, name, KOBJNS_MAP_READ, &s), KOBJNS_FILE_NOT_FOUND);
  CU_ASSERT_STRING_EQUAL(v, "kept");
  KT_OK(kobjns_unmap(v));
  kobjns_ctx_free(app);
}

static void killed_holder_counts_as_closed(void) {
  kobjns_ctx *app = kt_ctx(1, false);
  const char *name = kt_name("killed");
  kt_proc a;
  CU_ASSERT_FATAL(kt_spawn(&a, 1, -1));
  KT_STATUS(kt_cmd(&a, NULL, 0, "create %s 4096 " RW " -", name), 0);
  KT_STATUS(kt_cmd(&a, NULL, 0, "write stale"), 0);
  kt_kill(&a);
  kobjns_section *s = NULL;
  KT_STATUS(kobjns_section_open(app, name, KOBJNS_MAP_READ, &s), KOBJNS_FILE_NOT_FOUND);
  /* Creating again gives a new, zero-filled section, not the dead one. */
  CU_ASSERT_FATAL(kt_spawn(&a, 1, -1));
  KT_STATUS(kt_cmd(&a, NULL, 0, "create %s 4096 " RW " -", name), 0);
  KT_STATUS(kt_cmd(&a, NULL, 0, "write again"), 0);
  kt_kill(&a);
  KT_STATUS(kobjns_section_create(app, name, 8192, KOBJNS_MAP_WRITE, NULL, &s), 0);
  void *v = NULL;
  KT_OK(kobjns_section_map(s, KOBJNS_MAP_READ, 0, 0, &v));
  CU_ASSERT_EQUAL(((char *)v)[0], 0);
  uint64_t size = 0;
  kobjns_section_size(s, &size);
  CU_ASSERT_EQUAL(size, 8192);
  kobjns_unmap(v);
  KT_OK(kobjns_section_close(s));
  kobjns_ctx_free(app);
}

static void killed_holder_among_live_ones(void) {
  kobjns_ctx *app = kt_ctx(1, false);
  const char *name = kt_name("survivor");
  kt_proc a;
  CU_ASSERT_FATAL(kt_spawn(&a, 1, -1));
  KT_STATUS(kt_cmd(&a, NULL, 0, "create %s 4096 " RW " -", name), 0);
  KT_STATUS(kt_cmd(&a, NULL, 0, "write shared"), 0);
  kobjns_section *s = NULL, *t = NULL;
  KT_OK(kobjns_section_open(app, name, KOBJNS_MAP_READ, &s));
  kt_kill(&a);
  KT_OK(kobjns_section_open(app, name, KOBJNS_MAP_READ, &t)); /* still held by us */
  void *v = NULL;
  KT_OK(kobjns_section_map(t, KOBJNS_MAP_READ, 0, 0, &v));
  CU_ASSERT_STRING_EQUAL(v, "shared");
  kobjns_unmap(v);
  KT_OK(kobjns_section_close(s));
  KT_OK(kobjns_section_close(t));
  KT_STATUS(kobjns_section_open(app, name, KOBJNS_MAP_READ, &s), KOBJNS_FILE_NOT_FOUND);
  kobjns_ctx_free(app);
}

static void many_handles_one_process(void) {
  kobjns_ctx *app = kt_ctx(1, false);
  const char *name = kt_name("many");
  kobjns_section *h[32];
  KT_OK(kobjns_section_create(app, name, 4096, KOBJNS_MAP_WRITE, NULL, &h[0]));
  for (int i = 1; i < 32; i++) KT_OK(kobjns_section_open(app, name, KOBJNS_MAP_READ, &h[i]));
  for (int i = 0; i < 31; i++) KT_OK(kobjns_section_close(h[i])); /* the creator first */
  kobjns_section *s = NULL;
  KT_OK(kobjns_section_open(app, name, KOBJNS_MAP_READ, &s));
  KT_OK(kobjns_section_close(s));
  KT_OK(kobjns_section_close(h[31]));
  KT_STATUS(kobjns_section_open(app, name, KOBJNS_MAP_READ, &s), KOBJNS_FILE_NOT_FOUND);
  kobjns_ctx_free(app);
}

/* A fork()ed child closing the handles it got, or exiting, is not the last holder while its
 * parent holds them. */
#ifndef _WIN32
static void forked_child_leaves_parents_objects(void) {
  kobjns_ctx *app = kt_ctx(1, false);
  const char *name = kt_name("fork");
  kobjns_section *s = NULL, *t = NULL;
  KT_OK(kobjns_section_create(app, name, 4096, KOBJNS_MAP_WRITE, NULL, &s));
  fflush(NULL);
  pid_t pid = fork();
  if (pid == 0) {
    kobjns_section_close(s);
    kobjns_ctx_free(app);
    exit(0);
  }
  int st = 0;
  waitpid(pid, &st, 0);
  CU_ASSERT(WIFEXITED(st) && WEXITSTATUS(st) == 0);
  KT_OK(kobjns_section_open(app, name, KOBJNS_MAP_READ, &t));
  if (t) KT_OK(kobjns_section_close(t));
  KT_OK(kobjns_section_close(s));
  KT_STATUS(kobjns_section_open(app, name, KOBJNS_MAP_READ, &t), KOBJNS_FILE_NOT_FOUND);
  kobjns_ctx_free(app);
}

/* Tell a forked daemon to go (a byte on `go`), and wait until it has exited (EOF on `gone`, whose
 * write end only it kept). */
static void let_the_daemon_go(int go, int gone) {
  ssize_t ignored = write(go, "x", 1);
  (void)ignored;
  char byte;
  CU_ASSERT_EQUAL(read(gone, &byte, 1), 0);
  close(go);
  close(gone);
}

/* Daemonising: a process creates, forks, and exits normally; its exit closes what it holds, and
 * the child, which holds the object for itself since the fork, keeps the name alive. */
static void exiting_after_fork_leaves_the_name_to_the_child(void) {
  kobjns_ctx *app = kt_ctx(1, false);
  const char *name = kt_name("daemon");
  int go[2], gone[2];
  CU_ASSERT_FATAL(pipe(go) == 0 && pipe(gone) == 0);
  fflush(NULL);
  pid_t pid = fork();
  if (pid == 0) {
    kobjns_section *s = NULL;
    int rc = kobjns_section_create(app, name, 4096, KOBJNS_MAP_WRITE, NULL, &s);
    if (fork() == 0) { /* the daemon: holds the inherited handle until told to go */
      char byte;
      close(gone[0]);
      ssize_t ignored = read(go[0], &byte, 1);
      (void)ignored;
      kobjns_ctx_free(app);
      exit(0); /* gone[1] closes with it */
    }
    kobjns_ctx_free(app); /* the test's context, not the handle: that is the exit's to close */
    exit(rc);             /* returns through the library's destructor, which closes what is open */
  }
  close(go[0]);
  close(gone[1]);
  int st = 0;
  waitpid(pid, &st, 0);
  CU_ASSERT(WIFEXITED(st) && WEXITSTATUS(st) == 0);
  kobjns_section *t = NULL;
  KT_OK(kobjns_section_open(app, name, KOBJNS_MAP_READ, &t)); /* the daemon still holds it */
  if (t) KT_OK(kobjns_section_close(t));
  let_the_daemon_go(go[1], gone[0]);
  KT_STATUS(kobjns_section_open(app, name, KOBJNS_MAP_READ, &t), KOBJNS_FILE_NOT_FOUND);
  kobjns_ctx_free(app);
}

/* Whether the file of `name` exists: a name removed by its last holder has none; a stale one
 * (every holder gone, nobody removed it) still has. */
static bool file_exists(kobjns_ctx *ctx, const char *name) {
  char path[1024];
  kt_native_path(ctx, name, path, sizeof path);
  return access(path, F_OK) == 0;
}

/* The daemon pattern as services write it: create, fork(), and the parent closes its handles
 * and exits. Each process holds the object for itself (as an inherited handle on Windows): the
 * parent's close is not the last, so the name lives on with the child, and the child's last
 * close removes it, leaving nothing stale. */
static void daemon_parent_closes_then_exits(void) {
  kobjns_ctx *app = kt_ctx(1, false);
  const char *name = kt_name("daemonclose"), *event = kt_name("daemonevent");
  int go[2], gone[2];
  CU_ASSERT_FATAL(pipe(go) == 0 && pipe(gone) == 0);
  fflush(NULL);
  pid_t pid = fork();
  if (pid == 0) {
    kobjns_section *s = NULL;
    kobjns_sync *e = NULL;
    void *v = NULL;
    int rc = kobjns_section_create(app, name, 4096, KOBJNS_MAP_WRITE, NULL, &s);
    if (!rc) rc = kobjns_section_map(s, KOBJNS_MAP_WRITE, 0, 0, &v);
    if (!rc) strcpy(v, "from the parent");
    if (!rc) rc = kobjns_event_create(app, event, 1, 0, NULL, &e);
    if (!rc && fork() == 0) { /* the daemon: closes its handles when told to, then exits */
      char byte;
      close(gone[0]);
      ssize_t ignored = read(go[0], &byte, 1);
      (void)ignored;
      kobjns_section_close(s);
      kobjns_sync_close(e);
      kobjns_ctx_free(app);
      _exit(0); /* gone[1] closes with it */
    }
    if (!rc) rc = kobjns_section_close(s);
    if (!rc) rc = kobjns_sync_close(e);
    kobjns_ctx_free(app);
    exit(rc);
  }
  close(go[0]);
  close(gone[1]);
  int st = 0;
  waitpid(pid, &st, 0);
  CU_ASSERT(WIFEXITED(st) && WEXITSTATUS(st) == 0);
  kobjns_section *t = NULL;
  KT_OK(kobjns_section_open(app, name, KOBJNS_MAP_READ, &t)); /* the daemon holds it */
  void *v = NULL;
  if (t && !kobjns_section_map(t, KOBJNS_MAP_READ, 0, 0, &v)) {
    CU_ASSERT_STRING_EQUAL(v, "from the parent");
    KT_OK(kobjns_unmap(v));
  }
  if (t) KT_OK(kobjns_section_close(t));
  kobjns_sync *e = NULL;
  KT_OK(kobjns_event_open(app, event, KOBJNS_SYNCHRONIZE, &e));
  if (e) KT_OK(kobjns_sync_close(e));
  let_the_daemon_go(go[1], gone[0]);
  CU_ASSERT(!file_exists(app, name)); /* removed by the daemon's close: not stale */
  CU_ASSERT(!file_exists(app, event));
  KT_STATUS(kobjns_section_open(app, name, KOBJNS_MAP_READ, &t), KOBJNS_FILE_NOT_FOUND);
  kobjns_ctx_free(app);
}

/* After fork(), a process that exits holding an object is still its last holder once the child
 * is gone (whether the child closed its copies at exit or was killed): the exit removes the name,
 * leaving nothing stale. */
static void fork_then_exit_leaves_nothing_stale(void) {
  kobjns_ctx *app = kt_ctx(1, false);
  const char *names[2] = {kt_name("forkexit"), kt_name("forkkilled")};
  for (int killed = 0; killed < 2; killed++) {
    const char *name = names[killed];
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
      kobjns_section *s = NULL;
      kobjns_sync *m = NULL;
      int rc = kobjns_section_create(app, name, 4096, KOBJNS_MAP_WRITE, NULL, &s);
      char mutex[300];
      snprintf(mutex, sizeof mutex, "%s.mutex", name);
      if (!rc) rc = kobjns_mutex_create(app, mutex, 0, NULL, &m);
      pid_t child = rc ? -1 : fork();
      if (child == 0) {
        if (killed) pause(); /* until killed */
        exit(0);             /* the library's exit-time close: its own copies */
      }
      if (child > 0 && killed) kill(child, SIGKILL);
      if (child > 0) waitpid(child, NULL, 0);
      exit(rc); /* holding both: this exit is the last close */
    }
    int st = 0;
    waitpid(pid, &st, 0);
    CU_ASSERT(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    char mutex[300];
    snprintf(mutex, sizeof mutex, "%s.mutex", name);
    CU_ASSERT(!file_exists(app, name));
    CU_ASSERT(!file_exists(app, mutex));
  }
  kobjns_ctx_free(app);
}

/* What a user (not root: the kernel checks its access) holds whose file's mode refuses its own
 * handle's access to a new description: a session marker (0444) and a read-only section. The
 * child still gets holds of its own (for the lock alone), and the last closer, the child here,
 * removes each name: nothing is left stale. Run as nobody, a new program (--userholds). */
int kt_userholds_main(const char *ro, const char *rw, const char *session_text) {
  uint32_t session = (uint32_t)strtoul(session_text, NULL, 10);
  kobjns_ctx *member = NULL;
  kobjns_section *r = NULL, *w = NULL;
  if (kobjns_ctx_new(&member) || kobjns_ctx_set_session(member, session)) return 11;
  if (kobjns_section_create(NULL, ro, 4096, KOBJNS_MAP_READ, "D:(A;;GA;;;WD)", &r) ||
      kobjns_section_create(NULL, rw, 4096, KOBJNS_MAP_WRITE, NULL, &w))
    return 12;
  int go[2];
  if (pipe(go) < 0) return 13;
  fflush(NULL);
  pid_t pid = fork();
  if (pid == 0) { /* the last holder of all three: closes them when told to */
    char byte;
    close(go[1]);
    ssize_t ignored = read(go[0], &byte, 1);
    (void)ignored;
    int rc = kobjns_section_close(r) | kobjns_section_close(w);
    kobjns_ctx_free(member);
    exit(rc ? 14 : 0); /* the library's exit-time close: the default context's marker too */
  }
  int rc = kobjns_section_close(r) | kobjns_section_close(w);
  kobjns_ctx_free(member);
  close(go[0]);
  ssize_t ignored = write(go[1], "x", 1);
  (void)ignored;
  int st = 0;
  waitpid(pid, &st, 0);
  return rc ? 15 : WIFEXITED(st) ? WEXITSTATUS(st) : 16;
}

typedef struct stale_in {
  uint32_t session;
  unsigned count;
} stale_in;

/* Counts the stale objects of one session (others' may come from earlier tests' children). */
static int count_stale_in(const kobjns_object *o, void *arg) {
  stale_in *s = arg;
  if (o->session != s->session) return 0;
  fprintf(stderr, "\n  left stale: %s (%s)\n", o->path, o->type);
  s->count++;
  return 0;
}

static void a_users_child_holds_what_its_mode_refuses(void) {
  kobjns_ctx *app = kt_ctx(kt_runner_session(), false);
  const char *ro = kt_name("userro"), *rw = kt_name("userrw");
  uint32_t session = kt_unused_session() + 7;
  const char *program = kt_self_for(65534);
  char session_text[16];
  snprintf(session_text, sizeof session_text, "%u", (unsigned)session);
  fflush(NULL);
  pid_t pid = fork();
  if (pid == 0) { /* a new program as nobody: the library starts anew, as that user */
    setenv("KOBJNS_SESSION", "0", 1); /* its sections where `app` looks for them */
    if (setgroups(0, NULL) == 0 && setresgid(65534, 65534, 65534) == 0 &&
        setresuid(65534, 65534, 65534) == 0)
      execl(program, program, "--userholds", ro, rw, session_text, (char *)NULL);
    _exit(10);
  }
  int st = 0;
  waitpid(pid, &st, 0);
  CU_ASSERT(WIFEXITED(st));
  CU_ASSERT_EQUAL(WEXITSTATUS(st), 0);
  CU_ASSERT(!file_exists(app, ro));
  CU_ASSERT(!file_exists(app, rw));
  stale_in left = {.session = session};
  KT_OK(kobjns_cleanup_each(0, count_stale_in, &left, NULL));
  CU_ASSERT_EQUAL(left.count, 0); /* the session's marker was removed, not left stale */
  kobjns_ctx_free(app);
}

/* A forked child's context is a member of its session in its own right: the session lives on
 * with the child after the parent has left, as the child's handles do. */
static void forked_child_keeps_its_session(void) {
  uint32_t session = kt_unused_session();
  kobjns_ctx *app = kt_ctx(1, false);
  char probe[64];
  snprintf(probe, sizeof probe, "Session\\%u\\probe", (unsigned)session);
  int go[2], gone[2];
  CU_ASSERT_FATAL(pipe(go) == 0 && pipe(gone) == 0);
  fflush(NULL);
  pid_t pid = fork();
  if (pid == 0) {
    kobjns_ctx *member = kt_ctx(session, false);
    if (fork() == 0) { /* keeps the inherited context until told to go */
      char byte;
      close(gone[0]);
      ssize_t ignored = read(go[0], &byte, 1);
      (void)ignored;
      kobjns_ctx_free(member);
      _exit(0);
    }
    kobjns_ctx_free(member);
    _exit(0);
  }
  close(go[0]);
  close(gone[1]);
  waitpid(pid, NULL, 0);
  char path[512];
  /* Resolving a name under Session\<N>\ works only while the session exists (3 otherwise). */
  KT_OK(kobjns_resolve(app, probe, path, sizeof path, NULL));
  let_the_daemon_go(go[1], gone[0]);
  KT_STATUS(kobjns_resolve(app, probe, path, sizeof path, NULL), KOBJNS_PATH_NOT_FOUND);
  size_t removed = 99;
  KT_OK(kobjns_cleanup(&removed));
  CU_ASSERT_EQUAL(removed, 0); /* the marker went with the child: nothing stale */
  kobjns_ctx_free(app);
}

#endif

/* Stale objects (every holder killed) are swept by kobjns_cleanup(); live ones are never touched.
 * On Windows the kernel already deleted them: nothing to sweep. */
static void cleanup_removes_only_stale_objects(void) {
  kobjns_ctx *app = kt_ctx(1, false);
  const char *dead = kt_name("swept"), *live = kt_name("kept");
  kt_proc a;
  CU_ASSERT_FATAL(kt_spawn(&a, 1, -1));
  KT_STATUS(kt_cmd(&a, NULL, 0, "create %s 4096 " RW " -", dead), 0);
  KT_STATUS(kt_cmd(&a, NULL, 0, "create %s 4096 " RW " -", live), 0);
  kobjns_section *held = NULL;
  KT_OK(kobjns_section_open(app, live, KOBJNS_MAP_READ, &held));
  kt_kill(&a);
  size_t removed = 99;
  KT_OK(kobjns_cleanup(&removed));
#ifdef _WIN32
  CU_ASSERT_EQUAL(removed, 0);
#else
  char path[1024];
  kt_native_path(app, dead, path, sizeof path);
  CU_ASSERT(removed >= 1);                 /* ours; and any stale session marker of the run */
  CU_ASSERT_EQUAL(access(path, F_OK), -1); /* gone from /dev/shm */
  kt_native_path(app, live, path, sizeof path);
  CU_ASSERT_EQUAL(access(path, F_OK), 0);
#endif
  kobjns_section *s = NULL;
  KT_STATUS(kobjns_section_open(app, dead, KOBJNS_MAP_READ, &s), KOBJNS_FILE_NOT_FOUND);
  KT_OK(kobjns_section_open(app, live, KOBJNS_MAP_READ, &s)); /* still held by us */
  KT_OK(kobjns_section_close(s));
  KT_OK(kobjns_section_close(held));
  KT_OK(kobjns_cleanup(NULL));
  kobjns_ctx_free(app);
}

#ifndef _WIN32
/* A create that finds /dev/shm full of stale objects (a process died holding them) gets the room
 * back: the tree's stale objects are removed and the create is tried again, as Windows frees a
 * dead process's objects at its death. Played in a /dev/shm of 4 MiB of the child's own. */
static void a_full_shm_of_stale_objects_is_reclaimed(void) {
  kt_proc p;
  CU_ASSERT_FATAL(kt_spawn_small_shm(&p, kt_runner_session()));
  char reply[64] = "";
  int rc = kt_cmd(&p, reply, sizeof reply, "fillstale 262144");
  if (rc == -1000) { /* the kernel refused the mount */
    CU_ASSERT_EQUAL(kt_wait(&p), 77);
    return;
  }
  KT_OK(rc);
  unsigned made = 0;
  CU_ASSERT(sscanf(reply, "%*d %u", &made) == 1 && made > 0);
  KT_STATUS(kt_cmd(&p, NULL, 0, "create after-full 262144 " RW " -"), 0);
  CU_ASSERT_EQUAL(kt_wait(&p), 0);
}
#endif

#ifndef _WIN32
/* Counts the stale objects whose path contains arg's text. */
typedef struct stale_count {
  const char *text;
  unsigned n;
} stale_count;

static int count_stale(const kobjns_object *o, void *arg) {
  stale_count *c = arg;
  if (o->stale == 1 && strstr(o->path, c->text)) c->n++;
  return 0;
}

static unsigned stale_left(const char *text) {
  stale_count c = {text, 0};
  KT_OK(kobjns_object_list(count_stale, &c));
  return c.n;
}

/* What a killed process leaves goes by itself within seconds of anyone's ordinary use: 2 000
 * sections of a process killed holding them, and another process that opens a name every 5 ms;
 * within 10 s none is left, and nobody called kobjns_cleanup(). */
static void stale_objects_go_in_the_background(void) {
  enum { OBJECTS = 2000 };
  kt_proc dead;
  CU_ASSERT_FATAL(kt_spawn(&dead, kt_runner_session(), -1));
  const char *base = kt_name("bgstale");
  for (int i = 0; i < OBJECTS; i++)
    KT_STATUS(kt_cmd(&dead, NULL, 0, "create %s.%d 4096 " RW " -", base, i), 0);
  kt_kill(&dead);
  CU_ASSERT_EQUAL(stale_left(base), OBJECTS);
  const char *missing = kt_name("bgmissing");
  double start = kt_now_ms();
  unsigned left = OBJECTS;
  for (int i = 0; left && kt_now_ms() - start < 10000; i++) {
    kobjns_section *s = NULL;
    KT_STATUS(kobjns_section_open(NULL, missing, KOBJNS_MAP_READ, &s), KOBJNS_FILE_NOT_FOUND);
    kt_pause_ms(5);
    if (i % 20 == 0) left = stale_left(base);
  }
  fprintf(stderr, "\n    %d stale objects, %u left after %.1f s of opens\n", OBJECTS, left,
          (kt_now_ms() - start) / 1000);
  CU_ASSERT_EQUAL(left, 0);
}
#endif

void kt_add_lifetime(CU_pSuite s) {
  kt_add(s, "kobjns_cleanup() removes only stale objects", cleanup_removes_only_stale_objects,
         KT_NEEDS_SESSION1);
  kt_add(s, "exiting after fork() leaves the name to the child",
         KT_POSIX_ONLY(exiting_after_fork_leaves_the_name_to_the_child), KT_NEEDS_FORK);
  kt_add(s, "a forked child leaves its parent's objects",
         KT_POSIX_ONLY(forked_child_leaves_parents_objects), KT_NEEDS_FORK);
  kt_add(s,
         "the daemon pattern: the parent closes and exits, the name lives and dies with the "
         "child",
         KT_POSIX_ONLY(daemon_parent_closes_then_exits), KT_NEEDS_FORK | KT_NEEDS_SHM_FILES);
  kt_add(s, "fork() then exit: nothing stale, whether the child exited or was killed",
         KT_POSIX_ONLY(fork_then_exit_leaves_nothing_stale), KT_NEEDS_FORK | KT_NEEDS_SHM_FILES);
  kt_add(s, "a forked child's context keeps its session after the parent has left",
         KT_POSIX_ONLY(forked_child_keeps_its_session), KT_NEEDS_FORK);
  kt_add(s,
         "a user's forked child holds what the file's mode refuses its access (marker, "
         "read-only section); nothing stale",
         KT_POSIX_ONLY(a_users_child_holds_what_its_mode_refuses),
         KT_NEEDS_FORK | KT_NEEDS_ROOT | KT_NEEDS_SHM_FILES);
  kt_add(s, "the name follows the handles across processes", name_follows_handles_across_processes,
         KT_NEEDS_SESSION1);
  kt_add(s, "a killed holder counts as closed", killed_holder_counts_as_closed, KT_NEEDS_SESSION1);
  kt_add(s, "a killed holder among live ones", killed_holder_among_live_ones, KT_NEEDS_SESSION1);
  kt_add(s, "many handles in one process", many_handles_one_process, KT_NEEDS_SESSION1);
  kt_add(s, "what a killed process leaves goes by itself within seconds of others' opens",
         KT_POSIX_ONLY(stale_objects_go_in_the_background),
         KT_NEEDS_SHM_FILES | KT_NEEDS_LOCK_TABLE);
  kt_add(s, "a create meeting a /dev/shm full of stale objects reclaims them and succeeds",
         KT_POSIX_ONLY(a_full_shm_of_stale_objects_is_reclaimed), KT_NEEDS_ROOT);
}
