# Sourced by guest scripts (POSIX sh, runs inside the bench guest).
# k4a_load [PARAM=VALUE...]  load the stock modules k4a.ko depends on, then k4a.ko itself
# k4a_unload                 remove k4a (fails if it is in use)
# ktap_* helpers             KTAP output for shell tests

k4a_load() {
	for dep in $(modinfo -F depends "$K4A_KO" | tr ',' ' '); do
		modprobe "$dep" || return 1
	done
	insmod "$K4A_KO" "$@"
}

k4a_unload() {
	rmmod k4a
}

# KTAP for shell tests: ktap_plan N; ktap_result 0|1|skip NAME [REASON]; ktap_totals
# ktap_todo RC NAME REASON: a case with a known, documented bug: a failure is printed as
# "not ok ... # TODO REASON" and counted as xfail; a pass is counted as xpass (fix the note).
KTAP_N=0 KTAP_PASS=0 KTAP_FAIL=0 KTAP_SKIP=0 KTAP_XFAIL=0 KTAP_XPASS=0
ktap_plan() {
	echo "TAP version 13"
	echo "1..$1"
}
ktap_result() {
	KTAP_N=$((KTAP_N + 1))
	case "$1" in
	0) KTAP_PASS=$((KTAP_PASS + 1)); echo "ok $KTAP_N $2" ;;
	skip) KTAP_SKIP=$((KTAP_SKIP + 1)); echo "ok $KTAP_N $2 # SKIP ${3:-}" ;;
	*) KTAP_FAIL=$((KTAP_FAIL + 1)); echo "not ok $KTAP_N $2${3:+ # $3}" ;;
	esac
}
ktap_todo() {
	KTAP_N=$((KTAP_N + 1))
	if [ "$1" = 0 ]; then
		KTAP_XPASS=$((KTAP_XPASS + 1)); echo "ok $KTAP_N $2 # TODO $3"
	else
		KTAP_XFAIL=$((KTAP_XFAIL + 1)); echo "not ok $KTAP_N $2 # TODO $3"
	fi
}
ktap_totals() {
	echo "# Totals: pass:$KTAP_PASS fail:$KTAP_FAIL xfail:$KTAP_XFAIL xpass:$KTAP_XPASS skip:$KTAP_SKIP error:0"
	[ "$KTAP_FAIL" -eq 0 ]
}
