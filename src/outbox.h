/*
 * outbox: the sender.  One thread per serving node, started when mail is
 * on, and never a request's: it turns mail events into messages
 * (notify.h) and delivers the outbox over SMTP with libcurl.
 *
 * Delivery is at least once.  A message is leased (one UPDATE; on
 * PostgreSQL with FOR UPDATE SKIP LOCKED, so two nodes never lease the
 * same one) one at a time, for smtp_timeout (which bounds libcurl's
 * whole exchange) and a margin to mark it, then sent, then marked at
 * once; the database connection goes back to the pool meanwhile.  A
 * node that dies between the server's 250 and the mark sends that one
 * message again once its lease ends (on SQLite, whose one node is the
 * only sender, at its next start), with the same Message-ID, so a
 * receiving system can tell.  A refusal for now (4xx) is retried after
 * mail_retry_seconds, doubled each time up to an hour, until
 * mail_give_up_hours after it was queued; a refusal for good (5xx to
 * the message) fails at once.  Either way the server's last reply is
 * kept.  A server that cannot be reached, does not answer, or refuses
 * the sender itself (login, TLS, 421) ends the pass: that message is
 * retried as above and the rest wait for the next look, a few seconds
 * on, rather than each waiting out its own timeout.
 *
 * Idle, the sender makes one small query every few seconds (others'
 * mail, the command line's) and sleeps until then, the next message's
 * time, or mail_wake (and 200 ms more, for the rest of a burst).  Stopping abandons an exchange only before the
 * server has the whole message (so never sends one twice) and gives
 * that message back untried.  Sent messages are listed for 30 days,
 * then deleted (checked hourly).
 */
#ifndef GALLEY_OUTBOX_H
#define GALLEY_OUTBOX_H

#include <stdint.h>

struct outbox;
struct site;

/*
 * Starts the sender for site, if mail is on (else returns NULL, and so
 * does a thread that would not start: logged).
 */
struct outbox	*outbox_start(struct site *);
/* Stops it (after the message being sent, if any) and frees it. */
void		 outbox_stop(struct outbox *);

/* What one pass did (outbox_pass). */
struct outbox_pass {
	int	 events;	/* mail events acted on */
	int	 sent;		/* messages the server took */
	int	 retried;	/* refused for now: queued again */
	int	 failed;	/* given up on */
	int	 down;		/* the server did not answer: the pass ended */
	int64_t	 next;		/* when to look again; 0: no time known */
};

/*
 * One pass as the sender makes it: every mail event, then the readers'
 * replies they held (notify_held), then every message due.  For
 * `galley mail DIR test`, which sends from the command line.  Returns a
 * store_rc (the database's; SMTP failures are counted, not returned).
 */
int		 outbox_pass(struct site *, struct outbox_pass *);

#endif
