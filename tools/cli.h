/* The kobjns command: what its files share. kobjns.c holds main, the table of commands and the
 * help made from it; cli.c the helpers below; each command is one file (cmd-<name>.c) that
 * includes only this header. No command file includes or calls another. */
#ifndef KOBJNS_CLI_H
#define KOBJNS_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "kobjns.h"

/* --- the commands ------------------------------------------------------------------------- */

typedef struct cli_command cli_command;
/* A command's handler: argv[0] is the command's name. Returns the process's exit status, or
 * CLI_SHOW_HELP for main to print the list of commands (exit status 0). */
typedef int (*cli_handler)(const cli_command *self, int argc, char **argv);
#define CLI_SHOW_HELP (-1)

struct cli_command {
  const char *name;  /* "ls" */
  const char *usage; /* "ls [--global | --session N | --all] [--json]" */
  cli_handler run;
  const char *help; /* what it does, for the list of commands (lines of at most 80 columns) */
};

/* The handlers, one file each (kobjns.c's table names them). */
int cli_cmd_ls(const cli_command *self, int argc, char **argv);
int cli_cmd_stat(const cli_command *self, int argc, char **argv);
int cli_cmd_explain(const cli_command *self, int argc, char **argv);
int cli_cmd_gc(const cli_command *self, int argc, char **argv);
int cli_cmd_demo(const cli_command *self, int argc, char **argv);
/* The demo's story (demo.c, POSIX only): its exit status. */
int kobjns_cli_demo(void);

/* --- exit statuses and failures ------------------------------------------------------------ */

/* The exit status for a kobjns status: the Win32 error number when it fits in one (2, 3, 5, 6,
 * 87, 123, 161, 183, 206), else 255; the full number is always printed. */
int cli_exit(int status);
/* "kobjns: WHAT: ERROR_NAME (N): message" on stderr; returns cli_exit(status). */
int cli_fail(const char *what, int status);
/* "usage: kobjns USAGE" on stderr; returns 87's exit status. */
int cli_usage_error(const cli_command *self);

/* --- parsing arguments --------------------------------------------------------------------- */

/* The one number parser: all of `s`, digits first (no sign, no space), at most UINT32_MAX; base
 * 10, or 0 for C's forms too (0x100000, 017). */
bool cli_parse_u32(const char *s, int base, uint32_t *out);
/* --session N: the session, and whether it was given. */
typedef struct cli_session {
  uint32_t id;
  bool given;
} cli_session;
/* --session's value: 0, or the exit status after saying that it wants a number. */
int cli_parse_session(const char *s, cli_session *session);
/* A user name or a uid. */
bool cli_parse_user(const char *s, uint32_t *uid);

/* --- identities -------------------------------------------------------------------------- */

/* This process's uid; UINT32_MAX on Windows, which has none. */
uint32_t cli_self_uid(void);
/* A context of this process's identity in `session`, acting as `uid` when that is another user
 * (root only): 0, or the status (no context is left). */
int cli_context(uint32_t session, uint32_t uid, kobjns_ctx **ctx);
/* The account name of `uid`, or its number ("-" for UINT32_MAX on Windows). */
void cli_user_name(uint32_t uid, char *out, size_t size);

/* --- text -------------------------------------------------------------------------------- */

/* `s` with control characters shown as '?', into out (truncated with "..." past size). */
const char *cli_printable(const char *s, char *out, size_t size);
/* Display width: UTF-8 continuation bytes take no column. */
size_t cli_width(const char *s);
/* A JSON string: quoted, escaped, invalid UTF-8 replaced by U+FFFD. */
void cli_json_string(FILE *f, const char *s);
/* "64 KiB"-style size. */
void cli_size(uint64_t bytes, char *out, size_t size);

/* --- objects (kobjns_object, from the library's inspection API) ----------------------------- */

/* Whether `o` is a private namespace or an object in one (kobjns_object.private_namespace). */
bool cli_private(const kobjns_object *o);
/* Whether `o` is an object of a namespace (not a session, nor a dead creator's temporary file). */
bool cli_named_object(const kobjns_object *o);
/* "live", "stale" or "unknown". */
const char *cli_object_liveness(const kobjns_object *o);
/* The pids holding it, "1,2,3"; "-" for none, "?" when the system cannot say. */
void cli_object_holders(const kobjns_object *o, char *out, size_t size);
/* Where it is shown: its path, or its native name when the path is not known. */
const char *cli_object_where(const kobjns_object *o);
/* One object as a JSON object (docs/cli.md: the schema). */
void cli_object_json(FILE *f, const kobjns_object *o);
/* One object as aligned "field: value" lines (kobjns stat). */
void cli_object_lines(FILE *f, const kobjns_object *o, const char *indent);
/* A deep copy of an object seen in a callback (its strings and pids), and its release. 0 or 8. */
int cli_object_copy(kobjns_object *dst, const kobjns_object *src);
void cli_object_release(kobjns_object *o);

#endif
