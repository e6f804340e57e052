/* `kobjns demo`: the story from the field, replayed. A service in session 0 shares memory with
 * an app in session 1 run by another user. Each step prints the Win32 status and why it happened.
 * Exits 0 when every step gave the status the story expects. */
#include <errno.h>
#include <grp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "kobjns.h"

#define APP_UID 65534 /* nobody */
#define READABLE_SDDL "D:(A;;GA;;;SY)(A;;GR;;;WD)"

enum step {
  SERVICE_CREATE,
  APP_OPEN_BARE,
  APP_OPEN_GLOBAL,
  SERVICE_RECREATE,
  APP_READ_GLOBAL,
  APP_WRITE_GLOBAL,
  APP_CREATE_GLOBAL,
  STEPS
};

typedef struct {
  int to[2], from[2];
  pid_t pid;
} role;

static void reply(role *r, int status, const char *detail) {
  char line[512];
  int n = snprintf(line, sizeof line, "%d %s\n", status, detail);
  if (write(r->from[1], line, (size_t)n) != n) _exit(1);
}

/* The service: session 0, holds ServiceMap between steps. */
static void service_step(role *r, enum step step, kobjns_section **map) {
  void *view = NULL;
  int rc;
  char detail[256] = "";
  if (step == SERVICE_RECREATE && *map) {
    kobjns_section_close(*map);
    *map = NULL;
  }
  const char *sddl = step == SERVICE_CREATE ? NULL : READABLE_SDDL;
  /* A new map or none: one another program left there is not the service's to adopt (80). */
  rc = kobjns_section_create_ex(NULL, "ServiceMap", 65536, KOBJNS_MAP_WRITE, sddl,
                                KOBJNS_CREATE_NEW, map);
  if (KOBJNS_SUCCEEDED(rc) && kobjns_section_map(*map, KOBJNS_MAP_WRITE, 0, 0, &view) == 0) {
    strcpy(view, "temperature=21.5C");
    kobjns_unmap(view);
  }
  if (*map) snprintf(detail, sizeof detail, "%s", kobjns_section_path(*map));
  reply(r, rc, detail);
}

static void app_step(role *r, enum step step) {
  kobjns_section *s = NULL;
  void *view = NULL;
  int rc;
  char detail[256] = "";
  switch (step) {
    case APP_OPEN_BARE:
      rc = kobjns_section_open(NULL, "ServiceMap", KOBJNS_MAP_READ, &s);
      kobjns_resolve(NULL, "ServiceMap", detail, sizeof detail, NULL);
      break;
    case APP_OPEN_GLOBAL:
    case APP_READ_GLOBAL:
      rc = kobjns_section_open(NULL, "Global\\ServiceMap", KOBJNS_MAP_READ, &s);
      if (KOBJNS_SUCCEEDED(rc) && kobjns_section_map(s, KOBJNS_MAP_READ, 0, 0, &view) == 0) {
        snprintf(detail, sizeof detail, "%s", (const char *)view);
        kobjns_unmap(view);
      }
      break;
    case APP_WRITE_GLOBAL:
      rc = kobjns_section_open(NULL, "Global\\ServiceMap", KOBJNS_MAP_WRITE, &s);
      break;
    default:
      rc = kobjns_section_create(NULL, "Global\\AppMap", 4096, KOBJNS_MAP_WRITE, NULL, &s);
      break;
  }
  if (s) kobjns_section_close(s);
  reply(r, rc, detail);
}

static void serve(role *r, bool is_service) {
  kobjns_section *map = NULL;
  int step;
  close(r->to[1]);
  close(r->from[0]);
  while (read(r->to[0], &step, sizeof step) == (ssize_t)sizeof step) {
    if (is_service)
      service_step(r, (enum step)step, &map);
    else
      app_step(r, (enum step)step);
  }
  if (map) kobjns_section_close(map);
  exit(0); /* not _exit: the library's destructor leaves the session cleanly */
}

static bool start(role *r, const char *session, long uid) {
  if (pipe(r->to) < 0 || pipe(r->from) < 0) return false;
  r->pid = fork();
  if (r->pid < 0) return false;
  if (r->pid == 0) {
    setenv("KOBJNS_SESSION", session, 1);
    if (uid >= 0 && (setgroups(0, NULL) < 0 || setgid((gid_t)uid) < 0 || setuid((uid_t)uid) < 0))
      _exit(1);
    serve(r, uid < 0 && !strcmp(session, "0"));
  }
  close(r->to[0]);
  close(r->from[1]);
  return true;
}

static int ask(role *r, enum step step, char *detail, size_t size) {
  int s = step;
  char line[512];
  if (write(r->to[1], &s, sizeof s) != (ssize_t)sizeof s) return -1;
  ssize_t n = read(r->from[0], line, sizeof line - 1);
  if (n <= 0) return -1;
  line[n] = '\0';
  line[strcspn(line, "\n")] = '\0';
  char *space = strchr(line, ' ');
  snprintf(detail, size, "%s", space ? space + 1 : "");
  return atoi(line);
}

int kobjns_cli_demo(void) {
  bool root = geteuid() == 0;
  char ns[64];
  snprintf(ns, sizeof ns, "demo%ld", (long)getpid());
  setenv("KOBJNS_ROOT", ns, 1); /* a namespace of our own: the demo never meets real objects */

  role service, app;
  if (!start(&service, "0", -1) || !start(&app, "1", root ? APP_UID : -1)) {
    perror("kobjns demo: starting the service and app processes");
    return 1;
  }
  printf("kobjns demo: a service in session 0 and an app in session 1%s\n\n",
         root ? " running as another user (nobody)"
              : " (same user: run as root to see a second user)");

  static const struct {
    enum step step;
    bool by_service;
    int expected, expected_same_user;
    const char *what, *why;
  } story[] = {
      {SERVICE_CREATE, true, 0, 0, "service  creates \"ServiceMap\"",
       "a service's bare name lands in the global namespace (session 0's)"},
      {APP_OPEN_BARE, false, 2, 2, "app      opens   \"ServiceMap\"",
       "the app's bare name resolves in its own session, where nothing has that name"},
      {APP_OPEN_GLOBAL, false, 5, 0, "app      opens   \"Global\\ServiceMap\"",
       "found, but the default descriptor lets in only its creator, SYSTEM and administrators"},
      {SERVICE_RECREATE, true, 0, 0, "service  creates it again with " READABLE_SDDL,
       "SYSTEM may do anything, everyone may read"},
      {APP_READ_GLOBAL, false, 0, 0, "app      opens   \"Global\\ServiceMap\" for reading",
       "everyone may read"},
      {APP_WRITE_GLOBAL, false, 5, 5, "app      opens   \"Global\\ServiceMap\" for writing",
       "the descriptor grants everyone read access only"},
      {APP_CREATE_GLOBAL, false, 5, 5, "app      creates \"Global\\AppMap\"",
       "creating a section in Global\\ from session 1 needs SeCreateGlobalPrivilege"},
  };
  int surprises = 0;
  for (size_t i = 0; i < sizeof story / sizeof story[0]; i++) {
    char detail[256];
    int rc = ask(story[i].by_service ? &service : &app, story[i].step, detail, sizeof detail);
    int expected = root ? story[i].expected : story[i].expected_same_user;
    printf("%zu. %s\n   -> %d %s", i + 1, story[i].what, rc, kobjns_status_name(rc));
    if (detail[0]) printf("  [%s]", detail);
    if (rc == expected) {
      printf("\n   %s%s\n\n", rc == expected && expected == story[i].expected ? "" : "(same user) ",
             rc == story[i].expected ? story[i].why : "the creator's own user is let in");
    } else {
      printf("\n   UNEXPECTED: the story expects %d %s\n\n", expected,
             kobjns_status_name(expected));
      surprises++;
    }
  }
  close(service.to[1]);
  close(app.to[1]);
  int st;
  waitpid(service.pid, &st, 0);
  waitpid(app.pid, &st, 0);
  printf("%s\n",
         surprises ? "The story did not go as expected." : "Every step went as on Windows.");
  if (!surprises)
    printf(
        "\nWhy step 3 failed, asked of your own objects: kobjns explain 'Global\\NAME' "
        "--session 1 --access r%s\n",
        root ? " --as-user nobody" : "");
  return surprises ? 1 : 0;
}
