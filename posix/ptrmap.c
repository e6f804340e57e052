#include "ptrmap.h"

#include "kobjns.h"

#include <stdlib.h>

#define MIN_SLOTS 64u

/* Home slot of `key` in `size` slots. Pointers are aligned and clustered: multiply by 2^64/phi
 * (Fibonacci hashing) and take high bits, which depend on every bit of the key. */
static size_t home_of(const void *key, size_t size) {
  uint64_t h = (uint64_t)(uintptr_t)key * 0x9E3779B97F4A7C15ull;
  return (size_t)(h >> 32) & (size - 1);
}

static void place(kobjns__ptrmap_slot *slots, size_t size, kobjns__ptrmap_slot entry) {
  size_t i = home_of(entry.key, size);
  while (slots[i].key) i = (i + 1) & (size - 1);
  slots[i] = entry;
}

static int grow(kobjns__ptrmap *m) {
  size_t size = m->nslots ? m->nslots * 2 : MIN_SLOTS;
  if (size > SIZE_MAX / 2 / sizeof *m->slots) return KOBJNS_NOT_ENOUGH_MEMORY;
  kobjns__ptrmap_slot *slots = calloc(size, sizeof *slots);
  if (!slots) return KOBJNS_NOT_ENOUGH_MEMORY;
  for (size_t i = 0; i < m->nslots; i++)
    if (m->slots[i].key) place(slots, size, m->slots[i]);
  free(m->slots);
  m->slots = slots;
  m->nslots = size;
  return 0;
}

int kobjns__ptrmap_add(kobjns__ptrmap *m, const void *key, uintptr_t value) {
  if ((m->count + 1) * 2 > m->nslots) {
    int rc = grow(m);
    if (rc) return rc;
  }
  place(m->slots, m->nslots, (kobjns__ptrmap_slot){key, value});
  m->count++;
  return 0;
}

kobjns__ptrmap_slot *kobjns__ptrmap_find(const kobjns__ptrmap *m, const void *key) {
  if (!m->nslots || !key) return NULL;
  for (size_t i = home_of(key, m->nslots);; i = (i + 1) & (m->nslots - 1)) {
    if (m->slots[i].key == key) return &m->slots[i];
    if (!m->slots[i].key) return NULL;
  }
}

bool kobjns__ptrmap_remove(kobjns__ptrmap *m, const void *key, uintptr_t *value) {
  kobjns__ptrmap_slot *slot = kobjns__ptrmap_find(m, key);
  if (!slot) return false;
  if (value) *value = slot->value;
  size_t mask = m->nslots - 1, hole = (size_t)(slot - m->slots);
  m->slots[hole].key = NULL;
  /* Shift later members of the probe run back into the hole, unless their home lies
   * cyclically in (hole, j]: then they are already as close to it as they can be. */
  for (size_t j = (hole + 1) & mask; m->slots[j].key; j = (j + 1) & mask) {
    size_t home = home_of(m->slots[j].key, m->nslots);
    bool stays = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
    if (!stays) {
      m->slots[hole] = m->slots[j];
      m->slots[j].key = NULL;
      hole = j;
    }
  }
  m->count--;
  return true;
}

void kobjns__ptrmap_release(kobjns__ptrmap *m) {
  if (m->count) return;
  free(m->slots);
  m->slots = NULL;
  m->nslots = 0;
}
