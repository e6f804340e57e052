/* Security descriptors for the facade: ConvertStringSecurityDescriptorToSecurityDescriptor makes
 * a self-relative descriptor that carries its SDDL text (what kobjns_section_create takes);
 * InitializeSecurityDescriptor + SetSecurityDescriptorDacl make the classic absolute one, whose
 * NULL DACL means "everyone". SIDs (what a boundary takes): from their string form, well-known
 * ones, from an authority and sub-authorities, back to text, compared, copied. Also UTF-16 ->
 * UTF-8 and LocalFree. */
#include <errno.h>
#include <grp.h>
#include <pthread.h>
#include <pwd.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "facade.h"

/* Our self-relative descriptors: the header, then this tag and the NUL-terminated SDDL. Foreign
 * code reading the header sees no owner, group or ACL. */
static const char tag[8] = "kobjnsSD";

typedef struct converted {
  SECURITY_DESCRIPTOR_RELATIVE header;
  char tag[8];
  char sddl[];
} converted;

/* Blocks handed out for LocalFree: the facade must not free what it did not allocate. */
static pthread_mutex_t blocks_lock = PTHREAD_MUTEX_INITIALIZER;
static void **blocks;
static size_t block_count;

static bool remember(void *p) {
  pthread_mutex_lock(&blocks_lock);
  void **grown = realloc(blocks, (block_count + 1) * sizeof *blocks);
  if (grown) {
    blocks = grown;
    blocks[block_count++] = p;
  }
  pthread_mutex_unlock(&blocks_lock);
  return grown != NULL;
}

/* Library unload: the list of blocks goes once none is still out. */
__attribute__((destructor)) static void blocks_unload(void) {
  if (block_count) return;
  free(blocks);
  blocks = NULL;
}

static bool forget(void *p) {
  bool found = false;
  pthread_mutex_lock(&blocks_lock);
  for (size_t i = 0; i < block_count && !found; i++)
    if (blocks[i] == p) {
      blocks[i] = blocks[--block_count];
      found = true;
    }
  pthread_mutex_unlock(&blocks_lock);
  return found;
}

KOBJNS_WIN32_API HLOCAL WINAPI LocalFree(HLOCAL mem) {
  if (!mem) return NULL;
  if (!forget(mem)) { /* not ours: Windows answers with the block and ERROR_INVALID_HANDLE */
    SetLastError(ERROR_INVALID_HANDLE);
    return mem;
  }
  free(mem);
  return NULL;
}

static BOOL convert(const char *sddl, DWORD revision, PSECURITY_DESCRIPTOR *out, ULONG *size) {
  if (!sddl || !out) {
    SetLastError(ERROR_INVALID_PARAMETER);
    return FALSE;
  }
  if (revision != SDDL_REVISION_1) {
    SetLastError(ERROR_UNKNOWN_REVISION);
    return FALSE;
  }
  int rc = kobjns_sddl_check(sddl);
  if (rc) {
    SetLastError((DWORD)rc);
    return FALSE;
  }
  size_t len = strlen(sddl) + 1, total = sizeof(converted) + len;
  converted *c = calloc(1, total);
  if (!c || !remember(c)) {
    free(c);
    SetLastError(ERROR_NOT_ENOUGH_MEMORY);
    return FALSE;
  }
  c->header.Revision = SECURITY_DESCRIPTOR_REVISION;
  c->header.Control = SE_SELF_RELATIVE;
  memcpy(c->tag, tag, sizeof tag);
  memcpy(c->sddl, sddl, len);
  *out = c;
  if (size) *size = (ULONG)total;
  return TRUE;
}

KOBJNS_WIN32_API BOOL WINAPI ConvertStringSecurityDescriptorToSecurityDescriptorA(
    LPCSTR sddl, DWORD revision, PSECURITY_DESCRIPTOR *out, PULONG size) {
  return convert(sddl, revision, out, size);
}

KOBJNS_WIN32_API BOOL WINAPI ConvertStringSecurityDescriptorToSecurityDescriptorW(
    LPCWSTR sddl, DWORD revision, PSECURITY_DESCRIPTOR *out, PULONG size) {
  char *utf8 = NULL;
  int rc = sddl ? kobjns__facade_utf8(sddl, &utf8) : 0;
  if (rc) {
    SetLastError((DWORD)rc);
    return FALSE;
  }
  BOOL ok = convert(utf8, revision, out, size);
  free(utf8);
  return ok;
}

/* --- SIDs: the well-known ones, and from their string form (what a boundary takes) ----------- */

/* Accounts' domains and uses, as the table below names them. SidTypeLabel (10) is Windows', which
 * Wine 8's winnt.h does not have. */
#define NT_GROUP "NT AUTHORITY", SidTypeWellKnownGroup
#define NO_DOMAIN_GROUP "", SidTypeWellKnownGroup
#define LABEL "Mandatory Label", (SID_NAME_USE)10

/* The well-known SIDs that need no domain: their authority and sub-authorities (Microsoft's
 * "Well-known SIDs"), and the account LookupAccountSid names (an English Windows' names; NULL:
 * none here). A domain's (WinAccount...) and a logon session's are not made here. */
static const struct {
  WELL_KNOWN_SID_TYPE type;
  BYTE authority, count;
  DWORD sub[2];
  const char *name, *domain;
  SID_NAME_USE use;
} well_known[] = {
    {WinNullSid, 0, 1, {0}, "NULL SID", NO_DOMAIN_GROUP},
    {WinWorldSid, 1, 1, {0}, "Everyone", NO_DOMAIN_GROUP},
    {WinLocalSid, 2, 1, {0}, "LOCAL", NO_DOMAIN_GROUP},
    {WinCreatorOwnerSid, 3, 1, {0}, "CREATOR OWNER", NO_DOMAIN_GROUP},
    {WinCreatorGroupSid, 3, 1, {1}, "CREATOR GROUP", NO_DOMAIN_GROUP},
    {WinCreatorOwnerServerSid, 3, 1, {2}, "CREATOR OWNER SERVER", NO_DOMAIN_GROUP},
    {WinCreatorGroupServerSid, 3, 1, {3}, "CREATOR GROUP SERVER", NO_DOMAIN_GROUP},
    {WinCreatorOwnerRightsSid, 3, 1, {4}, "OWNER RIGHTS", NO_DOMAIN_GROUP},
    {WinNtAuthoritySid, 5, 0, {0}, NULL, NULL, SidTypeUnknown},
    {WinDialupSid, 5, 1, {1}, "DIALUP", NT_GROUP},
    {WinNetworkSid, 5, 1, {2}, "NETWORK", NT_GROUP},
    {WinBatchSid, 5, 1, {3}, "BATCH", NT_GROUP},
    {WinInteractiveSid, 5, 1, {4}, "INTERACTIVE", NT_GROUP},
    {WinServiceSid, 5, 1, {6}, "SERVICE", NT_GROUP},
    {WinAnonymousSid, 5, 1, {7}, "ANONYMOUS LOGON", NT_GROUP},
    {WinProxySid, 5, 1, {8}, "PROXY", NT_GROUP},
    {WinEnterpriseControllersSid, 5, 1, {9}, "ENTERPRISE DOMAIN CONTROLLERS", NT_GROUP},
    {WinSelfSid, 5, 1, {10}, "SELF", NT_GROUP},
    {WinAuthenticatedUserSid, 5, 1, {11}, "Authenticated Users", NT_GROUP},
    {WinRestrictedCodeSid, 5, 1, {12}, "RESTRICTED", NT_GROUP},
    {WinTerminalServerSid, 5, 1, {13}, "TERMINAL SERVER USER", NT_GROUP},
    {WinRemoteLogonIdSid, 5, 1, {14}, "REMOTE INTERACTIVE LOGON", NT_GROUP},
    {WinLocalSystemSid, 5, 1, {18}, "SYSTEM", NT_GROUP},
    {WinLocalServiceSid, 5, 1, {19}, "LOCAL SERVICE", NT_GROUP},
    {WinNetworkServiceSid, 5, 1, {20}, "NETWORK SERVICE", NT_GROUP},
    {WinBuiltinDomainSid, 5, 1, {32}, "BUILTIN", "BUILTIN", SidTypeDomain},
    {WinBuiltinAdministratorsSid, 5, 2, {32, 544}, "Administrators", "BUILTIN", SidTypeAlias},
    {WinBuiltinUsersSid, 5, 2, {32, 545}, "Users", "BUILTIN", SidTypeAlias},
    {WinBuiltinGuestsSid, 5, 2, {32, 546}, "Guests", "BUILTIN", SidTypeAlias},
    {WinUntrustedLabelSid, 16, 1, {0}, "Untrusted Mandatory Level", LABEL},
    {WinLowLabelSid, 16, 1, {4096}, "Low Mandatory Level", LABEL},
    {WinMediumLabelSid, 16, 1, {8192}, "Medium Mandatory Level", LABEL},
    {WinHighLabelSid, 16, 1, {12288}, "High Mandatory Level", LABEL},
    {WinSystemLabelSid, 16, 1, {16384}, "System Mandatory Level", LABEL},
};

/* The well-known SID `type` into `out` (NULL: only its length): its length, or 0 (not one of
 * the table's). */
static DWORD well_known_sid(WELL_KNOWN_SID_TYPE type, SID *out) {
  for (size_t i = 0; i < sizeof well_known / sizeof well_known[0]; i++) {
    if (well_known[i].type != type) continue;
    if (out) {
      out->Revision = SID_REVISION;
      out->SubAuthorityCount = well_known[i].count;
      memset(out->IdentifierAuthority.Value, 0, 6);
      out->IdentifierAuthority.Value[5] = well_known[i].authority;
      memcpy(out->SubAuthority, well_known[i].sub, well_known[i].count * sizeof(DWORD));
    }
    return (DWORD)(offsetof(SID, SubAuthority) + well_known[i].count * sizeof(DWORD));
  }
  return 0;
}

/* The SDDL aliases of the SIDs kobjns knows: well-known SIDs. */
static const struct {
  char alias[3];
  WELL_KNOWN_SID_TYPE type;
} sid_aliases[] = {{"WD", WinWorldSid},
                   {"AU", WinAuthenticatedUserSid},
                   {"IU", WinInteractiveSid},
                   {"SY", WinLocalSystemSid},
                   {"BA", WinBuiltinAdministratorsSid},
                   {"OW", WinCreatorOwnerRightsSid}};

/* A SID of `len` bytes for LocalFree, or NULL with ERROR_NOT_ENOUGH_MEMORY. */
static SID *sid_for_local_free(size_t len) {
  SID *sid = calloc(1, len);
  if (!sid || !remember(sid)) {
    free(sid);
    SetLastError(ERROR_NOT_ENOUGH_MEMORY);
    return NULL;
  }
  return sid;
}

/* One decimal field of at most `max`, or the 48-bit authority in hex ("0x" and 12 digits): the
 * end of it in *end, or NULL. */
static const char *sid_field(const char *s, unsigned long long max, bool hex_ok,
                             unsigned long long *v) {
  *v = 0;
  if (hex_ok && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    int n = 0;
    for (s += 2; n < 12 &&
                 ((*s >= '0' && *s <= '9') || (*s >= 'A' && *s <= 'F') || (*s >= 'a' && *s <= 'f'));
         s++, n++)
      *v = *v << 4 | (unsigned)(*s <= '9' ? *s - '0' : (*s | 0x20) - 'a' + 10);
    return n == 12 ? s : NULL;
  }
  const char *start = s;
  for (; *s >= '0' && *s <= '9' && s - start < 20; s++) {
    *v = *v * 10 + (unsigned)(*s - '0');
    if (*v > max) return NULL;
  }
  return s > start ? s : NULL;
}

/* `text` ("S-1-<authority>-<sub>...", up to 15 subauthorities, or an alias above) as a binary
 * SID for LocalFree: TRUE, or FALSE with the last error (ERROR_INVALID_SID, 87, 8). */
static BOOL string_to_sid(const char *text, PSID *out) {
  if (!text || !out) {
    SetLastError(ERROR_INVALID_PARAMETER);
    return FALSE;
  }
  *out = NULL;
  for (size_t i = 0; i < sizeof sid_aliases / sizeof sid_aliases[0]; i++) {
    if (strcmp(text, sid_aliases[i].alias)) continue;
    SID *sid = sid_for_local_free(well_known_sid(sid_aliases[i].type, NULL));
    if (sid) well_known_sid(sid_aliases[i].type, sid);
    *out = sid;
    return sid != NULL;
  }
  unsigned long long authority, sub[SID_MAX_SUB_AUTHORITIES];
  const char *p = strncmp(text, "S-1-", 4) && strncmp(text, "s-1-", 4) ? NULL : text + 4;
  if (p) p = sid_field(p, 0xFFFFFFFFull, true, &authority);
  BYTE count = 0;
  while (p && *p == '-' && count < SID_MAX_SUB_AUTHORITIES)
    p = sid_field(p + 1, 0xFFFFFFFFull, false, &sub[count++]);
  if (!p || *p) {
    SetLastError(ERROR_INVALID_SID);
    return FALSE;
  }
  SID *sid = sid_for_local_free(offsetof(SID, SubAuthority) + count * sizeof(DWORD));
  if (!sid) return FALSE;
  sid->Revision = SID_REVISION;
  sid->SubAuthorityCount = count;
  for (int i = 0; i < 6; i++) sid->IdentifierAuthority.Value[i] = (BYTE)(authority >> (40 - 8 * i));
  for (BYTE i = 0; i < count; i++) sid->SubAuthority[i] = (DWORD)sub[i];
  *out = sid;
  return TRUE;
}

KOBJNS_WIN32_API BOOL WINAPI ConvertStringSidToSidA(LPCSTR text, PSID *out) {
  return string_to_sid(text, out);
}

KOBJNS_WIN32_API BOOL WINAPI ConvertStringSidToSidW(LPCWSTR text, PSID *out) {
  char *utf8 = NULL;
  int rc = text ? kobjns__facade_utf8(text, &utf8) : 0;
  if (rc) {
    SetLastError((DWORD)rc);
    return FALSE;
  }
  BOOL ok = string_to_sid(utf8, out);
  free(utf8);
  return ok;
}

/* --- SIDs as data: what programs build boundaries and descriptors with ------------------------ */

/* Whether `sid` is one (revision 1, at most 15 sub-authorities): the length it says, or 0. */
static DWORD sid_length(const SID *sid) {
  if (!sid || sid->Revision != SID_REVISION || sid->SubAuthorityCount > SID_MAX_SUB_AUTHORITIES)
    return 0;
  return (DWORD)(offsetof(SID, SubAuthority) + sid->SubAuthorityCount * sizeof(DWORD));
}

DWORD kobjns__facade_sid_text(const void *psid, char out[KOBJNS__FACADE_SID_TEXT_MAX]) {
  const SID *sid = psid;
  if (!sid_length(sid)) return ERROR_INVALID_SID;
  const BYTE *a = sid->IdentifierAuthority.Value;
  unsigned long long authority = 0;
  for (int i = 0; i < 6; i++) authority = authority << 8 | a[i];
  size_t size = KOBJNS__FACADE_SID_TEXT_MAX;
  int at = authority >> 32 ? snprintf(out, size, "S-1-0x%012llX", authority)
                           : snprintf(out, size, "S-1-%llu", authority);
  for (BYTE i = 0; i < sid->SubAuthorityCount; i++)
    at += snprintf(out + at, size - (size_t)at, "-%lu", (unsigned long)sid->SubAuthority[i]);
  return 0;
}

KOBJNS_WIN32_API BOOL WINAPI IsValidSid(PSID sid) { return sid_length(sid) != 0; }

/* The length of a valid SID (Windows does not check: for an invalid one, 0 here). */
KOBJNS_WIN32_API DWORD WINAPI GetLengthSid(PSID sid) { return sid_length(sid); }

KOBJNS_WIN32_API BOOL WINAPI EqualSid(PSID a, PSID b) {
  DWORD len = sid_length(a);
  SetLastError(ERROR_SUCCESS);
  return len && len == sid_length(b) && !memcmp(a, b, len);
}

KOBJNS_WIN32_API BOOL WINAPI CopySid(DWORD size, PSID to, PSID from) {
  DWORD len = sid_length(from);
  if (!len || !to) {
    SetLastError(len ? ERROR_INVALID_PARAMETER : ERROR_INVALID_SID);
    return FALSE;
  }
  if (size < len) {
    SetLastError(ERROR_INSUFFICIENT_BUFFER);
    return FALSE;
  }
  memmove(to, from, len);
  return TRUE;
}

/* Prefixes (all but the last sub-authority) of two SIDs of one length: every part compared. */
KOBJNS_WIN32_API BOOL WINAPI EqualPrefixSid(PSID a, PSID b) {
  const SID *x = a, *y = b;
  SetLastError(ERROR_SUCCESS);
  if (!sid_length(x) || !sid_length(y) || x->SubAuthorityCount != y->SubAuthorityCount ||
      memcmp(&x->IdentifierAuthority, &y->IdentifierAuthority, sizeof x->IdentifierAuthority))
    return FALSE;
  BYTE prefix = x->SubAuthorityCount ? (BYTE)(x->SubAuthorityCount - 1) : 0;
  return !memcmp(x->SubAuthority, y->SubAuthority, prefix * sizeof(DWORD));
}

/* --- a SID's parts: how programs walk one (Microsoft's GetTextualSid sample, integrity levels).
 * Windows documents the result of a call on an invalid SID, or an index past the last
 * sub-authority, as undefined (its own reads past the SID); here it is NULL with
 * ERROR_INVALID_SID or ERROR_INVALID_PARAMETER, and a success clears the last error, as there. */

KOBJNS_WIN32_API DWORD WINAPI GetSidLengthRequired(UCHAR count) {
  return (DWORD)(offsetof(SID, SubAuthority) + count * sizeof(DWORD));
}

/* Revision, count and authority; the sub-authorities are the caller's to write (not zeroed). */
KOBJNS_WIN32_API BOOL WINAPI InitializeSid(PSID psid, PSID_IDENTIFIER_AUTHORITY authority,
                                           BYTE count) {
  SID *sid = psid;
  if (!sid || !authority || count > SID_MAX_SUB_AUTHORITIES) {
    SetLastError(ERROR_INVALID_PARAMETER);
    return FALSE;
  }
  sid->Revision = SID_REVISION;
  sid->SubAuthorityCount = count;
  sid->IdentifierAuthority = *authority;
  return TRUE;
}

/* The part of `psid`, or NULL with its error (see above). */
static SID *valid_sid(PSID psid) {
  if (!sid_length(psid)) {
    SetLastError(ERROR_INVALID_SID);
    return NULL;
  }
  SetLastError(ERROR_SUCCESS);
  return psid;
}

KOBJNS_WIN32_API PSID_IDENTIFIER_AUTHORITY WINAPI GetSidIdentifierAuthority(PSID psid) {
  SID *sid = valid_sid(psid);
  return sid ? &sid->IdentifierAuthority : NULL;
}

KOBJNS_WIN32_API PUCHAR WINAPI GetSidSubAuthorityCount(PSID psid) {
  SID *sid = valid_sid(psid);
  return sid ? &sid->SubAuthorityCount : NULL;
}

KOBJNS_WIN32_API PDWORD WINAPI GetSidSubAuthority(PSID psid, DWORD index) {
  SID *sid = valid_sid(psid);
  if (sid && index >= sid->SubAuthorityCount) {
    SetLastError(ERROR_INVALID_PARAMETER);
    return NULL;
  }
  return sid ? &sid->SubAuthority[index] : NULL;
}

/* A SID of `count` sub-authorities (1 to 8) for FreeSid. */
KOBJNS_WIN32_API BOOL WINAPI AllocateAndInitializeSid(PSID_IDENTIFIER_AUTHORITY authority,
                                                      BYTE count, DWORD s0, DWORD s1, DWORD s2,
                                                      DWORD s3, DWORD s4, DWORD s5, DWORD s6,
                                                      DWORD s7, PSID *out) {
  if (!authority || !out || count < 1 || count > 8) {
    SetLastError(ERROR_INVALID_PARAMETER);
    return FALSE;
  }
  SID *sid = malloc(offsetof(SID, SubAuthority) + count * sizeof(DWORD));
  if (!sid) {
    SetLastError(ERROR_NOT_ENOUGH_MEMORY);
    return FALSE;
  }
  const DWORD sub[8] = {s0, s1, s2, s3, s4, s5, s6, s7};
  sid->Revision = SID_REVISION;
  sid->SubAuthorityCount = count;
  sid->IdentifierAuthority = *authority;
  memcpy(sid->SubAuthority, sub, count * sizeof(DWORD));
  *out = sid;
  return TRUE;
}

/* What AllocateAndInitializeSid gave: NULL. */
KOBJNS_WIN32_API PVOID WINAPI FreeSid(PSID sid) {
  free(sid);
  return NULL;
}

/* Into sid[*size]: TRUE, or FALSE with ERROR_INSUFFICIENT_BUFFER and the size it needs in *size
 * (how a program asks), or ERROR_INVALID_PARAMETER (a type that needs a domain, or none). */
KOBJNS_WIN32_API BOOL WINAPI CreateWellKnownSid(WELL_KNOWN_SID_TYPE type, PSID domain, PSID sid,
                                                DWORD *size) {
  (void)domain; /* only for the domain's SIDs, which are not made here */
  if (!size) {
    SetLastError(ERROR_INVALID_PARAMETER);
    return FALSE;
  }
  DWORD len = well_known_sid(type, NULL);
  if (!len) {
    SetLastError(ERROR_INVALID_PARAMETER);
    return FALSE;
  }
  if (!sid || *size < len) {
    *size = len;
    SetLastError(ERROR_INSUFFICIENT_BUFFER);
    return FALSE;
  }
  *size = well_known_sid(type, sid);
  return TRUE;
}

/* The string form, for LocalFree: bytes, or UTF-16 units when `wide` (ASCII: one a byte). */
static BOOL sid_string(PSID sid, void **out, bool wide) {
  char text[KOBJNS__FACADE_SID_TEXT_MAX];
  DWORD error = !out ? ERROR_INVALID_PARAMETER : kobjns__facade_sid_text(sid, text);
  size_t units = error ? 0 : strlen(text);
  void *copy = error ? NULL : calloc(units + 1, wide ? sizeof(WCHAR) : 1);
  if (!error && (!copy || !remember(copy))) error = ERROR_NOT_ENOUGH_MEMORY;
  if (error) {
    free(copy);
    SetLastError(error);
    return FALSE;
  }
  if (wide)
    kobjns__facade_utf16(text, copy, units + 1, &units);
  else
    memcpy(copy, text, units + 1);
  *out = copy;
  return TRUE;
}

KOBJNS_WIN32_API BOOL WINAPI ConvertSidToStringSidA(PSID sid, LPSTR *out) {
  return sid_string(sid, (void **)out, false);
}

KOBJNS_WIN32_API BOOL WINAPI ConvertSidToStringSidW(PSID sid, LPWSTR *out) {
  return sid_string(sid, (void **)out, true);
}

/* --- accounts: LookupAccountSid, LookupAccountName ----------------------------------------
 * A well-known SID's account is the table's (an English Windows' names); a POSIX user's or
 * group's (S-1-22-1-<uid>, S-1-22-2-<gid>: the SIDs kobjns's descriptors name them by) is the
 * account database's, in the domains "Unix User" and "Unix Group" (Samba's names for these SIDs).
 * Any other SID or name is ERROR_NONE_MAPPED, Windows' answer for what no authority knows. */

typedef struct account {
  char *name; /* malloc'd */
  const char *domain;
  SID_NAME_USE use;
} account;

/* The POSIX user (or group) by `name`, or by `id` when `name` is NULL: its name (malloc'd) into
 * *name_out, its id into *id_out (either may be NULL). 0, ERROR_NONE_MAPPED (none, or the
 * database failed), or ERROR_NOT_ENOUGH_MEMORY. The buffer grows while the entry does not fit (a
 * group of many members). */
static DWORD unix_lookup(bool user, const char *name, DWORD id, char **name_out, DWORD *id_out) {
  long hint = sysconf(user ? _SC_GETPW_R_SIZE_MAX : _SC_GETGR_R_SIZE_MAX);
  size_t size = hint > 0 ? (size_t)hint : 1024;
  for (;;) {
    char *buffer = malloc(size);
    if (!buffer) return ERROR_NOT_ENOUGH_MEMORY;
    struct passwd pw, *pp = NULL;
    struct group gr, *gp = NULL;
    int err = user   ? name ? getpwnam_r(name, &pw, buffer, size, &pp)
                            : getpwuid_r((uid_t)id, &pw, buffer, size, &pp)
                : name ? getgrnam_r(name, &gr, buffer, size, &gp)
                     : getgrgid_r((gid_t)id, &gr, buffer, size, &gp);
    if (!pp && !gp && err == ERANGE && size < (1u << 20)) {
      free(buffer);
      size *= 2;
      continue;
    }
    DWORD rc = pp || gp ? 0 : ERROR_NONE_MAPPED;
    if (!rc && id_out) *id_out = pp ? (DWORD)pp->pw_uid : (DWORD)gp->gr_gid;
    if (!rc && name_out && !(*name_out = strdup(pp ? pp->pw_name : gp->gr_name)))
      rc = ERROR_NOT_ENOUGH_MEMORY;
    free(buffer);
    return rc;
  }
}

static DWORD account_of(const SID *sid, account *out) {
  DWORD len = sid_length(sid);
  if (!len) return ERROR_INVALID_SID;
  BYTE known[SECURITY_MAX_SID_SIZE];
  for (size_t i = 0; i < sizeof well_known / sizeof well_known[0]; i++) {
    if (!well_known[i].name || well_known_sid(well_known[i].type, (SID *)known) != len ||
        memcmp(known, sid, len))
      continue;
    if (!(out->name = strdup(well_known[i].name))) return ERROR_NOT_ENOUGH_MEMORY;
    out->domain = well_known[i].domain;
    out->use = well_known[i].use;
    return 0;
  }
  static const BYTE unix_authority[6] = {0, 0, 0, 0, 0, 22};
  if (sid->SubAuthorityCount != 2 || memcmp(sid->IdentifierAuthority.Value, unix_authority, 6) ||
      (sid->SubAuthority[0] != 1 && sid->SubAuthority[0] != 2))
    return ERROR_NONE_MAPPED;
  bool user = sid->SubAuthority[0] == 1;
  out->domain = user ? "Unix User" : "Unix Group";
  out->use = user ? SidTypeUser : SidTypeGroup;
  return unix_lookup(user, NULL, sid->SubAuthority[1], &out->name, NULL);
}

/* Whether `system` names this machine: none, empty, or its host name (with or without "\\"). */
static bool this_machine(const char *system) {
  if (!system || !*system) return true;
  if (system[0] == '\\' && system[1] == '\\') system += 2;
  char host[256];
  if (gethostname(host, sizeof host) != 0) return false;
  host[sizeof host - 1] = '\0';
  return !strcasecmp(system, host);
}

/* A string's length in the caller's units (bytes, or UTF-16 units when `wide`): 0, or
 * ERROR_NONE_MAPPED for no UTF-8 (a name from the user database). */
static DWORD text_units(const char *text, bool wide, size_t *units) {
  if (!wide) {
    *units = strlen(text);
    return 0;
  }
  return kobjns__facade_utf16(text, NULL, 0, units) ? ERROR_NONE_MAPPED : 0;
}

/* `text`, `units` long, and its NUL into `buffer` (NULL: skipped, as Windows does). */
static void put_text(const char *text, size_t units, void *buffer, bool wide) {
  if (buffer && wide)
    kobjns__facade_utf16(text, buffer, units + 1, &units);
  else if (buffer)
    memcpy(buffer, text, units + 1);
}

/* A W function's system name as UTF-8 (NULL stays NULL): true, or false with
 * RPC_S_SERVER_UNAVAILABLE (no machine has a name that is no UTF-16). */
static bool system_utf8(LPCWSTR system, char **out) {
  *out = NULL;
  if (!system || !kobjns__facade_utf8(system, out)) return true;
  SetLastError(RPC_S_SERVER_UNAVAILABLE);
  return false;
}

/* LookupAccountSid's answer for `system` and `sid` into the caller's buffers, whose units are
 * bytes (A) or UTF-16 units (W): both fit (with their NULs), each size then says its length; or
 * FALSE with ERROR_INSUFFICIENT_BUFFER and each size the units it needs, NUL included. A NULL
 * buffer whose size is big enough is skipped, as Windows does. */
static BOOL lookup_account_sid(const char *system, PSID sid, void *name, DWORD *name_size,
                               void *domain, DWORD *domain_size, SID_NAME_USE *use, bool wide) {
  if (!name_size || !domain_size || !use) {
    SetLastError(ERROR_INVALID_PARAMETER);
    return FALSE;
  }
  if (!this_machine(system)) {
    SetLastError(RPC_S_SERVER_UNAVAILABLE); /* no other machine's authority is asked */
    return FALSE;
  }
  account a = {NULL, NULL, SidTypeUnknown};
  DWORD error = account_of(sid, &a);
  size_t units[2] = {0, 0};
  const char *text[2] = {a.name, a.domain};
  for (int i = 0; i < 2 && !error; i++) error = text_units(text[i], wide, &units[i]);
  DWORD *sizes[2] = {name_size, domain_size};
  void *buffers[2] = {name, domain};
  if (!error && (units[0] >= *name_size || units[1] >= *domain_size)) {
    for (int i = 0; i < 2; i++) *sizes[i] = (DWORD)units[i] + 1;
    error = ERROR_INSUFFICIENT_BUFFER;
  }
  for (int i = 0; i < 2 && !error; i++) {
    put_text(text[i], units[i], buffers[i], wide);
    *sizes[i] = (DWORD)units[i];
  }
  free(a.name);
  if (error) {
    SetLastError(error);
    return FALSE;
  }
  *use = a.use;
  return TRUE;
}

KOBJNS_WIN32_API BOOL WINAPI LookupAccountSidA(LPCSTR system, PSID sid, LPSTR name,
                                               LPDWORD name_size, LPSTR domain, LPDWORD domain_size,
                                               PSID_NAME_USE use) {
  return lookup_account_sid(system, sid, name, name_size, domain, domain_size, use, false);
}

KOBJNS_WIN32_API BOOL WINAPI LookupAccountSidW(LPCWSTR system, PSID sid, LPWSTR name,
                                               LPDWORD name_size, LPWSTR domain,
                                               LPDWORD domain_size, PSID_NAME_USE use) {
  char *narrow;
  if (!system_utf8(system, &narrow)) return FALSE;
  BOOL ok = lookup_account_sid(narrow, sid, name, name_size, domain, domain_size, use, true);
  free(narrow);
  return ok;
}

/* The SID of account `text`, "name" or "domain\name" (case-insensitive, as Windows compares
 * them): a well-known account first (so "Users" is BUILTIN's; "Unix Group\users" names the
 * POSIX group), then a POSIX user, then a group. 0 with *sid (malloc'd), *domain and *use;
 * ERROR_NONE_MAPPED; or ERROR_NOT_ENOUGH_MEMORY. */
static DWORD sid_of_account(const char *text, SID **sid, const char **domain, SID_NAME_USE *use) {
  const char *slash = strchr(text, '\\');
  const char *name = slash ? slash + 1 : text;
  size_t domain_len = slash ? (size_t)(slash - text) : 0;
#define IN_DOMAIN(d) (!slash || (strlen(d) == domain_len && !strncasecmp(text, d, domain_len)))
  for (size_t i = 0; i < sizeof well_known / sizeof well_known[0]; i++) {
    if (!well_known[i].name || strcasecmp(name, well_known[i].name) ||
        !IN_DOMAIN(well_known[i].domain))
      continue;
    if (!(*sid = malloc(well_known_sid(well_known[i].type, NULL)))) return ERROR_NOT_ENOUGH_MEMORY;
    well_known_sid(well_known[i].type, *sid);
    *domain = well_known[i].domain;
    *use = well_known[i].use;
    return 0;
  }
  for (int user = 1; user >= 0; user--) {
    const char *unix_domain = user ? "Unix User" : "Unix Group";
    if (!*name || !IN_DOMAIN(unix_domain)) continue;
    DWORD id;
    DWORD rc = unix_lookup(user, name, 0, NULL, &id);
    if (rc == ERROR_NONE_MAPPED) continue;
    if (rc) return rc;
    if (!(*sid = malloc(GetSidLengthRequired(2)))) return ERROR_NOT_ENOUGH_MEMORY;
    SID_IDENTIFIER_AUTHORITY unix_authority = {{0, 0, 0, 0, 0, 22}};
    InitializeSid(*sid, &unix_authority, 2);
    (*sid)->SubAuthority[0] = user ? 1 : 2;
    (*sid)->SubAuthority[1] = id;
    *domain = unix_domain;
    *use = user ? SidTypeUser : SidTypeGroup;
    return 0;
  }
#undef IN_DOMAIN
  return ERROR_NONE_MAPPED;
}

/* LookupAccountName's answer, with LookupAccountSid's protocol: the SID (bytes) and the domain
 * (bytes or UTF-16 units) both fit, each size then says its length (the domain's without its
 * NUL); or FALSE with ERROR_INSUFFICIENT_BUFFER and each size what it needs. */
static BOOL lookup_account_name(const char *system, const char *text, PSID sid, DWORD *sid_size,
                                void *domain, DWORD *domain_size, SID_NAME_USE *use, bool wide) {
  if (!text || !sid_size || !domain_size || !use) {
    SetLastError(ERROR_INVALID_PARAMETER);
    return FALSE;
  }
  if (!this_machine(system)) {
    SetLastError(RPC_S_SERVER_UNAVAILABLE);
    return FALSE;
  }
  SID *found = NULL;
  const char *found_domain = NULL;
  SID_NAME_USE found_use = SidTypeUnknown;
  DWORD error = sid_of_account(text, &found, &found_domain, &found_use);
  DWORD length = error ? 0 : sid_length(found);
  size_t units = 0;
  if (!error) error = text_units(found_domain, wide, &units);
  if (!error && (length > *sid_size || units >= *domain_size)) {
    *sid_size = length;
    *domain_size = (DWORD)units + 1;
    error = ERROR_INSUFFICIENT_BUFFER;
  }
  if (!error) {
    if (sid) memcpy(sid, found, length);
    put_text(found_domain, units, domain, wide);
    *sid_size = length;
    *domain_size = (DWORD)units;
    *use = found_use;
  }
  free(found);
  if (error) SetLastError(error);
  return !error;
}

KOBJNS_WIN32_API BOOL WINAPI LookupAccountNameA(LPCSTR system, LPCSTR name, PSID sid,
                                                LPDWORD sid_size, LPSTR domain, LPDWORD domain_size,
                                                PSID_NAME_USE use) {
  return lookup_account_name(system, name, sid, sid_size, domain, domain_size, use, false);
}

KOBJNS_WIN32_API BOOL WINAPI LookupAccountNameW(LPCWSTR system, LPCWSTR name, PSID sid,
                                                LPDWORD sid_size, LPWSTR domain,
                                                LPDWORD domain_size, PSID_NAME_USE use) {
  char *narrow_system, *narrow_name = NULL;
  if (!system_utf8(system, &narrow_system)) return FALSE;
  BOOL ok = FALSE;
  if (name && kobjns__facade_utf8(name, &narrow_name))
    SetLastError(ERROR_NONE_MAPPED); /* no account has a name that is no UTF-16 */
  else
    ok = lookup_account_name(narrow_system, narrow_name, sid, sid_size, domain, domain_size, use,
                             true);
  free(narrow_system);
  free(narrow_name);
  return ok;
}

KOBJNS_WIN32_API BOOL WINAPI InitializeSecurityDescriptor(PSECURITY_DESCRIPTOR sd, DWORD revision) {
  if (!sd) {
    SetLastError(ERROR_INVALID_PARAMETER);
    return FALSE;
  }
  if (revision != SECURITY_DESCRIPTOR_REVISION) {
    SetLastError(ERROR_UNKNOWN_REVISION);
    return FALSE;
  }
  memset(sd, 0, sizeof(SECURITY_DESCRIPTOR));
  ((SECURITY_DESCRIPTOR *)sd)->Revision = SECURITY_DESCRIPTOR_REVISION;
  return TRUE;
}

KOBJNS_WIN32_API BOOL WINAPI SetSecurityDescriptorDacl(PSECURITY_DESCRIPTOR psd, BOOL present,
                                                       PACL dacl, BOOL defaulted) {
  SECURITY_DESCRIPTOR *sd = psd;
  if (!sd || sd->Revision != SECURITY_DESCRIPTOR_REVISION || (sd->Control & SE_SELF_RELATIVE)) {
    SetLastError(ERROR_INVALID_SECURITY_DESCR);
    return FALSE;
  }
  sd->Control &= (SECURITY_DESCRIPTOR_CONTROL) ~(SE_DACL_PRESENT | SE_DACL_DEFAULTED);
  if (present) sd->Control |= SE_DACL_PRESENT;
  if (present && defaulted) sd->Control |= SE_DACL_DEFAULTED;
  sd->Dacl = present ? dacl : NULL;
  return TRUE;
}

DWORD kobjns__facade_sddl_of(const void *psd, const char **sddl) {
  *sddl = NULL;
  if (!psd) return 0;
  const SECURITY_DESCRIPTOR *sd = psd;
  if (sd->Revision != SECURITY_DESCRIPTOR_REVISION) return ERROR_INVALID_SECURITY_DESCR;
  if (sd->Control & SE_SELF_RELATIVE) {
    const converted *c = psd;
    if (memcmp(c->tag, tag, sizeof tag)) return ERROR_INVALID_SECURITY_DESCR;
    *sddl = c->sddl;
    return 0;
  }
  if (!(sd->Control & SE_DACL_PRESENT)) return 0; /* no DACL given: the default */
  if (!sd->Dacl) {
    *sddl = "D:NO_ACCESS_CONTROL"; /* the classic "open to everyone" */
    return 0;
  }
  if (sd->Dacl->AceCount == 0) {
    *sddl = "D:"; /* an empty DACL: nobody */
    return 0;
  }
  /* ACLs built ACE by ACE: write them as SDDL with ConvertStringSecurityDescriptor... instead. */
  return ERROR_INVALID_SECURITY_DESCR;
}

int kobjns__facade_utf8(const WCHAR *w, char **out) {
  size_t n = 0, bytes = 0;
  for (; w[n]; n++) {
    uint32_t c = w[n];
    if (c >= 0xD800 && c <= 0xDBFF && w[n + 1] >= 0xDC00 && w[n + 1] <= 0xDFFF) {
      bytes += 4;
      n++;
    } else if (c >= 0xD800 && c <= 0xDFFF) {
      return KOBJNS_NO_UNICODE_TRANSLATION; /* kobjns names are Unicode text */
    } else {
      bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
    }
  }
  char *s = malloc(bytes + 1), *p = s;
  if (!s) return KOBJNS_NOT_ENOUGH_MEMORY;
  for (size_t i = 0; i < n; i++) {
    uint32_t c = w[i];
    if (c >= 0xD800 && c <= 0xDBFF) c = 0x10000 + ((c - 0xD800) << 10) + (w[++i] - 0xDC00);
    if (c < 0x80) {
      *p++ = (char)c;
    } else if (c < 0x800) {
      *p++ = (char)(0xC0 | c >> 6);
      *p++ = (char)(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
      *p++ = (char)(0xE0 | c >> 12);
      *p++ = (char)(0x80 | (c >> 6 & 0x3F));
      *p++ = (char)(0x80 | (c & 0x3F));
    } else {
      *p++ = (char)(0xF0 | c >> 18);
      *p++ = (char)(0x80 | (c >> 12 & 0x3F));
      *p++ = (char)(0x80 | (c >> 6 & 0x3F));
      *p++ = (char)(0x80 | (c & 0x3F));
    }
  }
  *p = '\0';
  *out = s;
  return 0;
}

int kobjns__facade_utf16(const char *utf8, WCHAR *out, size_t size, size_t *units) {
  const unsigned char *p = (const unsigned char *)utf8;
  size_t n = 0;
  while (*p) {
    uint32_t c = *p, extra = c < 0x80             ? 0
                             : (c & 0xE0) == 0xC0 ? 1
                             : (c & 0xF0) == 0xE0 ? 2
                             : (c & 0xF8) == 0xF0 ? 3
                                                  : 4;
    if (extra == 4) return KOBJNS_NO_UNICODE_TRANSLATION;
    c &= 0x7Fu >> extra;
    for (uint32_t i = 1; i <= extra; i++) {
      if ((p[i] & 0xC0) != 0x80) return KOBJNS_NO_UNICODE_TRANSLATION;
      c = c << 6 | (p[i] & 0x3Fu);
    }
    p += extra + 1;
    if (c >= 0x10000) {
      if (out && n + 1 < size) {
        out[n] = (WCHAR)(0xD800 + ((c - 0x10000) >> 10));
        out[n + 1] = (WCHAR)(0xDC00 + ((c - 0x10000) & 0x3FF));
      }
      n += 2;
    } else {
      if (out && n < size) out[n] = (WCHAR)c;
      n++;
    }
  }
  if (out && n < size) out[n] = 0;
  *units = n;
  return 0;
}
