/* POSIX processes as kernel objects. A process handle's object is an unnamed page, as a thread's
 * (sync.c: a manual-reset event only the end sets); what the handles of one process share is its
 * record here: its id, the platform's handle of it (a pidfd), whether this process started it
 * (then its exit status is ours to collect), and the pages to signal when it ends. One thread
 * per process (the watcher, started with the first record) polls the records' handles and, when
 * one ends, takes its exit status and signals its pages, so that waits on process handles are
 * waits on pages like every other.
 *
 * Starting one: the program is found as Windows finds it, the command line split as Microsoft's
 * C runtime splits it (so the child's main() sees what it would on Windows), inherited handles
 * passed as descriptors the child keeps, and the list of them in its environment. */
#include "object.h"
#include "platform.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* --- records and the watcher ------------------------------------------------------------------ */

struct kobjns__process {
  long pid;
  int fd;          /* the platform's handle of it; -1 once it ended, or where there is none */
  bool child;      /* started by this process: its exit status is ours */
  bool ended;      /* its pages are signaled */
  bool code_known; /* `code` is its exit code */
  bool kill_sent;  /* kobjns_process_terminate sent SIGKILL, meaning `kill_code` */
  bool detached;   /* a child every handle of which is closed: kept until collected */
  uint32_t code;   /* its exit code, once ended and known */
  uint32_t kill_code;
  int resume;                      /* a suspended child's gate (kobjns__plat_spawn), or -1 */
  struct kobjns__sync_map **pages; /* one per handle, held; signaled at its end */
  size_t npages, capacity;
  unsigned refs; /* one per handle (process or first thread) */
  bool listed;
  struct kobjns__process *next;
};
typedef struct kobjns__process record;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static record *records;        /* listed records, under `lock` */
static int wake[2] = {-1, -1}; /* the watcher's self-pipe (non-blocking) */
static pthread_t watcher;
static bool watching;   /* the watcher runs (under `lock`) */
static bool quitting;   /* the library's unload asked the watcher to end (under `lock`) */
static int watcher_pid; /* the process it runs in: a fork()ed child has none */

/* Exit codes for deaths by signal, Windows' codes for what it ends a process with. A process
 * this one terminated has the code it was given; any other signal: 1. */
static const struct {
  int signal;
  uint32_t code;
} signal_codes[] = {
    {SIGSEGV, 0xC0000005u},                        /* STATUS_ACCESS_VIOLATION */
    {SIGBUS, 0xC0000005u},  {SIGILL, 0xC000001Du}, /* STATUS_ILLEGAL_INSTRUCTION */
    {SIGFPE, 0xC0000094u},                         /* STATUS_INTEGER_DIVIDE_BY_ZERO */
    {SIGABRT, 3u},                                 /* abort() in Microsoft's C runtime */
    {SIGINT, 0xC000013Au},                         /* STATUS_CONTROL_C_EXIT */
    {SIGTERM, 0xC000013Au}, {SIGHUP, 0xC000013Au},
};

static uint32_t code_of_signal(const record *r, int signal) {
  if (signal == SIGKILL && r->kill_sent) return r->kill_code;
  for (size_t i = 0; i < sizeof signal_codes / sizeof signal_codes[0]; i++)
    if (signal_codes[i].signal == signal) return signal_codes[i].code;
  return 1;
}

/* How often a process without a process handle is looked at. */
#define POLL_MS 10

/* A full pipe already wakes the watcher: a byte that does not fit is not needed. */
static void wake_watcher(void) {
  char byte = 0;
  if (wake[1] >= 0) (void)!write(wake[1], &byte, 1);
}

/* A child's end, collected by id (no process handle, or a kernel whose waitid cannot take one):
 * 0 with the status, EAGAIN while it runs, ECHILD when someone else collected it. */
static int reap_by_id(long pid, int *code, int *signal) {
  int status;
  pid_t got = waitpid((pid_t)pid, &status, WNOHANG);
  if (got == 0) return EAGAIN;
  if (got < 0) return errno;
  *code = WIFEXITED(status) ? WEXITSTATUS(status) : 0;
  *signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
  return 0;
}

/* The record has ended (under `lock`): its code, then its pages, in that order, so that a wait
 * that returns finds the code. Nothing happens while it runs. */
static void finish(record *r) {
  if (r->ended) return;
  int code = 0, signal = 0, err = 0;
  if (r->child && r->fd >= 0) {
    err = kobjns__plat_process_reap(r->fd, &code, &signal);
    if (err == ECHILD) err = reap_by_id(r->pid, &code, &signal); /* Linux 5.3: no P_PIDFD */
  } else if (r->child) {
    err = reap_by_id(r->pid, &code, &signal); /* its id stays ours until we collect it */
  } else if (r->fd < 0) {
    err = kill((pid_t)r->pid, 0) < 0 && errno == ESRCH ? ECHILD : EAGAIN;
  }
  if (err == EAGAIN) return;
  if (r->child && !err) {
    r->code = signal ? code_of_signal(r, signal) : (uint32_t)code;
    r->code_known = true;
  }
  r->ended = true;
  if (r->fd >= 0) close(r->fd);
  r->fd = -1;
  if (r->resume >= 0) close(r->resume);
  r->resume = -1;
  for (size_t i = 0; i < r->npages; i++)
    kobjns__sync_thread_end(r->pages[i], r->code_known ? r->code : 0);
}

static void record_free(record *r) {
  if (r->fd >= 0) close(r->fd);
  if (r->resume >= 0) close(r->resume); /* a child never resumed ends (its gate closed) */
  for (size_t i = 0; i < r->npages; i++) kobjns__sync_map_drop(r->pages[i]);
  free(r->pages);
  free(r);
}

static void unlist(record *r) {
  for (record **link = &records; *link; link = &(*link)->next)
    if (*link == r) {
      *link = r->next;
      break;
    }
  r->listed = false;
}

/* Look at every record (under `lock`): finish the ended, free the detached ones collected. */
static void look(void) {
  for (record *r = records, *next; r; r = next) {
    next = r->next;
    if (!r->ended) {
      if (r->fd < 0) {
        finish(r); /* polled */
      } else {
        /* Looked at with the lock held: a descriptor polled before may have been closed and its
         * number reused since. */
        struct pollfd one = {.fd = r->fd, .events = POLLIN};
        if (poll(&one, 1, 0) == 1) finish(r);
      }
    }
    if (r->detached && r->ended) {
      unlist(r);
      record_free(r);
    }
  }
}

/* The watcher's poll set (the watcher's alone; static, so that a fork()ed child, which has no
 * watcher, still reaches it). */
static struct pollfd *watch_fds;
static size_t watch_capacity;

static void *watch(void *arg) {
  (void)arg;
  for (;;) {
    pthread_mutex_lock(&lock);
    if (quitting) {
      pthread_mutex_unlock(&lock);
      break;
    }
    size_t n = 1;
    bool polled = false; /* records without a process handle: looked at every POLL_MS */
    for (record *r = records; r; r = r->next) {
      n += !r->ended && r->fd >= 0;
      polled = polled || (!r->ended && r->fd < 0);
    }
    if (n > watch_capacity) {
      struct pollfd *more = realloc(watch_fds, n * sizeof *watch_fds);
      if (more) {
        watch_fds = more;
        watch_capacity = n;
      }
    }
    size_t used = 0;
    if (watch_fds) {
      watch_fds[used++] = (struct pollfd){.fd = wake[0], .events = POLLIN};
      for (record *r = records; r && used < watch_capacity; r = r->next)
        if (!r->ended && r->fd >= 0)
          watch_fds[used++] = (struct pollfd){.fd = r->fd, .events = POLLIN};
    }
    pthread_mutex_unlock(&lock);
    if (!used) { /* no memory: look again soon */
      usleep(POLL_MS * 1000);
    } else if (poll(watch_fds, (nfds_t)used, used < n || polled ? POLL_MS : -1) > 0 &&
               watch_fds[0].revents) {
      char buf[64];
      while (read(wake[0], buf, sizeof buf) > 0) continue; /* drained: non-blocking */
    }
    pthread_mutex_lock(&lock);
    look();
    pthread_mutex_unlock(&lock);
  }
  free(watch_fds);
  watch_fds = NULL;
  watch_capacity = 0;
  return NULL;
}

/* Start the watcher if this process has none (under `lock`): 0, or a status. */
static int watcher_running(void) {
  if (watching && watcher_pid == kobjns__pid()) return 0;
  int err = wake[0] < 0 ? kobjns__plat_pipe(wake) : 0;
  if (err) return kobjns__status_from_errno(err);
  for (int i = 0; i < 2; i++) (void)fcntl(wake[i], F_SETFL, O_NONBLOCK);
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old); /* the program's signals are not its business */
  quitting = false;
  err = pthread_create(&watcher, NULL, watch, NULL);
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  if (err) return err == EAGAIN ? KOBJNS_NO_SYSTEM_RESOURCES : kobjns__status_from_errno(err);
  watching = true;
  watcher_pid = kobjns__pid();
  return 0;
}

/* fork(): the child has no watcher, and the records are its parent's (the parent keeps watching
 * them and signals the pages both share). */
static void in_child(void) {
  pthread_mutex_init(&lock, NULL);
  for (record *r = records; r; r = r->next) /* a held child's gate is its creator's alone */
    if (r->resume >= 0) {
      close(r->resume);
      r->resume = -1;
    }
  records = NULL;
  watching = false;
  for (int i = 0; i < 2; i++)
    if (wake[i] >= 0) close(wake[i]); /* the parent's watcher's: of no use here */
  wake[0] = wake[1] = -1;
}
static void before_fork(void) { pthread_mutex_lock(&lock); }
static void in_parent(void) { pthread_mutex_unlock(&lock); }
void kobjns__processes_fork_handlers(void) { pthread_atfork(before_fork, in_parent, in_child); }

void kobjns__processes_release(void) {
  pthread_mutex_lock(&lock);
  bool join = watching && watcher_pid == kobjns__pid();
  watching = false;
  quitting = true;
  if (join) wake_watcher();
  pthread_mutex_unlock(&lock);
  if (join) pthread_join(watcher, NULL);
}

static record *record_new(long pid, int fd, bool child) {
  record *r = calloc(1, sizeof *r);
  if (!r) return NULL;
  *r = (record){.pid = pid, .fd = fd, .child = child, .resume = -1, .refs = 0};
  return r;
}

/* Give handle `o` a page entry in `r` (under `lock`): 0 or 8. Each handle has its own entry
 * (duplicates share a map: one entry each), taken out at its close. */
static int add_page(record *r, kobjns__object *o) {
  if (r->npages == r->capacity) {
    size_t capacity = r->capacity ? r->capacity * 2 : 4;
    struct kobjns__sync_map **pages = realloc(r->pages, capacity * sizeof *pages);
    if (!pages) return KOBJNS_NOT_ENOUGH_MEMORY;
    r->pages = pages;
    r->capacity = capacity;
  }
  kobjns__sync_map_hold(o->os.map);
  r->pages[r->npages++] = o->os.map;
  if (r->ended) kobjns__sync_thread_end(o->os.map, r->code_known ? r->code : 0);
  r->refs++;
  o->os.process = r;
  return 0;
}

/* List `r` and have it watched (under `lock`). */
static int watch_record(record *r) {
  int rc = watcher_running();
  if (rc) return rc;
  r->next = records;
  records = r;
  r->listed = true;
  wake_watcher();
  return 0;
}

/* Drop handle `o`'s entry in its record; the last handle's close frees the record, or, for a
 * child still running, leaves it to the watcher to collect (no zombie is left behind). */
static void record_put(kobjns__object *o) {
  record *r = o->os.process;
  struct kobjns__sync_map *page = NULL;
  pthread_mutex_lock(&lock);
  for (size_t i = 0; i < r->npages; i++)
    if (r->pages[i] == o->os.map) {
      page = r->pages[i];
      r->pages[i] = r->pages[--r->npages];
      break;
    }
  bool last = --r->refs == 0, keep = false;
  if (last && r->listed) {
    if (r->child && !r->ended && watcher_pid == kobjns__pid()) {
      r->detached = keep = true;
      if (r->resume >= 0) { /* never resumed: it ends (its gate closes, and, should a fork()
                               elsewhere keep a copy of the gate, it is killed) */
        close(r->resume);
        r->resume = -1;
        if (r->fd >= 0) kobjns__plat_process_signal(r->fd, SIGKILL);
      }
    } else {
      unlist(r);
    }
    wake_watcher();
  }
  pthread_mutex_unlock(&lock);
  if (page) kobjns__sync_map_drop(page);
  if (last && !keep) record_free(r);
}

/* --- the typed object (sync.c's table: an event's page, and the record) ------------------------
 */

int kobjns__process_init(int fd, uint32_t header_size, const kobjns__create_args *a,
                         kobjns__object *o) {
  o->os.process = NULL; /* the start or open fills it */
  return kobjns__posix_event.init(fd, header_size, a, o);
}

void kobjns__process_release(kobjns__object *o) {
  if (o->os.process) record_put(o);
  o->os.process = NULL;
  kobjns__posix_event.release(o);
}

void kobjns__process_share(kobjns__object *to, kobjns__object *from, bool move) {
  (void)move;
  to->os.map = from->os.map;
  kobjns__sync_map_hold(to->os.map);
  to->os.process = NULL;
  if (from->os.process) {
    pthread_mutex_lock(&lock);
    /* No memory for its entry: the duplicate's page is the original's, signaled all the same
     * while the original lives; it then just counts as a holder. */
    if (add_page(from->os.process, to)) {
      from->os.process->refs++;
      to->os.process = from->os.process;
    }
    pthread_mutex_unlock(&lock);
  }
}

/* --- another process's first thread (thread.c asks) ------------------------------------------- */

int kobjns__process_thread_resume(kobjns__object *o, uint32_t *previous) {
  record *r = o->os.process;
  pthread_mutex_lock(&lock);
  *previous = r && r->resume >= 0 ? 1 : 0;
  int rc = 0;
  if (*previous) {
    /* A child that died meanwhile has closed its end: EPIPE, never SIGPIPE; it has ended. */
    int err = kobjns__write_quietly(r->resume, "", 1);
    if (err && err != EPIPE) rc = kobjns__status_from_errno(err);
    close(r->resume);
    r->resume = -1;
  }
  pthread_mutex_unlock(&lock);
  return rc;
}

void kobjns__process_thread_query(kobjns__object *o, uint32_t *exit_code, uint32_t *id) {
  record *r = o->os.process;
  pthread_mutex_lock(&lock);
  *exit_code = !r || !r->ended ? KOBJNS_STILL_ACTIVE : r->code_known ? r->code : 0;
  *id = r ? kobjns__plat_first_thread_id(r->pid) : 0;
  pthread_mutex_unlock(&lock);
}

/* --- the backend contract --------------------------------------------------------------------- */

int kobjns__os_process_query(kobjns__object *o, uint32_t *exit_code, uint32_t *pid) {
  record *r = o->os.process;
  pthread_mutex_lock(&lock);
  int rc = 0;
  *pid = (uint32_t)r->pid;
  if (!r->ended)
    *exit_code = KOBJNS_STILL_ACTIVE;
  else if (r->code_known)
    *exit_code = r->code;
  else
    rc = KOBJNS_NOT_SUPPORTED; /* not our child: the kernel keeps its status from us */
  pthread_mutex_unlock(&lock);
  return rc;
}

int kobjns__os_process_terminate(kobjns__object *o, uint32_t code) {
  record *r = o->os.process;
  if (r->pid == (long)getpid()) _exit((int)code); /* ourselves: at once, with the code */
  pthread_mutex_lock(&lock);
  int rc = KOBJNS_ACCESS_DENIED; /* ended: Windows' answer */
  if (!r->ended) {
    bool was = r->kill_sent;
    if (!was) r->kill_code = code;
    r->kill_sent = true;
    /* Without a process handle: by id (a child of ours keeps its id until we collect it). */
    int err = r->fd >= 0                         ? kobjns__plat_process_signal(r->fd, SIGKILL)
              : kill((pid_t)r->pid, SIGKILL) < 0 ? errno
                                                 : 0;
    if (err == ESRCH)
      rc = 0; /* it is ending on its own: its own code stands */
    else if (err) {
      r->kill_sent = was;
      rc = err == EPERM ? KOBJNS_ACCESS_DENIED : kobjns__status_from_errno(err);
    } else {
      rc = 0;
    }
  }
  pthread_mutex_unlock(&lock);
  return rc;
}

int kobjns__process_pidfd(kobjns__object *o, long *pid) {
  record *r = o->os.process;
  pthread_mutex_lock(&lock);
  int fd = -1, err = ENOTSUP;
  if (r && r->ended)
    err = ESRCH;
  else if (r && r->fd >= 0)
    fd = fcntl(r->fd, F_DUPFD_CLOEXEC, 3), err = errno;
  if (r) *pid = r->pid;
  pthread_mutex_unlock(&lock);
  if (fd < 0) errno = err;
  return fd;
}

uint32_t kobjns__os_current_process_id(void) { return (uint32_t)getpid(); }

uint32_t kobjns__os_parent_process_id(void) { return (uint32_t)getppid(); }

/* Rights another process's handle may have without the kernel's leave to signal it. */
#define SEE_RIGHTS                                                                                 \
  (KOBJNS__SYNCHRONIZE | KOBJNS__READ_CONTROL | KOBJNS__PROCESS_QUERY_INFORMATION |                \
   KOBJNS__PROCESS_QUERY_LIMITED_INFORMATION)

int kobjns__os_process_open(uint32_t pid, unsigned access, kobjns__object *o) {
  if (pid > INT_MAX) return KOBJNS_INVALID_PARAMETER;
  /* A process we may not signal is another user's: only seeing it is allowed (kill(2)'s rule is
   * the kernel's, as Windows' process DACL is). */
  if ((access & ~SEE_RIGHTS) && kill((pid_t)pid, 0) < 0)
    return errno == ESRCH ? KOBJNS_INVALID_PARAMETER : KOBJNS_ACCESS_DENIED;
  pthread_mutex_lock(&lock);
  /* A child of ours still watched: the same record (its exit status is ours to tell). */
  record *r = NULL;
  if (watching && watcher_pid == kobjns__pid())
    for (record *x = records; x && !r; x = x->next)
      if (x->pid == (long)pid && x->child && !x->detached) r = x;
  int rc = 0;
  if (r) {
    rc = add_page(r, o);
    pthread_mutex_unlock(&lock);
    return rc;
  }
  pthread_mutex_unlock(&lock);
  int fd;
  int err = kobjns__plat_process_handle(pid, &fd);
  if (err == ENOTSUP) { /* polled by id: it must exist now */
    fd = -1;
    err = kill((pid_t)pid, 0) < 0 && errno == ESRCH ? ESRCH : 0;
  }
  if (err) return err == ESRCH ? KOBJNS_INVALID_PARAMETER : kobjns__status_from_errno(err);
  r = record_new(pid, fd, false);
  if (!r) {
    if (fd >= 0) close(fd);
    return KOBJNS_NOT_ENOUGH_MEMORY;
  }
  pthread_mutex_lock(&lock);
  rc = add_page(r, o);
  if (!rc) rc = watch_record(r);
  pthread_mutex_unlock(&lock);
  if (rc) {
    o->os.process = NULL;
    record_free(r); /* not listed: nobody else has it */
  }
  return rc;
}

/* --- finding the program ---------------------------------------------------------------------- */

static char *join(const char *dir, const char *name) {
  size_t a = strlen(dir), b = strlen(name);
  char *s = malloc(a + b + 2);
  if (!s) return NULL;
  memcpy(s, dir, a);
  s[a] = '/';
  memcpy(s + a + 1, name, b + 1);
  return s;
}

static bool ends_with_exe(const char *s) {
  size_t n = strlen(s);
  return n > 4 && s[n - 4] == '.' && (s[n - 3] | 32) == 'e' && (s[n - 2] | 32) == 'x' &&
         (s[n - 1] | 32) == 'e';
}

/* Whether `path` names a program: 0 (*path kept), 2 (nothing there), 5 (there, not runnable);
 * a missing "x.exe" is tried as "x" (in place). */
static int probe(char *path) {
  struct stat st;
  if (stat(path, &st) < 0 && ends_with_exe(path)) {
    path[strlen(path) - 4] = '\0';
    if (stat(path, &st) < 0) {
      strcat(path, ".exe"); /* the room is there: it was cut from it */
      return KOBJNS_FILE_NOT_FOUND;
    }
  } else if (stat(path, &st) < 0) {
    return errno == EACCES ? KOBJNS_ACCESS_DENIED : KOBJNS_FILE_NOT_FOUND;
  }
  if (S_ISDIR(st.st_mode)) return KOBJNS_ACCESS_DENIED; /* as Windows answers a directory */
  return access(path, X_OK) == 0 ? 0 : KOBJNS_ACCESS_DENIED;
}

/* lpApplicationName: `name` as it is (a bare name is in the current directory; "x.exe" may be
 * "x"), never searched for. 0 with *out, 2, 5, 8. */
static int find_program_at(const char *name, char **out) {
  size_t len = strlen(name);
  char *path = malloc(len + 3);
  if (!path) return KOBJNS_NOT_ENOUGH_MEMORY;
  bool bare = !strpbrk(name, "/\\");
  snprintf(path, len + 3, "%s%s", bare ? "./" : "", name);
  for (char *p = path; *p; p++)
    if (*p == '\\') *p = '/';
  int rc = probe(path);
  if (rc) {
    free(path);
    return rc;
  }
  *out = path;
  return 0;
}

/* The program `name` (a Windows or POSIX path, or a bare name) as Windows looks for it: a path
 * as it is (relative to our directory), a bare name in our program's directory, the current
 * directory, then PATH. 0 with *out (malloc'd), 2, 5, 8. */
static int find_program(const char *name, char **out) {
  char *copy = strdup(name);
  if (!copy) return KOBJNS_NOT_ENOUGH_MEMORY;
  bool bare = true;
  for (char *p = copy; *p; p++)
    if (*p == '\\' || *p == '/') {
      *p = '/';
      bare = false;
    }
  if (!bare) {
    int rc = probe(copy);
    if (rc) {
      free(copy);
      return rc;
    }
    *out = copy;
    return 0;
  }
  char here[PATH_MAX];
  const char *path = getenv("PATH");
  size_t path_len = path ? strlen(path) : 0;
  char *dirs = malloc(2 * PATH_MAX + 4 + path_len);
  if (!dirs) {
    free(copy);
    return KOBJNS_NOT_ENOUGH_MEMORY;
  }
  /* A ':'-separated list: the program's directory, ".", then PATH. */
  size_t at = 0;
  if (kobjns__plat_program_dir(here, sizeof here) == 0) {
    memcpy(dirs, here, strlen(here));
    at = strlen(here);
    dirs[at++] = ':';
  }
  dirs[at++] = '.';
  if (path_len) {
    dirs[at++] = ':';
    memcpy(dirs + at, path, path_len);
    at += path_len;
  }
  dirs[at] = '\0';
  int best = KOBJNS_FILE_NOT_FOUND;
  for (char *dir = dirs, *next; dir; dir = next) {
    next = strchr(dir, ':');
    if (next) *next++ = '\0';
    char *candidate = join(*dir ? dir : ".", copy);
    if (!candidate) {
      best = KOBJNS_NOT_ENOUGH_MEMORY;
      break;
    }
    int rc = probe(candidate);
    if (rc == 0) {
      free(dirs);
      free(copy);
      *out = candidate;
      return 0;
    }
    if (rc == KOBJNS_ACCESS_DENIED) best = rc; /* found, not runnable: unless another is */
    free(candidate);
  }
  free(dirs);
  free(copy);
  return best;
}

/* The program of command line `line` when no application is named: its first word; unquoted,
 * with spaces in it, Windows tries each longer stretch up to a space ("c:\program files\a b"
 * is "c:\program", then "c:\program files\a", ...). */
static int program_of_line(const char *line, const char *first_word, char **out) {
  if (line[0] == '"' || !strpbrk(line, " \t")) return find_program(first_word, out);
  size_t len = strlen(line);
  char *prefix = malloc(len + 1);
  if (!prefix) return KOBJNS_NOT_ENOUGH_MEMORY;
  int best = KOBJNS_FILE_NOT_FOUND;
  for (size_t i = 0; i <= len; i++) {
    if (i < len && line[i] != ' ' && line[i] != '\t') continue;
    memcpy(prefix, line, i);
    prefix[i] = '\0';
    if (!i) continue;
    int rc = find_program(prefix, out);
    if (rc == 0 || rc == KOBJNS_NOT_ENOUGH_MEMORY) {
      free(prefix);
      return rc;
    }
    if (rc == KOBJNS_ACCESS_DENIED) best = rc;
  }
  free(prefix);
  return best;
}

/* --- starting one ------------------------------------------------------------------------------
 */

/* `block` (a Windows environment block, or NULL: ours), less any list of inherited handles, plus
 * `extra` (may be NULL): pointers into both. */
static char **child_environment(const char *block, const char *extra) {
  size_t n = 0;
  if (block)
    for (const char *p = block; *p; p += strlen(p) + 1) n++;
  else
    while (environ && environ[n]) n++;
  char **env = malloc((n + 2) * sizeof *env);
  if (!env) return NULL;
  size_t k = 0, var = strlen(KOBJNS__INHERITED_VAR);
  const char *p = block;
  for (size_t i = 0; i < n; i++) {
    const char *entry = block ? p : environ[i];
    if (block) p += strlen(p) + 1;
    if (strncmp(entry, KOBJNS__INHERITED_VAR, var) != 0 || entry[var] != '=')
      env[k++] = (char *)entry;
  }
  if (extra) env[k++] = (char *)extra;
  env[k] = NULL;
  return env;
}

static int status_of_spawn(int err) {
  switch (err) {
    case ENOENT: return KOBJNS_FILE_NOT_FOUND;
    case ENOEXEC: return KOBJNS_BAD_EXE_FORMAT;
    case EACCES:
    case EPERM: return KOBJNS_ACCESS_DENIED;
    case ENOTDIR: return KOBJNS_DIRECTORY;
    case EAGAIN: return KOBJNS_NO_SYSTEM_RESOURCES;
    default: return kobjns__status_from_errno(err);
  }
}

int kobjns__os_process_spawn(const kobjns__spawn_args *a, kobjns__object *process,
                             kobjns__object *thread, uint32_t *pid, uint32_t *tid) {
  const kobjns_process_start *s = a->start;
  if (s->directory) {
    struct stat st;
    if (stat(s->directory, &st) < 0 || !S_ISDIR(st.st_mode)) return KOBJNS_DIRECTORY;
  }
  char **argv = NULL, *program = NULL, **env = NULL;
  int *keep = NULL, argc = 0, rc;
  if (!s->command_line || (!s->command_line[0] && s->application)) {
    /* The application alone: its path is argv[0], whatever spaces it has. */
    size_t len = strlen(s->application) + 1;
    if (!(argv = malloc(2 * sizeof *argv + len))) return KOBJNS_NOT_ENOUGH_MEMORY;
    argv[0] = memcpy((char *)(argv + 2), s->application, len);
    argv[1] = NULL;
  } else if ((rc = kobjns__command_line_split(s->command_line, &argv, &argc))) {
    return rc;
  }
  /* lpApplicationName is never searched for: a path from the current directory. */
  rc = s->application ? find_program_at(s->application, &program)
                      : program_of_line(s->command_line, argv[0], &program);
  if (rc) goto out;
  /* A relative path is ours, not the child's directory's: made absolute first. */
  if (program[0] != '/' && s->directory) {
    char *absolute = realpath(program, NULL);
    if (!absolute) {
      rc = kobjns__status_from_errno(errno);
      goto out;
    }
    free(program);
    program = absolute;
  }
  env = child_environment(s->environment, a->env);
  keep = malloc((2 * a->count + 1) * sizeof *keep);
  if (!env || !keep) {
    rc = KOBJNS_NOT_ENOUGH_MEMORY;
    goto out;
  }
  size_t nkeep = 0; /* each copy's descriptor, and its lock's own where it has one */
  for (size_t i = 0; i < a->count; i++) {
    keep[nkeep++] = (int)(uint32_t)a->inherited[i].copy;
    if (a->inherited[i].copy >> 32) keep[nkeep++] = (int)(a->inherited[i].copy >> 32) - 1;
  }
  record *r = record_new(0, -1, true);
  if (!r) {
    rc = KOBJNS_NOT_ENOUGH_MEMORY;
    goto out;
  }
  bool held = s->flags & KOBJNS_PROCESS_SUSPENDED;
  long child = 0;
  int std_fds[3];
  for (int i = 0; i < 3; i++) std_fds[i] = a->std[i] ? a->std[i]->os.hold.fd : -1;
  int err = kobjns__plat_spawn(program, argv, env, s->directory, std_fds, keep, nkeep,
                               held ? &r->resume : NULL, &child);
  if (err) {
    free(r);
    rc = status_of_spawn(err);
    goto out;
  }
  r->pid = child;
  /* Without a process handle (none on this system, or gone already and reaped by the system
   * because SIGCHLD is ignored) it is polled: finish() tells. A handle of a process that is not
   * our child is another process that took the id (ours was collected by someone else in
   * between): dropped, so that nothing is ever done to it. */
  if (kobjns__plat_process_handle(child, &r->fd)) r->fd = -1;
  if (r->fd >= 0 && !kobjns__plat_process_is_child(r->fd)) {
    close(r->fd);
    r->fd = -1;
    r->ended = true;
  }
  pthread_mutex_lock(&lock);
  rc = add_page(r, process);
  if (!rc) rc = add_page(r, thread);
  if (!rc && !r->ended) rc = watch_record(r);
  pthread_mutex_unlock(&lock);
  if (rc) {
    /* It runs (or waits for a resume that will not come): it is ended and collected, not left
     * behind. The record is not listed: nobody else has it. */
    if (!r->ended) {
      if (r->fd >= 0)
        kobjns__plat_process_signal(r->fd, SIGKILL);
      else
        kill((pid_t)child, SIGKILL);
      while (waitpid((pid_t)child, NULL, 0) < 0 && errno == EINTR) continue;
    }
    process->os.process = thread->os.process = NULL;
    record_free(r);
    goto out;
  }
  *pid = (uint32_t)child;
  *tid = kobjns__plat_first_thread_id(child);
out:
  free(keep);
  free(env);
  free(program);
  free(argv);
  return rc;
}

/* --- inheritance ------------------------------------------------------------------------------ */

void kobjns__os_inherit_drop(uint64_t copy) {
  close((int)(uint32_t)copy);
  if (copy >> 32) close((int)(copy >> 32) - 1);
}

bool kobjns__os_inherit_handed(uint64_t copy) {
  int fd = (int)(uint32_t)copy, lock_fd = (int)(copy >> 32) - 1;
  int flags = fd >= 3 ? fcntl(fd, F_GETFD) : -1;
  if (flags < 0 || (flags & FD_CLOEXEC)) return false;
  if (lock_fd < 0) return lock_fd == -1;
  flags = lock_fd >= 3 && lock_fd != fd ? fcntl(lock_fd, F_GETFD) : -1;
  return flags >= 0 && !(flags & FD_CLOEXEC);
}

char *kobjns__os_inherited_take(void) {
  const char *v = getenv(KOBJNS__INHERITED_VAR);
  /* A set-user-ID program's environment is its caller's: descriptors it names are not given. */
  char *copy = v && !kobjns__plat_secure_exec() ? strdup(v) : NULL;
  if (v) unsetenv(KOBJNS__INHERITED_VAR); /* for this process alone */
  return copy;
}
