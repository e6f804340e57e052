/* POSIX identity: uid and groups from the kernel, the login session from the platform,
 * and session membership held as a shared lock on a per-session marker object. */
#include "object.h"
#include "platform.h"
#include "view.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pthread.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

static pthread_mutex_t init = PTHREAD_MUTEX_INITIALIZER;

void kobjns__os_init_lock(void) { pthread_mutex_lock(&init); }

void kobjns__os_init_unlock(void) { pthread_mutex_unlock(&init); }

/* The handle table's lock: only its changes take it (lookups are lock-free). */
static pthread_mutex_t registry = PTHREAD_MUTEX_INITIALIZER;

void kobjns__os_registry_lock(void) { pthread_mutex_lock(&registry); }

void kobjns__os_registry_unlock(void) { pthread_mutex_unlock(&registry); }

/* fork() copies the locks as they are: hold them across the fork so that no other thread is
 * inside, then release them on both sides (in the child, the thread that forked holds them). One
 * order: init, the handle table's, then the holds' list (a context's set-up and teardown take
 * init, then reach the list). */
static void registry_before_fork(void) {
  pthread_mutex_lock(&init);
  pthread_mutex_lock(&registry);
  kobjns__holds_before_fork();
}
static void registry_in_parent(void) {
  kobjns__holds_in_parent();
  pthread_mutex_unlock(&registry);
  pthread_mutex_unlock(&init);
}
static void registry_in_child(void) {
  kobjns__holds_in_child();
  kobjns__alerts_in_child();
  pthread_mutex_unlock(&registry);
  pthread_mutex_unlock(&init);
}

__attribute__((constructor)) static void kobjns_load(void) {
  /* The process image's mark first: its lock is then taken last before a fork and let go first
   * after it, held for the fork alone, never for the holds' descriptions. */
  kobjns__plat_image_fork_handlers();
  pthread_atfork(registry_before_fork, registry_in_parent, registry_in_child);
  kobjns__sync_fork_handlers();
  kobjns__processes_fork_handlers();
  kobjns__mirror_fork_handlers();
  /* Handles this process inherited, at their values, before the program runs. */
  kobjns__inherit_adopt_all();
}

__attribute__((destructor)) static void kobjns_unload(void) {
  kobjns__processes_release();
  kobjns__mirror_release();
  kobjns__default_ctx_release();
  kobjns__handles_release();
  kobjns__view_release();
  kobjns__shm_release();
  kobjns__plat_image_release();
}

static void set_groups(kobjns__token *t, const gid_t *gids, int n) {
  t->ngroups = 0;
  for (int i = 0; i < n && t->ngroups < KOBJNS__MAX_GROUPS; i++) t->groups[t->ngroups++] = gids[i];
}

int kobjns__os_init(void) { return kobjns__shm_init(); }

int kobjns__os_process_identity(kobjns__token *token, bool *session_known) {
  token->uid = geteuid();
  token->admin = token->uid == 0;
  gid_t gids[KOBJNS__MAX_GROUPS];
  int n = getgroups(KOBJNS__MAX_GROUPS - 1, gids);
  if (n < 0) n = 0;
  gids[n++] = getegid();
  set_groups(token, gids, n);
  *session_known = kobjns__plat_login_session(&token->session);
  return 0;
}

int kobjns__os_user_groups(uint32_t uid, kobjns__token *token) {
  if (geteuid() != 0) return KOBJNS_PRIVILEGE_NOT_HELD;
  gid_t gids[KOBJNS__MAX_GROUPS];
  int n = 0;
  struct passwd pw, *found = NULL;
  char buf[4096];
  if (getpwuid_r(uid, &pw, buf, sizeof buf, &found) == 0 && found) {
    n = KOBJNS__MAX_GROUPS;
    if (getgrouplist(pw.pw_name, pw.pw_gid, gids, &n) < 0) n = KOBJNS__MAX_GROUPS;
  }
  set_groups(token, gids, n); /* a uid without an account is in no group */
  return 0;
}

static int create_marker(const kobjns__tree *t, const char *native, uint32_t session, int *fd_out,
                         int *lock_fd) {
  char tmp[KOBJNS__NATIVE_MAX + 1];
  int fd, rc = kobjns__object_new_file(t, native, &fd, tmp);
  if (rc) return rc;
  long page = sysconf(_SC_PAGESIZE);
  kobjns__header h = {.magic = KOBJNS__MAGIC,
                      .version = KOBJNS__HEADER_VERSION,
                      .type = KOBJNS_TYPE_SESSION,
                      .header_size = (uint32_t)page,
                      .creator_uid = (uint32_t)geteuid(),
                      .creator_session = session};
  /* Anyone may join a session: members only need to read-lock the marker. */
  if (ftruncate(fd, page) < 0 || pwrite(fd, &h, sizeof h, 0) != (ssize_t)sizeof h ||
      fchmod(fd, 0444) < 0) {
    rc = kobjns__status_from_errno(errno);
    kobjns__object_discard(fd, tmp);
    return rc;
  }
  if ((rc = kobjns__object_publish(fd, tmp, native, lock_fd))) return rc;
  *fd_out = fd;
  return 0;
}

int kobjns__os_ctx_attach(kobjns_ctx *ctx) {
  ctx->os.session = (kobjns__hold){.fd = -1, .spare = -1};
  if (!ctx->os.tree.len) ctx->os.tree = *kobjns__process_tree(); /* the process's context */
  if (ctx->token.session == 0) return 0;                         /* session 0 always exists */
  char *native = ctx->os.session_native;
  kobjns__native_session_name(&ctx->os.tree, ctx->token.session, native);
  for (int attempt = 0; attempt < 100; attempt++) {
    struct stat st;
    int fd = -1, lock_fd = -1;
    int rc = kobjns__object_open(native, O_RDONLY, true, &fd, &lock_fd, &st);
    if (rc == KOBJNS_FILE_NOT_FOUND)
      rc = create_marker(&ctx->os.tree, native, ctx->token.session, &fd, &lock_fd);
    if (rc == 0) kobjns__hold_keep(&ctx->os.session, fd, lock_fd, native);
    if (rc != KOBJNS_FILE_NOT_FOUND && rc != KOBJNS_ALREADY_EXISTS) return rc;
  }
  return KOBJNS_BUSY;
}

void kobjns__os_ctx_detach(kobjns_ctx *ctx) {
  if (ctx->os.session.fd < 0) return;
  char native[KOBJNS__NATIVE_MAX + 1];
  kobjns__native_session_name(&ctx->os.tree, ctx->token.session, native);
  kobjns__hold_release(&ctx->os.session, native);
}

void kobjns__os_ctx_inherit(kobjns__os_ctx *to, const kobjns__os_ctx *from) {
  to->tree = from->tree;
}

int kobjns__os_ctx_set_root(kobjns_ctx *ctx, const char *root) {
  /* As kobjns_ctx_set_session: the new membership first, in memory a fork()ed child keeps too,
   * then moved into place. */
  kobjns_ctx *moved = malloc(sizeof *moved);
  if (!moved) return KOBJNS_NOT_ENOUGH_MEMORY;
  *moved = *ctx;
  size_t len = strlen(root); /* valid: the core checked it */
  memcpy(moved->os.tree.root, root, len + 1);
  moved->os.tree.len = len;
  int rc = kobjns__os_ctx_attach(moved);
  if (!rc) {
    kobjns__os_ctx_detach(ctx);
    kobjns__os_ctx_move(&ctx->os, &moved->os);
  }
  free(moved);
  return rc;
}

void kobjns__os_ctx_move(kobjns__os_ctx *to, kobjns__os_ctx *from) {
  to->tree = from->tree;
  memcpy(to->session_native, from->session_native, sizeof to->session_native);
  kobjns__hold_move(&to->session, &from->session, to->session_native);
}

int kobjns__os_session_exists(const kobjns_ctx *ctx, uint32_t session, bool *exists) {
  char native[KOBJNS__NATIVE_MAX + 1];
  kobjns__native_session_name(&ctx->os.tree, session, native);
  return kobjns__object_alive(native, exists);
}
