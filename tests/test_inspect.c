/* Inspection (kobjns_object_list/query, kobjns_cleanup_each, kobjns_sddl_access) on both
 * backends: what is there, as a program in a session resolves it, without disturbing it. */
#include <stdlib.h>
#include <string.h>
#ifndef _WIN32
#include <fcntl.h>
#include <grp.h>
#include <sys/wait.h>
#include <unistd.h>
#endif

#include "kt.h"

#define RW KOBJNS_MAP_WRITE
#define RD KOBJNS_MAP_READ

/* A copy of what a callback saw of one object. */
typedef struct seen {
  const char *want_path; /* for list: the object to pick out */
  int count;
  char path[512], type[16], sddl[1024], state[64];
  uint32_t session;
  uint64_t size;
  int stale, header_read;
  size_t handles, pid_count;
  int first_pid;
} seen;

static int remember(const kobjns_object *o, void *arg) {
  seen *s = arg;
  CU_ASSERT_EQUAL((int)o->liveness, o->stale); /* the enum says what `stale` says */
  CU_ASSERT_STRING_EQUAL(o->type, kobjns_type_name(o->object_type));
  if (s->want_path && strcmp(o->path, s->want_path)) return 0;
  s->count++;
  snprintf(s->path, sizeof s->path, "%s", o->path);
  snprintf(s->type, sizeof s->type, "%s", o->type);
  snprintf(s->sddl, sizeof s->sddl, "%s", o->sddl);
  snprintf(s->state, sizeof s->state, "%s", o->state);
  s->session = o->session;
  s->size = o->size;
  s->stale = o->stale;
  s->header_read = o->header_read;
  s->handles = o->handles;
  s->pid_count = o->pid_count;
  s->first_pid = o->pid_count ? o->pids[0] : -1;
  return 0;
}

static int stop_at_first(const kobjns_object *o, void *arg) {
  (void)o;
  ++*(int *)arg;
  return 4242;
}

static void list_shows_a_section_until_its_last_close(void) {
  kobjns_ctx *app = kt_ctx(1, false);
  kobjns_section *s = NULL;
  KT_OK(kobjns_section_create(app, kt_name("inspect-list"), 65536, RW, NULL, &s));
  seen found = {.want_path = kobjns_section_path(s)};
  KT_OK(kobjns_object_list(remember, &found));
  CU_ASSERT_EQUAL(found.count, 1);
  CU_ASSERT_STRING_EQUAL(found.type, "Section");
  CU_ASSERT_EQUAL(found.session, 1);
  CU_ASSERT_EQUAL(found.size, 65536);
  CU_ASSERT_EQUAL(found.stale, 0);
  CU_ASSERT_EQUAL(found.header_read, 1);
  /* Its session is listed as an object of its own. */
  seen session = {.want_path = "\\Sessions\\1"};
  KT_OK(kobjns_object_list(remember, &session));
  CU_ASSERT_EQUAL(session.count, 1);
  CU_ASSERT_STRING_EQUAL(session.type, "Session");
  /* A callback's nonzero answer stops the walk and is returned. */
  int calls = 0;
  KT_STATUS(kobjns_object_list(stop_at_first, &calls), 4242);
  CU_ASSERT_EQUAL(calls, 1);
  char path[512];
  snprintf(path, sizeof path, "%s", kobjns_section_path(s));
  KT_OK(kobjns_section_close(s));
  seen gone = {.want_path = path};
  KT_OK(kobjns_object_list(remember, &gone));
  CU_ASSERT_EQUAL(gone.count, 0);
  kobjns_ctx_free(app);
}

static void query_resolves_as_an_open_would(void) {
  kobjns_ctx *creator = kt_global_creator(), *app = kt_ctx(1, false);
  const char *global = kt_prefixed("Global\\", "inspect-q"), *bare = strchr(global, '\\') + 1;
  kobjns_section *s = NULL;
  KT_OK(kobjns_section_create(creator, global, 4096, RW, NULL, &s));
  seen q = {0};
  KT_OK(kobjns_object_query(app, global, remember, &q));
  CU_ASSERT_EQUAL(q.count, 1);
  CU_ASSERT_STRING_EQUAL(q.path, kobjns_section_path(s));
  CU_ASSERT_EQUAL(q.session, 0);
  CU_ASSERT_EQUAL(q.size, 4096);
  /* The same text from session 1 is session 1's name: nothing there, as for an open. */
  kobjns_section *o = NULL;
  KT_STATUS(kobjns_section_open(app, bare, RD, &o), KOBJNS_FILE_NOT_FOUND);
  KT_STATUS(kobjns_object_query(app, bare, remember, &q), KOBJNS_FILE_NOT_FOUND);
  CU_ASSERT_EQUAL(q.count, 1); /* fn not called again */
  /* The name statuses are the resolver's. */
  KT_STATUS(kobjns_object_query(app, "\\x", remember, &q), KOBJNS_BAD_PATHNAME);
  KT_STATUS(kobjns_object_query(app, "Global\\", remember, &q), KOBJNS_INVALID_NAME);
  KT_STATUS(kobjns_object_query(app, "Global", remember, &q), KOBJNS_INVALID_HANDLE);
  KT_STATUS(kobjns_object_query(app, "", remember, &q), KOBJNS_INVALID_HANDLE);
  KT_STATUS(kobjns_object_query(app, "a\\b", remember, &q), KOBJNS_PATH_NOT_FOUND);
  KT_STATUS(kobjns_object_query(app, "\xff", remember, &q), KOBJNS_NO_UNICODE_TRANSLATION);
  KT_STATUS(kobjns_object_query(app, NULL, remember, &q), KOBJNS_INVALID_PARAMETER);
  KT_STATUS(kobjns_object_query(app, global, NULL, &q), KOBJNS_INVALID_PARAMETER);
  KT_STATUS(kobjns_object_list(NULL, NULL), KOBJNS_INVALID_PARAMETER);
  CU_ASSERT_EQUAL(q.count, 1);
  KT_OK(kobjns_section_close(s));
  KT_STATUS(kobjns_object_query(app, global, remember, &q), KOBJNS_FILE_NOT_FOUND);
  kobjns_ctx_free(creator), kobjns_ctx_free(app);
}

static void query_counts_handles_and_shows_the_descriptor(void) {
  kobjns_ctx *app = kt_ctx(1, false);
  const char *name = kt_name("inspect-h");
  kobjns_section *a = NULL, *b = NULL;
  KT_OK(kobjns_section_create(app, name, 4096, RW, "D:(A;;GA;;;WD)", &a));
  seen q = {0};
  KT_OK(kobjns_object_query(app, name, remember, &q));
  CU_ASSERT_EQUAL(q.handles, 1);
  KT_OK(kobjns_section_open(app, name, RD, &b));
  KT_OK(kobjns_object_query(app, name, remember, &q));
  CU_ASSERT_EQUAL(q.handles, 2);
  /* POSIX says which process holds them; Windows does not tell. */
#ifndef _WIN32
  CU_ASSERT_EQUAL(q.pid_count, 1);
  CU_ASSERT_EQUAL(q.first_pid, (int)getpid());
  CU_ASSERT_STRING_EQUAL(q.sddl, "D:(A;;GA;;;WD)");
#else
  CU_ASSERT_EQUAL(q.pid_count, 0);
  CU_ASSERT_PTR_NOT_NULL(strstr(q.sddl, ";;;WD)")); /* Windows writes the rights its own way */
#endif
  KT_OK(kobjns_section_close(b));
  KT_OK(kobjns_section_close(a));
  kobjns_ctx_free(app);
}

/* A killed holder: on POSIX its object stays, stale, until an open, the sweep or gc; Windows
 * deletes it with the process. Either way an open answers 2. */
static void a_killed_holders_object(void) {
  kobjns_ctx *app = kt_ctx(1, false);
  const char *name = kt_name("inspect-killed");
  kt_proc p;
  CU_ASSERT_FATAL(kt_spawn(&p, 1, -1));
  KT_OK(kt_cmd(&p, NULL, 0, "create %s 4096 0x2 -", name));
  kt_kill(&p);
  seen q = {0};
  int rc = kobjns_object_query(app, name, remember, &q);
  size_t would = 99, removed = 99;
  seen swept = {0};
  if (kt_sessions_simulated()) { /* POSIX */
    KT_OK(rc);
    CU_ASSERT_EQUAL(q.stale, 1);
    CU_ASSERT_EQUAL(q.handles, 0);
    KT_OK(kobjns_cleanup_each(1, remember, &swept, &would));
    CU_ASSERT_EQUAL(would, 1);
    CU_ASSERT_STRING_EQUAL(swept.path, q.path);
    KT_OK(kobjns_object_query(app, name, remember, &q)); /* a dry run removes nothing */
    KT_OK(kobjns_cleanup_each(0, remember, &swept, &removed));
    CU_ASSERT_EQUAL(removed, 1);
    CU_ASSERT_EQUAL(swept.count, 2);
  } else {
    KT_STATUS(rc, KOBJNS_FILE_NOT_FOUND);
    KT_OK(kobjns_cleanup_each(0, remember, &swept, &removed));
    CU_ASSERT_EQUAL(removed, 0);
  }
  KT_STATUS(kobjns_object_query(app, name, remember, &q), KOBJNS_FILE_NOT_FOUND);
  kobjns_section *s = NULL;
  KT_STATUS(kobjns_section_open(app, name, RD, &s), KOBJNS_FILE_NOT_FOUND);
  kobjns_ctx_free(app);
}

/* A mutex this thread owns: "owned by thread <ours>"; Windows before 10 and Wine do not say whose
 * (NtQueryMutant's MutantOwnerInformation): "owned" there. */
static void assert_owned_by_us(const seen *q) {
  char ours[64];
  snprintf(ours, sizeof ours, "owned by thread %lu", kt_thread_id());
  bool owned = !strcmp(q->state, ours) || (!kt_sessions_simulated() && !strcmp(q->state, "owned"));
  if (!owned) fprintf(stderr, "\n  state \"%s\", wanted \"%s\"\n", q->state, ours);
  CU_ASSERT(owned);
}

/* Query a name and check what it is: its type and its state. */
static void query_is(kobjns_ctx *ctx, const char *name, const char *type, const char *state,
                     seen *q) {
  *q = (seen){0};
  KT_OK(kobjns_object_query(ctx, name, remember, q));
  CU_ASSERT_EQUAL(q->count, 1);
  CU_ASSERT_STRING_EQUAL(q->type, type);
  if (state) {
    if (strcmp(q->state, state))
      fprintf(stderr, "\n  %s: state \"%s\", wanted \"%s\"\n", name, q->state, state);
    CU_ASSERT_STRING_EQUAL(q->state, state);
  }
}

/* Mutexes, events and semaphores are listed and queried (a query is not typed) with their type
 * and their state, read without acquiring anything; sections have no state. */
static void sync_objects_show_their_type_and_state(void) {
  kobjns_ctx *app = kt_ctx(1, false);
  const char *mname = kt_name("inspect-mutex"), *fname = kt_name("inspect-free");
  const char *ename = kt_name("inspect-event"), *aname = kt_name("inspect-auto");
  const char *sname = kt_name("inspect-sem"), *secname = kt_name("inspect-sec");
  kobjns_sync *m = NULL, *free_mutex = NULL, *e = NULL, *a = NULL, *sem = NULL;
  kobjns_section *sec = NULL;
  KT_OK(kobjns_mutex_create(app, mname, 1, "D:(A;;GA;;;WD)", &m));
  KT_OK(kobjns_mutex_create(app, fname, 0, NULL, &free_mutex));
  KT_OK(kobjns_event_create(app, ename, 1, 1, NULL, &e));
  KT_OK(kobjns_event_create(app, aname, 0, 0, NULL, &a));
  KT_OK(kobjns_semaphore_create(app, sname, 2, 5, NULL, &sem));
  KT_OK(kobjns_section_create(app, secname, 4096, RW, NULL, &sec));
  seen q;
  query_is(app, mname, "Mutex", NULL, &q);
  assert_owned_by_us(&q);
  CU_ASSERT_EQUAL(q.header_read, 1);
  CU_ASSERT_EQUAL(q.size, 0);
  CU_ASSERT_EQUAL(q.session, 1);
  CU_ASSERT_EQUAL(q.stale, 0);
  CU_ASSERT_EQUAL(q.handles, 1);
#ifndef _WIN32
  /* Written with the mutex's rights: GA is MUTEX_ALL_ACCESS (a section's mapping would have
   * made it 0x1f0001). */
  CU_ASSERT_STRING_EQUAL(q.sddl, "D:(A;;GA;;;WD)");
  CU_ASSERT_EQUAL(q.first_pid, (int)getpid());
#else
  CU_ASSERT_PTR_NOT_NULL(strstr(q.sddl, ";;;WD)"));
#endif
  query_is(app, fname, "Mutex", "free", &q);
  query_is(app, ename, "Event", "signaled, manual reset", &q);
  query_is(app, aname, "Event", "not signaled, auto reset", &q);
  query_is(app, sname, "Semaphore", "count 2 of 5", &q);
  query_is(app, secname, "Section", "", &q);
  CU_ASSERT_EQUAL(q.size, 4096);
  /* Looking changed nothing: the states move only with the objects' own calls. */
  KT_OK(kobjns_mutex_release(m));
  query_is(app, mname, "Mutex", "free", &q);
  KT_OK(kobjns_wait(free_mutex, 0));
  query_is(app, fname, "Mutex", NULL, &q);
  assert_owned_by_us(&q);
  KT_OK(kobjns_mutex_release(free_mutex));
  KT_OK(kobjns_event_reset(e));
  query_is(app, ename, "Event", "not signaled, manual reset", &q);
  KT_OK(kobjns_event_set(a));
  query_is(app, aname, "Event", "signaled, auto reset", &q);
  KT_OK(kobjns_wait(a, 0)); /* an automatic event resets on the wait that takes it */
  query_is(app, aname, "Event", "not signaled, auto reset", &q);
  KT_OK(kobjns_wait(sem, 0));
  query_is(app, sname, "Semaphore", "count 1 of 5", &q);
  KT_OK(kobjns_semaphore_release(sem, 4, NULL));
  query_is(app, sname, "Semaphore", "count 5 of 5", &q);
  /* The list shows each once, as the query does. */
  const struct {
    kobjns_sync *h;
    const char *type, *state;
  } listed[] = {{m, "Mutex", "free"},
                {e, "Event", "not signaled, manual reset"},
                {sem, "Semaphore", "count 5 of 5"}};
  for (size_t i = 0; i < sizeof listed / sizeof listed[0]; i++) {
    seen l = {.want_path = kobjns_sync_path(listed[i].h)};
    KT_OK(kobjns_object_list(remember, &l));
    CU_ASSERT_EQUAL(l.count, 1);
    CU_ASSERT_STRING_EQUAL(l.type, listed[i].type);
    CU_ASSERT_STRING_EQUAL(l.state, listed[i].state);
    CU_ASSERT_EQUAL(l.session, 1);
  }
  KT_OK(kobjns_sync_close(m));
  KT_OK(kobjns_sync_close(free_mutex));
  KT_OK(kobjns_sync_close(e));
  KT_OK(kobjns_sync_close(a));
  KT_OK(kobjns_sync_close(sem));
  KT_OK(kobjns_section_close(sec));
  KT_STATUS(kobjns_object_query(app, mname, remember, &q), KOBJNS_FILE_NOT_FOUND);
  kobjns_ctx_free(app);
}

/* Holders of a mutex (owned), an event and a semaphore killed: on POSIX the objects stay, stale,
 * the mutex abandoned, until the sweep removes them; Windows deletes them with the process. */
static void killed_holders_sync_objects(void) {
  kobjns_ctx *app = kt_ctx(1, false);
  const char *mname = kt_name("inspect-kmutex"), *ename = kt_name("inspect-kevent");
  const char *sname = kt_name("inspect-ksem");
  kt_proc p;
  CU_ASSERT_FATAL(kt_spawn(&p, 1, -1));
  KT_OK(kt_cmd(&p, NULL, 0, "mutex %s 1", mname));
  KT_OK(kt_cmd(&p, NULL, 0, "event %s 0 1", ename));
  KT_OK(kt_cmd(&p, NULL, 0, "semaphore %s 3 7", sname));
  seen q;
  query_is(app, mname, "Mutex", NULL, &q);
  CU_ASSERT_EQUAL(strncmp(q.state, "owned", 5), 0); /* by the child's thread */
  kt_kill(&p);
  size_t would = 99, removed = 99;
  seen swept = {0};
  if (kt_sessions_simulated()) {                    /* POSIX */
    query_is(app, mname, "Mutex", "abandoned", &q); /* the kernel marked the owner dead */
    CU_ASSERT_EQUAL(q.stale, 1);
    CU_ASSERT_EQUAL(q.handles, 0);
    query_is(app, ename, "Event", "signaled, auto reset", &q);
    CU_ASSERT_EQUAL(q.stale, 1);
    query_is(app, sname, "Semaphore", "count 3 of 7", &q);
    CU_ASSERT_EQUAL(q.stale, 1);
    KT_OK(kobjns_cleanup_each(1, remember, &swept, &would));
    CU_ASSERT_EQUAL(would, 3);
    query_is(app, mname, "Mutex", "abandoned", &q); /* a dry run removes nothing */
    swept = (seen){0};
    KT_OK(kobjns_cleanup_each(0, remember, &swept, &removed));
    CU_ASSERT_EQUAL(removed, 3);
    CU_ASSERT_EQUAL(swept.count, 3);
  } else {
    KT_OK(kobjns_cleanup_each(0, remember, &swept, &removed));
    CU_ASSERT_EQUAL(removed, 0);
  }
  const char *names[] = {mname, ename, sname};
  for (size_t i = 0; i < 3; i++)
    KT_STATUS(kobjns_object_query(app, names[i], remember, &q), KOBJNS_FILE_NOT_FOUND);
  kobjns_sync *s = NULL;
  KT_STATUS(kobjns_mutex_open(app, mname, KOBJNS_SYNCHRONIZE, &s), KOBJNS_FILE_NOT_FOUND);
  kobjns_ctx_free(app);
}

static void sddl_access_models_the_check(void) {
  kobjns_ctx *app = kt_ctx(1, false);
  int status = kobjns_sddl_access(app, "D:(A;;GR;;;WD)", 12345, RD);
  if (!kt_sessions_simulated()) { /* Windows: AccessCheck is the authority, not a model */
    KT_STATUS(status, KOBJNS_NOT_SUPPORTED);
    kobjns_ctx_free(app);
    return;
  }
  KT_OK(status);
  KT_STATUS(kobjns_sddl_access(app, "D:(A;;GR;;;WD)", 12345, RW), KOBJNS_ACCESS_DENIED);
  KT_STATUS(kobjns_sddl_access(app, "D:(A;;GA;;;IU)", 12345, RW), 0); /* session 1 is interactive */
  kobjns_ctx *service = kt_ctx(0, false);
  KT_STATUS(kobjns_sddl_access(service, "D:(A;;GA;;;IU)", 12345, RW), KOBJNS_ACCESS_DENIED);
  kobjns_ctx_free(service);
  KT_STATUS(kobjns_sddl_access(app, "D:(D;;GW;;;WD)(A;;GA;;;WD)", 12345, RW), KOBJNS_ACCESS_DENIED);
  KT_STATUS(kobjns_sddl_access(app, "D:NO_ACCESS_CONTROL", 12345, RW), 0);
  KT_STATUS(kobjns_sddl_access(app, "D:(A;;GR;;;WD)", 12345, 0), KOBJNS_INVALID_PARAMETER);
  KT_STATUS(kobjns_sddl_access(app, NULL, 12345, RD), KOBJNS_INVALID_PARAMETER);
  KT_STATUS(kobjns_sddl_access(app, "D:(A;;GR;;;XX)", 12345, RD), KOBJNS_INVALID_SID);
  kobjns_ctx_free(app);
}

#ifndef _WIN32
/* Copy `from` (a file) to `to`, readable by all: a forged object. */
static bool copy_file(const char *from, const char *to, size_t bytes) {
  char buf[8192];
  int in = open(from, O_RDONLY), out = open(to, O_WRONLY | O_CREAT | O_EXCL, 0644);
  ssize_t n = in >= 0 ? read(in, buf, bytes < sizeof buf ? bytes : sizeof buf) : -1;
  bool ok = out >= 0 && n > 0 && write(out, buf, (size_t)n) == n;
  if (in >= 0) close(in);
  if (out >= 0) close(out);
  return ok;
}

/* Anyone may write a file under kobjns's names in /dev/shm. Inspection believes a header only
 * when it is well formed and names the file it is in; otherwise the object is "Unknown" and a
 * query answers what an open would (1392), never describing it with the forger's path. */
static void forged_files_are_unknown(void) {
  kobjns_ctx *app = kt_ctx(1, false);
  const char *real = kt_name("inspect-real"), *junk = kt_name("inspect-junk");
  const char *copy = kt_name("inspect-copy");
  char real_path[512], junk_path[512], copy_path[512];
  kt_native_path(app, real, real_path, sizeof real_path);
  kt_native_path(app, junk, junk_path, sizeof junk_path);
  kt_native_path(app, copy, copy_path, sizeof copy_path);
  kobjns_section *s = NULL;
  KT_OK(kobjns_section_create(app, real, 4096, RW, "D:(A;;GA;;;WD)", &s));
  /* Garbage, and a true header in a file of another name (it claims the real object's path). */
  int fd = open(junk_path, O_WRONLY | O_CREAT | O_EXCL, 0644);
  CU_ASSERT_FATAL(fd >= 0);
  CU_ASSERT(write(fd, "not a kobjns object", 19) == 19);
  close(fd);
  CU_ASSERT_FATAL(copy_file(real_path, copy_path, 8192));
  seen q = {0};
  KT_STATUS(kobjns_object_query(app, junk, remember, &q), KOBJNS_FILE_CORRUPT);
  KT_STATUS(kobjns_object_query(app, copy, remember, &q), KOBJNS_FILE_CORRUPT);
  CU_ASSERT_EQUAL(q.count, 0);
  /* Listed under the name they sit at, as Unknown; the real object only once. */
  char junk_canonical[512], real_canonical[512];
  KT_OK(kobjns_resolve(app, junk, junk_canonical, sizeof junk_canonical, NULL));
  KT_OK(kobjns_resolve(app, real, real_canonical, sizeof real_canonical, NULL));
  seen listed = {.want_path = junk_canonical};
  KT_OK(kobjns_object_list(remember, &listed));
  CU_ASSERT_EQUAL(listed.count, 1);
  CU_ASSERT_STRING_EQUAL(listed.type, "Unknown");
  seen genuine = {.want_path = real_canonical};
  KT_OK(kobjns_object_list(remember, &genuine));
  CU_ASSERT_EQUAL(genuine.count, 1);
  CU_ASSERT_STRING_EQUAL(genuine.type, "Section");
  unlink(junk_path);
  unlink(copy_path);
  KT_OK(kobjns_section_close(s));
  kobjns_ctx_free(app);
}
#endif

#ifndef _WIN32
/* Another user's object: its header (so its type) is not readable: "Object", by its name's path,
 * with nothing guessed. Listed by a forked child that becomes nobody. */
static void another_users_object_is_an_object(void) {
  kobjns_ctx *app = kt_ctx(1, false);
  const char *name = kt_name("inspect-private");
  kobjns_sync *m = NULL;
  KT_OK(kobjns_mutex_create(app, name, 1, NULL, &m)); /* the default descriptor: mode 0600 */
  char want_path[512];
  snprintf(want_path, sizeof want_path, "%s", kobjns_sync_path(m));
  int fds[2];
  CU_ASSERT_FATAL(pipe(fds) == 0);
  fflush(NULL);
  pid_t pid = fork();
  CU_ASSERT_FATAL(pid >= 0);
  if (pid == 0) {
    close(fds[0]);
    seen l = {.want_path = want_path};
    int rc = setgroups(0, NULL) < 0 || setgid(65534) < 0 || setuid(65534) < 0
                 ? -1
                 : kobjns_object_list(remember, &l);
    ssize_t ignored = write(fds[1], &rc, sizeof rc);
    ignored = write(fds[1], &l, sizeof l);
    (void)ignored;
    _exit(0);
  }
  close(fds[1]);
  int rc = -2;
  seen l = {0};
  CU_ASSERT(read(fds[0], &rc, sizeof rc) == (ssize_t)sizeof rc);
  CU_ASSERT(read(fds[0], &l, sizeof l) == (ssize_t)sizeof l);
  close(fds[0]);
  int st;
  waitpid(pid, &st, 0);
  KT_OK(rc);
  CU_ASSERT_EQUAL(l.count, 1);
  CU_ASSERT_STRING_EQUAL(l.type, "Object");
  CU_ASSERT_EQUAL(l.header_read, 0);
  CU_ASSERT_EQUAL(l.size, 0);
  CU_ASSERT_STRING_EQUAL(l.state, "");
  CU_ASSERT_STRING_EQUAL(l.sddl, "");
  CU_ASSERT_EQUAL(l.stale, 0);
  /* Its owner reads it: a Mutex, owned. */
  seen q;
  query_is(app, name, "Mutex", NULL, &q);
  assert_owned_by_us(&q);
  CU_ASSERT_EQUAL(q.header_read, 1);
  KT_OK(kobjns_sync_close(m));
  kobjns_ctx_free(app);
}
#endif

void kt_add_inspect(CU_pSuite s) {
  kt_add(s, "list shows a section until its last close", list_shows_a_section_until_its_last_close,
         KT_NEEDS_SESSION1 | KT_NEEDS_LOCK_TABLE);
  kt_add(s, "query resolves as an open would", query_resolves_as_an_open_would,
         KT_NEEDS_SESSION1 | KT_NEEDS_CREATE_GLOBAL);
  kt_add(s, "query counts handles and shows the descriptor",
         query_counts_handles_and_shows_the_descriptor, KT_NEEDS_SESSION1 | KT_NEEDS_LOCK_TABLE);
  kt_add(s, "a killed holder's object: stale and swept (POSIX), gone (Windows)",
         a_killed_holders_object, KT_NEEDS_SESSION1 | KT_NEEDS_LOCK_TABLE);
  kt_add(s, "forged files under kobjns's names are Unknown (POSIX: /dev/shm is writable)",
         KT_POSIX_ONLY(forged_files_are_unknown),
         KT_NEEDS_SESSION1 | KT_NEEDS_SHM_FILES | KT_NEEDS_ONE_FILE);
  kt_add(s, "kobjns_sddl_access models the access check (POSIX), 50 (Windows)",
         sddl_access_models_the_check, KT_NEEDS_SESSION1);
  kt_add(s, "mutexes, events and semaphores show their type and state",
         sync_objects_show_their_type_and_state, KT_NEEDS_SESSION1 | KT_NEEDS_LOCK_TABLE);
  kt_add(s, "killed holders' mutex (abandoned), event, semaphore: stale and swept (POSIX), gone",
         killed_holders_sync_objects, KT_NEEDS_SESSION1 | KT_NEEDS_LOCK_TABLE);
  kt_add(s, "another user's object is an \"Object\": its header, so its type, is not readable",
         KT_POSIX_ONLY(another_users_object_is_an_object),
         KT_NEEDS_SESSION1 | KT_NEEDS_ROOT | KT_NEEDS_FORK | KT_NEEDS_LOCK_TABLE);
}
