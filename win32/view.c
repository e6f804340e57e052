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

/* The view holding `addr` as VirtualQuery tells it: 0 with its region's facts, or 487. */
static int view_at(const void *addr, MEMORY_BASIC_INFORMATION *mbi) {
  return VirtualQuery(addr, mbi, sizeof *mbi) && mbi->Type == MEM_MAPPED ? 0
                                                                         : KOBJNS_INVALID_ADDRESS;
}

/* Whole pages of one view, as the POSIX backend requires them. */
static int whole_pages(const void *addr, size_t length) {
  SYSTEM_INFO si;
  GetSystemInfo(&si);
  kobjns_view_info v;
  if (!length || (uintptr_t)addr % si.dwPageSize || length % si.dwPageSize ||
      kobjns__os_view_query(addr, &v) || length > (uintptr_t)v.base + v.length - (uintptr_t)addr)
    return KOBJNS_INVALID_ADDRESS;
  return 0;
}

int kobjns__os_view_copy_on_write(void *addr, size_t length, bool enable) {
  MEMORY_BASIC_INFORMATION mbi;
  int rc = whole_pages(addr, length);
  if (!rc) rc = view_at(addr, &mbi);
  if (rc) return rc;
  DWORD view = mbi.AllocationProtect & 0xFFu, old;
  if (view == PAGE_WRITECOPY || view == PAGE_EXECUTE_WRITECOPY || view == PAGE_NOACCESS)
    return 0; /* private already, or no pages to copy */
  bool exec = view == PAGE_EXECUTE_READ || view == PAGE_EXECUTE_READWRITE;
  DWORD protect = enable ? (exec ? PAGE_EXECUTE_WRITECOPY : PAGE_WRITECOPY) : view;
  /* Windows keeps the pages written since as private copies when they are shared again. */
  return VirtualProtect(addr, length, protect, &old) ? 0 : KOBJNS_INVALID_ADDRESS;
}

int kobjns__os_view_copied(const void *addr, size_t length, unsigned char *copied) {
  int rc = whole_pages(addr, length);
  if (rc) return rc;
  SYSTEM_INFO si;
  GetSystemInfo(&si);
  size_t pages = length / si.dwPageSize;
  /* A private copy is a valid page no other mapping shares (the working set's own word). */
  for (size_t i = 0; i < pages; i++) {
    PSAPI_WORKING_SET_EX_INFORMATION w = {.VirtualAddress = (char *)addr + i * si.dwPageSize};
    if (!K32QueryWorkingSetEx(GetCurrentProcess(), &w, sizeof w)) return KOBJNS_NOT_SUPPORTED;
    copied[i] = w.VirtualAttributes.Valid && !w.VirtualAttributes.Shared;
  }
  return 0;
}
