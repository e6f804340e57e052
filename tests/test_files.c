/* Files by path and sections of files (the portable API, both backends): CreateFile's
 * dispositions and their statuses, reads, writes, the file pointer and the end of a file; share
 * modes between opens; sections of a file with Windows' rules (size 0, a larger size, an empty
 * file, the file's access), views that see the file, a named one opened by another process in
 * another session. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifndef _WIN32
#include <unistd.h>
#endif

#include "kt.h"

/* A file name of this run in the temporary directory, unique per call. */
static const char *temp_path(const char *tag) {
  static char path[512];
  static unsigned n;
#ifdef _WIN32
  const char *dir = getenv("TEMP"), sep = '\\';
  unsigned pid = (unsigned)kobjns_current_process_id();
#else
  const char *dir = getenv("TMPDIR"), sep = '/';
  unsigned pid = (unsigned)getpid();
#endif
  if (!dir || !*dir) dir = ".";
  snprintf(path, sizeof path, "%s%ckobjns-test-%u-%u-%s", dir, sep, pid, ++n, tag);
  return path;
}

static void *open_file(const char *path, unsigned access, unsigned share, unsigned disposition) {
  void *f = NULL;
  int rc = kobjns_file_open(path, access, share, disposition, 0, &f);
  CU_ASSERT(rc == 0 || rc == KOBJNS_ALREADY_EXISTS);
  return f;
}

#define RW (KOBJNS_GENERIC_READ | KOBJNS_GENERIC_WRITE)
#define SHARE_ALL (KOBJNS_FILE_SHARE_READ | KOBJNS_FILE_SHARE_WRITE | KOBJNS_FILE_SHARE_DELETE)

static void write_text(void *f, const char *text) {
  uint32_t done = 0;
  KT_OK(kobjns_file_write(f, text, (uint32_t)strlen(text), &done));
  CU_ASSERT_EQUAL(done, strlen(text));
}

/* --- the tests ------------------------------------------------------------------------------- */

static void dispositions(void) {
  char path[512];
  snprintf(path, sizeof path, "%s", temp_path("disp"));
  void *f = NULL, *g = NULL;
  KT_STATUS(kobjns_file_open(path, RW, 0, KOBJNS_OPEN_EXISTING, 0, &f), KOBJNS_FILE_NOT_FOUND);
  CU_ASSERT_PTR_NULL(f);
  KT_STATUS(kobjns_file_open(path, RW, 0, KOBJNS_TRUNCATE_EXISTING, 0, &f), KOBJNS_FILE_NOT_FOUND);
  KT_OK(kobjns_file_open(path, RW, SHARE_ALL, KOBJNS_CREATE_NEW, 0, &f));
  write_text(f, "0123456789");
  KT_STATUS(kobjns_file_open(path, RW, SHARE_ALL, KOBJNS_CREATE_NEW, 0, &g), KOBJNS_FILE_EXISTS);
  KT_STATUS(kobjns_file_open(path, RW, SHARE_ALL, KOBJNS_OPEN_ALWAYS, 0, &g),
            KOBJNS_ALREADY_EXISTS);
  uint64_t size = 0;
  KT_OK(kobjns_file_size(g, &size));
  CU_ASSERT_EQUAL(size, 10);
  KT_OK(kobjns_close(g));
  /* CREATE_ALWAYS empties an existing file and says it existed. */
  KT_STATUS(kobjns_file_open(path, RW, SHARE_ALL, KOBJNS_CREATE_ALWAYS, 0, &g),
            KOBJNS_ALREADY_EXISTS);
  KT_OK(kobjns_file_size(g, &size));
  CU_ASSERT_EQUAL(size, 0);
  KT_OK(kobjns_close(g));
  KT_STATUS(kobjns_file_open(path, KOBJNS_GENERIC_READ, SHARE_ALL, KOBJNS_TRUNCATE_EXISTING, 0, &g),
            KOBJNS_INVALID_PARAMETER); /* truncating needs write access */
  KT_STATUS(kobjns_file_open(path, RW, SHARE_ALL, 9, 0, &g), KOBJNS_INVALID_PARAMETER);
  KT_STATUS(kobjns_file_open(path, RW, SHARE_ALL, 0, 0, &g), KOBJNS_INVALID_PARAMETER);
  KT_STATUS(kobjns_file_open(path, RW, 0x100, KOBJNS_OPEN_EXISTING, 0, &g),
            KOBJNS_INVALID_PARAMETER);
  KT_STATUS(kobjns_file_open(NULL, RW, 0, KOBJNS_OPEN_EXISTING, 0, &g), KOBJNS_INVALID_PARAMETER);
  KT_STATUS(kobjns_file_open(path, RW, 0, KOBJNS_OPEN_EXISTING, 0, NULL), KOBJNS_INVALID_PARAMETER);
  KT_STATUS(kobjns_file_open("\xff", RW, 0, KOBJNS_OPEN_EXISTING, 0, &g),
            KOBJNS_NO_UNICODE_TRANSLATION);
  KT_OK(kobjns_close(f));
  /* A missing directory is 3, a missing file in an existing one 2. */
  char missing[600];
#ifdef _WIN32
  snprintf(missing, sizeof missing, "%s-dir\\x", path);
#else
  snprintf(missing, sizeof missing, "%s-dir/x", path);
#endif
  KT_STATUS(kobjns_file_open(missing, RW, 0, KOBJNS_OPEN_EXISTING, 0, &g), KOBJNS_PATH_NOT_FOUND);
  KT_STATUS(kobjns_file_open(missing, RW, 0, KOBJNS_CREATE_NEW, 0, &g), KOBJNS_PATH_NOT_FOUND);
  KT_OK(kobjns_file_delete(path));
  KT_STATUS(kobjns_file_delete(path), KOBJNS_FILE_NOT_FOUND);
}

static void reads_writes_and_the_pointer(void) {
  const char *path = temp_path("io");
  void *f = open_file(path, RW, 0, KOBJNS_CREATE_ALWAYS);
  write_text(f, "hello, file");
  uint64_t at = 99;
  KT_OK(kobjns_file_seek(f, 0, KOBJNS_FILE_CURRENT, &at));
  CU_ASSERT_EQUAL(at, 11);
  KT_OK(kobjns_file_seek(f, 7, KOBJNS_FILE_BEGIN, &at));
  char buf[32] = "";
  uint32_t got = 0;
  KT_OK(kobjns_file_read(f, buf, sizeof buf, &got));
  CU_ASSERT_EQUAL(got, 4); /* what the file has, up to the buffer */
  CU_ASSERT_NSTRING_EQUAL(buf, "file", 4);
  KT_OK(kobjns_file_read(f, buf, sizeof buf, &got)); /* the end: 0 bytes, no error */
  CU_ASSERT_EQUAL(got, 0);
  KT_STATUS(kobjns_file_seek(f, -1, KOBJNS_FILE_BEGIN, &at), KOBJNS_NEGATIVE_SEEK);
  KT_OK(kobjns_file_seek(f, -4, KOBJNS_FILE_END, &at));
  CU_ASSERT_EQUAL(at, 7);
  KT_STATUS(kobjns_file_seek(f, 0, 3, &at), KOBJNS_INVALID_PARAMETER);
  /* The end at the pointer: shorter, then longer (zeros). */
  KT_OK(kobjns_file_seek(f, 5, KOBJNS_FILE_BEGIN, NULL));
  KT_OK(kobjns_file_set_end(f));
  uint64_t size = 0;
  KT_OK(kobjns_file_size(f, &size));
  CU_ASSERT_EQUAL(size, 5);
  KT_OK(kobjns_file_seek(f, 8192, KOBJNS_FILE_BEGIN, NULL));
  KT_OK(kobjns_file_set_end(f));
  KT_OK(kobjns_file_size(f, &size));
  CU_ASSERT_EQUAL(size, 8192);
  KT_OK(kobjns_file_flush(f));
  KT_OK(kobjns_close(f));
  /* A read-only handle neither writes, nor ends, nor flushes. */
  f = open_file(path, KOBJNS_GENERIC_READ, SHARE_ALL, KOBJNS_OPEN_EXISTING);
  uint32_t done = 0;
  KT_STATUS(kobjns_file_write(f, "x", 1, &done), KOBJNS_ACCESS_DENIED);
  KT_STATUS(kobjns_file_set_end(f), KOBJNS_ACCESS_DENIED);
  KT_STATUS(kobjns_file_flush(f), KOBJNS_ACCESS_DENIED);
  KT_OK(kobjns_close(f));
  KT_STATUS(kobjns_file_size(f, &size), KOBJNS_INVALID_HANDLE);
  /* A pipe has no size. */
  void *r = NULL, *w = NULL;
  KT_OK(kobjns_pipe_create(&r, &w, 0));
  KT_STATUS(kobjns_file_size(r, &size), KOBJNS_INVALID_FUNCTION);
  KT_OK(kobjns_close(r));
  KT_OK(kobjns_close(w));
  KT_OK(kobjns_file_delete(path));
}

static void share_modes(void) {
  const char *path = temp_path("share");
  void *a = open_file(path, KOBJNS_GENERIC_READ, KOBJNS_FILE_SHARE_READ, KOBJNS_CREATE_ALWAYS);
  void *b = NULL, *c = NULL;
  /* a reads and shares reading only: another reader that shares reading is fine... */
  KT_OK(kobjns_file_open(path, KOBJNS_GENERIC_READ, KOBJNS_FILE_SHARE_READ, KOBJNS_OPEN_EXISTING, 0,
                         &b));
  /* ...a writer is not (a does not share writing), whatever it shares... */
  KT_STATUS(kobjns_file_open(path, KOBJNS_GENERIC_WRITE, SHARE_ALL, KOBJNS_OPEN_EXISTING, 0, &c),
            KOBJNS_SHARING_VIOLATION);
  /* ...nor a reader that does not share reading (a and b read). */
  KT_STATUS(kobjns_file_open(path, KOBJNS_GENERIC_READ, KOBJNS_FILE_SHARE_WRITE,
                             KOBJNS_OPEN_EXISTING, 0, &c),
            KOBJNS_SHARING_VIOLATION);
  /* An open for attributes alone takes part in nothing. */
  KT_OK(kobjns_file_open(path, 0, 0, KOBJNS_OPEN_EXISTING, 0, &c));
  KT_OK(kobjns_close(c));
  /* Nor may the file be removed while they do not share deleting. */
  KT_STATUS(kobjns_file_delete(path), KOBJNS_SHARING_VIOLATION);
  KT_OK(kobjns_close(a));
  KT_STATUS(kobjns_file_open(path, KOBJNS_GENERIC_WRITE, SHARE_ALL, KOBJNS_OPEN_EXISTING, 0, &c),
            KOBJNS_SHARING_VIOLATION); /* b still reads without sharing writing */
  KT_OK(kobjns_close(b));
  /* A reader and writer that shares nothing keeps every other open away. */
  KT_OK(kobjns_file_open(path, RW, 0, KOBJNS_OPEN_EXISTING, 0, &a));
  KT_STATUS(kobjns_file_open(path, KOBJNS_GENERIC_READ, SHARE_ALL, KOBJNS_OPEN_EXISTING, 0, &c),
            KOBJNS_SHARING_VIOLATION);
  KT_OK(kobjns_close(a));
  /* A writer alone that shares nothing keeps readers, writers and deleting away too. */
  KT_OK(kobjns_file_open(path, KOBJNS_GENERIC_WRITE, 0, KOBJNS_OPEN_EXISTING, 0, &a));
  KT_STATUS(kobjns_file_open(path, KOBJNS_GENERIC_READ, SHARE_ALL, KOBJNS_OPEN_EXISTING, 0, &c),
            KOBJNS_SHARING_VIOLATION);
  KT_STATUS(kobjns_file_open(path, KOBJNS_GENERIC_WRITE, SHARE_ALL, KOBJNS_OPEN_EXISTING, 0, &c),
            KOBJNS_SHARING_VIOLATION);
  KT_STATUS(kobjns_file_delete(path), KOBJNS_SHARING_VIOLATION);
  KT_OK(kobjns_close(a));
  KT_OK(kobjns_file_open(path, KOBJNS_GENERIC_WRITE, SHARE_ALL, KOBJNS_OPEN_EXISTING, 0, &c));
  KT_OK(kobjns_file_delete(path)); /* c shares deleting */
  KT_OK(kobjns_close(c));
}

static void sections_of_a_file(void) {
  const char *path = temp_path("section");
  void *f = open_file(path, RW, SHARE_ALL, KOBJNS_CREATE_ALWAYS);
  kobjns_section *s = NULL;
  /* An empty file needs a size; a read-only section cannot make it longer. */
  KT_STATUS(kobjns_section_create_from_file(NULL, NULL, f, 0, KOBJNS_MAP_READ, NULL, &s),
            KOBJNS_FILE_INVALID);
  KT_STATUS(kobjns_section_create_from_file(NULL, NULL, f, 100, KOBJNS_MAP_READ, NULL, &s),
            KOBJNS_NOT_ENOUGH_MEMORY);
  write_text(f, "thirty-six bytes of a file's content");
  /* Size 0: the file's, to the byte. */
  KT_OK(kobjns_section_create_from_file(NULL, NULL, f, 0, KOBJNS_MAP_READ, NULL, &s));
  uint64_t size = 0;
  KT_OK(kobjns_section_size(s, &size));
  CU_ASSERT_EQUAL(size, 36);
  void *view = NULL;
  KT_OK(kobjns_section_map(s, KOBJNS_MAP_READ, 0, 0, &view));
  CU_ASSERT_NSTRING_EQUAL(view, "thirty-six", 10);
  void *other = NULL;
  KT_STATUS(kobjns_section_map(s, KOBJNS_MAP_WRITE, 0, 0, &other), KOBJNS_ACCESS_DENIED);
  /* The file cannot be made shorter while a view of it is mapped. */
  KT_OK(kobjns_file_seek(f, 4, KOBJNS_FILE_BEGIN, NULL));
  KT_STATUS(kobjns_file_set_end(f), KOBJNS_USER_MAPPED_FILE);
  KT_OK(kobjns_unmap(view));
  KT_OK(kobjns_section_close(s));
  /* A writable section of 8192 bytes makes the file that long; its views write the file. */
  KT_OK(kobjns_section_create_from_file(NULL, NULL, f, 8192, KOBJNS_MAP_READ | KOBJNS_MAP_WRITE,
                                        NULL, &s));
  uint64_t file_size = 0;
  KT_OK(kobjns_file_size(f, &file_size));
  CU_ASSERT_EQUAL(file_size, 8192);
  KT_OK(kobjns_section_map(s, KOBJNS_MAP_WRITE, 0, 0, &view));
  kobjns_view_info info;
  KT_OK(kobjns_view_query((char *)view + 5000, &info));
  CU_ASSERT(info.base == view && info.length == 8192 && (info.flags & KOBJNS_VIEW_OF_FILE));
  kobjns_section *memory = NULL;
  void *plain = NULL;
  KT_OK(kobjns_section_create(NULL, NULL, 4096, KOBJNS_MAP_READ | KOBJNS_MAP_WRITE, NULL, &memory));
  KT_OK(kobjns_section_map(memory, KOBJNS_MAP_READ, 0, 0, &plain));
  KT_OK(kobjns_view_query(plain, &info));
  CU_ASSERT_EQUAL(info.flags & KOBJNS_VIEW_OF_FILE, 0);
  KT_OK(kobjns_unmap(plain));
  /* FILE_MAP_COPY with SECTION_MAP_EXECUTE (0x8) is not a copy: a view without access. */
  KT_OK(kobjns_section_map(memory, KOBJNS_MAP_COPY | 0x8u, 0, 0, &plain));
  KT_OK(kobjns_view_query(plain, &info));
  CU_ASSERT_EQUAL(info.access, 0);
  KT_OK(kobjns_unmap(plain));
  KT_OK(kobjns_section_close(memory));
  memcpy((char *)view + 4096, "through the view", 16);
  KT_OK(kobjns_view_flush((char *)view + 4096, 16));
  KT_OK(kobjns_view_flush(view, 0));
  char buf[16];
  uint32_t got = 0;
  KT_OK(kobjns_file_seek(f, 4096, KOBJNS_FILE_BEGIN, NULL));
  KT_OK(kobjns_file_read(f, buf, sizeof buf, &got));
  CU_ASSERT(got == 16 && !memcmp(buf, "through the view", 16));
  /* And what is written to the file is in the view. */
  KT_OK(kobjns_file_seek(f, 0, KOBJNS_FILE_BEGIN, NULL));
  write_text(f, "THIRTY");
  CU_ASSERT_NSTRING_EQUAL(view, "THIRTY", 6);
  KT_OK(kobjns_unmap(view));
  KT_STATUS(kobjns_view_flush(view, 0), KOBJNS_INVALID_ADDRESS);
  KT_OK(kobjns_section_close(s));
  KT_OK(kobjns_close(f));
  /* The file's access must cover the protection. */
  f = open_file(path, KOBJNS_GENERIC_READ, SHARE_ALL, KOBJNS_OPEN_EXISTING);
  KT_STATUS(kobjns_section_create_from_file(NULL, NULL, f, 0, KOBJNS_MAP_READ | KOBJNS_MAP_WRITE,
                                            NULL, &s),
            KOBJNS_ACCESS_DENIED);
  KT_OK(kobjns_section_create_from_file(NULL, NULL, f, 0, KOBJNS_MAP_READ, NULL, &s));
  KT_OK(kobjns_section_close(s));
  KT_OK(kobjns_close(f));
  f = open_file(path, 0, SHARE_ALL, KOBJNS_OPEN_EXISTING);
  KT_STATUS(kobjns_section_create_from_file(NULL, NULL, f, 0, KOBJNS_MAP_READ, NULL, &s),
            KOBJNS_ACCESS_DENIED);
  KT_OK(kobjns_close(f));
  /* Not a file: a pipe, a section's handle, NULL. */
  void *r = NULL, *w = NULL;
  KT_OK(kobjns_pipe_create(&r, &w, 0));
  KT_STATUS(kobjns_section_create_from_file(NULL, NULL, r, 4096, KOBJNS_MAP_READ, NULL, &s),
            KOBJNS_BAD_EXE_FORMAT);
  KT_STATUS(kobjns_section_create_from_file(NULL, NULL, NULL, 4096, KOBJNS_MAP_READ, NULL, &s),
            KOBJNS_INVALID_HANDLE);
  KT_OK(kobjns_close(r));
  KT_OK(kobjns_close(w));
  KT_OK(kobjns_file_delete(path));
}

/* A named section of a file, made in session 0 (POSIX: a service's context) and read by another
 * process in its own session, by name. */
static void a_named_section_of_a_file_in_another_process(void) {
  const char *path = temp_path("named");
  void *f = open_file(path, RW, SHARE_ALL, KOBJNS_CREATE_ALWAYS);
  write_text(f, "shared through a file");
  char name[256];
  snprintf(name, sizeof name, "Global\\%s", kt_name("file-section"));
  kobjns_ctx *service = NULL;
#ifndef _WIN32
  KT_OK(kobjns_ctx_new(&service));
  KT_OK(kobjns_ctx_set_session(service, 0));
#endif
  kobjns_section *s = NULL;
  KT_OK(kobjns_section_create_from_file(service, name, f, 0, KOBJNS_MAP_READ | KOBJNS_MAP_WRITE,
                                        "D:(A;;GA;;;WD)", &s));
  char line[1024];
  snprintf(line, sizeof line, "\"%s\" --kid mapread \"%s\" \"shared through a file\"", kt_self(),
           name);
  kobjns_process_start start = {.command_line = line};
  kobjns_sync *p = NULL;
  KT_OK(kobjns_process_create(&start, &p, NULL, NULL, NULL));
  KT_OK(kobjns_wait(p, 30000));
  uint32_t code = 99;
  KT_OK(kobjns_process_exit_code(p, &code));
  CU_ASSERT_EQUAL(code, 0);
  KT_OK(kobjns_close(p));
  KT_OK(kobjns_section_close(s));
  if (service) kobjns_ctx_free(service);
  KT_OK(kobjns_close(f));
  KT_OK(kobjns_file_delete(path));
}

#ifndef _WIN32
#include <sys/stat.h>

/* What others may do to a section's file behind its back: an open that empties it is refused
 * (1224, as Windows), a file made shorter or replaced by a FIFO is refused at an open by name
 * (never a SIGBUS, never a hang), and a name whose file is gone is still taken. */
static void the_file_of_a_section_changed(void) {
  const char *path = temp_path("changed");
  char name[256];
  snprintf(name, sizeof name, "%s", kt_name("file-changed"));
  void *f = open_file(path, RW, SHARE_ALL, KOBJNS_CREATE_ALWAYS), *g = NULL;
  kobjns_section *s = NULL, *t = NULL;
  KT_OK(kobjns_section_create_from_file(NULL, name, f, 8192, KOBJNS_MAP_READ | KOBJNS_MAP_WRITE,
                                        NULL, &s));
  KT_OK(kobjns_close(f));
  KT_STATUS(kobjns_file_open(path, RW, SHARE_ALL, KOBJNS_TRUNCATE_EXISTING, 0, &g),
            KOBJNS_USER_MAPPED_FILE);
  KT_STATUS(kobjns_file_open(path, RW, SHARE_ALL, KOBJNS_CREATE_ALWAYS, 0, &g),
            KOBJNS_USER_MAPPED_FILE);
  CU_ASSERT(truncate(path, 100) == 0); /* not kobjns: nothing stops it */
  KT_STATUS(kobjns_section_open(NULL, name, KOBJNS_MAP_READ, &t), KOBJNS_FILE_CORRUPT);
  CU_ASSERT(unlink(path) == 0 && mkfifo(path, 0600) == 0);
  KT_STATUS(kobjns_section_open(NULL, name, KOBJNS_MAP_READ, &t), KOBJNS_FILE_NOT_FOUND);
  KT_STATUS(kobjns_section_create(NULL, name, 4096, KOBJNS_MAP_READ, NULL, &t),
            KOBJNS_FILE_NOT_FOUND); /* the name is taken: never 170 after a thousand tries */
  KT_OK(kobjns_section_close(s));
  CU_ASSERT(unlink(path) == 0);
}
#endif

/* Copy-on-write in a shared view: a page written since is a private copy, the others stay the
 * section's, and go back to being shared. */
static void copy_on_write_in_a_shared_view(void) {
  kobjns_section *s = NULL;
  char *view = NULL, *seen = NULL;
  KT_OK(kobjns_section_create(NULL, NULL, 65536, KOBJNS_MAP_READ | KOBJNS_MAP_WRITE, NULL, &s));
  KT_OK(kobjns_section_map(s, KOBJNS_MAP_WRITE, 0, 0, (void **)&view));
  KT_OK(kobjns_section_map(s, KOBJNS_MAP_READ, 0, 0, (void **)&seen));
  view[0] = 'a';
  view[4096] = 'b';
  KT_OK(kobjns_view_copy_on_write(view, 8192, 1));
  unsigned char copied[2] = {9, 9};
  KT_OK(kobjns_view_copied(view, 8192, copied));
  CU_ASSERT(copied[0] == 0 && copied[1] == 0);
  CU_ASSERT(view[0] == 'a' && view[4096] == 'b');
  view[0] = 'c';
  KT_OK(kobjns_view_copied(view, 8192, copied));
  CU_ASSERT(copied[0] == 1 && copied[1] == 0);
  CU_ASSERT(seen[0] == 'a'); /* the section's byte is not the copy's */
  KT_OK(kobjns_view_copy_on_write(view, 8192, 0));
  view[4096] = 'd'; /* shared again */
  CU_ASSERT(seen[4096] == 'd');
  CU_ASSERT(view[0] == 'c' && seen[0] == 'a'); /* the copy stays */
  KT_STATUS(kobjns_view_copy_on_write(view + 1, 4096, 1), KOBJNS_INVALID_ADDRESS);
  KT_STATUS(kobjns_view_copy_on_write(view, 65536 + 4096, 1), KOBJNS_INVALID_ADDRESS);
  KT_STATUS(kobjns_view_copied(view, 4096, NULL), KOBJNS_INVALID_PARAMETER);
  KT_STATUS(kobjns_view_copied(copied, 4096, copied), KOBJNS_INVALID_ADDRESS);
  KT_OK(kobjns_unmap(view));
  KT_OK(kobjns_section_close(s));
#ifndef _WIN32
  /* POSIX reopens the section's file through a handle of it: with none left, 50 (documented). */
  KT_STATUS(kobjns_view_copy_on_write(seen, 4096, 1), KOBJNS_NOT_SUPPORTED);
#endif
  KT_OK(kobjns_unmap(seen));
}

void kt_add_files(CU_pSuite suite) {
#ifndef _WIN32
  kt_add(suite, "the file of a section changed behind its back", the_file_of_a_section_changed, 0);
#endif
  kt_add(suite, "CreateFile's dispositions and statuses", dispositions, 0);
  kt_add(suite, "reads, writes, the file pointer and the end", reads_writes_and_the_pointer, 0);
  kt_add(suite, "share modes between opens", share_modes, 0);
  kt_add(suite, "sections of a file", sections_of_a_file, 0);
  kt_add_not_wine(suite, "copy-on-write in a shared view", copy_on_write_in_a_shared_view, 0,
                  "Wine 8.0 writes a PAGE_WRITECOPY page of a shared view through to the section "
                  "(its virtual.c marks Windows' private copy todo_wine)");
  kt_add(suite, "a named section of a file read by another process",
         a_named_section_of_a_file_in_another_process, 0);
}
