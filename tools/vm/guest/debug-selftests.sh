# Guest half of the selftest run on the debug kernel: the selftests matching "$@" (shell
# patterns, default all), one selftests/run.sh per test, in run.sh's order, each followed by a
# kmemleak scan. $K4A_OUT/summary.tsv and the test logs end up where run.sh puts them.
. "$K4A_ROOT/tools/vm/guest/debug-lib.sh"
[ $# -gt 0 ] || set -- '*'
kmemleak_ready || exit 1
out=$K4A_OUT
: > "$out/summary.tsv"
names=$(
	{
		ls "$K4A_BUILD/selftests" 2> /dev/null
		for f in "$K4A_ROOT"/selftests/k4a/*.sh; do [ -f "$f" ] && basename "$f" .sh; done
	} | sort -u | awk '/^module_/ {print "0 " $0; next} {print "1 " $0}' | sort | cut -d' ' -f2
)
rc=0
for name in $names; do
	match=0
	for p in "$@"; do
		case "$name" in $p) match=1 ;; esac
	done
	[ $match = 1 ] || continue
	mkdir -p "$out/$name.d"
	K4A_OUT=$out/$name.d sh "$K4A_ROOT/selftests/run.sh" "$name" |
		grep --line-buffered -v '^# selftests: '
	cat "$out/$name.d/summary.tsv" >> "$out/summary.tsv"
	rm -f "$out/$name.d/summary.tsv"
	mv "$out/$name.d"/* "$out/" 2> /dev/null
	rmdir "$out/$name.d" 2> /dev/null
	kmemleak_scan "$name" || rc=1
done
if [ ! -s "$out/summary.tsv" ]; then
	echo "# selftests: no test matched '$*'"
	exit 1
fi
awk -F'\t' '{p += $2; f += $3; s += $4} END {printf "# selftests: %d passed, %d failed, %d skipped\n", p, f, s; exit (f > 0)}' "$out/summary.tsv" || rc=1
exit $rc
