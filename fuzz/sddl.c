/* Fuzz target: the SDDL parser, formatter and access check (src/security.c).
 *
 * Input: "<SDDL text>" optionally followed by a NUL byte and parameters for the access checks
 * (the requested rights and the object's owner, 8 bytes). An input starting with byte 0xFF is
 * instead a raw descriptor, as one could be read from an object header: byte 1 null_dacl, byte 2
 * the ACE count, then 10 bytes per ACE (type, trustee, id, mask little-endian).
 *
 * Checked for text:
 * - kobjns_sddl_check() returns 0, 87, 1336 or 1337, the same as kobjns__sddl_parse(), and 87
 *   for text starting with an O:, G: or S: part;
 * - on 0: the descriptor is valid (kobjns__sd_valid); kobjns__sddl_format() gives the length it
 *   writes, writes nothing past the size given, truncates to a NUL-terminated prefix; the text
 *   it writes is accepted by kobjns_sddl_check() and parses back to an equal descriptor, which
 *   formats to the same text (a fixed point).
 * Checked for raw descriptors that kobjns__sd_valid() accepts, and for the default descriptor
 * (at start-up): the same round trip.
 * Checked for every valid descriptor, for a few tokens (root, users in sessions 0, 1 and 2,
 * with groups) and owners: kobjns__access_check() returns 0 or 5 and agrees with a model of the
 * rules in docs/namespaces.md, decided right by right (the first ACE that applies and names a
 * right decides it); a NULL DACL grants everything. */
#include <string.h>

#include "fuzz.h"
#include "internal.h"

#define GUARD 16

static bool sd_equal(const kobjns__sd *a, const kobjns__sd *b) {
  if (a->null_dacl != b->null_dacl || a->count != b->count) return false;
  for (unsigned i = 0; i < a->count; i++) {
    const kobjns__ace *x = &a->aces[i], *y = &b->aces[i];
    bool has_id = x->trustee == KOBJNS__TRUSTEE_USER || x->trustee == KOBJNS__TRUSTEE_GROUP;
    if (x->deny != y->deny || x->trustee != y->trustee || x->mask != y->mask ||
        (has_id && x->id != y->id))
      return false;
  }
  return true;
}

/* --- the access-check model ---------------------------------------------------------------- */

static bool applies(const kobjns__ace *a, uint32_t owner, const kobjns__token *t) {
  switch (a->trustee) {
    case KOBJNS__TRUSTEE_EVERYONE: return true;
    case KOBJNS__TRUSTEE_AUTH_USERS: return true;
    case KOBJNS__TRUSTEE_INTERACTIVE: return t->session != 0;
    case KOBJNS__TRUSTEE_SYSTEM: return t->admin;
    case KOBJNS__TRUSTEE_ADMINS: return t->admin;
    case KOBJNS__TRUSTEE_OWNER_RIGHTS: return t->uid == owner;
    case KOBJNS__TRUSTEE_USER: return t->uid == a->id;
    case KOBJNS__TRUSTEE_GROUP:
      for (size_t i = 0; i < t->ngroups; i++)
        if (t->groups[i] == a->id) return true;
      return false;
    default: return false;
  }
}

static bool model_grants(const kobjns__sd *sd, uint32_t owner, const kobjns__token *t,
                         uint32_t desired) {
  if (sd->null_dacl) return true;
  bool owner_rights = false;
  for (unsigned i = 0; i < sd->count; i++)
    owner_rights |= sd->aces[i].trustee == KOBJNS__TRUSTEE_OWNER_RIGHTS;
  for (int bit = 0; bit < 32; bit++) {
    uint32_t right = 1u << bit;
    if (!(desired & right)) continue;
    if (t->uid == owner && !owner_rights &&
        (right == KOBJNS__READ_CONTROL || right == KOBJNS__WRITE_DAC))
      continue;
    int decided = 0; /* 1 granted, -1 refused */
    for (unsigned i = 0; i < sd->count && !decided; i++) {
      const kobjns__ace *a = &sd->aces[i];
      if ((a->mask & right) && applies(a, owner, t)) decided = a->deny ? -1 : 1;
    }
    if (decided != 1) return false;
  }
  return true;
}

static void check_access(const kobjns__sd *sd, const uint8_t *params, size_t n) {
  uint8_t p[8] = {0};
  if (n) memcpy(p, params, n < sizeof p ? n : sizeof p);
  uint32_t desired =
      (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
  uint32_t owner = (uint32_t)p[4] | (uint32_t)p[5] << 8 | (uint32_t)p[6] << 16;
  if (p[7] & 1) owner = 1000;
  kobjns__token tokens[5] = {
      {.uid = 0, .admin = true, .session = 0, .ngroups = 1, .groups = {0}},
      {.uid = 1000, .session = 1, .ngroups = 2, .groups = {1000, 77}},
      {.uid = 2000, .session = 0, .ngroups = 1, .groups = {2000}},
      {.uid = owner, .session = 2, .ngroups = 0},
      {.uid = 4294967294u, .session = 1, .ngroups = 1, .groups = {4294967294u}},
  };
  uint32_t asks[] = {kobjns__map_generic(desired),
                     KOBJNS__SECTION_MAP_READ,
                     KOBJNS__SECTION_MAP_WRITE | KOBJNS__SECTION_MAP_READ,
                     KOBJNS__READ_CONTROL | KOBJNS__WRITE_DAC,
                     KOBJNS__SECTION_ALL,
                     0xFFFFFFFFu & ~KOBJNS__GENERIC_ALL_BITS};
  uint32_t owners[] = {owner, 1000, 0};
  for (size_t t = 0; t < sizeof tokens / sizeof tokens[0]; t++) {
    for (size_t o = 0; o < sizeof owners / sizeof owners[0]; o++) {
      for (size_t k = 0; k < sizeof asks / sizeof asks[0]; k++) {
        if (!asks[k]) continue; /* the check wants a nonzero, mapped request */
        int rc = kobjns__access_check(sd, owners[o], &tokens[t], asks[k]);
        FUZZ_CHECK(rc == 0 || rc == KOBJNS_ACCESS_DENIED, "access check: %d", rc);
        bool want = model_grants(sd, owners[o], &tokens[t], asks[k]);
        FUZZ_CHECK((rc == 0) == want, "token %zu, owner %u, 0x%x: %d, the model %s", t,
                   (unsigned)owners[o], (unsigned)asks[k], rc, want ? "grants" : "refuses");
      }
    }
  }
}

/* --- round trip ---------------------------------------------------------------------------- */

/* Format `sd` with a buffer of `size` bytes and GUARD more that nothing may touch. */
static char *format(const kobjns__sd *sd, size_t size, size_t *need) {
  char *buf = malloc(size + GUARD);
  FUZZ_CHECK(buf != NULL, "out of memory");
  memset(buf, 0xA5, size + GUARD);
  *need = kobjns__sddl_format(sd, size ? buf : NULL, size);
  for (size_t i = size; i < size + GUARD; i++)
    FUZZ_CHECK((unsigned char)buf[i] == 0xA5, "format wrote past %zu", size);
  return buf;
}

static void round_trip(const kobjns__sd *sd, const uint8_t *params, size_t nparams) {
  FUZZ_CHECK(kobjns__sd_valid(sd), "a parsed descriptor is not valid");
  size_t need, got;
  free(format(sd, 0, &need));
  char *text = format(sd, need + 1, &got);
  FUZZ_CHECK(got == need && strlen(text) == need, "format: %zu then %zu, strlen %zu", need, got,
             strlen(text));
  size_t small_sizes[] = {1, need / 2 + 1, need};
  for (size_t i = 0; i < sizeof small_sizes / sizeof small_sizes[0]; i++) {
    size_t s = small_sizes[i];
    char *small = format(sd, s, &got);
    FUZZ_CHECK(got == need && strlen(small) == s - 1 && strncmp(small, text, s - 1) == 0,
               "format into %zu bytes: %zu '%s' (of '%s')", s, got, small, text);
    free(small);
  }
  int rc = kobjns_sddl_check(text);
  FUZZ_CHECK(rc == 0, "formatted '%s' refused: %d", text, rc);
  kobjns__sd back;
  rc = kobjns__sddl_parse(text, &back);
  FUZZ_CHECK(rc == 0 && sd_equal(sd, &back), "'%s' parses to another descriptor (%d)", text, rc);
  char *again = format(&back, need + 1, &got);
  FUZZ_CHECK(strcmp(again, text) == 0, "'%s' formats back as '%s'", text, again);
  free(again);
  free(text);
  check_access(sd, params, nparams);
}

static uint32_t le32(const uint8_t *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void raw(const uint8_t *data, size_t size) {
  uint8_t buf[3 + 10 * KOBJNS__MAX_ACES] = {0};
  memcpy(buf, data, size < sizeof buf ? size : sizeof buf);
  kobjns__sd sd;
  memset(&sd, 0, sizeof sd);
  sd.null_dacl = buf[1];
  sd.count = buf[2];
  for (unsigned i = 0; i < KOBJNS__MAX_ACES; i++) {
    const uint8_t *a = buf + 3 + 10 * i;
    sd.aces[i] =
        (kobjns__ace){.deny = a[0], .trustee = a[1], .id = le32(a + 2), .mask = le32(a + 6)};
  }
  if (!kobjns__sd_valid(&sd)) return; /* refused when read: never formatted nor checked */
  round_trip(&sd, NULL, 0);
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
  /* The default descriptor (the creator, SYSTEM, administrators) round-trips too. */
  static const uint32_t creators[] = {0, 1000, 4294967294u};
  for (size_t i = 0; i < sizeof creators / sizeof creators[0]; i++) {
    kobjns__sd sd;
    kobjns__sd_default(&sd, creators[i]);
    round_trip(&sd, NULL, 0);
  }
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size && data[0] == 0xFF) {
    raw(data, size);
    return 0;
  }
  const uint8_t *nul = memchr(data, 0, size);
  size_t n = nul ? (size_t)(nul - data) : size;
  char *text = malloc(n + 1);
  FUZZ_CHECK(text != NULL, "out of memory");
  memcpy(text, data, n);
  text[n] = '\0';
  const uint8_t *params = nul ? nul + 1 : data + size;
  size_t nparams = (size_t)(data + size - params);

  int rc = kobjns_sddl_check(text);
  FUZZ_CHECK(rc == 0 || rc == KOBJNS_INVALID_PARAMETER || rc == KOBJNS_INVALID_ACL ||
                 rc == KOBJNS_INVALID_SID,
             "'%.300s': undocumented status %d", text, rc);
  kobjns__sd sd;
  int parsed = kobjns__sddl_parse(text, &sd);
  FUZZ_CHECK(parsed == rc, "'%.300s': check %d, parse %d", text, rc, parsed);
  if ((text[0] == 'O' || text[0] == 'G' || text[0] == 'S') && text[1] == ':')
    FUZZ_CHECK(rc == KOBJNS_INVALID_PARAMETER, "'%.300s': a leading %c: part gives %d", text,
               text[0], rc);
  if (rc == 0) round_trip(&sd, params, nparams);
  free(text);
  return 0;
}
