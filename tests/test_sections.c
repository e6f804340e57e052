/* Sections in one process: the rows of windows-semantics.md that need no second process. */
#include <stdlib.h>
#include <string.h>

#include "kt.h"

#define RW KOBJNS_MAP_WRITE
#define RD KOBJNS_MAP_READ
#define ALL KOBJNS_MAP_ALL_ACCESS

static kobjns_section *create(kobjns_ctx *ctx, const char *name, uint64_t size, unsigned access,
                              const char *sddl, int want) {
  kobjns_section *s = (kobjns_section *)1;
  int rc = kobjns_section_create(ctx, name, size, access, sddl, &s);
  if (rc != want)
    fprintf(stderr, "\n  create(%s) -> %d %s, want %d %s\n", name ? name : "NULL", rc,
            kobjns_status_name(rc), want, kobjns_status_name(want));
  CU_ASSERT_EQUAL(rc, want);
  if (rc && rc != KOBJNS_ALREADY_EXISTS) CU_ASSERT_PTR_NULL(s);
  return s;
}

static kobjns_section *open_(kobjns_ctx *ctx, const char *name, unsigned access, int want) {
  kobjns_section *s = (kobjns_section *)1;
  int rc = kobjns_section_open(ctx, name, access, &s);
  if (rc != want)
    fprintf(stderr, "\n  open(%s) -> %d %s, want %d %s\n", name ? name : "NULL", rc,
            kobjns_status_name(rc), want, kobjns_status_name(want));
  CU_ASSERT_EQUAL(rc, want);
  if (rc) CU_ASSERT_PTR_NULL(s);
  return s;
}

static void close_(kobjns_section *s) {
  if (s) KT_OK(kobjns_section_close(s));
}

static char *map(kobjns_section *s, unsigned access) {
  void *p = NULL;
  KT_OK(kobjns_section_map(s, access, 0, 0, &p));
  return p;
}

static void create_and_reopen(void) {
  kobjns_ctx *app = kt_ctx(1, false);
  const char *nsA = kt_name("nsA");
  kobjns_section *a = create(app, nsA, 4096, RW, NULL, 0); /* row 1 */
  uint64_t size = 0;
  KT_OK(kobjns_section_size(a, &size));
  CU_ASSERT_EQUAL(size, 4096);
  kobjns_section *b = create(app, nsA, 65536, RW, NULL, KOBJNS_ALREADY_EXISTS); /* row 2 */
  KT_OK(kobjns_section_size(b, &size));
  CU_ASSERT_EQUAL(size, 4096);
  kobjns_section *c = create(app, nsA, 4096, RD, NULL, KOBJNS_ALREADY_EXISTS); /* row 3 */
  CU_ASSERT_PTR_NOT_NULL(strstr(kobjns_section_path(a), "\\Sessions\\1\\BaseNamedObjects\\nsA"));
  /* row 4: the same object by every spelling of the local namespace */
  char *w = map(a, RW);
  strcpy(w, "hello");
  const char *spellings[] = {"Local\\", "Session\\1\\", "Local\\Local\\"};
  for (size_t i = 0; i < 3; i++) {
    char name[256];
    snprintf(name, sizeof name, "%s%s", spellings[i], nsA);
    kobjns_section *o = open_(app, name, ALL, 0);
    if (!o) continue;
    char *r = map(o, RD);
    if (r) CU_ASSERT_STRING_EQUAL(r, "hello");
    KT_OK(kobjns_unmap(r));
    close_(o);
  }
  /* row 5: not in the global namespace */
  char name[256];
  snprintf(name, sizeof name, "Global\\%s", nsA);
  open_(app, name, ALL, KOBJNS_FILE_NOT_FOUND);
  snprintf(name, sizeof name, "Session\\0\\%s", nsA);
  open_(app, name, ALL, KOBJNS_FILE_NOT_FOUND);
  /* row 6: names are case-sensitive */
  char upper[256];
  snprintf(upper, sizeof upper, "NSA%s", nsA + 3);
  open_(app, upper, ALL, KOBJNS_FILE_NOT_FOUND);
  close_(create(app, upper, 4096, RW, NULL, 0));
  KT_OK(kobjns_unmap(w));
  close_(a), close_(b), close_(c);
  kobjns_ctx_free(app);
}

static void open_errors(void) {
  kobjns_ctx *app = kt_ctx(1, false);
  const char *name = kt_name("missing");
  open_(app, name, ALL, KOBJNS_FILE_NOT_FOUND);    /* row 8 */
  open_(app, NULL, ALL, KOBJNS_INVALID_PARAMETER); /* row 9 */
  kobjns_section *s = create(app, name, 4096, RW, NULL, 0);
  open_(app, name, 0, KOBJNS_ACCESS_DENIED);             /* row 10 */
  open_(app, kt_name("none"), 0, KOBJNS_FILE_NOT_FOUND); /* the name is looked up first */
  open_(app, name, 0x100, KOBJNS_INVALID_PARAMETER);     /* not a section right */
  open_(app, "", ALL, KOBJNS_INVALID_HANDLE);            /* row 29 */
  KT_STATUS(kobjns_section_open(app, name, ALL, NULL), KOBJNS_INVALID_PARAMETER);
  close_(s);
  open_(app, name, ALL, KOBJNS_FILE_NOT_FOUND); /* the name went with the last handle */
  kobjns_ctx_free(app);
}

static void create_errors(void) {
  kobjns_ctx *app = kt_ctx(1, false);
  const char *name = kt_name("bad");
  create(app, name, 0, RW, NULL, KOBJNS_INVALID_PARAMETER); /* row 34 */
  create(app, name, 4096, 0, NULL, KOBJNS_INVALID_PARAMETER);
  create(app, name, 4096, 0x100, NULL, KOBJNS_INVALID_PARAMETER);
  create(app, name, UINT64_MAX, RW, NULL, KOBJNS_ARITHMETIC_OVERFLOW);
  create(app, name, (uint64_t)1 << 60, RW, NULL, KOBJNS_COMMITMENT_LIMIT); /* past /dev/shm */
  create(app, name, 4096, RW, "D:(A;;GA;;;WD", KOBJNS_INVALID_ACL);
  create(app, name, 4096, RW, "O:BA", KOBJNS_INVALID_PARAMETER);
  create(app, name, 4096, RW, "D:(A;;GA;;;QQ)", KOBJNS_INVALID_SID);
  create(app, "a\xff", 4096, RW, NULL, KOBJNS_NO_UNICODE_TRANSLATION);
  KT_STATUS(kobjns_section_create(app, name, 4096, RW, NULL, NULL), KOBJNS_INVALID_PARAMETER);
  /* rows 21, 23-27 through create */
  create(app, "Session\\x", 4096, RW, NULL, KOBJNS_ACCESS_DENIED);
  open_(app, "Session\\x", ALL, KOBJNS_FILE_NOT_FOUND);
  create(app, "Global\\", 4096, RW, NULL, KOBJNS_INVALID_NAME);
  create(app, "Session\\1", 4096, RW, NULL, KOBJNS_INVALID_HANDLE);
  create(app, "Local\\a\\b", 4096, RW, NULL, KOBJNS_PATH_NOT_FOUND);
  create(app, "Local\\\\x", 4096, RW, NULL, KOBJNS_INVALID_NAME);
  create(app, "\\x", 4096, RW, NULL, KOBJNS_BAD_PATHNAME);
  char missing[64];
  snprintf(missing, sizeof missing, "Session\\%u\\x", (unsigned)kt_unused_session());
  create(app, missing, 4096, RW, NULL, KOBJNS_PATH_NOT_FOUND); /* row 20 */
  kobjns_ctx_free(app);
}

static void global_namespace_and_privilege(void) {
  kobjns_ctx *creator = kt_global_creator(), *app = kt_ctx(1, false);
  const char *nsG = kt_prefixed("Global\\", "nsG");
  kobjns_section *g = create(creator, nsG, 4096, RW, "D:(A;;GA;;;WD)", 0);             /* 12 */
  create(app, kt_prefixed("Global\\", "nsG2"), 4096, RW, NULL, KOBJNS_ACCESS_DENIED);  /* 13 */
  create(app, kt_prefixed("Session\\0\\", "x"), 4096, RW, NULL, KOBJNS_ACCESS_DENIED); /* 22 */
  /* Creating an existing global object opens it: no privilege needed. */
  close_(create(app, nsG, 4096, RW, NULL, KOBJNS_ALREADY_EXISTS));
  const char *bare = nsG + strlen("Global\\");
  open_(app, bare, ALL, KOBJNS_FILE_NOT_FOUND); /* row 15 */
  const char *spellings[] = {"Session\\0\\", "Global\\Global\\", "Global\\Local\\",
                             "Local\\Global\\"};
  for (size_t i = 0; i < 4; i++) { /* row 16 */
    char name[256];
    snprintf(name, sizeof name, "%s%s", spellings[i], bare);
    close_(open_(app, name, ALL, 0));
  }
  close_(g);
  kobjns_ctx_free(creator), kobjns_ctx_free(app);
}

/* Session 0 creates in the global namespace without asking: bare and Global\ are one. */
static void service_names_are_global(void) {
  kobjns_ctx *service = kt_ctx(0, false);
  const char *svc = kt_name("svc");
  kobjns_section *x = create(service, svc, 4096, RW, NULL, 0); /* row 14 */
  char name[256];
  snprintf(name, sizeof name, "Global\\%s", svc);
  close_(create(service, name, 4096, RW, NULL, KOBJNS_ALREADY_EXISTS));
  CU_ASSERT_STRING_EQUAL(strstr(kobjns_section_path(x), "\\BaseNamedObjects\\"),
                         kobjns_section_path(x));
  close_(x);
  kobjns_ctx_free(service);
}

static void local_and_global_are_distinct(void) {
  kobjns_ctx *app = kt_ctx(1, false), *creator = kt_global_creator();
  const char *dup = kt_name("dup");
  char local[256], global[256], s1[256], s0[256];
  snprintf(local, sizeof local, "Local\\%s", dup);
  snprintf(global, sizeof global, "Global\\%s", dup);
  snprintf(s1, sizeof s1, "Session\\1\\%s", dup);
  snprintf(s0, sizeof s0, "Session\\0\\%s", dup);
  kobjns_section *l = create(app, local, 4096, RW, NULL, 0); /* row 18 */
  kobjns_section *g = create(creator, global, 4096, RW, "D:(A;;GA;;;WD)", 0);
  char *lv = map(l, RW), *gv = map(g, RW);
  strcpy(lv, "local"), strcpy(gv, "global");
  kobjns_section *a = create(app, s1, 4096, RW, NULL, KOBJNS_ALREADY_EXISTS); /* row 19 */
  kobjns_section *b = create(app, s0, 4096, RW, NULL, KOBJNS_ALREADY_EXISTS);
  char *av = map(a, RD), *bv = map(b, RD);
  CU_ASSERT_STRING_EQUAL(av, "local");
  CU_ASSERT_STRING_EQUAL(bv, "global");
  kobjns_unmap(lv), kobjns_unmap(gv), kobjns_unmap(av), kobjns_unmap(bv);
  close_(l), close_(g), close_(a), close_(b);
  kobjns_ctx_free(app), kobjns_ctx_free(creator);
}

static void unnamed_and_odd_names(void) {
  kobjns_ctx *app = kt_ctx(1, false);
  kobjns_section *u1 = create(app, "", 4096, RW, NULL, 0); /* row 28 */
  kobjns_section *u2 = create(app, NULL, 4096, RW, NULL, 0);
  CU_ASSERT_STRING_EQUAL(kobjns_section_path(u1), "");
  char *v1 = map(u1, RW), *v2 = map(u2, RW);
  strcpy(v1, "one");
  CU_ASSERT_STRING_EQUAL(v2, "");
  kobjns_unmap(v1), kobjns_unmap(v2);
  close_(u1), close_(u2);
  /* row 30: '/' and ':' are ordinary characters */
  const char *slash = kt_name("a/b"), *colon = kt_name("a:b");
  kobjns_section *s = create(app, slash, 4096, RW, NULL, 0);
  kobjns_section *c = create(app, colon, 4096, RW, NULL, 0);
  close_(open_(app, slash, RD, 0));
  char backslash[256];
  snprintf(backslash, sizeof backslash, "%s", slash);
  backslash[1] = '\\';
  open_(app, backslash, RD, KOBJNS_PATH_NOT_FOUND);
  close_(s), close_(c);
  /* row 31: the longest name; its native name is a hash, the full name is kept and checked */
  size_t n = KOBJNS_NAME_MAX_UTF16;
  char *longest = malloc(n + 1);
  const char *unique = kt_name("L");
  memcpy(longest, "Local\\", 6);
  memset(longest + 6, 'y', n - 6);
  memcpy(longest + 6, unique, strlen(unique));
  longest[n] = '\0';
  kobjns_section *big = create(app, longest, 4096, RW, NULL, 0);
  close_(open_(app, longest, RD, 0));
  longest[n - 1] = 'z'; /* a different long name is a different object */
  open_(app, longest, RD, KOBJNS_FILE_NOT_FOUND);
  close_(big);
  free(longest);
  /* Names with escaped characters and UTF-8 keep their identity. */
  const char *odd[] = {kt_name("%2F"), kt_name("#x"), kt_name("tab\there"),
                       kt_name("\xc3\xa9t\xc3\xa9")};
  for (size_t i = 0; i < 4; i++) {
    kobjns_section *o = create(app, odd[i], 4096, RW, NULL, 0);
    close_(open_(app, odd[i], RD, 0));
    close_(o);
  }
  kobjns_section *p1 = create(app, odd[0], 4096, RW, NULL, 0);
  char same_escape[256];
  snprintf(same_escape, sizeof same_escape, "/%s", odd[0] + 3); /* "/" escapes to "%2F" */
  open_(app, same_escape, RD, KOBJNS_FILE_NOT_FOUND);
  close_(p1);
  kobjns_ctx_free(app);
}

static void descriptors(void) {
  kobjns_ctx *app = kt_ctx(1, false);
  const char *ro = kt_name("nsRO");
  kobjns_section *s = create(app, ro, 4096, RW, "D:(A;;GR;;;WD)", 0); /* row 39 */
  char *w = map(s, RW); /* the creator's own handle is not checked */
  strcpy(w, "readable");
  kobjns_section *r = open_(app, ro, RD, 0);
  char *v = map(r, RD);
  CU_ASSERT_STRING_EQUAL(v, "readable");
  open_(app, ro, RW, KOBJNS_ACCESS_DENIED); /* row 40 */
  open_(app, ro, ALL, KOBJNS_ACCESS_DENIED);
  create(app, ro, 4096, RW, NULL, KOBJNS_ACCESS_DENIED); /* row 41 */
  close_(create(app, ro, 4096, RD, NULL, KOBJNS_ALREADY_EXISTS));
  kobjns_unmap(w), kobjns_unmap(v);
  close_(r), close_(s);
  const char *none = kt_name("nsNone");
  kobjns_section *n = create(app, none, 4096, RW, "D:", 0); /* row 42 */
  CU_ASSERT_PTR_NOT_NULL(n);
  open_(app, none, RD, KOBJNS_ACCESS_DENIED);
  close_(n);
  const char *open_to_all = kt_name("nsAll");
  n = create(app, open_to_all, 4096, RW, "D:NO_ACCESS_CONTROL", 0);
  close_(open_(app, open_to_all, ALL, 0));
  close_(n);
  kobjns_ctx_free(app);
}

static void views(void) {
  kobjns_ctx *app = kt_ctx(1, false);
  const char *name = kt_name("views");
  kobjns_section *s = create(app, name, 3 * 65536, RW, NULL, 0);
  kobjns_section *wo = open_(app, name, RW, 0), *ro = open_(app, name, RD, 0);
  void *p = (void *)1;
  KT_STATUS(kobjns_section_map(wo, RD, 0, 0, &p), KOBJNS_ACCESS_DENIED); /* row 44 */
  CU_ASSERT_PTR_NULL(p);
  KT_STATUS(kobjns_section_map(ro, RW, 0, 0, &p), KOBJNS_ACCESS_DENIED);            /* row 45 */
  KT_STATUS(kobjns_section_map(s, RW, 0, 3 * 65536 + 1, &p), KOBJNS_ACCESS_DENIED); /* 50 */
  KT_STATUS(kobjns_section_map(s, RW, 4096, 0, &p), KOBJNS_MAPPED_ALIGNMENT);
  KT_STATUS(kobjns_section_map(s, RW, 3 * 65536, 0, &p), KOBJNS_ACCESS_DENIED);
  KT_STATUS(kobjns_section_map(s, 0x40, 0, 0, &p), KOBJNS_INVALID_PARAMETER);
  KT_STATUS(kobjns_section_map(s, RW, 0, 0, NULL), KOBJNS_INVALID_PARAMETER);
  KT_STATUS(kobjns_section_map(NULL, RW, 0, 0, &p), KOBJNS_INVALID_HANDLE);
  /* Views at offsets see the same bytes. */
  char *whole = map(s, RW);
  strcpy(whole + 65536, "second");
  void *second = NULL;
  KT_OK(kobjns_section_map(ro, RD, 65536, 65536, &second));
  CU_ASSERT_STRING_EQUAL(second, "second");
  KT_OK(kobjns_unmap(second));
  /* row 46: a copy-on-write view is private */
  kobjns_section *cp = open_(app, name, KOBJNS_MAP_COPY, 0);
  char *copy = NULL;
  KT_OK(kobjns_section_map(cp, KOBJNS_MAP_COPY, 0, 0, (void **)&copy));
  strcpy(whole, "shared");
  CU_ASSERT_STRING_EQUAL(copy, "shared"); /* untouched pages still show the section */
  strcpy(copy, "private");
  CU_ASSERT_STRING_EQUAL(whole, "shared");
  KT_OK(kobjns_unmap(copy));
  KT_STATUS(kobjns_unmap(copy), KOBJNS_INVALID_ADDRESS);
  KT_STATUS(kobjns_unmap(whole + 1), KOBJNS_INVALID_ADDRESS);
  KT_STATUS(kobjns_unmap(NULL), KOBJNS_INVALID_ADDRESS);
  unsigned access = 0;
  KT_OK(kobjns_section_access(ro, &access));
  CU_ASSERT_EQUAL(access, KOBJNS_MAP_READ);
  close_(cp), close_(wo), close_(ro);
  /* rows 47-48: a view outlives the name; the name comes back as a new, zeroed section */
  strcpy(whole, "old data");
  close_(s);
  open_(app, name, RD, KOBJNS_FILE_NOT_FOUND);
  CU_ASSERT_STRING_EQUAL(whole, "old data");
  kobjns_section *again = create(app, name, 4096, RW, NULL, 0);
  char *fresh = map(again, RD);
  CU_ASSERT_EQUAL(fresh[0], 0);
  kobjns_unmap(fresh), kobjns_unmap(whole);
  close_(again);
  KT_STATUS(kobjns_section_close(NULL), KOBJNS_INVALID_HANDLE);
  kobjns_ctx_free(app);
}

/* MapViewOfFileEx: a view at a chosen address, never on top of another mapping. */
static void views_at_an_address(void) {
  kobjns_ctx *app = kt_ctx(1, false);
  const char *name = kt_name("at");
  kobjns_section *s = create(app, name, 2 * 65536, RW, NULL, 0);
  char *first = map(s, RW);
  strcpy(first, "placed");
  void *spot = NULL, *again = NULL;
  KT_OK(kobjns_section_map(s, RD, 0, 0, &spot)); /* find a free, aligned range */
  KT_OK(kobjns_unmap(spot));
  if ((uintptr_t)spot % KOBJNS_VIEW_ALIGNMENT == 0) {
    KT_OK(kobjns_section_map_at(s, RD, 0, 0, spot, &again));
    CU_ASSERT_PTR_EQUAL(again, spot);
    if (again) CU_ASSERT_STRING_EQUAL((char *)again, "placed");
    void *clash = (void *)1;
    KT_STATUS(kobjns_section_map_at(s, RD, 0, 0, spot, &clash), KOBJNS_INVALID_ADDRESS);
    CU_ASSERT_PTR_NULL(clash);
    if (again) KT_OK(kobjns_unmap(again));
  }
  /* 4096 past a 64 KiB boundary: never aligned (first + 4096 is, when first sits just below one).
   */
  char *misaligned =
      (char *)((uintptr_t)first / KOBJNS_VIEW_ALIGNMENT * KOBJNS_VIEW_ALIGNMENT) + 4096;
  KT_STATUS(kobjns_section_map_at(s, RD, 0, 0, misaligned, &again), KOBJNS_MAPPED_ALIGNMENT);
  KT_OK(kobjns_section_map_at(s, RD, 65536, 0, NULL, &again)); /* NULL: anywhere */
  KT_OK(kobjns_unmap(again));
  KT_OK(kobjns_unmap(first));
  close_(s);
  kobjns_ctx_free(app);
}

/* Sections come in whole 4096-byte pages, as Windows keeps pagefile-backed sections. */
static void sizes_are_whole_pages(void) {
  kobjns_ctx *app = kt_ctx(1, false);
  const char *name = kt_name("odd");
  kobjns_section *s = create(app, name, 4000, RW, NULL, 0);
  uint64_t size = 0;
  KT_OK(kobjns_section_size(s, &size));
  CU_ASSERT_EQUAL(size, 4096);
  void *p = NULL;
  KT_OK(kobjns_section_map(s, RW, 0, 4096, &p));
  if (p) KT_OK(kobjns_unmap(p));
  KT_STATUS(kobjns_section_map(s, RW, 0, 4097, &p), KOBJNS_ACCESS_DENIED);
  kobjns_section *o = open_(app, name, RD, 0);
  KT_OK(kobjns_section_size(o, &size));
  CU_ASSERT_EQUAL(size, 4096);
  close_(o), close_(s);
  s = create(app, name, 1, RW, NULL, 0);
  KT_OK(kobjns_section_size(s, &size));
  CU_ASSERT_EQUAL(size, 4096);
  close_(s);
  kobjns_ctx_free(app);
}

static void read_only_sections(void) {
  kobjns_ctx *app = kt_ctx(1, false);
  const char *name = kt_name("ro");
  kobjns_section *s = create(app, name, 4096, RD, NULL, 0);
  void *p = NULL;
  KT_STATUS(kobjns_section_map(s, RW, 0, 0, &p), KOBJNS_ACCESS_DENIED);
  KT_OK(kobjns_section_map(s, RD, 0, 0, &p));
  KT_OK(kobjns_unmap(p));
  kobjns_section *all = open_(app, name, ALL, 0);
  KT_OK(kobjns_section_map(all, KOBJNS_MAP_COPY, 0, 0, &p));
  ((char *)p)[0] = 'x'; /* private */
  KT_OK(kobjns_unmap(p));
  close_(all);
  close_(create(app, name, 4096, RW, NULL, KOBJNS_ALREADY_EXISTS)); /* row 3's converse */
  close_(s);
  kobjns_ctx_free(app);
}

/* A handle may carry write access to a read-only section; write views are still refused. */
static void read_only_protection_outranks_access(void) {
  kobjns_ctx *app = kt_ctx(1, false);
  const char *name = kt_name("ro");
  kobjns_section *s = create(app, name, 4096, RD, NULL, 0);
  kobjns_section *all = open_(app, name, ALL, 0);
  void *p = NULL;
  KT_STATUS(kobjns_section_map(all, RW, 0, 0, &p), KOBJNS_ACCESS_DENIED);
  if (p) kobjns_unmap(p);
  close_(all), close_(s);
  kobjns_ctx_free(app);
}

#ifndef _WIN32
#include <sys/statvfs.h>
#endif

/* Whether the system lets an executable view of a section be mapped (POSIX: /dev/shm not mounted
 * noexec). */
static bool executable_views_possible(void) {
#ifdef _WIN32
  return true;
#else
  struct statvfs st;
  return statvfs("/dev/shm", &st) == 0 && !(st.f_flag & ST_NOEXEC);
#endif
}

/* Rows 56, 57: the view MapViewOfFile maps for an access, on both backends. */
static void view_rights(void) {
  kobjns_section *s = create(NULL, "", 4096, RW, NULL, 0);
  char *both = NULL, *reader = NULL;
  KT_OK(kobjns_section_map(s, KOBJNS_MAP_COPY | RW, 0, 0, (void **)&both));
  KT_OK(kobjns_section_map(s, RD, 0, 0, (void **)&reader));
  strcpy(both, "shared"); /* FILE_MAP_COPY combined with a write right is ignored (row 56) */
  CU_ASSERT_STRING_EQUAL(reader, "shared");
  char *copy = NULL;
  KT_OK(kobjns_section_map(s, KOBJNS_MAP_COPY, 0, 0, (void **)&copy));
  strcpy(copy, "private"); /* alone it is copy-on-write */
  CU_ASSERT_STRING_EQUAL(reader, "shared");
  KT_OK(kobjns_section_map(s, KOBJNS_MAP_COPY | RD, 0, 0, (void **)&copy)); /* a read view */
  CU_ASSERT_STRING_EQUAL(copy, "shared");
  KT_OK(kobjns_unmap(copy));
  void *v = NULL;
  /* An executable view of a section without an execute protection (row 57). */
  KT_STATUS(kobjns_section_map(s, KOBJNS_MAP_EXECUTE | RD, 0, 0, &v), KOBJNS_ACCESS_DENIED);
  KT_STATUS(kobjns_section_map(s, KOBJNS_MAP_EXECUTE | KOBJNS_MAP_COPY, 0, 0, &v),
            KOBJNS_ACCESS_DENIED);
  /* No read or write right: a view without access, FILE_MAP_EXECUTE alone too. */
  KT_OK(kobjns_section_map(s, 0, 0, 0, &v));
  KT_OK(kobjns_unmap(v));
  KT_OK(kobjns_section_map(s, KOBJNS_MAP_EXECUTE, 0, 0, &v));
  KT_OK(kobjns_unmap(v));
  KT_STATUS(kobjns_section_map(s, 0x40, 0, 0, &v), KOBJNS_INVALID_PARAMETER);
  KT_OK(kobjns_unmap(both));
  KT_OK(kobjns_unmap(reader));
  KT_OK(kobjns_section_close(s));
  /* A section with an execute protection maps executable views for a handle with the right. */
  const char *name = kt_name("exec");
  s = create(NULL, name, 4096, RW | RD | KOBJNS_MAP_EXECUTE, NULL, 0);
  int want = executable_views_possible() ? 0 : KOBJNS_ACCESS_DENIED;
  KT_STATUS(kobjns_section_map(s, KOBJNS_MAP_EXECUTE | RD, 0, 0, &v), want);
  if (!want) KT_OK(kobjns_unmap(v));
  kobjns_section *reading = NULL;
  KT_OK(kobjns_section_open(NULL, name, RD, &reading));
  KT_STATUS(kobjns_section_map(reading, KOBJNS_MAP_EXECUTE | RD, 0, 0, &v), KOBJNS_ACCESS_DENIED);
  KT_OK(kobjns_section_close(reading));
  KT_OK(kobjns_section_close(s));
}

#ifndef _WIN32
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>

/* posix_fallocate as the library sees it in this runner (which links it statically): the next
 * `fallocate_interrupted` calls answer EINTR, as tmpfs does when a signal arrives during the
 * reservation on kernels before 6.9; then libc's. */
static int fallocate_interrupted, fallocate_calls; /* atomic: every thread of the runner calls it */
int posix_fallocate(int fd, off_t offset, off_t len) {
  static int (*libc_fallocate)(int, off_t, off_t);
  __atomic_add_fetch(&fallocate_calls, 1, __ATOMIC_RELAXED);
  int left = __atomic_load_n(&fallocate_interrupted, __ATOMIC_RELAXED);
  while (left > 0)
    if (__atomic_compare_exchange_n(&fallocate_interrupted, &left, left - 1, false,
                                    __ATOMIC_RELAXED, __ATOMIC_RELAXED))
      return EINTR;
  int (*real)(int, off_t, off_t) = __atomic_load_n(&libc_fallocate, __ATOMIC_ACQUIRE);
  if (!real) { /* the definition above has the name <fcntl.h> gives it (64-bit offsets) */
    *(void **)&real =
        dlsym(RTLD_NEXT, sizeof(off_t) == sizeof(long) ? "posix_fallocate" : "posix_fallocate64");
    __atomic_store_n(&libc_fallocate, real, __ATOMIC_RELEASE);
  }
  return real ? real(fd, offset, len) : ENOSYS;
}

/* A signal during a create's reservation (EINTR) is tried again, not answered with 1359; after
 * one, the section is reserved in pieces, so that what was reserved before a signal stays. */
static void interrupted_reservation_is_retried(void) {
  fallocate_interrupted = 3;
  kobjns_section *s = create(NULL, kt_name("eintr"), 65536, RW, NULL, 0);
  CU_ASSERT_EQUAL(fallocate_interrupted, 0);
  void *v = NULL;
  KT_OK(kobjns_section_map(s, RW, 0, 0, &v));
  memset(v, 1, 65536); /* every page is there */
  KT_OK(kobjns_unmap(v));
  KT_OK(kobjns_section_close(s));
  fallocate_calls = 0;
  fallocate_interrupted = 1;
  s = create(NULL, kt_name("eintr-big"), (uint64_t)40 << 20, RW, NULL, 0);
  CU_ASSERT_EQUAL(fallocate_calls, 4); /* the whole, interrupted; then 16 MiB, 16 MiB, the rest */
  KT_OK(kobjns_section_close(s));
  fallocate_interrupted = 0;
}
#endif

void kt_add_sections(CU_pSuite s) {
  const unsigned app = KT_NEEDS_SESSION1;
  kt_add(s, "create and reopen (rows 1-6)", create_and_reopen, app);
  kt_add(s, "open errors (rows 8-10, 29)", open_errors, app);
  kt_add(s, "create errors (rows 20-27, 34)", create_errors, app);
  kt_add(s, "global namespace and privilege (rows 12, 13, 15, 16, 22)",
         global_namespace_and_privilege, app | KT_NEEDS_CREATE_GLOBAL);
  kt_add(s, "a service's names are global (row 14)", service_names_are_global, KT_NEEDS_SESSIONS);
  kt_add(s, "Local and Global are distinct (rows 18, 19)", local_and_global_are_distinct,
         app | KT_NEEDS_CREATE_GLOBAL);
  kt_add(s, "unnamed and odd names (rows 28, 30, 31)", unnamed_and_odd_names, app);
  kt_add(s, "descriptors (rows 39-42)", descriptors, app);
  kt_add(s, "views (rows 44-48, 50)", views, app);
  kt_add(s, "sizes are whole pages", sizes_are_whole_pages, app);
  kt_add(s, "views at an address (MapViewOfFileEx)", views_at_an_address, app);
  kt_add(s, "read-only sections", read_only_sections, app);
  kt_add(s, "view rights as MapViewOfFile computes them (rows 56, 57)", view_rights, app);
  kt_add(s, "a create's reservation interrupted by a signal is tried again",
         KT_POSIX_ONLY(interrupted_reservation_is_retried), KT_NEEDS_SHM_FILES);
  kt_add_not_wine(s, "a read-only section refuses write views to any handle",
                  read_only_protection_outranks_access, app,
                  "it maps a PAGE_READONLY section writable through a handle opened with "
                  "FILE_MAP_ALL_ACCESS (Windows: only PAGE_READWRITE sections take write views)");
}
