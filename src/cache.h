/*
 * cache: rendered pages for anonymous readers, kept as ready libmicrohttpd
 * responses (body and headers) so a hit costs a lookup and a queue.  Every
 * entry is tagged with the store's data generation when it was rendered;
 * an entry from an older generation is never served, so a write anywhere
 * (any thread, process or node sharing the database) invalidates it at
 * once.  The cache locks inside itself and is bounded in entries and
 * bytes.
 */
#ifndef GALLEY_CACHE_H
#define GALLEY_CACHE_H

#include <stddef.h>
#include <stdint.h>

struct MHD_Connection;
struct MHD_Response;
struct cache;

struct cache	*cache_new(void);
void		 cache_free(struct cache *);
/*
 * If key has an entry of generation gen, queues it on conn (with status
 * 304 when inm, the request's If-None-Match, holds its ETag), sets
 * *status and *bytes, and returns 1; returns 0 on a miss.
 */
int	cache_queue(struct cache *, const char *key, int64_t gen,
	    struct MHD_Connection *conn, const char *inm, int *status,
	    size_t *bytes);
/*
 * Stores the response for key at generation gen, taking over the caller's
 * reference to resp (the cache destroys it).  An entry of the same or a
 * newer generation already there is kept instead.
 */
void	cache_put(struct cache *, const char *key, int64_t gen,
	    struct MHD_Response *resp, const char *etag, size_t bytes);
/*
 * Returns 1 if the If-None-Match value inm lists etag, weakly compared
 * (W/"x" matches "x"), or is "*".
 */
int	cache_etag_match(const char *inm, const char *etag);

#endif
