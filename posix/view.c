/* The views this process mapped (base address -> length, kind and execute bit), so that
 * kobjns_unmap(addr) knows their length and refuses anything else (487), and
 * kobjns_view_query(addr) can say what holds an address. Under the registry lock, which is also
 * taken around fork(). */
#include "view.h"

#include "ptrmap.h"

#include <unistd.h>

static kobjns__ptrmap views;

/* A view's value: its length in whole pages, its kind and execute bit in the low bits, which a
 * page-multiple length leaves free (pages are at least 4096 bytes). */
#define KIND_MASK 0x3u
#define EXEC_BIT 0x4u
#define FILE_BIT 0x8u
#define LENGTH_MASK (~(uintptr_t)0xFFF)

int kobjns__view_add(void *addr, size_t length, kobjns__view kind, bool exec, bool of_file) {
  uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
  uintptr_t value = (((uintptr_t)length + page - 1) & ~(page - 1)) | (uintptr_t)kind |
                    (exec ? EXEC_BIT : 0) | (of_file ? FILE_BIT : 0);
  kobjns__os_registry_lock();
  int rc = kobjns__ptrmap_add(&views, addr, value);
  kobjns__os_registry_unlock();
  return rc;
}

int kobjns__view_remove(void *addr, size_t *length) {
  uintptr_t value = 0;
  kobjns__os_registry_lock();
  bool found = kobjns__ptrmap_remove(&views, addr, &value);
  kobjns__os_registry_unlock();
  *length = (size_t)(value & LENGTH_MASK);
  return found ? 0 : KOBJNS_INVALID_ADDRESS;
}

static unsigned access_of(uintptr_t value) {
  static const unsigned kinds[] = {[KOBJNS__VIEW_NONE] = 0,
                                   [KOBJNS__VIEW_READ] = KOBJNS_MAP_READ,
                                   [KOBJNS__VIEW_WRITE] = KOBJNS_MAP_READ | KOBJNS_MAP_WRITE,
                                   [KOBJNS__VIEW_COPY] = KOBJNS_MAP_COPY};
  return kinds[value & KIND_MASK] | (value & EXEC_BIT ? KOBJNS_MAP_EXECUTE : 0);
}

/* A scan of the table: a process maps few views, and the map is keyed by their starts. */
int kobjns__os_view_query(const void *addr, kobjns_view_info *info) {
  int rc = KOBJNS_INVALID_ADDRESS;
  uintptr_t a = (uintptr_t)addr;
  kobjns__os_registry_lock();
  for (size_t i = 0; i < views.nslots; i++) {
    const kobjns__ptrmap_slot *slot = &views.slots[i];
    uintptr_t base = (uintptr_t)slot->key, length = slot->value & LENGTH_MASK;
    if (slot->key && a >= base && a - base < length) {
      *info = (kobjns_view_info){(void *)base, (size_t)length, access_of(slot->value),
                                 slot->value & FILE_BIT ? KOBJNS_VIEW_OF_FILE : 0u};
      rc = 0;
      break;
    }
  }
  kobjns__os_registry_unlock();
  return rc;
}

void kobjns__view_release(void) {
  kobjns__os_registry_lock();
  kobjns__ptrmap_release(&views);
  kobjns__os_registry_unlock();
}
