#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Host test of k4a-tsstat's figures on small hand-made inputs whose answers
# are known (tools/emu/tsstat.c). Usage: test_tsstat.sh K4A-TSSTAT
STAT=${1:?usage: test_tsstat.sh K4A-TSSTAT}
pass=0
fail=0
check() { # WHAT OUTPUT PATTERN
	if printf '%s\n' "$2" | grep -qF -- "$3"; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL: $1: no \"$3\" in:"
		printf '%s\n' "$2"
	fi
}

# one stream, floor 80 us (the median of 1000, 80 and 80 us): 920 us off while not mapped,
# then 5 us claimed and 79 us off (a wrong claim of its own bound), then exact within 50 us
out=$(printf '%s\n' \
	'F a color 1 1000000 0 -1 0 0 -1 0' \
	'F a color 2 200001000 200000000 -1 0 0 5000 1' \
	'F a color 3 400080000 400000000 -1 0 1 50000 1' \
	'F a color 4 600080000 600000000 -1 0 1 50000 1' | "$STAT" --skip 0)
check "floor" "$out" "color transport floor 80.0..80.0 us"
check "own bound" "$out" "locked from 0.20 s after the first frame on (0 of 1 streams never); 3 locked frames, 1 of them further off than their own bound"
check "claims" "$out" "2 frames said they were within 50 us, 0 of them were not"

# without the optional fields: no lock figures
out=$(printf '%s\n' 'F a color 1 1000 0 -1 0 1' 'F a color 2 200001000 200000000 -1 0 1' |
	"$STAT" --skip 0)
if printf '%s\n' "$out" | grep -q 'locked from'; then
	fail=$((fail + 1))
	echo "FAIL: no lock fields: a lock line in:"
	printf '%s\n' "$out"
else
	pass=$((pass + 1))
fi

# two streams, one never locked: reported, the latest lock time is the other's
out=$(printf '%s\n' \
	'F a color 1 0 0 -1 0 0 -1 0' 'F a color 2 200000000 200000000 -1 0 0 9000 1' \
	'F b color 1 0 0 -1 0 0 20000 0' 'F b color 2 200000000 200000000 -1 0 0 20000 0' |
	"$STAT" --skip 0)
check "never" "$out" "locked from 0.20 s after the first frame on (1 of 2 streams never); 1 locked frames, 0 of them further off than their own bound"

# early frames: outside 50 us until 0.4 s, one of them with a bound within it
out=$(printf '%s\n' \
	'F a color 1 100000 0 -1 0 0' 'F a color 2 200100000 200000000 -1 0 1' \
	'F a color 3 400000000 400000000 -1 0 1' 'F a color 4 600000000 600000000 -1 0 1' \
	'F a color 5 800000000 800000000 -1 0 1' | "$STAT" --skip 1)
check "convergence" "$out" "color first 1.0 s: 5 frames, 2 outside 50 us (1 of them with a bound within it); within the bound from 0.20 s after the first frame on"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
