/* Describing objects without opening handles (kobjns ls, stat, explain) and the clean-up sweep.
 *
 * Nothing here takes a lock that the protocol could notice: who holds an object comes from the
 * kernel's table of flock locks (kobjns__plat_flock_holders), never from probing with LOCK_EX (an
 * opener that met our probe would wait for it and then take the stale object as live). Only the
 * sweep takes LOCK_EX, and only to remove what it finds free, as every opener does. */
#include "object.h"
#include "platform.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

/* --- holders: the kernel's table of flock locks ------------------------------------------- */

typedef struct held {
  uint64_t dev, ino;
  int pid;
} held;

typedef struct lock_table {
  held *entries; /* sorted by file, then pid */
  size_t count, capacity;
  bool known; /* the system listed its locks */
} lock_table;

static int held_order(const void *pa, const void *pb) {
  const held *a = pa, *b = pb;
  if (a->dev != b->dev) return a->dev < b->dev ? -1 : 1;
  if (a->ino != b->ino) return a->ino < b->ino ? -1 : 1;
  return (a->pid > b->pid) - (a->pid < b->pid);
}

static int lock_table_add(void *arg, uint64_t dev, uint64_t ino, int pid) {
  lock_table *t = arg;
  if (t->count == t->capacity) {
    size_t grown = t->capacity ? t->capacity * 2 : 64;
    held *more = realloc(t->entries, grown * sizeof *more);
    if (!more) return ENOMEM;
    t->entries = more;
    t->capacity = grown;
  }
  t->entries[t->count++] = (held){dev, ino, pid};
  return 0;
}

/* Without a lock table (the platform cannot list locks) the table is unknown, not an error. */
static int lock_table_read(lock_table *t) {
  *t = (lock_table){0};
  bool known;
  int err = kobjns__plat_flock_holders(lock_table_add, t, &known);
  if (err) {
    free(t->entries);
    *t = (lock_table){0};
    return kobjns__status_from_errno(err);
  }
  if (t->count) qsort(t->entries, t->count, sizeof *t->entries, held_order);
  t->known = known;
  return 0;
}

/* The entries for the file `st`: a run of t->entries, *n long. */
static const held *lock_table_find(const lock_table *t, const struct stat *st, size_t *n) {
  held key = {(uint64_t)st->st_dev, (uint64_t)st->st_ino, -1};
  size_t lo = 0, hi = t->count;
  while (lo < hi) { /* first entry not below key (pid -1 sorts before every pid) */
    size_t mid = lo + (hi - lo) / 2;
    if (held_order(&t->entries[mid], &key) < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  size_t end = lo;
  while (end < t->count && t->entries[end].dev == key.dev && t->entries[end].ino == key.ino) end++;
  *n = end - lo;
  return t->entries + lo;
}

/* --- native names ------------------------------------------------------------------------- */

/* NATIVE_NAMED: an object of a namespace (a section, mutex, event or semaphore: the name does not
 * say which; the header does). NATIVE_PRIVATE: a private namespace's directory. NATIVE_TEMP: a
 * creator's unfinished file, or unfinished namespace directory ("nsnew."). */
enum native_kind { NATIVE_OTHER, NATIVE_NAMED, NATIVE_SESSION, NATIVE_TEMP, NATIVE_PRIVATE };

typedef struct decoded {
  enum native_kind kind;
  uint32_t session;
  char ns[KOBJNS__NS_ID_MAX + 1]; /* the private namespace it is or is in ("" for none) */
  bool hashed;                    /* a hash stands for the leaf: only the header knows the path */
  char *leaf;                     /* unescaped (NATIVE_NAMED, not hashed); owned */
  size_t leaf_len;
} decoded;

/* A session number starting `s`, and where it ends. */
static bool parse_session(const char *s, const char **end, uint32_t *out) {
  size_t len = kobjns__digits(s);
  *end = s + len;
  return kobjns__parse_u32(s, len, out) && *out != UINT32_MAX;
}

static int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* `rest` follows "kobjns.<root>." (`prefix`, `prefix_len` bytes): "g.<leaf>", "s<N>.<leaf>",
 * "session.<N>", "tmp.<...>", "nsnew.<...>", "ns.<id>" (a private namespace's directory) or
 * "ns.<id>/kobjns.<root>.p.<leaf>" (an object in it). */
static int decode_native(const char *prefix, size_t prefix_len, const char *rest, decoded *d) {
  *d = (decoded){.kind = NATIVE_OTHER};
  const char *end;
  if (!strncmp(rest, "tmp.", 4) || !strncmp(rest, "nsnew.", 6)) {
    d->kind = NATIVE_TEMP;
    return 0;
  }
  if (!strncmp(rest, "ns.", 3)) {
    const char *id = rest + 3, *slash = strchr(id, '/');
    size_t len = slash ? (size_t)(slash - id) : strlen(id);
    if (len == 0 || len > KOBJNS__NS_ID_MAX || memchr(id, '\\', len)) return 0;
    memcpy(d->ns, id, len);
    d->ns[len] = '\0';
    if (!slash) {
      d->kind = NATIVE_PRIVATE;
      return 0;
    }
    if (strncmp(slash + 1, prefix, prefix_len) || strncmp(slash + 1 + prefix_len, "p.", 2))
      return 0;                   /* not an object's name: no path for it */
    end = slash + prefix_len + 2; /* the '.' before the leaf */
    goto leaf;
  }
  if (!strncmp(rest, "session.", 8)) {
    if (parse_session(rest + 8, &end, &d->session) && !*end) d->kind = NATIVE_SESSION;
    return 0;
  }
  if (rest[0] == 'g' && rest[1] == '.') {
    end = rest + 1;
  } else if (rest[0] != 's' || !parse_session(rest + 1, &end, &d->session) || *end != '.' ||
             d->session == 0) {
    return 0;
  }
leaf:;
  const char *leaf = end + 1;
  d->kind = NATIVE_NAMED;
  if (leaf[0] == '#') {
    d->hashed = true;
    return 0;
  }
  size_t len = strlen(leaf);
  d->leaf = malloc(len + 1);
  if (!d->leaf) return KOBJNS_NOT_ENOUGH_MEMORY;
  for (size_t i = 0; i < len; i++) {
    int hi, lo;
    if (leaf[i] == '%' && i + 2 < len && (hi = hex_digit(leaf[i + 1])) >= 0 &&
        (lo = hex_digit(leaf[i + 2])) >= 0) {
      d->leaf[d->leaf_len++] = (char)(hi << 4 | lo);
      i += 2;
    } else {
      d->leaf[d->leaf_len++] = leaf[i];
    }
  }
  d->leaf[d->leaf_len] = '\0';
  return 0;
}

/* --- describing ----------------------------------------------------------------------------- */

typedef struct describer {
  const kobjns__tree *tree; /* the tree of names looked at */
  lock_table locks;
  lock_table second;         /* listing: one more reading, for every "no holder" seen */
  struct timespec second_at; /* when it was read (0: not yet) */
  int *pids;                 /* scratch for one object's holders */
  size_t pids_capacity;
  bool confirm;  /* one object asked for: confirm every count, not only "no holder" */
  bool sees_all; /* the lock table shows every process's locks (kobjns__plat_sees_every_holder) */
} describer;

static bool changed_since(const struct stat *st, const struct timespec *t) {
  return st->st_ctim.tv_sec > t->tv_sec ||
         (st->st_ctim.tv_sec == t->tv_sec && st->st_ctim.tv_nsec >= t->tv_nsec);
}

/* Listing (ls, gc --dry-run): "no holder" in the first reading is checked against a second one,
 * read once per run (for 10 000 stale objects among 10 000 live ones, a reading per object made
 * a listing take minutes, and every open on the machine waited for the kernel's lock list
 * meanwhile), and again only for an object changed since that reading. */
static int confirm_no_holder(describer *ds, const struct stat *st, const held **e, size_t *n) {
  if ((!ds->second_at.tv_sec && !ds->second_at.tv_nsec) || changed_since(st, &ds->second_at)) {
    free(ds->second.entries);
    ds->second = (lock_table){0};
    clock_gettime(CLOCK_REALTIME, &ds->second_at);
    int rc = lock_table_read(&ds->second);
    if (rc) return rc;
  }
  if (!ds->second.known) return 0; /* the table went away: keep the reading we have */
  size_t m;
  const held *f = lock_table_find(&ds->second, st, &m);
  if (m > *n) *e = f, *n = m;
  return 0;
}

/* The lock table (Linux: /proc/locks) comes in page-sized reads, and locks taken or dropped between
 * two of them can make an entry appear twice or not at all. So the count of the one object asked
 * for is read again until two readings agree (the sweep itself never relies on it). An entry seen
 * proves a holder; one missed proves nothing: "none" stands only after CONFIRM_READINGS readings
 * that all missed it, a pause apart (under the stress test's churn of thousands of locks, two and
 * then five readings in a row missed a live handle's lock: the i386 leg's ls, the cli suite's
 * explain). Never a probe with a lock of our own: an opener that met it would wait for it, then
 * take the dead object for a live one. */
#define CONFIRM_READINGS 12
#define CONFIRM_PAUSE_NS 2000000L
static int confirm_holders(describer *ds, const struct stat *st, const held **e, size_t *n) {
  if (!ds->confirm) return confirm_no_holder(ds, st, e, n);
  for (int attempt = 0; attempt < CONFIRM_READINGS; attempt++) {
    if (attempt && *n == 0) /* none so far: let the churn that hid a holder pass */
      nanosleep(&(struct timespec){.tv_nsec = CONFIRM_PAUSE_NS}, NULL);
    lock_table again;
    int rc = lock_table_read(&again);
    if (rc || !again.known) return rc; /* the table went away: keep the reading we have */
    size_t m;
    const held *f = lock_table_find(&again, st, &m);
    bool agree = m == *n && m > 0;
    if (m == 0 && *n > 0) { /* missed: the reading that saw holders stands */
      free(again.entries);
      continue;
    }
    free(ds->locks.entries);
    ds->locks = again;
    *e = f;
    *n = m;
    if (agree) break;
  }
  return 0;
}

static char *path_of_name(const decoded *d) {
  kobjns__name n = {.session = d->session, .leaf = d->leaf, .leaf_len = d->leaf_len};
  memcpy(n.ns, d->ns, sizeof n.ns);
  size_t len = kobjns__path_len(&n);
  char *path = malloc(len + 1);
  if (!path) return NULL;
  kobjns__path_write(&n, path);
  path[len] = '\0';
  return path;
}

static char *session_path(uint32_t session) {
  char *path = malloc(24);
  if (path) snprintf(path, 24, "\\Sessions\\%u", (unsigned)session);
  return path;
}

enum header_kind {
  HEADER_UNREAD,   /* the caller may not read the file */
  HEADER_OURS,     /* a kobjns header, for the very name the file has */
  HEADER_FOREIGN,  /* readable, but not a kobjns object of that name: corrupt or planted */
  HEADER_NO_MEMORY /* not judged: no memory for the path it records (8, never "corrupt") */
};

/* The header and the canonical path it records. A header is believed only if it is well formed
 * and names the file it is in: anyone may write a file under the tree's prefix. */
static enum header_kind read_described_header(const kobjns__tree *t, int fd, const struct stat *st,
                                              const char *name, const decoded *d, kobjns__header *h,
                                              kobjns__sd *sd, char **path) {
  *path = NULL;
  if (fd < 0) return HEADER_UNREAD;
  if (st->st_size < (off_t)sizeof *h || pread(fd, h, sizeof *h, 0) != (ssize_t)sizeof *h ||
      h->magic != KOBJNS__MAGIC || h->version != KOBJNS__HEADER_VERSION)
    return HEADER_FOREIGN;
  if (h->type == KOBJNS_TYPE_SESSION) {
    if (d->kind != NATIVE_SESSION || d->session != h->creator_session) return HEADER_FOREIGN;
    *path = session_path(h->creator_session);
    return *path ? HEADER_OURS : HEADER_NO_MEMORY;
  }
  if (!kobjns__type_is_object((kobjns_type)h->type) || !kobjns__section_header_valid(h, st, sd))
    return HEADER_FOREIGN;
  *path = malloc((size_t)h->path_len + 1);
  if (!*path) return HEADER_NO_MEMORY;
  kobjns__name n;
  char native[KOBJNS__NATIVE_MAX + 1];
  bool ours = pread(fd, *path, h->path_len, sizeof *h) == (ssize_t)h->path_len;
  if (ours) {
    (*path)[h->path_len] = '\0';
    ours = strlen(*path) == h->path_len && kobjns__path_parse(*path, &n);
  }
  if (ours) {
    kobjns__native_name(t, &n, native);
    ours = !strcmp(native, name);
  }
  if (ours) return HEADER_OURS;
  free(*path);
  *path = NULL;
  return HEADER_FOREIGN;
}

/* The bytes of the object whose name file is `fd` (-1: unreadable), for its header: `fd` itself,
 * or, where objects are apart from their names, a descriptor of the shm object (-1 when it
 * cannot be read: gone, or not the caller's to read), its stat in *bytes_st. */
static int bytes_of(int fd, struct stat *bytes_st) {
  int bytes;
  if (fd < 0 || kobjns__object_data(fd, bytes_st, &bytes)) return -1;
  return bytes;
}

/* Who holds the file `st` (an object, a namespace's record), from the lock table: o->handles,
 * o->pids and o->stale. 0, or a status. */
static int holders(describer *ds, const struct stat *st, kobjns_object *o) {
  if (!ds->locks.known) return 0; /* o->stale stays -1: cannot be told */
  size_t n;
  const held *e = lock_table_find(&ds->locks, st, &n);
  int rc;
  if ((n == 0 || ds->confirm) && (rc = confirm_holders(ds, st, &e, &n))) return rc;
  if (n > ds->pids_capacity) {
    int *more = realloc(ds->pids, n * sizeof *more);
    if (!more) return KOBJNS_NOT_ENOUGH_MEMORY;
    ds->pids = more;
    ds->pids_capacity = n;
  }
  o->handles = n;
  for (size_t i = 0; i < n; i++) /* sorted by pid: keep the first of each */
    if (i == 0 || e[i].pid != e[i - 1].pid) ds->pids[o->pid_count++] = e[i].pid;
  o->pids = ds->pids;
  o->stale = n ? 0 : ds->sees_all ? 1 : -1; /* in a container, "none seen" proves nothing */
  return 0;
}

/* Describe the object `name` in the shm directory (its name file open as `fd`, or -1 when the
 * caller may not read it; `st` its stat) and hand it to fn. `removed`: the sweep has just removed
 * it (objects apart from their names: with their bytes, so its header is not read). */
static int describe(describer *ds, const char *name, const char *rest, int fd,
                    const struct stat *st, bool removed, kobjns_object_fn fn, void *arg) {
  decoded d;
  char prefix[KOBJNS__TREE_PREFIX_MAX];
  size_t prefix_len = kobjns__tree_prefix(ds->tree, prefix);
  int rc = decode_native(prefix, prefix_len, rest, &d);
  if (rc) return rc;
  kobjns__header h;
  kobjns__sd sd;
  char *path = NULL;
  struct stat bytes_st = *st;
  int bytes = removed && kobjns__objects_apart() ? -1 : bytes_of(fd, &bytes_st);
  enum header_kind kind =
      read_described_header(ds->tree, bytes, &bytes_st, name, &d, &h, &sd, &path);
  if (kind == HEADER_NO_MEMORY) {
    if (bytes >= 0 && bytes != fd) close(bytes);
    free(d.leaf);
    return KOBJNS_NOT_ENOUGH_MEMORY;
  }
  bool header_read = kind == HEADER_OURS;
  kobjns_type type = KOBJNS_TYPE_OBJECT;
  kobjns_object o = {.session = d.session,
                     .header_read = header_read,
                     .owner = (uint32_t)bytes_st.st_uid,
                     .mode = (uint32_t)(bytes_st.st_mode & 07777),
                     .stale = -1};
  char sddl[2048] = "", state[64] = "";
  if (kind == HEADER_FOREIGN && d.kind != NATIVE_TEMP) {
    type = KOBJNS_TYPE_UNKNOWN; /* not kobjns's: an open of that name answers 1392 or 6 */
    if (d.kind == NATIVE_NAMED && !d.hashed) path = path_of_name(&d);
    if (d.kind == NATIVE_SESSION) path = session_path(d.session);
  } else if (header_read && h.type == KOBJNS_TYPE_SESSION) {
    type = KOBJNS_TYPE_SESSION;
    o.session = h.creator_session;
  } else if (header_read) {
    type = (kobjns_type)h.type; /* read_described_header checked it */
    if (type == KOBJNS_TYPE_SECTION) {
      o.size = h.size;
      o.read_only = (h.flags & KOBJNS__FLAG_READ_ONLY) != 0;
    } else {
      kobjns__sync_describe(bytes, h.header_size, h.type, state, sizeof state);
    }
    /* At most 32 ACEs: always fits. GA, GR, ... are the type's own rights. */
    kobjns__sddl_format_as(kobjns__type(type)->mapping, &sd, sddl, sizeof sddl);
  } else if (d.kind == NATIVE_SESSION) {
    type = KOBJNS_TYPE_SESSION;
    path = session_path(d.session);
  } else if (d.kind == NATIVE_TEMP) {
    type = KOBJNS_TYPE_TEMPORARY; /* a creator's unpublished file (no unnamed files) */
  } else if (d.kind == NATIVE_NAMED && !d.hashed) {
    /* Another user's object: its name says where it is, only its header what it is ("Object"),
     * and its size is not worth guessing (a section's file is its header and its pages, a sync
     * object's its header and its state). */
    path = path_of_name(&d);
  }
  if (bytes >= 0 && bytes != fd) close(bytes);
  o.object_type = type;
  o.type = kobjns__type(type)->name;
  free(d.leaf);
  o.path = path ? path : "";
  o.sddl = sddl;
  o.state = state;
  char native[64 + KOBJNS__NATIVE_MAX + 1];
  snprintf(native, sizeof native, "%s/%s", kobjns__plat_shm_path(), name);
  o.native = native;
  if (removed)
    o.stale = 1;
  else if ((rc = holders(ds, st, &o))) {
    free(path);
    return rc;
  }
  rc = fn(&o, arg);
  free(path);
  return rc;
}

/* --- private namespaces: a directory of the object directory each ---------------------------- */

/* What a namespace's record says (kobjns__namespace_look_at). Its words: a state, an alias and a
 * boundary name of up to 768 bytes each, 32 SIDs. */
typedef struct ns_look {
  int status; /* 0: a record kobjns made; 2 none; 5 the kernel keeps us out; 1392 not one */
  int fd;     /* the record, read-only (-1: none) */
  struct stat st;
  kobjns__sd sd;
  char words[3072];
} ns_look;

/* Look at the namespace directory `name` (its id `id`, its stat `st`): 0 with *l (l->fd to
 * close), or 4 or 8. With `words`, what the record says too, for a description; without, no
 * account database is asked (the background sweep runs inside other calls: no NSS lookups). */
static int look_at(const char *name, const char *id, const struct stat *st, bool words,
                   ns_look *l) {
  l->words[0] = '\0';
  l->status = kobjns__namespace_look_at(kobjns__shm_dir(), name, id, st, &l->fd, &l->st, &l->sd,
                                        words ? l->words : NULL, sizeof l->words);
  if (l->status == 0 || l->status == KOBJNS_FILE_NOT_FOUND || l->status == KOBJNS_ACCESS_DENIED ||
      l->status == KOBJNS_FILE_CORRUPT)
    return 0;
  if (l->fd >= 0) close(l->fd);
  l->fd = -1;
  return l->status;
}

/* Describe the namespace directory `name` ("Directory", "\PrivateNamespaces\<id>") from what
 * its stat `st` and its record `l` say, and hand it to fn. `removed`: the sweep just removed it. */
static int describe_namespace(describer *ds, const char *name, const char *id,
                              const struct stat *st, const ns_look *l, bool removed,
                              kobjns_object_fn fn, void *arg) {
  char path[sizeof "\\PrivateNamespaces\\" + KOBJNS__NS_ID_MAX], sddl[2048] = "";
  snprintf(path, sizeof path, "\\PrivateNamespaces\\%s", id);
  const char *words = "";
  if (l->status == 0) {
    words = l->words;
    /* At most 32 ACEs: always fits. GA, GR, ... are directory rights. */
    kobjns__sddl_format_as(kobjns__type(KOBJNS_TYPE_DIRECTORY)->mapping, &l->sd, sddl, sizeof sddl);
  } else if (l->status == KOBJNS_FILE_NOT_FOUND) {
    words = "closed (no handle holds it): it goes with the last object in it";
  } else if (l->status == KOBJNS_FILE_CORRUPT) {
    words = "not a namespace kobjns made: its record is corrupt, or not its owner's";
  }
  kobjns_object o = {.path = path,
                     .type = kobjns__type(KOBJNS_TYPE_DIRECTORY)->name,
                     .object_type = KOBJNS_TYPE_DIRECTORY,
                     .header_read = l->status == 0,
                     .owner = (uint32_t)st->st_uid,
                     .mode = (uint32_t)(st->st_mode & 07777),
                     .sddl = sddl,
                     .state = words,
                     .stale = -1};
  char native[64 + KOBJNS__NATIVE_MAX + 1];
  snprintf(native, sizeof native, "%s/%s", kobjns__plat_shm_path(), name);
  o.native = native;
  int rc;
  if (removed || (l->fd < 0 && l->status == KOBJNS_FILE_NOT_FOUND))
    o.stale = 1; /* no record: nothing can hold it */
  else if (l->fd >= 0 && (rc = holders(ds, &l->st, &o)))
    return rc; /* its handles are its record's locks */
  return fn(&o, arg);
}

typedef int (*visit_fn)(describer *ds, const char *name, const char *rest, void *state);

/* Every entry of the namespace directory `dir` of the tree `t` whose name is the tree's to
 * `visit`, as "<dir>/<entry>"; *entries counts every entry but its record. A directory the
 * caller may not read has nothing to visit (never a failure: its Directory entry says so). */
static int walk_inside(const kobjns__tree *t, describer *ds, const char *dir, visit_fn visit,
                       void *state, size_t *entries) {
  int fd = openat(kobjns__shm_dir(), dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
  DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
  if (!d) {
    int err = errno;
    if (fd >= 0) close(fd);
    return err == EMFILE || err == ENFILE || err == ENOMEM ? kobjns__status_from_errno(err) : 0;
  }
  char prefix[KOBJNS__TREE_PREFIX_MAX];
  size_t prefix_len = kobjns__tree_prefix(t, prefix);
  int rc = 0;
  for (struct dirent *e; !rc && (e = readdir(d));) {
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") ||
        !strcmp(e->d_name, KOBJNS__NS_RECORD))
      continue;
    (*entries)++;
    char name[KOBJNS__NATIVE_MAX + 1];
    int n = snprintf(name, sizeof name, "%s/%s", dir, e->d_name);
    if (!strncmp(e->d_name, prefix, prefix_len) && n > 0 && (size_t)n < sizeof name)
      rc = visit(ds, name, name + prefix_len, state);
  }
  closedir(d);
  return rc;
}

/* Whether `rest` (after the tree's prefix) names a namespace's directory, "ns.<id>": its id, and
 * the directory's stat in *st; NULL when it is not one (a file of that name is listed as any). */
static const char *namespace_dir(const char *name, const char *rest, struct stat *st) {
  if (strncmp(rest, "ns.", 3) || strchr(rest, '/') || strlen(rest + 3) > KOBJNS__NS_ID_MAX ||
      fstatat(kobjns__shm_dir(), name, st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISDIR(st->st_mode))
    return NULL;
  return rest + 3;
}

static int describer_init(describer *ds, const kobjns__tree *t) {
  *ds = (describer){.tree = t, .sees_all = kobjns__plat_sees_every_holder()};
  return lock_table_read(&ds->locks);
}

static void describer_free(describer *ds) {
  free(ds->locks.entries);
  free(ds->second.entries);
  free(ds->pids);
}

/* Open `name` for reading its header and describe what it is: 0 with *fd (-1 when the caller may
 * not read it) and *st, 2 when it is gone, 6 when it is not a regular file (not one of ours), 4
 * or 8 when the process is out of descriptors or memory. */
static int open_for_reading(const char *name, int *fd, struct stat *st) {
  *fd = openat(kobjns__shm_dir(), name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);
  int err = *fd < 0 ? errno : 0;
  if (err == EMFILE || err == ENFILE || err == ENOMEM) return kobjns__status_from_errno(err);
  if (err == ENOENT) return KOBJNS_FILE_NOT_FOUND;
  bool ok = *fd >= 0 ? fstat(*fd, st) == 0
                     : fstatat(kobjns__shm_dir(), name, st, AT_SYMLINK_NOFOLLOW) == 0;
  if (ok && S_ISREG(st->st_mode)) return 0;
  if (*fd >= 0) close(*fd);
  *fd = -1;
  return ok || errno != ENOENT ? KOBJNS_INVALID_HANDLE : KOBJNS_FILE_NOT_FOUND;
}

/* --- walking the tree ----------------------------------------------------------------------- */

/* Every entry of the tree to `visit`; with `sweep_platform`, the platform's own files of the
 * directory are swept on the way (`dry_run`: judged only). */
static int walk(describer *ds, visit_fn visit, void *state, bool sweep_platform, bool dry_run) {
  int dir = openat(kobjns__shm_dir(), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  DIR *d = dir >= 0 ? fdopendir(dir) : NULL;
  if (!d) {
    int rc = kobjns__status_from_errno(errno);
    if (dir >= 0) close(dir);
    return rc;
  }
  char prefix[KOBJNS__TREE_PREFIX_MAX];
  size_t prefix_len = kobjns__tree_prefix(ds->tree, prefix);
  int rc = 0;
  for (struct dirent *e; !rc && (e = readdir(d));)
    if (!strncmp(e->d_name, prefix, prefix_len))
      rc = visit(ds, e->d_name, e->d_name + prefix_len, state);
    else if (sweep_platform)
      (void)kobjns__plat_sweep_file(dir, e->d_name, dry_run);
  closedir(d);
  return rc;
}

typedef struct callback {
  kobjns_object_fn fn;
  void *arg;
  bool dry_run;
  size_t *removed;
  const kobjns__tree *tree;
  bool in_namespace; /* the entries of a namespace's directory, owned by dir_owner */
  uid_t dir_owner;
} callback;

static int list_one(describer *ds, const char *name, const char *rest, void *state) {
  callback *cb = state;
  /* Not objects yet (gc reports dead creators' ones). */
  if (!strncmp(rest, "tmp.", 4) || !strncmp(rest, "nsnew.", 6)) return 0;
  struct stat st;
  const char *id = namespace_dir(name, rest, &st);
  if (id) { /* the namespace, then the objects in it */
    ns_look l;
    int rc = look_at(name, id, &st, true, &l);
    if (rc) return rc;
    rc = describe_namespace(ds, name, id, &st, &l, false, cb->fn, cb->arg);
    if (l.fd >= 0) close(l.fd);
    size_t entries = 0;
    return rc ? rc : walk_inside(ds->tree, ds, name, list_one, cb, &entries);
  }
  int fd, rc = open_for_reading(name, &fd, &st);
  if (rc == KOBJNS_FILE_NOT_FOUND || rc == KOBJNS_INVALID_HANDLE) return 0; /* gone; not ours */
  if (rc) return rc;
  rc = describe(ds, name, rest, fd, &st, false, cb->fn, cb->arg);
  if (fd >= 0) close(fd);
  return rc;
}

static int object_list(const kobjns__tree *t, kobjns_object_fn fn, void *arg) {
  describer ds;
  int rc = describer_init(&ds, t);
  if (rc) return rc;
  callback cb = {.fn = fn, .arg = arg, .tree = t};
  rc = walk(&ds, list_one, &cb, false, false);
  describer_free(&ds);
  return rc;
}

/* What the described object is, for query: the objects an open would not take are refused with
 * the open's status rather than described. */
typedef struct query_state {
  kobjns_object_fn fn;
  void *arg;
  int refused;
} query_state;

static int query_one(const kobjns_object *o, void *arg) {
  query_state *q = arg;
  if (o->object_type == KOBJNS_TYPE_UNKNOWN) { /* corrupt or planted: an open answers 1392 */
    q->refused = KOBJNS_FILE_CORRUPT;
    return 0;
  }
  return q->fn(o, q->arg);
}

static int object_query(const kobjns__tree *t, const kobjns__name *n, kobjns_object_fn fn,
                        void *arg) {
  char name[KOBJNS__NATIVE_MAX + 1], prefix[KOBJNS__TREE_PREFIX_MAX];
  kobjns__native_name(t, n, name);
  size_t prefix_len = kobjns__tree_prefix(t, prefix);
  struct stat st;
  int fd, rc = open_for_reading(name, &fd, &st);
  if (rc) return rc;
  describer ds;
  if (!(rc = describer_init(&ds, t))) {
    ds.confirm = true;
    query_state q = {fn, arg, 0};
    rc = describe(&ds, name, name + prefix_len, fd, &st, false, query_one, &q);
    if (!rc) rc = q.refused;
    describer_free(&ds);
  }
  if (fd >= 0) close(fd);
  return rc;
}

/* --- the sweep ------------------------------------------------------------------------------ */

/* Whether this process may remove `st`'s name from the sticky shm directory, or from the sticky
 * directory of a namespace (whose owner may remove every name in it). */
static bool may_remove(const callback *cb, const struct stat *st) {
  uid_t me = geteuid();
  return me == 0 || st->st_uid == me || (cb->in_namespace && cb->dir_owner == me);
}

/* Judged from the lock table, as `ls` does (a real run decides by taking the lock): whether the
 * file `st` has no holder. Where the table cannot show every holder, "none seen" proves nothing. */
static int no_holder_seen(describer *ds, const struct stat *st, bool *none) {
  size_t n = 1;
  const held *e;
  int rc = 0;
  if (ds->locks.known && ds->sees_all && (e = lock_table_find(&ds->locks, st, &n), n == 0))
    rc = confirm_holders(ds, st, &e, &n);
  *none = !rc && n == 0;
  return rc;
}

/* How long a namespace's unfinished directory ("nsnew.") is left to its creator: it is made, then
 * its record, which the creator locks at once; only a creator stopped (or dead) for this long
 * between those steps could lose it. */
#define UNFINISHED_GRACE_S 30

/* "kobjns.<root>.nsnew.<instance>": a namespace whose creator died before giving it its name
 * (its record unlocked, or never made), removed with its record. */
static int sweep_unfinished(describer *ds, const char *name, const char *rest, callback *cb) {
  int shm = kobjns__shm_dir();
  struct stat st;
  struct timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  if (fstatat(shm, name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISDIR(st.st_mode) ||
      !may_remove(cb, &st) || now.tv_sec - st.st_mtim.tv_sec < UNFINISHED_GRACE_S)
    return 0;
  char record[KOBJNS__NATIVE_MAX + 1];
  snprintf(record, sizeof record, "%s/%s", name, KOBJNS__NS_RECORD);
  int fd = openat(shm, record, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);
  bool gone = false;
  int rc = 0;
  struct stat held_st, named;
  if (fd < 0) {
    if (errno != ENOENT) return 0;
    gone = cb->dry_run || unlinkat(shm, name, AT_REMOVEDIR) == 0;
  } else if (fstat(fd, &held_st) == 0 && cb->dry_run) {
    rc = no_holder_seen(ds, &held_st, &gone);
  } else if (fstat(fd, &held_st) == 0 && flock(fd, LOCK_EX | LOCK_NB) == 0) {
    /* Unlocked: its creator is gone. Still that record under that name? */
    gone = fstatat(shm, record, &named, AT_SYMLINK_NOFOLLOW) == 0 &&
           named.st_ino == held_st.st_ino && named.st_dev == held_st.st_dev &&
           unlinkat(shm, record, 0) == 0;
    if (gone) (void)unlinkat(shm, name, AT_REMOVEDIR);
  }
  if (fd >= 0) close(fd);
  if (rc || !gone) return rc;
  (*cb->removed)++;
  return cb->fn ? describe(ds, name, rest, -1, &st, true, cb->fn, cb->arg) : 0;
}

static int sweep_one(describer *ds, const char *name, const char *rest, void *state);

/* A namespace's directory: the stale objects in it, then the namespace itself when no handle
 * holds its record (the record, and the directory once empty); a closed one's directory once
 * empty. Never what a handle holds. */
static int sweep_namespace(describer *ds, const char *name, const char *id, const struct stat *st,
                           callback *cb) {
  callback inside = *cb;
  inside.in_namespace = true;
  inside.dir_owner = st->st_uid;
  size_t before = *cb->removed, entries = 0;
  int rc = walk_inside(cb->tree, ds, name, sweep_one, &inside, &entries);
  if (rc) return rc;
  size_t remaining = entries - (*cb->removed - before);
  ns_look l;
  if ((rc = look_at(name, id, st, cb->fn != NULL, &l))) return rc;
  bool gone = false;
  if (l.status == KOBJNS_ACCESS_DENIED) {
    /* not ours to judge: the kernel keeps us out */
  } else if (l.fd < 0) { /* no record: closed; the directory goes once empty */
    gone = l.status == KOBJNS_FILE_NOT_FOUND && remaining == 0 && may_remove(cb, st) &&
           (cb->dry_run || unlinkat(kobjns__shm_dir(), name, AT_REMOVEDIR) == 0);
  } else if (cb->dry_run) {
    rc = no_holder_seen(ds, &l.st, &gone);
    gone = gone && may_remove(cb, &l.st);
  } else {
    gone =
        may_remove(cb, &l.st) && kobjns__namespace_sweep_record(kobjns__shm_dir(), name, l.fd) > 0;
  }
  if (gone) {
    (*cb->removed)++;
    if (cb->fn) rc = describe_namespace(ds, name, id, st, &l, true, cb->fn, cb->arg);
  }
  if (l.fd >= 0) close(l.fd);
  return rc;
}

static int sweep_one(describer *ds, const char *name, const char *rest, void *state) {
  callback *cb = state;
  struct stat st;
  if (!strncmp(rest, "nsnew.", 6)) return sweep_unfinished(ds, name, rest, cb);
  const char *id = namespace_dir(name, rest, &st);
  if (id) return sweep_namespace(ds, name, id, &st, cb);
  if (!strncmp(rest, "tmp.", 4) && kobjns__objects_apart()) {
    /* A guard of bytes without a name: judged by its lock, removed with its bytes. */
    if (fstatat(kobjns__shm_dir(), name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !may_remove(cb, &st) ||
        kobjns__object_remove_guard(name, cb->dry_run) <= 0)
      return 0;
    (*cb->removed)++;
    return cb->fn ? describe(ds, name, rest, -1, &st, true, cb->fn, cb->arg) : 0;
  }
  if (!strncmp(rest, "tmp.", 4)) {
    if (!kobjns__temp_creator_died(rest + 4) ||
        fstatat(kobjns__shm_dir(), name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !may_remove(cb, &st))
      return 0;
    if (!cb->dry_run && unlinkat(kobjns__shm_dir(), name, 0) < 0) return 0;
    (*cb->removed)++;
    return cb->fn ? describe(ds, name, rest, -1, &st, true, cb->fn, cb->arg) : 0;
  }
  /* Stale when nobody holds a lock, the test openers make (an object we cannot read is another
   * user's, and not ours to judge). */
  int fd, rc = open_for_reading(name, &fd, &st);
  if (rc == KOBJNS_FILE_NOT_FOUND || rc == KOBJNS_INVALID_HANDLE) return 0;
  if (rc || fd < 0) return rc;
  bool gone = false;
  if (cb->dry_run) {
    /* Judged from the lock table, as `ls` does (a real run decides by taking the lock); where
     * the table cannot show every holder, "none seen" proves nothing. */
    size_t n = 1;
    const held *e;
    if (ds->locks.known && ds->sees_all && (e = lock_table_find(&ds->locks, &st, &n), n == 0) &&
        (rc = confirm_holders(ds, &st, &e, &n))) {
      close(fd);
      return rc;
    }
    gone = n == 0 && may_remove(cb, &st);
  } else {
    gone = kobjns__object_remove_stale(fd, name) > 0;
  }
  if (gone) {
    (*cb->removed)++;
    if (cb->fn) rc = describe(ds, name, rest, fd, &st, true, cb->fn, cb->arg);
  }
  close(fd);
  return rc;
}

static int cleanup(const kobjns__tree *t, bool dry_run, kobjns_object_fn fn, void *arg,
                   size_t *removed) {
  describer ds;
  int rc = describer_init(&ds, t);
  if (rc) return rc;
  callback cb = {.fn = fn, .arg = arg, .dry_run = dry_run, .removed = removed, .tree = t};
  rc = walk(&ds, sweep_one, &cb, true, dry_run);
  describer_free(&ds);
  return rc;
}

/* --- reclaim in the background of ordinary use ----------------------------------------------- */

/* What processes that died left (stale objects of the tree, their creators' unpublished files)
 * is removed a little at a time by the creates and opens of every process that uses the tree:
 * at most every RECLAIM_PERIOD_MS, one of them goes on through the directory from where the last
 * step stopped, looking at RECLAIM_BATCH entries (an open and a lock probe each; a held object is
 * left alone). So a crashed process's objects go within seconds of anyone's activity, without a
 * scan in any one call, and without waiting for /dev/shm to fill (docs/reliability.md). */
#define RECLAIM_PERIOD_MS 50
#define RECLAIM_BATCH 64

static pthread_mutex_t reclaim_lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t reclaim_next_ns; /* atomic: when the next step is due (CLOCK_MONOTONIC) */
static long reclaim_at; /* where the last step stopped (telldir), under reclaim_lock; 0: start */

/* A forked child starts with a lock of its own (it may have been held by a thread the child does
 * not have). */
static pthread_once_t reclaim_once = PTHREAD_ONCE_INIT;
static void reclaim_in_child(void) { reclaim_lock = (pthread_mutex_t)PTHREAD_MUTEX_INITIALIZER; }
static void reclaim_fork_handler(void) { pthread_atfork(NULL, NULL, reclaim_in_child); }

static uint64_t monotonic_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

void kobjns__reclaim_step(const kobjns__tree *t) {
  uint64_t now = monotonic_ns();
  if (now < __atomic_load_n(&reclaim_next_ns, __ATOMIC_RELAXED)) return; /* one clock read */
  pthread_once(&reclaim_once, reclaim_fork_handler);
  if (pthread_mutex_trylock(&reclaim_lock)) return; /* another thread is at it */
  if (now >= __atomic_load_n(&reclaim_next_ns, __ATOMIC_RELAXED) && kobjns__shm_dir_hold() >= 0) {
    __atomic_store_n(&reclaim_next_ns, now + RECLAIM_PERIOD_MS * 1000000ull, __ATOMIC_RELAXED);
    /* The directory is opened for the step only (no descriptor is kept between calls), and the
     * step goes on from where the last one stopped: an entry removed meanwhile may make it skip
     * a few, which the next round through finds. */
    int dir = openat(kobjns__shm_dir(), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR *d = dir >= 0 ? fdopendir(dir) : NULL;
    if (!d && dir >= 0) close(dir);
    if (d) {
      if (reclaim_at) seekdir(d, reclaim_at);
      char prefix[KOBJNS__TREE_PREFIX_MAX];
      size_t prefix_len = kobjns__tree_prefix(t, prefix), removed = 0;
      callback cb = {.removed = &removed, .tree = t};
      struct dirent *e = NULL;
      for (int n = 0; n < RECLAIM_BATCH && (e = readdir(d)); n++)
        if (!strncmp(e->d_name, prefix, prefix_len))
          (void)sweep_one(NULL, e->d_name, e->d_name + prefix_len, &cb);
        else /* what the platform's threads of ended processes left (wake-up sockets) */
          (void)kobjns__plat_sweep_file(dir, e->d_name, false);
      reclaim_at = e ? telldir(d) : 0; /* at the end: the next step starts again */
      closedir(d);
    }
    kobjns__shm_dir_drop();
  }
  pthread_mutex_unlock(&reclaim_lock);
}

/* --- the entry points: each holds the shm directory while it runs (see object.h) ------------- */

int kobjns__os_object_list(const kobjns_ctx *ctx, kobjns_object_fn fn, void *arg) {
  if (kobjns__shm_dir_hold() < 0) return kobjns__status_from_errno(EBADF);
  int rc = object_list(&ctx->os.tree, fn, arg);
  kobjns__shm_dir_drop();
  return rc;
}

int kobjns__os_object_query(const kobjns_ctx *ctx, const kobjns__name *n, kobjns_object_fn fn,
                            void *arg) {
  if (kobjns__shm_dir_hold() < 0) return kobjns__status_from_errno(EBADF);
  int rc = object_query(&ctx->os.tree, n, fn, arg);
  kobjns__shm_dir_drop();
  return rc;
}

int kobjns__os_cleanup(const kobjns_ctx *ctx, bool dry_run, kobjns_object_fn fn, void *arg,
                       size_t *removed) {
  if (kobjns__shm_dir_hold() < 0) return kobjns__status_from_errno(EBADF);
  int rc = cleanup(&ctx->os.tree, dry_run, fn, arg, removed);
  kobjns__shm_dir_drop();
  return rc;
}

int kobjns__os_access_check(const kobjns_ctx *ctx, const kobjns__sd *sd, uint32_t owner,
                            unsigned desired) {
  return kobjns__access_check(sd, owner, &ctx->token, desired);
}
