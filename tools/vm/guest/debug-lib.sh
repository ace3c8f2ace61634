# Sourced by the guest scripts of debug-kernel runs (POSIX sh, runs inside the bench guest).
# kmemleak_ready        0 when kmemleak is active; from then on each scan also prints every new
#                       report in the kernel log, where dmesg-check.sh fails the run on it
# kmemleak_scan LABEL   scan twice, keep the reports in $K4A_OUT/kmemleak-LABEL.txt, then
#                       forget them so that the next call names only new ones. kmemleak
#                       reports an object only when it is at least 5 s old and unchanged since
#                       the scan before: the first scan records, the second (5 s later at the
#                       earliest) reports what the step before the call lost.
KMEMLEAK=/sys/kernel/debug/kmemleak

kmemleak_ready() {
	[ -e "$KMEMLEAK" ] || mount -t debugfs debugfs /sys/kernel/debug 2> /dev/null
	if [ ! -w "$KMEMLEAK" ] || ! echo 1 > /sys/module/kmemleak/parameters/verbose; then
		echo "# kmemleak: not active on this kernel ($K4A_KVER)"
		return 1
	fi
}

kmemleak_scan() {
	f=$K4A_OUT/kmemleak-$1.txt
	echo "k4a-debug: kmemleak scan after $1" > /dev/kmsg
	t0=$(cut -d' ' -f1 /proc/uptime)
	echo scan > "$KMEMLEAK" || { echo "# kmemleak: scan failed"; return 1; }
	sleep "$(awk -v t0="$t0" '{d = t0 + 5 - $1; printf "%.1f", (d > 0 ? d : 0)}' /proc/uptime)"
	echo scan > "$KMEMLEAK" || { echo "# kmemleak: scan failed"; return 1; }
	cat "$KMEMLEAK" > "$f"
	n=$(grep -c '^unreferenced object' "$f")
	echo "# kmemleak after $1: $n unreferenced object(s)"
	[ "$n" -gt 0 ] || rm -f "$f"
	echo clear > "$KMEMLEAK"
}
