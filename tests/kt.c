/* The test kit (see kt.h). */
#include "kt.h"

#include <fcntl.h>
#include <sys/stat.h>

#include "object.h"

#include <errno.h>
#include <grp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static char run_id[32];

const char *kt_run_id(void) {
  if (!run_id[0]) snprintf(run_id, sizeof run_id, "%ld", (long)getpid());
  return run_id;
}

/* Names stay valid until kt_cleanup(): a suite makes a few hundred at most. */
static char **names;
static size_t name_count;

const char *kt_prefixed(const char *prefix, const char *base) {
  static unsigned counter;
  char buf[512];
  snprintf(buf, sizeof buf, "%s%s.%s.%u", prefix, base, kt_run_id(), counter++);
  char **grown = realloc(names, (name_count + 1) * sizeof *names);
  if (!grown) abort();
  names = grown;
  return names[name_count++] = strdup(buf);
}

static char self[4096] = "/proc/self/exe";

void kt_set_self(const char *argv0) {
  if (!realpath(argv0, self)) snprintf(self, sizeof self, "/proc/self/exe");
}

const char *kt_name(const char *base) { return kt_prefixed("", base); }

kobjns_ctx *kt_ctx(uint32_t session, bool privileged) {
  kobjns_ctx *ctx = NULL;
  KT_OK(kobjns_ctx_new(&ctx));
  if (!ctx) return NULL;
  KT_OK(kobjns_ctx_set_session(ctx, session));
  int rc = kobjns_ctx_set_privilege(ctx, KOBJNS_PRIV_CREATE_GLOBAL, privileged);
  if (privileged) {
    CU_ASSERT(rc == 0 || rc == KOBJNS_PRIVILEGE_NOT_HELD);
  } else {
    KT_OK(rc);
  }
  return ctx;
}

uint32_t kt_unused_session(void) { return 1000000u + (uint32_t)getpid(); }

bool kt_is_root(void) { return geteuid() == 0; }

static char shared_copy[256];

/* Other users may not reach the build tree (a clone under /root, say): give them a copy. */
static const char *binary_for(long uid) {
  if (uid < 0) return self;
  if (shared_copy[0]) return shared_copy;
  char dir[] = "/tmp/kobjns-tests.XXXXXX";
  if (!mkdtemp(dir) || chmod(dir, 0755) < 0) return self;
  snprintf(shared_copy, sizeof shared_copy, "%s/kobjns-tests", dir);
  int in = open(self, O_RDONLY | O_CLOEXEC);
  int out = open(shared_copy, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0755);
  char buf[65536];
  ssize_t n;
  while (in >= 0 && out >= 0 && (n = read(in, buf, sizeof buf)) > 0)
    if (write(out, buf, (size_t)n) != n) break;
  if (in >= 0) close(in);
  if (out >= 0) close(out);
  return shared_copy;
}

void kt_cleanup(void) {
  for (size_t i = 0; i < name_count; i++) free(names[i]);
  free(names);
  names = NULL;
  name_count = 0;
  if (!shared_copy[0]) return;
  unlink(shared_copy);
  *strrchr(shared_copy, '/') = '\0';
  rmdir(shared_copy);
  shared_copy[0] = '\0';
}

void kt_native_path(kobjns_ctx *ctx, const char *name, char *out, size_t size) {
  char path[1024];
  kobjns__name n = {0};
  if (kobjns_resolve(ctx, name, path, sizeof path, NULL) ||
      kobjns__resolve_name(ctx, name, KOBJNS__OPEN, &n)) {
    snprintf(out, size, "/nonexistent");
    return;
  }
  char native[KOBJNS__NATIVE_MAX + 1];
  kobjns__native_name(&n, native);
  snprintf(out, size, "/dev/shm/%s", native);
}

bool kt_spawn(kt_proc *p, uint32_t session, long uid) {
  const char *binary = binary_for(uid);
  int to[2], from[2];
  if (pipe(to) < 0 || pipe(from) < 0) return false;
  pid_t pid = fork();
  if (pid < 0) return false;
  if (pid == 0) {
    dup2(to[0], 0);
    dup2(from[1], 1);
    close(to[0]), close(to[1]), close(from[0]), close(from[1]);
    char s[16];
    snprintf(s, sizeof s, "%u", (unsigned)session);
    setenv("KOBJNS_SESSION", s, 1);
    if (uid >= 0) {
      if (setgroups(0, NULL) < 0 || setresgid((gid_t)uid, (gid_t)uid, (gid_t)uid) < 0 ||
          setresuid((uid_t)uid, (uid_t)uid, (uid_t)uid) < 0)
        _exit(126);
    }
    execl(binary, "kobjns-tests", "--child", (char *)NULL);
    _exit(127);
  }
  close(to[0]);
  close(from[1]);
  p->pid = pid;
  p->to = fdopen(to[1], "w");
  p->from = fdopen(from[0], "r");
  return p->to && p->from;
}

static void vsend(kt_proc *p, const char *fmt, va_list ap) {
  vfprintf(p->to, fmt, ap);
  fputc('\n', p->to);
  fflush(p->to);
}

void kt_send(kt_proc *p, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsend(p, fmt, ap);
  va_end(ap);
}

int kt_cmd(kt_proc *p, char *reply, size_t reply_size, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsend(p, fmt, ap);
  va_end(ap);
  return kt_recv(p, reply, reply_size);
}

int kt_recv(kt_proc *p, char *reply, size_t reply_size) {
  char line[4096];
  if (!fgets(line, sizeof line, p->from)) return -1000;
  line[strcspn(line, "\n")] = '\0';
  if (reply) snprintf(reply, reply_size, "%s", line);
  return atoi(line);
}

static int reap(kt_proc *p) {
  int st = 0;
  if (p->to) fclose(p->to);
  if (p->from) fclose(p->from);
  p->to = p->from = NULL;
  while (waitpid((pid_t)p->pid, &st, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

int kt_wait(kt_proc *p) {
  fputs("exit\n", p->to);
  fflush(p->to);
  return reap(p);
}

void kt_kill(kt_proc *p) {
  kill((pid_t)p->pid, SIGKILL);
  reap(p);
}
