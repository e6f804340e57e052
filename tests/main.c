/* One CUnit runner for every suite: `kobjns-tests SUITE` runs one suite (one meson test each),
 * `kobjns-tests --child` is the re-executed child of multi-process tests. A test the platform
 * cannot run is registered inactive with its reason printed; a suite with nothing to run exits
 * 77, meson's "skipped". */
#include <CUnit/Basic.h>
#include <stdlib.h>
#include <string.h>

#include "kt.h"

static const kt_suite suites[] = {
#define KT_SUITE(name, needs) {#name, kt_add_##name, needs},
#include "kt-suites.h"
#undef KT_SUITE
};

int main(int argc, char **argv) {
  if (argc == 2 && !strcmp(argv[1], "--child")) return kt_child_main();
  if (argc >= 3 && !strcmp(argv[1], "--kid")) return kt_kid_main(argc, argv);
#ifndef _WIN32
  if (argc == 3 && !strcmp(argv[1], "--transient")) return kt_transient_main(argv[2]);
  if (argc == 5 && !strcmp(argv[1], "--userholds"))
    return kt_userholds_main(argv[2], argv[3], argv[4]);
#endif
  kt_set_self(argv[0]);
  /* Unbuffered: a runner killed at its timeout has shown which test it was in. */
  setvbuf(stdout, NULL, _IONBF, 0);
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
  kt_runner_setup();
  const char *why = kt_unavailable(which->needs);
  if (why) {
    printf("SKIP: suite %s %s\n", which->name, why);
    return 77;
  }

  if (CU_initialize_registry() != CUE_SUCCESS) return 1;
  CU_set_fail_on_inactive(CU_FALSE); /* inactive = skipped here, with the reason printed */
  CU_pSuite suite = CU_add_suite(which->name, NULL, NULL);
  which->add(suite);
  CU_basic_set_mode(CU_BRM_VERBOSE);
  CU_basic_run_tests();
  /* Read the counts before cleanup resets them (CUnit 2.1-3 returns success regardless). */
  unsigned failures = CU_get_number_of_failures();
  unsigned ran = CU_get_number_of_tests_run();
  unsigned inactive = CU_get_run_summary()->nTestsInactive;
  CU_cleanup_registry();
  unsigned left = kt_leftovers();
  kt_cleanup();
  if (left) fprintf(stderr, "FAIL: %u object(s) of this run were left behind\n", left);
  if (failures || left) return 1;
  if (ran == 0 && inactive > 0) return 77; /* every test skipped, each with its reason */
  return ran == 0 ? 1 : 0;
}
