# Guest half of `make demo`: three emulated Azure Kinect units on a daisy-chained sync cable,
# bound and paired by k4a.ko, configured for hardware sync through sysfs.
. "$K4A_ROOT/tools/vm/guest-lib.sh"
UNITS=${K4A_DEMO_UNITS:-3}
SOCK=/run/k4a-emu.sock
emu() { "$K4A_BUILD/bin/k4a-emu" "$@"; }
unit_dirs() { ls -d /sys/bus/usb/drivers/k4a/*/k4a/k4a* 2>/dev/null | sort -t a -k3 -n; }
show() {
	printf '  %-8s %-14s %-12s %-8s %-13s %-13s %-6s %-6s\n' unit serial mode state sync_in sync_out sub_us depth_us
	for d in $(unit_dirs); do
		printf '  %-8s %-14s %-12s %-8s %-13s %-13s %-6s %-6s\n' "${d##*/}" "$(cat "$d/serial")" \
			"$(cat "$d/sync_mode")" "$(cat "$d/state")" "$(cat "$d/sync_in_jack")" \
			"$(cat "$d/sync_out_jack")" "$(cat "$d/subordinate_delay_off_master_usec")" \
			"$(cat "$d/depth_delay_off_color_usec")"
	done
}
try_write() {
	# try_write FILE VALUE: show what the driver answers
	# coreutils printf: it reports the errno of a failed write (dash's builtin does not)
	if /usr/bin/printf '%s' "$2" > "$1" 2> /tmp/err; then
		echo "  echo $2 > ${1##*/}: accepted, reads back $(cat "$1")"
	else
		echo "  echo $2 > ${1##*/}: refused: $(sed 's/.*: //' /tmp/err)"
	fi
}

echo "== Debian kernel $(uname -r); loading vhci-hcd and k4a.ko"
modprobe vhci-hcd || exit 1
k4a_load || exit 1
echo "== starting the emulator: $UNITS units, daisy-chained sync cables"
emu -n "$UNITS" -t daisy -c "$SOCK" > "$K4A_OUT/emu.log" 2>&1 &
emu_pid=$!
for i in $(seq 60); do
	[ "$(unit_dirs | wc -l)" -ge "$UNITS" ] && break
	sleep 1
done
lsusb -d 045e:
echo "== units formed by Container ID (dmesg):"
dmesg | grep -E 'k4a k4a[0-9]+:' | sed 's/^\[[^]]*\] /  /'
[ "$(unit_dirs | wc -l)" -ge "$UNITS" ] || { echo "only $(unit_dirs | wc -l) units formed"; exit 1; }
echo "== per-unit sysfs (found from /sys/bus/usb/drivers/k4a):"
show
set -- $(unit_dirs)
master=$1
shift
# Depth windows at least 160 us apart in whole 90 kHz ticks: 15 ticks = 166.7 us per step
# (160 us written literally would truncate to 14 ticks, 155.6 us).
echo "== configure: $(cat "$master/serial") master, the others subordinate, depth lasers 15 ticks (166.7 us) apart"
try_write "$master/sync_mode" master
n=1
for d in "$@"; do
	try_write "$d/sync_mode" subordinate
	try_write "$d/depth_delay_off_color_usec" $(((1500 * n + 8) / 9))
	n=$((n + 1))
done
show
echo "== the driver refuses what the device cannot do, and changes nothing:"
try_write "$master/subordinate_delay_off_master_usec" 100
try_write "$1/subordinate_delay_off_master_usec" 40000
try_write "$1/depth_delay_off_color_usec" 100
try_write "$1/sync_mode" mastre
eval last=\${$#}
echo "  ($(cat "$last/serial") ends the chain: nothing in its Sync Out jack)"
try_write "$last/sync_mode" master
show
echo "== unplug the sync cable into emulated unit 1's Sync In: the jack states follow"
emu ctl "$SOCK" cable 1 cut 2>&1 | sed 's/^/  emu: /'
sleep 1
show
emu ctl "$SOCK" quit > /dev/null 2>&1 || kill "$emu_pid"
wait "$emu_pid"
k4a_unload || exit 1
echo "== emulator stopped, k4a unloaded; the bench checks the kernel log of the whole run"
