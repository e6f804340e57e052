#!/usr/bin/env bash
# `meson install` of this build into a staging directory, then what a user does with it: build
# a program through `pkg-config kobjns` against the shared library and against the static one
# (each that this build has: default_library), run them, and find the kobjns command and its
# man page where they belong. The sonames follow meson.build's rule; the .pc files require
# nothing publicly.
#   install-and-build.sh BUILD_DIR CONSUMER.c
set -euo pipefail
# The consumer's objects in a tree of names of their own, in session 0, whoever runs this.
export KOBJNS_ROOT=pkgtest$$ KOBJNS_SESSION=0
build=$1 consumer=$2
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
meson install -C "$build" --no-rebuild --destdir "$stage" --quiet
option() { meson introspect "$build" --buildoptions |
  python3 -c "import json,sys; print(next(o['value'] for o in json.load(sys.stdin) if o['name'] == '$1'))"; }
prefix=$(option prefix) libdir=$(option libdir) bindir=$(option bindir) mandir=$(option mandir)
kind=$(option default_library)
case $libdir in /*) ;; *) libdir=$prefix/$libdir ;; esac
case $bindir in /*) ;; *) bindir=$prefix/$bindir ;; esac
case $mandir in /*) ;; *) mandir=$prefix/$mandir ;; esac
passed=0
pass() { echo "ok: $1"; passed=$((passed + 1)); }

libraries=()
[ "$kind" != static ] && libraries+=("$libdir/libkobjns.so")
[ "$kind" != shared ] && libraries+=("$libdir/libkobjns.a")
for f in "${libraries[@]}" "$prefix/include/kobjns.h" "$prefix/include/kobjns-version.h" \
  "$libdir/pkgconfig/kobjns.pc" "$bindir/kobjns" "$mandir/man1/kobjns.1"; do
  [ -e "$stage$f" ] || { echo "not installed: $f"; exit 1; }
done
for f in libkobjns.a libkobjns.so; do
  if [[ " ${libraries[*]} " != *"/$f "* ]] && [ -e "$stage$libdir/$f" ]; then
    echo "installed, though default_library is $kind: $f"
    exit 1
  fi
done
pass "library ($kind), headers, kobjns.pc, the kobjns command and kobjns(1) installed"

# The .pc files: only the library is public; what a static link needs is private.
for pc in "$stage$libdir"/pkgconfig/kobjns*.pc; do
  [ "$(basename "$pc")" = kobjns-win32.pc ] && continue # the old name: requires kobjns-winapi
  if grep -q '^Requires:' "$pc"; then
    echo "$pc requires publicly: $(grep '^Requires:' "$pc")"
    exit 1
  fi
done
grep -qx 'Requires.private: nettle' "$stage$libdir/pkgconfig/kobjns.pc" ||
  { echo "kobjns.pc does not require nettle privately"; exit 1; }
pass "kobjns.pc and kobjns-winapi.pc require nothing publicly; nettle is private"

# The sonames: meson.build's current - age, one per library.
soname() { readelf -d "$1" | sed -n 's/.*Library soname: \[\(.*\)\]/\1/p'; }
if [ "$kind" != static ]; then
  [ "$(soname "$stage$libdir/libkobjns.so")" = libkobjns.so.0 ] ||
    { echo "libkobjns.so's soname is $(soname "$stage$libdir/libkobjns.so")"; exit 1; }
  if [ -e "$stage$libdir/libkobjns-winapi.so" ]; then
    [ "$(soname "$stage$libdir/libkobjns-winapi.so")" = libkobjns-winapi.so.0 ] ||
      { echo "libkobjns-winapi.so's soname is $(soname "$stage$libdir/libkobjns-winapi.so")"; exit 1; }
  fi
  pass "sonames: libkobjns.so.0, libkobjns-winapi.so.0"
fi

# pkg-config as a user has it, pointed at the staged tree (the sysroot maps its paths).
export PKG_CONFIG_PATH=$stage$libdir/pkgconfig PKG_CONFIG_SYSROOT_DIR=$stage
out=$(mktemp -d "$stage/out.XXXXXX")
if [ "$kind" != static ]; then
  # shellcheck disable=SC2046 # the flags are words
  "${CC:-cc}" -std=c11 -Wall -Wextra -Werror -o "$out/shared" "$consumer" $(pkg-config --cflags --libs kobjns)
  LD_LIBRARY_PATH=$stage$libdir "$out/shared"
  pass "built with \$(pkg-config --cflags --libs kobjns) and ran"
fi

if [ "$kind" != shared ]; then
  # Static: the archive and the private dependencies and flags pkg-config lists for it.
  static_libs=$(pkg-config --static --libs kobjns | sed 's/-lkobjns\b/-l:libkobjns.a/')
  # shellcheck disable=SC2046,SC2086
  "${CC:-cc}" -std=c11 -Wall -Wextra -Werror -o "$out/static" "$consumer" $(pkg-config --static --cflags kobjns) $static_libs
  if readelf -d "$out/static" | grep -q 'libkobjns'; then
    echo "the static build still needs libkobjns.so"
    exit 1
  fi
  "$out/static"
  pass "built against libkobjns.a with \$(pkg-config --static --cflags --libs kobjns) and ran"
fi

# libkobjns-winapi (built with Wine's headers): its .pc, and kobjns-win32.pc, the name before 0.2,
# which only requires it.
if [ -e "$stage$libdir/pkgconfig/kobjns-winapi.pc" ]; then
  winapi_lib=libkobjns-winapi.so
  [ "$kind" = static ] && winapi_lib=libkobjns-winapi.a
  [ -e "$stage$libdir/$winapi_lib" ] || { echo "not installed: $winapi_lib"; exit 1; }
  grep -qx 'Requires: kobjns-winapi' "$stage$libdir/pkgconfig/kobjns-win32.pc" ||
    { echo "kobjns-win32.pc does not require kobjns-winapi"; exit 1; }
  if [ "$(pkg-config --cflags --libs kobjns-win32)" != "$(pkg-config --cflags --libs kobjns-winapi)" ]; then
    echo "pkg-config kobjns-win32 and kobjns-winapi differ"
    exit 1
  fi
  pass "libkobjns-winapi and kobjns-winapi.pc installed; kobjns-win32.pc gives the same flags"
  # Its C runtime headers, found through the .pc: a console program builds against the installed
  # tree. The sysroot also prefixes Wine's header directory, which is not staged: given again.
  for f in conio.h namespaceapi.h stdlib.h; do
    [ -e "$stage$prefix/include/kobjns-winapi/$f" ] || { echo "not installed: kobjns-winapi/$f"; exit 1; }
  done
  static=() # a static-only build: the facade's archive and what it needs
  [ "$kind" = static ] && static=(--static)
  # shellcheck disable=SC2046
  "${CC:-cc}" -std=c11 -Wall -Wextra -Werror -o "$out/console" "$(dirname "$consumer")/console.c" \
    $(pkg-config "${static[@]}" --cflags --libs kobjns-winapi) -isystem "$(option wine_include_dir)"
  [ "$(printf k | LD_LIBRARY_PATH=$stage$libdir "$out/console")" = k ] ||
    { echo "the installed console program did not answer its key"; exit 1; }
  pass "a console program (<conio.h>, itoa) built through the installed kobjns-winapi.pc and ran"
fi

LD_LIBRARY_PATH=$stage$libdir "$stage$bindir/kobjns" --help | grep -q '^usage: kobjns COMMAND'
head -n 20 "$stage$mandir/man1/kobjns.1" | grep -q '^\.TH KOBJNS 1'
pass "the installed kobjns command answers --help; kobjns(1) is a man page"
echo "$passed passed, 0 failed"
