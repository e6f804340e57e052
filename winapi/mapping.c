/* CreateFileMapping, OpenFileMapping and views: each call validates what Win32 validates, then
 * calls the portable API once; a kobjns status is the Win32 error it stands for. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "facade.h"

#define PROTECTION_MASK 0xFFu
#define SEC_KNOWN                                                                                  \
  (SEC_COMMIT | SEC_RESERVE | SEC_NOCACHE | SEC_WRITECOMBINE | SEC_IMAGE | SEC_LARGE_PAGES |       \
   SEC_FILE)

/* The kobjns access that creates a section with this page protection, or 0 if unsupported
 * (PAGE_NOACCESS and PAGE_EXECUTE are 87 on Windows too). An execute protection lets views be
 * executable (FILE_MAP_EXECUTE). */
static unsigned access_for_protection(DWORD protect) {
  switch (protect & PROTECTION_MASK) {
    case PAGE_READONLY:
    case PAGE_WRITECOPY: return KOBJNS_MAP_READ;
    case PAGE_EXECUTE_READ:
    case PAGE_EXECUTE_WRITECOPY: return KOBJNS_MAP_READ | KOBJNS_MAP_EXECUTE;
    case PAGE_READWRITE: return KOBJNS_MAP_READ | KOBJNS_MAP_WRITE;
    case PAGE_EXECUTE_READWRITE: return KOBJNS_MAP_READ | KOBJNS_MAP_WRITE | KOBJNS_MAP_EXECUTE;
    default: return 0;
  }
}

/* The SEC_* flags of a section backed by the paging file, as Windows checks them (Wine's
 * virtual.c tests, written against Windows): 0, or the error. SEC_RESERVE is accepted and the
 * memory committed all the same (a view reads zeros either way). */
static DWORD check_sec_flags(DWORD flags) {
  if (flags & ~(DWORD)SEC_KNOWN) return ERROR_INVALID_PARAMETER;
  if (flags & SEC_IMAGE) /* an image needs a file holding one */
    return flags == SEC_IMAGE ? ERROR_BAD_EXE_FORMAT : ERROR_INVALID_PARAMETER;
  if (flags & (SEC_FILE | SEC_LARGE_PAGES)) return ERROR_INVALID_PARAMETER;
  if ((flags & SEC_RESERVE) && (flags & SEC_COMMIT)) return ERROR_INVALID_PARAMETER;
  if ((flags & (SEC_NOCACHE | SEC_WRITECOMBINE)) && !(flags & (SEC_RESERVE | SEC_COMMIT)))
    return ERROR_INVALID_PARAMETER;
  return 0;
}

static HANDLE failed(DWORD error) {
  SetLastError(error);
  return NULL;
}

/* A name passed to an A function: UTF-8, and like Windows' A functions at most MAX_PATH - 1
 * characters (the ANSI name is converted into a MAX_PATH buffer). The sync functions use it too. */
DWORD kobjns__facade_check_ansi_name(const char *name) {
  if (!name) return 0;
  size_t units = 0;
  for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
    if ((*p & 0xC0) != 0x80) units++;
    if ((*p & 0xF8) == 0xF0) units++; /* outside the BMP: a surrogate pair */
  }
  return units >= MAX_PATH ? ERROR_FILENAME_EXCED_RANGE : 0;
}

static HANDLE create_mapping(HANDLE file, const SECURITY_ATTRIBUTES *sa, DWORD protect,
                             DWORD size_high, DWORD size_low, const char *name) {
  unsigned access = access_for_protection(protect);
  DWORD flags = protect & ~PROTECTION_MASK;
  /* SEC_COMMIT is a paging-file section's word; a file's views are the file anyway. */
  if (file != INVALID_HANDLE_VALUE && (flags & SEC_COMMIT)) flags &= ~(DWORD)SEC_COMMIT;
  DWORD error = file != INVALID_HANDLE_VALUE && flags
                    ? (flags & SEC_IMAGE ? ERROR_BAD_EXE_FORMAT : ERROR_INVALID_PARAMETER)
                    : check_sec_flags(flags);
  if (error) return failed(error);
  if (!access) return failed(ERROR_INVALID_PARAMETER);
  const char *sddl = NULL;
  error = kobjns__facade_sddl_of(sa ? sa->lpSecurityDescriptor : NULL, &sddl);
  if (error) return failed(error);
  uint64_t size = (uint64_t)size_high << 32 | size_low;
  kobjns_section *s = NULL;
  int rc = file == INVALID_HANDLE_VALUE
               ? kobjns_section_create(NULL, name, size, access, sddl, &s)
               : kobjns_section_create_from_file(NULL, name, file, size, access, sddl, &s);
  if (!s) return failed((DWORD)rc);
  HANDLE h = kobjns__facade_handle(s);
  kobjns__facade_inherit(h, sa && sa->bInheritHandle);
  SetLastError(rc == KOBJNS_ALREADY_EXISTS ? ERROR_ALREADY_EXISTS : ERROR_SUCCESS);
  return h;
}

KOBJNS_WIN32_API HANDLE WINAPI CreateFileMappingA(HANDLE file, LPSECURITY_ATTRIBUTES sa,
                                                  DWORD protect, DWORD size_high, DWORD size_low,
                                                  LPCSTR name) {
  DWORD error = kobjns__facade_check_ansi_name(name);
  if (error) return failed(error);
  return create_mapping(file, sa, protect, size_high, size_low, name);
}

KOBJNS_WIN32_API HANDLE WINAPI CreateFileMappingW(HANDLE file, LPSECURITY_ATTRIBUTES sa,
                                                  DWORD protect, DWORD size_high, DWORD size_low,
                                                  LPCWSTR name) {
  char *utf8 = NULL;
  int rc = name ? kobjns__facade_utf8(name, &utf8) : 0;
  if (rc) return failed((DWORD)rc);
  HANDLE h = create_mapping(file, sa, protect, size_high, size_low, utf8);
  free(utf8);
  return h;
}

/* FILE_MAP_* as kobjns access: the same values. What view each gives, and which the section or
 * the handle refuses (5), is the portable API's rule (MapViewOfFile's); bits no view right has
 * are 87. */
static DWORD map_access(DWORD access, unsigned *out) {
  if (access & ~(DWORD)(FILE_MAP_ALL_ACCESS | FILE_MAP_COPY | FILE_MAP_EXECUTE))
    return ERROR_INVALID_PARAMETER;
  *out = access;
  return 0;
}

static HANDLE open_mapping(DWORD access, BOOL inherit, const char *name) {
  kobjns_section *s = NULL;
  int rc = kobjns_section_open(NULL, name, access, &s); /* the same rights, checked there */
  if (rc) return failed((DWORD)rc);
  HANDLE h = kobjns__facade_handle(s);
  kobjns__facade_inherit(h, inherit);
  return h;
}

KOBJNS_WIN32_API HANDLE WINAPI OpenFileMappingA(DWORD access, BOOL inherit, LPCSTR name) {
  DWORD error = kobjns__facade_check_ansi_name(name);
  if (error) return failed(error);
  return open_mapping(access, inherit, name);
}

KOBJNS_WIN32_API HANDLE WINAPI OpenFileMappingW(DWORD access, BOOL inherit, LPCWSTR name) {
  char *utf8 = NULL;
  int rc = name ? kobjns__facade_utf8(name, &utf8) : 0;
  if (rc) return failed((DWORD)rc);
  HANDLE h = open_mapping(access, inherit, utf8);
  free(utf8);
  return h;
}

KOBJNS_WIN32_API LPVOID WINAPI MapViewOfFileEx(HANDLE mapping, DWORD access, DWORD offset_high,
                                               DWORD offset_low, SIZE_T bytes, LPVOID base) {
  unsigned view;
  DWORD error = map_access(access, &view);
  if (error) return failed(error);
  /* A mutex's, event's or semaphore's handle is the wrong type: 6, as a closed one. */
  void *addr = NULL;
  uint64_t offset = (uint64_t)offset_high << 32 | offset_low;
  int rc = kobjns_section_map_at(kobjns__facade_section(mapping), view, offset, bytes, base, &addr);
  if (rc) return failed((DWORD)rc);
  return addr;
}

KOBJNS_WIN32_API LPVOID WINAPI MapViewOfFile(HANDLE mapping, DWORD access, DWORD offset_high,
                                             DWORD offset_low, SIZE_T bytes) {
  return MapViewOfFileEx(mapping, access, offset_high, offset_low, bytes, NULL);
}

KOBJNS_WIN32_API BOOL WINAPI UnmapViewOfFile(LPCVOID addr) {
  int rc = kobjns__facade_unmap((void *)(uintptr_t)addr);
  if (rc) SetLastError((DWORD)rc);
  return rc == 0;
}

/* A section of a file: its pages written to the file (0 bytes: to the view's end). */
KOBJNS_WIN32_API BOOL WINAPI FlushViewOfFile(LPCVOID addr, SIZE_T bytes) {
  int rc = kobjns_view_flush(addr, bytes);
  if (rc) SetLastError((DWORD)rc);
  return rc == 0;
}

KOBJNS_WIN32_API BOOL WINAPI ProcessIdToSessionId(DWORD pid, DWORD *session) {
  if (!session) {
    SetLastError(ERROR_INVALID_PARAMETER);
    return FALSE;
  }
  if (pid != (DWORD)getpid()) {
    /* A process's session is its own KOBJNS_SESSION or login session: only it can say. */
    SetLastError(kill((pid_t)pid, 0) < 0 && errno == ESRCH ? ERROR_INVALID_PARAMETER
                                                           : ERROR_ACCESS_DENIED);
    return FALSE;
  }
  uint32_t id = 0;
  int rc = kobjns_ctx_session(NULL, &id);
  if (rc) {
    SetLastError((DWORD)rc);
    return FALSE;
  }
  *session = id;
  return TRUE;
}
