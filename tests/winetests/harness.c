/*
 * The harness that runs Wine's conformance tests (kernel32's sync.c and virtual.c, ntdll's om.c)
 * against libkobjns-winapi: kobjns's own code, implementing the API of include/wine/test.h.
 *
 * The driver (run.py) rewrites each test-function call in START_TEST's body into WINETEST_RUN,
 * which calls winetest_begin(): the parent forks, the child runs the one test function under
 * setjmp and exits; the parent waits (with a timeout) and prints one record for it. Counters live
 * in a shared anonymous mapping, so that a child that crashes still has its checks counted.
 * A Win32 function the facade does not have is linked to a generated stub that calls
 * winetest_missing(): in a test function it ends that function ("not run: needs F"); in the
 * START_TEST body itself (set-up) it returns 0 and is reported.
 *
 * Records, one a line on stdout (run.py reads them; the fields are separated by tabs):
 *   FILE name | SETUP function | FAIL call line message | SKIP call line message |
 *   RESULT call passed failed skips how [detail]  (how: done, notrun, crash, timeout, exit)
 */
#define _GNU_SOURCE
#include "wine/test.h"

#include <errno.h>
#include <signal.h>
#include <ucontext.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern const char winetest_file_name[];
void winetest_start(void);
uintptr_t winetest_missing(const char *name);

int winetest_debug = 1;
int winetest_interactive = 0;
const char *winetest_platform = "windows";

struct shared {
    long passed, failed, skips;
    char missing[128];
};
static struct shared *shared;
static int in_child;
static jmp_buf child_jump;
static sigjmp_buf null_call_jump;
static const char *current_call = "START_TEST";
static const char *location_file = "";
static int location_line;
static char *main_argv[3];
static int main_argc = 2;
static char **child_argv; /* a child process a test started with its own arguments (argc >= 3) */
/* A child that met a function the facade lacks exits with this: its parent's
 * wait_child_process then says "not run" rather than "failed". */
#define CHILD_MISSING 77
static char contexts[16][256];
static int context_depth;

void winetest_set_location(const char *file, int line)
{
    location_file = file;
    location_line = line;
}

/* One line of a record's free text: the context prefix, then the message without its newline
 * and with tabs and newlines turned into spaces. */
static void print_message(const char *kind, const char *fmt, va_list ap)
{
    char text[1024];
    int used = 0;
    for (int i = 0; i < context_depth && used < (int)sizeof text; i++)
        used += snprintf(text + used, sizeof text - (size_t)used, "%s: ", contexts[i]);
    if (used < (int)sizeof text)
        vsnprintf(text + used, sizeof text - (size_t)used, fmt, ap);
    for (char *p = text; *p; p++)
        if (*p == '\n' || *p == '\t' || *p == '\r')
            *p = ' ';
    size_t n = strlen(text);
    while (n > 0 && text[n - 1] == ' ')
        text[--n] = '\0';
    printf("%s\t%s\t%d\t%s\n", kind, current_call, location_line, text);
    fflush(stdout);
}

void winetest_ok(int condition, const char *msg, ...)
{
    if (condition) {
        shared->passed++;
        return;
    }
    shared->failed++;
    va_list ap;
    va_start(ap, msg);
    print_message("FAIL", msg, ap);
    va_end(ap);
}

void winetest_skip(const char *msg, ...)
{
    shared->skips++;
    va_list ap;
    va_start(ap, msg);
    print_message("SKIP", msg, ap);
    va_end(ap);
}

/* Wine's own harness counts a win_skip as a failure when the tests run on Wine (which must have
 * every function); on Windows it is a skip, and so it is here. */
void winetest_win_skip(const char *msg, ...)
{
    char text[1024];
    va_list ap;
    va_start(ap, msg);
    vsnprintf(text, sizeof text, msg, ap);
    va_end(ap);
    winetest_skip("%s", text);
}

void winetest_trace(const char *msg, ...)
{
    if (winetest_debug < 2)
        return;
    va_list ap;
    va_start(ap, msg);
    print_message("TRACE", msg, ap);
    va_end(ap);
}

void winetest_push_context(const char *fmt, ...)
{
    if (context_depth < (int)ARRAY_SIZE(contexts)) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(contexts[context_depth], sizeof contexts[0], fmt, ap);
        va_end(ap);
    }
    context_depth++;
}

void winetest_pop_context(void)
{
    if (context_depth > 0)
        context_depth--;
}

int winetest_get_mainargs(char ***pargv)
{
    *pargv = child_argv ? child_argv : main_argv;
    return main_argc;
}

/* As Wine's: the child's exit code is its failure count (or its crash's code). */
void winetest_wait_child_process(HANDLE process)
{
    DWORD code = 0;
    if (WaitForSingleObject(process, 30000) != WAIT_OBJECT_0) {
        winetest_ok(0, "timed out waiting for the child process\n");
        TerminateProcess(process, 1);
        return;
    }
    if (!GetExitCodeProcess(process, &code)) {
        winetest_ok(0, "GetExitCodeProcess failed: %u\n", (unsigned)GetLastError());
        return;
    }
    if (code == CHILD_MISSING) {
        winetest_missing("a function the child process needed (see its SETUP line)");
        return;
    }
    winetest_ok(code == 0, "%u failures in child process\n", (unsigned)code);
}

uintptr_t winetest_missing(const char *name)
{
    if (child_argv) {
        printf("SETUP\t%s (in the child process)\n", name);
        fflush(stdout);
        _exit(CHILD_MISSING);
    }
    if (in_child) {
        snprintf(shared->missing, sizeof shared->missing, "%s", name);
        longjmp(child_jump, 1);
    }
    printf("SETUP\t%s\n", name);
    fflush(stdout);
    return 0;
}

/* A call through a NULL function pointer (a function Wine's test loaded with GetProcAddress and
 * calls without checking it): the fault is at address 0 with the return address on the stack.
 * The instruction before it is `call *disp(%rip)` (the pointer variable's address follows from
 * it) or `call *%reg` after a `mov disp(%rip),%reg`: the pointer variable's address goes in
 * shared->missing as "@0x...", which run.py turns into the variable's name with nm (the
 * executables are linked -no-pie). Otherwise it is a plain crash. */
static void on_segv(int sig, siginfo_t *info, void *context)
{
    ucontext_t *uc = context;
    uintptr_t ip = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
    if (ip == 0 && info->si_addr == NULL) {
        const unsigned char *ret = *(const unsigned char **)uc->uc_mcontext.gregs[REG_RSP];
        uintptr_t var = 0;
        if (ret[-6] == 0xff && ret[-5] == 0x15) {
            int32_t disp;
            memcpy(&disp, ret - 4, 4);
            var = (uintptr_t)ret + (uintptr_t)(intptr_t)disp;
        } else {
            /* Look back a little for the last RIP-relative 64-bit load. */
            for (const unsigned char *p = ret - 7; p > ret - 48; p--)
                if ((p[0] == 0x48 || p[0] == 0x4c) && p[1] == 0x8b && (p[2] & 0xc7) == 0x05) {
                    int32_t disp;
                    memcpy(&disp, p + 3, 4);
                    var = (uintptr_t)(p + 7) + (uintptr_t)(intptr_t)disp;
                    break;
                }
        }
        snprintf(shared->missing, sizeof shared->missing, "@%#lx", (unsigned long)var);
        siglongjmp(null_call_jump, 1);
    }
    if (ip != 0 && *(const unsigned char *)ip == 0x65) {
        /* An access through %gs: Windows' thread block (NtCurrentTeb), which Linux has not. */
        snprintf(shared->missing, sizeof shared->missing, "NtCurrentTeb (the TEB, via %%gs)");
        siglongjmp(null_call_jump, 1);
    }
    signal(sig, SIG_DFL);
    raise(sig);
}

/* GetModuleHandle and GetProcAddress find nothing: Wine's tests then win_skip what they would
 * have loaded dynamically. Weak, so that the facade's own win if it ever has them. */
__attribute__((weak)) HMODULE WINAPI GetModuleHandleA(LPCSTR name)
{
    (void)name;
    SetLastError(ERROR_MOD_NOT_FOUND);
    return NULL;
}

__attribute__((weak)) HMODULE WINAPI GetModuleHandleW(LPCWSTR name)
{
    (void)name;
    SetLastError(ERROR_MOD_NOT_FOUND);
    return NULL;
}

__attribute__((weak)) FARPROC WINAPI GetProcAddress(HMODULE module, LPCSTR name)
{
    (void)module;
    (void)name;
    SetLastError(ERROR_PROC_NOT_FOUND);
    return NULL;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void result(const char *how, const char *detail)
{
    printf("RESULT\t%s\t%ld\t%ld\t%ld\t%s\t%s\n", current_call, shared->passed, shared->failed,
           shared->skips, how, detail);
    fflush(stdout);
}

jmp_buf *winetest_begin(const char *call, int line)
{
    (void)line;
    current_call = call;
    memset(shared, 0, sizeof *shared);
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) {
        result("exit", "fork failed");
        return NULL;
    }
    if (pid == 0) {
        setpgid(0, 0);
        in_child = 1;
        context_depth = 0;
        static char stack[64 * 1024];
        stack_t ss = {.ss_sp = stack, .ss_size = sizeof stack};
        sigaltstack(&ss, NULL);
        struct sigaction sa = {.sa_sigaction = on_segv, .sa_flags = SA_SIGINFO | SA_ONSTACK};
        sigaction(SIGSEGV, &sa, NULL);
        if (sigsetjmp(null_call_jump, 1))
            winetest_end();
        return &child_jump;
    }
    const char *limit_text = getenv("WINETEST_TIMEOUT");
    double limit = limit_text ? atof(limit_text) : 20.0;
    double deadline = now() + limit;
    int status = 0;
    pid_t got;
    while ((got = waitpid(pid, &status, WNOHANG)) == 0 && now() < deadline) {
        struct timespec pause = {0, 5 * 1000 * 1000};
        nanosleep(&pause, NULL);
    }
    char detail[160];
    if (got == 0) {
        kill(-pid, SIGKILL);
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
        snprintf(detail, sizeof detail, "after %.0f s", limit);
        result("timeout", detail);
    } else if (got < 0) {
        snprintf(detail, sizeof detail, "waitpid: %s", strerror(errno));
        result("exit", detail);
    } else if (WIFSIGNALED(status)) {
        snprintf(detail, sizeof detail, "signal %d (%s)", WTERMSIG(status),
                 strsignal(WTERMSIG(status)));
        result("crash", detail);
    } else if (WEXITSTATUS(status) != 0) {
        snprintf(detail, sizeof detail, "exit status %d", WEXITSTATUS(status));
        result("exit", detail);
    } else if (shared->missing[0]) {
        result("notrun", shared->missing);
    } else {
        result("done", "");
    }
    kill(-pid, SIGKILL); /* anything the test function left running in its group */
    current_call = "START_TEST";
    return NULL;
}

void winetest_end(void)
{
    fflush(stdout);
    _exit(0);
}

int main(int argc, char **argv)
{
    (void)argc;
    main_argv[0] = argv[0];
    main_argv[1] = (char *)winetest_file_name;
    if (argc >= 3) { /* a test's child process: START_TEST runs its child branch */
        main_argc = argc;
        child_argv = argv;
    }
    const char *debug = getenv("WINETEST_DEBUG");
    if (debug)
        winetest_debug = atoi(debug);
    shared = mmap(NULL, sizeof *shared, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (shared == MAP_FAILED) {
        perror("mmap");
        return 1;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (child_argv) {
        winetest_start();
        fflush(stdout);
        return shared->failed > 255 ? 255 : (int)shared->failed;
    }
    printf("FILE\t%s\n", winetest_file_name);
    winetest_start();
    printf("END\t%s\n", winetest_file_name);
    return 0;
}

/* Debug strings. */
static char *ring_buffer(void)
{
    static char ring[8][1024];
    static unsigned next;
    return ring[next++ % 8];
}

const char *wine_dbg_sprintf(const char *fmt, ...)
{
    char *buf = ring_buffer();
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, 1024, fmt, ap);
    va_end(ap);
    return buf;
}

const char *wine_dbgstr_wn(const WCHAR *s, int n)
{
    if (!s)
        return "(null)";
    char *buf = ring_buffer();
    size_t used = 0;
    buf[used++] = 'L';
    buf[used++] = '"';
    for (int i = 0; (n < 0 ? s[i] != 0 : i < n) && used < 1000; i++) {
        WCHAR c = s[i];
        if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\')
            buf[used++] = (char)c;
        else
            used += (size_t)snprintf(buf + used, 1024 - used, "\\x%04x", c);
    }
    buf[used++] = '"';
    buf[used] = '\0';
    return buf;
}

const char *wine_dbgstr_an(const char *s, int n)
{
    if (!s)
        return "(null)";
    char *buf = ring_buffer();
    if (n < 0)
        snprintf(buf, 1024, "\"%.1000s\"", s);
    else
        snprintf(buf, 1024, "\"%.*s\"", n > 1000 ? 1000 : n, s);
    return buf;
}

/* 16-bit wide strings. */
size_t winetest_wcslen(const WCHAR *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

int winetest_wcsncmp(const WCHAR *a, const WCHAR *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (a[i] != b[i])
            return a[i] < b[i] ? -1 : 1;
        if (!a[i])
            return 0;
    }
    return 0;
}

int winetest_wcscmp(const WCHAR *a, const WCHAR *b)
{
    return winetest_wcsncmp(a, b, SIZE_MAX);
}

static WCHAR lower(WCHAR c)
{
    return c >= 'A' && c <= 'Z' ? (WCHAR)(c + 32) : c;
}

int winetest_wcsicmp(const WCHAR *a, const WCHAR *b)
{
    for (size_t i = 0;; i++) {
        WCHAR x = lower(a[i]), y = lower(b[i]);
        if (x != y)
            return x < y ? -1 : 1;
        if (!x)
            return 0;
    }
}

WCHAR *winetest_wcscpy(WCHAR *d, const WCHAR *s)
{
    size_t i = 0;
    do
        d[i] = s[i];
    while (s[i++]);
    return d;
}

WCHAR *winetest_wcscat(WCHAR *d, const WCHAR *s)
{
    winetest_wcscpy(d + winetest_wcslen(d), s);
    return d;
}

WCHAR *winetest_wcschr(const WCHAR *s, WCHAR c)
{
    for (;; s++) {
        if (*s == c)
            return (WCHAR *)s;
        if (!*s)
            return NULL;
    }
}

WCHAR *winetest_wcsrchr(const WCHAR *s, WCHAR c)
{
    const WCHAR *found = NULL;
    for (;; s++) {
        if (*s == c)
            found = s;
        if (!*s)
            return (WCHAR *)found;
    }
}
