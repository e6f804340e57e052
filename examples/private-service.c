/* The service side of the private-namespace example (kobjns.h, POSIX): the service of
 * service.c, with its objects in a private namespace instead of Global\, so that nobody outside
 * its boundary can squat their names.
 *
 * The boundary is "kobjns-example" with this user's SID: only this user can make a namespace of
 * it, whoever made one of the same name first. The namespace ("Alias") lets everyone traverse it;
 * inside, "Alias\\Map" holds a reading everyone may read and "Alias\\Ack" is an event everyone may
 * set. It prints "ready", serves until its standard input closes, then says whether a client set
 * Ack. Run by examples/run-private with a client and a squatter. */
#include <kobjns.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define BOUNDARY "kobjns-example"
#define ALIAS "Alias"
/* The creator may do anything; everyone else may traverse (0x2, DIRECTORY_TRAVERSE): open the
 * namespace and look objects up in it, whose own descriptors then decide. POSIX cannot let in
 * one other user alone: the kernel's mode bits have one class for every other user. */
#define NAMESPACE_SDDL "D:(A;;GA;;;S-1-22-1-%u)(A;;0x2;;;WD)"
#define MAP_SDDL "D:(A;;GR;;;WD)" /* everyone reads; the creator's handle writes */
#define ACK_SDDL "D:(A;;GW;;;WD)" /* everyone sets (GW: EVENT_MODIFY_STATE) */

static int fail(const char *what, int rc) {
  fprintf(stderr, "service: %s: %d %s\n", what, rc, kobjns_status_name(rc));
  return 1;
}

int main(void) {
  unsigned uid = (unsigned)geteuid();
  char sid[32], sddl[96];
  snprintf(sid, sizeof sid, "S-1-22-1-%u", uid);
  snprintf(sddl, sizeof sddl, NAMESPACE_SDDL, uid);

  kobjns_boundary *b;
  int rc = kobjns_boundary_create(BOUNDARY, &b);
  if (rc) return fail("kobjns_boundary_create", rc);
  if ((rc = kobjns_boundary_add_sid(b, sid))) return fail("kobjns_boundary_add_sid", rc);
  kobjns_namespace *ns;
  rc = kobjns_namespace_create(NULL, b, ALIAS, sddl, &ns);
  kobjns_boundary_free(b);      /* the namespace keeps what it needs */
  if (rc == KOBJNS_FILE_EXISTS) /* no handle: made by someone inside the boundary */
    return fail("another instance of this service (this user) made the namespace", rc);
  if (rc) return fail("kobjns_namespace_create", rc);
  printf("service: uid %u, created the private namespace of boundary \"%s\" (%s), alias \"%s\"\n",
         uid, BOUNDARY, sid, ALIAS);
  printf(
      "         0, not 80: a namespace of that name made by someone outside the boundary is"
      " another one\n");

  /* The namespace is new, and only this user may create in it: these names are ours. */
  kobjns_section *map;
  kobjns_sync *ack = NULL;
  if ((rc = kobjns_section_create_ex(NULL, ALIAS "\\Map", 4096, KOBJNS_MAP_WRITE, MAP_SDDL,
                                     KOBJNS_CREATE_NEW, &map)))
    return fail("kobjns_section_create_ex(" ALIAS "\\Map)", rc);
  if ((rc = kobjns_event_create_ex(NULL, ALIAS "\\Ack", 0, 0, ACK_SDDL, KOBJNS_CREATE_NEW, &ack)))
    return fail("kobjns_event_create_ex(" ALIAS "\\Ack)", rc);
  void *view;
  if ((rc = kobjns_section_map(map, KOBJNS_MAP_WRITE, 0, 0, &view)))
    return fail("kobjns_section_map", rc);
  strcpy(view, "temperature=21.5C");
  printf("service: %s holds \"%s\"\n", kobjns_section_path(map), (const char *)view);
  printf("ready\n");
  fflush(stdout);

  char line[256];
  while (fgets(line, sizeof line, stdin)) {
  }
  rc = kobjns_wait(ack, 0); /* set, and not yet taken: a client read the map */
  printf("service: %s\n", rc == 0 ? "a client set Ack" : "no client set Ack");
  kobjns_unmap(view);
  kobjns_section_close(map);
  kobjns_sync_close(ack);
  kobjns_namespace_close(ns, KOBJNS_NAMESPACE_DESTROY); /* no open finds it from now on */
  return rc == 0 ? 0 : 1;
}
