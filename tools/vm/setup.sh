#!/bin/bash
# Everything the build and the tests need on this machine, each step idempotent and timed:
# host packages, the bench kernels, checkpatch and kselftest headers, the guest rootfs.
set -euo pipefail
. "$(dirname "$0")/common.sh"
step() {
	local t0=$SECONDS
	"$@"
	local n=$1
	[ "$n" = as_root ] && n=$2
	printf 'setup: %-28s %4ds\n' "${n##*/}" $((SECONDS - t0))
}
# Package installation and debootstrap need root; everything else runs as the caller.
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo -E "$@"; fi; }
step as_root "$K4A_ROOT/tools/vm/setup-host.sh"
step "$K4A_ROOT/tools/vm/kernels.sh" fetch
step "$K4A_ROOT/tools/vm/kernel-tools.sh"
step as_root "$K4A_ROOT/tools/vm/mkrootfs.sh"
for k in $("$K4A_ROOT/tools/vm/kernels.sh" list) $("$K4A_ROOT/tools/vm/kernels.sh" ref); do
	K=$K4A_CACHE/kernels/$k
	if [ ! -f "$K/initramfs.cpio.gz" ] || [ "$K4A_ROOT/tools/vm/guest-init.sh" -nt "$K/initramfs.cpio.gz" ]; then
		step "$K4A_ROOT/tools/vm/mkinitramfs.sh" "$k"
	fi
done
