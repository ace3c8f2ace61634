#!/bin/bash
# build-module.sh KVER|custom [kbuild args...]
# Build k4a.ko for one kernel into $K4A_BUILD/kmod/KVER/k4a.ko. Kbuild writes objects beside
# the sources, so each kernel gets its own copy of Kbuild, driver/ and uapi/ (synced by
# content: unchanged files keep their timestamps, so rebuilds stay incremental; a changed file
# is written with the current time, so make rebuilds it even when the source's own time is
# older than the object, as after a checkout of an older revision).
# Kernel tree: $KDIR if set; else the bench kernel's unpacked headers; else
# /lib/modules/KVER/build (a real machine).
set -euo pipefail
. "$(dirname "$0")/vm/common.sh"
k=${1:?KVER}
shift
if [ -n "${KDIR:-}" ]; then
	kd=$KDIR
elif [ -f "$K4A_CACHE/kernels/$k/.complete" ]; then
	kd=$K4A_CACHE/kernels/$k/root/usr/src/linux-headers-$k
else
	kd=/lib/modules/$k/build
fi
[ -f "$kd/Makefile" ] || k4a_die "no kernel build tree at $kd (linux-headers-$k installed?)"
d=$K4A_BUILD/kmod/$k
mkdir -p "$d"
rsync -rl --checksum --delete --include='/Kbuild' --include='/driver/' --include='/driver/**' \
	--include='/uapi/' --include='/uapi/**' --exclude='*' "$K4A_ROOT/" "$d/src/"
rsync -rl --checksum "$d/src/" "$d/"
# Files removed from the tree must not linger in the build copy.
(cd "$d" && find driver uapi -name '*.[ch]' 2>/dev/null) | while read -r f; do
	[ -f "$d/src/$f" ] || rm -f "$d/$f" "$d/${f%.c}.o"
done
echo "  KBUILD  $d/k4a.ko"
make -s -C "$kd" M="$d" "$@" modules
