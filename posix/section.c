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

static const kobjns__named_type section_type = {KOBJNS_TYPE_SECTION, granted_bits};

static void fill(kobjns_section *s, const kobjns__named *o, unsigned access) {
  s->os.fd = o->fd;
  s->os.pid = kobjns__pid();
  s->os.forks = kobjns__forks();
  s->os.header_size = o->h.header_size;
  s->size = o->h.size;
  s->read_only = o->h.flags & KOBJNS__FLAG_READ_ONLY;
  s->access = access;
}

/* --- opening ------------------------------------------------------------------------------- */

static int open_existing(const kobjns_ctx *ctx, const kobjns__name *name, unsigned desired,
                         kobjns_section *s) {
  bool want_write = desired & KOBJNS__SECTION_MAP_WRITE;
  kobjns__named o;
  int rc =
      kobjns__named_open(ctx, name, s->os.native, KOBJNS_TYPE_SECTION, desired, want_write, &o);
  if (rc) return rc;
  /* A read-only section has no write bits; a handle may still carry write access to it. */
  if (want_write && !o.fd_writable && !(o.h.flags & KOBJNS__FLAG_READ_ONLY)) {
    kobjns__object_release(o.fd, s->os.native, kobjns__pid());
    return KOBJNS_ACCESS_DENIED;
  }
  fill(s, &o, desired);
  return 0;
}

int kobjns__os_section_open(const kobjns_ctx *ctx, const kobjns__name *name, unsigned desired,
                            kobjns_section *s) {
  kobjns__native_name(name, s->os.native);
  int rc = open_existing(ctx, name, desired, s);
  return rc == KOBJNS__STALE_FOREIGN ? KOBJNS_FILE_NOT_FOUND : rc;
}

/* --- creating ------------------------------------------------------------------------------ */

typedef struct create_call {
  const kobjns_ctx *ctx;
  const kobjns__create_args *a;
  kobjns_section *s;
} create_call;

static int create_new(void *arg) {
  create_call *c = arg;
  const kobjns__create_args *a = c->a;
  kobjns__named_create_args args = {
      .type = &section_type,
      .name = a->name,
      .native = c->s->os.native,
      .flags = a->read_only ? KOBJNS__FLAG_READ_ONLY : 0,
      .size = a->size,
      .sd = a->sd,
  };
  kobjns__named o;
  int rc = kobjns__named_create(c->ctx, &args, &o);
  if (rc) return rc;
  fill(c->s, &o, a->desired | kobjns__create_open_access(a->read_only));
  return 0;
}

static int open_for_create(void *arg) {
  create_call *c = arg;
  return open_existing(c->ctx, c->a->name, kobjns__create_open_access(c->a->read_only), c->s);
}

int kobjns__os_section_create(const kobjns_ctx *ctx, const kobjns__create_args *a,
                              kobjns_section *s) {
  create_call c = {ctx, a, s};
  if (!a->name) {
    s->os.native[0] = '\0';
    return create_new(&c);
  }
  kobjns__native_name(a->name, s->os.native);
  return kobjns__named_create_or_open(ctx, a->name, open_for_create, create_new, &c);
}

/* --- views --------------------------------------------------------------------------------- */

int kobjns__os_section_map(kobjns_section *s, unsigned access, uint64_t offset, size_t length,
                           void *base, void **addr) {
  int prot = access == KOBJNS_MAP_READ ? PROT_READ : PROT_READ | PROT_WRITE;
  int flags = access == KOBJNS_MAP_COPY ? MAP_PRIVATE : MAP_SHARED;
  void *p;
  int err = kobjns__plat_map(base, length, prot, flags, s->os.fd,
                             (off_t)(s->os.header_size + offset), &p);
  if (err) return err == EEXIST ? KOBJNS_INVALID_ADDRESS : kobjns__status_from_errno(err);
  int rc = kobjns__view_add(p, length);
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

void kobjns__os_section_close(kobjns_section *s) {
  /* At exit, a handle a forked child shares (daemonising: fork, then the parent exits) is the
   * child's to close: the parent's exit must not remove a name the child still uses. */
  if (s->h.process_exiting && s->os.forks != kobjns__forks()) {
    close(s->os.fd);
    return;
  }
  kobjns__object_release(s->os.fd, s->os.native, s->os.pid);
}
