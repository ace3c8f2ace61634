#!/bin/sh
# k4a.ko's depth node under faults of the emulated device: transfers of the wrong size (short,
# long, empty frames) are never delivered, each is counted and leaves a gap in the sequence,
# and every other frame still arrives whole; a halted endpoint is cleared and the stream goes
# on; a depth MCU that stops answering fails STREAMON (and a stop) without hanging, and the
# node works again once it answers; an unplug in the middle of a stream wakes a reader blocked
# in DQBUF with an error while its buffers stay mapped, and the module unloads once it closes.
. "$K4A_ROOT/tools/vm/guest-lib.sh"
. "$K4A_ROOT/tools/emu/guest-lib.sh"
. "$K4A_ROOT/selftests/k4a/depth_lib.inc"
ktap_plan 8
if ! depth_up; then
	ktap_result 1 "k4a binds the emulated unit: depth and depth metadata nodes"
	ktap_totals
	exit 1
fi
echo "# unit $S: depth $D, metadata $DM"
ktap_result 0 "k4a binds the emulated unit: depth and depth metadata nodes"
CAP=/tmp/depth-faults

# field NAME: a counter of the debugfs depth line
field() { depth_stats | tr ' ' '\n' | sed -n "/^$1\$/{n;p}"; }

# Wrong sizes: each fault armed for the next frames, during a capture.
for f in "depth.short 1000 3" "depth.long 5000 2" "depth.zero 2"; do
	"$DCAP_BIN" -f K4NU -r 5 -n 20 -b 8 -m "$DM" "$D" > "$CAP.txt" 2>&1 &
	cap=$!
	k4a_wait "" grep -q '^V' "$CAP.txt"
	emu_ctl fault 0 $f > /dev/null
	wait $cap
	rc=$?
	dropped=$(field dropped)
	res=$(depth_judge faults "$CAP.txt")
	hit=$(awk -v s="$S" '$1 == s && $2 == "depth" && $7 ~ /depth\./' "$EMU_LOG" | wc -l)
	echo "$res" | grep '^#'
	echo "# $f: helper rc $rc, frames the fault hit (side log, all so far) $hit, transfers dropped $dropped"
	[ "$rc" = 0 ] && [ "$(echo "$res" | tail -n 1)" = "RESULT ok" ] && [ "${dropped:-0}" -ge 1 ]
	ktap_result $? "fault $f: never delivered, counted, a sequence gap; every other frame whole"
done

# A halted endpoint: cleared, and the stream goes on.
"$DCAP_BIN" -f K4PI -r 5 -n 20 -b 8 -m "$DM" "$D" > "$CAP.txt" 2>&1 &
cap=$!
k4a_wait "" grep -q '^V' "$CAP.txt"
emu_ctl stall 0 depth 0x83 > /dev/null
wait $cap
rc=$?
stalls=$(field stalls)
res=$(depth_judge faults "$CAP.txt")
echo "$res" | grep '^#'
echo "# stalled endpoint: helper rc $rc, stalls seen $stalls; $(depth_stats)"
[ "$rc" = 0 ] && [ "$(echo "$res" | tail -n 1)" = "RESULT ok" ] && [ "${stalls:-0}" -ge 1 ]
ktap_result $? "a halted raw depth endpoint is cleared and the stream goes on"

# A depth MCU that stops answering: STREAMON fails (each command waits 2 s), nothing hangs.
emu_ctl fault 0 depth.no_reply -1 > /dev/null
t0=$(k4a_now)
out=$(timeout -k 5 120 "$DCAP_BIN" -f K4NU -r 5 -n 1 -t 20 "$D" 2>&1)
rc=$?
emu_ctl fault 0 clear > /dev/null
echo "# depth MCU silent: helper rc $rc after $(k4a_secs "$t0") s: $out"
timeout -k 5 "$K4A_WAIT_S" "$DCAP_BIN" -f K4NU -r 5 -n 5 -b 6 "$D" > "$CAP.txt" 2>&1
rc2=$?
echo "# after the MCU answers again: helper rc $rc2, $(grep -c '^V .* ok ' "$CAP.txt") whole frames"
[ "$rc" = 1 ] && echo "$out" | grep -q 'STREAMON' && [ "$rc2" = 0 ]
ktap_result $? "a silent depth MCU fails STREAMON without hanging; the node works once it answers"

# An unplug mid-stream: a reader blocked in DQBUF wakes with an error, its mappings stay.
rm -f "$CAP.fifo"
mkfifo "$CAP.fifo"
"$DCAP_BIN" -B -f K4NU -r 5 -b 6 "$D" < "$CAP.fifo" > "$CAP.txt" 2>&1 &
cap=$!
exec 7> "$CAP.fifo"
two() { [ "$(grep -c '^V' "$CAP.txt")" -ge 2 ]; }
k4a_wait "a blocked reader streaming" two
emu_ctl disconnect 0 depth > /dev/null
woke() { grep -q '^H' "$CAP.txt"; }
k4a_wait "the reader woke" woke
k4a_wait "" depth_none
grep '^[EQH]' "$CAP.txt" | sed 's/^/# reader: /'
busy=0
grep -q '^k4a ' /proc/modules && ! rmmod k4a 2> /dev/null && busy=1
exec 7>&-
# the reader exits once its standard input ends; bounded in case it never woke
gone() { ! kill -0 $cap 2> /dev/null; }
k4a_wait "" gone || kill $cap
wait $cap
rc=$?
echo "# reader exit $rc; rmmod while it held the node refused: $busy"
grep -q '^E DQBUF E' "$CAP.txt" && grep -q '^H' "$CAP.txt" && [ "$rc" = 3 ] && [ "$busy" = 1 ]
ktap_result $? "unplug mid-stream: the blocked reader gets an error, its mappings stay until it closes"
rm -f "$CAP.txt" "$CAP.fifo"
emu_stop > /dev/null
k4a_wait "" depth_none
rmmod k4a
ktap_result $? "the module unloads once the reader closed"
ktap_totals
