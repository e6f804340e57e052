/* <stdlib.h>: the C library's own, then what Microsoft's adds that Win32 console programs use,
 * the integer-to-string functions (_itoa and its family). Found first by programs built against
 * libkobjns-winapi (`pkg-config kobjns-winapi`, dependency('kobjns-winapi')). What differs from
 * Windows: docs/porting.md, "The C runtime". */
#pragma GCC system_header
/* Outside the guard: every inclusion reaches the C library's header, whatever it expects. */
#include_next <stdlib.h>

#ifndef KOBJNS_WINAPI_STDLIB_H
#define KOBJNS_WINAPI_STDLIB_H

#ifdef __cplusplus
extern "C" {
#endif

#ifndef _ERRNO_T_DEFINED /* Microsoft's guard, which Wine's CRT headers use too */
#define _ERRNO_T_DEFINED
typedef int errno_t;
#endif

/* The buffer sizes Microsoft documents, terminating NUL and sign included. */
#define _MAX_ITOSTR_BASE16_COUNT (8 + 1)
#define _MAX_ITOSTR_BASE10_COUNT (1 + 10 + 1)
#define _MAX_ITOSTR_BASE8_COUNT (11 + 1)
#define _MAX_ITOSTR_BASE2_COUNT (32 + 1)
#define _MAX_LTOSTR_BASE16_COUNT (8 + 1)
#define _MAX_LTOSTR_BASE10_COUNT (1 + 10 + 1)
#define _MAX_LTOSTR_BASE8_COUNT (11 + 1)
#define _MAX_LTOSTR_BASE2_COUNT (32 + 1)
#define _MAX_ULTOSTR_BASE16_COUNT (8 + 1)
#define _MAX_ULTOSTR_BASE10_COUNT (10 + 1)
#define _MAX_ULTOSTR_BASE8_COUNT (11 + 1)
#define _MAX_ULTOSTR_BASE2_COUNT (32 + 1)
#define _MAX_I64TOSTR_BASE16_COUNT (16 + 1)
#define _MAX_I64TOSTR_BASE10_COUNT (1 + 19 + 1)
#define _MAX_I64TOSTR_BASE8_COUNT (22 + 1)
#define _MAX_I64TOSTR_BASE2_COUNT (64 + 1)
#define _MAX_U64TOSTR_BASE16_COUNT (16 + 1)
#define _MAX_U64TOSTR_BASE10_COUNT (20 + 1)
#define _MAX_U64TOSTR_BASE8_COUNT (22 + 1)
#define _MAX_U64TOSTR_BASE2_COUNT (64 + 1)

/* value in radix 2 to 36, lowercase, into buffer, which is returned. A minus sign in radix 10
 * only; in other radices a negative value is written as its two's complement. A radix outside
 * 2..36 leaves "" and errno EINVAL; a NULL buffer returns NULL with errno EINVAL. long is 64 bits
 * here: a long Windows' 32-bit long can hold, and an unsigned long that is such a negative long
 * converted, are written as Windows writes them, a larger one whole.
 */
char *_itoa(int value, char *buffer, int radix);
char *_ltoa(long value, char *buffer, int radix);
char *_ultoa(unsigned long value, char *buffer, int radix);
char *_i64toa(long long value, char *buffer, int radix);
char *_ui64toa(unsigned long long value, char *buffer, int radix);
/* The same into a buffer of `size` bytes: 0; EINVAL for a NULL buffer, a size of 0 or a radix
 * outside 2..36; ERANGE when the text does not fit. On an error the buffer (if any) holds "" and
 * errno is the error too. */
errno_t _itoa_s(int value, char *buffer, size_t size, int radix);
errno_t _ltoa_s(long value, char *buffer, size_t size, int radix);
errno_t _ultoa_s(unsigned long value, char *buffer, size_t size, int radix);
errno_t _i64toa_s(long long value, char *buffer, size_t size, int radix);
errno_t _ui64toa_s(unsigned long long value, char *buffer, size_t size, int radix);

/* The old names Microsoft's <stdlib.h> also declares: inline, so that the library exports no
 * itoa of its own to meet another library's. */
static inline char *itoa(int value, char *buffer, int radix) { return _itoa(value, buffer, radix); }
static inline char *ltoa(long value, char *buffer, int radix) {
  return _ltoa(value, buffer, radix);
}
static inline char *ultoa(unsigned long value, char *buffer, int radix) {
  return _ultoa(value, buffer, radix);
}

#ifdef __cplusplus
}
#endif

#endif
