/* The kobjns command: what its files share. */
#ifndef KOBJNS_CLI_H
#define KOBJNS_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "kobjns.h"

/* Subcommands (each returns the process's exit status). */
int kobjns_cli_demo(void);
int kobjns_cli_explain(int argc, char **argv);

/* The exit status for a kobjns status: the Win32 error number when it fits in one (2, 3, 5, 6,
 * 87, 123, 161, 183, 206), else 255; the full number is always printed. */
int cli_exit(int status);
/* "kobjns: WHAT: ERROR_NAME (N): message" on stderr; returns cli_exit(status). */
int cli_fail(const char *what, int status);

bool cli_parse_u32(const char *s, uint32_t *out);
/* This process's uid; UINT32_MAX on Windows, which has none. */
uint32_t cli_self_uid(void);
/* A context of this process's identity in `session`, acting as `uid` when that is another user
 * (root only): 0, or the status (no context is left). */
int cli_context(uint32_t session, uint32_t uid, kobjns_ctx **ctx);
/* A user name or a uid. */
bool cli_parse_user(const char *s, uint32_t *uid);
/* The account name of `uid`, or its number. */
void cli_user_name(uint32_t uid, char *out, size_t size);
/* `s` with control characters shown as '?', into out (truncated with "..." past size). */
const char *cli_printable(const char *s, char *out, size_t size);

/* A JSON string: quoted, escaped, invalid UTF-8 replaced by U+FFFD. */
void cli_json_string(FILE *f, const char *s);
/* One object as a JSON object (docs/cli.md: the schema). */
void cli_object_json(FILE *f, const kobjns_object *o);
/* One object as aligned "field: value" lines (kobjns stat). */
void cli_object_lines(FILE *f, const kobjns_object *o, const char *indent);
/* Whether `o` is an object of a namespace (not a session, nor a dead creator's temporary file). */
bool cli_named_object(const kobjns_object *o);
/* Whether `type` is a mutex's, an event's or a semaphore's. */
bool cli_sync_type(const char *type);
/* A deep copy of an object seen in a callback (its strings and pids), and its release. 0 or 8. */
int cli_object_copy(kobjns_object *dst, const kobjns_object *src);
void cli_object_release(kobjns_object *o);
/* "64 KiB"-style size. */
void cli_size(uint64_t bytes, char *out, size_t size);

#endif
