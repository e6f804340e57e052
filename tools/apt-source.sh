#!/usr/bin/env bash
# Download the files of one Debian source package (.dsc, orig and debian tarballs) into a
# directory, through a private, throw-away apt configuration: the deb-src entries are derived at
# run time from the system's own `deb` entries (same mirror, same suite), so this repository
# names no download host, and the system's apt configuration, lists and caches are not touched.
# apt verifies the files against the signed Sources index. Used by tools/fetch-cunit.sh (CUnit
# for the cross build) and tools/fetch-winetests.sh (Wine's conformance tests).
#
# Usage: tools/apt-source.sh PACKAGE DIR   (DIR is created; the files land directly in it)
# Needs: Debian (apt, dpkg-dev), root or write access to the lists directory.
set -euo pipefail

[[ $# == 2 ]] || { echo "usage: $0 PACKAGE DIR" >&2; exit 2; }
package=$1
dest=$2
die() { echo "apt-source: $*" >&2; exit 1; }

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
apt_etc=${APT_SOURCE_APT_ETC:-${FETCH_CUNIT_APT_ETC:-/etc/apt}}
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
if ! (cd "$tmp/dl" && apt-get -q "${apt_opts[@]}" source --download-only "$package") >>"$log" 2>&1; then
    cat "$log" >&2; die "apt-get source --download-only $package failed"
fi

mkdir -p "$dest"
mv "$tmp/dl"/* "$dest"/
