/* Win32 identity: the session is the one Windows gives the process (ProcessIdToSessionId); a
 * context for any other session is not supported (50). Windows itself checks privileges and
 * security descriptors; the token only tells the core whether SeCreateGlobalPrivilege is held. */
#include "internal.h"
#include "win32.h"

#include <stdlib.h>
#include <wchar.h>

static SRWLOCK init = SRWLOCK_INIT;

void kobjns__os_init_lock(void) { AcquireSRWLockExclusive(&init); }

void kobjns__os_init_unlock(void) { ReleaseSRWLockExclusive(&init); }

static SRWLOCK registry = SRWLOCK_INIT;

void kobjns__os_registry_lock(void) { AcquireSRWLockExclusive(&registry); }

void kobjns__os_registry_unlock(void) { ReleaseSRWLockExclusive(&registry); }

int kobjns__os_init(void) { return 0; /* Windows needs nothing set up */ }

/* Handles this process inherited, at their values, before the program runs (a DLL's
 * constructors run as it is loaded, an executable's before main). */
__attribute__((constructor)) static void kobjns_load(void) { kobjns__inherit_adopt_all(); }

static int real_session(uint32_t *session) {
  DWORD id = 0;
  if (!ProcessIdToSessionId(GetCurrentProcessId(), &id))
    return kobjns__status_from_win32(GetLastError());
  *session = id;
  return 0;
}

/* Whether the process token holds SeCreateGlobalPrivilege, enabled or not (services and
 * administrators do): the core then grants it to contexts, as on POSIX. */
static bool holds_create_global(void) {
  HANDLE token;
  if (!OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &token)) return false;
  LUID luid;
  bool held = false;
  DWORD size = 0;
  GetTokenInformation(token, TokenPrivileges, NULL, 0, &size);
  TOKEN_PRIVILEGES *list = size ? malloc(size) : NULL;
  if (list && LookupPrivilegeValueW(NULL, L"SeCreateGlobalPrivilege", &luid) &&
      GetTokenInformation(token, TokenPrivileges, list, size, &size)) {
    for (DWORD i = 0; i < list->PrivilegeCount; i++)
      held |= list->Privileges[i].Luid.LowPart == luid.LowPart &&
              list->Privileges[i].Luid.HighPart == luid.HighPart;
  }
  free(list);
  CloseHandle(token);
  return held;
}

int kobjns__os_process_identity(kobjns__token *token, bool *session_known) {
  int rc = real_session(&token->session);
  if (rc) return rc;
  *session_known = true;
  token->uid = 0; /* Windows checks the real token; POSIX ids play no part */
  token->ngroups = 0;
  token->admin = holds_create_global();
  return 0;
}

int kobjns__os_ctx_attach(kobjns_ctx *ctx) {
  int rc = real_session(&ctx->os.real_session);
  if (rc) return rc;
  /* Windows decides the session of a process; it cannot be simulated here. */
  return ctx->token.session == ctx->os.real_session ? 0 : KOBJNS_NOT_SUPPORTED;
}

void kobjns__os_ctx_detach(kobjns_ctx *ctx) { (void)ctx; }

void kobjns__os_ctx_move(kobjns__os_ctx *to, kobjns__os_ctx *from) { *to = *from; }

void kobjns__os_ctx_inherit(kobjns__os_ctx *to, const kobjns__os_ctx *from) {
  (void)to, (void)from; /* nothing but the session, which attach reads again */
}

int kobjns__os_ctx_set_root(kobjns_ctx *ctx, const char *root) {
  (void)ctx, (void)root;
  return KOBJNS_NOT_SUPPORTED; /* names live in the kernel's one namespace */
}

int kobjns__os_user_groups(uint32_t uid, kobjns__token *token) {
  (void)uid, (void)token;
  return KOBJNS_NOT_SUPPORTED; /* impersonation needs a logon token, not a number */
}

/* Ask the object manager: opening a name under Session\<N>\ fails with ERROR_PATH_NOT_FOUND
 * exactly when \Sessions\BNOLINKS\<N> does not exist. */
int kobjns__os_session_exists(const kobjns_ctx *ctx, uint32_t session, bool *exists) {
  (void)ctx;
  wchar_t name[64];
  swprintf(name, sizeof name / sizeof name[0], L"Session\\%u\\kobjns-session-probe",
           (unsigned)session);
  HANDLE h = OpenFileMappingW(FILE_MAP_READ, FALSE, name);
  if (h) {
    CloseHandle(h);
    *exists = true;
    return 0;
  }
  *exists = GetLastError() != ERROR_PATH_NOT_FOUND;
  return 0;
}
