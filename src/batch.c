/*
 * batch: group commit (see batch.h).  One mutex and one condition: the
 * queue of waiting items, and whether a leader is running.  The leader
 * detaches what is queued when it starts, so items that arrive while it
 * runs form the next batch, led by the first of them once it is done.
 */
#include <pthread.h>
#include <stdlib.h>

#include "alloc.h"
#include "batch.h"

struct batch {
	pthread_mutex_t		 lock;
	pthread_cond_t		 cond;
	struct batch_item	*head, *tail;	/* waiting for a batch */
	int			 leading;	/* a batch is running */
	long long		 batches, items;
};

struct batch *
batch_new(void)
{
	struct batch	*b = xcalloc(1, sizeof(*b));

	pthread_mutex_init(&b->lock, NULL);
	pthread_cond_init(&b->cond, NULL);
	return b;
}

void
batch_free(struct batch *b)
{
	if (b == NULL)
		return;
	pthread_mutex_destroy(&b->lock);
	pthread_cond_destroy(&b->cond);
	free(b);
}

void
batch_join(struct batch *b, struct batch_item *it, batch_run *run, void *ctx)
{
	struct batch_item	*items[BATCH_MAX], *p;
	size_t			 n = 0;

	it->done = 0;
	it->next = NULL;
	pthread_mutex_lock(&b->lock);
	if (b->tail != NULL)
		b->tail->next = it;
	else
		b->head = it;
	b->tail = it;
	/* Wait until done, or first in line with no batch running. */
	while (!it->done && (b->leading || b->head != it))
		pthread_cond_wait(&b->cond, &b->lock);
	if (it->done) {
		pthread_mutex_unlock(&b->lock);
		return;
	}
	b->leading = 1;
	for (p = b->head; p != NULL && n < BATCH_MAX; p = p->next)
		items[n++] = p;
	b->head = p;
	if (p == NULL)
		b->tail = NULL;
	b->batches++;
	b->items += (long long)n;
	pthread_mutex_unlock(&b->lock);

	run(ctx, items, n);

	pthread_mutex_lock(&b->lock);
	while (n > 0)
		items[--n]->done = 1;
	b->leading = 0;
	pthread_cond_broadcast(&b->cond);
	pthread_mutex_unlock(&b->lock);
}

void
batch_counts(struct batch *b, long long *batches, long long *items)
{
	pthread_mutex_lock(&b->lock);
	*batches = b->batches;
	*items = b->items;
	pthread_mutex_unlock(&b->lock);
}
