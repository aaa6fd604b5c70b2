/*
 * store_mail: the queries of mail (see store.h and mail.h), written once
 * for both engines (store_query.h): the outbox, the events a request
 * records for the sender, readers' addresses and subscriptions, and
 * password reset links.
 */
#include <stddef.h>

#include "arena.h"
#include "store_query.h"

int
store_mail_add(struct store_conn *c, const struct mail_row *m, int64_t *id)
{
	return q_insert(q(c, "INSERT INTO outbox (kind, rcpt, subject,"
	    " message_id, body, created, due, status) VALUES (?1, ?2, ?3,"
	    " ?4, ?5, ?6, ?7, ?8) RETURNING id", "ttttbiit", m->kind, m->rcpt,
	    m->subject, m->message_id, m->body, m->body_len, m->created,
	    m->due, m->status != NULL ? m->status : "queued"), id);
}

int
store_mail_event_add(struct store_conn *c, const char *kind, int64_t item,
    int64_t now)
{
	return q_exec(q(c, "INSERT INTO mail_events (kind, item, created)"
	    " VALUES (?1, ?2, ?3)", "tii", kind, item, now));
}

int
store_reset_add(struct store_conn *c, const char *token_hash,
    int64_t user_id, const char *kind, int64_t now, int64_t expires)
{
	int	 rc;

	/* Links past their time are no use to anyone: dropped here. */
	if ((rc = q_exec(q(c, "DELETE FROM password_resets WHERE"
	    " expires <= ?1", "i", now))) != STORE_OK)
		return rc;
	return q_exec(q(c, "INSERT INTO password_resets (token_hash,"
	    " user_id, kind, created, expires) VALUES (?1, ?2, ?3, ?4, ?5)",
	    "titii", token_hash, user_id, kind, now, expires));
}

static void
fill_reset(struct arena *a, struct db_stmt *s, void *v)
{
	struct reset_link	*l = v;

	l->user_id = col_int(s, 0);
	l->kind = col_text(a, s, 1);
	l->expires = col_int(s, 2);
}

int
store_reset_find(struct store_conn *c, struct arena *a,
    const char *token_hash, struct reset_link *out)
{
	return q_one(q(c, "SELECT user_id, kind, expires FROM"
	    " password_resets WHERE token_hash = ?1", "t", token_hash), a,
	    sizeof(*out), fill_reset, out);
}

int
store_reset_take(struct store_conn *c, struct arena *a,
    const char *token_hash, int64_t now, struct reset_link *out)
{
	int	 rc;

	/*
	 * The row goes with the read: of two uses at once, the second
	 * waits for the first's row lock (PostgreSQL) or the write lock
	 * (SQLite), then finds nothing.
	 */
	if ((rc = q_one(q(c, "DELETE FROM password_resets WHERE"
	    " token_hash = ?1 AND expires > ?2 RETURNING user_id, kind,"
	    " expires", "ti", token_hash, now), a, sizeof(*out), fill_reset,
	    out)) != STORE_OK)
		return rc;
	return q_exec(q(c, "DELETE FROM password_resets WHERE user_id = ?1",
	    "i", out->user_id));
}
