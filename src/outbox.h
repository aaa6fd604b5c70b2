/*
 * outbox: the sender.  One thread per serving node, started when mail is
 * on, and never a request's: it turns mail events into messages
 * (notify.h) and delivers the outbox over SMTP with libcurl.
 *
 * Delivery is at least once.  A message is leased (one UPDATE; on
 * PostgreSQL with FOR UPDATE SKIP LOCKED, so two nodes never lease the
 * same one) for longer than an SMTP exchange may take, sent, then marked
 * sent.  A node that dies between the server's 250 and the mark sends it
 * again once the lease ends (on SQLite, whose one node is the only
 * sender, at its next start), with the same Message-ID, so a receiving
 * system can tell.  A refusal for now (4xx, or no answer) is retried
 * after mail_retry_seconds, doubled each time up to an hour, until
 * mail_give_up_hours after it was queued; a refusal for good (5xx)
 * fails at once.  Either way the server's last reply is kept.
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
	int64_t	 next;		/* when the next message falls due; 0 none */
};

/*
 * One pass as the sender makes it: every mail event, then every message
 * due, in batches.  For the sender and `galley mail DIR send`.  Returns
 * a store_rc (the database's; SMTP failures are counted, not returned).
 */
int		 outbox_pass(struct site *, struct outbox_pass *);

#endif
