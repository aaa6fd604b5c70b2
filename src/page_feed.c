/*
 * page_feed: the feeds, on WordPress's URLs: RSS 2.0 at .../feed/ and
 * .../feed/rss2/, Atom 1.0 (RFC 4287) at .../feed/atom/, of the home
 * page, a category, tag, author or date archive (the newest posts), of
 * the site's comments (/comments/feed/) and of one post's.  Only
 * approved comments, and names, never email addresses.  A post's full
 * text (the feed_full_text setting) is its page's body with every path
 * made absolute; its summary is text.  Every byte is written through
 * xml.c (libxml2's writer, which escapes it once); HTML carried inside
 * the XML is escaped by html.c first where it was text.  Ids are
 * WordPress's GUIDs, BASE/?p=ID (#comment-ID for a comment): stable
 * across edits, and they lead to the item.  The response is cached as
 * pages are (server.c), so writes invalidate it through the data
 * generation.
 */
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "body.h"
#include "buf.h"
#include "comment.h"
#include "comment_text.h"
#include "date.h"
#include "html.h"
#include "i18n.h"
#include "image.h"
#include "page.h"
#include "req.h"
#include "setting.h"
#include "store.h"
#include "url.h"
#include "xml.h"

#define RSS_TYPE	"application/rss+xml; charset=utf-8"
#define ATOM_TYPE	"application/atom+xml; charset=utf-8"

struct feed {
	struct req	*r;
	struct xml	 x;
	int		 atom;
	const char	*base;		/* base_url, no trailing slash */
	const char	*self;		/* this feed's absolute URL */
	int		 full;		/* full text, else summaries */
};

/* base followed by path, in r's arena. */
static const char *
absolute(struct feed *f, const char *path)
{
	return arena_printf(&f->r->arena, "%s%s", f->base, path);
}

/* Appends the URL u (len bytes) to out, base before a root path. */
static void
put_url(struct buf *out, const char *base, const char *u, size_t len)
{
	if (len > 0 && u[0] == '/' && (len == 1 || u[1] != '/'))
		buf_puts(out, base);
	buf_write(u, len, out);
}

/* Appends a srcset's value with each candidate's URL made absolute. */
static void
put_srcset(struct buf *out, const char *base, const char *v, size_t len)
{
	size_t	 i = 0, k;

	while (i < len) {
		for (; i < len && (v[i] == ' ' || v[i] == ','); i++)
			buf_putc(out, v[i]);
		for (k = i; k < len && v[k] != ' ' && v[k] != ','; k++)
			;
		put_url(out, base, v + i, k - i);
		for (i = k; i < len && v[i] != ','; i++)
			buf_putc(out, v[i]);
	}
}

/*
 * Appends the HTML html with every root-relative URL of an href, src,
 * srcset or poster attribute made absolute on base.  The HTML is our
 * renderer's (body.c, kses.c, picture.c), which quotes every value; a
 * quote inside text is &quot;, so an attribute is known by ` name="`.
 */
static void
absolutize(struct buf *out, const char *html, const char *base)
{
	static const char *const attrs[] = { " href=", " src=",
	    " srcset=", " poster=" };
	const char	*p = html, *best, *at, *v, *end;
	size_t		 i, n = 0;
	char		 q;

	for (;;) {
		best = NULL;
		for (i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++)
			if ((at = strstr(p, attrs[i])) != NULL &&
			    (best == NULL || at < best)) {
				best = at;
				n = strlen(attrs[i]);
			}
		if (best == NULL || (best[n] != '"' && best[n] != '\'') ||
		    (end = strchr(best + n + 1, best[n])) == NULL)
			break;
		q = best[n];
		v = best + n + 1;
		buf_write(p, (size_t)(v - p), out);
		if (n == strlen(" srcset="))
			put_srcset(out, base, v, (size_t)(end - v));
		else
			put_url(out, base, v, (size_t)(end - v));
		buf_putc(out, q);
		p = end + 1;
	}
	buf_puts(out, p);
}

/* <name type="kind">text</name>: Atom's text constructs. */
static void
atom_text(struct feed *f, const char *name, const char *kind,
    const char *text)
{
	xmlTextWriterStartElement(f->x.w, BAD_CAST name);
	xml_attr(&f->x, "type", kind);
	xmlTextWriterWriteString(f->x.w, BAD_CAST xml_clean(f->x.clean,
	    text));
	xmlTextWriterEndElement(f->x.w);
}

/* <link rel= type= href=/> (Atom's; RSS's atom:link self). */
static void
atom_link(struct feed *f, const char *el, const char *rel, const char *type,
    const char *href)
{
	xmlTextWriterStartElement(f->x.w, BAD_CAST el);
	xml_attr(&f->x, "rel", rel);
	xml_attr(&f->x, "type", type);
	xml_attr(&f->x, "href", href);
	xmlTextWriterEndElement(f->x.w);
}

/* An Atom person: <author><name>..</name><uri>..</uri></author>. */
static void
atom_author(struct feed *f, const char *name, const char *uri)
{
	xmlTextWriterStartElement(f->x.w, BAD_CAST "author");
	xml_el(&f->x, "name", name);
	if (uri != NULL)
		xml_el(&f->x, "uri", uri);
	xmlTextWriterEndElement(f->x.w);
}

/*
 * The feed's own elements: title, the page it is of (link, absolute),
 * its description and when it last changed.
 */
static void
feed_open(struct feed *f, const char *title, const char *link,
    const char *about, int64_t updated)
{
	const struct settings	*set = page_settings(f->r);
	struct arena		*a = &f->r->arena;

	if (f->atom) {
		xmlTextWriterStartElement(f->x.w, BAD_CAST "feed");
		xml_attr(&f->x, "xmlns", "http://www.w3.org/2005/Atom");
		xml_attr(&f->x, "xml:lang", i18n_tag(page_lang(f->r)));
		atom_text(f, "title", "text", title);
		atom_text(f, "subtitle", "text", about);
		xml_el(&f->x, "updated", xml_rfc3339(a, updated));
		atom_link(f, "link", "alternate", "text/html", link);
		xml_el(&f->x, "id", f->self);
		atom_link(f, "link", "self", "application/atom+xml", f->self);
		atom_author(f, set_text(set, SET_SITE_TITLE), absolute(f, "/"));
		xml_el(&f->x, "generator", "Galley");
		return;
	}
	xmlTextWriterStartElement(f->x.w, BAD_CAST "rss");
	xml_attr(&f->x, "version", "2.0");
	xml_attr(&f->x, "xmlns:content",
	    "http://purl.org/rss/1.0/modules/content/");
	xml_attr(&f->x, "xmlns:dc", "http://purl.org/dc/elements/1.1/");
	xml_attr(&f->x, "xmlns:atom", "http://www.w3.org/2005/Atom");
	xmlTextWriterStartElement(f->x.w, BAD_CAST "channel");
	xml_el(&f->x, "title", title);
	atom_link(f, "atom:link", "self", "application/rss+xml", f->self);
	xml_el(&f->x, "link", link);
	xml_el(&f->x, "description", about);
	xml_el(&f->x, "lastBuildDate", xml_rfc822(a, updated));
	xml_el(&f->x, "language", i18n_tag(page_lang(f->r)));
	xml_el(&f->x, "generator", "Galley");
}

/* A post's featured picture as an enclosure (RSS) or link (Atom). */
static void
enclosure(struct feed *f, const struct post *p)
{
	struct media	 m;
	struct buf	 b;
	const char	*ext, *len;

	if (p->featured_media == 0 || store_media_get(f->r->conn,
	    &f->r->arena, p->featured_media, &m) != STORE_OK ||
	    (ext = image_ext(m.mime)) == NULL)
		return;
	buf_init(&b);
	url_media(&b, m.hash, ext);
	len = arena_printf(&f->r->arena, "%lld", (long long)m.bytes);
	xmlTextWriterStartElement(f->x.w, BAD_CAST (f->atom ? "link" :
	    "enclosure"));
	if (f->atom)
		xml_attr(&f->x, "rel", "enclosure");
	xml_attr(&f->x, f->atom ? "href" : "url", absolute(f, b.data));
	xml_attr(&f->x, "length", len);
	xml_attr(&f->x, "type", m.mime);
	xmlTextWriterEndElement(f->x.w);
	buf_reset(&b);
}

/* A post's categories and tags, by name. */
static void
categories(struct feed *f, const struct post *p)
{
	struct term	*t;
	size_t		 i, n;

	if (store_post_terms(f->r->conn, &f->r->arena, p->id, &t, &n) !=
	    STORE_OK)
		return;
	for (i = 0; i < n; i++) {
		if (!f->atom) {
			xml_el(&f->x, "category", t[i].name);
			continue;
		}
		xmlTextWriterStartElement(f->x.w, BAD_CAST "category");
		xml_attr(&f->x, "scheme", absolute(f, strcmp(t[i].taxonomy,
		    "category") == 0 ? "/category/" : "/tag/"));
		xml_attr(&f->x, "term", t[i].name);
		xmlTextWriterEndElement(f->x.w);
	}
}

/* The summary of p, as text. */
static const char *
summary(struct feed *f, const struct post *p)
{
	enum body_format	 fmt;
	struct buf		 b;
	const char		*s = "";

	if (p->excerpt[0] != '\0')
		return p->excerpt;
	buf_init(&b);
	if (body_format_parse(p->format, &fmt) == 0) {
		body_excerpt(&b, p->body, strlen(p->body), fmt, p->filtered,
		    55);
		if (b.data != NULL)
			s = arena_strdup(&f->r->arena, b.data);
	}
	buf_reset(&b);
	return s;
}

/* p's body as its page shows it, every path absolute; in r's arena. */
static const char *
full_text(struct feed *f, const struct post *p)
{
	const struct picture	*featured;
	struct buf		 body, out;
	const char		*s;

	buf_init(&body);
	buf_init(&out);
	page_body(f->r, p, &body, &featured);
	absolutize(&out, body.data != NULL ? body.data : "", f->base);
	s = arena_strdup(&f->r->arena, out.data != NULL ? out.data : "");
	buf_reset(&body);
	buf_reset(&out);
	return s;
}

/*
 * One item or entry: its title (text), link, id, author, dates, the
 * summary (text; RSS's description is HTML, so escaped by html.c
 * first) and, when full, the HTML content.
 */
static void
item(struct feed *f, const char *title, const char *link, const char *id,
    const char *author, const char *author_uri, int64_t published,
    int64_t modified, const char *text, const char *html)
{
	struct arena	*a = &f->r->arena;
	struct buf	 b;

	if (f->atom) {
		xmlTextWriterStartElement(f->x.w, BAD_CAST "entry");
		atom_author(f, author, author_uri);
		atom_text(f, "title", "text", title);
		atom_link(f, "link", "alternate", "text/html", link);
		xml_el(&f->x, "id", id);
		xml_el(&f->x, "updated", xml_rfc3339(a, modified));
		xml_el(&f->x, "published", xml_rfc3339(a, published));
		atom_text(f, "summary", "text", text);
		if (html != NULL)
			atom_text(f, "content", "html", html);
		return;
	}
	xmlTextWriterStartElement(f->x.w, BAD_CAST "item");
	xml_el(&f->x, "title", title);
	xml_el(&f->x, "link", link);
	xml_el(&f->x, "dc:creator", author);
	xml_el(&f->x, "pubDate", xml_rfc822(a, published));
	xmlTextWriterStartElement(f->x.w, BAD_CAST "guid");
	xml_attr(&f->x, "isPermaLink", "false");
	xmlTextWriterWriteString(f->x.w, BAD_CAST xml_clean(f->x.clean, id));
	xmlTextWriterEndElement(f->x.w);
	buf_init(&b);
	html_text(&b, text, strlen(text));
	xml_el(&f->x, "description", b.data != NULL ? b.data : "");
	buf_reset(&b);
	if (html != NULL)
		xml_el(&f->x, "content:encoded", html);
}

static void
post_item(struct feed *f, const struct post *p)
{
	struct buf	 b;
	const char	*link, *author;

	buf_init(&b);
	url_post(&b, page_tz(f->r), p->published, p->slug);
	link = absolute(f, b.data);
	b.len = 0;
	url_author(&b, p->author_slug, 1);
	author = absolute(f, b.data);
	buf_reset(&b);
	item(f, p->title, link, absolute(f, arena_printf(&f->r->arena,
	    "/?p=%lld", (long long)p->id)), p->author_name, author,
	    p->published, p->modified, summary(f, p), f->full ?
	    full_text(f, p) : NULL);
	if (!f->atom)
		xml_el(&f->x, "comments", arena_printf(&f->r->arena,
		    "%s#comments", link));
	categories(f, p);
	enclosure(f, p);
	xmlTextWriterEndElement(f->x.w);
}

/* One comment: "By: NAME" (one post's) or "Comment on TITLE by NAME". */
static void
comment_item(struct feed *f, const struct comment *c, int one_post)
{
	struct arena	*a = &f->r->arena;
	struct env	 env = page_env(f->r);
	struct buf	 b, html;
	const char	*path, *text;

	buf_init(&b);
	if (strcmp(c->post_type, "page") == 0)
		url_page(&b, c->post_slug);
	else
		url_post(&b, page_tz(f->r), c->post_published,
		    c->post_slug);
	path = comment_path(&env, arena_strdup(a, b.data), c->post_id,
	    c->id);
	buf_reset(&b);
	buf_init(&html);
	comment_text_render(&html, c->content, strlen(c->content));
	absolutize(&b, html.data != NULL ? html.data : "", f->base);
	buf_reset(&html);
	text = c->content;	/* its Markdown source, as text */
	item(f, one_post ? arena_printf(a, i18n_get(page_lang(f->r),
	    "By: %s"), c->author) : arena_printf(a, i18n_get(page_lang(f->r),
	    "Comment on %s by %s"), c->post_title, c->author),
	    absolute(f, arena_printf(a, "%s#comment-%lld", path,
	    (long long)c->id)), absolute(f, arena_printf(a,
	    "/?p=%lld#comment-%lld", (long long)c->post_id,
	    (long long)c->id)), c->author, NULL, c->created, c->created,
	    text, b.data != NULL ? b.data : "");
	buf_reset(&b);
	xmlTextWriterEndElement(f->x.w);
}

/* The newest posts of the listing r->route names. */
static int
posts_feed(struct feed *f)
{
	struct req		*r = f->r;
	struct post_query	 q = { .type = "post" };
	struct archive_of	 of = { NULL, NULL, NULL };
	struct route		 page = r->route;
	struct post		*p;
	struct buf		 b;
	const char		*site = set_text(page_settings(r),
	    SET_SITE_TITLE), *title = site;
	int64_t			 total, updated = 0;
	size_t			 i, n;
	int			 rc;

	if (r->route.kind != ROUTE_HOME) {
		if ((rc = page_archive_of(r, &q, &of)) != STORE_OK)
			return rc;
		title = arena_printf(&r->arena, "%s \u00bb %s", site,
		    of.name);
	}
	if (q.now == 0 || q.now > r->now)
		q.now = r->now;
	q.limit = set_int(page_settings(r), SET_FEED_ITEMS);
	if ((rc = store_posts_list(r->conn, &r->arena, &q, &p, &n,
	    &total)) != STORE_OK)
		return rc;
	for (i = 0; i < n; i++)
		if (p[i].modified > updated)
			updated = p[i].modified;
	page.feed = FEED_NONE;
	buf_init(&b);
	url_route(&b, &page);
	feed_open(f, title, absolute(f, b.data), set_text(page_settings(r),
	    SET_SITE_TAGLINE), n > 0 ? updated : r->now);
	buf_reset(&b);
	for (i = 0; i < n; i++)
		post_item(f, &p[i]);
	return r->store_err != STORE_OK ? r->store_err : STORE_OK;
}

/*
 * 1 if the route's /YYYY/MM/ is p's month in zone z: the site's, or UTC
 * for a link made before the site had a zone.
 */
static int
month_of(struct req *r, const struct tz *z, const struct post *p)
{
	struct tm	 tm;

	date_local(p->published, z, &tm);
	return tm.tm_year + 1900 == r->route.year && tm.tm_mon + 1 ==
	    r->route.month;
}

/* The newest approved comments of the site, or of the post named. */
static int
comments_feed(struct feed *f)
{
	struct req	*r = f->r;
	struct comment	*c;
	struct post	 p = { .id = 0 };
	struct buf	 b;
	const char	*site = set_text(page_settings(r), SET_SITE_TITLE);
	size_t		 i, n;
	int		 rc;

	buf_init(&b);
	if (r->route.kind == ROUTE_POST) {
		rc = store_post_by_slug(r->conn, &r->arena, "post",
		    r->route.slug, &p);
		if (rc != STORE_OK)
			return rc;
		url_post(&b, page_tz(r), p.published, p.slug);
		/* Wrong month, or not published yet: no such post. */
		if (p.published > r->now || (!month_of(r, page_tz(r), &p) &&
		    !month_of(r, NULL, &p))) {
			buf_reset(&b);
			return STORE_NOTFOUND;
		}
	} else
		buf_puts(&b, "/");
	rc = store_comments_recent(r->conn, &r->arena, p.id, r->now,
	    set_int(page_settings(r), SET_FEED_ITEMS), &c, &n);
	if (rc == STORE_OK) {
		feed_open(f, p.id != 0 ? arena_printf(&r->arena,
		    i18n_get(page_lang(r), "Comments on: %s"), p.title) :
		    arena_printf(&r->arena, i18n_get(page_lang(r),
		    "Comments for %s"), site), absolute(f, b.data),
		    set_text(page_settings(r), SET_SITE_TAGLINE), n > 0 ?
		    c[0].created : p.id != 0 ? p.modified : r->now);
		for (i = 0; i < n; i++)
			comment_item(f, &c[i], p.id != 0);
	}
	buf_reset(&b);
	return rc;
}

int
page_feed(struct req *r)
{
	struct feed	 f = { .r = r, .atom = r->route.feed == FEED_ATOM };
	struct buf	 path, scratch;
	const char	*base = set_text(page_settings(r), SET_BASE_URL);
	size_t		 n = strlen(base);
	int		 rc;

	f.base = arena_strndup(&r->arena, base, n > 0 && base[n - 1] == '/' ?
	    n - 1 : n);
	f.full = set_bool(page_settings(r), SET_FEED_FULL_TEXT);
	buf_init(&path);
	url_route(&path, &r->route);
	f.self = absolute(&f, path.data);
	buf_reset(&path);
	buf_init(&scratch);
	buf_reset(&r->body);
	if (xml_begin(&f.x, &r->body, &scratch) == -1) {
		buf_reset(&scratch);
		return page_error(r, 500);
	}
	rc = r->route.kind == ROUTE_COMMENTS || r->route.kind == ROUTE_POST ?
	    comments_feed(&f) : posts_feed(&f);
	xml_end(&f.x);
	buf_reset(&scratch);
	if (rc != STORE_OK || r->body.err) {
		buf_reset(&r->body);
		return page_store_error(r, rc);
	}
	r->type = f.atom ? ATOM_TYPE : RSS_TYPE;
	return 200;
}
