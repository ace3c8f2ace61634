#!/bin/sh
# v4l2-compliance on k4a.ko's depth node (NFOV unbinned at 5 fps) and, while the depth node
# streams, on its metadata node, both with streaming tests: Failed 0, Warnings 0 ("got
# sequence number" warnings, a late application, are a figure).
. "$K4A_ROOT/tools/vm/guest-lib.sh"
. "$K4A_ROOT/tools/emu/guest-lib.sh"
. "$K4A_ROOT/selftests/k4a/depth_lib.inc"
# frames per streaming test of v4l2-compliance (its default, 60, takes minutes at 5 fps)
CN=${K4A_COMPLIANCE_FRAMES:-12}
ktap_plan 4
if ! depth_up; then
	ktap_result 1 "k4a binds the emulated unit: depth and depth metadata nodes"
	ktap_totals
	exit 1
fi
echo "# unit $S: depth $D, metadata $DM"
ktap_result 0 "k4a binds the emulated unit: depth and depth metadata nodes"

v4l2-ctl -d "$D" --set-fmt-video=pixelformat=K4NU --set-parm=5 > /dev/null
t0=$(k4a_now)
timeout -k 5 "$K4A_WAIT_S" v4l2-compliance -d "$D" --streaming="$CN" 2>&1 | tr '\r' '\n' \
	> "$K4A_OUT/depth-compliance.log"
echo "# depth node: v4l2-compliance -s took $(k4a_secs "$t0") s; $(depth_stats)"
k4a_compliance "depth node" "$K4A_OUT/depth-compliance.log"
ktap_result $? "depth node $D: v4l2-compliance -s Failed 0, Warnings 0"

# The metadata node carries records only while the depth node streams.
"$DCAP_BIN" -f K4NU -r 5 -n 100000000 -b 6 "$D" > /dev/null 2> "$K4A_OUT/depth-compliance-bg.log" &
bg=$!
depth_on() { emu_ctl dump 0 | grep -q ' depth_on=1 '; }
k4a_wait "depth node streaming in the background" depth_on
t0=$(k4a_now)
timeout -k 5 "$K4A_WAIT_S" v4l2-compliance -d "$DM" --streaming="$CN" 2>&1 | tr '\r' '\n' \
	> "$K4A_OUT/depth-meta-compliance.log"
echo "# metadata node: v4l2-compliance -s took $(k4a_secs "$t0") s"
k4a_compliance "metadata node" "$K4A_OUT/depth-meta-compliance.log"
r=$?
{ kill $bg && wait $bg; } 2> /dev/null
ktap_result $r "depth metadata node $DM: v4l2-compliance -s Failed 0, Warnings 0 (depth node streaming)"
depth_down
ktap_result $? "the unit goes with the emulator, k4a unloads"
ktap_totals
