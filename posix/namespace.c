/* Private namespaces on POSIX: a namespace is a directory of the object directory,
 * "kobjns.<root>.ns.<hash>.<instance>", holding a record (KOBJNS__NS_RECORD: the boundary and
 * alias, the descriptor, the state) and the namespace's objects. What keeps other users out is
 * the kernel's:
 *
 * - Nobody can squat: <hash> is the identity's (boundary and alias), <instance> is random, and an
 *   opener accepts only a directory whose owner (the kernel's record of who made it) is inside the
 *   boundary, whose mode gives nobody more than its descriptor does, and whose record is that
 *   owner's, read-only to others, with one link, naming that very directory and identity. A
 *   directory planted by someone outside the boundary is passed over, and the sticky object
 *   directory keeps him from renaming or removing a real one.
 * - Nobody reaches the objects inside without the namespace's leave: the directory's mode bits
 *   come from its descriptor (r: DIRECTORY_QUERY, x: TRAVERSE, w: CREATE_OBJECT; sticky), so the
 *   kernel refuses a path through it to anyone the descriptor refuses.
 * - A namespace lives while a handle holds it: each handle holds a shared flock on the record
 *   (the hold machinery of object.c, so a fork()ed child holds it for itself), and a namespace
 *   whose holders all died is skipped and removed. Objects inside live as objects do.
 *
 * Creation: the directory is built under "kobjns.<root>.nsnew.<instance>" (mode 0700, record
 * written and held, state CLAIMED), renamed into place, then every other live namespace of the
 * identity is looked for. The second of two creators to look sees the first: a READY one makes
 * it 183, a CLAIMED one makes it withdraw and try again after a random pause. Only then is the
 * record READY. So two live READY namespaces of one identity never come from the library. */
#include "object.h"
#include "platform.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <nettle/sha2.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* A namespace's directory name, "kobjns.<root>.ns.<id>" (8 + 32 + 4 + 47 bytes with the longer
 * layout prefix), and its NUL. */
#define DIR_MAX 96

/* How often a creator that met another creator tries again (then 170). */
#define CREATE_ATTEMPTS 64

/* The longest record: the struct, a boundary name and an alias of 256 UTF-16 units each (at most
 * 3 UTF-8 bytes per unit). */
#define RECORD_MAX (sizeof(kobjns__ns_record) + 2 * 768)

int kobjns__os_boundary_sid_supported(const kobjns__ace *ace) {
  /* The kernel can vouch for a directory's owner (uid, and the account's groups), never for the
   * session its creator was in, and "the owner" is no one's SID. */
  return ace->trustee == KOBJNS__TRUSTEE_INTERACTIVE || ace->trustee == KOBJNS__TRUSTEE_OWNER_RIGHTS
             ? KOBJNS_NOT_SUPPORTED
             : 0;
}

int kobjns__os_boundary_integrity_supported(void) { return KOBJNS_NOT_SUPPORTED; }

size_t kobjns__namespace_dir(const kobjns__tree *t, const char *ns, char *out) {
  /* By hand, not snprintf: every open and close of an object in a namespace makes it. */
  size_t len = 0, ns_len = strnlen(ns, KOBJNS__NS_ID_MAX);
  const char *prefix;
  len = kobjns__layout_prefix(&prefix);
  memcpy(out, prefix, len);
  memcpy(out + len, t->root, t->len), len += t->len;
  memcpy(out + len, ".ns.", 4), len += 4;
  memcpy(out + len, ns, ns_len), len += ns_len;
  out[len] = '\0';
  return len;
}

int kobjns__namespace_reachable(const kobjns__tree *t, const kobjns__name *n) {
  char dir[DIR_MAX];
  kobjns__namespace_dir(t, n->ns, dir);
  int d = kobjns__shm_dir_hold();
  if (d < 0) return kobjns__status_from_errno(EBADF);
  struct stat st;
  int rc = fstatat(d, dir, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode)
               ? 0
               : KOBJNS_PATH_NOT_FOUND;
  kobjns__shm_dir_drop();
  return rc;
}

mode_t kobjns__namespace_mask(const kobjns__tree *t, const kobjns__name *n) {
  char dir[DIR_MAX];
  kobjns__namespace_dir(t, n->ns, dir);
  int d = kobjns__shm_dir_hold();
  if (d < 0) return 0700;
  struct stat st;
  mode_t mask = 0700; /* unknown: the owner's only */
  if (fstatat(d, dir, &st, AT_SYMLINK_NOFOLLOW) == 0)
    mask |= (st.st_mode & 010 ? 070 : 0) | (st.st_mode & 001 ? 007 : 0);
  kobjns__shm_dir_drop();
  return mask;
}

/* --- identity ----------------------------------------------------------------------------------
 */

/* The identity's hash: 16 hex digits of SHA-256 over the boundary's name, the alias and the SIDs
 * (sorted: the same boundary whatever the order of its adds). */
static void identity_hash(const kobjns__namespace_args *a, char out[17]) {
  struct sha256_ctx sha;
  sha256_init(&sha);
  uint32_t lens[3] = {(uint32_t)strlen(a->boundary->name), (uint32_t)strlen(a->alias),
                      (uint32_t)a->boundary->count};
  sha256_update(&sha, sizeof lens, (const uint8_t *)lens);
  sha256_update(&sha, lens[0], (const uint8_t *)a->boundary->name);
  sha256_update(&sha, lens[1], (const uint8_t *)a->alias);
  for (size_t i = 0; i < a->boundary->count; i++) {
    uint32_t sid[2] = {a->boundary->sids[i].trustee, a->boundary->sids[i].id};
    sha256_update(&sha, sizeof sid, (const uint8_t *)sid);
  }
  uint8_t digest[SHA256_DIGEST_SIZE];
  sha256_digest(&sha, sizeof digest, digest);
  for (int i = 0; i < 8; i++) snprintf(out + 2 * i, 3, "%02x", digest[i]);
}

/* Whether `t` has every SID of the boundary (Windows: "the caller must be within the boundary"). */
static bool inside(const kobjns_boundary *b, const kobjns__token *t) {
  for (size_t i = 0; i < b->count; i++)
    if (!kobjns__token_matches(&b->sids[i], t->uid, t)) return false;
  return true;
}

/* The identity the system vouches for as a directory's creator: its owner, the owner's account
 * groups (the system's database, which only the administrator changes), administrator when root.
 * Never what a process said of itself. */
static void owner_token(uid_t owner, kobjns__token *t) {
  memset(t, 0, sizeof *t);
  t->uid = (uint32_t)owner;
  t->admin = owner == 0;
  t->session = 1; /* not asked: boundaries never name a session (IU is refused) */
  struct passwd pw, *found = NULL;
  char buf[4096];
  if (getpwuid_r(owner, &pw, buf, sizeof buf, &found) != 0 || !found) return;
  gid_t gids[KOBJNS__MAX_GROUPS];
  int n = KOBJNS__MAX_GROUPS;
  if (getgrouplist(pw.pw_name, pw.pw_gid, gids, &n) < 0) n = KOBJNS__MAX_GROUPS;
  for (int i = 0; i < n && t->ngroups < KOBJNS__MAX_GROUPS; i++) t->groups[t->ngroups++] = gids[i];
}

/* --- the directory's mode ----------------------------------------------------------------------
 */

/* The r, w and x bits the descriptor grants `t` (QUERY, CREATE_OBJECT, TRAVERSE) in session 0 and
 * in an interactive session alike: the kernel cannot tell sessions apart. */
static unsigned directory_bits(const kobjns__sd *sd, uint32_t owner, kobjns__token t,
                               bool read_only) {
  (void)read_only; /* kobjns__mode_for's callbacks take it: a directory has no read-only form */
  unsigned bits = 7;
  for (uint32_t session = 0; session < 2; session++) {
    t.session = session;
    if (kobjns__access_check(sd, owner, &t, KOBJNS__DIRECTORY_QUERY)) bits &= ~4u;
    if (kobjns__access_check(sd, owner, &t, KOBJNS__DIRECTORY_CREATE_OBJECT)) bits &= ~2u;
    if (kobjns__access_check(sd, owner, &t, KOBJNS__DIRECTORY_TRAVERSE)) bits &= ~1u;
  }
  return bits;
}

/* The directory's mode: group and other as objects' modes are made (named.c), judged by the
 * owner's uid alone (creator and openers must compute the same); the owner keeps rwx, whatever
 * the descriptor grants it, since its processes must unlink the record and the objects when
 * they close last (kobjns holds it to the descriptor through its handles' rights); sticky, so
 * that those who may create objects inside cannot remove each other's. */
static mode_t dir_mode(const kobjns__sd *sd, uint32_t owner) {
  kobjns__token t = {.uid = owner};
  return S_ISVTX | S_IRWXU | (kobjns__mode_for(directory_bits, sd, &t, owner, false) & 077);
}

/* --- the record --------------------------------------------------------------------------------
 */

/* The record of `a` (state CLAIMED), malloc'd: *len bytes. */
static kobjns__ns_record *record_make(const kobjns_ctx *ctx, const kobjns__namespace_args *a,
                                      const kobjns__sd *sd, const char *id, size_t *len) {
  size_t name_len = strlen(a->boundary->name), alias_len = strlen(a->alias);
  *len = sizeof(kobjns__ns_record) + name_len + alias_len;
  kobjns__ns_record *r = calloc(1, *len);
  if (!r) return NULL;
  r->magic = KOBJNS__NS_MAGIC;
  r->version = KOBJNS__FORMAT_VERSION;
  r->state = KOBJNS__NS_CLAIMED;
  r->creator_uid = ctx->token.uid;
  r->sid_count = (uint32_t)a->boundary->count;
  r->name_len = (uint32_t)name_len;
  r->alias_len = (uint32_t)alias_len;
  snprintf(r->id, sizeof r->id, "%s", id);
  kobjns__sd_store(sd, &r->sd);
  for (size_t i = 0; i < a->boundary->count; i++) {
    r->sids[i].trustee = a->boundary->sids[i].trustee;
    r->sids[i].id = a->boundary->sids[i].id;
  }
  memcpy((char *)(r + 1), a->boundary->name, name_len);
  memcpy((char *)(r + 1) + name_len, a->alias, alias_len);
  return r;
}

/* Whether the record `r` (believed: record_read) is the identity `a`'s. */
static bool record_matches(const kobjns__ns_record *r, const kobjns__namespace_args *a) {
  size_t name_len = strlen(a->boundary->name), alias_len = strlen(a->alias);
  if (r->name_len != name_len || r->alias_len != alias_len || r->sid_count != a->boundary->count)
    return false;
  for (size_t i = 0; i < a->boundary->count; i++)
    if (r->sids[i].trustee != a->boundary->sids[i].trustee ||
        r->sids[i].id != a->boundary->sids[i].id)
      return false;
  const char *text = (const char *)(r + 1);
  return !memcmp(text, a->boundary->name, name_len) &&
         !memcmp(text + name_len, a->alias, alias_len);
}

/* Open and read the record of the namespace directory `dir` (`dir_st` its stat, `id` its id),
 * believed as every reader believes one: a regular file of the directory's owner, read-only to
 * others, one name, well formed, naming that very directory. 0 with *fd (open, unlocked), *rec
 * (malloc'd) and its descriptor in *sd; 5 (the kernel keeps us out), 2 (none), 1392 (not to be
 * believed: *fd is still open, for inspection's lock-table look), 8, 4. */
static int record_read(int shm, const char *dir, const char *id, const struct stat *dir_st, int *fd,
                       struct stat *st, kobjns__ns_record **rec, kobjns__sd *sd) {
  *fd = -1;
  *rec = NULL;
  char record[KOBJNS__NATIVE_MAX + 1];
  snprintf(record, sizeof record, "%s/%s", dir, KOBJNS__NS_RECORD);
  int r = openat(shm, record, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);
  if (r < 0) {
    int err = errno;
    if (err == EACCES || err == EPERM) return KOBJNS_ACCESS_DENIED;
    if (err == EMFILE || err == ENFILE || err == ENOMEM) return kobjns__status_from_errno(err);
    return err == ENOENT ? KOBJNS_FILE_NOT_FOUND : KOBJNS_FILE_CORRUPT;
  }
  if (fstat(r, st) < 0 || !S_ISREG(st->st_mode)) {
    close(r);
    return KOBJNS_FILE_CORRUPT;
  }
  *fd = r;
  kobjns__ns_record *buf = malloc(RECORD_MAX + 1);
  if (!buf) return KOBJNS_NOT_ENOUGH_MEMORY;
  ssize_t got = st->st_size <= (off_t)RECORD_MAX ? pread(r, buf, RECORD_MAX + 1, 0) : -1;
  bool ok = got >= (ssize_t)sizeof *buf && st->st_uid == dir_st->st_uid && st->st_nlink == 1 &&
            !(st->st_mode & 022) && buf->magic == KOBJNS__NS_MAGIC &&
            buf->version == KOBJNS__FORMAT_VERSION && buf->sid_count <= KOBJNS__NS_SIDS &&
            buf->name_len <= 768 && buf->alias_len <= 768 &&
            (size_t)got == sizeof *buf + buf->name_len + buf->alias_len &&
            memchr(buf->id, '\0', sizeof buf->id) && !strcmp(buf->id, id) &&
            kobjns__sd_load(&buf->sd, sd);
  if (!ok) {
    free(buf);
    return KOBJNS_FILE_CORRUPT;
  }
  *rec = buf;
  return 0;
}

static uint32_t record_state(int fd) {
  uint32_t state = 0;
  if (pread(fd, &state, sizeof state, offsetof(kobjns__ns_record, state)) != (ssize_t)sizeof state)
    return 0;
  return state;
}

static int set_state(int fd, uint32_t state) {
  ssize_t n = pwrite(fd, &state, sizeof state, offsetof(kobjns__ns_record, state));
  return n == (ssize_t)sizeof state ? 0 : kobjns__status_from_errno(n < 0 ? errno : EIO);
}

static int flock_nb(int fd, int op) {
  int r;
  do r = flock(fd, op | LOCK_NB);
  while (r < 0 && errno == EINTR);
  return r;
}

/* Remove the namespace directory `dir` whose record `fd` we hold exclusively (its holders are
 * gone), if the record is still its own: the record, then the directory when it is empty (its
 * objects may outlive it: then the sweep takes it later). 1 removed something, 0 not ours to. */
static int remove_dead(int shm, const char *dir, int fd) {
  char record[KOBJNS__NATIVE_MAX + 1];
  snprintf(record, sizeof record, "%s/%s", dir, KOBJNS__NS_RECORD);
  struct stat held, named;
  if (fstat(fd, &held) < 0 || held.st_nlink == 0 ||
      fstatat(shm, record, &named, AT_SYMLINK_NOFOLLOW) < 0 || held.st_ino != named.st_ino ||
      held.st_dev != named.st_dev)
    return 0;
  if (unlinkat(shm, record, 0) < 0) return 0;
  (void)unlinkat(shm, dir, AT_REMOVEDIR);
  return 1;
}

/* --- looking for a namespace -------------------------------------------------------------------
 */

/* What a look found. */
typedef struct found {
  int fd;            /* the record of the best one (held shared for an open) */
  char dir[DIR_MAX]; /* its directory */
  char id[KOBJNS__NS_ID_SIZE];
  kobjns__sd sd;
  uid_t owner;
  uint32_t state;
  bool denied;    /* one the kernel kept us from (its directory's mode) */
  bool claimed;   /* a live one still CLAIMED (its creator is looking) */
  bool ready;     /* a live READY one */
  bool destroyed; /* a live DESTROYED one (held, no longer found) */
  bool planted;   /* one an opener does not trust (its owner outside the boundary, ...) */
} found;

/* examine(): a directory of the identity that an opener does not trust. */
#define UNTRUSTED (-2)

/* Look at the directory `name` of the object directory `shm` (its id `id`) as a namespace of `a`:
 * 0 with *fd its record (not locked yet) and the facts, or -1 (not one of `a`, or dead: removed
 * when we may), UNTRUSTED (passed over: see below), or 5 (the kernel kept us out of it). */
static int examine(int shm, const char *name, const char *id, const kobjns__namespace_args *a,
                   int *fd, kobjns__sd *sd, uid_t *owner, uint32_t *state) {
  struct stat st;
  if (fstatat(shm, name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISDIR(st.st_mode)) return -1;
  kobjns__token creator;
  owner_token(st.st_uid, &creator);
  if (!inside(a->boundary, &creator)) return UNTRUSTED; /* planted by someone outside it */
  int r;
  struct stat rs;
  kobjns__ns_record *rec;
  int rc = record_read(shm, name, id, &st, &r, &rs, &rec, sd);
  if (rc == KOBJNS_ACCESS_DENIED) return rc;
  bool ours = !rc && record_matches(rec, a) &&
              /* nobody may have more of the directory than its descriptor gives */
              !((st.st_mode & 07777) & ~dir_mode(sd, (uint32_t)st.st_uid));
  if (ours) *state = rec->state;
  free(rec);
  if (!ours) {
    if (r >= 0) close(r);
    return rc && rc != KOBJNS_FILE_CORRUPT ? -1 : UNTRUSTED; /* gone; not `a`'s or believable */
  }
  if (flock_nb(r, LOCK_EX) == 0) { /* no holder: dead (its holders closed, or died) */
    if (st.st_uid == geteuid() || geteuid() == 0) remove_dead(shm, name, r);
    close(r);
    return -1;
  }
  *fd = r;
  *owner = st.st_uid;
  return 0;
}

/* Look for the live namespaces of `a` in the tree `t` (skipping the one of id `skip`): with
 * `hold`, the READY one of the smallest id is held shared in f->fd (else -1); else every record
 * is closed and only f->claimed / f->ready / f->denied say what there is. 0, or a status. */
static int look(int shm, const kobjns__tree *t, const kobjns__namespace_args *a, const char *hash,
                const char *skip, bool hold, found *f) {
  memset(f, 0, sizeof *f);
  f->fd = -1;
  char tree[KOBJNS__TREE_PREFIX_MAX], prefix[96];
  size_t tree_len = kobjns__tree_prefix(t, tree);
  int plen = snprintf(prefix, sizeof prefix, "%sns.%s.", tree, hash);
  int d = openat(shm, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  DIR *dir = d < 0 ? NULL : fdopendir(d);
  if (!dir) {
    int err = errno;
    if (d >= 0) close(d);
    return kobjns__status_from_errno(err);
  }
  struct dirent *e;
  while ((e = readdir(dir))) {
    if (strncmp(e->d_name, prefix, (size_t)plen)) continue;
    const char *id = e->d_name + tree_len + strlen("ns.");
    if (strlen(id) >= KOBJNS__NS_ID_SIZE || (skip && !strcmp(id, skip))) continue;
    int fd;
    kobjns__sd sd;
    uid_t owner;
    uint32_t state;
    int rc = examine(shm, e->d_name, id, a, &fd, &sd, &owner, &state);
    if (rc == KOBJNS_ACCESS_DENIED) f->denied = true;
    if (rc == UNTRUSTED) f->planted = true;
    if (rc) continue;
    if (state == KOBJNS__NS_CLAIMED) f->claimed = true;
    if (state == KOBJNS__NS_DESTROYED) f->destroyed = true;
    bool usable = hold && state == KOBJNS__NS_READY && (f->fd < 0 || strcmp(id, f->id) < 0);
    if (state == KOBJNS__NS_READY) f->ready = true;
    if (!usable) {
      close(fd);
      continue;
    }
    if (f->fd >= 0) close(f->fd);
    f->fd = fd;
    snprintf(f->dir, sizeof f->dir, "%.*s", DIR_MAX - 1, e->d_name);
    snprintf(f->id, sizeof f->id, "%s", id);
    f->sd = sd;
    f->owner = owner;
    f->state = state;
  }
  closedir(dir);
  return 0;
}

/* A random pause of 1 to 8 ms, for creators that met. */
static void pause_randomly(void) {
  struct timespec ts = {0, (long)(1000000 + kobjns__plat_random() % 7000000)};
  nanosleep(&ts, NULL);
}

/* --- the backend contract ----------------------------------------------------------------------
 */

/* Keep the record `fd` (held shared) of the directory `dir` as the handle `o`. */
static void keep(kobjns__object *o, int fd, const char *dir) {
  snprintf(o->os.native, sizeof o->os.native, "%s/%s", dir, KOBJNS__NS_RECORD);
  kobjns__hold_keep(&o->os.hold, fd, -1, o->os.native);
}

/* Build the namespace `a` under a temporary name and move it to `dir`: 0 with *fd, its record,
 * held shared and CLAIMED, or a status. */
static int build(int shm, const kobjns_ctx *ctx, const kobjns__namespace_args *a,
                 const kobjns__sd *sd, const char *id, const char *instance, const char *dir,
                 int *fd) {
  char tmp[DIR_MAX], record[KOBJNS__NATIVE_MAX + 1], tree[KOBJNS__TREE_PREFIX_MAX];
  kobjns__tree_prefix(&ctx->os.tree, tree);
  snprintf(tmp, sizeof tmp, "%snsnew.%.16s", tree, instance);
  snprintf(record, sizeof record, "%s/%s", tmp, KOBJNS__NS_RECORD);
  if (mkdirat(shm, tmp, 0700) < 0) return kobjns__status_from_errno(errno);
  size_t len;
  kobjns__ns_record *r = record_make(ctx, a, sd, id, &len);
  int err = r ? 0 : ENOMEM;
  int f = err ? -1 : openat(shm, record, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (!err && f < 0) err = errno;
  if (!err) {
    ssize_t n = pwrite(f, r, len, 0);
    err = n == (ssize_t)len ? 0 : n < 0 ? errno : EIO;
  }
  free(r);
  if (!err) err = kobjns__lock_shared(f) ? EBUSY : 0;
  /* Acting as another user (root only): that user owns the namespace. */
  uid_t owner = (uid_t)ctx->token.uid;
  if (!err && owner != geteuid() &&
      (fchown(f, owner, (gid_t)-1) < 0 || fchownat(shm, tmp, owner, (gid_t)-1, 0) < 0))
    err = errno;
  if (!err && fchmod(f, 0644) < 0) err = errno;
  if (!err && fchmodat(shm, tmp, dir_mode(sd, (uint32_t)owner), 0) < 0) err = errno;
  if (!err && renameat(shm, tmp, shm, dir) < 0) err = errno;
  if (err) {
    if (f >= 0) close(f);
    unlinkat(shm, record, 0);
    unlinkat(shm, tmp, AT_REMOVEDIR);
    return kobjns__status_from_errno(err);
  }
  *fd = f;
  return 0;
}

static int namespace_create(int shm, const kobjns_ctx *ctx, const kobjns__namespace_args *a,
                            kobjns__object *o, char ns[KOBJNS__NS_ID_MAX + 1]) {
  /* Inside as the caller is, and as openers will judge its namespace's owner (the account's
   * groups, not a group the process took up for itself): else nobody could ever open it. */
  kobjns__token account;
  owner_token((uid_t)ctx->token.uid, &account);
  if (!inside(a->boundary, &ctx->token) || !inside(a->boundary, &account))
    return KOBJNS_ACCESS_DENIED;
  kobjns__sd sd;
  if (a->sd)
    sd = *a->sd;
  else
    kobjns__sd_default_as(kobjns__type(KOBJNS_TYPE_DIRECTORY)->mapping, &sd, ctx->token.uid);
  char hash[17];
  identity_hash(a, hash);
  for (int attempt = 0; attempt < CREATE_ATTEMPTS; attempt++) {
    found f;
    int rc = look(shm, &ctx->os.tree, a, hash, NULL, false, &f);
    if (rc) return rc;
    if (f.ready) return KOBJNS_ALREADY_EXISTS;
    if (f.claimed) { /* another creator is looking: let it finish */
      pause_randomly();
      continue;
    }
    char instance[17], id[KOBJNS__NS_ID_SIZE], dir[DIR_MAX];
    snprintf(instance, sizeof instance, "%016llx", (unsigned long long)kobjns__plat_random());
    snprintf(id, sizeof id, "%s.%s", hash, instance);
    kobjns__namespace_dir(&ctx->os.tree, id, dir);
    int fd = -1;
    if ((rc = build(shm, ctx, a, &sd, id, instance, dir, &fd))) return rc;
    /* Claimed and visible: anyone who claimed before us, we see now. */
    rc = look(shm, &ctx->os.tree, a, hash, id, false, &f);
    if (!rc && !f.ready && !f.claimed && !(rc = set_state(fd, KOBJNS__NS_READY))) {
      snprintf(ns, KOBJNS__NS_ID_MAX + 1, "%s", id);
      keep(o, fd, dir);
      return 0;
    }
    remove_dead(shm, dir, fd); /* withdrawn: ours alone (we hold it; nobody adopts a CLAIMED one) */
    close(fd);
    if (rc) return rc;
    if (f.ready) return KOBJNS_ALREADY_EXISTS;
    pause_randomly();
  }
  return KOBJNS_BUSY;
}

int kobjns__os_namespace_create(const kobjns_ctx *ctx, const kobjns__namespace_args *a,
                                kobjns__object *o, char ns[KOBJNS__NS_ID_MAX + 1]) {
  int shm = kobjns__shm_dir_hold();
  if (shm < 0) return kobjns__status_from_errno(EBADF);
  int rc = namespace_create(shm, ctx, a, o, ns);
  kobjns__shm_dir_drop();
  return rc;
}

/* The rights of `desired` that the descriptor grants `t` (each alone, as MAXIMUM_ALLOWED). */
static unsigned granted_rights(const kobjns__sd *sd, uid_t owner, const kobjns__token *t,
                               unsigned desired) {
  unsigned granted = 0;
  for (unsigned bit = 1; bit && bit <= desired; bit <<= 1)
    if ((desired & bit) && !kobjns__access_check(sd, (uint32_t)owner, t, bit)) granted |= bit;
  return granted;
}

static int namespace_open(int shm, const kobjns_ctx *ctx, const kobjns__namespace_args *a,
                          unsigned desired, kobjns__object *o, char ns[KOBJNS__NS_ID_MAX + 1],
                          unsigned *granted, kobjns_denial *why) {
  *why = KOBJNS_DENIAL_NONE;
  char hash[17];
  identity_hash(a, hash);
  for (int attempt = 0; attempt < CREATE_ATTEMPTS; attempt++) {
    found f;
    int rc = look(shm, &ctx->os.tree, a, hash, NULL, true, &f);
    if (rc) return rc;
    if (f.fd < 0) {
      *why = f.denied      ? KOBJNS_DENIAL_MODE_BITS
             : f.destroyed ? KOBJNS_DENIAL_DESTROYED
             : f.planted   ? KOBJNS_DENIAL_PLANTED
                           : KOBJNS_DENIAL_NONE;
      return f.denied ? KOBJNS_ACCESS_DENIED : KOBJNS_FILE_NOT_FOUND;
    }
    if ((rc = kobjns__lock_shared(f.fd))) {
      close(f.fd);
      return rc;
    }
    /* Held: still that record, of that directory, and still open to opens? */
    char record[KOBJNS__NATIVE_MAX + 1];
    snprintf(record, sizeof record, "%s/%s", f.dir, KOBJNS__NS_RECORD);
    struct stat held, named;
    if (fstat(f.fd, &held) < 0 || fstatat(shm, record, &named, AT_SYMLINK_NOFOLLOW) < 0 ||
        held.st_ino != named.st_ino || held.st_dev != named.st_dev ||
        record_state(f.fd) != KOBJNS__NS_READY) {
      close(f.fd);
      continue; /* its last holder let go meanwhile, or it was destroyed: look again */
    }
    *granted = granted_rights(&f.sd, f.owner, &ctx->token, desired);
    if (!*granted) {
      close(f.fd);
      *why = KOBJNS_DENIAL_DESCRIPTOR;
      return KOBJNS_ACCESS_DENIED;
    }
    snprintf(ns, KOBJNS__NS_ID_MAX + 1, "%s", f.id);
    keep(o, f.fd, f.dir);
    return 0;
  }
  return KOBJNS_BUSY;
}

int kobjns__os_namespace_open(const kobjns_ctx *ctx, const kobjns__namespace_args *a,
                              unsigned desired, kobjns__object *o, char ns[KOBJNS__NS_ID_MAX + 1],
                              unsigned *granted) {
  int shm = kobjns__shm_dir_hold();
  if (shm < 0) return kobjns__status_from_errno(EBADF);
  kobjns_denial why;
  int rc = namespace_open(shm, ctx, a, desired, o, ns, granted, &why);
  kobjns__shm_dir_drop();
  return rc;
}

int kobjns__os_namespace_explain(const kobjns_ctx *ctx, const kobjns__namespace_args *a,
                                 kobjns_denial *why) {
  int shm = kobjns__shm_dir_hold();
  if (shm < 0) return kobjns__status_from_errno(EBADF);
  kobjns__object *o = calloc(1, sizeof *o);
  char ns[KOBJNS__NS_ID_MAX + 1];
  unsigned granted;
  int rc = o ? namespace_open(shm, ctx, a, KOBJNS__DIRECTORY_ALL, o, ns, &granted, why)
             : KOBJNS_NOT_ENOUGH_MEMORY;
  kobjns__shm_dir_drop();
  if (!rc) kobjns__namespace_close(o); /* as a handle's close: the last holder removes it */
  free(o);
  return rc;
}

int kobjns__os_namespace_destroy(kobjns__object *o) {
  int shm = kobjns__shm_dir_hold();
  if (shm < 0) return kobjns__status_from_errno(EBADF);
  /* The record is its owner's to write (0644): the kernel says who may destroy. */
  int fd = openat(shm, o->os.native, O_WRONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);
  int rc = fd < 0 ? (errno == EACCES || errno == EPERM ? KOBJNS_ACCESS_DENIED
                                                       : kobjns__status_from_errno(errno))
                  : 0;
  struct stat held, now;
  if (!rc && (fstat(o->os.hold.fd, &held) < 0 || fstat(fd, &now) < 0 || held.st_ino != now.st_ino ||
              held.st_dev != now.st_dev))
    rc = KOBJNS_FILE_NOT_FOUND; /* not our namespace's record any more */
  if (!rc) rc = set_state(fd, KOBJNS__NS_DESTROYED);
  if (fd >= 0) close(fd);
  kobjns__shm_dir_drop();
  return rc;
}

void kobjns__namespace_close(kobjns__object *o) {
  if (kobjns__hold_release(&o->os.hold, o->os.native)) kobjns__namespace_left(o->os.native);
}

void kobjns__namespace_left(const char *native) {
  /* rmdir takes only an empty directory: a namespace still held has its record there, and its
   * last object's close tries again. Only the directory's owner or root may. */
  const char *slash = strrchr(native, '/');
  if (!slash || slash - native >= DIR_MAX) return;
  char dir[DIR_MAX];
  memcpy(dir, native, (size_t)(slash - native));
  dir[slash - native] = '\0';
  int shm = kobjns__shm_dir_hold();
  if (shm < 0) return;
  (void)unlinkat(shm, dir, AT_REMOVEDIR);
  kobjns__shm_dir_drop();
}

/* --- inspection (inspect.c: ls, stat, gc, the background sweep) -------------------------------
 */

/* Append to out[size] at *at, as snprintf (what does not fit is cut). */
__attribute__((format(printf, 4, 5))) static void put(char *out, size_t size, size_t *at,
                                                      const char *fmt, ...) {
  if (*at >= size) return;
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(out + *at, size - *at, fmt, ap);
  va_end(ap);
  if (n > 0) *at += (size_t)n;
}

/* What the record `r` (well formed) says, in words: its state, its alias and boundary, and why
 * an opener would pass it over (its directory's owner `owner` and mode bits `dir_bits`). */
static void record_words(const kobjns__ns_record *r, const kobjns__sd *sd, uid_t owner,
                         mode_t dir_bits, char *out, size_t size) {
  static const char *states[] = {"in an unknown state", "claimed (its creator is making it)",
                                 "ready", "destroyed (no open finds it)"};
  const char *text = (const char *)(r + 1);
  size_t at = 0;
  put(out, size, &at, "%s; alias \"%.*s\"; boundary \"%.*s\" {",
      states[r->state < 4 ? r->state : 0], (int)r->alias_len, text + r->name_len, (int)r->name_len,
      text);
  kobjns_boundary b = {.count = r->sid_count};
  for (uint32_t i = 0; i < r->sid_count; i++) {
    b.sids[i] = (kobjns__ace){.trustee = r->sids[i].trustee, .id = r->sids[i].id};
    char sid[40];
    kobjns__sid_format(&b.sids[i], sid, sizeof sid);
    put(out, size, &at, "%s%s", i ? ", " : "", sid);
  }
  put(out, size, &at, "}");
  kobjns__token creator;
  owner_token(owner, &creator);
  if (!inside(&b, &creator))
    put(out, size, &at, "; untrusted: its owner is not inside the boundary");
  else if (dir_bits & ~dir_mode(sd, (uint32_t)owner))
    put(out, size, &at, "; untrusted: its mode gives more than its descriptor");
}

int kobjns__namespace_look_at(int shm, const char *dir, const char *id, const struct stat *dir_st,
                              int *fd, struct stat *st, kobjns__sd *sd, char *words, size_t size) {
  if (words && size) words[0] = '\0';
  kobjns__ns_record *rec;
  int rc = record_read(shm, dir, id, dir_st, fd, st, &rec, sd);
  if (rc) return rc;
  if (words) record_words(rec, sd, dir_st->st_uid, dir_st->st_mode & 07777, words, size);
  free(rec);
  return 0;
}

int kobjns__namespace_sweep_record(int shm, const char *dir, int fd) {
  if (flock_nb(fd, LOCK_EX) < 0) return 0; /* held: a live namespace, never touched */
  int removed = remove_dead(shm, dir, fd);
  flock(fd, LOCK_UN);
  return removed;
}
