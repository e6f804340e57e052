/* The handle table: every handle of the process (sections, mutexes, events, semaphores; the
 * Win32 facade's HANDLEs are the same values). A handle is checked as Windows checks a HANDLE:
 * one that was closed (or never issued, or of another type) is answered with 6, never
 * dereferenced, and a handle closed by one thread while another is using it stays valid until
 * that use ends.
 *
 * A value is (generation << 22 | slot + 1) << 2: a multiple of 4 below 2^32 whose two low bits
 * are ignored (the application's, as on Windows); a closed handle's value comes back only after
 * its slot has been reused 255 times. Slots live in chunks that never move, so a lookup takes no
 * lock: one atomic word per slot holds its generation, whether it is live, and its references
 * (the table's, and one per call in progress), and a lookup is one compare-and-swap on it. */
#include "internal.h"

#include <stdlib.h>

#define SLOT_BITS 22
#define CHUNK_BITS 10
#define CHUNK_SLOTS (1u << CHUNK_BITS)
#define CHUNKS (1u << (SLOT_BITS - CHUNK_BITS))
/* The all-ones slot field is never issued: with generation 255 it would be (HANDLE)-1, -2, -3
 * (INVALID_HANDLE_VALUE and Windows' pseudo-handles) once the low bits are ignored. */
#define MAX_SLOTS ((1u << SLOT_BITS) - 2)

/* A slot's word: generation (8 bits) << 32 | LIVE | references (31 bits). */
#define LIVE 0x80000000u
#define REFS 0x7FFFFFFFu
#define GENERATION(word) ((uint32_t)((word) >> 32))

typedef struct slot {
  uint64_t word;
  kobjns__object *object; /* set before the word says live; read only while referenced */
  uint32_t next_free;     /* index + 1 of the next free slot, 0 for none */
} slot;

static slot *chunks[CHUNKS];
static uint32_t slot_count, first_free; /* under the registry lock */

static uint32_t encode(uint32_t index, uint32_t generation) {
  return (generation << SLOT_BITS | (index + 1)) << 2;
}

/* The slot a value names, if it was ever issued, with the generation it names. */
static slot *find(const void *handle, uint32_t *generation) {
  uintptr_t v = (uintptr_t)handle;
  if (v > UINT32_MAX) return NULL;
  v >>= 2;
  uint32_t field = (uint32_t)v & ((1u << SLOT_BITS) - 1);
  if (field == 0 || field > MAX_SLOTS) return NULL;
  uint32_t index = field - 1;
  slot *chunk = __atomic_load_n(&chunks[index >> CHUNK_BITS], __ATOMIC_ACQUIRE);
  if (!chunk) return NULL;
  *generation = (uint32_t)(v >> SLOT_BITS);
  return &chunk[index & (CHUNK_SLOTS - 1)];
}

/* A slot never used yet (the table grows by one), with the registry lock held: 0 or 4 (the
 * process has all it may have) / 8. */
static int new_slot(uint32_t *index) {
  if (slot_count == MAX_SLOTS) return KOBJNS_TOO_MANY_OPEN_FILES;
  uint32_t c = slot_count >> CHUNK_BITS;
  if (!chunks[c]) {
    slot *chunk = calloc(CHUNK_SLOTS, sizeof *chunk);
    if (!chunk) return KOBJNS_NOT_ENOUGH_MEMORY;
    __atomic_store_n(&chunks[c], chunk, __ATOMIC_RELEASE);
  }
  *index = slot_count++;
  return 0;
}

/* A free slot, with the registry lock held: 0, 4 or 8. */
static int take_slot(uint32_t *index) {
  if (first_free) {
    *index = first_free - 1;
    first_free = chunks[*index >> CHUNK_BITS][*index & (CHUNK_SLOTS - 1)].next_free;
    return 0;
  }
  return new_slot(index);
}

/* The backend learns of a handle just made live (another process may take it from now), holding
 * the extra reference its add took, which it drops: a close by another thread meanwhile (the
 * value may be guessed, or the process may be exiting) cannot free it first, and its mirror entry
 * goes again if that close came before the entry was written. */
static slot *slot_of(const kobjns__object *o);
static void publish(kobjns__object *o) {
  kobjns__os_handle_published(o);
  if (!(__atomic_load_n(&slot_of(o)->word, __ATOMIC_ACQUIRE) & LIVE))
    kobjns__os_handle_withdrawn(o);
  kobjns__handle_put(o);
}

int kobjns__handle_add(kobjns__object *o, void **handle) {
  *handle = NULL;
  kobjns__os_registry_lock();
  uint32_t index;
  int rc = take_slot(&index);
  if (!rc) {
    slot *s = &chunks[index >> CHUNK_BITS][index & (CHUNK_SLOTS - 1)];
    uint32_t generation = GENERATION(__atomic_load_n(&s->word, __ATOMIC_RELAXED)) % 255 + 1;
    o->handle = encode(index, generation);
    s->object = o;
    s->next_free = 0;
    /* Live, with a reference of ours besides the table's: see publish(). */
    __atomic_store_n(&s->word, (uint64_t)generation << 32 | LIVE | 2, __ATOMIC_RELEASE);
  }
  kobjns__os_registry_unlock();
  if (rc) {
    kobjns__os_close(o); /* never handed out */
    free(o);
    return rc;
  }
  *handle = (void *)(uintptr_t)o->handle;
  publish(o);
  return 0;
}

uint32_t kobjns__handle_slot(uint32_t handle) {
  uint32_t field = (handle >> 2) & ((1u << SLOT_BITS) - 1);
  return field == 0 || field > MAX_SLOTS ? UINT32_MAX : field - 1;
}

kobjns__object *kobjns__handle_get(const void *handle, kobjns_type type) {
  uint32_t generation;
  slot *s = find(handle, &generation);
  if (!s) return NULL;
  uint64_t word = __atomic_load_n(&s->word, __ATOMIC_ACQUIRE);
  do {
    if (GENERATION(word) != generation || !(word & LIVE)) return NULL;
  } while (!__atomic_compare_exchange_n(&s->word, &word, word + 1, true, __ATOMIC_ACQUIRE,
                                        __ATOMIC_ACQUIRE));
  kobjns__object *o = s->object;
  if (type != KOBJNS_TYPE_NONE && o->type != type) {
    kobjns__handle_put(o);
    return NULL;
  }
  return o;
}

/* The slot of a handle the caller holds a reference to (so its chunk exists). */
static slot *slot_of(const kobjns__object *o) {
  uint32_t index = ((o->handle >> 2) & ((1u << SLOT_BITS) - 1)) - 1;
  return &__atomic_load_n(&chunks[index >> CHUNK_BITS],
                          __ATOMIC_RELAXED)[index & (CHUNK_SLOTS - 1)];
}

void kobjns__handle_put(kobjns__object *o) {
  slot *s = slot_of(o);
  uint64_t word = __atomic_sub_fetch(&s->word, 1, __ATOMIC_ACQ_REL);
  if (word & (LIVE | REFS)) return;
  /* The last reference of a closed handle: nobody can reach the slot any more. */
  uint32_t index = ((o->handle >> 2) & ((1u << SLOT_BITS) - 1)) - 1;
  kobjns__os_handle_withdrawn(o);
  kobjns__os_close(o);
  free(o);
  kobjns__os_registry_lock();
  s->object = NULL;
  s->next_free = first_free;
  first_free = index + 1;
  kobjns__os_registry_unlock();
}

/* End the handle `o` (referenced by the caller): true when this call ended it. */
static bool end_handle(kobjns__object *o) {
  slot *s = slot_of(o);
  uint64_t word = __atomic_load_n(&s->word, __ATOMIC_ACQUIRE);
  do {
    if (!(word & LIVE)) return false; /* another thread's close came first */
  } while (!__atomic_compare_exchange_n(&s->word, &word, word & ~(uint64_t)LIVE, true,
                                        __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE));
  return true;
}

int kobjns__handle_remove(const void *handle, kobjns_type type) {
  kobjns__object *o = kobjns__handle_get(handle, type);
  if (!o) return KOBJNS_INVALID_HANDLE;
  if (__atomic_load_n(&o->flags, __ATOMIC_ACQUIRE) & KOBJNS_HANDLE_FLAG_PROTECT_FROM_CLOSE) {
    kobjns__handle_put(o); /* NtClose's STATUS_HANDLE_NOT_CLOSABLE: ERROR_INVALID_HANDLE */
    return KOBJNS_INVALID_HANDLE;
  }
  bool ended = end_handle(o);
  if (ended) kobjns__os_handle_withdrawn(o); /* no other process takes a closed handle */
  if (ended) kobjns__handle_put(o); /* the table's: closes now, or when the last call returns */
  kobjns__handle_put(o);            /* ours */
  return ended ? 0 : KOBJNS_INVALID_HANDLE;
}

/* kobjns__handles_release's, for each live handle (referenced by the walk). */
static int close_at_exit(kobjns__object *o, void *arg) {
  (void)arg;
  o->process_exiting = true;
  if (end_handle(o)) {
    kobjns__os_handle_withdrawn(o);
    kobjns__handle_put(o);
  }
  return 0;
}

void kobjns__handles_release(void) {
  /* The process is ending (or unloading kobjns): close what it left open, as Windows closes a
   * process's handles when it exits, so that names die with their last holder, not as stale
   * objects. Calls still running in other threads keep their object until they return. */
  kobjns__os_registry_lock();
  uint32_t count = slot_count;
  kobjns__os_registry_unlock();
  bool all_closed = true;
  kobjns__handles_each(close_at_exit, NULL);
  kobjns__namespaces_release(); /* their handles are closed: no alias names anything now */
  for (uint32_t i = 0; i < count; i++)
    if (__atomic_load_n(&chunks[i >> CHUNK_BITS][i & (CHUNK_SLOTS - 1)].word, __ATOMIC_ACQUIRE) &
        REFS)
      all_closed = false;
  if (!all_closed) return; /* a call still runs: its slot must stay */
  kobjns__os_registry_lock();
  for (uint32_t c = 0; c < CHUNKS && chunks[c]; c++) {
    free(chunks[c]);
    chunks[c] = NULL;
  }
  slot_count = first_free = 0;
  kobjns__os_registry_unlock();
}

void kobjns__handles_each(int (*fn)(kobjns__object *o, void *arg), void *arg) {
  kobjns__os_registry_lock();
  uint32_t count = slot_count;
  kobjns__os_registry_unlock();
  for (uint32_t i = 0; i < count; i++) {
    slot *s = &chunks[i >> CHUNK_BITS][i & (CHUNK_SLOTS - 1)];
    uint64_t word = __atomic_load_n(&s->word, __ATOMIC_ACQUIRE);
    if (!(word & LIVE)) continue;
    kobjns__object *o =
        kobjns__handle_get((const void *)(uintptr_t)encode(i, GENERATION(word)), KOBJNS_TYPE_NONE);
    if (!o) continue;
    int stop = fn(o, arg);
    kobjns__handle_put(o);
    if (stop) return;
  }
}

/* Take slot `index` out of the free slots (growing the table up to it), with the registry lock
 * held: 0, 6 (it is in use) or 8. */
static int take_slot_at(uint32_t index) {
  while (slot_count <= index) {
    uint32_t i;
    int rc = new_slot(&i);
    if (rc) return rc == KOBJNS_TOO_MANY_OPEN_FILES ? KOBJNS_INVALID_HANDLE : rc;
    if (i == index) return 0;
    slot *s = &chunks[i >> CHUNK_BITS][i & (CHUNK_SLOTS - 1)];
    s->next_free = first_free; /* free, for later adds */
    first_free = i + 1;
  }
  for (uint32_t *link = &first_free; *link;) {
    uint32_t i = *link - 1;
    slot *s = &chunks[i >> CHUNK_BITS][i & (CHUNK_SLOTS - 1)];
    if (i == index) {
      *link = s->next_free;
      return 0;
    }
    link = &s->next_free;
  }
  return KOBJNS_INVALID_HANDLE;
}

int kobjns__handle_add_at(kobjns__object *o, uint32_t handle) {
  uint32_t generation = handle >> (SLOT_BITS + 2);
  uint32_t field = (handle >> 2) & ((1u << SLOT_BITS) - 1);
  int rc = KOBJNS_INVALID_HANDLE;
  if (field != 0 && field <= MAX_SLOTS && (handle & 3) == 0 && generation >= 1 &&
      generation <= 255) {
    uint32_t index = field - 1;
    kobjns__os_registry_lock();
    rc = take_slot_at(index);
    if (!rc) {
      slot *s = &chunks[index >> CHUNK_BITS][index & (CHUNK_SLOTS - 1)];
      o->handle = handle;
      s->object = o;
      s->next_free = 0;
      __atomic_store_n(&s->word, (uint64_t)generation << 32 | LIVE | 2, __ATOMIC_RELEASE);
    }
    kobjns__os_registry_unlock();
  }
  if (rc) {
    kobjns__os_close(o);
    free(o);
  } else {
    publish(o);
  }
  return rc;
}

bool kobjns__handle_value_free(uint32_t handle) {
  uint32_t field = (handle >> 2) & ((1u << SLOT_BITS) - 1), generation = handle >> (SLOT_BITS + 2);
  if ((handle & 3) || field == 0 || field > MAX_SLOTS || field > KOBJNS__INHERIT_SLOTS ||
      generation == 0)
    return false;
  uint32_t index = field - 1;
  kobjns__os_registry_lock();
  bool used = false;
  if (index < slot_count) {
    const slot *s = &chunks[index >> CHUNK_BITS][index & (CHUNK_SLOTS - 1)];
    used = (__atomic_load_n(&s->word, __ATOMIC_ACQUIRE) & (LIVE | REFS)) != 0 || s->object;
  }
  kobjns__os_registry_unlock();
  return !used;
}
