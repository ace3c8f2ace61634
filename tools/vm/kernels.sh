#!/bin/bash
# Debian kernels for the VM bench, downloaded and unpacked under $K4A_CACHE/kernels/KVER,
# never installed on this machine.
#   kernels.sh fetch   download + unpack every suite's current linux-image-amd64 (idempotent)
#   kernels.sh list    print the KVERs of the fetched build kernels, one per line, 6.1 first
#   kernels.sh ref     print the KVERs of the fetched reference kernels
#   kernels.sh kdir KVER   print the kbuild directory of KVER
# Build kernels ($K4A_SUITES) come with headers: k4a.ko is built and tested on each of them.
# Reference kernels ($K4A_REF_SUITES) are image and modules only: the guest boots them to run
# stock drivers (uvcvideo) against the emulator, e.g. a newer uvcvideo than the build kernels'.
# Layout of $K4A_CACHE/kernels/KVER:
#   root/boot/vmlinuz-KVER, root/lib/modules/KVER (depmod'ed), root/usr/src/linux-headers-KVER,
#   vmlinux (ELF, for PVH boot), suite (which suite it came from), .complete
# and $K4A_CACHE/kernels/SUITE.kver, the version last fetched for SUITE.
set -euo pipefail
. "$(dirname "$0")/common.sh"
KDIR_BASE=$K4A_CACHE/kernels

suite_kver() {
	local suite=$1 img
	img=$(apt-cache depends "linux-image-amd64/$suite" 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*\)$/\1/p' | head -n1)
	[ -n "$img" ] || k4a_die "no linux-image-amd64 in $suite (run tools/vm/setup-host.sh)"
	echo "${img#linux-image-}"
}

pkg_deps() { apt-cache depends "$1" | sed -n 's/^ *|\?Depends: \([^ <]*\).*$/\1/p'; }

extract_vmlinux() {
	# PVH boot needs the ELF vmlinux inside the bzImage: find the compressed payload by magic.
	local bz=$1 out=$2 off
	for fmt in 'xz:\xfd7zXZ\x00' 'zstd:\x28\xb5\x2f\xfd' 'gzip:\x1f\x8b\x08'; do
		local name=${fmt%%:*} magic=${fmt#*:}
		for off in $(LC_ALL=C grep -aboP "$magic" "$bz" | cut -d: -f1); do
			case $name in
			xz) tail -c +$((off + 1)) "$bz" | xz -dc 2>/dev/null > "$out.tmp" || true ;;
			zstd) tail -c +$((off + 1)) "$bz" | zstd -qdc 2>/dev/null > "$out.tmp" || true ;;
			gzip) tail -c +$((off + 1)) "$bz" | gzip -dc 2>/dev/null > "$out.tmp" || true ;;
			esac
			if [ "$(head -c 4 "$out.tmp" 2>/dev/null | od -An -tx1 | tr -d ' ')" = 7f454c46 ]; then
				mv "$out.tmp" "$out"
				return 0
			fi
		done
	done
	rm -f "$out.tmp"
	k4a_die "could not extract vmlinux from $bz"
}

fetch_one() {
	local suite=$1 role=$2 kver dir hdr common kbuild p f pkgs
	# The suite's kernel version is looked up once (apt-cache is slow) and remembered;
	# K4A_REFRESH_KERNELS=1 looks again, e.g. after a Debian kernel update.
	if [ -z "${K4A_REFRESH_KERNELS:-}" ] && [ -f "$KDIR_BASE/$suite.kver" ] &&
	   [ -f "$KDIR_BASE/$(cat "$KDIR_BASE/$suite.kver")/.complete" ]; then
		kver=$(cat "$KDIR_BASE/$suite.kver")
	else
		kver=$(suite_kver "$suite")
	fi
	dir=$KDIR_BASE/$kver
	if [ -f "$dir/.complete" ]; then
		k4a_log "$kver ($suite) already present"
		echo "$kver" > "$KDIR_BASE/$suite.kver"
		return 0
	fi
	k4a_log "fetching $kver from $suite"
	rm -rf "$dir"
	mkdir -p "$dir/debs"
	# Newer Debian kernels split linux-image-KVER into linux-binary-KVER (vmlinuz) and
	# linux-modules-KVER: take every dependency built for the same KVER.
	pkgs=("linux-image-$kver")
	for p in $(pkg_deps "linux-image-$kver/$suite" | grep -- "-$kver\$" | sort -u); do
		pkgs+=("$p")
	done
	if [ "$role" = build ]; then
		hdr=linux-headers-$kver
		common=$(pkg_deps "$hdr/$suite" | grep -m1 '^linux-headers-.*-common' || true)
		kbuild=$(pkg_deps "$hdr/$suite" | grep -m1 '^linux-kbuild-' || true)
		[ -n "$common" ] && [ -n "$kbuild" ] ||
			k4a_die "cannot resolve header packages of $kver"
		pkgs+=("$hdr" "$common" "$kbuild")
	fi
	(
		cd "$dir/debs"
		for p in "${pkgs[@]}"; do
			apt-get download -q "$p/$suite" 2>&1 | grep -v 'unsandboxed' || true
		done
		ls ./*.deb >/dev/null
		for f in ./*.deb; do dpkg-deb -x "$f" ../root; done
		ls > ../packages.txt
	)
	rm -rf "$dir/debs"
	# Merged-/usr packaging (newer kernels): modules, vmlinuz and config under
	# /usr/lib/modules/KVER. Give every kernel the same layout: /boot and /lib/modules.
	if [ -d "$dir/root/usr/lib/modules/$kver" ] && [ ! -d "$dir/root/lib/modules/$kver" ]; then
		mkdir -p "$dir/root/lib/modules" "$dir/root/boot"
		mv "$dir/root/usr/lib/modules/$kver" "$dir/root/lib/modules/$kver"
		for f in vmlinuz config System.map; do
			[ -f "$dir/root/lib/modules/$kver/$f" ] &&
				mv "$dir/root/lib/modules/$kver/$f" "$dir/root/boot/$f-$kver"
		done
	fi
	depmod -b "$dir/root" "$kver"
	# The headers' Makefile includes the -common tree by absolute path: point it at our copy.
	[ "$role" != build ] || sed -i "s|^include /usr/src/|include $dir/root/usr/src/|" \
		"$dir/root/usr/src/linux-headers-$kver/Makefile"
	extract_vmlinux "$dir/root/boot/vmlinuz-$kver" "$dir/vmlinux"
	echo "$suite" > "$dir/suite"
	echo "$role" > "$dir/role"
	touch "$dir/.complete"
	echo "$kver" > "$KDIR_BASE/$suite.kver"
}

list() {
	# list ROLE: fetched kernels of that role (kernels fetched before roles existed are build)
	local d r
	for d in "$KDIR_BASE"/*/.complete; do
		[ -f "$d" ] || continue
		d=$(dirname "$d")
		r=$(cat "$d/role" 2>/dev/null || echo build)
		if [ "$r" = "$1" ]; then basename "$d"; fi
	done | sort -V
}

case "${1:-list}" in
fetch)
	for s in $K4A_SUITES; do fetch_one "$s" build; done
	for s in $K4A_REF_SUITES; do fetch_one "$s" ref; done
	;;
list) list build ;;
ref) list ref ;;
kdir) echo "$KDIR_BASE/${2:?KVER}/root/usr/src/linux-headers-$2" ;;
*) k4a_die "usage: kernels.sh fetch|list|ref|kdir KVER" ;;
esac
