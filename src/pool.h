/*
 * pool: the bookkeeping of a bounded pool of database connections, shared
 * by the store back ends.  The pool holds idle items and counts open
 * ones; opening and closing the real connections stays with the caller.
 * It locks inside itself.
 */
#ifndef GALLEY_POOL_H
#define GALLEY_POOL_H

#include <pthread.h>

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
};

/* Prepares an empty pool of at most max items; pool_first adds one. */
void	pool_init(struct pool *, int max);
/* Adds an item opened by the caller before the pool is in use. */
void	pool_first(struct pool *, struct pool_item *);
/*
 * Takes an idle item, waiting up to wait_ms while all max are lent.
 * Returns the item; or NULL with *open_one set when the caller may open a
 * new item (and must call pool_give, or pool_drop if opening failed); or
 * NULL with *open_one clear on time-out.
 */
struct pool_item *pool_take(struct pool *, int wait_ms, int *open_one);
/* Gives an item back for reuse. */
void	pool_give(struct pool *, struct pool_item *);
/* Forgets one item that the caller closed (or failed to open). */
void	pool_drop(struct pool *);
/* Returns the idle items, one by one, for closing: NULL when none. */
struct pool_item *pool_drain(struct pool *);
void	pool_destroy(struct pool *);

#endif
