#!/bin/bash
# Build the bench initramfs for KVER: static busybox, guest-init.sh as /init, and the modules
# needed to reach the 9p shares (virtio, 9p, overlayfs), decompressed for busybox insmod and
# in dependency order. Output: $K4A_CACHE/kernels/KVER/initramfs.cpio.gz
set -euo pipefail
. "$(dirname "$0")/common.sh"
KVER=${1:?KVER}
K=$K4A_CACHE/kernels/$KVER
[ -f "$K/.complete" ] || k4a_die "kernel $KVER not fetched (tools/vm/kernels.sh fetch)"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
mkdir -p "$T"/{bin,dev,proc,sys,mods,newroot,lower,upper}
cp /bin/busybox "$T/bin/busybox"
install -m 755 "$(dirname "$0")/guest-init.sh" "$T/init"
: > "$T/mods/order"
for m in virtio_pci 9pnet_virtio 9p overlay; do
	modprobe -d "$K/root" -S "$KVER" --show-depends "$m" | awk '$1 == "insmod" {print $2}' |
	while read -r f; do
		b=$(basename "$f")
		b=${b%.xz}; b=${b%.zst}; b=${b%.gz}
		grep -qx "$b" "$T/mods/order" && continue
		case "$f" in
		*.xz) xz -dc "$f" > "$T/mods/$b" ;;
		*.zst) zstd -qdc "$f" > "$T/mods/$b" ;;
		*.gz) gzip -dc "$f" > "$T/mods/$b" ;;
		*) cp "$f" "$T/mods/$b" ;;
		esac
		echo "$b" >> "$T/mods/order"
	done
done
(cd "$T" && find . -print0 | cpio --null -o -H newc --quiet | gzip -1) > "$K/initramfs.cpio.gz.tmp"
mv "$K/initramfs.cpio.gz.tmp" "$K/initramfs.cpio.gz"
