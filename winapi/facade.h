/* libkobjns-winapi (the Win32 facade; formerly libkobjns-win32): the Win32 section, mutex, event
 * and semaphore API on top of the portable kobjns API, compiled against Wine's Windows headers on
 * POSIX. Internal declarations shared by its files. */
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
 * A HANDLE is the value of a kobjns handle (the library's one handle table): unique, small
 * multiples of 4, never NULL, INVALID_HANDLE_VALUE or a pseudo-handle; as on Windows their two
 * low bits are ignored. The portable calls check it (a closed or foreign value is 6) and keep
 * its object open while they run, so a CloseHandle during a wait ends the handle at once and the
 * object when the wait returns, as on Windows. */
static inline HANDLE kobjns__facade_handle(const void *kobjns_handle) {
  return (HANDLE)(uintptr_t)kobjns_handle;
}
/* GetCurrentProcess() and GetCurrentThread(): Windows' pseudo-handles, never a table value. */
#define KOBJNS__CURRENT_PROCESS ((HANDLE)(intptr_t)-1)
#define KOBJNS__CURRENT_THREAD ((HANDLE)(intptr_t)-2)
static inline kobjns_section *kobjns__facade_section(HANDLE h) { return (kobjns_section *)h; }
static inline kobjns_sync *kobjns__facade_sync(HANDLE h) { return (kobjns_sync *)h; }

/* A new handle's HANDLE_FLAG_INHERIT, from SECURITY_ATTRIBUTES.bInheritHandle or an Open's
 * bInheritHandle (NULL: nothing). */
void kobjns__facade_inherit(HANDLE h, BOOL inherit);

/* --- names (mapping.c) ----------------------------------------------------------------------- */
/* A name passed to an A function: 0, or ERROR_FILENAME_EXCED_RANGE for MAX_PATH characters or
 * more (Windows converts it into a MAX_PATH buffer). NULL is 0: the caller decides about it. */
DWORD kobjns__facade_check_ansi_name(const char *name);

/* --- views (virtual.c) ------------------------------------------------------------------------ */
/* UnmapViewOfFile's kobjns_unmap(), with VirtualProtect's record of the view dropped at once. */
int kobjns__facade_unmap(void *addr);

/* --- strings (security.c) -------------------------------------------------------------------- */
/* A UTF-16 string as UTF-8 from malloc: 0, 8, or 1113 (an unpaired surrogate). */
int kobjns__facade_utf8(const WCHAR *w, char **out);
/* UTF-8 as UTF-16 into out[size] (NUL-terminated when it fits; out may be NULL): 0 with *units
 * (without the NUL), or 1113. */
int kobjns__facade_utf16(const char *utf8, WCHAR *out, size_t size, size_t *units);

/* --- security (security.c) ------------------------------------------------------------------- */
/* The SDDL text of `sd` (NULL for Windows' default), or a Win32 error. */
DWORD kobjns__facade_sddl_of(const void *sd, const char **sddl);
/* A binary SID's string form, "S-1-<authority>-<sub>..." (an authority of more than 32 bits in
 * hex), as ConvertSidToStringSid writes it: 0, or ERROR_INVALID_SID for no valid SID. "S-1-", a
 * 48-bit authority, 15 sub-authorities of up to 10 digits and a dash each, the NUL: */
#define KOBJNS__FACADE_SID_TEXT_MAX (4 + 16 + SID_MAX_SUB_AUTHORITIES * 11 + 1)
DWORD kobjns__facade_sid_text(const void *sid, char out[KOBJNS__FACADE_SID_TEXT_MAX]);

#endif
