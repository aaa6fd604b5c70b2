/*
 * server: HTTP for a site, on GNU libmicrohttpd: a pool of threads on
 * epoll, keep-alive, HEAD, ETag and 304, security headers, the page cache,
 * one log line per request (on stderr, or appended to a file), readiness
 * and reloads told to systemd (sd_notify), and a clean stop on
 * SIGINT/SIGTERM.
 */
#ifndef GALLEY_SERVER_H
#define GALLEY_SERVER_H

struct site;

/*
 * Serves site on listen ("HOST:PORT"; port 0 picks a free one) until
 * SIGINT or SIGTERM, then lets requests in flight finish.  With
 * metrics_listen (else NULL), serves the metrics there too (metrics.h),
 * saying "galley: metrics on http://HOST:PORT/metrics" first.  Prints
 * "galley: listening on http://HOST:PORT/" on stderr once ready, and
 * sends READY=1 to systemd.  The access log goes to stderr, or is
 * appended to the file log (if not NULL), reopened on each SIGHUP.
 * Returns 0 after a clean stop, -1 (logged) if it could not start.
 */
int	server_run(struct site *site, const char *listen,
	    const char *metrics_listen, const char *log);

#endif
