/*
 * db: the thin driver under the store (store.h): only what truly differs
 * between SQLite and PostgreSQL.  Statements prepared once per
 * connection, typed binds and columns, stepping rows; transactions and a
 * lock; the pool, reconnection and retry; migrations; following the data
 * generation.  Every query and its SQL is written once, in the store_*.c
 * files above this; each driver (db_sqlite.c, db_pg.c) is the only file
 * that includes its engine's header.  Private to the store: nothing else
 * includes this.
 *
 * SQL is written as both engines accept it, with parameters as ?1, ?2...
 * (the PostgreSQL driver turns them into $1, $2).  A statement is known by
 * the address of its SQL text, which must be a string literal: the driver
 * prepares it the first time a connection runs it and keeps it.
 */
#ifndef GALLEY_DB_H
#define GALLEY_DB_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"

struct db_stmt;
struct pool;

enum db_engine {
	DB_SQLITE,
	DB_PG
};

/* What db_step returns besides a negative store_rc (a failure, logged). */
#define DB_DONE	0	/* no more rows */
#define DB_ROW	1	/* a row is ready for the col_ calls */

struct db_driver {
	const char	*name;
	enum db_engine	 engine;
	/* Returns 1 if uri names a database of this engine. */
	int		(*match)(const char *uri);
	/*
	 * Opens uri (an SQLite file is created with create), brings its
	 * schema up to the n steps of migrations (step N takes the schema
	 * from N to N + 1, each applied once, in order; none when
	 * migrations is NULL: `galley check` looks at it as it is), and
	 * returns the pool in *out; or a store_rc with a sentence in err.
	 */
	int		(*open)(const char *uri, int create,
			    const char *const *migrations, int n,
			    struct store **out, char *err, size_t errlen);
	void		(*close)(struct store *);
	/*
	 * A connection for the caller, waiting up to wait_ms for one to be
	 * given back, or NULL: 503.
	 */
	struct store_conn *(*get)(struct store *, int wait_ms);
	/* Gives it back; an open transaction is rolled back. */
	void		(*put)(struct store *, struct store_conn *);

	/*
	 * The statement for sql on this connection, reset and with no
	 * bindings; NULL (logged) if sql does not prepare.  Valid until the
	 * connection goes back to the pool.
	 */
	struct db_stmt	*(*stmt)(struct store_conn *, const char *sql);
	/* Binds parameter i (from 1); text must live until db_done. */
	void		(*bind_int)(struct db_stmt *, int i, int64_t v);
	void		(*bind_real)(struct db_stmt *, int i, double v);
	void		(*bind_text)(struct db_stmt *, int i, const char *s);
	void		(*bind_null)(struct db_stmt *, int i);
	/* Binds bytes p[0..len) (BLOB, bytea); they must live until done. */
	void		(*bind_blob)(struct db_stmt *, int i, const void *p,
			    size_t len);
	/* DB_ROW, DB_DONE, or a negative store_rc. */
	int		(*step)(struct db_stmt *);
	int64_t		(*col_int)(struct db_stmt *, int col);
	double		(*col_real)(struct db_stmt *, int col);
	/* Column col of the row as text ("" for NULL), valid until step. */
	const char	*(*col_text)(struct db_stmt *, int col, size_t *len);
	/*
	 * Column col as bytes (a BLOB, bytea; NULL with *len 0 for NULL),
	 * valid until step or done.
	 */
	const void	*(*col_blob)(struct db_stmt *, int col, size_t *len);
	/* Ends a statement's use, whether or not every row was read. */
	void		(*done)(struct db_stmt *);

	int		(*begin)(struct store_conn *);
	int		(*commit)(struct store_conn *);
	/*
	 * A run of reads in one snapshot, ended by commit (NULL: each
	 * statement reads fresh, and nothing is gained by one).
	 */
	int		(*read_begin)(struct store_conn *);
	/*
	 * The connection is about to write a great many rows in one
	 * transaction, alone (NULL: nothing to do).
	 */
	int		(*bulk)(struct store_conn *);
	int		(*rollback)(struct store_conn *);
	/*
	 * A read-only transaction that sees one snapshot for its life,
	 * writers carrying on beside it (a backup's); ended by commit.
	 */
	int		(*snapshot)(struct store_conn *);
	/*
	 * Copies the database, as one snapshot, into a new file at path
	 * while others write (NULL: the engine has no such copy; the
	 * store dumps rows instead).
	 */
	int		(*copy)(struct store_conn *, const char *path);
	/*
	 * Puts the file from in place of the database at uri by rename
	 * (the caller syncs the folder), refusing (STORE_CONFLICT) while
	 * any other connection has it open (NULL: not a file).  Returns a
	 * store_rc with a sentence in err.
	 */
	int		(*replace)(const char *uri, const char *from, char *err,
			    size_t errlen);
	/* Runs sql, SAVEPOINT or its RELEASE or ROLLBACK TO, unprepared. */
	int		(*savepoint)(struct store_conn *, const char *sql);
	/*
	 * Inside a transaction, waits until no other transaction holds key
	 * and holds it until this one ends.
	 */
	int		(*lock)(struct store_conn *, const char *key);

	/* Following the generation without a query (NULL: cannot). */
	int		(*watch)(struct store *);
	int		(*generation_hint)(struct store *, int64_t *gen);
	void		(*generation_note)(struct store *, int64_t gen);
};

/* The head of each driver's statement, pool and connection. */
struct db_stmt {
	const struct db_driver	*drv;
};

struct store {
	const struct db_driver	*drv;
	struct pool		*pool;		/* the driver's: its size, its counts */
};

struct store_conn {
	const struct db_driver	*drv;
};

/*
 * A connection's prepared statements, keyed by the address of their SQL
 * literal (open addressing, kept under two thirds full): what both
 * drivers keep, in db.c.
 */
struct db_cache {
	const char	**key;
	void		**val;
	size_t		 cap, n;
};

/*
 * The place of sql's statement in c: *place is NULL when sql is new, and
 * the caller sets it.  Valid until the next call.
 */
void	**db_cache_place(struct db_cache *c, const char *sql);
/* Calls fn on each statement kept, then frees the table. */
void	 db_cache_free(struct db_cache *c, void (*fn)(void *));

/*
 * Writes to err the refusal of a database at schema version have by a
 * binary whose migrations end at know (have > know): a downgrade, which
 * no migration undoes.  Both drivers say it in the same words.
 */
void	 db_too_new(int have, int know, char *err, size_t errlen);
/* Calls fn on each statement kept. */
void	 db_cache_each(struct db_cache *c, void (*fn)(void *));

extern const struct db_driver db_sqlite;
extern const struct db_driver db_pg;

/*
 * Turns ?N parameters into $N (and a bare ? into the next number) in
 * sql, into out (at most len bytes); returns the highest parameter
 * number, or -1 if out is too small.  For the PostgreSQL driver, here so
 * that a test can prove it.
 */
int	db_numbered(const char *sql, char *out, size_t len);

#endif
