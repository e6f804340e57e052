/* The registry of live section handles. A kobjns_section pointer is a handle, as a HANDLE is on
 * Windows: one that was closed (or never issued) is answered with 6, never dereferenced, and a
 * handle closed by one thread while another is using it stays valid until that use ends.
 *
 * A set of pointers behind the backend's registry lock (shared for lookups, exclusive for
 * changes). Each section counts its references: one for the registry, one per call in progress. */
#include "internal.h"
#include "ptrmap.h"

#include <stdlib.h>

static kobjns__ptrmap live;

int kobjns__handle_add(kobjns_section *s) {
  s->refs = 1;
  kobjns__os_registry_lock(true);
  int rc = kobjns__ptrmap_add(&live, s, 0);
  kobjns__os_registry_unlock(true);
  return rc;
}

kobjns_section *kobjns__handle_get(const kobjns_section *s) {
  kobjns__os_registry_lock(false);
  kobjns__ptrmap_slot *slot = kobjns__ptrmap_find(&live, s);
  kobjns_section *found = slot ? (kobjns_section *)(uintptr_t)slot->key : NULL;
  if (found)
    __atomic_add_fetch(&found->refs, 1, __ATOMIC_RELAXED); /* the registry's keeps it > 0 */
  kobjns__os_registry_unlock(false);
  return found;
}

void kobjns__handle_put(kobjns_section *s) {
  if (__atomic_sub_fetch(&s->refs, 1, __ATOMIC_ACQ_REL) == 0) {
    kobjns__os_section_close(s);
    free(s);
  }
}

int kobjns__handle_remove(const kobjns_section *s) {
  kobjns__os_registry_lock(true);
  bool found = kobjns__ptrmap_remove(&live, s, NULL);
  kobjns__os_registry_unlock(true);
  if (!found) return KOBJNS_INVALID_HANDLE;
  /* The registry's reference: closes now, or when the last call in progress ends. */
  kobjns__handle_put((kobjns_section *)(uintptr_t)s);
  return 0;
}

/* Any live handle, unregistered (its registry reference passes to the caller), or NULL. */
static kobjns_section *take_any(void) {
  kobjns_section *s = NULL;
  kobjns__os_registry_lock(true);
  for (size_t i = 0; i < live.nslots && !s; i++)
    if (live.slots[i].key) s = (kobjns_section *)(uintptr_t)live.slots[i].key;
  if (s) kobjns__ptrmap_remove(&live, s, NULL);
  kobjns__os_registry_unlock(true);
  return s;
}

void kobjns__handles_release(void) {
  /* The process is ending (or unloading kobjns): close what it left open, as Windows closes a
   * process's handles when it exits, so that names die with their last holder, not as stale
   * objects. Calls still running in other threads keep their section until they return. */
  for (kobjns_section *s; (s = take_any());) {
    s->process_exiting = true;
    kobjns__handle_put(s);
  }
  kobjns__os_registry_lock(true);
  kobjns__ptrmap_release(&live);
  kobjns__os_registry_unlock(true);
}
