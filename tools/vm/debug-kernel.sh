#!/bin/bash
# The debug guest kernel: Debian's linux-source-6.12 (the bench's 6.12 series, from
# bookworm-backports) configured with tools/vm/debug-kernel.config (KASAN, lockdep, atomic-sleep
# checks, kmemleak, ...), built once per machine and shared by every checkout on it.
#   debug-kernel.sh build   make sure the kernel for the current source version and config is
#                           built (builds it if not), link it into $K4A_CACHE/kernels/KVER, and
#                           print KVER on stdout
#   debug-kernel.sh kver    print the KVER linked into this checkout (nothing if none)
#   debug-kernel.sh key     print the cache key: <source version>-<config hash>
# Machine-wide cache: $K4A_DEBUG_KERNEL_CACHE (default /var/cache/k4a/debug-kernel):
#   src/<source version>/linux-source-6.12/   the unpacked source, shared by every config
#   <source version>-<config hash>/           obj/ (kbuild output: vmlinux, and the tree k4a.ko
#       is built against), root/lib/modules/KVER (modules_install), root/usr/src/
#       linux-headers-KVER -> obj, kver, build.log, build-seconds, .complete
# A build runs under a lock (concurrent checkouts wait for it) at `nice -n 10` with
# $K4A_DEBUG_JOBS jobs (default 2); an interrupted build resumes where it stopped.
# The key changes, and the kernel is built again, only when the config fragment, this
# script's recipe version or the source package version changes.
set -euo pipefail
. "$(dirname "$0")/common.sh"
CACHE=${K4A_DEBUG_KERNEL_CACHE:-/var/cache/k4a/debug-kernel}
SUITE=${K4A_DEBUG_SUITE:-bookworm-backports}
SERIES=6.12
SRCPKG=linux-source-$SERIES
FRAGMENT=$K4A_ROOT/tools/vm/debug-kernel.config
JOBS=${K4A_DEBUG_JOBS:-2}
# Bump when the build steps below change in a way that changes the result.
RECIPE=1

# The source package version: the suite's candidate, or (offline, no apt lists) the newest
# version already unpacked in the cache.
src_version() {
	local v
	v=$(apt-cache show "$SRCPKG/$SUITE" 2>/dev/null | sed -n 's/^Version: //p' | sort -V | tail -n1)
	if [ -z "$v" ]; then
		v=$(cat "$CACHE"/src/*/version 2>/dev/null | sort -V | tail -n1)
		[ -n "$v" ] && [ -f "$CACHE/src/$(safe "$v")/.complete" ] ||
			k4a_die "no $SRCPKG in $SUITE (run make setup) and none cached in $CACHE/src"
	fi
	echo "$v"
}

config_hash() {
	{ echo "recipe $RECIPE"; cat "$FRAGMENT"; } | sha256sum | cut -c1-12
}

# A file-name-safe form of a Debian version (no '~' or ':').
safe() { echo "$1" | tr '~:' '-_'; }

key() { echo "$(safe "$(src_version)")-$(config_hash)"; }

ensure_cache_dir() {
	mkdir -p "$CACHE" 2>/dev/null && [ -w "$CACHE" ] && return 0
	if [ "$(id -u)" != 0 ] && command -v sudo > /dev/null; then
		sudo install -d -m 0755 -o "$(id -u)" -g "$(id -g)" "$CACHE" && return 0
	fi
	k4a_die "cannot write $CACHE (set K4A_DEBUG_KERNEL_CACHE to a writable directory)"
}

# Host packages a kernel build needs beyond the module build's (flex, bison, libelf).
ensure_build_deps() {
	local p need=()
	for p in flex bison libelf-dev bc; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || need+=("$p")
	done
	[ ${#need[@]} = 0 ] && return 0
	k4a_log "installing ${need[*]}"
	if [ "$(id -u)" = 0 ]; then
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${need[@]}"
	else
		sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${need[@]}"
	fi
}

fetch_source() {
	local ver=$1 dir=$CACHE/src/$(safe "$1") dl
	[ -f "$dir/.complete" ] && return 0
	k4a_log "fetching $SRCPKG $ver from $SUITE"
	rm -rf "$dir"
	mkdir -p "$dir"
	dl=$dir/deb
	mkdir "$dl"
	(cd "$dl" && apt-get download -q "$SRCPKG=$ver" 2>&1 | grep -v 'unsandboxed' || true)
	ls "$dl"/*.deb > /dev/null 2>&1 || k4a_die "apt-get download $SRCPKG=$ver failed"
	dpkg-deb --fsys-tarfile "$dl"/*.deb | tar -xO "./usr/src/$SRCPKG.tar.xz" | tar -xJ -C "$dir"
	rm -rf "$dl"
	[ -f "$dir/$SRCPKG/Makefile" ] || k4a_die "$SRCPKG $ver: no kernel tree in the package"
	echo "$ver" > "$dir/version"
	touch "$dir/.complete"
}

# Every CONFIG_ line of the fragment must be in the final .config as written.
check_config() {
	local cfg=$1 l s bad=0
	while IFS= read -r l; do
		case "$l" in
		CONFIG_*=*)
			grep -qxF "$l" "$cfg" || { k4a_log "config: wanted $l, got: $(grep -E "^(# )?${l%%=*}[= ]" "$cfg" || echo unset)"; bad=1; } ;;
		'# CONFIG_'*' is not set')
			s=${l#\# }; s=${s%% *}
			grep -q "^$s=" "$cfg" && { k4a_log "config: wanted $s off, got: $(grep "^$s=" "$cfg")"; bad=1; } ;;
		esac
	done < "$FRAGMENT"
	return $bad
}

build() {
	local ver k dir src obj t0 kver
	ver=$(src_version)
	k=$(safe "$ver")-$(config_hash)
	dir=$CACHE/$k
	if [ ! -f "$dir/.complete" ]; then
		ensure_cache_dir
		exec 9> "$CACHE/.lock"
		flock -n 9 || { k4a_log "waiting for another build of the debug kernel"; flock 9; }
		if [ ! -f "$dir/.complete" ]; then
			ensure_build_deps
			fetch_source "$ver"
			src=$CACHE/src/$(safe "$ver")/$SRCPKG
			obj=$dir/obj
			mkdir -p "$obj"
			cp "$FRAGMENT" "$dir/debug-kernel.config"
			k4a_log "building the debug kernel $k (log: $dir/build.log)"
			t0=$SECONDS
			{
				make -s -C "$src" O="$obj" KCONFIG_ALLCONFIG="$dir/debug-kernel.config" allnoconfig &&
				check_config "$obj/.config" &&
				nice -n 10 make -C "$src" O="$obj" -j"$JOBS" vmlinux modules &&
				kver=$(make -s -C "$src" O="$obj" kernelrelease) &&
				rm -rf "$dir/root" &&
				make -s -C "$src" O="$obj" INSTALL_MOD_PATH="$dir/root" \
					DEPMOD="$(PATH=$PATH:/sbin command -v depmod)" modules_install
			} > "$dir/build.log" 2>&1 || { tail -n 40 "$dir/build.log" >&2; k4a_die "debug kernel build failed"; }
			mkdir -p "$dir/root/usr/src"
			ln -sfn "$obj" "$dir/root/usr/src/linux-headers-$kver"
			echo "$kver" > "$dir/kver"
			echo "$ver" > "$dir/source-version"
			echo $((SECONDS - t0)) > "$dir/build-seconds"
			touch "$dir/.complete"
			k4a_log "debug kernel $kver built in $((SECONDS - t0)) s"
		fi
		exec 9>&-
	fi
	link "$dir"
	cat "$dir/kver"
}

# link DIR: make the cached kernel a bench kernel of this checkout ($K4A_CACHE/kernels/KVER,
# role "debug"), replacing an older link of the same KVER.
link() {
	local dir=$1 kver K
	kver=$(cat "$dir/kver")
	K=$K4A_CACHE/kernels/$kver
	if [ -f "$K/.complete" ] && [ "$(cat "$K/source" 2>/dev/null)" = "$dir" ]; then
		return 0
	fi
	# One debug kernel per checkout: drop links to other builds.
	for f in "$K4A_CACHE"/kernels/*/role; do
		if [ -f "$f" ] && [ "$(cat "$f")" = debug ]; then rm -rf "${f%/role}"; fi
	done
	rm -rf "$K"
	mkdir -p "$K"
	ln -s "$dir/root" "$K/root"
	ln -s "$dir/obj/vmlinux" "$K/vmlinux"
	echo "$dir" > "$K/source"
	echo debug > "$K/role"
	echo "$SRCPKG $(cat "$dir/source-version") ($SUITE), debug config" > "$K/suite"
	touch "$K/.complete"
}

case "${1:-build}" in
build) build ;;
kver)
	for f in "$K4A_CACHE"/kernels/*/role; do
		if [ -f "$f" ] && [ "$(cat "$f")" = debug ] && [ -f "${f%/role}/.complete" ]; then
			basename "${f%/role}"
		fi
	done | sort -V | tail -n1
	;;
key) key ;;
*) k4a_die "usage: debug-kernel.sh build|kver|key" ;;
esac
