#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# k4actl and the V4L2 nodes without root, through the udev rules of userspace/udev: two
# daisy-chained emulated units formed while udevd is not running (nodes root 0600, sync
# attributes root 0644): a member of the video group cannot plan, and k4actl says the udev rules
# are missing. udevd started and the units' "add" replayed (udevadm trigger, as the manual says):
# /dev/k4a/<serial>/{color,color-meta,depth,depth-meta} name the nodes the unit's sysfs links
# name, nodes root:video 0660 tagged uaccess, sync attributes root:video 0664. A member of the
# video group runs k4actl list and plan and v4l2-ctl on the names; another user is refused by
# the nodes and by k4actl, which says they are not in the video group. An unplugged unit's
# names go, a replugged unit's come back (its "add" events, udevd running), all go with the
# units.
. "$K4A_ROOT/tools/vm/guest-lib.sh"
. "$K4A_ROOT/tools/emu/guest-lib.sh"
. "$K4A_ROOT/selftests/k4a/depth_lib.inc"
OUT=$K4A_OUT/ctl-udev
mkdir -p "$OUT"
NTESTS=13
ktap_plan $NTESTS
UDEVD=
for d in /usr/lib/systemd/systemd-udevd /lib/systemd/systemd-udevd; do
	[ -x "$d" ] && UDEVD=$d && break
done
bail() { # bail FROM REASON: the remaining cases skipped
	while [ "$KTAP_N" -lt $NTESTS ]; do ktap_result skip "udev $((KTAP_N + 1))" "$2"; done
}
if [ -z "$UDEVD" ] || ! command -v setpriv > /dev/null || ! command -v useradd > /dev/null; then
	bail 1 "no udevd, setpriv or useradd in this system"
	ktap_totals
	exit 0
fi
# the bench guest's root is not the root of its first process: udevadm would refuse to run
# as in a chroot
udevadm() { SYSTEMD_IGNORE_CHROOT=1 command udevadm "$@"; }

# k4actl where any user can run it (the repository's mount need not let them)
CTL=/usr/local/bin/k4actl
install -D -m 0755 "$K4A_BUILD/bin/k4actl" "$CTL"
mkdir -p /etc/udev/rules.d /usr/lib/udev
cp "$K4A_ROOT/userspace/udev/70-k4a.rules" /etc/udev/rules.d/70-k4a.rules
install -m 0755 "$K4A_ROOT/userspace/udev/k4a-udev" /usr/lib/udev/k4a-udev
# a member of the video group and a user who is not
useradd -M -s /bin/sh -G video k4a-vid 2> /dev/null || id k4a-vid > /dev/null || echo "# useradd k4a-vid failed"
useradd -M -s /bin/sh k4a-other 2> /dev/null || id k4a-other > /dev/null || echo "# useradd k4a-other failed"
echo "# k4a-vid: $(id k4a-vid); k4a-other: $(id k4a-other)"
# as USER COMMAND...: run COMMAND as USER with USER's groups
as() {
	_u=$1
	shift
	setpriv --reuid="$_u" --regid="$(id -g "$_u")" --init-groups -- "$@"
}
# run NAME USER ARGS...: k4actl as USER, its output in $OUT/NAME and "# " lines; sets RC
run() {
	_n=$1 _u=$2
	shift 2
	as "$_u" "$CTL" "$@" > "$OUT/$_n" 2>&1
	RC=$?
	echo "# $_u: k4actl $* (exit $RC):"
	sed 's/^/#   /' "$OUT/$_n"
}

udevd_pid=
cleanup() {
	depth_down > /dev/null 2>&1 || echo "# k4a did not unload"
	[ -z "$udevd_pid" ] || { kill "$udevd_pid"; wait "$udevd_pid"; }
	rmmod uvcvideo 2> /dev/null
	rm -f /etc/udev/rules.d/70-k4a.rules /usr/lib/udev/k4a-udev
	rm -rf /dev/k4a "$OUT"
}

# 1: the units, no udevd yet
complete() { # every unit has all its links ("color" comes last)
	for _u in /sys/class/k4a/k4a*; do [ -e "$_u/color" ] || return 1; done
}
if ! depth_up -n 2 -t daisy || ! k4a_wait "" complete; then
	ktap_result 1 "two daisy-chained units form"
	bail 2 "no units"
	cleanup
	ktap_totals
	exit 1
fi
ktap_result 0 "two daisy-chained units form"
S0=$(emu_serial 0) S1=$(emu_serial 1)
U0=$(depth_unit_dir "$S0") U1=$(depth_unit_dir "$S1")
LINKS="video_color:color meta_color:color-meta video_depth:depth meta_depth:depth-meta"
SYNC="sync_mode subordinate_delay_off_master_usec depth_delay_off_color_usec start_gate"
attrs() { # the sync settings of both units, one line
	for _u in "$U0" "$U1"; do
		printf '%s %s %s ' "$(cat "$_u/sync_mode")" "$(cat "$_u/subordinate_delay_off_master_usec")" \
			"$(cat "$_u/depth_delay_off_color_usec")"
	done
}

# 2: without the rules' work, the kernel's defaults: root only
a0=$(attrs)
run norules k4a-vid plan
a1=$(attrs)
[ "$RC" = 1 ] && [ "$a0" = "$a1" ] && grep -q "udev rules are not" "$OUT/norules"
ktap_result $? "before udev: a video group member's plan fails (exit 1) naming the missing udev rules, nothing written"

# 3: udevd started, the units' add events replayed: the names
"$UDEVD" > "$K4A_OUT/udevd-ctl.log" 2>&1 &
udevd_pid=$!
# a trigger sent before udevd listens is lost: wait until it answers
udevd_up() { udevadm control --ping --timeout=5 > /dev/null 2>&1; }
if ! k4a_wait "udevd answers" udevd_up; then
	echo "# udevd does not answer a ping (alive: $(kill -0 "$udevd_pid" 2> /dev/null && echo yes || echo no)):"
	ps -eo pid,stat,args | grep -e udev -e k4a | sed 's/^/#   /'
	ls -la /run/udev 2>&1 | sed 's/^/#   /'
	sed 's/^/#   udevd: /' "$K4A_OUT/udevd-ctl.log"
fi
udevadm trigger --action=add --subsystem-match=k4a
# names_ok SERIAL: the four names of a unit lead to the nodes its links name
names_ok() {
	for _l in $LINKS; do
		_d=$(depth_node "$1" "${_l%%:*}") || return 1
		[ "$(readlink -f "/dev/k4a/$1/${_l#*:}")" = "$_d" ] || return 1
	done
}
names_gone() {
	for _l in $LINKS; do
		[ ! -e "/dev/k4a/$1/${_l#*:}" ] && [ ! -L "/dev/k4a/$1/${_l#*:}" ] || return 1
	done
}
show_names() {
	for _l in $LINKS; do
		echo "#   /dev/k4a/$1/${_l#*:} -> $(readlink "/dev/k4a/$1/${_l#*:}" 2> /dev/null)" \
			"(link ${_l%%:*}: $(depth_node "$1" "${_l%%:*}"))"
	done
}
both_named() { names_ok "$S0" && names_ok "$S1"; }
r=0
k4a_wait "names after udevadm trigger" both_named || r=1
show_names "$S0"
show_names "$S1"
ktap_result $r "udevadm trigger of the units: /dev/k4a/<serial>/{color,color-meta,depth,depth-meta} name each unit's nodes"

# 4: the nodes
# node_perm_ok SERIAL: the unit's four nodes root:video 0660 and tagged uaccess
node_perm_ok() {
	for _l in $LINKS; do
		_d=$(depth_node "$1" "${_l%%:*}") || return 1
		[ "$(stat -c '%U %G %a' "$_d")" = "root video 660" ] || return 1
	done
}
node_tags_ok() {
	for _l in $LINKS; do
		_d=$(depth_node "$1" "${_l%%:*}") || return 1
		udevadm info --query=property --name="$_d" | grep -q '^TAGS=.*:uaccess:' || return 1
	done
}
r=0
k4a_wait "" node_perm_ok "$S0" && node_perm_ok "$S1" || r=1
node_tags_ok "$S0" && node_tags_ok "$S1" || { r=1; echo "# not every node tagged uaccess"; }
for s in "$S0" "$S1"; do
	for l in $LINKS; do
		d=$(depth_node "$s" "${l%%:*}")
		echo "# $d: $(stat -c '%U:%G %A' "$d"), $(udevadm info --query=property --name="$d" | grep '^TAGS=')"
	done
done
ktap_result $r "every node root:video 0660 (nothing for other users), tagged uaccess"

# 5: the sync attributes
attr_perm_ok() {
	for _u in "$U0" "$U1"; do
		for _a in $SYNC; do
			[ "$(stat -c '%U %G %a' "$_u/$_a")" = "root video 664" ] || return 1
		done
	done
}
r=0
k4a_wait "" attr_perm_ok || r=1
for a in $SYNC sync_in_jack serial; do echo "# $a: $(stat -c '%U:%G %a' "$U0/$a")"; done
[ "$(stat -c '%U %G %a' "$U0/sync_in_jack")" = "root root 444" ] || r=1
ktap_result $r "sync attributes and start_gate root:video 0664, read-only attributes root 0444"

# 6, 7, 8: a member of the video group
run list k4a-vid list
r=$RC
for s in "$S0" "$S1"; do grep -q "$s" "$OUT/list" || { r=1; echo "# $s not listed"; }; done
ktap_result $r "video group member: k4actl list shows both units"

run plan k4a-vid plan
r=$RC
set -- $(attrs)
echo "# written: $*"
[ "$1" = master ] && [ "$4" = subordinate ] || { r=1; echo "# roles not master, subordinate"; }
ktap_result $r "video group member: k4actl plan writes master and subordinate (exit 0)"

r=0
for n in color depth color-meta depth-meta; do
	as k4a-vid v4l2-ctl -d "/dev/k4a/$S0/$n" --all > "$OUT/v4l2-$n" 2>&1 || {
		r=1; echo "# v4l2-ctl -d /dev/k4a/$S0/$n --all failed:"; tail -n 3 "$OUT/v4l2-$n" | sed 's/^/#   /'; }
	c=$(sed -n 's/^[[:space:]]*Card type[[:space:]]*: //p' "$OUT/v4l2-$n" | head -n 1)
	echo "# /dev/k4a/$S0/$n: card '$c'"
	case "$c" in *"$S0"*) ;; *) r=1 ;; esac
done
ktap_result $r "video group member: v4l2-ctl --all on /dev/k4a/<serial>/{color,depth,color-meta,depth-meta}"

# 9, 10: a user outside the video group
r=0
for n in color depth color-meta depth-meta; do
	if as k4a-other sh -c ": < /dev/k4a/$S0/$n" > "$OUT/open-$n" 2>&1; then
		r=1; echo "# k4a-other opened /dev/k4a/$S0/$n"
	fi
	grep -q "Permission denied" "$OUT/open-$n" || { r=1; sed 's/^/#   /' "$OUT/open-$n"; }
done
as k4a-other v4l2-ctl -d "/dev/k4a/$S0/color" --all > "$OUT/v4l2-other" 2>&1 && {
	r=1; echo "# k4a-other ran v4l2-ctl on the colour node"; }
sed -n '1,2s/^/# k4a-other: v4l2-ctl: /p' "$OUT/v4l2-other"
ktap_result $r "another user: the nodes refuse to open (EACCES), v4l2-ctl fails"

echo 0 > "$U1/depth_delay_off_color_usec" || echo "# unit 1: depth delay 0 refused"
a0=$(attrs)
run other k4a-other plan
a1=$(attrs)
[ "$RC" = 1 ] && [ "$a0" = "$a1" ] && grep -q "not a member of the video group" "$OUT/other"
ktap_result $? "another user: k4actl plan fails (exit 1) saying they are not in the video group, nothing written"

# 11, 12: unplug and replug unit 1
emu_ctl unplug 1 both > /dev/null
r=0
k4a_wait "unit 1's names gone" names_gone "$S1" || r=1
names_ok "$S0" || { r=1; echo "# unit 0's names changed:"; show_names "$S0"; }
[ -d "/dev/k4a/$S1" ] && echo "# /dev/k4a/$S1 left as an empty directory"
ktap_result $r "unit 1 unplugged: its names go, unit 0's stay"

emu_ctl plug 1 both > /dev/null
one_again() { U1=$(depth_unit_dir "$S1") && names_ok "$S1" && node_perm_ok "$S1" && attr_perm_ok; }
r=0
k4a_wait "unit 1's names back" one_again || { r=1; show_names "$S1"; }
ktap_result $r "unit 1 replugged (udevd running): its names, node and attribute permissions back"

# 13: the units go
emu_stop > /dev/null
r=0
none() { names_gone "$S0" && names_gone "$S1"; }
k4a_wait "names gone with the units" none || { r=1; ls -lR /dev/k4a | sed 's/^/#   /'; }
ktap_result $r "emulator stopped: every name gone"
cleanup
ktap_totals
