/*
 * page_menu: what every reader's page shows of the site's appearance
 * (store_menu.h): the menu as a tree of one level, the logo, and
 * whether there is an icon for the head's links.  One query for a
 * rendered page; a page the cache answers asks nothing, and a change to
 * the menu or the pictures bumps the data generation, so no page shows
 * an old menu.  /favicon.ico and /apple-touch-icon.png are the icon's
 * files as made when it was set (page_icon).
 */
#include <string.h>
#include <jansson.h>

#include "buf.h"
#include "image.h"
#include "page.h"
#include "req.h"
#include "store.h"
#include "store_menu.h"
#include "url.h"

/* Appends the path or URL item it leads to. */
static void
item_url(struct buf *b, const struct menu_item *it)
{
	if (strcmp(it->kind, "page") == 0)
		url_page(b, it->slug);
	else if (strcmp(it->kind, "link") == 0)
		buf_puts(b, it->url);
	else
		url_term(b, it->kind, it->slug, 1);
}

/* The view of item it; current if it leads to the page shown (here). */
static json_t *
item_view(const struct menu_item *it, const char *here)
{
	json_t		*o = json_object();
	struct buf	 b;

	buf_init(&b);
	item_url(&b, it);
	view_str(o, "label", it->label[0] != '\0' ? it->label : it->name);
	view_str(o, "url", b.data);
	/* Always set: a sub-item must not take its parent's. */
	json_object_set_new(o, "current", json_boolean(here != NULL &&
	    strcmp(b.data, here) == 0));
	buf_reset(&b);
	return o;
}

/*
 * The menu as views: each top-level item (position order) with its
 * children under it.  An item whose parent is not shown (a draft page)
 * is not shown either.
 */
static json_t *
menu_view(const struct appearance *ap, const char *here)
{
	json_t		*menu = json_array(), *o, *kids;
	size_t		 i, k;

	for (i = 0; i < ap->nitems; i++) {
		if (ap->items[i].parent_id != 0)
			continue;
		o = item_view(&ap->items[i], here);
		kids = json_array();
		for (k = 0; k < ap->nitems; k++)
			if (ap->items[k].parent_id == ap->items[i].id)
				json_array_append_new(kids,
				    item_view(&ap->items[k], here));
		json_object_set_new(o, "has_children",
		    json_boolean(json_array_size(kids) > 0));
		json_object_set_new(o, "children", kids);
		json_array_append_new(menu, o);
	}
	return menu;
}

/* The logo's view: the file store_appearance chose, and its size. */
static json_t *
logo_view(const struct site_image *im)
{
	json_t		*o = json_object();
	const char	*ext = image_ext(im->mime);
	struct buf	 b;

	buf_init(&b);
	url_media(&b, im->hash, ext != NULL ? ext : "jpg");
	view_str(o, "src", b.data);
	view_int(o, "width", im->width);
	view_int(o, "height", im->height);
	buf_reset(&b);
	return o;
}

void
page_appearance(struct req *r, json_t *site)
{
	struct appearance	 ap;
	struct buf		 here;
	json_t			*menu;
	int			 rc;

	if (r->conn == NULL)
		return;
	if ((rc = store_appearance(r->conn, &r->arena, r->now, &ap)) !=
	    STORE_OK) {
		r->store_err = rc;
		return;
	}
	buf_init(&here);
	if (r->route.kind != ROUTE_NONE && r->route.kind != ROUTE_ADMIN)
		url_route(&here, &r->route);
	menu = menu_view(&ap, here.len > 0 ? here.data : NULL);
	buf_reset(&here);
	if (json_array_size(menu) > 0) {
		json_object_set_new(site, "menu", menu);
		json_object_set_new(site, "has_menu", json_true());
	} else
		json_decref(menu);
	if (ap.logo.media_id != 0)
		json_object_set_new(site, "logo", logo_view(&ap.logo));
	if (ap.icon.media_id != 0)
		json_object_set_new(site, "icon", json_true());
}

int
page_icon(struct req *r)
{
	int	 ico = strcmp(r->route.slug, "favicon.ico") == 0, rc;
	void	*data;
	size_t	 len;

	rc = store_site_icon(r->conn, &r->arena, ico ? "ico" : "touch",
	    &data, &len);
	if (rc == STORE_NOTFOUND)
		return page_notfound(r);
	if (rc != STORE_OK)
		return page_store_error(r, rc);
	buf_reset(&r->body);
	buf_write(data, len, &r->body);
	r->type = ico ? "image/x-icon" : "image/png";
	return 200;
}
