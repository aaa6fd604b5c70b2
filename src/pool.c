/*
 * pool: a mutex, a condition variable and a list of idle items (see
 * pool.h).  A wait for a free item is bounded, so a request never blocks
 * a server thread for long: past the wait it gets NULL and answers 503.
 */
#include <errno.h>
#include <stdio.h>
#include <time.h>

#include "clock.h"
#include "pool.h"

void
pool_init(struct pool *p, int max)
{
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->freed, NULL);
	p->idle = NULL;
	p->open = 0;
	p->max = max;
	atomic_init(&p->waits, 0);
	atomic_init(&p->timeouts, 0);
}

void
pool_resize(struct pool *p, int max)
{
	pthread_mutex_lock(&p->lock);
	p->max = max;
	pthread_mutex_unlock(&p->lock);
}

void
pool_first(struct pool *p, struct pool_item *it)
{
	it->next = p->idle;
	p->idle = it;
	p->open++;
}

/*
 * Takes an idle item, waiting up to wait_ms while all max are lent.
 * Returns the item; or NULL with *open_one set when the caller may open a
 * new item (counted already); or NULL with *open_one clear on time-out.
 */
static struct pool_item *
pool_take(struct pool *p, int wait_ms, int *open_one)
{
	struct pool_item	*it = NULL;
	struct timespec		 until;
	int			 rc = wait_ms > 0 ? 0 : ETIMEDOUT;

	*open_one = 0;
	clock_after(CLOCK_REALTIME, wait_ms, &until);
	pthread_mutex_lock(&p->lock);
	if (p->idle == NULL && p->open >= p->max && wait_ms > 0)
		atomic_fetch_add_explicit(&p->waits, 1, memory_order_relaxed);
	while (p->idle == NULL && p->open >= p->max && rc != ETIMEDOUT)
		rc = pthread_cond_timedwait(&p->freed, &p->lock, &until);
	if ((it = p->idle) != NULL)
		p->idle = it->next;
	else if (p->open < p->max) {
		p->open++;
		*open_one = 1;
	}
	pthread_mutex_unlock(&p->lock);
	return it;
}

struct pool_item *
pool_get(struct pool *p, int wait_ms, const char *name,
    struct pool_item *(*open)(void *arg, char *err, size_t errlen),
    void *arg)
{
	struct pool_item	*it;
	char			 err[512];
	int			 open_one;

	if ((it = pool_take(p, wait_ms, &open_one)) != NULL)
		return it;
	if (!open_one) {
		/* A caller that would not wait (wait_ms 0) expects no item. */
		if (wait_ms == 0)
			return NULL;
		atomic_fetch_add_explicit(&p->timeouts, 1,
		    memory_order_relaxed);
		fprintf(stderr, "galley: %s: every connection busy\n", name);
		return NULL;
	}
	if ((it = open(arg, err, sizeof(err))) == NULL) {
		fprintf(stderr, "galley: %s: %s\n", name, err);
		pool_drop(p);
	}
	return it;
}

void
pool_stats(struct pool *p, struct pool_stats *st)
{
	st->waits = atomic_load_explicit(&p->waits, memory_order_relaxed);
	st->timeouts = atomic_load_explicit(&p->timeouts,
	    memory_order_relaxed);
	pthread_mutex_lock(&p->lock);
	st->open = p->open;
	st->max = p->max;
	pthread_mutex_unlock(&p->lock);
}

void
pool_give(struct pool *p, struct pool_item *it)
{
	pthread_mutex_lock(&p->lock);
	it->next = p->idle;
	p->idle = it;
	pthread_cond_signal(&p->freed);
	pthread_mutex_unlock(&p->lock);
}

void
pool_drop(struct pool *p)
{
	pthread_mutex_lock(&p->lock);
	p->open--;
	pthread_cond_signal(&p->freed);
	pthread_mutex_unlock(&p->lock);
}

struct pool_item *
pool_drain(struct pool *p)
{
	struct pool_item	*it;

	pthread_mutex_lock(&p->lock);
	if ((it = p->idle) != NULL) {
		p->idle = it->next;
		p->open--;
	}
	pthread_mutex_unlock(&p->lock);
	return it;
}

void
pool_destroy(struct pool *p)
{
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->freed);
}
