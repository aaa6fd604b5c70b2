/*
 * cache: the page cache (see cache.h).  A fixed array of hash buckets with
 * chained entries under one mutex; a hit holds the lock only while
 * libmicrohttpd takes its own reference to the response.  When the cache
 * passes its bounds it first drops entries of older generations, then,
 * if that is not enough, everything: simple, bounded, and a full refill
 * costs one render per page.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <microhttpd.h>

#include "alloc.h"
#include "cache.h"

#define CACHE_BUCKETS		1024
#define CACHE_MAX_ENTRIES	4096
#define CACHE_MAX_BYTES		(64u * 1024 * 1024)

struct entry {
	struct entry		*next;
	char			*key;
	int64_t			 gen;
	struct MHD_Response	*resp;
	char			*etag;
	size_t			 bytes;
};

struct cache {
	pthread_mutex_t		 lock;
	struct entry		*bucket[CACHE_BUCKETS];
	size_t			 entries;
	size_t			 bytes;
	int64_t			 newest;	/* highest generation put */
};

static unsigned int
hash(const char *s)
{
	unsigned int	 h = 2166136261u;	/* FNV-1a */

	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h % CACHE_BUCKETS;
}

struct cache *
cache_new(void)
{
	struct cache	*c = xcalloc(1, sizeof(*c));

	pthread_mutex_init(&c->lock, NULL);
	return c;
}

static void
entry_free(struct entry *e)
{
	MHD_destroy_response(e->resp);
	free(e->key);
	free(e->etag);
	free(e);
}

/* Drops entries older than keep (all if keep is INT64_MAX); locked. */
static void
evict(struct cache *c, int64_t keep)
{
	struct entry	**pp, *e;
	size_t		  i;

	for (i = 0; i < CACHE_BUCKETS; i++) {
		pp = &c->bucket[i];
		while ((e = *pp) != NULL) {
			if (e->gen < keep) {
				*pp = e->next;
				c->entries--;
				c->bytes -= e->bytes;
				entry_free(e);
			} else
				pp = &e->next;
		}
	}
}

void
cache_free(struct cache *c)
{
	if (c == NULL)
		return;
	evict(c, INT64_MAX);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

int
cache_etag_match(const char *inm, const char *etag)
{
	size_t		 n = strlen(etag);
	const char	*p = inm;

	if (inm == NULL)
		return 0;
	/* A list of entity tags; weak comparison, as RFC 9110 13.1.2 says. */
	while (*p != '\0') {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (*p == '*')
			return 1;
		if (strncmp(p, "W/", 2) == 0)
			p += 2;
		if (strncmp(p, etag, n) == 0 && (p[n] == '\0' || p[n] == ',' ||
		    p[n] == ' ' || p[n] == '\t'))
			return 1;
		while (*p != '\0' && *p != ',')
			p++;
	}
	return 0;
}

int
cache_queue(struct cache *c, const char *key, int64_t gen,
    struct MHD_Connection *conn, const char *inm, int *status,
    size_t *bytes)
{
	struct entry	*e;
	int		 hit = 0, st;

	pthread_mutex_lock(&c->lock);
	for (e = c->bucket[hash(key)]; e != NULL; e = e->next)
		if (e->gen == gen && strcmp(e->key, key) == 0)
			break;
	if (e != NULL) {
		/* libmicrohttpd sends no body with a 304. */
		st = cache_etag_match(inm, e->etag) ? MHD_HTTP_NOT_MODIFIED :
		    MHD_HTTP_OK;
		if (MHD_queue_response(conn, (unsigned int)st, e->resp) ==
		    MHD_YES) {
			hit = 1;
			*status = st;
			*bytes = st == MHD_HTTP_OK ? e->bytes : 0;
		}
	}
	pthread_mutex_unlock(&c->lock);
	return hit;
}

void
cache_put(struct cache *c, const char *key, int64_t gen,
    struct MHD_Response *resp, const char *etag, size_t bytes)
{
	struct entry	*e, **pp;
	unsigned int	 h = hash(key);

	pthread_mutex_lock(&c->lock);
	for (pp = &c->bucket[h]; *pp != NULL; pp = &(*pp)->next)
		if (strcmp((*pp)->key, key) == 0)
			break;
	if (*pp != NULL && (*pp)->gen >= gen) {
		/* A slower render of an older (or the same) generation. */
		pthread_mutex_unlock(&c->lock);
		MHD_destroy_response(resp);
		return;
	}
	if (*pp != NULL) {
		e = *pp;
		*pp = e->next;
		c->entries--;
		c->bytes -= e->bytes;
		entry_free(e);
	}
	if (gen > c->newest)
		c->newest = gen;
	if (c->entries >= CACHE_MAX_ENTRIES ||
	    c->bytes + bytes > CACHE_MAX_BYTES)
		evict(c, c->newest);
	if (c->entries >= CACHE_MAX_ENTRIES ||
	    c->bytes + bytes > CACHE_MAX_BYTES)
		evict(c, INT64_MAX);
	e = xcalloc(1, sizeof(*e));
	e->key = xstrdup(key);
	e->gen = gen;
	e->resp = resp;
	e->etag = xstrdup(etag);
	e->bytes = bytes;
	e->next = c->bucket[h];
	c->bucket[h] = e;
	c->entries++;
	c->bytes += bytes;
	pthread_mutex_unlock(&c->lock);
}
