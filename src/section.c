/* Public section entry points: validate once, resolve the name, call one backend function. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

/* Rights a caller may ask for: section rights, standard rights and generic rights. */
#define VALID_ACCESS kobjns__type_valid_access(KOBJNS_TYPE_SECTION)
/* Windows keeps pagefile-backed sections in whole pages of this size; both backends do. */
#define SECTION_PAGE 4096u
/* Sizes past this cannot be represented as a file offset with the header in front. */
#define MAX_SECTION_SIZE ((uint64_t)INT64_MAX - (1u << 30))

/* FILE_MAP_COPY asks for read access (Windows' OpenFileMapping does the same). */
static unsigned desired_access(unsigned access) {
  if (access == KOBJNS_MAP_COPY) access = KOBJNS_MAP_READ;
  return kobjns__map_generic(access);
}

/* The live section `handle` with a reference for the caller (kobjns__handle_put), or NULL. */
static kobjns__object *section_get(const kobjns_section *handle) {
  return kobjns__handle_get(handle, KOBJNS_TYPE_SECTION);
}

/* A section's create: `size` as kept, of the file `file` (or NULL: of memory). */
static int create(const kobjns_ctx *ctx, const char *name, uint64_t size, kobjns__object *file,
                  unsigned desired, bool executable, const char *sddl, const kobjns__sd *sd,
                  unsigned flags, kobjns_section **out) {
  bool read_only = !(desired & KOBJNS__SECTION_MAP_WRITE);
  kobjns__create_args a = {
      .type = KOBJNS_TYPE_SECTION,
      .sd = sddl ? sd : NULL,
      .sddl = sddl,
      .desired = desired,
      .existing_access = kobjns__section_existing_access(read_only),
      .size = size,
      .file = file,
      .read_only = read_only,
      .executable = executable,
      .create_new = flags & KOBJNS_CREATE_NEW,
  };
  return kobjns__create_object(ctx, name, &a, (void **)out);
}

int kobjns_section_create_ex(const kobjns_ctx *ctx, const char *name, uint64_t size,
                             unsigned access, const char *sddl, unsigned flags,
                             kobjns_section **out) {
  if (!out) return KOBJNS_INVALID_PARAMETER;
  *out = NULL;
  if (size == 0 || access == 0 || (access & ~VALID_ACCESS) || (flags & ~KOBJNS__CREATE_FLAGS))
    return KOBJNS_INVALID_PARAMETER;
  if (size > MAX_SECTION_SIZE) return KOBJNS_ARITHMETIC_OVERFLOW;
  kobjns__sd sd;
  int rc;
  if (sddl && (rc = kobjns__sddl_parse(sddl, &sd))) return rc;
  /* An execute protection asks for executable views itself. */
  return create(ctx, name, (size + SECTION_PAGE - 1) / SECTION_PAGE * SECTION_PAGE, NULL,
                desired_access(access), access & KOBJNS_MAP_EXECUTE, sddl, &sd, flags, out);
}

int kobjns_section_create(const kobjns_ctx *ctx, const char *name, uint64_t size, unsigned access,
                          const char *sddl, kobjns_section **out) {
  return kobjns_section_create_ex(ctx, name, size, access, sddl, 0, out);
}

/* The file rights a section of a file needs of the file's handle (CreateFileMapping's rule). */
static unsigned file_rights_needed(bool read_only, bool executable) {
  return KOBJNS__FILE_READ_DATA | (read_only ? 0u : KOBJNS__FILE_WRITE_DATA) |
         (executable ? KOBJNS__FILE_EXECUTE : 0u);
}

int kobjns_section_create_from_file_ex(const kobjns_ctx *ctx, const char *name, void *file,
                                       uint64_t size, unsigned access, const char *sddl,
                                       unsigned flags, kobjns_section **out) {
  if (!out) return KOBJNS_INVALID_PARAMETER;
  *out = NULL;
  if (access == 0 || (access & ~VALID_ACCESS) || (flags & ~KOBJNS__CREATE_FLAGS))
    return KOBJNS_INVALID_PARAMETER;
  if (size > MAX_SECTION_SIZE) return KOBJNS_ARITHMETIC_OVERFLOW;
  kobjns__sd sd;
  int rc;
  if (sddl && (rc = kobjns__sddl_parse(sddl, &sd))) return rc;
  kobjns__object *f = kobjns__handle_get(file, KOBJNS_TYPE_FILE);
  if (!f) return KOBJNS_INVALID_HANDLE;
  unsigned desired = desired_access(access);
  bool read_only = !(desired & KOBJNS__SECTION_MAP_WRITE);
  bool executable = access & KOBJNS_MAP_EXECUTE;
  uint64_t file_size = 0;
  unsigned needed = file_rights_needed(read_only, executable);
  if ((f->access & needed) != needed)
    rc = KOBJNS_ACCESS_DENIED;
  else if ((rc = kobjns__os_file_size(f, &file_size)))
    rc = rc == KOBJNS_INVALID_FUNCTION ? KOBJNS_BAD_EXE_FORMAT /* a pipe: Windows' answer */
                                       : rc;
  else if (size == 0 && file_size == 0)
    rc = KOBJNS_FILE_INVALID;
  else if (size > file_size && read_only)
    rc = KOBJNS_NOT_ENOUGH_MEMORY; /* only a writable section may make its file longer */
  if (!rc)
    rc = create(ctx, name, size ? size : file_size, f, desired, executable, sddl, &sd, flags, out);
  kobjns__handle_put(f);
  return rc;
}

int kobjns_section_create_from_file(const kobjns_ctx *ctx, const char *name, void *file,
                                    uint64_t size, unsigned access, const char *sddl,
                                    kobjns_section **out) {
  return kobjns_section_create_from_file_ex(ctx, name, file, size, access, sddl, 0, out);
}

int kobjns_section_open(const kobjns_ctx *ctx, const char *name, unsigned access,
                        kobjns_section **out) {
  if (!out) return KOBJNS_INVALID_PARAMETER;
  *out = NULL;
  return kobjns__open_object(ctx, name, KOBJNS_TYPE_SECTION, access, (void **)out);
}

int kobjns_section_map(kobjns_section *s, unsigned access, uint64_t offset, size_t length,
                       void **addr) {
  return kobjns_section_map_at(s, access, offset, length, NULL, addr);
}

/* Every right a view may ask for: FILE_MAP_ALL_ACCESS (which holds FILE_MAP_COPY's bit),
 * SECTION_MAP_EXECUTE and FILE_MAP_EXECUTE. */
#define VIEW_RIGHTS (KOBJNS_MAP_ALL_ACCESS | KOBJNS_MAP_EXECUTE)

/* The view MapViewOfFile maps for `access`: FILE_MAP_COPY alone (or with FILE_MAP_EXECUTE) is
 * copy-on-write, and combined with other rights (SECTION_MAP_EXECUTE included) it is ignored;
 * write makes a read/write view, read a read-only one, and anything else (0,
 * SECTION_MAP_EXECUTE, FILE_MAP_EXECUTE alone) a view with no access. FILE_MAP_EXECUTE makes
 * the view executable (Wine's virtual.c tests, written against Windows). */
static kobjns__view view_for(unsigned access, bool *exec) {
  *exec = access & KOBJNS_MAP_EXECUTE;
  unsigned rights =
      access & (KOBJNS_MAP_COPY | KOBJNS_MAP_WRITE | KOBJNS_MAP_READ | KOBJNS__SECTION_MAP_EXECUTE);
  if (rights == KOBJNS_MAP_COPY) return KOBJNS__VIEW_COPY;
  if (rights & KOBJNS_MAP_WRITE) return KOBJNS__VIEW_WRITE;
  if (rights & KOBJNS_MAP_READ) return KOBJNS__VIEW_READ;
  *exec = false; /* nothing to execute in a view without access */
  return KOBJNS__VIEW_NONE;
}

/* Map a view through the live handle `s` (a reference is held). */
static int map_view(kobjns__object *s, unsigned access, uint64_t offset, size_t length, void *base,
                    void **addr) {
  if (access & ~VIEW_RIGHTS) return KOBJNS_INVALID_PARAMETER;
  bool exec;
  kobjns__view kind = view_for(access, &exec);
  /* The handle's rights: a write view needs SECTION_MAP_WRITE, every other SECTION_MAP_READ
   * (a view without access too, as Windows checks it), an executable one an execute right
   * (SECTION_MAP_EXECUTE, or FILE_MAP_EXECUTE's SECTION_MAP_EXECUTE_EXPLICIT). */
  unsigned needed =
      kind == KOBJNS__VIEW_WRITE ? KOBJNS__SECTION_MAP_WRITE : KOBJNS__SECTION_MAP_READ;
  if (offset % KOBJNS_VIEW_ALIGNMENT || (uintptr_t)base % KOBJNS_VIEW_ALIGNMENT)
    return KOBJNS_MAPPED_ALIGNMENT;
  if ((s->access & needed) != needed) return KOBJNS_ACCESS_DENIED;
  if (exec && !(s->access & (KOBJNS__SECTION_MAP_EXECUTE | KOBJNS__SECTION_MAP_EXECUTE_EXPLICIT)))
    return KOBJNS_ACCESS_DENIED;
  /* The section's protection, where known (else the system refuses what it does not allow). */
  if (s->protection_known &&
      ((kind == KOBJNS__VIEW_WRITE && s->read_only) || (exec && !s->executable)))
    return KOBJNS_ACCESS_DENIED;
  if (offset >= s->size) return KOBJNS_ACCESS_DENIED;
  if (length == 0) {
    if (s->size - offset > SIZE_MAX) return KOBJNS_NOT_ENOUGH_MEMORY;
    length = (size_t)(s->size - offset);
  }
  if (length > s->size - offset) return KOBJNS_ACCESS_DENIED; /* larger than the section */
  return kobjns__os_section_map(s, kind, exec, offset, length, base, addr);
}

int kobjns_section_map_at(kobjns_section *handle, unsigned access, uint64_t offset, size_t length,
                          void *base, void **addr) {
  if (!addr) return KOBJNS_INVALID_PARAMETER;
  *addr = NULL;
  kobjns__object *s = section_get(handle);
  if (!s) return KOBJNS_INVALID_HANDLE;
  int rc = map_view(s, access, offset, length, base, addr);
  kobjns__handle_put(s);
  return rc;
}

int kobjns_sddl_check(const char *sddl) {
  if (!sddl) return KOBJNS_INVALID_PARAMETER;
  kobjns__sd sd;
  return kobjns__sddl_parse(sddl, &sd);
}

int kobjns_unmap(void *addr) {
  if (!addr) return KOBJNS_INVALID_ADDRESS;
  return kobjns__os_unmap(addr);
}

int kobjns_section_close(kobjns_section *s) {
  return kobjns__handle_remove(s, KOBJNS_TYPE_SECTION);
}

int kobjns_section_size(const kobjns_section *handle, uint64_t *size) {
  if (!size) return KOBJNS_INVALID_PARAMETER;
  *size = 0;
  kobjns__object *s = section_get(handle);
  if (!s) return KOBJNS_INVALID_HANDLE;
  *size = s->size;
  kobjns__handle_put(s);
  return 0;
}

int kobjns_section_access(const kobjns_section *handle, unsigned *access) {
  if (!access) return KOBJNS_INVALID_PARAMETER;
  *access = 0;
  kobjns__object *s = section_get(handle);
  if (!s) return KOBJNS_INVALID_HANDLE;
  *access = s->access;
  kobjns__handle_put(s);
  return 0;
}

const char *kobjns_section_path(const kobjns_section *handle) {
  kobjns__object *s = section_get(handle);
  if (!s) return "";
  const char *path = s->path; /* lives as long as the handle, as documented */
  kobjns__handle_put(s);
  return path;
}

int kobjns_resolve(const kobjns_ctx *ctx, const char *name, char *path, size_t path_size,
                   size_t *path_len) {
  if (!name || (!path && path_size)) return KOBJNS_INVALID_PARAMETER;
  if (!name[0]) return KOBJNS_INVALID_HANDLE;
  int rc;
  if (!ctx && (rc = kobjns__default_ctx(&ctx))) return rc;
  kobjns__name resolved;
  if ((rc = kobjns__name_lookup(ctx, name, KOBJNS__OPEN, &resolved))) return rc;
  size_t len = kobjns__path_len(&resolved);
  if (path_len) *path_len = len;
  if (len + 1 > path_size) return KOBJNS_INSUFFICIENT_BUFFER;
  kobjns__path_write(&resolved, path);
  path[len] = '\0';
  return 0;
}
