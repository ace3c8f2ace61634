#!/bin/sh
# Emulator fault injection through the control socket, observed with libusb (k4a-probe) and
# uvcvideo: MCU reply faults, depth frame size faults, IMU count faults, endpoint stalls,
# surprise disconnect mid-transfer, UVC payload faults and iso packet errors.
. "$K4A_ROOT/tools/vm/guest-lib.sh"
. "$K4A_ROOT/tools/emu/guest-lib.sh"
ktap_plan 17
if ! emu_start -n 1 -b 4; then
	ktap_result 1 "emulator enumerates"
	ktap_totals
	exit 1
fi
ktap_result 0 "emulator enumerates"
S=$(emu_serial 0)
# status of one command after arming a fault; the probe prints status=<status or -error>
fcmd() { # fault [arg] -- probe args
	args=
	while [ "$1" != -- ]; do args="$args $1"; shift; done
	shift
	emu_ctl fault 0 $args > /dev/null || { echo "status=armfail"; return; }
	$PROBE cmd "$@"
}
r=$(fcmd depth.reply_type -- depth 0x115 255); echo "# $r"
echo "$r" | grep -q '^status=-5'
ktap_result $? "depth.reply_type: host sees a wrong packet type"
r=$(fcmd depth.reply_id -- depth 0x115 255); echo "# $r"
echo "$r" | grep -q '^status=-6'
ktap_result $? "depth.reply_id: wrong transaction id"
r=$(fcmd depth.reply_len -- depth 0x115 255); echo "# $r"
echo "$r" | grep -q '^status=-4'
ktap_result $? "depth.reply_len: 12-byte status packet"
r=$(fcmd depth.status 0x63 -- depth 0xf2); echo "# $r"
echo "$r" | grep -q '^status=99'
ktap_result $? "depth.status 0x63: non-zero status"
r=$(fcmd depth.no_reply -- depth 0x0a); echo "# $r"
echo "$r" | grep -q '^status=-3'
ktap_result $? "depth.no_reply: no status packet (host times out)"
r=$(fcmd depth.data_long -- depth 0x115 255); echo "# $r"
echo "$r" | grep -q '^status=0 len=28'
ktap_result $? "depth.data_long: 16 bytes more than the opcode returns"
r=$(fcmd color.status 0x101 -- color 0x80000006 1); echo "# $r"
echo "$r" | grep -q '^status=257'
ktap_result $? "color.status 0x101 on GET_JACK_STATE"
$PROBE cmd depth 0x115 255 | grep -q '^status=0 len=12'
ktap_result $? "faults are one-shot: next command is clean"

emu_ctl fault 0 depth.short 1024 1 > /dev/null
r=$($PROBE depth pcm 5 3); echo "# $r"
echo "$r" | grep -q 'bad_size=1 '
ktap_result $? "depth.short: one frame 1024 bytes short"
emu_ctl fault 0 depth.long 4096 1 > /dev/null
r=$($PROBE depth pcm 5 3); echo "# $r"
echo "$r" | grep -q 'bad_size=1 '
ktap_result $? "depth.long: one frame 4096 bytes long"
emu_ctl fault 0 depth.zero 1 > /dev/null
r=$($PROBE depth pcm 5 3); echo "# $r"
echo "$r" | grep -q 'bad_size=1 '
ktap_result $? "depth.zero: one zero-length frame"
emu_ctl fault 0 imu.count 2 > /dev/null
r=$($PROBE imu 10); echo "# $r"
echo "$r" | grep -q 'good=8'
ktap_result $? "imu.count: two packets declare more samples than they carry"
emu_ctl stall 0 depth 0x83 > /dev/null
r=$($PROBE depth pcm 5 1); echo "# $r"
$PROBE clear-halt depth 0x83 && r2=$($PROBE depth pcm 5 1)
echo "# $r2"
echo "$r" | grep -q 'good=0' && echo "$r2" | grep -q 'good=1 '
ktap_result $? "stall 0x83: reads fail until CLEAR_FEATURE(ENDPOINT_HALT)"
# depth frames the emulator has sent to the host so far (side log: sent_ns > 0)
sent_depth() {
	emu_ctl dump > /dev/null	# a round trip: the side log is written up to here
	awk -v s="$S" '$1 == s && $2 == "depth" && $6 > 0' "$EMU_LOG" | wc -l
}
n0=$(sent_depth)
K4A_PROBE_TRACE=1 $PROBE depth nfov 5 1000 > "$K4A_OUT/faults-disconnect.log" 2>&1 &
P=$!
# The disconnect comes while frames flow: once two more have been sent to the reader.
two_more() { [ "$(sent_depth)" -ge $((n0 + 2)) ]; }
k4a_wait "reader receiving frames" two_more
echo "# disconnect at $(cut -d' ' -f1 /proc/uptime) s uptime"
emu_ctl disconnect 0 depth > /dev/null
reader_gone() { ! kill -0 $P 2>/dev/null; }
k4a_wait "reader exited after the disconnect" reader_gone
r=0
if kill -0 $P 2>/dev/null; then
	kill $P
	r=1
fi
grep -q '^depth .* good=[1-9]' "$K4A_OUT/faults-disconnect.log" || r=1
ktap_result $r "surprise disconnect mid-transfer: the reader sees an error, no hang"
wait $P 2>/dev/null
emu_ctl plug 0 depth > /dev/null
depth_back() { lsusb -d 045e:097c > /dev/null 2>&1; }
k4a_wait "depth half enumerated again" depth_back
$PROBE depth pcm 5 2 > /dev/null
ktap_result $? "device works again after replug"
V=$(emu_video "$S")
ok=0
for f in hle0 hle1 hle_big fid_midframe no_eof meta_size0 meta_overrun pts0 err_bit short long; do
	emu_ctl fault 0 "uvc.$f" 1 > /dev/null || { echo "# uvc.$f refused"; ok=1; }
done
emu_ctl fault 0 uvc.none 0 > /dev/null
for f in stall proto; do
	emu_ctl fault 0 "iso.$f" 1 > /dev/null || { echo "# iso.$f refused"; ok=1; }
done
emu_ctl fault 0 clear > /dev/null
ktap_result $ok "every UVC payload and video endpoint fault accepted by the control socket"
emu_ctl fault 0 uvc.no_eof 3 > /dev/null
emu_ctl fault 0 iso.err 5 > /dev/null
v4l2-ctl -d "$V" --set-fmt-video=width=1280,height=720,pixelformat=MJPG --set-parm=15 > /dev/null
t0=$(k4a_now)
timeout "$K4A_WAIT_S" v4l2-ctl -d "$V" --stream-mmap --stream-count=20 > "$K4A_OUT/faults-uvc.log" 2>&1
r=$?
echo "# 20 frames through the faults in $(k4a_secs "$t0") s"
ktap_result $r "uvcvideo keeps streaming through missing EOFs and iso packet errors"
emu_ctl dump > "$K4A_OUT/faults-dump.txt"
emu_stop
ktap_totals
