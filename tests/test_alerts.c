/* Alertable waits, queued calls (Windows' user APCs) and SignalObjectAndWait, in the portable API
 * on both backends: calls run in the thread they were queued to, in order, only in an alertable
 * wait or sleep, which then returns 737; the objects come first; a thread that has ended takes
 * no more (31). A signal and a wait are one operation: what the signal sets off cannot pass the
 * wait by; a signal that fails waits for nothing. */
#include <stdint.h>
#include <string.h>

#include "kt.h"

/* A record of calls: who ran them, in what order. */
typedef struct calls {
  uint32_t thread[8];
  uintptr_t arg[8];
  int count; /* atomic */
} calls;

static void record(void *context, uintptr_t arg) {
  calls *c = context;
  int n = __atomic_load_n(&c->count, __ATOMIC_RELAXED);
  if (n < 8) {
    c->thread[n] = kobjns_current_thread_id();
    c->arg[n] = arg;
  }
  __atomic_store_n(&c->count, n + 1, __ATOMIC_RELEASE);
}

static int ran(calls *c) { return __atomic_load_n(&c->count, __ATOMIC_ACQUIRE); }

static void calls_to_oneself(void) {
  calls c = {0};
  KT_OK(kobjns_apc_queue(NULL, record, &c, 1));
  KT_OK(kobjns_apc_queue(NULL, record, &c, 2));
  CU_ASSERT_EQUAL(ran(&c), 0); /* not before an alertable wait */
  KT_OK(kobjns_sleep(0, 0));   /* a sleep that is not alertable runs none */
  CU_ASSERT_EQUAL(ran(&c), 0);
  KT_STATUS(kobjns_sleep(0, KOBJNS_WAIT_ALERTABLE), KOBJNS_USER_APC);
  CU_ASSERT_EQUAL(ran(&c), 2); /* both, in the order queued, in this thread */
  CU_ASSERT_EQUAL(c.arg[0], 1);
  CU_ASSERT_EQUAL(c.arg[1], 2);
  CU_ASSERT_EQUAL(c.thread[0], kobjns_current_thread_id());
  KT_OK(kobjns_sleep(10, KOBJNS_WAIT_ALERTABLE)); /* none left */
  /* A wait that is not alertable lets them wait; an alertable one runs them. */
  kobjns_sync *e = NULL;
  KT_OK(kobjns_event_create(NULL, NULL, 1, 0, NULL, &e));
  KT_OK(kobjns_apc_queue(NULL, record, &c, 3));
  KT_STATUS(kobjns_wait(e, 20), KOBJNS_WAIT_TIMEOUT);
  CU_ASSERT_EQUAL(ran(&c), 2);
  KT_STATUS(kobjns_wait_ex(&e, 1, KOBJNS_WAIT_ALERTABLE, 1000, NULL), KOBJNS_USER_APC);
  CU_ASSERT_EQUAL(ran(&c), 3);
  KT_OK(kobjns_sync_close(e));
}

/* The objects come first: a signaled object is taken and the calls wait for the next alertable
 * wait. */
static void objects_before_calls(void) {
  calls c = {0};
  kobjns_sync *e[2] = {NULL, NULL};
  KT_OK(kobjns_event_create(NULL, NULL, 0, 1, NULL, &e[0]));
  KT_OK(kobjns_event_create(NULL, NULL, 1, 0, NULL, &e[1]));
  KT_OK(kobjns_apc_queue(NULL, record, &c, 1));
  size_t index = 9;
  KT_OK(kobjns_wait_ex(e, 2, KOBJNS_WAIT_ALERTABLE, 0, &index));
  CU_ASSERT_EQUAL(index, 0);
  CU_ASSERT_EQUAL(ran(&c), 0);
  /* Nothing signaled now, and no time to wait: the calls, not the timeout. */
  KT_STATUS(kobjns_wait_ex(e, 2, KOBJNS_WAIT_ALERTABLE, 0, &index), KOBJNS_USER_APC);
  CU_ASSERT_EQUAL(ran(&c), 1);
  KT_STATUS(kobjns_wait_ex(e, 2, KOBJNS_WAIT_ALERTABLE, 0, &index), KOBJNS_WAIT_TIMEOUT);
  /* Wait-all too. */
  KT_OK(kobjns_apc_queue(NULL, record, &c, 2));
  KT_STATUS(kobjns_wait_ex(e, 2, KOBJNS_WAIT_ALL | KOBJNS_WAIT_ALERTABLE, 1000, &index),
            KOBJNS_USER_APC);
  CU_ASSERT_EQUAL(ran(&c), 2);
  KT_OK(kobjns_sync_close(e[0]));
  KT_OK(kobjns_sync_close(e[1]));
}

/* A thread asleep in an alertable wait for objects that never come. */
typedef struct sleeper {
  kobjns_sync *never[3];
  size_t count;
  unsigned flags;
  int answers[4];
} sleeper;

static uint32_t wait_alertably(void *arg) {
  sleeper *s = arg;
  for (int i = 0; i < 2; i++)
    s->answers[i] =
        kobjns_wait_ex(s->never, s->count, s->flags | KOBJNS_WAIT_ALERTABLE, 20000, NULL);
  s->answers[2] = kobjns_sleep(20000, KOBJNS_WAIT_ALERTABLE);
  return 0;
}

static void calls_wake_a_waiting_thread(void) {
  sleeper s = {.count = 3};
  for (int i = 0; i < 3; i++) KT_OK(kobjns_event_create(NULL, NULL, 1, 0, NULL, &s.never[i]));
  for (unsigned flags = 0; flags <= KOBJNS_WAIT_ALL; flags += KOBJNS_WAIT_ALL) {
    calls c = {0};
    s.flags = flags;
    kobjns_sync *t = NULL;
    uint32_t id = 0;
    KT_OK(kobjns_thread_create(wait_alertably, &s, 0, 0, &t, &id));
    for (int round = 0; round < 3; round++) {
      kobjns_sleep(50, 0); /* asleep in its wait by now, or about to be: either way it is woken */
      KT_OK(kobjns_apc_queue(t, record, &c, (uintptr_t)round));
      for (int i = 0; i < 2000 && ran(&c) <= round; i++) kobjns_sleep(5, 0);
      CU_ASSERT_EQUAL(ran(&c), round + 1);
      CU_ASSERT_EQUAL(c.thread[round], id); /* it ran in that thread */
    }
    KT_OK(kobjns_wait(t, 10000));
    for (int i = 0; i < 3; i++) CU_ASSERT_EQUAL(s.answers[i], KOBJNS_USER_APC);
    KT_STATUS(kobjns_apc_queue(t, record, &c, 9), KOBJNS_GEN_FAILURE); /* it has ended */
    KT_OK(kobjns_sync_close(t));
  }
  for (int i = 0; i < 3; i++) KT_OK(kobjns_sync_close(s.never[i]));
}

/* A call that queues another: both run before the wait returns (Windows delivers every pending
 * APC). */
static void queue_again(void *context, uintptr_t arg) {
  record(context, arg);
  if (arg == 1) kobjns_apc_queue(NULL, record, context, 2);
}

static void calls_queued_by_calls(void) {
  calls c = {0};
  KT_OK(kobjns_apc_queue(NULL, queue_again, &c, 1));
  KT_STATUS(kobjns_sleep(KOBJNS_INFINITE, KOBJNS_WAIT_ALERTABLE), KOBJNS_USER_APC);
  CU_ASSERT_EQUAL(ran(&c), 2);
}

static uint32_t idle(void *arg) {
  (void)arg;
  return 0;
}

static void bad_calls(void) {
  calls c = {0};
  kobjns_sync *e = NULL;
  KT_STATUS(kobjns_apc_queue(NULL, NULL, &c, 0), KOBJNS_INVALID_PARAMETER);
  KT_OK(kobjns_event_create(NULL, NULL, 1, 0, NULL, &e));
  KT_STATUS(kobjns_apc_queue(e, record, &c, 0), KOBJNS_INVALID_HANDLE); /* not a thread */
  KT_STATUS(kobjns_sleep(0, 0x80), KOBJNS_INVALID_PARAMETER);
  KT_STATUS(kobjns_wait_ex(&e, 1, 0x80, 0, NULL), KOBJNS_INVALID_PARAMETER);
  KT_STATUS(kobjns_signal_and_wait(e, e, 0, KOBJNS_WAIT_ALL), KOBJNS_INVALID_PARAMETER);
  KT_OK(kobjns_sync_close(e));
}

/* "If an application queues an APC before the thread begins running, the thread begins by
 * calling the APC function" (QueueUserAPC's documentation): a thread created suspended. */
static void calls_before_a_thread_starts(void) {
  calls c = {0};
  kobjns_sync *t = NULL;
  uint32_t id = 0;
  KT_OK(kobjns_thread_create(idle, NULL, 0, KOBJNS_THREAD_SUSPENDED, &t, &id));
  KT_OK(kobjns_apc_queue(t, record, &c, 1));
  KT_OK(kobjns_apc_queue(t, record, &c, 2));
  KT_OK(kobjns_thread_resume(t, NULL));
  KT_OK(kobjns_wait(t, 10000));
  CU_ASSERT_EQUAL(ran(&c), 2);
  CU_ASSERT_EQUAL(c.thread[0], id);
  CU_ASSERT_EQUAL(c.arg[1], 2);
  KT_STATUS(kobjns_apc_queue(t, record, &c, 3), KOBJNS_GEN_FAILURE);
  KT_OK(kobjns_sync_close(t));
  /* One that never runs: what was queued to it is freed with it (valgrind, ASan see). */
  KT_OK(kobjns_thread_create(idle, NULL, 0, KOBJNS_THREAD_SUSPENDED, &t, &id));
  KT_OK(kobjns_apc_queue(t, record, &c, 4));
  KT_OK(kobjns_sync_close(t));
  CU_ASSERT_EQUAL(ran(&c), 2);
}

/* --- SignalObjectAndWait ---------------------------------------------------------------------- */

/* Wine's test_signalandwait, as Windows answers it. */
static void signal_and_wait_answers(void) {
  kobjns_sync *e0 = NULL, *e1 = NULL, *s0 = NULL, *s1 = NULL, *m = NULL, *t = NULL;
  kobjns_section *section = NULL;
  KT_OK(kobjns_event_create(NULL, NULL, 0, 0, NULL, &e0));
  KT_OK(kobjns_event_create(NULL, NULL, 1, 1, NULL, &e1));
  KT_STATUS(kobjns_signal_and_wait(NULL, NULL, 0, 0), KOBJNS_INVALID_HANDLE);
  KT_STATUS(kobjns_signal_and_wait(e0, NULL, 0, 0), KOBJNS_INVALID_HANDLE);
  KT_STATUS(kobjns_signal_and_wait(NULL, e0, 0, 0), KOBJNS_INVALID_HANDLE);
  KT_OK(kobjns_signal_and_wait(e0, e1, 0, 0));
  KT_OK(kobjns_wait(e0, 0)); /* it was set, and nothing took it */
  for (int i = 0; i < 1000; i++) KT_OK(kobjns_signal_and_wait(e0, e0, 0, 0)); /* set, taken */
  KT_STATUS(kobjns_wait(e0, 0), KOBJNS_WAIT_TIMEOUT);
  KT_OK(kobjns_event_reset(e1));
  KT_STATUS(kobjns_signal_and_wait(e0, e1, 0, 0), KOBJNS_WAIT_TIMEOUT);
  KT_OK(kobjns_wait(e0, 0)); /* the signal stands though the wait timed out */
  /* Semaphores: a release past the maximum fails, and nothing is waited for. */
  KT_OK(kobjns_semaphore_create(NULL, NULL, 0, 1, NULL, &s0));
  KT_OK(kobjns_semaphore_create(NULL, NULL, 1, 1, NULL, &s1));
  KT_OK(kobjns_signal_and_wait(s0, s1, 0, 0));
  KT_STATUS(kobjns_signal_and_wait(s0, s1, 0, 0), KOBJNS_TOO_MANY_POSTS);
  KT_STATUS(kobjns_semaphore_release(s0, 1, NULL), KOBJNS_TOO_MANY_POSTS);
  KT_OK(kobjns_semaphore_release(s1, 1, NULL)); /* s1 was 0: not taken by the failed call */
  /* ... and when the wait could be had at once, the failed signal gives it back. */
  KT_STATUS(kobjns_signal_and_wait(s0, s1, 0, 0), KOBJNS_TOO_MANY_POSTS);
  int32_t previous = -1;
  KT_STATUS(kobjns_semaphore_release(s1, 1, &previous), KOBJNS_TOO_MANY_POSTS);
  /* A mutex the caller does not own: 288, nothing waited for. */
  KT_OK(kobjns_mutex_create(NULL, NULL, 0, NULL, &m));
  KT_STATUS(kobjns_signal_and_wait(m, e1, 0, 0), KOBJNS_NOT_OWNER);
  /* A mutex it owns, signaled and waited for: released, then taken again (nobody else waits). */
  KT_OK(kobjns_wait(m, 0));
  KT_OK(kobjns_signal_and_wait(m, m, 0, 0));
  KT_OK(kobjns_mutex_release(m));
  KT_STATUS(kobjns_mutex_release(m), KOBJNS_NOT_OWNER);
  /* What cannot be signaled: 6. */
  KT_OK(kobjns_section_create(NULL, NULL, 4096, KOBJNS_MAP_ALL_ACCESS, NULL, &section));
  KT_STATUS(kobjns_signal_and_wait((kobjns_sync *)section, e1, 0, 0), KOBJNS_INVALID_HANDLE);
  KT_OK(kobjns_thread_create(idle, NULL, 0, 0, &t, NULL));
  KT_STATUS(kobjns_signal_and_wait(t, e1, 0, 0), KOBJNS_INVALID_HANDLE);
  KT_OK(kobjns_wait(t, 10000));
  /* Nor may a section be waited for: 5 (no SYNCHRONIZE), the signal not made. */
  KT_STATUS(kobjns_signal_and_wait(e0, (kobjns_sync *)section, 0, 0), KOBJNS_ACCESS_DENIED);
  KT_STATUS(kobjns_wait(e0, 0), KOBJNS_WAIT_TIMEOUT); /* the failed call did not set it */
  kobjns_sync *all[] = {e0, e1, s0, s1, m, t};
  for (size_t i = 0; i < sizeof all / sizeof *all; i++) KT_OK(kobjns_sync_close(all[i]));
  KT_OK(kobjns_section_close(section));
}

/* The wait is queued before the signal is seen: a thread that wakes on the signal and pulses the
 * event waited for (a pulse frees only the waiters already there) always finds the caller
 * waiting. Signal and wait made apart would lose some of those pulses. */
typedef struct ping {
  kobjns_sync *ping, *pong;
  int rounds;
} ping;

static uint32_t pulse_back(void *arg) {
  ping *p = arg;
  for (int i = 0; i < p->rounds; i++) {
    if (kobjns_wait(p->ping, 10000)) return 1;
    kobjns_event_pulse(p->pong);
  }
  return 0;
}

static void signal_and_wait_is_one_operation(void) {
  ping p = {.rounds = 300};
  KT_OK(kobjns_event_create(NULL, NULL, 0, 0, NULL, &p.ping));
  KT_OK(kobjns_event_create(NULL, NULL, 0, 0, NULL, &p.pong));
  kobjns_sync *t = NULL;
  KT_OK(kobjns_thread_create(pulse_back, &p, 0, 0, &t, NULL));
  int lost = 0;
  for (int i = 0; i < p.rounds; i++)
    if (kobjns_signal_and_wait(p.ping, p.pong, 5000, 0) != 0) lost++;
  CU_ASSERT_EQUAL(lost, 0);
  uint32_t code = 99;
  KT_OK(kobjns_wait(t, 10000));
  KT_OK(kobjns_thread_exit_code(t, &code));
  CU_ASSERT_EQUAL(code, 0);
  KT_OK(kobjns_sync_close(t));
  KT_OK(kobjns_sync_close(p.ping));
  KT_OK(kobjns_sync_close(p.pong));
}

/* Alertable: the signal is made, then queued calls end the wait. */
static void signal_and_wait_alertable(void) {
  calls c = {0};
  kobjns_sync *e = NULL, *never = NULL;
  KT_OK(kobjns_event_create(NULL, NULL, 1, 0, NULL, &e));
  KT_OK(kobjns_event_create(NULL, NULL, 1, 0, NULL, &never));
  KT_OK(kobjns_apc_queue(NULL, record, &c, 1));
  KT_STATUS(kobjns_signal_and_wait(e, never, 10000, KOBJNS_WAIT_ALERTABLE), KOBJNS_USER_APC);
  CU_ASSERT_EQUAL(ran(&c), 1);
  KT_OK(kobjns_wait(e, 0));
  KT_OK(kobjns_sync_close(e));
  KT_OK(kobjns_sync_close(never));
}

/* A call that waits alertably itself runs the calls queued after it there (Windows delivers
 * every pending APC to any alertable wait). */
static calls *nested_log;
static int nested_answer;

static void sleep_alertably(void *context, uintptr_t arg) {
  record(context, arg);
  nested_answer = kobjns_sleep(5000, KOBJNS_WAIT_ALERTABLE);
}

static void calls_inside_a_call(void) {
  calls c = {0};
  nested_log = &c;
  KT_OK(kobjns_apc_queue(NULL, sleep_alertably, &c, 1));
  KT_OK(kobjns_apc_queue(NULL, record, &c, 2));
  double start = kt_now_ms();
  KT_STATUS(kobjns_sleep(KOBJNS_INFINITE, KOBJNS_WAIT_ALERTABLE), KOBJNS_USER_APC);
  CU_ASSERT(kt_now_ms() - start < 4000);
  CU_ASSERT_EQUAL(nested_answer, KOBJNS_USER_APC); /* the second call ended the first's sleep */
  CU_ASSERT_EQUAL(ran(&c), 2);
  CU_ASSERT_EQUAL(c.arg[0], 1);
  CU_ASSERT_EQUAL(c.arg[1], 2);
}

/* A call that ends its thread before the thread's function: the thread ends, with that code. */
static void exit_in_call(void *context, uintptr_t arg) {
  (void)context;
  kobjns_thread_exit((uint32_t)arg);
}

static void a_call_ends_its_thread(void) {
  kobjns_sync *t = NULL;
  calls c = {0};
  KT_OK(kobjns_thread_create(idle, NULL, 0, KOBJNS_THREAD_SUSPENDED, &t, NULL));
  KT_OK(kobjns_apc_queue(t, exit_in_call, NULL, 42));
  KT_OK(kobjns_apc_queue(t, record, &c, 1)); /* never runs: the thread ended before it */
  KT_OK(kobjns_thread_resume(t, NULL));
  KT_OK(kobjns_wait(t, 10000));
  uint32_t code = 0;
  KT_OK(kobjns_thread_exit_code(t, &code));
  CU_ASSERT_EQUAL(code, 42);
  CU_ASSERT_EQUAL(ran(&c), 0);
  KT_OK(kobjns_sync_close(t));
}

/* A failed signal takes nothing from what the wait could have taken: a signaled
 * synchronization timer stays signaled. */
static void failed_signal_keeps_a_timer(void) {
  kobjns_sync *m = NULL, *t = NULL;
  KT_OK(kobjns_mutex_create(NULL, NULL, 0, NULL, &m));
  KT_OK(kobjns_timer_create(NULL, NULL, 0, NULL, &t));
  KT_OK(kobjns_timer_set(t, 0, 0, NULL, NULL, 0));
  kobjns_sleep(20, 0);
  KT_STATUS(kobjns_signal_and_wait(m, t, 0, 0), KOBJNS_NOT_OWNER);
  KT_OK(kobjns_wait(t, 0)); /* still signaled, taken now */
  KT_STATUS(kobjns_wait(t, 0), KOBJNS_WAIT_TIMEOUT);
  KT_OK(kobjns_sync_close(m));
  KT_OK(kobjns_sync_close(t));
}

void kt_add_alerts(CU_pSuite suite) {
  kt_add(suite, "a call that waits alertably runs the calls queued after it", calls_inside_a_call,
         0);
  kt_add(suite, "a call that ends its thread before its function: the thread ends, its code",
         a_call_ends_its_thread, 0);
  kt_add(suite, "a failed signal gives back what the wait took (a synchronization timer)",
         failed_signal_keeps_a_timer, 0);
  kt_add(suite, "calls queued to oneself run in an alertable wait or sleep, in order (737)",
         calls_to_oneself, 0);
  kt_add(suite, "the objects first: a signaled object is taken, the calls wait",
         objects_before_calls, 0);
  kt_add(suite, "a call queued to a thread asleep in an alertable wait (any, all, sleep) wakes it",
         calls_wake_a_waiting_thread, 0);
  kt_add(suite, "a call that queues another: both run before the wait returns",
         calls_queued_by_calls, 0);
  kt_add(suite, "bad calls: 87, 6", bad_calls, 0);
  kt_add(suite, "calls queued before a thread starts run first; an ended thread takes none (31)",
         calls_before_a_thread_starts, 0);
  kt_add(suite, "signal and wait: Windows' answers (Wine's test_signalandwait) and more",
         signal_and_wait_answers, 0);
  kt_add(suite, "signal and wait is one operation: a pulse set off by the signal is never lost",
         signal_and_wait_is_one_operation, 0);
  kt_add(suite, "signal and wait, alertable: the signal made, then the calls (737)",
         signal_and_wait_alertable, 0);
}
