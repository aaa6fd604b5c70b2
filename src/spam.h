/*
 * spam: the statistical comment filter.  A message becomes a set of
 * tokens (words of each field under the field's prefix, link hosts, the
 * number of links, the script mix); each token's counts in ham and spam
 * give Robinson's probability f(w), and Fisher's chi-square combining of
 * the strongest f(w) gives a score in [0, 1], as in SpamBayes and
 * bogofilter.  Counts are kept by the caller: the site's database
 * (store.h) or, for evaluation, a struct spam_mem.
 *
 * Signals beyond the text (a filled honeypot, a form sent too fast, a
 * link to a host seen in spam, a sender seen in spam, no user agent)
 * are decided here too, in spam_verdict, so that the server and
 * `galley spam eval` agree.
 */
#ifndef GALLEY_SPAM_H
#define GALLEY_SPAM_H

#include <stddef.h>
#include <stdint.h>

struct arena;

/* The unique tokens of one message; strings live in the arena. */
struct spam_toks {
	struct arena	 *arena;
	const char	**tok;
	uint64_t	 *hash;		/* of each token */
	size_t		  n, cap;
	uint32_t	 *set;		/* open addressing: index + 1, or 0 */
	size_t		  nset;
	int		  links;	/* links seen in the text */
	size_t		 *hosts;	/* indexes of the link hosts' tokens */
	size_t		  nhosts;
	char		  prev[64];	/* the last word, for bigrams */
	int		  nopairs;	/* a mail, without SPAM_F_MAIL_PAIRS */
	unsigned	  feat;		/* enum spam_feature bits in use */
	char		  run[16];	/* single letters in a row: "f r e e" */
	size_t		  nrun;
};

/*
 * What the tokenizer adds beside words, pairs and hosts; each can be
 * turned off to measure it (`galley spam eval --features`).  The
 * default, SPAM_FEATURES, is what cross-validation kept (docs/SPAM.md).
 */
enum spam_feature {
	SPAM_F_GRAMS = 1 << 0,		/* a comment's 3-5 letter n-grams */
	SPAM_F_LEET = 1 << 1,		/* "fr33" also as "free" */
	SPAM_F_SPACED = 1 << 2,		/* "f r e e" also as "free" */
	SPAM_F_HOMOGLYPH = 1 << 3,	/* Cyrillic "а" in Latin as "a" */
	SPAM_F_SHORTENER = 1 << 4,	/* bit.ly and kin as one host too */
	SPAM_F_MAIL_META = 1 << 5,	/* a mail's Message-ID domain,
					   recipient counts, transfer
					   encodings and charsets */
	SPAM_F_HEADER_NAMES = 1 << 6,	/* a mail's header names */
	SPAM_F_MAIL_PAIRS = 1 << 7,	/* word pairs in mail too */
	SPAM_F_LENGTH = 1 << 8		/* a comment's length in words */
};

#define SPAM_FEATURES	(SPAM_F_MAIL_META | SPAM_F_LENGTH)

/* The fields of a comment that feed the filter (any may be NULL). */
struct spam_comment {
	const char	*author;
	const char	*email;
	const char	*url;
	const char	*content;	/* Markdown or HTML as sent */
};

/* Robinson's s and x, the deviation below which a token is ignored,
 * and the most tokens combined (0: all). */
struct spam_params {
	double	 robs;
	double	 robx;
	double	 min_dev;
	int	 max_tokens;
	double	 lr_rate;	/* the logistic model's learning rate */
	double	 mix;		/* its share of the score (0: Bayes alone) */
	int	 mix_mode;	/* 0: of the probabilities, 1: log-odds,
				   2: the more confident where both agree */
};

/*
 * A token's counts in ham and spam, and its weight in the logistic
 * model, in units of 1/SPAM_W_ONE.
 */
struct spam_count {
	int64_t	 ham;
	int64_t	 spam;
	int64_t	 w;
};

#define SPAM_W_ONE	4096

/* The signals beyond the text, as bits of spam_verdict's input. */
enum spam_signal {
	SPAM_SIG_HONEYPOT = 1 << 0,	/* the hidden field was filled */
	SPAM_SIG_TOO_FAST = 1 << 1,	/* sent sooner than a human can */
	SPAM_SIG_NO_TOKEN = 1 << 2,	/* no or a forged form token */
	SPAM_SIG_SPAM_HOST = 1 << 3,	/* links a host seen only in spam */
	SPAM_SIG_KNOWN = 1 << 4,	/* email or IP hash seen in spam */
	SPAM_SIG_NO_AGENT = 1 << 5	/* no User-Agent header */
};

/* The settings' defaults, measured by bench/spam-tune.sh. */
#define SPAM_HAM_THRESHOLD	"0.2"
#define SPAM_SPAM_THRESHOLD	"0.85"
/*
 * Blatant: no ham of the cross-validation folds (SpamAssassin and
 * YouTube, 5,830 messages) scored this high with both models mixed;
 * 1,523 of the 2,159 spam did (docs/SPAM.md).
 */
#define SPAM_BLATANT		0.999

enum spam_class {
	SPAM_HAM,
	SPAM_UNSURE,
	SPAM_SPAM,
	SPAM_DISCARD		/* blatant: dropped without a word */
};

/* Readies the libraries the tokenizer uses; call before threads start. */
void	spam_init(void);
/* The parameters measured by bench/spam-tune.sh. */
void	spam_params_default(struct spam_params *);

/* Readies t with the default features, SPAM_FEATURES. */
void	spam_toks_init(struct spam_toks *, struct arena *);
/* Adds prefix + s[0..len) unless it is there already. */
void	spam_toks_add(struct spam_toks *, const char *prefix, const char *s,
	    size_t len);
/*
 * Adds the tokens of plain text s[0..len): words (ASCII folded to
 * lower case, 3 to 12 bytes; longer ones as a length class), URLs as
 * their hosts, email addresses as their domains, and the script mix.
 */
void	spam_text(struct spam_toks *, const char *prefix, const char *s,
	    size_t len);
/* Adds the tokens of HTML: its text, and its links' hosts. */
void	spam_html(struct spam_toks *, const char *prefix, const char *s,
	    size_t len);
/* Adds the tokens of a comment's fields. */
void	spam_comment_tokens(struct spam_toks *, const struct spam_comment *);
/*
 * Adds the tokens of an RFC 822 message (headers, and every text part
 * decoded, through GMime).  Returns 0, or -1 if it is not one (then
 * nothing was added).
 */
int	spam_mail_tokens(struct spam_toks *, const char *raw, size_t len);
/* Readies GMime, once per process (spam_init calls it). */
void	spam_mail_init(void);
/* Adds the summary tokens (link count) once the fields are in. */
void	spam_toks_finish(struct spam_toks *);

/*
 * The Fisher-Robinson score of n tokens with counts c, given the
 * numbers of ham and spam messages learnt: 0 is ham, 1 spam; -1 when
 * no token carries evidence (no opinion).
 */
double	spam_score(const struct spam_count *c, size_t n, int64_t nham,
	    int64_t nspam, const struct spam_params *);
/*
 * The logistic model's probability of spam for n tokens with weights
 * c[i].w and the bias (the weight of the empty token): the inputs are
 * 1/sqrt(n) each, so that a long mail and a short comment weigh alike.
 */
double	spam_lr(const struct spam_count *c, size_t n, int64_t bias);
/*
 * The step that learning a message of n tokens (spam or not), to which
 * the model now gives p, adds to each of its tokens' weights and to the
 * bias: one integer, so that unlearning subtracts exactly what learning
 * added, whatever was learnt between.
 */
int64_t	spam_lr_step(double p, size_t n, int spam, double rate);
/* The score of both models: Bayes's (or -1) mixed with the logistic. */
double	spam_mix(double bayes, double lr, const struct spam_params *);

/*
 * A filter that has learnt fewer messages than this of either class
 * has no opinion yet: with no ham learnt, every token it knows would
 * look like spam.
 */
#define SPAM_MIN_LEARNT	10

/*
 * The filter's opinion of n tokens with counts c: both models' scores
 * mixed (spam_mix, the default parameters), the logistic one with the
 * bias given; or -1 (no opinion) while fewer than SPAM_MIN_LEARNT
 * messages of either class have been learnt.  The one rule the server
 * and the command line share.
 */
double	spam_opinion(const struct spam_count *c, size_t n, int64_t nham,
	    int64_t nspam, int64_t bias);

/*
 * The class of a message from its score and signals: the thresholds
 * split the score into ham, unsure and spam (a score below 0, no
 * opinion, is ham); signals move it up (see spam.c); with discard set,
 * a score at or above SPAM_BLATANT plus a signal is SPAM_DISCARD.
 */
enum spam_class spam_verdict(double score, unsigned signals,
	    double ham_threshold, double spam_threshold, int discard);
/*
 * SPAM_SIG_SPAM_HOST if a link host of t (with counts c) has been seen
 * in spam and never in ham, else 0.
 */
unsigned spam_host_signal(const struct spam_toks *t,
	    const struct spam_count *c);
/* Comma-separated names of the bits in signals, in the arena ("" if none). */
const char *spam_signal_names(struct arena *, unsigned signals);
/*
 * What the signal name[0..len) (one of spam_signal_names's) means, as a
 * phrase for a person (static), or NULL for a name it does not know.
 */
const char *spam_signal_words(const char *name, size_t len);

/* An in-memory token table, for evaluation and tests. */
struct spam_mem;

struct spam_mem *spam_mem_new(void);
void	spam_mem_free(struct spam_mem *);
/* Adds (or with sign -1, takes away) one message's tokens as ham or spam. */
void	spam_mem_learn(struct spam_mem *, const struct spam_toks *, int spam,
	    int sign);
/* Adds step to the weight of each of t's tokens and to the bias. */
void	spam_mem_step(struct spam_mem *, const struct spam_toks *,
	    int64_t step);
/* The bias: the empty token's weight. */
int64_t	spam_mem_bias(const struct spam_mem *);
/* Fills c[0..t->n) with the counts of t's tokens. */
void	spam_mem_counts(const struct spam_mem *, const struct spam_toks *t,
	    struct spam_count *c);
/* The numbers of ham and spam messages learnt. */
void	spam_mem_totals(const struct spam_mem *, int64_t *nham,
	    int64_t *nspam);
/* How many distinct tokens it holds, and a checksum of all counts. */
size_t	spam_mem_size(const struct spam_mem *, uint64_t *sum);

#endif
