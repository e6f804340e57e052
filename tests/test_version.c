/* Versions: kobjns-version.h's macros, and the library's version at run time, against the
 * project's version (KT_PROJECT_VERSION, from meson.build). */
#include <stdio.h>
#include <string.h>

#include "kt.h"

/* A compile-time check, as a program would write one. */
#if !KOBJNS_VERSION_CHECK(KOBJNS_VERSION_MAJOR, KOBJNS_VERSION_MINOR, KOBJNS_VERSION_PATCH)
#error "KOBJNS_VERSION_CHECK is false for the headers' own version"
#endif

static void headers_say_the_project_version(void) {
  CU_ASSERT_STRING_EQUAL(KOBJNS_VERSION_STRING, KT_PROJECT_VERSION);
  char parts[32];
  snprintf(parts, sizeof parts, "%d.%d.%d", KOBJNS_VERSION_MAJOR, KOBJNS_VERSION_MINOR,
           KOBJNS_VERSION_PATCH);
  CU_ASSERT_STRING_EQUAL(parts, KOBJNS_VERSION_STRING);
  CU_ASSERT_EQUAL(KOBJNS_VERSION, (KOBJNS_VERSION_MAJOR << 16) | (KOBJNS_VERSION_MINOR << 8) |
                                      KOBJNS_VERSION_PATCH);
}

static void the_library_says_its_version(void) {
  CU_ASSERT_EQUAL(kobjns_version(), (uint32_t)KOBJNS_VERSION);
  CU_ASSERT_STRING_EQUAL(kobjns_version_string(), KT_PROJECT_VERSION);
  /* The integer and the string agree. */
  unsigned major, minor, patch;
  CU_ASSERT_EQUAL_FATAL(sscanf(kobjns_version_string(), "%u.%u.%u", &major, &minor, &patch), 3);
  CU_ASSERT_EQUAL(kobjns_version(), (uint32_t)KOBJNS_VERSION_ENCODE(major, minor, patch));
}

static void version_check_orders_versions(void) {
  CU_ASSERT(KOBJNS_VERSION_CHECK(0, 0, 0));
  CU_ASSERT(KOBJNS_VERSION_CHECK(KOBJNS_VERSION_MAJOR, KOBJNS_VERSION_MINOR, 0));
  CU_ASSERT(
      !KOBJNS_VERSION_CHECK(KOBJNS_VERSION_MAJOR, KOBJNS_VERSION_MINOR, KOBJNS_VERSION_PATCH + 1));
  CU_ASSERT(!KOBJNS_VERSION_CHECK(KOBJNS_VERSION_MAJOR, KOBJNS_VERSION_MINOR + 1, 0));
  CU_ASSERT(!KOBJNS_VERSION_CHECK(KOBJNS_VERSION_MAJOR + 1, 0, 0));
  /* A later minor outranks any patch of an earlier one, a later major any minor. */
  CU_ASSERT(KOBJNS_VERSION_ENCODE(1, 2, 0) > KOBJNS_VERSION_ENCODE(1, 1, 255));
  CU_ASSERT(KOBJNS_VERSION_ENCODE(2, 0, 0) > KOBJNS_VERSION_ENCODE(1, 255, 255));
}

void kt_add_version(CU_pSuite s) {
  kt_add(s, "the headers say the project's version", headers_say_the_project_version, 0);
  kt_add(s, "the library says its version", the_library_says_its_version, 0);
  kt_add(s, "KOBJNS_VERSION_CHECK orders versions", version_check_orders_versions, 0);
}
