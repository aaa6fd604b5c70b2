#!/bin/sh
# A throwaway PostgreSQL cluster for the tests: data and unix socket in
# DIR, no TCP port.  initdb refuses to run as root, so as root the server
# runs as the postgres user (Debian's package creates it).  The cluster
# never outlives its tests and is only ever stopped cleanly, so it does
# not fsync: Galley sees the same commits, only sooner (fsync off is not
# a setting for a cluster that must survive a crash of its own).
#
#   pgtest.sh start DIR        initdb DIR/data and start; socket in DIR
#   pgtest.sh start DIR durable   the same with fsync on (a benchmark's
#                              commits must reach the disk, as in production)
#   pgtest.sh createdb DIR DB  create database DB
#   pgtest.sh stop DIR         stop the server (data kept)
#   pgtest.sh resume DIR       start it again
#   pgtest.sh destroy DIR      stop it and remove DIR
set -eu
cmd=$1
dir=$2
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$bin" ] || { echo "pgtest: PostgreSQL is not installed" >&2; exit 1; }

as_pg() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

pg_start() {
	sync="-c fsync=off -c full_page_writes=off"
	[ ! -f "$dir/durable" ] || sync="-c fsync=on -c full_page_writes=on"
	as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
	    -o "-k $dir -c listen_addresses= -c max_connections=500 $sync" \
	    start >/dev/null
}

case $cmd in
start)
	mkdir -p "$dir"
	[ "${3:-}" != durable ] || : > "$dir/durable"
	[ "$(id -u)" -eq 0 ] && chown postgres "$dir"
	as_pg "$bin/initdb" -D "$dir/data" -U galley --auth=trust \
	    -E UTF8 --no-locale --no-sync >/dev/null
	pg_start
	;;
createdb)
	"$bin/createdb" -h "$dir" -U galley "$3"
	;;
stop)
	as_pg "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
	;;
resume)
	pg_start
	;;
destroy)
	as_pg "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop \
	    >/dev/null 2>&1 || true
	rm -rf "$dir"
	;;
*)
	echo "usage: pgtest.sh start|createdb|stop|resume|destroy DIR [DB]" >&2
	exit 2
	;;
esac
