/* kobjns test kit: CUnit helpers, unique names, contexts and child processes. */
#ifndef KT_H
#define KT_H

#include <CUnit/CUnit.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "kobjns.h"

/* Assert a status, printing both names when it differs. */
#define KT_STATUS(expr, want)                                                                      \
  do {                                                                                             \
    int kt_rc_ = (expr), kt_want_ = (want);                                                        \
    if (kt_rc_ != kt_want_)                                                                        \
      fprintf(stderr, "\n  %s:%d: %s\n    -> %d %s, want %d %s\n", __FILE__, __LINE__, #expr,      \
              kt_rc_, kobjns_status_name(kt_rc_), kt_want_, kobjns_status_name(kt_want_));         \
    CU_ASSERT_EQUAL(kt_rc_, kt_want_);                                                             \
  } while (0)
#define KT_OK(expr) KT_STATUS(expr, 0)

/* A name unique to this run: "<base>.<run id>.<n>" (kept for the life of the process). */
const char *kt_name(const char *base);
/* The same unique suffix appended to a prefix and a base, e.g. ("Global\\", "x"). */
const char *kt_prefixed(const char *prefix, const char *base);
/* The run id ("<pid>"), shared with children. */
const char *kt_run_id(void);

/* A context in `session`, holding SeCreateGlobalPrivilege or not. */
kobjns_ctx *kt_ctx(uint32_t session, bool privileged);
/* A session number no one uses in this run. */
uint32_t kt_unused_session(void);

/* The path of the file backing a named object, for kernel-level checks (POSIX only). */
void kt_native_path(kobjns_ctx *ctx, const char *name, char *out, size_t size);
/* The test binary's own path (children re-execute it; not /proc/self/exe, which under valgrind
 * is valgrind). */
void kt_set_self(const char *argv0);
/* Free the names and remove the copy of the test binary made for other users. */
void kt_cleanup(void);

/* Whether the suite runs as root (cross-user cases need it). */
bool kt_is_root(void);

/* --- child processes: the test binary re-executed as "--child", driven line by line ------- */
typedef struct kt_proc {
  long pid;
  FILE *to;   /* the child's stdin */
  FILE *from; /* the child's stdout */
} kt_proc;

/* Start a child in `session` (KOBJNS_SESSION), as `uid` (or -1 for ours); a child of another
 * uid runs a copy of the test binary in a directory every user can reach. */
bool kt_spawn(kt_proc *p, uint32_t session, long uid);
/* Send one command and read its one-line reply into reply (which may be NULL). Returns the
 * integer that starts the reply (a status), or -1000 if the child died. */
int kt_cmd(kt_proc *p, char *reply, size_t reply_size, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* The two halves of kt_cmd, to let several children race. */
void kt_send(kt_proc *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int kt_recv(kt_proc *p, char *reply, size_t reply_size);
/* Wait for the child to end: its exit code, or 128 + signal. */
int kt_wait(kt_proc *p);
/* Kill the child with SIGKILL and reap it. */
void kt_kill(kt_proc *p);

/* The child's command interpreter (tests/child.c). */
int kt_child_main(void);

/* Suites. Each registers its tests; `requires_root` suites exit 77 when not root. */
typedef struct kt_suite {
  const char *name;
  void (*add)(CU_pSuite suite);
  bool requires_root;
} kt_suite;

#define KT_SUITE(name, root) void kt_add_##name(CU_pSuite suite);
#include "suites.def"
#undef KT_SUITE

#endif
