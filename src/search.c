/*
 * search: a reader's query cleaned, read into terms (words, phrases,
 * words left out), and written as FTS5's and to_tsquery's syntax from
 * those terms alone (see search.h).  A word is a run of letters and
 * digits, joined across ' - . _ and ’ ("e-mail", "don't"); each engine's
 * own tokenizer then splits a word as it split the text it indexed, so
 * a word of several parts matches its parts in order on both.  The
 * words are quoted: whatever they hold, an engine reads them as text.
 */
#include <stdint.h>
#include <string.h>

#include "buf.h"
#include "search.h"
#include "utf8.h"

struct term {
	size_t	 first, n;	/* words[first..first + n) */
	int	 prefix;	/* the last word matches words it begins */
	int	 neg;		/* left out: -word */
};

struct parse {
	const char	*q;
	size_t		 len, i;
	char		 words[SEARCH_WORDS_MAX][SEARCH_WORD_MAX + 1];
	size_t		 nwords;
	struct term	 terms[SEARCH_TERMS_MAX];
	size_t		 nterms;
};

/*
 * Letters and digits, roughly: ASCII's, and every code point past
 * Latin-1's symbols but the blocks of punctuation, symbols, arrows,
 * private use and emoji, which the engines' tokenizers split on too.
 */
static int
letter(uint32_t c)
{
	if (c < 0x80)
		return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
		    (c >= 'A' && c <= 'Z');
	return !(c < 0xc0 || c == 0xd7 || c == 0xf7 ||
	    (c >= 0x2000 && c <= 0x2bff) || (c >= 0x3000 && c <= 0x303f) ||
	    (c >= 0xd800 && c <= 0xf8ff) || (c >= 0xfe10 && c <= 0xfe6f) ||
	    (c >= 0xff00 && c <= 0xff0f) || (c >= 0xff1a && c <= 0xff20) ||
	    (c >= 0xff3b && c <= 0xff40) || (c >= 0xff5b && c <= 0xff65) ||
	    (c >= 0xfff0 && c <= 0xffff) || (c >= 0x1f000 && c <= 0x1faff));
}

static int
joiner(uint32_t c)
{
	return c == '\'' || c == '-' || c == '.' || c == '_' || c == 0x2019;
}

/* The character at s[i..len) into *c; its length (1 for a stray byte). */
static size_t
at(const char *s, size_t len, size_t i, uint32_t *c)
{
	size_t	 n;

	if (i >= len) {
		*c = 0;
		return 0;
	}
	if ((n = utf8_decode((const unsigned char *)s + i, len - i, c)) == 0) {
		*c = 0xfffd;
		n = 1;
	}
	return n;
}

size_t
search_clean(char *out, const char *s, size_t len)
{
	size_t		 i = 0, n, o = 0;
	uint32_t	 c;
	int		 space = 0;

	while (i < len) {
		if ((n = utf8_decode((const unsigned char *)s + i, len - i,
		    &c)) == 0) {
			c = ' ';		/* not UTF-8 */
			n = 1;
		}
		i += n;
		if (c < 0x20 || (c >= 0x7f && c < 0xa0) || c == ' ') {
			space = o > 0;
			continue;
		}
		if (o + space + n > SEARCH_TEXT_MAX)
			break;
		if (space)
			out[o++] = ' ';
		space = 0;
		memcpy(out + o, s + i - n, n);
		o += n;
	}
	out[o] = '\0';
	return o;
}

/*
 * Reads the word at p->i into the next word slot, lowercased (ASCII; the
 * engines fold the rest); *part is set to the characters of its last part.
 * Returns 1 if it was cut at SEARCH_WORD_MAX bytes.
 */
static int
word(struct parse *p, size_t *part)
{
	char		*w = p->words[p->nwords];
	size_t		 o = 0, n, k;
	uint32_t	 c, d;
	int		 cut = 0;

	*part = 0;
	while ((n = at(p->q, p->len, p->i, &c)) > 0) {
		if (!letter(c)) {
			k = at(p->q, p->len, p->i + n, &d);
			if (!joiner(c) || k == 0 || !letter(d) || o == 0)
				break;
			*part = 0;
		} else
			(*part)++;
		if (o + n > SEARCH_WORD_MAX)
			cut = 1;
		else {
			memcpy(w + o, p->q + p->i, n);
			if (n == 1 && w[o] >= 'A' && w[o] <= 'Z')
				w[o] = (char)(w[o] - 'A' + 'a');
			o += n;
		}
		p->i += n;
	}
	w[o] = '\0';
	p->nwords++;
	return cut;
}

/* A bare word: one term, a prefix if long enough, cut, or starred. */
static void
bare(struct parse *p, struct term *t)
{
	size_t		 part;
	uint32_t	 c;
	int		 cut;

	t->first = p->nwords;
	t->n = 1;
	cut = word(p, &part);
	at(p->q, p->len, p->i, &c);
	t->prefix = cut || part >= 3 || (c == '*' && part >= 2);
}

/* A quoted phrase: its words, whole, up to the closing quote or the end. */
static void
phrase(struct parse *p, struct term *t)
{
	size_t		 n, part;
	uint32_t	 c;

	t->first = p->nwords;
	p->i++;				/* the opening quote */
	while ((n = at(p->q, p->len, p->i, &c)) > 0 && c != '"') {
		if (!letter(c))
			p->i += n;
		else if (p->nwords < SEARCH_WORDS_MAX) {
			word(p, &part);
			t->n++;
		} else
			p->i += n;
	}
	p->i += n;			/* the closing one, if any */
}

static void
parse(struct parse *p)
{
	struct term	*t;
	size_t		 n;
	uint32_t	 c, d;
	int		 neg;

	while (p->nterms < SEARCH_TERMS_MAX && p->nwords < SEARCH_WORDS_MAX &&
	    (n = at(p->q, p->len, p->i, &c)) > 0) {
		neg = 0;
		if (c == '-' && (p->i == 0 || p->q[p->i - 1] == ' ') &&
		    at(p->q, p->len, p->i + 1, &d) > 0 &&
		    (d == '"' || letter(d))) {
			neg = 1;
			p->i++;
			at(p->q, p->len, p->i, &c);
		}
		if (c != '"' && !letter(c)) {
			p->i += n;
			continue;
		}
		t = &p->terms[p->nterms];
		memset(t, 0, sizeof(*t));
		t->neg = neg;
		if (c == '"')
			phrase(p, t);
		else
			bare(p, t);
		if (t->n > 0)
			p->nterms++;
	}
}

/* One term as FTS5's string: "w1 w2"*. */
static void
fts5_term(struct buf *b, const struct parse *p, const struct term *t)
{
	size_t	 i;

	buf_putc(b, '"');
	for (i = 0; i < t->n; i++) {
		if (i > 0)
			buf_putc(b, ' ');
		buf_puts(b, p->words[t->first + i]);	/* no '"': letters */
	}
	buf_puts(b, t->prefix ? "\"*" : "\"");
}

/* One term as to_tsquery's: ('w1' <-> 'w2':*). */
static void
tsq_term(struct buf *b, const struct parse *p, const struct term *t)
{
	const char	*w;
	size_t		 i;

	buf_putc(b, '(');
	for (i = 0; i < t->n; i++) {
		buf_puts(b, i > 0 ? " <-> '" : "'");
		for (w = p->words[t->first + i]; *w != '\0'; w++) {
			if (*w == '\'' || *w == '\\')
				buf_putc(b, *w);	/* '' and \\ */
			buf_putc(b, *w);
		}
		buf_putc(b, '\'');
	}
	buf_puts(b, t->prefix ? ":*)" : ")");
}

int
search_build(const char *q, struct buf *fts5, struct buf *tsq)
{
	struct parse	 p;
	size_t		 i;
	int		 pos = 0, first = 1;

	memset(&p, 0, sizeof(p));
	p.q = q;
	p.len = strlen(q);
	parse(&p);
	for (i = 0; i < p.nterms; i++)
		pos += !p.terms[i].neg;
	if (pos == 0)
		return 0;
	buf_putc(fts5, '(');
	for (i = 0; i < p.nterms; i++) {
		if (p.terms[i].neg)
			continue;
		if (!first) {
			buf_putc(fts5, ' ');
			buf_puts(tsq, " & ");
		}
		first = 0;
		fts5_term(fts5, &p, &p.terms[i]);
		tsq_term(tsq, &p, &p.terms[i]);
	}
	buf_putc(fts5, ')');
	for (i = 0; i < p.nterms; i++) {
		if (!p.terms[i].neg)
			continue;
		buf_puts(fts5, " NOT ");
		fts5_term(fts5, &p, &p.terms[i]);
		buf_puts(tsq, " & !");
		tsq_term(tsq, &p, &p.terms[i]);
	}
	return pos;
}
