/*
 * spam: see spam.h.  The tokenizer follows SpamBayes where it has been
 * measured to help (lower-cased words of 3 to 12 bytes, long words as a
 * length class, hosts of URLs, field prefixes) and adds what short
 * comments need (the number of links, the script mix).  The combining
 * is Robinson's f(w) and Fisher's chi-square, computed in logarithms so
 * that hundreds of strong tokens neither underflow nor saturate.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "arena.h"
#include "buf.h"
#include "htmlsax.h"
#include "i18n.h"
#include "spam.h"
#include "utf8.h"

#define TOKS_MAX	2000	/* tokens kept from one message */
#define WORD_MIN	2
#define WORD_MAX	12

void
spam_init(void)
{
	htmlsax_init();
	spam_mail_init();
}

void
spam_params_default(struct spam_params *p)
{
	/* Measured by bench/spam-tune.sh on the training splits only. */
	p->robs = 0.45;
	p->robx = 0.5;
	p->min_dev = 0.1;
	p->max_tokens = 150;
	p->lr_rate = 10.0;
	p->mix = 0.7;
	p->mix_mode = 1;
}

void
spam_toks_init(struct spam_toks *t, struct arena *a)
{
	memset(t, 0, sizeof(*t));
	t->arena = a;
	t->feat = SPAM_FEATURES;
}

static void
toks_grow(struct spam_toks *t)
{
	const char	**tok;
	size_t		  i, j, cap = t->cap ? t->cap * 2 : 256;

	uint64_t	 *h;

	tok = arena_alloc(t->arena, cap * sizeof(*tok));
	h = arena_alloc(t->arena, cap * sizeof(*h));
	if (t->n > 0) {
		memcpy(tok, t->tok, t->n * sizeof(*tok));
		memcpy(h, t->hash, t->n * sizeof(*h));
	}
	t->tok = tok;
	t->hash = h;
	t->cap = cap;
	t->nset = cap * 2;
	t->set = arena_alloc(t->arena, t->nset * sizeof(*t->set));
	memset(t->set, 0, t->nset * sizeof(*t->set));
	for (i = 0; i < t->n; i++) {
		j = h[i] & (t->nset - 1);
		while (t->set[j] != 0)
			j = (j + 1) & (t->nset - 1);
		t->set[j] = (uint32_t)i + 1;
	}
}

/* FNV-1a over a then b, as if they were one string. */
static uint64_t
hash2(const char *a, size_t alen, const char *b, size_t blen)
{
	uint64_t	 h = 1469598103934665603ULL;

	while (alen-- > 0)
		h = (h ^ (unsigned char)*a++) * 1099511628211ULL;
	while (blen-- > 0)
		h = (h ^ (unsigned char)*b++) * 1099511628211ULL;
	return h;
}

/* Adds prefix+s unless present; returns its index, or -1 if full. */
static long
toks_put(struct spam_toks *t, const char *prefix, const char *s, size_t len)
{
	const char	*k;
	char		*tok;
	size_t		 plen = strlen(prefix), j;
	uint64_t	 h;

	if (plen + len > 127)
		len = 127 - plen;
	if (t->n == t->cap) {
		if (t->n >= TOKS_MAX)
			return -1;
		toks_grow(t);
	}
	h = hash2(prefix, plen, s, len);
	for (j = h & (t->nset - 1); t->set[j] != 0; j = (j + 1) & (t->nset - 1)) {
		k = t->tok[t->set[j] - 1];
		if (t->hash[t->set[j] - 1] == h && memcmp(k, prefix, plen) == 0 &&
		    memcmp(k + plen, s, len) == 0 && k[plen + len] == '\0')
			return (long)t->set[j] - 1;
	}
	tok = arena_alloc(t->arena, plen + len + 1);
	memcpy(tok, prefix, plen);
	memcpy(tok + plen, s, len);
	tok[plen + len] = '\0';
	t->hash[t->n] = h;
	t->tok[t->n] = tok;
	t->set[j] = (uint32_t)++t->n;
	return (long)t->n - 1;
}

void
spam_toks_add(struct spam_toks *t, const char *prefix, const char *s,
    size_t len)
{
	toks_put(t, prefix, s, len);
}

/* The script of code point c, or NULL for none worth a token. */
static const char *
script(uint32_t c)
{
	static const struct {
		uint32_t	 lo, hi;
		const char	*name;
	} ranges[] = {
		{ 'A', 'Z', "latin" }, { 'a', 'z', "latin" },
		{ 0xc0, 0x24f, "latin" }, { 0x370, 0x3ff, "greek" },
		{ 0x400, 0x4ff, "cyrillic" }, { 0x590, 0x5ff, "hebrew" },
		{ 0x600, 0x6ff, "arabic" }, { 0x900, 0x97f, "devanagari" },
		{ 0xe00, 0xe7f, "thai" }, { 0x3040, 0x30ff, "kana" },
		{ 0x4e00, 0x9fff, "han" }, { 0xac00, 0xd7af, "hangul" },
		{ 0x2600, 0x27bf, "symbol" }, { 0x1f300, 0x1faff, "emoji" },
	};
	size_t	 i;

	for (i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++)
		if (c >= ranges[i].lo && c <= ranges[i].hi)
			return ranges[i].name;
	return NULL;
}

/*
 * Hosts whose links only redirect: a spammer's way to hide where a link
 * goes, and to dodge a host the filter knows.
 */
static int
shortener(const char *host)
{
	static const char *const hosts[] = { "bit.ly", "goo.gl", "tinyurl.com",
	    "t.co", "ow.ly", "is.gd", "buff.ly", "adf.ly", "bit.do",
	    "cutt.ly", "rebrand.ly", "shorturl.at", "tiny.cc", "v.gd",
	    "rb.gy", "shorte.st", "j.mp", "lnkd.in", "x.co", "po.st" };
	size_t	 i;

	for (i = 0; i < sizeof(hosts) / sizeof(hosts[0]); i++)
		if (strcmp(host, hosts[i]) == 0)
			return 1;
	return 0;
}

/* Adds "h:host" for the URL at u[0..n) and counts it as a link. */
static void
url_tokens(struct spam_toks *t, const char *u, size_t n)
{
	const char	*h = u, *e;
	char		 host[128];
	size_t		 i, hl;
	long		 idx;

	for (i = 0; i + 2 < n; i++)
		if (memcmp(u + i, "://", 3) == 0) {
			h = u + i + 3;
			break;
		}
	e = h;
	while (e < u + n && strchr("/?#:", *e) == NULL)
		e++;
	hl = (size_t)(e - h) < sizeof(host) - 1 ? (size_t)(e - h) :
	    sizeof(host) - 1;
	for (i = 0; i < hl; i++)
		host[i] = (char)tolower((unsigned char)h[i]);
	host[hl] = '\0';
	if (strncmp(host, "www.", 4) == 0)
		memmove(host, host + 4, (hl -= 4) + 1);
	while (hl > 0 && host[hl - 1] == '.')
		host[--hl] = '\0';
	t->links++;
	if (hl == 0)
		return;
	if ((t->feat & SPAM_F_SHORTENER) && shortener(host))
		toks_put(t, "h:", "*shortener", 10);
	if ((idx = toks_put(t, "h:", host, hl)) >= 0 && t->nhosts < 64) {
		if (t->hosts == NULL)
			t->hosts = arena_alloc(t->arena, 64 *
			    sizeof(*t->hosts));
		t->hosts[t->nhosts++] = (size_t)idx;
	}
}

/*
 * A link written without "http" or "www.": "name.com", "gofundme.com/x".
 * Labels of letters, digits and hyphens, the last one a top-level
 * domain that links in comments use; a path may follow.
 */
static int
bare_domain(const char *w, size_t n)
{
	static const char *const tld[] = { "com", "net", "org", "info",
	    "biz", "io", "co", "me", "tv", "ly", "gl", "gd", "to", "us",
	    "uk", "de", "ru", "pl", "fr", "es", "it", "nl", "in", "br" };
	size_t	 i, labels = 0, last = 0, k;

	for (i = 0; i < n && w[i] != '/'; i++)
		if (w[i] == '.') {
			if (i == last)
				return 0;	/* an empty label */
			labels++;
			last = i + 1;
		} else if (!isalnum((unsigned char)w[i]) && w[i] != '-')
			return 0;
	if (labels == 0 || i == last)
		return 0;
	for (k = 0; k < sizeof(tld) / sizeof(tld[0]); k++)
		if (i - last == strlen(tld[k]) &&
		    strncasecmp(w + last, tld[k], i - last) == 0)
			return 1;
	return 0;
}

static int
trim_char(unsigned char c)
{
	return c < 0x80 && (ispunct(c) || iscntrl(c)) && c != '$';
}

/*
 * Letters of other scripts that look like Latin ones, as spammers write
 * "frее" (Cyrillic е) to slip past a known word; fullwidth Latin too.
 */
static char
homoglyph(uint32_t c)
{
	static const struct {
		uint32_t	 c;
		char		 latin;
	} map[] = {
		{ 0x430, 'a' }, { 0x435, 'e' }, { 0x43e, 'o' }, { 0x440, 'p' },
		{ 0x441, 'c' }, { 0x443, 'y' }, { 0x445, 'x' }, { 0x456, 'i' },
		{ 0x458, 'j' }, { 0x455, 's' }, { 0x410, 'a' }, { 0x415, 'e' },
		{ 0x41e, 'o' }, { 0x420, 'p' }, { 0x421, 'c' }, { 0x425, 'x' },
		{ 0x41c, 'm' }, { 0x41d, 'h' }, { 0x422, 't' }, { 0x412, 'b' },
		{ 0x41a, 'k' }, { 0x3bf, 'o' }, { 0x3b1, 'a' }, { 0x3bd, 'v' },
		{ 0x39f, 'o' }, { 0x391, 'a' }, { 0x392, 'b' }, { 0x395, 'e' },
	};
	size_t	 i;

	if (c >= 0xff21 && c <= 0xff3a)
		return (char)('a' + (c - 0xff21));
	if (c >= 0xff41 && c <= 0xff5a)
		return (char)('a' + (c - 0xff41));
	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (map[i].c == c)
			return map[i].latin;
	return 0;
}

/*
 * w[0..n) with its look-alike letters made Latin, into out (cap bytes):
 * the new length, or 0 if there were none, or the word is not Latin
 * written with a few (a Russian word stays Russian).
 */
static size_t
fold_homoglyphs(const char *w, size_t n, char *out, size_t cap)
{
	const unsigned char	*p = (const unsigned char *)w;
	size_t			 i = 0, o = 0, step, latin = 0, mapped = 0,
				 other = 0;
	uint32_t		 c;
	char			 l;

	while (i < n && o + 4 < cap) {
		if ((step = utf8_decode(p + i, n - i, &c)) == 0)
			return 0;
		if (c < 0x80) {
			latin += isalpha((int)c) != 0;
			out[o++] = (char)c;
		} else if ((l = homoglyph(c)) != 0) {
			mapped++;
			out[o++] = l;
		} else {
			other++;
			memcpy(out + o, w + i, step);
			o += step;
		}
		i += step;
	}
	if (i < n || mapped == 0 || other > 0 ||
	    (latin == 0 && (c < 0xff00 || c > 0xffef)))
		return 0;
	return o;
}

/*
 * "fr33", "ch4nnel", "v1agra": a word of letters with digits standing
 * for letters, written with the letters into out; 0 if it is not one.
 */
static int
unleet(const char *low, size_t n, char *out)
{
	static const char from[] = "013457@$", to[] = "oieastas";
	const char	*k;
	size_t		 i, letters = 0, digits = 0;

	for (i = 0; i < n; i++) {
		if ((k = strchr(from, low[i])) != NULL && low[i] != '\0') {
			out[i] = to[k - from];
			digits++;
		} else if (islower((unsigned char)low[i])) {
			out[i] = low[i];
			letters++;
		} else
			return 0;
	}
	out[n] = '\0';
	return letters >= 2 && digits >= 1;
}

/* The 3 to 5 letter n-grams of an ASCII word, marked at its ends. */
static void
grams(struct spam_toks *t, const char *low, size_t n)
{
	char	 w[WORD_MAX + 3];
	size_t	 i, g;

	for (i = 0; i < n; i++)
		if ((unsigned char)low[i] >= 0x80)
			return;
	w[0] = '^';
	memcpy(w + 1, low, n);
	w[n + 1] = '$';
	for (g = 3; g <= 5; g++)
		for (i = 0; i + g <= n + 2; i++)
			toks_put(t, "g:", w + i, g);
}

/* A word: URL, address, or text under prefix. */
static void
word(struct spam_toks *t, const char *prefix, const char *w, size_t n)
{
	char		 low[WORD_MAX * 4 + 1], skip[32], pair[160],
			 fold[WORD_MAX * 4 + 1], plain[WORD_MAX * 4 + 1];
	const char	*at;
	size_t		 i, k, chars;

	if ((t->feat & SPAM_F_HOMOGLYPH) && n < sizeof(fold) &&
	    (k = fold_homoglyphs(w, n, fold, sizeof(fold))) > 0) {
		w = fold;
		n = k;
	}

	/* A URL starts "http" or "www."; look closer only at an h or a w. */
	for (i = 0; i + 4 <= n; i++)
		if (((w[i] | 0x20) == 'h' || (w[i] | 0x20) == 'w') &&
		    ((n - i >= 7 && strncasecmp(w + i, "http://", 7) == 0) ||
		    (n - i >= 8 && strncasecmp(w + i, "https://", 8) == 0) ||
		    (strncasecmp(w + i, "www.", 4) == 0 &&
		    (i == 0 || !isalnum((unsigned char)w[i - 1]))))) {
			if (i > 0)
				word(t, prefix, w, i);
			for (k = i; k < n && !strchr("\"'<>()[]{}", w[k]);
			    k++)
				;
			url_tokens(t, w + i, k - i);
			return;
		}
	while (n > 0 && trim_char((unsigned char)w[0]))
		w++, n--;
	while (n > 0 && trim_char((unsigned char)w[n - 1]))
		n--;
	if (n == 0)
		return;
	if (bare_domain(w, n)) {
		url_tokens(t, w, n);
		return;
	}
	if ((at = memchr(w, '@', n)) != NULL && memchr(at, '.', n -
	    (size_t)(at - w)) != NULL) {
		for (i = 0, at++; at + i < w + n && i < sizeof(low) - 1; i++)
			low[i] = (char)tolower((unsigned char)at[i]);
		toks_put(t, "@:", low, i);
		return;
	}
	for (i = chars = 0; i < n; i++)
		if (((unsigned char)w[i] & 0xc0) != 0x80)
			chars++;
	if (chars > WORD_MAX || n >= sizeof(low)) {
		snprintf(skip, sizeof(skip), "%c %zu", tolower(
		    (unsigned char)w[0]), chars / 10 * 10);
		toks_put(t, "skip:", skip, strlen(skip));
		t->prev[0] = '\0';
		return;
	}
	for (i = 0; i < n; i++)
		low[i] = (char)tolower((unsigned char)w[i]);
	low[n] = '\0';
	/*
	 * Pairs of words: "check out", "my channel" say more than each in
	 * a comment; in mail, measured, they drown the words.
	 */
	if (t->prev[0] != '\0' && !t->nopairs) {
		k = strlen(t->prev);
		memcpy(pair, t->prev, k);
		pair[k] = ' ';
		memcpy(pair + k + 1, low, n + 1);
		toks_put(t, "bi:", pair, k + 1 + n);
	}
	memcpy(t->prev, low, n + 1);
	if (chars >= WORD_MIN)
		toks_put(t, prefix, low, n);
	if ((t->feat & SPAM_F_LEET) && unleet(low, n, plain)) {
		toks_put(t, prefix, plain, n);
		memcpy(low, plain, n + 1);
	}
	if ((t->feat & SPAM_F_GRAMS) && *prefix == '\0')
		grams(t, low, n);
}

/* Space between words; a NUL too, so that no token holds one. */
static int
gap(unsigned char c)
{
	return isspace(c) || c == '\0';
}

/*
 * U+200B..U+200D, U+2060 and U+FEFF (three bytes each) separate words
 * without showing: a byte-order mark left inside text, or a spammer's
 * way to split a word the filter knows.
 */
static int
zero_width(const unsigned char *s, size_t n)
{
	return n >= 3 && ((s[0] == 0xef && s[1] == 0xbb && s[2] == 0xbf) ||
	    (s[0] == 0xe2 && s[1] == 0x80 && s[2] >= 0x8b && s[2] <= 0x8d) ||
	    (s[0] == 0xe2 && s[1] == 0x81 && s[2] == 0xa0));
}

/*
 * Letters written apart, "f r e e": a run of three or more one-letter
 * words is a word too.  Called with each word (w[0..n)), and with none
 * (n 0) at the end of the text.
 */
static void
spaced(struct spam_toks *t, const char *prefix, const char *w, size_t n)
{
	char	 prev[sizeof(t->prev)];

	if (n == 1 && isalpha((unsigned char)w[0])) {
		if (t->nrun < sizeof(t->run) - 1)
			t->run[t->nrun++] = (char)tolower((unsigned char)w[0]);
		return;
	}
	if (t->nrun >= 3) {
		memcpy(prev, t->prev, sizeof(prev));
		t->prev[0] = '\0';
		word(t, prefix, t->run, t->nrun);
		memcpy(t->prev, prev, sizeof(prev));
	}
	t->nrun = 0;
}

void
spam_text(struct spam_toks *t, const char *prefix, const char *s,
    size_t len)
{
	const unsigned char	*p = (const unsigned char *)s;
	const char		*seen[16], *sc;
	size_t			 i = 0, start, k, nseen = 0, step;
	uint32_t		 c;

	t->prev[0] = '\0';
	t->nrun = 0;
	while (i < len) {
		while (i < len && (gap(p[i]) || zero_width(p + i, len - i)))
			i += gap(p[i]) ? 1 : 3;
		start = i;
		while (i < len && !gap(p[i]) && !zero_width(p + i, len - i)) {
			if ((step = utf8_decode(p + i, len - i, &c)) == 0) {
				step = 1;	/* not UTF-8: a byte alone */
				c = 0;
			}
			if (c >= 0x80 && (sc = script(c)) != NULL) {
				for (k = 0; k < nseen && seen[k] != sc; k++)
					;
				if (k == nseen && nseen < 16)
					seen[nseen++] = sc;
			}
			i += step;
		}
		if (i > start && (t->feat & SPAM_F_SPACED))
			spaced(t, prefix, s + start, i - start);
		if (i > start)
			word(t, prefix, s + start, i - start);
	}
	if (t->feat & SPAM_F_SPACED)
		spaced(t, prefix, "", 0);
	for (k = 0; k < nseen; k++)
		toks_put(t, "script:", seen[k], strlen(seen[k]));
}

/*
 * HTML goes through libxml2's parser (htmlsax.h): no tree is built.
 * Text arrives in pieces (an entity splits it), so it gathers in a
 * buffer that is tokenized at each tag, where a word cannot continue
 * anyway.
 */
struct html_sax {
	struct spam_toks	*t;
	const char		*prefix;
	struct buf		 text;
	int			 skip;	/* inside script or style */
};

static void
sax_flush(struct html_sax *h)
{
	if (h->text.len > 0)
		spam_text(h->t, h->prefix, h->text.data, h->text.len);
	h->text.len = 0;
}

static void
sax_start(void *arg, const char *name, const char **attrs)
{
	struct html_sax	*h = arg;
	size_t		 i;

	sax_flush(h);
	if (strcmp(name, "script") == 0 || strcmp(name, "style") == 0)
		h->skip = 1;
	for (i = 0; attrs != NULL && attrs[i] != NULL; i += 2)
		if (attrs[i + 1] != NULL && (strcmp(attrs[i], "href") == 0 ||
		    strcmp(attrs[i], "src") == 0) &&
		    strstr(attrs[i + 1], "://") != NULL)
			url_tokens(h->t, attrs[i + 1], strlen(attrs[i + 1]));
}

static void
sax_end(void *arg, const char *name)
{
	struct html_sax	*h = arg;

	(void)name;
	if (h->skip)
		h->text.len = 0;
	sax_flush(h);
	h->skip = 0;
}

static void
sax_text(void *arg, const char *s, size_t len)
{
	struct html_sax	*h = arg;

	if (!h->skip && h->text.len < (1 << 20))
		buf_write(s, len, &h->text);
}

void
spam_html(struct spam_toks *t, const char *prefix, const char *s, size_t len)
{
	static const struct htmlsax	 cb = { sax_start, sax_end, sax_text };
	struct html_sax			 h = { t, prefix, { 0 }, 0 };

	if ((memchr(s, '<', len) == NULL && memchr(s, '&', len) == NULL) ||
	    htmlsax_parse(s, len, &cb, &h) != 0) {
		spam_text(t, prefix, s, len);
		return;
	}
	sax_flush(&h);
	buf_reset(&h.text);
}

/*
 * A comment's length in words, in powers of two: an unseen video's
 * spam is longer than its ham ("check out my channel ...").
 */
static void
comment_length(struct spam_toks *t, const char *s)
{
	size_t	 words = 0, k;
	int	 in = 0;
	char	 tok[8];

	for (; *s != '\0'; s++)
		if (isspace((unsigned char)*s))
			in = 0;
		else if (!in) {
			in = 1;
			words++;
		}
	for (k = 1; k * 2 <= words && k < 64; k *= 2)
		;
	snprintf(tok, sizeof(tok), "%zu", k);
	toks_put(t, "len:", tok, strlen(tok));
}

void
spam_comment_tokens(struct spam_toks *t, const struct spam_comment *c)
{
	const char	*at;
	char		 low[128];
	size_t		 i;

	if (c->author != NULL)
		spam_text(t, "a:", c->author, strlen(c->author));
	if (c->email != NULL && (at = strrchr(c->email, '@')) != NULL) {
		for (i = 0, at++; at[i] != '\0' && i < sizeof(low) - 1; i++)
			low[i] = (char)tolower((unsigned char)at[i]);
		toks_put(t, "e:", low, i);
	}
	if (c->url != NULL && *c->url != '\0') {
		url_tokens(t, c->url, strlen(c->url));
		t->links--;	/* the website field is not a link in the text */
	}
	if (c->content != NULL)
		spam_html(t, "", c->content, strlen(c->content));
	if (c->content != NULL && (t->feat & SPAM_F_LENGTH))
		comment_length(t, c->content);
	spam_toks_finish(t);
}

void
spam_toks_finish(struct spam_toks *t)
{
	char	 n[16];

	snprintf(n, sizeof(n), "%d", t->links > 3 ? 3 : t->links);
	toks_put(t, "links:", n, strlen(n));
}

/*
 * The probability that a chi-square variable with v (even) degrees of
 * freedom exceeds x2: the series e^-m * sum m^i/i!, summed in logs.
 */
static double
chi2q(double x2, int v)
{
	double	 m = x2 / 2, lm = log(m), lt = -m, ls = -m, hi;
	int	 i;

	if (m <= 0)
		return 1.0;
	for (i = 1; i < v / 2; i++) {
		lt += lm - log((double)i);
		hi = ls > lt ? ls : lt;
		ls = hi + log1p(exp((ls > lt ? lt : ls) - hi));
	}
	return ls >= 0 ? 1.0 : exp(ls);
}

/*
 * Moves the k strongest of f[0..n) (farthest from 0.5) to the front,
 * in no particular order: Hoare's selection, O(n) on average.
 */
static void
strongest(double *f, size_t n, size_t k)
{
	size_t	 lo = 0, hi = n - 1, i, j;
	double	 pivot, tmp;

	while (lo < hi) {
		pivot = fabs(f[(lo + hi) / 2] - 0.5);
		i = lo;
		j = hi;
		while (i <= j) {
			while (fabs(f[i] - 0.5) > pivot)
				i++;
			while (fabs(f[j] - 0.5) < pivot)
				j--;
			if (i <= j) {
				tmp = f[i];
				f[i++] = f[j];
				f[j] = tmp;
				if (j-- == 0)
					break;
			}
		}
		if (k - 1 <= j)
			hi = j;
		else if (k - 1 >= i)
			lo = i;
		else
			break;
	}
}

double
spam_score(const struct spam_count *c, size_t n, int64_t nham,
    int64_t nspam, const struct spam_params *p)
{
	double	*f, pg, ps, pr, cnt, lh = 0, ls = 0, h, s;
	size_t	 i, k = 0;

	if (n == 0)
		return -1;
	f = xmalloc(n * sizeof(*f));
	for (i = 0; i < n; i++) {
		if (c[i].ham + c[i].spam == 0)
			continue;
		pg = nham > 0 ? (double)c[i].ham / (double)nham : 0;
		ps = nspam > 0 ? (double)c[i].spam / (double)nspam : 0;
		if (pg + ps == 0)
			continue;
		pr = ps / (pg + ps);
		cnt = (double)(c[i].ham + c[i].spam);
		pr = (p->robs * p->robx + cnt * pr) / (p->robs + cnt);
		if (fabs(pr - 0.5) >= p->min_dev)
			f[k++] = pr;
	}
	if (p->max_tokens > 0 && k > (size_t)p->max_tokens) {
		strongest(f, k, (size_t)p->max_tokens);
		k = (size_t)p->max_tokens;
	}
	for (i = 0; i < k; i++) {
		lh += log(f[i]);
		ls += log1p(-f[i]);
	}
	free(f);
	if (k == 0)
		return -1;
	h = 1.0 - chi2q(-2.0 * lh, 2 * (int)k);
	s = 1.0 - chi2q(-2.0 * ls, 2 * (int)k);
	return (s - h + 1.0) / 2.0;
}

double
spam_opinion(const struct spam_count *c, size_t n, int64_t nham,
    int64_t nspam, int64_t bias)
{
	struct spam_params	 p;

	if (nham < SPAM_MIN_LEARNT || nspam < SPAM_MIN_LEARNT)
		return -1;
	spam_params_default(&p);
	return spam_mix(spam_score(c, n, nham, nspam, &p), spam_lr(c, n, bias),
	    &p);
}

double
spam_lr(const struct spam_count *c, size_t n, int64_t bias)
{
	double	 sum = 0;
	size_t	 i;

	for (i = 0; i < n; i++)
		sum += (double)c[i].w;
	sum = n > 0 ? sum / sqrt((double)n) : 0;
	return 1.0 / (1.0 + exp(-(sum + (double)bias) / SPAM_W_ONE));
}

int64_t
spam_lr_step(double p, size_t n, int spam, double rate)
{
	return llround(SPAM_W_ONE * rate * ((spam ? 1.0 : 0.0) - p) /
	    sqrt(n > 0 ? (double)n : 1.0));
}

/* log(p / (1 - p)), p kept off 0 and 1 so that it stays finite. */
static double
logit(double p)
{
	p = p < 1e-6 ? 1e-6 : p > 1 - 1e-6 ? 1 - 1e-6 : p;
	return log(p / (1 - p));
}

double
spam_mix(double bayes, double lr, const struct spam_params *p)
{
	double	 z;

	/* No token with evidence: the bias alone is no opinion either. */
	if (p->mix <= 0 || bayes < 0)
		return bayes;
	if (p->mix >= 1)
		return lr;
	if (p->mix_mode == 2 && bayes >= 0.5 && lr >= 0.5)
		return bayes > lr ? bayes : lr;
	if (p->mix_mode == 2 && bayes < 0.5 && lr < 0.5)
		return bayes < lr ? bayes : lr;
	if (p->mix_mode != 1)
		return (1 - p->mix) * bayes + p->mix * lr;
	z = (1 - p->mix) * logit(bayes) + p->mix * logit(lr);
	return 1 / (1 + exp(-z));
}

enum spam_class
spam_verdict(double score, unsigned signals, double ham_threshold,
    double spam_threshold, int discard)
{
	enum spam_class	 c;
	unsigned	 weak = signals & ~(unsigned)SPAM_SIG_HONEYPOT;
	int		 k = 0;

	for (; weak != 0; weak &= weak - 1)
		k++;
	/* No opinion (score -1): the signals alone speak. */
	c = score < 0 ? SPAM_HAM : score >= spam_threshold ? SPAM_SPAM :
	    score >= ham_threshold ? SPAM_UNSURE : SPAM_HAM;
	if (discard && score >= SPAM_BLATANT && signals != 0)
		return SPAM_DISCARD;
	/* Only a bot fills a field no reader can see. */
	if (signals & SPAM_SIG_HONEYPOT)
		return SPAM_SPAM;
	/* A signal makes ham unsure; two make unsure spam. */
	if (c == SPAM_HAM && k >= 1)
		c = SPAM_UNSURE;
	if (c == SPAM_UNSURE && k >= 2 && score >= 0.5)
		c = SPAM_SPAM;
	return c;
}

unsigned
spam_host_signal(const struct spam_toks *t, const struct spam_count *c)
{
	size_t	 i;

	for (i = 0; i < t->nhosts; i++)
		if (c[t->hosts[i]].spam > 0 && c[t->hosts[i]].ham == 0)
			return SPAM_SIG_SPAM_HOST;
	return 0;
}

/*
 * Each signal (bit i of enum spam_signal is row i): the name kept in
 * comments.spam_signals, and what it means to a person reading a notice.
 */
static const struct {
	const char	*name;
	const char	*words;
} signal_names[] = {
	{ "honeypot", N_("it filled in a form field hidden from people,"
	    " which only robots see") },
	{ "too_fast", N_("it was sent sooner after the page opened than a"
	    " person could write it") },
	{ "no_token", N_("it did not come with this site's form token (sent"
	    " without loading the page, or the token was forged)") },
	{ "spam_host", N_("it links to a site seen only in spam") },
	{ "known_spammer", N_("its email address or network sent spam"
	    " before") },
	{ "no_user_agent", N_("it was sent without naming a browser (no"
	    " User-Agent)") },
};

const char *
spam_signal_names(struct arena *a, unsigned signals)
{
	struct buf	 b;
	const char	*out;
	size_t		 i;

	buf_init(&b);
	for (i = 0; i < sizeof(signal_names) / sizeof(signal_names[0]); i++)
		if (signals & (1u << i)) {
			if (b.len > 0)
				buf_putc(&b, ',');
			buf_puts(&b, signal_names[i].name);
		}
	out = arena_strdup(a, b.data != NULL ? b.data : "");
	buf_reset(&b);
	return out;
}

const char *
spam_signal_words(const char *name, size_t len)
{
	size_t	 i;

	for (i = 0; i < sizeof(signal_names) / sizeof(signal_names[0]); i++)
		if (strlen(signal_names[i].name) == len &&
		    memcmp(signal_names[i].name, name, len) == 0)
			return signal_names[i].words;
	return NULL;
}

/* The in-memory table: open addressing on FNV-1a, grown at half full. */
struct spam_entry {
	char			*tok;
	uint64_t		 hash;
	struct spam_count	 c;
};

struct spam_mem {
	struct spam_entry	*e;
	size_t			 cap, n;
	int64_t			 nham, nspam, bias;
};

struct spam_mem *
spam_mem_new(void)
{
	struct spam_mem	*m = xcalloc(1, sizeof(*m));

	m->cap = 1024;
	m->e = xcalloc(m->cap, sizeof(*m->e));
	return m;
}

void
spam_mem_free(struct spam_mem *m)
{
	size_t	 i;

	if (m == NULL)
		return;
	for (i = 0; i < m->cap; i++)
		free(m->e[i].tok);
	free(m->e);
	free(m);
}

static struct spam_entry *
mem_find(const struct spam_mem *m, const char *tok, uint64_t h)
{
	size_t	 j = h & (m->cap - 1);

	for (; m->e[j].tok != NULL; j = (j + 1) & (m->cap - 1))
		if (m->e[j].hash == h && strcmp(m->e[j].tok, tok) == 0)
			break;
	return &m->e[j];
}

static void
mem_grow(struct spam_mem *m)
{
	struct spam_entry	*old = m->e, *e;
	size_t			 i, cap = m->cap;

	m->cap *= 2;
	m->e = xcalloc(m->cap, sizeof(*m->e));
	for (i = 0; i < cap; i++)
		if (old[i].tok != NULL) {
			e = mem_find(m, old[i].tok, old[i].hash);
			*e = old[i];
		}
	free(old);
}

/* The entry of t's token i, made if new. */
static struct spam_entry *
mem_put(struct spam_mem *m, const struct spam_toks *t, size_t i)
{
	struct spam_entry	*e;

	if ((m->n + 1) * 2 > m->cap)
		mem_grow(m);
	e = mem_find(m, t->tok[i], t->hash[i]);
	if (e->tok == NULL) {
		e->tok = xstrdup(t->tok[i]);
		e->hash = t->hash[i];
		m->n++;
	}
	return e;
}

void
spam_mem_learn(struct spam_mem *m, const struct spam_toks *t, int spam,
    int sign)
{
	struct spam_entry	*e;
	size_t			 i;

	for (i = 0; i < t->n; i++) {
		e = mem_put(m, t, i);
		if (spam)
			e->c.spam += sign;
		else
			e->c.ham += sign;
	}
	if (spam)
		m->nspam += sign;
	else
		m->nham += sign;
}

void
spam_mem_step(struct spam_mem *m, const struct spam_toks *t, int64_t step)
{
	size_t	 i;

	for (i = 0; i < t->n; i++)
		mem_put(m, t, i)->c.w += step;
	m->bias += step;
}

int64_t
spam_mem_bias(const struct spam_mem *m)
{
	return m->bias;
}

void
spam_mem_counts(const struct spam_mem *m, const struct spam_toks *t,
    struct spam_count *c)
{
	struct spam_entry	*e;
	size_t			 i;

	for (i = 0; i < t->n; i++) {
		e = mem_find(m, t->tok[i], t->hash[i]);
		c[i] = e->tok != NULL ? e->c : (struct spam_count){ 0, 0, 0 };
	}
}

void
spam_mem_totals(const struct spam_mem *m, int64_t *nham, int64_t *nspam)
{
	*nham = m->nham;
	*nspam = m->nspam;
}

size_t
spam_mem_size(const struct spam_mem *m, uint64_t *sum)
{
	size_t	 i, n = 0;

	*sum = (uint64_t)m->nham * 31 + (uint64_t)m->nspam +
	    (uint64_t)m->bias * 131;
	for (i = 0; i < m->cap; i++)
		if (m->e[i].tok != NULL && (m->e[i].c.ham != 0 ||
		    m->e[i].c.spam != 0 || m->e[i].c.w != 0)) {
			n++;
			*sum += m->e[i].hash *
			    (uint64_t)(m->e[i].c.ham * 7 + m->e[i].c.spam) +
			    (uint64_t)m->e[i].c.w * 0x9e3779b97f4a7c15ULL;
		}
	return n;
}
