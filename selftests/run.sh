#!/bin/sh
# Guest-side selftest runner (runs inside the bench VM; see tools/vm/vm-run.sh).
# run.sh [PATTERN...]: run every selftest whose name matches one of the shell PATTERNs
# (default: all) and none of the PATTERNs written with a leading "!" — built programs in $K4A_BUILD/selftests and scripts selftests/k4a/*.sh —
# module_* first, then the rest in name order. Each test's KTAP output goes to the console and
# to $K4A_OUT/<name>.log; $K4A_OUT/summary.tsv gets "name pass fail skip rc seconds".
# A test that exits non-zero or prints no "# Totals:" line counts as failed.
# Every test starts from the same baseline: no emulator running, no emulated device attached,
# k4a not loaded (a test may leave k4a loaded; the next one must not inherit it).
. "$K4A_ROOT/tools/vm/guest-lib.sh"
[ $# -gt 0 ] || set -- '*'
tests=$(
	{
		ls "$K4A_BUILD/selftests" 2>/dev/null
		for f in "$K4A_ROOT"/selftests/k4a/*.sh; do [ -f "$f" ] && basename "$f"; done
	} | sort -u | awk '/^module_/ {print "0 " $0; next} {print "1 " $0}' | sort | cut -d' ' -f2
)
: > "$K4A_OUT/summary.tsv"
# Waits are for a condition with a generous bound (K4A_WAIT_S); only a hang reaches it.
no_emu() { ! pgrep -x k4a-emu > /dev/null; }
no_device() { [ -z "$(lsusb -d 045e: 2>/dev/null)" ]; }
baseline() {
	if pkill -x k4a-emu 2>/dev/null; then
		k4a_wait "" no_emu || echo "# baseline: an emulator left by the last test did not exit"
	fi
	k4a_wait "" no_device || echo "# baseline: emulated devices still attached"
	if grep -q '^k4a ' /proc/modules && ! rmmod k4a; then
		echo "# baseline: k4a could not be unloaded"
	fi
}
for t in $tests; do
	name=${t%.sh}
	match=0
	for p in "$@"; do
		case "$p" in
		!*) case "$name" in ${p#!}) match=2 ;; esac ;;
		*) [ $match = 2 ] || case "$name" in $p) match=1 ;; esac ;;
		esac
	done
	[ $match = 1 ] || continue
	case "$t" in
	*.sh) cmd="sh $K4A_ROOT/selftests/k4a/$t" ;;
	*) cmd="$K4A_BUILD/selftests/$t" ;;
	esac
	baseline
	echo "# selftest $name"
	start=$(cut -d' ' -f1 /proc/uptime)
	# The bound catches a hung test; how long each took is in summary.tsv and on the last line.
	timeout -k 10 "${K4A_TEST_TIMEOUT:-3600}" $cmd > "$K4A_OUT/$name.log" 2>&1
	rc=$?
	end=$(cut -d' ' -f1 /proc/uptime)
	sed 's/^/  /' "$K4A_OUT/$name.log"
	totals=$(grep -a '^# Totals:' "$K4A_OUT/$name.log" | tail -n1)
	# "# Totals: pass:N fail:N xfail:N xpass:N skip:N error:N": match whole field names
	field() { echo "$totals" | tr ' ' '\n' | sed -n "s/^$1:\([0-9]*\)$/\1/p"; }
	pass=$(field pass)
	fail=$(field fail)
	skip=$(field skip)
	error=$(field error)
	[ -z "$error" ] || [ "$error" -eq 0 ] || fail=$((fail + error))
	[ -n "$pass" ] || { pass=0; fail=1; skip=0; }
	[ $rc -eq 0 ] || [ "$fail" -gt 0 ] || fail=1
	secs=$(awk -v a="$start" -v b="$end" 'BEGIN {printf "%.1f", b - a}')
	printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$pass" "$fail" "$skip" "$rc" "$secs" >> "$K4A_OUT/summary.tsv"
	echo "# selftest $name: pass $pass fail $fail skip $skip rc $rc (${secs}s)"
done
if [ ! -s "$K4A_OUT/summary.tsv" ]; then
	echo "# selftests: no test matched '$*'"
	exit 1
fi
awk -F'\t' '{p += $2; f += $3; s += $4} END {printf "# selftests: %d passed, %d failed, %d skipped\n", p, f, s; exit (f > 0)}' "$K4A_OUT/summary.tsv"
