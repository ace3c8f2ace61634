#!/bin/busybox sh
# PID 1 of the bench guest (copied into the initramfs as /init).
# Mounts the trixie rootfs (9p "rootfs", read-only) under a tmpfs overlay, the kernel's modules
# (9p "modules") on /lib/modules, the repository (9p "repo") at its host path and the per-run
# results directory (9p "out", read-write) on /run/vmout; then runs /run/vmout/cmd.sh in a
# chroot, saves dmesg and the taint flags, and powers off.
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
say() { echo "k4a-guest: $*" > /dev/console; }
for m in $(cat /mods/order); do insmod "/mods/$m" || say "insmod $m failed"; done
fatal() { say "FATAL: $*"; poweroff -f; }

repo=$(sed -n 's/.*k4a.repo=\([^ ]*\).*/\1/p' /proc/cmdline)
O=trans=virtio,version=9p2000.L,msize=512000
mount -t 9p -o $O,ro,cache=loose rootfs /lower || fatal "mount rootfs"
mount -t tmpfs -o mode=755 tmpfs /upper || fatal "tmpfs"
mkdir -p /upper/u /upper/w
mount -t overlay overlay -o lowerdir=/lower,upperdir=/upper/u,workdir=/upper/w /newroot ||
	fatal "mount overlay"
R=/newroot
mount -t 9p -o $O,ro,cache=loose modules $R/lib/modules || fatal "mount modules"
mount -t proc proc $R/proc
mount -t sysfs sysfs $R/sys
mount -t devtmpfs devtmpfs $R/dev
mkdir -p $R/dev/pts $R/dev/shm
mount -t devpts devpts $R/dev/pts
mount -t tmpfs tmpfs $R/dev/shm
mount -t tmpfs -o mode=1777 tmpfs $R/tmp
mount -t tmpfs -o mode=755 tmpfs $R/run
mkdir -p $R/run/vmout
mount -t 9p -o $O,rw,cache=none out $R/run/vmout || fatal "mount out"
# The repository last, so that a checkout under /tmp or /run is not hidden by their tmpfs.
mkdir -p "$R$repo"
mount -t 9p -o $O,ro,cache=loose repo "$R$repo" || fatal "mount repo"
mount -t debugfs debugfs $R/sys/kernel/debug 2>/dev/null
mount -t configfs configfs $R/sys/kernel/config 2>/dev/null
hostname k4a-guest
# Report a task blocked for 120 s (the kernel's default, set explicitly): a hung test fails the
# run with the kernel's report, well before any test's own bound, and a slow or busy host (TCG)
# does not make a working task look hung.
echo 120 > /proc/sys/kernel/hung_task_timeout_secs 2>/dev/null
# A soft lockup fails the run anyway (dmesg-check.sh); a CPU that stays stuck wedges the guest
# until the host's bound (hours): panic instead (panic=-1 ends QEMU), the report on the console.
echo 1 > /proc/sys/kernel/softlockup_panic 2>/dev/null
cut -d' ' -f1 /proc/uptime > $R/run/vmout/uptime-start
say "ready after $(cat $R/run/vmout/uptime-start) s"
chroot $R /usr/bin/env -i HOME=/root TERM=dumb LANG=C.UTF-8 \
	PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
	/bin/sh -c '. /run/vmout/env.sh; cd "$K4A_ROOT" && /bin/sh /run/vmout/cmd.sh; echo $? > /run/vmout/rc' \
	2>&1 | tee $R/run/vmout/log > /dev/console
cut -d' ' -f1 /proc/uptime > $R/run/vmout/uptime-end
cat /proc/sys/kernel/tainted > $R/run/vmout/tainted
dmesg > $R/run/vmout/dmesg.txt
sync
umount $R/run/vmout
poweroff -f
