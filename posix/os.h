/* POSIX backend types embedded in the portable structs. */
#ifndef KOBJNS_POSIX_OS_H
#define KOBJNS_POSIX_OS_H

#include <stdint.h>

/* NAME_MAX on Linux; longer native names are replaced by a hash (see object.c). */
#define KOBJNS__NATIVE_MAX 255

typedef struct kobjns__os_ctx {
  int session_fd; /* membership of a session other than 0: a shared lock on its marker, or -1 */
  int pid;        /* the process that took it */
} kobjns__os_ctx;

/* A handle's object: its own open file description (holding the shared lock) in every type;
 * a mutex's, event's or semaphore's state lives in the page after the header, mapped once per
 * process (see posix/sync.c). */
struct kobjns__sync_map;
typedef struct kobjns__os_object {
  int fd;                              /* own open file description: holds the shared lock */
  int pid;                             /* the process that opened it */
  unsigned forks;                      /* kobjns__forks() when it was opened */
  uint32_t header_size;                /* file offset of the user's byte 0 (or of the state) */
  struct kobjns__sync_map *map;        /* sync types: the process's mapping of the state */
  char native[KOBJNS__NATIVE_MAX + 1]; /* "" for an unnamed object */
} kobjns__os_object;

#endif
