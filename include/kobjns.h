/* kobjns — Windows kernel-object namespaces for named shared memory, on Windows and POSIX.
 *
 * One portable API: names are resolved exactly as Windows resolves Win32 object names
 * (Local\, Global\, Session\<N>\, Session 0 isolation), sections carry a security descriptor
 * written in SDDL, and every failure is the Win32 error number it stands for.
 *
 * This header includes no OS header; all types are opaque. */
#ifndef KOBJNS_H
#define KOBJNS_H

#include <stddef.h>
#include <stdint.h>

#include "kobjns-version.h" /* KOBJNS_VERSION_MAJOR ... KOBJNS_VERSION_CHECK (generated) */

#ifdef __cplusplus
extern "C" {
#endif

/* Windows: a program that links the DLL imports each function; one that links the static
 * library defines KOBJNS_STATIC (`pkg-config --static --cflags kobjns` and the Meson dependency
 * of a static-only build give it). The library itself is compiled with KOBJNS_BUILDING_DLL, its
 * objects without dllexport (the DLL's exports are listed in a .def file), so that the static
 * library exports nothing from a program. Elsewhere the two macros change nothing. */
#if defined(_WIN32) || defined(__CYGWIN__)
#if defined(KOBJNS_STATIC) || defined(KOBJNS_BUILDING_DLL)
#define KOBJNS_API
#else
#define KOBJNS_API __declspec(dllimport)
#endif
#elif defined(__GNUC__) && __GNUC__ >= 4
#define KOBJNS_API __attribute__((visibility("default")))
#else
#define KOBJNS_API
#endif

/* Marks an entry point kept for compatibility: it still works; its comment names what replaces
 * it. Define KOBJNS_NO_DEPRECATION_WARNINGS before including this header to silence the warning. */
#if defined(KOBJNS_NO_DEPRECATION_WARNINGS)
#define KOBJNS_DEPRECATED(replacement)
#elif defined(__GNUC__) || defined(__clang__)
#define KOBJNS_DEPRECATED(replacement) __attribute__((deprecated("use " replacement)))
#else
#define KOBJNS_DEPRECATED(replacement)
#endif

/* The library's version at run time (kobjns-version.h has the headers'): KOBJNS_VERSION's
 * encoding, (major << 16) | (minor << 8) | patch, and "major.minor.patch". */
KOBJNS_API uint32_t kobjns_version(void);
KOBJNS_API const char *kobjns_version_string(void);

/* Statuses. Each value is the Win32 error code it stands for, on every platform.
 * X(name, value, message); kobjns_status_name() and kobjns_strerror() read the same table. */
#define KOBJNS_STATUS_MAP(X)                                                                       \
  X(SUCCESS, 0, "the operation completed successfully")                                            \
  X(INVALID_FUNCTION, 1, "the handle's file cannot do this (a pipe or a terminal has no size)")    \
  X(FILE_NOT_FOUND, 2,                                                                             \
    "no object of that name exists in the namespace the name resolves to (or no such program)")    \
  X(PATH_NOT_FOUND, 3,                                                                             \
    "a directory or link in the name does not exist (unknown keyword, "                            \
    "missing session, or a '\\' inside the object name)")                                          \
  X(TOO_MANY_OPEN_FILES, 4, "the process has run out of file descriptors or handles")              \
  X(ACCESS_DENIED, 5,                                                                              \
    "denied by the object's security descriptor, by a missing privilege, "                         \
    "by the section's protection or by the operating system")                                      \
  X(INVALID_HANDLE, 6,                                                                             \
    "the name is a namespace link or directory, or is held by another object "                     \
    "type, or the handle is not valid")                                                            \
  X(NOT_ENOUGH_MEMORY, 8, "not enough memory")                                                     \
  X(GEN_FAILURE, 31, "the thread has ended: nothing can be queued to it")                          \
  X(SHARING_VIOLATION, 32,                                                                         \
    "another open of the file does not share the access asked for, or asks for access this open "  \
    "does not share")                                                                              \
  X(NOT_SUPPORTED, 50, "not supported on this platform")                                           \
  X(FILE_EXISTS, 80, "the file or object exists (a create that must make a new one: CREATE_NEW)")  \
  X(DISK_FULL, 112, "there is not enough space on the disk")                                       \
  X(NEGATIVE_SEEK, 131, "the file pointer would move before the start of the file")                \
  X(INVALID_PARAMETER, 87, "an argument is invalid (NULL, unknown flags, size 0, bad offset)")     \
  X(INSUFFICIENT_BUFFER, 122, "the buffer is too small; the length needed was stored")             \
  X(INVALID_NAME, 123, "the name has an empty component (for example \"Global\\\" or \"a\\\\b\")") \
  X(BAD_PATHNAME, 161, "the name starts with '\\'; object names are relative to a namespace")      \
  X(BUSY, 170, "the object is changing under heavy contention; try again")                         \
  X(ALREADY_EXISTS, 183, "the object already existed: the handle refers to it")                    \
  X(BAD_EXE_FORMAT, 193, "the program's file is not one this system can run")                      \
  X(FILENAME_EXCED_RANGE, 206, "the name is longer than 32766 UTF-16 code units")                  \
  X(BROKEN_PIPE, 109, "the pipe's other end is closed: nothing more can be read")                  \
  X(WAIT_TIMEOUT, 258, "the wait timed out: nothing was acquired")                                 \
  X(DIRECTORY, 267, "the directory name is not valid (no such directory)")                         \
  X(NO_DATA, 232, "the pipe is being closed: nobody reads its other end")                          \
  X(NOT_OWNER, 288, "the calling thread does not own the mutex")                                   \
  X(TOO_MANY_POSTS, 298, "the release would take the semaphore past its maximum count")            \
  X(INVALID_ADDRESS, 487, "the address is not the start of a mapped view")                         \
  X(ARITHMETIC_OVERFLOW, 534, "the size or offset is too large")                                   \
  X(MUTANT_LIMIT_EXCEEDED, 587, "the mutex has been acquired recursively too many times")          \
  X(USER_APC, 737,                                                                                 \
    "an alertable wait ended to run the calls queued to the thread (WAIT_IO_COMPLETION)")          \
  X(ABANDONED_WAIT_0, 735,                                                                         \
    "the wait acquired a mutex whose owner ended without releasing it (abandoned): the caller "    \
    "owns it now, and what it protects may be inconsistent")                                       \
  X(POSSIBLE_DEADLOCK, 1131,                                                                       \
    "the calling thread is inside an operation on this object already (a signal handler "          \
    "interrupted it there): the call would deadlock")                                              \
  X(MAPPED_ALIGNMENT, 1132,                                                                        \
    "the view offset is not a multiple of the allocation granularity "                             \
    "(65536)")                                                                                     \
  X(NO_UNICODE_TRANSLATION, 1113, "the name is not valid UTF-8")                                   \
  X(FILE_INVALID, 1006, "the file is empty: a mapping of it needs a size")                         \
  X(USER_MAPPED_FILE, 1224, "the file has a mapped section: it cannot be made shorter")            \
  X(PRIVILEGE_NOT_HELD, 1314, "the caller lacks the privilege this needs")                         \
  X(INVALID_ACL, 1336,                                                                             \
    "the security descriptor's DACL is malformed or uses an unsupported "                          \
    "ACE")                                                                                         \
  X(INVALID_SID, 1337, "the security descriptor names a SID that is malformed or not supported")   \
  X(INTERNAL_ERROR, 1359, "an unexpected operating-system error")                                  \
  X(FILE_CORRUPT, 1392, "the object's header is corrupt or was not written by kobjns")             \
  X(CANT_RESOLVE_FILENAME, 1921, "the path has too many symbolic links (a loop)")                  \
  X(NO_SYSTEM_RESOURCES, 1450, "the system refused a thread (its limit of threads, or memory)")    \
  X(COMMITMENT_LIMIT, 1455, "not enough shared memory (on POSIX: /dev/shm is full)")               \
  X(TIMEOUT, 1460,                                                                                 \
    "another process keeps the object's internal lock (it is stopped, or the object was "          \
    "tampered with): nothing changed")

typedef enum kobjns_status {
#define KOBJNS_STATUS_ENUM_(name, value, message) KOBJNS_##name = value,
  KOBJNS_STATUS_MAP(KOBJNS_STATUS_ENUM_)
#undef KOBJNS_STATUS_ENUM_
      KOBJNS_OK = KOBJNS_SUCCESS
} kobjns_status;

/* Successes and failures. Three statuses are successes, and only these: 0; 183
 * (KOBJNS_ALREADY_EXISTS: a create, or kobjns_file_open with OPEN_ALWAYS or CREATE_ALWAYS,
 * found the object and opened it: the handle in *out is valid and must be closed); 735
 * (KOBJNS_ABANDONED_WAIT_0: a wait acquired a mutex whose owner died: the caller owns it and must
 * release it). Every other status is a failure that handed the caller nothing to release:
 * no handle, no ownership, no count (258, a wait's time-out, and 737, an alertable wait ended by
 * queued calls, included). So the safe idiom is
 *
 *     int rc = kobjns_mutex_create(ctx, name, 0, sddl, &m);
 *     if (KOBJNS_FAILED(rc)) return rc;    (never `if (rc) return rc;`, which leaks on 183)
 *
 * and a create that must make a new object passes KOBJNS_CREATE_NEW to its _ex form: then an
 * existing object is the failure 80 (KOBJNS_FILE_EXISTS), with no handle. The argument is
 * evaluated once. */
static inline int kobjns_status_succeeded(int status) {
  return status == KOBJNS_SUCCESS || status == KOBJNS_ALREADY_EXISTS ||
         status == KOBJNS_ABANDONED_WAIT_0;
}
#define KOBJNS_SUCCEEDED(status) (kobjns_status_succeeded(status))
#define KOBJNS_FAILED(status) (!kobjns_status_succeeded(status))

/* The creates' flags (kobjns_section_create_ex, kobjns_mutex_create_ex, ...; other bits: 87).
 * KOBJNS_CREATE_NEW: make a new object or fail: when the name is held by a live object of the
 * same type, the create fails with 80 (KOBJNS_FILE_EXISTS), *out NULL, nothing opened (whether
 * the caller could have opened it or not); another type holding the name is 6, as without the
 * flag. It is CreateFile's CREATE_NEW, the same value as kobjns_file_open's disposition. */
#define KOBJNS_CREATE_NEW 1u

/* Access rights: the values of Win32's FILE_MAP_* / SECTION_* / GENERIC_* rights. */
#define KOBJNS_MAP_COPY 0x0001u  /* copy-on-write view (needs read access) */
#define KOBJNS_MAP_WRITE 0x0002u /* SECTION_MAP_WRITE */
#define KOBJNS_MAP_READ 0x0004u  /* SECTION_MAP_READ */
#define KOBJNS_MAP_EXECUTE 0x0020u
#define KOBJNS_MAP_ALL_ACCESS 0xF001Fu
#define KOBJNS_GENERIC_READ 0x80000000u
#define KOBJNS_GENERIC_WRITE 0x40000000u
#define KOBJNS_GENERIC_EXECUTE 0x20000000u
#define KOBJNS_GENERIC_ALL 0x10000000u
/* An open's access (every kobjns_*_open): whatever rights of the type the object's descriptor
 * grants the caller, as Windows' MAXIMUM_ALLOWED; any other bits asked with it must be granted
 * too. 5 when it grants none. A create takes no such bit (87). */
#define KOBJNS_MAXIMUM_ALLOWED 0x02000000u

/* Privileges a context may hold. */
#define KOBJNS_PRIV_CREATE_GLOBAL 0x1u /* SeCreateGlobalPrivilege */

/* Views must start at a multiple of this (Windows' allocation granularity), on every platform. */
#define KOBJNS_VIEW_ALIGNMENT 65536u

/* The longest name accepted, in UTF-16 code units (Windows' limit). */
#define KOBJNS_NAME_MAX_UTF16 32766u

/* Rights on mutexes, events and semaphores: Win32's values. */
#define KOBJNS_SYNCHRONIZE 0x00100000u /* wait on it */
#define KOBJNS_MUTEX_ALL_ACCESS 0x001F0001u
#define KOBJNS_EVENT_MODIFY_STATE 0x0002u /* set and reset */
#define KOBJNS_EVENT_ALL_ACCESS 0x001F0003u
#define KOBJNS_SEMAPHORE_MODIFY_STATE 0x0002u /* release */
#define KOBJNS_SEMAPHORE_ALL_ACCESS 0x001F0003u
#define KOBJNS_THREAD_TERMINATE 0x0001u         /* kobjns_thread_terminate */
#define KOBJNS_THREAD_SUSPEND_RESUME 0x0002u    /* resume */
#define KOBJNS_THREAD_SET_CONTEXT 0x0010u       /* queue calls to it (kobjns_apc_queue) */
#define KOBJNS_THREAD_QUERY_INFORMATION 0x0040u /* its exit code and id */
#define KOBJNS_THREAD_QUERY_LIMITED_INFORMATION 0x0800u
#define KOBJNS_THREAD_ALL_ACCESS 0x001FFFFFu
#define KOBJNS_TIMER_QUERY_STATE 0x0001u
#define KOBJNS_TIMER_MODIFY_STATE 0x0002u /* set and cancel */
#define KOBJNS_TIMER_ALL_ACCESS 0x001F0003u

/* Waits: no time limit; the most objects one wait takes (Windows' MAXIMUM_WAIT_OBJECTS). */
#define KOBJNS_INFINITE 0xFFFFFFFFu
#define KOBJNS_MAXIMUM_WAIT_OBJECTS 64u

/* Object types. One table in the library (src/type.c) gives each its name, rights and generic
 * mapping; every layer reads it. Values are stable (stored in POSIX object headers). The last
 * four are what inspection can meet besides objects. */
typedef enum kobjns_type {
  KOBJNS_TYPE_NONE = 0,      /* not a live handle, or not known */
  KOBJNS_TYPE_SECTION = 1,   /* "Section" */
  KOBJNS_TYPE_MUTEX = 2,     /* "Mutex" */
  KOBJNS_TYPE_EVENT = 3,     /* "Event" */
  KOBJNS_TYPE_SEMAPHORE = 4, /* "Semaphore" */
  KOBJNS_TYPE_SESSION = 5,   /* "Session": what keeps a session in existence */
  KOBJNS_TYPE_OBJECT = 6,    /* "Object": a kobjns object whose header the caller may not read */
  KOBJNS_TYPE_UNKNOWN = 7,   /* "Unknown": a file under kobjns's names that is not its object */
  KOBJNS_TYPE_TEMPORARY = 8, /* "Temporary": a dead creator's unfinished file */
  KOBJNS_TYPE_THREAD = 9,    /* "Thread": a thread started by kobjns_thread_create (unnamed) */
  KOBJNS_TYPE_TIMER = 10,    /* "Timer": a waitable timer */
  KOBJNS_TYPE_PROCESS = 11,  /* "Process": a process started or opened by kobjns (unnamed) */
  KOBJNS_TYPE_FILE = 12,     /* "File": a standard stream or a pipe's end (unnamed) */
  KOBJNS_TYPE_DIRECTORY = 13 /* "Directory": a private namespace (kobjns_namespace_create) */
} kobjns_type;

typedef struct kobjns_ctx kobjns_ctx;           /* who is asking: session, privileges, user */
typedef struct kobjns_section kobjns_section;   /* one open handle to a section */
typedef struct kobjns_sync kobjns_sync;         /* one open handle to a mutex, event or semaphore */
typedef struct kobjns_boundary kobjns_boundary; /* who may create a private namespace */
typedef struct kobjns_namespace kobjns_namespace; /* one open handle to a private namespace */

/* --- contexts ---------------------------------------------------------------------------
 * A NULL context everywhere means "this process as it is": the session from KOBJNS_SESSION or
 * the login session (0 outside any), SeCreateGlobalPrivilege when in session 0 or root, the tree
 * of names of KOBJNS_ROOT (default "default"); the environment is read once, by the first call
 * that needs it.
 * On Windows: the session Windows gave the process (KOBJNS_SESSION naming another one makes
 * every call 50), and the privilege when the process token holds it.
 * An explicit context starts as that same identity and can be changed.
 *
 * Threads: a context may be passed to any number of calls in any threads at once (they only
 * read it: every function that takes a `const kobjns_ctx *`). kobjns_ctx_set_session(),
 * _set_privilege(), _set_user(), _set_root() and kobjns_ctx_free() change it: each must not run
 * while another call uses the same context, as for any object a program changes (give each
 * thread that changes identity a context of its own). A dropped privilege stays dropped when the
 * session or user changes; only _set_privilege() grants it again.
 * Each function below says which threads may call it; "any thread" means any number of threads
 * at once, with the same arguments too. */
/* Threads: any thread. */
KOBJNS_API int kobjns_ctx_new(kobjns_ctx **out);
/* Put the context in session `session` (0 = services). Not supported (50) on Windows except
 * for the real session. Registers the session as existing while the context lives.
 * Threads: not while another call uses `ctx`. */
KOBJNS_API int kobjns_ctx_set_session(kobjns_ctx *ctx, uint32_t session);
/* Drop a privilege, or grant one the context's identity holds by default: root, or a context
 * in session 0 (else 1314). Sessions are a model: see docs/sessions.md.
 * Threads: not while another call uses `ctx`. */
KOBJNS_API int kobjns_ctx_set_privilege(kobjns_ctx *ctx, unsigned privilege, int enabled);
/* Act as another user (uid on POSIX) for ownership and security checks. Root only (1314);
 * 50 on Windows. Acting as a non-root user also drops root's administrator rights.
 * Threads: not while another call uses `ctx`. */
KOBJNS_API int kobjns_ctx_set_user(kobjns_ctx *ctx, uint32_t uid);
/* Give the context its own tree of names, as KOBJNS_ROOT gives one to a process: `root` matches
 * [A-Za-z0-9_-]{1,32} (else 87, nothing changed). Every call made with the context (creates,
 * opens, name resolution and session existence, kobjns_object_list_ex, kobjns_cleanup_ex) sees
 * that tree only: two contexts of different roots never see each other's objects, whatever the
 * names. The context's session membership moves to the new tree (as kobjns_ctx_set_session
 * moves it: a failure changes nothing). A handle keeps the tree it was made in. POSIX only: 50 on
 * Windows, where names live in the kernel's one namespace. 0; 87; 50; 4, 8, 170 as
 * kobjns_ctx_set_session. Threads: not while another call uses `ctx`. */
KOBJNS_API int kobjns_ctx_set_root(kobjns_ctx *ctx, const char *root);
/* The context's session (NULL: this process's). 0; 87 (`session` NULL); the process context's
 * status for NULL (87 for a bad KOBJNS_SESSION or KOBJNS_ROOT). Threads: any thread. */
KOBJNS_API int kobjns_ctx_session(const kobjns_ctx *ctx, uint32_t *session);
/* Whether the context (NULL: this process) holds `privilege`: *held 0 or 1. 0; 87. Threads: any
 * thread. */
KOBJNS_API int kobjns_ctx_has_privilege(const kobjns_ctx *ctx, unsigned privilege, int *held);
/* Threads: not while another call uses `ctx`; never twice. */
KOBJNS_API void kobjns_ctx_free(kobjns_ctx *ctx);

/* Deprecated: kobjns_ctx_session(), which now takes NULL for this process, does the same. */
KOBJNS_DEPRECATED("kobjns_ctx_session")
KOBJNS_API int kobjns_session_id(const kobjns_ctx *ctx, uint32_t *session);

/* --- sections ----------------------------------------------------------------------------
 * Threads: every function of this part may be called from any thread, with the same handle in
 * several threads at once too (a handle closed by one thread stays valid for the calls already
 * in progress in others), except where a function says otherwise. */

/* Create the section `name` (UTF-8, resolved as Windows resolves object names; "" or NULL
 * creates an unnamed section, as in Win32) of `size` bytes, or open it if it exists: then 183 is
 * returned with a valid *out (a success: KOBJNS_SUCCEEDED) and the size argument is ignored;
 * with KOBJNS_CREATE_NEW (kobjns_section_create_ex) it is 80 instead, and no handle. `access`
 * without a write right (KOBJNS_MAP_WRITE, GENERIC_WRITE, GENERIC_ALL) makes a read-only section;
 * with KOBJNS_MAP_EXECUTE, one whose views may be executable (an execute protection). `sddl` NULL =
 * the default descriptor (creator, SYSTEM, administrators). */
KOBJNS_API int kobjns_section_create(const kobjns_ctx *ctx, const char *name, uint64_t size,
                                     unsigned access, const char *sddl, kobjns_section **out);
/* kobjns_section_create with the creates' flags (KOBJNS_CREATE_NEW: 80 when the name exists).
 * Every kobjns_*_create is its _ex form with flags 0. Threads (every create and open): any
 * thread. */
KOBJNS_API int kobjns_section_create_ex(const kobjns_ctx *ctx, const char *name, uint64_t size,
                                        unsigned access, const char *sddl, unsigned flags,
                                        kobjns_section **out);
/* Open the existing section `name` for `access`, checked against its descriptor. */
KOBJNS_API int kobjns_section_open(const kobjns_ctx *ctx, const char *name, unsigned access,
                                   kobjns_section **out);
/* A section of the file `file` (a handle of kobjns_file_open), named or not, as CreateFileMapping
 * makes one of a file handle: `access` as for kobjns_section_create (the protection), which the
 * file's handle must cover (read: KOBJNS_FILE_READ; write: KOBJNS_FILE_WRITE too; execute:
 * KOBJNS_FILE_EXECUTE too; else 5). `size` 0 is the file's size (1006 for an empty file); a
 * larger size extends the file when the section is writable, else it is 8. The size is kept to
 * the byte (not rounded to pages). Views see the file, and writes through them reach it (the
 * system writes them back; kobjns_view_flush at once). Another process opens it by name
 * (kobjns_section_open) if it may open the file itself (POSIX: the file by its path, checked to
 * be the same file; a file renamed or removed since is 2; the file's mode bits refusing is 5).
 * An existing name: 183 with that section, as kobjns_section_create. */
KOBJNS_API int kobjns_section_create_from_file(const kobjns_ctx *ctx, const char *name, void *file,
                                               uint64_t size, unsigned access, const char *sddl,
                                               kobjns_section **out);
KOBJNS_API int kobjns_section_create_from_file_ex(const kobjns_ctx *ctx, const char *name,
                                                  void *file, uint64_t size, unsigned access,
                                                  const char *sddl, unsigned flags,
                                                  kobjns_section **out);
/* Map a view, the one MapViewOfFile maps for `access` (any bits of KOBJNS_MAP_ALL_ACCESS,
 * KOBJNS_MAP_COPY and KOBJNS_MAP_EXECUTE, else 87): KOBJNS_MAP_COPY alone a private
 * copy-on-write view (combined with other rights it is ignored); a write right a read/write
 * view; a read right a read-only view; anything else a view without access. KOBJNS_MAP_EXECUTE
 * with a read or write right makes it executable: 5 unless the section was created with
 * KOBJNS_MAP_EXECUTE and the handle has an execute right. `offset` a multiple of
 * KOBJNS_VIEW_ALIGNMENT; `length` 0 maps to the end of the section. A view outlives its handle
 * and the name. */
KOBJNS_API int kobjns_section_map(kobjns_section *s, unsigned access, uint64_t offset,
                                  size_t length, void **addr);
/* kobjns_section_map() at exactly `base` (a multiple of KOBJNS_VIEW_ALIGNMENT, else 1132); 487
 * when anything is mapped in that range already (nothing there is replaced). NULL: anywhere. */
KOBJNS_API int kobjns_section_map_at(kobjns_section *s, unsigned access, uint64_t offset,
                                     size_t length, void *base, void **addr);
/* Unmap a view of this process. Threads: any thread, but no thread may use the view once it is
 * unmapped (as for munmap and UnmapViewOfFile). */
KOBJNS_API int kobjns_unmap(void *addr);
/* Write the pages of [addr, addr + length) of a view to its section's file (FlushViewOfFile;
 * length 0: to the view's end); nothing to do for a section in memory. 0; 487 (not in a view). */
KOBJNS_API int kobjns_view_flush(const void *addr, size_t length);
/* A view of this process, as kobjns_view_query() describes it. */
typedef struct kobjns_view_info {
  void *base;      /* its first byte: what kobjns_unmap() takes */
  size_t length;   /* its length, in whole pages */
  unsigned access; /* the view mapped: KOBJNS_MAP_READ (read-only), KOBJNS_MAP_READ |
                    * KOBJNS_MAP_WRITE (read/write, shared), KOBJNS_MAP_COPY (copy-on-write) or 0
                    * (no access), with KOBJNS_MAP_EXECUTE when executable */
  unsigned flags;  /* KOBJNS_VIEW_OF_FILE: a view of a section of a file */
} kobjns_view_info;
#define KOBJNS_VIEW_OF_FILE 0x1u
/* The view holding `addr` (any byte of it): 0 and *info; 487 when no view holds it (NULL
 * included); 87 for `info` NULL. On POSIX the views kobjns mapped; on Windows any view of the
 * process (VirtualQuery's MEM_MAPPED). For VirtualQuery and VirtualProtect on views. */
KOBJNS_API int kobjns_view_query(const void *addr, kobjns_view_info *info);
/* Copy-on-write in a shared view (VirtualProtect's PAGE_WRITECOPY there): with `enable`, the
 * pages [addr, addr + length) (page-aligned, in one view) stay the section's until written, and
 * a written page becomes a private copy of this process; without it, pages not written since go
 * back to being the section's own (shared), and copies stay private. A copy-on-write view
 * (KOBJNS_MAP_COPY) is so already. The pages' protection is then the caller's to set (POSIX:
 * they are remapped readable, and writable where the view or the copy allows). 0; 487 (not whole
 * pages of one view); 50 (POSIX: the view's file is reopened through a handle of its section, and
 * this process has none left, or the system cannot reopen it or tell copies apart); 8. */
KOBJNS_API int kobjns_view_copy_on_write(void *addr, size_t length, int enable);
/* Threads (kobjns_view_copy_on_write): any thread; calls on the same pages at once leave them as
 * the last one says. */
/* Which pages of [addr, addr + length) (page-aligned, in one view) are private copies (written
 * since they became copy-on-write): copied[i] 1 or 0 for page i. 0; 87 (copied NULL); 487; 50. */
KOBJNS_API int kobjns_view_copied(const void *addr, size_t length, unsigned char *copied);
/* Close the handle; the name disappears when its last handle (in any process) closes.
 * Handles are checked, as Windows checks HANDLEs: after its close (a second close included) a
 * handle is answered with 6 by every function, and a call in progress in another thread when
 * the handle is closed completes normally. As on Windows, a closed handle's value may later be
 * issued again for a new section. Views stay valid until unmapped. */
KOBJNS_API int kobjns_section_close(kobjns_section *s);
/* The getters of every handle type (kobjns_section_size, _access, kobjns_sync_access,
 * kobjns_thread_exit_code, _id, kobjns_process_exit_code, _id, kobjns_handle_type, _flags,
 * kobjns_file_size) answer a dead handle (closed, of another type, or a value never issued,
 * NULL included) alike: 6, with their output cleared (0, KOBJNS_TYPE_NONE); 87 first for a NULL
 * output. The string getters (kobjns_section_path, kobjns_sync_type, _path) answer "" (never
 * NULL). */
/* The section's size: whole 4096-byte pages on every platform, as Windows keeps pagefile-backed
 * sections (created with 4000 -> 4096). */
KOBJNS_API int kobjns_section_size(const kobjns_section *s, uint64_t *size);
/* The granted access of a handle (after generic rights are mapped). */
KOBJNS_API int kobjns_section_access(const kobjns_section *s, unsigned *access);
/* The canonical path of an open section; "" for an unnamed one. Valid while the handle is. */
KOBJNS_API const char *kobjns_section_path(const kobjns_section *s);

/* --- mutexes, events and semaphores -----------------------------------------------------------
 * Named like sections and in the same namespaces: one name is one object of one type (a name
 * another type holds -> 6, for create and open), with the same lifetime (the name goes with the
 * last handle, also when holders die) and descriptors (GR, GW, GX, GA stand for the type's
 * rights, as on Windows). Unlike a section's, their creation in Global\ needs no privilege (as on
 * Windows: SeCreateGlobalPrivilege is for file mappings). Creating an existing object of the same
 * type opens it with the type's ALL_ACCESS (checked against its descriptor) and returns 183, a
 * success with a handle to close; the other arguments are then ignored. With KOBJNS_CREATE_NEW
 * (the _ex forms) an existing object is 80 instead, with no handle. "" or NULL creates an unnamed
 * object. Handles are checked like sections'.
 * Threads: any thread, with the same handle in several threads at once too, for every function
 * of this part; kobjns_mutex_release acts for the calling thread (the mutex's owner), as a wait
 * that acquires a mutex makes the calling thread its owner. */

/* A mutex: owned by one thread at a time, recursively (each wait that acquires it needs one
 * release). `initial_owner`: the calling thread owns the new mutex. If its owner thread or
 * process ends without releasing it (even killed), the next wait acquires it and returns 735. */
KOBJNS_API int kobjns_mutex_create(const kobjns_ctx *ctx, const char *name, int initial_owner,
                                   const char *sddl, kobjns_sync **out);
KOBJNS_API int kobjns_mutex_create_ex(const kobjns_ctx *ctx, const char *name, int initial_owner,
                                      const char *sddl, unsigned flags, kobjns_sync **out);
KOBJNS_API int kobjns_mutex_open(const kobjns_ctx *ctx, const char *name, unsigned access,
                                 kobjns_sync **out);
/* Release one level of ownership: 0, or 288 when the calling thread does not own it.
 * The calls that change a mutex, event or semaphore answer 1460 (POSIX; nothing changed, a mutex
 * stays the caller's) when another process keeps the object's internal lock for a second (it is
 * stopped, or tampered with the object), and 1131 when the calling thread is inside a change of
 * that object already (a signal handler interrupted it there). */
KOBJNS_API int kobjns_mutex_release(kobjns_sync *mutex);

/* An event: manual reset (stays signaled, releasing every waiter, until reset) or automatic
 * (a wait that succeeds resets it: one waiter per set). */
KOBJNS_API int kobjns_event_create(const kobjns_ctx *ctx, const char *name, int manual_reset,
                                   int initial_state, const char *sddl, kobjns_sync **out);
KOBJNS_API int kobjns_event_create_ex(const kobjns_ctx *ctx, const char *name, int manual_reset,
                                      int initial_state, const char *sddl, unsigned flags,
                                      kobjns_sync **out);
KOBJNS_API int kobjns_event_open(const kobjns_ctx *ctx, const char *name, unsigned access,
                                 kobjns_sync **out);
/* Signal / reset: need KOBJNS_EVENT_MODIFY_STATE (else 5). */
KOBJNS_API int kobjns_event_set(kobjns_sync *event);
KOBJNS_API int kobjns_event_reset(kobjns_sync *event);
/* PulseEvent: release the threads waiting now (automatic reset: the first one) and leave the
 * event reset, whatever its state was. Needs KOBJNS_EVENT_MODIFY_STATE (else 5). */
KOBJNS_API int kobjns_event_pulse(kobjns_sync *event);

/* A semaphore: a count between 0 and `maximum` (1 ... INT32_MAX); a wait that succeeds takes
 * one. 0 <= initial <= maximum, else 87. */
KOBJNS_API int kobjns_semaphore_create(const kobjns_ctx *ctx, const char *name, int32_t initial,
                                       int32_t maximum, const char *sddl, kobjns_sync **out);
KOBJNS_API int kobjns_semaphore_create_ex(const kobjns_ctx *ctx, const char *name, int32_t initial,
                                          int32_t maximum, const char *sddl, unsigned flags,
                                          kobjns_sync **out);
KOBJNS_API int kobjns_semaphore_open(const kobjns_ctx *ctx, const char *name, unsigned access,
                                     kobjns_sync **out);
/* Add `count` (> 0, else 87); 298 and no change when that would pass the maximum. Needs
 * KOBJNS_SEMAPHORE_MODIFY_STATE. *previous (may be NULL) gets the count before. */
KOBJNS_API int kobjns_semaphore_release(kobjns_sync *semaphore, int32_t count, int32_t *previous);

/* A waitable timer: not signaled until set and due; then a manual-reset timer stays signaled
 * (every waiter released) until set again, and a synchronization timer (manual_reset 0)
 * releases one waiter per expiry and resets. Same names, namespaces and descriptors as the
 * other types (a name held by another type: 6). */
KOBJNS_API int kobjns_timer_create(const kobjns_ctx *ctx, const char *name, int manual_reset,
                                   const char *sddl, kobjns_sync **out);
KOBJNS_API int kobjns_timer_create_ex(const kobjns_ctx *ctx, const char *name, int manual_reset,
                                      const char *sddl, unsigned flags, kobjns_sync **out);
KOBJNS_API int kobjns_timer_open(const kobjns_ctx *ctx, const char *name, unsigned access,
                                 kobjns_sync **out);
/* A completion routine: runs as a call queued to the thread that set the timer (it runs in that
 * thread's alertable waits), each time the timer is signaled; `signaled_at` is the time it was
 * due, in Windows' FILETIME units (100 ns since 1601-01-01 UTC). */
typedef void (*kobjns_timer_fn)(void *context, uintptr_t arg, uint64_t signaled_at);
/* Set (or set again) the timer: it becomes not signaled, and is signaled at `due`: > 0 an
 * absolute time in FILETIME units (UTC), <= 0 a time from now in 100-ns units (-10000000: one
 * second; 0: now); then every `period_ms` (0: once; < 0: 87). `fn` (may be NULL) with `context`
 * and `arg`: the completion routine. Closing the handle that set a routine stops the timer
 * unless it was set again since (a duplicate made with KOBJNS_DUPLICATE_CLOSE_SOURCE takes the
 * routine along), and so does the end of the thread that set it (docs/api.md).
 * Needs KOBJNS_TIMER_MODIFY_STATE. 0, 5, 6, 8, 87. */
KOBJNS_API int kobjns_timer_set(kobjns_sync *timer, int64_t due, int32_t period_ms,
                                kobjns_timer_fn fn, void *context, uintptr_t arg);
/* Stop the timer (its signaled state does not change; a completion routine not yet run does
 * not run). Needs KOBJNS_TIMER_MODIFY_STATE. */
KOBJNS_API int kobjns_timer_cancel(kobjns_sync *timer);

/* Wait until the object is signaled and acquire it (a mutex: own it; an auto-reset event:
 * reset it; a semaphore: take one), for at most `timeout_ms` (0: just try; KOBJNS_INFINITE).
 * Waiters are served in arrival order, and what a release or set hands to a waiter is its: the
 * releaser cannot take it back, and a wait granted before it timed out succeeds.
 * 0; 735 (an abandoned mutex, now owned); 258 (timed out, nothing acquired); 5 without
 * KOBJNS_SYNCHRONIZE (a section's handle never has it); 6 (not a live handle); 1131 as above.
 * Signals do not end a wait early, and nothing another process does makes it outlast
 * `timeout_ms` by more than 20 ms. */
KOBJNS_API int kobjns_wait(kobjns_sync *object, uint32_t timeout_ms);
/* Wait for one of `count` objects (1 ... KOBJNS_MAXIMUM_WAIT_OBJECTS), or with `wait_all` for
 * all of them at once: nothing is acquired until every one can be, atomically. 0 or 735 with
 * *index (may be NULL) the object acquired (wait_all: 0, or the abandoned mutex for 735); for
 * wait-any, the lowest index among those signaled. 258, 5, 6 as kobjns_wait; 87 for a count
 * out of range, or one object twice in a wait_all. */
KOBJNS_API int kobjns_wait_multiple(kobjns_sync *const *objects, size_t count, int wait_all,
                                    uint32_t timeout_ms, size_t *index);
/* kobjns_wait_ex's flags. */
#define KOBJNS_WAIT_ALL 0x1u /* all of the objects at once (kobjns_wait_multiple's wait_all) */
#define KOBJNS_WAIT_ALERTABLE                                                                      \
  0x2u /* the calls queued to the thread end the wait (they run in it) */
/* kobjns_wait_multiple with flags: with KOBJNS_WAIT_ALERTABLE, a wait that acquires nothing at
 * once runs the calls queued to the calling thread (kobjns_apc_queue), all of them in order, as
 * soon as one is queued, and returns 737 (KOBJNS_USER_APC, the facade's WAIT_IO_COMPLETION)
 * instead of waiting on: the objects come first, then the calls, then the time limit. 87 for
 * other flags. */
KOBJNS_API int kobjns_wait_ex(kobjns_sync *const *objects, size_t count, unsigned flags,
                              uint32_t timeout_ms, size_t *index);
/* Signal `signal` and wait for `wait` as one operation (SignalObjectAndWait): a mutex is
 * released, an event set, a semaphore released by one; the wait is queued before the signal is
 * seen by anyone, so what the signal sets off (another thread's set of `wait`, a pulse) cannot
 * pass it by. When the signal fails (288, 298; 5 without the right to signal: MODIFY_STATE for
 * an event or a semaphore; 6 for a handle that cannot be signaled) nothing is acquired and
 * nothing waited for. The same object may be both: it is signaled first, then waited for behind
 * the waiters already there. Then as kobjns_wait_ex (flags: only KOBJNS_WAIT_ALERTABLE). */
KOBJNS_API int kobjns_signal_and_wait(kobjns_sync *signal, kobjns_sync *wait, uint32_t timeout_ms,
                                      unsigned flags);
/* Close the handle (a thread's ownership of a mutex does not end with it). 6 if not live. */
KOBJNS_API int kobjns_sync_close(kobjns_sync *object);
/* The granted access (generic rights mapped), the type ("Mutex", "Event", "Semaphore") and the
 * canonical path ("" when unnamed) of a handle; NULL / "" for one that is not live. */
KOBJNS_API int kobjns_sync_access(const kobjns_sync *object, unsigned *access);
KOBJNS_API const char *kobjns_sync_type(const kobjns_sync *object);
KOBJNS_API const char *kobjns_sync_path(const kobjns_sync *object);

/* --- threads ------------------------------------------------------------------------------
 * Threads: any thread, with the same handle in several threads at once too; kobjns_thread_exit
 * ends the calling thread.
 * A thread started here is a kernel object, as on Windows: its handle (a kobjns_sync of type
 * KOBJNS_TYPE_THREAD, "Thread") is signaled when the thread ends and stays signaled (every wait
 * on it succeeds from then on, alone or with other objects in kobjns_wait_multiple), gives the
 * thread's exit code and id, and may be closed while the thread runs (that does not stop it). A
 * thread that ends owning a mutex abandons it (735 for the next wait). Windows: native threads;
 * POSIX: pthreads, each with an unnamed object whose page the thread signals as it ends. */
typedef uint32_t (*kobjns_thread_fn)(void *arg);
#define KOBJNS_THREAD_SUSPENDED 0x4u /* CREATE_SUSPENDED: runs once resumed */
#define KOBJNS_STILL_ACTIVE 259u     /* the exit code of a thread that runs */

/* Start fn(arg) in a new thread with a stack of at least `stack_size` bytes (0: the system's
 * default); with KOBJNS_THREAD_SUSPENDED it starts only when kobjns_thread_resume takes its
 * suspend count to 0. The handle has KOBJNS_THREAD_ALL_ACCESS; *id (may be NULL) is the thread's
 * id, as kobjns_current_thread_id gives it. 0; 87 (`fn` or `out` NULL, other flags); 8; 1450
 * (the system refused a thread: ERROR_NO_SYSTEM_RESOURCES). */
KOBJNS_API int kobjns_thread_create(kobjns_thread_fn fn, void *arg, size_t stack_size,
                                    unsigned flags, kobjns_sync **out, uint32_t *id);
/* Take one from the thread's suspend count; at 0 it runs. *previous (may be NULL): the count
 * before (0: it was running). Needs KOBJNS_THREAD_SUSPEND_RESUME. 0, 5, 6. */
KOBJNS_API int kobjns_thread_resume(kobjns_sync *thread, uint32_t *previous);
/* End another thread with `code` (TerminateThread): it runs nothing more, not even the calls
 * queued to it; a mutex it owned is abandoned. Needs KOBJNS_THREAD_TERMINATE. Windows: any
 * thread (as dangerous as Windows documents it); POSIX: only a thread that has not begun its
 * function (created suspended), else 50, since POSIX cannot end a thread where it stands
 * safely. An ended thread: 0, nothing changes. 0, 5, 6, 50. */
KOBJNS_API int kobjns_thread_terminate(kobjns_sync *thread, uint32_t code);
/* End the calling thread with `code`, as returning `code` from its function would (ExitThread).
 * A thread kobjns did not start just ends (no handle of it exists to give the code). */
KOBJNS_API void kobjns_thread_exit(uint32_t code) __attribute__((noreturn));
/* The exit code (KOBJNS_STILL_ACTIVE while it runs; a thread that returns 259 looks so for
 * ever, as on Windows) and the id of a thread. Need KOBJNS_THREAD_QUERY_INFORMATION or its
 * LIMITED form. 0, 5, 6, 87 (NULL). */
KOBJNS_API int kobjns_thread_exit_code(const kobjns_sync *thread, uint32_t *code);
KOBJNS_API int kobjns_thread_id(const kobjns_sync *thread, uint32_t *id);
/* The calling thread's id (GetCurrentThreadId; POSIX: the kernel's thread id). */
KOBJNS_API uint32_t kobjns_current_thread_id(void);

/* --- processes ----------------------------------------------------------------------------
 * Threads: any thread, with the same handle in several threads at once too (kobjns_free: not
 * twice for the same block).
 * A process started or opened here is a kernel object, as on Windows: its handle (a kobjns_sync
 * of type KOBJNS_TYPE_PROCESS, "Process") is signaled when the process ends and stays so (waits
 * take nothing), and gives the process's exit code and id. Windows: native processes. POSIX:
 * posix_spawn (fork and exec for a suspended start), and a page per handle that this process
 * signals when the kernel says the process ended (Linux: a pidfd, watched by one thread). */
#define KOBJNS_PROCESS_TERMINATE 0x0001u
#define KOBJNS_PROCESS_DUP_HANDLE 0x0040u
#define KOBJNS_PROCESS_QUERY_INFORMATION 0x0400u /* its exit code and id */
#define KOBJNS_PROCESS_QUERY_LIMITED_INFORMATION 0x1000u
#define KOBJNS_PROCESS_ALL_ACCESS 0x001FFFFFu

/* What kobjns_process_create starts. The program is `application` when given (a path, '\\' and
 * '/' alike; not searched for), else the command line's first word, found as Windows finds it:
 * a name with no directory is looked for in the directory of the calling program, the current
 * directory, then PATH. On POSIX a name ending in ".exe" that does not exist is tried without it
 * (the program ported from Windows is "child", not "child.exe"), and the command line is split
 * into argv by the rules of Microsoft's C runtime (kobjns_command_line_split), so the child's
 * main() sees what it would on Windows. */
typedef struct kobjns_process_start {
  const char *application;  /* UTF-8, or NULL */
  const char *command_line; /* UTF-8, or NULL (then `application` alone, as argv[0]) */
  const char *directory;    /* the child's current directory, or NULL: ours */
  /* The child's environment as a Windows environment block ("A=1\0B=2\0\0", UTF-8), or NULL:
   * ours. */
  const char *environment;
  unsigned flags; /* KOBJNS_PROCESS_SUSPENDED */
  /* Its standard input, output and error: handles of type KOBJNS_TYPE_FILE (kobjns_std_handle,
   * kobjns_pipe_create), or NULL: ours (STARTUPINFO's STARTF_USESTDHANDLES). */
  void *std_handles[3];
  /* bInheritHandles: the child gets every handle whose KOBJNS_HANDLE_FLAG_INHERIT is set, with
   * the same value and access, once kobjns is loaded in it (POSIX: a section's, mutex's, event's,
   * semaphore's or timer's; a thread's or process's is not passed on). A handle without the flag
   * is never seen by a child. */
  int inherit_handles; /* non-zero */
} kobjns_process_start;
#define KOBJNS_PROCESS_SUSPENDED 0x4u /* CREATE_SUSPENDED: its first thread runs once resumed */

/* Start a process: 0 with *process (KOBJNS_PROCESS_ALL_ACCESS), *thread (its first thread,
 * KOBJNS_THREAD_ALL_ACCESS; may be NULL: not wanted), *pid and *tid (may be NULL). A suspended
 * process runs once kobjns_thread_resume takes its first thread's suspend count to 0 (POSIX: it
 * has not yet run its program; only resume, wait, query and close apply to that thread's
 * handle). 87 (NULL start or process, both application and command line NULL, other flags, an
 * empty application or directory); 1113 (malformed UTF-8); 206 (a command line over 32766 UTF-16
 * units); 2 (no such program); 267 (no such directory); 5; 8; 193 (a file the system cannot run).
 */
KOBJNS_API int kobjns_process_create(const kobjns_process_start *start, kobjns_sync **process,
                                     kobjns_sync **thread, uint32_t *pid, uint32_t *tid);
/* A handle to the running process `pid` (OpenProcess) with `access` (generic rights mapped):
 * KOBJNS_SYNCHRONIZE and the QUERY rights for any process this one can see, TERMINATE where the
 * system lets this process signal it (POSIX: kill(2)'s rule, same user or root). 0; 87 (pid 0,
 * no such process, out NULL, rights that are not a process's); 5; 8. */
KOBJNS_API int kobjns_process_open(uint32_t pid, unsigned access, kobjns_sync **out);
/* The exit code (KOBJNS_STILL_ACTIVE while it runs) and id of a process. Needs
 * KOBJNS_PROCESS_QUERY_INFORMATION or its LIMITED form. POSIX tells an exit code only of a process
 * this process started (the low 8 bits its kernel keeps; a process killed by a signal: the code
 * kobjns_process_terminate gave, or as docs/porting.md maps the signal); for any other, ended
 * process: 50. 0, 5, 6, 50. */
KOBJNS_API int kobjns_process_exit_code(const kobjns_sync *process, uint32_t *code);
KOBJNS_API int kobjns_process_id(const kobjns_sync *process, uint32_t *pid);
/* End a process with `code` (TerminateProcess; POSIX: SIGKILL). Needs KOBJNS_PROCESS_TERMINATE.
 * 0; 5 (the process has ended already, as Windows answers, or the system refuses); 6. */
KOBJNS_API int kobjns_process_terminate(kobjns_sync *process, uint32_t code);
/* The calling process's id (GetCurrentProcessId; POSIX: getpid()). */
KOBJNS_API uint32_t kobjns_current_process_id(void);
/* Split a command line into arguments as Microsoft's C runtime does for main(): the first word
 * ends at the next space or tab, or inside quotes at the next quote, backslashes being literal;
 * after it, words are separated by spaces and tabs outside quotes, a quote toggles quoting,
 * 2n backslashes before a quote are n backslashes (the quote then acts), 2n+1 are n and a literal
 * quote, other backslashes are literal, and "" inside quotes is a literal quote. *argv is one
 * block (free it with kobjns_free) of *argc strings and a NULL. 0; 87 (NULL arguments); 1113
 * (malformed UTF-8); 8. */
KOBJNS_API int kobjns_command_line_split(const char *line, char ***argv, int *argc);
/* --- files: standard streams and pipes ---------------------------------------------------
 * Threads: any thread, with the same handle in several threads at once too; reads and writes
 * of one handle at once share its file pointer, as on Windows (each call is one system read or
 * write, in no promised order).
 * A handle of type KOBJNS_TYPE_FILE ("File") is one of the process's standard streams or an end
 * of an anonymous pipe: what a child's STARTUPINFO takes, read and written synchronously. */
#define KOBJNS_STD_INPUT 0u
#define KOBJNS_STD_OUTPUT 1u
#define KOBJNS_STD_ERROR 2u
#define KOBJNS_FILE_READ 0x0001u  /* FILE_READ_DATA */
#define KOBJNS_FILE_WRITE 0x0002u /* FILE_WRITE_DATA */
#define KOBJNS_FILE_ALL_ACCESS 0x001F01FFu
/* A handle of the process's standard stream `which` (GetStdHandle): the same handle every time,
 * made on the first call (POSIX: of a copy of descriptor 0, 1 or 2). 0; 87 (another `which`,
 * out NULL); 6 (the process has no such stream). */
KOBJNS_API int kobjns_std_handle(unsigned which, void **out);
/* An anonymous pipe (CreatePipe): *read_end reads what *write_end writes. `size` is a hint
 * (0: the system's). 0; 87; 4; 8. */
KOBJNS_API int kobjns_pipe_create(void **read_end, void **write_end, uint32_t size);
/* Read up to `size` bytes, waiting for some (ReadFile): 0 with *done (0 at the end of a
 * standard stream that is a file); 109 once a pipe's writers are all closed; 5 (a handle without
 * KOBJNS_FILE_READ); 6; 87. */
KOBJNS_API int kobjns_file_read(void *file, void *buffer, uint32_t size, uint32_t *done);
/* Write `size` bytes, all of them (WriteFile): 0 with *done; 232 when nobody reads the pipe any
 * more (POSIX: no SIGPIPE is raised); 5; 6; 87. */
KOBJNS_API int kobjns_file_write(void *file, const void *buffer, uint32_t size, uint32_t *done);

/* Files by path (CreateFile): `path` is the system's own (UTF-8; POSIX: a POSIX path, Windows: a
 * Windows path; the facade maps Windows paths to POSIX ones, docs/porting.md). `access` the
 * file rights (KOBJNS_FILE_READ/WRITE, KOBJNS_GENERIC_READ/WRITE/EXECUTE, or 0: attributes
 * only); `share` what other opens of the same file may do meanwhile (KOBJNS_FILE_SHARE_*),
 * enforced among kobjns processes and the opener's own opens (POSIX: byte-range locks far past
 * any data, which the kernel keeps per open file; an open whose file cannot be read is not
 * counted); `disposition` one of KOBJNS_CREATE_NEW ... KOBJNS_TRUNCATE_EXISTING; `flags`
 * KOBJNS_FILE_FLAG_* (others: 87). A new file gets the mode 0666 less the umask (0444 with
 * KOBJNS_FILE_READ_ONLY). 0, or 183 with the handle when CREATE_ALWAYS or OPEN_ALWAYS found the
 * file; 2 (no such file), 3 (no such directory), 5 (refused, or a directory without
 * KOBJNS_FILE_FLAG_DIRECTORY), 32 (share modes), 80 (CREATE_NEW: it exists), 87 (bad
 * disposition, TRUNCATE_EXISTING without write access), 112, 206, 1113, 4, 8. */
#define KOBJNS_FILE_SHARE_READ 0x1u
#define KOBJNS_FILE_SHARE_WRITE 0x2u
#define KOBJNS_FILE_SHARE_DELETE 0x4u
#define KOBJNS_FILE_EXECUTE 0x0020u /* FILE_EXECUTE: what an executable mapping needs */
#define KOBJNS_CREATE_ALWAYS 2u
#define KOBJNS_OPEN_EXISTING 3u
#define KOBJNS_OPEN_ALWAYS 4u
#define KOBJNS_TRUNCATE_EXISTING 5u
#define KOBJNS_FILE_READ_ONLY 0x1u                 /* FILE_ATTRIBUTE_READONLY: a new file's mode */
#define KOBJNS_FILE_FLAG_DIRECTORY 0x2000000u      /* FILE_FLAG_BACKUP_SEMANTICS: a directory too */
#define KOBJNS_FILE_FLAG_WRITE_THROUGH 0x80000000u /* each write reaches the disk */
KOBJNS_API int kobjns_file_open(const char *path, unsigned access, unsigned share,
                                unsigned disposition, unsigned flags, void **out);
/* Remove the file `path` (DeleteFile): 0; 2; 3; 5 (refused, or a directory); 32 (an open of it
 * in a kobjns process does not share delete access); 87; 1113. */
KOBJNS_API int kobjns_file_delete(const char *path);
/* A file's size (GetFileSizeEx). 0; 6; 87; 1 (not a file: a pipe or a terminal). */
KOBJNS_API int kobjns_file_size(void *file, uint64_t *size);
/* Move the file pointer (SetFilePointerEx): `method` 0 from the start, 1 from the current
 * position, 2 from the end; *position (may be NULL) the new one. 0; 131 (before the start); 87;
 * 6; 1 (a pipe). Handles duplicated or inherited share one pointer, as on Windows. */
#define KOBJNS_FILE_BEGIN 0u
#define KOBJNS_FILE_CURRENT 1u
#define KOBJNS_FILE_END 2u
KOBJNS_API int kobjns_file_seek(void *file, int64_t distance, unsigned method, uint64_t *position);
/* Make the file end at its pointer (SetEndOfFile; needs KOBJNS_FILE_WRITE): 0; 5; 6; 112; 1224
 * (shorter than a section of it, in any kobjns process, maps). */
KOBJNS_API int kobjns_file_set_end(void *file);
/* Write what the system holds of the file to the disk (FlushFileBuffers; needs write access):
 * 0; 5; 6. */
KOBJNS_API int kobjns_file_flush(void *file);

/* Free what kobjns allocated for the caller (kobjns_command_line_split's block). NULL: nothing. */
KOBJNS_API void kobjns_free(void *p);

/* Threads (kobjns_apc_queue, kobjns_sleep): any thread; a sleep and the calls it runs are the
 * calling thread's. */
/* Calls queued to a thread (Windows' user APCs): fn(context, arg) runs in that thread, in the order
 * queued, the next time it is in an alertable wait or sleep (kobjns_wait_ex, kobjns_sleep,
 * kobjns_signal_and_wait with KOBJNS_WAIT_ALERTABLE), which then returns 737. `thread` NULL is
 * the calling thread, any thread; otherwise a thread kobjns_thread_create started, whose handle
 * has KOBJNS_THREAD_SET_CONTEXT. 0; 87 (fn NULL); 5; 6; 8; 31 once the thread has ended (calls
 * still queued when a thread ends never run). */
typedef void (*kobjns_apc_fn)(void *context, uintptr_t arg);
KOBJNS_API int kobjns_apc_queue(kobjns_sync *thread, kobjns_apc_fn fn, void *context,
                                uintptr_t arg);
/* Sleep `ms` milliseconds (KOBJNS_INFINITE: for ever; 0: give up the rest of the time slice).
 * With KOBJNS_WAIT_ALERTABLE, calls queued to the thread end the sleep as they end a wait
 * (737). 0 otherwise, signals notwithstanding; 87 for other flags. */
KOBJNS_API int kobjns_sleep(uint32_t ms, unsigned flags);

/* --- any handle --------------------------------------------------------------------------
 * Handles of every type come from one table: their values are multiples of 4 below 2^32 (the
 * two low bits are ignored, as Windows ignores them in a HANDLE), and the Win32 facade's HANDLEs
 * are the same values.
 * Threads: every function of this part may be called from any thread, with the same handle in
 * several threads at once too: lookups take no lock, a close waits for no call, and the object
 * is closed when the last call using it returns. */

/* Close a handle of any type (a kobjns_section * or a kobjns_sync *): 0, or 6 if not live or
 * protected from close (KOBJNS_HANDLE_FLAG_PROTECT_FROM_CLOSE: it stays open). */
KOBJNS_API int kobjns_close(void *handle);
/* The type of a live handle: 0 with *type set, or 6 (*type KOBJNS_TYPE_NONE). */
KOBJNS_API int kobjns_handle_type(const void *handle, kobjns_type *type);

/* A handle's flags: Win32's HANDLE_FLAG_* values. INHERIT: a process started with
 * inherit_handles gets the handle, with the same value (kobjns_process_start says which types);
 * PROTECT_FROM_CLOSE makes every close of the handle fail (6) until it is
 * cleared (the process's end closes it anyway). */
#define KOBJNS_HANDLE_FLAG_INHERIT 0x1u
#define KOBJNS_HANDLE_FLAG_PROTECT_FROM_CLOSE 0x2u
KOBJNS_API int kobjns_handle_flags(const void *handle, unsigned *flags);
/* Set the flags in `mask` to their values in `flags` (other bits of `mask` are ignored, as
 * Windows ignores them): 0; 6. */
KOBJNS_API int kobjns_handle_set_flags(void *handle, unsigned mask, unsigned flags);

/* Duplicate a handle within the process (DuplicateHandle): *out is a new handle to the same
 * object, with KOBJNS_DUPLICATE_SAME_ACCESS the source's access, else `access` (generic rights
 * mapped), which must be rights the source handle has (5 otherwise: kobjns does not look at the
 * descriptor for more, where Windows may grant them). Its flags are 0. With
 * KOBJNS_DUPLICATE_CLOSE_SOURCE the source handle is closed, whether the duplicate succeeds or
 * not (as documented for DuplicateHandle). The object lives while either handle does. 0; 5; 6;
 * 8; 87 (out NULL, other options); 4. */
#define KOBJNS_DUPLICATE_CLOSE_SOURCE 0x1u
#define KOBJNS_DUPLICATE_SAME_ACCESS 0x2u
KOBJNS_API int kobjns_duplicate(void *handle, unsigned access, unsigned options, void **out);
/* DuplicateHandle from another process into this one: a handle of ours to the object of
 * `handle`, a value of the process of `process` (a process handle with
 * KOBJNS_PROCESS_DUP_HANDLE; our own process: kobjns_duplicate). Access and options as for
 * kobjns_duplicate, except that another process's handle cannot be closed from here
 * (KOBJNS_DUPLICATE_CLOSE_SOURCE: 50). POSIX: that process must be a kobjns process (it keeps
 * its table where the kernel lets us take it: a memfd) and the kernel must let us take its
 * descriptors (Linux: pidfd_getfd, 5.6, ptrace's rule: the same user and Yama's ptrace_scope, or
 * CAP_SYS_PTRACE), else 5; a thread's or process's handle there: 6. Windows: the process lists
 * its handles in sections of its own, found by name and checked with CompareObjectHandles
 * (Windows 10 and later, else 50). 0; 4; 5 (also a process that has ended); 6 (not a live
 * process handle, or no such handle there); 8; 50; 87. */
KOBJNS_API int kobjns_duplicate_from(kobjns_sync *process, uint32_t handle, unsigned access,
                                     unsigned options, void **out);

/* --- private namespaces ------------------------------------------------------------------
 * Windows' defence against name squatting (CreatePrivateNamespace): a namespace is created
 * through a *boundary* (a name and SIDs the creator must all have), under an *alias*; while a
 * process has it open, object names "alias\\name" are objects inside it, for every named type.
 * A namespace is identified by its boundary (name and SIDs, in any order) and its alias: the
 * same alias with another boundary, or made by a process outside the boundary, is another
 * namespace or none. An open needs the same boundary and alias, but not to be inside the
 * boundary: the namespace's own descriptor says who may open it (default: its creator, SYSTEM,
 * administrators). A namespace can be opened while a handle to it is open anywhere (a killed
 * process's handles close with it) and until it is destroyed; objects in it live as objects do,
 * so a closed or destroyed namespace's objects keep working for their holders, and a process
 * that still has the namespace open keeps naming them. Names inside are one level ("a\\b\\c":
 * 3), and never need SeCreateGlobalPrivilege (the namespace is not \\BaseNamedObjects). An alias
 * names the namespace this process opened last under it that is still open (else "alias\\x" is
 * 3). On POSIX the namespace is a directory of the object directory whose owner the kernel
 * vouches for: openers accept only one owned by a user inside the boundary (root included only
 * when it is inside), not writable by others beyond what its descriptor grants, so another
 * user can neither plant one nor reach the objects in one it may not open (docs/namespaces.md).
 * Threads: boundaries are the caller's (no two calls on one boundary at once, unless both only
 * read it: kobjns_namespace_create and _open); namespace handles as any handle. */

/* Directory rights (a namespace's descriptor and handles): Windows' DIRECTORY_* values. QUERY
 * lists it (POSIX: r), TRAVERSE opens objects in it by name (x), CREATE_OBJECT creates objects in
 * it (w); DELETE (0x10000) lets a handle destroy it. GR = QUERY|TRAVERSE, GW =
 * CREATE_OBJECT|CREATE_SUBDIRECTORY, GX = QUERY|TRAVERSE (with READ_CONTROL), GA = ALL_ACCESS. */
#define KOBJNS_DIRECTORY_QUERY 0x0001u
#define KOBJNS_DIRECTORY_TRAVERSE 0x0002u
#define KOBJNS_DIRECTORY_CREATE_OBJECT 0x0004u
#define KOBJNS_DIRECTORY_CREATE_SUBDIRECTORY 0x0008u
#define KOBJNS_DIRECTORY_ALL_ACCESS 0x000F000Fu

/* A boundary named `name` (UTF-8, 1 to 256 characters, no '\\') with no SID yet: 0; 87 (NULL);
 * 123 (a bad name); 1113; 8. Threads: any thread. */
KOBJNS_API int kobjns_boundary_create(const char *name, kobjns_boundary **out);
/* Require `sid` of every creator: a SID string or alias of the SDDL subset ("S-1-22-1-<uid>",
 * "S-1-22-2-<gid>", "WD", "AU", "SY", "BA" or their S-1-... forms). Adding one twice changes
 * nothing. 0; 87 (NULL); 1337 (not a SID kobjns knows); 50 for "OW" (no creator holds it)
 * and, on POSIX, "IU" (the kernel cannot vouch for the session of a directory's owner); 8; 87
 * after 32 SIDs. */
KOBJNS_API int kobjns_boundary_add_sid(kobjns_boundary *b, const char *sid);
/* Require an integrity level of every creator (AddIntegrityLabelToBoundaryDescriptor,
 * "S-1-16-<rid>" or "LW", "ME", "HI", "SI"): on Windows passed on; on POSIX, which has no
 * integrity levels, refused with 50 (nothing changed), so that no namespace is made weaker than
 * its creator asked. 0; 87; 1337; 50. */
KOBJNS_API int kobjns_boundary_add_integrity_label(kobjns_boundary *b, const char *label);
/* NULL is ignored. */
KOBJNS_API void kobjns_boundary_free(kobjns_boundary *b);

/* Create the private namespace of boundary `b` and alias `alias` (a name's first part: 1 to 256
 * characters, no '\\', not "Global", "Local" or "Session": 123), with the descriptor `sddl`
 * (NULL: the default; directory rights), open in this process under `alias` from now on: 0 with
 * *out (its access DIRECTORY_ALL_ACCESS); 80 when it exists, with no handle (Windows' create
 * fails there, with 183, which kobjns keeps for a success that hands a handle: the facade's
 * CreatePrivateNamespace answers 183); 5 (the caller is not inside the boundary: a SID it
 * lacks; on POSIX its account's groups count, not a group the process took up); 87, 123, 1113,
 * the SDDL's statuses; 170 (two creators kept meeting). `ctx` as for any create (NULL: this
 * process); a namespace belongs to the context's tree of names and to no session: every session
 * finds it. */
KOBJNS_API int kobjns_namespace_create(const kobjns_ctx *ctx, const kobjns_boundary *b,
                                       const char *alias, const char *sddl, kobjns_namespace **out);
/* Open the existing private namespace of boundary `b` and alias `alias`, with the rights its
 * descriptor grants (Windows' OpenPrivateNamespace asks MAXIMUM_ALLOWED): 0 with *out; 2 (none
 * open, destroyed, or only made by someone outside the boundary); 5 (its descriptor, or on
 * POSIX the kernel's mode bits, grant nothing); 87, 123, 1113. */
KOBJNS_API int kobjns_namespace_open(const kobjns_ctx *ctx, const kobjns_boundary *b,
                                     const char *alias, kobjns_namespace **out);
/* Objects in a namespace are reached through its handle's rights: an open needs
 * DIRECTORY_TRAVERSE (else 5), a create DIRECTORY_CREATE_OBJECT too (else only an existing object
 * will do: 183, or 5 when the name is free). A duplicate of the handle (kobjns_duplicate) names
 * the namespace under the same alias. */
/* Close the handle (ClosePrivateNamespace); with KOBJNS_NAMESPACE_DESTROY destroy the namespace
 * first: no open finds it again, and its objects and the handles still open keep working (5 when
 * the handle lacks DELETE; on POSIX, also when the kernel keeps the caller from the namespace's
 * record: only its owner or root may destroy it). 0; 5 (the handle stays open); 6; 87 (other
 * flags). kobjns_close() is the close without flags. */
#define KOBJNS_NAMESPACE_DESTROY 0x1u
KOBJNS_API int kobjns_namespace_close(kobjns_namespace *ns, unsigned flags);
/* The handle's access (directory rights). 0; 6; 87. */
KOBJNS_API int kobjns_namespace_access(const kobjns_namespace *ns, unsigned *access);

/* --- recovery and inspection -------------------------------------------------------------
 * What the kobjns command shows (ls, stat, explain, gc). Inspection hands out no handle and
 * removes nothing (only the cleanup functions remove). On POSIX it takes no lock others could
 * notice; on Windows it holds a handle for the moment it looks, so an object whose last holder
 * closes meanwhile goes when inspection lets go.
 * Threads (every function of this part): any thread; `fn` is called in the calling thread. */

/* Whether an object's holders are all gone (kobjns_object.liveness): the values of `stale`. */
typedef enum kobjns_liveness {
  KOBJNS_LIVENESS_UNKNOWN = -1, /* cannot be told (POSIX: the lock table is not readable, or does
                                   not show every holder, as in some containers) */
  KOBJNS_LIVENESS_HELD = 0,     /* some handle holds it (always, on Windows) */
  KOBJNS_LIVENESS_STALE = 1     /* every holder is gone (a crash): a cleanup removes it */
} kobjns_liveness;

typedef struct kobjns_object {
  const char *path;   /* canonical path, e.g. "\\Sessions\\1\\BaseNamedObjects\\x" or
                         "\\Sessions\\1" for a session; "" when it cannot be known (a hashed
                         native name whose header the caller may not read) */
  const char *type;   /* kobjns_type_name(object_type): "Section", "Mutex", "Event",
                         "Semaphore", "Timer", "Session" (what keeps a session in existence),
                         "Object" (a kobjns object whose header the caller may not read, so its
                         type is not known (POSIX)), "Unknown" (a file under kobjns's names that
                         is not a kobjns object: corrupt or planted), "Directory" (a private
                         namespace, POSIX) or "Temporary" (a dead creator's unfinished file or
                         namespace directory, cleanup only) */
  uint32_t session;   /* the namespace: 0 for \BaseNamedObjects, N for \Sessions\N */
  int header_read;    /* 1: type, size, sddl and state are the object's own (POSIX: its header;
                         Windows: the caller could open it to ask); 0: the caller may not look
                         inside */
  uint64_t size;      /* Section: bytes a view can map (0 when not known, and for other types) */
  int read_only;      /* Section: created without write protection (POSIX) */
  uint32_t owner;     /* POSIX: uid that owns it (the kernel's record); UINT32_MAX on Windows */
  uint32_t mode;      /* POSIX: permission bits the kernel enforces; 0 on Windows */
  const char *sddl;   /* the security descriptor's DACL (Windows writes rights its own way);
                         "" when not known */
  int stale;          /* (int)liveness: 1 stale, 0 held, -1 cannot be told */
  size_t handles;     /* open handles (and session memberships) known to the system */
  size_t pid_count;   /* distinct processes holding it, as far as the system says (POSIX; 0 on
                         Windows, which keeps that to a system-wide handle dump) */
  const int *pids;    /* their ids, ascending */
  const char *native; /* where it lives for the OS: "/dev/shm/kobjns.default.g.x"; on Windows
                         the object-manager path */
  const char *state;  /* what the object is doing now, in a few words; "" when not known (a
                         Section, or the caller may not ask): a Mutex "free", "owned by thread
                         <tid>" (on Windows "owned" where the system does not say whose) or
                         "abandoned" (its owner ended without releasing it); an Event
                         "signaled" or "not signaled", then ", manual reset" or ", auto reset";
                         a Semaphore "count N of M"; a Directory (a private namespace) its state,
                         alias and boundary: 'ready; alias "a"; boundary "b" {S-1-22-1-0, BA}'
                         ("claimed", "destroyed"; "; untrusted: ..." when opens pass it over;
                         "closed ..." once no handle holds it, while objects in it live on).
                         Read without acquiring anything. */
  /* Appended (older callers never read them; the fields above keep their places): */
  kobjns_type object_type;  /* the type, as `type` names it */
  kobjns_liveness liveness; /* `stale`, as the enum */
  /* The private namespace it is ("Directory", path "\\PrivateNamespaces\\<id>") or is in (path
   * "\\PrivateNamespaces\\<id>\\<leaf>"): its id; "" for none (then `session` says where). A
   * namespace and its objects have session 0: they belong to no session. */
  const char *private_namespace;
} kobjns_object;

/* Called once per object; a nonzero return stops the walk and is returned by the caller. The
 * object and its strings are valid only during the call. */
typedef int (*kobjns_object_fn)(const kobjns_object *object, void *arg);

/* Every object of the namespaces of `ctx` (NULL: this process), stale ones included, in no
 * particular order: on POSIX those of the context's tree of names (kobjns_ctx_set_root,
 * KOBJNS_ROOT), each private namespace (a "Directory"; from its directory's stat alone, owner and
 * mode, where the kernel keeps the caller out) followed by the objects in it the caller may see;
 * on Windows every named section, mutex, event, semaphore and timer of
 * \BaseNamedObjects and \Sessions\<N>\BaseNamedObjects, kobjns's or not (as WinObj shows them),
 * and each session. `flags`: 0 (others: 87).
 * 0, or the status that stopped the walk (fn's own, or 4, 5, 8, 1359; 50 where Windows' NT
 * directory calls are missing); 87 (fn NULL). */
KOBJNS_API int kobjns_object_list_ex(const kobjns_ctx *ctx, unsigned flags, kobjns_object_fn fn,
                                     void *arg);
/* The object `name` resolves to for `ctx` (NULL: this process), as an open would resolve it,
 * described without opening a handle to it, whatever its type (a section, mutex, event or
 * semaphore): fn is called once and 0 returned; or 2 when nothing holds the resolved path, 6 when
 * something that is none of those does (Windows: a timer, a job, ...; POSIX: not a regular file),
 * 1392 when a file that is not a kobjns object of that name does (as an open would say), or a
 * name status (123, 161, 3, 206, 1113, ...). "alias\\name" is an object of the private namespace
 * this process has open under that alias (3 when none is); on Windows, which reaches those only
 * through the namespace's handle, 50. */
KOBJNS_API int kobjns_object_query(const kobjns_ctx *ctx, const char *name, kobjns_object_fn fn,
                                   void *arg);

/* Remove the stale objects of the tree of names of `ctx` (NULL: this process's, KOBJNS_ROOT):
 * sections, mutexes, events, semaphores, timers and session markers whose holders all died (a
 * crash, SIGKILL), temporary files of creators that died, and on POSIX the private namespaces no
 * handle holds (their stale objects first; the directory once empty) and the unfinished ones of
 * creators that died (left 30 s to their creator). An object with a live holder is never
 * touched, and another user's stale object is removed only by root (the kernel's sticky shm
 * directory decides). fn (may be NULL) is called for each as it goes (just after it is removed:
 * the object is described from the file still open). With KOBJNS_CLEANUP_DRY_RUN nothing is
 * removed and fn is called for each object a real run would remove (judged from the system's lock
 * table: see docs/cli.md). *removed (may be NULL) counts them. Opens and creates already remove a
 * stale object they meet; this sweeps the ones nobody asks for again. On Windows nothing is ever
 * stale (the kernel deletes an object with its last handle): 0, none. 0; 87 (other flags); fn's
 * return; 4; 8; 1359. */
#define KOBJNS_CLEANUP_DRY_RUN 0x1u
KOBJNS_API int kobjns_cleanup_ex(const kobjns_ctx *ctx, unsigned flags, kobjns_object_fn fn,
                                 void *arg, size_t *removed);

/* The same for this process (a NULL context), kept as they were: kobjns_object_list(fn, arg) is
 * kobjns_object_list_ex(NULL, 0, fn, arg); kobjns_cleanup(removed) is
 * kobjns_cleanup_ex(NULL, 0, NULL, NULL, removed); kobjns_cleanup_each(dry_run, fn, arg, removed)
 * is kobjns_cleanup_ex(NULL, dry_run ? KOBJNS_CLEANUP_DRY_RUN : 0, fn, arg, removed). */
KOBJNS_API int kobjns_object_list(kobjns_object_fn fn, void *arg);
KOBJNS_API int kobjns_cleanup(size_t *removed);
KOBJNS_API int kobjns_cleanup_each(int dry_run, kobjns_object_fn fn, void *arg, size_t *removed);

/* Windows' access check of `sddl` for `ctx`'s identity (NULL: this process) on an object owned
 * by `owner`: 0 when every right in `access` is granted, 5 when one is not, 87 for access 0 or
 * unknown bits, or the SDDL's status. On POSIX the identity is the context's uid and groups
 * (SYSTEM and Administrators are root, Interactive is any session but 0); 50 on Windows, where
 * the kernel's check (AccessCheck) is the authority. */
KOBJNS_API int kobjns_sddl_access(const kobjns_ctx *ctx, const char *sddl, uint32_t owner,
                                  unsigned access);

/* kobjns_sddl_access() for an object of `type` (a section, mutex, event or semaphore): GA, GR,
 * GW, GX and `access` are that type's rights (87 for bits outside them, or another type). */
KOBJNS_API int kobjns_sddl_access_type(const kobjns_ctx *ctx, kobjns_type type, const char *sddl,
                                       uint32_t owner, unsigned access);

/* The privileges (KOBJNS_PRIV_*) a create of a new object of `type` named `name` needs from
 * `ctx` (NULL: this process): KOBJNS_PRIV_CREATE_GLOBAL for a section in the global namespace
 * from a session other than 0, else 0 (a mutex, event or semaphore never needs it). Whether
 * `ctx` holds them: kobjns_ctx_has_privilege(). 0, 87, or a name status (3, 6, 123, ...). */
KOBJNS_API int kobjns_create_privileges(const kobjns_ctx *ctx, const char *name, kobjns_type type,
                                        unsigned *privileges);

/* Why an open was refused: which of the checks an open makes said no. */
typedef enum kobjns_denial {
  KOBJNS_DENIAL_NONE = 0,          /* not refused, or refused for what the status alone says */
  KOBJNS_DENIAL_DESCRIPTOR = 1,    /* the object's security descriptor does not grant the access */
  KOBJNS_DENIAL_MODE_BITS = 2,     /* POSIX: the kernel's mode bits keep this uid from the file */
  KOBJNS_DENIAL_PLANTED = 3,       /* POSIX: a privileged caller never trusts an object an
                                      unprivileged other user put in a namespace the caller does
                                      not own (the global namespace, another session's); a private
                                      namespace's 2: only directories an opener does not trust
                                      hold its boundary and alias */
  KOBJNS_DENIAL_SECOND_NAME = 4,   /* POSIX: someone else gave the file a second name */
  KOBJNS_DENIAL_NOTHING_ASKED = 5, /* access 0: an open that asks for nothing gets nothing */
  KOBJNS_DENIAL_DESTROYED = 6      /* a private namespace's 2: one is held open, but destroyed */
} kobjns_denial;

/* Make the open that kobjns_section_open / _mutex_open / _event_open / _semaphore_open (by
 * `type`) would make for `access`, close the handle at once, and answer as that open does (0,
 * 2, 5, 6, ...), with *why (may be NULL) the check that refused a 5. The kobjns command's
 * `explain` is built on it. */
KOBJNS_API int kobjns_open_explain(const kobjns_ctx *ctx, const char *name, kobjns_type type,
                                   unsigned access, kobjns_denial *why);

/* Make the open kobjns_namespace_open would make of the private namespace of boundary `b` and
 * alias `alias`, close it at once (no alias is registered), and answer as that open does (0, 2, 5,
 * 87, 123, 1113, ...), with *why (may be NULL) saying which case it was: for a 2, NONE (no
 * namespace of that identity is open anywhere), DESTROYED (one is held open but was destroyed)
 * or PLANTED (POSIX: only directories an opener does not trust hold the identity: made by a user
 * outside the boundary, or giving more than their descriptor); for a 5, DESCRIPTOR (it grants
 * nothing) or MODE_BITS (POSIX: the kernel keeps this uid out of the namespace's directory).
 * Windows says none of this: 2 and 5 come with NONE and DESCRIPTOR. The kobjns command's
 * `explain --namespace` is built on it. */
KOBJNS_API int kobjns_namespace_explain(const kobjns_ctx *ctx, const kobjns_boundary *b,
                                        const char *alias, kobjns_denial *why);

/* --- names, descriptors, statuses ---------------------------------------------------------
 * Threads: every function from here to the end of the header: any thread (they read their
 * arguments only; the strings returned are constants). */

/* Resolve `name` for the caller without touching any object: writes the canonical path, e.g.
 * "\\Sessions\\1\\BaseNamedObjects\\nsA" or "\\BaseNamedObjects\\nsA", NUL-terminated, and
 * stores its length (without NUL) in *path_len if not NULL. A buffer too small -> 122
 * (ERROR_INSUFFICIENT_BUFFER) with *path_len set to the length needed. */
KOBJNS_API int kobjns_resolve(const kobjns_ctx *ctx, const char *name, char *path, size_t path_size,
                              size_t *path_len);

/* --- security descriptors ---------------------------------------------------------------- */

/* Whether `sddl` is a descriptor kobjns accepts (the subset in docs/namespaces.md): 0, 87 (a
 * part other than the DACL), 1336 (a malformed or unsupported DACL) or 1337 (a SID). */
KOBJNS_API int kobjns_sddl_check(const char *sddl);

/* --- statuses ---------------------------------------------------------------------------- */

/* The name of a type ("Section", "Mutex", ...), as kobjns_object.type writes it; "" for
 * KOBJNS_TYPE_NONE and for values outside the enum. Never NULL. */
KOBJNS_API const char *kobjns_type_name(kobjns_type type);

/* "ERROR_ACCESS_DENIED"-style name and a one-line message; "UNKNOWN" / a generic text for
 * values outside the table. Never NULL. */
KOBJNS_API const char *kobjns_status_name(int status);
KOBJNS_API const char *kobjns_strerror(int status);

#ifdef __cplusplus
}
#endif
#endif /* KOBJNS_H */
