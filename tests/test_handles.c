/* One handle table for every type: values, closing any handle, asking its type; the type table
 * as the API shows it; contexts whose identity changes keep a dropped privilege dropped. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kt.h"

static void values_are_small_multiples_of_four(void) {
  kobjns_section *s = NULL;
  kobjns_sync *m = NULL, *e = NULL;
  KT_OK(kobjns_section_create(NULL, "", 4096, KOBJNS_MAP_WRITE, NULL, &s));
  KT_OK(kobjns_mutex_create(NULL, kt_name("hm"), 0, NULL, &m));
  KT_OK(kobjns_event_create(NULL, "", 1, 0, NULL, &e));
  uintptr_t values[] = {(uintptr_t)s, (uintptr_t)m, (uintptr_t)e};
  for (size_t i = 0; i < 3; i++) {
    CU_ASSERT(values[i] != 0);
    CU_ASSERT(values[i] <= UINT32_MAX);
    CU_ASSERT_EQUAL(values[i] % 4, 0);
  }
  /* As on Windows, the two low bits are the application's. */
  uint64_t size = 0;
  KT_OK(kobjns_section_size((kobjns_section *)(values[0] | 3), &size));
  CU_ASSERT_EQUAL(size, 4096);
  KT_OK(kobjns_event_set((kobjns_sync *)(values[2] | 1)));
  KT_OK(kobjns_close(s));
  KT_OK(kobjns_close(m));
  KT_OK(kobjns_close((kobjns_sync *)(values[2] | 2)));
  /* Closed: every function answers 6, a second close too. */
  KT_STATUS(kobjns_close(s), KOBJNS_INVALID_HANDLE);
  KT_STATUS(kobjns_section_size(s, &size), KOBJNS_INVALID_HANDLE);
  KT_STATUS(kobjns_event_set(e), KOBJNS_INVALID_HANDLE);
  /* Never issued, or past 2^32. */
  KT_STATUS(kobjns_close(NULL), KOBJNS_INVALID_HANDLE);
  KT_STATUS(kobjns_close((void *)(uintptr_t)0xFFFFFFFCu), KOBJNS_INVALID_HANDLE);
  if (sizeof(uintptr_t) > 4)
    KT_STATUS(kobjns_close((void *)(uintptr_t)((uint64_t)values[1] | (uint64_t)1 << 33)),
              KOBJNS_INVALID_HANDLE);
}

static void a_closed_value_comes_back_late(void) {
  /* A slot's generation changes with each reuse: the value of a closed handle is not issued
   * again for a long time (255 reuses of its slot), so a stale value answers 6. */
  kobjns_section *first = NULL;
  KT_OK(kobjns_section_create(NULL, "", 4096, KOBJNS_MAP_WRITE, NULL, &first));
  KT_OK(kobjns_close(first));
  for (int i = 0; i < 100; i++) {
    kobjns_section *s = NULL;
    KT_OK(kobjns_section_create(NULL, "", 4096, KOBJNS_MAP_WRITE, NULL, &s));
    CU_ASSERT_PTR_NOT_EQUAL(s, first);
    KT_OK(kobjns_close(s));
  }
  uint64_t size;
  KT_STATUS(kobjns_section_size(first, &size), KOBJNS_INVALID_HANDLE);
}

static void types_of_handles(void) {
  kobjns_section *s = NULL;
  kobjns_sync *m = NULL, *e = NULL, *sem = NULL;
  KT_OK(kobjns_section_create(NULL, "", 4096, KOBJNS_MAP_WRITE, NULL, &s));
  KT_OK(kobjns_mutex_create(NULL, "", 0, NULL, &m));
  KT_OK(kobjns_event_create(NULL, "", 0, 0, NULL, &e));
  KT_OK(kobjns_semaphore_create(NULL, "", 0, 1, NULL, &sem));
  kobjns_type t = KOBJNS_TYPE_UNKNOWN;
  KT_OK(kobjns_handle_type(s, &t));
  CU_ASSERT_EQUAL(t, KOBJNS_TYPE_SECTION);
  KT_OK(kobjns_handle_type(m, &t));
  CU_ASSERT_EQUAL(t, KOBJNS_TYPE_MUTEX);
  KT_OK(kobjns_handle_type(e, &t));
  CU_ASSERT_EQUAL(t, KOBJNS_TYPE_EVENT);
  KT_OK(kobjns_handle_type(sem, &t));
  CU_ASSERT_EQUAL(t, KOBJNS_TYPE_SEMAPHORE);
  CU_ASSERT_STRING_EQUAL(kobjns_sync_type(sem), kobjns_type_name(KOBJNS_TYPE_SEMAPHORE));
  KT_STATUS(kobjns_handle_type(s, NULL), KOBJNS_INVALID_PARAMETER);
  /* A handle of one type is not one of another. */
  KT_STATUS(kobjns_sync_close((kobjns_sync *)s), KOBJNS_INVALID_HANDLE);
  KT_STATUS(kobjns_section_close((kobjns_section *)m), KOBJNS_INVALID_HANDLE);
  KT_STATUS(kobjns_wait((kobjns_sync *)s, 0), KOBJNS_ACCESS_DENIED); /* no SYNCHRONIZE */
  KT_OK(kobjns_close(s));
  KT_OK(kobjns_sync_close(m));
  KT_OK(kobjns_close(e));
  KT_OK(kobjns_close(sem));
  KT_STATUS(kobjns_handle_type(e, &t), KOBJNS_INVALID_HANDLE);
  CU_ASSERT_EQUAL(t, KOBJNS_TYPE_NONE);
}

static void type_names(void) {
  static const char *const names[] = {"",          "Section", "Mutex",  "Event",
                                      "Semaphore", "Session", "Object", "Unknown",
                                      "Temporary", "Thread",  "Timer"};
  for (int t = 0; t <= KOBJNS_TYPE_TIMER; t++)
    CU_ASSERT_STRING_EQUAL(kobjns_type_name((kobjns_type)t), names[t]);
  CU_ASSERT_STRING_EQUAL(kobjns_type_name((kobjns_type)99), "");
  CU_ASSERT_STRING_EQUAL(kobjns_type_name((kobjns_type)-1), "");
}

static void typed_access_checks(void) {
  /* GX is SYNCHRONIZE for a mutex, SECTION_MAP_EXECUTE for a section. */
  KT_OK(kobjns_sddl_access_type(NULL, KOBJNS_TYPE_MUTEX, "D:(A;;GX;;;WD)", 0, KOBJNS_SYNCHRONIZE));
  KT_STATUS(
      kobjns_sddl_access_type(NULL, KOBJNS_TYPE_SECTION, "D:(A;;GX;;;WD)", 0, KOBJNS_MAP_READ),
      KOBJNS_ACCESS_DENIED);
  KT_OK(kobjns_sddl_access_type(NULL, KOBJNS_TYPE_EVENT, "D:(A;;GW;;;WD)", 0,
                                KOBJNS_EVENT_MODIFY_STATE));
  /* Rights of another type, or a type that is no object's. */
  KT_STATUS(kobjns_sddl_access_type(NULL, KOBJNS_TYPE_MUTEX, "D:(A;;GA;;;WD)", 0, KOBJNS_MAP_READ),
            KOBJNS_INVALID_PARAMETER);
  KT_STATUS(kobjns_sddl_access_type(NULL, KOBJNS_TYPE_SESSION, "D:(A;;GA;;;WD)", 0, 1),
            KOBJNS_INVALID_PARAMETER);
  KT_STATUS(kobjns_sddl_access_type(NULL, KOBJNS_TYPE_MUTEX, NULL, 0, KOBJNS_SYNCHRONIZE),
            KOBJNS_INVALID_PARAMETER);
}

static int held(kobjns_ctx *ctx) {
  int h = -1;
  KT_OK(kobjns_ctx_has_privilege(ctx, KOBJNS_PRIV_CREATE_GLOBAL, &h));
  return h;
}

/* A program that drops SeCreateGlobalPrivilege keeps it dropped when the context changes
 * session or user; only kobjns_ctx_set_privilege() gives it back. */
static void a_dropped_privilege_stays_dropped(void) {
  kobjns_ctx *ctx = kt_ctx(0, true);
  CU_ASSERT_EQUAL(held(ctx), 1);
  KT_OK(kobjns_ctx_set_privilege(ctx, KOBJNS_PRIV_CREATE_GLOBAL, 0));
  CU_ASSERT_EQUAL(held(ctx), 0);
  KT_OK(kobjns_ctx_set_session(ctx, 0));
  CU_ASSERT_EQUAL(held(ctx), 0);
  KT_OK(kobjns_ctx_set_session(ctx, 1));
  KT_OK(kobjns_ctx_set_session(ctx, 0));
  CU_ASSERT_EQUAL(held(ctx), 0);
  if (kt_is_root()) {
    KT_OK(kobjns_ctx_set_user(ctx, 0));
    CU_ASSERT_EQUAL(held(ctx), 0);
  }
  KT_OK(kobjns_ctx_set_privilege(ctx, KOBJNS_PRIV_CREATE_GLOBAL, 1));
  CU_ASSERT_EQUAL(held(ctx), 1);
  /* Not dropped: moving to session 0 gives what services have. */
  KT_OK(kobjns_ctx_set_session(ctx, 1));
  KT_OK(kobjns_ctx_set_session(ctx, 0));
  CU_ASSERT_EQUAL(held(ctx), 1);
  kobjns_ctx_free(ctx);
}

/* kobjns_open_explain on both backends: the descriptor's refusal (Windows: its AccessCheck),
 * an open that asks for nothing, and the open's other answers. */
static void open_explain_on_every_backend(void) {
  const char *refusing = kt_name("explain-none"), *mine = kt_name("explain-mine");
  kobjns_sync *none = NULL, *m = NULL;
  /* Everyone may wait on it (GX: SYNCHRONIZE), nobody may set it, its creator neither. */
  KT_OK(kobjns_event_create(NULL, refusing, 1, 0, "D:(A;;GX;;;WD)", &none));
  KT_OK(kobjns_event_create(NULL, mine, 1, 0, NULL, &m));
  kobjns_denial why = KOBJNS_DENIAL_NOTHING_ASKED;
  KT_STATUS(kobjns_open_explain(NULL, refusing, KOBJNS_TYPE_EVENT, KOBJNS_EVENT_MODIFY_STATE, &why),
            KOBJNS_ACCESS_DENIED);
  CU_ASSERT_EQUAL(why, KOBJNS_DENIAL_DESCRIPTOR);
  KT_OK(kobjns_open_explain(NULL, mine, KOBJNS_TYPE_EVENT, KOBJNS_SYNCHRONIZE, &why));
  CU_ASSERT_EQUAL(why, KOBJNS_DENIAL_NONE);
  KT_STATUS(kobjns_open_explain(NULL, mine, KOBJNS_TYPE_EVENT, 0, &why), KOBJNS_ACCESS_DENIED);
  CU_ASSERT_EQUAL(why, KOBJNS_DENIAL_NOTHING_ASKED);
  KT_STATUS(kobjns_open_explain(NULL, mine, KOBJNS_TYPE_SECTION, KOBJNS_MAP_READ, NULL),
            KOBJNS_INVALID_HANDLE); /* another type holds the name */
  KT_STATUS(kobjns_open_explain(NULL, kt_name("explain-missing"), KOBJNS_TYPE_SEMAPHORE,
                                KOBJNS_SYNCHRONIZE, &why),
            KOBJNS_FILE_NOT_FOUND);
  KT_STATUS(kobjns_open_explain(NULL, "", KOBJNS_TYPE_MUTEX, KOBJNS_SYNCHRONIZE, &why),
            KOBJNS_INVALID_HANDLE);
  KT_STATUS(kobjns_open_explain(NULL, NULL, KOBJNS_TYPE_MUTEX, KOBJNS_SYNCHRONIZE, &why),
            KOBJNS_INVALID_PARAMETER);
  KT_STATUS(kobjns_open_explain(NULL, mine, KOBJNS_TYPE_UNKNOWN, 1, &why),
            KOBJNS_INVALID_PARAMETER);
  KT_OK(kobjns_close(none));
  KT_OK(kobjns_close(m));
}

/* A duplicate is a second handle to the same object: what one does, the other sees; closing the
 * original leaves the object (and its name) to the duplicate. */
static void duplicates_share_the_object(void) {
  const char *name = kt_name("dup");
  kobjns_sync *e = NULL, *d = NULL, *other = NULL;
  KT_OK(kobjns_event_create(NULL, name, 1, 0, NULL, &e));
  KT_OK(kobjns_duplicate(e, 0, KOBJNS_DUPLICATE_SAME_ACCESS, (void **)&d));
  CU_ASSERT(d != NULL && d != e);
  unsigned access = 0;
  KT_OK(kobjns_sync_access(d, &access));
  CU_ASSERT_EQUAL(access, KOBJNS_EVENT_ALL_ACCESS);
  CU_ASSERT_STRING_EQUAL(kobjns_sync_path(d), kobjns_sync_path(e));
  KT_OK(kobjns_event_set(d));
  KT_OK(kobjns_wait(e, 0)); /* one object */
  KT_OK(kobjns_event_reset(e));
  KT_STATUS(kobjns_wait(d, 0), KOBJNS_WAIT_TIMEOUT);
  KT_OK(kobjns_sync_close(e));
  KT_OK(kobjns_event_open(NULL, name, KOBJNS_SYNCHRONIZE, &other)); /* the name lives on */
  KT_OK(kobjns_sync_close(other));
  KT_OK(kobjns_sync_close(d));
  KT_STATUS(kobjns_event_open(NULL, name, KOBJNS_SYNCHRONIZE, &other), KOBJNS_FILE_NOT_FOUND);
  /* A section's duplicate maps the same bytes, and keeps them once the original is closed. */
  kobjns_section *s = NULL, *sd = NULL;
  char *a = NULL, *b = NULL;
  KT_OK(kobjns_section_create(NULL, kt_name("dupsec"), 4096, KOBJNS_MAP_ALL_ACCESS, NULL, &s));
  KT_OK(kobjns_duplicate(s, KOBJNS_MAP_READ, 0, (void **)&sd));
  KT_OK(kobjns_section_map(s, KOBJNS_MAP_WRITE, 0, 0, (void **)&a));
  strcpy(a, "shared");
  KT_OK(kobjns_section_close(s));
  KT_OK(kobjns_section_map(sd, KOBJNS_MAP_READ, 0, 0, (void **)&b));
  CU_ASSERT_STRING_EQUAL(b, "shared");
  char *refused = NULL;
  KT_STATUS(kobjns_section_map(sd, KOBJNS_MAP_WRITE, 0, 0, (void **)&refused),
            KOBJNS_ACCESS_DENIED);
  KT_OK(kobjns_unmap(a));
  KT_OK(kobjns_unmap(b));
  KT_OK(kobjns_section_close(sd));
}

static uint32_t answer_seven(void *arg) {
  (void)arg;
  return 7;
}

/* Access: a subset of the source's, or the same; more is 5. Close-source; bad arguments. Thread
 * and unnamed objects duplicate too. */
static void duplicate_access_and_options(void) {
  kobjns_sync *e = NULL, *d = NULL, *t = NULL, *td = NULL;
  KT_OK(kobjns_event_create(NULL, NULL, 0, 0, NULL, &e));
  KT_OK(kobjns_duplicate(e, KOBJNS_SYNCHRONIZE, 0, (void **)&d));
  unsigned access = 0;
  KT_OK(kobjns_sync_access(d, &access));
  CU_ASSERT_EQUAL(access, KOBJNS_SYNCHRONIZE);
  KT_STATUS(kobjns_event_set(d), KOBJNS_ACCESS_DENIED);
  kobjns_sync *more = NULL;
  KT_STATUS(kobjns_duplicate(d, KOBJNS_EVENT_ALL_ACCESS, 0, (void **)&more), KOBJNS_ACCESS_DENIED);
  KT_STATUS(kobjns_duplicate(d, KOBJNS_GENERIC_ALL, 0, (void **)&more), KOBJNS_ACCESS_DENIED);
  CU_ASSERT_PTR_NULL(more);
  KT_OK(kobjns_duplicate(e, KOBJNS_GENERIC_EXECUTE, 0, (void **)&more)); /* GX: SYNCHRONIZE */
  KT_OK(kobjns_sync_access(more, &access));
  CU_ASSERT_EQUAL(access, KOBJNS_SYNCHRONIZE | 0x00020000u); /* and READ_CONTROL */
  KT_OK(kobjns_sync_close(more));
  KT_STATUS(kobjns_duplicate(e, 0, 0x4, (void **)&more), KOBJNS_INVALID_PARAMETER);
  KT_STATUS(kobjns_duplicate(e, 0, 0, NULL), KOBJNS_INVALID_PARAMETER);
  KT_STATUS(kobjns_duplicate(NULL, 0, 0, (void **)&more), KOBJNS_INVALID_HANDLE);
  /* Close-source: the source is gone, the duplicate works; even when the duplicate fails. */
  KT_OK(kobjns_duplicate(e, 0, KOBJNS_DUPLICATE_SAME_ACCESS | KOBJNS_DUPLICATE_CLOSE_SOURCE,
                         (void **)&more));
  KT_STATUS(kobjns_event_set(e), KOBJNS_INVALID_HANDLE);
  KT_OK(kobjns_event_set(more));
  KT_OK(kobjns_wait(d, 0));
  KT_STATUS(
      kobjns_duplicate(d, KOBJNS_EVENT_ALL_ACCESS, KOBJNS_DUPLICATE_CLOSE_SOURCE, (void **)&e),
      KOBJNS_ACCESS_DENIED);
  KT_STATUS(kobjns_sync_close(d), KOBJNS_INVALID_HANDLE); /* closed all the same */
  KT_OK(kobjns_sync_close(more));
  /* A thread's handle: the duplicate waits for the same end and gives the same code. */
  KT_OK(kobjns_thread_create(answer_seven, NULL, 0, 0, &t, NULL));
  KT_OK(kobjns_duplicate(t, 0, KOBJNS_DUPLICATE_SAME_ACCESS, (void **)&td));
  KT_OK(kobjns_sync_close(t));
  KT_OK(kobjns_wait(td, 10000));
  uint32_t code = 0;
  KT_OK(kobjns_thread_exit_code(td, &code));
  CU_ASSERT_EQUAL(code, 7);
  KT_OK(kobjns_sync_close(td));
}

/* Flags: INHERIT kept and reported; PROTECT_FROM_CLOSE refuses every close until cleared. */
static void handle_flags(void) {
  kobjns_sync *m = NULL, *d = NULL;
  unsigned flags = 9;
  KT_OK(kobjns_mutex_create(NULL, NULL, 0, NULL, &m));
  KT_OK(kobjns_handle_flags(m, &flags));
  CU_ASSERT_EQUAL(flags, 0);
  KT_OK(
      kobjns_handle_set_flags(m, KOBJNS_HANDLE_FLAG_INHERIT | KOBJNS_HANDLE_FLAG_PROTECT_FROM_CLOSE,
                              KOBJNS_HANDLE_FLAG_INHERIT | KOBJNS_HANDLE_FLAG_PROTECT_FROM_CLOSE));
  KT_OK(kobjns_handle_flags(m, &flags));
  CU_ASSERT_EQUAL(flags, KOBJNS_HANDLE_FLAG_INHERIT | KOBJNS_HANDLE_FLAG_PROTECT_FROM_CLOSE);
  KT_STATUS(kobjns_sync_close(m), KOBJNS_INVALID_HANDLE);
  KT_STATUS(kobjns_close(m), KOBJNS_INVALID_HANDLE);
  KT_OK(kobjns_wait(m, 0)); /* still open */
  KT_OK(kobjns_mutex_release(m));
  KT_OK(kobjns_duplicate(m, 0, KOBJNS_DUPLICATE_SAME_ACCESS, (void **)&d));
  KT_OK(kobjns_handle_flags(d, &flags));
  CU_ASSERT_EQUAL(flags, 0); /* a duplicate's flags are its own */
  KT_OK(kobjns_handle_set_flags(m, KOBJNS_HANDLE_FLAG_PROTECT_FROM_CLOSE, 0));
  KT_OK(kobjns_handle_flags(m, &flags));
  CU_ASSERT_EQUAL(flags, KOBJNS_HANDLE_FLAG_INHERIT);
  KT_OK(kobjns_handle_set_flags(m, ~0u, KOBJNS_HANDLE_FLAG_INHERIT | 0x4)); /* ~0: as Windows */
  KT_OK(kobjns_handle_flags(m, &flags));
  CU_ASSERT_EQUAL(flags, KOBJNS_HANDLE_FLAG_INHERIT);
  KT_STATUS(kobjns_handle_flags(m, NULL), KOBJNS_INVALID_PARAMETER);
  KT_OK(kobjns_sync_close(m));
  KT_STATUS(kobjns_handle_flags(m, &flags), KOBJNS_INVALID_HANDLE);
  KT_STATUS(kobjns_handle_set_flags(m, 0, 0), KOBJNS_INVALID_HANDLE);
  KT_OK(kobjns_sync_close(d));
}

/* Every create, with a name held: without flags 183 (a success: a handle to close), with
 * KOBJNS_CREATE_NEW 80 (a failure: no handle, nothing opened). */
enum { NEW_SECTION, NEW_MUTEX, NEW_EVENT, NEW_SEMAPHORE, NEW_TIMER, NEW_TYPES };

static int create_as(int type, const char *name, const char *sddl, unsigned flags, void **out) {
  switch (type) {
    case NEW_SECTION:
      return kobjns_section_create_ex(NULL, name, 4096, KOBJNS_MAP_WRITE, sddl, flags,
                                      (kobjns_section **)out);
    case NEW_MUTEX: return kobjns_mutex_create_ex(NULL, name, 0, sddl, flags, (kobjns_sync **)out);
    case NEW_EVENT:
      return kobjns_event_create_ex(NULL, name, 1, 0, sddl, flags, (kobjns_sync **)out);
    case NEW_SEMAPHORE:
      return kobjns_semaphore_create_ex(NULL, name, 0, 1, sddl, flags, (kobjns_sync **)out);
    default: return kobjns_timer_create_ex(NULL, name, 1, sddl, flags, (kobjns_sync **)out);
  }
}

/* The idiom a caller writes: a failure leaves nothing to close. */
static int create_or_fail(int type, const char *name, unsigned flags, void **out) {
  int rc = create_as(type, name, NULL, flags, out);
  if (KOBJNS_FAILED(rc)) {
    CU_ASSERT_PTR_NULL(*out);
    return rc;
  }
  CU_ASSERT_PTR_NOT_NULL(*out);
  return rc;
}

static void create_new_refuses_an_existing_object(void) {
  static const char *bases[NEW_TYPES] = {"cnsec", "cnmx", "cnev", "cnsem", "cntm"};
  for (int t = 0; t < NEW_TYPES; t++) {
    const char *name = kt_name(bases[t]);
    void *first = NULL, *second = NULL, *third = (void *)1;
    KT_OK(create_or_fail(t, name, KOBJNS_CREATE_NEW, &first)); /* new: made */
    KT_STATUS(create_or_fail(t, name, 0, &second), KOBJNS_ALREADY_EXISTS);
    KT_STATUS(create_or_fail(t, name, KOBJNS_CREATE_NEW, &third), KOBJNS_FILE_EXISTS);
    /* Flags that are not the creates': 87, nothing made. */
    void *bad = (void *)1;
    KT_STATUS(create_as(t, kt_name(bases[t]), NULL, 2, &bad), KOBJNS_INVALID_PARAMETER);
    CU_ASSERT_PTR_NULL(bad);
    bad = (void *)1;
    KT_STATUS(create_as(t, name, NULL, KOBJNS_OPEN_ALWAYS, &bad), KOBJNS_INVALID_PARAMETER);
    CU_ASSERT_PTR_NULL(bad);
    /* Unnamed: always new. */
    void *unnamed = NULL;
    KT_OK(create_as(t, "", NULL, KOBJNS_CREATE_NEW, &unnamed));
    KT_OK(kobjns_close(unnamed));
    KT_OK(kobjns_close(second));
    KT_OK(kobjns_close(first));
    /* The refused create kept nothing open: the name went with the two handles. */
    KT_OK(create_or_fail(t, name, KOBJNS_CREATE_NEW, &first));
    KT_OK(kobjns_close(first));
  }
  /* A name another type holds: 6, as without the flag. */
  kobjns_sync *m = NULL, *e = (kobjns_sync *)1;
  const char *name = kt_name("cnother");
  KT_OK(kobjns_mutex_create_ex(NULL, name, 0, NULL, KOBJNS_CREATE_NEW, &m));
  KT_STATUS(kobjns_event_create_ex(NULL, name, 1, 0, NULL, KOBJNS_CREATE_NEW, &e),
            KOBJNS_INVALID_HANDLE);
  CU_ASSERT_PTR_NULL(e);
  KT_OK(kobjns_close(m));
}

/* An existing object whose descriptor lets nobody open it: a plain create cannot open it (5);
 * KOBJNS_CREATE_NEW says what is true, that the name exists (80). */
static void create_new_on_an_object_nobody_may_open(void) {
  for (int t = NEW_MUTEX; t < NEW_TYPES; t++) {
    const char *name = kt_name("cnlocked");
    void *first = NULL, *second = (void *)1;
    KT_OK(create_as(t, name, "D:", KOBJNS_CREATE_NEW, &first)); /* an empty DACL */
    int rc = create_as(t, name, NULL, 0, &second);
    CU_ASSERT(rc == KOBJNS_ACCESS_DENIED || rc == KOBJNS_ALREADY_EXISTS);
    if (rc == KOBJNS_ALREADY_EXISTS) KT_OK(kobjns_close(second));
    second = (void *)1;
    KT_STATUS(create_as(t, name, NULL, KOBJNS_CREATE_NEW, &second), KOBJNS_FILE_EXISTS);
    CU_ASSERT_PTR_NULL(second);
    KT_OK(kobjns_close(first));
  }
}

/* A dead handle (closed, of another type, or a value never issued) gets one answer from every
 * getter: 6, its output cleared (0, KOBJNS_TYPE_NONE), "" for the strings. */
static void check_dead(void *h, bool not_a_section, bool not_a_sync, const char *what) {
  unsigned failures = CU_get_number_of_failures();
  const uint32_t junk = 0xA5A5A5A5u;
  uint64_t size = junk;
  unsigned access = junk, flags = junk;
  uint32_t code = junk, id = junk;
  kobjns_type type = KOBJNS_TYPE_FILE;
  if (not_a_section) {
    KT_STATUS(kobjns_section_size(h, &size), 6);
    CU_ASSERT_EQUAL(size, 0);
    KT_STATUS(kobjns_section_access(h, &access), 6);
    CU_ASSERT_EQUAL(access, 0);
    CU_ASSERT_STRING_EQUAL(kobjns_section_path(h), "");
  }
  if (not_a_sync) {
    access = junk;
    KT_STATUS(kobjns_sync_access(h, &access), 6);
    CU_ASSERT_EQUAL(access, 0);
    CU_ASSERT_STRING_EQUAL(kobjns_sync_type(h), "");
    CU_ASSERT_STRING_EQUAL(kobjns_sync_path(h), "");
  }
  KT_STATUS(kobjns_thread_exit_code(h, &code), 6);
  CU_ASSERT_EQUAL(code, 0);
  KT_STATUS(kobjns_thread_id(h, &id), 6);
  CU_ASSERT_EQUAL(id, 0);
  code = id = junk;
  KT_STATUS(kobjns_process_exit_code(h, &code), 6);
  CU_ASSERT_EQUAL(code, 0);
  KT_STATUS(kobjns_process_id(h, &id), 6);
  CU_ASSERT_EQUAL(id, 0);
  size = junk;
  KT_STATUS(kobjns_file_size(h, &size), 6);
  CU_ASSERT_EQUAL(size, 0);
  if (not_a_section && not_a_sync) {
    KT_STATUS(kobjns_handle_type(h, &type), 6);
    CU_ASSERT_EQUAL(type, KOBJNS_TYPE_NONE);
    KT_STATUS(kobjns_handle_flags(h, &flags), 6);
    CU_ASSERT_EQUAL(flags, 0);
  }
  if (CU_get_number_of_failures() != failures) fprintf(stderr, "\n  (checking %s)\n", what);
}

static void dead_handles_answer_6_in_every_getter(void) {
  kobjns_section *s = NULL;
  kobjns_sync *m = NULL;
  KT_OK(kobjns_section_create(NULL, "", 4096, KOBJNS_MAP_WRITE, NULL, &s));
  KT_OK(kobjns_mutex_create(NULL, "", 0, NULL, &m));
  /* Live, but not what the getter takes: a mutex is no section (nor thread, process, file). */
  check_dead(m, true, false, "a live mutex");
  check_dead(s, false, true, "a live section");
  KT_OK(kobjns_close(s));
  KT_OK(kobjns_close(m));
  check_dead(s, true, true, "a closed section");
  check_dead(m, true, true, "a closed mutex");
  /* Values never issued: NULL, a first generation never used, slot fields past the table's, the
   * pseudo-handles' values. */
  void *never[] = {NULL,
                   (void *)(uintptr_t)4,
                   (void *)(uintptr_t)0x7FFFFFFCu,
                   (void *)(uintptr_t)0xFFFFFFFCu,
                   (void *)(uintptr_t)-1,
                   (void *)(uintptr_t)-2};
  for (size_t i = 0; i < sizeof never / sizeof never[0]; i++)
    check_dead(never[i], true, true, "a value never issued");
}

void kt_add_handles(CU_pSuite s) {
  kt_add(s,
         "KOBJNS_CREATE_NEW: 80 and no handle for an existing object, every type; the create "
         "idiom with KOBJNS_FAILED",
         create_new_refuses_an_existing_object, 0);
  kt_add_not_wine(s, "KOBJNS_CREATE_NEW on an object whose descriptor refuses the creator: 80",
                  create_new_on_an_object_nobody_may_open, 0,
                  "Wine checks a new object's empty DACL against its creator: the create of the "
                  "first object is refused (5), where Windows gives its creator the handle");
  kt_add(s,
         "dead handles (closed, another type, never issued): 6 and cleared outputs from every "
         "getter",
         dead_handles_answer_6_in_every_getter, 0);
  kt_add(s, "a duplicate is a second handle to the same object (events, sections)",
         duplicates_share_the_object, 0);
  kt_add(s, "duplicates: access (a subset, the same, more is 5), close-source, threads",
         duplicate_access_and_options, 0);
  kt_add(s, "handle flags: inherit kept, protect-from-close refuses closes", handle_flags, 0);
  kt_add(s, "values are multiples of 4 below 2^32, low bits ignored",
         values_are_small_multiples_of_four, 0);
  kt_add(s, "a closed handle's value is not issued again soon", a_closed_value_comes_back_late, 0);
  kt_add(s, "kobjns_close and kobjns_handle_type for every type", types_of_handles, 0);
  kt_add(s, "type names", type_names, 0);
  kt_add(s, "kobjns_open_explain: the descriptor, nothing asked, the open's answers",
         open_explain_on_every_backend, 0);
  kt_add(s, "typed access checks (kobjns_sddl_access_type)", typed_access_checks,
         KT_NEEDS_SHM_FILES);
  kt_add(s, "a dropped privilege stays dropped across identity changes",
         a_dropped_privilege_stays_dropped, KT_NEEDS_SESSIONS);
}
