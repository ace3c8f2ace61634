#!/bin/bash
# debug-check.sh [PATTERN...]: the tests on the debug kernel (tools/vm/debug-kernel.sh), as the
# "debug" stage of tools/check.sh (`make check-debug`) runs them:
#   1. the debug kernel, found in the machine-wide cache or built into it
#   2. k4a.ko, the bench self-test modules, the emulator and the selftests, built for it
#   3. the bench self-test of its checkers: k4a_debugcheck (tools/vm/benchcheck/debug) commits one
#      bug per run (use-after-free, ABBA lock order, GFP_KERNEL allocation under a spinlock,
#      leak); each run must fail (vm-run.sh exit 99) with the matching report in the guest's
#      kernel log, and the same run without a bug must pass
#   4. the selftests matching PATTERN (default: core_*, module_*, the colour node's
#      color_stream, color_faults, color_compliance and the depth node's depth_stream,
#      depth_faults, depth_compliance; or $K4A_DEBUG_TESTS) in
#      one guest, a kmemleak scan after each (tools/vm/guest/debug-selftests.sh)
# Ends with "N passed, N failed"; exit status 0 only if nothing failed.
set -uo pipefail
. "$(dirname "$0")/common.sh"
LOG=$K4A_BUILD/check
mkdir -p "$LOG"
PASSED=0 FAILED=0
ok() { PASSED=$((PASSED + 1)); echo "ok: $*"; }
nok() { FAILED=$((FAILED + 1)); echo "FAIL: $*"; }
finish() {
	echo "$PASSED passed, $FAILED failed"
	[ "$FAILED" = 0 ]
	exit
}
if [ $# = 0 ]; then
	set -f	# patterns for the guest, not file names here
	set -- ${K4A_DEBUG_TESTS:-core_* module_* color_stream color_faults color_compliance depth_stream depth_faults depth_compliance}
	set +f
fi

# 1. The kernel.
t0=$SECONDS
if ! k=$("$K4A_ROOT/tools/vm/debug-kernel.sh" build); then
	nok "debug kernel build"
	finish
fi
dir=$(cat "$K4A_CACHE/kernels/$k/source")
ok "debug kernel $k ready in $((SECONDS - t0)) s ($dir; built in $(cat "$dir/build-seconds") s)"

# 2. What the guest runs, built for it.
build_ok=1
"$K4A_ROOT/tools/build-module.sh" "$k" W=1 > "$LOG/build-$k.log" 2>&1 ||
	{ cat "$LOG/build-$k.log"; build_ok=0; }
kd=$("$K4A_ROOT/tools/vm/kernels.sh" kdir "$k")
out=$K4A_BUILD/debugcheck/$k
mkdir -p "$out"
cp "$K4A_ROOT"/tools/vm/benchcheck/debug/{Kbuild,debugcheck.c} "$out/"
make -s -C "$kd" M="$out" modules > "$LOG/debugcheck-$k.log" 2>&1 ||
	{ cat "$LOG/debugcheck-$k.log"; build_ok=0; }
make -s -C "$K4A_ROOT" tools selftests > "$LOG/build-debug-tools.log" 2>&1 ||
	{ cat "$LOG/build-debug-tools.log"; build_ok=0; }
if [ $build_ok = 1 ]; then ok "k4a.ko, k4a_debugcheck.ko, emulator and selftests for $k"; else
	nok "build for $k"; finish; fi

# 3. Each planted bug must fail its run with its report; the run without one must pass.
# bug:report (an extended regexp that must be in the guest's kernel log)
for b in 'uaf:KASAN: slab-use-after-free in debugcheck_uaf' \
	'abba:possible circular locking dependency detected' \
	'sleep:sleeping function called from invalid context' \
	'leak:unreferenced object 0x' 'none:'; do
	bug=${b%%:*} want=${b#*:}
	rd=$K4A_BUILD/runs/check-$k-debugcheck-$bug
	RUNDIR=$rd QUIET=1 TIMEOUT=900 "$K4A_ROOT/tools/vm/vm-run.sh" "$k" \
		"$K4A_ROOT/tools/vm/guest/debugcheck.sh" "$bug" > "$LOG/debugcheck-$bug.log" 2>&1
	rc=$?
	if [ "$bug" = none ]; then
		if [ $rc = 0 ]; then
			ok "bench passes a clean run on $k (guest ready at $(cat "$rd/uptime-start") s)"
		else
			nok "clean run on $k failed (exit $rc)"
			cat "$LOG/debugcheck-$bug.log"
		fi
		continue
	fi
	line=$(grep -Eam1 "$want" "$rd/dmesg.txt" 2>/dev/null | sed 's/^\[ *[0-9.]*\] //')
	if [ $rc = 99 ] && [ -n "$line" ]; then
		ok "bench fails a run with bug=$bug: $line"
	else
		nok "bench did not fail the bug=$bug run with '$want' (exit $rc)"
		cat "$LOG/debugcheck-$bug.log"
	fi
done

# 4. The selftests, one guest, kmemleak scanned after each.
rd=$K4A_BUILD/runs/check-$k-selftests
RUNDIR=$rd QUIET=1 TIMEOUT=${K4A_VM_TIMEOUT:-14400} "$K4A_ROOT/tools/vm/vm-run.sh" "$k" \
	"$K4A_ROOT/tools/vm/guest/debug-selftests.sh" "$@" > "$LOG/selftests-$k.log" 2>&1
rc=$?
grep -E '^# selftest .*:|^# selftests:|^# kmemleak' "$rd/log" 2>/dev/null | sed "s/^/[$k] /"
failed=0
if [ ! -s "$rd/summary.tsv" ]; then
	nok "no selftest ran on $k"
else
	PASSED=$((PASSED + $(awk -F'\t' '{s += $2} END {print s + 0}' "$rd/summary.tsv")))
	failed=$(awk -F'\t' '{s += $3} END {print s + 0}' "$rd/summary.tsv")
	FAILED=$((FAILED + failed))
fi
if [ $rc != 0 ]; then
	tail -n 30 "$LOG/selftests-$k.log"
	# A kernel report (99), a crashed guest or a failed runner fails the run even if every
	# test passed.
	[ "$failed" != 0 ] || nok "selftest run on $k: vm-run exit $rc"
fi
finish
