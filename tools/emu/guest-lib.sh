# Sourced by the emulator's guest tests (selftests/k4a/emu_*.sh), POSIX sh.
#   emu_start ARGS...     start build/bin/k4a-emu with a control socket and side log in $K4A_OUT,
#                         wait until every plugged device is enumerated (uvcvideo bound)
#   emu_ctl CMD...        one control command (k4a-emu ctl)
#   emu_stop              quit the emulator and wait for it
#   emu_video SERIAL [I]  /dev/videoN of a unit's colour node I (0 video, default; 1 metadata)
#   emu_serial I          serial of unit I (default serials)
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
