/* The test kit, portable half (see kt.h); kt-posix.c and kt-win32.c start and stop processes. */
#include "kt.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* Names stay valid until kt_cleanup(): a suite makes a few hundred at most. */
static char **names;
static size_t name_count;

const char *kt_prefixed(const char *prefix, const char *base) {
  static unsigned counter;
  char buf[512];
  snprintf(buf, sizeof buf, "%s%s.%s.%u", prefix, base, kt_run_id(), counter++);
  char **grown = realloc(names, (name_count + 1) * sizeof *names);
  if (!grown) abort();
  names = grown;
  size_t len = strlen(buf) + 1;
  names[name_count] = malloc(len);
  if (!names[name_count]) abort();
  memcpy(names[name_count], buf, len);
  return names[name_count++];
}

const char *kt_name(const char *base) { return kt_prefixed("", base); }

unsigned kt_names_still_open(void) {
  unsigned n = 0;
  for (size_t i = 0; i < name_count; i++) {
    kobjns_section *s = NULL;
    int rc = kobjns_section_open(NULL, names[i], KOBJNS_MAP_READ, &s);
    if (s) kobjns_section_close(s);
    if (rc != KOBJNS_FILE_NOT_FOUND) { /* found, or found and locked down (5) */
      fprintf(stderr, "still open: %s (%s)\n", names[i], kobjns_status_name(rc));
      n++;
    }
  }
  return n;
}

void kt_free_names(void) {
  for (size_t i = 0; i < name_count; i++) free(names[i]);
  free(names);
  names = NULL;
  name_count = 0;
}

kobjns_ctx *kt_ctx(uint32_t session, bool privileged) {
  kobjns_ctx *ctx = NULL;
  KT_OK(kobjns_ctx_new(&ctx));
  if (!ctx) return NULL;
  KT_OK(kobjns_ctx_set_session(ctx, session));
  int rc = kobjns_ctx_set_privilege(ctx, KOBJNS_PRIV_CREATE_GLOBAL, privileged);
  if (privileged) {
    CU_ASSERT(rc == 0 || rc == KOBJNS_PRIVILEGE_NOT_HELD);
  } else {
    KT_OK(rc);
  }
  return ctx;
}

static bool holds_create_global(kobjns_ctx *ctx) {
  int held = 0;
  return ctx && kobjns_ctx_has_privilege(ctx, KOBJNS_PRIV_CREATE_GLOBAL, &held) == 0 && held;
}

kobjns_ctx *kt_global_creator(void) {
  kobjns_ctx *ctx = kt_ctx(1, true);
  if (holds_create_global(ctx) || !kt_sessions_simulated()) return ctx;
  kobjns_ctx_free(ctx);
  return kt_ctx(0, false); /* a service: session 0 needs no privilege */
}

static bool can_create_global(void) {
  if (kt_sessions_simulated()) return true;
  kobjns_ctx *ctx = NULL;
  bool held = kobjns_ctx_new(&ctx) == 0 && holds_create_global(ctx);
  kobjns_ctx_free(ctx);
  return held;
}

const char *kt_unavailable(unsigned needs) {
  static char why[256];
  const char *limit = kt_platform_limit(needs);
  if (limit) return limit;
  if ((needs & KT_NEEDS_OTHER_ABI) && !getenv("KOBJNS_TEST_OTHER_ABI"))
    return "needs a test binary of the other word size (KOBJNS_TEST_OTHER_ABI; tools/test's "
           "native and i386 legs set it, and its aarch64 leg in a run with the i386 build)";
  if ((needs & KT_NEEDS_OTHER_LAYOUT) && !getenv("KOBJNS_TEST_OTHER_LAYOUT"))
    return "needs a test binary of the other POSIX layout (KOBJNS_TEST_OTHER_LAYOUT: tools/test's "
           "native and generic legs set it to each other's)";
  if ((needs & KT_NEEDS_ROOT) && !kt_is_root())
    return "runs processes as other uids, which needs root";
  if ((needs & KT_NEEDS_CREATE_GLOBAL) && !can_create_global())
    return "needs SeCreateGlobalPrivilege (an administrator or a service)";
  if ((needs & KT_NEEDS_SESSION1) && kt_runner_session() != 1 && !kt_sessions_simulated()) {
    snprintf(why, sizeof why,
             "plays an app in session 1 (as every Wine process is); this process is in session %u",
             (unsigned)kt_runner_session());
    return why;
  }
  return NULL;
}

void kt_add(CU_pSuite suite, const char *name, void (*fn)(void), unsigned needs) {
  const char *why = kt_unavailable(needs);
  if (why) printf("SKIP: %s: %s\n", name, why);
  if (!fn) { /* only a test the platform cannot run may be left out */
    if (!why)
      fprintf(stderr, "FAIL: %s is not compiled here, yet nothing stops it\n", name), abort();
    return;
  }
  CU_pTest test = CU_add_test(suite, name, fn);
  if (why && test) CU_set_test_active(test, CU_FALSE);
}

void kt_add_not_wine(CU_pSuite suite, const char *name, void (*fn)(void), unsigned needs,
                     const char *wine_differs) {
  if (!kt_under_wine()) {
    kt_add(suite, name, fn, needs);
    return;
  }
  printf("SKIP: %s: Wine 8.0 differs from Windows: %s\n", name, wine_differs);
  CU_pTest test = CU_add_test(suite, name, fn);
  if (test) CU_set_test_active(test, CU_FALSE);
}

uint32_t kt_unused_session(void) { return 1000000u + (uint32_t)atol(kt_run_id()); }

unsigned kt_rand(unsigned *seed) {
  *seed = *seed * 1103515245u + 12345u;
  return (*seed >> 16) & 0x7fff;
}

/* --- talking to children -----------------------------------------------------------------------
 */

__attribute__((format(printf, 2, 0))) static void vsend(kt_proc *p, const char *fmt, va_list ap) {
  vfprintf(p->to, fmt, ap);
  fputc('\n', p->to);
  fflush(p->to);
}

void kt_send(kt_proc *p, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsend(p, fmt, ap);
  va_end(ap);
}

int kt_cmd(kt_proc *p, char *reply, size_t reply_size, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsend(p, fmt, ap);
  va_end(ap);
  return kt_recv(p, reply, reply_size);
}

int kt_recv(kt_proc *p, char *reply, size_t reply_size) {
  char line[4096];
  if (!fgets(line, sizeof line, p->from)) return -1000;
  line[strcspn(line, "\r\n")] = '\0';
  if (reply) snprintf(reply, reply_size, "%s", line);
  return atoi(line);
}

int kt_wait(kt_proc *p) {
  fputs("exit\n", p->to);
  fflush(p->to);
  return kt_reap(p);
}

const char *kt_emulator(void) {
  const char *v = getenv("KOBJNS_TEST_EMULATED");
  return v && *v ? v : NULL;
}

bool kt_under_valgrind(void) {
  const char *preload = getenv("LD_PRELOAD");
  return preload && strstr(preload, "vgpreload");
}

bool kt_slowed(void) {
#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
  return true;
#else
  const char *preload = getenv("LD_PRELOAD");
  return preload && strstr(preload, "vgpreload");
#endif
}
