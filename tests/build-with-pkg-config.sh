#!/usr/bin/env bash
# Builds the example service and client the way a user would (strict -std=c11, warnings as
# errors), with the C compiler and
# `pkg-config kobjns-win32` (the uninstalled .pc files of this build), then runs them.
#   build-with-pkg-config.sh PC_DIR SERVICE.c CLIENT.c RUN_PAIR
set -euo pipefail
pc_dir=$1 service=$2 client=$3 run_pair=$4
export PKG_CONFIG_PATH=$pc_dir
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cflags=$(pkg-config --cflags kobjns-win32-uninstalled)
libs=$(pkg-config --libs kobjns-win32-uninstalled)
echo "cc \$(pkg-config --cflags --libs kobjns-win32): $cflags $libs"
# shellcheck disable=SC2086 # the flags are words
"${CC:-cc}" -std=c11 -Wall -Wextra -Werror -o "$out/service" "$service" $cflags $libs
# shellcheck disable=SC2086
"${CC:-cc}" -std=c11 -Wall -Wextra -Werror -o "$out/client" "$client" $cflags $libs
# Where the -L flags point: the libraries are not installed.
library_path=$(pkg-config --libs-only-L kobjns-win32-uninstalled | sed 's/-L//g; s/ \+/:/g; s/:$//')
LD_LIBRARY_PATH=$library_path "$run_pair" "$out/service" "$out/client"
