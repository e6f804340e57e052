#!/usr/bin/env bash
# Put the Wine conformance tests that the winetests leg runs (tests/winetests/, docs/wine-tests.md)
# into a cache outside the repository's tracked files: DIR/wine-<version>/dlls/kernel32/tests/
# sync.c and virtual.c, dlls/ntdll/tests/om.c, and include/wine/test.h (only to read: the build
# uses the harness's own). They come from Debian's `wine` source package, fetched at test time by
# tools/apt-source.sh (a private, throw-away apt configuration derived from the system's own
# `deb` entries: this repository names no download host and holds none of Wine's code). Only
# those files are extracted from the orig tarball; Debian's patches touch none of them.
#
# Usage: tools/fetch-winetests.sh [DIR]   (default: build/winetests-src); prints the directory
# that holds dlls/ (reused on the next run: nothing is fetched when the files are there).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache=${1:-$root/build/winetests-src}
files=(dlls/kernel32/tests/sync.c dlls/kernel32/tests/virtual.c dlls/ntdll/tests/om.c
       include/wine/test.h)
die() { echo "fetch-winetests: $*" >&2; exit 1; }

have() {
    local dir=$1 f
    for f in "${files[@]}"; do [[ -f $dir/$f ]] || return 1; done
}
for dir in "$cache"/wine-*/; do
    if [[ -d $dir ]] && have "$dir"; then
        echo "${dir%/}"
        exit 0
    fi
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$root/tools/apt-source.sh" wine "$tmp/dl" >&2
orig=$(compgen -G "$tmp/dl/wine_*.orig.tar.*" | head -n1) || true
[[ -n $orig ]] || die "Debian's wine source package has no orig tarball (got: $(cd "$tmp/dl" && echo *))"
mkdir -p "$tmp/x"
tar -xf "$orig" -C "$tmp/x" --wildcards "${files[@]/#/wine-*/}" ||
    die "$(basename "$orig") lacks one of ${files[*]}"
top=$(cd "$tmp/x" && echo wine-*)
[[ -d $tmp/x/$top ]] || die "unexpected layout in $(basename "$orig"): $top"
mkdir -p "$cache"
rm -rf "${cache:?}/$top"
mv "$tmp/x/$top" "$cache/$top"
echo "fetch-winetests: ${files[*]} from $(basename "$orig") -> $cache/$top" >&2
echo "$cache/$top"
