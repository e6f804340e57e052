/* libkobjns-winapi's C runtime (the facade suite): <conio.h> with standard input a pipe, a
 * closed descriptor and a pseudo-terminal, standard output a pipe; <stdlib.h>'s _itoa family at
 * its edges, against Microsoft's documented answers, and in every radix against strtoull. */
#include <windows.h>
#include <conio.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "kt.h"

/* --- the integer-to-string functions --------------------------------------------------------- */

#define WANT_TEXT(call, text)                                                                      \
  do {                                                                                             \
    char kt_buf_[80];                                                                              \
    memset(kt_buf_, 'x', sizeof kt_buf_);                                                          \
    char *kt_r_ = (call);                                                                          \
    bool kt_ok_ = kt_r_ == kt_buf_ && !strcmp(kt_buf_, (text)) &&                                  \
                  kt_buf_[strlen(text) + 1] == 'x'; /* nothing written past the NUL */             \
    if (!kt_ok_)                                                                                   \
      fprintf(stderr, "\n  %s:%d: %s -> \"%.79s\", want \"%s\"\n", __FILE__, __LINE__, #call,      \
              kt_r_ == kt_buf_ ? kt_buf_ : "(not the buffer)", (text));                            \
    CU_ASSERT(kt_ok_);                                                                             \
  } while (0)

static void itoa_edges(void) {
  WANT_TEXT(_itoa(0, kt_buf_, 10), "0");
  WANT_TEXT(_itoa(0, kt_buf_, 2), "0");
  WANT_TEXT(_itoa(0, kt_buf_, 36), "0");
  WANT_TEXT(_itoa(-255, kt_buf_, 10), "-255");
  WANT_TEXT(_itoa(255, kt_buf_, 16), "ff"); /* lowercase */
  WANT_TEXT(_itoa(35, kt_buf_, 36), "z");
  WANT_TEXT(_itoa(INT_MAX, kt_buf_, 10), "2147483647");
  WANT_TEXT(_itoa(INT_MAX, kt_buf_, 36), "zik0zj");
  WANT_TEXT(_itoa(INT_MIN, kt_buf_, 10), "-2147483648");
  /* Other radices: the two's complement, no sign (Microsoft's documented answer). */
  WANT_TEXT(_itoa(INT_MIN, kt_buf_, 16), "80000000");
  WANT_TEXT(_itoa(INT_MIN, kt_buf_, 2), "10000000000000000000000000000000");
  WANT_TEXT(_itoa(-1, kt_buf_, 2), "11111111111111111111111111111111");
  WANT_TEXT(_itoa(-1, kt_buf_, 8), "37777777777");
  WANT_TEXT(_itoa(-1, kt_buf_, 16), "ffffffff");
  WANT_TEXT(_itoa(-10, kt_buf_, 36), "1z141yu");
  WANT_TEXT(itoa(-42, kt_buf_, 10), "-42");
  WANT_TEXT(itoa(-42, kt_buf_, 16), "ffffffd6");

  /* long: Windows' text for what a 32-bit long holds, the whole of a larger value. */
  WANT_TEXT(_ltoa(-1L, kt_buf_, 16), "ffffffff");
  WANT_TEXT(_ltoa(INT_MIN, kt_buf_, 16), "80000000");
#if LONG_MAX > INT_MAX /* a 64-bit long: values Windows' long cannot hold are written whole */
  WANT_TEXT(_ltoa((long)INT_MIN - 1, kt_buf_, 16), "ffffffff7fffffff");
  WANT_TEXT(_ltoa(1L << 40, kt_buf_, 16), "10000000000");
  WANT_TEXT(_ltoa(LONG_MIN, kt_buf_, 10), "-9223372036854775808");
  WANT_TEXT(_ltoa(LONG_MIN, kt_buf_, 16), "8000000000000000");
#endif
  WANT_TEXT(ltoa(-7L, kt_buf_, 10), "-7");
  WANT_TEXT(ltoa(-7L, kt_buf_, 2), "11111111111111111111111111111001");
  WANT_TEXT(_ultoa(4294967295UL, kt_buf_, 10), "4294967295");
  /* A negative 32-bit value made unsigned long (ULONG_MAX, ~0UL, an int -1 passed) is Windows'
   * 32 bits there and fits Microsoft's documented sizes; here it is sign-extended to 64 bits,
   * whose whole text overflowed those buffers. */
  WANT_TEXT(_ultoa(ULONG_MAX, kt_buf_, 16), "ffffffff");
  WANT_TEXT(_ultoa((unsigned long)(long)INT_MIN, kt_buf_, 16), "80000000");
#if LONG_MAX > INT_MAX
  WANT_TEXT(_ultoa((unsigned long)(long)INT_MIN - 1, kt_buf_, 16), "ffffffff7fffffff");
#endif
  WANT_TEXT(ultoa(~0UL, kt_buf_, 2), "11111111111111111111111111111111");
  {
    int minus_one = -1;
    char fits[_MAX_ULTOSTR_BASE10_COUNT];
    CU_ASSERT_EQUAL(_ultoa_s(minus_one, fits, sizeof fits, 10), 0);
    CU_ASSERT_STRING_EQUAL(fits, "4294967295");
  }
  WANT_TEXT(ultoa(36UL, kt_buf_, 36), "10");

  WANT_TEXT(_i64toa(LLONG_MIN, kt_buf_, 10), "-9223372036854775808");
  WANT_TEXT(_i64toa(LLONG_MIN, kt_buf_, 2),
            "1000000000000000000000000000000000000000000000000000000000000000");
  WANT_TEXT(_i64toa(-1LL, kt_buf_, 16), "ffffffffffffffff");
  WANT_TEXT(_i64toa(LLONG_MAX, kt_buf_, 10), "9223372036854775807");
  WANT_TEXT(_ui64toa(ULLONG_MAX, kt_buf_, 10), "18446744073709551615");
  WANT_TEXT(_ui64toa(ULLONG_MAX, kt_buf_, 36), "3w5e11264sgsf");
  WANT_TEXT(_ui64toa(0, kt_buf_, 7), "0");
}

/* The buffer sizes Microsoft documents hold the longest text of each function. */
static void itoa_documented_sizes(void) {
  char buf[_MAX_I64TOSTR_BASE2_COUNT + 1];
  struct {
    size_t length, documented;
  } rows[] = {
      {strlen(_itoa(INT_MIN, buf, 2)), _MAX_ITOSTR_BASE2_COUNT},
      {strlen(_itoa(INT_MIN, buf, 8)), _MAX_ITOSTR_BASE8_COUNT},
      {strlen(_itoa(INT_MIN, buf, 10)), _MAX_ITOSTR_BASE10_COUNT},
      {strlen(_itoa(INT_MIN, buf, 16)), _MAX_ITOSTR_BASE16_COUNT},
      {strlen(_ltoa(INT_MIN, buf, 2)), _MAX_LTOSTR_BASE2_COUNT},
      {strlen(_ltoa(INT_MIN, buf, 8)), _MAX_LTOSTR_BASE8_COUNT},
      {strlen(_ltoa(INT_MIN, buf, 10)), _MAX_LTOSTR_BASE10_COUNT},
      {strlen(_ltoa(INT_MIN, buf, 16)), _MAX_LTOSTR_BASE16_COUNT},
      {strlen(_ultoa(UINT_MAX, buf, 2)), _MAX_ULTOSTR_BASE2_COUNT},
      {strlen(_ultoa(UINT_MAX, buf, 8)), _MAX_ULTOSTR_BASE8_COUNT},
      {strlen(_ultoa(UINT_MAX, buf, 10)), _MAX_ULTOSTR_BASE10_COUNT},
      {strlen(_ultoa(UINT_MAX, buf, 16)), _MAX_ULTOSTR_BASE16_COUNT},
      {strlen(_i64toa(LLONG_MIN, buf, 2)), _MAX_I64TOSTR_BASE2_COUNT},
      {strlen(_i64toa(LLONG_MIN, buf, 8)), _MAX_I64TOSTR_BASE8_COUNT},
      {strlen(_i64toa(LLONG_MIN, buf, 10)), _MAX_I64TOSTR_BASE10_COUNT},
      {strlen(_i64toa(LLONG_MIN, buf, 16)), _MAX_I64TOSTR_BASE16_COUNT},
      {strlen(_ui64toa(ULLONG_MAX, buf, 2)), _MAX_U64TOSTR_BASE2_COUNT},
      {strlen(_ui64toa(ULLONG_MAX, buf, 8)), _MAX_U64TOSTR_BASE8_COUNT},
      {strlen(_ui64toa(ULLONG_MAX, buf, 10)), _MAX_U64TOSTR_BASE10_COUNT},
      {strlen(_ui64toa(ULLONG_MAX, buf, 16)), _MAX_U64TOSTR_BASE16_COUNT},
  };
  for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
    if (rows[i].length + 1 != rows[i].documented)
      fprintf(stderr, "\n  row %zu: %zu characters and the NUL, documented %zu\n", i,
              rows[i].length, rows[i].documented);
    CU_ASSERT_EQUAL(rows[i].length + 1, rows[i].documented);
  }
}

/* Every radix, values around each power of it and random ones: strtoull reads back the value
 * (the 32-bit two's complement for _itoa outside radix 10), and _itoa agrees with _i64toa. */
static void itoa_every_radix(void) {
  unsigned seed = 19, bad = 0;
  for (int radix = 2; radix <= 36; radix++) {
    for (unsigned i = 0; i < 400; i++) {
      long long v = (long long)((unsigned long long)kt_rand(&seed) << 33 ^
                                (unsigned long long)kt_rand(&seed) << 11 ^ kt_rand(&seed));
      if (i < 64) v = (i & 1 ? -1 : 1) * (1LL << (i / 2)) - (i & 2 ? 1 : 0); /* powers of 2, +-1 */
      char a[80], b[80];
      _i64toa(v, a, radix);
      bool negative = a[0] == '-';
      unsigned long long back = strtoull(a + negative, NULL, radix);
      if (negative) back = 0ull - back;
      bool wrong = back != (unsigned long long)v || (negative && radix != 10);
      int small = (int)v;
      _itoa(small, a, radix);
      if (radix == 10)
        _i64toa(small, b, 10);
      else
        _ui64toa((unsigned)small, b, radix);
      wrong = wrong || strcmp(a, b);
      if (wrong && !bad++) /* the first one says enough */
        fprintf(stderr, "\n  radix %d, %lld: _itoa of %d \"%s\", want \"%s\"\n", radix, v, small, a,
                b);
    }
  }
  CU_ASSERT_EQUAL(bad, 0);
}

static void itoa_bad_arguments(void) {
  char buf[80];
  int radices[] = {0, 1, 37, -10, INT_MIN};
  for (size_t i = 0; i < sizeof radices / sizeof radices[0]; i++) {
    strcpy(buf, "untouched");
    errno = 0;
    CU_ASSERT_PTR_EQUAL(_itoa(-5, buf, radices[i]), buf);
    CU_ASSERT_STRING_EQUAL(buf, ""); /* UCRT resets the buffer first */
    CU_ASSERT_EQUAL(errno, EINVAL);
    strcpy(buf, "untouched");
    CU_ASSERT_EQUAL(_ui64toa_s(5, buf, sizeof buf, radices[i]), EINVAL);
    CU_ASSERT_STRING_EQUAL(buf, "");
  }
  errno = 0;
  CU_ASSERT_PTR_NULL(_itoa(1, NULL, 10));
  CU_ASSERT_EQUAL(errno, EINVAL);
  errno = 0;
  CU_ASSERT_PTR_NULL(_ultoa(1, NULL, 10));
  CU_ASSERT_EQUAL(errno, EINVAL);

  /* The _s forms: exactly enough, one byte short (ERANGE, ""), nothing (EINVAL). */
  strcpy(buf, "untouched");
  CU_ASSERT_EQUAL(_itoa_s(-123, buf, 5, 10), 0);
  CU_ASSERT_STRING_EQUAL(buf, "-123");
  strcpy(buf, "untouched");
  errno = 0;
  CU_ASSERT_EQUAL(_itoa_s(-123, buf, 4, 10), ERANGE);
  CU_ASSERT_STRING_EQUAL(buf, "");
  CU_ASSERT_EQUAL(errno, ERANGE);
  CU_ASSERT_EQUAL(strcmp(buf + 1, "ntouched"), 0); /* only the first byte written */
  CU_ASSERT_EQUAL(_ltoa_s(-1, buf, 9, 16), 0);
  CU_ASSERT_STRING_EQUAL(buf, "ffffffff");
  CU_ASSERT_EQUAL(_ltoa_s(-1, buf, 8, 16), ERANGE);
  CU_ASSERT_EQUAL(_ultoa_s(10, buf, 3, 10), 0);
  CU_ASSERT_STRING_EQUAL(buf, "10");
  CU_ASSERT_EQUAL(_ultoa_s(100, buf, 3, 10), ERANGE);
  CU_ASSERT_EQUAL(_i64toa_s(LLONG_MIN, buf, 21, 10), 0);
  CU_ASSERT_STRING_EQUAL(buf, "-9223372036854775808");
  CU_ASSERT_EQUAL(_i64toa_s(LLONG_MIN, buf, 20, 10), ERANGE);
  /* Microsoft checks room for a digit (and a sign) before the radix. */
  CU_ASSERT_EQUAL(_itoa_s(-1, buf, 2, 10), ERANGE);
  CU_ASSERT_EQUAL(_itoa_s(-1, buf, 9, 16), 0); /* no sign outside radix 10 */
  CU_ASSERT_STRING_EQUAL(buf, "ffffffff");
  CU_ASSERT_EQUAL(_itoa_s(1, buf, 1, 99), ERANGE);
  CU_ASSERT_EQUAL(_itoa_s(1, buf, 0, 10), EINVAL);
  CU_ASSERT_EQUAL(_itoa_s(1, NULL, 10, 10), EINVAL);
  CU_ASSERT_EQUAL(_ui64toa_s(7, buf, 2, 10), 0);
  CU_ASSERT_STRING_EQUAL(buf, "7");
}

/* --- <conio.h> ------------------------------------------------------------------------------- */

/* Standard input (or output) replaced by `fd` for a test, and put back. */
typedef struct redirect {
  int target, saved;
} redirect;

static redirect redirect_to(int target, int fd) {
  if (target == STDOUT_FILENO) fflush(stdout);
  redirect r = {target, dup(target)};
  CU_ASSERT_FATAL(r.saved >= 0);
  if (fd >= 0) {
    CU_ASSERT_FATAL(dup2(fd, target) == target);
  } else {
    close(target);
  }
  return r;
}

static void restore(redirect r) {
  if (r.target == STDOUT_FILENO) {
    fflush(stdout);
    clearerr(stdout);
  }
  dup2(r.saved, r.target);
  close(r.saved);
}

/* _kbhit answers at once, whatever it answers. */
static int quick_kbhit(void) {
  double start = kt_now_ms();
  int r = _kbhit();
  CU_ASSERT(kt_now_ms() - start < 2000);
  return r;
}

/* What is in a pipe's read end now (NUL-terminated), without waiting for more. */
static size_t drain(int fd, char *out, size_t size) {
  size_t n = 0;
  struct pollfd p = {.fd = fd, .events = POLLIN};
  while (n + 1 < size && poll(&p, 1, 50) == 1 && (p.revents & POLLIN)) {
    ssize_t got = read(fd, out + n, size - 1 - n);
    if (got <= 0) break;
    n += (size_t)got;
  }
  out[n] = '\0';
  return n;
}

static void conio_pipe(void) {
  int in[2], out[2];
  CU_ASSERT_FATAL(pipe(in) == 0 && pipe(out) == 0);
  redirect r_in = redirect_to(STDIN_FILENO, in[0]);
  CU_ASSERT_EQUAL(quick_kbhit(), 0); /* empty, its writer open: nothing, and no wait */
  CU_ASSERT_EQUAL(write(in[1], "ab\rc", 4), 4);
  CU_ASSERT_EQUAL(quick_kbhit(), 1);
  CU_ASSERT_EQUAL(quick_kbhit(), 1); /* a second look keeps the key */
  CU_ASSERT_EQUAL(_getch(), 'a');    /* the key _kbhit saw */
  CU_ASSERT_EQUAL(_ungetch('z'), 'z');
  CU_ASSERT_EQUAL(_ungetch('y'), EOF); /* one at a time */
  CU_ASSERT_EQUAL(quick_kbhit(), 1);
  CU_ASSERT_EQUAL(_getch(), 'z');
  CU_ASSERT_EQUAL(_getch(), 'b');
  CU_ASSERT_EQUAL(_getch(), '\r'); /* bytes as they come */
  CU_ASSERT_EQUAL(_ungetch(EOF), EOF);
  CU_ASSERT_EQUAL(_ungetch(0x1ff), 0x1ff); /* answered as given, kept as a byte */
  CU_ASSERT_EQUAL(_getch(), 0xff);

  /* _getche echoes through _putch to standard output; a key given back is not echoed again, a
   * key _kbhit saw is. */
  redirect r_out = redirect_to(STDOUT_FILENO, out[1]);
  CU_ASSERT_EQUAL(_getche(), 'c');
  CU_ASSERT_EQUAL(_putch('!'), '!');
  CU_ASSERT_EQUAL(_ungetch('u'), 'u');
  CU_ASSERT_EQUAL(_getche(), 'u');
  CU_ASSERT_EQUAL(write(in[1], "k", 1), 1);
  CU_ASSERT_EQUAL(quick_kbhit(), 1);
  CU_ASSERT_EQUAL(getche(), 'k');
  CU_ASSERT_EQUAL(putch('\n'), '\n');
  restore(r_out);
  char echoed[16];
  drain(out[0], echoed, sizeof echoed);
  CU_ASSERT_STRING_EQUAL(echoed, "c!k\n");

  /* The end of input: nothing waiting, and EOF. */
  CU_ASSERT_EQUAL(write(in[1], "e", 1), 1);
  close(in[1]);
  CU_ASSERT_EQUAL(kbhit(), 1);
  CU_ASSERT_EQUAL(getch(), 'e');
  CU_ASSERT_EQUAL(quick_kbhit(), 0);
  CU_ASSERT_EQUAL(_getch(), EOF);
  CU_ASSERT_EQUAL(_getche(), EOF);
  CU_ASSERT_EQUAL(ungetch('w'), 'w'); /* given back even at the end */
  CU_ASSERT_EQUAL(_getch(), 'w');
  restore(r_in);
  close(in[0]), close(out[0]), close(out[1]);
}

/* No standard input at all, and a standard output that cannot be written: EOF, never a wait. */
static void conio_closed(void) {
  redirect r_in = redirect_to(STDIN_FILENO, -1);
  CU_ASSERT_EQUAL(quick_kbhit(), 0);
  CU_ASSERT_EQUAL(_getch(), EOF);
  restore(r_in);
  int read_only = open("/dev/null", O_RDONLY);
  CU_ASSERT_FATAL(read_only >= 0);
  redirect r_out = redirect_to(STDOUT_FILENO, read_only);
  int put = _putch('x');
  CU_ASSERT_EQUAL(_ungetch('q'), 'q');
  int echoed = _getche(); /* a given-back key is not echoed: it is answered */
  int in[2];
  CU_ASSERT_FATAL(pipe(in) == 0);
  CU_ASSERT_EQUAL(write(in[1], "n", 1), 1);
  redirect r_in2 = redirect_to(STDIN_FILENO, in[0]);
  int unechoed = _getche(); /* a new key whose echo fails: EOF, as Microsoft's */
  restore(r_in2);
  restore(r_out);
  close(read_only), close(in[0]), close(in[1]);
  CU_ASSERT_EQUAL(put, EOF);
  CU_ASSERT_EQUAL(echoed, 'q');
  CU_ASSERT_EQUAL(unechoed, EOF);
}

typedef struct typist {
  int master;
  const char *keys;
} typist;

/* Types `keys` into the terminal once the test waits in _getch (after 150 ms). */
static void *type_later(void *arg) {
  typist *t = arg;
  kt_pause_ms(150);
  if (write(t->master, t->keys, strlen(t->keys)) < 0) perror("typist");
  return NULL;
}

static bool same_modes(const struct termios *a, const struct termios *b) {
  return a->c_lflag == b->c_lflag && a->c_iflag == b->c_iflag && a->c_cc[VMIN] == b->c_cc[VMIN] &&
         a->c_cc[VTIME] == b->c_cc[VTIME];
}

/* A terminal: a key without Enter, no echo, Enter as '\r', the modes put back after each call. */
static void conio_terminal(void) {
  int master = posix_openpt(O_RDWR | O_NOCTTY);
  if (master < 0) perror("posix_openpt");
  CU_ASSERT_FATAL(master >= 0);
  CU_ASSERT_FATAL(grantpt(master) == 0 && unlockpt(master) == 0);
  int slave = open(ptsname(master), O_RDWR | O_NOCTTY);
  CU_ASSERT_FATAL(slave >= 0);
  struct termios before, after;
  CU_ASSERT_FATAL(tcgetattr(slave, &before) == 0);
  CU_ASSERT_FATAL((before.c_lflag & (ICANON | ECHO)) == (ICANON | ECHO));
  CU_ASSERT_FATAL(before.c_iflag & ICRNL);
  redirect r_in = redirect_to(STDIN_FILENO, slave);
  char seen[64];

  CU_ASSERT_EQUAL(quick_kbhit(), 0);
  /* Typed ahead, no Enter: a canonical read would wait for the line; _kbhit sees the key. */
  CU_ASSERT_EQUAL(write(master, "x", 1), 1);
  kt_pause_ms(50);
  drain(master, seen, sizeof seen); /* the terminal's own echo while the program is not reading */
  CU_ASSERT_EQUAL(quick_kbhit(), 1);
  CU_ASSERT(tcgetattr(slave, &after) == 0 && same_modes(&before, &after));
  CU_ASSERT_EQUAL(_getch(), 'x');

  /* Keys typed while _getch waits: one at a time, not echoed; Enter is '\r'. */
  typist t = {master, "q\r"};
  kt_thread *typing = kt_thread_start(type_later, &t);
  int first = _getch();
  kt_thread_join(typing);
  CU_ASSERT_EQUAL(first, 'q');
  CU_ASSERT_EQUAL(_getch(), '\r');
  CU_ASSERT_EQUAL(drain(master, seen, sizeof seen), 0);
  CU_ASSERT(tcgetattr(slave, &after) == 0 && same_modes(&before, &after));

  /* A program's own modes are what is put back. */
  struct termios own = before;
  own.c_lflag &= ~(tcflag_t)ECHO;
  CU_ASSERT_FATAL(tcsetattr(slave, TCSANOW, &own) == 0);
  t.keys = "7";
  typing = kt_thread_start(type_later, &t);
  CU_ASSERT_EQUAL(_getch(), '7');
  kt_thread_join(typing);
  CU_ASSERT(tcgetattr(slave, &after) == 0 && same_modes(&own, &after));

  /* The terminal hung up: EOF. */
  close(master);
  CU_ASSERT_EQUAL(quick_kbhit(), 0);
  CU_ASSERT_EQUAL(_getch(), EOF);
  restore(r_in);
  close(slave);
}

void kt_add_facade_crt(CU_pSuite s) {
  kt_add(s, "C runtime: _itoa, _ltoa, _ultoa, _i64toa, _ui64toa at their edges", itoa_edges, 0);
  kt_add(s, "C runtime: the documented _MAX_*TOSTR_*_COUNT sizes", itoa_documented_sizes, 0);
  kt_add(s, "C runtime: _itoa and _i64toa in every radix, read back", itoa_every_radix, 0);
  kt_add(s, "C runtime: bad radix, NULL, the _s forms' sizes", itoa_bad_arguments, 0);
  kt_add(s, "C runtime: _getch, _getche, _kbhit, _ungetch, _putch on pipes", conio_pipe, 0);
  kt_add(s, "C runtime: no standard input, an unwritable standard output", conio_closed, 0);
  kt_add(s, "C runtime: _getch and _kbhit on a pseudo-terminal", conio_terminal, 0);
}
