#!/bin/sh
# How the spam filter's parameters were chosen: cross-validation on the
# training splits only (never the test splits), over a grid of Robinson's
# s and x, the minimum deviation, and the number of tokens combined.  For
# each setting it prints false positives/false negatives at several spam
# cuts, for the YouTube comments (5 folds over Youtube01-04, and leave
# one video out: train on three of them, judge the fourth, as the test
# split is a video the filter never saw) and the SpamAssassin training
# split (4 folds).  Takes a few minutes.
#
#   sh bench/spam-tune.sh
#   ROBS="0.1 0.45" ROBX=0.5 MD=0.1 MT="0 150" sh bench/spam-tune.sh
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
GALLEY=${GALLEY:-$top/build/galley}
DATA=${DATA:-$top/../shared/data}
ROBS=${ROBS:-"0.0178 0.1 0.45 1"}
ROBX=${ROBX:-"0.4 0.5 0.6"}
MD=${MD:-"0 0.1 0.3"}
MT=${MT:-"0 150"}
yt=$DATA/youtube-spam
Y="$yt/Youtube01-Psy.csv $yt/Youtube02-KatyPerry.csv"
Y="$Y $yt/Youtube03-LMFAO.csv $yt/Youtube04-Eminem.csv"

# fp/fn at each cut, from `eval --scores` lines "ham|spam SCORE SIGNALS".
sweep() {
	awk '($1 == "ham" || $1 == "spam") && NF == 3 {
		n++; s[n] = $2; c[n] = $1 }
	END {
		split("0.5 0.6 0.7 0.8 0.9 0.95 0.99", t, " ")
		for (i = 1; i <= 7; i++) {
			fp = fn = 0
			for (j = 1; j <= n; j++) {
				if (c[j] == "ham" && s[j] >= t[i]) fp++
				if (c[j] == "spam" && s[j] < t[i]) fn++
			}
			printf " %s:%d/%d", t[i], fp, fn
		}
		print ""
	}'
}

# Leave one video out: each of Youtube01-04 judged by a filter trained
# on the other three; the scores of the four runs swept together.
lovo() {
	for v in $Y; do
		tr=""
		for o in $Y; do
			[ "$o" = "$v" ] || tr="$tr --train $o"
		done
		# shellcheck disable=SC2086
		"$GALLEY" spam eval $tr --test "$v" --scores "$@"
	done | sweep
}

echo "cut:fp/fn for each setting (cross-validation on training data)"
for s in $ROBS; do for x in $ROBX; do for m in $MD; do for t in $MT; do
	p="--robs $s --robx $x --min-dev $m --max-tokens $t"
	# shellcheck disable=SC2086
	y=$("$GALLEY" spam eval --train $Y --folds 5 --scores $p | sweep)
	# shellcheck disable=SC2086
	a=$("$GALLEY" spam eval --train "$DATA/spamassassin/train" --folds 4 \
	    --scores $p | sweep)
	echo "s=$s x=$x min_dev=$m max_tokens=$t"
	# shellcheck disable=SC2086
	l=$(lovo $p)
	echo "  youtube     $y"
	echo "  youtube-lovo$l"
	echo "  spamassassin$a"
done; done; done; done
