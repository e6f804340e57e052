/* POSIX sections: an object file in the shm directory, header first, user bytes after it. */
#define _GNU_SOURCE
#include "object.h"
#include "view.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <unistd.h>

/* --- security -> mode bits ---------------------------------------------------------------- */

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

/* The mode closest to the descriptor that never lets the kernel grant more than it does: the
 * owner class gets what the owner is granted; group and other get what the least-favoured
 * other user is granted (every user or group an ACE names is tried). Root is always checked
 * by the library alone. */
static mode_t mode_for(const kobjns__sd *sd, const kobjns__token *creator, uint32_t owner,
                       bool read_only) {
  kobjns__token t = *creator;
  t.uid = owner;
  t.admin = false;
  unsigned owner_bits = granted_bits(sd, owner, t, read_only);
  /* An unnamed other user: a uid no ACE names, in no group. */
  kobjns__token other = {.uid = owner ^ 0x80000000u};
  for (unsigned i = 0; i < sd->count; i++)
    if (sd->aces[i].id == other.uid) other.uid ^= 0x40000000u;
  unsigned other_bits = granted_bits(sd, owner, other, read_only);
  for (unsigned i = 0; i < sd->count; i++) {
    kobjns__token named = other;
    if (sd->aces[i].trustee == KOBJNS__TRUSTEE_USER && sd->aces[i].id != owner) {
      named.uid = sd->aces[i].id;
    } else if (sd->aces[i].trustee == KOBJNS__TRUSTEE_GROUP) {
      named.ngroups = 1;
      named.groups[0] = sd->aces[i].id;
    } else {
      continue;
    }
    other_bits &= granted_bits(sd, owner, named, read_only);
  }
  return (mode_t)(owner_bits << 6 | other_bits << 3 | other_bits);
}

/* --- opening ------------------------------------------------------------------------------- */

static int read_header(int fd, const struct stat *st, const kobjns__name *name, kobjns__header *h) {
  /* The full canonical name is stored after the fixed part (it tells hash-named objects apart):
   * both in one read. */
  size_t path_len = kobjns__path_len(name);
  size_t want_len = sizeof *h + path_len;
  char stack[2048];
  char *buf = want_len + path_len <= sizeof stack ? stack : malloc(want_len + path_len);
  if (!buf) return KOBJNS_NOT_ENOUGH_MEMORY;
  char *want = buf + want_len;
  ssize_t got = st->st_size < (off_t)sizeof *h ? -1 : pread(fd, buf, want_len, 0);
  int rc = KOBJNS_FILE_CORRUPT;
  if (got >= (ssize_t)sizeof *h) {
    memcpy(h, buf, sizeof *h);
    if (h->magic != KOBJNS__MAGIC || h->version != KOBJNS__HEADER_VERSION)
      rc = KOBJNS_FILE_CORRUPT;
    else if (h->type != KOBJNS__TYPE_SECTION)
      rc = KOBJNS_INVALID_HANDLE; /* another object type */
    else if (kobjns__section_header_valid(h, st) && h->path_len == path_len &&
             got == (ssize_t)want_len) {
      kobjns__path_write(name, want);
      if (memcmp(want, buf + sizeof *h, path_len) == 0) rc = 0;
    }
  }
  if (buf != stack) free(buf);
  return rc;
}

/* A privileged caller never trusts an object that an unprivileged other user put in a
 * namespace it does not own: the global namespace or another session's. */
static bool planted(const kobjns_ctx *ctx, const kobjns__name *name, const struct stat *st) {
  if (!ctx->token.admin || st->st_uid == 0 || st->st_uid == ctx->token.uid) return false;
  if (name->session != 0 && name->session == ctx->token.session) return false;
  return geteuid() == 0; /* last: the common cases need no system call */
}

/* kobjns publishes every object under exactly one name. A second name was made by someone else
 * with link(2) (the kernel's protected_hardlinks lets anyone who may read and write a file link
 * it). A user who may write the file may also rewrite its header to claim the name it is reached
 * by: a create of a name the caller believes private would then hand the caller an object that
 * user reads and writes (and root would trust it: the file is root's). Such an object is not
 * trusted under any of its names. Where only the owner may write, the header cannot be made to
 * match the second name (1392), so the link is harmless and is left to that check. */
static bool second_name(const struct stat *held) {
  return held->st_nlink != 1 && (held->st_mode & 022); /* `held`: taken with the lock held */
}

static int open_existing(const kobjns_ctx *ctx, const kobjns__name *name, unsigned desired,
                         kobjns_section *s) {
  const char *native = s->os.native;
  bool want_write = desired & KOBJNS__SECTION_MAP_WRITE;
  int fd;
  struct stat st;
  int rc = kobjns__object_open(native, want_write ? O_RDWR : O_RDONLY, false, &fd, &st);
  bool fd_writable = want_write;
  if (rc == KOBJNS_ACCESS_DENIED && want_write) {
    /* A read-only section has no write bits; a handle may still carry write access to it. */
    rc = kobjns__object_open(native, O_RDONLY, false, &fd, &st);
    fd_writable = false;
  }
  if (rc) return rc;
  kobjns__header h;
  if ((rc = read_header(fd, &st, name, &h))) goto fail;
  bool read_only = h.flags & KOBJNS__FLAG_READ_ONLY;
  rc = KOBJNS_ACCESS_DENIED;
  if (want_write && !fd_writable && !read_only) goto fail;
  if (planted(ctx, name, &st) || second_name(&st)) goto fail;
  if (kobjns__access_check(&h.sd, (uint32_t)st.st_uid, &ctx->token, desired)) goto fail;
  s->os.fd = fd;
  s->os.pid = kobjns__pid();
  s->os.forks = kobjns__forks();
  s->os.header_size = h.header_size;
  s->size = h.size;
  s->read_only = read_only;
  s->access = desired;
  return 0;
fail:
  kobjns__object_release(fd, native, kobjns__pid());
  return rc;
}

int kobjns__os_section_open(const kobjns_ctx *ctx, const kobjns__name *name, unsigned desired,
                            kobjns_section *s) {
  kobjns__native_name(name, s->os.native);
  int rc = open_existing(ctx, name, desired, s);
  return rc == KOBJNS__STALE_FOREIGN ? KOBJNS_FILE_NOT_FOUND : rc;
}

/* --- creating ------------------------------------------------------------------------------ */

static int create_new(const kobjns_ctx *ctx, const kobjns__create_args *a, kobjns_section *s) {
  size_t path_len = a->name ? kobjns__path_len(a->name) : 0;
  uint32_t page = kobjns__page_size();
  uint32_t header_size = (uint32_t)((sizeof(kobjns__header) + path_len + page - 1) / page * page);
  kobjns__header *h = calloc(1, sizeof *h + path_len);
  if (!h) return KOBJNS_NOT_ENOUGH_MEMORY;
  *h = (kobjns__header){.magic = KOBJNS__MAGIC,
                        .version = KOBJNS__HEADER_VERSION,
                        .type = KOBJNS__TYPE_SECTION,
                        .header_size = header_size,
                        .flags = a->read_only ? KOBJNS__FLAG_READ_ONLY : 0,
                        .size = a->size,
                        .creator_uid = ctx->token.uid,
                        .creator_session = ctx->token.session,
                        .path_len = (uint32_t)path_len};
  if (a->sd)
    h->sd = *a->sd;
  else
    kobjns__sd_default(&h->sd, ctx->token.uid);
  if (a->name) kobjns__path_write(a->name, (char *)(h + 1));
  mode_t mode = mode_for(&h->sd, &ctx->token, ctx->token.uid, a->read_only);

  char tmp[KOBJNS__NATIVE_MAX + 1];
  int fd, rc = kobjns__object_new_file(&fd, tmp);
  if (rc) {
    free(h);
    return rc;
  }
  off_t total = (off_t)(header_size + a->size);
  int err = 0;
  if (ftruncate(fd, total) < 0) err = errno;
  /* Reserve the memory now, so a full /dev/shm is an error here and never a SIGBUS later. */
  else if ((err = posix_fallocate(fd, 0, total)) == EOPNOTSUPP || err == EINVAL)
    err = 0;
  if (!err) {
    ssize_t written = pwrite(fd, h, sizeof *h + path_len, 0);
    if (written < 0)
      err = errno;
    else if ((size_t)written != sizeof *h + path_len)
      err = EIO;
  }
  /* Acting as another user (root only): that user owns the object. */
  if (!err && ctx->token.uid != geteuid() && fchown(fd, ctx->token.uid, (gid_t)-1) < 0) err = errno;
  if (!err && fchmod(fd, mode) < 0) err = errno; /* explicit: the umask plays no part */
  free(h);
  if (err) {
    kobjns__object_discard(fd, tmp);
    return kobjns__status_from_errno(err);
  }
  if (a->name) {
    if ((rc = kobjns__object_publish(fd, tmp, s->os.native))) return rc;
  } else {
    kobjns__object_discard(-1, tmp); /* unnamed: no name, ever */
  }
  s->os.fd = fd;
  s->os.pid = kobjns__pid();
  s->os.forks = kobjns__forks();
  s->os.header_size = header_size;
  s->size = a->size;
  s->read_only = a->read_only;
  s->access = a->desired | kobjns__create_open_access(a->read_only);
  return 0;
}

int kobjns__os_section_create(const kobjns_ctx *ctx, const kobjns__create_args *a,
                              kobjns_section *s) {
  if (!a->name) {
    s->os.native[0] = '\0';
    return create_new(ctx, a, s);
  }
  kobjns__native_name(a->name, s->os.native);
  for (int attempt = 0; attempt < 1000; attempt++) {
    int rc = open_existing(ctx, a->name, kobjns__create_open_access(a->read_only), s);
    if (rc == 0) return KOBJNS_ALREADY_EXISTS;
    if (rc == KOBJNS__STALE_FOREIGN)
      return KOBJNS_ACCESS_DENIED; /* a dead object we may not remove */
    if (rc != KOBJNS_FILE_NOT_FOUND) return rc;
    if (!kobjns__may_create_in(ctx, a->name)) return KOBJNS_ACCESS_DENIED;
    rc = create_new(ctx, a, s);
    if (rc != KOBJNS_ALREADY_EXISTS) return rc; /* else another creator won: open theirs */
  }
  return KOBJNS_BUSY;
}

/* --- views --------------------------------------------------------------------------------- */

int kobjns__os_section_map(kobjns_section *s, unsigned access, uint64_t offset, size_t length,
                           void *base, void **addr) {
  int prot = access == KOBJNS_MAP_READ ? PROT_READ : PROT_READ | PROT_WRITE;
  int flags = access == KOBJNS_MAP_COPY ? MAP_PRIVATE : MAP_SHARED;
  if (base) flags |= MAP_FIXED_NOREPLACE; /* never replace what is mapped there */
  void *p = mmap(base, length, prot, flags, s->os.fd, (off_t)(s->os.header_size + offset));
  if (p == MAP_FAILED)
    return errno == EEXIST ? KOBJNS_INVALID_ADDRESS : kobjns__status_from_errno(errno);
  if (base && p != base) { /* a kernel older than 4.17 takes the address as a hint */
    munmap(p, length);
    return KOBJNS_INVALID_ADDRESS;
  }
  int rc = kobjns__view_add(p, length);
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

void kobjns__os_section_close(kobjns_section *s) {
  /* At exit, a handle a forked child shares (daemonising: fork, then the parent exits) is the
   * child's to close: the parent's exit must not remove a name the child still uses. */
  if (s->process_exiting && s->os.forks != kobjns__forks()) {
    close(s->os.fd);
    return;
  }
  kobjns__object_release(s->os.fd, s->os.native, s->os.pid);
}
