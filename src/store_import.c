/*
 * store_import: the queries of what a WordPress import keeps (see
 * store.h): the map from a file's keys and ids to our rows, and the
 * redirect table of old paths, which the editor's slug changes use
 * too; and the pages a WordPress export reads, each row with the key
 * and id it was imported under.  Written once for both engines, except
 * the one step that only PostgreSQL needs: its sequences after rows were
 * given their ids.
 */
#include <stddef.h>
#include <string.h>

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

int
store_redirect_drop(struct store_conn *c, const char *path)
{
	return q_exec(q(c, "DELETE FROM redirects WHERE path = ?1", "t",
	    path));
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

/*
 * The export's pages (export.c).  Each row's WordPress key and id come
 * from imported by the row (migration 15's index); a row imported under
 * two keys (one picture attached twice) shows the first.
 */
#define IMPORTED(what, kind, item) "(SELECT " what " FROM imported" \
	" WHERE kind = '" kind "' AND item = " item ")"

static void
fill_export_user(struct arena *a, struct db_stmt *s, void *v)
{
	struct export_user	*e = v;

	e->u.id = col_int(s, 0);
	e->u.slug = col_text(a, s, 1);
	e->u.name = col_text(a, s, 2);
	e->u.email = col_text(a, s, 3);
	e->login = col_text(a, s, 4);
}

int
store_export_users(struct store_conn *c, struct arena *a, int64_t after,
    int64_t limit, struct export_user **out, size_t *n)
{
	return q_many(q(c, "SELECT u.id, u.slug, u.name, u.email, coalesce("
	    IMPORTED("min(key)", "user", "u.id") ", u.slug) FROM users u"
	    " WHERE u.id > ?1 ORDER BY u.id LIMIT ?2", "ii", after, limit), a,
	    sizeof(**out), fill_export_user, (void **)out, n);
}

static void
fill_export_term(struct arena *a, struct db_stmt *s, void *v)
{
	struct export_term	*e = v;

	e->t.id = col_int(s, 0);
	e->t.taxonomy = col_text(a, s, 1);
	e->t.slug = col_text(a, s, 2);
	e->t.name = col_text(a, s, 3);
	e->t.parent_id = col_int(s, 4);
	e->t.description = col_text(a, s, 5);
	e->parent_slug = col_text(a, s, 6);
	e->old_id = col_int(s, 7);
	e->depth = col_int(s, 8);
}

/*
 * Parents before their children (WordPress's importer finds a parent
 * by slug only among the terms it has made): by depth, then id.
 */
int
store_export_terms(struct store_conn *c, struct arena *a, int64_t depth,
    int64_t after, int64_t limit, struct export_term **out, size_t *n)
{
	return q_many(q(c, "WITH RECURSIVE d(id, depth) AS (SELECT id, 0"
	    " FROM terms WHERE parent_id IS NULL UNION ALL SELECT t.id,"
	    " d.depth + 1 FROM terms t JOIN d ON t.parent_id = d.id WHERE"
	    " d.depth < 100) SELECT t.id, t.taxonomy, t.slug, t.name,"
	    " coalesce(t.parent_id, 0), t.description, coalesce(pt.slug, ''),"
	    " coalesce(" IMPORTED("max(old_id)", "term", "t.id") ", 0),"
	    " d.depth FROM d JOIN terms t ON t.id = d.id LEFT JOIN terms pt"
	    " ON pt.id = t.parent_id WHERE d.depth > ?1 OR (d.depth = ?1 AND"
	    " t.id > ?2) ORDER BY d.depth, t.id LIMIT ?3", "iii", depth,
	    after, limit), a, sizeof(**out), fill_export_term, (void **)out,
	    n);
}

static void
fill_export_post(struct arena *a, struct db_stmt *s, void *v)
{
	struct export_post	*e = v;
	struct post		*p = &e->p;

	p->id = col_int(s, 0);
	p->type = col_text(a, s, 1);
	p->slug = col_text(a, s, 2);
	p->title = col_text(a, s, 3);
	p->status = col_text(a, s, 4);
	p->author_id = col_int(s, 5);
	p->published = col_int(s, 6);
	p->modified = col_int(s, 7);
	p->format = col_text(a, s, 8);
	p->body = col_text(a, s, 9);
	p->excerpt = col_text(a, s, 10);
	p->comments_open = (int)col_int(s, 11);
	p->sticky = (int)col_int(s, 12);
	p->parent_id = col_int(s, 13);
	p->filtered = (int)col_int(s, 14);
	p->author_name = col_text(a, s, 15);
	e->login = col_text(a, s, 16);
	e->guid = col_text(a, s, 17);
	e->old_id = col_int(s, 18);
	e->parent_old = col_int(s, 19);
}

int
store_export_posts(struct store_conn *c, struct arena *a, int64_t after,
    int64_t limit, struct export_post **out, size_t *n)
{
	return q_many(q(c, "SELECT p.id, p.type, p.slug, p.title, p.status,"
	    " p.author_id, p.published, p.modified, p.format, p.body,"
	    " p.excerpt, p.comments_open, p.sticky, coalesce(p.parent_id, 0),"
	    " p.filtered, u.name, coalesce(" IMPORTED("min(key)", "user",
	    "p.author_id") ", u.slug), coalesce(" IMPORTED("min(key)", "post",
	    "p.id") ", ''), coalesce(" IMPORTED("max(old_id)", "post", "p.id")
	    ", 0), coalesce(" IMPORTED("max(old_id)", "post", "p.parent_id")
	    ", 0) FROM posts p JOIN users u ON u.id = p.author_id WHERE p.id >"
	    " ?1 ORDER BY p.id LIMIT ?2", "ii", after, limit), a,
	    sizeof(**out), fill_export_post, (void **)out, n);
}

static void
fill_export_comment(struct arena *a, struct db_stmt *s, void *v)
{
	struct export_comment	*e = v;
	struct comment		*cm = &e->c;

	cm->id = col_int(s, 0);
	cm->post_id = col_int(s, 1);
	cm->parent_id = col_int(s, 2);
	cm->author = col_text(a, s, 3);
	cm->email = col_text(a, s, 4);
	cm->url = col_text(a, s, 5);
	cm->content = col_text(a, s, 6);
	cm->status = col_text(a, s, 7);
	cm->created = col_int(s, 8);
	e->user_id = col_int(s, 9);
	e->old_id = col_int(s, 10);
	e->parent_old = col_int(s, 11);
}

int
store_export_comments(struct store_conn *c, struct arena *a,
    int64_t post_id, int64_t after, int64_t limit,
    struct export_comment **out, size_t *n)
{
	return q_many(q(c, "SELECT c.id, c.post_id, coalesce(c.parent_id, 0),"
	    " c.author, c.email, c.url, c.content, c.status, c.created,"
	    " coalesce(c.user_id, 0), coalesce(" IMPORTED("max(old_id)",
	    "comment", "c.id") ", 0), coalesce(" IMPORTED("max(old_id)",
	    "comment", "c.parent_id") ", 0) FROM comments c WHERE c.post_id ="
	    " ?1 AND c.id > ?2 ORDER BY c.id LIMIT ?3", "iii", post_id, after,
	    limit), a, sizeof(**out), fill_export_comment, (void **)out, n);
}

static void
fill_export_media(struct arena *a, struct db_stmt *s, void *v)
{
	struct export_media	*e = v;

	e->m.id = col_int(s, 0);
	e->m.hash = col_text(a, s, 1);
	e->m.mime = col_text(a, s, 2);
	e->m.width = (int)col_int(s, 3);
	e->m.height = (int)col_int(s, 4);
	e->m.bytes = col_int(s, 5);
	e->m.alt = col_text(a, s, 6);
	e->m.created = col_int(s, 7);
	e->guid = col_text(a, s, 8);
	e->old_id = col_int(s, 9);
	e->post_id = col_int(s, 10);
	e->post_old = col_int(s, 11);
	e->menu_order = col_int(s, 12);
}

int
store_export_media(struct store_conn *c, struct arena *a, int64_t after,
    int64_t limit, struct export_media **out, size_t *n)
{
	return q_many(q(c, "SELECT m.id, m.hash, m.mime, m.width, m.height,"
	    " m.bytes, m.alt, m.created, coalesce(" IMPORTED("min(key)",
	    "media", "m.id") ", ''), coalesce(" IMPORTED("max(old_id)",
	    "media", "m.id") ", 0), coalesce(t.post_id, 0), coalesce("
	    IMPORTED("max(old_id)", "post", "t.post_id") ", 0),"
	    " coalesce(t.menu_order, 0) FROM media m LEFT JOIN attachments t"
	    " ON t.media_id = m.id WHERE m.id > ?1 ORDER BY m.id"
	    " LIMIT ?2", "ii", after, limit), a, sizeof(**out),
	    fill_export_media, (void **)out, n);
}

int
store_export_id_free(struct store_conn *c, const char *kind, int64_t old,
    int *ok)
{
	int64_t	 v = 0;
	int	 rc;

	if (strcmp(kind, "comment") == 0)
		rc = q_int(q(c, "SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM"
		    " comments WHERE id = ?1) AND (SELECT count(*) FROM"
		    " imported WHERE kind = 'comment' AND old_id = ?1) = 1"
		    " THEN 1 ELSE 0 END", "i", old), &v);
	else if (strcmp(kind, "term") == 0)
		rc = q_int(q(c, "SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM"
		    " terms WHERE id = ?1) AND (SELECT count(*) FROM imported"
		    " WHERE kind = 'term' AND old_id = ?1) = 1 THEN 1 ELSE 0"
		    " END", "i", old), &v);
	else
		rc = q_int(q(c, "SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM"
		    " posts WHERE id = ?1) AND (SELECT count(*) FROM imported"
		    " WHERE kind IN ('post', 'media') AND old_id = ?1) = 1"
		    " THEN 1 ELSE 0 END", "i", old), &v);
	*ok = v == 1;
	return rc;
}

int
store_export_top(struct store_conn *c, int64_t *top)
{
	return q_int(q(c, "SELECT coalesce(max(x), 0) FROM (SELECT max(id) AS"
	    " x FROM posts UNION ALL SELECT max(old_id) AS x FROM imported"
	    " WHERE kind IN ('post', 'media')) AS t", ""), top);
}

static void
fill_path(struct arena *a, struct db_stmt *s, void *v)
{
	*(char **)v = col_text(a, s, 0);
}

int
store_export_redirects(struct store_conn *c, struct arena *a,
    int64_t post_id, int64_t media_id, char ***out, size_t *n)
{
	if (post_id != 0)
		return q_many(q(c, "SELECT path FROM redirects WHERE post_id ="
		    " ?1 ORDER BY path", "i", post_id), a, sizeof(char *),
		    fill_path, (void **)out, n);
	return q_many(q(c, "SELECT path FROM redirects WHERE media_id = ?1"
	    " ORDER BY path", "i", media_id), a, sizeof(char *), fill_path,
	    (void **)out, n);
}

static void
fill_export_cat(struct arena *a, struct db_stmt *s, void *v)
{
	struct term	*t = v;

	t->taxonomy = col_text(a, s, 0);
	t->slug = col_text(a, s, 1);
	t->name = col_text(a, s, 2);
}

int
store_export_post_terms(struct store_conn *c, struct arena *a,
    int64_t post_id, struct term **out, size_t *n)
{
	return q_many(q(c, "SELECT t.taxonomy, t.slug, t.name FROM post_terms"
	    " pt JOIN terms t ON t.id = pt.term_id WHERE pt.post_id = ?1"
	    " ORDER BY pt.position", "i", post_id), a, sizeof(**out),
	    fill_export_cat, (void **)out, n);
}
