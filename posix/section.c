/* POSIX sections: an object file in the shm directory, header first, user bytes after it; or,
 * for a section of a file, the header alone, naming the file, which views map. */
#include "object.h"
#include "platform.h"
#include "view.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* --- typed-object parts ------------------------------------------------------------------- */

/* r/w bits the descriptor grants `t` in every session type (the kernel cannot tell them). */
static unsigned granted_bits(const kobjns__sd *sd, uint32_t owner, kobjns__token t,
                             bool read_only) {
  unsigned bits = 06;
  for (int interactive = 0; interactive < 2; interactive++) {
    t.session = (uint32_t)interactive;
    if (kobjns__access_check(sd, owner, &t, KOBJNS__SECTION_MAP_READ)) bits &= ~04u;
    if (kobjns__access_check(sd, owner, &t, KOBJNS__SECTION_MAP_WRITE)) bits &= ~02u;
  }
  return read_only ? bits & 04u : bits;
}

static bool open_writable(unsigned desired) { return desired & KOBJNS__SECTION_MAP_WRITE; }

static uint64_t file_size(const kobjns__create_args *a) { return a->file ? 0 : a->size; }

/* `fd`, a description of the section's file of its own, kept in `o`, marked as mapped. */
static int keep_file(kobjns__object *o, int fd) {
  int err = kobjns__file_mapped_take(fd);
  if (err) {
    close(fd);
    return kobjns__status_from_errno(err);
  }
  o->os.of_file = true;
  o->os.file_fd = fd;
  return 0;
}

int kobjns__section_backing(const kobjns__create_args *a, void **out, uint32_t *len) {
  int fd = a->file->os.hold.fd;
  struct stat st;
  char *path = kobjns__plat_fd_path(fd);
  if (!path || fstat(fd, &st) < 0) {
    int err = errno;
    free(path);
    return err == ENAMETOOLONG ? KOBJNS_FILENAME_EXCED_RANGE : kobjns__status_from_errno(err);
  }
  size_t path_len = strlen(path);
  kobjns__stored_file *f = malloc(sizeof *f + path_len);
  if (!f) {
    free(path);
    return KOBJNS_NOT_ENOUGH_MEMORY;
  }
  *f = (kobjns__stored_file){
      .dev = (uint64_t)st.st_dev, .ino = (uint64_t)st.st_ino, .path_len = (uint32_t)path_len};
  memcpy(f + 1, path, path_len);
  free(path);
  *out = f;
  *len = (uint32_t)(sizeof *f + path_len);
  return 0;
}

/* A new section of a file: the file made as long as the section (the core allowed it: a
 * writable section), and a description of its own, which the section's views map. */
static int init(int fd, uint32_t header_size, const kobjns__create_args *a, kobjns__object *o) {
  (void)fd, (void)header_size;
  if (!a->file) return 0;
  int file = a->file->os.hold.fd;
  struct stat st;
  if (fstat(file, &st) < 0) return kobjns__status_from_errno(errno);
  if ((uint64_t)st.st_size < a->size && ftruncate(file, (off_t)a->size) < 0)
    return errno == ENOSPC || errno == EDQUOT || errno == EFBIG ? KOBJNS_DISK_FULL
                                                                : kobjns__status_from_errno(errno);
  int own = kobjns__plat_reopen(file, a->read_only);
  if (own == -ENOTSUP) own = fcntl(file, F_DUPFD_CLOEXEC, 3); /* then it shares the handle's */
  if (own < 0) return kobjns__status_from_errno(own == -1 ? errno : -own);
  return keep_file(o, own);
}

static void release(kobjns__object *o) {
  if (o->os.of_file) close(o->os.file_fd);
  o->os.of_file = false;
}

static void share(kobjns__object *to, kobjns__object *from, bool move) {
  (void)move;
  if (!from->os.of_file) return;
  to->os.file_fd = fcntl(from->os.file_fd, F_DUPFD_CLOEXEC, 3); /* the same description */
  to->os.of_file = to->os.file_fd >= 0;
}

/* The file of an existing section of a file, opened by its path and checked to be the same
 * file: the kernel decides whether this process may open it. */
static int open_file(kobjns__object *o, const kobjns__named *n, bool writable) {
  uint32_t len = n->h.backing_len;
  char *buf = malloc((size_t)len + 1);
  if (!buf) return KOBJNS_NOT_ENOUGH_MEMORY;
  kobjns__stored_file f;
  int rc = pread(n->fd, buf, len, (off_t)(sizeof n->h + n->h.path_len)) == (ssize_t)len
               ? 0
               : KOBJNS_FILE_CORRUPT;
  if (!rc) {
    memcpy(&f, buf, sizeof f);
    if (f.path_len != len - sizeof f) rc = KOBJNS_FILE_CORRUPT;
  }
  int fd = -1;
  if (!rc) {
    char *path = buf + sizeof f;
    path[f.path_len] = '\0';
    struct stat st;
    /* Looked at before it is opened for its data: a FIFO would block the open, a device do
     * what its open does (the header may be anyone's). Then opened without blocking and looked
     * at again (the path may have changed in between). */
    int look = -1;
    if (strlen(path) != f.path_len || path[0] != '/')
      rc = KOBJNS_FILE_CORRUPT;
    else if ((look = kobjns__plat_open_for_attributes(path)) < 0)
      rc = errno == ENOENT || errno == ENOTDIR ? KOBJNS__FILE_GONE
                                               : kobjns__status_from_errno(errno);
    else if (fstat(look, &st) < 0 || !S_ISREG(st.st_mode) || (uint64_t)st.st_dev != f.dev ||
             (uint64_t)st.st_ino != f.ino)
      rc = KOBJNS__FILE_GONE; /* renamed or removed since: another file has the path */
    if (look >= 0) close(look);
    if (!rc &&
        (fd = open(path, (writable ? O_RDWR : O_RDONLY) | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)) < 0)
      rc = errno == ENOENT || errno == ENOTDIR ? KOBJNS__FILE_GONE
                                               : kobjns__status_from_errno(errno);
    else if (!rc && (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || (uint64_t)st.st_dev != f.dev ||
                     (uint64_t)st.st_ino != f.ino))
      rc = KOBJNS__FILE_GONE;
    else if (!rc && (uint64_t)st.st_size < n->h.size)
      rc = KOBJNS_FILE_CORRUPT; /* shorter than the section: its views would raise SIGBUS */
    else if (!rc && n->st.st_uid != geteuid() && n->st.st_uid != 0 && st.st_uid != n->st.st_uid)
      /* Another user's object naming a file that user does not own: it could point this
       * process's writes at a file only this process may write (its own). */
      rc = KOBJNS_ACCESS_DENIED;
    else if (!rc && fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) < 0)
      rc = kobjns__status_from_errno(errno);
  }
  free(buf);
  if (rc) {
    if (fd >= 0) close(fd);
    return rc;
  }
  if ((fd = kobjns__fd_above_std(fd)) < 0) return kobjns__status_from_errno(errno);
  return keep_file(o, fd);
}

static int adopt(kobjns__object *o, const kobjns__named *n, bool writable, kobjns__facts *facts) {
  bool read_only = n->h.flags & KOBJNS__FLAG_READ_ONLY;
  /* A read-only section has no write bits; a handle may still carry write access to it. */
  if (writable && !n->fd_writable && !read_only) {
    facts->denial = KOBJNS_DENIAL_MODE_BITS;
    return KOBJNS_ACCESS_DENIED;
  }
  int rc = (n->h.flags & KOBJNS__FLAG_FILE) ? open_file(o, n, writable && !read_only) : 0;
  if (rc) {
    if (rc == KOBJNS_ACCESS_DENIED) facts->denial = KOBJNS_DENIAL_MODE_BITS;
    return rc;
  }
  facts->size = n->h.size;
  facts->read_only = read_only;
  facts->executable = n->h.flags & KOBJNS__FLAG_EXECUTABLE;
  facts->protection_known = true;
  return 0;
}

const kobjns__named_type kobjns__posix_section = {
    .type = KOBJNS_TYPE_SECTION,
    .granted_bits = granted_bits,
    .open_writable = open_writable,
    .file_size = file_size,
    .adopt = adopt,
    .init = init,
    .unpublished = release,
    .release = release,
    .share = share,
};

/* --- views --------------------------------------------------------------------------------- */

int kobjns__os_section_map(kobjns__object *s, kobjns__view kind, bool exec, uint64_t offset,
                           size_t length, void *base, void **addr) {
  static const int prots[] = {[KOBJNS__VIEW_NONE] = PROT_NONE,
                              [KOBJNS__VIEW_READ] = PROT_READ,
                              [KOBJNS__VIEW_WRITE] = PROT_READ | PROT_WRITE,
                              [KOBJNS__VIEW_COPY] = PROT_READ | PROT_WRITE};
  /* An executable view of a file in a noexec /dev/shm is refused by the kernel (EPERM: 5). */
  int prot = prots[kind] | (exec ? PROT_EXEC : 0);
  int flags = kind == KOBJNS__VIEW_COPY ? MAP_PRIVATE : MAP_SHARED;
  void *p;
  int err = s->os.of_file
                ? kobjns__plat_map(base, length, prot, flags, s->os.file_fd, (off_t)offset, &p)
                : kobjns__plat_map(base, length, prot, flags, s->os.hold.fd,
                                   (off_t)(s->os.header_size + offset), &p);
  if (err) return err == EEXIST ? KOBJNS_INVALID_ADDRESS : kobjns__status_from_errno(err);
  int rc = s->os.of_file
               ? kobjns__view_add(p, length, kind, exec, true, s->os.file_fd, (off_t)offset)
               : kobjns__view_add(p, length, kind, exec, false, s->os.hold.fd,
                                  (off_t)(s->os.header_size + offset));
  if (rc) {
    munmap(p, length);
    return rc;
  }
  *addr = p;
  return 0;
}

int kobjns__os_unmap(void *addr) {
  size_t length;
  int rc = kobjns__view_remove(addr, &length);
  if (rc) return rc;
  munmap(addr, length);
  return 0;
}
