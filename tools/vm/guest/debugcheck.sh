# Guest half of the debug-kernel bench self-test: load k4a_debugcheck with bug=$1 (uaf, abba,
# sleep, leak or none), scan kmemleak, unload. The host expects vm-run.sh to fail the run
# (exit 99) with the matching report for every bug and to pass it with bug=none.
. "$K4A_ROOT/tools/vm/guest/debug-lib.sh"
ko=$K4A_BUILD/debugcheck/$K4A_KVER/k4a_debugcheck.ko
kmemleak_ready || exit 1
insmod "$ko" bug="$1" || exit 1
kmemleak_scan "debugcheck-$1" || exit 1
rmmod k4a_debugcheck || exit 1
echo "debugcheck: loaded and unloaded with bug=$1"
