#!/bin/sh
# Emulator vendor protocol through libusb (k4a-probe): every opcode of both MCUs with their
# error statuses, raw depth frames of the exact size at every mode/fps, IMU at 208 Hz, reset
# and re-enumeration.
. "$K4A_ROOT/tools/vm/guest-lib.sh"
. "$K4A_ROOT/tools/emu/guest-lib.sh"
ktap_plan 15
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
r=$($PROBE imu 104)
rc=$?
echo "# $r"
rate=$(echo "$r" | sed -n 's/.*rate_hz=\([0-9]*\).*/\1/p')
[ $rc -eq 0 ] && [ "${rate:-0}" -ge 206 ] && [ "${rate:-0}" -le 210 ]
ktap_result $? "IMU packets at 208 Hz device time ($rate Hz)"
echo "$r" | grep -q ' gaps=0'
ktap_result $? "no IMU packet lost while read (no gap in device time)"
wait_gone_back() {
	i=0
	while [ $i -lt 20 ] && lsusb -d 045e:097c > /dev/null 2>&1; do sleep 0.1; i=$((i + 1)); done
	[ $i -lt 20 ] || return 1
	i=0
	while [ $i -lt 40 ]; do
		lsusb -d 045e:097c > /dev/null 2>&1 && lsusb -d 045e:097d > /dev/null 2>&1 && return 0
		sleep 0.25
		i=$((i + 1))
	done
	return 1
}
$PROBE reset color > /dev/null && wait_gone_back
ktap_result $? "colour RESET: status, then the unit re-enumerates"
sleep 1
$PROBE reset depth > /dev/null && wait_gone_back
ktap_result $? "depth RESET: status, then the unit re-enumerates"
sleep 1
r=$($PROBE cmd depth 0x115 255)
echo "# $r"
echo "$r" | grep -q "status=0 len=12"
ktap_result $? "commands work after reset"
emu_ctl plug 0 > /dev/null
emu_stop
emu_start -n 1 --boot-ms 15000 || true
r=$($PROBE cmd depth 0x201 18)
echo "# booting: $r"
echo "$r" | grep -q "status=7"
ktap_result $? "COMPONENT_VERSION_GET while booting: COMMAND_BUSY"
i=0
while [ $i -lt 40 ] && ! $PROBE cmd depth 0x201 18 | grep -q "status=0 len=18"; do
	sleep 0.5
	i=$((i + 1))
done
[ $i -lt 40 ]
ktap_result $? "COMPONENT_VERSION_GET after boot: 18 bytes"
emu_stop
ktap_totals
