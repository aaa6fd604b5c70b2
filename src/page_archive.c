/*
 * page_archive: the listings of one category (/category/slug/), tag
 * (/tag/slug/) or author (/author/slug/), newest first, paged as the
 * front page is.
 */
#include <string.h>

#include "arena.h"
#include "page.h"
#include "req.h"
#include "store.h"

/* Finds what the archive is of; fills q and the heading. */
static int
archive_subject(struct req *r, struct post_query *q, json_t *view)
{
	struct term	 t;
	struct user	 u;
	const char	*tax;
	int		 rc;

	if (r->route.kind == ROUTE_AUTHOR) {
		rc = store_user_by_slug(r->conn, &r->arena,
		    r->route.slug, &u);
		if (rc != STORE_OK)
			return rc;
		q->author_id = u.id;
		view_str(view, "kind", "Author");
		view_str(view, "name", u.name);
		view_str(view, "description", u.bio);
		return STORE_OK;
	}
	tax = r->route.kind == ROUTE_CATEGORY ? "category" : "tag";
	rc = store_term_by_slug(r->conn, &r->arena, tax,
	    r->route.slug, &t);
	if (rc != STORE_OK)
		return rc;
	q->term_id = t.id;
	view_str(view, "kind", r->route.kind == ROUTE_CATEGORY ?
	    "Category" : "Tag");
	view_str(view, "name", t.name);
	view_str(view, "description", t.description);
	return STORE_OK;
}

int
page_archive(struct req *r)
{
	struct post_query	 q = { .type = "post" };
	json_t			*view, *head;
	int			 rc;

	view = page_view(r);
	if ((rc = archive_subject(r, &q, view)) == STORE_OK)
		rc = page_list(r, &q, view);
	if (rc != STORE_OK) {
		json_decref(view);
		return rc == STORE_NOTFOUND ? page_notfound(r) :
		    page_error(r, rc == STORE_DOWN ? 503 : 500);
	}
	head = json_object_get(view, "head");
	view_str(head, "title", arena_printf(&r->arena, "%s: %s",
	    json_string_value(json_object_get(view, "kind")),
	    json_string_value(json_object_get(view, "name"))));
	return page_render(r, "archive", view, 200);
}
