/* Name validation and resolution: the object manager's walk, done as a pure function of the name,
 * the caller's session and which sessions exist. */
#include "internal.h"

#include <stdio.h>
#include <string.h>

int kobjns__validate_name(const char *name, size_t *utf16_units) {
  const unsigned char *p = (const unsigned char *)name;
  size_t units = 0;
  while (*p) {
    uint32_t cp;
    size_t extra;
    if (p[0] < 0x80) {
      cp = p[0];
      extra = 0;
    } else if ((p[0] & 0xE0) == 0xC0) {
      cp = p[0] & 0x1Fu;
      extra = 1;
    } else if ((p[0] & 0xF0) == 0xE0) {
      cp = p[0] & 0x0Fu;
      extra = 2;
    } else if ((p[0] & 0xF8) == 0xF0) {
      cp = p[0] & 0x07u;
      extra = 3;
    } else {
      return KOBJNS_NO_UNICODE_TRANSLATION;
    }
    for (size_t i = 1; i <= extra; i++) {
      if ((p[i] & 0xC0) != 0x80) return KOBJNS_NO_UNICODE_TRANSLATION;
      cp = cp << 6 | (p[i] & 0x3Fu);
    }
    static const uint32_t min_for_length[] = {0, 0x80, 0x800, 0x10000};
    if (cp < min_for_length[extra] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
      return KOBJNS_NO_UNICODE_TRANSLATION; /* overlong, out of range, or a surrogate */
    units += cp >= 0x10000 ? 2 : 1;
    p += extra + 1;
  }
  if (utf16_units) *utf16_units = units;
  return units > KOBJNS_NAME_MAX_UTF16 ? KOBJNS_FILENAME_EXCED_RANGE : 0;
}

#define GLOBAL_DIR "\\BaseNamedObjects\\"
#define SESSION_DIR_FMT "\\Sessions\\%u\\BaseNamedObjects\\"

static bool is(const char *s, size_t len, const char *word) {
  return strlen(word) == len && memcmp(s, word, len) == 0;
}

bool kobjns__parse_u32(const char *s, size_t len, uint32_t *out) {
  if (len == 0 || len > 10 || (len > 1 && s[0] == '0')) return false;
  uint64_t v = 0;
  for (size_t i = 0; i < len; i++) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (uint64_t)(s[i] - '0');
  }
  if (v > UINT32_MAX) return false;
  *out = (uint32_t)v;
  return true;
}

size_t kobjns__digits(const char *s) {
  size_t n = 0;
  while (s[n] >= '0' && s[n] <= '9') n++;
  return n;
}

/* A session number as \Sessions\BNOLINKS names it (UINT32_MAX is no session's). */
static bool parse_session(const char *s, size_t len, uint32_t *out) {
  return kobjns__parse_u32(s, len, out) && *out != UINT32_MAX;
}

/* Whether session `session` exists: 0 with *exists set, or a status when nobody can tell (no
 * descriptor left), which must never read as "no such session". */
static int session_exists(const kobjns_ctx *ctx, uint32_t session, bool *exists) {
  *exists = true;
  if (session == 0 || session == ctx->token.session) return 0;
  return kobjns__os_session_exists(ctx, session, exists);
}

/* "alias\\leaf": an object of the private namespace this process has open under `alias`. Its
 * directory has no links and no subdirectories: "alias\\a\\b" is 3. */
static int resolve_private(const char *name, size_t alias_len, kobjns__name *out) {
  int rc = kobjns__namespace_find(name, alias_len, out->ns, &out->ns_access);
  if (rc) return rc;
  const char *leaf = name + alias_len + 1;
  if (!leaf[0]) return KOBJNS_INVALID_NAME;
  if (strchr(leaf, '\\')) return KOBJNS_PATH_NOT_FOUND;
  out->session = 0;
  out->leaf = leaf;
  out->leaf_len = strlen(leaf);
  out->alias = name;
  out->alias_len = alias_len;
  return 0;
}

int kobjns__resolve_name(const kobjns_ctx *ctx, const char *name, enum kobjns__intent intent,
                         kobjns__name *out) {
  if (name[0] == '\\') return KOBJNS_BAD_PATHNAME;
  out->ns[0] = '\0';
  out->alias = NULL;
  out->alias_len = 0;
  out->ns_access = 0;
  /* The directory being walked: a session's BaseNamedObjects, or \Sessions\BNOLINKS. */
  bool in_links = false;
  uint32_t session = ctx->token.session;
  const char *p = name;
  for (;;) {
    const char *sep = strchr(p, '\\');
    size_t len = sep ? (size_t)(sep - p) : strlen(p);
    if (len == 0) return KOBJNS_INVALID_NAME;
    uint32_t n;
    bool exists;
    int rc;
    if (sep) { /* a middle component must be a link */
      if (in_links) {
        if (!parse_session(p, len, &n)) return KOBJNS_PATH_NOT_FOUND;
        if ((rc = session_exists(ctx, n, &exists))) return rc;
        if (!exists) return KOBJNS_PATH_NOT_FOUND;
        session = n;
        in_links = false;
      } else if (is(p, len, "Global")) {
        session = 0;
      } else if (is(p, len, "Local")) {
        /* Local is this directory's own session: stay */
      } else if (is(p, len, "Session")) {
        in_links = true;
      } else if (p == name) {
        return resolve_private(name, len, out); /* only a name's first part is an alias */
      } else {
        return KOBJNS_PATH_NOT_FOUND;
      }
      p = sep + 1;
      continue;
    }
    if (in_links) { /* objects cannot live in \Sessions\BNOLINKS */
      if (parse_session(p, len, &n)) {
        if ((rc = session_exists(ctx, n, &exists))) return rc;
        if (exists) return KOBJNS_INVALID_HANDLE;
      }
      return intent == KOBJNS__CREATE ? KOBJNS_ACCESS_DENIED : KOBJNS_FILE_NOT_FOUND;
    }
    if (is(p, len, "Global") || is(p, len, "Local") || is(p, len, "Session"))
      return KOBJNS_INVALID_HANDLE; /* a link is not a section */
    out->session = session;
    out->leaf = p;
    out->leaf_len = len;
    return 0;
  }
}

#define PRIVATE_DIR "\\PrivateNamespaces\\"

size_t kobjns__path_len(const kobjns__name *n) {
  if (n->ns[0]) return strlen(PRIVATE_DIR) + strlen(n->ns) + 1 + n->leaf_len;
  if (n->session == 0) return strlen(GLOBAL_DIR) + n->leaf_len;
  return (size_t)snprintf(NULL, 0, SESSION_DIR_FMT, (unsigned)n->session) + n->leaf_len;
}

void kobjns__path_write(const kobjns__name *n, char *buf) {
  char dir[sizeof PRIVATE_DIR + KOBJNS__NS_ID_MAX + 2];
  if (n->ns[0]) { /* by hand: every open of an object in a namespace makes it */
    size_t plen = strlen(PRIVATE_DIR), ns_len = strlen(n->ns);
    memcpy(dir, PRIVATE_DIR, plen);
    memcpy(dir + plen, n->ns, ns_len);
    dir[plen + ns_len] = '\\';
    dir[plen + ns_len + 1] = '\0';
  } else if (n->session == 0) {
    memcpy(dir, GLOBAL_DIR, sizeof GLOBAL_DIR); /* and its NUL */
  } else {
    snprintf(dir, sizeof dir, SESSION_DIR_FMT, (unsigned)n->session);
  }
  size_t dlen = strlen(dir);
  memcpy(buf, dir, dlen);
  memcpy(buf + dlen, n->leaf, n->leaf_len);
}

bool kobjns__path_parse(const char *path, kobjns__name *n) {
  static const char global[] = GLOBAL_DIR, sessions[] = "\\Sessions\\";
  static const char namespace_dir[] = "\\BaseNamedObjects\\", private_dir[] = PRIVATE_DIR;
  n->ns[0] = '\0';
  n->alias = NULL;
  n->alias_len = 0;
  n->ns_access = 0;
  if (!strncmp(path, private_dir, sizeof private_dir - 1)) {
    const char *id = path + sizeof private_dir - 1, *end = strchr(id, '\\');
    if (!end || end == id || (size_t)(end - id) > KOBJNS__NS_ID_MAX) return false;
    memcpy(n->ns, id, (size_t)(end - id));
    n->ns[end - id] = '\0';
    n->session = 0;
    n->leaf = end + 1;
  } else if (!strncmp(path, global, sizeof global - 1)) {
    n->session = 0;
    n->leaf = path + sizeof global - 1;
  } else if (!strncmp(path, sessions, sizeof sessions - 1)) {
    const char *digits = path + sizeof sessions - 1;
    size_t len = kobjns__digits(digits);
    if (!parse_session(digits, len, &n->session) || n->session == 0 ||
        strncmp(digits + len, namespace_dir, sizeof namespace_dir - 1))
      return false;
    n->leaf = digits + len + sizeof namespace_dir - 1;
  } else {
    return false;
  }
  n->leaf_len = strlen(n->leaf);
  return n->leaf_len > 0 && !strchr(n->leaf, '\\');
}

int kobjns__name_lookup(const kobjns_ctx *ctx, const char *name, enum kobjns__intent intent,
                        kobjns__name *out) {
  int rc = kobjns__validate_name(name, NULL);
  return rc ? rc : kobjns__resolve_name(ctx, name, intent, out);
}
