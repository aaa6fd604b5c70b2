#!/bin/sh
# Runs every test binary in BUILD/tests (unit tests, the integration
# tests that start the real server, and the fuzz targets replaying their
# corpora) and sums their "N passed, N failed" lines into the last line.
# The storage and integration tests (PGTESTS) run a second time on
# PostgreSQL, in a throwaway cluster started here and destroyed at exit,
# each in a fresh database; those that stop and resume their cluster
# (PGOWN) get one of their own.  A binary that dies without its closing
# line counts as one failure.  The end-to-end tests in Chromium
# (tests/e2e/run.mjs) are one more job.
#
# The jobs run JOBS at a time (default: the cores plus one, as most of
# the integration tests wait on sockets, sleeps and fsync), the longest
# known first (SLOW); those that time themselves (SOLO) run alone after.  Each job's output is printed whole when it ends,
# under a lock, so that blocks do not interleave.
#
#   sh tests/run.sh [BUILD]      BUILD: the build folder (default build)
#
# Environment for the tests:
#   GALLEY     the galley binary under test
#   SHARED     the shared fixtures folder (../shared beside the checkout)
#   GALLEY_DB  (PostgreSQL pass) the URI of the test's own database
#   GALLEY_PG  (PostgreSQL pass) "sh scripts/pgtest.sh" and the cluster
#              folder, to stop and resume the server
set -u
top=$(cd "$(dirname "$0")/.." && pwd)

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
	test_backup
	test_votes
	test_admin
	test_admin_frame
	test_editor
	test_queue
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
# PostgreSQL tests that stop and resume the cluster: each gets its own.
PGOWN="
	test_nodes
	test_metrics
"
# The longest jobs (a minute or more under ASan), started first so that
# none is left running alone at the end; one a line, KIND:NAME.
SLOW="
	e2e:e2e
	pg:test_export
	pg:test_outbox
	pg:test_comments
	sqlite:test_export
	pg:test_import
	sqlite:test_comments
	sqlite:test_outbox
	pg:test_search
	pg:test_account_mail
"
# Runs whose checks are bounds on wall time (a locked-out login's wait,
# an innocent reader's answer within 1 s beside an attacker, metrics
# within seconds with the database down): run one at a time once the
# others are done, so that they meet no load of ours.
SOLO="
	sqlite:test_hostile
	pg:test_hostile
	sqlite:test_admin
	pg:test_admin
	pgown:test_metrics
"

# One job, run by a worker that xargs starts: KIND NAME.
if [ "${1:-}" = "--job" ]; then
	kind=$2
	name=$3
	log="$RUN_OUT/$kind.$name.log"
	start=$(date +%s)
	case $kind in
	sqlite)	label=$name
		"$RUN_BUILD/tests/$name" >"$log" 2>&1
		rc=$? ;;
	fuzz)	label=$name
		"$RUN_BUILD/tests/$name" "$top/fuzz/corpus/${name#fuzz_}" \
		    >"$log" 2>&1
		rc=$? ;;
	pg|pgown)
		label="$name[pg]"
		pgdir=$RUN_PG
		rc=1
		if [ "$kind" = pgown ]; then
			pgdir=$(mktemp -d /tmp/galley-pg-XXXXXX)
			sh "$top/scripts/pgtest.sh" start "$pgdir" >"$log" 2>&1
		fi
		db="galley_$name"
		if sh "$top/scripts/pgtest.sh" createdb "$pgdir" "$db" \
		    >>"$log" 2>&1; then
			GALLEY_PG="sh $top/scripts/pgtest.sh|$pgdir" \
			GALLEY_DB="postgresql://galley@/$db?host=$pgdir" \
			    "$RUN_BUILD/tests/$name" >>"$log" 2>&1
			rc=$?
		else
			echo "$label: could not create its database" >>"$log"
		fi
		[ "$kind" = pgown ] &&
		    sh "$top/scripts/pgtest.sh" destroy "$pgdir"
		;;
	e2e)	label=e2e
		rc=1
		# Its npm packages are pinned by the lock file.
		if ( cd "$top/tests/e2e" && npm ci --no-audit --no-fund \
		    >"$log" 2>&1 ); then
			node "$top/tests/e2e/run.mjs" "$GALLEY" "$SHARED" \
			    >"$log" 2>&1
			rc=$?
		else
			echo "e2e: npm ci failed" >>"$log"
		fi
		;;
	esac
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -n 1)
	secs=$(( $(date +%s) - start ))
	if [ -z "$line" ]; then
		p=0
		f=1
		msg="$label: exited $rc without a result line"
	else
		p=${line%% passed*}
		f=${line#*passed, }
		f=${f%% failed}
		[ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && f=1
		msg="$label: $p passed, $f failed (${secs}s)"
	fi
	echo "$p $f" >"$RUN_OUT/$kind.$name.res"
	# The whole block at once: the output only if something failed.
	{
		[ "$f" -ne 0 ] && grep -v -E '^[0-9]+ passed, [0-9]+ failed$' \
		    "$log"
		echo "$msg"
	} >"$log.out"
	flock "$RUN_OUT/lock" cat "$log.out"
	exit 0
fi

B=${1:-build}
case $B in
/*)	;;
*)	B="$top/$B" ;;
esac
export GALLEY="$B/galley"
export SHARED="${SHARED:-$top/../shared}"
export TOP="$top"
export RUN_BUILD="$B"
RUN_OUT=$(mktemp -d /tmp/galley-run-XXXXXX)
export RUN_OUT
RUN_PG=$(mktemp -d /tmp/galley-pg-XXXXXX)
export RUN_PG
JOBS=${JOBS:-$(( $(nproc) + 1 ))}
trap 'sh "$top/scripts/pgtest.sh" destroy "$RUN_PG"; rm -rf "$RUN_OUT"' EXIT
: >"$RUN_OUT/lock"
failed=0

# The Nu HTML Checker that test_valid runs (the vnu-jar package, pinned
# by tests/valid's lock file) is installed here, as the e2e tests' are.
if ! ( cd "$top/tests/valid" && npm ci --no-audit --no-fund \
    >"$RUN_OUT/npm.log" 2>&1 ); then
	cat "$RUN_OUT/npm.log"
	echo "tests/valid: npm ci failed (test_valid will say so)"
fi

# The jobs, KIND NAME a line: the slow ones first, then the rest.
all="$RUN_OUT/all"
: >"$all"
for t in "$B"/tests/test_* "$B"/tests/fuzz_*; do
	[ -x "$t" ] || continue
	name=$(basename "$t")
	case $name in
	fuzz_*)	echo "fuzz $name" >>"$all" ;;
	*)	case " $PGONLY " in *" $name "*) ;;
		*) echo "sqlite $name" >>"$all" ;;
		esac ;;
	esac
done
pg=1
if sh "$top/scripts/pgtest.sh" start "$RUN_PG"; then
	for name in $PGTESTS; do
		[ -x "$B/tests/$name" ] || continue
		case " $(echo $PGOWN) " in
		*" $name "*) echo "pgown $name" >>"$all" ;;
		*) echo "pg $name" >>"$all" ;;
		esac
	done
else
	echo "PostgreSQL: the test cluster did not start"
	cat "$RUN_PG/server.log" 2>/dev/null
	failed=$((failed + 1))
	pg=0
fi
echo "e2e e2e" >>"$all"
jobs="$RUN_OUT/jobs"
: >"$jobs"
for s in $SLOW; do
	kind=${s%%:*}
	name=${s#*:}
	[ "$kind" = pg ] && [ $pg -eq 0 ] && continue
	grep -qx "$kind $name" "$all" && echo "$kind $name" >>"$jobs"
done
grep -vxF -f "$jobs" "$all" >>"$jobs"
solo="$RUN_OUT/solo"
: >"$solo"
for s in $SOLO; do
	grep -qx "${s%%:*} ${s#*:}" "$jobs" && echo "${s%%:*} ${s#*:}" >>"$solo"
done

start=$(date +%s)
grep -vxF -f "$solo" "$jobs" |
    xargs -P "$JOBS" -L 1 sh "$top/tests/run.sh" --job
xargs -P 1 -L 1 sh "$top/tests/run.sh" --job <"$solo"

passed=0
while read -r kind name; do
	if [ -r "$RUN_OUT/$kind.$name.res" ]; then
		read -r p f <"$RUN_OUT/$kind.$name.res"
	else
		echo "$kind $name: the job did not finish"
		p=0
		f=1
	fi
	passed=$((passed + p))
	failed=$((failed + f))
done <"$jobs"
echo "$(wc -l <"$jobs") jobs, $JOBS at a time, in $(( $(date +%s) - start ))s"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
