/*
 * db_sqlite: the SQLite driver (see db.h), and with db_pg.c the only file
 * that includes a database header.  The database is one file in WAL mode
 * with foreign keys on, synchronous=FULL (a commit that returned is on
 * disk) and a busy timeout of 5 s.  Temporary storage is in memory:
 * inside a long transaction every statement a trigger follows keeps a
 * statement journal of the pages it changes, and on disk (/var/tmp)
 * that was 38 small writes a row (an import of 11,000 rows: 415,000
 * pwrite calls, 2.4 s; in memory 0.9 s).  Migrations are numbered by PRAGMA
 * user_version and applied at open.  A pool hands connections to
 * requests; each keeps its prepared statements, keyed by the address of
 * their SQL, for its life.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sqlite3.h>

#include "alloc.h"
#include "clock.h"
#include "db.h"
#include "pool.h"

/* One per server thread never waits; connections are cheap. */
#define POOL_MAX	64
#define BUSY_MS		5000

struct sstmt {
	struct db_stmt		 base;
	struct sconn		*c;
	sqlite3_stmt		*st;
	const char		*sql;
};

struct sconn {
	struct store_conn	 base;
	struct pool_item	 item;
	sqlite3			*db;
	struct db_cache		 stmts;	/* struct sstmt, by sql */
	int			 explain;	/* GALLEY_EXPLAIN set */
};

struct spool {
	struct store		 base;
	char			*path;
	struct pool		 pool;
	/* The generation without a query (sl_generation_hint). */
	int			 shm;		/* DB-shm, read only, or -1 */
	char			*shm_path;	/* as SQLite names it */
	atomic_int		 shm_gone;	/* unlinked, not yet reopened */
	pthread_mutex_t		 hint_lock;
	unsigned char		 hint_hdr[48];	/* the header before ... */
	int64_t			 hint_gen;	/* ... this was read */
	int64_t			 hint_at;	/* when, in ms; 0: none */
};

#define SCONN(it)	((struct sconn *)(void *)((char *)(it) - \
			    offsetof(struct sconn, item)))

/*
 * Maps a failed call to a store_rc; logs what is not the caller's to
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
	switch (rc & 0xff) {
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
 * With GALLEY_EXPLAIN in the environment, each statement's query plan
 * is logged once, when first prepared on a connection: "galley: plan:
 * DETAIL: SQL", one line per step, for a developer (and a test) to see
 * which queries scan a table instead of searching an index.
 */
static void
explain(sqlite3 *db, const char *sql)
{
	sqlite3_stmt	*st;
	char		*q = sqlite3_mprintf("EXPLAIN QUERY PLAN %s", sql);

	if (q != NULL && sqlite3_prepare_v2(db, q, -1, &st, NULL) ==
	    SQLITE_OK) {
		while (sqlite3_step(st) == SQLITE_ROW)
			fprintf(stderr, "galley: plan: %s: %s\n",
			    (const char *)sqlite3_column_text(st, 3), sql);
		sqlite3_finalize(st);
	}
	sqlite3_free(q);
}

static struct db_stmt *
sl_stmt(struct store_conn *sc, const char *sql)
{
	struct sconn	*c = (struct sconn *)sc;
	struct sstmt	*s;
	sqlite3_stmt	*st;
	void		**p = db_cache_place(&c->stmts, sql);

	if ((s = *p) != NULL) {
		sqlite3_reset(s->st);
		sqlite3_clear_bindings(s->st);
		return &s->base;
	}
	if (sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
	    &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "galley: sqlite: prepare: %s: %s\n",
		    sqlite3_errmsg(c->db), sql);
		return NULL;
	}
	if (c->explain)
		explain(c->db, sql);
	s = xcalloc(1, sizeof(*s));
	s->base.drv = &db_sqlite;
	s->c = c;
	s->st = st;
	s->sql = sql;
	*p = s;
	return &s->base;
}

static void
sl_bind_int(struct db_stmt *s, int i, int64_t v)
{
	sqlite3_bind_int64(((struct sstmt *)s)->st, i, v);
}

static void
sl_bind_real(struct db_stmt *s, int i, double v)
{
	sqlite3_bind_double(((struct sstmt *)s)->st, i, v);
}

static void
sl_bind_text(struct db_stmt *s, int i, const char *v)
{
	sqlite3_bind_text(((struct sstmt *)s)->st, i, v != NULL ? v : "", -1,
	    SQLITE_STATIC);
}

static void
sl_bind_null(struct db_stmt *s, int i)
{
	sqlite3_bind_null(((struct sstmt *)s)->st, i);
}

static void
sl_bind_blob(struct db_stmt *s, int i, const void *p, size_t len)
{
	/* A zero-length blob that is not NULL: SQLite wants a pointer. */
	sqlite3_bind_blob64(((struct sstmt *)s)->st, i, p != NULL ? p : "",
	    (sqlite3_uint64)len, SQLITE_STATIC);
}

static int
sl_step(struct db_stmt *sp)
{
	struct sstmt	*s = (struct sstmt *)sp;
	int		 rc = sqlite3_step(s->st);

	if (rc == SQLITE_ROW)
		return DB_ROW;
	if (rc == SQLITE_DONE)
		return DB_DONE;
	rc = rc_of(s->c->db, rc, s->sql);
	sqlite3_reset(s->st);
	return -rc;
}

static int64_t
sl_col_int(struct db_stmt *s, int col)
{
	return sqlite3_column_int64(((struct sstmt *)s)->st, col);
}

static double
sl_col_real(struct db_stmt *s, int col)
{
	return sqlite3_column_double(((struct sstmt *)s)->st, col);
}

static const char *
sl_col_text(struct db_stmt *sp, int col, size_t *len)
{
	struct sstmt		*s = (struct sstmt *)sp;
	const unsigned char	*t = sqlite3_column_text(s->st, col);

	*len = t != NULL ? (size_t)sqlite3_column_bytes(s->st, col) : 0;
	return t != NULL ? (const char *)t : "";
}

static const void *
sl_col_blob(struct db_stmt *sp, int col, size_t *len)
{
	struct sstmt	*s = (struct sstmt *)sp;
	const void	*p = sqlite3_column_blob(s->st, col);

	*len = p != NULL ? (size_t)sqlite3_column_bytes(s->st, col) : 0;
	return p;
}

static void
sl_done(struct db_stmt *s)
{
	sqlite3_reset(((struct sstmt *)s)->st);
}

/* Runs one statement of sql to its end: BEGIN, COMMIT and the like. */
static int
run(struct store_conn *c, const char *sql)
{
	struct db_stmt	*s = sl_stmt(c, sql);
	int		 rc;

	if (s == NULL)
		return STORE_ERROR;
	rc = sl_step(s);
	sl_done(s);
	return rc < 0 ? -rc : STORE_OK;
}

static int
sl_begin(struct store_conn *c)
{
	/* The write lock at once: no deadlock when two upgrade later. */
	return run(c, "BEGIN IMMEDIATE");
}

/*
 * Deferred: no lock until a write, which the caller never makes.  A
 * connection checks its page cache against the WAL when a transaction
 * starts, and drops it if another connection has committed since;
 * reads in one transaction do that once, not once a statement.
 */
static int
sl_read_begin(struct store_conn *c)
{
	return run(c, "BEGIN");
}

/*
 * 32 MiB of page cache instead of 2: a transaction whose pages outgrow
 * the cache writes them to the WAL early and reads them back (an
 * import of 20,000 comments: 2.45 s, 1.68 s with it).  One connection's
 * (a command's), never the server's pool of them.
 */
static int
sl_bulk(struct store_conn *c)
{
	return run(c, "PRAGMA cache_size = -32768");
}

/*
 * A deferred transaction made to read at once, so that its snapshot is
 * taken now and not at its first statement.
 */
static int
sl_snapshot(struct store_conn *c)
{
	int	 rc;

	if ((rc = run(c, "BEGIN")) == STORE_OK &&
	    (rc = run(c, "SELECT count(*) FROM sqlite_schema")) != STORE_OK)
		run(c, "ROLLBACK");
	return rc;
}

/*
 * The online backup API, a chunk of pages a step, inside one read
 * transaction of c: every step reads the same snapshot, so the copy is
 * consistent and never restarts, while writers carry on in the WAL.
 * A step that finds the copy's file busy is retried for a while.
 */
static int
sl_copy(struct store_conn *sc, const char *path)
{
	struct sconn	*c = (struct sconn *)sc;
	sqlite3		*to = NULL;
	sqlite3_backup	*b;
	int		 rc, waits = 0;

	if ((rc = sl_snapshot(sc)) != STORE_OK)
		return rc;
	if (sqlite3_open_v2(path, &to, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE, NULL) != SQLITE_OK ||
	    (b = sqlite3_backup_init(to, "main", c->db, "main")) == NULL) {
		fprintf(stderr, "galley: %s: %s\n", path, to != NULL ?
		    sqlite3_errmsg(to) : "cannot open");
		sqlite3_close(to);
		run(sc, "ROLLBACK");
		return STORE_ERROR;
	}
	while ((rc = sqlite3_backup_step(b, 256)) == SQLITE_OK ||
	    ((rc == SQLITE_BUSY || rc == SQLITE_LOCKED) && waits++ < 100))
		if (rc != SQLITE_OK)
			sqlite3_sleep(50);
	sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE)
		fprintf(stderr, "galley: %s: %s\n", path, sqlite3_errstr(rc));
	if (sqlite3_close(to) != SQLITE_OK)
		rc = SQLITE_ERROR;
	run(sc, "ROLLBACK");
	return rc == SQLITE_DONE ? STORE_OK : STORE_ERROR;
}

/*
 * In exclusive locking mode a WAL database takes its write lock only
 * when no other connection has it open: a serving galley, idle or not,
 * keeps its pool's connections open, so it is seen.  Closing checkpoints
 * the old WAL away, so none is left to be replayed into the new file.
 */
static int
sl_replace(const char *uri, const char *from, char *err, size_t errlen)
{
	const char	*path = strncmp(uri, "sqlite:", 7) == 0 ? uri + 7 : uri;
	sqlite3		*db = NULL;
	char		 side[4200];
	int		 rc = SQLITE_OK;

	if (access(path, F_OK) == 0) {
		rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL);
		if (rc == SQLITE_OK)
			sqlite3_busy_timeout(db, 200);
		if (rc == SQLITE_OK)
			rc = sqlite3_exec(db, "PRAGMA locking_mode = EXCLUSIVE;"
			    " BEGIN EXCLUSIVE; COMMIT", NULL, NULL, NULL);
		if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
			snprintf(err, errlen, "%s is in use: stop galley serve"
			    " on this site first", path);
		else if (rc != SQLITE_OK)
			snprintf(err, errlen, "%s: %s", path, db != NULL ?
			    sqlite3_errmsg(db) : "cannot open");
		if (sqlite3_close(db) != SQLITE_OK && rc == SQLITE_OK) {
			snprintf(err, errlen, "%s: cannot close", path);
			rc = SQLITE_ERROR;
		}
	}
	if (rc != SQLITE_OK)
		return rc == SQLITE_BUSY || rc == SQLITE_LOCKED ?
		    STORE_CONFLICT : STORE_ERROR;
	snprintf(side, sizeof(side), "%s-wal", path);
	unlink(side);
	snprintf(side, sizeof(side), "%s-shm", path);
	unlink(side);
	if (rename(from, path) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return STORE_ERROR;
	}
	return STORE_OK;
}

static int
sl_commit(struct store_conn *c)
{
	return run(c, "COMMIT");
}

static int
sl_rollback(struct store_conn *c)
{
	/* A full disk or an I/O error may have rolled it back already. */
	if (sqlite3_get_autocommit(((struct sconn *)c)->db))
		return STORE_OK;
	return run(c, "ROLLBACK");
}

static int
sl_savepoint(struct store_conn *c, const char *sql)
{
	return run(c, sql);
}

/* BEGIN IMMEDIATE holds the one write lock: every key is held already. */
static int
sl_lock(struct store_conn *c, const char *key)
{
	(void)c;
	(void)key;
	return STORE_OK;
}

static void
stmt_free(void *v)
{
	struct sstmt	*s = v;

	sqlite3_finalize(s->st);
	free(s);
}

static void
conn_free(struct sconn *c)
{
	db_cache_free(&c->stmts, stmt_free);
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
	c->base.drv = &db_sqlite;
	c->explain = getenv("GALLEY_EXPLAIN") != NULL;
	if (sqlite3_open_v2(path, &c->db, flags, NULL) != SQLITE_OK)
		goto fail;
	sqlite3_busy_timeout(c->db, BUSY_MS);
	/*
	 * temp_store: a batch's savepoints keep each page's before-image in
	 * a sub-journal, and sorts spill to temporary files; both only for
	 * the transaction's life, and in memory they cost no write(2):
	 * sixteen a comment in a file.
	 */
	if (sqlite3_exec(c->db, "PRAGMA journal_mode = WAL;"
	    "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;"
	    "PRAGMA temp_store = MEMORY;",
	    NULL, NULL, NULL) != SQLITE_OK)
		goto fail;
	return c;
fail:
	snprintf(err, errlen, "%s: %s", path,
	    c->db ? sqlite3_errmsg(c->db) : "cannot open");
	conn_free(c);
	return NULL;
}

/* user_version: the number of migrations applied. */
static int
version(sqlite3 *db)
{
	sqlite3_stmt	*s;
	int		 v = 0;

	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &s, NULL) ==
	    SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	return v;
}

/*
 * Brings the schema up to date, one migration per transaction.  The
 * version is read again under each transaction's write lock: another
 * galley opening the file at once may have applied the step while this
 * one waited for the lock.
 */
static int
migrate(sqlite3 *db, const char *const *steps, int n, char *err,
    size_t errlen)
{
	char		*msg = NULL, set[64];
	int		 v;

	if ((v = version(db)) > n) {
		db_too_new(v, n, err, errlen);
		return STORE_ERROR;
	}
	while (v < n) {
		if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, &msg))
			goto fail;
		if ((v = version(db)) >= n) {
			sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
			break;
		}
		snprintf(set, sizeof(set), "PRAGMA user_version = %d;", v + 1);
		if (sqlite3_exec(db, steps[v], NULL, NULL, &msg) ||
		    sqlite3_exec(db, set, NULL, NULL, &msg) ||
		    sqlite3_exec(db, "COMMIT", NULL, NULL, &msg))
			goto fail;
		v++;
	}
	if (v > n) {
		db_too_new(v, n, err, errlen);
		return STORE_ERROR;
	}
	return STORE_OK;
fail:
	snprintf(err, errlen, "migration %d: %s", v + 1,
	    msg ? msg : sqlite3_errmsg(db));
	sqlite3_free(msg);
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return STORE_ERROR;
}

static int
sl_match(const char *uri)
{
	return strncmp(uri, "postgresql:", 11) != 0 &&
	    strncmp(uri, "postgres:", 9) != 0;
}

/*
 * The data generation without a query, for a page the cache may hold.
 * Every commit, by any process, rewrites SQLite's WAL-index header: the
 * first 96 bytes of DB-shm, two copies of a 48-byte header holding a
 * change counter, the last frame, salts and checksums
 * (www.sqlite.org/walformat.html).  A header equal to the one read
 * before the generation was last asked (sl_generation_note) means
 * nothing has committed since, so that generation holds.  A header
 * changed, torn (its copies differ while a commit writes them) or not
 * readable gives no hint: the caller asks the database and notes the
 * answer with the header this thread read first.  Read with pread, not
 * mapped (a file truncated under a mapping faults), and a hint is
 * trusted for a second at most.  On the cached article this replaced a
 * read transaction (two fcntl locks, an fstat, a statement) per hit.
 */
#define WAL_HDR		48
#define HINT_MS		1000

static _Thread_local unsigned char	 seen[WAL_HDR];
static _Thread_local int		 seen_ok;

/*
 * Opens DB-shm for the hints, named from the database file as SQLite
 * resolved it (a symbolic link followed: its -shm is beside the real
 * file), and only in WAL mode; else p->shm stays -1: no hints.
 */
static void
hint_open(struct spool *p, sqlite3 *db)
{
	sqlite3_stmt	*st;
	const char	*file = sqlite3_db_filename(db, "main");
	char		 name[4096];
	int		 wal = 0;

	p->shm = -1;
	if (sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, NULL) ==
	    SQLITE_OK) {
		wal = sqlite3_step(st) == SQLITE_ROW &&
		    sqlite3_column_text(st, 0) != NULL &&
		    strcmp((const char *)sqlite3_column_text(st, 0), "wal") == 0;
		sqlite3_finalize(st);
	}
	if (!wal || file == NULL || *file == '\0' || (size_t)snprintf(name,
	    sizeof(name), "%s-shm", file) >= sizeof(name))
		return;
	p->shm_path = xstrdup(name);
	p->shm = open(p->shm_path, O_RDONLY | O_CLOEXEC);
}

static int
sl_generation_hint(struct store *s, int64_t *gen)
{
	struct spool	*p = (struct spool *)s;
	unsigned char	 h[2 * WAL_HDR];
	int		 hit;

	seen_ok = 0;
	/* Torn, or not yet made (isInit, byte 12, is 0). */
	if (p->shm == -1 || atomic_load(&p->shm_gone) ||
	    pread(p->shm, h, sizeof(h), 0) !=
	    (ssize_t)sizeof(h) || memcmp(h, h + WAL_HDR, WAL_HDR) != 0 ||
	    h[12] == 0)
		return 0;
	pthread_mutex_lock(&p->hint_lock);
	hit = p->hint_at != 0 && clock_ms() - p->hint_at < HINT_MS &&
	    memcmp(p->hint_hdr, h, WAL_HDR) == 0;
	if (hit)
		*gen = p->hint_gen;
	pthread_mutex_unlock(&p->hint_lock);
	if (!hit) {
		memcpy(seen, h, WAL_HDR);
		seen_ok = 1;
	}
	return hit;
}

/* gen, just read from the database after this thread's missed hint. */
static void
sl_generation_note(struct store *s, int64_t gen)
{
	struct spool	*p = (struct spool *)s;
	struct stat	 st;
	int		 fd;

	if (!seen_ok)
		return;
	seen_ok = 0;
	pthread_mutex_lock(&p->hint_lock);
	/*
	 * DB-shm removed (every connection closed) and made anew: follow
	 * the new one, on the same descriptor (dup2), which hints read
	 * without the lock.  Until it can be opened, no hints.
	 */
	if (p->shm != -1 && fstat(p->shm, &st) == 0 && st.st_nlink == 0) {
		atomic_store(&p->shm_gone, 1);
		if ((fd = open(p->shm_path, O_RDONLY | O_CLOEXEC)) != -1) {
			if (dup2(fd, p->shm) != -1)
				atomic_store(&p->shm_gone, 0);
			close(fd);
		}
		p->hint_at = 0;
	} else {
		memcpy(p->hint_hdr, seen, WAL_HDR);
		p->hint_gen = gen;
		p->hint_at = clock_ms();
	}
	pthread_mutex_unlock(&p->hint_lock);
}

static int
sl_open(const char *uri, int create, const char *const *steps, int n,
    struct store **out, char *err, size_t errlen)
{
	struct spool	*p;
	struct sconn	*c;

	if (strncmp(uri, "sqlite:", 7) == 0)
		uri += 7;
	/*
	 * No memory statistics: with them every sqlite3_malloc takes one
	 * process-wide mutex, and Debian's SQLite has no lookaside, so
	 * every statement allocates (comment POSTs, bench/comments.sh:
	 * 4,350 -> 4,820/s, alternating).  Only before the library's first
	 * use; after it the call fails and changes nothing.
	 */
	(void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	if ((c = conn_open(uri, create, err, errlen)) == NULL)
		return STORE_DOWN;
	if (steps != NULL && migrate(c->db, steps, n, err, errlen) !=
	    STORE_OK) {
		conn_free(c);
		return STORE_ERROR;
	}
	p = xcalloc(1, sizeof(*p));
	p->base.drv = &db_sqlite;
	p->path = xstrdup(uri);
	pthread_mutex_init(&p->hint_lock, NULL);
	hint_open(p, c->db);
	pool_init(&p->pool, POOL_MAX);
	pool_first(&p->pool, &c->item);
	p->base.pool = &p->pool;
	*out = &p->base;
	return STORE_OK;
}

static void
sl_close(struct store *s)
{
	struct spool		*p = (struct spool *)s;
	struct pool_item	*it;

	while ((it = pool_drain(&p->pool)) != NULL)
		conn_free(SCONN(it));
	pool_destroy(&p->pool);
	if (p->shm != -1)
		close(p->shm);
	pthread_mutex_destroy(&p->hint_lock);
	free(p->shm_path);
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
sl_get(struct store *s, int wait_ms)
{
	struct spool		*p = (struct spool *)s;
	struct pool_item	*it;

	it = pool_get(&p->pool, wait_ms, "sqlite", pool_open, p->path);
	return it != NULL ? &SCONN(it)->base : NULL;
}

static void
sl_put(struct store *s, struct store_conn *sc)
{
	struct spool	*p = (struct spool *)s;
	struct sconn	*c = (struct sconn *)sc;

	/* A request that failed mid-transaction must not leak it. */
	if (!sqlite3_get_autocommit(c->db))
		sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
	pool_give(&p->pool, &c->item);
}

const struct db_driver db_sqlite = {
	.name = "sqlite",
	.engine = DB_SQLITE,
	.match = sl_match,
	.open = sl_open,
	.close = sl_close,
	.get = sl_get,
	.put = sl_put,
	.stmt = sl_stmt,
	.bind_int = sl_bind_int,
	.bind_real = sl_bind_real,
	.bind_text = sl_bind_text,
	.bind_null = sl_bind_null,
	.bind_blob = sl_bind_blob,
	.step = sl_step,
	.col_int = sl_col_int,
	.col_real = sl_col_real,
	.col_text = sl_col_text,
	.col_blob = sl_col_blob,
	.done = sl_done,
	.begin = sl_begin,
	.commit = sl_commit,
	.read_begin = sl_read_begin,
	.bulk = sl_bulk,
	.rollback = sl_rollback,
	.snapshot = sl_snapshot,
	.copy = sl_copy,
	.replace = sl_replace,
	.savepoint = sl_savepoint,
	.lock = sl_lock,
	.generation_hint = sl_generation_hint,
	.generation_note = sl_generation_note,
};
