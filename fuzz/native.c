/* Fuzz target: the POSIX backend's native names (kobjns__native_name, posix/object.c), the
 * /dev/shm file name a resolved name (session, leaf) is stored under.
 *
 * Input: one or two names separated by a NUL byte, each "[<session>:]<leaf>" with <session> a
 * decimal up to 4294967295 (without one, session 0). A leaf holding '\' is not a resolved leaf
 * (src/name.c never makes one): such inputs are skipped.
 *
 * The encoder promises "kobjns.<root>.<ns>.<leaf escaped>" ("kobjnsa." on the generic platform,
 * whose names are apart from their bytes: kobjns__layout_prefix), <ns> "g" for session 0 and "s<N>"
 * otherwise, '/', '%', '#', control bytes and DEL escaped as %XX (upper-case hex), every other
 * byte kept; and, only when that does not fit NAME_MAX (255), "kobjns.<root>.<ns>.#<sha256 of
 * the canonical path, lower-case hex>". Checked for each name:
 * - the result is NUL-terminated within KOBJNS__NATIVE_COMPONENT_MAX + 1 bytes, holds no '/', no
 * control byte and no DEL, and is the same on a second call;
 * - it decodes: the escaped form gives back exactly the session and the leaf (so two different
 *   names never share an escaped form), escapes are used for exactly the bytes listed above;
 *   the hashed form is used exactly when the escaped form would be longer than 255 bytes, and
 *   its digest is SHA-256 of the canonical path, recomputed here (two different names share a
 *   hashed form only through a SHA-256 collision; the header keeps the full path to check);
 * - a session marker's name (kobjns__native_session_name) never decodes as a section's;
 * - for two names: equal native names if and only if equal (session, leaf). */
#include <nettle/sha2.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "object.h"

static char root[40];

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
  snprintf(root, sizeof root, "fuzz-%ld", (long)getpid());
  setenv("KOBJNS_ROOT", root, 1);
  uint32_t session;
  int rc = kobjns_ctx_session(NULL, &session); /* sets up the backend: it reads KOBJNS_ROOT */
  FUZZ_CHECK(rc == 0, "default context: %d %s", rc, kobjns_status_name(rc));
  return 0;
}

static bool escaped(unsigned char c) {
  return c == '/' || c == '%' || c == '#' || c < 0x20 || c == 0x7F;
}

static int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* What the native name says: the session, and the leaf (escaped form) or the digest (hashed). */
typedef struct decoded {
  uint32_t session;
  bool hashed;
  char leaf[KOBJNS__NATIVE_MAX + 1];
  size_t leaf_len;
  const char *digest; /* 64 lower-case hex digits */
  size_t prefix_len;  /* "kobjns.<root>.<ns>." */
} decoded;

/* Decodes `s` as a section's native name; false (with the reason in *why) if it is not one. */
static bool decode(const char *s, decoded *d, const char **why) {
  memset(d, 0, sizeof *d);
  size_t rlen = strlen(root);
  const char *layout; /* "kobjns.", or "kobjnsa." where names are apart from their bytes */
  size_t llen = kobjns__layout_prefix(&layout);
  if (strncmp(s, layout, llen) || strncmp(s + llen, root, rlen) || s[llen + rlen] != '.')
    return *why = "prefix", false;
  const char *p = s + llen + rlen + 1;
  if (p[0] == 'g' && p[1] == '.') {
    d->session = 0;
    p += 2;
  } else if (p[0] == 's' && p[1] >= '1' && p[1] <= '9') {
    uint64_t v = 0;
    p++;
    for (int i = 0; *p >= '0' && *p <= '9'; i++, p++) {
      if (i == 10) return *why = "session too long", false;
      v = v * 10 + (uint64_t)(*p - '0');
    }
    if (v > UINT32_MAX || *p != '.') return *why = "session", false;
    d->session = (uint32_t)v;
    p++;
  } else {
    return *why = "namespace", false;
  }
  d->prefix_len = (size_t)(p - s);
  if (*p == '#') {
    p++;
    if (strlen(p) != 2 * SHA256_DIGEST_SIZE) return *why = "digest length", false;
    for (const char *q = p; *q; q++)
      if (!((*q >= '0' && *q <= '9') || (*q >= 'a' && *q <= 'f'))) return *why = "digest", false;
    d->hashed = true;
    d->digest = p;
    return true;
  }
  while (*p) {
    unsigned char c = (unsigned char)*p;
    if (c == '%') {
      int hi = hexval(p[1]), lo = hi < 0 ? -1 : hexval(p[2]);
      if (lo < 0) return *why = "bad escape", false;
      c = (unsigned char)(hi << 4 | lo);
      if (!escaped(c)) return *why = "needless escape", false;
      p += 3;
    } else {
      if (escaped(c)) return *why = "unescaped byte", false;
      p++;
    }
    d->leaf[d->leaf_len++] = (char)c;
  }
  return true;
}

/* The canonical path, as docs/namespaces.md writes it (not with src/name.c). */
static char *canonical(uint32_t session, const char *leaf, size_t leaf_len, size_t *len) {
  char dir[64];
  if (session == 0)
    snprintf(dir, sizeof dir, "\\BaseNamedObjects\\");
  else
    snprintf(dir, sizeof dir, "\\Sessions\\%u\\BaseNamedObjects\\", (unsigned)session);
  size_t dlen = strlen(dir);
  char *path = malloc(dlen + leaf_len + 1);
  FUZZ_CHECK(path != NULL, "out of memory");
  memcpy(path, dir, dlen);
  memcpy(path + dlen, leaf, leaf_len);
  path[dlen + leaf_len] = '\0';
  *len = dlen + leaf_len;
  return path;
}

typedef struct input {
  uint32_t session;
  const char *leaf;
  size_t leaf_len;
} input;

/* "[<session>:]<leaf>": false when the leaf holds '\'. */
static bool parse(const char *s, size_t n, input *in) {
  in->session = 0;
  in->leaf = s;
  in->leaf_len = n;
  size_t digits = 0;
  while (digits < n && digits < 11 && s[digits] >= '0' && s[digits] <= '9') digits++;
  if (digits >= 1 && digits <= 10 && digits < n && s[digits] == ':') {
    uint64_t v = 0;
    for (size_t i = 0; i < digits; i++) v = v * 10 + (uint64_t)(s[i] - '0');
    if (v <= UINT32_MAX) {
      in->session = (uint32_t)v;
      in->leaf = s + digits + 1;
      in->leaf_len = n - digits - 1;
    }
  }
  return memchr(in->leaf, '\\', in->leaf_len) == NULL;
}

static void native(const input *in, char out[KOBJNS__NATIVE_MAX + 1]) {
  kobjns__name n = {.session = in->session, .leaf = in->leaf, .leaf_len = in->leaf_len};
  memset(out, 0xA5, KOBJNS__NATIVE_MAX + 1);
  kobjns__native_name(kobjns__process_tree(), &n, out);
}

static void check(const input *in, char out[KOBJNS__NATIVE_MAX + 1]) {
  native(in, out);
  /* A name of the global or a session namespace is one component: within NAME_MAX. */
  const char *end = memchr(out, '\0', KOBJNS__NATIVE_COMPONENT_MAX + 1);
  FUZZ_CHECK(end != NULL, "not NUL-terminated within %d bytes", KOBJNS__NATIVE_COMPONENT_MAX + 1);
  size_t len = (size_t)(end - out);
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)out[i];
    FUZZ_CHECK(c != '/' && c >= 0x20 && c != 0x7F, "byte 0x%02x at %zu of '%s'", c, i, out);
  }
  char again[KOBJNS__NATIVE_MAX + 1];
  native(in, again);
  FUZZ_CHECK(strcmp(out, again) == 0, "not deterministic: '%s' then '%s'", out, again);

  decoded d;
  const char *why = "";
  FUZZ_CHECK(decode(out, &d, &why), "'%s' does not decode: %s", out, why);
  FUZZ_CHECK(d.session == in->session, "'%s': session %u, not %u", out, (unsigned)d.session,
             (unsigned)in->session);
  size_t escaped_len = d.prefix_len;
  for (size_t i = 0; i < in->leaf_len; i++)
    escaped_len += escaped((unsigned char)in->leaf[i]) ? 3 : 1;
  FUZZ_CHECK(d.hashed == (escaped_len > KOBJNS__NATIVE_COMPONENT_MAX),
             "'%s': %s, but the escaped form is %zu bytes", out, d.hashed ? "hashed" : "escaped",
             escaped_len);
  if (d.hashed) {
    size_t plen;
    char *path = canonical(in->session, in->leaf, in->leaf_len, &plen);
    struct sha256_ctx sha;
    uint8_t digest[SHA256_DIGEST_SIZE];
    sha256_init(&sha);
    sha256_update(&sha, plen, (const uint8_t *)path);
    sha256_digest(&sha, sizeof digest, digest);
    free(path);
    char hex[2 * SHA256_DIGEST_SIZE + 1];
    for (size_t i = 0; i < sizeof digest; i++) snprintf(hex + 2 * i, 3, "%02x", digest[i]);
    FUZZ_CHECK(strcmp(hex, d.digest) == 0, "'%s': digest is not sha256 of the path", out);
  } else {
    FUZZ_CHECK(len == escaped_len, "'%s': %zu bytes, escaped form %zu", out, len, escaped_len);
    FUZZ_CHECK(d.leaf_len == in->leaf_len && memcmp(d.leaf, in->leaf, in->leaf_len) == 0,
               "'%s' decodes to another leaf", out);
  }

  /* The session marker's name is not a section's. */
  char marker[KOBJNS__NATIVE_MAX + 1];
  kobjns__native_session_name(kobjns__process_tree(), in->session, marker);
  FUZZ_CHECK(!decode(marker, &d, &why), "marker '%s' decodes as a section", marker);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  /* A NUL-free copy of each part, so that an over-read is seen by a sanitizer. */
  const uint8_t *nul = memchr(data, 0, size);
  size_t n1 = nul ? (size_t)(nul - data) : size;
  size_t n2 = nul ? size - n1 - 1 : 0;
  const uint8_t *second = nul ? nul + 1 : NULL;
  if (second) {
    const uint8_t *nul2 = memchr(second, 0, n2);
    if (nul2) n2 = (size_t)(nul2 - second);
  }
  char *a = malloc(n1 + 1), *b = malloc(n2 + 1);
  FUZZ_CHECK(a && b, "out of memory");
  memcpy(a, data, n1);
  a[n1] = '\0';
  if (n2) memcpy(b, second, n2);
  b[n2] = '\0';
  input ia, ib;
  char na[KOBJNS__NATIVE_MAX + 1], nb[KOBJNS__NATIVE_MAX + 1];
  if (parse(a, n1, &ia)) {
    check(&ia, na);
    if (second && parse(b, n2, &ib)) {
      check(&ib, nb);
      bool same = ia.session == ib.session && ia.leaf_len == ib.leaf_len &&
                  memcmp(ia.leaf, ib.leaf, ia.leaf_len) == 0;
      FUZZ_CHECK(same == (strcmp(na, nb) == 0), "(%u, '%.*s') and (%u, '%.*s') give '%s' and '%s'",
                 (unsigned)ia.session, (int)ia.leaf_len, ia.leaf, (unsigned)ib.session,
                 (int)ib.leaf_len, ib.leaf, na, nb);
    }
  }
  free(a);
  free(b);
  return 0;
}
