#!/bin/sh
# Install every Debian package that building, testing and benchmarking
# Galley needs.  Idempotent: asks dpkg what is missing and installs only
# that, so a machine that has everything makes no network request.
set -eu

PACKAGES="
build-essential
pkg-config
curl
libmicrohttpd-dev
libsqlite3-dev
libpq-dev
postgresql
sqlite3
libmd4c-dev
libmd4c-html0-dev
libsodium-dev
libjansson-dev
libturbojpeg0-dev
libexif-dev
libpng-dev
libgif-dev
libwebp-dev
liblcms2-dev
wrk
nginx-light
valgrind
tidy
libpcre2-dev
libcurl4-openssl-dev
libxml2-dev
python3-feedparser
python3-aiosmtpd
python3-prometheus-client
libjpeg-turbo-progs
bogofilter
libcsv-dev
libgmime-3.0-dev
libbrotli-dev
zlib1g-dev
libarchive-dev
libnginx-mod-http-brotli-static
chromium
default-jre-headless
tzdata
libsystemd-dev
systemd
"

# The end-to-end tests need Node.js; most machines have one already.
command -v node >/dev/null 2>&1 || PACKAGES="$PACKAGES nodejs npm"

missing=""
for p in $PACKAGES; do
	if ! dpkg -s "$p" 2>/dev/null | grep -q '^Status: install ok installed'; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
	SUDO=""
else
	SUDO="sudo"
fi
echo "deps.sh: installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
