#!/bin/sh
# k4actl against k4a.ko and three emulated units on a daisy chain (unit 0's Sync Out into unit
# 1's Sync In, unit 1's into unit 2's): `list` shows every unit with its serial, jacks and the
# device files behind its sysfs links; `topology` names unit 0 the master and the others
# subordinates on a chain; `plan --dry-run` prints a plan and changes nothing; `plan` writes
# sync modes and delays that the units read back, with the lasers of no two units within
# 160 us of each other; `plan` while a unit streams fails naming it and changes nothing;
# contradictory cabling (two master-like units) is refused with exit status 3.
. "$K4A_ROOT/tools/vm/guest-lib.sh"
. "$K4A_ROOT/tools/emu/guest-lib.sh"
. "$K4A_ROOT/selftests/k4a/depth_lib.inc"
CTL=$K4A_BUILD/bin/k4actl
OUT=$K4A_OUT/ctl-rig
mkdir -p "$OUT"
ktap_plan 7
if ! depth_up -n 3 -t daisy; then
	ktap_result 1 "3 daisy-chained units form"
	for n in 2 3 4 5 6 7; do ktap_result skip "ctl $n" "no units"; done
	depth_down
	ktap_totals
	exit 1
fi
ktap_result 0 "3 daisy-chained units form"
S0=$(emu_serial 0) S1=$(emu_serial 1) S2=$(emu_serial 2)
U0=$(depth_unit_dir "$S0") U1=$(depth_unit_dir "$S1") U2=$(depth_unit_dir "$S2")
# run NAME ARGS...: k4actl with its output in $OUT/NAME and "# " lines; sets RC
run() {
	_n=$1
	shift
	"$CTL" "$@" > "$OUT/$_n" 2>&1
	RC=$?
	echo "# k4actl $* (exit $RC):"
	sed 's/^/#   /' "$OUT/$_n"
}

run list list
r=$RC
for s in "$S0" "$S1" "$S2"; do
	grep -q "$s" "$OUT/list" || { r=1; echo "# $s not listed"; }
	for l in video_color meta_color video_depth meta_depth; do
		d=$(depth_node "$s" $l)
		grep -q "$d\b" "$OUT/list" || { r=1; echo "# $s: $l $d not listed"; }
	done
done
ktap_result $r "list: every unit with its serial and the device files of its four nodes"

run topo topology
r=$RC
m=$(grep -i "master" "$OUT/topo" | head -n 1)
case "$m" in *"${U0##*/}"* | *"$S0"*) ;; *) r=1; echo "# the master line does not name unit 0" ;; esac
for u in "$U1" "$U2"; do
	grep -i "subordinate" "$OUT/topo" | grep -q "${u##*/}\b" || { r=1; echo "# ${u##*/} not a subordinate"; }
done
grep -qi "chain" "$OUT/topo" || { r=1; echo "# no daisy chain named"; }
ktap_result $r "topology: unit 0 the master, units 1 and 2 subordinates on a daisy chain"

attrs() { # the sync settings of every unit, one line
	for u in "$U0" "$U1" "$U2"; do
		printf '%s %s %s ' "$(cat "$u/sync_mode")" "$(cat "$u/subordinate_delay_off_master_usec")" \
			"$(cat "$u/depth_delay_off_color_usec")"
	done
}
a0=$(attrs)
run dry plan --dry-run
a1=$(attrs)
echo "# settings before: $a0; after --dry-run: $a1"
[ "$RC" = 0 ] && [ "$a0" = "$a1" ] && grep -q "k4a" "$OUT/dry"
ktap_result $? "plan --dry-run: a plan printed, nothing written"

run plan plan
r=$RC
set -- $(attrs)
echo "# written: $*"
[ "$1" = master ] && [ "$4" = subordinate ] && [ "$7" = subordinate ] || { r=1; echo "# roles not master, subordinate, subordinate"; }
# where each unit's laser starts within the frame: subordinate delay plus depth delay
l0=$(($2 + $3)) l1=$(($5 + $6)) l2=$(($8 + $9))
for p in "$l0 $l1" "$l0 $l2" "$l1 $l2"; do
	set -- $p
	d=$(($1 - $2))
	[ ${d#-} -ge 160 ] || { r=1; echo "# laser starts $1 and $2 us are closer than 160 us"; }
done
ktap_result $r "plan: master and two subordinates written and read back, laser starts 160 us apart or more"

# A streaming unit is busy: plan refuses before writing anything.
"$DCAP_BIN" -f K4NU -r 5 -n 100000000 -b 4 -t "$K4A_WAIT_S" "$(depth_node "$S1" video_depth)" \
	> /dev/null 2>&1 &
cp=$!
busy() { [ "$(cat "$U1/state")" != idle ]; }
k4a_wait "" busy
# unit 2 (idle) off its plan: a plan that wrote anything would change it back
echo 0 > "$U2/depth_delay_off_color_usec" || echo "# unit 2: depth delay 0 refused"
b0=$(attrs)
run busy plan
b1=$(attrs)
kill $cp
wait $cp 2> /dev/null
[ "$RC" != 0 ] && [ "$b0" = "$b1" ] && grep -q "${U1##*/}" "$OUT/busy"
ktap_result $? "plan with a unit streaming: fails naming that unit, nothing written"

# Contradictory cabling: two units with a plug in Sync Out and none in Sync In, i.e. two
# masters (unit 0 and, with a dangling cable, unit 2), unit 1 with no cable at all.
emu_ctl cable 1 none > /dev/null
emu_ctl cable 2 none > /dev/null
emu_ctl jack 0 out 1 > /dev/null
emu_ctl jack 2 out 1 > /dev/null
jacks() {
	for u in "$U0" "$U1" "$U2"; do
		printf '%s/%s ' "$(cat "$u/sync_in_jack")" "$(cat "$u/sync_out_jack")"
	done
}
two_masters() { [ "$(jacks)" = "disconnected/connected disconnected/disconnected disconnected/connected " ]; }
k4a_wait "" two_masters || echo "# jacks: $(jacks)"
run bad topology
[ "$RC" = 3 ]
ktap_result $? "topology refuses contradictory cabling (two units with only Sync Out) with exit status 3"
depth_down || echo "# k4a did not unload"
rm -rf "$OUT"
ktap_totals
