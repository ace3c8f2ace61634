#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# k4a and uvcvideo both match the colour device 045e:097d. With the rules of userspace/udev
# installed and udevd running, k4a ends up driving it whichever module is loaded first:
#   A  uvcvideo loaded, camera plugged (uvcvideo takes it), then k4a loaded
#   B  k4a loaded, then uvcvideo, then the camera plugged
#   C  uvcvideo loaded, then k4a, then the camera plugged (uvcvideo is asked first)
# and the unit's sync attributes are writable by the video group.
. "$K4A_ROOT/tools/vm/guest-lib.sh"

SOCK=/run/k4a-core-udev.sock
EMU=$K4A_BUILD/bin/k4a-emu
UDEVD=
for d in /usr/lib/systemd/systemd-udevd /lib/systemd/systemd-udevd; do
	[ -x "$d" ] && UDEVD=$d && break
done

ktap_plan 7
if [ ! -x "$EMU" ]; then
	for t in 1 2 3 4 5 6 7; do ktap_result 1 "udev_$t" "no emulator at $EMU"; done
	ktap_totals
	exit 1
fi
if [ -z "$UDEVD" ]; then
	for t in 1 2 3 4 5 6 7; do ktap_result skip "udev_$t" "no udevd in this system"; done
	ktap_totals
	exit 0
fi

ctl() { "$EMU" ctl "$SOCK" "$@" > /dev/null 2>&1; }

# wait_for COMMAND...: poll COMMAND until it succeeds; the bound (K4A_WAIT_S) is only reached
# by a hang, a slow host just waits longer (k4a_wait, tools/vm/guest-lib.sh)
wait_for() { k4a_wait "" "$@"; }

# The colour device's VideoControl interface in sysfs ("" while unplugged).
vc_path() {
	f=$(grep -l '^097d$' /sys/bus/usb/devices/*/idProduct 2> /dev/null | head -n 1)
	[ -n "$f" ] || return 0
	d=${f%/idProduct}
	echo "$d/${d##*/}:1.0"
}
# Driver of that interface ("" if none).
vc_driver() {
	p=$(vc_path)
	[ -n "$p" ] || return 0
	d=$(readlink "$p/driver" 2> /dev/null)
	echo "${d##*/}"
}
vc_is() { [ "$(vc_driver)" = "$1" ]; }
unit_up() { [ -e /sys/class/k4a/k4a0/serial ]; }
no_unit() { ! ls /sys/class/k4a 2> /dev/null | grep -q k4a; }
no_vc() { [ -z "$(vc_path)" ]; }
k4a_owns() { vc_is k4a && unit_up; }

unplug() {
	ctl unplug 0 both
	wait_for no_vc
}

mkdir -p /etc/udev/rules.d /usr/lib/udev
cp "$K4A_ROOT/userspace/udev/70-k4a.rules" /etc/udev/rules.d/70-k4a.rules
cp "$K4A_ROOT/userspace/udev/k4a-udev" /usr/lib/udev/k4a-udev
chmod 0755 /usr/lib/udev/k4a-udev
modprobe vhci-hcd
rmmod k4a 2> /dev/null
rmmod uvcvideo 2> /dev/null
# udevd in the foreground, in the background: its pid is ours to stop at the end.
"$UDEVD" > "$K4A_OUT/udevd-core.log" 2>&1 &
udevd_pid=$!
rm -f "$SOCK"
"$EMU" -n 1 -c "$SOCK" --plug none > "$K4A_OUT/k4a-emu-udev.log" 2>&1 &
emu_pid=$!
wait_for ctl dump 0

# A: uvcvideo first and holding the camera, then k4a.
modprobe uvcvideo
ctl plug 0 both
if wait_for vc_is uvcvideo; then
	ktap_result 0 "A_uvcvideo_takes_097d_while_k4a_absent"
else
	ktap_result 1 "A_uvcvideo_takes_097d_while_k4a_absent" "driver: '$(vc_driver)'"
fi
t0=$(cut -d' ' -f1 /proc/uptime)
k4a_load
if wait_for k4a_owns; then
	t1=$(cut -d' ' -f1 /proc/uptime)
	echo "# A: k4a owned 097d $(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.2f", b - a}') s after its load"
	ktap_result 0 "A_k4a_loaded_later_takes_over"
else
	ktap_result 1 "A_k4a_loaded_later_takes_over" "driver: '$(vc_driver)', units: $(ls /sys/class/k4a 2>/dev/null)"
fi
# The permission rule runs after the unit's "add" event.
perm_ok() { [ "$(stat -c '%G %a' /sys/class/k4a/k4a0/sync_mode 2> /dev/null)" = "video 664" ]; }
wait_for perm_ok
perm=$(stat -c '%G %a' /sys/class/k4a/k4a0/sync_mode 2>/dev/null)
ro=$(stat -c '%G %a' /sys/class/k4a/k4a0/sync_in_jack 2>/dev/null)
if [ "$perm" = "video 664" ] && [ "$ro" = "root 444" ]; then
	ktap_result 0 "video_group_writes_sync_attributes"
else
	ktap_result 1 "video_group_writes_sync_attributes" "sync_mode '$perm', sync_in_jack '$ro'"
fi
# The VideoStreaming interface went along with VideoControl.
vs=$(readlink "$(vc_path | sed 's/:1\.0$/:1.1/')/driver" 2> /dev/null)
if [ "${vs##*/}" = k4a ]; then
	ktap_result 0 "A_videostreaming_claimed_by_k4a"
else
	ktap_result 1 "A_videostreaming_claimed_by_k4a" "driver: '$vs'"
fi
unplug

# C: both loaded (uvcvideo registered first), then the camera plugged.
ctl plug 0 both
if wait_for k4a_owns; then
	ktap_result 0 "C_uvcvideo_then_k4a_loaded_plug_ends_with_k4a"
else
	ktap_result 1 "C_uvcvideo_then_k4a_loaded_plug_ends_with_k4a" "driver: '$(vc_driver)'"
fi
unplug

# B: k4a first, then uvcvideo, then the camera plugged.
k4a_unload
rmmod uvcvideo
wait_for no_unit
k4a_load
modprobe uvcvideo
ctl plug 0 both
if wait_for k4a_owns; then
	ktap_result 0 "B_k4a_then_uvcvideo_loaded_plug_ends_with_k4a"
else
	ktap_result 1 "B_k4a_then_uvcvideo_loaded_plug_ends_with_k4a" "driver: '$(vc_driver)'"
fi
# Unloading k4a while it drives the camera dissolves the unit cleanly.
if k4a_unload && wait_for no_unit; then
	ktap_result 0 "k4a_unloads_with_camera_present"
else
	ktap_result 1 "k4a_unloads_with_camera_present"
fi
unplug

ctl quit
wait "$emu_pid"
kill "$udevd_pid"
wait "$udevd_pid"
rmmod uvcvideo 2> /dev/null
rm -f /etc/udev/rules.d/70-k4a.rules /usr/lib/udev/k4a-udev
ktap_totals
