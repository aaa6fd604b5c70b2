#!/bin/sh
# Benchmark: search on a large site.  Builds (or reuses, KEEP) a site of
# POSTS posts with bench/fill.c, as bench/scale.sh does, and gives them
# real text (bench/search_text.py: ~250 words each of the shared ham
# corpus); `galley serve` makes their search text at start (timed).
# Then 1,000 queries of the site's own words (700 words, 200 pairs, 100
# quoted phrases), each over keep-alive HTTP through one curl, after 100
# to warm up, and prints p50, p99 and the slowest, in ms; then the same
# on PostgreSQL (a throwaway cluster, scripts/pgtest.sh) beside it.
# Target: p99 <= 25 ms on SQLite.  Not a test: the figures depend on
# the machine (and on what else runs on it).
#
#   sh bench/search.sh                 (make build/bench/fill first)
#   KEEP=/tmp/search sh bench/search.sh   (build the SQLite site once)
#   POSTS=2000 PG=0 sh bench/search.sh    (smaller; SQLite only)
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
GALLEY=${GALLEY:-$top/build/galley}
FILL=${FILL:-$top/build/bench/fill}
POSTS=${POSTS:-10000}
CORPUS=${CORPUS:-$top/../shared/data/spamassassin}
KEEP=${KEEP:-}
PG=${PG:-1}
GPORT=${GPORT:-18496}

work=$(mktemp -d /tmp/galley-search-XXXXXX)
chmod 755 "$work"
gpid=""
stop() {
	[ -n "$gpid" ] && kill "$gpid" 2>/dev/null && wait "$gpid" 2>/dev/null
	gpid=""
}
cleanup() {
	stop
	[ -d "$work/pg" ] && sh "$top/scripts/pgtest.sh" destroy "$work/pg"
	rm -rf "$work"
}
trap cleanup EXIT INT TERM

# build SITE [DB]: a site of POSTS posts of real text, made once.
build() {
	[ -f "$1/galley.conf" ] && return 0
	if [ $# -gt 1 ]; then
		"$GALLEY" init "$1" --demo --db "$2" >/dev/null
	else
		"$GALLEY" init "$1" --demo >/dev/null
	fi
	"$FILL" "$1" "$POSTS" 1000 100 >/dev/null
	if [ $# -gt 1 ]; then
		python3 "$top/bench/search_text.py" pg "$work/text.sql" \
		    "$CORPUS" "$POSTS" "$work/queries"
		psql -q -X -v ON_ERROR_STOP=1 "$2" -f "$work/text.sql" >/dev/null
	else
		python3 "$top/bench/search_text.py" sqlite "$1/galley.db" \
		    "$CORPUS" "$POSTS" "$1/queries"
	fi
}

# run LABEL SITE QUERIES: serve, index, warm up, measure.
run() {
	s=$(date +%s%N)
	"$GALLEY" serve "$2" --listen "127.0.0.1:$GPORT" \
	    >/dev/null 2>"$work/serve.log" &
	gpid=$!
	until curl -sf -o /dev/null "http://127.0.0.1:$GPORT/"; do
		kill -0 "$gpid" || { cat "$work/serve.log"; exit 1; }
		sleep 0.01
	done
	indexed=$(( ($(date +%s%N) - s) / 1000000 ))
	n=$(sed -n 's/.*search: \([0-9]*\) posts indexed.*/\1/p' \
	    "$work/serve.log")
	sed "s|^|url = \"http://127.0.0.1:$GPORT|; s|\$|\"\\noutput = \"/dev/null\"|" \
	    "$3" > "$work/urls"
	head -n 200 "$work/urls" > "$work/warm"
	curl -s -K "$work/warm" -w '%{http_code}\n' | sort | uniq -c |
	    awk '$2 != 200 { print "bench: " $0 " while warming up" }'
	curl -s -K "$work/urls" -w '%{http_code} %{time_total}\n' \
	    > "$work/times"
	bad=$(awk '$1 != 200' "$work/times" | wc -l)
	awk '{ print $2 * 1000 }' "$work/times" | sort -n | awk -v l="$1" \
	    -v bad="$bad" -v idx="$indexed" -v n="${n:-0}" '
	    { v[NR] = $1 }
	    END { printf "%-11s %d queries: p50 %6.2f ms  p99 %6.2f ms" \
		"  max %6.2f ms  (non-200: %d; start with %d posts to" \
		" index: %d ms)\n", l, NR, v[int(NR * 0.5 + 0.5)],
		v[int(NR * 0.99 + 0.5)], v[NR], bad, n, idx }'
	stop
}

site=${KEEP:-$work/sqlite}
build "$site"
echo "site: $POSTS posts of ~250 words; $(sqlite3 "$site/galley.db" \
    "SELECT count(*) FROM posts WHERE status = 'publish'") published"
run SQLite "$site" "$site/queries"
if [ "$PG" = 1 ]; then
	sh "$top/scripts/pgtest.sh" start "$work/pg"
	sh "$top/scripts/pgtest.sh" createdb "$work/pg" bench
	build "$work/pgsite" "postgresql://galley@/bench?host=$work/pg"
	run PostgreSQL "$work/pgsite" "$work/queries"
fi
