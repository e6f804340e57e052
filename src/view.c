/* Public view queries and flushes: validate once, call one backend function. */
#include "internal.h"

int kobjns_view_query(const void *addr, kobjns_view_info *info) {
  if (!info) return KOBJNS_INVALID_PARAMETER;
  if (!addr) return KOBJNS_INVALID_ADDRESS;
  return kobjns__os_view_query(addr, info);
}

int kobjns_view_flush(const void *addr, size_t length) {
  if (!addr) return KOBJNS_INVALID_ADDRESS;
  return kobjns__os_view_flush(addr, length);
}

int kobjns_view_copy_on_write(void *addr, size_t length, int enable) {
  if (!addr) return KOBJNS_INVALID_ADDRESS;
  return kobjns__os_view_copy_on_write(addr, length, enable != 0);
}

int kobjns_view_copied(const void *addr, size_t length, unsigned char *copied) {
  if (!copied) return KOBJNS_INVALID_PARAMETER;
  if (!addr) return KOBJNS_INVALID_ADDRESS;
  return kobjns__os_view_copied(addr, length, copied);
}
