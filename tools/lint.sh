#!/bin/bash
# Static checks of the kernel code, each reported as one result line "lint: PASS|FAIL name":
#   kbuild-KVER   a from-scratch build with W=1 and sparse (C=2) on every bench kernel shows no
#                 compiler or sparse warning
#   checkpatch    checkpatch.pl --strict --max-line-length=80 on driver/ and uapi/ reports nothing
#   rst           every reStructuredText page parses without a docutils warning
# Exit status: number of failed checks (0 = clean). Logs in build/lint/.
set -uo pipefail
. "$(dirname "$0")/vm/common.sh"
out=$K4A_BUILD/lint
mkdir -p "$out"
failed=0
result() {
	printf 'lint: %s %s\n' "$1" "$2"
	[ "$1" = PASS ] || failed=$((failed + 1))
}

for k in ${KVERS:-$("$K4A_ROOT/tools/vm/kernels.sh" list)}; do
	log=$out/kbuild-$k.log
	rm -rf "$K4A_BUILD/kmod/lint-$k"
	if KDIR=$("$K4A_ROOT/tools/vm/kernels.sh" kdir "$k") \
		"$K4A_ROOT/tools/build-module.sh" "lint-$k" W=1 C=2 > "$log" 2>&1 &&
		! grep -E 'warning:|error:' "$log" > /dev/null; then
		result PASS "kbuild-W=1-sparse-$k"
	else
		grep -E 'warning:|error:' "$log" | head -n 40 | sed 's/^/lint:   /'
		tail -n 5 "$log" | sed 's/^/lint:   /'
		result FAIL "kbuild-W=1-sparse-$k"
	fi
	rm -rf "$K4A_BUILD/kmod/lint-$k"
done

cp=$K4A_CACHE/checkpatch/checkpatch.pl
files=$(cd "$K4A_ROOT" && ls driver/*.[ch] driver/lib/*.[ch] uapi/linux/*.h 2>/dev/null)
if [ ! -f "$cp" ]; then
	result FAIL "checkpatch (not installed: make setup)"
elif [ -z "$files" ]; then
	result FAIL "checkpatch (no driver sources)"
else
	log=$out/checkpatch.log
	# 80 columns, as the media subsystem asks (checkpatch alone allows 100).
	(cd "$K4A_ROOT" && perl "$cp" --no-tree --strict --terse --show-types --max-line-length=80 \
		--ignore SPDX_LICENSE_TAG,FILE_PATH_CHANGES -f $files) > "$log" 2>&1
	# Inside a kernel tree checkpatch accepts CamelCase identifiers that the kernel's headers
	# define (USB descriptor fields such as bNumEndpoints); with --no-tree it cannot see them.
	# Apply the same rule here: drop CAMELCASE findings for identifiers the headers define.
	hdrs=$(ls -d "$K4A_CACHE"/kernels/*/root/usr/src/linux-headers-*-common/include 2>/dev/null | head -n1)
	if [ -n "$hdrs" ]; then
		while read -r id; do
			grep -rqw -- "$id" "$hdrs" && sed -i "/CAMELCASE: Avoid CamelCase: <$id>/d" "$log"
		done < <(sed -n 's/.*CAMELCASE: Avoid CamelCase: <\([A-Za-z0-9_]*\)>.*/\1/p' "$log" | sort -u)
	fi
	if grep -E ': (ERROR|WARNING|CHECK):' "$log" > /dev/null; then
		grep -E ': (ERROR|WARNING|CHECK):' "$log" | head -n 40 | sed 's/^/lint:   /'
		result FAIL "checkpatch-strict ($(grep -cE ': (ERROR|WARNING|CHECK):' "$log") findings)"
	else
		result PASS "checkpatch-strict ($(echo "$files" | wc -w) files)"
	fi
fi
# Documentation: warnings are errors (a malformed table silently loses rows in a rendering).
docs=$(cd "$K4A_ROOT" && ls Documentation/*.rst tools/emu/*.rst 2>/dev/null)
bad=0
for f in $docs; do
	if ! (cd "$K4A_ROOT/$(dirname "$f")" && /usr/bin/python3 - "$(basename "$f")" <<'PY'
import sys
import docutils.core
name = sys.argv[1]
with open(name, encoding="utf-8") as fh:
    docutils.core.publish_doctree(fh.read(), source_path=name,
                                  settings_overrides={"report_level": 2, "halt_level": 2})
PY
	) > "$out/rst.log" 2>&1; then
		grep -E '\((WARNING|ERROR|SEVERE)/' "$out/rst.log" | head -n 5 | sed "s|^|lint:   $f: |"
		bad=$((bad + 1))
	fi
done
if [ $bad -eq 0 ]; then
	result PASS "rst ($(echo "$docs" | wc -w) pages)"
else
	result FAIL "rst ($bad of $(echo "$docs" | wc -w) pages)"
fi
exit $failed
