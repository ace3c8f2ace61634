#!/bin/sh
# k4actl capture against k4a.ko and three emulated units on a daisy chain (unit 0's Sync Out
# into unit 1's Sync In, unit 1's into unit 2's), MJPG 1280x720 and passive IR depth (the
# smallest raw frame, 1.7 MB: three units' depth at 5 fps is a load the emulated bus carries
# under software CPU emulation) at 5 fps: the unconfigured rig is planned, `capture -n 20`
# writes 20 frame sets; every colour file is a JPEG and every depth file exactly the raw
# frame size, each with the emulator's ground-truth record of its own unit; the colour
# frames of one set are those one sync pulse triggered (their true starts of exposure minus
# the configured delays agree across units within a few microseconds), the depth frames
# too, in step with the set's colour (a depth frame of another pulse, whole frame periods
# off, is counted as a figure); frames.csv and units.csv describe those files. A
# subordinate whose Sync In cable is cut is named with exit status 3; one whose cable is
# plugged in but dead times out with exit status 3 naming it.
. "$K4A_ROOT/tools/vm/guest-lib.sh"
. "$K4A_ROOT/tools/emu/guest-lib.sh"
. "$K4A_ROOT/selftests/k4a/depth_lib.inc"
CTL=$K4A_BUILD/bin/k4actl
OUT=$K4A_OUT/ctl-capture
# the recordings go to the guest's tmpfs, not to the 9p share
REC=/tmp/ctl-capture
CAP=$REC/rec
SETS=20
RAW=1678024	# passive IR raw frame bytes
PERIOD=200000000	# ns, 5 fps
rm -rf "$OUT" "$REC"
mkdir -p "$OUT" "$REC"
ktap_plan 10
if ! depth_up -n 3 -t daisy; then
	ktap_result 1 "3 daisy-chained units form"
	for n in 2 3 4 5 6 7 8 9 10; do ktap_result skip "capture $n" "no units"; done
	depth_down
	ktap_totals
	exit 1
fi
ktap_result 0 "3 daisy-chained units form"
S0=$(emu_serial 0) S1=$(emu_serial 1) S2=$(emu_serial 2)
U0=$(depth_unit_dir "$S0") U1=$(depth_unit_dir "$S1") U2=$(depth_unit_dir "$S2")
# run NAME ARGS...: k4actl with stdout in $OUT/NAME, stderr in $OUT/NAME.err, both echoed as
# "# " lines; sets RC
run() {
	_n=$1
	shift
	"$CTL" "$@" > "$OUT/$_n" 2> "$OUT/$_n.err"
	RC=$?
	echo "# k4actl $* (exit $RC):"
	sed 's/^/#   /' "$OUT/$_n" "$OUT/$_n.err"
}

t0=$(k4a_now)
run cap capture -n $SETS -o "$CAP" --color mjpg:1280x720 --fps 5 --depth passive-ir \
	--timeout 120
echo "# capture took $(k4a_secs "$t0") s (figure)"
r=$RC
tail -n 1 "$OUT/cap" | grep -q "capture: $SETS of $SETS sets written" || { r=1; echo "# no summary of $SETS sets"; }
for s in "$S0" "$S1" "$S2"; do
	nc=$(ls "$CAP/$s" | grep -c '^color-[0-9]\{6\}\.jpg$')
	nd=$(ls "$CAP/$s" | grep -c '^depth-[0-9]\{6\}\.raw$')
	no=$(ls -A "$CAP/$s" | grep -vc '^\(color-[0-9]\{6\}\.jpg\|depth-[0-9]\{6\}\.raw\)$')
	[ "$nc" = $SETS ] && [ "$nd" = $SETS ] && [ "$no" = 0 ] ||
		{ r=1; echo "# $s: $nc colour files, $nd depth files, $no others"; }
	[ -f "$CAP/$s/color-$(printf %06d $((SETS - 1))).jpg" ] || { r=1; echo "# $s: no last set file"; }
done
ktap_result $r "capture -n $SETS: exit 0, $SETS colour and depth files per unit, nothing else"

# one line per file: SERIAL STREAM SET BYTES MAGIC_OK GT_SERIAL COUNTER TICKS SOE TAIL_EOI
gt() { # FILE OFFSET: the ground-truth record's fields
	od -An -v -tu1 -j"$2" -N48 "$1" | awk '
	{ for (i = 1; i <= NF; i++) b[n++] = $i }
	function le(o, k,   v, j) { v = 0; for (j = k - 1; j >= 0; j--) v = v * 256 + b[o + j]; return v }
	END {
		ok = n == 48 && b[0] == 75 && b[1] == 52 && b[2] == 71 && b[3] == 84 && b[4] == 1
		s = ""; for (i = 8; i < 24 && b[i] != 0; i++) s = s sprintf("%c", b[i])
		printf "%d %s %d %.0f %.0f", ok, (s == "" ? "-" : s), le(24, 4), le(32, 8), le(40, 8)
	}'
}
: > "$OUT/files"
for s in "$S0" "$S1" "$S2"; do
	for f in "$CAP/$s"/color-*.jpg "$CAP/$s"/depth-*.raw; do
		[ -f "$f" ] || continue
		b=${f##*/}
		set=${b#*-}
		set=${set%%.*}
		n=$(stat -c %s "$f")
		case $b in
		color-*)
			head=$(od -An -tx1 -N4 "$f" | tr -d ' ')
			# the last FF D9 (trailing zero bytes aside)
			eoi=$(tail -c 64 "$f" | od -An -v -tx1 | tr -d ' \n' | sed 's/\(00\)*$//')
			case $eoi in *ffd9) eoi=1 ;; *) eoi=0 ;; esac
			[ "$head" = ffd8fffe ] || eoi=0
			echo "$s color $set $n $(gt "$f" 6) $eoi" ;;
		*)
			echo "$s depth $set $n $(gt "$f" 0) 1" ;;
		esac
	done >> "$OUT/files"
done
awk -v raw=$RAW '
	$5 != 1 || $6 != $1 || $10 != 1 || ($2 == "depth" && $4 != raw) {
		bad++; if (bad <= 5) print "# bad file: " $0 }
	END { printf "# %d files checked, %d bad\n", NR, bad; exit !(NR == 120 && !bad) }' "$OUT/files"
ktap_result $? "every colour file a JPEG, every depth file $RAW bytes, each with its unit's ground truth"

# the configured delays (us) as units.csv gives them: unit,serial,role,sub,depth,...
ucsv=$CAP/units.csv
sed 's/^/#   /' "$ucsv"
awk -F, -v s0="$S0" -v s1="$S1" -v s2="$S2" '
	NR == 1 { ok = $0 == "unit,serial,role,subordinate_delay_us,depth_delay_us,color_format,fps,depth_mode"; next }
	{ n++; ser[n] = $2; role[n] = $3; fmt[n] = $6 "," $7 "," $8 }
	END {
		ok = ok && n == 3 && ser[1] == s0 && ser[2] == s1 && ser[3] == s2 && role[1] == "master"
		ok = ok && role[2] == "subordinate" && role[3] == "subordinate"
		for (i = 1; i <= 3; i++) ok = ok && fmt[i] == "mjpg:1280x720,5,passive_ir"
		exit !ok
	}' "$ucsv"
r=$?
for u in "$U0" "$U1" "$U2"; do
	l="${u##*/},$(cat "$u/serial"),$(cat "$u/sync_mode"),$(cat "$u/subordinate_delay_off_master_usec"),$(cat "$u/depth_delay_off_color_usec")"
	grep -q "^$l," "$ucsv" || { r=1; echo "# units.csv lacks $l"; }
done
ktap_result $r "units.csv: master first, then the subordinates, with the delays in sysfs and the formats"

# Colour grouping: per set, each unit's true start of exposure minus its configured delay is
# the same pulse on every unit (the emulator computes it exactly: a few us of rounding), or
# whole periods away where a timestamp strayed under load (counted); sets are in pulse order,
# whole frame periods apart (incomplete sets leave holes).
awk -F, 'NR > 1 { sub_us[$2] = $4; dep_us[$2] = $5 }
	END { for (s in sub_us) print "D", s, sub_us[s], dep_us[s] }' "$ucsv" > "$OUT/delays"
cat "$OUT/delays" "$OUT/files" | awk -v sets=$SETS -v s0="$S0" -v P=$PERIOD '
	$1 == "D" { sd[$2] = $3 * 1000; next }
	$2 != "color" { next }
	{ k = $9 - sd[$1]
	  key = $3 + 0
	  if (!(key in lo) || k < lo[key]) lo[key] = k
	  if (!(key in hi) || k > hi[key]) hi[key] = k
	  if (!(key in cnt)) nkeys++
	  cnt[key]++
	  if ($1 == s0) c[key] = k }
	END {
		for (key in cnt) {
			d = hi[key] - lo[key]
			# whole periods apart: a frame whose timestamp strayed half a period or more
			# under load sat nearer another pulse (counted: a figure)
			w = d - int(d / P + 0.5) * P
			if (cnt[key] == 3 && d > 5000 && w <= 5000 && w >= -5000) { stray++; d = w < 0 ? -w : w }
			if (d > max) max = d
			if (cnt[key] != 3 || d > 5000) { bad++; if (bad <= 5) printf "# colour of set %s: %d frames, %.1f us apart\n", key, cnt[key], d / 1000 }
		}
		printf "# colour sets holding a frame of another pulse (a timestamp strayed): %d of %d (figure)\n", stray, sets
		for (i = 1; i < sets; i++) {
			p = (c[i] - c[i - 1]) / P
			if (p < 0.5 || p - int(p + 0.5) > 0.01 || int(p + 0.5) - p > 0.01) { step++; printf "# colour: sets %d and %d %.3f periods apart\n", i - 1, i, p }
		}
		printf "# colour: true start of exposure minus delays, largest spread within a set: %.3f us (figure)\n", max / 1000
		exit !(!bad && !step && nkeys == sets)
	}'
ktap_result $? "each set holds one colour frame per unit on the pulse grid (ground truth, within 5 us of whole periods)"

# Depth grouping: per set, each unit's depth frame's true start of exposure minus its
# configured delays, off the master's colour key of the set, is the same on every unit
# (within 5 us: half the difference of the colour and depth exposures, exposures centred)
# and within a frame period of it. The driver derives a depth frame's timestamp from its
# slot on the colour frame grid, counted from the transfer's arrival (Documentation/depth.rst):
# a device that sends a depth frame late by whole periods gives it a timestamp as many periods
# off, and capture groups it with another pulse. Such frames are counted (figure); anything
# else (a set without every unit's depth, offsets that are not whole periods) fails.
cat "$OUT/delays" "$OUT/files" | awk -v sets=$SETS -v s0="$S0" -v P=$PERIOD '
	$1 == "D" { sd[$2] = $3 * 1000; dd[$2] = $4 * 1000; next }
	$2 == "color" && $1 == s0 { ref[$3 + 0] = $9 }
	$2 != "depth" { next }
	{ n++; set[n] = $3 + 0; key[n] = $9 - sd[$1] - dd[$1] }
	END {
		# the master colour pulse period in emulator time, from the first and last set
		np = int((ref[sets - 1] - ref[0]) / P + 0.5)
		pm = np > 0 ? (ref[sets - 1] - ref[0]) / np : P
		for (i = 1; i <= n; i++) {
			s = set[i]
			if (!(s in cnt)) nkeys++
			cnt[s]++
			if (!(s in ref)) { bad++; printf "# depth of set %s: no master colour frame\n", s; continue }
			d = key[i] - ref[s]
			w = d >= 0 ? int(d / pm + 0.5) : -int(-d / pm + 0.5)
			r = d - w * pm
			if (w) { other[s] = 1; if (w > wmax) wmax = w; if (-w > wmax) wmax = -w }
			if (!(s in lo) || r < lo[s]) lo[s] = r
			if (!(s in hi) || r > hi[s]) hi[s] = r
			rsum += r
		}
		for (s in cnt) {
			d = hi[s] - lo[s]; if (d > max) max = d
			if (cnt[s] != 3 || d > 5000) { bad++; if (bad <= 5) printf "# depth of set %s: %d frames, %.1f us apart (whole periods aside)\n", s, cnt[s], d / 1000 }
			if (s in other) no++
		}
		printf "# depth: true start of exposure minus delays, largest spread within a set (whole periods aside): %.3f us, %.3f us after the colour pulse on average (figure)\n", max / 1000, n ? rsum / n / 1000 : 0
		printf "# depth sets with frames of another pulse: %d of %d", no, nkeys
		if (no) printf " (up to %d periods off)", wmax
		printf "\n"
		exit !(!bad && nkeys == sets)
	}'
ktap_result $? "each set holds one depth frame per unit, in step with its colour (ground truth, within 5 us; frames of another pulse counted)"

# frames.csv: a header, one row per set 0..SETS-1; every unit's colour ticks are those of the
# set's files (ground truth); a depth tick is 0 (the frame's time did not come from the colour
# grid) or on the file's grid (whole periods off: a late transfer, counted); every colour
# arrival is at or after its timestamp. How
# far the timestamps lie from the true start of exposure depends on the host's load: figures.
csvcheck() { # STREAM
	awk '$2 == "color" || $2 == "depth" { print "F", $0 }' "$OUT/files" | cat - "$fcsv" |
	awk -F'[ ,]' -v sets=$SETS -v s0="$S0" -v s1="$S1" -v s2="$S2" -v want="$1" -v P=$PERIOD \
		-v P18=$((90000 / 5)) '
	function abs(x) { return x < 0 ? -x : x }
	$1 == "F" { tk[$2 " " $3 " " ($4 + 0)] = $9; soe[$2 " " $3 " " ($4 + 0)] = $10; next }
	!hdr { hdr = 1
		ser[0] = s0; ser[1] = s1; ser[2] = s2
		w = "set"
		for (u = 0; u < 3; u++) w = w "," ser[u] "_color_seq," ser[u] "_color_ticks," ser[u] "_color_ts_ns," ser[u] "_depth_seq," ser[u] "_depth_ticks," ser[u] "_depth_ts_ns," ser[u] "_color_arrival_ns," ser[u] "_color_clock_err_ns"
		if ($0 != w) { bad++; print "# header: " $0 }
		next }
	{ rows++
	  if ($1 != rows - 1 || NF != 25) { bad++; print "# row " rows ": set " $1 ", " NF " fields" ; next }
	  for (u = 0; u < 3; u++) {
		o = 2 + u * 8 + (want == "depth" ? 3 : 0)
		key = ser[u] " " want " " $1
		# depth: the colour grid slot, possibly whole periods off (a late transfer)
		if (want == "depth" && $(o + 1) != 0 && $(o + 1) != tk[key] &&
		    ($(o + 1) - tk[key]) % P18 == 0) { slotoff++; continue }
		if ($(o + 1) != tk[key] && !(want == "depth" && $(o + 1) == 0)) {
			bad++; if (bad <= 5) print "# set " $1 " " ser[u] " " want ": ticks " $(o + 1) " in the CSV, " tk[key] " in the file" }
		e = $(o + 2) - soe[key]
		if (want == "depth") {
			k = e >= 0 ? int(e / P + 0.5) : -int(-e / P + 0.5)
			if (k) { off++; e -= k * P }
		}
		if (abs(e) > emax) emax = abs(e)
		if (want == "color" && ($(o + 6) == "" || $(o + 6) < $(o + 2))) { bad++; if (bad <= 5) print "# set " $1 " " ser[u] ": arrival " $(o + 6) }
		if (want == "color" && $(o + 7) == 0) nomap++
		if (abs(e) > 5e6) far++
		if (want == "depth" && $(o + 1) == 0) noticks++
	  } }
	END {
		printf "# %s: %d rows; timestamps - true start of exposure: max %.3f ms%s (figure)\n", want, rows, emax / 1e6, want == "depth" ? " (whole periods aside)" : ""
		printf "# %s timestamps more than 5 ms off the true start: %d of %d%s (figure)\n", want, far, rows * 3, want == "depth" ? " (whole periods aside)" : ""
		if (want == "color")
			printf "# color timestamps without a clock mapping (clock_err_ns 0): %d of %d (figure)\n", nomap, rows * 3
		if (want == "depth")
			printf "# depth timestamps whole frame periods off the true start: %d of %d, without colour-grid ticks: %d, grid ticks whole periods off: %d (figures)\n", off, rows * 3, noticks, slotoff
		exit !(rows == sets && !bad)
	}'
}
fcsv=$CAP/frames.csv
head -n 3 "$fcsv" | sed 's/^/#   /'
csvcheck color
ktap_result $? "frames.csv: one row per set, colour ticks of the files written, arrivals after the timestamps"
csvcheck depth
ktap_result $? "frames.csv: depth ticks on the grid of the files written where the colour grid gave them"
# the timestamps against the ground truth inside the files, as k4a-tsstat reads a capture
"$K4A_BUILD/bin/k4a-tsstat" --skip 0 --capture "$CAP" 2>&1 | sed 's/^/# /'

run again capture -n 1 -o "$CAP" --fps 5 --depth passive-ir
[ "$RC" = 2 ] && grep -q "not empty" "$OUT/again.err"
ktap_result $? "capture into a non-empty directory without --force: refused, exit 2"

# Unit 2's Sync In cable cut: refused naming unit 2. Then a cable in its Sync In that nothing
# drives: unit 2 arms but never receives a pulse; capture times out naming it.
emu_ctl cable 2 cut > /dev/null
cut() { [ "$(cat "$U2/sync_in_jack")" = disconnected ]; }
k4a_wait "" cut || echo "# unit 2's Sync In still reads connected"
run cut capture -n 5 -o "$REC/cut" --fps 5 --depth passive-ir --timeout 10
r=$RC
grep -q "${U2##*/}\|$S2" "$OUT/cut.err" || { r=1; echo "# unit 2 not named"; }
emu_ctl jack 2 in 1 > /dev/null
dead() { [ "$(cat "$U2/sync_in_jack")" = connected ]; }
k4a_wait "" dead || echo "# unit 2's Sync In still reads disconnected"
run dead capture -n 5 -o "$REC/dead" --fps 5 --depth passive-ir --timeout 10
grep -q "${U2##*/} ($S2" "$OUT/dead.err" && grep -q "within 10 s" "$OUT/dead.err" &&
	! grep -q "${U0##*/} ($S0\|${U1##*/} ($S1" "$OUT/dead.err"
d=$?
echo "# exit status: cable cut $r, dead cable $RC"
[ "$r" = 3 ] && [ "$RC" = 3 ] && [ $d = 0 ] && [ "$(cat "$U0/start_gate")" = open ]
ktap_result $? "a subordinate without pulses: exit 3 naming it (cut cable; dead cable: timeout), gate open"
depth_down || echo "# k4a did not unload"
rm -rf "$OUT" "$REC"
ktap_totals
