# Guest script: rates of the emulated streams, printed (a benchmark, never part of `make check`).
#   tools/vm/vm-run.sh KVER tools/vm/guest/bench.sh [FRAMES]
# Streams each colour format of one emulated unit through the stock uvcvideo with v4l2-ctl
# (frames discarded, as an application that keeps up would) and raw depth through libusb
# (k4a-probe), and prints per stream: host rate (v4l2-ctl's, over the last second), device
# rate (emulator clock), frames the emulator skipped because the previous one was still being
# sent, and the wall time. What it measures is this machine under its current load.
. "$K4A_ROOT/tools/vm/guest-lib.sh"
. "$K4A_ROOT/tools/emu/guest-lib.sh"
N=${1:-150}
emu_start -n 1 || { echo "bench: the emulator did not enumerate"; exit 1; }
S=$(emu_serial 0)
V=$(emu_video "$S")
color() { # fourcc width height fps
	v4l2-ctl -d "$V" --set-fmt-video=width=$2,height=$3,pixelformat=$1 --set-parm=$4 > /dev/null || return 1
	c0=$(emu_ctl dump 0 | sed -n 's/.* color_frames=\([0-9]*\) .* color_skipped=\([0-9]*\) .*/\1 \2/p')
	t0=$(k4a_now)
	out=$(timeout "$K4A_WAIT_S" v4l2-ctl -d "$V" --stream-mmap=4 --stream-count="$N" --verbose 2>&1)
	took=$(k4a_secs "$t0")
	c1=$(emu_ctl dump 0 | sed -n 's/.* color_frames=\([0-9]*\) .* color_skipped=\([0-9]*\) .*/\1 \2/p')
	host=$(echo "$out" | grep -o 'fps: [0-9.]*' | tail -n 1 | cut -d' ' -f2)
	got=$(echo "$out" | grep -c 'seq:')
	set -- "$@" $c0 $c1
	printf 'bench: %-4s %4sx%-4s @%2s fps: %3d frames in %6s s, host %6s fps, emulator %d frames made, %d skipped\n' \
		"$1" "$2" "$3" "$4" "$got" "$took" "${host:-?}" $(($7 - $5)) $(($8 - $6))
}
color NV12 1280 720 30
color YUYV 1280 720 30
color MJPG 1280 720 30
color MJPG 3840 2160 15
for m in "nfov 30" "wfov 15" "pcm 30"; do
	set -- $m
	echo "bench: raw depth $1 @$2: $("$PROBE" depth "$1" "$2" "$N" 2>&1 | sed 's/^depth //')"
done
emu_stop
