#!/usr/bin/env bash
# Builds the example service and client the way a user would (strict -std=c11, warnings as
# errors), with the C compiler and
# `pkg-config kobjns-winapi` (the uninstalled .pc files of this build), then runs them; and checks
# that the name before 0.2, `pkg-config kobjns-win32`, gives the same flags.
# A console program (<conio.h>, itoa) builds with the same flags and runs.
#   build-with-pkg-config.sh PC_PATH SERVICE.c CLIENT.c RUN_PAIR CONSOLE.c DEFAULT_LIBRARY
#   PC_PATH: the directories of the uninstalled .pc files (kobjns-uninstalled.pc in the build
#   directory, kobjns-winapi-uninstalled.pc and kobjns-win32.pc in its winapi/): a : list
#   DEFAULT_LIBRARY: the build's kind of libraries; static alone: `pkg-config --static`
set -euo pipefail
pc_path=$1 service=$2 client=$3 run_pair=$4 console=$5 kind=$6
export PKG_CONFIG_PATH=$pc_path
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
static=()
[ "$kind" = static ] && static=(--static)
cflags=$(pkg-config "${static[@]}" --cflags kobjns-winapi-uninstalled)
libs=$(pkg-config "${static[@]}" --libs kobjns-winapi-uninstalled)
echo "cc \$(pkg-config --cflags --libs kobjns-winapi): $cflags $libs"
# shellcheck disable=SC2086 # the flags are words
"${CC:-cc}" -std=c11 -Wall -Wextra -Werror -o "$out/service" "$service" $cflags $libs
# shellcheck disable=SC2086
"${CC:-cc}" -std=c11 -Wall -Wextra -Werror -o "$out/client" "$client" $cflags $libs
# Where the -L flags point: the libraries are not installed.
library_path=$(pkg-config "${static[@]}" --libs-only-L kobjns-winapi-uninstalled | sed 's/-L//g; s/ \+/:/g; s/:$//')
LD_LIBRARY_PATH=$library_path "$run_pair" "$out/service" "$out/client"
# shellcheck disable=SC2086
"${CC:-cc}" -std=c11 -Wall -Wextra -Werror -o "$out/console" "$console" $cflags $libs
[ "$(printf k | LD_LIBRARY_PATH=$library_path "$out/console")" = k ] ||
  { echo "the console program did not answer its key"; exit 1; }
echo "ok: a console program (<conio.h>, itoa) built with those flags and ran"
# wchar_t is 32 bits here: an L"..." literal passed to a W function would be read as UTF-16 (a
# name would become its first letter). The flags make that a compile error; u"..." (C11) works.
printf '#include <windows.h>\nint main(void) { return CreateMutexW(NULL, FALSE, L"x") != NULL; }\n' \
  >"$out/wide.c"
printf '#include <windows.h>\n#include <uchar.h>\nint main(void) { HANDLE h = CreateMutexW(NULL, FALSE, u"x"); return !h || !CloseHandle(h); }\n' \
  >"$out/utf16.c"
# shellcheck disable=SC2086
if "${CC:-cc}" -std=c11 -o "$out/wide" "$out/wide.c" $cflags $libs 2>"$out/wide.err"; then
  echo "L\"...\" passed to CreateMutexW compiled: it must not (wchar_t is not WCHAR here)"
  exit 1
fi
grep -q incompatible-pointer-types "$out/wide.err" || { cat "$out/wide.err"; exit 1; }
# shellcheck disable=SC2086
"${CC:-cc}" -std=c11 -Wall -Wextra -Werror -o "$out/utf16" "$out/utf16.c" $cflags $libs
LD_LIBRARY_PATH=$library_path "$out/utf16"
echo "ok: L\"...\" to a W function is a compile error; u\"...\" compiles and runs"
# The old name: kobjns-win32.pc requires kobjns-winapi (found here as its uninstalled .pc).
old=$(pkg-config --cflags --libs kobjns-win32) new=$(pkg-config --cflags --libs kobjns-winapi)
if [ "$old" != "$new" ]; then
  echo "pkg-config kobjns-win32 gives \"$old\", not kobjns-winapi's \"$new\""
  exit 1
fi
echo "ok: pkg-config kobjns-win32 (the name before 0.2) gives kobjns-winapi's flags"
