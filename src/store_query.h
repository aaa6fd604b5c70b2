/*
 * store_query: what the store's query files (store_*.c) share above the
 * driver (db.h): binding a statement's parameters in one call, and
 * running it for nothing, an id, one row, one number or every row.  A
 * row is read into a struct by a fill function that takes its columns
 * in the order the SELECT names them.  Private to the store.
 */
#ifndef GALLEY_STORE_QUERY_H
#define GALLEY_STORE_QUERY_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"

struct arena;

/* Fills the struct at out from the current row of st. */
typedef void	q_fill(struct arena *, struct db_stmt *st, void *out);

/*
 * The statement for sql (a string literal) on c, with parameters 1, 2...
 * bound from the arguments after types, one letter each: 't' a const
 * char * (NULL binds ""), 'z' a const char * (NULL binds SQL NULL), 'i'
 * an int64_t, 'n' an int, 'r' a double, 'b' bytes as two arguments, a
 * const void * and a size_t.
 * Text must live until the statement is done.  NULL (logged) if sql does
 * not prepare; every q_ runner takes NULL and answers STORE_ERROR.
 */
struct db_stmt	*q(struct store_conn *c, const char *sql, const char *types,
		    ...);
/* Runs st to its end (a write); a store_rc. */
int		 q_exec(struct db_stmt *st);
/*
 * Runs st, a write ending in RETURNING: STORE_OK if it changed a row,
 * STORE_NOTFOUND if it changed none.
 */
int		 q_changed(struct db_stmt *st);
/* Runs st, a write ending in RETURNING, and sets *rows to its rows. */
int		 q_rows(struct db_stmt *st, int64_t *rows);
/* Runs st, an INSERT ... RETURNING id, and sets *id (if not NULL). */
int		 q_insert(struct db_stmt *st, int64_t *id);
/* The integer in the first column of st's one row into *v (0: none). */
int		 q_int(struct db_stmt *st, int64_t *v);
/*
 * Fills *out (sz bytes, zeroed first) from st's first row with fill;
 * STORE_NOTFOUND when there is none.
 */
int		 q_one(struct db_stmt *st, struct arena *a, size_t sz,
		    q_fill *fill, void *out);
/*
 * Every row of st into an arena array of sz-byte elements, each zeroed,
 * then filled by fill: *out and its length *n (NULL and 0 if none).
 */
int		 q_many(struct db_stmt *st, struct arena *a, size_t sz,
		    q_fill *fill, void **out, size_t *n);
/* A q_fill for a column of ids: the first column into an int64_t. */
void		 q_fill_id(struct arena *, struct db_stmt *st, void *out);
/*
 * Steps st for a row by hand: DB_ROW, DB_DONE, or a negative store_rc;
 * the caller reads the columns and ends it with q_done.
 */
int		 q_step(struct db_stmt *st);
void		 q_done(struct db_stmt *st);
/* Column col of the current row. */
int64_t		 col_int(struct db_stmt *st, int col);
double		 col_real(struct db_stmt *st, int col);
/* Column col as text ("" for NULL), valid until the next step. */
const char	*col_str(struct db_stmt *st, int col);
/* Column col as bytes (NULL and 0 for NULL), valid until the next step. */
const void	*col_blob(struct db_stmt *st, int col, size_t *len);
/* Column col as a string in a ("" for NULL). */
char		*col_text(struct arena *a, struct db_stmt *st, int col);
/* The engine under c, for the few statements written twice. */
enum db_engine	 q_engine(const struct store_conn *c);

/*
 * The migrations of an engine's schema (store_schema.c) and how many.
 */
const char *const *store_schema(enum db_engine, int *n);

#endif
