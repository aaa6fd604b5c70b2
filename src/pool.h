/*
 * pool: the bookkeeping of a bounded pool of database connections, shared
 * by the store back ends.  The pool holds idle items and counts open
 * ones; opening and closing the real connections stays with the caller.
 * It locks inside itself.
 */
#ifndef GALLEY_POOL_H
#define GALLEY_POOL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>

/* Embedded first in each back end's connection struct. */
struct pool_item {
	struct pool_item	*next;
};

struct pool {
	pthread_mutex_t		 lock;
	pthread_cond_t		 freed;
	struct pool_item	*idle;
	int			 open;	/* items that exist, idle or lent */
	int			 max;
	/* For the metrics: read without the lock (pool_stats). */
	atomic_ulong		 waits;		/* gets that waited */
	atomic_ulong		 timeouts;	/* ... in vain: a 503 */
};

/* What the metrics show of a pool. */
struct pool_stats {
	unsigned long	 waits;
	unsigned long	 timeouts;
	int		 open;
	int		 max;
};

/* Prepares an empty pool of at most max items; pool_first adds one. */
void	pool_init(struct pool *, int max);
/* Sets max, before the pool is in use. */
void	pool_resize(struct pool *, int max);
/* Adds an item opened by the caller before the pool is in use. */
void	pool_first(struct pool *, struct pool_item *);
/*
 * Takes an idle item or, while fewer than max exist, one made by
 * open(arg, err, errlen); waits up to wait_ms when all are lent.
 * Returns NULL (logged with name) on time-out or when open fails; with
 * wait_ms 0, NULL unlogged and uncounted when all are lent.
 */
struct pool_item *pool_get(struct pool *, int wait_ms, const char *name,
	    struct pool_item *(*open)(void *arg, char *err, size_t errlen),
	    void *arg);
/* The counts so far, each read on its own (not one snapshot). */
void	pool_stats(struct pool *, struct pool_stats *);
/* Gives an item back for reuse. */
void	pool_give(struct pool *, struct pool_item *);
/* Forgets one item that the caller closed. */
void	pool_drop(struct pool *);
/* Returns the idle items, one by one, for closing: NULL when none. */
struct pool_item *pool_drain(struct pool *);
void	pool_destroy(struct pool *);

#endif
