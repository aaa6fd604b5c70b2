/*
 * media: see media.h.  The rewrite reads the rendered body once, tag by
 * tag with quoted values honoured (the same walk kses's output and an
 * editor's HTML both allow), and copies every byte it does not change.
 * A <picture> with a WebP source lists, for each width, the WebP twin
 * when image.c kept one (it keeps a twin only when smaller), and the
 * <img> inside lists the main files, so a browser without WebP still
 * picks by width; the <img> stays the element styles and kses know.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "arena.h"
#include "buf.h"
#include "html.h"
#include "i18n.h"
#include "image.h"
#include "picture.h"
#include "store.h"
#include "url.h"
#include "utf8.h"

/* The content column: main's 44rem less its 1rem padding each side. */
#define COLUMN_PX	672
#define REFS_MAX	1000	/* pictures a body may name */
#define ATTRS_MAX	32	/* attributes of an <img> read */

/* One attribute of a tag: its whole text, name and value. */
struct attr {
	const char	*at, *name, *val;
	size_t		 len, nlen, vlen;
};

static int
is_webp(const struct media_size *f)
{
	return strcmp(f->mime, "image/webp") == 0;
}

/* 1 if file i of m is the WebP twin of the main file before it. */
static int
is_twin(const struct picture *m, size_t i)
{
	return i > 0 && is_webp(&m->file[i]) && !is_webp(&m->file[i - 1]) &&
	    m->file[i - 1].width == m->file[i].width;
}

void
picture_items(struct arena *a, const struct media_size *rows, size_t n,
    struct picture **out, size_t *nout)
{
	struct picture	*it;
	size_t			 i, k = 0;

	*out = it = arena_alloc(a, (n > 0 ? n : 1) * sizeof(*it));
	for (i = 0; i < n; i++) {
		if (k == 0 || it[k - 1].id != rows[i].media_id) {
			memset(&it[k], 0, sizeof(*it));
			it[k].id = rows[i].media_id;
			it[k++].file = &rows[i];
		}
		it[k - 1].nfiles++;
		/* Widest main file; an item of WebP alone has WebP ones. */
		if (it[k - 1].display == NULL || (rows[i].width >=
		    it[k - 1].display->width && (!is_webp(&rows[i]) ||
		    is_webp(it[k - 1].display))))
			it[k - 1].display = &rows[i];
	}
	*nout = k;
}

const struct picture *
picture_find(const struct picture *items, size_t n, int64_t id,
    const char *hash)
{
	size_t	 i, j;

	for (i = 0; i < n; i++) {
		if (id != 0 && items[i].id == id)
			return &items[i];
		for (j = 0; hash != NULL && j < items[i].nfiles; j++)
			if (strcmp(items[i].file[j].hash, hash) == 0)
				return &items[i];
	}
	return NULL;
}

/* The WebP twin of main file f of m (the next file, same width), or NULL. */
static const struct media_size *
twin(const struct picture *m, const struct media_size *f)
{
	const struct media_size	*t = f + 1;

	if (t < m->file + m->nfiles && t->width == f->width && is_webp(t) &&
	    !is_webp(f))
		return t;
	return NULL;
}

static void
put_src(struct buf *out, const struct media_size *f)
{
	struct buf	 b;
	const char	*ext = image_ext(f->mime);

	buf_init(&b);
	url_media(&b, f->hash, ext != NULL ? ext : "jpg");
	html_attr(out, b.data, b.len);
	buf_reset(&b);
}

int
picture_srcset(struct buf *out, const struct picture *m, int webp)
{
	const struct media_size	*f, *t;
	size_t			 i;
	int			 n = 0, first = 1;

	for (i = 0; i < m->nfiles; i++) {
		f = &m->file[i];
		if (is_twin(m, i))
			continue;
		t = webp ? twin(m, f) : NULL;
		if (!first)
			buf_puts(out, ", ");
		first = 0;
		put_src(out, t != NULL ? t : f);
		buf_printf(out, " %dw", f->width);
		n += t != NULL;
	}
	return n;
}

const struct media_size *
picture_pick(const struct picture *m, int slot)
{
	size_t	 i;

	for (i = 0; i < m->nfiles; i++)
		if (!is_twin(m, i) && m->file[i].width >= slot)
			return &m->file[i];
	return m->display;
}

void
picture_sizes(struct buf *out, int w)
{
	if (w >= COLUMN_PX)
		w = COLUMN_PX;
	buf_printf(out, "(max-width: %dpx) calc(100vw - 2rem), %dpx", w + 32,
	    w);
}

/* Reads the attributes of the tag s[0..len) ("<img ...>") into a. */
static size_t
attrs(const char *s, size_t len, struct attr *a, size_t max)
{
	size_t	 i = 4, n = 0;
	char	 q;

	while (i < len && n < max) {
		while (i < len && strchr(" \t\n\r\f/>", s[i]) != NULL)
			i++;
		if (i >= len)
			break;
		memset(&a[n], 0, sizeof(a[n]));
		a[n].at = a[n].name = s + i;
		while (i < len && strchr(" \t\n\r\f/>=", s[i]) == NULL)
			i++;
		a[n].nlen = (size_t)(s + i - a[n].name);
		if (i < len && s[i] == '=') {
			q = ++i < len ? s[i] : 0;
			if (q == '"' || q == '\'') {
				a[n].val = s + ++i;
				while (i < len && s[i] != q)
					i++;
				a[n].vlen = (size_t)(s + i - a[n].val);
				i += i < len;
			} else {
				a[n].val = s + i;
				while (i < len && strchr(" \t\n\r\f>", s[i]) ==
				    NULL)
					i++;
				a[n].vlen = (size_t)(s + i - a[n].val);
			}
		}
		a[n].len = (size_t)(s + i - a[n].at);
		if (a[n].nlen > 0)
			n++;
	}
	return n;
}

static int
is_name(const struct attr *a, const char *name)
{
	return a->nlen == strlen(name) &&
	    strncasecmp(a->name, name, a->nlen) == 0;
}

static const struct attr *
attr_get(const struct attr *a, size_t n, const char *name)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (is_name(&a[i], name))
			return &a[i];
	return NULL;
}

/* The hash of an src that names one of our files, in h[65]; or 0. */
static int
our_hash(const struct attr *src, char *h)
{
	const char	*v, *ext;
	size_t		 n;

	if (src == NULL || src->vlen < 7 + 64 + 4 ||
	    strncmp(src->val, "/media/", 7) != 0)
		return 0;
	v = src->val + 7;
	if (strspn(v, "0123456789abcdef") < 64 || v[64] != '.')
		return 0;
	ext = v + 65;
	n = src->vlen - 7 - 65;
	if (!((n == 3 && (strncmp(ext, "jpg", 3) == 0 ||
	    strncmp(ext, "png", 3) == 0)) || (n == 4 &&
	    strncmp(ext, "webp", 4) == 0)))
		return 0;
	memcpy(h, v, 64);
	h[64] = '\0';
	return 1;
}

/* N of a wp-image-N class, or 0. */
static int64_t
wp_image(const struct attr *cls)
{
	const char	*v, *end;
	int64_t		 id = 0;
	size_t		 k;

	if (cls == NULL)
		return 0;
	for (v = cls->val, end = v + cls->vlen; v < end; v += k) {
		v += strspn(v, " \t\n\r\f");
		for (k = 0; v + k < end && strchr(" \t\n\r\f", v[k]) == NULL;)
			k++;
		if (k > 9 && k < 9 + 16 && strncmp(v, "wp-image-", 9) == 0 &&
		    strspn(v + 9, "0123456789") == k - 9) {
			id = strtoll(v + 9, NULL, 10);
			break;
		}
	}
	return id;
}

/* Returns the offset past the tag or comment starting at s[i]. */
static size_t
tag_end(const char *s, size_t len, size_t i)
{
	char		 q = 0;

	if (len - i >= 4 && memcmp(s + i, "<!--", 4) == 0) {
		for (i += 4; i + 3 <= len; i++)
			if (memcmp(s + i, "-->", 3) == 0)
				return i + 3;
		return len;
	}
	for (i++; i < len; i++)
		if (q != 0) {
			if (s[i] == q)
				q = 0;
		} else if (s[i] == '"' || s[i] == '\'')
			q = s[i];
		else if (s[i] == '>')
			return i + 1;
	return len;
}

/* 1 if s[i..] opens element name (lower case) as a tag. */
static int
opens(const char *s, size_t len, size_t i, const char *name)
{
	size_t	 n = strlen(name);

	return len - i > n + 1 && strncasecmp(s + i + 1, name, n) == 0 &&
	    strchr(" \t\n\r\f/>", s[i + 1 + n]) != NULL;
}

/* Past the end of a script's or style's text from s[i], or len. */
static size_t
raw_end(const char *s, size_t len, size_t i, const char *close)
{
	size_t	 n = strlen(close);

	for (; i + n <= len; i++)
		if (strncasecmp(s + i, close, n) == 0)
			return i;
	return len;
}

/*
 * Calls fn for each <img> tag of html[0..len): its bounds and attributes.
 * What lies between tags is skipped: comments, scripts and styles whole.
 */
typedef void	img_fn(const char *tag, size_t tlen, const struct attr *a,
		    size_t n, int in_link, void *arg);

static void
each_img(const char *html, size_t len, img_fn *fn, void *arg)
{
	struct attr	 a[ATTRS_MAX];
	size_t		 i = 0, e, n;
	int		 links = 0;	/* <a> open around here */

	while (i < len) {
		if (html[i] != '<') {
			i++;
			continue;
		}
		e = tag_end(html, len, i);
		if (opens(html, len, i, "script"))
			e = raw_end(html, len, e, "</script");
		else if (opens(html, len, i, "style"))
			e = raw_end(html, len, e, "</style");
		else if (opens(html, len, i, "a"))
			links++;
		else if (i + 1 < len && html[i + 1] == '/' &&
		    opens(html, len, i + 1, "a") && links > 0)
			links--;
		else if (opens(html, len, i, "img") && e <= len &&
		    html[e - 1] == '>') {
			n = attrs(html + i, e - i, a, ATTRS_MAX);
			fn(html + i, e - i, a, n, links > 0, arg);
		}
		i = e;
	}
}

struct refs_walk {
	struct arena		*a;
	struct picture_refs	*r;
	size_t			 hcap, icap;
};

static void *
grow(struct arena *a, void *old, size_t n, size_t *cap, size_t sz)
{
	void	*p;

	if (n < *cap)
		return old;
	*cap = *cap == 0 ? 8 : *cap * 2;
	p = arena_alloc(a, *cap * sz);
	if (n > 0)
		memcpy(p, old, n * sz);
	return p;
}

static void
ref_img(const char *tag, size_t tlen, const struct attr *a, size_t n,
    int in_link, void *arg)
{
	(void)in_link;
	struct refs_walk	*w = arg;
	struct picture_refs	*r = w->r;
	char			 h[65];
	int64_t			 id;

	(void)tag;
	(void)tlen;
	if (!our_hash(attr_get(a, n, "src"), h) ||
	    r->nhash + r->nid >= REFS_MAX)
		return;
	r->hash = grow(w->a, r->hash, r->nhash, &w->hcap, sizeof(*r->hash));
	r->hash[r->nhash++] = arena_strdup(w->a, h);
	if ((id = wp_image(attr_get(a, n, "class"))) > 0) {
		r->id = grow(w->a, r->id, r->nid, &w->icap, sizeof(*r->id));
		r->id[r->nid++] = id;
	}
}

void
picture_refs(struct arena *a, const char *html, size_t len,
    struct picture_refs *refs)
{
	struct refs_walk	 w = { a, refs, refs->nhash, refs->nid };

	each_img(html, len, ref_img, &w);
}

struct rewrite {
	struct buf		*out;
	const char		*html;
	size_t			 done;	/* html copied up to here */
	const struct picture	*items;
	size_t			 n;
	int			*eager;
	const char		*self;	/* the site's base_url, or NULL */
	enum lang		 lang;	/* of "Picture from" */
};

/* Attributes we write; the body's own are dropped. */
static int
ours(const struct attr *a)
{
	static const char *const names[] = { "srcset", "sizes", "loading",
	    "decoding", "fetchpriority" };
	size_t	 i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (is_name(a, names[i]))
			return 1;
	return 0;
}

/* The file the src names, for its width and height; else the display. */
static const struct media_size *
shown(const struct picture *m, const char *hash)
{
	size_t	 i;

	for (i = 0; i < m->nfiles; i++)
		if (strcmp(m->file[i].hash, hash) == 0)
			return &m->file[i];
	return m->display;
}

static void
write_img(struct rewrite *w, const struct picture *m, const char *hash,
    const struct attr *a, size_t n)
{
	const struct media_size	*f = shown(m, hash);
	int	 keep_wh = attr_get(a, n, "width") != NULL &&
	    attr_get(a, n, "height") != NULL;
	size_t	 i, mark;
	struct buf *o = w->out;

	buf_puts(o, "<picture>");
	mark = o->len;
	buf_puts(o, "<source type=\"image/webp\" srcset=\"");
	if (picture_srcset(o, m, 1) == 0)
		o->len = mark;		/* no WebP file: no source */
	else {
		buf_puts(o, "\" sizes=\"");
		picture_sizes(o, f->width);
		buf_puts(o, "\">");
	}
	buf_puts(o, "<img");
	for (i = 0; i < n; i++) {
		if (ours(&a[i]) || (!keep_wh && (is_name(&a[i], "width") ||
		    is_name(&a[i], "height"))))
			continue;
		buf_putc(o, ' ');
		buf_write(a[i].at, a[i].len, o);
	}
	buf_puts(o, " srcset=\"");
	picture_srcset(o, m, 0);
	buf_puts(o, "\" sizes=\"");
	picture_sizes(o, f->width);
	buf_putc(o, '"');
	if (!keep_wh)
		buf_printf(o, " width=\"%d\" height=\"%d\"", f->width,
		    f->height);
	buf_puts(o, *w->eager ? " fetchpriority=\"high\"" :
	    " loading=\"lazy\"");
	*w->eager = 0;
	buf_puts(o, " decoding=\"async\"></picture>");
}

/*
 * The host of an absolute or scheme-relative http(s) URL s[0..n), its
 * length in *hlen; NULL for any other URL.
 */
static const char *
url_host(const char *s, size_t n, size_t *hlen)
{
	size_t	 i;

	if (n >= 7 && strncasecmp(s, "http://", 7) == 0)
		i = 7;
	else if (n >= 8 && strncasecmp(s, "https://", 8) == 0)
		i = 8;
	else if (n >= 2 && strncmp(s, "//", 2) == 0)
		i = 2;
	else
		return NULL;
	for (*hlen = 0; i + *hlen < n && strchr("/?#", s[i + *hlen]) == NULL;)
		(*hlen)++;
	return *hlen > 0 ? s + i : NULL;
}

/*
 * An attribute's value as text: the character references a written
 * attribute holds (&amp; &lt; &gt; &quot; &#39; and numeric ones)
 * undone; any other named reference stays as it is.
 */
static void
unescape(struct buf *out, const char *s, size_t n)
{
	static const struct { const char *ref; char c; } named[] = {
	    { "&amp;", '&' }, { "&lt;", '<' }, { "&gt;", '>' },
	    { "&quot;", '"' }, { "&#39;", '\'' }, { "&apos;", '\'' } };
	size_t	 i = 0, j, k;
	long	 c;
	char	*end, u[4];

	while (i < n) {
		for (j = 0; s[i] == '&' && j < sizeof(named) / sizeof(named[0]);
		    j++) {
			k = strlen(named[j].ref);
			if (n - i >= k && strncmp(s + i, named[j].ref, k) == 0)
				break;
		}
		if (s[i] == '&' && j < sizeof(named) / sizeof(named[0])) {
			buf_putc(out, named[j].c);
			i += strlen(named[j].ref);
			continue;
		}
		if (s[i] == '&' && n - i > 3 && s[i + 1] == '#' &&
		    memchr(s + i, ';', n - i < 12 ? n - i : 12) != NULL) {
			c = s[i + 2] == 'x' || s[i + 2] == 'X' ?
			    strtol(s + i + 3, &end, 16) :
			    strtol(s + i + 2, &end, 10);
			if (*end == ';' && c >= 32 && c <= 0x10ffff &&
			    (c < 0xd800 || c > 0xdfff) && end > s + i + 2) {
				buf_write(u, utf8_encode((uint32_t)c, u),
				    out);
				i = (size_t)(end - s) + 1;
				continue;
			}
		}
		buf_putc(out, s[i++]);
	}
}

/*
 * An <img> of another site's picture: the page's policy would block it
 * (img-src 'self'), and a reader's browser asks no other site for
 * anything before a click, so it becomes a link to the picture, named
 * by its host and alt text; inside a link of the body's own, text.
 */
static int
offsite_img(struct rewrite *w, const char *tag, const struct attr *a,
    size_t n, int in_link)
{
	const struct attr	*src = attr_get(a, n, "src");
	const struct attr	*alt = attr_get(a, n, "alt");
	const char		*host, *self;
	size_t			 hlen, slen;
	struct buf		 url, text, *o = w->out;

	if (src == NULL || (host = url_host(src->val, src->vlen,
	    &hlen)) == NULL)
		return 0;
	if (w->self != NULL && (self = url_host(w->self, strlen(w->self),
	    &slen)) != NULL && slen == hlen && strncasecmp(self, host,
	    hlen) == 0)
		return 0;
	buf_write(w->html + w->done, (size_t)(tag - w->html) - w->done, o);
	buf_init(&url);
	buf_init(&text);
	unescape(&url, src->val, src->vlen);
	buf_puts(&text, i18n_get(w->lang, "Picture from"));
	buf_putc(&text, ' ');
	unescape(&text, host, hlen);
	if (alt != NULL && alt->vlen > 0) {
		buf_puts(&text, ": ");
		unescape(&text, alt->val, alt->vlen);
	}
	if (in_link)
		buf_puts(o, "<span class=\"offsite-picture\">");
	else {
		buf_puts(o, "<a class=\"offsite-picture\" href=\"");
		html_url(o, url.data, url.len);
		buf_puts(o, "\" rel=\"nofollow noopener noreferrer\">");
	}
	html_text(o, text.data, text.len);
	buf_puts(o, in_link ? "</span>" : "</a>");
	buf_reset(&url);
	buf_reset(&text);
	return 1;
}

static void
rewrite_img(const char *tag, size_t tlen, const struct attr *a, size_t n,
    int in_link, void *arg)
{
	struct rewrite		*w = arg;
	const struct picture	*m;
	char			 h[65];

	if (offsite_img(w, tag, a, n, in_link)) {
		w->done = (size_t)(tag - w->html) + tlen;
		return;
	}
	if (!our_hash(attr_get(a, n, "src"), h))
		return;
	if ((m = picture_find(w->items, w->n, 0, h)) == NULL &&
	    (m = picture_find(w->items, w->n,
	    wp_image(attr_get(a, n, "class")), NULL)) == NULL)
		return;
	buf_write(w->html + w->done, (size_t)(tag - w->html) - w->done,
	    w->out);
	write_img(w, m, h, a, n);
	w->done = (size_t)(tag - w->html) + tlen;
}

void
picture_rewrite(struct buf *out, const char *html, size_t len,
    const struct picture *items, size_t n, int *eager, const char *self,
    enum lang lang)
{
	struct rewrite	 w = { out, html, 0, items, n, eager, self, lang };

	each_img(html, len, rewrite_img, &w);
	buf_write(html + w.done, len - w.done, out);
}
