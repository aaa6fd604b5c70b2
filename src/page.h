/*
 * page: the page handlers (page_*.c) and what they share.  A handler
 * reads r->route, queries the store through r->conn, builds a view (a
 * jansson object) and renders it with page_render into r->body.  It
 * returns the HTTP status; for a redirect it sets r->location instead.
 */
#ifndef GALLEY_PAGE_H
#define GALLEY_PAGE_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "i18n.h"
#include "env.h"
#include "setting.h"
#include "url.h"

struct buf;
struct comment;
struct picture;
struct req;
struct date_names;
struct tz;
struct post;
struct term;

int	page_home(struct req *);
int	page_article(struct req *);
/*
 * Renders the article template for p, a writer's unsaved post (id 0 if
 * not yet saved), with the terms t[0..n) in place of its stored ones:
 * the editor's preview, marked noindex.  Changes nothing; the caller's
 * route (an admin page) keeps it out of the page cache.
 */
int	page_article_preview(struct req *, const struct post *p,
	    const struct term *t, size_t n);
int	page_archive(struct req *);	/* category, tag, author, date */
/* What an archive is of: its kind ("Category"), name and description. */
struct archive_of {
	const char	*kind;
	const char	*name;
	const char	*description;
};
struct post_query;
/*
 * Fills q's filter (a term, an author, a date range) and *out for the
 * archive r->route names (a category, tag, author or date); in r's
 * arena.  STORE_NOTFOUND when there is no such term, author or day.
 */
int	page_archive_of(struct req *, struct post_query *q,
	    struct archive_of *out);
/*
 * A feed of r->route (route.feed set): RSS 2.0 or Atom 1.0 of the
 * newest posts of a listing, or of the newest approved comments of the
 * site (/comments/feed/) or of one post.  Cached as pages are.
 */
int	page_feed(struct req *);
/* /wp-sitemap.xml (and /sitemap.xml), and each of its sitemaps. */
int	page_sitemap(struct req *);
/* /robots.txt: /admin/ disallowed, the sitemap, the robots_txt setting. */
int	page_robots(struct req *);
/*
 * WordPress's query forms of an address (/?cat=3, /?m=201510, /?feed=
 * atom ...), name=value as sent: 301 to the pretty URL (r->location),
 * or a rendered 404 when there is no such thing.  Never cached.
 */
int	page_query_form(struct req *, const char *name, const char *value);
int	page_static(struct req *);	/* a static page: /privacy/ */
/* Search results for r->route.slug (page_search.c); never cached. */
int	page_search(struct req *);
/*
 * Where key (a path that found nothing, or "/?p=ID") moved to, from the
 * redirect table (old WordPress addresses, slugs changed in the
 * editor): 301 with r->location set; 404 when it leads to something
 * not shown now (a draft); 0 if the table does not know it.  Asked
 * only where the answer would otherwise be 404.
 */
int	page_moved(struct req *, const char *key);
/*
 * WordPress's /?p=ID, /?page_id=ID and /?attachment_id=ID: 301 to
 * where the item is now (the redirect table, else a published post or
 * page of that id), or a rendered 404.  Never cached.
 */
int	page_old_id(struct req *, const char *name, const char *value);
struct form;
/*
 * POST /comments: reads the form, stores the comment or explains why
 * not.  Returns the HTTP status; for 303 sets r->location (and
 * r->cookie); for 422 renders the article with the form filled in.
 */
int	page_comment_post(struct req *, struct form *);
/*
 * Returns 1 if a POST came from another site's page, as the browser
 * says (Sec-Fetch-Site, Origin); clients that say neither pass.
 */
int	page_cross_site(struct req *);
/*
 * /admin/...: GET (in NULL) or POST (in: its fields).  Signs in and
 * out, checks the session, the role and the CSRF token, and renders or
 * acts.  Returns the HTTP status; never cached.
 */
int	page_admin(struct req *, struct form *in);
/*
 * /mail/WHAT?t=TOKEN, a link in a reader's mail (what "confirm",
 * "unsubscribe" or "stop"; token NULL if absent): a GET shows what it
 * would do, with a button; a POST (the button, or a mail client's
 * RFC 8058 one-click) does it, authorised by the token alone.  404 for
 * a bad or forged token.  Returns the HTTP status; never cached.
 */
int	page_mail(struct req *, const char *what, const char *token,
	    int post);
/* The pages for a comment form that was too large (413) or garbled. */
int	page_too_large(struct req *);
int	page_bad_form(struct req *);
/*
 * Renders a short page for a refused POST (title, the reason, a way
 * back), never cached; returns status.
 */
int	page_refusal(struct req *, int status, const char *title,
	    const char *why);
/*
 * POST /votes: records a vote (vote.c).  With json set the answer is the
 * item's tally as JSON; else a 303 back to the article, or a page that
 * says why not.  Returns the HTTP status.
 */
int	page_vote_post(struct req *, const char *type, const char *id,
	    const char *value, int json);
/* Renders the 404 page; returns 404. */
int	page_notfound(struct req *);
/*
 * Renders a plain error page for status (500, 503, 429) without the
 * database; a 503 or 429 gets r->retry_after (30 s unless set).
 * Returns status.
 */
int	page_error(struct req *, int status);
/*
 * The answer to a store_rc a page met: the 404 page for STORE_NOTFOUND,
 * else page_error's 503 when the database is down, busy or full, 500
 * otherwise.  Returns the status.
 */
int	page_store_error(struct req *, int rc);

/*
 * Makes jansson allocate through page.c's functions; called once, first
 * thing in main, before any JSON value exists.
 */
void	page_view_init(void);
/*
 * Until the next call on this thread, JSON values come from arena a
 * (NULL: from malloc again).  The caller unbinds before a is freed and
 * keeps no value made in between past that.
 */
void	page_view_arena(struct arena *a);

/*
 * The theme r renders with: taken from the site's live theme at the
 * first call and kept for the rest of the request, so a reload meanwhile
 * changes nothing under it; the server drops it when the request
 * completes (req.h).
 */
struct theme *page_theme(struct req *);
/*
 * Returns a new view with what every page shows: site title, tagline,
 * home URL, theme asset URLs, the year.  A store error on the way is
 * noted in r->store_err and makes page_render answer 503 or 500.
 */
json_t	*page_view(struct req *);
/* The same, its scripts' text with more's strings too (the admin's). */
struct js_msg;
json_t	*page_view_js(struct req *, const struct js_msg *more, size_t nmore);
/*
 * Sets site's menu (items: label, url, current, children), logo (src,
 * width, height) and icon (true when one is set) from one store query
 * (page_menu.c); nothing without a connection.  A store error is noted
 * in r->store_err.
 */
void	page_appearance(struct req *, json_t *site);
/*
 * /favicon.ico and /apple-touch-icon.png (r->route.slug): the icon's
 * files as made when it was set, cached as pages are; the 404 page when
 * no icon is set.
 */
int	page_icon(struct req *);
/*
 * Renders template tmpl with view, then the layout around it, into
 * r->body; steals the view reference.  If r->store_err is set, renders
 * the error page instead (503 if the database is down or busy, else 500),
 * which is never cached.  view["head"] may carry the title,
 * description, canonical path, Open Graph fields and JSON-LD.  Returns
 * status, or 500 if rendering failed.
 */
int	page_render(struct req *, const char *tmpl, json_t *view, int status);

/* Sets o[key] to the string s (copied); NULL sets "". */
void	view_str(json_t *o, const char *key, const char *s);
/*
 * Adds to the head's feed links (<link rel="alternate">) the feed of
 * route rt (its feed set), titled title.
 */
void	view_feed_link(struct req *, json_t *view, const char *title,
	    const struct route *rt);
/* Sets o[key] to the integer v. */
void	view_int(json_t *o, const char *key, int64_t v);
/*
 * Sets o's fields for c's attached picture: image, thumb (its hashes,
 * "" when none), image_ext, thumb_w and thumb_h; a template makes the
 * links /media/{{thumb}}.{{image_ext}} and /media/{{image}}.{{image_ext}}.
 */
void	view_comment_picture(json_t *o, const struct comment *c);
/* Returns a listing entry for p: title, url, date, author, excerpt. */
json_t	*view_post_summary(struct req *, const struct post *);
/*
 * Renders p's body into out (body.h) with its pictures of our media
 * made responsive (media.h), asking the store once for them and for
 * p's featured image, whose item *featured is then (in r's arena; NULL
 * when p has none or it is gone).  The first picture shown loads
 * eagerly: the featured one when there is one, else the body's first.
 * A store error leaves the pictures as written and is noted in
 * r->store_err.
 */
void	page_body(struct req *, const struct post *p, struct buf *out,
	    const struct picture **featured);
/*
 * Returns the view of picture m for templates: src (the file for
 * slot px: picture_pick; 0, the display copy), its width and height,
 * srcset, webp_srcset (when it has WebP files), sizes (as given, or
 * NULL: the article column's, media_sizes), alt and eager.
 */
json_t	*view_picture(struct req *, const struct picture *m,
	    const char *alt, int slot, const char *sizes, int eager);
/*
 * Formats the Unix time t in ISO 8601 in the site's zone, with its
 * offset ("2026-12-06T03:04:05+01:00"; UTC ends in Z).  In r's arena.
 */
const char *page_iso_date(struct req *, int64_t t);
/* Formats t by the date_format setting ("F j, Y"), in the site's zone. */
const char *page_human_date(struct req *, int64_t t);
/* Formats t by the time_format setting ("g:i a"), in the site's zone. */
const char *page_human_time(struct req *, int64_t t);
/* The site's time zone (NULL: UTC), valid while the site is open. */
const struct tz *page_tz(struct req *);
/*
 * The month and day names dates are written in for r: the one place
 * that picks them, so pages follow the site's language through it.
 */
const struct date_names *page_date_names(struct req *);
/*
 * The request's snapshot of the settings (setting.h), in its arena:
 * taken on first use for the data generation the request knows (or asks
 * for), so it reads no setting from the database while none changed.
 * A store error is noted in r->store_err, and the defaults stand in.
 */
const struct settings *page_settings(struct req *);
/*
 * Text a script writes itself, by its English: a msgid, or a plural
 * pair (many set), for i18n_nget.
 */
struct js_msg {
	const char	*one, *many;
};
/*
 * The text galley.js writes, and more's, in the site's language as a
 * JSON object for the layouts' site.js_text (English to translation, a
 * plural pair's singular to its forms with "%plural" the form of each
 * count), in r's arena; NULL for English, whose pages carry none.
 */
const char *page_js_text(struct req *, const struct js_msg *more,
    size_t nmore);
/* The site's language (the language setting), for templates and text. */
enum lang page_lang(struct req *);
/* i18n_get in the site's language: the translation of msgid. */
const char *page_tr(struct req *, const char *msgid)
	    __attribute__((format_arg(2)));
/*
 * What the domain modules are given for r (env.h): its site, connection,
 * arena, settings and time.
 */
struct env page_env(struct req *);
/*
 * A Set-Cookie value in r's arena: name=value, Path=/, SameSite=Lax,
 * Max-Age max_age (0 clears it), HttpOnly with httponly, and Secure
 * whenever the reader came over TLS (r->https: base_url is https, or a
 * trusted proxy says so).  The one cookie builder: every cookie Galley
 * sets follows one rule.  value must be cookie-safe already.
 */
const char *page_cookie(struct req *, const char *name, const char *value,
	    int64_t max_age, int httponly);


/*
 * Fills view["posts"] with the summaries of page r->route.page of the
 * posts q selects (q->offset, q->limit and q->now are set here) and
 * view["older"]/["newer"] with the neighbouring pages' paths.  Returns a
 * store_rc; STORE_NOTFOUND for a page past the last.
 */
int	page_list(struct req *, struct post_query *q, json_t *view);
#endif
