/*
 * store_mail: the queries of mail (see store.h and mail.h), written once
 * for both engines (store_query.h): the outbox, the events a request
 * records for the sender, readers' addresses and subscriptions, and
 * password reset links.
 */
#include <stddef.h>
#include <string.h>

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

static void
fill_event(struct arena *a, struct db_stmt *s, void *v)
{
	struct mail_event	*ev = v;

	ev->id = col_int(s, 0);
	ev->kind = col_text(a, s, 1);
	ev->item = col_int(s, 2);
}

int
store_mail_events_take(struct store_conn *c, struct arena *a, int64_t limit,
    struct mail_event **out, size_t *n)
{
	/* SQLite's writer holds the one write lock: no one else takes. */
	if (q_engine(c) == DB_PG)
		return q_many(q(c, "SELECT id, kind, item FROM mail_events"
		    " ORDER BY id LIMIT ?1 FOR UPDATE SKIP LOCKED", "i", limit),
		    a, sizeof(**out), fill_event, (void **)out, n);
	return q_many(q(c, "SELECT id, kind, item FROM mail_events ORDER BY"
	    " id LIMIT ?1", "i", limit), a, sizeof(**out), fill_event,
	    (void **)out, n);
}

int
store_mail_event_done(struct store_conn *c, int64_t id)
{
	return q_exec(q(c, "DELETE FROM mail_events WHERE id = ?1", "i", id));
}

#define LEASED_COLS "id, kind, rcpt, subject, message_id, body, created," \
	" due, tries, lease"

static void
fill_leased(struct arena *a, struct db_stmt *s, void *v)
{
	struct mail_row	*m = v;
	const void	*p;

	m->id = col_int(s, 0);
	m->kind = col_text(a, s, 1);
	m->rcpt = col_text(a, s, 2);
	m->subject = col_text(a, s, 3);
	m->message_id = col_text(a, s, 4);
	p = col_blob(s, 5, &m->body_len);
	m->body = arena_alloc(a, m->body_len + 1);
	if (m->body_len > 0)
		memcpy(m->body, p, m->body_len);
	m->created = col_int(s, 6);
	m->due = col_int(s, 7);
	m->tries = col_int(s, 8);
	m->lease = col_int(s, 9);
}

int
store_mail_lease(struct store_conn *c, struct arena *a, int64_t now,
    int64_t until, int64_t limit, struct mail_row **out, size_t *n)
{
	if (q_engine(c) == DB_PG)
		return q_many(q(c, "UPDATE outbox SET lease = ?2, tries ="
		    " tries + 1 WHERE id IN (SELECT id FROM outbox WHERE"
		    " status = 'queued' AND due <= ?1 AND lease < ?1 ORDER BY"
		    " due, id LIMIT ?3 FOR UPDATE SKIP LOCKED) RETURNING "
		    LEASED_COLS, "iii", now, until, limit), a, sizeof(**out),
		    fill_leased, (void **)out, n);
	return q_many(q(c, "UPDATE outbox SET lease = ?2, tries = tries + 1"
	    " WHERE id IN (SELECT id FROM outbox WHERE status = 'queued' AND"
	    " due <= ?1 AND lease < ?1 ORDER BY due, id LIMIT ?3) RETURNING "
	    LEASED_COLS, "iii", now, until, limit), a, sizeof(**out),
	    fill_leased, (void **)out, n);
}

int
store_mail_sent(struct store_conn *c, int64_t id, int64_t now,
    const char *reply)
{
	return q_exec(q(c, "UPDATE outbox SET status = 'sent', sent = ?2,"
	    " lease = 0, body = ?3, reply = ?4 WHERE id = ?1", "iibt", id,
	    now, "", (size_t)0, reply));
}

int
store_mail_retry(struct store_conn *c, int64_t id, int64_t due,
    const char *reply)
{
	return q_exec(q(c, "UPDATE outbox SET due = ?2, lease = 0, reply = ?3"
	    " WHERE id = ?1", "iit", id, due, reply));
}

int
store_mail_failed(struct store_conn *c, int64_t id, const char *reply)
{
	return q_exec(q(c, "UPDATE outbox SET status = 'failed', lease = 0,"
	    " reply = ?2 WHERE id = ?1", "it", id, reply));
}

int
store_mail_next(struct store_conn *c, int64_t *when)
{
	return q_int(q(c, "SELECT coalesce(min(CASE WHEN lease > due THEN"
	    " lease ELSE due END), 0) FROM outbox WHERE status = 'queued'",
	    ""), when);
}

int
store_mail_unlease(struct store_conn *c)
{
	return q_exec(q(c, "UPDATE outbox SET lease = 0 WHERE status ="
	    " 'queued' AND lease <> 0", ""));
}

static void
fill_listed(struct arena *a, struct db_stmt *s, void *v)
{
	struct mail_row	*m = v;

	m->id = col_int(s, 0);
	m->kind = col_text(a, s, 1);
	m->rcpt = col_text(a, s, 2);
	m->subject = col_text(a, s, 3);
	m->message_id = col_text(a, s, 4);
	m->created = col_int(s, 5);
	m->due = col_int(s, 6);
	m->tries = col_int(s, 7);
	m->lease = col_int(s, 8);
	m->status = col_text(a, s, 9);
	m->sent = col_int(s, 10);
	m->reply = col_text(a, s, 11);
}

int
store_mail_list(struct store_conn *c, struct arena *a, int all, int64_t limit,
    struct mail_row **out, size_t *n)
{
	return q_many(q(c, "SELECT id, kind, rcpt, subject, message_id,"
	    " created, due, tries, lease, status, sent, reply FROM outbox"
	    " WHERE ?1 <> 0 OR status <> 'sent' ORDER BY id DESC LIMIT ?2",
	    "ni", all, limit), a, sizeof(**out), fill_listed, (void **)out,
	    n);
}

int
store_mail_requeue(struct store_conn *c, int64_t id, int64_t now, int64_t *n)
{
	return q_rows(q(c, "UPDATE outbox SET status = 'queued', due = ?2,"
	    " created = ?2, tries = 0, lease = 0 WHERE status <> 'sent' AND"
	    " (id = ?1 OR (?1 = 0 AND status = 'failed')) RETURNING id", "ii",
	    id, now), n);
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
