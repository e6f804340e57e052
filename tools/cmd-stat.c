/* `kobjns stat NAME`: the object NAME resolves to for a program in a session, described without
 * opening it, whatever its type: "field: value" lines or --json. `kobjns stat PATH` (a canonical
 * path, "\\..."): the object listed at that path, a private namespace's objects included, which no
 * name reaches from this process (an alias names only a namespace the process has open). */
#include <getopt.h>
#include <string.h>
#include <strings.h>

#include "cli.h"

static int print_stat(const kobjns_object *o, void *arg) {
  const bool *json = arg;
  if (*json) {
    fputs("{\"version\":1,\"object\":", stdout);
    cli_object_json(stdout, o);
    fputs("}\n", stdout);
  } else {
    cli_object_lines(stdout, o, "");
  }
  return 0;
}

/* The listed object whose path is `path`. */
typedef struct by_path {
  const char *path;
  bool json;
  int found;
} by_path;

static int print_at_path(const kobjns_object *o, void *arg) {
  by_path *p = arg;
  if (strcmp(o->path, p->path) || p->found++) return 0;
  return print_stat(o, &p->json);
}

/* "alias\\leaf" answered 3: no namespace is open under that alias here. */
static void alias_hint(const char *name) {
  const char *slash = strchr(name, '\\');
  if (!slash || !strncasecmp(name, "Global\\", 7) || !strncasecmp(name, "Local\\", 6) ||
      !strncasecmp(name, "Session\\", 8))
    return;
  char shown[1024];
  cli_printable(name, shown, sizeof shown); /* byte for byte, so the alias keeps its length */
  size_t alias_len = (size_t)(slash - name);
  fprintf(stderr,
          "kobjns: \"%.*s\" names a private namespace only in a process that has it open under "
          "that alias, which this command never has: name the object by its path (kobjns ls "
          "--namespaces shows \\PrivateNamespaces\\<id>\\...), or ask whether the namespace can "
          "be opened (kobjns explain --namespace ALIAS --boundary NAME)\n",
          (int)(alias_len < strlen(shown) ? alias_len : strlen(shown)), shown);
}

int cli_cmd_stat(const cli_command *self, int argc, char **argv) {
  static const struct option options[] = {{"session", required_argument, NULL, 's'},
                                          {"json", no_argument, NULL, 'j'},
                                          {"help", no_argument, NULL, 'h'},
                                          {0, 0, 0, 0}};
  bool json = false;
  cli_session session = {0};
  int rc;
  for (int c; (c = getopt_long(argc, argv, "", options, NULL)) != -1;) {
    switch (c) {
      case 's':
        if ((rc = cli_parse_session(optarg, &session))) return rc;
        break;
      case 'j': json = true; break;
      case 'h': return CLI_SHOW_HELP;
      default: return cli_exit(KOBJNS_INVALID_PARAMETER);
    }
  }
  if (optind + 1 != argc) return cli_usage_error(self);
  const char *name = argv[optind];
  kobjns_ctx *ctx = NULL;
  if (session.given && (rc = cli_context(session.id, cli_self_uid(), &ctx)))
    return cli_fail("acting in that session", rc);
  if (name[0] == '\\') { /* a path: what the listing has there */
    by_path p = {.path = name, .json = json};
    rc = kobjns_object_list_ex(ctx, 0, print_at_path, &p);
    kobjns_ctx_free(ctx);
    if (rc) return cli_fail("listing objects", rc);
    if (p.found) return 0;
    char shown[4096];
    fprintf(stderr, "kobjns: nothing is at %s (ERROR_FILE_NOT_FOUND, 2)\n",
            cli_printable(name, shown, sizeof shown));
    return cli_exit(KOBJNS_FILE_NOT_FOUND);
  }
  char path[4096] = "";
  kobjns_resolve(ctx, name, path, sizeof path, NULL);
  rc = kobjns_object_query(ctx, name, print_stat, &json);
  kobjns_ctx_free(ctx);
  if (rc == KOBJNS_FILE_NOT_FOUND) {
    char shown_path[4096];
    fprintf(stderr, "kobjns: nothing holds %s (ERROR_FILE_NOT_FOUND, 2); kobjns explain says why\n",
            cli_printable(path, shown_path, sizeof shown_path));
    return cli_exit(rc);
  }
  if (rc == KOBJNS_PATH_NOT_FOUND) alias_hint(name);
  return rc ? cli_fail(name, rc) : 0;
}
