/* The registry of live handles (sections, mutexes, events, semaphores). A kobjns_section or
 * kobjns_sync pointer is a handle, as a HANDLE is on Windows: one that was closed (or never
 * issued, or of another kind) is answered with 6, never dereferenced, and a handle closed by one
 * thread while another is using it stays valid until that use ends.
 *
 * A set of pointers behind the backend's registry lock (shared for lookups, exclusive for
 * changes). Each handle counts its references: one for the registry, one per call in progress. */
#include "internal.h"
#include "ptrmap.h"

#include <stdlib.h>

static kobjns__ptrmap live;

int kobjns__handle_add(kobjns__handle *h) {
  h->refs = 1;
  kobjns__os_registry_lock(true);
  int rc = kobjns__ptrmap_add(&live, h, 0);
  kobjns__os_registry_unlock(true);
  if (rc) kobjns__handle_put(h); /* never handed out: close it */
  return rc;
}

/* The registered handle `h` of `kind`, or NULL. Called with the registry lock held: only then
 * may a pointer found in the registry be read. */
static kobjns__handle *find(const void *h, unsigned kind) {
  kobjns__ptrmap_slot *slot = kobjns__ptrmap_find(&live, h);
  kobjns__handle *found = slot ? (kobjns__handle *)(uintptr_t)slot->key : NULL;
  return found && (kind == KOBJNS__HANDLE_ANY || found->kind == kind) ? found : NULL;
}

kobjns__handle *kobjns__handle_get(const void *h, unsigned kind) {
  kobjns__os_registry_lock(false);
  kobjns__handle *found = find(h, kind);
  if (found)
    __atomic_add_fetch(&found->refs, 1, __ATOMIC_RELAXED); /* the registry's keeps it > 0 */
  kobjns__os_registry_unlock(false);
  return found;
}

void kobjns__handle_put(kobjns__handle *h) {
  if (__atomic_sub_fetch(&h->refs, 1, __ATOMIC_ACQ_REL) != 0) return;
  if (h->kind == KOBJNS__HANDLE_SECTION)
    kobjns__os_section_close((kobjns_section *)h);
  else
    kobjns__os_sync_close((kobjns_sync *)h);
  free(h);
}

int kobjns__handle_remove(const void *h, unsigned kind) {
  kobjns__os_registry_lock(true);
  kobjns__handle *found = find(h, kind);
  if (found) kobjns__ptrmap_remove(&live, found, NULL);
  kobjns__os_registry_unlock(true);
  if (!found) return KOBJNS_INVALID_HANDLE;
  /* The registry's reference: closes now, or when the last call in progress ends. */
  kobjns__handle_put(found);
  return 0;
}

/* Any live handle, unregistered (its registry reference passes to the caller), or NULL. */
static kobjns__handle *take_any(void) {
  kobjns__handle *s = NULL;
  kobjns__os_registry_lock(true);
  for (size_t i = 0; i < live.nslots && !s; i++)
    if (live.slots[i].key) s = (kobjns__handle *)(uintptr_t)live.slots[i].key;
  if (s) kobjns__ptrmap_remove(&live, s, NULL);
  kobjns__os_registry_unlock(true);
  return s;
}

void kobjns__handles_release(void) {
  /* The process is ending (or unloading kobjns): close what it left open, as Windows closes a
   * process's handles when it exits, so that names die with their last holder, not as stale
   * objects. Calls still running in other threads keep their section until they return. */
  for (kobjns__handle *s; (s = take_any());) {
    s->process_exiting = true;
    kobjns__handle_put(s);
  }
  kobjns__os_registry_lock(true);
  kobjns__ptrmap_release(&live);
  kobjns__os_registry_unlock(true);
}
