/* The views this process mapped, so that kobjns_unmap(addr) knows their length. */
#ifndef KOBJNS_POSIX_VIEW_H
#define KOBJNS_POSIX_VIEW_H

#include <stddef.h>

int kobjns__view_add(void *addr, size_t length);     /* 0 or 8 */
int kobjns__view_remove(void *addr, size_t *length); /* 0 or 487 */
void kobjns__view_release(void);
/* The view `addr` lies in: 0 with its base and length, or 487. */
int kobjns__view_containing(const void *addr, void **base, size_t *length);                     /* library unload */

#endif
