/* An open-addressing hash table of mapped views: base address -> length. */
#include "view.h"

#include "kobjns.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

#define TOMBSTONE ((void *)1)

typedef struct {
  void *addr;
  size_t length;
} view;

static pthread_mutex_t views_lock = PTHREAD_MUTEX_INITIALIZER;
static view *views;
static size_t capacity, used; /* used counts live entries and tombstones */

static size_t slot_of(void *addr, size_t cap) {
  uint64_t h = (uint64_t)(uintptr_t)addr >> 12;
  h *= 0x9E3779B97F4A7C15ull;
  return (size_t)(h >> 32) & (cap - 1);
}

/* Rehash, dropping tombstones; double only when live entries need it, so that a long
 * map/unmap loop does not grow the table. */
static int grow(void) {
  size_t live_now = 0;
  for (size_t i = 0; i < capacity; i++) live_now += views[i].addr && views[i].addr != TOMBSTONE;
  size_t cap = capacity ? (live_now * 2 >= capacity ? capacity * 2 : capacity) : 64;
  view *fresh = calloc(cap, sizeof *fresh);
  if (!fresh) return KOBJNS_NOT_ENOUGH_MEMORY;
  size_t live = 0;
  for (size_t i = 0; i < capacity; i++) {
    if (!views[i].addr || views[i].addr == TOMBSTONE) continue;
    size_t j = slot_of(views[i].addr, cap);
    while (fresh[j].addr) j = (j + 1) & (cap - 1);
    fresh[j] = views[i];
    live++;
  }
  free(views);
  views = fresh;
  capacity = cap;
  used = live;
  return 0;
}

int kobjns__view_add(void *addr, size_t length) {
  int rc = 0;
  pthread_mutex_lock(&views_lock);
  if ((used + 1) * 4 > capacity * 3) rc = grow();
  if (!rc) {
    size_t i = slot_of(addr, capacity);
    while (views[i].addr && views[i].addr != TOMBSTONE) i = (i + 1) & (capacity - 1);
    if (!views[i].addr) used++;
    views[i] = (view){addr, length};
  }
  pthread_mutex_unlock(&views_lock);
  return rc;
}

int kobjns__view_remove(void *addr, size_t *length) {
  int rc = KOBJNS_INVALID_ADDRESS;
  pthread_mutex_lock(&views_lock);
  if (capacity) {
    for (size_t i = slot_of(addr, capacity); views[i].addr; i = (i + 1) & (capacity - 1)) {
      if (views[i].addr == addr) {
        *length = views[i].length;
        views[i].addr = TOMBSTONE;
        rc = 0;
        break;
      }
    }
  }
  pthread_mutex_unlock(&views_lock);
  return rc;
}
