#!/bin/sh
# Benchmark: Galley's spam filter beside bogofilter on the same folds.
#
# 1. Cross-validation on training data only (issue 21's protocol):
#    10 stratified folds (seed 0) of spamassassin/train, and leave one
#    video out over Youtube01-04.  `galley spam eval --write-folds`
#    writes each fold's messages, so bogofilter (Debian's, a fresh word
#    list per fold, learning the other folds) judges the very same
#    messages.  A row per fold: bogofilter at its stock cut-offs (0.45 /
#    0.99) and at one cut of 0.5, galley at its defaults and at 0.5.
# 2. The test splits, run once to report: train/ -> test/ and
#    Youtube01-04 -> Youtube05.  Never a reason for a choice.
# 3. Throughput per core: both pinned to one core with taskset, galley
#    on one thread; messages judged per second of wall time (files read,
#    parsed and scored) on the test split, the median of ROUNDS runs,
#    and the time of one YouTube comment in microseconds.
# Unsure counts as not spam.  Not a test: the figures depend on the
# machine.
#
#   sh bench/spam.sh            (after make; ROUNDS=5, FOLDS=10, CPU=0)
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
GALLEY=${GALLEY:-$top/build/galley}
DATA=${DATA:-$top/../shared/data}
ROUNDS=${ROUNDS:-5}
FOLDS=${FOLDS:-10}
CPU=${CPU:-0}

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
		taskset -c "$CPU" bogofilter -C -d "$db" $3 -T -b \
		    < "$work/all.list" > "$work/out" ||
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
		# shellcheck disable=SC2086
		taskset -c "$CPU" "$GALLEY" spam eval --train $1 --test $2 $3 \
		    --threads 1 --json > "$work/json"
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

# bogofilter on the folds in dir $1 (0 .. $2-1): for each, a word list
# learnt from the other folds judges it, stock and at one cut of 0.5.
# Prints "fold fp fn u_ham u_spam fp05 fn05" per fold.
bogo_folds() {
	k=0
	while [ "$k" -lt "$2" ]; do
		db=$work/bogo.cv
		rm -rf "$db" && mkdir "$db"
		j=0
		while [ "$j" -lt "$2" ]; do
			if [ "$j" != "$k" ]; then
				find "$1/$j/spam" -type f |
				    bogofilter -C -d "$db" -s -b
				find "$1/$j/ham" -type f |
				    bogofilter -C -d "$db" -n -b
			fi
			j=$((j + 1))
		done
		find "$1/$k/ham" "$1/$k/spam" -type f > "$work/cv.list"
		bogofilter -C -d "$db" -T -b < "$work/cv.list" > "$work/o1" ||
		    true
		bogofilter -C -d "$db" -o 0.5,0.5 -T -b < "$work/cv.list" \
		    > "$work/o2" || true
		awk -v k="$k" '
			{ ham = ($1 ~ /\/ham\/[^\/]*$/); c = $2 }
			FILENAME ~ /o1$/ && ham { if (c == "S") fp1++
			    if (c == "U") uh++ }
			FILENAME ~ /o1$/ && !ham { if (c != "S") fn1++
			    if (c == "U") us++ }
			FILENAME ~ /o2$/ && ham { if (c == "S") fp2++ }
			FILENAME ~ /o2$/ && !ham { if (c != "S") fn2++ }
			END { printf "%d %d %d %d %d %d %d\n", k, fp1, fn1, uh,
			    us, fp2, fn2 }' "$work/o1" "$work/o2"
		k=$((k + 1))
	done
	rm -rf "$work/bogo.cv"
}

# The cross-validated table: galley's rows (text output of eval, at
# defaults and at 0.5) beside bogofilter's; then the totals and the
# mean and lowest accuracy over the folds.
cv() {
	name=$1
	shift
	rm -rf "$work/folds"
	"$GALLEY" spam eval "$@" --write-folds "$work/folds" > "$work/g1"
	"$GALLEY" spam eval "$@" --spam-threshold 0.5 > "$work/g2"
	nf=$(ls "$work/folds" | wc -l)
	bogo_folds "$work/folds" "$nf" > "$work/b"
	echo
	echo "$name: cross-validated, $nf folds (unsure counted as not spam)"
	printf '%-5s %5s %5s | %-21s | %-9s | %-21s | %-9s\n' "" "" "" \
	    "bogofilter stock" "bogo 0.5" "galley defaults" "galley 0.5"
	printf '%-5s %5s %5s | %4s %4s %5s %6s | %4s %4s | %4s %4s %5s %6s | %4s %4s\n' \
	    fold ham spam fp fn u_ham u_spam fp fn fp fn u_ham u_spam fp fn
	awk '
		FILENAME ~ /\/b$/ { b[$1] = $0; next }
		FILENAME ~ /\/g1$/ && $1 ~ /^[0-9]+$/ { g1[$1] = $0; n = $1 + 1 }
		FILENAME ~ /\/g2$/ && $1 ~ /^[0-9]+$/ { g2[$1] = $0 }
		END {
			for (k = 0; k < n; k++) {
				split(b[k], x, " "); split(g1[k], y, " ");
				split(g2[k], z, " ")
				h = y[2]; s = y[3]
				printf "%-5d %5d %5d | %4d %4d %5d %6d | %4d %4d | %4d %4d %5d %6d | %4d %4d\n",
				    k, h, s, x[2], x[3], x[4], x[5], x[6], x[7],
				    y[4], y[5], y[6], y[7], z[4], z[5]
				H += h; S += s
				for (i = 2; i <= 7; i++) B[i] += x[i]
				for (i = 4; i <= 7; i++) G[i] += y[i]
				Z4 += z[4]; Z5 += z[5]
				ab = 1 - (x[2] + x[3]) / (h + s); ag = y[8]
				ba += ab / n; ga += ag / n
				if (k == 0 || ab < bmin) bmin = ab
				if (k == 0 || ag < gmin) gmin = ag
			}
			printf "%-5s %5d %5d | %4d %4d %5d %6d | %4d %4d | %4d %4d %5d %6d | %4d %4d\n",
			    "total", H, S, B[2], B[3], B[4], B[5], B[6], B[7],
			    G[4], G[5], G[6], G[7], Z4, Z5
			printf "accuracy over folds, mean (lowest): bogofilter stock %.4f (%.4f), galley defaults %.4f (%.4f)\n",
			    ba, bmin, ga, gmin
		}' "$work/b" "$work/g1" "$work/g2"
}

sa=$DATA/spamassassin
yt=$DATA/youtube-spam
Y="$yt/Youtube01-Psy.csv $yt/Youtube02-KatyPerry.csv"
Y="$Y $yt/Youtube03-LMFAO.csv $yt/Youtube04-Eminem.csv"

echo "1. Cross-validation on the training data (every choice is made here)"
cv "spamassassin/train, $FOLDS stratified folds, seed 0" \
    --train "$sa/train" --folds "$FOLDS" --seed 0
# shellcheck disable=SC2086
cv "YouTube, leave one video out over Youtube01-04" --train $Y --by-path

echo
echo "2. The test splits, run once to report (never a reason for a choice)"
split_csv "$work/yt-train" "$yt"/Youtube0[1-4]-*.csv
split_csv "$work/yt-test" "$yt"/Youtube05-*.csv
for corpus in spamassassin youtube; do
	if [ $corpus = spamassassin ]; then
		btrain=$sa/train btest=$sa/test gtrain=$sa/train gtest=$sa/test
	else
		btrain=$work/yt-train btest=$work/yt-test gtrain=$Y
		gtest=$yt/Youtube05-Shakira.csv
	fi
	echo
	echo "$corpus test split (msgs/s: one core, median of $ROUNDS)"
	row filter fp fn u_ham u_spam accuracy msgs/s
	b1=$(bogo "$btrain" "$btest" "")
	# shellcheck disable=SC2086
	row "bogofilter, stock cut-offs" $b1
	b2=$(bogo "$btrain" "$btest" "-o 0.5,0.5")
	# shellcheck disable=SC2086
	row "bogofilter, one cut at 0.5" $b2
	g1=$(galley "$gtrain" "$gtest" "")
	# shellcheck disable=SC2086
	row "galley, defaults" $g1
	g2=$(galley "$gtrain" "$gtest" "--spam-threshold 0.5")
	# shellcheck disable=SC2086
	row "galley, one cut at 0.5" $g2
	echo "$b1 $g1" | awk '{ printf "per core: galley/bogofilter %.2f;" \
	    " galley %.0f us a message\n", $12 / $6, 1e6 / $12 }'
done
