/*
 * notify: what becomes of each mail event (mail.h's mail_event).  The
 * sender (outbox.h) takes events in order and runs notify_event on each,
 * in its own transaction, off any request: it works out who should hear
 * of the event and queues their messages (mail_queue).  A request only
 * records the event, so posting a comment costs one small row whether
 * it notifies no one or fifty.
 */
#ifndef GALLEY_NOTIFY_H
#define GALLEY_NOTIFY_H

#include <stdint.h>

struct env;

/*
 * Queues, through e (inside the caller's transaction), the messages
 * event kind of item calls for.  An event whose item is gone (a comment
 * deleted since) queues nothing.  Returns a store_rc; STORE_OK for a
 * kind it does not know (logged), so one bad row never blocks the rest.
 */
int	notify_event(const struct env *e, const char *kind, int64_t item);

/*
 * The sender's pass after the events (notify_reader.c): queues the
 * replies held for each reader's address whose hour has room (under
 * mail_per_hour): one as a reply, more as one digest.  Runs its own
 * transactions on e->conn, one per address, so call it outside any;
 * allocates in e's arena and reads e->set.  Cheap when nothing is held
 * (one indexed query).  Returns a store_rc.
 */
int	notify_held(const struct env *e);

#endif
