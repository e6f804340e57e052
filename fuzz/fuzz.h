/* What the fuzz targets share: libFuzzer's entry points (each target defines both; replay.c
 * calls them when there is no libFuzzer) and the invariant check. */
#ifndef KOBJNS_FUZZ_H
#define KOBJNS_FUZZ_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A broken invariant: say which, then abort, which libFuzzer reports as a crash and saves the
 * input of (a replay run fails). */
#if defined(__GNUC__)
__attribute__((format(printf, 4, 5)))
#endif
static _Noreturn inline void
fuzz_fail(const char *file, int line, const char *expr, const char *fmt, ...) {
  fprintf(stderr, "%s:%d: invariant broken: %s\n  ", file, line, expr);
  va_list ap;
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
  abort();
}

/* FUZZ_CHECK(condition, "printf format", args...): the format describes the case. */
#define FUZZ_CHECK(cond, ...) ((cond) ? (void)0 : fuzz_fail(__FILE__, __LINE__, #cond, __VA_ARGS__))

#endif
