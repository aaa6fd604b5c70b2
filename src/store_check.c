/*
 * store_check: what `galley check` asks the database about itself (its
 * schema version is store.c's store_schema_version): the engine's own
 * integrity and foreign-key checks (each engine's statements side by
 * side), and every stored file a row names.  The tallies' recount lives with the votes
 * (store_vote.c).
 */
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "store_query.h"

/* Hands each row's first column to cb; the count of rows, or -rc. */
static int
each_line(struct db_stmt *s, const char *skip, void (*cb)(void *,
    const char *), void *arg)
{
	int	 rc, n = 0;

	if (s == NULL)
		return -STORE_ERROR;
	while ((rc = q_step(s)) == DB_ROW)
		if (skip == NULL || strcmp(col_str(s, 0), skip) != 0) {
			cb(arg, col_str(s, 0));
			n++;
		}
	q_done(s);
	return rc < 0 ? rc : n;
}

int
store_integrity(struct store_conn *c, void (*cb)(void *, const char *),
    void *arg)
{
	int	 rc;

	if (q_engine(c) != DB_PG)
		rc = each_line(q(c, "PRAGMA integrity_check", ""), "ok", cb,
		    arg);
	else if ((rc = each_line(q(c, "SELECT 'index ' || i.indexrelid::"
	    "regclass::text || ' is invalid (rebuild it with REINDEX)' FROM"
	    " pg_index i JOIN pg_class t ON t.oid = i.indrelid WHERE"
	    " t.relnamespace = current_schema()::regnamespace AND NOT"
	    " (i.indisvalid AND i.indisready) ORDER BY 1", ""), NULL, cb,
	    arg)) >= 0)
		rc = each_line(q(c, "SELECT 'foreign key ' || conname || ' of '"
		    " || conrelid::regclass::text || ' is not validated' FROM"
		    " pg_constraint WHERE contype = 'f' AND connamespace ="
		    " current_schema()::regnamespace AND NOT convalidated"
		    " ORDER BY 1", ""), NULL, cb, arg);
	return rc < 0 ? -rc : STORE_OK;
}

int
store_foreign_keys(struct store_conn *c, void (*cb)(void *, const char *),
    void *arg)
{
	int	 rc;

	if (q_engine(c) == DB_PG)
		return STORE_OK;	/* enforced at every write */
	rc = each_line(q(c, "SELECT \"table\" || ' row ' || coalesce(rowid,"
	    " '?') || ' names a ' || parent || ' row that is not there'"
	    " FROM pragma_foreign_key_check ORDER BY 1", ""), NULL, cb,
	    arg);
	return rc < 0 ? -rc : STORE_OK;
}

static void
fill_ref(struct arena *a, struct db_stmt *s, void *v)
{
	struct media_ref	*r = v;

	r->hash = col_text(a, s, 0);
	r->mime = col_text(a, s, 1);
	r->ext = col_text(a, s, 2);
}

int
store_media_refs(struct store_conn *c, struct arena *a,
    struct media_ref **out, size_t *n)
{
	return q_many(q(c, "SELECT hash, mime, '' FROM media UNION SELECT"
	    " hash, mime, '' FROM media_sizes UNION SELECT image, '',"
	    " image_ext FROM comments WHERE image <> '' UNION SELECT thumb,"
	    " '', image_ext FROM comments WHERE thumb <> '' ORDER BY 1", ""),
	    a, sizeof(**out), fill_ref, (void **)out, n);
}

int
store_others(struct store_conn *c, int64_t *n)
{
	*n = 0;
	if (q_engine(c) != DB_PG)
		return STORE_OK;	/* store_replace finds them */
	return q_int(q(c, "SELECT count(*) FROM pg_stat_activity WHERE"
	    " datname = current_database() AND pid <> pg_backend_pid() AND"
	    " backend_type = 'client backend'", ""), n);
}
