/* Threads as kernel objects (the portable API, both backends): a thread's handle is signaled when
 * it ends and stays so, gives its exit code and id, waits with other objects, outlives a close,
 * starts suspended and runs once resumed; kobjns_thread_exit ends it with a code; a thread that
 * ends owning a mutex abandons it. */
#include <stdint.h>
#include <string.h>

#include "kt.h"

static uint32_t return_arg(void *arg) { return (uint32_t)(uintptr_t)arg; }

static void exit_code_and_signaled_state(void) {
  kobjns_sync *t = NULL;
  uint32_t id = 0, code = 0, seen = 0;
  KT_OK(kobjns_thread_create(return_arg, (void *)(uintptr_t)42, 0, 0, &t, &id));
  CU_ASSERT_FATAL(t != NULL);
  CU_ASSERT(id != 0);
  KT_OK(kobjns_thread_id(t, &seen));
  CU_ASSERT_EQUAL(seen, id);
  KT_OK(kobjns_wait(t, 10000));
  KT_OK(kobjns_wait(t, 0)); /* it stays signaled: a wait takes nothing */
  KT_OK(kobjns_thread_exit_code(t, &code));
  CU_ASSERT_EQUAL(code, 42);
  CU_ASSERT_STRING_EQUAL(kobjns_sync_type(t), "Thread");
  CU_ASSERT_STRING_EQUAL(kobjns_sync_path(t), "");
  unsigned access = 0;
  KT_OK(kobjns_sync_access(t, &access));
  CU_ASSERT_EQUAL(access, KOBJNS_THREAD_ALL_ACCESS);
  kobjns_type type;
  KT_OK(kobjns_handle_type(t, &type));
  CU_ASSERT_EQUAL(type, KOBJNS_TYPE_THREAD);
  KT_OK(kobjns_sync_close(t));
  KT_STATUS(kobjns_thread_exit_code(t, &code), KOBJNS_INVALID_HANDLE);
}

/* A thread that waits for `arg` (an event) and reports its id. */
typedef struct gate {
  kobjns_sync *go;
  uint32_t id;
  int done; /* atomic: set as it returns */
} gate;

static uint32_t wait_for_go(void *arg) {
  gate *g = arg;
  __atomic_store_n(&g->id, kobjns_current_thread_id(), __ATOMIC_SEQ_CST);
  uint32_t code = kobjns_wait(g->go, 10000) == 0 ? 7 : 99;
  __atomic_store_n(&g->done, 1, __ATOMIC_SEQ_CST);
  return code;
}

static void running_then_ended(void) {
  gate g = {0};
  KT_OK(kobjns_event_create(NULL, NULL, 1, 0, NULL, &g.go));
  kobjns_sync *t = NULL;
  uint32_t id = 0, code = 0;
  KT_OK(kobjns_thread_create(wait_for_go, &g, 0, 0, &t, &id));
  KT_STATUS(kobjns_wait(t, 50), KOBJNS_WAIT_TIMEOUT);
  KT_OK(kobjns_thread_exit_code(t, &code));
  CU_ASSERT_EQUAL(code, KOBJNS_STILL_ACTIVE);
  /* A wait for any of (the thread, a never-set event) is the thread's once it ends. */
  kobjns_sync *never = NULL;
  KT_OK(kobjns_event_create(NULL, NULL, 1, 0, NULL, &never));
  kobjns_sync *both[2] = {never, t};
  size_t index = 9;
  KT_STATUS(kobjns_wait_multiple(both, 2, 0, 20, &index), KOBJNS_WAIT_TIMEOUT);
  KT_OK(kobjns_event_set(g.go));
  KT_OK(kobjns_wait_multiple(both, 2, 0, 10000, &index));
  CU_ASSERT_EQUAL(index, 1);
  KT_OK(kobjns_thread_exit_code(t, &code));
  CU_ASSERT_EQUAL(code, 7);
  CU_ASSERT_EQUAL(g.id, id); /* the id the create gave is the thread's own */
  KT_OK(kobjns_event_set(never));
  KT_OK(kobjns_wait_multiple(both, 2, 1, 0, NULL)); /* for all: both are signaled */
  KT_OK(kobjns_sync_close(never));
  KT_OK(kobjns_sync_close(g.go));
  KT_OK(kobjns_sync_close(t));
}

static uint32_t record_started(void *arg) {
  __atomic_store_n((int *)arg, 1, __ATOMIC_SEQ_CST);
  return 5;
}

static void suspended_until_resumed(void) {
  int started = 0;
  kobjns_sync *t = NULL;
  KT_OK(kobjns_thread_create(record_started, &started, 0, KOBJNS_THREAD_SUSPENDED, &t, NULL));
  KT_STATUS(kobjns_wait(t, 100), KOBJNS_WAIT_TIMEOUT);
  CU_ASSERT_EQUAL(__atomic_load_n(&started, __ATOMIC_SEQ_CST), 0);
  uint32_t previous = 9;
  KT_OK(kobjns_thread_resume(t, &previous));
  CU_ASSERT_EQUAL(previous, 1);
  KT_OK(kobjns_wait(t, 10000));
  CU_ASSERT_EQUAL(__atomic_load_n(&started, __ATOMIC_SEQ_CST), 1);
  KT_OK(kobjns_thread_resume(t, &previous)); /* not suspended: 0, nothing changes */
  CU_ASSERT_EQUAL(previous, 0);
  KT_OK(kobjns_sync_close(t));
}

static uint32_t exit_early(void *arg) {
  (void)arg;
  kobjns_thread_exit(1234);
}

static void exit_thread_gives_its_code(void) {
  kobjns_sync *t = NULL;
  uint32_t code = 0;
  KT_OK(kobjns_thread_create(exit_early, NULL, 256 * 1024, 0, &t, NULL));
  KT_OK(kobjns_wait(t, 10000));
  KT_OK(kobjns_thread_exit_code(t, &code));
  CU_ASSERT_EQUAL(code, 1234);
  KT_OK(kobjns_sync_close(t));
}

/* Closing the handle does not stop the thread; it still ends, and what it signals is seen. */
static void closed_while_running(void) {
  gate g = {0};
  KT_OK(kobjns_event_create(NULL, NULL, 1, 0, NULL, &g.go));
  kobjns_sync *t = NULL;
  KT_OK(kobjns_thread_create(wait_for_go, &g, 0, 0, &t, NULL));
  KT_OK(kobjns_sync_close(t));
  KT_STATUS(kobjns_wait(t, 0), KOBJNS_INVALID_HANDLE);
  KT_OK(kobjns_event_set(g.go)); /* it returns 7 and ends, its page still its own */
  for (int i = 0; i < 2000 && !__atomic_load_n(&g.done, __ATOMIC_SEQ_CST); i++) kt_pause_ms(5);
  CU_ASSERT(__atomic_load_n(&g.done, __ATOMIC_SEQ_CST));
  kt_pause_ms(50); /* its end signals the page it still holds, then lets it go */
  KT_OK(kobjns_sync_close(g.go));
}

typedef struct owner_call {
  kobjns_sync *mutex;
} owner_call;

static uint32_t take_and_end(void *arg) {
  owner_call *c = arg;
  return (uint32_t)kobjns_wait(c->mutex, 0);
}

static void ending_owner_abandons(void) {
  owner_call c = {0};
  KT_OK(kobjns_mutex_create(NULL, kt_name("thrmx"), 0, NULL, &c.mutex));
  kobjns_sync *t = NULL;
  uint32_t code = 99;
  KT_OK(kobjns_thread_create(take_and_end, &c, 0, 0, &t, NULL));
  KT_OK(kobjns_wait(t, 10000));
  KT_OK(kobjns_thread_exit_code(t, &code));
  CU_ASSERT_EQUAL(code, 0); /* it owned the mutex when it ended */
  KT_STATUS(kobjns_wait(c.mutex, 5000), KOBJNS_ABANDONED_WAIT_0);
  KT_OK(kobjns_mutex_release(c.mutex));
  KT_OK(kobjns_sync_close(c.mutex));
  KT_OK(kobjns_sync_close(t));
}

static void bad_arguments(void) {
  kobjns_sync *t = (kobjns_sync *)1, *e = NULL;
  uint32_t value;
  KT_STATUS(kobjns_thread_create(NULL, NULL, 0, 0, &t, NULL), KOBJNS_INVALID_PARAMETER);
  CU_ASSERT_PTR_NULL(t);
  KT_STATUS(kobjns_thread_create(return_arg, NULL, 0, 0, NULL, NULL), KOBJNS_INVALID_PARAMETER);
  KT_STATUS(kobjns_thread_create(return_arg, NULL, 0, 0x1, &t, NULL), KOBJNS_INVALID_PARAMETER);
  KT_STATUS(kobjns_thread_resume(NULL, NULL), KOBJNS_INVALID_HANDLE);
  KT_STATUS(kobjns_thread_exit_code(NULL, &value), KOBJNS_INVALID_HANDLE);
  KT_STATUS(kobjns_thread_id(NULL, &value), KOBJNS_INVALID_HANDLE);
  KT_OK(kobjns_event_create(NULL, NULL, 1, 0, NULL, &e));
  KT_STATUS(kobjns_thread_exit_code(e, &value), KOBJNS_INVALID_HANDLE); /* not a thread */
  KT_STATUS(kobjns_thread_resume(e, NULL), KOBJNS_INVALID_HANDLE);
  KT_OK(kobjns_thread_create(return_arg, NULL, 0, 0, &t, NULL));
  KT_STATUS(kobjns_thread_exit_code(t, NULL), KOBJNS_INVALID_PARAMETER);
  KT_STATUS(kobjns_thread_id(t, NULL), KOBJNS_INVALID_PARAMETER);
  KT_OK(kobjns_wait(t, 10000));
  KT_OK(kobjns_sync_close(t));
  KT_OK(kobjns_sync_close(e));
  /* Threads have no names: nothing opens one, and no create asks about privileges for one. */
  unsigned privileges;
  KT_STATUS(kobjns_create_privileges(NULL, "x", KOBJNS_TYPE_THREAD, &privileges),
            KOBJNS_INVALID_PARAMETER);
  KT_STATUS(kobjns_open_explain(NULL, "x", KOBJNS_TYPE_THREAD, KOBJNS_SYNCHRONIZE, NULL),
            KOBJNS_INVALID_PARAMETER);
}

/* Many threads at once, each waited for: none lost, every code its own. */
static void many_threads(void) {
  enum { N = 64 };
  kobjns_sync *t[N] = {0};
  for (uintptr_t i = 0; i < N; i++)
    KT_OK(kobjns_thread_create(return_arg, (void *)(i + 1), 0, 0, &t[i], NULL));
  KT_OK(kobjns_wait_multiple(t, N, 1, 20000, NULL));
  for (uintptr_t i = 0; i < N; i++) {
    uint32_t code = 0;
    KT_OK(kobjns_thread_exit_code(t[i], &code));
    CU_ASSERT_EQUAL(code, i + 1);
    KT_OK(kobjns_sync_close(t[i]));
  }
}

static uint32_t must_not_run(void *arg) {
  __atomic_store_n((int *)arg, 1, __ATOMIC_SEQ_CST);
  return 5;
}

static void never_runs(void *context, uintptr_t arg) {
  (void)arg;
  __atomic_store_n((int *)context, 2, __ATOMIC_SEQ_CST);
}

/* A thread created suspended and terminated never runs its function, nor the calls queued to
 * it; its handle is signaled with the code given. A running thread: Windows ends it, POSIX
 * answers 50 (no safe way); an ended one: 0, its code unchanged. */
static void terminate_threads(void) {
  int ran = 0;
  kobjns_sync *t = NULL;
  KT_OK(kobjns_thread_create(must_not_run, &ran, 0, KOBJNS_THREAD_SUSPENDED, &t, NULL));
  KT_OK(kobjns_apc_queue(t, never_runs, &ran, 0));
  KT_OK(kobjns_thread_terminate(t, 0xdeadbeef));
  KT_OK(kobjns_wait(t, 10000));
  uint32_t code = 0;
  KT_OK(kobjns_thread_exit_code(t, &code));
  CU_ASSERT_EQUAL(code, 0xdeadbeef);
  CU_ASSERT_EQUAL(__atomic_load_n(&ran, __ATOMIC_SEQ_CST), 0);
  KT_STATUS(kobjns_apc_queue(t, never_runs, &ran, 0), KOBJNS_GEN_FAILURE);
  KT_OK(kobjns_thread_terminate(t, 1)); /* ended: nothing changes */
  KT_OK(kobjns_thread_exit_code(t, &code));
  CU_ASSERT_EQUAL(code, 0xdeadbeef);
  KT_OK(kobjns_sync_close(t));
  /* Access and type: 5 without THREAD_TERMINATE, 6 for an event. */
  kobjns_sync *e = NULL, *limited = NULL;
  KT_OK(kobjns_thread_create(must_not_run, &ran, 0, KOBJNS_THREAD_SUSPENDED, &t, NULL));
  KT_OK(kobjns_duplicate(t, KOBJNS_SYNCHRONIZE, 0, (void **)&limited));
  KT_STATUS(kobjns_thread_terminate(limited, 0), KOBJNS_ACCESS_DENIED);
  KT_OK(kobjns_event_create(NULL, NULL, 1, 0, NULL, &e));
  KT_STATUS(kobjns_thread_terminate(e, 0), KOBJNS_INVALID_HANDLE);
  KT_OK(kobjns_thread_terminate(t, 3));
  KT_OK(kobjns_wait(limited, 10000));
  KT_OK(kobjns_sync_close(limited));
  KT_OK(kobjns_sync_close(t));
  KT_OK(kobjns_sync_close(e));
  CU_ASSERT_EQUAL(__atomic_load_n(&ran, __ATOMIC_SEQ_CST), 0);
  /* A running thread (it waits for an event nobody sets). */
  gate g = {0};
  KT_OK(kobjns_event_create(NULL, NULL, 1, 0, NULL, &g.go));
  KT_OK(kobjns_thread_create(wait_for_go, &g, 0, 0, &t, NULL));
  while (!__atomic_load_n(&g.id, __ATOMIC_SEQ_CST)) kobjns_sleep(1, 0);
#ifdef _WIN32
  KT_OK(kobjns_thread_terminate(t, 44)); /* Windows ends it where it stands */
  KT_OK(kobjns_wait(t, 10000));
  KT_OK(kobjns_thread_exit_code(t, &code));
  CU_ASSERT_EQUAL(code, 44);
#else
  KT_STATUS(kobjns_thread_terminate(t, 44), KOBJNS_NOT_SUPPORTED); /* POSIX cannot, safely */
  KT_OK(kobjns_event_set(g.go));
  KT_OK(kobjns_wait(t, 10000));
  KT_OK(kobjns_thread_exit_code(t, &code));
  CU_ASSERT_EQUAL(code, 7);
#endif
  KT_OK(kobjns_sync_close(t));
  KT_OK(kobjns_sync_close(g.go));
}

void kt_add_threads(CU_pSuite suite) {
  kt_add(suite, "a thread terminated before it runs never runs; its code; ended: nothing changes",
         terminate_threads, 0);
  kt_add(suite, "a thread's handle: its code, its id, signaled when it ends and after",
         exit_code_and_signaled_state, 0);
  kt_add(suite, "a running thread: 259, waits time out; its end ends a wait for any or all",
         running_then_ended, 0);
  kt_add(suite, "a suspended thread runs once resumed (previous counts 1, then 0)",
         suspended_until_resumed, 0);
  kt_add(suite, "kobjns_thread_exit ends the thread with its code", exit_thread_gives_its_code, 0);
  kt_add(suite, "closing a running thread's handle does not stop it", closed_while_running, 0);
  kt_add(suite, "a thread that ends owning a mutex abandons it (735)", ending_owner_abandons, 0);
  kt_add(suite, "bad arguments: 87 and 6, never a crash; threads have no names", bad_arguments, 0);
  kt_add(suite, "64 threads at once, waited for all together", many_threads, 0);
}
