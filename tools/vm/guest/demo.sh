# Guest half of `make demo`: a rig of three emulated Azure Kinect units on a daisy-chained sync
# cable, with drifting clocks and USB delivery jitter, set up and started with k4actl through the
# udev rules, 300 synchronised frame sets recorded, and every frame's timestamp judged against
# the emulator's ground truth. Every step it shows is also checked (`make check` runs this
# script): it exits 1 when one did not do what it says. The figures (spread, errors) are
# printed, not judged: they describe this machine under its load.
. "$K4A_ROOT/tools/vm/guest-lib.sh"
UNITS=${K4A_DEMO_UNITS:-3}
SETS=${K4A_DEMO_SETS:-300}
FPS=5
SOCK=/run/k4a-emu.sock
REC=/tmp/k4a-rig
T=/tmp/k4a-demo
mkdir -p "$T"
CTL=/usr/local/bin/k4actl
emu() { "$K4A_BUILD/bin/k4a-emu" "$@"; }
udevadm() { SYSTEMD_IGNORE_CHROOT=1 command udevadm "$@"; }
BAD=0
unexpected() { echo "  UNEXPECTED: $*"; BAD=$((BAD + 1)); }
step() { echo; echo "== $*"; }
indent() { sed 's/^/  /'; }
unit_dirs() { ls -d /sys/class/k4a/k4a* 2>/dev/null | sort -t a -k3 -n; }
serial_of() { cat "$1/serial"; }
master_dir() { for _d in $(unit_dirs); do [ "$(cat "$_d/sync_mode")" = master ] && echo "$_d"; done; }
# try_write FILE VALUE: the driver must refuse VALUE and change nothing
try_refuse() {
	_b=$(cat "$1")
	if /usr/bin/printf '%s' "$2" > "$1" 2> "$T/err"; then
		unexpected "the driver accepted $2 for ${1##*/}"
	else
		echo "  echo $2 > ${1##*/}: refused: $(sed 's/.*: //' "$T/err"); still $(cat "$1")"
		[ "$(cat "$1")" = "$_b" ] || unexpected "${1##*/} changed to $(cat "$1")"
	fi
}

step "Debian kernel $(uname -r): vhci-hcd, k4a.ko, udevd with k4a's udev rules, k4actl"
modprobe vhci-hcd || exit 1
k4a_load || exit 1
install -D -m 0755 "$K4A_BUILD/bin/k4actl" "$CTL"
mkdir -p /etc/udev/rules.d /usr/lib/udev
cp "$K4A_ROOT/userspace/udev/70-k4a.rules" /etc/udev/rules.d/70-k4a.rules
install -m 0755 "$K4A_ROOT/userspace/udev/k4a-udev" /usr/lib/udev/k4a-udev
UDEVD=
for d in /usr/lib/systemd/systemd-udevd /lib/systemd/systemd-udevd; do
	[ -x "$d" ] && UDEVD=$d && break
done
[ -n "$UDEVD" ] || { echo "no systemd-udevd in the guest"; exit 1; }
"$UDEVD" > "$T/udevd.log" 2>&1 &
udevd_pid=$!
# devices that appear before udevd listens would miss the rules: wait until it answers
udevd_up() { udevadm control --ping --timeout=5 > /dev/null 2>&1; }
k4a_wait "" udevd_up || unexpected "udevd does not answer"

# every sync state change the driver announces (KOBJ_CHANGE, K4A_SYNC_STATE=...)
LB=
command -v stdbuf > /dev/null && LB="stdbuf -oL"
SYSTEMD_IGNORE_CHROOT=1 $LB udevadm monitor --kernel --property --subsystem-match=k4a \
	> "$T/uevents" 2>&1 &
mon_pid=$!
useradd -M -s /bin/sh -G video rig 2> /dev/null || id rig > /dev/null || exit 1
# as_rig COMMAND...: a user in the video group, no root
as_rig() { setpriv --reuid=rig --regid="$(id -g rig)" --init-groups -- "$@"; }
echo "  k4actl runs as user 'rig' ($(id rig | sed 's/.*groups=/groups /')), not as root"

DRIFT=0:40,1:-25,2:80
step "emulator: $UNITS units daisy-chained (unit 0's Sync Out into unit 1's Sync In, ...), clock rate errors +40/-25/+80 ppm, USB delivery jitter (Pareto, 500 us scale)"
emu -n "$UNITS" -t daisy -d "$DRIFT" -j 0,500,pareto -c "$SOCK" -l "$T/side.log" \
	> "$T/emu.log" 2>&1 &
emu_pid=$!
named() { # every unit formed and its four /dev/k4a names exist
	[ "$(unit_dirs | wc -l)" -ge "$UNITS" ] || return 1
	for _d in $(unit_dirs); do
		for _n in color color-meta depth depth-meta; do
			[ -e "/dev/k4a/$(serial_of "$_d")/$_n" ] || return 1
		done
	done
}
if k4a_wait "" named; then
	echo "  all $UNITS units formed and named $K4A_WAITED s after the emulator started"
	# no real camera or host controller waits for a CPU (Documentation/timestamps.rst)
	k4a_punctual "$emu_pid" && echo "  emulator at nice -20, vhci_hcd's receive threads SCHED_FIFO"
else
	unexpected "only $(unit_dirs | wc -l) units formed, or their /dev/k4a names are missing"
	exit 1
fi
dmesg | grep -E 'k4a k4a[0-9]+:.*(formed|unit)' | sed 's/^\[[^]]*\] /  /' | head -n "$UNITS"
echo "  stable names (udev):"
for d in $(unit_dirs); do
	s=$(serial_of "$d")
	echo "    /dev/k4a/$s/: $(for n in color color-meta depth depth-meta; do
		printf '%s -> %s  ' "$n" "$(basename "$(readlink "/dev/k4a/$s/$n")")"; done)"
done
ls -l "$(readlink -f "/dev/k4a/$(serial_of "$(unit_dirs | head -n1)")/color")" | indent

step "k4actl topology: the chain as wired, read from the jacks"
as_rig "$CTL" topology | indent
[ "$(as_rig "$CTL" topology > /dev/null 2>&1; echo $?)" = 0 ] || unexpected "topology failed"

step "k4actl plan: roles and delays so that no two depth lasers share a 160 us window"
as_rig "$CTL" plan > "$T/plan" 2>&1 || unexpected "plan failed (exit $?)"
indent < "$T/plan"
M=$(master_dir)
# emulated unit 0 heads the chain (serial 000123456701): nothing in its Sync In
[ -n "$M" ] && [ "$(serial_of "$M")" = 000123456701 ] ||
	unexpected "the head of the chain (000123456701) is not the master after the plan: ${M:-none}"

step "the driver refuses what the device cannot do, and changes nothing"
S1=$(unit_dirs | sed -n 2p)
try_refuse "$S1/depth_delay_off_color_usec" 40000
try_refuse "$S1/sync_mode" mastre
try_refuse "$M/subordinate_delay_off_master_usec" 100

step "k4actl start: the units' applications started in the wrong order, the master's first; the master's start gate holds it until every subordinate is armed"
as_rig "$CTL" start --timeout 120 > "$T/start" 2>&1 &
start_pid=$!
gate_closed() { [ "$(cat "$M/start_gate")" = closed ]; }
k4a_wait "" gate_closed || unexpected "k4actl start did not close the master's start gate"
apps=
# per unit a colour and a depth capture (v4l2-ctl; depth in passive IR, the smallest raw
# frame): a unit with a depth delay runs once both stream
for d in $M $(unit_dirs | grep -vx "$M"); do
	s=$(serial_of "$d")
	as_rig v4l2-ctl -d "/dev/k4a/$s/color" --set-fmt-video=width=1280,height=720,pixelformat=MJPG \
		--set-parm=$FPS --stream-mmap --stream-count=1000000 > "$T/app-$s-color.log" 2>&1 &
	apps="$apps $!"
	as_rig v4l2-ctl -d "/dev/k4a/$s/depth" --set-fmt-video=pixelformat=K4PI \
		--set-parm=$FPS --stream-mmap --stream-count=1000000 > "$T/app-$s-depth.log" 2>&1 &
	apps="$apps $!"
	echo "  started v4l2-ctl on /dev/k4a/$s/color and /dev/k4a/$s/depth ($(cat "$d/sync_mode")): sync_state $(cat "$d/sync_state")"
	sleep 1
done
wait "$start_pid"
rc=$?
indent < "$T/start"
[ "$rc" = 0 ] || unexpected "k4actl start exited $rc"
for f in "$T"/app-*.log; do
	grep -qi -e fail -e error "$f" && { echo "  ${f##*/}:"; tail -n 3 "$f" | indent; }
done
for d in $(unit_dirs); do
	case "$(cat "$d/sync_mode"):$(cat "$d/sync_state")" in
	master:streaming | subordinate:locked) ;;
	*) unexpected "$(serial_of "$d") is $(cat "$d/sync_mode") and $(cat "$d/sync_state")" ;;
	esac
done
early=$(awk -v ms="$(serial_of "$M")" '
	$2 == "color" && !($1 in first) { first[$1] = $5 }
	END { n = 0; for (s in first) if (s != ms && first[s] < first[ms]) n++; print n }' "$T/side.log")
echo "  subordinates whose first frame was exposed before the master's first (emulator side log): $early"
[ "$early" = 0 ] || unexpected "a subordinate made frames before the master started"

step "k4actl watch: live rates, clock error and the spread of the latest frames (three refreshes)"
as_rig "$CTL" watch --count 3 --interval 2 2>&1 | indent

step "k4actl stop: the applications end, the master's gate closes for the next ordered start"
as_rig "$CTL" stop > "$T/stop" 2>&1 || unexpected "k4actl stop exited $?"
indent < "$T/stop"
# shellcheck disable=SC2086
wait $apps 2> /dev/null
idle() { for _d in $(unit_dirs); do [ "$(cat "$_d/sync_state")" = idle ] || return 1; done; }
k4a_wait "" idle || unexpected "not every unit is idle after stop"

step "k4actl capture: $SETS synchronised frame sets, colour MJPG 1280x720 and raw depth (passive IR: the smallest raw frame, so that three units fit the emulated bus) at $FPS fps, after the rig has streamed a minute (--settle 60: the clock estimators widen their window over the first minute)"
# the recording (1.5 GiB) in a memory file system of its own, writable by the user
rm -rf "$REC"
mkdir -p "$REC"
mount -t tmpfs -o size=2g,mode=1777 k4a-rig "$REC" || unexpected "no file system for the recording"
t0=$(k4a_now)
as_rig "$CTL" capture -n "$SETS" -o "$REC" --fps $FPS --depth passive-ir --color mjpg:1280x720 \
	--settle 60 --timeout 120 > "$T/capture" 2> "$T/capture.err"
rc=$?
indent < "$T/capture"
echo "  ($(k4a_secs "$t0") s; $(du -sh "$REC" 2> /dev/null | cut -f1) in $REC)"
[ "$rc" = 0 ] || { unexpected "k4actl capture exited $rc"; indent < "$T/capture.err"; }
n=$(($(wc -l < "$REC/frames.csv" 2> /dev/null || echo 1) - 1))
[ "$n" = "$SETS" ] || unexpected "frames.csv has $n sets, not $SETS"

step "proof: every recorded frame's timestamp against the emulator's ground truth (k4a-tsstat)"
"$K4A_BUILD/bin/k4a-tsstat" --skip 0 --capture "$REC" > "$T/tsstat" 2>&1 || unexpected "k4a-tsstat failed"
sed 's/^tsstat: /  /' "$T/tsstat"
# the frames of a set are the frames one sync pulse triggered: their true starts of exposure,
# minus the configured delays, agree within the emulator's own rounding
# how many recorded sets hold one frame of every unit from one pulse depends on how far the
# timestamps strayed under this host's load (a figure); the sets that do agree in truth
gts=$(sed -n 's/.*color cross-unit spread over \([0-9]*\) frame sets.*own spread max \([0-9.]*\) us.*/\1 \2/p' "$T/tsstat")
echo "  recorded sets whose colour frames are one sync pulse's (ground truth): ${gts%% *} of $SETS"
awk -v g="${gts##* }" 'BEGIN { exit !(g != "" && g <= 20) }' ||
	unexpected "the ground truth of the recorded frame sets does not agree (spread ${gts##* } us)"

step "sync state transitions of each unit (uevents K4A_SYNC_STATE, as udevadm monitor saw them)"
for d in $(unit_dirs); do
	u=${d##*/}
	printf '  %s %-12s %s\n' "$u" "($(cat "$d/sync_mode"))" "$(awk -v u="/$u" '
		/^DEVPATH=/ { mine = substr($0, length($0) - length(u) + 1) == u }
		mine && /^K4A_SYNC_STATE=/ { sub(/^K4A_SYNC_STATE=/, ""); printf "%s%s", n++ ? " -> " : "", $0 }' \
		"$T/uevents")"
done
grep -q 'K4A_SYNC_STATE=locked' "$T/uevents" || unexpected "no uevent announced a locked subordinate"

umount "$REC" 2> /dev/null
kill "$mon_pid" 2> /dev/null
emu ctl "$SOCK" quit > /dev/null 2>&1 || kill "$emu_pid"
wait "$emu_pid"
kill "$udevd_pid" 2> /dev/null
wait "$udevd_pid" 2> /dev/null
k4a_unload || exit 1
echo
echo "== emulator stopped, k4a unloaded; the bench checks the kernel log of the whole run"
if [ "$BAD" -gt 0 ]; then
	echo "demo: $BAD step(s) did not do what the demo says (UNEXPECTED above)"
	exit 1
fi
