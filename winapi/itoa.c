/* <stdlib.h>'s integer-to-string functions of Microsoft's C runtime (_itoa and its family), as
 * its source (UCRT xtoa.cpp) behaves: the checks in the same order, the buffer left "" on any
 * error, a bad argument EINVAL rather than the invalid-parameter handler's end of the process. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "facade.h"

/* What the checks of the plain functions never stop: Microsoft passes an unbounded size too. */
#define UNBOUNDED SIZE_MAX

/* `magnitude` in `radix`, after a '-' when `negative`, into buffer of `size` bytes: 0 or the
 * error (errno set too). */
static int xtoa(unsigned long long magnitude, bool negative, char *buffer, size_t size, int radix) {
  int error = 0;
  if (!buffer || size == 0) {
    error = EINVAL;
  } else {
    buffer[0] = '\0';
    if (size <= (negative ? 2u : 1u))
      error = ERANGE;
    else if (radix < 2 || radix > 36)
      error = EINVAL;
  }
  if (error) {
    errno = error;
    return error;
  }
  char digits[64]; /* least significant first: 64 binary digits at most */
  size_t n = 0;
  do {
    digits[n++] = "0123456789abcdefghijklmnopqrstuvwxyz"[magnitude % (unsigned)radix];
    magnitude /= (unsigned)radix;
  } while (magnitude);
  if (size - 1 < n + negative) {
    errno = ERANGE;
    return ERANGE;
  }
  char *out = buffer;
  if (negative) *out++ = '-';
  while (n) *out++ = digits[--n];
  *out = '\0';
  return 0;
}

/* The magnitude and sign of a signed value: a sign in radix 10 only, else the two's complement
 * in `bits` bits. */
static unsigned long long magnitude_of(long long value, int radix, unsigned bits, bool *negative) {
  *negative = radix == 10 && value < 0;
  if (*negative) return 0ull - (unsigned long long)value;
  unsigned long long u = (unsigned long long)value;
  return bits < 64 ? u & ((1ull << bits) - 1) : u;
}

/* long is 64 bits here, Windows' 32: a value a 32-bit long holds has Windows' text (-1 in radix
 * 16 is "ffffffff", what _MAX_LTOSTR_BASE16_COUNT is sized for), a larger one its whole. */
static unsigned long_bits(long value) { return value >= INT32_MIN && value <= INT32_MAX ? 32 : 64; }

/* unsigned long likewise: a negative 32-bit value converted to it (ULONG_MAX, ~0UL, an int -1
 * passed) is sign-extended here, 32 bits on Windows: written as Windows writes it, in the size
 * _MAX_ULTOSTR_*_COUNT documents (its 64-bit text overflowed those buffers). */
static unsigned long long ulong_value(unsigned long value) {
  unsigned long long u = value;
  return u >= 0xFFFFFFFF80000000ull ? u & 0xFFFFFFFFull : u;
}

KOBJNS_WIN32_API errno_t _itoa_s(int value, char *buffer, size_t size, int radix) {
  bool negative;
  unsigned long long m = magnitude_of(value, radix, 32, &negative);
  return xtoa(m, negative, buffer, size, radix);
}

KOBJNS_WIN32_API errno_t _ltoa_s(long value, char *buffer, size_t size, int radix) {
  bool negative;
  unsigned long long m = magnitude_of(value, radix, long_bits(value), &negative);
  return xtoa(m, negative, buffer, size, radix);
}

KOBJNS_WIN32_API errno_t _ultoa_s(unsigned long value, char *buffer, size_t size, int radix) {
  return xtoa(ulong_value(value), false, buffer, size, radix);
}

KOBJNS_WIN32_API errno_t _i64toa_s(long long value, char *buffer, size_t size, int radix) {
  bool negative;
  unsigned long long m = magnitude_of(value, radix, 64, &negative);
  return xtoa(m, negative, buffer, size, radix);
}

KOBJNS_WIN32_API errno_t _ui64toa_s(unsigned long long value, char *buffer, size_t size,
                                    int radix) {
  return xtoa(value, false, buffer, size, radix);
}

KOBJNS_WIN32_API char *_itoa(int value, char *buffer, int radix) {
  _itoa_s(value, buffer, UNBOUNDED, radix);
  return buffer;
}

KOBJNS_WIN32_API char *_ltoa(long value, char *buffer, int radix) {
  _ltoa_s(value, buffer, UNBOUNDED, radix);
  return buffer;
}

KOBJNS_WIN32_API char *_ultoa(unsigned long value, char *buffer, int radix) {
  _ultoa_s(value, buffer, UNBOUNDED, radix);
  return buffer;
}

KOBJNS_WIN32_API char *_i64toa(long long value, char *buffer, int radix) {
  _i64toa_s(value, buffer, UNBOUNDED, radix);
  return buffer;
}

KOBJNS_WIN32_API char *_ui64toa(unsigned long long value, char *buffer, int radix) {
  _ui64toa_s(value, buffer, UNBOUNDED, radix);
  return buffer;
}
