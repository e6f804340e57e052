/* The harness's own test (kobjns's code, in Wine's test style): one test function for each way
 * a test function can end, so that run.py can check that the harness counts and names each
 * exactly (SELFTEST in run.py). Built and run like Wine's files, before them. */
#include <stdio.h>
#include <windef.h>
#include <winbase.h>
#include "wine/test.h"

static void (WINAPI *pNotThere)(void);

static void test_pass(void)
{
    HANDLE event = CreateEventA(NULL, TRUE, FALSE, NULL);
    ok(event != NULL, "CreateEventA failed: %lu\n", GetLastError());
    todo_wine ok(WaitForSingleObject(event, 0) == WAIT_TIMEOUT, "not signaled\n");
    ok(!broken(1), "broken() is false\n");
    CloseHandle(event);
}

static void test_fail(void)
{
    winetest_push_context("ctx %d", 1);
    ok(0, "a failure\n");
    winetest_pop_context();
    ok(1, "a pass\n");
}

static void test_missing(void)
{
    ok(1, "before\n");
    InitializeSListHead(NULL);
    ok(0, "never reached\n");
}

static void test_null_pointer(void)
{
    ok(1, "before\n");
    pNotThere();
}

static void test_crash(void)
{
    ok(1, "before\n");
    *(volatile int *)16 = 0;
}

static void test_hang(void)
{
    for (volatile int spin = 0;; spin++)
        ;
}

static void test_skip(void)
{
    skip("skipped\n");
    win_skip("win-skipped\n");
}

START_TEST(selftest)
{
    pNotThere = (void *)GetProcAddress(GetModuleHandleA("kernel32.dll"), "NotThere");
    test_pass();
    test_fail();
    test_missing();
    test_null_pointer();
    test_crash();
    test_hang();
    test_skip();
}
