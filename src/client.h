/*
 * client: every connection the server holds, where it stands in its
 * request, and the deadlines that keep slow or greedy clients from
 * holding the server: a request head must arrive within head_ms of the
 * connection opening or going idle, and a body must average min_rate
 * bytes a second once grace_ms have passed.  A connection that misses
 * its deadline is shut down (shutdown(2): libmicrohttpd sees the end of
 * the stream and closes it; the descriptor stays libmicrohttpd's).
 * Connections per address are bounded too.  It locks inside itself; the
 * reaper runs on the server's ticker thread.
 */
#ifndef GALLEY_CLIENT_H
#define GALLEY_CLIENT_H

#include <stddef.h>
#include <stdint.h>

struct clients;
struct client;

struct client_limits {
	int	 head_ms;	/* a request head, from open or idle */
	int	 grace_ms;	/* a body, before its rate counts */
	int	 min_rate;	/* bytes a second a body must average */
	int	 per_addr;	/* connections an address may hold; 0: any */
	int	 max;		/* connections in all (for the table) */
};

struct clients	*clients_new(const struct client_limits *);
void		 clients_free(struct clients *);
/*
 * A connection opened on descriptor fd from address addr (text).
 * exempt (a trusted proxy) lifts the per-address bound.  Returns the
 * client, or NULL when addr already holds per_addr connections (the
 * caller drops the connection).
 */
struct client	*client_open(struct clients *, int fd, const char *addr,
		    int exempt);
/* The connection closed; c is freed. */
void		 client_close(struct clients *, struct client *c);
/*
 * The head of a request is in; with body set, its body is to come, and
 * the rate rule applies until client_body_done.
 */
void		 client_head(struct clients *, struct client *, int body);
/* n more bytes of body arrived. */
void		 client_body(struct clients *, struct client *, size_t n);
/* The body is all in: no deadline until the answer is sent. */
void		 client_body_done(struct clients *, struct client *);
/* The request was answered: the next head is awaited. */
void		 client_idle(struct clients *, struct client *);
/*
 * Shuts down every connection that missed its deadline at now_ms (the
 * CLOCK_MONOTONIC milliseconds of clock_ms).  Returns how many.
 */
int		 clients_reap(struct clients *, int64_t now_ms);
/* Connections held now. */
int		 clients_count(struct clients *);

#endif
