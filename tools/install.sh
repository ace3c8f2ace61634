#!/bin/bash
# make install: build k4a.ko for the running kernel (or KVER=) and install it with the udev
# rules (userspace/udev: 70-k4a.rules in /usr/lib/udev/rules.d/, the helper k4a-udev in
# /usr/lib/udev/) and the CLI (k4actl and its manual page under /usr/local). Needs the kernel's
# headers (linux-headers-$(uname -r)) and root.
set -euo pipefail
. "$(dirname "$0")/vm/common.sh"
kver=${KVER:-$(uname -r)}
[ -d "/lib/modules/$kver/build" ] || k4a_die "no /lib/modules/$kver/build: apt-get install linux-headers-$kver"
"$K4A_ROOT/tools/build-module.sh" "$kver"
install -D -m 644 "$K4A_BUILD/kmod/$kver/k4a.ko" "/lib/modules/$kver/updates/k4a.ko"
depmod -a "$kver"
if [ -d "$K4A_ROOT/userspace/udev" ]; then
	install -D -m 644 "$K4A_ROOT"/userspace/udev/*.rules -t /usr/lib/udev/rules.d/
	install -D -m 755 "$K4A_ROOT/userspace/udev/k4a-udev" /usr/lib/udev/k4a-udev
	udevadm control --reload 2>/dev/null || true
	# units already present (k4a loaded before): their permissions and /dev/k4a/ names now
	udevadm trigger --action=add --subsystem-match=k4a 2>/dev/null || true
fi
if [ -f "$K4A_ROOT/userspace/Makefile" ]; then
	make -s -C "$K4A_ROOT/userspace" BUILD="$K4A_BUILD" install
fi
echo "installed k4a.ko for $kver; load it with: modprobe k4a"
echo "members of the video group use the cameras without root (usermod -aG video USER)"
