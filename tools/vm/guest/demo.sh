# Guest half of `make demo`.
. "$K4A_ROOT/tools/vm/guest/demo-lib.sh" 2>/dev/null || true
. "$K4A_ROOT/tools/vm/guest-lib.sh"
echo "== kernel: $(uname -r)"
echo "== module: $K4A_KO"
modinfo "$K4A_KO" | grep -E '^(filename|description|license|alias|depends|vermagic|parm):'
k4a_load || exit 1
echo "== loaded:"
grep '^k4a ' /proc/modules
ls /sys/bus/usb/drivers/k4a/
if command -v demo_units > /dev/null 2>&1; then
	demo_units || exit 1
fi
k4a_unload || exit 1
echo "== kernel log:"
dmesg | grep -i k4a
