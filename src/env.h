/*
 * env: what a domain operation (a comment, a vote, a post, an account, a
 * privacy request) is given by whoever calls it: the page layer for an
 * HTTP request (page_env), the command line, or an importer.  Nothing of
 * HTTP: the caller turns what it has into these plain values, and turns
 * what comes back into its own answer.
 */
#ifndef GALLEY_ENV_H
#define GALLEY_ENV_H

#include <stdint.h>

struct arena;
struct settings;
struct site;
struct store_conn;

struct env {
	const struct site	*site;	/* its secret, media, pools */
	struct store_conn	*conn;	/* the caller's connection */
	struct arena		*arena;	/* results point into it */
	const struct settings	*set;	/* the settings' snapshot */
	int64_t			 now;	/* Unix seconds, UTC */
};

#endif
