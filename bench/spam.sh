#!/bin/sh
# Benchmark: Galley's spam filter against bogofilter on the same splits
# in the same run.  For each corpus, bogofilter (Debian's, a fresh word
# list) is trained on the training split and classifies the test split,
# with its stock cut-offs and forced to one cut at 0.5; then
# `galley spam eval` does the same with its default thresholds and with
# one cut at 0.5.  Unsure counts as not spam.  Throughput is messages
# classified per second of wall time (files read, parsed and scored),
# the median of ROUNDS runs; bogofilter runs as one process, galley on
# one thread per core (printed).  Not a test: the figures depend on the
# machine.
#
#   sh bench/spam.sh            (after make; ROUNDS=5 by default)
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
GALLEY=${GALLEY:-$top/build/galley}
DATA=${DATA:-$top/../shared/data}
ROUNDS=${ROUNDS:-5}

command -v bogofilter >/dev/null 2>&1 || {
	echo "bench: bogofilter is missing (run scripts/deps.sh)" >&2
	exit 1
}
work=$(mktemp -d /tmp/galley-spam-XXXXXX)
trap 'rm -rf "$work"' EXIT INT TERM

# One message per file from the YouTube CSV files (RFC 4180 quoting,
# embedded newlines), as ham/ and spam/ of dir $1.
split_csv() {
	out=$1
	shift
	mkdir -p "$out/ham" "$out/spam"
	perl -e '
		my ($out, @files) = @ARGV; my $n = 0;
		for my $f (@files) {
			open(my $fh, "<:raw", $f) or die "$f: $!";
			local $/; my $s = <$fh>; close $fh;
			my (@row, @rows);
			while ($s =~ /\G(?:"((?:[^"]++|"")*+)"|([^,\r\n]*))(,|\r?\n|\z)/gc) {
				my ($v, $sep) = (defined $1 ? $1 : $2, $3);
				$v =~ s/""/"/g;
				push @row, $v;
				if ($sep ne ",") { push @rows, [@row]; @row = (); }
				last if $sep eq "";
			}
			my @h = @{shift @rows};
			my ($c) = grep { uc $h[$_] eq "CONTENT" } 0..$#h;
			my ($k) = grep { uc $h[$_] eq "CLASS" } 0..$#h;
			for my $r (@rows) {
				next unless defined $r->[$k] && $r->[$k] =~ /^[01]$/;
				my $d = $r->[$k] ? "spam" : "ham";
				open(my $o, ">:raw", sprintf("%s/%s/%05d", $out, $d, $n++)) or die;
				print $o "\n", $r->[$c], "\n"; close $o;
			}
		}' "$out" "$@"
}

median() {
	sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

# bogofilter on train dir $1, test dir $2, with extra flags $3; prints
# "fp fn unsure_ham unsure_spam accuracy msgs_per_s".
bogo() {
	db=$work/bogo.$$
	rm -rf "$db" && mkdir "$db"
	find "$1/spam" -type f | bogofilter -C -d "$db" -s -b
	find "$1/ham" -type f | bogofilter -C -d "$db" -n -b
	find "$2/ham" -type f > "$work/ham.list"
	find "$2/spam" -type f > "$work/spam.list"
	cat "$work/ham.list" "$work/spam.list" > "$work/all.list"
	n=$(wc -l < "$work/all.list")
	i=0
	: > "$work/rates"
	while [ $i -lt "$ROUNDS" ]; do
		t0=$(date +%s.%N)
		bogofilter -C -d "$db" $3 -T -b < "$work/all.list" > "$work/out" ||
		    true
		t1=$(date +%s.%N)
		echo "$n $t0 $t1" | awk '{ printf "%.0f\n", $1 / ($3 - $2) }' \
		    >> "$work/rates"
		i=$((i + 1))
	done
	rate=$(median < "$work/rates")
	awk -v rate="$rate" -v hl="$work/ham.list" '
		BEGIN { while ((getline f < hl) > 0) ham[f] = 1 }
		{ c = $2; if ($1 in ham) { h++; if (c == "S") fp++;
		    if (c == "U") uh++ } else { s++; if (c != "S") fn++;
		    if (c == "U") us++ } }
		END { printf "%d %d %d %d %.4f %s\n", fp, fn, uh, us,
		    (h + s - fp - fn) / (h + s), rate }' "$work/out"
	rm -rf "$db"
}

# galley spam eval on train $1, test $2, extra flags $3: the same fields.
galley() {
	i=0
	: > "$work/rates"
	while [ $i -lt "$ROUNDS" ]; do
		"$GALLEY" spam eval --train $1 --test $2 $3 --json > "$work/json"
		sed 's/.*"msgs_per_s":\([0-9.]*\).*/\1/' "$work/json" \
		    >> "$work/rates"
		i=$((i + 1))
	done
	rate=$(median < "$work/rates")
	sed 's/[{}"]//g; s/,/ /g; s/:/ /g' "$work/json" | awk -v rate="$rate" '
		{ for (i = 1; i < NF; i += 2) v[$i] = $(i + 1) }
		END { printf "%d %d %d %d %.4f %s\n", v["fp"], v["fn"],
		    v["unsure_ham"], v["unsure_spam"], v["accuracy"], rate }'
}

row() {
	printf '%-34s %4s %4s %6s %6s %8s %9s\n' "$@"
}

threads=$(nproc 2>/dev/null || echo 1)
sa=$DATA/spamassassin
yt=$DATA/youtube-spam
split_csv "$work/yt-train" "$yt"/Youtube0[1-4]-*.csv
split_csv "$work/yt-test" "$yt"/Youtube05-*.csv

for corpus in spamassassin youtube; do
	if [ $corpus = spamassassin ]; then
		btrain=$sa/train btest=$sa/test gtrain=$sa/train gtest=$sa/test
	else
		btrain=$work/yt-train btest=$work/yt-test
		gtrain="$yt/Youtube01-Psy.csv $yt/Youtube02-KatyPerry.csv"
		gtrain="$gtrain $yt/Youtube03-LMFAO.csv $yt/Youtube04-Eminem.csv"
		gtest=$yt/Youtube05-Shakira.csv
	fi
	echo
	echo "$corpus (unsure counted as not spam; msgs/s median of $ROUNDS)"
	row filter fp fn u_ham u_spam accuracy msgs/s
	b1=$(bogo "$btrain" "$btest" "")
	# shellcheck disable=SC2086
	row "bogofilter, stock cut-offs" $b1
	b2=$(bogo "$btrain" "$btest" "-o 0.5,0.5")
	# shellcheck disable=SC2086
	row "bogofilter, one cut at 0.5" $b2
	g1=$(galley "$gtrain" "$gtest" "")
	# shellcheck disable=SC2086
	row "galley, defaults ($threads threads)" $g1
	g2=$(galley "$gtrain" "$gtest" "--spam-threshold 0.5")
	# shellcheck disable=SC2086
	row "galley, one cut at 0.5" $g2
	echo "$b1 $g1" | awk '{ printf "throughput galley/bogofilter: %.2f\n",
	    $12 / $6 }'
done
