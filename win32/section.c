/* Win32 sections: CreateFileMappingW / OpenFileMappingW on the name the core resolved, so that
 * Windows sees the very object the canonical path names. Windows checks security descriptors,
 * privileges and protections; the statuses are its GetLastError() values. */
#include "win32.h"

#include <sddl.h> /* after <windows.h> */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int kobjns__status_from_win32(DWORD error) {
  if (error == ERROR_SUCCESS || error == ERROR_ALREADY_EXISTS)
    return KOBJNS_INTERNAL_ERROR; /* a failure is never either */
  switch (error) {
#define KOBJNS_KNOWN_(name, value, message) case value:
    KOBJNS_STATUS_MAP(KOBJNS_KNOWN_)
#undef KOBJNS_KNOWN_
    return (int)error;
    case ERROR_OUTOFMEMORY: return KOBJNS_NOT_ENOUGH_MEMORY;
    case ERROR_NOT_ENOUGH_QUOTA: return KOBJNS_COMMITMENT_LIMIT;
    case ERROR_INVALID_SECURITY_DESCR: return KOBJNS_INVALID_ACL;
    default: return KOBJNS_INTERNAL_ERROR;
  }
}

int kobjns__utf16(const char *prefix, const char *utf8, size_t len, wchar_t **out) {
  size_t plen = strlen(prefix);
  if (len > INT_MAX) return KOBJNS_FILENAME_EXCED_RANGE;
  int units = len ? MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, utf8, (int)len, NULL, 0) : 0;
  if (len && units <= 0) return KOBJNS_NO_UNICODE_TRANSLATION;
  wchar_t *w = malloc((plen + (size_t)units + 1) * sizeof *w);
  if (!w) return KOBJNS_NOT_ENOUGH_MEMORY;
  for (size_t i = 0; i < plen; i++) w[i] = (wchar_t)(unsigned char)prefix[i];
  if (len) MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, utf8, (int)len, w + plen, units);
  w[plen + (size_t)units] = L'\0';
  *out = w;
  return 0;
}

/* The shortest Win32 name of the resolved object: never longer than the caller's own name, so
 * it stays within Windows' 32766-unit limit. The caller's own session is the bare name. */
int kobjns__win32_name(const kobjns_ctx *ctx, const kobjns__name *n, wchar_t **out) {
  /* A private namespace's object: as the caller named it, under the alias Windows knows. */
  if (n->ns[0])
    return n->alias ? kobjns__utf16("", n->alias, n->alias_len + 1 + n->leaf_len, out)
                    : KOBJNS_PATH_NOT_FOUND;
  char prefix[32] = "";
  if (n->session == ctx->token.session)
    prefix[0] = '\0';
  else if (n->session == 0)
    snprintf(prefix, sizeof prefix, "Global\\");
  else
    snprintf(prefix, sizeof prefix, "Session\\%u\\", (unsigned)n->session);
  return kobjns__utf16(prefix, n->leaf, n->leaf_len, out);
}

/* --- size ---------------------------------------------------------------------------------- */

typedef struct {
  void *base;
  ULONG attributes;
  LARGE_INTEGER size;
} section_basic_information;

typedef LONG(NTAPI *nt_query_section_fn)(HANDLE, int, void *, SIZE_T, SIZE_T *);

static nt_query_section_fn query_section;

static BOOL CALLBACK find_query_section(INIT_ONCE *once, void *param, void **context) {
  (void)once, (void)param, (void)context;
  HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");
  FARPROC p = ntdll ? GetProcAddress(ntdll, "NtQuerySection") : NULL;
  memcpy(&query_section, &p, sizeof query_section);
  return TRUE;
}

/* NtQuerySection is not in every SDK's import libraries: look it up once. */
static nt_query_section_fn nt_query_section(void) {
  static INIT_ONCE once = INIT_ONCE_STATIC_INIT;
  InitOnceExecuteOnce(&once, find_query_section, NULL, NULL);
  return query_section;
}

/* The section's size as Windows keeps it (pagefile-backed sections are whole pages). Needs
 * SECTION_QUERY; without it, the size of a view of the whole section; with neither query nor
 * map rights Windows will not tell, and 0 is reported (such a handle maps nothing anyway). */
static int query_size(HANDLE h, unsigned access, uint64_t *size) {
  nt_query_section_fn query = nt_query_section();
  section_basic_information info;
  if (query && (access & KOBJNS__SECTION_QUERY) && query(h, 0, &info, sizeof info, NULL) >= 0) {
    *size = (uint64_t)info.size.QuadPart;
    return 0;
  }
  *size = 0;
  DWORD view_access = (access & KOBJNS__SECTION_MAP_READ)    ? FILE_MAP_READ
                      : (access & KOBJNS__SECTION_MAP_WRITE) ? FILE_MAP_WRITE
                                                             : 0;
  void *view = view_access ? MapViewOfFile(h, view_access, 0, 0, 0) : NULL;
  if (!view) return 0;
  MEMORY_BASIC_INFORMATION mbi;
  if (VirtualQuery(view, &mbi, sizeof mbi)) *size = mbi.RegionSize;
  UnmapViewOfFile(view);
  return 0;
}

/* Open with SECTION_QUERY added when the descriptor allows it (to learn the size), else with
 * exactly what was asked. */
HANDLE kobjns__win32_open_section(unsigned desired, const wchar_t *name, unsigned *granted) {
  *granted = desired | KOBJNS__SECTION_QUERY;
  HANDLE h = OpenFileMappingW(*granted, FALSE, name);
  if (!h && GetLastError() == ERROR_ACCESS_DENIED && !(desired & KOBJNS__SECTION_QUERY)) {
    *granted = desired;
    h = OpenFileMappingW(desired, FALSE, name);
  }
  return h;
}

HANDLE kobjns__win32_create_section(const kobjns__create_args *a, SECURITY_ATTRIBUTES *sa,
                                    const wchar_t *name) {
  DWORD protect = a->executable ? (a->read_only ? PAGE_EXECUTE_READ : PAGE_EXECUTE_READWRITE)
                                : (a->read_only ? PAGE_READONLY : PAGE_READWRITE);
  protect |= SEC_COMMIT;
  HANDLE file = a->file ? a->file->os.handle : INVALID_HANDLE_VALUE;
  return CreateFileMappingW(file, sa, protect, (DWORD)(a->size >> 32), (DWORD)a->size, name);
}

void kobjns__win32_section_facts(HANDLE h, unsigned granted, kobjns__facts *facts) {
  query_size(h, granted, &facts->size);
}

int kobjns__win32_security(const char *sddl, const kobjns__sd *parsed, SECURITY_ATTRIBUTES *sa) {
  *sa = (SECURITY_ATTRIBUTES){.nLength = sizeof *sa, .bInheritHandle = FALSE};
  if (!sddl) return 0; /* Windows' default: the creator's token decides */
  PSECURITY_DESCRIPTOR sd = NULL;
  if (parsed->null_dacl) {
    /* "D:NO_ACCESS_CONTROL" is a NULL DACL: built directly, because Wine 8's SDDL parser makes
     * it an empty DACL (nobody) instead. */
    sd = LocalAlloc(LMEM_FIXED, SECURITY_DESCRIPTOR_MIN_LENGTH);
    if (!sd) return KOBJNS_NOT_ENOUGH_MEMORY;
    if (!InitializeSecurityDescriptor(sd, SECURITY_DESCRIPTOR_REVISION) ||
        !SetSecurityDescriptorDacl(sd, TRUE, NULL, FALSE)) {
      LocalFree(sd);
      return KOBJNS_INTERNAL_ERROR;
    }
  } else {
    wchar_t *w;
    int rc = kobjns__utf16("", sddl, strlen(sddl), &w);
    if (rc) return rc;
    BOOL ok = ConvertStringSecurityDescriptorToSecurityDescriptorW(w, SDDL_REVISION_1, &sd, NULL);
    DWORD error = GetLastError();
    free(w);
    if (!ok) return error == ERROR_INVALID_SID ? KOBJNS_INVALID_SID : KOBJNS_INVALID_ACL;
  }
  sa->lpSecurityDescriptor = sd;
  return 0;
}

/* --- views --------------------------------------------------------------------------------- */

int kobjns__os_section_map(kobjns__object *s, kobjns__view kind, bool exec, uint64_t offset,
                           size_t length, void *base, void **addr) {
  static const DWORD views[] = {[KOBJNS__VIEW_NONE] = 0,
                                [KOBJNS__VIEW_READ] = FILE_MAP_READ,
                                [KOBJNS__VIEW_WRITE] = FILE_MAP_WRITE,
                                [KOBJNS__VIEW_COPY] = FILE_MAP_COPY};
  DWORD view_access = views[kind] | (exec ? FILE_MAP_EXECUTE : 0);
  void *p = MapViewOfFileEx(s->os.handle, view_access, (DWORD)(offset >> 32), (DWORD)offset, length,
                            base);
  if (!p) {
    /* The core has checked every argument: Windows' 87 here is a view the section's protection
     * refuses (STATUS_SECTION_PROTECTION), a denial like any other. */
    int rc = kobjns__status_from_win32(GetLastError());
    return rc == KOBJNS_INVALID_PARAMETER ? KOBJNS_ACCESS_DENIED : rc;
  }
  *addr = p;
  return 0;
}

int kobjns__os_unmap(void *addr) {
  /* Windows unmaps the whole view from any address inside it; kobjns wants the start. */
  MEMORY_BASIC_INFORMATION mbi;
  if (!VirtualQuery(addr, &mbi, sizeof mbi) || mbi.AllocationBase != addr || mbi.Type != MEM_MAPPED)
    return KOBJNS_INVALID_ADDRESS;
  return UnmapViewOfFile(addr) ? 0 : KOBJNS_INVALID_ADDRESS;
}
