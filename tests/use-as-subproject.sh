#!/usr/bin/env bash
# kobjns as a Meson subproject: a consumer project (tests/consumer) with this source tree copied
# into its subprojects/ directory and a wrap file that provides the dependency, configured
# (-Ddefault_library=shared, as distributions pass it, for the subproject too), built and run.
# Exactly what a user's project does with `dependency('kobjns')`. As a subproject, kobjns builds
# its libraries and command but not its tests, benchmark or examples, unless the superproject
# asks (-Dkobjns:tests=enabled, ...): checked in the build's targets and tests.
#   use-as-subproject.sh SOURCE_DIR
set -euo pipefail
# The consumer's objects in a tree of names of their own, in session 0, whoever runs this.
export KOBJNS_ROOT=pkgtest$$ KOBJNS_SESSION=0
source=$(cd "$1" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$source/tests/consumer" "$work/consumer"
mkdir -p "$work/consumer/subprojects/kobjns"
# The source tree without build directories or VCS data.
tar -C "$source" --exclude='./build*' --exclude='./.git' --exclude='./subprojects/packagecache' \
  -cf - . | tar -C "$work/consumer/subprojects/kobjns" -xf -
cat > "$work/consumer/subprojects/kobjns.wrap" <<'WRAP'
[wrap-file]
directory = kobjns

[provide]
kobjns = kobjns_dep
WRAP
cd "$work/consumer"
meson setup build --wrap-mode=nodownload -Ddefault_library=shared >/dev/null
ninja -C build >/dev/null
./build/consumer
passed=1
# targets BUILD: the names of the build's targets, one a line.
targets() { meson introspect "$1" --targets | python3 -c 'import json,sys; print("\n".join(t["name"] for t in json.load(sys.stdin)))'; }
not_asked='^kobjns-(tests|bench|bench-win32|example-.*|flat|stress|soak|conform|fuzz-.*)$'
built=$(targets build)
if printf '%s\n' "$built" | grep -E -q "$not_asked"; then
  echo "as a subproject, kobjns built what no one asked for: $(printf '%s\n' "$built" | grep -E "$not_asked" | tr '\n' ' ')"
  exit 1
fi
printf '%s\n' "$built" | grep -q -x kobjns || { echo "the subproject has no library target"; exit 1; }
[ "$(meson introspect build --tests)" = "[]" ] || { echo "the subproject defined tests"; exit 1; }
# Asked for, they are there (configured only: the native build has built them all already).
meson setup asked --wrap-mode=nodownload -Dkobjns:tests=enabled -Dkobjns:bench=enabled >/dev/null
asked=$(targets asked)
for t in kobjns-tests kobjns-bench; do
  printf '%s\n' "$asked" | grep -q -x "$t" || { echo "-Dkobjns:tests/bench=enabled: no $t"; exit 1; }
done
passed=$((passed + 1))
echo "ok: as a subproject, no tests, benchmark or examples unless asked for (and then there)"
# Where Wine's headers are (the default -Dwine_include_dir), the subproject has libkobjns-winapi
# and the consumer builds its console program with it.
if [ -e /usr/include/wine/wine/windows/windows.h ]; then
  [ "$(printf k | ./build/console)" = k ] || { echo "the console program did not answer its key"; exit 1; }
  passed=$((passed + 1))
fi
echo "$passed passed, 0 failed: dependency('kobjns') from a subproject built and ran"
