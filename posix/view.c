/* The views this process mapped (base address -> a record of the view), so that
 * kobjns_unmap(addr) knows their length and refuses anything else (487), kobjns_view_query(addr)
 * can say what holds an address, and copy-on-write can remap a view's pages privately. Under the
 * registry lock, which is also taken around fork(). */
#include "view.h"

#include "object.h"
#include "platform.h"
#include "ptrmap.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static kobjns__ptrmap views;

/* A view: what kobjns_view_query says of it; the file it maps (device and inode) and the file
 * offset of its first byte; and, once copy-on-write is first asked of it, a description of its
 * own of that file (reopened, never a dup: the object's flock belongs to the handle's
 * description) to remap its pages privately or shared again. Reopened then, not when mapped: a
 * reopen costs more than the rest of a map, and copy-on-write is rare. */
typedef struct view_record {
  size_t length; /* whole pages */
  kobjns__view kind;
  bool exec, of_file;
  int fd; /* -1 until copy-on-write needs it */
  dev_t dev;
  ino_t ino;
  off_t offset;
} view_record;

int kobjns__view_add(void *addr, size_t length, kobjns__view kind, bool exec, bool of_file, int fd,
                     off_t offset) {
  uintptr_t page = kobjns__page_size();
  struct stat st;
  if (fstat(fd, &st) < 0) st.st_dev = 0, st.st_ino = 0; /* then never found again: 50 */
  view_record *v = malloc(sizeof *v);
  if (!v) return KOBJNS_NOT_ENOUGH_MEMORY;
  *v = (view_record){.length = ((uintptr_t)length + page - 1) & ~(page - 1),
                     .kind = kind,
                     .exec = exec,
                     .of_file = of_file,
                     .fd = -1,
                     .dev = st.st_dev,
                     .ino = st.st_ino,
                     .offset = offset};
  kobjns__os_registry_lock();
  int rc = kobjns__ptrmap_add(&views, addr, (uintptr_t)v);
  kobjns__os_registry_unlock();
  if (rc) {
    if (v->fd >= 0) close(v->fd);
    free(v);
  }
  return rc;
}

int kobjns__view_remove(void *addr, size_t *length) {
  uintptr_t value = 0;
  kobjns__os_registry_lock();
  bool found = kobjns__ptrmap_remove(&views, addr, &value);
  kobjns__os_registry_unlock();
  if (!found) return KOBJNS_INVALID_ADDRESS;
  view_record *v = (view_record *)value;
  *length = v->length;
  if (v->fd >= 0) close(v->fd);
  free(v);
  return 0;
}

static unsigned access_of(const view_record *v) {
  static const unsigned kinds[] = {[KOBJNS__VIEW_NONE] = 0,
                                   [KOBJNS__VIEW_READ] = KOBJNS_MAP_READ,
                                   [KOBJNS__VIEW_WRITE] = KOBJNS_MAP_READ | KOBJNS_MAP_WRITE,
                                   [KOBJNS__VIEW_COPY] = KOBJNS_MAP_COPY};
  return kinds[v->kind] | (v->exec ? KOBJNS_MAP_EXECUTE : 0);
}

/* The view holding `a` and its base (under the registry lock): NULL for none. A scan of the
 * table: a process maps few views, and the map is keyed by their starts. */
static view_record *holding(uintptr_t a, uintptr_t *base) {
  for (size_t i = 0; i < views.nslots; i++) {
    const kobjns__ptrmap_slot *slot = &views.slots[i];
    view_record *v = (view_record *)slot->value;
    if (slot->key && a >= (uintptr_t)slot->key && a - (uintptr_t)slot->key < v->length) {
      *base = (uintptr_t)slot->key;
      return v;
    }
  }
  return NULL;
}

int kobjns__os_view_query(const void *addr, kobjns_view_info *info) {
  int rc = KOBJNS_INVALID_ADDRESS;
  uintptr_t base;
  kobjns__os_registry_lock();
  const view_record *v = holding((uintptr_t)addr, &base);
  if (v) {
    *info = (kobjns_view_info){(void *)base, v->length, access_of(v),
                               v->of_file ? KOBJNS_VIEW_OF_FILE : 0u};
    rc = 0;
  }
  kobjns__os_registry_unlock();
  return rc;
}

/* The pages [a, a + length) of one view (page-aligned, not empty), under the lock: its record
 * and base, or NULL. */
static view_record *range_of(uintptr_t a, size_t length, uintptr_t *base) {
  uintptr_t page = kobjns__page_size();
  if (!length || a % page || length % page) return NULL;
  view_record *v = holding(a, base);
  return v && length <= *base + v->length - a ? v : NULL;
}

/* A handle of this process to the section whose file is the view's: a description of that file
 * of the view's own, reopened from it (kobjns__handles_each's callback). */
typedef struct file_search {
  dev_t dev;
  ino_t ino;
  bool read_only;
  int fd; /* -1 until found */
} file_search;

static int reopen_from(kobjns__object *o, void *arg) {
  file_search *f = arg;
  int fd = o->type != KOBJNS_TYPE_SECTION ? -1 : o->os.of_file ? o->os.file_fd : o->os.hold.fd;
  struct stat st;
  if (f->fd >= 0 || fd < 0 || fstat(fd, &st) < 0 || st.st_dev != f->dev || st.st_ino != f->ino)
    return 0;
  int own = kobjns__plat_reopen(fd, f->read_only);
  f->fd = own >= 0 ? kobjns__fd_above_std(own) : -1;
  return 0;
}

/* The view's own description of its file, found through a handle of its section (the registry
 * lock is not held meanwhile: the handle table's is taken): 0, or 50 when this process has no
 * handle of the section left or the file cannot be reopened. */
static int view_file(uintptr_t a) {
  uintptr_t base;
  file_search f = {.fd = -1};
  kobjns__os_registry_lock();
  view_record *v = holding(a, &base);
  bool needed = v && v->fd < 0 && v->kind != KOBJNS__VIEW_COPY && v->kind != KOBJNS__VIEW_NONE;
  if (needed) f = (file_search){v->dev, v->ino, v->kind != KOBJNS__VIEW_WRITE, -1};
  kobjns__os_registry_unlock();
  if (!needed) return 0;
  kobjns__handles_each(reopen_from, &f);
  if (f.fd < 0) return KOBJNS_NOT_SUPPORTED;
  kobjns__os_registry_lock();
  v = holding(a, &base);
  if (v && v->fd < 0 && v->dev == f.dev && v->ino == f.ino) {
    v->fd = f.fd;
    f.fd = -1;
  }
  kobjns__os_registry_unlock();
  if (f.fd >= 0) close(f.fd); /* another thread's was kept, or the view went meanwhile */
  return 0;
}

int kobjns__os_view_copy_on_write(void *addr, size_t length, bool enable) {
  uintptr_t a = (uintptr_t)addr, base, page = kobjns__page_size();
  int rc = view_file(a);
  if (rc) return rc;
  kobjns__os_registry_lock();
  view_record *v = range_of(a, length, &base);
  if (!v)
    rc = KOBJNS_INVALID_ADDRESS;
  else if (v->kind == KOBJNS__VIEW_COPY || v->kind == KOBJNS__VIEW_NONE)
    rc = 0; /* a copy-on-write view is private already; a view without access has no pages */
  else if (v->fd < 0)
    rc = KOBJNS_NOT_SUPPORTED;
  int exec = v && v->exec ? PROT_EXEC : 0;
  if (!rc && v->kind != KOBJNS__VIEW_COPY && v->kind != KOBJNS__VIEW_NONE) {
    /* Copy-on-write: the section's pages, privately, each the section's until written. Back:
     * the section's own pages again. Either way a page written since is this process's copy,
     * and stays. */
    int prot = enable ? PROT_READ | PROT_WRITE | exec
                      : PROT_READ | (v->kind == KOBJNS__VIEW_WRITE ? PROT_WRITE : 0) | exec;
    int flags = (enable ? MAP_PRIVATE : MAP_SHARED) | MAP_FIXED;
    for (uintptr_t at = a; at < a + length && !rc; at += page) {
      unsigned char copied = 0;
      int err = kobjns__plat_pages_private((void *)at, 1, &copied);
      if (err)
        rc = kobjns__status_from_errno(err);
      else if (!copied && mmap((void *)at, page, prot, flags, v->fd,
                               v->offset + (off_t)(at - base)) == MAP_FAILED)
        rc = kobjns__status_from_errno(errno);
    }
  }
  kobjns__os_registry_unlock();
  return rc;
}

int kobjns__os_view_copied(const void *addr, size_t length, unsigned char *copied) {
  uintptr_t a = (uintptr_t)addr, base, page = kobjns__page_size();
  kobjns__os_registry_lock();
  view_record *v = range_of(a, length, &base);
  kobjns__os_registry_unlock();
  if (!v) return KOBJNS_INVALID_ADDRESS;
  int err = kobjns__plat_pages_private(addr, length / page, copied);
  return err ? kobjns__status_from_errno(err) : 0;
}

void kobjns__view_release(void) {
  kobjns__os_registry_lock();
  kobjns__ptrmap_release(&views);
  kobjns__os_registry_unlock();
}
