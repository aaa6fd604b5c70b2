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
		return q_many(q(c, "UPDATE outbox SET lease = ?2 WHERE id IN"
		    " (SELECT id FROM outbox WHERE status = 'queued' AND due"
		    " <= ?1 AND lease <= ?1 ORDER BY due, id LIMIT ?3 FOR"
		    " UPDATE SKIP LOCKED) RETURNING " LEASED_COLS, "iii", now,
		    until, limit), a, sizeof(**out), fill_leased,
		    (void **)out, n);
	return q_many(q(c, "UPDATE outbox SET lease = ?2 WHERE id IN (SELECT"
	    " id FROM outbox WHERE status = 'queued' AND due <= ?1 AND lease"
	    " <= ?1 ORDER BY due, id LIMIT ?3) RETURNING " LEASED_COLS, "iii",
	    now, until, limit), a, sizeof(**out), fill_leased, (void **)out,
	    n);
}

int
store_mail_sent(struct store_conn *c, int64_t id, int64_t now,
    const char *reply)
{
	return q_exec(q(c, "UPDATE outbox SET status = 'sent', sent = ?2,"
	    " tries = tries + 1, lease = 0, body = ?3, reply = ?4 WHERE id ="
	    " ?1", "iibt", id, now, "", (size_t)0, reply));
}

int
store_mail_retry(struct store_conn *c, int64_t id, int64_t due,
    const char *reply)
{
	return q_exec(q(c, "UPDATE outbox SET due = ?2, tries = tries + 1,"
	    " lease = 0, reply = ?3 WHERE id = ?1", "iit", id, due, reply));
}

int
store_mail_failed(struct store_conn *c, int64_t id, const char *reply)
{
	return q_exec(q(c, "UPDATE outbox SET status = 'failed', tries ="
	    " tries + 1, lease = 0, reply = ?2 WHERE id = ?1", "it", id,
	    reply));
}

int
store_mail_release(struct store_conn *c, int64_t id)
{
	return q_exec(q(c, "UPDATE outbox SET lease = 0 WHERE id = ?1", "i",
	    id));
}

int
store_mail_waiting(struct store_conn *c, int64_t *events, int64_t *next)
{
	struct db_stmt	*st;
	int		 rc;

	/* A due of 0 or less is due now too, and not "none". */
	st = q(c, "SELECT coalesce((SELECT min(id) FROM mail_events), 0),"
	    " coalesce((SELECT min(CASE WHEN lease > due THEN lease WHEN due"
	    " > 0 THEN due ELSE 1 END) FROM outbox WHERE status = 'queued'),"
	    " 0)", "");
	*events = *next = 0;
	if (st == NULL)
		return STORE_ERROR;
	if ((rc = q_step(st)) == DB_ROW) {
		*events = col_int(st, 0) != 0;
		*next = col_int(st, 1);
	}
	q_done(st);
	return rc == DB_ROW ? STORE_OK : rc < 0 ? -rc : STORE_ERROR;
}

int
store_mail_prune(struct store_conn *c, int64_t before, int64_t *n)
{
	return q_rows(q(c, "DELETE FROM outbox WHERE status = 'sent' AND sent"
	    " < ?1 RETURNING id", "i", before), n);
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
