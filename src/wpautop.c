/*
 * wpautop: a port of WordPress's wpautop() (wp-includes/formatting.php,
 * WordPress 6.x, $br = true).  The text is rewritten by the same steps in
 * the same order as there.  Most steps are one of WordPress's regular
 * expressions applied with pcre2_substitute, so the rule table below
 * reads line for line against the PHP.  The table is compiled once
 * (pthread_once) and never changes after; matching makes its match data
 * per call, so any number of threads may share it.  A match error (PCRE2's
 * match limit, on pathological input) leaves that one step's text as it
 * was instead of losing it.
 */
#define PCRE2_CODE_UNIT_WIDTH 8

#include <pcre2.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "buf.h"
#include "wpautop.h"

/* WordPress's $allblocks. */
#define ALLBLOCKS "(?:table|thead|tfoot|caption|col|colgroup|tbody|tr|td|" \
	"th|div|dl|dd|dt|ul|ol|li|pre|form|map|area|blockquote|address|" \
	"style|p|h[1-6]|hr|fieldset|legend|section|article|aside|hgroup|" \
	"header|footer|nav|figure|figcaption|details|menu|summary)"

/* get_html_split_regex(): one element, comment or CDATA section. */
#define HTML_SPLIT "(<(?(?=!--|!\\[CDATA\\[)(?(?=!-)!(?:-(?!->)[^\\-]*+)*+" \
	"(?:-->)?|!\\[CDATA\\[[^\\]]*+(?:](?!]>)[^\\]]*+)*+(?:]]>)?)|" \
	"[^>]*>?))"

/*
 * A leading \s* of WordPress's, written so: the same matches, but PCRE
 * no longer retries from every byte of a long run of spaces, which takes
 * time quadratic in its length.
 */
#define SPACES "(?:(?<!\\s)\\s+)?"

/* Where wpautop() sets its <pre> blocks aside. */
#define PRE_NAME "<pre wp-pre-tag-%zu></pre>"

/* The text being rewritten: one heap string, replaced step by step. */
struct text {
	char	*s;
	size_t	 len;
};

/* The <pre> blocks set aside while the rules run, in order. */
struct pres {
	char	**v;
	size_t	 *len;
	size_t	  n;
};

enum rule_kind {
	RULE_REGEX,	/* every match of find becomes with ($n: a group) */
	RULE_STRING,	/* every copy of the literal find becomes with */
	RULE_INSIDE,	/* each "\n" inside a match of find becomes with */
	RULE_SPLIT,	/* each part between matches of find becomes a <p> */
	RULE_BREAKS	/* find, as text_breaks() does it */
};

struct rule {
	enum rule_kind	 kind;
	const char	*guard;		/* run only if the text has this */
	const char	*guard2;	/* or this */
	const char	*find;
	const char	*with;
	uint32_t	 opts;		/* PCRE2 compile options */
};

static const struct rule rules[] = {
	/* Change multiple <br>s into two line breaks. */
	{ RULE_REGEX, NULL, NULL, "<br\\s*/?>\\s*<br\\s*/?>", "\n\n", 0 },
	/* Line breaks above block openings, below closings, after hr. */
	{ RULE_REGEX, NULL, NULL, "(<" ALLBLOCKS "[\\s/>])", "\n\n$1", 0 },
	{ RULE_REGEX, NULL, NULL, "(</" ALLBLOCKS ">)", "$1\n\n", 0 },
	{ RULE_REGEX, NULL, NULL, "(<hr\\s*?/?>)", "$1\n\n", 0 },
	/* Standardize newline characters to "\n". */
	{ RULE_STRING, "\r", NULL, "\r\n", "\n", 0 },
	{ RULE_STRING, "\r", NULL, "\r", "\n", 0 },
	/* Find newlines in all elements and add placeholders. */
	{ RULE_INSIDE, "\n", NULL, HTML_SPLIT, " <!-- wpnl --> ", 0 },
	/* Collapse line breaks around <option> elements. */
	{ RULE_REGEX, "<option", NULL, SPACES "<option", "<option", 0 },
	{ RULE_REGEX, "<option", NULL, "</option>\\s*", "</option>", 0 },
	/* Collapse line breaks inside <object>, around <param>, <embed>. */
	{ RULE_REGEX, "</object>", NULL, "(<object[^>]*>)\\s*", "$1", 0 },
	{ RULE_REGEX, "</object>", NULL, SPACES "</object>", "</object>",
	    0 },
	{ RULE_REGEX, "</object>", NULL,
	    SPACES "(</?(?:param|embed)[^>]*>)\\s*", "$1", 0 },
	/* Collapse line breaks inside <audio>, <video>, around <source>. */
	{ RULE_REGEX, "<source", "<track",
	    "([<\\[](?:audio|video)[^>\\]]*[>\\]])\\s*", "$1", 0 },
	{ RULE_REGEX, "<source", "<track",
	    SPACES "([<\\[]/(?:audio|video)[>\\]])", "$1", 0 },
	{ RULE_REGEX, "<source", "<track",
	    SPACES "(<(?:source|track)[^>]*>)\\s*", "$1", 0 },
	/* Collapse line breaks around <figcaption> elements. */
	{ RULE_REGEX, "<figcaption", NULL, SPACES "(<figcaption[^>]*>)",
	    "$1", 0 },
	{ RULE_REGEX, "<figcaption", NULL, "</figcaption>\\s*",
	    "</figcaption>", 0 },
	/* Remove more than two contiguous line breaks. */
	{ RULE_REGEX, NULL, NULL, "\n\n+", "\n\n", 0 },
	/* Split on double line breaks, wrapping every part in a <p>. */
	{ RULE_SPLIT, NULL, NULL, "\n\\s*\n", NULL, 0 },
	/* A <p> of entirely whitespace. */
	{ RULE_REGEX, NULL, NULL, "<p>\\s*</p>", "", 0 },
	/* Add a closing <p> inside <div>, <address>, or <form> if missing. */
	{ RULE_REGEX, NULL, NULL, "<p>([^<]+)</(div|address|form)>",
	    "<p>$1</p></$2>", 0 },
	/* Unwrap a block tag wrapped in a <p>. */
	{ RULE_REGEX, NULL, NULL, "<p>\\s*(</?" ALLBLOCKS "[^>]*>)\\s*</p>",
	    "$1", 0 },
	/* In some cases <li> may get wrapped in <p>. */
	{ RULE_REGEX, NULL, NULL, "<p>(<li.+?)</p>", "$1", 0 },
	/* Move a <p> around a <blockquote> inside it. */
	{ RULE_REGEX, NULL, NULL, "<p><blockquote([^>]*)>",
	    "<blockquote$1><p>", PCRE2_CASELESS },
	{ RULE_STRING, NULL, NULL, "</blockquote></p>", "</p></blockquote>",
	    0 },
	/* Remove a <p> before, a </p> after, a block tag. */
	{ RULE_REGEX, NULL, NULL, "<p>\\s*(</?" ALLBLOCKS "[^>]*>)", "$1", 0 },
	{ RULE_REGEX, NULL, NULL, "(</?" ALLBLOCKS "[^>]*>)\\s*</p>", "$1",
	    0 },
	/* $br: newlines that must stay get a placeholder. */
	{ RULE_INSIDE, NULL, NULL, "<(script|style|svg|math).*?<\\/\\1>",
	    "<WPPreserveNewline />", PCRE2_DOTALL },
	/* Normalize <br>. */
	{ RULE_STRING, NULL, NULL, "<br>", "<br />", 0 },
	{ RULE_STRING, NULL, NULL, "<br/>", "<br />", 0 },
	/* Any newline not preceded by a <br /> gets one. */
	{ RULE_BREAKS, NULL, NULL, "(?<!<br />)\\s*\\n", "<br />\n", 0 },
	{ RULE_STRING, NULL, NULL, "<WPPreserveNewline />", "\n", 0 },
	/* Remove a <br /> after a block tag, before some block tags. */
	{ RULE_REGEX, NULL, NULL, "(</?" ALLBLOCKS "[^>]*>)\\s*<br />",
	    "$1", 0 },
	{ RULE_REGEX, NULL, NULL,
	    "<br />(\\s*</?(?:p|li|div|dl|dd|dt|th|pre|td|ul|ol)[^>]*>)",
	    "$1", 0 },
	{ RULE_REGEX, NULL, NULL, "\n</p>$", "</p>", 0 },
};

#define NRULES	(sizeof(rules) / sizeof(rules[0]))

static pcre2_code	*compiled[NRULES];
static pthread_once_t	 compiled_once = PTHREAD_ONCE_INIT;

static void
compile(void)
{
	PCRE2_UCHAR	 msg[256];
	PCRE2_SIZE	 off;
	size_t		 i;
	int		 err;

	for (i = 0; i < NRULES; i++) {
		if (rules[i].kind == RULE_STRING ||
		    rules[i].kind == RULE_BREAKS)
			continue;
		compiled[i] = pcre2_compile((PCRE2_SPTR)rules[i].find,
		    PCRE2_ZERO_TERMINATED, rules[i].opts, &err, &off, NULL);
		if (compiled[i] == NULL) {
			/* A bad pattern in the table is a bug, not input. */
			pcre2_get_error_message(err, msg, sizeof(msg));
			fprintf(stderr, "wpautop: rule %zu: %s\n", i, msg);
			abort();
		}
	}
}

/* Returns the first copy of n[0..nlen) in h[0..hlen), or NULL. */
static const char *
memfind(const char *h, size_t hlen, const char *n, size_t nlen)
{
	const char	*p = h, *end = h + hlen;

	while (nlen > 0 && (size_t)(end - p) >= nlen &&
	    (p = memchr(p, n[0], (size_t)(end - p) - nlen + 1)) != NULL) {
		if (memcmp(p, n, nlen) == 0)
			return p;
		p++;
	}
	return NULL;
}

static int
text_has(const struct text *t, const char *s)
{
	return memfind(t->s, t->len, s, strlen(s)) != NULL;
}

/* Makes what b holds the new text; b is left empty. */
static void
text_take(struct text *t, struct buf *b)
{
	free(t->s);
	t->s = buf_take(b, &t->len);
}

/* str_replace(): every copy of from becomes to[0..tolen). */
static void
text_replace(struct text *t, const char *from, const char *to, size_t tolen)
{
	struct buf	 b;
	const char	*p = t->s, *end = t->s + t->len, *hit;
	size_t		 n = strlen(from);

	if (!text_has(t, from))
		return;
	buf_init(&b);
	while ((hit = memfind(p, (size_t)(end - p), from, n)) != NULL) {
		buf_write(p, (size_t)(hit - p), &b);
		buf_write(to, tolen, &b);
		p = hit + n;
	}
	buf_write(p, (size_t)(end - p), &b);
	text_take(t, &b);
}

/* preg_replace(): every match of re becomes with. */
static void
text_regex(struct text *t, const pcre2_code *re, const char *with)
{
	pcre2_match_data	*md;
	PCRE2_UCHAR		*o;
	PCRE2_SIZE		 n = t->len + t->len / 2 + 64;
	uint32_t		 opts = PCRE2_SUBSTITUTE_GLOBAL |
				    PCRE2_SUBSTITUTE_OVERFLOW_LENGTH |
				    PCRE2_SUBSTITUTE_UNSET_EMPTY;
	int			 rc;

	md = pcre2_match_data_create_from_pattern(re, NULL);
	for (;;) {
		o = xmalloc(n);
		rc = pcre2_substitute(re, (PCRE2_SPTR)t->s, t->len, 0, opts,
		    md, NULL, (PCRE2_SPTR)with, PCRE2_ZERO_TERMINATED, o, &n);
		if (rc != PCRE2_ERROR_NOMEMORY)
			break;
		free(o);	/* n is now the length needed */
	}
	pcre2_match_data_free(md);
	if (rc <= 0) {		/* no match, or a match error */
		free(o);
		return;
	}
	free(t->s);
	t->s = (char *)o;
	t->len = n;
}

/* Appends s[0..len) to b with each "\n" replaced by with. */
static void
put_newlines(struct buf *b, const char *s, size_t len, const char *with)
{
	const char	*nl, *end = s + len;

	while ((nl = memchr(s, '\n', (size_t)(end - s))) != NULL) {
		buf_write(s, (size_t)(nl - s), b);
		buf_puts(b, with);
		s = nl + 1;
	}
	buf_write(s, (size_t)(end - s), b);
}

/*
 * Rewrites t by walking the non-empty matches of re: each stretch between
 * matches (and the tail) goes through gap, each match through match
 * (NULL drops it).  Both append to b; with is passed along.
 */
static void
text_walk(struct text *t, const pcre2_code *re,
    void (*gap)(struct buf *, const char *, size_t, const char *),
    void (*match)(struct buf *, const char *, size_t, const char *),
    const char *with)
{
	pcre2_match_data	*md;
	PCRE2_SIZE		*ov, at = 0;
	struct buf		 b;

	md = pcre2_match_data_create_from_pattern(re, NULL);
	ov = pcre2_get_ovector_pointer(md);
	buf_init(&b);
	while (at < t->len && pcre2_match(re, (PCRE2_SPTR)t->s, t->len, at,
	    0, md, NULL) > 0 && ov[1] > ov[0]) {
		gap(&b, t->s + at, ov[0] - at, with);
		if (match != NULL)
			match(&b, t->s + ov[0], ov[1] - ov[0], with);
		at = ov[1];
	}
	gap(&b, t->s + at, t->len - at, with);
	pcre2_match_data_free(md);
	text_take(t, &b);
}

/* A gap kept as it is. */
static void
put_text(struct buf *b, const char *s, size_t len, const char *unused)
{
	(void)unused;
	buf_write(s, len, b);
}

/*
 * Appends '<p>' . trim($part, "\n") . "</p>\n" unless part is empty: a
 * part of preg_split(), PREG_SPLIT_NO_EMPTY.
 */
static void
put_paragraph(struct buf *b, const char *s, size_t len, const char *unused)
{
	(void)unused;
	if (len == 0)
		return;
	while (len > 0 && s[0] == '\n')
		s++, len--;
	while (len > 0 && s[len - 1] == '\n')
		len--;
	buf_puts(b, "<p>");
	buf_write(s, len, b);
	buf_puts(b, "</p>\n");
}

/* PCRE's \s. */
static int
space(char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

/*
 * preg_replace('|(?<!<br />)\s*\n|', $with) in one pass, as PCRE takes
 * time quadratic in a run of spaces for it.  In each run of whitespace
 * holding a newline, the match runs from the start of the run (one past
 * it right after a "<br />") to the run's last newline.
 */
static void
text_breaks(struct text *t, const char *with)
{
	struct buf	 b;
	const char	*s = t->s;
	size_t		 i = 0, start, last, done = 0;

	buf_init(&b);
	while (i < t->len) {
		if (!space(s[i])) {
			i++;
			continue;
		}
		start = i;
		for (last = SIZE_MAX; i < t->len && space(s[i]); i++)
			if (s[i] == '\n')
				last = i;
		if (start >= 6 && memcmp(s + start - 6, "<br />", 6) == 0)
			start++;
		if (last == SIZE_MAX || start > last)
			continue;
		buf_write(s + done, start - done, &b);
		buf_puts(&b, with);
		done = last + 1;
	}
	buf_write(s + done, t->len - done, &b);
	text_take(t, &b);
}

static void
run_rules(struct text *t)
{
	const struct rule	*r;
	size_t			 i;

	for (i = 0; i < NRULES; i++) {
		r = &rules[i];
		if (r->guard != NULL && !text_has(t, r->guard) &&
		    (r->guard2 == NULL || !text_has(t, r->guard2)))
			continue;
		switch (r->kind) {
		case RULE_REGEX:
			text_regex(t, compiled[i], r->with);
			break;
		case RULE_STRING:
			text_replace(t, r->find, r->with, strlen(r->with));
			break;
		case RULE_INSIDE:
			/* wp_replace_in_html_tags(), and the newline
			 * preservation helper: each "\n" in a match. */
			text_walk(t, compiled[i], put_text, put_newlines,
			    r->with);
			break;
		case RULE_SPLIT:
			/* preg_split() on re, each part in a <p>. */
			text_walk(t, compiled[i], put_paragraph, NULL, NULL);
			break;
		case RULE_BREAKS:
			text_breaks(t, r->with);
			break;
		}
	}
}

/*
 * Sets each <pre>...</pre> aside behind a placeholder, as wpautop() does
 * by exploding on "</pre>".  Like WordPress, a "</pre>" with no "<pre"
 * before it in its part is dropped.
 */
static void
pre_protect(struct text *t, struct pres *p)
{
	const char	*at = t->s, *end = t->s + t->len, *close, *open;
	struct buf	 b, pre;

	buf_init(&b);
	while ((close = memfind(at, (size_t)(end - at), "</pre>", 6)) != NULL) {
		open = memfind(at, (size_t)(close - at), "<pre", 4);
		if (open == NULL) {
			buf_write(at, (size_t)(close - at), &b);
		} else {
			buf_init(&pre);
			buf_write(open, (size_t)(close - open) + 6, &pre);
			p->v = xrealloc(p->v, (p->n + 1) * sizeof(*p->v));
			p->len = xrealloc(p->len, (p->n + 1) * sizeof(*p->len));
			p->v[p->n] = buf_take(&pre, &p->len[p->n]);
			buf_write(at, (size_t)(open - at), &b);
			buf_printf(&b, PRE_NAME, p->n);
			p->n++;
		}
		at = close + 6;
	}
	buf_write(at, (size_t)(end - at), &b);
	text_take(t, &b);
}

/* Puts the <pre> blocks back in place of their placeholders. */
static void
pre_restore(struct text *t, struct pres *p)
{
	char	 name[64];
	size_t	 i;

	for (i = 0; i < p->n; i++) {
		snprintf(name, sizeof(name), PRE_NAME, i);
		text_replace(t, name, p->v[i], p->len[i]);
		free(p->v[i]);
	}
	free(p->v);
	free(p->len);
}

/* PHP's trim() === '' test. */
static int
blank(const char *s, size_t len)
{
	size_t	 i;

	for (i = 0; i < len; i++)
		if (memchr(" \t\n\r\v", s[i], 6) == NULL)
			return 0;	/* the 6th byte is the NUL */
	return 1;
}

void
wpautop(struct buf *out, const char *in, size_t len)
{
	struct text	 t;
	struct pres	 pre = { NULL, NULL, 0 };
	struct buf	 b;

	if (blank(in, len))
		return;
	pthread_once(&compiled_once, compile);
	buf_init(&b);
	buf_write(in, len, &b);
	buf_putc(&b, '\n');	/* "just to make things a little easier" */
	t.s = NULL;
	text_take(&t, &b);
	if (text_has(&t, "<pre"))
		pre_protect(&t, &pre);
	run_rules(&t);
	pre_restore(&t, &pre);
	if (text_has(&t, "<!-- wpnl -->")) {
		text_replace(&t, " <!-- wpnl --> ", "\n", 1);
		text_replace(&t, "<!-- wpnl -->", "\n", 1);
	}
	buf_write(t.s, t.len, out);
	free(t.s);
}
