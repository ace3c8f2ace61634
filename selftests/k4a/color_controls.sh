#!/bin/sh
# The colour node's controls against the emulated camera: ranges and defaults are the
# device's (GET_MIN/MAX/RES/DEF), each control is set and read back with v4l2-ctl and the
# emulator's UVC log ("uvclog") shows the SET_CUR the camera received; a manual exposure is
# snapped to the mains table of the power line frequency and to the frame period; values an
# application set come back after a replug of the same camera, and reach the device again
# (a value equal to the camera's own after the plug needs no request).
. "$K4A_ROOT/tools/vm/guest-lib.sh"
. "$K4A_ROOT/tools/emu/guest-lib.sh"
. "$K4A_ROOT/selftests/k4a/color_lib.inc"
ktap_plan 7
if ! color_up; then
	ktap_result 1 "k4a binds the emulated unit: colour node with controls"
	ktap_totals
	exit 1
fi
ktap_result 0 "k4a binds the emulated unit: colour node with controls"

# ctrl NAME: the current value of a control ("value=N")
ctrl() {
	v4l2-ctl -d "$V" --get-ctrl="$1" 2>/dev/null | sed -n 's/^[a-z_]*: \([-0-9]*\).*/\1/p'
}
# range NAME: "min max step default" from --list-ctrls (menus: "min max - default")
range() {
	v4l2-ctl -d "$V" --list-ctrls-menus 2>/dev/null | awk -v n="$1" '$1 == n {
		for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
		print v["min"], v["max"], (v["step"] == "" ? "-" : v["step"]), v["default"] }'
}
# last SET_CUR the camera got for an entity/selector ("pu brightness" ...): its value
uvc_last() {
	emu_ctl uvclog 0 | awk -v e="$1" -v s="$2" '$1 == e && $2 == s && $4 != "stall" { v = $3 }
		END { print v }'
}

# The emulated camera's ranges (tools/emu/uvc.c), as the device reports them.
ok=0
for want in "brightness 0 255 1 128" "contrast 0 10 1 5" "saturation 0 63 1 32" \
	"sharpness 0 4 1 2" "gain 0 255 1 0" "backlight_compensation 0 1 1 0" \
	"white_balance_temperature 2500 12500 10 4500" "exposure_time_absolute 3 16383 1 127"; do
	set -- $want
	got=$(range "$1")
	echo "# $1: $got"
	[ "$got" = "$2 $3 $4 $5" ] || { echo "# $1: expected $2 $3 $4 $5"; ok=1; }
done
ktap_result $ok "ranges, steps and defaults are the device's"

emu_ctl uvclog 0 clear > /dev/null
ok=0
for cv in "brightness pu 77" "contrast pu 7" "saturation pu 40" "sharpness pu 3" "gain pu 9" \
	"backlight_compensation pu 1"; do
	set -- $cv
	sel=$1
	case $1 in backlight_compensation) sel=backlight ;; esac
	v4l2-ctl -d "$V" --set-ctrl="$1=$3" || ok=1
	r=$(ctrl "$1")
	d=$(uvc_last "$2" "$sel")
	echo "# $1: set $3, read back $r, camera got $d"
	[ "$r" = "$3" ] && [ "$d" = "$3" ] || ok=1
done
ktap_result $ok "each control set, read back, and sent to the camera"

# Out of range: clamped to the range, as V4L2 specifies for S_CTRL.
v4l2-ctl -d "$V" --set-ctrl=contrast=99 > /dev/null 2>&1
r=$(ctrl contrast)
echo "# contrast=99 reads back $r"
[ "$r" = 10 ]
ktap_result $? "an out-of-range value is clamped to the device's maximum"

# Manual exposure: 100 (10 ms) at 50 Hz is a table entry; at 60 Hz it goes up to 8.33 ms's
# neighbour 16.67 ms (166); 101 goes up to 20 ms (200); 16383 to the longest 50 Hz entry,
# 130 ms (1300), within the 5 fps frame period; at 30 fps the period limits 1000 to 33.33 ms.
v4l2-ctl -d "$V" --set-fmt-video=width=1280,height=720,pixelformat=MJPG --set-parm=5 > /dev/null
ok=0
v4l2-ctl -d "$V" --set-ctrl=auto_exposure=1 --set-ctrl=power_line_frequency=1 || ok=1
for ev in "100 100" "101 200" "16383 1300"; do
	set -- $ev
	v4l2-ctl -d "$V" --set-ctrl=exposure_time_absolute="$1" || ok=1
	r=$(ctrl exposure_time_absolute)
	d=$(uvc_last ct exposure_abs)
	echo "# 50 Hz, 5 fps: exposure $1 reads back $r, camera got $d (want $2)"
	[ "$r" = "$2" ] && [ "$d" = "$2" ] || ok=1
done
v4l2-ctl -d "$V" --set-ctrl=power_line_frequency=2 || ok=1
v4l2-ctl -d "$V" --set-ctrl=exposure_time_absolute=100 || ok=1
r=$(ctrl exposure_time_absolute)
echo "# 60 Hz: exposure 100 reads back $r (want 166)"
[ "$r" = 166 ] || ok=1
v4l2-ctl -d "$V" --set-parm=30 > /dev/null
v4l2-ctl -d "$V" --set-ctrl=exposure_time_absolute=1000 || ok=1
r=$(ctrl exposure_time_absolute)
echo "# 60 Hz, 30 fps: exposure 1000 reads back $r (want 333, the frame period's entry)"
[ "$r" = 333 ] || ok=1
[ "$(uvc_last ct ae_mode)" = 1 ] || { echo "# AE mode not manual on the camera"; ok=1; }
ktap_result $ok "manual exposure snapped to the mains table and the frame period"

# Automatic modes: the manual partner is inactive and volatile.
v4l2-ctl -d "$V" --set-ctrl=white_balance_automatic=1 > /dev/null
flags=$(v4l2-ctl -d "$V" --list-ctrls | awk '$1 == "white_balance_temperature"' | grep -o 'flags=.*')
echo "# white_balance_temperature under auto: $flags"
echo "$flags" | grep -q inactive && echo "$flags" | grep -q volatile
ktap_result $? "an automatic mode makes its manual control inactive and volatile"

# Replug: the values come back and reach the device again.
v4l2-ctl -d "$V" --set-ctrl=brightness=91 --set-ctrl=white_balance_automatic=0 \
	--set-ctrl=white_balance_temperature=5600 || true
emu_ctl uvclog 0 clear > /dev/null
emu_ctl replug 0 500 > /dev/null
replugged() { V2=$(emu_k4a_node "$S" video_color) && [ -e "$V2" ]; }
k4a_wait "unit back after replug" replugged
sleep 1
V=$(emu_k4a_node "$S" video_color)
ok=0
for cv in "brightness 91 pu brightness" "white_balance_automatic 0 pu wb_temp_auto" \
	"white_balance_temperature 5600 pu wb_temp" "auto_exposure 1 ct ae_mode" \
	"exposure_time_absolute 333 ct exposure_abs" "power_line_frequency 2 pu power_line"; do
	set -- $cv
	r=$(ctrl "$1")
	d=$(uvc_last "$3" "$4")
	echo "# after replug: $1 reads $r, camera got $d (want $2)"
	[ "$r" = "$2" ] || ok=1
	case $1 in
	auto_exposure) [ "$d" = 1 ] || ok=1 ;;
	# the camera's own default after a plug: nothing to send
	power_line_frequency) [ -z "$d" ] || [ "$d" = "$2" ] || ok=1 ;;
	*) [ "$d" = "$2" ] || ok=1 ;;
	esac
done
ktap_result $ok "after a replug the values set come back and reach the camera"
color_down
ktap_totals
