/* Views on Windows: the system knows them; VirtualQuery says what holds an address. */
#include "win32.h"

#include <psapi.h>

static unsigned access_of(DWORD protect) {
  switch (protect & 0xFFu) {
    case PAGE_READONLY: return KOBJNS_MAP_READ;
    case PAGE_READWRITE: return KOBJNS_MAP_READ | KOBJNS_MAP_WRITE;
    case PAGE_WRITECOPY: return KOBJNS_MAP_COPY;
    case PAGE_EXECUTE_READ: return KOBJNS_MAP_READ | KOBJNS_MAP_EXECUTE;
    case PAGE_EXECUTE_READWRITE: return KOBJNS_MAP_READ | KOBJNS_MAP_WRITE | KOBJNS_MAP_EXECUTE;
    case PAGE_EXECUTE_WRITECOPY: return KOBJNS_MAP_COPY | KOBJNS_MAP_EXECUTE;
    default: return 0; /* PAGE_NOACCESS */
  }
}

int kobjns__os_view_query(const void *addr, kobjns_view_info *info) {
  MEMORY_BASIC_INFORMATION mbi;
  if (!VirtualQuery(addr, &mbi, sizeof mbi) || mbi.Type != MEM_MAPPED)
    return KOBJNS_INVALID_ADDRESS;
  /* The view is the run of regions with its allocation base (VirtualProtect splits it). */
  char *base = mbi.AllocationBase, *end = base;
  MEMORY_BASIC_INFORMATION r;
  while (VirtualQuery(end, &r, sizeof r) && r.AllocationBase == base && r.Type == MEM_MAPPED)
    end = (char *)r.BaseAddress + r.RegionSize;
  wchar_t file[8];
  /* A view of a file has the file's name; a paging-file section has none. */
  bool of_file = K32GetMappedFileNameW(GetCurrentProcess(), base, file, 8) > 0 ||
                 GetLastError() == ERROR_INSUFFICIENT_BUFFER;
  *info = (kobjns_view_info){base, (size_t)(end - base), access_of(mbi.AllocationProtect),
                             of_file ? KOBJNS_VIEW_OF_FILE : 0u};
  return 0;
}
