/*
 * store: the pool, transactions and data generation of the store (see
 * store.h), picked by URI among the drivers (db.h), and the helpers the
 * query files share (store_query.h).  The queries themselves are written
 * once, by noun, in store_post.c, store_comment.c and the like.
 */
#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "pool.h"
#include "store_query.h"

/* How long a request waits for a connection before it answers 503. */
#define STORE_WAIT_MS	5000

static const struct db_driver *const drivers[] = {
	&db_pg,
	&db_sqlite,	/* last: it takes any path */
};

int
store_open(const char *uri, int create, struct store **out, char *err,
    size_t errlen)
{
	const char *const	*steps;
	size_t			 i;
	int			 n;

	for (i = 0; i < sizeof(drivers) / sizeof(drivers[0]); i++) {
		if (!drivers[i]->match(uri))
			continue;
		steps = store_schema(drivers[i]->engine, &n);
		return drivers[i]->open(uri, create, steps, n, out, err,
		    errlen);
	}
	snprintf(err, errlen, "%s: no storage back end for this URI", uri);
	return STORE_ERROR;
}

int
store_open_as_is(const char *uri, struct store **out, char *err,
    size_t errlen)
{
	size_t	 i;

	for (i = 0; i < sizeof(drivers) / sizeof(drivers[0]); i++)
		if (drivers[i]->match(uri))
			return drivers[i]->open(uri, 0, NULL, 0, out, err,
			    errlen);
	snprintf(err, errlen, "%s: no storage back end for this URI", uri);
	return STORE_ERROR;
}

int
store_replace(const char *uri, const char *from, char *err, size_t errlen)
{
	size_t	 i;

	for (i = 0; i < sizeof(drivers) / sizeof(drivers[0]); i++)
		if (drivers[i]->match(uri) && drivers[i]->replace != NULL)
			return drivers[i]->replace(uri, from, err, errlen);
	snprintf(err, errlen, "%s: not a database file", uri);
	return STORE_ERROR;
}

const char *
store_engine(const struct store_conn *c)
{
	return c->drv->name;
}

int
store_snapshot(struct store_conn *c)
{
	return c->drv->snapshot(c);
}

int
store_copy(struct store_conn *c, const char *path)
{
	return c->drv->copy != NULL ? c->drv->copy(c, path) : STORE_ERROR;
}

int
store_schema_latest(void)
{
	int	 n, m;

	store_schema(DB_SQLITE, &n);
	store_schema(DB_PG, &m);
	assert(n == m);
	return n;
}

void
store_close(struct store *s)
{
	if (s != NULL)
		s->drv->close(s);
}

int
store_shared(const struct store *s)
{
	return s->drv->engine == DB_PG;
}

struct store_conn *
store_conn_get(struct store *s)
{
	return s->drv->get(s, STORE_WAIT_MS);
}

struct store_conn *
store_conn_try(struct store *s)
{
	return s->drv->get(s, 0);
}

void
store_pool_stats(struct store *s, struct pool_stats *st)
{
	pool_stats(s->pool, st);
}

int
store_schema_version(struct store_conn *c, int64_t *version, int64_t *latest)
{
	*latest = store_schema_latest();
	/* Where each driver's migrate() keeps the number. */
	if (q_engine(c) == DB_PG)
		return q_int(q(c, "SELECT coalesce(max(version), 0) FROM"
		    " schema_version", ""), version);
	return q_int(q(c, "PRAGMA user_version", ""), version);
}

void
store_conn_put(struct store *s, struct store_conn *c)
{
	if (c != NULL)
		s->drv->put(s, c);
}

int
store_conns(const struct store *s)
{
	struct pool_stats	 st;

	pool_stats(s->pool, &st);
	return st.max;
}

void
store_set_conns(struct store *s, int n)
{
	pool_resize(s->pool, n);
}

int
store_watch(struct store *s)
{
	return s->drv->watch != NULL ? s->drv->watch(s) : -1;
}

int
store_generation_hint(struct store *s, int64_t *gen)
{
	return s->drv->generation_hint != NULL &&
	    s->drv->generation_hint(s, gen);
}

void
store_generation_note(struct store *s, int64_t gen)
{
	if (s->drv->generation_note != NULL)
		s->drv->generation_note(s, gen);
}

const char *
store_rc_name(int rc)
{
	static const char *const names[] = {
		"ok", "not found", "conflict", "retry", "database down",
		"database error", "disk full"
	};

	if (rc < 0 || (size_t)rc >= sizeof(names) / sizeof(names[0]))
		return "unknown";
	return names[rc];
}

int
store_begin(struct store_conn *c)
{
	return c->drv->begin(c);
}

int
store_read_begin(struct store_conn *c)
{
	return c->drv->read_begin != NULL ? c->drv->read_begin(c) : STORE_OK;
}

int
store_bulk(struct store_conn *c)
{
	return c->drv->bulk != NULL ? c->drv->bulk(c) : STORE_OK;
}

int
store_read_end(struct store_conn *c)
{
	return c->drv->read_begin != NULL ? c->drv->commit(c) : STORE_OK;
}

int
store_commit(struct store_conn *c)
{
	return c->drv->commit(c);
}

int
store_rollback(struct store_conn *c)
{
	return c->drv->rollback(c);
}

int
store_savepoint(struct store_conn *c)
{
	return c->drv->savepoint(c, "SAVEPOINT item");
}

int
store_savepoint_keep(struct store_conn *c)
{
	return c->drv->savepoint(c, "RELEASE item");
}

int
store_savepoint_undo(struct store_conn *c)
{
	int	 rc;

	if ((rc = c->drv->savepoint(c, "ROLLBACK TO item")) == STORE_OK)
		rc = c->drv->savepoint(c, "RELEASE item");
	return rc;
}

int
store_lock(struct store_conn *c, const char *key)
{
	return c->drv->lock(c, key);
}

int
store_generation(struct store_conn *c, int64_t *gen)
{
	return q_int(q(c, "SELECT n FROM generation WHERE id = 1", ""), gen);
}

int
store_generation_bump(struct store_conn *c)
{
	/* As the triggers do: the new number, and on PostgreSQL the news. */
	if (q_engine(c) == DB_PG)
		return q_exec(q(c, "WITH g AS (UPDATE generation SET n = n + 1"
		    " WHERE id = 1 RETURNING n) SELECT pg_notify("
		    "'galley_generation', CAST(n AS TEXT)) FROM g", ""));
	return q_exec(q(c, "UPDATE generation SET n = n + 1 WHERE id = 1",
	    ""));
}

struct db_stmt *
q(struct store_conn *c, const char *sql, const char *types, ...)
{
	struct db_stmt	*st = c->drv->stmt(c, sql);
	const char	*t;
	va_list		 ap;
	int		 i;

	if (st == NULL)
		return NULL;
	va_start(ap, types);
	for (i = 0; types[i] != '\0'; i++)
		switch (types[i]) {
		case 't':
			c->drv->bind_text(st, i + 1, va_arg(ap, const char *));
			break;
		case 'z':
			if ((t = va_arg(ap, const char *)) != NULL)
				c->drv->bind_text(st, i + 1, t);
			else
				c->drv->bind_null(st, i + 1);
			break;
		case 'i':
			c->drv->bind_int(st, i + 1, va_arg(ap, int64_t));
			break;
		case 'n':
			c->drv->bind_int(st, i + 1, va_arg(ap, int));
			break;
		case 'r':
			c->drv->bind_real(st, i + 1, va_arg(ap, double));
			break;
		case 'b':
			t = va_arg(ap, const void *);
			c->drv->bind_blob(st, i + 1, t, va_arg(ap, size_t));
			break;
		default:
			break;
		}
	va_end(ap);
	return st;
}

int
q_step(struct db_stmt *st)
{
	return st->drv->step(st);
}

void
q_done(struct db_stmt *st)
{
	st->drv->done(st);
}

int
q_exec(struct db_stmt *st)
{
	int	 rc;

	if (st == NULL)
		return STORE_ERROR;
	while ((rc = q_step(st)) == DB_ROW)
		;
	q_done(st);
	return rc < 0 ? -rc : STORE_OK;
}

int
q_rows(struct db_stmt *st, int64_t *rows)
{
	int	 rc;

	*rows = 0;
	if (st == NULL)
		return STORE_ERROR;
	while ((rc = q_step(st)) == DB_ROW)
		(*rows)++;
	q_done(st);
	return rc < 0 ? -rc : STORE_OK;
}

int
q_changed(struct db_stmt *st)
{
	int64_t	 rows;
	int	 rc;

	if ((rc = q_rows(st, &rows)) != STORE_OK)
		return rc;
	return rows > 0 ? STORE_OK : STORE_NOTFOUND;
}

int
q_insert(struct db_stmt *st, int64_t *id)
{
	int	 rc;

	if (st == NULL)
		return STORE_ERROR;
	if ((rc = q_step(st)) == DB_ROW && id != NULL)
		*id = col_int(st, 0);
	while (rc == DB_ROW)
		rc = q_step(st);
	q_done(st);
	return rc < 0 ? -rc : STORE_OK;
}

int
q_int(struct db_stmt *st, int64_t *v)
{
	int	 rc;

	*v = 0;
	if (st == NULL)
		return STORE_ERROR;
	if ((rc = q_step(st)) == DB_ROW)
		*v = col_int(st, 0);
	q_done(st);
	return rc < 0 ? -rc : STORE_OK;
}

int
q_one(struct db_stmt *st, struct arena *a, size_t sz, q_fill *fill,
    void *out)
{
	int	 rc;

	if (st == NULL)
		return STORE_ERROR;
	if ((rc = q_step(st)) == DB_ROW) {
		memset(out, 0, sz);
		fill(a, st, out);
	}
	q_done(st);
	if (rc < 0)
		return -rc;
	return rc == DB_ROW ? STORE_OK : STORE_NOTFOUND;
}

void
q_fill_id(struct arena *a, struct db_stmt *st, void *out)
{
	(void)a;
	*(int64_t *)out = col_int(st, 0);
}

int
q_many(struct db_stmt *st, struct arena *a, size_t sz, q_fill *fill,
    void **out, size_t *n)
{
	size_t	 cap = 0, len = 0;
	char	*v = NULL, *nv;
	int	 rc;

	*out = NULL;
	*n = 0;
	if (st == NULL)
		return STORE_ERROR;
	while ((rc = q_step(st)) == DB_ROW) {
		if (len == cap) {
			cap = cap ? cap * 2 : 8;
			nv = arena_alloc(a, cap * sz);
			if (len > 0)
				memcpy(nv, v, len * sz);
			v = nv;
		}
		memset(v + len * sz, 0, sz);
		fill(a, st, v + len * sz);
		len++;
	}
	q_done(st);
	if (rc < 0)
		return -rc;
	*out = v;
	*n = len;
	return STORE_OK;
}

int64_t
col_int(struct db_stmt *st, int col)
{
	return st->drv->col_int(st, col);
}

double
col_real(struct db_stmt *st, int col)
{
	return st->drv->col_real(st, col);
}

const char *
col_str(struct db_stmt *st, int col)
{
	size_t	 len;

	return st->drv->col_text(st, col, &len);
}

const void *
col_blob(struct db_stmt *st, int col, size_t *len)
{
	return st->drv->col_blob(st, col, len);
}

char *
col_text(struct arena *a, struct db_stmt *st, int col)
{
	size_t		 len;
	const char	*t = st->drv->col_text(st, col, &len);

	return arena_strndup(a, t, len);
}

enum db_engine
q_engine(const struct store_conn *c)
{
	return c->drv->engine;
}
