/* A map from pointers to pointer-sized values: open addressing, linear probing, deletion by
 * backward shift (no tombstones, so long add/remove loops never degrade or grow it). At most
 * half full. Not locked: its users hold their own lock. */
#ifndef KOBJNS_PTRMAP_H
#define KOBJNS_PTRMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct kobjns__ptrmap_slot {
  const void *key; /* NULL: free */
  uintptr_t value;
} kobjns__ptrmap_slot;

typedef struct kobjns__ptrmap {
  kobjns__ptrmap_slot *slots; /* NULL or a power-of-two array */
  size_t nslots, count;
} kobjns__ptrmap;

/* Add `key` (not NULL, not present): 0, or 8 when the table cannot grow. */
int kobjns__ptrmap_add(kobjns__ptrmap *m, const void *key, uintptr_t value);
/* The slot holding `key`, or NULL. */
kobjns__ptrmap_slot *kobjns__ptrmap_find(const kobjns__ptrmap *m, const void *key);
/* Remove `key`, storing its value in *value: true if it was there. */
bool kobjns__ptrmap_remove(kobjns__ptrmap *m, const void *key, uintptr_t *value);
/* Free the table if it is empty (library unload); a non-empty one is kept. */
void kobjns__ptrmap_release(kobjns__ptrmap *m);

#endif
