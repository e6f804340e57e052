/* The views this process mapped, so that kobjns_unmap(addr) knows their length and
 * kobjns_view_query(addr) what they are. */
#ifndef KOBJNS_POSIX_VIEW_H
#define KOBJNS_POSIX_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "internal.h"

/* 0 or 8. `length` is kept rounded up to whole pages (what the kernel mapped). */
/* A view of `kind` mapping the file `fd` from `offset` (a description of its own is kept). */
int kobjns__view_add(void *addr, size_t length, kobjns__view kind, bool exec, bool of_file, int fd,
                     off_t offset);
int kobjns__view_remove(void *addr, size_t *length); /* 0 or 487 */
void kobjns__view_release(void);                     /* library unload */

#endif
