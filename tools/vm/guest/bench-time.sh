# Guest script: timestamp accuracy and cross-unit agreement against the emulator's ground truth
# (Documentation/timestamps.rst, "Measuring"). A benchmark, never part of `make check`: what it
# prints describes this machine under its current load.
#   make bench-time [KVER=...] [BENCH_TIME_ARGS="SECONDS UNITS JITTERS"]
#   tools/vm/vm-run.sh KVER tools/vm/guest/bench-time.sh [SECONDS ["UNITS" ["JITTERS" [dump]]]]
# Defaults: 120 s, units "1 3 10", jitters "0 500 2000" (the scale of the emulator's Pareto
# delivery jitter, us: 0 = no jitter).
# For every unit count and jitter: a fresh emulator with the units daisy-chained, their
# clocks' rate errors spread evenly over -100..+100 ppm (one unit: +100), every IN completion
# delayed by a heavy-tailed (Pareto) latency of that scale; `k4actl plan` sets the rig up
# (unit 0 master, depth lasers 160 us apart); the master's start gate holds it while every
# unit's colour (MJPG 1280x720) and depth (passive IR, the smallest raw frame, so ten units
# fit the emulated bus) streams start with their metadata nodes, all at 5 fps; the gate opens
# and SECONDS of frames are taken. k4a-tsstat (tools/emu/tsstat.c) then compares every
# buffer's timestamp and its metadata record's arrival stamp with the frame's ground truth.
# Every run's frames (k4a-tsstat's input) are kept in the run directory (bench-time-N-J.txt);
# with a fourth argument "dump" also every unit's clock estimator (debugfs "clock") once a
# second (bench-time-N-J.clock), every clock observation the driver made (a kprobe event on
# k4a_clock_add: bench-time-N-J.obs) and the emulator's side log (bench-time-N-J.side), the
# input of k4a-clock-replay (tools/emu/replay.c), whose --oracle figure the run prints too.
. "$K4A_ROOT/tools/vm/guest-lib.sh"
. "$K4A_ROOT/tools/emu/guest-lib.sh"
# the side log in the guest's memory (the results directory is a 9p share: a write there
# stalls the emulator's loop for a round trip to the host); kept per run in dump mode
EMU_LOG=/tmp/emu-side-bench-time.log
. "$K4A_ROOT/selftests/k4a/color_lib.inc"
. "$K4A_ROOT/selftests/k4a/depth_lib.inc"
T=${1:-120}
UNITS=${2:-1 3 10}
JITTERS=${3:-0 500 2000}
DUMP=
[ "${4:-}" = dump ] && DUMP=1
FPS=5
OUT=/tmp/bench-time
CTL=$K4A_BUILD/bin/k4actl
STAT=$K4A_BUILD/bin/k4a-tsstat

# drifts N: "0:PPM,1:PPM,..." evenly over -100..+100 ppm
drifts() {
	awk -v n="$1" 'BEGIN {
		for (i = 0; i < n; i++) {
			p = n > 1 ? -100 + 200 * i / (n - 1) : 100
			printf "%s%d:%.1f", i ? "," : "", i, p
		}
	}'
}

# frames CAPFILE SERIAL KIND DELAY_NS: the F lines of k4a-tsstat from a capture helper's output;
# LOCKED: the record says mapped and locked (K4A_META_F_CLOCK_LOCKED), with an error bound
# (clock_error_ns) of at most 50 us; then the record's own bound (-1: not mapped) and whether
# it says locked
frames() {
	awk -v u="$2" -v k="$3" -v d="$4" '
		$1 == "M" {
			lk[$8] = $11 != 0 && int($15 / 16) % 2
			cs[$8] = lk[$8] && $17 > 0 && $17 <= 50000
			err[$8] = $11 != 0 ? $17 : -1
			arr[$8] = $14
		}
		$1 == "V" && $9 != "-" { ts[$2] = $5; gt[$2] = $9; seq[++n] = $2 }
		END {
			for (i = 1; i <= n; i++) {
				s = seq[i]
				if (s in arr)
					print "F", u, k, s, ts[s], gt[s], arr[s], d, cs[s], err[s], lk[s]
			}
		}' "$1"
}

# every clock observation (k4a_clock_add: estimator, device ticks, arrival ns) through a
# kprobe event, for replaying the estimator offline against the side log's ground truth
TR=/sys/kernel/tracing
obs_trace() {
	[ -d "$TR/instances" ] || mount -t tracefs nodev "$TR" || return 1
	echo 0 > "$TR/tracing_on"
	echo > "$TR/trace"
	echo '-:k4aobs' >> "$TR/kprobe_events" 2> /dev/null
	echo 'p:k4aobs k4a:k4a_clock_add c=%di:x64 dev=%si:u64 host=%dx:u64' >> "$TR/kprobe_events" || return 1
	# room for the whole run on either CPU (about 50 bytes an event, some 250 events a second a
	# unit), read once at the end: a reader during the run would take a good part of a CPU.
	# A full buffer drops the newest events (not the oldest: the first seconds are the ones
	# looked at), and obs_trace_stop() says so.
	echo $((T * n * 16 + 4096)) > "$TR/buffer_size_kb"
	echo 0 > "$TR/options/overwrite"
	echo 1 > "$TR/events/kprobes/k4aobs/enable"
	echo 1 > "$TR/tracing_on"
}
# CPU time per task (ticks, from /proc/*/task/*/stat) and the CPUs' idle ticks, to tell
# what the guest spent its two CPUs on during a run
cpu_snap() {
	awk '/^cpu / { print "idle", $5 + $6; print "[irq+softirq]", $7 + $8 }' /proc/stat
	for _t in /proc/[0-9]*/task/[0-9]*/stat; do
		cat "$_t" 2> /dev/null
	done | sed 's/^\([0-9]*\) (\([^)]*\)) /\1 \2 /' | awk '{ gsub(/[^A-Za-z0-9_.:-]/, "_", $2); print $1 ":" $2, $14 + $15 }'
}
cpu_report() { # BEFORE AFTER SECONDS: the busiest tasks and the idle share
	awk -v secs="$3" -v hz="$(getconf CLK_TCK)" -v cpus="$(nproc)" '
		FNR == NR { a[$1] = $2; next }
		{ d = $2 - a[$1]; if ($1 == "idle") idle = d; else if (d > 0) { t[$1] = d; tot += d } }
		END {
			printf "guest CPU over %d s: idle %.0f%%, busy tasks:", secs, 100 * idle / (hz * secs * cpus)
			n = 0
			for (k in t) v[++n] = t[k] " " k
			for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (v[j] + 0 > v[i] + 0) { x = v[i]; v[i] = v[j]; v[j] = x }
			for (i = 1; i <= n && i <= 12; i++) { split(v[i], kv, " "); printf " %s %.1f%%", kv[2], 100 * kv[1] / (hz * secs) }
			printf "\n"
		}' "$1" "$2"
}
obs_trace_stop() { # FILE
	echo 0 > "$TR/events/kprobes/k4aobs/enable"
	cat "$TR/trace" > "$1"
	# events a full buffer dropped (or overwrote), per CPU
	cat "$TR"/per_cpu/cpu*/stats | awk -v l="bench: $label:" '
		/^(overrun|dropped events):/ { lost += $NF }
		/^entries:/ { kept += $2 }
		END {
			if (lost)
				printf "%s the trace buffer overflowed: %d of %d observations lost\n", l, lost, lost + kept
		}'
	echo > "$TR/trace"
	echo 1 > "$TR/options/overwrite"
	echo 1 > "$TR/buffer_size_kb"
	echo '-:k4aobs' >> "$TR/kprobe_events"
}

run() {
	n=$1 j=$2
	label="$n unit(s), jitter $j us"
	rm -rf "$OUT"
	mkdir -p "$OUT"
	jit=0
	[ "$j" = 0 ] || jit="0,$j,pareto"
	if ! depth_up -n "$n" -t daisy -d "$(drifts "$n")" -j "$jit"; then
		echo "bench: $label: the units did not form"
		depth_down
		return 1
	fi
	k4a_punctual "$EMU_PID" || echo "bench: $label: the emulator and vhci_rx kept their priority"
	if [ "$n" -gt 1 ]; then
		"$CTL" plan > "$OUT/plan.txt" 2>&1 || { echo "bench: $label: k4actl plan failed:"; cat "$OUT/plan.txt"; }
	fi
	m=$(depth_unit_dir "$(emu_serial 0)")
	echo closed > "$m/start_gate"
	i=0
	pids=
	while [ $i -lt "$n" ]; do
		s=$(emu_serial $i)
		"$CAP_BIN" -f MJPG -w 1280 -h 720 -r $FPS -n 100000000 -b 8 -t $((T + 60)) \
			-m "$(depth_node "$s" meta_color)" "$(depth_node "$s" video_color)" > "$OUT/c-$s.txt" 2>&1 &
		pids="$pids $!"
		# a master's depth starts after its colour (held by the closed gate: armed)
		if [ $i = 0 ] && [ "$n" -gt 1 ]; then
			k4a_wait "" eval '[ "$(cat "$m/sync_state")" = armed ]' ||
				echo "bench: $label: the master's colour did not arm"
		fi
		"$DCAP_BIN" -f K4PI -r $FPS -n 100000000 -b 8 -t $((T + 60)) \
			-m "$(depth_node "$s" meta_depth)" "$(depth_node "$s" video_depth)" > "$OUT/d-$s.txt" 2>&1 &
		pids="$pids $!"
		i=$((i + 1))
	done
	armed() {
		for _u in /sys/class/k4a/k4a*; do
			[ "$(cat "$_u/sync_state")" = armed ] || return 1
		done
	}
	k4a_wait "" armed || echo "bench: $label: not every unit armed: $(cat /sys/class/k4a/k4a*/sync_state | tr '\n' ' ')"
	if [ -n "$DUMP" ]; then
		obs_trace
		cpu_snap > "$OUT/cpu0"
	fi
	echo open > "$m/start_gate"
	if [ -n "$DUMP" ]; then
		# the estimators' fit and window every second (debugfs clock), for a closer look
		(
			while :; do
				for _u in /sys/kernel/debug/k4a/k4a*; do
					echo "== $(k4a_now_ns) ${_u##*/}"
					cat "$_u/clock"
				done
				sleep 1
			done
		) > "$K4A_OUT/bench-time-$n-$j.clock" 2>&1 &
		dump=$!
	fi
	sleep "$T"
	if [ -n "$DUMP" ]; then
		cpu_snap > "$OUT/cpu1"
		kill "$dump"
		obs_trace_stop "$K4A_OUT/bench-time-$n-$j.obs"
		cpu_report "$OUT/cpu0" "$OUT/cpu1" "$T" | sed "s/^/bench: $label: /"
	fi
	# shellcheck disable=SC2086
	kill $pids 2> /dev/null
	# shellcheck disable=SC2086
	wait $pids
	i=0
	while [ $i -lt "$n" ]; do
		s=$(emu_serial $i)
		u=$(depth_unit_dir "$s")
		sd=$(cat "$u/subordinate_delay_off_master_usec")
		dd=$(cat "$u/depth_delay_off_color_usec")
		echo "bench: $label: $s $(cat "$u/sync_mode"), delays $sd/$dd us, clock locked $(cat "$u/clock/locked"), error bound $(cat "$u/clock/error_ns" 2>/dev/null || echo -) ns, rate error $(cat "$u/clock/rate_error_ppb" 2>/dev/null || echo -) ppb, restarts $(cat "$u/clock/restarts")"
		frames "$OUT/c-$s.txt" "$s" color $((sd * 1000)) >> "$OUT/frames.txt"
		frames "$OUT/d-$s.txt" "$s" depth $(((sd + dd) * 1000)) >> "$OUT/frames.txt"
		i=$((i + 1))
	done
	cp "$OUT/frames.txt" "$K4A_OUT/bench-time-$n-$j.txt"
	# the next run's emulator starts a new side log: keep this run's beside its observations
	[ -z "$DUMP" ] || { emu_ctl dump > /dev/null; cp "$EMU_LOG" "$K4A_OUT/bench-time-$n-$j.side"; }
	# what those observations allowed at best: each unit's true rate, resting on its lowest
	# observation so far (k4a-clock-replay --oracle, Documentation/timestamps.rst)
	if [ -n "$DUMP" ] && "$K4A_BUILD/bin/k4a-clock-replay" --oracle "$K4A_OUT/bench-time-$n-$j.obs" \
		"$K4A_OUT/bench-time-$n-$j.side" > "$OUT/oracle.txt" 2> /dev/null; then
		"$STAT" "$OUT/oracle.txt" | sed -n "s/^tsstat: color first .*within the bound from \([0-9.]*\) s .*/bench: $label: the observations allowed colour within 50 us from \1 s at best (oracle)/p"
	fi
	# the emulator's own lateness (a device never is late): what these figures stand on
	emu_ctl dump | awk -v l="bench: $label:" '$1 == "late" {
			for (i = 4; i <= NF; i++) { split($i, kv, "="); s[$3, kv[1]] += kv[2] }
			if (!($3 in seen)) { seen[$3] = 1; k[++n] = $3 }
		}
		END {
			for (i = 1; i <= n; i++) {
				h = k[i]
				t = s[h, "lt50us"] + s[h, "lt200us"] + s[h, "lt1ms"] + s[h, "lt5ms"] + s[h, "lt20ms"] + s[h, "ge20ms"]
				if (t)
					printf "%s emulator served %s URBs late by <50 us %.1f%%, <200 us %.1f%%, <1 ms %.1f%%, <5 ms %.1f%%, <20 ms %.1f%%, more %.1f%%\n",
						l, h, 100 * s[h, "lt50us"] / t, 100 * s[h, "lt200us"] / t, 100 * s[h, "lt1ms"] / t,
						100 * s[h, "lt5ms"] / t, 100 * s[h, "lt20ms"] / t, 100 * s[h, "ge20ms"] / t
			}
		}'
	# and what being on time cost it (Documentation/emulator.rst, --punctual)
	emu_ctl dump | awk -v l="bench: $label:" -v t="$T" '$1 == "punctual" {
			for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
			printf "%s emulator woke early for %d due times and waited %.0f ms for them on the clock (%.1f%% of the run), %d early wakes without credit\n",
				l, v["spins"], v["spun_us"] / 1000, v["spun_us"] / 10000 / t, v["short_wakes"]
		}
		$1 == "loop" {
			for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
			printf "%s emulator loop busy (%% of the run): sending depth %.1f, sending colour %.1f, filling iso URBs %.1f, reading commands %.1f, device model %.1f\n",
				l, v["send_depth_us"] / 10000 / t, v["send_color_us"] / 10000 / t, v["fill_us"] / 10000 / t,
				v["read_us"] / 10000 / t, v["model_us"] / 10000 / t
		}'
	"$STAT" "$OUT/frames.txt" | sed "s/^tsstat:/bench: $label:/"
	# the estimator's window widens to 128 s over the first minute: the steady state after it
	if [ "$T" -ge 90 ]; then
		"$STAT" --skip 60 "$OUT/frames.txt" | grep -v " first 60.0 s:" |
			sed "s/^tsstat:/bench: $label: from 60 s:/"
	fi
	depth_down > /dev/null || echo "bench: $label: k4a did not unload"
}

modprobe vhci-hcd
rmmod uvcvideo 2> /dev/null
echo "bench: timestamps: colour MJPG 1280x720 + depth passive IR at $FPS fps, daisy chain, clocks over -100..+100 ppm, $T s per run; units: $UNITS; jitter scales (us): $JITTERS; guest $(nproc) CPUs, kernel $(uname -r)"
for n in $UNITS; do
	for j in $JITTERS; do
		run "$n" "$j"
	done
done
