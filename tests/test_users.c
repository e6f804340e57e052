/* Other users (root only: children run as other uids). What keeps users apart is the kernel
 * (owner, mode bits, the sticky /dev/shm); the library's descriptor check comes on top. Attacks
 * (planted objects, the umask, locks, raw system calls) are in the security suite. */
#include "kt.h"

#ifndef _WIN32 /* other users are POSIX uids: KT_NEEDS_ROOT, which Windows never has */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#define USER_A 61001
#define USER_B 61002
#define RW "0x2"
#define RD "0x4"

static void default_descriptor_keeps_others_out(void) {
  kobjns_ctx *root = kt_ctx(0, true);
  const char *x = kt_prefixed("Global\\", "x");
  kt_proc a, b;
  CU_ASSERT_FATAL(kt_spawn(&a, 0, USER_A)); /* a service running as user A */
  CU_ASSERT_FATAL(kt_spawn(&b, 1, USER_B)); /* user B in an interactive session */
  KT_STATUS(kt_cmd(&a, NULL, 0, "create %s 4096 " RW " -", x), 0);
  KT_STATUS(kt_cmd(&b, NULL, 0, "open %s " RD, x), KOBJNS_ACCESS_DENIED); /* row 43 */
  char path[512];
  kt_native_path(root, x, path, sizeof path);
  struct stat st;
  CU_ASSERT_EQUAL_FATAL(stat(path, &st), 0);
  CU_ASSERT_EQUAL(st.st_uid, USER_A);
  CU_ASSERT_EQUAL(st.st_mode & 0777, 0600);
  /* Not just the library: the kernel refuses B, and B cannot remove A's object. */
  KT_STATUS(kt_cmd(&b, NULL, 0, "rawopen %s r", path), EACCES);
  KT_STATUS(kt_cmd(&b, NULL, 0, "rawunlink %s", path), EPERM);
  /* The descriptor would let root (SYSTEM, administrators) in, but an unprivileged user's object
   * in Global\ is one a privileged caller does not trust: anyone could have planted it. */
  kobjns_section *s = NULL;
  KT_STATUS(kobjns_section_open(root, x, KOBJNS_MAP_READ, &s), KOBJNS_ACCESS_DENIED);
  CU_ASSERT_EQUAL(kt_wait(&a), 0);
  CU_ASSERT_EQUAL(kt_wait(&b), 0);
  kobjns_ctx_free(root);
}

static void everyone_may_read(void) {
  kobjns_ctx *root = kt_ctx(0, true);
  const char *x = kt_prefixed("Global\\", "ro");
  kt_proc a, b;
  CU_ASSERT_FATAL(kt_spawn(&a, 0, USER_A));
  CU_ASSERT_FATAL(kt_spawn(&b, 1, USER_B));
  KT_STATUS(kt_cmd(&a, NULL, 0, "create %s 4096 " RW " D:(A;;GA;;;OW)(A;;GR;;;WD)", x), 0);
  KT_STATUS(kt_cmd(&a, NULL, 0, "write for-everyone"), 0);
  KT_STATUS(kt_cmd(&b, NULL, 0, "open %s " RD, x), 0);
  char reply[128];
  kt_cmd(&b, reply, sizeof reply, "read");
  CU_ASSERT_STRING_EQUAL(reply, "0 for-everyone");
  KT_STATUS(kt_cmd(&b, NULL, 0, "open %s " RW, x), KOBJNS_ACCESS_DENIED);
  char path[512];
  kt_native_path(root, x, path, sizeof path);
  struct stat st;
  CU_ASSERT_EQUAL(stat(path, &st), 0);
  CU_ASSERT_EQUAL(st.st_mode & 0777, 0644);
  KT_STATUS(kt_cmd(&b, NULL, 0, "rawopen %s rw", path), EACCES); /* the kernel agrees */
  KT_STATUS(kt_cmd(&b, NULL, 0, "rawopen %s r", path), 0);
  /* B is now the last holder of A's object: B cannot remove it (sticky /dev/shm), but it is
   * stale, so nobody is handed it, and the next opener with the right removes it. */
  KT_STATUS(kt_cmd(&a, NULL, 0, "close"), 0);
  KT_STATUS(kt_cmd(&b, NULL, 0, "close"), 0);
  KT_STATUS(kt_cmd(&b, NULL, 0, "open %s " RD, x), KOBJNS_FILE_NOT_FOUND);
  kobjns_section *s = NULL;
  KT_STATUS(kobjns_section_open(root, x, KOBJNS_MAP_READ, &s), KOBJNS_FILE_NOT_FOUND);
  CU_ASSERT_NOT_EQUAL(stat(path, &st), 0); /* root removed the stale object */
  CU_ASSERT_EQUAL(kt_wait(&a), 0);
  CU_ASSERT_EQUAL(kt_wait(&b), 0);
  kobjns_ctx_free(root);
}

static void acting_as_another_user(void) {
  kobjns_ctx *as_a = kt_ctx(1, false), *as_b = kt_ctx(1, false);
  KT_OK(kobjns_ctx_set_user(as_a, USER_A));
  KT_OK(kobjns_ctx_set_user(as_b, USER_B));
  int held = 1;
  KT_OK(kobjns_ctx_has_privilege(as_b, KOBJNS_PRIV_CREATE_GLOBAL, &held));
  CU_ASSERT_EQUAL(held, 0); /* no longer an administrator */
  const char *name = kt_name("as");
  kobjns_section *s = NULL, *t = NULL;
  KT_OK(kobjns_section_create(as_a, name, 4096, KOBJNS_MAP_WRITE, NULL, &s));
  char path[512];
  kt_native_path(as_a, name, path, sizeof path);
  struct stat st;
  CU_ASSERT_EQUAL(stat(path, &st), 0);
  CU_ASSERT_EQUAL(st.st_uid, USER_A);
  KT_STATUS(kobjns_section_open(as_b, name, KOBJNS_MAP_READ, &t), KOBJNS_ACCESS_DENIED);
  KT_OK(kobjns_section_open(as_a, name, KOBJNS_MAP_READ, &t));
  KT_OK(kobjns_section_close(t));
  KT_OK(kobjns_section_close(s));
  kobjns_ctx_free(as_a), kobjns_ctx_free(as_b);
}

#endif

void kt_add_users(CU_pSuite s) {
  const unsigned root = KT_NEEDS_ROOT;
  kt_add(s, "the default descriptor keeps others out (row 43)",
         KT_POSIX_ONLY(default_descriptor_keeps_others_out), root);
  kt_add(s, "everyone may read: the library and the kernel agree", KT_POSIX_ONLY(everyone_may_read),
         root);
  kt_add(s, "a root context acting as another user", KT_POSIX_ONLY(acting_as_another_user), root);
}
