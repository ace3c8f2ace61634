#!/bin/sh
# v4l2-compliance on k4a.ko's colour node (MJPG 1280x720 at 5 fps) and, while the colour node
# streams, on its metadata node, both with streaming tests: Failed 0, Warnings 0 ("got
# sequence number" warnings, a late application, are a figure). Then the metadata records
# beside a capture: version 1, size 80, colour stream, the sequence and timestamp of the
# video buffer they describe, the device timestamp of the frame's ground truth.
. "$K4A_ROOT/tools/vm/guest-lib.sh"
. "$K4A_ROOT/tools/emu/guest-lib.sh"
. "$K4A_ROOT/selftests/k4a/color_lib.inc"
# frames per streaming test of v4l2-compliance (its default, 60, takes minutes at 5 fps)
CN=${K4A_COMPLIANCE_FRAMES:-12}
ktap_plan 6
if ! color_up; then
	ktap_result 1 "k4a binds the emulated unit: colour and metadata nodes"
	ktap_totals
	exit 1
fi
echo "# unit $S: video $V, metadata $M"
ktap_result 0 "k4a binds the emulated unit: colour and metadata nodes"

v4l2-ctl -d "$V" --set-fmt-video=width=1280,height=720,pixelformat=MJPG --set-parm=5 > /dev/null
t0=$(k4a_now)
timeout -k 5 "$K4A_WAIT_S" v4l2-compliance -d "$V" --streaming="$CN" 2>&1 | tr '\r' '\n' \
	> "$K4A_OUT/color-compliance.log"
echo "# video node: v4l2-compliance -s took $(k4a_secs "$t0") s"
k4a_compliance "video node" "$K4A_OUT/color-compliance.log"
ktap_result $? "colour node $V: v4l2-compliance -s Failed 0, Warnings 0"

# The metadata node carries records only while the colour node streams.
v4l2-ctl -d "$V" --set-fmt-video=width=1280,height=720,pixelformat=MJPG --set-parm=5 > /dev/null
v4l2-ctl -d "$V" --stream-mmap=16 --stream-count=100000000 > "$K4A_OUT/color-compliance-bg.log" 2>&1 &
bg=$!
color_on() { emu_ctl dump 0 | grep -q ' color_on=1 '; }
k4a_wait "colour node streaming in the background" color_on
t0=$(k4a_now)
timeout -k 5 "$K4A_WAIT_S" v4l2-compliance -d "$M" --streaming="$CN" 2>&1 | tr '\r' '\n' \
	> "$K4A_OUT/color-meta-compliance.log"
echo "# metadata node: v4l2-compliance -s took $(k4a_secs "$t0") s"
k4a_compliance "metadata node" "$K4A_OUT/color-meta-compliance.log"
r=$?
{ kill $bg && wait $bg; } 2> /dev/null
ktap_result $r "metadata node $M: v4l2-compliance -s Failed 0, Warnings 0 (colour node streaming)"

# The records beside a capture: one per video buffer (the helper keeps 16 of each queued).
CAP=/tmp/color-meta
timeout -k 5 "$K4A_WAIT_S" "$CAP_BIN" -f MJPG -w 1280 -h 720 -r 5 -n 20 -b 16 -m "$M" "$V" \
	> "$CAP.txt" 2>&1
rc=$?
res=$(color_judge stream "$CAP.txt")
echo "$res" | grep '^#'
[ "$rc" = 0 ] && [ "$(echo "$res" | tail -n 1)" = "RESULT ok" ]
ktap_result $? "MJPG 1280x720 @5 with the metadata node streaming: 20 whole frames, none lost"
verdict=$(awk '
	$1 == "V" { nv++; vts[$2] = $5; vticks[$2] = $10 }
	$1 == "M" {
		nm++
		if ($3 != 80 || $6 != 1 || $7 != 80) { form++; if (form <= 3) print "# record " $2 ": bytesused " $3 " version " $6 " size " $7 }
		if ($8 != $2) { seqbad++; if (seqbad <= 3) print "# buffer sequence " $2 ": record sequence " $8 }
		if ($9 != 0) streambad++
		if ($14 < $13 || $14 > $16) { arrbad++; if (arrbad <= 3) print "# record " $2 ": arrival " $14 " not between soe " $13 " and dequeue " $16 }
		if ($10 != 1) meaning++
		mapped += $11 == 1
		if (nm == 1 || $14 - $13 < amin) amin = $14 - $13
		if (nm == 1 || $14 - $13 > amax) amax = $14 - $13
		mts[$2] = $5; msoe[$2] = $13; mticks[$2] = $12
	}
	END {
		# the video buffer of each record (the helper may dequeue a record before its frame)
		for (q in mts) {
			if (!(q in vts)) { novideo++; if (novideo <= 3) print "# record " q ": no video buffer of that sequence"; continue }
			# buffer timestamps are whole microseconds (struct timeval)
			if (mts[q] != vts[q] || msoe[q] - msoe[q] % 1000 != vts[q]) { tsbad++; if (tsbad <= 3) print "# record " q ": buffer ts " mts[q] ", soe_ns " msoe[q] ", video ts " vts[q] }
			if (vticks[q] != "-" && (mticks[q] % 4294967296) != (vticks[q] % 4294967296)) { ticksbad++; if (ticksbad <= 3) print "# record " q ": device_ticks " mticks[q] ", ground truth " vticks[q] }
			if (vticks[q] != "-" && mticks[q] == vticks[q]) ticks64++
		}
		printf "# %d video buffers, %d metadata records; %d with the device-to-host clock mapped, %d with the ground truth device time in all 64 bits, arrival - soe %.1f..%.1f ms (figures)\n", nv, nm, mapped, ticks64, amin / 1e6, amax / 1e6
		printf "# records: wrong form %d, sequence unlike the buffer %d, not colour %d, no video buffer %d, timestamp unlike the video buffer %d, arrival out of order %d, ts_meaning not centre of exposure %d, device ticks unlike the ground truth %d\n", form, seqbad, streambad, novideo, tsbad, arrbad, meaning, ticksbad
		print (nm == nv && nm > 0 && form + seqbad + streambad + novideo + tsbad + arrbad + meaning + ticksbad == 0) ? "ok" : "bad"
	}' "$CAP.txt")
echo "$verdict" | grep '^#'
[ "$rc" = 0 ] && [ "$(echo "$verdict" | tail -n 1)" = ok ]
ktap_result $? "metadata records: version 1, size 80, colour, the sequence, timestamp and device time of their frame"
rm -f "$CAP.txt"
color_down
ktap_result $? "the unit goes with the emulator, k4a unloads"
ktap_totals
