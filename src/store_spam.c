/*
 * store_spam: the spam filter's token counts and logistic weights (see
 * store.h and spam.h).  The empty token's row holds the numbers of
 * messages learnt, and its weight is the model's bias.  The two
 * engines read and write many tokens differently, so these statements
 * stand twice, side by side: PostgreSQL takes every token of a message
 * in one statement, as an array (one round trip); SQLite, in-process,
 * one prepared statement a token.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "buf.h"
#include "spam.h"
#include "store_query.h"

/* tok[0..n) as a PostgreSQL text array literal into b. */
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

/* PostgreSQL: the counts of all[0..n) in order, in one statement. */
static int
counts_array(struct store_conn *c, const char *const *all, size_t n,
    struct spam_count *out)
{
	struct db_stmt	*s;
	struct buf	 b;
	size_t		 i = 0;
	int		 rc;

	buf_init(&b);
	text_array(&b, all, n);
	s = q(c, "SELECT coalesce(s.ham, 0), coalesce(s.spam, 0),"
	    " coalesce(s.w, 0) FROM"
	    " unnest(CAST(?1 AS text[])) WITH ORDINALITY AS t(token, i)"
	    " LEFT JOIN spam_tokens s ON s.token = t.token ORDER BY t.i", "t",
	    b.data);
	while (s != NULL && (rc = q_step(s)) == DB_ROW && i < n) {
		out[i].ham = col_int(s, 0);
		out[i].spam = col_int(s, 1);
		out[i++].w = col_int(s, 2);
	}
	if (s != NULL)
		q_done(s);
	buf_reset(&b);
	if (s == NULL)
		return STORE_ERROR;
	if (rc < 0)
		return -rc;
	return i == n ? STORE_OK : STORE_ERROR;
}

/* SQLite: one token's counts at a time. */
static int
counts_each(struct store_conn *c, const char *const *all, size_t n,
    struct spam_count *out)
{
	struct db_stmt	*s;
	size_t		 i;
	int		 rc;

	for (i = 0; i < n; i++) {
		if ((s = q(c, "SELECT ham, spam, w FROM spam_tokens WHERE"
		    " token = ?1", "t", all[i])) == NULL)
			return STORE_ERROR;
		out[i].ham = out[i].spam = out[i].w = 0;
		if ((rc = q_step(s)) == DB_ROW) {
			out[i].ham = col_int(s, 0);
			out[i].spam = col_int(s, 1);
			out[i].w = col_int(s, 2);
		}
		q_done(s);
		if (rc < 0)
			return -rc;
	}
	return STORE_OK;
}

int
store_spam_counts(struct store_conn *c, const char *const *tok, size_t n,
    struct spam_count *out, int64_t *nham, int64_t *nspam, int64_t *bias)
{
	const char		**all = xmalloc((n + 1) * sizeof(*all));
	struct spam_count	*cnt = xmalloc((n + 1) * sizeof(*cnt));
	int			 rc;

	/* The empty token, first, holds the numbers of messages. */
	all[0] = "";
	if (n > 0)
		memcpy(all + 1, tok, n * sizeof(*all));
	rc = q_engine(c) == DB_PG ? counts_array(c, all, n + 1, cnt) :
	    counts_each(c, all, n + 1, cnt);
	if (rc == STORE_OK) {
		*nham = cnt[0].ham;
		*nspam = cnt[0].spam;
		if (bias != NULL)
			*bias = cnt[0].w;
		if (n > 0)
			memcpy(out, cnt + 1, n * sizeof(*out));
	}
	free(all);
	free(cnt);
	return rc;
}

/*
 * The rows of the tokens (a PostgreSQL array literal, and the empty
 * token) or of one token that came back to nothing: no counts, no
 * weight.  Unlearning what was learnt leaves the table as it was.
 */
static int
prune_array(struct store_conn *c, const char *array)
{
	return q_exec(q(c, "DELETE FROM spam_tokens WHERE token ="
	    " ANY(CAST(?1 AS text[]) || CAST('' AS text)) AND ham = 0 AND"
	    " spam = 0 AND w = 0", "t", array));
}

static int
prune_one(struct store_conn *c, const char *tok)
{
	return q_exec(q(c, "DELETE FROM spam_tokens WHERE token = ?1 AND"
	    " ham = 0 AND spam = 0 AND w = 0", "t", tok));
}

/*
 * PostgreSQL: the message count (the empty token) and every token in one
 * statement, sorted so that two writers lock rows in one order; then,
 * when unlearning, the rows that came back to zero go.
 */
static int
learn_array(struct store_conn *c, const char *const *tok, size_t n,
    int dham, int dspam)
{
	struct buf	 b;
	int		 rc;

	buf_init(&b);
	text_array(&b, tok, n);
	rc = q_exec(q(c, "INSERT INTO spam_tokens (token, ham, spam) SELECT t,"
	    " GREATEST(CAST(?2 AS INTEGER), 0), GREATEST(CAST(?3 AS INTEGER),"
	    " 0) FROM (SELECT DISTINCT t FROM unnest(CAST(?1 AS text[]) ||"
	    " CAST('' AS text)) AS t ORDER BY t) x ON CONFLICT (token) DO"
	    " UPDATE SET ham = GREATEST(spam_tokens.ham + CAST(?2 AS INTEGER),"
	    " 0), spam = GREATEST(spam_tokens.spam + CAST(?3 AS INTEGER), 0)",
	    "tnn", b.data, dham, dspam));
	if (rc == STORE_OK && dham + dspam < 0)
		rc = prune_array(c, b.data);
	buf_reset(&b);
	return rc;
}

/* SQLite: one token at a time, the message count first. */
static int
learn_one(struct store_conn *c, const char *tok, int dham, int dspam)
{
	int	 rc;

	rc = q_exec(q(c, "INSERT INTO spam_tokens (token, ham, spam) VALUES"
	    " (?1, max(?2, 0), max(?3, 0)) ON CONFLICT (token) DO UPDATE SET"
	    " ham = max(ham + ?2, 0), spam = max(spam + ?3, 0)", "tnn", tok,
	    dham, dspam));
	if (rc != STORE_OK || dham + dspam > 0)
		return rc;
	return prune_one(c, tok);
}

int
store_spam_learn(struct store_conn *c, const char *const *tok, size_t n,
    int spam, int sign)
{
	int	 dham = spam ? 0 : sign, dspam = spam ? sign : 0, rc;
	size_t	 i;

	if (q_engine(c) == DB_PG)
		return learn_array(c, tok, n, dham, dspam);
	if ((rc = learn_one(c, "", dham, dspam)) != STORE_OK)
		return rc;
	for (i = 0; i < n; i++)
		if ((rc = learn_one(c, tok[i], dham, dspam)) != STORE_OK)
			return rc;
	return STORE_OK;
}

/*
 * The logistic model's step: step added to the weight of every token
 * and of the empty one (the bias); rows that come back to nothing go.
 * PostgreSQL in one statement of all the tokens, sorted (as learning);
 * SQLite a token at a time.
 */
static int
step_array(struct store_conn *c, const char *const *tok, size_t n,
    int64_t step)
{
	struct buf	 b;
	int		 rc;

	buf_init(&b);
	text_array(&b, tok, n);
	rc = q_exec(q(c, "INSERT INTO spam_tokens (token, w) SELECT t,"
	    " CAST(?2 AS BIGINT) FROM (SELECT DISTINCT t FROM"
	    " unnest(CAST(?1 AS text[]) || CAST('' AS text)) AS t ORDER BY t)"
	    " x ON CONFLICT (token) DO UPDATE SET w = spam_tokens.w +"
	    " CAST(?2 AS BIGINT)", "ti", b.data, step));
	if (rc == STORE_OK)
		rc = prune_array(c, b.data);
	buf_reset(&b);
	return rc;
}

static int
step_one(struct store_conn *c, const char *tok, int64_t step)
{
	int	 rc;

	rc = q_exec(q(c, "INSERT INTO spam_tokens (token, w) VALUES (?1, ?2)"
	    " ON CONFLICT (token) DO UPDATE SET w = w + ?2", "ti", tok, step));
	if (rc != STORE_OK)
		return rc;
	return prune_one(c, tok);
}

static int
step_tokens(struct store_conn *c, const char *const *tok, size_t n,
    int64_t step)
{
	size_t	 i;
	int	 rc;

	if (step == 0)
		return STORE_OK;
	if (q_engine(c) == DB_PG)
		return step_array(c, tok, n, step);
	if ((rc = step_one(c, "", step)) != STORE_OK)
		return rc;
	for (i = 0; i < n; i++)
		if ((rc = step_one(c, tok[i], step)) != STORE_OK)
			return rc;
	return STORE_OK;
}

int
store_spam_teach(struct store_conn *c, const char *const *tok, size_t n,
    int spam, int sign, int64_t *step)
{
	struct spam_count	*cnt;
	struct spam_params	 p;
	int64_t			 nham, nspam, bias;
	int			 rc;

	if (sign < 0) {
		if ((rc = store_spam_learn(c, tok, n, spam, -1)) != STORE_OK)
			return rc;
		return step_tokens(c, tok, n, -*step);
	}
	cnt = xmalloc((n + 1) * sizeof(*cnt));
	rc = store_spam_counts(c, tok, n, cnt, &nham, &nspam, &bias);
	if (rc == STORE_OK) {
		spam_params_default(&p);
		*step = spam_lr_step(spam_lr(cnt, n, bias), n, spam,
		    p.lr_rate);
		if ((rc = store_spam_learn(c, tok, n, spam, 1)) == STORE_OK)
			rc = step_tokens(c, tok, n, *step);
	}
	free(cnt);
	return rc;
}

int
store_spam_step_of(struct store_conn *c, int64_t comment, int64_t *step,
    unsigned *feat)
{
	struct db_stmt	*s;
	int		 rc;

	if ((s = q(c, "SELECT spam_step, spam_feat FROM comments WHERE"
	    " id = ?1", "i", comment)) == NULL)
		return STORE_ERROR;
	rc = q_step(s);
	*step = rc == DB_ROW ? col_int(s, 0) : 0;
	*feat = rc == DB_ROW ? (unsigned)col_int(s, 1) : 0;
	q_done(s);
	return rc < 0 ? -rc : rc == DB_ROW ? STORE_OK : STORE_NOTFOUND;
}

int
store_spam_step_keep(struct store_conn *c, int64_t comment, int64_t step,
    unsigned feat)
{
	return q_exec(q(c, "UPDATE comments SET spam_step = ?2, spam_feat = ?3"
	    " WHERE id = ?1", "iii", comment, step, (int64_t)feat));
}
