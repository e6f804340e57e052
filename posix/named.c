/* Typed objects in the shm directory (sections, mutexes, events, semaphores): one way to open
 * and check them, one way to create them. What differs by type is the rights that decide the
 * mode bits and what a new object's bytes after the header hold. */
#include "object.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* --- security -> mode bits ---------------------------------------------------------------- */

/* The mode closest to the descriptor that never lets the kernel grant more than it does: the
 * owner class gets what the owner is granted; group and other get what the least-favoured
 * other user is granted (every user or group an ACE names is tried). Root is always checked
 * by the library alone. */
mode_t kobjns__mode_for(kobjns__granted_bits_fn granted_bits, const kobjns__sd *sd,
                        const kobjns__token *creator, uint32_t owner, bool read_only) {
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

/* --- creating ------------------------------------------------------------------------------ */

/* Reserve [0, total) of `fd`. One call first: what cannot fit fails at once (tmpfs compares the
 * whole length with its size before it reserves anything). A signal during it (tmpfs answers
 * EINTR, and gives everything back, on kernels before 6.9) sends it on in pieces, each tried
 * again when interrupted: what is reserved stays, so a steady stream of signals (a profiler's)
 * slows a large create down but cannot fail it. */
#define RESERVE_PIECE ((off_t)16 << 20)
static int reserve(int fd, off_t total) {
  int err = posix_fallocate(fd, 0, total);
  if (err != EINTR) return err;
  for (off_t at = 0; at < total;) {
    off_t len = total - at < RESERVE_PIECE ? total - at : RESERVE_PIECE;
    err = posix_fallocate(fd, at, len);
    if (err == EINTR) continue;
    if (err) return err;
    at += len;
  }
  return 0;
}

/* --- opening ------------------------------------------------------------------------------- */

static int read_header(int fd, const struct stat *st, const kobjns__name *name, uint16_t type,
                       kobjns__header *h, kobjns__sd *sd) {
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
    else if (h->type != type)
      rc = KOBJNS_INVALID_HANDLE; /* another object type holds the name */
    else if (kobjns__section_header_valid(h, st, sd) && h->path_len == path_len &&
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
  /* A private namespace's objects were made by those its descriptor lets create: the kernel's
   * mode bits on its directory said so. */
  if (name->ns[0]) return false;
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

int kobjns__named_open(const kobjns_ctx *ctx, const kobjns__name *name, const char *native,
                       uint16_t type, unsigned desired, bool want_write, kobjns__named *out,
                       kobjns_denial *why) {
  int rc = kobjns__object_open(native, want_write ? O_RDWR : O_RDONLY, false, &out->fd,
                               &out->lock_fd, &out->st);
  out->fd_writable = want_write;
  if (rc == KOBJNS_ACCESS_DENIED && want_write) {
    /* The kernel refuses writing (a read-only section, or a descriptor that grants the caller
     * less): the header still says what the object is and what the caller may do. */
    rc = kobjns__object_open(native, O_RDONLY, false, &out->fd, &out->lock_fd, &out->st);
    out->fd_writable = false;
  }
  if (rc) {
    if (rc == KOBJNS_ACCESS_DENIED) *why = KOBJNS_DENIAL_MODE_BITS; /* the kernel refused */
    return rc;
  }
  if ((rc = read_header(out->fd, &out->st, name, type, &out->h, &out->sd))) goto fail;
  rc = KOBJNS_ACCESS_DENIED;
  if (planted(ctx, name, &out->st)) {
    *why = KOBJNS_DENIAL_PLANTED;
    goto fail;
  }
  if (second_name(&out->st)) {
    *why = KOBJNS_DENIAL_SECOND_NAME;
    goto fail;
  }
  if (kobjns__access_check(&out->sd, (uint32_t)out->st.st_uid, &ctx->token, desired)) {
    *why = KOBJNS_DENIAL_DESCRIPTOR;
    goto fail;
  }
  return 0;
fail:
  kobjns__object_release(out->fd, out->lock_fd, native, kobjns__pid());
  return rc;
}

/* --- creating ------------------------------------------------------------------------------ */

int kobjns__named_create(const kobjns_ctx *ctx, const kobjns__named_create_args *a,
                         kobjns__named *out) {
  size_t path_len = a->name ? kobjns__path_len(a->name) : 0;
  uint32_t page = kobjns__page_size();
  size_t stored = sizeof(kobjns__header) + path_len + a->backing_len;
  uint32_t header_size = (uint32_t)((stored + page - 1) / page * page);
  kobjns__header *h = calloc(1, stored);
  if (!h) return KOBJNS_NOT_ENOUGH_MEMORY;
  *h = (kobjns__header){.magic = KOBJNS__MAGIC,
                        .version = KOBJNS__HEADER_VERSION,
                        .type = (uint16_t)a->type->type,
                        .header_size = header_size,
                        .flags = a->flags,
                        .size = a->section_size ? a->section_size : a->size,
                        .creator_uid = ctx->token.uid,
                        .creator_session = ctx->token.session,
                        .path_len = (uint32_t)path_len,
                        .backing_len = a->backing_len};
  if (a->sd)
    out->sd = *a->sd;
  else
    kobjns__sd_default_as(kobjns__type(a->type->type)->mapping, &out->sd, ctx->token.uid);
  kobjns__sd_store(&out->sd, &h->sd);
  if (a->name) kobjns__path_write(a->name, (char *)(h + 1));
  if (a->backing_len) memcpy((char *)(h + 1) + path_len, a->backing, a->backing_len);
  bool read_only = a->flags & KOBJNS__FLAG_READ_ONLY;
  mode_t mode =
      kobjns__mode_for(a->type->granted_bits, &out->sd, &ctx->token, ctx->token.uid, read_only);
  if (a->name && a->name->ns[0]) mode &= kobjns__namespace_mask(&ctx->os.tree, a->name);

  char tmp[KOBJNS__NATIVE_MAX + 1];
  int fd, rc = kobjns__object_new_file(&ctx->os.tree, a->name ? a->native : NULL, &fd, tmp);
  if (rc) {
    free(h);
    return rc;
  }
  off_t total = (off_t)(header_size + a->size);
  /* Reserve the memory now (which sizes the file), so a full /dev/shm is an error here and never
   * a SIGBUS later; a file system that cannot reserve only sizes it. */
  int err = reserve(fd, total);
  if (err == EOPNOTSUPP || err == EINVAL) err = ftruncate(fd, total) < 0 ? errno : 0;
  if (!err) {
    ssize_t written = pwrite(fd, h, stored, 0);
    if (written < 0)
      err = errno;
    else if ((size_t)written != stored)
      err = EIO;
  }
  /* Acting as another user (root only): that user owns the object. */
  if (!err && ctx->token.uid != geteuid() && fchown(fd, ctx->token.uid, (gid_t)-1) < 0) err = errno;
  if (!err && fchmod(fd, mode) < 0) err = errno; /* explicit: the umask plays no part */
  out->h = *h;
  free(h);
  if (err) {
    kobjns__object_discard(fd, tmp);
    return kobjns__status_from_errno(err);
  }
  /* The type's own bytes, before anyone can reach the object. */
  if (a->type->init && (rc = a->type->init(fd, header_size, a->create, a->object))) {
    kobjns__object_discard(fd, tmp);
    return rc;
  }
  out->lock_fd = -1;
  if (a->name) {
    if ((rc = kobjns__object_publish(fd, tmp, a->native, &out->lock_fd))) {
      if (a->type->unpublished) a->type->unpublished(a->object);
      return rc;
    }
  } else {
    kobjns__object_discard(-1, tmp); /* unnamed: no name, ever */
  }
  out->fd = fd;
  out->fd_writable = true;
  memset(&out->st, 0, sizeof out->st); /* not asked on this hot path: no caller needs it */
  return 0;
}

/* --- the backend contract: every type ------------------------------------------------------- */

static const kobjns__named_type *named_type(kobjns_type type) {
  switch (type) {
    case KOBJNS_TYPE_SECTION: return &kobjns__posix_section;
    case KOBJNS_TYPE_MUTEX: return &kobjns__posix_mutex;
    case KOBJNS_TYPE_EVENT: return &kobjns__posix_event;
    case KOBJNS_TYPE_THREAD: return &kobjns__posix_thread;
    case KOBJNS_TYPE_TIMER: return &kobjns__posix_timer;
    case KOBJNS_TYPE_PROCESS: return &kobjns__posix_process;
    default: return &kobjns__posix_semaphore;
  }
}

/* The object's name for its hold, NULL for an unnamed one. */
static const char *hold_name(const kobjns__object *o) {
  return o->os.native[0] ? o->os.native : NULL;
}

static void keep(kobjns__object *o, const kobjns__named *n) {
  kobjns__hold_keep(&o->os.hold, n->fd, n->lock_fd, hold_name(o));
}

static int open_existing(const kobjns_ctx *ctx, const kobjns__name *name, kobjns_type type,
                         unsigned desired, kobjns__object *o, kobjns__facts *facts) {
  const kobjns__named_type *t = named_type(type);
  bool writable = t->open_writable(desired);
  kobjns__named n;
  int rc = kobjns__named_open(ctx, name, o->os.native, (uint16_t)type, desired, writable, &n,
                              &facts->denial);
  if (rc) return rc;
  o->os.header_size = n.h.header_size;
  if ((rc = t->adopt(o, &n, writable, facts))) {
    kobjns__object_release(n.fd, n.lock_fd, o->os.native, kobjns__pid());
    return rc;
  }
  keep(o, &n);
  return 0;
}

int kobjns__os_open(const kobjns_ctx *ctx, const kobjns__name *name, kobjns_type type,
                    unsigned desired, kobjns__object *o, kobjns__facts *facts) {
  kobjns__native_name(&ctx->os.tree, name, o->os.native);
  int rc = open_existing(ctx, name, type, desired, o, facts);
  /* Not found in a private namespace: its directory may be what is missing (not of this tree). */
  if (rc == KOBJNS_FILE_NOT_FOUND && name->ns[0]) {
    int reachable = kobjns__namespace_reachable(&ctx->os.tree, name);
    if (reachable) rc = reachable;
  }
  kobjns__reclaim_step(&ctx->os.tree);
  return rc == KOBJNS__STALE_FOREIGN || rc == KOBJNS__FILE_GONE ? KOBJNS_FILE_NOT_FOUND : rc;
}

static int create_new(const kobjns_ctx *ctx, const kobjns__create_args *a, kobjns__object *o,
                      kobjns__facts *facts);

/* A create that met a full /dev/shm (1455): the memory that killed processes' objects still hold
 * is given back first (the tree's stale objects are removed, as kobjns_cleanup() does), then the
 * create is tried once more. Windows frees a dead process's objects at its death; here they are
 * freed when someone needs the room. */
static int create_new_or_reclaim(const kobjns_ctx *ctx, const kobjns__create_args *a,
                                 kobjns__object *o, kobjns__facts *facts) {
  int rc = create_new(ctx, a, o, facts);
  size_t removed = 0;
  if (rc == KOBJNS_COMMITMENT_LIMIT && kobjns__os_cleanup(ctx, false, NULL, NULL, &removed) == 0 &&
      removed > 0)
    rc = create_new(ctx, a, o, facts);
  return rc;
}

static int create_new(const kobjns_ctx *ctx, const kobjns__create_args *a, kobjns__object *o,
                      kobjns__facts *facts) {
  const kobjns__named_type *t = named_type(a->type);
  kobjns__named_create_args args = {
      .type = t,
      .name = a->name,
      .native = o->os.native,
      .flags = (a->read_only ? KOBJNS__FLAG_READ_ONLY : 0u) |
               (a->executable ? KOBJNS__FLAG_EXECUTABLE : 0u) | (a->file ? KOBJNS__FLAG_FILE : 0u),
      .size = t->file_size(a),
      .section_size = a->size,
      .sd = a->sd,
      .create = a,
      .object = o,
  };
  void *backing = NULL;
  int rc = a->file ? kobjns__section_backing(a, &backing, &args.backing_len) : 0;
  if (rc) return rc;
  args.backing = backing;
  kobjns__named n;
  rc = kobjns__named_create(ctx, &args, &n);
  free(backing);
  if (rc) return rc;
  o->os.header_size = n.h.header_size;
  facts->size = a->type == KOBJNS_TYPE_SECTION ? a->size : 0;
  facts->read_only = a->read_only;
  facts->executable = a->executable;
  facts->protection_known = true;
  keep(o, &n);
  return 0;
}

int kobjns__os_create(const kobjns_ctx *ctx, const kobjns__create_args *a, kobjns__object *o,
                      kobjns__facts *facts) {
  kobjns__reclaim_step(&ctx->os.tree);
  if (!a->name) {
    o->os.native[0] = '\0';
    return create_new_or_reclaim(ctx, a, o, facts);
  }
  int reachable = a->name->ns[0] ? kobjns__namespace_reachable(&ctx->os.tree, a->name) : 0;
  if (reachable) return reachable;
  kobjns__native_name(&ctx->os.tree, a->name, o->os.native);
  for (int attempt = 0; attempt < 1000; attempt++) {
    int rc = open_existing(ctx, a->name, a->type, a->existing_access, o, facts);
    if (rc == 0) return KOBJNS_ALREADY_EXISTS;
    if (rc == KOBJNS__FILE_GONE) return KOBJNS_FILE_NOT_FOUND; /* the name is taken */
    if (rc == KOBJNS__STALE_FOREIGN)
      return KOBJNS_ACCESS_DENIED; /* a dead object we may not remove */
    if (rc != KOBJNS_FILE_NOT_FOUND) return rc;
    if (!a->may_create) return KOBJNS_ACCESS_DENIED; /* the core's privilege verdict */
    rc = create_new_or_reclaim(ctx, a, o, facts);
    if (rc != KOBJNS_ALREADY_EXISTS) return rc; /* else another creator won: open theirs */
  }
  return KOBJNS_BUSY;
}

int kobjns__os_duplicate(kobjns__object *from, kobjns__object *to, bool move) {
  if (from->type == KOBJNS_TYPE_FILE) return kobjns__file_duplicate(from, to);
  memcpy(to->os.native, from->os.native, sizeof to->os.native);
  to->os.header_size = from->os.header_size;
  int rc = kobjns__hold_duplicate(&from->os.hold, &to->os.hold, hold_name(to));
  if (rc || from->type == KOBJNS_TYPE_DIRECTORY) return rc; /* a namespace: its hold alone */
  const kobjns__named_type *t = named_type(to->type);
  if (t->share) t->share(to, from, move);
  if (from->os.of_file && !to->os.of_file) { /* no descriptor for the file: no duplicate */
    kobjns__hold_release(&to->os.hold, to->os.native);
    return KOBJNS_TOO_MANY_OPEN_FILES;
  }
  return 0;
}

/* --- inheritance: a copy is the child's hold, its descriptors in one number ------------------ */

int kobjns__os_inherit_copy(kobjns__object *o, uint64_t *copy) {
  if (o->type == KOBJNS_TYPE_THREAD || o->type == KOBJNS_TYPE_PROCESS)
    return KOBJNS_NOT_SUPPORTED; /* what runs them is this process's */
  if (o->type == KOBJNS_TYPE_DIRECTORY)
    return KOBJNS_NOT_SUPPORTED; /* a child opens a namespace itself, under its own alias */
  if (o->type == KOBJNS_TYPE_FILE) {
    int fd = fcntl(o->os.hold.fd, F_DUPFD_CLOEXEC, 3);
    if (fd < 0) return kobjns__status_from_errno(errno);
    *copy = (uint32_t)fd;
    return 0;
  }
  int fd, lock_fd;
  int rc = kobjns__hold_for_child(&o->os.hold, hold_name(o), &fd, &lock_fd);
  if (rc) return rc;
  /* Never at 0-2, where the child's standard streams go. */
  fd = kobjns__fd_above_std(fd);
  if (lock_fd >= 0) lock_fd = kobjns__fd_above_std(lock_fd);
  if (fd < 0 || (lock_fd < 0 && lock_fd != -1)) {
    if (fd >= 0) close(fd);
    if (lock_fd >= 0) close(lock_fd);
    return KOBJNS_TOO_MANY_OPEN_FILES;
  }
  *copy = (uint64_t)(uint32_t)fd | (uint64_t)(uint32_t)(lock_fd + 1) << 32;
  return 0;
}

/* The header and path of an inherited file: 0 with n->h, n->sd and the path (malloc'd). */
static int read_inherited(kobjns__named *n, uint16_t type, char **path) {
  if (fstat(n->fd, &n->st) < 0 || !S_ISREG(n->st.st_mode)) return KOBJNS_INVALID_HANDLE;
  if (pread(n->fd, &n->h, sizeof n->h, 0) != (ssize_t)sizeof n->h || n->h.magic != KOBJNS__MAGIC ||
      n->h.version != KOBJNS__HEADER_VERSION || n->h.type != type ||
      !kobjns__section_header_valid(&n->h, &n->st, &n->sd))
    return KOBJNS_INVALID_HANDLE;
  char *p = malloc((size_t)n->h.path_len + 1);
  if (!p) return KOBJNS_NOT_ENOUGH_MEMORY;
  if (pread(n->fd, p, n->h.path_len, sizeof n->h) != (ssize_t)n->h.path_len) {
    free(p);
    return KOBJNS_INVALID_HANDLE;
  }
  p[n->h.path_len] = '\0';
  *path = p;
  return 0;
}

int kobjns__os_inherit_adopt(uint64_t copy, kobjns_type type, unsigned access, kobjns__object **out,
                             kobjns__facts *facts) {
  (void)access; /* the core's to keep */
  if (type == KOBJNS_TYPE_THREAD || type == KOBJNS_TYPE_PROCESS || type == KOBJNS_TYPE_DIRECTORY)
    return KOBJNS_INVALID_HANDLE; /* never passed on here (kobjns__os_inherit_copy) */
  int rc = kobjns__os_init();
  if (rc) return rc;
  if (type == KOBJNS_TYPE_FILE) {
    /* Looked at before anything is changed: a list that names a descriptor the parent did not
     * hand over (a standard stream, a directory) is refused and the descriptor left alone. */
    int fd = (int)(uint32_t)copy;
    struct stat st;
    if ((copy >> 32) || fd < 3 || fstat(fd, &st) < 0 ||
        !(S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode) || S_ISCHR(st.st_mode) ||
          S_ISREG(st.st_mode)))
      return KOBJNS_INVALID_HANDLE;
    if (fcntl(fd, F_SETFD, FD_CLOEXEC) < 0) return KOBJNS_INVALID_HANDLE;
    kobjns__object *f = kobjns__object_new(type, NULL);
    if (!f) return KOBJNS_NOT_ENOUGH_MEMORY;
    kobjns__os_file_adopt(f, fd);
    *out = f;
    return 0;
  }
  kobjns__named n = {.fd = (int)(uint32_t)copy};
  int lock_fd = (int)(copy >> 32) - 1;
  int mode = fcntl(n.fd, F_GETFL);
  if (mode < 0 || n.fd < 3) return KOBJNS_INVALID_HANDLE; /* not open here: not ours to take */
  /* The lock's own description: of the same file, or of the name of these bytes where objects
   * are apart from their names; else the entry is not ours. */
  if (lock_fd >= 0 && (lock_fd < 3 || lock_fd == n.fd || !kobjns__object_names(lock_fd, n.fd)))
    return KOBJNS_INVALID_HANDLE;
  n.fd_writable = (mode & O_ACCMODE) == O_RDWR;
  char *path = NULL;
  if ((rc = read_inherited(&n, (uint16_t)type, &path))) return rc;
  kobjns__name name;
  bool named = path[0] && kobjns__path_parse(path, &name);
  kobjns__object *o = kobjns__object_new(type, named ? &name : NULL);
  if (!o) {
    free(path);
    return KOBJNS_NOT_ENOUGH_MEMORY;
  }
  o->os.native[0] = '\0';
  if (named) {
    /* Our tree's name for it, if that name is this very file (a child given another
     * KOBJNS_ROOT never removes a name of its tree for it). */
    char native[KOBJNS__NATIVE_MAX + 1];
    kobjns__native_name(kobjns__process_tree(), &name, native);
    struct stat st, held = n.st;
    int dir = kobjns__shm_dir_hold();
    if (dir >= 0 && (lock_fd < 0 || fstat(lock_fd, &held) == 0) &&
        fstatat(dir, native, &st, 0) == 0 && st.st_ino == held.st_ino && st.st_dev == held.st_dev)
      memcpy(o->os.native, native, sizeof native);
    if (dir >= 0) kobjns__shm_dir_drop();
  }
  free(path);
  o->os.header_size = n.h.header_size;
  const kobjns__named_type *t = named_type(type);
  if ((rc = t->adopt(o, &n, n.fd_writable, facts))) {
    free(o);
    return rc == KOBJNS__FILE_GONE ? KOBJNS_FILE_NOT_FOUND : rc;
  }
  kobjns__hold_adopt(&o->os.hold, n.fd, lock_fd, hold_name(o));
  *out = o;
  return 0;
}

void kobjns__os_close(kobjns__object *o) {
  if (o->type == KOBJNS_TYPE_FILE) {
    kobjns__file_close(o);
    return;
  }
  if (o->type == KOBJNS_TYPE_DIRECTORY) {
    kobjns__namespace_close(o);
    return;
  }
  const kobjns__named_type *t = named_type(o->type);
  if (t->release) t->release(o);
  if (kobjns__hold_release(&o->os.hold, o->os.native) && strchr(o->os.native, '/'))
    kobjns__namespace_left(o->os.native); /* the last object of a namespace nobody holds? */
}
