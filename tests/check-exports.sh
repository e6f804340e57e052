#!/bin/sh
# A library exports exactly the public API: the list in tests/<library>.symbols.
# Usage: check-exports.sh TOOL LIBRARY SYMBOLS-FILE [VERSION-NODE]
#   LIBRARY an ELF shared object (TOOL: nm): its dynamic symbols are the list, and with a
#           VERSION-NODE (the linker version script's), each is in that node and the node is the
#           only version the library defines;
#   LIBRARY a DLL (TOOL: objdump): its export table is the list;
#   LIBRARY a static archive for Windows (TOOL: objdump): each listed symbol is defined, and no
#           object carries an export directive (dllexport), which a program linking it would
#           export;
#   LIBRARY an ELF static archive (TOOL: readelf): the symbols its objects define with default
#           visibility are the list, and every other global symbol starts with kobjns_ (a
#           program linking it meets no other name).
set -eu
tool=$1 library=$2 expected=$3 node=${4-}
fail() {
  echo "$library: $1"
  exit 1
}
compare() { # ACTUAL WHAT
  if [ "$1" != "$(cat "$expected")" ]; then
    echo "$2 differ from $expected (< expected, > actual):"
    printf '%s\n' "$1" | diff "$expected" - || true
    exit 1
  fi
}
checks=1
case "$library" in
  *.dll)
    actual=$("$tool" -p "$library" |
      sed -n '/^\[Ordinal\/Name Pointer\] Table/,/^$/p' |
      sed -n 's/^[[:space:]]*\[ *[0-9]*\] //p' | LC_ALL=C sort)
    compare "$actual" "exported symbols" ;;
  *.a)
    case "$tool" in
      *objdump*)
        # Global (storage class 2) symbols defined in a section (not 0: undefined).
        defined=$("$tool" -t "$library" | awk '/\(scl +2\)/ && !/\(sec +0\)/ {print $NF}' | LC_ALL=C sort -u)
        missing=$(printf '%s\n' "$defined" | LC_ALL=C comm -13 - "$expected")
        [ -z "$missing" ] || fail "does not define $(echo $missing)"
        ! grep -a -q -- '-export:' "$library" || fail "an object carries an export directive (dllexport)"
        checks=2 ;;
      *)
        symbols=$("$tool" -sW "$library" |
          awk '($5 == "GLOBAL" || $5 == "WEAK") && $7 != "UND" {print $6, $8}')
        actual=$(printf '%s\n' "$symbols" | awk '$1 == "DEFAULT" {print $2}' | LC_ALL=C sort)
        compare "$actual" "symbols of default visibility"
        others=$(printf '%s\n' "$symbols" | awk '$1 != "DEFAULT" && $2 !~ /^kobjns_/ {print $2}')
        [ -z "$others" ] || fail "global symbols without the kobjns_ prefix: $(echo $others)"
        checks=2 ;;
    esac ;;
  *)
    # nm prints a versioned symbol as name@@NODE, and the node itself as an absolute symbol.
    dynamic=$("$tool" -D --defined-only "$library" | awk '{print $3}')
    actual=$(printf '%s\n' "$dynamic" | sed 's/@.*//' | grep -v -x -e "${node:-.^}" | LC_ALL=C sort)
    compare "$actual" "exported symbols"
    if [ -n "$node" ]; then
      unversioned=$(printf '%s\n' "$dynamic" | grep -v -x -e "$node" | grep -v -e "@@$node\$" || true)
      [ -z "$unversioned" ] || fail "symbols outside the version node $node: $(echo $unversioned)"
      printf '%s\n' "$dynamic" | grep -q -x -e "$node" || fail "no version node $node"
      checks=2
    fi ;;
esac
echo "$checks passed, 0 failed: $(wc -l <"$expected") symbols exported, as listed${node:+, in $node}"
