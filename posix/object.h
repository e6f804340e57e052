/* Named objects in the shm directory: native names, headers, atomic publication, and lifetime
 * held by kernel file locks. Sections and session markers both live on this. */
#ifndef KOBJNS_POSIX_OBJECT_H
#define KOBJNS_POSIX_OBJECT_H

#include "internal.h"

#include <sys/stat.h>
#include <sys/types.h>

#include "format.h" /* kobjns__header and the other stored layouts */

/* Longest header accepted when reading: the fixed part plus a maximal name, page rounded. */
#define KOBJNS__HEADER_MAX (256u * 1024u)

/* Open the directory all objects live in (/dev/shm) and read KOBJNS_ROOT; once per process. */
int kobjns__shm_init(void);
/* The process's tree of names (KOBJNS_ROOT), once kobjns__shm_init has read it. */
const kobjns__tree *kobjns__process_tree(void);
/* Close what kobjns__shm_init opened (library unload), unless a call still uses it (see
 * kobjns__shm_dir_hold); later calls are refused. */
void kobjns__shm_release(void);

/* Native name for an object's canonical path: "kobjns.<root>.<ns>.<escaped leaf>" or, when too
 * long, "kobjns.<root>.<ns>.#<sha256 of the path>". */
void kobjns__native_name(const kobjns__tree *t, const kobjns__name *n,
                         char out[KOBJNS__NATIVE_MAX + 1]);
void kobjns__native_session_name(const kobjns__tree *t, uint32_t session,
                                 char out[KOBJNS__NATIVE_MAX + 1]);

/* Result of opening an existing object by name. */
#define KOBJNS__STALE_FOREIGN (-1) /* only a dead object we may not remove holds the name */
/* A section of a file whose file is no longer at its path (renamed or removed): the name is
 * taken all the same, so a create must not take it for a free name (-2 is mirror.c's). */
#define KOBJNS__FILE_GONE (-3)

/* Open `native` with `oflags` and take a shared lock, skipping (and removing) stale objects, or,
 * with `adopt_stale`, holding them as they are (for objects whose content does not matter).
 * Where objects are apart from their names (kobjns__objects_apart), *fd is the bytes' shm object
 * and *lock_fd the name's file, which holds the lock (else -1: *fd is both).
 * 0 with the descriptors and the bytes' stat (taken with the lock held) filled in, 2, 5, 4, 6 (not
 * a regular file), KOBJNS__STALE_FOREIGN, or 170. */
int kobjns__object_open(const char *native, int oflags, bool adopt_stale, int *fd, int *lock_fd,
                        struct stat *st);
/* A new writable file in the shm directory that no name refers to yet (O_TMPFILE), or, where
 * that is not available, under a unique temporary name written to `tmp` ("" otherwise). */
int kobjns__object_new_file(const kobjns__tree *t, const char *native, int *fd,
                            char tmp[KOBJNS__NATIVE_MAX + 1]);
/* Publish the fully initialised file `fd` as `native`: take its shared lock and link it into
 * place (objects apart: make the name file, *lock_fd, which holds the lock; else -1). 0, or 183
 * when the name exists (nothing published), or an error; on any failure `fd` is closed. The
 * temporary name, if any, is removed in every case. */
int kobjns__object_publish(int fd, const char *tmp, const char *native, int *lock_fd);
/* Where objects are apart from their names, the bytes for the name `native` (NULL: none),
 * guarded by the temporary file `tmp` until published or discarded. */
/* Give up a file from kobjns__object_new_file: close `fd` (unless -1) and remove `tmp`. */
void kobjns__object_discard(int fd, const char *tmp);
/* Whether objects are apart from their names: the name a file of the directory (its lock, owner
 * and record), the bytes a shm object (kobjns__plat_objects_apart). */
bool kobjns__objects_apart(void);
/* The bytes of the object whose name file `name_fd` is (read-only; `st` its stat, then the
 * bytes'): name_fd itself where objects are not apart (not to be closed twice), else a new
 * descriptor. 0, or 170, 1392, ... */
int kobjns__object_data(int name_fd, struct stat *st, int *fd);
/* Whether `lock_fd` (a name's file, or the same file as `fd`) names the bytes `fd`. */
bool kobjns__object_names(int lock_fd, int fd);
/* This process's id, kept current across fork() without a system call. */
int kobjns__pid(void);
/* Drop a descriptor of `native` taken by process `pid`: the last holder removes the name (then
 * true). A descriptor of another process's description (a fork()ed child's copy) is only
 * closed. */
bool kobjns__object_release(int fd, int lock_fd, const char *native, int pid);
/* Keep `fd` (a description of this process's, with its shared lock, or the bytes' beside
 * `lock_fd`, the name's: -1 for none) as `h`; a named one (`native`
 * not NULL nor "": the name, in storage that lives as long as `h` does) is listed, so that fork()
 * gives the child a description and a lock of its own for it, as if the handle were inherited on
 * Windows: the last closer in any process removes the name. */
void kobjns__hold_keep(kobjns__hold *h, int fd, int lock_fd, const char *native);
/* A second hold of the object `from` holds (a duplicated handle): a description of its own,
 * locked shared, so that each hold's release judges "last" for itself; where the file's mode
 * now refuses `from`'s access, a read-only description for the lock and a copy of `from`'s
 * descriptor for I/O. 0, or a status (50 where the system cannot open a file again). */
int kobjns__hold_duplicate(const kobjns__hold *from, kobjns__hold *to, const char *native);
/* The descriptors of a hold for a child process (an inherited handle): as
 * kobjns__hold_duplicate's, kept by no hold of ours (the caller closes them once the child has
 * its copies); and, in the child, a hold made of them again (close-on-exec once more). */
int kobjns__hold_for_child(const kobjns__hold *from, const char *native, int *fd, int *lock_fd);
void kobjns__hold_adopt(kobjns__hold *h, int fd, int lock_fd, const char *native);
/* Move the hold `from` to `to` (a struct that holds one is being copied, its name to `native`);
 * `from` holds nothing. */
void kobjns__hold_move(kobjns__hold *to, kobjns__hold *from, const char *native);
/* fork(): descriptions for the child made before it (the list's lock held from here), closed
 * in the parent after it, put in place in the child. Called by context.c's fork handlers, after
 * the library's own locks are taken (init, then the handle table's), so that one order holds. */
void kobjns__holds_before_fork(void);
void kobjns__holds_in_parent(void);
void kobjns__holds_in_child(void);
/* Drop `h` (of `native`, "" for none): the last holder removes the name (then true). */
bool kobjns__hold_release(kobjns__hold *h, const char *native);
/* The shm directory's descriptor, held for one use: >= 0 until kobjns__shm_dir_drop, or -1
 * (EBADF) once the library's teardown has begun. Every use of the descriptor is held: teardown
 * closes it only when nobody holds it. */
int kobjns__shm_dir_hold(void);
void kobjns__shm_dir_drop(void);
/* The descriptor itself, for a caller that holds it. */
int kobjns__shm_dir(void);
/* The layout's first part of every native name, "kobjns." or "kobjnsa." (objects apart from
 * their names): its length, and *prefix. */
size_t kobjns__layout_prefix(const char **prefix);
/* "kobjns.<root>." (the layout's prefix, the root, a dot): every native name of the tree `t`
 * starts with it. */
#define KOBJNS__TREE_PREFIX_MAX 48
size_t kobjns__tree_prefix(const kobjns__tree *t, char out[KOBJNS__TREE_PREFIX_MAX]);
/* Whether the creator of the temporary file "kobjns.<root>.tmp.<rest>" has died. */
bool kobjns__temp_creator_died(const char *rest);
/* Remove `native` (open as `fd`) if nobody holds it, judged with its lock held: 1 removed, 0
 * held or already gone (or given to another file), -1 another user's object that the sticky shm
 * directory keeps. */
int kobjns__object_remove_stale(int fd, const char *native);
/* inspect.c: called by every create and open; at most every 50 ms, one of them sweeps the next
 * few entries of the tree for what dead processes left (stale objects, unpublished files). */
void kobjns__reclaim_step(const kobjns__tree *t);
/* The temporary file `tmp` guarding bytes without a name (objects apart), if its creator died:
 * its bytes removed unless their name was published, then the guard (`dry_run`: nothing
 * removed). 1 removed (or would be), 0 held or gone, -1 another user's. */
int kobjns__object_remove_guard(const char *tmp, bool dry_run);
/* Whether `native` exists with at least one live holder (removes nothing). */
int kobjns__object_alive(const char *native, bool *alive);

/* Whether the section header `h`, read from the file `st` describes, is well formed: its sizes
 * add up to the file's, its path fits in it, its descriptor is valid (the path is not read).
 * The descriptor, converted from its stored form, goes to `sd`. */
bool kobjns__section_header_valid(const kobjns__header *h, const struct stat *st, kobjns__sd *sd);
/* The system page size, read once. */
uint32_t kobjns__page_size(void);

/* file.c: mark the description `fd` (open for reading) as a section's of the file, which keeps
 * the file from being made shorter (SetEndOfFile's 1224): 0 or an errno. */
int kobjns__file_mapped_take(int fd);
/* section.c: the stored file (kobjns__stored_file and its path, malloc'd) of a section of the
 * file a->file, for its header. */
int kobjns__section_backing(const kobjns__create_args *a, void **out, uint32_t *len);

/* --- typed objects (named.c): sections, mutexes, events, semaphores ------------------------- */

/* The r (04), w (02) and x (01) bits a descriptor grants `t` on an object owned by `owner`,
 * whatever its session (the kernel cannot tell sessions apart). */
typedef unsigned (*kobjns__granted_bits_fn)(const kobjns__sd *sd, uint32_t owner, kobjns__token t,
                                            bool read_only);
/* The mode closest to the descriptor that never lets the kernel grant more than it does: the
 * owner class gets what `granted_bits` gives the owner (`creator` with the owner's uid); group
 * and other what the least-favoured other user gets (every user or group an ACE names is
 * tried). Root is always checked by the library alone. */
mode_t kobjns__mode_for(kobjns__granted_bits_fn granted_bits, const kobjns__sd *sd,
                        const kobjns__token *creator, uint32_t owner, bool read_only);

/* What differs by type in the shm directory; named.c does the rest. */
struct kobjns__named;
typedef struct kobjns__named_type {
  kobjns_type type;
  /* The r (04) and w (02) mode bits the descriptor grants `t` whatever its session (the kernel
   * cannot tell sessions apart); `read_only` objects never get w. */
  kobjns__granted_bits_fn granted_bits;
  /* Whether an open for `desired` opens the file for writing (else read-only). */
  bool (*open_writable)(unsigned desired);
  /* The file's bytes after the header for a create. */
  uint64_t (*file_size)(const kobjns__create_args *a);
  /* Take what the type needs of an object just opened (`n`, opened writable if `writable` was
   * asked) into o->os and report its facts: 0, or a status (the caller releases the file). */
  int (*adopt)(kobjns__object *o, const struct kobjns__named *n, bool writable,
               kobjns__facts *facts);
  /* Fill a new file's bytes after `header_size` before anyone can reach it, keeping what the
   * handle needs in o->os (may be NULL); undo that when the object could not be published. */
  int (*init)(int fd, uint32_t header_size, const kobjns__create_args *a, kobjns__object *o);
  void (*unpublished)(kobjns__object *o);
  /* Drop what adopt or init took (may be NULL). */
  void (*release)(kobjns__object *o);
  /* A duplicated handle `to` takes what `from` holds of the type's (may be NULL: nothing); with
   * `move` (the source is being closed) what belongs to the handle moves too. */
  void (*share)(kobjns__object *to, kobjns__object *from, bool move);
} kobjns__named_type;

/* The types' parts: section.c, sync.c and thread.c. */
extern const kobjns__named_type kobjns__posix_section, kobjns__posix_mutex, kobjns__posix_event,
    kobjns__posix_semaphore, kobjns__posix_thread, kobjns__posix_timer, kobjns__posix_process;

/* An object opened or created: its descriptor (holding the shared lock), the stat taken with the
 * lock held, its header, its security descriptor (in memory form), and whether the descriptor
 * may write. */
typedef struct kobjns__named {
  int fd;
  int lock_fd; /* the name's file, where objects are apart from their names; else -1 */
  bool fd_writable;
  struct stat st;
  kobjns__header h;
  kobjns__sd sd;
} kobjns__named;

/* Open `native` (the native name of `name`) as an object of `type` for `desired` (mapped
 * rights), read-write when `want_write` (falling back to read-only when the kernel refuses
 * writing: see fd_writable). 0; 2, 5 (*why says which check), 6 (another type), 1392,
 * KOBJNS__STALE_FOREIGN, 170, ... */
int kobjns__named_open(const kobjns_ctx *ctx, const kobjns__name *name, const char *native,
                       uint16_t type, unsigned desired, bool want_write, kobjns__named *out,
                       kobjns_denial *why);

typedef struct kobjns__named_create_args {
  const kobjns__named_type *type;
  const kobjns__name *name; /* NULL for an unnamed object */
  const char *native;       /* its native name */
  uint32_t flags;           /* KOBJNS__FLAG_* */
  uint64_t size;            /* bytes after the header */
  uint64_t section_size;    /* the header's size when it is not `size` (a file's) */
  const void *backing;      /* KOBJNS__FLAG_FILE: the stored file and its path */
  uint32_t backing_len;
  const kobjns__sd *sd;              /* NULL: the default (creator, SYSTEM, administrators) */
  const kobjns__create_args *create; /* for the type's init */
  kobjns__object *object;            /* the handle's object, for the type's init */
} kobjns__named_create_args;

/* Create a new object and publish it: 0, 183 when another creator won the name (nothing made),
 * or an error. out->st is not filled (init has the descriptor, if it needs to stat it). */
int kobjns__named_create(const kobjns_ctx *ctx, const kobjns__named_create_args *a,
                         kobjns__named *out);

/* --- sync objects (sync.c) ------------------------------------------------------------------ */

/* The state of the mutex, event or semaphore (`type`: KOBJNS__TYPE_*) in the file `fd`, whose
 * state page starts at `header_size`, in a few words ("free", "owned by thread 42", "abandoned";
 * "signaled, manual reset"; "count 1 of 4"), into out (always NUL-terminated; "" when the page
 * cannot be read or does not hold that type). Read with pread: nothing is mapped or locked. */
void kobjns__sync_describe(int fd, uint32_t header_size, uint16_t type, char *out, size_t size);

/* thread.c: a thread object's own part of the type (its page is an event's). */
int kobjns__thread_init(int fd, uint32_t header_size, const kobjns__create_args *a,
                        kobjns__object *o);
void kobjns__thread_release(kobjns__object *o);
void kobjns__thread_share(kobjns__object *to, kobjns__object *from, bool move);
/* A thread's page (sync.c), for posix/thread.c: another hold on the process's mapping of it (the
 * running thread's own, which outlives every handle), its release; the end of the thread (its
 * exit code kept, the page signaled for every waiter, now and later); and whether it ended, with
 * its exit code. */
void kobjns__sync_map_hold(struct kobjns__sync_map *m);
void kobjns__sync_map_drop(struct kobjns__sync_map *m);
void kobjns__sync_thread_end(struct kobjns__sync_map *m, uint32_t exit_code);
bool kobjns__sync_thread_ended(struct kobjns__sync_map *m, uint32_t *exit_code);

/* thread.c: the calls queued to a thread (user APCs). The calls are a lock-free list: queuing
 * pushes one and bumps the queue's word, which an alertable sleeper watches with its other
 * words; the thread takes them and runs them in order. Its timers' routines are under a lock
 * (a fork()ed child never uses its parent's queues: each knows its process). */
typedef struct kobjns__alerts kobjns__alerts;
/* The calling thread's queue (made on its first use by a thread kobjns did not start): NULL
 * when there is no memory for it. */
kobjns__alerts *kobjns__alerts_mine(void);
/* The word to sleep on, and its value now: a call queued after this read changes it. */
uint32_t *kobjns__alerts_word(kobjns__alerts *a);
bool kobjns__alerts_pending(const kobjns__alerts *a);
/* Run every queued call, in the order queued, those queued meanwhile too. */
void kobjns__alerts_run(kobjns__alerts *a);
/* fork()'s child handler: the calling thread's queue and thread record are the parent's. */
void kobjns__alerts_in_child(void);

/* Timers' completion routines (thread.c): a routine belongs to the thread that set it, which
 * looks at its timers in its alertable waits (a routine runs there only, as an APC would) and
 * queues a call for each expiry it has not seen. The thread's end cancels its timers, as on
 * Windows. */
typedef struct kobjns__timer_reg kobjns__timer_reg;
/* Give the calling thread the routine `c` for the timer of `m`, set as setting `setting` (the
 * timer has expired `expiries` times so far): 0 or 8. Called with the timer's guard held. */
int kobjns__timer_reg_make(struct kobjns__sync_map *m, const kobjns__completion *c,
                           uint32_t setting, uint32_t expiries, kobjns__timer_reg **out);
/* Take the routine from its thread; with `stop`, stop the timer too if its setting still holds. */
void kobjns__timer_reg_free(kobjns__timer_reg *r, bool stop);
/* The calling thread's timers (alertable waits): calls queued for what expired; the earliest time
 * one is due next (CLOCK_MONOTONIC ns; 0: none). */
int64_t kobjns__alerts_poll_timers(kobjns__alerts *a);
/* sync.c, for thread.c: look at a timer's page (signaling it if due); its expiries, the setting
 * it is in, when it is due next (0: not set), and when it was last due (FILETIME units); stop it
 * if it is still in setting `setting`. */
void kobjns__sync_timer_look(struct kobjns__sync_map *m, uint32_t *expiries, uint32_t *setting,
                             int64_t *due, uint64_t *last_due);
void kobjns__sync_timer_stop(struct kobjns__sync_map *m, uint32_t setting);

/* process.c: a process's own part of the type (its page is an event's), another process's
 * first thread (a thread object whose create had no function: a resume lets a suspended child
 * run its program), and the watcher's end (the library's unload). */
int kobjns__process_init(int fd, uint32_t header_size, const kobjns__create_args *a,
                         kobjns__object *o);
void kobjns__process_release(kobjns__object *o);
void kobjns__process_share(kobjns__object *to, kobjns__object *from, bool move);
int kobjns__process_thread_resume(kobjns__object *o, uint32_t *previous);
void kobjns__process_thread_query(kobjns__object *o, uint32_t *exit_code, uint32_t *id);
void kobjns__processes_release(void);
/* A copy of the process handle (pidfd) of the process of `o` (close-on-exec), *pid its id; -1
 * with errno ESRCH (it ended) or ENOTSUP (none here). */
int kobjns__process_pidfd(kobjns__object *o, long *pid);
/* mirror.c: the handle table's mirror, let go at the library's unload. */
void kobjns__mirror_release(void);
/* The fork handlers of process.c and mirror.c, registered at the library's load (after the
 * handle table's: their child handlers run after it has let go of its lock). */
void kobjns__processes_fork_handlers(void);
/* sync.c's, registered before process.c's (a process record's lock is taken before the maps'
 * lock: fork's prepare handlers, run in reverse order, take them in that order too). */
void kobjns__sync_fork_handlers(void);
void kobjns__mirror_fork_handlers(void);

/* file.c: a File handle's descriptor, closed and duplicated (named.c's close and duplicate); a
 * descriptor moved above the standard streams' numbers (-1 with errno on failure); and a write
 * of all of `size` bytes that never raises SIGPIPE: 0 or the errno (EPIPE). */
int kobjns__fd_above_std(int fd);
int kobjns__write_quietly(int fd, const void *buffer, uint32_t size);
void kobjns__file_close(kobjns__object *o);
int kobjns__file_duplicate(kobjns__object *from, kobjns__object *to);

/* A shared flock on `fd`, waiting a bounded time for an exclusive holder: 0, 170 or a status. */
int kobjns__lock_shared(int fd);

/* --- private namespaces (namespace.c) ----------------------------------------------------- */

/* The directory of the namespace `ns` (its id) in the tree `t`, "kobjns.<root>.ns.<id>", written
 * to out (NUL-terminated): its length. */
size_t kobjns__namespace_dir(const kobjns__tree *t, const char *ns, char *out);
/* Whether the directory of the namespace of `n` (an object name inside one) is there for `t`: 0,
 * or 3 (not in this tree, or gone). */
int kobjns__namespace_reachable(const kobjns__tree *t, const kobjns__name *n);
/* The mode bits an object of the namespace of `n` may have: no class the namespace's directory
 * keeps out gets any (where objects are apart from their names, their bytes are outside the
 * directory, and only their own mode keeps others from them). */
mode_t kobjns__namespace_mask(const kobjns__tree *t, const kobjns__name *n);
/* Close a namespace handle: its hold goes; the last one removes the record, and the directory
 * once it is empty. */
void kobjns__namespace_close(kobjns__object *o);
/* The name `native` ("<namespace directory>/<name>": an object's, or the record) was removed by
 * its last holder: the directory goes too once it is empty (a namespace still held keeps its
 * record there). */
void kobjns__namespace_left(const char *native);
/* Inspection (inspect.c) of the namespace directory `dir` of the object directory `shm` (its id
 * `id`, its stat `dir_st`): its record opened read-only as *fd (-1 when it cannot be: else the
 * caller closes it) with its stat in *st; when it is a record kobjns made for that directory, 0
 * with its descriptor in *sd and `words` (NUL-terminated, cut at `size`) what it says: its state,
 * alias and boundary, 'ready; alias "a"; boundary "b" {S-1-22-1-0, BA}', and "; untrusted: ..."
 * when openers pass it over (`words` NULL: not made, and the account database, which that asks
 * for the owner's groups, is not asked). Else 2 (no record: its last handle is gone), 5 (the kernel
 * keeps the caller out of the directory), 1392 (*fd may be open: not such a record), 4, 8. */
int kobjns__namespace_look_at(int shm, const char *dir, const char *id, const struct stat *dir_st,
                              int *fd, struct stat *st, kobjns__sd *sd, char *words, size_t size);
/* The sweep: remove the record `fd` (open) of the namespace directory `dir`, and the directory
 * when that leaves it empty, if no handle holds it (judged by taking its lock, as openers do): 1
 * removed, 0 held, or not ours to remove. */
int kobjns__namespace_sweep_record(int shm, const char *dir, int fd);

/* Status for an errno from the OS. */
int kobjns__status_from_errno(int err);

#endif
