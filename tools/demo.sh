#!/bin/bash
# make demo: install what is needed, build, boot the bench guest on Debian's kernel and show
# k4a at work there (tools/vm/guest/demo.sh). KVER= picks the kernel (default: the newest).
set -euo pipefail
. "$(dirname "$0")/vm/common.sh"
"$K4A_ROOT/tools/vm/setup.sh"
make -s -C "$K4A_ROOT" all
kver=${KVER:-$("$K4A_ROOT/tools/vm/kernels.sh" list | tail -n1)}
echo "demo: booting Debian kernel $kver under QEMU"
RUNDIR=$K4A_BUILD/runs/demo-$kver TIMEOUT=${TIMEOUT:-900} \
	"$K4A_ROOT/tools/vm/vm-run.sh" "$kver" "$K4A_ROOT/tools/vm/guest/demo.sh"
