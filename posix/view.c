/* The views this process mapped (base address -> length), so that kobjns_unmap(addr) knows
 * their length and refuses anything else (487). Under the registry lock, which is also taken
 * around fork(). */
#include "view.h"

#include "internal.h"
#include "ptrmap.h"

static kobjns__ptrmap views;

int kobjns__view_add(void *addr, size_t length) {
  kobjns__os_registry_lock();
  int rc = kobjns__ptrmap_add(&views, addr, length);
  kobjns__os_registry_unlock();
  return rc;
}

int kobjns__view_remove(void *addr, size_t *length) {
  uintptr_t value = 0;
  kobjns__os_registry_lock();
  bool found = kobjns__ptrmap_remove(&views, addr, &value);
  kobjns__os_registry_unlock();
  *length = (size_t)value;
  return found ? 0 : KOBJNS_INVALID_ADDRESS;
}

void kobjns__view_release(void) {
  kobjns__os_registry_lock();
  kobjns__ptrmap_release(&views);
  kobjns__os_registry_unlock();
}

int kobjns__view_containing(const void *addr, void **base, size_t *length) {
  int rc = KOBJNS_INVALID_ADDRESS;
  kobjns__os_registry_lock();
  for (size_t i = 0; i < views.nslots && rc; i++) {
    uintptr_t b = (uintptr_t)views.slots[i].key, a = (uintptr_t)addr;
    if (b && a >= b && a - b < views.slots[i].value) {
      *base = (void *)b;
      *length = (size_t)views.slots[i].value;
      rc = 0;
    }
  }
  kobjns__os_registry_unlock();
  return rc;
}
