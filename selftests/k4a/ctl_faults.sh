#!/bin/sh
# Faults of a rig are reported, not hidden: k4actl names the unit and says what to do, and
# sysfs shows the state. Three emulated units on a daisy chain (unit 0's Sync Out into unit
# 1's Sync In, unit 1's into unit 2's), planned master, subordinate, subordinate (passive IR),
# colour MJPG 1280x720 at 5 fps (color_cap). Each fault, then the cabling put back:
#  - a missing cable (nothing between unit 0's Sync Out and unit 1's Sync In): both jacks read
#    disconnected; `topology` and `start` refuse (exit 3) saying that cable is missing;
#    `status` (exit 3) names the subordinate without Sync In cable; the driver refuses to
#    start that subordinate (EINVAL, logged);
#  - a swapped cable (unit 1's Sync Out into the master's Sync In): the jacks say so; `topology`
#    notes it, `start --no-plan` and `status` (exit 3) say which way to plug it; the driver
#    refuses to start the master;
#  - two masters (sync_mode master written on units 0 and 1): `topology` notes both, `start
#    --no-plan` refuses (exit 3) naming both and changes nothing, `status` exits 3; the
#    driver refuses to start unit 1 (its Sync In is occupied);
#  - a master whose Sync In is plugged: sync_in_jack connected; `topology` notes it, `start
#    --no-plan` and `status` (exit 3) say to unplug that cable; the driver refuses to start it;
#  - a cable in unit 2's Sync In whose other end is loose (the jacks look right, no pulse
#    comes): `start` times out (exit 3) naming unit 2 and its Sync In cable; unit 2 stays
#    armed without a frame and `status` (exit 3) says it gets no pulses; plugged properly,
#    unit 2 locks;
#  - pulses stopping (unit 2's Sync In cable pulled mid-run): unit 2 lost (lost_count, a log
#    line, a KOBJ_CHANGE uevent seen by `udevadm monitor`), `watch --count 1` (exit 3) says
#    its Sync In cable was pulled; plugged back, it locks by itself and `status` exits 0;
#  - a subordinate restarted mid-run (unit 1's application stops and starts again while the
#    master streams): locked, idle, armed, locked, each a uevent; unit 2 stays locked;
#  - a unit unplugged mid-run (unit 2): a running `watch` names it gone by its serial (exit 0
#    on Ctrl-C), a remove uevent, nothing crashes, `status` shows the two others (exit 0);
#    plugged back, it forms again as a subordinate (the driver kept its settings), idle, an
#    add uevent; its application started again, it locks;
#  - the master's application stopping: unit 1 lost, `status` (exit 3) says the master is
#    idle and to restart its application.
# Waits are for conditions (k4a_wait); no sleep decides a result.
. "$K4A_ROOT/tools/vm/guest-lib.sh"
. "$K4A_ROOT/tools/emu/guest-lib.sh"
. "$K4A_ROOT/selftests/k4a/depth_lib.inc"
CTL=$K4A_BUILD/bin/k4actl
CCAP_BIN=$K4A_BUILD/selftests/color_cap
T=$K4A_OUT/ctl-faults
mkdir -p "$T"
NT=14
ktap_plan $NT
if ! depth_up -n 3 -t daisy; then
	ktap_result 1 "3 daisy-chained units form"
	n=2
	while [ $n -le $NT ]; do ktap_result skip "ctl_faults $n" "no units"; n=$((n + 1)); done
	depth_down
	ktap_totals
	exit 1
fi
S0=$(emu_serial 0) S1=$(emu_serial 1) S2=$(emu_serial 2)
U0=$(depth_unit_dir "$S0") U1=$(depth_unit_dir "$S1") U2=$(depth_unit_dir "$S2")
N0=${U0##*/} N1=${U1##*/} N2=${U2##*/}
C0=$(depth_node "$S0" video_color) C1=$(depth_node "$S1" video_color) C2=$(depth_node "$S2" video_color)
echo "# units $N0 ($S0) $C0, $N1 ($S1) $C1, $N2 ($S2) $C2"

ss() { cat "$1/sync_state" 2> /dev/null; }
hl() { cat "$1/health/$2" 2> /dev/null; }
is() { [ "$(ss "$1")" = "$2" ]; }
alive() { kill -0 "$1" 2> /dev/null; }
stop_bg() { { kill "$1" && wait "$1"; } 2> /dev/null; }
# jacks UNIT: "IN/OUT" as sysfs reads them
jacks() { echo "$(cat "$1/sync_in_jack" 2> /dev/null)/$(cat "$1/sync_out_jack" 2> /dev/null)"; }
jacks_are() { [ "$(jacks "$1")" = "$2" ]; }
# run NAME ARGS...: k4actl, stdout in $T/NAME, stderr in $T/NAME.err, both as "# " lines; RC
run() {
	_n=$1
	shift
	"$CTL" "$@" > "$T/$_n" 2> "$T/$_n.err"
	RC=$?
	echo "# k4actl $* (exit $RC):"
	sed 's/^/#   /' "$T/$_n"
	sed 's/^/#   stderr: /' "$T/$_n.err"
}
# has NAME TEXT: the output of run NAME (stdout and stderr) holds TEXT (a fixed string)
has() { cat "$T/$1" "$T/$1.err" | tr '\n' ' ' | tr -s ' ' | grep -qF "$2" || { echo "# $1: no '$2'"; return 1; }; }
# cap NAME DEV: a colour capture in the background; its pid in CAP
cap() {
	"$CCAP_BIN" -f MJPG -w 1280 -h 720 -r 5 -n 100000000 -b 4 -t "$K4A_WAIT_S" "$2" \
		> "$T/$1.txt" 2>&1 &
	CAP=$!
}
# refused UNIT DEV WHY: a capture of DEV fails at STREAMON (EINVAL), the log says
# "k4aN: start: WHY", the unit stays idle
refused() {
	_d=$1
	_u=${1##*/}
	dmesg -c > /dev/null
	"$CCAP_BIN" -f MJPG -w 1280 -h 720 -r 5 -n 1 -b 4 -t 60 "$2" > "$T/refused.txt" 2>&1
	_rc=$?
	_log=$(dmesg | grep -c "$_u: start: $3")
	echo "# capture of $2: exit $_rc, $(grep STREAMON "$T/refused.txt"); $_log log line(s) '$_u: start: $3'"
	[ "$_rc" = 1 ] && grep -q "STREAMON .*EINVAL" "$T/refused.txt" && [ "$_log" -ge 1 ] && is "$_d" idle
}
# st_or_gone UNIT WORD PID...: sync_state is WORD, or a process it depends on is gone
st_or_gone() {
	_u=$1 _w=$2
	shift 2
	for _p in "$@"; do alive "$_p" || return 0; done
	is "$_u" "$_w"
}
wait_state() { # WHAT UNIT WORD PID...: true if the state was reached
	_what=$1
	shift
	k4a_wait "$_what" st_or_gone "$@"
	is "$1" "$2" || { echo "# $_what: sync_state $(ss "$1")"; return 1; }
}
modes() { echo "$(cat "$U0/sync_mode") $(cat "$U1/sync_mode") $(cat "$U2/sync_mode")"; }
gates() { echo "$(cat "$U0/start_gate") $(cat "$U1/start_gate") $(cat "$U2/start_gate")"; }
chain() { jacks_are "$U0" disconnected/connected && jacks_are "$U1" connected/connected &&
	jacks_are "$U2" connected/disconnected; }

# Every uevent of the k4a class, with its properties (line-buffered).
UEV=$T/uevents
k4a_uevent_monitor "$UEV"
uev_mark() { wc -l < "$UEV" 2> /dev/null || echo 0; }
# uev_seq MARK UNIT WORD...: after line MARK, uevents of UNIT with these K4A_SYNC_STATEs in order
uev_seq() {
	_m=$1 _un=$2
	shift 2
	awk -v m="$_m" -v u="/$_un" -v want="$*" '
		NR <= m { next }
		/^DEVPATH=/ { d = substr($0, length($0) - length(u) + 1) == u }
		d && /^K4A_SYNC_STATE=/ { got = got (got == "" ? "" : " ") substr($0, 16) }
		END { n = split(want, w, " "); s = got; for (i = 1; i <= n; i++) {
			p = index(" " s " ", " " w[i] " "); if (!p) exit 1; s = substr(s, p + length(w[i])) }
			exit 0 }' "$UEV"
}
uev_show() { # MARK UNIT: its sync states after MARK, one line
	awk -v m="$1" -v u="/$2" 'NR > m && /^DEVPATH=/ { d = substr($0, length($0) - length(u) + 1) == u }
		NR > m && d && /^K4A_SYNC_STATE=/ { printf " %s", substr($0, 16) }' "$UEV"
}

r=0
run plan plan --mode passive_ir
[ "$RC" = 0 ] && [ "$(modes)" = "master subordinate subordinate" ] && chain || r=1
echo "# sync modes $(modes); jacks $(jacks "$U0") $(jacks "$U1") $(jacks "$U2")"
ktap_result $r "3 daisy-chained units form, planned master, subordinate, subordinate"

# 2: no cable between unit 0's Sync Out and unit 1's Sync In.
emu_ctl cable 1 none > /dev/null
cut01() { jacks_are "$U0" disconnected/disconnected && jacks_are "$U1" disconnected/connected; }
r=0
k4a_wait "cable 0->1 gone from the jacks" cut01 || r=1
run topo1 topology
[ "$RC" = 3 ] && has topo1 "missing sync cable: $N0 (serial $S0), set to master, has no sync cable, and $N1 (serial $S1), set to subordinate, has nothing in its Sync In: the cable from $N0's Sync Out to $N1's Sync In is probably missing: plug it in." || r=1
run start1 start --no-plan --timeout 5
[ "$RC" = 3 ] && has start1 "$N0's Sync Out to $N1's Sync In is probably missing" || r=1
[ "$(gates)" = "open open open" ] || { r=1; echo "# gates $(gates)"; }
run status1 status
[ "$RC" = 3 ] && has status1 "problem: $N1 (serial $S1) is set to subordinate, but nothing is plugged into its Sync In" &&
	has status1 "problem: $N0 (serial $S0) is set to master, but nothing is plugged into its Sync Out" || r=1
refused "$U1" "$C1" "subordinate mode needs a cable in Sync In" || r=1
ktap_result $r "missing cable 0->1: jacks disconnected; topology, start (exit 3) and status name it; the subordinate refused"
emu_ctl cable 1 0 > /dev/null
k4a_wait "" chain || echo "# the chain did not come back: $(jacks "$U0") $(jacks "$U1") $(jacks "$U2")"

# 3: the cable between unit 0 and unit 1 the wrong way round (unit 1's Sync Out into unit 0's
# Sync In).
emu_ctl cable 1 none > /dev/null
emu_ctl cable 0 1 > /dev/null
swapped() { jacks_are "$U0" connected/disconnected && jacks_are "$U1" disconnected/connected; }
r=0
k4a_wait "cable 1->0 in the jacks" swapped || r=1
swap="$N0 (serial $S0) is set to master and $N1 (serial $S1) to subordinate, but $N0 takes a signal into its Sync In and drives nothing, while $N1 drives its Sync Out with its Sync In free: the cable between them is probably the wrong way round. Plug it from $N0's Sync Out into $N1's Sync In."
run topo2 topology
[ "$RC" = 0 ] && has topo2 "note: $swap" || r=1
run start2 start --no-plan --timeout 5
[ "$RC" = 3 ] && has start2 "cannot start: $swap" && has start2 "Nothing changed." || r=1
[ "$(gates)" = "open open open" ] || { r=1; echo "# gates $(gates)"; }
run status2 status
[ "$RC" = 3 ] && has status2 "problem: $swap" || r=1
refused "$U0" "$C0" "master mode needs a cable in Sync Out" || r=1
ktap_result $r "cable 0<-1 swapped: jacks say so; topology notes it, start --no-plan and status (exit 3) say which way to plug it; the master refused"
emu_ctl cable 0 none > /dev/null
emu_ctl cable 1 0 > /dev/null
k4a_wait "" chain || echo "# the chain did not come back: $(jacks "$U0") $(jacks "$U1") $(jacks "$U2")"

# 4: two masters.
r=0
echo master > "$U1/sync_mode" || r=1
echo "# sync modes $(modes)"
[ "$(modes)" = "master master subordinate" ] || r=1
run topo3 topology
[ "$RC" = 0 ] && has topo3 "note: $N0 (serial $S0) and $N1 (serial $S1) are both set to master: a rig has one master" &&
	has topo3 "$N1 is set to master, but its Sync In is occupied" || r=1
run start3 start --no-plan --timeout 5
[ "$RC" = 3 ] && has start3 "cannot start: $N0 (serial $S0) and $N1 (serial $S1) are both set to master" &&
	has start3 "Nothing changed." || r=1
[ "$(gates)" = "open open open" ] || { r=1; echo "# gates $(gates)"; }
run status3 status
[ "$RC" = 3 ] && has status3 "problem: $N0 (serial $S0) and $N1 (serial $S1) are both set to master" || r=1
refused "$U1" "$C1" "master mode needs Sync In unplugged" || r=1
ktap_result $r "two masters: topology notes both, start --no-plan refuses (exit 3) changing nothing, status exit 3; the second refused"
echo subordinate > "$U1/sync_mode" || echo "# unit 1 back to subordinate refused"

# 5: the master's Sync In plugged.
emu_ctl jack 0 in 1 > /dev/null
r=0
k4a_wait "a cable in the master's Sync In" jacks_are "$U0" connected/connected || r=1
run topo4 topology
[ "$RC" = 0 ] && has topo4 "$N0 is set to master, but its Sync In is occupied: a master's Sync In must stay free" || r=1
run start4 start --no-plan --timeout 5
[ "$RC" = 3 ] && has start4 "cannot start: $N0 (serial $S0) is set to master, but its Sync In is occupied" &&
	has start4 "Unplug that cable" || r=1
[ "$(gates)" = "open open open" ] || { r=1; echo "# gates $(gates)"; }
run status4 status
[ "$RC" = 3 ] && has status4 "problem: $N0 (serial $S0) is set to master, but its Sync In is occupied" || r=1
refused "$U0" "$C0" "master mode needs Sync In unplugged" || r=1
ktap_result $r "master's Sync In plugged: sync_in_jack connected; topology, start --no-plan and status (exit 3) say to unplug it; the master refused"
emu_ctl jack 0 in 0 > /dev/null
k4a_wait "" chain || echo "# the chain did not come back: $(jacks "$U0") $(jacks "$U1") $(jacks "$U2")"

# 6, 7: unit 2's Sync In cable loose at the other end: the jacks look right, no pulse comes.
emu_ctl cable 2 none > /dev/null
emu_ctl jack 2 in 1 > /dev/null
emu_ctl jack 1 out 1 > /dev/null
"$CTL" start --no-plan --timeout 240 --lock-timeout 10 > "$T/start5" 2> "$T/start5.err" &
ST=$!
closed_or_gone() { alive $ST || return 0; [ "$(cat "$U0/start_gate")" = closed ]; }
k4a_wait "" closed_or_gone
cap master "$C0"
M=$CAP
cap sub1 "$C1"
P1=$CAP
cap sub2 "$C2"
P2=$CAP
_w=$K4A_WAIT_S
K4A_WAIT_S=400
k4a_wait "start ends" eval '! alive $ST'
K4A_WAIT_S=$_w
wait $ST
RC=$?
echo "# k4actl start --no-plan --timeout 240 --lock-timeout 10 (exit $RC):"
sed 's/^/#   /' "$T/start5"
sed 's/^/#   stderr: /' "$T/start5.err"
r=0
[ "$RC" = 3 ] && has start5 "$S2 ($N2, subordinate) is armed: no pulses from the master: check the sync cable into its Sync In (sync_in_jack reads connected)" || r=1
echo "# $N2: jacks $(jacks "$U2"), sync_state $(ss "$U2"), colour frames $(hl "$U2" color_frames); $N0 $(ss "$U0"), $N1 $(ss "$U1")"
is "$U2" armed && [ "$(hl "$U2" color_frames)" = 0 ] && jacks_are "$U2" connected/disconnected && is "$U0" streaming || r=1
run status5 status
[ "$RC" = 3 ] && has status5 "problem: $N2 (serial $S2), a subordinate, is armed but gets no pulses although its master $N0 (serial $S0) streams: check the cable into its Sync In" || r=1
ktap_result $r "a loose cable into unit 2's Sync In: start times out (exit 3) naming it and the cable; armed, no frame; status exit 3"

emu_ctl jack 2 in 0 > /dev/null
emu_ctl jack 1 out 0 > /dev/null
emu_ctl cable 2 1 > /dev/null
r=0
wait_state "unit 2 locks once cabled" "$U2" locked $M $P2 || r=1
wait_state "unit 1 locked" "$U1" locked $M $P1 || r=1
ktap_result $r "cabled properly, unit 2 locks"

# 8, 9: unit 2's Sync In cable pulled mid-run: no pulses.
l2=$(hl "$U2" lost_count)
mk=$(uev_mark)
dmesg -c > /dev/null
emu_ctl cable 2 none > /dev/null
t0=$(k4a_now)
r=0
wait_state "unit 2 lost" "$U2" lost $M $P2 || r=1
echo "# lost $(k4a_secs "$t0") s after the cable was pulled; lost_count $l2 -> $(hl "$U2" lost_count); jacks $(jacks "$U2"); log: $(dmesg | grep -c "$N2: sync lost")"
[ "$(hl "$U2" lost_count)" -gt "$l2" ] && jacks_are "$U2" disconnected/disconnected &&
	[ "$(dmesg | grep -c "$N2: sync lost")" -ge 1 ] && is "$U1" locked || r=1
if [ -n "$MON" ]; then
	k4a_wait "" uev_seq "$mk" "$N2" lost || r=1
	echo "# uevents of $N2 since:$(uev_show "$mk" "$N2")"
fi
run watch1 watch --count 1
[ "$RC" = 3 ] && has watch1 "problem: $N2 (serial $S2), a subordinate, lost sync: its frames came, then stopped" &&
	has watch1 "Nothing is plugged into its Sync In any more: plug the sync cable back in." || r=1
ktap_result $r "pulses stop (unit 2's Sync In cable pulled): lost, counted, logged, a uevent; watch --count 1 (exit 3) says so"

emu_ctl cable 2 1 > /dev/null
r=0
wait_state "unit 2 locks again" "$U2" locked $M $P2 || r=1
run status6 status
[ "$RC" = 0 ] && ! grep -q problem "$T/status6" || r=1
ktap_result $r "cable back: unit 2 locks again by itself, status exit 0 without a problem"

# 10: unit 1's application stops and starts again while the master streams.
mk=$(uev_mark)
r=0
stop_bg $P1
k4a_wait "unit 1 idle" is "$U1" idle || r=1
cap sub1b "$C1"
P1=$CAP
wait_state "unit 1 locked again" "$U1" locked $M $P1 || r=1
echo "# $N2 meanwhile: $(ss "$U2")"
is "$U2" locked || r=1
if [ -n "$MON" ]; then
	k4a_wait "" uev_seq "$mk" "$N1" idle armed locked || r=1
	echo "# uevents of $N1 since:$(uev_show "$mk" "$N1")"
fi
run status6b status
[ "$RC" = 0 ] && [ "$(grep -c " locked " "$T/status6b")" = 2 ] || r=1
ktap_result $r "a subordinate restarted mid-run: idle, armed, locked (uevents), unit 2 undisturbed, status exit 0"

# 11: unit 2 unplugged mid-run, watch running.
"$CTL" watch --interval 0.5 > "$T/watch2" 2> "$T/watch2.err" &
W=$!
block() { grep -q '^spread ' "$T/watch2"; }
k4a_wait "" block
emu_ctl unplug 2 > /dev/null
r=0
named() { grep -q "^problem: $N2 (serial $S2) is gone: unplugged" "$T/watch2"; }
k4a_wait "watch names unit 2 gone" named || r=1
kill -INT $W
wait $W
RC=$?
echo "# k4actl watch (Ctrl-C, exit $RC), its last block:"
awk '/^UNIT/ { b = "" } { b = b "#   " $0 "\n" } END { printf "%s", b }' "$T/watch2"
sed 's/^/#   stderr: /' "$T/watch2.err"
grep -q "^$N2 *$S2 *gone (unplugged?)" "$T/watch2" && [ "$RC" = 0 ] || r=1
k4a_wait "" eval '! alive $P2'
wait $P2
[ ! -e "$U2" ] || { r=1; echo "# $U2 still there"; }
if [ -n "$MON" ]; then
	removed() { grep -q "remove .*/$N2 (k4a)" "$UEV"; }
	k4a_wait "" removed || r=1
	grep "remove .*/$N2 (k4a)" "$UEV" | sed 's/^/# uevent: /'
fi
run status7 status
[ "$RC" = 0 ] && grep -q "^$N0 *$S0 " "$T/status7" && grep -q "^$N1 *$S1 " "$T/status7" &&
	! grep -q "$S2" "$T/status7" || r=1
ktap_result $r "a unit unplugged mid-run: watch names it gone by serial (exit 0 on Ctrl-C), a remove uevent; status shows the others (exit 0)"

# 12: unit 2 plugged back: it forms again with the settings the driver kept for its serial.
emu_ctl plug 2 > /dev/null
back() { U2=$(depth_unit_dir "$S2") && [ -e "$U2/color" ]; }
r=0
k4a_wait "unit 2 back" back || r=1
N2=${U2##*/}
echo "# $N2 ($S2): sync_mode $(cat "$U2/sync_mode"), sync_state $(ss "$U2"), start_gate $(cat "$U2/start_gate"), jacks $(jacks "$U2")"
[ "$(cat "$U2/sync_mode")" = subordinate ] && is "$U2" idle && [ "$(cat "$U2/start_gate")" = open ] &&
	jacks_are "$U2" connected/disconnected || r=1
if [ -n "$MON" ]; then
	added() { grep -q "add .*/$N2 (k4a)" "$UEV"; }
	k4a_wait "" added || r=1
fi
C2=$(depth_node "$S2" video_color)
cap sub2b "$C2"
P2=$CAP
wait_state "unit 2 locked, its application started again" "$U2" locked $M $P2 || r=1
run status8 status
[ "$RC" = 0 ] && grep -q "^$N2 *$S2 *subordinate locked " "$T/status8" || r=1
ktap_result $r "unit 2 plugged back: subordinate again (kept by serial), idle, gate open, an add uevent; its application again: locked, status exit 0"

# 13: the master's application stops.
r=0
stop_bg $M
wait_state "unit 1 lost" "$U1" lost $P1 || r=1
run status9 status
[ "$RC" = 3 ] && has status9 "problem: $N1 (serial $S1), a subordinate, lost sync" &&
	has status9 "Its master $N0 (serial $S0) is idle, not streaming: its colour stream makes the pulses. Restart the master's application." || r=1
ktap_result $r "the master's application stops: unit 1 lost; status (exit 3) says to restart the master's"

stop_bg $P1
stop_bg $P2
[ -z "$MON" ] || stop_bg "$MON"
depth_down
ktap_result $? "the units go with the emulator, k4a unloads"
rm -rf "$T"
ktap_totals
