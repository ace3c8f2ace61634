# Guest half of the bench self-test: load the bench check module with warn=$1, unload it.
# The host expects vm-run.sh to fail this run (exit 99) when warn=1 and to pass it when warn=0.
ko=$K4A_BUILD/benchcheck/$K4A_KVER/k4a_benchcheck.ko
insmod "$ko" warn="$1" || exit 1
rmmod k4a_benchcheck || exit 1
echo "benchcheck: loaded and unloaded with warn=$1"
