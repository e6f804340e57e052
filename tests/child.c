/* The child side of multi-process tests: a small command interpreter on stdin/stdout, so that
 * a test can play a service, an app or another user step by step. One reply line per command,
 * starting with the status. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#ifndef _WIN32
#include <signal.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#endif

#include "kt.h"
#ifndef _WIN32
#include "object.h" /* the header layout, to forge one (security suite) */
#endif

#define MAX_HANDLES 64

#ifndef _WIN32
/* What another user can do with plain system calls, outside kobjns (security suite). Each
 * command replies with the errno of the first call that failed, or 0. Paths are absolute. */

#define MAX_RAW_FDS 32
static int raw_fds[MAX_RAW_FDS]; /* descriptors kept open: locks held, sockets bound */
static int raw_count;

static void raw_keep(int fd) {
  if (raw_count < MAX_RAW_FDS)
    raw_fds[raw_count++] = fd;
  else
    close(fd);
}

/* Open flags from letters: r read, w write, b both, t O_TRUNC, c O_CREAT|O_EXCL. Never follows a
 * symlink and never blocks (a FIFO). */
static int raw_flags(const char *f) {
  int flags = strchr(f, 'b') ? O_RDWR : strchr(f, 'w') ? O_WRONLY : O_RDONLY;
  if (strchr(f, 't')) flags |= O_TRUNC;
  if (strchr(f, 'c')) flags |= O_CREAT | O_EXCL;
  return flags | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC;
}

/* A header that claims `canonical` (e.g. \BaseNamedObjects\x) with descriptor `sddl`, type
 * `type`, and a creator uid of 0, in a new file of mode 0666 at `path`. */
static int raw_forge(const char *path, const char *canonical, uint64_t size, const char *sddl,
                     unsigned type) {
  long page = sysconf(_SC_PAGESIZE);
  size_t path_len = strlen(canonical);
  kobjns__header h = {.magic = KOBJNS__MAGIC,
                      .version = KOBJNS__HEADER_VERSION,
                      .type = (uint16_t)type,
                      .header_size = (uint32_t)page,
                      .size = size,
                      .creator_uid = 0,
                      .path_len = (uint32_t)path_len};
  kobjns__sd sd;
  if (kobjns__sddl_parse(sddl, &sd)) return EINVAL;
  kobjns__sd_store(&sd, &h.sd);
  int fd = open(path, raw_flags("bc"), 0666);
  if (fd < 0) return errno;
  int err = 0;
  errno = 0;
  if (ftruncate(fd, (off_t)((uint64_t)page + size)) < 0 ||
      pwrite(fd, &h, sizeof h, 0) != (ssize_t)sizeof h ||
      pwrite(fd, canonical, path_len, sizeof h) != (ssize_t)path_len || fchmod(fd, 0666) < 0)
    err = errno ? errno : EIO;
  close(fd);
  return err;
}

/* Rewrite the canonical path in the header of an object we may write. */
static int raw_setpath(const char *path, const char *canonical) {
  int fd = open(path, raw_flags("b"));
  if (fd < 0) return errno;
  kobjns__header h;
  uint32_t len = (uint32_t)strlen(canonical);
  int err = 0;
  errno = 0;
  if (pread(fd, &h, sizeof h, 0) != (ssize_t)sizeof h)
    err = EIO;
  else if (h.header_size < sizeof h + len)
    err = ENAMETOOLONG;
  else {
    h.path_len = len;
    if (pwrite(fd, &h, sizeof h, 0) != (ssize_t)sizeof h ||
        pwrite(fd, canonical, len, sizeof h) != (ssize_t)len)
      err = errno ? errno : EIO;
  }
  close(fd);
  return err;
}

/* Try to write through a read-only descriptor's mapping: a shared writable map, or mprotect. */
static int raw_mmap(const char *path, const char *how) {
  int fd = open(path, raw_flags("r"));
  if (fd < 0) return errno;
  int err = 0;
  long page = sysconf(_SC_PAGESIZE);
  if (!strcmp(how, "shared") || !strcmp(how, "private")) {
    int flags = !strcmp(how, "shared") ? MAP_SHARED : MAP_PRIVATE;
    char *p = mmap(NULL, (size_t)page, PROT_READ | PROT_WRITE, flags, fd, 0);
    if (p == MAP_FAILED)
      err = errno;
    else {
      memset(p, 0x5A, (size_t)page); /* private: our copy only */
      munmap(p, (size_t)page);
    }
  } else { /* mprotect */
    char *p = mmap(NULL, (size_t)page, PROT_READ, MAP_SHARED, fd, 0);
    if (p == MAP_FAILED)
      err = errno;
    else {
      if (mprotect(p, (size_t)page, PROT_READ | PROT_WRITE) < 0) err = errno;
      munmap(p, (size_t)page);
    }
  }
  close(fd);
  return err;
}

/* One raw command; false if `cmd` is not one. */
static bool raw_command(const char *cmd, const char *a, const char *b, const char *c,
                        const char *d) {
  int err = 0;
  if (!strcmp(cmd, "rawopenf")) { /* open with flags b (letters above) */
    int fd = open(a, raw_flags(b), 0666);
    err = fd < 0 ? errno : 0;
    if (fd >= 0) close(fd);
  } else if (!strcmp(cmd, "rawtrunc")) { /* truncate(2) by path */
    err = truncate(a, (off_t)strtoll(b, NULL, 0)) < 0 ? errno : 0;
  } else if (!strcmp(cmd, "rawftrunc")) { /* ftruncate(2) through a descriptor opened with c */
    int fd = open(a, raw_flags(c));
    if (fd < 0)
      err = errno;
    else {
      err = ftruncate(fd, (off_t)strtoll(b, NULL, 0)) < 0 ? errno : 0;
      close(fd);
    }
  } else if (!strcmp(cmd, "rawpwrite")) { /* one byte 0xFF at offset b, opened with c */
    int fd = open(a, raw_flags(c));
    if (fd < 0)
      err = errno;
    else {
      unsigned char byte = 0xFF;
      err = pwrite(fd, &byte, 1, (off_t)strtoll(b, NULL, 0)) < 0 ? errno : 0;
      close(fd);
    }
  } else if (!strcmp(cmd, "rawmmap")) { /* shared | private | mprotect */
    err = raw_mmap(a, b);
  } else if (!strcmp(cmd, "rawchmod")) {
    err = chmod(a, (mode_t)strtoul(b, NULL, 8)) < 0 ? errno : 0;
  } else if (!strcmp(cmd, "rawchown")) {
    err = lchown(a, (uid_t)strtol(b, NULL, 0), (gid_t)strtol(c, NULL, 0)) < 0 ? errno : 0;
  } else if (!strcmp(cmd, "rawfchmod") || !strcmp(cmd, "rawfchown")) { /* through a read fd */
    int fd = open(a, raw_flags("r"));
    if (fd < 0)
      err = errno;
    else {
      int r = !strcmp(cmd, "rawfchmod")
                  ? fchmod(fd, (mode_t)strtoul(b, NULL, 8))
                  : fchown(fd, (uid_t)strtol(b, NULL, 0), (gid_t)strtol(c, NULL, 0));
      err = r < 0 ? errno : 0;
      close(fd);
    }
  } else if (!strcmp(cmd, "rawrename")) {
    err = rename(a, b) < 0 ? errno : 0;
  } else if (!strcmp(cmd, "rawlink")) {
    err = link(a, b) < 0 ? errno : 0;
  } else if (!strcmp(cmd, "rawsymlink")) { /* rawsymlink TARGET PATH */
    err = symlink(a, b) < 0 ? errno : 0;
  } else if (!strcmp(cmd, "rawmkfifo")) {
    err = mkfifo(a, 0666) < 0 || chmod(a, 0666) < 0 ? errno : 0;
  } else if (!strcmp(cmd, "rawmkdir")) {
    err = mkdir(a, 0777) < 0 || chmod(a, 0777) < 0 ? errno : 0;
  } else if (!strcmp(cmd, "rawsocket")) { /* a bound unix socket, kept open */
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    snprintf(addr.sun_path, sizeof addr.sun_path, "%s", a);
    if (fd < 0 || bind(fd, (struct sockaddr *)&addr, sizeof addr) < 0 || chmod(a, 0777) < 0) {
      err = errno;
      if (fd >= 0) close(fd);
    } else {
      raw_keep(fd);
    }
  } else if (!strcmp(cmd, "rawforge")) { /* rawforge PATH CANONICAL SIZE SDDL: a section */
    err = raw_forge(a, b, strtoull(c, NULL, 0), d, 1);
  } else if (!strcmp(cmd, "rawforgetype")) { /* rawforgetype PATH CANONICAL TYPE SDDL */
    err = raw_forge(a, b, 4096, d, (unsigned)strtoul(c, NULL, 0));
  } else if (!strcmp(cmd, "rawsetpath")) {
    err = raw_setpath(a, b);
  } else if (!strcmp(cmd, "rawlock")) { /* rawlock PATH sh|ex|shnb|exnb: open read-only, flock */
    int fd = open(a, raw_flags("r"));
    if (fd < 0)
      err = errno;
    else {
      int op = (b[0] == 'e' ? LOCK_EX : LOCK_SH) | (strstr(b, "nb") ? LOCK_NB : 0);
      int r;
      do r = flock(fd, op);
      while (r < 0 && errno == EINTR);
      if (r < 0) {
        err = errno;
        close(fd);
      } else {
        raw_keep(fd);
      }
    }
  } else if (!strcmp(cmd, "rawlease")) { /* a write lease on a file we own, kept */
    signal(SIGIO, SIG_IGN);              /* the kernel's "lease broken" notice */
    int fd = open(a, raw_flags("r"));
    if (fd < 0 || fcntl(fd, F_SETLEASE, F_WRLCK) < 0) {
      err = errno;
      if (fd >= 0) close(fd);
    } else {
      raw_keep(fd);
    }
  } else if (!strcmp(cmd, "rawhold")) { /* open read-only (never blocks) and keep it open */
    int fd = open(a, raw_flags("r"));
    err = fd < 0 ? errno : 0;
    if (fd >= 0) raw_keep(fd);
  } else if (!strcmp(cmd, "rawunlock")) { /* close every kept descriptor */
    while (raw_count) close(raw_fds[--raw_count]);
  } else if (!strcmp(cmd, "rawfifoempty")) { /* 0 when nothing was written into FIFO a */
    int fd = open(a, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    char byte;
    if (fd < 0)
      err = errno;
    else {
      err = read(fd, &byte, 1) > 0 ? EEXIST : 0;
      close(fd);
    }
  } else if (!strcmp(cmd, "exec")) {
    /* exec PROGRAM: become a new child (PROGRAM --child) on the same pipes, with everything the
     * library held ending as exec() ends it; no reply unless exec() fails */
    fflush(NULL);
    execl(a, a, "--child", (char *)NULL);
    err = errno;
  } else if (!strcmp(cmd, "cleanup")) { /* kobjns_cleanup(): "status removed" */
    size_t removed = 0;
    int rc = kobjns_cleanup(&removed);
    printf("%d %zu\n", rc, removed);
    return true;
  } else {
    return false;
  }
  printf("%d\n", err);
  return true;
}
#endif

int kt_child_main(void) {
  kobjns_ctx *ctx = NULL;
  int rc = kobjns_ctx_new(&ctx);
  if (rc) {
    printf("%d ctx\n", rc);
    fflush(stdout);
    return 1;
  }
  kobjns_section *handles[MAX_HANDLES] = {0};
  int count = 0;
  kobjns_section *cur = NULL;
  kobjns_sync *syncs[MAX_HANDLES] = {0}; /* mutexes, events, semaphores: the last one is used */
  int sync_count = 0;
  kobjns_namespace *namespaces[MAX_HANDLES] = {0};
  int ns_count = 0;
  char line[4096];
  while (fgets(line, sizeof line, stdin)) {
    line[strcspn(line, "\n")] = '\0';
    char cmd[32] = "", a[1024] = "", b[1024] = "", c[64] = "", d[1024] = "";
    sscanf(line, "%31s %1023s %1023s %63s %1023s", cmd, a, b, c, d);
    if (!strcmp(cmd, "exit")) break;
    if (!strcmp(cmd, "create") || !strcmp(cmd, "open")) {
      kobjns_section *s = NULL;
      if (!strcmp(cmd, "create"))
        rc = kobjns_section_create(ctx, a, strtoull(b, NULL, 0), (unsigned)strtoul(c, NULL, 0),
                                   strcmp(d, "-") ? d : NULL, &s);
      else
        rc = kobjns_section_open(ctx, a, (unsigned)strtoul(b, NULL, 0), &s);
      if (s && count < MAX_HANDLES) handles[count++] = cur = s;
      printf("%d\n", rc);
    } else if (!strcmp(cmd, "write") || !strcmp(cmd, "read")) {
      bool write = !strcmp(cmd, "write");
      void *view = NULL;
      rc = cur ? kobjns_section_map(cur, write ? KOBJNS_MAP_WRITE : KOBJNS_MAP_READ, 0, 0, &view)
               : KOBJNS_INVALID_HANDLE;
      if (!rc && write) strcpy(view, a);
      printf("%d %s\n", rc, !rc && !write ? (const char *)view : "");
      if (view) kobjns_unmap(view);
    } else if (!strcmp(cmd, "nscreate") || !strcmp(cmd, "nsopen")) {
      /* nscreate ALIAS BOUNDARY SIDS SDDL | nsopen ALIAS BOUNDARY SIDS: SIDS "BA,WD" or "-" */
      kobjns_boundary *bd = NULL;
      kobjns_namespace *ns = NULL;
      rc = kobjns_boundary_create(b, &bd);
      for (char *sid = strtok(c, ","); !rc && sid; sid = strtok(NULL, ","))
        if (strcmp(sid, "-")) rc = kobjns_boundary_add_sid(bd, sid);
      if (!rc && !strcmp(cmd, "nscreate"))
        rc = kobjns_namespace_create(ctx, bd, a, d[0] && strcmp(d, "-") ? d : NULL, &ns);
      else if (!rc)
        rc = kobjns_namespace_open(ctx, bd, a, &ns);
      kobjns_boundary_free(bd);
      if (ns && ns_count < MAX_HANDLES) namespaces[ns_count++] = ns;
      printf("%d\n", rc);
    } else if (!strcmp(cmd, "nsclose")) { /* nsclose [destroy]: the last namespace opened */
      rc = ns_count ? kobjns_namespace_close(namespaces[ns_count - 1],
                                             !strcmp(a, "destroy") ? KOBJNS_NAMESPACE_DESTROY : 0)
                    : KOBJNS_INVALID_HANDLE;
      if (!rc) ns_count--;
      printf("%d\n", rc);
    } else if (!strcmp(cmd, "explain")) { /* explain NAME ACCESS: a section's open, why refused */
      kobjns_denial why = KOBJNS_DENIAL_NONE;
      rc = kobjns_open_explain(ctx, a, KOBJNS_TYPE_SECTION, (unsigned)strtoul(b, NULL, 0), &why);
      printf("%d %d\n", rc, (int)why);
    } else if (!strcmp(cmd, "close")) {
      rc = kobjns_section_close(cur);
      for (int i = 0; i < count; i++)
        if (handles[i] == cur) handles[i] = handles[--count];
      cur = count ? handles[count - 1] : NULL;
      printf("%d\n", rc);
#ifndef _WIN32
    } else if (!strcmp(cmd, "rawopen")) { /* what the kernel alone allows: errno of open() */
      int fd = open(a, !strcmp(b, "rw") ? O_RDWR : O_RDONLY);
      printf("%d\n", fd < 0 ? errno : 0);
      if (fd >= 0) close(fd);
    } else if (!strcmp(cmd, "rawunlink")) {
      printf("%d\n", unlink(a) < 0 ? errno : 0);
    } else if (!strcmp(cmd, "umask")) {
      umask((mode_t)strtoul(a, NULL, 8));
      printf("0\n");
    } else if (raw_command(cmd, a, b, c, d)) {
#endif
    } else if (!strcmp(cmd, "mutex") || !strcmp(cmd, "event") || !strcmp(cmd, "semaphore") ||
               !strcmp(cmd, "timer") || !strcmp(cmd, "mutexopen") || !strcmp(cmd, "eventopen") ||
               !strcmp(cmd, "semaphoreopen") || !strcmp(cmd, "timeropen")) {
      /* mutex NAME OWNER | event NAME MANUAL INITIAL | semaphore NAME INITIAL MAXIMUM |
       * timer NAME MANUAL (SDDL in d, "-" for none) | <kind>open NAME ACCESS */
      kobjns_sync *s = NULL;
      const char *sddl = d[0] && strcmp(d, "-") ? d : NULL;
      unsigned access = (unsigned)strtoul(b, NULL, 0);
      if (!strcmp(cmd, "mutex"))
        rc = kobjns_mutex_create(ctx, a, atoi(b), sddl, &s);
      else if (!strcmp(cmd, "event"))
        rc = kobjns_event_create(ctx, a, atoi(b), atoi(c), sddl, &s);
      else if (!strcmp(cmd, "semaphore"))
        rc = kobjns_semaphore_create(ctx, a, atoi(b), atoi(c), sddl, &s);
      else if (!strcmp(cmd, "timer"))
        rc = kobjns_timer_create(ctx, a, atoi(b), sddl, &s);
      else if (!strcmp(cmd, "timeropen"))
        rc = kobjns_timer_open(ctx, a, access, &s);
      else if (!strcmp(cmd, "mutexopen"))
        rc = kobjns_mutex_open(ctx, a, access, &s);
      else if (!strcmp(cmd, "eventopen"))
        rc = kobjns_event_open(ctx, a, access, &s);
      else
        rc = kobjns_semaphore_open(ctx, a, access, &s);
      if (s && sync_count < MAX_HANDLES) syncs[sync_count++] = s;
      printf("%d\n", rc);
    } else if (!strcmp(cmd, "timerset")) { /* timerset DUE PERIOD_MS: the last object */
      printf("%d\n", sync_count ? kobjns_timer_set(syncs[sync_count - 1], strtoll(a, NULL, 0),
                                                   atoi(b), NULL, NULL, 0)
                                : KOBJNS_INVALID_HANDLE);
    } else if (!strcmp(cmd, "wait")) { /* wait TIMEOUT_MS (or "inf") on the last object */
      uint32_t ms = !strcmp(a, "inf") ? KOBJNS_INFINITE : (uint32_t)strtoul(a, NULL, 0);
      printf("%d\n", sync_count ? kobjns_wait(syncs[sync_count - 1], ms) : KOBJNS_INVALID_HANDLE);
    } else if (!strcmp(cmd, "release")) { /* the mutex */
      printf("%d\n",
             sync_count ? kobjns_mutex_release(syncs[sync_count - 1]) : KOBJNS_INVALID_HANDLE);
    } else if (!strcmp(cmd, "pulse") || !strcmp(cmd, "reset")) {
      kobjns_sync *e = sync_count ? syncs[sync_count - 1] : NULL;
      printf("%d\n", !e                      ? KOBJNS_INVALID_HANDLE
                     : !strcmp(cmd, "pulse") ? kobjns_event_pulse(e)
                                             : kobjns_event_reset(e));
    } else if (!strcmp(cmd, "waitmany")) {
      /* waitmany N ALL TIMEOUT_MS: wait for any (ALL 0) or all of the last N objects: "status
       * index" */
      int n = atoi(a);
      uint32_t ms = !strcmp(c, "inf") ? KOBJNS_INFINITE : (uint32_t)strtoul(c, NULL, 0);
      size_t index = 99;
      rc = n >= 1 && n <= sync_count
               ? kobjns_wait_multiple(syncs + sync_count - n, (size_t)n, atoi(b), ms, &index)
               : KOBJNS_INVALID_HANDLE;
      printf("%d %zu\n", rc, index);
    } else if (!strcmp(cmd, "fairloop")) {
      /* fairloop MS HOLD: for MS milliseconds, wait for the last mutex (no limit), hold it HOLD
       * milliseconds (0: release at once), release it: "status acquisitions longest-wait-in-ms" */
      double end = kt_now_ms() + atof(a), longest = 0;
      int hold_ms = atoi(b);
      unsigned got = 0;
      rc = sync_count ? 0 : KOBJNS_INVALID_HANDLE;
      while (!rc && kt_now_ms() < end) {
        double start = kt_now_ms();
        if ((rc = kobjns_wait(syncs[sync_count - 1], KOBJNS_INFINITE))) break;
        double waited = kt_now_ms() - start;
        if (waited > longest) longest = waited;
        got++;
        if (hold_ms) kt_pause_ms(hold_ms);
        rc = kobjns_mutex_release(syncs[sync_count - 1]);
      }
      printf("%d %u %.1f\n", rc, got, longest);
    } else if (!strcmp(cmd, "set")) {
      printf("%d\n", sync_count ? kobjns_event_set(syncs[sync_count - 1]) : KOBJNS_INVALID_HANDLE);
#ifndef _WIN32
    } else if (!strcmp(cmd, "fillstale")) {
      /* fillstale SIZE: a process of ours creates sections of SIZE bytes until /dev/shm is full
       * (1455), then dies holding them (stale): "status count" */
      int report[2];
      unsigned made = 0;
      rc = pipe(report) < 0 ? KOBJNS_INTERNAL_ERROR : 0;
      pid_t filler = rc ? -1 : fork();
      if (filler == 0) {
        close(report[0]);
        char name[64];
        kobjns_section *s;
        unsigned n = 0;
        for (int r = 0; r < 100000 && !r; n++) {
          snprintf(name, sizeof name, "fill.%u", n);
          r = kobjns_section_create(ctx, name, strtoull(a, NULL, 0), KOBJNS_MAP_WRITE, NULL, &s);
          if (r == KOBJNS_COMMITMENT_LIMIT) break;
          if (r) _exit(1);
        }
        if (write(report[1], &n, sizeof n) != sizeof n) _exit(1);
        _exit(0); /* no exit-time close: what a killed process leaves */
      }
      if (filler > 0) {
        close(report[1]);
        if (read(report[0], &made, sizeof made) != sizeof made) rc = KOBJNS_INTERNAL_ERROR;
        close(report[0]);
        waitpid(filler, NULL, 0);
      }
      printf("%d %u\n", rc, made);
#endif
    } else if (!strcmp(cmd, "setloop")) { /* setloop N: N sets of the last event (to be stopped) */
      long n = atol(a);
      rc = sync_count ? 0 : KOBJNS_INVALID_HANDLE;
      for (long i = 0; i < n && !rc; i++) rc = kobjns_event_set(syncs[sync_count - 1]);
      printf("%d\n", rc);
    } else if (!strcmp(cmd, "post")) { /* post COUNT: "status previous" */
      int32_t previous = -1;
      rc = sync_count ? kobjns_semaphore_release(syncs[sync_count - 1], atoi(a), &previous)
                      : KOBJNS_INVALID_HANDLE;
      printf("%d %d\n", rc, (int)previous);
    } else if (!strcmp(cmd, "pingpong")) {
      /* pingpong ROUNDS: with the last two semaphores W and P, ROUNDS times wait on W and post P
       * (no time limit: a lost wake-up hangs, and the test's timeout says so). */
      int rounds = atoi(a);
      rc = sync_count >= 2 ? 0 : KOBJNS_INVALID_HANDLE;
      for (int i = 0; i < rounds && !rc; i++)
        if (!(rc = kobjns_wait(syncs[sync_count - 2], KOBJNS_INFINITE)))
          rc = kobjns_semaphore_release(syncs[sync_count - 1], 1, NULL);
      printf("%d\n", rc);
    } else if (!strcmp(cmd, "lockcount")) {
      /* lockcount ROUNDS: ROUNDS times, under the last mutex (no time limit), add one to the
       * number at the start of the current section: lost exclusion shows in the total. */
      void *view = NULL;
      rc = !sync_count ? KOBJNS_INVALID_HANDLE
           : cur       ? kobjns_section_map(cur, KOBJNS_MAP_WRITE, 0, 0, &view)
                       : KOBJNS_INVALID_HANDLE;
      for (int i = 0, rounds = atoi(a); i < rounds && !rc; i++) {
        if ((rc = kobjns_wait(syncs[sync_count - 1], KOBJNS_INFINITE))) break;
        volatile unsigned *counter = view;
        unsigned before = *counter;
        if (i % 64 == 0) kt_pause_ms(0); /* let the others in while we hold it */
        *counter = before + 1;
        rc = kobjns_mutex_release(syncs[sync_count - 1]);
      }
      if (view) kobjns_unmap(view);
      printf("%d\n", rc);
    } else if (!strcmp(cmd, "sclose")) {
      printf("%d\n", sync_count ? kobjns_sync_close(syncs[--sync_count]) : KOBJNS_INVALID_HANDLE);
    } else if (!strcmp(cmd, "size")) {
      uint64_t size = 0;
      rc = kobjns_section_size(cur, &size);
      printf("%d %llu\n", rc, (unsigned long long)size);
    } else if (!strcmp(cmd, "priv")) {
      printf("%d\n", kobjns_ctx_set_privilege(ctx, KOBJNS_PRIV_CREATE_GLOBAL, atoi(a)));
    } else if (!strcmp(cmd, "session")) {
      uint32_t session = 0;
      rc = kobjns_ctx_session(ctx, &session);
      printf("%d %u\n", rc, (unsigned)session);
    } else if (!strcmp(cmd, "join")) { /* move the context to session a (joins its marker) */
      printf("%d\n", kobjns_ctx_set_session(ctx, (uint32_t)strtoul(a, NULL, 10)));
    } else if (!strcmp(cmd, "resolve")) {
      char path[1024] = "";
      rc = kobjns_resolve(ctx, a, path, sizeof path, NULL);
      printf("%d %s\n", rc, path);
    } else {
      printf("%d unknown command\n", KOBJNS_INVALID_PARAMETER);
    }
    fflush(stdout); /* one reply per command, now: msvcrt has no line buffering */
  }
  for (int i = 0; i < count; i++) kobjns_section_close(handles[i]);
  for (int i = 0; i < sync_count; i++) kobjns_sync_close(syncs[i]);
  kobjns_ctx_free(ctx);
  return 0;
}
