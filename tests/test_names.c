/* Name resolution: the object manager's walk (rows 4-7, 15-16, 20, 23-27, 29-31 of
 * windows-semantics.md), UTF-8 validation and length limits. No object is touched. */
/* The deprecated kobjns_session_id is tested here: it must keep working. */
#define KOBJNS_NO_DEPRECATION_WARNINGS
#include <stdlib.h>
#include <string.h>

#include "kt.h"

static char path[1 << 17];

static void expect_path(kobjns_ctx *ctx, const char *name, const char *want) {
  size_t len = 0;
  int rc = kobjns_resolve(ctx, name, path, sizeof path, &len);
  if (rc || strcmp(path, want))
    fprintf(stderr, "\n  resolve(%s) -> %d %s, want %s\n", name, rc, rc ? "" : path, want);
  CU_ASSERT_EQUAL(rc, 0);
  CU_ASSERT_STRING_EQUAL(path, want);
  CU_ASSERT_EQUAL(len, strlen(want));
}

static void expect_status(kobjns_ctx *ctx, const char *name, int want) {
  int rc = kobjns_resolve(ctx, name, path, sizeof path, NULL);
  if (rc != want)
    fprintf(stderr, "\n  resolve(%s) -> %d %s, want %d %s\n", name, rc, kobjns_status_name(rc),
            want, kobjns_status_name(want));
  CU_ASSERT_EQUAL(rc, want);
}

static void session_names(void) {
  kobjns_ctx *app = kt_ctx(1, false);
  const char *local = "\\Sessions\\1\\BaseNamedObjects\\nsA";
  expect_path(app, "nsA", local);
  expect_path(app, "Local\\nsA", local);
  expect_path(app, "Session\\1\\nsA", local);
  expect_path(app, "Local\\Local\\nsA", local);
  const char *global = "\\BaseNamedObjects\\nsA";
  expect_path(app, "Global\\nsA", global);
  expect_path(app, "Session\\0\\nsA", global);
  expect_path(app, "Global\\Global\\nsA", global);
  expect_path(app, "Global\\Local\\nsA", global);
  expect_path(app, "Local\\Global\\nsA", global);
  expect_path(app, "Session\\1\\Global\\nsA", global);
  kobjns_ctx_free(app);
}

static void session_zero_local_is_global(void) {
  kobjns_ctx *service = kt_ctx(0, true);
  expect_path(service, "X", "\\BaseNamedObjects\\X");
  expect_path(service, "Local\\X", "\\BaseNamedObjects\\X");
  expect_path(service, "Global\\X", "\\BaseNamedObjects\\X");
  kobjns_ctx_free(service);
}

static void keywords_are_case_sensitive(void) {
  kobjns_ctx *app = kt_ctx(1, false);
  expect_status(app, "local\\nsA", KOBJNS_PATH_NOT_FOUND);
  expect_status(app, "LOCAL\\nsA", KOBJNS_PATH_NOT_FOUND);
  expect_status(app, "global\\nsA", KOBJNS_PATH_NOT_FOUND);
  expect_status(app, "session\\1\\nsA", KOBJNS_PATH_NOT_FOUND);
  expect_path(app, "NSA", "\\Sessions\\1\\BaseNamedObjects\\NSA");
  kobjns_ctx_free(app);
}

static void unknown_sessions(void) {
  kobjns_ctx *app = kt_ctx(1, false);
  char name[64];
  snprintf(name, sizeof name, "Session\\%u\\x", (unsigned)kt_unused_session());
  expect_status(app, name, KOBJNS_PATH_NOT_FOUND);             /* row 20 */
  expect_status(app, "Session\\01\\x", KOBJNS_PATH_NOT_FOUND); /* "01" is not session 1 */
  expect_status(app, "Session\\4294967296\\x", KOBJNS_PATH_NOT_FOUND);
  kobjns_ctx_free(app);
}

static void sessions_exist_while_used(void) {
  kobjns_ctx *app = kt_ctx(1, false);
  uint32_t other = kt_unused_session();
  char name[64];
  snprintf(name, sizeof name, "Session\\%u\\x", (unsigned)other);
  expect_status(app, name, KOBJNS_PATH_NOT_FOUND);
  kobjns_ctx *member = kt_ctx(other, false);
  char want[96];
  snprintf(want, sizeof want, "\\Sessions\\%u\\BaseNamedObjects\\x", (unsigned)other);
  expect_path(app, name, want);
  kobjns_ctx_free(member);
  expect_status(app, name, KOBJNS_PATH_NOT_FOUND);
  kobjns_ctx_free(app);
}

static void malformed_names(void) {
  kobjns_ctx *app = kt_ctx(1, false);
  /* row 23: empty leaf */
  expect_status(app, "Global\\", KOBJNS_INVALID_NAME);
  expect_status(app, "Local\\", KOBJNS_INVALID_NAME);
  expect_status(app, "Session\\", KOBJNS_INVALID_NAME);
  /* row 24: a link or directory as the leaf */
  expect_status(app, "Global", KOBJNS_INVALID_HANDLE);
  expect_status(app, "Local", KOBJNS_INVALID_HANDLE);
  expect_status(app, "Session", KOBJNS_INVALID_HANDLE);
  expect_status(app, "Session\\1", KOBJNS_INVALID_HANDLE);
  expect_status(app, "Session\\0", KOBJNS_INVALID_HANDLE);
  /* row 25: a middle component that is not a link */
  expect_status(app, "Local\\a\\b", KOBJNS_PATH_NOT_FOUND);
  expect_status(app, "a\\b", KOBJNS_PATH_NOT_FOUND);
  expect_status(app, "Global\\x\\", KOBJNS_PATH_NOT_FOUND);
  expect_status(app, "x\\", KOBJNS_PATH_NOT_FOUND);
  expect_status(app, "Local\\\\x", KOBJNS_INVALID_NAME); /* row 26 */
  expect_status(app, "\\x", KOBJNS_BAD_PATHNAME);        /* row 27 */
  expect_status(app, "", KOBJNS_INVALID_HANDLE);         /* row 29 */
  expect_status(app, NULL, KOBJNS_INVALID_PARAMETER);
  /* row 30: '/' and ':' are ordinary; '\' is not */
  expect_path(app, "a/b", "\\Sessions\\1\\BaseNamedObjects\\a/b");
  expect_path(app, "a:b", "\\Sessions\\1\\BaseNamedObjects\\a:b");
  expect_status(app, "k\\s", KOBJNS_PATH_NOT_FOUND);
  kobjns_ctx_free(app);
}

static void utf8_and_length_limits(void) {
  kobjns_ctx *app = kt_ctx(1, false);
  expect_status(app, "\xff", KOBJNS_NO_UNICODE_TRANSLATION);
  expect_status(app, "a\xc0\xaf", KOBJNS_NO_UNICODE_TRANSLATION);        /* overlong '/' */
  expect_status(app, "\xed\xa0\x80", KOBJNS_NO_UNICODE_TRANSLATION);     /* a surrogate */
  expect_status(app, "\xe2\x82", KOBJNS_NO_UNICODE_TRANSLATION);         /* cut short */
  expect_status(app, "\xf4\x90\x80\x80", KOBJNS_NO_UNICODE_TRANSLATION); /* past U+10FFFF */
  expect_path(app, "\xc3\xa9t\xc3\xa9", "\\Sessions\\1\\BaseNamedObjects\\\xc3\xa9t\xc3\xa9");
  /* row 31: 32766 UTF-16 units, "Local\" included, is the longest name. */
  size_t n = KOBJNS_NAME_MAX_UTF16;
  char *name = malloc(n * 4 + 8);
  strcpy(name, "Local\\");
  memset(name + 6, 'x', n - 6);
  name[n] = '\0';
  size_t len = 0;
  KT_OK(kobjns_resolve(app, name, path, sizeof path, &len));
  CU_ASSERT_EQUAL(len, strlen("\\Sessions\\1\\BaseNamedObjects\\") + n - 6);
  name[n] = 'x', name[n + 1] = '\0';
  expect_status(app, name, KOBJNS_FILENAME_EXCED_RANGE);
  /* Characters outside the BMP count as two UTF-16 units. */
  size_t emoji = n / 2;
  for (size_t i = 0; i < emoji; i++) memcpy(name + 4 * i, "\xf0\x9f\x98\x80", 4);
  name[4 * emoji] = '\0';
  KT_OK(kobjns_resolve(app, name, path, sizeof path, NULL));
  memcpy(name + 4 * emoji, "\xf0\x9f\x98\x80", 5);
  expect_status(app, name, KOBJNS_FILENAME_EXCED_RANGE);
  free(name);
  kobjns_ctx_free(app);
}

static void small_buffer(void) {
  kobjns_ctx *app = kt_ctx(1, false);
  char small[8];
  size_t len = 0;
  KT_STATUS(kobjns_resolve(app, "nsA", small, sizeof small, &len), KOBJNS_INSUFFICIENT_BUFFER);
  CU_ASSERT_EQUAL(len, strlen("\\Sessions\\1\\BaseNamedObjects\\nsA"));
  KT_STATUS(kobjns_resolve(app, "nsA", NULL, 0, &len), KOBJNS_INSUFFICIENT_BUFFER);
  KT_STATUS(kobjns_resolve(app, "nsA", NULL, 5, &len), KOBJNS_INVALID_PARAMETER);
  kobjns_ctx_free(app);
}

static void contexts(void) {
  kobjns_ctx *ctx = NULL;
  KT_STATUS(kobjns_ctx_new(NULL), KOBJNS_INVALID_PARAMETER);
  KT_OK(kobjns_ctx_new(&ctx));
  uint32_t session = 99;
  KT_OK(kobjns_ctx_session(ctx, &session));
  CU_ASSERT_EQUAL(session, kt_runner_session());
  KT_STATUS(kobjns_ctx_set_session(ctx, UINT32_MAX), KOBJNS_INVALID_PARAMETER);
  KT_STATUS(kobjns_ctx_set_privilege(ctx, 0x80, 1), KOBJNS_INVALID_PARAMETER);
  KT_STATUS(kobjns_ctx_set_user(NULL, 1), KOBJNS_INVALID_PARAMETER);
  int held = -1;
  KT_OK(kobjns_ctx_set_privilege(ctx, KOBJNS_PRIV_CREATE_GLOBAL, 0));
  KT_OK(kobjns_ctx_has_privilege(ctx, KOBJNS_PRIV_CREATE_GLOBAL, &held));
  CU_ASSERT_EQUAL(held, 0);
  if (!kt_sessions_simulated()) {
    /* Windows decides the session; acting as a POSIX uid means nothing there. */
    KT_STATUS(kobjns_ctx_set_session(ctx, session + 1), KOBJNS_NOT_SUPPORTED);
    KT_STATUS(kobjns_ctx_set_user(ctx, 12345), KOBJNS_NOT_SUPPORTED);
    KT_OK(kobjns_ctx_set_session(ctx, session));
  }
  kobjns_ctx_free(ctx);
  kobjns_ctx_free(NULL);
  KT_STATUS(kobjns_session_id(NULL, NULL), KOBJNS_INVALID_PARAMETER);
  KT_OK(kobjns_session_id(NULL, &session));
  CU_ASSERT_EQUAL(session, kt_runner_session()); /* POSIX: the runner sets KOBJNS_SESSION=0 */
}

static void simulated_sessions(void) {
  kobjns_ctx *ctx = NULL;
  KT_OK(kobjns_ctx_new(&ctx));
  uint32_t session = 99;
  int held = -1;
  KT_OK(kobjns_ctx_set_session(ctx, 3));
  KT_OK(kobjns_ctx_session(ctx, &session));
  CU_ASSERT_EQUAL(session, 3);
  KT_OK(kobjns_session_id(ctx, &session));
  CU_ASSERT_EQUAL(session, 3);
  /* Session 0 (services) holds SeCreateGlobalPrivilege. */
  KT_OK(kobjns_ctx_set_session(ctx, 0));
  KT_OK(kobjns_ctx_has_privilege(ctx, KOBJNS_PRIV_CREATE_GLOBAL, &held));
  CU_ASSERT_EQUAL(held, 1);
  if (!kt_is_root()) { /* an ordinary user in session 1 cannot grant it to itself */
    KT_OK(kobjns_ctx_set_session(ctx, 1));
    KT_STATUS(kobjns_ctx_set_privilege(ctx, KOBJNS_PRIV_CREATE_GLOBAL, 1),
              KOBJNS_PRIVILEGE_NOT_HELD);
    KT_STATUS(kobjns_ctx_set_user(ctx, 12345), KOBJNS_PRIVILEGE_NOT_HELD);
  }
  kobjns_ctx_free(ctx);
}

void kt_add_names(CU_pSuite s) {
  kt_add(s, "session names (rows 4, 5, 16)", session_names, KT_NEEDS_SESSION1);
  kt_add(s, "session 0: Local is global (row 14)", session_zero_local_is_global, KT_NEEDS_SESSIONS);
  kt_add(s, "keywords are case-sensitive (rows 6, 7)", keywords_are_case_sensitive,
         KT_NEEDS_SESSION1);
  kt_add(s, "unknown sessions (row 20)", unknown_sessions, KT_NEEDS_SESSION1);
  kt_add(s, "sessions exist while used", sessions_exist_while_used, KT_NEEDS_SESSIONS);
  kt_add(s, "malformed names (rows 23-27, 29, 30)", malformed_names, KT_NEEDS_SESSION1);
  kt_add(s, "UTF-8 and length limits (row 31)", utf8_and_length_limits, KT_NEEDS_SESSION1);
  kt_add(s, "buffer too small", small_buffer, KT_NEEDS_SESSION1);
  kt_add(s, "contexts", contexts, 0);
  kt_add(s, "simulated sessions and privileges", simulated_sessions, KT_NEEDS_SESSIONS);
}
