/* Fuzz target: name resolution (kobjns_resolve).
 *
 * Input: byte 0 picks the caller and flags, the rest is the name (up to the first NUL).
 *   bits 0-2 (mod 5): 0 the process's default context (NULL), 1 a context in session 0,
 *                     2 in session 1, 3 in session 2, 4 in session 4294967294;
 *   bit 3:            drop SeCreateGlobalPrivilege (else grant it where it can be granted);
 *   bits 4-7 = 1000:  pad: byte 1 says how, and the name is extended to about 32766 UTF-16 units
 *                     (bits 0-3 of byte 1: 32758 + n units; bits 4-5: pad with 'a', U+00E9,
 *                     U+20AC or U+1D11E), so that small inputs reach the length limit.
 * So "2Local\\x" is "Local\x" resolved by a caller in session 1.
 *
 * Checked for every input, for the chosen caller:
 * - the status is one kobjns_resolve documents (0, 2, 3, 6, 122, 123, 161, 206, 1113) and is
 *   the one an independent model of docs/namespaces.md gives (UTF-8 and length first, then
 *   the leading '\', then the walk component by component);
 * - with every buffer size (none, 0, 1, the length, the length + 1, larger): 122 with the length
 *   needed when too small; on 0 the path is NUL-terminated, its length is *path_len, it is
 *   "\BaseNamedObjects\<leaf>" or "\Sessions\<N>\BaseNamedObjects\<leaf>" for the session and
 *   leaf the model found (the name's last component, without '\'), nothing is written past
 *   the size given, and a NULL path_len changes nothing;
 * - resolving is deterministic, and the privilege does not change it;
 * - the namespace links agree: "Local\<name>" resolves as <name>, "Global\<name>" as <name> for
 *   a caller in session 0, and "Session\<N>\<name>" as <name> for a caller in session N;
 * - inside: kobjns__validate_name() counts the UTF-16 units the model counts, and the walk with
 *   the create intent (kobjns_section_create's) gives the model's status (5, not 2, for a leaf in
 *   \Sessions\BNOLINKS) and a leaf pointing at the name's last component.
 * A padded name (32 K units) gets one buffer size and no repeated calls: each call walks it all.
 *
 * Sessions 0, 1, 2, 4294967294 and the default context's exist (the contexts live for the whole
 * run); no other does. KOBJNS_ROOT is set to "fuzz-<pid>", so nothing else is seen, and the
 * contexts are freed at exit, so nothing is left in /dev/shm. */
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "internal.h"

#define NCTX 5
#define NAME_MAX_UNITS 32766u
#define GUARD 16

static kobjns_ctx *ctxs[NCTX]; /* [0] stays NULL: the process's default context */
static uint32_t ctx_session[NCTX];

static void free_contexts(void) {
  for (int i = 0; i < NCTX; i++) {
    kobjns_ctx_free(ctxs[i]);
    ctxs[i] = NULL;
  }
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
  char root[32];
  snprintf(root, sizeof root, "fuzz-%ld", (long)getpid());
  setenv("KOBJNS_ROOT", root, 1);
  static const uint32_t sessions[NCTX] = {0, 0, 1, 2, 4294967294u};
  int rc = kobjns_ctx_session(NULL, &ctx_session[0]);
  FUZZ_CHECK(rc == 0, "default context: %d %s", rc, kobjns_status_name(rc));
  for (int i = 1; i < NCTX; i++) {
    rc = kobjns_ctx_new(&ctxs[i]);
    FUZZ_CHECK(rc == 0, "kobjns_ctx_new: %d", rc);
    rc = kobjns_ctx_set_session(ctxs[i], sessions[i]);
    FUZZ_CHECK(rc == 0, "kobjns_ctx_set_session(%u): %d", (unsigned)sessions[i], rc);
    ctx_session[i] = sessions[i];
  }
  atexit(free_contexts);
  /* The argument checks, once. */
  char buf[8];
  size_t len;
  FUZZ_CHECK(kobjns_resolve(NULL, NULL, buf, sizeof buf, &len) == KOBJNS_INVALID_PARAMETER, "NULL");
  FUZZ_CHECK(kobjns_resolve(NULL, "x", NULL, 8, &len) == KOBJNS_INVALID_PARAMETER, "NULL path");
  FUZZ_CHECK(kobjns_resolve(NULL, "", buf, sizeof buf, &len) == KOBJNS_INVALID_HANDLE, "\"\"");
  return 0;
}

/* --- the model: docs/namespaces.md, written independently of src/name.c ------------------- */

static bool session_exists(uint32_t caller, uint32_t s) {
  if (s == 0 || s == caller) return true;
  for (int i = 0; i < NCTX; i++)
    if (ctx_session[i] == s) return true;
  return false;
}

/* Well-formed UTF-8 by the Unicode table of well-formed byte sequences (no surrogates, no
 * overlong forms, nothing past U+10FFFF). Counts UTF-16 units; false when malformed. */
static bool utf8_units(const unsigned char *s, size_t n, size_t *units) {
  size_t u = 0, i = 0;
  while (i < n) {
    unsigned char c = s[i];
    size_t len;                         /* bytes of the sequence c starts */
    unsigned char lo = 0x80, hi = 0xBF; /* range of its second byte */
    if (c < 0x80) {
      len = 1;
    } else if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      if (c == 0xE0) lo = 0xA0; /* else overlong */
      if (c == 0xED) hi = 0x9F; /* else a surrogate */
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      if (c == 0xF0) lo = 0x90; /* else overlong */
      if (c == 0xF4) hi = 0x8F; /* else past U+10FFFF */
    } else {
      return false;
    }
    if (n - i < len) return false;
    if (len > 1 && (s[i + 1] < lo || s[i + 1] > hi)) return false;
    for (size_t k = 2; k < len; k++)
      if (s[i + k] < 0x80 || s[i + k] > 0xBF) return false;
    u += len == 4 ? 2 : 1;
    i += len;
  }
  *units = u;
  return true;
}

/* "0" or a decimal without leading zero up to 4294967295. */
static bool session_number(const char *s, size_t len, uint32_t *out) {
  if (len == 0 || len > 10 || (s[0] == '0' && len > 1)) return false;
  for (size_t i = 0; i < len; i++)
    if (s[i] < '0' || s[i] > '9') return false;
  if (len == 10 && memcmp(s, "4294967295", 10) > 0) return false;
  uint32_t v = 0;
  for (size_t i = 0; i < len; i++) v = v * 10 + (uint32_t)(s[i] - '0');
  *out = v;
  return true;
}

static bool word(const char *s, size_t len, const char *w) {
  return len == strlen(w) && memcmp(s, w, len) == 0;
}

typedef struct model {
  int status;
  uint32_t session;
  size_t leaf_off, leaf_len;
  size_t units; /* UTF-16 units, when the name is valid UTF-8 */
} model;

/* Resolving `name` for a caller in session `caller`, to open it or (`create`) to create it. */
static model model_resolve(uint32_t caller, const char *name, bool create) {
  model m = {0};
  size_t n = strlen(name);
  if (n == 0) return (model){.status = KOBJNS_INVALID_HANDLE};
  if (!utf8_units((const unsigned char *)name, n, &m.units))
    return (model){.status = KOBJNS_NO_UNICODE_TRANSLATION};
  m.status = m.units > NAME_MAX_UNITS ? KOBJNS_FILENAME_EXCED_RANGE
             : name[0] == '\\'        ? KOBJNS_BAD_PATHNAME
                                      : 0;
  if (m.status) return m;
  bool links = false; /* in \Sessions\BNOLINKS, else in a session's BaseNamedObjects */
  uint32_t session = caller, number;
  size_t at = 0;
  for (;;) {
    const char *sep = memchr(name + at, '\\', n - at);
    size_t len = sep ? (size_t)(sep - (name + at)) : n - at;
    const char *c = name + at;
    m.status = KOBJNS_INVALID_NAME;
    if (len == 0) return m;
    if (!sep) {                         /* the leaf */
      m.status = KOBJNS_INVALID_HANDLE; /* a link, or an existing session in the links */
      if (links) {
        if (!session_number(c, len, &number) || !session_exists(caller, number))
          m.status = create ? KOBJNS_ACCESS_DENIED : KOBJNS_FILE_NOT_FOUND;
        return m;
      }
      if (word(c, len, "Global") || word(c, len, "Local") || word(c, len, "Session")) return m;
      m.status = 0;
      m.session = session;
      m.leaf_off = at;
      m.leaf_len = len;
      return m;
    }
    if (links) {
      m.status = KOBJNS_PATH_NOT_FOUND;
      if (!session_number(c, len, &number) || !session_exists(caller, number)) return m;
      session = number;
      links = false;
    } else if (word(c, len, "Global")) {
      session = 0;
    } else if (word(c, len, "Session")) {
      links = true;
    } else if (!word(c, len, "Local")) {
      m.status = KOBJNS_PATH_NOT_FOUND;
      return m;
    }
    at += len + 1;
  }
}

/* --- calls --------------------------------------------------------------------------------- */

static bool documented(int rc) {
  switch (rc) {
    case 0:
    case KOBJNS_FILE_NOT_FOUND:
    case KOBJNS_PATH_NOT_FOUND:
    case KOBJNS_INVALID_HANDLE:
    case KOBJNS_INSUFFICIENT_BUFFER:
    case KOBJNS_INVALID_NAME:
    case KOBJNS_BAD_PATHNAME:
    case KOBJNS_FILENAME_EXCED_RANGE:
    case KOBJNS_NO_UNICODE_TRANSLATION: return true;
    default: return false;
  }
}

typedef struct result {
  int rc;
  size_t len;  /* *path_len after the call (SIZE_MAX if untouched or not asked) */
  char *path;  /* the buffer (malloc'd, size + GUARD bytes), or NULL */
  size_t size; /* the size given */
} result;

/* kobjns_resolve with a buffer of `size` bytes (none at all when !with_buf), followed by GUARD
 * bytes nothing may write. */
static result call(const kobjns_ctx *ctx, const char *name, bool with_buf, size_t size,
                   bool want_len) {
  result r = {.len = SIZE_MAX, .size = size};
  if (with_buf) {
    r.path = malloc(size + GUARD);
    FUZZ_CHECK(r.path != NULL, "out of memory");
    memset(r.path, 0xA5, size + GUARD);
  }
  r.rc = kobjns_resolve(ctx, name, r.path, size, want_len ? &r.len : NULL);
  if (r.path)
    for (size_t i = size; i < size + GUARD; i++)
      FUZZ_CHECK((unsigned char)r.path[i] == 0xA5, "wrote past size %zu (at %zu), rc %d", size, i,
                 r.rc);
  FUZZ_CHECK(documented(r.rc), "undocumented status %d %s", r.rc, kobjns_status_name(r.rc));
  return r;
}

static void done(result *r) {
  free(r->path);
  r->path = NULL;
}

/* Status and (on 0) path of resolving `name` for `ctx`, in a buffer large enough; *path is
 * malloc'd (NULL when not 0). */
static int resolve_full(const kobjns_ctx *ctx, const char *name, char **path) {
  result probe = call(ctx, name, false, 0, true);
  *path = NULL;
  if (probe.rc != KOBJNS_INSUFFICIENT_BUFFER) return probe.rc;
  result r = call(ctx, name, true, probe.len + 1, true);
  FUZZ_CHECK(r.rc == 0 && r.len == probe.len, "needed %zu, then %d %zu", probe.len, r.rc, r.len);
  *path = r.path;
  return 0;
}

static void expect_same(const kobjns_ctx *ctx, const char *name, int want_rc, const char *want,
                        const char *why) {
  char *path;
  int rc = resolve_full(ctx, name, &path);
  FUZZ_CHECK(rc == want_rc && (rc || strcmp(path, want) == 0),
             "%s: '%.200s' -> %d %.200s, expected %d %.200s", why, name, rc, path ? path : "",
             want_rc, want ? want : "");
  free(path);
}

static char *concat(const char *a, const char *b) {
  size_t la = strlen(a), lb = strlen(b);
  char *s = malloc(la + lb + 1);
  FUZZ_CHECK(s != NULL, "out of memory");
  memcpy(s, a, la);
  memcpy(s + la, b, lb + 1);
  return s;
}

/* The name from the input: the bytes after the header up to the first NUL, then the padding. */
static char *make_name(const uint8_t *data, size_t size, bool pad, uint8_t how) {
  const uint8_t *nul = memchr(data, 0, size);
  size_t n = nul ? (size_t)(nul - data) : size;
  size_t pad_units = 0, units;
  static const char *const pads[] = {"a", "\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9D\x84\x9E"};
  const char *unit = pads[(how >> 4) & 3];
  size_t unit_len = strlen(unit), unit_units = unit_len == 4 ? 2 : 1;
  if (pad) {
    size_t target = NAME_MAX_UNITS - 8 + (how & 15);
    if (!utf8_units(data, n, &units)) units = n;
    pad_units = units < target ? target - units : 0;
  }
  size_t count = pad_units / unit_units, odd = pad_units % unit_units;
  char *name = malloc(n + count * unit_len + odd + 1);
  FUZZ_CHECK(name != NULL, "out of memory");
  memcpy(name, data, n);
  char *p = name + n;
  for (size_t i = 0; i < count; i++, p += unit_len) memcpy(p, unit, unit_len);
  if (odd) *p++ = 'a';
  *p = '\0';
  return name;
}

/* The internal steps kobjns_resolve() and kobjns_section_create() share: validation (the UTF-16
 * length) and the walk with the create intent, which differs in \Sessions\BNOLINKS (5, not 2). */
static void check_internal(const kobjns_ctx *ctx, const char *name, uint32_t caller,
                           const model *m) {
  if (!name[0]) return; /* "" is an unnamed section: never validated nor walked */
  size_t units = SIZE_MAX;
  int rc = kobjns__validate_name(name, &units);
  if (m->status == KOBJNS_NO_UNICODE_TRANSLATION) {
    FUZZ_CHECK(rc == m->status, "validate: %d, expected 1113", rc);
    return;
  }
  FUZZ_CHECK(units == m->units, "validate: %zu UTF-16 units, expected %zu", units, m->units);
  FUZZ_CHECK(rc == (m->units > NAME_MAX_UNITS ? KOBJNS_FILENAME_EXCED_RANGE : 0),
             "validate: %d for %zu units", rc, units);
  if (rc) return;
  if (!ctx) FUZZ_CHECK(kobjns__default_ctx(&ctx) == 0, "default context");
  model c = model_resolve(caller, name, true);
  kobjns__name out;
  rc = kobjns__resolve_name(ctx, name, KOBJNS__CREATE, &out);
  FUZZ_CHECK(rc == c.status, "create '%.200s': %d, model %d", name, rc, c.status);
  if (rc == 0)
    FUZZ_CHECK(
        out.session == c.session && out.leaf == name + c.leaf_off && out.leaf_len == c.leaf_len,
        "create '%.200s': session %u leaf at %zu (%zu), model %u at %zu (%zu)", name,
        (unsigned)out.session, (size_t)(out.leaf - name), out.leaf_len, (unsigned)c.session,
        c.leaf_off, c.leaf_len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  uint8_t flags = data[0];
  bool pad = (flags & 0xF0) == 0x80; /* rare: each call on a padded name is slow */
  if (pad && size < 2) return 0;
  uint8_t how = pad ? data[1] : 0;
  size_t hdr = pad ? 2 : 1;
  char *name = make_name(data + hdr, size - hdr, pad, how);
  int which = (flags & 7) % NCTX;
  kobjns_ctx *ctx = ctxs[which];
  uint32_t caller = ctx_session[which];
  if (ctx) {
    int rc = kobjns_ctx_set_privilege(ctx, KOBJNS_PRIV_CREATE_GLOBAL, !(flags & 8));
    FUZZ_CHECK(rc == 0 || rc == KOBJNS_PRIVILEGE_NOT_HELD, "set_privilege: %d", rc);
  }

  model m = model_resolve(caller, name, false);
  size_t want_len = 0;
  char *want = NULL;
  if (m.status == 0) {
    char dir[64];
    if (m.session == 0)
      snprintf(dir, sizeof dir, "\\BaseNamedObjects\\");
    else
      snprintf(dir, sizeof dir, "\\Sessions\\%u\\BaseNamedObjects\\", (unsigned)m.session);
    size_t dlen = strlen(dir);
    want_len = dlen + m.leaf_len;
    want = malloc(want_len + 1);
    FUZZ_CHECK(want != NULL, "out of memory");
    memcpy(want, dir, dlen);
    memcpy(want + dlen, name + m.leaf_off, m.leaf_len);
    want[want_len] = '\0';
    FUZZ_CHECK(memchr(want + dlen, '\\', m.leaf_len) == NULL, "model: leaf with '\\'");
  }
  int want_small = m.status == 0 ? KOBJNS_INSUFFICIENT_BUFFER : m.status;

  /* No buffer, then buffers of 0, 1, the length, the length + 1 and larger. */
  result none = call(ctx, name, false, 0, true);
  FUZZ_CHECK(none.rc == want_small, "session %u '%.200s': %d, model %d", (unsigned)caller, name,
             none.rc, m.status);
  if (m.status == 0)
    FUZZ_CHECK(none.len == want_len, "needed %zu, expected %zu", none.len, want_len);
  size_t sizes[] = {want_len + 1, want_len, 0, 1, want_len + 1 + (how | 64u)};
  /* Each call on a padded name walks 32 K units: one buffer for those (the sizes are tested on
   * short names), so that they do not slow the fuzzer down. */
  bool long_name = strlen(name) > 4096;
  for (size_t i = 0; i < (long_name ? 1 : sizeof sizes / sizeof sizes[0]); i++) {
    for (int with_len = long_name; with_len < 2; with_len++) {
      result r = call(ctx, name, true, sizes[i], with_len);
      if (m.status != 0) {
        FUZZ_CHECK(r.rc == m.status, "size %zu: %d, expected %d", sizes[i], r.rc, m.status);
      } else if (sizes[i] <= want_len) {
        FUZZ_CHECK(r.rc == KOBJNS_INSUFFICIENT_BUFFER, "size %zu of %zu: %d", sizes[i], want_len,
                   r.rc);
        if (with_len) FUZZ_CHECK(r.len == want_len, "122 needed %zu, not %zu", r.len, want_len);
      } else {
        FUZZ_CHECK(r.rc == 0, "size %zu for %zu: %d", sizes[i], want_len, r.rc);
        FUZZ_CHECK(memchr(r.path, '\0', sizes[i]) == r.path + want_len,
                   "path not NUL-terminated at its length %zu", want_len);
        FUZZ_CHECK(strcmp(r.path, want) == 0, "'%.200s' -> '%.200s', expected '%.200s'", name,
                   r.path, want);
        if (with_len) FUZZ_CHECK(r.len == want_len, "*path_len %zu, not %zu", r.len, want_len);
      }
      done(&r);
    }
  }

  /* Deterministic, and the privilege plays no part in resolving. */
  if (ctx) {
    int rc = kobjns_ctx_set_privilege(ctx, KOBJNS_PRIV_CREATE_GLOBAL, (flags & 8) != 0);
    FUZZ_CHECK(rc == 0 || rc == KOBJNS_PRIVILEGE_NOT_HELD, "set_privilege: %d", rc);
  }
  if (!long_name) {
    expect_same(ctx, name, m.status, want, "again, other privilege");
    check_internal(ctx, name, caller, &m);
  }

  /* The links: only where the prefix cannot push the name past the length limit (bytes bound
   * units), for names that do not start the walk themselves ("" and "\..." are refused before
   * any walk). */
  if (name[0] && name[0] != '\\' && strlen(name) + 32 <= NAME_MAX_UNITS) {
    char *local = concat("Local\\", name);
    expect_same(ctx, local, m.status, want, "Local\\ prefix");
    free(local);
    char *global = concat("Global\\", name);
    model g = model_resolve(0, name, false);
    char *gpath;
    int grc = resolve_full(ctxs[1], name, &gpath);
    FUZZ_CHECK(grc == g.status, "session 0 '%.200s': %d, model %d", name, grc, g.status);
    expect_same(ctx, global, grc, gpath, "Global\\ prefix");
    free(gpath);
    free(global);
    for (int i = 1; i < NCTX; i++) {
      char prefix[32];
      snprintf(prefix, sizeof prefix, "Session\\%u\\", (unsigned)ctx_session[i]);
      char *in_session = concat(prefix, name);
      char *spath;
      int src = resolve_full(ctxs[i], name, &spath);
      expect_same(ctx, in_session, src, spath, "Session\\<N>\\ prefix");
      free(spath);
      free(in_session);
    }
  }
  done(&none);
  free(want);
  free(name);
  return 0;
}
