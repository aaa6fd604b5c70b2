/*
 * test_work: the work pool (work.c) runs every job it accepts, on its own
 * threads, refuses jobs past its queue at once, and runs what is queued
 * before work_free returns.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <unistd.h>

#include "check.h"
#include "work.h"

static atomic_int	 ran;
static pthread_t	 main_thread;
static atomic_int	 on_main;

static void
job(void *arg)
{
	(void)arg;
	if (pthread_equal(pthread_self(), main_thread))
		atomic_fetch_add(&on_main, 1);
	atomic_fetch_add(&ran, 1);
}

static atomic_int	 gate;
static atomic_int	 holding;	/* the blocker has begun */

/* Holds its worker until the gate opens. */
static void
blocker(void *arg)
{
	(void)arg;
	atomic_store(&holding, 1);
	while (!atomic_load(&gate))
		usleep(1000);
	atomic_fetch_add(&ran, 1);
}

int
main(void)
{
	struct work	*w;
	int		 i, ok = 0, refused = 0;

	main_thread = pthread_self();
	w = work_new(3, 100, 0);
	CHECK(w != NULL);
	for (i = 0; i < 1000; i++)
		while (work_add(w, job, NULL) == -1)
			usleep(100);
	work_free(w);
	CHECK_MSG(atomic_load(&ran) == 1000, "every job ran");
	CHECK_MSG(atomic_load(&on_main) == 0, "none on the caller's thread");

	/* One worker held, a queue of 4: the fifth waiting job is refused. */
	atomic_store(&ran, 0);
	w = work_new(1, 4, 5);
	CHECK(work_add(w, blocker, NULL) == 0);
	/* Until the worker has taken it, however loaded the machine: a
	 * fixed 20 ms was sometimes too short, and the queue held it too. */
	while (!atomic_load(&holding))
		usleep(1000);
	for (i = 0; i < 6; i++) {
		if (work_add(w, job, NULL) == 0)
			ok++;
		else
			refused++;
	}
	CHECK_MSG(ok == 4 && refused == 2, "queue bounded at 4");
	CHECK(work_pending(w) == 5);
	atomic_store(&gate, 1);
	work_free(w);		/* runs the 4 queued before it returns */
	CHECK_MSG(atomic_load(&ran) == 5, "queued jobs ran before free");
	return check_done();
}
