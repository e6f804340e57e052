#!/usr/bin/env python3
"""Build Wine's conformance tests against libkobjns-winapi and run them (docs/wine-tests.md).

run.py --build BUILD --wine WINE_SRC [--work DIR] [--user USER]

WINE_SRC is what tools/fetch-winetests.sh printed (it holds dlls/). For each of Wine's files:
  1. copy it into DIR, rewriting each test-function call at the top of START_TEST's body into
     WINETEST_RUN("call", call) (same lines, so line numbers stay Wine's);
  2. compile it (gnu11, -fshort-wchar, warnings off: not our code) with the harness's own
     <wine/test.h> (include/), link it with harness.c and the facade's static libraries;
  3. every symbol the link cannot resolve gets a generated stub (stubs-FILE.c) that ends the
     running test function: "not run: needs F";
  4. run it in session 1 with a fresh KOBJNS_ROOT, as root and as USER (setpriv), and check that
     nothing of that root is left in /dev/shm.
Each failed check must be listed in expected-failures.txt; the exit status is 1 if one is not
(or if a file did not build or left objects behind). The last line is
"winetests: N passed, N failed, N skipped" (a test function that could not run is skipped).
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
FILES = ["dlls/kernel32/tests/sync.c", "dlls/kernel32/tests/virtual.c", "dlls/ntdll/tests/om.c"]
WINE_INCLUDE = "/usr/include/wine/wine/windows"
WIDE_CRT = re.compile(r"^(wcs\w*|wmem\w*|v?[fs]?wprintf|v?[fs]?wscanf|_?snwprintf|tow(lower|upper)|isw\w+)$")
CFLAGS = ["-fshort-wchar", "-D_DEFAULT_SOURCE", "-DDECLSPEC_HIDDEN=", "-I" + os.path.join(HERE, "include"),
          "-isystem", WINE_INCLUDE]


# What the harness must report for selftest.c: call -> (how, detail, passed, failed, skips).
SELFTEST = {
    "test_pass()": ("done", "", 3, 0, 0),
    "test_fail()": ("done", "", 1, 1, 0),
    "test_missing()": ("notrun", "InitializeSListHead", 1, 0, 0),
    "test_null_pointer()": ("notrun", "NotThere (GetProcAddress)", 1, 0, 0),
    "test_crash()": ("crash", "signal 11 (Segmentation fault)", 1, 0, 0),
    "test_hang()": ("timeout", "after 2 s", 0, 0, 0),
    "test_skip()": ("done", "", 0, 0, 2),
}
SELFTEST_FAILS = [("test_fail()", "ctx 1: a failure")]


def selftest(work, build_dir, harness_obj):
    """Build and run selftest.c; returns a list of differences from SELFTEST (empty: fine)."""
    exe, _, err = build("selftest", os.path.join(HERE, "selftest.c"), work, build_dir, harness_obj)
    if not exe:
        return [err]
    out, code = run_file(exe, f"wt{os.getpid()}self", None, 2)
    res = parse(out)
    table = symbols(exe)
    got = {x["call"]: (x["how"], null_pointer_name(x["detail"], table), x["passed"], x["failed"],
                       x["skips"]) for x in res["results"]}
    diffs = [f"{c}: expected {SELFTEST[c]}, got {got.get(c)}" for c in SELFTEST
             if got.get(c) != SELFTEST[c]]
    fails = [(c, m) for c, _, m in res["fails"]]
    if fails != SELFTEST_FAILS:
        diffs.append(f"failures: expected {SELFTEST_FAILS}, got {fails}")
    if not res["ended"] or code != 0:
        diffs.append(f"did not end normally (exit status {code})")
    for n in shm_entries(f"wt{os.getpid()}self"):
        os.unlink(os.path.join("/dev/shm", n))
    return diffs


def rewrite_start_test(text):
    """Wrap each `test_xxx(...);` statement at the top level of START_TEST's body."""
    lines = text.split("\n")
    start = next(i for i, l in enumerate(lines) if l.startswith("START_TEST("))
    depth, calls = 0, []
    for i in range(start, len(lines)):
        line = lines[i]
        m = re.match(r"^(\s*)(test_\w+\s*\((.*)\))\s*;\s*$", line)
        if depth == 1 and m:
            call = m.group(2)
            literal = call.replace("\\", "\\\\").replace('"', '\\"')
            lines[i] = f'{m.group(1)}WINETEST_RUN("{literal}", {call});'
            calls.append(call)
        depth += line.count("{") - line.count("}")
        if depth == 0 and "}" in line:
            break
    return "\n".join(lines), calls


def run(cmd, **kw):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **kw)


def build(name, src, work, build_dir, harness_obj):
    """Compile and link one file; returns (executable or None, stubs, error text)."""
    text, calls = rewrite_start_test(open(src, encoding="utf-8", errors="replace").read())
    c = os.path.join(work, name + ".c")
    open(c, "w").write(text)
    obj = os.path.join(work, name + ".o")
    r = run(["gcc", "-std=gnu11", "-w", "-O1", "-g", "-I", os.path.dirname(src)] + CFLAGS +
            ["-c", c, "-o", obj])
    if r.returncode:
        return None, [], "compile failed:\n" + r.stdout
    # The C library's wide-string functions take a 32-bit wchar_t: called with Wine's 16-bit
    # WCHAR strings they would answer wrongly, not fail. Those the harness does not provide
    # (include/wine/test.h maps wcslen, wcscmp, ...) are stubbed like missing Win32 functions.
    crt = sorted(sym for sym in (l.split()[-1] for l in run(["nm", "-u", obj]).stdout.splitlines())
                 if WIDE_CRT.match(sym))
    exe = os.path.join(work, "winetest-" + name)
    libs = [os.path.join(build_dir, "winapi", "libkobjns-winapi.a"),
            os.path.join(build_dir, "libkobjns.a"), "-lnettle", "-lpthread", "-lrt"]
    stubs = list(crt)
    for attempt in range(3):
        objs = [obj, harness_obj]
        if stubs:
            sc = os.path.join(work, f"stubs-{name}.c")
            with open(sc, "w") as f:
                f.write("/* generated by run.py: Win32 functions the facade lacks */\n"
                        "#include <stdint.h>\nuintptr_t winetest_missing(const char *name);\n")
                for s in stubs:
                    label = s + (" (the C runtime's, on 16-bit WCHAR)" if s in crt else "")
                    f.write(f'__attribute__((ms_abi)) uintptr_t {s}(void) '
                            f'{{ return winetest_missing("{label}"); }}\n')
            so = sc[:-2] + ".o"
            r = run(["gcc", "-std=c11", "-Wall", "-Werror", "-c", sc, "-o", so])
            if r.returncode:
                return None, stubs, "stubs failed to compile:\n" + r.stdout
            objs.append(so)
        r = run(["gcc", "-no-pie", "-o", exe] + objs + libs)
        if r.returncode == 0:
            return exe, stubs, ""
        missing = sorted(set(re.findall(r"undefined reference to `([^']+)'", r.stdout)) - set(stubs))
        if not missing:
            return None, stubs, "link failed:\n" + r.stdout
        stubs = sorted(set(stubs) | set(missing))
    return None, stubs, "link failed:\n" + r.stdout


def symbols(exe):
    """Address -> name of the executable's data symbols (to name a pointer called while NULL)."""
    table = {}
    for line in run(["nm", exe]).stdout.splitlines():
        f = line.split()
        if len(f) == 3 and f[1] in "bBdD":
            table[int(f[0], 16)] = f[2]
    return table


def null_pointer_name(detail, table):
    """"@0x..." (the harness's note of a call through a NULL pointer) -> what the test needed."""
    if not detail.startswith("@"):
        return detail
    name = table.get(int(detail[1:], 16))
    if not name:
        return "a function loaded with GetProcAddress (called through NULL)"
    name = name.split(".")[0]
    return (name[1:] if name.startswith("p") else name) + " (GetProcAddress)"


def parse(output):
    """The harness's records -> dict."""
    res = {"fails": [], "results": [], "setup": [], "skips": 0, "ended": False, "skip_text": {}}
    for line in output.splitlines():
        f = line.split("\t")
        if f[0] == "FAIL" and len(f) >= 4:
            res["fails"].append((f[1], int(f[2]), f[3]))
        elif f[0] == "SKIP":
            res["skips"] += 1
            if len(f) >= 4:
                res["skip_text"].setdefault(f[1], f[3])
        elif f[0] == "RESULT" and len(f) >= 7:
            res["results"].append({"call": f[1], "passed": int(f[2]), "failed": int(f[3]),
                                   "skips": int(f[4]), "how": f[5], "detail": f[6]})
        elif f[0] == "SETUP":
            res["setup"].append(f[1])
        elif f[0] == "END":
            res["ended"] = True
    return res


def load_expected(path):
    """expected-failures.txt: `file | test function | regex | why` (regex on "line N: message",
    or on "crash: ..." / "timeout: ..." for a test function that ends so)."""
    entries = []
    for n, line in enumerate(open(path), 1):
        line = line.rstrip("\n")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parts = [p.strip() for p in line.split(" | ")]
        if len(parts) != 4:
            sys.exit(f"{path}:{n}: expected 'file | test function | regex | why'")
        entries.append({"file": parts[0], "func": parts[1], "re": re.compile(parts[2]),
                        "why": parts[3], "line": n, "hits": 0})
    return entries


def func_name(call):
    return call.split("(")[0].strip()


def shm_entries(token):
    try:
        return sorted(n for n in os.listdir("/dev/shm") if f".{token}." in n)
    except FileNotFoundError:
        return []


def run_file(exe, token, as_user, timeout):
    env = dict(os.environ, KOBJNS_SESSION="1", KOBJNS_ROOT=token, WINETEST_TIMEOUT=str(timeout))
    cmd = [exe]
    if as_user:
        cmd = ["setpriv", f"--reuid={as_user}", f"--regid={as_user_group(as_user)}",
               "--clear-groups", "--"] + cmd
    cwd = tempfile.mkdtemp(prefix="kobjns-winetests-cwd.")
    os.chmod(cwd, 0o777)
    try:
        r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                           env=env, cwd=cwd, timeout=600, errors="replace")
        out, code = r.stdout, r.returncode
    except subprocess.TimeoutExpired as e:
        out = e.stdout or ""  # bytes here, whatever text= said
        if isinstance(out, bytes):
            out = out.decode("utf-8", "replace")
        out, code = out + "\nRESULT\t(the file)\t0\t0\t0\ttimeout\tafter 600 s\n", -1
    finally:
        shutil.rmtree(cwd, ignore_errors=True)
    return out, code


def as_user_group(user):
    import grp
    import pwd
    return grp.getgrgid(pwd.getpwnam(user).pw_gid).gr_name


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True)
    ap.add_argument("--wine", required=True)
    ap.add_argument("--work")
    ap.add_argument("--user", default="nobody")
    ap.add_argument("--timeout", type=float, default=20)
    ap.add_argument("--expected", default=os.path.join(HERE, "expected-failures.txt"))
    ap.add_argument("--verbose", action="store_true")
    a = ap.parse_args()
    build_dir = os.path.abspath(a.build)
    work = os.path.abspath(a.work or os.path.join(build_dir, "winetests"))
    os.makedirs(work, exist_ok=True)
    expected = load_expected(a.expected)
    status = 0

    harness_obj = os.path.join(work, "harness.o")
    r = run(["gcc", "-std=c11", "-Wall", "-Wextra", "-Werror", "-O1", "-g"] + CFLAGS +
            ["-c", os.path.join(HERE, "harness.c"), "-o", harness_obj])
    if r.returncode:
        print(r.stdout)
        print("winetests: 0 passed, 1 failed, 0 skipped")
        return 1

    diffs = selftest(work, build_dir, harness_obj)
    if diffs:
        print("-- the harness's self-test failed:\n   " + "\n   ".join(diffs))
        print("winetests: 0 passed, 1 failed, 0 skipped")
        return 1
    print(f"-- the harness's self-test: {len(SELFTEST)} ways a test function ends, each reported right")

    # The runs: root, then the user (when root can become one).
    import pwd
    runs = [(pwd.getpwuid(os.geteuid()).pw_name, None)]
    if os.geteuid() != 0:
        print(f"winetests: not root: the run as {a.user} is skipped")
    elif shutil.which("setpriv") is None:
        print(f"winetests: no setpriv: the run as {a.user} is skipped")
    else:
        runs.append((a.user, a.user))
    # The user's copy: executables where the user can read them.
    user_dir = tempfile.mkdtemp(prefix="kobjns-winetests.")
    os.chmod(user_dir, 0o755)

    totals = Counter()
    missing_all = Counter()
    unlisted = []
    try:
        for rel in FILES:
            name = os.path.splitext(os.path.basename(rel))[0]
            fname = os.path.basename(rel)
            exe, stubs, err = build(name, os.path.join(a.wine, rel), work, build_dir, harness_obj)
            print(f"-- {fname}: {len(stubs)} functions neither the facade nor the harness has, stubbed"
                  + (f": {' '.join(stubs)}" if a.verbose else ""))
            if not exe:
                print(f"{fname}: did not build: {err[:4000]}")
                totals["failed"] += 1
                status = 1
                continue
            copy = os.path.join(user_dir, os.path.basename(exe))
            shutil.copy(exe, copy)
            os.chmod(copy, 0o755)
            for who, user in runs:
                token = f"wt{os.getpid()}{who[:1]}{name[:3]}"
                out, code = run_file(copy if user else exe, token, user, a.timeout)
                res = parse(out)
                table = symbols(exe)
                for x in res["results"]:
                    x["detail"] = null_pointer_name(x["detail"], table)
                # What a test function's process left when it ended without closing its handles
                # (not run, crashed) is stale: kobjns gc removes it. Anything after that is a leak.
                stale = shm_entries(token)
                gc = run([os.path.join(build_dir, "tools", "kobjns"), "gc"],
                         env=dict(os.environ, KOBJNS_ROOT=token))
                left = shm_entries(token)
                for n in left:
                    os.unlink(os.path.join("/dev/shm", n))
                passed = sum(x["passed"] for x in res["results"])
                failed = sum(x["failed"] for x in res["results"])
                # Not run: stopped by a missing function, or skipped itself whole (win_skip
                # because GetProcAddress found nothing) without a check.
                for x in res["results"]:
                    if x["how"] == "done" and x["passed"] + x["failed"] == 0 and x["skips"]:
                        x["how"], x["detail"] = "skipped", res["skip_text"].get(x["call"], "")
                notrun = [x for x in res["results"] if x["how"] in ("notrun", "skipped")]
                ended = [x for x in res["results"] if x["how"] in ("crash", "timeout", "exit")]
                print(f"== {fname} as {who}: {passed} checks passed, {failed} failed; "
                      f"{len(res['results']) - len(notrun)} of {len(res['results'])} test functions "
                      f"ran, {len(notrun)} not run; {res['skips']} skip messages")
                if res["setup"]:
                    print(f"   START_TEST's own set-up used (returned 0): {', '.join(sorted(set(res['setup'])))}")
                for x in res["results"]:
                    if x["how"] == "notrun":
                        print(f"   not run: {x['call']}: needs {x['detail']}"
                              + (f" (after {x['passed'] + x['failed']} checks)" if x['passed'] + x['failed'] else ""))
                        if user is None:
                            missing_all[x["detail"]] += 1
                    elif x["how"] == "skipped":
                        print(f"   not run: {x['call']}: skipped itself: {x['detail']}")
                    elif x["how"] != "done":
                        print(f"   {x['how']}: {x['call']}: {x['detail']}")
                    else:
                        print(f"   ran: {x['call']}: {x['passed'] + x['failed']} checks"
                              + (f", {x['failed']} failed" if x["failed"] else ""))
                # Every failure, matched against the list.
                failures = [(c, f"line {l}: {m}") for c, l, m in res["fails"]]
                failures += [(x["call"], f"{x['how']}: {x['detail']}") for x in ended]
                for call, text in failures:
                    hit = next((e for e in expected if e["file"] == fname and
                                e["func"] == func_name(call) and e["re"].search(text)), None)
                    if hit:
                        hit["hits"] += 1
                        if a.verbose:
                            print(f"   expected: {call}: {text}")
                    else:
                        unlisted.append(f"{fname} ({who}): {call}: {text}")
                if not res["ended"] or code != 0:
                    print(f"   the program did not end normally (exit status {code})")
                    status = 1
                    failed += 1
                if stale:
                    print(f"   stale in /dev/shm (test functions that ended without closing): "
                          f"{len(stale)}; kobjns gc: {(gc.stdout.strip().splitlines() or ['?'])[-1]}")
                if left:
                    print(f"   left in /dev/shm after kobjns gc (removed): {' '.join(left)}")
                    status = 1
                    failed += 1
                totals["passed"] += passed
                totals["failed"] += failed + len(ended)
                totals["skipped"] += len(notrun)
    finally:
        shutil.rmtree(user_dir, ignore_errors=True)

    if missing_all:
        print("-- what the test functions that did not run needed (how many, in one run): " +
              ", ".join(f"{f} {n}" for f, n in missing_all.most_common()))
    for e in expected:
        if e["hits"] == 0:
            print(f"now passes: remove from the list: expected-failures.txt:{e['line']}: "
                  f"{e['file']} {e['func']} /{e['re'].pattern}/")
    if unlisted:
        print(f"-- {len(unlisted)} failures not in tests/winetests/expected-failures.txt:")
        for u in unlisted:
            print("   " + u)
        status = 1
    else:
        print(f"-- every failure is listed in tests/winetests/expected-failures.txt "
              f"({sum(e['hits'] for e in expected)} failures, {len(expected)} entries)")
    print(f"winetests: {totals['passed']} passed, {totals['failed']} failed, "
          f"{totals['skipped']} skipped")
    return status


if __name__ == "__main__":
    sys.exit(main())
