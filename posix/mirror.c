/* The handle table's mirror: what another process needs to duplicate one of our handles
 * (DuplicateHandle from another process), kept where it can take it. For each live handle of a
 * type that can be passed on, its value, type, access and descriptors, in an anonymous shared
 * file of the process's own (kobjns__plat_mirror_create: it dies with the process, so nothing is
 * left behind), made at the process's first such handle and made again in a fork()ed child. The
 * other process takes the file and then the descriptors through the kernel, which decides
 * whether it may (kobjns__plat_mirror_of, kobjns__plat_take_fd); what it reads is only ever a
 * hint it checks: an entry is read twice around the take, and the descriptor's header is
 * checked as an inherited copy's is. */
#include "mirror.h"
#include "object.h"
#include "platform.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stddef.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* The layout, the same for 32- and 64-bit processes: one page of header, then chunks of
 * ENTRIES_PER_CHUNK entries, each chunk page-aligned in the file. */
#define MIRROR_MAGIC 0x484a424bu /* "KBJH" */
#define MIRROR_VERSION 2u        /* 2: src/mirror.h's entry */
typedef struct mirror_header {
  uint32_t magic, version;
  uint32_t pid;
  uint32_t reserved;
} mirror_header;
typedef kobjns__mirror_entry mirror_entry; /* native: fd, then lock_fd (or -1) */
#define ENTRIES_PER_CHUNK 1024u
#define KOBJNS__MIRROR_NOT_YET (-2) /* read_entry: the mirror found is another process's */
#define MAX_CHUNKS 4096u            /* the table's 2^22 slots */

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int mirror_fd = -1;
static int mirror_pid;   /* the process whose mirror it is */
static bool unavailable; /* this system cannot make one */
static mirror_entry *chunks[MAX_CHUNKS];
static size_t chunk_bytes; /* ENTRIES_PER_CHUNK entries, whole pages */

static size_t header_bytes(void) { return kobjns__page_size(); }

static void sizes(void) {
  size_t page = kobjns__page_size();
  chunk_bytes = (ENTRIES_PER_CHUNK * sizeof(mirror_entry) + page - 1) / page * page;
}

/* Whether `o` can be taken by another process: what runs a thread or a process is ours. */
static bool mirrored(const kobjns__object *o) {
  return o->type != KOBJNS_TYPE_THREAD && o->type != KOBJNS_TYPE_PROCESS && o->os.hold.fd >= 0;
}

static void forget(void) {
  for (unsigned c = 0; c < MAX_CHUNKS; c++)
    if (chunks[c]) {
      munmap(chunks[c], chunk_bytes);
      chunks[c] = NULL;
    }
  if (mirror_fd >= 0) close(mirror_fd);
  mirror_fd = -1;
}

/* fork(): the mirror is the parent's (the same file): the child lets go of it and makes its
 * own, with its own descriptors' numbers, when it next publishes. The lock is not taken around
 * the fork (a thread holding the library's init lock may be publishing): a copy caught in the
 * middle of a write is only let go of. */
static bool mirror_ready(void);
static void in_child(void) {
  pthread_mutex_init(&lock, NULL);
  bool had = mirror_fd >= 0;
  forget();
  /* Its handles (the fork holds) can be taken at once, as its parent's could. (The table's
   * own fork handler, registered first, has let go of its lock by now.) */
  if (had) mirror_ready();
}
void kobjns__mirror_fork_handlers(void) { pthread_atfork(NULL, NULL, in_child); }

/* The entry of slot `index`, its chunk mapped (under `lock`): NULL without memory. */
static mirror_entry *entry_at(uint32_t index) {
  unsigned c = index / ENTRIES_PER_CHUNK;
  if (c >= MAX_CHUNKS) return NULL;
  if (!chunks[c]) {
    off_t end = (off_t)(header_bytes() + (size_t)(c + 1) * chunk_bytes);
    struct stat st;
    if (fstat(mirror_fd, &st) < 0 || (st.st_size < end && ftruncate(mirror_fd, end) < 0))
      return NULL;
    void *p = mmap(NULL, chunk_bytes, PROT_READ | PROT_WRITE, MAP_SHARED, mirror_fd,
                   (off_t)(header_bytes() + (size_t)c * chunk_bytes));
    if (p == MAP_FAILED) return NULL;
    chunks[c] = p;
  }
  return &chunks[c][index % ENTRIES_PER_CHUNK];
}

static void write_entry(const kobjns__object *o) {
  uint32_t index = kobjns__handle_slot(o->handle);
  mirror_entry *e = index == UINT32_MAX ? NULL : entry_at(index);
  if (!e) return; /* not mirrored: another process cannot take it (50 there) */
  kobjns__mirror_write(
      e, o, (uint64_t)(uint32_t)o->os.hold.fd | (uint64_t)(uint32_t)o->os.hold.lock_fd << 32);
}

static int publish_each(kobjns__object *o, void *arg) {
  (void)arg;
  if (mirrored(o)) write_entry(o);
  return 0;
}

/* The process's mirror (under `lock`): made, with every live handle in it, on first use. */
static bool mirror_ready(void) {
  if (mirror_fd >= 0 && mirror_pid == kobjns__pid()) return true;
  if (unavailable) return false;
  if (!chunk_bytes) sizes();
  int fd;
  int err = kobjns__plat_mirror_create(&fd);
  if (!err && (fd = kobjns__fd_above_std(fd)) < 0) err = errno; /* never a standard stream's */
  if (err) {
    unavailable = err == ENOTSUP;
    return false;
  }
  mirror_fd = fd; /* at once: a fork() from here on lets go of it in the child */
  mirror_pid = kobjns__pid();
  mirror_header h = {
      .magic = MIRROR_MAGIC, .version = MIRROR_VERSION, .pid = (uint32_t)kobjns__pid()};
  if (ftruncate(fd, (off_t)header_bytes()) < 0 || pwrite(fd, &h, sizeof h, 0) != sizeof h) {
    close(fd);
    mirror_fd = -1;
    return false;
  }
  kobjns__handles_each(publish_each, NULL); /* those made before (a fork()ed child's) */
  return true;
}

void kobjns__os_handle_published(const kobjns__object *o) {
  if (!mirrored(o)) return;
  pthread_mutex_lock(&lock);
  if (mirror_ready()) write_entry(o);
  pthread_mutex_unlock(&lock);
}

void kobjns__os_handle_withdrawn(const kobjns__object *o) {
  if (!mirrored(o)) return;
  pthread_mutex_lock(&lock);
  uint32_t index = kobjns__handle_slot(o->handle);
  unsigned c = index / ENTRIES_PER_CHUNK;
  if (mirror_fd >= 0 && mirror_pid == kobjns__pid() && index != UINT32_MAX && c < MAX_CHUNKS &&
      chunks[c]) {
    kobjns__mirror_clear(&chunks[c][index % ENTRIES_PER_CHUNK], o->handle);
  }
  pthread_mutex_unlock(&lock);
}

void kobjns__mirror_release(void) {
  pthread_mutex_lock(&lock);
  if (mirror_pid == kobjns__pid()) forget();
  pthread_mutex_unlock(&lock);
}

/* --- the other side: taking a handle of another process ----------------------------------------
 */

/* Entry `index` of the mirror `fd` (another process's), read twice to be whole: 0, or 6. */
static int read_entry(int fd, long pid, uint32_t index, mirror_entry *out) {
  if (!chunk_bytes) sizes();
  mirror_header h;
  if (pread(fd, &h, sizeof h, 0) != sizeof h || h.magic != MIRROR_MAGIC ||
      h.version != MIRROR_VERSION)
    return KOBJNS_INVALID_HANDLE;
  if (h.pid != (uint32_t)pid) return KOBJNS__MIRROR_NOT_YET;
  off_t at = (off_t)(header_bytes() + (size_t)(index / ENTRIES_PER_CHUNK) * chunk_bytes +
                     (index % ENTRIES_PER_CHUNK) * sizeof(mirror_entry));
  for (int attempt = 0; attempt < 100; attempt++) {
    mirror_entry a, b;
    if (pread(fd, &a, sizeof a, at) != sizeof a || pread(fd, &b, sizeof b, at) != sizeof b)
      return KOBJNS_INVALID_HANDLE; /* beyond its end: no such handle */
    if (!memcmp(&a, &b, sizeof a)) {
      *out = a;
      return 0;
    }
  }
  return KOBJNS_INVALID_HANDLE; /* never the same twice: not a handle to rely on */
}

static bool passable(kobjns_type t) {
  return t == KOBJNS_TYPE_SECTION || t == KOBJNS_TYPE_MUTEX || t == KOBJNS_TYPE_EVENT ||
         t == KOBJNS_TYPE_SEMAPHORE || t == KOBJNS_TYPE_TIMER || t == KOBJNS_TYPE_FILE;
}

static bool taken_file_fits(kobjns_type type, int fd, int lock_fd) {
  struct stat st, dir, lk;
  if (fstat(fd, &st) < 0) return false;
  if (type == KOBJNS_TYPE_FILE)
    return S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode) || S_ISCHR(st.st_mode) ||
           S_ISREG(st.st_mode);
  int d = kobjns__shm_dir_hold();
  bool fits = d >= 0 && S_ISREG(st.st_mode) && fstat(d, &dir) == 0 && dir.st_dev == st.st_dev;
  if (d >= 0) kobjns__shm_dir_drop();
  if (fits && lock_fd >= 0)
    fits = fstat(lock_fd, &lk) == 0 && lk.st_dev == st.st_dev && lk.st_ino == st.st_ino;
  return fits;
}

/* Whether the process of `pidfd` has ended (its handle readable). */
static bool ended(int pidfd) {
  struct pollfd p = {.fd = pidfd, .events = POLLIN};
  return poll(&p, 1, 0) == 1;
}

int kobjns__os_duplicate_from(kobjns__object *process, uint32_t handle, kobjns_type *type,
                              unsigned *access, uint64_t *copy) {
  long pid;
  int pidfd = kobjns__process_pidfd(process, &pid);
  if (pidfd < 0) return errno == ESRCH ? KOBJNS_ACCESS_DENIED : KOBJNS_NOT_SUPPORTED;
  uint32_t index = kobjns__handle_slot(handle);
  int rc = index == UINT32_MAX ? KOBJNS_INVALID_HANDLE : 0;
  int mfd = -1, fd = -1, lock_fd = -1, err = 0;
  if (!rc && (err = kobjns__plat_mirror_of(pidfd, pid, &mfd)))
    rc = err == ENOENT    ? KOBJNS_INVALID_HANDLE
         : err == EPERM   ? KOBJNS_ACCESS_DENIED
         : err == ENOTSUP ? KOBJNS_NOT_SUPPORTED
                          : kobjns__status_from_errno(err);
  mirror_entry e, again;
  if (!rc) rc = read_entry(mfd, pid, index, &e);
  /* A fork()ed child that has not yet made its own mirror still has its parent's (another pid
   * in the header): looked for again, for at most a second. */
  for (int tries = 0; rc == KOBJNS__MIRROR_NOT_YET && tries < 1000; tries++) {
    close(mfd);
    mfd = -1;
    struct timespec ms = {0, 1000000};
    nanosleep(&ms, NULL);
    if ((err = kobjns__plat_mirror_of(pidfd, pid, &mfd))) break;
    rc = read_entry(mfd, pid, index, &e);
  }
  if (rc == KOBJNS__MIRROR_NOT_YET) rc = KOBJNS_INVALID_HANDLE;
  /* What the other process wrote is a hint, checked: a type that can be passed on, its rights. */
  if (!rc && (!e.handle || (e.handle & ~3u) != (handle & ~3u) || !passable((kobjns_type)e.type)))
    rc = KOBJNS_INVALID_HANDLE;
  if (!rc) e.access &= kobjns__type_valid_access((kobjns_type)e.type);
  if (!rc) {
    /* The descriptors, taken through the kernel, then the entry again: unchanged, or the
     * handle was closed meanwhile (and its numbers may be another file's now). */
    int their_fd = (int32_t)(uint32_t)e.native, their_lock = (int32_t)(uint32_t)(e.native >> 32);
    err = kobjns__plat_take_fd(pidfd, their_fd, &fd);
    if (!err && their_lock >= 0) err = kobjns__plat_take_fd(pidfd, their_lock, &lock_fd);
    if (err)
      rc = err == EPERM                     ? KOBJNS_ACCESS_DENIED
           : err == ENOTSUP                 ? KOBJNS_NOT_SUPPORTED
           : err == EMFILE || err == ENFILE ? KOBJNS_TOO_MANY_OPEN_FILES
                                            : KOBJNS_INVALID_HANDLE;
    if (!rc && (read_entry(mfd, pid, index, &again) ||
                (again.access &= kobjns__type_valid_access((kobjns_type)again.type),
                 memcmp(&e, &again, sizeof e))))
      rc = KOBJNS_INVALID_HANDLE;
    /* Before anything opens it again: an object's file in the object directory (a FIFO or a
     * device would block or do worse), a file handle's a pipe, socket, terminal or file. */
    if (!rc && !taken_file_fits((kobjns_type)e.type, fd, lock_fd)) rc = KOBJNS_INVALID_HANDLE;
  }
  /* A process that ended meanwhile: 5 however far the look went (Windows' answer). */
  if (rc == KOBJNS_INVALID_HANDLE && ended(pidfd)) rc = KOBJNS_ACCESS_DENIED;
  if (mfd >= 0) close(mfd);
  close(pidfd);
  if (!rc && e.type == KOBJNS_TYPE_FILE) { /* a file's handles share its description */
    int own = kobjns__fd_above_std(fd);
    fd = -1;
    if (own < 0)
      rc = kobjns__status_from_errno(errno);
    else
      *copy = (uint32_t)own;
  } else if (!rc) {
    /* A hold of our own: a description of ours, locked shared (the source's lock keeps every
     * exclusive one away meanwhile), as an inherited copy is made. */
    kobjns__hold from = {.fd = fd, .lock_fd = lock_fd, .spare = -1};
    int own, own_lock;
    rc = kobjns__hold_for_child(&from, "", &own, &own_lock); /* named; ours by no name */
    if (!rc) {
      own = kobjns__fd_above_std(own);
      if (own_lock >= 0) own_lock = kobjns__fd_above_std(own_lock);
      *copy = (uint64_t)(uint32_t)own | (uint64_t)(uint32_t)(own_lock + 1) << 32;
    }
  }
  if (fd >= 0) close(fd);
  if (lock_fd >= 0) close(lock_fd);
  if (!rc) {
    *type = (kobjns_type)e.type;
    *access = e.access;
  }
  return rc;
}
