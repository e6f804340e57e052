/* `kobjns explain NAME`: why an open of NAME fails (or succeeds) for a program in a session, as a
 * user, asking for some access. The steps are diagnosis; the answer is not: it is what the open
 * of the type NAME holds (kobjns_section_open(), kobjns_mutex_open(), kobjns_event_open() or
 * kobjns_semaphore_open()) returns when actually asked (as that user: a child process switches to
 * its uid), so the exit status can never disagree with a real open. A stale object is the one
 * case not opened (an open would remove it): the answer is then 2, as an open's would be. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#ifndef _WIN32
#include <grp.h>
#include <pwd.h>
#include <sys/wait.h>
#include <unistd.h>
#endif

#include "cli.h"

/* The open explain makes is the open function of a type (kobjns_type): a section's, a mutex's,
 * an event's, a semaphore's or a timer's. */
static bool openable(kobjns_type type) {
  return type == KOBJNS_TYPE_SECTION || type == KOBJNS_TYPE_MUTEX || type == KOBJNS_TYPE_EVENT ||
         type == KOBJNS_TYPE_SEMAPHORE || type == KOBJNS_TYPE_TIMER;
}

/* A mutex, an event, a semaphore or a timer: the types with a state, whose rights are not a
 * section's. */
static bool waitable(kobjns_type type) { return openable(type) && type != KOBJNS_TYPE_SECTION; }

/* --access: a section's words (r, w, rw), a mutex's, event's or semaphore's (sync, modify), or
 * words for any type (all, a number). The rights follow from the type opened. */
typedef enum access_family { FOR_SECTIONS, FOR_SYNC, FOR_ANY } access_family;
typedef struct access_request {
  const char *text; /* as given, or the default for the type found */
  bool given;
  access_family family;
  unsigned number; /* a number given */
} access_request;

static bool parse_access(const char *text, access_request *a) {
  static const struct {
    const char *word;
    access_family family;
  } words[] = {{"r", FOR_SECTIONS}, {"w", FOR_SECTIONS},  {"rw", FOR_SECTIONS},
               {"sync", FOR_SYNC},  {"modify", FOR_SYNC}, {"all", FOR_ANY}};
  *a = (access_request){.text = text, .given = true, .family = FOR_ANY};
  for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
    if (!strcmp(text, words[i].word)) {
      a->family = words[i].family;
      return true;
    }
  uint32_t number;
  if (!cli_parse_u32(text, 0, &number)) return false;
  a->number = number;
  return true;
}

/* "a" or "an", before a type's name. */
static const char *article(const char *type) { return strchr("AEIOU", type[0]) ? "an" : "a"; }

/* The whole of a type's rights: KOBJNS_*_ALL_ACCESS. */
static unsigned all_access(kobjns_type kind) {
  return kind == KOBJNS_TYPE_SECTION ? KOBJNS_MAP_ALL_ACCESS
         : kind == KOBJNS_TYPE_MUTEX ? KOBJNS_MUTEX_ALL_ACCESS
         : kind == KOBJNS_TYPE_EVENT ? KOBJNS_EVENT_ALL_ACCESS
         : kind == KOBJNS_TYPE_TIMER ? KOBJNS_TIMER_ALL_ACCESS
                                     : KOBJNS_SEMAPHORE_ALL_ACCESS;
}

/* "modify": Win32's MUTEX_MODIFY_STATE is 1; EVENT_, SEMAPHORE_ and TIMER_MODIFY_STATE are 2. */
static unsigned modify_access(kobjns_type kind) {
  return kind == KOBJNS_TYPE_MUTEX ? 0x0001u : KOBJNS_EVENT_MODIFY_STATE;
}

/* The rights `a` stands for on an object of `kind`. */
static unsigned access_for(const access_request *a, kobjns_type kind) {
  const char *t = a->text;
  if (a->family == FOR_ANY && strcmp(t, "all")) return a->number;
  if (!strcmp(t, "all")) return all_access(kind);
  if (kind == KOBJNS_TYPE_SECTION)
    return !strcmp(t, "w")    ? KOBJNS_MAP_WRITE
           : !strcmp(t, "rw") ? KOBJNS_MAP_READ | KOBJNS_MAP_WRITE
                              : KOBJNS_MAP_READ;
  if (!strcmp(t, "modify")) return modify_access(kind);
  return KOBJNS_SYNCHRONIZE;
}

typedef struct found {
  bool present;
  kobjns_object o; /* a copy (cli_object_copy) */
} found;

typedef struct report {
  bool json;
  char **steps;
  size_t count;
} report;

#ifdef __MINGW_PRINTF_FORMAT /* mingw's C99 printf (__USE_MINGW_ANSI_STDIO), not msvcrt's */
#define STEP_FORMAT __MINGW_PRINTF_FORMAT
#else
#define STEP_FORMAT printf
#endif

__attribute__((format(STEP_FORMAT, 2, 3))) static void step(report *r, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  va_list again;
  va_copy(again, ap);
  int len = vsnprintf(NULL, 0, fmt, ap);
  char *line = len >= 0 ? malloc((size_t)len + 1) : NULL;
  if (line) vsnprintf(line, (size_t)len + 1, fmt, again);
  va_end(again);
  va_end(ap);
  char **more = line ? realloc(r->steps, (r->count + 1) * sizeof *more) : NULL;
  if (!more) {
    free(line);
    return;
  }
  r->steps = more;
  r->steps[r->count++] = line;
  if (!r->json) printf("  %s\n", line);
}

static int capture(const kobjns_object *o, void *arg) {
  found *f = arg;
  int rc = cli_object_copy(&f->o, o);
  f->present = rc == 0;
  return rc;
}

static const char *leaf_of(const char *path) {
  const char *slash = strrchr(path, '\\');
  return slash ? slash + 1 : path;
}

/* Sections elsewhere with the same leaf: the usual "it is in the other namespace" mistake. */
/* A --json answer's tail: the steps, whether it opened, the status and its name. */
static void json_steps_and_answer(const report *r, bool opened, int answer) {
  fputs(",\"steps\":[", stdout);
  for (size_t i = 0; i < r->count; i++) {
    fputs(i ? "," : "", stdout);
    cli_json_string(stdout, r->steps[i]);
  }
  printf("],\"opened\":%s,\"status\":%d,\"status_name\":", opened ? "true" : "false", answer);
  cli_json_string(stdout, kobjns_status_name(answer));
}

typedef struct elsewhere {
  const char *leaf, *here;
  uint32_t my_session;
  report *r;
  size_t count;
} elsewhere;

static int note_elsewhere(const kobjns_object *o, void *arg) {
  elsewhere *e = arg;
  if (!cli_named_object(o) || o->object_type == KOBJNS_TYPE_UNKNOWN || !o->path[0] ||
      !strcmp(o->path, e->here) || strcmp(leaf_of(o->path), e->leaf))
    return 0;
  char how[64];
  if (o->session == 0)
    snprintf(how, sizeof how, "Global\\");
  else if (o->session == e->my_session)
    snprintf(how, sizeof how, "Local\\");
  else
    snprintf(how, sizeof how, "Session\\%u\\", (unsigned)o->session);
  char path[1024], leaf[1024];
  char what[64] = "";
  if (o->object_type != KOBJNS_TYPE_SECTION)
    snprintf(what, sizeof what, " (%s %s)", article(o->type), o->type);
  step(e->r, "but %s%s exists%s: a program in this session reaches it as \"%s%s\"",
       cli_printable(o->path, path, sizeof path), what, o->stale > 0 ? " (stale)" : "", how,
       cli_printable(e->leaf, leaf, sizeof leaf));
  e->count++;
  return 0;
}

/* What one ACE of kobjns's canonical SDDL says, in words. GR, GW and GX stand for the rights of
 * the object's type (`type`). */
static void describe_ace(report *r, kobjns_type type, const char *ace, size_t len) {
  char text[256];
  snprintf(text, sizeof text, "%.*s", (int)len, ace);
  char *fields[6] = {0};
  char *p = text;
  for (int i = 0; i < 6; i++) {
    char *semi = strchr(p, ';');
    fields[i] = p;
    if (!semi) break;
    *semi = '\0';
    p = semi + 1;
  }
  if (!fields[2] || !fields[5]) return;
  bool sync = waitable(type);
  const char *generic_write = !sync                       ? "write"
                              : type == KOBJNS_TYPE_MUTEX ? "read control (a mutex's GW)"
                                                          : "modify state";
  const struct {
    const char *code, *words;
  } rights[] = {{"GA", "all access"},      {"GR", sync ? "query state" : "read"},
                {"GW", generic_write},     {"GX", sync ? "synchronize (wait)" : "execute"},
                {"RC", "read control"},    {"SD", "delete"},
                {"WD", "change the DACL"}, {"WO", "take ownership"}};
  char words[128] = "";
  for (const char *c = fields[2]; c[0] && c[1] && c[0] != '0'; c += 2)
    for (size_t k = 0; k < sizeof rights / sizeof rights[0]; k++)
      if (!strncmp(c, rights[k].code, 2))
        snprintf(words + strlen(words), sizeof words - strlen(words), "%s%s", words[0] ? ", " : "",
                 rights[k].words);
  if (!words[0]) snprintf(words, sizeof words, "rights %s", fields[2]);
  static const struct {
    const char *sid, *who;
  } trustees[] = {{"WD", "Everyone"},
                  {"AU", "Authenticated Users (everyone)"},
                  {"IU", "Interactive (a program in any session but 0)"},
                  {"SY", "SYSTEM (root)"},
                  {"BA", "Administrators (root)"},
                  {"OW", "the owner (Owner Rights)"}};
  char who[300] = "";
  uint32_t id;
  for (size_t k = 0; k < sizeof trustees / sizeof trustees[0]; k++)
    if (!strcmp(fields[5], trustees[k].sid)) snprintf(who, sizeof who, "%s", trustees[k].who);
  if (!who[0] && !strncmp(fields[5], "S-1-22-1-", 9) && cli_parse_u32(fields[5] + 9, 10, &id)) {
    char name[256];
    cli_user_name(id, name, sizeof name);
    snprintf(who, sizeof who, "user %s (uid %u)", name, (unsigned)id);
  } else if (!who[0] && !strncmp(fields[5], "S-1-22-2-", 9) &&
             cli_parse_u32(fields[5] + 9, 10, &id)) {
    snprintf(who, sizeof who, "group %u", (unsigned)id);
#ifndef _WIN32
    struct group g, *gr = NULL;
    char buf[4096];
    if (getgrgid_r((gid_t)id, &g, buf, sizeof buf, &gr) == 0 && gr)
      snprintf(who, sizeof who, "group %s (gid %u)", gr->gr_name, (unsigned)id);
#endif
  } else if (!who[0]) {
    snprintf(who, sizeof who, "%s", fields[5]);
  }
  step(r, "  %s %s: %s", fields[0][0] == 'D' ? "denies" : "allows", who, words);
}

static void describe_sddl(report *r, kobjns_type type, const char *sddl) {
  if (!strcmp(sddl, "D:NO_ACCESS_CONTROL")) {
    step(r, "  no access control (a NULL DACL): everyone may do anything");
    return;
  }
  for (const char *open = strchr(sddl, '('); open; open = strchr(open + 1, '(')) {
    const char *close = strchr(open, ')');
    if (!close) break;
    describe_ace(r, type, open + 1, (size_t)(close - open - 1));
  }
  if (!strchr(sddl, '(')) step(r, "  an empty DACL: nobody may open it (its owner may change it)");
}

/* What an open answers for `ctx`, and which check refused it (kobjns_open_explain). For a stale
 * object (its native path given) no open is made, since it would remove the object: the open
 * would meet the kernel's permission check on the file first (5), and then find it stale (2). */
static int answer_with(kobjns_ctx *ctx, const char *name, const char *stale_native,
                       kobjns_type kind, unsigned access, kobjns_denial *why) {
  *why = KOBJNS_DENIAL_NONE;
  if (stale_native) {
#ifndef _WIN32
    int fd = open(stale_native, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0 && (errno == EACCES || errno == EPERM)) {
      *why = KOBJNS_DENIAL_MODE_BITS;
      return KOBJNS_ACCESS_DENIED;
    }
    if (fd >= 0) close(fd);
#endif
    return KOBJNS_FILE_NOT_FOUND;
  }
  return kobjns_open_explain(ctx, name, kind, access, why);
}

/* What explain asks: an object's open (its name, its type, the access), or a private
 * namespace's (`boundary` not NULL). */
typedef struct question {
  const char *name, *stale_native;
  kobjns_type kind;
  unsigned access;
  const kobjns_boundary *boundary;
  const char *alias;
} question;

static int ask(kobjns_ctx *ctx, const question *q, kobjns_denial *why) {
  if (q->boundary) return kobjns_namespace_explain(ctx, q->boundary, q->alias, why);
  return answer_with(ctx, q->name, q->stale_native, q->kind, q->access, why);
}

/* The answer as `uid` in `session`: in this process for ourselves, else in a child that becomes
 * that user (its uid, gid and groups), so that the kernel's checks play as for the real program. */
static int real_answer(const question *q, uint32_t session, uint32_t uid, kobjns_denial *why) {
  kobjns_ctx *ctx = NULL;
  int rc;
  if (uid == cli_self_uid()) {
    if (!(rc = cli_context(session, uid, &ctx))) rc = ask(ctx, q, why);
    kobjns_ctx_free(ctx);
    return rc;
  }
#ifdef _WIN32
  return KOBJNS_NOT_SUPPORTED; /* Windows: acting as another user is refused before this */
#else
  int fds[2];
  if (pipe(fds) < 0) return KOBJNS_INTERNAL_ERROR;
  fflush(NULL);
  pid_t pid = fork();
  if (pid < 0) return KOBJNS_INTERNAL_ERROR;
  if (pid == 0) {
    close(fds[0]);
    /* The context first, while still root (acting as a user needs it); then become the user. */
    rc = cli_context(session, uid, &ctx);
    struct passwd pw, *account = NULL;
    char buf[4096];
    gid_t gid = (gid_t)uid, *gids = NULL;
    int ngroups = 0;
    if (getpwuid_r((uid_t)uid, &pw, buf, sizeof buf, &account) == 0 && account) {
      gid = account->pw_gid;
      ngroups = 64;
      for (int tries = 0; tries < 4; tries++) { /* getgrouplist says how many it needs */
        free(gids);
        gids = malloc((size_t)ngroups * sizeof *gids);
        if (!gids || getgrouplist(account->pw_name, gid, gids, &ngroups) >= 0) break;
      }
      if (!gids) ngroups = 0;
    }
    if (!rc && (setgroups((size_t)ngroups, gids) < 0 || setgid(gid) < 0 || setuid((uid_t)uid) < 0))
      rc = KOBJNS_INTERNAL_ERROR;
    kobjns_denial denial = KOBJNS_DENIAL_NONE;
    if (!rc) rc = ask(ctx, q, &denial);
    free(gids);
    kobjns_ctx_free(ctx);
    int answer[2] = {rc, (int)denial};
    ssize_t ignored = write(fds[1], answer, sizeof answer);
    (void)ignored;
    exit(0); /* not _exit: the library's destructor leaves the session cleanly */
  }
  close(fds[1]);
  int answer[2] = {KOBJNS_INTERNAL_ERROR, KOBJNS_DENIAL_NONE};
  if (read(fds[0], answer, sizeof answer) != (ssize_t)sizeof answer)
    answer[0] = KOBJNS_INTERNAL_ERROR;
  close(fds[0]);
  rc = answer[0];
  *why = (kobjns_denial)answer[1];
  int st;
  waitpid(pid, &st, 0);
  return rc;
#endif
}

/* The rights asked, in words (`buf` for a number). */
static const char *access_words(kobjns_type kind, unsigned access, char *buf, size_t size) {
  bool section = kind == KOBJNS_TYPE_SECTION;
  if (section && access == KOBJNS_MAP_READ) return "read";
  if (section && access == KOBJNS_MAP_WRITE) return "write";
  if (section && access == (KOBJNS_MAP_READ | KOBJNS_MAP_WRITE)) return "read and write";
  if (access == all_access(kind)) return "all access";
  if (!section && access == KOBJNS_SYNCHRONIZE) return "synchronize (wait)";
  if (!section && access == modify_access(kind)) return "modify state";
  snprintf(buf, size, "access 0x%x", access);
  return buf;
}

/* The prefix of `name`, in words (the resolver itself gives the verdict). */
static void explain_prefix(report *r, const char *name, uint32_t session) {
  char here[64];
  if (session == 0)
    snprintf(here, sizeof here, "\\BaseNamedObjects");
  else
    snprintf(here, sizeof here, "\\Sessions\\%u\\BaseNamedObjects", (unsigned)session);
  if (!strncasecmp(name, "Global\\", 7))
    step(r, "\"Global\\\" is a link to \\BaseNamedObjects, the global namespace (session 0's)");
  else if (!strncasecmp(name, "Local\\", 6))
    step(r, "\"Local\\\" is a link to this session's namespace, %s", here);
  else if (!strncasecmp(name, "Session\\", 8))
    step(r,
         "\"Session\\N\\\" leads to \\Sessions\\N\\BaseNamedObjects, which exists only while a "
         "program is in session N");
  else
    step(r, "a name without a prefix lands in this session's namespace, %s%s", here,
         session == 0 ? " (session 0's is the global one)" : "");
}

static void explain_resolve_failure(report *r, const char *name, int rc) {
  switch (rc) {
    case KOBJNS_BAD_PATHNAME:
      step(r, "the name starts with '\\': object names are relative");
      break;
    case KOBJNS_INVALID_NAME:
      step(r, "the name has an empty component (\"Global\\\" or \"a\\\\b\")");
      break;
    case KOBJNS_PATH_NOT_FOUND:
      if (!strncasecmp(name, "Session\\", 8))
        step(r,
             "that session does not exist (no program is in it), or its number is malformed, "
             "or the object name after it holds a '\\'");
      else
        step(
            r,
            "a '\\' inside the object name: only Global\\, Local\\ and Session\\N\\ are "
            "directories, so \"a\\b\" asks for a directory \"a\" that does not exist, unless \"a\" "
            "is the alias of a private namespace the program has open (this command never has "
            "one: `kobjns explain --namespace a --boundary NAME` says whether it can be opened, "
            "`kobjns stat PATH` describes an object in one by its path)");
      break;
    case KOBJNS_INVALID_HANDLE:
      step(r,
           "the name is a namespace link or directory itself (\"Global\", \"Local\", "
           "\"Session\"), not an object in one");
      break;
    default: step(r, "%s", kobjns_strerror(rc)); break;
  }
}

/* The descriptor's verdict on the open explain makes (of `kind`, for `access`): the library's
 * typed check, kobjns_sddl_access_type(), when the object found is of the type opened; 50 when
 * there is none to give (Windows, where the kernel's check is the authority, says 50 itself).
 * Given for sections only, as explain always did: the check covers every type now, and dropping
 * the `kind != KOBJNS_TYPE_SECTION` below would show the verdict for mutexes, events and
 * semaphores too (a change of explain's output and of docs/cli.md, step 3). */
static int descriptor_verdict(kobjns_ctx *ctx, const kobjns_object *o, kobjns_type kind,
                              unsigned access) {
  if (o->object_type != kind || kind != KOBJNS_TYPE_SECTION) return KOBJNS_NOT_SUPPORTED;
  return kobjns_sddl_access_type(ctx, kind, o->sddl, o->owner, access);
}

/* What is at the resolved path: steps 2 and 3 of the diagnosis, for the open of `kind` with
 * `access` that gives the answer. */
static void explain_object(report *r, kobjns_ctx *ctx, const char *name, const char *path,
                           uint32_t session, const char *user, kobjns_type kind, unsigned access,
                           const access_request *asked, int query, const found *f) {
  if (query == KOBJNS_FILE_NOT_FOUND) {
    char leaf[1024];
    step(r, "nothing named \"%s\" exists there", cli_printable(leaf_of(path), leaf, sizeof leaf));
    elsewhere e = {.leaf = leaf_of(path), .here = path, .my_session = session, .r = r};
    kobjns_object_list(note_elsewhere, &e);
    /* The privilege rule is the library's: a section in Global\ from another session than 0. */
    unsigned needed = 0;
    int held = 0;
    kobjns_create_privileges(ctx, name, kind, &needed);
    kobjns_ctx_has_privilege(ctx, KOBJNS_PRIV_CREATE_GLOBAL, &held);
    if (needed & KOBJNS_PRIV_CREATE_GLOBAL)
      step(
          r, "creating a %s there needs SeCreateGlobalPrivilege, which this identity %s",
          kind == KOBJNS_TYPE_SECTION ? "section" : kobjns_type_name(kind),
          held ? "holds" : "lacks (only session 0 and administrators hold it): a create answers 5");
    else
      step(r, "creating it there needs no privilege");
    return;
  }
  if (query == KOBJNS_INVALID_HANDLE) {
    step(r,
         "something that is not a section, mutex, event or semaphore (nor a kobjns object) holds "
         "the name: an open answers 6");
    return;
  }
  if (query == KOBJNS_FILE_CORRUPT) {
    step(r,
         "the file holding that name is not a kobjns object of that name (corrupt, or made by "
         "someone else): an open answers 1392, or removes it if nobody holds it");
    return;
  }
  if (query) {
    step(r, "it cannot be looked at: %s (%d)", kobjns_status_name(query), query);
    return;
  }
  const kobjns_object *o = &f->o;
  char what[128], owner[256], words_buf[32];
  const char *words = access_words(kind, access, words_buf, sizeof words_buf);
  if (o->object_type == KOBJNS_TYPE_SECTION) {
    char size[32];
    cli_size(o->size, size, sizeof size);
    snprintf(what, sizeof what, "a Section of %s%s", size,
             o->read_only ? ", created read-only" : "");
  } else if (o->object_type == KOBJNS_TYPE_OBJECT) {
    snprintf(what, sizeof what, "an object whose header this user may not read (its type too)");
  } else if (o->state[0]) {
    snprintf(what, sizeof what, "%s %s (%s)", article(o->type), o->type, o->state);
  } else {
    snprintf(what, sizeof what, "%s %s", article(o->type), o->type);
  }
  if (o->owner == UINT32_MAX) { /* Windows: the kernel keeps owners as SIDs in the descriptor */
    step(r, "it exists: %s, %zu other handle%s open", what, o->handles, o->handles == 1 ? "" : "s");
  } else {
    cli_user_name(o->owner, owner, sizeof owner);
    step(r, "it exists: %s, owned by %s (uid %u), mode %04o", what, owner, (unsigned)o->owner,
         (unsigned)o->mode);
  }
  bool section = kind == KOBJNS_TYPE_SECTION;
  if (o->object_type != KOBJNS_TYPE_OBJECT && o->object_type != kind)
    step(r,
         "but --access %s asks for a %s's rights, and the name is held by another object type "
         "(%s): an open of a %s answers 6",
         asked->text, section ? "section" : "mutex's, an event's or a semaphore", o->type,
         section ? "section" : "mutex, an event or a semaphore");
  if (o->stale > 0)
    step(r,
         "it is stale: every process that held it died; an open answers 2 and removes "
         "it (`kobjns gc` removes it now)");
  if (o->sddl[0]) {
    step(r, "its security descriptor is %s:", o->sddl);
    describe_sddl(r, o->object_type, o->sddl);
    int granted = descriptor_verdict(ctx, o, kind, access);
    if (granted != KOBJNS_NOT_SUPPORTED) /* Windows: the kernel's check, seen in the answer */
      step(r, "so the descriptor %s %s to %s in session %u", granted ? "does not grant" : "grants",
           words, user, (unsigned)session);
    else if (waitable(o->object_type) && !section && o->stale <= 0)
      step(r, "whether it grants %s to %s in session %u: the open of the %s below says", words,
           user, (unsigned)session, o->type);
  } else if (o->owner != UINT32_MAX) {
    step(r,
         "its header cannot be read by this user: the file's mode bits (%04o) keep everyone "
         "but its owner out",
         (unsigned)o->mode);
  } else {
    step(r, "its descriptor does not let this caller read it (READ_CONTROL)");
  }
  if (o->read_only && section && (access & KOBJNS_MAP_WRITE))
    step(r, "it was created read-only (without write protection): write access is refused");
}

/* An answer of 5 that the descriptor does not explain: the descriptor grants the access, yet
 * the open was refused. Which check refused it is the library's answer (kobjns_open_explain):
 * a planted object, the kernel's mode bits, or a second name. */
static void explain_denial(report *r, kobjns_ctx *ctx, kobjns_type kind, unsigned access,
                           const kobjns_object *o, kobjns_denial why) {
  /* Said where the descriptor (descriptor_verdict) grants the access, for sections, as before. */
  if (kind != KOBJNS_TYPE_SECTION || !o->sddl[0] || o->owner == UINT32_MAX ||
      descriptor_verdict(ctx, o, kind, access) != 0 ||
      (o->read_only && (access & KOBJNS_MAP_WRITE)))
    return;
  if (why == KOBJNS_DENIAL_PLANTED)
    step(r,
         "root never trusts an object another user put in a namespace root does not own "
         "(Global\\ or another session's): it could be a plant");
  else if (why == KOBJNS_DENIAL_MODE_BITS)
    step(r,
         "the descriptor grants it, but the kernel's mode bits (%04o, owner uid %u) do not "
         "let this uid open the file: kobjns gives the kernel no more than the descriptor "
         "grants every user of a class",
         (unsigned)o->mode, (unsigned)o->owner);
  else if (why == KOBJNS_DENIAL_SECOND_NAME)
    step(r,
         "someone else gave the file a second name (a hard link): kobjns trusts an object "
         "under one name only");
}

/* --- a private namespace's open (explain --namespace ALIAS --boundary NAME [--sid SID]...) --- */

typedef struct namespace_request {
  const char *alias, *boundary;
  const char *sids[32];
  size_t sid_count;
} namespace_request;

/* What the library said of a namespace's open (kobjns_namespace_explain), as JSON's `reason`. */
static const char *reason_word(kobjns_denial why) {
  switch (why) {
    case KOBJNS_DENIAL_DESCRIPTOR: return "descriptor";
    case KOBJNS_DENIAL_MODE_BITS: return "mode_bits";
    case KOBJNS_DENIAL_PLANTED: return "planted";
    case KOBJNS_DENIAL_DESTROYED: return "destroyed";
    default: return "none";
  }
}

/* Whether a namespace of that alias could be opened by `uid`: the open kobjns_namespace_open
 * makes (as that user, in a child, for another one), and why it answered as it did. */
static int explain_namespace(const namespace_request *n, uint32_t session, uint32_t uid,
                             bool json) {
  report r = {.json = json};
  char user[256], shown[1024], shown_b[1024];
  if (uid == UINT32_MAX)
    snprintf(user, sizeof user, "this user");
  else
    cli_user_name(uid, user, sizeof user);
  char sids[1024] = "";
  for (size_t i = 0; i < n->sid_count; i++)
    snprintf(sids + strlen(sids), sizeof sids - strlen(sids), "%s%s", i ? ", " : "", n->sids[i]);
  if (!json) {
    printf("kobjns explain: can %s", user);
    if (uid != UINT32_MAX) printf(" (uid %u)", (unsigned)uid);
    printf(" open the private namespace \"%s\" of boundary \"%s\" {%s}?\n",
           cli_printable(n->alias, shown, sizeof shown),
           cli_printable(n->boundary, shown_b, sizeof shown_b), sids);
  }
  step(&r,
       "a private namespace is found by its boundary (its name and SIDs, in any order) and its "
       "alias, from every session; it can be opened while a handle to it is open anywhere");
  kobjns_boundary *b = NULL;
  int answer = kobjns_boundary_create(n->boundary, &b);
  for (size_t i = 0; !answer && i < n->sid_count; i++)
    if ((answer = kobjns_boundary_add_sid(b, n->sids[i])))
      step(&r, "the boundary cannot name \"%s\": %s", n->sids[i], kobjns_strerror(answer));
  kobjns_denial why = KOBJNS_DENIAL_NONE;
  bool opened = false;
  if (!answer) {
    question q = {.boundary = b, .alias = n->alias};
    answer = real_answer(&q, session, uid, &why);
    opened = true;
  }
  kobjns_boundary_free(b);
  if (!opened) {
    /* the boundary's own status, said above */
  } else if (answer == 0) {
    step(&r, "one is open, and its descriptor grants %s access to it", user);
  } else if (answer == KOBJNS_FILE_NOT_FOUND && why == KOBJNS_DENIAL_DESTROYED) {
    step(&r,
         "one is held open, but it was destroyed: no open finds it again (its objects keep "
         "working for their holders); its creator must create it anew");
  } else if (answer == KOBJNS_FILE_NOT_FOUND && why == KOBJNS_DENIAL_PLANTED) {
    step(&r,
         "directories claim that boundary and alias, but an opener does not trust them: made by "
         "a user outside the boundary (or giving more than their descriptor grants), they could "
         "be a plant; `kobjns ls --namespaces` shows them, marked \"untrusted\"");
  } else if (answer == KOBJNS_FILE_NOT_FOUND) {
    step(&r,
         "no namespace of that boundary and alias is open anywhere: its creator has not made it, "
         "or closed it (or died) with its last handle, or made it with another alias or "
         "boundary (a SID more or less is another one)");
  } else if (answer == KOBJNS_ACCESS_DENIED && why == KOBJNS_DENIAL_MODE_BITS) {
    step(&r,
         "one is open, but the kernel's mode bits on its directory (made from its descriptor) "
         "keep %s out",
         user);
  } else if (answer == KOBJNS_ACCESS_DENIED) {
    step(&r, "one is open, but its descriptor grants %s nothing", user);
  } else {
    step(&r, "%s", kobjns_strerror(answer));
  }
  if (json) {
    fputs("{\"version\":1,\"namespace\":", stdout);
    cli_json_string(stdout, n->alias);
    fputs(",\"boundary\":", stdout);
    cli_json_string(stdout, n->boundary);
    fputs(",\"sids\":[", stdout);
    for (size_t i = 0; i < n->sid_count; i++) {
      fputs(i ? "," : "", stdout);
      cli_json_string(stdout, n->sids[i]);
    }
    fputs("],\"uid\":", stdout);
    if (uid == UINT32_MAX)
      fputs("null", stdout);
    else
      printf("%u", (unsigned)uid);
    json_steps_and_answer(&r, opened, answer);
    printf(",\"reason\":\"%s\"}\n", reason_word(why));
  } else {
    printf("answer: %s (%d): %s\n", kobjns_status_name(answer), answer, kobjns_strerror(answer));
  }
  for (size_t i = 0; i < r.count; i++) free(r.steps[i]);
  free(r.steps);
  return cli_exit(answer);
}

/* explain's usage: its line in the table of commands, then what ACCESS may be. */
static void usage(FILE *f, const cli_command *self) {
  fprintf(f,
          "usage: kobjns %s\n"
          "  ACCESS: r, w, rw (a section's rights), sync, modify (a mutex's, event's or "
          "semaphore's),\n"
          "  all, or a number such as 0x100002; default r for a section, sync for the others\n"
          "   or: kobjns explain --namespace ALIAS --boundary NAME [--sid SID]... "
          "[--as-user USER] [--json]\n"
          "  whether the private namespace ALIAS of that boundary can be opened, and why not\n",
          self->usage);
}

int cli_cmd_explain(const cli_command *self, int argc, char **argv) {
  static const struct option options[] = {{"session", required_argument, NULL, 's'},
                                          {"access", required_argument, NULL, 'a'},
                                          {"as-user", required_argument, NULL, 'u'},
                                          {"json", no_argument, NULL, 'j'},
                                          {"namespace", required_argument, NULL, 'n'},
                                          {"boundary", required_argument, NULL, 'b'},
                                          {"sid", required_argument, NULL, 'S'},
                                          {"help", no_argument, NULL, 'h'},
                                          {0, 0, 0, 0}};
  namespace_request ns = {0};
  report r = {0};
  cli_session given = {0};
  uint32_t me = cli_self_uid(), uid = me;
  access_request asked = {.text = "r", .family = FOR_SECTIONS};
  int rc;
  for (int c; (c = getopt_long(argc, argv, "", options, NULL)) != -1;) {
    switch (c) {
      case 's':
        if ((rc = cli_parse_session(optarg, &given))) return rc;
        break;
      case 'a':
        if (!parse_access(optarg, &asked))
          return cli_fail("--access is r, w, rw, sync, modify, all or a number",
                          KOBJNS_INVALID_PARAMETER);
        break;
      case 'u':
        if (me == UINT32_MAX)
          return cli_fail("--as-user (Windows: run explain as that user)", KOBJNS_NOT_SUPPORTED);
        if (!cli_parse_user(optarg, &uid))
          return cli_fail("--as-user: no such user", KOBJNS_INVALID_PARAMETER);
        break;
      case 'j': r.json = true; break;
      case 'n': ns.alias = optarg; break;
      case 'b': ns.boundary = optarg; break;
      case 'S':
        if (ns.sid_count == sizeof ns.sids / sizeof ns.sids[0])
          return cli_fail("--sid: at most 32", KOBJNS_INVALID_PARAMETER);
        ns.sids[ns.sid_count++] = optarg;
        break;
      case 'h': usage(stdout, self); return 0;
      default: return cli_exit(KOBJNS_INVALID_PARAMETER);
    }
  }
  bool namespace_mode = ns.alias || ns.boundary || ns.sid_count;
  /* A namespace opens with what its descriptor grants (no --access), in no session. */
  if (namespace_mode ? optind != argc || !ns.alias || !ns.boundary || asked.given || given.given
                     : optind + 1 != argc) {
    usage(stderr, self);
    return cli_exit(KOBJNS_INVALID_PARAMETER);
  }
  uint32_t session = given.id;
  if (!given.given && (rc = kobjns_ctx_session(NULL, &session)))
    return cli_fail("this process's session", rc);
  if (uid != me && me != 0)
    return cli_fail("--as-user another user needs root (explain switches to that user)",
                    KOBJNS_PRIVILEGE_NOT_HELD);
  /* A namespace belongs to no session: asked from this process's (Windows refuses any other). */
  if (namespace_mode) return explain_namespace(&ns, session, uid, r.json);
  const char *name = argv[optind];
  /* The diagnosis runs in-process as a context with that identity; the answer does not. */
  kobjns_ctx *ctx = NULL;
  if ((rc = cli_context(session, uid, &ctx)))
    return cli_fail("acting as that user in that session", rc);
  char user[256];
  if (uid == UINT32_MAX)
    snprintf(user, sizeof user, "this user");
  else
    cli_user_name(uid, user, sizeof user);

  /* What is there decides which open gives the answer (explain is not typed): looked at first,
   * without a word, since the words follow from it. */
  char path[4096] = "";
  size_t path_len = 0;
  int resolved = kobjns_resolve(ctx, name, path, sizeof path, &path_len);
  found f = {0};
  int query = resolved && resolved != KOBJNS_INSUFFICIENT_BUFFER
                  ? resolved
                  : kobjns_object_query(ctx, name, capture, &f);
  /* The type found, unless --access asks for the other family's rights: a program asking for
   * those calls the other open (and gets 6). Nothing there: a section's open, or a mutex's for
   * sync or modify (every open answers the same for a missing name). */
  kobjns_type kind = asked.family == FOR_SYNC ? KOBJNS_TYPE_MUTEX : KOBJNS_TYPE_SECTION;
  if (f.present && openable(f.o.object_type)) { /* an "Object": not known, the default stays */
    kobjns_type held = f.o.object_type;
    if (!asked.given || asked.family == FOR_ANY ||
        (asked.family == FOR_SYNC && held != KOBJNS_TYPE_SECTION))
      kind = held;
  }
  if (!asked.given && kind != KOBJNS_TYPE_SECTION)
    asked = (access_request){.text = "sync", .family = FOR_SYNC};
  unsigned access = access_for(&asked, kind);
  char words_buf[32];
  const char *words = access_words(kind, access, words_buf, sizeof words_buf);
  if (!r.json) {
    printf("kobjns explain: can %s", user);
    if (uid != UINT32_MAX) printf(" (uid %u)", (unsigned)uid);
    char shown_name[1024];
    char as[32] = ""; /* the open of a section is the one explain always made */
    if (kind != KOBJNS_TYPE_SECTION)
      snprintf(as, sizeof as, " as %s %s", article(kobjns_type_name(kind)), kobjns_type_name(kind));
    printf(" in session %u open \"%s\"%s for %s?\n", (unsigned)session,
           cli_printable(name, shown_name, sizeof shown_name), as, words);
  }

  /* 1. Where the name leads. */
  explain_prefix(&r, name, session);
  int answer;
  bool opened = false;
  if (resolved == KOBJNS_INSUFFICIENT_BUFFER) {
    step(&r, "it resolves to a path of %zu bytes", path_len);
    resolved = 0;
    path[0] = '\0';
  }
  if (resolved) {
    explain_resolve_failure(&r, name, resolved);
    answer = resolved;
  } else {
    char shown[1024];
    if (path[0]) step(&r, "so it resolves to %s", cli_printable(path, shown, sizeof shown));
    /* 2. What is there. */
    explain_object(&r, ctx, name, path, session, user, kind, access, &asked, query, &f);
    /* 3. The answer: a real open, except of a stale object (it would be removed). */
    bool stale = f.present && f.o.stale > 0;
    kobjns_denial why = KOBJNS_DENIAL_NONE;
    question q = {
        .name = name, .stale_native = stale ? f.o.native : NULL, .kind = kind, .access = access};
    answer = real_answer(&q, session, uid, &why);
    opened = !stale;
    if (answer == KOBJNS_ACCESS_DENIED && f.present)
      explain_denial(&r, ctx, kind, access, &f.o, why);
  }
  kobjns_ctx_free(ctx);

  if (r.json) {
    fputs("{\"version\":1,\"name\":", stdout);
    cli_json_string(stdout, name);
    printf(",\"session\":%u,\"uid\":", (unsigned)session);
    if (uid == UINT32_MAX)
      fputs("null", stdout);
    else
      printf("%u", (unsigned)uid);
    fputs(",\"access\":", stdout);
    cli_json_string(stdout, asked.text);
    fputs(",\"open_type\":", stdout);
    cli_json_string(stdout, kobjns_type_name(kind));
    fputs(",\"path\":", stdout);
    if (resolved)
      fputs("null", stdout);
    else
      cli_json_string(stdout, path);
    fputs(",\"object\":", stdout);
    if (f.present)
      cli_object_json(stdout, &f.o);
    else
      fputs("null", stdout);
    json_steps_and_answer(&r, opened, answer);
    fputs("}\n", stdout);
  } else {
    printf("answer: %s (%d): %s\n", kobjns_status_name(answer), answer, kobjns_strerror(answer));
  }
  for (size_t i = 0; i < r.count; i++) free(r.steps[i]);
  free(r.steps);
  if (f.present) cli_object_release(&f.o);
  return cli_exit(answer);
}
