/*
 * kses: see kses.h.  The input is parsed as a browser would parse it
 * (htmlsax.h), and the output is written from what the parser saw, never
 * copied from the input: an attribute the table does not name cannot
 * come through, however it was spelt.
 */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "html.h"
#include "htmlsax.h"
#include "kses.h"
#include "url.h"

#define DEPTH_MAX	256	/* deeper elements are written as text only */
#define WRAPPER		"galley-kses"	/* around the input: see kses() */

/* Attributes any allowed element may carry. */
static const char *const common[] = { "class", "title", "lang", "dir",
    "aria-hidden", "aria-label", NULL };

/* Attributes whose value is a URL, written through html_url. */
static const char *const urls[] = { "href", "src", "cite", "poster", NULL };

/* The allowed elements and what each may carry beyond common[]. */
static const struct element {
	const char	*name;
	int		 empty;		/* a void element: no end tag */
	const char	*attrs[9];
} elements[] = {
	{ "a", 0, { "href", "rel", "hreflang" } },
	{ "abbr", 0, { 0 } }, { "address", 0, { 0 } },
	{ "article", 0, { 0 } }, { "aside", 0, { 0 } },
	/*
	 * Players, as WordPress allows them, of this site's media only: the
	 * page's policy would block another's (media-src falls back to
	 * default-src 'self'), and a reader's browser asks no other site for
	 * anything unprompted.  Another site's player loses its tags
	 * (local_media).
	 */
	{ "audio", 0, { "src", "controls", "preload", "loop", "muted" } },
	{ "b", 0, { 0 } },
	{ "blockquote", 0, { "cite" } }, { "br", 1, { 0 } },
	{ "caption", 0, { 0 } }, { "cite", 0, { 0 } }, { "code", 0, { 0 } },
	{ "col", 1, { "span" } }, { "colgroup", 0, { "span" } },
	{ "dd", 0, { 0 } }, { "del", 0, { "datetime" } },
	{ "details", 0, { "open" } }, { "dfn", 0, { 0 } },
	{ "div", 0, { 0 } }, { "dl", 0, { 0 } }, { "dt", 0, { 0 } },
	{ "em", 0, { 0 } }, { "figcaption", 0, { 0 } },
	/* The video facade (shortcode.c) is a figure with these. */
	{ "figure", 0, { "data-youtube", "data-start" } },
	{ "footer", 0, { 0 } }, { "h1", 0, { 0 } }, { "h2", 0, { 0 } },
	{ "h3", 0, { 0 } }, { "h4", 0, { 0 } }, { "h5", 0, { 0 } },
	{ "h6", 0, { 0 } }, { "header", 0, { 0 } }, { "hr", 1, { 0 } },
	{ "i", 0, { 0 } },
	{ "img", 1, { "src", "alt", "width", "height", "loading" } },
	{ "ins", 0, { "datetime" } }, { "kbd", 0, { 0 } },
	{ "li", 0, { "value" } }, { "mark", 0, { 0 } },
	{ "ol", 0, { "start", "reversed", "type" } }, { "p", 0, { 0 } },
	{ "pre", 0, { 0 } }, { "q", 0, { "cite" } }, { "s", 0, { 0 } },
	{ "samp", 0, { 0 } }, { "section", 0, { 0 } },
	{ "small", 0, { 0 } }, { "source", 1, { "src", "type" } },
	{ "span", 0, { 0 } },
	{ "strike", 0, { 0 } }, { "strong", 0, { 0 } },
	{ "sub", 0, { 0 } }, { "summary", 0, { 0 } }, { "sup", 0, { 0 } },
	{ "table", 0, { 0 } }, { "tbody", 0, { 0 } },
	{ "td", 0, { "colspan", "rowspan" } }, { "tfoot", 0, { 0 } },
	{ "th", 0, { "colspan", "rowspan", "scope" } },
	{ "thead", 0, { 0 } }, { "time", 0, { "datetime" } },
	{ "tr", 0, { 0 } }, { "u", 0, { 0 } }, { "ul", 0, { 0 } },
	{ "var", 0, { 0 } },
	{ "video", 0, { "src", "controls", "preload", "loop", "muted",
	    "poster", "width", "height", "playsinline" } },
};

/*
 * Obsolete elements WordPress allows, written as their conforming twins,
 * which browsers show alike.
 */
static const char *const renamed[][2] = { { "strike", "s" } };

/*
 * Elements that go with everything inside them: what they hold is code
 * or raw text a browser would not show as the page's text.  Others not
 * in elements[] (svg, object, select, noscript...) lose their tags but
 * keep their text: a stray, unclosed <svg> must not take the rest of an
 * author's post with it.  (Void elements such as <meta> and <base>
 * hold nothing: not being in elements[] is enough.)
 */
static const char *const dropped[] = { "iframe", "noembed", "noframes",
    "script", "style", "template", "textarea", "title", NULL };

/*
 * Elements a browser places by their parent, and the parents they may
 * be written in.  A browser closes an <li> when another starts, through
 * any <div> or <p> between them, and moves what a table may not hold
 * out of it: written anywhere else, such an element would close ours
 * early and our end tag would close the page's own.  The parents listed
 * here (table, its sections and rows) take only these children.
 */
static const struct placed {
	const char	*name;
	const char	*parents;	/* space-separated */
} placed[] = {
	{ "caption", "table" }, { "col", "colgroup table" },
	{ "colgroup", "table" }, { "dd", "dl" }, { "dt", "dl" },
	{ "li", "ol ul" }, { "tbody", "table" }, { "td", "tr" },
	{ "tfoot", "table" }, { "th", "tr" }, { "thead", "table" },
	{ "tr", "table tbody tfoot thead" }, { "source", "audio video" },
};

static const char *const closed[] = { "colgroup", "table", "tbody",
    "tfoot", "thead", "tr", NULL };

struct kses {
	struct buf		*out;
	const struct element	*open[DEPTH_MAX];	/* NULL: not written */
	size_t			 depth;
	size_t			 skip;	/* depth inside a dropped element */
};

static int
listed(const char *const *list, const char *name)
{
	for (; *list != NULL; list++)
		if (strcmp(*list, name) == 0)
			return 1;
	return 0;
}

/* Returns 1 if word is one of the space-separated words of list. */
static int
among(const char *list, const char *word)
{
	size_t	 n = strlen(word);

	for (; *list != '\0'; list += strcspn(list, " "),
	    list += *list == ' ')
		if (strncmp(list, word, n) == 0 && (list[n] == ' ' ||
		    list[n] == '\0'))
			return 1;
	return 0;
}

/* Returns 1 if e may be written inside parent (NULL: the top). */
static int
fits(const struct element *parent, const struct element *e)
{
	size_t	 i;

	for (i = 0; i < sizeof(placed) / sizeof(placed[0]); i++)
		if (strcmp(placed[i].name, e->name) == 0)
			return parent != NULL &&
			    among(placed[i].parents, parent->name);
	return parent == NULL || !listed(closed, parent->name);
}

/* The innermost element written and still open, or NULL. */
static const struct element *
parent_of(const struct kses *k)
{
	size_t	 i;

	for (i = k->depth < DEPTH_MAX ? k->depth : DEPTH_MAX; i > 0; i--)
		if (k->open[i - 1] != NULL)
			return k->open[i - 1];
	return NULL;
}

/* The name e is written under: its own, or its twin's (renamed[]). */
static const char *
written(const struct element *e)
{
	size_t	 i;

	for (i = 0; i < sizeof(renamed) / sizeof(renamed[0]); i++)
		if (strcmp(renamed[i][0], e->name) == 0)
			return renamed[i][1];
	return e->name;
}

static int
by_name(const void *key, const void *e)
{
	return strcmp(key, ((const struct element *)e)->name);
}

static int
allowed(const struct element *e, const char *attr)
{
	size_t	 i;

	for (i = 0; i < sizeof(e->attrs) / sizeof(e->attrs[0]) &&
	    e->attrs[i] != NULL; i++)
		if (strcmp(e->attrs[i], attr) == 0)
			return 1;
	return listed(common, attr);
}

/* Writes the allowed attributes of attrs for element e. */
static void
put_attrs(struct buf *out, const struct element *e, const char **attrs)
{
	const char	*v;
	size_t		 i;
	int		 url;

	for (i = 0; attrs != NULL && attrs[i] != NULL; i += 2) {
		v = attrs[i + 1] != NULL ? attrs[i + 1] : "";
		if (!allowed(e, attrs[i]))
			continue;
		if ((url = listed(urls, attrs[i])) &&
		    !html_url_safe(v, strlen(v)))
			continue;	/* javascript: and the like */
		buf_putc(out, ' ');
		buf_puts(out, attrs[i]);	/* a name from the table */
		buf_puts(out, "=\"");
		if (url)
			html_url(out, v, strlen(v));
		else
			html_attr(out, v, strlen(v));
		buf_putc(out, '"');
	}
}

/* Elements whose src and poster must be paths on this site. */
static const char *const local_media[] = { "audio", "source", "video",
    NULL };

/* 1 if every src and poster of attrs is a path on this site. */
static int
local_urls(const char **attrs)
{
	size_t	 i;

	for (i = 0; attrs != NULL && attrs[i] != NULL; i += 2)
		if ((strcmp(attrs[i], "src") == 0 ||
		    strcmp(attrs[i], "poster") == 0) &&
		    !url_local(attrs[i + 1] != NULL ? attrs[i + 1] : ""))
			return 0;
	return 1;
}

static void
on_start(void *arg, const char *name, const char **attrs)
{
	struct kses		*k = arg;
	const struct element	*e = NULL;

	if (k->skip > 0 || listed(dropped, name)) {
		k->skip++;
		return;
	}
	if (k->depth < DEPTH_MAX)
		e = bsearch(name, elements, sizeof(elements) /
		    sizeof(elements[0]), sizeof(elements[0]), by_name);
	if (e != NULL && (!fits(parent_of(k), e) ||
	    (listed(local_media, e->name) && !local_urls(attrs))))
		e = NULL;	/* its text stays, in its parent */
	if (e != NULL) {
		/* The tag's name is the table's, not the input's. */
		buf_putc(k->out, '<');
		buf_puts(k->out, written(e));
		put_attrs(k->out, e, attrs);
		buf_putc(k->out, '>');
	}
	if (k->depth < DEPTH_MAX)
		k->open[k->depth] = e;
	k->depth++;
}

static void
on_end(void *arg, const char *name)
{
	struct kses		*k = arg;
	const struct element	*e;

	(void)name;
	if (k->skip > 0) {
		k->skip--;
		return;
	}
	if (k->depth == 0)
		return;
	k->depth--;
	e = k->depth < DEPTH_MAX ? k->open[k->depth] : NULL;
	if (e != NULL && !e->empty) {
		buf_puts(k->out, "</");
		buf_puts(k->out, written(e));
		buf_putc(k->out, '>');
	}
}

static void
on_text(void *arg, const char *s, size_t len)
{
	struct kses	*k = arg;

	if (k->skip == 0)
		html_text(k->out, s, len);
}

void
kses(struct buf *out, const char *html, size_t len)
{
	static const struct htmlsax	 cb = { on_start, on_end, on_text };
	struct kses			 k;

	struct buf			 in;

	/*
	 * Inside an element the parser does not know, text at the top is
	 * left as it is; at the very top it would be put in a <p>.  The
	 * wrapper's tag is not in the table, so it is not written.
	 */
	buf_init(&in);
	buf_puts(&in, "<" WRAPPER ">");
	buf_write(html, len, &in);
	memset(&k, 0, sizeof(k));
	k.out = out;
	if (htmlsax_parse(in.data, in.len, &cb, &k) != 0)
		html_text(out, html, len);	/* shown, never run */
	buf_reset(&in);
}
