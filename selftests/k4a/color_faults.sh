#!/bin/sh
# Faults on k4a.ko's colour stream. Every payload fault of the emulator (uvc.*) is armed for
# two frames, every isochronous URB fault (iso.*) for a frame period, in the middle of a capture,
# MJPG (every fault) and NV12 (those whose damage shows in an uncompressed frame's size) at
# 1280x720, 5 fps: frames keep arriving after each, and no damaged frame
# reaches the application as good data (the ground truth record intact in every delivered
# frame, uncompressed frames exactly their size, JPEGs whole, no frame the side log marks as
# damaged delivered; metadata faults flagged in the frame's record). Then the unit leaves in
# the middle of a stream: replugged, a reader blocked in DQBUF gets an error and exits and
# the unit streams again; unplugged, with a reader blocked in DQBUF and a second one holding
# mmap'ed buffers: both get an error, the mappings stay readable, the node cannot be opened
# again, k4a cannot be removed while a file is open and can once it is closed. The harness
# fails the run on any kernel warning or oops.
. "$K4A_ROOT/tools/vm/guest-lib.sh"
. "$K4A_ROOT/tools/emu/guest-lib.sh"
. "$K4A_ROOT/selftests/k4a/color_lib.inc"
# Every fault on MJPG; on NV12 those whose damage an uncompressed frame's size shows.
FAULTS="uvc.hle0 uvc.hle1 uvc.hle_big uvc.fid_midframe uvc.no_eof uvc.meta_size0 uvc.meta_overrun
	uvc.pts0 uvc.err_bit uvc.short uvc.long iso.err iso.stall iso.proto"
RAW_FAULTS="uvc.fid_midframe uvc.no_eof uvc.short uvc.long iso.proto"
ktap_plan $(($(echo $FAULTS $RAW_FAULTS | wc -w) + 8))
if ! color_up; then
	ktap_result 1 "k4a binds the emulated unit: colour and metadata nodes"
	ktap_totals
	exit 1
fi
echo "# unit $S: video $V, metadata $M"
ktap_result 0 "k4a binds the emulated unit: colour and metadata nodes"
CAP=/tmp/color-faults

# fault_count NAME: frames (uvc.*) or URBs (iso.*) the emulator has hit so far
fault_count() {
	case $1 in
	uvc.*) dumpval uvc faulted ;;
	iso.*) dumpval usb iso_faults color ;;
	esac
}
captured() { [ "$(grep -c '^V ' "$CAP.txt")" -ge "$1" ]; }
faults_done() { [ "$(fault_count "$1")" -ge "$2" ]; }

# faults_run FOURCC FAULTS: one capture through every fault in turn
faults_run() {
	fmt=$1 list=$2
	# until SIGTERM (the helper then ends as if every frame had come), bounded by -t
	"$CAP_BIN" -f "$fmt" -w 1280 -h 720 -r 5 -n 100000000 -b 16 -t $((K4A_WAIT_S * 4)) \
		-m "$M" "$V" > "$CAP.txt" 2>&1 &
	cap=$!
	k4a_wait "" captured 3 || echo "# $fmt: the capture did not start"
	for f in $list; do
		# two frames; an iso.* fault hits URBs (4 ms of stream each): 60 span a frame period
		case $f in iso.*) k=60 what="$k URBs" ;; *) k=2 what="$k frames" ;; esac
		n0=$(fault_count "$f")
		c0=$(dumpval frames color_frames)
		t0=$(k4a_now)
		emu_ctl fault 0 "$f" $k > /dev/null || echo "# $f: the emulator refused it"
		k4a_wait "" faults_done "$f" $((n0 + k))
		r=$?
		# the next frame the sensor makes, and one more: both must reach the application
		c=$(dumpval frames color_frames)
		k4a_wait "" captured_from $((c + 1)) || r=1
		color_flush
		hit=$(awk -v s="$S" -v f="$f" -v c="$c0" '$1 == s && $2 == "color" && $3 > c &&
			index("," $7 ",", "," f ",") { n++ } END { print n + 0 }' "$EMU_LOG")
		echo "# $fmt $f: $hit frame(s) hit, frames arrive again after $(k4a_secs "$t0") s"
		ktap_result $r "$fmt $f, $what: frames keep arriving"
	done
	color_faults_end $cap
	ktap_result $? "$fmt: no damaged frame delivered, every delivered frame whole and in order"
	rm -f "$CAP.txt"
}
# MJPG uvc.short: a JPEG cut short by an early EOF, SOI and ground truth intact, no EOI.
faults_run MJPG "$FAULTS"
faults_run NV12 "$RAW_FAULTS"

# reader_gone PID
reader_gone() { ! kill -0 "$1" 2>/dev/null; }
# has FILE PATTERN
has() { grep -q "$2" "$1"; }
streaming() { [ "$(grep -c '^V ' "$1")" -ge 2 ]; }

# Replug in the middle of a stream: the blocked reader gets an error and exits, the unit
# comes back with new nodes that stream.
v4l2-ctl -d "$V" --set-fmt-video=width=1280,height=720,pixelformat=MJPG --set-parm=5 > /dev/null
"$CAP_BIN" -B -b 8 "$V" > "$CAP.a" 2>&1 &
a=$!
k4a_wait "" streaming "$CAP.a"
emu_ctl replug 0 1000 > /dev/null
k4a_wait "blocked reader exited after the replug" reader_gone $a
wait $a
rc=$?
err=$(sed -n 's/^E DQBUF //p' "$CAP.a")
echo "# reader: $(grep -c '^V ' "$CAP.a") frames, then DQBUF ${err:-?}, exit $rc"
unit_back() { [ "$(emu_k4a_units)" = 1 ]; }
k4a_wait "unit formed again" unit_back
V2=$(emu_k4a_node "$S" video_color)
timeout -k 5 "$K4A_WAIT_S" "$CAP_BIN" -f MJPG -w 1280 -h 720 -r 5 -n 10 -b 16 "$V2" > "$CAP.txt" 2>&1
r=$?
res=$(color_judge stream "$CAP.txt")
echo "$res" | grep '^#'
[ "$rc" = 3 ] && [ -n "$err" ] && [ "$r" = 0 ] && [ "$(echo "$res" | tail -n 1)" = "RESULT ok" ]
ktap_result $? "replug mid-stream: the blocked reader gets an error and exits, the unit streams again"
V=$V2
M=$(emu_k4a_node "$S" meta_color)

# Unplug in the middle of a stream with a reader blocked in DQBUF on the colour node and one on
# the metadata node that keeps its file and its mappings after the error until told to go.
rm -f "$CAP.fifo"
mkfifo "$CAP.fifo"
"$CAP_BIN" -B -b 8 "$V" > "$CAP.a" 2>&1 &
a=$!
"$CAP_BIN" -B -L -b 8 "$M" < "$CAP.fifo" > "$CAP.b" 2>&1 &
b=$!
exec 3> "$CAP.fifo"
k4a_wait "" streaming "$CAP.a"
k4a_wait "" has "$CAP.b" '^R '
emu_ctl unplug 0 > /dev/null
k4a_wait "colour reader exited after the unplug" reader_gone $a
wait $a
rc=$?
k4a_wait "metadata reader saw the error" has "$CAP.b" '^H$'
sed 's/^/# colour reader: /' "$CAP.a" | grep -v '^# colour reader: V '
sed 's/^/# metadata reader: /' "$CAP.b"
has "$CAP.a" '^E DQBUF ' && [ "$rc" = 3 ] && has "$CAP.b" '^E DQBUF '
ktap_result $? "unplug mid-stream: readers blocked in DQBUF get an error, the colour reader exits"
has "$CAP.b" '^E read ' && ! has "$CAP.b" '^E QBUF ok' && ! has "$CAP.b" '^E DQBUF2 ok'
ktap_result $? "mmap'ed buffers stay readable after the unplug; QBUF and DQBUF fail"
gone() { [ "$(emu_k4a_units)" = 0 ]; }
k4a_wait "unit gone" gone
if [ ! -e "$V" ]; then
	echo "# $V: node gone"
	r=0
elif (exec 4< "$V") 2> "$CAP.err"; then
	echo "# $V: opened after the unplug"
	r=1
else
	echo "# $V: $(cat "$CAP.err")"
	r=0
fi
ktap_result $r "the colour node cannot be opened after the unplug"
rm -f "$CAP.err"
if rmmod k4a 2> "$CAP.err"; then
	r=1
	echo "# rmmod k4a succeeded while a file was open"
else
	r=0
	echo "# rmmod while the metadata file is open: $(cat "$CAP.err")"
fi
exec 3>&-
k4a_wait "metadata reader exited" reader_gone $b
wait $b
[ $r = 0 ] && rmmod k4a
ktap_result $? "k4a cannot be removed while a file is open, can be once it is closed"
rm -f "$CAP.a" "$CAP.b" "$CAP.txt" "$CAP.fifo" "$CAP.err"
emu_stop > /dev/null
ktap_totals
