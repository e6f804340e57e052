/* Private namespaces (CreatePrivateNamespace): boundaries, the namespace handle, "alias\\name"
 * for every type, who may create and who may open, lifetime, and on POSIX what the kernel
 * enforces (the squatting attack, planted directories, objects out of reach). Wine has no
 * private namespaces: the rows that need one are skipped there. */
#include "kt.h"

#include <stdlib.h>
#include <string.h>

#ifndef _WIN32
#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#endif

#define WINE_LACKS                                                                                 \
  "Wine has no private namespaces: CreateBoundaryDescriptorW returns NULL, and "                   \
  "CreatePrivateNamespaceW is an unimplemented entry that ends the process"
#define OTHER_USER 61011

/* A boundary of `name` (made unique to the run) with the SIDs of `sids` (NULL-terminated). */
static kobjns_boundary *boundary(const char *name, const char *const *sids) {
  kobjns_boundary *b = NULL;
  KT_OK(kobjns_boundary_create(kt_name(name), &b));
  for (; b && sids && *sids; sids++) KT_OK(kobjns_boundary_add_sid(b, *sids));
  return b;
}

/* The SID of this process's user ("S-1-22-1-<uid>"; on Windows the administrators, whom a
 * test run as an administrator is in). */
static const char *self_sid(void) {
#ifdef _WIN32
  return "BA";
#else
  static char sid[32];
  snprintf(sid, sizeof sid, "S-1-22-1-%u", (unsigned)geteuid());
  return sid;
#endif
}

static void boundary_inputs(void) {
  kobjns_boundary *b = NULL;
  KT_STATUS(kobjns_boundary_create(NULL, &b), KOBJNS_INVALID_PARAMETER);
  KT_STATUS(kobjns_boundary_create("x", NULL), KOBJNS_INVALID_PARAMETER);
  KT_STATUS(kobjns_boundary_create("", &b), KOBJNS_INVALID_NAME);
  KT_STATUS(kobjns_boundary_create("a\\b", &b), KOBJNS_INVALID_NAME);
  KT_STATUS(kobjns_boundary_create("\xC3\x28", &b), KOBJNS_NO_UNICODE_TRANSLATION);
  char longest[258];
  memset(longest, 'n', sizeof longest - 1);
  longest[257] = '\0';
  KT_STATUS(kobjns_boundary_create(longest, &b), KOBJNS_INVALID_NAME); /* 257 characters */
  CU_ASSERT_PTR_NULL(b);
  longest[256] = '\0';
  KT_OK(kobjns_boundary_create(longest, &b));
  KT_STATUS(kobjns_boundary_add_sid(NULL, "WD"), KOBJNS_INVALID_PARAMETER);
  KT_STATUS(kobjns_boundary_add_sid(b, NULL), KOBJNS_INVALID_PARAMETER);
  KT_STATUS(kobjns_boundary_add_sid(b, "S-1-22-1-"), KOBJNS_INVALID_SID);
  KT_STATUS(kobjns_boundary_add_sid(b, "XX"), KOBJNS_INVALID_SID);
  KT_OK(kobjns_boundary_add_sid(b, "WD"));
  KT_OK(kobjns_boundary_add_sid(b, "S-1-1-0")); /* the same SID again: nothing changes */
  char sid[32];
  for (unsigned i = 0; i < 31; i++) {
    snprintf(sid, sizeof sid, "S-1-22-2-%u", 70000 + i);
    KT_OK(kobjns_boundary_add_sid(b, sid));
  }
  KT_STATUS(kobjns_boundary_add_sid(b, "S-1-22-2-1"), KOBJNS_INVALID_PARAMETER); /* the 33rd */
  KT_STATUS(kobjns_boundary_add_integrity_label(b, "S-1-16-"), KOBJNS_INVALID_SID);
  KT_STATUS(kobjns_boundary_add_integrity_label(NULL, "ME"), KOBJNS_INVALID_PARAMETER);
#ifndef _WIN32
  /* No integrity levels, and no session the kernel can vouch for in a directory's owner. */
  KT_STATUS(kobjns_boundary_add_integrity_label(b, "ME"), KOBJNS_NOT_SUPPORTED);
  KT_STATUS(kobjns_boundary_add_sid(b, "IU"), KOBJNS_NOT_SUPPORTED);
#endif
  KT_STATUS(kobjns_boundary_add_sid(b, "OW"), KOBJNS_NOT_SUPPORTED);
  kobjns_boundary_free(b);
  kobjns_boundary_free(NULL);
}

static void create_open_close(void) {
  const char *sids[] = {self_sid(), NULL};
  kobjns_boundary *b = boundary("nsB", sids);
  const char *alias = kt_name("nsA");
  kobjns_namespace *ns = NULL, *again = NULL, *opened = NULL;
  KT_STATUS(kobjns_namespace_create(NULL, b, alias, NULL, NULL), KOBJNS_INVALID_PARAMETER);
  KT_STATUS(kobjns_namespace_create(NULL, NULL, alias, NULL, &ns), KOBJNS_INVALID_PARAMETER);
  KT_STATUS(kobjns_namespace_create(NULL, b, NULL, NULL, &ns), KOBJNS_INVALID_PARAMETER);
  KT_STATUS(kobjns_namespace_create(NULL, b, "Global", NULL, &ns), KOBJNS_INVALID_NAME);
  KT_STATUS(kobjns_namespace_create(NULL, b, "a\\b", NULL, &ns), KOBJNS_INVALID_NAME);
  KT_STATUS(kobjns_namespace_create(NULL, b, alias, "D:(A;;ZZ;;;WD)", &ns), KOBJNS_INVALID_ACL);
  KT_STATUS(kobjns_namespace_open(NULL, b, alias, &opened), KOBJNS_FILE_NOT_FOUND);
  KT_OK(kobjns_namespace_create(NULL, b, alias, NULL, &ns));
  CU_ASSERT_PTR_NOT_NULL(ns);
  /* Windows fails a create of an existing namespace (183), and opens nothing: kobjns says 80,
   * keeping 183 for the successes that hand a handle. */
  KT_STATUS(kobjns_namespace_create(NULL, b, alias, NULL, &again), KOBJNS_FILE_EXISTS);
  CU_ASSERT_PTR_NULL(again);
  KT_OK(kobjns_namespace_open(NULL, b, alias, &opened));
  unsigned access = 0;
  KT_OK(kobjns_namespace_access(opened, &access));
  CU_ASSERT_EQUAL(access, KOBJNS_DIRECTORY_ALL_ACCESS);
  kobjns_type type = KOBJNS_TYPE_NONE;
  KT_OK(kobjns_handle_type(ns, &type));
  CU_ASSERT_EQUAL(type, KOBJNS_TYPE_DIRECTORY);
  CU_ASSERT_STRING_EQUAL(kobjns_type_name(KOBJNS_TYPE_DIRECTORY), "Directory");
  KT_STATUS(kobjns_namespace_close(ns, 2), KOBJNS_INVALID_PARAMETER);
  KT_OK(kobjns_namespace_close(ns, 0));
  KT_STATUS(kobjns_namespace_close(ns, 0), KOBJNS_INVALID_HANDLE);
  KT_OK(kobjns_namespace_open(NULL, b, alias, &again)); /* `opened` still holds it */
  KT_OK(kobjns_close(again));
  KT_OK(kobjns_close(opened));
  /* No handle left anywhere: no open finds it. */
  KT_STATUS(kobjns_namespace_open(NULL, b, alias, &opened), KOBJNS_FILE_NOT_FOUND);
  KT_STATUS(kobjns_namespace_access(opened, &access), KOBJNS_INVALID_HANDLE);
  kobjns_boundary_free(b);
}

/* The leaf of an object's canonical path after "\\PrivateNamespaces\\<id>\\". */
static bool in_namespace(const char *path, const char *leaf) {
  static const char prefix[] = "\\PrivateNamespaces\\";
  const char *slash =
      strncmp(path, prefix, sizeof prefix - 1) ? NULL : strchr(path + sizeof prefix - 1, '\\');
  return slash && !strcmp(slash + 1, leaf);
}

static void every_type_by_alias(void) {
  const char *sids[] = {self_sid(), NULL};
  kobjns_boundary *b = boundary("nsT", sids);
  const char *alias = kt_name("nsT");
  kobjns_namespace *ns = NULL;
  KT_OK(kobjns_namespace_create(NULL, b, alias, NULL, &ns));
  char name[256];
  snprintf(name, sizeof name, "%s\\map", alias);
  kobjns_section *s = NULL, *s2 = NULL;
  KT_OK(kobjns_section_create(NULL, name, 4096, KOBJNS_MAP_WRITE, NULL, &s));
  CU_ASSERT(in_namespace(kobjns_section_path(s), "map"));
  KT_STATUS(kobjns_section_create(NULL, name, 4096, KOBJNS_MAP_WRITE, NULL, &s2),
            KOBJNS_ALREADY_EXISTS);
  KT_OK(kobjns_close(s2));
  /* Not the global namespace's: the same leaf there is another object, or none. */
  KT_STATUS(kobjns_section_open(NULL, "Global\\map", KOBJNS_MAP_READ, &s2), KOBJNS_FILE_NOT_FOUND);
  struct {
    const char *leaf;
    int (*open)(const kobjns_ctx *, const char *, unsigned, kobjns_sync **);
    unsigned access;
  } types[] = {{"mutex", kobjns_mutex_open, KOBJNS_SYNCHRONIZE},
               {"event", kobjns_event_open, KOBJNS_SYNCHRONIZE},
               {"semaphore", kobjns_semaphore_open, KOBJNS_SYNCHRONIZE},
               {"timer", kobjns_timer_open, KOBJNS_SYNCHRONIZE}};
  kobjns_sync *made[4] = {0};
  for (int i = 0; i < 4; i++) {
    snprintf(name, sizeof name, "%s\\%s", alias, types[i].leaf);
    int rc = i == 0   ? kobjns_mutex_create(NULL, name, 0, NULL, &made[i])
             : i == 1 ? kobjns_event_create(NULL, name, 1, 0, NULL, &made[i])
             : i == 2 ? kobjns_semaphore_create(NULL, name, 0, 4, NULL, &made[i])
                      : kobjns_timer_create(NULL, name, 1, NULL, &made[i]);
    KT_OK(rc);
    if (made[i]) CU_ASSERT(in_namespace(kobjns_sync_path(made[i]), types[i].leaf));
    kobjns_sync *o = NULL;
    KT_OK(types[i].open(NULL, name, types[i].access, &o));
    if (o) KT_OK(kobjns_close(o));
  }
  /* One level only; an alias this process has not opened; an empty leaf. */
  snprintf(name, sizeof name, "%s\\a\\b", alias);
  KT_STATUS(kobjns_section_open(NULL, name, KOBJNS_MAP_READ, &s2), KOBJNS_PATH_NOT_FOUND);
  snprintf(name, sizeof name, "%s\\map", kt_name("never-opened"));
  KT_STATUS(kobjns_section_open(NULL, name, KOBJNS_MAP_READ, &s2), KOBJNS_PATH_NOT_FOUND);
  snprintf(name, sizeof name, "%s\\", alias);
  KT_STATUS(kobjns_section_open(NULL, name, KOBJNS_MAP_READ, &s2), KOBJNS_INVALID_NAME);
  /* An alias is only a name's first part. */
  snprintf(name, sizeof name, "Global\\%s\\map", alias);
  KT_STATUS(kobjns_section_open(NULL, name, KOBJNS_MAP_READ, &s2), KOBJNS_PATH_NOT_FOUND);
  for (int i = 0; i < 4; i++)
    if (made[i]) KT_OK(kobjns_close(made[i]));
  KT_OK(kobjns_close(s));
  KT_OK(kobjns_close(ns));
  /* Once the namespace is closed here, its alias names nothing. */
  snprintf(name, sizeof name, "%s\\map", alias);
  KT_STATUS(kobjns_section_open(NULL, name, KOBJNS_MAP_READ, &s2), KOBJNS_PATH_NOT_FOUND);
  kobjns_boundary_free(b);
}

static void identity_is_boundary_and_alias(void) {
  const char *sids[] = {self_sid(), "WD", NULL}, *reversed[] = {"WD", self_sid(), NULL};
  const char *other_sids[] = {self_sid(), NULL};
  const char *bname = kt_name("nsI");
  kobjns_boundary *b = NULL, *same = NULL, *fewer = NULL, *renamed = NULL;
  KT_OK(kobjns_boundary_create(bname, &b));
  for (const char *const *s = sids; *s; s++) KT_OK(kobjns_boundary_add_sid(b, *s));
  KT_OK(kobjns_boundary_create(bname, &same));
  for (const char *const *s = reversed; *s; s++) KT_OK(kobjns_boundary_add_sid(same, *s));
  KT_OK(kobjns_boundary_create(bname, &fewer));
  KT_OK(kobjns_boundary_add_sid(fewer, other_sids[0]));
  renamed = boundary("nsI-other", sids);
  const char *alias = kt_name("nsI");
  kobjns_namespace *ns = NULL, *o = NULL;
  KT_OK(kobjns_namespace_create(NULL, b, alias, NULL, &ns));
  KT_OK(kobjns_namespace_open(NULL, same, alias, &o)); /* SIDs are a set: order does not count */
  if (o) KT_OK(kobjns_close(o));
  KT_STATUS(kobjns_namespace_open(NULL, fewer, alias, &o), KOBJNS_FILE_NOT_FOUND);
  KT_STATUS(kobjns_namespace_open(NULL, renamed, alias, &o), KOBJNS_FILE_NOT_FOUND);
  KT_STATUS(kobjns_namespace_open(NULL, b, kt_name("nsI-alias"), &o), KOBJNS_FILE_NOT_FOUND);
  /* Another boundary under the same alias is another namespace: made beside the first. */
  kobjns_namespace *beside = NULL;
  KT_OK(kobjns_namespace_create(NULL, fewer, alias, NULL, &beside));
  if (beside) KT_OK(kobjns_close(beside));
  KT_OK(kobjns_close(ns));
  kobjns_boundary_free(b);
  kobjns_boundary_free(same);
  kobjns_boundary_free(fewer);
  kobjns_boundary_free(renamed);
}

static void only_the_boundary_creates(void) {
  /* A SID this process lacks: a user no test runs as. */
  const char *sids[] = {"S-1-22-1-61999", NULL};
  kobjns_boundary *b = boundary("nsO", sids);
  kobjns_namespace *ns = NULL;
  KT_STATUS(kobjns_namespace_create(NULL, b, kt_name("nsO"), NULL, &ns), KOBJNS_ACCESS_DENIED);
  CU_ASSERT_PTR_NULL(ns);
  kobjns_boundary_free(b);
  /* An empty boundary holds everyone. */
  kobjns_boundary *empty = boundary("nsO-empty", NULL);
  KT_OK(kobjns_namespace_create(NULL, empty, kt_name("nsO"), NULL, &ns));
  if (ns) KT_OK(kobjns_close(ns));
  kobjns_boundary_free(empty);
}

static void no_privilege_needed_inside(void) {
  /* SeCreateGlobalPrivilege is the global namespace's rule; a private one is not in it. */
  kobjns_ctx *app = kt_ctx(1, false);
  const char *sids[] = {self_sid(), NULL};
  kobjns_boundary *b = boundary("nsP", sids);
  const char *alias = kt_name("nsP");
  kobjns_namespace *ns = NULL;
  KT_OK(kobjns_namespace_create(app, b, alias, NULL, &ns));
  char name[256];
  snprintf(name, sizeof name, "%s\\map", alias);
  kobjns_section *s = NULL;
  KT_STATUS(
      kobjns_section_create(app, kt_prefixed("Global\\", "nsP"), 4096, KOBJNS_MAP_WRITE, NULL, &s),
      KOBJNS_ACCESS_DENIED);
  KT_OK(kobjns_section_create(app, name, 4096, KOBJNS_MAP_WRITE, NULL, &s));
  unsigned privileges = 1;
  KT_OK(kobjns_create_privileges(app, name, KOBJNS_TYPE_SECTION, &privileges));
  CU_ASSERT_EQUAL(privileges, 0);
  if (s) KT_OK(kobjns_close(s));
  if (ns) KT_OK(kobjns_close(ns));
  kobjns_boundary_free(b);
  kobjns_ctx_free(app);
}

/* A descriptor that gives even its owner no CREATE_OBJECT: the creator's handle has every right
 * (a creator gets what it asks for), and the last close still removes everything (the runner
 * checks that nothing is left). */
static void owner_without_create_right(void) {
  const char *sids[] = {self_sid(), NULL};
  kobjns_boundary *b = boundary("nsW", sids);
  const char *alias = kt_name("nsW");
  kobjns_namespace *ns = NULL, *reader = NULL;
  KT_OK(kobjns_namespace_create(NULL, b, alias, "D:(A;;GR;;;WD)", &ns));
  char name[256];
  snprintf(name, sizeof name, "%s\\event", alias);
  kobjns_sync *e = NULL;
  KT_OK(kobjns_event_create(NULL, name, 1, 0, NULL, &e));
  /* An opener gets what the descriptor grants: no create inside. */
  KT_OK(kobjns_namespace_open(NULL, b, alias, &reader));
  kobjns_sync *other = NULL;
  snprintf(name, sizeof name, "%s\\other", alias);
  KT_STATUS(kobjns_event_create(NULL, name, 1, 0, NULL, &other), KOBJNS_ACCESS_DENIED);
  if (reader) KT_OK(kobjns_close(reader));
  if (e) KT_OK(kobjns_close(e));
  if (ns) KT_OK(kobjns_close(ns));
  kobjns_boundary_free(b);
}

static void destroy_then_open_fails(void) {
  const char *sids[] = {self_sid(), NULL};
  kobjns_boundary *b = boundary("nsD", sids);
  const char *alias = kt_name("nsD");
  kobjns_namespace *ns = NULL, *kept = NULL, *o = NULL;
  KT_OK(kobjns_namespace_create(NULL, b, alias, NULL, &ns));
  KT_OK(kobjns_namespace_open(NULL, b, alias, &kept));
  char name[256];
  snprintf(name, sizeof name, "%s\\map", alias);
  kobjns_section *s = NULL, *s2 = NULL;
  KT_OK(kobjns_section_create(NULL, name, 4096, KOBJNS_MAP_WRITE, NULL, &s));
  void *view = NULL;
  KT_OK(kobjns_section_map(s, KOBJNS_MAP_WRITE, 0, 0, &view));
  KT_OK(kobjns_namespace_close(ns, KOBJNS_NAMESPACE_DESTROY));
  KT_STATUS(kobjns_namespace_open(NULL, b, alias, &o), KOBJNS_FILE_NOT_FOUND);
  /* Its objects keep working, and a handle still open keeps naming them. */
  if (view) strcpy(view, "after destroy");
  KT_OK(kobjns_section_open(NULL, name, KOBJNS_MAP_READ, &s2));
  if (s2) KT_OK(kobjns_close(s2));
  /* A new namespace of that identity is another one: the old objects are not in it. */
  kobjns_namespace *fresh = NULL;
  KT_OK(kobjns_close(kept));
  KT_OK(kobjns_namespace_create(NULL, b, alias, NULL, &fresh));
  KT_STATUS(kobjns_section_open(NULL, name, KOBJNS_MAP_READ, &s2), KOBJNS_FILE_NOT_FOUND);
  if (view) {
    CU_ASSERT_STRING_EQUAL(view, "after destroy");
    KT_OK(kobjns_unmap(view));
  }
  KT_OK(kobjns_close(s));
  if (fresh) KT_OK(kobjns_namespace_close(fresh, KOBJNS_NAMESPACE_DESTROY));
  kobjns_boundary_free(b);
}

/* A duplicate of a namespace handle names it under the same alias, the source closed. */
static void duplicate_keeps_alias(void) {
  const char *sids[] = {self_sid(), NULL};
  kobjns_boundary *b = boundary("nsDup", sids);
  const char *alias = kt_name("nsDup");
  kobjns_namespace *ns = NULL;
  void *dup = NULL;
  KT_OK(kobjns_namespace_create(NULL, b, alias, NULL, &ns));
  KT_OK(
      kobjns_duplicate(ns, 0, KOBJNS_DUPLICATE_SAME_ACCESS | KOBJNS_DUPLICATE_CLOSE_SOURCE, &dup));
  KT_STATUS(kobjns_namespace_access(ns, &(unsigned){0}), KOBJNS_INVALID_HANDLE);
  char name[256];
  snprintf(name, sizeof name, "%s\\event", alias);
  kobjns_sync *e = NULL;
  KT_OK(kobjns_event_create(NULL, name, 1, 0, NULL, &e));
  if (e) KT_OK(kobjns_close(e));
  /* A duplicate with fewer rights: traverse only, so a create finds no object to open. */
  void *traverse = NULL;
  KT_OK(kobjns_duplicate(dup, KOBJNS_DIRECTORY_TRAVERSE, 0, &traverse));
  KT_OK(kobjns_close(dup));
  KT_STATUS(kobjns_event_create(NULL, name, 1, 0, NULL, &e), KOBJNS_ACCESS_DENIED);
  if (traverse) KT_OK(kobjns_close(traverse));
  kobjns_boundary_free(b);
}

/* Another process: its own alias, the same namespace and objects, from another session. */
static void another_process_another_session(void) {
  const char *sids[] = {self_sid(), NULL};
  const char *bname = kt_name("nsS"), *alias = kt_name("nsS");
  kobjns_boundary *b = NULL;
  KT_OK(kobjns_boundary_create(bname, &b));
  KT_OK(kobjns_boundary_add_sid(b, sids[0]));
  kobjns_namespace *ns = NULL;
  KT_OK(kobjns_namespace_create(NULL, b, alias, NULL, &ns));
  char name[256];
  snprintf(name, sizeof name, "%s\\map", alias);
  kobjns_section *s = NULL;
  void *view = NULL;
  KT_OK(kobjns_section_create(NULL, name, 4096, KOBJNS_MAP_WRITE, NULL, &s));
  if (s) KT_OK(kobjns_section_map(s, KOBJNS_MAP_WRITE, 0, 0, &view));
  if (view) strcpy(view, "from session 0");
  kt_proc app;
  CU_ASSERT_FATAL(kt_spawn(&app, 1, -1));
  /* Not open in that process yet: its "alias\\map" names nothing. */
  KT_STATUS(kt_cmd(&app, NULL, 0, "open %s 0x4", name), KOBJNS_PATH_NOT_FOUND);
  KT_STATUS(kt_cmd(&app, NULL, 0, "nsopen %s %s %s", bname, sids[0], alias), 0);
  KT_STATUS(kt_cmd(&app, NULL, 0, "open %s 0x4", name), 0);
  char reply[128];
  kt_cmd(&app, reply, sizeof reply, "read");
  CU_ASSERT_STRING_EQUAL(reply, "0 from session 0");
  /* Its create of the namespace is 183: one namespace, whatever the session. */
  KT_STATUS(kt_cmd(&app, NULL, 0, "nscreate %s %s %s -", bname, sids[0], alias),
            KOBJNS_FILE_EXISTS);
  kt_cmd(&app, NULL, 0, "exit");
  CU_ASSERT_EQUAL(kt_wait(&app), 0);
  if (view) KT_OK(kobjns_unmap(view));
  if (s) KT_OK(kobjns_close(s));
  KT_OK(kobjns_close(ns));
  kobjns_boundary_free(b);
}

/* Killed holders: the namespace goes with the last handle to it (a killed process's close with
 * it), its objects with theirs. */
static void killed_holders(void) {
  const char *sid = self_sid();
  const char *bname = kt_name("nsK"), *alias = kt_name("nsK");
  kobjns_boundary *b = NULL;
  KT_OK(kobjns_boundary_create(bname, &b));
  KT_OK(kobjns_boundary_add_sid(b, sid));
  char name[256];
  snprintf(name, sizeof name, "%s\\map", alias);
  kt_proc service;
  CU_ASSERT_FATAL(kt_spawn(&service, 0, -1));
  KT_STATUS(kt_cmd(&service, NULL, 0, "nscreate %s %s %s -", bname, sid, alias), 0);
  KT_STATUS(kt_cmd(&service, NULL, 0, "create %s 4096 0x2 -", name), 0);
  KT_STATUS(kt_cmd(&service, NULL, 0, "write alive"), 0);
  kobjns_namespace *ns = NULL;
  KT_OK(kobjns_namespace_open(NULL, b, alias, &ns));
  kobjns_section *s = NULL;
  KT_OK(kobjns_section_open(NULL, name, KOBJNS_MAP_READ, &s));
  kt_kill(&service);
  /* We hold the namespace: it still opens, and its object with our handle still works. */
  kobjns_namespace *o = NULL;
  KT_OK(kobjns_namespace_open(NULL, b, alias, &o));
  if (o) KT_OK(kobjns_close(o));
  void *view = NULL;
  if (s) KT_OK(kobjns_section_map(s, KOBJNS_MAP_READ, 0, 0, &view));
  if (view) CU_ASSERT_STRING_EQUAL(view, "alive");
  KT_OK(kobjns_close(ns));
  /* The last handle to the namespace is gone: opens fail, the object lives on with ours. */
  KT_STATUS(kobjns_namespace_open(NULL, b, alias, &o), KOBJNS_FILE_NOT_FOUND);
  if (view) CU_ASSERT_STRING_EQUAL(view, "alive");
  /* Killed alone: a namespace whose only holder was killed is gone too. */
  CU_ASSERT_FATAL(kt_spawn(&service, 0, -1));
  KT_STATUS(kt_cmd(&service, NULL, 0, "nscreate %s %s %s -", bname, sid, alias), 0);
  kt_kill(&service);
  KT_STATUS(kobjns_namespace_open(NULL, b, alias, &o), KOBJNS_FILE_NOT_FOUND);
  KT_OK(kobjns_namespace_create(NULL, b, alias, NULL, &o));
  if (o) KT_OK(kobjns_close(o));
  if (view) KT_OK(kobjns_unmap(view));
  if (s) KT_OK(kobjns_close(s));
  kobjns_boundary_free(b);
}

/* Creators at once: exactly one makes it, the others are told it exists. */
static void creators_race(void) {
  enum { CREATORS = 4 };
  const char *sid = self_sid(), *bname = kt_name("nsR");
  for (int round = 0; round < 8; round++) {
    char alias[64];
    snprintf(alias, sizeof alias, "%s.%d", kt_name("nsR"), round);
    kt_proc p[CREATORS];
    for (int i = 0; i < CREATORS; i++) CU_ASSERT_FATAL(kt_spawn(&p[i], 0, -1));
    for (int i = 0; i < CREATORS; i++) kt_send(&p[i], "nscreate %s %s %s -", bname, sid, alias);
    int made = 0, existed = 0;
    for (int i = 0; i < CREATORS; i++) {
      int rc = kt_recv(&p[i], NULL, 0);
      made += rc == 0;
      existed += rc == KOBJNS_FILE_EXISTS;
    }
    CU_ASSERT_EQUAL(made, 1);
    CU_ASSERT_EQUAL(existed, CREATORS - 1);
    for (int i = 0; i < CREATORS; i++) {
      kt_cmd(&p[i], NULL, 0, "exit");
      kt_wait(&p[i]);
    }
  }
}

/* Threads opening and closing namespaces under one alias while others name objects by it: the
 * process's aliases stay whole (the tsan leg runs this). */
typedef struct alias_churn {
  kobjns_boundary *b;
  const char *alias;
  char name[256];
  int failures;
} alias_churn;

static void *churn_namespaces(void *arg) {
  alias_churn *c = arg;
  for (int i = 0; i < 200; i++) {
    kobjns_namespace *ns = NULL;
    if (kobjns_namespace_open(NULL, c->b, c->alias, &ns) || kobjns_close(ns))
      __atomic_add_fetch(&c->failures, 1, __ATOMIC_RELAXED);
  }
  return NULL;
}

static void *churn_names(void *arg) {
  alias_churn *c = arg;
  for (int i = 0; i < 200; i++) {
    kobjns_sync *e = NULL;
    if (kobjns_event_open(NULL, c->name, KOBJNS_SYNCHRONIZE, &e) || kobjns_close(e))
      __atomic_add_fetch(&c->failures, 1, __ATOMIC_RELAXED);
  }
  return NULL;
}

static void aliases_under_threads(void) {
  const char *sids[] = {self_sid(), NULL};
  alias_churn c = {.b = boundary("nsC", sids), .alias = kt_name("nsC")};
  snprintf(c.name, sizeof c.name, "%s\\event", c.alias);
  kobjns_namespace *ns = NULL;
  KT_OK(kobjns_namespace_create(NULL, c.b, c.alias, NULL, &ns));
  kobjns_sync *e = NULL;
  KT_OK(kobjns_event_create(NULL, c.name, 1, 0, NULL, &e));
  kt_thread *t[4];
  for (int i = 0; i < 4; i++) t[i] = kt_thread_start(i % 2 ? churn_names : churn_namespaces, &c);
  for (int i = 0; i < 4; i++) kt_thread_join(t[i]);
  CU_ASSERT_EQUAL(c.failures, 0);
  if (e) KT_OK(kobjns_close(e));
  if (ns) KT_OK(kobjns_close(ns));
  kobjns_boundary_free(c.b);
}

#ifndef _WIN32
/* The directory of the namespace the section `s` is in: "/dev/shm/kobjns.<root>.ns.<id>", the
 * id from its canonical path "\\PrivateNamespaces\\<id>\\<leaf>". */
static void namespace_dir(kobjns_section *s, char *out, size_t size) {
  const char *path = kobjns_section_path(s), *id = strchr(path + 1, '\\');
  const char *end = id ? strchr(id + 1, '\\') : NULL;
  char prefix[64];
  kt_tree_prefix(getenv("KOBJNS_ROOT"), prefix, sizeof prefix);
  snprintf(out, size, "/dev/shm/%sns.%.*s", prefix, end ? (int)(end - id - 1) : 0,
           id ? id + 1 : "");
}

/* Squatting: a user outside the boundary makes the namespace's directory first (with a record
 * copied from a real one, held: everything but an owner the kernel vouches for). The service's
 * open does not take it, its create makes the real one, and its client finds the service's. */
static void squatter_is_passed_over(void) {
  const char *bname = kt_name("nsQ"), *alias = kt_name("nsQ");
  kobjns_boundary *b = NULL;
  KT_OK(kobjns_boundary_create(bname, &b));
  KT_OK(kobjns_boundary_add_sid(b, "S-1-22-1-0"));
  kobjns_namespace *ns = NULL;
  KT_OK(kobjns_namespace_create(NULL, b, alias, NULL, &ns));
  char name[256], dir[512], record[600], planted[600], planted_record[700];
  snprintf(name, sizeof name, "%s\\map", alias);
  kobjns_section *s = NULL;
  KT_OK(kobjns_section_create(NULL, name, 4096, KOBJNS_MAP_WRITE, NULL, &s));
  namespace_dir(s, dir, sizeof dir);
  snprintf(record, sizeof record, "%s/kobjns.namespace", dir);
  /* The squatter's copy: the same identity's prefix, its own instance, the record's bytes with
   * the id made its own, owned by the squatter (what its mkdir and write would leave). */
  char bytes[4096];
  int fd = open(record, O_RDONLY);
  ssize_t n = fd >= 0 ? read(fd, bytes, sizeof bytes) : -1;
  if (fd >= 0) close(fd);
  CU_ASSERT_FATAL(n > 80);
  char *dot = strrchr(dir, '.');
  CU_ASSERT_FATAL(dot != NULL);
  snprintf(planted, sizeof planted, "%.*s.0000000000000000", (int)(dot - dir), dir);
  char *id = bytes + 32, *id_dot = strrchr(id, '.');
  CU_ASSERT_FATAL(id_dot != NULL);
  memcpy(id_dot + 1, "0000000000000000", 16);
  KT_OK(kobjns_section_close(s));
  KT_OK(kobjns_close(ns)); /* the real one is gone: only the squatter's is left */
  CU_ASSERT_EQUAL_FATAL(mkdir(planted, 0700), 0);
  snprintf(planted_record, sizeof planted_record, "%s/kobjns.namespace", planted);
  fd = open(planted_record, O_RDWR | O_CREAT | O_EXCL, 0644);
  CU_ASSERT_FATAL(fd >= 0);
  CU_ASSERT_EQUAL(write(fd, bytes, (size_t)n), n);
  CU_ASSERT_EQUAL(flock(fd, LOCK_SH), 0); /* "held": alive */
  CU_ASSERT_EQUAL(fchown(fd, OTHER_USER, (gid_t)-1), 0);
  CU_ASSERT_EQUAL(chown(planted, OTHER_USER, (gid_t)-1), 0);
  chmod(planted, 01700);
  KT_STATUS(kobjns_namespace_open(NULL, b, alias, &ns), KOBJNS_FILE_NOT_FOUND);
  KT_OK(kobjns_namespace_create(NULL, b, alias, NULL, &ns));
  KT_OK(kobjns_section_create(NULL, name, 4096, KOBJNS_MAP_WRITE, NULL, &s));
  char real[512];
  namespace_dir(s, real, sizeof real);
  CU_ASSERT(strcmp(real, planted) != 0);
  kt_proc client;
  CU_ASSERT_FATAL(kt_spawn(&client, 1, -1));
  KT_STATUS(kt_cmd(&client, NULL, 0, "nsopen %s S-1-22-1-0 %s", bname, alias), 0);
  KT_STATUS(kt_cmd(&client, NULL, 0, "open %s 0x4", name), 0); /* the service's */
  kt_cmd(&client, NULL, 0, "exit");
  kt_wait(&client);
  /* The same record owned by root but with a second link, or a directory others may write
   * beyond its descriptor: not taken either. */
  CU_ASSERT_EQUAL(fchown(fd, 0, (gid_t)-1), 0);
  CU_ASSERT_EQUAL(chown(planted, 0, (gid_t)-1), 0);
  chmod(planted, 01777);
  KT_OK(kobjns_close(ns));
  KT_STATUS(kobjns_namespace_open(NULL, b, alias, &ns), KOBJNS_FILE_NOT_FOUND);
  chmod(planted, 01700);
  char link_path[700];
  snprintf(link_path, sizeof link_path, "%s/second", planted);
  CU_ASSERT_EQUAL(link(planted_record, link_path), 0);
  KT_STATUS(kobjns_namespace_open(NULL, b, alias, &ns), KOBJNS_FILE_NOT_FOUND);
  unlink(link_path);
  /* Everything right: the very same bytes, owned by a user inside the boundary, are a namespace
   * (so the rows above failed for the reason they name). */
  KT_OK(kobjns_namespace_open(NULL, b, alias, &ns));
  if (ns) KT_OK(kobjns_close(ns));
  close(fd);
  KT_OK(kobjns_section_close(s));
  unlink(planted_record);
  rmdir(planted);
  kobjns_boundary_free(b);
}

/* What the kernel enforces for another user: the descriptor decides the open, and the directory's
 * mode keeps that user from the objects inside even when their own descriptors would let it in. */
static void kernel_keeps_others_out(void) {
  const char *bname = kt_name("nsU"), *alias = kt_name("nsU");
  kobjns_boundary *b = NULL;
  KT_OK(kobjns_boundary_create(bname, &b));
  KT_OK(kobjns_boundary_add_sid(b, "S-1-22-1-0"));
  kobjns_namespace *ns = NULL;
  KT_OK(kobjns_namespace_create(NULL, b, alias, NULL, &ns));
  char name[256], path[600];
  snprintf(name, sizeof name, "%s\\open-to-all", alias);
  kobjns_section *s = NULL;
  KT_OK(kobjns_section_create(NULL, name, 4096, KOBJNS_MAP_WRITE, "D:(A;;GA;;;WD)", &s));
  kobjns_ctx *root = kt_ctx(0, true);
  kt_native_path(root, name, path, sizeof path);
  kobjns_ctx_free(root);
  kt_proc other;
  CU_ASSERT_FATAL(kt_spawn(&other, 1, OTHER_USER));
  KT_STATUS(kt_cmd(&other, NULL, 0, "nsopen %s S-1-22-1-0 %s", bname, alias), KOBJNS_ACCESS_DENIED);
  KT_STATUS(kt_cmd(&other, NULL, 0, "rawopen %s r", path), EACCES); /* no way through the dir */
  /* Nor may it plant in there, or make the namespace itself (not inside the boundary). */
  KT_STATUS(kt_cmd(&other, NULL, 0, "nscreate %s S-1-22-1-0 %s -", bname, alias),
            KOBJNS_ACCESS_DENIED);
  KT_OK(kobjns_section_close(s));
  KT_OK(kobjns_close(ns));
  /* A grant to that user alone: mode bits have no class for one user, so the directory gives
   * "others" what the least-favoured other user has, nothing, and the kernel refuses (the same
   * limit as objects': docs/posix-backend.md). */
  char sddl[128];
  snprintf(sddl, sizeof sddl, "D:(A;;GA;;;OW)(A;;GR;;;S-1-22-1-%d)", OTHER_USER);
  KT_OK(kobjns_namespace_create(NULL, b, alias, sddl, &ns));
  KT_STATUS(kt_cmd(&other, NULL, 0, "nsopen %s S-1-22-1-0 %s", bname, alias), KOBJNS_ACCESS_DENIED);
  KT_OK(kobjns_close(ns));
  /* Everyone may traverse (GR), nobody else create: the other user opens the namespace and the
   * object, and the kernel refuses its create inside. */
  KT_OK(kobjns_namespace_create(NULL, b, alias, "D:(A;;GA;;;OW)(A;;GR;;;WD)", &ns));
  KT_OK(kobjns_section_create(NULL, name, 4096, KOBJNS_MAP_WRITE, "D:(A;;GA;;;WD)", &s));
  char reply[64];
  KT_STATUS(kt_cmd(&other, reply, sizeof reply, "nsopen %s S-1-22-1-0 %s", bname, alias), 0);
  CU_ASSERT_EQUAL(strtoul(strchr(reply, ' ') ? strchr(reply, ' ') + 1 : "0", NULL, 16),
                  0x20000u | KOBJNS_DIRECTORY_QUERY | KOBJNS_DIRECTORY_TRAVERSE);
  KT_STATUS(kt_cmd(&other, NULL, 0, "open %s 0x4", name), 0);
  char mine[256];
  snprintf(mine, sizeof mine, "%s\\planted", alias);
  KT_STATUS(kt_cmd(&other, NULL, 0, "create %s 4096 0x2 D:(A;;GA;;;WD)", mine),
            KOBJNS_ACCESS_DENIED);
  /* It holds the namespace but may not destroy it (DELETE is not granted). */
  KT_STATUS(kt_cmd(&other, NULL, 0, "nsclose 1"), KOBJNS_ACCESS_DENIED);
  KT_STATUS(kt_cmd(&other, NULL, 0, "nsclose 0"), 0);
  kt_cmd(&other, NULL, 0, "exit");
  kt_wait(&other);
  KT_OK(kobjns_section_close(s));
  KT_OK(kobjns_close(ns));
  kobjns_boundary_free(b);
}

/* A namespace of another user inside the boundary (a service run as a user): root opens it;
 * a boundary of a group holds its members. */
static void owner_vouched_by_kernel(void) {
  char sid[32];
  snprintf(sid, sizeof sid, "S-1-22-1-%d", OTHER_USER);
  const char *bname = kt_name("nsV"), *alias = kt_name("nsV");
  kt_proc service;
  CU_ASSERT_FATAL(kt_spawn(&service, 0, OTHER_USER));
  char sddl[96];
  snprintf(sddl, sizeof sddl, "D:(A;;GA;;;OW)(A;;GA;;;SY)");
  KT_STATUS(kt_cmd(&service, NULL, 0, "nscreate %s %s %s %s", bname, sid, alias, sddl), 0);
  kobjns_boundary *b = NULL;
  KT_OK(kobjns_boundary_create(bname, &b));
  KT_OK(kobjns_boundary_add_sid(b, sid));
  kobjns_namespace *ns = NULL;
  KT_OK(kobjns_namespace_open(NULL, b, alias, &ns));
  if (ns) KT_OK(kobjns_close(ns));
  kt_cmd(&service, NULL, 0, "exit");
  kt_wait(&service);
  KT_STATUS(kobjns_namespace_open(NULL, b, alias, &ns), KOBJNS_FILE_NOT_FOUND);
  /* Root acting as that user makes the namespace that user's. */
  kobjns_ctx *as_user = kt_ctx(0, true);
  KT_OK(kobjns_ctx_set_user(as_user, OTHER_USER));
  KT_OK(kobjns_namespace_create(as_user, b, alias, NULL, &ns));
  char name[256], path[600];
  snprintf(name, sizeof name, "%s\\x", alias);
  kobjns_section *s = NULL;
  KT_OK(kobjns_section_create(as_user, name, 4096, KOBJNS_MAP_WRITE, NULL, &s));
  namespace_dir(s, path, sizeof path);
  struct stat st;
  CU_ASSERT_EQUAL(stat(path, &st), 0);
  CU_ASSERT_EQUAL(st.st_uid, OTHER_USER);
  CU_ASSERT_EQUAL(st.st_mode & 07777, 01700); /* sticky; nothing for others */
  if (s) KT_OK(kobjns_close(s));
  if (ns) KT_OK(kobjns_close(ns));
  kobjns_ctx_free(as_user);
  kobjns_boundary_free(b);
}

/* The squatter uses the library: the alias first, under a boundary it is inside of. That is
 * another namespace; the service's create makes its own, and its client gets the service's. */
static void same_alias_other_user(void) {
  const char *bname = kt_name("nsA2"), *alias = kt_name("nsA2");
  char squatter_sid[32], name[256];
  snprintf(squatter_sid, sizeof squatter_sid, "S-1-22-1-%d", OTHER_USER);
  snprintf(name, sizeof name, "%s\\map", alias);
  kt_proc squatter, client;
  CU_ASSERT_FATAL(kt_spawn(&squatter, 1, OTHER_USER));
  KT_STATUS(
      kt_cmd(&squatter, NULL, 0, "nscreate %s %s %s D:(A;;GA;;;WD)", bname, squatter_sid, alias),
      0);
  KT_STATUS(kt_cmd(&squatter, NULL, 0, "create %s 4096 0x2 D:(A;;GA;;;WD)", name), 0);
  KT_STATUS(kt_cmd(&squatter, NULL, 0, "write squatted"), 0);
  /* Nor can it claim the service's boundary (it is not inside). */
  KT_STATUS(kt_cmd(&squatter, NULL, 0, "nscreate %s S-1-22-1-0 %s -", bname, alias),
            KOBJNS_ACCESS_DENIED);
  kobjns_boundary *b = NULL;
  KT_OK(kobjns_boundary_create(bname, &b));
  KT_OK(kobjns_boundary_add_sid(b, "S-1-22-1-0"));
  kobjns_namespace *ns = NULL;
  KT_OK(kobjns_namespace_create(NULL, b, alias, "D:(A;;GA;;;OW)(A;;GR;;;WD)", &ns));
  kobjns_section *s = NULL;
  void *view = NULL;
  KT_OK(
      kobjns_section_create(NULL, name, 4096, KOBJNS_MAP_WRITE, "D:(A;;GA;;;OW)(A;;GR;;;WD)", &s));
  if (s) KT_OK(kobjns_section_map(s, KOBJNS_MAP_WRITE, 0, 0, &view));
  if (view) strcpy(view, "the service's");
  CU_ASSERT_FATAL(kt_spawn(&client, 1, OTHER_USER + 1));
  KT_STATUS(kt_cmd(&client, NULL, 0, "nsopen %s S-1-22-1-0 %s", bname, alias), 0);
  KT_STATUS(kt_cmd(&client, NULL, 0, "open %s 0x4", name), 0);
  char reply[128];
  kt_cmd(&client, reply, sizeof reply, "read");
  CU_ASSERT_STRING_EQUAL(reply, "0 the service's");
  kt_cmd(&client, NULL, 0, "exit");
  kt_wait(&client);
  kt_cmd(&squatter, NULL, 0, "exit");
  kt_wait(&squatter);
  if (view) KT_OK(kobjns_unmap(view));
  if (s) KT_OK(kobjns_close(s));
  if (ns) KT_OK(kobjns_close(ns));
  kobjns_boundary_free(b);
}

/* Root is refused nothing by the kernel: the namespace's descriptor decides for it, through its
 * handle's rights (traverse only: no create inside); and an IU grant widens no mode bit. */
static void rights_bind_root(void) {
  const char *bname = kt_name("nsRt"), *alias = kt_name("nsRt");
  char sid[32], name[256], leaf[256];
  snprintf(sid, sizeof sid, "S-1-22-1-%d", OTHER_USER);
  kobjns_boundary *b = NULL;
  KT_OK(kobjns_boundary_create(bname, &b));
  KT_OK(kobjns_boundary_add_sid(b, sid));
  kobjns_ctx *service = kt_ctx(0, true);
  KT_OK(kobjns_ctx_set_user(service, OTHER_USER));
  kobjns_namespace *ns = NULL, *mine = NULL;
  KT_OK(kobjns_namespace_create(service, b, alias, "D:(A;;GA;;;OW)(A;;GR;;;SY)(A;;GA;;;IU)", &ns));
  snprintf(name, sizeof name, "%s\\kept", alias);
  kobjns_section *s = NULL, *s2 = NULL;
  KT_OK(kobjns_section_create(service, name, 4096, KOBJNS_MAP_WRITE, "D:(A;;GA;;;WD)", &s));
  /* Root's own handle (the alias names the newest): opened with what the descriptor gives it. */
  KT_OK(kobjns_namespace_open(NULL, b, alias, &mine));
  unsigned access = 0;
  KT_OK(kobjns_namespace_access(mine, &access));
  CU_ASSERT_EQUAL(access, 0x20000u | KOBJNS_DIRECTORY_QUERY | KOBJNS_DIRECTORY_TRAVERSE);
  KT_OK(kobjns_section_open(NULL, name, KOBJNS_MAP_READ, &s2));
  if (s2) KT_OK(kobjns_close(s2));
  snprintf(leaf, sizeof leaf, "%s\\planted-by-root", alias);
  KT_STATUS(kobjns_section_create(NULL, leaf, 4096, KOBJNS_MAP_WRITE, NULL, &s2),
            KOBJNS_ACCESS_DENIED);
  char dir[512];
  namespace_dir(s, dir, sizeof dir);
  struct stat st;
  CU_ASSERT_EQUAL(stat(dir, &st), 0);
  CU_ASSERT_EQUAL(st.st_mode & 07777, 01700); /* IU's grant is no class's: nothing for others */
  if (mine) KT_OK(kobjns_close(mine));
  if (ns) KT_OK(kobjns_close(ns));
  if (s) KT_OK(kobjns_close(s));
  kobjns_ctx_free(service);
  kobjns_boundary_free(b);
}

/* A boundary of a group: its members are inside (root's account is in group 0), a user who is
 * not is outside, and the namespace's owner is judged by the account database, never by what a
 * process says of its groups. */
static void group_boundary(void) {
  const char *bname = kt_name("nsG"), *alias = kt_name("nsG");
  kobjns_boundary *b = NULL;
  KT_OK(kobjns_boundary_create(bname, &b));
  KT_OK(kobjns_boundary_add_sid(b, "S-1-22-2-0"));
  kobjns_ctx *outsider = kt_ctx(0, true);
  KT_OK(kobjns_ctx_set_user(outsider, OTHER_USER)); /* an account in no group 0 */
  kobjns_namespace *ns = NULL, *o = NULL;
  KT_STATUS(kobjns_namespace_create(outsider, b, alias, NULL, &ns), KOBJNS_ACCESS_DENIED);
  KT_OK(kobjns_namespace_create(NULL, b, alias, NULL, &ns));
  KT_OK(kobjns_namespace_open(NULL, b, alias, &o));
  if (o) KT_OK(kobjns_close(o));
  if (ns) KT_OK(kobjns_close(ns));
  kobjns_ctx_free(outsider);
  kobjns_boundary_free(b);
}
#endif

void kt_add_namespaces(CU_pSuite s) {
  kt_add(s, "boundaries: names, SIDs, integrity labels, bad input", boundary_inputs, 0);
  kt_add_not_wine(s, "create (183 when it exists, no handle), open, close", create_open_close, 0,
                  WINE_LACKS);
  kt_add_not_wine(s, "alias\\name for every type; one level; 3 for an alias not open here",
                  every_type_by_alias, 0, WINE_LACKS);
  kt_add_not_wine(s, "a namespace is its boundary (name, SIDs as a set) and its alias",
                  identity_is_boundary_and_alias, 0, WINE_LACKS);
  kt_add_not_wine(s, "only a caller inside the boundary creates", only_the_boundary_creates, 0,
                  WINE_LACKS);
  kt_add_not_wine(s, "no SeCreateGlobalPrivilege inside a private namespace",
                  no_privilege_needed_inside, KT_NEEDS_SESSIONS, WINE_LACKS);
  kt_add_not_wine(s, "a descriptor that denies its owner CREATE_OBJECT: only the creator creates",
                  owner_without_create_right, 0, WINE_LACKS);
  kt_add_not_wine(s, "destroyed: opens fail, objects and open handles keep working",
                  destroy_then_open_fails, 0, WINE_LACKS);
  kt_add_not_wine(s, "a duplicated namespace handle keeps the alias; its rights are its own",
                  duplicate_keeps_alias, 0, WINE_LACKS);
  kt_add_not_wine(s, "another process in another session: its own alias, the same namespace",
                  another_process_another_session, KT_NEEDS_SESSIONS, WINE_LACKS);
  kt_add_not_wine(s, "killed holders: the namespace goes with its last handle, objects live on",
                  killed_holders, KT_NEEDS_SESSIONS, WINE_LACKS);
  kt_add_not_wine(s, "creators at once: exactly one makes it", creators_race, 0, WINE_LACKS);
  kt_add_not_wine(s, "threads opening and closing under one alias while others name by it",
                  aliases_under_threads, 0, WINE_LACKS);
  kt_add(s, "squatting: a directory planted by a user outside the boundary is passed over",
         KT_POSIX_ONLY(squatter_is_passed_over), KT_NEEDS_ROOT);
  kt_add(s, "the kernel keeps other users out of the namespace and its objects",
         KT_POSIX_ONLY(kernel_keeps_others_out), KT_NEEDS_ROOT);
  kt_add(s, "a namespace of another user inside the boundary: the kernel vouches for its owner",
         KT_POSIX_ONLY(owner_vouched_by_kernel), KT_NEEDS_ROOT);
  kt_add(s, "squatting through the library: another user's namespace of the alias is another one",
         KT_POSIX_ONLY(same_alias_other_user), KT_NEEDS_ROOT);
  kt_add(s, "root is bound by the namespace's descriptor (its handle's rights); IU widens no bit",
         KT_POSIX_ONLY(rights_bind_root), KT_NEEDS_ROOT);
  kt_add(s, "a boundary of a group: members create, others cannot", KT_POSIX_ONLY(group_boundary),
         KT_NEEDS_ROOT);
}
