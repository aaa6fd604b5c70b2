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
store_mail_waiting(struct store_conn *c, int64_t *notify, int64_t *next)
{
	struct db_stmt	*st;
	int		 rc;

	/*
	 * A due of 0 or less is due now too, and not "none".  A reply told
	 * already (waiting 2) stays held only so it is never told again: it
	 * is no work.
	 */
	st = q(c, "SELECT coalesce((SELECT min(id) FROM mail_events), 0) +"
	    " coalesce((SELECT min(comment_id) FROM mail_held WHERE waiting <"
	    " 2), 0),"
	    " coalesce((SELECT min(CASE WHEN lease > due THEN lease WHEN due"
	    " > 0 THEN due ELSE 1 END) FROM outbox WHERE status = 'queued'),"
	    " 0)", "");
	*notify = *next = 0;
	if (st == NULL)
		return STORE_ERROR;
	if ((rc = q_step(st)) == DB_ROW) {
		*notify = col_int(st, 0) != 0;
		*next = col_int(st, 1);
	}
	q_done(st);
	return rc == DB_ROW ? STORE_OK : rc < 0 ? -rc : STORE_ERROR;
}

int
store_mail_stats(struct store_conn *c, int64_t *queued, int64_t *oldest,
    int64_t *failed)
{
	struct db_stmt	*st;
	int		 rc;

	/* Each by the index on (status, due): sent rows are not read. */
	st = q(c, "SELECT (SELECT count(*) FROM outbox WHERE status ="
	    " 'queued'), coalesce((SELECT min(created) FROM outbox WHERE"
	    " status = 'queued'), 0), (SELECT count(*) FROM outbox WHERE"
	    " status = 'failed')", "");
	*queued = *oldest = *failed = 0;
	if (st == NULL)
		return STORE_ERROR;
	if ((rc = q_step(st)) == DB_ROW) {
		*queued = col_int(st, 0);
		*oldest = col_int(st, 1);
		*failed = col_int(st, 2);
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

/* The columns fill_address reads. */
#define ADDRESS_COLS "id, email, created, asked, confirmed, stopped"

static void
fill_address(struct arena *a, struct db_stmt *s, void *v)
{
	struct mail_address	*m = v;

	m->id = col_int(s, 0);
	m->email = col_text(a, s, 1);
	m->created = col_int(s, 2);
	m->asked = col_int(s, 3);
	m->confirmed = col_int(s, 4);
	m->stopped = col_int(s, 5);
}

int
store_mail_address_get(struct store_conn *c, struct arena *a,
    const char *email, int64_t now, struct mail_address *out)
{
	/* The update changes nothing but returns the row, and locks it. */
	return q_one(q(c, "INSERT INTO mail_addresses (email, created)"
	    " VALUES (lower(?1), ?2) ON CONFLICT (email) DO UPDATE SET"
	    " email = excluded.email RETURNING " ADDRESS_COLS, "ti", email,
	    now), a, sizeof(*out), fill_address, out);
}

int
store_mail_address_by_id(struct store_conn *c, struct arena *a, int64_t id,
    struct mail_address *out)
{
	return q_one(q(c, "SELECT " ADDRESS_COLS " FROM mail_addresses"
	    " WHERE id = ?1", "i", id), a, sizeof(*out), fill_address, out);
}

int
store_mail_mailbox_asked(struct store_conn *c, const char *addr,
    const char *plus, const char *at, const char *tomb, int64_t since,
    int64_t *n)
{
	/* The lengths as numbers: PostgreSQL cannot type length(?). */
	return q_int(q(c, "SELECT count(*) FROM mail_addresses WHERE"
	    " (asked >= ?4 OR stopped <> 0) AND (email = ?1 OR email = ?7 OR"
	    " (substr(email, 1, ?5) = ?2 AND substr(email, length(email) -"
	    " ?6 + 1) = ?3))", "tttiiit", addr, plus, at, since,
	    (int64_t)strlen(plus), (int64_t)strlen(at), tomb), n);
}

int
store_mail_tomb_add(struct store_conn *c, const char *tomb, int64_t stopped)
{
	return q_exec(q(c, "INSERT INTO mail_addresses (email, created,"
	    " stopped) VALUES (?1, ?2, ?2) ON CONFLICT (email) DO NOTHING",
	    "ti", tomb, stopped));
}

int
store_mail_address_asked(struct store_conn *c, int64_t id, int64_t now)
{
	return q_exec(q(c, "UPDATE mail_addresses SET asked = ?2 WHERE"
	    " id = ?1", "ii", id, now));
}

int
store_mail_address_confirm(struct store_conn *c, int64_t id, int64_t now)
{
	return q_changed(q(c, "UPDATE mail_addresses SET confirmed = ?2"
	    " WHERE id = ?1 AND confirmed = 0 AND stopped = 0 RETURNING id",
	    "ii", id, now));
}

int
store_mail_address_stop(struct store_conn *c, int64_t id, int64_t now)
{
	int	 rc;

	if ((rc = q_exec(q(c, "UPDATE mail_addresses SET stopped = ?2"
	    " WHERE id = ?1 AND stopped = 0", "ii", id, now))) != STORE_OK ||
	    (rc = q_exec(q(c, "DELETE FROM mail_subscriptions WHERE"
	    " address_id = ?1", "i", id))) != STORE_OK ||
	    (rc = q_exec(q(c, "DELETE FROM mail_held WHERE address_id = ?1",
	    "i", id))) != STORE_OK)
		return rc;
	/* Staff notices and password links are not a reader's to stop. */
	return q_exec(q(c, "DELETE FROM outbox WHERE rcpt = (SELECT email"
	    " FROM mail_addresses WHERE id = ?1) AND status IN ('queued',"
	    " 'held') AND kind IN ('confirm', 'reply', 'digest')", "i", id));
}

int
store_mail_subscribe(struct store_conn *c, int64_t comment_id,
    int64_t address_id, int64_t now)
{
	return q_exec(q(c, "INSERT INTO mail_subscriptions (comment_id,"
	    " address_id, created) VALUES (?1, ?2, ?3)", "iii", comment_id,
	    address_id, now));
}

int
store_mail_subscriber(struct store_conn *c, struct arena *a,
    int64_t comment_id, struct mail_address *out)
{
	return q_one(q(c, "SELECT a.id, a.email, a.created, a.asked,"
	    " a.confirmed, a.stopped FROM mail_subscriptions s JOIN"
	    " mail_addresses a ON a.id = s.address_id WHERE s.comment_id ="
	    " ?1", "i", comment_id), a, sizeof(*out), fill_address, out);
}

int
store_mail_unsubscribe(struct store_conn *c, int64_t comment_id)
{
	return q_changed(q(c, "DELETE FROM mail_subscriptions WHERE"
	    " comment_id = ?1 RETURNING comment_id", "i", comment_id));
}

int
store_mail_recent(struct store_conn *c, const char *rcpt, int64_t since,
    int64_t *n)
{
	return q_int(q(c, "SELECT count(*) FROM outbox WHERE rcpt = ?1 AND"
	    " created >= ?2 AND kind IN ('reply', 'digest')", "ti", rcpt,
	    since), n);
}

int
store_mail_notices(struct store_conn *c, const char *rcpt, int64_t since,
    int64_t *n)
{
	return q_int(q(c, "SELECT count(*) FROM outbox WHERE rcpt = ?1 AND"
	    " created >= ?2 AND kind = 'notice'", "ti", rcpt, since), n);
}

int
store_mail_hold(struct store_conn *c, int64_t comment_id, int64_t address_id,
    int64_t now)
{
	return q_exec(q(c, "INSERT INTO mail_held (comment_id, address_id,"
	    " created) VALUES (?1, ?2, ?3) ON CONFLICT (comment_id) DO"
	    " NOTHING", "iii", comment_id, address_id, now));
}

int
store_mail_held_due(struct store_conn *c, struct arena *a, int64_t since,
    int64_t limit, int64_t **ids, size_t *n)
{
	return q_many(q(c, "SELECT a.id FROM mail_addresses a WHERE a.id IN"
	    " (SELECT address_id FROM mail_held WHERE waiting = 0) OR (a.id IN"
	    " (SELECT address_id FROM mail_held WHERE waiting = 1) AND"
	    " (SELECT count(*) FROM"
	    " outbox o WHERE o.rcpt = a.email AND o.created >= ?1 AND"
	    " o.kind IN ('reply', 'digest')) < ?2) ORDER BY a.id", "ii", since,
	    limit), a, sizeof(**ids), q_fill_id, (void **)ids, n);
}

static void
fill_held(struct arena *a, struct db_stmt *s, void *v)
{
	struct mail_held	*h = v;

	(void)a;
	h->comment_id = col_int(s, 0);
	h->waiting = (int)col_int(s, 1);
}

int
store_mail_held_of(struct store_conn *c, struct arena *a, int64_t address_id,
    struct mail_held **out, size_t *n)
{
	return q_many(q(c, "SELECT comment_id, waiting FROM mail_held WHERE"
	    " address_id = ?1 AND waiting < 2 ORDER BY comment_id", "i",
	    address_id), a,
	    sizeof(**out), fill_held, (void **)out, n);
}

int
store_mail_held_take(struct store_conn *c, int64_t comment_id)
{
	return q_changed(q(c, "UPDATE mail_held SET waiting = 2 WHERE"
	    " comment_id = ?1 AND waiting < 2 RETURNING comment_id", "i",
	    comment_id));
}

int
store_mail_held_drop(struct store_conn *c, int64_t comment_id)
{
	return q_changed(q(c, "DELETE FROM mail_held WHERE comment_id = ?1"
	    " RETURNING comment_id", "i", comment_id));
}

int
store_mail_held_wait(struct store_conn *c, int64_t address_id)
{
	return q_exec(q(c, "UPDATE mail_held SET waiting = 1 WHERE"
	    " address_id = ?1 AND waiting = 0", "i", address_id));
}

int
store_mail_address_find(struct store_conn *c, struct arena *a,
    const char *email, struct mail_address *out)
{
	return q_one(q(c, "SELECT " ADDRESS_COLS " FROM mail_addresses"
	    " WHERE email = lower(?1)", "t", email), a, sizeof(*out),
	    fill_address, out);
}

static void
fill_subscription(struct arena *a, struct db_stmt *s, void *v)
{
	struct mail_subscription	*m = v;

	(void)a;
	m->comment_id = col_int(s, 0);
	m->created = col_int(s, 1);
}

int
store_mail_subscriptions_of(struct store_conn *c, struct arena *a,
    int64_t address_id, struct mail_subscription **out, size_t *n)
{
	return q_many(q(c, "SELECT comment_id, created FROM"
	    " mail_subscriptions WHERE address_id = ?1 ORDER BY created,"
	    " comment_id", "i", address_id), a, sizeof(**out),
	    fill_subscription, (void **)out, n);
}

int
store_mail_to(struct store_conn *c, struct arena *a, const char *email,
    struct mail_row **out, size_t *n)
{
	/* A privacy request's: rare, so a scan, to find any case. */
	return q_many(q(c, "SELECT id, kind, rcpt, subject, message_id,"
	    " created, due, tries, lease, status, sent, reply FROM outbox"
	    " WHERE lower(rcpt) = lower(?1) ORDER BY created, id", "t", email),
	    a, sizeof(**out), fill_listed, (void **)out, n);
}

int
store_mail_erase(struct store_conn *c, const char *email, int64_t *n)
{
	int64_t	 k = 0;
	int	 rc;

	/* Its subscriptions and held replies go with it (ON DELETE). */
	if ((rc = q_rows(q(c, "DELETE FROM mail_addresses WHERE email ="
	    " lower(?1) RETURNING id", "t", email), n)) != STORE_OK ||
	    (rc = q_rows(q(c, "DELETE FROM outbox WHERE lower(rcpt) ="
	    " lower(?1) RETURNING id", "t", email), &k)) != STORE_OK)
		return rc;
	*n += k;
	return STORE_OK;
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
	return store_reset_forget(c, out->user_id);
}

int
store_reset_forget(struct store_conn *c, int64_t user_id)
{
	return q_exec(q(c, "DELETE FROM password_resets WHERE user_id = ?1",
	    "i", user_id));
}
