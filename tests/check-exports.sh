#!/bin/sh
# The shared library exports exactly the public API: the list in tests/kobjns.symbols.
# Usage: check-exports.sh TOOL LIBRARY SYMBOLS-FILE
#   TOOL is nm for an ELF shared object, objdump for a PE DLL (its export table).
set -eu
tool=$1 library=$2 expected=$3
case "$library" in
  *.dll)
    actual=$("$tool" -p "$library" |
      sed -n '/^\[Ordinal\/Name Pointer\] Table/,/^$/p' |
      sed -n 's/^[[:space:]]*\[ *[0-9]*\] //p' | sort) ;;
  *)
    actual=$("$tool" -D --defined-only "$library" | awk '{print $3}' | sort) ;;
esac
if [ "$actual" != "$(cat "$expected")" ]; then
  echo "exported symbols differ from $expected (< expected, > actual):"
  printf '%s\n' "$actual" | diff "$expected" - || true
  exit 1
fi
echo "1 passed, 0 failed: $(printf '%s\n' "$actual" | wc -l) symbols exported, as listed"
