#!/bin/sh
# Sustained load: 3 units stream raw depth and colour (MJPG) for K4A_SOAK_SECONDS; no frame may
# be dropped anywhere (device buffers, colour skips, host-side counter gaps). Prints where the
# guest's CPU time went (emulator, readers, kernel threads, idle).
# Skipped unless K4A_SOAK_SECONDS is set (make soak). Knobs: K4A_SOAK_UNITS (3),
# K4A_SOAK_MODE (nfov|wfov|qmp|pcm|none, default nfov), K4A_SOAK_FPS (5), K4A_SOAK_COLOR
# (WxH:FOURCC or none, default 1280x720:MJPG), K4A_SOAK_BUFFER (device depth buffer, 2).
. "$K4A_ROOT/tools/vm/guest-lib.sh"
. "$K4A_ROOT/tools/emu/guest-lib.sh"
ktap_plan 5
T=${K4A_SOAK_SECONDS:-}
if [ -z "$T" ]; then
	for n in 1 2 3 4 5; do ktap_result skip "soak $n" "K4A_SOAK_SECONDS not set"; done
	ktap_totals
	exit 0
fi
N=${K4A_SOAK_UNITS:-3} MODE=${K4A_SOAK_MODE:-nfov} FPS=${K4A_SOAK_FPS:-5}
COL=${K4A_SOAK_COLOR:-1280x720:MJPG}
W=${COL%%x*} H=${COL#*x}
H=${H%%:*} FC=${COL#*:}
[ "$COL" = none ] && FC=none
if ! emu_start -n "$N" -b "${K4A_SOAK_BUFFER:-2}"; then
	ktap_result 1 "emulator with $N units enumerates"
	for n in 2 3 4 5; do ktap_result skip "soak $n" "no emulator"; done
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
stat0=$(head -n 1 /proc/stat)
k0=$(kthreads)
e0=$(cpu $EMU_PID)
pids=
i=0
while [ $i -lt "$N" ]; do
	S=$(emu_serial $i)
	if [ "$MODE" != none ]; then
		$PROBE -s "$S" stream --mode "$MODE" --fps "$FPS" --seconds "$T" \
			> "$K4A_OUT/soak-depth-$i.log" 2>&1 &
		pids="$pids $!"
	fi
	if [ "$FC" != none ]; then
		V=$(emu_video "$S")
		v4l2-ctl -d "$V" --set-fmt-video=width=$W,height=$H,pixelformat=$FC --set-parm=$FPS > /dev/null
		v4l2-ctl -d "$V" --stream-mmap --stream-count=$((T * FPS)) > "$K4A_OUT/soak-color-$i.log" 2>&1 &
		pids="$pids $!"
	fi
	i=$((i + 1))
done
# sample CPU use a little before the readers finish
sleep $((T > 6 ? T - 4 : T))
rd=0
for p in $pids; do rd=$((rd + $(cpu $p))); done
e1=$(cpu $EMU_PID)
k1=$(kthreads)
stat1=$(head -n 1 /proc/stat)
wait $pids
emu_ctl dump > "$K4A_OUT/soak-dump.txt"
emu_stop
grep -h '^stream ' "$K4A_OUT"/soak-depth-*.log | sed 's/^/# /'
bad=$(grep -h '^stream ' "$K4A_OUT"/soak-depth-*.log | grep -vc 'bad_size=0 no_gt=0 .*counter_gaps=0')
n=$(grep -hc '^stream ' "$K4A_OUT"/soak-depth-*.log | awk '{s += $1} END {print s + 0}')
[ "$MODE" = none ] || { [ "$n" -eq "$N" ] && [ "$bad" -eq 0 ]; }
ktap_result $? "raw depth $MODE @$FPS on $N units for ${T}s: exact sizes, no counter gaps"
sed -n 's/^frames \([0-9]*\) .*depth_sent=\([0-9]*\) depth_dropped=\([0-9]*\).*color_done=\([0-9]*\) color_skipped=\([0-9]*\).*/# unit \1: depth sent \2 dropped \3, colour sent \4 skipped \5/p' "$K4A_OUT/soak-dump.txt"
! grep '^frames ' "$K4A_OUT/soak-dump.txt" | grep -v 'depth_dropped=0 ' | grep -q . &&
	! grep '^frames ' "$K4A_OUT/soak-dump.txt" | grep -v 'color_skipped=0 ' | grep -q .
ktap_result $? "no frame dropped in any device buffer"
ok=0
i=0
while [ $i -lt "$N" ]; do
	S=$(emu_serial $i)
	c=$(awk -v s="$S" '$1 == s && $2 == "color" && $6 > 0' "$EMU_LOG" | wc -l)
	echo "# unit $i colour frames delivered: $c (expected >= $((T * FPS * 9 / 10)))"
	[ "$FC" = none ] || [ "$c" -ge $((T * FPS * 9 / 10)) ] || ok=1
	i=$((i + 1))
done
ktap_result $ok "colour $W x $H $FC @$FPS delivered on every unit"
# where the time went (USER_HZ ticks over the run; 2 vCPUs)
set -- $stat0; u0=$2 n0=$3 s0=$4 i0=$5 w0=$6 q0=$7 sq0=$8
set -- $stat1; u1=$2 n1=$3 s1=$4 i1=$5 w1=$6 q1=$7 sq1=$8
tot=$(( (u1 + n1 + s1 + i1 + w1 + q1 + sq1) - (u0 + n0 + s0 + i0 + w0 + q0 + sq0) ))
echo "# cpu ticks total=$tot user=$((u1 - u0)) sys=$((s1 - s0)) idle=$((i1 - i0)) irq=$((q1 - q0 + sq1 - sq0))"
echo "# cpu ticks emulator=$((e1 - e0)) readers(probe+v4l2-ctl)=$rd kernel-threads(vhci/kworker/softirq)=$((k1 - k0))"
[ "$tot" -gt 0 ]
ktap_result $? "cpu accounting collected"
i=0
for f in "$K4A_OUT"/soak-color-*.log; do tail -n 2 "$f" | tr '<' ' ' | sed 's/^/# /'; done
ktap_result 0 "soak finished"
ktap_totals
