/*
 * store_site: the queries of what belongs to the site as a whole (see
 * store.h), written once for both engines (store_query.h): its settings,
 * its media library, and the privacy log of exports and erasures.
 */
#include <stddef.h>
#include <time.h>

#include "arena.h"
#include "store_query.h"

int
store_setting_get(struct store_conn *c, struct arena *a, const char *key,
    char **val)
{
	struct db_stmt	*s;
	int		 rc;

	if ((s = q(c, "SELECT value FROM settings WHERE key = ?1", "t",
	    key)) == NULL)
		return STORE_ERROR;
	if ((rc = q_step(s)) == DB_ROW)
		*val = col_text(a, s, 0);
	q_done(s);
	if (rc < 0)
		return -rc;
	return rc == DB_ROW ? STORE_OK : STORE_NOTFOUND;
}

static void
fill_setting(struct arena *a, struct db_stmt *s, void *v)
{
	struct setting_value	*sv = v;

	sv->key = col_text(a, s, 0);
	sv->value = col_text(a, s, 1);
}

int
store_settings_all(struct store_conn *c, struct arena *a,
    struct setting_value **out, size_t *n)
{
	return q_many(q(c, "SELECT key, value FROM settings", ""), a,
	    sizeof(**out), fill_setting, (void **)out, n);
}

int
store_setting_set(struct store_conn *c, const char *key, const char *val)
{
	return q_exec(q(c, "INSERT INTO settings (key, value) VALUES (?1, ?2)"
	    " ON CONFLICT (key) DO UPDATE SET value = ?2", "tt", key, val));
}

int
store_media_add(struct store_conn *c, const struct media *m, int64_t *id)
{
	return q_insert(q(c, "INSERT INTO media (hash, mime, width, height,"
	    " bytes, alt, created) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
	    " RETURNING id", "ttnniti", m->hash, m->mime, m->width, m->height,
	    m->bytes, m->alt, (int64_t)time(NULL)), id);
}

static void
fill_media(struct arena *a, struct db_stmt *s, void *v)
{
	struct media	*m = v;

	m->id = col_int(s, 0);
	m->hash = col_text(a, s, 1);
	m->mime = col_text(a, s, 2);
	m->width = (int)col_int(s, 3);
	m->height = (int)col_int(s, 4);
	m->bytes = col_int(s, 5);
	m->alt = col_text(a, s, 6);
	m->created = col_int(s, 7);
}

int
store_media_by_hash(struct store_conn *c, struct arena *a, const char *hash,
    struct media *out)
{
	return q_one(q(c, "SELECT id, hash, mime, width, height, bytes, alt,"
	    " created FROM media WHERE hash = ?1", "t", hash), a,
	    sizeof(*out), fill_media, out);
}

int
store_media_list(struct store_conn *c, struct arena *a, int64_t offset,
    int64_t limit, struct media **out, size_t *n, int64_t *total)
{
	int	 rc;

	if ((rc = q_int(q(c, "SELECT count(*) FROM media", ""), total)) !=
	    STORE_OK)
		return rc;
	return q_many(q(c, "SELECT id, hash, mime, width, height, bytes, alt,"
	    " created FROM media ORDER BY created DESC, id DESC LIMIT ?1"
	    " OFFSET ?2", "ii", limit, offset), a, sizeof(**out), fill_media,
	    (void **)out, n);
}

int
store_privacy_log_add(struct store_conn *c, const struct privacy_entry *e)
{
	return q_exec(q(c, "INSERT INTO privacy_log (created, user_id, action,"
	    " subject, items) VALUES (?1, ?2, ?3, ?4, ?5)", "iitti",
	    e->created, e->user_id, e->action, e->subject, e->items));
}

static void
fill_privacy(struct arena *a, struct db_stmt *s, void *v)
{
	struct privacy_entry	*e = v;

	e->created = col_int(s, 0);
	e->user_id = col_int(s, 1);
	e->user_name = col_text(a, s, 2);
	e->action = col_text(a, s, 3);
	e->subject = col_text(a, s, 4);
	e->items = col_int(s, 5);
}

int
store_privacy_log_list(struct store_conn *c, struct arena *a, int64_t limit,
    struct privacy_entry **out, size_t *n)
{
	return q_many(q(c, "SELECT l.created, l.user_id, coalesce(u.name, ''),"
	    " l.action, l.subject, l.items FROM privacy_log l LEFT JOIN users"
	    " u ON u.id = l.user_id ORDER BY l.id DESC LIMIT ?1", "i", limit),
	    a, sizeof(**out), fill_privacy, (void **)out, n);
}

int
store_media_get(struct store_conn *c, struct arena *a, int64_t id,
    struct media *out)
{
	return q_one(q(c, "SELECT id, hash, mime, width, height, bytes, alt,"
	    " created FROM media WHERE id = ?1", "i", id), a, sizeof(*out),
	    fill_media, out);
}
