/* The backend contract: what posix/ and win32/ each implement, with the same file names on
 * both sides. Entry points in src/ validate their arguments once and call exactly one of these;
 * a backend reports facts (kobjns__facts) and statuses (Win32 error values), never re-validates,
 * and never decides policy: which rights a handle gets and whether a create may make a new
 * object are the core's (src/object.c), passed in. */
#ifndef KOBJNS_BACKEND_H
#define KOBJNS_BACKEND_H

/* context.c */
/* Set the backend up for this process: called once, before any other function here. */
int kobjns__os_init(void);
/* Fill the process identity (uid, groups, administrator, login session when KOBJNS_SESSION is
 * not set: `*session_known` false means "let the core default to 0"). */
int kobjns__os_process_identity(kobjns__token *token, bool *session_known);
/* Make `ctx` a member of its session (the session exists while a member lives). */
int kobjns__os_ctx_attach(kobjns_ctx *ctx);
void kobjns__os_ctx_detach(kobjns_ctx *ctx);
/* A new context's settings from `from` (POSIX: its tree of names), without the membership. */
void kobjns__os_ctx_inherit(kobjns__os_ctx *to, const kobjns__os_ctx *from);
/* Put `ctx` in the tree of names `root` (valid): its membership moves there, as a change of
 * session moves it (a failure changes nothing); 50 where there are no trees (Windows). */
int kobjns__os_ctx_set_root(kobjns_ctx *ctx, const char *root);
/* Move the membership `from` holds to `to` (the context's struct is being replaced). */
void kobjns__os_ctx_move(kobjns__os_ctx *to, kobjns__os_ctx *from);
/* Whether session `session` currently exists: 0 with *exists set, or a status when that cannot
 * be told (no descriptor left): never "absent" for an error. Removes nothing. */
int kobjns__os_session_exists(const kobjns_ctx *ctx, uint32_t session, bool *exists);
/* The groups of user `uid`, for a context acting as it (root only: 1314 otherwise). */
int kobjns__os_user_groups(uint32_t uid, kobjns__token *token);
/* The lock around the making of the process's default context (made again after a failure, so
 * that a transient one does not stay). On POSIX it is taken around fork(), as the registry's. */
void kobjns__os_init_lock(void);
void kobjns__os_init_unlock(void);
/* The one lock of the handle table's changes. On POSIX it is taken around fork(), so that a
 * child never inherits it held by a thread it lacks. */
void kobjns__os_registry_lock(void);
void kobjns__os_registry_unlock(void);

/* object.c (POSIX: named.c): every type */
/* Carry out the create `a`: 0 with a new object, or 183 with the existing object of the name
 * opened for a->existing_access (a->may_create false: 5 when there is none); 6 when another type
 * holds the name. Fills o->os and *facts. */
int kobjns__os_create(const kobjns_ctx *ctx, const kobjns__create_args *a, kobjns__object *o,
                      kobjns__facts *facts);
/* Open the existing object `name` of `type` for `desired` (mapped, nonzero). */
int kobjns__os_open(const kobjns_ctx *ctx, const kobjns__name *name, kobjns_type type,
                    unsigned desired, kobjns__object *o, kobjns__facts *facts);
void kobjns__os_close(kobjns__object *o);
/* Make `to` (its portable fields filled from `from`'s, its access decided) a second handle of
 * the object of `from`: a hold of its own, so that the object lives while either does. With
 * `move` (`from` is closed next), what belongs to the handle (a timer's routine) moves to `to`. */
int kobjns__os_duplicate(kobjns__object *from, kobjns__object *to, bool move);

/* namespace.c: private namespaces (a handle of type KOBJNS_TYPE_DIRECTORY; closed by
 * kobjns__os_close) */
/* Whether a boundary may name the SID `ace` here: 0, or 50 where the system cannot vouch for it
 * (POSIX: a session, in IU). */
int kobjns__os_boundary_sid_supported(const kobjns__ace *ace);
/* Whether integrity levels exist here: 0, or 50. */
int kobjns__os_boundary_integrity_supported(void);
/* Create the namespace `a` for `ctx`: 0 with o->os filled and its id in ns[] (unique among the
 * namespaces of the system, for paths); 183 (it exists: nothing opened); 5 (the caller is not
 * inside the boundary); 170; ... */
int kobjns__os_namespace_create(const kobjns_ctx *ctx, const kobjns__namespace_args *a,
                                kobjns__object *o, char ns[KOBJNS__NS_ID_MAX + 1]);
/* Open the existing namespace `a` for the rights of `desired` (directory rights, mapped) its
 * descriptor grants (MAXIMUM_ALLOWED): 0 with o->os, ns[] and *granted (never 0); 2 (none: not
 * open anywhere, destroyed, or not made by someone inside the boundary); 5 (none granted). */
int kobjns__os_namespace_open(const kobjns_ctx *ctx, const kobjns__namespace_args *a,
                              unsigned desired, kobjns__object *o, char ns[KOBJNS__NS_ID_MAX + 1],
                              unsigned *granted);
/* kobjns_namespace_explain: the open kobjns__os_namespace_open makes (for every right the
 * descriptor grants), closed at once, its status, and *why the case of a 2 or a 5 (kobjns.h). */
int kobjns__os_namespace_explain(const kobjns_ctx *ctx, const kobjns__namespace_args *a,
                                 kobjns_denial *why);
/* Destroy the namespace of `o` (the core checked DELETE): no open finds it again; its objects,
 * and `o` until it is closed, keep working. 0, or 5 (the system refuses the caller). */
int kobjns__os_namespace_destroy(kobjns__object *o);

/* section.c */
/* Map a view of `kind` (executable with `exec`), the core having checked the handle's access
 * and the section's protection where known: at `base` exactly (487 when that range is taken),
 * or anywhere for NULL. */
int kobjns__os_section_map(kobjns__object *s, kobjns__view kind, bool exec, uint64_t offset,
                           size_t length, void *base, void **addr);
int kobjns__os_unmap(void *addr);
/* view.c: the view holding `addr` (not NULL), its access as kobjns_view_query() says it; 487
 * for none. */
int kobjns__os_view_query(const void *addr, kobjns_view_info *info);
/* kobjns_view_copy_on_write and kobjns_view_copied: the range checked non-NULL (the backend
 * checks it lies in one view, page-aligned). */
int kobjns__os_view_copy_on_write(void *addr, size_t length, bool enable);
int kobjns__os_view_copied(const void *addr, size_t length, unsigned char *copied);

/* sync.c: mutexes, events, semaphores, timers */
int kobjns__os_mutex_release(kobjns__object *s);            /* 0 or 288 */
int kobjns__os_event_set(kobjns__object *s, bool signaled); /* set or reset */
/* PulseEvent: release the current waiters (an automatic event: the first), leave it reset. */
int kobjns__os_event_pulse(kobjns__object *s);
int kobjns__os_semaphore_release(kobjns__object *s, int32_t count, int32_t *previous); /* 298 */
/* Timers (made by kobjns__os_create with a->type KOBJNS_TYPE_TIMER, a->manual_reset): set one
 * (`due` as kobjns_timer_set takes it; `c` NULL: no routine, else run in the calling thread) or
 * stop it. */
int kobjns__os_timer_set(kobjns__object *t, int64_t due, int32_t period_ms,
                         const kobjns__completion *c);
int kobjns__os_timer_cancel(kobjns__object *t);
/* Carry out the wait `a` (internal.h): 0 or 735 with *index, 258, 737 (alertable: the queued
 * calls ran), the signal's status (then nothing acquired), or an error. */
int kobjns__os_wait(const kobjns__wait_args *a, size_t *index);
/* Queue fn(context, arg) to the thread of `thread` (NULL: the calling thread): 0, 8, or 31
 * once it has ended. */
int kobjns__os_apc_queue(kobjns__object *thread, kobjns_apc_fn fn, void *context, uintptr_t arg);
/* Sleep `ms` (KOBJNS_INFINITE: for ever, 0: yield); `alertable`: 737 once queued calls ran. */
int kobjns__os_sleep(uint32_t ms, bool alertable);

/* thread.c: threads (made by kobjns__os_create with a->type KOBJNS_TYPE_THREAD, held before
 * their first instruction until started) */
/* Let the thread of `o` run (with `suspended`, it waits on at its first instruction until a
 * resume takes its suspend count to 0): 0 with *id, or a status (then it never runs; the caller
 * closes `o`). */
int kobjns__os_thread_start(kobjns__object *o, bool suspended, uint32_t *id);
/* Take one from the suspend count: 0 with *previous. */
int kobjns__os_thread_resume(kobjns__object *o, uint32_t *previous);
/* The exit code (KOBJNS_STILL_ACTIVE while it runs) and id. */
int kobjns__os_thread_query(kobjns__object *o, uint32_t *exit_code, uint32_t *id);
/* End the thread of `o` with `code` (TerminateThread): 0 (an ended thread: nothing to do), or
 * 50 where the system cannot end that thread safely (POSIX: once its function runs). */
int kobjns__os_thread_terminate(kobjns__object *o, uint32_t code);
/* End the calling thread with `code`. */
void kobjns__os_thread_exit(uint32_t code) __attribute__((noreturn));
uint32_t kobjns__os_current_thread_id(void);

/* process.c: processes (their handles made by kobjns__os_create with a->type
 * KOBJNS_TYPE_PROCESS, and the first thread's with KOBJNS_TYPE_THREAD and no a->start: the
 * backend fills both here) */
/* Start the process `a` describes: 0 with *pid and *tid; 2, 3, 5, 8, 193, ... (nothing started). */
int kobjns__os_process_spawn(const kobjns__spawn_args *a, kobjns__object *process,
                             kobjns__object *thread, uint32_t *pid, uint32_t *tid);
/* Make `o` a handle of the running process `pid` for `access` (mapped): 0; 87 (no such
 * process); 5 (the system refuses what `access` needs). */
int kobjns__os_process_open(uint32_t pid, unsigned access, kobjns__object *o);
/* Its exit code (KOBJNS_STILL_ACTIVE while it runs) and id: 0, or 50 with *pid when it ended
 * with a code this system cannot tell. */
int kobjns__os_process_query(kobjns__object *o, uint32_t *exit_code, uint32_t *pid);
/* End it with `code`: 0; 5 (it ended already, or the system refuses). */
int kobjns__os_process_terminate(kobjns__object *o, uint32_t code);
uint32_t kobjns__os_current_process_id(void);
/* The process that started this one (the check that an inherited list is ours). */
uint32_t kobjns__os_parent_process_id(void);
/* Handle inheritance: a copy of `o` for a child (0; 50 for a type this system does not pass
 * on), dropped again once the child has its own; the list this process inherited, taken out of
 * its environment (malloc'd, or NULL); and a handle made of a copy this process inherited (its
 * type and access filled in by the core). */
int kobjns__os_inherit_copy(kobjns__object *o, uint64_t *copy);
/* Whether `copy` looks handed to this process by its parent (POSIX: descriptors >= 3 that survived
 * exec, i.e. not close-on-exec, which kobjns's own always are): checked before anything is
 * changed. */
bool kobjns__os_inherit_handed(uint64_t copy);
void kobjns__os_inherit_drop(uint64_t copy);
char *kobjns__os_inherited_take(void);
/* The object (allocated as the core does: its path after it, "" when not known) of a copy this
 * process inherited, of `type`; the core fills in its access and flags. 0, or a status (the
 * copy is not one: nothing made). */
int kobjns__os_inherit_adopt(uint64_t copy, kobjns_type type, unsigned access, kobjns__object **out,
                             kobjns__facts *facts);

/* file.c: standard streams and pipes. A file is the system's (POSIX: a descriptor; Windows: a
 * HANDLE), owned by its handle's object once adopted (its close closes it). */
/* A copy of standard stream `which` (0, 1, 2): 0, or 6 when the process has none. */
int kobjns__os_std_file(unsigned which, intptr_t *file);
/* A pipe's two ends: 0, 4, 8. */
int kobjns__os_pipe(intptr_t *read_end, intptr_t *write_end, uint32_t size);
/* Make `o` (KOBJNS_TYPE_FILE) the owner of `file`; close a file no object took. */
void kobjns__os_file_adopt(kobjns__object *o, intptr_t file);
void kobjns__os_file_discard(intptr_t file);
/* A file by path, as kobjns_file_open documents (the core validated the arguments): 0 or 183
 * (it existed: OPEN_ALWAYS, CREATE_ALWAYS) with *file, or a status. */
int kobjns__os_file_open(const char *path, unsigned access, unsigned share, unsigned disposition,
                         unsigned flags, intptr_t *file);
/* Remove a file, as kobjns_file_delete documents. */
int kobjns__os_file_delete(const char *path);
/* The rest of kobjns_file_*: the core checked the handle's type and rights. */
int kobjns__os_file_size(kobjns__object *f, uint64_t *size);
int kobjns__os_file_seek(kobjns__object *f, int64_t distance, unsigned method, uint64_t *position);
int kobjns__os_file_set_end(kobjns__object *f);
int kobjns__os_file_flush(kobjns__object *f);
/* kobjns_view_flush: the range's pages written to the file behind them. 0 or 487. */
int kobjns__os_view_flush(const void *addr, size_t length);
/* Read (at least one byte, or 109 at a pipe's end) and write (all): 0 with *done, or a status. */
int kobjns__os_file_read(kobjns__object *f, void *buffer, uint32_t size, uint32_t *done);
int kobjns__os_file_write(kobjns__object *f, const void *buffer, uint32_t size, uint32_t *done);

/* Duplicating from another process (mirror.c). A handle as it is added to and taken out
 * of the table (for another process to find it); and the copy of handle `handle` of the process
 * of `process` (a process handle with PROCESS_DUP_HANDLE, not ours), made as an inherited copy
 * is, with its type and access: 0; 6 (no such handle there); 5 (the system refuses, or the
 * process ended); 50 (no way on this system). */
void kobjns__os_handle_published(const kobjns__object *o);
void kobjns__os_handle_withdrawn(const kobjns__object *o);
int kobjns__os_duplicate_from(kobjns__object *process, uint32_t handle, kobjns_type *type,
                              unsigned *access, uint64_t *copy);

/* inspect.c */
/* Describe every object of the tree of `ctx`; the object `n` names (2 when absent). Neither
 * removes anything. */
int kobjns__os_object_list(const kobjns_ctx *ctx, kobjns_object_fn fn, void *arg);
int kobjns__os_object_query(const kobjns_ctx *ctx, const kobjns__name *n, kobjns_object_fn fn,
                            void *arg);
/* Remove (or, dry, find) stale objects of the tree of `ctx`, each shown to fn (may be NULL);
 * counts them in *removed. */
int kobjns__os_cleanup(const kobjns_ctx *ctx, bool dry_run, kobjns_object_fn fn, void *arg,
                       size_t *removed);
/* The access check for `ctx` on an object owned by `owner` (desired generic-mapped). */
int kobjns__os_access_check(const kobjns_ctx *ctx, const kobjns__sd *sd, uint32_t owner,
                            unsigned desired);

#endif
