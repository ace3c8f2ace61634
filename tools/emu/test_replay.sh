#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Host test of k4a-clock-replay (tools/emu/replay.c) on a made-up run whose
# answers are known: one unit whose device clock runs 30 ppm slow, IMU
# observations at 208 a second with a latency of 100 us plus 0-49 us (the
# floor reached every 50th), colour frames at 5 fps; a second unit, 50 ppm
# fast and without observations, listed first, whose clock every one of
# those observations is later than (by up to 2.4 ms). Checks that the
# observations go to the first unit, then the frame lines
# k4a-tsstat reads: the frames before the estimator maps carry their arrival
# and no bound, the mapped ones lie on the floor, the lock comes once the
# observations span 2 s, and k4a-tsstat's figures of that output.
# Usage: test_replay.sh K4A-CLOCK-REPLAY K4A-TSSTAT
REPLAY=${1:?usage: test_replay.sh K4A-CLOCK-REPLAY K4A-TSSTAT}
STAT=${2:?usage: test_replay.sh K4A-CLOCK-REPLAY K4A-TSSTAT}
pass=0
fail=0
ok() { # WHAT CONDITION-STATUS DETAIL
	if [ "$2" -eq 0 ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL: $1: $3"
	fi
}

dir=$(mktemp -d) || exit 1
trap 'rm -rf "$dir"' EXIT

# 30 s; host ns = 1e9 + ticks * 1e9 / 90000 * (1 + 30e-6) + latency
awk 'BEGIN {
	ns = 1e9 / 90000 * (1 + 30e-6)
	for (j = 1; j <= 30 * 208; j++) {
		d = int(j * 90000 / 208)
		printf " k4a_clock_add: (k4a_clock_add+0x0/0x40) c=0x1 dev=%d host=%.0f\n",
			d, 1e9 + d * ns + 100000 + (j * 7919 % 50) * 1000
	}
}' > "$dir/obs"
awk 'BEGIN {
	ns = 1e9 / 90000 * (1 + 30e-6)
	print "# serial stream counter device_ticks soe_ns sent_ns faults"
	for (k = 0; k < 150; k++) {
		t = 900 + k * 18000
		printf "000000000002 color %d %d %.0f %.0f -\n", k, t,
			1e9 + t * ns * (1 - 50e-6) / (1 + 30e-6), 1e9 + t * ns + 100e6
	}
	for (k = 0; k < 150; k++) {
		t = 900 + k * 18000
		printf "000000000001 color %d %d %.0f %.0f -\n", k, t, 1e9 + t * ns,
			1e9 + t * ns + 100e6
	}
}' > "$dir/side"

"$REPLAY" "$dir/obs" "$dir/side" > "$dir/frames" 2> "$dir/err"
ok "runs" $? "$(cat "$dir/err")"
grep -q 'estimator 0x1: 000000000001' "$dir/err" && ! grep -q '^F 000000000002 ' "$dir/frames"
ok "the observations' unit" $? "$(cat "$dir/err")"
n=$(grep -c '^F 000000000001 color ' "$dir/frames")
[ "$n" -ge 140 ]
ok "every frame printed" $? "$n frame lines"

# before the first mapping: the arrival (SENT) as the time, no bound, no lock
awk '$1 == "F" && $10 == -1 { if ($5 != $7 || $11 != 0) bad++; n++ }
	END { exit !(n >= 1 && n <= 5 && !bad) }' "$dir/frames"
ok "unmapped frames" $? "$(head -5 "$dir/frames")"

# mapped: start of exposure + 100 us floor, within 2 us
awk '$1 == "F" && $10 != -1 { e = $5 - $6 - 100000; if (e < -2000 || e > 2000) bad++; n++ }
	END { exit !(n >= 140 && !bad) }' "$dir/frames"
ok "mapped on the floor" $? "$(awk '$10 != -1' "$dir/frames" | head -5)"

# locked from the first frame after 2 s of observations, then for good
awk '$1 == "F" { t = ($6 - 1e9) / 1e9; if ($11 == 1 && !first) first = t;
	if (first && $11 != 1) bad++ }
	END { exit !(first >= 1.9 && first <= 2.3 && !bad) }' "$dir/frames"
ok "lock" $? "$(awk '$11 == 1' "$dir/frames" | head -2)"

out=$("$STAT" --skip 5 "$dir/frames")
printf '%s\n' "$out" | grep -q 'color transport floor 99\.[0-9]*\.\.99\.[0-9]* us\|color transport floor 100\.[0-9]*\.\.100\.[0-9]* us'
ok "tsstat floor" $? "$out"
printf '%s\n' "$out" | grep -q 'color locked from 2\.[0-9]* s after the first frame on (0 of 1 streams never)'
ok "tsstat lock" $? "$out"

# --oracle: each frame on its unit's true clock plus the lowest latency so far
"$REPLAY" --oracle "$dir/obs" "$dir/side" > "$dir/oracle" 2> "$dir/err"
ok "oracle runs" $? "$(cat "$dir/err")"
n=$(grep -c '^F 000000000001 color .* 0 0 0 0$' "$dir/oracle")
[ "$n" -ge 140 ] && ! grep -q '^F 000000000002 ' "$dir/oracle"
ok "oracle: every frame of the observations' unit mapped" $? "$n frame lines"
awk '$1 == "F" { e = $5 - $6 - 100000; if (e < -1000) bad++
	if ($7 >= 1.3e9 && (e < -1000 || e > 1000)) bad++; n++ }
	END { exit !(n >= 140 && !bad) }' "$dir/oracle"
ok "oracle: never below the floor, on it once it was reached" $? "$(head -5 "$dir/oracle")"
out=$("$STAT" "$dir/oracle")
printf '%s\n' "$out" | grep -q 'color first 5\.0 s: 25 frames, 0 outside 50 us'
ok "oracle: tsstat within 50 us from the first frame" $? "$out"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
