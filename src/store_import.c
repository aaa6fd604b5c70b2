/*
 * store_import: the queries of what a WordPress import keeps (see
 * store.h): the map from a file's keys and ids to our rows, and the
 * redirect table of old paths, which the editor's slug changes use
 * too.  Written once for both engines, except the one step that only
 * PostgreSQL needs: its sequences after rows were given their ids.
 */
#include <stddef.h>

#include "arena.h"
#include "store_query.h"

int
store_import_find(struct store_conn *c, const char *kind, const char *key,
    int64_t *item)
{
	int	 rc;

	rc = q_int(q(c, "SELECT item FROM imported WHERE kind = ?1 AND"
	    " key = ?2", "tt", kind, key), item);
	return rc == STORE_OK && *item == 0 ? STORE_NOTFOUND : rc;
}

int
store_import_old(struct store_conn *c, const char *kind, int64_t old_id,
    int64_t *item)
{
	int	 rc;

	rc = q_int(q(c, "SELECT item FROM imported WHERE kind = ?1 AND"
	    " old_id = ?2 ORDER BY item DESC LIMIT 1", "ti", kind, old_id),
	    item);
	return rc == STORE_OK && *item == 0 ? STORE_NOTFOUND : rc;
}

int
store_import_add(struct store_conn *c, const char *kind, const char *key,
    int64_t old_id, int64_t item)
{
	return q_exec(q(c, "INSERT INTO imported (kind, key, old_id, item)"
	    " VALUES (?1, ?2, ?3, ?4)", "ttii", kind, key, old_id, item));
}

int
store_ids_sync(struct store_conn *c)
{
	int64_t	 v;
	int	 rc;

	if (q_engine(c) != DB_PG)
		return STORE_OK;	/* a new rowid is always max + 1 */
	/* coalesce: setval of NULL (an empty table) would be NULL. */
	rc = q_int(q(c, "SELECT setval(pg_get_serial_sequence('posts',"
	    " 'id'), coalesce((SELECT max(id) FROM posts), 1))", ""), &v);
	if (rc == STORE_OK)
		rc = q_int(q(c, "SELECT setval(pg_get_serial_sequence("
		    "'comments', 'id'), coalesce((SELECT max(id) FROM"
		    " comments), 1))", ""), &v);
	if (rc == STORE_OK)
		rc = q_int(q(c, "SELECT setval(pg_get_serial_sequence("
		    "'terms', 'id'), coalesce((SELECT max(id) FROM terms),"
		    " 1))", ""), &v);
	return rc;
}

int
store_redirect_add(struct store_conn *c, const char *path, int64_t post_id,
    int64_t media_id, int replace)
{
	int	 rc;

	if (replace)
		return q_exec(q(c, "INSERT INTO redirects (path, post_id,"
		    " media_id) VALUES (?1, NULLIF(CAST(?2 AS BIGINT), 0),"
		    " NULLIF(CAST(?3 AS BIGINT), 0)) ON CONFLICT (path) DO"
		    " UPDATE SET post_id = NULLIF(CAST(?2 AS BIGINT), 0),"
		    " media_id = NULLIF(CAST(?3 AS BIGINT), 0)", "tii", path,
		    post_id, media_id));
	rc = q_changed(q(c, "INSERT INTO redirects (path, post_id,"
	    " media_id) VALUES (?1, NULLIF(CAST(?2 AS BIGINT), 0),"
	    " NULLIF(CAST(?3 AS BIGINT), 0)) ON CONFLICT (path) DO NOTHING"
	    " RETURNING path", "tii", path, post_id, media_id));
	return rc == STORE_NOTFOUND ? STORE_CONFLICT : rc;
}

static void
fill_redirect(struct arena *a, struct db_stmt *s, void *v)
{
	struct redirect	*r = v;

	r->post_id = col_int(s, 0);
	r->type = col_text(a, s, 1);
	r->slug = col_text(a, s, 2);
	r->published = col_int(s, 3);
	r->media_hash = col_text(a, s, 4);
	r->media_mime = col_text(a, s, 5);
}

int
store_redirect_get(struct store_conn *c, struct arena *a, const char *path,
    struct redirect *out)
{
	return q_one(q(c, "SELECT coalesce(p.id, 0), p.type, p.slug,"
	    " coalesce(p.published, 0), m.hash, m.mime FROM redirects r"
	    " LEFT JOIN posts p ON p.id = r.post_id AND p.status = 'publish'"
	    " LEFT JOIN media m ON m.id = r.media_id WHERE r.path = ?1", "t", path), a,
	    sizeof(*out), fill_redirect, out);
}
