/*
 * notify_reader: the mail a reader asks for with the comment form's
 * "Notify me of replies by email" box, and nothing a stranger could
 * turn against someone else's mailbox.
 *
 * Ticking the box subscribes the comment to its replies under the
 * address typed, unless the comment is stored as spam.  An address
 * hears nothing until it confirms (double opt-in): its first
 * subscription sends one confirmation, and another goes only after a
 * week with none to its mailbox (any "+tag" of it).  A confirmed address is told of
 * each approved reply to a subscribed comment (not of its own), at
 * most mail_per_hour times an hour; past that, the replies wait and
 * go as one digest once the hour allows.  Every message links to a
 * page that ends the thread's subscription, or stops all mail to the
 * address for good (a stopped address gets nothing more, not even a
 * confirmation).  Those links carry a signed token (sign_mail) bound
 * to the address, so they need no login, and act only on a POST.
 */
#ifndef GALLEY_NOTIFY_READER_H
#define GALLEY_NOTIFY_READER_H

#include <stdint.h>

struct env;

/*
 * In the caller's transaction: subscribes email (any case) to the
 * replies to comment_id, and records the event "confirm" if the
 * address is unconfirmed and no name of its mailbox (the address
 * without a "+tag") was asked within a week or stopped.  Does
 * nothing when mail is off or the address stopped all mail.  Returns a
 * store_rc.
 */
int	notify_reader_subscribe(const struct env *e, int64_t comment_id,
	    const char *email);

/*
 * Event handlers (notify.c's table), in the sender's transaction.
 * "confirm" of an address: its one confirmation message, unless it has
 * been confirmed, stopped or erased since.  "reply" of a comment: if it
 * and its parent are approved and the parent's subscriber is confirmed,
 * not stopped and not the reply's own writer, the reply is held for
 * that subscriber, and notify_held (notify.h) sends it.  Each returns a
 * store_rc.
 */
int	notify_reader_confirm(const struct env *e, int64_t address_id);
int	notify_reader_reply(const struct env *e, int64_t comment_id);

/*
 * What a privacy erasure keeps of an address (lower case) that stopped
 * all mail, so that it stays stopped: "#" and a keyed hash
 * (SIGN_SUBJECT) of its mailbox, the address without its "+tag"; in
 * e's arena.  Kept as a mail_addresses row of its own, stopped, which
 * no address can be.
 */
const char *notify_reader_tomb(const struct env *e, const char *email);

/* What a link in a reader's mail is, and what came of following it. */
enum reader_link {
	READER_BAD,		/* malformed, forged, or what it names is
				   gone (an erased address, a deleted
				   comment) */
	READER_READY,		/* genuine: a POST would do it */
	READER_DONE,		/* done now */
	READER_ALREADY,		/* done before (an unsubscription too,
				   however it ended): nothing changed */
	READER_STOPPED		/* a confirmation of a stopped address */
};

/*
 * Checks token for what ("confirm", "unsubscribe" or "stop") and, with
 * act set, does it in a transaction of its own on e->conn.  Sets *out
 * to the outcome and *email (in e's arena) to the address the link was
 * sent to (NULL for READER_BAD).  Returns a store_rc (*out is then
 * READER_BAD unless STORE_OK).
 */
int	notify_reader_link(const struct env *e, const char *what,
	    const char *token, int act, enum reader_link *out,
	    const char **email);

#endif
