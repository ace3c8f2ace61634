#!/bin/sh
# k4actl start, status, watch and stop against k4a.ko and three emulated units on a daisy chain
# (unit 0's Sync Out into unit 1's Sync In, unit 1's into unit 2's), colour MJPG 1280x720 at
# 5 fps. `start` runs in the background; the applications (color_cap) start in the wrong
# order, the master first, then the subordinates: start plans the rig (passive IR: no depth
# delays), holds the master behind its closed start gate (nothing sent, no pulse, no frame)
# until both subordinates are armed, then opens it; every subordinate locks, start exits 0, no
# subordinate frame is exposed before the master's first (the emulator's side log). `status`
# and `watch --count 2` name every unit and show a spread. `stop --dry-run` names the three
# capture processes and changes nothing; `stop` ends them, every unit becomes idle and the
# master's gate is closed. A subordinate whose application never starts makes `start` time
# out with exit status 3 naming it; a master already streaming makes `start` fail (exit 1).
# Waits are for conditions (k4a_wait); no sleep decides a result.
. "$K4A_ROOT/tools/vm/guest-lib.sh"
. "$K4A_ROOT/tools/emu/guest-lib.sh"
. "$K4A_ROOT/selftests/k4a/depth_lib.inc"
CTL=$K4A_BUILD/bin/k4actl
CCAP_BIN=$K4A_BUILD/selftests/color_cap
T=$K4A_OUT/ctl-start
mkdir -p "$T"
NT=10
ktap_plan $NT
if ! depth_up -n 3 -t daisy; then
	ktap_result 1 "3 daisy-chained units form"
	n=2
	while [ $n -le $NT ]; do ktap_result skip "ctl_start $n" "no units"; n=$((n + 1)); done
	depth_down
	ktap_totals
	exit 1
fi
ktap_result 0 "3 daisy-chained units form"
S0=$(emu_serial 0) S1=$(emu_serial 1) S2=$(emu_serial 2)
U0=$(depth_unit_dir "$S0") U1=$(depth_unit_dir "$S1") U2=$(depth_unit_dir "$S2")
C0=$(depth_node "$S0" video_color) C1=$(depth_node "$S1" video_color) C2=$(depth_node "$S2" video_color)
echo "# master ${U0##*/} ($S0) $C0; subordinates ${U1##*/} ($S1) $C1, ${U2##*/} ($S2) $C2"

ss() { cat "$1/sync_state" 2> /dev/null; }
hl() { cat "$1/health/$2" 2> /dev/null; }
is() { [ "$(ss "$1")" = "$2" ]; }
gate_is() { [ "$(cat "$1/start_gate" 2> /dev/null)" = "$2" ]; }
emu_on() { emu_ctl dump "$1" | grep -q " $2=1 "; }
alive() { kill -0 "$1" 2> /dev/null; }
# cap NAME DEV: a colour capture in the background (MJPG 1280x720 @5); its pid in CAP
cap() {
	"$CCAP_BIN" -f MJPG -w 1280 -h 720 -r 5 -n 100000000 -b 4 -t "$K4A_WAIT_S" "$2" \
		> "$T/$1.txt" 2>&1 &
	CAP=$!
}
# show FILE TITLE: a file as "# " lines
show() {
	echo "# $2:"
	sed 's/^/#   /' "$1"
}
# st_or_gone UNIT WORD PID...: sync_state is WORD, or a process it depends on is gone
st_or_gone() {
	_u=$1 _w=$2
	shift 2
	for _p in "$@"; do alive "$_p" || return 0; done
	is "$_u" "$_w"
}
stop_bg() { { kill "$1" && wait "$1"; } 2> /dev/null; }

# 2: start in the background; the applications in the wrong order.
"$CTL" start --mode passive_ir --timeout 240 --lock-timeout 120 > "$T/start.out" 2> "$T/start.err" &
ST=$!
closed_or_gone() { alive $ST || return 0; gate_is "$U0" closed; }
k4a_wait "master's gate closed by start" closed_or_gone
gate_is "$U0" closed
r=$?
cap master "$C0"
M=$!
k4a_wait "master held" st_or_gone "$U0" armed $M $ST || r=1
cap sub1 "$C1"
P1=$!
k4a_wait "subordinate 1 armed" st_or_gone "$U1" armed $P1 $ST || r=1
# the master must still be held: nothing sent, no frame
held="sync_state $(ss "$U0"), colour frames $(hl "$U0" color_frames)"
emu_on 0 color_on && { r=1; held="$held, the emulated master streams colour"; }
echo "# master before the last subordinate started: $held"
is "$U0" armed && [ "$(hl "$U0" color_frames)" = 0 ] || r=1
cap sub2 "$C2"
P2=$!
t0=$(k4a_now)
_w=$K4A_WAIT_S
K4A_WAIT_S=400
k4a_wait "start done" eval '! alive $ST'
K4A_WAIT_S=$_w
wait $ST
rc=$?
echo "# start exit $rc, $(k4a_secs "$t0") s after the last application started"
show "$T/start.out" "k4actl start"
show "$T/start.err" "stderr"
[ "$rc" = 0 ] || r=1
ktap_result $r "start (master's application first): the master held until both subordinates armed, start exits 0"

# 3: the end state, and the order of the first frames in the side log.
r=0
for u in "$U1" "$U2"; do
	echo "# ${u##*/}: sync_state $(ss "$u"), colour frames $(hl "$u" color_frames)"
	is "$u" locked || r=1
done
echo "# ${U0##*/}: sync_state $(ss "$U0"), start_gate $(cat "$U0/start_gate"), colour frames $(hl "$U0" color_frames)"
is "$U0" streaming && gate_is "$U0" open || r=1
for s in "$S1" "$S2"; do
	# every subordinate's idle -> armed comes before the gate opened
	a=$(grep -n "$s subordinate: idle -> armed" "$T/start.out" | head -n 1 | cut -d: -f1)
	o=$(grep -n "opening the master's start gate" "$T/start.out" | head -n 1 | cut -d: -f1)
	[ -n "$a" ] && [ -n "$o" ] && [ "$a" -lt "$o" ] || { r=1; echo "# $s: armed line $a, gate line $o"; }
	grep -q "$s subordinate: armed -> locked" "$T/start.out" || { r=1; echo "# $s: no locked line"; }
done
grep -q "$S0 master: idle -> armed" "$T/start.out" && grep -q "$S0 master: armed -> streaming" "$T/start.out" || r=1
emu_ctl dump > /dev/null	# a round trip: the side log holds every frame sent so far
first=$(awk -v m="$S0" -v a="$S1" -v b="$S2" '
	$2 == "color" && !($1 in f) { f[$1] = $5 }
	END { printf "%s %s %s", f[m], f[a], f[b] }' "$EMU_LOG")
echo "# first colour start of exposure (side log, ns): master, sub 1, sub 2: $first"
set -- $first
[ $# = 3 ] && [ "$2" -ge "$1" ] && [ "$3" -ge "$1" ] || r=1
ktap_result $r "every subordinate locked, the master streams; no subordinate frame before the master's first"

# 4: status, text and JSON.
"$CTL" status > "$T/status" 2>&1
rc=$?
show "$T/status" "k4actl status (exit $rc)"
r=$rc
for s in "$S0" "$S1" "$S2"; do grep -q "$s" "$T/status" || { r=1; echo "# $s missing"; }; done
[ "$(grep -c ' locked ' "$T/status")" = 2 ] && grep -q ' streaming ' "$T/status" || r=1
"$CTL" status --json > "$T/status.json" 2>&1 || r=1
[ "$(grep -c '"sync_state": "locked"' "$T/status.json")" = 2 ] || { r=1; show "$T/status.json" "status --json"; }
ktap_result $r "status and status --json: every unit, two subordinates locked, the master streaming"

# 5: watch, two refreshes (stdout not a tty: two blocks).
"$CTL" watch --count 2 > "$T/watch" 2>&1
rc=$?
show "$T/watch" "k4actl watch --count 2 (exit $rc)"
r=$rc
for s in "$S0" "$S1" "$S2"; do
	[ "$(grep -c "$s" "$T/watch")" = 2 ] || { r=1; echo "# $s not in both blocks"; }
done
[ "$(grep -c '^spread ' "$T/watch")" = 2 ] || r=1
# from every unit's health/color_soe_ns: a figure in microseconds
grep -q '^spread [0-9.]* us, worst [0-9.]* us over 2 refreshes' "$T/watch" || r=1
# the second block has a colour rate for the master
awk -v s="$S0" 'n == 2 && $2 == s { f = $5 } /^UNIT/ { n++ } END { exit !(f + 0 > 0) }' \
	"$T/watch" || { r=1; echo "# no colour fps for the master in the second block"; }
ktap_result $r "watch --count 2: two blocks, every unit, colour rates, a spread line"

# 6: stop --dry-run names the three captures and changes nothing.
"$CTL" stop --dry-run > "$T/dry" 2>&1
rc=$?
show "$T/dry" "k4actl stop --dry-run (exit $rc)"
r=$rc
for p in $M $P1 $P2; do
	grep -q "^  $p color_cap" "$T/dry" || { r=1; echo "# pid $p not named"; }
	alive $p || { r=1; echo "# pid $p gone"; }
done
# the master's holder first
[ "$(sed -n 2p "$T/dry" | awk '{print $1}')" = "$M" ] || r=1
is "$U1" locked && is "$U2" locked || r=1
ktap_result $r "stop --dry-run: the three capture processes, the master's first; nothing changes"

# 7: stop.
"$CTL" stop > "$T/stop" 2>&1
rc=$?
show "$T/stop" "k4actl stop (exit $rc)"
r=$rc
for p in $M $P1 $P2; do
	k4a_wait "" eval "! alive $p" || { r=1; echo "# pid $p still runs"; }
	wait $p 2> /dev/null
done
for u in "$U0" "$U1" "$U2"; do
	echo "# ${u##*/}: state $(cat "$u/state"), sync_state $(ss "$u"), start_gate $(cat "$u/start_gate")"
	is "$u" idle && [ "$(cat "$u/state")" = idle ] || r=1
done
gate_is "$U0" closed || r=1
ktap_result $r "stop: the captures end, every unit idle, the master's gate closed"

# 8: a subordinate whose application never starts: timeout, exit 3, named.
cap master2 "$C0"
M=$!
cap sub1b "$C1"
P1=$!
k4a_wait "master held again" st_or_gone "$U0" armed $M
k4a_wait "subordinate 1 armed again" st_or_gone "$U1" armed $P1
"$CTL" start --no-plan --timeout 3 > "$T/to.out" 2> "$T/to.err"
rc=$?
show "$T/to.out" "k4actl start --no-plan --timeout 3 (exit $rc)"
show "$T/to.err" "stderr"
r=0
[ "$rc" = 3 ] || r=1
grep -q "$S2 (${U2##*/}, subordinate) is idle: no application streams it" "$T/to.err" || r=1
grep -q "$S1" "$T/to.err" && { r=1; echo "# the armed subordinate is named too"; }
grep -q "echo open > $U0/start_gate" "$T/to.err" || r=1
gate_is "$U0" closed && is "$U0" armed || r=1
ktap_result $r "a subordinate without application: start times out, exit 3, names it; the gate stays closed"

"$CTL" stop > "$T/stop2" 2>&1 || show "$T/stop2" "k4actl stop (cleanup)"
stop_bg $M
stop_bg $P1

# 9: a master that already streams: start refuses, exit 1.
echo open > "$U0/start_gate"
cap master3 "$C0"
M=$!
k4a_wait "master streaming" st_or_gone "$U0" streaming $M
"$CTL" start --no-plan --timeout 3 > "$T/busy.out" 2> "$T/busy.err"
rc=$?
show "$T/busy.err" "k4actl start with the master streaming (exit $rc)"
[ "$rc" = 1 ] && grep -q "the master $S0 (${U0##*/}) already streams: stop its application first (k4actl stop)" "$T/busy.err" &&
	gate_is "$U0" open
ktap_result $? "start with the master already streaming: exit 1, stop its application first"
stop_bg $M
k4a_wait "" is "$U0" idle

depth_down
ktap_result $? "the units go with the emulator, k4a unloads"
rm -rf "$T"
ktap_totals
