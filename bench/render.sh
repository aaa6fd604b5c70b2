#!/bin/sh
# Benchmark: what rendering a page of comments costs, in instructions
# (callgrind), which a busy machine does not blur as it does times.
# Builds a small site with bench/fill (POSTS posts, COMMENTS comments,
# BIG of them threaded on /big/), gives every comment an avatar key
# unless AVATARS=0, and counts the instructions inside page_article for
# one uncached GET (?unapproved=x) of /big/'s first comment page and of
# post-1's, each after a warm-up of its own.  Prints both, and their
# difference over the difference in comments shown: the cost of one
# comment.  Statement preparing is left out of the counts (a
# connection's first use of a query, which the pool's other requests
# pay once).  Not a test: a figure to compare across changes.
#
#   sh bench/render.sh                 (make build/bench/fill first)
#   AVATARS=0 sh bench/render.sh       (fill's comments as they are)
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
GALLEY=${GALLEY:-$top/build/galley}
FILL=${FILL:-$top/build/bench/fill}
POSTS=${POSTS:-20}
COMMENTS=${COMMENTS:-3000}
BIG=${BIG:-2000}
AVATARS=${AVATARS:-1}
GPORT=${GPORT:-18497}

command -v valgrind >/dev/null 2>&1 || {
	echo "bench: valgrind is missing (run scripts/deps.sh)" >&2
	exit 1
}
work=$(mktemp -d /tmp/galley-render-XXXXXX)
vpid=""
cleanup() {
	# Its exit on a large site is slow under valgrind; the counts are
	# dumped by then.
	[ -n "$vpid" ] && kill -9 "$vpid" 2>/dev/null && wait "$vpid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT INT TERM

site=$work/site
"$GALLEY" init "$site" --demo >/dev/null
"$FILL" "$site" "$POSTS" "$COMMENTS" "$BIG" >/dev/null
if [ "$AVATARS" != 0 ]; then
	# As avatar_key makes them: 32 hex digits, a different one each.
	sqlite3 "$site/galley.db" \
	    "UPDATE comments SET avatar = lower(hex(randomblob(16)))"
fi
sql() { sqlite3 "$site/galley.db" "$1"; }
path() {
	echo "/$(date -u -d "@$(sql "SELECT published FROM posts WHERE
	    slug = '$1'")" +%Y/%m)/$1/"
}
big=$(path big)
few=$(path post-1)

valgrind --tool=callgrind --collect-atstart=no \
    --toggle-collect=page_article --callgrind-out-file="$work/cg.%p" \
    "$GALLEY" serve "$site" --listen "127.0.0.1:$GPORT" \
    >/dev/null 2>"$work/serve.log" &
vpid=$!
until curl -sf -o /dev/null "http://127.0.0.1:$GPORT/robots.txt"; do
	kill -0 "$vpid" || { echo "bench: galley died" >&2; exit 1; }
	sleep 0.5
done

# count PATH: prints "instructions comments" for one uncached GET.
count() {
	curl -sf -o /dev/null "http://127.0.0.1:$GPORT$1?unapproved=w"
	callgrind_control -z "$vpid" >/dev/null
	curl -sf -o "$work/page.html" "http://127.0.0.1:$GPORT$1?unapproved=x"
	callgrind_control -d "$vpid" >/dev/null
	f=$(ls -t "$work"/cg.*.* | head -1)
	all=$(awk '/^summary:/ { print $2 }' "$f")
	prep=$(callgrind_annotate --inclusive=yes "$f" 2>/dev/null |
	    awk '/sqlite3_prepare_v3 / { gsub(",", "", $1); print $1; exit }')
	echo "$(( all - ${prep:-0} )) $(grep -c 'class="comment"' "$work/page.html")"
}
set -- $(count "$big")
ib=$1 nb=$2
set -- $(count "$few")
if_=$1 nf=$2
awk -v ib="$ib" -v nb="$nb" -v if_="$if_" -v nf="$nf" -v big="$big" \
    -v few="$few" 'BEGIN {
	printf "%-28s %3d comments %12d instructions\n", big, nb, ib
	printf "%-28s %3d comments %12d instructions\n", few, nf, if_
	printf "per comment: %d instructions\n", (ib - if_) / (nb - nf) }'
