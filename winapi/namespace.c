/* Private namespaces: boundary descriptors, CreatePrivateNamespace, OpenPrivateNamespace and
 * ClosePrivateNamespace on the portable kobjns_boundary_* and kobjns_namespace_* calls. A boundary
 * descriptor's HANDLE is its kobjns_boundary (as on Windows, a pointer of the process's heap and
 * no handle: DeleteBoundaryDescriptor frees it, CloseHandle does not know it); a namespace's HANDLE
 * is a kobjns handle value, which CloseHandle closes too. Once a namespace is open, "alias\name"
 * names an object in it for every Create and Open function (the core resolves it). */
#include <stdlib.h>
#include <string.h>

#include "facade.h"

static HANDLE failed(DWORD error) {
  SetLastError(error);
  return NULL;
}

/* A W function's string as UTF-8 from malloc (NULL stays NULL): 0 or the Win32 error. */
static DWORD utf8_of(LPCWSTR w, char **out) {
  *out = NULL;
  return w ? (DWORD)kobjns__facade_utf8(w, out) : 0;
}

/* --- boundary descriptors ----------------------------------------------------------------------
 */

static HANDLE create_boundary(const char *name, ULONG flags) {
  /* Windows' only flag (CREATE_BOUNDARY_DESCRIPTOR_ADD_APPCONTAINER_SID) needs an app container,
   * which nothing here runs in: every flag is refused, as a flag Windows does not know. */
  if (flags) return failed(ERROR_INVALID_PARAMETER);
  kobjns_boundary *b = NULL;
  int rc = kobjns_boundary_create(name, &b);
  if (rc) return failed((DWORD)rc);
  return (HANDLE)b;
}

KOBJNS_WIN32_API HANDLE WINAPI CreateBoundaryDescriptorA(LPCSTR name, ULONG flags) {
  return create_boundary(name, flags);
}

KOBJNS_WIN32_API HANDLE WINAPI CreateBoundaryDescriptorW(LPCWSTR name, ULONG flags) {
  char *utf8;
  DWORD error = utf8_of(name, &utf8);
  if (error) return failed(error);
  HANDLE h = create_boundary(utf8, flags);
  free(utf8);
  return h;
}

KOBJNS_WIN32_API void WINAPI DeleteBoundaryDescriptor(HANDLE boundary) {
  kobjns_boundary_free((kobjns_boundary *)boundary);
}

/* Add `sid` to the boundary `*boundary` with `add` (kobjns's SID or integrity label). */
static BOOL add_to_boundary(HANDLE *boundary, PSID sid,
                            int (*add)(kobjns_boundary *, const char *)) {
  if (!boundary || !*boundary) {
    SetLastError(ERROR_INVALID_PARAMETER);
    return FALSE;
  }
  char text[KOBJNS__FACADE_SID_TEXT_MAX];
  DWORD error = sid ? kobjns__facade_sid_text(sid, text) : ERROR_INVALID_PARAMETER;
  int rc = error ? (int)error : add((kobjns_boundary *)*boundary, text);
  if (rc) SetLastError((DWORD)rc);
  return rc == 0;
}

/* The SIDs kobjns knows (users, groups, the well-known ones: kobjns_boundary_add_sid); another is
 * ERROR_INVALID_SID, one no kernel can vouch for in a namespace's owner ERROR_NOT_SUPPORTED. */
KOBJNS_WIN32_API BOOL WINAPI AddSIDToBoundaryDescriptor(HANDLE *boundary, PSID sid) {
  return add_to_boundary(boundary, sid, kobjns_boundary_add_sid);
}

/* POSIX has no integrity levels: ERROR_NOT_SUPPORTED, the boundary unchanged (a namespace weaker
 * than its creator asked is never made). */
KOBJNS_WIN32_API BOOL WINAPI AddIntegrityLabelToBoundaryDescriptor(HANDLE *boundary, PSID label) {
  return add_to_boundary(boundary, label, kobjns_boundary_add_integrity_label);
}

/* --- namespaces --------------------------------------------------------------------------------
 */

/* Success leaves the last error alone, as Windows' (an existing namespace is a failure, 183). */
static HANDLE create_namespace(const SECURITY_ATTRIBUTES *sa, void *boundary, const char *alias) {
  const char *sddl = NULL;
  DWORD error = kobjns__facade_sddl_of(sa ? sa->lpSecurityDescriptor : NULL, &sddl);
  if (error) return failed(error);
  kobjns_namespace *ns = NULL;
  int rc = kobjns_namespace_create(NULL, boundary, alias, sddl, &ns);
  /* kobjns's 80 (it exists, no handle) is Windows' 183 here. */
  if (rc) return failed(rc == KOBJNS_FILE_EXISTS ? ERROR_ALREADY_EXISTS : (DWORD)rc);
  HANDLE h = kobjns__facade_handle(ns);
  kobjns__facade_inherit(h, sa && sa->bInheritHandle);
  return h;
}

KOBJNS_WIN32_API HANDLE WINAPI CreatePrivateNamespaceA(LPSECURITY_ATTRIBUTES sa, LPVOID boundary,
                                                       LPCSTR alias) {
  return create_namespace(sa, boundary, alias);
}

KOBJNS_WIN32_API HANDLE WINAPI CreatePrivateNamespaceW(LPSECURITY_ATTRIBUTES sa, LPVOID boundary,
                                                       LPCWSTR alias) {
  char *utf8;
  DWORD error = utf8_of(alias, &utf8);
  if (error) return failed(error);
  HANDLE h = create_namespace(sa, boundary, utf8);
  free(utf8);
  return h;
}

static HANDLE open_namespace(void *boundary, const char *alias) {
  kobjns_namespace *ns = NULL;
  int rc = kobjns_namespace_open(NULL, boundary, alias, &ns);
  if (rc) return failed((DWORD)rc);
  return kobjns__facade_handle(ns);
}

KOBJNS_WIN32_API HANDLE WINAPI OpenPrivateNamespaceA(LPVOID boundary, LPCSTR alias) {
  return open_namespace(boundary, alias);
}

KOBJNS_WIN32_API HANDLE WINAPI OpenPrivateNamespaceW(LPVOID boundary, LPCWSTR alias) {
  char *utf8;
  DWORD error = utf8_of(alias, &utf8);
  if (error) return failed(error);
  HANDLE h = open_namespace(boundary, utf8);
  free(utf8);
  return h;
}

/* PRIVATE_NAMESPACE_FLAG_DESTROY destroys it first (no open finds it again; its objects keep
 * working); a refused destroy leaves the handle open. */
KOBJNS_WIN32_API BOOLEAN WINAPI ClosePrivateNamespace(HANDLE ns, ULONG flags) {
  int rc = kobjns_namespace_close((kobjns_namespace *)ns, flags);
  if (rc) SetLastError((DWORD)rc);
  return rc == 0;
}
