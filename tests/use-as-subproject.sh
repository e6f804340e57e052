#!/usr/bin/env bash
# kobjns as a Meson subproject: a consumer project (tests/consumer) with this source tree copied
# into its subprojects/ directory and a wrap file that provides the dependency, configured,
# built and run. Exactly what a user's project does with `dependency('kobjns')`.
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
meson setup build --wrap-mode=nodownload -Dkobjns:tests=false >/dev/null
ninja -C build >/dev/null
./build/consumer
passed=1
# Where Wine's headers are (the default -Dwine_include_dir), the subproject has libkobjns-winapi
# and the consumer builds its console program with it.
if [ -e /usr/include/wine/wine/windows/windows.h ]; then
  [ "$(printf k | ./build/console)" = k ] || { echo "the console program did not answer its key"; exit 1; }
  passed=2
fi
echo "$passed passed, 0 failed: dependency('kobjns') from a subproject built and ran"
