/* Standard streams and pipes: a File handle's object owns one descriptor (close-on-exec: a child
 * gets it only as an inherited handle or as a standard stream). */
#include "object.h"
#include "platform.h"
#include "view.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int kobjns__os_std_file(unsigned which, intptr_t *file) {
  int fd = fcntl((int)which, F_DUPFD_CLOEXEC, 3);
  if (fd < 0) return errno == EBADF ? KOBJNS_INVALID_HANDLE : kobjns__status_from_errno(errno);
  *file = fd;
  return 0;
}

/* `fd` moved to a number >= 3 if it is one of 0-2 (free in a daemon that closed them): a file
 * handle's descriptor is never taken for a standard stream. -1 (errno set) on failure. */
int kobjns__fd_above_std(int fd) {
  if (fd < 0 || fd > 2) return fd;
  int moved = fcntl(fd, F_DUPFD_CLOEXEC, 3);
  int err = errno;
  close(fd);
  errno = err;
  return moved;
}

int kobjns__os_pipe(intptr_t *read_end, intptr_t *write_end, uint32_t size) {
  (void)size; /* a hint: the system's size serves (Windows' own is a hint too) */
  int fds[2];
  int err = kobjns__plat_pipe(fds);
  for (int i = 0; i < 2 && !err; i++)
    if ((fds[i] = kobjns__fd_above_std(fds[i])) < 0) {
      err = errno;
      close(fds[1 - i]);
    }
  if (err)
    return err == EMFILE || err == ENFILE ? KOBJNS_TOO_MANY_OPEN_FILES
                                          : kobjns__status_from_errno(err);
  *read_end = fds[0];
  *write_end = fds[1];
  return 0;
}

void kobjns__os_file_adopt(kobjns__object *o, intptr_t file) {
  o->os.hold = (kobjns__hold){.fd = (int)file, .pid = kobjns__pid(), .lock_fd = -1, .spare = -1};
  o->os.native[0] = '\0';
}

void kobjns__os_file_discard(intptr_t file) { close((int)file); }

void kobjns__file_close(kobjns__object *o) {
  if (o->os.hold.fd >= 0) close(o->os.hold.fd);
  o->os.hold.fd = -1;
}

int kobjns__file_duplicate(kobjns__object *from, kobjns__object *to) {
  int fd = fcntl(from->os.hold.fd, F_DUPFD_CLOEXEC, 3);
  if (fd < 0) return kobjns__status_from_errno(errno);
  kobjns__os_file_adopt(to, fd);
  return 0;
}

/* Wait until `fd` can do `events` (a descriptor set non-blocking by its other holder). */
static void until_ready(int fd, short events) {
  struct pollfd p = {.fd = fd, .events = events};
  while (poll(&p, 1, -1) < 0 && errno == EINTR) continue;
}

int kobjns__os_file_read(kobjns__object *f, void *buffer, uint32_t size, uint32_t *done) {
  int fd = f->os.hold.fd;
  for (;;) {
    ssize_t n = read(fd, buffer, size);
    if (n > 0) {
      /* A file gives what it has up to `size` (ReadFile's rule); a pipe what has come. */
      struct stat st;
      for (ssize_t more = 1;
           (size_t)n < size && more > 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode);) {
        more = read(fd, (char *)buffer + n, size - (size_t)n);
        if (more > 0) n += more;
      }
      *done = (uint32_t)n;
      return 0;
    }
    if (n == 0) {
      struct stat st;
      /* A pipe whose writers are gone: ReadFile's ERROR_BROKEN_PIPE; a file's end: 0 bytes. */
      if (size && fstat(fd, &st) == 0 && (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode)))
        return KOBJNS_BROKEN_PIPE;
      return 0;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      until_ready(fd, POLLIN);
      continue;
    }
    return errno == EBADF ? KOBJNS_ACCESS_DENIED : kobjns__status_from_errno(errno);
  }
}

/* A write that meets a closed pipe would raise SIGPIPE in the process: the signal is held
 * back for the calling thread, and taken away if the write raised it (and it was not pending
 * before), as MSG_NOSIGNAL does for sockets. All of `size` bytes: 0, or the errno (EPIPE). */
static int write_all(int fd, const void *buffer, uint32_t size, uint32_t *done) {
  sigset_t pipe_only, old, pending;
  sigemptyset(&pipe_only);
  sigaddset(&pipe_only, SIGPIPE);
  sigpending(&pending);
  bool was_pending = sigismember(&pending, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe_only, &old);
  int err = 0;
  uint32_t at = 0;
  while (at < size || (size == 0 && at == 0 && !err)) {
    ssize_t n = write(fd, (const char *)buffer + at, size - at);
    if (n >= 0) {
      at += (uint32_t)n;
      if (size == 0) break;
      continue;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      until_ready(fd, POLLOUT);
      continue;
    }
    err = errno;
    break;
  }
  if (err == EPIPE && !was_pending) {
    struct timespec zero = {0, 0};
    while (sigtimedwait(&pipe_only, NULL, &zero) < 0 && errno == EINTR) continue;
  }
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  *done = at;
  return err;
}

int kobjns__write_quietly(int fd, const void *buffer, uint32_t size) {
  uint32_t done;
  return write_all(fd, buffer, size, &done);
}

int kobjns__os_file_write(kobjns__object *f, const void *buffer, uint32_t size, uint32_t *done) {
  int err = write_all(f->os.hold.fd, buffer, size, done);
  return !err           ? 0
         : err == EPIPE ? KOBJNS_NO_DATA
         : err == EBADF ? KOBJNS_ACCESS_DENIED
                        : kobjns__status_from_errno(err);
}

/* --- files by path ------------------------------------------------------------------------------
 * Share modes are byte-range locks of the open file description (kobjns__plat_range_share),
 * far past any data: one byte per kind of access an open has (read, write, delete) and one per
 * kind it refuses to share; a section of the file holds one more while it lives. Every open of
 * the file by a kobjns process, in this process or another, sees the others'; what the kernel
 * keeps goes with the description, so a killed process's opens stop counting at once. */
#define SHARE_BYTES ((off_t)INT64_MAX - 4095)
enum { KIND_READ, KIND_WRITE, KIND_DELETE, KINDS };
#define HAS(kind) (SHARE_BYTES + (kind))            /* an open with that access */
#define DENIES(kind) (SHARE_BYTES + KINDS + (kind)) /* an open that does not share it */
#define MAPPED (SHARE_BYTES + 2 * KINDS)            /* a section of the file */

static unsigned kinds_of_access(unsigned access) {
  return ((access & (KOBJNS__FILE_READ_DATA | KOBJNS__FILE_EXECUTE)) ? 1u << KIND_READ : 0u) |
         ((access & (KOBJNS__FILE_WRITE_DATA | KOBJNS__FILE_APPEND_DATA)) ? 1u << KIND_WRITE : 0u) |
         ((access & KOBJNS__DELETE) ? 1u << KIND_DELETE : 0u);
}

static void share_drop(int fd, unsigned has, unsigned denies) {
  for (int k = 0; k < KINDS; k++) {
    if (has & (1u << k)) kobjns__plat_range_share(fd, HAS(k), false);
    if (denies & (1u << k)) kobjns__plat_range_share(fd, DENIES(k), false);
  }
}

/* Whether another open conflicts with ours (`has`, `denies`): 1, 0, or -errno. */
static int share_conflict(int fd, unsigned has, unsigned denies) {
  for (int k = 0; k < KINDS; k++) {
    int held = 0;
    if ((has & (1u << k)) && (held = kobjns__plat_range_held_by_other(fd, DENIES(k)))) return held;
    if ((denies & (1u << k)) && (held = kobjns__plat_range_held_by_other(fd, HAS(k)))) return held;
  }
  return 0;
}

/* Mark the open `fd` with its access and what it does not share, unless another open
 * conflicts: 0, 32, or 0 without marks where the system has no such locks. The marks are taken
 * before the look, so of two conflicting opens at the same instant neither can miss the other;
 * both may then see each other and step back, and each tries again a little later. An open that
 * cannot read (`marks` false: the kernel takes shared locks only for reading) is checked against
 * the others but leaves no marks. */
static int share_take(int fd, unsigned access, unsigned share, bool marks) {
  unsigned has = kinds_of_access(access);
  unsigned denies = has ? ~share & ((1u << KINDS) - 1) : 0u; /* no data access: no share check */
  if (!has) return 0;
  if (!marks) {
    int conflict = share_conflict(fd, has, denies);
    return conflict == 0 || conflict == -EINVAL ? 0
           : conflict > 0                       ? KOBJNS_SHARING_VIOLATION
                                                : kobjns__status_from_errno(-conflict);
  }
  for (int attempt = 0; attempt < 4; attempt++) {
    int err = 0;
    for (int k = 0; k < KINDS && !err; k++) {
      if (has & (1u << k)) err = kobjns__plat_range_share(fd, HAS(k), true);
      if (!err && (denies & (1u << k))) err = kobjns__plat_range_share(fd, DENIES(k), true);
    }
    if (err == ENOTSUP) return 0; /* no such locks here: share modes are not enforced */
    int conflict = err ? -err : share_conflict(fd, has, denies);
    if (conflict == 0) return 0;
    share_drop(fd, has, denies);
    if (conflict < 0) return kobjns__status_from_errno(-conflict);
    struct timespec pause = {0,
                             (long)(100000 + (kobjns__pid() * 7919 + attempt * 104729) % 900000)};
    nanosleep(&pause, NULL);
  }
  return KOBJNS_SHARING_VIOLATION;
}

int kobjns__file_mapped_take(int fd) {
  int err = kobjns__plat_range_share(fd, MAPPED, true);
  return err == ENOTSUP ? 0 : err;
}

/* An errno of an open of `path` as CreateFile says it. */
static int open_status(int err, const char *path, bool creating) {
  switch (err) {
    case ENOENT: {
      if (creating) return KOBJNS_PATH_NOT_FOUND; /* O_CREAT: the directory is missing */
      const char *slash = strrchr(path, '/');
      if (!slash) return KOBJNS_FILE_NOT_FOUND;
      char *dir = strndup(path, slash == path ? 1 : (size_t)(slash - path));
      struct stat st;
      int rc = !dir                                         ? KOBJNS_NOT_ENOUGH_MEMORY
               : stat(dir, &st) == 0 && S_ISDIR(st.st_mode) ? KOBJNS_FILE_NOT_FOUND
                                                            : KOBJNS_PATH_NOT_FOUND;
      free(dir);
      return rc;
    }
    case ENOTDIR: return KOBJNS_PATH_NOT_FOUND;
    case EEXIST: return KOBJNS_FILE_EXISTS;
    case EISDIR: return KOBJNS_ACCESS_DENIED;
    case ETXTBSY: return KOBJNS_SHARING_VIOLATION; /* a running program's file, written */
    case ELOOP: return KOBJNS_CANT_RESOLVE_FILENAME;
    case ENOSPC:
    case EDQUOT: return KOBJNS_DISK_FULL;
    default: return kobjns__status_from_errno(err);
  }
}

int kobjns__os_file_open(const char *path, unsigned access, unsigned share, unsigned disposition,
                         unsigned flags, intptr_t *file) {
  bool reads = access & (KOBJNS__FILE_READ_DATA | KOBJNS__FILE_EXECUTE);
  bool writes = access & KOBJNS__FILE_WRITE_DATA;
  bool appends = (access & KOBJNS__FILE_APPEND_DATA) && !writes;
  int oflags = O_CLOEXEC | O_NOCTTY | (appends ? O_APPEND : 0) |
               ((flags & KOBJNS_FILE_FLAG_WRITE_THROUGH) ? O_DSYNC : 0) |
               ((reads && (writes || appends)) ? O_RDWR
                : (writes || appends)          ? O_WRONLY
                                               : O_RDONLY);
  mode_t mode = (flags & KOBJNS_FILE_READ_ONLY) ? 0444 : 0666;
  int fd = -1, err = 0;
  bool existed = false, creating = false, attributes_only = false;
  for (int attempt = 0; attempt < 100; attempt++) {
    creating = disposition == KOBJNS_CREATE_NEW;
    if (!creating) {
      /* A writer that may also read the file opens it for both (the handle's rights stay what
       * were asked): only a readable description can mark its share modes. */
      if ((oflags & O_ACCMODE) == O_WRONLY &&
          (fd = open(path, (oflags & ~O_ACCMODE) | O_RDWR)) >= 0) {
        existed = true;
        break;
      }
      if ((fd = open(path, oflags)) >= 0) {
        existed = true;
        break;
      }
      err = errno;
      /* An open for its attributes alone needs no right to read the file. */
      if (err == EACCES && !reads && !writes && !appends &&
          (fd = kobjns__plat_open_for_attributes(path)) >= 0) {
        existed = true;
        attributes_only = true; /* no locks on it: its share modes cannot count */
        break;
      }
      if (err != ENOENT || disposition == KOBJNS_OPEN_EXISTING ||
          disposition == KOBJNS_TRUNCATE_EXISTING)
        break;
      creating = true;
    }
    int create_flags = (oflags & O_ACCMODE) == O_WRONLY ? (oflags & ~O_ACCMODE) | O_RDWR : oflags;
    if ((fd = open(path, create_flags | O_CREAT | O_EXCL, mode)) >= 0) break;
    err = errno;
    if (err != EEXIST || disposition == KOBJNS_CREATE_NEW) break; /* else made meanwhile: open it */
  }
  if (fd < 0) return open_status(err, path, creating);
  struct stat st;
  int rc = fstat(fd, &st) < 0 ? kobjns__status_from_errno(errno) : 0;
  if (!rc && S_ISDIR(st.st_mode) && !(flags & KOBJNS_FILE_FLAG_DIRECTORY))
    rc = KOBJNS_ACCESS_DENIED; /* as Windows: a directory needs FILE_FLAG_BACKUP_SEMANTICS */
  if (!rc && S_ISREG(st.st_mode) && !attributes_only)
    rc = share_take(fd, access, share, (fcntl(fd, F_GETFL) & O_ACCMODE) != O_WRONLY);
  /* Windows: a file a section maps is never emptied (ERROR_USER_MAPPED_FILE). */
  if (!rc && existed && S_ISREG(st.st_mode) && st.st_size > 0 && !attributes_only &&
      (disposition == KOBJNS_CREATE_ALWAYS || disposition == KOBJNS_TRUNCATE_EXISTING) &&
      kobjns__plat_range_held_by_other(fd, MAPPED) == 1)
    rc = KOBJNS_USER_MAPPED_FILE;
  /* Emptied only once the share modes allowed the open (CREATE_ALWAYS, TRUNCATE_EXISTING). */
  if (!rc && existed && S_ISREG(st.st_mode) &&
      (disposition == KOBJNS_CREATE_ALWAYS || disposition == KOBJNS_TRUNCATE_EXISTING)) {
    int w = (oflags & O_ACCMODE) == O_RDONLY ? kobjns__plat_reopen(fd, false) : fd;
    if (w == fd || w >= 0) {
      if (w == fd || (fcntl(w, F_GETFL) & O_ACCMODE) != O_RDONLY)
        rc = ftruncate(w, 0) < 0 ? open_status(errno, path, false) : 0;
      else
        rc = KOBJNS_ACCESS_DENIED;
    } else {
      rc = KOBJNS_ACCESS_DENIED;
    }
    if (w >= 0 && w != fd) close(w);
  }
  if (!rc && (fd = kobjns__fd_above_std(fd)) < 0) rc = kobjns__status_from_errno(errno);
  if (rc) {
    if (fd >= 0) close(fd);
    return rc;
  }
  *file = fd;
  return existed && (disposition == KOBJNS_OPEN_ALWAYS || disposition == KOBJNS_CREATE_ALWAYS)
             ? KOBJNS_ALREADY_EXISTS
             : 0;
}

int kobjns__os_file_delete(const char *path) {
  int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK), held = 0;
  if (fd >= 0) {
    struct stat st;
    if (fstat(fd, &st) == 0)
      held = S_ISDIR(st.st_mode)   ? -EISDIR
             : S_ISREG(st.st_mode) ? kobjns__plat_range_held_by_other(fd, DENIES(KIND_DELETE))
                                   : 0;
    close(fd);
  }
  if (held == 1) return KOBJNS_SHARING_VIOLATION;
  if (held == -EISDIR) return KOBJNS_ACCESS_DENIED; /* DeleteFile removes files only */
  return unlink(path) == 0 ? 0 : open_status(errno, path, false);
}

int kobjns__os_file_size(kobjns__object *f, uint64_t *size) {
  struct stat st;
  if (fstat(f->os.hold.fd, &st) < 0) return kobjns__status_from_errno(errno);
  if (!S_ISREG(st.st_mode)) return KOBJNS_INVALID_FUNCTION;
  *size = (uint64_t)st.st_size;
  return 0;
}

int kobjns__os_file_seek(kobjns__object *f, int64_t distance, unsigned method, uint64_t *position) {
  static const int whence[] = {SEEK_SET, SEEK_CUR, SEEK_END};
  off_t at = lseek(f->os.hold.fd, (off_t)distance, whence[method]);
  if (at >= 0) {
    *position = (uint64_t)at;
    return 0;
  }
  return errno == EINVAL   ? KOBJNS_NEGATIVE_SEEK
         : errno == ESPIPE ? KOBJNS_INVALID_FUNCTION
                           : kobjns__status_from_errno(errno);
}

int kobjns__os_file_set_end(kobjns__object *f) {
  int fd = f->os.hold.fd;
  off_t at = lseek(fd, 0, SEEK_CUR);
  struct stat st;
  if (at < 0 || fstat(fd, &st) < 0)
    return errno == ESPIPE ? KOBJNS_INVALID_FUNCTION : kobjns__status_from_errno(errno);
  /* A section maps the file (a description of its own holds MAPPED): never made shorter. */
  if (at < st.st_size && kobjns__plat_range_held_by_other(fd, MAPPED) == 1)
    return KOBJNS_USER_MAPPED_FILE;
  if (ftruncate(fd, at) == 0) return 0;
  return errno == EFBIG || errno == ENOSPC || errno == EDQUOT ? KOBJNS_DISK_FULL
         : errno == EINVAL || errno == EBADF                  ? KOBJNS_ACCESS_DENIED
                                                              : kobjns__status_from_errno(errno);
}

int kobjns__os_file_flush(kobjns__object *f) {
  if (fsync(f->os.hold.fd) == 0 || errno == EINVAL || errno == EROFS) return 0; /* a pipe */
  return kobjns__status_from_errno(errno);
}

int kobjns__os_view_flush(const void *addr, size_t length) {
  kobjns_view_info view;
  if (kobjns__os_view_query(addr, &view)) return KOBJNS_INVALID_ADDRESS;
  uintptr_t page = kobjns__page_size();
  uintptr_t start = (uintptr_t)addr & ~(page - 1), end = (uintptr_t)view.base + view.length;
  if (length && length < end - (uintptr_t)addr) end = (uintptr_t)addr + length;
  return msync((void *)start, end - start, MS_SYNC) == 0 ? 0 : KOBJNS_INVALID_ADDRESS;
}
