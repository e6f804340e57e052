/* kobjns test kit: CUnit helpers, unique names, contexts and child processes. */
#ifndef KT_H
#define KT_H

#include <CUnit/CUnit.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "kobjns.h"

/* Assert a status, printing both names when it differs. */
#define KT_STATUS(expr, want)                                                                      \
  do {                                                                                             \
    int kt_rc_ = (expr), kt_want_ = (want);                                                        \
    if (kt_rc_ != kt_want_)                                                                        \
      fprintf(stderr, "\n  %s:%d: %s\n    -> %d %s, want %d %s\n", __FILE__, __LINE__, #expr,      \
              kt_rc_, kobjns_status_name(kt_rc_), kt_want_, kobjns_status_name(kt_want_));         \
    CU_ASSERT_EQUAL(kt_rc_, kt_want_);                                                             \
  } while (0)
#define KT_OK(expr) KT_STATUS(expr, 0)

/* A name unique to this run: "<base>.<run id>.<n>" (kept for the life of the process). */
const char *kt_name(const char *base);
/* The same unique suffix appended to a prefix and a base, e.g. ("Global\\", "x"). */
const char *kt_prefixed(const char *prefix, const char *base);
/* The run id ("<pid>"), shared with children. */
const char *kt_run_id(void);

/* A context in `session`, holding SeCreateGlobalPrivilege or not. */
kobjns_ctx *kt_ctx(uint32_t session, bool privileged);
/* A session number no one uses in this run. */
uint32_t kt_unused_session(void);

/* The path of the file backing a named object, for kernel-level checks (POSIX only: the
 * suites that call it need KT_NEEDS_ROOT, which Windows never has). Where objects are apart from
 * their names (the generic platform), an existing object's bytes (the shm object its name file
 * names: under /dev/shm on Linux), else the name's file. */
void kt_native_path(kobjns_ctx *ctx, const char *name, char *out, size_t size);
/* Whether timings say little here: under valgrind (its preloaded core is in LD_PRELOAD) or in a
 * sanitized build. */
bool kt_slowed(void);
/* Whether this process runs under valgrind (whose kernel interface lacks a few system calls:
 * pidfd_open, pidfd_getfd). */
bool kt_under_valgrind(void);
/* The test binary's own path (children re-execute it; not /proc/self/exe, which under valgrind
 * is valgrind). */
void kt_set_self(const char *argv0);
/* Set up the runner's environment (POSIX: its own KOBJNS_ROOT, session 0); returns the number of
 * objects of this run still present at the end (kt_leftovers), each reported on stderr. */
void kt_runner_setup(void);
unsigned kt_leftovers(void);
/* "kobjns.<root>.": how every name of the tree `root` in /dev/shm begins (POSIX; "kobjnsa." where
 * names are apart from their bytes: the generic platform). */
void kt_tree_prefix(const char *root, char *out, size_t size);
/* Free the names and remove the copy of the test binary made for other users. */
void kt_cleanup(void);

/* Whether the suite runs as root (cross-user cases need it). */
bool kt_is_root(void);

/* --- what a test needs, and why the platform may not have it -------------------------------- */
enum {
  KT_NEEDS_ROOT = 1,           /* processes as other uids */
  KT_NEEDS_SESSIONS = 2,       /* processes or contexts in sessions other than the real one */
  KT_NEEDS_SESSION1 = 4,       /* the test plays an app in session 1 (paths say \Sessions\1) */
  KT_NEEDS_FORK = 8,           /* fork() */
  KT_NEEDS_CREATE_GLOBAL = 16, /* some context may create in Global\ */
  KT_NEEDS_SHM_FILES = 32,     /* objects are files in /dev/shm that anyone may write */
  KT_NEEDS_OTHER_ABI = 64,     /* a test binary of the other word size: KOBJNS_TEST_OTHER_ABI */
  /* The system facilities the POSIX platform layer may lack (the generic platform does): */
  KT_NEEDS_LOCK_TABLE = 128, /* who holds an object: the system's table of locks (/proc/locks) */
  KT_NEEDS_PROCESS_HANDLES = 256, /* another process's descriptors (pidfd_getfd): duplicate_from */
  KT_NEEDS_REOPEN = 512,          /* a new description of an open file, file locks of descriptions,
                                     which pages are copies (/proc/self/fd, OFD locks, pagemap) */
  KT_NEEDS_KERNEL_SLEEP = 1024,   /* a waiter seen asleep in the kernel's wait on its word (futex),
                                     named by /proc/<pid>/task/<tid>/syscall */
  KT_NEEDS_ONE_FILE = 2048,       /* an object is one file, forged or rewritten by the test */
  KT_NEEDS_APART = 4096,          /* objects apart from their names (the generic platform) */
  KT_NEEDS_KERNEL_IDS = 8192,     /* thread ids are the kernel's, with start times and pid
                                     namespaces (/proc): the linux platform's liveness */
  KT_NEEDS_PROCESS_FACTS = 16384, /* a started process's first thread id, the program's own
                                     directory (/proc/self/exe) */
  KT_NEEDS_WAKE_SOCKETS = 32768,  /* sleepers wake by sockets of the object directory (the
                                     generic platform) */
  KT_NEEDS_OTHER_LAYOUT = 65536   /* a test binary of the other POSIX layout (linux: an object is
                                     one file; generic: names apart): KOBJNS_TEST_OTHER_LAYOUT */
};
/* NULL when this process has everything `needs` names, else why not (printed with the skip). */
const char *kt_unavailable(unsigned needs);
/* Register a test, or register it inactive and print why when the platform cannot run it.
 * `fn` is NULL for a test not compiled on this platform (KT_POSIX_ONLY): only the why is shown. */
void kt_add(CU_pSuite suite, const char *name, void (*fn)(void), unsigned needs);
#ifdef _WIN32
#define KT_POSIX_ONLY(fn) NULL
#else
#define KT_POSIX_ONLY(fn) fn
#endif
/* kt_add, but under Wine the test is skipped: `wine_differs` says what Wine does instead of
 * Windows (asserting Windows' answer is the point; Wine's is never asserted). */
void kt_add_not_wine(CU_pSuite suite, const char *name, void (*fn)(void), unsigned needs,
                     const char *wine_differs);
/* Whether this process runs under Wine. */
bool kt_under_wine(void);
/* The emulator the tests run under (KOBJNS_TEST_EMULATED, which tools/test's aarch64 leg sets to
 * "qemu": qemu-user runs the aarch64 build on an x86-64 kernel), or NULL when they run natively.
 * What the kernel shows of a process there is the emulator's (its system calls, its memory). */
const char *kt_emulator(void);
/* Whether contexts and children can be put in any session (the POSIX backend). */
bool kt_sessions_simulated(void);
/* The session the runner's own default context is in (0 on POSIX, Windows' otherwise). */
uint32_t kt_runner_session(void);
/* A context that may create in Global\: privileged in session 1, or else a session-0 one. */
kobjns_ctx *kt_global_creator(void);

/* --- threads and randomness without POSIX-only calls ----------------------------------------- */
typedef struct kt_thread kt_thread;
kt_thread *kt_thread_start(void *(*fn)(void *), void *arg);
void kt_thread_join(kt_thread *t);
/* Gives the CPU away for about ms milliseconds: wait loops use it, so that the threads they wait
 * for run (under valgrind only one thread runs at a time, and a spinning waiter starves them). */
void kt_pause_ms(unsigned ms);
/* A monotonic clock in milliseconds, for checking that a wait lasted (never for performance). */
double kt_now_ms(void);
unsigned kt_rand(unsigned *seed);
/* The calling thread's id as the system gives it (what a mutex's owner is shown as). */
unsigned long kt_thread_id(void);

/* --- child processes: the test binary re-executed as "--child", driven line by line ------- */
typedef struct kt_proc {
  long pid;
  void *handle; /* Windows: the process HANDLE */
  FILE *to;     /* the child's stdin */
  FILE *from;   /* the child's stdout */
} kt_proc;

/* Start a child in `session` (KOBJNS_SESSION), as `uid` (or -1 for ours); a child of another
 * uid runs a copy of the test binary in a directory every user can reach. On Windows a child in
 * another session than ours starts, but its library refuses that session (50). */
bool kt_spawn(kt_proc *p, uint32_t session, long uid);
#ifndef _WIN32
/* kt_spawn, with the child in a private mount namespace whose /proc is mounted hidepid=2 before
 * it becomes `uid` (root only); it exits 77 when the mount is refused. Whether that can work
 * here: root, and the kernel lets us mount proc in a new mount namespace. */
bool kt_spawn_hidden_proc(kt_proc *p, uint32_t session, long uid);
/* kt_spawn (our uid), with the child the first process of a new pid namespace (root only; it
 * exits 77 when the kernel refuses). kt_kill ends only its parent there: stop it with "exit". */
bool kt_spawn_pid_namespace(kt_proc *p, uint32_t session);
/* kt_spawn (our uid), with the child's /dev/shm a tmpfs of 4 MiB of its own (a private mount
 * namespace; root only): it exits 77 when the kernel refuses the mount. */
bool kt_spawn_small_shm(kt_proc *p, uint32_t session);
/* Whether thread `tid` of process `pid` sleeps in the kernel: seen asleep at three looks 10 ms
 * apart (under valgrind a thread waiting for its turn to run sleeps too, but not for that long);
 * false after 10 s. */
bool kt_thread_asleep(long pid, long tid);
bool kt_can_hide_proc(void);
#endif
/* The same for another program built next to the test binary (`program` without ".exe"), run
 * with one argument: the conformance program's roles. */
bool kt_spawn_program(kt_proc *p, uint32_t session, long uid, const char *program, const char *arg);
/* Send one command and read its one-line reply into reply (which may be NULL). Returns the
 * integer that starts the reply (a status), or -1000 if the child died. */
int kt_cmd(kt_proc *p, char *reply, size_t reply_size, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* The two halves of kt_cmd, to let several children race. */
void kt_send(kt_proc *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int kt_recv(kt_proc *p, char *reply, size_t reply_size);
/* Returns once child `p` sleeps, before another process wakes it: on POSIX when its first thread
 * is seen asleep at three looks 10 ms apart (false after 10 s); on Windows, where another
 * process's thread state is not at hand, after a pause long enough for it to fall asleep. */
bool kt_until_asleep(kt_proc *p);
/* Wait for the child to end: its exit code, or 128 + signal. */
int kt_wait(kt_proc *p);
/* Kill the child with SIGKILL and reap it. */
void kt_kill(kt_proc *p);

/* Run `program` (a path) with the NULL-terminated `args`, its standard output into out (NUL
 * terminated, cut at size - 1), its standard error discarded: its exit status, or -1 when it
 * could not be started. Arguments are passed as UTF-8 (UTF-16 on Windows), exactly. */
int kt_run(const char *program, const char *const *args, char *out, size_t size);

/* Platform halves (kt-posix.c, kt-win32.c). */
/* Close the pipes and wait for the child: its exit code, or 128 + signal. */
int kt_reap(kt_proc *p);
/* Why the platform can never have `needs` (NULL if it can, given the rest of kt_unavailable). */
const char *kt_platform_limit(unsigned needs);
void kt_free_names(void);
/* How many of the names this run made still name an object (each reported on stderr). */
unsigned kt_names_still_open(void);

/* The child's command interpreter (tests/child.c). */
int kt_child_main(void);
#ifndef _WIN32
/* `kobjns-tests --transient NAME`: a process whose first kobjns call meets a transient failure
 * (no descriptor left), then calls again once descriptors are back (test_sessions.c). */
int kt_transient_main(const char *name);
/* `kobjns-tests --userholds RO RW SESSION`, run as another user: test_lifetime.c. */
int kt_userholds_main(const char *ro, const char *rw, const char *session);
/* The test binary as user `uid` can run it (a copy others may reach; POSIX). */
const char *kt_self_for(long uid);
#endif
/* The test binary's own path (kt_set_self; Windows: GetModuleFileNameW's, UTF-8). */
const char *kt_self(void);
/* `kobjns-tests --kid MODE ARGS...`: a child started by kobjns_process_create
 * (test_processes.c), reporting through its exit code. */
int kt_kid_main(int argc, char **argv);
/* `--kid abi SECTION MUTEX EVENT SEMAPHORE`: the other word size's part (test_abi.c). */
int kt_abi_kid(int argc, char **argv);
/* The other layout's part of the platform suite's row of two layouts in one tree (POSIX). */
int kt_layout_kid(int argc, char **argv);

/* Suites. Each registers its tests; a suite whose `needs` the platform lacks exits 77. */
typedef struct kt_suite {
  const char *name;
  void (*add)(CU_pSuite suite);
  unsigned needs;
} kt_suite;

#define KT_SUITE(name, needs) void kt_add_##name(CU_pSuite suite);
#include "kt-suites.h"
#undef KT_SUITE
#ifdef KT_HAVE_FACADE
/* The facade suite's C runtime tests (test_facade_crt.c), which kt_add_facade adds. */
void kt_add_facade_crt(CU_pSuite suite);
/* `kobjns-tests --kid winns ...`: the facade suite's second process of a private namespace. */
int kt_facade_namespace_kid(int argc, char **argv);
#endif

#endif
