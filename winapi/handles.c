/* The handle table and the thread's last error. A handle is (generation << 24 | slot + 1) << 2:
 * a closed handle's value comes back only after its slot has been reused 255 times. Each live
 * slot points to its entry: the object's kind and pointer, and the references taken on it. */
#define _GNU_SOURCE /* writer-preferring rwlock */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "facade.h"

#define MAX_SLOTS (1u << 22)

typedef struct slot {
  kobjns__facade_ref *entry; /* NULL: free */
  uint8_t generation;        /* 1..255 */
  uint32_t next_free;        /* index + 1 of the next free slot, 0 for none */
} slot;

/* Readers (every call that uses a handle) share the table for the moment they look a handle up
 * and take a reference; create and close take it alone. No call holds it while it works: a wait
 * may last for ever, and would otherwise keep every create and close out. */
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

/* The slot `h` names if it is live, else NULL. Called with the lock held. The two low bits are
 * the application's (Windows ignores them too). */
static slot *find(HANDLE h) {
  uintptr_t v = (uintptr_t)h >> 2;
  uint32_t index = (uint32_t)(v & 0xFFFFFF) - 1;
  if ((v & 0xFFFFFF) == 0 || index >= slot_count || v >> 32) return NULL;
  slot *s = &slots[index];
  return s->entry && s->generation == (uint8_t)(v >> 24) ? s : NULL;
}

HANDLE kobjns__facade_handle_new(unsigned kind, void *object) {
  kobjns__facade_ref *entry = malloc(sizeof *entry);
  if (!entry) {
    SetLastError(ERROR_NOT_ENOUGH_MEMORY);
    return NULL;
  }
  entry->kind = kind;
  if (kind == KOBJNS__FACADE_SECTION)
    entry->section = object;
  else
    entry->sync = object;
  entry->refs = 1; /* the table's */
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
  s->entry = entry;
  s->next_free = 0;
  live++;
  h = encode(index, s->generation);
out:
  pthread_rwlock_unlock(&lock);
  if (!h) free(entry);
  return h;
}

kobjns__facade_ref *kobjns__facade_handle_get(HANDLE h, unsigned kind) {
  kobjns__facade_ref *entry = NULL;
  pthread_rwlock_rdlock(&lock);
  slot *s = find(h);
  if (s && (kind == KOBJNS__FACADE_ANY || s->entry->kind == kind)) {
    entry = s->entry;
    __atomic_add_fetch(&entry->refs, 1, __ATOMIC_RELAXED); /* the table's keeps it > 0 */
  }
  pthread_rwlock_unlock(&lock);
  if (!entry) SetLastError(ERROR_INVALID_HANDLE);
  return entry;
}

void kobjns__facade_handle_put(kobjns__facade_ref *entry) {
  if (__atomic_sub_fetch(&entry->refs, 1, __ATOMIC_ACQ_REL) != 0) return;
  if (entry->kind == KOBJNS__FACADE_SECTION)
    kobjns_section_close(entry->section);
  else
    kobjns_sync_close(entry->sync);
  free(entry);
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

/* Sections, mutexes, events and semaphores alike. The handle ends now; its object closes now, or
 * when the calls still using it (a wait in another thread) return. */
KOBJNS_WIN32_API BOOL WINAPI CloseHandle(HANDLE h) {
  kobjns__facade_ref *entry = NULL;
  pthread_rwlock_wrlock(&lock);
  slot *s = find(h);
  if (s) {
    entry = s->entry;
    s->entry = NULL;
    s->next_free = first_free;
    first_free = (uint32_t)(s - slots) + 1;
    live--;
  }
  pthread_rwlock_unlock(&lock);
  if (!entry) {
    SetLastError(ERROR_INVALID_HANDLE);
    return FALSE;
  }
  kobjns__facade_handle_put(entry); /* the table's reference */
  return TRUE;
}
