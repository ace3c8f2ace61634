#!/bin/sh
# The depth node's rules: the per-unit buffer memory limit (REQBUFS beyond it is ENOMEM,
# CREATE_BUFS gets what still fits), the master rule (depth STREAMON on a master whose colour
# stream does not run is refused with EPIPE and a log line naming the rule; with colour
# streaming it starts), a subordinate may stream depth alone (no frames until its master's
# pulses come, and no error), one format while buffers exist and one frame rate per unit.
. "$K4A_ROOT/tools/vm/guest-lib.sh"
. "$K4A_ROOT/tools/emu/guest-lib.sh"
. "$K4A_ROOT/selftests/k4a/depth_lib.inc"
ktap_plan 8
if ! depth_up; then
	ktap_result 1 "k4a binds the emulated unit: depth and depth metadata nodes"
	ktap_totals
	exit 1
fi
echo "# unit $S: depth $D, metadata $DM, colour $V"
ktap_result 0 "k4a binds the emulated unit: depth and depth metadata nodes"
U=$(depth_unit_dir "$S")

# Memory: K4A_DEPTH_BUFFER_BYTES_MAX (128 MiB) per unit: 14 WFOV unbinned buffers
# (9,441,280 bytes each in pages), 25 NFOV ones.
v4l2-ctl -d "$D" --set-fmt-video=pixelformat=K4WU > /dev/null
out=$( {
	"$DCAP_BIN" -R 14 "$D"
	"$DCAP_BIN" -R 15 "$D"
	"$DCAP_BIN" -R 1 "$D"
	"$DCAP_BIN" -R 32 -c "$D"
	v4l2-ctl -d "$D" --set-fmt-video=pixelformat=K4NU > /dev/null
	"$DCAP_BIN" -R 25 "$D"
	"$DCAP_BIN" -R 26 "$D"
} 2>&1)
echo "$out" | sed 's/^/# /'
[ "$out" = "REQBUFS 14 -> 14
REQBUFS 15 -> ENOMEM
REQBUFS 1 -> 4
CREATE_BUFS 32 -> 14
REQBUFS 25 -> 25
REQBUFS 26 -> ENOMEM" ]
ktap_result $? "REQBUFS beyond 128 MiB per unit fails with ENOMEM, CREATE_BUFS gets what fits, at least 4 buffers"

# One format while buffers exist; one rate per unit while a stream runs.
"$DCAP_BIN" -f K4NU -r 5 -n 100000000 -b 4 "$D" > /dev/null 2>&1 &
bg=$!
depth_on() { emu_ctl dump 0 | grep -q ' depth_on=1 '; }
k4a_wait "depth streaming" depth_on
fmt=$(v4l2-ctl -d "$D" --set-fmt-video=pixelformat=K4PI 2>&1)
fmt_rc=$?
v4l2-ctl -d "$V" --set-fmt-video=width=1280,height=720,pixelformat=MJPG --set-parm=30 > /dev/null
col=$(v4l2-ctl -d "$V" --stream-mmap=4 --stream-count=1 2>&1)
{ kill $bg && wait $bg; } 2> /dev/null
echo "# S_FMT while streaming: rc $fmt_rc: $(echo "$fmt" | tail -n 1)"
echo "# colour at 30 fps while depth streams at 5: $(echo "$col" | grep -i busy | head -n 1)"
echo "$fmt" | grep -q busy && echo "$col" | grep -q busy
ktap_result $? "S_FMT while streaming and a second rate on the unit fail with EBUSY"

# The master rule.
emu_ctl jack 0 out 1 > /dev/null
echo master > "$U/sync_mode"
dmesg -c > /dev/null
out=$(timeout -k 5 60 "$DCAP_BIN" -f K4NU -r 5 -n 1 -t 10 "$D" 2>&1)
rc=$?
log=$(dmesg | grep -c 'depth refused: a master streams colour first')
echo "# depth alone on a master: rc $rc, '$out', log lines $log, state $(cat "$U/state")"
[ "$rc" = 1 ] && echo "$out" | grep -q 'STREAMON .*EPIPE' && [ "$log" = 1 ] &&
	[ "$(cat "$U/state")" = idle ]
ktap_result $? "depth STREAMON on a master without colour: EPIPE, a log line naming the rule, nothing runs"

v4l2-ctl -d "$V" --set-fmt-video=width=1280,height=720,pixelformat=MJPG --set-parm=5 > /dev/null
v4l2-ctl -d "$V" --stream-mmap=8 --stream-count=100000000 > /dev/null 2>&1 &
bg=$!
color_on() { emu_ctl dump 0 | grep -q ' color_on=1 '; }
k4a_wait "colour streaming on the master" color_on
CAP=/tmp/depth-rules
timeout -k 5 "$K4A_WAIT_S" "$DCAP_BIN" -f K4NU -r 5 -n 10 -b 6 -m "$DM" "$D" > "$CAP.txt" 2>&1
rc=$?
res=$(depth_judge stream "$CAP.txt")
echo "$res" | grep '^#'
state=$(cat "$U/state")
{ kill $bg && wait $bg; } 2> /dev/null
echo "# master with colour: depth helper rc $rc, state while both ran: $state"
[ "$rc" = 0 ] && [ "$(echo "$res" | tail -n 1)" = "RESULT ok" ] && [ "$state" = streaming ]
ktap_result $? "with colour streaming, the master's depth node streams: 10 whole frames"

# A subordinate may stream depth alone; without pulses no frame comes, and that is no error.
echo standalone > "$U/sync_mode"
emu_ctl jack 0 out 0 > /dev/null
emu_ctl jack 0 in 1 > /dev/null
echo subordinate > "$U/sync_mode"
dmesg -c > /dev/null
timeout -k 5 60 "$DCAP_BIN" -f K4NU -r 5 -n 1 -t 6 -m "$DM" "$D" > "$CAP.txt" 2>&1
rc=$?
errs=$(dmesg | grep -c 'k4a.*depth')
echo "# subordinate without pulses: helper rc $rc (2: its bound passed without a frame), $(wc -l < "$CAP.txt") lines, depth log lines $errs; $(depth_stats)"
[ "$rc" = 2 ] && [ "$errs" = 0 ] && ! grep -q '^[VME]' "$CAP.txt"
ktap_result $? "a subordinate streams depth alone: STREAMON succeeds, no frame and no error without pulses"
echo standalone > "$U/sync_mode"
emu_ctl jack 0 in 0 > /dev/null

# After all that, the node still streams.
timeout -k 5 "$K4A_WAIT_S" "$DCAP_BIN" -f K4PI -r 15 -n 10 -b 6 -m "$DM" "$D" > "$CAP.txt" 2>&1
rc=$?
res=$(depth_judge stream "$CAP.txt")
echo "$res" | grep '^#'
[ "$rc" = 0 ] && [ "$(echo "$res" | tail -n 1)" = "RESULT ok" ]
ktap_result $? "standalone again: 10 whole passive IR frames"
rm -f "$CAP.txt"

# Memory pinned by a unit streaming each mode with the default 4 buffers (figures).
for f in K4NB K4NU K4WB K4WU K4PI; do
	v4l2-ctl -d "$D" --set-fmt-video=pixelformat=$f > /dev/null
	sz=$(v4l2-ctl -d "$D" --get-fmt-video | sed -n 's/.*Size Image *: *//p')
	echo "# $f: sizeimage $sz bytes, 4 buffers pin $((4 * ((sz + 4095) / 4096) * 4096)) bytes"
done
depth_down
ktap_result $? "the unit goes with the emulator, k4a unloads"
ktap_totals
