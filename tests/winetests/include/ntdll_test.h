/* kobjns's stand-in for Wine's dlls/ntdll/tests/ntdll_test.h (om.c's local header): the Windows
 * headers it names, then the harness's <wine/test.h>. */
#ifndef KOBJNS_WINETEST_NTDLL_TEST_H
#define KOBJNS_WINETEST_NTDLL_TEST_H
#include <stdarg.h>
#include "ntstatus.h"
#define WIN32_NO_STATUS
#include "windef.h"
#include "winbase.h"
#include "winnt.h"
#include "winreg.h"
#include "winternl.h"
#include "wine/test.h"
#endif
