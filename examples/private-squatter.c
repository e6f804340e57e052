/* The squatter of the private-namespace example (kobjns.h, POSIX): another user who gets there
 * before the service and tries to take its namespace's place.
 *   kobjns-example-private-squatter SERVICE_UID [UID]
 * With UID, a process started as root first becomes that user. It cannot make the namespace of
 * the service's boundary (it is not inside it), so it makes the nearest one it can: the same
 * boundary name and alias with its own SID, holding its own "Alias\\Map". It prints "ready" and
 * keeps it until its standard input closes. The service's create still succeeds, and clients
 * that name the service's boundary never see this one. */
#define _DEFAULT_SOURCE /* setgroups */
#include <grp.h>
#include <kobjns.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BOUNDARY "kobjns-example"
#define ALIAS "Alias"

/* kobjns_namespace_create with the boundary "kobjns-example" and the SID `sid`. */
static int create(const char *sid, kobjns_namespace **ns) {
  kobjns_boundary *b;
  int rc = kobjns_boundary_create(BOUNDARY, &b);
  if (!rc && !(rc = kobjns_boundary_add_sid(b, sid)))
    rc = kobjns_namespace_create(NULL, b, ALIAS, "D:(A;;GA;;;WD)", ns);
  kobjns_boundary_free(b);
  return rc;
}

int main(int argc, char **argv) {
  if (argc < 2) return fprintf(stderr, "usage: %s SERVICE_UID [UID]\n", argv[0]), 2;
  if (argc > 2) { /* before any kobjns call: the library takes the process's identity once */
    unsigned uid = (unsigned)strtoul(argv[2], NULL, 10);
    if (setgroups(0, NULL) < 0 || setgid(uid) < 0 || setuid(uid) < 0)
      return perror("squatter: cannot become that user"), 2;
  }
  char theirs[32], mine[32];
  snprintf(theirs, sizeof theirs, "S-1-22-1-%s", argv[1]);
  snprintf(mine, sizeof mine, "S-1-22-1-%u", (unsigned)geteuid());

  kobjns_namespace *ns = NULL;
  int rc = create(theirs, &ns);
  printf("squatter: uid %u, create with the service's boundary (%s) -> %d %s\n",
         (unsigned)geteuid(), theirs, rc, kobjns_status_name(rc));
  if (rc != KOBJNS_ACCESS_DENIED) return 1; /* only a user inside the boundary may */
  rc = create(mine, &ns);
  printf("squatter: create with its own SID (%s) instead -> %d %s\n", mine, rc,
         kobjns_status_name(rc));
  if (rc) return 1;
  kobjns_section *map;
  void *view;
  if ((rc = kobjns_section_create(NULL, ALIAS "\\Map", 4096, KOBJNS_MAP_WRITE, "D:(A;;GA;;;WD)",
                                  &map)) ||
      (rc = kobjns_section_map(map, KOBJNS_MAP_WRITE, 0, 0, &view)))
    return fprintf(stderr, "squatter: %s: %d\n", ALIAS "\\Map", rc), 1;
  strcpy(view, "temperature=-40C (squatted)");
  printf("squatter: %s holds \"%s\"\n", kobjns_section_path(map), (const char *)view);
  printf("ready\n");
  fflush(stdout);

  char line[256];
  while (fgets(line, sizeof line, stdin)) {
  }
  kobjns_unmap(view);
  kobjns_section_close(map);
  kobjns_namespace_close(ns, 0);
  return 0;
}
