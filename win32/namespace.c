/* Private namespaces on Windows: the native calls (CreateBoundaryDescriptorW,
 * CreatePrivateNamespaceW, OpenPrivateNamespaceW, ClosePrivateNamespace). Windows checks the
 * boundary and the namespace's descriptor; an object name "alias\\leaf" goes to Windows as the
 * caller wrote it (section.c: kobjns__win32_name), under the alias this process opened natively. */
#include "win32.h"

#include <sddl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int kobjns__os_boundary_sid_supported(const kobjns__ace *ace) {
  /* OWNER RIGHTS names whoever owns an object: no token holds it, so no creator could ever be
   * inside; Windows would take it and refuse every create. Refused here as on POSIX. */
  return ace->trustee == KOBJNS__TRUSTEE_OWNER_RIGHTS ? KOBJNS_NOT_SUPPORTED : 0;
}

int kobjns__os_boundary_integrity_supported(void) { return 0; }

/* The SID string of a boundary SID. */
static void sid_text(const kobjns__ace *a, wchar_t *out, size_t size) {
  switch ((enum kobjns__trustee)a->trustee) {
    case KOBJNS__TRUSTEE_EVERYONE: swprintf(out, size, L"S-1-1-0"); return;
    case KOBJNS__TRUSTEE_AUTH_USERS: swprintf(out, size, L"S-1-5-11"); return;
    case KOBJNS__TRUSTEE_INTERACTIVE: swprintf(out, size, L"S-1-5-4"); return;
    case KOBJNS__TRUSTEE_SYSTEM: swprintf(out, size, L"S-1-5-18"); return;
    case KOBJNS__TRUSTEE_ADMINS: swprintf(out, size, L"S-1-5-32-544"); return;
    case KOBJNS__TRUSTEE_OWNER_RIGHTS: swprintf(out, size, L"S-1-3-4"); return;
    case KOBJNS__TRUSTEE_USER: swprintf(out, size, L"S-1-22-1-%u", (unsigned)a->id); return;
    case KOBJNS__TRUSTEE_GROUP: swprintf(out, size, L"S-1-22-2-%u", (unsigned)a->id); return;
  }
  out[0] = L'\0';
}

/* Add the SID `text` with `add` (AddSIDToBoundaryDescriptor, AddIntegrityLabel...): 0 or a
 * status. */
static int add_sid(HANDLE *bd, const wchar_t *text, BOOL(WINAPI *add)(HANDLE *, PSID)) {
  PSID sid = NULL;
  if (!ConvertStringSidToSidW(text, &sid)) return kobjns__status_from_win32(GetLastError());
  BOOL ok = add(bd, sid);
  DWORD error = GetLastError();
  LocalFree(sid);
  return ok ? 0 : kobjns__status_from_win32(error);
}

/* The native boundary of `b`: 0 with *bd (DeleteBoundaryDescriptor), or a status. */
static int boundary(const kobjns_boundary *b, HANDLE *bd) {
  wchar_t *name;
  int rc = kobjns__utf16("", b->name, strlen(b->name), &name);
  if (rc) return rc;
  SetLastError(0); /* a stub may fail without saying (below) */
  *bd = CreateBoundaryDescriptorW(name, 0);
  DWORD error = GetLastError();
  free(name);
  /* Windows fails it only for memory (8). A NULL with no error is a system without private
   * namespaces (Wine 8: a stub; its CreatePrivateNamespaceW ends the process): 50, before any
   * call that could. */
  if (!*bd) return error ? kobjns__status_from_win32(error) : KOBJNS_NOT_SUPPORTED;
  for (size_t i = 0; i < b->count && !rc; i++) {
    wchar_t text[48];
    sid_text(&b->sids[i], text, sizeof text / sizeof text[0]);
    rc = add_sid(bd, text, AddSIDToBoundaryDescriptor);
  }
  if (!rc && b->has_integrity) {
    wchar_t text[32];
    swprintf(text, sizeof text / sizeof text[0], L"S-1-16-%u", (unsigned)b->integrity_rid);
    rc = add_sid(bd, text, AddIntegrityLabelToBoundaryDescriptor);
  }
  if (rc) DeleteBoundaryDescriptor(*bd);
  return rc;
}

/* A namespace's id in paths: Windows' namespaces have no name of their own, so a hash of the
 * identity (FNV-1a, 64 bits) stands for it. */
static void identity_id(const kobjns__namespace_args *a, char ns[KOBJNS__NS_ID_MAX + 1]) {
  uint64_t h = 14695981039346656037u;
  const char *parts[2] = {a->boundary->name, a->alias};
  for (int p = 0; p < 2; p++)
    for (const unsigned char *c = (const unsigned char *)parts[p]; *c; c++)
      h = (h ^ *c) * 1099511628211u;
  for (size_t i = 0; i < a->boundary->count; i++)
    h = (h ^ (a->boundary->sids[i].trustee * 0x100000000ull + a->boundary->sids[i].id)) *
        1099511628211u;
  snprintf(ns, KOBJNS__NS_ID_MAX + 1, "%016llx", (unsigned long long)h);
}

int kobjns__os_namespace_create(const kobjns_ctx *ctx, const kobjns__namespace_args *a,
                                kobjns__object *o, char ns[KOBJNS__NS_ID_MAX + 1]) {
  (void)ctx; /* Windows' own token is the creator */
  HANDLE bd;
  int rc = boundary(a->boundary, &bd);
  if (rc) return rc;
  wchar_t *alias = NULL;
  SECURITY_ATTRIBUTES sa = {0};
  if (!(rc = kobjns__utf16("", a->alias, strlen(a->alias), &alias)) &&
      !(rc = kobjns__win32_security(a->sddl, a->sd, &sa))) {
    HANDLE h = CreatePrivateNamespaceW(sa.lpSecurityDescriptor ? &sa : NULL, bd, alias);
    rc = h ? 0 : kobjns__status_from_win32(GetLastError());
    o->os.handle = h;
  }
  if (sa.lpSecurityDescriptor) LocalFree(sa.lpSecurityDescriptor);
  free(alias);
  DeleteBoundaryDescriptor(bd);
  if (!rc) identity_id(a, ns);
  return rc;
}

/* OpenPrivateNamespaceW of `a`: 0 with *h, or a status. */
static int open_native(const kobjns__namespace_args *a, HANDLE *h) {
  HANDLE bd;
  int rc = boundary(a->boundary, &bd);
  if (rc) return rc;
  wchar_t *alias = NULL;
  if (!(rc = kobjns__utf16("", a->alias, strlen(a->alias), &alias))) {
    *h = OpenPrivateNamespaceW(bd, alias);
    rc = *h ? 0 : kobjns__status_from_win32(GetLastError());
  }
  free(alias);
  DeleteBoundaryDescriptor(bd);
  return rc;
}

int kobjns__os_namespace_open(const kobjns_ctx *ctx, const kobjns__namespace_args *a,
                              unsigned desired, kobjns__object *o, char ns[KOBJNS__NS_ID_MAX + 1],
                              unsigned *granted) {
  (void)ctx;
  int rc = open_native(a, &o->os.handle);
  if (rc) return rc;
  /* Windows opens with MAXIMUM_ALLOWED: what it granted, where it says. */
  unsigned rights = 0;
  kobjns__win32_handle_type(o->os.handle, &rights);
  *granted = rights & desired ? rights & desired : desired;
  identity_id(a, ns);
  return 0;
}

int kobjns__os_namespace_destroy(kobjns__object *o) {
  if (!ClosePrivateNamespace(o->os.handle, PRIVATE_NAMESPACE_FLAG_DESTROY))
    return kobjns__status_from_win32(GetLastError());
  o->os.handle = NULL; /* closed with it: kobjns__os_close has nothing left to do */
  return 0;
}

int kobjns__os_namespace_explain(const kobjns_ctx *ctx, const kobjns__namespace_args *a,
                                 kobjns_denial *why) {
  (void)ctx;
  *why = KOBJNS_DENIAL_NONE;
  HANDLE h = NULL;
  int rc = open_native(a, &h);
  if (h) ClosePrivateNamespace(h, 0);
  /* Windows' one check is the namespace's descriptor; it does not say why a 2 is a 2. */
  if (rc == KOBJNS_ACCESS_DENIED) *why = KOBJNS_DENIAL_DESCRIPTOR;
  return rc;
}
