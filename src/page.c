/*
 * page: what every page handler shares (see page.h): the site-wide part of
 * the view, two-pass rendering (the page's template, then the layout
 * around it), dates, settings and post summaries for listings.
 */
#include <stdalign.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "arena.h"
#include "date.h"
#include "body.h"
#include "buf.h"
#include "html.h"
#include "image.h"
#include "i18n.h"
#include "picture.h"
#include "po.h"
#include "page.h"
#include "req.h"
#include "setting.h"
#include "shortcode.h"
#include "site.h"
#include "store.h"
#include "theme.h"
#include "url.h"

/*
 * Views are jansson trees of a few thousand small values, built and freed
 * in one request.  While a page renders (page_view_arena) they come from
 * the request's arena and their frees cost nothing; anywhere else from
 * malloc.  Each block carries one header byte that says which, so a value
 * made outside a bound stretch is still freed rightly inside one.
 */
#define VIEW_HDR	alignof(max_align_t)

static _Thread_local struct arena *view_arena;

static void *
view_malloc(size_t n)
{
	unsigned char	*p;

	if (n > SIZE_MAX - VIEW_HDR)
		return NULL;
	if (view_arena != NULL) {
		p = arena_alloc(view_arena, n + VIEW_HDR);
		p[0] = 1;
	} else {
		if ((p = malloc(n + VIEW_HDR)) == NULL)
			return NULL;
		p[0] = 0;
	}
	return p + VIEW_HDR;
}

static void
view_free(void *v)
{
	unsigned char	*p = v;

	if (p != NULL && p[-(ptrdiff_t)VIEW_HDR] == 0)
		free(p - VIEW_HDR);
}

void
page_view_init(void)
{
	json_set_alloc_funcs(view_malloc, view_free);
}

void
page_view_arena(struct arena *a)
{
	view_arena = a;
}

/*
 * Lets go of a view once rendered.  Made inside a bound stretch, its
 * every value is in the arena (nothing takes a second reference to a
 * value: views are built with the _new calls alone), so walking the
 * tree to free it would only visit a few thousand blocks the arena
 * frees at once with the request.
 */
static void
view_drop(json_t *view)
{
	if (view_arena == NULL)
		json_decref(view);
}

void
view_str(json_t *o, const char *key, const char *s)
{
	if (s == NULL)
		s = "";
	/* Page data is UTF-8 checked where it enters; skip a second scan. */
	json_object_set_new(o, key, json_stringn_nocheck(s, strlen(s)));
}

void
view_int(json_t *o, const char *key, int64_t v)
{
	json_object_set_new(o, key, json_integer(v));
}

const struct tz *
page_tz(struct req *r)
{
	return site_zone(r->site, page_settings(r));
}

const struct date_names *
page_date_names(struct req *r)
{
	return i18n_date_names(page_lang(r));
}

/*
 * The date_format or time_format setting k; left at its default, the
 * language's own (as WordPress's translators translate "F j, Y"), so a
 * Russian site shows "6 декабря 2026" until its editor picks a format.
 */
static const char *
page_format(struct req *r, enum set_key k)
{
	const char	*fmt = set_text(page_settings(r), k);

	if (strcmp(fmt, settings[k].dflt) != 0)
		return fmt;
	return k == SET_DATE_FORMAT ? i18n_pget(page_lang(r), "date format",
	    "F j, Y") : i18n_pget(page_lang(r), "time format", "g:i a");
}

/* t written by the date letters fmt, in r's arena. */
static const char *
date_in(struct req *r, const char *fmt, int64_t t)
{
	struct buf	 b;
	const char	*s;

	buf_init(&b);
	date_format(&b, fmt, t, page_tz(r), page_date_names(r));
	s = arena_strdup(&r->arena, b.data != NULL ? b.data : "");
	buf_reset(&b);
	return s;
}

const char *
page_iso_date(struct req *r, int64_t t)
{
	return date_in(r, "Y-m-d\\TH:i:sp", t);
}

const char *
page_human_date(struct req *r, int64_t t)
{
	return date_in(r, page_format(r, SET_DATE_FORMAT), t);
}

const char *
page_human_time(struct req *r, int64_t t)
{
	return date_in(r, page_format(r, SET_TIME_FORMAT), t);
}

enum lang
page_lang(struct req *r)
{
	return i18n_lang(set_text(page_settings(r), SET_LANGUAGE));
}

const char *
page_tr(struct req *r, const char *msgid)
{
	return i18n_get(page_lang(r), msgid);
}

const struct settings *
page_settings(struct req *r)
{
	int	 rc;

	if (r->set != NULL)
		return r->set;
	/*
	 * A job (a POST, an admin page, a chore) asks the database, not
	 * the watcher's hint: a setting just changed on another node or by
	 * the CLI (a tighter flood limit, a new page size) holds for the
	 * next write at once, not a notification later.
	 */
	if (!r->gen_known && !r->fresh)
		r->gen_known = store_generation_hint(r->site->store, &r->gen);
	if (!r->gen_known && r->conn != NULL &&
	    store_generation(r->conn, &r->gen) == STORE_OK)
		r->gen_known = 1;
	rc = settings_get(r->site->settings, r->gen_known ? r->conn : NULL,
	    r->gen, &r->arena, &r->set);
	if (rc != STORE_OK)
		r->store_err = rc;
	return r->set;
}

struct env
page_env(struct req *r)
{
	struct env	 e = { r->site, r->conn, &r->arena, page_settings(r),
	    r->now };

	return e;
}

const char *
page_cookie(struct req *r, const char *name, const char *value,
    int64_t max_age, int httponly)
{
	return arena_printf(&r->arena, "%s=%s; Max-Age=%lld; Path=/;%s"
	    " SameSite=Lax%s", name, value, (long long)max_age, httponly ?
	    " HttpOnly;" : "", r->https ? "; Secure" : "");
}

/* What galley.js writes itself, by its English text. */
static const struct js_msg js_text[] = { { .one = N_("You liked this.") },
    { .one = N_("You disliked this.") }, { .one = N_("You rated %s.") },
    { .one = N_("Thank you for rating.") }, { .one = N_("YouTube video") } };

/* One entry of page_js_text's object: "msgid":"text" or its forms. */
static void
js_entry(struct buf *b, enum lang lang, const struct js_msg *m)
{
	const struct po	*po = i18n_po(lang);
	const char	*s;
	int		 k, n = po_nplurals(po);

	html_json(b, m->one, strlen(m->one));
	buf_putc(b, ':');
	if (m->many == NULL) {
		s = i18n_get(lang, m->one);
		html_json(b, s, strlen(s));
		return;
	}
	buf_putc(b, '[');
	for (k = 0; k < n; k++) {
		if ((s = po_form(po, NULL, m->one, k)) == NULL)
			s = k == 0 ? m->one : m->many;
		if (k > 0)
			buf_putc(b, ',');
		html_json(b, s, strlen(s));
	}
	buf_putc(b, ']');
}

const char *
page_js_text(struct req *r, const struct js_msg *more, size_t nmore)
{
	const struct js_msg	*m;
	enum lang		 lang = page_lang(r);
	struct buf		 b;
	const char		*s;
	size_t			 i, n = sizeof(js_text) / sizeof(js_text[0]);
	int			 forms = 0;

	if (lang == LANG_EN)
		return NULL;
	buf_init(&b);
	buf_putc(&b, '{');
	for (i = 0; i < n + nmore; i++) {
		m = i < n ? &js_text[i] : &more[i - n];
		forms |= m->many != NULL;
		if (i > 0)
			buf_putc(&b, ',');
		js_entry(&b, lang, m);
	}
	/*
	 * The form each count takes, as digits for 0..199; a count past
	 * that takes 100 + its last two digits' (every Plural-Forms gettext
	 * lists repeats so), so the script needs no expression of its own.
	 */
	if (forms) {
		buf_puts(&b, ",\"%plural\":\"");
		for (i = 0; i < 200; i++)
			buf_putc(&b, '0' + po_plural(i18n_po(lang), i));
		buf_putc(&b, '"');
	}
	buf_putc(&b, '}');
	s = arena_strdup(&r->arena, b.data);
	buf_reset(&b);
	return s;
}

struct theme *
page_theme(struct req *r)
{
	if (r->theme == NULL)
		r->theme = theme_take(r->site->theme);
	return r->theme;
}

json_t *
page_view(struct req *r)
{
	return page_view_js(r, NULL, 0);
}

json_t *
page_view_js(struct req *r, const struct js_msg *more, size_t nmore)
{
	json_t		*view = json_object(), *site = json_object();
	const char	*base = set_text(page_settings(r), SET_BASE_URL);
	size_t		 n = strlen(base);
	struct tm	 tm;
	const char	*js;

	date_local(r->now, page_tz(r), &tm);
	view_str(site, "title", set_text(page_settings(r), SET_SITE_TITLE));
	view_str(site, "tagline", set_text(page_settings(r), SET_SITE_TAGLINE));
	/* base_url without a trailing slash: paths are appended to it. */
	json_object_set_new(site, "base_url", json_stringn_nocheck(base,
	    n > 0 && base[n - 1] == '/' ? n - 1 : n));
	view_str(site, "css", theme_asset_url(page_theme(r), "style.css"));
	view_str(site, "js", theme_asset_url(page_theme(r), "galley.js"));
	view_str(site, "privacy_url", "/privacy/");
	view_str(site, "lang", i18n_code(page_lang(r)));
	if ((js = page_js_text(r, more, nmore)) != NULL)
		view_str(site, "js_text", js);
	view_int(site, "year", tm.tm_year + 1900);
	view_str(site, "footer_text", set_text(page_settings(r),
	    SET_FOOTER_TEXT));
	page_appearance(r, site);
	json_object_set_new(view, "site", site);
	json_object_set_new(view, "head", json_object());
	view_feed_link(r, view, arena_printf(&r->arena, i18n_get(page_lang(r),
	    "%s \u00bb Feed"), set_text(page_settings(r), SET_SITE_TITLE)),
	    &(struct route){ .kind = ROUTE_HOME, .page = 1, .feed = FEED_RSS });
	view_feed_link(r, view, arena_printf(&r->arena, i18n_get(page_lang(r),
	    "%s \u00bb Comments Feed"), set_text(page_settings(r),
	    SET_SITE_TITLE)),
	    &(struct route){ .kind = ROUTE_COMMENTS, .page = 1,
	    .feed = FEED_RSS });
	return view;
}

void
view_feed_link(struct req *r, json_t *view, const char *title,
    const struct route *rt)
{
	json_t		*head = json_object_get(view, "head");
	json_t		*feeds = json_object_get(head, "feeds"), *o;
	struct buf	 b;

	if (feeds == NULL) {
		feeds = json_array();
		json_object_set_new(head, "feeds", feeds);
	}
	buf_init(&b);
	url_route(&b, rt);
	o = json_object();
	view_str(o, "title", title);
	view_str(o, "url", arena_strdup(&r->arena, b.data));
	view_str(o, "type", rt->feed == FEED_ATOM ? "application/atom+xml" :
	    "application/rss+xml");
	json_array_append_new(feeds, o);
	buf_reset(&b);
}

int
page_render(struct req *r, const char *tmpl, json_t *view, int status)
{
	int	 rc;

	if (r->store_err != STORE_OK) {
		json_decref(view);
		return page_error(r, r->store_err == STORE_DOWN ||
		    r->store_err == STORE_RETRY || r->store_err == STORE_FULL ?
		    503 : 500);
	}
	/* admin_view's pages have the admin's layout, not the reader's. */
	rc = theme_render_in(page_theme(r), page_lang(r), json_object_get(view,
	    "admin") != NULL ? "admin-layout" : "layout", tmpl, view,
	    &r->body);
	view_drop(view);
	if (rc != 0 || r->body.err) {
		buf_reset(&r->body);
		buf_puts(&r->body, "<!doctype html><title>Error</title>"
		    "<p>This page could not be rendered.</p>\n");
		return 500;
	}
	return status;
}

void
view_comment_picture(json_t *o, const struct comment *c)
{
	view_str(o, "image", c->image != NULL ? c->image : "");
	view_str(o, "image_ext", c->image_ext != NULL && *c->image_ext != '\0' ?
	    c->image_ext : "jpg");
	view_str(o, "thumb", c->thumb != NULL ? c->thumb : "");
	view_int(o, "thumb_w", c->thumb_w);
	view_int(o, "thumb_h", c->thumb_h);
}

json_t *
view_post_summary(struct req *r, const struct post *p)
{
	json_t			*o = json_object();
	struct buf		 b;
	enum body_format	 fmt;

	buf_init(&b);
	view_str(o, "title", p->title);
	url_post(&b, page_tz(r), p->published, p->slug);
	view_str(o, "url", b.data);
	buf_reset(&b);
	view_str(o, "date", page_human_date(r, p->published));
	view_str(o, "date_iso", page_iso_date(r, p->published));
	view_str(o, "author", p->author_name);
	url_author(&b, p->author_slug, 1);
	view_str(o, "author_url", b.data);
	buf_reset(&b);
	if (p->excerpt[0] != '\0')
		view_str(o, "excerpt", p->excerpt);
	else if (body_format_parse(p->format, &fmt) == 0) {
		body_excerpt(&b, p->body, strlen(p->body), fmt, p->filtered,
		    55);
		view_str(o, "excerpt", b.data);
		buf_reset(&b);
	}
	view_int(o, "comment_count", p->comment_count);
	return o;
}

json_t *
view_picture(struct req *r, const struct picture *m, const char *alt,
    int slot, const char *sizes, int eager)
{
	json_t			*o = json_object();
	const struct media_size	*f = slot > 0 ? picture_pick(m, slot) :
	    m->display;
	const char		*ext = image_ext(f->mime);
	struct buf		 b;

	buf_init(&b);
	url_media(&b, f->hash, ext != NULL ? ext : "jpg");
	view_str(o, "src", b.data);
	b.len = 0;
	picture_srcset(&b, m, 0);
	view_str(o, "srcset", arena_strndup(&r->arena, b.data, b.len));
	b.len = 0;
	if (picture_srcset(&b, m, 1) > 0)
		view_str(o, "webp_srcset", arena_strndup(&r->arena, b.data,
		    b.len));
	b.len = 0;
	if (sizes == NULL)
		picture_sizes(&b, m->display->width);
	view_str(o, "sizes", sizes != NULL ? sizes :
	    arena_strndup(&r->arena, b.data, b.len));
	buf_reset(&b);
	view_int(o, "width", f->width);
	view_int(o, "height", f->height);
	view_str(o, "alt", alt);
	json_object_set_new(o, "eager", json_boolean(eager));
	return o;
}

/*
 * What [gallery] may show of items[0..n): each one's display file, and
 * its place among the post's attached pictures att[0..natt).
 */
static struct shortcode_image *
gallery_images(struct req *r, const struct picture *items, size_t n,
    const int64_t *att, size_t natt)
{
	struct shortcode_image	*img = arena_alloc(&r->arena,
	    (n > 0 ? n : 1) * sizeof(*img));
	const char		*ext;
	struct buf		 b;
	size_t			 i, k;

	buf_init(&b);
	for (i = 0; i < n; i++) {
		ext = image_ext(items[i].display->mime);
		b.len = 0;
		url_media(&b, items[i].display->hash, ext != NULL ? ext :
		    "jpg");
		img[i].old_id = items[i].file[0].old_id;
		img[i].id = items[i].id;
		img[i].src = arena_strndup(&r->arena, b.data, b.len);
		img[i].width = items[i].display->width;
		img[i].height = items[i].display->height;
		for (k = 0; k < natt && att[k] != items[i].id; k++)
			;
		img[i].attached = k < natt ? (int)k + 1 : 0;
	}
	buf_reset(&b);
	return img;
}

/*
 * Replaces in b each ">from<" (a label of ours, whole between tags, never
 * an author's text) with ">to<": the video placeholder's label, which
 * the shortcodes write in English.
 */
static void
label_swap(struct buf *b, const char *from, const char *to)
{
	struct buf	 o;
	const char	*s, *at;
	size_t		 n = strlen(from);

	if (b->data == NULL)
		return;
	buf_init(&o);
	for (s = b->data; (at = strstr(s, from)) != NULL; s = at + n) {
		buf_write(s, (size_t)(at - s), &o);
		buf_puts(&o, at > b->data && at[-1] == '>' && at[n] == '<' ?
		    to : from);
	}
	buf_puts(&o, s);
	buf_reset(b);
	*b = o;
}

void
page_body(struct req *r, const struct post *p, struct buf *out,
    const struct picture **featured)
{
	struct picture_refs	 refs = { 0 };
	struct media_size	*rows;
	struct picture		*items;
	enum body_format	 fmt;
	struct buf		 h, b;
	int64_t			*gallery, *ids, *att = NULL;
	size_t			 nrows, n = 0, ngallery, nids = 0, natt = 0;
	int			 eager = 1, bare, rc = STORE_OK;

	*featured = NULL;
	buf_init(&h);
	buf_init(&b);
	if (body_format_parse(p->format, &fmt) == 0)
		body_html(&h, p->body, strlen(p->body), fmt);
	/* Everything the page shows, asked for at once: the body's
	 * pictures, the featured one, the galleries' (WordPress's ids,
	 * and ours should an id be one). */
	picture_refs(&r->arena, h.data, h.len, &refs);
	shortcode_gallery_ids(h.data, h.len, &gallery, &ngallery, &bare);
	if (bare && p->id > 0)
		rc = store_media_attached(r->conn, &r->arena, p->id,
		    SHORTCODE_GALLERY_MAX, &att, &natt);
	ids = arena_alloc(&r->arena, (ngallery + natt + 1) * sizeof(*ids));
	if (p->featured_media != 0)
		ids[nids++] = p->featured_media;
	if (ngallery > 0)
		memcpy(ids + nids, gallery, ngallery * sizeof(*ids));
	nids += ngallery;
	if (natt > 0)
		memcpy(ids + nids, att, natt * sizeof(*ids));
	nids += natt;
	if (rc == STORE_OK)
		rc = store_media_find(r->conn, &r->arena, refs.hash,
		    refs.nhash, ids, nids, gallery, ngallery, &rows, &nrows);
	free(gallery);
	if (rc != STORE_OK) {
		r->store_err = rc;
		nrows = 0;
	}
	picture_items(&r->arena, rows, nrows, &items, &n);
	body_finish(&b, h.data, h.len, p->filtered, gallery_images(r, items,
	    n, att, natt), n);
	buf_reset(&h);
	if (p->featured_media != 0 && (*featured = picture_find(items, n,
	    p->featured_media, NULL)) != NULL)
		eager = 0;
	if (page_lang(r) != LANG_EN)
		label_swap(&b, SHORTCODE_VIDEO_LABEL, page_tr(r,
		    N_("Play video (loads YouTube)")));
	picture_rewrite(out, b.data, b.len, items, n, &eager,
	    set_text(page_settings(r), SET_BASE_URL), page_lang(r));
	buf_reset(&b);
}

/* The listing's thumbnails: 160 CSS px wide, so files of 320 px. */
#define THUMB_SIZES	"160px"
#define THUMB_SLOT	320

/* Sets each summary's thumb: the featured pictures, in one query. */
static int
view_thumbs(struct req *r, const struct post *p, size_t n, json_t *a)
{
	const struct picture	*m;
	struct picture	*items;
	struct media_size	*rows;
	int64_t			*ids = arena_alloc(&r->arena,
	    (n > 0 ? n : 1) * sizeof(*ids));
	size_t			 i, k = 0, nrows, nitems;
	int			 rc;

	for (i = 0; i < n; i++)
		if (p[i].featured_media != 0)
			ids[k++] = p[i].featured_media;
	if (k == 0)
		return STORE_OK;
	if ((rc = store_media_find(r->conn, &r->arena, NULL, 0, ids, k, NULL,
	    0, &rows, &nrows)) != STORE_OK)
		return rc;
	picture_items(&r->arena, rows, nrows, &items, &nitems);
	for (i = 0; i < n; i++)
		if (p[i].featured_media != 0 && (m = picture_find(items,
		    nitems, p[i].featured_media, NULL)) != NULL)
			json_object_set_new(json_array_get(a, i), "thumb",
			    view_picture(r, m, p[i].featured_alt, THUMB_SLOT,
			    THUMB_SIZES, 0));
	return STORE_OK;
}

int
page_notfound(struct req *r)
{
	json_t	*view = page_view(r);

	view_str(json_object_get(view, "head"), "title",
	    i18n_get(page_lang(r), "Page not found"));
	json_object_set_new(json_object_get(view, "head"), "noindex",
	    json_true());
	return page_render(r, "404", view, 404);
}

/* The path of post p (a page's or an article's), appended to b. */
static void
post_path(struct req *r, struct buf *b, const char *type, const char *slug,
    int64_t when)
{
	if (strcmp(type, "page") == 0)
		url_page(b, slug);
	else
		url_post(b, page_tz(r), when, slug);
}

int
page_moved(struct req *r, const char *key)
{
	struct redirect	 rd;
	struct buf	 b;

	if (strlen(key) > 1000 || store_redirect_get(r->conn, &r->arena, key,
	    &rd) != STORE_OK)
		return 0;
	buf_init(&b);
	if (rd.post_id != 0)
		post_path(r, &b, rd.type, rd.slug, rd.published);
	else if (*rd.media_hash != '\0')
		url_media(&b, rd.media_hash, image_ext(rd.media_mime));
	if (b.data != NULL)
		r->location = arena_strdup(&r->arena, b.data);
	buf_reset(&b);
	return r->location != NULL ? 301 : 404;
}

int
page_old_id(struct req *r, const char *name, const char *value)
{
	struct post	 p;
	struct buf	 b;
	char		*end;
	long long	 id;

	r->cacheable = 0;
	if (*value < '1' || *value > '9' || strlen(value) > 18 ||
	    (id = strtoll(value, &end, 10)) <= 0 || *end != '\0')
		return page_notfound(r);
	switch (page_moved(r, arena_printf(&r->arena, "/?%s=%lld", name,
	    id))) {
	case 301:
		return 301;
	case 404:	/* known, and not shown now */
		return page_notfound(r);
	}
	/* A post of this site's own, by the id WordPress would use. */
	if (strcmp(name, "attachment_id") == 0 ||
	    store_post_by_id(r->conn, &r->arena, id, &p) != STORE_OK)
		return page_notfound(r);
	buf_init(&b);
	post_path(r, &b, p.type, p.slug, p.published);
	r->location = arena_strdup(&r->arena, b.data);
	buf_reset(&b);
	return 301;
}

int
page_store_error(struct req *r, int rc)
{
	if (rc == STORE_NOTFOUND)
		return page_notfound(r);
	return page_error(r, rc == STORE_DOWN || rc == STORE_RETRY ||
	    rc == STORE_FULL ? 503 : 500);
}

int
page_error(struct req *r, int status)
{
	enum lang	 lang = page_lang(r);
	const char	*title = i18n_get(lang, status == 503 ?
	    N_("Service unavailable") : status == 429 ?
	    N_("Too many requests") : N_("Server error"));

	buf_reset(&r->body);
	r->cacheable = 0;
	r->location = NULL;
	/* Busy, not broken: say when to come back. */
	if ((status == 503 || status == 429) && r->retry_after <= 0)
		r->retry_after = 30;
	buf_printf(&r->body, "<!doctype html>\n<html lang=\"%s\"><head>"
	    "<meta charset=\"utf-8\"><title>", i18n_code(lang));
	html_text(&r->body, title, strlen(title));
	buf_puts(&r->body, "</title></head><body><h1>");
	html_text(&r->body, title, strlen(title));
	buf_puts(&r->body, "</h1><p>");
	title = i18n_get(lang, "Please try again in a moment.");
	html_text(&r->body, title, strlen(title));
	buf_puts(&r->body, "</p></body></html>\n");
	return status;
}

/*
 * Sets view[key] to the path of listing page `page`, and the head's
 * rel (rel="next" for older posts, "prev" for newer, as WordPress).
 */
static void
view_page_link(struct req *r, json_t *view, const char *key,
    const char *rel, int page)
{
	struct route	 rt = r->route;
	struct buf	 b;

	buf_init(&b);
	rt.page = page;
	url_route(&b, &rt);
	view_str(view, key, b.data);
	view_str(json_object_get(view, "head"), rel, b.data);
	buf_reset(&b);
}

int
page_list(struct req *r, struct post_query *q, json_t *view)
{
	json_t		*a = json_array();
	struct post	*p;
	size_t		 n, i;
	int64_t		 total, per = set_int(page_settings(r), SET_POSTS_PER_PAGE);
	int		 rc;

	if (q->now == 0 || q->now > r->now)	/* a date archive's end */
		q->now = r->now;
	q->limit = per;
	q->offset = (int64_t)(r->route.page - 1) * per;
	json_object_set_new(view, "posts", a);
	rc = store_posts_list(r->conn, &r->arena, q, &p, &n, &total);
	if (rc != STORE_OK)
		return rc;
	if (n == 0 && r->route.page > 1)
		return STORE_NOTFOUND;
	for (i = 0; i < n; i++)
		json_array_append_new(a, view_post_summary(r, &p[i]));
	if ((rc = view_thumbs(r, p, n, a)) != STORE_OK)
		return rc;
	if (q->offset + (int64_t)n < total)
		view_page_link(r, view, "older", "next", r->route.page + 1);
	if (r->route.page > 1)
		view_page_link(r, view, "newer", "prev", r->route.page - 1);
	return STORE_OK;
}

int
page_refusal(struct req *r, int status, const char *title, const char *why)
{
	json_t	*view = page_view(r), *o = json_object();

	/* Callers give English msgids (N_ marks them); shown translated. */
	title = page_tr(r, title);
	why = page_tr(r, why);
	view_str(o, "title", title);
	view_str(o, "message", why);
	json_object_set_new(view, "refusal", o);
	view_str(json_object_get(view, "head"), "title", title);
	json_object_set_new(json_object_get(view, "head"), "noindex",
	    json_true());
	r->cacheable = 0;
	return page_render(r, "refused", view, status);
}

/*
 * A browser says where a form came from (Sec-Fetch-Site, Origin); one
 * from another site is refused, so no page elsewhere can post in a
 * reader's name.  Same origin means the site's base_url, or the Host the
 * request came to (a proxy may rewrite either).  Clients that send
 * neither header (curl, old browsers) are let through.
 */
int
page_cross_site(struct req *r)
{
	const char	*o = r->origin, *host;

	if (r->fetch_site != NULL)
		return strcmp(r->fetch_site, "same-origin") != 0 &&
		    strcmp(r->fetch_site, "none") != 0;
	if (o == NULL)
		return 0;
	if (strcasecmp(o, set_text(page_settings(r), SET_BASE_URL)) == 0)
		return 0;
	if (strncasecmp(o, "http://", 7) == 0)
		host = o + 7;
	else if (strncasecmp(o, "https://", 8) == 0)
		host = o + 8;
	else
		return 1;	/* "null" and the like */
	return r->host == NULL || strcasecmp(host, r->host) != 0;
}
