#!/bin/bash
# dmesg-check.sh DMESG [TAINTED]: fail (exit 1, listing the lines) when the guest kernel log
# shows a warning, BUG, oops, GPF, lockdep/KASAN/UBSAN/kmemleak report, use-after-free, refcount_t
# saturation/underflow, list corruption, soft lockup, RCU stall or hung task, or when the taint
# flags record a warning (W), a die (D) or a soft lockup (L).
set -uo pipefail
dmesg=${1:?dmesg file}
tainted=${2:-}
pat='WARNING:|------------\[ cut here \]|BUG:|kernel BUG|Oops|general protection|lockdep|possible (circular|recursive) locking|DEBUG_LOCKS_WARN|use-after-free|refcount_t|KASAN:|UBSAN:|list_(add|del) corruption|soft lockup|rcu.*detected stalls|blocked for more than|hung_task|Kernel panic|stack-protector'
# kmemleak (debug kernel): a scan's report lines and its summary, and kmemleak switching itself off.
pat+='|unreferenced object 0x|suspected memory leak|[Kk]memleak.*(disabled|[Cc]annot|pool empty)'
# Boot banners of the debug kernel's options that match the patterns above but report nothing.
benign='rcu:[[:space:]]+RCU (lockdep checking|callback double-/use-after-free debug) is enabled'
reports() { grep -Ea "$pat" "$dmesg" | grep -Eav "$benign"; }
bad=0
if [ -f "$dmesg" ] && reports > /dev/null; then
	echo "dmesg-check: kernel reports in $dmesg:"
	reports | head -n 20 | sed 's/^/dmesg-check:   /'
	bad=1
fi
if [ -n "$tainted" ] && [ -f "$tainted" ]; then
	t=$(cat "$tainted")
	# D (die) = 1<<7, W (warn) = 1<<9, L (soft lockup) = 1<<14
	if [ -n "$t" ] && [ $((t & ((1 << 7) | (1 << 9) | (1 << 14)))) -ne 0 ]; then
		echo "dmesg-check: kernel taint $t has D/W/L set"
		bad=1
	fi
fi
[ -f "$dmesg" ] || { echo "dmesg-check: no dmesg captured"; bad=1; }
exit $bad
