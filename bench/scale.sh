#!/bin/sh
# Benchmark: flat from a small site to a large one.  Builds (or reuses) a
# site of POSTS posts in ten categories and COMMENTS comments, BIG of
# them threaded on the post /big/, through Galley's own store
# (bench/fill.c), beside the demo site, and prints, each a median of N
# requests over loopback with the page cache bypassed (?unapproved=x
# makes any page one of its own, never cached):
#   the 100k-comment article against an article with a few comments;
#   the last page of its comments, the last /page/N/ and the last page
#   of a category, each against its first page;
#   the first request after a restart (from the exec to the first page);
#   comment POSTs per second on the large site against the demo site
#   (bench/comments.sh, rounds alternating);
#   the server's RSS after all of that.
# Not a test: the figures depend on the machine.
#
#   sh bench/scale.sh                  (make build/bench/fill first)
#   KEEP=/tmp/big sh bench/scale.sh    (build the site once, keep it)
#   POSTS=1000 COMMENTS=100000 BIG=10000 sh bench/scale.sh   (smaller)
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
GALLEY=${GALLEY:-$top/build/galley}
export GALLEY
FILL=${FILL:-$top/build/bench/fill}
POSTS=${POSTS:-10000}
COMMENTS=${COMMENTS:-1000000}
BIG=${BIG:-100000}
N=${N:-15}
KEEP=${KEEP:-}
GPORT=${GPORT:-18495}
DURATION=${DURATION:-8}
ROUNDS=${ROUNDS:-3}

work=$(mktemp -d /tmp/galley-scale-XXXXXX)
gpid=""
stop() {
	[ -n "$gpid" ] && kill "$gpid" 2>/dev/null && wait "$gpid" 2>/dev/null
	gpid=""
}
cleanup() {
	stop
	rm -rf "$work"
}
trap cleanup EXIT INT TERM

site=${KEEP:-$work/big}
if [ ! -f "$site/galley.conf" ]; then
	"$GALLEY" init "$site" --demo >/dev/null
	s=$(date +%s)
	"$FILL" "$site" "$POSTS" "$COMMENTS" "$BIG"
	echo "built in $(( $(date +%s) - s )) s: $site"
fi
small=$work/small
"$GALLEY" init "$small" --demo >/dev/null

sql() { sqlite3 "$site/galley.db" "$1"; }
month() { date -u -d "@$1" +%Y/%m; }

# start PATH: serves the site; sets started to the ms from the exec to
# its first answer for PATH.
start() {
	s=$(date +%s%N)
	"$GALLEY" serve "$site" --listen "127.0.0.1:$GPORT" \
	    >/dev/null 2>>"$work/serve.log" &
	gpid=$!
	until curl -sf -o /dev/null "http://127.0.0.1:$GPORT$1"; do
		kill -0 "$gpid" || { echo "bench: galley died" >&2; exit 1; }
		sleep 0.01
	done
	started=$(( ($(date +%s%N) - s) / 1000000 ))
}

# ms URL: the median of N requests' times, in milliseconds.
ms() {
	for _ in $(seq "$N"); do
		curl -sf -o /dev/null -w '%{time_total}\n' \
		    "http://127.0.0.1:$GPORT$1" || echo fail
	done | sort -n | awk '/fail/ { bad = 1 } { v[NR] = $1 }
	    END { if (bad) print "fail"; else
		printf "%.1f\n", v[int((NR + 1) / 2)] * 1000 }'
}

big_path="/$(month "$(sql "SELECT published FROM posts WHERE slug = 'big'")")/big/"
few_path="/$(month "$(sql "SELECT published FROM posts WHERE slug = 'post-1'")")/post-1/"
per=$("$GALLEY" config "$site" get posts_per_page)
cper=$("$GALLEY" config "$site" get comments_per_page)
posts=$(sql "SELECT count(*) FROM posts WHERE type = 'post' AND status = 'publish'")
cat0=$(sql "SELECT count(*) FROM post_terms pt JOIN terms t ON t.id = pt.term_id WHERE t.slug = 'cat-0'")
tops=$(sql "SELECT count(*) FROM comments WHERE parent_id IS NULL AND status = 'approved' AND post_id = (SELECT id FROM posts WHERE slug = 'big')")
nbig=$(sql "SELECT count(*) FROM comments WHERE post_id = (SELECT id FROM posts WHERE slug = 'big')")
few=$(sql "SELECT count(*) FROM comments WHERE post_id = (SELECT id FROM posts WHERE slug = 'post-1')")
total=$(sql "SELECT count(*) FROM comments")
last_page=$(( (posts + per - 1) / per ))
last_cat=$(( (cat0 + per - 1) / per ))
last_cpage=$(( (tops + cper - 1) / cper ))

start /
echo "site: $posts posts, $total comments; $big_path has $nbig ($tops threads," \
    "$last_cpage comment pages), $few_path has $few"
echo "first page (/) after a start: $started ms"

u="?unapproved=x"
line() {	# line LABEL PATH_A PATH_B: A against B
	a=$(ms "$2")
	b=$(ms "$3")
	awk -v l="$1" -v a="$a" -v b="$b" -v pa="$2" -v pb="$3" 'BEGIN {
	    printf "%-36s %8s ms  vs %8s ms  ratio %.2f\n", l, a, b,
		(b > 0 ? a / b : 0) }'
}
line "article, $nbig comments vs $few" "$big_path$u" "$few_path$u"
line "comment page $last_cpage vs 1" "${big_path}comment-page-$last_cpage/$u" "$big_path$u"
line "/page/$last_page/ vs /" "/page/$last_page/$u" "/$u"
line "/category/cat-0/page/$last_cat/ vs first" \
    "/category/cat-0/page/$last_cat/$u" "/category/cat-0/$u"
stop

# Comment POSTs: the large site against the demo site, rounds alternating.
: > "$work/pb"; : > "$work/ps"
for i in $(seq "$ROUNDS"); do
	SITE=$site ROUNDS=1 DURATION=$DURATION BASE=0 PATHNAME=$big_path \
	    sh "$top/bench/comments.sh" | awk '/^galley:/ { print $2 }' >> "$work/pb"
	SITE=$small ROUNDS=1 DURATION=$DURATION BASE=0 \
	    sh "$top/bench/comments.sh" | awk '/^galley:/ { print $2 }' >> "$work/ps"
done
med() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
pb=$(med < "$work/pb")
ps=$(med < "$work/ps")
awk -v a="$pb" -v b="$ps" 'BEGIN {
    printf "%-36s %8s /s  vs %8s /s  ratio %.2f\n",
	"comment POSTs, large vs demo site", a, b, a / b }'

# RSS after a run over many pages: every 20th article, every listing page.
start "$big_path"
sql "SELECT published, slug FROM posts WHERE type = 'post' AND id % 20 = 0" |
while IFS='|' read -r when slug; do
	echo "url = \"http://127.0.0.1:$GPORT/$(month "$when")/$slug/\""
	echo 'output = "/dev/null"'
done > "$work/urls"
curl -s -K "$work/urls"
for p in $(seq 1 "$last_page"); do
	echo "url = \"http://127.0.0.1:$GPORT/page/$p/\""
	echo 'output = "/dev/null"'
done > "$work/urls"
curl -s -K "$work/urls"
# A second of quiet: the server hands freed heap back once idle (trim_due).
sleep 1
rss=$(awk '/^VmRSS/ { print $2 }' "/proc/$gpid/status")
echo "RSS after $(( posts / 20 )) articles and $last_page listing pages: $(( rss / 1024 )) MiB"
stop
