/*
 * page_sitemap: what crawlers read first.  /wp-sitemap.xml (and
 * /sitemap.xml, the same) is a sitemap index in WordPress 5.5's layout,
 * naming wp-sitemap-posts-post-N.xml, -posts-page-, -taxonomies-
 * category-, -taxonomies-post_tag- and -users-N.xml; each lists at most
 * SITEMAP_URLS absolute URLs (sitemaps.org's namespace), posts and
 * pages with their W3C-datetime lastmod.  Sitemap N of a kind holds the
 * rows whose ids fall in the Nth range of SITEMAP_URLS ids, so every
 * page is one range scan of a primary key whatever the site's size; the
 * index names the ranges that hold something.  /robots.txt keeps
 * crawlers out of /admin/, names the index and adds the robots_txt
 * setting's lines.  All cached as pages are.
 */
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "page.h"
#include "req.h"
#include "setting.h"
#include "store.h"
#include "url.h"
#include "xml.h"

#define SITEMAP_URLS	2000	/* WordPress's page size */
#define SITEMAP_NS	"http://www.sitemaps.org/schemas/sitemap/0.9"
#define XML_TYPE	"application/xml; charset=utf-8"

/* The sitemaps, by url.c's names, in the index's order. */
static const struct {
	const char		*name;
	enum sitemap_kind	 kind;
} maps[] = {
	{ "posts-post", SITEMAP_POSTS },
	{ "posts-page", SITEMAP_PAGES },
	{ "taxonomies-category", SITEMAP_CATEGORIES },
	{ "taxonomies-post_tag", SITEMAP_TAGS },
	{ "users", SITEMAP_USERS },
};

/* base_url without its trailing slash, in r's arena. */
static const char *
base_of(struct req *r)
{
	const char	*base = set_text(page_settings(r), SET_BASE_URL);
	size_t		 n = strlen(base);

	return arena_strndup(&r->arena, base, n > 0 && base[n - 1] == '/' ?
	    n - 1 : n);
}

/* The index: each kind's ranges of ids that list something. */
static int
sitemap_index(struct req *r, struct xml *x, const char *base)
{
	struct sitemap_entry	*e;
	struct route		 rt = { .kind = ROUTE_SITEMAP };
	struct buf		 b;
	int64_t			 k, lo;
	size_t			 i, n;
	int			 rc = STORE_OK;

	xmlTextWriterStartElement(x->w, BAD_CAST "sitemapindex");
	xml_attr(x, "xmlns", SITEMAP_NS);
	buf_init(&b);
	for (i = 0; i < sizeof(maps) / sizeof(maps[0]) && rc == STORE_OK;
	    i++) {
		/*
		 * From each block that lists something to the next: one
		 * query a sitemap, however sparse the ids (WordPress's
		 * term ids run to the hundreds of millions).
		 */
		for (lo = 0; rc == STORE_OK; lo = (k + 1) * SITEMAP_URLS) {
			rc = store_sitemap_page(r->conn, &r->arena,
			    maps[i].kind, lo, INT64_MAX, r->now, 1, &e, &n);
			if (rc != STORE_OK || n == 0)
				break;
			k = (e->id - 1) / SITEMAP_URLS;
			snprintf(rt.slug, sizeof(rt.slug), "%s", maps[i].name);
			rt.page = (int)k + 1;
			b.len = 0;
			url_route(&b, &rt);
			xmlTextWriterStartElement(x->w, BAD_CAST "sitemap");
			xml_el(x, "loc", arena_printf(&r->arena, "%s%s", base,
			    b.data));
			xmlTextWriterEndElement(x->w);
		}
	}
	buf_reset(&b);
	return rc;
}

/* One entry's path, by its kind. */
static void
entry_path(struct req *r, struct buf *b, enum sitemap_kind kind,
    const struct sitemap_entry *e)
{
	switch (kind) {
	case SITEMAP_POSTS:
		url_post(b, page_tz(r), e->published, e->slug);
		break;
	case SITEMAP_PAGES:
		url_page(b, e->slug);
		break;
	case SITEMAP_CATEGORIES:
		url_term(b, "category", e->slug, 1);
		break;
	case SITEMAP_TAGS:
		url_term(b, "tag", e->slug, 1);
		break;
	case SITEMAP_USERS:
		url_author(b, e->slug, 1);
		break;
	}
}

/* Sitemap r->route.page of kind: STORE_NOTFOUND when it lists nothing. */
static int
sitemap_urls(struct req *r, struct xml *x, const char *base,
    enum sitemap_kind kind)
{
	struct sitemap_entry	*e;
	struct buf		 b;
	int64_t			 lo = (int64_t)(r->route.page - 1) *
	    SITEMAP_URLS;
	size_t			 i, n;
	int			 rc;

	rc = store_sitemap_page(r->conn, &r->arena, kind, lo,
	    lo + SITEMAP_URLS, r->now, SITEMAP_URLS, &e, &n);
	if (rc != STORE_OK)
		return rc;
	if (n == 0)
		return STORE_NOTFOUND;
	xmlTextWriterStartElement(x->w, BAD_CAST "urlset");
	xml_attr(x, "xmlns", SITEMAP_NS);
	buf_init(&b);
	for (i = 0; i < n; i++) {
		b.len = 0;
		entry_path(r, &b, kind, &e[i]);
		xmlTextWriterStartElement(x->w, BAD_CAST "url");
		xml_el(x, "loc", arena_printf(&r->arena, "%s%s", base,
		    b.data));
		if (e[i].modified > 0)
			xml_el(x, "lastmod", xml_rfc3339(&r->arena,
			    e[i].modified));
		xmlTextWriterEndElement(x->w);
	}
	buf_reset(&b);
	return STORE_OK;
}

int
page_sitemap(struct req *r)
{
	const char	*slug = r->route.slug, *base = base_of(r);
	struct buf	 scratch;
	struct xml	 x;
	size_t		 i;
	int		 rc = STORE_NOTFOUND;

	buf_init(&scratch);
	buf_reset(&r->body);
	if (xml_begin(&x, &r->body, &scratch) == -1)
		return page_error(r, 500);
	if (strcmp(slug, "wp-sitemap") == 0 || strcmp(slug, "sitemap") == 0)
		rc = sitemap_index(r, &x, base);
	for (i = 0; i < sizeof(maps) / sizeof(maps[0]); i++)
		if (strcmp(slug, maps[i].name) == 0)
			rc = sitemap_urls(r, &x, base, maps[i].kind);
	xml_end(&x);
	buf_reset(&scratch);
	if (rc != STORE_OK || r->body.err) {
		buf_reset(&r->body);
		return page_store_error(r, rc);
	}
	r->type = XML_TYPE;
	return 200;
}

int
page_robots(struct req *r)
{
	const char	*extra = set_text(page_settings(r), SET_ROBOTS_TXT);
	size_t		 n = strlen(extra);

	if (r->store_err != STORE_OK)
		return page_error(r, 503);
	buf_reset(&r->body);
	/* Text, not HTML: the setting's lines go as an admin wrote them. */
	buf_printf(&r->body, "User-agent: *\nDisallow: /admin/\n%s%s\n"
	    "Sitemap: %s/wp-sitemap.xml\n", extra, n > 0 &&
	    extra[n - 1] != '\n' ? "\n" : "", base_of(r));
	r->type = "text/plain; charset=utf-8";
	return 200;
}
