/*
 * store_menu: the site's menu and its pictures (migration 21), written
 * once for both engines in store_menu.c.  What every reader's page
 * shows of them (the menu, the logo, whether there is an icon) comes in
 * one query, store_appearance, asked once for each page rendered (a
 * cached page asks nothing).
 */
#ifndef GALLEY_STORE_MENU_H
#define GALLEY_STORE_MENU_H

#include <stddef.h>
#include <stdint.h>

struct arena;
struct store_conn;

/* The most items a menu holds: the admin refuses more. */
#define MENU_MAX_ITEMS	100

struct menu_item {
	int64_t	 id;
	int64_t	 parent_id;	/* 0: top level */
	int64_t	 position;	/* among its siblings */
	char	*kind;		/* "page", "category", "tag" or "link" */
	int64_t	 ref_id;	/* the page's or the term's id; 0: a link */
	char	*label;		/* as typed; "": the page's or term's name */
	char	*url;		/* a link's URL; "" for the others */
	char	*slug;		/* results: the page's or the term's */
	char	*name;		/* results: its title or name */
};

/* A media item shown as the logo, or made into the icon. */
struct site_image {
	int64_t	 media_id;	/* 0: none set */
	char	*hash;		/* the file shown: /media/HASH.ext (the
				   logo's narrowest copy of 640 px or more,
				   else its display copy), its type and size */
	char	*mime;
	int	 width, height;
	char	*alt;
};

/* What every reader's page shows: the menu, the logo, the icon. */
struct appearance {
	struct menu_item	*items;	/* position order, parents first */
	size_t			 nitems;
	struct site_image	 logo;
	struct site_image	 icon;
};

/*
 * Fills *out (in a) with the menu items (pages only while published at
 * now; every item when now is 0, for the admin) and the logo and icon,
 * in one query.  Items are ordered by position then id, top level and
 * sub-items mixed: menu_tree puts them in place.  A store_rc.
 */
int	store_appearance(struct store_conn *, struct arena *, int64_t now,
	    struct appearance *out);
/*
 * Adds it (kind, ref_id, label, url, parent_id) last among its
 * siblings; *id its id.  A store_rc.
 */
int	store_menu_add(struct store_conn *, const struct menu_item *it,
	    int64_t *id);
/*
 * Moves the sub-items of item id, or of the items of post post_id or
 * term term_id (0: none), to the end of the top level in their order:
 * called before any of those goes, so that its sub-items (which ON
 * DELETE SET NULL would leave among the top level's) come after it.
 */
int	store_menu_lift(struct store_conn *, int64_t id, int64_t post_id,
	    int64_t term_id);
/*
 * Deletes item id; its sub-items move to the end of the top level, in
 * their order.  Two statements: call it in a transaction.
 */
int	store_menu_delete(struct store_conn *, int64_t id);
/*
 * Sets item id's label and URL (a link's; "" for the others), parent
 * and position.  STORE_NOTFOUND if there is no such item.
 */
int	store_menu_update(struct store_conn *, const struct menu_item *it);
/*
 * The published pages a menu may name (at most 1,000, by title), as
 * items of kind "page": ref_id, slug, name.
 */
int	store_menu_pages(struct store_conn *, struct arena *,
	    struct menu_item **out, size_t *n);
/*
 * Sets the media item that is role's ("logo" or "icon"), with the
 * icon's files (ico, touch: NULL for the logo), replacing any before.
 */
int	store_site_image_set(struct store_conn *, const char *role,
	    int64_t media_id, const void *ico, size_t icolen,
	    const void *touch, size_t touchlen);
/* Forgets role's media item (the item stays in the library). */
int	store_site_image_clear(struct store_conn *, const char *role);
/*
 * The icon's stored file, which ("ico" or "touch"), copied into a:
 * *data and *len.  STORE_NOTFOUND when no icon is set.
 */
int	store_site_icon(struct store_conn *, struct arena *,
	    const char *which, void **data, size_t *len);

#endif
