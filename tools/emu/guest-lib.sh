# Sourced by the emulator's guest tests (selftests/k4a/emu_*.sh), POSIX sh.
#   emu_start ARGS...     start build/bin/k4a-emu with a control socket and side log in $K4A_OUT,
#                         wait until every plugged device is enumerated (uvcvideo bound)
#   emu_ctl CMD...        one control command (k4a-emu ctl)
#   emu_stop              quit the emulator and wait for it
#   emu_video SERIAL [I]  /dev/videoN of a unit's colour node I (0 video, default; 1 metadata)
#   emu_serial I          serial of unit I (default serials)
#   emu_start_k4a ARGS... emu_start for k4a.ko, which the caller loads first (uvcvideo stays
#                         unloaded, or it could take 097d): waits until every unit has formed
#                         with its colour node
#   emu_k4a_node SERIAL [LINK]  /dev/videoN a unit's sysfs link names (/sys/class/k4a/k4aN/LINK:
#                         video_color, default, or meta_color)
# K4A_EMU_BIN: directory with k4a-emu and k4a-probe (default $K4A_BUILD/bin)
EMU=${K4A_EMU_BIN:-$K4A_BUILD/bin}/k4a-emu
PROBE=${K4A_EMU_BIN:-$K4A_BUILD/bin}/k4a-probe
EMU_SOCK=/run/k4a-emu-test.sock
EMU_LOG=$K4A_OUT/emu-side-${0##*/}.log

emu_serial() {
	printf '%012d\n' $((123456701 + $1))
}

# wait until no emulated device is left (a previous emulator's detach is asynchronous)
emu_gone() {
	i=0
	while [ $i -lt 80 ]; do
		[ -z "$(lsusb -d 045e:097c 2>/dev/null)" ] && [ -z "$(lsusb -d 045e:097d 2>/dev/null)" ] &&
			return 0
		sleep 0.25
		i=$((i + 1))
	done
	return 1
}

emu_start() {
	modprobe vhci-hcd 2>/dev/null
	modprobe uvcvideo 2>/dev/null
	emu_gone || echo "# emu_start: devices of an earlier run still present"
	n=1
	prev=
	for a in "$@"; do
		[ "$prev" = -n ] && n=$a
		prev=$a
	done
	"$EMU" -c "$EMU_SOCK" -l "$EMU_LOG" "$@" > "$K4A_OUT/emu-${0##*/}.err" 2>&1 &
	EMU_PID=$!
	# 2 USB devices and one capture node per unit
	i=0
	while [ $i -lt 120 ]; do
		d=$(lsusb -d 045e:097c 2>/dev/null | wc -l)
		c=$(lsusb -d 045e:097d 2>/dev/null | wc -l)
		v=0
		for s in /sys/class/video4linux/video*; do
			[ -e "$s/index" ] && [ "$(cat "$s/index")" = 0 ] && v=$((v + 1))
		done
		case "$*" in *--no-uvc*|*"--plug depth"*) v=$n ;; esac
		case "$*" in *"--plug none"*) return 0 ;; esac
		[ "$d" -ge "$n" ] && [ "$c" -ge "$n" ] && [ "$v" -ge "$n" ] && return 0
		kill -0 $EMU_PID 2>/dev/null || return 1
		sleep 0.5
		i=$((i + 1))
	done
	return 1
}

emu_ctl() {
	"$EMU" ctl "$EMU_SOCK" "$@"
}

emu_stop() {
	emu_ctl quit > /dev/null 2>&1
	wait $EMU_PID 2>/dev/null
	emu_gone
}

emu_video() {
	for s in /sys/class/video4linux/video*; do
		[ "$(cat "$s/index" 2>/dev/null)" = "${2:-0}" ] || continue
		[ "$(cat "$s/device/../serial" 2>/dev/null)" = "$1" ] || continue
		echo "/dev/${s##*/}"
		return 0
	done
	return 1
}

# The colour nodes of k4a.ko: /sys/class/k4a/k4aN/video_color and meta_color link to them.
emu_k4a_units() {
	_n=0
	for _u in /sys/class/k4a/k4a*; do
		[ -e "$_u/video_color" ] && [ -e "$_u/meta_color" ] && _n=$((_n + 1))
	done
	echo $_n
}

emu_start_k4a() {
	modprobe vhci-hcd 2>/dev/null
	if ! grep -q '^k4a ' /proc/modules; then
		echo "# emu_start_k4a: k4a.ko is not loaded"
		return 1
	fi
	if grep -q '^uvcvideo ' /proc/modules && ! rmmod uvcvideo; then
		echo "# emu_start_k4a: uvcvideo is loaded and in use"
		return 1
	fi
	emu_gone || echo "# emu_start_k4a: devices of an earlier run still present"
	_n=1
	_prev=
	for _a in "$@"; do
		[ "$_prev" = -n ] && _n=$_a
		_prev=$_a
	done
	"$EMU" -c "$EMU_SOCK" -l "$EMU_LOG" "$@" > "$K4A_OUT/emu-${0##*/}.err" 2>&1 &
	EMU_PID=$!
	_t0=$(awk '{printf "%d", $1}' /proc/uptime)
	while [ "$(emu_k4a_units)" -lt "$_n" ]; do
		kill -0 $EMU_PID 2>/dev/null || return 1
		[ $(($(awk '{printf "%d", $1}' /proc/uptime) - _t0)) -lt "${K4A_WAIT_S:-300}" ] ||
			return 1
		sleep 0.2
	done
	return 0
}

emu_k4a_node() {
	for _u in /sys/class/k4a/k4a*; do
		[ "$(cat "$_u/serial" 2>/dev/null)" = "$1" ] || continue
		_l=$(readlink "$_u/${2:-video_color}") || return 1
		echo "/dev/${_l##*/}"
		return 0
	done
	return 1
}
