/* The platform contract (platform.h) in POSIX.1-2008 with XSI, and flock(2) (not POSIX, but on
 * every system kobjns targets: Linux, the BSDs, macOS, illumos), and nothing else: the
 * `generic` platform (meson -Dposix_platform=generic). It runs the backend on a system that has
 * no port of its own, and on Linux it shows, in the test leg of that name, what the backend does
 * without Linux's facilities. What it cannot do portably it refuses with ENOTSUP (the callers'
 * fallbacks, or status 50) or answers "unknown"; docs/posix-backend.md lists each function, how
 * the linux and generic platforms do it, and what macOS and FreeBSD would use instead. */
#include "platform.h"

#include "ptrmap.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef KOBJNS_OBJECT_DIR
#error "meson.build defines KOBJNS_OBJECT_DIR (option object_dir) for the generic platform"
#endif

/* --- the object directory --------------------------------------------------------------------- */

const char *kobjns__plat_shm_path(void) { return KOBJNS_OBJECT_DIR; }

int kobjns__plat_shm_open_dir(void) {
  /* O_SEARCH would need no read permission, but Linux and glibc do not have it. */
  int fd = open(KOBJNS_OBJECT_DIR, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  return fd < 0 ? -errno : fd;
}

/* flock(2) on a shm_open(3) descriptor fails on macOS, and shm objects cannot be listed there:
 * names and holds go to files of the object directory, bytes to shm objects. */
bool kobjns__plat_objects_apart(void) { return true; }

static uint64_t random_bits(void);
uint64_t kobjns__plat_random(void) { return random_bits(); }

/* --- publishing: no unnamed files, no rename without replacing (object.c's fallbacks) --------- */

int kobjns__plat_new_unnamed(int dir, int *fd) {
  (void)dir;
  *fd = -1;
  return ENOTSUP;
}

int kobjns__plat_link_unnamed(int fd, int dir, const char *name) {
  (void)fd, (void)dir, (void)name;
  return ENOTSUP;
}

int kobjns__plat_rename_noreplace(int dir, const char *from, const char *to) {
  (void)dir, (void)from, (void)to;
  return ENOTSUP;
}

/* POSIX lets anyone who may search the directory link any file: never assume otherwise. */
bool kobjns__plat_hardlinks_protected(void) { return false; }

/* A description of the file behind a descriptor, without its path: POSIX has no way. */
int kobjns__plat_reopen(int fd, bool read_only) {
  (void)fd, (void)read_only;
  return -ENOTSUP;
}

char *kobjns__plat_fd_path(int fd) {
  (void)fd;
  errno = ENOTSUP;
  return NULL;
}

/* Without O_PATH: read-only and non-blocking (a FIFO never hangs the open); a file its mode
 * keeps us from reading is refused (EACCES) where Linux would still fstat it. */
int kobjns__plat_open_for_attributes(const char *path) {
  return open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
}

int kobjns__plat_pages_private(const void *addr, size_t pages, unsigned char *out) {
  (void)addr, (void)pages, (void)out;
  return ENOTSUP;
}

/* POSIX record locks belong to the process, not to a description, and any close() of the file
 * drops them all: unusable for share modes. */
int kobjns__plat_range_share(int fd, off_t at, bool take) {
  (void)fd, (void)at, (void)take;
  return ENOTSUP;
}

int kobjns__plat_range_held_by_other(int fd, off_t at) {
  (void)fd, (void)at;
  return -ENOTSUP;
}

/* --- mapping ---------------------------------------------------------------------------------- */

int kobjns__plat_map(void *base, size_t length, int prot, int flags, int fd, off_t offset,
                     void **out) {
  /* The address as a hint (MAP_FIXED would replace what is there): taken, or given back. */
  void *p = mmap(base, length, prot, flags, fd, offset);
  if (p == MAP_FAILED) return errno;
  if (base && p != base) {
    munmap(p, length);
    return EEXIST;
  }
  *out = p;
  return 0;
}

/* --- randomness ------------------------------------------------------------------------------- */

static uint64_t random_bits(void) {
  uint64_t r = 0;
  int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    if (read(fd, &r, sizeof r) != (ssize_t)sizeof r) r = 0;
    close(fd);
  }
  if (!r) { /* no /dev/urandom (a chroot): what differs between two draws */
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    r = ((uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec) * 0x9E3779B97F4A7C15ull ^
        (uint64_t)getpid() << 32 ^ (uint64_t)(uintptr_t)&r;
  }
  return r;
}

/* --- the process image and its slot: POSIX record locks in a file of the object directory -------
 * Record locks belong to the process: fork() does not pass them on, exec() drops them with the
 * close-on-exec descriptor, exit drops them, and a close() of ANY descriptor of the file drops
 * them all. So the file is one of its own ("kobjns.images"), opened once per process and never
 * closed while its locks live. Two kinds of lock are taken in it:
 * - the image's mark: a read lock at a random offset in [2^46, 2^47), which exec() ends (the
 *   mark carries 12 bits of the file's inode number: a checker whose file is not the mark's
 *   answers "unknown", never "gone");
 * - the process's slot: a write lock on one of SLOTS bytes at SLOT_BASE, which names the
 *   process in its threads' ids (below), so that a thread id alone says whether its process
 *   runs (sync.c's guard words keep nothing else).
 * The file is trusted for the slots only when root or the caller owns it: its owner could replace
 * it, and a slot looked at in another file than its holder's would look free. */

#define IMAGES_NAME "kobjns.images"
#define MARK_BASE (UINT64_C(1) << 62)
#define MARK_INODE_SHIFT 48
#define SLOT_BASE (UINT64_C(1) << 40)
#define SLOT_BITS 14
#define SLOTS (1u << SLOT_BITS)
#define INDEX_BITS 8 /* a thread's index in its process: ids are slot << 8 | index */
_Static_assert(sizeof(off_t) == 8, "marks are 62-bit offsets: build with _FILE_OFFSET_BITS=64");

static pthread_mutex_t image_lock = PTHREAD_MUTEX_INITIALIZER;
static int image_fd = -1; /* the images file, open with our locks in it */
static bool images_writable, images_trusted;
static uint64_t image; /* our mark (atomic), 0 until made */
static uint64_t image_ino_tag;
static uint32_t own_slot; /* atomic; 0: none (ids are then random: liveness by id unknown) */
static pthread_once_t image_once = PTHREAD_ONCE_INIT;

static struct flock byte_at(short type, uint64_t at) {
  return (struct flock){.l_type = type, .l_whence = SEEK_SET, .l_start = (off_t)at, .l_len = 1};
}

static uint64_t offset_of(uint64_t mark) { return mark & ((UINT64_C(1) << MARK_INODE_SHIFT) - 1); }

/* The images file, read-write where its mode allows (a slot is a write lock), made if missing. */
static int open_images(void) {
  char path[PATH_MAX];
  snprintf(path, sizeof path, "%s/%s", KOBJNS_OBJECT_DIR, IMAGES_NAME);
  int flags = O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY;
  int fd = open(path, O_RDWR | O_CREAT | flags, 0666);
  images_writable = fd >= 0;
  if (fd < 0) fd = open(path, O_RDONLY | flags);
  struct stat st;
  if (fd >= 0 && (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))) {
    close(fd);
    errno = EINVAL;
    return -1;
  }
  if (fd < 0) return -1;
  if (st.st_uid == geteuid() && (st.st_mode & 0777) != 0666) (void)fchmod(fd, 0666); /* umask */
  images_trusted = st.st_uid == 0 || st.st_uid == geteuid();
  image_ino_tag = ((uint64_t)st.st_ino & 0xfff) << MARK_INODE_SHIFT;
  return fd;
}

/* Our lock in the images file at a free offset: 0 with the mark, or an errno. */
static int new_mark(uint64_t *mark) {
  for (int attempt = 0; attempt < 8; attempt++) {
    uint64_t offset = MARK_BASE >> 16 | (random_bits() & ((MARK_BASE >> 16) - 1));
    struct flock taken = byte_at(F_WRLCK, offset);
    if (fcntl(image_fd, F_GETLK, &taken) < 0) return errno;
    if (taken.l_type != F_UNLCK) continue;
    struct flock ours = byte_at(F_RDLCK, offset);
    if (fcntl(image_fd, F_SETLK, &ours) < 0) return errno;
    *mark = MARK_BASE | image_ino_tag | offset;
    return 0;
  }
  return EAGAIN;
}

/* A slot of our own (a write lock: nobody else holds it while we run), or 0. */
static uint32_t new_slot(void) {
  if (!images_writable || !images_trusted) return 0;
  for (int attempt = 0; attempt < 64; attempt++) {
    uint32_t slot = 1 + (uint32_t)(random_bits() % (SLOTS - 1)); /* 0: none */
    struct flock ours = byte_at(F_WRLCK, SLOT_BASE + slot);
    if (fcntl(image_fd, F_SETLK, &ours) == 0) return slot;
    if (errno != EAGAIN && errno != EACCES) break;
  }
  return 0;
}

/* The file, our mark and our slot, made once per process (image_lock held). */
static uint64_t mark_image(void) {
  if (image_fd < 0 && (image_fd = open_images()) < 0) return 0;
  uint64_t mark = 0;
  if (new_mark(&mark) != 0) mark = 0;
  __atomic_store_n(&own_slot, new_slot(), __ATOMIC_RELAXED);
  return mark;
}

static void threads_in_child(void);
static void channels_in_child(void);
static void channels_release(void);
static pthread_mutex_t channels_lock;
static pthread_rwlock_t pages_lock;
/* The locks of this file, taken in one order (the image's, the sockets', the pages') before a
 * fork and let go in both processes after it. */
static void image_before_fork(void) {
  pthread_mutex_lock(&image_lock);
  pthread_mutex_lock(&channels_lock);
  pthread_rwlock_wrlock(&pages_lock);
}
static void image_in_parent(void) {
  pthread_rwlock_unlock(&pages_lock);
  pthread_mutex_unlock(&channels_lock);
  pthread_mutex_unlock(&image_lock);
}
/* The child has the descriptor but none of our locks: it takes its own. */
static void image_in_child(void) {
  /* Made anew: a read lock that another thread waited for at the fork would count that thread,
   * which the child does not have, among its readers once unlocked. */
  pages_lock = (pthread_rwlock_t)PTHREAD_RWLOCK_INITIALIZER;
  pthread_mutex_unlock(&channels_lock);
  threads_in_child();
  channels_in_child();
  __atomic_store_n(&own_slot, 0, __ATOMIC_RELAXED);
  uint64_t mark = image_fd >= 0 ? mark_image() : 0; /* else marked on the next first use */
  __atomic_store_n(&image, mark, __ATOMIC_RELAXED);
  pthread_mutex_unlock(&image_lock);
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
    mark = mark_image();
    __atomic_store_n(&image, mark, __ATOMIC_RELEASE);
  }
  pthread_mutex_unlock(&image_lock);
  return mark;
}

/* Whether another process holds the byte `at` (through our own descriptor only: opening and
 * closing another would drop our locks): ALIVE, GONE, or UNKNOWN without the file. */
static enum kobjns__plat_liveness byte_held(uint64_t at) {
  pthread_mutex_lock(&image_lock);
  struct flock held = byte_at(F_WRLCK, at);
  int r = image_fd >= 0 ? fcntl(image_fd, F_GETLK, &held) : -1;
  pthread_mutex_unlock(&image_lock);
  if (r < 0) return KOBJNS__PLAT_UNKNOWN;
  return held.l_type == F_UNLCK ? KOBJNS__PLAT_GONE : KOBJNS__PLAT_ALIVE;
}

enum kobjns__plat_liveness kobjns__plat_image_liveness(uint64_t mark) {
  if (mark < MARK_BASE) return KOBJNS__PLAT_UNKNOWN;
  if (mark == kobjns__plat_image_mark()) return KOBJNS__PLAT_ALIVE;
  if ((mark & ~(MARK_BASE | offset_of(mark))) != image_ino_tag) return KOBJNS__PLAT_UNKNOWN;
  return byte_held(offset_of(mark));
}

void kobjns__plat_image_release(void) {
  channels_release();
  pthread_mutex_lock(&image_lock);
  if (image_fd >= 0) close(image_fd);
  image_fd = -1;
  __atomic_store_n(&image, 0, __ATOMIC_RELEASE);
  __atomic_store_n(&own_slot, 0, __ATOMIC_RELAXED);
  pthread_mutex_unlock(&image_lock);
}

/* --- threads: ids of our own, liveness from the slot and the image ----------------------------
 * POSIX has no thread id a number can name. A thread's id here is its process's slot (above)
 * and an index among the process's live threads: 22 bits (sync.c's guard words keep 22), unique
 * among running processes that share the directory, and enough to tell whether its process
 * still runs. Without a slot (an untrusted or read-only images file, every slot taken), an id is
 * 22 random bits, unique among the process's live threads, whose liveness is unknown. Whether a
 * thread of ANOTHER process still runs cannot be asked: its process's (slot or image) answers for
 * it. The process's own threads are known: they leave the list below when they end. */

#define THREAD_ID_MASK ((1u << (SLOT_BITS + INDEX_BITS)) - 1)
static pthread_key_t thread_key;
static pthread_once_t thread_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t threads_lock = PTHREAD_MUTEX_INITIALIZER;
static uint32_t *live_ids; /* this process's threads that have an id */
static size_t live_count, live_cap;
static _Thread_local uint32_t own_id;
static _Thread_local pid_t own_id_pid; /* a fork()ed child's thread is a new thread */

static bool live_has(uint32_t id) {
  for (size_t i = 0; i < live_count; i++)
    if (live_ids[i] == id) return true;
  return false;
}

static void thread_ended(void *arg) {
  uint32_t id = (uint32_t)(uintptr_t)arg;
  pthread_mutex_lock(&threads_lock);
  for (size_t i = 0; i < live_count; i++)
    if (live_ids[i] == id) {
      live_ids[i] = live_ids[--live_count];
      break;
    }
  pthread_mutex_unlock(&threads_lock);
}

/* One thread went on in a fork()ed child: the others' ids are free again (its own is new). */
static void threads_in_child(void) { live_count = 0; }

static void make_thread_key(void) { (void)pthread_key_create(&thread_key, thread_ended); }

/* A new id (threads_lock held): the slot's next free index, or random bits. */
static uint32_t new_thread_id(uint32_t slot) {
  if (slot)
    for (uint32_t index = 1; index < (1u << INDEX_BITS); index++) {
      uint32_t id = slot << INDEX_BITS | index;
      if (!live_has(id)) return id;
    }
  uint32_t id = 0;
  while (!id || live_has(id)) id = (uint32_t)random_bits() & THREAD_ID_MASK;
  return id;
}

uint32_t kobjns__plat_thread_id(void) {
  pid_t pid = getpid();
  if (own_id && own_id_pid == pid) return own_id;
  (void)kobjns__plat_image_mark(); /* the slot, made with the mark */
  pthread_once(&thread_once, make_thread_key);
  pthread_mutex_lock(&threads_lock);
  uint32_t id = new_thread_id(__atomic_load_n(&own_slot, __ATOMIC_RELAXED));
  if (live_count == live_cap) {
    size_t cap = live_cap ? live_cap * 2 : 16;
    uint32_t *grown = realloc(live_ids, cap * sizeof *grown);
    if (grown) live_ids = grown, live_cap = cap;
  }
  if (live_count < live_cap) live_ids[live_count++] = id; /* else: never judged gone */
  pthread_mutex_unlock(&threads_lock);
  own_id = id;
  own_id_pid = pid;
  (void)pthread_setspecific(thread_key, (void *)(uintptr_t)id);
  return id;
}

void kobjns__plat_thread_self(kobjns__plat_thread *out) {
  *out = (kobjns__plat_thread){.tid = kobjns__plat_thread_id(),
                               .pid = (uint32_t)getpid(),
                               .ns = 1, /* one space of ids: the directory's */
                               .image = kobjns__plat_image_mark()};
}

/* Whether the thread `tid` of this process still runs. */
static enum kobjns__plat_liveness own_thread(uint32_t tid) {
  pthread_mutex_lock(&threads_lock);
  bool listed = live_has(tid) || live_count == live_cap;
  pthread_mutex_unlock(&threads_lock);
  return listed ? KOBJNS__PLAT_ALIVE : KOBJNS__PLAT_GONE;
}

enum kobjns__plat_liveness kobjns__plat_thread_liveness(const kobjns__plat_thread *t) {
  if (!t->tid) return KOBJNS__PLAT_UNKNOWN;
  uint32_t mine = __atomic_load_n(&own_slot, __ATOMIC_RELAXED);
  uint32_t slot = t->tid >> INDEX_BITS;
  if (t->image) {
    uint64_t me = kobjns__plat_image_mark();
    if (t->image == me) return own_thread(t->tid);
    if (kobjns__plat_image_liveness(t->image) == KOBJNS__PLAT_GONE) return KOBJNS__PLAT_GONE;
    return KOBJNS__PLAT_UNKNOWN; /* its process runs: the thread cannot be asked about */
  }
  /* The id alone (a guard word whose holder wrote no record): its slot. */
  if (!mine || !images_trusted) return KOBJNS__PLAT_UNKNOWN; /* ids of no slot here */
  if (slot == mine) return own_thread(t->tid);
  return byte_held(SLOT_BASE + slot) == KOBJNS__PLAT_GONE ? KOBJNS__PLAT_GONE
                                                          : KOBJNS__PLAT_UNKNOWN;
}

enum kobjns__plat_liveness kobjns__plat_process_liveness(long pid) {
  if (pid <= 0) return KOBJNS__PLAT_UNKNOWN;
  if (kill((pid_t)pid, 0) < 0 && errno == ESRCH) return KOBJNS__PLAT_GONE;
  return KOBJNS__PLAT_ALIVE;
}

/* --- processes: nothing but the liveness above ------------------------------------------------
 * A handle on a process that outlives its id (pidfd, FreeBSD's process descriptors, macOS's
 * kqueue EVFILT_PROC) is not POSIX: process objects, the mirror of handles and the starts that
 * hand handles on are refused here (50). */

int kobjns__plat_process_handle(long pid, int *fd) {
  (void)pid;
  *fd = -1;
  return ENOTSUP;
}

int kobjns__plat_process_reap(int fd, int *code, int *signal) {
  (void)fd, (void)code, (void)signal;
  return ECHILD;
}

bool kobjns__plat_process_is_child(int fd) {
  (void)fd;
  return true;
}

int kobjns__plat_process_signal(int fd, int signal) {
  (void)fd, (void)signal;
  return ENOTSUP;
}

int kobjns__plat_mirror_create(int *fd) {
  *fd = -1;
  return ENOTSUP;
}

int kobjns__plat_mirror_of(int pidfd, long pid, int *fd) {
  (void)pidfd, (void)pid;
  *fd = -1;
  return ENOTSUP;
}

int kobjns__plat_take_fd(int pidfd, int fd, int *out) {
  (void)pidfd, (void)fd;
  *out = -1;
  return ENOTSUP;
}

/* Set-user-ID and set-group-ID programs are what POSIX can tell; capabilities are not. */
bool kobjns__plat_secure_exec(void) { return getuid() != geteuid() || getgid() != getegid(); }

int kobjns__plat_pipe(int fds[2]) {
  if (pipe(fds) < 0) return errno;
  /* Another thread's fork()+exec() between the two calls may take the ends along: POSIX has no
   * pipe2() before POSIX.1-2024. */
  (void)fcntl(fds[0], F_SETFD, FD_CLOEXEC);
  (void)fcntl(fds[1], F_SETFD, FD_CLOEXEC);
  return 0;
}

/* Another process's threads are named by its slot, which its pid does not tell. */
uint32_t kobjns__plat_first_thread_id(long pid) {
  (void)pid;
  return 0;
}

int kobjns__plat_program_dir(char *out, size_t size) {
  (void)out, (void)size;
  return ENOTSUP;
}

static bool kept(int fd, const int *keep, size_t nkeep) {
  for (size_t i = 0; i < nkeep; i++)
    if (keep[i] == fd) return true;
  return false;
}

/* The child, between fork() and exec(): only async-signal-safe calls. Its standard streams, the
 * descriptors it keeps (every other one closed: POSIX has no close_range, so one by one up to
 * the limit), then, held, "ready" on `report` and the wait for its resume; its directory, the
 * program. An error before exec() goes to `report` (close-on-exec: an exec that works closes it
 * unread); after a resume, only the exit status (127) can say it. */
static void spawned_child(const char *path, char *const argv[], char *const envp[], const char *dir,
                          const int std_fds[3], const int *keep, size_t nkeep, int gate,
                          int report) {
  int err = 0;
  for (int i = 0; i < 3 && !err; i++)
    if (std_fds[i] >= 0 && dup2(std_fds[i], i) < 0) err = errno;
  long top = sysconf(_SC_OPEN_MAX);
  if (top < 0 || top > 65536) top = 65536;
  for (int fd = 3; fd < top && !err; fd++)
    if (fd != gate && fd != report && !kept(fd, keep, nkeep)) close(fd);
  for (size_t i = 0; i < nkeep && !err; i++) {
    int flags = fcntl(keep[i], F_GETFD);
    if (flags < 0 || fcntl(keep[i], F_SETFD, flags & ~FD_CLOEXEC) < 0) err = errno;
  }
  if (gate >= 0) { /* held: it holds nothing of ours now (or failed): the creator goes on */
    while (write(report, &err, sizeof err) < 0 && errno == EINTR) continue;
    if (err) _exit(127);
    close(report);
    report = -1;
    char byte;
    ssize_t n;
    while ((n = read(gate, &byte, 1)) < 0 && errno == EINTR) continue;
    if (n != 1) _exit(127); /* its creator let it go without a resume */
    close(gate);
  }
  if (!err && dir && chdir(dir) < 0) err = errno;
  if (!err) execve(path, argv, envp), err = errno;
  if (report >= 0)
    while (write(report, &err, sizeof err) < 0 && errno == EINTR) continue;
  _exit(127);
}

/* fork() and exec() (posix_spawn cannot change directory before POSIX.1-2024, nor hold a
 * child): 0 with *pid, or the errno of the fork or of what the child did before exec() (held:
 * before it was ready). */
int kobjns__plat_spawn(const char *path, char *const argv[], char *const envp[], const char *dir,
                       const int std_fds[3], const int *keep, size_t nkeep, int *resume,
                       long *pid) {
  int gate[2] = {-1, -1}, report[2] = {-1, -1};
  int err = kobjns__plat_pipe(report);
  if (!err && resume && (err = kobjns__plat_pipe(gate))) close(report[0]), close(report[1]);
  if (err) return err;
  pid_t child = fork();
  if (child == 0) {
    if (gate[1] >= 0) close(gate[1]);
    close(report[0]);
    spawned_child(path, argv, envp, dir, std_fds, keep, nkeep, gate[0], report[1]);
  }
  err = child < 0 ? errno : 0;
  close(report[1]);
  if (gate[0] >= 0) close(gate[0]);
  if (!err) {
    int child_err = 0;
    ssize_t n;
    while ((n = read(report[0], &child_err, sizeof child_err)) < 0 && errno == EINTR) continue;
    if (n == (ssize_t)sizeof child_err)
      err = child_err; /* held: 0 is "ready" */
    else if (resume)
      err = EIO; /* a held child that ended before it was ready */
    if (err)
      while (waitpid(child, NULL, 0) < 0 && errno == EINTR) continue;
  }
  close(report[0]);
  if (err) {
    if (gate[1] >= 0) close(gate[1]);
    return err;
  }
  if (resume) *resume = gate[1];
  *pid = child;
  return 0;
}

/* --- sleeping on shared words: a socket per sleeping thread ------------------------------------
 * POSIX has no sleep on a word that another process changes: process-shared condition variables
 * need a mutex that a killed process leaves locked (robust mutexes are not on macOS), and their
 * layouts depend on the ABI (a 32-bit and a 64-bit process could not share them). So a thread
 * sleeps in poll(2) on a datagram socket of its own, bound to a name of the object directory
 * ("kobjns-wake-<8 hex random>"), after writing down which word it sleeps on and its socket: in
 * the platform's bytes of the word's shared page (kobjns__plat_shared_page), or for a word of the
 * process's own in a table of the process. A waker, once it has changed the word, reads those
 * entries and sends each sleeper of the word a byte. Both sides write, then read, sequentially
 * consistent: either the sleeper sees the new value or the waker sees the entry.
 *
 * Every entry is a hint that can only wake too often: a forged one sends a byte to some other
 * socket, and a lost one (any user of a page may write anything there) costs a sleep of at most
 * SLEEP_MAX_MS, after which the sleeper looks again. Without a socket (a directory that refuses
 * one, a path too long for sun_path) or a free entry, a sleeper polls with pauses from POLL_MIN_NS
 * to POLL_MAX_NS: the bounded fallback. A thread's socket goes with the thread, its process's with
 * the library's unload. A killed process's refuses its bytes (ECONNREFUSED): a waker that meets
 * one frees its entry, and the sweep removes it (kobjns__plat_sweep_file), asking with a
 * connect(2) that wakes no live sleeper. */

#define WAKE_PREFIX "kobjns-wake-"
#define SLEEP_MAX_MS 250
#define POLL_MIN_NS 20000L
#define POLL_MAX_NS 1000000L

/* Who sleeps on which word: `socket` its socket's random bits (0: free), claimed first, then
 * `word`: a shared page's word's offset + 1, or a key of the process's own word. */
typedef struct sleeper {
  uint32_t socket;
  uint32_t word;
} sleeper;
#define PAGE_SLEEPERS (KOBJNS__PLAT_SLEEPERS_SIZE / sizeof(sleeper))
#define OWN_SLEEPERS 128
_Static_assert(sizeof(sleeper) == 8, "a sleeper is 8 bytes on every ABI");
_Static_assert(KOBJNS__PLAT_SLEEPERS_SIZE % sizeof(sleeper) == 0, "the bytes hold whole entries");

static sleeper own_sleepers[OWN_SLEEPERS];

/* The shared pages this process maps (kobjns__plat_shared_page). */
static pthread_rwlock_t pages_lock = PTHREAD_RWLOCK_INITIALIZER;
static kobjns__ptrmap pages;

void kobjns__plat_shared_page(void *page, bool mapped) {
  pthread_rwlock_wrlock(&pages_lock);
  if (mapped) {
    /* No memory: its words are taken for the process's own, so another process's wake misses
     * their sleepers, who look again after SLEEP_MAX_MS. */
    (void)kobjns__ptrmap_add(&pages, page, 1);
  } else {
    (void)kobjns__ptrmap_remove(&pages, page, NULL);
    kobjns__ptrmap_release(&pages); /* the last one: nothing kept (unload) */
  }
  pthread_rwlock_unlock(&pages_lock);
}

/* The entries of `word`'s sleepers (*count of them) and its key there: its shared page's, or the
 * process's table for a word of no page this process was told of. */
static sleeper *sleepers_of(const uint32_t *word, uint32_t *key, size_t *count) {
  uintptr_t at = (uintptr_t)word, page = at & ~(uintptr_t)(KOBJNS__PLAT_SHARED_PAGE - 1);
  pthread_rwlock_rdlock(&pages_lock);
  bool shared = kobjns__ptrmap_find(&pages, (const void *)page) != NULL;
  pthread_rwlock_unlock(&pages_lock);
  if (shared) {
    *key = (uint32_t)(at - page) + 1;
    *count = PAGE_SLEEPERS;
    return (sleeper *)(page + KOBJNS__PLAT_SHARED_PAGE - KOBJNS__PLAT_SLEEPERS_SIZE);
  }
  uint64_t h = (uint64_t)at * UINT64_C(0x9E3779B97F4A7C15);
  *key = (uint32_t)(h >> 32) | 1; /* never 0 (free); two words sharing one wake each other */
  *count = OWN_SLEEPERS;
  return own_sleepers;
}

/* A socket's name: false when it does not fit sun_path. */
static bool socket_address(uint32_t bits, struct sockaddr_un *a, socklen_t *len) {
  *a = (struct sockaddr_un){.sun_family = AF_UNIX};
  int n = snprintf(a->sun_path, sizeof a->sun_path, "%s/" WAKE_PREFIX "%08x", KOBJNS_OBJECT_DIR,
                   (unsigned)bits);
  if (n < 0 || (size_t)n >= sizeof a->sun_path) return false;
  *len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + (size_t)n + 1);
  return true;
}

static bool set_flags(int fd) {
  int fl = fcntl(fd, F_GETFL);
  return fl >= 0 && fcntl(fd, F_SETFL, fl | O_NONBLOCK) == 0 && fcntl(fd, F_SETFD, FD_CLOEXEC) == 0;
}

/* --- the sockets of this process's threads ---- */

typedef struct channel {
  uint32_t bits;
  int fd;
} channel;
static pthread_mutex_t channels_lock = PTHREAD_MUTEX_INITIALIZER;
static channel *channels; /* this process's, for the unload (and the threads' ends) */
static size_t channels_count, channels_cap;
static pthread_key_t channel_key;
static pthread_once_t channel_once = PTHREAD_ONCE_INIT;
static _Thread_local uint32_t own_bits; /* 0: none yet */
static _Thread_local int own_socket = -1;
static _Thread_local pid_t own_socket_pid;    /* a fork()ed child's thread makes its own */
static _Thread_local time_t own_socket_retry; /* after a failure, when to try again */

static void unlink_socket(uint32_t bits) {
  struct sockaddr_un a;
  socklen_t len;
  if (socket_address(bits, &a, &len)) (void)unlink(a.sun_path);
}

/* A thread's end: its socket and name go. */
static void channel_ended(void *arg) {
  uint32_t bits = (uint32_t)(uintptr_t)arg;
  pthread_mutex_lock(&channels_lock);
  for (size_t i = 0; i < channels_count; i++)
    if (channels[i].bits == bits) {
      unlink_socket(bits);
      close(channels[i].fd);
      channels[i] = channels[--channels_count];
      break;
    }
  pthread_mutex_unlock(&channels_lock);
}

static void make_channel_key(void) { (void)pthread_key_create(&channel_key, channel_ended); }

/* A fork()ed child: the sockets are its parent's threads' (its copies of them close). */
static void channels_in_child(void) {
  for (size_t i = 0; i < channels_count; i++) close(channels[i].fd);
  channels_count = 0;
  own_socket = -1, own_bits = 0;
}

/* The calling thread's socket, made on its first sleep: its descriptor, or -1. */
static int own_channel(void) {
  pid_t pid = getpid();
  if (own_socket >= 0 && own_socket_pid == pid) return own_socket;
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  if (own_socket_pid == pid && now.tv_sec < own_socket_retry)
    return -1; /* it failed (no descriptor left, say): this thread polls for a while */
  own_socket_pid = pid;
  own_socket_retry = now.tv_sec + 1;
  pthread_once(&channel_once, make_channel_key);
  int fd = socket(AF_UNIX, SOCK_DGRAM, 0);
  if (fd < 0) return -1;
  uint32_t bits = 0;
  struct sockaddr_un a;
  socklen_t len;
  for (int attempt = 0; attempt < 8 && !bits; attempt++) {
    uint32_t b = (uint32_t)random_bits();
    if (!b || !socket_address(b, &a, &len)) break;
    if (bind(fd, (struct sockaddr *)&a, len) == 0)
      bits = b;
    else if (errno != EADDRINUSE)
      break;
  }
  /* Whoever may change a word we sleep on may wake us: a wake is only a hint. */
  if (!bits || chmod(a.sun_path, 0666) < 0 || !set_flags(fd)) {
    if (bits) (void)unlink(a.sun_path);
    close(fd);
    return -1;
  }
  pthread_mutex_lock(&channels_lock);
  if (channels_count == channels_cap) {
    size_t cap = channels_cap ? channels_cap * 2 : 16;
    channel *grown = realloc(channels, cap * sizeof *grown);
    if (grown) channels = grown, channels_cap = cap;
  }
  bool listed = channels_count < channels_cap;
  if (listed) channels[channels_count++] = (channel){bits, fd};
  pthread_mutex_unlock(&channels_lock);
  if (!listed || pthread_setspecific(channel_key, (void *)(uintptr_t)bits) != 0) {
    if (listed)
      channel_ended((void *)(uintptr_t)bits);
    else
      (void)unlink(a.sun_path), close(fd);
    return -1;
  }
  own_bits = bits;
  return own_socket = fd;
}

/* The unload: every name of ours goes (a thread still asleep wakes by its time limit). */
static void channels_release(void) {
  pthread_mutex_lock(&channels_lock);
  for (size_t i = 0; i < channels_count; i++) unlink_socket(channels[i].bits);
  pthread_mutex_unlock(&channels_lock);
}

/* --- waking ---- */

/* A byte to socket `bits`: false when nobody has it any more (its thread or process ended). Sent
 * from the calling thread's own socket where it has one, else from one made for the call: a
 * socket kept for the process would be a descriptor that its first wake takes for good (and
 * that a process out of descriptors could never make). */
static bool send_wake(uint32_t bits) {
  struct sockaddr_un a;
  socklen_t len;
  if (!socket_address(bits, &a, &len)) return true;
  bool own = own_socket >= 0 && own_socket_pid == getpid();
  int fd = own ? own_socket : socket(AF_UNIX, SOCK_DGRAM, 0);
  if (fd < 0) return true; /* cannot tell */
  char byte = 0;
  bool gone = false;
  if (!own) (void)fcntl(fd, F_SETFL, O_NONBLOCK);
  if (sendto(fd, &byte, 1, 0, (struct sockaddr *)&a, len) < 0)
    gone = errno == ECONNREFUSED || errno == ENOENT; /* EAGAIN: a full queue: it is awake */
  if (!own) close(fd);
  return !gone;
}

/* Whether socket `bits` has nobody any more, asked without waking it: a connect(2) of a socket
 * made for the question (refused where no socket is bound to the name). */
static bool socket_gone(uint32_t bits) {
  struct sockaddr_un a;
  socklen_t len;
  if (!socket_address(bits, &a, &len)) return false;
  int fd = socket(AF_UNIX, SOCK_DGRAM, 0);
  if (fd < 0) return false; /* cannot tell */
  bool gone =
      connect(fd, (struct sockaddr *)&a, len) < 0 && (errno == ECONNREFUSED || errno == ENOENT);
  close(fd);
  return gone;
}

void kobjns__plat_wake(uint32_t *word, int count) {
  (void)count; /* every sleeper of the word looks again */
  uint32_t key;
  size_t n;
  sleeper *table = sleepers_of(word, &key, &n);
  for (size_t i = 0; i < n; i++) {
    if (__atomic_load_n(&table[i].word, __ATOMIC_SEQ_CST) != key) continue;
    uint32_t bits = __atomic_load_n(&table[i].socket, __ATOMIC_ACQUIRE);
    if (bits && !send_wake(bits)) /* a killed sleeper's entry: free again */
      __atomic_compare_exchange_n(&table[i].socket, &bits, 0, false, __ATOMIC_ACQ_REL,
                                  __ATOMIC_RELAXED);
  }
}

/* --- sleeping ---- */

/* An entry of `table` for our socket `bits` on word `key`, or NULL when all are taken (those of
 * sleepers that are gone are freed on the way). */
static sleeper *claim(sleeper *table, size_t n, uint32_t key, uint32_t bits) {
  for (int pass = 0; pass < 2; pass++)
    for (size_t i = 0; i < n; i++) {
      uint32_t held = __atomic_load_n(&table[i].socket, __ATOMIC_RELAXED);
      if (held && (pass == 0 || !socket_gone(held))) continue;
      if (__atomic_compare_exchange_n(&table[i].socket, &held, bits, false, __ATOMIC_ACQ_REL,
                                      __ATOMIC_RELAXED)) {
        __atomic_store_n(&table[i].word, key, __ATOMIC_SEQ_CST);
        return &table[i];
      }
    }
  return NULL;
}

static void unclaim(sleeper *e) {
  __atomic_store_n(&e->word, 0, __ATOMIC_RELAXED);
  __atomic_store_n(&e->socket, 0, __ATOMIC_RELEASE);
}

static long long ns_until(const struct timespec *deadline) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (long long)(deadline->tv_sec - now.tv_sec) * 1000000000LL +
         (deadline->tv_nsec - now.tv_nsec);
}

/* The fallback: a pause that grows while the same words stay unchanged. */
static _Thread_local const uint32_t *poll_word;
static _Thread_local long poll_pause_ns;

static void poll_pause(const uint32_t *first, const struct timespec *deadline) {
  if (first != poll_word || !poll_pause_ns) {
    poll_word = first;
    poll_pause_ns = POLL_MIN_NS;
  }
  struct timespec pause = {0, poll_pause_ns};
  if (deadline) {
    long long left = ns_until(deadline);
    if (left <= 0) return;
    if (left < pause.tv_nsec) pause.tv_nsec = (long)left;
  }
  nanosleep(&pause, NULL);
  poll_pause_ns = poll_pause_ns * 2 > POLL_MAX_NS ? POLL_MAX_NS : poll_pause_ns * 2;
}

static void drain(int fd) {
  char buf[64];
  while (recv(fd, buf, sizeof buf, 0) > 0) continue;
}

/* Sleep while every words[i] == values[i], until `deadline`: in poll(2) on our socket with an
 * entry for each word, else by the fallback. */
static void sleep_on(uint32_t *const *words, const uint32_t *values, size_t count,
                     const struct timespec *deadline) {
  sleeper *entries[KOBJNS__PLAT_WAIT_WORDS];
  size_t noted = 0;
  int fd = own_channel();
  if (fd >= 0)
    for (; noted < count; noted++) {
      uint32_t key;
      size_t n;
      sleeper *table = sleepers_of(words[noted], &key, &n);
      if (!(entries[noted] = claim(table, n, key, own_bits))) break;
    }
  bool changed = false;
  for (size_t i = 0; i < count && !changed; i++)
    changed = __atomic_load_n(words[i], __ATOMIC_SEQ_CST) != values[i];
  if (changed) {
    poll_pause_ns = 0; /* the next fallback starts short again */
  } else if (noted < count) {
    poll_pause(words[0], deadline);
  } else {
    long long ns = deadline ? ns_until(deadline) : (long long)SLEEP_MAX_MS * 1000000;
    if (ns > 0) {
      long long ms = (ns + 999999) / 1000000;
      struct pollfd p = {.fd = fd, .events = POLLIN};
      int cancel;
      /* No cancellation inside: the entries must be given back (the linux platform's sleep is
       * no cancellation point either). */
      pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &cancel);
      if (poll(&p, 1, ms > SLEEP_MAX_MS ? SLEEP_MAX_MS : (int)ms) > 0) drain(fd);
      pthread_setcancelstate(cancel, NULL);
    }
  }
  while (noted) unclaim(entries[--noted]);
}

void kobjns__plat_wait(uint32_t *word, uint32_t value, const struct timespec *deadline) {
  sleep_on(&word, &value, 1, deadline);
}

void kobjns__plat_wait_any(uint32_t *const *words, const uint32_t *values, size_t count,
                           const struct timespec *deadline, const struct timespec *fallback) {
  (void)fallback; /* every word can wake it */
  if (count > KOBJNS__PLAT_WAIT_WORDS) count = KOBJNS__PLAT_WAIT_WORDS;
  sleep_on(words, values, count, deadline);
}

/* A socket of the directory that nobody has any more. */
int kobjns__plat_sweep_file(int dir, const char *name, bool dry_run) {
  unsigned bits;
  char end;
  if (strncmp(name, WAKE_PREFIX, strlen(WAKE_PREFIX)) ||
      sscanf(name + strlen(WAKE_PREFIX), "%8x%c", &bits, &end) != 1 || !bits)
    return 0;
  struct stat st;
  if (fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISSOCK(st.st_mode) ||
      !socket_gone((uint32_t)bits))
    return 0;
  if (st.st_uid != geteuid() && geteuid() != 0) return -1;
  return dry_run || unlinkat(dir, name, 0) == 0 ? 1 : 0;
}

/* --- identity --------------------------------------------------------------------------------- */

/* POSIX has no login session (getsid() is the terminal's, and a daemon makes its own): the
 * session comes from KOBJNS_SESSION or the caller's context. */
bool kobjns__plat_login_session(uint32_t *session) {
  (void)session;
  return false;
}

/* --- who holds locks: not listable ------------------------------------------------------------ */

int kobjns__plat_flock_holders(int (*fn)(void *arg, uint64_t dev, uint64_t ino, int pid), void *arg,
                               bool *known) {
  (void)fn, (void)arg;
  *known = false;
  return 0;
}

bool kobjns__plat_sees_every_holder(void) { return false; }
