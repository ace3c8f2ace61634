#!/bin/sh
# Emulator descriptors and USB life cycle, judged by the stock kernel and lsusb: 097c/097d
# descriptors per the protocol doc, Container ID shared per unit and unique across units,
# iSerialNumber equal on both devices, clean unplug/plug, surprise disconnect, replug, and the
# descriptor faults (no Container ID, duplicate Container ID, mismatched serial, malformed).
. "$K4A_ROOT/tools/vm/guest-lib.sh"
. "$K4A_ROOT/tools/emu/guest-lib.sh"
ktap_plan 14
if ! emu_start -n 2; then
	ktap_result 1 "emulator with 2 units enumerates"
	ktap_totals
	exit 1
fi
ktap_result 0 "emulator with 2 units enumerates"
S0=$(emu_serial 0) S1=$(emu_serial 1)
lsusb -v -d 045e:097c > "$K4A_OUT/enum-097c.txt" 2>&1
lsusb -v -d 045e:097d > "$K4A_OUT/enum-097d.txt" 2>&1
has() { grep -Eq "$2" "$K4A_OUT/$1"; }
has enum-097c.txt 'bcdUSB +3\.20' && has enum-097c.txt 'bEndpointAddress +0x02 +EP 2 OUT' &&
	has enum-097c.txt 'bEndpointAddress +0x81 +EP 1 IN' &&
	has enum-097c.txt 'bEndpointAddress +0x83 +EP 3 IN' &&
	has enum-097c.txt 'wMaxPacketSize +0x0400' && has enum-097c.txt 'Transfer Type +Bulk' &&
	has enum-097c.txt "iSerial +3 $S0" && has enum-097c.txt 'Container ID Device Capability' &&
	has enum-097c.txt 'Azure Kinect Depth Camera'
ktap_result $? "lsusb -v 097c: USB 3.2, bulk 0x02/0x81/0x83 x 1024, serial, BOS Container ID"
has enum-097d.txt 'bcdUVC +1\.00' && has enum-097d.txt 'bInterfaceNumber +2' &&
	has enum-097d.txt 'bEndpointAddress +0x04 +EP 4 OUT' &&
	has enum-097d.txt 'bEndpointAddress +0x82 +EP 2 IN' &&
	has enum-097d.txt 'bEndpointAddress +0x83 +EP 3 IN' &&
	has enum-097d.txt 'Transfer Type +Isochronous' && has enum-097d.txt "iSerial +3 $S0" &&
	has enum-097d.txt 'Container ID Device Capability' && has enum-097d.txt 'Azure Kinect 4K Camera'
ktap_result $? "lsusb -v 097d: UVC 1.00 + iso 0x81, vendor interface 2 (0x04/0x83/0x82), serial"
$PROBE list > "$K4A_OUT/enum-list.txt"
cid() { grep "^045e:$1 serial=$2 " "$K4A_OUT/enum-list.txt" | sed 's/.*cid=//'; }
a=$(cid 097c "$S0") b=$(cid 097d "$S0") c=$(cid 097c "$S1") d=$(cid 097d "$S1")
[ -n "$a" ] && [ "$a" = "$b" ] && [ -n "$c" ] && [ "$c" = "$d" ] && [ "$a" != "$c" ]
ktap_result $? "Container ID shared by a unit's devices, unique per unit ($a $c)"
[ -n "$(emu_video "$S0")" ] && [ -n "$(emu_video "$S1")" ]
ktap_result $? "uvcvideo binds each unit's colour function"

count() { lsusb -d "045e:$1" 2>/dev/null | wc -l; }
has_count() { [ "$(count "$1")" -eq "$2" ]; }
wait_count() { # pid count
	k4a_wait "" has_count "$1" "$2"
}
# "PID:BUS-DEVNUM ..." of the emulated devices: a new device number means a device was
# enumerated again, however briefly it was gone (a slow host may never see it absent). Read
# without the string attributes (serial takes the device lock, held while it is probed).
devs() {
	for d in /sys/bus/usb/devices/*; do
		[ -f "$d/idVendor" ] || continue
		read -r v < "$d/idVendor"
		[ "$v" = 045e ] || continue
		read -r p < "$d/idProduct"
		read -r b < "$d/busnum"
		read -r n < "$d/devnum"
		echo "$p:$b-$n"
	done | sort | tr '\n' ' '
}
# replaced BEFORE: both units present, exactly one depth and one colour device new since BEFORE
replaced() {
	now=$(devs)
	[ "$(echo "$now" | wc -w)" -eq 4 ] || return 1
	new=
	for x in $now; do
		case " $1 " in *" $x "*) ;; *) new="$new ${x%%:*}" ;; esac
	done
	[ "$new" = " 097c 097d" ]
}
emu_ctl unplug 1 depth > /dev/null && wait_count 097c 1 && [ "$(count 097d)" -eq 2 ]
ktap_result $? "clean unplug of one half"
emu_ctl plug 1 depth > /dev/null && wait_count 097c 2
ktap_result $? "plug it back"
emu_ctl disconnect 0 both > /dev/null && wait_count 097c 1 && wait_count 097d 1
ktap_result $? "surprise disconnect of a unit"
emu_ctl plug 0 > /dev/null && wait_count 097c 2 && wait_count 097d 2
ktap_result $? "replug after surprise disconnect"
before=$(devs)
emu_ctl replug 1 3000 > /dev/null && k4a_wait "unit 1 enumerated again after the replug" replaced "$before"
ktap_result $? "replug command (unplug, plug after 3 s): both halves enumerated again"

refault() { # fault...
	emu_ctl fault 1 desc.clear > /dev/null
	for f in "$@"; do emu_ctl fault 1 "$f" > /dev/null || return 1; done
	emu_ctl unplug 1 > /dev/null && wait_count 097c 1 && emu_ctl plug 1 > /dev/null &&
		wait_count 097c 2 && wait_count 097d 2 && k4a_wait "" listed
}
# the probe (libusb) lists both halves of both units
listed() {
	$PROBE list > "$K4A_OUT/enum-list.txt" 2>/dev/null &&
		[ "$(grep -c '^045e:097c ' "$K4A_OUT/enum-list.txt")" -eq 2 ] &&
		[ "$(grep -c '^045e:097d ' "$K4A_OUT/enum-list.txt")" -eq 2 ]
}
refault desc.nocid && [ "$(cid 097c "$S1")" = none ] && [ "$(cid 097d "$S1")" = none ]
ktap_result $? "fault desc.nocid: BOS without Container ID"
refault desc.dupcid && [ "$(cid 097c "$S1")" = "$a" ]
ktap_result $? "fault desc.dupcid: unit 1 carries unit 0's Container ID"
refault desc.serial && [ -n "$(cid 097c "$S1")" ] && [ -z "$(cid 097d "$S1")" ]
ktap_result $? "fault desc.serial: colour iSerialNumber differs from the depth serial"
# the kernel skips the 4-byte stream endpoint descriptor: interface 0 has ep_02 and ep_81 only
intf0() {
	for d in /sys/bus/usb/devices/*; do
		[ "$(cat "$d/idProduct" 2>/dev/null)" = 097c ] && [ "$(cat "$d/serial")" = "$1" ] &&
			echo "$d:1.0" && return 0
	done
	return 1
}
refault desc.malformed && i=$(intf0 "$S1") && [ -d "$i/ep_02" ] && [ -d "$i/ep_81" ] &&
	[ ! -d "$i/ep_83" ] && [ -d "$(intf0 "$S0")/ep_83" ]
ktap_result $? "fault desc.malformed: one endpoint descriptor dropped by the kernel parser"
emu_stop
ktap_totals
