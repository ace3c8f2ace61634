#!/bin/bash
# Install the host packages the k4a build, static checks, host tests and VM bench need.
# Idempotent: packages already present are not touched, apt lists are refreshed only when
# something is missing. Extra suites (bookworm-backports for the 6.12 kernel, trixie for the
# guest rootfs, trixie-backports for the reference kernel) are added with the mirror taken from the machine's existing apt sources.
set -euo pipefail
. "$(dirname "$0")/common.sh"

PKGS=(
	# kernel module build and static checks
	make gcc bc kmod pahole sparse linux-source-6.1 xz-utils zstd cpio rsync
	# documentation check
	python3-docutils
	# VM bench
	busybox-static debootstrap
	# host unit tests, fuzzers, emulator, CLI
	clang-14 libclang-rt-14-dev llvm-14 pkg-config libusb-1.0-0-dev libudev-dev
	libjpeg62-turbo-dev
)

need=()
for p in "${PKGS[@]}"; do
	case "$p" in \#*) continue ;; esac
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || need+=("$p")
done

sources_uri() {
	# The URI of the main Debian archive in the machine's existing apt configuration.
	local f
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		awk '/^URIs:/{u=$2} /^Suites:/{ if ($0 ~ /bookworm( |$)/ && u !~ /security/) {print u; exit} }' "$f"
	done | head -n1
	[ -f /etc/apt/sources.list ] &&
		awk '$1=="deb" && $3 ~ /^bookworm$/ {print $2; exit}' /etc/apt/sources.list
}

add_suite() {
	# add_suite SUITE [PIN]: a deb822 source for SUITE on the same mirror, optional low pin.
	local suite=$1 pin=${2:-} out=/etc/apt/sources.list.d/k4a-$1.sources uri
	[ -f "$out" ] && return 1
	uri=$(sources_uri | head -n1)
	[ -n "$uri" ] || { echo "setup-host: no bookworm apt source found" >&2; exit 1; }
	printf 'Types: deb\nURIs: %s\nSuites: %s\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
		"$uri" "$suite" > "$out"
	if [ -n "$pin" ]; then
		printf 'Package: *\nPin: release n=%s\nPin-Priority: %s\n' "$suite" "$pin" \
			> "/etc/apt/preferences.d/k4a-$suite"
	fi
	return 0
}

changed=0
add_suite bookworm-backports && changed=1
add_suite trixie 50 && changed=1
add_suite trixie-backports 50 && changed=1

if [ ${#need[@]} -gt 0 ] || [ $changed = 1 ] || [ ! -d /var/lib/apt/lists ] ||
   ! ls /var/lib/apt/lists/*bookworm-backports*Packages* >/dev/null 2>&1 ||
   ! ls /var/lib/apt/lists/*trixie-backports*Packages* >/dev/null 2>&1; then
	echo "setup-host: apt-get update"
	apt-get update -qq
fi
if [ ${#need[@]} -gt 0 ]; then
	echo "setup-host: installing ${need[*]}"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${need[@]}"
else
	echo "setup-host: all ${#PKGS[@]} host packages present"
fi

# QEMU before 8.1 has a TCG race between translation and page invalidation: a multi-threaded
# guest that patches its own code (static keys, alternatives) may run stale code and die with
# "Oops: int3" (seen at boot here under host load). bookworm-backports carries a fixed QEMU.
qemu_ver=$(dpkg-query -W -f='${Version}' qemu-system-x86 2>/dev/null || true)
if [ -z "$qemu_ver" ] || dpkg --compare-versions "$qemu_ver" lt 1:8.1; then
	echo "setup-host: installing qemu-system-x86 from bookworm-backports (installed: ${qemu_ver:-none})"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
		-t bookworm-backports qemu-system-x86
fi
