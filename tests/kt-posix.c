/* The test kit, POSIX half: children by fork + exec (as other uids when root), the runner's own
 * namespace root, and objects left in /dev/shm. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pthread.h>
#include <sched.h>
#include <spawn.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kt.h"
#include "object.h"

static char run_id[32];

const char *kt_run_id(void) {
  if (!run_id[0]) snprintf(run_id, sizeof run_id, "%ld", (long)getpid());
  return run_id;
}

bool kt_is_root(void) { return geteuid() == 0; }
bool kt_sessions_simulated(void) { return true; }
bool kt_under_wine(void) { return false; }
uint32_t kt_runner_session(void) { return 0; }
const char *kt_platform_limit(unsigned needs) {
  static char why[256];
  const char *emulator = kt_emulator();
  if ((needs & KT_NEEDS_KERNEL_SLEEP) && emulator) {
    snprintf(why, sizeof why,
             "reads /proc/<pid>/task/<tid>/syscall, which under %s (KOBJNS_TEST_EMULATED) shows "
             "the emulator's system call in the host's numbering, not the program's: a futex "
             "wait is not recognised",
             emulator);
    return why;
  }
#ifdef KT_PLATFORM_GENERIC /* the generic platform (meson -Dposix_platform=generic) */
  if (needs & KT_NEEDS_LOCK_TABLE)
    return "the generic platform cannot list the system's locks: holders and stale objects are "
           "unknown to inspection";
  if (needs & KT_NEEDS_PROCESS_HANDLES)
    return "the generic platform cannot take another process's descriptors (pidfd_getfd): "
           "kobjns_duplicate_from and DuplicateHandle from another process give 50";
  if (needs & KT_NEEDS_PROCESS_FACTS)
    return "the generic platform cannot name another process's first thread (its thread ids "
           "are its own: 0) nor find the program's own directory (no /proc/self/exe: not searched)";
  if (needs & KT_NEEDS_REOPEN)
    return "the generic platform cannot reopen a descriptor, lock ranges of a description or "
           "tell copied pages: files' share modes, sections of files and copy-on-write give 50";
  if (needs & KT_NEEDS_ONE_FILE)
    return "objects are apart from their names on the generic platform (a name file, and a shm "
           "object its record names): a test that forges or rewrites one object file does not "
           "apply (the apart layout's own plants: security suite)";
  if (needs & KT_NEEDS_KERNEL_IDS)
    return "the generic platform's thread ids are its own (a process slot and an index), without "
           "start times or pid namespaces: the linux platform's liveness rows do not apply";
#else
  if (needs & KT_NEEDS_WAKE_SOCKETS)
    return "the linux platform's sleepers sleep in futexes: no wake-up sockets";
  if (needs & KT_NEEDS_APART)
    return "the linux platform keeps an object in one file (objects are apart from their names "
           "on the generic platform)";
#endif
  return NULL;
}

static char root[64];

void kt_runner_setup(void) {
  /* A namespace root of our own: parallel suites never meet, and leftovers are ours. */
  snprintf(root, sizeof root, "kt%s", kt_run_id());
  setenv("KOBJNS_ROOT", root, 1);
  setenv("KOBJNS_SESSION", "0", 1); /* the runner itself joins no session */
  signal(SIGPIPE, SIG_IGN);         /* a dead child fails a test, not the whole runner */
}

/* Objects of this run left in /dev/shm: each one is a leak (or a stale object) to report. */
void kt_tree_prefix(const char *tree_root, char *out, size_t size) {
#ifdef KT_PLATFORM_GENERIC /* names apart from their bytes: a layout of its own (posix/object.c)   \
                            */
  snprintf(out, size, "kobjnsa.%s.", tree_root);
#else
  snprintf(out, size, "kobjns.%s.", tree_root);
#endif
}

unsigned kt_leftovers(void) {
  char prefix[96], bytes[32];
  kt_tree_prefix(root, prefix, sizeof prefix);
  /* Where objects are apart from their names (the generic platform), their bytes are shm objects
   * "kobjns-<tree>-...", <tree> the FNV-1a hash of the root (posix/object.c), which Linux keeps in
   * /dev/shm too. */
  uint32_t tree = 2166136261u;
  for (const char *c = root; *c; c++) tree = (tree ^ (unsigned char)*c) * 16777619u;
  snprintf(bytes, sizeof bytes, "kobjns-%08x-", (unsigned)tree);
  DIR *d = opendir("/dev/shm");
  unsigned n = 0;
  if (!d) return 0;
  for (struct dirent *e; (e = readdir(d));) {
    if (strncmp(e->d_name, prefix, strlen(prefix)) && strncmp(e->d_name, bytes, strlen(bytes)))
      continue;
    fprintf(stderr, "left in /dev/shm: %s\n", e->d_name);
    unlinkat(dirfd(d), e->d_name, 0);
    n++;
  }
  closedir(d);
  return n;
}

static char self[4096] = "/proc/self/exe";

const char *kt_self(void) { return self; }

void kt_set_self(const char *argv0) {
  if (!realpath(argv0, self)) snprintf(self, sizeof self, "/proc/self/exe");
}

/* Other users may not reach the build tree (a clone under /root, say): give them copies, in one
 * directory of our own. */
static char shared_dir[64];
static char copies[2][256];

static const char *binary_for(long uid, const char *path) {
  if (uid < 0) return path;
  if (!shared_dir[0]) {
    char dir[] = "/tmp/kobjns-tests.XXXXXX";
    if (!mkdtemp(dir) || chmod(dir, 0755) < 0) return path;
    strcpy(shared_dir, dir);
  }
  char copy[256];
  snprintf(copy, sizeof copy, "%s/%s", shared_dir, strrchr(path, '/') + 1);
  size_t slot = 0;
  for (; slot < 2 && copies[slot][0]; slot++)
    if (!strcmp(copies[slot], copy)) return copies[slot];
  if (slot == 2) return path;
  int in = open(path, O_RDONLY | O_CLOEXEC);
  int out = open(copy, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0755);
  char buf[65536];
  ssize_t n;
  while (in >= 0 && out >= 0 && (n = read(in, buf, sizeof buf)) > 0)
    if (write(out, buf, (size_t)n) != n) break;
  if (in >= 0) close(in);
  if (out >= 0) close(out);
  strcpy(copies[slot], copy);
  return copies[slot];
}

const char *kt_self_for(long uid) { return binary_for(uid, kt_self()); }

void kt_cleanup(void) {
  kt_free_names();
  for (size_t i = 0; i < 2; i++)
    if (copies[i][0]) unlink(copies[i]), copies[i][0] = '\0';
  if (shared_dir[0]) rmdir(shared_dir), shared_dir[0] = '\0';
}

void kt_native_path(kobjns_ctx *ctx, const char *name, char *out, size_t size) {
  char path[1024];
  kobjns__name n = {0};
  if (kobjns_resolve(ctx, name, path, sizeof path, NULL) ||
      kobjns__resolve_name(ctx, name, KOBJNS__OPEN, &n)) {
    snprintf(out, size, "/nonexistent");
    return;
  }
  char native[KOBJNS__NATIVE_MAX + 1];
  kobjns__native_name(ctx ? &ctx->os.tree : kobjns__process_tree(), &n, native);
  snprintf(out, size, "/dev/shm/%s", native);
  kobjns__name_record r;
  int fd = open(out, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return;
  if (read(fd, &r, sizeof r) == (ssize_t)sizeof r && r.magic == KOBJNS__NAME_MAGIC &&
      memchr(r.data, '\0', sizeof r.data) && !strncmp(r.data, "/kobjns-", 8))
    snprintf(out, size, "/dev/shm%s", r.data); /* Linux keeps shm_open's objects there */
  close(fd);
}

/* In a child, before it drops to another uid: a private mount namespace with /proc mounted
 * hidepid=2 (systemd's ProtectProc=invisible), so that other users' processes are invisible. */
static bool hide_proc(void) {
  return unshare(CLONE_NEWNS) == 0 && mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0 &&
         mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, "hidepid=2") == 0;
}

/* In a child: a private mount namespace whose /dev/shm is a tmpfs of 4 MiB, to fill. */
static bool small_shm(void) {
  return unshare(CLONE_NEWNS) == 0 && mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0 &&
         mount("tmpfs", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, "size=4m,mode=1777") == 0;
}

bool kt_can_hide_proc(void) {
  if (geteuid() != 0) return false;
  pid_t pid = fork();
  if (pid < 0) return false;
  if (pid == 0) _exit(hide_proc() ? 0 : 1);
  int st = 0;
  while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

enum { HIDE_PROC = 1, NEW_PID_NAMESPACE = 2, SMALL_SHM = 4 };

static bool spawn(kt_proc *p, uint32_t session, long uid, const char *program, const char *arg,
                  unsigned how);

bool kt_spawn_hidden_proc(kt_proc *p, uint32_t session, long uid) {
  return spawn(p, session, uid, NULL, "--child", HIDE_PROC);
}

bool kt_spawn_small_shm(kt_proc *p, uint32_t session) {
  return spawn(p, session, -1, NULL, "--child", SMALL_SHM);
}

bool kt_spawn_pid_namespace(kt_proc *p, uint32_t session) {
  return spawn(p, session, -1, NULL, "--child", NEW_PID_NAMESPACE);
}

bool kt_spawn_program(kt_proc *p, uint32_t session, long uid, const char *program,
                      const char *arg) {
  return spawn(p, session, uid, program, arg, 0);
}

/* In a child: run `binary arg` as the first process of a new pid namespace (a container's init),
 * while this process stays, closes its ends of the pipes, and ends with its status (77 when the
 * kernel refuses). posix_spawn, not fork: a second fork would run the library's fork handlers
 * again in a process that is itself a forked copy. */
static void exec_in_pid_namespace(const char *binary, const char *arg) {
  if (unshare(CLONE_NEWPID) < 0) _exit(77);
  char *argv[] = {(char *)"kobjns-tests", (char *)arg, NULL};
  pid_t pid;
  if (posix_spawn(&pid, binary, NULL, NULL, argv, environ) != 0) _exit(77);
  close(0);
  close(1);
  int st = 0;
  while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
  }
  _exit(WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
}

static bool spawn(kt_proc *p, uint32_t session, long uid, const char *program, const char *arg,
                  unsigned how) {
  char path[4096];
  if (program)
    snprintf(path, sizeof path, "%.*s/%s", (int)(strrchr(self, '/') - self), self, program);
  else
    snprintf(path, sizeof path, "%s", self);
  const char *binary = binary_for(uid, path);
  int to[2], from[2];
  if (pipe(to) < 0 || pipe(from) < 0) return false;
  pid_t pid = fork();
  if (pid < 0) return false;
  if (pid == 0) {
    dup2(to[0], 0);
    dup2(from[1], 1);
    close(to[0]), close(to[1]), close(from[0]), close(from[1]);
    char s[16];
    snprintf(s, sizeof s, "%u", (unsigned)session);
    setenv("KOBJNS_SESSION", s, 1);
    if ((how & HIDE_PROC) && !hide_proc()) _exit(77);
    if ((how & SMALL_SHM) && !small_shm()) _exit(77);

    if (uid >= 0) {
      if (setgroups(0, NULL) < 0 || setresgid((gid_t)uid, (gid_t)uid, (gid_t)uid) < 0 ||
          setresuid((uid_t)uid, (uid_t)uid, (uid_t)uid) < 0)
        _exit(126);
    }
    if (how & NEW_PID_NAMESPACE) exec_in_pid_namespace(binary, arg);
    execl(binary, program ? program : "kobjns-tests", arg, (char *)NULL);
    _exit(127);
  }
  close(to[0]);
  close(from[1]);
  p->pid = pid;
  p->handle = NULL;
  p->to = fdopen(to[1], "w");
  p->from = fdopen(from[0], "r");
  return p->to && p->from;
}

bool kt_spawn(kt_proc *p, uint32_t session, long uid) {
  return kt_spawn_program(p, session, uid, NULL, "--child");
}

int kt_reap(kt_proc *p) {
  int st = 0;
  if (p->to) fclose(p->to);
  if (p->from) fclose(p->from);
  p->to = p->from = NULL;
  while (waitpid((pid_t)p->pid, &st, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

void kt_kill(kt_proc *p) {
  kill((pid_t)p->pid, SIGKILL);
  kt_reap(p);
}

struct kt_thread {
  pthread_t id;
};

kt_thread *kt_thread_start(void *(*fn)(void *), void *arg) {
  kt_thread *t = malloc(sizeof *t);
  if (t && pthread_create(&t->id, NULL, fn, arg) != 0) {
    free(t);
    t = NULL;
  }
  return t;
}

void kt_thread_join(kt_thread *t) {
  if (!t) return;
  pthread_join(t->id, NULL);
  free(t);
}

unsigned long kt_thread_id(void) { return (unsigned long)syscall(SYS_gettid); }

double kt_now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

void kt_pause_ms(unsigned ms) {
  struct timespec pause = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};
  while (nanosleep(&pause, &pause) != 0 && errno == EINTR) {
  }
}

bool kt_until_asleep(kt_proc *p) { return kt_thread_asleep(p->pid, p->pid); }

bool kt_thread_asleep(long pid, long tid) {
  char path[64];
  snprintf(path, sizeof path, "/proc/%ld/task/%ld/stat", pid, tid);
  for (int i = 0, seen = 0; i < 1000; i++) {
    kt_pause_ms(10);
    char stat[512] = "";
    FILE *f = fopen(path, "r");
    if (f) {
      size_t n = fread(stat, 1, sizeof stat - 1, f);
      stat[n] = '\0';
      fclose(f);
    }
    const char *state = strrchr(stat, ')'); /* "tid (comm) S ..." */
    seen = state && state[1] == ' ' && state[2] == 'S' ? seen + 1 : 0;
    if (seen == 3) return true;
  }
  return false;
}

int kt_run(const char *program, const char *const *args, char *out, size_t size) {
  char *argv[64] = {(char *)program};
  for (int i = 0; i < 62 && args[i]; i++) argv[i + 1] = (char *)args[i];
  int fds[2];
  if (pipe(fds) < 0) return -1;
  fflush(NULL);
  pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    dup2(fds[1], 1);
    close(fds[0]);
    close(fds[1]);
    int null = open("/dev/null", O_WRONLY);
    if (null >= 0) dup2(null, 2); /* its diagnostics are not the test's output */
    execv(program, argv);
    _exit(127);
  }
  close(fds[1]);
  size_t used = 0;
  for (ssize_t n; used + 1 < size && (n = read(fds[0], out + used, size - 1 - used)) > 0;)
    used += (size_t)n;
  out[used] = '\0';
  char drain[4096];
  while (read(fds[0], drain, sizeof drain) > 0) {
  }
  close(fds[0]);
  int st;
  waitpid(pid, &st, 0);
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}
