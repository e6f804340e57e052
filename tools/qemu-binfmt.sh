#!/usr/bin/env bash
# Lets the kernel run aarch64 programs through qemu-user (binfmt_misc), for tools/test's aarch64
# leg: the tests start their own binary and the library starts programs, and under qemu-user an
# exec of an aarch64 binary fails (ENOEXEC) unless binfmt_misc knows qemu.
#   tools/qemu-binfmt.sh on [OWNER_PID]   prints what to undo (one word, for "off"); exits 1 with
#                                          the reason on stdout when it cannot be done
#   tools/qemu-binfmt.sh off STATE        undoes what "on" did
# "on" is idempotent: an enabled aarch64 entry that is not ours (e.g. Debian's qemu-user-binfmt)
# is used as it is (STATE "none"); otherwise it registers an entry of its own,
# kobjns-aarch64-OWNER_PID (one per run, so that runs side by side never remove each other's;
# those of runs no longer alive are removed first), mounting binfmt_misc first if needed
# (STATE "kobjns-aarch64-PID" or "kobjns-aarch64-PID,mounted"). Needs root.
set -euo pipefail
dir=/proc/sys/fs/binfmt_misc
qemu=/usr/bin/qemu-aarch64
# The standard aarch64 ELF match (qemu's scripts/qemu-binfmt-conf.sh): ELFCLASS64, little-endian,
# version 1, any OS ABI, ET_EXEC or ET_DYN (e_type 2 or 3: mask 0xfe), e_machine 0xb7 (EM_AARCH64).
magic='\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\xb7\x00'
mask='\xff\xff\xff\xff\xff\xff\xff\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff'
# The same as binfmt_misc shows an entry's magic (hex, lower case).
magic_hex=7f454c460201010000000000000000000200b700

on() {
  local owner=$1 mounted="" entry f
  [ "$(id -u)" = 0 ] || {
    echo "binfmt_misc needs root to register qemu-aarch64"
    exit 1
  }
  [ -x "$qemu" ] || {
    echo "no $qemu (Debian's qemu-user)"
    exit 1
  }
  if [ ! -e "$dir/register" ]; then
    local err
    if ! err=$(mount -t binfmt_misc binfmt_misc "$dir" 2>&1); then
      echo "binfmt_misc is not mounted and mounting it was refused: ${err:-no reason given}"
      exit 1
    fi
    mounted=,mounted
  fi
  if [ "$(cat "$dir/status")" != enabled ]; then
    echo "binfmt_misc is disabled ($dir/status)"
    [ -z "$mounted" ] || umount "$dir" 2>/dev/null || true
    exit 1
  fi
  for f in "$dir"/*; do
    case ${f##*/} in register | status) continue ;; esac
    [ -f "$f" ] || continue
    if [[ ${f##*/} == kobjns-aarch64-* ]]; then
      # A run that is no longer alive left its entry: remove it.
      local pid=${f##*-}
      kill -0 "$pid" 2>/dev/null || echo -1 >"$f" 2>/dev/null || true
      continue
    fi
    if grep -qx enabled "$f" && grep -q "^magic $magic_hex" "$f"; then
      echo none # somebody else's handler, e.g. qemu-user-binfmt: use it as it is
      return
    fi
  done
  entry=kobjns-aarch64-$owner
  if [ ! -e "$dir/$entry" ]; then
    # F: the kernel opens qemu now (it works from any mount namespace the tests make); P: argv[0]
    # as the caller gave it (qemu 7.2 reads the flag from AT_FLAGS).
    local err
    if ! err=$({ printf ':%s:M::%s:%s:%s:FP\n' "$entry" "$magic" "$mask" "$qemu" \
      >"$dir/register"; } 2>&1); then
      echo "binfmt_misc refused to register $qemu: ${err:-no reason given}"
      [ -z "$mounted" ] || umount "$dir" 2>/dev/null || true
      exit 1
    fi
  fi
  echo "$entry$mounted"
}

off() {
  local state=$1 entry=${1%,mounted} f
  [ "$state" = none ] && return
  [ -e "$dir/$entry" ] && echo -1 >"$dir/$entry"
  if [[ $state == *,mounted ]]; then
    # Unmounted only if nothing else registered meanwhile.
    for f in "$dir"/*; do
      case ${f##*/} in register | status) ;; *) return ;; esac
    done
    umount "$dir"
  fi
}

case ${1:-} in
on) on "${2:-$PPID}" ;;
off) off "${2:?usage: $0 off STATE}" ;;
*)
  echo "usage: $0 on [OWNER_PID] | off STATE" >&2
  exit 2
  ;;
esac
