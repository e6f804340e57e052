/* The platform layer's promises (posix/platform.h) and the shared formats (posix/format.h):
 * liveness that never guesses (a hidden /proc, another pid namespace's guard holder), hostile
 * values in a sync page, and the two names of the fallback publication. POSIX only. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <dirent.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kt.h"
#include "object.h"
#include "platform.h"

#define SYNC "0x100000"

/* The state page of the object `name` (the runner's context) as a descriptor, and its offset. */
static int open_state(const char *name, off_t *at) {
  char path[1024];
  kobjns_ctx *ctx = kt_ctx(kt_runner_session(), false);
  kt_native_path(ctx, name, path, sizeof path);
  kobjns_ctx_free(ctx);
  int fd = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
  kobjns__header h;
  if (fd < 0 || pread(fd, &h, sizeof h, 0) != (ssize_t)sizeof h) {
    if (fd >= 0) close(fd);
    return -1;
  }
  *at = (off_t)h.header_size;
  return fd;
}

/* A new mutex `name` (owned by this thread or not) and its state page: *fd and *at. */
static kobjns_sync *mutex_and_state(const char *name, int owned, int *fd, off_t *at) {
  kobjns_sync *m = NULL;
  KT_OK(kobjns_mutex_create(NULL, name, owned, NULL, &m));
  *fd = open_state(name, at);
  CU_ASSERT_FATAL(m != NULL && *fd >= 0);
  return m;
}

static void poke32(int fd, off_t at, size_t field, uint32_t value) {
  CU_ASSERT(pwrite(fd, &value, sizeof value, at + (off_t)field) == (ssize_t)sizeof value);
}

static uint32_t peek32(int fd, off_t at, size_t field) {
  uint32_t value = 0;
  CU_ASSERT(pread(fd, &value, sizeof value, at + (off_t)field) == (ssize_t)sizeof value);
  return value;
}

/* --- liveness --------------------------------------------------------------------------------- */

/* With /proc mounted hidepid=2, a waiter of another uid cannot see the owner's threads: unknown,
 * hence alive. It used to decide the owner was dead, take the mutex (735) from its live owner,
 * whose release then answered 288. */
static void hidden_owner_is_alive(void) {
  const char *name = kt_name("hidden");
  kobjns_sync *m = NULL;
  KT_OK(kobjns_mutex_create(NULL, name, 1, "D:(A;;GA;;;WD)", &m));
  kt_proc waiter;
  CU_ASSERT_FATAL(kt_spawn_hidden_proc(&waiter, kt_runner_session(), 65534));
  int rc = kt_cmd(&waiter, NULL, 0, "mutexopen %s " SYNC, name);
  if (rc == -1000) { /* the child could not hide /proc after all */
    CU_ASSERT_EQUAL(kt_wait(&waiter), 77);
    KT_OK(kobjns_sync_close(m));
    return;
  }
  KT_OK(rc);
  KT_STATUS(kt_cmd(&waiter, NULL, 0, "wait 300"), KOBJNS_WAIT_TIMEOUT); /* not 735 */
  KT_OK(kobjns_mutex_release(m));                                       /* still ours: not 288 */
  KT_STATUS(kt_cmd(&waiter, NULL, 0, "wait 1000"), 0);                  /* now it is free */
  KT_STATUS(kt_cmd(&waiter, NULL, 0, "release"), 0);
  CU_ASSERT_EQUAL(kt_wait(&waiter), 0);
  KT_OK(kobjns_sync_close(m));
}

/* The slot of namespace `ns` in the page's namespace table (format.h), or of a free one. */
static uint32_t namespace_slot(int fd, off_t at, uint64_t ns) {
  kobjns__sync_state st;
  CU_ASSERT_FATAL(pread(fd, &st, sizeof st, at) == (ssize_t)sizeof st);
  uint32_t i = 0;
  while (i < KOBJNS__SYNC_NAMESPACES && st.namespaces[i] != ns) i++;
  return i;
}

/* The guard word holds a thread id and its pid namespace's tag. A tag used to be a 9-bit hash of
 * the namespace: two containers sharing /dev/shm could have the same one, and a thread id free in
 * one may be a live thread in the other, which took the word for proof that its holder was dead.
 * Now a tag is a slot of the page's namespace table, claimed once per namespace: a word whose
 * slot holds another namespace, or that has no slot, is never taken over (the wait ends at its
 * time, 258, without it); a word of our slot whose thread is gone is. */
static void guard_word_names_its_namespace(void) {
  int fd;
  off_t at = 0;
  const char *name = kt_name("guardns");
  kobjns_sync *m = mutex_and_state(name, 0, &fd, &at);
  kt_proc waiter;
  CU_ASSERT_FATAL(kt_spawn(&waiter, kt_runner_session(), -1));
  KT_STATUS(kt_cmd(&waiter, NULL, 0, "mutexopen %s " SYNC, name), 0);
  struct stat ns;
  CU_ASSERT_FATAL(stat("/proc/self/ns/pid", &ns) == 0);
  uint32_t ours = namespace_slot(fd, at, (uint64_t)ns.st_ino); /* claimed by our create */
  uint32_t other = namespace_slot(fd, at, 0);
  CU_ASSERT_FATAL(ours < KOBJNS__SYNC_NAMESPACES && other < KOBJNS__SYNC_NAMESPACES);
  /* Another container's namespace, in a slot of its own. */
  uint64_t theirs = (uint64_t)ns.st_ino + 1;
  CU_ASSERT(pwrite(fd, &theirs, sizeof theirs,
                   at + (off_t)offsetof(kobjns__sync_state, namespaces[other])) ==
            (ssize_t)sizeof theirs);
  uint32_t tid = 4190000; /* an id no thread has here */
  while (kill((pid_t)tid, 0) == 0 || errno != ESRCH) tid++;
  /* Free, but marked as waited for: a wait goes through the guard (a free unmarked lock is taken
   * with one swap, without it). */
  poke32(fd, at, offsetof(kobjns__sync_state, lock), 0x80000000u);
  poke32(fd, at, offsetof(kobjns__sync_state, guard), tid | (other + 1) << 22);
  /* Their thread: unknown here, alive. */
  KT_STATUS(kt_cmd(&waiter, NULL, 0, "wait 100"), KOBJNS_WAIT_TIMEOUT);
  poke32(fd, at, offsetof(kobjns__sync_state, guard), tid | 0x1FFu << 22);
  /* No namespace slot: nobody can tell, alive. */
  KT_STATUS(kt_cmd(&waiter, NULL, 0, "wait 100"), KOBJNS_WAIT_TIMEOUT);
  poke32(fd, at, offsetof(kobjns__sync_state, guard), tid | (ours + 1) << 22);
  /* Ours, and gone: taken over; the mutex was free. */
  KT_STATUS(kt_cmd(&waiter, NULL, 0, "wait 1000"), 0);
  KT_STATUS(kt_cmd(&waiter, NULL, 0, "release"), 0);
  CU_ASSERT_EQUAL(kt_wait(&waiter), 0);
  close(fd);
  KT_OK(kobjns_wait(m, 0));
  KT_OK(kobjns_mutex_release(m));
  KT_OK(kobjns_sync_close(m));
}

/* --- a guard kept by someone else --------------------------------------------------------------
 */

/* The identity the platform gives the calling thread, as the page stores it. */
static kobjns__stored_thread this_thread(void) {
  kobjns__plat_thread t;
  kobjns__plat_thread_self(&t);
  return (kobjns__stored_thread){
      .tid = t.tid, .pid = t.pid, .start = t.start, .ns = t.ns, .image = t.image};
}

/* A new event `name` (set, automatic) and its state page (*fd, *at), and the tag of our pid
 * namespace in its guard words (*tag). */
static kobjns_sync *event_and_state(const char *name, const char *sddl, int *fd, off_t *at,
                                    uint32_t *tag) {
  kobjns_sync *e = NULL;
  KT_OK(kobjns_event_create(NULL, name, 0, 1, sddl, &e));
  *fd = open_state(name, at);
  CU_ASSERT_FATAL(e != NULL && *fd >= 0);
  struct stat ns;
  CU_ASSERT_FATAL(stat("/proc/self/ns/pid", &ns) == 0);
  *tag = namespace_slot(*fd, *at, (uint64_t)ns.st_ino) + 1;
  return e;
}

/* Writes guard word `word` and guard holder record `who` into the page at `at`. */
static void keep_guard(int fd, off_t at, uint32_t word, const kobjns__stored_thread *who) {
  CU_ASSERT(pwrite(fd, who, sizeof *who, at + (off_t)offsetof(kobjns__sync_state, guard_holder)) ==
            (ssize_t)sizeof *who);
  poke32(fd, at, offsetof(kobjns__sync_state, guard), word);
}

/* Milliseconds a child takes to answer a command, with its status in *rc. */
static double timed_cmd(kt_proc *p, int *rc, const char *command) {
  double start = kt_now_ms();
  *rc = kt_cmd(p, NULL, 0, "%s", command);
  return kt_now_ms() - start;
}

/* Any user who may use an object may write its page, so its guard can be kept for ever: a word
 * forged to name a live thread, or a holder stopped inside (SIGSTOP, a debugger, a frozen
 * cgroup). Nothing that another process does makes a call outlast its time: a wait ends with 258
 * at its time (a small slack for a guard legitimately held for microseconds), and a release, set
 * or post answers 1460 after a second, having changed nothing. */
static void a_kept_guard_holds_no_call_past_its_time(void) {
  int fd;
  off_t at = 0;
  const char *ename = kt_name("keptev"), *mname = kt_name("keptmx");
  uint32_t tag;
  kobjns_sync *e = event_and_state(ename, "D:(A;;GA;;;WD)", &fd, &at, &tag);
  kt_proc victim;
  CU_ASSERT_FATAL(kt_spawn(&victim, kt_runner_session(), -1));
  KT_STATUS(kt_cmd(&victim, NULL, 0, "eventopen %s 0x1F0003", ename), 0); /* EVENT_ALL_ACCESS */
  /* Kept by a live thread of ours (this one), as its record says: never presumed dead. */
  kobjns__stored_thread me = this_thread();
  keep_guard(fd, at, me.tid | tag << 22, &me);
  int rc;
  double ms = timed_cmd(&victim, &rc, "wait 100");
  KT_STATUS(rc, KOBJNS_WAIT_TIMEOUT);
  CU_ASSERT(ms >= 100 && ms < 1000);
  ms = timed_cmd(&victim, &rc, "wait 0");
  KT_STATUS(rc, KOBJNS_WAIT_TIMEOUT);
  CU_ASSERT(ms < 1000);
  ms = timed_cmd(&victim, &rc, "set");
  KT_STATUS(rc, KOBJNS_TIMEOUT);
  CU_ASSERT(ms >= 1000 && ms < 3000);
  /* Let go: the event is as it was (set), and the same calls work. */
  poke32(fd, at, offsetof(kobjns__sync_state, guard), 0);
  KT_STATUS(kt_cmd(&victim, NULL, 0, "wait 1000"), 0);
  close(fd);
  /* A mutex released while its guard is kept stays its owner's, who can release it later. */
  kobjns_sync *m = NULL;
  KT_OK(kobjns_mutex_create(NULL, mname, 0, "D:(A;;GA;;;WD)", &m));
  fd = open_state(mname, &at);
  CU_ASSERT_FATAL(fd >= 0);
  KT_STATUS(kt_cmd(&victim, NULL, 0, "mutexopen %s " SYNC, mname), 0);
  KT_STATUS(kt_cmd(&victim, NULL, 0, "wait 0"), 0);
  poke32(fd, at, offsetof(kobjns__sync_state, lock),
         peek32(fd, at, offsetof(kobjns__sync_state, lock)) | 0x80000000u); /* "waited for" */
  keep_guard(fd, at, me.tid | tag << 22, &me);
  KT_STATUS(kt_cmd(&victim, NULL, 0, "release"), KOBJNS_TIMEOUT);
  poke32(fd, at, offsetof(kobjns__sync_state, guard), 0);
  KT_STATUS(kt_cmd(&victim, NULL, 0, "release"), 0);
  CU_ASSERT_EQUAL(kt_wait(&victim), 0);
  close(fd);
  KT_OK(kobjns_sync_close(m));
  KT_OK(kobjns_sync_close(e));
}

/* A queued waiter whose guard is then kept by someone else still ends at its time: it cannot
 * take the guard to leave the queue, so it marks its slot with one swap, and the next holder of
 * the guard frees that slot. A set made afterwards is not handed to the waiter that left: it
 * stays in the event for the next wait. */
static void a_waiter_leaves_a_kept_queue(void) {
  int fd;
  off_t at = 0;
  uint32_t tag;
  const char *name = kt_name("leftq");
  kobjns_sync *e = event_and_state(name, "D:(A;;GA;;;WD)", &fd, &at, &tag);
  KT_OK(kobjns_event_reset(e));
  kt_proc waiter;
  CU_ASSERT_FATAL(kt_spawn(&waiter, kt_runner_session(), -1));
  KT_STATUS(kt_cmd(&waiter, NULL, 0, "eventopen %s " SYNC, name), 0);
  kt_send(&waiter, "wait 400");
  CU_ASSERT(kt_until_asleep(&waiter)); /* queued, asleep on its slot */
  CU_ASSERT(peek32(fd, at, offsetof(kobjns__sync_state, in_use)) != 0);
  kobjns__stored_thread me = this_thread();
  keep_guard(fd, at, me.tid | tag << 22, &me);
  double start = kt_now_ms();
  KT_STATUS(kt_recv(&waiter, NULL, 0), KOBJNS_WAIT_TIMEOUT);
  CU_ASSERT(kt_now_ms() - start < 1500);
  kobjns__sync_state st;
  CU_ASSERT_FATAL(pread(fd, &st, sizeof st, at) == (ssize_t)sizeof st);
  unsigned left = 0;
  for (int i = 0; i < KOBJNS__SYNC_SLOTS; i++) left += st.slots[i].state == KOBJNS__SLOT_LEFT;
  CU_ASSERT_EQUAL(left, 1);
  poke32(fd, at, offsetof(kobjns__sync_state, guard), 0);
  KT_OK(kobjns_event_set(e)); /* frees the slot that was left; nobody waits */
  CU_ASSERT_EQUAL(peek32(fd, at, offsetof(kobjns__sync_state, in_use)), 0);
  KT_OK(kobjns_wait(e, 0)); /* the set stayed in the event */
  CU_ASSERT_EQUAL(kt_wait(&waiter), 0);
  close(fd);
  KT_OK(kobjns_sync_close(e));
}

/* The attack as it happens: another user, let in by the descriptor, gets its own process
 * stopped inside the guard (SIGSTOP, a debugger, a frozen cgroup) while it sets the event over
 * and over. The root service's wait still ends at its time (258), and its set answers 1460. */
static void a_stopped_holder_of_another_user_holds_no_call(void) {
  const char *name = kt_name("stopped");
  kobjns_sync *e = NULL;
  KT_OK(kobjns_event_create(NULL, name, 1, 0, "D:(A;;GA;;;WD)", &e));
  off_t at = 0;
  int fd = open_state(name, &at);
  CU_ASSERT_FATAL(fd >= 0);
  kt_proc attacker;
  CU_ASSERT_FATAL(kt_spawn(&attacker, kt_runner_session(), 65534));
  KT_STATUS(kt_cmd(&attacker, NULL, 0, "eventopen %s 0x1F0003", name), 0);
  kt_send(&attacker, "setloop 1000000000");
  /* Stopped while its word is in the guard: tried a few hundred times; on a busy machine it may
   * not land inside, and then the word is written for the stopped process, which is the same
   * page, and the same live, stopped holder, that the victim meets. */
  bool caught = false, stopped = false;
  for (int tries = 0; tries < 300 && !caught; tries++) {
    kill((pid_t)attacker.pid, SIGSTOP);
    int st = 0;
    stopped = waitpid((pid_t)attacker.pid, &st, WUNTRACED) == (pid_t)attacker.pid && WIFSTOPPED(st);
    if (!stopped) break;
    caught =
        (peek32(fd, at, offsetof(kobjns__sync_state, guard)) & 0x3FFFFFu) == (uint32_t)attacker.pid;
    if (!caught && tries < 299) kill((pid_t)attacker.pid, SIGCONT);
  }
  CU_ASSERT(stopped);
  if (!caught) {
    struct stat ns;
    CU_ASSERT(stat("/proc/self/ns/pid", &ns) == 0);
    uint32_t tag = namespace_slot(fd, at, (uint64_t)ns.st_ino) + 1;
    poke32(fd, at, offsetof(kobjns__sync_state, guard), (uint32_t)attacker.pid | tag << 22);
  }
  double start = kt_now_ms();
  KT_STATUS(kobjns_wait(e, 100), KOBJNS_WAIT_TIMEOUT);
  double waited = kt_now_ms() - start;
  CU_ASSERT(waited >= 100 && waited < 1000);
  start = kt_now_ms();
  KT_STATUS(kobjns_event_reset(e), KOBJNS_TIMEOUT);
  CU_ASSERT(kt_now_ms() - start < 3000);
  kt_kill(&attacker); /* dead inside the guard: taken over by the next call */
  KT_OK(kobjns_event_reset(e));
  KT_STATUS(kobjns_wait(e, 0), KOBJNS_WAIT_TIMEOUT);
  close(fd);
  KT_OK(kobjns_sync_close(e));
}

/* A thread that finds its own word in the guard is inside a change of that object already (a
 * signal handler interrupted it there): it answers 1131 at once, never deadlocks on itself. */
static void a_thread_inside_the_guard_is_not_deadlocked(void) {
  int fd;
  off_t at = 0;
  uint32_t tag;
  kobjns_sync *e = event_and_state(kt_name("selfguard"), NULL, &fd, &at, &tag);
  kobjns__stored_thread me = this_thread();
  keep_guard(fd, at, me.tid | tag << 22, &me); /* as if this thread were inside, interrupted */
  KT_STATUS(kobjns_wait(e, KOBJNS_INFINITE), KOBJNS_POSSIBLE_DEADLOCK);
  KT_STATUS(kobjns_event_set(e), KOBJNS_POSSIBLE_DEADLOCK);
  poke32(fd, at, offsetof(kobjns__sync_state, guard), 0);
  KT_OK(kobjns_wait(e, 0));
  close(fd);
  KT_OK(kobjns_sync_close(e));
}

/* A guard whose holder died and whose id now belongs to another live thread: the holder's record
 * (its start time) says the word's thread is not the one running under that id now, so the
 * guard is taken over, not waited for until the object is removed. */
static void a_reused_id_does_not_keep_the_guard(void) {
  int fd;
  off_t at = 0;
  const char *name = kt_name("reused");
  uint32_t tag;
  kobjns_sync *e = event_and_state(name, "D:(A;;GA;;;WD)", &fd, &at, &tag);
  kt_proc waiter;
  CU_ASSERT_FATAL(kt_spawn(&waiter, kt_runner_session(), -1));
  KT_STATUS(kt_cmd(&waiter, NULL, 0, "eventopen %s " SYNC, name), 0);
  kobjns__stored_thread dead = this_thread(); /* this thread's id, an earlier start: not it */
  dead.start = dead.start > 1 ? dead.start - 1 : dead.start + 1;
  keep_guard(fd, at, dead.tid | tag << 22, &dead);
  KT_STATUS(kt_cmd(&waiter, NULL, 0, "wait 2000"), 0); /* taken over; the event was set */
  CU_ASSERT_EQUAL(kt_wait(&waiter), 0);
  close(fd);
  KT_OK(kobjns_sync_close(e));
}

/* A mutex owned by a thread of another pid namespace (a container sharing /dev/shm): its
 * namespace claims a slot of its own in the page, and its ids mean nothing here: while it runs, a
 * wait times out (258), whatever thread of ours has the same id. When its process ends, the
 * kernel drops its image's lock on the shared directory, which every namespace sees: that, never
 * the ids, proves it gone, and the next wait gets the mutex abandoned (735). */
static void owner_in_another_pid_namespace(void) {
  int fd;
  off_t at = 0;
  const char *name = kt_name("pidns");
  kobjns_sync *m = mutex_and_state(name, 0, &fd, &at);
  kt_proc owner;
  CU_ASSERT_FATAL(kt_spawn_pid_namespace(&owner, kt_runner_session()));
  int rc = kt_cmd(&owner, NULL, 0, "mutexopen %s " SYNC, name);
  if (rc == -1000) { /* the kernel refused a new pid namespace */
    CU_ASSERT_EQUAL(kt_wait(&owner), 77);
    close(fd);
    KT_OK(kobjns_sync_close(m));
    return;
  }
  KT_OK(rc);
  KT_OK(kt_cmd(&owner, NULL, 0, "wait 0")); /* owned by its thread 1 */
  KT_STATUS(kobjns_wait(m, 200), KOBJNS_WAIT_TIMEOUT);
  kobjns__sync_state st;
  CU_ASSERT(pread(fd, &st, sizeof st, at) == (ssize_t)sizeof st);
  CU_ASSERT(st.namespaces[0] != 0 && st.namespaces[1] != 0 &&
            st.namespaces[0] != st.namespaces[1]); /* ours and theirs: one slot each */
  CU_ASSERT_EQUAL(st.owner.tid, 1);                /* a container's init */
  CU_ASSERT(st.owner.image != 0);
  KT_STATUS(kobjns_wait(m, 200), KOBJNS_WAIT_TIMEOUT); /* asked again: alive */
  KT_STATUS(kt_cmd(&owner, NULL, 0, "exit"), -1000);   /* ends owning it */
  CU_ASSERT_EQUAL(kt_wait(&owner), 0);
  KT_STATUS(kobjns_wait(m, 200), KOBJNS_ABANDONED_WAIT_0);
  KT_OK(kobjns_mutex_release(m));
  close(fd);
  KT_OK(kobjns_sync_close(m));
}

/* --- hostile values in a sync page ------------------------------------------------------------ */

/* Counts no kobjns state can have (written by anyone who may use the semaphore) answer 1392 and
 * change nothing; count + release beyond INT32_MAX is counted in 64 bits (298), never overflowed.
 */
static void semaphore_refuses_corrupt_counts(void) {
  const char *name = kt_name("semcorrupt");
  kobjns_sync *s = NULL;
  KT_OK(kobjns_semaphore_create(NULL, name, 0, 10, NULL, &s));
  off_t at = 0;
  int fd = open_state(name, &at);
  CU_ASSERT_FATAL(fd >= 0);
  static const int32_t bad[][2] = {{-10, INT32_MAX}, {INT32_MIN, 5}, {5, 3},
                                   {0, 0},           {0, -1},        {INT32_MAX, INT32_MIN}};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    poke32(fd, at, offsetof(kobjns__sync_state, count), (uint32_t)bad[i][0]);
    poke32(fd, at, offsetof(kobjns__sync_state, maximum), (uint32_t)bad[i][1]);
    int32_t previous = 77;
    KT_STATUS(kobjns_semaphore_release(s, 1, &previous), KOBJNS_FILE_CORRUPT);
    KT_STATUS(kobjns_semaphore_release(s, INT32_MAX, &previous), KOBJNS_FILE_CORRUPT);
    CU_ASSERT_EQUAL(previous, 77);
  }
  poke32(fd, at, offsetof(kobjns__sync_state, count), (uint32_t)(INT32_MAX - 1));
  poke32(fd, at, offsetof(kobjns__sync_state, maximum), (uint32_t)INT32_MAX);
  KT_STATUS(kobjns_semaphore_release(s, INT32_MAX, NULL), KOBJNS_TOO_MANY_POSTS);
  int32_t previous = 0;
  KT_OK(kobjns_semaphore_release(s, 1, &previous));
  CU_ASSERT_EQUAL(previous, INT32_MAX - 1);
  close(fd);
  KT_OK(kobjns_sync_close(s));
}

/* A mutex the page says we own with no level is given back (1392), never left owned for ever. */
static void mutex_without_levels_is_given_back(void) {
  int fd;
  off_t at = 0;
  kobjns_sync *m = mutex_and_state(kt_name("mxcorrupt"), 1, &fd, &at);
  poke32(fd, at, offsetof(kobjns__sync_state, recursion), 0);
  KT_STATUS(kobjns_mutex_release(m), KOBJNS_FILE_CORRUPT);
  KT_STATUS(kobjns_mutex_release(m), KOBJNS_NOT_OWNER);
  KT_OK(kobjns_wait(m, 0));
  KT_OK(kobjns_mutex_release(m));
  close(fd);
  KT_OK(kobjns_sync_close(m));
}

/* --- publication ------------------------------------------------------------------------------ */

typedef struct unlink_later {
  const char *path;
  unsigned ms;
} unlink_later;

static void *unlink_after(void *arg) {
  unlink_later *u = arg;
  kt_pause_ms(u->ms);
  unlink(u->path);
  return NULL;
}

/* Without renameat2(RENAME_NOREPLACE) a creator links its temporary file under the name, then
 * removes the temporary name: for a moment the object has two names, and openers refuse objects
 * with two names that others may write (a planted link). An opener that meets that moment waits
 * for the second name to go (bounded) instead of answering 5; a second name that stays is still
 * refused. */
static void second_name_of_a_publication_goes(void) {
  const char *name = kt_name("twonames");
  kobjns_section *s = NULL, *o = NULL;
  KT_OK(kobjns_section_create(NULL, name, 4096, KOBJNS_MAP_WRITE, "D:NO_ACCESS_CONTROL", &s));
  char path[1024], tmp[1100];
  kobjns_ctx *ctx = kt_ctx(kt_runner_session(), false);
  kt_native_path(ctx, name, path, sizeof path);
  kobjns_ctx_free(ctx);
  char prefix[64];
  kt_tree_prefix(getenv("KOBJNS_ROOT"), prefix, sizeof prefix);
  snprintf(tmp, sizeof tmp, "/dev/shm/%stmp.%ld.0.0", prefix, (long)getpid());
  CU_ASSERT_FATAL(link(path, tmp) == 0);
  unlink_later u = {tmp, 100};
  kt_thread *t = kt_thread_start(unlink_after, &u);
  KT_OK(kobjns_section_open(NULL, name, KOBJNS_MAP_READ, &o)); /* was 5 */
  kt_thread_join(t);
  if (o) KT_OK(kobjns_section_close(o));
  o = NULL;
  CU_ASSERT_FATAL(link(path, tmp) == 0); /* a link that stays */
  double start = kt_now_ms();
  KT_STATUS(kobjns_section_open(NULL, name, KOBJNS_MAP_READ, &o), KOBJNS_ACCESS_DENIED);
  CU_ASSERT(kt_now_ms() - start < 3000); /* bounded */
  unlink(tmp);
  KT_OK(kobjns_section_close(s));
}

/* --- teardown --------------------------------------------------------------------------------- */

/* The library's teardown (its destructor: exit(), dlclose()) runs while other threads may still
 * be inside a call. It used to close the shm directory under them. Now a call holds it: teardown
 * leaves a held descriptor open, and every later call is refused instead of using it. In a
 * forked child, which then ends without its exit handlers. */
static void teardown_keeps_a_held_directory(void) {
  const char *name = kt_name("teardown");
  pid_t pid = fork();
  CU_ASSERT_FATAL(pid >= 0);
  if (pid == 0) {
    int code = 0;
    kobjns_section *s = NULL;
    int dir = kobjns__shm_dir_hold(); /* a call in progress */
    if (dir < 0) _exit(10);
    kobjns__shm_release();                      /* the destructor, meanwhile */
    if (fcntl(dir, F_GETFD) < 0) code |= 1;     /* still open for the call */
    kobjns__shm_dir_drop();                     /* the call ends */
    if (kobjns__shm_dir_hold() >= 0) code |= 2; /* later calls are refused */
    int rc = kobjns_section_create(NULL, name, 4096, KOBJNS_MAP_WRITE, NULL, &s);
    if (rc == 0 || rc == KOBJNS_ALREADY_EXISTS) code |= 4; /* ... never served */
    _exit(code);
  }
  int st = 0;
  CU_ASSERT_EQUAL(waitpid(pid, &st, 0), pid);
  CU_ASSERT(WIFEXITED(st));
  CU_ASSERT_EQUAL(WEXITSTATUS(st), 0);
  kobjns_section *s = NULL; /* and nothing was made under the name */
  KT_STATUS(kobjns_section_open(NULL, name, KOBJNS_MAP_READ, &s), KOBJNS_FILE_NOT_FOUND);
}

/* A sweep opens a name, finds its file free and removes the name. Between its open and its lock
 * the file can lose its last holder, who removes the name, and the name be given to a new object:
 * the sweep then holds the lock of a file that has no name, and must not remove the new object's
 * (it judged by the link count of its first look, which showed one: the stress program found
 * held names gone, and two objects under one name, while another program loaded the machine). */
static void a_sweep_never_removes_a_name_given_again(void) {
  const char *name = kt_name("sweptagain");
  kobjns_ctx *ctx = kt_ctx(kt_runner_session(), false);
  char path[1024];
  kt_native_path(ctx, name, path, sizeof path);
  kobjns_section *first = NULL, *second = NULL, *again = NULL;
  KT_OK(kobjns_section_create(ctx, name, 4096, KOBJNS_MAP_WRITE, NULL, &first));
  int fd = open(path, O_RDONLY | O_CLOEXEC); /* the sweep's open, and its first look */
  struct stat seen;
  CU_ASSERT_FATAL(fd >= 0 && fstat(fd, &seen) == 0);
  CU_ASSERT_EQUAL(seen.st_nlink, 1);
  KT_OK(kobjns_section_close(first)); /* the last holder: the name goes */
  KT_OK(kobjns_section_create(ctx, name, 4096, KOBJNS_MAP_WRITE, NULL, &second)); /* anew */
  const char *native = strrchr(path, '/') + 1;
  CU_ASSERT_EQUAL(kobjns__object_remove_stale(fd, native), 0);
  close(fd);
  KT_OK(kobjns_section_open(ctx, name, KOBJNS_MAP_READ, &again)); /* still named */
  if (again) KT_OK(kobjns_section_close(again));
  KT_OK(kobjns_section_close(second));
  kobjns_ctx_free(ctx);
}

/* --- the generic platform's wake-up sockets -----------------------------------------------------
 */

#define WAKE_SOCKETS 64
typedef struct sockets {
  char names[WAKE_SOCKETS][32];
  size_t count;
} sockets;

static sockets wake_sockets(void) {
  sockets s = {.count = 0};
  DIR *d = opendir(kobjns__plat_shm_path());
  for (struct dirent *e; d && (e = readdir(d)) && s.count < WAKE_SOCKETS;)
    if (!strncmp(e->d_name, "kobjns-wake-", 12) && strlen(e->d_name) < sizeof s.names[0])
      strcpy(s.names[s.count++], e->d_name);
  if (d) closedir(d);
  return s;
}

static bool listed(const sockets *s, const char *name) {
  for (size_t i = 0; i < s->count; i++)
    if (!strcmp(s->names[i], name)) return true;
  return false;
}

/* Whether socket `name` of the object directory refuses a byte: nobody has it. */
static bool refused(const char *name) {
  struct sockaddr_un a = {.sun_family = AF_UNIX};
  snprintf(a.sun_path, sizeof a.sun_path, "%s/%s", kobjns__plat_shm_path(), name);
  int fd = socket(AF_UNIX, SOCK_DGRAM, 0);
  char byte = 0;
  bool no = fd >= 0 && sendto(fd, &byte, 1, 0, (struct sockaddr *)&a, sizeof a) < 0 &&
            errno == ECONNREFUSED;
  if (fd >= 0) close(fd);
  return no;
}

/* A sleeper sleeps in poll(2) on a socket of the object directory (posix/platform-generic.c): a
 * killed one leaves its socket, which the sweep removes, and its entry in the object's page,
 * which keeps no later sleeper from being woken. */
static void a_killed_sleepers_socket_is_swept(void) {
  const char *name = kt_name("wakesweep");
  kobjns_sync *e = NULL;
  KT_OK(kobjns_event_create(NULL, name, 0, 0, NULL, &e));
  sockets before = wake_sockets();
  kt_proc sleeper, next;
  CU_ASSERT_FATAL(kt_spawn(&sleeper, kt_runner_session(), -1));
  KT_STATUS(kt_cmd(&sleeper, NULL, 0, "eventopen %s " SYNC, name), 0);
  kt_send(&sleeper, "wait inf");
  sockets asleep = wake_sockets();
  for (int i = 0; i < 400 && asleep.count <= before.count; i++) {
    kt_pause_ms(5);
    asleep = wake_sockets();
  }
  kt_kill(&sleeper);
  size_t dead = 0;
  for (size_t i = 0; i < asleep.count; i++)
    dead += !listed(&before, asleep.names[i]) && refused(asleep.names[i]);
  CU_ASSERT(dead >= 1); /* the sleeper's, refused once it was killed */
  KT_OK(kobjns_cleanup(NULL));
  sockets after = wake_sockets();
  for (size_t i = 0; i < after.count; i++)
    if (!listed(&before, after.names[i]) && refused(after.names[i])) {
      fprintf(stderr, "\n  left after the sweep: %s\n", after.names[i]);
      CU_FAIL("a dead sleeper's socket was left");
    }
  CU_ASSERT_FATAL(kt_spawn(&next, kt_runner_session(), -1));
  KT_STATUS(kt_cmd(&next, NULL, 0, "eventopen %s " SYNC, name), 0);
  kt_send(&next, "wait 20000");
  kt_pause_ms(100);
  KT_OK(kobjns_event_set(e));
  KT_STATUS(kt_recv(&next, NULL, 0), 0);
  CU_ASSERT_EQUAL(kt_wait(&next), 0);
  KT_OK(kobjns_sync_close(e));
}

/* --- two layouts, one tree ---------------------------------------------------------------------
 * A linux build (an object is one file) and a generic one (a name apart from its bytes) on one
 * machine, in one tree: each layout's names have a prefix of their own, so neither takes the
 * other's files for its own (read, one would be corrupt: 1392; removed as stale, a generic
 * name would leave its bytes where nothing finds them). Both make and let go of a section of one
 * name and the marker of one session, at once: every create is new (0, never 183). */

/* For `ms` milliseconds: contexts moved to `session` and a section `name` made there, and let go:
 * the calls that did not answer 0. */
static unsigned churn(const char *name, uint32_t session, double ms) {
  unsigned bad = 0;
  for (double end = kt_now_ms() + ms; kt_now_ms() < end;) {
    kobjns_ctx *ctx = NULL;
    if (kobjns_ctx_new(&ctx)) {
      bad++;
      continue;
    }
    kobjns_section *s = NULL;
    bad += kobjns_ctx_set_session(ctx, session) != 0;
    bad += kobjns_section_create(ctx, name, 4096, KOBJNS_MAP_WRITE, NULL, &s) != 0;
    if (s) kobjns_section_close(s);
    kobjns_ctx_free(ctx);
  }
  return bad;
}

/* `--kid layout NAME SESSION MS`: the exit code is the calls that failed (at most 100). */
int kt_layout_kid(int argc, char **argv) {
  if (argc != 6) return 101;
  unsigned bad = churn(argv[3], (uint32_t)strtoul(argv[4], NULL, 10), atof(argv[5]));
  return bad > 100 ? 100 : (int)bad;
}

static void two_layouts_keep_to_their_own_files(void) {
  const char *other = getenv("KOBJNS_TEST_OTHER_LAYOUT"), *name = kt_name("layouts");
  uint32_t session = kt_unused_session();
  char line[2048];
  snprintf(line, sizeof line, "\"%s\" --kid layout \"%s\" %u 1500", other, name, (unsigned)session);
  kobjns_process_start start = {.command_line = line};
  kobjns_sync *p = NULL;
  KT_OK(kobjns_process_create(&start, &p, NULL, NULL, NULL));
  CU_ASSERT_EQUAL(churn(name, session, 1500), 0);
  KT_OK(kobjns_wait(p, 60000));
  uint32_t failed = 999;
  KT_OK(kobjns_process_exit_code(p, &failed));
  CU_ASSERT_EQUAL(failed, 0); /* the other layout's calls */
  KT_OK(kobjns_close(p));
  /* Nothing of either layout is left: names, markers (bytes: the runner's leftover check). */
  char ours[64], marker[64];
  kt_tree_prefix(getenv("KOBJNS_ROOT"), ours, sizeof ours);
  snprintf(marker, sizeof marker, "session.%u", (unsigned)session);
  const char *tree = strchr(ours, '.'); /* ".<root>.", in both layouts' names */
  DIR *d = opendir("/dev/shm");
  CU_ASSERT_FATAL(d != NULL);
  unsigned left = 0;
  for (struct dirent *e; (e = readdir(d));)
    if (!strncmp(e->d_name, "kobjns", 6) && strstr(e->d_name, tree) &&
        (strstr(e->d_name, marker) || strstr(e->d_name, "layouts"))) {
      fprintf(stderr, "left in /dev/shm: %s\n", e->d_name);
      left++;
    }
  closedir(d);
  CU_ASSERT_EQUAL(left, 0);
}

void kt_add_platform(CU_pSuite suite) {
  kt_add(suite, "a linux and a generic build use one tree at once, each its own files",
         two_layouts_keep_to_their_own_files, KT_NEEDS_OTHER_LAYOUT | KT_NEEDS_SESSIONS);
  kt_add(suite, "a killed sleeper's wake-up socket is swept; its entry keeps no sleeper asleep",
         a_killed_sleepers_socket_is_swept, KT_NEEDS_FORK | KT_NEEDS_WAKE_SOCKETS);
  kt_add(suite, "a sweep never removes a name given to a new object since its first look",
         a_sweep_never_removes_a_name_given_again, KT_NEEDS_SHM_FILES);
  const char *hidden = kt_is_root() && !kt_can_hide_proc()
                           ? "the kernel refuses to mount /proc hidepid=2 here (CAP_SYS_ADMIN?)"
                           : NULL;
  if (hidden)
    printf("SKIP: a hidden owner is alive: %s\n", hidden);
  else
    kt_add(suite,
           "with /proc hidepid=2, another uid's waiter times out (258), the owner releases (0)",
           hidden_owner_is_alive, KT_NEEDS_ROOT);
  kt_add(suite, "a guard kept by someone else holds no call past its time (258, 1460)",
         a_kept_guard_holds_no_call_past_its_time, 0);
  kt_add(suite, "a queued waiter whose guard is kept leaves at its time; its slot is freed later",
         a_waiter_leaves_a_kept_queue, 0);
  kt_add(suite, "another user stopped inside the guard holds no call of root's (258, 1460)",
         a_stopped_holder_of_another_user_holds_no_call, KT_NEEDS_ROOT | KT_NEEDS_KERNEL_IDS);
  kt_add(suite, "a thread inside the guard (a signal handler) gets 1131, never a deadlock",
         a_thread_inside_the_guard_is_not_deadlocked, KT_NEEDS_KERNEL_IDS);
  kt_add(suite, "a dead guard holder whose id was reused does not keep the guard",
         a_reused_id_does_not_keep_the_guard, KT_NEEDS_KERNEL_IDS);
  kt_add(suite, "a guard word names its namespace by a slot: another's is never taken over",
         guard_word_names_its_namespace, KT_NEEDS_ROOT | KT_NEEDS_SHM_FILES | KT_NEEDS_KERNEL_IDS);
  kt_add(suite,
         "an owner in another pid namespace: its own slot, 258 while it runs, 735 once its "
         "image's lock is gone",
         owner_in_another_pid_namespace, KT_NEEDS_ROOT | KT_NEEDS_SHM_FILES | KT_NEEDS_KERNEL_IDS);
  kt_add(suite, "a semaphore's corrupt count or maximum answers 1392, counts in 64 bits",
         semaphore_refuses_corrupt_counts, KT_NEEDS_SHM_FILES);
  kt_add(suite, "a mutex owned with no level is given back (1392), not left owned",
         mutex_without_levels_is_given_back, KT_NEEDS_SHM_FILES);
  kt_add(suite, "the second name of a link-then-unlink publication is waited for, not refused",
         second_name_of_a_publication_goes, KT_NEEDS_ROOT | KT_NEEDS_SHM_FILES | KT_NEEDS_ONE_FILE);
  kt_add(suite, "teardown leaves the shm directory to a call inside it and refuses later calls",
         teardown_keeps_a_held_directory, KT_NEEDS_FORK);
}
