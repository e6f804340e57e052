#!/bin/sh
# The shared library exports exactly the public API: the list in tests/kobjns.symbols.
# Usage: check-exports.sh LIBRARY SYMBOLS-FILE
set -eu
actual=$(nm -D --defined-only "$1" | awk '{print $3}' | sort)
if [ "$actual" != "$(cat "$2")" ]; then
  echo "exported symbols differ from $2 (< expected, > actual):"
  printf '%s\n' "$actual" | diff "$2" - || true
  exit 1
fi
echo "1 passed, 0 failed: $(printf '%s\n' "$actual" | wc -l) symbols exported, as listed"
