/*
 * store_vote: the queries of readers' votes (see store.h), written once
 * for both engines (store_query.h): the cast with its one-vote rule, the
 * plain add the demo uses, and the recount of every tally (a post's
 * approved comments too, for `galley check`).  The aggregates on posts and
 * comments are kept by triggers (store_schema.c).
 */
#include <stdio.h>
#include <stdlib.h>

#include "alloc.h"
#include "store_query.h"

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

/* The earlier vote of v's voter or IP hash into voter; 1, 0 or -rc. */
static int
vote_find(struct store_conn *c, const struct vote *v, char *voter,
    size_t len)
{
	struct db_stmt	*s;
	int		 rc;

	s = q(c, vote_sql[v->comment][0], "itti", v->item, v->voter,
	    v->ip_hash, v->since);
	if (s == NULL)
		return -STORE_ERROR;
	if ((rc = q_step(s)) == DB_ROW)
		snprintf(voter, len, "%s", col_str(s, 0));
	q_done(s);
	return rc;
}

int
store_vote_cast(struct store_conn *c, struct vote *v)
{
	const char	*const *sql = vote_sql[v->comment];
	struct db_stmt	*s;
	char		 key[48], voter[256];
	int		 rc;

	v->repeat = 0;
	/* Voters of one item queue here, so the find-then-add holds. */
	snprintf(key, sizeof(key), "vote:%d:%lld", v->comment,
	    (long long)v->item);
	if ((rc = store_lock(c, key)) != STORE_OK)
		return rc;
	if ((rc = vote_find(c, v, voter, sizeof(voter))) < 0)
		return -rc;
	if (rc == DB_ROW) {
		/* An earlier vote: by this voter key, or this IP hash. */
		v->repeat = 1;
		rc = !v->allow_change ? STORE_OK : q_exec(q(c, sql[1], "itni",
		    v->item, voter, v->value, v->when));
	} else
		rc = q_exec(q(c, sql[2], "itnit", v->item, v->voter, v->value,
		    v->when, v->ip_hash));
	if (rc != STORE_OK)
		return rc;
	if ((s = q(c, sql[3], "i", v->item)) == NULL)
		return STORE_ERROR;
	if ((rc = q_step(s)) == DB_ROW) {
		v->sum = col_int(s, 0);
		v->count = col_int(s, 1);
	}
	q_done(s);
	if (rc < 0)
		return -rc;
	return rc == DB_ROW ? STORE_OK : STORE_NOTFOUND;
}

int
store_post_vote_add(struct store_conn *c, int64_t post_id, const char *voter,
    int value, int64_t when)
{
	return q_exec(q(c, "INSERT INTO post_votes (post_id, voter, value,"
	    " created) VALUES (?1, ?2, ?3, ?4)", "itni", post_id, voter, value,
	    when));
}

int
store_comment_vote_add(struct store_conn *c, int64_t comment_id,
    const char *voter, int value, int64_t when)
{
	return q_exec(q(c, "INSERT INTO comment_votes (comment_id, voter,"
	    " value, created) VALUES (?1, ?2, ?3, ?4)", "itni", comment_id,
	    voter, value, when));
}

/* One kind of item for the recount: its queries and its name. */
struct recount {
	const char	*kind;
	const char	*wrong;		/* id, old sum, old count, new ... */
	const char	*fix;		/* sets ?1's aggregate from its votes */
};

/* Items whose aggregate differs from their votes: id, old, new. */
#define WRONG(items, votes, key, sum, count) \
	"SELECT i.id, i." sum ", i." count ", coalesce(v.s, 0)," \
	" coalesce(v.n, 0) FROM " items " i LEFT JOIN (SELECT " key " AS id," \
	" sum(value) AS s, count(*) AS n FROM " votes " GROUP BY " key ")" \
	" v ON v.id = i.id WHERE i." sum " <> coalesce(v.s, 0) OR" \
	" i." count " <> coalesce(v.n, 0) ORDER BY i.id"

/*
 * Computed from the votes in the UPDATE itself, under the row's lock, so
 * that a vote arriving meanwhile is neither lost nor counted twice.
 */
#define FIX(items, votes, key, sum, count) \
	"UPDATE " items " SET " sum " = (SELECT coalesce(sum(value), 0) FROM " \
	votes " WHERE " key " = ?1), " count " = (SELECT count(*) FROM " \
	votes " WHERE " key " = ?1) WHERE id = ?1"

/* The votes' tallies first: store_votes_recount walks only those. */
static const struct recount recounts[] = {
	{ "post", WRONG("posts", "post_votes", "post_id", "rating_sum",
	    "rating_count"), FIX("posts", "post_votes", "post_id",
	    "rating_sum", "rating_count") },
	{ "comment", WRONG("comments", "comment_votes", "comment_id",
	    "vote_sum", "vote_count"), FIX("comments", "comment_votes",
	    "comment_id", "vote_sum", "vote_count") },
	/* A count alone: its sums are 0. */
	{ "post comments", "SELECT i.id, 0, i.comment_count, 0,"
	    " coalesce(c.n, 0) FROM posts i LEFT JOIN (SELECT post_id AS id,"
	    " count(*) AS n FROM comments WHERE status = 'approved' GROUP BY"
	    " post_id) c ON c.id = i.id WHERE i.comment_count <>"
	    " coalesce(c.n, 0) ORDER BY i.id",
	  "UPDATE posts SET comment_count = (SELECT count(*) FROM comments"
	    " WHERE post_id = ?1 AND status = 'approved') WHERE id = ?1" },
};
#define VOTE_RECOUNTS	2

/*
 * Reads every item rc->wrong finds, then reports each to cb and, with
 * repair, corrects it (not while the first statement still reads the
 * table).
 */
static int
recount(struct store_conn *c, const struct recount *r, int repair,
    void (*cb)(void *, const char *, int64_t, int64_t, int64_t, int64_t,
    int64_t), void *arg)
{
	struct db_stmt	*s = q(c, r->wrong, "");
	int64_t		*v = NULL;
	size_t		 n = 0, cap = 0, i;
	int		 rc, k;

	if (s == NULL)
		return STORE_ERROR;
	while ((rc = q_step(s)) == DB_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			v = xrealloc(v, cap * 5 * sizeof(*v));
		}
		for (k = 0; k < 5; k++)
			v[n * 5 + (size_t)k] = col_int(s, k);
		n++;
	}
	q_done(s);
	rc = rc < 0 ? -rc : STORE_OK;
	for (i = 0; i < n && rc == STORE_OK; i++) {
		cb(arg, r->kind, v[i * 5], v[i * 5 + 1], v[i * 5 + 2],
		    v[i * 5 + 3], v[i * 5 + 4]);
		if (repair)
			rc = q_exec(q(c, r->fix, "i", v[i * 5]));
	}
	free(v);
	return rc;
}

int
store_tallies_later(struct store_conn *c)
{
	if (q_engine(c) != DB_PG)
		return STORE_OK;
	return q_exec(q(c, "SELECT set_config('galley.tallies', 'later',"
	    " true)", ""));
}

/*
 * An addition, not a recount: a recount's count(*) reads the snapshot
 * its statement began with, so one waiting on a reader's comment (its
 * +1 done, not yet committed) would write a total without it.
 */
int
store_tallies_add(struct store_conn *c, int64_t post_id, int64_t n)
{
	if (q_engine(c) != DB_PG || n == 0)
		return STORE_OK;
	return q_exec(q(c, "UPDATE posts SET comment_count = comment_count +"
	    " ?2 WHERE id = ?1", "ii", post_id, n));
}

int
store_votes_recount(struct store_conn *c, void (*fix)(void *, const char *,
    int64_t, int64_t, int64_t, int64_t, int64_t), void *arg)
{
	size_t	 i;
	int	 rc = STORE_OK;

	for (i = 0; i < VOTE_RECOUNTS && rc == STORE_OK; i++)
		rc = recount(c, &recounts[i], 1, fix, arg);
	return rc;
}

int
store_tallies(struct store_conn *c, int repair, void (*cb)(void *,
    const char *, int64_t, int64_t, int64_t, int64_t, int64_t), void *arg)
{
	size_t	 i;
	int	 rc = STORE_OK;

	for (i = 0; i < sizeof(recounts) / sizeof(recounts[0]) &&
	    rc == STORE_OK; i++)
		rc = recount(c, &recounts[i], repair, cb, arg);
	return rc;
}
