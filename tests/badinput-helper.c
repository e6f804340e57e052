/* The badinput suite's helper (POSIX): a command interpreter on stdin/stdout, one reply line per
 * command starting with an integer, in a process of its own. It exists for the rows that need a
 * process where kobjns has not opened /dev/shm yet:
 *
 * - "mount BYTES" puts a private tmpfs of BYTES on /dev/shm (a new mount namespace, root only)
 *   before any kobjns call, so that "/dev/shm is full" can be played without filling the real one.
 *   The test runner itself cannot do this in a fork()ed child: the library opens /dev/shm once
 *   per process (kobjns__shm_init, from the first call) and a child inherits that descriptor,
 *   which keeps pointing into the old /dev/shm whatever is mounted over it later.
 * - "env NAME VALUE" sets a variable the library reads once per process (KOBJNS_SESSION,
 *   KOBJNS_ROOT) before the first call.
 *
 * Replies: a kobjns status, or a count for "files", "usedkib"; "-ERRNO why" when the helper
 * itself could not do something (mount not permitted, say). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* unshare */
#endif
#include <dirent.h>
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "kobjns.h"

#define MAX_HANDLES 8192
#define MAX_CTXS 4096
#define PAGE 4096u

static kobjns_section *handles[MAX_HANDLES];
static size_t nhandles;
static kobjns_ctx *ctxs[MAX_CTXS];
static size_t nctxs;

static int do_mount(const char *bytes) {
  if (unshare(CLONE_NEWNS) < 0)
    return printf("-%d unshare(CLONE_NEWNS): %s\n", errno, strerror(errno));
  /* A propagation change ignores source and type ("none": valgrind checks the type pointer). */
  if (mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL) < 0)
    return printf("-%d making mounts private: %s\n", errno, strerror(errno));
  char options[64];
  snprintf(options, sizeof options, "size=%s,mode=1777", bytes);
  if (mount("kobjns-badinput", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, options) < 0)
    return printf("-%d mounting a tmpfs on /dev/shm: %s\n", errno, strerror(errno));
  return printf("0\n");
}

static int create(const char *name, unsigned long long size) {
  kobjns_section *s = NULL;
  int rc = kobjns_section_create(NULL, strcmp(name, "-") ? name : NULL, size, KOBJNS_MAP_WRITE,
                                 NULL, &s);
  if (s && nhandles < MAX_HANDLES)
    handles[nhandles++] = s;
  else if (s)
    kobjns_section_close(s);
  return rc;
}

/* Write every page of the section and read it back: a page that was not really reserved is a
 * SIGBUS here, which kills the helper (the test sees it die). */
static int touch(kobjns_section *s) {
  void *view = NULL;
  uint64_t size = 0;
  int rc = kobjns_section_size(s, &size);
  if (!rc) rc = kobjns_section_map(s, KOBJNS_MAP_WRITE, 0, 0, &view);
  if (rc) return rc;
  volatile unsigned char *p = view;
  for (uint64_t at = 0; at < size; at += PAGE) p[at] = (unsigned char)(at / PAGE + 1);
  for (uint64_t at = 0; at < size; at += PAGE)
    if (p[at] != (unsigned char)(at / PAGE + 1)) rc = KOBJNS_INTERNAL_ERROR;
  int unmapped = kobjns_unmap(view);
  return rc ? rc : unmapped;
}

static long files_in_shm(void) {
  DIR *d = opendir("/dev/shm");
  if (!d) return -errno;
  long n = 0;
  for (struct dirent *e; (e = readdir(d));)
    if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) n++;
  closedir(d);
  return n;
}

static long used_kib(void) {
  struct statvfs st;
  if (statvfs("/dev/shm", &st) < 0) return -errno;
  return (long)((st.f_blocks - st.f_bfree) * st.f_frsize / 1024);
}

int main(int argc, char **argv) {
  (void)argc, (void)argv;
  char line[4096];
  while (fgets(line, sizeof line, stdin)) {
    line[strcspn(line, "\r\n")] = '\0';
    char *arg = strchr(line, ' ');
    if (arg) *arg++ = '\0';
    const char *a = arg ? arg : "";
    int rc = 0;
    if (!strcmp(line, "exit")) break;
    if (!strcmp(line, "mount")) {
      do_mount(a);
    } else if (!strcmp(line, "env")) { /* "env NAME VALUE": VALUE may be empty */
      char *value = strchr(arg ? arg : line, ' ');
      if (value) *value++ = '\0';
      printf("%d\n", value && setenv(a, value, 1) == 0 ? 0 : -EINVAL);
    } else if (!strcmp(line, "create")) { /* "create NAME|- SIZE" */
      char name[2048];
      unsigned long long size = 0;
      if (sscanf(a, "%2047s %llu", name, &size) != 2) size = 0, strcpy(name, "-");
      printf("%d\n", create(name, size));
    } else if (!strcmp(line, "fill")) { /* unnamed sections of SIZE until a create fails */
      unsigned long long size = strtoull(a, NULL, 10);
      while ((rc = create("-", size)) == 0 && nhandles < MAX_HANDLES) {
      }
      printf("%d\n", rc);
    } else if (!strcmp(line, "touch")) {
      printf("%d\n", nhandles ? touch(handles[nhandles - 1]) : KOBJNS_INVALID_HANDLE);
    } else if (!strcmp(line, "touchall")) {
      for (size_t i = 0; i < nhandles && !rc; i++) rc = touch(handles[i]);
      printf("%d\n", rc);
    } else if (!strcmp(line, "close")) {
      printf("%d\n", nhandles ? kobjns_section_close(handles[--nhandles]) : KOBJNS_INVALID_HANDLE);
    } else if (!strcmp(line, "closeall")) {
      while (nhandles && !rc) rc = kobjns_section_close(handles[--nhandles]);
      printf("%d\n", rc);
    } else if (!strcmp(line, "sessions")) { /* contexts in new sessions until one fails */
      for (uint32_t session = 5000; !rc && nctxs < MAX_CTXS; session++) {
        kobjns_ctx *ctx = NULL;
        if ((rc = kobjns_ctx_new(&ctx))) break;
        ctxs[nctxs++] = ctx;
        rc = kobjns_ctx_set_session(ctx, session);
      }
      printf("%d\n", rc);
    } else if (!strcmp(line, "freectx")) {
      while (nctxs) kobjns_ctx_free(ctxs[--nctxs]);
      printf("0\n");
    } else if (!strcmp(line, "files")) {
      printf("%ld\n", files_in_shm());
    } else if (!strcmp(line, "usedkib")) {
      printf("%ld\n", used_kib());
    } else if (!strcmp(line, "ctxnew")) {
      kobjns_ctx *ctx = NULL;
      printf("%d\n", kobjns_ctx_new(&ctx));
      kobjns_ctx_free(ctx);
    } else if (!strcmp(line, "sessionid")) {
      uint32_t session = 0;
      printf("%d\n", kobjns_ctx_session(NULL, &session));
    } else if (!strcmp(line, "resolve")) {
      char path[4096];
      printf("%d\n", kobjns_resolve(NULL, a, path, sizeof path, NULL));
    } else if (!strcmp(line, "open")) {
      kobjns_section *s = NULL;
      printf("%d\n", rc = kobjns_section_open(NULL, a, KOBJNS_MAP_READ, &s));
      if (s) kobjns_section_close(s);
    } else if (!strcmp(line, "cleanup")) {
      printf("%d\n", kobjns_cleanup(NULL));
    } else {
      printf("%d unknown command\n", KOBJNS_INVALID_PARAMETER);
    }
    fflush(stdout);
  }
  while (nhandles) kobjns_section_close(handles[--nhandles]);
  while (nctxs) kobjns_ctx_free(ctxs[--nctxs]);
  return 0;
}
