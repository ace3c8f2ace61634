#!/bin/sh
# Emulated colour function judged by the stock uvcvideo driver: v4l2-compliance -s passes and
# v4l2-ctl streams NV12, YUY2 and MJPG at the configured rate (device time from the side log,
# host rate from v4l2-ctl); the metadata node passes v4l2-compliance and carries PTS/SCR.
. "$K4A_ROOT/tools/vm/guest-lib.sh"
. "$K4A_ROOT/tools/emu/guest-lib.sh"
ktap_plan 9
if ! emu_start -n 1; then
	ktap_result 1 "emulator enumerates, uvcvideo binds"
	ktap_totals
	exit 1
fi
ktap_result 0 "emulator enumerates, uvcvideo binds"
S=$(emu_serial 0)
V=$(emu_video "$S")
v4l2-compliance -s -d "$V" > "$K4A_OUT/uvc-compliance.log" 2>&1
L=$K4A_OUT/uvc-compliance.log
grep -E '^Total' "$L" | sed 's/^/# /'
grep -E '(fail|warn): ' "$L" | sort | uniq -c | head -n 20 | sed 's/^/# /'
# uvcvideo before its move to the vb2 ioctl helpers (6.1, 6.12) ties streaming to the file
# handle that last set the format or allocated buffers: S_FMT on a second handle fails
# ("Could not set fmt2") and STREAMON after REQBUFS(0) returns EBUSY instead of EINVAL, for any
# UVC device. Those two items are the driver's; anything else is the emulator's.
fails=$(grep -c 'fail: ' "$L")
warns=$(grep -c 'warn: ' "$L")
other=$(grep -E '(fail|warn): ' "$L" | grep -v -e 'fail: v4l2-test-buffers.cpp([0-9]*): node->streamon(q.g_type()) != EINVAL' \
	-e 'warn: v4l2-test-formats.cpp([0-9]*): Could not set fmt2' | grep -c .)
total=$(sed -n 's/^Total for .*Failed: \([0-9]*\), Warnings: \([0-9]*\).*/\1 \2/p' "$L" | tail -n 1)
[ -n "$total" ] && [ "$other" -eq 0 ]
ktap_result $? "v4l2-compliance -s: nothing besides stock uvcvideo's file handle rules ($other other)"
if [ "$total" = "0 0" ]; then
	ktap_result 0 "v4l2-compliance -s: Failed 0, Warnings 0"
elif [ -n "$total" ] && [ "$other" -eq 0 ]; then
	ktap_result skip "v4l2-compliance -s: Failed 0, Warnings 0" \
		"$fails fail(s), $warns warning(s), all from this uvcvideo's file handle rules"
else
	ktap_result 1 "v4l2-compliance -s: Failed 0, Warnings 0"
fi
stream() { # fourcc width height fps count
	before=$(grep -c " color " "$EMU_LOG")
	v4l2-ctl -d "$V" --set-fmt-video=width=$2,height=$3,pixelformat=$1 --set-parm=$4 > /dev/null || return 1
	out=$(timeout 120 v4l2-ctl -d "$V" --stream-mmap --stream-count=$5 --stream-to=/dev/null \
		--verbose 2>&1) || return 1
	# v4l2-ctl's own rate from the buffer timestamps, over the last second of the run.
	host=$(echo "$out" | grep -o 'fps: [0-9.]*' | tail -n 1 | cut -d' ' -f2)
	# Buffers lost between device and application show up as gaps in the sequence numbers.
	gaps=$(echo "$out" | awk '/seq:/ { for (i = 1; i <= NF; i++) if ($i == "seq:") s = $(i + 1) + 0;
		if (n++ && s != p + 1) g++; p = s } END { print g + 0 }')
	dev=$(awk -v b="$before" '/ color / { n++; if (n > b && $6 > 0) { if (!f) f = $4; l = $4; c++ } }
		END { if (c > 1) printf "%.2f", (c - 1) * 90000 / (l - f); else print 0 }' "$EMU_LOG")
	echo "# $1 $2x$3 @$4: host ${host:-?} fps, device $dev fps, $gaps sequence gaps over $5 frames"
	awk -v d="$dev" -v h="${host:-0}" -v f="$4" -v g="$gaps" \
		'BEGIN { exit !(d > f * 0.97 && d < f * 1.03 && h > f * 0.95 && g == 0) }'
}
# A rate is a measurement of the whole bench (TCG guest on a shared host): one more try when
# the first falls short, so a transient stall of the host does not decide the result.
rate() {
	stream "$@" || stream "$@"
}
rate NV12 1280 720 30 60
ktap_result $? "NV12 1280x720 at 30 fps"
rate YUYV 1280 720 30 60
ktap_result $? "YUY2 1280x720 at 30 fps"
rate MJPG 1280 720 30 60
ktap_result $? "MJPG 1280x720 at 30 fps"
rate MJPG 3840 2160 15 20
ktap_result $? "MJPG 3840x2160 at 15 fps"
# The metadata node (UVC payload headers). Its streaming test is left out: uvcvideo fills
# metadata buffers only while the video node streams, so "-s" on it alone waits forever.
if M=$(emu_video "$S" 1); then
	timeout 120 v4l2-compliance -d "$M" > "$K4A_OUT/uvc-meta-compliance.log" 2>&1
	grep -E '^Total' "$K4A_OUT/uvc-meta-compliance.log" | sed 's/^/# /'
	grep -q '^Total for .*Failed: 0, Warnings: 0$' "$K4A_OUT/uvc-meta-compliance.log"
	ktap_result $? "metadata node $M: v4l2-compliance Failed 0, Warnings 0"
	# Every payload header the driver keeps carries PTS and SCR (the device sends both).
	v4l2-ctl -d "$V" --set-fmt-video=width=1280,height=720,pixelformat=MJPG --set-parm=30 > /dev/null
	v4l2-ctl -d "$V" --stream-mmap --stream-count=90 > /dev/null 2>&1 &
	vpid=$!
	meta=$(timeout 30 v4l2-ctl -d "$M" --stream-mmap --stream-count=20 --verbose 2>&1)
	wait $vpid
	n=$(echo "$meta" | grep -c '^UVC: ')
	full=$(echo "$meta" | grep '^UVC: ' | grep -c 'PTS: [0-9]* STC: [0-9]* SOF counter: ')
	echo "# metadata buffers: $n, with PTS and SCR: $full"
	[ "$n" -ge 20 ] && [ "$full" -eq "$n" ]
	ktap_result $? "metadata buffers carry PTS and SCR while the video node streams"
else
	ktap_result 1 "metadata node: v4l2-compliance Failed 0, Warnings 0" "no metadata node"
	ktap_result skip "metadata buffers carry PTS and SCR while the video node streams" "no node"
fi
emu_ctl dump | sed 's/^/# /' | grep -e uvc -e frames
emu_stop
ktap_totals
