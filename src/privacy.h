/*
 * privacy: what WordPress's privacy tools do, for one email address:
 * export everything stored about it (as JSON), or erase it, keeping the
 * comments as "Anonymous" or removing them with their pictures.  Each
 * action goes in the privacy log under a keyed hash of the address,
 * never the address itself.
 */
#ifndef GALLEY_PRIVACY_H
#define GALLEY_PRIVACY_H

#include <stdint.h>
#include <jansson.h>

struct env;

/*
 * Everything stored about email, through e->conn, as a new JSON object
 * (the caller json_decrefs it); logs the export as by user_id.  NULL if
 * the database failed (*rc says how; STORE_OK otherwise).
 */
json_t	*privacy_export(const struct env *e, const char *email,
	    int64_t user_id, int *rc);
/*
 * Erases email's comments in one transaction: remove set deletes them
 * (replies move up; pictures no other comment shows are deleted),
 * otherwise they stay as "Anonymous" without email, website, IP hash or
 * user agent.  What they taught the spam filter is unlearnt first.  In
 * the same transaction, what mail holds of it goes: its address, its
 * subscriptions and held replies, and every outbox row to it, sent or
 * not; if it had stopped all mail, a keyed hash of its mailbox stays,
 * stopped (notify_reader_tomb).  Sets *n to the comments touched; returns a store_rc.
 */
int	privacy_erase(const struct env *e, const char *email, int remove,
	    int64_t user_id, int64_t *n);
/* The keyed hash the log keeps for email (hex, in e's arena). */
const char *privacy_subject(const struct env *e, const char *email);

#endif
