/* Inspection (kobjns_object_list/query, kobjns_cleanup_each, kobjns_sddl_access) on both
 * backends: what is there, as a program in a session resolves it, without disturbing it. */
#include <stdlib.h>
#include <string.h>
#ifndef _WIN32
#include <fcntl.h>
#include <grp.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#endif

#include "kt.h"

#define RW KOBJNS_MAP_WRITE
#define RD KOBJNS_MAP_READ

/* A copy of what a callback saw of one object. */
typedef struct seen {
  const char *want_path; /* for list: the object to pick out */
  int count;
  char path[512], type[16], sddl[1024], state[1024], private_namespace[64], native[512];
  uint32_t session, owner, mode;
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
  snprintf(s->private_namespace, sizeof s->private_namespace, "%s", o->private_namespace);
  snprintf(s->native, sizeof s->native, "%s", o->native);
  s->session = o->session;
  s->owner = o->owner;
  s->mode = o->mode;
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

#ifndef _WIN32
/* --- private namespaces (POSIX: a directory of the object directory each; Windows lists none) */

/* A boundary of `name` and the SIDs `sids` ("S-1-22-1-0,BA"; NULL: none). */
static kobjns_boundary *boundary_of(const char *name, const char *sids) {
  kobjns_boundary *b = NULL;
  KT_OK(kobjns_boundary_create(name, &b));
  char list[256];
  snprintf(list, sizeof list, "%s", sids ? sids : "");
  for (char *sid = strtok(list, ","); b && sid; sid = strtok(NULL, ","))
    KT_OK(kobjns_boundary_add_sid(b, sid));
  return b;
}

/* The namespace whose words name `alias` ("alias \"<alias>\""), as the listing shows it. */
typedef struct ns_pick {
  char words[600];
  seen s;
} ns_pick;

static int pick_namespace(const kobjns_object *o, void *arg) {
  ns_pick *p = arg;
  if (o->object_type != KOBJNS_TYPE_DIRECTORY || !strstr(o->state, p->words)) return 0;
  return remember(o, &p->s);
}

static ns_pick find_namespace(const char *alias) {
  ns_pick p = {0};
  snprintf(p.words, sizeof p.words, "alias \"%s\"", alias);
  KT_OK(kobjns_object_list(pick_namespace, &p));
  return p;
}

/* "\\PrivateNamespaces\\<id>" of an object in one. */
static void namespace_path_of(const char *object_path, char *out, size_t size) {
  snprintf(out, size, "%s", object_path);
  char *slash = strrchr(out, '\\');
  if (slash) *slash = '\0';
}

static void private_namespaces_are_listed_as_directories(void) {
  char me[32];
  snprintf(me, sizeof me, "S-1-22-1-%u", (unsigned)geteuid());
  const char *alias = kt_name("insp-ns"), *bname = kt_name("insp-boundary");
  kobjns_boundary *b = boundary_of(bname, me);
  kobjns_namespace *ns = NULL;
  KT_OK(kobjns_namespace_create(NULL, b, alias, NULL, &ns));
  char name[256];
  snprintf(name, sizeof name, "%s\\obj", alias);
  kobjns_section *s = NULL;
  KT_OK(kobjns_section_create(NULL, name, 4096, RW, NULL, &s));
  char dir_path[512], obj_path[512];
  snprintf(obj_path, sizeof obj_path, "%s", kobjns_section_path(s));
  namespace_path_of(obj_path, dir_path, sizeof dir_path);
  /* The namespace: a Directory, held by this process, its words and its descriptor. */
  ns_pick p = find_namespace(alias);
  CU_ASSERT_EQUAL(p.s.count, 1);
  CU_ASSERT_STRING_EQUAL(p.s.path, dir_path);
  CU_ASSERT_STRING_EQUAL(p.s.type, "Directory");
  CU_ASSERT_EQUAL(p.s.header_read, 1);
  CU_ASSERT_EQUAL(p.s.stale, 0);
  CU_ASSERT_EQUAL(p.s.handles, 1);
  CU_ASSERT_EQUAL(p.s.first_pid, (int)getpid());
  CU_ASSERT_EQUAL(p.s.owner, (uint32_t)geteuid());
  CU_ASSERT_EQUAL(p.s.session, 0);
  CU_ASSERT_STRING_EQUAL(p.s.private_namespace, dir_path + strlen("\\PrivateNamespaces\\"));
  char words[600];
  snprintf(words, sizeof words, "ready; alias \"%s\"; boundary \"%s\" {%s}", alias, bname, me);
  CU_ASSERT_STRING_EQUAL(p.s.state, words);
  char sddl[128];
  snprintf(sddl, sizeof sddl, "D:(A;;GA;;;%s)(A;;GA;;;SY)(A;;GA;;;BA)", me);
  CU_ASSERT_STRING_EQUAL(p.s.sddl, sddl);
  /* Its objects, by their canonical paths; a query of "alias\\obj" finds the same. */
  seen o = {.want_path = obj_path};
  KT_OK(kobjns_object_list(remember, &o));
  CU_ASSERT_EQUAL(o.count, 1);
  CU_ASSERT_STRING_EQUAL(o.type, "Section");
  CU_ASSERT_EQUAL(o.size, 4096);
  CU_ASSERT_STRING_EQUAL(o.private_namespace, p.s.private_namespace);
  seen q = {0};
  KT_OK(kobjns_object_query(NULL, name, remember, &q));
  CU_ASSERT_STRING_EQUAL(q.path, obj_path);
  CU_ASSERT_EQUAL(q.stale, 0);
  /* Closed: the record goes with its last handle, the directory stays for the object in it. */
  KT_OK(kobjns_namespace_close(ns, 0));
  KT_STATUS(kobjns_object_query(NULL, name, remember, &q), KOBJNS_PATH_NOT_FOUND);
  seen closed = {.want_path = dir_path};
  KT_OK(kobjns_object_list(remember, &closed));
  CU_ASSERT_EQUAL(closed.count, 1);
  CU_ASSERT_EQUAL(closed.stale, 1);
  CU_ASSERT_EQUAL(closed.header_read, 0);
  CU_ASSERT_PTR_NOT_NULL(strstr(closed.state, "closed"));
  o.count = 0;
  KT_OK(kobjns_object_list(remember, &o));
  CU_ASSERT_EQUAL(o.count, 1);
  /* The sweep leaves a directory with a live object in it. */
  size_t removed = 99;
  KT_OK(kobjns_cleanup_ex(NULL, 0, NULL, NULL, &removed));
  CU_ASSERT_EQUAL(removed, 0);
  KT_OK(kobjns_section_close(s));
  closed.count = 0;
  KT_OK(kobjns_object_list(remember, &closed));
  CU_ASSERT_EQUAL(closed.count, 0); /* the last object took the directory with it */
  kobjns_boundary_free(b);
}

/* The sweep: a namespace whose holders were killed goes (its stale objects first), with what a
 * dead creator left unfinished; a live one is never touched, and a dry run removes nothing. */
static void cleanup_sweeps_dead_namespaces_never_live_ones(void) {
  const char *dead = kt_name("insp-dead"), *live = kt_name("insp-live");
  const char *bname = kt_name("insp-sweep");
  char me[32], dead_obj[256], live_obj[256];
  snprintf(me, sizeof me, "S-1-22-1-%u", (unsigned)geteuid());
  snprintf(dead_obj, sizeof dead_obj, "%s\\x", dead);
  snprintf(live_obj, sizeof live_obj, "%s\\y", live);
  kt_proc killed, holder;
  CU_ASSERT_FATAL(kt_spawn(&killed, 0, -1));
  CU_ASSERT_FATAL(kt_spawn(&holder, 1, -1));
  KT_OK(kt_cmd(&killed, NULL, 0, "nscreate %s %s %s -", bname, me, dead));
  KT_OK(kt_cmd(&killed, NULL, 0, "create %s 4096 0x2 -", dead_obj));
  KT_OK(kt_cmd(&holder, NULL, 0, "nscreate %s %s %s -", bname, me, live));
  KT_OK(kt_cmd(&holder, NULL, 0, "create %s 4096 0x2 -", live_obj));
  kt_kill(&killed);
  /* What a creator killed while making one leaves: its unfinished directory, record unlocked. */
  char dir[512], unfinished[600], fresh[600];
  kobjns_ctx *app = kt_ctx(1, false);
  kt_native_path(app, kt_name("insp-nothing"), dir, sizeof dir);
  kobjns_ctx_free(app);
  *strrchr(dir, '/') = '\0';
  char prefix[64];
  kt_tree_prefix(getenv("KOBJNS_ROOT"), prefix, sizeof prefix);
  snprintf(unfinished, sizeof unfinished, "%s/%snsnew.%016x", dir, prefix, (unsigned)getpid());
  snprintf(fresh, sizeof fresh, "%s/%snsnew.%016x", dir, prefix, (unsigned)getpid() + 1u);
  char record[700];
  CU_ASSERT_FATAL(mkdir(unfinished, 0700) == 0 && mkdir(fresh, 0700) == 0);
  snprintf(record, sizeof record, "%s/kobjns.namespace", unfinished);
  int fd = open(record, O_WRONLY | O_CREAT | O_EXCL, 0600);
  CU_ASSERT(fd >= 0);
  if (fd >= 0) close(fd);
  struct timespec old[2] = {{.tv_sec = time(NULL) - 3600}, {.tv_sec = time(NULL) - 3600}};
  CU_ASSERT(utimensat(AT_FDCWD, unfinished, old, 0) == 0); /* its creator died an hour ago */
  ns_pick d = find_namespace(dead), l = find_namespace(live);
  CU_ASSERT_EQUAL(d.s.count, 1);
  CU_ASSERT_EQUAL(d.s.stale, 1);
  CU_ASSERT_EQUAL(l.s.count, 1);
  CU_ASSERT_EQUAL(l.s.stale, 0);
  /* A dry run names the stale object, the dead namespace and the unfinished one. */
  seen swept = {0};
  size_t would = 99, removed = 99;
  KT_OK(kobjns_cleanup_ex(NULL, KOBJNS_CLEANUP_DRY_RUN, remember, &swept, &would));
  CU_ASSERT_EQUAL(would, 3);
  CU_ASSERT_EQUAL(swept.count, 3);
  d = find_namespace(dead);
  CU_ASSERT_EQUAL(d.s.count, 1);
  CU_ASSERT(access(unfinished, F_OK) == 0);
  /* The real run removes them, and only them. */
  seen dir_gone = {.want_path = d.s.path};
  KT_OK(kobjns_cleanup_ex(NULL, 0, remember, &dir_gone, &removed));
  CU_ASSERT_EQUAL(removed, 3);
  CU_ASSERT_EQUAL(dir_gone.count, 1);
  CU_ASSERT_STRING_EQUAL(dir_gone.type, "Directory");
  CU_ASSERT(access(d.s.native, F_OK) != 0);
  CU_ASSERT(access(unfinished, F_OK) != 0);
  CU_ASSERT(access(fresh, F_OK) == 0); /* its creator may still be at it */
  d = find_namespace(dead);
  CU_ASSERT_EQUAL(d.s.count, 0);
  kobjns_boundary *b = boundary_of(bname, me);
  kobjns_namespace *ns = NULL;
  KT_STATUS(kobjns_namespace_open(NULL, b, dead, &ns), KOBJNS_FILE_NOT_FOUND);
  /* The live one is whole: its holder still uses it, and it opens. */
  l = find_namespace(live);
  CU_ASSERT_EQUAL(l.s.count, 1);
  CU_ASSERT_EQUAL(l.s.stale, 0);
  KT_OK(kt_cmd(&holder, NULL, 0, "write kept"));
  KT_OK(kobjns_namespace_open(NULL, b, live, &ns));
  kobjns_section *s = NULL;
  KT_OK(kobjns_section_open(NULL, live_obj, RD, &s));
  KT_OK(kobjns_section_close(s));
  KT_OK(kobjns_namespace_close(ns, 0));
  kt_cmd(&holder, NULL, 0, "exit");
  kt_wait(&holder);
  rmdir(fresh);
  l = find_namespace(live);
  CU_ASSERT_EQUAL(l.s.count, 0); /* its holders closed: gone with them */
  kobjns_boundary_free(b);
}

/* Why an open of a namespace fails, as kobjns_namespace_explain tells it. */
static void namespace_explain_says_why(void) {
  char me[32];
  snprintf(me, sizeof me, "S-1-22-1-%u", (unsigned)geteuid());
  const char *alias = kt_name("insp-why"), *iu = kt_name("insp-iu");
  kobjns_boundary *b = boundary_of(kt_name("insp-why-b"), me),
                  *other = boundary_of(kt_name("insp-why-b"), "WD");
  kobjns_denial why = KOBJNS_DENIAL_DESCRIPTOR;
  KT_STATUS(kobjns_namespace_explain(NULL, b, alias, &why), KOBJNS_FILE_NOT_FOUND);
  CU_ASSERT_EQUAL(why, KOBJNS_DENIAL_NONE);
  kobjns_namespace *first = NULL, *second = NULL;
  KT_OK(kobjns_namespace_create(NULL, b, alias, NULL, &first));
  KT_OK(kobjns_namespace_explain(NULL, b, alias, &why));
  CU_ASSERT_EQUAL(why, KOBJNS_DENIAL_NONE);
  KT_STATUS(kobjns_namespace_explain(NULL, other, alias, &why), KOBJNS_FILE_NOT_FOUND);
  CU_ASSERT_EQUAL(why, KOBJNS_DENIAL_NONE); /* another boundary is another namespace */
  KT_OK(kobjns_namespace_open(NULL, b, alias, &second));
  KT_OK(kobjns_namespace_close(first, KOBJNS_NAMESPACE_DESTROY));
  KT_STATUS(kobjns_namespace_explain(NULL, b, alias, &why), KOBJNS_FILE_NOT_FOUND);
  CU_ASSERT_EQUAL(why, KOBJNS_DENIAL_DESTROYED);
  ns_pick p = find_namespace(alias);
  CU_ASSERT_EQUAL(p.s.count, 1);
  CU_ASSERT_EQUAL(strncmp(p.s.state, "destroyed", 9), 0);
  KT_OK(kobjns_namespace_close(second, 0));
  /* A descriptor that grants only Interactive users: another user in session 0 gets nothing (its
   * owner always gets READ_CONTROL and WRITE_DAC, as on Windows), which the kernel's mode bits
   * (every user's class, whatever its session) cannot say: the descriptor refuses. */
  kobjns_ctx *app = kt_ctx(1, false), *service = kt_ctx(0, false);
  KT_OK(kobjns_namespace_create(app, b, iu, "D:(A;;GA;;;IU)", &first));
  KT_OK(kobjns_namespace_explain(app, b, iu, &why));
  KT_OK(kobjns_namespace_explain(service, b, iu, &why));
  if (kt_is_root()) { /* acting as another user */
    kobjns_ctx *nobody = kt_ctx(0, false), *nobody_app = kt_ctx(1, false);
    KT_OK(kobjns_ctx_set_user(nobody, 65534));
    KT_OK(kobjns_ctx_set_user(nobody_app, 65534));
    KT_STATUS(kobjns_namespace_explain(nobody, b, iu, &why), KOBJNS_ACCESS_DENIED);
    CU_ASSERT_EQUAL(why, KOBJNS_DENIAL_DESCRIPTOR);
    KT_OK(kobjns_namespace_explain(nobody_app, b, iu, &why));
    kobjns_ctx_free(nobody), kobjns_ctx_free(nobody_app);
  }
  KT_STATUS(kobjns_namespace_explain(service, NULL, iu, &why), KOBJNS_INVALID_PARAMETER);
  KT_STATUS(kobjns_namespace_explain(service, b, "Global", &why), KOBJNS_INVALID_NAME);
  KT_STATUS(kobjns_namespace_explain(service, b, NULL, NULL), KOBJNS_INVALID_PARAMETER);
  KT_OK(kobjns_namespace_close(first, 0));
  kobjns_ctx_free(app), kobjns_ctx_free(service);
  kobjns_boundary_free(b), kobjns_boundary_free(other);
}

/* Another user's namespace: nobody sees its Directory (owner and mode from the kernel), nothing
 * inside, and cannot open it (the kernel's mode bits); a plant (a directory an opener does not
 * trust) is 2 with its reason, and marked untrusted in the listing. Run as root. */
static void another_users_namespace_and_a_plant(void) {
  const char *alias = kt_name("insp-root"), *bname = kt_name("insp-root-b");
  kobjns_boundary *b = boundary_of(bname, "S-1-22-1-0");
  kobjns_namespace *ns = NULL;
  KT_OK(kobjns_namespace_create(NULL, b, alias, NULL, &ns));
  char name[256];
  snprintf(name, sizeof name, "%s\\secret", alias);
  kobjns_section *s = NULL;
  KT_OK(kobjns_section_create(NULL, name, 4096, RW, "D:(A;;GA;;;WD)", &s));
  char obj_path[512], dir_path[512];
  snprintf(obj_path, sizeof obj_path, "%s", kobjns_section_path(s));
  namespace_path_of(obj_path, dir_path, sizeof dir_path);
  /* One open to everyone, holding root's mutex (mode 0600): nobody sees it, as an "Object" at the
   * path its name gives. */
  const char *open_alias = kt_name("insp-open");
  kobjns_namespace *open_ns = NULL;
  KT_OK(kobjns_namespace_create(NULL, b, open_alias, "D:(A;;GA;;;WD)", &open_ns));
  snprintf(name, sizeof name, "%s\\m", open_alias);
  kobjns_sync *m = NULL;
  KT_OK(kobjns_mutex_create(NULL, name, 0, NULL, &m));
  char mutex_path[512];
  snprintf(mutex_path, sizeof mutex_path, "%s", kobjns_sync_path(m));
  int fds[2];
  CU_ASSERT_FATAL(pipe(fds) == 0);
  fflush(NULL);
  pid_t pid = fork();
  CU_ASSERT_FATAL(pid >= 0);
  if (pid == 0) {
    close(fds[0]);
    seen dir = {.want_path = dir_path}, obj = {.want_path = obj_path};
    seen hidden = {.want_path = mutex_path};
    int rc[4] = {-1, -1, -1, -1};
    size_t removed = 99;
    kobjns_denial why = KOBJNS_DENIAL_NONE;
    if (setgroups(0, NULL) == 0 && setgid(65534) == 0 && setuid(65534) == 0) {
      rc[0] = kobjns_object_list(remember, &dir);
      rc[1] = kobjns_object_list(remember, &obj);
      if (!rc[1]) rc[1] = kobjns_object_list(remember, &hidden);
      rc[2] = kobjns_cleanup_ex(NULL, 0, NULL, NULL, &removed);
      rc[3] = kobjns_namespace_explain(NULL, b, alias, &why);
    }
    ssize_t ignored = write(fds[1], rc, sizeof rc);
    ignored = write(fds[1], &dir, sizeof dir);
    ignored = write(fds[1], &obj, sizeof obj);
    ignored = write(fds[1], &removed, sizeof removed);
    ignored = write(fds[1], &why, sizeof why);
    ignored = write(fds[1], &hidden, sizeof hidden);
    (void)ignored;
    _exit(0);
  }
  close(fds[1]);
  int rc[4] = {-2, -2, -2, -2};
  seen dir = {0}, obj = {0};
  size_t removed = 99;
  kobjns_denial why = KOBJNS_DENIAL_NONE;
  CU_ASSERT(read(fds[0], rc, sizeof rc) == (ssize_t)sizeof rc);
  CU_ASSERT(read(fds[0], &dir, sizeof dir) == (ssize_t)sizeof dir);
  CU_ASSERT(read(fds[0], &obj, sizeof obj) == (ssize_t)sizeof obj);
  CU_ASSERT(read(fds[0], &removed, sizeof removed) == (ssize_t)sizeof removed);
  CU_ASSERT(read(fds[0], &why, sizeof why) == (ssize_t)sizeof why);
  seen hidden = {0};
  CU_ASSERT(read(fds[0], &hidden, sizeof hidden) == (ssize_t)sizeof hidden);
  close(fds[0]);
  int st;
  waitpid(pid, &st, 0);
  KT_OK(rc[0]);
  KT_OK(rc[1]);
  KT_OK(rc[2]);
  KT_STATUS(rc[3], KOBJNS_ACCESS_DENIED);
  CU_ASSERT_EQUAL(why, KOBJNS_DENIAL_MODE_BITS);
  CU_ASSERT_EQUAL(dir.count, 1);
  CU_ASSERT_STRING_EQUAL(dir.type, "Directory");
  CU_ASSERT_EQUAL(dir.header_read, 0);
  CU_ASSERT_EQUAL(dir.owner, 0);
  CU_ASSERT_STRING_EQUAL(dir.sddl, "");
  CU_ASSERT_EQUAL(dir.stale, -1); /* its record is out of reach: who holds it cannot be told */
  CU_ASSERT_EQUAL(obj.count, 0);  /* the directory is closed to nobody */
  CU_ASSERT_EQUAL(removed, 0);
  CU_ASSERT_EQUAL(hidden.count, 1);
  CU_ASSERT_STRING_EQUAL(hidden.type, "Object");
  CU_ASSERT_EQUAL(hidden.header_read, 0);
  CU_ASSERT_EQUAL(hidden.stale, 0);
  KT_OK(kobjns_sync_close(m));
  KT_OK(kobjns_namespace_close(open_ns, 0));
  /* A plant: the directory and record given to a user outside the boundary. */
  seen root_view = {.want_path = dir_path};
  KT_OK(kobjns_object_list(remember, &root_view));
  CU_ASSERT_FATAL(root_view.count == 1);
  char record[600];
  snprintf(record, sizeof record, "%s/kobjns.namespace", root_view.native);
  CU_ASSERT(chown(record, 65534, (gid_t)-1) == 0 && chown(root_view.native, 65534, (gid_t)-1) == 0);
  KT_STATUS(kobjns_namespace_explain(NULL, b, alias, &why), KOBJNS_FILE_NOT_FOUND);
  CU_ASSERT_EQUAL(why, KOBJNS_DENIAL_PLANTED);
  ns_pick p = find_namespace(alias);
  CU_ASSERT_EQUAL(p.s.count, 1);
  CU_ASSERT_PTR_NOT_NULL(strstr(p.s.state, "untrusted: its owner is not inside the boundary"));
  KT_OK(kobjns_section_close(s));
  KT_OK(kobjns_namespace_close(ns, 0));
  p = find_namespace(alias);
  CU_ASSERT_EQUAL(p.s.count, 0);
  kobjns_boundary_free(b);
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
  kt_add(s, "private namespaces are listed as Directories, with their objects (POSIX)",
         KT_POSIX_ONLY(private_namespaces_are_listed_as_directories),
         KT_NEEDS_SHM_FILES | KT_NEEDS_LOCK_TABLE);
  kt_add(s, "cleanup sweeps dead and unfinished namespaces, never a live one (POSIX)",
         KT_POSIX_ONLY(cleanup_sweeps_dead_namespaces_never_live_ones),
         KT_NEEDS_SESSIONS | KT_NEEDS_SHM_FILES | KT_NEEDS_LOCK_TABLE);
  kt_add(s, "kobjns_namespace_explain says why an open fails: none, destroyed, descriptor",
         KT_POSIX_ONLY(namespace_explain_says_why), KT_NEEDS_SESSIONS | KT_NEEDS_SHM_FILES);
  kt_add(s, "another user's namespace: a Directory of stat's facts; a plant is untrusted (POSIX)",
         KT_POSIX_ONLY(another_users_namespace_and_a_plant),
         KT_NEEDS_ROOT | KT_NEEDS_FORK | KT_NEEDS_SHM_FILES | KT_NEEDS_LOCK_TABLE);
}
