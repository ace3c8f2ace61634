# Guest script: k4a.ko's colour node against the stock uvcvideo on the same emulated camera,
# and k4a's timestamps against the ground truth. A benchmark, never part of `make check`:
# what it prints describes this machine under its current load.
#   make bench-color [KVER=...] [BENCH_COLOR_ARGS=FRAMES]
#   tools/vm/vm-run.sh KVER tools/vm/guest/bench-color.sh [FRAMES]
# 1. Throughput: v4l2-ctl --stream-mmap (8 buffers, frames discarded) of MJPG 1280x720 @30,
#    NV12 and YUYV 1280x720 @30 and MJPG 3840x2160 @15, FRAMES (300) each, each mode through
#    k4a and then through uvcvideo on the same emulator (rmmod k4a, modprobe uvcvideo, replug
#    the unit; and back), so that the host's changing load falls on both alike.
#    Per stream: frames, wall time, rate (frames per second of buffer timestamps, and frames per
#    second of wall time), frames missing from the buffer sequence (the application had no
#    buffer queued, or the driver dropped a bad frame), frames the emulator skipped (the guest
#    was too slow to take the previous one), and guest CPU time per delivered frame.
#    CPU: the guest's busy time across the stream (uptime times the vCPUs less their idle
#    time, both from /proc/uptime), split into the emulator (utime + stime of k4a-emu from
#    /proc/PID/stat: it makes the frames, the same work for both drivers), the application
#    (v4l2-ctl's own user + system time, getrusage of the waited-for child as the shell's
#    `times` reports it: its ioctls, polls and page faults) and the rest: kernel threads and
#    interrupt work, where both drivers' URB completions and copies run (vhci_hcd completes
#    URBs from its rx thread; uvcvideo copies in a workqueue), plus the USB/IP transport and
#    whatever else the guest ran meanwhile. Clock ticks are 10 ms: the figures are good to a
#    few ticks over a stream.
# 2. Timestamps: FRAMES frames MJPG 1280x720 @30 through k4a with the emulator's USB delivery
#    jitter off, then uniform in [0, 2 ms): buffer timestamp minus the ground truth start of
#    exposure, beside the metadata record's arrival_ns (completion of the frame's last transfer)
#    minus the same; p50/p99/max of the absolute value, over all frames and over those whose
#    record says the device clock was mapped (clock_state 1).
. "$K4A_ROOT/tools/vm/guest-lib.sh"
. "$K4A_ROOT/tools/emu/guest-lib.sh"
N=${1:-300}
CAP_BIN=$K4A_BUILD/selftests/color_cap
OUT=/tmp/bench-color
mkdir -p "$OUT"

NCPU=$(nproc)
# busy time of the guest so far, all CPUs, in centiseconds: uptime x CPUs - idle (/proc/uptime;
# idle time is measured, not sampled from ticks, on these tickless kernels)
cpu_busy() { awk -v n="$NCPU" '{ printf "%d", ($1 * n - $2) * 100 }' /proc/uptime; }
# utime + stime of a process, in clock ticks (centiseconds)
cpu_proc() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
# user + system time of the shell's waited-for children, in centiseconds (dash/bash `times`,
# run in this shell: a subshell's children are its own)
cpu_children() { # FILE (what `times` printed)
	tail -n 1 "$1" | awk '{
		s = 0
		for (i = 1; i <= 2; i++) { split($i, p, "m"); sub("s", "", p[2]); s += p[1] * 60 + p[2] }
		printf "%d", s * 100 + 0.5 }'
}
emu_dumpval() { # TYPE KEY
	emu_ctl dump 0 | awk -v t="$1" -v k="$2=" '$1 == t {
		for (i = 2; i <= NF; i++) if (index($i, k) == 1) { print substr($i, length(k) + 1); exit } }'
}

# stream DRIVER NODE FOURCC W H FPS
stream() {
	drv=$1 node=$2
	shift 2
	v4l2-ctl -d "$node" --set-fmt-video=width=$2,height=$3,pixelformat=$1 --set-parm=$4 > /dev/null ||
		{ echo "bench: $drv $1 $2x$3 @$4: format refused"; return 1; }
	sk0=$(emu_dumpval frames color_skipped)
	e0=$(cpu_proc $EMU_PID)
	b0=$(cpu_busy)
	t0=$(k4a_now)
	times > "$OUT/times0"
	timeout "$K4A_WAIT_S" v4l2-ctl -d "$node" --stream-mmap=8 --stream-count="$N" --verbose \
		> "$OUT/stream.txt" 2>&1
	rc=$?
	times > "$OUT/times1"
	t1=$(k4a_now)
	b1=$(cpu_busy)
	e1=$(cpu_proc $EMU_PID)
	sk1=$(emu_dumpval frames color_skipped)
	c0=$(cpu_children "$OUT/times0")
	c1=$(cpu_children "$OUT/times1")
	awk -v drv="$drv" -v f="$1 $2x$3 @$4" -v wall="$(k4a_secs "$t0" "$t1")" -v rc=$rc \
		-v busy=$((b1 - b0)) -v emu=$((e1 - e0)) -v app=$((c1 - c0)) -v skipped=$((sk1 - sk0)) '
		/seq:/ {
			for (i = 1; i <= NF; i++) { if ($i == "seq:") s = $(i + 1) + 0; if ($i == "ts:") t = $(i + 1) + 0 }
			if (n++) missing += s - p - 1; else { s0 = s; t0 = t }
			p = s; tl = t
		}
		END {
			rate = tl > t0 ? (n - 1) / (tl - t0) : 0
			d = n ? n : 1
			printf "bench: %-8s %-17s %4d frames in %6.2f s: %6.2f fps (timestamps), %6.2f fps (wall); sequence %d..%d, %d missing; emulator skipped %d; rc %d\n", drv, f, n, wall, rate, (wall > 0 ? n / wall : 0), s0, p, missing, skipped, rc
			printf "bench: %-8s %-17s CPU per frame: %6.2f ms guest, %6.2f ms emulator, %6.2f ms application, %6.2f ms kernel and rest\n", drv, f, busy * 10 / d, emu * 10 / d, app * 10 / d, (busy - emu - app) * 10 / d
		}' "$OUT/stream.txt"
}
# warm DRIVER NODE: the driver's first stream, not measured (first use of its code and buffers)
warm() {
	v4l2-ctl -d "$2" --set-fmt-video=width=1280,height=720,pixelformat=MJPG --set-parm=30 > /dev/null
	timeout "$K4A_WAIT_S" v4l2-ctl -d "$2" --stream-mmap=8 --stream-count=30 > /dev/null 2>&1
}
# The colour device's USB device number: a replugged device has a new one.
color_devnum() {
	for d in /sys/bus/usb/devices/*; do
		[ "$(cat "$d/idVendor" 2> /dev/null)$(cat "$d/idProduct" 2> /dev/null)" = 045e097d ] &&
			cat "$d/devnum" && return 0
	done
	return 1
}
replugged() { _n=$(color_devnum) && [ "$_n" != "$old" ]; }
replug() {
	old=$(color_devnum)
	emu_ctl replug 0 1000 > /dev/null
	k4a_wait "" replugged
}
k4a_nodes() { V=$(emu_k4a_node "$S" video_color) && M=$(emu_k4a_node "$S" meta_color); }
uvc_node() { U=$(emu_video "$S") && [ -e "$U" ]; }
# use k4a|uvcvideo: the colour camera bound to that driver (the other one removed, a replug)
DRV=k4a
use() {
	[ "$DRV" = "$1" ] && return 0
	if [ "$1" = k4a ]; then
		rmmod uvcvideo || return 1
		k4a_load && replug && k4a_wait "" k4a_nodes || return 1
	else
		rmmod k4a || return 1
		modprobe uvcvideo && replug && k4a_wait "" uvc_node || return 1
		[ -n "$uvc_warm" ] || warm uvcvideo "$U"
		uvc_warm=1
	fi
	DRV=$1
}

modprobe vhci-hcd
rmmod uvcvideo 2> /dev/null
k4a_load || { echo "bench: k4a.ko did not load"; exit 1; }
emu_start_k4a -n 1 || { echo "bench: no unit formed"; exit 1; }
S=$(emu_serial 0)
k4a_nodes
echo "bench: $N frames per stream, guest $NCPU CPUs, kernel $(uname -r)"
warm k4a "$V"
# Each mode through both drivers in turn, so that a change of the host's load between two
# measurements falls on both drivers alike.
for mode in "MJPG 1280 720 30" "NV12 1280 720 30" "YUYV 1280 720 30" "MJPG 3840 2160 15"; do
	use k4a || { echo "bench: k4a did not bind the colour camera"; break; }
	stream k4a "$V" $mode
	use uvcvideo || { echo "bench: uvcvideo did not bind the colour camera"; break; }
	stream uvcvideo "$U" $mode
done

# Timestamps, through k4a.
use k4a || { echo "bench: k4a did not bind again"; emu_stop; exit 1; }
tserr() { # LABEL JITTER
	emu_ctl jitter 0 "$2" > /dev/null
	timeout "$K4A_WAIT_S" "$CAP_BIN" -f MJPG -w 1280 -h 720 -r 30 -n "$N" -b 16 -m "$M" "$V" \
		> "$OUT/ts.txt" 2>&1
	awk -v l="$1" '
		function abs(x) { return x < 0 ? -x : x }
		function sort(a, n,   i, j, t) {
			for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
		}
		function pct(a, n, p,   k) { k = int(p * n + 0.999999); if (k < 1) k = 1; return a[k] }
		function show(what, a, n) {
			sort(a, n)
			if (n) printf "bench: timestamps %-18s %-26s %3d frames: p50 %8.3f ms, p99 %8.3f ms, max %8.3f ms\n", l, what, n, pct(a, n, 0.5) / 1e6, pct(a, n, 0.99) / 1e6, a[n] / 1e6
		}
		$1 == "V" && $8 != "-" { vts[$2] = $5; soe[$2] = $9 }
		$1 == "M" { arr[$2] = $14; st[$2] = $11 }
		END {
			for (q in vts) {
				if (!(q in arr)) continue
				n++; te[n] = abs(vts[q] - soe[q]); ae[n] = abs(arr[q] - soe[q])
				if (st[q] == 1) { m++; tm[m] = te[n]; am[m] = ae[n] }
			}
			show("buffer ts - soe", te, n)
			show("arrival_ns - soe", ae, n)
			show("buffer ts - soe, mapped", tm, m)
			show("arrival_ns - soe, mapped", am, m)
		}' "$OUT/ts.txt"
}
tserr "(jitter off)" 0
tserr "(jitter 0-2 ms)" 0,2000
emu_stop > /dev/null
rm -rf "$OUT"
