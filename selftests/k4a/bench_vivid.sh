# Bench soundness: the guest's v4l2-compliance is recent enough (>= 1.30) and passes the kernel's
# own virtual driver vivid, streaming included. If this fails, the tools, not k4a, are suspect.
. "$K4A_ROOT/tools/vm/guest-lib.sh"
ktap_plan 3
ver=$(v4l2-compliance --version 2>/dev/null | sed -n 's/^v4l2-compliance \([0-9]*\)\.\([0-9]*\).*/\1 \2/p')
set -- $ver
if [ -n "$ver" ] && { [ "$1" -gt 1 ] || [ "$2" -ge 30 ]; }; then
	ktap_result 0 "v4l2-compliance version $1.$2 >= 1.30"
else
	ktap_result 1 "v4l2-compliance version >= 1.30" "found '$ver'"
fi
if ! modprobe vivid; then
	ktap_result 1 "vivid loads"
	ktap_result 1 "vivid passes v4l2-compliance -s"
	ktap_totals
	exit 1
fi
ktap_result 0 "vivid loads"
dev=$(for d in /sys/class/video4linux/video*; do
	grep -qx 'vivid-000-vid-cap' "$d/name" 2>/dev/null && echo "/dev/${d##*/}"; done | head -n1)
out=$K4A_OUT/vivid-compliance.txt
v4l2-compliance -d "${dev:-/dev/video0}" -s > "$out" 2>&1
total=$(grep -a '^Total for' "$out" | tail -n1)
echo "# $total"
case "$K4A_KVER" in
6.1.*)
	# 6.1's vb2 predates what v4l2-compliance >= 1.28 checks for REQBUFS counts; the series
	# that must pass cleanly is 6.12.
	if echo "$total" | grep -q 'Failed: 0, Warnings: 0'; then
		ktap_result 0 "vivid passes v4l2-compliance -s"
	else
		ktap_result skip "vivid passes v4l2-compliance -s" "known vb2 differences on 6.1: $total"
	fi ;;
*)
	if echo "$total" | grep -q 'Failed: 0, Warnings: 0'; then
		ktap_result 0 "vivid passes v4l2-compliance -s"
	else
		grep -a -E 'fail:|warn:' "$out" | head -n 20 | sed 's/^/# /'
		ktap_result 1 "vivid passes v4l2-compliance -s" "$total"
	fi ;;
esac
rmmod vivid
ktap_totals
