/*
 * store_site: the queries of what belongs to the site as a whole (see
 * store.h), written once for both engines (store_query.h): its settings,
 * its media library and the pictures' bytes when the database keeps
 * them, and the privacy log of exports and erasures.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "alloc.h"
#include "arena.h"
#include "buf.h"
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
	size_t			 i;
	int64_t			 mid;
	int			 rc;

	rc = q_insert(q(c, "INSERT INTO media (hash, mime, width, height,"
	    " bytes, alt, created) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
	    " RETURNING id", "ttnniti", m->hash, m->mime, m->width, m->height,
	    m->bytes, m->alt, (int64_t)time(NULL)), &mid);
	if (id != NULL)
		*id = mid;
	for (i = 0; i < m->nsizes && rc == STORE_OK; i++)
		rc = store_media_size_add(c, mid, &m->sizes[i]);
	return rc;
}

int
store_media_size_add(struct store_conn *c, int64_t media_id,
    const struct media_size *s)
{
	return q_exec(q(c, "INSERT INTO media_sizes (media_id, width, height,"
	    " hash, mime) VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING",
	    "inntt", media_id, s->width, s->height, s->hash, s->mime));
}

static void
fill_size(struct arena *a, struct db_stmt *s, void *v)
{
	struct media_size	*m = v;

	m->width = (int)col_int(s, 0);
	m->height = (int)col_int(s, 1);
	m->hash = col_text(a, s, 2);
	m->mime = col_text(a, s, 3);
}

int
store_media_sizes(struct store_conn *c, struct arena *a, int64_t media_id,
    struct media_size **out, size_t *n)
{
	return q_many(q(c, "SELECT width, height, hash, mime FROM media_sizes"
	    " WHERE media_id = ?1 ORDER BY width, mime = 'image/webp', hash",
	    "i", media_id), a, sizeof(**out), fill_size, (void **)out, n);
}

int
store_blob_put(struct store_conn *c, const char *hash, const char *mime,
    const void *p, size_t len, int64_t now, int *made)
{
	int	 rc;

	*made = 0;
	rc = q_changed(q(c, "INSERT INTO media_blobs (hash, mime, size, bytes,"
	    " created) VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (hash) DO"
	    " NOTHING RETURNING hash", "ttibi", hash, mime, (int64_t)len, p,
	    len, now));
	if (rc == STORE_OK)
		*made = 1;
	return rc == STORE_NOTFOUND ? STORE_OK : rc;
}

int
store_blob_get(struct store_conn *c, struct arena *a, const char *hash,
    size_t max, struct media_blob *out)
{
	struct db_stmt	*s;
	const void	*p;
	size_t		 len;
	int		 rc;

	memset(out, 0, sizeof(*out));
	if ((s = q(c, "SELECT hash, mime, size, bytes FROM media_blobs"
	    " WHERE hash = ?1", "t", hash)) == NULL)
		return STORE_ERROR;
	if ((rc = q_step(s)) != DB_ROW) {
		q_done(s);
		return rc < 0 ? -rc : STORE_NOTFOUND;
	}
	out->size = col_int(s, 2);
	if (out->size < 0 || (uint64_t)out->size > max) {
		fprintf(stderr, "galley: media %s: %lld bytes, over %zu\n",
		    hash, (long long)out->size, max);
		q_done(s);
		return STORE_ERROR;
	}
	p = col_blob(s, 3, &len);
	if (len != (size_t)out->size || (p == NULL && len > 0)) {
		fprintf(stderr, "galley: media %s: %zu bytes stored, %lld"
		    " recorded\n", hash, len, (long long)out->size);
		q_done(s);
		return STORE_ERROR;
	}
	out->hash = col_text(a, s, 0);
	out->mime = col_text(a, s, 1);
	out->data = xmalloc(len > 0 ? len : 1);
	memcpy(out->data, p, len);
	q_done(s);
	return STORE_OK;
}

int
store_blob_delete(struct store_conn *c, const char *hash, int if_unused)
{
	if (!if_unused)
		return q_changed(q(c, "DELETE FROM media_blobs WHERE hash = ?1"
		    " RETURNING hash", "t", hash));
	return q_changed(q(c, "DELETE FROM media_blobs WHERE hash = ?1"
	    " AND NOT EXISTS (SELECT 1 FROM comments WHERE image = ?1 OR"
	    " thumb = ?1) AND NOT EXISTS (SELECT 1 FROM media WHERE"
	    " hash = ?1) AND NOT EXISTS (SELECT 1 FROM media_sizes WHERE"
	    " hash = ?1) RETURNING hash", "t", hash));
}

static void
fill_blob(struct arena *a, struct db_stmt *s, void *v)
{
	struct media_blob	*b = v;

	b->hash = col_text(a, s, 0);
	b->mime = col_text(a, s, 1);
	b->size = col_int(s, 2);
}

int
store_blob_list(struct store_conn *c, struct arena *a, const char *after,
    int64_t limit, struct media_blob **out, size_t *n)
{
	return q_many(q(c, "SELECT hash, mime, size FROM media_blobs WHERE"
	    " hash > ?1 ORDER BY hash LIMIT ?2", "ti", after, limit), a,
	    sizeof(**out), fill_blob, (void **)out, n);
}
#define MEDIA_COLS "id, hash, mime, width, height, bytes, alt, created," \
	" caption"

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
	m->caption = col_text(a, s, 8);
}

int
store_media_by_hash(struct store_conn *c, struct arena *a, const char *hash,
    struct media *out)
{
	/* fill_media reads MEDIA_COLS, the caption last. */
	return q_one(q(c, "SELECT " MEDIA_COLS " FROM media WHERE hash = ?1",
	    "t", hash), a, sizeof(*out), fill_media, out);
}

int
store_media_list(struct store_conn *c, struct arena *a, int64_t offset,
    int64_t limit, struct media **out, size_t *n, int64_t *total)
{
	int	 rc;

	if ((rc = q_int(q(c, "SELECT count(*) FROM media", ""), total)) !=
	    STORE_OK)
		return rc;
	return q_many(q(c, "SELECT " MEDIA_COLS " FROM media ORDER BY"
	    " created DESC, id DESC LIMIT ?1 OFFSET ?2", "ii", limit, offset),
	    a, sizeof(**out), fill_media, (void **)out, n);
}

int
store_media_get(struct store_conn *c, struct arena *a, int64_t id,
    struct media *out)
{
	return q_one(q(c, "SELECT " MEDIA_COLS " FROM media WHERE id = ?1",
	    "i", id), a, sizeof(*out), fill_media, out);
}

static void
fill_found(struct arena *a, struct db_stmt *s, void *v)
{
	struct media_size	*m = v;

	m->media_id = col_int(s, 0);
	m->width = (int)col_int(s, 1);
	m->height = (int)col_int(s, 2);
	m->hash = col_text(a, s, 3);
	m->mime = col_text(a, s, 4);
	m->old_id = col_int(s, 5);
}

/*
 * The items' files: those named in media_sizes, and each item's display
 * copy (the same row again when it has sizes: UNION keeps one).  The
 * engine's way to read a list bound as one value goes in as hashes and
 * ids.
 */
#define MEDIA_FIND(hashes, ids, olds) \
	"SELECT f.*, coalesce((SELECT max(i.old_id) FROM imported i" \
	" WHERE i.kind = 'media' AND i.old_id IN (" olds ") AND" \
	" i.item = f.media_id), 0) FROM (SELECT media_id, width, height," \
	" hash, mime" \
	" FROM media_sizes WHERE media_id IN (SELECT media_id FROM" \
	" media_sizes WHERE hash IN (" hashes ") UNION SELECT id FROM" \
	" media WHERE hash IN (" hashes ")" \
	" OR id IN (" ids ") OR id IN (" IMPORTED(olds) ")) UNION" \
	" SELECT id, width, height, hash, mime" \
	" FROM media WHERE id IN (SELECT media_id FROM media_sizes WHERE" \
	" hash IN (" hashes ")) OR hash IN (" hashes ") OR id IN (" ids ")" \
	" OR id IN (" IMPORTED(olds) ")" \
	") f ORDER BY media_id, width, mime = 'image/webp', hash"
/* The items imported as the WordPress attachments olds names. */
#define IMPORTED(olds) \
	"SELECT item FROM imported WHERE kind = 'media' AND old_id IN (" \
	olds ")"

/* Appends the list s[0..n) as a PostgreSQL array or a JSON one. */
static char *
id_list(struct arena *a, int pg, const char *const *s, const int64_t *v,
    size_t n)
{
	struct buf	 b;
	char		*out;
	size_t		 i;

	buf_init(&b);
	buf_putc(&b, pg ? '{' : '[');
	for (i = 0; i < n; i++) {
		if (i > 0)
			buf_putc(&b, ',');
		/* Hex hashes and numbers: nothing to quote in either. */
		if (s != NULL)
			buf_printf(&b, pg ? "%s" : "\"%s\"", s[i]);
		else
			buf_printf(&b, "%lld", (long long)v[i]);
	}
	buf_putc(&b, pg ? '}' : ']');
	out = arena_strdup(a, b.data);
	buf_reset(&b);
	return out;
}

int
store_media_find(struct store_conn *c, struct arena *a,
    const char *const *hash, size_t nhash, const int64_t *id, size_t nid,
    const int64_t *old, size_t nold, struct media_size **out, size_t *n)
{
	int		 pg = q_engine(c) == DB_PG;
	const char	*h, *ids, *olds;
	size_t		 i;

	*out = NULL;
	*n = 0;
	if (nhash == 0 && nid == 0 && nold == 0)
		return STORE_OK;
	for (i = 0; i < nhash; i++)
		if (strspn(hash[i], "0123456789abcdef") != strlen(hash[i]))
			return STORE_ERROR;	/* the caller checks them */
	h = id_list(a, pg, hash, NULL, nhash);
	ids = id_list(a, pg, NULL, id, nid);
	olds = id_list(a, pg, NULL, old, nold);
	if (pg)
		return q_many(q(c, MEDIA_FIND(
		    "SELECT unnest(CAST(?1 AS text[]))",
		    "SELECT unnest(CAST(?2 AS bigint[]))",
		    "SELECT unnest(CAST(?3 AS bigint[]))"), "ttt", h, ids,
		    olds), a, sizeof(**out), fill_found, (void **)out, n);
	return q_many(q(c, MEDIA_FIND("SELECT value FROM json_each(?1)",
	    "SELECT value FROM json_each(?2)",
	    "SELECT value FROM json_each(?3)"), "ttt", h, ids, olds), a,
	    sizeof(**out), fill_found, (void **)out, n);
}

int
store_media_attach(struct store_conn *c, int64_t id, int64_t post_id,
    int64_t order)
{
	return q_exec(q(c, "INSERT INTO attachments (media_id, post_id,"
	    " menu_order) VALUES (?1, ?2, ?3) ON CONFLICT (media_id) DO"
	    " NOTHING", "iii", id, post_id, order));
}

int
store_media_attached(struct store_conn *c, struct arena *a, int64_t post_id,
    int64_t limit, int64_t **ids, size_t *n)
{
	return q_many(q(c, "SELECT media_id FROM attachments WHERE post_id ="
	    " ?1 ORDER BY menu_order, media_id LIMIT ?2", "ii", post_id,
	    limit), a,
	    sizeof(**ids), q_fill_id, (void **)ids, n);
}

int
store_media_edit(struct store_conn *c, int64_t id, const char *alt,
    const char *caption)
{
	return q_changed(q(c, "UPDATE media SET alt = ?2, caption = ?3"
	    " WHERE id = ?1 RETURNING id", "itt", id, alt, caption));
}

static void
fill_user(struct arena *a, struct db_stmt *s, void *v)
{
	struct post	*p = v;

	p->id = col_int(s, 0);
	p->type = col_text(a, s, 1);
	p->title = col_text(a, s, 2);
	p->status = col_text(a, s, 3);
}

int
store_media_users(struct store_conn *c, struct arena *a, int64_t id,
    struct post **out, size_t *n)
{
	return q_many(q(c, "SELECT id, type, title, status FROM posts p"
	    " WHERE featured_media = ?1 OR EXISTS (SELECT 1 FROM media m"
	    " WHERE m.id = ?1 AND p.body LIKE '%' || m.hash || '%')"
	    " OR EXISTS (SELECT 1 FROM media_sizes s WHERE s.media_id = ?1"
	    " AND p.body LIKE '%' || s.hash || '%') ORDER BY id", "i", id), a,
	    sizeof(**out), fill_user, (void **)out, n);
}

int
store_media_delete(struct store_conn *c, int64_t id)
{
	int	 rc;

	/* SET NULL by hand too: an engine's foreign keys may be off. */
	if ((rc = q_exec(q(c, "UPDATE posts SET featured_media = NULL"
	    " WHERE featured_media = ?1", "i", id))) != STORE_OK ||
	    (rc = q_exec(q(c, "DELETE FROM media_sizes WHERE media_id = ?1",
	    "i", id))) != STORE_OK)
		return rc;
	return q_changed(q(c, "DELETE FROM media WHERE id = ?1 RETURNING id",
	    "i", id));
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

