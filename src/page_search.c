/*
 * page_search: search results, /search/words/ and WordPress's /?s=words
 * (the server reads both into ROUTE_SEARCH): published posts and pages
 * whose title, excerpt or text hold the words, best first, each with a
 * snippet of its text with the matches marked, paged as the archives
 * are.  No query, or none with a word in it, asks for words; a query
 * that finds nothing says so.  Never cached (server.c): a page per query
 * would let anyone fill the page cache.
 */
#include <string.h>

#include "arena.h"
#include "html.h"
#include "i18n.h"
#include "page.h"
#include "req.h"
#include "search.h"
#include "store.h"

/* Pages past this are not offered: ranking reads every match anyway. */
#define SEARCH_PAGES_MAX	50

static json_t *
hit_view(struct req *r, const struct search_hit *h)
{
	json_t		*o = json_object();
	struct buf	 b;

	buf_init(&b);
	view_str(o, "title", *h->title != '\0' ? h->title : "(no title)");
	if (strcmp(h->type, "page") == 0)
		url_page(&b, h->slug);
	else
		url_post(&b, page_tz(r), h->published, h->slug);
	view_str(o, "url", b.data);
	b.len = 0;
	if (strcmp(h->type, "post") == 0) {
		view_str(o, "date", page_human_date(r, h->published));
		view_str(o, "date_iso", page_iso_date(r, h->published));
		view_str(o, "author", h->author_name);
		url_author(&b, h->author_slug, 1);
		view_str(o, "author_url", b.data);
		b.len = 0;
	}
	/* The snippet's text escaped, its marks made <mark>: html.c. */
	html_marked(&b, h->snippet, strlen(h->snippet), SEARCH_MARK_ON,
	    SEARCH_MARK_OFF);
	view_str(o, "snippet", b.data);
	buf_reset(&b);
	return o;
}

static void
page_link(struct req *r, json_t *view, const char *key, int page)
{
	struct buf	 b;

	buf_init(&b);
	url_search(&b, r->route.slug, page);
	view_str(view, key, b.data);
	buf_reset(&b);
}

/* Finds page r->route.page; a store_rc, STORE_NOTFOUND past the last. */
static int
results(struct req *r, const struct search_find *f, int64_t per,
    json_t *view)
{
	struct search_hit	*h;
	json_t			*a;
	size_t			 n, i;
	int			 rc;

	if ((rc = store_search(r->conn, &r->arena, f, &h, &n)) != STORE_OK)
		return rc;
	if (n == 0 && r->route.page > 1)
		return STORE_NOTFOUND;
	a = json_array();
	for (i = 0; i < n && (int64_t)i < per; i++)
		json_array_append_new(a, hit_view(r, &h[i]));
	json_object_set_new(view, "hits", a);
	if (n == 0)
		json_object_set_new(view, "none", json_true());
	if ((int64_t)n > per && r->route.page < SEARCH_PAGES_MAX)
		page_link(r, view, "older", r->route.page + 1);
	if (r->route.page > 1)
		page_link(r, view, "newer", r->route.page - 1);
	return STORE_OK;
}

int
page_search(struct req *r)
{
	const char		*q = r->route.slug;
	struct search_find	 f;
	struct buf		 fts5, tsq;
	json_t			*view = page_view(r), *head;
	int64_t			 per = set_int(page_settings(r),
				    SET_POSTS_PER_PAGE);
	int			 rc = STORE_OK;

	head = json_object_get(view, "head");
	view_str(head, "title", *q != '\0' ? arena_printf(&r->arena,
	    i18n_get(page_lang(r), "Search results for \u201c%s\u201d"), q) :
	    i18n_get(page_lang(r), "Search"));
	json_object_set_new(head, "noindex", json_true());
	view_str(view, "query", q);
	buf_init(&fts5);
	buf_init(&tsq);
	memset(&f, 0, sizeof(f));
	if (r->route.page > SEARCH_PAGES_MAX)
		rc = STORE_NOTFOUND;
	else if (search_build(q, &fts5, &tsq) == 0) {
		json_object_set_new(view, "empty", json_true());
		rc = r->route.page > 1 ? STORE_NOTFOUND : STORE_OK;
	} else {
		f.fts5 = fts5.data;
		f.tsquery = tsq.data;
		f.now = r->now;
		f.limit = per + 1;	/* one more: is there a next page? */
		f.offset = (int64_t)(r->route.page - 1) * per;
		rc = results(r, &f, per, view);
	}
	buf_reset(&fts5);
	buf_reset(&tsq);
	if (rc != STORE_OK) {
		json_decref(view);
		return rc == STORE_NOTFOUND ? page_notfound(r) :
		    page_error(r, rc == STORE_DOWN ? 503 : 500);
	}
	return page_render(r, "search", view, 200);
}
