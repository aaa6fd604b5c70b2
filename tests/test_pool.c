/*
 * test_pool: the pool's bookkeeping (pool.c) and the counts the metrics
 * read: a get that found every item lent counts a wait, one that gave
 * up counts a time-out too (the 503 a request answers), and a get that
 * would not wait (wait_ms 0, /healthz's) counts neither.
 */
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "pool.h"

static struct pool	 p;
static struct pool_item	 items[2];
static int		 opened;

static struct pool_item *
open_one(void *arg, char *err, size_t errlen)
{
	(void)arg;
	(void)err;
	(void)errlen;
	return &items[opened++];
}

/* Gives item 0 back after 100 ms, while the main thread waits. */
static void *
give_later(void *arg)
{
	(void)arg;
	usleep(100000);
	pool_give(&p, &items[0]);
	return NULL;
}

int
main(void)
{
	struct pool_stats	 st;
	struct pool_item	*a, *b;
	pthread_t		 t;

	pool_init(&p, 1);
	a = pool_get(&p, 1000, "test", open_one, NULL);
	CHECK(a == &items[0] && opened == 1);
	pool_stats(&p, &st);
	CHECK(st.waits == 0 && st.timeouts == 0 && st.open == 1 &&
	    st.max == 1);

	/* No wait: NULL at once, nothing counted, nothing opened. */
	CHECK(pool_get(&p, 0, "test", open_one, NULL) == NULL);
	pool_stats(&p, &st);
	CHECK(st.waits == 0 && st.timeouts == 0 && opened == 1);

	/* A wait in vain: one wait, one time-out. */
	CHECK(pool_get(&p, 50, "test", open_one, NULL) == NULL);
	pool_stats(&p, &st);
	CHECK(st.waits == 1 && st.timeouts == 1);

	/* A wait that another thread ends: a wait, no time-out. */
	pthread_create(&t, NULL, give_later, NULL);
	b = pool_get(&p, 5000, "test", open_one, NULL);
	pthread_join(t, NULL);
	CHECK(b == &items[0]);
	pool_stats(&p, &st);
	CHECK(st.waits == 2 && st.timeouts == 1 && st.open == 1);

	/* An idle item is taken without a wait, with or without one. */
	pool_give(&p, b);
	CHECK(pool_get(&p, 0, "test", open_one, NULL) == &items[0]);
	pool_stats(&p, &st);
	CHECK(st.waits == 2 && st.timeouts == 1 && opened == 1);
	pool_give(&p, &items[0]);
	CHECK(pool_drain(&p) == &items[0] && pool_drain(&p) == NULL);
	pool_destroy(&p);
	return check_done();
}
