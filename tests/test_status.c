/* Statuses: Win32 values, names and messages from the one table. */
#include <string.h>

#include "kt.h"

static void values_are_win32_errors(void) {
  CU_ASSERT_EQUAL(KOBJNS_OK, 0);
  CU_ASSERT_EQUAL(KOBJNS_FILE_NOT_FOUND, 2);
  CU_ASSERT_EQUAL(KOBJNS_PATH_NOT_FOUND, 3);
  CU_ASSERT_EQUAL(KOBJNS_ACCESS_DENIED, 5);
  CU_ASSERT_EQUAL(KOBJNS_INVALID_HANDLE, 6);
  CU_ASSERT_EQUAL(KOBJNS_INVALID_PARAMETER, 87);
  CU_ASSERT_EQUAL(KOBJNS_INVALID_NAME, 123);
  CU_ASSERT_EQUAL(KOBJNS_BAD_PATHNAME, 161);
  CU_ASSERT_EQUAL(KOBJNS_ALREADY_EXISTS, 183);
  CU_ASSERT_EQUAL(KOBJNS_FILENAME_EXCED_RANGE, 206);
  CU_ASSERT_EQUAL(KOBJNS_NO_UNICODE_TRANSLATION, 1113);
  CU_ASSERT_EQUAL(KOBJNS_INVALID_ACL, 1336);
}

static void names_and_messages(void) {
  CU_ASSERT_STRING_EQUAL(kobjns_status_name(0), "ERROR_SUCCESS");
  CU_ASSERT_STRING_EQUAL(kobjns_status_name(2), "ERROR_FILE_NOT_FOUND");
  CU_ASSERT_STRING_EQUAL(kobjns_status_name(5), "ERROR_ACCESS_DENIED");
  CU_ASSERT_STRING_EQUAL(kobjns_status_name(183), "ERROR_ALREADY_EXISTS");
  CU_ASSERT_STRING_EQUAL(kobjns_status_name(206), "ERROR_FILENAME_EXCED_RANGE");
  CU_ASSERT_STRING_EQUAL(kobjns_status_name(-1), "UNKNOWN");
  CU_ASSERT_STRING_EQUAL(kobjns_status_name(99999), "UNKNOWN");
  CU_ASSERT_PTR_NOT_NULL(strstr(kobjns_strerror(5), "security descriptor"));
  CU_ASSERT_PTR_NOT_NULL(strstr(kobjns_strerror(12345), "unknown"));
  /* Every status in the table has its own name and a message. */
  static const int all[] = {
#define KT_VALUE(name, value, message) value,
      KOBJNS_STATUS_MAP(KT_VALUE)
#undef KT_VALUE
  };
  for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
    CU_ASSERT_STRING_NOT_EQUAL(kobjns_status_name(all[i]), "UNKNOWN");
    CU_ASSERT(strlen(kobjns_strerror(all[i])) > 5);
    for (size_t j = 0; j < i; j++) CU_ASSERT_NOT_EQUAL(all[i], all[j]);
  }
}

/* Exactly 0, 183 and 735 are successes; the macros evaluate their argument once. */
static void successes_and_failures(void) {
  static const int successes[] = {KOBJNS_SUCCESS, KOBJNS_ALREADY_EXISTS, KOBJNS_ABANDONED_WAIT_0};
  for (size_t i = 0; i < sizeof successes / sizeof successes[0]; i++) {
    CU_ASSERT(KOBJNS_SUCCEEDED(successes[i]));
    CU_ASSERT(!KOBJNS_FAILED(successes[i]));
  }
  int count = 0;
#define KT_STATUS_COUNT_(name, value, message)                                                     \
  if (value != 0 && value != 183 && value != 735) {                                                \
    CU_ASSERT(KOBJNS_FAILED(value));                                                               \
    CU_ASSERT(!KOBJNS_SUCCEEDED(value));                                                           \
    count++;                                                                                       \
  }
  KOBJNS_STATUS_MAP(KT_STATUS_COUNT_)
#undef KT_STATUS_COUNT_
  CU_ASSERT(count > 40);
  /* A wait's time-out and an alertable wait's queued calls handed nothing: failures. */
  CU_ASSERT(KOBJNS_FAILED(KOBJNS_WAIT_TIMEOUT));
  CU_ASSERT(KOBJNS_FAILED(KOBJNS_USER_APC));
  CU_ASSERT(KOBJNS_FAILED(-1));
  CU_ASSERT(KOBJNS_FAILED(KOBJNS_FILE_EXISTS)); /* KOBJNS_CREATE_NEW's "it exists" */
  int calls = 0, values[] = {183, 5};
  CU_ASSERT(KOBJNS_SUCCEEDED(values[calls++]));
  CU_ASSERT_EQUAL(calls, 1);
  CU_ASSERT(KOBJNS_FAILED(values[calls++]));
  CU_ASSERT_EQUAL(calls, 2);
}

void kt_add_status(CU_pSuite s) {
  kt_add(s, "KOBJNS_SUCCEEDED and KOBJNS_FAILED: exactly 0, 183 and 735 succeed",
         successes_and_failures, 0);
  kt_add(s, "values are Win32 error codes", values_are_win32_errors, 0);
  kt_add(s, "names and messages", names_and_messages, 0);
}
