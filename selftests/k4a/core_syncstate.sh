#!/bin/sh
# Sync state, health counters and the start gate of two emulated units on a daisy chain (unit
# 0's Sync Out into unit 1's Sync In), unit 0 master, unit 1 subordinate, at 5 fps: both idle;
# the subordinate's depth stream waits (armed, no frame); the master's colour stream started
# behind its closed start gate is held (armed, nothing sent: the emulator's colour stays off,
# no pulse) and its settings are locked while `state` stays idle; opening the gate starts it
# (streaming) and the subordinate locks; every change reaches udev as a KOBJ_CHANGE uevent
# with K4A_SYNC_STATE; the master's colour stopping makes the subordinate lost, starting again
# locks it again; the health counters grow; everything stopped, both idle. start_gate refuses
# a bad word (EINVAL) and closing while a stream runs (EBUSY), changing nothing.
# Waits are for conditions (k4a_wait); no sleep decides a result.
. "$K4A_ROOT/tools/vm/guest-lib.sh"
. "$K4A_ROOT/tools/emu/guest-lib.sh"
. "$K4A_ROOT/selftests/k4a/depth_lib.inc"
CCAP_BIN=$K4A_BUILD/selftests/color_cap
T=$K4A_OUT/core-syncstate
mkdir -p "$T"
ktap_plan 13
if ! depth_up -n 2 -t daisy; then
	ktap_result 1 "2 daisy-chained units form"
	n=2
	while [ $n -le 13 ]; do ktap_result skip "syncstate $n" "no units"; n=$((n + 1)); done
	depth_down
	ktap_totals
	exit 1
fi
ktap_result 0 "2 daisy-chained units form"
S0=$(emu_serial 0) S1=$(emu_serial 1)
U0=$(depth_unit_dir "$S0") U1=$(depth_unit_dir "$S1")
N0=${U0##*/} N1=${U1##*/}
C0=$(depth_node "$S0" video_color) D1=$(depth_node "$S1" video_depth)
echo "# master $N0 ($S0) colour $C0; subordinate $N1 ($S1) depth $D1"

ss() { cat "$1/sync_state" 2> /dev/null; }
hl() { cat "$1/health/$2" 2> /dev/null; }
is() { [ "$(ss "$1")" = "$2" ]; }
# wr FILE WORD: write with coreutils echo, whose error names the errno; prints it
wr() { /bin/echo "$2" 2>&1 > "$1" | sed 's/.*write error: //'; }
emu_on() { emu_ctl dump "$1" | grep -q " $2=1 "; }
pulses() { emu_ctl dump "$1" | sed -n 's/.* pulses_out=\([0-9]*\).*/\1/p'; }
stop_bg() { { kill "$1" && wait "$1"; } 2> /dev/null; }
# st_or_gone UNIT WORD PID...: sync_state is WORD, or a helper it depends on is gone (fails then)
st_or_gone() {
	_u=$1 _w=$2
	shift 2
	for _p in "$@"; do kill -0 "$_p" 2> /dev/null || return 0; done
	is "$_u" "$_w"
}
# wait_state WHAT UNIT WORD PID...: wait for it; true if the state was reached
wait_state() {
	_what=$1
	shift
	k4a_wait "$_what" st_or_gone "$@"
	is "$1" "$2" || { echo "# $_what: sync_state $(ss "$1"), a helper gone?"; return 1; }
}

# Every uevent of the k4a class, with its properties, from the kernel (line-buffered).
UEV=$T/uevents
k4a_uevent_monitor "$UEV"
# got UNIT WORD: the monitor saw a change uevent of UNIT with K4A_SYNC_STATE=WORD
got() {
	awk -v u="/$1" -v w="K4A_SYNC_STATE=$2" '
		/^DEVPATH=/ { d = substr($0, length($0) - length(u) + 1) == u }
		d && $0 == w { f = 1 }
		END { exit !f }' "$UEV"
}

r=0
echo master > "$U0/sync_mode" || r=1
echo subordinate > "$U1/sync_mode" || r=1
for u in "$U0" "$U1"; do
	echo "# ${u##*/}: sync_mode $(cat "$u/sync_mode") sync_state $(ss "$u") state $(cat "$u/state") start_gate $(cat "$u/start_gate") lost_count $(hl "$u" lost_count)"
	is "$u" idle && [ "$(cat "$u/start_gate")" = open ] && [ "$(cat "$u/state")" = idle ] || r=1
	# no colour frame yet: no offset
	cat "$u/health/frame_offset_ns" > /dev/null 2>&1 && r=1
done
ktap_result $r "master and subordinate set: both idle, start gates open, no frame offset yet"

g0=$(cat "$U0/start_gate")
e1=$(wr "$U0/start_gate" ajar)
e2=$(wr "$U0/start_gate" Closed)
e3=$(printf 'closed\n\n' 2>&1 > "$U0/start_gate" && echo written)
echo "# start_gate 'ajar': $e1; 'Closed': $e2; two newlines: ${e3:-refused}"
[ "$e1" = "Invalid argument" ] && [ "$e2" = "Invalid argument" ] && [ "$e3" != written ] &&
	[ "$(cat "$U0/start_gate")" = "$g0" ]
ktap_result $? "start_gate: a bad word is EINVAL and changes nothing"

# The subordinate's depth stream: armed, waiting for pulses (no frame comes).
"$DCAP_BIN" -f K4NU -r 5 -n 100000000 -b 4 -t "$K4A_WAIT_S" "$D1" > "$T/sub.txt" 2>&1 &
SUB=$!
wait_state "subordinate armed" "$U1" armed $SUB
r=$?
k4a_wait "" emu_on 1 depth_on || r=1
e=$(wr "$U1/start_gate" closed)
echo "# subordinate: state $(cat "$U1/state"), depth frames $(hl "$U1" depth_frames); closing its gate while it streams: $e"
[ "$(hl "$U1" depth_frames)" = 0 ] && [ "$e" = "Device or resource busy" ] &&
	[ "$(cat "$U1/start_gate")" = open ] || r=1
ktap_result $r "subordinate streaming depth without pulses: armed, no frame; closing its gate is EBUSY"

# The master's colour behind its closed gate: held, nothing reaches the device.
p0=$(pulses 0)
echo closed > "$U0/start_gate"
"$CCAP_BIN" -r 5 -n 100000000 -b 4 -t "$K4A_WAIT_S" "$C0" > "$T/master.txt" 2>&1 &
MAS=$!
wait_state "master held" "$U0" armed $MAS
r=$?
e=$(wr "$U0/sync_mode" standalone)
echo "# master: state $(cat "$U0/state"), start_gate $(cat "$U0/start_gate"), pulses $p0 -> $(pulses 0), sync_mode write: $e"
emu_on 0 color_on && { r=1; echo "# the emulated master streams colour"; }
[ "$(pulses 0)" = "$p0" ] && [ "$(cat "$U0/state")" = idle ] &&
	[ "$e" = "Device or resource busy" ] && [ "$(cat "$U0/sync_mode")" = master ] || r=1
ktap_result $r "master colour started behind its closed gate: armed, state idle, nothing sent, no pulse, settings locked"

echo "# subordinate while the master is held: $(ss "$U1"), depth frames $(hl "$U1" depth_frames)"
is "$U1" armed && [ "$(hl "$U1" depth_frames)" = 0 ]
ktap_result $? "the subordinate stays armed while the master is held"

# Open the gate: the master's colour starts, its pulses lock the subordinate.
t0=$(k4a_now)
r=0
echo open > "$U0/start_gate" || r=1
wait_state "master streaming" "$U0" streaming $MAS || r=1
wait_state "subordinate locked" "$U1" locked $MAS $SUB || r=1
echo "# locked $(k4a_secs "$t0") s after the gate opened; master colour frames $(hl "$U0" color_frames), pulses $(pulses 0); subordinate depth frames $(hl "$U1" depth_frames)"
emu_on 0 color_on && [ "$(cat "$U0/start_gate")" = open ] || r=1
ktap_result $r "gate opened: the master streams, the subordinate locks"

if [ -n "$MON" ]; then
	uev() { got "$N1" armed && got "$N1" locked && got "$N0" armed && got "$N0" streaming; }
	k4a_wait "uevents" uev
	r=$?
	awk '/^DEVPATH=/ { d = $0 } /^K4A_SYNC_STATE=/ { sub(/.*\//, "", d); print "# uevent " d " " $0 }' "$UEV"
	ktap_result $r "every change so far came as a KOBJ_CHANGE uevent with K4A_SYNC_STATE"
else
	ktap_result skip "every change so far came as a KOBJ_CHANGE uevent with K4A_SYNC_STATE" "no udevadm"
fi

e=$(wr "$U0/start_gate" closed)
echo "# closing the streaming master's gate: $e"
[ "$e" = "Device or resource busy" ] && [ "$(cat "$U0/start_gate")" = open ] && is "$U0" streaming
ktap_result $? "closing the gate of a streaming master is EBUSY and changes nothing"

# The master's colour stops: no pulses, the subordinate is lost.
l1=$(hl "$U1" lost_count)
f1=$(hl "$U1" depth_frames)
dmesg -c > /dev/null
t0=$(k4a_now)
stop_bg "$MAS"
wait_state "master idle" "$U0" idle
r=$?
wait_state "subordinate lost" "$U1" lost $SUB || r=1
logs=$(dmesg | grep -c "$N1: sync lost: no frame")
echo "# lost $(k4a_secs "$t0") s after the master stopped; lost_count $l1 -> $(hl "$U1" lost_count); $logs log line(s)"
[ "$(hl "$U1" lost_count)" -gt "$l1" ] && [ "$logs" -ge 1 ] || r=1
[ -z "$MON" ] || k4a_wait "" got "$N1" lost || r=1
ktap_result $r "the master's colour stops: the subordinate is lost (uevent, lost_count, a log line)"

# Again: locked again, the counters grew.
c0=$(hl "$U1" state_changes)
"$CCAP_BIN" -r 5 -n 100000000 -b 4 -t "$K4A_WAIT_S" "$C0" > "$T/master.txt" 2>&1 &
MAS=$!
wait_state "master streaming again" "$U0" streaming $MAS
r=$?
wait_state "subordinate locked again" "$U1" locked $MAS $SUB || r=1
more() {
	kill -0 $MAS 2> /dev/null && kill -0 $SUB 2> /dev/null || return 0
	[ "$(hl "$U1" depth_frames)" -gt "$f1" ] && [ "$(hl "$U0" color_frames)" -gt 2 ]
}
k4a_wait "" more
[ "$(hl "$U1" depth_frames)" -gt "$f1" ] && [ "$(hl "$U0" color_frames)" -gt 2 ] || r=1
off=$(hl "$U0" frame_offset_ns)
for u in "$U0" "$U1"; do
	printf '# %s health:' "${u##*/}"
	for f in color_frames color_dropped color_gaps depth_frames depth_dropped depth_gaps state_changes lost_count frame_offset_ns; do
		printf ' %s=%s' $f "$(hl "$u" $f || echo -)"
	done
	echo
done
[ "$(hl "$U1" state_changes)" -gt "$c0" ] || r=1
case "$off" in '' | *[!0-9-]*) r=1; echo "# master frame_offset_ns unreadable" ;; esac
ktap_result $r "the master again: the subordinate locks again, frames and state changes counted, a frame offset"

# Everything stops: idle.
stop_bg "$MAS"
stop_bg "$SUB"
both_idle() { is "$U0" idle && is "$U1" idle; }
k4a_wait "both idle" both_idle
r=$?
[ -z "$MON" ] || k4a_wait "" got "$N1" idle || r=1
ktap_result $r "everything stopped: both units idle"

stop_bg "$MAS"
stop_bg "$SUB"
[ -z "$MON" ] || stop_bg "$MON"
depth_down
ktap_result $? "the units go with the emulator, k4a unloads"
rm -rf "$T"
ktap_totals
