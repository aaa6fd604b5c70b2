/*
 * page_archive: the listings of one category (/category/slug/), tag
 * (/tag/slug/), author (/author/slug/) or date (/YYYY/, /YYYY/MM/,
 * /YYYY/MM/DD/), newest first, paged as the front page is.  What an
 * archive is of is found once here, for its page and for its feed.
 */
#include <string.h>
#include <time.h>

#include "arena.h"
#include "date.h"
#include "i18n.h"
#include "page.h"
#include "req.h"
#include "store.h"
#include "tz.h"

/* The instant the site's clocks show midnight on local day days. */
static int64_t
midnight(struct req *r, int64_t days)
{
	int64_t	 t;

	/* Midnight skipped by a change (as in Chile) starts at 01:00. */
	tz_utc(page_tz(r), days * 86400, &t);
	return t;
}

/*
 * A date archive's range of publication times, [q->from, q->now]: the
 * year, month or day in the site's zone, as WordPress has it, and its
 * heading; STORE_NOTFOUND for a day the month does not have.  The
 * posts_by_date index (type, status, published) serves the range.
 */
static int
archive_date(struct req *r, struct post_query *q, struct archive_of *out)
{
	const struct route	*rt = &r->route;
	const struct date_names	*dn = page_date_names(r);
	int64_t			 from, until;

	if (rt->month > 12 || rt->day > date_month_days(rt->year,
	    rt->month > 0 ? rt->month : 1))
		return STORE_NOTFOUND;
	from = date_days(rt->year, rt->month > 0 ? rt->month : 1,
	    rt->day > 0 ? rt->day : 1);
	if (rt->day > 0)
		until = from + 1;
	else if (rt->month > 0)
		until = from + date_month_days(rt->year, rt->month);
	else
	until = date_days(rt->year + 1, 1, 1);
	q->from = midnight(r, from);
	q->now = midnight(r, until) - 1;
	out->kind = rt->day > 0 ? i18n_pget(page_lang(r), "archive", "Day") :
	    rt->month > 0 ? i18n_pget(page_lang(r), "archive", "Month") :
	    i18n_pget(page_lang(r), "archive", "Year");
	out->name = rt->day > 0 ? page_human_date(r, q->from) :
	    rt->month > 0 ? arena_printf(&r->arena, "%s %d",
	    dn->month[rt->month - 1], rt->year) :
	    arena_printf(&r->arena, "%d", rt->year);
	out->description = "";
	return STORE_OK;
}

int
page_archive_of(struct req *r, struct post_query *q, struct archive_of *out)
{
	struct term	 t;
	struct user	 u;
	const char	*tax;
	int		 rc;

	if (r->route.kind == ROUTE_DATE)
		return archive_date(r, q, out);
	if (r->route.kind == ROUTE_AUTHOR) {
		rc = store_user_by_slug(r->conn, &r->arena,
		    r->route.slug, &u);
		if (rc != STORE_OK)
			return rc;
		q->author_id = u.id;
		*out = (struct archive_of){ i18n_pget(page_lang(r),
		    "archive", "Author"), u.name, u.bio };
		return STORE_OK;
	}
	tax = r->route.kind == ROUTE_CATEGORY ? "category" : "tag";
	rc = store_term_by_slug(r->conn, &r->arena, tax,
	    r->route.slug, &t);
	if (rc != STORE_OK)
		return rc;
	q->term_id = t.id;
	*out = (struct archive_of){ r->route.kind == ROUTE_CATEGORY ?
	    i18n_pget(page_lang(r), "archive", "Category") :
	    i18n_pget(page_lang(r), "archive", "Tag"), t.name,
	    t.description };
	return STORE_OK;
}

int
page_archive(struct req *r)
{
	struct post_query	 q = { .type = "post" };
	struct archive_of	 of;
	struct route		 feed = r->route;
	json_t			*view, *head;
	int			 rc;

	view = page_view(r);
	if ((rc = page_archive_of(r, &q, &of)) == STORE_OK)
		rc = page_list(r, &q, view);
	/* WordPress answers 404 for a date with nothing published. */
	if (rc == STORE_OK && r->route.kind == ROUTE_DATE &&
	    json_array_size(json_object_get(view, "posts")) == 0)
		rc = STORE_NOTFOUND;
	if (rc != STORE_OK) {
		json_decref(view);
		return rc == STORE_NOTFOUND ? page_notfound(r) :
		    page_error(r, rc == STORE_DOWN ? 503 : 500);
	}
	view_str(view, "kind", of.kind);
	view_str(view, "name", of.name);
	view_str(view, "description", of.description);
	head = json_object_get(view, "head");
	view_str(head, "title", arena_printf(&r->arena, "%s: %s", of.kind,
	    of.name));
	feed.page = 1;
	feed.feed = FEED_RSS;
	view_feed_link(r, view, arena_printf(&r->arena, i18n_get(page_lang(r),
	    "%s: %s Feed"), of.kind, of.name), &feed);
	return page_render(r, "archive", view, 200);
}
