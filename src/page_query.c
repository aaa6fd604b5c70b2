/*
 * page_query: WordPress's addresses by query string, which old links,
 * bookmarks and feed readers still use: /?p=ID, /?page_id=ID,
 * /?attachment_id=ID (page_old_id), /?cat=ID, /?tag=SLUG,
 * /?author=ID, /?m=YYYY[MM[DD]], /?year=YYYY and ?feed=rss2|atom on
 * any listing or article.  Each answers with a 301 to the pretty URL
 * of what it names, or a 404 when there is nothing there (never the
 * home page: a crawler would index that soft 404).  Never cached: the
 * server asks here before the page cache.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "page.h"
#include "req.h"
#include "slug.h"
#include "store.h"
#include "url.h"

/* 301 to rt's canonical path. */
static int
moved(struct req *r, const struct route *rt)
{
	struct buf	 b;

	buf_init(&b);
	url_route(&b, rt);
	r->location = arena_strdup(&r->arena, b.data);
	buf_reset(&b);
	return 301;
}

/* A positive id of at most 18 digits, else 0. */
static int64_t
id_of(const char *v)
{
	size_t	 i, n = strlen(v);

	if (n == 0 || n > 18 || v[0] == '0')
		return 0;
	for (i = 0; i < n; i++)
		if (!isdigit((unsigned char)v[i]))
			return 0;
	return strtoll(v, NULL, 10);
}

static int
by_cat(struct req *r, const char *v)
{
	struct route	 rt = { .kind = ROUTE_CATEGORY, .page = 1 };
	struct term	 t;
	int64_t		 id = id_of(v);
	int		 rc;

	if (id == 0)
		return page_notfound(r);
	if ((rc = store_term_get(r->conn, &r->arena, id, &t)) != STORE_OK)
		return page_store_error(r, rc);
	if (strcmp(t.taxonomy, "category") != 0)
		return page_notfound(r);
	snprintf(rt.slug, sizeof(rt.slug), "%s", t.slug);
	return moved(r, &rt);
}

static int
by_tag(struct req *r, const char *v)
{
	struct route	 rt = { .kind = ROUTE_TAG, .page = 1 };
	struct term	 t;
	size_t		 i, n = strlen(v);
	int		 rc;

	if (n == 0 || n > URL_SLUG_MAX)
		return page_notfound(r);
	for (i = 0; i < n; i++)
		rt.slug[i] = (char)tolower((unsigned char)v[i]);
	rt.slug[n] = '\0';
	if (!slug_valid(rt.slug, n))
		return page_notfound(r);
	if ((rc = store_term_by_slug(r->conn, &r->arena, "tag", rt.slug,
	    &t)) != STORE_OK)
		return page_store_error(r, rc);
	return moved(r, &rt);
}

static int
by_author(struct req *r, const char *v)
{
	struct route	 rt = { .kind = ROUTE_AUTHOR, .page = 1 };
	struct user	 u;
	int64_t		 id = id_of(v);
	int		 rc;

	if (id == 0)
		return page_notfound(r);
	if ((rc = store_user_by_id(r->conn, &r->arena, id, &u)) != STORE_OK)
		return page_store_error(r, rc);
	snprintf(rt.slug, sizeof(rt.slug), "%s", u.slug);
	return moved(r, &rt);
}

/*
 * YYYY, YYYYMM or YYYYMMDD: 301 to its date archive when something was
 * published then, else 404.
 */
static int
by_date(struct req *r, const char *v)
{
	struct route		 rt = { .kind = ROUTE_DATE, .page = 1 };
	struct post_query	 q = { .type = "post", .limit = 1 };
	struct archive_of	 of;
	struct post		*p;
	size_t			 i, n = strlen(v), np;
	int64_t			 total;
	int			 rc;

	for (i = 0; i < n; i++)
		if (!isdigit((unsigned char)v[i]))
			return page_notfound(r);
	if (n != 4 && n != 6 && n != 8)
		return page_notfound(r);
	rt.year = atoi(arena_strndup(&r->arena, v, 4));
	rt.month = n >= 6 ? atoi(arena_strndup(&r->arena, v + 4, 2)) : 0;
	rt.day = n == 8 ? atoi(v + 6) : 0;
	if (rt.year < 1 || (n >= 6 && (rt.month < 1 || rt.month > 12)) ||
	    (n == 8 && (rt.day < 1 || rt.day > 31)))
		return page_notfound(r);
	r->route = rt;
	if ((rc = page_archive_of(r, &q, &of)) == STORE_OK) {
		if (q.now > r->now)
			q.now = r->now;
		rc = store_posts_list(r->conn, &r->arena, &q, &p, &np,
		    &total);
	}
	if (rc == STORE_OK && np == 0)
		rc = STORE_NOTFOUND;
	return rc != STORE_OK ? page_store_error(r, rc) : moved(r, &rt);
}

/* ?feed=: a feed of the page asked, by WordPress's names of its kinds. */
static int
by_feed(struct req *r, const char *v)
{
	struct route	 rt = r->route;

	rt.page = 1;
	rt.thread = 0;
	if (strncmp(v, "comments-", 9) == 0 && rt.kind == ROUTE_HOME) {
		rt.kind = ROUTE_COMMENTS;
		v += 9;
	}
	if (strcmp(v, "rss2") == 0 || strcmp(v, "rss") == 0 ||
	    strcmp(v, "") == 0)
		rt.feed = FEED_RSS;
	else if (strcmp(v, "atom") == 0)
		rt.feed = FEED_ATOM;
	else
		return page_notfound(r);
	return moved(r, &rt);
}

static const struct {
	const char	*name;
	int		(*fn)(struct req *, const char *value);
} forms[] = {
	{ "cat", by_cat },
	{ "tag", by_tag },
	{ "author", by_author },
	{ "m", by_date },
	{ "year", by_date },
	{ "feed", by_feed },
};

int
page_query_form(struct req *r, const char *name, const char *value)
{
	size_t	 i;

	r->cacheable = 0;
	for (i = 0; i < sizeof(forms) / sizeof(forms[0]); i++)
		if (strcmp(forms[i].name, name) == 0)
			return forms[i].fn(r, value);
	return page_old_id(r, name, value);	/* p, page_id, attachment_id */
}
