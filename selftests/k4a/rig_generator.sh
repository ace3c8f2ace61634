#!/bin/sh
# A rig driven by an external sync generator, no master on the host: three emulated units with
# their own clock rate errors (-60, +20, +90 ppm), the generator's 5 Hz pulses into unit 0's
# Sync In and on down the daisy chain, every unit in sync mode subordinate streaming MJPG
# 1280x720 colour at 5 fps. Every unit's clock locks and maps its device times at the rate the
# units measure together (clock/shared, Documentation/timestamps.rst, "One rate for the rig");
# a standalone unit beside them stays on its own. Figures: how long until every unit shared,
# and each unit's rate error against its configured one.
. "$K4A_ROOT/tools/vm/guest-lib.sh"
. "$K4A_ROOT/tools/emu/guest-lib.sh"
. "$K4A_ROOT/selftests/k4a/depth_lib.inc"
CCAP_BIN=$K4A_BUILD/selftests/color_cap
T=$K4A_OUT/rig-generator
rm -rf "$T"
mkdir -p "$T"
N=3
PPM="-60 20 90"
ktap_plan 4
if ! depth_up -n $N -t gen5 -d "0:-60,1:20,2:90"; then
	ktap_result 1 "$N units behind a generator form"
	for n in 2 3 4; do ktap_result skip "rig_generator $n" "no units"; done
	depth_down
	ktap_totals
	exit 1
fi
ktap_result 0 "$N units behind a generator form"
i=0
while [ $i -lt $N ]; do
	s=$(emu_serial $i)
	eval "U$i=$(depth_unit_dir "$s") C$i=$(depth_node "$s" video_color)"
	i=$((i + 1))
done
v() { eval "echo \$$1$2"; }

# every unit a subordinate, colour streaming; the generator's pulses start their frames
r=0
pids=
i=0
while [ $i -lt $N ]; do
	u=$(v U $i)
	echo subordinate > "$u/sync_mode" && echo 0 > "$u/subordinate_delay_off_master_usec" || r=1
	"$CCAP_BIN" -f MJPG -w 1280 -h 720 -r 5 -n 100000000 -b 3 -t "$K4A_WAIT_S" "$(v C $i)" \
		> "$T/c$i.txt" 2>&1 &
	pids="$pids $!"
	i=$((i + 1))
done
ktap_result $r "every unit a subordinate, colour streaming"

alive() {
	for _p in $pids; do
		kill -0 "$_p" 2> /dev/null || return 1
	done
}
# every unit locked and on the shared rate (or an application is gone)
shared() {
	alive || return 0
	_i=0
	while [ "$_i" -lt $N ]; do
		_u=$(v U $_i)
		[ "$(cat "$_u/clock/locked")" = 1 ] && [ "$(cat "$_u/clock/shared")" = 1 ] || return 1
		_i=$((_i + 1))
	done
}
r=0
k4a_wait "every unit locked, on the rig's rate" shared || r=1
alive || { r=1; echo "# an application ended early"; tail -n 3 "$T"/c*.txt | sed 's/^/# /'; }
i=0
for p in $PPM; do
	u=$(v U $i)
	# a unit whose clock runs P ppm fast reports about -P ppm (host ns per tick, slow positive)
	echo "# unit $i (clock $p ppm): shared $(cat "$u/clock/shared"), rate_error_ppb $(cat "$u/clock/rate_error_ppb" 2> /dev/null), error_ns $(cat "$u/clock/error_ns" 2> /dev/null)"
	[ "$(cat "$u/clock/shared")" = 1 ] || r=1
	i=$((i + 1))
done
ktap_result $r "no master on the host: the generator's subordinates map at one shared rate"

# a standalone unit is in no rig: the last unit leaves the chain's mode and restarts colour
u=$(v U $((N - 1)))
# shellcheck disable=SC2086
set -- $pids
kill "$3" 2> /dev/null
wait "$3" 2> /dev/null
r=0
echo standalone > "$u/sync_mode" || r=1
"$CCAP_BIN" -f MJPG -w 1280 -h 720 -r 5 -n 100000000 -b 3 -t "$K4A_WAIT_S" "$(v C $((N - 1)))" \
	> "$T/c-standalone.txt" 2>&1 &
sp=$!
lk() { kill -0 $sp 2> /dev/null || return 0; [ "$(cat "$u/clock/locked")" = 1 ]; }
k4a_wait "the standalone unit locked" lk || r=1
sh=$(cat "$u/clock/shared")
echo "# standalone unit: locked $(cat "$u/clock/locked"), shared $sh"
[ "$sh" = 0 ] && kill -0 $sp 2> /dev/null || r=1
ktap_result $r "a standalone unit beside them maps at its own rate (shared 0)"
# shellcheck disable=SC2086
kill $pids $sp 2> /dev/null
# shellcheck disable=SC2086
wait $pids $sp 2> /dev/null
depth_down > /dev/null || echo "# k4a did not unload"
ktap_totals
