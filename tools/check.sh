#!/bin/bash
# check.sh [--only STAGE[,STAGE]] — the whole test suite, as `make check` and CI run it.
# Stages (each timed):
#   setup   host packages, bench kernels, guest rootfs (idempotent: fast once present)
#   build   k4a.ko for every bench kernel, userspace, emulator, selftests
#   static  W=1 + sparse builds, checkpatch --strict (tools/lint.sh)
#   unit    host unit tests (ASan+UBSan) of the kernel-neutral code and the emulator
#   fuzz    a short run of every fuzz target (5 s each; FUZZ_SECONDS=N for longer)
#   vm      per kernel series: bench self-test, then every selftest of the driver in the guest;
#           on the newest only: the bench's warning self-test, the emulator's own tests (emu_*),
#           bench_vivid, and the tests of k4actl at rig level (ctl_*, rig_*), which exercise
#           userspace over the same driver paths that the core_*, color_* and depth_* tests
#           check on every kernel; on the kernel `make demo` boots (the newest), the demo's
#           guest part
#   debug   only when named (--only debug: make check-debug) or K4A_CHECK_DEBUG=1: the debug
#           kernel (KASAN, lockdep, kmemleak), its bench self-test, core_* and module_* on it
# Ends with the line "N passed, N failed"; exit status 0 only if nothing failed.
# Tests assert what holds on any machine; times and rates are printed as figures. The VM
# bounds below (K4A_VM_TIMEOUT, per guest run) only end a hung guest.
set -uo pipefail
. "$(dirname "$0")/vm/common.sh"
only=
[ "${1:-}" = --only ] && only=,$2,
want() { [ -z "$only" ] || [[ $only == *,$1,* ]]; }

LOG=$K4A_BUILD/check
mkdir -p "$LOG"
rm -f "$LOG/boot-times"
PASSED=0 FAILED=0
declare -a TIMES=()
pass() { PASSED=$((PASSED + $1)); }
fail() { FAILED=$((FAILED + $1)); }
# Add a runner's closing "N passed, N failed" line (its last such line, which is its total;
# per-program lines before it are part of that total) to the totals; 1 if it printed none.
count_runner() {
	local line
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$1" | tail -n1)
	[ -n "$line" ] || return 1
	set -- $line
	pass "$1"
	fail "$3"
}
stage() {
	local name=$1 t0=$SECONDS rc
	shift
	echo "=== $name"
	"$@"
	rc=$?
	TIMES+=("$(printf '%-22s %5ds %s' "$name" $((SECONDS - t0)) "$([ $rc = 0 ] && echo ok || echo FAILED)")")
	return $rc
}

do_setup() {
	if "$K4A_ROOT/tools/vm/setup.sh" 2>&1 | tee "$LOG/setup.log"; then
		pass 1
	else
		fail 1
		echo "check: setup failed; nothing else can run" >&2
		return 1
	fi
}

# The bench self-test module for KVER, built like k4a.ko (the vm stage needs it, also alone).
build_benchcheck() {
	local k=$1
	mkdir -p "$K4A_BUILD/benchcheck/$k"
	cp "$K4A_ROOT"/tools/vm/benchcheck/{Kbuild,benchcheck.c} "$K4A_BUILD/benchcheck/$k/"
	make -s -C "$("$K4A_ROOT/tools/vm/kernels.sh" kdir "$k")" M="$K4A_BUILD/benchcheck/$k" modules \
		> "$LOG/benchcheck-$k.log" 2>&1 || { cat "$LOG/benchcheck-$k.log"; return 1; }
}

do_build() {
	local ok=0 k
	for k in $("$K4A_ROOT/tools/vm/kernels.sh" list); do
		if "$K4A_ROOT/tools/build-module.sh" "$k" W=1 > "$LOG/build-$k.log" 2>&1; then
			pass 1
		else
			cat "$LOG/build-$k.log"; fail 1; ok=1
		fi
		build_benchcheck "$k" || ok=1
	done
	for t in userspace tools selftests; do
		if make -s -C "$K4A_ROOT" "$t" > "$LOG/build-$t.log" 2>&1; then
			pass 1
		else
			cat "$LOG/build-$t.log"; fail 1; ok=1
		fi
	done
	return $ok
}

do_static() {
	"$K4A_ROOT/tools/lint.sh" 2>&1 | tee "$LOG/lint.log"
	pass "$(grep -c '^lint: PASS' "$LOG/lint.log")"
	fail "$(grep -c '^lint: FAIL' "$LOG/lint.log")"
	! grep -q '^lint: FAIL' "$LOG/lint.log"
}

run_tests_dir() {
	# run_tests_dir NAME MAKE_DIR TARGET: a host test suite ending in "N passed, N failed"
	local name=$1 dir=$2 target=$3 rc
	[ -f "$K4A_ROOT/$dir/Makefile" ] || { echo "check: $dir has no Makefile yet"; return 0; }
	make -s -C "$K4A_ROOT/$dir" BUILD="$K4A_BUILD" "$target" > "$LOG/$name.log" 2>&1
	rc=$?
	cat "$LOG/$name.log"
	if ! count_runner "$LOG/$name.log"; then
		fail 1; echo "check: $name printed no result line"; return 1
	fi
	if [ $rc -ne 0 ] && ! grep -Eq '[1-9][0-9]* failed' "$LOG/$name.log"; then
		fail 1; echo "check: $name exited $rc"
	fi
	return $rc
}

do_unit() {
	local ok=0
	run_tests_dir unit tools/unit test || ok=1
	run_tests_dir emu-unit tools/emu test || ok=1
	return $ok
}

do_fuzz() {
	# 5 s per target unless FUZZ_SECONDS says otherwise: every seed replayed,
	# a short search beyond them (longer runs: make -C tools/fuzz run)
	export FUZZ_SECONDS=${FUZZ_SECONDS:-5}
	run_tests_dir fuzz tools/fuzz run
}

# run_selftests KVER LABEL [PATTERN...]: the selftests in a guest of KVER, counted.
run_selftests() {
	local k=$1 label=$2 rd rc ok=0
	shift 2
	rd=$K4A_BUILD/runs/check-$k-selftests
	RUNDIR=$rd QUIET=1 TIMEOUT=${K4A_VM_TIMEOUT:-14400} "$K4A_ROOT/tools/vm/vm-run.sh" "$k" \
		"$K4A_ROOT/tools/vm/guest/selftests.sh" "$@" > "$LOG/selftests-$k.log" 2>&1
	rc=$?
	grep -E '^# selftest .*:|^# selftests:' "$rd/log" 2>/dev/null | sed "s/^/[$label] /"
	if [ ! -s "$rd/summary.tsv" ]; then
		fail 1; ok=1; echo "FAIL: no selftest ran on $k"
	else
		pass "$(awk -F'\t' '{s += $2} END {print s + 0}' "$rd/summary.tsv")"
		fail "$(awk -F'\t' '{s += $3} END {print s + 0}' "$rd/summary.tsv")"
	fi
	if [ $rc != 0 ]; then
		ok=1
		tail -n 30 "$LOG/selftests-$k.log"
		# A kernel report or a crashed guest fails the run even if every test passed.
		case $rc in 99 | 124 | 125) fail 1; echo "FAIL: selftest run on $k: vm-run exit $rc" ;; esac
	fi
	return $ok
}

# run_demo KVER: the guest part of `make demo` (tools/vm/guest/demo.sh), one result: the main
# command cannot break unnoticed. The script checks every step it shows.
run_demo() {
	local k=$1 rd=$K4A_BUILD/runs/check-$1-demo rc
	RUNDIR=$rd QUIET=1 TIMEOUT=900 MEM=3G "$K4A_ROOT/tools/vm/vm-run.sh" "$k" \
		"$K4A_ROOT/tools/vm/guest/demo.sh" > "$LOG/demo-$k.log" 2>&1
	rc=$?
	if [ $rc = 0 ]; then
		pass 1; echo "ok: make demo's guest part ($k)"
		return 0
	fi
	fail 1; echo "FAIL: make demo's guest part on $k: vm-run exit $rc"
	grep -h -e UNEXPECTED -e '^demo:' "$rd/log" 2>/dev/null | sed 's/^/  /'
	tail -n 20 "$LOG/demo-$k.log"
	return 1
}

do_vm() {
	local k rc ok=0 rd demo= newest
	newest=$("$K4A_ROOT/tools/vm/kernels.sh" list | tail -n 1)
	for k in $("$K4A_ROOT/tools/vm/kernels.sh" list); do
		[ -f "$K4A_BUILD/benchcheck/$k/k4a_benchcheck.ko" ] || build_benchcheck "$k" || ok=1
		# Bench self-test: a warning in the guest must fail a run whose script passed (the
		# scan is the same code for every kernel: checked once, on the newest) ...
		if [ "$k" = "$newest" ]; then
			rd=$K4A_BUILD/runs/check-$k-benchwarn
			RUNDIR=$rd QUIET=1 TIMEOUT=900 "$K4A_ROOT/tools/vm/vm-run.sh" "$k" \
				"$K4A_ROOT/tools/vm/guest/benchcheck.sh" 1 > "$LOG/benchwarn-$k.log" 2>&1
			rc=$?
			if [ $rc = 99 ]; then
				pass 1; echo "ok: bench fails a run with a kernel warning ($k)"
			else
				fail 1; ok=1; echo "FAIL: bench did not flag a kernel warning on $k (exit $rc)"
				cat "$LOG/benchwarn-$k.log"
			fi
		fi
		# ... and pass the same run without it (on every kernel).
		rd=$K4A_BUILD/runs/check-$k-benchclean
		RUNDIR=$rd QUIET=1 TIMEOUT=900 "$K4A_ROOT/tools/vm/vm-run.sh" "$k" \
			"$K4A_ROOT/tools/vm/guest/benchcheck.sh" 0 > "$LOG/benchclean-$k.log" 2>&1
		rc=$?
		if [ $rc = 0 ]; then
			pass 1; echo "ok: bench passes a clean run ($k, guest ready at $(cat "$rd/uptime-start") s)"
			echo "$k $(cat "$rd/uptime-start")" >> "$LOG/boot-times"
		else
			fail 1; ok=1; echo "FAIL: clean bench run failed on $k (exit $rc)"
			cat "$LOG/benchclean-$k.log"
		fi
		# Run once, on the newest kernel: the emulator's own tests (emu_*: the emulator
		# against the stock vhci_hcd and uvcvideo), the bench's vivid check, and k4actl at
		# rig level; every test of the driver itself runs on each kernel.
		if [ -n "${K4A_TESTS:-}" ]; then
			run_selftests "$k" "$k" $K4A_TESTS || ok=1
		elif [ "$k" = "$newest" ]; then
			run_selftests "$k" "$k" '*' || ok=1
		else
			run_selftests "$k" "$k" '*' '!emu_*' '!bench_vivid' '!ctl_*' '!rig_*' || ok=1
		fi
		demo=$k
	done
	# `make demo` boots the newest build kernel (the last one listed).
	if [ -n "$demo" ] && [ -z "${K4A_TESTS:-}" ]; then
		run_demo "$demo" || ok=1
	fi
	# Reference kernels: stock drivers only (no k4a.ko is built for them).
	for k in $("$K4A_ROOT/tools/vm/kernels.sh" ref); do
		run_selftests "$k" "$k, reference" ${K4A_REF_TESTS:-emu_uvc} || ok=1
	done
	return $ok
}

# The debug kernel's tests (tools/vm/debug-check.sh), counted like the other runners'.
do_debug() {
	local rc
	"$K4A_ROOT/tools/vm/debug-check.sh" 2>&1 | tee "$LOG/debug.log"
	rc=${PIPESTATUS[0]}
	count_runner "$LOG/debug.log" || { fail 1; echo "check: debug printed no result line"; return 1; }
	return $rc
}

t_all=$SECONDS
overall=0
want setup && { stage setup do_setup || { overall=1; only=,none,; }; }
want build && { stage build do_build || overall=1; }
want static && { stage static do_static || overall=1; }
want unit && { stage unit do_unit || overall=1; }
want fuzz && { stage fuzz do_fuzz || overall=1; }
want vm && { stage vm do_vm || overall=1; }
# Not part of a plain `make check`: its kernel build and slow guests exceed that budget (testing.rst).
if [[ $only == *,debug,* ]] || { [ -z "$only" ] && [ "${K4A_CHECK_DEBUG:-0}" = 1 ]; }; then
	stage debug do_debug || overall=1
fi

echo "=== stage timings"
printf '%s\n' "${TIMES[@]}"
[ -f "$LOG/boot-times" ] && sed 's/^/guest ready after boot (s): /' "$LOG/boot-times" && rm -f "$LOG/boot-times"
printf '%-22s %5ds\n' total $((SECONDS - t_all))
[ "$FAILED" -gt 0 ] && overall=1
echo "$PASSED passed, $FAILED failed"
exit $overall
