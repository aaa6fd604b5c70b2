#!/bin/sh
# Runs every test binary in BUILD/tests (unit tests, the integration
# tests that start the real server, and the fuzz targets replaying their
# corpora) and sums their "N passed, N failed" lines into the last line.
# The storage and integration tests (PGTESTS) then run a second time on
# PostgreSQL, in a throwaway cluster started here and destroyed at exit,
# each in a fresh database.  A binary that dies without its closing line
# counts as one failure.  Last come the end-to-end tests in Chromium
# (tests/e2e/run.mjs).  Environment for the tests:
#   GALLEY     the galley binary under test
#   SHARED     the shared fixtures folder (../shared beside the checkout)
#   GALLEY_DB  (PostgreSQL pass) the URI of the test's own database
#   GALLEY_PG  (PostgreSQL pass) "sh scripts/pgtest.sh" and the cluster
#              folder, to stop and resume the server
set -u
B=${1:-build}
top=$(cd "$(dirname "$0")/.." && pwd)
export GALLEY="$top/$B/galley"
export SHARED="${SHARED:-$top/../shared}"
export TOP="$top"
# The storage and integration tests, run on PostgreSQL too (one a line,
# so that branches adding one merge cleanly).
PGTESTS="
	test_store
	test_theme
	test_appearance
	test_settings_page
	test_cli
	test_import
	test_export
	test_http
	test_feeds
	test_comments
	test_durable
	test_votes
	test_admin
	test_hostile
	test_nodes
	test_media
	test_valid
	test_search
	test_outbox
	test_notify
	test_account_mail
	test_i18n
	test_timezone
	test_metrics
	test_service
	test_upgrade
"
PGONLY="test_nodes"
passed=0
failed=0
log=$(mktemp)

# run NAME LABEL CMD...: runs one test binary and adds up its result line.
run() {
	name=$1
	label=$2
	shift 2
	start=$(date +%s)
	"$@" >"$log" 2>&1
	rc=$?
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -n 1)
	if [ -z "$line" ]; then
		cat "$log"
		echo "$label: exited $rc without a result line"
		failed=$((failed + 1))
		return
	fi
	p=${line%% passed*}
	f=${line#*passed, }
	f=${f%% failed}
	if [ "$f" -ne 0 ] || [ "$rc" -ne 0 ]; then
		grep -v -E '^[0-9]+ passed, [0-9]+ failed$' "$log"
		[ "$f" -eq 0 ] && f=1
	fi
	echo "$label: $p passed, $f failed ($(( $(date +%s) - start ))s)"
	passed=$((passed + p))
	failed=$((failed + f))
}

# The Nu HTML Checker that test_valid runs (the vnu-jar package, pinned
# by tests/valid's lock file) is installed here, as the e2e tests' are.
if ! ( cd "$top/tests/valid" && npm ci --no-audit --no-fund >"$log" 2>&1 )
then
	cat "$log"
	echo "tests/valid: npm ci failed (test_valid will say so)"
fi

for t in "$top/$B"/tests/test_* "$top/$B"/tests/fuzz_*; do
	[ -x "$t" ] || continue
	name=$(basename "$t")
	case " $PGONLY " in *" $name "*) continue ;; esac
	case $name in
	fuzz_*)	run "$name" "$name" "$t" "$top/fuzz/corpus/${name#fuzz_}" ;;
	*)	run "$name" "$name" "$t" ;;
	esac
done

pgdir=$(mktemp -d /tmp/galley-pg-XXXXXX)
trap 'sh "$top/scripts/pgtest.sh" destroy "$pgdir"; rm -f "$log"' EXIT
if sh "$top/scripts/pgtest.sh" start "$pgdir"; then
	export GALLEY_PG="sh $top/scripts/pgtest.sh|$pgdir"
	n=0
	for name in $PGTESTS; do
		[ -x "$top/$B/tests/$name" ] || continue
		n=$((n + 1))
		db="galley_${name}_$n"
		if ! sh "$top/scripts/pgtest.sh" createdb "$pgdir" "$db"; then
			echo "$name[pg]: could not create its database"
			failed=$((failed + 1))
			continue
		fi
		export GALLEY_DB="postgresql://galley@/$db?host=$pgdir"
		run "$name" "$name[pg]" "$top/$B/tests/$name"
		unset GALLEY_DB
	done
else
	echo "PostgreSQL: the test cluster did not start"
	cat "$pgdir/server.log" 2>/dev/null
	failed=$((failed + 1))
fi

# The end-to-end tests in a real browser (tests/e2e, also `make e2e`):
# their npm packages are pinned by the lock file and installed here.
if ( cd "$top/tests/e2e" && npm ci --no-audit --no-fund >"$log" 2>&1 ); then
	run e2e e2e node "$top/tests/e2e/run.mjs" "$GALLEY" "$SHARED"
else
	cat "$log"
	echo "e2e: npm ci failed"
	failed=$((failed + 1))
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
