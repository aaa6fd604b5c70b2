#!/bin/sh
# Benchmark: comments at the disk's limit.  wrk POSTs distinct comments
# to the demo article (bench/comment.lua: -t2 -c32 by default), and, in
# the same run and on the same disk, the database's own rate of one-row
# durable transactions is measured: sqlite3 (WAL, synchronous=FULL) one
# INSERT per transaction, or with BACKEND=postgresql, pgbench running one
# INSERT per transaction from as many clients (synchronous_commit on),
# against the throwaway cluster the script starts.  Rounds alternate
# (galley, the database, galley, the database, ...), so the machine's
# load hits both alike; medians are printed with the ratio
# galley/database, and each round's ratio with their geometric mean.  After each round
# it checks that every 303 (an acknowledged comment) is a row in the
# database (those still in flight when wrk stops may be stored too, at
# most one a connection) and prints any other status.  With MAIL=1 (the
# default) each round is run twice, with mail off and with mail on (an
# aiosmtpd server on loopback, tests/smtp_sink.py, named by smtp_url in
# galley.conf: the server restarts between), and the medians are
# printed side by side with the ratio on/off: a comment must cost the
# same either way, the sender working off the request.  Not a test: the
# figures depend on the machine.
#
#   sh bench/comments.sh                 (after make)
#   DURATION=10 ROUNDS=5 CONNS=32 THREADS=2 sh bench/comments.sh
#   BACKEND=postgresql sh bench/comments.sh
#   SITE=DIR sh bench/comments.sh        (an existing site, left as it was
#                                         but for the comments added)
#   BASE=0 sh bench/comments.sh          (galley alone, no database rate)
#   MAIL=0 sh bench/comments.sh          (mail off only)
#   DB_CONNS=32 sh bench/comments.sh     (galley.conf's db_connections)
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
GALLEY=${GALLEY:-$top/build/galley}
DURATION=${DURATION:-8}
ROUNDS=${ROUNDS:-3}
CONNS=${CONNS:-32}
THREADS=${THREADS:-2}
GPORT=${GPORT:-18490}
BACKEND=${BACKEND:-sqlite}
SITE=${SITE:-}
BASE=${BASE:-1}
MAIL=${MAIL:-1}
PATHNAME=${PATHNAME:-/2015/10/russian-isis-strikes-hit-us-backed-anti-isis-groups-instead/}
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)

for tool in wrk curl sqlite3; do
	command -v "$tool" >/dev/null 2>&1 || {
		echo "bench: $tool is missing (run scripts/deps.sh)" >&2
		exit 1
	}
done

if [ "$MAIL" = 1 ] && ! /usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null
then
	echo "bench: python3-aiosmtpd is missing (run scripts/deps.sh)" >&2
	exit 1
fi

work=$(mktemp -d /tmp/galley-bench-XXXXXX)
chmod 755 "$work"
gpid=""
spid=""
cleanup() {
	[ -n "$gpid" ] && kill "$gpid" 2>/dev/null && wait "$gpid" 2>/dev/null
	[ -n "$spid" ] && kill "$spid" 2>/dev/null && wait "$spid" 2>/dev/null
	[ -z "$spid" ] || mail_conf off
	[ -d "$work/pg" ] && sh "$top/scripts/pgtest.sh" destroy "$work/pg"
	sleep 0.2
	rm -rf "$work"
}
trap cleanup EXIT INT TERM

if [ -n "$SITE" ]; then
	site=$SITE
	db=$(sed -n 's/^db *= *//p' "$site/galley.conf")
	case "$db" in postgresql://*) BACKEND=postgresql ;; esac
	[ "$BACKEND" = postgresql ] || db="$site/${db:-galley.db}"
elif [ "$BACKEND" = postgresql ]; then
	sh "$top/scripts/pgtest.sh" start "$work/pg" durable
	sh "$top/scripts/pgtest.sh" createdb "$work/pg" bench
	db="postgresql://galley@/bench?host=$work/pg"
	site=$work/site
	"$GALLEY" init "$site" --demo --db "$db" >/dev/null
else
	site=$work/site
	"$GALLEY" init "$site" --demo >/dev/null
	db=$site/galley.db
fi
# One client posts as fast as it can: no flood limit, no minimum time.
flood=$("$GALLEY" config "$site" get comment_flood_seconds)
least=$("$GALLEY" config "$site" get comment_min_seconds)
"$GALLEY" config "$site" set comment_flood_seconds 0 >/dev/null
"$GALLEY" config "$site" set comment_min_seconds 0 >/dev/null
# wrk's 32 connections come from one address, as 32 readers would not:
# let one address have them all in flight (galley.conf, read at start).
added=0
if ! grep -q '^small_post_slots_per_ip' "$site/galley.conf"; then
	echo "small_post_slots_per_ip = $CONNS" >> "$site/galley.conf"
	added=1
fi
# DB_CONNS=N: the database pool's size (galley.conf's db_connections).
pooled=0
if [ -n "${DB_CONNS:-}" ] && ! grep -q '^db_connections' "$site/galley.conf"
then
	echo "db_connections = $DB_CONNS" >> "$site/galley.conf"
	pooled=1
fi
restore() {
	"$GALLEY" config "$site" set comment_flood_seconds "$flood" >/dev/null
	"$GALLEY" config "$site" set comment_min_seconds "$least" >/dev/null
	[ "$added" = 0 ] ||
	    sed -i '/^small_post_slots_per_ip = /d' "$site/galley.conf"
	[ "$pooled" = 0 ] || sed -i '/^db_connections = /d' "$site/galley.conf"
}
# Mail for the rounds with it: an SMTP server that takes everything.
if [ "$MAIL" = 1 ]; then
	if grep -q '^smtp_url *= *[^ ]' "$site/galley.conf"; then
		echo "bench: the site already sends mail (smtp_url)" >&2
		exit 1
	fi
	/usr/bin/python3 "$top/tests/smtp_sink.py" --dir "$work/smtp" &
	spid=$!
	for _ in $(seq 100); do
		[ -f "$work/smtp/port" ] && break
		sleep 0.1
	done
	sport=$(cat "$work/smtp/port")
fi
# mail_conf on|off: galley.conf's mail keys (read when a server starts).
mail_conf() {
	sed -i '/^smtp_url = /d; /^mail_from = /d' "$site/galley.conf"
	[ "$1" = off ] || printf 'smtp_url = smtp://127.0.0.1:%s\nmail_from = %s\n' \
	    "$sport" "Bench <bench@galley.test>" >> "$site/galley.conf"
}

# sql SQL: one number from the site's database.
sql() {
	if [ "$BACKEND" = postgresql ]; then
		"$PGBIN/psql" -Atq "$db" -c "$1"
	else
		sqlite3 "$db" "$1"
	fi
}

# No ANALYZE before serving: statistics taken of nearly empty tables
# lead PostgreSQL to plan sequential scans, which each connection keeps
# in its cached generic plans while the tables grow (262, 158, 113
# comments/s over three rounds with it); a table never analysed is
# planned with indexes, and autovacuum's ANALYZE replans as it grows.
serve() {
	"$GALLEY" serve "$site" --listen "127.0.0.1:$GPORT" >/dev/null \
	    2>>"$work/serve.log" &
	gpid=$!
	for _ in $(seq 100); do
		curl -sf -o /dev/null "http://127.0.0.1:$GPORT/" && break
		sleep 0.1
	done
}
unserve() {
	kill "$gpid" && wait "$gpid" || :
	gpid=""
}
serve
post=$(curl -sf "http://127.0.0.1:$GPORT$PATHNAME" |
    sed -n 's/.*name="post" value="\([0-9]*\)".*/\1/p' | head -n 1)
[ -n "$post" ] || { echo "bench: no comment form on $PATHNAME" >&2; exit 1; }

# The database's own commit rate, one row per transaction.
base_sqlite() {
	n=3000
	rm -f "$work/base.db"*
	{
		echo "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
		echo "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT);"
	} | sqlite3 "$work/base.db" >/dev/null
	awk -v n="$n" 'BEGIN { print "PRAGMA synchronous=FULL;";
	    for (i = 0; i < n; i++)
		printf "INSERT INTO t (v) VALUES (%c%d: a row%c);\n", 39, i, 39 }' \
	    > "$work/base.sql"
	s=$(date +%s.%N)
	sqlite3 "$work/base.db" < "$work/base.sql"
	e=$(date +%s.%N)
	awk -v n="$n" -v s="$s" -v e="$e" 'BEGIN { printf "%.0f\n", n / (e - s) }'
}
base_pg() {
	"$PGBIN/psql" -q "$db" -c "CREATE TABLE IF NOT EXISTS bench_rows
	    (id BIGSERIAL PRIMARY KEY, v TEXT)"
	echo "INSERT INTO bench_rows (v) VALUES ('a row');" > "$work/pg.sql"
	"$PGBIN/pgbench" -n -c "$CONNS" -j "$THREADS" -T "$DURATION" \
	    -f "$work/pg.sql" "$db" 2>/dev/null |
	    awk '/^tps/ { printf "%.0f\n", $3 }'
}

# round [on|off]: one wrk run; with "on", its figures go beside the rest.
round() {
	sfx=""
	[ "${1:-}" = on ] && sfx=on
	stamp=$(curl -sf "http://127.0.0.1:$GPORT/comments/stamp?post=$post")
	before=$(sql "SELECT count(*) FROM comments")
	wrk -t"$THREADS" -c"$CONNS" -d"${DURATION}s" --timeout 60s \
	    -s "$top/bench/comment.lua" \
	    "http://127.0.0.1:$GPORT/comments" -- "$post" "$stamp" \
	    > "$work/wrk.out"
	after=$(sql "SELECT count(*) FROM comments")
	acked=$(awk '$1 == "status" && $2 == 303 { print $3 }' "$work/wrk.out")
	acked=${acked:-0}
	rate=$(awk -v d="$DURATION" -v n="$acked" 'BEGIN { printf "%.0f", n / d }')
	echo "$rate" >> "$work/g$sfx"
	awk '/^latency_p50_ms/ { print $2 }' "$work/wrk.out" >> "$work/l$sfx"
	other=$(awk '$1 == "status" && $2 != 303 { printf " %s:%s", $2, $3 }' \
	    "$work/wrk.out")
	stored=$((after - before))
	echo "  round${1:+ (mail $1)}: $acked acknowledged (303), $stored stored${other:+, other:$other}"
	# wrk stops counting at the end; what was in flight may be stored.
	if [ "$stored" -lt "$acked" ] || [ "$stored" -gt $((acked + CONNS)) ]; then
		echo "bench: $acked comments acknowledged but $stored stored" >&2
		exit 1
	fi
}

median() {
	sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

: > "$work/g"; : > "$work/l"; : > "$work/b"
: > "$work/gon"; : > "$work/lon"
for i in $(seq "$ROUNDS"); do
	if [ "$MAIL" = 0 ]; then
		round
	else
		# Off then on, then on then off: neither always runs on the
		# bigger table.  Each on a server just started.
		order="off on"
		[ $((i % 2)) = 0 ] && order="on off"
		for m in $order; do
			unserve; mail_conf "$m"; serve
			round "$m"
		done
	fi
	if [ "$BASE" = 0 ]; then
		echo 0 >> "$work/b"
	elif [ "$BACKEND" = postgresql ]; then
		base_pg >> "$work/b"
	else
		base_sqlite >> "$work/b"
	fi
done
if [ -n "$SITE" ]; then restore; fi
g=$(median < "$work/g")
l=$(median < "$work/l")
b=$(median < "$work/b")
comments=$(sql "SELECT count(*) FROM comments")
echo "comment POSTs ($BACKEND), wrk -t$THREADS -c$CONNS -d${DURATION}s," \
    "median of $ROUNDS runs, site now holds $comments comments"
echo "galley: $g accepted comments/s, p50 $l ms  (runs: $(tr '\n' ' ' < "$work/g"))"
if [ "$BASE" = 0 ]; then
	:
elif [ "$BACKEND" = postgresql ]; then
	echo "pgbench, one INSERT per transaction, $CONNS clients: $b/s  (runs: $(tr '\n' ' ' < "$work/b"))"
else
	echo "sqlite3, one INSERT per transaction (WAL, synchronous=FULL): $b/s  (runs: $(tr '\n' ' ' < "$work/b"))"
fi
[ "$BASE" = 0 ] ||
    awk -v g="$g" -v b="$b" 'BEGIN { printf "ratio galley/database: %.2f\n", g / b }'
# Each round's galley run and the database's follow one another: their
# ratio drifts less with a shared machine's load than the medians do.
[ "$BASE" = 0 ] || paste "$work/g" "$work/b" | awk '$1 > 0 && $2 > 0 {
    s += log($1 / $2); r = r sprintf(" %.2f", $1 / $2); n++ } END {
    if (n) printf "ratio galley/database, round by round:%s (geometric" \
    " mean %.2f)\n", r, exp(s / n) }'
if [ "$MAIL" = 1 ]; then
	gon=$(median < "$work/gon")
	lon=$(median < "$work/lon")
	sent=$(ls "$work/smtp" | grep -c '\.eml$' || :)
	echo "galley, mail on: $gon accepted comments/s, p50 $lon ms  (runs: $(tr '\n' ' ' < "$work/gon"); $sent messages sent)"
	awk -v on="$gon" -v off="$g" -v lon="$lon" -v loff="$l" 'BEGIN {
	    printf "ratio mail on/off: %.2f comments/s, %.2f p50\n", on / off, lon / loff }'
	# Each round's two runs are minutes apart at most: their ratio
	# drifts less with a shared machine's load than the medians do.
	paste "$work/g" "$work/gon" | awk '$1 > 0 && $2 > 0 {
	    s += log($2 / $1); n++ } END { if (n) printf "ratio mail on/off," \
	    " round by round (geometric mean of %d): %.2f\n", n, exp(s / n) }'
fi
