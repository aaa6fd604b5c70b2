/*
 * batch: group commit.  Threads that each have one write to make join a
 * batch; the first to find no batch running becomes its leader, takes
 * every item waiting (up to BATCH_MAX) and runs them at once, in its own
 * thread, through the caller's function: one transaction and one fsync
 * for all, and then the batches that formed meanwhile (BATCH_LEAD).  The
 * others sleep until their item is done.  A write that
 * arrives alone runs at once, as if there were no batching; writes that
 * arrive while one commits wait for it and go together next.  As LevelDB
 * groups its writers, and PostgreSQL its WAL flushes.
 */
#ifndef GALLEY_BATCH_H
#define GALLEY_BATCH_H

#include <pthread.h>
#include <stddef.h>

#define BATCH_MAX	64
/*
 * Batches a leader runs in a row while more are waiting: its own item,
 * done in the first, waits for the rest, at most this many commits,
 * and it starts no more once it has led for BATCH_LEAD_MS (PostgreSQL's
 * batches take longer than SQLite's 3 ms).
 */
#define BATCH_LEAD	16
#define BATCH_LEAD_MS	25

struct batch;

/*
 * One write: arg is the caller's; run sets rc.  The rest is batch.c's:
 * each item sleeps on its own condition, so a batch's end wakes its
 * own items and the next leader, never every thread waiting.
 */
struct batch_item {
	void			*arg;
	int			 rc;
	int			 done;
	pthread_cond_t		 cond;
	struct batch_item	*next;
};

/*
 * Runs items[0..n) as one batch, setting each one's rc; called in the
 * leader's thread, ctx the leader's own (its connection, say).  Items
 * come in the order they joined.
 */
typedef void	batch_run(void *ctx, struct batch_item **items, size_t n);

struct batch	*batch_new(void);
void		 batch_free(struct batch *);
/*
 * Joins it to the next batch and returns when it has run (it->rc set),
 * having run the batch through run and ctx if this thread led it; a
 * leader returns after the batches it led on too, up to BATCH_LEAD_MS
 * and one batch after its own item was done.
 */
void		 batch_join(struct batch *, struct batch_item *it,
		    batch_run *run, void *ctx);
/* The batches run and the items in them, since batch_new. */
void		 batch_counts(struct batch *, long long *batches,
		    long long *items);

#endif
