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
