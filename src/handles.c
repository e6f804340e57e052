/* The registry of live section handles. A kobjns_section pointer is a handle, as a HANDLE is on
 * Windows: one that was closed (or never issued) is answered with 6, never dereferenced, and a
 * handle closed by one thread while another is using it stays valid until that use ends.
 *
 * An open-addressing set of pointers (linear probing, backward-shift deletion, so no
 * tombstones), behind the backend's registry lock: shared for lookups, exclusive for changes.
 * Each section counts its references: one for the registry, one per call in progress. */
#include "internal.h"

#include <stdlib.h>

#define MIN_SLOTS 64u

static kobjns_section **slots; /* NULL or a power-of-two array */
static size_t nslots, count;

/* The home slot of `s` in a table of `size` slots. Allocations are aligned and clustered:
 * multiply (Fibonacci hashing) and take high bits. */
static size_t slot_of(const kobjns_section *s, size_t size) {
  uint64_t h = (uint64_t)(uintptr_t)s * 0x9E3779B97F4A7C15ull;
  return (size_t)(h >> 32) & (size - 1);
}

static size_t find(const kobjns_section *s) {
  if (!nslots) return SIZE_MAX;
  for (size_t i = slot_of(s, nslots);; i = (i + 1) & (nslots - 1)) {
    if (slots[i] == s) return i;
    if (!slots[i]) return SIZE_MAX;
  }
}

static void put_in(kobjns_section **table, size_t size, kobjns_section *s) {
  size_t i = slot_of(s, size);
  while (table[i]) i = (i + 1) & (size - 1);
  table[i] = s;
}

static int grow(void) {
  size_t size = nslots ? nslots * 2 : MIN_SLOTS;
  if (size > SIZE_MAX / sizeof *slots) return KOBJNS_NOT_ENOUGH_MEMORY;
  kobjns_section **table = calloc(size, sizeof *table);
  if (!table) return KOBJNS_NOT_ENOUGH_MEMORY;
  for (size_t i = 0; i < nslots; i++)
    if (slots[i]) put_in(table, size, slots[i]);
  free(slots);
  slots = table;
  nslots = size;
  return 0;
}

/* Remove slot i and shift later members of its probe run back, so lookups need no markers. */
static void remove_slot(size_t i) {
  size_t mask = nslots - 1;
  slots[i] = NULL;
  for (size_t j = (i + 1) & mask; slots[j]; j = (j + 1) & mask) {
    size_t home = slot_of(slots[j], nslots);
    /* Move slots[j] into the hole unless its home lies cyclically in (i, j]. */
    bool stays = i <= j ? (home > i && home <= j) : (home > i || home <= j);
    if (!stays) {
      slots[i] = slots[j];
      slots[j] = NULL;
      i = j;
    }
  }
}

int kobjns__handle_add(kobjns_section *s) {
  s->refs = 1;
  kobjns__os_registry_lock(true);
  int rc = 0;
  if ((count + 1) * 2 > nslots) rc = grow(); /* at most half full: short probe runs */
  if (!rc) {
    put_in(slots, nslots, s);
    count++;
  }
  kobjns__os_registry_unlock(true);
  return rc;
}

kobjns_section *kobjns__handle_get(const kobjns_section *s) {
  if (!s) return NULL;
  kobjns__os_registry_lock(false);
  kobjns_section *live = NULL;
  size_t i = find(s);
  if (i != SIZE_MAX) {
    live = slots[i];
    __atomic_add_fetch(&live->refs, 1, __ATOMIC_RELAXED); /* the registry's own keeps it > 0 */
  }
  kobjns__os_registry_unlock(false);
  return live;
}

void kobjns__handle_put(kobjns_section *s) {
  if (__atomic_sub_fetch(&s->refs, 1, __ATOMIC_ACQ_REL) == 0) {
    kobjns__os_section_close(s);
    free(s);
  }
}

int kobjns__handle_remove(const kobjns_section *s) {
  if (!s) return KOBJNS_INVALID_HANDLE;
  kobjns__os_registry_lock(true);
  kobjns_section *live = NULL;
  size_t i = find(s);
  if (i != SIZE_MAX) {
    live = slots[i];
    remove_slot(i);
    count--;
  }
  kobjns__os_registry_unlock(true);
  if (!live) return KOBJNS_INVALID_HANDLE;
  kobjns__handle_put(live); /* the registry's reference: closes now, or when the last call ends */
  return 0;
}

void kobjns__handles_release(void) {
  kobjns__os_registry_lock(true);
  if (count == 0) { /* library unload: nothing left to answer for */
    free(slots);
    slots = NULL;
    nslots = 0;
  }
  kobjns__os_registry_unlock(true);
}
