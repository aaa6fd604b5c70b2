#!/bin/sh
# Benchmark: the demo article from `galley serve` against the same bytes
# served as a static file by nginx, with the same wrk flags, on loopback.
# Prints the median req/s of each over ROUNDS alternating runs and the
# ratio galley/nginx, and, for scale, galley's rate when it renders every
# request (?replytocom=1, a page of its own, is never cached).  Then the
# same compressed: wrk sends Accept-Encoding: br, galley answers from its
# page cache's brotli encoding, nginx with brotli_static from the very
# bytes galley sent (index.html.br, and index.html.gz for gzip_static,
# beside index.html).  Not a test: the figures depend on the machine.
#
#   sh bench/article.sh            (after make; make bench does both)
#   DURATION=10 ROUNDS=5 CONNS=64 THREADS=2 sh bench/article.sh
#   BACKEND=postgresql sh bench/article.sh   (a throwaway local cluster)
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
GALLEY=${GALLEY:-$top/build/galley}
DURATION=${DURATION:-8}
ROUNDS=${ROUNDS:-3}
CONNS=${CONNS:-64}
THREADS=${THREADS:-2}
GPORT=${GPORT:-18480}
NPORT=${NPORT:-18481}
BACKEND=${BACKEND:-sqlite}
PATHNAME=/2015/10/russian-isis-strikes-hit-us-backed-anti-isis-groups-instead/

for tool in wrk nginx curl; do
	command -v "$tool" >/dev/null 2>&1 || PATH=$PATH:/usr/sbin
	command -v "$tool" >/dev/null 2>&1 || {
		echo "bench: $tool is missing (run scripts/deps.sh)" >&2
		exit 1
	}
done
# Debian's libnginx-mod-http-brotli-static; gzip_static is built in.
brmod=""
for f in /usr/lib/nginx/modules/ngx_http_brotli_static_module.so \
    /usr/share/nginx/modules/ngx_http_brotli_static_module.so; do
	[ -f "$f" ] && { brmod=$f; break; }
done
[ -n "$brmod" ] || {
	echo "bench: nginx's brotli_static module is missing" \
	    "(run scripts/deps.sh)" >&2
	exit 1
}

work=$(mktemp -d /tmp/galley-bench-XXXXXX)
chmod 755 "$work"
gpid=""
cleanup() {
	[ -n "$gpid" ] && kill "$gpid" 2>/dev/null && wait "$gpid" 2>/dev/null
	[ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null
	[ -d "$work/pg" ] && sh "$top/scripts/pgtest.sh" destroy "$work/pg"
	sleep 0.2
	rm -rf "$work"
}
trap cleanup EXIT INT TERM

if [ "$BACKEND" = postgresql ]; then
	sh "$top/scripts/pgtest.sh" start "$work/pg" durable
	sh "$top/scripts/pgtest.sh" createdb "$work/pg" bench
	"$GALLEY" init "$work/site" --demo \
	    --db "postgresql://galley@/bench?host=$work/pg" >/dev/null
else
	"$GALLEY" init "$work/site" --demo >/dev/null
fi
"$GALLEY" serve "$work/site" --listen "127.0.0.1:$GPORT" 2>/dev/null &
gpid=$!
for _ in $(seq 50); do
	curl -sf -o /dev/null "http://127.0.0.1:$GPORT/" && break
	sleep 0.1
done

# nginx serves the very bytes galley sends, as they are and precompressed
# (curl without --compressed keeps the encoded bytes).
www=$work/www$PATHNAME
mkdir -p "$www" "$work/nginx"
curl -sf -o "${www}index.html" "http://127.0.0.1:$GPORT$PATHNAME"
curl -sf -H 'Accept-Encoding: br' -o "${www}index.html.br" \
    "http://127.0.0.1:$GPORT$PATHNAME"
curl -sf -H 'Accept-Encoding: gzip' -o "${www}index.html.gz" \
    "http://127.0.0.1:$GPORT$PATHNAME"
chmod -R a+rX "$work/www"
cat > "$work/nginx/nginx.conf" <<CONF
load_module $brmod;
worker_processes $(nproc);
pid $work/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 4096; }
http {
	access_log off;
	default_type text/html;
	charset utf-8;
	etag on;
	keepalive_requests 100000;
	client_body_temp_path $work/nginx;
	proxy_temp_path $work/nginx;
	fastcgi_temp_path $work/nginx;
	uwsgi_temp_path $work/nginx;
	scgi_temp_path $work/nginx;
	server {
		listen 127.0.0.1:$NPORT;
		root $work/www;
		gzip_static on;
		brotli_static on;
	}
}
CONF
nginx -c "$work/nginx/nginx.conf" -p "$work/nginx"
for _ in $(seq 50); do
	curl -sf -o /dev/null "http://127.0.0.1:$NPORT$PATHNAME" && break
	sleep 0.1
done
gbytes=$(curl -s "http://127.0.0.1:$GPORT$PATHNAME" | wc -c)
nbytes=$(curl -s "http://127.0.0.1:$NPORT$PATHNAME" | wc -c)
[ "$gbytes" -eq "$nbytes" ] || { echo "bench: bodies differ" >&2; exit 1; }
# Each encoding byte for byte, and sent as such by both.
for pair in br:br gzip:gz; do
	enc=${pair%:*}
	for port in "$GPORT" "$NPORT"; do
		curl -s -D "$work/h" -H "Accept-Encoding: $enc" \
		    -o "$work/b" "http://127.0.0.1:$port$PATHNAME"
		if ! grep -qi "^content-encoding: $enc" "$work/h" ||
		    ! cmp -s "$work/b" "${www}index.html.${pair#*:}"; then
			echo "bench: $enc bodies differ (port $port)" >&2
			exit 1
		fi
	done
done
brbytes=$(wc -c < "${www}index.html.br")
gzbytes=$(wc -c < "${www}index.html.gz")

rps() {
	wrk -t"$THREADS" -c"$CONNS" -d"${DURATION}s" "$@" |
	    awk '/^Requests\/sec:/ { print $2 }'
}
median() {
	sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

: > "$work/g"
: > "$work/n"
: > "$work/r"
: > "$work/gb"
: > "$work/nb"
br='Accept-Encoding: br'
for i in $(seq "$ROUNDS"); do
	rps "http://127.0.0.1:$GPORT$PATHNAME" >> "$work/g"
	rps "http://127.0.0.1:$NPORT$PATHNAME" >> "$work/n"
	# ?replytocom varies the page (the reply form): every request renders.
	rps "http://127.0.0.1:$GPORT$PATHNAME?replytocom=1" >> "$work/r"
	rps -H "$br" "http://127.0.0.1:$GPORT$PATHNAME" >> "$work/gb"
	rps -H "$br" "http://127.0.0.1:$NPORT$PATHNAME" >> "$work/nb"
done
g=$(median < "$work/g")
n=$(median < "$work/n")
r=$(median < "$work/r")
gb=$(median < "$work/gb")
nb=$(median < "$work/nb")
echo "article page ($BACKEND), $gbytes bytes ($brbytes in br, $gzbytes in" \
    "gzip), wrk -t$THREADS -c$CONNS -d${DURATION}s, median of $ROUNDS runs"
echo "galley: $g req/s  (runs: $(tr '\n' ' ' < "$work/g"))"
echo "nginx:  $n req/s  (runs: $(tr '\n' ' ' < "$work/n"))"
echo "galley rendering every request (cache bypassed): $r req/s"
echo "galley, br: $gb req/s  (runs: $(tr '\n' ' ' < "$work/gb"))"
echo "nginx, br:  $nb req/s  (runs: $(tr '\n' ' ' < "$work/nb"))"
awk -v g="$g" -v n="$n" -v gb="$gb" -v nb="$nb" 'BEGIN {
	printf "ratio galley/nginx: %.2f as is, %.2f in br\n", g / n, gb / nb
}'
