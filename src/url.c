/*
 * url: builders and the parser of the URL scheme (see url.h).  Both sides
 * read from one table of archive prefixes so that they cannot drift.
 * Also the one check of a URL that leads off the site.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "alloc.h"
#include "buf.h"
#include "date.h"
#include "search.h"
#include "slug.h"
#include "url.h"

static const struct {
	const char	*prefix;	/* "/category/" */
	enum route_kind	 kind;
} archives[] = {
	{ "/category/", ROUTE_CATEGORY },
	{ "/tag/", ROUTE_TAG },
	{ "/author/", ROUTE_AUTHOR },
	{ "/media/", ROUTE_MEDIA },
	{ "/theme/", ROUTE_THEME },
	{ "/admin/", ROUTE_ADMIN },
	{ "/search/", ROUTE_SEARCH },
};

static const char *
archive_prefix(enum route_kind kind)
{
	size_t	 i;

	for (i = 0; i < sizeof(archives) / sizeof(archives[0]); i++)
		if (archives[i].kind == kind)
			return archives[i].prefix;
	return "/";
}

int
url_file_name_ok(const char *s, size_t n)
{
	size_t	 i;

	if (n == 0 || n > URL_SLUG_MAX || s[0] == '.')
		return 0;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '.' &&
		    s[i] != '-' && s[i] != '_')
			return 0;
	for (i = 0; i + 1 < n; i++)
		if (s[i] == '.' && s[i + 1] == '.')
			return 0;
	return 1;
}

/* Copies the segment s[0..n) lowercased (escapes too) into rt->slug. */
static int
take_slug(struct route *rt, const char *s, size_t n)
{
	size_t	 i;

	if (n > URL_SLUG_MAX)
		return -1;
	for (i = 0; i < n; i++)
		rt->slug[i] = (char)tolower((unsigned char)s[i]);
	rt->slug[n] = '\0';
	return slug_valid(rt->slug, n) ? 0 : -1;
}

/*
 * Reads a number of mindig to maxdig digits at s into *v, which must fall
 * in 1..max.  Returns the digits used, or -1.
 */
static int
number(const char *s, int mindig, int maxdig, int max, int *v)
{
	int	 i, n = 0;

	for (i = 0; i < maxdig && isdigit((unsigned char)s[i]); i++)
		n = n * 10 + (s[i] - '0');
	if (i < mindig || isdigit((unsigned char)s[i]) || n < 1 || n > max)
		return -1;
	*v = n;
	return i;
}

/* Returns 1 if s is the end of a path: "" or "/". */
static int
at_end(const char *s)
{
	return *s == '\0' || strcmp(s, "/") == 0;
}

/* Returns s past the segment "/w" when s starts with it, else NULL. */
static const char *
segment(const char *s, const char *w)
{
	size_t	 n = strlen(w);

	if (s[0] != '/' || strncmp(s + 1, w, n) != 0 ||
	    (s[n + 1] != '\0' && s[n + 1] != '/'))
		return NULL;
	return s + n + 1;
}

/*
 * Parses an optional tail at s: "/page/N/", or with feeds set
 * "/feed/", "/feed/rss2/" or "/feed/atom/" (rt->feed); 0 or -1.
 */
static int
tail(const char *s, struct route *rt, int feeds)
{
	const char	*f;
	int		 k;

	rt->page = 1;
	if (at_end(s))
		return 0;
	if (feeds && (f = segment(s, "feed")) != NULL) {
		rt->feed = at_end(f) ? FEED_RSS : segment(f, "rss2") != NULL ?
		    FEED_RSS2 : segment(f, "atom") != NULL ? FEED_ATOM :
		    FEED_NONE;
		if (rt->feed == FEED_RSS2 || rt->feed == FEED_ATOM)
			f += 5;
		return rt->feed != FEED_NONE && at_end(f) ? 0 : -1;
	}
	if (strncmp(s, "/page/", 6) != 0)
		return -1;
	if ((k = number(s + 6, 1, 7, 1000000, &rt->page)) < 0)
		return -1;
	return at_end(s + 6 + k) ? 0 : -1;
}

static int
hex(char c)
{
	return isdigit((unsigned char)c) ? c - '0' :
	    isxdigit((unsigned char)c) ? tolower((unsigned char)c) - 'a' + 10 :
	    -1;
}

void
url_search_text(char *out, const char *s, size_t len)
{
	char	*d = xmalloc(len + 1);
	size_t	 i, n = 0;

	for (i = 0; i < len; i++) {
		if (s[i] == '%' && i + 2 < len && hex(s[i + 1]) >= 0 &&
		    hex(s[i + 2]) >= 0) {
			d[n++] = (char)(hex(s[i + 1]) * 16 + hex(s[i + 2]));
			i += 2;
		} else
			d[n++] = s[i] == '+' ? ' ' : s[i];
	}
	search_clean(out, d, n);
	free(d);
}

/* /search/words/ and its pages; no query has no pages. */
static int
parse_search(const char *s, struct route *rt)
{
	const char	*end = strchr(s, '/');
	size_t		 n = end ? (size_t)(end - s) : strlen(s);

	url_search_text(rt->slug, s, n);
	if (tail(s + n, rt, 0) == -1)
		return -1;
	return rt->slug[0] == '\0' && rt->page > 1 ? -1 : 0;
}

static int
parse_archive(const char *path, enum route_kind kind, size_t plen,
    struct route *rt)
{
	const char	*s = path + plen, *end;
	size_t		 n;

	end = strchr(s, '/');
	n = end ? (size_t)(end - s) : strlen(s);
	rt->kind = kind;
	if (kind == ROUTE_SEARCH)
		return parse_search(s, rt);
	if (kind == ROUTE_ADMIN) {
		/* /admin/ or /admin/SECTION[/]: a lowercase word. */
		if (n > 32 || (end != NULL && end[1] != '\0'))
			return -1;
		for (size_t i = 0; i < n; i++)
			if (s[i] < 'a' || s[i] > 'z')
				return -1;
		memcpy(rt->slug, s, n);
		rt->slug[n] = '\0';
		return 0;
	}
	if (kind == ROUTE_MEDIA || kind == ROUTE_THEME) {
		if (end != NULL || n > URL_SLUG_MAX || !url_file_name_ok(s, n))
			return -1;
		memcpy(rt->slug, s, n);
		rt->slug[n] = '\0';
		return 0;
	}
	if (take_slug(rt, s, n) == -1)
		return -1;
	return tail(s + n, rt, 1);
}

/* Page slugs that would collide with an archive prefix or paging. */
static int
reserved(const char *slug)
{
	size_t	 i, n = strlen(slug);

	if (strcmp(slug, "page") == 0 || strcmp(slug, "feed") == 0 ||
	    strcmp(slug, "comments") == 0)
		return 1;
	for (i = 0; i < sizeof(archives) / sizeof(archives[0]); i++)
		if (strlen(archives[i].prefix) == n + 2 &&
		    strncmp(archives[i].prefix + 1, slug, n) == 0)
			return 1;
	return 0;
}

/*
 * After /YYYY/MM/ at s: a day's archive (one or two digits, 1 to 31;
 * WordPress keeps such slugs free for it), or an article's slug.
 */
static int
parse_day(const char *s, struct route *rt)
{
	int	 k;

	if ((k = number(s, 1, 2, 31, &rt->day)) < 0 || (s[k] != '\0' &&
	    s[k] != '/')) {
		rt->day = 0;
		return -1;
	}
	rt->kind = ROUTE_DATE;
	return tail(s + k, rt, 1);
}

/* A date archive's tail at s: its end, a page or a feed. */
static int
date_tail(const char *s, struct route *rt)
{
	rt->kind = ROUTE_DATE;
	return tail(s, rt, 1);
}

static int
parse_post(const char *path, struct route *rt)
{
	const char	*s = path + 1, *end;
	int		 k, id;

	if ((k = number(s, 4, 4, 9999, &rt->year)) < 0 ||
	    (s[k] != '/' && s[k] != '\0'))
		return -1;
	if (at_end(s + k) || segment(s + k, "page") || segment(s + k, "feed"))
		return date_tail(s + k, rt);
	s += k + 1;
	if ((k = number(s, 2, 2, 12, &rt->month)) < 0 ||
	    (s[k] != '/' && s[k] != '\0'))
		return -1;
	if (at_end(s + k) || segment(s + k, "page") || segment(s + k, "feed"))
		return date_tail(s + k, rt);
	s += k + 1;
	if (isdigit((unsigned char)s[0]) && parse_day(s, rt) == 0)
		return 0;
	end = strchr(s, '/');
	if (take_slug(rt, s, end ? (size_t)(end - s) : strlen(s)) == -1)
		return -1;
	rt->kind = ROUTE_POST;
	if (end == NULL || end[1] == '\0')
		return 0;
	/* Its comments' feeds: /YYYY/MM/slug/feed/ */
	if (segment(end, "feed") != NULL)
		return tail(end, rt, 1);
	s = end + 1;
	/* One thread's own pages: /YYYY/MM/slug/thread-ID/ */
	if (strncmp(s, "thread-", 7) == 0) {
		if ((k = number(s + 7, 1, 9, 999999999, &id)) < 0)
			return -1;
		rt->thread = id;
		s += 7 + k;
		if (*s == '\0' || strcmp(s, "/") == 0)
			return 0;
		if (*s++ != '/')
			return -1;
	}
	/* WordPress's comment pages: /YYYY/MM/slug/comment-page-N/ */
	if (strncmp(s, "comment-page-", 13) != 0 ||
	    (k = number(s + 13, 1, 7, 1000000, &rt->page)) < 0)
		return -1;
	s += 13 + k;
	return *s == '\0' || strcmp(s, "/") == 0 ? 0 : -1;
}

/* WordPress 5.5's sitemaps: /wp-sitemap-NAME-N.xml */
static const char *const sitemaps[] = { "posts-post", "posts-page",
    "taxonomies-category", "taxonomies-post_tag", "users" };

/* /robots.txt, /sitemap.xml, /wp-sitemap.xml and its sitemaps. */
static int
parse_file(const char *path, struct route *rt)
{
	const char	*s;
	size_t		 i, n;
	int		 k;

	if (strcmp(path, "/robots.txt") == 0) {
		rt->kind = ROUTE_ROBOTS;
		return 0;
	}
	rt->kind = ROUTE_SITEMAP;
	if (strcmp(path, "/sitemap.xml") == 0 ||
	    strcmp(path, "/wp-sitemap.xml") == 0) {
		snprintf(rt->slug, sizeof(rt->slug), "%.*s",
		    (int)strlen(path) - 5, path + 1);
		return 0;
	}
	for (i = 0; path[11] == '-' &&
	    i < sizeof(sitemaps) / sizeof(sitemaps[0]); i++) {
		n = strlen(sitemaps[i]);
		s = path + 12;
		if (strncmp(s, sitemaps[i], n) != 0 || s[n] != '-' ||
		    (k = number(s + n + 1, 1, 7, 1000000, &rt->page)) < 0 ||
		    strcmp(s + n + 1 + k, ".xml") != 0)
			continue;
		snprintf(rt->slug, sizeof(rt->slug), "%s", sitemaps[i]);
		return 0;
	}
	rt->kind = ROUTE_NONE;
	return -1;
}

int
url_parse(const char *path, struct route *rt)
{
	size_t		 i, n;
	const char	*end;

	memset(rt, 0, sizeof(*rt));
	rt->page = 1;
	if (path[0] != '/')
		return -1;
	if (strcmp(path, "/") == 0 || segment(path, "page") != NULL ||
	    segment(path, "feed") != NULL) {
		rt->kind = ROUTE_HOME;
		return path[1] == '\0' ? 0 : tail(path, rt, 1);
	}
	if ((end = segment(path, "comments")) != NULL) {
		rt->kind = ROUTE_COMMENTS;
		return segment(end, "feed") != NULL && tail(end, rt, 1) == 0 &&
		    rt->page == 1 ? 0 : -1;
	}
	if (strcmp(path, "/robots.txt") == 0 || strcmp(path, "/sitemap.xml")
	    == 0 || strncmp(path, "/wp-sitemap", 11) == 0)
		return parse_file(path, rt);
	if (strcmp(path, "/favicon.ico") == 0 ||
	    strcmp(path, "/apple-touch-icon.png") == 0) {
		rt->kind = ROUTE_ICON;
		snprintf(rt->slug, sizeof(rt->slug), "%s", path + 1);
		return 0;
	}
	for (i = 0; i < sizeof(archives) / sizeof(archives[0]); i++) {
		n = strlen(archives[i].prefix);
		if (strncmp(path, archives[i].prefix, n) == 0)
			return parse_archive(path, archives[i].kind, n, rt);
	}
	if (strcmp(path, "/admin") == 0) {
		rt->kind = ROUTE_ADMIN;
		return 0;
	}
	/*
	 * A year starts a post's path (and is never a page's slug); a
	 * page's slug may start with digits.
	 */
	if (strspn(path + 1, "0123456789") == 4 && (path[5] == '/' ||
	    path[5] == '\0'))
		return parse_post(path, rt);
	end = strchr(path + 1, '/');
	if (take_slug(rt, path + 1, end ? (size_t)(end - path - 1) :
	    strlen(path + 1)) == -1 || reserved(rt->slug))
		return -1;
	if (end != NULL && end[1] != '\0')
		return -1;
	rt->kind = ROUTE_PAGE;
	return 0;
}

int
url_same(const char *a, const char *b)
{
	int	 esc = 0;

	for (; *a != '\0' && *b != '\0'; a++, b++) {
		if (*a == *b || (esc > 0 &&
		    tolower((unsigned char)*a) == tolower((unsigned char)*b)))
			esc = *a == '%' ? 2 : esc > 0 ? esc - 1 : 0;
		else
			return 0;
	}
	return *a == *b;
}

int
url_local(const char *s)
{
	return s[0] == '/' && s[1] != '/' && s[1] != '\\' &&
	    strpbrk(s, "\"<> \t\r\n\f") == NULL;
}

int
url_http_ok(const char *s)
{
	size_t	 n;

	if (strncasecmp(s, "http://", 7) == 0)
		n = 7;
	else if (strncasecmp(s, "https://", 8) == 0)
		n = 8;
	else
		return 0;
	if (s[n] == '\0' || strchr("/?#", s[n]) != NULL)
		return 0;		/* no host */
	for (; *s != '\0'; s++)
		if ((unsigned char)*s <= 0x20 || *s == 0x7f ||
		    strchr("\"<>", *s) != NULL)
			return 0;
	return 1;
}

static void
page_tail(struct buf *b, int page)
{
	if (page > 1)
		buf_printf(b, "page/%d/", page);
}

void
url_home(struct buf *b, int page)
{
	buf_putc(b, '/');
	page_tail(b, page);
}

void
url_date(struct buf *b, int year, int month, int day, int page)
{
	buf_printf(b, "/%04d/", year);
	if (month > 0)
		buf_printf(b, "%02d/", month);
	if (month > 0 && day > 0)
		buf_printf(b, "%02d/", day);
	page_tail(b, page);
}

void
url_post(struct buf *b, const struct tz *z, int64_t when, const char *slug)
{
	struct tm	 tm;

	/* The month of the site's calendar, as WordPress's permalinks. */
	date_local(when, z, &tm);
	buf_printf(b, "/%04d/%02d/%s/", tm.tm_year + 1900, tm.tm_mon + 1, slug);
}

void
url_term(struct buf *b, const char *taxonomy, const char *slug, int page)
{
	buf_puts(b, archive_prefix(strcmp(taxonomy, "category") == 0 ?
	    ROUTE_CATEGORY : ROUTE_TAG));
	buf_puts(b, slug);
	buf_putc(b, '/');
	page_tail(b, page);
}

void
url_author(struct buf *b, const char *slug, int page)
{
	buf_puts(b, archive_prefix(ROUTE_AUTHOR));
	buf_puts(b, slug);
	buf_putc(b, '/');
	page_tail(b, page);
}

void
url_page(struct buf *b, const char *slug)
{
	buf_printf(b, "/%s/", slug);
}

void
url_media(struct buf *b, const char *hash, const char *ext)
{
	buf_printf(b, "%s%s.%s", archive_prefix(ROUTE_MEDIA), hash, ext);
}

void
url_escape(struct buf *b, const char *s)
{
	for (; *s != '\0'; s++) {
		if (isalnum((unsigned char)*s) || strchr("-._~", *s) != NULL)
			buf_putc(b, *s);
		else if (*s == ' ')
			buf_putc(b, '+');
		else
			buf_printf(b, "%%%02X", (unsigned char)*s);
	}
}

void
url_search(struct buf *b, const char *q, int page)
{
	buf_puts(b, archive_prefix(ROUTE_SEARCH));
	if (*q != '\0') {
		url_escape(b, q);
		buf_putc(b, '/');
		page_tail(b, page);
	}
}

void
url_admin(struct buf *b, const char *section)
{
	buf_puts(b, archive_prefix(ROUTE_ADMIN));
	if (*section != '\0') {
		buf_puts(b, section);
		buf_putc(b, '/');
	}
}

void
url_mail(struct buf *b, const char *what, const char *token)
{
	buf_printf(b, "/mail/%s?t=", what);
	url_escape(b, token);
}

/* Appends the tail of feed f to a path ending in "/". */
static void
feed_tail(struct buf *b, enum feed_kind f)
{
	static const char *const tails[] = { "", "feed/", "feed/rss2/",
	    "feed/atom/" };

	buf_puts(b, tails[f]);
}

void
url_route(struct buf *b, const struct route *rt)
{
	/* A feed is of a listing's first page, or of a post as a whole. */
	int	 page = rt->feed != FEED_NONE ? 1 : rt->page;

	switch (rt->kind) {
	case ROUTE_HOME:
		url_home(b, page);
		break;
	case ROUTE_POST:
		buf_printf(b, "/%04d/%02d/%s/", rt->year, rt->month, rt->slug);
		if (rt->feed != FEED_NONE)
			break;
		if (rt->thread > 0)
			buf_printf(b, "thread-%lld/", (long long)rt->thread);
		if (rt->page > 1)
			buf_printf(b, "comment-page-%d/", rt->page);
		break;
	case ROUTE_CATEGORY:
		url_term(b, "category", rt->slug, page);
		break;
	case ROUTE_TAG:
		url_term(b, "tag", rt->slug, page);
		break;
	case ROUTE_AUTHOR:
		url_author(b, rt->slug, page);
		break;
	case ROUTE_DATE:
		url_date(b, rt->year, rt->month, rt->day, page);
		break;
	case ROUTE_COMMENTS:
		buf_puts(b, "/comments/");
		break;
	case ROUTE_PAGE:
		url_page(b, rt->slug);
		break;
	case ROUTE_ADMIN:
		url_admin(b, rt->slug);
		break;
	case ROUTE_SEARCH:
		url_search(b, rt->slug, rt->page);
		break;
	case ROUTE_MEDIA:
	case ROUTE_THEME:
		buf_puts(b, archive_prefix(rt->kind));
		buf_puts(b, rt->slug);
		break;
	case ROUTE_SITEMAP:
		if (strcmp(rt->slug, "wp-sitemap") == 0 ||
		    strcmp(rt->slug, "sitemap") == 0)
			buf_printf(b, "/%s.xml", rt->slug);
		else
			buf_printf(b, "/wp-sitemap-%s-%d.xml", rt->slug,
			    rt->page);
		return;
	case ROUTE_ROBOTS:
		buf_puts(b, "/robots.txt");
		return;
	case ROUTE_ICON:
		buf_printf(b, "/%s", rt->slug);
		return;
	case ROUTE_NONE:
		buf_putc(b, '/');
		break;
	}
	feed_tail(b, rt->feed);
}
