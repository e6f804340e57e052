/* Standard streams and pipes: Windows' own handles, each File handle's object owning one. */
#include "win32.h"

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
