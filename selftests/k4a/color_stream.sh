#!/bin/sh
# k4a.ko's colour node streams every format it offers at 1280x720, and MJPG at 3840x2160, at
# 5 fps (a TCG guest keeps up) with mmap'ed buffers: every buffer is a whole frame of the
# emulator (its ground truth record inside), in sequence order, with no frame lost that the
# emulator sent (sequence gap == frame counter gap, the side log accounting for every frame
# not delivered), timestamps CLOCK_MONOTONIC start of exposure that never go backwards and
# are never later than the dequeue. The capture helper (color_cap) reads the dequeue time
# right after DQBUF; v4l2-ctl streams one format too, to a file. Rates and the timestamp
# error against the ground truth start of exposure are figures.
. "$K4A_ROOT/tools/vm/guest-lib.sh"
. "$K4A_ROOT/tools/emu/guest-lib.sh"
. "$K4A_ROOT/selftests/k4a/color_lib.inc"
N=${K4A_COLOR_FRAMES:-25}
ktap_plan 9
if ! color_up; then
	ktap_result 1 "k4a binds the emulated unit: colour and metadata nodes"
	ktap_totals
	exit 1
fi
echo "# unit $S: video $V, metadata $M"
ktap_result 0 "k4a binds the emulated unit: colour and metadata nodes"

# The clock figures in sysfs: unlocked before the first colour stream (no estimate:
# ENODATA), locked while one runs, with an error bound, a rate and its observations.
# health/color_soe_ns: ENODATA before the first frame, then the latest buffer's timestamp.
for u in /sys/class/k4a/k4a*; do
	[ "$(cat "$u/serial")" = "$S" ] && CLK=$u/clock
done
SOE=${CLK%/clock}/health/color_soe_ns
r=0
l0=$(cat "$CLK/locked")
e0=$(cat "$CLK/error_ns" 2>&1)
echo "# before streaming: locked $l0, error_ns: $e0"
[ "$l0" = 0 ] && ! cat "$CLK/error_ns" > /dev/null 2>&1 || r=1
! cat "$SOE" > /dev/null 2>&1 || { r=1; echo "# color_soe_ns readable before any frame"; }
"$CAP_BIN" -f MJPG -w 1280 -h 720 -r 5 -n 100000 -b 16 -t "$K4A_WAIT_S" "$V" > /tmp/clk.txt 2>&1 &
cp=$!
clk_locked() { [ "$(cat "$CLK/locked")" = 1 ]; }
k4a_wait "clock locked" clk_locked || r=1
e=$(cat "$CLK/error_ns") p=$(cat "$CLK/rate_error_ppb") o=$(cat "$CLK/observations")
sh=$(cat "$CLK/shared")
echo "# streaming: error_ns $e, rate_error_ppb $p, observations $o, restarts $(cat "$CLK/restarts"), shared $sh"
kill $cp
wait $cp 2> /dev/null
[ "$e" -gt 0 ] 2> /dev/null && [ "$p" -eq "$p" ] 2> /dev/null && [ "$o" -ge 3 ] 2> /dev/null || r=1
# a standalone unit is in no rig: its own rate
[ "$sh" = 0 ] || r=1
# the newest buffer completed is at least the last one the helper dequeued, and not ahead of now
soe=$(cat "$SOE") last=$(awk '$1 == "V" { t = $5 } END { print t }' /tmp/clk.txt) now=$(k4a_now_ns)
echo "# health/color_soe_ns $soe, last buffer dequeued $last, now $now"
[ -n "$last" ] && [ "$soe" -ge "$last" ] && [ "$soe" -le "$now" ] 2> /dev/null || r=1
ktap_result $r "sysfs clock/: unlocked without a stream (error_ns ENODATA), locked with figures while colour streams, its own rate (shared 0, standalone); health/color_soe_ns follows the buffers"

# The formats the node offers at 1280x720 (VIDIOC_ENUM_FMT, ENUM_FRAMESIZES).
fmts=$(v4l2-ctl -d "$V" --list-formats-ext | awk '
	/\[[0-9]+\]: / { f = $2; gsub("\047", "", f) }
	/Size: Discrete 1280x720$/ { print f }' | tr '\n' ' ')
echo "# formats at 1280x720: $fmts"
r=0
for f in MJPG NV12 YUYV; do
	case " $fmts" in *" $f "*) ;; *) r=1 ;; esac
done
ktap_result $r "MJPG, NV12 and YUYV offered at 1280x720"

CAP=/tmp/color-stream
# capture FOURCC W H: N frames at 5 fps with 16 buffers (three seconds of slack at 5 fps),
# each frame written to a file as v4l2-ctl --stream-to would; judged against the side log
capture() {
	t0=$(k4a_now)
	timeout -k 5 "$K4A_WAIT_S" "$CAP_BIN" -f "$1" -w "$2" -h "$3" -r 5 -n "$N" -b 16 \
		-o "$CAP.raw" "$V" > "$CAP.txt" 2>&1
	rc=$?
	grep '^#' "$CAP.txt"
	got=$(grep -c '^V ' "$CAP.txt")
	size=$(wc -c < "$CAP.raw")
	echo "# $1 $2x$3 @5: $got of $N frames in $(k4a_secs "$t0") s, $size bytes written (rc $rc)"
	res=$(color_judge stream "$CAP.txt")
	echo "$res" | grep '^#'
	rm -f "$CAP.raw"
	[ "$rc" = 0 ] && [ "$got" = "$N" ] && [ "$(echo "$res" | tail -n 1)" = "RESULT ok" ] && return 0
	echo "# $1 $2x$3: $(echo "$res" | tail -n 1)"
	return 1
}
for f in $fmts; do
	case $f in MJPG | NV12 | YUYV) ;; *) continue ;; esac
	capture "$f" 1280 720
	ktap_result $? "$f 1280x720 @5: every frame whole, in order, none lost, timestamps sane"
done
capture MJPG 3840 2160
ktap_result $? "MJPG 3840x2160 @5: every frame whole, in order, none lost, timestamps sane"

# The same through v4l2-ctl: --stream-mmap with --stream-to, its --verbose lines (sequence,
# timestamp, flags) and the ground truth records in the file it wrote.
# gt_at FILE OFFSET: the frame counter of the record at OFFSET, "bad" if there is none
gt_at() {
	od -An -v -tu1 -j "$2" -N 28 "$1" | tr -s ' \n' '  ' | awk '{
		if ($1 != 75 || $2 != 52 || $3 != 71 || $4 != 84 || $5 != 1) { print "bad"; exit }
		c = 0; for (i = 28; i >= 25; i--) c = c * 256 + $i; print c }'
}
v4l2-ctl -d "$V" --set-fmt-video=width=1280,height=720,pixelformat=MJPG --set-parm=5 > /dev/null
t0=$(k4a_now)
timeout -k 5 "$K4A_WAIT_S" v4l2-ctl -d "$V" --stream-mmap=16 --stream-count=20 \
	--stream-to="$CAP.raw" --verbose > "$CAP.ctl" 2>&1
rc=$?
took=$(k4a_secs "$t0")
color_flush
: > "$CAP.gt"
off=0
for b in $(awk '/seq:/ { for (i = 1; i <= NF; i++) if ($i == "bytesused:") print $(i + 1) + 0 }' "$CAP.ctl"); do
	gt_at "$CAP.raw" $((off + 6)) >> "$CAP.gt"
	off=$((off + b))
done
rm -f "$CAP.raw"
verdict=$(awk -v s="$S" '
	FILENAME == ARGV[1] { if ($1 == "bad") bad++; else cnt[++n] = $1; next }
	FILENAME == ARGV[2] {
		if (!/seq:/) next
		k++; flagsok += /\(ts-monotonic, ts-src-soe\)/
		for (i = 1; i <= NF; i++) { if ($i == "seq:") sq[k] = $(i + 1) + 0; if ($i == "ts:") t[k] = $(i + 1) + 0 }
		next
	}
	$1 == s && $2 == "color" { sent[$3] = $6 }
	END {
		for (i = 2; i <= k; i++) { if (t[i] < t[i - 1]) back++; if (sq[i] <= sq[i - 1]) order++ }
		for (i = 2; i <= n; i++) {
			if (cnt[i] <= cnt[i - 1]) stale++
			u = 0; for (c = cnt[i - 1] + 1; c < cnt[i]; c++) if (sent[c] == 0) u++; else lost++
			if (i <= k && sq[i] - sq[i - 1] != cnt[i] - cnt[i - 1] - u) seqoff++
		}
		printf "%d %d %d %d %d %d %d %d\n", k, flagsok, bad + 0, order + 0, back + 0, stale + 0, lost + 0, seqoff + 0
	}' "$CAP.gt" "$CAP.ctl" "$EMU_LOG")
set -- $verdict
host=$(grep -o 'fps: [0-9.]*' "$CAP.ctl" | tail -n 1 | cut -d' ' -f2)
echo "# v4l2-ctl MJPG 1280x720 @5: $1 of 20 frames in $took s, ${host:-?} fps (figures), rc $rc"
echo "# v4l2-ctl: ts-monotonic/ts-src-soe on $2, records missing $3, out of order $4," \
	"timestamps backwards $5, stale counters $6, frames lost $7, sequence gaps unlike counter gaps $8"
[ "$rc" = 0 ] && [ "$1" = 20 ] && [ "$2" = 20 ] && [ "$3$4$5$6$7$8" = 000000 ]
ktap_result $? "v4l2-ctl --stream-mmap --stream-to: 20 whole frames in order, none lost"
rm -f "$CAP.txt" "$CAP.ctl" "$CAP.gt"
color_down
ktap_result $? "the unit goes with the emulator, k4a unloads"
ktap_totals
