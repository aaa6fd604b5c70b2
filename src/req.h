/*
 * req: the state of one HTTP request while a page handler runs.  The
 * server (server.c) owns it: it sets it up when a request arrives, hands
 * it to the handler the router picked, and frees the arena and returns
 * the database connection when libmicrohttpd reports the request done.
 */
#ifndef GALLEY_REQ_H
#define GALLEY_REQ_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "buf.h"
#include "url.h"

struct MHD_Connection;
struct comment_form;
struct settings;
struct site;
struct store_conn;
struct theme;

struct req {
	const struct site	*site;
	struct store_conn	*conn;		/* for this request's life */
	struct arena		 arena;		/* freed when it completes */
	struct route		 route;		/* what the router parsed */
	int64_t			 now;		/* Unix seconds at arrival */
	struct buf		 body;		/* the handler's output */
	int			 body_is_file;	/* the output is body_fd's */
	int			 body_fd;	/* an unlinked file, rewound;
						   the response closes it */
	const char		*location;	/* redirect target (arena) */
	int			 cacheable;	/* same bytes for every reader */
	int			 store_err;	/* a store_rc met on the way */
	int64_t			 gen;		/* the data generation, if */
	int			 gen_known;	/* ... the server knows it */
	int			 fresh;		/* a job: the generation from
						   the database, never a hint */
	const struct settings	*set;		/* page_settings(): arena */
	struct theme		*theme;		/* page_theme(): dropped when
						   the request completes */
	/* A POST's context (NULL for pages): */
	const char		*ip;		/* the peer, as text */
	const char		*user_agent;
	const char		*origin;	/* Origin header */
	const char		*fetch_site;	/* Sec-Fetch-Site header */
	const char		*host;		/* Host header */
	const char		*cookie;	/* a Set-Cookie to send */
	const char		*voter_cookie;	/* the galley_voter cookie */
	const char		*session_cookie;	/* galley_session */
	int			 https;		/* TLS, or a proxy says so */
	const char		*type;		/* Content-Type; NULL: HTML */
	const char		*disposition;	/* Content-Disposition */
	struct comment_form	*form;		/* a refused form, to show */
	int			 retry_after;	/* > 0: a Retry-After, seconds */
	int			 delay_ms;	/* > 0: the answer is held back
						   this long (no thread waits) */
	struct MHD_Connection	*http;		/* for req_arg */
};

/*
 * Returns the query argument name as the client sent it (still
 * %-escaped), or NULL.  Only the arguments in req.c's vary_args table
 * may be read (and admin_args, under /admin/): a request that has one of
 * them is never served from or stored in the page cache.
 */
const char *req_arg(struct req *, const char *name);
/*
 * Appends to b the arguments of admin_args that r carries, but next and
 * done, as a query string ("?edit=5&status=spam", each value
 * %-escaped); nothing if it carries none.  What the login sends a
 * signed-out user back to.
 */
void	req_admin_query(struct req *, struct buf *b);
/* Returns 1 if the request carries an argument some handler reads. */
int	req_varies(struct MHD_Connection *);
/*
 * Fills what a handler of a reader's or a moderator's request knows of
 * it: the client (through trusted proxies), its headers and cookies,
 * and whether it came over TLS (base_url is https, or a trusted proxy
 * says X-Forwarded-Proto: https).  Reads a setting (r->conn).
 */
void	req_context(struct req *, struct MHD_Connection *);
/* The connection's peer as text into out (INET6_ADDRSTRLEN bytes). */
void	req_addr(struct MHD_Connection *, char *out, size_t len);
/* The peer's address as text, in r's arena. */
const char *req_peer(struct req *, struct MHD_Connection *);
/*
 * The writer's address: the socket's peer, unless that peer is a proxy
 * listed in galley.conf's trusted_proxies; then the right-most address
 * in X-Forwarded-For that is not itself a trusted proxy (entries left of
 * it could be forged by the client).  In r's arena.
 */
const char *req_client(struct req *, struct MHD_Connection *,
	    const char *peer);
/* Returns 1 if ip[0..n) is listed in galley.conf's trusted_proxies. */
int	req_trusted(const struct site *, const char *ip, size_t n);

#endif
