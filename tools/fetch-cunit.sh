#!/usr/bin/env bash
# Put the CUnit source tarball named in subprojects/cunit.wrap into
# subprojects/packagefiles/, so that Meson can build the cunit subproject
# (used by the mingw-w64 cross build) without downloading anything itself.
# (The wrap has no source_url, and for such a wrap Meson reads source_filename
# from subprojects/packagefiles/; packagecache/ is only used with a source_url.)
#
# The tarball is the orig tarball of Debian's `cunit` source package, fetched
# with `apt-get source --download-only` through a private, throw-away apt
# configuration: the deb-src entries are derived at run time from the system's
# own `deb` entries (same mirror, same suite), so this repository names no
# download host, and the system's apt configuration, lists and caches are not
# touched. apt verifies the download against the signed Sources index; this
# script then checks it against the sha256 in the wrap file.
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

command -v apt-get >/dev/null || die "apt-get not found (this script needs Debian)"
command -v dpkg-source >/dev/null || die "dpkg-source not found (install dpkg-dev)"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# apt downloads as the unprivileged _apt user: let it reach the directories.
chmod 755 "$tmp"
mkdir -p "$tmp/sources.list.d" "$tmp/lists/partial" "$tmp/cache/archives/partial" "$tmp/dl"
if id _apt >/dev/null 2>&1 && [[ $(id -u) == 0 ]]; then
    chown _apt "$tmp/lists/partial" "$tmp/cache/archives/partial" "$tmp/dl"
fi

# The system's apt sources (overridable only to test this script's parsing).
apt_etc=${FETCH_CUNIT_APT_ETC:-/etc/apt}
# shellcheck source=/dev/null
codename=$( . /etc/os-release && echo "${VERSION_CODENAME:-}" )

# Turn the system's `deb` entries into `deb-src` entries in $tmp.
# $1 = only keep entries for this suite ("" = keep all). Fails if none kept.
make_sources() {
    local want=$1 f out
    : >"$tmp/sources.list"
    rm -f "$tmp/sources.list.d/"*
    # One-line format (sources.list, *.list): "deb [options] URI SUITE COMPONENT..."
    for f in "$apt_etc/sources.list" "$apt_etc"/sources.list.d/*.list; do
        [[ -f $f ]] || continue
        awk -v want="$want" '
            { sub(/#.*/, "") }
            $1 != "deb" { next }
            {
                i = 2
                if ($i ~ /^\[/) { while ($i !~ /\]$/ && i < NF) i++; i++ }
                if (want != "" && $(i + 1) != want) next
                sub(/^[[:space:]]*deb[[:space:]]+/, "deb-src "); print
            }' "$f" >>"$tmp/sources.list"
    done
    # deb822 format (*.sources): paragraphs of "Field: value" lines (values may
    # continue on indented lines, e.g. an inline Signed-By key). Keep enabled
    # paragraphs whose Types include deb (and whose Suites include $want),
    # write them with Types: deb-src and every other field unchanged.
    for f in "$apt_etc"/sources.list.d/*.sources; do
        [[ -f $f ]] || continue
        out="$tmp/sources.list.d/$(basename "$f")"
        awk -v want="$want" '
            function has(list, word,   n, i, w) {
                n = split(list, w, /[[:space:]]+/)
                for (i = 1; i <= n; i++) if (w[i] == word) return 1
                return 0
            }
            function flush() {
                if (para != "" && has(types, "deb") && tolower(enabled) != "no" &&
                    (want == "" || has(suites, want)))
                    printf "%s\n", para
                para = ""; types = ""; suites = ""; enabled = ""
            }
            /^#/ { next }
            /^[[:space:]]*$/ { flush(); next }
            /^[A-Za-z][A-Za-z0-9-]*:/ {
                key = tolower(substr($0, 1, index($0, ":") - 1))
                val = substr($0, index($0, ":") + 1)
                if (key == "types")   { types = val; para = para "Types: deb-src\n"; next }
                if (key == "suites")  suites = val
                if (key == "enabled") { enabled = val; gsub(/[[:space:]]/, "", enabled) }
            }
            { para = para $0 "\n" }
            END { flush() }' "$f" >"$out"
        [[ -s $out ]] || rm -f "$out"
    done
    [[ -s $tmp/sources.list ]] || compgen -G "$tmp/sources.list.d/*.sources" >/dev/null
}

if ! { [[ -n $codename ]] && make_sources "$codename"; }; then
    make_sources "" || die "no 'deb' entries in $apt_etc/sources.list{,.d/*.list,.d/*.sources}"
fi

apt_opts=(
    -o "Dir::Etc::SourceList=$tmp/sources.list"
    -o "Dir::Etc::SourceParts=$tmp/sources.list.d"
    -o "Dir::State::Lists=$tmp/lists"
    -o "Dir::Cache=$tmp/cache"
    -o "Dir::Cache::pkgcache="
    -o "Dir::Cache::srcpkgcache="
    -o "APT::Get::List-Cleanup=0"
)
log=$tmp/log
if ! apt-get -q "${apt_opts[@]}" update >"$log" 2>&1; then
    cat "$log" >&2; die "apt-get update (private deb-src lists) failed"
fi
if ! (cd "$tmp/dl" && apt-get -q "${apt_opts[@]}" source --download-only cunit) >>"$log" 2>&1; then
    cat "$log" >&2; die "apt-get source --download-only cunit failed"
fi

if [[ ! -f $tmp/dl/$file ]]; then
    cat "$log" >&2
    die "Debian's cunit source package did not provide $file (got: $(cd "$tmp/dl" && echo *))"
fi
hash_ok "$tmp/dl/$file" || die "$file from Debian has sha256 $(sha256sum "$tmp/dl/$file" | cut -d' ' -f1), wrap expects $hash"
mkdir -p "$cache"
cp "$tmp/dl/$file" "$cache/$file.tmp.$$"
mv "$cache/$file.tmp.$$" "$cache/$file"
echo "fetch-cunit: $file -> subprojects/packagefiles/"
