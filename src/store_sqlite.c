/*
 * store_sqlite: the SQLite back end of the storage interface, and the only
 * file (with store_pg.c) that includes a database header.  The database is
 * one file in WAL mode with foreign keys on, synchronous=FULL (a commit that
 * returned is on disk) and a busy timeout.  Migrations are numbered by
 * PRAGMA user_version and applied at open.
 *
 * Each connection prepares its statements lazily, the first time a query
 * runs on it, and keeps them for its life; the SQL of each statement stands
 * in the function that runs it.  A pool hands connections to requests.
 */
#include <errno.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>

#include "alloc.h"
#include "arena.h"
#include "pool.h"
#include "spam.h"
#include "store.h"
#include "store_backend.h"

/* One per server thread never waits; connections are cheap. */
#define POOL_MAX	64
#define POOL_WAIT_MS	5000

/* Statement slots, one per query; the SQL is at the call site. */
enum q {
	Q_GENERATION, Q_BEGIN, Q_COMMIT, Q_ROLLBACK,
	Q_SETTING_GET, Q_SETTING_SET,
	Q_USER_ADD, Q_USER_BY_SLUG, Q_USER_BY_ID,
	Q_POST_ADD, Q_POST_BY_SLUG, Q_POSTS_LIST, Q_POSTS_COUNT,
	Q_TERM_ADD, Q_TERM_BY_SLUG, Q_POST_TERM_ADD, Q_POST_TERMS,
	Q_COMMENT_ADD, Q_COMMENTS_APPROVED, Q_COMMENT_BY_ID, Q_COMMENTS_LIST,
	Q_COMMENT_MODERATE, Q_COMMENT_FACTS, Q_COMMENTS_FORGET,
	Q_POST_VOTES_FORGET, Q_COMMENT_VOTES_FORGET,
	Q_POST_BY_ID, Q_RECOUNT_POSTS, Q_RECOUNT_COMMENTS, Q_FIX_POST,
	Q_FIX_COMMENT,
	Q_VOTE,		/* 8 slots: 4 statements for posts, then comments */
	Q_VOTE_END = Q_VOTE + 7,
	Q_POST_VOTE_ADD, Q_COMMENT_VOTE_ADD, Q_MEDIA_ADD,
	Q_SPAM_COUNT, Q_SPAM_LEARN, Q_SPAM_PRUNE,
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

struct sconn {
	struct store_conn	 base;
	struct pool_item	 item;
	sqlite3			*db;
	sqlite3_stmt		*stmt[Q__MAX];
};

struct spool {
	struct store		 base;
	char			*path;
	struct pool		 pool;
};

#define SCONN(it)	((struct sconn *)(void *)((char *)(it) - \
			    offsetof(struct sconn, item)))

#define GEN_TRIGGERS(t) \
	"CREATE TRIGGER " t "_gi AFTER INSERT ON " t \
	" BEGIN UPDATE generation SET n = n + 1; END;" \
	"CREATE TRIGGER " t "_gu AFTER UPDATE ON " t \
	" BEGIN UPDATE generation SET n = n + 1; END;" \
	"CREATE TRIGGER " t "_gd AFTER DELETE ON " t \
	" BEGIN UPDATE generation SET n = n + 1; END;"

#define VOTE_TRIGGERS(t, parent, key, sum, count) \
	"CREATE TRIGGER " t "_ai AFTER INSERT ON " t " BEGIN UPDATE " parent \
	" SET " sum " = " sum " + NEW.value, " count " = " count " + 1" \
	" WHERE id = NEW." key "; END;" \
	"CREATE TRIGGER " t "_ad AFTER DELETE ON " t " BEGIN UPDATE " parent \
	" SET " sum " = " sum " - OLD.value, " count " = " count " - 1" \
	" WHERE id = OLD." key "; END;" \
	"CREATE TRIGGER " t "_au AFTER UPDATE OF value ON " t " BEGIN UPDATE " \
	parent " SET " sum " = " sum " - OLD.value + NEW.value" \
	" WHERE id = NEW." key "; END;"

/* Migration N brings user_version from N to N + 1.  Append only. */
static const char *const migrations[] = {
	"CREATE TABLE generation (id INTEGER PRIMARY KEY CHECK (id = 1),"
	"  n INTEGER NOT NULL);"
	"INSERT INTO generation VALUES (1, 0);"
	"CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
	"CREATE TABLE users (id INTEGER PRIMARY KEY,"
	"  slug TEXT NOT NULL UNIQUE, name TEXT NOT NULL,"
	"  email TEXT NOT NULL UNIQUE, url TEXT NOT NULL DEFAULT '',"
	"  bio TEXT NOT NULL DEFAULT '',"
	"  role TEXT NOT NULL DEFAULT 'author'"
	"    CHECK (role IN ('admin', 'editor', 'author')),"
	"  pass_hash TEXT, created INTEGER NOT NULL);"
	"CREATE TABLE posts (id INTEGER PRIMARY KEY,"
	"  type TEXT NOT NULL CHECK (type IN ('post', 'page')),"
	"  slug TEXT NOT NULL, title TEXT NOT NULL,"
	"  status TEXT NOT NULL CHECK (status IN"
	"    ('publish', 'draft', 'pending', 'private', 'trash')),"
	"  author_id INTEGER NOT NULL REFERENCES users(id),"
	"  published INTEGER NOT NULL, modified INTEGER NOT NULL,"
	"  format TEXT NOT NULL CHECK (format IN ('markdown', 'html')),"
	"  body TEXT NOT NULL, excerpt TEXT NOT NULL DEFAULT '',"
	"  source_name TEXT NOT NULL DEFAULT '',"
	"  source_url TEXT NOT NULL DEFAULT '',"
	"  comments_open INTEGER NOT NULL DEFAULT 1,"
	"  rating_sum INTEGER NOT NULL DEFAULT 0,"
	"  rating_count INTEGER NOT NULL DEFAULT 0,"
	"  UNIQUE (type, slug));"
	"CREATE INDEX posts_by_date ON posts (type, status, published);"
	"CREATE INDEX posts_by_author ON posts (author_id);"
	"CREATE TABLE terms (id INTEGER PRIMARY KEY,"
	"  taxonomy TEXT NOT NULL CHECK (taxonomy IN ('category', 'tag')),"
	"  slug TEXT NOT NULL, name TEXT NOT NULL,"
	"  parent_id INTEGER REFERENCES terms(id) ON DELETE SET NULL,"
	"  description TEXT NOT NULL DEFAULT '',"
	"  UNIQUE (taxonomy, slug));"
	"CREATE TABLE post_terms ("
	"  post_id INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,"
	"  term_id INTEGER NOT NULL REFERENCES terms(id) ON DELETE CASCADE,"
	"  position INTEGER NOT NULL,"
	"  PRIMARY KEY (post_id, term_id));"
	"CREATE INDEX post_terms_by_term ON post_terms (term_id);"
	"CREATE TABLE comments (id INTEGER PRIMARY KEY,"
	"  post_id INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,"
	"  parent_id INTEGER REFERENCES comments(id) ON DELETE CASCADE,"
	"  author TEXT NOT NULL, email TEXT NOT NULL,"
	"  url TEXT NOT NULL DEFAULT '', content TEXT NOT NULL,"
	"  status TEXT NOT NULL CHECK (status IN"
	"    ('approved', 'pending', 'spam', 'trash')),"
	"  created INTEGER NOT NULL, ip_hash TEXT NOT NULL DEFAULT '',"
	"  user_agent TEXT NOT NULL DEFAULT '',"
	"  user_id INTEGER REFERENCES users(id) ON DELETE SET NULL,"
	"  vote_sum INTEGER NOT NULL DEFAULT 0,"
	"  vote_count INTEGER NOT NULL DEFAULT 0);"
	"CREATE INDEX comments_by_post ON comments (post_id, status, created);"
	"CREATE TABLE post_votes ("
	"  post_id INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,"
	"  voter TEXT NOT NULL, value INTEGER NOT NULL CHECK (value >= 1),"
	"  created INTEGER NOT NULL, PRIMARY KEY (post_id, voter));"
	"CREATE TABLE comment_votes ("
	"  comment_id INTEGER NOT NULL"
	"    REFERENCES comments(id) ON DELETE CASCADE,"
	"  voter TEXT NOT NULL, value INTEGER NOT NULL"
	"    CHECK (value IN (-1, 1)),"
	"  created INTEGER NOT NULL, PRIMARY KEY (comment_id, voter));"
	"CREATE TABLE media (id INTEGER PRIMARY KEY,"
	"  hash TEXT NOT NULL UNIQUE, mime TEXT NOT NULL,"
	"  width INTEGER NOT NULL, height INTEGER NOT NULL,"
	"  bytes INTEGER NOT NULL, alt TEXT NOT NULL DEFAULT '',"
	"  created INTEGER NOT NULL);"
	VOTE_TRIGGERS("post_votes", "posts", "post_id",
	    "rating_sum", "rating_count")
	VOTE_TRIGGERS("comment_votes", "comments", "comment_id",
	    "vote_sum", "vote_count")
	GEN_TRIGGERS("settings") GEN_TRIGGERS("users") GEN_TRIGGERS("posts")
	GEN_TRIGGERS("terms") GEN_TRIGGERS("post_terms")
	GEN_TRIGGERS("comments") GEN_TRIGGERS("post_votes")
	GEN_TRIGGERS("comment_votes") GEN_TRIGGERS("media"),

	MIGRATION_COMMENT_IMAGES,	/* 2 */
	MIGRATION_AVATARS,		/* 3 */
	MIGRATION_VOTE_IPS,		/* 4 */
	MIGRATION_SPAM,			/* 5 */
	MIGRATION_ACCOUNTS,		/* 6 */
	MIGRATION_REVISIONS("INTEGER PRIMARY KEY"),	/* 7 */
	MIGRATION_PRIVACY_LOG("INTEGER PRIMARY KEY"),	/* 8 */
	MIGRATION_POST_FILTERED,	/* 9 */
};

static const struct store_ops sqlite_ops;

/*
 * Maps a failed step to a store_rc; logs what is not the caller's to
 * expect.  A full disk or quota is SQLITE_FULL, or an I/O error whose
 * errno says so (the WAL index growing, an fsync): STORE_FULL, which
 * passes once there is room again.
 */
static int
rc_of(sqlite3 *db, int rc, const char *what)
{
	int	 e;

	if ((rc & 0xff) == SQLITE_FULL || ((rc & 0xff) == SQLITE_IOERR &&
	    ((e = sqlite3_system_errno(db)) == ENOSPC || e == EDQUOT))) {
		fprintf(stderr, "galley: sqlite: %s: %s\n", what,
		    sqlite3_errmsg(db));
		return STORE_FULL;
	}
	switch (rc) {
	case SQLITE_OK:
	case SQLITE_DONE:
	case SQLITE_ROW:
		return STORE_OK;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return STORE_RETRY;
	case SQLITE_CONSTRAINT:
		if (sqlite3_extended_errcode(db) == SQLITE_CONSTRAINT_UNIQUE ||
		    sqlite3_extended_errcode(db) ==
		    SQLITE_CONSTRAINT_PRIMARYKEY)
			return STORE_CONFLICT;
		break;
	case SQLITE_CANTOPEN:
	case SQLITE_IOERR:
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
		fprintf(stderr, "galley: sqlite: %s: %s\n", what,
		    sqlite3_errmsg(db));
		return STORE_DOWN;
	default:
		break;
	}
	fprintf(stderr, "galley: sqlite: %s: %s\n", what, sqlite3_errmsg(db));
	return STORE_ERROR;
}

/*
 * Returns the statement for slot q on c, prepared from sql the first time,
 * reset and with its bindings cleared; NULL (logged) if sql is bad.
 */
static sqlite3_stmt *
stmt(struct sconn *c, enum q q, const char *sql)
{
	sqlite3_stmt	*s = c->stmt[q];

	if (s != NULL) {
		sqlite3_reset(s);
		sqlite3_clear_bindings(s);
		return s;
	}
	if (sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
	    &s, NULL) != SQLITE_OK) {
		fprintf(stderr, "galley: sqlite: prepare: %s: %s\n",
		    sqlite3_errmsg(c->db), sql);
		return NULL;
	}
	c->stmt[q] = s;
	return s;
}

static void
bind_text(sqlite3_stmt *s, int i, const char *v)
{
	sqlite3_bind_text(s, i, v != NULL ? v : "", -1, SQLITE_STATIC);
}

static char *
col_text(struct arena *a, sqlite3_stmt *s, int i)
{
	const unsigned char	*t = sqlite3_column_text(s, i);

	if (t == NULL)
		return arena_strdup(a, "");
	return arena_strndup(a, (const char *)t,
	    (size_t)sqlite3_column_bytes(s, i));
}

/* Runs s to completion (a write); sets *id to the new rowid if asked. */
static int
run(struct sconn *c, sqlite3_stmt *s, int64_t *id, const char *what)
{
	int	 rc;

	if (s == NULL)
		return STORE_ERROR;
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return rc_of(c->db, rc, what);
	if (id != NULL)
		*id = sqlite3_last_insert_rowid(c->db);
	return STORE_OK;
}

/* Steps s expecting one row: STORE_OK with the row ready, or NOTFOUND. */
static int
one(struct sconn *c, sqlite3_stmt *s, const char *what)
{
	int	 rc;

	if (s == NULL)
		return STORE_ERROR;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		return STORE_OK;
	sqlite3_reset(s);
	if (rc == SQLITE_DONE)
		return STORE_NOTFOUND;
	return rc_of(c->db, rc, what);
}

/*
 * Steps s expecting at most one row and fills *out (sz bytes, zeroed
 * first) from it with fill; STORE_NOTFOUND when there is none.
 */
static int
row(struct sconn *c, sqlite3_stmt *s, struct arena *a, size_t sz,
    void (*fill)(struct arena *, sqlite3_stmt *, void *), void *out,
    const char *what)
{
	int	 rc;

	if ((rc = one(c, s, what)) != STORE_OK)
		return rc;
	memset(out, 0, sz);
	fill(a, s, out);
	sqlite3_reset(s);
	return STORE_OK;
}

/*
 * Collects every row of s into an arena array of elements of size sz,
 * filling each with fill().  Returns a store_rc.
 */
static int
many(struct sconn *c, sqlite3_stmt *s, struct arena *a, size_t sz,
    void (*fill)(struct arena *, sqlite3_stmt *, void *),
    void **out, size_t *n, const char *what)
{
	size_t	 cap = 0, len = 0;
	char	*v = NULL, *nv;
	int	 rc;

	*out = NULL;
	*n = 0;
	if (s == NULL)
		return STORE_ERROR;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (len == cap) {
			cap = cap ? cap * 2 : 8;
			nv = arena_alloc(a, cap * sz);
			if (len > 0)
				memcpy(nv, v, len * sz);
			v = nv;
		}
		memset(v + len * sz, 0, sz);
		fill(a, s, v + len * sz);
		len++;
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return rc_of(c->db, rc, what);
	*out = v;
	*n = len;
	return STORE_OK;
}

static int
exec_stmt(struct store_conn *sc, enum q q, const char *sql)
{
	struct sconn	*c = (struct sconn *)sc;

	return run(c, stmt(c, q, sql), NULL, sql);
}

static int
sq_generation(struct store_conn *sc, int64_t *gen)
{
	struct sconn	*c = (struct sconn *)sc;
	sqlite3_stmt	*s;
	int		 rc;

	s = stmt(c, Q_GENERATION, "SELECT n FROM generation WHERE id = 1");
	if ((rc = one(c, s, "generation")) != STORE_OK)
		return rc;
	*gen = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	return STORE_OK;
}

static int
sq_begin(struct store_conn *sc)
{
	return exec_stmt(sc, Q_BEGIN, "BEGIN IMMEDIATE");
}

static int
sq_commit(struct store_conn *sc)
{
	return exec_stmt(sc, Q_COMMIT, "COMMIT");
}

static int
sq_rollback(struct store_conn *sc)
{
	/* A full disk or an I/O error may have rolled it back already. */
	if (sqlite3_get_autocommit(((struct sconn *)sc)->db))
		return STORE_OK;
	return exec_stmt(sc, Q_ROLLBACK, "ROLLBACK");
}

static int
sq_setting_get(struct store_conn *sc, struct arena *a, const char *key,
    char **val)
{
	struct sconn	*c = (struct sconn *)sc;
	sqlite3_stmt	*s;
	int		 rc;

	s = stmt(c, Q_SETTING_GET, "SELECT value FROM settings WHERE key = ?");
	if (s == NULL)
		return STORE_ERROR;
	bind_text(s, 1, key);
	if ((rc = one(c, s, "setting_get")) != STORE_OK)
		return rc;
	*val = col_text(a, s, 0);
	sqlite3_reset(s);
	return STORE_OK;
}

static int
sq_setting_set(struct store_conn *sc, const char *key, const char *val)
{
	struct sconn	*c = (struct sconn *)sc;
	sqlite3_stmt	*s;

	s = stmt(c, Q_SETTING_SET, "INSERT INTO settings (key, value)"
	    " VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = ?2");
	if (s == NULL)
		return STORE_ERROR;
	bind_text(s, 1, key);
	bind_text(s, 2, val);
	return run(c, s, NULL, "setting_set");
}

static int
sq_user_add(struct store_conn *sc, const struct user *u, int64_t *id)
{
	struct sconn	*c = (struct sconn *)sc;
	sqlite3_stmt	*s;

	s = stmt(c, Q_USER_ADD, "INSERT INTO users"
	    " (slug, name, email, url, bio, role, pass_hash, created)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?, strftime('%s', 'now'))");
	if (s == NULL)
		return STORE_ERROR;
	bind_text(s, 1, u->slug);
	bind_text(s, 2, u->name);
	bind_text(s, 3, u->email);
	bind_text(s, 4, u->url);
	bind_text(s, 5, u->bio);
	bind_text(s, 6, u->role != NULL ? u->role : "author");
	if (u->pass_hash != NULL)
		bind_text(s, 7, u->pass_hash);
	else
		sqlite3_bind_null(s, 7);
	return run(c, s, id, "user_add");
}

#define USER_COLS "id, slug, name, url, bio, role"

static void
fill_user(struct arena *a, sqlite3_stmt *s, void *v)
{
	struct user	*u = v;

	u->id = sqlite3_column_int64(s, 0);
	u->slug = col_text(a, s, 1);
	u->name = col_text(a, s, 2);
	u->url = col_text(a, s, 3);
	u->bio = col_text(a, s, 4);
	u->role = col_text(a, s, 5);
}

static int
sq_user_by_slug(struct store_conn *sc, struct arena *a, const char *slug,
    struct user *out)
{
	struct sconn	*c = (struct sconn *)sc;
	sqlite3_stmt	*s;

	s = stmt(c, Q_USER_BY_SLUG,
	    "SELECT " USER_COLS " FROM users WHERE slug = ?");
	if (s == NULL)
		return STORE_ERROR;
	bind_text(s, 1, slug);
	return row(c, s, a, sizeof(*out), fill_user, out, "user");
}

static int
sq_user_by_id(struct store_conn *sc, struct arena *a, int64_t id,
    struct user *out)
{
	struct sconn	*c = (struct sconn *)sc;
	sqlite3_stmt	*s;

	s = stmt(c, Q_USER_BY_ID,
	    "SELECT " USER_COLS " FROM users WHERE id = ?");
	if (s == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(s, 1, id);
	return row(c, s, a, sizeof(*out), fill_user, out, "user");
}

static int
sq_post_add(struct store_conn *sc, const struct post *p, int64_t *id)
{
	struct sconn	*c = (struct sconn *)sc;
	sqlite3_stmt	*s;

	s = stmt(c, Q_POST_ADD, "INSERT INTO posts (type, slug, title,"
	    " status, author_id, published, modified, format, body, excerpt,"
	    " source_name, source_url, comments_open, filtered)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
	if (s == NULL)
		return STORE_ERROR;
	bind_text(s, 1, p->type);
	bind_text(s, 2, p->slug);
	bind_text(s, 3, p->title);
	bind_text(s, 4, p->status);
	sqlite3_bind_int64(s, 5, p->author_id);
	sqlite3_bind_int64(s, 6, p->published);
	sqlite3_bind_int64(s, 7, p->modified);
	bind_text(s, 8, p->format);
	bind_text(s, 9, p->body);
	bind_text(s, 10, p->excerpt);
	bind_text(s, 11, p->source_name);
	bind_text(s, 12, p->source_url);
	sqlite3_bind_int(s, 13, p->comments_open);
	sqlite3_bind_int(s, 14, p->filtered);
	return run(c, s, id, "post_add");
}

#define POST_COLS "p.id, p.type, p.slug, p.title, p.status, p.author_id," \
	" u.name, u.slug, p.published, p.modified, p.format, p.body," \
	" p.excerpt, p.source_name, p.source_url, p.comments_open," \
	" p.rating_sum, p.rating_count, (SELECT count(*) FROM comments c" \
	" WHERE c.post_id = p.id AND c.status = 'approved'), p.filtered" \
	" FROM posts p JOIN users u ON u.id = p.author_id"

static void
fill_post(struct arena *a, sqlite3_stmt *s, void *v)
{
	struct post	*p = v;

	p->id = sqlite3_column_int64(s, 0);
	p->type = col_text(a, s, 1);
	p->slug = col_text(a, s, 2);
	p->title = col_text(a, s, 3);
	p->status = col_text(a, s, 4);
	p->author_id = sqlite3_column_int64(s, 5);
	p->author_name = col_text(a, s, 6);
	p->author_slug = col_text(a, s, 7);
	p->published = sqlite3_column_int64(s, 8);
	p->modified = sqlite3_column_int64(s, 9);
	p->format = col_text(a, s, 10);
	p->body = col_text(a, s, 11);
	p->excerpt = col_text(a, s, 12);
	p->source_name = col_text(a, s, 13);
	p->source_url = col_text(a, s, 14);
	p->comments_open = sqlite3_column_int(s, 15);
	p->rating_sum = sqlite3_column_int64(s, 16);
	p->rating_count = sqlite3_column_int64(s, 17);
	p->comment_count = sqlite3_column_int64(s, 18);
	p->filtered = sqlite3_column_int(s, 19);
}

static int
sq_post_by_slug(struct store_conn *sc, struct arena *a, const char *type,
    const char *slug, struct post *out)
{
	struct sconn	*c = (struct sconn *)sc;
	sqlite3_stmt	*s;

	s = stmt(c, Q_POST_BY_SLUG, "SELECT " POST_COLS
	    " WHERE p.type = ? AND p.slug = ? AND p.status = 'publish'");
	if (s == NULL)
		return STORE_ERROR;
	bind_text(s, 1, type);
	bind_text(s, 2, slug);
	return row(c, s, a, sizeof(*out), fill_post, out, "post_by_slug");
}

#define POSTS_WHERE " WHERE p.type = ?1 AND p.status = 'publish'" \
	" AND p.published <= ?2 AND (?3 = 0 OR EXISTS (SELECT 1" \
	" FROM post_terms pt WHERE pt.post_id = p.id AND pt.term_id = ?3))" \
	" AND (?4 = 0 OR p.author_id = ?4)"

static void
bind_query(sqlite3_stmt *s, const struct post_query *q)
{
	bind_text(s, 1, q->type);
	sqlite3_bind_int64(s, 2, q->now);
	sqlite3_bind_int64(s, 3, q->term_id);
	sqlite3_bind_int64(s, 4, q->author_id);
}

static int
sq_posts_list(struct store_conn *sc, struct arena *a,
    const struct post_query *q, struct post **out, size_t *n, int64_t *total)
{
	struct sconn	*c = (struct sconn *)sc;
	sqlite3_stmt	*s;
	int		 rc;

	s = stmt(c, Q_POSTS_COUNT,
	    "SELECT count(*) FROM posts p" POSTS_WHERE);
	if (s == NULL)
		return STORE_ERROR;
	bind_query(s, q);
	if ((rc = one(c, s, "posts_count")) != STORE_OK)
		return rc;
	*total = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);

	s = stmt(c, Q_POSTS_LIST, "SELECT " POST_COLS POSTS_WHERE
	    " ORDER BY p.published DESC, p.id DESC LIMIT ?5 OFFSET ?6");
	if (s == NULL)
		return STORE_ERROR;
	bind_query(s, q);
	sqlite3_bind_int64(s, 5, q->limit);
	sqlite3_bind_int64(s, 6, q->offset);
	return many(c, s, a, sizeof(**out), fill_post, (void **)out, n,
	    "posts_list");
}

static int
sq_term_add(struct store_conn *sc, const struct term *t, int64_t *id)
{
	struct sconn	*c = (struct sconn *)sc;
	sqlite3_stmt	*s;

	s = stmt(c, Q_TERM_ADD, "INSERT INTO terms"
	    " (taxonomy, slug, name, parent_id, description)"
	    " VALUES (?, ?, ?, NULLIF(?, 0), ?)");
	if (s == NULL)
		return STORE_ERROR;
	bind_text(s, 1, t->taxonomy);
	bind_text(s, 2, t->slug);
	bind_text(s, 3, t->name);
	sqlite3_bind_int64(s, 4, t->parent_id);
	bind_text(s, 5, t->description);
	return run(c, s, id, "term_add");
}

#define TERM_COLS "t.id, t.taxonomy, t.slug, t.name," \
	" coalesce(t.parent_id, 0), t.description"

static void
fill_term(struct arena *a, sqlite3_stmt *s, void *v)
{
	struct term	*t = v;

	t->id = sqlite3_column_int64(s, 0);
	t->taxonomy = col_text(a, s, 1);
	t->slug = col_text(a, s, 2);
	t->name = col_text(a, s, 3);
	t->parent_id = sqlite3_column_int64(s, 4);
	t->description = col_text(a, s, 5);
}

static int
sq_term_by_slug(struct store_conn *sc, struct arena *a, const char *taxonomy,
    const char *slug, struct term *out)
{
	struct sconn	*c = (struct sconn *)sc;
	sqlite3_stmt	*s;

	s = stmt(c, Q_TERM_BY_SLUG, "SELECT " TERM_COLS " FROM terms t"
	    " WHERE t.taxonomy = ? AND t.slug = ?");
	if (s == NULL)
		return STORE_ERROR;
	bind_text(s, 1, taxonomy);
	bind_text(s, 2, slug);
	return row(c, s, a, sizeof(*out), fill_term, out, "term_by_slug");
}

static int
sq_post_term_add(struct store_conn *sc, int64_t post_id, int64_t term_id)
{
	struct sconn	*c = (struct sconn *)sc;
	sqlite3_stmt	*s;

	s = stmt(c, Q_POST_TERM_ADD, "INSERT INTO post_terms"
	    " (post_id, term_id, position) VALUES (?1, ?2, (SELECT"
	    " coalesce(max(position), 0) + 1 FROM post_terms"
	    " WHERE post_id = ?1))");
	if (s == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(s, 1, post_id);
	sqlite3_bind_int64(s, 2, term_id);
	return run(c, s, NULL, "post_term_add");
}

static int
sq_post_terms(struct store_conn *sc, struct arena *a, int64_t post_id,
    struct term **out, size_t *n)
{
	struct sconn	*c = (struct sconn *)sc;
	sqlite3_stmt	*s;

	s = stmt(c, Q_POST_TERMS, "SELECT " TERM_COLS " FROM terms t"
	    " JOIN post_terms pt ON pt.term_id = t.id WHERE pt.post_id = ?"
	    " ORDER BY t.taxonomy, pt.position");
	if (s == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(s, 1, post_id);
	return many(c, s, a, sizeof(**out), fill_term, (void **)out, n,
	    "post_terms");
}

static int
sq_comment_add(struct store_conn *sc, const struct comment *cm, int64_t *id)
{
	struct sconn	*c = (struct sconn *)sc;
	sqlite3_stmt	*s;

	s = stmt(c, Q_COMMENT_ADD, "INSERT INTO comments (post_id, parent_id,"
	    " author, email, url, content, status, created, ip_hash,"
	    " user_agent, image, thumb, thumb_w, thumb_h, avatar, spam_score,"
	    " spam_signals) VALUES (?, NULLIF(?, 0), ?, ?, ?, ?, ?, ?, ?, ?,"
	    " ?, ?, ?, ?, ?, ?, ?)");
	if (s == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(s, 1, cm->post_id);
	sqlite3_bind_int64(s, 2, cm->parent_id);
	bind_text(s, 3, cm->author);
	bind_text(s, 4, cm->email);
	bind_text(s, 5, cm->url);
	bind_text(s, 6, cm->content);
	bind_text(s, 7, cm->status);
	sqlite3_bind_int64(s, 8, cm->created);
	bind_text(s, 9, cm->ip_hash);
	bind_text(s, 10, cm->user_agent);
	bind_text(s, 11, cm->image);
	bind_text(s, 12, cm->thumb);
	sqlite3_bind_int(s, 13, cm->thumb_w);
	sqlite3_bind_int(s, 14, cm->thumb_h);
	bind_text(s, 15, cm->avatar);
	sqlite3_bind_double(s, 16, cm->spam_score);
	bind_text(s, 17, cm->spam_signals);
	return run(c, s, id, "comment_add");
}

static void
fill_comment(struct arena *a, sqlite3_stmt *s, void *v)
{
	struct comment	*cm = v;

	cm->id = sqlite3_column_int64(s, 0);
	cm->post_id = sqlite3_column_int64(s, 1);
	cm->parent_id = sqlite3_column_int64(s, 2);
	cm->author = col_text(a, s, 3);
	cm->url = col_text(a, s, 4);
	cm->content = col_text(a, s, 5);
	cm->status = col_text(a, s, 6);
	cm->created = sqlite3_column_int64(s, 7);
	cm->vote_sum = sqlite3_column_int64(s, 8);
	cm->vote_count = sqlite3_column_int64(s, 9);
	cm->image = col_text(a, s, 10);
	cm->thumb = col_text(a, s, 11);
	cm->thumb_w = sqlite3_column_int(s, 12);
	cm->thumb_h = sqlite3_column_int(s, 13);
	cm->avatar = col_text(a, s, 14);
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
fill_comment_email(struct arena *a, sqlite3_stmt *s, void *v)
{
	struct comment	*cm = v;

	fill_comment(a, s, v);
	cm->email = col_text(a, s, 15);
	cm->spam_score = sqlite3_column_double(s, 16);
	cm->spam_signals = col_text(a, s, 17);
	cm->spam_trained = col_text(a, s, 18);
}

static int
sq_comments_approved(struct store_conn *sc, struct arena *a, int64_t post_id,
    struct comment **out, size_t *n)
{
	struct sconn	*c = (struct sconn *)sc;
	sqlite3_stmt	*s;

	/* No email column: this feeds public pages. */
	s = stmt(c, Q_COMMENTS_APPROVED, "SELECT " COMMENT_COLS
	    " FROM comments WHERE post_id = ? AND status = 'approved'"
	    " ORDER BY created, id");
	if (s == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(s, 1, post_id);
	return many(c, s, a, sizeof(**out), fill_comment, (void **)out, n,
	    "comments_approved");
}

static int
sq_comment_by_id(struct store_conn *sc, struct arena *a, int64_t id,
    struct comment *out)
{
	struct sconn	*c = (struct sconn *)sc;
	sqlite3_stmt	*s;

	s = stmt(c, Q_COMMENT_BY_ID, "SELECT " MOD_COLS
	    " FROM comments WHERE id = ?");
	if (s == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(s, 1, id);
	return row(c, s, a, sizeof(*out), fill_comment_email, out, "comment_by_id");
}

static int
sq_comments_list(struct store_conn *sc, struct arena *a, const char *status,
    int64_t limit, struct comment **out, size_t *n)
{
	struct sconn	*c = (struct sconn *)sc;
	sqlite3_stmt	*s;

	s = stmt(c, Q_COMMENTS_LIST, "SELECT " MOD_COLS
	    " FROM comments WHERE ?1 = '' OR status = ?1"
	    " ORDER BY created DESC, id DESC LIMIT ?2");
	if (s == NULL)
		return STORE_ERROR;
	bind_text(s, 1, status);
	sqlite3_bind_int64(s, 2, limit);
	return many(c, s, a, sizeof(**out), fill_comment_email, (void **)out,
	    n, "comments_list");
}

static int
sq_comment_moderate(struct store_conn *sc, int64_t id, const char *status,
    const char *trained)
{
	struct sconn	*c = (struct sconn *)sc;
	sqlite3_stmt	*s;
	int		 rc;

	s = stmt(c, Q_COMMENT_MODERATE, "UPDATE comments SET status = ?,"
	    " spam_trained = ? WHERE id = ?");
	if (s == NULL)
		return STORE_ERROR;
	bind_text(s, 1, status);
	bind_text(s, 2, trained);
	sqlite3_bind_int64(s, 3, id);
	if ((rc = run(c, s, NULL, "comment_moderate")) != STORE_OK)
		return rc;
	return sqlite3_changes(c->db) == 0 ? STORE_NOTFOUND : STORE_OK;
}

static int
sq_comment_facts(struct store_conn *sc, const struct comment *cm,
    int64_t since, struct comment_facts *f)
{
	struct sconn	*c = (struct sconn *)sc;
	sqlite3_stmt	*s;
	int		 rc;

	s = stmt(c, Q_COMMENT_FACTS, "SELECT (SELECT count(*) FROM comments"
	    " WHERE ip_hash = ?1 AND ?1 <> '' AND created >= ?2),"
	    " (SELECT count(*) FROM comments WHERE post_id = ?3 AND"
	    " content = ?4 AND (author = ?5 OR email = ?6) AND"
	    " status <> 'trash'), (SELECT count(*) FROM comments"
	    " WHERE lower(email) = lower(?6) AND author = ?5 AND"
	    " status = 'approved'), (SELECT count(*) FROM comments"
	    " WHERE email = ?6 AND status = 'spam') + (SELECT count(*)"
	    " FROM comments WHERE ip_hash = ?1 AND ?1 <> '' AND"
	    " status = 'spam')");
	if (s == NULL)
		return STORE_ERROR;
	bind_text(s, 1, cm->ip_hash);
	sqlite3_bind_int64(s, 2, since);
	sqlite3_bind_int64(s, 3, cm->post_id);
	bind_text(s, 4, cm->content);
	bind_text(s, 5, cm->author);
	bind_text(s, 6, cm->email);
	if ((rc = one(c, s, "comment_facts")) != STORE_OK)
		return rc;
	f->recent_from_ip = sqlite3_column_int64(s, 0);
	f->duplicates = sqlite3_column_int64(s, 1);
	f->approved_by_email = sqlite3_column_int64(s, 2);
	f->spam_before = sqlite3_column_int64(s, 3);
	sqlite3_reset(s);
	return STORE_OK;
}

static int
sq_forget(struct store_conn *sc, int64_t before)
{
	struct sconn	*c = (struct sconn *)sc;
	sqlite3_stmt	*s;

	static const char *const sql[3] = {
		"UPDATE comments SET ip_hash = '', user_agent = ''"
		    " WHERE created < ? AND (ip_hash <> '' OR user_agent <> '')",
		"UPDATE post_votes SET ip_hash = '' WHERE created < ?"
		    " AND ip_hash <> ''",
		"UPDATE comment_votes SET ip_hash = '' WHERE created < ?"
		    " AND ip_hash <> ''",
	};
	static const enum q slot[3] = { Q_COMMENTS_FORGET,
	    Q_POST_VOTES_FORGET, Q_COMMENT_VOTES_FORGET };
	int	 i, rc = STORE_OK;

	for (i = 0; i < 3 && rc == STORE_OK; i++) {
		if ((s = stmt(c, slot[i], sql[i])) == NULL)
			return STORE_ERROR;
		sqlite3_bind_int64(s, 1, before);
		rc = run(c, s, NULL, "forget");
	}
	return rc;
}

static int
sq_lock(struct store_conn *sc, const char *key)
{
	/* BEGIN IMMEDIATE already holds SQLite's one writer lock. */
	(void)sc;
	(void)key;
	return STORE_OK;
}

static int
sq_post_by_id(struct store_conn *sc, struct arena *a, int64_t id,
    struct post *out)
{
	struct sconn	*c = (struct sconn *)sc;
	sqlite3_stmt	*s;

	s = stmt(c, Q_POST_BY_ID, "SELECT " POST_COLS
	    " WHERE p.id = ? AND p.status = 'publish'");
	if (s == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(s, 1, id);
	return row(c, s, a, sizeof(*out), fill_post, out, "post_by_id");
}

/* Items whose aggregate differs from their votes: id, old, new. */
#define RECOUNT(items, votes, key, sum, count) \
	"SELECT i.id, i." sum ", i." count ", coalesce(v.s, 0)," \
	" coalesce(v.n, 0) FROM " items " i LEFT JOIN (SELECT " key " AS id," \
	" sum(value) AS s, count(*) AS n FROM " votes " GROUP BY " key ")" \
	" v ON v.id = i.id WHERE i." sum " <> coalesce(v.s, 0) OR" \
	" i." count " <> coalesce(v.n, 0) ORDER BY i.id"

/*
 * Reads every item q finds wrong, then corrects each with fix (not while
 * q still reads the table it would change) and reports it to cb.
 */
static int
recount(struct sconn *c, const char *kind, sqlite3_stmt *q,
    sqlite3_stmt *fix, void (*cb)(void *, const char *, int64_t, int64_t,
    int64_t, int64_t, int64_t), void *arg)
{
	int64_t	*v = NULL;
	size_t	 n = 0, cap = 0, i;
	int	 rc, k;

	if (q == NULL || fix == NULL)
		return STORE_ERROR;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			v = xrealloc(v, cap * 5 * sizeof(*v));
		}
		for (k = 0; k < 5; k++)
			v[n * 5 + (size_t)k] = sqlite3_column_int64(q, k);
		n++;
	}
	sqlite3_reset(q);
	rc = rc == SQLITE_DONE ? STORE_OK : rc_of(c->db, rc, "recount");
	for (i = 0; i < n && rc == STORE_OK; i++) {
		cb(arg, kind, v[i * 5], v[i * 5 + 1], v[i * 5 + 2],
		    v[i * 5 + 3], v[i * 5 + 4]);
		sqlite3_bind_int64(fix, 1, v[i * 5 + 3]);
		sqlite3_bind_int64(fix, 2, v[i * 5 + 4]);
		sqlite3_bind_int64(fix, 3, v[i * 5]);
		rc = run(c, fix, NULL, "votes_recount");
	}
	free(v);
	return rc;
}

static int
sq_votes_recount(struct store_conn *sc, void (*fix)(void *, const char *,
    int64_t, int64_t, int64_t, int64_t, int64_t), void *arg)
{
	struct sconn	*c = (struct sconn *)sc;
	int		 rc;

	rc = recount(c, "post", stmt(c, Q_RECOUNT_POSTS, RECOUNT("posts",
	    "post_votes", "post_id", "rating_sum", "rating_count")),
	    stmt(c, Q_FIX_POST, "UPDATE posts SET rating_sum = ?,"
	    " rating_count = ? WHERE id = ?"), fix, arg);
	if (rc != STORE_OK)
		return rc;
	return recount(c, "comment", stmt(c, Q_RECOUNT_COMMENTS,
	    RECOUNT("comments", "comment_votes", "comment_id", "vote_sum",
	    "vote_count")), stmt(c, Q_FIX_COMMENT, "UPDATE comments SET"
	    " vote_sum = ?, vote_count = ? WHERE id = ?"), fix, arg);
}

/* vote_cast's statements: find, change, add, tally; posts then comments. */
static const char *const vote_sql[2][4] = {
	{ "SELECT voter FROM post_votes WHERE post_id = ?1 AND ((?2 <> ''"
	    " AND voter = ?2) OR (?3 <> '' AND ip_hash = ?3 AND"
	    " created >= ?4)) LIMIT 1",
	  "UPDATE post_votes SET value = ?3, created = ?4 WHERE post_id = ?1"
	    " AND voter = ?2",
	  "INSERT INTO post_votes (post_id, voter, value, created, ip_hash)"
	    " VALUES (?1, ?2, ?3, ?4, ?5)",
	  "SELECT rating_sum, rating_count FROM posts WHERE id = ?1" },
	{ "SELECT voter FROM comment_votes WHERE comment_id = ?1 AND ((?2 <>"
	    " '' AND voter = ?2) OR (?3 <> '' AND ip_hash = ?3 AND"
	    " created >= ?4)) LIMIT 1",
	  "UPDATE comment_votes SET value = ?3, created = ?4 WHERE"
	    " comment_id = ?1 AND voter = ?2",
	  "INSERT INTO comment_votes (comment_id, voter, value, created,"
	    " ip_hash) VALUES (?1, ?2, ?3, ?4, ?5)",
	  "SELECT vote_sum, vote_count FROM comments WHERE id = ?1" },
};

static sqlite3_stmt *
vote_stmt(struct sconn *c, const struct vote *v, int k)
{
	return stmt(c, (enum q)(Q_VOTE + v->comment * 4 + k),
	    vote_sql[v->comment][k]);
}

static int
sq_vote_cast(struct store_conn *sc, struct vote *v)
{
	struct sconn	*c = (struct sconn *)sc;
	sqlite3_stmt	*s = vote_stmt(c, v, 0);
	char		 voter[200];
	int		 rc;

	v->repeat = 0;
	if (s == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(s, 1, v->item);
	bind_text(s, 2, v->voter);
	bind_text(s, 3, v->ip_hash);
	sqlite3_bind_int64(s, 4, v->since);
	if ((rc = one(c, s, "vote_find")) == STORE_OK) {
		/* An earlier vote: by this voter key, or this IP hash. */
		snprintf(voter, sizeof(voter), "%s",
		    (const char *)sqlite3_column_text(s, 0));
		sqlite3_reset(s);
		v->repeat = 1;
		if (v->allow_change && (s = vote_stmt(c, v, 1)) != NULL) {
			sqlite3_bind_int64(s, 1, v->item);
			bind_text(s, 2, voter);
			sqlite3_bind_int(s, 3, v->value);
			sqlite3_bind_int64(s, 4, v->when);
			rc = run(c, s, NULL, "vote_change");
		}
	} else if (rc == STORE_NOTFOUND && (s = vote_stmt(c, v, 2)) != NULL) {
		sqlite3_bind_int64(s, 1, v->item);
		bind_text(s, 2, v->voter);
		sqlite3_bind_int(s, 3, v->value);
		sqlite3_bind_int64(s, 4, v->when);
		bind_text(s, 5, v->ip_hash);
		rc = run(c, s, NULL, "vote_add");
	}
	if (rc != STORE_OK || (s = vote_stmt(c, v, 3)) == NULL)
		return rc != STORE_OK ? rc : STORE_ERROR;
	sqlite3_bind_int64(s, 1, v->item);
	if ((rc = one(c, s, "vote_tally")) != STORE_OK)
		return rc;
	v->sum = sqlite3_column_int64(s, 0);
	v->count = sqlite3_column_int64(s, 1);
	sqlite3_reset(s);
	return STORE_OK;
}

static int
vote_add(struct sconn *c, sqlite3_stmt *s, int64_t item, const char *voter,
    int value, int64_t when)
{
	if (s == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(s, 1, item);
	bind_text(s, 2, voter);
	sqlite3_bind_int(s, 3, value);
	sqlite3_bind_int64(s, 4, when);
	return run(c, s, NULL, "vote_add");
}

static int
sq_post_vote_add(struct store_conn *sc, int64_t post_id, const char *voter,
    int value, int64_t when)
{
	struct sconn	*c = (struct sconn *)sc;

	return vote_add(c, stmt(c, Q_POST_VOTE_ADD, "INSERT INTO post_votes"
	    " (post_id, voter, value, created) VALUES (?, ?, ?, ?)"),
	    post_id, voter, value, when);
}

static int
sq_comment_vote_add(struct store_conn *sc, int64_t comment_id,
    const char *voter, int value, int64_t when)
{
	struct sconn	*c = (struct sconn *)sc;

	return vote_add(c, stmt(c, Q_COMMENT_VOTE_ADD, "INSERT INTO"
	    " comment_votes (comment_id, voter, value, created)"
	    " VALUES (?, ?, ?, ?)"), comment_id, voter, value, when);
}

static int
sq_media_add(struct store_conn *sc, const struct media *m, int64_t *id)
{
	struct sconn	*c = (struct sconn *)sc;
	sqlite3_stmt	*s;

	s = stmt(c, Q_MEDIA_ADD, "INSERT INTO media (hash, mime, width,"
	    " height, bytes, alt, created)"
	    " VALUES (?, ?, ?, ?, ?, ?, strftime('%s', 'now'))");
	if (s == NULL)
		return STORE_ERROR;
	bind_text(s, 1, m->hash);
	bind_text(s, 2, m->mime);
	sqlite3_bind_int(s, 3, m->width);
	sqlite3_bind_int(s, 4, m->height);
	sqlite3_bind_int64(s, 5, m->bytes);
	bind_text(s, 6, m->alt);
	return run(c, s, id, "media_add");
}

/* One token's counts into *out; a token never learnt counts 0, 0. */
static int
spam_count(struct sconn *c, sqlite3_stmt *s, const char *tok,
    struct spam_count *out)
{
	int	 rc;

	bind_text(s, 1, tok);
	if ((rc = one(c, s, "spam_counts")) == STORE_NOTFOUND) {
		out->ham = out->spam = 0;
		return STORE_OK;
	}
	if (rc != STORE_OK)
		return rc;
	out->ham = sqlite3_column_int64(s, 0);
	out->spam = sqlite3_column_int64(s, 1);
	sqlite3_reset(s);
	return STORE_OK;
}

static int
sq_spam_counts(struct store_conn *sc, const char *const *tok, size_t n,
    struct spam_count *out, int64_t *nham, int64_t *nspam)
{
	struct sconn		*c = (struct sconn *)sc;
	struct spam_count	 tot;
	sqlite3_stmt		*s;
	size_t			 i;
	int			 rc;

	/* The empty token's row holds the numbers of messages. */
	s = stmt(c, Q_SPAM_COUNT, "SELECT ham, spam FROM spam_tokens"
	    " WHERE token = ?");
	if (s == NULL)
		return STORE_ERROR;
	if ((rc = spam_count(c, s, "", &tot)) != STORE_OK)
		return rc;
	*nham = tot.ham;
	*nspam = tot.spam;
	for (i = 0; i < n; i++)
		if ((rc = spam_count(c, s, tok[i], &out[i])) != STORE_OK)
			return rc;
	return STORE_OK;
}

static int
spam_learn_one(struct sconn *c, const char *tok, int spam, int sign)
{
	sqlite3_stmt	*s;
	int		 rc;

	s = stmt(c, Q_SPAM_LEARN, "INSERT INTO spam_tokens (token, ham, spam)"
	    " VALUES (?1, max(?2, 0), max(?3, 0)) ON CONFLICT (token) DO UPDATE"
	    " SET ham = max(ham + ?2, 0), spam = max(spam + ?3, 0)");
	if (s == NULL)
		return STORE_ERROR;
	bind_text(s, 1, tok);
	sqlite3_bind_int(s, 2, spam ? 0 : sign);
	sqlite3_bind_int(s, 3, spam ? sign : 0);
	if ((rc = run(c, s, NULL, "spam_learn")) != STORE_OK || sign > 0)
		return rc;
	s = stmt(c, Q_SPAM_PRUNE, "DELETE FROM spam_tokens WHERE token = ?"
	    " AND ham = 0 AND spam = 0");
	if (s == NULL)
		return STORE_ERROR;
	bind_text(s, 1, tok);
	return run(c, s, NULL, "spam_learn");
}

static int
sq_spam_learn(struct store_conn *sc, const char *const *tok, size_t n,
    int spam, int sign)
{
	struct sconn	*c = (struct sconn *)sc;
	size_t		 i;
	int		 rc;

	if ((rc = spam_learn_one(c, "", spam, sign)) != STORE_OK)
		return rc;
	for (i = 0; i < n; i++)
		if ((rc = spam_learn_one(c, tok[i], spam, sign)) != STORE_OK)
			return rc;
	return STORE_OK;
}

/* USER_COLS, then email and the password hash ("" if none). */
static void
fill_account(struct arena *a, sqlite3_stmt *s, void *v)
{
	struct user	*u = v;

	fill_user(a, s, v);
	u->email = col_text(a, s, 6);
	u->pass_hash = col_text(a, s, 7);
}

static int
sq_user_by_email(struct store_conn *sc, struct arena *a, const char *email,
    struct user *out)
{
	struct sconn	*c = (struct sconn *)sc;
	sqlite3_stmt	*s;

	s = stmt(c, Q_USER_BY_EMAIL, "SELECT " USER_COLS ", email,"
	    " coalesce(pass_hash, '') FROM users WHERE lower(email) ="
	    " lower(?)");
	if (s == NULL)
		return STORE_ERROR;
	bind_text(s, 1, email);
	return row(c, s, a, sizeof(*out), fill_account, out, "user_by_email");
}

static int
sq_users_list(struct store_conn *sc, struct arena *a, struct user **out,
    size_t *n)
{
	struct sconn	*c = (struct sconn *)sc;
	sqlite3_stmt	*s;

	s = stmt(c, Q_USERS_LIST, "SELECT " USER_COLS ", email, '' FROM users"
	    " ORDER BY name, id");
	return many(c, s, a, sizeof(**out), fill_account, (void **)out, n,
	    "users_list");
}

static int
sq_user_set(struct store_conn *sc, int64_t id, const char *role,
    const char *pass_hash)
{
	struct sconn	*c = (struct sconn *)sc;
	sqlite3_stmt	*s;
	int		 rc;

	s = stmt(c, Q_USER_SET, "UPDATE users SET role = coalesce(?1, role),"
	    " pass_hash = coalesce(?2, pass_hash) WHERE id = ?3");
	if (s == NULL)
		return STORE_ERROR;
	if (role != NULL)
		bind_text(s, 1, role);
	else
		sqlite3_bind_null(s, 1);
	if (pass_hash != NULL)
		bind_text(s, 2, pass_hash);
	else
		sqlite3_bind_null(s, 2);
	sqlite3_bind_int64(s, 3, id);
	if ((rc = run(c, s, NULL, "user_set")) != STORE_OK)
		return rc;
	return sqlite3_changes(c->db) == 0 ? STORE_NOTFOUND : STORE_OK;
}

static int
sq_user_remove(struct store_conn *sc, int64_t id)
{
	struct sconn	*c = (struct sconn *)sc;
	sqlite3_stmt	*s;
	int		 rc;

	s = stmt(c, Q_USER_REMOVE, "DELETE FROM users WHERE id = ?");
	if (s == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(s, 1, id);
	rc = run(c, s, NULL, "user_remove");
	/* A foreign key (their posts) refuses: say so as a conflict. */
	if (rc == STORE_ERROR && sqlite3_extended_errcode(c->db) ==
	    SQLITE_CONSTRAINT_FOREIGNKEY)
		return STORE_CONFLICT;
	if (rc != STORE_OK)
		return rc;
	return sqlite3_changes(c->db) == 0 ? STORE_NOTFOUND : STORE_OK;
}

static int
sq_session_add(struct store_conn *sc, const char *token_hash,
    int64_t user_id, int64_t now)
{
	struct sconn	*c = (struct sconn *)sc;
	sqlite3_stmt	*s;

	s = stmt(c, Q_SESSION_ADD, "INSERT INTO sessions (token_hash, user_id,"
	    " created, seen) VALUES (?1, ?2, ?3, ?3)");
	if (s == NULL)
		return STORE_ERROR;
	bind_text(s, 1, token_hash);
	sqlite3_bind_int64(s, 2, user_id);
	sqlite3_bind_int64(s, 3, now);
	return run(c, s, NULL, "session_add");
}

static void
fill_session(struct arena *a, sqlite3_stmt *s, void *v)
{
	struct session	*se = v;

	fill_user(a, s, &se->user);
	se->user.email = col_text(a, s, 6);
	se->created = sqlite3_column_int64(s, 7);
	se->seen = sqlite3_column_int64(s, 8);
}

static int
sq_session_get(struct store_conn *sc, struct arena *a, const char *token_hash,
    struct session *out)
{
	struct sconn	*c = (struct sconn *)sc;
	sqlite3_stmt	*s;

	s = stmt(c, Q_SESSION_GET, "SELECT u.id, u.slug, u.name, u.url, u.bio,"
	    " u.role, u.email, s.created, s.seen FROM sessions s JOIN users u"
	    " ON u.id = s.user_id WHERE s.token_hash = ?");
	if (s == NULL)
		return STORE_ERROR;
	bind_text(s, 1, token_hash);
	return row(c, s, a, sizeof(*out), fill_session, out, "session_get");
}

/* Runs a statement on one text key (and maybe a number). */
static int
key_run(struct sconn *c, enum q q, const char *sql, const char *key,
    int64_t n, const char *what)
{
	sqlite3_stmt	*s = stmt(c, q, sql);

	if (s == NULL)
		return STORE_ERROR;
	bind_text(s, 1, key);
	if (sqlite3_bind_parameter_count(s) > 1)
		sqlite3_bind_int64(s, 2, n);
	return run(c, s, NULL, what);
}

static int
sq_session_touch(struct store_conn *sc, const char *token_hash, int64_t now)
{
	return key_run((struct sconn *)sc, Q_SESSION_TOUCH, "UPDATE sessions"
	    " SET seen = ?2 WHERE token_hash = ?1", token_hash, now,
	    "session_touch");
}

static int
sq_session_end(struct store_conn *sc, const char *token_hash)
{
	return key_run((struct sconn *)sc, Q_SESSION_END, "DELETE FROM"
	    " sessions WHERE token_hash = ?1", token_hash, 0, "session_end");
}

static int
sq_sessions_end_user(struct store_conn *sc, int64_t user_id, const char *keep)
{
	return key_run((struct sconn *)sc, Q_SESSIONS_END_USER, "DELETE FROM"
	    " sessions WHERE token_hash <> ?1 AND user_id = ?2", keep, user_id,
	    "sessions_end_user");
}

static int
sq_throttle_get(struct store_conn *sc, const char *key, int64_t *failures,
    int64_t *last)
{
	struct sconn	*c = (struct sconn *)sc;
	sqlite3_stmt	*s;
	int		 rc;

	*failures = *last = 0;
	s = stmt(c, Q_THROTTLE_GET, "SELECT failures, last FROM"
	    " login_failures WHERE key = ?");
	if (s == NULL)
		return STORE_ERROR;
	bind_text(s, 1, key);
	if ((rc = one(c, s, "throttle_get")) == STORE_NOTFOUND)
		return STORE_OK;
	if (rc != STORE_OK)
		return rc;
	*failures = sqlite3_column_int64(s, 0);
	*last = sqlite3_column_int64(s, 1);
	sqlite3_reset(s);
	return STORE_OK;
}

static int
sq_throttle_fail(struct store_conn *sc, const char *key, int64_t now)
{
	return key_run((struct sconn *)sc, Q_THROTTLE_FAIL, "INSERT INTO"
	    " login_failures (key, failures, last) VALUES (?1, 1, ?2)"
	    " ON CONFLICT (key) DO UPDATE SET failures = failures + 1,"
	    " last = ?2", key, now, "throttle_fail");
}

static int
sq_throttle_clear(struct store_conn *sc, const char *key)
{
	return key_run((struct sconn *)sc, Q_THROTTLE_CLEAR, "DELETE FROM"
	    " login_failures WHERE key = ?1", key, 0, "throttle_clear");
}

static void
fill_found(struct arena *a, sqlite3_stmt *s, void *v)
{
	struct comment	*cm = v;

	fill_comment_email(a, s, v);
	cm->post_title = col_text(a, s, 19);
	cm->post_slug = col_text(a, s, 20);
	cm->post_published = sqlite3_column_int64(s, 21);
	cm->post_author = sqlite3_column_int64(s, 22);
}

/* The filter of comments_find, shared by its page and its count. */
#define FIND_WHERE " FROM comments c JOIN posts p ON p.id = c.post_id" \
	" WHERE (?1 IS NULL AND c.status <> 'trash' OR c.status = ?1)" \
	" AND (?2 = 0 OR p.author_id = ?2) AND (?3 = '' OR" \
	" instr(lower(c.content), lower(?3)) > 0 OR" \
	" instr(lower(c.author), lower(?3)) > 0 OR" \
	" instr(lower(c.email), lower(?3)) > 0)"

static void
bind_find(sqlite3_stmt *s, const struct comment_query *q)
{
	if (q->status != NULL)
		bind_text(s, 1, q->status);
	else
		sqlite3_bind_null(s, 1);
	sqlite3_bind_int64(s, 2, q->author_id);
	bind_text(s, 3, q->q != NULL ? q->q : "");
}

static int
sq_comments_find(struct store_conn *sc, struct arena *a,
    const struct comment_query *q, struct comment **out, size_t *n,
    int64_t *total)
{
	struct sconn	*c = (struct sconn *)sc;
	sqlite3_stmt	*s;
	int		 rc;

	s = stmt(c, Q_COMMENTS_FIND_COUNT, "SELECT count(*)" FIND_WHERE);
	if (s == NULL)
		return STORE_ERROR;
	bind_find(s, q);
	if ((rc = one(c, s, "comments_find")) != STORE_OK)
		return rc;
	*total = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	s = stmt(c, Q_COMMENTS_FIND, "SELECT c.id, c.post_id,"
	    " coalesce(c.parent_id, 0), c.author, c.url, c.content, c.status,"
	    " c.created, c.vote_sum, c.vote_count, c.image, c.thumb,"
	    " c.thumb_w, c.thumb_h, c.avatar, c.email, c.spam_score,"
	    " c.spam_signals, c.spam_trained, p.title, p.slug, p.published,"
	    " p.author_id" FIND_WHERE " ORDER BY c.created DESC, c.id DESC"
	    " LIMIT ?5 OFFSET ?4");
	if (s == NULL)
		return STORE_ERROR;
	bind_find(s, q);
	sqlite3_bind_int64(s, 4, q->offset);
	sqlite3_bind_int64(s, 5, q->limit);
	return many(c, s, a, sizeof(**out), fill_found, (void **)out, n,
	    "comments_find");
}

static int
sq_comment_counts(struct store_conn *sc, int64_t author_id, int64_t counts[4])
{
	static const char *const st[4] = { "approved", "pending", "spam",
	    "trash" };
	struct sconn	*c = (struct sconn *)sc;
	sqlite3_stmt	*s;
	const char	*k;
	int		 i, rc;

	memset(counts, 0, 4 * sizeof(*counts));
	s = stmt(c, Q_COMMENT_COUNTS, "SELECT c.status, count(*) FROM"
	    " comments c JOIN posts p ON p.id = c.post_id WHERE ?1 = 0 OR"
	    " p.author_id = ?1 GROUP BY c.status");
	if (s == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(s, 1, author_id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		k = (const char *)sqlite3_column_text(s, 0);
		for (i = 0; i < 4; i++)
			if (k != NULL && strcmp(k, st[i]) == 0)
				counts[i] = sqlite3_column_int64(s, 1);
	}
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? STORE_OK : rc_of(c->db, rc,
	    "comment_counts");
}

static int
sq_drafts_count(struct store_conn *sc, int64_t author_id, int64_t *n)
{
	struct sconn	*c = (struct sconn *)sc;
	sqlite3_stmt	*s;
	int		 rc;

	s = stmt(c, Q_DRAFTS_COUNT, "SELECT count(*) FROM posts"
	    " WHERE status = 'draft' AND (?1 = 0 OR author_id = ?1)");
	if (s == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(s, 1, author_id);
	if ((rc = one(c, s, "drafts_count")) != STORE_OK)
		return rc;
	*n = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	return STORE_OK;
}

static int
sq_daily(struct store_conn *sc, int64_t since, int ndays,
    struct day_counts *days)
{
	struct sconn	*c = (struct sconn *)sc;
	sqlite3_stmt	*s;
	const char	*k;
	int64_t		 d, n;
	int		 rc;

	memset(days, 0, (size_t)ndays * sizeof(*days));
	s = stmt(c, Q_DAILY_COMMENTS, "SELECT (created - ?1) / 86400, status,"
	    " count(*) FROM comments WHERE created >= ?1 GROUP BY 1, 2");
	if (s == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(s, 1, since);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		d = sqlite3_column_int64(s, 0);
		k = (const char *)sqlite3_column_text(s, 1);
		n = sqlite3_column_int64(s, 2);
		if (d < 0 || d >= ndays || k == NULL)
			continue;
		if (strcmp(k, "approved") == 0)
			days[d].approved += n;
		else if (strcmp(k, "pending") == 0)
			days[d].pending += n;
		else if (strcmp(k, "spam") == 0)
			days[d].spam += n;
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return rc_of(c->db, rc, "daily");
	s = stmt(c, Q_DAILY_VOTES, "SELECT d, count(*) FROM (SELECT"
	    " (created - ?1) / 86400 AS d FROM post_votes WHERE created >= ?1"
	    " UNION ALL SELECT (created - ?1) / 86400 FROM comment_votes"
	    " WHERE created >= ?1) GROUP BY d");
	if (s == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(s, 1, since);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		d = sqlite3_column_int64(s, 0);
		if (d >= 0 && d < ndays)
			days[d].votes = sqlite3_column_int64(s, 1);
	}
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? STORE_OK : rc_of(c->db, rc, "daily");
}

static int
sq_post_get(struct store_conn *sc, struct arena *a, int64_t id,
    struct post *out)
{
	struct sconn	*c = (struct sconn *)sc;
	sqlite3_stmt	*s;

	s = stmt(c, Q_POST_GET, "SELECT " POST_COLS " WHERE p.id = ?");
	if (s == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(s, 1, id);
	return row(c, s, a, sizeof(*out), fill_post, out, "post_get");
}

#define POSTS_FIND_WHERE " WHERE p.type = ?1 AND (?2 IS NULL AND" \
	" p.status <> 'trash' OR p.status = ?2) AND (?3 = 0 OR" \
	" p.author_id = ?3) AND (?4 = 0 OR EXISTS (SELECT 1 FROM" \
	" post_terms t WHERE t.post_id = p.id AND t.term_id = ?4))"

static void
bind_filter(sqlite3_stmt *s, const struct post_filter *f)
{
	bind_text(s, 1, f->type);
	if (f->status != NULL)
		bind_text(s, 2, f->status);
	else
		sqlite3_bind_null(s, 2);
	sqlite3_bind_int64(s, 3, f->author_id);
	sqlite3_bind_int64(s, 4, f->term_id);
}

static int
sq_posts_find(struct store_conn *sc, struct arena *a,
    const struct post_filter *f, struct post **out, size_t *n,
    int64_t *total)
{
	struct sconn	*c = (struct sconn *)sc;
	sqlite3_stmt	*s;
	int		 rc;

	s = stmt(c, Q_POSTS_FIND_COUNT, "SELECT count(*) FROM posts p"
	    POSTS_FIND_WHERE);
	if (s == NULL)
		return STORE_ERROR;
	bind_filter(s, f);
	if ((rc = one(c, s, "posts_find")) != STORE_OK)
		return rc;
	*total = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	s = stmt(c, Q_POSTS_FIND, "SELECT " POST_COLS POSTS_FIND_WHERE
	    " ORDER BY p.modified DESC, p.id DESC LIMIT ?6 OFFSET ?5");
	if (s == NULL)
		return STORE_ERROR;
	bind_filter(s, f);
	sqlite3_bind_int64(s, 5, f->offset);
	sqlite3_bind_int64(s, 6, f->limit);
	return many(c, s, a, sizeof(**out), fill_post, (void **)out, n,
	    "posts_find");
}

static int
sq_post_update(struct store_conn *sc, const struct post *p)
{
	struct sconn	*c = (struct sconn *)sc;
	sqlite3_stmt	*s;
	int		 rc;

	s = stmt(c, Q_POST_UPDATE, "UPDATE posts SET slug = ?, title = ?,"
	    " status = ?, author_id = ?, published = ?, modified = ?,"
	    " format = ?, body = ?, excerpt = ?, source_name = ?,"
	    " source_url = ?, comments_open = ?, filtered = ? WHERE id = ?");
	if (s == NULL)
		return STORE_ERROR;
	bind_text(s, 1, p->slug);
	bind_text(s, 2, p->title);
	bind_text(s, 3, p->status);
	sqlite3_bind_int64(s, 4, p->author_id);
	sqlite3_bind_int64(s, 5, p->published);
	sqlite3_bind_int64(s, 6, p->modified);
	bind_text(s, 7, p->format);
	bind_text(s, 8, p->body);
	bind_text(s, 9, p->excerpt);
	bind_text(s, 10, p->source_name);
	bind_text(s, 11, p->source_url);
	sqlite3_bind_int(s, 12, p->comments_open);
	sqlite3_bind_int(s, 13, p->filtered);
	sqlite3_bind_int64(s, 14, p->id);
	if ((rc = run(c, s, NULL, "post_update")) != STORE_OK)
		return rc;
	return sqlite3_changes(c->db) == 0 ? STORE_NOTFOUND : STORE_OK;
}

static int
sq_post_terms_clear(struct store_conn *sc, int64_t post_id)
{
	struct sconn	*c = (struct sconn *)sc;
	sqlite3_stmt	*s;

	s = stmt(c, Q_POST_TERMS_CLEAR, "DELETE FROM post_terms"
	    " WHERE post_id = ?");
	if (s == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(s, 1, post_id);
	return run(c, s, NULL, "post_terms_clear");
}

static int
sq_slug_taken(struct store_conn *sc, const char *type, const char *slug,
    int64_t except, int *taken)
{
	struct sconn	*c = (struct sconn *)sc;
	sqlite3_stmt	*s;
	int		 rc;

	s = stmt(c, Q_SLUG_TAKEN, "SELECT count(*) FROM posts WHERE type = ?"
	    " AND slug = ? AND id <> ?");
	if (s == NULL)
		return STORE_ERROR;
	bind_text(s, 1, type);
	bind_text(s, 2, slug);
	sqlite3_bind_int64(s, 3, except);
	if ((rc = one(c, s, "slug_taken")) != STORE_OK)
		return rc;
	*taken = sqlite3_column_int64(s, 0) > 0;
	sqlite3_reset(s);
	return STORE_OK;
}

/* Runs a statement on one id; STORE_NOTFOUND if no row changed. */
static int
id_change(struct sconn *c, enum q q, const char *sql, int64_t id,
    const char *what)
{
	sqlite3_stmt	*s = stmt(c, q, sql);
	int		 rc;

	if (s == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(s, 1, id);
	if ((rc = run(c, s, NULL, what)) != STORE_OK)
		return rc;
	return sqlite3_changes(c->db) == 0 ? STORE_NOTFOUND : STORE_OK;
}

static void
fill_term_count(struct arena *a, sqlite3_stmt *s, void *v)
{
	fill_term(a, s, v);
	((struct term *)v)->count = sqlite3_column_int64(s, 6);
}

static int
sq_term_update(struct store_conn *sc, const struct term *t)
{
	struct sconn	*c = (struct sconn *)sc;
	sqlite3_stmt	*s;
	int		 rc;

	s = stmt(c, Q_TERM_UPDATE, "UPDATE terms SET name = ?, slug = ?,"
	    " parent_id = NULLIF(?, 0), description = ? WHERE id = ?");
	if (s == NULL)
		return STORE_ERROR;
	bind_text(s, 1, t->name);
	bind_text(s, 2, t->slug);
	sqlite3_bind_int64(s, 3, t->parent_id);
	bind_text(s, 4, t->description != NULL ? t->description : "");
	sqlite3_bind_int64(s, 5, t->id);
	if ((rc = run(c, s, NULL, "term_update")) != STORE_OK)
		return rc;
	return sqlite3_changes(c->db) == 0 ? STORE_NOTFOUND : STORE_OK;
}

static int
sq_term_delete(struct store_conn *sc, int64_t id)
{
	struct sconn	*c = (struct sconn *)sc;
	int		 rc;

	rc = id_change(c, Q_TERM_REPARENT, "UPDATE terms SET parent_id ="
	    " (SELECT parent_id FROM terms WHERE id = ?1) WHERE"
	    " parent_id = ?1", id, "term_delete");
	if (rc != STORE_OK && rc != STORE_NOTFOUND)
		return rc;
	return id_change(c, Q_TERM_DELETE, "DELETE FROM terms WHERE id = ?",
	    id, "term_delete");
}

static int
sq_term_merge(struct store_conn *sc, int64_t from, int64_t into)
{
	struct sconn	*c = (struct sconn *)sc;
	sqlite3_stmt	*s;
	int		 rc;

	s = stmt(c, Q_TERM_MOVE, "UPDATE post_terms SET term_id = ?2 WHERE"
	    " term_id = ?1 AND post_id NOT IN (SELECT post_id FROM post_terms"
	    " WHERE term_id = ?2)");
	if (s == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(s, 1, from);
	sqlite3_bind_int64(s, 2, into);
	if ((rc = run(c, s, NULL, "term_merge")) != STORE_OK)
		return rc;
	return sq_term_delete(sc, from);
}

static int
sq_terms_list(struct store_conn *sc, struct arena *a, const char *taxonomy,
    struct term **out, size_t *n)
{
	struct sconn	*c = (struct sconn *)sc;
	sqlite3_stmt	*s;

	s = stmt(c, Q_TERMS_LIST, "SELECT " TERM_COLS ", (SELECT count(*)"
	    " FROM post_terms pt WHERE pt.term_id = t.id) FROM terms t"
	    " WHERE t.taxonomy = ? ORDER BY t.name, t.id");
	if (s == NULL)
		return STORE_ERROR;
	bind_text(s, 1, taxonomy);
	return many(c, s, a, sizeof(**out), fill_term_count, (void **)out, n,
	    "terms_list");
}

static int
sq_revision_add(struct store_conn *sc, const struct revision *rv,
    int64_t *id)
{
	struct sconn	*c = (struct sconn *)sc;
	sqlite3_stmt	*s;

	s = stmt(c, Q_REVISION_ADD, "INSERT INTO post_revisions (post_id,"
	    " title, body, excerpt, format, created, author_id)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?)");
	if (s == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(s, 1, rv->post_id);
	bind_text(s, 2, rv->title);
	bind_text(s, 3, rv->body);
	bind_text(s, 4, rv->excerpt);
	bind_text(s, 5, rv->format);
	sqlite3_bind_int64(s, 6, rv->created);
	sqlite3_bind_int64(s, 7, rv->author_id);
	return run(c, s, id, "revision_add");
}

static void
fill_revision(struct arena *a, sqlite3_stmt *s, void *v)
{
	struct revision	*rv = v;

	rv->id = sqlite3_column_int64(s, 0);
	rv->post_id = sqlite3_column_int64(s, 1);
	rv->title = col_text(a, s, 2);
	rv->body = col_text(a, s, 3);
	rv->excerpt = col_text(a, s, 4);
	rv->format = col_text(a, s, 5);
	rv->created = sqlite3_column_int64(s, 6);
	rv->author_id = sqlite3_column_int64(s, 7);
	rv->author_name = col_text(a, s, 8);
}

static int
sq_revisions_list(struct store_conn *sc, struct arena *a, int64_t post_id,
    struct revision **out, size_t *n)
{
	struct sconn	*c = (struct sconn *)sc;
	sqlite3_stmt	*s;

	s = stmt(c, Q_REVISIONS_LIST, "SELECT r.id, r.post_id, r.title,"
	    " r.body, r.excerpt, r.format, r.created, r.author_id, u.name"
	    " FROM post_revisions r JOIN users u ON u.id = r.author_id"
	    " WHERE r.post_id = ? ORDER BY r.created DESC, r.id DESC");
	if (s == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(s, 1, post_id);
	return many(c, s, a, sizeof(**out), fill_revision, (void **)out, n,
	    "revisions_list");
}

static int
sq_scheduled_due(struct store_conn *sc, int64_t after, int64_t upto,
    int64_t *n)
{
	struct sconn	*c = (struct sconn *)sc;
	sqlite3_stmt	*s;
	int		 rc;

	s = stmt(c, Q_SCHEDULED_DUE, "SELECT count(*) FROM posts WHERE"
	    " status = 'publish' AND published > ? AND published <= ?");
	if (s == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(s, 1, after);
	sqlite3_bind_int64(s, 2, upto);
	if ((rc = one(c, s, "scheduled_due")) != STORE_OK)
		return rc;
	*n = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	return STORE_OK;
}

static int
sq_generation_bump(struct store_conn *sc)
{
	struct sconn	*c = (struct sconn *)sc;

	return run(c, stmt(c, Q_GENERATION_BUMP, "UPDATE generation"
	    " SET n = n + 1"), NULL, "generation_bump");
}

static void
fill_whole(struct arena *a, sqlite3_stmt *s, void *v)
{
	struct comment	*cm = v;

	fill_comment_email(a, s, v);
	cm->ip_hash_out = col_text(a, s, 19);
	cm->user_agent_out = col_text(a, s, 20);
}

static int
sq_privacy_comments(struct store_conn *sc, struct arena *a,
    const char *email, struct comment **out, size_t *n)
{
	struct sconn	*c = (struct sconn *)sc;
	sqlite3_stmt	*s;

	s = stmt(c, Q_PRIVACY_COMMENTS, "SELECT " MOD_COLS ", ip_hash,"
	    " user_agent FROM comments WHERE lower(email) = lower(?)"
	    " ORDER BY created, id");
	if (s == NULL)
		return STORE_ERROR;
	bind_text(s, 1, email);
	return many(c, s, a, sizeof(**out), fill_whole, (void **)out, n,
	    "privacy_comments");
}

static int
sq_comments_of_post(struct store_conn *sc, struct arena *a, int64_t post_id,
    struct comment **out, size_t *n)
{
	struct sconn	*c = (struct sconn *)sc;
	sqlite3_stmt	*s;

	s = stmt(c, Q_COMMENTS_OF_POST, "SELECT " MOD_COLS " FROM comments"
	    " WHERE post_id = ? ORDER BY id");
	if (s == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(s, 1, post_id);
	return many(c, s, a, sizeof(**out), fill_comment_email, (void **)out,
	    n, "comments_of_post");
}

static int
sq_post_delete(struct store_conn *sc, int64_t id)
{
	/* Comments, votes, terms and revisions go by ON DELETE CASCADE. */
	return id_change((struct sconn *)sc, Q_POST_DELETE, "DELETE FROM posts"
	    " WHERE id = ?", id, "post_delete");
}

static int
sq_comment_edit(struct store_conn *sc, const struct comment *cm)
{
	struct sconn	*c = (struct sconn *)sc;
	sqlite3_stmt	*s;
	int		 rc;

	s = stmt(c, Q_COMMENT_EDIT, "UPDATE comments SET author = ?,"
	    " email = ?, url = ?, content = ? WHERE id = ?");
	if (s == NULL)
		return STORE_ERROR;
	bind_text(s, 1, cm->author);
	bind_text(s, 2, cm->email);
	bind_text(s, 3, cm->url);
	bind_text(s, 4, cm->content);
	sqlite3_bind_int64(s, 5, cm->id);
	if ((rc = run(c, s, NULL, "comment_edit")) != STORE_OK)
		return rc;
	return sqlite3_changes(c->db) == 0 ? STORE_NOTFOUND : STORE_OK;
}

static int
sq_comment_anonymise(struct store_conn *sc, int64_t id)
{
	return id_change((struct sconn *)sc, Q_COMMENT_ANONYMISE, "UPDATE"
	    " comments SET author = 'Anonymous', email = '', url = '',"
	    " ip_hash = '', user_agent = '', avatar = '', spam_trained = ''"
	    " WHERE id = ?", id, "comment_anonymise");
}

static int
sq_comment_remove(struct store_conn *sc, int64_t id)
{
	struct sconn	*c = (struct sconn *)sc;
	int		 rc;

	rc = id_change(c, Q_COMMENT_REPARENT, "UPDATE comments SET parent_id ="
	    " (SELECT parent_id FROM comments WHERE id = ?1) WHERE"
	    " parent_id = ?1", id, "comment_remove");
	if (rc != STORE_OK && rc != STORE_NOTFOUND)
		return rc;
	return id_change(c, Q_COMMENT_REMOVE, "DELETE FROM comments WHERE"
	    " id = ?", id, "comment_remove");
}

static int
sq_image_uses(struct store_conn *sc, const char *hash, int64_t *n)
{
	struct sconn	*c = (struct sconn *)sc;
	sqlite3_stmt	*s;
	int		 rc;

	s = stmt(c, Q_IMAGE_USES, "SELECT (SELECT count(*) FROM comments"
	    " WHERE image = ?1 OR thumb = ?1) + (SELECT count(*) FROM media"
	    " WHERE hash = ?1)");
	if (s == NULL)
		return STORE_ERROR;
	bind_text(s, 1, hash);
	if ((rc = one(c, s, "image_uses")) != STORE_OK)
		return rc;
	*n = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	return STORE_OK;
}

static int
sq_privacy_log_add(struct store_conn *sc, const struct privacy_entry *e)
{
	struct sconn	*c = (struct sconn *)sc;
	sqlite3_stmt	*s;

	s = stmt(c, Q_PRIVACY_LOG_ADD, "INSERT INTO privacy_log (created,"
	    " user_id, action, subject, items) VALUES (?, ?, ?, ?, ?)");
	if (s == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(s, 1, e->created);
	sqlite3_bind_int64(s, 2, e->user_id);
	bind_text(s, 3, e->action);
	bind_text(s, 4, e->subject);
	sqlite3_bind_int64(s, 5, e->items);
	return run(c, s, NULL, "privacy_log_add");
}

static void
fill_privacy(struct arena *a, sqlite3_stmt *s, void *v)
{
	struct privacy_entry	*e = v;

	e->created = sqlite3_column_int64(s, 0);
	e->user_id = sqlite3_column_int64(s, 1);
	e->user_name = col_text(a, s, 2);
	e->action = col_text(a, s, 3);
	e->subject = col_text(a, s, 4);
	e->items = sqlite3_column_int64(s, 5);
}

static int
sq_privacy_log_list(struct store_conn *sc, struct arena *a, int64_t limit,
    struct privacy_entry **out, size_t *n)
{
	struct sconn	*c = (struct sconn *)sc;
	sqlite3_stmt	*s;

	s = stmt(c, Q_PRIVACY_LOG_LIST, "SELECT l.created, l.user_id,"
	    " coalesce(u.name, ''), l.action, l.subject, l.items FROM"
	    " privacy_log l LEFT JOIN users u ON u.id = l.user_id"
	    " ORDER BY l.id DESC LIMIT ?");
	if (s == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(s, 1, limit);
	return many(c, s, a, sizeof(**out), fill_privacy, (void **)out, n,
	    "privacy_log_list");
}

static void
fill_media(struct arena *a, sqlite3_stmt *s, void *v)
{
	struct media	*m = v;

	m->id = sqlite3_column_int64(s, 0);
	m->hash = col_text(a, s, 1);
	m->mime = col_text(a, s, 2);
	m->width = sqlite3_column_int(s, 3);
	m->height = sqlite3_column_int(s, 4);
	m->bytes = sqlite3_column_int64(s, 5);
	m->alt = col_text(a, s, 6);
	m->created = sqlite3_column_int64(s, 7);
}

static int
sq_media_list(struct store_conn *sc, struct arena *a, int64_t offset,
    int64_t limit, struct media **out, size_t *n, int64_t *total)
{
	struct sconn	*c = (struct sconn *)sc;
	sqlite3_stmt	*s;
	int		 rc;

	s = stmt(c, Q_MEDIA_COUNT, "SELECT count(*) FROM media");
	if ((rc = one(c, s, "media_list")) != STORE_OK)
		return rc;
	*total = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	s = stmt(c, Q_MEDIA_LIST, "SELECT id, hash, mime, width, height,"
	    " bytes, alt, created FROM media ORDER BY created DESC, id DESC"
	    " LIMIT ? OFFSET ?");
	if (s == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(s, 1, limit);
	sqlite3_bind_int64(s, 2, offset);
	return many(c, s, a, sizeof(**out), fill_media, (void **)out, n,
	    "media_list");
}

static const struct store_ops sqlite_ops = {
	.generation = sq_generation,
	.begin = sq_begin,
	.commit = sq_commit,
	.rollback = sq_rollback,
	.setting_get = sq_setting_get,
	.setting_set = sq_setting_set,
	.user_add = sq_user_add,
	.user_by_slug = sq_user_by_slug,
	.user_by_id = sq_user_by_id,
	.post_add = sq_post_add,
	.post_by_slug = sq_post_by_slug,
	.posts_list = sq_posts_list,
	.term_add = sq_term_add,
	.term_by_slug = sq_term_by_slug,
	.post_term_add = sq_post_term_add,
	.post_terms = sq_post_terms,
	.comment_add = sq_comment_add,
	.comments_approved = sq_comments_approved,
	.comment_by_id = sq_comment_by_id,
	.comments_list = sq_comments_list,
	.comment_moderate = sq_comment_moderate,
	.comment_facts = sq_comment_facts,
	.forget = sq_forget,
	.lock = sq_lock,
	.post_by_id = sq_post_by_id,
	.votes_recount = sq_votes_recount,
	.vote_cast = sq_vote_cast,
	.post_vote_add = sq_post_vote_add,
	.comment_vote_add = sq_comment_vote_add,
	.media_add = sq_media_add,
	.spam_counts = sq_spam_counts,
	.spam_learn = sq_spam_learn,
	.user_by_email = sq_user_by_email,
	.users_list = sq_users_list,
	.user_set = sq_user_set,
	.user_remove = sq_user_remove,
	.session_add = sq_session_add,
	.session_get = sq_session_get,
	.session_touch = sq_session_touch,
	.session_end = sq_session_end,
	.sessions_end_user = sq_sessions_end_user,
	.throttle_get = sq_throttle_get,
	.throttle_fail = sq_throttle_fail,
	.throttle_clear = sq_throttle_clear,
	.comments_find = sq_comments_find,
	.comment_counts = sq_comment_counts,
	.drafts_count = sq_drafts_count,
	.daily = sq_daily,
	.post_get = sq_post_get,
	.posts_find = sq_posts_find,
	.post_update = sq_post_update,
	.post_terms_clear = sq_post_terms_clear,
	.slug_taken = sq_slug_taken,
	.terms_list = sq_terms_list,
	.revision_add = sq_revision_add,
	.revisions_list = sq_revisions_list,
	.scheduled_due = sq_scheduled_due,
	.generation_bump = sq_generation_bump,
	.privacy_comments = sq_privacy_comments,
	.comment_anonymise = sq_comment_anonymise,
	.comment_remove = sq_comment_remove,
	.image_uses = sq_image_uses,
	.privacy_log_add = sq_privacy_log_add,
	.privacy_log_list = sq_privacy_log_list,
	.term_update = sq_term_update,
	.term_delete = sq_term_delete,
	.term_merge = sq_term_merge,
	.media_list = sq_media_list,
	.comment_edit = sq_comment_edit,
	.post_delete = sq_post_delete,
	.comments_of_post = sq_comments_of_post,
};

static void
conn_free(struct sconn *c)
{
	int	 i;

	for (i = 0; i < Q__MAX; i++)
		sqlite3_finalize(c->stmt[i]);
	sqlite3_close(c->db);
	free(c);
}

/* Opens one connection with Galley's pragmas; NULL with err set. */
static struct sconn *
conn_open(const char *path, int create, char *err, size_t errlen)
{
	struct sconn	*c = xcalloc(1, sizeof(*c));
	int		 flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;

	if (create)
		flags |= SQLITE_OPEN_CREATE;
	c->base.ops = &sqlite_ops;
	if (sqlite3_open_v2(path, &c->db, flags, NULL) != SQLITE_OK)
		goto fail;
	sqlite3_busy_timeout(c->db, 5000);
	if (sqlite3_exec(c->db, "PRAGMA journal_mode = WAL;"
	    "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;",
	    NULL, NULL, NULL) != SQLITE_OK)
		goto fail;
	return c;
fail:
	snprintf(err, errlen, "%s: %s", path,
	    c->db ? sqlite3_errmsg(c->db) : "cannot open");
	conn_free(c);
	return NULL;
}

/* Brings the schema up to date, one migration per transaction. */
static int
migrate(sqlite3 *db, char *err, size_t errlen)
{
	sqlite3_stmt	*s;
	int		 v = 0, n = sizeof(migrations) / sizeof(migrations[0]);
	char		*msg = NULL;

	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &s, NULL) ==
	    SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	if (v > n) {
		snprintf(err, errlen, "database schema %d is newer than this"
		    " galley (%d)", v, n);
		return STORE_ERROR;
	}
	for (; v < n; v++) {
		char	 set[64];

		snprintf(set, sizeof(set), "PRAGMA user_version = %d;", v + 1);
		if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, &msg) ||
		    sqlite3_exec(db, migrations[v], NULL, NULL, &msg) ||
		    sqlite3_exec(db, set, NULL, NULL, &msg) ||
		    sqlite3_exec(db, "COMMIT", NULL, NULL, &msg)) {
			snprintf(err, errlen, "migration %d: %s", v + 1,
			    msg ? msg : sqlite3_errmsg(db));
			sqlite3_free(msg);
			sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
			return STORE_ERROR;
		}
	}
	return STORE_OK;
}

static int
sqlite_match(const char *uri)
{
	return strncmp(uri, "postgresql:", 11) != 0 &&
	    strncmp(uri, "postgres:", 9) != 0;
}

static int
sqlite_open(const char *uri, int create, struct store **out, char *err,
    size_t errlen)
{
	struct spool	*p;
	struct sconn	*c;

	if (strncmp(uri, "sqlite:", 7) == 0)
		uri += 7;
	if ((c = conn_open(uri, create, err, errlen)) == NULL)
		return STORE_DOWN;
	if (migrate(c->db, err, errlen) != STORE_OK) {
		conn_free(c);
		return STORE_ERROR;
	}
	p = xcalloc(1, sizeof(*p));
	p->base.be = &store_sqlite_backend;
	p->path = xstrdup(uri);
	pool_init(&p->pool, POOL_MAX);
	p->base.conns = POOL_MAX;
	pool_first(&p->pool, &c->item);
	*out = &p->base;
	return STORE_OK;
}

static void
sqlite_close(struct store *s)
{
	struct spool		*p = (struct spool *)s;
	struct pool_item	*it;

	while ((it = pool_drain(&p->pool)) != NULL)
		conn_free(SCONN(it));
	pool_destroy(&p->pool);
	free(p->path);
	free(p);
}

/* Opens one more connection for the pool. */
static struct pool_item *
pool_open(void *arg, char *err, size_t errlen)
{
	struct sconn	*c = conn_open(arg, 0, err, errlen);

	return c != NULL ? &c->item : NULL;
}

static struct store_conn *
sqlite_conn_get(struct store *s)
{
	struct spool		*p = (struct spool *)s;
	struct pool_item	*it;

	it = pool_get(&p->pool, POOL_WAIT_MS, "sqlite", pool_open, p->path);
	return it != NULL ? &SCONN(it)->base : NULL;
}

static void
sqlite_conn_put(struct store *s, struct store_conn *sc)
{
	struct spool	*p = (struct spool *)s;
	struct sconn	*c = (struct sconn *)sc;

	/* A request that failed mid-transaction must not leak it. */
	if (!sqlite3_get_autocommit(c->db))
		sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
	pool_give(&p->pool, &c->item);
}

const struct store_backend store_sqlite_backend = {
	.name = "sqlite",
	.match = sqlite_match,
	.open = sqlite_open,
	.close = sqlite_close,
	.conn_get = sqlite_conn_get,
	.conn_put = sqlite_conn_put,
};
