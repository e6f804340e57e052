/* Everything the POSIX backend stores in shared memory or object files, with explicit layouts.
 *
 * Processes of different word sizes (i386 and x86-64, say) share these bytes, so every field has
 * a fixed width, every gap is an explicit field, 64-bit fields are aligned to 8 with _Alignas
 * (i386 aligns uint64_t to 4 by itself) and the offsets below are checked at compile time. All
 * values are in host byte order. A change to any of these layouts bumps KOBJNS__FORMAT_VERSION,
 * which every object's header carries. */
#ifndef KOBJNS_POSIX_FORMAT_H
#define KOBJNS_POSIX_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "platform.h"
#include "security.h"

#define KOBJNS__MAGIC 0x4A424F4Bu /* "KOBJ" */
/* 2: the header's type is a kobjns_type value (1 numbered its own types).
 * 3: explicit layouts (the same bytes for 32- and 64-bit processes); the descriptor is this
 *    file's kobjns__stored_sd, no longer the in-memory struct; the sync page's guard word names
 *    its holder's pid namespace by a slot of the page's namespace table, not by a hash.
 * 4: the sync page keeps a queue of waiters (kobjns__sync_slot): units are handed over.
 * 5: the sync page says which of its slots may be in use (`in_use`), so that an object nobody
 *    waits for is changed without a look at its 32 slots; a mutex has a lock word, taken and
 *    given back with one swap when nobody waits.
 * 6: a stored thread names its process image (`image`), which exec() ends; 128 pid namespaces
 *    (from 256) keep the page within 4096 bytes.
 * 7: a timer's due time, period and expiries at the end of the sync page.
 * 8: a section of a file (KOBJNS__FLAG_FILE): its file named after the path (backing_len).
 * 9: the sync page's last KOBJNS__PLAT_SLEEPERS_SIZE bytes are the platform's (its sleepers). */
#define KOBJNS__FORMAT_VERSION 9u
#define KOBJNS__HEADER_VERSION KOBJNS__FORMAT_VERSION
#define KOBJNS__FLAG_READ_ONLY 0x1u
#define KOBJNS__FLAG_EXECUTABLE 0x2u /* a section created with an execute protection */
/* A section of a file: no bytes after the header; the file is named after the path
 * (kobjns__stored_file) and views map it. */
#define KOBJNS__FLAG_FILE 0x4u

/* --- the stored security descriptor ----------------------------------------------------------- */

#define KOBJNS__STORED_ACES 32

typedef struct kobjns__stored_ace {
  uint8_t deny;      /* 0 allow, 1 deny */
  uint8_t trustee;   /* enum kobjns__trustee */
  uint16_t reserved; /* 0 */
  uint32_t id;       /* uid or gid for USER / GROUP trustees, else 0 */
  uint32_t mask;     /* generic rights already mapped */
} kobjns__stored_ace;

typedef struct kobjns__stored_sd {
  uint8_t null_dacl; /* 1: D:NO_ACCESS_CONTROL */
  uint8_t count;     /* ACEs used, at most KOBJNS__STORED_ACES */
  uint16_t reserved; /* 0 */
  kobjns__stored_ace aces[KOBJNS__STORED_ACES];
} kobjns__stored_sd;

/* The stored form of `in` (a valid in-memory descriptor). */
void kobjns__sd_store(const kobjns__sd *in, kobjns__stored_sd *out);
/* The in-memory form of a descriptor read from a file: false when it is not well formed. */
bool kobjns__sd_load(const kobjns__stored_sd *in, kobjns__sd *out);

/* --- the object header ------------------------------------------------------------------------ */

/* At offset 0 of every object file; the user's data starts at header_size (page aligned). */
typedef struct kobjns__header {
  uint32_t magic;
  uint16_t version; /* KOBJNS__HEADER_VERSION */
  uint16_t type;    /* kobjns_type */
  uint32_t header_size;
  uint32_t flags;
  _Alignas(8) uint64_t size; /* bytes the user can map */
  uint32_t creator_uid;      /* informational: the file's owner is what is trusted */
  uint32_t creator_session;
  uint32_t path_len;    /* canonical path bytes after this struct (no NUL) */
  uint32_t backing_len; /* KOBJNS__FLAG_FILE: kobjns__stored_file and its path, after the path */
  kobjns__stored_sd sd;
  uint32_t reserved2; /* pads the struct to a multiple of 8 on every ABI */
} kobjns__header;

/* The file of a section of a file, after the canonical path: the file as it was when the section
 * was made (an opener checks the path still leads to it), then its absolute path (no NUL). */
typedef struct kobjns__stored_file {
  _Alignas(8) uint64_t dev;
  _Alignas(8) uint64_t ino;
  uint32_t path_len;
  uint32_t reserved;
} kobjns__stored_file;

/* --- the name file of an object apart from its bytes (kobjns__plat_objects_apart) --------------
 */

#define KOBJNS__NAME_MAGIC 0x4D414E4Bu /* "KNAM" */
/* shm_open's longest name on the system with the smallest limit (macOS: 31 bytes with the
 * slash), and its NUL. */
#define KOBJNS__DATA_NAME_MAX 32

/* The whole content of the file in the object directory that names an object whose bytes are a
 * shm object: written once, after the file's owner and mode are set and before anyone may trust
 * it (an empty file is an object being published). */
typedef struct kobjns__name_record {
  uint32_t magic;   /* KOBJNS__NAME_MAGIC */
  uint16_t version; /* KOBJNS__FORMAT_VERSION */
  uint16_t reserved;
  char data[KOBJNS__DATA_NAME_MAX]; /* the shm object's name, NUL-terminated */
} kobjns__name_record;

/* --- a private namespace's record (posix/namespace.c) ------------------------------------------
 * The file KOBJNS__NS_RECORD in the namespace's directory: who the namespace is (its boundary and
 * alias, compared whole by every opener), its descriptor, and its state; its shared flocks are the
 * namespace's handles. Written by its creator before the directory gets its name; afterwards only
 * `state` changes (claimed -> ready -> destroyed), by its owner. The boundary's name, then the
 * alias, follow the struct (no NULs). */
#define KOBJNS__NS_MAGIC 0x534E424Bu /* "KBNS" */
#define KOBJNS__NS_RECORD "kobjns.namespace"
#define KOBJNS__NS_CLAIMED 1u   /* its creator is checking that nobody else made it meanwhile */
#define KOBJNS__NS_READY 2u     /* made: opens find it */
#define KOBJNS__NS_DESTROYED 3u /* destroyed: opens no longer find it */
#define KOBJNS__NS_SIDS 32
#define KOBJNS__NS_ID_SIZE 48

typedef struct kobjns__stored_sid {
  uint8_t trustee; /* enum kobjns__trustee */
  uint8_t reserved[3];
  uint32_t id; /* uid or gid for USER / GROUP, else 0 */
} kobjns__stored_sid;

typedef struct kobjns__ns_record {
  uint32_t magic;   /* KOBJNS__NS_MAGIC */
  uint16_t version; /* KOBJNS__FORMAT_VERSION */
  uint16_t reserved;
  uint32_t state;       /* KOBJNS__NS_* */
  uint32_t creator_uid; /* informational: the directory's owner is what is trusted */
  uint32_t sid_count;   /* at most KOBJNS__NS_SIDS, sorted by trustee then id */
  uint32_t name_len;    /* the boundary's name, after the struct */
  uint32_t alias_len;   /* the alias, after the name */
  uint32_t reserved2;
  char id[KOBJNS__NS_ID_SIZE]; /* "<identity hash>.<instance>", NUL-padded: the directory's */
  kobjns__stored_sd sd;        /* the namespace's descriptor (directory rights) */
  uint32_t reserved3;
  kobjns__stored_sid sids[KOBJNS__NS_SIDS];
} kobjns__ns_record;

/* --- the state page of a mutex, event or semaphore -------------------------------------------- */

/* A thread, as any process of the same pid namespace can check that it still runs. */
typedef struct kobjns__stored_thread {
  uint32_t tid; /* 0: nobody; written last, cleared first */
  uint32_t pid;
  _Alignas(8) uint64_t start; /* its start time: ids are reused, starts are not (0: unknown) */
  _Alignas(8) uint64_t ns;    /* its pid namespace: ids mean nothing in another one (0: unknown) */
  /* its process image (kobjns__plat_image_mark): exec() keeps the ids and the start, not this */
  _Alignas(8) uint64_t image;
} kobjns__stored_thread;

/* Pid namespaces a sync page knows, each claimed once (0 -> its id) by the first process of that
 * namespace to take the guard: the guard word names its holder's namespace by slot, which no two
 * namespaces share, rather than by a hash, which they could. */
#define KOBJNS__SYNC_NAMESPACES 128

/* One waiter in an object's queue. A release, set or pulse hands what it frees to the first
 * waiting slot (by ticket) by marking it granted: the unit stays counted in the object's state
 * but is reserved for that slot, so nobody else (the releaser included) can take it, until the
 * waiter consumes it or gives it back (it took another object, or it is found dead). */
#define KOBJNS__SYNC_SLOTS 32

/* The state is one page on every system; its end is the platform's (platform.h). */
#define KOBJNS__SYNC_STATE_SIZE KOBJNS__PLAT_SHARED_PAGE /* bytes after the header */
#define KOBJNS__SYNC_SLEEPERS_AT (KOBJNS__SYNC_STATE_SIZE - KOBJNS__PLAT_SLEEPERS_SIZE)
enum kobjns__slot_state {
  KOBJNS__SLOT_FREE = 0,
  KOBJNS__SLOT_WAITING = 1,
  KOBJNS__SLOT_GRANTED = 2, /* a unit is reserved for it (a wait for all: offered to it) */
  KOBJNS__SLOT_PASSED = 3,  /* a wait for all that gave back an offer: skipped until a new unit */
  /* Its waiter left without the guard (held too long by another: a stopped or tampering
   * process), marking the slot with one compare-and-swap; the next holder of the guard frees it,
   * giving back what it was granted. */
  KOBJNS__SLOT_LEFT = 4,
  KOBJNS__SLOT_LEFT_GRANTED = 5
};
#define KOBJNS__SLOT_ALL 1u /* kind: a wait for all (else for any) */
/* kind: a wait for this object alone. A mutex is handed to it whole: its lock names the waiter
 * and the slot is freed at once, so the waiter takes it without the guard. */
#define KOBJNS__SLOT_SOLE 2u
#define KOBJNS__SLOT_PULSE                                                                         \
  1u /* flags: a pulsed unit, dropped rather than kept if nobody takes it */

typedef struct kobjns__sync_slot {
  uint32_t state;  /* enum kobjns__slot_state */
  uint32_t grant;  /* futex the waiter sleeps on: bumped at every grant */
  uint32_t ticket; /* arrival order (compared modulo 2^32) */
  uint32_t kind;   /* KOBJNS__SLOT_ALL, KOBJNS__SLOT_SOLE or 0 */
  uint32_t flags;  /* KOBJNS__SLOT_PULSE */
  uint32_t word;   /* the waiting thread's guard word (a mutex handed to it holds it in `lock`) */
  uint32_t asleep; /* the waiter sleeps on `grant` (or is about to): a grant must wake it */
  uint32_t reserved;
  kobjns__stored_thread who; /* the waiting thread */
} kobjns__sync_slot;

typedef struct kobjns__sync_state {
  uint32_t seq;       /* futex: bumped (and sleepers woken) before every change */
  uint32_t sleepers;  /* threads asleep on seq */
  uint32_t kind;      /* kobjns_type, as created */
  uint32_t guard;     /* futex lock word: 0 free, else its holder's thread id and namespace slot */
  uint32_t recursion; /* mutex: levels the owner holds */
  uint32_t abandoned; /* mutex: abandoned, and not yet reported to an owner */
  uint32_t signaled, manual_reset, sets; /* event; sets: how many times set */
  int32_t count, maximum;                /* semaphore: 0 <= count <= maximum, maximum > 0 */
  /* Mutex: 0 free; else its owner's word (a guard word: thread id and namespace tag), or the word
   * of the waiter it is handed to; bit 31: waiters (changes go through the guard). */
  uint32_t lock;
  kobjns__stored_thread owner; /* mutex: who owns it (follows `lock`) */
  /* Slot i (tag i + 1 in guard words): a pid namespace's id (Linux: its inode), 0 unclaimed. */
  _Alignas(8) uint64_t namespaces[KOBJNS__SYNC_NAMESPACES];
  uint32_t next_ticket; /* the next waiter's ticket */
  /* Bit i: slot i may be in use. Set before the slot leaves FREE and cleared after it is FREE
   * again, so the set bits cover every slot in use; a look for the dead restores that from the
   * slots themselves, whatever was written here. */
  uint32_t in_use;
  kobjns__sync_slot slots[KOBJNS__SYNC_SLOTS]; /* the waiters, in no order: tickets order them */
  /* The guard's holder as a stored thread (written after the guard is taken, cleared before it
   * is released): with its start time, a holder whose id was reused is told from the new thread. */
  kobjns__stored_thread guard_holder;
  /* Timer: when it is next due (CLOCK_MONOTONIC, ns; 0: not set), every how many ms after that
   * (0: once), how many times it has been signaled (completion routines count them), and how
   * many times it has been set or cancelled (a routine belongs to one setting). */
  _Alignas(8) int64_t due;
  uint32_t period_ms;
  uint32_t expiries;
  uint32_t settings;
  uint32_t reserved;
  uint8_t unused[KOBJNS__SYNC_SLEEPERS_AT - 3216];
  /* The platform's own (platform.h, kobjns__plat_shared_page): who sleeps on which word of the
   * page, where the system's sleep is not keyed by the word itself (the generic platform). */
  _Alignas(8) uint8_t platform[KOBJNS__PLAT_SLEEPERS_SIZE];
} kobjns__sync_state;

/* The layouts, field by field: the same on i386, x86-64 and every LP64 or ILP32 ABI. */
#define KOBJNS__AT(type, field, at)                                                                \
  _Static_assert(offsetof(type, field) == (at), #type "." #field " is at " #at)
KOBJNS__AT(kobjns__stored_ace, deny, 0);
KOBJNS__AT(kobjns__stored_ace, trustee, 1);
KOBJNS__AT(kobjns__stored_ace, reserved, 2);
KOBJNS__AT(kobjns__stored_ace, id, 4);
KOBJNS__AT(kobjns__stored_ace, mask, 8);
_Static_assert(sizeof(kobjns__stored_ace) == 12, "an ACE is 12 bytes");
KOBJNS__AT(kobjns__stored_sd, null_dacl, 0);
KOBJNS__AT(kobjns__stored_sd, count, 1);
KOBJNS__AT(kobjns__stored_sd, reserved, 2);
KOBJNS__AT(kobjns__stored_sd, aces, 4);
_Static_assert(sizeof(kobjns__stored_sd) == 388, "a descriptor is 388 bytes");
KOBJNS__AT(kobjns__header, magic, 0);
KOBJNS__AT(kobjns__header, version, 4);
KOBJNS__AT(kobjns__header, type, 6);
KOBJNS__AT(kobjns__header, header_size, 8);
KOBJNS__AT(kobjns__header, flags, 12);
KOBJNS__AT(kobjns__header, size, 16);
KOBJNS__AT(kobjns__header, creator_uid, 24);
KOBJNS__AT(kobjns__header, creator_session, 28);
KOBJNS__AT(kobjns__header, path_len, 32);
KOBJNS__AT(kobjns__header, backing_len, 36);
KOBJNS__AT(kobjns__header, sd, 40);
KOBJNS__AT(kobjns__header, reserved2, 428);
_Static_assert(sizeof(kobjns__header) == 432, "the header's fixed part is 432 bytes");
KOBJNS__AT(kobjns__name_record, version, 4);
KOBJNS__AT(kobjns__name_record, data, 8);
_Static_assert(sizeof(kobjns__name_record) == 40, "a name record is 40 bytes");
KOBJNS__AT(kobjns__stored_sid, trustee, 0);
KOBJNS__AT(kobjns__stored_sid, id, 4);
_Static_assert(sizeof(kobjns__stored_sid) == 8, "a boundary SID is 8 bytes");
KOBJNS__AT(kobjns__ns_record, version, 4);
KOBJNS__AT(kobjns__ns_record, state, 8);
KOBJNS__AT(kobjns__ns_record, creator_uid, 12);
KOBJNS__AT(kobjns__ns_record, sid_count, 16);
KOBJNS__AT(kobjns__ns_record, name_len, 20);
KOBJNS__AT(kobjns__ns_record, alias_len, 24);
KOBJNS__AT(kobjns__ns_record, id, 32);
KOBJNS__AT(kobjns__ns_record, sd, 80);
KOBJNS__AT(kobjns__ns_record, reserved3, 468);
KOBJNS__AT(kobjns__ns_record, sids, 472);
_Static_assert(sizeof(kobjns__ns_record) == 728, "a namespace record is 728 bytes");
KOBJNS__AT(kobjns__stored_file, dev, 0);
KOBJNS__AT(kobjns__stored_file, ino, 8);
KOBJNS__AT(kobjns__stored_file, path_len, 16);
_Static_assert(sizeof(kobjns__stored_file) == 24, "a file is 24 bytes and its path");
KOBJNS__AT(kobjns__stored_thread, tid, 0);
KOBJNS__AT(kobjns__stored_thread, pid, 4);
KOBJNS__AT(kobjns__stored_thread, start, 8);
KOBJNS__AT(kobjns__stored_thread, ns, 16);
KOBJNS__AT(kobjns__stored_thread, image, 24);
_Static_assert(sizeof(kobjns__stored_thread) == 32, "a thread is 32 bytes");
KOBJNS__AT(kobjns__sync_state, seq, 0);
KOBJNS__AT(kobjns__sync_state, sleepers, 4);
KOBJNS__AT(kobjns__sync_state, kind, 8);
KOBJNS__AT(kobjns__sync_state, guard, 12);
KOBJNS__AT(kobjns__sync_state, recursion, 16);
KOBJNS__AT(kobjns__sync_state, abandoned, 20);
KOBJNS__AT(kobjns__sync_state, signaled, 24);
KOBJNS__AT(kobjns__sync_state, manual_reset, 28);
KOBJNS__AT(kobjns__sync_state, sets, 32);
KOBJNS__AT(kobjns__sync_state, count, 36);
KOBJNS__AT(kobjns__sync_state, maximum, 40);
KOBJNS__AT(kobjns__sync_state, lock, 44);
KOBJNS__AT(kobjns__sync_state, owner, 48);
KOBJNS__AT(kobjns__sync_state, namespaces, 80);
KOBJNS__AT(kobjns__sync_state, next_ticket, 1104);
KOBJNS__AT(kobjns__sync_state, in_use, 1108);
KOBJNS__AT(kobjns__sync_state, slots, 1112);
KOBJNS__AT(kobjns__sync_state, guard_holder, 3160);
KOBJNS__AT(kobjns__sync_state, due, 3192);
KOBJNS__AT(kobjns__sync_state, period_ms, 3200);
KOBJNS__AT(kobjns__sync_state, expiries, 3204);
KOBJNS__AT(kobjns__sync_state, settings, 3208);
KOBJNS__AT(kobjns__sync_state, reserved, 3212);
KOBJNS__AT(kobjns__sync_state, unused, 3216);
KOBJNS__AT(kobjns__sync_state, platform, 3584);
KOBJNS__AT(kobjns__sync_slot, state, 0);
KOBJNS__AT(kobjns__sync_slot, grant, 4);
KOBJNS__AT(kobjns__sync_slot, ticket, 8);
KOBJNS__AT(kobjns__sync_slot, kind, 12);
KOBJNS__AT(kobjns__sync_slot, flags, 16);
KOBJNS__AT(kobjns__sync_slot, word, 20);
KOBJNS__AT(kobjns__sync_slot, asleep, 24);
KOBJNS__AT(kobjns__sync_slot, reserved, 28);
KOBJNS__AT(kobjns__sync_slot, who, 32);
_Static_assert(sizeof(kobjns__sync_slot) == 64, "a waiter slot is 64 bytes");
_Static_assert(KOBJNS__SYNC_SLOTS <= 32, "in_use has a bit per slot");
_Static_assert(sizeof(kobjns__sync_state) == KOBJNS__SYNC_STATE_SIZE, "the state is its page");
#undef KOBJNS__AT

#endif
