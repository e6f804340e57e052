/* <conio.h> of Microsoft's C runtime, for Win32 console programs built on Linux against
 * libkobjns-winapi (its include directory is added by `pkg-config kobjns-winapi` and
 * dependency('kobjns-winapi')). What differs from Windows: docs/porting.md, "The C runtime". */
#ifndef KOBJNS_WINAPI_CONIO_H
#define KOBJNS_WINAPI_CONIO_H
#pragma GCC system_header

#ifdef __cplusplus
extern "C" {
#endif

/* One key from standard input, without echo and without waiting for Enter (EOF at the end of
 * input, or when there is nothing to read from). */
int _getch(void);
/* _getch, echoing the key with _putch (a key given back with _ungetch is not echoed again). */
int _getche(void);
/* Nonzero when a key is waiting: the next _getch returns it at once. */
int _kbhit(void);
/* Writes c to the console (standard output, flushed): c, or EOF. */
int _putch(int c);
/* Gives c back to the next _getch or _getche: c, or EOF when one is given back already. */
int _ungetch(int c);

/* The old names <conio.h> also declares. Inline, so that the library exports no getch of its own
 * to meet curses' at link time; a program that includes <curses.h> first keeps curses' macros. */
#ifndef getch
static inline int getch(void) { return _getch(); }
#endif
#ifndef getche
static inline int getche(void) { return _getche(); }
#endif
#ifndef kbhit
static inline int kbhit(void) { return _kbhit(); }
#endif
#ifndef putch
static inline int putch(int c) { return _putch(c); }
#endif
#ifndef ungetch
static inline int ungetch(int c) { return _ungetch(c); }
#endif

#ifdef __cplusplus
}
#endif

#endif
