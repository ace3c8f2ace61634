#!/bin/sh
# k4actl plan and start on daisy chains of 11 down to 1 emulated units (each unit's Sync Out
# into the next one's Sync In), NFOV 2x2 binned depth and MJPG 1280x720 colour at 5 fps.
# `k4actl plan` refuses 11 units (exit 3, a message naming the limit) and changes no unit's
# sync settings. The laser check can fail: two units streaming with every delay 0 make the
# emulator count overlapping laser pulses. Then for N = 10 down to 1 (the chain's last unit
# unplugged after each round): `plan` writes delays that the units read back (ten units at
# 155 us, fewer at 166.7 us); `start` runs in the background while the applications
# (color_cap and depth_cap, one each per unit) start in the wrong order, the master's first:
# the master is held behind its start gate (nothing streams on the emulated device, no sync
# pulse) until every subordinate is armed, start exits 0 having seen every subordinate lock,
# and the emulator's side log shows no subordinate frame exposed before the master's first.
# Once every stream delivers, the depth streams of all N units run until each unit has
# delivered, and the emulator exposed, a few more depth frames; over that window the
# emulator's own laser model counts no overlapping pulses between any two units and sees
# every two units expose together; with two units or more, every unit then maps its device
# times at the rate the rig measures together (clock/shared). The master's applications end
# first (its pulses with them), `k4actl stop` ends the others, every unit becomes idle.
# Figures: per round the per-pair laser counts, depth frames delivered and exposed, the
# phases' and the round's durations. Waits are for conditions (k4a_wait); no sleep decides
# a result.
. "$K4A_ROOT/tools/vm/guest-lib.sh"
. "$K4A_ROOT/tools/emu/guest-lib.sh"
. "$K4A_ROOT/selftests/k4a/depth_lib.inc"
CTL=$K4A_BUILD/bin/k4actl
CCAP_BIN=$K4A_BUILD/selftests/color_cap
T=$K4A_OUT/rig-scale
rm -rf "$T"
mkdir -p "$T"
NMAX=11
# depth frames every unit delivers in a round's window
FRAMES=3
NT=15
ktap_plan $NT
t_all=$(k4a_now)
if ! depth_up -n $NMAX -t daisy; then
	echo "# units with depth nodes: $(depth_units) of $NMAX"
	ktap_result 1 "$NMAX daisy-chained units form"
	n=2
	while [ $n -le $NT ]; do ktap_result skip "rig_scale $n" "no units"; n=$((n + 1)); done
	depth_down
	ktap_totals
	exit 1
fi
ktap_result 0 "$NMAX daisy-chained units form"
echo "# $NMAX units formed after $(k4a_secs "$t_all") s (figure)"

i=0
while [ $i -lt $NMAX ]; do
	s=$(emu_serial $i)
	eval "S$i=$s U$i=$(depth_unit_dir "$s") C$i=$(depth_node "$s" video_color)"
	eval "D$i=$(depth_node "$s" video_depth)"
	i=$((i + 1))
done
v() { eval "echo \$$1$2"; }
# cs FROM TO: seconds between two k4a_now values, as "1.23" (no process)
cs() { printf '%d.%02d' $((($2 - $1) / 100)) $((($2 - $1) % 100)); }

# The polls below run while 2N capture processes load the guest: no process started per
# poll where a shell builtin does.
ss() { cat "$1/sync_state" 2> /dev/null; }
is() { _v=; read -r _v < "$1/sync_state" 2> /dev/null; [ "$_v" = "$2" ]; }
gate_is() { _v=; read -r _v < "$1/start_gate" 2> /dev/null; [ "$_v" = "$2" ]; }
alive() { kill -0 "$1" 2> /dev/null; }
show() {
	echo "# $2:"
	sed 's/^/#   /' "$1"
}
# attrs N: the sync settings of units 0..N-1, one line
attrs() {
	_i=0
	while [ "$_i" -lt "$1" ]; do
		_u=$(v U $_i)
		printf '%s %s %s ' "$(cat "$_u/sync_mode")" \
			"$(cat "$_u/subordinate_delay_off_master_usec")" \
			"$(cat "$_u/depth_delay_off_color_usec")"
		_i=$((_i + 1))
	done
}
# emu_field I NAME: a counter of unit I from the emulator's dump
# cap_files N: the capture outputs of units 0..N-1 (colour, depth)
cap_files() {
	_cf_i=0
	while [ "$_cf_i" -lt "$1" ]; do
		printf ' %s %s' "$T/c$_cf_i.txt" "$T/d$_cf_i.txt"
		_cf_i=$((_cf_i + 1))
	done
}
emu_field() { emu_ctl dump "$1" | tr ' ' '\n' | sed -n "s/^$2=//p" | head -n 1; }
# counts N: "COLOUR DEPTH" buffers dequeued, one line per unit 0..N-1 (one process)
counts() {
	_f=$(cap_files "$1")
	# shellcheck disable=SC2086
	awk '/^V / { n[FILENAME]++ }
		END { for (i = 1; i < ARGC; i += 2) print n[ARGV[i]] + 0, n[ARGV[i + 1]] + 0 }' $_f
}
# apps I: unit I's applications in the background, colour first (a master's depth node
# does not start before its colour stream); their pids in PC<I> and PD<I>
apps() {
	"$CCAP_BIN" -f MJPG -w 1280 -h 720 -r 5 -n 100000000 -b 3 -t "$K4A_WAIT_S" "$(v C "$1")" \
		> "$T/c$1.txt" 2>&1 &
	eval "PC$1=$!"
	# the depth node of a master only starts once its colour stream did (held or not)
	[ "$1" != 0 ] || k4a_wait "" eval "! is $U0 idle || ! alive \$PC0"
	"$DCAP_BIN" -f K4NB -r 5 -n 100000000 -b 3 -t "$K4A_WAIT_S" "$(v D "$1")" \
		> "$T/d$1.txt" 2>&1 &
	eval "PD$1=$!"
}
# apps_alive N: every application of units 0..N-1 runs
apps_alive() {
	_i=0
	while [ "$_i" -lt "$1" ]; do
		alive "$(v PC $_i)" && alive "$(v PD $_i)" || return 1
		_i=$((_i + 1))
	done
}
# all_frames N C D: every unit 0..N-1 has dequeued at least C colour and D depth buffers
# beyond its depth count in BASE ("" or one number per unit) (or an application is gone)
all_frames() {
	apps_alive "$1" || return 0
	_f=$(cap_files "$1")
	# shellcheck disable=SC2086
	awk -v c="$2" -v d="$3" -v base="$BASE" '/^V / { n[FILENAME]++ }
		END { split(base, b)
			for (i = 1; i < ARGC; i += 2)
				if (n[ARGV[i]] < c || n[ARGV[i + 1]] < b[(i + 1) / 2] + d) exit 1 }' $_f
}
# exposed N: depth exposures of units 0..N-1 so far, as the emulator counts them
exposed() {
	emu_ctl dump | awk -v n="$1" '$1 == "frames" && $2 < n {
		sub("depth_frames=", "", $3); e[$2] = $3 }
		END { for (i = 0; i < n; i++) printf "%d ", e[i] }'
}
# window N D: all_frames N 1 D, and every unit exposed D more depth frames than in EBASE
window() {
	all_frames "$1" 1 "$2" || return 1
	apps_alive "$1" || return 0
	exposed "$1" | awk -v d="$2" -v base="$EBASE" '
		{ split(base, b); for (i = 1; i <= NF; i++) if ($i < b[i] + d) bad = 1 }
		END { exit bad }'
}
# shared N: every unit 0..N-1 maps its device times at the rate the rig measures together
# (clock/shared; Documentation/timestamps.rst, "One rate for the rig") (or an application
# is gone)
shared() {
	apps_alive "$1" || return 0
	_i=0
	while [ "$_i" -lt "$1" ]; do
		[ "$(cat "$(v U $_i)/clock/shared")" = 1 ] || return 1
		_i=$((_i + 1))
	done
}
# stop_apps N: every application of units 0..N-1 ends, every unit becomes idle. The
# master's applications go first and alone: its pulses end, and with them every
# subordinate's frames, so `k4actl stop` (which asks every unit for its jacks) then finds
# an idle bus.
stop_apps() {
	_t=$(k4a_now)
	kill "$PC0" "$PD0" 2> /dev/null
	k4a_wait "" eval '! alive $PC0 && ! alive $PD0'
	_t1=$(k4a_now)
	"$CTL" stop > "$T/stop" 2>&1 || show "$T/stop" "k4actl stop (exit $?)"
	echo "# stop: the master's applications $(cs "$_t" "$_t1") s, k4actl stop" \
		"$(cs "$_t1" "$(k4a_now)") s (figures)"
	k4a_wait "" all_stopped "$1"
	_r=$?
	_i=0
	while [ "$_i" -lt "$1" ]; do
		for _p in "$(v PC $_i)" "$(v PD $_i)"; do
			alive "$_p" && { _r=1; echo "# pid $_p still runs"; kill "$_p"; }
			wait "$_p" 2> /dev/null
		done
		_i=$((_i + 1))
	done
	return $_r
}
# all_stopped N: no application of units 0..N-1 runs, every unit idle
all_stopped() {
	_i=0
	while [ "$_i" -lt "$1" ]; do
		_c="" _d="" _u=""
		eval "_c=\$PC$_i _d=\$PD$_i _u=\$U$_i"
		! alive "$_c" && ! alive "$_d" && is "$_u" idle || return 1
		_i=$((_i + 1))
	done
}
# subs_armed N: every subordinate 1..N-2 armed or locked (or start gone)
subs_armed() {
	_i=1
	while [ "$_i" -lt "$1" ]; do
		alive $ST || return 0
		eval "_u=\$U$_i"
		is "$_u" armed || is "$_u" locked || return 1
		_i=$((_i + 1))
	done
}

# laser N SECS: the emulator's laser report over the last SECS seconds, kept for laser_judge
laser() { emu_ctl laser "$2" > "$T/laser" 2>&1; }
# laser_judge N: the pairs of units 0..N-1 of that report as "# " lines; sets OVL
# (overlapping pulses among them) and LONELY (pairs that never exposed together)
laser_judge() {
	awk -v n="$1" -v sum="$T/laser.sum" '
		$1 == "laser" && $2 == "total" { print "#   (every unit ever plugged) " $0 }
		$1 == "laser" && $2 < n && $3 < n { print "#   " $0
			e = $4; sub("exposures=", "", e); o = $5; sub("overlapping_pulses=", "", o)
			ov += o; if (e + 0 == 0) lonely++ }
		END { print ov + 0, lonely + 0 > sum }' "$T/laser"
	read -r OVL LONELY < "$T/laser.sum"
}
# first_soe FROM: "SERIAL NS" per unit with frames in the side log past line FROM: its
# earliest start of exposure, colour or depth
first_soe() {
	tail -n +$(($1 + 1)) "$EMU_LOG" | awk '($2 == "color" || $2 == "depth") &&
		(!($1 in m) || $5 < m[$1]) { m[$1] = $5 } END { for (s in m) print s, m[s] }'
}
side_lines() {
	emu_ctl dump > /dev/null	# a round trip: the side log holds every frame sent so far
	wc -l < "$EMU_LOG"
}

# 2: eleven units are too many for the planner; nothing changes.
before=$(attrs $NMAX)
"$CTL" plan > "$T/plan11" 2> "$T/plan11.err"
rc=$?
show "$T/plan11.err" "k4actl plan with $NMAX units (exit $rc)"
r=0
[ "$rc" = 3 ] || r=1
grep -q "^k4actl: $NMAX units: the delay planner takes at most 10" "$T/plan11.err" ||
	{ r=1; echo "# no message naming the limit"; }
grep -q "Plan a rig of fewer units" "$T/plan11.err" || r=1
[ ! -s "$T/plan11" ] || { r=1; show "$T/plan11" "stdout"; }
[ "$(attrs $NMAX)" = "$before" ] || { r=1; echo "# settings changed: $(attrs $NMAX)"; }
ktap_result $r "plan refuses $NMAX units (exit 3, the limit named), no unit's settings change"

# unplug_last: the chain's last unit leaves (both halves); N counts the units left
N=$NMAX
unplug_last() {
	N=$((N - 1))
	emu_ctl unplug $N > /dev/null
	k4a_wait "" eval '[ "$(depth_units)" = $N ]'
}
unplug_last
r=$?
echo "# unit $N unplugged: $(depth_units) units left"
ktap_result $r "the chain's last unit unplugged: $N units"

# 4: the laser check can fail: two units, every delay 0, both streaming.
r=0
for a in "$U0 master" "$U1 subordinate"; do
	set -- $a
	echo "$2" > "$1/sync_mode" && echo 0 > "$1/subordinate_delay_off_master_usec" &&
		echo 0 > "$1/depth_delay_off_color_usec" || r=1
done
echo open > "$U0/start_gate"
echo "# unit 0: $(attrs 1); unit 1: $(attrs 2 | cut -d' ' -f4-)"
BASE=
t0=$(k4a_now)
apps 1
apps 0
k4a_wait "both units deliver" all_frames 2 1 1 || r=1
w0=$(k4a_now)
BASE=$(counts 2 | awk '{ printf "%d ", $2 }')
EBASE=$(exposed 2)
k4a_wait "two more depth frames each" window 2 2 || r=1
apps_alive 2 || { r=1; echo "# an application ended"; }
ws=$(k4a_secs "$w0")
laser 2 "$ws"
laser_judge 2
echo "# every delay 0: overlapping pulses $OVL in a window of $ws s, $(k4a_secs "$t0") s streaming (figures)"
[ "$OVL" -gt 0 ] || r=1
stop_apps 2 || r=1
ktap_result $r "the check can fail: two units with every delay 0 overlap (the emulator counts $OVL pulses)"

# round: plan, start (applications master first), a window of depth frames, laser, stop
ROUNDS=
round() {
	rt0=$(k4a_now)
	r=0
	"$CTL" plan > "$T/plan$N" 2> "$T/plan$N.err"
	rc=$?
	if [ "$rc" != 0 ]; then
		show "$T/plan$N.err" "k4actl plan, $N units (exit $rc)"
		ktap_result 1 "$N units: plan"
		return
	fi
	sed -n '/^  unit /,/^$/p' "$T/plan$N" | sed 's/^/# /'
	grep '^smallest distance' "$T/plan$N" | sed 's/^/# /'
	echo "# read back: $(attrs $N)"
	tp1=$(k4a_now)
	L0=$(side_lines)
	p0=$(emu_field 0 pulses_out)
	"$CTL" start --no-plan --timeout 300 --lock-timeout 300 > "$T/start$N" 2> "$T/start$N.err" &
	ST=$!
	closed_or_gone() { alive $ST || return 0; gate_is "$U0" closed; }
	[ $N = 1 ] || k4a_wait "" closed_or_gone || r=1
	# the applications, the master's first, the last subordinate's last
	BASE=
	apps 0
	held=
	if [ $N -gt 1 ]; then
		k4a_wait "" eval "is $U0 armed || ! alive \$PD0" || r=1
		i=1
		while [ $i -lt $((N - 1)) ]; do
			apps $i
			i=$((i + 1))
		done
		k4a_wait "" subs_armed $((N - 1)) || r=1
		# the master must still be held: nothing on the device, no pulse, no frame
		dump=$(emu_ctl dump 0)
		p1=$(emu_field 0 pulses_out)
		held="sync_state $(ss "$U0"), start_gate $(cat "$U0/start_gate"), pulses $p0 -> $p1"
		echo "$dump" | grep -q " color_on=0 " && echo "$dump" | grep -q "depth_on=0 " ||
			{ r=1; held="$held, the emulated master streams"; }
		echo "# master before the last subordinate's applications: $held"
		is "$U0" armed && gate_is "$U0" closed && [ "$p1" = "$p0" ] || r=1
		apps $((N - 1))
	fi
	k4a_wait "" eval '! alive $ST'
	wait $ST
	rc=$?
	tp2=$(k4a_now)
	[ "$rc" = 0 ] || { r=1; show "$T/start$N" "k4actl start (exit $rc)"; show "$T/start$N.err" "stderr"; }
	grep '^every unit armed\|^started after\|^streaming after' "$T/start$N" | sed 's/^/# start: /'
	if [ $N -gt 1 ]; then
		o=$(grep -n "opening the master's start gate" "$T/start$N" | head -n 1 | cut -d: -f1)
		i=1
		while [ $i -lt $N ]; do
			s=$(v S $i)
			a=$(grep -n "$s subordinate: idle -> armed" "$T/start$N" | head -n 1 | cut -d: -f1)
			[ -n "$a" ] && [ -n "$o" ] && [ "$a" -lt "$o" ] ||
				{ r=1; echo "# $s: armed line $a, gate line $o"; }
			grep -q "$s subordinate: armed -> locked" "$T/start$N" ||
				{ r=1; echo "# $s: no locked line"; }
			i=$((i + 1))
		done
		# held armed (in the first table, or a line) until after the gate opened
		a=$(grep -n "$S0 master: armed -> streaming" "$T/start$N" | head -n 1 | cut -d: -f1)
		[ -n "$a" ] && [ -n "$o" ] && [ "$a" -gt "$o" ] ||
			{ r=1; echo "# master: armed -> streaming line $a, gate line $o"; }
	fi
	# every stream delivers (a subordinate whose second stream joins is judged again:
	# armed until its frames are in step); the window starts then
	k4a_wait "" all_frames $N 1 1 || r=1
	# start saw every subordinate lock; now a figure (a subordinate whose second stream
	# joined is judged again, and a host too slow for every frame makes one lose step)
	sst=
	i=0
	while [ $i -lt $N ]; do
		sst="$sst $(ss "$(v U $i)")"
		i=$((i + 1))
	done
	echo "# sync_state now (figure):$sst"
	tp3=$(k4a_now)
	# the window opens before its base counts are taken: it holds every exposure counted
	w0=$(k4a_now)
	BASE=$(counts $N | awk '{ printf "%d ", $2 }')
	EBASE=$(exposed $N)
	# as many exposures as delivered frames: a window of the emulator's own time
	k4a_wait "" window $N $FRAMES || r=1
	# a rig of two or more: every unit's clock at the shared rate (its frames span a
	# second first)
	if [ $N -gt 1 ]; then
		k4a_wait "shared clock rate" shared $N ||
			{ r=1; echo "# clock/shared:$(for _u in $(i=0; while [ $i -lt $N ]; do v U $i; i=$((i + 1)); done); do printf ' %s' "$(cat "$_u/clock/shared")"; done)"; }
	fi
	apps_alive $N || { r=1; echo "# an application ended"; }
	ws=$(cs "$w0" "$(k4a_now)")
	fr=$(counts $N | awk -v base="$BASE" 'BEGIN { split(base, b) } { printf " %d", $2 - b[NR] }')
	ex=$(exposed $N | awk -v base="$EBASE" '{ split(base, b); for (i = 1; i <= NF; i++)
		printf " %d", $i - b[i] }')
	# the report now, the streams stopped next: judged afterwards, without the load
	laser $N "$ws"
	tp4=$(k4a_now)
	stop_apps $N || r=1
	tp5=$(k4a_now)
	echo "# laser over the last $ws s (the window):"
	laser_judge $N
	[ "$OVL" = 0 ] || r=1
	[ "$LONELY" = 0 ] || { r=1; echo "# $LONELY pairs of units never exposed together"; }
	echo "# depth frames in the window per unit, delivered:$fr; exposed (emulator):$ex"
	# no subordinate frame exposed before the master's first
	side_lines > /dev/null
	first_soe "$L0" > "$T/first"
	subs=
	i=1
	while [ $i -lt $N ]; do
		eval "subs=\"\$subs \$S$i\""
		i=$((i + 1))
	done
	early=$(awk -v m="$S0" -v subs="$subs" '{ f[$1] = $2 } END {
		n = split(subs, s)
		for (i = 1; i <= n; i++)
			if (!(m in f) || !(s[i] in f) || f[s[i]] < f[m]) printf " %s:%s", s[i], f[s[i]]
		}' "$T/first")
	m=$(awk -v s="$S0" '$1 == s { print $2 }' "$T/first")
	[ -z "$early" ] || { r=1; echo "# master's first frame $m; subordinates earlier or without frames:$early"; }
	tp6=$(k4a_now)
	secs=$(cs "$rt0" "$tp6")
	echo "# phases: plan $(cs "$rt0" "$tp1") s, start $(cs "$tp1" "$tp2") s, every stream" \
		"delivering $(cs "$tp2" "$tp3") s, window and laser $(cs "$tp3" "$tp4") s, stop" \
		"$(cs "$tp4" "$tp5") s, checks $(cs "$tp5" "$tp6") s (figures)"
	mn="" mx=""
	for f in $fr; do
		[ -n "$mn" ] && [ "$mn" -le "$f" ] || mn=$f
		[ -n "$mx" ] && [ "$mx" -ge "$f" ] || mx=$f
	done
	echo "# round N=$N: overlapping pulses $OVL, depth frames per unit $mn..$mx in ${ws} s, round ${secs} s (figures)"
	ROUNDS="$ROUNDS
N=$N overlaps=$OVL frames=$mn..$mx window=${ws}s round=${secs}s"
	ktap_result $r "$N units: plan, start with the master's applications first (held until every subordinate armed, no subordinate frame first), no overlapping laser pulses, one clock rate"
}

round
while [ $N -gt 1 ]; do
	tu=$(k4a_now)
	unplug_last || echo "# unit $N did not go"
	echo "# unit $N unplugged and gone after $(k4a_secs "$tu") s (figure)"
	round
done
echo "# rounds (figures):$ROUNDS" | sed '2,$s/^/#   /'

depth_down
ktap_result $? "the units go with the emulator, k4a unloads"
echo "# total $(k4a_secs "$t_all") s (figure)"
ktap_totals
