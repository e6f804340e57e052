/* POSIX backend types embedded in the portable structs. */
#ifndef KOBJNS_POSIX_OS_H
#define KOBJNS_POSIX_OS_H

#include <stddef.h>
#include <stdint.h>

/* NAME_MAX on Linux: a longer native name is replaced by a hash (see object.c). */
#define KOBJNS__NATIVE_COMPONENT_MAX 255
/* A native name relative to the object directory: one component, or a private namespace's
 * directory ("kobjns.<root>.ns.<id>/", at most 7 + 32 + 4 + 47 + 1 bytes) and one. */
#define KOBJNS__NATIVE_MAX 352

#include <stdbool.h>

/* A file the process keeps alive: an open file description of its own with a shared flock on it
 * (the kernel drops it when the description closes). Named holds are listed (posix/object.c)
 * so that a fork()ed child gets descriptions, hence holds, of its own. */
typedef struct kobjns__hold {
  int fd;      /* -1: none */
  int pid;     /* the process whose description it is (a child that could not get one of its
                  own has its parent's: then it only closes its copy) */
  int lock_fd; /* a forked child's own description for the lock alone, where the file's mode
                  refused one with `fd`'s access (a session marker, a read-only section): then
                  `fd` is shared with the parent, for I/O only; else -1 */
  int spare;   /* during fork(): the description made for the child, or -1 */
  bool spare_lock_only; /* during fork(): the spare is for the lock alone (read-only) */
  bool shared;          /* a child shares the description: this process is never its last holder */
  bool listed;
  const char *native; /* the name it holds (the owner's storage), NULL for none: where the
                         system cannot reopen a description, the name is opened again */
  struct kobjns__hold *prev, *next;
} kobjns__hold;

/* A tree of names: every native name of the tree starts "kobjns.<root>.". */
typedef struct kobjns__tree {
  char root[KOBJNS__ROOT_MAX + 1];
  size_t len; /* 0: not set yet (a context being made takes the process's) */
} kobjns__tree;

typedef struct kobjns__os_ctx {
  kobjns__hold session; /* membership of a session other than 0: the hold of its marker */
  char session_native[KOBJNS__NATIVE_MAX + 1]; /* the marker's name */
  kobjns__tree tree;                           /* the context's tree of names */
} kobjns__os_ctx;

/* A handle's object: its own open file description (holding the shared lock) in every type;
 * a mutex's, event's or semaphore's state lives in the page after the header, mapped once per
 * process (see posix/sync.c). */
struct kobjns__sync_map;
typedef struct kobjns__os_object {
  kobjns__hold hold;                   /* the file, held */
  uint32_t header_size;                /* file offset of the user's byte 0 (or of the state) */
  struct kobjns__sync_map *map;        /* sync types: the process's mapping of the state */
  struct kobjns__thread_run *run;      /* a thread: what runs it (posix/thread.c) */
  struct kobjns__timer_reg *routine;   /* a timer: the completion routine this handle set */
  struct kobjns__process *process;     /* a process, or another process's first thread: its
                                          record (posix/process.c) */
  bool of_file;                        /* a section of a file: views map file_fd */
  int file_fd;                         /* its own description of the file (holds MAPPED) */
  char native[KOBJNS__NATIVE_MAX + 1]; /* "" for an unnamed object */
} kobjns__os_object;

#endif
