/*
 * cache: rendered pages for anonymous readers, kept as ready libmicrohttpd
 * responses (body and headers) so a hit costs a lookup and a queue.  Each
 * page is kept as it is and, when shorter, brotli- and gzip-encoded
 * (encoding.c), each with its own strong ETag; a hit sends the one the
 * request's Accept-Encoding prefers.  Every entry is tagged with the
 * store's data generation when it was rendered; an entry from an older
 * generation is never served, so a write anywhere (any thread, process
 * or node sharing the database) invalidates it at once.  The cache locks
 * inside itself and holds at most a budget of bytes (page_cache_mb in
 * galley.conf), every encoding counted: past it, entries of older
 * generations go first, then the least recently used.
 */
#ifndef GALLEY_CACHE_H
#define GALLEY_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "encoding.h"

struct MHD_Connection;
struct MHD_Response;
struct cache;

/* A page in one encoding, as cache_put takes it. */
struct cache_body {
	struct MHD_Response	*resp;	/* NULL: not kept in this encoding */
	const char		*etag;	/* its strong ETag, copied */
	size_t			 bytes;	/* its body's length */
};

/* A cache holding at most budget bytes. */
struct cache	*cache_new(size_t budget);
void		 cache_free(struct cache *);
/*
 * Returns 1 if a page whose identity body is len bytes would be kept:
 * one page may take a quarter of the budget at most, so that one huge
 * page neither flushes the cache nor is encoded on every request.
 */
int	cache_keeps(const struct cache *, size_t len);
/*
 * If key has an entry of generation gen, queues it on conn in the
 * encoding that accept (the request's Accept-Encoding, or NULL) prefers
 * among those kept, with status 304 when inm (the request's
 * If-None-Match) holds that encoding's ETag; marks it the most recently
 * used, sets *status and *bytes, and returns 1.  Returns 0 on a miss.
 */
int	cache_queue(struct cache *, const char *key, int64_t gen,
	    struct MHD_Connection *conn, const char *inm, const char *accept,
	    int *status, size_t *bytes);
/*
 * Stores the page for key at generation gen: body[ENC_IDENTITY] must be
 * set, the others may be NULL.  Takes over the caller's reference to
 * each response (the cache destroys them).  The page is not kept when
 * an entry of the same or a newer generation is there already, or when
 * it is too big (cache_keeps).
 */
void	cache_put(struct cache *, const char *key, int64_t gen,
	    const struct cache_body body[ENC__MAX]);
/* Drops every entry (a theme reload: every page looks different). */
void	cache_clear(struct cache *);
/* The bytes held, as counted against the budget. */
size_t	cache_bytes(struct cache *);
/*
 * Returns 1 if the If-None-Match value inm lists etag, weakly compared
 * (W/"x" matches "x"), or is "*".
 */
int	cache_etag_match(const char *inm, const char *etag);

#endif
