/* Public inspection entry points: validate once, resolve the name, call one backend function. */
#include "internal.h"

#include <string.h>

/* The caller's fn, behind one that fills what the core derives for every backend (the
 * liveness enum from `stale`). */
typedef struct relay {
  kobjns_object_fn fn;
  void *arg;
} relay;

/* The private namespace's id in a canonical path, "\\PrivateNamespaces\\<id>[\\<leaf>]" (name.c's
 * paths), into ns ("" for none). */
static void private_namespace_of(const char *path, char ns[KOBJNS__NS_ID_MAX + 1]) {
  static const char dir[] = "\\PrivateNamespaces\\";
  ns[0] = '\0';
  if (!path || strncmp(path, dir, sizeof dir - 1)) return;
  const char *id = path + sizeof dir - 1;
  size_t len = strcspn(id, "\\");
  if (len && len <= KOBJNS__NS_ID_MAX) {
    memcpy(ns, id, len);
    ns[len] = '\0';
  }
}

static int relay_one(const kobjns_object *object, void *arg) {
  const relay *r = arg;
  kobjns_object o = *object;
  o.liveness = o.stale > 0    ? KOBJNS_LIVENESS_STALE
               : o.stale == 0 ? KOBJNS_LIVENESS_HELD
                              : KOBJNS_LIVENESS_UNKNOWN;
  char ns[KOBJNS__NS_ID_MAX + 1];
  private_namespace_of(o.path, ns);
  o.private_namespace = ns;
  return r->fn(&o, r->arg);
}

int kobjns_object_list_ex(const kobjns_ctx *ctx, unsigned flags, kobjns_object_fn fn, void *arg) {
  if (!fn || flags) return KOBJNS_INVALID_PARAMETER;
  int rc;
  if (!ctx && (rc = kobjns__default_ctx(&ctx))) return rc; /* KOBJNS_ROOT must be valid */
  relay r = {fn, arg};
  return kobjns__os_object_list(ctx, relay_one, &r);
}

int kobjns_object_list(kobjns_object_fn fn, void *arg) {
  return kobjns_object_list_ex(NULL, 0, fn, arg);
}

int kobjns_object_query(const kobjns_ctx *ctx, const char *name, kobjns_object_fn fn, void *arg) {
  if (!name || !fn) return KOBJNS_INVALID_PARAMETER;
  if (!name[0]) return KOBJNS_INVALID_HANDLE; /* as for an open: an unnamed object has no name */
  int rc;
  if (!ctx && (rc = kobjns__default_ctx(&ctx))) return rc;
  kobjns__name resolved;
  if ((rc = kobjns__name_lookup(ctx, name, KOBJNS__OPEN, &resolved))) return rc;
  relay r = {fn, arg};
  return kobjns__os_object_query(ctx, &resolved, relay_one, &r);
}

int kobjns_cleanup_ex(const kobjns_ctx *ctx, unsigned flags, kobjns_object_fn fn, void *arg,
                      size_t *removed) {
  size_t ignored;
  if (!removed) removed = &ignored;
  *removed = 0;
  if (flags & ~KOBJNS_CLEANUP_DRY_RUN) return KOBJNS_INVALID_PARAMETER;
  int rc;
  if (!ctx && (rc = kobjns__default_ctx(&ctx))) return rc; /* KOBJNS_ROOT must be valid */
  relay r = {fn, arg};
  return kobjns__os_cleanup(ctx, flags & KOBJNS_CLEANUP_DRY_RUN, fn ? relay_one : NULL,
                            fn ? &r : NULL, removed);
}

int kobjns_cleanup_each(int dry_run, kobjns_object_fn fn, void *arg, size_t *removed) {
  return kobjns_cleanup_ex(NULL, dry_run ? KOBJNS_CLEANUP_DRY_RUN : 0, fn, arg, removed);
}

int kobjns_cleanup(size_t *removed) { return kobjns_cleanup_ex(NULL, 0, NULL, NULL, removed); }
int kobjns_sddl_access_type(const kobjns_ctx *ctx, kobjns_type type, const char *sddl,
                            uint32_t owner, unsigned access) {
  if (!kobjns__type_is_object(type) || !sddl || access == 0 ||
      (access & ~kobjns__type_valid_access(type)))
    return KOBJNS_INVALID_PARAMETER;
  kobjns__sd sd;
  int rc = kobjns__sddl_parse_as(kobjns__type(type)->mapping, sddl, &sd);
  if (rc) return rc;
  if (!ctx && (rc = kobjns__default_ctx(&ctx))) return rc;
  return kobjns__os_access_check(ctx, &sd, owner, kobjns__type_map(type, access));
}

int kobjns_sddl_access(const kobjns_ctx *ctx, const char *sddl, uint32_t owner, unsigned access) {
  return kobjns_sddl_access_type(ctx, KOBJNS_TYPE_SECTION, sddl, owner, access);
}
