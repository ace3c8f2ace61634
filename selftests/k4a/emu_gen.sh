#!/bin/sh
# Emulator sync model with an external generator: generator -> unit 0 -> unit 1 (daisy), both
# subordinates with depth only. Nothing flows until the generator runs; then depth exposures start
# exactly on the generator's 5 Hz grid plus each unit's delay; the laser check counts overlapping
# pulses for delays 100 us apart and none for 160 us; cutting a cable silences the unit behind it
# and updates both jacks.
. "$K4A_ROOT/tools/vm/guest-lib.sh"
. "$K4A_ROOT/tools/emu/guest-lib.sh"
ktap_plan 9
if ! emu_start -n 2 -t gen5 --no-uvc; then
	ktap_result 1 "emulator with 2 units enumerates"
	ktap_totals
	exit 1
fi
ktap_result 0 "emulator with 2 units enumerates"
emu_ctl gen stop > /dev/null
S0=$(emu_serial 0) S1=$(emu_serial 1)
jack() { $PROBE -s "$1" cmd color 0x80000006 1 | sed -n 's/.*data=//p'; }
j0=$(jack "$S0") j1=$(jack "$S1")
[ "$j0" = 03 ] && [ "$j1" = 01 ]
ktap_result $? "jacks: generator -> unit 0 (03) -> unit 1 (01): $j0 $j1"
le32() { printf '%02x%02x%02x%02x' $(($1 & 255)) $((($1 >> 8) & 255)) $((($1 >> 16) & 255)) $((($1 >> 24) & 255)); }
start() { # serial delay_ticks: subordinate, NFOV depth at 5 fps, not read (device buffer drops)
	$PROBE -s "$1" cmd color 0x80000001 0 "02000000$(le32 "$2")0000000001" > /dev/null &&
		$PROBE -s "$1" cmd depth 0xe1 0 04000000 > /dev/null &&
		$PROBE -s "$1" cmd depth 0x103 0 05000000 > /dev/null &&
		$PROBE -s "$1" cmd depth 0x09 > /dev/null && $PROBE -s "$1" cmd depth 0xf1 > /dev/null
}
stop() {
	$PROBE -s "$1" cmd depth 0xf2 > /dev/null && $PROBE -s "$1" cmd depth 0x0a > /dev/null
}
start "$S0" 0 && start "$S1" 9		# 9 ticks = 100 us
ktap_result $? "both units configured as subordinates and streaming depth"
sleep 2
n=$(grep -c ' depth ' "$EMU_LOG")
[ "$n" -eq 0 ]
ktap_result $? "nothing before the generator starts ($n frames)"
emu_ctl gen start 5 > /dev/null
sleep 5
L=$(emu_ctl laser 3 | sed -n 's/^laser 0 1 .*overlapping_pulses=\([0-9]*\).*/\1/p')
[ "${L:-0}" -gt 0 ]
ktap_result $? "laser: delays 100 us apart overlap ($L pulses)"
stop "$S1" && $PROBE -s "$S1" cmd color 0x80000001 0 "02000000$(le32 15)0000000001" > /dev/null
sleep 1
start "$S1" 15				# 15 ticks = 167 us
sleep 4
L=$(emu_ctl laser 3 | sed -n 's/^laser 0 1 .*overlapping_pulses=\([0-9]*\).*/\1/p')
E=$(emu_ctl laser 3 | sed -n 's/^laser 0 1 exposures=\([0-9]*\).*/\1/p')
[ "${L:-1}" -eq 0 ] && [ "${E:-0}" -gt 0 ]
ktap_result $? "laser: delays 167 us apart do not overlap ($L pulses over $E exposure pairs)"
emu_ctl cable 1 none > /dev/null
# Ground truth instead of a pause: after the cut (emulator time), unit 0 goes on exposing on the
# generator's pulses and unit 1 starts no exposure (a pulse just before the cut may still start
# one up to its 167 us delay later: 1 ms of slack).
tcut=$(emu_ctl dump | sed -n 's/^emu .*now_ns=\([0-9]*\).*/\1/p')
after_cut() { # serial: depth exposures that started after the cut + 1 ms
	emu_ctl dump > /dev/null	# a round trip: the side log is written up to here
	awk -v s="$1" -v t="$tcut" '$1 == s && $2 == "depth" && $5 > t + 1000000' "$EMU_LOG" | wc -l
}
unit0_goes_on() { [ "$(after_cut "$S0")" -ge 3 ]; }
k4a_wait "unit 0: three exposures after the cut" unit0_goes_on
c1=$(after_cut "$S1")
j0=$(jack "$S0") j1=$(jack "$S1")
echo "# unit 1 exposures after the cut: $c1"
[ -n "$tcut" ] && [ "$c1" -eq 0 ] && [ "$j0" = 01 ] && [ "$j1" = 00 ]
ktap_result $? "cable cut: unit 1 silent, jacks $j0 $j1"
stop "$S0"
stop "$S1"
emu_stop
# frames still in the device buffers are logged when the streams stop: check after that
# depth start of exposure = generator pulse + delay + (colour centre alignment: none, colour off)
sort -n -k5 "$EMU_LOG" | awk -v a="$S0" '$1 == a && $2 == "depth" { t[++n] = $5 }
	END { bad = 0; for (i = 2; i <= n; i++) { d = t[i] - t[i - 1]; if (d != 200000000) bad++ }
	      printf "# unit 0: %d exposures, %d not 200 ms apart\n", n, bad; exit (n < 10 || bad > 0) }'
ktap_result $? "unit 0 exposures exactly on the generator's 5 Hz grid"
awk -v a="$S0" -v b="$S1" '$2 == "depth" && $1 == a { m[sprintf("%.0f", $5)] = 1 }
	$2 == "depth" && $1 == b { s[++n] = $5 }
	END { bad = 0
	      for (i = 1; i <= n; i++) {
		      ok = 0
		      for (d = 100000; d <= 166667; d++) {
			      if (d == 100001) d = 166666
			      if (sprintf("%.0f", s[i] - d) in m) ok = 1
		      }
		      if (!ok) { bad++; printf "# unit 1 exposure at %.0f has no unit 0 exposure before it\n", s[i] }
	      }
	      printf "# unit 1: %d exposures, %d not at a unit-0 exposure + its delay\n", n, bad; exit (n < 10 || bad > 0) }' \
	"$EMU_LOG"
ktap_result $? "unit 1 exposures at unit 0's pulse + its delay (100 us, then 167 us)"
ktap_totals
