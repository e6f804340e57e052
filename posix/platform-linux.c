/* The platform contract (platform.h) on Linux: futexes, O_TMPFILE published through
 * /proc/self/fd, renameat2, /proc for thread liveness, pid namespaces, audit sessions and the
 * flock table. Every Linux-specific name of the backend is in this file. */
#define _GNU_SOURCE
#include "platform.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/futex.h>
#include <linux/time_types.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

/* --- the object directory --------------------------------------------------------------------- */

const char *kobjns__plat_shm_path(void) { return "/dev/shm"; }

int kobjns__plat_shm_open_dir(void) {
  int fd = open("/dev/shm", O_PATH | O_DIRECTORY | O_CLOEXEC);
  return fd < 0 ? -errno : fd;
}

bool kobjns__plat_objects_apart(void) { return false; }

static uint64_t random_mark(void);
uint64_t kobjns__plat_random(void) { return random_mark(); }

/* --- publishing ------------------------------------------------------------------------------- */

/* O_TMPFILE files are named through /proc/self/fd: without /proc, there is no way to. */
static bool proc_fd_usable(void) {
  static int known; /* 0 not looked yet, 1 usable, 2 not */
  int v = __atomic_load_n(&known, __ATOMIC_RELAXED);
  if (!v) {
    v = access("/proc/self/fd", F_OK) == 0 ? 1 : 2;
    __atomic_store_n(&known, v, __ATOMIC_RELAXED);
  }
  return v == 1;
}

int kobjns__plat_new_unnamed(int dir, int *fd) {
  if (!proc_fd_usable()) return ENOTSUP;
  *fd = openat(dir, ".", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (*fd >= 0) return 0;
  /* Kernels and file systems without O_TMPFILE answer one of these. */
  return errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL ? ENOTSUP : errno;
}

int kobjns__plat_link_unnamed(int fd, int dir, const char *name) {
  char self[64];
  snprintf(self, sizeof self, "/proc/self/fd/%d", fd);
  return linkat(AT_FDCWD, self, dir, name, AT_SYMLINK_FOLLOW) == 0 ? 0 : errno;
}

#ifndef KOBJNS_HAVE_RENAMEAT2 /* a C library without the wrapper (musl 1.2.3, Debian 12's) */
#include <linux/fs.h>         /* RENAME_NOREPLACE */
static int renameat2(int fromdir, const char *from, int todir, const char *to, unsigned flags) {
  return (int)syscall(SYS_renameat2, fromdir, from, todir, to, flags);
}
#endif

int kobjns__plat_rename_noreplace(int dir, const char *from, const char *to) {
  if (renameat2(dir, from, dir, to, RENAME_NOREPLACE) == 0) return 0;
  return errno == EINVAL || errno == ENOSYS ? ENOTSUP : errno;
}

/* fs.protected_hardlinks = 1 is systemd's setting; the kernel's default is 0. Read once. */
bool kobjns__plat_hardlinks_protected(void) {
  static int known; /* 0 not read yet, 1 protected, 2 not */
  int v = __atomic_load_n(&known, __ATOMIC_RELAXED);
  if (!v) {
    char c = '0';
    int fd = open("/proc/sys/fs/protected_hardlinks", O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
      if (read(fd, &c, 1) != 1) c = '0';
      close(fd);
    }
    v = c == '1' ? 1 : 2;
    __atomic_store_n(&known, v, __ATOMIC_RELAXED);
  }
  return v == 1;
}

int kobjns__plat_reopen(int fd, bool read_only) {
  if (!proc_fd_usable()) return -ENOTSUP;
  int flags = fcntl(fd, F_GETFL);
  if (flags < 0) return -errno;
  char self[64];
  snprintf(self, sizeof self, "/proc/self/fd/%d", fd);
  int again = open(self, (read_only ? O_RDONLY : flags & O_ACCMODE) | O_CLOEXEC | O_NOCTTY);
  return again < 0 ? -errno : again;
}

char *kobjns__plat_fd_path(int fd) {
  char self[64], buf[PATH_MAX + 1];
  snprintf(self, sizeof self, "/proc/self/fd/%d", fd);
  ssize_t n = readlink(self, buf, sizeof buf);
  if (n < 0) return NULL;
  if (n >= (ssize_t)sizeof buf || buf[0] != '/') { /* longer than a path, or not a path at all */
    errno = ENAMETOOLONG;
    return NULL;
  }
  buf[n] = '\0';
  return strdup(buf);
}

int kobjns__plat_open_for_attributes(const char *path) { return open(path, O_PATH | O_CLOEXEC); }

int kobjns__plat_pages_private(const void *addr, size_t pages, unsigned char *out) {
  int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return errno == ENOENT ? ENOTSUP : errno;
  uint64_t entries[64];
  off_t first = (off_t)((uintptr_t)addr / (uintptr_t)sysconf(_SC_PAGESIZE));
  int err = 0;
  for (size_t done = 0; done < pages && !err;) {
    size_t n = pages - done < 64 ? pages - done : 64;
    ssize_t got = pread(fd, entries, n * sizeof *entries, (first + (off_t)done) * 8);
    if (got != (ssize_t)(n * sizeof *entries)) {
      err = got < 0 ? errno : EIO;
      break;
    }
    for (size_t i = 0; i < n; i++) {
      bool present = entries[i] >> 63 & 1, swapped = entries[i] >> 62 & 1,
           file = entries[i] >> 61 & 1;
      out[done + i] = (present && !file) || swapped;
    }
    done += n;
  }
  close(fd);
  return err;
}

int kobjns__plat_range_share(int fd, off_t at, bool take) {
  struct flock l = {
      .l_type = take ? F_RDLCK : F_UNLCK, .l_whence = SEEK_SET, .l_start = at, .l_len = 1};
  if (fcntl(fd, F_OFD_SETLK, &l) == 0) return 0;
  return errno == EINVAL ? ENOTSUP : errno; /* a kernel before 3.15 */
}

int kobjns__plat_range_held_by_other(int fd, off_t at) {
  /* A write lock would conflict with any other description's read lock; ours never do. */
  struct flock l = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = at, .l_len = 1};
  if (fcntl(fd, F_OFD_GETLK, &l) < 0) return -errno;
  return l.l_type != F_UNLCK;
}

/* --- mapping ---------------------------------------------------------------------------------- */

int kobjns__plat_map(void *base, size_t length, int prot, int flags, int fd, off_t offset,
                     void **out) {
  if (base) flags |= MAP_FIXED_NOREPLACE; /* never replace what is mapped there */
  void *p = mmap(base, length, prot, flags, fd, offset);
  if (p == MAP_FAILED) return errno;
  if (base && p != base) { /* a kernel older than 4.17 takes the address as a hint */
    munmap(p, length);
    return EEXIST;
  }
  *out = p;
  return 0;
}

/* --- threads ---------------------------------------------------------------------------------- */

/* The start time and state of thread `tid` of `pid`, from /proc: 1 read, 0 no such entry
 * (gone, or hidden from us: hidepid), -1 unreadable. */
static int thread_stat(uint32_t pid, uint32_t tid, uint64_t *start, char *state) {
  char path[64], buf[1024];
  snprintf(path, sizeof path, "/proc/%u/task/%u/stat", (unsigned)pid, (unsigned)tid);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return errno == ENOENT || errno == ESRCH ? 0 : -1;
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (n <= 0) return 0; /* gone while we read */
  buf[n] = '\0';
  /* "tid (comm) S ppid ...": comm may hold anything, so fields count from the last ')'. */
  char *p = strrchr(buf, ')');
  if (!p || p[1] != ' ') return -1;
  *state = p[2];
  unsigned long long value = 0;
  p += 2;
  for (int field = 3; field <= 22 && p; field++) { /* field 22: starttime */
    if (field == 22) value = strtoull(p, NULL, 10);
    p = strchr(p, ' ');
    if (p) p++;
  }
  *start = value;
  return 1;
}

static uint64_t read_pid_namespace(void) {
  struct stat st;
  return stat("/proc/self/ns/pid", &st) == 0 ? (uint64_t)st.st_ino : 0;
}

/* This process's pid namespace, read once per process (a fork()ed child may be in another:
 * the first process of a new namespace is one). */
static uint64_t own_ns;
static pthread_once_t ns_once = PTHREAD_ONCE_INIT;
static void forget_ns(void) { __atomic_store_n(&own_ns, 0, __ATOMIC_RELAXED); }
static void register_forget_ns(void) { pthread_atfork(NULL, NULL, forget_ns); }

static uint64_t pid_namespace(void) {
  pthread_once(&ns_once, register_forget_ns);
  uint64_t ns = __atomic_load_n(&own_ns, __ATOMIC_RELAXED);
  if (!ns) {
    ns = read_pid_namespace();
    __atomic_store_n(&own_ns, ns, __ATOMIC_RELAXED);
  }
  return ns;
}

/* --- the process image ------------------------------------------------------------------------ */

/* Marks are offsets in [2^62, 2^63): far from any byte a program would lock in a directory, and
 * drawn at random, so that the image that replaces ours by exec() (same pid, same thread ids) has
 * another one. */
#define MARK_BASE (UINT64_C(1) << 62)
_Static_assert(sizeof(off_t) == 8, "marks are 63-bit offsets: build with _FILE_OFFSET_BITS=64");

static pthread_mutex_t image_lock = PTHREAD_MUTEX_INITIALIZER;
static int image_fd = -1; /* the directory, open with our lock on it */
static uint64_t image;    /* our mark (atomic), 0 until made */
static pthread_once_t image_once = PTHREAD_ONCE_INIT;

static uint64_t random_mark(void) {
  uint64_t r = 0;
  if (getrandom(&r, sizeof r, GRND_NONBLOCK) != (ssize_t)sizeof r) {
    /* No entropy yet (early boot): what differs between an image and the one it exec()s. */
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    r = ((uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec) * 0x9E3779B97F4A7C15ull ^
        (uint64_t)getpid() << 32 ^ (uint64_t)(uintptr_t)&r;
  }
  return MARK_BASE | (r & (MARK_BASE - 1));
}

static struct flock byte_at(short type, uint64_t mark) {
  return (struct flock){.l_type = type, .l_whence = SEEK_SET, .l_start = (off_t)mark, .l_len = 1};
}

/* A descriptor of the directory with a lock at a mark nobody else uses: 0, or an errno. */
static int new_mark(int *fd, uint64_t *mark) {
  *fd = open(kobjns__plat_shm_path(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (*fd < 0) return errno;
  int err = EAGAIN; /* every mark drawn was taken */
  for (int attempt = 0; attempt < 8; attempt++) {
    *mark = random_mark();
    struct flock taken = byte_at(F_WRLCK, *mark);
    if (fcntl(*fd, F_OFD_GETLK, &taken) < 0) {
      err = errno;
      break;
    }
    if (taken.l_type != F_UNLCK) continue; /* another image's (or someone's on purpose) */
    struct flock ours = byte_at(F_RDLCK, *mark);
    if (fcntl(*fd, F_OFD_SETLK, &ours) == 0) return 0;
    err = errno;
    break;
  }
  close(*fd);
  *fd = -1;
  return err == EINVAL ? ENOTSUP : err;
}

static void image_before_fork(void) { pthread_mutex_lock(&image_lock); }
static void image_in_parent(void) { pthread_mutex_unlock(&image_lock); }
/* The child shares our description, hence our lock: it takes one of its own in the same descriptor
 * number (no thread of ours can be using it: the child has one thread) and lets go of ours, so
 * that our exit or exec() is seen while it runs on. */
static void image_in_child(void) {
  if (image_fd >= 0) {
    int fd;
    uint64_t mark;
    if (new_mark(&fd, &mark) == 0 && dup3(fd, image_fd, O_CLOEXEC) >= 0) {
      close(fd);
      __atomic_store_n(&image, mark, __ATOMIC_RELAXED);
    } else {
      if (fd >= 0) close(fd);
      close(image_fd);
      image_fd = -1;
      __atomic_store_n(&image, 0, __ATOMIC_RELAXED); /* marked again on the next first use */
    }
  }
  pthread_mutex_unlock(&image_lock); /* the forking thread's, in the child too */
}
static void register_image_fork(void) {
  pthread_atfork(image_before_fork, image_in_parent, image_in_child);
}

void kobjns__plat_image_fork_handlers(void) { pthread_once(&image_once, register_image_fork); }

uint64_t kobjns__plat_image_mark(void) {
  uint64_t mark = __atomic_load_n(&image, __ATOMIC_ACQUIRE);
  if (mark) return mark;
  pthread_once(&image_once, register_image_fork);
  pthread_mutex_lock(&image_lock);
  if (!(mark = __atomic_load_n(&image, __ATOMIC_ACQUIRE))) {
    int fd;
    if (new_mark(&fd, &mark) == 0) {
      image_fd = fd;
      __atomic_store_n(&image, mark, __ATOMIC_RELEASE);
    } else {
      mark = 0; /* unknown: asked again by the next thread's first call */
    }
  }
  pthread_mutex_unlock(&image_lock);
  return mark;
}

enum kobjns__plat_liveness kobjns__plat_image_liveness(uint64_t mark) {
  if (mark < MARK_BASE) return KOBJNS__PLAT_UNKNOWN;
  /* Our own lock never conflicts with our own description: ours is alive by being asked. */
  if (mark == kobjns__plat_image_mark()) return KOBJNS__PLAT_ALIVE;
  pthread_mutex_lock(&image_lock);
  int fd = image_fd;
  bool own = fd >= 0;
  if (!own) fd = open(kobjns__plat_shm_path(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  struct flock held = byte_at(F_WRLCK, mark);
  int r = fd >= 0 ? fcntl(fd, F_OFD_GETLK, &held) : -1;
  if (!own && fd >= 0) close(fd);
  pthread_mutex_unlock(&image_lock);
  if (r < 0) return KOBJNS__PLAT_UNKNOWN;
  return held.l_type == F_UNLCK ? KOBJNS__PLAT_GONE : KOBJNS__PLAT_ALIVE;
}

void kobjns__plat_image_release(void) {
  pthread_mutex_lock(&image_lock);
  if (image_fd >= 0) close(image_fd);
  image_fd = -1;
  __atomic_store_n(&image, 0, __ATOMIC_RELEASE);
  pthread_mutex_unlock(&image_lock);
}

uint32_t kobjns__plat_thread_id(void) { return (uint32_t)syscall(SYS_gettid); }

void kobjns__plat_thread_self(kobjns__plat_thread *out) {
  *out = (kobjns__plat_thread){.tid = (uint32_t)syscall(SYS_gettid), .pid = (uint32_t)getpid()};
  char state;
  if (thread_stat(out->pid, out->tid, &out->start, &state) != 1) out->start = 0;
  out->ns = pid_namespace();
  out->image = kobjns__plat_image_mark();
}

enum kobjns__plat_liveness kobjns__plat_thread_liveness(const kobjns__plat_thread *t) {
  /* An image that exited or called exec() has no thread left, whatever ids it had; the
   * directory's locks are seen from every pid namespace that shares it. */
  if (t->image && kobjns__plat_image_liveness(t->image) == KOBJNS__PLAT_GONE)
    return KOBJNS__PLAT_GONE;
  uint64_t ns = pid_namespace();
  /* Ids mean nothing in another pid namespace (a container sharing /dev/shm). */
  if (!t->ns || !ns || t->ns != ns || !t->tid) return KOBJNS__PLAT_UNKNOWN;
  /* tgkill (tkill without a process) with signal 0 asks the kernel itself, whatever /proc shows:
   * ESRCH means no such thread (in that process); EPERM (another uid's) means there is one. */
  long r = t->pid ? syscall(SYS_tgkill, (pid_t)t->pid, (pid_t)t->tid, 0)
                  : syscall(SYS_tkill, (pid_t)t->tid, 0);
  if (r < 0 && errno == ESRCH) return KOBJNS__PLAT_GONE;
  uint64_t start = 0;
  char state = 0;
  /* /proc/<tid> answers for any thread id, listed or not. */
  r = thread_stat(t->pid ? t->pid : t->tid, t->tid, &start, &state);
  if (r != 1) return KOBJNS__PLAT_UNKNOWN; /* exists, but hidden (hidepid) or unreadable */
  if (state == 'Z' || state == 'X') return KOBJNS__PLAT_GONE;
  /* Another thread under a reused id, when both start times are known. */
  if (t->start && start && start != t->start) return KOBJNS__PLAT_GONE;
  return KOBJNS__PLAT_ALIVE;
}

enum kobjns__plat_liveness kobjns__plat_process_liveness(long pid) {
  if (pid <= 0) return KOBJNS__PLAT_UNKNOWN;
  if (kill((pid_t)pid, 0) < 0 && errno == ESRCH) return KOBJNS__PLAT_GONE;
  return KOBJNS__PLAT_ALIVE; /* 0, or EPERM: another user's process */
}

/* --- futexes ---------------------------------------------------------------------------------- */

/* The C library's list of system calls may be older than the kernel's headers (musl 1.2.3 stops
 * before futex_waitv, Linux 5.16): the kernel's own number then. */
#ifndef SYS_futex_waitv
#include <asm/unistd.h>
#ifdef __NR_futex_waitv
#define SYS_futex_waitv __NR_futex_waitv
#endif
#endif

/* The kernel's 64-bit time, which futex_waitv always takes, and futex_time64 on 32-bit systems
 * (where the C library's struct timespec may have a 32-bit tv_sec). */
static struct __kernel_timespec kernel_time(const struct timespec *t) {
  return (struct __kernel_timespec){.tv_sec = t->tv_sec, .tv_nsec = t->tv_nsec};
}

/* Futexes of shared mappings are keyed by the kernel (the file and the offset): the platform's
 * bytes of a shared page stay unused. */
void kobjns__plat_shared_page(void *page, bool mapped) { (void)page, (void)mapped; }

void kobjns__plat_wait(uint32_t *word, uint32_t value, const struct timespec *deadline) {
#ifdef SYS_futex_time64 /* a 32-bit system: 64-bit time where the kernel has it (5.1) */
  struct __kernel_timespec k;
  if (deadline) k = kernel_time(deadline);
  if (syscall(SYS_futex_time64, word, FUTEX_WAIT_BITSET, value, deadline ? &k : NULL, NULL,
              FUTEX_BITSET_MATCH_ANY) >= 0 ||
      errno != ENOSYS)
    return;
  if (sizeof(time_t) > sizeof(long)) { /* 64-bit time_t, no futex_time64: 32-bit time here */
    struct {
      long tv_sec, tv_nsec;
    } old = {deadline ? (long)deadline->tv_sec : 0, deadline ? deadline->tv_nsec : 0};
    syscall(SYS_futex, word, FUTEX_WAIT_BITSET, value, deadline ? (void *)&old : NULL, NULL,
            FUTEX_BITSET_MATCH_ANY);
    return;
  }
#endif
  syscall(SYS_futex, word, FUTEX_WAIT_BITSET, value, deadline, NULL, FUTEX_BITSET_MATCH_ANY);
}

void kobjns__plat_wake(uint32_t *word, int count) {
  syscall(SYS_futex, word, FUTEX_WAKE, count, NULL, NULL, 0);
}

/* Sleep on every word at once: false when the kernel cannot (remembered for the process). */
static bool wait_all_words(uint32_t *const *words, const uint32_t *values, size_t count,
                           const struct timespec *deadline) {
#ifdef SYS_futex_waitv
  static bool missing;
  if (__atomic_load_n(&missing, __ATOMIC_RELAXED) || count > KOBJNS__PLAT_WAIT_WORDS) return false;
  struct futex_waitv waiters[KOBJNS__PLAT_WAIT_WORDS];
  for (size_t i = 0; i < count; i++)
    waiters[i] =
        (struct futex_waitv){.val = values[i], .uaddr = (uintptr_t)words[i], .flags = FUTEX_32};
  /* The index of the word that woke it, or -1: changed already, timed out, a signal. */
  struct __kernel_timespec k;
  if (deadline) k = kernel_time(deadline);
  if (syscall(SYS_futex_waitv, waiters, (unsigned)count, 0, deadline ? &k : NULL,
              CLOCK_MONOTONIC) >= 0 ||
      errno == EAGAIN || errno == ETIMEDOUT || errno == EINTR)
    return true;
  __atomic_store_n(&missing, true, __ATOMIC_RELAXED);
#else
  (void)words, (void)values, (void)count, (void)deadline;
#endif
  return false;
}

void kobjns__plat_wait_any(uint32_t *const *words, const uint32_t *values, size_t count,
                           const struct timespec *deadline, const struct timespec *fallback) {
  if (count == 1) {
    kobjns__plat_wait(words[0], values[0], deadline);
  } else if (!wait_all_words(words, values, count, deadline)) {
    /* No futex_waitv (Linux < 5.16, valgrind 3.19, a sandbox refusing it): the first word, and
     * back by `fallback` to look at the others. */
    kobjns__plat_wait(words[0], values[0], fallback);
  }
}

/* The linux platform leaves no file of its own in the object directory. */
int kobjns__plat_sweep_file(int dir, const char *name, bool dry_run) {
  (void)dir, (void)name, (void)dry_run;
  return 0;
}

/* --- identity --------------------------------------------------------------------------------- */

/* The audit session of the login (pam_loginuid); 4294967295 means "no login session". */
bool kobjns__plat_login_session(uint32_t *session) {
  int fd = open("/proc/self/sessionid", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  char buf[16];
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (n <= 0) return false;
  buf[n] = '\0';
  char *end;
  unsigned long v = strtoul(buf, &end, 10);
  if (end == buf || v >= UINT32_MAX) return false;
  *session = (uint32_t)v;
  return true;
}

/* --- the flock table -------------------------------------------------------------------------- */

/* Lines look like "3: FLOCK  ADVISORY  READ  4242 00:19:1777 0 EOF"; waiters ("3: -> FLOCK
 * ...") hold nothing. */
int kobjns__plat_flock_holders(int (*fn)(void *arg, uint64_t dev, uint64_t ino, int pid), void *arg,
                               bool *known) {
  *known = false;
  FILE *f = fopen("/proc/locks", "re");
  if (!f) return errno == EMFILE || errno == ENFILE ? errno : 0;
  char line[256];
  int rc = 0;
  while (!rc && fgets(line, sizeof line, f)) {
    const char *p = strchr(line, ':');
    char kind[16], mode[16], rw[16];
    unsigned major, minor;
    unsigned long long ino;
    int pid;
    if (!p || strstr(p, "->")) continue;
    if (sscanf(p + 1, " %15s %15s %15s %d %x:%x:%llu", kind, mode, rw, &pid, &major, &minor,
               &ino) != 7 ||
        strcmp(kind, "FLOCK"))
      continue;
    rc = fn(arg, (uint64_t)makedev(major, minor), (uint64_t)ino, pid);
  }
  fclose(f);
  *known = rc == 0;
  return rc;
}

/* /proc/locks leaves out the locks of processes outside the reader's pid namespace (Linux 4.15
 * and later), and in a container that includes holders in the host and dead parents of
 * inherited handles. */
bool kobjns__plat_sees_every_holder(void) {
  char link[64];
  ssize_t n = readlink("/proc/self/ns/pid", link, sizeof link - 1);
  if (n <= 0) return true; /* no namespaces to speak of */
  link[n] = '\0';
  return !strcmp(link, "pid:[4026531836]"); /* the initial pid namespace's fixed inode */
}

/* --- processes -------------------------------------------------------------------------------- */

#include <poll.h>
#include <spawn.h>
#include <dirent.h>
#include <sys/auxv.h>
#include <sys/resource.h>
#include <sys/wait.h>

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

int kobjns__plat_process_handle(long pid, int *fd) {
  if (pid <= 0 || pid > INT_MAX) return ESRCH;
  long r = syscall(SYS_pidfd_open, (pid_t)pid, 0); /* close-on-exec, always */
  if (r < 0) return errno == ENOSYS ? ENOTSUP : errno == EINVAL ? ESRCH : errno;
  *fd = (int)r;
  return 0;
}

int kobjns__plat_process_reap(int fd, int *code, int *signal) {
  siginfo_t info;
  memset(&info, 0, sizeof info);
  if (waitid((idtype_t)P_PIDFD, (id_t)fd, &info, WEXITED | WNOHANG) < 0)
    return errno == EINVAL ? ECHILD : errno; /* EINVAL: a kernel before 5.4 */
  if (info.si_pid == 0) return EAGAIN;
  *code = info.si_code == CLD_EXITED ? info.si_status : 0;
  *signal = info.si_code == CLD_EXITED ? 0 : info.si_status;
  return 0;
}

bool kobjns__plat_process_is_child(int fd) {
  siginfo_t info;
  memset(&info, 0, sizeof info);
  if (waitid((idtype_t)P_PIDFD, (id_t)fd, &info, WEXITED | WNOHANG | WNOWAIT) == 0) return true;
  return errno != ECHILD; /* EINVAL: a kernel before 5.4 cannot tell */
}

int kobjns__plat_process_signal(int fd, int signal) {
  return syscall(SYS_pidfd_send_signal, fd, signal, NULL, 0) < 0 ? errno : 0;
}

uint32_t kobjns__plat_first_thread_id(long pid) { return (uint32_t)pid; }

#define MIRROR_NAME "kobjns-handles"

int kobjns__plat_mirror_create(int *fd) {
  int r = memfd_create(MIRROR_NAME, MFD_CLOEXEC);
  if (r < 0) return errno == ENOSYS ? ENOTSUP : errno;
  *fd = r;
  return 0;
}

int kobjns__plat_take_fd(int pidfd, int fd, int *out) {
  long r = syscall(SYS_pidfd_getfd, pidfd, fd, 0); /* close-on-exec, always */
  if (r < 0) return errno == ENOSYS ? ENOTSUP : errno == ESRCH ? EBADF : errno;
  *out = (int)r;
  return 0;
}

int kobjns__plat_mirror_of(int pidfd, long pid, int *fd) {
  char path[64], link[64];
  snprintf(path, sizeof path, "/proc/%ld/fd", pid);
  DIR *d = opendir(path);
  if (!d) return errno == EACCES ? EPERM : errno == ENOENT ? ENOENT : errno;
  static const char want[] = "/memfd:" MIRROR_NAME " (deleted)";
  int found = -1;
  for (struct dirent *e; found < 0 && (e = readdir(d));) {
    if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
    char entry[sizeof path + 300];
    snprintf(entry, sizeof entry, "%s/%s", path, e->d_name);
    ssize_t n = readlink(entry, link, sizeof link - 1);
    if (n == (ssize_t)sizeof want - 1 && memcmp(link, want, sizeof want - 1) == 0)
      found = atoi(e->d_name);
  }
  closedir(d);
  if (found < 0) return ENOENT;
  int err = kobjns__plat_take_fd(pidfd, found, fd);
  return err == EBADF ? ENOENT : err;
}

bool kobjns__plat_secure_exec(void) { return getauxval(AT_SECURE) != 0; }

int kobjns__plat_pipe(int fds[2]) { return pipe2(fds, O_CLOEXEC) < 0 ? errno : 0; }

int kobjns__plat_program_dir(char *out, size_t size) {
  ssize_t n = readlink("/proc/self/exe", out, size);
  if (n < 0) return errno == ENOENT ? ENOTSUP : errno;
  if ((size_t)n >= size) return ENAMETOOLONG;
  out[n] = '\0';
  char *slash = strrchr(out, '/');
  if (!slash) return ENOTSUP;
  slash[slash == out] = '\0'; /* "/prog" lives in "/" */
  return 0;
}

static bool kept(int fd, const int *keep, size_t nkeep, int gate, int ready) {
  if (fd == gate || fd == ready) return true;
  for (size_t i = 0; i < nkeep; i++)
    if (keep[i] == fd) return true;
  return false;
}

/* A held child: only async-signal-safe calls between fork and exec. It keeps nothing of ours but
 * what it is given while it waits (the fork handlers gave it holds of every named object, which
 * must not keep them alive), and only its end of the gate, so that a creator that lets it go
 * unresumed ends it. */
static void held_child(const char *path, char *const argv[], char *const envp[], const char *dir,
                       const int std_fds[3], const int *keep, size_t nkeep, const int gate[2],
                       const int ready[2]) {
  close(gate[1]);
  close(ready[0]);
  for (int i = 0; i < 3; i++)
    if (std_fds[i] >= 0 && dup2(std_fds[i], i) < 0) _exit(127);
  struct rlimit limit;
  int top =
      getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < 65536 ? (int)limit.rlim_cur : 65536;
  for (int fd = 3, from = 3;; fd++) { /* close every range between kept descriptors */
    if (fd < top && !kept(fd, keep, nkeep, gate[0], ready[1])) continue;
    if (fd > from && syscall(SYS_close_range, (unsigned)from, (unsigned)fd - 1, 0) < 0)
      for (int x = from; x < fd; x++) close(x);
    if (fd >= top) {
      syscall(SYS_close_range, (unsigned)top, ~0u, 0);
      break;
    }
    from = fd + 1;
  }
  for (size_t i = 0; i < nkeep; i++) {
    int flags = fcntl(keep[i], F_GETFD);
    if (flags >= 0) fcntl(keep[i], F_SETFD, flags & ~FD_CLOEXEC);
  }
  char byte;
  /* Its creator, waiting for this byte, goes on (a byte, not the end of the pipe: another
   * thread's fork() may hold a copy of this end). */
  while (write(ready[1], "r", 1) < 0 && errno == EINTR) continue;
  close(ready[1]);
  ssize_t n;
  while ((n = read(gate[0], &byte, 1)) < 0 && errno == EINTR) continue;
  if (n != 1) _exit(127); /* its creator let it go without a resume */
  if (dir && chdir(dir) < 0) _exit(127);
  execve(path, argv, envp);
  _exit(127);
}

int kobjns__plat_spawn(const char *path, char *const argv[], char *const envp[], const char *dir,
                       const int std_fds[3], const int *keep, size_t nkeep, int *resume,
                       long *pid) {
  if (resume) {
    /* `gate`: the resume; `ready`: the child's end closes once it holds nothing of ours, which
     * the creator waits for (a handle it closes next must not be kept alive by the child). */
    int gate[2], ready[2];
    if (pipe2(gate, O_CLOEXEC) < 0) return errno;
    if (pipe2(ready, O_CLOEXEC) < 0) {
      int err = errno;
      close(gate[0]);
      close(gate[1]);
      return err;
    }
    pid_t child = fork();
    if (child == 0) held_child(path, argv, envp, dir, std_fds, keep, nkeep, gate, ready);
    int err = child < 0 ? errno : 0;
    close(gate[0]);
    close(ready[1]);
    char byte;
    while (!err && read(ready[0], &byte, 1) < 0 && errno == EINTR) continue;
    close(ready[0]);
    if (err) {
      close(gate[1]);
      return err;
    }
    *resume = gate[1];
    *pid = child;
    return 0;
  }
  posix_spawn_file_actions_t actions;
  int err = posix_spawn_file_actions_init(&actions);
  if (err) return err;
  /* dup2 of a descriptor onto itself clears its close-on-exec flag in the child alone. */
  for (size_t i = 0; i < nkeep && !err; i++)
    err = posix_spawn_file_actions_adddup2(&actions, keep[i], keep[i]);
  for (int i = 0; i < 3 && !err; i++)
    if (std_fds[i] >= 0) err = posix_spawn_file_actions_adddup2(&actions, std_fds[i], i);
  if (!err && dir) err = posix_spawn_file_actions_addchdir_np(&actions, dir);
  pid_t child = 0;
  if (!err) err = posix_spawn(&child, path, &actions, NULL, argv, envp);
  posix_spawn_file_actions_destroy(&actions);
  if (!err) *pid = child;
  return err;
}
