/* Waitable timers, in the portable API on both backends: a named type in the same namespaces
 * (a name held by another type: 6); not signaled until set and due; a manual timer stays
 * signaled, a synchronization timer releases one waiter per expiry; relative and absolute due
 * times, periods; a set makes it not signaled, a cancel leaves its state; completion routines run
 * in the setting thread's alertable waits, and stop with that thread or the handle that set them;
 * another process sees and waits for the same timer. */
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "kt.h"

#ifdef _WIN32
#include <windows.h>
#endif

#define MS(n) (-(int64_t)(n)*10000) /* a relative due time of n ms */
#define SYNC "0x100000"

/* The time now in FILETIME units (100 ns since 1601, UTC). */
static int64_t filetime_now(void) {
#ifdef _WIN32
  FILETIME f;
  GetSystemTimeAsFileTime(&f);
  return (int64_t)((uint64_t)f.dwHighDateTime << 32 | f.dwLowDateTime);
#else
  struct timespec t;
  clock_gettime(CLOCK_REALTIME, &t);
  return (int64_t)t.tv_sec * 10000000 + t.tv_nsec / 100 + 116444736000000000LL;
#endif
}

static void names_and_types(void) {
  const char *name = kt_name("timer");
  kobjns_sync *t = NULL, *again = NULL, *opened = NULL, *other = NULL;
  KT_OK(kobjns_timer_create(NULL, name, 1, NULL, &t));
  CU_ASSERT_STRING_EQUAL(kobjns_sync_type(t), "Timer");
  kobjns_type type;
  KT_OK(kobjns_handle_type(t, &type));
  CU_ASSERT_EQUAL(type, KOBJNS_TYPE_TIMER);
  unsigned access = 0;
  KT_OK(kobjns_sync_access(t, &access));
  CU_ASSERT_EQUAL(access, KOBJNS_TIMER_ALL_ACCESS);
  KT_STATUS(kobjns_timer_create(NULL, name, 0, NULL, &again), KOBJNS_ALREADY_EXISTS);
  KT_OK(kobjns_timer_open(NULL, name, KOBJNS_SYNCHRONIZE, &opened));
  /* One name, one object: another type's create or open is 6. */
  KT_STATUS(kobjns_event_create(NULL, name, 1, 0, NULL, &other), KOBJNS_INVALID_HANDLE);
  KT_STATUS(kobjns_event_open(NULL, name, KOBJNS_SYNCHRONIZE, &other), KOBJNS_INVALID_HANDLE);
  CU_ASSERT_PTR_NULL(other);
  const char *event_name = kt_name("timerevent");
  KT_OK(kobjns_event_create(NULL, event_name, 1, 0, NULL, &other));
  kobjns_sync *none = NULL;
  KT_STATUS(kobjns_timer_open(NULL, event_name, KOBJNS_SYNCHRONIZE, &none), KOBJNS_INVALID_HANDLE);
  CU_ASSERT_PTR_NULL(none);
  /* A handle without TIMER_MODIFY_STATE sets nothing; an event's handle is not a timer's. */
  KT_STATUS(kobjns_timer_set(opened, 0, 0, NULL, NULL, 0), KOBJNS_ACCESS_DENIED);
  KT_STATUS(kobjns_timer_cancel(opened), KOBJNS_ACCESS_DENIED);
  KT_STATUS(kobjns_timer_set(other, 0, 0, NULL, NULL, 0), KOBJNS_INVALID_HANDLE);
  KT_STATUS(kobjns_timer_set(t, 0, -1, NULL, NULL, 0), KOBJNS_INVALID_PARAMETER);
  KT_STATUS(kobjns_timer_create(NULL, name, 1, NULL, NULL), KOBJNS_INVALID_PARAMETER);
  KT_OK(kobjns_sync_close(again));
  KT_OK(kobjns_sync_close(opened));
  KT_OK(kobjns_sync_close(other));
  KT_OK(kobjns_sync_close(t));
}

static void manual_timer(void) {
  kobjns_sync *t = NULL;
  KT_OK(kobjns_timer_create(NULL, NULL, 1, NULL, &t));
  KT_STATUS(kobjns_wait(t, 20), KOBJNS_WAIT_TIMEOUT); /* not set: never signaled */
  double start = kt_now_ms();
  KT_OK(kobjns_timer_set(t, MS(60), 0, NULL, NULL, 0));
  KT_STATUS(kobjns_wait(t, 0), KOBJNS_WAIT_TIMEOUT);
  KT_OK(kobjns_wait(t, 5000));
  double took = kt_now_ms() - start;
  CU_ASSERT(took >= 55);
  CU_ASSERT(took < 2000);
  KT_OK(kobjns_wait(t, 0)); /* it stays signaled */
  KT_OK(kobjns_wait(t, 0));
  /* Set again: not signaled until due. */
  KT_OK(kobjns_timer_set(t, MS(5000), 0, NULL, NULL, 0));
  KT_STATUS(kobjns_wait(t, 0), KOBJNS_WAIT_TIMEOUT);
  /* Cancelled: never signaled; a cancel leaves a signaled timer signaled. */
  KT_OK(kobjns_timer_cancel(t));
  KT_STATUS(kobjns_wait(t, 50), KOBJNS_WAIT_TIMEOUT);
  KT_OK(kobjns_timer_set(t, 0, 0, NULL, NULL, 0)); /* due now */
  KT_OK(kobjns_wait(t, 1000));
  KT_OK(kobjns_timer_cancel(t));
  KT_OK(kobjns_wait(t, 0));
  KT_OK(kobjns_sync_close(t));
}

/* Absolute due times: in the future (UTC, FILETIME units), and in the past (due at once). */
static void absolute_due_times(void) {
  kobjns_sync *t = NULL;
  KT_OK(kobjns_timer_create(NULL, NULL, 1, NULL, &t));
  double start = kt_now_ms();
  KT_OK(kobjns_timer_set(t, filetime_now() + 80 * 10000, 0, NULL, NULL, 0));
  KT_STATUS(kobjns_wait(t, 0), KOBJNS_WAIT_TIMEOUT);
  KT_OK(kobjns_wait(t, 5000));
  CU_ASSERT(kt_now_ms() - start >= 70);
  KT_OK(kobjns_timer_set(t, filetime_now() - 10000000, 0, NULL, NULL, 0));
  KT_OK(kobjns_wait(t, 1000));
  KT_OK(kobjns_timer_set(t, 1, 0, NULL, NULL, 0)); /* 1601: long past */
  KT_OK(kobjns_wait(t, 1000));
  KT_OK(kobjns_timer_set(t, INT64_MIN, 0, NULL, NULL, 0)); /* the longest relative time */
  KT_STATUS(kobjns_wait(t, 20), KOBJNS_WAIT_TIMEOUT);
  KT_OK(kobjns_timer_set(t, INT64_MAX, 0, NULL, NULL, 0)); /* the furthest absolute time */
  KT_STATUS(kobjns_wait(t, 20), KOBJNS_WAIT_TIMEOUT);
  KT_OK(kobjns_sync_close(t));
}

/* A synchronization timer releases one waiter per expiry, and resets. */
typedef struct waiter {
  kobjns_sync *timer;
  int answer;
} waiter;

static uint32_t wait_for_timer(void *arg) {
  waiter *w = arg;
  w->answer = kobjns_wait(w->timer, 400);
  return 0;
}

static void synchronization_timer(void) {
  kobjns_sync *t = NULL, *threads[2] = {NULL, NULL};
  KT_OK(kobjns_timer_create(NULL, NULL, 0, NULL, &t));
  waiter w[2] = {{t, -1}, {t, -1}};
  for (int i = 0; i < 2; i++)
    KT_OK(kobjns_thread_create(wait_for_timer, &w[i], 0, 0, &threads[i], NULL));
  kt_pause_ms(50);
  KT_OK(kobjns_timer_set(t, MS(30), 0, NULL, NULL, 0));
  KT_OK(kobjns_wait_multiple(threads, 2, 1, 10000, NULL));
  int released = (w[0].answer == 0) + (w[1].answer == 0);
  int timed_out = (w[0].answer == KOBJNS_WAIT_TIMEOUT) + (w[1].answer == KOBJNS_WAIT_TIMEOUT);
  CU_ASSERT_EQUAL(released, 1);
  CU_ASSERT_EQUAL(timed_out, 1);
  KT_STATUS(kobjns_wait(t, 0), KOBJNS_WAIT_TIMEOUT); /* reset by the wait it released */
  for (int i = 0; i < 2; i++) KT_OK(kobjns_sync_close(threads[i]));
  /* A period: one wait satisfied per expiry. */
  double start = kt_now_ms();
  KT_OK(kobjns_timer_set(t, MS(20), 20, NULL, NULL, 0));
  for (int i = 0; i < 5; i++) KT_OK(kobjns_wait(t, 2000));
  CU_ASSERT(kt_now_ms() - start >= 90);
  KT_OK(kobjns_timer_cancel(t));
  KT_OK(kobjns_sync_close(t));
}

/* Completion routines: in the setting thread's alertable waits only, with the time it was due. */
typedef struct routine_log {
  int calls;
  uint32_t thread;
  uint64_t when;
  uintptr_t arg;
} routine_log;

static void log_routine(void *context, uintptr_t arg, uint64_t when) {
  routine_log *log = context;
  log->calls++;
  log->thread = kobjns_current_thread_id();
  log->when = when;
  log->arg = arg;
}

static void completion_routines(void) {
  kobjns_sync *t = NULL, *never = NULL;
  routine_log log = {0};
  KT_OK(kobjns_timer_create(NULL, NULL, 0, NULL, &t));
  KT_OK(kobjns_event_create(NULL, NULL, 1, 0, NULL, &never));
  KT_OK(kobjns_timer_set(t, MS(30), 0, log_routine, &log, 7));
  KT_OK(kobjns_sleep(80, 0)); /* not alertable: nothing runs */
  CU_ASSERT_EQUAL(log.calls, 0);
  KT_STATUS(kobjns_sleep(2000, KOBJNS_WAIT_ALERTABLE), KOBJNS_USER_APC);
  CU_ASSERT_EQUAL(log.calls, 1);
  CU_ASSERT_EQUAL(log.arg, 7);
  CU_ASSERT_EQUAL(log.thread, kobjns_current_thread_id());
  KT_OK(kobjns_sleep(50, KOBJNS_WAIT_ALERTABLE)); /* once per expiry */
  CU_ASSERT_EQUAL(log.calls, 1);
  /* An alertable wait on something else wakes for it when due. */
  double start = kt_now_ms();
  KT_OK(kobjns_timer_set(t, MS(40), 0, log_routine, &log, 8));
  KT_STATUS(kobjns_wait_ex(&never, 1, KOBJNS_WAIT_ALERTABLE, 5000, NULL), KOBJNS_USER_APC);
  CU_ASSERT(kt_now_ms() - start >= 35);
  CU_ASSERT_EQUAL(log.calls, 2);
  CU_ASSERT_EQUAL(log.arg, 8);
  /* A synchronization timer's period: once per expiry. */
  KT_OK(kobjns_timer_set(t, MS(10), 10, log_routine, &log, 9));
  for (int i = 0; i < 3; i++) KT_STATUS(kobjns_sleep(1000, KOBJNS_WAIT_ALERTABLE), KOBJNS_USER_APC);
  CU_ASSERT_EQUAL(log.calls, 5);
  /* Set again without one: the routine is not called any more; cancelled: nor. */
  KT_OK(kobjns_timer_set(t, MS(10), 10, NULL, NULL, 0));
  KT_OK(kobjns_sleep(60, KOBJNS_WAIT_ALERTABLE));
  CU_ASSERT_EQUAL(log.calls, 5);
  KT_OK(kobjns_timer_set(t, MS(10), 0, log_routine, &log, 10));
  KT_OK(kobjns_timer_cancel(t));
  KT_OK(kobjns_sleep(60, KOBJNS_WAIT_ALERTABLE));
  CU_ASSERT_EQUAL(log.calls, 5);
  KT_OK(kobjns_sync_close(never));
  KT_OK(kobjns_sync_close(t));
}

/* The routine is given the UTC time the timer was signaled (SetWaitableTimer's documentation). */
static void routine_gets_the_time_it_was_due(void) {
  kobjns_sync *t = NULL;
  routine_log log = {0};
  KT_OK(kobjns_timer_create(NULL, NULL, 0, NULL, &t));
  int64_t set_at = filetime_now();
  KT_OK(kobjns_timer_set(t, MS(30), 0, log_routine, &log, 0));
  KT_STATUS(kobjns_sleep(2000, KOBJNS_WAIT_ALERTABLE), KOBJNS_USER_APC);
  CU_ASSERT_EQUAL(log.calls, 1);
  CU_ASSERT((int64_t)log.when >= set_at + 25 * 10000);
  CU_ASSERT((int64_t)log.when <= filetime_now() + 10000);
  KT_OK(kobjns_sync_close(t));
}

/* A manual timer's period works as a synchronization timer's (SetWaitableTimer's documentation
 * makes no difference); expiries not seen run the routine once. */
static void manual_timer_period(void) {
  kobjns_sync *t = NULL;
  routine_log log = {0};
  KT_OK(kobjns_timer_create(NULL, NULL, 1, NULL, &t));
  KT_OK(kobjns_timer_set(t, MS(10), 10, log_routine, &log, 9));
  kt_pause_ms(60);
  KT_STATUS(kobjns_sleep(0, KOBJNS_WAIT_ALERTABLE), KOBJNS_USER_APC);
  CU_ASSERT_EQUAL(log.calls, 1);
  for (int i = 0; i < 3; i++) KT_STATUS(kobjns_sleep(1000, KOBJNS_WAIT_ALERTABLE), KOBJNS_USER_APC);
  CU_ASSERT_EQUAL(log.calls, 4);
  KT_OK(kobjns_wait(t, 0)); /* and it stays signaled */
  KT_OK(kobjns_timer_cancel(t));
  KT_OK(kobjns_sync_close(t));
}

/* The thread that set a routine ends: the timer is cancelled ("If the thread that set the timer
 * terminates and there is an associated completion routine, the timer is canceled":
 * SetWaitableTimer's documentation). */
static uint32_t set_and_end(void *arg) {
  static routine_log log;
  return (uint32_t)kobjns_timer_set(arg, MS(100), 0, log_routine, &log, 1);
}

static void routine_ends_with_its_thread(void) {
  kobjns_sync *t = NULL, *setter = NULL;
  KT_OK(kobjns_timer_create(NULL, NULL, 1, NULL, &t));
  KT_OK(kobjns_thread_create(set_and_end, t, 0, 0, &setter, NULL));
  KT_OK(kobjns_wait(setter, 10000));
  uint32_t code = 99;
  KT_OK(kobjns_thread_exit_code(setter, &code));
  CU_ASSERT_EQUAL(code, 0);
  KT_OK(kobjns_sync_close(setter));
  KT_STATUS(kobjns_wait(t, 300), KOBJNS_WAIT_TIMEOUT); /* cancelled with the thread */
  KT_OK(kobjns_sync_close(t));
}

/* The handle that set a routine closes: the timer stops (the kobjns rule, docs/api.md); without
 * a routine, a close changes nothing. */
static void routine_ends_with_its_handle(void) {
  const char *name = kt_name("timerend");
  kobjns_sync *t = NULL, *other = NULL;
  KT_OK(kobjns_timer_create(NULL, name, 1, NULL, &t));
  routine_log log = {0};
  KT_OK(kobjns_timer_open(NULL, name, KOBJNS_TIMER_ALL_ACCESS, &other));
  KT_OK(kobjns_timer_set(other, MS(100), 0, log_routine, &log, 1));
  KT_OK(kobjns_sync_close(other));
  KT_STATUS(kobjns_wait(t, 300), KOBJNS_WAIT_TIMEOUT);
  KT_OK(kobjns_sleep(0, KOBJNS_WAIT_ALERTABLE));
  CU_ASSERT_EQUAL(log.calls, 0);
  KT_OK(kobjns_timer_open(NULL, name, KOBJNS_TIMER_ALL_ACCESS, &other));
  KT_OK(kobjns_timer_set(other, MS(50), 0, NULL, NULL, 0));
  KT_OK(kobjns_sync_close(other));
  KT_OK(kobjns_wait(t, 5000));
  KT_OK(kobjns_sync_close(t));
}

/* Another process opens the timer by name and sets it; this one waits and is released. */
static void across_processes(void) {
  const char *name = kt_name("timerproc");
  kobjns_sync *t = NULL;
  KT_OK(kobjns_timer_create(NULL, name, 0, NULL, &t));
  kt_proc p;
  CU_ASSERT_FATAL(kt_spawn(&p, kt_runner_session(), -1));
  KT_STATUS(kt_cmd(&p, NULL, 0, "timeropen %s 0x1F0003", name), 0);
  double start = kt_now_ms();
  KT_STATUS(kt_cmd(&p, NULL, 0, "timerset -500000 0"), 0); /* 50 ms */
  KT_OK(kobjns_wait(t, 5000));
  CU_ASSERT(kt_now_ms() - start >= 45);
  /* And the other way round: set here, the other process waits (a synchronization timer: one
   * of us is released). */
  KT_OK(kobjns_timer_set(t, MS(50), 0, NULL, NULL, 0));
  KT_STATUS(kt_cmd(&p, NULL, 0, "wait 5000"), 0);
  KT_STATUS(kobjns_wait(t, 0), KOBJNS_WAIT_TIMEOUT);
  CU_ASSERT_EQUAL(kt_wait(&p), 0);
  KT_OK(kobjns_sync_close(t));
}

/* Several threads set one handle's timer, with routines, at once: each replaced routine is
 * freed once (ASan, valgrind and TSan watch). */
typedef struct setter {
  kobjns_sync *t;
  routine_log log;
} setter;

static uint32_t set_many_times(void *arg) {
  setter *s = arg;
  for (int i = 0; i < 300; i++)
    if (kobjns_timer_set(s->t, MS(1000), 0, log_routine, &s->log, (uintptr_t)i)) return 1;
  return 0;
}

static void sets_from_several_threads(void) {
  kobjns_sync *t = NULL, *threads[4] = {NULL};
  KT_OK(kobjns_timer_create(NULL, NULL, 0, NULL, &t));
  setter s[4];
  for (int i = 0; i < 4; i++) {
    s[i] = (setter){.t = t};
    KT_OK(kobjns_thread_create(set_many_times, &s[i], 0, 0, &threads[i], NULL));
  }
  KT_OK(kobjns_wait_multiple(threads, 4, 1, 60000, NULL));
  for (int i = 0; i < 4; i++) {
    uint32_t code = 9;
    KT_OK(kobjns_thread_exit_code(threads[i], &code));
    CU_ASSERT_EQUAL(code, 0);
    KT_OK(kobjns_sync_close(threads[i]));
  }
  KT_OK(kobjns_timer_cancel(t));
  KT_OK(kobjns_sync_close(t));
}

/* Duplicate and close the source: the routine goes with the duplicate, the timer runs on. */
static void duplicate_and_close_keeps_the_routine(void) {
  kobjns_sync *t = NULL, *d = NULL;
  routine_log log = {0};
  KT_OK(kobjns_timer_create(NULL, NULL, 1, NULL, &t));
  KT_OK(kobjns_timer_set(t, MS(40), 0, log_routine, &log, 5));
  KT_OK(kobjns_duplicate(t, 0, KOBJNS_DUPLICATE_SAME_ACCESS | KOBJNS_DUPLICATE_CLOSE_SOURCE,
                         (void **)&d));
  KT_OK(kobjns_wait(d, 5000));
  KT_STATUS(kobjns_sleep(2000, KOBJNS_WAIT_ALERTABLE), KOBJNS_USER_APC);
  CU_ASSERT_EQUAL(log.calls, 1);
  CU_ASSERT_EQUAL(log.arg, 5);
  KT_OK(kobjns_sync_close(d));
}

#ifndef _WIN32
#include <sys/wait.h>
#include <unistd.h>

/* A kobjns thread that forks: the child's copy of it ends without stopping the parent's timer
 * (the routine's thread is the parent's) or signaling the parent's thread. */
static uint32_t set_then_fork(void *arg) {
  static routine_log log;
  kobjns_sync *t = arg;
  if (kobjns_timer_set(t, MS(150), 0, log_routine, &log, 3)) return 10;
  pid_t child = fork();
  if (child == 0) return 0; /* the child's only thread ends: the child exits */
  if (child < 0) return 11;
  int status = 0;
  waitpid(child, &status, 0);
  if (kobjns_sleep(5000, KOBJNS_WAIT_ALERTABLE) != KOBJNS_USER_APC) return 12;
  return log.calls == 1 && log.arg == 3 ? 1 : 13;
}

static void a_forked_copy_leaves_the_timer(void) {
  kobjns_sync *t = NULL, *thread = NULL;
  KT_OK(kobjns_timer_create(NULL, NULL, 1, NULL, &t));
  KT_OK(kobjns_thread_create(set_then_fork, t, 0, 0, &thread, NULL));
  KT_OK(kobjns_wait(thread, 20000));
  uint32_t code = 0;
  KT_OK(kobjns_thread_exit_code(thread, &code));
  CU_ASSERT_EQUAL(code, 1);
  KT_OK(kobjns_wait(t, 0)); /* it fired */
  KT_OK(kobjns_sync_close(thread));
  KT_OK(kobjns_sync_close(t));
}
#endif

void kt_add_timers(CU_pSuite suite) {
  kt_add(suite, "several threads set one handle's timer with routines at once",
         sets_from_several_threads, 0);
  kt_add(suite, "duplicate and close the source: the routine and the timer go on",
         duplicate_and_close_keeps_the_routine, 0);
  kt_add(suite, "a kobjns thread's forked copy leaves the parent's timer and routine alone",
         KT_POSIX_ONLY(a_forked_copy_leaves_the_timer), KT_NEEDS_FORK);
  kt_add(suite, "a timer is a named type: its name, rights; another type's name is 6",
         names_and_types, 0);
  kt_add(suite, "a manual timer: signaled when due, until set again; a cancel leaves its state",
         manual_timer, 0);
  kt_add(suite, "absolute due times, future and past; the extremes neither crash nor fire",
         absolute_due_times, 0);
  kt_add(suite, "a synchronization timer releases one waiter per expiry; periods",
         synchronization_timer, 0);
  kt_add(suite, "completion routines run in the setting thread's alertable waits, once per expiry",
         completion_routines, 0);
  kt_add_not_wine(suite, "a completion routine gets the UTC time the timer was signaled",
                  routine_gets_the_time_it_was_due, 0,
                  "it passes a relative timer's due time in its own monotonic count");
  kt_add_not_wine(suite, "a manual timer's period: signaled, and its routine called, each period",
                  manual_timer_period, 0,
                  "its server ignores a manual-reset timer's period (server/timer.c)");
  kt_add_not_wine(suite, "a routine's timer is cancelled when the thread that set it ends",
                  routine_ends_with_its_thread, 0,
                  "the timer keeps running after that thread has ended");
  kt_add(suite, "a routine's timer stops when the handle that set it closes",
         routine_ends_with_its_handle, 0);
  kt_add(suite, "another process sets the timer, or waits for it", across_processes, 0);
}
