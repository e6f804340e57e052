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

/* Threads keep using one handle while another thread closes it: every call is answered 0 or 6
 * (never a crash or freed memory), and once 6, always 6 (nothing reuses the handle here). */
typedef struct user_of_handle {
  kobjns_section *s;
  int stop;
  unsigned ok, invalid, bad;
} user_of_handle;

static void *use_handle(void *arg) {
  user_of_handle *u = arg;
  while (!__atomic_load_n(&u->stop, __ATOMIC_ACQUIRE)) {
    uint64_t size = 0;
    void *v = NULL;
    int rc = kobjns_section_size(u->s, &size);
    int mapped = kobjns_section_map(u->s, KOBJNS_MAP_READ, 0, 0, &v);
    if (mapped == 0) {
      if (((volatile unsigned char *)v)[SIZE - 1] != 0)
        __atomic_add_fetch(&u->bad, 1, __ATOMIC_RELAXED);
      if (kobjns_unmap(v)) __atomic_add_fetch(&u->bad, 1, __ATOMIC_RELAXED);
    }
    bool closed = rc == KOBJNS_INVALID_HANDLE && mapped == KOBJNS_INVALID_HANDLE;
    if (rc == 0 && mapped == 0 && size == SIZE && !u->invalid)
      __atomic_add_fetch(&u->ok, 1, __ATOMIC_RELAXED);
    else if (closed || (rc == 0 && mapped == KOBJNS_INVALID_HANDLE && !u->invalid))
      __atomic_add_fetch(&u->invalid, 1,
                         __ATOMIC_RELAXED); /* closed between the two calls, or before both */
    else
      __atomic_add_fetch(&u->bad, 1, __ATOMIC_RELAXED);
  }
  return NULL;
}

static void closing_a_handle_in_use(void) {
  enum { USERS = 4 };
  kobjns_section *s = NULL;
  KT_OK(kobjns_section_create(NULL, kt_name("closing"), SIZE, KOBJNS_MAP_WRITE, NULL, &s));
  user_of_handle users[USERS];
  kt_thread *threads[USERS];
  for (int t = 0; t < USERS; t++) {
    users[t] = (user_of_handle){.s = s};
    threads[t] = kt_thread_start(use_handle, &users[t]);
    CU_ASSERT_PTR_NOT_NULL_FATAL(threads[t]);
  }
  /* Let every thread get going, then close under them. */
  for (bool all_started = false; !all_started;) {
    all_started = true;
    for (int t = 0; t < USERS; t++)
      if (__atomic_load_n(&users[t].ok, __ATOMIC_RELAXED) < 100 &&
          !__atomic_load_n(&users[t].bad, __ATOMIC_RELAXED))
        all_started = false;
    if (!all_started) kt_pause_ms(1);
  }
  KT_OK(kobjns_section_close(s));
  KT_STATUS(kobjns_section_close(s), KOBJNS_INVALID_HANDLE); /* a second close */
  for (bool all_saw_it = false; !all_saw_it;) {
    all_saw_it = true;
    for (int t = 0; t < USERS; t++)
      if (__atomic_load_n(&users[t].invalid, __ATOMIC_RELAXED) < 10 &&
          !__atomic_load_n(&users[t].bad, __ATOMIC_RELAXED))
        all_saw_it = false;
    if (!all_saw_it) kt_pause_ms(1);
  }
  for (int t = 0; t < USERS; t++) __atomic_store_n(&users[t].stop, 1, __ATOMIC_RELEASE);
  for (int t = 0; t < USERS; t++) {
    kt_thread_join(threads[t]);
    CU_ASSERT_EQUAL(users[t].bad, 0);
  }
}

void kt_add_races(CU_pSuite s) {
  kt_add(s, "exactly one of racing creators wins", exactly_one_creator_wins, KT_NEEDS_SESSION1);
  kt_add(s, "threads create, open, map and close at once", threads_share_handles_safely,
         KT_NEEDS_SESSION1);
  kt_add(s, "a handle closed while other threads use it", closing_a_handle_in_use, 0);
}
