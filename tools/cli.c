/* The kobjns command's shared helpers (cli.h): exit statuses, failures, parsing, contexts, text,
 * and an object's JSON and line forms. What an object is (its type, whether it is stale) comes
 * from the library's kobjns_object, never from its strings. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#ifndef _WIN32
#include <pwd.h>
#include <unistd.h>
#endif

#include "cli.h"

/* --- exit statuses and failures ------------------------------------------------------------ */

int cli_exit(int status) { return status >= 0 && status <= 254 ? status : 255; }

int cli_fail(const char *what, int status) {
  fprintf(stderr, "kobjns: %s: %s (%d): %s\n", what, kobjns_status_name(status), status,
          kobjns_strerror(status));
  return cli_exit(status);
}

int cli_usage_error(const cli_command *self) {
  fprintf(stderr, "usage: kobjns %s\n", self->usage);
  return cli_exit(KOBJNS_INVALID_PARAMETER);
}

/* --- parsing arguments --------------------------------------------------------------------- */

bool cli_parse_u32(const char *s, int base, uint32_t *out) {
  char *end;
  if (!s || *s < '0' || *s > '9') return false;
  errno = 0;
  unsigned long long v = strtoull(s, &end, base);
  if (errno || *end || v > UINT32_MAX) return false;
  *out = (uint32_t)v;
  return true;
}

int cli_parse_session(const char *s, cli_session *session) {
  if (!cli_parse_u32(s, 10, &session->id))
    return cli_fail("--session wants a number", KOBJNS_INVALID_PARAMETER);
  session->given = true;
  return 0;
}

/* --- identities -------------------------------------------------------------------------- */

#ifdef _WIN32
uint32_t cli_self_uid(void) { return UINT32_MAX; }

bool cli_parse_user(const char *s, uint32_t *uid) { return cli_parse_u32(s, 10, uid); }

void cli_user_name(uint32_t uid, char *out, size_t size) {
  if (uid == UINT32_MAX)
    snprintf(out, size, "-"); /* Windows: owners are SIDs, in the descriptor */
  else
    snprintf(out, size, "%u", (unsigned)uid);
}
#else
uint32_t cli_self_uid(void) { return (uint32_t)geteuid(); }

bool cli_parse_user(const char *s, uint32_t *uid) {
  if (cli_parse_u32(s, 10, uid)) return true;
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

/* --- text -------------------------------------------------------------------------------- */

const char *cli_printable(const char *s, char *out, size_t size) {
  size_t n = 0;
  for (; *s && n + 1 < size; s++) out[n++] = (unsigned char)*s < 0x20 || *s == 0x7F ? '?' : *s;
  if (*s && size >= 4) memcpy(out + size - 4, "...", 3), n = size - 1;
  out[n] = '\0';
  return out;
}

size_t cli_width(const char *s) {
  size_t w = 0;
  for (; *s; s++) w += ((unsigned char)*s & 0xC0) != 0x80;
  return w;
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

/* --- objects ----------------------------------------------------------------------------- */

bool cli_private(const kobjns_object *o) { return o->private_namespace && o->private_namespace[0]; }

bool cli_named_object(const kobjns_object *o) {
  return o->object_type != KOBJNS_TYPE_SESSION && o->object_type != KOBJNS_TYPE_TEMPORARY;
}

const char *cli_object_liveness(const kobjns_object *o) {
  return o->stale > 0 ? "stale" : o->stale == 0 ? "live" : "unknown";
}

void cli_object_holders(const kobjns_object *o, char *out, size_t size) {
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

const char *cli_object_where(const kobjns_object *o) { return o->path[0] ? o->path : o->native; }

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
          cli_object_liveness(o));
  if (o->stale < 0)
    fputs("null,\"pids\":null", f);
  else {
    fprintf(f, "%zu,\"pids\":[", o->handles);
    for (size_t i = 0; i < o->pid_count; i++) fprintf(f, "%s%d", i ? "," : "", o->pids[i]);
    fputc(']', f);
  }
  /* Before "native": a consumer that looked for "object_state" at the end still finds it. */
  fputs(",\"private_namespace\":", f);
  cli_json_string(f, o->private_namespace ? o->private_namespace : "");
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
  cli_object_holders(o, holders, sizeof holders);
  fprintf(f, "%spath:     %s\n", indent,
          o->path[0] ? cli_printable(o->path, path, sizeof path) : "(unknown: hashed name)");
  fprintf(f, "%stype:     %s", indent, o->type);
  if (o->read_only)
    fputs(" (read-only)", f);
  else if (o->state && o->state[0])
    fprintf(f, " (%s)", o->state); /* a mutex's owner, an event's signal, a semaphore's count */
  else if (o->object_type == KOBJNS_TYPE_OBJECT)
    fputs(" (a section, mutex, event or semaphore: this user may not read its header)", f);
  else if (o->object_type == KOBJNS_TYPE_DIRECTORY)
    fputs(" (a private namespace: this user may not read its record)", f);
  fputc('\n', f);
  if (o->object_type == KOBJNS_TYPE_SECTION && (o->size || o->header_read))
    fprintf(f, "%ssize:     %s (%llu bytes)\n", indent, size, (unsigned long long)o->size);
  else if (o->object_type == KOBJNS_TYPE_SECTION)
    fprintf(f, "%ssize:     (unknown: this user may not ask)\n", indent);
  if (o->owner != UINT32_MAX)
    fprintf(f, "%sowner:    %s (uid %u), mode %04o\n", indent, owner, (unsigned)o->owner,
            (unsigned)o->mode);
  if (cli_named_object(o))
    fprintf(f, "%ssecurity: %s\n", indent,
            o->sddl[0]       ? o->sddl
            : o->header_read ? "(none reported)"
                             : "(unknown: this user may not read it)");
  fprintf(f, "%sstate:    %s", indent, cli_object_liveness(o));
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
  dst->private_namespace = copy_string(src->private_namespace, &ok);
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
  free((char *)o->state), free((char *)o->private_namespace);
  free((int *)o->pids);
  memset(o, 0, sizeof *o);
}
