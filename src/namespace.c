/* Private namespaces: boundaries, the namespace handles, and the process's aliases. A namespace
 * is found by its boundary and alias (the backend's to carry out and, on POSIX, to make the
 * kernel vouch for); once open, "alias\\leaf" names an object inside it (name.c asks
 * kobjns__namespace_find). */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The longest boundary name and alias, in UTF-16 units (an object name's first part must leave
 * room for the rest; Windows' own limit is its UNICODE_STRING's). */
#define NAMESPACE_NAME_MAX 256

/* A boundary name or an alias: 1 to NAMESPACE_NAME_MAX characters, valid UTF-8, one part. */
static int check_part(const char *s) {
  size_t units;
  int rc = kobjns__validate_name(s, &units);
  if (rc == KOBJNS_NO_UNICODE_TRANSLATION) return rc;
  if (rc || units == 0 || units > NAMESPACE_NAME_MAX || strchr(s, '\\')) return KOBJNS_INVALID_NAME;
  return 0;
}

int kobjns_boundary_create(const char *name, kobjns_boundary **out) {
  if (!out) return KOBJNS_INVALID_PARAMETER;
  *out = NULL;
  if (!name) return KOBJNS_INVALID_PARAMETER;
  int rc = check_part(name);
  if (rc) return rc;
  size_t len = strlen(name);
  kobjns_boundary *b = calloc(1, sizeof *b + len + 1);
  if (!b) return KOBJNS_NOT_ENOUGH_MEMORY;
  b->name = (char *)(b + 1);
  memcpy(b->name, name, len + 1);
  *out = b;
  return 0;
}

int kobjns_boundary_add_sid(kobjns_boundary *b, const char *sid) {
  if (!b || !sid) return KOBJNS_INVALID_PARAMETER;
  kobjns__ace ace = {0};
  int rc = kobjns__sid_parse(sid, strlen(sid), &ace);
  if (rc) return rc;
  if ((rc = kobjns__os_boundary_sid_supported(&ace))) return rc;
  for (size_t i = 0; i < b->count; i++) /* a set: the same SID twice is the same boundary */
    if (b->sids[i].trustee == ace.trustee && b->sids[i].id == ace.id) return 0;
  if (b->count == KOBJNS__BOUNDARY_SIDS_MAX) return KOBJNS_INVALID_PARAMETER;
  /* Kept in one order, so that the backend sees the same boundary whatever the order of adds. */
  size_t at = b->count;
  while (at > 0 && (b->sids[at - 1].trustee > ace.trustee ||
                    (b->sids[at - 1].trustee == ace.trustee && b->sids[at - 1].id > ace.id))) {
    b->sids[at] = b->sids[at - 1];
    at--;
  }
  b->sids[at] = ace;
  b->count++;
  return 0;
}

/* Integrity levels: "S-1-16-<rid>" or the SDDL aliases of the usual ones. */
static bool integrity_label(const char *s, uint32_t *rid) {
  static const struct {
    char alias[3];
    uint32_t rid;
  } labels[] = {{"LW", 0x1000}, {"ME", 0x2000}, {"MP", 0x2100}, {"HI", 0x3000}, {"SI", 0x4000}};
  for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++)
    if (!strcmp(s, labels[i].alias)) return *rid = labels[i].rid, true;
  static const char prefix[] = "S-1-16-";
  return !strncmp(s, prefix, sizeof prefix - 1) &&
         kobjns__parse_u32(s + sizeof prefix - 1, strlen(s + sizeof prefix - 1), rid);
}

int kobjns_boundary_add_integrity_label(kobjns_boundary *b, const char *label) {
  if (!b || !label) return KOBJNS_INVALID_PARAMETER;
  uint32_t rid;
  if (!integrity_label(label, &rid)) return KOBJNS_INVALID_SID;
  int rc = kobjns__os_boundary_integrity_supported();
  if (rc) return rc;
  if (b->has_integrity && b->integrity_rid != rid) return KOBJNS_INVALID_PARAMETER;
  b->has_integrity = true;
  b->integrity_rid = rid;
  return 0;
}

void kobjns_boundary_free(kobjns_boundary *b) { free(b); }

/* --- the aliases of the process ----------------------------------------------------------------
 * Each open namespace handle, under its alias, newest first. An entry names its handle by value
 * and id: a closed handle (or a value reused by another) no longer answers, and its entry goes
 * with the next add. The list is under the handle table's lock, which fork() takes too; a
 * handle is looked at only outside it (the last reference of a handle closed meanwhile is put
 * there, and putting it takes that lock). */
typedef struct alias_entry {
  struct alias_entry *next;
  uint32_t handle;
  char ns[KOBJNS__NS_ID_MAX + 1];
  size_t len;
  char alias[];
} alias_entry;
static alias_entry *aliases;

#define PATH_PREFIX "\\PrivateNamespaces\\"

/* Whether the handle `handle` is still the namespace `ns` (then its rights in *access). */
static bool handle_is(uint32_t handle, const char *ns, unsigned *access) {
  kobjns__object *o = kobjns__handle_get((void *)(uintptr_t)handle, KOBJNS_TYPE_DIRECTORY);
  if (!o) return false;
  bool same = !strncmp(o->path, PATH_PREFIX, strlen(PATH_PREFIX)) &&
              !strcmp(o->path + strlen(PATH_PREFIX), ns);
  if (same && access) *access = o->access;
  kobjns__handle_put(o);
  return same;
}

/* A copy of an entry's handle and id, to look at outside the lock. */
typedef struct alias_seen {
  uint32_t handle;
  char ns[KOBJNS__NS_ID_MAX + 1];
} alias_seen;

/* Drop the entries of closed handles: each looked at outside the lock, then removed under it if
 * it is still there. */
static void prune(void) {
  for (;;) {
    alias_seen dead = {0};
    bool found = false;
    kobjns__os_registry_lock();
    size_t count = 0;
    for (alias_entry *e = aliases; e; e = e->next) count++;
    alias_seen *all = count ? malloc(count * sizeof *all) : NULL;
    size_t n = 0;
    for (alias_entry *e = aliases; all && e; e = e->next, n++) {
      all[n].handle = e->handle;
      memcpy(all[n].ns, e->ns, sizeof e->ns);
    }
    kobjns__os_registry_unlock();
    for (size_t i = 0; i < n && !found; i++)
      if (!handle_is(all[i].handle, all[i].ns, NULL)) dead = all[i], found = true;
    free(all);
    if (!found) return;
    kobjns__os_registry_lock();
    for (alias_entry **at = &aliases; *at; at = &(*at)->next) {
      if ((*at)->handle == dead.handle && !strcmp((*at)->ns, dead.ns)) {
        alias_entry *e = *at;
        *at = e->next;
        free(e);
        break;
      }
    }
    kobjns__os_registry_unlock();
  }
}

static int alias_add(const char *alias, uint32_t handle, const char *ns) {
  prune();
  size_t len = strlen(alias);
  alias_entry *e = calloc(1, sizeof *e + len + 1);
  if (!e) return KOBJNS_NOT_ENOUGH_MEMORY;
  e->handle = handle;
  snprintf(e->ns, sizeof e->ns, "%s", ns);
  e->len = len;
  memcpy(e->alias, alias, len + 1);
  kobjns__os_registry_lock();
  e->next = aliases;
  aliases = e;
  kobjns__os_registry_unlock();
  return 0;
}

/* At most this many namespaces open under one alias are looked at (newest first). */
#define SAME_ALIAS_MAX 16

static int find(const char *alias, size_t len, char ns[KOBJNS__NS_ID_MAX + 1], unsigned *access,
                bool *more) {
  alias_seen seen[SAME_ALIAS_MAX];
  size_t n = 0;
  kobjns__os_registry_lock();
  *more = false;
  for (alias_entry *e = aliases; e; e = e->next) {
    if (e->len != len || memcmp(e->alias, alias, len)) continue;
    if (n == SAME_ALIAS_MAX) {
      *more = true;
      break;
    }
    seen[n].handle = e->handle;
    memcpy(seen[n++].ns, e->ns, sizeof e->ns);
  }
  kobjns__os_registry_unlock();
  for (size_t i = 0; i < n; i++) {
    if (handle_is(seen[i].handle, seen[i].ns, access)) {
      memcpy(ns, seen[i].ns, sizeof seen[i].ns);
      return 0;
    }
  }
  return KOBJNS_PATH_NOT_FOUND;
}

int kobjns__namespace_find(const char *alias, size_t len, char ns[KOBJNS__NS_ID_MAX + 1],
                           unsigned *access) {
  bool more;
  int rc = find(alias, len, ns, access, &more);
  if (rc && more) { /* closed ones hid the rest: drop them, look again */
    prune();
    rc = find(alias, len, ns, access, &more);
  }
  return rc;
}

void kobjns__namespace_duplicated(uint32_t from, uint32_t to) {
  char alias[4 * 256 + 1] = "", ns[KOBJNS__NS_ID_MAX + 1] = "";
  kobjns__os_registry_lock();
  for (alias_entry *e = aliases; e; e = e->next) {
    if (e->handle == from && e->len < sizeof alias) {
      memcpy(alias, e->alias, e->len + 1);
      memcpy(ns, e->ns, sizeof ns);
      break;
    }
  }
  kobjns__os_registry_unlock();
  if (alias[0]) (void)alias_add(alias, to, ns); /* no memory: the duplicate names nothing */
}

void kobjns__namespaces_release(void) {
  kobjns__os_registry_lock();
  while (aliases) {
    alias_entry *e = aliases;
    aliases = e->next;
    free(e);
  }
  kobjns__os_registry_unlock();
}

/* --- namespace handles --------------------------------------------------------------------------
 */

/* An alias: a name's first part, never one of the links a name's first part can be. */
static int check_alias(const char *alias) {
  if (!alias) return KOBJNS_INVALID_PARAMETER;
  int rc = check_part(alias);
  if (rc) return rc;
  if (!strcmp(alias, "Global") || !strcmp(alias, "Local") || !strcmp(alias, "Session"))
    return KOBJNS_INVALID_NAME;
  return 0;
}

/* A namespace handle's object, with room for its path. */
static kobjns__object *namespace_object(void) {
  kobjns__object *o = calloc(1, sizeof *o + sizeof PATH_PREFIX + KOBJNS__NS_ID_MAX + 1);
  if (!o) return NULL;
  o->type = KOBJNS_TYPE_DIRECTORY;
  o->path = (char *)(o + 1);
  return o;
}

/* Register the namespace `o` (the backend made or opened it, its id in `ns`) and its alias. */
static int register_namespace(kobjns__object *o, const char *ns, const char *alias,
                              kobjns_namespace **out) {
  snprintf(o->path, sizeof PATH_PREFIX + KOBJNS__NS_ID_MAX + 1, "%s%s", PATH_PREFIX, ns);
  void *handle;
  int rc = kobjns__handle_add(o, &handle);
  if (rc) return rc;
  if ((rc = alias_add(alias, (uint32_t)(uintptr_t)handle, ns))) {
    kobjns__handle_remove(handle, KOBJNS_TYPE_DIRECTORY);
    return rc;
  }
  *out = handle;
  return 0;
}

int kobjns_namespace_create(const kobjns_ctx *ctx, const kobjns_boundary *b, const char *alias,
                            const char *sddl, kobjns_namespace **out) {
  if (!out) return KOBJNS_INVALID_PARAMETER;
  *out = NULL;
  if (!b) return KOBJNS_INVALID_PARAMETER;
  int rc = check_alias(alias);
  if (rc) return rc;
  kobjns__sd sd;
  const kobjns__generic_mapping *map = kobjns__type(KOBJNS_TYPE_DIRECTORY)->mapping;
  if (sddl && (rc = kobjns__sddl_parse_as(map, sddl, &sd))) return rc;
  if (!ctx && (rc = kobjns__default_ctx(&ctx))) return rc;
  kobjns__object *o = namespace_object();
  if (!o) return KOBJNS_NOT_ENOUGH_MEMORY;
  kobjns__namespace_args a = {.boundary = b, .alias = alias, .sd = sddl ? &sd : NULL, .sddl = sddl};
  char ns[KOBJNS__NS_ID_MAX + 1] = "";
  if ((rc = kobjns__os_namespace_create(ctx, &a, o, ns))) {
    free(o);
    /* Windows fails (183, no handle); kobjns keeps 183 for a success with a handle. */
    return rc == KOBJNS_ALREADY_EXISTS ? KOBJNS_FILE_EXISTS : rc;
  }
  o->access = KOBJNS__DIRECTORY_ALL;
  return register_namespace(o, ns, alias, out);
}

int kobjns_namespace_open(const kobjns_ctx *ctx, const kobjns_boundary *b, const char *alias,
                          kobjns_namespace **out) {
  if (!out) return KOBJNS_INVALID_PARAMETER;
  *out = NULL;
  if (!b) return KOBJNS_INVALID_PARAMETER;
  int rc = check_alias(alias);
  if (rc) return rc;
  if (!ctx && (rc = kobjns__default_ctx(&ctx))) return rc;
  kobjns__object *o = namespace_object();
  if (!o) return KOBJNS_NOT_ENOUGH_MEMORY;
  kobjns__namespace_args a = {.boundary = b, .alias = alias};
  char ns[KOBJNS__NS_ID_MAX + 1] = "";
  unsigned granted = 0;
  if ((rc = kobjns__os_namespace_open(ctx, &a, KOBJNS__DIRECTORY_ALL, o, ns, &granted))) {
    free(o);
    return rc;
  }
  o->access = granted;
  return register_namespace(o, ns, alias, out);
}

int kobjns_namespace_close(kobjns_namespace *ns, unsigned flags) {
  if (flags & ~KOBJNS_NAMESPACE_DESTROY) return KOBJNS_INVALID_PARAMETER;
  if (flags & KOBJNS_NAMESPACE_DESTROY) {
    kobjns__object *o = kobjns__handle_get(ns, KOBJNS_TYPE_DIRECTORY);
    if (!o) return KOBJNS_INVALID_HANDLE;
    int rc = o->access & KOBJNS__DELETE ? kobjns__os_namespace_destroy(o) : KOBJNS_ACCESS_DENIED;
    kobjns__handle_put(o);
    if (rc) return rc;
  }
  return kobjns__handle_remove(ns, KOBJNS_TYPE_DIRECTORY);
}

int kobjns_namespace_access(const kobjns_namespace *ns, unsigned *access) {
  if (!access) return KOBJNS_INVALID_PARAMETER;
  *access = 0;
  kobjns__object *o = kobjns__handle_get(ns, KOBJNS_TYPE_DIRECTORY);
  if (!o) return KOBJNS_INVALID_HANDLE;
  *access = o->access;
  kobjns__handle_put(o);
  return 0;
}

int kobjns_namespace_explain(const kobjns_ctx *ctx, const kobjns_boundary *b, const char *alias,
                             kobjns_denial *why) {
  kobjns_denial ignored;
  if (!why) why = &ignored;
  *why = KOBJNS_DENIAL_NONE;
  if (!b) return KOBJNS_INVALID_PARAMETER;
  int rc = check_alias(alias);
  if (rc) return rc;
  if (!ctx && (rc = kobjns__default_ctx(&ctx))) return rc;
  kobjns__namespace_args a = {.boundary = b, .alias = alias};
  return kobjns__os_namespace_explain(ctx, &a, why);
}
