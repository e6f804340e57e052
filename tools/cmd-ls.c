/* `kobjns ls`: the objects a program in this session reaches (its session, Global\ and the private
 * namespaces, which belong to no session), or those of the global namespace, of one session, of
 * the private namespaces, or all of them; a table or --json. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

typedef struct listing {
  enum { SHOW_REACHABLE, SHOW_GLOBAL, SHOW_SESSION, SHOW_PRIVATE, SHOW_ALL } show;
  uint32_t session;
  bool json;
  kobjns_object *objects; /* copies (cli_object_copy), sorted before printing */
  size_t count, capacity;
} listing;

static bool shown(const listing *l, const kobjns_object *o) {
  /* What a program opens by name: not a session, nor a file that is not a kobjns object. */
  bool named = cli_named_object(o) && o->object_type != KOBJNS_TYPE_UNKNOWN;
  /* A private namespace and its objects: session 0 in the struct, yet in no session's namespace
   * (every session finds a namespace, through its boundary and alias). */
  bool private = cli_private(o);
  switch (l->show) {
    case SHOW_ALL: return true;
    case SHOW_GLOBAL: return named && o->session == 0 && !private;
    case SHOW_SESSION: return o->session == l->session && !private && (named || l->session != 0);
    case SHOW_PRIVATE: return private;
    case SHOW_REACHABLE: return named && (o->session == 0 || o->session == l->session);
  }
  return false;
}

static int collect(const kobjns_object *o, void *arg) {
  listing *l = arg;
  if (!shown(l, o)) return 0;
  if (l->count == l->capacity) {
    size_t grown = l->capacity ? l->capacity * 2 : 64;
    kobjns_object *more = realloc(l->objects, grown * sizeof *more);
    if (!more) return KOBJNS_NOT_ENOUGH_MEMORY;
    l->objects = more;
    l->capacity = grown;
  }
  int rc = cli_object_copy(&l->objects[l->count], o);
  if (!rc) l->count++;
  return rc;
}

static int by_path(const void *pa, const void *pb) {
  return strcmp(cli_object_where(pa), cli_object_where(pb));
}

static void free_listing(listing *l) {
  for (size_t i = 0; i < l->count; i++) cli_object_release(&l->objects[i]);
  free(l->objects);
}

enum { COLUMNS = 8 };

/* The cells of one row (the last, the descriptor, is never padded). */
static void cells_of(const kobjns_object *o, char cells[COLUMNS][4096]) {
  cli_printable(cli_object_where(o), cells[0], sizeof cells[0]);
  snprintf(cells[1], sizeof cells[1], "%s", o->type);
  if (o->object_type == KOBJNS_TYPE_SECTION)
    cli_size(o->size, cells[2], sizeof cells[2]);
  else
    snprintf(cells[2], sizeof cells[2], "-");
  cli_user_name(o->owner, cells[3], sizeof cells[3]);
  cli_object_holders(o, cells[4], sizeof cells[4]);
  snprintf(cells[5], sizeof cells[5], "%s", cli_object_liveness(o));
  snprintf(cells[6], sizeof cells[6], "%s", o->state && o->state[0] ? o->state : "-");
  snprintf(cells[7], sizeof cells[7], "%s", o->sddl[0] ? o->sddl : "-");
}

static void pad(FILE *f, const char *s, size_t to) {
  fputs(s, f);
  for (size_t w = cli_width(s); w < to; w++) fputc(' ', f);
}

static void print_table(const listing *l) {
  static const char *titles[COLUMNS] = {"PATH", "TYPE",  "SIZE",         "OWNER",
                                        "PIDS", "STATE", "OBJECT STATE", "SECURITY"};
  static char cells[COLUMNS][4096];
  size_t w[COLUMNS];
  for (int c = 0; c < COLUMNS; c++) w[c] = strlen(titles[c]);
  for (size_t i = 0; i < l->count; i++) {
    cells_of(&l->objects[i], cells);
    for (int c = 0; c < COLUMNS - 1; c++)
      if (cli_width(cells[c]) > w[c]) w[c] = cli_width(cells[c]);
  }
  for (int c = 0; c < COLUMNS - 1; c++) pad(stdout, titles[c], w[c] + 2);
  printf("%s\n", titles[COLUMNS - 1]);
  for (size_t i = 0; i < l->count; i++) {
    cells_of(&l->objects[i], cells);
    for (int c = 0; c < COLUMNS - 1; c++) pad(stdout, cells[c], w[c] + 2);
    printf("%s\n", cells[COLUMNS - 1]);
  }
}

int cli_cmd_ls(const cli_command *self, int argc, char **argv) {
  listing l = {.show = SHOW_REACHABLE};
  cli_session session = {0};
  static const struct option options[] = {{"global", no_argument, NULL, 'g'},
                                          {"session", required_argument, NULL, 's'},
                                          {"all", no_argument, NULL, 'a'},
                                          {"json", no_argument, NULL, 'j'},
                                          {"namespaces", no_argument, NULL, 'p'},
                                          {"help", no_argument, NULL, 'h'},
                                          {0, 0, 0, 0}};
  int shows = 0, rc;
  for (int c; (c = getopt_long(argc, argv, "+", options, NULL)) != -1;) {
    switch (c) {
      case 'g': l.show = SHOW_GLOBAL, shows++; break;
      case 'a': l.show = SHOW_ALL, shows++; break;
      case 'p': l.show = SHOW_PRIVATE, shows++; break;
      case 's':
        if ((rc = cli_parse_session(optarg, &session))) return rc;
        l.session = session.id;
        l.show = SHOW_SESSION, shows++;
        break;
      case 'j': l.json = true; break;
      case 'h': return CLI_SHOW_HELP;
      default: return cli_exit(KOBJNS_INVALID_PARAMETER);
    }
  }
  if (optind < argc || shows > 1) return cli_usage_error(self);
  if (l.show == SHOW_REACHABLE && (rc = kobjns_ctx_session(NULL, &l.session)))
    return cli_fail("this process's session", rc);
  rc = kobjns_object_list(collect, &l);
  if (rc) {
    free_listing(&l);
    return cli_fail("listing objects", rc);
  }
  if (l.count) qsort(l.objects, l.count, sizeof *l.objects, by_path);
  if (l.json) {
    fputs("{\"version\":1,\"objects\":[", stdout);
    for (size_t i = 0; i < l.count; i++) {
      fputs(i ? "," : "", stdout);
      cli_object_json(stdout, &l.objects[i]);
    }
    fputs("]}\n", stdout);
  } else if (l.count) {
    print_table(&l);
  } else {
    printf("no objects%s\n", l.show == SHOW_ALL ? "" : " here (kobjns ls --all shows every one)");
  }
  free_listing(&l);
  return 0;
}
