#!/bin/bash
# Build the guest userspace: a minimal Debian trixie root filesystem (debootstrap) that carries
# current media tools (v4l2-compliance >= 1.30; bookworm's 1.22 reports false failures on these
# kernels), USB tools, GStreamer and ffmpeg. Cached in $K4A_CACHE/rootfs; rebuilt only when the
# package list below changes. The mirror is the one the machine's apt sources already use.
set -euo pipefail
. "$(dirname "$0")/common.sh"

# Installed by debootstrap itself (simple dependencies only).
BASE=(
	v4l-utils usbutils kmod udev procps iproute2 util-linux psmisc strace
	libusb-1.0-0 libjpeg62-turbo libturbojpeg0 libudev1
)
# Installed with apt inside the new root, which resolves alternative dependencies
# (debootstrap does not: GStreamer's gsettings backend needs a D-Bus session bus provider).
MEDIA=(gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-good ffmpeg)
# Taken from Debian testing on top of trixie: v4l2-compliance 1.30.1 (trixie) reports two false
# failures against 6.12's vivid (pixel array control); 1.32 passes it cleanly. Only these
# packages come from testing; the C library and everything else stay trixie's.
TESTING=forky
TESTING_PKGS=(v4l-utils)
SUITE=trixie
DEST=$K4A_CACHE/rootfs
STAMP_WANT="$SUITE ${BASE[*]} ${MEDIA[*]} $TESTING: ${TESTING_PKGS[*]}"

if [ -f "$DEST/.complete" ] && [ "$(cat "$DEST/.complete")" = "$STAMP_WANT" ]; then
	k4a_log "guest rootfs present ($DEST)"
	exit 0
fi

uri=
for f in /etc/apt/sources.list.d/*.sources; do
	[ -f "$f" ] || continue
	uri=$(awk '/^URIs:/{u=$2} /^Suites:/{ if ($0 ~ /bookworm( |$)/ && u !~ /security/) {print u; exit} }' "$f")
	[ -n "$uri" ] && break
done
[ -n "$uri" ] || uri=$(awk '$1=="deb" && $3=="bookworm" {print $2; exit}' /etc/apt/sources.list 2>/dev/null)
[ -n "$uri" ] || k4a_die "no Debian mirror found in the apt sources"

k4a_log "debootstrap $SUITE into $DEST"
rm -rf "$DEST" "$DEST.tmp"
mkdir -p "$(dirname "$DEST")"
include=$(IFS=,; echo "${BASE[*]}")
if ! debootstrap --variant=minbase --include="$include" "$SUITE" "$DEST.tmp" "$uri" \
	> "$K4A_CACHE/rootfs-debootstrap.log" 2>&1; then
	tail -n 30 "$K4A_CACHE/rootfs-debootstrap.log" >&2
	k4a_die "debootstrap failed (log: $K4A_CACHE/rootfs-debootstrap.log)"
fi
mount -t proc proc "$DEST.tmp/proc"
trap 'umount "$DEST.tmp/proc" 2>/dev/null || true' EXIT
if ! chroot "$DEST.tmp" env DEBIAN_FRONTEND=noninteractive \
	apt-get install -y -q --no-install-recommends "${MEDIA[@]}" \
	>> "$K4A_CACHE/rootfs-debootstrap.log" 2>&1; then
	tail -n 30 "$K4A_CACHE/rootfs-debootstrap.log" >&2
	k4a_die "apt-get in the guest rootfs failed (log: $K4A_CACHE/rootfs-debootstrap.log)"
fi
# The mirror may be a dated snapshot whose testing Release file has expired: accept it.
printf 'deb [check-valid-until=no] %s %s main\n' "$uri" "$TESTING" \
	> "$DEST.tmp/etc/apt/sources.list.d/$TESTING.list"
printf 'Package: *\nPin: release n=%s\nPin-Priority: 50\n' "$TESTING" \
	> "$DEST.tmp/etc/apt/preferences.d/$TESTING"
if ! { chroot "$DEST.tmp" apt-get update -q &&
	chroot "$DEST.tmp" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		--no-install-recommends $(printf '%s/'"$TESTING"' ' "${TESTING_PKGS[@]}"); } \
	>> "$K4A_CACHE/rootfs-debootstrap.log" 2>&1; then
	tail -n 30 "$K4A_CACHE/rootfs-debootstrap.log" >&2
	k4a_die "installing ${TESTING_PKGS[*]} from $TESTING failed"
fi
chroot "$DEST.tmp" apt-get clean
umount "$DEST.tmp/proc"
trap - EXIT
# Trim what the guest never uses: package caches, docs, locales.
rm -rf "$DEST.tmp"/var/cache/apt/archives/*.deb "$DEST.tmp"/usr/share/doc/* \
	"$DEST.tmp"/usr/share/man/* "$DEST.tmp"/usr/share/locale/* \
	"$DEST.tmp"/var/lib/apt/lists/*
# Mount points the guest init uses.
mkdir -p "$DEST.tmp"/run/vmout "$DEST.tmp"/lib/modules
echo k4a-guest > "$DEST.tmp"/etc/hostname
mv "$DEST.tmp" "$DEST"
echo "$STAMP_WANT" > "$DEST/.complete"
k4a_log "guest rootfs ready: $(du -sh "$DEST" | cut -f1), $(chroot "$DEST" v4l2-compliance --version 2>/dev/null | head -n1)"
