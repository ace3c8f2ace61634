#!/bin/sh
# Emulator time/sync model: three units in a daisy chain (unit 0 master, 1 and 2 subordinates),
# USB completion jitter on, drift on one subordinate. Subordinates are started first and must
# stay silent until the master starts colour; then every subordinate frame must start exactly at
# the master's pulse + its subordinate delay, with device timestamps that match the master's
# (start of frame) plus the delay. Read from the emulator's side log (ground truth).
. "$K4A_ROOT/tools/vm/guest-lib.sh"
. "$K4A_ROOT/tools/emu/guest-lib.sh"
ktap_plan 9
D1=1000
D2=2000
if ! emu_start -n 3 -t daisy -j 300,3000,pareto,2000,8000 -d 2:20; then
	ktap_result 1 "emulator with 3 units enumerates"
	ktap_totals
	exit 1
fi
ktap_result 0 "emulator with 3 units enumerates"
S0=$(emu_serial 0) S1=$(emu_serial 1) S2=$(emu_serial 2)
j0=$($PROBE -s "$S0" cmd color 0x80000006 1 | sed -n 's/.*data=//p')
j1=$($PROBE -s "$S1" cmd color 0x80000006 1 | sed -n 's/.*data=//p')
j2=$($PROBE -s "$S2" cmd color 0x80000006 1 | sed -n 's/.*data=//p')
[ "$j0" = 02 ] && [ "$j1" = 03 ] && [ "$j2" = 01 ]
ktap_result $? "jack state follows the daisy chain (master 02, middle 03, last 01: $j0 $j1 $j2)"

# Readers run until the side log holds enough frames (not for a fixed time: a slow host takes
# longer to start them); then they are stopped.
color() { # serial
	v=$(emu_video "$1") || return 1
	v4l2-ctl -d "$v" --set-fmt-video=width=1280,height=720,pixelformat=MJPG --set-parm=5 > /dev/null &&
		exec v4l2-ctl -d "$v" --stream-mmap --stream-count=1000000 > /dev/null 2>&1
}
has_started() { grep -q '^started' "$1"; }
started() { # log: wait until the probe configured sync and started depth (SDK order)
	k4a_wait "" has_started "$1"
}
$PROBE -s "$S1" stream --sync subordinate --sub-delay-us $D1 --mode pcm --fps 5 --seconds 100000 \
	> "$K4A_OUT/sync-sub1.log" 2>&1 &
P1=$!
$PROBE -s "$S2" stream --sync subordinate --sub-delay-us $D2 --mode pcm --fps 5 --seconds 100000 \
	> "$K4A_OUT/sync-sub2.log" 2>&1 &
P2=$!
started "$K4A_OUT/sync-sub1.log" && started "$K4A_OUT/sync-sub2.log" || echo "# subordinate start failed"
color "$S1" & C1=$!
color "$S2" & C2=$!
sleep 5
emu_ctl dump > "$K4A_OUT/sync-dump-before.txt"
n=$(grep -c -e "^$S1 " -e "^$S2 " "$EMU_LOG")
[ "$n" -eq 0 ]
ktap_result $? "subordinates produce nothing before the master starts ($n frames)"
$PROBE -s "$S0" stream --sync master --mode pcm --fps 5 --seconds 100000 > "$K4A_OUT/sync-master.log" 2>&1 &
P0=$!
started "$K4A_OUT/sync-master.log" || echo "# master start failed"
color "$S0" & C0=$!
# frames of SERIAL STREAM in the side log
frames() { grep -c "^$1 $2 " "$EMU_LOG"; }
enough() {
	emu_ctl dump > /dev/null	# a round trip: the side log is written up to here
	[ "$(frames "$S0" color)" -ge 25 ] && [ "$(frames "$S1" color)" -ge 10 ] &&
		[ "$(frames "$S2" color)" -ge 10 ] && [ "$(frames "$S1" depth)" -ge 10 ] &&
		[ "$(frames "$S2" depth)" -ge 10 ]
}
k4a_wait "25 master colour frames, 10 of each subordinate stream" enough
kill $P0 $C0 2>/dev/null
wait $P0 $C0 2>/dev/null
kill $P1 $P2 $C1 $C2 2>/dev/null
wait $P1 $P2 $C1 $C2 2>/dev/null
emu_ctl dump > "$K4A_OUT/sync-dump.txt"
emu_ctl laser > "$K4A_OUT/sync-laser.txt"
emu_stop

# side log: serial stream counter ticks soe_ns sent_ns
m=$(awk -v s="$S0" '$1 == s && $2 == "color"' "$EMU_LOG" | wc -l)
[ "$m" -ge 10 ]
ktap_result $? "master colour frames ($m)"
check() { # serial delay_us stream
	awk -v m="$S0" -v s="$1" -v d="$2" -v st="$3" '
	$1 == m && $2 == st { mt[++nm] = $5; mk[nm] = $4; if (nm == 1 || $5 < first) first = $5
			      if ($5 > last) last = $5 }
	$1 == s && $2 == st { t[++ns] = $5; k[ns] = $4 }
	END {
		if (nm < 5 || ns < 5) { print "# " s " " st ": too few frames " nm " " ns; exit 1 }
		bad = 0; kbad = 0; worst = 0
		for (i = 1; i <= ns; i++) {
			if (t[i] > last + d * 1000 + 1000000) { after++; continue }	# master stream already stopped
			best = -1
			for (j = 1; j <= nm; j++) {
				e = t[i] - mt[j] - d * 1000; if (e < 0) e = -e
				if (best < 0 || e < best) { best = e; bj = j }
			}
			if (best > 10000) bad++
			if (best > worst) worst = best
			# device time: subordinate ticks = master ticks + delay (SDK tolerance at 5 fps: 660 us)
			dk = k[i] - mk[bj] - d * 9 / 100; if (dk < 0) dk = -dk
			if (dk > 59) kbad++
			if (t[i] < first) early++
		}
		printf "# %s %s: %d frames (%d after the master stopped), start error max %d ns, %d off, %d ticks off, %d before master\n", s, st, ns, after, worst, bad, kbad, early
		exit (bad > 0 || kbad > 0 || early > 0)
	}' "$EMU_LOG"
}
check "$S1" $D1 color; r1=$?
check "$S2" $D2 color; r2=$?
[ $r1 = 0 ] && [ $r2 = 0 ]
ktap_result $? "subordinate colour frames start at master pulse + delay ($D1/$D2 us), ticks match"
check "$S1" $D1 depth; r1=$?
check "$S2" $D2 depth; r2=$?
[ $r1 = 0 ] && [ $r2 = 0 ]
ktap_result $? "subordinate depth frames follow the same pulses"
first_m=$(awk -v m="$S0" '$1 == m && $2 == "color" && (f == "" || $5 < f) {f = $5} END {print f}' "$EMU_LOG")
early=$(awk -v a="$S1" -v b="$S2" -v f="$first_m" '($1 == a || $1 == b) && $5 < f' "$EMU_LOG" | wc -l)
[ -n "$first_m" ] && [ "$early" -eq 0 ]
ktap_result $? "no subordinate frame starts before the master's first colour frame"
# jitter visible in delivery: sent - soe spread over colour frames of the master
spread=$(awk -v m="$S0" '$1 == m && $2 == "depth" && $6 > 0 { d = $6 - $5; if (n == 0 || d < lo) lo = d; if (n == 0 || d > hi) hi = d; n++ }
	END { printf "%d", (hi - lo) / 1000 }' "$EMU_LOG")
echo "# master depth delivery spread ${spread} us"
[ "${spread:-0}" -gt 0 ]
ktap_result $? "USB delivery jitter present (spread ${spread} us)"
grep -q 'laser total' "$K4A_OUT/sync-laser.txt"
ktap_result $? "laser window report ($(tail -n 2 "$K4A_OUT/sync-laser.txt" | head -n 1))"
ktap_totals
