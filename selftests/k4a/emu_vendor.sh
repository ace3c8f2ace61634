#!/bin/sh
# Emulator vendor protocol through libusb (k4a-probe): every opcode of both MCUs with their
# error statuses, raw depth frames of the exact size at every mode/fps, IMU at 208 Hz, reset
# and re-enumeration.
. "$K4A_ROOT/tools/vm/guest-lib.sh"
. "$K4A_ROOT/tools/emu/guest-lib.sh"
ktap_plan 14
if ! emu_start -n 1; then
	ktap_result 1 "emulator enumerates"
	ktap_totals
	exit 1
fi
ktap_result 0 "emulator enumerates"
$PROBE opcodes > "$K4A_OUT/vendor-opcodes.log" 2>&1
rc=$?
sed -n 's/^/# /p' "$K4A_OUT/vendor-opcodes.log" | grep -e '^# not ok' -e '^# # Totals'
[ $rc -eq 0 ] && grep -q '^# Totals: pass:[1-9][0-9]* fail:0' "$K4A_OUT/vendor-opcodes.log"
ktap_result $? "every opcode on both MCUs, incl. error statuses ($(grep -c '^ok' "$K4A_OUT/vendor-opcodes.log") checks)"
for m in "nfov 5 15 30" "wfov 5 15" "qmp 5 15 30" "pcm 5 15 30"; do
	set -- $m
	mode=$1
	shift
	out=
	ok=0
	for fps in "$@"; do
		r=$($PROBE depth "$mode" "$fps" 3 2>&1) || ok=1
		echo "# $r"
		out="$out $fps"
	done
	ktap_result $ok "raw depth $mode at$out fps: exact frame sizes, ground truth record"
done
r=$($PROBE depth nfov 7 1 2>&1)
[ $? -ne 0 ]
ktap_result $? "depth at 7 fps refused ($r)"
# IMU packets the emulator dropped because its buffer was full (a late reader: a slow host)
imu_dropped() { emu_ctl dump 0 | sed -n 's/.* imu_dropped=\([0-9]*\).*/\1/p'; }
d0=$(imu_dropped)
i0=$(grep -c '^[^ ]* imu ' "$EMU_LOG")
r=$($PROBE imu 104)
rc=$?
d1=$(imu_dropped)	# also a round trip: the side log is written up to here
echo "# $r; the emulator dropped $((d1 - d0)) packets while IMU was on (figure)"
# device time: packets are 432.7 ticks apart whatever the host's speed
rate=$(echo "$r" | sed -n 's/.*rate_hz=\([0-9]*\).*/\1/p')
[ $rc -eq 0 ] && [ "${rate:-0}" -ge 206 ] && [ "${rate:-0}" -le 210 ]
ktap_result $? "IMU packets at 208 Hz device time ($rate Hz)"
# A gap in device time is a lost packet. The side log lists the packets the emulator sent (its
# counter counts dropped ones too): the reader's gaps must be exactly those among the first 104.
egaps=$(awk -v b="$i0" '$2 == "imu" { if (++n <= b) next; if (++k > 104) exit
	if (k > 1 && $3 != p + 1) g++; p = $3 } END { print g + 0 }' "$EMU_LOG")
gaps=$(echo "$r" | sed -n 's/.* gaps=\([0-9]*\).*/\1/p')
[ -n "$gaps" ] && [ "$gaps" -eq "$egaps" ]
ktap_result $? "no IMU packet lost between emulator and reader ($gaps gaps, $egaps from packets the emulator dropped)"
# "PID:BUS-DEVNUM ..." of the unit's devices: a new device number means it was enumerated again,
# however briefly it was gone (a slow host may never see it absent). Read without the string
# attributes (serial takes the device lock, held while the device is probed).
devs() {
	for d in /sys/bus/usb/devices/*; do
		[ -f "$d/idVendor" ] || continue
		read -r v < "$d/idVendor"
		[ "$v" = 045e ] || continue
		read -r p < "$d/idProduct"
		read -r b < "$d/busnum"
		read -r n < "$d/devnum"
		echo "$p:$b-$n"
	done | sort | tr '\n' ' '
}
re_enumerated() {
	now=$(devs)
	[ "$(echo "$now" | wc -w)" -eq 2 ] || return 1
	for x in $now; do
		case " $before " in *" $x "*) return 1 ;; esac
	done
}
before=$(devs)
$PROBE reset color > /dev/null && k4a_wait "unit enumerated again after colour RESET" re_enumerated
ktap_result $? "colour RESET: status, then the unit re-enumerates"
before=$(devs)
$PROBE reset depth > /dev/null && k4a_wait "unit enumerated again after depth RESET" re_enumerated
ktap_result $? "depth RESET: status, then the unit re-enumerates"
r=$($PROBE cmd depth 0x115 255)
echo "# $r"
echo "$r" | grep -q "status=0 len=12"
ktap_result $? "commands work after reset"
emu_ctl plug 0 > /dev/null
emu_stop
# A device answers BUSY for a while after plug-in (15 s here, counted from the plug; the host
# only has to enumerate the unit within it), then works.
BOOT=15
emu_start -n 1 --boot-ms $((BOOT * 1000)) --plug none
ctl_up() { emu_ctl dump > /dev/null 2>&1; }
k4a_wait "" ctl_up
t0=$(k4a_now)
emu_ctl plug 0 > /dev/null
both_up() { lsusb -d 045e:097c > /dev/null 2>&1 && lsusb -d 045e:097d > /dev/null 2>&1; }
k4a_wait "" both_up
r=$($PROBE cmd depth 0x201 18)
echo "# booting: $r, $(k4a_secs "$t0") s after the plug (figure; the boot lasts $BOOT s)"
echo "$r" | grep -q "status=7"
ktap_result $? "COMPONENT_VERSION_GET while booting: COMMAND_BUSY"
booted() { $PROBE cmd depth 0x201 18 | grep -q "status=0 len=18"; }
k4a_wait "" booted
r=$?
echo "# booted $(k4a_secs "$t0") s after the plug"
ktap_result $r "COMPONENT_VERSION_GET after boot: 18 bytes"
emu_stop
ktap_totals
