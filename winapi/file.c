/* Files by path: CreateFile and what goes with it. A Windows path becomes a POSIX one in one
 * documented way (docs/porting.md, "Paths"): "\\?\" is dropped; a drive "X:\rest" is
 * "$KOBJNS_DRIVES/x/rest" (by default ~/.kobjns/drives); "\rest" and "/rest" are "/rest"; a
 * relative path stays relative; '\' and '/' both separate. UNC paths name no file here. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "facade.h"

static BOOL failed_with(DWORD error) {
  SetLastError(error);
  return FALSE;
}

/* The device a Windows name stands for in any directory ("NUL", "nul.txt") or alone ("CON",
 * "CONIN$", "CONOUT$", "\\.\NUL"), as a POSIX path; NULL for an ordinary name. */
static const char *device_path(const char *in) {
  if (!strncmp(in, "\\\\.\\", 4) || !strncmp(in, "//./", 4)) in += 4;
  const char *last = in;
  for (const char *c = in; *c; c++)
    if (*c == '\\' || *c == '/' || (c == in + 1 && *c == ':')) last = c + 1;
  size_t base = strcspn(last, ".");
  if (base == 3 && !strncasecmp(last, "nul", 3)) return "/dev/null";
  if (!strcasecmp(in, "con") || !strcasecmp(in, "conin$") || !strcasecmp(in, "conout$"))
    return "/dev/tty"; /* the console: the controlling terminal */
  return NULL;
}

/* The POSIX path of the Windows path `in` (UTF-8): 0 with *out (malloc), or a Win32 error. */
static DWORD posix_path(const char *in, char **out) {
  const char *device = device_path(in);
  if (device) {
    *out = strdup(device);
    return *out ? 0 : ERROR_NOT_ENOUGH_MEMORY;
  }
  if (!strncmp(in, "\\\\?\\", 4) || !strncmp(in, "//?/", 4)) in += 4;
  if (!strncasecmp(in, "UNC\\", 4) || !strncasecmp(in, "UNC/", 4) ||
      ((in[0] == '\\' || in[0] == '/') && (in[1] == '\\' || in[1] == '/')))
    return ERROR_BAD_NETPATH; /* \\server\share, \\?\UNC\server\share */
  const char *root = "";
  char drive[3] = "";
  const char *home = NULL;
  if (((in[0] | 0x20) >= 'a' && (in[0] | 0x20) <= 'z') && in[1] == ':') {
    root = getenv("KOBJNS_DRIVES");
    if (!root || !*root) {
      home = getenv("HOME");
      if (!home || !*home) return ERROR_PATH_NOT_FOUND;
      root = "/.kobjns/drives";
    }
    drive[0] = '/';
    drive[1] = (char)(in[0] | 0x20);
    in += 2; /* "C:rest" is taken from the drive's root */
  }
  size_t len = (home ? strlen(home) : 0) + strlen(root) + strlen(drive) + strlen(in) + 2;
  char *p = malloc(len);
  if (!p) return ERROR_NOT_ENOUGH_MEMORY;
  int prefix = snprintf(p, len, "%s%s%s", home ? home : "", root, drive);
  /* The rest, '\\' as '/'; on a drive, ".." never climbs above the drive's root (Windows
   * takes C:\.. as C:\), and "." is dropped. */
  char *at = p + prefix;
  for (const char *c = in; *c;) {
    while (*c == '\\' || *c == '/') c++;
    size_t n = strcspn(c, "\\/");
    if (!n && !*c) break;
    if (drive[0] && n == 1 && c[0] == '.') {
      c += n;
      continue;
    }
    if (drive[0] && n == 2 && c[0] == '.' && c[1] == '.') {
      while (at > p + prefix && *--at != '/') continue;
      c += n;
      continue;
    }
    if (drive[0] || at > p || c != in || in[0] == '\\' || in[0] == '/') *at++ = '/';
    memcpy(at, c, n);
    at += n;
    c += n;
  }
  if (at == p + prefix && drive[0]) *at++ = '/';
  *at = '\0';
  *out = p;
  return 0;
}

/* FILE_FLAG_* and FILE_ATTRIBUTE_* that only tune or describe: accepted and left to the
 * system. FILE_FLAG_OVERLAPPED and FILE_FLAG_DELETE_ON_CLOSE are not provided. */
#define TUNING                                                                                     \
  (FILE_ATTRIBUTE_NORMAL | FILE_ATTRIBUTE_ARCHIVE | FILE_ATTRIBUTE_HIDDEN |                        \
   FILE_ATTRIBUTE_SYSTEM | FILE_ATTRIBUTE_TEMPORARY | FILE_ATTRIBUTE_NOT_CONTENT_INDEXED |         \
   SECURITY_SQOS_PRESENT | SECURITY_IDENTIFICATION | SECURITY_IMPERSONATION |                      \
   SECURITY_DELEGATION | SECURITY_CONTEXT_TRACKING | SECURITY_EFFECTIVE_ONLY |                     \
   FILE_FLAG_SEQUENTIAL_SCAN | FILE_FLAG_RANDOM_ACCESS | FILE_FLAG_NO_BUFFERING |                  \
   FILE_FLAG_POSIX_SEMANTICS)

static HANDLE create_file(const char *name, DWORD access, DWORD share, LPSECURITY_ATTRIBUTES sa,
                          DWORD disposition, DWORD flags) {
  if (flags & (FILE_FLAG_OVERLAPPED | FILE_FLAG_DELETE_ON_CLOSE)) {
    SetLastError(ERROR_NOT_SUPPORTED);
    return INVALID_HANDLE_VALUE;
  }
  if (!name) {
    SetLastError(ERROR_PATH_NOT_FOUND);
    return INVALID_HANDLE_VALUE;
  }
  /* A new file's security descriptor is not carried to its mode here: refused rather than a
   * file more open than asked (an open of an existing file ignores it, as Windows does). */
  if (sa && sa->lpSecurityDescriptor && disposition != OPEN_EXISTING &&
      disposition != TRUNCATE_EXISTING) {
    SetLastError(ERROR_NOT_SUPPORTED);
    return INVALID_HANDLE_VALUE;
  }
  char *path = NULL;
  DWORD error = posix_path(name, &path);
  if (error) {
    SetLastError(error);
    return INVALID_HANDLE_VALUE;
  }
  void *h = NULL;
  int rc = kobjns_file_open(path, access, share, disposition, flags & ~(DWORD)TUNING, &h);
  free(path);
  if (!h) {
    SetLastError((DWORD)rc);
    return INVALID_HANDLE_VALUE;
  }
  kobjns__facade_inherit(h, sa && sa->bInheritHandle);
  SetLastError(rc == KOBJNS_ALREADY_EXISTS ? ERROR_ALREADY_EXISTS : ERROR_SUCCESS);
  return h;
}

KOBJNS_WIN32_API HANDLE WINAPI CreateFileA(LPCSTR name, DWORD access, DWORD share,
                                           LPSECURITY_ATTRIBUTES sa, DWORD disposition, DWORD flags,
                                           HANDLE template_file) {
  (void)template_file; /* its attributes are for a new file: the mode comes from flags */
  DWORD error = kobjns__facade_check_ansi_name(name);
  if (error) {
    SetLastError(error);
    return INVALID_HANDLE_VALUE;
  }
  return create_file(name, access, share, sa, disposition, flags);
}

KOBJNS_WIN32_API HANDLE WINAPI CreateFileW(LPCWSTR name, DWORD access, DWORD share,
                                           LPSECURITY_ATTRIBUTES sa, DWORD disposition, DWORD flags,
                                           HANDLE template_file) {
  (void)template_file;
  char *utf8 = NULL;
  int rc = name ? kobjns__facade_utf8(name, &utf8) : 0;
  if (rc) {
    SetLastError((DWORD)rc);
    return INVALID_HANDLE_VALUE;
  }
  HANDLE h = create_file(utf8, access, share, sa, disposition, flags);
  free(utf8);
  return h;
}

static BOOL delete_file(const char *name) {
  if (!name) return failed_with(ERROR_PATH_NOT_FOUND);
  char *path = NULL;
  DWORD error = posix_path(name, &path);
  if (error) return failed_with(error);
  int rc = kobjns_file_delete(path);
  free(path);
  return rc ? failed_with((DWORD)rc) : TRUE;
}

KOBJNS_WIN32_API BOOL WINAPI DeleteFileA(LPCSTR name) {
  DWORD error = kobjns__facade_check_ansi_name(name);
  return error ? failed_with(error) : delete_file(name);
}

KOBJNS_WIN32_API BOOL WINAPI DeleteFileW(LPCWSTR name) {
  char *utf8 = NULL;
  int rc = name ? kobjns__facade_utf8(name, &utf8) : 0;
  if (rc) return failed_with((DWORD)rc);
  BOOL ok = delete_file(utf8);
  free(utf8);
  return ok;
}

KOBJNS_WIN32_API BOOL WINAPI GetFileSizeEx(HANDLE h, PLARGE_INTEGER size) {
  if (!size) return failed_with(ERROR_INVALID_PARAMETER);
  uint64_t n = 0;
  int rc = kobjns_file_size(h, &n);
  if (rc) return failed_with((DWORD)rc);
  size->QuadPart = (LONGLONG)n;
  return TRUE;
}

/* INVALID_FILE_SIZE with the error, or NO_ERROR when that is the size's low half. */
KOBJNS_WIN32_API DWORD WINAPI GetFileSize(HANDLE h, LPDWORD high) {
  uint64_t n = 0;
  int rc = kobjns_file_size(h, &n);
  if (rc) {
    SetLastError((DWORD)rc);
    return INVALID_FILE_SIZE;
  }
  if (high) *high = (DWORD)(n >> 32);
  SetLastError(ERROR_SUCCESS);
  return (DWORD)n;
}

KOBJNS_WIN32_API BOOL WINAPI SetFilePointerEx(HANDLE h, LARGE_INTEGER distance,
                                              PLARGE_INTEGER position, DWORD method) {
  uint64_t at = 0;
  int rc = kobjns_file_seek(h, distance.QuadPart, method, &at);
  if (rc) return failed_with((DWORD)rc);
  if (position) position->QuadPart = (LONGLONG)at;
  return TRUE;
}

/* The distance is `low` sign-extended, or with `high` a 64-bit one; the new position's low half
 * is returned (INVALID_SET_FILE_POINTER with an error, NO_ERROR when that is the position). */
KOBJNS_WIN32_API DWORD WINAPI SetFilePointer(HANDLE h, LONG low, PLONG high, DWORD method) {
  int64_t distance = high ? (int64_t)((uint64_t)(uint32_t)*high << 32 | (uint32_t)low) : low;
  uint64_t at = 0;
  int rc = kobjns_file_seek(h, distance, method, &at);
  if (rc) {
    SetLastError((DWORD)rc);
    return INVALID_SET_FILE_POINTER;
  }
  if (high) *high = (LONG)(at >> 32);
  SetLastError(ERROR_SUCCESS);
  return (DWORD)at;
}

KOBJNS_WIN32_API BOOL WINAPI SetEndOfFile(HANDLE h) {
  int rc = kobjns_file_set_end(h);
  return rc ? failed_with((DWORD)rc) : TRUE;
}

KOBJNS_WIN32_API BOOL WINAPI FlushFileBuffers(HANDLE h) {
  int rc = kobjns_file_flush(h);
  return rc ? failed_with((DWORD)rc) : TRUE;
}

/* --- temporary files ---------------------------------------------------------------------------
 * The temporary directory is $TMPDIR (else /tmp), given as a POSIX path with a trailing '/',
 * which every file function here takes as it is. */

static const char *temp_dir(void) {
  const char *dir = getenv("TMPDIR");
  return dir && *dir == '/' ? dir : "/tmp";
}

/* Windows' answer: the length without the NUL when it fits in `size`, else the size needed. */
KOBJNS_WIN32_API DWORD WINAPI GetTempPathA(DWORD size, LPSTR buffer) {
  const char *dir = temp_dir();
  size_t len = strlen(dir), slash = dir[len - 1] != '/';
  if (len + slash + 1 > size || !buffer) return (DWORD)(len + slash + 1);
  memcpy(buffer, dir, len);
  if (slash) buffer[len] = '/';
  buffer[len + slash] = '\0';
  return (DWORD)(len + slash);
}

KOBJNS_WIN32_API DWORD WINAPI GetTempPathW(DWORD size, LPWSTR buffer) {
  char dir[PATH_MAX + 2];
  DWORD len = GetTempPathA(sizeof dir, dir);
  size_t units = 0;
  if (len >= sizeof dir || kobjns__facade_utf16(dir, NULL, 0, &units)) {
    SetLastError(ERROR_NO_UNICODE_TRANSLATION);
    return 0;
  }
  if (units + 1 > size || !buffer) return (DWORD)(units + 1);
  kobjns__facade_utf16(dir, buffer, size, &units);
  return (DWORD)units;
}

/* "<path>\<up to 3 of prefix><unique in hex>.tmp" into out (MAX_PATH). A `unique` of 0 makes a
 * new empty file under a number no file has yet, and returns that number. */
static UINT temp_file_name(const char *path, const char *prefix, UINT unique, char *out) {
  if (!path || !out) {
    SetLastError(ERROR_INVALID_PARAMETER);
    return 0;
  }
  size_t len = strlen(path);
  const char *sep = len && (path[len - 1] == '\\' || path[len - 1] == '/') ? "" : "\\";
  char pre[4] = "";
  if (prefix) snprintf(pre, sizeof pre, "%s", prefix);
  UINT n = unique ? unique & 0xFFFF : (GetTickCount() & 0xFFFF) | 1;
  for (int tries = 0; tries < 0x10000; tries++, n = (n & 0xFFFF) + 1) {
    if (!n || n > 0xFFFF) n = 1;
    int made = snprintf(out, MAX_PATH, "%s%s%s%X.tmp", path, sep, pre, n);
    if (made < 0 || made >= MAX_PATH) {
      SetLastError(ERROR_BUFFER_OVERFLOW);
      return 0;
    }
    if (unique) return unique;
    HANDLE h = create_file(out, GENERIC_WRITE, 0, NULL, CREATE_NEW, 0);
    if (h != INVALID_HANDLE_VALUE) {
      CloseHandle(h);
      return n;
    }
    if (GetLastError() != ERROR_FILE_EXISTS && GetLastError() != ERROR_SHARING_VIOLATION) return 0;
  }
  SetLastError(ERROR_FILE_EXISTS);
  return 0;
}

KOBJNS_WIN32_API UINT WINAPI GetTempFileNameA(LPCSTR path, LPCSTR prefix, UINT unique, LPSTR out) {
  return temp_file_name(path, prefix, unique, out);
}

KOBJNS_WIN32_API UINT WINAPI GetTempFileNameW(LPCWSTR path, LPCWSTR prefix, UINT unique,
                                              LPWSTR out) {
  char *p = NULL, *pre = NULL, name[MAX_PATH];
  size_t units = 0;
  int rc = path ? kobjns__facade_utf8(path, &p) : 0;
  if (!rc && prefix) rc = kobjns__facade_utf8(prefix, &pre);
  UINT n = 0;
  if (rc)
    SetLastError((DWORD)rc);
  else if (!out)
    SetLastError(ERROR_INVALID_PARAMETER);
  else if ((n = temp_file_name(p, pre, unique, name)) &&
           (kobjns__facade_utf16(name, out, MAX_PATH, &units) || units >= MAX_PATH))
    n = 0, SetLastError(ERROR_BUFFER_OVERFLOW);
  free(p);
  free(pre);
  return n;
}
