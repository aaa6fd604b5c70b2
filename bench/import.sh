#!/bin/sh
# Benchmark: `galley import` of a generated WordPress export
# (bench/wxr_gen.py: POSTS posts, COMMENTS comments) into a fresh site,
# then the same file again, which must find everything there and change
# nothing.  Prints each run's wall time and peak RSS (GNU time), and the
# targets: the first at most 10 s and 64 MiB, the second at most 2 s.
# Not a test: the figures depend on the machine.
#
#   sh bench/import.sh                      (make first)
#   POSTS=1000 COMMENTS=10000 sh bench/import.sh
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
GALLEY=${GALLEY:-$top/build/galley}
POSTS=${POSTS:-10000}
COMMENTS=${COMMENTS:-100000}
work=$(mktemp -d /tmp/galley-import-XXXXXX)
trap 'rm -rf "$work"' EXIT

python3 "$top/bench/wxr_gen.py" "$POSTS" "$COMMENTS" > "$work/site.xml"
echo "file: $POSTS posts, $COMMENTS comments," \
    "$(( $(wc -c < "$work/site.xml") / 1048576 )) MiB"
"$GALLEY" init "$work/site" > /dev/null

# run LABEL: one import, its summary kept, its time and RSS printed.
run() {
	/usr/bin/time -f '%e %M %U %S' -o "$work/time" \
	    "$GALLEY" import "$work/site" "$work/site.xml" > "$work/out" 2>&1
	read -r secs kib user sys < "$work/time"
	echo "$1: ${secs} s (CPU ${user} s user, ${sys} s system;" \
	    "load $(cut -d' ' -f1 /proc/loadavg)), peak RSS $(( kib / 1024 )) MiB"
	grep -E '^(posts|comments):' "$work/out" | sed 's/^/  /'
}
run "first import (target <= 10 s, <= 64 MiB)"
run "same file again (target <= 2 s, nothing changed)"
