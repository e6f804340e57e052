/* <namespaceapi.h>: Wine's own (which <windows.h> includes through <winbase.h>), then the private
 * namespace functions Windows' SDK declares and Wine 8's headers lack: the A forms,
 * AddIntegrityLabelToBoundaryDescriptor and the names without A or W. Found first by programs
 * built against libkobjns-winapi (`pkg-config kobjns-winapi`, dependency('kobjns-winapi')), so
 * that Windows code calling them compiles unchanged. Not for inclusion on its own: <windows.h>. */
#pragma GCC system_header
/* Outside the guard: every inclusion reaches Wine's header, whatever it expects. */
#include_next <namespaceapi.h>

#ifndef KOBJNS_WINAPI_NAMESPACEAPI_H
#define KOBJNS_WINAPI_NAMESPACEAPI_H

#ifdef __cplusplus
extern "C" {
#endif

WINBASEAPI BOOL WINAPI AddIntegrityLabelToBoundaryDescriptor(HANDLE *, PSID);
WINBASEAPI HANDLE WINAPI CreateBoundaryDescriptorA(LPCSTR, ULONG);
WINBASEAPI HANDLE WINAPI CreatePrivateNamespaceA(LPSECURITY_ATTRIBUTES, LPVOID, LPCSTR);
WINBASEAPI HANDLE WINAPI OpenPrivateNamespaceA(LPVOID, LPCSTR);

#ifndef CreateBoundaryDescriptor
#define CreateBoundaryDescriptor WINELIB_NAME_AW(CreateBoundaryDescriptor)
#endif
#ifndef CreatePrivateNamespace
#define CreatePrivateNamespace WINELIB_NAME_AW(CreatePrivateNamespace)
#endif
#ifndef OpenPrivateNamespace
#define OpenPrivateNamespace WINELIB_NAME_AW(OpenPrivateNamespace)
#endif

#ifdef __cplusplus
}
#endif

#endif
