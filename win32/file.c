/* Standard streams, pipes and files: Windows' own handles, each File handle's object owning one.
 * kobjns's file rights, share modes, dispositions and flags are Windows' own values. */
#include "win32.h"

#include <stdlib.h>
#include <string.h>

int kobjns__os_std_file(unsigned which, intptr_t *file) {
  static const DWORD ids[] = {STD_INPUT_HANDLE, STD_OUTPUT_HANDLE, STD_ERROR_HANDLE};
  HANDLE h = GetStdHandle(ids[which]), copy = NULL;
  if (!h || h == INVALID_HANDLE_VALUE) return KOBJNS_INVALID_HANDLE;
  HANDLE self = GetCurrentProcess();
  if (!DuplicateHandle(self, h, self, &copy, 0, FALSE, DUPLICATE_SAME_ACCESS))
    return kobjns__status_from_win32(GetLastError());
  *file = (intptr_t)copy;
  return 0;
}

int kobjns__os_pipe(intptr_t *read_end, intptr_t *write_end, uint32_t size) {
  HANDLE r, w;
  if (!CreatePipe(&r, &w, NULL, size)) return kobjns__status_from_win32(GetLastError());
  *read_end = (intptr_t)r;
  *write_end = (intptr_t)w;
  return 0;
}

void kobjns__os_file_adopt(kobjns__object *o, intptr_t file) {
  o->os.handle = (HANDLE)file;
  o->os.thread_started = 1;
}

void kobjns__os_file_discard(intptr_t file) { CloseHandle((HANDLE)file); }

int kobjns__os_file_read(kobjns__object *f, void *buffer, uint32_t size, uint32_t *done) {
  DWORD n = 0;
  if (!ReadFile(f->os.handle, buffer, size, &n, NULL)) {
    *done = 0;
    return kobjns__status_from_win32(GetLastError());
  }
  *done = n;
  return 0;
}

int kobjns__os_file_write(kobjns__object *f, const void *buffer, uint32_t size, uint32_t *done) {
  uint32_t at = 0;
  do {
    DWORD n = 0;
    if (!WriteFile(f->os.handle, (const char *)buffer + at, size - at, &n, NULL)) {
      *done = at;
      return kobjns__status_from_win32(GetLastError());
    }
    at += n;
  } while (at < size);
  *done = at;
  return 0;
}

int kobjns__os_file_open(const char *path, unsigned access, unsigned share, unsigned disposition,
                         unsigned flags, intptr_t *file) {
  wchar_t *w;
  int rc = kobjns__utf16("", path, strlen(path), &w);
  if (rc) return rc;
  HANDLE h = CreateFileW(w, access, share, NULL, disposition, flags, NULL);
  DWORD error = GetLastError();
  free(w);
  if (h == INVALID_HANDLE_VALUE) return kobjns__status_from_win32(error);
  *file = (intptr_t)h;
  return error == ERROR_ALREADY_EXISTS ? KOBJNS_ALREADY_EXISTS : 0;
}

int kobjns__os_file_delete(const char *path) {
  wchar_t *w;
  int rc = kobjns__utf16("", path, strlen(path), &w);
  if (rc) return rc;
  if (!DeleteFileW(w)) rc = kobjns__status_from_win32(GetLastError());
  free(w);
  return rc;
}

int kobjns__os_file_size(kobjns__object *f, uint64_t *size) {
  LARGE_INTEGER n;
  if (GetFileType(f->os.handle) != FILE_TYPE_DISK) return KOBJNS_INVALID_FUNCTION;
  if (!GetFileSizeEx(f->os.handle, &n)) return kobjns__status_from_win32(GetLastError());
  *size = (uint64_t)n.QuadPart;
  return 0;
}

int kobjns__os_file_seek(kobjns__object *f, int64_t distance, unsigned method, uint64_t *position) {
  LARGE_INTEGER by = {.QuadPart = distance}, at;
  if (!SetFilePointerEx(f->os.handle, by, &at, method))
    return kobjns__status_from_win32(GetLastError());
  *position = (uint64_t)at.QuadPart;
  return 0;
}

int kobjns__os_file_set_end(kobjns__object *f) {
  return SetEndOfFile(f->os.handle) ? 0 : kobjns__status_from_win32(GetLastError());
}

int kobjns__os_file_flush(kobjns__object *f) {
  return FlushFileBuffers(f->os.handle) ? 0 : kobjns__status_from_win32(GetLastError());
}

int kobjns__os_view_flush(const void *addr, size_t length) {
  return FlushViewOfFile(addr, length) ? 0 : KOBJNS_INVALID_ADDRESS;
}
