/* The client side of the private-namespace example (kobjns.h, POSIX): an app that finds the
 * service's objects through the service's boundary and alias, never through a name someone else
 * could have taken first. Each step prints the status and why; the exit status is 0 when every
 * step gave the expected one.
 *   kobjns-example-private-client SERVICE_UID [UID]
 * SERVICE_UID names the boundary (the service's user); with UID, a process started as root first
 * becomes that user, as an app of another user would be. */
#define _DEFAULT_SOURCE /* setgroups */
#include <grp.h>
#include <kobjns.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BOUNDARY "kobjns-example"
#define ALIAS "Alias"

static int wrong;

static void step(const char *what, int rc, int want, const char *why) {
  printf("client: %-42s -> %d %s\n        %s\n", what, rc, kobjns_status_name(rc), why);
  if (rc != want) {
    printf("        UNEXPECTED: %d was expected\n", want);
    wrong++;
  }
}

int main(int argc, char **argv) {
  if (argc < 2) return fprintf(stderr, "usage: %s SERVICE_UID [UID]\n", argv[0]), 2;
  if (argc > 2) { /* before any kobjns call: the library takes the process's identity once */
    unsigned uid = (unsigned)strtoul(argv[2], NULL, 10);
    if (setgroups(0, NULL) < 0 || setgid(uid) < 0 || setuid(uid) < 0)
      return perror("client: cannot become that user"), 2;
  }
  uint32_t session = 0;
  kobjns_ctx_session(NULL, &session);
  printf("client: an app of uid %u in session %u\n", (unsigned)geteuid(), (unsigned)session);

  kobjns_section *map = NULL;
  int rc = kobjns_section_open(NULL, ALIAS "\\Map", KOBJNS_MAP_READ, &map);
  step("open \"" ALIAS "\\\\Map\"", rc, KOBJNS_PATH_NOT_FOUND,
       "no namespace is open under the alias in this process yet");

  /* The same boundary as the service's: its name and the service user's SID. */
  char sid[32];
  snprintf(sid, sizeof sid, "S-1-22-1-%s", argv[1]);
  kobjns_boundary *b;
  if ((rc = kobjns_boundary_create(BOUNDARY, &b)) || (rc = kobjns_boundary_add_sid(b, sid)))
    return fprintf(stderr, "client: boundary: %d\n", rc), 1;
  kobjns_namespace *ns = NULL;
  rc = kobjns_namespace_open(NULL, b, ALIAS, &ns);
  kobjns_boundary_free(b);
  step("kobjns_namespace_open(boundary, \"" ALIAS "\")", rc, 0,
       "made by a user inside the boundary; its descriptor lets everyone traverse");
  unsigned access = 0;
  kobjns_namespace_access(ns, &access);
  printf("        granted 0x%x (another user than its creator gets 0x2: traverse)\n", access);

  rc = kobjns_section_open(NULL, ALIAS "\\Map", KOBJNS_MAP_READ, &map);
  step("open \"" ALIAS "\\\\Map\", read", rc, 0, "the alias now names the service's namespace");
  const char *view = NULL;
  if (map && kobjns_section_map(map, KOBJNS_MAP_READ, 0, 0, (void **)&view) == 0)
    printf("        %s says \"%s\"\n", kobjns_section_path(map), view);
  if (!view || strncmp(view, "temperature=", 12)) {
    printf("        UNEXPECTED: the service wrote \"temperature=...\"\n");
    wrong++;
  }
  kobjns_section *w = NULL;
  step("open \"" ALIAS "\\\\Map\", write",
       kobjns_section_open(NULL, ALIAS "\\Map", KOBJNS_MAP_WRITE, &w), KOBJNS_ACCESS_DENIED,
       "its descriptor lets everyone read, no one write (the service's own handle writes)");
  step("open \"" ALIAS "\\\\a\\\\b\"",
       kobjns_section_open(NULL, ALIAS "\\a\\b", KOBJNS_MAP_READ, &w), KOBJNS_PATH_NOT_FOUND,
       "a namespace is one level: no directories inside");

  kobjns_sync *ack = NULL;
  rc = kobjns_event_open(NULL, ALIAS "\\Ack", KOBJNS_EVENT_MODIFY_STATE, &ack);
  step("open \"" ALIAS "\\\\Ack\", modify state", rc, 0, "everyone may set it");
  if (ack) step("set Ack", kobjns_event_set(ack), 0, "tells the service its reading was read");

  step("kobjns_namespace_close", kobjns_namespace_close(ns, 0), 0,
       "the alias goes with the handle");
  step("open \"" ALIAS "\\\\Map\" again",
       kobjns_section_open(NULL, ALIAS "\\Map", KOBJNS_MAP_READ, &w), KOBJNS_PATH_NOT_FOUND,
       "the alias names nothing now");
  if (view) printf("        the section opened through it still works: \"%s\"\n", view);

  if (view) kobjns_unmap((void *)view);
  if (map) kobjns_section_close(map);
  if (ack) kobjns_sync_close(ack);
  printf("client: %s\n", wrong ? "some steps gave another status" : "done");
  return wrong ? 1 : 0;
}
