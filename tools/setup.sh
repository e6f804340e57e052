#!/usr/bin/env bash
# Installs what kobjns needs from Debian's packages (only what is missing), then configures and
# builds the native build in build/. With KOBJNS_SETUP_CROSS=1 it also sets up the Windows leg:
# mingw-w64, Wine, CUnit's source from Debian (tools/fetch-cunit.sh), and build-win64/. With
# KOBJNS_SETUP_CLANG=1, build-clang/ (clang, -Werror). With
# KOBJNS_SETUP_CHECKS=1 it sets up the checked builds: valgrind, build-asan/ (AddressSanitizer +
# UndefinedBehaviorSanitizer) and build-tsan/ (ThreadSanitizer), gcc's own sanitizer runtimes.
# With KOBJNS_SETUP_WINETESTS=1, what the winetests leg needs: dpkg-dev (apt-get source, for
# tools/fetch-winetests.sh), python3, and setpriv (util-linux) for the run as another user.
# With KOBJNS_SETUP_BENCH=1, the benchmark's Boost.Interprocess rows: g++ and libboost-dev
# (headers only; bench/meson.build builds those rows where both are found).
# With KOBJNS_SETUP_VARIANTS=1, the builds of the other kinds of library (build/ has both):
# build-shared/ (-Ddefault_library=shared) and build-static/ (static), without the benchmark.
# With KOBJNS_SETUP_GENERIC=1, build-generic/: the POSIX backend on its generic platform
# (-Dposix_platform=generic: POSIX.1-2008 alone, no Linux facility).
# With KOBJNS_SETUP_I386=1, the 32-bit x86 build (build-i386/, cross/i386-linux-gnu.txt): gcc's
# multilib and the i386 libraries from Debian's multiarch archive.
# With KOBJNS_SETUP_MUSL=1, the musl build (build-musl/, cross/x86_64-linux-musl.txt): Debian's
# musl-tools, a prefix of what Debian has no musl build of (build-musl-deps/, tools/musl-deps.sh:
# the kernel's headers, nettle built with musl-gcc from Debian's source) and CUnit's source.
# With KOBJNS_SETUP_AARCH64=1, the 64-bit Arm build (build-aarch64/, cross/aarch64-linux-gnu.txt):
# clang for the target with binutils-aarch64-linux-gnu, the arm64 cross C library and libgcc (not
# gcc-aarch64-linux-gnu, which conflicts with gcc-multilib), qemu-user to run it, and the arm64
# libraries from Debian's multiarch archive.
# With KOBJNS_SETUP_DEBIAN=1, what the debian leg needs (tools/debian-packages.sh): debhelper,
# dpkg-dev and build-essential to build the packages (the rest of debian/control's Build-Depends
# is in the first list; Rules-Requires-Root: no, so no fakeroot), lintian, and man-db for man -w.
# Used by tools/demo and tools/test; safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

cross=${KOBJNS_SETUP_CROSS:-0}
checks=${KOBJNS_SETUP_CHECKS:-0}
clang=${KOBJNS_SETUP_CLANG:-0}
winetests=${KOBJNS_SETUP_WINETESTS:-0}
bench=${KOBJNS_SETUP_BENCH:-0}
i386=${KOBJNS_SETUP_I386:-0}
generic=${KOBJNS_SETUP_GENERIC:-0}
aarch64=${KOBJNS_SETUP_AARCH64:-0}
musl=${KOBJNS_SETUP_MUSL:-0}
variants=${KOBJNS_SETUP_VARIANTS:-0}
debian=${KOBJNS_SETUP_DEBIAN:-0}
# g++: the headers tests compile the public headers as C++11 and C++17 too.
packages=(gcc g++ meson ninja-build pkg-config libcunit1-dev nettle-dev libwine-dev)
[ "$cross" = 1 ] && packages+=(gcc-mingw-w64-x86-64 wine64 dpkg-dev)
[ "$checks" = 1 ] && packages+=(valgrind)
[ "$clang" = 1 ] && packages+=(clang)
[ "$winetests" = 1 ] && packages+=(dpkg-dev xz-utils python3 util-linux)
[ "$bench" = 1 ] && packages+=(g++ libboost-dev)
[ "$debian" = 1 ] && packages+=(debhelper dpkg-dev build-essential lintian man-db)
[ "$i386" = 1 ] && packages+=(gcc-multilib nettle-dev:i386 libcunit1-dev:i386)
[ "$musl" = 1 ] && packages+=(musl-tools linux-libc-dev make dpkg-dev)
[ "$aarch64" = 1 ] && packages+=(clang binutils-aarch64-linux-gnu libc6-dev-arm64-cross
  libgcc-12-dev-arm64-cross qemu-user libc6:arm64 nettle-dev:arm64 libcunit1-dev:arm64)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done
sudo=""
[ "$(id -u)" -ne 0 ] && sudo=sudo
# The i386 and arm64 libraries come from Debian's multiarch archive: each architecture is added
# once.
if [ "$i386" = 1 ] && ! dpkg --print-foreign-architectures | grep -qx i386; then
  $sudo dpkg --add-architecture i386
  missing+=(gcc-multilib) # makes the apt-get update below happen
fi
if [ "$aarch64" = 1 ] && ! dpkg --print-foreign-architectures | grep -qx arm64; then
  $sudo dpkg --add-architecture arm64
  missing+=(nettle-dev:arm64) # makes the apt-get update below happen
fi
if [ "${#missing[@]}" -gt 0 ]; then
  echo "kobjns: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# configure DIR [meson options...]: set up once, reconfigure afterwards.
configure() {
  local dir=$1
  shift
  local setup_log
  setup_log=$(mktemp)
  local reconfigure=()
  if [ -d "$dir/meson-private" ]; then
    reconfigure=(--reconfigure)
  else
    rm -rf "$dir"
  fi
  # Quiet when it configures; a failed configuration shows why (CI sees only this output).
  if ! meson setup "${reconfigure[@]}" "$dir" "$@" >"$setup_log" 2>&1; then
    echo "-- meson setup of $dir failed:" >&2
    tail -20 "$setup_log" >&2
    rm -f "$setup_log"
    exit 1
  fi
  rm -f "$setup_log"
  # Quiet when it builds; a failed build shows what failed (CI sees only this output).
  if ! ninja -C "$dir" >"$dir/setup-ninja.log" 2>&1; then
    echo "-- the build in $dir failed:" >&2
    grep -E -A8 '^FAILED|error' "$dir/setup-ninja.log" | head -60 >&2
    exit 1
  fi
}

configure build -Dwerror=true
if [ "$checks" = 1 ]; then
  # debug: sanitizer reports name the lines; b_lundef=false: sanitized shared libraries leave
  # the runtime's symbols to the executable.
  configure build-asan -Dwerror=true -Dbuildtype=debug -Db_sanitize=address,undefined -Db_lundef=false
  configure build-tsan -Dwerror=true -Dbuildtype=debug -Db_sanitize=thread -Db_lundef=false
fi
if [ "$clang" = 1 ]; then
  CC=clang configure build-clang -Dwerror=true
fi
if [ "$variants" = 1 ]; then
  configure build-shared -Dwerror=true -Ddefault_library=shared -Dbench=disabled
  configure build-static -Dwerror=true -Ddefault_library=static -Dbench=disabled
fi
if [ "$generic" = 1 ]; then
  configure build-generic -Dwerror=true -Dposix_platform=generic
fi
if [ "$i386" = 1 ]; then
  configure build-i386 --cross-file cross/i386-linux-gnu.txt -Dwerror=true
fi
if [ "$musl" = 1 ]; then
  $sudo tools/musl-deps.sh build-musl-deps
  $sudo tools/fetch-cunit.sh "$PWD" >/dev/null
  configure build-musl --cross-file build-musl-deps/machine.txt \
    --cross-file cross/x86_64-linux-musl.txt -Dwerror=true
fi
if [ "$aarch64" = 1 ]; then
  configure build-aarch64 --cross-file cross/aarch64-linux-gnu.txt -Dwerror=true
fi
if [ "$cross" = 1 ]; then
  $sudo tools/fetch-cunit.sh "$PWD" >/dev/null
  configure build-win64 --cross-file cross/mingw-w64-x86_64.txt -Dwerror=true
fi
