/*
 * store_pg: the PostgreSQL back end of the storage interface (libpq), for
 * sites whose several `galley serve` nodes share one database.  The same
 * operations as store_sqlite.c, each with its SQL beside it as a named
 * prepared statement, prepared on a connection the first time it runs
 * there.  Migrations are numbered in the table schema_version and applied
 * at open under an advisory lock, so nodes starting together agree.
 *
 * Failures: a statement outside a transaction that fails because the
 * connection dropped is retried once on a fresh connection, and one that
 * fails on a serialisation failure or deadlock is retried a few times;
 * inside a transaction the caller gets STORE_RETRY or STORE_DOWN.  A full
 * disk or exhausted memory on the server is STORE_FULL, never retried.  A
 * connection that broke is closed when it is given back, and the pool
 * opens a new one on demand: when the database comes back, so does Galley.
 */
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <libpq-fe.h>

#include "alloc.h"
#include "arena.h"
#include "buf.h"
#include "pool.h"
#include "spam.h"
#include "store.h"
#include "store_backend.h"

#define POOL_MAX	8
#define POOL_WAIT_MS	5000
#define RETRIES		3

enum q {
	Q_GENERATION, Q_SETTING_GET, Q_SETTING_SET,
	Q_USER_ADD, Q_USER_BY_SLUG, Q_USER_BY_ID,
	Q_POST_ADD, Q_POST_BY_SLUG, Q_POSTS_LIST, Q_POSTS_COUNT,
	Q_TERM_ADD, Q_TERM_BY_SLUG, Q_POST_TERM_ADD, Q_POST_TERMS,
	Q_COMMENT_ADD, Q_COMMENTS_APPROVED, Q_COMMENT_BY_ID, Q_COMMENTS_LIST,
	Q_COMMENT_MODERATE, Q_COMMENT_FACTS, Q_COMMENTS_FORGET, Q_LOCK,
	Q_POST_BY_ID, Q_RECOUNT_POSTS, Q_RECOUNT_COMMENTS,
	Q_VOTE,		/* 8 slots: 4 statements for posts, then comments */
	Q_VOTE_END = Q_VOTE + 7,
	Q_POST_VOTE_ADD, Q_COMMENT_VOTE_ADD, Q_MEDIA_ADD,
	Q_SPAM_COUNTS, Q_SPAM_LEARN, Q_SPAM_PRUNE,
	Q_USER_BY_EMAIL, Q_USERS_LIST, Q_USER_SET, Q_USER_REMOVE,
	Q_SESSION_ADD, Q_SESSION_GET, Q_SESSION_TOUCH, Q_SESSION_END,
	Q_SESSIONS_END_USER, Q_THROTTLE_GET, Q_THROTTLE_FAIL,
	Q_THROTTLE_CLEAR, Q_COMMENTS_FIND, Q_COMMENTS_FIND_COUNT,
	Q_COMMENT_COUNTS, Q_DRAFTS_COUNT, Q_DAILY_COMMENTS, Q_DAILY_VOTES,
	Q_POST_GET, Q_POSTS_FIND, Q_POSTS_FIND_COUNT, Q_POST_UPDATE,
	Q_POST_TERMS_CLEAR, Q_SLUG_TAKEN, Q_TERMS_LIST, Q_REVISION_ADD,
	Q_REVISIONS_LIST, Q_SCHEDULED_DUE, Q_GENERATION_BUMP,
	Q_PRIVACY_COMMENTS, Q_COMMENT_ANONYMISE, Q_COMMENT_REPARENT,
	Q_COMMENT_REMOVE, Q_IMAGE_USES, Q_PRIVACY_LOG_ADD, Q_PRIVACY_LOG_LIST,
	Q_TERM_UPDATE, Q_TERM_REPARENT, Q_TERM_DELETE, Q_TERM_MOVE,
	Q_MEDIA_LIST, Q_MEDIA_COUNT, Q_COMMENT_EDIT, Q_POST_DELETE,
	Q_COMMENTS_OF_POST,
	Q__MAX
};

struct pconn {
	struct store_conn	 base;
	struct pool_item	 item;
	PGconn			*db;
	unsigned char		 prepared[Q__MAX];
	int			 in_tx;
};

#define PCONN(it)	((struct pconn *)(void *)((char *)(it) - \
			    offsetof(struct pconn, item)))

struct ppool {
	struct store		 base;
	char			*uri;
	struct pool		 pool;
	/* The watcher: the generation as NOTIFY reports it, -1 unknown. */
	pthread_t		 watcher;
	int			 watching;
	int			 wake[2];	/* a byte here stops it */
	_Atomic int64_t		 gen;
};

#define PG_VOTE_TRIGGER(t, parent, key, sum, count) \
	"CREATE FUNCTION " t "_agg() RETURNS trigger LANGUAGE plpgsql AS $$" \
	" BEGIN IF TG_OP IN ('UPDATE', 'DELETE') THEN UPDATE " parent \
	" SET " sum " = " sum " - OLD.value, " count " = " count " - 1" \
	" WHERE id = OLD." key "; END IF;" \
	" IF TG_OP IN ('UPDATE', 'INSERT') THEN UPDATE " parent \
	" SET " sum " = " sum " + NEW.value, " count " = " count " + 1" \
	" WHERE id = NEW." key "; END IF; RETURN NULL; END $$;" \
	"CREATE TRIGGER " t "_agg AFTER INSERT OR UPDATE OR DELETE ON " t \
	" FOR EACH ROW EXECUTE FUNCTION " t "_agg();"

#define PG_GEN_TRIGGER(t) \
	"CREATE TRIGGER " t "_gen AFTER INSERT OR UPDATE OR DELETE ON " t \
	" FOR EACH STATEMENT EXECUTE FUNCTION bump_generation();"

/* Migration N brings schema_version from N to N + 1.  Append only. */
static const char *const migrations[] = {
	"CREATE TABLE generation (id INTEGER PRIMARY KEY CHECK (id = 1),"
	"  n BIGINT NOT NULL);"
	"INSERT INTO generation VALUES (1, 0);"
	"CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
	"CREATE TABLE users (id BIGSERIAL PRIMARY KEY,"
	"  slug TEXT NOT NULL UNIQUE, name TEXT NOT NULL,"
	"  email TEXT NOT NULL UNIQUE, url TEXT NOT NULL DEFAULT '',"
	"  bio TEXT NOT NULL DEFAULT '',"
	"  role TEXT NOT NULL DEFAULT 'author'"
	"    CHECK (role IN ('admin', 'editor', 'author')),"
	"  pass_hash TEXT, created BIGINT NOT NULL);"
	"CREATE TABLE posts (id BIGSERIAL PRIMARY KEY,"
	"  type TEXT NOT NULL CHECK (type IN ('post', 'page')),"
	"  slug TEXT NOT NULL, title TEXT NOT NULL,"
	"  status TEXT NOT NULL CHECK (status IN"
	"    ('publish', 'draft', 'pending', 'private', 'trash')),"
	"  author_id BIGINT NOT NULL REFERENCES users(id),"
	"  published BIGINT NOT NULL, modified BIGINT NOT NULL,"
	"  format TEXT NOT NULL CHECK (format IN ('markdown', 'html')),"
	"  body TEXT NOT NULL, excerpt TEXT NOT NULL DEFAULT '',"
	"  source_name TEXT NOT NULL DEFAULT '',"
	"  source_url TEXT NOT NULL DEFAULT '',"
	"  comments_open INTEGER NOT NULL DEFAULT 1,"
	"  rating_sum BIGINT NOT NULL DEFAULT 0,"
	"  rating_count BIGINT NOT NULL DEFAULT 0,"
	"  UNIQUE (type, slug));"
	"CREATE INDEX posts_by_date ON posts (type, status, published);"
	"CREATE INDEX posts_by_author ON posts (author_id);"
	"CREATE TABLE terms (id BIGSERIAL PRIMARY KEY,"
	"  taxonomy TEXT NOT NULL CHECK (taxonomy IN ('category', 'tag')),"
	"  slug TEXT NOT NULL, name TEXT NOT NULL,"
	"  parent_id BIGINT REFERENCES terms(id) ON DELETE SET NULL,"
	"  description TEXT NOT NULL DEFAULT '',"
	"  UNIQUE (taxonomy, slug));"
	"CREATE TABLE post_terms ("
	"  post_id BIGINT NOT NULL REFERENCES posts(id) ON DELETE CASCADE,"
	"  term_id BIGINT NOT NULL REFERENCES terms(id) ON DELETE CASCADE,"
	"  position INTEGER NOT NULL,"
	"  PRIMARY KEY (post_id, term_id));"
	"CREATE INDEX post_terms_by_term ON post_terms (term_id);"
	"CREATE TABLE comments (id BIGSERIAL PRIMARY KEY,"
	"  post_id BIGINT NOT NULL REFERENCES posts(id) ON DELETE CASCADE,"
	"  parent_id BIGINT REFERENCES comments(id) ON DELETE CASCADE,"
	"  author TEXT NOT NULL, email TEXT NOT NULL,"
	"  url TEXT NOT NULL DEFAULT '', content TEXT NOT NULL,"
	"  status TEXT NOT NULL CHECK (status IN"
	"    ('approved', 'pending', 'spam', 'trash')),"
	"  created BIGINT NOT NULL, ip_hash TEXT NOT NULL DEFAULT '',"
	"  user_agent TEXT NOT NULL DEFAULT '',"
	"  user_id BIGINT REFERENCES users(id) ON DELETE SET NULL,"
	"  vote_sum BIGINT NOT NULL DEFAULT 0,"
	"  vote_count BIGINT NOT NULL DEFAULT 0);"
	"CREATE INDEX comments_by_post ON comments (post_id, status, created);"
	"CREATE TABLE post_votes ("
	"  post_id BIGINT NOT NULL REFERENCES posts(id) ON DELETE CASCADE,"
	"  voter TEXT NOT NULL, value INTEGER NOT NULL CHECK (value >= 1),"
	"  created BIGINT NOT NULL, PRIMARY KEY (post_id, voter));"
	"CREATE TABLE comment_votes ("
	"  comment_id BIGINT NOT NULL"
	"    REFERENCES comments(id) ON DELETE CASCADE,"
	"  voter TEXT NOT NULL, value INTEGER NOT NULL"
	"    CHECK (value IN (-1, 1)),"
	"  created BIGINT NOT NULL, PRIMARY KEY (comment_id, voter));"
	"CREATE TABLE media (id BIGSERIAL PRIMARY KEY,"
	"  hash TEXT NOT NULL UNIQUE, mime TEXT NOT NULL,"
	"  width INTEGER NOT NULL, height INTEGER NOT NULL,"
	"  bytes BIGINT NOT NULL, alt TEXT NOT NULL DEFAULT '',"
	"  created BIGINT NOT NULL);"
	PG_VOTE_TRIGGER("post_votes", "posts", "post_id",
	    "rating_sum", "rating_count")
	PG_VOTE_TRIGGER("comment_votes", "comments", "comment_id",
	    "vote_sum", "vote_count")
	"CREATE FUNCTION bump_generation() RETURNS trigger LANGUAGE plpgsql"
	" AS $$ DECLARE v BIGINT; BEGIN"
	" UPDATE generation SET n = n + 1 WHERE id = 1 RETURNING n INTO v;"
	" PERFORM pg_notify('galley_generation', v::text);"
	" RETURN NULL; END $$;"
	PG_GEN_TRIGGER("settings") PG_GEN_TRIGGER("users")
	PG_GEN_TRIGGER("posts") PG_GEN_TRIGGER("terms")
	PG_GEN_TRIGGER("post_terms") PG_GEN_TRIGGER("comments")
	PG_GEN_TRIGGER("post_votes") PG_GEN_TRIGGER("comment_votes")
	PG_GEN_TRIGGER("media"),

	MIGRATION_COMMENT_IMAGES,	/* 2 */
	MIGRATION_AVATARS,		/* 3 */
	MIGRATION_VOTE_IPS,		/* 4 */
	MIGRATION_SPAM,			/* 5 */
	MIGRATION_ACCOUNTS,		/* 6 */
	MIGRATION_REVISIONS("BIGSERIAL PRIMARY KEY"),	/* 7 */
	MIGRATION_PRIVACY_LOG("BIGSERIAL PRIMARY KEY"),	/* 8 */
	MIGRATION_POST_FILTERED,	/* 9 */
};

static const struct store_ops pg_ops;

/* Maps a failed result (or a dead connection) to a store_rc; logs it. */
static int
rc_of(PGconn *db, PGresult *res, const char *what)
{
	const char	*state = res ? PQresultErrorField(res,
	    PG_DIAG_SQLSTATE) : NULL;

	if (PQstatus(db) != CONNECTION_OK ||
	    (state != NULL && strncmp(state, "08", 2) == 0) ||
	    (state != NULL && strncmp(state, "57P", 3) == 0)) {
		fprintf(stderr, "galley: postgresql: %s: connection lost: %s",
		    what, PQerrorMessage(db));
		return STORE_DOWN;
	}
	if (state != NULL && strcmp(state, "23505") == 0)
		return STORE_CONFLICT;
	/*
	 * Class 53, insufficient resources: disk_full (53100) and
	 * out_of_memory (53200) pass once there is room again; too many
	 * connections (53300) comes at connect time, and a configured limit
	 * (53400, say max_locks_per_transaction) needs its operator.
	 */
	if (state != NULL && (strcmp(state, "53100") == 0 ||
	    strcmp(state, "53200") == 0)) {
		fprintf(stderr, "galley: postgresql: %s: %s", what,
		    PQresultErrorMessage(res));
		return STORE_FULL;
	}
	if (state != NULL && (strcmp(state, "40001") == 0 ||
	    strcmp(state, "40P01") == 0 || strcmp(state, "55P03") == 0))
		return STORE_RETRY;
	fprintf(stderr, "galley: postgresql: %s: %s", what,
	    res ? PQresultErrorMessage(res) : PQerrorMessage(db));
	return STORE_ERROR;
}

/*
 * Runs query q (sql, prepared as "qN" on first use) with text params.
 * Returns STORE_OK with the result in *out (the caller PQclears it), or
 * an error.  Outside a transaction, a dropped connection is reset and
 * the statement tried again, and serialisation failures are retried.
 */
static int
pq(struct pconn *c, enum q q, const char *sql, int n,
    const char *const *params, PGresult **out)
{
	PGresult	*res;
	char		 name[16];
	int		 rc = STORE_ERROR, try;

	*out = NULL;
	snprintf(name, sizeof(name), "q%d", (int)q);
	for (try = 0; try < RETRIES; try++) {
		if (!c->prepared[q]) {
			res = PQprepare(c->db, name, sql, n, NULL);
			if (PQresultStatus(res) == PGRES_COMMAND_OK)
				c->prepared[q] = 1;
			else
				rc = rc_of(c->db, res, sql);
			PQclear(res);
		}
		if (c->prepared[q]) {
			res = PQexecPrepared(c->db, name, n, params, NULL,
			    NULL, 0);
			if (PQresultStatus(res) == PGRES_TUPLES_OK ||
			    PQresultStatus(res) == PGRES_COMMAND_OK) {
				*out = res;
				return STORE_OK;
			}
			rc = rc_of(c->db, res, name);
			PQclear(res);
		}
		if (c->in_tx || (rc != STORE_DOWN && rc != STORE_RETRY))
			break;
		if (rc == STORE_DOWN) {
			PQreset(c->db);
			memset(c->prepared, 0, sizeof(c->prepared));
			if (PQstatus(c->db) != CONNECTION_OK)
				break;
		}
	}
	return rc;
}

/* Runs a statement that returns nothing the caller needs. */
static int
pq_run(struct pconn *c, enum q q, const char *sql, int n,
    const char *const *params)
{
	PGresult	*res;
	int		 rc = pq(c, q, sql, n, params, &res);

	PQclear(res);
	return rc;
}

/* Runs an INSERT ... RETURNING id; sets *id if asked. */
static int
pq_insert(struct pconn *c, enum q q, const char *sql, int n,
    const char *const *params, int64_t *id)
{
	PGresult	*res;
	int		 rc = pq(c, q, sql, n, params, &res);

	if (rc == STORE_OK && id != NULL && PQntuples(res) == 1)
		*id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	return rc;
}

/*
 * Runs a query that returns at most one row and fills *out (sz bytes,
 * zeroed first) from it with fill; STORE_NOTFOUND when there is none.
 */
static int
pq_row(struct pconn *c, enum q q, const char *sql, int n,
    const char *const *params, struct arena *a, size_t sz,
    void (*fill)(struct arena *, PGresult *, int, void *), void *out)
{
	PGresult	*res;
	int		 rc = pq(c, q, sql, n, params, &res);

	if (rc == STORE_OK && PQntuples(res) == 0)
		rc = STORE_NOTFOUND;
	if (rc == STORE_OK) {
		memset(out, 0, sz);
		fill(a, res, 0, out);
	}
	PQclear(res);
	return rc;
}

/* A parameter buffer for a 64-bit integer. */
struct num {
	char	 s[24];
};

static const char *
num(struct num *n, int64_t v)
{
	snprintf(n->s, sizeof(n->s), "%lld", (long long)v);
	return n->s;
}

static const char *
str(const char *s)
{
	return s != NULL ? s : "";
}

static char *
col_text(struct arena *a, PGresult *res, int row, int col)
{
	return arena_strndup(a, PQgetvalue(res, row, col),
	    (size_t)PQgetlength(res, row, col));
}

static int64_t
col_int(PGresult *res, int row, int col)
{
	return strtoll(PQgetvalue(res, row, col), NULL, 10);
}

/* Copies every row of res into an arena array filled by fill(). */
static int
many(PGresult *res, struct arena *a, size_t sz,
    void (*fill)(struct arena *, PGresult *, int, void *), void **out,
    size_t *n)
{
	int	 rows = PQntuples(res), i;
	char	*v = NULL;

	if (rows > 0) {
		v = arena_alloc(a, (size_t)rows * sz);
		memset(v, 0, (size_t)rows * sz);
		for (i = 0; i < rows; i++)
			fill(a, res, i, v + (size_t)i * sz);
	}
	*out = v;
	*n = (size_t)rows;
	PQclear(res);
	return STORE_OK;
}

static int
pg_generation(struct store_conn *sc, int64_t *gen)
{
	struct pconn	*c = (struct pconn *)sc;
	PGresult	*res;
	int		 rc;

	rc = pq(c, Q_GENERATION, "SELECT n FROM generation WHERE id = 1", 0,
	    NULL, &res);
	if (rc == STORE_OK && PQntuples(res) != 1)
		rc = STORE_ERROR;
	if (rc == STORE_OK)
		*gen = col_int(res, 0, 0);
	PQclear(res);
	return rc;
}

static int
pg_exec_tx(struct pconn *c, const char *sql)
{
	PGresult	*res = PQexec(c->db, sql);
	int		 rc = STORE_OK;

	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		rc = rc_of(c->db, res, sql);
	PQclear(res);
	return rc;
}

static int
pg_begin(struct store_conn *sc)
{
	struct pconn	*c = (struct pconn *)sc;
	int		 rc;

	/* Nothing has run yet: a dropped connection can be reset first. */
	if (PQstatus(c->db) != CONNECTION_OK) {
		PQreset(c->db);
		memset(c->prepared, 0, sizeof(c->prepared));
	}
	if ((rc = pg_exec_tx(c, "BEGIN")) == STORE_OK)
		c->in_tx = 1;
	return rc;
}

static int
pg_commit(struct store_conn *sc)
{
	struct pconn	*c = (struct pconn *)sc;

	c->in_tx = 0;
	return pg_exec_tx(c, "COMMIT");
}

static int
pg_rollback(struct store_conn *sc)
{
	struct pconn	*c = (struct pconn *)sc;

	c->in_tx = 0;
	return pg_exec_tx(c, "ROLLBACK");
}

static int
pg_setting_get(struct store_conn *sc, struct arena *a, const char *key,
    char **val)
{
	struct pconn	*c = (struct pconn *)sc;
	const char	*p[1] = { key };
	PGresult	*res;
	int		 rc;

	rc = pq(c, Q_SETTING_GET, "SELECT value FROM settings WHERE key = $1",
	    1, p, &res);
	if (rc == STORE_OK && PQntuples(res) == 0)
		rc = STORE_NOTFOUND;
	if (rc == STORE_OK)
		*val = col_text(a, res, 0, 0);
	PQclear(res);
	return rc;
}

static int
pg_setting_set(struct store_conn *sc, const char *key, const char *val)
{
	const char	*p[2] = { key, val };

	return pq_run((struct pconn *)sc, Q_SETTING_SET, "INSERT INTO settings"
	    " (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET"
	    " value = EXCLUDED.value", 2, p);
}

static int
pg_user_add(struct store_conn *sc, const struct user *u, int64_t *id)
{
	const char	*p[7] = { str(u->slug), str(u->name), str(u->email),
	    str(u->url), str(u->bio), u->role ? u->role : "author",
	    u->pass_hash };

	return pq_insert((struct pconn *)sc, Q_USER_ADD, "INSERT INTO users"
	    " (slug, name, email, url, bio, role, pass_hash, created) VALUES"
	    " ($1, $2, $3, $4, $5, $6, $7, extract(epoch FROM now())::bigint)"
	    " RETURNING id", 7, p, id);
}

#define USER_COLS "id, slug, name, url, bio, role"

static void
fill_user(struct arena *a, PGresult *res, int i, void *v)
{
	struct user	*u = v;

	u->id = col_int(res, i, 0);
	u->slug = col_text(a, res, i, 1);
	u->name = col_text(a, res, i, 2);
	u->url = col_text(a, res, i, 3);
	u->bio = col_text(a, res, i, 4);
	u->role = col_text(a, res, i, 5);
}

static int
pg_user_by_slug(struct store_conn *sc, struct arena *a, const char *slug,
    struct user *out)
{
	return pq_row((struct pconn *)sc, Q_USER_BY_SLUG, "SELECT " USER_COLS
	    " FROM users WHERE slug = $1", 1, &slug, a, sizeof(*out),
	    fill_user, out);
}

static int
pg_user_by_id(struct store_conn *sc, struct arena *a, int64_t id,
    struct user *out)
{
	struct num	 n;
	const char	*p[1] = { num(&n, id) };

	return pq_row((struct pconn *)sc, Q_USER_BY_ID, "SELECT " USER_COLS
	    " FROM users WHERE id = $1", 1, p, a, sizeof(*out), fill_user,
	    out);
}

static int
pg_post_add(struct store_conn *sc, const struct post *p, int64_t *id)
{
	struct num	 au, pu, mo, co, fi;
	const char	*v[14] = { str(p->type), str(p->slug), str(p->title),
	    str(p->status), num(&au, p->author_id), num(&pu, p->published),
	    num(&mo, p->modified), str(p->format), str(p->body),
	    str(p->excerpt), str(p->source_name), str(p->source_url),
	    num(&co, p->comments_open), num(&fi, p->filtered) };

	return pq_insert((struct pconn *)sc, Q_POST_ADD, "INSERT INTO posts"
	    " (type, slug, title, status, author_id, published, modified,"
	    " format, body, excerpt, source_name, source_url, comments_open,"
	    " filtered) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11,"
	    " $12, $13, $14) RETURNING id", 14, v, id);
}

#define POST_COLS "p.id, p.type, p.slug, p.title, p.status, p.author_id," \
	" u.name, u.slug, p.published, p.modified, p.format, p.body," \
	" p.excerpt, p.source_name, p.source_url, p.comments_open," \
	" p.rating_sum, p.rating_count, (SELECT count(*) FROM comments c" \
	" WHERE c.post_id = p.id AND c.status = 'approved'), p.filtered" \
	" FROM posts p JOIN users u ON u.id = p.author_id"

static void
fill_post(struct arena *a, PGresult *res, int i, void *v)
{
	struct post	*p = v;

	p->id = col_int(res, i, 0);
	p->type = col_text(a, res, i, 1);
	p->slug = col_text(a, res, i, 2);
	p->title = col_text(a, res, i, 3);
	p->status = col_text(a, res, i, 4);
	p->author_id = col_int(res, i, 5);
	p->author_name = col_text(a, res, i, 6);
	p->author_slug = col_text(a, res, i, 7);
	p->published = col_int(res, i, 8);
	p->modified = col_int(res, i, 9);
	p->format = col_text(a, res, i, 10);
	p->body = col_text(a, res, i, 11);
	p->excerpt = col_text(a, res, i, 12);
	p->source_name = col_text(a, res, i, 13);
	p->source_url = col_text(a, res, i, 14);
	p->comments_open = (int)col_int(res, i, 15);
	p->rating_sum = col_int(res, i, 16);
	p->rating_count = col_int(res, i, 17);
	p->comment_count = col_int(res, i, 18);
	p->filtered = (int)col_int(res, i, 19);
}

static int
pg_post_by_slug(struct store_conn *sc, struct arena *a, const char *type,
    const char *slug, struct post *out)
{
	const char	*p[2] = { type, slug };

	return pq_row((struct pconn *)sc, Q_POST_BY_SLUG, "SELECT " POST_COLS
	    " WHERE p.type = $1 AND p.slug = $2 AND p.status = 'publish'",
	    2, p, a, sizeof(*out), fill_post, out);
}

#define POSTS_WHERE " WHERE p.type = $1 AND p.status = 'publish'" \
	" AND p.published <= $2 AND ($3::bigint = 0 OR EXISTS (SELECT 1" \
	" FROM post_terms pt WHERE pt.post_id = p.id AND pt.term_id = $3))" \
	" AND ($4::bigint = 0 OR p.author_id = $4)"

static int
pg_posts_list(struct store_conn *sc, struct arena *a,
    const struct post_query *q, struct post **out, size_t *n, int64_t *total)
{
	struct pconn	*c = (struct pconn *)sc;
	struct num	 now, term, au, lim, off;
	const char	*p[6] = { str(q->type), num(&now, q->now),
	    num(&term, q->term_id), num(&au, q->author_id),
	    num(&lim, q->limit), num(&off, q->offset) };
	PGresult	*res;
	int		 rc;

	rc = pq(c, Q_POSTS_COUNT, "SELECT count(*) FROM posts p" POSTS_WHERE,
	    4, p, &res);
	if (rc == STORE_OK)
		*total = col_int(res, 0, 0);
	PQclear(res);
	if (rc != STORE_OK)
		return rc;
	rc = pq(c, Q_POSTS_LIST, "SELECT " POST_COLS POSTS_WHERE
	    " ORDER BY p.published DESC, p.id DESC LIMIT $5 OFFSET $6", 6, p,
	    &res);
	if (rc != STORE_OK)
		return rc;
	return many(res, a, sizeof(**out), fill_post, (void **)out, n);
}

static int
pg_term_add(struct store_conn *sc, const struct term *t, int64_t *id)
{
	struct num	 par;
	const char	*p[5] = { str(t->taxonomy), str(t->slug), str(t->name),
	    num(&par, t->parent_id), str(t->description) };

	return pq_insert((struct pconn *)sc, Q_TERM_ADD, "INSERT INTO terms"
	    " (taxonomy, slug, name, parent_id, description) VALUES ($1, $2,"
	    " $3, NULLIF($4::bigint, 0), $5) RETURNING id", 5, p, id);
}

#define TERM_COLS "t.id, t.taxonomy, t.slug, t.name," \
	" coalesce(t.parent_id, 0), t.description"

static void
fill_term(struct arena *a, PGresult *res, int i, void *v)
{
	struct term	*t = v;

	t->id = col_int(res, i, 0);
	t->taxonomy = col_text(a, res, i, 1);
	t->slug = col_text(a, res, i, 2);
	t->name = col_text(a, res, i, 3);
	t->parent_id = col_int(res, i, 4);
	t->description = col_text(a, res, i, 5);
}

static int
pg_term_by_slug(struct store_conn *sc, struct arena *a, const char *taxonomy,
    const char *slug, struct term *out)
{
	const char	*p[2] = { taxonomy, slug };

	return pq_row((struct pconn *)sc, Q_TERM_BY_SLUG, "SELECT " TERM_COLS
	    " FROM terms t WHERE t.taxonomy = $1 AND t.slug = $2", 2, p, a,
	    sizeof(*out), fill_term, out);
}

static int
pg_post_term_add(struct store_conn *sc, int64_t post_id, int64_t term_id)
{
	struct num	 po, te;
	const char	*p[2] = { num(&po, post_id), num(&te, term_id) };

	return pq_run((struct pconn *)sc, Q_POST_TERM_ADD, "INSERT INTO"
	    " post_terms (post_id, term_id, position) VALUES ($1, $2,"
	    " (SELECT coalesce(max(position), 0) + 1 FROM post_terms"
	    " WHERE post_id = $1))", 2, p);
}

static int
pg_post_terms(struct store_conn *sc, struct arena *a, int64_t post_id,
    struct term **out, size_t *n)
{
	struct num	 po;
	const char	*p[1] = { num(&po, post_id) };
	PGresult	*res;
	int		 rc;

	rc = pq((struct pconn *)sc, Q_POST_TERMS, "SELECT " TERM_COLS
	    " FROM terms t JOIN post_terms pt ON pt.term_id = t.id"
	    " WHERE pt.post_id = $1 ORDER BY t.taxonomy, pt.position", 1, p,
	    &res);
	if (rc != STORE_OK)
		return rc;
	return many(res, a, sizeof(**out), fill_term, (void **)out, n);
}

static int
pg_comment_add(struct store_conn *sc, const struct comment *cm, int64_t *id)
{
	struct num	 po, pa, cr, tw, th;
	char		 score[32];
	const char	*p[17] = { num(&po, cm->post_id),
	    num(&pa, cm->parent_id), str(cm->author), str(cm->email),
	    str(cm->url), str(cm->content), str(cm->status),
	    num(&cr, cm->created), str(cm->ip_hash), str(cm->user_agent),
	    str(cm->image), str(cm->thumb), num(&tw, cm->thumb_w),
	    num(&th, cm->thumb_h), str(cm->avatar), score,
	    str(cm->spam_signals) };

	snprintf(score, sizeof(score), "%.17g", cm->spam_score);
	return pq_insert((struct pconn *)sc, Q_COMMENT_ADD, "INSERT INTO"
	    " comments (post_id, parent_id, author, email, url, content,"
	    " status, created, ip_hash, user_agent, image, thumb, thumb_w,"
	    " thumb_h, avatar, spam_score, spam_signals) VALUES ($1,"
	    " NULLIF($2::bigint, 0), $3, $4, $5, $6, $7, $8, $9, $10, $11,"
	    " $12, $13, $14, $15, $16, $17) RETURNING id", 17, p, id);
}

static void
fill_comment(struct arena *a, PGresult *res, int i, void *v)
{
	struct comment	*cm = v;

	cm->id = col_int(res, i, 0);
	cm->post_id = col_int(res, i, 1);
	cm->parent_id = col_int(res, i, 2);
	cm->author = col_text(a, res, i, 3);
	cm->url = col_text(a, res, i, 4);
	cm->content = col_text(a, res, i, 5);
	cm->status = col_text(a, res, i, 6);
	cm->created = col_int(res, i, 7);
	cm->vote_sum = col_int(res, i, 8);
	cm->vote_count = col_int(res, i, 9);
	cm->image = col_text(a, res, i, 10);
	cm->thumb = col_text(a, res, i, 11);
	cm->thumb_w = (int)col_int(res, i, 12);
	cm->thumb_h = (int)col_int(res, i, 13);
	cm->avatar = col_text(a, res, i, 14);
	cm->spam_score = -1;
	cm->spam_signals = cm->spam_trained = "";
}

/* The columns fill_comment reads; MOD_COLS adds moderation's. */
#define COMMENT_COLS "id, post_id, coalesce(parent_id, 0), author, url," \
	" content, status, created, vote_sum, vote_count, image, thumb," \
	" thumb_w, thumb_h, avatar"
#define MOD_COLS COMMENT_COLS ", email, spam_score, spam_signals," \
	" spam_trained"

static void
fill_comment_email(struct arena *a, PGresult *res, int i, void *v)
{
	struct comment	*cm = v;

	fill_comment(a, res, i, v);
	cm->email = col_text(a, res, i, 15);
	cm->spam_score = strtod(PQgetvalue(res, i, 16), NULL);
	cm->spam_signals = col_text(a, res, i, 17);
	cm->spam_trained = col_text(a, res, i, 18);
}

static int
pg_comments_approved(struct store_conn *sc, struct arena *a, int64_t post_id,
    struct comment **out, size_t *n)
{
	struct num	 po;
	const char	*p[1] = { num(&po, post_id) };
	PGresult	*res;
	int		 rc;

	/* No email column: this feeds public pages. */
	rc = pq((struct pconn *)sc, Q_COMMENTS_APPROVED, "SELECT " COMMENT_COLS
	    " FROM comments WHERE post_id = $1 AND status = 'approved'"
	    " ORDER BY created, id", 1, p, &res);
	if (rc != STORE_OK)
		return rc;
	return many(res, a, sizeof(**out), fill_comment, (void **)out, n);
}

static int
pg_comment_by_id(struct store_conn *sc, struct arena *a, int64_t id,
    struct comment *out)
{
	struct num	 n;
	const char	*p[1] = { num(&n, id) };

	return pq_row((struct pconn *)sc, Q_COMMENT_BY_ID, "SELECT "
	    MOD_COLS " FROM comments WHERE id = $1", 1, p, a,
	    sizeof(*out), fill_comment_email, out);
}

static int
pg_comments_list(struct store_conn *sc, struct arena *a, const char *status,
    int64_t limit, struct comment **out, size_t *n)
{
	struct num	 l;
	const char	*p[2] = { str(status), num(&l, limit) };
	PGresult	*res;
	int		 rc;

	rc = pq((struct pconn *)sc, Q_COMMENTS_LIST, "SELECT " MOD_COLS
	    " FROM comments WHERE $1 = '' OR status = $1"
	    " ORDER BY created DESC, id DESC LIMIT $2", 2, p, &res);
	if (rc != STORE_OK)
		return rc;
	return many(res, a, sizeof(**out), fill_comment_email, (void **)out,
	    n);
}

static int
pg_comment_moderate(struct store_conn *sc, int64_t id, const char *status,
    const char *trained)
{
	struct num	 n;
	const char	*p[3] = { status, str(trained), num(&n, id) };
	PGresult	*res;
	int		 rc;

	rc = pq((struct pconn *)sc, Q_COMMENT_MODERATE, "UPDATE comments"
	    " SET status = $1, spam_trained = $2 WHERE id = $3", 3, p, &res);
	if (rc == STORE_OK && strcmp(PQcmdTuples(res), "0") == 0)
		rc = STORE_NOTFOUND;
	PQclear(res);
	return rc;
}

static int
pg_comment_facts(struct store_conn *sc, const struct comment *cm,
    int64_t since, struct comment_facts *f)
{
	struct num	 si, po;
	const char	*p[6] = { str(cm->ip_hash), num(&si, since),
	    num(&po, cm->post_id), str(cm->content), str(cm->author),
	    str(cm->email) };
	PGresult	*res;
	int		 rc;

	rc = pq((struct pconn *)sc, Q_COMMENT_FACTS, "SELECT (SELECT count(*)"
	    " FROM comments WHERE ip_hash = $1 AND $1 <> '' AND created >= $2),"
	    " (SELECT count(*) FROM comments WHERE post_id = $3 AND"
	    " content = $4 AND (author = $5 OR email = $6) AND"
	    " status <> 'trash'), (SELECT count(*) FROM comments"
	    " WHERE lower(email) = lower($6) AND author = $5 AND"
	    " status = 'approved'), (SELECT count(*) FROM comments"
	    " WHERE email = $6 AND status = 'spam') + (SELECT count(*)"
	    " FROM comments WHERE ip_hash = $1 AND $1 <> '' AND"
	    " status = 'spam')", 6, p, &res);
	if (rc == STORE_OK) {
		f->recent_from_ip = col_int(res, 0, 0);
		f->duplicates = col_int(res, 0, 1);
		f->approved_by_email = col_int(res, 0, 2);
		f->spam_before = col_int(res, 0, 3);
	}
	PQclear(res);
	return rc;
}

static int
pg_forget(struct store_conn *sc, int64_t before)
{
	struct num	 b;
	const char	*p[1] = { num(&b, before) };

	/* One statement, so the three tables are forgotten together. */
	return pq_run((struct pconn *)sc, Q_COMMENTS_FORGET, "WITH c AS"
	    " (UPDATE comments SET ip_hash = '', user_agent = '' WHERE"
	    " created < $1 AND (ip_hash <> '' OR user_agent <> '')), p AS"
	    " (UPDATE post_votes SET ip_hash = '' WHERE created < $1 AND"
	    " ip_hash <> '') UPDATE comment_votes SET ip_hash = '' WHERE"
	    " created < $1 AND ip_hash <> ''", 1, p);
}

static int
pg_lock(struct store_conn *sc, const char *key)
{
	const char	*p[1] = { key };

	return pq_run((struct pconn *)sc, Q_LOCK,
	    "SELECT pg_advisory_xact_lock(hashtext($1))", 1, p);
}

static int
pg_post_by_id(struct store_conn *sc, struct arena *a, int64_t id,
    struct post *out)
{
	struct num	 n;
	const char	*p[1] = { num(&n, id) };

	return pq_row((struct pconn *)sc, Q_POST_BY_ID, "SELECT " POST_COLS
	    " WHERE p.id = $1 AND p.status = 'publish'", 1, p, a, sizeof(*out),
	    fill_post, out);
}

/*
 * Corrects, in one statement, every item whose aggregate differs from
 * its votes, and reports each with its old and new values.
 */
#define PG_RECOUNT(items, votes, key, sum, count) \
	"WITH v AS (SELECT " key " AS id, sum(value) AS s, count(*) AS n" \
	" FROM " votes " GROUP BY " key "), wrong AS (SELECT i.id," \
	" i." sum " AS os, i." count " AS oc, coalesce(v.s, 0) AS s," \
	" coalesce(v.n, 0) AS n FROM " items " i LEFT JOIN v ON v.id = i.id" \
	" WHERE i." sum " <> coalesce(v.s, 0) OR i." count " <>" \
	" coalesce(v.n, 0) FOR UPDATE OF i) UPDATE " items " t SET " sum \
	" = w.s, " count " = w.n FROM wrong w WHERE t.id = w.id" \
	" RETURNING w.id, w.os, w.oc, w.s, w.n"

static int
pg_recount(struct pconn *c, enum q q, const char *sql, const char *kind,
    void (*fix)(void *, const char *, int64_t, int64_t, int64_t, int64_t,
    int64_t), void *arg)
{
	PGresult	*res;
	int		 rc = pq(c, q, sql, 0, NULL, &res), i;

	for (i = 0; rc == STORE_OK && i < PQntuples(res); i++)
		fix(arg, kind, col_int(res, i, 0), col_int(res, i, 1),
		    col_int(res, i, 2), col_int(res, i, 3), col_int(res, i, 4));
	PQclear(res);
	return rc;
}

static int
pg_votes_recount(struct store_conn *sc, void (*fix)(void *, const char *,
    int64_t, int64_t, int64_t, int64_t, int64_t), void *arg)
{
	struct pconn	*c = (struct pconn *)sc;
	int		 rc;

	rc = pg_recount(c, Q_RECOUNT_POSTS, PG_RECOUNT("posts", "post_votes",
	    "post_id", "rating_sum", "rating_count"), "post", fix, arg);
	if (rc != STORE_OK)
		return rc;
	return pg_recount(c, Q_RECOUNT_COMMENTS, PG_RECOUNT("comments",
	    "comment_votes", "comment_id", "vote_sum", "vote_count"),
	    "comment", fix, arg);
}

/* vote_cast's statements: find, change, add, tally; posts then comments. */
static const char *const vote_sql[2][4] = {
	{ "SELECT voter FROM post_votes WHERE post_id = $1 AND (($2 <> ''"
	    " AND voter = $2) OR ($3 <> '' AND ip_hash = $3 AND"
	    " created >= $4)) LIMIT 1",
	  "UPDATE post_votes SET value = $3, created = $4 WHERE post_id = $1"
	    " AND voter = $2",
	  "INSERT INTO post_votes (post_id, voter, value, created, ip_hash)"
	    " VALUES ($1, $2, $3, $4, $5)",
	  "SELECT rating_sum, rating_count FROM posts WHERE id = $1" },
	{ "SELECT voter FROM comment_votes WHERE comment_id = $1 AND (($2 <>"
	    " '' AND voter = $2) OR ($3 <> '' AND ip_hash = $3 AND"
	    " created >= $4)) LIMIT 1",
	  "UPDATE comment_votes SET value = $3, created = $4 WHERE"
	    " comment_id = $1 AND voter = $2",
	  "INSERT INTO comment_votes (comment_id, voter, value, created,"
	    " ip_hash) VALUES ($1, $2, $3, $4, $5)",
	  "SELECT vote_sum, vote_count FROM comments WHERE id = $1" },
};

static int
pg_vote_cast(struct store_conn *sc, struct vote *v)
{
	struct pconn	*c = (struct pconn *)sc;
	struct num	 it, va, wh, si;
	const char	*p[5] = { num(&it, v->item), str(v->voter),
	    str(v->ip_hash), num(&si, v->since), NULL };
	enum q		 q = (enum q)(Q_VOTE + v->comment * 4);
	PGresult	*res;
	char		 key[48];
	int		 rc;

	v->repeat = 0;
	/* Voters of one item queue here, so the find-then-add holds. */
	snprintf(key, sizeof(key), "vote:%d:%lld", v->comment,
	    (long long)v->item);
	if ((rc = pg_lock(sc, key)) != STORE_OK)
		return rc;
	if ((rc = pq(c, q, vote_sql[v->comment][0], 4, p, &res)) != STORE_OK)
		return rc;
	if (PQntuples(res) > 0) {
		v->repeat = 1;
		if (v->allow_change) {
			const char *u[4] = { p[0], PQgetvalue(res, 0, 0),
			    num(&va, v->value), num(&wh, v->when) };

			rc = pq_run(c, q + 1, vote_sql[v->comment][1], 4, u);
		}
	} else {
		const char *a[5] = { p[0], str(v->voter), num(&va, v->value),
		    num(&wh, v->when), str(v->ip_hash) };

		rc = pq_run(c, q + 2, vote_sql[v->comment][2], 5, a);
	}
	PQclear(res);
	if (rc != STORE_OK ||
	    (rc = pq(c, q + 3, vote_sql[v->comment][3], 1, p, &res)) !=
	    STORE_OK)
		return rc;
	if (PQntuples(res) == 1) {
		v->sum = col_int(res, 0, 0);
		v->count = col_int(res, 0, 1);
	} else
		rc = STORE_NOTFOUND;
	PQclear(res);
	return rc;
}

static int
pg_vote_add(struct pconn *c, enum q q, const char *sql, int64_t item,
    const char *voter, int value, int64_t when)
{
	struct num	 it, va, wh;
	const char	*p[4] = { num(&it, item), voter, num(&va, value),
	    num(&wh, when) };

	return pq_run(c, q, sql, 4, p);
}

static int
pg_post_vote_add(struct store_conn *sc, int64_t post_id, const char *voter,
    int value, int64_t when)
{
	return pg_vote_add((struct pconn *)sc, Q_POST_VOTE_ADD, "INSERT INTO"
	    " post_votes (post_id, voter, value, created)"
	    " VALUES ($1, $2, $3, $4)", post_id, voter, value, when);
}

static int
pg_comment_vote_add(struct store_conn *sc, int64_t comment_id,
    const char *voter, int value, int64_t when)
{
	return pg_vote_add((struct pconn *)sc, Q_COMMENT_VOTE_ADD, "INSERT"
	    " INTO comment_votes (comment_id, voter, value, created)"
	    " VALUES ($1, $2, $3, $4)", comment_id, voter, value, when);
}

static int
pg_media_add(struct store_conn *sc, const struct media *m, int64_t *id)
{
	struct num	 w, h, b;
	const char	*p[6] = { str(m->hash), str(m->mime), num(&w, m->width),
	    num(&h, m->height), num(&b, m->bytes), str(m->alt) };

	return pq_insert((struct pconn *)sc, Q_MEDIA_ADD, "INSERT INTO media"
	    " (hash, mime, width, height, bytes, alt, created) VALUES ($1,"
	    " $2, $3, $4, $5, $6, extract(epoch FROM now())::bigint)"
	    " RETURNING id", 6, p, id);
}

/*
 * tok[0..n) as a PostgreSQL array literal, {"a","b"}, into b: one
 * round trip carries a message's tokens however many there are.
 */
static void
text_array(struct buf *b, const char *const *tok, size_t n)
{
	const char	*p;
	size_t		 i;

	buf_putc(b, '{');
	for (i = 0; i < n; i++) {
		buf_puts(b, i > 0 ? ",\"" : "\"");
		for (p = tok[i]; *p != '\0'; p++) {
			if (*p == '"' || *p == '\\')
				buf_putc(b, '\\');
			buf_putc(b, *p);
		}
		buf_putc(b, '"');
	}
	buf_putc(b, '}');
}

static int
pg_spam_counts(struct store_conn *sc, const char *const *tok, size_t n,
    struct spam_count *out, int64_t *nham, int64_t *nspam)
{
	struct buf	 b;
	const char	**all = xmalloc((n + 1) * sizeof(*all)), *p[1];
	PGresult	*res;
	size_t		 i;
	int		 rc;

	/* The empty token, first, holds the numbers of messages. */
	all[0] = "";
	if (n > 0)
		memcpy(all + 1, tok, n * sizeof(*all));
	buf_init(&b);
	text_array(&b, all, n + 1);
	free(all);
	p[0] = b.data;
	rc = pq((struct pconn *)sc, Q_SPAM_COUNTS, "SELECT"
	    " coalesce(s.ham, 0), coalesce(s.spam, 0) FROM"
	    " unnest($1::text[]) WITH ORDINALITY AS t(token, i)"
	    " LEFT JOIN spam_tokens s ON s.token = t.token ORDER BY t.i", 1, p,
	    &res);
	buf_reset(&b);
	if (rc == STORE_OK && (size_t)PQntuples(res) != n + 1)
		rc = STORE_ERROR;
	if (rc == STORE_OK) {
		*nham = col_int(res, 0, 0);
		*nspam = col_int(res, 0, 1);
		for (i = 0; i < n; i++) {
			out[i].ham = col_int(res, (int)i + 1, 0);
			out[i].spam = col_int(res, (int)i + 1, 1);
		}
	}
	PQclear(res);
	return rc;
}

static int
pg_spam_learn(struct store_conn *sc, const char *const *tok, size_t n,
    int spam, int sign)
{
	struct pconn	*c = (struct pconn *)sc;
	struct buf	 b;
	const char	*p[3] = { NULL, spam ? "0" : sign > 0 ? "1" : "-1",
	    !spam ? "0" : sign > 0 ? "1" : "-1" };
	int		 rc;

	buf_init(&b);
	text_array(&b, tok, n);
	p[0] = b.data;
	/*
	 * The message count (the empty token) and every token in one
	 * statement, sorted so that two writers lock rows in one order;
	 * then, when unlearning, the rows that came back to zero go.
	 */
	rc = pq_run(c, Q_SPAM_LEARN, "INSERT INTO spam_tokens (token, ham,"
	    " spam) SELECT t, GREATEST($2::int, 0), GREATEST($3::int, 0)"
	    " FROM (SELECT DISTINCT t FROM unnest($1::text[] || ''::text)"
	    " AS t ORDER BY t) x ON CONFLICT (token) DO UPDATE SET"
	    " ham = GREATEST(spam_tokens.ham + $2::int, 0),"
	    " spam = GREATEST(spam_tokens.spam + $3::int, 0)", 3, p);
	if (rc == STORE_OK && sign < 0)
		rc = pq_run(c, Q_SPAM_PRUNE, "DELETE FROM spam_tokens WHERE"
		    " token = ANY($1::text[] || ''::text) AND ham = 0 AND"
		    " spam = 0", 1, p);
	buf_reset(&b);
	return rc;
}

/* USER_COLS, then email and the password hash ("" if none). */
static void
fill_account(struct arena *a, PGresult *res, int i, void *v)
{
	struct user	*u = v;

	fill_user(a, res, i, v);
	u->email = col_text(a, res, i, 6);
	u->pass_hash = col_text(a, res, i, 7);
}

static int
pg_user_by_email(struct store_conn *sc, struct arena *a, const char *email,
    struct user *out)
{
	return pq_row((struct pconn *)sc, Q_USER_BY_EMAIL, "SELECT " USER_COLS
	    ", email, coalesce(pass_hash, '') FROM users WHERE lower(email) ="
	    " lower($1)", 1, &email, a, sizeof(*out), fill_account, out);
}

static int
pg_users_list(struct store_conn *sc, struct arena *a, struct user **out,
    size_t *n)
{
	PGresult	*res;
	int		 rc;

	rc = pq((struct pconn *)sc, Q_USERS_LIST, "SELECT " USER_COLS
	    ", email, '' FROM users ORDER BY name, id", 0, NULL, &res);
	if (rc != STORE_OK)
		return rc;
	return many(res, a, sizeof(**out), fill_account, (void **)out, n);
}

/* Runs a statement; STORE_NOTFOUND if it touched no row. */
static int
pq_change(struct pconn *c, enum q q, const char *sql, int n,
    const char *const *params)
{
	PGresult	*res;
	int		 rc = pq(c, q, sql, n, params, &res);

	if (rc == STORE_OK && strcmp(PQcmdTuples(res), "0") == 0)
		rc = STORE_NOTFOUND;
	PQclear(res);
	return rc;
}

static int
pg_user_set(struct store_conn *sc, int64_t id, const char *role,
    const char *pass_hash)
{
	struct num	 n;
	const char	*p[3] = { role, pass_hash, num(&n, id) };

	return pq_change((struct pconn *)sc, Q_USER_SET, "UPDATE users SET"
	    " role = coalesce($1, role), pass_hash = coalesce($2, pass_hash)"
	    " WHERE id = $3", 3, p);
}

static int
pg_user_remove(struct store_conn *sc, int64_t id)
{
	struct pconn	*c = (struct pconn *)sc;
	struct num	 n;
	const char	*p[1] = { num(&n, id) };
	PGresult	*res;
	int		 rc;

	rc = pq(c, Q_USER_REMOVE, "DELETE FROM users WHERE id = $1", 1, p,
	    &res);
	if (rc == STORE_OK && strcmp(PQcmdTuples(res), "0") == 0)
		rc = STORE_NOTFOUND;
	PQclear(res);
	/* A foreign key (their posts) refuses: say so as a conflict. */
	return rc == STORE_ERROR ? STORE_CONFLICT : rc;
}

static int
pg_session_add(struct store_conn *sc, const char *token_hash,
    int64_t user_id, int64_t now)
{
	struct num	 u, t;
	const char	*p[3] = { token_hash, num(&u, user_id), num(&t, now) };

	return pq_run((struct pconn *)sc, Q_SESSION_ADD, "INSERT INTO sessions"
	    " (token_hash, user_id, created, seen) VALUES ($1, $2, $3, $3)",
	    3, p);
}

static void
fill_session(struct arena *a, PGresult *res, int i, void *v)
{
	struct session	*se = v;

	fill_user(a, res, i, &se->user);
	se->user.email = col_text(a, res, i, 6);
	se->created = col_int(res, i, 7);
	se->seen = col_int(res, i, 8);
}

static int
pg_session_get(struct store_conn *sc, struct arena *a, const char *token_hash,
    struct session *out)
{
	return pq_row((struct pconn *)sc, Q_SESSION_GET, "SELECT u.id, u.slug,"
	    " u.name, u.url, u.bio, u.role, u.email, s.created, s.seen FROM"
	    " sessions s JOIN users u ON u.id = s.user_id WHERE"
	    " s.token_hash = $1", 1, &token_hash, a, sizeof(*out),
	    fill_session, out);
}

static int
pg_session_touch(struct store_conn *sc, const char *token_hash, int64_t now)
{
	struct num	 t;
	const char	*p[2] = { token_hash, num(&t, now) };

	return pq_run((struct pconn *)sc, Q_SESSION_TOUCH, "UPDATE sessions"
	    " SET seen = $2 WHERE token_hash = $1", 2, p);
}

static int
pg_session_end(struct store_conn *sc, const char *token_hash)
{
	return pq_run((struct pconn *)sc, Q_SESSION_END, "DELETE FROM sessions"
	    " WHERE token_hash = $1", 1, &token_hash);
}

static int
pg_sessions_end_user(struct store_conn *sc, int64_t user_id, const char *keep)
{
	struct num	 u;
	const char	*p[2] = { keep, num(&u, user_id) };

	return pq_run((struct pconn *)sc, Q_SESSIONS_END_USER, "DELETE FROM"
	    " sessions WHERE token_hash <> $1 AND user_id = $2", 2, p);
}

static int
pg_throttle_get(struct store_conn *sc, const char *key, int64_t *failures,
    int64_t *last)
{
	PGresult	*res;
	int		 rc;

	*failures = *last = 0;
	rc = pq((struct pconn *)sc, Q_THROTTLE_GET, "SELECT failures, last"
	    " FROM login_failures WHERE key = $1", 1, &key, &res);
	if (rc == STORE_OK && PQntuples(res) == 1) {
		*failures = col_int(res, 0, 0);
		*last = col_int(res, 0, 1);
	}
	PQclear(res);
	return rc;
}

static int
pg_throttle_fail(struct store_conn *sc, const char *key, int64_t now)
{
	struct num	 t;
	const char	*p[2] = { key, num(&t, now) };

	return pq_run((struct pconn *)sc, Q_THROTTLE_FAIL, "INSERT INTO"
	    " login_failures (key, failures, last) VALUES ($1, 1, $2)"
	    " ON CONFLICT (key) DO UPDATE SET failures ="
	    " login_failures.failures + 1, last = $2", 2, p);
}

static int
pg_throttle_clear(struct store_conn *sc, const char *key)
{
	return pq_run((struct pconn *)sc, Q_THROTTLE_CLEAR, "DELETE FROM"
	    " login_failures WHERE key = $1", 1, &key);
}

static void
fill_found(struct arena *a, PGresult *res, int i, void *v)
{
	struct comment	*cm = v;

	fill_comment_email(a, res, i, v);
	cm->post_title = col_text(a, res, i, 19);
	cm->post_slug = col_text(a, res, i, 20);
	cm->post_published = col_int(res, i, 21);
	cm->post_author = col_int(res, i, 22);
}

/* The filter of comments_find, shared by its page and its count. */
#define FIND_WHERE " FROM comments c JOIN posts p ON p.id = c.post_id" \
	" WHERE ($1::text IS NULL AND c.status <> 'trash' OR" \
	" c.status = $1) AND ($2::bigint = 0 OR p.author_id = $2) AND" \
	" ($3 = '' OR strpos(lower(c.content), lower($3)) > 0 OR" \
	" strpos(lower(c.author), lower($3)) > 0 OR" \
	" strpos(lower(c.email), lower($3)) > 0)"

static int
pg_comments_find(struct store_conn *sc, struct arena *a,
    const struct comment_query *q, struct comment **out, size_t *n,
    int64_t *total)
{
	struct pconn	*c = (struct pconn *)sc;
	struct num	 au, of, li;
	const char	*p[5] = { q->status, num(&au, q->author_id),
	    str(q->q), num(&of, q->offset), num(&li, q->limit) };
	PGresult	*res;
	int		 rc;

	rc = pq(c, Q_COMMENTS_FIND_COUNT, "SELECT count(*)" FIND_WHERE, 3, p,
	    &res);
	if (rc == STORE_OK)
		*total = col_int(res, 0, 0);
	PQclear(res);
	if (rc != STORE_OK)
		return rc;
	rc = pq(c, Q_COMMENTS_FIND, "SELECT c.id, c.post_id,"
	    " coalesce(c.parent_id, 0), c.author, c.url, c.content, c.status,"
	    " c.created, c.vote_sum, c.vote_count, c.image, c.thumb,"
	    " c.thumb_w, c.thumb_h, c.avatar, c.email, c.spam_score,"
	    " c.spam_signals, c.spam_trained, p.title, p.slug, p.published,"
	    " p.author_id" FIND_WHERE " ORDER BY c.created DESC, c.id DESC"
	    " LIMIT $5 OFFSET $4", 5, p, &res);
	if (rc != STORE_OK)
		return rc;
	return many(res, a, sizeof(**out), fill_found, (void **)out, n);
}

static int
pg_comment_counts(struct store_conn *sc, int64_t author_id, int64_t counts[4])
{
	static const char *const st[4] = { "approved", "pending", "spam",
	    "trash" };
	struct num	 au;
	const char	*p[1] = { num(&au, author_id) };
	PGresult	*res;
	int		 rc, i, k;

	memset(counts, 0, 4 * sizeof(*counts));
	rc = pq((struct pconn *)sc, Q_COMMENT_COUNTS, "SELECT c.status,"
	    " count(*) FROM comments c JOIN posts p ON p.id = c.post_id"
	    " WHERE $1::bigint = 0 OR p.author_id = $1 GROUP BY c.status", 1,
	    p, &res);
	for (i = 0; rc == STORE_OK && i < PQntuples(res); i++)
		for (k = 0; k < 4; k++)
			if (strcmp(PQgetvalue(res, i, 0), st[k]) == 0)
				counts[k] = col_int(res, i, 1);
	PQclear(res);
	return rc;
}

static int
pg_drafts_count(struct store_conn *sc, int64_t author_id, int64_t *n)
{
	struct num	 au;
	const char	*p[1] = { num(&au, author_id) };
	PGresult	*res;
	int		 rc;

	rc = pq((struct pconn *)sc, Q_DRAFTS_COUNT, "SELECT count(*) FROM"
	    " posts WHERE status = 'draft' AND ($1::bigint = 0 OR"
	    " author_id = $1)", 1, p, &res);
	if (rc == STORE_OK)
		*n = col_int(res, 0, 0);
	PQclear(res);
	return rc;
}

static int
pg_daily(struct store_conn *sc, int64_t since, int ndays,
    struct day_counts *days)
{
	struct pconn	*c = (struct pconn *)sc;
	struct num	 si;
	const char	*p[1] = { num(&si, since) }, *k;
	PGresult	*res;
	int64_t		 d, n;
	int		 rc, i;

	memset(days, 0, (size_t)ndays * sizeof(*days));
	rc = pq(c, Q_DAILY_COMMENTS, "SELECT (created - $1) / 86400, status,"
	    " count(*) FROM comments WHERE created >= $1 GROUP BY 1, 2", 1, p,
	    &res);
	for (i = 0; rc == STORE_OK && i < PQntuples(res); i++) {
		d = col_int(res, i, 0);
		k = PQgetvalue(res, i, 1);
		n = col_int(res, i, 2);
		if (d < 0 || d >= ndays)
			continue;
		if (strcmp(k, "approved") == 0)
			days[d].approved += n;
		else if (strcmp(k, "pending") == 0)
			days[d].pending += n;
		else if (strcmp(k, "spam") == 0)
			days[d].spam += n;
	}
	PQclear(res);
	if (rc != STORE_OK)
		return rc;
	rc = pq(c, Q_DAILY_VOTES, "SELECT d, count(*) FROM (SELECT"
	    " (created - $1) / 86400 AS d FROM post_votes WHERE created >= $1"
	    " UNION ALL SELECT (created - $1) / 86400 FROM comment_votes"
	    " WHERE created >= $1) v GROUP BY d", 1, p, &res);
	for (i = 0; rc == STORE_OK && i < PQntuples(res); i++) {
		d = col_int(res, i, 0);
		if (d >= 0 && d < ndays)
			days[d].votes = col_int(res, i, 1);
	}
	PQclear(res);
	return rc;
}

static int
pg_post_get(struct store_conn *sc, struct arena *a, int64_t id,
    struct post *out)
{
	struct num	 n;
	const char	*p[1] = { num(&n, id) };

	return pq_row((struct pconn *)sc, Q_POST_GET, "SELECT " POST_COLS
	    " WHERE p.id = $1", 1, p, a, sizeof(*out), fill_post, out);
}

#define POSTS_FIND_WHERE " WHERE p.type = $1 AND ($2::text IS NULL AND" \
	" p.status <> 'trash' OR p.status = $2) AND ($3::bigint = 0 OR" \
	" p.author_id = $3) AND ($4::bigint = 0 OR EXISTS (SELECT 1 FROM" \
	" post_terms t WHERE t.post_id = p.id AND t.term_id = $4))"

static int
pg_posts_find(struct store_conn *sc, struct arena *a,
    const struct post_filter *f, struct post **out, size_t *n,
    int64_t *total)
{
	struct pconn	*c = (struct pconn *)sc;
	struct num	 au, te, of, li;
	const char	*p[6] = { str(f->type), f->status, num(&au,
	    f->author_id), num(&te, f->term_id), num(&of, f->offset),
	    num(&li, f->limit) };
	PGresult	*res;
	int		 rc;

	rc = pq(c, Q_POSTS_FIND_COUNT, "SELECT count(*) FROM posts p"
	    POSTS_FIND_WHERE, 4, p, &res);
	if (rc == STORE_OK)
		*total = col_int(res, 0, 0);
	PQclear(res);
	if (rc != STORE_OK)
		return rc;
	rc = pq(c, Q_POSTS_FIND, "SELECT " POST_COLS POSTS_FIND_WHERE
	    " ORDER BY p.modified DESC, p.id DESC LIMIT $6 OFFSET $5", 6, p,
	    &res);
	if (rc != STORE_OK)
		return rc;
	return many(res, a, sizeof(**out), fill_post, (void **)out, n);
}

static int
pg_post_update(struct store_conn *sc, const struct post *p)
{
	struct num	 au, pu, mo, co, fi, id;
	const char	*v[14] = { str(p->slug), str(p->title), str(p->status),
	    num(&au, p->author_id), num(&pu, p->published), num(&mo,
	    p->modified), str(p->format), str(p->body), str(p->excerpt),
	    str(p->source_name), str(p->source_url), num(&co,
	    p->comments_open), num(&fi, p->filtered), num(&id, p->id) };

	return pq_change((struct pconn *)sc, Q_POST_UPDATE, "UPDATE posts SET"
	    " slug = $1, title = $2, status = $3, author_id = $4,"
	    " published = $5, modified = $6, format = $7, body = $8,"
	    " excerpt = $9, source_name = $10, source_url = $11,"
	    " comments_open = $12, filtered = $13 WHERE id = $14", 14, v);
}

static int
pg_post_terms_clear(struct store_conn *sc, int64_t post_id)
{
	struct num	 n;
	const char	*p[1] = { num(&n, post_id) };

	return pq_run((struct pconn *)sc, Q_POST_TERMS_CLEAR, "DELETE FROM"
	    " post_terms WHERE post_id = $1", 1, p);
}

static int
pg_slug_taken(struct store_conn *sc, const char *type, const char *slug,
    int64_t except, int *taken)
{
	struct num	 n;
	const char	*p[3] = { type, slug, num(&n, except) };
	PGresult	*res;
	int		 rc;

	rc = pq((struct pconn *)sc, Q_SLUG_TAKEN, "SELECT count(*) FROM posts"
	    " WHERE type = $1 AND slug = $2 AND id <> $3", 3, p, &res);
	if (rc == STORE_OK)
		*taken = col_int(res, 0, 0) > 0;
	PQclear(res);
	return rc;
}

static void
fill_term_count(struct arena *a, PGresult *res, int i, void *v)
{
	fill_term(a, res, i, v);
	((struct term *)v)->count = col_int(res, i, 6);
}

static int
pg_term_update(struct store_conn *sc, const struct term *t)
{
	struct num	 pa, id;
	const char	*p[5] = { str(t->name), str(t->slug), num(&pa,
	    t->parent_id), str(t->description), num(&id, t->id) };

	return pq_change((struct pconn *)sc, Q_TERM_UPDATE, "UPDATE terms SET"
	    " name = $1, slug = $2, parent_id = NULLIF($3::bigint, 0),"
	    " description = $4 WHERE id = $5", 5, p);
}

static int
pg_term_delete(struct store_conn *sc, int64_t id)
{
	struct pconn	*c = (struct pconn *)sc;
	struct num	 n;
	const char	*p[1] = { num(&n, id) };
	int		 rc;

	rc = pq_run(c, Q_TERM_REPARENT, "UPDATE terms SET parent_id ="
	    " (SELECT parent_id FROM terms WHERE id = $1) WHERE"
	    " parent_id = $1", 1, p);
	if (rc != STORE_OK)
		return rc;
	return pq_change(c, Q_TERM_DELETE, "DELETE FROM terms WHERE id = $1",
	    1, p);
}

static int
pg_term_merge(struct store_conn *sc, int64_t from, int64_t into)
{
	struct num	 f, t;
	const char	*p[2] = { num(&f, from), num(&t, into) };
	int		 rc;

	rc = pq_run((struct pconn *)sc, Q_TERM_MOVE, "UPDATE post_terms SET"
	    " term_id = $2 WHERE term_id = $1 AND post_id NOT IN (SELECT"
	    " post_id FROM post_terms WHERE term_id = $2)", 2, p);
	if (rc != STORE_OK)
		return rc;
	return pg_term_delete(sc, from);
}

static int
pg_terms_list(struct store_conn *sc, struct arena *a, const char *taxonomy,
    struct term **out, size_t *n)
{
	PGresult	*res;
	int		 rc;

	rc = pq((struct pconn *)sc, Q_TERMS_LIST, "SELECT " TERM_COLS
	    ", (SELECT count(*) FROM post_terms pt WHERE pt.term_id = t.id)"
	    " FROM terms t WHERE t.taxonomy = $1 ORDER BY t.name, t.id", 1,
	    &taxonomy, &res);
	if (rc != STORE_OK)
		return rc;
	return many(res, a, sizeof(**out), fill_term_count, (void **)out, n);
}

static int
pg_revision_add(struct store_conn *sc, const struct revision *rv,
    int64_t *id)
{
	struct num	 po, cr, au;
	const char	*p[7] = { num(&po, rv->post_id), str(rv->title),
	    str(rv->body), str(rv->excerpt), str(rv->format), num(&cr,
	    rv->created), num(&au, rv->author_id) };

	return pq_insert((struct pconn *)sc, Q_REVISION_ADD, "INSERT INTO"
	    " post_revisions (post_id, title, body, excerpt, format, created,"
	    " author_id) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id", 7,
	    p, id);
}

static void
fill_revision(struct arena *a, PGresult *res, int i, void *v)
{
	struct revision	*rv = v;

	rv->id = col_int(res, i, 0);
	rv->post_id = col_int(res, i, 1);
	rv->title = col_text(a, res, i, 2);
	rv->body = col_text(a, res, i, 3);
	rv->excerpt = col_text(a, res, i, 4);
	rv->format = col_text(a, res, i, 5);
	rv->created = col_int(res, i, 6);
	rv->author_id = col_int(res, i, 7);
	rv->author_name = col_text(a, res, i, 8);
}

static int
pg_revisions_list(struct store_conn *sc, struct arena *a, int64_t post_id,
    struct revision **out, size_t *n)
{
	struct num	 po;
	const char	*p[1] = { num(&po, post_id) };
	PGresult	*res;
	int		 rc;

	rc = pq((struct pconn *)sc, Q_REVISIONS_LIST, "SELECT r.id, r.post_id,"
	    " r.title, r.body, r.excerpt, r.format, r.created, r.author_id,"
	    " u.name FROM post_revisions r JOIN users u ON u.id = r.author_id"
	    " WHERE r.post_id = $1 ORDER BY r.created DESC, r.id DESC", 1, p,
	    &res);
	if (rc != STORE_OK)
		return rc;
	return many(res, a, sizeof(**out), fill_revision, (void **)out, n);
}

static int
pg_scheduled_due(struct store_conn *sc, int64_t after, int64_t upto,
    int64_t *n)
{
	struct num	 a, b;
	const char	*p[2] = { num(&a, after), num(&b, upto) };
	PGresult	*res;
	int		 rc;

	rc = pq((struct pconn *)sc, Q_SCHEDULED_DUE, "SELECT count(*) FROM"
	    " posts WHERE status = 'publish' AND published > $1 AND"
	    " published <= $2", 2, p, &res);
	if (rc == STORE_OK)
		*n = col_int(res, 0, 0);
	PQclear(res);
	return rc;
}

static int
pg_generation_bump(struct store_conn *sc)
{
	/* As the triggers do: the new number, and the news of it. */
	return pq_run((struct pconn *)sc, Q_GENERATION_BUMP, "WITH g AS"
	    " (UPDATE generation SET n = n + 1 WHERE id = 1 RETURNING n)"
	    " SELECT pg_notify('galley_generation', n::text) FROM g", 0,
	    NULL);
}

static void
fill_whole(struct arena *a, PGresult *res, int i, void *v)
{
	struct comment	*cm = v;

	fill_comment_email(a, res, i, v);
	cm->ip_hash_out = col_text(a, res, i, 19);
	cm->user_agent_out = col_text(a, res, i, 20);
}

static int
pg_privacy_comments(struct store_conn *sc, struct arena *a,
    const char *email, struct comment **out, size_t *n)
{
	PGresult	*res;
	int		 rc;

	rc = pq((struct pconn *)sc, Q_PRIVACY_COMMENTS, "SELECT " MOD_COLS
	    ", ip_hash, user_agent FROM comments WHERE lower(email) ="
	    " lower($1) ORDER BY created, id", 1, &email, &res);
	if (rc != STORE_OK)
		return rc;
	return many(res, a, sizeof(**out), fill_whole, (void **)out, n);
}

static int
pg_comments_of_post(struct store_conn *sc, struct arena *a, int64_t post_id,
    struct comment **out, size_t *n)
{
	struct num	 po;
	const char	*p[1] = { num(&po, post_id) };
	PGresult	*res;
	int		 rc;

	rc = pq((struct pconn *)sc, Q_COMMENTS_OF_POST, "SELECT " MOD_COLS
	    " FROM comments WHERE post_id = $1 ORDER BY id", 1, p, &res);
	if (rc != STORE_OK)
		return rc;
	return many(res, a, sizeof(**out), fill_comment_email, (void **)out,
	    n);
}

static int
pg_post_delete(struct store_conn *sc, int64_t id)
{
	struct num	 n;
	const char	*p[1] = { num(&n, id) };

	/* Comments, votes, terms and revisions go by ON DELETE CASCADE. */
	return pq_change((struct pconn *)sc, Q_POST_DELETE, "DELETE FROM posts"
	    " WHERE id = $1", 1, p);
}

static int
pg_comment_edit(struct store_conn *sc, const struct comment *cm)
{
	struct num	 n;
	const char	*p[5] = { str(cm->author), str(cm->email), str(cm->url),
	    str(cm->content), num(&n, cm->id) };

	return pq_change((struct pconn *)sc, Q_COMMENT_EDIT, "UPDATE comments"
	    " SET author = $1, email = $2, url = $3, content = $4"
	    " WHERE id = $5", 5, p);
}

static int
pg_comment_anonymise(struct store_conn *sc, int64_t id)
{
	struct num	 n;
	const char	*p[1] = { num(&n, id) };

	return pq_change((struct pconn *)sc, Q_COMMENT_ANONYMISE, "UPDATE"
	    " comments SET author = 'Anonymous', email = '', url = '',"
	    " ip_hash = '', user_agent = '', avatar = '', spam_trained = ''"
	    " WHERE id = $1", 1, p);
}

static int
pg_comment_remove(struct store_conn *sc, int64_t id)
{
	struct pconn	*c = (struct pconn *)sc;
	struct num	 n;
	const char	*p[1] = { num(&n, id) };
	int		 rc;

	rc = pq_run(c, Q_COMMENT_REPARENT, "UPDATE comments SET parent_id ="
	    " (SELECT parent_id FROM comments WHERE id = $1) WHERE"
	    " parent_id = $1", 1, p);
	if (rc != STORE_OK)
		return rc;
	return pq_change(c, Q_COMMENT_REMOVE, "DELETE FROM comments WHERE"
	    " id = $1", 1, p);
}

static int
pg_image_uses(struct store_conn *sc, const char *hash, int64_t *n)
{
	PGresult	*res;
	int		 rc;

	rc = pq((struct pconn *)sc, Q_IMAGE_USES, "SELECT (SELECT count(*)"
	    " FROM comments WHERE image = $1 OR thumb = $1) + (SELECT"
	    " count(*) FROM media WHERE hash = $1)", 1, &hash, &res);
	if (rc == STORE_OK)
		*n = col_int(res, 0, 0);
	PQclear(res);
	return rc;
}

static int
pg_privacy_log_add(struct store_conn *sc, const struct privacy_entry *e)
{
	struct num	 cr, us, it;
	const char	*p[5] = { num(&cr, e->created), num(&us, e->user_id),
	    str(e->action), str(e->subject), num(&it, e->items) };

	return pq_run((struct pconn *)sc, Q_PRIVACY_LOG_ADD, "INSERT INTO"
	    " privacy_log (created, user_id, action, subject, items) VALUES"
	    " ($1, $2, $3, $4, $5)", 5, p);
}

static void
fill_privacy(struct arena *a, PGresult *res, int i, void *v)
{
	struct privacy_entry	*e = v;

	e->created = col_int(res, i, 0);
	e->user_id = col_int(res, i, 1);
	e->user_name = col_text(a, res, i, 2);
	e->action = col_text(a, res, i, 3);
	e->subject = col_text(a, res, i, 4);
	e->items = col_int(res, i, 5);
}

static int
pg_privacy_log_list(struct store_conn *sc, struct arena *a, int64_t limit,
    struct privacy_entry **out, size_t *n)
{
	struct num	 l;
	const char	*p[1] = { num(&l, limit) };
	PGresult	*res;
	int		 rc;

	rc = pq((struct pconn *)sc, Q_PRIVACY_LOG_LIST, "SELECT l.created,"
	    " l.user_id, coalesce(u.name, ''), l.action, l.subject, l.items"
	    " FROM privacy_log l LEFT JOIN users u ON u.id = l.user_id"
	    " ORDER BY l.id DESC LIMIT $1", 1, p, &res);
	if (rc != STORE_OK)
		return rc;
	return many(res, a, sizeof(**out), fill_privacy, (void **)out, n);
}

static void
fill_media(struct arena *a, PGresult *res, int i, void *v)
{
	struct media	*m = v;

	m->id = col_int(res, i, 0);
	m->hash = col_text(a, res, i, 1);
	m->mime = col_text(a, res, i, 2);
	m->width = (int)col_int(res, i, 3);
	m->height = (int)col_int(res, i, 4);
	m->bytes = col_int(res, i, 5);
	m->alt = col_text(a, res, i, 6);
	m->created = col_int(res, i, 7);
}

static int
pg_media_list(struct store_conn *sc, struct arena *a, int64_t offset,
    int64_t limit, struct media **out, size_t *n, int64_t *total)
{
	struct pconn	*c = (struct pconn *)sc;
	struct num	 li, of;
	const char	*p[2] = { num(&li, limit), num(&of, offset) };
	PGresult	*res;
	int		 rc;

	rc = pq(c, Q_MEDIA_COUNT, "SELECT count(*) FROM media", 0, NULL, &res);
	if (rc == STORE_OK)
		*total = col_int(res, 0, 0);
	PQclear(res);
	if (rc != STORE_OK)
		return rc;
	rc = pq(c, Q_MEDIA_LIST, "SELECT id, hash, mime, width, height, bytes,"
	    " alt, created FROM media ORDER BY created DESC, id DESC"
	    " LIMIT $1 OFFSET $2", 2, p, &res);
	if (rc != STORE_OK)
		return rc;
	return many(res, a, sizeof(**out), fill_media, (void **)out, n);
}

static const struct store_ops pg_ops = {
	.generation = pg_generation,
	.begin = pg_begin,
	.commit = pg_commit,
	.rollback = pg_rollback,
	.setting_get = pg_setting_get,
	.setting_set = pg_setting_set,
	.user_add = pg_user_add,
	.user_by_slug = pg_user_by_slug,
	.user_by_id = pg_user_by_id,
	.post_add = pg_post_add,
	.post_by_slug = pg_post_by_slug,
	.posts_list = pg_posts_list,
	.term_add = pg_term_add,
	.term_by_slug = pg_term_by_slug,
	.post_term_add = pg_post_term_add,
	.post_terms = pg_post_terms,
	.comment_add = pg_comment_add,
	.comments_approved = pg_comments_approved,
	.comment_by_id = pg_comment_by_id,
	.comments_list = pg_comments_list,
	.comment_moderate = pg_comment_moderate,
	.comment_facts = pg_comment_facts,
	.forget = pg_forget,
	.lock = pg_lock,
	.post_by_id = pg_post_by_id,
	.votes_recount = pg_votes_recount,
	.vote_cast = pg_vote_cast,
	.post_vote_add = pg_post_vote_add,
	.comment_vote_add = pg_comment_vote_add,
	.media_add = pg_media_add,
	.spam_counts = pg_spam_counts,
	.spam_learn = pg_spam_learn,
	.user_by_email = pg_user_by_email,
	.users_list = pg_users_list,
	.user_set = pg_user_set,
	.user_remove = pg_user_remove,
	.session_add = pg_session_add,
	.session_get = pg_session_get,
	.session_touch = pg_session_touch,
	.session_end = pg_session_end,
	.sessions_end_user = pg_sessions_end_user,
	.throttle_get = pg_throttle_get,
	.throttle_fail = pg_throttle_fail,
	.throttle_clear = pg_throttle_clear,
	.comments_find = pg_comments_find,
	.comment_counts = pg_comment_counts,
	.drafts_count = pg_drafts_count,
	.daily = pg_daily,
	.post_get = pg_post_get,
	.posts_find = pg_posts_find,
	.post_update = pg_post_update,
	.post_terms_clear = pg_post_terms_clear,
	.slug_taken = pg_slug_taken,
	.terms_list = pg_terms_list,
	.revision_add = pg_revision_add,
	.revisions_list = pg_revisions_list,
	.scheduled_due = pg_scheduled_due,
	.generation_bump = pg_generation_bump,
	.privacy_comments = pg_privacy_comments,
	.comment_anonymise = pg_comment_anonymise,
	.comment_remove = pg_comment_remove,
	.image_uses = pg_image_uses,
	.privacy_log_add = pg_privacy_log_add,
	.privacy_log_list = pg_privacy_log_list,
	.term_update = pg_term_update,
	.term_delete = pg_term_delete,
	.term_merge = pg_term_merge,
	.media_list = pg_media_list,
	.comment_edit = pg_comment_edit,
	.post_delete = pg_post_delete,
	.comments_of_post = pg_comments_of_post,
};

/* Names where a URI points (host or socket directory) for messages. */
static void
describe(PGconn *db, const char *uri, char *err, size_t errlen)
{
	const char	*host = db ? PQhost(db) : NULL;
	const char	*msg = db ? PQerrorMessage(db) : "out of memory";
	size_t		 n = strlen(msg);

	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		n--;
	snprintf(err, errlen, "cannot connect to PostgreSQL at %s (%s): %.*s",
	    host && *host ? host : "the default socket", uri, (int)n, msg);
}

/* Notices ("relation already exists, skipping") are not for users. */
static void
quiet(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;
}

static struct pconn *
conn_open(const char *uri, char *err, size_t errlen)
{
	struct pconn	*c = xcalloc(1, sizeof(*c));
	/*
	 * Defaults that find a dead server or a cut network in seconds, not
	 * hours; the same keys in the URI, read later, win.
	 */
	/*
	 * A lock waited on for 5 s is given up (55P03, STORE_RETRY), as
	 * SQLite's busy timeout does: no worker waits forever on a lock.
	 */
	static const char *const keys[] = { "connect_timeout", "keepalives",
	    "keepalives_idle", "keepalives_interval", "keepalives_count",
	    "tcp_user_timeout", "options", "dbname", NULL };
	const char	*vals[] = { "5", "1", "10", "3", "3", "15000",
	    "-c lock_timeout=5000", uri, NULL };

	c->base.ops = &pg_ops;
	c->db = PQconnectdbParams(keys, vals, 1);
	if (c->db == NULL || PQstatus(c->db) != CONNECTION_OK) {
		describe(c->db, uri, err, errlen);
		PQfinish(c->db);
		free(c);
		return NULL;
	}
	PQsetNoticeProcessor(c->db, quiet, NULL);
	return c;
}

static void
conn_free(struct pconn *c)
{
	PQfinish(c->db);
	free(c);
}

/* Applies pending migrations in one transaction under an advisory lock. */
static int
migrate(PGconn *db, char *err, size_t errlen)
{
	PGresult	*res;
	int		 v = 0, n = sizeof(migrations) / sizeof(migrations[0]);
	char		 set[96];

	/* Another node may be migrating: wait for it, however long. */
	res = PQexec(db, "BEGIN; SET LOCAL lock_timeout = 0;"
	    " SELECT pg_advisory_xact_lock(7468756);"
	    "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT"
	    " NULL); SELECT coalesce(max(version), 0) FROM schema_version");
	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		goto fail;
	v = atoi(PQgetvalue(res, 0, 0));
	PQclear(res);
	if (v > n) {
		snprintf(err, errlen, "database schema %d is newer than this"
		    " galley (%d)", v, n);
		PQclear(PQexec(db, "ROLLBACK"));
		return STORE_ERROR;
	}
	for (; v < n; v++) {
		res = PQexec(db, migrations[v]);
		if (PQresultStatus(res) != PGRES_COMMAND_OK)
			goto fail;
		PQclear(res);
	}
	snprintf(set, sizeof(set), "DELETE FROM schema_version;"
	    " INSERT INTO schema_version VALUES (%d); COMMIT", n);
	res = PQexec(db, set);
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		goto fail;
	PQclear(res);
	return STORE_OK;
fail:
	snprintf(err, errlen, "migration %d: %s", v + 1,
	    PQresultErrorMessage(res));
	PQclear(res);
	PQclear(PQexec(db, "ROLLBACK"));
	return STORE_ERROR;
}

/*
 * Waits up to ms for the watcher's connection (fd, or none if -1) to be
 * readable.  Returns 1 when readable, 0 on time-out, -1 when told to stop.
 */
static int
watch_wait(struct ppool *p, int fd, int ms)
{
	struct pollfd	 pfd[2] = { { p->wake[0], POLLIN, 0 }, { fd, POLLIN, 0 } };

	if (poll(pfd, fd >= 0 ? 2 : 1, ms) < 0)
		return 0;
	if (pfd[0].revents)
		return -1;
	return fd >= 0 && pfd[1].revents ? 1 : 0;
}

/* LISTENs on one connection until it breaks; -1 when told to stop. */
static int
watch_once(struct ppool *p, PGconn *db)
{
	PGnotify	*n;
	PGresult	*res;
	int		 rc;

	res = PQexec(db, "LISTEN galley_generation;"
	    " SELECT n FROM generation WHERE id = 1");
	if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1) {
		PQclear(res);
		return 0;
	}
	atomic_store(&p->gen, strtoll(PQgetvalue(res, 0, 0), NULL, 10));
	PQclear(res);
	for (;;) {
		if ((rc = watch_wait(p, PQsocket(db), 10000)) == -1)
			return -1;
		if (rc == 0) {
			/*
			 * Quiet for 10 s: ask, which both proves the link is
			 * alive (a half-open TCP connection reports nothing)
			 * and resyncs the generation.
			 */
			res = PQexec(db, "SELECT n FROM generation WHERE id = 1");
			rc = PQresultStatus(res) == PGRES_TUPLES_OK &&
			    PQntuples(res) == 1;
			if (rc)
				atomic_store(&p->gen, strtoll(PQgetvalue(res,
				    0, 0), NULL, 10));
			PQclear(res);
			if (!rc)
				return 0;
		}
		if (PQconsumeInput(db) == 0 || PQstatus(db) != CONNECTION_OK)
			return 0;
		while ((n = PQnotifies(db)) != NULL) {
			int64_t v = strtoll(n->extra, NULL, 10);

			/* Notifications of one commit may come in any order. */
			if (v > atomic_load(&p->gen))
				atomic_store(&p->gen, v);
			PQfreemem(n);
		}
	}
}

/*
 * The watcher thread keeps p->gen equal to the database's generation by
 * LISTENing to the notification every write's trigger sends, so a node
 * can serve a cached page without a round trip.  While its connection is
 * down the generation is unknown (-1) and requests ask the database, as
 * they would without it.
 */
static void *
watcher(void *arg)
{
	struct ppool	*p = arg;
	struct pconn	*c;
	char		 err[512];
	int		 rc = 0;

	while (rc != -1) {
		atomic_store(&p->gen, -1);
		if ((c = conn_open(p->uri, err, sizeof(err))) == NULL) {
			rc = watch_wait(p, -1, 1000);
			continue;
		}
		rc = watch_once(p, c->db);
		atomic_store(&p->gen, -1);
		conn_free(c);
		if (rc != -1)
			rc = watch_wait(p, -1, 200);
	}
	return NULL;
}

static int
pg_generation_hint(struct store *s, int64_t *gen)
{
	struct ppool	*p = (struct ppool *)s;
	int64_t		 v = atomic_load(&p->gen);

	if (v < 0)
		return 0;
	*gen = v;
	return 1;
}

static void
pg_generation_note(struct store *s, int64_t gen)
{
	struct ppool	*p = (struct ppool *)s;
	int64_t		 v = atomic_load(&p->gen);

	/* Only forward, and only while the watcher knows the value. */
	while (v >= 0 && v < gen &&
	    !atomic_compare_exchange_weak(&p->gen, &v, gen))
		;
}

static int
pg_watch(struct store *s)
{
	struct ppool	*p = (struct ppool *)s;

	if (p->watching || pipe(p->wake) == -1)
		return -1;
	if (pthread_create(&p->watcher, NULL, watcher, p) != 0) {
		close(p->wake[0]);
		close(p->wake[1]);
		return -1;
	}
	p->watching = 1;
	return 0;
}

static int
pg_match(const char *uri)
{
	return strncmp(uri, "postgresql:", 11) == 0 ||
	    strncmp(uri, "postgres:", 9) == 0;
}

static int
pg_open(const char *uri, int create, struct store **out, char *err,
    size_t errlen)
{
	struct ppool	*p;
	struct pconn	*c;

	(void)create;	/* the database itself must exist; tables are ours */
	if ((c = conn_open(uri, err, errlen)) == NULL)
		return STORE_DOWN;
	if (migrate(c->db, err, errlen) != STORE_OK) {
		conn_free(c);
		return STORE_ERROR;
	}
	p = xcalloc(1, sizeof(*p));
	p->base.be = &store_pg_backend;
	p->uri = xstrdup(uri);
	pool_init(&p->pool, POOL_MAX);
	p->base.conns = POOL_MAX;
	pool_first(&p->pool, &c->item);
	atomic_init(&p->gen, -1);
	*out = &p->base;
	return STORE_OK;
}

static void
pg_close(struct store *s)
{
	struct ppool		*p = (struct ppool *)s;
	struct pool_item	*it;

	if (p->watching) {
		(void)write(p->wake[1], "", 1);
		pthread_join(p->watcher, NULL);
		close(p->wake[0]);
		close(p->wake[1]);
	}
	while ((it = pool_drain(&p->pool)) != NULL)
		conn_free(PCONN(it));
	pool_destroy(&p->pool);
	free(p->uri);
	free(p);
}

/* Opens one more connection for the pool. */
static struct pool_item *
pool_open(void *arg, char *err, size_t errlen)
{
	struct pconn	*c = conn_open(arg, err, errlen);

	return c != NULL ? &c->item : NULL;
}

static struct store_conn *
pg_conn_get(struct store *s)
{
	struct ppool		*p = (struct ppool *)s;
	struct pool_item	*it;

	it = pool_get(&p->pool, POOL_WAIT_MS, "postgresql", pool_open,
	    p->uri);
	return it != NULL ? &PCONN(it)->base : NULL;
}

static void
pg_conn_put(struct store *s, struct store_conn *sc)
{
	struct ppool	*p = (struct ppool *)s;
	struct pconn	*c = (struct pconn *)sc;

	if (c->in_tx)
		pg_rollback(sc);
	if (PQstatus(c->db) != CONNECTION_OK ||
	    PQtransactionStatus(c->db) != PQTRANS_IDLE) {
		/* Broken: close it; the next get opens a fresh one. */
		conn_free(c);
		pool_drop(&p->pool);
		return;
	}
	pool_give(&p->pool, &c->item);
}

const struct store_backend store_pg_backend = {
	.name = "postgresql",
	.match = pg_match,
	.open = pg_open,
	.close = pg_close,
	.conn_get = pg_conn_get,
	.conn_put = pg_conn_put,
	.watch = pg_watch,
	.generation_hint = pg_generation_hint,
	.generation_note = pg_generation_note,
};
