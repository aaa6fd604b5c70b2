/*
 * body: post bodies (see body.h).  Rendering is a short pipeline of passes,
 * each reading the previous one's buffer whole: HTML bodies go through
 * autoembed, wpautop and shortcodes in WordPress's order; Markdown bodies
 * through md4c and then the same embed and shortcode passes.  The excerpt
 * renders the body first and reduces the HTML to words, so it holds what a
 * reader sees and nothing of the markup.
 */
#define _GNU_SOURCE	/* memmem */
#define PCRE2_CODE_UNIT_WIDTH 8

#include <limits.h>
#include <md4c-html.h>
#include <pcre2.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "body.h"
#include "utf8.h"
#include "markdown.h"
#include "buf.h"
#include "html.h"
#include "kses.h"
#include "shortcode.h"
#include "wpautop.h"

/* Elements whose content is no part of an excerpt: wp_strip_all_tags()'s
 * script and style, and the video facade (WordPress's is an iframe). */
#define HIDDEN "<(script|style)[^>]*?>.*?</\\1>|" \
	"<figure class=\"video\"[^>]*>.*?</figure>"

/*
 * What WordPress keeps in a body but never shows: Gutenberg's block
 * comments (<!-- wp:name {"json"} -->, <!-- /wp:name -->, <!-- wp:name
 * /-->; the JSON never holds "--", which Gutenberg escapes) and the
 * <!--more--> and <!--noteaser--> markers, each with the space and the
 * newline after it, so no empty paragraph is left where it stood.
 */
#define MARKERS "<!--(?:\\s*/?wp:[a-z][a-z0-9_/-]*(?:\\s+\\{.*?\\})?" \
	"\\s*/?|more(?:\\s[^>]*?)?|noteaser)-->[ \t]*\r?\n?"
/* The excerpt break: WordPress's <!--more(.*?)?--> (get_extended()). */
#define MORE_MARK "<!--more"

/* WordPress's excerpt_more. */
#define MORE " [\xe2\x80\xa6]"

static const struct format {
	const char		*name;
	enum body_format	 fmt;
} formats[] = {
	{ "markdown", BODY_MARKDOWN },
	{ "html", BODY_HTML },
};

/* The entities an excerpt decodes, beside numeric ones. */
static const struct entity {
	const char	*name;	/* without & and ; */
	const char	*text;
} entities[] = {
	{ "amp", "&" }, { "lt", "<" }, { "gt", ">" }, { "quot", "\"" },
	{ "apos", "'" }, { "nbsp", " " }, { "hellip", "\xe2\x80\xa6" },
	{ "ndash", "\xe2\x80\x93" }, { "mdash", "\xe2\x80\x94" },
	{ "lsquo", "\xe2\x80\x98" }, { "rsquo", "\xe2\x80\x99" },
	{ "ldquo", "\xe2\x80\x9c" }, { "rdquo", "\xe2\x80\x9d" },
};

static pcre2_code	*hidden, *markers;
static pthread_once_t	 hidden_once = PTHREAD_ONCE_INIT;

int
body_format_parse(const char *name, enum body_format *fmt)
{
	size_t	 i;

	for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (strcmp(name, formats[i].name) == 0) {
			*fmt = formats[i].fmt;
			return 0;
		}
	return -1;
}

/*
 * The most HTML one Markdown body may become.  A megabyte of source can
 * ask for far more (one long link target used a hundred thousand times),
 * and a page that large is no page.
 */
#define RENDER_MAX	(16 << 20)

/* md4c's output, bounded by RENDER_MAX. */
struct md_sink {
	struct buf	 b;
	int		 over;
};

/* md4c's output callback, whose size type is not size_t. */
static void
md_out(const MD_CHAR *s, MD_SIZE n, void *arg)
{
	struct md_sink	*k = arg;

	if (k->over || k->b.len + n > RENDER_MAX)
		k->over = 1;
	else
		buf_write(s, n, &k->b);
}

/*
 * Appends the Markdown src[0..len) as HTML.  md4c fails only when out of
 * memory, and a body may render past RENDER_MAX; then the source is
 * shown as escaped text rather than lost.
 */
static void
markdown(struct buf *out, const char *src, size_t len)
{
	struct md_sink	 k = { { 0 }, 0 };
	char		*copy;
	size_t		 n;
	int		 rc = -1;

	buf_init(&k.b);
	/* A padded copy: markdown_copy says which md4c bug it avoids. */
	if ((copy = markdown_copy(src, len, &n)) != NULL) {
		rc = md_html(copy, (MD_SIZE)n, md_out, &k, MD_DIALECT_GITHUB,
		    MD_HTML_FLAG_SKIP_UTF8_BOM);
		free(copy);
	}
	if (rc != 0 || k.over) {
		buf_reset(&k.b);
		buf_puts(&k.b, "<p>");
		html_text(&k.b, src, len);
		buf_puts(&k.b, "</p>\n");
	}
	buf_write(k.b.data, k.b.len, out);
	buf_reset(&k.b);
}

static pcre2_code *
compile_one(const char *re)
{
	pcre2_code	*c;
	PCRE2_SIZE	 off;
	int		 err;

	c = pcre2_compile((PCRE2_SPTR)re, PCRE2_ZERO_TERMINATED,
	    PCRE2_CASELESS | PCRE2_DOTALL, &err, &off, NULL);
	if (c == NULL) {
		/* A bad pattern here is a bug, not input. */
		fprintf(stderr, "body: pattern error %d\n", err);
		abort();
	}
	return c;
}

static void
compile(void)
{
	hidden = compile_one(HIDDEN);
	markers = compile_one(MARKERS);
}

/* Appends s[0..len) without what re matches. */
static void
drop(struct buf *out, pcre2_code *re, const char *s, size_t len)
{
	pcre2_match_data	*md;
	PCRE2_SIZE		*ov, at = 0;

	if (len == 0)
		return;
	md = pcre2_match_data_create_from_pattern(re, NULL);
	ov = pcre2_get_ovector_pointer(md);
	while (at < len && pcre2_match(re, (PCRE2_SPTR)s, len, at, 0, md,
	    NULL) > 0 && ov[1] > ov[0]) {
		buf_write(s + at, ov[0] - at, out);
		at = ov[1];
	}
	buf_write(s + at, len - at, out);
	pcre2_match_data_free(md);
}

void
body_html(struct buf *out, const char *src, size_t len,
    enum body_format fmt)
{
	struct buf	 a, b;

	if (len == 0)
		return;
	pthread_once(&hidden_once, compile);
	buf_init(&a);
	buf_init(&b);
	if (memmem(src, len, "<!--", 4) != NULL) {
		drop(&b, markers, src, len);
		src = b.data;
		len = b.len;
	}
	if (fmt == BODY_HTML) {
		shortcode_autoembed(&a, src, len);
		wpautop(out, a.data, a.len);
	} else {
		markdown(&a, src, len);
		shortcode_autoembed(out, a.data, a.len);
	}
	buf_reset(&a);
	buf_reset(&b);
}

void
body_finish(struct buf *out, const char *html, size_t len, int filtered,
    const struct shortcode_image *img, size_t nimg)
{
	struct buf	 a;

	if (!filtered) {
		shortcode_render(out, html, len, img, nimg);
		return;
	}
	buf_init(&a);
	shortcode_render(&a, html, len, img, nimg);
	kses(out, a.data, a.len);
	buf_reset(&a);
}

void
body_render(struct buf *out, const char *src, size_t len,
    enum body_format fmt, int filtered)
{
	struct buf	 b;

	buf_init(&b);
	body_html(&b, src, len, fmt);
	body_finish(out, b.data, b.len, filtered, NULL, 0);
	buf_reset(&b);
}

/*
 * Returns the offset just past the tag or comment that starts at s[i],
 * honouring quoted attribute values, or len if it never ends.
 */
static size_t
tag_end(const char *s, size_t len, size_t i)
{
	char	 quote = 0;

	if (len - i >= 4 && memcmp(s + i, "<!--", 4) == 0) {
		for (i += 4; i + 3 <= len; i++)
			if (memcmp(s + i, "-->", 3) == 0)
				return i + 3;
		return len;
	}
	for (i++; i < len; i++) {
		if (quote != 0) {
			if (s[i] == quote)
				quote = 0;
		} else if (s[i] == '"' || s[i] == '\'')
			quote = s[i];
		else if (s[i] == '>')
			return i + 1;
	}
	return len;
}

/* Returns 1 if c may follow "<" to open a tag, as in HTML. */
static int
tag_opener(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    c == '/' || c == '!' || c == '?';
}

/* strip_tags(): appends the text of s[0..len) without tags or comments. */
static void
strip_tags(struct buf *out, const char *s, size_t len)
{
	size_t	 i = 0, start = 0;

	if (len == 0)
		return;
	while (i < len) {
		if (s[i] != '<' || i + 1 == len || !tag_opener(s[i + 1])) {
			i++;
			continue;
		}
		buf_write(s + start, i - start, out);
		i = start = tag_end(s, len, i);
	}
	buf_write(s + start, len - start, out);
}

/* Appends code point cp as UTF-8. */
static void
put_utf8(struct buf *out, unsigned long cp)
{
	char	 u[4];

	buf_write(u, utf8_encode((uint32_t)cp, u), out);
}

/*
 * Decodes the numeric reference name[0..len) ("#39", "#x27") if it names
 * a character (not NUL, not a surrogate).  Returns 0 or -1.
 */
static int
put_numeric(struct buf *out, const char *name, size_t len)
{
	unsigned long	 cp = 0;
	size_t		 i = 1;
	int		 hex = len > 1 && (name[1] == 'x' || name[1] == 'X');
	int		 d;

	if (len < 2 || name[0] != '#' || len - hex > 8)
		return -1;
	for (i += hex; i < len; i++) {
		if (name[i] >= '0' && name[i] <= '9')
			d = name[i] - '0';
		else if (hex && strchr("abcdef", name[i] | 0x20) != NULL)
			d = (name[i] | 0x20) - 'a' + 10;
		else
			return -1;
		cp = cp * (hex ? 16 : 10) + (unsigned long)d;
	}
	if (i == 1 + (size_t)hex || cp == 0 || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return -1;
	put_utf8(out, cp);
	return 0;
}

/* Decodes the entity name[0..len) (between & and ;).  Returns 0 or -1. */
static int
put_entity(struct buf *out, const char *name, size_t len)
{
	size_t	 i;

	if (len > 0 && name[0] == '#')
		return put_numeric(out, name, len);
	for (i = 0; i < sizeof(entities) / sizeof(entities[0]); i++)
		if (strlen(entities[i].name) == len &&
		    memcmp(entities[i].name, name, len) == 0) {
			buf_puts(out, entities[i].text);
			return 0;
		}
	return -1;
}

/* Appends s[0..len) with the entities put_entity() knows decoded. */
static void
decode(struct buf *out, const char *s, size_t len)
{
	const char	*end, *semi;
	size_t		 n;

	if (len == 0)
		return;
	for (end = s + len; s < end;) {
		n = (size_t)(end - s) < 12 ? (size_t)(end - s) : 12;
		if (*s == '&' && (semi = memchr(s, ';', n)) != NULL &&
		    put_entity(out, s + 1, (size_t)(semi - s - 1)) == 0) {
			s = semi + 1;
			continue;
		}
		buf_putc(out, *s++);
	}
}

/* wp_trim_words(): the first `words` words of s, then MORE if cut. */
static void
trim_words(struct buf *out, const char *s, size_t len, size_t words)
{
	static const char	*space = " \t\n\r\f\v";
	size_t			 i = 0, start, n = 0;

	for (;;) {
		while (i < len && memchr(space, s[i], 6) != NULL)
			i++;
		if (i == len)
			return;
		if (n == words) {
			buf_puts(out, MORE);
			return;
		}
		for (start = i; i < len && memchr(space, s[i], 6) == NULL; i++)
			continue;
		if (n++ > 0)
			buf_putc(out, ' ');
		buf_write(s + start, i - start, out);
	}
}

/*
 * The text of src[0..len) as a reader sees it: shortcodes stripped, the
 * body rendered, what is never shown as text (scripts, styles, video
 * facades) dropped, tags stripped, entities decoded.
 */
static void
plain(struct buf *out, const char *src, size_t len, enum body_format fmt,
    int filtered)
{
	struct buf	 a, b;

	buf_init(&a);
	buf_init(&b);
	shortcode_strip(&a, src, len);
	body_render(&b, a.data, a.len, fmt, filtered);
	buf_reset(&a);
	pthread_once(&hidden_once, compile);
	drop(&a, hidden, b.data, b.len);
	buf_reset(&b);
	strip_tags(&b, a.data, a.len);
	buf_reset(&a);
	decode(out, b.data, b.len);
	buf_reset(&b);
}

void
body_excerpt(struct buf *out, const char *src, size_t len,
    enum body_format fmt, int filtered, size_t words)
{
	struct buf	 a;
	const char	*more;

	if (words == 0 || len == 0)
		return;
	if ((more = memmem(src, len, MORE_MARK, strlen(MORE_MARK))) != NULL)
		len = (size_t)(more - src);	/* the teaser alone */
	buf_init(&a);
	plain(&a, src, len, fmt, filtered);
	trim_words(out, a.data, a.len, words);
	buf_reset(&a);
}

void
body_text(struct buf *out, const char *src, size_t len, enum body_format fmt,
    int filtered, size_t max)
{
	struct buf	 a;
	size_t		 i, start = out->len;
	int		 space = 0;

	if (len == 0)
		return;
	buf_init(&a);
	plain(&a, src, len, fmt, filtered);
	for (i = 0; i < a.len; i++) {
		if ((unsigned char)a.data[i] <= ' ' || a.data[i] == 0x7f) {
			space = out->len > start;
			continue;
		}
		if (out->len - start + (size_t)space >= max)
			break;
		if (space)
			buf_putc(out, ' ');
		space = 0;
		buf_putc(out, a.data[i]);
	}
	/* Cut inside a character: not half of it. */
	if (i < a.len && ((unsigned char)a.data[i] & 0xc0) == 0x80) {
		while (out->len > start &&
		    ((unsigned char)out->data[out->len - 1] & 0xc0) == 0x80)
			out->len--;
		if (out->len > start)
			out->len--;	/* its first byte */
	}
	if (out->data != NULL)
		out->data[out->len] = '\0';
	buf_reset(&a);
}
