/*
 * export: see export.h.  One function per record, each mapping a store
 * row to the shape of wxr.h's structs (the reader's), then writing it
 * with the elements WordPress's exporter writes, in its order.  Every
 * byte of data goes through xmlTextWriter: text escaped by it, bodies as
 * CDATA sections split where they hold "]]>" (as WordPress's
 * wxr_cdata does), and characters XML cannot hold replaced first.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <libxml/xmlwriter.h>

#include "arena.h"
#include "body.h"
#include "buf.h"
#include "date.h"
#include "export.h"
#include "image.h"
#include "setting.h"
#include "site.h"
#include "store.h"
#include "url.h"
#include "wxr.h"
#include "xml.h"

#define PAGE	200	/* rows read at a time */

struct ex {
	xmlTextWriterPtr	 w;
	struct store_conn	*c;
	struct arena		 run;	/* the whole export's */
	struct arena		 page;	/* the rows of one page */
	struct arena		 rec;	/* one record's strings */
	struct buf		 clean;	/* xml_clean's */
	const char		*base;	/* base_url, no trailing slash */
	const struct tz		*zone;	/* the site's, for permalinks */
	int64_t			 top;	/* media of ours: top + id */
	int64_t			 now;
	int			 rc;	/* the first store error */
};

/* <name>text</name>, text escaped by the writer. */
static void
el(struct ex *e, const char *name, const char *text)
{
	xmlTextWriterWriteElement(e->w, BAD_CAST name,
	    BAD_CAST xml_clean(&e->clean, text));
}

static void
el_int(struct ex *e, const char *name, int64_t v)
{
	xmlTextWriterWriteFormatElement(e->w, BAD_CAST name, "%lld",
	    (long long)v);
}

/* <name><![CDATA[text]]></name>, a "]]>" in text split over two. */
static void
el_cdata(struct ex *e, const char *name, const char *text)
{
	const char	*p = xml_clean(&e->clean, text), *end;
	char		*part;

	xmlTextWriterStartElement(e->w, BAD_CAST name);
	do {
		end = strstr(p, "]]>");
		/* "]]" ends one section, ">" starts the next. */
		part = arena_strndup(&e->rec, p, end != NULL ?
		    (size_t)(end - p) + 2 : strlen(p));
		xmlTextWriterWriteCDATA(e->w, BAD_CAST part);
		p = end != NULL ? end + 2 : NULL;
	} while (p != NULL);
	xmlTextWriterEndElement(e->w);
}

/*
 * "YYYY-MM-DD HH:MM:SS" in zone z, as WordPress writes its dates: each
 * twice, in the site's zone and in UTC (z NULL, the _gmt ones).
 */
static const char *
wp_date(struct ex *e, const struct tz *z, int64_t t)
{
	struct tm	 tm;

	date_local(t, z, &tm);
	return arena_printf(&e->rec, "%04d-%02d-%02d %02d:%02d:%02d",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec);
}

/* The absolute URL of one of our paths. */
static const char *
abs_url(struct ex *e, const char *path)
{
	return arena_printf(&e->rec, "%s%s", e->base, path);
}

static void
write_channel(struct ex *e, const struct wxr_channel *ch,
    const char *tagline)
{
	xmlTextWriterStartElement(e->w, BAD_CAST "channel");
	el(e, "title", ch->title);
	el(e, "link", ch->link);
	el(e, "description", tagline);
	el(e, "pubDate", xml_rfc822(&e->rec, e->now));
	el(e, "language", "en-US");
	el(e, "wp:wxr_version", ch->version);
	el(e, "wp:base_site_url", ch->base_site_url);
	el(e, "wp:base_blog_url", ch->base_blog_url);
}

static void
write_author(struct ex *e, const struct wxr_author *a)
{
	xmlTextWriterStartElement(e->w, BAD_CAST "wp:author");
	el_int(e, "wp:author_id", a->id);
	el_cdata(e, "wp:author_login", a->login);
	el_cdata(e, "wp:author_email", a->email);
	el_cdata(e, "wp:author_display_name", a->display_name);
	el_cdata(e, "wp:author_first_name", a->first_name);
	el_cdata(e, "wp:author_last_name", a->last_name);
	xmlTextWriterEndElement(e->w);
}

/* A category or tag, as wp:category or wp:tag. */
static void
write_term(struct ex *e, const struct wxr_term *t)
{
	int	 cat = strcmp(t->taxonomy, "category") == 0;

	xmlTextWriterStartElement(e->w, BAD_CAST (cat ? "wp:category" :
	    "wp:tag"));
	el_int(e, "wp:term_id", t->id);
	if (cat) {
		el_cdata(e, "wp:category_nicename", t->slug);
		el_cdata(e, "wp:category_parent", t->parent);
		el_cdata(e, "wp:cat_name", t->name);
		if (*t->description != '\0')
			el_cdata(e, "wp:category_description",
			    t->description);
	} else {
		el_cdata(e, "wp:tag_slug", t->slug);
		el_cdata(e, "wp:tag_name", t->name);
		if (*t->description != '\0')
			el_cdata(e, "wp:tag_description", t->description);
	}
	xmlTextWriterEndElement(e->w);
}

/* An item's fields up to its categories; the caller ends it. */
static void
write_item(struct ex *e, const struct wxr_item *it, int64_t when,
    int64_t modified)
{
	size_t	 i;

	xmlTextWriterStartElement(e->w, BAD_CAST "item");
	el(e, "title", it->title);
	el(e, "link", it->link);
	el(e, "pubDate", xml_rfc822(&e->rec, when));
	el_cdata(e, "dc:creator", it->creator);
	xmlTextWriterStartElement(e->w, BAD_CAST "guid");
	xmlTextWriterWriteAttribute(e->w, BAD_CAST "isPermaLink",
	    BAD_CAST "false");
	xmlTextWriterWriteString(e->w, BAD_CAST xml_clean(&e->clean,
	    it->guid));
	xmlTextWriterEndElement(e->w);
	el(e, "description", "");
	el_cdata(e, "content:encoded", it->content);
	el_cdata(e, "excerpt:encoded", it->excerpt);
	el_int(e, "wp:post_id", it->id);
	el_cdata(e, "wp:post_date", it->date);
	el_cdata(e, "wp:post_date_gmt", it->date_gmt);
	el_cdata(e, "wp:post_modified", wp_date(e, e->zone, modified));
	el_cdata(e, "wp:post_modified_gmt", wp_date(e, NULL, modified));
	el_cdata(e, "wp:comment_status", it->comment_status);
	el_cdata(e, "wp:ping_status", "closed");
	el_cdata(e, "wp:post_name", it->name);
	el_cdata(e, "wp:status", it->status);
	el_int(e, "wp:post_parent", it->parent);
	el_int(e, "wp:menu_order", it->menu_order);
	el_cdata(e, "wp:post_type", it->type);
	el_cdata(e, "wp:post_password", it->password);
	el_int(e, "wp:is_sticky", it->sticky);
	if (*it->attachment_url != '\0')
		el_cdata(e, "wp:attachment_url", it->attachment_url);
	for (i = 0; i < it->ncats; i++) {
		xmlTextWriterStartElement(e->w, BAD_CAST "category");
		xmlTextWriterWriteAttribute(e->w, BAD_CAST "domain", BAD_CAST
		    it->cats[i].domain);
		xmlTextWriterWriteAttribute(e->w, BAD_CAST "nicename", BAD_CAST
		    xml_clean(&e->clean, it->cats[i].nicename));
		xmlTextWriterWriteCDATA(e->w, BAD_CAST xml_clean(&e->clean,
		    it->cats[i].name));
		xmlTextWriterEndElement(e->w);
	}
}

static void
write_meta(struct ex *e, const char *key, const char *value)
{
	xmlTextWriterStartElement(e->w, BAD_CAST "wp:postmeta");
	el_cdata(e, "wp:meta_key", key);
	el_cdata(e, "wp:meta_value", value);
	xmlTextWriterEndElement(e->w);
}

static void
write_comment(struct ex *e, const struct wxr_comment *c)
{
	xmlTextWriterStartElement(e->w, BAD_CAST "wp:comment");
	el_int(e, "wp:comment_id", c->id);
	el_cdata(e, "wp:comment_author", c->author);
	el_cdata(e, "wp:comment_author_email", c->email);
	el(e, "wp:comment_author_url", c->url);
	el_cdata(e, "wp:comment_author_IP", c->ip);
	el_cdata(e, "wp:comment_date", c->date);
	el_cdata(e, "wp:comment_date_gmt", c->date_gmt);
	el_cdata(e, "wp:comment_content", c->content);
	el_cdata(e, "wp:comment_approved", c->approved);
	el_cdata(e, "wp:comment_type", c->type);
	el_int(e, "wp:comment_parent", c->parent);
	el_int(e, "wp:comment_user_id", c->user_id);
	xmlTextWriterEndElement(e->w);
}

/*
 * The id a row shows in the export: WordPress's, where it came from an
 * import and no other row could show the same; else our own.
 */
static int64_t
xid(struct ex *e, const char *kind, int64_t ours, int64_t old)
{
	int	 ok = 0, rc;

	if (old <= 0 || old == ours)
		return ours;
	if ((rc = store_export_id_free(e->c, kind, old, &ok)) != STORE_OK &&
	    e->rc == STORE_OK)
		e->rc = rc;
	return ok ? old : ours;
}

/* The old paths of a post or media item, as postmeta. */
static void
write_redirects(struct ex *e, int64_t post, int64_t media)
{
	char	**paths;
	size_t	  n, i;
	int	  rc;

	if ((rc = store_export_redirects(e->c, &e->rec, post, media, &paths,
	    &n)) != STORE_OK) {
		e->rc = rc;
		return;
	}
	for (i = 0; i < n; i++)
		write_meta(e, EXPORT_META_REDIRECT, paths[i]);
}

static int
authors(struct ex *e)
{
	struct export_user	*u;
	struct wxr_author	 a;
	int64_t			 after = 0;
	size_t			 n, i;
	int			 rc;

	do {
		if ((rc = store_export_users(e->c, &e->page, after, PAGE, &u,
		    &n)) != STORE_OK)
			return rc;
		for (i = 0; i < n; i++) {
			memset(&a, 0, sizeof(a));
			a.id = u[i].u.id;
			a.login = u[i].login;
			a.email = u[i].u.email;
			a.display_name = u[i].u.name;
			a.first_name = a.last_name = "";
			write_author(e, &a);
			after = u[i].u.id;
		}
		arena_free(&e->page);
		arena_free(&e->rec);
	} while (n == PAGE);
	return STORE_OK;
}

static int
terms(struct ex *e)
{
	struct export_term	*t;
	struct wxr_term		 wt;
	int64_t			 depth = -1, after = 0;
	size_t			 n, i;
	int			 rc;

	do {
		if ((rc = store_export_terms(e->c, &e->page, depth, after,
		    PAGE, &t, &n)) != STORE_OK)
			return rc;
		for (i = 0; i < n; i++) {
			memset(&wt, 0, sizeof(wt));
			wt.id = xid(e, "term", t[i].t.id, t[i].old_id);
			wt.taxonomy = t[i].t.taxonomy;
			wt.slug = t[i].t.slug;
			wt.name = t[i].t.name;
			wt.parent = t[i].parent_slug;
			wt.description = t[i].t.description;
			write_term(e, &wt);
			depth = t[i].depth;
			after = t[i].t.id;
		}
		arena_free(&e->page);
		arena_free(&e->rec);
	} while (n == PAGE && e->rc == STORE_OK);
	return e->rc;
}

static const char *
approved(const char *status)
{
	if (strcmp(status, "approved") == 0)
		return "1";
	if (strcmp(status, "pending") == 0)
		return "0";
	return status;	/* spam, trash: WordPress's words too */
}

/* Every comment of post, oldest id first, a page at a time. */
static int
comments(struct ex *e, int64_t post)
{
	struct export_comment	*c;
	struct wxr_comment	 wc;
	struct arena		 pg;
	int64_t			 after = 0;
	size_t			 n, i;
	int			 rc;

	arena_init(&pg);
	do {
		if ((rc = store_export_comments(e->c, &pg, post, after, PAGE,
		    &c, &n)) != STORE_OK)
			break;
		for (i = 0; i < n; i++) {
			memset(&wc, 0, sizeof(wc));
			wc.id = xid(e, "comment", c[i].c.id, c[i].old_id);
			wc.parent = c[i].c.parent_id == 0 ? 0 : xid(e,
			    "comment", c[i].c.parent_id, c[i].parent_old);
			wc.user_id = c[i].user_id;
			wc.author = c[i].c.author;
			wc.email = c[i].c.email;
			wc.url = c[i].c.url;
			wc.ip = "";	/* we keep only a keyed hash */
			wc.date = wp_date(e, e->zone, c[i].c.created);
			wc.date_gmt = wp_date(e, NULL, c[i].c.created);
			wc.content = c[i].c.content;
			wc.approved = approved(c[i].c.status);
			wc.type = "comment";
			write_comment(e, &wc);
			arena_free(&e->rec);
			after = c[i].c.id;
		}
		arena_free(&pg);
	} while (n == PAGE && e->rc == STORE_OK);
	arena_free(&pg);
	return rc != STORE_OK ? rc : e->rc;
}

/* A post's categories and tags, as an item's <category> elements. */
static int
item_cats(struct ex *e, int64_t post, struct wxr_item *it)
{
	struct term	*t;
	struct wxr_cat	*c;
	size_t		 n, i;
	int		 rc;

	if ((rc = store_export_post_terms(e->c, &e->rec, post, &t, &n)) !=
	    STORE_OK)
		return rc;
	c = arena_alloc(&e->rec, (n + 1) * sizeof(*c));
	for (i = 0; i < n; i++) {
		c[i].domain = strcmp(t[i].taxonomy, "tag") == 0 ? "post_tag" :
		    "category";
		c[i].nicename = t[i].slug;
		c[i].name = t[i].name;
	}
	it->cats = c;
	it->ncats = n;
	return STORE_OK;
}

static const char *
post_status(const struct ex *e, const struct post *p)
{
	/* A post published later is WordPress's scheduled one. */
	if (strcmp(p->status, "publish") == 0 && p->published > e->now)
		return "future";
	return p->status;
}

/* A Markdown body as the HTML WordPress keeps. */
static const char *
post_html(struct ex *e, const struct post *p)
{
	struct buf	 b;
	const char	*html;

	if (strcmp(p->format, "markdown") != 0)
		return p->body;
	buf_init(&b);
	body_render(&b, p->body, strlen(p->body), BODY_MARKDOWN, 0);
	html = arena_strdup(&e->rec, b.data != NULL ? b.data : "");
	buf_reset(&b);
	return html;
}

static int
one_post(struct ex *e, const struct export_post *ep)
{
	const struct post	*p = &ep->p;
	struct wxr_item		 it;
	struct buf		 path;
	int			 rc;

	memset(&it, 0, sizeof(it));
	it.id = xid(e, "post", p->id, ep->old_id);
	it.parent = p->parent_id == 0 ? 0 : xid(e, "post", p->parent_id,
	    ep->parent_old);
	it.sticky = p->sticky;
	it.title = p->title;
	buf_init(&path);
	if (strcmp(p->type, "page") == 0)
		url_page(&path, p->slug);
	else
		url_post(&path, e->zone, p->published, p->slug);
	it.link = abs_url(e, path.data);
	buf_reset(&path);
	/*
	 * WordPress's own GUIDs are ?p=ID, and not permalinks; an item
	 * imported without one (keyed "id:N") is written without one.
	 */
	if (strncmp(ep->guid, "id:", 3) == 0)
		it.guid = "";
	else
		it.guid = *ep->guid != '\0' ? ep->guid : abs_url(e,
		    arena_printf(&e->rec, "/?p=%lld", (long long)it.id));
	it.creator = ep->login;
	it.content = post_html(e, p);
	it.excerpt = p->excerpt;
	it.date = wp_date(e, e->zone, p->published);
	it.date_gmt = wp_date(e, NULL, p->published);
	it.comment_status = p->comments_open ? "open" : "closed";
	it.name = p->slug;
	it.status = post_status(e, p);
	it.type = p->type;
	it.password = it.attachment_url = "";
	if ((rc = item_cats(e, p->id, &it)) != STORE_OK)
		return rc;
	write_item(e, &it, p->published, p->modified);
	write_redirects(e, p->id, 0);
	if ((rc = comments(e, p->id)) != STORE_OK)
		return rc;
	xmlTextWriterEndElement(e->w);
	arena_free(&e->rec);
	return e->rc;
}

static int
posts(struct ex *e)
{
	struct export_post	*p;
	int64_t			 after = 0;
	size_t			 n, i;
	int			 rc;

	do {
		if ((rc = store_export_posts(e->c, &e->page, after, PAGE, &p,
		    &n)) != STORE_OK)
			return rc;
		for (i = 0; i < n; i++) {
			if ((rc = one_post(e, &p[i])) != STORE_OK)
				return rc;
			after = p[i].p.id;
		}
		arena_free(&e->page);
	} while (n == PAGE);
	return STORE_OK;
}

/* A media item as an attachment: its display copy's absolute URL. */
static void
one_media(struct ex *e, const struct export_media *m)
{
	struct wxr_item	 it;
	struct buf	 path;
	const char	*ext = image_ext(m->m.mime);

	memset(&it, 0, sizeof(it));
	it.id = m->old_id > 0 ? xid(e, "media", 0, m->old_id) : 0;
	if (it.id == 0)
		it.id = e->top + m->m.id;
	buf_init(&path);
	url_media(&path, m->m.hash, ext != NULL ? ext : "jpg");
	it.attachment_url = abs_url(e, path.data);
	buf_reset(&path);
	it.link = it.attachment_url;
	it.guid = strncmp(m->guid, "id:", 3) == 0 ? "" : *m->guid != '\0' ?
	    m->guid : it.attachment_url;
	it.title = *m->m.alt != '\0' ? m->m.alt : m->m.hash;
	it.creator = it.content = it.password = "";
	it.excerpt = m->m.alt;
	it.date = wp_date(e, e->zone, m->m.created);
	it.date_gmt = wp_date(e, NULL, m->m.created);
	it.comment_status = "closed";
	it.name = m->m.hash;
	it.status = "inherit";
	it.type = "attachment";
	it.parent = m->post_id == 0 ? 0 : xid(e, "post", m->post_id,
	    m->post_old);
	it.menu_order = m->menu_order;
	write_item(e, &it, m->m.created, m->m.created);
	write_redirects(e, 0, m->m.id);
	xmlTextWriterEndElement(e->w);
	arena_free(&e->rec);
}

static int
media(struct ex *e)
{
	struct export_media	*m;
	int64_t			 after = 0;
	size_t			 n, i;
	int			 rc;

	if ((rc = store_export_top(e->c, &e->top)) != STORE_OK)
		return rc;
	do {
		if ((rc = store_export_media(e->c, &e->page, after, PAGE, &m,
		    &n)) != STORE_OK)
			return rc;
		for (i = 0; i < n; i++) {
			one_media(e, &m[i]);
			after = m[i].m.id;
		}
		arena_free(&e->page);
	} while (n == PAGE && e->rc == STORE_OK);
	return e->rc;
}

/* Where libxml2's output goes: the caller's writer. */
struct sink {
	void	(*out)(const char *, size_t, void *);
	void	*arg;
};

static int
sink_write(void *ctx, const char *data, int len)
{
	struct sink	*k = ctx;

	if (len > 0)
		k->out(data, (size_t)len, k->arg);
	return len;
}

static int
sink_close(void *ctx)
{
	(void)ctx;
	return 0;
}

/* The channel as wxr.h says it, from the site's settings. */
static int
channel(struct ex *e, const struct site *s)
{
	const struct settings	*set;
	struct wxr_channel	 ch;
	struct arena		 a;
	int64_t			 gen = 0;
	size_t			 len;
	int			 rc;

	arena_init(&a);
	if ((rc = store_generation(e->c, &gen)) == STORE_OK)
		rc = settings_get(s->settings, e->c, gen, &a, &set);
	if (rc != STORE_OK) {
		arena_free(&a);
		return rc;
	}
	e->base = arena_strdup(&e->run, set_text(set, SET_BASE_URL));
	e->zone = site_zone(s, set);
	len = strlen(e->base);
	if (len > 0 && e->base[len - 1] == '/')
		((char *)e->base)[len - 1] = '\0';
	memset(&ch, 0, sizeof(ch));
	ch.version = "1.2";
	ch.title = set_text(set, SET_SITE_TITLE);
	ch.link = ch.base_site_url = ch.base_blog_url = e->base;
	xmlTextWriterStartDocument(e->w, "1.0", "UTF-8", NULL);
	xmlTextWriterWriteComment(e->w, BAD_CAST " This is a WordPress"
	    " eXtended RSS file generated by Galley as an export of your"
	    " site. ");
	xmlTextWriterStartElement(e->w, BAD_CAST "rss");
	xmlTextWriterWriteAttribute(e->w, BAD_CAST "version", BAD_CAST "2.0");
	xmlTextWriterWriteAttribute(e->w, BAD_CAST "xmlns:excerpt", BAD_CAST
	    "http://wordpress.org/export/1.2/excerpt/");
	xmlTextWriterWriteAttribute(e->w, BAD_CAST "xmlns:content", BAD_CAST
	    "http://purl.org/rss/1.0/modules/content/");
	xmlTextWriterWriteAttribute(e->w, BAD_CAST "xmlns:wfw", BAD_CAST
	    "http://wellformedweb.org/CommentAPI/");
	xmlTextWriterWriteAttribute(e->w, BAD_CAST "xmlns:dc", BAD_CAST
	    "http://purl.org/dc/elements/1.1/");
	xmlTextWriterWriteAttribute(e->w, BAD_CAST "xmlns:wp", BAD_CAST
	    "http://wordpress.org/export/1.2/");
	write_channel(e, &ch, set_text(set, SET_SITE_TAGLINE));
	el(e, "generator", "Galley");
	arena_free(&a);
	return STORE_OK;
}

int
export_run(const struct site *s, struct store_conn *c,
    void (*out)(const char *, size_t, void *), void *arg, char *err,
    size_t errlen)
{
	struct sink		 k = { out, arg };
	xmlOutputBufferPtr	 ob;
	struct ex		 e;
	int			 rc;

	memset(&e, 0, sizeof(e));
	e.c = c;
	e.now = (int64_t)time(NULL);
	arena_init(&e.run);
	arena_init(&e.page);
	arena_init(&e.rec);
	buf_init(&e.clean);
	ob = xmlOutputBufferCreateIO(sink_write, sink_close, &k, NULL);
	if (ob == NULL || (e.w = xmlNewTextWriter(ob)) == NULL) {
		snprintf(err, errlen, "libxml2 could not make a writer");
		return -1;
	}
	xmlTextWriterSetIndent(e.w, 1);
	xmlTextWriterSetIndentString(e.w, BAD_CAST "\t");
	store_read_begin(c);
	if ((rc = channel(&e, s)) == STORE_OK && (rc = authors(&e)) ==
	    STORE_OK && (rc = terms(&e)) == STORE_OK && (rc = posts(&e)) ==
	    STORE_OK)
		rc = media(&e);
	store_read_end(c);
	if (rc == STORE_OK)
		xmlTextWriterEndDocument(e.w);	/* channel, rss */
	xmlFreeTextWriter(e.w);	/* flushes and frees ob */
	arena_free(&e.run);
	arena_free(&e.page);
	arena_free(&e.rec);
	buf_reset(&e.clean);
	if (rc != STORE_OK) {
		snprintf(err, errlen, "reading the site: %s",
		    store_rc_name(rc));
		return -1;
	}
	return 0;
}
