/* Standard streams and pipes: a File handle's object owns one descriptor (close-on-exec: a child
 * gets it only as an inherited handle or as a standard stream). */
#include "object.h"
#include "platform.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
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
