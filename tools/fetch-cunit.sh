#!/usr/bin/env bash
# Put the CUnit source tarball named in subprojects/cunit.wrap into
# subprojects/packagefiles/, so that Meson can build the cunit subproject
# (used by the mingw-w64 cross build) without downloading anything itself.
# (The wrap has no source_url, and for such a wrap Meson reads source_filename
# from subprojects/packagefiles/; packagecache/ is only used with a source_url.)
#
# The tarball is the orig tarball of Debian's `cunit` source package, fetched
# by tools/apt-source.sh (`apt-get source --download-only` through a private,
# throw-away apt configuration derived from the system's own `deb` entries, so
# this repository names no download host). apt verifies the download against the
# signed Sources index; this script then checks it against the sha256 in the wrap file.
#
# Usage: tools/fetch-cunit.sh [SOURCE_ROOT]   (default: this script's ../)
# Needs: Debian (apt, dpkg-dev), root or write access to the lists directory.
set -euo pipefail

root=${1:-"$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"}
wrap="$root/subprojects/cunit.wrap"
cache="$root/subprojects/packagefiles"

die() { echo "fetch-cunit: $*" >&2; exit 1; }

[[ -f $wrap ]] || die "no $wrap"
wrap_value() { sed -n "s/^[[:space:]]*$1[[:space:]]*=[[:space:]]*\([^[:space:]]*\).*/\1/p" "$wrap" | head -n1; }
file=$(wrap_value source_filename)
hash=$(wrap_value source_hash)
[[ -n $file && -n $hash ]] || die "source_filename/source_hash missing in $wrap"

hash_ok() { [[ -f $1 ]] && [[ $(sha256sum "$1" | cut -d' ' -f1) == "$hash" ]]; }

if [[ -e $cache/$file ]]; then
    hash_ok "$cache/$file" || die "$cache/$file exists but its sha256 is not $hash"
    echo "fetch-cunit: $file already in subprojects/packagefiles"
    exit 0
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$(dirname "${BASH_SOURCE[0]}")/apt-source.sh" cunit "$tmp/dl"

if [[ ! -f $tmp/dl/$file ]]; then
    die "Debian's cunit source package did not provide $file (got: $(cd "$tmp/dl" && echo *))"
fi
hash_ok "$tmp/dl/$file" || die "$file from Debian has sha256 $(sha256sum "$tmp/dl/$file" | cut -d' ' -f1), wrap expects $hash"
mkdir -p "$cache"
cp "$tmp/dl/$file" "$cache/$file.tmp.$$"
mv "$cache/$file.tmp.$$" "$cache/$file"
echo "fetch-cunit: $file -> subprojects/packagefiles/"
