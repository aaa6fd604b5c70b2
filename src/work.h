/*
 * work: a pool of threads that run jobs off the HTTP threads.  Whatever
 * may wait (a database lock, an argon2id hash, an image decode) runs
 * here, so the threads that serve pages never sleep on it.  The queue is
 * bounded: a job that finds it full is refused at once, and the caller
 * answers 503 with Retry-After.  It locks inside itself.
 */
#ifndef GALLEY_WORK_H
#define GALLEY_WORK_H

struct work;

/*
 * Starts threads workers (at least 1) that take jobs from a queue of at
 * most queue_max waiting jobs.  Workers run at nice + niceness (Linux
 * threads have their own), so that under load the HTTP threads come
 * first.  Returns the pool (work_free) or NULL if no thread started.
 */
struct work	*work_new(int threads, int queue_max, int niceness);
/*
 * Queues fn(arg) to run on a worker.  Returns 0, or -1 (nothing queued,
 * fn never called) when queue_max jobs are already waiting or the pool
 * is stopping.
 */
int		 work_add(struct work *, void (*fn)(void *), void *arg);
/* Jobs queued or running now. */
int		 work_pending(struct work *);
/*
 * Refuses new jobs from now on (work_add returns -1), runs every job
 * already queued and joins the workers.  The pool stays valid for
 * work_add to refuse until work_free.
 */
void		 work_stop(struct work *);
/* Stops the pool if it runs, and frees it. */
void		 work_free(struct work *);

/*
 * Lowers the calling thread's priority by niceness (Linux threads have
 * their own nice value): for threads whose work may wait, as the pool's.
 */
void		 work_nice(int niceness);

#endif
