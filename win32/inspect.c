/* Inspecting objects on Windows. The kernel deletes an object with its last handle, a dead
 * process's included: nothing is ever stale, so the sweep finds nothing. Listing and describing
 * objects without a handle is the object manager's business (WinObj, NtQueryDirectoryObject),
 * not implemented here: 50. The access check is the kernel's (AccessCheck), not kobjns's model. */
#include "win32.h"

int kobjns__os_object_list(kobjns_object_fn fn, void *arg) {
  (void)fn, (void)arg;
  return KOBJNS_NOT_SUPPORTED;
}

int kobjns__os_object_query(const kobjns__name *n, kobjns_object_fn fn, void *arg) {
  (void)n, (void)fn, (void)arg;
  return KOBJNS_NOT_SUPPORTED;
}

int kobjns__os_cleanup(bool dry_run, kobjns_object_fn fn, void *arg, size_t *removed) {
  (void)dry_run, (void)fn, (void)arg;
  *removed = 0;
  return 0;
}

int kobjns__os_access_check(const kobjns_ctx *ctx, const kobjns__sd *sd, uint32_t owner,
                            unsigned desired) {
  (void)ctx, (void)sd, (void)owner, (void)desired;
  return KOBJNS_NOT_SUPPORTED;
}
