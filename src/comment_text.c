/*
 * comment_text: renders a reader's comment (see comment_text.h) from
 * md4c's parser callbacks rather than md4c-html, so that every tag and
 * attribute written is one of ours.  Text goes through html_text and link
 * targets through html_url; the raw writes are the fixed tag strings of
 * the tables below and an image's alt text, which html_text already
 * escaped.  A link target is reassembled from md4c's pieces with entities
 * decoded, trimmed, and stripped of tabs and newlines, as a browser reads
 * it, before its scheme is checked: "java&#x09;script&#58;" is refused.
 * md4c 0.4.8 can send a span's leave without its enter, so what is open
 * lives on a stack here: a stray leave is ignored, a leave closes what
 * was left open inside it, and the end closes everything, so no tag of
 * a comment stays open into the page around it.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <md4c.h>

#include "alloc.h"
#include "buf.h"
#include "comment_text.h"
#include "html.h"
#include "markdown.h"
#include "utf8.h"

#define REPLACEMENT	"\xef\xbf\xbd"		/* U+FFFD */
#define LINK_REL	"\" rel=\"nofollow ugc noopener\">"

/* Schemes a link may have; an image links out only with the first two. */
static const char *const schemes[] = { "http", "https", "mailto" };
#define LINK_SCHEMES	3
#define IMAGE_SCHEMES	2

struct tag {
	const char	*open;
	const char	*close;
};

/* Blocks not listed (tables, raw HTML: never enabled) write no tag. */
static const struct tag blocks[] = {
	[MD_BLOCK_QUOTE] = { "<blockquote>\n", "</blockquote>\n" },
	[MD_BLOCK_UL] = { "<ul>\n", "</ul>\n" },
	[MD_BLOCK_OL] = { "<ol>\n", "</ol>\n" },
	[MD_BLOCK_LI] = { "<li>", "</li>\n" },
	[MD_BLOCK_HR] = { "<hr>\n", NULL },
	/* A commenter must not make page headings. */
	[MD_BLOCK_H] = { "<p><strong>", "</strong></p>\n" },
	[MD_BLOCK_CODE] = { "<pre><code>", "</code></pre>\n" },
	[MD_BLOCK_P] = { "<p>", "</p>\n" },
};

/* Links and images have their own functions; others write no tag. */
static const struct tag spans[] = {
	[MD_SPAN_EM] = { "<em>", "</em>" },
	[MD_SPAN_STRONG] = { "<strong>", "</strong>" },
	[MD_SPAN_CODE] = { "<code>", "</code>" },
	[MD_SPAN_DEL] = { "<del>", "</del>" },
};

/*
 * Named entities decoded; any other renders as its literal text.  Tab,
 * newline and colon are here so that a target hiding its scheme behind
 * them is read as a browser would read it.
 */
static const struct entity {
	const char	*name;
	const char	*utf8;
} entities[] = {
	{ "&amp;", "&" }, { "&lt;", "<" }, { "&gt;", ">" },
	{ "&quot;", "\"" }, { "&apos;", "'" }, { "&nbsp;", "\xc2\xa0" },
	{ "&Tab;", "\t" }, { "&NewLine;", "\n" }, { "&colon;", ":" },
	{ "&sol;", "/" }, { "&lpar;", "(" }, { "&rpar;", ")" },
	{ "&copy;", "\xc2\xa9" }, { "&reg;", "\xc2\xae" },
	{ "&trade;", "\xe2\x84\xa2" }, { "&deg;", "\xc2\xb0" },
	{ "&plusmn;", "\xc2\xb1" }, { "&times;", "\xc3\x97" },
	{ "&divide;", "\xc3\xb7" }, { "&middot;", "\xc2\xb7" },
	{ "&sect;", "\xc2\xa7" }, { "&para;", "\xc2\xb6" },
	{ "&laquo;", "\xc2\xab" }, { "&raquo;", "\xc2\xbb" },
	{ "&euro;", "\xe2\x82\xac" }, { "&pound;", "\xc2\xa3" },
	{ "&yen;", "\xc2\xa5" }, { "&cent;", "\xc2\xa2" },
	{ "&hellip;", "\xe2\x80\xa6" }, { "&bull;", "\xe2\x80\xa2" },
	{ "&ndash;", "\xe2\x80\x93" }, { "&mdash;", "\xe2\x80\x94" },
	{ "&lsquo;", "\xe2\x80\x98" }, { "&rsquo;", "\xe2\x80\x99" },
	{ "&ldquo;", "\xe2\x80\x9c" }, { "&rdquo;", "\xe2\x80\x9d" },
	{ "&larr;", "\xe2\x86\x90" }, { "&rarr;", "\xe2\x86\x92" },
	{ "&hearts;", "\xe2\x99\xa5" }, { "&frac12;", "\xc2\xbd" },
};

/* A block or span md4c entered and has not left. */
struct elem {
	int		 span;	/* 0: type is an MD_BLOCKTYPE, 1: MD_SPANTYPE */
	int		 type;
	const char	*close;	/* written when it closes, or NULL */
};

/* What one md_parse call carries between callbacks. */
struct render {
	struct buf	*doc;	/* the HTML written */
	struct buf	*out;	/* where text goes: doc, or alt in an image */
	struct buf	 alt;	/* escaped alt text of the outermost image */
	struct buf	 href;	/* a decoded target; the image's if linked */
	struct elem	*elems;	/* the stack of open elements */
	size_t		 nelems;
	size_t		 capelems;
	int		 img;	/* image nesting depth */
	int		 a_open;	/* 1 while an <a> is open */
	int		 links;	/* <a> elements written */
};

/*
 * Stores code point cp as UTF-8 in u and returns its length.  What HTML
 * would refuse or not show (NUL, surrogates, C0 and C1 controls other
 * than tab, newline and CR) becomes U+FFFD.
 */
static size_t
utf8_put(unsigned long cp, char u[4])
{
	if (cp == 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) ||
	    (cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') ||
	    (cp >= 0x7f && cp <= 0x9f))
		cp = 0xfffd;
	return utf8_encode((uint32_t)cp, u);
}

/* Returns the value of digit c in base 10 or 16, or -1. */
static int
digit(char c, int base)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (base == 16 && c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (base == 16 && c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Decodes the entity s[0..n) ("&name;", "&#N;" or "&#xH;") into u and
 * returns its length in bytes, or 0 if it is not one this module knows.
 */
static size_t
entity_decode(const char *s, size_t n, char u[4])
{
	unsigned long	 cp = 0;
	size_t		 i = 2, k;
	int		 base = 10, d;

	if (n < 4 || s[0] != '&' || s[n - 1] != ';')
		return 0;
	if (s[1] != '#') {
		for (k = 0; k < sizeof(entities) / sizeof(entities[0]); k++)
			if (strlen(entities[k].name) == n &&
			    memcmp(entities[k].name, s, n) == 0) {
				memcpy(u, entities[k].utf8,
				    strlen(entities[k].utf8));
				return strlen(entities[k].utf8);
			}
		return 0;
	}
	if (s[i] == 'x' || s[i] == 'X') {
		base = 16;
		i++;
	}
	if (i == n - 1)
		return 0;
	for (; i < n - 1; i++) {
		if ((d = digit(s[i], base)) < 0)
			return 0;
		if (cp <= 0x10ffff)	/* past it, stay past it */
			cp = cp * (unsigned long)base + (unsigned long)d;
	}
	return utf8_put(cp, u);
}

/* Appends to b the target a with its entities and NULs decoded. */
static void
attr_decode(struct buf *b, const MD_ATTRIBUTE *a)
{
	const char	*s;
	size_t		 i, n, k;
	char		 u[4];

	for (i = 0; a->substr_offsets[i] < a->size; i++) {
		s = a->text + a->substr_offsets[i];
		n = a->substr_offsets[i + 1] - a->substr_offsets[i];
		if (a->substr_types[i] == MD_TEXT_NULLCHAR)
			buf_puts(b, REPLACEMENT);
		else if (a->substr_types[i] == MD_TEXT_ENTITY &&
		    (k = entity_decode(s, n, u)) > 0)
			buf_write(u, k, b);
		else
			buf_write(s, n, b);
	}
}

/*
 * Sets r->href to the target a as a browser reads it: decoded, with
 * leading and trailing spaces and controls trimmed and every tab and
 * newline removed (as URL parsers do), and the other spaces and controls
 * percent-encoded.
 */
static void
href_decode(struct render *r, const MD_ATTRIBUTE *a)
{
	struct buf		 t;
	const unsigned char	*s;
	size_t			 i, start = 0, end;

	buf_init(&t);
	attr_decode(&t, a);
	s = (const unsigned char *)t.data;
	end = t.len;
	while (start < end && s[start] <= 0x20)
		start++;
	while (end > start && s[end - 1] <= 0x20)
		end--;
	buf_reset(&r->href);
	for (i = start; i < end; i++) {
		if (s[i] == '\t' || s[i] == '\n' || s[i] == '\r')
			continue;
		if (s[i] <= 0x20 || s[i] == 0x7f)
			buf_printf(&r->href, "%%%02X", s[i]);
		else
			buf_putc(&r->href, (char)s[i]);
	}
	buf_reset(&t);
}

/*
 * Returns 1 if r->href names one of the first nschemes schemes[]
 * (case-insensitive), else 0: relative and protocol-relative targets,
 * which have no scheme, are refused too.
 */
static int
href_allowed(const struct render *r, size_t nschemes)
{
	const char	*colon;
	size_t		 k, n;

	if (r->href.len == 0 ||
	    (colon = memchr(r->href.data, ':', r->href.len)) == NULL)
		return 0;
	n = (size_t)(colon - r->href.data);
	for (k = 0; k < nschemes; k++)
		if (strlen(schemes[k]) == n &&
		    strncasecmp(r->href.data, schemes[k], n) == 0)
			return html_url_safe(r->href.data, r->href.len);
	return 0;
}

/* Writes the opening <a> for r->href, which href_allowed() passed. */
static void
link_open(struct render *r)
{
	buf_puts(r->doc, "<a href=\"");
	html_url(r->doc, r->href.data, r->href.len);
	buf_puts(r->doc, LINK_REL);
	r->links++;
}

/*
 * Opens a link if its target is allowed and no link is open already.
 * Returns what closes it: "</a>", or NULL if it is text alone.
 */
static const char *
link_enter(struct render *r, const MD_SPAN_A_DETAIL *d)
{
	if (r->a_open)
		return NULL;
	href_decode(r, &d->href);
	if (!href_allowed(r, LINK_SCHEMES))
		return NULL;
	link_open(r);
	r->a_open = 1;
	return "</a>";
}

/*
 * Starts an image: its alt text collects in r->alt until image_leave,
 * and r->href keeps its source if the image is to be a link.
 */
static void
image_enter(struct render *r, const MD_SPAN_IMG_DETAIL *d)
{
	if (r->img++ > 0)
		return;
	buf_reset(&r->alt);
	href_decode(r, &d->src);
	if (r->a_open || !href_allowed(r, IMAGE_SCHEMES))
		buf_reset(&r->href);
	r->out = &r->alt;
}

/* Writes the image as its alt text, linked to its source if allowed. */
static void
image_leave(struct render *r)
{
	if (r->img == 0 || --r->img > 0)
		return;
	r->out = r->doc;
	if (r->href.len == 0) {
		/* Raw write: alt holds only html_text output. */
		buf_write(r->alt.data, r->alt.len, r->doc);
		return;
	}
	link_open(r);
	if (r->alt.len > 0)
		buf_write(r->alt.data, r->alt.len, r->doc);	/* as above */
	else
		html_text(r->doc, r->href.data, r->href.len);
	buf_puts(r->doc, "</a>");
}

/* Records an element entered; close is what to write when it closes. */
static void
push(struct render *r, int span, int type, const char *close)
{
	if (r->nelems == r->capelems) {
		r->capelems = r->capelems ? r->capelems * 2 : 16;
		r->elems = xrealloc(r->elems,
		    r->capelems * sizeof(*r->elems));
	}
	r->elems[r->nelems].span = span;
	r->elems[r->nelems].type = type;
	r->elems[r->nelems].close = close;
	r->nelems++;
}

/* Closes the innermost open element. */
static void
close_top(struct render *r)
{
	const struct elem	*o = &r->elems[--r->nelems];

	if (o->span && o->type == MD_SPAN_IMG)
		image_leave(r);
	else if (o->close != NULL)
		buf_puts(r->doc, o->close);
	if (o->span && o->type == MD_SPAN_A && o->close != NULL)
		r->a_open = 0;
}

/*
 * Closes the innermost open (span, type) and all opened inside it; does
 * nothing if none is open.
 */
static void
close_to(struct render *r, int span, int type)
{
	size_t	 k = r->nelems;

	while (k > 0 && (r->elems[k - 1].span != span ||
	    r->elems[k - 1].type != type))
		k--;
	while (k > 0 && r->nelems >= k)
		close_top(r);
}

static int
on_enter_block(MD_BLOCKTYPE type, void *detail, void *arg)
{
	struct render		*r = arg;
	const MD_BLOCK_OL_DETAIL *ol = detail;
	const struct tag	*t = NULL;

	if ((size_t)type < sizeof(blocks) / sizeof(blocks[0]))
		t = &blocks[type];
	if (type == MD_BLOCK_OL && ol->start != 1)
		buf_printf(r->doc, "<ol start=\"%u\">\n", ol->start);
	else if (t != NULL && t->open != NULL)
		buf_puts(r->doc, t->open);
	push(r, 0, (int)type, t != NULL ? t->close : NULL);
	return 0;
}

static int
on_leave_block(MD_BLOCKTYPE type, void *detail, void *arg)
{
	(void)detail;
	close_to(arg, 0, (int)type);
	return 0;
}

/* Inside an image only text counts: the alt text is plain text. */
static int
on_enter_span(MD_SPANTYPE type, void *detail, void *arg)
{
	struct render		*r = arg;
	const struct tag	*t = NULL;

	if (type == MD_SPAN_IMG)
		image_enter(r, detail);
	else if (r->img == 0 && type == MD_SPAN_A) {
		push(r, 1, (int)type, link_enter(r, detail));
		return 0;
	} else if (r->img == 0 &&
	    (size_t)type < sizeof(spans) / sizeof(spans[0]))
		t = &spans[type];
	if (t != NULL && t->open != NULL)
		buf_puts(r->doc, t->open);
	push(r, 1, (int)type, t != NULL ? t->close : NULL);
	return 0;
}

static int
on_leave_span(MD_SPANTYPE type, void *detail, void *arg)
{
	(void)detail;
	close_to(arg, 1, (int)type);
	return 0;
}

/*
 * Appends s[0..n) escaped, each NUL as U+FFFD: md4c 0.4.8 passes NULs
 * through in code spans, and in code blocks repeats each one after its
 * MD_TEXT_NULLCHAR, which there shows as two U+FFFD.
 */
static void
text_put(struct buf *b, const char *s, size_t n)
{
	const char	*nul;

	while (n > 0 && (nul = memchr(s, '\0', n)) != NULL) {
		html_text(b, s, (size_t)(nul - s));
		buf_puts(b, REPLACEMENT);
		n -= (size_t)(nul - s) + 1;
		s = nul + 1;
	}
	html_text(b, s, n);
}

/* Every kind of text, raw HTML and code included, is escaped. */
static int
on_text(MD_TEXTTYPE type, const MD_CHAR *s, MD_SIZE n, void *arg)
{
	struct render	*r = arg;
	char		 u[4];
	size_t		 k;

	if (type == MD_TEXT_NULLCHAR)
		buf_puts(r->out, REPLACEMENT);
	else if (type == MD_TEXT_BR)
		buf_puts(r->out, r->img > 0 ? "\n" : "<br>");
	else if (type == MD_TEXT_SOFTBR)
		buf_putc(r->out, '\n');
	else if (type == MD_TEXT_ENTITY && (k = entity_decode(s, n, u)) > 0)
		html_text(r->out, u, k);
	else
		text_put(r->out, s, n);
	return 0;
}

static const MD_PARSER parser = {
	.abi_version = 0,
	.flags = MD_FLAG_NOHTML | MD_FLAG_PERMISSIVEURLAUTOLINKS |
	    MD_FLAG_PERMISSIVEWWWAUTOLINKS | MD_FLAG_PERMISSIVEEMAILAUTOLINKS |
	    MD_FLAG_STRIKETHROUGH | MD_FLAG_NOINDENTEDCODEBLOCKS,
	.enter_block = on_enter_block,
	.leave_block = on_leave_block,
	.enter_span = on_enter_span,
	.leave_span = on_leave_span,
	.text = on_text,
};

/*
 * Runs md4c over src[0..len) with r as its user data and returns what
 * md_parse returns (-1 if len is too large), on a padded copy
 * (markdown_copy says why).
 */
static int
parse(struct render *r, const char *src, size_t len)
{
	char	*copy;
	size_t	 n;
	int	 rc;

	if ((copy = markdown_copy(src, len, &n)) == NULL)
		return -1;
	rc = md_parse(copy, (MD_SIZE)n, &parser, r);
	free(copy);
	return rc;
}

/*
 * Appends src[0..len) rendered to doc and returns the number of links
 * written, or -1 if md4c failed (out of memory, or len past MD_SIZE),
 * leaving part of the document in doc.
 */
static int
render(struct buf *doc, const char *src, size_t len)
{
	struct render	 r;
	int		 rc;

	memset(&r, 0, sizeof(r));
	r.doc = r.out = doc;
	buf_init(&r.alt);
	buf_init(&r.href);
	rc = parse(&r, src, len);
	while (r.nelems > 0)
		close_top(&r);
	free(r.elems);
	buf_reset(&r.alt);
	buf_reset(&r.href);
	return rc == 0 ? r.links : -1;
}

void
comment_text_render(struct buf *out, const char *src, size_t len)
{
	struct buf	 b;

	buf_init(&b);
	if (render(&b, src, len) < 0) {
		/* Show the text escaped rather than lose it. */
		buf_reset(&b);
		html_paragraphs(&b, src, len);
	}
	buf_write(b.data, b.len, out);	/* raw: HTML rendered above */
	buf_reset(&b);
}

int
comment_text_links(const char *src, size_t len)
{
	struct buf	 b;
	int		 n;

	buf_init(&b);
	n = render(&b, src, len);
	buf_reset(&b);
	return n < 0 ? INT_MAX : n;
}

int
comment_text_valid(const char *s, size_t len)
{
	const unsigned char	*u = (const unsigned char *)s;
	size_t			 i = 0, n;
	uint32_t		 cp;

	while (i < len) {
		if (u[i] < 0x20 && u[i] != '\t' && u[i] != '\n' &&
		    u[i] != '\r')
			return 0;
		if ((n = utf8_decode(u + i, len - i, &cp)) == 0)
			return 0;
		i += n;
	}
	return 1;
}
