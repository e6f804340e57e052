/* Named objects in the shm directory (see object.h for the protocol in brief).
 *
 * Lifetime: every handle owns an open file description with a shared flock. A closer that can
 * take the exclusive lock without waiting is the last holder and unlinks the name. The kernel
 * drops the locks of dead processes, so an object whose holders all died is "stale": its
 * exclusive lock is free. Openers treat stale objects as absent and remove them. Creation builds
 * the object in an unnamed file and links it into place, so exactly one creator wins and nobody
 * sees a half-built object. */
#include "object.h"
#include "platform.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <nettle/sha2.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_ROOT "default"
#define OPEN_RETRIES 1000
/* How long an opener waits for someone else's exclusive lock to go (see lock_shared). */
#define LOCK_WAIT_MS 2000
#define LOCK_PAUSE_MIN_US 50
#define LOCK_PAUSE_MAX_US 10000
/* How long an opener waits for a second name of an object to go (see settle_links). */
#define LINKS_WAIT_MS 500

/* The shm directory, open for the life of the library. Every use is counted (dir_hold): the
 * library's teardown runs while other threads may still call in (exit() does not stop them),
 * and closing the descriptor under them would let a late call use a closed number, or one
 * reused for another directory. Teardown closes it only when no call holds it, and every call
 * that comes later is refused (EBADF) instead of using it. */
static int shm_dir_fd = -1;
static unsigned dir_users; /* calls using shm_dir_fd now */
static bool dir_closing;   /* teardown has begun: no new use */
static int current_pid;
static kobjns__tree process_tree; /* KOBJNS_ROOT: set once by kobjns__shm_init */
/* Objects apart from their names (kobjns__plat_objects_apart): each name is a file of the
 * directory holding a kobjns__name_record, and the bytes (header, state, data) are a shm object
 * named "/kobjns-<tree>-<random>", which the record names. Set once by kobjns__shm_init. */
static bool apart;

int kobjns__status_from_errno(int err) {
  switch (err) {
    case 0: return 0;
    case ENOENT: return KOBJNS_FILE_NOT_FOUND;
    case EACCES:
    case EPERM:
    case EROFS: return KOBJNS_ACCESS_DENIED;
    case EMFILE:
    case ENFILE: return KOBJNS_TOO_MANY_OPEN_FILES;
    case ENOMEM: return KOBJNS_NOT_ENOUGH_MEMORY;
    case ENOSPC:
    case EDQUOT:
    case EFBIG: return KOBJNS_COMMITMENT_LIMIT;
    case ENAMETOOLONG: return KOBJNS_FILENAME_EXCED_RANGE;
    case ELOOP:
    case EISDIR:
    case ENOTDIR: return KOBJNS_INVALID_HANDLE;
    case EINVAL: return KOBJNS_INVALID_PARAMETER;
    default: return KOBJNS_INTERNAL_ERROR;
  }
}

/* KOBJNS_ROOT isolates a tree of names (test runs, containers): [A-Za-z0-9_-]{1,32}, the rule
 * kobjns_ctx_set_root applies too. */
static int read_root(void) {
  const char *v = getenv("KOBJNS_ROOT");
  if (!v) v = DEFAULT_ROOT;
  if (!kobjns__root_valid(v)) return KOBJNS_INVALID_PARAMETER;
  size_t len = strlen(v);
  memcpy(process_tree.root, v, len + 1);
  process_tree.len = len;
  return 0;
}

const kobjns__tree *kobjns__process_tree(void) { return &process_tree; }

/* <tree> in the names of a tree's shm objects (objects apart): a hash of the root (FNV-1a), so
 * that a tree's shm objects can be told. */
static uint32_t tree_tag(const char *root, size_t len) {
  uint32_t hash = 2166136261u;
  for (size_t i = 0; i < len; i++) hash = (hash ^ (unsigned char)root[i]) * 16777619u;
  return hash;
}

/* Atomic: a fork()ed child sets it while its checkers may still see its parent's threads. */
int kobjns__pid(void) { return __atomic_load_n(&current_pid, __ATOMIC_RELAXED); }

static int lock(int fd, int op);
static bool same_file(const struct stat *a, const struct stat *b);

/* --- holds, and fork() ----------------------------------------------------------------------- */

/* The process's named holds. A fork()ed child shares every open file description of its parent,
 * and with them the flock locks: a closer that takes the exclusive lock would then take the one
 * its child still relies on, and remove the name under it. So fork() gives the child a
 * description of its own for every hold, made before the fork (a child's own, after it, could
 * come too late: the daemon's parent closes and exits at once) and locked shared: from then on
 * each process holds the object for itself, as an inherited handle does on Windows. */
static pthread_mutex_t holds_lock = PTHREAD_MUTEX_INITIALIZER;
static kobjns__hold *holds;

/* Keep `fd` (and `lock_fd`, -1 for none) as `h`, listed when named. */
static void hold_keep(kobjns__hold *h, int fd, int lock_fd, const char *native) {
  bool named = native && native[0];
  *h = (kobjns__hold){.fd = fd,
                      .pid = kobjns__pid(),
                      .lock_fd = lock_fd,
                      .spare = -1,
                      .listed = named,
                      .native = named ? native : NULL};
  if (!named) return;
  pthread_mutex_lock(&holds_lock);
  h->next = holds;
  if (holds) holds->prev = h;
  holds = h;
  pthread_mutex_unlock(&holds_lock);
}

void kobjns__hold_keep(kobjns__hold *h, int fd, int lock_fd, const char *native) {
  hold_keep(h, fd, lock_fd, native);
}

/* A new description of the file `fd` is open on (kobjns__plat_reopen's answers). Where the
 * system has no way to reopen a descriptor, the object's name `native` is opened again: the name
 * cannot move on while `fd`'s hold keeps every last closer away, and it is checked to be the same
 * file all the same. */
static int reopen(int fd, const char *native, bool read_only) {
  int again = kobjns__plat_reopen(fd, read_only);
  if (again != -ENOTSUP || !native || !native[0]) return again;
  int flags = fcntl(fd, F_GETFL);
  if (flags < 0) return -errno;
  if (kobjns__shm_dir_hold() < 0) return -EBADF;
  again = openat(
      shm_dir_fd, native,
      (read_only ? O_RDONLY : flags & O_ACCMODE) | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK);
  int err = again < 0 ? errno : 0;
  kobjns__shm_dir_drop();
  if (err) return -err;
  struct stat a, b;
  if (fstat(fd, &a) < 0 || fstat(again, &b) < 0 || !same_file(&a, &b)) {
    close(again);
    return -ENOTSUP;
  }
  return again;
}

/* The descriptors of a second hold of what `from` holds, locked shared (see
 * kobjns__hold_duplicate): 0 with *fd and *lock_fd (-1 unless the lock has its own). `native`:
 * NULL for an unnamed object, else its name ("" where it is not known). */
static int duplicate_fds(const kobjns__hold *from, const char *native, int *out_fd,
                         int *out_lock_fd) {
  bool named = native != NULL;
  if (apart && from->lock_fd >= 0) {
    /* The bytes' descriptor holds no lock: shared. The name's, for the lock, is our own. */
    int fd = fcntl(from->fd, F_DUPFD_CLOEXEC, 0);
    if (fd < 0) return kobjns__status_from_errno(errno);
    int lock_fd = reopen(from->lock_fd, native, true);
    int locked = lock_fd < 0 ? lock_fd : lock(lock_fd, LOCK_SH | LOCK_NB) < 0 ? -errno : 0;
    if (locked < 0) {
      close(fd);
      if (lock_fd >= 0) close(lock_fd);
      return locked == -ENOTSUP ? KOBJNS_NOT_SUPPORTED : kobjns__status_from_errno(-locked);
    }
    *out_fd = fd;
    *out_lock_fd = lock_fd;
    return 0;
  }
  int fd = reopen(from->fd, native, false), lock_fd = -1;
  if (fd == -ENOTSUP && !named) { /* no name to remove: one description may serve both */
    if ((fd = fcntl(from->fd, F_DUPFD_CLOEXEC, 0)) < 0) return kobjns__status_from_errno(errno);
    *out_fd = fd;
    *out_lock_fd = -1;
    return 0;
  }
  if (fd == -EACCES || fd == -EPERM) {
    if ((lock_fd = reopen(from->fd, native, true)) < 0)
      fd = lock_fd;
    else if ((fd = fcntl(from->fd, F_DUPFD_CLOEXEC, 0)) < 0)
      fd = -errno;
  }
  /* Our other hold keeps everyone's exclusive lock away: the shared one is ours at once. */
  int locked = fd < 0 ? fd : lock(lock_fd >= 0 ? lock_fd : fd, LOCK_SH | LOCK_NB) < 0 ? -errno : 0;
  if (locked < 0) {
    if (fd >= 0) close(fd);
    if (lock_fd >= 0) close(lock_fd);
    return locked == -ENOTSUP ? KOBJNS_NOT_SUPPORTED : kobjns__status_from_errno(-locked);
  }
  *out_fd = fd;
  *out_lock_fd = lock_fd;
  return 0;
}

int kobjns__hold_duplicate(const kobjns__hold *from, kobjns__hold *to, const char *native) {
  int fd, lock_fd;
  int rc = duplicate_fds(from, native, &fd, &lock_fd);
  if (!rc) hold_keep(to, fd, lock_fd, native);
  return rc;
}

int kobjns__hold_for_child(const kobjns__hold *from, const char *native, int *fd, int *lock_fd) {
  return duplicate_fds(from, native, fd, lock_fd);
}

void kobjns__hold_adopt(kobjns__hold *h, int fd, int lock_fd, const char *native) {
  (void)fcntl(fd, F_SETFD, FD_CLOEXEC);
  if (lock_fd >= 0) (void)fcntl(lock_fd, F_SETFD, FD_CLOEXEC);
  hold_keep(h, fd, lock_fd, native);
}

void kobjns__hold_move(kobjns__hold *to, kobjns__hold *from, const char *native) {
  pthread_mutex_lock(&holds_lock);
  *to = *from;
  if (to->native) to->native = native;
  if (to->listed) {
    if (to->prev) to->prev->next = to;
    if (to->next) to->next->prev = to;
    if (holds == from) holds = to;
  }
  *from = (kobjns__hold){.fd = -1, .lock_fd = -1, .spare = -1};
  pthread_mutex_unlock(&holds_lock);
}

bool kobjns__hold_release(kobjns__hold *h, const char *native) {
  if (h->listed) {
    pthread_mutex_lock(&holds_lock);
    if (h->prev) h->prev->next = h->next;
    if (h->next) h->next->prev = h->prev;
    if (holds == h) holds = h->next;
    pthread_mutex_unlock(&holds_lock);
    h->listed = false;
  }
  /* A description a child shares is closed, never taken for the last: the child may hold it. A
   * lock of our own beside a shared description: the shared one goes first (its lock is the
   * parent's, or nobody's once we were its last user), then ours decides. */
  int pid = h->shared ? -1 : h->pid;
  bool removed = kobjns__object_release(h->fd, h->lock_fd, native, pid);
  h->fd = h->lock_fd = -1;
  return removed;
}

/* Before fork(): a description for the child of every hold, locked shared (nobody holds the
 * exclusive lock meanwhile: ours keeps every closer from taking it). One that cannot be made (no
 * descriptor left, no /proc) leaves the child sharing ours. The lock stays held until the child
 * has taken them, so no hold comes or goes in between. */
void kobjns__holds_before_fork(void) {
  pthread_mutex_lock(&holds_lock);
  for (kobjns__hold *h = holds; h; h = h->next) {
    /* With the handle's access, or, where the file's mode now refuses it to us (a session marker
     * is 0444, a read-only section's creator wrote it first), for the lock alone. */
    if (apart && h->lock_fd >= 0) { /* the name's description is the hold; the bytes' is shared */
      h->spare = reopen(h->lock_fd, h->native, true);
      h->spare_lock_only = true;
    } else { /* one file (a namespace's record, where objects are apart) */
      h->spare = reopen(h->fd, h->native, false);
      h->spare_lock_only = h->spare == -EACCES || h->spare == -EPERM;
      if (h->spare_lock_only) h->spare = reopen(h->fd, h->native, true);
    }
    if (h->spare >= 0 && lock(h->spare, LOCK_SH | LOCK_NB) < 0) {
      close(h->spare);
      h->spare = -1;
    }
  }
}

void kobjns__holds_in_parent(void) {
  for (kobjns__hold *h = holds; h; h = h->next) {
    if (h->spare >= 0)
      close(h->spare); /* the child's now: its copy keeps the description and the lock */
    else
      h->shared = true;
    h->spare = -1;
  }
  pthread_mutex_unlock(&holds_lock);
}

void kobjns__holds_in_child(void) {
  __atomic_store_n(&current_pid, (int)getpid(), __ATOMIC_RELAXED);
  for (kobjns__hold *h = holds; h; h = h->next) {
    if (h->spare < 0) continue; /* none made: it shares its parent's (pid stays the parent's) */
    /* The same descriptor numbers, now of the child's own descriptions: nothing that kept a
     * number (a view being mapped, say) needs to know. */
    int into = h->spare_lock_only ? h->lock_fd : h->fd;
    if (into < 0) {
      h->lock_fd = h->spare; /* ours for the lock; `fd` stays shared, for I/O only */
    } else if (dup2(h->spare, into) >= 0) {
      (void)fcntl(into, F_SETFD, FD_CLOEXEC); /* dup2 clears it; setting it cannot fail here */
      close(h->spare);
      if (!h->spare_lock_only && h->lock_fd >= 0) { /* `fd` is ours whole now */
        close(h->lock_fd);
        h->lock_fd = -1;
      }
    } else {
      close(h->spare);
      h->spare = -1;
      continue;
    }
    h->spare = -1;
    h->pid = kobjns__pid();
    h->shared = false;
  }
  pthread_mutex_unlock(&holds_lock); /* the forking thread's, in the child too */
}

/* Called under the init lock, and again after a failed set-up of the default context: what an
 * earlier call did is kept, never done twice. */
int kobjns__shm_init(void) {
  if (shm_dir_fd >= 0) return 0;
  if (!kobjns__pid()) /* kept current by kobjns__holds_in_child */
    __atomic_store_n(&current_pid, (int)getpid(), __ATOMIC_RELAXED);
  int rc = read_root();
  if (rc) return rc;
  int fd = kobjns__plat_shm_open_dir();
  if (fd < 0) return kobjns__status_from_errno(-fd);
  apart = kobjns__plat_objects_apart();
  shm_dir_fd = fd;
  return 0;
}

int kobjns__shm_dir_hold(void) {
  /* Sequentially consistent on both sides (Dekker): either teardown sees this use, or this use
   * sees teardown. */
  __atomic_add_fetch(&dir_users, 1, __ATOMIC_SEQ_CST);
  if (__atomic_load_n(&dir_closing, __ATOMIC_SEQ_CST)) {
    __atomic_sub_fetch(&dir_users, 1, __ATOMIC_SEQ_CST);
    errno = EBADF;
    return -1;
  }
  return shm_dir_fd;
}

int kobjns__shm_dir(void) { return shm_dir_fd; }

void kobjns__shm_dir_drop(void) { __atomic_sub_fetch(&dir_users, 1, __ATOMIC_SEQ_CST); }

void kobjns__shm_release(void) {
  __atomic_store_n(&dir_closing, true, __ATOMIC_SEQ_CST);
  /* A call still inside keeps the descriptor: left open (a leak at unload, never a reuse). At
   * dlclose() no thread can be inside (the code is about to go), so a reload stays flat. */
  if (shm_dir_fd >= 0 && __atomic_load_n(&dir_users, __ATOMIC_SEQ_CST) == 0) {
    close(shm_dir_fd);
    shm_dir_fd = -1;
  }
}

static void hex(const uint8_t *in, size_t n, char *out) {
  static const char digits[] = "0123456789abcdef";
  for (size_t i = 0; i < n; i++) {
    out[2 * i] = digits[in[i] >> 4];
    out[2 * i + 1] = digits[in[i] & 15];
  }
  out[2 * n] = '\0';
}

/* POSIX forbids '/' in a name; '%' and '#' are our escape and hash markers; control bytes
 * would make `ls` unreadable. Everything else, case included, is kept. */
static bool needs_escape(unsigned char c) {
  return c == '/' || c == '%' || c == '#' || c < 0x20 || c == 0x7F;
}

static size_t append(char *out, size_t at, const char *s, size_t len) {
  memcpy(out + at, s, len);
  return at + len;
}

/* The first part of every name a tree's files get in the object directory: the layout's own,
 * "kobjns." where an object is one file (linux), "kobjnsa." where a name is apart from its bytes
 * (generic). A process of each layout on one machine (a linux and a generic build of one tree)
 * then never takes the other's files for its own: a name file read as an object is corrupt, and
 * removed as a stale object it would leave its bytes where nothing finds them. */
size_t kobjns__layout_prefix(const char **prefix) {
  bool names_apart = kobjns__plat_objects_apart(); /* a constant of the platform */
  *prefix = names_apart ? "kobjnsa." : "kobjns.";
  return names_apart ? 8 : 7;
}

/* Names are made on every open: built by hand, not by snprintf (a measurable share of an open). */
static void native_for(const kobjns__tree *t, const char *ns, size_t ns_len, const kobjns__name *n,
                       char out[KOBJNS__NATIVE_MAX + 1]) {
  size_t len = 0;
  if (n->ns[0]) { /* an object of a private namespace: in its directory */
    len = kobjns__namespace_dir(t, n->ns, out);
    out[len++] = '/';
  }
  size_t start = len, limit = start + KOBJNS__NATIVE_COMPONENT_MAX;
  const char *prefix;
  size_t prefix_len = kobjns__layout_prefix(&prefix);
  len = append(out, len, prefix, prefix_len); /* the prefix always fits: a root is short */
  len = append(out, len, t->root, t->len);
  out[len++] = '.';
  len = append(out, len, ns, ns_len);
  out[len++] = '.';
  size_t at = len;
  for (size_t i = 0; i < n->leaf_len && len <= limit; i++) {
    unsigned char c = (unsigned char)n->leaf[i];
    if (!needs_escape(c)) {
      if (len + 1 > limit) {
        len = limit + 1;
        break;
      }
      out[len++] = (char)c;
    } else {
      if (len + 3 > limit) {
        len = limit + 1;
        break;
      }
      static const char digits[] = "0123456789ABCDEF";
      out[len++] = '%';
      out[len++] = digits[c >> 4];
      out[len++] = digits[c & 15];
    }
  }
  if (len <= limit) {
    out[len] = '\0';
    return;
  }
  /* Too long for NAME_MAX: never truncate; name it by a hash of the full canonical path, which
   * the header keeps so that openers can verify it. */
  size_t plen = kobjns__path_len(n);
  char stack[512];
  char *path = plen <= sizeof stack ? stack : malloc(plen);
  struct sha256_ctx sha;
  uint8_t digest[SHA256_DIGEST_SIZE];
  sha256_init(&sha);
  if (path) {
    kobjns__path_write(n, path);
    sha256_update(&sha, plen, (const uint8_t *)path);
  } else { /* out of memory: hash the same bytes in two pieces */
    char dir[128];
    kobjns__name empty = *n;
    empty.leaf_len = 0;
    kobjns__path_write(&empty, dir);
    sha256_update(&sha, kobjns__path_len(&empty), (const uint8_t *)dir);
    sha256_update(&sha, n->leaf_len, (const uint8_t *)n->leaf);
  }
  sha256_digest(&sha, sizeof digest, digest);
  if (path != stack) free(path);
  char digest_hex[2 * SHA256_DIGEST_SIZE + 1];
  hex(digest, sizeof digest, digest_hex);
  out[at] = '#';
  memcpy(out + at + 1, digest_hex, sizeof digest_hex);
}

void kobjns__native_name(const kobjns__tree *t, const kobjns__name *n,
                         char out[KOBJNS__NATIVE_MAX + 1]) {
  char ns[16] = "s";
  size_t ns_len = 1;
  if (n->ns[0]) {
    ns[0] = 'p'; /* in its namespace's directory */
  } else if (n->session == 0) {
    ns[0] = 'g';
  } else {
    char digits[10];
    size_t count = 0;
    for (uint32_t v = n->session; v; v /= 10) digits[count++] = (char)('0' + v % 10);
    while (count) ns[ns_len++] = digits[--count];
  }
  native_for(t, ns, ns_len, n, out);
}

void kobjns__native_session_name(const kobjns__tree *t, uint32_t session,
                                 char out[KOBJNS__NATIVE_MAX + 1]) {
  char tree[KOBJNS__TREE_PREFIX_MAX];
  kobjns__tree_prefix(t, tree);
  snprintf(out, KOBJNS__NATIVE_MAX + 1, "%ssession.%u", tree, (unsigned)session);
}

static int lock(int fd, int op) {
  int r;
  do r = flock(fd, op);
  while (r < 0 && errno == EINTR);
  return r;
}

/* One pause of a bounded wait that began at `start`, each twice as long as the last up to
 * LOCK_PAUSE_MAX_US: false, without pausing, once `limit_ms` have passed. */
static bool pause_within(const struct timespec *start, long *pause_us, long limit_ms) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  long waited_ms =
      (long)(now.tv_sec - start->tv_sec) * 1000 + (now.tv_nsec - start->tv_nsec) / 1000000;
  if (waited_ms >= limit_ms) return false;
  struct timespec pause = {0, *pause_us * 1000};
  nanosleep(&pause, NULL);
  if (*pause_us < LOCK_PAUSE_MAX_US) *pause_us *= 2;
  return true;
}

/* A shared lock on `fd`, waiting a bounded time for an exclusive holder: 0, KOBJNS_BUSY or an
 * error status. The protocol holds LOCK_EX only while it unlinks a name (a last holder closing,
 * an opener removing a stale object): microseconds. But anyone who can open a file can flock it,
 * whatever its open mode: a user who may only read an object could take LOCK_EX once its holders
 * are gone and keep it, and a blocking LOCK_SH would then hang every later opener and creator of
 * that name (root services too) for as long as it pleases. So: retry LOCK_SH|LOCK_NB with short,
 * growing pauses for at most LOCK_WAIT_MS, then give up with 170 ("busy, try again"). */
static int lock_shared(int fd) {
  if (lock(fd, LOCK_SH | LOCK_NB) == 0) return 0; /* the common case: no clock needed */
  if (errno != EWOULDBLOCK) return kobjns__status_from_errno(errno);
  struct timespec start;
  clock_gettime(CLOCK_MONOTONIC, &start);
  long pause_us = LOCK_PAUSE_MIN_US;
  for (;;) {
    if (lock(fd, LOCK_SH | LOCK_NB) == 0) return 0;
    if (errno != EWOULDBLOCK) return kobjns__status_from_errno(errno);
    if (!pause_within(&start, &pause_us, LOCK_WAIT_MS)) return KOBJNS_BUSY;
  }
}

int kobjns__lock_shared(int fd) { return lock_shared(fd); }

/* Where the system cannot rename without replacing, a creator publishes by linking its temporary
 * file under the name and then unlinking the temporary name: for those two system calls the
 * object has two names, and openers refuse an object with two names that others may write
 * (named.c: second_name). So an opener that finds such an object (`st`, taken with the lock held)
 * looks again for up to LINKS_WAIT_MS, until the second name has gone: a creator's goes at once,
 * and one that stays (someone else's link) is then judged as before. A creator that died between
 * the two calls leaves its temporary name; kobjns_cleanup() removes it (its pid is gone). */
static void settle_links(int fd, struct stat *st) {
  if (st->st_nlink <= 1 || !(st->st_mode & 022)) return;
  struct timespec start;
  clock_gettime(CLOCK_MONOTONIC, &start);
  long pause_us = LOCK_PAUSE_MIN_US;
  while (st->st_nlink > 1 && pause_within(&start, &pause_us, LINKS_WAIT_MS))
    if (fstat(fd, st) < 0) return;
}

static bool same_file(const struct stat *a, const struct stat *b) {
  return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/* Whether `native` still names the file `st` describes. */
static bool still_named(const char *native, const struct stat *st) {
  struct stat now;
  return fstatat(shm_dir_fd, native, &now, AT_SYMLINK_NOFOLLOW) == 0 && same_file(&now, st);
}

/* Whether the file `st` describes (locked) is still named `native`. Its last holder may
 * have removed the name between our open and our lock: that unlink leaves the file with no link,
 * which the fstat we need anyway shows, without a second path lookup. That is enough while
 * nobody but its owner (or root) can give the file another name: with protected_hardlinks, link(2)
 * needs ownership or read and write access. So the name is looked up again for a file with more
 * than one link, one that others may write (a link made, then our name removed, would leave one
 * link that is not ours), or on a system where anyone may link anything. */
static bool held_and_named(const char *native, const struct stat *st) {
  if (st->st_nlink == 0) return false;
  if (st->st_nlink == 1 && !(st->st_mode & 022) && kobjns__plat_hardlinks_protected()) return true;
  return still_named(native, st);
}

/* --- objects apart from their names ----------------------------------------------------------- */

/* Bytes without a name yet are guarded: each by a temporary file of the tree,
 * "kobjns.<root>.tmp.<pid>.<56 random bits>", that holds their record and the name they are for,
 * locked shared by their creator from before the bytes exist until they are named or discarded.
 * A creator that dies leaves its guard stale, and the sweep removes the bytes with it
 * (kobjns__object_remove_guard): nothing is left that nobody could find (shm objects cannot be
 * listed everywhere). The bytes' name is the guard's random bits: "/kobjns-<tree>-<bits>", 31
 * bytes. */
typedef struct guard {
  char name[KOBJNS__NATIVE_MAX + 1];
  int fd;
  struct guard *next;
} guard;
static pthread_mutex_t guards_lock = PTHREAD_MUTEX_INITIALIZER;
static guard *guards;

/* The bytes the guard `tmp` ("kobjns.<root>.tmp.<pid>.<bits>") guards: of the guard's tree. */
static void guarded_bytes(const char *tmp, char out[KOBJNS__DATA_NAME_MAX]) {
  const char *prefix;
  const char *bits = strrchr(tmp, '.'), *root = tmp + kobjns__layout_prefix(&prefix),
             *end = strstr(root, ".tmp.");
  snprintf(out, KOBJNS__DATA_NAME_MAX, "/kobjns-%08x-%.14s",
           (unsigned)tree_tag(root, end ? (size_t)(end - root) : 0), bits ? bits + 1 : "");
}

/* A new file `name` of the directory, made in place (O_EXCL: one creator wins), mode 0600, held
 * shared: 0 with *fd; -1 when a sweep took it for a dead creator's before our lock (the caller
 * makes it again); or a status (183 when the name exists). */
static int create_held(const char *name, int *fd) {
  *fd = openat(shm_dir_fd, name,
               O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK, 0600);
  if (*fd < 0) return errno == EEXIST ? KOBJNS_ALREADY_EXISTS : kobjns__status_from_errno(errno);
  struct stat st;
  int rc = lock_shared(*fd);
  if (!rc && (fstat(*fd, &st) < 0 || !held_and_named(name, &st))) rc = -1;
  if (rc) close(*fd);
  return rc;
}

/* Let go of the guard `tmp` of ours (its bytes are named, or gone): removed, then unlocked. */
static void drop_guard(const char *tmp) {
  pthread_mutex_lock(&guards_lock);
  guard **at = &guards, *g = NULL;
  while (*at && strcmp((*at)->name, tmp)) at = &(*at)->next;
  if (*at) g = *at, *at = g->next;
  pthread_mutex_unlock(&guards_lock);
  if (!g) return;
  unlinkat(shm_dir_fd, g->name, 0);
  close(g->fd);
  free(g);
}

/* New bytes for the name `native` ("" for none), guarded: 0 with *fd and the guard's name in
 * `tmp`, or a status. */
static int new_guarded_bytes(const kobjns__tree *t, const char *native, int *fd,
                             char tmp[KOBJNS__NATIVE_MAX + 1]) {
  int err = EEXIST;
  size_t native_len = strlen(native);
  char tree[KOBJNS__TREE_PREFIX_MAX];
  kobjns__tree_prefix(t, tree);
  for (int attempt = 0; attempt < 100 && err == EEXIST; attempt++) {
    snprintf(tmp, KOBJNS__NATIVE_MAX + 1, "%stmp.%ld.%014llx", tree, (long)getpid(),
             (unsigned long long)(kobjns__plat_random() & ((UINT64_C(1) << 56) - 1)));
    int g, rc = create_held(tmp, &g);
    if (rc < 0 || rc == KOBJNS_ALREADY_EXISTS) continue; /* other bits */
    if (rc) {
      tmp[0] = '\0';
      return rc;
    }
    kobjns__name_record r = {.magic = KOBJNS__NAME_MAGIC, .version = KOBJNS__FORMAT_VERSION};
    guarded_bytes(tmp, r.data);
    guard *entry = malloc(sizeof *entry);
    err = !entry                                            ? ENOMEM
          : pwrite(g, &r, sizeof r, 0) != (ssize_t)sizeof r ? (errno ? errno : EIO)
          : native_len && pwrite(g, native, native_len, sizeof r) != (ssize_t)native_len
              ? (errno ? errno : EIO)
              : 0;
    if (!err && (*fd = shm_open(r.data, O_RDWR | O_CREAT | O_EXCL, 0600)) < 0) err = errno;
    if (err) {
      free(entry);
      unlinkat(shm_dir_fd, tmp, 0);
      close(g);
      continue; /* EEXIST: other bits */
    }
    snprintf(entry->name, sizeof entry->name, "%s", tmp);
    entry->fd = g;
    pthread_mutex_lock(&guards_lock);
    entry->next = guards;
    guards = entry;
    pthread_mutex_unlock(&guards_lock);
    return 0;
  }
  tmp[0] = '\0';
  return kobjns__status_from_errno(err);
}

/* The name record of the name file `fd`, with `st` its stat taken with the lock held (refreshed
 * here): 0, 170 when it stays empty (its creator, who holds it, has not written it within
 * LINKS_WAIT_MS), or 1392 when it is no record of ours. */
static int read_record(int fd, struct stat *st, kobjns__name_record *r) {
  if (st->st_size == 0) {
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    long pause_us = LOCK_PAUSE_MIN_US;
    while (st->st_size == 0 && pause_within(&start, &pause_us, LINKS_WAIT_MS))
      if (fstat(fd, st) < 0) return kobjns__status_from_errno(errno);
    if (st->st_size == 0) return KOBJNS_BUSY;
  }
  if (st->st_size != (off_t)sizeof *r || pread(fd, r, sizeof *r, 0) != (ssize_t)sizeof *r ||
      r->magic != KOBJNS__NAME_MAGIC || r->version != KOBJNS__FORMAT_VERSION ||
      !memchr(r->data, '\0', sizeof r->data) || strncmp(r->data, "/kobjns-", 8) ||
      strchr(r->data + 1, '/'))
    return KOBJNS_FILE_CORRUPT;
  return 0;
}

/* The bytes of the object named by `name_fd` (locked; `st` its stat), opened with `oflags`:
 * 0 with *fd and *st now the bytes' stat (its link count the name file's), or a status, with
 * *gone when the record never came or its bytes are gone (what a process killed while it made
 * or removed the object leaves: the name is stale). The bytes must be the name's owner's:
 * anyone may make a shm object. */
static int open_data(int name_fd, struct stat *st, int oflags, int *fd, bool *gone) {
  kobjns__name_record r;
  int rc = read_record(name_fd, st, &r);
  *gone = rc == KOBJNS_BUSY;
  if (rc) return rc;
  int data = shm_open(r.data, oflags & O_ACCMODE, 0);
  *gone = data < 0 && errno == ENOENT;
  if (data < 0) return *gone ? KOBJNS_FILE_CORRUPT : kobjns__status_from_errno(errno);
  struct stat data_st;
  if (fstat(data, &data_st) < 0 || data_st.st_uid != st->st_uid) {
    close(data);
    return KOBJNS_FILE_CORRUPT;
  }
  data_st.st_nlink = st->st_nlink; /* links are the name's (named.c: second_name) */
  *st = data_st;
  *fd = data;
  return 0;
}

/* The mode of a name file: read (for the lock and the record) for whoever the bytes' mode lets in
 * at all, nothing more (the record is written once, by its creator). */
static mode_t name_mode(mode_t data) {
  return (data & 0700 ? 0400 : 0) | (data & 0070 ? 0040 : 0) | (data & 0007 ? 0004 : 0);
}

/* We hold the exclusive lock on `fd`, so nobody else can remove the name while it still refers
 * to this file: compare (by the rule above: the fstat taken with the lock is usually enough),
 * then unlink (the bytes first, where they are apart: a name left without them is stale, and
 * goes with the next look; bytes left without a name could not be found). 1 when we removed it,
 * 0 when the name had already moved on, -1 (EPERM) for another user's object in the sticky shm
 * directory. */
static int remove_name(int fd, const char *native, const struct stat *st) {
  if (!held_and_named(native, st)) return 0;
  kobjns__name_record r;
  struct stat now = *st;
  /* No record: its creator died before writing it, and made nothing else. */
  if (apart && now.st_size != 0 && read_record(fd, &now, &r) == 0 && shm_unlink(r.data) < 0 &&
      errno != ENOENT)
    return -1;
  if (unlinkat(shm_dir_fd, native, 0) == 0) return 1;
  return errno == ENOENT ? 0 : -1;
}

static int object_open(const char *native, int oflags, bool adopt_stale, int *fd_out, int *lock_fd,
                       struct stat *st) {
  *lock_fd = -1;
  struct timespec start = {0, 0};
  long pause_us = LOCK_PAUSE_MIN_US;
  for (int attempt = 0; attempt < OPEN_RETRIES; attempt++) {
    /* O_NOFOLLOW: a symlink planted under the name is refused (ELOOP), never followed.
     * O_NONBLOCK: a FIFO planted there, or a lease on the file, never blocks the open. A name
     * apart from its bytes is only read (its lock and its record). */
    int fd = openat(shm_dir_fd, native,
                    (apart ? O_RDONLY : oflags) | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) {
      if (errno == ENXIO) return KOBJNS_INVALID_HANDLE; /* a socket: not one of our objects */
      if (errno == EWOULDBLOCK) return KOBJNS_BUSY;     /* its owner's lease is being broken */
      /* A name being published is its creator's alone until its mode is set, and empty until
       * its record is written, which follows: looked at again for a while. */
      struct stat named;
      if (apart && errno == EACCES &&
          fstatat(shm_dir_fd, native, &named, AT_SYMLINK_NOFOLLOW) == 0 && named.st_size == 0) {
        if (!start.tv_sec && !start.tv_nsec) clock_gettime(CLOCK_MONOTONIC, &start);
        if (pause_within(&start, &pause_us, LINKS_WAIT_MS)) continue;
        errno = EACCES;
      }
      return kobjns__status_from_errno(errno);
    }
    int rc = 0;
    if (!adopt_stale) {
      if (lock(fd, LOCK_EX | LOCK_NB) == 0) {
        /* No holder: the object is stale (its holders died). Remove it and look again. */
        if (fstat(fd, st) < 0 || !S_ISREG(st->st_mode)) {
          close(fd);
          return KOBJNS_INVALID_HANDLE; /* something that is not one of our objects */
        }
        int removed = remove_name(fd, native, st);
        close(fd);
        if (removed < 0) return KOBJNS__STALE_FOREIGN;
        continue;
      }
      if (errno != EWOULDBLOCK) rc = kobjns__status_from_errno(errno);
    }
    /* Someone holds it: wait (bounded) while an exclusive holder finishes, then share it. */
    if (!rc) rc = lock_shared(fd);
    /* Held now (or refused): what is it? */
    if (fstat(fd, st) < 0 || !S_ISREG(st->st_mode)) rc = KOBJNS_INVALID_HANDLE;
    if (rc) {
      close(fd);
      return rc;
    }
    settle_links(fd, st);
    if (held_and_named(native, st)) {
      if (apart) {
        int data;
        bool gone;
        if ((rc = open_data(fd, st, oflags, &data, &gone))) {
          /* A stale name (an opener that adopts stale objects comes here) without bytes: removed
           * if nobody else holds it, and looked at again. */
          int removed = gone && lock(fd, LOCK_EX | LOCK_NB) == 0 ? remove_name(fd, native, st) : 0;
          close(fd);
          if (removed > 0) continue;
          return rc;
        }
        *lock_fd = fd;
        fd = data;
      }
      *fd_out = fd;
      return 0;
    }
    close(fd);
  }
  return KOBJNS_BUSY;
}

static int object_new_file(const kobjns__tree *t, const char *native, int *fd,
                           char tmp[KOBJNS__NATIVE_MAX + 1]) {
  tmp[0] = '\0';
  if (apart) return new_guarded_bytes(t, native, fd, tmp); /* a shm object, mode 0600 */
  int err = kobjns__plat_new_unnamed(shm_dir_fd, fd);
  if (err != ENOTSUP) return kobjns__status_from_errno(err);
  /* No unnamed files here: a unique temporary name, removed by publish or discard. */
  static unsigned counter;
  char tree[KOBJNS__TREE_PREFIX_MAX];
  kobjns__tree_prefix(t, tree);
  for (int attempt = 0; attempt < 100; attempt++) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    snprintf(tmp, KOBJNS__NATIVE_MAX + 1, "%stmp.%ld.%u.%ld", tree, (long)getpid(),
             __atomic_fetch_add(&counter, 1, __ATOMIC_RELAXED), (long)now.tv_nsec);
    *fd = openat(shm_dir_fd, tmp, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (*fd >= 0) return 0;
    if (errno != EEXIST) break;
  }
  tmp[0] = '\0';
  return kobjns__status_from_errno(errno);
}

static void object_discard(int fd, const char *tmp) {
  if (fd >= 0) close(fd);
  if (!tmp[0]) return;
  if (apart) { /* the bytes, then their guard */
    char bytes[KOBJNS__DATA_NAME_MAX];
    guarded_bytes(tmp, bytes);
    shm_unlink(bytes);
    drop_guard(tmp);
  } else {
    unlinkat(shm_dir_fd, tmp, 0);
  }
}

/* Name the bytes `fd` (the shm object `data`) `native`: the name file is made in place, empty
 * and its creator's alone (O_EXCL, so exactly one creator wins), locked shared, given the bytes'
 * owner and its mode, then its record. An opener that meets it before the record waits for it
 * (read_record); one that meets it before its mode waits too (object_open). A sweep that takes
 * it for stale before our lock removes it: looked at with the lock held, and made again. */
static int publish_apart(int fd, const char *data, const char *native, int *lock_fd) {
  kobjns__name_record r = {.magic = KOBJNS__NAME_MAGIC, .version = KOBJNS__FORMAT_VERSION};
  guarded_bytes(data, r.data);
  struct stat bytes;
  int err = fstat(fd, &bytes) < 0 ? errno : 0;
  for (int attempt = 0; !err && attempt < OPEN_RETRIES; attempt++) {
    int name, rc = create_held(native, &name);
    if (rc < 0) continue; /* removed under us: again */
    if (rc) {
      object_discard(fd, data);
      return rc;
    }
    struct stat st;
    if (fstat(name, &st) < 0) err = errno;
    if (!err && bytes.st_uid != st.st_uid && fchown(name, bytes.st_uid, (gid_t)-1) < 0) err = errno;
    if (!err && fchmod(name, name_mode(bytes.st_mode)) < 0) err = errno;
    if (!err && pwrite(name, &r, sizeof r, 0) != (ssize_t)sizeof r) err = errno ? errno : EIO;
    if (!err) {
      drop_guard(data); /* named: a sweep of a stale guard now leaves them (its name says so) */
      *lock_fd = name;
      return 0;
    }
    unlinkat(shm_dir_fd, native, 0); /* ours, held and named (create_held): no one's else */
    close(name);
    break;
  }
  object_discard(fd, data);
  return err ? kobjns__status_from_errno(err) : KOBJNS_BUSY;
}

static int object_publish(int fd, const char *tmp, const char *native, int *lock_fd) {
  *lock_fd = -1;
  if (apart) return publish_apart(fd, tmp, native, lock_fd);
  /* Nobody else can reach an unnamed file; a temporary name can be opened (and flocked) by
   * whoever its mode lets in, hence the bounded wait here too. */
  int rc = lock_shared(fd);
  if (rc) {
    object_discard(fd, tmp);
    return rc;
  }
  int err;
  if (tmp[0]) {
    /* Move the temporary name into place rather than link it, so that a published object never
     * has two names: openers distrust objects with more than one (posix/named.c). */
    err = kobjns__plat_rename_noreplace(shm_dir_fd, tmp, native);
    if (err == 0) return 0;
    if (err == ENOTSUP) /* no atomic rename here: link, then unlink (openers: settle_links) */
      err = linkat(shm_dir_fd, tmp, shm_dir_fd, native, 0) == 0 ? 0 : errno;
  } else {
    err = kobjns__plat_link_unnamed(fd, shm_dir_fd, native);
  }
  object_discard(err == 0 ? -1 : fd, tmp);
  if (err == 0) return 0;
  return err == EEXIST ? KOBJNS_ALREADY_EXISTS : kobjns__status_from_errno(err);
}

/* `lock_fd`: the name's own description where it is not `fd`'s (objects apart, or a lock of its
 * own), else -1. */
static bool object_release(int fd, int lock_fd, const char *native, int pid) {
  if (lock_fd >= 0) { /* the bytes' descriptor holds no lock: the name's decides */
    if (fd >= 0) close(fd);
    fd = lock_fd;
  }
  if (fd < 0) return false;
  bool removed = false;
  if (native[0] && pid == kobjns__pid() && lock(fd, LOCK_EX | LOCK_NB) == 0) {
    struct stat st;
    /* Last holder. Another user's object cannot be removed from the sticky directory: it stays
     * as a stale object that openers skip and its owner (or root) removes. */
    removed = fstat(fd, &st) == 0 && remove_name(fd, native, &st) > 0;
  }
  close(fd);
  return removed;
}

static int object_alive(const char *native, bool *alive) {
  *alive = false;
  int fd = openat(shm_dir_fd, native, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
  if (fd < 0) {
    if (errno == ENOENT) return 0;
    *alive = errno == EACCES; /* unreadable but present: assume it is alive */
    /* Anything else (no descriptor left, ...) is not an answer: say so, never "absent". */
    return *alive ? 0 : kobjns__status_from_errno(errno);
  }
  /* A look, never a removal: resolving a name must change nothing (a stale marker goes with
   * the next member's attach or with kobjns_cleanup). */
  *alive = lock(fd, LOCK_EX | LOCK_NB) < 0 && errno == EWOULDBLOCK;
  close(fd);
  return 0;
}

/* A temporary file (where there are no unnamed files) is named "kobjns.<root>.tmp.<pid>.…":
 * garbage once <pid> is gone. */
bool kobjns__temp_creator_died(const char *rest) {
  char *end;
  long pid = strtol(rest, &end, 10);
  return end != rest && *end == '.' && kobjns__plat_process_liveness(pid) == KOBJNS__PLAT_GONE;
}

uint32_t kobjns__page_size(void) {
  static uint32_t cached; /* threads may race to fill it, with the same value */
  uint32_t size = __atomic_load_n(&cached, __ATOMIC_RELAXED);
  if (!size) {
    size = (uint32_t)sysconf(_SC_PAGESIZE);
    __atomic_store_n(&cached, size, __ATOMIC_RELAXED);
  }
  return size;
}

bool kobjns__section_header_valid(const kobjns__header *h, const struct stat *st, kobjns__sd *sd) {
  uint32_t page = kobjns__page_size();
  /* A section of a file keeps no bytes of its own: the file holds them. */
  bool of_file = h->flags & KOBJNS__FLAG_FILE;
  uint64_t bytes = of_file ? 0 : h->size;
  return h->header_size % page == 0 && h->header_size <= KOBJNS__HEADER_MAX &&
         h->header_size >= sizeof *h && h->path_len <= h->header_size - sizeof *h &&
         h->backing_len <= h->header_size - sizeof *h - h->path_len &&
         (of_file ? h->backing_len > sizeof(kobjns__stored_file) && h->type == KOBJNS_TYPE_SECTION
                  : h->backing_len == 0) &&
         h->size <= (uint64_t)INT64_MAX - h->header_size &&
         (uint64_t)st->st_size == h->header_size + bytes && kobjns__sd_load(&h->sd, sd);
}

size_t kobjns__tree_prefix(const kobjns__tree *t, char out[KOBJNS__TREE_PREFIX_MAX]) {
  const char *prefix;
  kobjns__layout_prefix(&prefix);
  return (size_t)snprintf(out, KOBJNS__TREE_PREFIX_MAX, "%s%s.", prefix, t->root);
}

static int object_remove_stale(int fd, const char *native) {
  if (lock(fd, LOCK_EX | LOCK_NB) < 0) return 0; /* held, or someone is removing it */
  /* What the name refers to is judged from a stat taken with the lock held, never from one taken
   * at the open: the file may have lost its last holder and its name meanwhile, and the name been
   * given to a new object, which the earlier link count would not show. */
  struct stat st;
  int removed = fstat(fd, &st) == 0 ? remove_name(fd, native, &st) : 0;
  lock(fd, LOCK_UN);
  return removed;
}

/* --- the entry points: each holds the shm directory while it runs ---------------------------- */

#define HOLD_DIR(fail)                                                                             \
  do {                                                                                             \
    if (kobjns__shm_dir_hold() < 0) return fail;                                                   \
  } while (0)

int kobjns__object_open(const char *native, int oflags, bool adopt_stale, int *fd, int *lock_fd,
                        struct stat *st) {
  *lock_fd = -1;
  HOLD_DIR(kobjns__status_from_errno(EBADF));
  int rc = object_open(native, oflags, adopt_stale, fd, lock_fd, st);
  kobjns__shm_dir_drop();
  return rc;
}

int kobjns__object_new_file(const kobjns__tree *t, const char *native, int *fd,
                            char tmp[KOBJNS__NATIVE_MAX + 1]) {
  tmp[0] = '\0';
  HOLD_DIR(kobjns__status_from_errno(EBADF));
  int rc = object_new_file(t, native ? native : "", fd, tmp);
  kobjns__shm_dir_drop();
  return rc;
}

void kobjns__object_discard(int fd, const char *tmp) {
  if (kobjns__shm_dir_hold() < 0) {
    if (fd >= 0) close(fd);
    return;
  }
  object_discard(fd, tmp);
  kobjns__shm_dir_drop();
}

int kobjns__object_publish(int fd, const char *tmp, const char *native, int *lock_fd) {
  *lock_fd = -1;
  if (kobjns__shm_dir_hold() < 0) {
    close(fd);
    return kobjns__status_from_errno(EBADF);
  }
  int rc = object_publish(fd, tmp, native, lock_fd);
  kobjns__shm_dir_drop();
  return rc;
}

bool kobjns__object_release(int fd, int lock_fd, const char *native, int pid) {
  if (kobjns__shm_dir_hold() < 0) { /* too late to remove the name: the object is left stale */
    if (fd >= 0) close(fd);
    if (lock_fd >= 0) close(lock_fd);
    return false;
  }
  bool removed = object_release(fd, lock_fd, native, pid);
  kobjns__shm_dir_drop();
  return removed;
}

int kobjns__object_alive(const char *native, bool *alive) {
  *alive = false;
  HOLD_DIR(kobjns__status_from_errno(EBADF));
  int rc = object_alive(native, alive);
  kobjns__shm_dir_drop();
  return rc;
}

int kobjns__object_remove_stale(int fd, const char *native) {
  HOLD_DIR(0);
  int rc = object_remove_stale(fd, native);
  kobjns__shm_dir_drop();
  return rc;
}

bool kobjns__objects_apart(void) { return apart; }

int kobjns__object_data(int name_fd, struct stat *st, int *fd) {
  if (!apart) {
    *fd = name_fd;
    return 0;
  }
  bool gone;
  return open_data(name_fd, st, O_RDONLY, fd, &gone);
}

bool kobjns__object_names(int lock_fd, int fd) {
  struct stat name, bytes, named;
  if (fstat(lock_fd, &name) < 0 || fstat(fd, &bytes) < 0) return false;
  if (!apart) return same_file(&name, &bytes);
  int data;
  bool gone;
  if (open_data(lock_fd, &name, O_RDONLY, &data, &gone)) return false;
  bool same = fstat(data, &named) == 0 && same_file(&named, &bytes);
  close(data);
  return same;
}

/* Whether the name file `native` names the bytes `data` (a stale guard's creator published them).
 */
static bool names_bytes(const char *native, const char *data) {
  kobjns__name_record r;
  int fd = openat(shm_dir_fd, native, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) return errno != ENOENT; /* cannot tell: keep the bytes */
  bool names = pread(fd, &r, sizeof r, 0) == (ssize_t)sizeof r && r.magic == KOBJNS__NAME_MAGIC &&
               !strncmp(r.data, data, sizeof r.data);
  close(fd);
  return names;
}

int kobjns__object_remove_guard(const char *tmp, bool dry_run) {
  HOLD_DIR(0);
  int removed = 0,
      g = openat(shm_dir_fd, tmp, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK);
  struct stat st;
  if (g >= 0 && lock(g, LOCK_EX | LOCK_NB) == 0 && fstat(g, &st) == 0 &&
      held_and_named(tmp, &st)) { /* its creator is gone */
    removed = 1;
    char buf[sizeof(kobjns__name_record) + KOBJNS__NATIVE_MAX + 1] = {0};
    kobjns__name_record r;
    ssize_t got = pread(g, buf, sizeof buf - 1, 0);
    memcpy(&r, buf, sizeof r);
    bool record = got >= (ssize_t)sizeof r && r.magic == KOBJNS__NAME_MAGIC &&
                  memchr(r.data, '\0', sizeof r.data);
    const char *native = buf + sizeof r;
    if (!dry_run && record && !(native[0] && names_bytes(native, r.data)) &&
        shm_unlink(r.data) < 0 && errno != ENOENT)
      removed = -1; /* another user's */
    if (!dry_run && removed > 0 && unlinkat(shm_dir_fd, tmp, 0) < 0)
      removed = errno == ENOENT ? 0 : -1;
  }
  if (g >= 0) close(g);
  kobjns__shm_dir_drop();
  return removed;
}
