/*
 * db_pg: the PostgreSQL driver (see db.h), with libpq, and with
 * db_sqlite.c the only file that includes a database header.  For sites
 * whose several `galley serve` nodes share one database.  Each statement
 * is prepared (as gN) on a connection the first time it runs there, its
 * ?N parameters turned into $N, and sent with text parameters (bytes as
 * binary ones); its whole result comes back at the first step, in text
 * (a bytea column is unescaped from its hex form when it is read).  Migrations are numbered in the
 * table schema_version and applied at open under an advisory lock, so
 * nodes starting together agree.
 *
 * Failures: a statement outside a transaction that fails because the
 * connection dropped is retried once on a fresh connection, and one that
 * fails on a serialisation failure, deadlock or lock time-out is retried
 * a few times; inside a transaction the caller gets STORE_RETRY or
 * STORE_DOWN.  A lock waited on for 5 s is given up (lock_timeout), as
 * SQLite's busy timeout does.  A full disk or exhausted memory on the
 * server is STORE_FULL, never retried.  A connection that broke is closed
 * when it is given back, and the pool opens a new one on demand: when the
 * database comes back, so does Galley.  A watcher thread LISTENs for the
 * generation every write announces (see watcher()).
 */
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <libpq-fe.h>

#include "alloc.h"
#include "db.h"
#include "pool.h"

#define POOL_MAX	24	/* the default of db_connections (DEPLOY.md) */
#define RETRIES		3
#define PARAMS_MAX	24	/* the most parameters a statement has */
#define SQL_MAX		8192	/* the longest statement, numbered */

struct pstmt {
	struct db_stmt		 base;
	struct pconn		*c;
	const char		*sql;
	char			 name[16];
	int			 nparams;
	int			 prepared;	/* on this connection, now */
	const char		*param[PARAMS_MAX];	/* NULL: SQL NULL */
	unsigned char		 bound[PARAMS_MAX];
	char			 num[PARAMS_MAX][32];
	int			 len[PARAMS_MAX];	/* binary ones */
	int			 fmt[PARAMS_MAX];	/* 1: binary */
	PGresult		*res;	/* after the first step */
	unsigned char		*bytes;	/* col_blob's, until the next step */
	int			 row, rows;
};

struct pconn {
	struct store_conn	 base;
	struct pool_item	 item;
	PGconn			*db;
	int			 in_tx;
	unsigned		 seq;	/* names the next statement */
	struct db_cache		 stmts;	/* struct pstmt, by sql */
};

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

#define PCONN(it)	((struct pconn *)(void *)((char *)(it) - \
			    offsetof(struct pconn, item)))

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

int
db_numbered(const char *sql, char *out, size_t len)
{
	size_t	 o = 0;
	int	 next = 0, max = 0, n;
	char	 q = 0;		/* the quote we are inside, if any */

	for (; *sql != '\0'; sql++) {
		if (q == 0 && (*sql == '\'' || *sql == '"'))
			q = *sql;
		else if (q != 0 && *sql == q)
			q = 0;
		if (q != 0 || *sql != '?') {
			if (o + 1 >= len)
				return -1;
			out[o++] = *sql;
			continue;
		}
		if (sql[1] >= '0' && sql[1] <= '9')
			for (n = 0; sql[1] >= '0' && sql[1] <= '9'; sql++)
				n = n * 10 + (sql[1] - '0');
		else
			n = ++next;
		if (n > max)
			max = n;
		if (o + 12 >= len)
			return -1;
		o += (size_t)snprintf(out + o, len - o, "$%d", n);
	}
	out[o] = '\0';
	return max;
}

static void
unprepared(void *v)
{
	((struct pstmt *)v)->prepared = 0;
}

/* A reconnected session has no prepared statement left. */
static void
forget_prepared(struct pconn *c)
{
	db_cache_each(&c->stmts, unprepared);
}

static void
pg_done(struct db_stmt *sp)
{
	struct pstmt	*s = (struct pstmt *)sp;

	PQclear(s->res);
	s->res = NULL;
	s->row = s->rows = 0;
	PQfreemem(s->bytes);
	s->bytes = NULL;
}

static void
result_free(void *v)
{
	pg_done(v);
}

static struct db_stmt *
pg_stmt(struct store_conn *sc, const char *sql)
{
	struct pconn	*c = (struct pconn *)sc;
	struct pstmt	*s;
	void		**p = db_cache_place(&c->stmts, sql);

	if ((s = *p) == NULL) {
		s = xcalloc(1, sizeof(*s));
		s->base.drv = &db_pg;
		s->c = c;
		s->sql = sql;
		snprintf(s->name, sizeof(s->name), "g%u", c->seq++);
		*p = s;
	}
	pg_done(&s->base);
	memset(s->param, 0, sizeof(s->param));
	memset(s->bound, 0, sizeof(s->bound));
	memset(s->len, 0, sizeof(s->len));
	memset(s->fmt, 0, sizeof(s->fmt));
	return &s->base;
}

static void
pg_bind_text(struct db_stmt *sp, int i, const char *v)
{
	struct pstmt	*s = (struct pstmt *)sp;

	if (i < 1 || i > PARAMS_MAX)
		return;
	s->param[i - 1] = v != NULL ? v : "";
	s->bound[i - 1] = 1;
}

static void
pg_bind_null(struct db_stmt *sp, int i)
{
	struct pstmt	*s = (struct pstmt *)sp;

	if (i < 1 || i > PARAMS_MAX)
		return;
	s->param[i - 1] = NULL;
	s->bound[i - 1] = 1;
}

static void
pg_bind_int(struct db_stmt *sp, int i, int64_t v)
{
	struct pstmt	*s = (struct pstmt *)sp;

	if (i < 1 || i > PARAMS_MAX)
		return;
	snprintf(s->num[i - 1], sizeof(s->num[0]), "%lld", (long long)v);
	s->param[i - 1] = s->num[i - 1];
	s->bound[i - 1] = 1;
}

static void
pg_bind_real(struct db_stmt *sp, int i, double v)
{
	struct pstmt	*s = (struct pstmt *)sp;

	if (i < 1 || i > PARAMS_MAX)
		return;
	snprintf(s->num[i - 1], sizeof(s->num[0]), "%.17g", v);
	s->param[i - 1] = s->num[i - 1];
	s->bound[i - 1] = 1;
}

static void
pg_bind_blob(struct db_stmt *sp, int i, const void *p, size_t len)
{
	struct pstmt	*s = (struct pstmt *)sp;

	/* libpq counts a parameter's length in an int. */
	if (i < 1 || i > PARAMS_MAX || len > INT_MAX)
		return;
	s->param[i - 1] = p != NULL ? p : "";
	s->len[i - 1] = (int)len;
	s->fmt[i - 1] = 1;
	s->bound[i - 1] = 1;
}

/* Prepares s on its connection if it is not; a store_rc. */
static int
prepare(struct pstmt *s)
{
	char		 sql[SQL_MAX];
	PGresult	*res;
	int		 rc = STORE_OK;

	if (s->prepared)
		return STORE_OK;
	if ((s->nparams = db_numbered(s->sql, sql, sizeof(sql))) < 0 ||
	    s->nparams > PARAMS_MAX) {
		fprintf(stderr, "galley: postgresql: too long: %s\n", s->sql);
		return STORE_ERROR;
	}
	res = PQprepare(s->c->db, s->name, sql, s->nparams, NULL);
	if (PQresultStatus(res) == PGRES_COMMAND_OK)
		s->prepared = 1;
	else
		rc = rc_of(s->c->db, res, s->sql);
	PQclear(res);
	return rc;
}

/*
 * Runs s with its parameters, retrying outside a transaction on a
 * dropped connection (reset first) and on a serialisation failure.
 */
static int
execute(struct pstmt *s)
{
	struct pconn	*c = s->c;
	PGresult	*res;
	int		 rc = STORE_ERROR, try, i;

	for (i = 0; i < PARAMS_MAX; i++)
		if (!s->bound[i])
			s->param[i] = "";
	for (try = 0; try < RETRIES; try++) {
		if ((rc = prepare(s)) == STORE_OK) {
			res = PQexecPrepared(c->db, s->name, s->nparams,
			    s->param, s->len, s->fmt, 0);
			if (PQresultStatus(res) == PGRES_TUPLES_OK ||
			    PQresultStatus(res) == PGRES_COMMAND_OK) {
				s->res = res;
				s->rows = PQntuples(res);
				return STORE_OK;
			}
			rc = rc_of(c->db, res, s->sql);
			PQclear(res);
		}
		if (c->in_tx || (rc != STORE_DOWN && rc != STORE_RETRY))
			break;
		if (rc == STORE_DOWN) {
			PQreset(c->db);
			forget_prepared(c);
			if (PQstatus(c->db) != CONNECTION_OK)
				break;
		}
	}
	return rc;
}

static int
pg_step(struct db_stmt *sp)
{
	struct pstmt	*s = (struct pstmt *)sp;
	int		 rc;

	if (s->res == NULL && (rc = execute(s)) != STORE_OK)
		return -rc;
	PQfreemem(s->bytes);
	s->bytes = NULL;
	if (s->row >= s->rows)
		return DB_DONE;
	s->row++;
	return DB_ROW;
}

static int64_t
pg_col_int(struct db_stmt *sp, int col)
{
	struct pstmt	*s = (struct pstmt *)sp;

	return strtoll(PQgetvalue(s->res, s->row - 1, col), NULL, 10);
}

static double
pg_col_real(struct db_stmt *sp, int col)
{
	struct pstmt	*s = (struct pstmt *)sp;

	return strtod(PQgetvalue(s->res, s->row - 1, col), NULL);
}

static const char *
pg_col_text(struct db_stmt *sp, int col, size_t *len)
{
	struct pstmt	*s = (struct pstmt *)sp;

	*len = (size_t)PQgetlength(s->res, s->row - 1, col);
	return PQgetvalue(s->res, s->row - 1, col);
}

static const void *
pg_col_blob(struct db_stmt *sp, int col, size_t *len)
{
	struct pstmt	*s = (struct pstmt *)sp;

	*len = 0;
	if (PQgetisnull(s->res, s->row - 1, col))
		return NULL;
	PQfreemem(s->bytes);
	s->bytes = PQunescapeBytea((const unsigned char *)PQgetvalue(s->res,
	    s->row - 1, col), len);
	if (s->bytes == NULL)
		*len = 0;
	return s->bytes;
}

/* BEGIN, COMMIT, ROLLBACK: never retried. */
static int
exec_tx(struct pconn *c, const char *sql)
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
		forget_prepared(c);
	}
	if ((rc = exec_tx(c, "BEGIN")) == STORE_OK)
		c->in_tx = 1;
	return rc;
}

static int
pg_commit(struct store_conn *sc)
{
	struct pconn	*c = (struct pconn *)sc;

	c->in_tx = 0;
	return exec_tx(c, "COMMIT");
}

/* One snapshot for the whole transaction: what a dump reads. */
static int
pg_snapshot(struct store_conn *sc)
{
	struct pconn	*c = (struct pconn *)sc;
	int		 rc;

	if ((rc = exec_tx(c, "BEGIN ISOLATION LEVEL REPEATABLE READ READ"
	    " ONLY")) == STORE_OK)
		c->in_tx = 1;
	return rc;
}

static int
pg_rollback(struct store_conn *sc)
{
	struct pconn	*c = (struct pconn *)sc;

	c->in_tx = 0;
	return exec_tx(c, "ROLLBACK");
}

static int
pg_savepoint(struct store_conn *sc, const char *sql)
{
	return exec_tx((struct pconn *)sc, sql);
}

/*
 * An advisory lock on the key's 64-bit hash, held until the transaction
 * ends: callers order their keys as strings, which orders the locks as
 * long as no two keys share a hash (hashtext's 32 bits would make that
 * likely among a busy site's post and address keys).
 */
static int
pg_lock(struct store_conn *c, const char *key)
{
	struct db_stmt	*s;
	int		 rc;

	if ((s = pg_stmt(c, "SELECT pg_advisory_xact_lock(hashtextextended(?1, 0))")) ==
	    NULL)
		return STORE_ERROR;
	pg_bind_text(s, 1, key);
	rc = pg_step(s);
	pg_done(s);
	return rc < 0 ? -rc : STORE_OK;
}

/* Notices ("relation already exists, skipping") are not for users. */
static void
quiet(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;
}

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

static struct pconn *
conn_open(const char *uri, char *err, size_t errlen)
{
	struct pconn	*c = xcalloc(1, sizeof(*c));
	/*
	 * Defaults that find a dead server or a cut network in seconds, not
	 * hours, and give up a lock after 5 s; the same keys in the URI,
	 * read later, win.
	 */
	static const char *const keys[] = { "connect_timeout", "keepalives",
	    "keepalives_idle", "keepalives_interval", "keepalives_count",
	    "tcp_user_timeout", "options", "dbname", NULL };
	const char	*vals[] = { "5", "1", "10", "3", "3", "15000",
	    "-c lock_timeout=5000", uri, NULL };

	c->base.drv = &db_pg;
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
stmt_free(void *v)
{
	struct pstmt	*s = v;

	PQclear(s->res);
	free(s);
}

static void
conn_free(struct pconn *c)
{
	db_cache_free(&c->stmts, stmt_free);
	PQfinish(c->db);
	free(c);
}

/* Applies pending migrations in one transaction under an advisory lock. */
static int
migrate(PGconn *db, const char *const *steps, int n, char *err,
    size_t errlen)
{
	PGresult	*res;
	int		 v = 0;
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
		db_too_new(v, n, err, errlen);
		PQclear(PQexec(db, "ROLLBACK"));
		return STORE_ERROR;
	}
	for (; v < n; v++) {
		res = PQexec(db, steps[v]);
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

/* Sets p->gen from a one-row result; returns 1, or 0 if it is not one. */
static int
gen_from(struct ppool *p, PGresult *res)
{
	int	 ok = PQresultStatus(res) == PGRES_TUPLES_OK &&
	    PQntuples(res) == 1;

	if (ok)
		atomic_store(&p->gen, strtoll(PQgetvalue(res, 0, 0), NULL,
		    10));
	PQclear(res);
	return ok;
}

/* LISTENs on one connection until it breaks; -1 when told to stop. */
static int
watch_once(struct ppool *p, PGconn *db)
{
	PGnotify	*n;
	int		 rc;

	if (!gen_from(p, PQexec(db, "LISTEN galley_generation;"
	    " SELECT n FROM generation WHERE id = 1")))
		return 0;
	for (;;) {
		if ((rc = watch_wait(p, PQsocket(db), 10000)) == -1)
			return -1;
		/*
		 * Quiet for 10 s: ask, which both proves the link is alive (a
		 * half-open TCP connection reports nothing) and resyncs.
		 */
		if (rc == 0 && !gen_from(p, PQexec(db,
		    "SELECT n FROM generation WHERE id = 1")))
			return 0;
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
pg_open(const char *uri, int create, const char *const *steps, int n,
    struct store **out, char *err, size_t errlen)
{
	struct ppool	*p;
	struct pconn	*c;

	(void)create;	/* the database itself must exist; tables are ours */
	if ((c = conn_open(uri, err, errlen)) == NULL)
		return STORE_DOWN;
	if (steps != NULL && migrate(c->db, steps, n, err, errlen) !=
	    STORE_OK) {
		conn_free(c);
		return STORE_ERROR;
	}
	p = xcalloc(1, sizeof(*p));
	p->base.drv = &db_pg;
	p->uri = xstrdup(uri);
	pool_init(&p->pool, POOL_MAX);
	pool_first(&p->pool, &c->item);
	p->base.pool = &p->pool;
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
pg_get(struct store *s, int wait_ms)
{
	struct ppool		*p = (struct ppool *)s;
	struct pool_item	*it;

	it = pool_get(&p->pool, wait_ms, "postgresql", pool_open,
	    p->uri);
	return it != NULL ? &PCONN(it)->base : NULL;
}

static void
pg_put(struct store *s, struct store_conn *sc)
{
	struct ppool	*p = (struct ppool *)s;
	struct pconn	*c = (struct pconn *)sc;

	if (c->in_tx)
		pg_rollback(sc);
	db_cache_each(&c->stmts, result_free);	/* what a caller left */
	if (PQstatus(c->db) != CONNECTION_OK ||
	    PQtransactionStatus(c->db) != PQTRANS_IDLE) {
		/* Broken: close it; the next get opens a fresh one. */
		conn_free(c);
		pool_drop(&p->pool);
		return;
	}
	pool_give(&p->pool, &c->item);
}

const struct db_driver db_pg = {
	.name = "postgresql",
	.engine = DB_PG,
	.match = pg_match,
	.open = pg_open,
	.close = pg_close,
	.get = pg_get,
	.put = pg_put,
	.stmt = pg_stmt,
	.bind_int = pg_bind_int,
	.bind_real = pg_bind_real,
	.bind_text = pg_bind_text,
	.bind_null = pg_bind_null,
	.bind_blob = pg_bind_blob,
	.step = pg_step,
	.col_int = pg_col_int,
	.col_real = pg_col_real,
	.col_text = pg_col_text,
	.col_blob = pg_col_blob,
	.done = pg_done,
	.begin = pg_begin,
	.commit = pg_commit,
	.rollback = pg_rollback,
	.snapshot = pg_snapshot,
	.savepoint = pg_savepoint,
	.lock = pg_lock,
	.watch = pg_watch,
	.generation_hint = pg_generation_hint,
	.generation_note = pg_generation_note,
};
