# Sourced by guest scripts (POSIX sh, runs inside the bench guest).
# k4a_load [PARAM=VALUE...]  load the stock modules k4a.ko depends on, then k4a.ko itself
# k4a_unload                 remove k4a (fails if it is in use)
# ktap_* helpers             KTAP output for shell tests
# k4a_wait / k4a_now         waiting for a condition, timing it
# k4a_punctual PID           the emulator and vhci's receive threads ahead of the rest

k4a_load() {
	for dep in $(modinfo -F depends "$K4A_KO" | tr ',' ' '); do
		modprobe "$dep" || return 1
	done
	insmod "$K4A_KO" "$@"
}

k4a_unload() {
	rmmod k4a
}

# k4a_punctual PID: the emulator (process PID) at nice -20 and vhci_hcd's receive threads at
# SCHED_FIFO 10, once the devices are attached (benchmarks and the demo). On a real host neither
# the camera nor the host controller waits for a CPU; in the guest both are processes that wait
# behind the capture programs on two emulated CPUs, and that lateness would pass for the USB
# latency the emulator models (Documentation/timestamps.rst, "Measuring in the guest").
k4a_punctual() {
	renice -n -20 -p "$1" > /dev/null || return 1
	for _p in $(pgrep -x vhci_rx); do
		chrt -f -p 10 "$_p" || return 1
	done
}

# Tests assert what must hold on any machine; how long something took is a figure, printed.
# A wait is for a condition, polled, with an upper bound (K4A_WAIT_S, 300 s) that only a hang
# reaches: a slow or busy host makes a wait longer, never a test fail.
K4A_WAIT_S=${K4A_WAIT_S:-300}
# k4a_now: uptime in centiseconds
k4a_now() { awk '{printf "%d", $1 * 100}' /proc/uptime; }
# k4a_now_ns: CLOCK_MONOTONIC in ns (the kernel's ktime_get(), as buffer timestamps; root only)
k4a_now_ns() { awk '/^now at/ { print $3; exit }' /proc/timer_list; }
# k4a_secs FROM [TO]: seconds between two k4a_now values (TO: now), as "1.23"
k4a_secs() {
	awk -v a="$1" -v b="${2:-$(k4a_now)}" 'BEGIN {printf "%.2f", (b - a) / 100}'
}
# k4a_wait WHAT COMMAND [ARGS...]: run COMMAND every 0.2 s until it succeeds, at most
# K4A_WAIT_S seconds. Prints "# WHAT: after N s" (or "# WHAT: not after N s") unless WHAT is
# empty; returns 0 when COMMAND succeeded. K4A_WAITED holds the seconds it took.
k4a_wait() {
	_w_what=$1
	shift
	_w_t0=$(k4a_now)
	_w_end=$((_w_t0 + K4A_WAIT_S * 100))
	while :; do
		if "$@"; then
			K4A_WAITED=$(k4a_secs "$_w_t0")
			[ -z "$_w_what" ] || echo "# $_w_what: after $K4A_WAITED s"
			return 0
		fi
		[ "$(k4a_now)" -lt "$_w_end" ] || break
		sleep 0.2
	done
	K4A_WAITED=$(k4a_secs "$_w_t0")
	echo "# ${_w_what:-wait for '$*'}: not after $K4A_WAITED s"
	return 1
}

# KTAP for shell tests: ktap_plan N; ktap_result 0|1|skip NAME [REASON]; ktap_totals
# ktap_todo RC NAME REASON: a case with a known, documented bug: a failure is printed as
# "not ok ... # TODO REASON" and counted as xfail; a pass is counted as xpass (fix the note).
KTAP_N=0 KTAP_PASS=0 KTAP_FAIL=0 KTAP_SKIP=0 KTAP_XFAIL=0 KTAP_XPASS=0
ktap_plan() {
	echo "TAP version 13"
	echo "1..$1"
}
ktap_result() {
	KTAP_N=$((KTAP_N + 1))
	case "$1" in
	0) KTAP_PASS=$((KTAP_PASS + 1)); echo "ok $KTAP_N $2" ;;
	skip) KTAP_SKIP=$((KTAP_SKIP + 1)); echo "ok $KTAP_N $2 # SKIP ${3:-}" ;;
	*) KTAP_FAIL=$((KTAP_FAIL + 1)); echo "not ok $KTAP_N $2${3:+ # $3}" ;;
	esac
}
ktap_todo() {
	KTAP_N=$((KTAP_N + 1))
	if [ "$1" = 0 ]; then
		KTAP_XPASS=$((KTAP_XPASS + 1)); echo "ok $KTAP_N $2 # TODO $3"
	else
		KTAP_XFAIL=$((KTAP_XFAIL + 1)); echo "not ok $KTAP_N $2 # TODO $3"
	fi
}
ktap_totals() {
	echo "# Totals: pass:$KTAP_PASS fail:$KTAP_FAIL xfail:$KTAP_XFAIL xpass:$KTAP_XPASS skip:$KTAP_SKIP error:0"
	[ "$KTAP_FAIL" -eq 0 ]
}

# k4a_compliance NAME LOG: judge a v4l2-compliance log. Prints "# " lines (its Total line and
# its findings, counted); true when it ran to its Total line with nothing failed and no
# warning other than "got sequence number N, expected M". v4l2-compliance keeps few buffers
# queued, and the sequence counts every frame the driver received: a colour frame that
# arrives while no buffer is queued (a late application on a busy TCG guest), a depth
# transfer of the wrong size. Those gaps are a figure here; the *_stream selftests assert a
# gap-free sequence with enough buffers queued.
k4a_compliance() {
	grep -E '^Total' "$2" | sed 's/^/# /'
	grep -E '(fail|warn): ' "$2" | sort | uniq -c | head -n 20 | sed 's/^/# /'
	_c_seq=$(grep -c 'warn: .*got sequence number' "$2")
	_c_fails=$(grep -c 'fail: ' "$2")
	_c_warns=$(grep 'warn: ' "$2" | grep -vc 'got sequence number')
	echo "# $1: $_c_seq buffer sequence gap(s) behind a late application (figure)"
	grep -q '^Total for .*Failed: [0-9]*, Warnings: [0-9]*' "$2" && [ "$_c_fails" = 0 ] &&
		[ "$_c_warns" = 0 ]
}

# k4a_uevent_monitor FILE: every uevent of the k4a class with its properties, from the
# kernel, line-buffered into FILE by a background `udevadm monitor` (its pid in MON; MON
# empty without udevadm); returns once the monitor runs (or says that it did not start).
k4a_uevent_monitor() {
	MON=
	command -v udevadm > /dev/null || return 0
	_um_lb=
	command -v stdbuf > /dev/null && _um_lb="stdbuf -oL"
	# the bench guest's root is not the root of its first process: udevadm would refuse to
	# run as in a chroot
	# shellcheck disable=SC2086
	SYSTEMD_IGNORE_CHROOT=1 $_um_lb udevadm monitor --kernel --property --subsystem-match=k4a \
		> "$1" 2>&1 &
	MON=$!
	_um_file=$1
	_um_up() { grep -q 'KERNEL' "$_um_file"; }
	_um_w=$K4A_WAIT_S
	K4A_WAIT_S=30
	k4a_wait "" _um_up || { echo "# udevadm monitor did not start:"; sed 's/^/#   /' "$1"; }
	K4A_WAIT_S=$_um_w
}
