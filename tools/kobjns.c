/* The kobjns command: ls, stat, explain, gc and demo over the library's inspection API.
 * Human output is aligned columns or "field: value" lines; --json is the stable form
 * (docs/cli.md). Exit status: 0, or the Win32 error number of what failed (255 past 255).
 * This file is main: the table of commands, the help made from it, and the dispatch. Each
 * command is a file of its own (cmd-<name>.c); what they share is cli.c. */
#include <stdlib.h>
#include <string.h>
#ifdef _WIN32
#include <fcntl.h>
#include <io.h>
#include <windows.h>
#endif

#include "cli.h"

static const cli_command commands[] = {
    {"ls", "ls [--global | --session N | --namespaces | --all] [--json]", cli_cmd_ls,
     "list objects (sections, mutexes, events, semaphores, sessions, private\n"
     "namespaces): path, type, size, owner, holders, state, what a mutex/event/\n"
     "semaphore is doing (owned, signaled, its count) or a namespace's alias and\n"
     "boundary, security (SDDL); by default those a program in this session reaches\n"
     "(its session, Global\\ and the private namespaces)"},
    {"stat", "stat NAME|PATH [--session N] [--json]", cli_cmd_stat,
     "the object NAME resolves to for a program in session N (default: this one), or\n"
     "the object at the canonical PATH (\\PrivateNamespaces\\<id>\\x, ...)"},
    {"explain", "explain NAME [--session N] [--access ACCESS] [--as-user USER] [--json]",
     cli_cmd_explain,
     "why an open of NAME fails (or succeeds), step by step; it opens the type NAME\n"
     "holds; exit status 0 when that open would succeed, else its Win32 error number\n"
     "(255 for numbers past 255). ACCESS: r, w, rw (a section), sync, modify (a mutex,\n"
     "event or semaphore), all, or a number (0x100000).\n"
     "explain --namespace ALIAS --boundary NAME [--sid SID]... [--as-user USER]:\n"
     "why an open of that private namespace fails (or succeeds)"},
    {"gc", "gc [--dry-run] [--json]", cli_cmd_gc,
     "remove stale objects (their holders all died) and private namespaces no handle\n"
     "holds; never a held one, never another user's unless run as root"},
    {"demo", "demo", cli_cmd_demo,
     "a service in session 0 and an app in session 1 share memory (as on Windows)"},
};
enum { COMMANDS = sizeof commands / sizeof commands[0] };

/* The help: each command's usage, then what it does, indented (on the same line when the usage
 * is shorter than the indent). */
static void help(FILE *f) {
  enum { INDENT = 8 };
  fputs(
      "usage: kobjns COMMAND [OPTIONS]\n"
      "\n"
      "Windows kernel-object namespaces for named shared memory: look at what is there and why\n"
      "an open fails.\n"
      "\n"
      "commands:\n",
      f);
  for (size_t i = 0; i < COMMANDS; i++) {
    const cli_command *c = &commands[i];
    int used = fprintf(f, "  %s", c->usage);
    if (used + 2 <= INDENT)
      fprintf(f, "%*s", INDENT - used, "");
    else
      fprintf(f, "\n%*s", INDENT, "");
    for (const char *line = c->help; *line;) {
      size_t len = strcspn(line, "\n");
      fprintf(f, "%.*s\n", (int)len, line);
      line += len;
      if (*line == '\n' && *++line) fprintf(f, "%*s", INDENT, "");
    }
  }
  fputs(
      "\n"
      "environment: KOBJNS_SESSION (this process's session), KOBJNS_ROOT (the tree of names)\n"
      "see kobjns(1) and docs/cli.md\n",
      f);
}

#ifdef _WIN32
/* The command line as UTF-8, as names are (the C runtime's argv is in the ANSI code page); and
 * output as bytes: "\n", never "\r\n", so that --json is the same document everywhere. */
static char **utf8_arguments(int *argc) {
  wchar_t **wide = CommandLineToArgvW(GetCommandLineW(), argc);
  char **argv = wide ? calloc((size_t)*argc + 1, sizeof *argv) : NULL;
  for (int i = 0; argv && i < *argc; i++) {
    int bytes = WideCharToMultiByte(CP_UTF8, 0, wide[i], -1, NULL, 0, NULL, NULL);
    argv[i] = bytes > 0 ? malloc((size_t)bytes) : NULL;
    if (!argv[i]) exit(cli_fail("reading the command line", KOBJNS_NOT_ENOUGH_MEMORY));
    WideCharToMultiByte(CP_UTF8, 0, wide[i], -1, argv[i], bytes, NULL, NULL);
  }
  if (wide) LocalFree(wide);
  return argv;
}
#endif

int main(int argc, char **argv) {
#ifdef _WIN32
  _setmode(_fileno(stdout), _O_BINARY);
  char **utf8 = utf8_arguments(&argc);
  if (!utf8) return cli_fail("reading the command line", KOBJNS_NOT_ENOUGH_MEMORY);
  argv = utf8; /* kept until exit */
#endif
  if (argc < 2) {
    help(stderr);
    return cli_exit(KOBJNS_INVALID_PARAMETER);
  }
  const char *name = argv[1];
  if (!strcmp(name, "--help") || !strcmp(name, "-h") || !strcmp(name, "help")) {
    help(stdout);
    return 0;
  }
  if (!strcmp(name, "--version")) {
    printf("kobjns %d.%d.%d\n", KOBJNS_VERSION_MAJOR, KOBJNS_VERSION_MINOR, KOBJNS_VERSION_PATCH);
    return 0;
  }
  for (size_t i = 0; i < COMMANDS; i++)
    if (!strcmp(name, commands[i].name)) {
      int status = commands[i].run(&commands[i], argc - 1, argv + 1);
      if (status != CLI_SHOW_HELP) return status;
      help(stdout);
      return 0;
    }
  fprintf(stderr, "kobjns: unknown command \"%s\"\n\n", name);
  help(stderr);
  return cli_exit(KOBJNS_INVALID_PARAMETER);
}
