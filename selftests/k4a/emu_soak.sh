#!/bin/sh
# Sustained load: 3 units stream raw depth and colour (MJPG); after a warm-up of
# K4A_SOAK_WARMUP seconds (10: every reader has started, the guest settled) no frame may be
# dropped anywhere for K4A_SOAK_SECONDS (device buffers, colour skips, wrong sizes). Prints
# where the guest's CPU time went (emulator, readers, kernel threads, idle).
# Skipped unless K4A_SOAK_SECONDS is set (make soak). Knobs: K4A_SOAK_UNITS (3),
# K4A_SOAK_MODE (nfov|wfov|qmp|pcm|none, default pcm), K4A_SOAK_FPS (5), K4A_SOAK_COLOR
# (WxH:FOURCC or none, default 1280x720:MJPG), K4A_SOAK_BUFFER (device depth buffer, 2).
. "$K4A_ROOT/tools/vm/guest-lib.sh"
. "$K4A_ROOT/tools/emu/guest-lib.sh"
ktap_plan 4
T=${K4A_SOAK_SECONDS:-}
if [ -z "$T" ]; then
	for n in 1 2 3 4; do ktap_result skip "soak $n" "K4A_SOAK_SECONDS not set"; done
	ktap_totals
	exit 0
fi
N=${K4A_SOAK_UNITS:-3} MODE=${K4A_SOAK_MODE:-pcm} FPS=${K4A_SOAK_FPS:-5}
COL=${K4A_SOAK_COLOR:-1280x720:MJPG}
W=${COL%%x*} H=${COL#*x}
H=${H%%:*} FC=${COL#*:}
[ "$COL" = none ] && FC=none
if ! emu_start -n "$N" -b "${K4A_SOAK_BUFFER:-2}"; then
	ktap_result 1 "emulator with $N units enumerates"
	for n in 2 3 4; do ktap_result skip "soak $n" "no emulator"; done
	ktap_totals
	exit 1
fi
ktap_result 0 "emulator with $N units enumerates"
cpu() { # pid -> utime+stime ticks
	awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0
}
kthreads() { # ticks of vhci/usbip kernel threads and ksoftirqd
	t=0
	for p in /proc/[0-9]*; do
		c=$(cat "$p/comm" 2>/dev/null) || continue
		case "$c" in vhci_*|usbip*|ksoftirqd*|kworker*)
			t=$((t + $(awk '{print $14 + $15}' "$p/stat" 2>/dev/null || echo 0))) ;;
		esac
	done
	echo $t
}
WARM=${K4A_SOAK_WARMUP:-10}
# Readers outlast the measured window by a wide margin (the guest is slow under load).
RUN=$((WARM + T + 40))
pids=
i=0
while [ $i -lt "$N" ]; do
	S=$(emu_serial $i)
	if [ "$MODE" != none ]; then
		$PROBE -s "$S" stream --mode "$MODE" --fps "$FPS" --seconds "$RUN" \
			> "$K4A_OUT/soak-depth-$i.log" 2>&1 &
		pids="$pids $!"
		# the probe configures the unit (SET_SYS_CFG) before colour may start
		w=0
		while ! grep -q '^started' "$K4A_OUT/soak-depth-$i.log" 2>/dev/null && [ $w -lt 300 ]; do
			sleep 0.1
			w=$((w + 1))
		done
	fi
	if [ "$FC" != none ]; then
		V=$(emu_video "$S")
		v4l2-ctl -d "$V" --set-fmt-video=width=$W,height=$H,pixelformat=$FC --set-parm=$FPS > /dev/null
		# manual 10 ms exposure, as recommended for synchronized capture
		v4l2-ctl -d "$V" -c auto_exposure=1 -c exposure_time_absolute=100 > /dev/null 2>&1
		v4l2-ctl -d "$V" --stream-mmap --stream-count=$((RUN * FPS)) > "$K4A_OUT/soak-color-$i.log" 2>&1 &
		pids="$pids $!"
	fi
	i=$((i + 1))
done
sleep "$WARM"
# The window is [first dump, second dump]: the slow per-process sums stay outside it.
k0=$(kthreads)
e0=$(cpu $EMU_PID)
stat0=$(head -n 1 /proc/stat)
emu_ctl dump > "$K4A_OUT/soak-dump0.txt"
sleep "$T"
emu_ctl dump > "$K4A_OUT/soak-dump.txt"
stat1=$(head -n 1 /proc/stat)
e1=$(cpu $EMU_PID)
k1=$(kthreads)
wait $pids
emu_stop
t0=$(sed -n 's/^emu .*now_ns=\([0-9]*\).*/\1/p' "$K4A_OUT/soak-dump0.txt")
t1=$(sed -n 's/^emu .*now_ns=\([0-9]*\).*/\1/p' "$K4A_OUT/soak-dump.txt")
grep -h '^stream ' "$K4A_OUT"/soak-depth-*.log | sed 's/^/# /'
bad=$(grep -h '^stream ' "$K4A_OUT"/soak-depth-*.log | grep -vc 'bad_size=0 no_gt=0 ')
n=$(grep -hc '^stream ' "$K4A_OUT"/soak-depth-*.log | awk '{s += $1} END {print s + 0}')
[ "$MODE" = none ] || { [ "$n" -eq "$N" ] && [ "$bad" -eq 0 ]; }
ktap_result $? "raw depth $MODE @$FPS on $N units: exact sizes, every frame read whole"
# every frame that started exposure inside the measured window was delivered
awk -v a="$t0" -v b="$t1" '$5 >= a && $5 <= b { n[$1 " " $2]++; if ($6 == 0) d[$1 " " $2]++ }
	END { for (k in n) printf "# %s: %d frames in the window, %d dropped\n", k, n[k], d[k] + 0 }' \
	"$EMU_LOG" | sort
lost=$(awk -v a="$t0" -v b="$t1" '$5 >= a && $5 <= b && $6 == 0' "$EMU_LOG" | wc -l)
early=$(awk -v a="$t0" '$5 < a && $6 == 0' "$EMU_LOG" | wc -l)
echo "# frames dropped during the ${WARM}s warm-up: $early"
echo "# measured window: $(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.1f", (b - a) / 1e9}') s of emulator time"
[ -n "$t0" ] && [ -n "$t1" ] && [ "$lost" -eq 0 ]
ktap_result $? "no frame dropped in any device buffer for ${T}s"
ok=0
i=0
while [ $i -lt "$N" ]; do
	S=$(emu_serial $i)
	c=$(awk -v s="$S" '$1 == s && $2 == "color" && $6 > 0' "$EMU_LOG" | wc -l)
	echo "# unit $i colour frames delivered: $c (expected >= $((T * FPS)))"
	[ "$FC" = none ] || [ "$c" -ge $((T * FPS)) ] || ok=1
	i=$((i + 1))
done
ktap_result $ok "colour $W x $H $FC @$FPS delivered on every unit"
# where the time went (USER_HZ ticks over the run; 2 vCPUs)
set -- $stat0; u0=$2 n0=$3 s0=$4 i0=$5 w0=$6 q0=$7 sq0=$8
set -- $stat1; u1=$2 n1=$3 s1=$4 i1=$5 w1=$6 q1=$7 sq1=$8
tot=$(( (u1 + n1 + s1 + i1 + w1 + q1 + sq1) - (u0 + n0 + s0 + i0 + w0 + q0 + sq0) ))
echo "# cpu ticks total=$tot user=$((u1 - u0)) sys=$((s1 - s0)) idle=$((i1 - i0)) irq=$((q1 - q0 + sq1 - sq0))"
busy=$((tot - (i1 - i0)))
echo "# cpu ticks emulator=$((e1 - e0)) kernel-threads(vhci/kworker/softirq)=$((k1 - k0)) rest(readers, irq)=$((busy - (e1 - e0) - (k1 - k0)))"
for f in "$K4A_OUT"/soak-color-*.log; do tail -n 2 "$f" | tr '<' ' ' | sed 's/^/# /'; done
ktap_totals
