/*
 * test_batch: group commit (batch.c).  Threads join batches whose run
 * takes a while (as an fsync does): every item runs exactly once, in a
 * batch led by one of the threads whose items are in it or by the
 * leader of the batch before, at most BATCH_LEAD in a row; never two
 * batches at once, never more than BATCH_MAX items; items that arrive
 * while a batch runs go together in the next; an item alone runs at
 * once.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>
#include <unistd.h>

#include "batch.h"
#include "check.h"

#define THREADS	8
#define EACH	150

struct mine {
	int		 thread, seq;
	atomic_int	 runs;		/* times an item was run */
	pthread_t	 owner;
};

static struct batch	*b;
static atomic_int	 running, overlap, too_big, led_by_other, wrong;
static atomic_int	 biggest, longest;
static pthread_t	 last;		/* the last batch's leader */
static int		 streak;	/* batches it led in a row */
static struct mine	 items[THREADS][EACH];

static void
run(void *ctx, struct batch_item **it, size_t n)
{
	size_t	 i;
	int	 led = 0;

	if (atomic_fetch_add(&running, 1) != 0)
		atomic_fetch_add(&overlap, 1);
	if (n == 0 || n > BATCH_MAX)
		atomic_fetch_add(&too_big, 1);
	if ((int)n > atomic_load(&biggest))
		atomic_store(&biggest, (int)n);
	for (i = 0; i < n; i++) {
		struct mine	*m = it[i]->arg;

		atomic_fetch_add(&m->runs, 1);
		it[i]->rc = m->thread * 1000 + m->seq;
		if (pthread_equal(m->owner, pthread_self()) && ctx == m)
			led = 1;
	}
	/* One batch at a time: last and streak need no lock. */
	if (led)
		streak = 1;
	else if (streak > 0 && pthread_equal(last, pthread_self()))
		streak++;
	else
		atomic_fetch_add(&led_by_other, 1);
	last = pthread_self();
	if (streak > atomic_load(&longest))
		atomic_store(&longest, streak);
	usleep(2000);			/* the fsync */
	atomic_fetch_sub(&running, 1);
}

static void *
writer(void *arg)
{
	int			 t = (int)(long)arg, i;
	struct batch_item	 it;

	for (i = 0; i < EACH; i++) {
		struct mine	*m = &items[t][i];

		m->thread = t;
		m->seq = i;
		m->owner = pthread_self();
		it.arg = m;
		it.rc = -1;
		batch_join(b, &it, run, m);
		if (it.rc != t * 1000 + i || atomic_load(&m->runs) != 1)
			atomic_fetch_add(&wrong, 1);
	}
	return NULL;
}

/*
 * Leading on, made to happen: the first batch (main's item alone) waits
 * in its run until three writers have joined behind it; then main leads
 * their batch too, before its own batch_join returns.  And the bound:
 * with every batch taking 30 ms (> BATCH_LEAD_MS), no leader leads on
 * two.
 */
static atomic_int	 joining, on_batches, on_slow, led_on, twice_on;
static pthread_t	 last_on;	/* one batch at a time: no lock */
static int		 last_led_on;
static pthread_t	 on_leader[16];

static void
on_run(void *ctx, struct batch_item **it, size_t n)
{
	int	 k = atomic_fetch_add(&on_batches, 1), i, own = 0;

	(void)ctx;
	if (k < 16)
		on_leader[k] = pthread_self();
	for (i = 0; i < (int)n; i++) {
		it[i]->rc = 1;
		own |= pthread_equal(*(pthread_t *)it[i]->arg, pthread_self());
	}
	if (!own)
		atomic_fetch_add(&led_on, 1);	/* none of the leader's own */
	/* Two led on in a row by one leader: past the bound when slow. */
	if (!own && last_led_on && pthread_equal(last_on, pthread_self()))
		atomic_fetch_add(&twice_on, 1);
	last_led_on = !own;
	last_on = pthread_self();
	if (atomic_load(&on_slow)) {
		usleep(30000);
		return;
	}
	/* The first batch: until the three are about to join, and then some. */
	for (i = 0; k == 0 && atomic_load(&joining) < 3 && i < 2000; i++)
		usleep(1000);
	if (k == 0)
		usleep(50000);	/* for them to queue; the bound starts after */
}

static void *
on_writer(void *arg)
{
	pthread_t		 self = pthread_self();
	struct batch_item	 it = { .arg = &self };
	int			 i, times = atomic_load(&on_slow) ? 3 : 1;

	(void)arg;
	for (i = 0; i < times; i++) {
		if (i == 0 && !atomic_load(&on_slow))
			while (atomic_load(&on_batches) == 0)
				usleep(500);
		atomic_fetch_add(&joining, 1);
		batch_join(b, &it, on_run, NULL);
	}
	return NULL;
}

static void
leads_on(void)
{
	pthread_t		 self = pthread_self(), th[3];
	struct batch_item	 it = { .arg = &self };
	int			 i;

	b = batch_new();
	for (i = 0; i < 3; i++)
		CHECK(pthread_create(&th[i], NULL, on_writer, NULL) == 0);
	batch_join(b, &it, on_run, NULL);
	/* main's batch_join returned after the second batch, led by it. */
	CHECK(atomic_load(&on_batches) == 2 && it.rc == 1);
	CHECK(pthread_equal(on_leader[0], pthread_self()) &&
	    pthread_equal(on_leader[1], pthread_self()));
	CHECK(atomic_load(&led_on) == 1);
	for (i = 0; i < 3; i++)
		pthread_join(th[i], NULL);
	batch_free(b);

	/* Slow batches: leading stops after BATCH_LEAD_MS. */
	atomic_store(&on_slow, 1);
	atomic_store(&on_batches, 0);
	atomic_store(&led_on, 0);
	b = batch_new();
	for (i = 0; i < 3; i++)
		CHECK(pthread_create(&th[i], NULL, on_writer, NULL) == 0);
	for (i = 0; i < 3; i++)
		pthread_join(th[i], NULL);
	/*
	 * 30 ms batches: after its own, a leader leads on one at most
	 * (BATCH_LEAD_MS counts from its own item's end).
	 */
	CHECK(atomic_load(&on_batches) >= 3 && atomic_load(&twice_on) == 0);
	batch_free(b);
}

int
main(void)
{
	pthread_t		 th[THREADS];
	struct batch_item	 it;
	struct mine		 one = { .thread = 99, .seq = 1 };
	long long		 nb, ni;
	struct timespec		 t0, t1;
	long			 i;

	b = batch_new();
	/* Alone: run at once, in this thread, a batch of one. */
	one.owner = pthread_self();
	it.arg = &one;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	batch_join(b, &it, run, &one);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	CHECK(it.rc == 99001 && atomic_load(&one.runs) == 1);
	CHECK(atomic_load(&biggest) == 1);
	CHECK((t1.tv_sec - t0.tv_sec) * 1000 +
	    (t1.tv_nsec - t0.tv_nsec) / 1000000 < 1000);
	batch_counts(b, &nb, &ni);
	CHECK(nb == 1 && ni == 1);

	for (i = 0; i < THREADS; i++)
		CHECK(pthread_create(&th[i], NULL, writer, (void *)i) == 0);
	for (i = 0; i < THREADS; i++)
		pthread_join(th[i], NULL);
	CHECK(atomic_load(&wrong) == 0);	/* each ran once, its own rc */
	CHECK(atomic_load(&overlap) == 0);	/* one batch at a time */
	CHECK(atomic_load(&too_big) == 0);
	CHECK(atomic_load(&led_by_other) == 0);	/* a leader runs its own */
	/* ... and leads on while others wait, up to BATCH_LEAD batches. */
	CHECK(atomic_load(&longest) > 1 &&
	    atomic_load(&longest) <= BATCH_LEAD);
	batch_counts(b, &nb, &ni);
	CHECK(ni == 1 + THREADS * EACH);
	/* Eight writers, a 2 ms commit: most commits carry several. */
	CHECK(nb < ni / 2);
	CHECK(atomic_load(&biggest) > 1 && atomic_load(&biggest) <= THREADS);
	fprintf(stderr, "%lld items in %lld batches, the biggest %d, at most"
	    " %d led in a row\n", ni, nb, atomic_load(&biggest),
	    atomic_load(&longest));
	batch_free(b);
	leads_on();
	return check_done();
}
