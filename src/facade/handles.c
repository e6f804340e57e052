/* The handle table and the thread's last error. A handle is (generation << 24 | slot + 1) << 2:
 * a closed handle's value comes back only after its slot has been reused 255 times. */
#define _GNU_SOURCE /* writer-preferring rwlock */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "facade.h"

#define MAX_SLOTS (1u << 22)

typedef struct slot {
  kobjns_section *section; /* NULL: free */
  uint8_t generation;      /* 1..255 */
  uint32_t next_free;      /* index + 1 of the next free slot, 0 for none */
} slot;

/* Readers (map, query) share the table; create and close take it alone, so a handle is never
 * closed under a thread that is using it. */
/* Writers first: glibc's default lets overlapping readers hold close off for ever. Safe because
 * no thread takes the lock again while holding it. */
#ifdef PTHREAD_RWLOCK_WRITER_NONRECURSIVE_INITIALIZER_NP
#define TABLE_INITIALIZER PTHREAD_RWLOCK_WRITER_NONRECURSIVE_INITIALIZER_NP
#else
#define TABLE_INITIALIZER PTHREAD_RWLOCK_INITIALIZER
#endif
static pthread_rwlock_t lock = TABLE_INITIALIZER;
static slot *slots;
static uint32_t slot_count, slot_capacity, first_free, live;

static _Thread_local DWORD last_error;

KOBJNS_WIN32_API DWORD WINAPI GetLastError(void) { return last_error; }
KOBJNS_WIN32_API void WINAPI SetLastError(DWORD error) { last_error = error; }

static HANDLE encode(uint32_t index, uint8_t generation) {
  return (HANDLE)(((uintptr_t)generation << 24 | (index + 1)) << 2);
}

/* The slot `h` names if it is live, else NULL. Called with the lock held. */
static slot *find(HANDLE h) {
  uintptr_t v = (uintptr_t)h;
  if (v & 3) return NULL;
  v >>= 2;
  uint32_t index = (uint32_t)(v & 0xFFFFFF) - 1;
  if ((v & 0xFFFFFF) == 0 || index >= slot_count || v >> 32) return NULL;
  slot *s = &slots[index];
  return s->section && s->generation == (uint8_t)(v >> 24) ? s : NULL;
}

HANDLE kobjns__facade_handle_new(kobjns_section *section) {
  HANDLE h = NULL;
  pthread_rwlock_wrlock(&lock);
  uint32_t index;
  if (first_free) {
    index = first_free - 1;
    first_free = slots[index].next_free;
  } else if (slot_count < slot_capacity) {
    index = slot_count++;
  } else if (slot_capacity < MAX_SLOTS) {
    uint32_t grown = slot_capacity ? slot_capacity * 2 : 64;
    slot *more = realloc(slots, grown * sizeof *slots);
    if (!more) {
      SetLastError(ERROR_NOT_ENOUGH_MEMORY);
      goto out;
    }
    memset(more + slot_capacity, 0, (grown - slot_capacity) * sizeof *slots);
    slots = more;
    slot_capacity = grown;
    index = slot_count++;
  } else {
    SetLastError(ERROR_NO_SYSTEM_RESOURCES); /* Windows' answer when a process runs out */
    goto out;
  }
  slot *s = &slots[index];
  s->generation = (uint8_t)(s->generation % 255 + 1);
  s->section = section;
  s->next_free = 0;
  live++;
  h = encode(index, s->generation);
out:
  pthread_rwlock_unlock(&lock);
  return h;
}

kobjns_section *kobjns__facade_handle_acquire(HANDLE h) {
  pthread_rwlock_rdlock(&lock);
  slot *s = find(h);
  if (s) return s->section;
  pthread_rwlock_unlock(&lock);
  SetLastError(ERROR_INVALID_HANDLE);
  return NULL;
}

void kobjns__facade_handle_release(void) { pthread_rwlock_unlock(&lock); }

kobjns_section *kobjns__facade_handle_remove(HANDLE h) {
  kobjns_section *section = NULL;
  pthread_rwlock_wrlock(&lock);
  slot *s = find(h);
  if (s) {
    section = s->section;
    s->section = NULL;
    s->next_free = first_free;
    first_free = (uint32_t)(s - slots) + 1;
    live--;
  }
  pthread_rwlock_unlock(&lock);
  if (!section) SetLastError(ERROR_INVALID_HANDLE);
  return section;
}

/* fork() copies the lock as it is: hold it across the fork so that no thread is inside, then
 * release it in the parent and start the child's afresh (glibc records the writer's thread). */
static void before_fork(void) { pthread_rwlock_wrlock(&lock); }
static void in_parent(void) { pthread_rwlock_unlock(&lock); }
static void in_child(void) { lock = (pthread_rwlock_t)TABLE_INITIALIZER; }

__attribute__((constructor)) static void facade_load(void) {
  pthread_atfork(before_fork, in_parent, in_child);
}

/* Library unload: free the table unless handles are still open (they would leak anyway). */
__attribute__((destructor)) static void facade_unload(void) {
  if (live) return;
  free(slots);
  slots = NULL;
  slot_count = slot_capacity = first_free = 0;
}

KOBJNS_WIN32_API BOOL WINAPI CloseHandle(HANDLE h) {
  kobjns_section *s = kobjns__facade_handle_remove(h);
  if (!s) return FALSE;
  kobjns_section_close(s);
  return TRUE;
}
