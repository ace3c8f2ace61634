#!/bin/sh
# k4a.ko's depth node against the emulated unit: every depth mode at every rate it allows
# streams buffers of exactly the mode's raw frame size, each carrying the ground truth of the
# frame the emulator sent, in order, none lost that the emulator sent (a slow guest makes the
# device drop frames itself: the side log accounts for them), with a metadata record per
# buffer; an application that stops dequeuing for 150 ms at 30 fps loses nothing; with colour
# streaming, the depth timestamps come from the colour frame grid. Rates, timestamp errors and
# transfer latencies are printed figures.
. "$K4A_ROOT/tools/vm/guest-lib.sh"
. "$K4A_ROOT/tools/emu/guest-lib.sh"
. "$K4A_ROOT/selftests/k4a/depth_lib.inc"
# frames per mode and rate (TCG is slow: keep it small)
FR=${K4A_DEPTH_FRAMES:-20}
MODES="K4NB:30,15,5 K4NU:30,15,5 K4WB:30,15,5 K4WU:15,5 K4PI:30,15,5"
ktap_plan 20
if ! depth_up; then
	ktap_result 1 "k4a binds the emulated unit: depth and depth metadata nodes"
	ktap_totals
	exit 1
fi
echo "# unit $S: depth $D, metadata $DM, colour $V"
ktap_result 0 "k4a binds the emulated unit: depth and depth metadata nodes"

CAP=/tmp/depth-stream
# capture NAME JUDGE ARGS...: run the helper, judge, one KTAP result
capture() {
	_name=$1
	_mode=$2
	shift 2
	t0=$(k4a_now)
	timeout -k 5 "$K4A_WAIT_S" "$DCAP_BIN" "$@" > "$CAP.txt" 2> "$CAP.err"
	rc=$?
	res=$(depth_judge "$_mode" "$CAP.txt")
	echo "# $_name: helper rc $rc after $(k4a_secs "$t0") s; $(depth_stats)"
	echo "$res" | grep '^#' | sed 's/^# /#   /'
	[ -s "$CAP.err" ] && sed 's/^/#   helper: /' "$CAP.err"
	[ "$rc" = 0 ] && [ "$(echo "$res" | tail -n 1)" = "RESULT ok" ]
	ktap_result $? "$_name${res:+: $(echo "$res" | tail -n 1 | cut -d' ' -f2-)}"
}

for m in $MODES; do
	f=${m%%:*}
	for r in $(echo "${m#*:}" | tr ',' ' '); do
		capture "$f @$r: $FR raw frames of the exact size with their ground truth, none lost" \
			stream -f "$f" -r "$r" -n "$FR" -b 8 -m "$DM" "$D"
	done
done

# The same through v4l2-ctl --stream-mmap --stream-to: every mode at every rate, 5 frames to a
# file; the file is exactly 5 raw frames, each starting with the depth ground truth record of
# this unit (magic, version 1, stream 0, serial) with frame counters strictly increasing.
# ctl_check FILE RAW: "ok" or what is wrong
ctl_check() {
	_sz=$(wc -c < "$1")
	[ "$_sz" = $((5 * $2)) ] || { echo "file of $_sz bytes, not 5 x $2"; return; }
	_i=0
	_prev=-1
	while [ $_i -lt 5 ]; do
		# bytes 0..7 (magic, version, stream, flags), 8..23 serial, 24..27 counter
		_h=$(od -A n -t x1 -j $((_i * $2)) -N 8 "$1" | tr -d ' \n')
		_s=$(dd if="$1" bs=1 skip=$((_i * $2 + 8)) count=12 2> /dev/null)
		_c=$(od -A n -t u4 -j $((_i * $2 + 24)) -N 4 "$1" | tr -d ' ')
		case "$_h" in 4b34475401000*) ;; *) echo "frame $_i: no depth record ($_h)"; return ;; esac
		[ "$_s" = "$S" ] || { echo "frame $_i: serial '$_s'"; return; }
		[ "$_c" -gt "$_prev" ] || { echo "frame $_i: counter $_c after $_prev"; return; }
		_prev=$_c
		_i=$((_i + 1))
	done
	echo ok
}
bad=
for m in $MODES; do
	f=${m%%:*}
	for r in $(echo "${m#*:}" | tr ',' ' '); do
		# the raw frame (sizeimage is the transfer, a little more: a longer one shows)
		case $f in K4NB | K4NU) raw=5310760 ;; K4WB) raw=3777232 ;; K4WU) raw=9438664 ;;
		*) raw=1678024 ;; esac
		v4l2-ctl -d "$D" --set-fmt-video=pixelformat="$f" --set-parm="$r" > /dev/null
		timeout -k 5 "$K4A_WAIT_S" v4l2-ctl -d "$D" --stream-mmap=8 --stream-count=5 \
			--stream-to="$CAP.raw" > "$CAP.err" 2>&1
		res=$(ctl_check "$CAP.raw" "$raw")
		echo "# v4l2-ctl $f @$r: $res"
		[ "$res" = ok ] || bad="$bad $f@$r"
		rm -f "$CAP.raw"
	done
done
[ -z "$bad" ]
ktap_result $? "v4l2-ctl --stream-mmap --stream-to, every mode at every rate: whole raw frames with their ground truth, in order${bad:+ (not:$bad)}"

# A stalled application: 8 buffers queued keep 30 fps going through 150 ms without a dequeue.
capture "K4PI @30, the application stalls 150 ms after 10 frames: nothing lost" \
	stream -f K4PI -r 30 -n 30 -b 8 -s 10:150 -m "$DM" "$D"

# Colour streaming beside depth: the depth frames' timestamps come from the colour frame grid.
v4l2-ctl -d "$V" --set-fmt-video=width=1280,height=720,pixelformat=MJPG --set-parm=5 > /dev/null
v4l2-ctl -d "$V" --stream-mmap=8 --stream-count=100000000 > "$K4A_OUT/depth-stream-color.log" 2>&1 &
bg=$!
color_on() { emu_ctl dump 0 | grep -q ' color_on=1 '; }
k4a_wait "colour node streaming in the background" color_on
capture "K4NU @5 beside colour MJPG @5: $FR raw frames, none lost" \
	stream -f K4NU -r 5 -n "$FR" -b 8 -m "$DM" "$D"
grid=$(awk '$1 == "M" && $11 == 2' "$CAP.txt" | wc -l)
{ kill $bg && wait $bg; } 2> /dev/null
echo "# records timed on the colour frame grid: $grid"
[ "$grid" -gt 0 ]
ktap_result $? "with colour streaming, depth records are timed on the colour frame grid"
rm -f "$CAP.txt" "$CAP.err"
depth_down
ktap_result $? "the unit goes with the emulator, k4a unloads"
ktap_totals
