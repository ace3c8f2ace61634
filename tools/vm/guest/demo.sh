# Guest half of `make demo`: three emulated Azure Kinect units on a daisy-chained sync cable,
# bound and paired by k4a.ko, configured for hardware sync through sysfs. Every step it shows is
# also checked (`make check` runs this script): it exits 1 when one did not do what it says.
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
BAD=0
unexpected() { echo "  UNEXPECTED: $*"; BAD=$((BAD + 1)); }
try_write() {
	# try_write FILE VALUE accept [READBACK] | refuse: show what the driver answers
	# coreutils printf: it reports the errno of a failed write (dash's builtin does not)
	if /usr/bin/printf '%s' "$2" > "$1" 2> /tmp/err; then
		echo "  echo $2 > ${1##*/}: accepted, reads back $(cat "$1")"
		[ "$3" = accept ] || unexpected "the driver accepted $2"
		[ -z "$4" ] || [ "$(cat "$1")" = "$4" ] || unexpected "read back $(cat "$1"), not $4"
	else
		echo "  echo $2 > ${1##*/}: refused: $(sed 's/.*: //' /tmp/err)"
		[ "$3" = refuse ] || unexpected "the driver refused $2"
	fi
}
# unit_of SERIAL: the unit's sysfs directory
unit_of() {
	for d in $(unit_dirs); do [ "$(cat "$d/serial")" = "$1" ] && echo "$d"; done
}

echo "== Debian kernel $(uname -r); loading vhci-hcd and k4a.ko"
modprobe vhci-hcd || exit 1
k4a_load || exit 1
echo "== starting the emulator: $UNITS units, daisy-chained sync cables"
emu -n "$UNITS" -t daisy -c "$SOCK" > "$K4A_OUT/emu.log" 2>&1 &
emu_pid=$!
all_units() { [ "$(unit_dirs | wc -l)" -ge "$UNITS" ]; }
k4a_wait "" all_units
echo "  (all $UNITS units formed $K4A_WAITED s after the emulator started)"
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
try_write "$master/sync_mode" master accept master
n=1
for d in "$@"; do
	try_write "$d/sync_mode" subordinate accept subordinate
	# 15 ticks a step: the value written is the one read back (no truncation)
	try_write "$d/depth_delay_off_color_usec" $(((1500 * n + 8) / 9)) accept $(((1500 * n + 8) / 9))
	n=$((n + 1))
done
show
before=$(show)
echo "== the driver refuses what the device cannot do, and changes nothing:"
try_write "$master/subordinate_delay_off_master_usec" 100 refuse
try_write "$1/subordinate_delay_off_master_usec" 40000 refuse
try_write "$1/depth_delay_off_color_usec" 40000 refuse
try_write "$1/sync_mode" mastre refuse
eval last=\${$#}
echo "  ($(cat "$last/serial") ends the chain: nothing in its Sync Out jack)"
try_write "$last/sync_mode" master refuse
show
[ "$(show)" = "$before" ] || unexpected "a refused write changed the settings"
echo "== unplug the sync cable into emulated unit 1's Sync In: the jack states follow"
emu ctl "$SOCK" cable 1 cut 2>&1 | sed 's/^/  emu: /'
# emulated unit 1 is the second of the chain; its upstream neighbour is unit 0
u0=$(unit_of "$(printf '%012d' 123456701)") u1=$(unit_of "$(printf '%012d' 123456702)")
jacks_follow() {
	[ "$(cat "$u1/sync_in_jack")" = disconnected ] && [ "$(cat "$u0/sync_out_jack")" = disconnected ]
}
# a jack read may be served from a value read from the device a moment earlier
if k4a_wait "" jacks_follow; then
	echo "  (jack states read back $K4A_WAITED s after the cut)"
else
	unexpected "unit 1's Sync In or unit 0's Sync Out still reads connected"
fi
show
emu ctl "$SOCK" quit > /dev/null 2>&1 || kill "$emu_pid"
wait "$emu_pid"
k4a_unload || exit 1
echo "== emulator stopped, k4a unloaded; the bench checks the kernel log of the whole run"
if [ "$BAD" -gt 0 ]; then
	echo "demo: $BAD step(s) did not do what the demo says (UNEXPECTED above)"
	exit 1
fi
