#!/bin/sh
# Ordinary clients on k4a.ko's colour node, 1280x720 at 5 fps: GStreamer's v4l2src (MJPG
# decoded by jpegdec and muxed into Matroska; raw NV12 muxed into Matroska) and ffmpeg's v4l2
# input (MJPG copied into Matroska). Each file holds all the frames asked for, and ffprobe
# decodes every one (-count_frames); GStreamer logs no warning about timestamps or
# discontinuities, ffmpeg none about timestamps. Times are figures.
. "$K4A_ROOT/tools/vm/guest-lib.sh"
. "$K4A_ROOT/tools/emu/guest-lib.sh"
. "$K4A_ROOT/selftests/k4a/color_lib.inc"
N=${K4A_CLIENT_FRAMES:-20}
ktap_plan 5
if ! color_up; then
	ktap_result 1 "k4a binds the emulated unit: colour and metadata nodes"
	ktap_totals
	exit 1
fi
echo "# unit $S: video $V, metadata $M"
ktap_result 0 "k4a binds the emulated unit: colour and metadata nodes"
OUT=/tmp/color-clients
mkdir -p "$OUT/plugins"
# GStreamer scans every plugin it has into a fresh registry at its first start (the guest's
# root is new each boot): only the plugins the pipelines use, which saves seconds under TCG.
for p in coreelements video4linux2 jpeg matroska videoconvertscale; do
	ln -s /usr/lib/*/gstreamer-1.0/libgst$p.so "$OUT/plugins/" 2> /dev/null
done
if [ "$(ls "$OUT/plugins" | wc -l)" = 5 ]; then
	export GST_PLUGIN_SYSTEM_PATH_1_0="$OUT/plugins" GST_REGISTRY_1_0="$OUT/registry.bin"
fi

# frames FILE: frames ffprobe decodes in FILE's video stream; its complaints go to FILE.probe
frames() {
	ffprobe -v error -count_frames -select_streams v:0 -show_entries stream=nb_read_frames \
		-of default=noprint_wrappers=1:nokey=1 "$1" 2> "$1.probe" | head -n 1
}
# gst NAME CAPS [ELEMENTS...]: v4l2src with N buffers and CAPS, then ELEMENTS; warnings
# (GST_DEBUG level 2) in $OUT/NAME.log. True when it ended normally and no warning is about
# timestamps or discontinuities.
gst() {
	name=$1 caps=$2
	shift 2
	t0=$(k4a_now)
	GST_DEBUG='*:2' GST_DEBUG_NO_COLOR=1 timeout -k 5 "$K4A_WAIT_S" gst-launch-1.0 -q \
		v4l2src device="$V" num-buffers="$N" ! "$caps" ! "$@" > "$OUT/$name.log" 2>&1
	rc=$?
	w=$(grep -c 'WARN' "$OUT/$name.log")
	tw=$(grep 'WARN' "$OUT/$name.log" | grep -ci -e timestamp -e discont)
	echo "# gst $name: rc $rc in $(k4a_secs "$t0") s, $w warning(s), $tw about timestamps or discontinuities"
	grep -e WARN -e ERROR "$OUT/$name.log" | sed 's/^[0-9:.]* *[0-9]* *0x[0-9a-f]* *//' |
		sort | uniq -c | sort -rn | head -n 8 | sed 's/^ */# /'
	[ "$rc" = 0 ] && [ "$tw" = 0 ]
}
# judge NAME FILE...: every FILE holds N frames ffprobe decodes without a complaint
judge() {
	ok=0
	name=$1
	shift
	for f in "$@"; do
		n=$(frames "$f")
		echo "# $name: $(basename "$f"): ${n:-no} frames decoded, $(wc -c < "$f") bytes" \
			"$(grep -c . "$f.probe") ffprobe message(s)"
		sed 's/^/# ffprobe: /' "$f.probe" | head -n 5
		[ "$n" = "$N" ] && [ ! -s "$f.probe" ] || ok=1
	done
	return $ok
}

gst mjpg "image/jpeg,width=1280,height=720,framerate=5/1" tee name=t \
	t. ! queue ! matroskamux ! filesink location="$OUT/gst-mjpg.mkv" \
	t. ! queue ! jpegdec ! videoconvert ! video/x-raw,format=I420 ! matroskamux ! \
	filesink location="$OUT/gst-decoded.mkv"
r=$?
judge "gst MJPG" "$OUT/gst-mjpg.mkv" "$OUT/gst-decoded.mkv" || r=1
ktap_result $r "GStreamer MJPG 1280x720 @5 (jpegdec, matroskamux): $N frames, no timestamp warning"
rm -f "$OUT"/gst-*.mkv*

# Matroska has no NV12: the planes are rearranged into I420 first.
gst nv12 "video/x-raw,format=NV12,width=1280,height=720,framerate=5/1" \
	videoconvert ! video/x-raw,format=I420 ! matroskamux ! filesink location="$OUT/gst-nv12.mkv"
r=$?
judge "gst NV12" "$OUT/gst-nv12.mkv" || r=1
ktap_result $r "GStreamer NV12 1280x720 @5 (videoconvert, matroskamux): $N frames, no timestamp warning"
rm -f "$OUT"/gst-*.mkv*

t0=$(k4a_now)
timeout -k 5 "$K4A_WAIT_S" ffmpeg -nostdin -hide_banner -loglevel warning -f v4l2 \
	-input_format mjpeg -framerate 5 -video_size 1280x720 -i "$V" -c copy -frames:v "$N" \
	-y "$OUT/ffmpeg.mkv" > "$OUT/ffmpeg.log" 2>&1
rc=$?
tw=$(grep -ci -e timestamp -e 'non-monoton' -e dts "$OUT/ffmpeg.log")
echo "# ffmpeg: rc $rc in $(k4a_secs "$t0") s, $(grep -c . "$OUT/ffmpeg.log") message(s), $tw about timestamps"
sed 's/^/# ffmpeg: /' "$OUT/ffmpeg.log" | head -n 8
r=1
[ "$rc" = 0 ] && [ "$tw" = 0 ] && r=0
judge ffmpeg "$OUT/ffmpeg.mkv" || r=1
ktap_result $r "ffmpeg -f v4l2 MJPG 1280x720 @5 -c copy: $N frames, no timestamp warning"
rm -rf "$OUT"
color_down
ktap_result $? "the unit goes with the emulator, k4a unloads"
ktap_totals
