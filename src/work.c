/*
 * work: a fixed set of threads around a bounded FIFO ring of jobs (see
 * work.h).  One mutex guards the ring; workers sleep on one condition
 * variable and are woken one per job.
 */
#define _GNU_SOURCE	/* gettid */
#include <sys/resource.h>
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#include "alloc.h"
#include "work.h"

struct job {
	void	(*fn)(void *);
	void	 *arg;
};

struct work {
	pthread_mutex_t	 lock;
	pthread_cond_t	 ready;
	struct job	*ring;
	int		 cap;		/* queue_max */
	int		 head;		/* next job to run */
	int		 len;		/* jobs waiting */
	int		 running;	/* jobs being run */
	int		 stopping;
	int		 joined;
	int		 niceness;
	int		 threads;
	pthread_t	*tid;
};

static void *
worker(void *arg)
{
	struct work	*w = arg;
	struct job	 j;

	if (w->niceness != 0)
		work_nice(w->niceness);
	pthread_mutex_lock(&w->lock);
	for (;;) {
		while (w->len == 0 && !w->stopping)
			pthread_cond_wait(&w->ready, &w->lock);
		if (w->len == 0)
			break;		/* stopping, and nothing left */
		j = w->ring[w->head];
		w->head = (w->head + 1) % w->cap;
		w->len--;
		w->running++;
		pthread_mutex_unlock(&w->lock);
		j.fn(j.arg);
		pthread_mutex_lock(&w->lock);
		w->running--;
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

struct work *
work_new(int threads, int queue_max, int niceness)
{
	struct work	*w = xcalloc(1, sizeof(*w));

	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->ready, NULL);
	w->cap = queue_max < 1 ? 1 : queue_max;
	w->ring = xcalloc((size_t)w->cap, sizeof(*w->ring));
	w->niceness = niceness;
	w->tid = xcalloc((size_t)(threads < 1 ? 1 : threads),
	    sizeof(*w->tid));
	for (; w->threads < (threads < 1 ? 1 : threads); w->threads++)
		if (pthread_create(&w->tid[w->threads], NULL, worker, w) != 0)
			break;
	if (w->threads == 0) {
		work_free(w);
		return NULL;
	}
	return w;
}

int
work_add(struct work *w, void (*fn)(void *), void *arg)
{
	int	 rc = -1;

	pthread_mutex_lock(&w->lock);
	if (!w->stopping && w->len < w->cap) {
		w->ring[(w->head + w->len) % w->cap] = (struct job){ fn, arg };
		w->len++;
		pthread_cond_signal(&w->ready);
		rc = 0;
	}
	pthread_mutex_unlock(&w->lock);
	return rc;
}

int
work_pending(struct work *w)
{
	int	 n;

	pthread_mutex_lock(&w->lock);
	n = w->len + w->running;
	pthread_mutex_unlock(&w->lock);
	return n;
}

void
work_stop(struct work *w)
{
	int	 i;

	pthread_mutex_lock(&w->lock);
	w->stopping = 1;
	pthread_cond_broadcast(&w->ready);
	pthread_mutex_unlock(&w->lock);
	if (w->joined)
		return;
	for (i = 0; i < w->threads; i++)
		pthread_join(w->tid[i], NULL);
	w->joined = 1;
}

void
work_free(struct work *w)
{
	if (w == NULL)
		return;
	work_stop(w);
	pthread_mutex_destroy(&w->lock);
	pthread_cond_destroy(&w->ready);
	free(w->tid);
	free(w->ring);
	free(w);
}

void
work_nice(int niceness)
{
	(void)setpriority(PRIO_PROCESS, (id_t)gettid(),
	    getpriority(PRIO_PROCESS, (id_t)gettid()) + niceness);
}
