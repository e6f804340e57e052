#!/bin/sh
# The public headers compile on their own, as a strict user compiles them: each header alone
# in a translation unit (twice: the include guard), and all of them together, with
# -std=STD -pedantic -Wall -Wextra -Werror (C: c99, c11; C++: c++11, c++17). Compile-only.
#   check-headers.sh STD COMPILER [ARGS...] -- [-I DIRS...] -- HEADER...
#   HEADER: a name as a program includes it (kobjns.h, conio.h), found through the -I DIRS.
set -eu
std=$1
shift
compiler=""
while [ "$1" != -- ]; do
  compiler="$compiler '$1'"
  shift
done
shift
dirs=""
while [ "$1" != -- ]; do
  dirs="$dirs '$1'"
  shift
done
shift
case $std in
  c++*) lang=c++ main='int main() { return 0; }' ;;
  *) lang=c main='int main(void) { return 0; }' ;;
esac
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0 failed=0
check() { # NAME HEADER...
  name=$1
  shift
  : >"$work/$name.src"
  for h in "$@"; do
    printf '#include <%s>\n#include <%s>\n' "$h" "$h" >>"$work/$name.src"
  done
  printf '%s\n' "$main" >>"$work/$name.src"
  if eval "$compiler -x $lang -std=$std -pedantic -Wall -Wextra -Werror -fsyntax-only $dirs" \
    '"$work/$name.src"' >"$work/$name.err" 2>&1; then
    passed=$((passed + 1))
  else
    echo "FAIL: $* with -std=$std:"
    cat "$work/$name.err"
    failed=$((failed + 1))
  fi
}
i=0
for h in "$@"; do
  i=$((i + 1))
  check "one$i" "$h"
done
check all "$@"
echo "$passed passed, $failed failed: $* as $lang -std=$std -pedantic -Wall -Wextra -Werror"
[ "$failed" = 0 ]
