#!/bin/bash
# Take the kernel's own helper files from Debian's linux-source-6.1 package at setup time
# (never copied into the repository): checkpatch.pl with its data files, and the kselftest
# harness headers. Output: $K4A_CACHE/checkpatch/, $K4A_CACHE/ksft/
set -euo pipefail
. "$(dirname "$0")/common.sh"
tarball=$(ls /usr/src/linux-source-6.1.tar.xz 2>/dev/null | head -n1)
[ -n "$tarball" ] || k4a_die "linux-source-6.1 not installed (tools/vm/setup-host.sh)"
if [ -f "$K4A_CACHE/checkpatch/.complete" ] && [ -f "$K4A_CACHE/ksft/.complete" ]; then
	k4a_log "checkpatch and kselftest headers present"
	exit 0
fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
top=$(basename "$tarball" .tar.xz)
tar -xJf "$tarball" -C "$T" \
	"$top/scripts/checkpatch.pl" "$top/scripts/spelling.txt" "$top/scripts/const_structs.checkpatch" \
	"$top/tools/testing/selftests/kselftest_harness.h" "$top/tools/testing/selftests/kselftest.h"
mkdir -p "$K4A_CACHE/checkpatch" "$K4A_CACHE/ksft"
cp "$T/$top/scripts/checkpatch.pl" "$T/$top/scripts/spelling.txt" \
	"$T/$top/scripts/const_structs.checkpatch" "$K4A_CACHE/checkpatch/"
cp "$T/$top/tools/testing/selftests/kselftest_harness.h" \
	"$T/$top/tools/testing/selftests/kselftest.h" "$K4A_CACHE/ksft/"
touch "$K4A_CACHE/checkpatch/.complete" "$K4A_CACHE/ksft/.complete"
k4a_log "checkpatch and kselftest headers extracted from $(basename "$tarball")"
