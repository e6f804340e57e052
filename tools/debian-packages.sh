#!/usr/bin/env bash
# The Debian packages (debian/), as a distribution builds them and a user installs them:
#   1. build: a copy of this tree (the files git tracks or would, as they are in the work tree)
#      in a temporary directory as kobjns-<version>/, then `dpkg-buildpackage -b -us -uc` in it
#      (it writes the packages to the parent directory, so never into this tree);
#   2. lintian on the .changes: an error fails (warnings are printed);
#   3. dpkg -i of the packages (not their -dbgsym); then, against what is installed, a program
#      built with `pkg-config --cflags --libs kobjns` (and one with --static, against
#      libkobjns.a), one built with `pkg-config --cflags --libs kobjns-winapi`, each run; the
#      installed `kobjns --version` and `kobjns ls`, and `man -w kobjns` (where man-db is);
#   4. dpkg -P of every package it installed, always (a trap, also on failure or interruption),
#      so that nothing of it is left for later legs or the machine.
# Each check is one JSON line in $KOBJNS_DEBIAN_JSON (tools/test adds them to its last line),
# and the script ends with "debian: N passed, N failed, N skipped".
# The install checks need root (or sudo without a password) and none of the packages installed
# already (they would be purged afterwards): otherwise they are skipped, saying why.
# KOBJNS_DEBIAN_INSTALL=0 skips them (build and lintian only: for a machine whose packages must
# not change even for a moment).
#   tools/debian-packages.sh        (KOBJNS_DEBIAN_KEEP=1 keeps the temporary directory)
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
json_log=${KOBJNS_DEBIAN_JSON:-/dev/null}
passed=0 failed=0 skipped=0
# result NAME OK|FAIL|SKIP [WHY]
result() {
  printf '{"name": "debian-%s", "result": "%s"}\n' "$1" "$2" >>"$json_log"
  case $2 in
    OK) passed=$((passed + 1)); echo "ok: $1" ;;
    SKIP) skipped=$((skipped + 1)); echo "skipped: $1${3:+: $3}" ;;
    *) failed=$((failed + 1)); echo "FAILED: $1${3:+: $3}" ;;
  esac
}
# check NAME COMMAND...: runs it, its output indented; a result either way, and its status.
check() {
  local name=$1
  shift
  if "$@" 2>&1 | sed 's/^/    /'; then
    result "$name" OK
  else
    result "$name" FAIL
    return 1
  fi
}

version=$(dpkg-parsechangelog -l debian/changelog -S Version)
upstream=${version%-*}
arch=$(dpkg --print-architecture)
work=$(mktemp -d /tmp/kobjns-deb.XXXXXX)
tree=$work/kobjns-$upstream
sudo=()
[ "$(id -u)" -ne 0 ] && sudo=(sudo -n)
installed=() # the packages this script installed, purged at the end
# The objects its programs make: a tree of names of its own, in session 0, whoever runs this.
export KOBJNS_ROOT=debtest$$ KOBJNS_SESSION=0
cleanup() {
  if [ "${#installed[@]}" -gt 0 ]; then
    "${sudo[@]}" dpkg -P "${installed[@]}" >/dev/null
    installed=()
  fi
  rm -f /dev/shm/kobjns."$KOBJNS_ROOT".*
  if [ "${KOBJNS_DEBIAN_KEEP:-0}" = 1 ]; then echo "kept: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- 1. build ---------------------------------------------------------------------------------
copy_tree() {
  mkdir "$tree"
  if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    # Tracked and untracked-but-not-ignored files as they are now (build directories, fetched
    # sources and debhelper's leftovers are ignored); a tracked file deleted in the work tree
    # is not copied.
    git ls-files -z -c -o --exclude-standard --deduplicate |
      while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done |
      tar --null -T - -cf - | tar -xf - -C "$tree"
  else
    # Not a git checkout (a release tarball): all of it but what .gitignore names.
    tar --exclude-vcs --exclude='./build*' --exclude='./obj-*' --exclude='./subprojects/cunit-*' \
      --exclude='./subprojects/packagecache' --exclude='./subprojects/packagefiles/cunit_*.orig.tar.*' \
      -cf - . | tar -xf - -C "$tree"
  fi
}
build() {
  (cd "$tree" && dpkg-buildpackage -b -us -uc) >"$work/build.log" 2>&1 || {
    tail -40 "$work/build.log"
    return 1
  }
  # What the build-time tests said (debian/rules: the quick suites), and what was built.
  grep -E '^(Ok|Fail|Skipped|Timeout): ' "$work/build.log" | tr -s ' ' | paste -sd ' ' -
  for deb in "$work"/*.deb; do basename "$deb"; done
}
start=$SECONDS
if check build-tree copy_tree && check build build; then
  echo "-- built in $((SECONDS - start)) s"
  built=1
else
  built=0
fi
changes=$work/kobjns_${version}_${arch}.changes

# --- 2. lintian -------------------------------------------------------------------------------
# An error (E:) fails; warnings, and the overridden tags (O:, each with its reason in
# debian/*.lintian-overrides), are shown. (With --show-overrides, lintian's exit status counts
# an overridden error as an error: the E: lines decide.) Its own warning about running as root
# is left out.
lint() {
  local rc=0 report
  report=$(lintian --show-overrides "$1" 2>&1) || rc=$?
  grep -v '^running with root privileges' <<<"$report"
  # 0: nothing at the threshold; 2: tags at it (overridden ones included); else lintian failed.
  [ "$rc" = 0 ] || [ "$rc" = 2 ] || { echo "lintian exited with $rc"; return 1; }
  ! grep -q '^E: ' <<<"$report"
}
if [ "$built" = 1 ]; then
  check lintian lint "$changes"
else
  result lintian SKIP "no packages built"
fi

# --- 3. install and use -----------------------------------------------------------------------
packages=()
if [ "$built" = 1 ]; then
  for deb in "$work"/*.deb; do
    name=$(dpkg-deb -f "$deb" Package)
    [[ $name == *-dbgsym ]] || packages+=("$name")
  done
fi
why=""
if [ "$built" = 0 ]; then
  why="no packages built"
elif [ "${KOBJNS_DEBIAN_INSTALL:-1}" = 0 ]; then
  why="KOBJNS_DEBIAN_INSTALL=0"
elif [ "${#sudo[@]}" -gt 0 ] && ! "${sudo[@]}" true 2>/dev/null; then
  why="installing needs root (or sudo without a password)"
else
  for p in "${packages[@]}"; do
    # Anything but "not-installed" (unknown to dpkg: nothing) is there in some state.
    st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null) || st=""
    if [ -n "$st" ] && [[ $st != *not-installed ]]; then
      why="$p is on this system already ($st; this check would purge it afterwards)"
      break
    fi
  done
fi
install_checks=(install pkg-config-kobjns pkg-config-kobjns-static pkg-config-kobjns-winapi cli
  man purge shm-left)
if [ -n "$why" ]; then
  for c in "${install_checks[@]}"; do result "$c" SKIP "$why"; done
else
  debs=()
  for p in "${packages[@]}"; do debs+=("$work/${p}_${version}_${arch}.deb"); done
  installed=("${packages[@]}") # from here on the trap purges them, whatever happens
  check install "${sudo[@]}" dpkg -i "${debs[@]}"
  # What is installed, not a build directory: no PKG_CONFIG_PATH of the caller.
  unset PKG_CONFIG_PATH PKG_CONFIG_LIBDIR LD_LIBRARY_PATH
  out=$work/programs
  mkdir -p "$out"
  cat >"$out/section.c" <<'EOF'
/* A program against the installed libkobjns: create a named section, open it by name, share
 * its memory, print the version. */
#include <kobjns.h>
#include <stdio.h>
#include <string.h>

int main(void) {
  kobjns_section *a, *b;
  void *va, *vb;
  int rc = kobjns_section_create(NULL, "Local\\debian", 4096, KOBJNS_MAP_WRITE, NULL, &a);
  if (KOBJNS_FAILED(rc)) return fprintf(stderr, "create: %d %s\n", rc, kobjns_status_name(rc)), 1;
  rc = kobjns_section_open(NULL, "debian", KOBJNS_MAP_READ, &b);
  if (!KOBJNS_SUCCEEDED(rc)) return fprintf(stderr, "open: %d %s\n", rc, kobjns_status_name(rc)), 1;
  if (kobjns_section_map(a, KOBJNS_MAP_WRITE, 0, 0, &va) || kobjns_section_map(b, KOBJNS_MAP_READ, 0, 0, &vb))
    return fprintf(stderr, "map failed\n"), 1;
  strcpy(va, "shared");
  int same = strcmp(vb, "shared") == 0;
  kobjns_unmap(va), kobjns_unmap(vb);
  kobjns_section_close(b), kobjns_section_close(a);
  if (!same || strcmp(kobjns_version_string(), KOBJNS_VERSION_STRING))
    return fprintf(stderr, "not shared, or version %s built against %s\n", kobjns_version_string(),
                   KOBJNS_VERSION_STRING), 1;
  printf("section: created, opened, shared; kobjns %s\n", kobjns_version_string());
  return 0;
}
EOF
  cat >"$out/winapi.c" <<'EOF'
/* A Win32 program against the installed libkobjns-winapi: a named file mapping opened by name. */
#include <windows.h>
#include <stdio.h>
#include <string.h>

int main(void) {
  HANDLE a = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 4096, "Local\\debian-winapi");
  if (!a) return fprintf(stderr, "CreateFileMapping: error %lu\n", (unsigned long)GetLastError()), 1;
  HANDLE b = OpenFileMappingA(FILE_MAP_READ, FALSE, "debian-winapi");
  if (!b) return fprintf(stderr, "OpenFileMapping: error %lu\n", (unsigned long)GetLastError()), 1;
  char *va = MapViewOfFile(a, FILE_MAP_WRITE, 0, 0, 0), *vb = MapViewOfFile(b, FILE_MAP_READ, 0, 0, 0);
  if (!va || !vb) return fprintf(stderr, "MapViewOfFile: error %lu\n", (unsigned long)GetLastError()), 1;
  strcpy(va, "shared");
  int same = strcmp(vb, "shared") == 0;
  UnmapViewOfFile(va), UnmapViewOfFile(vb), CloseHandle(b), CloseHandle(a);
  if (!same) return fprintf(stderr, "the views do not share memory\n"), 1;
  printf("winapi: CreateFileMapping, OpenFileMapping, MapViewOfFile: shared\n");
  return 0;
}
EOF
  cc=${CC:-cc}
  libdir=/usr/lib/$(dpkg-architecture -qDEB_HOST_MULTIARCH)
  # runs_with PROGRAM SONAME: the loader finds the installed library (the same file as
  # $libdir/SONAME: with merged /usr, ldd may name it through /lib), not another copy.
  runs_with() {
    local found
    found=$(ldd "$1" | awk -v so="$2" '$1 == so { print $3 }')
    if [ -z "$found" ] || [ "$(realpath "$found")" != "$(realpath "$libdir/$2")" ]; then
      echo "$(basename "$1") does not run with $libdir/$2:"
      ldd "$1"
      return 1
    fi
    echo "$(basename "$1") runs with $found"
  }
  kobjns_program() {
    # shellcheck disable=SC2046 # the flags are words
    "$cc" -std=c11 -Wall -Wextra -Werror -o "$out/section" "$out/section.c" \
      $(pkg-config --cflags --libs kobjns) || return 1
    echo "pkg-config --cflags --libs kobjns: $(pkg-config --cflags --libs kobjns | sed 's/ *$//')"
    runs_with "$out/section" libkobjns.so.0 || return 1
    "$out/section"
  }
  kobjns_static_program() {
    # The archive, and what pkg-config --static adds for it (nettle, -pthread, -lrt).
    local libs
    libs=$(pkg-config --static --libs kobjns | sed 's/-lkobjns\b/-l:libkobjns.a/')
    # shellcheck disable=SC2046,SC2086
    "$cc" -std=c11 -Wall -Wextra -Werror -o "$out/section-static" "$out/section.c" \
      $(pkg-config --static --cflags kobjns) $libs || return 1
    ! readelf -d "$out/section-static" | grep -q libkobjns ||
      { echo "the static program still needs libkobjns.so"; return 1; }
    "$out/section-static"
  }
  winapi_program() {
    # shellcheck disable=SC2046
    "$cc" -std=c11 -Wall -Wextra -Werror -o "$out/winapi" "$out/winapi.c" \
      $(pkg-config --cflags --libs kobjns-winapi) || return 1
    runs_with "$out/winapi" libkobjns-winapi.so.0 || return 1
    [ "$(pkg-config --cflags --libs kobjns-win32)" = "$(pkg-config --cflags --libs kobjns-winapi)" ] ||
      { echo "pkg-config kobjns-win32 (the name before 0.2) differs from kobjns-winapi"; return 1; }
    "$out/winapi"
  }
  cli() {
    local v
    v=$(/usr/bin/kobjns --version) || return 1
    echo "$v"
    [ "$v" = "kobjns $upstream" ] || { echo "want \"kobjns $upstream\""; return 1; }
    /usr/bin/kobjns ls --all >/dev/null
  }
  shm_left() {
    local left
    left=$(find /dev/shm -maxdepth 1 -name "kobjns.$KOBJNS_ROOT.*" -print)
    [ -z "$left" ] || { echo "left in /dev/shm: $left"; return 1; }
  }
  check pkg-config-kobjns kobjns_program
  check pkg-config-kobjns-static kobjns_static_program
  if [[ " ${packages[*]} " == *" libkobjns-winapi-dev "* ]]; then
    check pkg-config-kobjns-winapi winapi_program
  else
    result pkg-config-kobjns-winapi SKIP "no libkobjns-winapi-dev on $arch"
  fi
  check cli cli
  if command -v man >/dev/null; then
    check man bash -c 'man -w kobjns && man -w kobjns | grep -q "^/usr/share/man/man1/kobjns\.1"'
  else
    result man SKIP "no man (man-db)"
  fi
  purge() {
    "${sudo[@]}" dpkg -P "${installed[@]}" || return 1
    local p st
    for p in "${installed[@]}"; do
      st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null) || st=""
      if [ -n "$st" ] && [[ $st != *not-installed ]]; then
        echo "still there after dpkg -P: $p ($st)"
        return 1
      fi
    done
  }
  check purge purge && installed=()
  check shm-left shm_left
fi

echo "debian: $passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
