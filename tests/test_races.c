/* Races: racing creators in many processes, and handles used from many threads at once. */
#include <stdlib.h>
#include <string.h>

#include "kt.h"

#define CREATORS 8
#define ROUNDS 10

static void exactly_one_creator_wins(void) {
  kt_proc kids[CREATORS];
  for (int i = 0; i < CREATORS; i++) CU_ASSERT_FATAL(kt_spawn(&kids[i], 1, -1));
  for (int round = 0; round < ROUNDS; round++) {
    const char *name = kt_name("race");
    /* Everyone asks at once, each for another size: the winner's size is the size. */
    for (int i = 0; i < CREATORS; i++)
      kt_send(&kids[i], "create %s %d 0x2 -", name, 65536 * (i + 1));
    int created = 0, existed = 0;
    for (int i = 0; i < CREATORS; i++) {
      int rc = kt_recv(&kids[i], NULL, 0);
      created += rc == 0;
      existed += rc == KOBJNS_ALREADY_EXISTS;
    }
    CU_ASSERT_EQUAL(created, 1);
    CU_ASSERT_EQUAL(existed, CREATORS - 1);
    char first[64] = "", reply[64];
    for (int i = 0; i < CREATORS; i++) {
      kt_cmd(&kids[i], reply, sizeof reply, "size");
      if (!first[0]) strcpy(first, reply);
      CU_ASSERT_STRING_EQUAL(reply, first); /* all hold the one object, never size 0 */
      CU_ASSERT_STRING_NOT_EQUAL(reply, "0 0");
    }
    for (int i = 0; i < CREATORS; i++) kt_send(&kids[i], "close");
    for (int i = 0; i < CREATORS; i++) KT_STATUS(kt_recv(&kids[i], NULL, 0), 0);
  }
  for (int i = 0; i < CREATORS; i++) CU_ASSERT_EQUAL(kt_wait(&kids[i]), 0);
}

#define THREADS 8
#define ITERATIONS 300
#define SHARED_NAMES 3
#define SIZE 65536

typedef struct {
  kobjns_ctx *ctx;
  const char *names[SHARED_NAMES];
  unsigned seed;
  int bad_status, bad_size, bad_data;
} worker;

/* Each thread creates or opens a few shared names, checks the whole section is there and
 * initialised, writes its mark, and closes: statuses must be 0 or 183 (create), 0 or 2 (open). */
static void *churn(void *arg) {
  worker *w = arg;
  for (int i = 0; i < ITERATIONS; i++) {
    const char *name = w->names[kt_rand(&w->seed) % SHARED_NAMES];
    kobjns_section *s = NULL;
    bool opening = kt_rand(&w->seed) % 3 == 0;
    int rc = opening ? kobjns_section_open(w->ctx, name, KOBJNS_MAP_WRITE, &s)
                     : kobjns_section_create(w->ctx, name, SIZE, KOBJNS_MAP_WRITE, NULL, &s);
    if (opening ? rc != 0 && rc != KOBJNS_FILE_NOT_FOUND : rc != 0 && rc != KOBJNS_ALREADY_EXISTS)
      w->bad_status++;
    if (!s) continue;
    uint64_t size = 0;
    kobjns_section_size(s, &size);
    if (size != SIZE) w->bad_size++;
    unsigned char *v = NULL;
    if (kobjns_section_map(s, KOBJNS_MAP_WRITE, 0, 0, (void **)&v) == 0) {
      if (v[SIZE - 1] != 0) w->bad_data++; /* the last byte is never written */
      v[0] = (unsigned char)i;
      kobjns_unmap(v);
    } else {
      w->bad_status++;
    }
    if (kobjns_section_close(s)) w->bad_status++;
  }
  return NULL;
}

static void threads_share_handles_safely(void) {
  kobjns_ctx *app = kt_ctx(1, false);
  worker workers[THREADS];
  kt_thread *threads[THREADS];
  const char *names[SHARED_NAMES];
  for (int n = 0; n < SHARED_NAMES; n++) names[n] = kt_name("churn");
  for (int t = 0; t < THREADS; t++) {
    workers[t] = (worker){.ctx = app, .seed = (unsigned)t * 7919u + 1};
    memcpy(workers[t].names, names, sizeof names);
    threads[t] = kt_thread_start(churn, &workers[t]);
    CU_ASSERT_PTR_NOT_NULL(threads[t]);
  }
  for (int t = 0; t < THREADS; t++) {
    kt_thread_join(threads[t]);
    CU_ASSERT_EQUAL(workers[t].bad_status, 0);
    CU_ASSERT_EQUAL(workers[t].bad_size, 0);
    CU_ASSERT_EQUAL(workers[t].bad_data, 0);
  }
  for (int n = 0; n < SHARED_NAMES; n++) {
    kobjns_section *s = NULL;
    KT_STATUS(kobjns_section_open(app, names[n], KOBJNS_MAP_READ, &s), KOBJNS_FILE_NOT_FOUND);
  }
  kobjns_ctx_free(app);
}

void kt_add_races(CU_pSuite s) {
  kt_add(s, "exactly one of racing creators wins", exactly_one_creator_wins, KT_NEEDS_SESSION1);
  kt_add(s, "threads create, open, map and close at once", threads_share_handles_safely,
         KT_NEEDS_SESSION1);
}
