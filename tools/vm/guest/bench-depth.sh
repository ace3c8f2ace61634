# Guest script: raw depth through k4a.ko's depth nodes against the emulator's libusb reader
# (k4a-probe, which reads through usbfs the way the vendor stack does: 512 KiB bulk
# transfers, four in flight on endpoint 0x83; it keeps only the first bytes of each frame, so
# it does less per frame than an application that copies frames out), on 1, 3 and 8 units at
# once. A benchmark, never part of `make check`: what it prints describes this machine under
# its current load.
#   make bench-depth [KVER=...] [BENCH_DEPTH_ARGS="SECONDS FPS UNITS..."]
#   tools/vm/vm-run.sh KVER tools/vm/guest/bench-depth.sh [SECONDS [FPS [UNITS...]]]
# Defaults: 120 s, NFOV unbinned at 5 fps, units 1 3 8.
# For each unit count, the libusb reader and then k4a (a fresh emulator for each, so each
# starts from the same state): every unit streams depth only (standalone units; colour idle),
# readers start, after a warm-up of 5 s the measured window of SECONDS begins. Per run:
#  - frames: made by the emulated sensors in the window, delivered to the readers (the
#    emulator's side log: sent, i.e. whole at the host), dropped by the device (its buffer
#    was full: the host did not take the previous frames in time);
#  - for k4a also what the driver counted (frames dropped as bad or for lack of a queued
#    buffer, debugfs) and the gaps in the buffer sequence the readers saw; for the libusb
#    reader its own count of wrong sizes and frame-counter gaps;
#  - the rate per unit, and guest CPU per delivered frame: all busy time of the 2 vCPUs over
#    the window (/proc/uptime), of which the emulator (it makes and sends the frames, the same
#    work for both readers) and the rest (readers, kernel: USB/IP, URB completion, copies);
#  - kernel memory (/proc/meminfo Slab, SUnreclaim, VmallocUsed, Percpu, and MemAvailable)
#    with the units present and idle, before the first stream and after the last stopped.
. "$K4A_ROOT/tools/vm/guest-lib.sh"
. "$K4A_ROOT/tools/emu/guest-lib.sh"
. "$K4A_ROOT/selftests/k4a/depth_lib.inc"
T=${1:-120}
FPS=${2:-5}
[ $# -gt 2 ] && shift 2 && UNITS=$*
UNITS=${UNITS:-1 3 8}
WARM=5
OUT=/tmp/bench-depth
mkdir -p "$OUT"
NCPU=$(nproc)
RAW=5310760
cpu_busy() { awk -v n="$NCPU" '{ printf "%d", ($1 * n - $2) * 100 }' /proc/uptime; }
cpu_proc() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
emu_now() { emu_ctl dump | sed -n 's/^emu .*now_ns=\([0-9]*\).*/\1/p'; }
kmem() { # the kernel's memory, kB: "Slab SUnreclaim VmallocUsed Percpu MemAvailable"
	awk '$1 == "Slab:" { s = $2 } $1 == "SUnreclaim:" { u = $2 } $1 == "VmallocUsed:" { v = $2 }
		$1 == "Percpu:" { p = $2 } $1 == "MemAvailable:" { a = $2 }
		END { print s, u, v, p, a }' /proc/meminfo
}
kmem_show() { # LABEL BEFORE AFTER
	set -- "$1" $2 $3
	printf 'bench: %-26s kernel memory idle before -> after (kB): Slab %d -> %d, SUnreclaim %d -> %d, VmallocUsed %d -> %d, Percpu %d -> %d; MemAvailable %d -> %d\n' \
		"$1" "$2" "$7" "$3" "$8" "$4" "$9" "$5" "${10}" "$6" "${11}"
}

# run READER N: one measured run
run() {
	rd=$1 n=$2
	label="$rd $n unit(s) NFOV @$FPS"
	rm -f "$EMU_LOG"
	if [ "$rd" = k4a ]; then
		depth_up -n "$n" || { echo "bench: $label: the units did not form"; depth_down; return 1; }
	else
		grep -q '^k4a ' /proc/modules && rmmod k4a
		emu_start -n "$n" || { echo "bench: $label: the emulator did not enumerate"; emu_stop; return 1; }
	fi
	sync
	echo 1 > /proc/sys/vm/drop_caches
	m0=$(kmem)
	pids=
	i=0
	while [ $i -lt "$n" ]; do
		s=$(emu_serial $i)
		if [ "$rd" = k4a ]; then
			d=$(depth_node "$s" video_depth)
			"$DCAP_BIN" -f K4NU -r "$FPS" -n 100000000 -b 8 -t $((WARM + T + 5)) "$d" \
				> "$OUT/cap-$i.txt" 2>&1 &
		else
			"$PROBE" -s "$s" stream --mode nfov --fps "$FPS" --seconds $((WARM + T + 5)) \
				> "$OUT/cap-$i.txt" 2>&1 &
		fi
		pids="$pids $!"
		i=$((i + 1))
	done
	sleep "$WARM"
	a=$(emu_now)
	b0=$(cpu_busy)
	e0=$(cpu_proc "$EMU_PID")
	sleep "$T"
	e1=$(cpu_proc "$EMU_PID")
	b1=$(cpu_busy)
	b=$(emu_now)
	# shellcheck disable=SC2086
	wait $pids
	drv=
	gaps=0
	if [ "$rd" = k4a ]; then
		i=0
		while [ $i -lt "$n" ]; do
			drv="$drv $(depth_stats "$(emu_serial $i)" | awk '{ print $4 }')"
			g=$(awk '$1 == "V" { if (n++ && $2 != p + 1) g += $2 - p - 1; p = $2 } END { print g + 0 }' \
				"$OUT/cap-$i.txt")
			gaps=$((gaps + g))
			i=$((i + 1))
		done
	fi
	sleep 1
	sync
	echo 1 > /proc/sys/vm/drop_caches
	m1=$(kmem)
	probe=$(cat "$OUT"/cap-*.txt | awk '$1 == "stream" { for (i = 2; i <= NF; i++) { split($i, kv, "="); s[kv[1]] += kv[2] } }
		END { if ("frames" in s) printf "reader: %d frames, %d wrong size, %d counter gaps", s["frames"], s["bad_size"], s["counter_gaps"] }')
	awk -v l="$label" -v a="$a" -v b="$b" -v n="$n" -v secs="$T" -v busy=$((b1 - b0)) -v emu=$((e1 - e0)) \
		-v rd="$rd" -v drv="$drv" -v gaps="$gaps" -v probe="$probe" '
		$2 == "depth" && $5 >= a && $5 < b { made++; if ($6 == 0) lost++ }
		END {
			got = made - lost; d = got ? got : 1
			printf "bench: %-26s window %.1f s: %d frames made, %d delivered, %d dropped by the device; %.2f fps per unit\n",
				l, (b - a) / 1e9, made, got, lost, got / n / ((b - a) / 1e9)
			if (rd == "k4a") {
				split(drv, x, " "); t = 0; for (i in x) t += x[i]
				printf "bench: %-26s driver: %d frames dropped (bad or no buffer), %d sequence gaps seen by the readers\n", l, t, gaps
			} else if (probe != "")
				printf "bench: %-26s %s\n", l, probe
			printf "bench: %-26s CPU per delivered frame: %.1f ms guest, %.1f ms emulator, %.1f ms reader and kernel\n",
				l, busy * 10 / d, emu * 10 / d, (busy - emu) * 10 / d
		}' "$EMU_LOG"
	if [ "$rd" = k4a ]; then
		depth_down || echo "bench: $label: k4a did not unload"
	else
		emu_stop > /dev/null
	fi
	kmem_show "$label" "$m0" "$m1"
}

modprobe vhci-hcd
rmmod uvcvideo 2> /dev/null
echo "bench: depth NFOV unbinned ($RAW bytes a frame) at $FPS fps, units: $UNITS; $T s each; guest $NCPU CPUs, $(awk '$1 == "MemTotal:" { printf "%d MiB", $2 / 1024 }' /proc/meminfo), kernel $(uname -r)"
for n in $UNITS; do
	run probe "$n"
	run k4a "$n"
done
rm -rf "$OUT"
