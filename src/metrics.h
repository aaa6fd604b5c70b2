/*
 * metrics: what a running node counts about itself, and the Prometheus
 * text exposition (version 0.0.4) of it on a listener of its own
 * (`galley serve --metrics-listen HOST:PORT`, off unless given).
 * Counting is a relaxed atomic add: no lock on the request path.  What
 * other modules keep already (the page cache's bytes, the pool's waits,
 * the outbox) is read when the metrics are scraped, not counted twice.
 */
#ifndef GALLEY_METRICS_H
#define GALLEY_METRICS_H

#include <sys/socket.h>

struct buf;
struct site;
struct MHD_Daemon;

/* What a request was for: the label route. */
enum metrics_route {
	MR_HOME,
	MR_ARTICLE,
	MR_ARCHIVE,	/* a category, tag, author or date */
	MR_PAGE,
	MR_FEED,
	MR_SITEMAP,
	MR_ROBOTS,
	MR_SEARCH,
	MR_ICON,
	MR_THEME,
	MR_MEDIA,
	MR_COMMENT,	/* POST /comments */
	MR_STAMP,
	MR_VOTE,
	MR_MAIL,
	MR_ADMIN,
	MR_HEALTH,
	MR_OTHER,	/* nothing of ours: 404, a refused head */
	MR__MAX
};

/* What became of a comment sent through the form. */
enum metrics_verdict {
	MV_APPROVED,
	MV_PENDING,
	MV_SPAM,
	MV_DISCARD,	/* blatant spam: nothing stored */
	MV_REFUSED,	/* the rules or the form refused it */
	MV__MAX
};

/* The ticker's periodic passes (server.c). */
enum metrics_chore {
	MC_SCHEDULE,	/* scheduled posts come due */
	MC_RETENTION,	/* privacy retention */
	MC__MAX
};

struct metrics;

/* Zeroed counters, the start time taken now; metrics_free frees. */
struct metrics	*metrics_new(void);
void		 metrics_free(struct metrics *);
/*
 * One request answered with status (0: none, the connection dropped)
 * after us microseconds.
 */
void	metrics_request(struct metrics *, enum metrics_route, int status,
	    long long us);
/* A cacheable page served from the page cache (hit 1) or rendered. */
void	metrics_cache(struct metrics *, int hit);
void	metrics_comment(struct metrics *, enum metrics_verdict);
/* One pass of a chore, done (ok 1) or failed, to be tried again. */
void	metrics_chore(struct metrics *, enum metrics_chore, int ok);
/*
 * Appends every family, HELP and TYPE lines first, to out: the counters
 * of site->metrics and, read now, the page cache's bytes, the pool's
 * counts and the outbox (one query, left out if it fails).
 */
void	metrics_write(struct site *, struct buf *out);
/*
 * Serves GET /metrics for site on addr (one thread, a few connections),
 * or NULL (logged by libmicrohttpd) if it cannot listen.  Stop it with
 * MHD_stop_daemon.
 */
struct MHD_Daemon *metrics_listen_on(struct site *,
	    const struct sockaddr *addr, int v6);

#endif
