#!/bin/sh
# Runs every test binary in BUILD/tests (unit tests, the integration
# tests that start the real server, and the fuzz targets replaying their
# corpora), sums their "N passed, N failed"
# lines, and ends with the total.  A binary that dies without its closing
# line counts as one failure.  Environment for the tests:
#   GALLEY  the galley binary under test
#   SHARED  the shared fixtures folder (../shared beside the checkout)
set -u
B=${1:-build}
top=$(cd "$(dirname "$0")/.." && pwd)
export GALLEY="$top/$B/galley"
export SHARED="${SHARED:-$top/../shared}"
export TOP="$top"
passed=0
failed=0
log=$(mktemp)
for t in "$top/$B"/tests/test_* "$top/$B"/tests/fuzz_*; do
	[ -x "$t" ] || continue
	name=$(basename "$t")
	start=$(date +%s)
	case $name in
	fuzz_*)	"$t" "$top/fuzz/corpus/${name#fuzz_}" >"$log" 2>&1 ;;
	*)	"$t" >"$log" 2>&1 ;;
	esac
	rc=$?
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -n 1)
	if [ -z "$line" ]; then
		cat "$log"
		echo "$name: exited $rc without a result line"
		failed=$((failed + 1))
		continue
	fi
	p=${line%% passed*}
	f=${line#*passed, }
	f=${f%% failed}
	if [ "$f" -ne 0 ] || [ "$rc" -ne 0 ]; then
		grep -v -E '^[0-9]+ passed, [0-9]+ failed$' "$log"
		[ "$f" -eq 0 ] && f=1
	fi
	echo "$name: $p passed, $f failed ($(( $(date +%s) - start ))s)"
	passed=$((passed + p))
	failed=$((failed + f))
done
rm -f "$log"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
