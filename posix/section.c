/* POSIX sections: an object file in the shm directory, header first, user bytes after it. */
#include "object.h"
#include "platform.h"
#include "view.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <unistd.h>

/* --- typed-object parts ------------------------------------------------------------------- */

/* r/w bits the descriptor grants `t` in every session type (the kernel cannot tell them). */
static unsigned granted_bits(const kobjns__sd *sd, uint32_t owner, kobjns__token t,
                             bool read_only) {
  unsigned bits = 06;
  for (int interactive = 0; interactive < 2; interactive++) {
    t.session = (uint32_t)interactive;
    if (kobjns__access_check(sd, owner, &t, KOBJNS__SECTION_MAP_READ)) bits &= ~04u;
    if (kobjns__access_check(sd, owner, &t, KOBJNS__SECTION_MAP_WRITE)) bits &= ~02u;
  }
  return read_only ? bits & 04u : bits;
}

static bool open_writable(unsigned desired) { return desired & KOBJNS__SECTION_MAP_WRITE; }

static uint64_t file_size(const kobjns__create_args *a) { return a->size; }

static int adopt(kobjns__object *o, const kobjns__named *n, bool writable, kobjns__facts *facts) {
  (void)o;
  bool read_only = n->h.flags & KOBJNS__FLAG_READ_ONLY;
  /* A read-only section has no write bits; a handle may still carry write access to it. */
  if (writable && !n->fd_writable && !read_only) {
    facts->denial = KOBJNS_DENIAL_MODE_BITS;
    return KOBJNS_ACCESS_DENIED;
  }
  facts->size = n->h.size;
  facts->read_only = read_only;
  facts->executable = n->h.flags & KOBJNS__FLAG_EXECUTABLE;
  facts->protection_known = true;
  return 0;
}

const kobjns__named_type kobjns__posix_section = {
    .type = KOBJNS_TYPE_SECTION,
    .granted_bits = granted_bits,
    .open_writable = open_writable,
    .file_size = file_size,
    .adopt = adopt,
};

/* --- views --------------------------------------------------------------------------------- */

int kobjns__os_section_map(kobjns__object *s, kobjns__view kind, bool exec, uint64_t offset,
                           size_t length, void *base, void **addr) {
  static const int prots[] = {[KOBJNS__VIEW_NONE] = PROT_NONE,
                              [KOBJNS__VIEW_READ] = PROT_READ,
                              [KOBJNS__VIEW_WRITE] = PROT_READ | PROT_WRITE,
                              [KOBJNS__VIEW_COPY] = PROT_READ | PROT_WRITE};
  /* An executable view of a file in a noexec /dev/shm is refused by the kernel (EPERM: 5). */
  int prot = prots[kind] | (exec ? PROT_EXEC : 0);
  int flags = kind == KOBJNS__VIEW_COPY ? MAP_PRIVATE : MAP_SHARED;
  void *p;
  int err = kobjns__plat_map(base, length, prot, flags, s->os.hold.fd,
                             (off_t)(s->os.header_size + offset), &p);
  if (err) return err == EEXIST ? KOBJNS_INVALID_ADDRESS : kobjns__status_from_errno(err);
  int rc = kobjns__view_add(p, length, kind, exec);
  if (rc) {
    munmap(p, length);
    return rc;
  }
  *addr = p;
  return 0;
}

int kobjns__os_unmap(void *addr) {
  size_t length;
  int rc = kobjns__view_remove(addr, &length);
  if (rc) return rc;
  munmap(addr, length);
  return 0;
}
