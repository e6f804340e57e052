/* Public view queries: validate once, call one backend function. */
#include "internal.h"

int kobjns_view_query(const void *addr, kobjns_view_info *info) {
  if (!info) return KOBJNS_INVALID_PARAMETER;
  if (!addr) return KOBJNS_INVALID_ADDRESS;
  return kobjns__os_view_query(addr, info);
}
