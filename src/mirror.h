/* An entry of the handle table's mirror (posix/mirror.c, win32/mirror.c), which another process
 * reads to duplicate one of our handles: one layout on both backends and for 32- and 64-bit
 * processes, and the protocol that lets the reader take an entry whole without a lock. The value
 * is cleared first and written last, and `seq` changes at every change, so two equal reads are
 * one state of it. */
#ifndef KOBJNS_MIRROR_H
#define KOBJNS_MIRROR_H

#include <stddef.h>
#include <stdint.h>

#include "internal.h"

typedef struct kobjns__mirror_entry {
  uint32_t handle; /* its value; 0: none */
  uint32_t seq;
  uint16_t type;
  uint16_t reserved;
  uint32_t access;
  uint64_t native; /* the backend's: POSIX descriptors (low and high half), a Windows HANDLE */
} kobjns__mirror_entry;
_Static_assert(sizeof(kobjns__mirror_entry) == 24, "mirror entry layout");
_Static_assert(offsetof(kobjns__mirror_entry, native) == 16, "mirror entry layout");

/* Write handle `o` into `e` (under the writer's lock). */
static inline void kobjns__mirror_write(kobjns__mirror_entry *e, const kobjns__object *o,
                                        uint64_t native) {
  __atomic_store_n(&e->handle, 0, __ATOMIC_RELEASE);
  __atomic_add_fetch(&e->seq, 1, __ATOMIC_RELEASE);
  e->type = (uint16_t)o->type;
  e->access = o->access;
  e->native = native;
  __atomic_store_n(&e->handle, o->handle, __ATOMIC_RELEASE);
}

/* Clear `e` if it still holds `handle` (under the writer's lock). */
static inline void kobjns__mirror_clear(kobjns__mirror_entry *e, uint32_t handle) {
  if (__atomic_load_n(&e->handle, __ATOMIC_RELAXED) != handle) return;
  __atomic_store_n(&e->handle, 0, __ATOMIC_RELEASE);
  __atomic_add_fetch(&e->seq, 1, __ATOMIC_RELEASE);
}

#endif
