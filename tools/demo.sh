#!/bin/bash
# make demo: install what is needed, build, boot the bench guest on Debian's kernel and show
# k4a at work there (tools/vm/guest/demo.sh). KVER= picks the kernel (default: the newest).
# Any step that fails says which one (tools/vm/common.sh); `make check` runs the guest part too.
set -euo pipefail
. "$(dirname "$0")/vm/common.sh"
"$K4A_ROOT/tools/vm/setup.sh"
make -s -C "$K4A_ROOT" all
kver=${KVER:-$("$K4A_ROOT/tools/vm/kernels.sh" list | tail -n1)}
[ -n "$kver" ] || k4a_die "no bench kernel in $K4A_CACHE/kernels (tools/vm/kernels.sh fetch)"
rundir=$K4A_BUILD/runs/demo-$kver
echo "demo: booting Debian kernel $kver under QEMU"
rc=0
# 3 GiB: the recording (300 frame sets of three units, 1.5 GiB) stays in the guest's memory,
# and all of it lies below 4 GiB, where the emulated USB host controller reaches it without
# bounce buffers
RUNDIR=$rundir TIMEOUT=${TIMEOUT:-900} MEM=${MEM:-3G} \
	"$K4A_ROOT/tools/vm/vm-run.sh" "$kver" "$K4A_ROOT/tools/vm/guest/demo.sh" || rc=$?
[ "$rc" = 0 ] || k4a_die "the demo failed in the guest (vm-run exit $rc; console log: $rundir/console.log)"
