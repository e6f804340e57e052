/* libkobjns-win32: the Win32 section API on top of the portable kobjns API, compiled against
 * Wine's Windows headers on POSIX. Internal declarations shared by its files. */
#ifndef KOBJNS_FACADE_H
#define KOBJNS_FACADE_H

/* We are the implementation: Wine's headers then declare these functions without
 * DECLSPEC_IMPORT (hidden visibility for ELF). */
#define _KERNEL32_
#define _ADVAPI32_
#include <windows.h>
#include <sddl.h>

#include "kobjns.h"

/* Every function the facade exports: Wine's prototypes, default visibility. */
#define KOBJNS_WIN32_API __attribute__((visibility("default")))

/* --- handles (handles.c) --------------------------------------------------------------------
 * HANDLE values are unique, small multiples of 4, never NULL or INVALID_HANDLE_VALUE; a closed or
 * foreign value is ERROR_INVALID_HANDLE. */
/* A new handle for `s`, or NULL with the last error set. */
HANDLE kobjns__facade_handle_new(kobjns_section *s);
/* The section behind `h`, held until kobjns__facade_handle_release(); NULL (last error 6) if `h`
 * is not a live handle. */
kobjns_section *kobjns__facade_handle_acquire(HANDLE h);
void kobjns__facade_handle_release(void);
/* Remove `h` and return its section for closing; NULL (last error 6) if it is not live. */
kobjns_section *kobjns__facade_handle_remove(HANDLE h);

/* --- strings (security.c) -------------------------------------------------------------------- */
/* A UTF-16 string as UTF-8 from malloc: 0, 8, or 1113 (an unpaired surrogate). */
int kobjns__facade_utf8(const WCHAR *w, char **out);

/* --- security (security.c) ------------------------------------------------------------------- */
/* The SDDL text of `sd` (NULL for Windows' default), or a Win32 error. */
DWORD kobjns__facade_sddl_of(const void *sd, const char **sddl);

#endif
