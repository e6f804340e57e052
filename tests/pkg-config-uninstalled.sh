#!/usr/bin/env bash
# A program built against this build directory through pkg-config, as a superproject or a
# developer does (PKG_CONFIG_PATH=<build>: kobjns-uninstalled.pc), and run: the header (with the
# generated kobjns-version.h) is found, the program links the shared library where the build has
# one, the static one (`pkg-config --static`, and KOBJNS_STATIC from Cflags.private) otherwise.
#   pkg-config-uninstalled.sh BUILD_DIR DEFAULT_LIBRARY CONSUMER.c
set -euo pipefail
# The consumer's objects in a tree of names of their own, in session 0, whoever runs this.
export KOBJNS_ROOT=pkgtest$$ KOBJNS_SESSION=0
build=$1 kind=$2 consumer=$3
export PKG_CONFIG_PATH=$build
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
passed=0
pc=kobjns-uninstalled
[ -e "$build/$pc.pc" ] || { echo "no $pc.pc in $build"; exit 1; }
# The fields a distribution cares about: nothing public but the library itself.
grep -q '^Requires:' "$build/$pc.pc" && { echo "$pc.pc has public requirements"; exit 1; }
grep -q '^Cflags.private: -DKOBJNS_STATIC$' "$build/$pc.pc" || { echo "$pc.pc: no Cflags.private"; exit 1; }
[ "$(pkg-config --modversion $pc)" = "$(sed -n 's/^#define KOBJNS_VERSION_STRING "\(.*\)"$/\1/p' "$build/include/kobjns-version.h")" ] ||
  { echo "$pc.pc's version is not kobjns-version.h's"; exit 1; }
echo "ok: $pc.pc: no public Requires, KOBJNS_STATIC in Cflags.private, the header's version"
passed=$((passed + 1))
if [ "$kind" != static ]; then
  # shellcheck disable=SC2046 # the flags are words
  "${CC:-cc}" -std=c11 -Wall -Wextra -Werror -o "$out/shared" "$consumer" $(pkg-config --cflags --libs $pc)
  readelf -d "$out/shared" | grep -q 'NEEDED.*libkobjns\.so' || { echo "not linked with libkobjns.so"; exit 1; }
  LD_LIBRARY_PATH=$build "$out/shared"
  echo "ok: built with \$(pkg-config --cflags --libs kobjns) against $build and ran"
  passed=$((passed + 1))
fi
if [ "$kind" != shared ]; then
  # shellcheck disable=SC2046
  "${CC:-cc}" -std=c11 -Wall -Wextra -Werror -o "$out/static" "$consumer" \
    $(pkg-config --static --cflags $pc) \
    $(pkg-config --static --libs $pc | sed 's/-lkobjns\b/-l:libkobjns.a/')
  if readelf -d "$out/static" | grep -q 'libkobjns'; then
    echo "the static build still needs libkobjns.so"
    exit 1
  fi
  "$out/static"
  echo "ok: built with \$(pkg-config --static --cflags --libs kobjns) against libkobjns.a and ran"
  passed=$((passed + 1))
fi
echo "$passed passed, 0 failed"
