#!/bin/sh
# The clock estimator under faults (Documentation/timestamps.rst): one unit streams MJPG
# 1280x720 at 5 fps with its metadata node through k4a.ko while the rig goes through
#   - a host stall: every completion 20 ms late for 3 s (the emulator's delivery jitter
#     set to a 20 ms base), then prompt again;
#   - a USB error burst: 60 isochronous URBs (a frame period) failing with -EPROTO, then
#     60 with -EPIPE;
#   - a suspended reader: the capture stopped (SIGSTOP) for 4 s, longer than its 16 buffers
#     last, then continued.
# Asserted over the one capture that runs through all of them: every delivered buffer is a
# whole frame in order (color_judge faults), no timestamp goes backwards and none is later
# than the moment its buffer was dequeued (a time in the future), frames arrive after every
# fault, and the clock is locked again afterwards. Figures: the timestamp error against the
# ground truth, the estimator's restarts and its error bound after each fault.
. "$K4A_ROOT/tools/vm/guest-lib.sh"
. "$K4A_ROOT/tools/emu/guest-lib.sh"
. "$K4A_ROOT/selftests/k4a/color_lib.inc"
ktap_plan 7
if ! color_up; then
	ktap_result 1 "k4a binds the emulated unit: colour and metadata nodes"
	ktap_totals
	exit 1
fi
echo "# unit $S: video $V, metadata $M"
ktap_result 0 "k4a binds the emulated unit: colour and metadata nodes"
for u in /sys/class/k4a/k4a*; do
	[ "$(cat "$u/serial")" = "$S" ] && CLK=$u/clock
done
CAP=/tmp/clock-faults

locked() { [ "$(cat "$CLK/locked")" = 1 ]; }
iso_done() { [ "$(dumpval usb iso_faults color)" -ge "$1" ]; }
# frames_again: the next frame the sensor makes, and one more, reach the application
frames_again() {
	c=$(dumpval frames color_frames)
	k4a_wait "" captured_from $((c + 1))
}
clock_state() {
	echo "# $1: locked $(cat "$CLK/locked"), error_ns $(cat "$CLK/error_ns" 2>&1)," \
		"restarts $(cat "$CLK/restarts"), observations $(cat "$CLK/observations")"
}

"$CAP_BIN" -f MJPG -w 1280 -h 720 -r 5 -n 100000000 -b 16 -t $((K4A_WAIT_S * 4)) \
	-m "$M" "$V" > "$CAP.txt" 2>&1 &
cap=$!
k4a_wait "clock locked" locked
r=$?
clock_state "streaming"

# a host stall: completions late by 20 ms, then prompt
emu_ctl jitter 0 20000 > /dev/null || r=1
sleep 3
emu_ctl jitter 0 0 > /dev/null || r=1
frames_again || r=1
k4a_wait "locked after the stall" locked || r=1
clock_state "after 3 s of completions 20 ms late"
ktap_result $r "host stall (completions 20 ms late for 3 s): frames arrive after it, clock locked"

# a USB error burst
r=0
for f in iso.err iso.stall; do
	n0=$(dumpval usb iso_faults color)
	emu_ctl fault 0 "$f" 60 > /dev/null || { r=1; echo "# $f: the emulator refused it"; }
	k4a_wait "" iso_done $((n0 + 60)) || r=1
done
frames_again || r=1
k4a_wait "locked after the error burst" locked || r=1
clock_state "after 120 failed isochronous URBs"
ktap_result $r "USB error burst (120 isochronous URBs failed): frames arrive after it, clock locked"

# a suspended reader: no buffer left for 0.8 s at least (16 buffers last 3.2 s)
r=0
kill -STOP $cap
sleep 4
kill -CONT $cap
frames_again || r=1
k4a_wait "locked after the reader resumed" locked || r=1
clock_state "after the reader was stopped for 4 s"
ktap_result $r "suspended reader (4 s, 16 buffers at 5 fps): frames arrive after it, clock locked"

color_faults_end $cap
ktap_result $? "one capture through all three: every frame whole and in order, no timestamp backwards or later than its dequeue"

# the frames more than 1 ms off the ground truth, with what their records said (figures)
awk '$1 == "V" && $9 != "-" { e = $5 - $9; if (e < 0) e = -e; if (e > 1000000) off[$2] = e }
	$1 == "M" { st[$2] = "clock_state " $11 " flags " $15 " bound " $17 " ns" }
	END { for (q in off) printf "# seq %d: %.0f us off the ground truth, its record: %s\n", q, off[q] / 1000, st[q] }' "$CAP.txt"
# the metadata buffers and records (soe_ns, in ns where a buffer's timestamp is in us) carry
# their image buffers' timestamps; a record whose time was clamped (K4A_META_F_CLAMPED) does
# not say locked (K4A_META_F_CLOCK_LOCKED)
awk '$1 == "V" { ts[$2] = $5 }
	$1 == "M" { m[$2] = $5 " " int($13 / 1000) * 1000; line[$2] = $0
		if (int($15 / 4) % 2) { cl++; if (int($15 / 16) % 2) cl_lk++ } }
	END { for (q in m) if (q in ts) { n++; if (m[q] != ts[q] " " ts[q] && ++bad <= 3) print "# seq " q ": frame " ts[q] ", " line[q] }
		printf "# metadata records of delivered frames %d, timestamp unlike the frame'"'"'s %d; clamped %d, of them said locked %d\n", n, bad, cl, cl_lk
		exit !(n > 0 && bad == 0 && cl_lk == 0) }' "$CAP.txt"
ktap_result $? "the metadata records carry their frames' timestamps; none clamped says locked"
rm -f "$CAP.txt"
color_down
ktap_result $? "the unit goes with the emulator, k4a unloads"
ktap_totals
