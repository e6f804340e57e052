/* Public process entry points: validate once, make the handles' objects through the one object
 * pipeline (object.c), then one backend function starts, opens, asks or ends the process.
 *
 * Handle inheritance, the Windows way: a child started with inherit_handles gets every handle of
 * ours whose INHERIT flag is set, at the same value. The backend makes a copy of each for the
 * child (POSIX: a descriptor the child keeps; Windows: an inheritable HANDLE), and the list goes
 * in the child's environment (KOBJNS_INHERITED) for kobjns, loaded in the child, to put each copy
 * back in its table at its value before the program's main() runs. */
#include "internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --- the handles a child inherits ------------------------------------------------------------ */

typedef struct inherit_list {
  kobjns__inherited *items;
  size_t count, capacity;
  int rc;
} inherit_list;

static int collect(kobjns__object *o, void *arg) {
  inherit_list *l = arg;
  if (!(__atomic_load_n(&o->flags, __ATOMIC_ACQUIRE) & KOBJNS_HANDLE_FLAG_INHERIT)) return 0;
  if (l->count == l->capacity) {
    size_t capacity = l->capacity ? l->capacity * 2 : 8;
    kobjns__inherited *items = realloc(l->items, capacity * sizeof *items);
    if (!items) return l->rc = KOBJNS_NOT_ENOUGH_MEMORY;
    l->items = items;
    l->capacity = capacity;
  }
  kobjns__inherited *it = &l->items[l->count];
  *it = (kobjns__inherited){.handle = o->handle, .type = o->type, .access = o->access};
  int rc = kobjns__os_inherit_copy(o, &it->copy);
  if (rc == KOBJNS_NOT_SUPPORTED) return 0; /* a type this system cannot pass on */
  if (rc) return l->rc = rc;
  l->count++;
  return 0;
}

static void drop_copies(inherit_list *l) {
  for (size_t i = 0; i < l->count; i++) kobjns__os_inherit_drop(l->items[i].copy);
  free(l->items);
}

/* "KOBJNS_INHERITED=<parent pid>;<handle>,<type>,<access>,<copy>;..." */
static char *handoff(const inherit_list *l) {
  size_t size = sizeof KOBJNS__INHERITED_VAR + 16 + l->count * 64;
  char *s = malloc(size);
  if (!s) return NULL;
  size_t at = (size_t)snprintf(s, size, "%s=%" PRIu32, KOBJNS__INHERITED_VAR,
                               kobjns__os_current_process_id());
  for (size_t i = 0; i < l->count; i++)
    at += (size_t)snprintf(s + at, size - at, ";%" PRIu32 ",%u,%u,%" PRIu64, l->items[i].handle,
                           (unsigned)l->items[i].type, l->items[i].access, l->items[i].copy);
  return s;
}

/* One line of the list, parsed. */
typedef struct entry {
  uint32_t handle;
  kobjns_type type;
  unsigned access;
  uint64_t copy;
} entry;

static int by_copy(const void *a, const void *b) {
  uint32_t x = (uint32_t)((const entry *)a)->copy, y = (uint32_t)((const entry *)b)->copy;
  return x < y ? -1 : x > y;
}

static int by_handle(const void *a, const void *b) {
  uint32_t x = ((const entry *)a)->handle, y = ((const entry *)b)->handle;
  return x < y ? -1 : x > y;
}

/* The list, checked as a whole: any malformed line and nothing is taken (a list this process was
 * not given is no list). 0 with *out sorted by value (malloc'd), or -1. */
static int parse_list(const char *p, entry **out, size_t *count) {
  size_t max = 1;
  for (const char *q = p; *q; q++) max += *q == ';';
  entry *e = calloc(max, sizeof *e);
  if (!e) return -1;
  size_t n = 0;
  char *end;
  while (*p == ';' && n < max) {
    unsigned long long v[4];
    p++;
    for (int i = 0; i < 4; i++) {
      if (*p < '0' || *p > '9') goto bad;
      v[i] = strtoull(p, &end, 10);
      if (i < 3 && *end != ',') goto bad;
      p = end + (i < 3);
    }
    if (v[0] > UINT32_MAX || v[2] > UINT32_MAX || v[1] > KOBJNS_TYPE_FILE ||
        !kobjns__type_is_object((kobjns_type)v[1]))
      goto bad;
    e[n++] = (entry){(uint32_t)v[0], (kobjns_type)v[1], (unsigned)v[2], v[3]};
  }
  if (*p) goto bad;
  /* No value twice, and no copy twice (two handles must not share one descriptor). */
  qsort(e, n, sizeof *e, by_copy);
  for (size_t i = 1; i < n; i++)
    if (e[i].copy == e[i - 1].copy || (uint32_t)e[i].copy == (uint32_t)e[i - 1].copy) goto bad;
  qsort(e, n, sizeof *e, by_handle);
  for (size_t i = 1; i < n; i++)
    if (e[i].handle == e[i - 1].handle) goto bad;
  *out = e;
  *count = n;
  return 0;
bad:
  free(e);
  return -1;
}

void kobjns__inherit_adopt_all(void) {
  char *list = kobjns__os_inherited_take();
  if (!list) return;
  char *end;
  unsigned long long parent = strtoull(list, &end, 10);
  entry *e = NULL;
  size_t n = 0;
  /* Only a list our parent wrote is ours (a list in the environment of a grandchild, or of a
   * program exec'd later, is not); each copy is checked by the backend before it is touched. */
  if (end != list && parent == kobjns__os_parent_process_id() && !parse_list(end, &e, &n)) {
    /* In ascending order: the table grows once to each value, never searching its free slots. */
    for (size_t i = 0; i < n; i++) {
      if (!kobjns__handle_value_free(e[i].handle)) continue; /* not one the table can give */
      if (!kobjns__os_inherit_handed(e[i].copy)) continue;   /* not handed to us */
      kobjns__object *o = NULL;
      kobjns__facts facts = {0};
      if (kobjns__os_inherit_adopt(e[i].copy, e[i].type, e[i].access, &o, &facts)) continue;
      kobjns__keep_facts(o, &facts, e[i].access);
      o->flags = KOBJNS_HANDLE_FLAG_INHERIT; /* as Windows gives inherited handles */
      kobjns__handle_add_at(o, e[i].handle);
    }
  }
  free(e);
  free(list);
}

/* --- processes -------------------------------------------------------------------------------- */

static int check_text(const char *s) {
  size_t units;
  return s ? kobjns__validate_name(s, &units) : 0;
}

/* A handle of `type` whose object the backend fills next (a process's, or its first thread's). */
static int make_handle(kobjns_type type, kobjns_sync **out, kobjns__object **o) {
  kobjns__create_args a = {.type = type, .may_create = true};
  a.desired = a.existing_access = kobjns__type(type)->mapping->all;
  int rc = kobjns__create_object(NULL, NULL, &a, (void **)out);
  if (rc) return rc;
  *o = kobjns__handle_get(*out, type);
  return *o ? 0 : KOBJNS_INVALID_HANDLE;
}

int kobjns_process_create(const kobjns_process_start *start, kobjns_sync **process,
                          kobjns_sync **thread, uint32_t *pid, uint32_t *tid) {
  if (process) *process = NULL;
  if (thread) *thread = NULL;
  if (!start || !process || (start->flags & ~KOBJNS_PROCESS_SUSPENDED) ||
      (!start->application && !start->command_line))
    return KOBJNS_INVALID_PARAMETER;
  int rc = check_text(start->application);
  if (!rc) rc = check_text(start->command_line);
  if (!rc) rc = check_text(start->directory);
  if (rc) return rc;
  if ((start->application && !start->application[0]) || (start->directory && !start->directory[0]))
    return KOBJNS_INVALID_PARAMETER;

  kobjns_sync *ph = NULL, *th = NULL;
  kobjns__object *po = NULL, *to = NULL;
  inherit_list l = {0};
  char *env = NULL;
  if ((rc = make_handle(KOBJNS_TYPE_PROCESS, &ph, &po))) goto out;
  /* The first thread's handle is made even when not wanted: a suspended child's resume needs
   * it, and a backend fills both in one go. */
  if ((rc = make_handle(KOBJNS_TYPE_THREAD, &th, &to))) goto out;
  if (start->inherit_handles) {
    kobjns__handles_each(collect, &l);
    if ((rc = l.rc)) goto out;
    if (!(env = handoff(&l))) {
      rc = KOBJNS_NOT_ENOUGH_MEMORY;
      goto out;
    }
  }
  kobjns__spawn_args args = {.start = start, .inherited = l.items, .count = l.count, .env = env};
  for (int i = 0; i < 3; i++) {
    if (!start->std_handles[i]) continue;
    if (!(args.std[i] = kobjns__handle_get(start->std_handles[i], KOBJNS_TYPE_FILE))) {
      rc = KOBJNS_INVALID_HANDLE;
      break;
    }
  }
  if (rc) {
    for (int i = 0; i < 3; i++)
      if (args.std[i]) kobjns__handle_put(args.std[i]);
    goto out;
  }
  uint32_t child = 0, first = 0;
  rc = kobjns__os_process_spawn(&args, po, to, &child, &first);
  for (int i = 0; i < 3; i++)
    if (args.std[i]) kobjns__handle_put(args.std[i]);
  if (!rc) {
    if (pid) *pid = child;
    if (tid) *tid = first;
  }
out:
  drop_copies(&l);
  free(env);
  if (po) kobjns__handle_put(po);
  if (to) kobjns__handle_put(to);
  if (rc) {
    if (th) kobjns_close(th);
    if (ph) kobjns_close(ph);
    return rc;
  }
  *process = ph;
  if (thread)
    *thread = th;
  else
    kobjns_close(th);
  return 0;
}

int kobjns_process_open(uint32_t pid, unsigned access, kobjns_sync **out) {
  if (out) *out = NULL;
  if (!out || !pid || (access & ~kobjns__type_valid_access(KOBJNS_TYPE_PROCESS)))
    return KOBJNS_INVALID_PARAMETER;
  unsigned mapped = kobjns__type_map(KOBJNS_TYPE_PROCESS, access);
  kobjns__create_args a = {.type = KOBJNS_TYPE_PROCESS, .may_create = true};
  a.desired = a.existing_access = mapped;
  kobjns_sync *h = NULL;
  int rc = kobjns__create_object(NULL, NULL, &a, (void **)&h);
  if (rc) return rc;
  kobjns__object *o = kobjns__handle_get(h, KOBJNS_TYPE_PROCESS);
  rc = o ? kobjns__os_process_open(pid, mapped, o) : KOBJNS_INVALID_HANDLE;
  if (o) kobjns__handle_put(o);
  if (rc) {
    kobjns_close(h);
    return rc;
  }
  *out = h;
  return 0;
}

#define QUERY_RIGHTS (KOBJNS__PROCESS_QUERY_INFORMATION | KOBJNS__PROCESS_QUERY_LIMITED_INFORMATION)

/* The backend's answer: 0, or 50 when the process ended with a code this system cannot tell
 * (the id is known either way). */
static int query(const kobjns_sync *h, uint32_t *code, uint32_t *pid) {
  kobjns__object *o = kobjns__handle_get(h, KOBJNS_TYPE_PROCESS);
  if (!o) return KOBJNS_INVALID_HANDLE;
  *code = *pid = 0;
  int rc =
      (o->access & QUERY_RIGHTS) ? kobjns__os_process_query(o, code, pid) : KOBJNS_ACCESS_DENIED;
  kobjns__handle_put(o);
  return rc;
}

int kobjns_process_exit_code(const kobjns_sync *process, uint32_t *code) {
  if (!code) return KOBJNS_INVALID_PARAMETER;
  *code = 0;
  uint32_t c, pid;
  int rc = query(process, &c, &pid);
  if (!rc) *code = c;
  return rc;
}

int kobjns_process_id(const kobjns_sync *process, uint32_t *pid) {
  if (!pid) return KOBJNS_INVALID_PARAMETER;
  *pid = 0;
  uint32_t code, p;
  int rc = query(process, &code, &p);
  if (rc == KOBJNS_NOT_SUPPORTED) rc = 0; /* its code is unknown, its id is not */
  if (!rc) *pid = p;
  return rc;
}

int kobjns_process_terminate(kobjns_sync *process, uint32_t code) {
  kobjns__object *o = kobjns__handle_get(process, KOBJNS_TYPE_PROCESS);
  if (!o) return KOBJNS_INVALID_HANDLE;
  int rc = (o->access & KOBJNS__PROCESS_TERMINATE) ? kobjns__os_process_terminate(o, code)
                                                   : KOBJNS_ACCESS_DENIED;
  kobjns__handle_put(o);
  return rc;
}

uint32_t kobjns_current_process_id(void) { return kobjns__os_current_process_id(); }

int kobjns_duplicate_from(kobjns_sync *process, uint32_t handle, unsigned access, unsigned options,
                          void **out) {
  if (out) *out = NULL;
  if (!out || (options & ~(KOBJNS_DUPLICATE_CLOSE_SOURCE | KOBJNS_DUPLICATE_SAME_ACCESS)))
    return KOBJNS_INVALID_PARAMETER;
  kobjns__object *p = kobjns__handle_get(process, KOBJNS_TYPE_PROCESS);
  if (!p) return KOBJNS_INVALID_HANDLE;
  int rc = (p->access & KOBJNS__PROCESS_DUP_HANDLE) ? 0 : KOBJNS_ACCESS_DENIED;
  uint32_t pid = 0, code;
  bool ours = !rc && kobjns__os_process_query(p, &code, &pid) != KOBJNS_INVALID_HANDLE &&
              pid == kobjns__os_current_process_id();
  if (ours) {
    kobjns__handle_put(p);
    return kobjns_duplicate((void *)(uintptr_t)handle, access, options, out);
  }
  /* Another process's handle cannot be closed from here. */
  if (!rc && (options & KOBJNS_DUPLICATE_CLOSE_SOURCE)) rc = KOBJNS_NOT_SUPPORTED;
  kobjns_type type = KOBJNS_TYPE_NONE;
  unsigned source_access = 0;
  uint64_t copy = 0;
  if (!rc) rc = kobjns__os_duplicate_from(p, handle, &type, &source_access, &copy);
  kobjns__handle_put(p);
  if (rc) return rc;
  unsigned granted =
      options & KOBJNS_DUPLICATE_SAME_ACCESS ? source_access : kobjns__type_map(type, access);
  kobjns__object *o = NULL;
  kobjns__facts facts = {0};
  if (granted & ~source_access)
    rc = KOBJNS_ACCESS_DENIED; /* a subset of the source's, as within a process */
  else
    rc = kobjns__os_inherit_adopt(copy, type, granted, &o, &facts);
  if (rc) {
    kobjns__os_inherit_drop(copy);
    return rc;
  }
  kobjns__keep_facts(o, &facts, granted);
  return kobjns__handle_add(o, out);
}
