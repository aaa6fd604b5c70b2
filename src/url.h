/*
 * url: the one home of Galley's URL scheme, which is WordPress's, so a
 * migrated site keeps its links.  The url_* builders make every link a page
 * shows; url_parse reads the same scheme back for the router, and
 * tests/test_url.c checks that url_parse(build(x)) gives x.
 *
 *   /                      home, /page/N/ for older posts
 *   /YYYY/MM/slug/         an article (/comment-page-N/ after it)
 *   /YYYY/MM/slug/thread-ID/   one thread of its comments, whole (its
 *                          own /comment-page-N/ after it)
 *   /category/slug/        a category archive (/page/N/ after it)
 *   /tag/slug/             a tag archive
 *   /author/slug/          an author archive
 *   /YYYY/, /YYYY/MM/, /YYYY/MM/DD/   date archives (a day is one or two
 *                          digits up to 31, so never a slug: WordPress
 *                          refuses such slugs for this very reason)
 *   /slug/                 a static page
 *   .../feed/              a listing's (or an article's comments') RSS
 *                          2.0 feed; .../feed/rss2/ the same, .../feed/atom/
 *                          its Atom feed; /comments/feed/ every comment's
 *   /wp-sitemap.xml        the sitemap index (/sitemap.xml too), and
 *   /wp-sitemap-NAME-N.xml its sitemaps, WordPress 5.5's names
 *   /robots.txt
 *   /search/words/         search results (/page/N/ after it), and
 *                          WordPress's /?s=words, which the server reads
 *                          into the same route
 *   /media/HASH.EXT        an uploaded image (jpg, png, webp)
 *   /theme/NAME            a theme file under a content-hashed name
 */
#ifndef GALLEY_URL_H
#define GALLEY_URL_H

#include <stdint.h>

struct buf;
struct tz;

enum route_kind {
	ROUTE_NONE,		/* not ours: 404 */
	ROUTE_HOME,
	ROUTE_POST,
	ROUTE_CATEGORY,
	ROUTE_TAG,
	ROUTE_AUTHOR,
	ROUTE_PAGE,
	ROUTE_MEDIA,
	ROUTE_THEME,
	ROUTE_ADMIN,		/* slug: the section, "" for the dashboard */
	ROUTE_DATE,		/* year, month (0: none), day (0: none) */
	ROUTE_COMMENTS,		/* /comments/feed/: only with a feed */
	ROUTE_SITEMAP,		/* slug: "wp-sitemap" or "sitemap" (the
				   index), else the sitemap's NAME, page N */
	ROUTE_ROBOTS,
	ROUTE_SEARCH,		/* slug: the query, cleaned (search.h) */
	ROUTE_ICON		/* slug: "favicon.ico" or
				   "apple-touch-icon.png" */
};

/* A listing's feed, or an article's comments': which form of its URL. */
enum feed_kind {
	FEED_NONE,
	FEED_RSS,		/* .../feed/ (RSS 2.0) */
	FEED_RSS2,		/* .../feed/rss2/ (the same) */
	FEED_ATOM		/* .../feed/atom/ */
};

#define URL_SLUG_MAX	200

struct route {
	enum route_kind	 kind;
	int		 year;		/* ROUTE_POST, ROUTE_DATE */
	int		 month;		/* ROUTE_POST, ROUTE_DATE (0: none) */
	int		 day;		/* ROUTE_DATE (0: none) */
	int		 page;		/* listing or comment page, from 1 */
	enum feed_kind	 feed;		/* the route's feed, or FEED_NONE */
	int64_t		 thread;	/* ROUTE_POST: a thread's head, or 0 */
	char		 slug[URL_SLUG_MAX + 1];	/* or a media/theme name */
};

/*
 * Parses an absolute path (no query string).  Returns 0 and fills rt, or
 * -1 for a path outside the scheme.  Near misses (no trailing slash,
 * capitals in a slug, /page/1/) parse too: the caller compares the path
 * with url_route(rt) and redirects to the canonical form.
 */
int	url_parse(const char *path, struct route *rt);
/*
 * Returns 1 if s[0..n) may name a file under /media/ or /theme/:
 * [A-Za-z0-9._-], not starting with '.', no "..", at most URL_SLUG_MAX
 * bytes.  A theme folder's files are held to it, so each can be served.
 */
int	url_file_name_ok(const char *s, size_t n);
/*
 * Returns 1 if the paths a and b are the same, taking the hex digits of
 * %xx escapes case-insensitively (browsers send %C3%A9 for what WordPress
 * writes %c3%a9), else 0.
 */
int	url_same(const char *a, const char *b);
/*
 * Returns 1 if s is an absolute http or https URL a reader may be sent
 * to (a commenter's website, a post's source): "http://" or "https://"
 * in any case, then a host, and no space, control character, '"', '<'
 * or '>' anywhere; else 0.  How long it may be is the caller's rule.
 */
int	url_http_ok(const char *s);
/*
 * Returns 1 if s is a path on this site: one '/' first (not "//" or
 * "/\\", which browsers read as another host) and no space, tab, line
 * break, '"', '<' or '>' anywhere (browsers drop tabs and line breaks
 * from a URL: "/\t/host" is another host too); else 0.
 */
int	url_local(const char *s);
/*
 * Decodes s[0..len), %-escaped as a query value or a path segment ('+'
 * a space), into out (SEARCH_TEXT_MAX + 1 bytes), a query cleaned as
 * search_clean does: how /search/words/ and ?s=words become a route's
 * slug.
 */
void	url_search_text(char *out, const char *s, size_t len);
/*
 * Appends s %-escaped as a path segment or a query value: letters,
 * digits and - . _ ~ as they are, a space as '+', every other byte %XX.
 */
void	url_escape(struct buf *b, const char *s);
/* Appends the path of page `page` of the search for q (cleaned). */
void	url_search(struct buf *b, const char *q, int page);
/* Appends /admin/SECTION/ ("" for the dashboard: /admin/) to b. */
void	url_admin(struct buf *b, const char *section);
/*
 * Appends the path of a link sent by mail (notify_reader.h), which
 * server.c's table routes: /mail/WHAT?t=TOKEN, what "confirm",
 * "unsubscribe" or "stop".
 */
void	url_mail(struct buf *b, const char *what, const char *token);
/* Appends the canonical path of rt (what url_parse read) to b. */
void	url_route(struct buf *b, const struct route *rt);

/*
 * Appends the path of an article published at the Unix time when: its
 * year and month in zone z (NULL: UTC), the site's.
 */
void	url_post(struct buf *b, const struct tz *z, int64_t when,
	    const char *slug);
/* Appends the path of a category ("category") or tag ("tag") archive. */
void	url_term(struct buf *b, const char *taxonomy, const char *slug,
	    int page);
void	url_author(struct buf *b, const char *slug, int page);
void	url_page(struct buf *b, const char *slug);
/* Appends "/" or "/page/N/". */
void	url_home(struct buf *b, int page);
/* Appends /YYYY/, /YYYY/MM/ (month > 0) or /YYYY/MM/DD/ (day > 0). */
void	url_date(struct buf *b, int year, int month, int day, int page);
/*
 * Appends the path of a stored image named by its content hash and its
 * extension (image.h's image_ext of its type).
 */
void	url_media(struct buf *b, const char *hash, const char *ext);

#endif
