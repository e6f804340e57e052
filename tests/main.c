/* One CUnit runner for every suite: `kobjns-tests SUITE` runs one suite (one meson test each),
 * `kobjns-tests --child` is the re-executed child of multi-process tests. */
#include <CUnit/Basic.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kt.h"

static const kt_suite suites[] = {
#define KT_SUITE(name, root) {#name, kt_add_##name, root},
#include "suites.def"
#undef KT_SUITE
};

/* Objects of this run left in /dev/shm: each one is a leak (or a stale object) to report. */
static unsigned leftovers(const char *root) {
  char prefix[96];
  snprintf(prefix, sizeof prefix, "kobjns.%s.", root);
  DIR *d = opendir("/dev/shm");
  unsigned n = 0;
  if (!d) return 0;
  for (struct dirent *e; (e = readdir(d));) {
    if (strncmp(e->d_name, prefix, strlen(prefix))) continue;
    fprintf(stderr, "left in /dev/shm: %s\n", e->d_name);
    unlinkat(dirfd(d), e->d_name, 0);
    n++;
  }
  closedir(d);
  return n;
}

int main(int argc, char **argv) {
  if (argc == 2 && !strcmp(argv[1], "--child")) return kt_child_main();
  kt_set_self(argv[0]);
  if (argc != 2) {
    fprintf(stderr, "usage: %s SUITE | --child\nsuites:", argv[0]);
    for (size_t i = 0; i < sizeof suites / sizeof suites[0]; i++)
      fprintf(stderr, " %s", suites[i].name);
    fputc('\n', stderr);
    return 2;
  }
  const kt_suite *which = NULL;
  for (size_t i = 0; i < sizeof suites / sizeof suites[0]; i++)
    if (!strcmp(suites[i].name, argv[1])) which = &suites[i];
  if (!which) {
    fprintf(stderr, "no suite %s\n", argv[1]);
    return 2;
  }
  /* A namespace root of our own: parallel suites never meet, and leftovers are ours. */
  char root[64];
  snprintf(root, sizeof root, "kt%s", kt_run_id());
  setenv("KOBJNS_ROOT", root, 1);
  setenv("KOBJNS_SESSION", "0", 1); /* the runner itself joins no session */
  if (which->requires_root && !kt_is_root()) {
    printf("SKIP: suite %s runs processes as other users and needs root\n", which->name);
    return 77;
  }

  if (CU_initialize_registry() != CUE_SUCCESS) return 1;
  CU_pSuite suite = CU_add_suite(which->name, NULL, NULL);
  which->add(suite);
  CU_basic_set_mode(CU_BRM_VERBOSE);
  CU_basic_run_tests();
  /* Read the counts before cleanup resets them (CUnit 2.1-3 returns success regardless). */
  unsigned failures = CU_get_number_of_failures();
  unsigned ran = CU_get_number_of_tests_run();
  CU_cleanup_registry();
  kt_cleanup();
  unsigned left = leftovers(root);
  if (left) fprintf(stderr, "FAIL: %u object(s) of this run were left in /dev/shm\n", left);
  return failures || left || ran == 0 ? 1 : 0;
}
