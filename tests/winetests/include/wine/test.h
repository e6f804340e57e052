/*
 * kobjns's own stand-in for Wine's <wine/test.h>: the macros and functions Wine's conformance
 * tests (dlls/kernel32/tests/sync.c, virtual.c, dlls/ntdll/tests/om.c) use, written for this
 * project and implemented in ../../harness.c. No Wine code; the names and their meaning follow
 * Wine's documented test API (docs/wine-tests.md):
 *
 *   ok(cond, fmt, ...)      one check: passed if cond, failed (and reported) otherwise
 *   todo_wine, todo_wine_if(x)  nothing: the check that follows is Windows' answer and must pass
 *   broken(x)               false: a Windows-version-specific result is not accepted
 *   skip, win_skip, trace   messages; skip and win_skip are counted
 *   winetest_push_context / winetest_pop_context   a prefix for the messages
 *   START_TEST(name)        the file's entry: harness.c runs it (see WINETEST_RUN)
 *
 * Included by Wine's files after the Windows headers (Wine's own headers, from libwine-dev).
 */
#ifndef KOBJNS_WINETEST_TEST_H
#define KOBJNS_WINETEST_TEST_H

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <windef.h>
#include <winbase.h>

#ifdef __cplusplus
extern "C" {
#endif

#define WINETEST_PRINTF(f, a) __attribute__((format(printf, f, a)))

extern int winetest_debug;
extern int winetest_interactive;
extern const char *winetest_platform;

void winetest_set_location(const char *file, int line);
void winetest_ok(int condition, const char *msg, ...) WINETEST_PRINTF(2, 3);
void winetest_skip(const char *msg, ...) WINETEST_PRINTF(1, 2);
void winetest_win_skip(const char *msg, ...) WINETEST_PRINTF(1, 2);
void winetest_trace(const char *msg, ...) WINETEST_PRINTF(1, 2);
void winetest_push_context(const char *fmt, ...) WINETEST_PRINTF(1, 2);
void winetest_pop_context(void);
int winetest_get_mainargs(char ***pargv);
void winetest_wait_child_process(HANDLE process);

#define ok_(file, line) (winetest_set_location(file, line), 0) ? (void)0 : winetest_ok
#define skip_(file, line) (winetest_set_location(file, line), 0) ? (void)0 : winetest_skip
#define win_skip_(file, line) (winetest_set_location(file, line), 0) ? (void)0 : winetest_win_skip
#define trace_(file, line) (winetest_set_location(file, line), 0) ? (void)0 : winetest_trace
#define wait_child_process_(file, line) \
    (winetest_set_location(file, line), 0) ? (void)0 : winetest_wait_child_process

#define ok ok_(__FILE__, __LINE__)
#define skip skip_(__FILE__, __LINE__)
#define win_skip win_skip_(__FILE__, __LINE__)
#define trace trace_(__FILE__, __LINE__)
#define wait_child_process wait_child_process_(__FILE__, __LINE__)

/* Windows' answers: a todo_wine check counts as a normal check. */
#define todo_wine
#define todo_wine_if(is_todo)
#define todo_if(is_todo)
#define flaky
#define flaky_wine
#define flaky_wine_if(is_flaky)
#define flaky_if(is_flaky)
/* A result only some Windows versions give: not accepted. */
#define broken(x) (0 && (x))

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(x) (sizeof(x) / sizeof((x)[0]))
#endif

/* Debug strings (wine/debug.h's names): a small ring of buffers, valid for a while. */
const char *wine_dbgstr_wn(const WCHAR *s, int n);
const char *wine_dbgstr_an(const char *s, int n);
const char *wine_dbg_sprintf(const char *fmt, ...) WINETEST_PRINTF(1, 2);
#define wine_dbgstr_w(s) wine_dbgstr_wn((s), -1)
#define wine_dbgstr_a(s) wine_dbgstr_an((s), -1)
#define debugstr_w(s) wine_dbgstr_wn((s), -1)
#define debugstr_wn(s, n) wine_dbgstr_wn((s), (n))
#define debugstr_a(s) wine_dbgstr_an((s), -1)
#define debugstr_an(s, n) wine_dbgstr_an((s), (n))

/* The C runtime's wide-string functions on 16-bit WCHAR (the tests are compiled with
 * -fshort-wchar, as on Windows; the C library's own take a 32-bit wchar_t). */
size_t winetest_wcslen(const WCHAR *s);
int winetest_wcscmp(const WCHAR *a, const WCHAR *b);
int winetest_wcsncmp(const WCHAR *a, const WCHAR *b, size_t n);
WCHAR *winetest_wcscpy(WCHAR *d, const WCHAR *s);
WCHAR *winetest_wcscat(WCHAR *d, const WCHAR *s);
WCHAR *winetest_wcschr(const WCHAR *s, WCHAR c);
WCHAR *winetest_wcsrchr(const WCHAR *s, WCHAR c);
int winetest_wcsicmp(const WCHAR *a, const WCHAR *b);
#define wcslen winetest_wcslen
#define wcscmp winetest_wcscmp
#define wcsncmp winetest_wcsncmp
#define wcscpy winetest_wcscpy
#define wcscat winetest_wcscat
#define wcschr winetest_wcschr
#define wcsrchr winetest_wcsrchr
#define wcsicmp winetest_wcsicmp
#define _wcsicmp winetest_wcsicmp
#define lstrlenW(s) ((int)winetest_wcslen(s))
#define lstrcmpW winetest_wcscmp
#define lstrcpyW winetest_wcscpy
#define lstrcatW winetest_wcscat

/* START_TEST(name): the harness's driver rewrites each test-function call in the body into
 * WINETEST_RUN("call", call): the call runs in a child process of its own (a crash or a hang
 * ends only it), under setjmp, so that a Win32 function the facade lacks ends the test
 * function ("not run: needs F") instead of the run. */
jmp_buf *winetest_begin(const char *call, int line);
void winetest_end(void);
#define WINETEST_RUN(text, call) \
    do { \
        jmp_buf *winetest_jb_ = winetest_begin(text, __LINE__); \
        if (winetest_jb_) { \
            if (!setjmp(*winetest_jb_)) { call; } \
            winetest_end(); \
        } \
    } while (0)

#define START_TEST(name) \
    const char winetest_file_name[] = #name; \
    void winetest_start(void); \
    void winetest_start(void)

#ifdef __cplusplus
}
#endif
#endif
