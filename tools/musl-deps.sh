#!/usr/bin/env bash
# Make DIR the prefix of what the musl build (cross/x86_64-linux-musl.txt) needs beyond Debian's
# musl-tools, which has the C library and musl-gcc and nothing else:
#   DIR/include/linux, asm, asm-generic   symlinks to Debian's kernel headers (linux-libc-dev),
#       the way Alpine's linux-headers package puts them beside musl's own headers: musl-gcc
#       searches only musl's include directory, and posix/platform-linux.c includes <linux/...>.
#       The cross file adds DIR/include with -isystem (only these three and nettle/ are there,
#       so no glibc header can come in).
#   DIR/include/nettle, DIR/lib/libnettle.a, DIR/lib/pkgconfig/nettle.pc
#       nettle (the library's SHA-256), built with musl-gcc from Debian's `nettle` source package:
#       Debian has no musl build of it. The orig tarball is fetched by tools/apt-source.sh (apt
#       verifies it against the signed Sources index) and checked against the sha256 below;
#       built with nettle's own configure (static, position-independent, no assembler, no
#       public-key part, which would want GMP), the way a musl distribution builds it.
#   DIR/machine.txt
#       the prefix for the cross file, as a Meson machine file of constants:
#       meson setup --cross-file DIR/machine.txt --cross-file cross/x86_64-linux-musl.txt ...
# Safe to run again: what is there and current is kept.
#
# Usage: tools/musl-deps.sh DIR
# Needs: Debian with musl-tools, linux-libc-dev, make, dpkg-dev (apt-get source); root or write
# access to apt's lists directory (tools/apt-source.sh).
set -euo pipefail

[[ $# == 1 ]] || { echo "usage: $0 DIR" >&2; exit 2; }
die() { echo "musl-deps: $*" >&2; exit 1; }
tools=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
mkdir -p "$1"
dir=$(cd "$1" && pwd)

# Debian 12's nettle (3.8.1-2): its orig tarball is upstream's nettle-3.8.1.tar.gz.
nettle_version=3.8.1
nettle_orig=nettle_$nettle_version.orig.tar.gz
nettle_sha256=364f3e2b77cd7dcde83fd7c45219c834e54b0c75e428b6f894a23d12dd41cbfe

command -v musl-gcc >/dev/null || die "musl-gcc not found (install musl-tools)"

# The kernel's headers: the architecture's asm/ is in the multiarch directory.
multiarch=$(gcc -print-multiarch)
for h in /usr/include/linux /usr/include/asm-generic "/usr/include/$multiarch/asm"; do
  [[ -d $h ]] || die "no $h (install linux-libc-dev)"
done
mkdir -p "$dir/include"
ln -sfn /usr/include/linux "$dir/include/linux"
ln -sfn /usr/include/asm-generic "$dir/include/asm-generic"
ln -sfn "/usr/include/$multiarch/asm" "$dir/include/asm"

printf "# Made by tools/musl-deps.sh: the prefix cross/x86_64-linux-musl.txt uses.\n[constants]\nmusl_prefix = '%s'\n" \
  "$dir" >"$dir/machine.txt"

pc=$dir/lib/pkgconfig/nettle.pc
if [[ -f $pc ]] && grep -qx "Version: $nettle_version" "$pc" && [[ -f $dir/lib/libnettle.a ]]; then
  exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$tools/apt-source.sh" nettle "$work/dl"
[[ -f $work/dl/$nettle_orig ]] ||
  die "Debian's nettle source package did not provide $nettle_orig (got: $(cd "$work/dl" && echo *))"
got=$(sha256sum "$work/dl/$nettle_orig" | cut -d' ' -f1)
[[ $got == "$nettle_sha256" ]] || die "$nettle_orig from Debian has sha256 $got, expected $nettle_sha256"
tar -xzf "$work/dl/$nettle_orig" -C "$work"
mkdir "$work/build"
log=$work/build.log
# Only the library, its headers and its .pc: no programs, tests or manual.
if ! (cd "$work/build" &&
  "$work/nettle-$nettle_version/configure" CC=musl-gcc CFLAGS=-O2 --prefix="$dir" \
    --libdir="$dir/lib" --disable-shared --enable-pic --disable-assembler \
    --disable-public-key --disable-openssl --disable-documentation &&
  make -j"$(nproc)" install-headers install-static install-pkgconfig) >"$log" 2>&1; then
  tail -40 "$log" >&2
  die "building nettle $nettle_version with musl-gcc failed"
fi
[[ -f $pc ]] || die "nettle's build left no $pc"
echo "musl-deps: nettle $nettle_version built with musl-gcc into $dir"
