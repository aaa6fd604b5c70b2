#!/bin/sh
# How the spam filter's parameters were chosen: cross-validation on the
# training splits only (never the test splits; docs/SPAM.md), over a
# grid of Robinson's s and x, the minimum deviation, the number of tokens
# combined, the logistic model's rate and share of the score (mixed as
# probabilities, mode 0, or log-odds, mode 1), and the
# tokenizer's features.  For each setting it prints false positives/false
# negatives at several spam cuts (the score alone, no signals), for the
# YouTube comments (leave one video out over Youtube01-04: the test split
# is a video the filter never saw) and the SpamAssassin training split
# (10 stratified folds, seed 0).  Takes a few minutes a setting.
#
#   sh bench/spam-tune.sh
#   ROBS=0.45 MIX="0 0.5 1" MODE="0 1" RATE="4 8" FEAT="0 32 64" \
#       sh bench/spam-tune.sh
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
GALLEY=${GALLEY:-$top/build/galley}
DATA=${DATA:-$top/../shared/data}
ROBS=${ROBS:-"0.45"}
ROBX=${ROBX:-"0.5"}
MD=${MD:-"0.1"}
MT=${MT:-"150"}
MIX=${MIX:-"0.7"}
MODE=${MODE:-"1"}
RATE=${RATE:-"10"}
FEAT=${FEAT:-"288"}
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

echo "cut:fp/fn for each setting (cross-validation on training data)"
for s in $ROBS; do for x in $ROBX; do for m in $MD; do for t in $MT; do
for mix in $MIX; do for mm in $MODE; do for r in $RATE; do
for f in $FEAT; do
	p="--robs $s --robx $x --min-dev $m --max-tokens $t --mix $mix"
	p="$p --mix-mode $mm --lr-rate $r --features $f --no-signals"
	# shellcheck disable=SC2086
	l=$("$GALLEY" spam eval --train $Y --by-path --scores $p | sweep)
	# shellcheck disable=SC2086
	a=$("$GALLEY" spam eval --train "$DATA/spamassassin/train" --folds 10 \
	    --seed 0 --scores $p | sweep)
	echo "s=$s x=$x min_dev=$m max_tokens=$t mix=$mix mode=$mm rate=$r" \
	    "features=$f"
	echo "  youtube-lovo$l"
	echo "  spamassassin$a"
done; done; done; done; done; done; done; done
