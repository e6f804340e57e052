#!/usr/bin/env bash
# Installs what kobjns needs from Debian's packages (only what is missing), then configures the
# native build in build/. Used by tools/demo and tools/test; safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(gcc meson ninja-build pkg-config libcunit1-dev nettle-dev)
[ "${KOBJNS_SETUP_CROSS:-0}" = 1 ] && packages+=(gcc-mingw-w64-x86-64 wine64 libwine-dev dpkg-dev)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo=sudo
  echo "kobjns: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ -d build ]; then
  meson setup --reconfigure build -Dwerror=true >/dev/null
else
  meson setup build -Dwerror=true >/dev/null
fi
ninja -C build >/dev/null
