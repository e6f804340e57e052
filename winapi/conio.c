/* <conio.h>: keys read one at a time from standard input, and characters written to standard
 * output. Windows reads the console's own input; here standard input is the console, a terminal
 * put into non-canonical mode without echo for the length of one read (and restored), or a pipe
 * or file, read a byte at a time. docs/porting.md says what differs. */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <termios.h>
#include <unistd.h>

#include <conio.h>

#include "facade.h"

/* One lock for the console, as Microsoft's CRT has: a _kbhit waits for a _getch in another
 * thread. `ungot` is what _ungetch gave back; `peeked` is a key _kbhit had to read to see it (a
 * terminal cannot be asked without reading), which Windows would have left in the console's
 * input: both are the next keys, in that order. EOF: none. */
static pthread_mutex_t console_lock = PTHREAD_MUTEX_INITIALIZER;
static int ungot = EOF, peeked = EOF;

/* One byte of standard input: the byte, EOF at its end or on an error, or EOF - 1 when `wait`
 * is false and none is waiting. A terminal answers a key without Enter and without echo, and
 * Enter as '\r' (what Windows' _getch gives); its modes are restored before returning. */
static int read_byte(bool wait) {
  struct termios saved;
  bool tty = tcgetattr(STDIN_FILENO, &saved) == 0;
  if (tty) {
    struct termios raw = saved;
    raw.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
    raw.c_iflag &= ~(tcflag_t)ICRNL;
    raw.c_cc[VMIN] = wait ? 1 : 0;
    raw.c_cc[VTIME] = 0;
    /* TCSANOW: keys typed ahead stay to be read. */
    if (tcsetattr(STDIN_FILENO, TCSANOW, &raw) != 0) tty = false;
  }
  if (!tty && !wait) {
    /* A pipe or a file: poll first, so that _kbhit never blocks (POLLHUP: the end is there). */
    struct pollfd p = {.fd = STDIN_FILENO, .events = POLLIN};
    int n;
    do n = poll(&p, 1, 0);
    while (n < 0 && errno == EINTR);
    if (n <= 0 || !(p.revents & (POLLIN | POLLHUP))) return EOF - 1;
  }
  unsigned char byte;
  ssize_t n;
  do n = read(STDIN_FILENO, &byte, 1);
  while (n < 0 && errno == EINTR);
  if (tty) tcsetattr(STDIN_FILENO, TCSANOW, &saved);
  if (n == 1) return byte;
  /* A terminal with nothing typed answers 0 bytes at once (VMIN 0). */
  return tty && !wait && n == 0 ? EOF - 1 : EOF;
}

/* The next key, held back or read; `echo` says whether it is one _getche should echo. */
static int next_key(bool *echo) {
  int c;
  *echo = ungot == EOF; /* a key given back was seen (and echoed) already */
  if (ungot != EOF) {
    c = ungot;
    ungot = EOF;
  } else if (peeked != EOF) {
    c = peeked;
    peeked = EOF;
  } else {
    c = read_byte(true);
  }
  return c;
}

KOBJNS_WIN32_API int _getch(void) {
  bool echo;
  pthread_mutex_lock(&console_lock);
  int c = next_key(&echo);
  pthread_mutex_unlock(&console_lock);
  return c;
}

KOBJNS_WIN32_API int _getche(void) {
  bool echo;
  pthread_mutex_lock(&console_lock);
  int c = next_key(&echo);
  /* Microsoft's _getche: EOF when the echo fails. */
  if (c != EOF && echo && _putch(c) == EOF) c = EOF;
  pthread_mutex_unlock(&console_lock);
  return c;
}

KOBJNS_WIN32_API int _kbhit(void) {
  pthread_mutex_lock(&console_lock);
  if (ungot == EOF && peeked == EOF) {
    int c = read_byte(false);
    if (c >= 0) peeked = c;
  }
  int waiting = ungot != EOF || peeked != EOF;
  pthread_mutex_unlock(&console_lock);
  return waiting;
}

/* Through stdio, flushed: after what the program printed before, and seen at once (a prompt). */
KOBJNS_WIN32_API int _putch(int c) {
  if (putc(c, stdout) == EOF || fflush(stdout) == EOF) return EOF;
  return c;
}

/* Microsoft's: one character may be given back; EOF itself cannot be. */
KOBJNS_WIN32_API int _ungetch(int c) {
  pthread_mutex_lock(&console_lock);
  int result = EOF;
  if (c != EOF && ungot == EOF) {
    ungot = c & 0xFF;
    result = c;
  }
  pthread_mutex_unlock(&console_lock);
  return result;
}
