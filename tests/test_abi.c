/* One object, two word sizes: a process of this build and one of the other word size (a 32-bit
 * client of a 64-bit service, the WoW64 case) share a section, a mutex (its ownership and its
 * abandonment), an event and a semaphore, and each sees the other's changes. The other build's
 * test binary is named by KOBJNS_TEST_OTHER_ABI (tools/test sets it in the native and i386 legs,
 * and in the aarch64 leg to the i386 build's: an aarch64 process under qemu-user and an i386 one);
 * it runs as `--kid abi NAMES...` (kt_abi_kid). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kt.h"

/* The other build's part: open everything, check and change it, and end owning the mutex. Exit
 * codes say which step failed. */
int kt_abi_kid(int argc, char **argv) {
  if (argc != 7) return 2;
  kobjns_section *s = NULL;
  kobjns_sync *m = NULL, *e = NULL, *q = NULL;
  char *view = NULL;
  if (kobjns_section_open(NULL, argv[3], KOBJNS_MAP_ALL_ACCESS, &s) ||
      kobjns_section_map(s, KOBJNS_MAP_WRITE, 0, 0, (void **)&view))
    return 3;
  if (strcmp(view, "from the first")) return 4; /* the first process's bytes, at the same offset */
  snprintf(view, 64, "from the other word size (%u bits)", (unsigned)(sizeof(void *) * 8));
  if (kobjns_mutex_open(NULL, argv[4], KOBJNS_MUTEX_ALL_ACCESS, &m) ||
      kobjns_event_open(NULL, argv[5], KOBJNS_EVENT_ALL_ACCESS, &e) ||
      kobjns_semaphore_open(NULL, argv[6], KOBJNS_SEMAPHORE_ALL_ACCESS, &q))
    return 5;
  if (kobjns_wait(m, 0) != KOBJNS_WAIT_TIMEOUT) return 6; /* the first owns it */
  int32_t previous = -1;
  if (kobjns_semaphore_release(q, 2, &previous) || previous != 1) return 7;
  if (kobjns_event_set(e)) return 8;
  if (kobjns_wait(m, 30000)) return 9; /* handed over when the first releases it */
  return 0;                            /* and ends owning it: abandoned */
}

static void one_object_two_word_sizes(void) {
  const char *other = getenv("KOBJNS_TEST_OTHER_ABI");
  char names[4][128];
  const char *bases[4] = {"abi-section", "abi-mutex", "abi-event", "abi-semaphore"};
  for (int i = 0; i < 4; i++) snprintf(names[i], sizeof names[i], "%s", kt_name(bases[i]));
  kobjns_section *s = NULL;
  kobjns_sync *m = NULL, *e = NULL, *q = NULL;
  char *view = NULL;
  KT_OK(kobjns_section_create(NULL, names[0], 4096, KOBJNS_MAP_READ | KOBJNS_MAP_WRITE, NULL, &s));
  KT_OK(kobjns_section_map(s, KOBJNS_MAP_WRITE, 0, 0, (void **)&view));
  strcpy(view, "from the first");
  KT_OK(kobjns_mutex_create(NULL, names[1], 1, NULL, &m));
  KT_OK(kobjns_event_create(NULL, names[2], 1, 0, NULL, &e));
  KT_OK(kobjns_semaphore_create(NULL, names[3], 1, 5, NULL, &q));
  char line[2048];
  snprintf(line, sizeof line, "\"%s\" --kid abi \"%s\" \"%s\" \"%s\" \"%s\"", other, names[0],
           names[1], names[2], names[3]);
  kobjns_process_start start = {.command_line = line};
  kobjns_sync *p = NULL;
  KT_OK(kobjns_process_create(&start, &p, NULL, NULL, NULL));
  KT_OK(kobjns_wait(e, 30000)); /* set by the other */
  char want[64];
  snprintf(want, sizeof want, "from the other word size (%u bits)",
           sizeof(void *) == 8 ? 32u : 64u);
  CU_ASSERT_STRING_EQUAL(view, want);
  for (int i = 0; i < 3; i++) KT_OK(kobjns_wait(q, 0)); /* 1 + the other's 2 */
  KT_STATUS(kobjns_wait(q, 0), KOBJNS_WAIT_TIMEOUT);
  KT_OK(kobjns_mutex_release(m)); /* to the other, which ends owning it */
  KT_OK(kobjns_wait(p, 30000));
  uint32_t code = 99;
  KT_OK(kobjns_process_exit_code(p, &code));
  CU_ASSERT_EQUAL(code, 0);
  KT_STATUS(kobjns_wait(m, 0), KOBJNS_ABANDONED_WAIT_0);
  KT_OK(kobjns_mutex_release(m));
  KT_OK(kobjns_close(p));
  KT_OK(kobjns_unmap(view));
  KT_OK(kobjns_section_close(s));
  KT_OK(kobjns_close(m));
  KT_OK(kobjns_close(e));
  KT_OK(kobjns_close(q));
}

void kt_add_abi(CU_pSuite suite) {
  kt_add(suite, "a section, mutex, event and semaphore shared by 32- and 64-bit processes",
         one_object_two_word_sizes, KT_NEEDS_OTHER_ABI);
}
