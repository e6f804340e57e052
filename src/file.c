/* Public file entry points: standard streams and anonymous pipes, as handles of the one table
 * (KOBJNS_TYPE_FILE), so that a child's STARTUPINFO, inheritance and CloseHandle treat them as
 * every other handle. */
#include "internal.h"

#include <stdlib.h>

/* A handle owning `file` with `access`: 0 with *out, or a status (the file closed). */
static int file_handle(intptr_t file, unsigned access, void **out) {
  kobjns__object *o = kobjns__object_new(KOBJNS_TYPE_FILE, NULL);
  if (!o) {
    kobjns__os_file_discard(file);
    return KOBJNS_NOT_ENOUGH_MEMORY;
  }
  o->access = access;
  kobjns__os_file_adopt(o, file);
  return kobjns__handle_add(o, out); /* closes it on failure */
}

#define READ_ACCESS (KOBJNS__FILE_READ_DATA | KOBJNS__FILE_READ_ATTRIBUTES | KOBJNS__SYNCHRONIZE)
#define WRITE_ACCESS                                                                               \
  (KOBJNS__FILE_WRITE_DATA | KOBJNS__FILE_APPEND_DATA | KOBJNS__FILE_WRITE_ATTRIBUTES |            \
   KOBJNS__FILE_READ_ATTRIBUTES | KOBJNS__SYNCHRONIZE)

/* One handle per stream for the process's life, made by the first call (as GetStdHandle's). */
static void *std_handles[3];

int kobjns_std_handle(unsigned which, void **out) {
  if (out) *out = NULL;
  if (which > KOBJNS_STD_ERROR || !out) return KOBJNS_INVALID_PARAMETER;
  void *h = __atomic_load_n(&std_handles[which], __ATOMIC_ACQUIRE);
  kobjns_type type;
  if (h && kobjns_handle_type(h, &type) == 0 && type == KOBJNS_TYPE_FILE) {
    *out = h;
    return 0;
  }
  kobjns__os_init_lock(); /* one handle, whoever asks first */
  h = std_handles[which];
  int rc = 0;
  if (!h || kobjns_handle_type(h, &type) != 0 || type != KOBJNS_TYPE_FILE) {
    intptr_t file;
    rc = kobjns__os_std_file(which, &file);
    if (!rc) rc = file_handle(file, which == KOBJNS_STD_INPUT ? READ_ACCESS : WRITE_ACCESS, &h);
    if (!rc) __atomic_store_n(&std_handles[which], h, __ATOMIC_RELEASE);
  }
  kobjns__os_init_unlock();
  if (!rc) *out = h;
  return rc;
}

int kobjns_pipe_create(void **read_end, void **write_end, uint32_t size) {
  if (read_end) *read_end = NULL;
  if (write_end) *write_end = NULL;
  if (!read_end || !write_end) return KOBJNS_INVALID_PARAMETER;
  intptr_t r, w;
  int rc = kobjns__os_pipe(&r, &w, size);
  if (rc) return rc;
  void *rh = NULL;
  if ((rc = file_handle(r, READ_ACCESS, &rh))) {
    kobjns__os_file_discard(w);
    return rc;
  }
  void *wh = NULL;
  if ((rc = file_handle(w, WRITE_ACCESS, &wh))) {
    kobjns_close(rh);
    return rc;
  }
  *read_end = rh;
  *write_end = wh;
  return 0;
}

int kobjns_file_read(void *file, void *buffer, uint32_t size, uint32_t *done) {
  if (done) *done = 0;
  if (!done || (!buffer && size)) return KOBJNS_INVALID_PARAMETER;
  kobjns__object *o = kobjns__handle_get(file, KOBJNS_TYPE_FILE);
  if (!o) return KOBJNS_INVALID_HANDLE;
  int rc = (o->access & KOBJNS__FILE_READ_DATA) ? kobjns__os_file_read(o, buffer, size, done)
                                                : KOBJNS_ACCESS_DENIED;
  kobjns__handle_put(o);
  return rc;
}

int kobjns_file_write(void *file, const void *buffer, uint32_t size, uint32_t *done) {
  if (done) *done = 0;
  if (!done || (!buffer && size)) return KOBJNS_INVALID_PARAMETER;
  kobjns__object *o = kobjns__handle_get(file, KOBJNS_TYPE_FILE);
  if (!o) return KOBJNS_INVALID_HANDLE;
  int rc = (o->access & (KOBJNS__FILE_WRITE_DATA | KOBJNS__FILE_APPEND_DATA))
               ? kobjns__os_file_write(o, buffer, size, done)
               : KOBJNS_ACCESS_DENIED;
  kobjns__handle_put(o);
  return rc;
}

/* --- files by path ---------------------------------------------------------------------------- */

#define SHARE_ALL (KOBJNS_FILE_SHARE_READ | KOBJNS_FILE_SHARE_WRITE | KOBJNS_FILE_SHARE_DELETE)
#define FLAGS_ALL                                                                                  \
  (KOBJNS_FILE_READ_ONLY | KOBJNS_FILE_FLAG_DIRECTORY | KOBJNS_FILE_FLAG_WRITE_THROUGH)

int kobjns_file_open(const char *path, unsigned access, unsigned share, unsigned disposition,
                     unsigned flags, void **out) {
  if (out) *out = NULL;
  if (!out || !path || (share & ~SHARE_ALL) || (flags & ~FLAGS_ALL) ||
      disposition < KOBJNS_CREATE_NEW || disposition > KOBJNS_TRUNCATE_EXISTING ||
      (access & ~kobjns__type_valid_access(KOBJNS_TYPE_FILE)))
    return KOBJNS_INVALID_PARAMETER;
  unsigned granted = kobjns__type_map(KOBJNS_TYPE_FILE, access);
  if (disposition == KOBJNS_TRUNCATE_EXISTING && !(granted & KOBJNS__FILE_WRITE_DATA))
    return KOBJNS_INVALID_PARAMETER; /* as CreateFile: truncating needs GENERIC_WRITE */
  size_t units;
  int rc = kobjns__validate_name(path, &units);
  if (rc) return rc;
  if (!*path) return KOBJNS_PATH_NOT_FOUND; /* Windows: "" names no file */
  intptr_t file;
  rc = kobjns__os_file_open(path, granted, share, disposition, flags, &file);
  if (rc && rc != KOBJNS_ALREADY_EXISTS) return rc;
  int made = file_handle(file, granted, out);
  return made ? made : rc;
}

int kobjns_file_delete(const char *path) {
  if (!path) return KOBJNS_INVALID_PARAMETER;
  size_t units;
  int rc = kobjns__validate_name(path, &units);
  if (rc) return rc;
  return *path ? kobjns__os_file_delete(path) : KOBJNS_PATH_NOT_FOUND;
}

/* The file `file` with a reference, if its handle has all of `rights`: 0, 5 or 6. */
static int file_get(void *file, unsigned rights, kobjns__object **o) {
  if (!(*o = kobjns__handle_get(file, KOBJNS_TYPE_FILE))) return KOBJNS_INVALID_HANDLE;
  if (((*o)->access & rights) == rights) return 0;
  kobjns__handle_put(*o);
  return KOBJNS_ACCESS_DENIED;
}

int kobjns_file_size(void *file, uint64_t *size) {
  if (size) *size = 0;
  if (!size) return KOBJNS_INVALID_PARAMETER;
  kobjns__object *o;
  int rc = file_get(file, 0, &o);
  if (rc) return rc;
  rc = kobjns__os_file_size(o, size);
  kobjns__handle_put(o);
  return rc;
}

int kobjns_file_seek(void *file, int64_t distance, unsigned method, uint64_t *position) {
  if (method > KOBJNS_FILE_END) return KOBJNS_INVALID_PARAMETER;
  kobjns__object *o;
  int rc = file_get(file, 0, &o);
  if (rc) return rc;
  uint64_t at = 0;
  rc = kobjns__os_file_seek(o, distance, method, &at);
  kobjns__handle_put(o);
  if (!rc && position) *position = at;
  return rc;
}

int kobjns_file_set_end(void *file) {
  kobjns__object *o;
  int rc = file_get(file, KOBJNS__FILE_WRITE_DATA, &o);
  if (rc) return rc;
  rc = kobjns__os_file_set_end(o);
  kobjns__handle_put(o);
  return rc;
}

int kobjns_file_flush(void *file) {
  kobjns__object *o = kobjns__handle_get(file, KOBJNS_TYPE_FILE);
  if (!o) return KOBJNS_INVALID_HANDLE;
  int rc = (o->access & (KOBJNS__FILE_WRITE_DATA | KOBJNS__FILE_APPEND_DATA))
               ? kobjns__os_file_flush(o)
               : KOBJNS_ACCESS_DENIED;
  kobjns__handle_put(o);
  return rc;
}
