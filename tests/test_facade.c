/* libkobjns-win32: Win32 code, unchanged, against the facade (built on POSIX only). Each case
 * says the Win32 result: a handle or NULL, and GetLastError(). */
#include <windows.h>
#include <sddl.h> /* after <windows.h> */
#include <string.h>

#include "kt.h"

#define WANT_ERROR(call, error)                                                                    \
  do {                                                                                             \
    SetLastError(0xdead);                                                                          \
    BOOL kt_ok_ = (call) != 0;                                                                     \
    DWORD kt_err_ = GetLastError();                                                                \
    if (kt_ok_ || kt_err_ != (DWORD)(error))                                                       \
      fprintf(stderr, "\n  %s:%d: %s -> %s, error %u, want failure %u\n", __FILE__, __LINE__,      \
              #call, kt_ok_ ? "success" : "failure", (unsigned)kt_err_, (unsigned)(error));        \
    CU_ASSERT(!kt_ok_ && kt_err_ == (DWORD)(error));                                               \
  } while (0)

static void create_open_map_close(void) {
  const char *name = kt_name("facade");
  HANDLE h = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 4096, name);
  CU_ASSERT_PTR_NOT_NULL_FATAL(h);
  CU_ASSERT_EQUAL(GetLastError(), ERROR_SUCCESS);
  CU_ASSERT(h != INVALID_HANDLE_VALUE);
  HANDLE again = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 65536, name);
  CU_ASSERT_EQUAL(GetLastError(), ERROR_ALREADY_EXISTS); /* row 2 */
  CU_ASSERT(again && again != h);
  char *w = MapViewOfFile(h, FILE_MAP_ALL_ACCESS, 0, 0, 0);
  CU_ASSERT_PTR_NOT_NULL_FATAL(w);
  strcpy(w, "through the facade");
  CU_ASSERT(FlushViewOfFile(w, 0));
  /* The W function takes UTF-16 names: the same object. */
  WCHAR wide[256];
  size_t i = 0;
  for (; name[i]; i++) wide[i] = (WCHAR)name[i];
  wide[i] = 0;
  HANDLE o = OpenFileMappingW(FILE_MAP_READ, FALSE, wide);
  CU_ASSERT_PTR_NOT_NULL_FATAL(o);
  char *r = MapViewOfFile(o, FILE_MAP_READ, 0, 0, 0);
  CU_ASSERT_STRING_EQUAL(r, "through the facade");
  WANT_ERROR(MapViewOfFile(o, FILE_MAP_WRITE, 0, 0, 0), ERROR_ACCESS_DENIED); /* row 45 */
  CU_ASSERT(UnmapViewOfFile(r));
  WANT_ERROR(UnmapViewOfFile(r), ERROR_INVALID_ADDRESS);
  CU_ASSERT(UnmapViewOfFile(w));
  CU_ASSERT(CloseHandle(o));
  CU_ASSERT(CloseHandle(again));
  CU_ASSERT(CloseHandle(h));
  WANT_ERROR(CloseHandle(h), ERROR_INVALID_HANDLE); /* closed */
  WANT_ERROR(OpenFileMappingA(FILE_MAP_READ, FALSE, name), ERROR_FILE_NOT_FOUND);
}

static void handles_are_checked(void) {
  WANT_ERROR(CloseHandle(NULL), ERROR_INVALID_HANDLE);
  WANT_ERROR(CloseHandle(INVALID_HANDLE_VALUE), ERROR_INVALID_HANDLE);
  WANT_ERROR(CloseHandle((HANDLE)(uintptr_t)0x1234), ERROR_INVALID_HANDLE);
  WANT_ERROR(MapViewOfFile((HANDLE)(uintptr_t)0x4000004, FILE_MAP_READ, 0, 0, 0),
             ERROR_INVALID_HANDLE);
  /* A closed handle's value does not come back at once. */
  HANDLE a = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 4096, NULL);
  CU_ASSERT_PTR_NOT_NULL_FATAL(a);
  CU_ASSERT(CloseHandle(a));
  HANDLE b = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 4096, NULL);
  CU_ASSERT(b && b != a);
  WANT_ERROR(CloseHandle(a), ERROR_INVALID_HANDLE);
  CU_ASSERT(CloseHandle(b));
}

static void arguments_and_names(void) {
  const char *name = kt_name("args");
  WANT_ERROR(CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 0, name),
             ERROR_INVALID_PARAMETER); /* row 34 */
  WANT_ERROR(CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_NOACCESS, 0, 4096, name),
             ERROR_INVALID_PARAMETER);
  WANT_ERROR(OpenFileMappingA(FILE_MAP_READ, FALSE, NULL), ERROR_INVALID_PARAMETER); /* row 9 */
  WANT_ERROR(OpenFileMappingA(0, FALSE, name), ERROR_FILE_NOT_FOUND);
  char longest[301];
  memset(longest, 'n', 300);
  longest[300] = '\0';
  WANT_ERROR(CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 4096, longest),
             ERROR_FILENAME_EXCED_RANGE); /* row 33 */
  WANT_ERROR(CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 4096, "Global\\"),
             ERROR_INVALID_NAME); /* row 23 */
  WCHAR lone_surrogate[] = {'x', 0xD800, 0};
  WANT_ERROR(OpenFileMappingW(FILE_MAP_READ, FALSE, lone_surrogate), ERROR_NO_UNICODE_TRANSLATION);
  DWORD session = 99;
  CU_ASSERT(ProcessIdToSessionId(GetCurrentProcessId(), &session));
  CU_ASSERT_EQUAL(session, kt_runner_session());
}

static void security_descriptors(void) {
  /* The classic "NULL DACL: open to everyone". */
  SECURITY_DESCRIPTOR sd;
  CU_ASSERT(InitializeSecurityDescriptor(&sd, SECURITY_DESCRIPTOR_REVISION));
  CU_ASSERT(SetSecurityDescriptorDacl(&sd, TRUE, NULL, FALSE));
  SECURITY_ATTRIBUTES sa = {sizeof sa, &sd, FALSE};
  const char *open = kt_name("null-dacl");
  HANDLE h = CreateFileMappingA(INVALID_HANDLE_VALUE, &sa, PAGE_READWRITE, 0, 4096, open);
  CU_ASSERT_PTR_NOT_NULL(h);
  HANDLE o = OpenFileMappingA(FILE_MAP_ALL_ACCESS, FALSE, open);
  CU_ASSERT_PTR_NOT_NULL(o);
  CloseHandle(o), CloseHandle(h);
  /* SDDL: everyone may read (rows 39, 40). */
  PSECURITY_DESCRIPTOR psd = NULL;
  ULONG size = 0;
  CU_ASSERT(ConvertStringSecurityDescriptorToSecurityDescriptorA("D:(A;;GR;;;WD)", SDDL_REVISION_1,
                                                                 &psd, &size));
  CU_ASSERT(size > 0);
  sa.lpSecurityDescriptor = psd;
  const char *ro = kt_name("sddl");
  h = CreateFileMappingA(INVALID_HANDLE_VALUE, &sa, PAGE_READWRITE, 0, 4096, ro);
  CU_ASSERT_PTR_NOT_NULL(h);
  o = OpenFileMappingA(FILE_MAP_READ, FALSE, ro);
  CU_ASSERT_PTR_NOT_NULL(o);
  WANT_ERROR(OpenFileMappingA(FILE_MAP_WRITE, FALSE, ro), ERROR_ACCESS_DENIED);
  CloseHandle(o), CloseHandle(h);
  CU_ASSERT_PTR_NULL(LocalFree(psd));
  WANT_ERROR(SetSecurityDescriptorDacl(NULL, TRUE, NULL, FALSE), ERROR_INVALID_SECURITY_DESCR);
  WANT_ERROR(InitializeSecurityDescriptor(&sd, 7), ERROR_UNKNOWN_REVISION);
  WANT_ERROR(ConvertStringSecurityDescriptorToSecurityDescriptorW(u"D:(A;;GA;;;XX)",
                                                                  SDDL_REVISION_1, &psd, NULL),
             ERROR_INVALID_SID);
}

void kt_add_facade(CU_pSuite s) {
  kt_add(s, "create, open, map, close", create_open_map_close, 0);
  kt_add(s, "handles are checked", handles_are_checked, 0);
  kt_add(s, "arguments and names (rows 9, 23, 33, 34)", arguments_and_names, 0);
  kt_add(s, "security descriptors", security_descriptors, 0);
}
