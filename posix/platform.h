/* The platform contract: every operating-system fact the emulated object manager needs that
 * POSIX does not give, in one place (as mimalloc's src/prim/prim.h does for its allocator).
 *
 * The rest of posix/ (object.c, named.c, section.c, sync.c, context.c, inspect.c, view.c) is
 * portable POSIX C that calls these functions and never names a system: no <linux/...>, no
 * system call numbers, no /proc paths, no Linux-only flags. One file implements the contract
 * for one system (platform-linux.c); another system is another such file, chosen in meson.build.
 *
 * Rules every implementation keeps:
 * - Functions report facts; policy stays in the callers. Errors are errno values (0 = done),
 *   and ENOTSUP always means "this system cannot do that": the caller has a portable fallback.
 * - Liveness never guesses: a question about another thread or process is answered ALIVE, GONE
 *   or UNKNOWN, and whatever the process cannot see (a hidden /proc, another pid namespace, a
 *   missing facility) is UNKNOWN, which callers treat as alive.
 * - Nothing here keeps per-object state beyond the shared pages it is told of
 *   (kobjns__plat_shared_page); per-process state is set up on first use and safe to use from any
 *   thread. */
#ifndef KOBJNS_POSIX_PLATFORM_H
#define KOBJNS_POSIX_PLATFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

/* --- the object directory --------------------------------------------------------------------- */

/* The directory every object file lives in, as shown to users ("/dev/shm"). */
const char *kobjns__plat_shm_path(void);
/* A descriptor of that directory for the *at() calls, close-on-exec (Linux: O_PATH, which needs
 * no read permission on it): >= 0, or -errno. */
int kobjns__plat_shm_open_dir(void);

/* Whether objects keep their bytes in shared memory objects (shm_open(3)) apart from the files
 * of the object directory that carry their names, holds (flock) and owners: true where flock(2)
 * does not work on shm_open descriptors or those cannot be listed (macOS), and so on the generic
 * platform, which assumes no more than POSIX. Linux: false (a /dev/shm file is all of it). */
bool kobjns__plat_objects_apart(void);
/* 64 random bits (names no one can guess). Linux: getrandom. */
uint64_t kobjns__plat_random(void);

/* --- publishing a file atomically ------------------------------------------------------------- */

/* A new read-write file in `dir` that no name refers to (Linux: O_TMPFILE), mode 0600: 0 with
 * *fd, ENOTSUP when the system (or the file system, or a missing /proc) cannot make one that
 * kobjns__plat_link_unnamed can later name, or another errno. */
int kobjns__plat_new_unnamed(int dir, int *fd);
/* Give the unnamed file `fd` (from kobjns__plat_new_unnamed) the name `name` in `dir`, never
 * replacing anything: 0, EEXIST, or another errno (Linux: linkat of /proc/self/fd/N). */
int kobjns__plat_link_unnamed(int fd, int dir, const char *name);
/* Rename `from` to `to` in `dir` unless `to` exists, atomically: 0, EEXIST, ENOTSUP when the
 * system or file system cannot (then the caller links and unlinks), or another errno (Linux:
 * renameat2(RENAME_NOREPLACE)). */
int kobjns__plat_rename_noreplace(int dir, const char *from, const char *to);
/* Whether the kernel lets only a file's owner, or whoever may read and write it, give it another
 * name with link(2) (Linux: fs.protected_hardlinks = 1). Unknown answers false. */
bool kobjns__plat_hardlinks_protected(void);

/* A new open file description of the file `fd` is open on, close-on-exec, with the same access
 * or read-only (a forked child's hold of its own: flock(2) locks belong to descriptions): >= 0,
 * or -errno (-EACCES when the file's mode now refuses that access); -ENOTSUP where the system
 * has no way (then the child shares its parent's). Linux: /proc/self/fd. */
int kobjns__plat_reopen(int fd, bool read_only);
/* The absolute path the open file `fd` was reached by (malloc'd), or NULL (errno set). Linux:
 * readlink of /proc/self/fd/N. */
char *kobjns__plat_fd_path(int fd);
/* `path` opened for its attributes alone (fstat), where its mode refuses reading: >= 0 or -1
 * (errno). Linux: O_PATH. */
int kobjns__plat_open_for_attributes(const char *path);

/* --- share modes: byte-range locks that belong to an open file description --------------------
 * One byte each, far past any data; a lock is the kernel's (it goes with the last descriptor of
 * the description, a killed process's too) and is taken without blocking. Linux: OFD locks. */
/* Take (shared) or drop the byte `at` for the description of `fd` (open for reading): 0 or an
 * errno (ENOTSUP where the system has no such locks). */
int kobjns__plat_range_share(int fd, off_t at, bool take);
/* Whether another description holds the byte `at` of the file of `fd`: 1, 0, or -errno. */
int kobjns__plat_range_held_by_other(int fd, off_t at);

/* Which of `pages` pages from `addr` (page-aligned) are private copies, written since their
 * mapping was made copy-on-write (or anonymous memory): out[i] 1 or 0. 0 or an errno (ENOTSUP
 * where the system cannot tell). Linux: /proc/self/pagemap, a present page that is no file page,
 * or a swapped one. */
int kobjns__plat_pages_private(const void *addr, size_t pages, unsigned char *out);

/* --- mapping ---------------------------------------------------------------------------------- */

/* mmap(2), but with `base` non-NULL the mapping is made exactly there or not at all, never
 * replacing what is mapped there: 0 with *out, EEXIST when the range is taken, or an errno
 * (Linux: MAP_FIXED_NOREPLACE, checked against kernels that take it as a hint). */
int kobjns__plat_map(void *base, size_t length, int prot, int flags, int fd, off_t offset,
                     void **out);

/* --- threads and their liveness --------------------------------------------------------------- */

/* A thread as another process can recognise it: ids are reused, so the start time and the pid
 * namespace are part of the identity; and exec() keeps the ids and the start time of the thread
 * that calls it while the program it ran is gone, so the process image is too. 0 in `start`, `ns`
 * or `image` means "not known". */
typedef struct kobjns__plat_thread {
  uint32_t tid;   /* the system's thread id (Linux: gettid) */
  uint32_t pid;   /* its process (0: not known; the id alone is asked about) */
  uint64_t start; /* when it started, in the system's unit (Linux: clock ticks since boot) */
  uint64_t ns;    /* its pid namespace (Linux: the inode of /proc/self/ns/pid) */
  uint64_t image; /* its process image's mark (kobjns__plat_image_mark) */
} kobjns__plat_thread;

/* The calling thread's id alone (Linux: gettid): cheap, no /proc. */
uint32_t kobjns__plat_thread_id(void);
/* The calling thread, its image marked (kobjns__plat_image_mark) on the first call of the
 * process. Cheap after the first call in a thread; a fork()ed child's threads are new threads
 * (the caller keeps its own cache and drops it in the child). */
void kobjns__plat_thread_self(kobjns__plat_thread *out);

enum kobjns__plat_liveness {
  KOBJNS__PLAT_ALIVE = 1,
  KOBJNS__PLAT_GONE = 0,
  KOBJNS__PLAT_UNKNOWN = -1 /* cannot be seen from here: callers treat it as alive */
};
/* Whether thread `t` still runs. GONE only on proof: this process's pid namespace is `t`'s
 * (both known), and the system says no such thread, or a thread of that id with another start
 * time, or a zombie. A thread of another namespace, or one hidden from us (/proc mounted
 * hidepid=2, another uid), is UNKNOWN, or ALIVE when the system confirms it exists. */
enum kobjns__plat_liveness kobjns__plat_thread_liveness(const kobjns__plat_thread *t);
/* Mark the calling process image, so that any process sharing the object directory can tell when
 * it ends: by a lock that the kernel drops when the process exits or calls exec(), and that only
 * this image holds (Linux: an open-file-description read lock on the object directory, opened
 * close-on-exec, at an offset drawn at random). Returns the mark (0: this system cannot), made on
 * the first call and the same after; a fork()ed child gets a mark of its own and keeps none of
 * its parent's. Nobody can take the lock away (the directory cannot be opened for writing, so no
 * one holds a conflicting lock); anyone can add one at a mark's offset, which only makes an image
 * that ended look alive to this question, never the reverse. */
uint64_t kobjns__plat_image_mark(void);
/* Whether the image that made `mark` still runs: GONE once its lock is gone, UNKNOWN for mark 0
 * or when the system cannot tell. Valid across pid namespaces that share the directory. */
enum kobjns__plat_liveness kobjns__plat_image_liveness(uint64_t mark);
/* Register the mark's fork handlers now (the library's load): registered before the library's
 * other handlers, their lock is taken last before a fork and let go first after it. */
void kobjns__plat_image_fork_handlers(void);
/* Drop the mark (the library is being unloaded: its descriptor must not outlive it). */
void kobjns__plat_image_release(void);
/* Whether process `pid` of this pid namespace exists (kill(pid, 0): ESRCH gone, else alive). */
enum kobjns__plat_liveness kobjns__plat_process_liveness(long pid);

/* --- processes -------------------------------------------------------------------------------- */

/* A descriptor that stays open on process `pid` (ids are reused; it is not) and that poll(2)
 * reports readable once the process has ended, close-on-exec: 0 with *fd; ESRCH (no such
 * process); ENOTSUP where the system has none (Linux: pidfd_open, 5.3). */
int kobjns__plat_process_handle(long pid, int *fd);
/* Collect the end of child `fd` (a kobjns__plat_process_handle of a child of ours) without
 * waiting: 0 with *signal 0 and *code its exit status, or *signal the signal that killed it;
 * EAGAIN while it runs; ECHILD when it is not our child or someone reaped it first (Linux:
 * waitid(P_PIDFD), 5.4). */
int kobjns__plat_process_reap(int fd, int *code, int *signal);
/* Whether the process of `fd` is a child of ours not yet collected (Linux: waitid(P_PIDFD,
 * WNOWAIT)); true when the system cannot tell. */
bool kobjns__plat_process_is_child(int fd);
/* Send `signal` to the process of `fd` (never to a later process of its id): 0, ESRCH (it has
 * ended), EPERM (the kernel refuses this process: kill(2)'s rule). Linux: pidfd_send_signal. */
int kobjns__plat_process_signal(int fd, int signal);
/* The handle table's mirror (posix/mirror.c), which another process reads to duplicate one of our
 * handles: a new anonymous shared file, close-on-exec, that dies with the process (Linux:
 * memfd_create("kobjns-handles")): 0 with *fd, ENOTSUP, or an errno. */
int kobjns__plat_mirror_create(int *fd);
/* The mirror of process `pid` (`pidfd` its process handle), as a descriptor of ours: 0 with *fd;
 * ENOENT (it has none: no handle, or not a kobjns process); EPERM (the kernel refuses us its
 * descriptors: its ptrace check); ENOTSUP (no way on this system). Linux: its memfd found in
 * /proc/<pid>/fd, taken with pidfd_getfd (5.6). */
int kobjns__plat_mirror_of(int pidfd, long pid, int *fd);
/* Process `pidfd`'s descriptor `fd` as one of ours (close-on-exec; the same open file
 * description): 0 with *out, EBADF (it has no such descriptor), EPERM, ENOTSUP. */
int kobjns__plat_take_fd(int pidfd, int fd, int *out);
/* Whether this process was started with more privilege than its starter had (set-user-ID and
 * the like: its environment is the starter's to choose, not to be trusted). Linux:
 * getauxval(AT_SECURE). */
bool kobjns__plat_secure_exec(void);
/* A pipe, both ends close-on-exec from the start (Linux: pipe2): 0 or an errno. */
int kobjns__plat_pipe(int fds[2]);
/* The id of process `pid`'s first thread (Linux: the pid itself), 0 when not known. */
uint32_t kobjns__plat_first_thread_id(long pid);
/* The directory of the calling program's file, where Windows looks for a program first
 * (Linux: /proc/self/exe): 0, or an errno (ENOTSUP, ENAMETOOLONG, ...). */
int kobjns__plat_program_dir(char *out, size_t size);
/* Start `path` with `argv` and `envp`, in `dir` (NULL: ours), its standard streams `std_fds`
 * (-1: ours; each >= 3), with the descriptors `keep` (each >= 3) open
 * in it at their numbers (every other close-on-exec descriptor closed): 0 with *pid, or the
 * errno of the start or of exec(2). With `resume` non-NULL the child is held before exec(2)
 * until a byte is written to *resume (a descriptor of ours, close-on-exec), or ends with exit
 * status 127 if *resume is closed first; an exec failure after that shows as exit status 127
 * only. Linux: posix_spawn (posix_spawn_file_actions_addchdir_np), fork for a held child. */
int kobjns__plat_spawn(const char *path, char *const argv[], char *const envp[], const char *dir,
                       const int std_fds[3], const int *keep, size_t nkeep, int *resume, long *pid);

/* --- sleeping on shared words ----------------------------------------------------------------- */

/* Bytes at the end of every page of shared words that belong to the platform: zero when the page
 * is made, and the same offsets in every process (format.h keeps them in the sync page). */
#define KOBJNS__PLAT_SLEEPERS_SIZE 512
#define KOBJNS__PLAT_SHARED_PAGE 4096 /* bytes: the same on every system (a sync page) */
/* A page of shared words (KOBJNS__PLAT_SHARED_PAGE bytes at `page`, aligned to them, mapped shared,
 * its last KOBJNS__PLAT_SLEEPERS_SIZE bytes the platform's) is mapped (`mapped`, after mmap) or is
 * about to be unmapped (!mapped): sleepers on its words and their wakers, in any process, meet
 * there. A word in no such page is the process's own. Linux: nothing (futexes find each other by
 * the word's file and offset). */
void kobjns__plat_shared_page(void *page, bool mapped);
/* Sleep while *word == value, until `deadline` (CLOCK_MONOTONIC, absolute; NULL: none), woken by
 * kobjns__plat_wake from any process that maps the word. May return early (a signal, a spurious
 * wake): callers look again. Linux: futex(FUTEX_WAIT_BITSET), shared (not private). */
void kobjns__plat_wait(uint32_t *word, uint32_t value, const struct timespec *deadline);
/* Wake up to `count` sleepers of `word` (INT_MAX: all). */
void kobjns__plat_wake(uint32_t *word, int count);
/* The most words kobjns__plat_wait_any takes: a wait's 64 objects (MAXIMUM_WAIT_OBJECTS) and its
 * thread's queue of calls. */
#define KOBJNS__PLAT_WAIT_WORDS 65
/* Sleep until one of `count` words (count <= KOBJNS__PLAT_WAIT_WORDS) may differ from its value, or
 * `deadline`; may return early. Linux: futex_waitv (5.16). Without a multi-word sleep (older
 * kernels, valgrind, a sandbox refusing it) it sleeps on the first word only, until `fallback`
 * (which the caller makes no later than `deadline`), so that the caller looks at the others: slower
 * to notice, never blind. */
void kobjns__plat_wait_any(uint32_t *const *words, const uint32_t *values, size_t count,
                           const struct timespec *deadline, const struct timespec *fallback);

/* Whether `name`, an entry of the object directory outside every tree, is a file of the
 * platform's own that a process which ended left (a sleeping thread's wake-up socket): then
 * removed unless `dry_run`. 1 removed (or would be), 0 not such a file or still in use, -1 one
 * that another user's process left, which the sticky directory keeps. Linux: 0 (none). */
int kobjns__plat_sweep_file(int dir, const char *name, bool dry_run);

/* --- identity --------------------------------------------------------------------------------- */

/* The login session of the process (Linux: the audit session, /proc/self/sessionid); false when
 * there is none ("no login session": a system service) or it cannot be told. */
bool kobjns__plat_login_session(uint32_t *session);

/* --- who holds locks (inspection only) -------------------------------------------------------- */

/* Call fn once for every flock(2) lock held on the system that this process may see, with the
 * file's device (as in st_dev), inode and holder pid. 0 with *known; *known false when the system
 * cannot list locks (nothing called); ENOMEM, EMFILE, ... or fn's non-zero return otherwise.
 * Linux: /proc/locks. */
int kobjns__plat_flock_holders(int (*fn)(void *arg, uint64_t dev, uint64_t ino, int pid), void *arg,
                               bool *known);
/* Whether kobjns__plat_flock_holders shows every process's locks (Linux: only in the initial pid
 * namespace; a container's reader misses the host's holders). */
bool kobjns__plat_sees_every_holder(void);

#endif
