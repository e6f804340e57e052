/* Security between users (root only: children run as other uids). The design's rule: what
 * protects one user from another rests on what the kernel enforces (file owner, mode bits, the
 * sticky /dev/shm), never on what a process says about itself. So every case is tried twice:
 * through the library, and with plain system calls on the file in /dev/shm, as the other user.
 *
 * Users: A owns the objects, B attacks them, C is another user in the group of A's files. A root
 * service is a root process in session 0 (in-process, or a root child when a call could hang: a
 * child's reply is awaited with a time limit, so a hang fails the test, never the suite). */
#include "kt.h"

#ifndef _WIN32 /* other users are POSIX uids: KT_NEEDS_ROOT, which Windows never has */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "object.h"

#define USER_A 61001
#define USER_B 61002
#define USER_C 61003 /* uid and gid; A's files are given this group (descriptor_matrix) */
#define RW "0x2"
#define RD "0x4"
/* Longer than any wait the library documents (2 s for a lock held by someone else). */
#define BOUND_MS 10000
#define TIMED_OUT (-2000)

/* --- helpers ---------------------------------------------------------------------------------- */

static long now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* The reply to a command already sent, within BOUND_MS; else the child is killed (it hung). */
static int recv_within(kt_proc *p, char *reply, size_t size) {
  if (!p->from) return TIMED_OUT;
  struct pollfd pfd = {.fd = fileno(p->from), .events = POLLIN};
  int r;
  do r = poll(&pfd, 1, BOUND_MS);
  while (r < 0 && errno == EINTR);
  if (r <= 0) {
    fprintf(stderr, "\n  child %ld gave no reply within %d ms: killed\n", p->pid, BOUND_MS);
    kt_kill(p);
    return TIMED_OUT;
  }
  return kt_recv(p, reply, size);
}

static int cmd_within(kt_proc *p, char *reply, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int cmd_within(kt_proc *p, char *reply, size_t size, const char *fmt, ...) {
  if (!p->to) return TIMED_OUT;
  char line[4096];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(line, sizeof line, fmt, ap);
  va_end(ap);
  kt_send(p, "%s", line);
  return recv_within(p, reply, size);
}

/* kt_wait for a child that may have been killed already. */
static int finish(kt_proc *p) { return p->to ? kt_wait(p) : -1; }

/* Names: a unique leaf, and the native path / canonical path of that leaf in a session's
 * namespace (0: global) without resolving it (the session need not exist). */
static void native_in(uint32_t session, const char *leaf, char *out, size_t size) {
  uint32_t ignored;
  kobjns_ctx_session(NULL, &ignored); /* the process context reads KOBJNS_ROOT */
  kobjns__name n = {.session = session, .leaf = leaf, .leaf_len = strlen(leaf)};
  char native[KOBJNS__NATIVE_MAX + 1];
  kobjns__native_name(kobjns__process_tree(), &n, native);
  snprintf(out, size, "/dev/shm/%s", native);
}

static void canonical_in(uint32_t session, const char *leaf, char *out, size_t size) {
  kobjns__name n = {.session = session, .leaf = leaf, .leaf_len = strlen(leaf)};
  size_t len = kobjns__path_len(&n);
  CU_ASSERT_FATAL(len < size);
  kobjns__path_write(&n, out);
  out[len] = '\0';
}

static void marker_path(uint32_t session, char *out, size_t size) {
  uint32_t ignored;
  kobjns_ctx_session(NULL, &ignored);
  char native[KOBJNS__NATIVE_MAX + 1];
  kobjns__native_session_name(kobjns__process_tree(), session, native);
  snprintf(out, size, "/dev/shm/%s", native);
}

static bool present(const char *path) {
  struct stat st;
  return lstat(path, &st) == 0;
}

/* Files an attacker made by hand: removed at the end of the test (root may remove anything). */
static char planted[32][512];
static int planted_count;

static const char *plant(const char *path) {
  if (planted_count < 32) snprintf(planted[planted_count++], sizeof planted[0], "%.500s", path);
  return path;
}

static void unplant_all(void) {
  for (int i = 0; i < planted_count; i++)
    if (unlink(planted[i]) < 0 && errno == EISDIR) rmdir(planted[i]);
  planted_count = 0;
}

/* Remove what killed children left (stale objects and markers); root removes anyone's. */
static void sweep(void) {
  unplant_all();
  size_t removed = 0;
  KT_OK(kobjns_cleanup(&removed));
}

static int sysctl_value(const char *name) {
  char path[128];
  snprintf(path, sizeof path, "/proc/sys/fs/%s", name);
  FILE *f = fopen(path, "r");
  int v = -1;
  if (f) {
    if (fscanf(f, "%d", &v) != 1) v = -1;
    fclose(f);
  }
  return v;
}

/* The first page of a file (the header) and its stat, to prove nothing changed. */
typedef struct snapshot {
  struct stat st;
  unsigned char head[4096];
  unsigned char data[64]; /* the first user bytes, at header_size */
} snapshot;

static void take(const char *path, snapshot *s) {
  memset(s, 0, sizeof *s);
  int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  CU_ASSERT_FATAL(fd >= 0);
  CU_ASSERT(fstat(fd, &s->st) == 0);
  CU_ASSERT(pread(fd, s->head, sizeof s->head, 0) > 0);
  const kobjns__header *h = (const kobjns__header *)s->head;
  CU_ASSERT(pread(fd, s->data, sizeof s->data, h->header_size) == (ssize_t)sizeof s->data);
  close(fd);
}

static void unchanged(const char *path, const snapshot *before) {
  snapshot now;
  take(path, &now);
  CU_ASSERT_EQUAL(now.st.st_ino, before->st.st_ino);
  CU_ASSERT_EQUAL(now.st.st_size, before->st.st_size);
  CU_ASSERT_EQUAL(now.st.st_mode, before->st.st_mode);
  CU_ASSERT_EQUAL(now.st.st_uid, before->st.st_uid);
  CU_ASSERT_EQUAL(now.st.st_gid, before->st.st_gid);
  CU_ASSERT_EQUAL(now.st.st_nlink, 1);
  CU_ASSERT(memcmp(now.head, before->head, sizeof now.head) == 0);
  CU_ASSERT(memcmp(now.data, before->data, sizeof now.data) == 0);
}

/* --- the kernel's own protections are off here ------------------------------------------------ */

static int protected_hardlinks = -1;

static void kernel_protections(void) {
  /* fs.protected_fifos/regular/symlinks stop some sticky-directory tricks in the kernel itself.
   * Where they are 0 (this machine, many containers), the library's own defences are what the
   * planting tests below exercise. protected_hardlinks decides who may link another's file. */
  const char *names[] = {"protected_fifos", "protected_regular", "protected_symlinks",
                         "protected_hardlinks"};
  for (int i = 0; i < 4; i++) printf(" [fs.%s = %d]", names[i], sysctl_value(names[i]));
  protected_hardlinks = sysctl_value("protected_hardlinks");
  struct stat st;
  CU_ASSERT_EQUAL_FATAL(stat("/dev/shm", &st), 0);
  CU_ASSERT_EQUAL(st.st_mode & 07777, 01777); /* sticky, world-writable: what the rest assumes */
}

/* --- what a descriptor grants, the library gives (or less), and the kernel never more --------- */

enum { OWNER, OTHER, GROUP, USERS }; /* a second process of A, B, C (in the group of the file) */
static const char *const user_names[USERS] = {"owner", "other user", "group member"};

typedef struct row {
  const char *sddl; /* "-": the default */
  bool read_only;   /* created with KOBJNS_MAP_READ: a read-only section */
  mode_t mode;      /* the mode bits docs/posix-backend.md derives */
  /* Per user: what the descriptor (and the section's protection) grants, and what the library
   * gives: "r" an open for read and a read view, "w" an open for write and a write view. */
  const char *grant[USERS];
  const char *lib[USERS];
} row;

/* Where lib is narrower than grant, the kernel refuses what the library would allow: named users
 * and groups, deny ACEs narrowing everyone else, IU (docs/posix-backend.md, Known limits). */
static const row rows[] = {
    {"-", false, 0600, {"rw", "", ""}, {"rw", "", ""}},
    {"D:(A;;GR;;;WD)", false, 0444, {"r", "r", "r"}, {"r", "r", "r"}},
    {"D:(A;;GA;;;WD)", false, 0666, {"rw", "rw", "rw"}, {"rw", "rw", "rw"}},
    {"D:NO_ACCESS_CONTROL", false, 0666, {"rw", "rw", "rw"}, {"rw", "rw", "rw"}},
    {"D:(A;;GA;;;OW)(A;;GR;;;WD)", false, 0644, {"rw", "r", "r"}, {"rw", "r", "r"}},
    {"D:(A;;GA;;;WD)", true, 0444, {"r", "r", "r"}, {"r", "r", "r"}},
    {"D:(D;;GW;;;S-1-22-1-61002)(A;;GA;;;WD)", false, 0644, {"rw", "r", "rw"}, {"rw", "r", "r"}},
    {"D:(A;;GA;;;OW)(A;;GR;;;S-1-22-1-61002)", false, 0600, {"rw", "r", ""}, {"rw", "", ""}},
    {"D:(A;;GA;;;OW)(A;;GR;;;S-1-22-2-61003)", false, 0600, {"rw", "", "r"}, {"rw", "", ""}},
    {"D:(D;;GA;;;S-1-22-2-61003)(A;;GR;;;WD)", false, 0400, {"r", "r", ""}, {"r", "", ""}},
    {"D:(A;;GA;;;S-1-22-1-61002)(D;;GA;;;WD)", false, 0000, {"", "rw", ""}, {"", "", ""}},
    {"D:(A;;GA;;;IU)", false, 0000, {"rw", "rw", "rw"}, {"", "", ""}},
    {"D:", false, 0000, {"", "", ""}, {"", "", ""}},
};
#define ROWS (sizeof rows / sizeof rows[0])

static bool has(const char *s, char c) { return strchr(s, c) != NULL; }

static int check(int got, int want, const row *r, int u, const char *what) {
  if (got != want)
    fprintf(stderr, "\n  %s%s, %s, %s: %d, want %d\n", r->sddl, r->read_only ? " (read-only)" : "",
            user_names[u], what, got, want);
  CU_ASSERT_EQUAL(got, want);
  return got;
}

/* The mode bits that apply to `u`: A's second process is the owner, B is "other", C is in the
 * file's group. */
static unsigned class_bits(mode_t mode, int u) {
  return u == OWNER ? (mode >> 6) & 7 : u == GROUP ? (mode >> 3) & 7 : mode & 7;
}

static void try_user(kt_proc *p, const row *r, int u, const char *name, const char *path,
                     const char *content) {
  const char *lib = r->lib[u], *grant = r->grant[u];
  /* The table itself: the library never gives more than the descriptor. */
  CU_ASSERT(!has(lib, 'r') || has(grant, 'r'));
  CU_ASSERT(!has(lib, 'w') || has(grant, 'w'));
  /* Through the library. */
  char reply[256], want[256];
  if (check(kt_cmd(p, NULL, 0, "open %s " RD, name), has(lib, 'r') ? 0 : KOBJNS_ACCESS_DENIED, r, u,
            "library open for read") == 0) {
    kt_cmd(p, reply, sizeof reply, "read");
    snprintf(want, sizeof want, "0 %s", content);
    CU_ASSERT_STRING_EQUAL(reply, want);
    KT_OK(kt_cmd(p, NULL, 0, "close"));
  }
  int open_rw = has(lib, 'w') || (r->read_only && has(lib, 'r')) ? 0 : KOBJNS_ACCESS_DENIED;
  if (check(kt_cmd(p, NULL, 0, "open %s " RW, name), open_rw, r, u, "library open for write") ==
      0) {
    /* A read-only section: the handle may carry write access, but no write view. (A writer
     * writes back what is there, so that the next reader reads it.) */
    check(kt_cmd(p, NULL, 0, "write %s", content), has(lib, 'w') ? 0 : KOBJNS_ACCESS_DENIED, r, u,
          "write view");
    KT_OK(kt_cmd(p, NULL, 0, "close"));
  }
  /* The kernel alone: exactly the mode bits, and never more than the descriptor. */
  unsigned bits = class_bits(r->mode, u);
  int raw_r = check(kt_cmd(p, NULL, 0, "rawopenf %s r", path), bits & 4 ? 0 : EACCES, r, u,
                    "open(O_RDONLY)");
  int raw_w = check(kt_cmd(p, NULL, 0, "rawopenf %s w", path), bits & 2 ? 0 : EACCES, r, u,
                    "open(O_WRONLY)");
  int raw_rw = check(kt_cmd(p, NULL, 0, "rawopenf %s b", path), (bits & 6) == 6 ? 0 : EACCES, r, u,
                     "open(O_RDWR)");
  CU_ASSERT(raw_r != 0 || has(grant, 'r'));
  CU_ASSERT(raw_w != 0 || has(grant, 'w'));
  CU_ASSERT(raw_rw != 0 || (has(grant, 'r') && has(grant, 'w')));
}

static void descriptor_matrix(void) {
  kobjns_ctx *s1 = kt_ctx(1, false); /* session 1's marker is root's: nothing stale is left */
  kt_proc a, who[USERS];
  CU_ASSERT_FATAL(kt_spawn(&a, 1, USER_A));
  CU_ASSERT_FATAL(kt_spawn(&who[OWNER], 1, USER_A));
  CU_ASSERT_FATAL(kt_spawn(&who[OTHER], 1, USER_B));
  CU_ASSERT_FATAL(kt_spawn(&who[GROUP], 1, USER_C));
  for (size_t i = 0; i < ROWS; i++) {
    const row *r = &rows[i];
    const char *name = kt_name("matrix");
    KT_OK(kt_cmd(&a, NULL, 0, "create %s 65536 %s %s", name, r->read_only ? RD : RW, r->sddl));
    char path[512], content[64] = "";
    kt_native_path(s1, name, path, sizeof path);
    struct stat st;
    CU_ASSERT_EQUAL_FATAL(lstat(path, &st), 0);
    CU_ASSERT_EQUAL(st.st_uid, USER_A);
    if ((st.st_mode & 07777) != r->mode)
      fprintf(stderr, "\n  %s: mode %04o, want %04o\n", r->sddl, (unsigned)(st.st_mode & 07777),
              (unsigned)r->mode);
    CU_ASSERT_EQUAL(st.st_mode & 07777, r->mode);
    /* As if A's primary group were C's: C is the group class, B the other class. */
    CU_ASSERT_EQUAL(lchown(path, (uid_t)-1, USER_C), 0);
    if (!r->read_only) {
      snprintf(content, sizeof content, "secret-%zu", i);
      KT_OK(kt_cmd(&a, NULL, 0, "write %s", content));
    }
    for (int u = 0; u < USERS; u++) try_user(&who[u], r, u, name, path, content);
    KT_OK(kt_cmd(&a, NULL, 0, "close"));
    CU_ASSERT(!present(path)); /* A, the owner, was the last holder */
  }
  for (int u = 0; u < USERS; u++) CU_ASSERT_EQUAL(finish(&who[u]), 0);
  CU_ASSERT_EQUAL(finish(&a), 0);
  kobjns_ctx_free(s1);
}

/* --- a reader gets no further with system calls ----------------------------------------------- */

/* Everything `p` (uid `uid`, which may or may not read the file) tries on another user's file;
 * each must fail. */
static void cannot_change(kt_proc *p, long uid, const char *path, bool can_read) {
  /* Write through a read-only descriptor: a shared writable map, or mprotect after. */
  KT_STATUS(kt_cmd(p, NULL, 0, "rawmmap %s shared", path), EACCES);
  KT_STATUS(kt_cmd(p, NULL, 0, "rawmmap %s mprotect", path), EACCES);
  /* Shrink it (every view of it would SIGBUS), or grow it. */
  KT_STATUS(kt_cmd(p, NULL, 0, "rawftrunc %s 0 r", path), can_read ? EINVAL : EACCES);
  KT_STATUS(kt_cmd(p, NULL, 0, "rawtrunc %s 0", path), EACCES);
  KT_STATUS(kt_cmd(p, NULL, 0, "rawtrunc %s 1048576", path), EACCES);
  KT_STATUS(kt_cmd(p, NULL, 0, "rawopenf %s rt", path), EACCES); /* O_RDONLY | O_TRUNC */
  /* Corrupt the header (its descriptor) or the data. */
  KT_STATUS(kt_cmd(p, NULL, 0, "rawpwrite %s 0 w", path), EACCES);
  KT_STATUS(kt_cmd(p, NULL, 0, "rawpwrite %s 64 b", path), EACCES);
  /* Widen the mode, take the file, remove or replace the name. */
  KT_STATUS(kt_cmd(p, NULL, 0, "rawchmod %s 666", path), EPERM);
  KT_STATUS(kt_cmd(p, NULL, 0, "rawchown %s %ld %ld", path, uid, uid), EPERM);
  KT_STATUS(kt_cmd(p, NULL, 0, "rawfchmod %s 666", path), can_read ? EPERM : EACCES);
  KT_STATUS(kt_cmd(p, NULL, 0, "rawfchown %s %ld %ld", path, uid, uid), can_read ? EPERM : EACCES);
  KT_STATUS(kt_cmd(p, NULL, 0, "rawunlink %s", path), EPERM);
  char other[600];
  snprintf(other, sizeof other, "%.500s.moved", path);
  KT_STATUS(kt_cmd(p, NULL, 0, "rawrename %s %s", path, other), EPERM);
  CU_ASSERT(!present(other));
  /* A second name for it (a planted copy, see below): the kernel's protected_hardlinks refuses
   * a file one may not both read and write; without it, the link would be made. */
  snprintf(other, sizeof other, "%.500s.link", path);
  int rc = kt_cmd(p, NULL, 0, "rawlink %s %s", path, other);
  if (protected_hardlinks > 0) KT_STATUS(rc, EPERM);
  if (rc == 0) plant(other);
  /* A private writable map is allowed: it writes only the reader's own copy. */
  KT_STATUS(kt_cmd(p, NULL, 0, "rawmmap %s private", path), can_read ? 0 : EACCES);
}

static void readers_cannot_write(void) {
  kobjns_ctx *s1 = kt_ctx(1, false), *service = kt_ctx(0, true);
  kt_proc a, b, c;
  CU_ASSERT_FATAL(kt_spawn(&a, 1, USER_A));
  CU_ASSERT_FATAL(kt_spawn(&b, 1, USER_B));
  CU_ASSERT_FATAL(kt_spawn(&c, 1, USER_C));
  /* A's objects: private, readable by all, readable by B but writable by everyone else. */
  const char *sddl[] = {"-", "D:(A;;GR;;;WD)", "D:(D;;GW;;;S-1-22-1-61002)(A;;GA;;;WD)"};
  const char *names[3];
  char paths[4][512];
  snapshot before[4];
  for (int i = 0; i < 3; i++) {
    names[i] = kt_name("reader");
    KT_OK(kt_cmd(&a, NULL, 0, "create %s 65536 " RW " %s", names[i], sddl[i]));
    KT_OK(kt_cmd(&a, NULL, 0, "write secret"));
    kt_native_path(s1, names[i], paths[i], sizeof paths[i]);
  }
  /* A root service's object: SYSTEM may do anything, everyone may read. */
  const char *svc_name = kt_prefixed("Global\\", "service");
  kobjns_section *s = NULL;
  KT_OK(kobjns_section_create(service, svc_name, 65536, KOBJNS_MAP_WRITE,
                              "D:(A;;GA;;;SY)(A;;GR;;;WD)", &s));
  void *view = NULL;
  KT_OK(kobjns_section_map(s, KOBJNS_MAP_WRITE, 0, 0, &view));
  strcpy(view, "service-data");
  kt_native_path(service, svc_name, paths[3], sizeof paths[3]);
  for (int i = 0; i < 4; i++) take(paths[i], &before[i]);
  CU_ASSERT_EQUAL(before[2].st.st_mode & 0777, 0644);
  CU_ASSERT_EQUAL(before[3].st.st_mode & 0777, 0444);
  CU_ASSERT_EQUAL(before[3].st.st_uid, 0);
  for (int i = 0; i < 4; i++) {
    cannot_change(&b, USER_B, paths[i], i != 0);
    cannot_change(&c, USER_C, paths[i], i != 0);
  }
  unplant_all(); /* links a kernel without protected_hardlinks let them make */
  for (int i = 0; i < 4; i++) unchanged(paths[i], &before[i]);
  CU_ASSERT_STRING_EQUAL(view, "service-data");
  char reply[64];
  kt_cmd(&a, reply, sizeof reply, "read");
  CU_ASSERT_STRING_EQUAL(reply, "0 secret");
  /* And through the library, B still gets what the descriptor says: read, never write. */
  KT_STATUS(kt_cmd(&b, NULL, 0, "open %s " RW, svc_name), KOBJNS_ACCESS_DENIED);
  KT_OK(kt_cmd(&b, NULL, 0, "open %s " RD, svc_name));
  kt_cmd(&b, reply, sizeof reply, "read");
  CU_ASSERT_STRING_EQUAL(reply, "0 service-data");
  KT_STATUS(kt_cmd(&b, NULL, 0, "write x"), KOBJNS_ACCESS_DENIED);
  KT_OK(kt_cmd(&b, NULL, 0, "close"));
  CU_ASSERT_EQUAL(finish(&b), 0);
  CU_ASSERT_EQUAL(finish(&c), 0);
  CU_ASSERT_EQUAL(finish(&a), 0);
  kobjns_unmap(view);
  KT_OK(kobjns_section_close(s));
  kobjns_ctx_free(service);
  kobjns_ctx_free(s1);
  sweep();
}

/* --- planted objects: a root service never adopts or trusts them ------------------------------ */

/* A root service (a root child in session 0) opens and creates `name`: each answer within the
 * bound. Handles it got are closed again. */
static void service_tries(kt_proc *svc, const char *name, int want_open, int want_create) {
  long start = now_ms();
  int rc = cmd_within(svc, NULL, 0, "open %s " RD, name);
  if (rc != want_open) fprintf(stderr, "\n  service: open %s", name);
  KT_STATUS(rc, want_open);
  if (rc == 0) KT_OK(cmd_within(svc, NULL, 0, "close"));
  rc = cmd_within(svc, NULL, 0, "create %s 4096 " RW " -", name);
  if (rc != want_create) fprintf(stderr, "\n  service: create %s", name);
  KT_STATUS(rc, want_create);
  if (rc == 0 || rc == KOBJNS_ALREADY_EXISTS) KT_OK(cmd_within(svc, NULL, 0, "close"));
  CU_ASSERT(now_ms() - start < BOUND_MS);
}

static void planted_files(void) {
  kobjns_ctx *s2 = kt_ctx(2, false); /* session 2 exists */
  kt_proc b, svc;
  CU_ASSERT_FATAL(kt_spawn(&b, 0, USER_B)); /* B claims session 0: a model, not a right */
  CU_ASSERT_FATAL(kt_spawn(&svc, 0, -1));
  char path[512], canon[512], name[512];
  const char *leaf;
#define PLANT(base)                                                                                \
  (leaf = kt_name(base), native_in(0, leaf, path, sizeof path),                                    \
   canonical_in(0, leaf, canon, sizeof canon), snprintf(name, sizeof name, "Global\\%s", leaf),    \
   plant(path))

  /* A regular file with a forged header: every access granted, creator uid 0. B holds it. */
  PLANT("forged");
  KT_OK(kt_cmd(&b, NULL, 0, "rawforge %s %s 4096 D:NO_ACCESS_CONTROL", path, canon));
  KT_OK(kt_cmd(&b, NULL, 0, "rawlock %s sh", path));
  service_tries(&svc, name, KOBJNS_ACCESS_DENIED, KOBJNS_ACCESS_DENIED); /* B owns the file */
  /* Nobody holds it any more: it is stale. Root removes it and creates its own. */
  KT_OK(kt_cmd(&b, NULL, 0, "rawunlock"));
  KT_STATUS(cmd_within(&svc, NULL, 0, "open %s " RD, name), KOBJNS_FILE_NOT_FOUND);
  CU_ASSERT(!present(path));
  KT_OK(cmd_within(&svc, NULL, 0, "create %s 4096 " RW " -", name));
  struct stat st;
  CU_ASSERT_EQUAL(lstat(path, &st), 0);
  CU_ASSERT_EQUAL(st.st_uid, 0);
  CU_ASSERT_EQUAL(st.st_mode & 07777, 0600);
  KT_OK(cmd_within(&svc, NULL, 0, "close"));

  /* A header that is not kobjns' (bad magic), or claims another object type. */
  PLANT("corrupt");
  KT_OK(kt_cmd(&b, NULL, 0, "rawforge %s %s 4096 D:NO_ACCESS_CONTROL", path, canon));
  KT_OK(kt_cmd(&b, NULL, 0, "rawpwrite %s 0 w", path));
  KT_OK(kt_cmd(&b, NULL, 0, "rawlock %s sh", path));
  service_tries(&svc, name, KOBJNS_FILE_CORRUPT, KOBJNS_FILE_CORRUPT);
  PLANT("type");
  KT_OK(kt_cmd(&b, NULL, 0, "rawforgetype %s %s 2 D:NO_ACCESS_CONTROL", path, canon));
  KT_OK(kt_cmd(&b, NULL, 0, "rawlock %s sh", path));
  service_tries(&svc, name, KOBJNS_INVALID_HANDLE, KOBJNS_INVALID_HANDLE);

  /* A FIFO: opening one for reading would block, writing into it would hand B data. */
  PLANT("fifo");
  KT_OK(kt_cmd(&b, NULL, 0, "rawmkfifo %s", path));
  KT_OK(kt_cmd(&b, NULL, 0, "rawhold %s", path)); /* B reads whatever comes */
  service_tries(&svc, name, KOBJNS_INVALID_HANDLE, KOBJNS_INVALID_HANDLE);
  KT_OK(kt_cmd(&b, NULL, 0, "rawfifoempty %s", path));
  CU_ASSERT(lstat(path, &st) == 0 && S_ISFIFO(st.st_mode));

  /* Symlinks: to a root-only file, to where root could create a file, to a root object. */
  char target[64] = "/tmp/kobjns-target-XXXXXX";
  int tfd = mkstemp(target);
  CU_ASSERT_FATAL(tfd >= 0);
  CU_ASSERT_EQUAL(write(tfd, "root-secret", 11), 11);
  close(tfd);
  struct stat target_before;
  CU_ASSERT_EQUAL(stat(target, &target_before), 0);
  PLANT("symlink");
  KT_OK(kt_cmd(&b, NULL, 0, "rawsymlink %s %s", target, path));
  service_tries(&svc, name, KOBJNS_INVALID_HANDLE, KOBJNS_INVALID_HANDLE);
  struct stat target_after;
  CU_ASSERT_EQUAL(stat(target, &target_after), 0);
  CU_ASSERT_EQUAL(target_after.st_size, 11);
  CU_ASSERT_EQUAL(target_after.st_mode, target_before.st_mode);
  CU_ASSERT_EQUAL(target_after.st_uid, 0);
  CU_ASSERT_EQUAL(target_after.st_mtim.tv_nsec, target_before.st_mtim.tv_nsec);
  char dangling[128];
  snprintf(dangling, sizeof dangling, "/tmp/kobjns-dangling-%s", kt_run_id());
  PLANT("dangling");
  KT_OK(kt_cmd(&b, NULL, 0, "rawsymlink %s %s", dangling, path));
  service_tries(&svc, name, KOBJNS_INVALID_HANDLE, KOBJNS_INVALID_HANDLE);
  CU_ASSERT(!present(dangling));
  const char *real = kt_prefixed("Global\\", "real");
  KT_OK(cmd_within(&svc, NULL, 0, "create %s 4096 " RW " -", real));
  char real_path[512];
  kt_native_path(s2, real, real_path, sizeof real_path);
  PLANT("torealobject");
  KT_OK(kt_cmd(&b, NULL, 0, "rawsymlink %s %s", real_path, path));
  service_tries(&svc, name, KOBJNS_INVALID_HANDLE, KOBJNS_INVALID_HANDLE);

  /* A file of B's with a lease: a blocking open would wait for B (45 s by default). */
  PLANT("lease");
  KT_OK(kt_cmd(&b, NULL, 0, "rawforge %s %s 4096 D:NO_ACCESS_CONTROL", path, canon));
  KT_OK(kt_cmd(&b, NULL, 0, "rawlease %s", path));
  service_tries(&svc, name, KOBJNS_BUSY, KOBJNS_BUSY);
  KT_OK(kt_cmd(&b, NULL, 0, "rawunlock"));

  /* A directory, a socket. */
  PLANT("dir");
  KT_OK(kt_cmd(&b, NULL, 0, "rawmkdir %s", path));
  service_tries(&svc, name, KOBJNS_INVALID_HANDLE, KOBJNS_INVALID_HANDLE);
  PLANT("socket");
  KT_OK(kt_cmd(&b, NULL, 0, "rawsocket %s", path));
  service_tries(&svc, name, KOBJNS_INVALID_HANDLE, KOBJNS_INVALID_HANDLE);

  /* A second name for B's own object: its header names the first name (1392); B, its owner,
   * rewrites that, and then the object is still B's (5). */
  const char *mine = kt_prefixed("Global\\", "bs-own");
  KT_OK(kt_cmd(&b, NULL, 0, "create %s 4096 " RW " D:NO_ACCESS_CONTROL", mine));
  char mine_path[512];
  kt_native_path(s2, mine, mine_path, sizeof mine_path);
  PLANT("linked");
  KT_OK(kt_cmd(&b, NULL, 0, "rawlink %s %s", mine_path, path));
  service_tries(&svc, name, KOBJNS_FILE_CORRUPT, KOBJNS_FILE_CORRUPT);
  KT_OK(kt_cmd(&b, NULL, 0, "rawsetpath %s %s", path, canon));
  service_tries(&svc, name, KOBJNS_ACCESS_DENIED, KOBJNS_ACCESS_DENIED);

  /* A second name for a root object B may write: root owns it, and B can make its header name
   * the second name. Root's create of that name must not hand root this object (it would
   * believe it private, and B reads it). */
  const char *pub = kt_prefixed("Global\\", "public");
  KT_OK(cmd_within(&svc, NULL, 0, "create %s 4096 " RW " D:NO_ACCESS_CONTROL", pub));
  char pub_path[512];
  kt_native_path(s2, pub, pub_path, sizeof pub_path);
  PLANT("secret");
  KT_OK(kt_cmd(&b, NULL, 0, "rawlink %s %s", pub_path, path));
  KT_OK(kt_cmd(&b, NULL, 0, "rawsetpath %s %s", path, canon));
  kt_proc svc2;
  CU_ASSERT_FATAL(kt_spawn(&svc2, 0, -1));
  service_tries(&svc2, name, KOBJNS_ACCESS_DENIED, KOBJNS_ACCESS_DENIED);
  /* One root may not read and write: the kernel refuses the link (protected_hardlinks). */
  const char *priv = kt_prefixed("Global\\", "private");
  KT_OK(cmd_within(&svc2, NULL, 0, "create %s 4096 " RW " -", priv));
  char priv_path[512];
  kt_native_path(s2, priv, priv_path, sizeof priv_path);
  PLANT("privlink");
  int rc = kt_cmd(&b, NULL, 0, "rawlink %s %s", priv_path, path);
  if (protected_hardlinks > 0) KT_STATUS(rc, EPERM);
  if (rc == 0) service_tries(&svc, name, KOBJNS_FILE_CORRUPT, KOBJNS_FILE_CORRUPT);

  /* A forged object in another session's namespace, held by B. */
  leaf = kt_name("insession2");
  native_in(2, leaf, path, sizeof path);
  canonical_in(2, leaf, canon, sizeof canon);
  plant(path);
  snprintf(name, sizeof name, "Session\\2\\%s", leaf);
  KT_OK(kt_cmd(&b, NULL, 0, "rawforge %s %s 4096 D:NO_ACCESS_CONTROL", path, canon));
  KT_OK(kt_cmd(&b, NULL, 0, "rawlock %s sh", path));
  service_tries(&svc, name, KOBJNS_ACCESS_DENIED, KOBJNS_ACCESS_DENIED);
#undef PLANT

  CU_ASSERT_EQUAL(finish(&svc2), 0);
  CU_ASSERT_EQUAL(finish(&svc), 0);
  CU_ASSERT_EQUAL(finish(&b), 0);
  unlink(target);
  kobjns_ctx_free(s2);
  sweep();
}

/* Through the library: B (a user claiming session 0, or another session) creates names in Global\
 * and in other sessions; a root service in session 0 refuses them. */
static void planted_through_library(void) {
  kobjns_ctx *service = kt_ctx(0, true), *s2 = kt_ctx(2, false);
  const char *x = kt_prefixed("Global\\", "planted");
  kt_proc b, b2, a;
  CU_ASSERT_FATAL(kt_spawn(&b, 0, USER_B));
  CU_ASSERT_FATAL(kt_spawn(&b2, 2, USER_B));
  KT_OK(kt_cmd(&b, NULL, 0, "create %s 4096 " RW " D:NO_ACCESS_CONTROL", x));
  kobjns_section *s = NULL;
  KT_STATUS(kobjns_section_open(service, x, KOBJNS_MAP_READ, &s), KOBJNS_ACCESS_DENIED);
  kobjns_denial why = KOBJNS_DENIAL_NONE;
  KT_STATUS(kobjns_open_explain(service, x, KOBJNS_TYPE_SECTION, KOBJNS_MAP_READ, &why),
            KOBJNS_ACCESS_DENIED);
  CU_ASSERT_EQUAL(why, KOBJNS_DENIAL_PLANTED);
  KT_STATUS(kobjns_section_create(service, x, 4096, KOBJNS_MAP_WRITE, NULL, &s),
            KOBJNS_ACCESS_DENIED);
  CU_ASSERT_PTR_NULL(s);
  /* Session 2's namespace: B's Local name there, and a Session\2\ name B made from session 0
   * (creating in another session's namespace needs nothing on POSIX: not defended). */
  const char *local = kt_name("local"), *other = kt_name("fromzero");
  KT_OK(kt_cmd(&b2, NULL, 0, "create Local\\%s 4096 " RW " D:NO_ACCESS_CONTROL", local));
  KT_OK(kt_cmd(&b, NULL, 0, "create Session\\2\\%s 4096 " RW " D:NO_ACCESS_CONTROL", other));
  char name[256];
  const char *leaves[] = {local, other};
  for (int i = 0; i < 2; i++) {
    snprintf(name, sizeof name, "Session\\2\\%s", leaves[i]);
    KT_STATUS(kobjns_section_open(service, name, KOBJNS_MAP_READ, &s), KOBJNS_ACCESS_DENIED);
    KT_STATUS(kobjns_section_create(service, name, 4096, KOBJNS_MAP_WRITE, NULL, &s),
              KOBJNS_ACCESS_DENIED);
  }
  /* A root context in session 2 checks a user's object in its own session by its descriptor, as
   * Windows does (documented). */
  KT_OK(kobjns_section_open(s2, local, KOBJNS_MAP_READ, &s));
  KT_OK(kobjns_section_close(s));
  /* An unprivileged user may use B's object: Windows' rule for unprivileged callers. */
  CU_ASSERT_FATAL(kt_spawn(&a, 1, USER_A));
  KT_OK(kt_cmd(&a, NULL, 0, "open %s " RW, x));
  KT_OK(kt_cmd(&a, NULL, 0, "close"));
  /* B dies: its object is stale, and the service's create replaces it with its own. */
  kt_kill(&b);
  KT_OK(kobjns_section_create(service, x, 4096, KOBJNS_MAP_WRITE, NULL, &s));
  char path[512];
  kt_native_path(service, x, path, sizeof path);
  struct stat st;
  CU_ASSERT_EQUAL(lstat(path, &st), 0);
  CU_ASSERT_EQUAL(st.st_uid, 0);
  CU_ASSERT_EQUAL(st.st_mode & 07777, 0600);
  KT_OK(kobjns_section_close(s));
  CU_ASSERT_EQUAL(finish(&a), 0);
  CU_ASSERT_EQUAL(finish(&b2), 0);
  kobjns_ctx_free(s2);
  kobjns_ctx_free(service);
  sweep();
}

/* --- session markers ---------------------------------------------------------------------------
 */

/* A child's first reply (its startup status when it could not make its context), within the
 * bound, and how long it took. */
static int child_start(kt_proc *p, long *took) {
  long start = now_ms();
  char reply[64];
  int rc = cmd_within(p, reply, sizeof reply, "session");
  *took = now_ms() - start;
  return strstr(reply, "ctx") ? rc : 0;
}

static void planted_session_markers(void) {
  kt_proc b, svc;
  CU_ASSERT_FATAL(kt_spawn(&b, 1, USER_B));
  CU_ASSERT_FATAL(kt_spawn(&svc, 0, -1));
  char marker[512], path[512], canon[512], name[512], reply[512];
  long took;

  /* A marker B makes for a session nobody is in makes that session exist (a model, not a
   * boundary: docs/sessions.md), but the service trusts nothing B puts there. */
  uint32_t n = kt_unused_session();
  marker_path(n, marker, sizeof marker);
  plant(marker);
  KT_OK(kt_cmd(&b, NULL, 0, "rawforgetype %s \\ 2 D:", marker));
  KT_OK(kt_cmd(&b, NULL, 0, "rawlock %s sh", marker));
  const char *leaf = kt_name("inplanted");
  native_in(n, leaf, path, sizeof path);
  canonical_in(n, leaf, canon, sizeof canon);
  plant(path);
  KT_OK(kt_cmd(&b, NULL, 0, "rawforge %s %s 4096 D:NO_ACCESS_CONTROL", path, canon));
  KT_OK(kt_cmd(&b, NULL, 0, "rawlock %s sh", path));
  snprintf(name, sizeof name, "Session\\%u\\%s", (unsigned)n, leaf);
  KT_OK(cmd_within(&svc, reply, sizeof reply, "resolve %s", name));
  service_tries(&svc, name, KOBJNS_ACCESS_DENIED, KOBJNS_ACCESS_DENIED);
  /* Once B lets go, the marker is stale: the session is gone again (root removes the marker). */
  KT_OK(kt_cmd(&b, NULL, 0, "rawunlock"));
  KT_STATUS(cmd_within(&svc, NULL, 0, "resolve %s", name), KOBJNS_PATH_NOT_FOUND);
  unplant_all();

  /* Session 0 has no marker: whatever B puts under that name is never consulted. */
  marker_path(0, marker, sizeof marker);
  plant(marker);
  KT_OK(kt_cmd(&b, NULL, 0, "rawmkfifo %s", marker));
  const char *g = kt_prefixed("Global\\", "withmarker0");
  KT_OK(cmd_within(&svc, NULL, 0, "create %s 4096 " RW " -", g));
  KT_OK(cmd_within(&svc, NULL, 0, "close"));
  KT_OK(cmd_within(&svc, reply, sizeof reply, "resolve Session\\0\\x"));
  kt_proc a0;
  CU_ASSERT_FATAL(kt_spawn(&a0, 0, USER_A));
  KT_OK(child_start(&a0, &took));
  CU_ASSERT_EQUAL(finish(&a0), 0);
  unplant_all();

  /* Not defended: something other than a marker under a session's marker name keeps that
   * session's contexts from being made (6, at once); only root can remove it. */
  uint32_t m = n + 1;
  marker_path(m, marker, sizeof marker);
  plant(marker);
  KT_OK(kt_cmd(&b, NULL, 0, "rawmkfifo %s", marker));
  kt_proc am;
  CU_ASSERT_FATAL(kt_spawn(&am, m, USER_A));
  KT_STATUS(child_start(&am, &took), KOBJNS_INVALID_HANDLE);
  CU_ASSERT(took < 2000);
  finish(&am);
  unplant_all();

  /* A hostile exclusive lock on a stale marker: joining the session gives 170 within the
   * documented wait, never hangs. */
  uint32_t k = n + 2;
  marker_path(k, marker, sizeof marker);
  kt_proc ak;
  CU_ASSERT_FATAL(kt_spawn(&ak, k, USER_A));
  KT_OK(child_start(&ak, &took));
  kt_kill(&ak); /* A's marker, now stale */
  CU_ASSERT(present(marker));
  KT_OK(kt_cmd(&b, NULL, 0, "rawlock %s exnb", marker));
  kt_proc joiner, root_joiner;
  CU_ASSERT_FATAL(kt_spawn(&joiner, k, USER_A));
  KT_STATUS(child_start(&joiner, &took), KOBJNS_BUSY);
  CU_ASSERT(took < BOUND_MS);
  finish(&joiner);
  CU_ASSERT_FATAL(kt_spawn(&root_joiner, k, -1));
  KT_STATUS(child_start(&root_joiner, &took), KOBJNS_BUSY);
  finish(&root_joiner);
  KT_OK(kt_cmd(&b, NULL, 0, "rawunlock"));
  CU_ASSERT_FATAL(kt_spawn(&joiner, k, USER_A));
  KT_OK(child_start(&joiner, &took));
  CU_ASSERT_EQUAL(finish(&joiner), 0);

  CU_ASSERT_EQUAL(finish(&svc), 0);
  CU_ASSERT_EQUAL(finish(&b), 0);
  sweep();
}

/* --- a reader's locks: the service never hangs ----------------------------------------------- */

static void hostile_lock_holder(void) {
  kt_proc r1, r2 = {0}, r3 = {0}, b;
  CU_ASSERT_FATAL(kt_spawn(&r1, 0, -1));
  CU_ASSERT_FATAL(kt_spawn(&b, 1, USER_B));
  const char *x = kt_prefixed("Global\\", "held");
  const char *sddl = "D:(A;;GA;;;SY)(A;;GR;;;WD)"; /* everyone may read: mode 0444 */
  char path[512], reply[256];
  kobjns_ctx *probe = kt_ctx(0, true);
  kt_native_path(probe, x, path, sizeof path);
  kobjns_ctx_free(probe);
  KT_OK(kt_cmd(&r1, NULL, 0, "create %s 4096 " RW " %s", x, sddl));
  KT_OK(kt_cmd(&r1, NULL, 0, "write first"));
  /* The service dies: its object is stale. B, who may read it, takes its exclusive lock (any
   * opener may flock a file) and keeps it. */
  kt_kill(&r1);
  KT_OK(kt_cmd(&b, NULL, 0, "rawlock %s exnb", path));
  CU_ASSERT_FATAL(kt_spawn(&r2, 0, -1));
  long start = now_ms();
  KT_STATUS(cmd_within(&r2, NULL, 0, "create %s 4096 " RW " %s", x, sddl), KOBJNS_BUSY);
  KT_STATUS(cmd_within(&r2, NULL, 0, "open %s " RD, x), KOBJNS_BUSY);
  long took = now_ms() - start;
  CU_ASSERT(took < 2 * BOUND_MS);
  CU_ASSERT(took >= 2 * 2000); /* each waited the documented 2 s first */
  if (!r2.to) goto out;        /* it hung (and was killed): the rest would only repeat that */
  /* Once B lets go, the stale object is removed and the service makes a new one. */
  KT_OK(kt_cmd(&b, NULL, 0, "rawunlock"));
  KT_OK(cmd_within(&r2, NULL, 0, "create %s 4096 " RW " %s", x, sddl));
  cmd_within(&r2, reply, sizeof reply, "read");
  CU_ASSERT_STRING_EQUAL(reply, "0 "); /* zero-filled: a new section */
  KT_OK(cmd_within(&r2, NULL, 0, "write second"));

  /* A reader that keeps a shared lock keeps the object alive, like a handle on Windows: the
   * restarted service gets the object it made before, unchanged, at once. */
  KT_OK(kt_cmd(&b, NULL, 0, "rawlock %s shnb", path));
  kt_kill(&r2);
  CU_ASSERT_FATAL(kt_spawn(&r3, 0, -1));
  /* "At once": not after the 2 s an opener gives an exclusive holder (the one wait there is;
   * a step that took it would take at least that, a checked build or a loaded machine not). */
  start = now_ms();
  KT_OK(cmd_within(&r3, NULL, 0, "open %s " RD, x));
  CU_ASSERT(now_ms() - start < 2000);
  cmd_within(&r3, reply, sizeof reply, "read");
  CU_ASSERT_STRING_EQUAL(reply, "0 second");
  KT_OK(cmd_within(&r3, NULL, 0, "close"));
  start = now_ms();
  KT_STATUS(cmd_within(&r3, NULL, 0, "create %s 4096 " RW " %s", x, sddl), KOBJNS_ALREADY_EXISTS);
  CU_ASSERT(now_ms() - start < 2000);
  KT_OK(kt_cmd(&b, NULL, 0, "rawunlock"));

  /* A reader waiting for the exclusive lock while the service holds the object: when the
   * service closes, its own last-holder lock comes first and the name goes; whatever B gets
   * then, the next create answers within the bound. */
  kt_send(&b, "rawlock %s ex", path);
  struct timespec pause = {0, 100 * 1000 * 1000};
  nanosleep(&pause, NULL);
  KT_OK(cmd_within(&r3, NULL, 0, "close"));
  KT_OK(recv_within(&b, NULL, 0)); /* B got its lock */
  int rc = cmd_within(&r3, NULL, 0, "create %s 4096 " RW " %s", x, sddl);
  CU_ASSERT(rc == 0 || rc == KOBJNS_BUSY);
  if (rc == 0) KT_OK(cmd_within(&r3, NULL, 0, "close"));
out:
  if (b.to) KT_OK(kt_cmd(&b, NULL, 0, "rawunlock"));
  if (r3.to) CU_ASSERT_EQUAL(finish(&r3), 0);
  if (r2.to) kt_kill(&r2);
  CU_ASSERT_EQUAL(finish(&b), 0);
  sweep();
  CU_ASSERT(!present(path));
}

/* --- nobody removes or replaces another user's objects ---------------------------------------- */

static void others_objects_stay(void) {
  kobjns_ctx *s1 = kt_ctx(1, false);
  kt_proc a, b;
  CU_ASSERT_FATAL(kt_spawn(&a, 1, USER_A));
  CU_ASSERT_FATAL(kt_spawn(&b, 1, USER_B));
  const char *sddl[] = {"-", "D:(A;;GR;;;WD)", "D:NO_ACCESS_CONTROL"};
  const char *names[3];
  char paths[3][512], mine[512], other[600], reply[64];
  for (int i = 0; i < 3; i++) {
    names[i] = kt_name("theirs");
    KT_OK(kt_cmd(&a, NULL, 0, "create %s 4096 " RW " %s", names[i], sddl[i]));
    kt_native_path(s1, names[i], paths[i], sizeof paths[i]);
  }
  const char *own = kt_name("mine");
  KT_OK(kt_cmd(&b, NULL, 0, "create %s 4096 " RW " -", own));
  kt_native_path(s1, own, mine, sizeof mine);
  for (int pass = 0; pass < 2; pass++) { /* A's objects live, then stale (A killed) */
    for (int i = 0; i < 3; i++) {
      KT_STATUS(kt_cmd(&b, NULL, 0, "rawunlink %s", paths[i]), EPERM);
      KT_STATUS(kt_cmd(&b, NULL, 0, "rawrename %s %s", mine, paths[i]), EPERM); /* replace */
      snprintf(other, sizeof other, "%.500s.moved", paths[i]);
      KT_STATUS(kt_cmd(&b, NULL, 0, "rawrename %s %s", paths[i], other), EPERM);
      KT_STATUS(kt_cmd(&b, NULL, 0, "rawlink %s %s", mine, paths[i]), EEXIST);
      KT_STATUS(kt_cmd(&b, NULL, 0, "rawsymlink %s %s", mine, paths[i]), EEXIST);
      KT_STATUS(kt_cmd(&b, NULL, 0, "rawopenf %s bc", paths[i]), EEXIST);
      CU_ASSERT(present(paths[i]));
    }
    /* kobjns_cleanup() as B: a live object is never swept, another user's stale one cannot be
     * (the sticky /dev/shm), so B removes nothing. */
    kt_cmd(&b, reply, sizeof reply, "cleanup");
    CU_ASSERT_STRING_EQUAL(reply, "0 0");
    for (int i = 0; i < 3; i++) CU_ASSERT(present(paths[i]));
    if (pass == 0) {
      KT_OK(kt_cmd(&b, NULL, 0, "open %s " RD, names[2])); /* B may use the public one */
      KT_OK(kt_cmd(&b, NULL, 0, "close"));
      kt_kill(&a);
    }
  }
  /* Through the library, B finds A's stale objects absent (2) or refused by the kernel (5), and
   * cannot create over them (5): docs/posix-backend.md, Known limits. */
  KT_STATUS(kt_cmd(&b, NULL, 0, "open %s " RD, names[2]), KOBJNS_FILE_NOT_FOUND);
  KT_STATUS(kt_cmd(&b, NULL, 0, "create %s 4096 " RW " -", names[2]), KOBJNS_ACCESS_DENIED);
  KT_STATUS(kt_cmd(&b, NULL, 0, "open %s " RD, names[0]), KOBJNS_ACCESS_DENIED);
  for (int i = 0; i < 3; i++) CU_ASSERT(present(paths[i]));

  /* A session marker A made: B may join the session, but not remove or hold the marker. */
  uint32_t m = kt_unused_session() + 10;
  char marker[512];
  marker_path(m, marker, sizeof marker);
  kt_proc am;
  CU_ASSERT_FATAL(kt_spawn(&am, m, USER_A));
  long took;
  KT_OK(child_start(&am, &took));
  struct stat st;
  CU_ASSERT_EQUAL(lstat(marker, &st), 0);
  CU_ASSERT_EQUAL(st.st_uid, USER_A);
  CU_ASSERT_EQUAL(st.st_mode & 07777, 0444);
  KT_STATUS(kt_cmd(&b, NULL, 0, "rawunlink %s", marker), EPERM);
  KT_STATUS(kt_cmd(&b, NULL, 0, "rawrename %s %s", mine, marker), EPERM);
  KT_STATUS(kt_cmd(&b, NULL, 0, "rawlock %s exnb", marker), EWOULDBLOCK);
  KT_STATUS(kt_cmd(&b, NULL, 0, "rawpwrite %s 0 w", marker), EACCES);
  KT_OK(kt_cmd(&b, NULL, 0, "join %u", (unsigned)m));
  KT_OK(kt_cmd(&b, NULL, 0, "join 1"));
  kt_kill(&am); /* stale now, and still A's */
  KT_STATUS(kt_cmd(&b, NULL, 0, "rawunlink %s", marker), EPERM);
  kt_cmd(&b, reply, sizeof reply, "cleanup");
  CU_ASSERT_STRING_EQUAL(reply, "0 0");
  CU_ASSERT(present(marker));
  CU_ASSERT_EQUAL(finish(&b), 0);
  kobjns_ctx_free(s1);
  /* Root may: its sweep removes A's stale objects and marker. */
  size_t removed = 0;
  KT_OK(kobjns_cleanup(&removed));
  CU_ASSERT(removed >= 4);
  for (int i = 0; i < 3; i++) CU_ASSERT(!present(paths[i]));
  CU_ASSERT(!present(marker));
  sweep();
}

/* --- the umask plays no part ------------------------------------------------------------------ */

typedef struct outcome {
  unsigned mode, raw_r, raw_rw, lib_r, lib_rw;
} outcome;

static void umask_plays_no_part(void) {
  kobjns_ctx *s1 = kt_ctx(1, false);
  const char *masks[] = {"000", "077", "777"};
  enum { MASKS = 3 };
  /* Rows of the matrix: default, readable, public (two ways), owner + readers, deny B write,
   * named B read, read-only. */
  const int which[] = {0, 1, 2, 3, 4, 6, 7, 5};
  enum { N = sizeof which / sizeof which[0] };
  outcome got[MASKS][N];
  kt_proc b;
  CU_ASSERT_FATAL(kt_spawn(&b, 1, USER_B));
  uint32_t fresh = kt_unused_session() + 20;
  for (int m = 0; m < MASKS; m++) {
    kt_proc a;
    CU_ASSERT_FATAL(kt_spawn(&a, 1, USER_A));
    KT_OK(kt_cmd(&a, NULL, 0, "umask %s", masks[m]));
    /* A session marker A makes under this umask. */
    char marker[512];
    marker_path(fresh + (uint32_t)m, marker, sizeof marker);
    KT_OK(kt_cmd(&a, NULL, 0, "join %u", (unsigned)(fresh + (uint32_t)m)));
    struct stat st;
    CU_ASSERT_EQUAL(lstat(marker, &st), 0);
    CU_ASSERT_EQUAL(st.st_mode & 07777, 0444);
    KT_OK(kt_cmd(&a, NULL, 0, "join 1"));
    CU_ASSERT(!present(marker));
    for (int i = 0; i < N; i++) {
      const row *r = &rows[which[i]];
      const char *name = kt_name("umask");
      KT_OK(kt_cmd(&a, NULL, 0, "create %s 4096 %s %s", name, r->read_only ? RD : RW, r->sddl));
      char path[512];
      kt_native_path(s1, name, path, sizeof path);
      CU_ASSERT_EQUAL(lstat(path, &st), 0);
      outcome *o = &got[m][i];
      o->mode = (unsigned)(st.st_mode & 07777);
      if (o->mode != r->mode)
        fprintf(stderr, "\n  umask %s, %s: mode %04o, want %04o\n", masks[m], r->sddl, o->mode,
                (unsigned)r->mode);
      CU_ASSERT_EQUAL(o->mode, r->mode);
      o->raw_r = (unsigned)kt_cmd(&b, NULL, 0, "rawopenf %s r", path);
      o->raw_rw = (unsigned)kt_cmd(&b, NULL, 0, "rawopenf %s b", path);
      o->lib_r = (unsigned)kt_cmd(&b, NULL, 0, "open %s " RD, name);
      if (o->lib_r == 0) kt_cmd(&b, NULL, 0, "close");
      o->lib_rw = (unsigned)kt_cmd(&b, NULL, 0, "open %s " RW, name);
      if (o->lib_rw == 0) kt_cmd(&b, NULL, 0, "close");
    }
    CU_ASSERT_EQUAL(finish(&a), 0);
  }
  for (int m = 1; m < MASKS; m++)
    for (int i = 0; i < N; i++) CU_ASSERT(memcmp(&got[m][i], &got[0][i], sizeof got[0][i]) == 0);
  CU_ASSERT_EQUAL(finish(&b), 0);
  kobjns_ctx_free(s1);

  /* A root service under any umask, in-process. */
  kobjns_ctx *service = kt_ctx(0, true);
  const mode_t umasks[] = {0, 077, 0777};
  for (int m = 0; m < MASKS; m++) {
    mode_t old = umask(umasks[m]);
    const char *sddl[] = {NULL, "D:(A;;GA;;;SY)(A;;GR;;;WD)", "D:NO_ACCESS_CONTROL"};
    const mode_t want[] = {0600, 0444, 0666};
    for (int i = 0; i < 3; i++) {
      const char *name = kt_prefixed("Global\\", "umask");
      kobjns_section *s = NULL;
      KT_OK(kobjns_section_create(service, name, 4096, KOBJNS_MAP_WRITE, sddl[i], &s));
      char path[512];
      kt_native_path(service, name, path, sizeof path);
      struct stat st;
      CU_ASSERT_EQUAL(lstat(path, &st), 0);
      CU_ASSERT_EQUAL(st.st_mode & 07777, want[i]);
      KT_OK(kobjns_section_close(s));
    }
    umask(old);
  }
  kobjns_ctx_free(service);
  sweep();
}

/* --- the environment is not an authority ------------------------------------------------------ */

static void environment_games(void) {
  /* KOBJNS_ROOT cannot leave the kobjns.<root>. names of /dev/shm: anything but
   * [A-Za-z0-9_-]{1,32} is refused (87) before any file is touched. */
  const char *bad[] = {"..", "../x", "a.b", "a/b", "", "x23456789012345678901234567890123"};
  char *saved = strdup(getenv("KOBJNS_ROOT"));
  CU_ASSERT_FATAL(saved != NULL);
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    setenv("KOBJNS_ROOT", bad[i], 1);
    kt_proc b;
    bool started = kt_spawn(&b, 1, USER_B);
    setenv("KOBJNS_ROOT", saved, 1);
    CU_ASSERT_FATAL(started);
    long took;
    KT_STATUS(child_start(&b, &took), KOBJNS_INVALID_PARAMETER);
    finish(&b);
  }
  free(saved);

  /* Squatting: B, in session 1, creates a name in session 3's namespace before A (in session 3)
   * does. Not defended on POSIX (Windows keeps other users out of a session's namespace); A's
   * create at least says it did not create the object (183), and a root service refuses it. */
  kt_proc a, b;
  CU_ASSERT_FATAL(kt_spawn(&a, 3, USER_A));
  CU_ASSERT_FATAL(kt_spawn(&b, 1, USER_B));
  long took;
  KT_OK(child_start(&a, &took));
  const char *leaf = kt_name("squat");
  KT_OK(kt_cmd(&b, NULL, 0, "create Session\\3\\%s 4096 " RW " D:NO_ACCESS_CONTROL", leaf));
  KT_STATUS(kt_cmd(&a, NULL, 0, "create %s 4096 " RW " -", leaf), KOBJNS_ALREADY_EXISTS);
  /* The same in Global\: B claims session 0, which gives it the right to create there. A service
   * that does not run as root (A, in session 0) is squatted like any user (not defended; it can
   * tell by 183); a root service refuses B's object. */
  kt_proc svc_a, b0;
  CU_ASSERT_FATAL(kt_spawn(&svc_a, 0, USER_A));
  CU_ASSERT_FATAL(kt_spawn(&b0, 0, USER_B));
  const char *g = kt_prefixed("Global\\", "squat");
  KT_OK(kt_cmd(&b0, NULL, 0, "create %s 4096 " RW " D:NO_ACCESS_CONTROL", g));
  KT_STATUS(kt_cmd(&svc_a, NULL, 0, "create %s 4096 " RW " -", g), KOBJNS_ALREADY_EXISTS);
  kobjns_ctx *service = kt_ctx(0, true);
  kobjns_section *gs = NULL;
  KT_STATUS(kobjns_section_create(service, g, 4096, KOBJNS_MAP_WRITE, NULL, &gs),
            KOBJNS_ACCESS_DENIED);
  CU_ASSERT_EQUAL(finish(&b0), 0);
  CU_ASSERT_EQUAL(finish(&svc_a), 0);
  char name[256];
  snprintf(name, sizeof name, "Session\\3\\%s", leaf);
  kobjns_section *s = NULL;
  KT_STATUS(kobjns_section_open(service, name, KOBJNS_MAP_READ, &s), KOBJNS_ACCESS_DENIED);
  kobjns_ctx_free(service);
  CU_ASSERT_EQUAL(finish(&b), 0);
  CU_ASSERT_EQUAL(finish(&a), 0);
  sweep();
}

/* --- root's cleanup among planted files --------------------------------------------------------
 */

static void cleanup_among_planted_files(void) {
  kt_proc b;
  CU_ASSERT_FATAL(kt_spawn(&b, 0, USER_B));
  char target[64] = "/tmp/kobjns-target-XXXXXX";
  int tfd = mkstemp(target);
  CU_ASSERT_FATAL(tfd >= 0);
  CU_ASSERT_EQUAL(write(tfd, "root-secret", 11), 11);
  close(tfd);
  char paths[7][512], canon[512];
  const char *what[] = {"fifo", "symlink", "dir", "socket", "locked", "stale", "live"};
  for (int i = 0; i < 7; i++) {
    const char *leaf = kt_name(what[i]);
    native_in(0, leaf, paths[i], sizeof paths[i]);
    canonical_in(0, leaf, canon, sizeof canon);
    plant(paths[i]);
    if (i >= 4) KT_OK(kt_cmd(&b, NULL, 0, "rawforge %s %s 4096 D:", paths[i], canon));
  }
  KT_OK(kt_cmd(&b, NULL, 0, "rawmkfifo %s", paths[0]));
  KT_OK(kt_cmd(&b, NULL, 0, "rawsymlink %s %s", target, paths[1]));
  KT_OK(kt_cmd(&b, NULL, 0, "rawmkdir %s", paths[2]));
  KT_OK(kt_cmd(&b, NULL, 0, "rawsocket %s", paths[3]));
  KT_OK(kt_cmd(&b, NULL, 0, "rawlock %s exnb", paths[4]));
  KT_OK(kt_cmd(&b, NULL, 0, "rawlock %s shnb", paths[6]));
  long start = now_ms();
  size_t removed = 0;
  KT_OK(kobjns_cleanup(&removed));
  CU_ASSERT(now_ms() - start < 1000); /* it never waits for a lock */
  CU_ASSERT(removed >= 1);
  for (int i = 0; i < 7; i++)
    if (present(paths[i]) != (i != 5)) fprintf(stderr, "\n  cleanup and %s\n", what[i]);
  for (int i = 0; i < 7; i++) CU_ASSERT(present(paths[i]) == (i != 5)); /* only the stale one */
  struct stat st;
  CU_ASSERT(stat(target, &st) == 0 && st.st_size == 11);
  CU_ASSERT_EQUAL(finish(&b), 0);
  unlink(target);
  sweep();
}

/* kobjns_open_explain() names the check that refused an open: the descriptor (the library's
 * check), the kernel's mode bits (another user's default descriptor gives other users no bits). */
static void why_an_open_is_refused(void) {
  const char *none = kt_name("why-none"), *own = kt_name("why-own");
  kobjns_ctx *app = kt_ctx(1, false);
  kobjns_sync *m = NULL;
  KT_OK(kobjns_mutex_create(app, none, 0, "D:", &m));
  kobjns_denial why = KOBJNS_DENIAL_NONE;
  KT_STATUS(kobjns_open_explain(app, none, KOBJNS_TYPE_MUTEX, KOBJNS_SYNCHRONIZE, &why),
            KOBJNS_ACCESS_DENIED);
  CU_ASSERT_EQUAL(why, KOBJNS_DENIAL_DESCRIPTOR);
  KT_STATUS(kobjns_open_explain(app, none, KOBJNS_TYPE_SECTION, KOBJNS_MAP_READ, &why),
            KOBJNS_INVALID_HANDLE); /* another type holds the name */
  kobjns_sync *mine = NULL;
  const char *mine_name = kt_name("why-mine");
  KT_OK(kobjns_mutex_create(app, mine_name, 0, NULL, &mine));
  KT_STATUS(kobjns_open_explain(app, mine_name, KOBJNS_TYPE_MUTEX, 0, &why), KOBJNS_ACCESS_DENIED);
  CU_ASSERT_EQUAL(why, KOBJNS_DENIAL_NOTHING_ASKED);
  KT_OK(kobjns_close(mine));
  KT_STATUS(
      kobjns_open_explain(app, kt_name("why-missing"), KOBJNS_TYPE_EVENT, KOBJNS_SYNCHRONIZE, &why),
      KOBJNS_FILE_NOT_FOUND);
  CU_ASSERT_EQUAL(why, KOBJNS_DENIAL_NONE);
  KT_STATUS(kobjns_open_explain(app, none, KOBJNS_TYPE_SESSION, 1, &why), KOBJNS_INVALID_PARAMETER);
  KT_STATUS(kobjns_open_explain(app, none, KOBJNS_TYPE_MUTEX, KOBJNS_MAP_READ, &why),
            KOBJNS_INVALID_PARAMETER); /* not a mutex's right */
  /* Another user's object with the default descriptor: the kernel keeps this uid out. */
  kt_proc a;
  CU_ASSERT_FATAL(kt_spawn(&a, 1, USER_A));
  KT_OK(kt_cmd(&a, NULL, 0, "create %s 4096 " RW " -", own));
  kt_proc b;
  CU_ASSERT_FATAL(kt_spawn(&b, 1, USER_B));
  char reply[128];
  KT_STATUS(kt_cmd(&b, reply, sizeof reply, "explain %s 4", own), KOBJNS_ACCESS_DENIED);
  char want[64];
  snprintf(want, sizeof want, "5 %d", (int)KOBJNS_DENIAL_MODE_BITS);
  CU_ASSERT_STRING_EQUAL(reply, want);
  /* An open that is granted (root, an administrator, in the object's own session): 0. */
  KT_OK(kobjns_open_explain(app, own, KOBJNS_TYPE_SECTION, KOBJNS_MAP_READ, &why));
  CU_ASSERT_EQUAL(why, KOBJNS_DENIAL_NONE);
  CU_ASSERT_EQUAL(finish(&b), 0);
  CU_ASSERT_EQUAL(finish(&a), 0);
  KT_OK(kobjns_sync_close(m));
  kobjns_ctx_free(app);
  sweep();
}

/* MAXIMUM_ALLOWED asks for whatever the descriptor grants: each right of the type asked alone,
 * the kernel's mode bits included (a right that opens the file for writing needs them). */
static void maximum_allowed_gets_what_is_granted(void) {
  const char *name = kt_name("maxallowed"), *mutex = kt_name("maxallowedm");
  kobjns_section *s = NULL, *got = NULL;
  kobjns_sync *m = NULL, *mgot = NULL;
  /* SYSTEM may do anything; everyone may read (GR) the section, and wait on (SYNCHRONIZE) the
   * mutex. */
  KT_OK(
      kobjns_section_create(NULL, name, 4096, KOBJNS_MAP_WRITE, "D:(A;;GA;;;SY)(A;;GR;;;WD)", &s));
  KT_OK(kobjns_mutex_create(NULL, mutex, 0, "D:(A;;GA;;;SY)(A;;0x100000;;;WD)", &m));
  kobjns_ctx *user = kt_ctx(kt_runner_session(), false);
  KT_OK(kobjns_ctx_set_user(user, 4242));
  unsigned access = 0;
  KT_OK(kobjns_section_open(user, name, KOBJNS_MAXIMUM_ALLOWED, &got));
  KT_OK(kobjns_section_access(got, &access));
  CU_ASSERT(access & KOBJNS_MAP_READ);
  CU_ASSERT_FALSE(access & KOBJNS_MAP_WRITE);
  void *view = NULL;
  KT_OK(kobjns_section_map(got, KOBJNS_MAP_READ, 0, 0, &view));
  if (view) KT_OK(kobjns_unmap(view));
  KT_STATUS(kobjns_section_map(got, KOBJNS_MAP_WRITE, 0, 0, &view), KOBJNS_ACCESS_DENIED);
  if (got) KT_OK(kobjns_section_close(got));
  /* Other rights asked with it must be granted too. */
  got = NULL;
  KT_STATUS(kobjns_section_open(user, name, KOBJNS_MAXIMUM_ALLOWED | KOBJNS_MAP_WRITE, &got),
            KOBJNS_ACCESS_DENIED);
  CU_ASSERT_PTR_NULL(got);
  /* A mutex the descriptor lets it wait on only. */
  KT_OK(kobjns_mutex_open(user, mutex, KOBJNS_MAXIMUM_ALLOWED, &mgot));
  KT_OK(kobjns_sync_access(mgot, &access));
  CU_ASSERT_EQUAL(access, KOBJNS_SYNCHRONIZE);
  if (mgot) KT_OK(kobjns_sync_close(mgot));
  /* Nothing granted: 5; no such object: 2. Root's own context gets every right. */
  kobjns_section *none = NULL;
  kobjns_ctx *other = kt_ctx(kt_runner_session(), false);
  KT_OK(kobjns_ctx_set_user(other, 4242));
  KT_OK(kobjns_section_close(s));
  s = NULL;
  KT_OK(kobjns_section_create(NULL, name, 4096, KOBJNS_MAP_WRITE, "D:(A;;GA;;;SY)", &s));
  KT_STATUS(kobjns_section_open(other, name, KOBJNS_MAXIMUM_ALLOWED, &none), KOBJNS_ACCESS_DENIED);
  KT_STATUS(kobjns_section_open(other, kt_name("maxnone"), KOBJNS_MAXIMUM_ALLOWED, &none),
            KOBJNS_FILE_NOT_FOUND);
  CU_ASSERT_PTR_NULL(none);
  KT_OK(kobjns_section_open(NULL, name, KOBJNS_MAXIMUM_ALLOWED, &got));
  KT_OK(kobjns_section_access(got, &access));
  CU_ASSERT_EQUAL(access, KOBJNS_MAP_ALL_ACCESS);
  if (got) KT_OK(kobjns_section_close(got));
  kobjns_ctx_free(other);
  kobjns_ctx_free(user);
  KT_OK(kobjns_sync_close(m));
  KT_OK(kobjns_section_close(s));
}

#define SECURITY_TEST(fn) fn
#else
/* Nothing here runs on Windows (KT_NEEDS_ROOT never holds there). The tests are registered
 * inactive all the same, so that the suite reports each as skipped, with the reason (77), rather
 * than an empty run. */
static void posix_only(void) {}
#define SECURITY_TEST(fn) posix_only
#endif

#ifndef _WIN32
/* A name file `path` for B (a child of USER_B, which keeps it locked: not stale) holding `bytes`
 * of a name record: what anyone may plant where objects are apart from their names. */
static void plant_name(kt_proc *b, const char *path, const void *bytes, size_t len) {
  plant(path);
  int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0444);
  CU_ASSERT_FATAL(fd >= 0);
  CU_ASSERT(write(fd, bytes, len) == (ssize_t)len);
  CU_ASSERT(fchown(fd, USER_B, (gid_t)-1) == 0);
  close(fd);
  KT_OK(kt_cmd(b, NULL, 0, "rawlock %s sh", path));
}

static bool read_name_file(const char *path, kobjns__name_record *r) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  bool ok = fd >= 0 && read(fd, r, sizeof *r) == (ssize_t)sizeof *r;
  if (fd >= 0) close(fd);
  return ok;
}

/* Where objects are apart from their names (the generic platform), anyone may plant a name file
 * whose record names any shm object. A root service never adopts one: a name of B's naming
 * root's bytes, B's bytes whose header is another name's, or bytes that do not exist are all
 * 1392 to an open and to a create, within the bound; what B made through the library is refused
 * as any plant is (5). */
static void planted_names_apart(void) {
  kt_proc b, svc;
  CU_ASSERT_FATAL(kt_spawn(&b, 0, USER_B));
  CU_ASSERT_FATAL(kt_spawn(&svc, 0, -1));
  kobjns_ctx *s0 = kt_ctx(0, false);
  char path[512], name[512], real_path[512], own_path[512];

  const char *real = kt_name("apartreal"), *own = kt_name("apartown");
  char real_name[512], own_name[512];
  snprintf(real_name, sizeof real_name, "Global\\%s", real);
  snprintf(own_name, sizeof own_name, "Global\\%s", own);
  kobjns_section *s = NULL;
  KT_OK(kobjns_section_create(s0, real_name, 4096, KOBJNS_MAP_READ | KOBJNS_MAP_WRITE, NULL,
                              &s)); /* root's bytes */
  native_in(0, real, real_path, sizeof real_path);
  KT_OK(kt_cmd(&b, NULL, 0, "create %s 4096 " RW " D:NO_ACCESS_CONTROL", own_name));
  native_in(0, own, own_path, sizeof own_path);
  service_tries(&svc, own_name, KOBJNS_ACCESS_DENIED, KOBJNS_ACCESS_DENIED); /* B's: a plant */

  /* B's name: naming root's bytes; B's bytes, whose header names B's other object; nothing;
   * and no record at all. */
  kobjns__name_record steal, copy, none;
  CU_ASSERT_FATAL(read_name_file(real_path, &steal));
  CU_ASSERT_FATAL(read_name_file(own_path, &copy));
  none = steal;
  snprintf(none.data, sizeof none.data, "/kobjns-00000000-00000000000000");
  const struct {
    const char *base;
    const void *bytes;
    size_t len;
  } plants[] = {{"apartsteal", &steal, sizeof steal},
                {"apartcopy", &copy, sizeof copy},
                {"apartnone", &none, sizeof none},
                {"apartjunk", "junk", 4}};
  for (size_t i = 0; i < sizeof plants / sizeof *plants; i++) {
    const char *leaf = kt_name(plants[i].base);
    native_in(0, leaf, path, sizeof path);
    snprintf(name, sizeof name, "Global\\%s", leaf);
    plant_name(&b, path, plants[i].bytes, plants[i].len);
    service_tries(&svc, name, KOBJNS_FILE_CORRUPT, KOBJNS_FILE_CORRUPT);
  }

  KT_OK(kobjns_section_close(s));
  KT_OK(kt_cmd(&b, NULL, 0, "rawunlock"));
  KT_OK(kt_cmd(&b, NULL, 0, "close"));
  CU_ASSERT_EQUAL(finish(&b), 0);
  CU_ASSERT_EQUAL(finish(&svc), 0);
  kobjns_ctx_free(s0);
  sweep();
}
#define APART_TEST(fn) fn
#else
#define APART_TEST(fn) NULL
#endif

void kt_add_security(CU_pSuite s) {
  const unsigned root = KT_NEEDS_ROOT;
  kt_add(s, "the kernel's sticky-directory protections on this machine",
         SECURITY_TEST(kernel_protections), root);
  kt_add(s, "descriptors x users: the library gives what is granted or less, the kernel no more",
         SECURITY_TEST(descriptor_matrix), root);
  kt_add(s, "a reader cannot write, resize, re-mode, re-own or rename another's section",
         SECURITY_TEST(readers_cannot_write), root);
  kt_add(s, "kobjns_open_explain names the check that refused (descriptor, mode bits, plant)",
         SECURITY_TEST(why_an_open_is_refused), KT_NEEDS_ROOT);
  kt_add(s, "MAXIMUM_ALLOWED opens with the rights the descriptor grants, 5 with none",
         SECURITY_TEST(maximum_allowed_gets_what_is_granted), root);
  kt_add(s, "a root service refuses objects planted through the library",
         SECURITY_TEST(planted_through_library), root);
  kt_add(
      s,
      "a root service never adopts planted files (forged, FIFO, symlink, lease, link, dir, socket)",
      SECURITY_TEST(planted_files), root | KT_NEEDS_ONE_FILE);
  kt_add(s, "planted session markers: a model, never trusted, never a hang",
         SECURITY_TEST(planted_session_markers), root | KT_NEEDS_ONE_FILE);
  kt_add(s, "a reader's flock never hangs a root service (bounded wait, then 170)",
         SECURITY_TEST(hostile_lock_holder), root);
  kt_add(s, "nobody removes, replaces or sweeps another user's objects and markers",
         SECURITY_TEST(others_objects_stay), root);
  kt_add(s, "the umask plays no part: same modes, same access for others",
         SECURITY_TEST(umask_plays_no_part), root);
  kt_add(s, "KOBJNS_ROOT and KOBJNS_SESSION give no authority", SECURITY_TEST(environment_games),
         root);
  kt_add(s, "objects apart from their names: a root service never adopts a planted name file",
         APART_TEST(planted_names_apart), root | KT_NEEDS_APART);
  kt_add(s, "root's kobjns_cleanup() among planted files",
         SECURITY_TEST(cleanup_among_planted_files), root);
}
