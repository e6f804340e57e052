/* Processes: Windows' own. The start is CreateProcessW with the caller's command line as it is
 * (Windows finds the program and the child's runtime splits it); inherited handles are the
 * inheritable copies the core asked for, and the list of them goes in the child's environment. */
#include "win32.h"

#include <stdlib.h>
#include <string.h>

/* Our environment block less any list of inherited handles, plus `extra` (UTF-16, may be
 * NULL), as CreateProcessW takes one (CREATE_UNICODE_ENVIRONMENT). */
static wchar_t *environment_with(const wchar_t *given, const wchar_t *extra) {
  wchar_t *ours = given ? (wchar_t *)given : GetEnvironmentStringsW();
  if (!ours) return NULL;
  static const wchar_t var[] = L"KOBJNS_INHERITED=";
  size_t var_len = sizeof var / sizeof var[0] - 1, total = 0;
  for (const wchar_t *p = ours; *p; p += wcslen(p) + 1) total += wcslen(p) + 1;
  size_t extra_len = extra ? wcslen(extra) + 1 : 0;
  wchar_t *block = malloc((total + extra_len + 2) * sizeof *block);
  if (block) {
    wchar_t *out = block;
    for (const wchar_t *p = ours; *p; p += wcslen(p) + 1) {
      size_t n = wcslen(p) + 1;
      if (_wcsnicmp(p, var, var_len) == 0) continue;
      memcpy(out, p, n * sizeof *out);
      out += n;
    }
    if (extra) {
      memcpy(out, extra, extra_len * sizeof *out);
      out += extra_len;
    }
    *out++ = L'\0';
    if (out == block + 1) *out = L'\0'; /* an empty block is two NULs */
  }
  if (!given) FreeEnvironmentStringsW(ours);
  return block;
}

static int wide(const char *s, wchar_t **out) {
  *out = NULL;
  return s ? kobjns__utf16("", s, strlen(s), out) : 0;
}

int kobjns__os_process_spawn(const kobjns__spawn_args *a, kobjns__object *process,
                             kobjns__object *thread, uint32_t *pid, uint32_t *tid) {
  const kobjns_process_start *s = a->start;
  wchar_t *app = NULL, *line = NULL, *dir = NULL, *extra = NULL, *env = NULL;
  int rc = wide(s->application, &app);
  if (!rc) rc = wide(s->command_line, &line);
  if (!rc) rc = wide(s->directory, &dir);
  if (!rc) rc = wide(a->env, &extra);
  wchar_t *given = NULL;
  if (!rc && s->environment) {
    size_t len = 0;
    while (s->environment[len] || s->environment[len + 1]) len++;
    rc = kobjns__utf16("", s->environment, len + 2, &given);
  }
  if (!rc && !(env = environment_with(given, extra))) rc = KOBJNS_NOT_ENOUGH_MEMORY;
  free(given);
  if (!rc) {
    STARTUPINFOEXW six = {.StartupInfo.cb = sizeof six};
    STARTUPINFOW si = {.cb = sizeof si};
    PROCESS_INFORMATION pi = {0};
    DWORD flags = CREATE_UNICODE_ENVIRONMENT;
    if (s->flags & KOBJNS_PROCESS_SUSPENDED) flags |= CREATE_SUSPENDED;
    BOOL inherit = s->inherit_handles ? TRUE : FALSE;
    /* Standard streams given: inheritable copies (STARTF_USESTDHANDLES needs them so, and
     * bInheritHandles), the others ours, as the child would have had them. */
    HANDLE copies[3] = {NULL, NULL, NULL};
    bool std_given = a->std[0] || a->std[1] || a->std[2];
    static const DWORD ids[] = {STD_INPUT_HANDLE, STD_OUTPUT_HANDLE, STD_ERROR_HANDLE};
    HANDLE self = GetCurrentProcess();
    for (int i = 0; std_given && i < 3 && !rc; i++) {
      HANDLE from = a->std[i] ? a->std[i]->os.handle : GetStdHandle(ids[i]);
      if (from && from != INVALID_HANDLE_VALUE &&
          !DuplicateHandle(self, from, self, &copies[i], 0, TRUE, DUPLICATE_SAME_ACCESS))
        rc = kobjns__status_from_win32(GetLastError());
    }
    if (std_given) {
      si.dwFlags |= STARTF_USESTDHANDLES;
      si.hStdInput = copies[0];
      si.hStdOutput = copies[1];
      si.hStdError = copies[2];
      inherit = TRUE;
    }
    /* The child inherits exactly the copies made for it (PROC_THREAD_ATTRIBUTE_HANDLE_LIST): a
     * process started meanwhile by another thread with bInheritHandles gets none of them. */
    HANDLE *listed = rc ? NULL : malloc((a->count + 3) * sizeof *listed);
    size_t n = 0;
    LPPROC_THREAD_ATTRIBUTE_LIST attributes = NULL;
    if (!rc && !listed) rc = KOBJNS_NOT_ENOUGH_MEMORY;
    for (size_t i = 0; !rc && inherit && i < a->count; i++)
      listed[n++] = (HANDLE)(uintptr_t)a->inherited[i].copy;
    for (int i = 0; !rc && i < 3; i++)
      if (copies[i]) listed[n++] = copies[i];
    /* Without standard handles given, the child inherits ours when they are inheritable (a
     * redirected output), as it would without the list. */
    for (int i = 0; !rc && inherit && !std_given && i < 3; i++) {
      HANDLE h = GetStdHandle(ids[i]);
      DWORD handle_flags;
      bool listed_already = false;
      for (size_t k = 0; k < n; k++) listed_already = listed_already || listed[k] == h;
      if (h && h != INVALID_HANDLE_VALUE && !listed_already &&
          GetHandleInformation(h, &handle_flags) && (handle_flags & HANDLE_FLAG_INHERIT))
        listed[n++] = h;
    }
    SIZE_T size = 0;
    if (!rc && n) {
      InitializeProcThreadAttributeList(NULL, 1, 0, &size);
      attributes = malloc(size);
      bool made = attributes && InitializeProcThreadAttributeList(attributes, 1, 0, &size);
      if (made && UpdateProcThreadAttribute(attributes, 0, PROC_THREAD_ATTRIBUTE_HANDLE_LIST,
                                            listed, n * sizeof *listed, NULL, NULL)) {
        six.StartupInfo = si;
        six.StartupInfo.cb = sizeof six;
        six.lpAttributeList = attributes;
        flags |= EXTENDED_STARTUPINFO_PRESENT;
      } else { /* without the list: every inheritable handle, as before Vista */
        if (made) DeleteProcThreadAttributeList(attributes);
        free(attributes);
        attributes = NULL;
      }
    }
    if (!n) inherit = FALSE; /* nothing to pass on */
    if (rc) {
      /* a copy failed: nothing started */
    } else if (CreateProcessW(app, line, NULL, NULL, inherit, flags, env, dir,
                              attributes ? &six.StartupInfo : &si, &pi)) {
      process->os.handle = pi.hProcess;
      thread->os.handle = pi.hThread;
      *pid = pi.dwProcessId;
      *tid = pi.dwThreadId;
    } else {
      DWORD error = GetLastError();
      rc = error == ERROR_PATH_NOT_FOUND && s->directory ? KOBJNS_DIRECTORY
                                                         : kobjns__status_from_win32(error);
    }
    for (int i = 0; i < 3; i++)
      if (copies[i]) CloseHandle(copies[i]);
    if (attributes) {
      DeleteProcThreadAttributeList(attributes);
      free(attributes);
    }
    free(listed);
  }
  free(app);
  free(line);
  free(dir);
  free(extra);
  free(env);
  return rc;
}

int kobjns__os_process_open(uint32_t pid, unsigned access, kobjns__object *o) {
  HANDLE h = OpenProcess(access, FALSE, pid);
  if (!h) return kobjns__status_from_win32(GetLastError());
  o->os.handle = h;
  return 0;
}

int kobjns__os_process_query(kobjns__object *o, uint32_t *exit_code, uint32_t *pid) {
  DWORD code;
  *pid = GetProcessId(o->os.handle);
  if (!GetExitCodeProcess(o->os.handle, &code)) return kobjns__status_from_win32(GetLastError());
  *exit_code = code;
  return 0;
}

int kobjns__os_process_terminate(kobjns__object *o, uint32_t code) {
  return TerminateProcess(o->os.handle, code) ? 0 : kobjns__status_from_win32(GetLastError());
}

uint32_t kobjns__os_current_process_id(void) { return GetCurrentProcessId(); }

/* NtQueryInformationProcess's ProcessBasicInformation: the parent's id is its last-but-one
 * field (InheritedFromUniqueProcessId). */
typedef LONG(NTAPI *query_process_fn)(HANDLE, int, void *, ULONG, ULONG *);
typedef struct basic_information {
  LONG exit_status;
  void *peb;
  ULONG_PTR affinity;
  LONG base_priority;
  ULONG_PTR unique_process_id;
  ULONG_PTR inherited_from;
} basic_information;

uint32_t kobjns__os_parent_process_id(void) {
  FARPROC p = GetProcAddress(GetModuleHandleW(L"ntdll.dll"), "NtQueryInformationProcess");
  if (!p) return 0;
  query_process_fn query;
  memcpy(&query, &p, sizeof query);
  basic_information info;
  if (query(GetCurrentProcess(), 0, &info, sizeof info, NULL) != 0) return 0;
  return (uint32_t)info.inherited_from;
}

bool kobjns__os_inherit_handed(uint64_t copy) {
  DWORD flags;
  return GetHandleInformation((HANDLE)(uintptr_t)copy, &flags) && (flags & HANDLE_FLAG_INHERIT);
}

char *kobjns__os_inherited_take(void) {
  wchar_t buf[32767];
  DWORD n = GetEnvironmentVariableW(L"KOBJNS_INHERITED", buf, sizeof buf / sizeof buf[0]);
  if (!n || n >= sizeof buf / sizeof buf[0]) return NULL;
  SetEnvironmentVariableW(L"KOBJNS_INHERITED", NULL); /* for this process alone */
  int bytes = WideCharToMultiByte(CP_UTF8, 0, buf, -1, NULL, 0, NULL, NULL);
  char *out = bytes > 0 ? malloc((size_t)bytes) : NULL;
  if (out && WideCharToMultiByte(CP_UTF8, 0, buf, -1, out, bytes, NULL, NULL) != bytes) {
    free(out);
    out = NULL;
  }
  return out;
}
