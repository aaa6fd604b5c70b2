/*
 * page_home: the front page, "/" and "/page/N/": the latest posts with
 * their excerpts, newest first.
 */
#include "page.h"
#include "req.h"
#include "store.h"

int
page_home(struct req *r)
{
	struct post_query	 q = { .type = "post" };
	json_t			*view, *head;
	int			 rc;

	view = page_view(r);
	head = json_object_get(view, "head");
	view_str(head, "title", json_string_value(json_object_get(
	    json_object_get(view, "site"), "tagline")));
	view_str(head, "canonical", r->route.page == 1 ? "/" : NULL);
	rc = page_list(r, &q, view);
	if (rc != STORE_OK) {
		json_decref(view);
		return rc == STORE_NOTFOUND ? page_notfound(r) :
		    page_error(r, rc == STORE_DOWN ? 503 : 500);
	}
	return page_render(r, "home", view, 200);
}
