/* Security descriptors: a portable subset of Windows DACLs, parsed from SDDL and evaluated with
 * Windows' access-check rules. The same parser validates SDDL on every platform. */
#ifndef KOBJNS_SECURITY_H
#define KOBJNS_SECURITY_H

#include <stdbool.h>
#include <stdint.h>

/* Section-specific rights (SECTION_*) and standard rights. */
#define KOBJNS__SECTION_QUERY 0x0001u
#define KOBJNS__SECTION_MAP_WRITE 0x0002u
#define KOBJNS__SECTION_MAP_READ 0x0004u
#define KOBJNS__SECTION_MAP_EXECUTE 0x0008u
#define KOBJNS__SECTION_EXTEND_SIZE 0x0010u
#define KOBJNS__SECTION_MAP_EXECUTE_EXPLICIT 0x0020u
#define KOBJNS__DELETE 0x00010000u
#define KOBJNS__READ_CONTROL 0x00020000u
#define KOBJNS__WRITE_DAC 0x00040000u
#define KOBJNS__WRITE_OWNER 0x00080000u
#define KOBJNS__SYNCHRONIZE 0x00100000u
#define KOBJNS__SECTION_ALL_ACCESS 0x000F001Fu
#define KOBJNS__SECTION_ALL 0x000F003Fu /* SECTION_ALL_ACCESS | MAP_EXECUTE_EXPLICIT */
/* Mutex (mutant), event and semaphore rights. */
#define KOBJNS__MUTANT_QUERY_STATE 0x0001u
#define KOBJNS__MUTANT_ALL 0x001F0001u
#define KOBJNS__EVENT_QUERY_STATE 0x0001u
#define KOBJNS__EVENT_MODIFY_STATE 0x0002u
#define KOBJNS__EVENT_ALL 0x001F0003u
#define KOBJNS__SEMAPHORE_QUERY_STATE 0x0001u
#define KOBJNS__SEMAPHORE_MODIFY_STATE 0x0002u
#define KOBJNS__SEMAPHORE_ALL 0x001F0003u
#define KOBJNS__THREAD_TERMINATE 0x0001u
#define KOBJNS__THREAD_SUSPEND_RESUME 0x0002u
#define KOBJNS__THREAD_GET_CONTEXT 0x0008u
#define KOBJNS__THREAD_SET_CONTEXT 0x0010u
#define KOBJNS__THREAD_SET_INFORMATION 0x0020u
#define KOBJNS__THREAD_QUERY_INFORMATION 0x0040u
#define KOBJNS__THREAD_QUERY_LIMITED_INFORMATION 0x0800u
#define KOBJNS__THREAD_ALL 0x001FFFFFu
/* Process rights (winnt.h's PROCESS_*). */
#define KOBJNS__PROCESS_TERMINATE 0x0001u
#define KOBJNS__PROCESS_CREATE_THREAD 0x0002u
#define KOBJNS__PROCESS_VM_OPERATION 0x0008u
#define KOBJNS__PROCESS_VM_READ 0x0010u
#define KOBJNS__PROCESS_VM_WRITE 0x0020u
#define KOBJNS__PROCESS_DUP_HANDLE 0x0040u
#define KOBJNS__PROCESS_CREATE_PROCESS 0x0080u
#define KOBJNS__PROCESS_SET_QUOTA 0x0100u
#define KOBJNS__PROCESS_SET_INFORMATION 0x0200u
#define KOBJNS__PROCESS_QUERY_INFORMATION 0x0400u
#define KOBJNS__PROCESS_SUSPEND_RESUME 0x0800u
#define KOBJNS__PROCESS_QUERY_LIMITED_INFORMATION 0x1000u
#define KOBJNS__PROCESS_ALL 0x001FFFFFu
/* File rights (winnt.h's FILE_*). */
#define KOBJNS__FILE_READ_DATA 0x0001u
#define KOBJNS__FILE_WRITE_DATA 0x0002u
#define KOBJNS__FILE_APPEND_DATA 0x0004u
#define KOBJNS__FILE_READ_EA 0x0008u
#define KOBJNS__FILE_WRITE_EA 0x0010u
#define KOBJNS__FILE_EXECUTE 0x0020u
#define KOBJNS__FILE_READ_ATTRIBUTES 0x0080u
#define KOBJNS__FILE_WRITE_ATTRIBUTES 0x0100u
#define KOBJNS__FILE_ALL 0x001F01FFu
#define KOBJNS__TIMER_QUERY_STATE 0x0001u
#define KOBJNS__TIMER_MODIFY_STATE 0x0002u
#define KOBJNS__TIMER_ALL 0x001F0003u
#define KOBJNS__GENERIC_ALL_BITS 0xF0000000u

/* Who an ACE names. */
enum kobjns__trustee {
  KOBJNS__TRUSTEE_EVERYONE = 1, /* WD  S-1-1-0 */
  KOBJNS__TRUSTEE_AUTH_USERS,   /* AU  S-1-5-11 */
  KOBJNS__TRUSTEE_INTERACTIVE,  /* IU  S-1-5-4: a process in a session other than 0 */
  KOBJNS__TRUSTEE_SYSTEM,       /* SY  S-1-5-18: root */
  KOBJNS__TRUSTEE_ADMINS,       /* BA  S-1-5-32-544: root */
  KOBJNS__TRUSTEE_OWNER_RIGHTS, /* OW  S-1-3-4: the object's owner */
  KOBJNS__TRUSTEE_USER,         /* S-1-22-1-<uid> */
  KOBJNS__TRUSTEE_GROUP,        /* S-1-22-2-<gid> */
  KOBJNS__TRUSTEE_LAST = KOBJNS__TRUSTEE_GROUP
};

#define KOBJNS__MAX_ACES 32

/* The in-memory descriptor. What a backend stores is its own format (POSIX: posix/format.h). */
typedef struct kobjns__ace {
  uint8_t deny;    /* 0 allow, 1 deny */
  uint8_t trustee; /* enum kobjns__trustee */
  uint16_t reserved;
  uint32_t id;   /* uid or gid for USER / GROUP */
  uint32_t mask; /* generic rights already mapped */
} kobjns__ace;

typedef struct kobjns__sd {
  uint8_t null_dacl; /* D:NO_ACCESS_CONTROL: everyone gets everything */
  uint8_t count;
  uint16_t reserved;
  kobjns__ace aces[KOBJNS__MAX_ACES];
} kobjns__sd;

struct kobjns__token;

/* Parse SDDL (only a D: part). 0, 87 (unsupported part), 1336 (bad DACL), 1337 (bad SID). */
int kobjns__sddl_parse(const char *sddl, kobjns__sd *out);
/* Write `sd` as SDDL; returns the length needed (without NUL), writing at most size bytes. */
size_t kobjns__sddl_format(const kobjns__sd *sd, char *buf, size_t size);
/* Windows' default for an object a user creates: the user, SYSTEM and administrators. */
void kobjns__sd_default(kobjns__sd *out, uint32_t creator_uid);
/* Whether a descriptor read from storage is well formed. */
bool kobjns__sd_valid(const kobjns__sd *sd);
/* What GENERIC_READ, _WRITE, _EXECUTE and _ALL stand for on one object type. */
typedef struct kobjns__generic_mapping {
  uint32_t read, write, execute, all;
} kobjns__generic_mapping;
uint32_t kobjns__map_generic_as(const kobjns__generic_mapping *map, uint32_t access);
/* The section generic mapping (GENERIC_* -> SECTION_* rights). */
uint32_t kobjns__map_generic(uint32_t access);
/* Parsing, formatting and the default descriptor for an object type (GA, GR, ... are that
 * type's rights); the functions without _as are for sections. */
int kobjns__sddl_parse_as(const kobjns__generic_mapping *map, const char *sddl, kobjns__sd *out);
size_t kobjns__sddl_format_as(const kobjns__generic_mapping *map, const kobjns__sd *sd, char *buf,
                              size_t size);
void kobjns__sd_default_as(const kobjns__generic_mapping *map, kobjns__sd *out,
                           uint32_t creator_uid);
/* A SID (an alias of the table, "S-1-..." of a trustee, S-1-22-1-<uid>, S-1-22-2-<gid>), `len`
 * bytes of `s`, into ace->trustee and ace->id: 0 or 1337. */
int kobjns__sid_parse(const char *s, size_t len, kobjns__ace *ace);
/* The SID of `a` as SDDL writes it ("BA", "S-1-22-1-<uid>"), into out (NUL-terminated; "" for
 * a trustee outside the table). */
void kobjns__sid_format(const kobjns__ace *a, char *out, size_t size);
/* Whether the trustee of `a` names `token` on an object owned by `owner_uid`. */
bool kobjns__token_matches(const kobjns__ace *a, uint32_t owner_uid,
                           const struct kobjns__token *token);
/* Directory rights (a private namespace's): Windows' DIRECTORY_* values. */
#define KOBJNS__DIRECTORY_QUERY 0x0001u
#define KOBJNS__DIRECTORY_TRAVERSE 0x0002u
#define KOBJNS__DIRECTORY_CREATE_OBJECT 0x0004u
#define KOBJNS__DIRECTORY_CREATE_SUBDIRECTORY 0x0008u
#define KOBJNS__DIRECTORY_ALL 0x000F000Fu
/* Windows' access check: 0 when every right in `desired` is granted to `token` on an object
 * owned by `owner_uid`, else 5. `desired` must already be generic-mapped and nonzero. */
int kobjns__access_check(const kobjns__sd *sd, uint32_t owner_uid,
                         const struct kobjns__token *token, uint32_t desired);

#endif
