#!/bin/bash
# vm-run.sh KVER GUEST_SCRIPT [ARGS...]
# Boot Debian's stock kernel KVER under QEMU and run GUEST_SCRIPT (as root, /bin/sh, cwd = the
# repository at the same absolute path as here) with ARGS. The guest sees:
#   K4A_KVER, K4A_ROOT, K4A_BUILD, K4A_KO (build/kmod/KVER/k4a.ko), K4A_OUT (results dir, rw).
# Host environment:
#   RUNDIR   results directory (default build/runs/<time>-<pid>): log, dmesg.txt, console.log,
#            rc, tainted, uptime-start/end, and whatever the script writes to $K4A_OUT
#   TIMEOUT  seconds before QEMU is killed (default 3600: only for a hung guest; a test's
#            own waits are for conditions)                     MEM, SMP  guest size (2G, 2)
#   ACCEL    tcg (default; the only one that works on these machines) | kvm
#   QUIET=1  do not echo the console
# Exit status: the script's; 124 on timeout; 125 if the guest never ran it; 99 when the script
# passed but the guest kernel log shows a warning/BUG/oops/lockdep/... report (dmesg-check.sh).
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/common.sh"
KVER=${1:?usage: vm-run.sh KVER GUEST_SCRIPT [ARGS...]}
SCRIPT=${2:?usage: vm-run.sh KVER GUEST_SCRIPT [ARGS...]}
shift 2
K=$K4A_CACHE/kernels/$KVER
ROOTFS=$K4A_CACHE/rootfs
[ -f "$K/.complete" ] || k4a_die "kernel $KVER missing: run make setup"
[ -f "$ROOTFS/.complete" ] || k4a_die "guest rootfs missing: run make setup"
[ -f "$SCRIPT" ] || k4a_die "no guest script $SCRIPT"
if [ ! -f "$K/initramfs.cpio.gz" ] || [ "$HERE/guest-init.sh" -nt "$K/initramfs.cpio.gz" ] ||
   [ "$HERE/mkinitramfs.sh" -nt "$K/initramfs.cpio.gz" ]; then
	"$HERE/mkinitramfs.sh" "$KVER" || exit 125
fi
case "${ACCEL:-tcg}" in
kvm) acc=(-enable-kvm -cpu host) ;;
*) acc=(-accel tcg,thread=multi -cpu max) ;;
esac
RUNDIR=${RUNDIR:-$K4A_BUILD/runs/$(date +%Y%m%d-%H%M%S)-$$}
mkdir -p "$RUNDIR"
RUNDIR=$(cd "$RUNDIR" && pwd)
rm -f "$RUNDIR"/{rc,log,dmesg.txt,tainted,uptime-start,uptime-end,console.log}
{
	printf 'export K4A_KVER=%q K4A_ROOT=%q K4A_BUILD=%q K4A_OUT=/run/vmout\n' \
		"$KVER" "$K4A_ROOT" "$K4A_BUILD"
	printf 'export K4A_KO=%q\n' "$K4A_BUILD/kmod/$KVER/k4a.ko"
} > "$RUNDIR/env.sh"
{
	printf 'set --'
	[ $# -eq 0 ] || printf ' %q' "$@"
	echo
	cat "$SCRIPT"
} > "$RUNDIR/cmd.sh"

t0=${EPOCHREALTIME/./}
elapsed() {
	local d=$((${EPOCHREALTIME/./} - t0))
	printf '%d.%03d' $((d / 1000000)) $(((d % 1000000) / 1000))
}
boot() {
	timeout -k 5 "${TIMEOUT:-3600}" qemu-system-x86_64 \
		"${acc[@]}" -m "${MEM:-2G}" -smp "${SMP:-2}" \
		-nographic -no-reboot -nic none -pidfile "$RUNDIR/qemu.pid" \
		-kernel "$K/vmlinux" -initrd "$K/initramfs.cpio.gz" \
		-append "console=ttyS0 quiet panic=-1 no_timer_check k4a.repo=$K4A_ROOT" \
		-virtfs "local,path=$ROOTFS,mount_tag=rootfs,security_model=none,readonly=on,multidevs=remap" \
		-virtfs "local,path=$K/root/lib/modules,mount_tag=modules,security_model=none,readonly=on" \
		-virtfs "local,path=$K4A_ROOT,mount_tag=repo,security_model=none,readonly=on,multidevs=remap" \
		-virtfs "local,path=$RUNDIR,mount_tag=out,security_model=none" \
		< /dev/null 2>&1 | while IFS= read -r l; do
			l=${l%$'\r'}
			printf '[%7s] %s\n' "$(elapsed)" "$l" >> "$RUNDIR/console.log"
			[ "${QUIET:-0}" = 1 ] || printf '[%7s] %s\n' "$(elapsed)" "$l"
		done
	qrc=${PIPESTATUS[0]}
}
boot
# QEMU itself killed by a signal (an assertion in its TCG code under host load has been seen)
# before the guest reached the script: nothing was tested, so boot once more.
if [ "$qrc" -gt 128 ] && [ "$qrc" != 137 ] && [ ! -f "$RUNDIR/uptime-start" ]; then
	echo "vm-run: $KVER: QEMU died (exit $qrc) before the guest was ready: booting again" >&2
	tail -n 3 "$RUNDIR/console.log" >&2
	mv "$RUNDIR/console.log" "$RUNDIR/console-qemu-died.log"
	boot
fi
printf 'vm-run: %s: qemu exited %s after %ss (guest ready at %ss uptime), results in %s\n' \
	"$KVER" "$qrc" "$(elapsed)" "$(cat "$RUNDIR/uptime-start" 2>/dev/null || echo ?)" "$RUNDIR" >&2
[ "$qrc" = 124 ] && { echo "vm-run: timeout after ${TIMEOUT:-3600}s" >&2; exit 124; }
if [ ! -f "$RUNDIR/rc" ]; then
	echo "vm-run: the guest script did not run to completion" >&2
	"$HERE/dmesg-check.sh" "$RUNDIR/console.log" >&2 || true	# a panic, a wedged CPU
	exit 125
fi
rc=$(cat "$RUNDIR/rc")
if ! "$HERE/dmesg-check.sh" "$RUNDIR/dmesg.txt" "$RUNDIR/tainted" >&2; then
	echo "vm-run: FAILED: guest kernel log has reports (script rc $rc)" >&2
	exit 99
fi
exit "$rc"
