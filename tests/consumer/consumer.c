/* A program a user writes against an installed kobjns: two handles to one named section share
 * memory, and the name dies with the last handle. Exits 0 when all of that holds. */
#include <kobjns.h>
#include <stdio.h>
#include <string.h>

static int check(const char *what, int status, int want) {
  if (status == want) return 0;
  fprintf(stderr, "consumer: %s: %d %s, want %d\n", what, status, kobjns_status_name(status), want);
  return 1;
}

int main(void) {
  /* The library it runs with is the one whose headers it was built with. */
  if (kobjns_version() != KOBJNS_VERSION ||
      strcmp(kobjns_version_string(), KOBJNS_VERSION_STRING)) {
    fprintf(stderr, "consumer: built with kobjns %s, runs with %s\n", KOBJNS_VERSION_STRING,
            kobjns_version_string());
    return 1;
  }
  kobjns_section *a = NULL, *b = NULL;
  void *va = NULL, *vb = NULL;
  int bad =
      check("create",
            kobjns_section_create(NULL, "Local\\consumer", 4096, KOBJNS_MAP_WRITE, NULL, &a), 0);
  bad |= check("open", kobjns_section_open(NULL, "consumer", KOBJNS_MAP_READ, &b), 0);
  if (bad) return 1;
  bad |= check("map a", kobjns_section_map(a, KOBJNS_MAP_WRITE, 0, 0, &va), 0);
  bad |= check("map b", kobjns_section_map(b, KOBJNS_MAP_READ, 0, 0, &vb), 0);
  if (bad) return 1;
  strcpy(va, "shared");
  bad |= strcmp(vb, "shared") != 0;
  kobjns_unmap(va), kobjns_unmap(vb);
  bad |= check("close a", kobjns_section_close(a), 0);
  bad |= check("close b", kobjns_section_close(b), 0);
  bad |= check("open after the last close",
               kobjns_section_open(NULL, "consumer", KOBJNS_MAP_READ, &b), KOBJNS_FILE_NOT_FOUND);
  printf("consumer: %s\n", bad ? "FAILED" : "ok: shared memory through kobjns");
  return bad;
}
