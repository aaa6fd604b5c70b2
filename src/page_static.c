/*
 * page_static: a static page at /slug/ (WordPress's "pages"), such as the
 * privacy page the comment form links to.
 */
#include <string.h>

#include "buf.h"
#include "page.h"
#include "req.h"
#include "store.h"

int
page_static(struct req *r)
{
	struct post		 p;
	struct buf		 b;
	json_t			*view, *o;
	const struct picture	*featured;
	int			 rc;

	rc = store_post_by_slug(r->conn, &r->arena, "page",
	    r->route.slug, &p);
	if (rc == STORE_NOTFOUND)
		return page_notfound(r);
	if (rc != STORE_OK)
		return page_error(r, rc == STORE_DOWN ? 503 : 500);
	view = page_view(r);
	o = json_object();
	view_str(o, "title", p.title);
	buf_init(&b);
	page_body(r, &p, &b, &featured);
	if (featured != NULL)
		json_object_set_new(o, "featured", view_picture(r, featured,
		    p.featured_alt, 0, NULL, 1));
	/*
	 * {{{page.body}}}: writers' HTML, trusted as WordPress trusts
	 * editors' and admins', or filtered by kses (an author's).
	 */
	view_str(o, "body", b.data);
	buf_reset(&b);
	view_str(o, "modified", page_human_date(r, p.modified));
	view_str(o, "modified_iso", page_iso_date(r, p.modified));
	json_object_set_new(view, "page", o);
	view_str(json_object_get(view, "head"), "title", p.title);
	return page_render(r, "page", view, 200);
}
