#!/bin/sh
# Unlink ordering under the stock uvcvideo driver: with USB delivery jitter on, streaming is
# started and stopped over and over, at MJPG 4096x3072 (where a STREAMOFF once cost the colour
# device: "vhci_hcd: cannot find a urb") and at NV12 1280x720. Every STREAMOFF unlinks the
# isochronous URBs in flight: some still waiting for their service interval, some answered but
# held back by the delivery model, some already on their way, and vhci can send an unlink
# ahead of its URB's submit. The colour device must stay connected, every run must get its
# frames, and the kernel must never meet a reply it cannot place.
# K4A_UNLINK_CYCLES: start/stop cycles per format (default 20).
. "$K4A_ROOT/tools/vm/guest-lib.sh"
. "$K4A_ROOT/tools/emu/guest-lib.sh"
CYCLES=${K4A_UNLINK_CYCLES:-20}
ktap_plan 6
MARK="k4a emu_unlink: start $$"
echo "$MARK" > /dev/kmsg
if ! emu_start -n 1 -j 300,2000,pareto,2000,3000; then
	ktap_result 1 "emulator enumerates with jitter on, uvcvideo binds"
	ktap_totals
	exit 1
fi
ktap_result 0 "emulator enumerates with jitter on, uvcvideo binds"
S=$(emu_serial 0)
V=$(emu_video "$S")
usb() { # key: a counter of the colour device
	emu_ctl dump 0 | sed -n "s/^usb 0 color .* $1=\([0-9]*\).*/\1/p"
}
cycles() { # fourcc width height fps
	v4l2-ctl -d "$V" --set-fmt-video=width=$2,height=$3,pixelformat=$1 --set-parm=$4 \
		> /dev/null || return 1
	i=0
	bad=0
	t0=$(k4a_now)
	while [ $i -lt "$CYCLES" ]; do
		n=$(timeout "$K4A_WAIT_S" v4l2-ctl -d "$V" --stream-mmap --stream-count=2 --stream-to=/dev/null \
			--verbose 2>&1 | grep -c 'seq:')
		[ "$n" -ge 2 ] || bad=$((bad + 1))
		i=$((i + 1))
	done
	echo "# $1 $2x$3 @$4: $CYCLES start/stop cycles in $(k4a_secs "$t0") s, $bad without their 2 frames"
	[ $bad -eq 0 ]
}
u0=$(usb unlinks)
cycles MJPG 4096 3072 15
ktap_result $? "MJPG 4096x3072: every start after a stop streams"
cycles NV12 1280 720 30
ktap_result $? "NV12 1280x720: every start after a stop streams"
u=$(usb unlinks)
late=$(usb unlink_late)
early=$(usb unlink_early)
echo "# colour device: $((u - u0)) unlinks, $late of answered URBs, $early ahead of their URB"
[ $((u - u0)) -gt 0 ]
ktap_result $? "the stops unlinked URBs in flight"
emu_ctl dump 0 | grep -q '^unit 0 .* color=plugged' && [ -n "$(lsusb -d 045e:097d)" ] &&
	[ "$(emu_video "$S")" = "$V" ]
ktap_result $? "the colour device is still connected, same node $V"
log=$(dmesg | sed -n "/$MARK/,\$p")
echo "$log" | grep -e 'cannot find a urb' -e 'USB disconnect' | head -n 5 | sed 's/^/# /'
! echo "$log" | grep -q -e 'cannot find a urb' -e 'USB disconnect'
ktap_result $? "kernel log: no 'cannot find a urb', no USB disconnect"
emu_stop
ktap_totals
