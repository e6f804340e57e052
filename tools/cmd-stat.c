/* `kobjns stat NAME`: the object NAME resolves to for a program in a session, described without
 * opening it, whatever its type: "field: value" lines or --json. */
#include <getopt.h>

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
  return rc ? cli_fail(name, rc) : 0;
}
