/* Contexts: who is asking (session, privileges, user), and the process-wide default. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

/* Who holds SeCreateGlobalPrivilege unless it was dropped: services (session 0) and
 * administrators. */
static bool entitled(const kobjns__token *t) { return t->admin || t->session == 0; }

/* The privileges of `t` after its identity changed: what it is entitled to, less what was
 * dropped (a drop lasts until kobjns_ctx_set_privilege() grants it again). */
static void update_privileges(kobjns__token *t) {
  t->privileges = entitled(t) ? KOBJNS_PRIV_CREATE_GLOBAL & ~t->dropped : 0;
}

/* KOBJNS_SESSION: a decimal session id (UINT32_MAX is no session's). */
static int session_from_env(uint32_t *session, bool *set) {
  const char *v = getenv("KOBJNS_SESSION");
  *set = v != NULL;
  if (!v) return 0;
  if (!kobjns__parse_u32(v, strlen(v), session) || *session == UINT32_MAX)
    return KOBJNS_INVALID_PARAMETER;
  return 0;
}

int kobjns__ctx_init_process(kobjns_ctx *ctx) {
  memset(ctx, 0, sizeof *ctx);
  bool session_known = false, from_env = false;
  int rc = kobjns__os_init();
  if (rc) return rc;
  rc = kobjns__os_process_identity(&ctx->token, &session_known);
  if (rc) return rc;
  uint32_t env_session = 0;
  if ((rc = session_from_env(&env_session, &from_env))) return rc;
  if (from_env)
    ctx->token.session = env_session;
  else if (!session_known)
    ctx->token.session = 0; /* no login session: a system service */
  update_privileges(&ctx->token);
  return kobjns__os_ctx_attach(ctx);
}

/* The process's default context: made by the first call that needs it, and made again by the
 * next call after a failure (a full /dev/shm, no descriptor left, another user's lock on a session
 * marker: transient, so never kept); gone, for good, once the library is torn down. */
static kobjns_ctx process_ctx;
static enum { CTX_NONE, CTX_MADE, CTX_RELEASED } process_ctx_state; /* atomic */

int kobjns__default_ctx(const kobjns_ctx **out) {
  *out = &process_ctx;
  int state = __atomic_load_n(&process_ctx_state, __ATOMIC_ACQUIRE);
  if (state != CTX_NONE) return state == CTX_MADE ? 0 : KOBJNS_INVALID_HANDLE;
  kobjns__os_init_lock();
  int rc = 0;
  state = __atomic_load_n(&process_ctx_state, __ATOMIC_ACQUIRE);
  if (state == CTX_RELEASED)
    rc = KOBJNS_INVALID_HANDLE;
  else if (state == CTX_NONE && !(rc = kobjns__ctx_init_process(&process_ctx)))
    __atomic_store_n(&process_ctx_state, CTX_MADE, __ATOMIC_RELEASE);
  kobjns__os_init_unlock();
  return rc;
}

void kobjns__default_ctx_release(void) {
  kobjns__os_init_lock();
  if (__atomic_load_n(&process_ctx_state, __ATOMIC_ACQUIRE) == CTX_MADE)
    kobjns__os_ctx_detach(&process_ctx);
  __atomic_store_n(&process_ctx_state, CTX_RELEASED, __ATOMIC_RELEASE);
  kobjns__os_init_unlock();
}

bool kobjns__root_valid(const char *root) {
  if (!root) return false;
  size_t len = strlen(root);
  if (len == 0 || len > KOBJNS__ROOT_MAX) return false;
  for (size_t i = 0; i < len; i++) {
    char c = root[i];
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
          c == '-'))
      return false;
  }
  return true;
}

int kobjns_ctx_new(kobjns_ctx **out) {
  if (!out) return KOBJNS_INVALID_PARAMETER;
  *out = NULL;
  const kobjns_ctx *base;
  int rc = kobjns__default_ctx(&base);
  if (rc) return rc;
  kobjns_ctx *ctx = malloc(sizeof *ctx);
  if (!ctx) return KOBJNS_NOT_ENOUGH_MEMORY;
  memset(ctx, 0, sizeof *ctx);
  ctx->token = base->token;
  kobjns__os_ctx_inherit(&ctx->os, &base->os); /* the tree of names, not the membership */
  if ((rc = kobjns__os_ctx_attach(ctx))) {
    free(ctx);
    return rc;
  }
  *out = ctx;
  return 0;
}

int kobjns_ctx_set_session(kobjns_ctx *ctx, uint32_t session) {
  if (!ctx || session == UINT32_MAX) return KOBJNS_INVALID_PARAMETER;
  /* The new membership is made first (a failure changes nothing), in memory a fork()ed child
   * keeps too (the heap: a backend may list it for fork, and another thread's stack is gone in
   * the child), then moved into place. */
  kobjns_ctx *moved = malloc(sizeof *moved);
  if (!moved) return KOBJNS_NOT_ENOUGH_MEMORY;
  *moved = *ctx;
  moved->token.session = session;
  int rc = kobjns__os_ctx_attach(moved);
  if (!rc) {
    kobjns__os_ctx_detach(ctx);
    ctx->token = moved->token;
    kobjns__os_ctx_move(&ctx->os, &moved->os);
    update_privileges(&ctx->token);
  }
  free(moved);
  return rc;
}

int kobjns_ctx_set_privilege(kobjns_ctx *ctx, unsigned privilege, int enabled) {
  if (!ctx || privilege != KOBJNS_PRIV_CREATE_GLOBAL) return KOBJNS_INVALID_PARAMETER;
  if (!enabled) {
    ctx->token.privileges &= ~privilege;
    ctx->token.dropped |= privilege;
    return 0;
  }
  if (!entitled(&ctx->token)) return KOBJNS_PRIVILEGE_NOT_HELD;
  ctx->token.privileges |= privilege;
  ctx->token.dropped &= ~privilege;
  return 0;
}

int kobjns_ctx_set_user(kobjns_ctx *ctx, uint32_t uid) {
  if (!ctx || uid == UINT32_MAX) return KOBJNS_INVALID_PARAMETER;
  kobjns__token changed = ctx->token;
  int rc = kobjns__os_user_groups(uid, &changed);
  if (rc) return rc;
  changed.uid = uid;
  changed.admin = uid == 0;
  changed.user_overridden = true;
  update_privileges(&changed);
  ctx->token = changed;
  return 0;
}

int kobjns_ctx_set_root(kobjns_ctx *ctx, const char *root) {
  if (!ctx || !kobjns__root_valid(root)) return KOBJNS_INVALID_PARAMETER;
  return kobjns__os_ctx_set_root(ctx, root);
}

int kobjns_ctx_session(const kobjns_ctx *ctx, uint32_t *session) {
  if (!session) return KOBJNS_INVALID_PARAMETER;
  int rc;
  if (!ctx && (rc = kobjns__default_ctx(&ctx))) return rc;
  *session = ctx->token.session;
  return 0;
}

int kobjns_ctx_has_privilege(const kobjns_ctx *ctx, unsigned privilege, int *held) {
  if (!held || privilege != KOBJNS_PRIV_CREATE_GLOBAL) return KOBJNS_INVALID_PARAMETER;
  int rc;
  if (!ctx && (rc = kobjns__default_ctx(&ctx))) return rc;
  *held = (ctx->token.privileges & privilege) != 0;
  return 0;
}

void kobjns_ctx_free(kobjns_ctx *ctx) {
  if (!ctx) return;
  kobjns__os_ctx_detach(ctx);
  free(ctx);
}

/* Deprecated (kobjns.h): the same as kobjns_ctx_session. */
int kobjns_session_id(const kobjns_ctx *ctx, uint32_t *session) {
  return kobjns_ctx_session(ctx, session);
}
