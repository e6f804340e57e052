/* What win32/ shares between its files: <windows.h>, statuses from Win32 errors, UTF-16. */
#ifndef KOBJNS_WIN32_H
#define KOBJNS_WIN32_H

#include <windows.h>

#include "internal.h"

/* The status of a Win32 call that failed, from GetLastError(): the same number when kobjns
 * documents it, else the closest documented status; never 0 or 183 (a failure is neither). */
int kobjns__status_from_win32(DWORD error);

/* `len` bytes of valid UTF-8 appended to `prefix` (ASCII), as a NUL-terminated UTF-16 string
 * from malloc. 0, 8 or 1113. */
int kobjns__utf16(const char *prefix, const char *utf8, size_t len, wchar_t **out);

/* The shortest Win32 name of the resolved object: never longer than the caller's own name, so
 * it stays within Windows' 32766-unit limit. The caller's own session is the bare name. */
int kobjns__win32_name(const kobjns_ctx *ctx, const kobjns__name *n, wchar_t **out);

/* Security attributes from SDDL the core has parsed (`parsed`), for LocalFree; none (Windows'
 * default) for NULL. */
int kobjns__win32_security(const char *sddl, const kobjns__sd *parsed, SECURITY_ATTRIBUTES *sa);

/* The types' Win32 calls (section.c, sync.c), for the one create/open path (named.c). A
 * section is opened with SECTION_QUERY added when its descriptor allows (*granted says). */
HANDLE kobjns__win32_open_section(unsigned desired, const wchar_t *name, unsigned *granted);
HANDLE kobjns__win32_create_section(const kobjns__create_args *a, SECURITY_ATTRIBUTES *sa,
                                    const wchar_t *name);
/* A section's size, as far as a handle with `granted` can learn it. */
void kobjns__win32_section_facts(HANDLE h, unsigned granted, kobjns__facts *facts);
HANDLE kobjns__win32_open_sync(kobjns_type type, unsigned access, const wchar_t *name);
HANDLE kobjns__win32_create_sync(const kobjns__create_args *a, SECURITY_ATTRIBUTES *sa,
                                 const wchar_t *name);
/* thread.c: a new thread of the create's function, suspended until kobjns__os_thread_start. */
HANDLE kobjns__win32_create_thread(const kobjns__create_args *a);

/* inspect.c: the type of the object `h` is a handle to (KOBJNS_TYPE_NONE: none kobjns passes
 * on), and the rights `h` was granted. */
kobjns_type kobjns__win32_handle_type(HANDLE h, unsigned *granted);
/* mirror.c: whether a name (`len` units) is that of a process's list of handles, kobjns's own
 * bookkeeping, which listings leave out. */
bool kobjns__win32_mirror_name(const wchar_t *name, size_t len);

#endif
