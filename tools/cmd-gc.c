/* `kobjns gc`: remove stale objects (their holders all died), or with --dry-run say which a real
 * run would remove; never a held one, never another user's unless run as root. */
#include <getopt.h>
#include <string.h>

#include "cli.h"

typedef struct gc_out {
  bool json, dry_run;
  size_t shown;
} gc_out;

static int print_removed(const kobjns_object *o, void *arg) {
  gc_out *out = arg;
  if (out->json) {
    fputs(out->shown++ ? "," : "", stdout);
    cli_object_json(stdout, o);
    return 0;
  }
  char owner[256], size[40] = "", path[4096];
  cli_user_name(o->owner, owner, sizeof owner);
  if (o->object_type == KOBJNS_TYPE_SECTION) {
    cli_size(o->size, size, sizeof size - 2);
    strcat(size, ", ");
  }
  printf("%s %s %s (%s%s)\n", out->dry_run ? "would remove" : "removed", o->type,
         cli_printable(cli_object_where(o), path, sizeof path), size, owner);
  out->shown++;
  return 0;
}

int cli_cmd_gc(const cli_command *self, int argc, char **argv) {
  static const struct option options[] = {{"dry-run", no_argument, NULL, 'n'},
                                          {"json", no_argument, NULL, 'j'},
                                          {"help", no_argument, NULL, 'h'},
                                          {0, 0, 0, 0}};
  gc_out out = {false, false, 0};
  for (int c; (c = getopt_long(argc, argv, "n", options, NULL)) != -1;) {
    switch (c) {
      case 'n': out.dry_run = true; break;
      case 'j': out.json = true; break;
      case 'h': return CLI_SHOW_HELP;
      default: return cli_exit(KOBJNS_INVALID_PARAMETER);
    }
  }
  if (optind != argc) return cli_usage_error(self);
  if (out.json)
    printf("{\"version\":1,\"dry_run\":%s,\"removed\":[", out.dry_run ? "true" : "false");
  size_t removed = 0;
  int rc = kobjns_cleanup_each(out.dry_run, print_removed, &out, &removed);
  if (out.json)
    printf("],\"count\":%zu,\"status\":%d}\n", removed, rc);
  else if (!rc)
    printf("%zu stale object%s %s\n", removed, removed == 1 ? "" : "s",
           out.dry_run ? "would be removed" : "removed");
  return rc ? cli_fail("removing stale objects", rc) : 0;
}
