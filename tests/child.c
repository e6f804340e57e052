/* The child side of multi-process tests: a small command interpreter on stdin/stdout, so that
 * a test can play a service, an app or another user step by step. One reply line per command,
 * starting with the status. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#ifndef _WIN32
#include <unistd.h>
#endif

#include "kt.h"

#define MAX_HANDLES 64

int kt_child_main(void) {
  kobjns_ctx *ctx = NULL;
  int rc = kobjns_ctx_new(&ctx);
  if (rc) {
    printf("%d ctx\n", rc);
    fflush(stdout);
    return 1;
  }
  kobjns_section *handles[MAX_HANDLES] = {0};
  int count = 0;
  kobjns_section *cur = NULL;
  char line[4096];
  while (fgets(line, sizeof line, stdin)) {
    line[strcspn(line, "\n")] = '\0';
    char cmd[32] = "", a[1024] = "", b[1024] = "", c[64] = "", d[1024] = "";
    sscanf(line, "%31s %1023s %1023s %63s %1023s", cmd, a, b, c, d);
    if (!strcmp(cmd, "exit")) break;
    if (!strcmp(cmd, "create") || !strcmp(cmd, "open")) {
      kobjns_section *s = NULL;
      if (!strcmp(cmd, "create"))
        rc = kobjns_section_create(ctx, a, strtoull(b, NULL, 0), (unsigned)strtoul(c, NULL, 0),
                                   strcmp(d, "-") ? d : NULL, &s);
      else
        rc = kobjns_section_open(ctx, a, (unsigned)strtoul(b, NULL, 0), &s);
      if (s && count < MAX_HANDLES) handles[count++] = cur = s;
      printf("%d\n", rc);
    } else if (!strcmp(cmd, "write") || !strcmp(cmd, "read")) {
      bool write = !strcmp(cmd, "write");
      void *view = NULL;
      rc = cur ? kobjns_section_map(cur, write ? KOBJNS_MAP_WRITE : KOBJNS_MAP_READ, 0, 0, &view)
               : KOBJNS_INVALID_HANDLE;
      if (!rc && write) strcpy(view, a);
      printf("%d %s\n", rc, !rc && !write ? (const char *)view : "");
      if (view) kobjns_unmap(view);
    } else if (!strcmp(cmd, "close")) {
      rc = kobjns_section_close(cur);
      for (int i = 0; i < count; i++)
        if (handles[i] == cur) handles[i] = handles[--count];
      cur = count ? handles[count - 1] : NULL;
      printf("%d\n", rc);
#ifndef _WIN32
    } else if (!strcmp(cmd, "rawopen")) { /* what the kernel alone allows: errno of open() */
      int fd = open(a, !strcmp(b, "rw") ? O_RDWR : O_RDONLY);
      printf("%d\n", fd < 0 ? errno : 0);
      if (fd >= 0) close(fd);
    } else if (!strcmp(cmd, "rawunlink")) {
      printf("%d\n", unlink(a) < 0 ? errno : 0);
    } else if (!strcmp(cmd, "umask")) {
      umask((mode_t)strtoul(a, NULL, 8));
      printf("0\n");
#endif
    } else if (!strcmp(cmd, "size")) {
      uint64_t size = 0;
      rc = kobjns_section_size(cur, &size);
      printf("%d %llu\n", rc, (unsigned long long)size);
    } else if (!strcmp(cmd, "priv")) {
      printf("%d\n", kobjns_ctx_set_privilege(ctx, KOBJNS_PRIV_CREATE_GLOBAL, atoi(a)));
    } else if (!strcmp(cmd, "session")) {
      uint32_t session = 0;
      rc = kobjns_session_id(ctx, &session);
      printf("%d %u\n", rc, (unsigned)session);
    } else if (!strcmp(cmd, "resolve")) {
      char path[1024] = "";
      rc = kobjns_resolve(ctx, a, path, sizeof path, NULL);
      printf("%d %s\n", rc, path);
    } else {
      printf("%d unknown command\n", KOBJNS_INVALID_PARAMETER);
    }
    fflush(stdout); /* one reply per command, now: msvcrt has no line buffering */
  }
  for (int i = 0; i < count; i++) kobjns_section_close(handles[i]);
  kobjns_ctx_free(ctx);
  return 0;
}
