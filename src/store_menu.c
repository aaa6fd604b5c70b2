/*
 * store_menu: the menu's items and the site's logo and icon (see
 * store_menu.h), written once for both engines.  Reading is one query,
 * the menu's rows and the pictures' rows in one UNION: a rendered page
 * pays one round trip for all of it, however the menu is made up.
 */
#include <stddef.h>
#include <string.h>

#include "arena.h"
#include "store.h"
#include "store_menu.h"
#include "store_query.h"

/*
 * The logo is shown from its narrowest stored copy at least this wide
 * (of the display copy's type), enough for a header on a dense screen;
 * the display copy when none is (up to 1600 px).
 */
#define LOGO_WIDTH	"640"

/*
 * The first column tells a menu row ('m') from a picture's (its role);
 * a picture's row carries the media item in the same columns:
 * id, -, -, mime, -, hash, alt, -, -, width, height.
 */
#define APPEARANCE_SQL \
	"SELECT 'm', mi.id, COALESCE(mi.parent_id, 0), mi.position," \
	" mi.kind, COALESCE(mi.post_id, mi.term_id, 0), mi.label, mi.url," \
	" COALESCE(p.slug, t.slug, ''), COALESCE(p.title, t.name, ''), 0, 0" \
	" FROM menu_items mi LEFT JOIN posts p ON p.id = mi.post_id" \
	" LEFT JOIN terms t ON t.id = mi.term_id" \
	" WHERE CAST(?1 AS BIGINT) = 0 OR mi.kind <> 'page' OR" \
	" (p.status = 'publish' AND p.published <= CAST(?1 AS BIGINT))" \
	" UNION ALL SELECT s.role, m.id, 0, 0, COALESCE(z.mime, m.mime), 0," \
	" COALESCE(z.hash, m.hash), m.alt, '', '', COALESCE(z.width," \
	" m.width), COALESCE(z.height, m.height) FROM site_images s" \
	" JOIN media m ON m.id = s.media_id" \
	" LEFT JOIN media_sizes z ON z.media_id = m.id AND z.hash =" \
	" (SELECT y.hash FROM media_sizes y WHERE y.media_id = m.id AND" \
	" y.mime = m.mime AND y.width >= " LOGO_WIDTH " ORDER BY y.width" \
	" LIMIT 1)" \
	" ORDER BY 4, 2"

/* Reads the current row into out's menu, logo or icon. */
static void
appearance_row(struct arena *a, struct db_stmt *s, struct appearance *out,
    size_t *cap)
{
	const char		*row = col_str(s, 0);
	struct site_image	*im;
	struct menu_item	*it, *grown;

	if (strcmp(row, "m") != 0) {
		im = strcmp(row, "logo") == 0 ? &out->logo : &out->icon;
		im->media_id = col_int(s, 1);
		im->mime = col_text(a, s, 4);
		im->hash = col_text(a, s, 6);
		im->alt = col_text(a, s, 7);
		im->width = (int)col_int(s, 10);
		im->height = (int)col_int(s, 11);
		return;
	}
	if (out->nitems == *cap) {
		*cap = *cap == 0 ? 16 : *cap * 2;
		grown = arena_alloc(a, *cap * sizeof(*grown));
		if (out->nitems > 0)
			memcpy(grown, out->items, out->nitems *
			    sizeof(*grown));
		out->items = grown;
	}
	it = &out->items[out->nitems++];
	it->id = col_int(s, 1);
	it->parent_id = col_int(s, 2);
	it->position = col_int(s, 3);
	it->kind = col_text(a, s, 4);
	it->ref_id = col_int(s, 5);
	it->label = col_text(a, s, 6);
	it->url = col_text(a, s, 7);
	it->slug = col_text(a, s, 8);
	it->name = col_text(a, s, 9);
}

int
store_appearance(struct store_conn *c, struct arena *a, int64_t now,
    struct appearance *out)
{
	struct db_stmt	*st = q(c, APPEARANCE_SQL, "i", now);
	size_t		 cap = 0;
	int		 rc;

	memset(out, 0, sizeof(*out));
	if (st == NULL)
		return STORE_ERROR;
	while ((rc = q_step(st)) == DB_ROW)
		appearance_row(a, st, out, &cap);
	q_done(st);
	return rc == DB_DONE ? STORE_OK : rc;
}

int
store_menu_add(struct store_conn *c, const struct menu_item *it,
    int64_t *id)
{
	int64_t	 ref = it->ref_id, parent = it->parent_id;

	return q_insert(q(c, "INSERT INTO menu_items (parent_id, position,"
	    " kind, post_id, term_id, label, url) VALUES"
	    " (NULLIF(CAST(?1 AS BIGINT), 0), (SELECT COALESCE(MAX(position),"
	    " 0) + 1 FROM menu_items WHERE COALESCE(parent_id, 0) ="
	    " CAST(?1 AS BIGINT)), ?2, CASE WHEN ?2 = 'page' THEN"
	    " CAST(?3 AS BIGINT) END, CASE WHEN ?2 IN ('category', 'tag')"
	    " THEN CAST(?3 AS BIGINT) END, ?4, ?5)"
	    " RETURNING id", "ititt", parent, it->kind, ref, it->label,
	    it->url), id);
}

int
store_menu_lift(struct store_conn *c, int64_t id, int64_t post_id,
    int64_t term_id)
{
	/*
	 * After the last top-level item, in their order: left to ON
	 * DELETE SET NULL they kept their places among siblings they no
	 * longer have, and fell among the top level's.
	 */
	return q_exec(q(c, "UPDATE menu_items SET parent_id = NULL,"
	    " position = position + (SELECT COALESCE(MAX(position), 0) FROM"
	    " menu_items WHERE parent_id IS NULL) WHERE parent_id IN (SELECT"
	    " id FROM menu_items WHERE id = ?1 OR post_id = ?2 OR"
	    " term_id = ?3)", "iii", id, post_id, term_id));
}

int
store_menu_delete(struct store_conn *c, int64_t id)
{
	int	 rc;

	if ((rc = store_menu_lift(c, id, 0, 0)) != STORE_OK)
		return rc;
	return q_changed(q(c, "DELETE FROM menu_items WHERE id = ?1"
	    " RETURNING id", "i", id));
}

int
store_menu_update(struct store_conn *c, const struct menu_item *it)
{
	return q_changed(q(c, "UPDATE menu_items SET label = ?2, url = ?3,"
	    " parent_id = NULLIF(CAST(?4 AS BIGINT), 0), position = ?5"
	    " WHERE id = ?1"
	    " RETURNING id", "ittii", it->id, it->label, it->url,
	    it->parent_id, it->position));
}

int
store_site_image_set(struct store_conn *c, const char *role,
    int64_t media_id, const void *ico, size_t icolen, const void *touch,
    size_t touchlen)
{
	/*
	 * One statement: a failed write leaves the old picture, and two
	 * uploads at once do not meet on the primary key.
	 */
	return q_exec(q(c, "INSERT INTO site_images (role, media_id, ico,"
	    " touch) VALUES (?1, ?2, ?3, ?4) ON CONFLICT (role) DO UPDATE"
	    " SET media_id = excluded.media_id, ico = excluded.ico,"
	    " touch = excluded.touch", "tibb", role, media_id, ico, icolen,
	    touch, touchlen));
}

int
store_site_image_clear(struct store_conn *c, const char *role)
{
	return q_exec(q(c, "DELETE FROM site_images WHERE role = ?1", "t",
	    role));
}

int
store_site_icon(struct store_conn *c, struct arena *a, const char *which,
    void **data, size_t *len)
{
	struct db_stmt	*st = q(c, strcmp(which, "ico") == 0 ?
	    "SELECT ico FROM site_images WHERE role = 'icon'" :
	    "SELECT touch FROM site_images WHERE role = 'icon'", "");
	const void	*p;
	int		 rc;

	*data = NULL;
	*len = 0;
	if (st == NULL)
		return STORE_ERROR;
	if ((rc = q_step(st)) == DB_ROW) {
		p = col_blob(st, 0, len);
		if (p == NULL || *len == 0)
			rc = STORE_NOTFOUND;
		else {
			*data = arena_alloc(a, *len);
			memcpy(*data, p, *len);
			rc = STORE_OK;
		}
	} else if (rc == DB_DONE)
		rc = STORE_NOTFOUND;
	q_done(st);
	return rc;
}

static void
fill_page(struct arena *a, struct db_stmt *s, void *v)
{
	struct menu_item	*it = v;

	it->kind = "page";
	it->ref_id = col_int(s, 0);
	it->slug = col_text(a, s, 1);
	it->name = col_text(a, s, 2);
	it->label = it->url = "";
}

int
store_menu_pages(struct store_conn *c, struct arena *a,
    struct menu_item **out, size_t *n)
{
	return q_many(q(c, "SELECT id, slug, title FROM posts WHERE"
	    " type = 'page' AND status = 'publish' ORDER BY title, id"
	    " LIMIT 1000", ""), a, sizeof(**out), fill_page, (void **)out, n);
}
