/* The kobjns command: ls, stat, explain, gc and demo over the library's inspection API.
 * Human output is aligned columns or "field: value" lines; --json is the stable form
 * (docs/cli.md). Exit status: 0, or the Win32 error number of what failed (255 past 255). */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#ifdef _WIN32
#include <fcntl.h>
#include <io.h>
#include <windows.h>
#else
#include <pwd.h>
#include <unistd.h>
#endif

#include "cli.h"

static const char usage[] =
    "usage: kobjns COMMAND [OPTIONS]\n"
    "\n"
    "Windows kernel-object namespaces for named shared memory: look at what is there and why\n"
    "an open fails.\n"
    "\n"
    "commands:\n"
    "  ls [--global | --session N | --all] [--json]\n"
    "        list objects (sections, mutexes, events, semaphores, sessions): path, type,\n"
    "        size, owner, holders, state, what a mutex/event/semaphore is doing (owned,\n"
    "        signaled, its count), security (SDDL); by default those a program in this\n"
    "        session reaches (its session and Global\\)\n"
    "  stat NAME [--session N] [--json]\n"
    "        the object NAME resolves to for a program in session N (default: this one)\n"
    "  explain NAME [--session N] [--access ACCESS] [--as-user USER] [--json]\n"
    "        why an open of NAME fails (or succeeds), step by step; it opens the type NAME\n"
    "        holds; exit status 0 when that open would succeed, else its Win32 error number\n"
    "        (255 for numbers past 255). ACCESS: r, w, rw (a section), sync, modify (a mutex,\n"
    "        event or semaphore), all, or a number (0x100000)\n"
    "  gc [--dry-run] [--json]\n"
    "        remove stale objects (their holders all died); never a held one, never another\n"
    "        user's unless run as root\n"
    "  demo  a service in session 0 and an app in session 1 share memory (as on Windows)\n"
    "\n"
    "environment: KOBJNS_SESSION (this process's session), KOBJNS_ROOT (the tree of names)\n"
    "see kobjns(1) and docs/cli.md\n";

/* --- helpers shared by the subcommands ------------------------------------------------------ */

int cli_exit(int status) { return status >= 0 && status <= 254 ? status : 255; }

int cli_fail(const char *what, int status) {
  fprintf(stderr, "kobjns: %s: %s (%d): %s\n", what, kobjns_status_name(status), status,
          kobjns_strerror(status));
  return cli_exit(status);
}

bool cli_parse_u32(const char *s, uint32_t *out) {
  char *end;
  if (!s || *s < '0' || *s > '9') return false;
  errno = 0;
  unsigned long long v = strtoull(s, &end, 10);
  if (errno || *end || v > UINT32_MAX) return false;
  *out = (uint32_t)v;
  return true;
}

#ifdef _WIN32
uint32_t cli_self_uid(void) { return UINT32_MAX; }

bool cli_parse_user(const char *s, uint32_t *uid) { return cli_parse_u32(s, uid); }

void cli_user_name(uint32_t uid, char *out, size_t size) {
  if (uid == UINT32_MAX)
    snprintf(out, size, "-"); /* Windows: owners are SIDs, in the descriptor */
  else
    snprintf(out, size, "%u", (unsigned)uid);
}
#else
uint32_t cli_self_uid(void) { return (uint32_t)geteuid(); }

bool cli_parse_user(const char *s, uint32_t *uid) {
  if (cli_parse_u32(s, uid)) return true;
  struct passwd pw, *found = NULL;
  char buf[4096];
  if (getpwnam_r(s, &pw, buf, sizeof buf, &found) != 0 || !found) return false;
  *uid = (uint32_t)found->pw_uid;
  return true;
}

void cli_user_name(uint32_t uid, char *out, size_t size) {
  struct passwd pw, *found = NULL;
  char buf[4096];
  if (getpwuid_r((uid_t)uid, &pw, buf, sizeof buf, &found) == 0 && found)
    snprintf(out, size, "%s", found->pw_name);
  else
    snprintf(out, size, "%u", (unsigned)uid);
}
#endif

/* A context of this process's identity in `session`, acting as `uid` when that is another user. */
int cli_context(uint32_t session, uint32_t uid, kobjns_ctx **ctx) {
  int rc = kobjns_ctx_new(ctx);
  if (!rc) rc = kobjns_ctx_set_session(*ctx, session);
  if (!rc && uid != cli_self_uid()) rc = kobjns_ctx_set_user(*ctx, uid);
  if (rc) {
    kobjns_ctx_free(*ctx);
    *ctx = NULL;
  }
  return rc;
}

const char *cli_printable(const char *s, char *out, size_t size) {
  size_t n = 0;
  for (; *s && n + 1 < size; s++) out[n++] = (unsigned char)*s < 0x20 || *s == 0x7F ? '?' : *s;
  if (*s && size >= 4) memcpy(out + size - 4, "...", 3), n = size - 1;
  out[n] = '\0';
  return out;
}

/* Display width: UTF-8 continuation bytes take no column. */
static size_t width(const char *s) {
  size_t w = 0;
  for (; *s; s++) w += ((unsigned char)*s & 0xC0) != 0x80;
  return w;
}

static void pad(FILE *f, const char *s, size_t to) {
  fputs(s, f);
  for (size_t w = width(s); w < to; w++) fputc(' ', f);
}

/* Length of the valid UTF-8 sequence at s, or 0. */
static size_t utf8_sequence(const unsigned char *s) {
  if (s[0] < 0x80) return 1;
  size_t n = s[0] >= 0xF0 && s[0] <= 0xF4 ? 4 : s[0] >= 0xE0 ? 3 : s[0] >= 0xC2 ? 2 : 0;
  if (!n || (n == 4 && s[0] > 0xF4)) return 0;
  for (size_t i = 1; i < n; i++)
    if ((s[i] & 0xC0) != 0x80) return 0;
  uint32_t cp = n == 2 ? (uint32_t)(s[0] & 0x1F) << 6 | (s[1] & 0x3F)
                : n == 3
                    ? (uint32_t)(s[0] & 0x0F) << 12 | (uint32_t)(s[1] & 0x3F) << 6 | (s[2] & 0x3F)
                    : (uint32_t)(s[0] & 0x07) << 18 | (uint32_t)(s[1] & 0x3F) << 12 |
                          (uint32_t)(s[2] & 0x3F) << 6 | (s[3] & 0x3F);
  if ((n == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
      (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
    return 0;
  return n;
}

void cli_json_string(FILE *f, const char *str) {
  const unsigned char *s = (const unsigned char *)str;
  fputc('"', f);
  while (*s) {
    size_t n = utf8_sequence(s);
    if (n == 0) {
      fputs("\\ufffd", f);
      s++;
    } else if (*s == '"' || *s == '\\') {
      fprintf(f, "\\%c", *s++);
    } else if (*s < 0x20 || *s == 0x7F) {
      fprintf(f, "\\u%04x", *s++);
    } else {
      fwrite(s, 1, n, f);
      s += n;
    }
  }
  fputc('"', f);
}

void cli_size(uint64_t bytes, char *out, size_t size) {
  static const char *units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  int u = 0;
  uint64_t whole = bytes;
  while (whole >= 1024 && whole % 1024 == 0 && u < 6) whole /= 1024, u++;
  if (u == 0 && bytes >= 1024) {
    double v = (double)bytes;
    while (v >= 1024 && u < 6) v /= 1024, u++;
    snprintf(out, size, "%.1f %s", v, units[u]);
  } else {
    snprintf(out, size, "%llu %s", (unsigned long long)whole, units[u]);
  }
}

/* An object of a namespace (anything but a session, or a dead creator's temporary file). */
bool cli_named_object(const kobjns_object *o) {
  return strcmp(o->type, "Session") && strcmp(o->type, "Temporary");
}

/* Whether the object is of one of the types with a state (a mutex, event or semaphore). */
bool cli_sync_type(const char *type) {
  return !strcmp(type, "Mutex") || !strcmp(type, "Event") || !strcmp(type, "Semaphore");
}

static const char *state_of(const kobjns_object *o) {
  return o->stale > 0 ? "stale" : o->stale == 0 ? "live" : "unknown";
}

static void holders_text(const kobjns_object *o, char *out, size_t size) {
  if (o->stale < 0) {
    snprintf(out, size, "?");
    return;
  }
  size_t at = 0;
  out[0] = '\0';
  for (size_t i = 0; i < o->pid_count && at + 1 < size; i++) {
    int n = snprintf(out + at, size - at, "%s%d", i ? "," : "", o->pids[i]);
    at += n > 0 ? (size_t)n : 0;
  }
  if (!o->pid_count) snprintf(out, size, "-");
}

void cli_object_json(FILE *f, const kobjns_object *o) {
  char owner[256];
  cli_user_name(o->owner, owner, sizeof owner);
  fputs("{\"path\":", f);
  cli_json_string(f, o->path);
  fputs(",\"type\":", f);
  cli_json_string(f, o->type);
  fprintf(f, ",\"session\":%u,\"size\":%llu,\"read_only\":%s,\"owner\":", (unsigned)o->session,
          (unsigned long long)o->size, o->read_only ? "true" : "false");
  if (o->owner == UINT32_MAX) { /* Windows: the owner is a SID, the mode bits do not exist */
    fputs("null,\"mode\":null", f);
  } else {
    fprintf(f, "{\"uid\":%u,\"name\":", (unsigned)o->owner);
    cli_json_string(f, owner);
    fprintf(f, "},\"mode\":\"%04o\"", (unsigned)o->mode);
  }
  fputs(",\"sddl\":", f);
  cli_json_string(f, o->sddl);
  fprintf(f, ",\"header_read\":%s,\"state\":\"%s\",\"handles\":", o->header_read ? "true" : "false",
          state_of(o));
  if (o->stale < 0)
    fputs("null,\"pids\":null", f);
  else {
    fprintf(f, "%zu,\"pids\":[", o->handles);
    for (size_t i = 0; i < o->pid_count; i++) fprintf(f, "%s%d", i ? "," : "", o->pids[i]);
    fputc(']', f);
  }
  fputs(",\"native\":", f);
  cli_json_string(f, o->native);
  fputs(",\"object_state\":", f);
  cli_json_string(f, o->state ? o->state : "");
  fputc('}', f);
}

void cli_object_lines(FILE *f, const kobjns_object *o, const char *indent) {
  char owner[256], size[32], holders[512], path[1024];
  cli_user_name(o->owner, owner, sizeof owner);
  cli_size(o->size, size, sizeof size);
  holders_text(o, holders, sizeof holders);
  fprintf(f, "%spath:     %s\n", indent,
          o->path[0] ? cli_printable(o->path, path, sizeof path) : "(unknown: hashed name)");
  fprintf(f, "%stype:     %s", indent, o->type);
  if (o->read_only)
    fputs(" (read-only)", f);
  else if (o->state && o->state[0])
    fprintf(f, " (%s)", o->state); /* a mutex's owner, an event's signal, a semaphore's count */
  else if (!strcmp(o->type, "Object"))
    fputs(" (a section, mutex, event or semaphore: this user may not read its header)", f);
  fputc('\n', f);
  if (!strcmp(o->type, "Section") && (o->size || o->header_read))
    fprintf(f, "%ssize:     %s (%llu bytes)\n", indent, size, (unsigned long long)o->size);
  else if (!strcmp(o->type, "Section"))
    fprintf(f, "%ssize:     (unknown: this user may not ask)\n", indent);
  if (o->owner != UINT32_MAX)
    fprintf(f, "%sowner:    %s (uid %u), mode %04o\n", indent, owner, (unsigned)o->owner,
            (unsigned)o->mode);
  if (cli_named_object(o))
    fprintf(f, "%ssecurity: %s\n", indent,
            o->sddl[0]       ? o->sddl
            : o->header_read ? "(none reported)"
                             : "(unknown: this user may not read it)");
  fprintf(f, "%sstate:    %s", indent, state_of(o));
  if (o->stale == 0 && o->pid_count)
    fprintf(f, ", %zu handle%s held by pid %s", o->handles, o->handles == 1 ? "" : "s", holders);
  else if (o->stale == 0)
    fprintf(f, ", %zu other handle%s (the system does not say whose)", o->handles,
            o->handles == 1 ? "" : "s");
  if (o->stale > 0) fputs(" (every holder died: `kobjns gc` removes it)", f);
  if (o->stale < 0) fputs(" (the system's lock table cannot be read)", f);
  char native[1024];
  fprintf(f, "\n%snative:   %s\n", indent, cli_printable(o->native, native, sizeof native));
}

static char *copy_string(const char *s, bool *ok) {
  char *c = strdup(s ? s : "");
  *ok = *ok && c;
  return c;
}

int cli_object_copy(kobjns_object *dst, const kobjns_object *src) {
  bool ok = true;
  *dst = *src;
  dst->path = copy_string(src->path, &ok);
  dst->type = copy_string(src->type, &ok);
  dst->sddl = copy_string(src->sddl, &ok);
  dst->native = copy_string(src->native, &ok);
  dst->state = copy_string(src->state, &ok);
  int *pids = src->pid_count ? malloc(src->pid_count * sizeof *pids) : NULL;
  if (src->pid_count && !pids) ok = false;
  if (pids) memcpy(pids, src->pids, src->pid_count * sizeof *pids);
  dst->pids = pids;
  if (ok) return 0;
  cli_object_release(dst);
  return KOBJNS_NOT_ENOUGH_MEMORY;
}

void cli_object_release(kobjns_object *o) {
  free((char *)o->path), free((char *)o->type), free((char *)o->sddl), free((char *)o->native);
  free((char *)o->state);
  free((int *)o->pids);
  memset(o, 0, sizeof *o);
}

/* --- ls -------------------------------------------------------------------------------------- */

typedef struct listing {
  enum { SHOW_REACHABLE, SHOW_GLOBAL, SHOW_SESSION, SHOW_ALL } show;
  uint32_t session;
  bool json;
  kobjns_object *objects; /* copies (cli_object_copy), sorted before printing */
  size_t count, capacity;
} listing;

static bool shown(const listing *l, const kobjns_object *o) {
  /* What a program opens by name: not a session, nor a file that is not a kobjns object. */
  bool named = cli_named_object(o) && strcmp(o->type, "Unknown");
  switch (l->show) {
    case SHOW_ALL: return true;
    case SHOW_GLOBAL: return named && o->session == 0;
    case SHOW_SESSION: return o->session == l->session && (named || l->session != 0);
    case SHOW_REACHABLE: return named && (o->session == 0 || o->session == l->session);
  }
  return false;
}

static int collect(const kobjns_object *o, void *arg) {
  listing *l = arg;
  if (!shown(l, o)) return 0;
  if (l->count == l->capacity) {
    size_t grown = l->capacity ? l->capacity * 2 : 64;
    kobjns_object *more = realloc(l->objects, grown * sizeof *more);
    if (!more) return KOBJNS_NOT_ENOUGH_MEMORY;
    l->objects = more;
    l->capacity = grown;
  }
  int rc = cli_object_copy(&l->objects[l->count], o);
  if (!rc) l->count++;
  return rc;
}

static const char *shown_path(const kobjns_object *o) { return o->path[0] ? o->path : o->native; }

static int by_path(const void *pa, const void *pb) {
  return strcmp(shown_path(pa), shown_path(pb));
}

static void free_listing(listing *l) {
  for (size_t i = 0; i < l->count; i++) cli_object_release(&l->objects[i]);
  free(l->objects);
}

enum { COLUMNS = 8 };

/* The cells of one row (the last, the descriptor, is never padded). */
static void cells_of(const kobjns_object *o, char cells[COLUMNS][4096]) {
  cli_printable(shown_path(o), cells[0], sizeof cells[0]);
  snprintf(cells[1], sizeof cells[1], "%s", o->type);
  if (!strcmp(o->type, "Section"))
    cli_size(o->size, cells[2], sizeof cells[2]);
  else
    snprintf(cells[2], sizeof cells[2], "-");
  cli_user_name(o->owner, cells[3], sizeof cells[3]);
  holders_text(o, cells[4], sizeof cells[4]);
  snprintf(cells[5], sizeof cells[5], "%s", state_of(o));
  snprintf(cells[6], sizeof cells[6], "%s", o->state && o->state[0] ? o->state : "-");
  snprintf(cells[7], sizeof cells[7], "%s", o->sddl[0] ? o->sddl : "-");
}

static void print_table(const listing *l) {
  static const char *titles[COLUMNS] = {"PATH", "TYPE",  "SIZE",         "OWNER",
                                        "PIDS", "STATE", "OBJECT STATE", "SECURITY"};
  static char cells[COLUMNS][4096];
  size_t w[COLUMNS];
  for (int c = 0; c < COLUMNS; c++) w[c] = strlen(titles[c]);
  for (size_t i = 0; i < l->count; i++) {
    cells_of(&l->objects[i], cells);
    for (int c = 0; c < COLUMNS - 1; c++)
      if (width(cells[c]) > w[c]) w[c] = width(cells[c]);
  }
  for (int c = 0; c < COLUMNS - 1; c++) pad(stdout, titles[c], w[c] + 2);
  printf("%s\n", titles[COLUMNS - 1]);
  for (size_t i = 0; i < l->count; i++) {
    cells_of(&l->objects[i], cells);
    for (int c = 0; c < COLUMNS - 1; c++) pad(stdout, cells[c], w[c] + 2);
    printf("%s\n", cells[COLUMNS - 1]);
  }
}

static int cmd_ls(int argc, char **argv) {
  listing l = {.show = SHOW_REACHABLE};
  static const struct option options[] = {
      {"global", no_argument, NULL, 'g'}, {"session", required_argument, NULL, 's'},
      {"all", no_argument, NULL, 'a'},    {"json", no_argument, NULL, 'j'},
      {"help", no_argument, NULL, 'h'},   {0, 0, 0, 0}};
  int shows = 0;
  for (int c; (c = getopt_long(argc, argv, "+", options, NULL)) != -1;) {
    switch (c) {
      case 'g': l.show = SHOW_GLOBAL, shows++; break;
      case 'a': l.show = SHOW_ALL, shows++; break;
      case 's':
        if (!cli_parse_u32(optarg, &l.session)) return cli_fail("--session wants a number", 87);
        l.show = SHOW_SESSION, shows++;
        break;
      case 'j': l.json = true; break;
      case 'h': fputs(usage, stdout); return 0;
      default: return cli_exit(KOBJNS_INVALID_PARAMETER);
    }
  }
  if (optind < argc || shows > 1) {
    fprintf(stderr, "usage: kobjns ls [--global | --session N | --all] [--json]\n");
    return cli_exit(KOBJNS_INVALID_PARAMETER);
  }
  int rc;
  if (l.show == SHOW_REACHABLE && (rc = kobjns_session_id(NULL, &l.session)))
    return cli_fail("this process's session", rc);
  rc = kobjns_object_list(collect, &l);
  if (rc) {
    free_listing(&l);
    return cli_fail("listing objects", rc);
  }
  if (l.count) qsort(l.objects, l.count, sizeof *l.objects, by_path);
  if (l.json) {
    fputs("{\"version\":1,\"objects\":[", stdout);
    for (size_t i = 0; i < l.count; i++) {
      fputs(i ? "," : "", stdout);
      cli_object_json(stdout, &l.objects[i]);
    }
    fputs("]}\n", stdout);
  } else if (l.count) {
    print_table(&l);
  } else {
    printf("no objects%s\n", l.show == SHOW_ALL ? "" : " here (kobjns ls --all shows every one)");
  }
  free_listing(&l);
  return 0;
}

/* --- stat ------------------------------------------------------------------------------------ */

typedef struct stat_out {
  bool json;
} stat_out;

static int print_stat(const kobjns_object *o, void *arg) {
  const stat_out *out = arg;
  if (out->json) {
    fputs("{\"version\":1,\"object\":", stdout);
    cli_object_json(stdout, o);
    fputs("}\n", stdout);
  } else {
    cli_object_lines(stdout, o, "");
  }
  return 0;
}

static int cmd_stat(int argc, char **argv) {
  static const struct option options[] = {{"session", required_argument, NULL, 's'},
                                          {"json", no_argument, NULL, 'j'},
                                          {"help", no_argument, NULL, 'h'},
                                          {0, 0, 0, 0}};
  stat_out out = {false};
  uint32_t session = 0;
  bool session_set = false;
  for (int c; (c = getopt_long(argc, argv, "", options, NULL)) != -1;) {
    switch (c) {
      case 's':
        if (!cli_parse_u32(optarg, &session)) return cli_fail("--session wants a number", 87);
        session_set = true;
        break;
      case 'j': out.json = true; break;
      case 'h': fputs(usage, stdout); return 0;
      default: return cli_exit(KOBJNS_INVALID_PARAMETER);
    }
  }
  if (optind + 1 != argc) {
    fprintf(stderr, "usage: kobjns stat NAME [--session N] [--json]\n");
    return cli_exit(KOBJNS_INVALID_PARAMETER);
  }
  const char *name = argv[optind];
  kobjns_ctx *ctx = NULL;
  int rc = 0;
  if (session_set && (rc = cli_context(session, cli_self_uid(), &ctx)))
    return cli_fail("acting in that session", rc);
  char path[4096] = "";
  kobjns_resolve(ctx, name, path, sizeof path, NULL);
  rc = kobjns_object_query(ctx, name, print_stat, &out);
  kobjns_ctx_free(ctx);
  if (rc == KOBJNS_FILE_NOT_FOUND) {
    char shown_path[4096];
    fprintf(stderr, "kobjns: nothing holds %s (ERROR_FILE_NOT_FOUND, 2); kobjns explain says why\n",
            cli_printable(path, shown_path, sizeof shown_path));
    return cli_exit(rc);
  }
  return rc ? cli_fail(name, rc) : 0;
}

/* --- gc -------------------------------------------------------------------------------------- */

typedef struct gc_out {
  bool json, dry_run;
  size_t shown;
} gc_out;

static int print_removed(const kobjns_object *o, void *arg) {
  gc_out *out = arg;
  if (out->json) {
    fputs(out->shown++ ? "," : "", stdout);
    cli_object_json(stdout, o);
    return 0;
  }
  char owner[256], size[40] = "", path[4096];
  cli_user_name(o->owner, owner, sizeof owner);
  if (!strcmp(o->type, "Section")) {
    cli_size(o->size, size, sizeof size - 2);
    strcat(size, ", ");
  }
  printf("%s %s %s (%s%s)\n", out->dry_run ? "would remove" : "removed", o->type,
         cli_printable(o->path[0] ? o->path : o->native, path, sizeof path), size, owner);
  out->shown++;
  return 0;
}

static int cmd_gc(int argc, char **argv) {
  static const struct option options[] = {{"dry-run", no_argument, NULL, 'n'},
                                          {"json", no_argument, NULL, 'j'},
                                          {"help", no_argument, NULL, 'h'},
                                          {0, 0, 0, 0}};
  gc_out out = {false, false, 0};
  for (int c; (c = getopt_long(argc, argv, "n", options, NULL)) != -1;) {
    switch (c) {
      case 'n': out.dry_run = true; break;
      case 'j': out.json = true; break;
      case 'h': fputs(usage, stdout); return 0;
      default: return cli_exit(KOBJNS_INVALID_PARAMETER);
    }
  }
  if (optind != argc) {
    fprintf(stderr, "usage: kobjns gc [--dry-run] [--json]\n");
    return cli_exit(KOBJNS_INVALID_PARAMETER);
  }
  if (out.json)
    printf("{\"version\":1,\"dry_run\":%s,\"removed\":[", out.dry_run ? "true" : "false");
  size_t removed = 0;
  int rc = kobjns_cleanup_each(out.dry_run, print_removed, &out, &removed);
  if (out.json)
    printf("],\"count\":%zu,\"status\":%d}\n", removed, rc);
  else if (!rc)
    printf("%zu stale object%s %s\n", removed, removed == 1 ? "" : "s",
           out.dry_run ? "would be removed" : "removed");
  return rc ? cli_fail("removing stale objects", rc) : 0;
}

/* --- main ------------------------------------------------------------------------------------ */

#ifdef _WIN32
/* The command line as UTF-8, as names are (the C runtime's argv is in the ANSI code page); and
 * output as bytes: "\n", never "\r\n", so that --json is the same document everywhere. */
static char **utf8_arguments(int *argc) {
  wchar_t **wide = CommandLineToArgvW(GetCommandLineW(), argc);
  char **argv = wide ? calloc((size_t)*argc + 1, sizeof *argv) : NULL;
  for (int i = 0; argv && i < *argc; i++) {
    int bytes = WideCharToMultiByte(CP_UTF8, 0, wide[i], -1, NULL, 0, NULL, NULL);
    argv[i] = bytes > 0 ? malloc((size_t)bytes) : NULL;
    if (!argv[i]) exit(cli_fail("reading the command line", KOBJNS_NOT_ENOUGH_MEMORY));
    WideCharToMultiByte(CP_UTF8, 0, wide[i], -1, argv[i], bytes, NULL, NULL);
  }
  if (wide) LocalFree(wide);
  return argv;
}
#endif

int main(int argc, char **argv) {
#ifdef _WIN32
  _setmode(_fileno(stdout), _O_BINARY);
  char **utf8 = utf8_arguments(&argc);
  if (!utf8) return cli_fail("reading the command line", KOBJNS_NOT_ENOUGH_MEMORY);
  argv = utf8; /* kept until exit */
#endif
  if (argc < 2) {
    fputs(usage, stderr);
    return cli_exit(KOBJNS_INVALID_PARAMETER);
  }
  const char *cmd = argv[1];
  if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
    fputs(usage, stdout);
    return 0;
  }
  if (!strcmp(cmd, "--version")) {
    printf("kobjns %d.%d.%d\n", KOBJNS_VERSION_MAJOR, KOBJNS_VERSION_MINOR, KOBJNS_VERSION_PATCH);
    return 0;
  }
  if (!strcmp(cmd, "ls")) return cmd_ls(argc - 1, argv + 1);
  if (!strcmp(cmd, "stat")) return cmd_stat(argc - 1, argv + 1);
  if (!strcmp(cmd, "explain")) return kobjns_cli_explain(argc - 1, argv + 1);
  if (!strcmp(cmd, "gc")) return cmd_gc(argc - 1, argv + 1);
  if (!strcmp(cmd, "demo")) {
    if (argc != 2) {
      fprintf(stderr, "usage: kobjns demo\n");
      return cli_exit(KOBJNS_INVALID_PARAMETER);
    }
#ifdef _WIN32
    return cli_fail(
        "demo: it plays sessions, which only the POSIX backend simulates (on Windows, "
        "Windows decides a process's session)",
        KOBJNS_NOT_SUPPORTED);
#else
    return kobjns_cli_demo();
#endif
  }
  fprintf(stderr, "kobjns: unknown command \"%s\"\n\n%s", cmd, usage);
  return cli_exit(KOBJNS_INVALID_PARAMETER);
}
