/* SDDL subset parser, formatter and Windows access check. */
#include "internal.h"

#include <stdio.h>
#include <string.h>

uint32_t kobjns__map_generic_as(const kobjns__generic_mapping *map, uint32_t access) {
  uint32_t mapped = access & ~KOBJNS__GENERIC_ALL_BITS;
  if (access & KOBJNS_GENERIC_READ) mapped |= map->read;
  if (access & KOBJNS_GENERIC_WRITE) mapped |= map->write;
  if (access & KOBJNS_GENERIC_EXECUTE) mapped |= map->execute;
  if (access & KOBJNS_GENERIC_ALL) mapped |= map->all;
  return mapped;
}

uint32_t kobjns__map_generic(uint32_t access) {
  return kobjns__map_generic_as(kobjns__type(KOBJNS_TYPE_SECTION)->mapping, access);
}

/* Rights written as two-letter codes. Order matters for formatting (largest first); the generic
 * ones stand for the object type's mapping. */
enum { CODE_GA, CODE_GR, CODE_GW, CODE_GX, CODE_COUNT = 8 };
static const struct {
  char code[3];
  uint32_t mask;
} right_codes[CODE_COUNT] = {
    {"GA", 0},
    {"GR", 0},
    {"GW", 0},
    {"GX", 0},
    {"RC", KOBJNS__READ_CONTROL},
    {"SD", KOBJNS__DELETE},
    {"WD", KOBJNS__WRITE_DAC},
    {"WO", KOBJNS__WRITE_OWNER},
};

static uint32_t code_mask(const kobjns__generic_mapping *map, size_t k) {
  switch (k) {
    case CODE_GA: return map->all;
    case CODE_GR: return map->read;
    case CODE_GW: return map->write;
    case CODE_GX: return map->execute;
    default: return right_codes[k].mask;
  }
}

/* Trustees by alias and by SID string. */
static const struct {
  char alias[3];
  const char *sid;
  enum kobjns__trustee trustee;
} trustees[] = {
    {"WD", "S-1-1-0", KOBJNS__TRUSTEE_EVERYONE},    {"AU", "S-1-5-11", KOBJNS__TRUSTEE_AUTH_USERS},
    {"IU", "S-1-5-4", KOBJNS__TRUSTEE_INTERACTIVE}, {"SY", "S-1-5-18", KOBJNS__TRUSTEE_SYSTEM},
    {"BA", "S-1-5-32-544", KOBJNS__TRUSTEE_ADMINS}, {"OW", "S-1-3-4", KOBJNS__TRUSTEE_OWNER_RIGHTS},
};
#define UNIX_USER_SID_PREFIX "S-1-22-1-"  /* Samba's "Unix User" SIDs */
#define UNIX_GROUP_SID_PREFIX "S-1-22-2-" /* and "Unix Group" SIDs */

int kobjns__sid_parse(const char *s, size_t len, kobjns__ace *ace) {
  for (size_t i = 0; i < sizeof trustees / sizeof trustees[0]; i++) {
    if ((len == 2 && memcmp(s, trustees[i].alias, 2) == 0) ||
        (len == strlen(trustees[i].sid) && memcmp(s, trustees[i].sid, len) == 0)) {
      ace->trustee = (uint8_t)trustees[i].trustee;
      return 0;
    }
  }
  static const struct {
    const char *prefix;
    enum kobjns__trustee trustee;
  } unix_sids[] = {{UNIX_USER_SID_PREFIX, KOBJNS__TRUSTEE_USER},
                   {UNIX_GROUP_SID_PREFIX, KOBJNS__TRUSTEE_GROUP}};
  for (size_t i = 0; i < 2; i++) {
    size_t plen = strlen(unix_sids[i].prefix);
    uint32_t id;
    if (len > plen && memcmp(s, unix_sids[i].prefix, plen) == 0 &&
        kobjns__parse_u32(s + plen, len - plen, &id) && id != UINT32_MAX) {
      ace->trustee = (uint8_t)unix_sids[i].trustee;
      ace->id = id;
      return 0;
    }
  }
  return KOBJNS_INVALID_SID;
}

static int parse_rights(const kobjns__generic_mapping *map, const char *s, size_t len,
                        uint32_t *mask) {
  *mask = 0;
  if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    if (len > 10) return KOBJNS_INVALID_ACL;
    uint32_t v = 0;
    for (size_t i = 2; i < len; i++) {
      char c = s[i];
      unsigned d;
      if (c >= '0' && c <= '9')
        d = (unsigned)(c - '0');
      else if (c >= 'a' && c <= 'f')
        d = (unsigned)(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F')
        d = (unsigned)(c - 'A' + 10);
      else
        return KOBJNS_INVALID_ACL;
      v = v << 4 | d;
    }
    *mask = kobjns__map_generic_as(map, v);
    return 0;
  }
  if (len > 0 && s[0] >= '0' && s[0] <= '9') {
    uint32_t v;
    if (!kobjns__parse_u32(s, len, &v)) return KOBJNS_INVALID_ACL;
    *mask = kobjns__map_generic_as(map, v);
    return 0;
  }
  if (len % 2) return KOBJNS_INVALID_ACL;
  for (size_t i = 0; i < len; i += 2) {
    size_t k = 0;
    while (k < CODE_COUNT && memcmp(s + i, right_codes[k].code, 2)) k++;
    if (k == CODE_COUNT) return KOBJNS_INVALID_ACL;
    *mask |= code_mask(map, k);
  }
  return 0;
}

/* ACE flags: inheritance flags are accepted (they mean nothing for a section); an inherit-only
 * ACE does not apply to the object itself. Audit flags are refused. */
static int parse_ace_flags(const char *s, size_t len, bool *inherit_only) {
  *inherit_only = false;
  if (len % 2) return KOBJNS_INVALID_ACL;
  for (size_t i = 0; i < len; i += 2) {
    if (!memcmp(s + i, "IO", 2))
      *inherit_only = true;
    else if (memcmp(s + i, "CI", 2) && memcmp(s + i, "OI", 2) && memcmp(s + i, "NP", 2) &&
             memcmp(s + i, "ID", 2))
      return KOBJNS_INVALID_ACL;
  }
  return 0;
}

/* One "(type;flags;rights;guid;guid;sid)" starting after '(' and ending before ')'. */
static int parse_ace(const kobjns__generic_mapping *map, const char *s, size_t len,
                     kobjns__sd *sd) {
  const char *field[6];
  size_t flen[6];
  size_t n = 0, start = 0;
  for (size_t i = 0; i <= len; i++) {
    if (i == len || s[i] == ';') {
      if (n == 6) return KOBJNS_INVALID_ACL;
      field[n] = s + start;
      flen[n] = i - start;
      n++;
      start = i + 1;
    }
  }
  if (n != 6) return KOBJNS_INVALID_ACL;
  kobjns__ace ace = {0};
  if (flen[0] == 1 && field[0][0] == 'A')
    ace.deny = 0;
  else if (flen[0] == 1 && field[0][0] == 'D')
    ace.deny = 1;
  else
    return KOBJNS_INVALID_ACL;
  bool inherit_only;
  int rc = parse_ace_flags(field[1], flen[1], &inherit_only);
  if (rc) return rc;
  if ((rc = parse_rights(map, field[2], flen[2], &ace.mask))) return rc;
  if (flen[3] || flen[4]) return KOBJNS_INVALID_ACL; /* object ACEs are not for sections */
  if ((rc = kobjns__sid_parse(field[5], flen[5], &ace))) return rc;
  if (inherit_only) return 0;
  if (sd->count == KOBJNS__MAX_ACES) return KOBJNS_INVALID_ACL;
  sd->aces[sd->count++] = ace;
  return 0;
}

int kobjns__sddl_parse_as(const kobjns__generic_mapping *map, const char *sddl, kobjns__sd *out) {
  memset(out, 0, sizeof *out);
  if (sddl[0] != 'D' || sddl[1] != ':') {
    /* Owner (O:), group (G:) and SACL (S:) parts are not supported: refuse, never ignore. */
    bool sddl_part = (sddl[0] == 'O' || sddl[0] == 'G' || sddl[0] == 'S') && sddl[1] == ':';
    return sddl_part ? KOBJNS_INVALID_PARAMETER : KOBJNS_INVALID_ACL;
  }
  const char *p = sddl + 2;
  /* DACL flags. Protected/auto-inherit flags mean nothing without inheritance. */
  for (;;) {
    if (!strncmp(p, "NO_ACCESS_CONTROL", 17)) {
      out->null_dacl = 1;
      p += 17;
    } else if (!strncmp(p, "AR", 2) || !strncmp(p, "AI", 2)) {
      p += 2;
    } else if (*p == 'P') {
      p += 1;
    } else {
      break;
    }
  }
  while (*p == '(') {
    const char *end = strchr(p, ')');
    if (!end) return KOBJNS_INVALID_ACL;
    int rc = parse_ace(map, p + 1, (size_t)(end - p - 1), out);
    if (rc) return rc;
    p = end + 1;
  }
  if (*p) {
    bool sddl_part = (p[0] == 'O' || p[0] == 'G' || p[0] == 'S') && p[1] == ':';
    return sddl_part ? KOBJNS_INVALID_PARAMETER : KOBJNS_INVALID_ACL;
  }
  if (out->null_dacl && out->count) return KOBJNS_INVALID_ACL;
  return 0;
}

int kobjns__sddl_parse(const char *sddl, kobjns__sd *out) {
  return kobjns__sddl_parse_as(kobjns__type(KOBJNS_TYPE_SECTION)->mapping, sddl, out);
}

void kobjns__sd_default_as(const kobjns__generic_mapping *map, kobjns__sd *out,
                           uint32_t creator_uid) {
  memset(out, 0, sizeof *out);
  out->count = 3;
  out->aces[0] =
      (kobjns__ace){.trustee = KOBJNS__TRUSTEE_USER, .id = creator_uid, .mask = map->all};
  out->aces[1] = (kobjns__ace){.trustee = KOBJNS__TRUSTEE_SYSTEM, .mask = map->all};
  out->aces[2] = (kobjns__ace){.trustee = KOBJNS__TRUSTEE_ADMINS, .mask = map->all};
}

void kobjns__sd_default(kobjns__sd *out, uint32_t creator_uid) {
  kobjns__sd_default_as(kobjns__type(KOBJNS_TYPE_SECTION)->mapping, out, creator_uid);
}

bool kobjns__sd_valid(const kobjns__sd *sd) {
  if (sd->null_dacl > 1 || sd->count > KOBJNS__MAX_ACES || (sd->null_dacl && sd->count))
    return false;
  for (unsigned i = 0; i < sd->count; i++) {
    const kobjns__ace *a = &sd->aces[i];
    if (a->deny > 1 || a->trustee < KOBJNS__TRUSTEE_EVERYONE || a->trustee > KOBJNS__TRUSTEE_LAST ||
        (a->mask & KOBJNS__GENERIC_ALL_BITS))
      return false;
    /* The parser refuses uid and gid 4294967295 ((uid_t)-1, nobody's id): so does storage. */
    if ((a->trustee == KOBJNS__TRUSTEE_USER || a->trustee == KOBJNS__TRUSTEE_GROUP) &&
        a->id == UINT32_MAX)
      return false;
  }
  return true;
}

static size_t append(char *buf, size_t size, size_t at, const char *text) {
  size_t len = strlen(text);
  if (at < size) memcpy(buf + at, text, at + len < size ? len : size - at);
  return at + len;
}

/* Codes when they cover the mask exactly (overlapping codes allowed), else hex. */
static void format_rights(const kobjns__generic_mapping *map, uint32_t mask, char *out,
                          size_t size) {
  char codes[32] = "";
  uint32_t covered = 0;
  for (size_t k = 0; k < CODE_COUNT; k++) {
    uint32_t m = code_mask(map, k);
    if ((m & ~mask) == 0 && (m & ~covered)) {
      strcat(codes, right_codes[k].code);
      covered |= m;
    }
  }
  if (covered == mask && codes[0])
    snprintf(out, size, "%s", codes);
  else
    snprintf(out, size, "0x%x", (unsigned)mask);
}

void kobjns__sid_format(const kobjns__ace *a, char *out, size_t size) {
  if (size) out[0] = '\0';
  if (a->trustee == KOBJNS__TRUSTEE_USER || a->trustee == KOBJNS__TRUSTEE_GROUP) {
    snprintf(out, size, "%s%u",
             a->trustee == KOBJNS__TRUSTEE_USER ? UNIX_USER_SID_PREFIX : UNIX_GROUP_SID_PREFIX,
             (unsigned)a->id);
    return;
  }
  for (size_t k = 0; k < sizeof trustees / sizeof trustees[0]; k++)
    if (trustees[k].trustee == a->trustee) snprintf(out, size, "%.2s", trustees[k].alias);
}

size_t kobjns__sddl_format_as(const kobjns__generic_mapping *map, const kobjns__sd *sd, char *buf,
                              size_t size) {
  size_t at = append(buf, size, 0, sd->null_dacl ? "D:NO_ACCESS_CONTROL" : "D:");
  for (unsigned i = 0; i < sd->count; i++) {
    const kobjns__ace *a = &sd->aces[i];
    char rights[40], sid[40];
    format_rights(map, a->mask, rights, sizeof rights);
    kobjns__sid_format(a, sid, sizeof sid);
    char ace[160];
    snprintf(ace, sizeof ace, "(%s;;%s;;;%s)", a->deny ? "D" : "A", rights, sid);
    at = append(buf, size, at, ace);
  }
  if (size) buf[at < size ? at : size - 1] = '\0';
  return at;
}

size_t kobjns__sddl_format(const kobjns__sd *sd, char *buf, size_t size) {
  return kobjns__sddl_format_as(kobjns__type(KOBJNS_TYPE_SECTION)->mapping, sd, buf, size);
}

bool kobjns__token_matches(const kobjns__ace *a, uint32_t owner_uid, const kobjns__token *t) {
  switch ((enum kobjns__trustee)a->trustee) {
    case KOBJNS__TRUSTEE_EVERYONE:
    case KOBJNS__TRUSTEE_AUTH_USERS: return true;
    case KOBJNS__TRUSTEE_INTERACTIVE: return t->session != 0;
    case KOBJNS__TRUSTEE_SYSTEM:
    case KOBJNS__TRUSTEE_ADMINS: return t->admin;
    case KOBJNS__TRUSTEE_OWNER_RIGHTS: return t->uid == owner_uid;
    case KOBJNS__TRUSTEE_USER: return t->uid == a->id;
    case KOBJNS__TRUSTEE_GROUP:
      for (size_t i = 0; i < t->ngroups; i++)
        if (t->groups[i] == a->id) return true;
      return false;
  }
  return false;
}

int kobjns__access_check(const kobjns__sd *sd, uint32_t owner_uid, const kobjns__token *token,
                         uint32_t desired) {
  if (sd->null_dacl) return 0;
  uint32_t remaining = desired;
  bool owner_rights_ace = false;
  for (unsigned i = 0; i < sd->count; i++)
    owner_rights_ace |= sd->aces[i].trustee == KOBJNS__TRUSTEE_OWNER_RIGHTS;
  /* The owner may always read and change the descriptor, unless an OWNER RIGHTS ACE says. */
  if (token->uid == owner_uid && !owner_rights_ace)
    remaining &= ~(KOBJNS__READ_CONTROL | KOBJNS__WRITE_DAC);
  for (unsigned i = 0; i < sd->count && remaining; i++) {
    const kobjns__ace *a = &sd->aces[i];
    if (!kobjns__token_matches(a, owner_uid, token)) continue;
    if (a->deny) {
      if (a->mask & remaining) return KOBJNS_ACCESS_DENIED;
    } else {
      remaining &= ~a->mask;
    }
  }
  return remaining ? KOBJNS_ACCESS_DENIED : 0;
}
