/* The backend contract: what posix/ and win32/ each implement, with the same file names on
 * both sides. Entry points in src/ validate their arguments once and call exactly one of these;
 * a backend reports facts and statuses (Win32 error values) and never re-validates. */
#ifndef KOBJNS_BACKEND_H
#define KOBJNS_BACKEND_H

/* context.c */
/* Fill the process identity (uid, groups, administrator, login session when KOBJNS_SESSION is
 * not set: `*session_known` false means "let the core default to 0"). */
int kobjns__os_process_identity(kobjns__token *token, bool *session_known);
/* Make `ctx` a member of its session (the session exists while a member lives). */
int kobjns__os_ctx_attach(kobjns_ctx *ctx);
void kobjns__os_ctx_detach(kobjns_ctx *ctx);
/* Whether session `session` currently exists: 0 with *exists set, or a status when that cannot
 * be told (no descriptor left): never "absent" for an error. */
int kobjns__os_session_exists(const kobjns_ctx *ctx, uint32_t session, bool *exists);
/* Act as `uid` (token already updated by the core); fills groups. */
int kobjns__os_ctx_set_user(kobjns_ctx *ctx, uint32_t uid);
/* Run `fn` exactly once in the process. */
void kobjns__os_call_once(void (*fn)(void));
/* The one lock of the handle registry: shared for lookups, exclusive for changes. On POSIX it
 * is taken around fork(), so that a child never inherits it held by a thread it lacks. */
void kobjns__os_registry_lock(bool exclusive);
void kobjns__os_registry_unlock(bool exclusive);

/* section.c */
int kobjns__os_section_create(const kobjns_ctx *ctx, const kobjns__create_args *args,
                              kobjns_section *s);
int kobjns__os_section_open(const kobjns_ctx *ctx, const kobjns__name *name, unsigned desired,
                            kobjns_section *s);
/* Map at `base` exactly (487 when that range is taken), or anywhere for NULL. */
int kobjns__os_section_map(kobjns_section *s, unsigned access, uint64_t offset, size_t length,
                           void *base, void **addr);
int kobjns__os_unmap(void *addr);
void kobjns__os_section_close(kobjns_section *s);

/* sync.c: mutexes, events, semaphores */
/* Create (0), or open an existing one of the same kind with its ALL_ACCESS (183); 6 when another
 * type holds the name. */
int kobjns__os_sync_create(const kobjns_ctx *ctx, const kobjns__sync_args *args, kobjns_sync *s);
int kobjns__os_sync_open(const kobjns_ctx *ctx, const kobjns__name *name, unsigned kind,
                         unsigned desired, kobjns_sync *s);
int kobjns__os_mutex_release(kobjns_sync *s);            /* 0 or 288 */
int kobjns__os_event_set(kobjns_sync *s, bool signaled); /* set or reset */
int kobjns__os_semaphore_release(kobjns_sync *s, int32_t count, int32_t *previous); /* 298 */
/* Wait for any (or all) of `count` live handles the caller has checked (kinds, SYNCHRONIZE,
 * no object twice in a wait_all): 0 or 735 with *index, 258, or an error. */
int kobjns__os_wait(kobjns_sync *const *objects, size_t count, bool wait_all, uint32_t timeout_ms,
                    size_t *index);
void kobjns__os_sync_close(kobjns_sync *s);

/* inspect.c */
/* Describe every object of the process's tree; the object `n` names (2 when absent). */
int kobjns__os_object_list(kobjns_object_fn fn, void *arg);
int kobjns__os_object_query(const kobjns__name *n, kobjns_object_fn fn, void *arg);
/* Remove (or, dry, find) stale objects of the process's tree, each shown to fn (may be NULL);
 * counts them in *removed. */
int kobjns__os_cleanup(bool dry_run, kobjns_object_fn fn, void *arg, size_t *removed);
/* The access check for `ctx` on an object owned by `owner` (desired generic-mapped). */
int kobjns__os_access_check(const kobjns_ctx *ctx, const kobjns__sd *sd, uint32_t owner,
                            unsigned desired);

#endif
