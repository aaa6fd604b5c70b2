/*
 * cache: the page cache (see cache.h).  Hash buckets of chained entries,
 * and every entry also on one list in order of use, the most recent
 * first, all under one mutex; a hit holds the lock only while
 * libmicrohttpd takes its own reference to the response and the entry
 * moves to the front.  A put past the budget first drops the entries of
 * generations older than the newest put (no request asks for them
 * again; this is a walk of the list, done once per new generation),
 * then the least recently used until the new entry fits.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <microhttpd.h>

#include "alloc.h"
#include "cache.h"

/*
 * What a response costs beside its body: libmicrohttpd's struct and its
 * header list (about ten headers, one a 300-byte CSP), and our ETag.
 */
#define RESP_OVERHEAD	2048
/* Buckets: one per this many bytes of budget, so chains stay short. */
#define BUCKET_BYTES	(16u * 1024)

struct entry {
	struct entry		*chain;		/* in its bucket */
	struct entry		*newer, *older;	/* in order of use */
	char			*key;
	int64_t			 gen;
	struct MHD_Response	*resp[ENC__MAX];	/* NULL: none */
	char			*etag[ENC__MAX];
	size_t			 len[ENC__MAX];
	size_t			 cost;		/* counted against budget */
};

struct cache {
	pthread_mutex_t		 lock;
	struct entry		**bucket;
	size_t			 nbucket;	/* a power of two */
	struct entry		*newest_used, *oldest_used;
	size_t			 budget;
	size_t			 bytes;		/* the entries' costs */
	int64_t			 newest;	/* highest generation put */
	int64_t			 swept;		/* older ones dropped then */
};

static size_t
hash(const struct cache *c, const char *s)
{
	unsigned int	 h = 2166136261u;	/* FNV-1a */

	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h & (c->nbucket - 1);
}

struct cache *
cache_new(size_t budget)
{
	struct cache	*c = xcalloc(1, sizeof(*c));

	pthread_mutex_init(&c->lock, NULL);
	c->budget = budget;
	for (c->nbucket = 64; c->nbucket < budget / BUCKET_BYTES &&
	    c->nbucket < (1u << 24); c->nbucket *= 2)
		continue;
	c->bucket = xcalloc(c->nbucket, sizeof(*c->bucket));
	return c;
}

/* Off the use list; locked. */
static void
unlink_use(struct cache *c, struct entry *e)
{
	if (e->newer != NULL)
		e->newer->older = e->older;
	else
		c->newest_used = e->older;
	if (e->older != NULL)
		e->older->newer = e->newer;
	else
		c->oldest_used = e->newer;
	e->newer = e->older = NULL;
}

/* To the front of the use list; locked. */
static void
link_use(struct cache *c, struct entry *e)
{
	e->newer = NULL;
	e->older = c->newest_used;
	if (c->newest_used != NULL)
		c->newest_used->newer = e;
	else
		c->oldest_used = e;
	c->newest_used = e;
}

static void
bodies_free(struct MHD_Response *const resp[ENC__MAX])
{
	int	 i;

	for (i = 0; i < ENC__MAX; i++)
		if (resp[i] != NULL)
			MHD_destroy_response(resp[i]);
}

/* Out of the cache and freed; locked. */
static void
drop(struct cache *c, struct entry *e)
{
	struct entry	**pp;
	int		  i;

	for (pp = &c->bucket[hash(c, e->key)]; *pp != e; pp = &(*pp)->chain)
		continue;
	*pp = e->chain;
	unlink_use(c, e);
	c->bytes -= e->cost;
	bodies_free(e->resp);
	for (i = 0; i < ENC__MAX; i++)
		free(e->etag[i]);
	free(e->key);
	free(e);
}

void
cache_free(struct cache *c)
{
	if (c == NULL)
		return;
	cache_clear(c);
	free(c->bucket);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

void
cache_clear(struct cache *c)
{
	pthread_mutex_lock(&c->lock);
	while (c->oldest_used != NULL)
		drop(c, c->oldest_used);
	pthread_mutex_unlock(&c->lock);
}

int
cache_keeps(const struct cache *c, size_t len)
{
	return len <= c->budget / 4;
}

size_t
cache_bytes(struct cache *c)
{
	size_t	 n;

	pthread_mutex_lock(&c->lock);
	n = c->bytes;
	pthread_mutex_unlock(&c->lock);
	return n;
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

/* The entry for key, or NULL; locked. */
static struct entry *
find(struct cache *c, const char *key)
{
	struct entry	*e;

	for (e = c->bucket[hash(c, key)]; e != NULL; e = e->chain)
		if (strcmp(e->key, key) == 0)
			return e;
	return NULL;
}

int
cache_queue(struct cache *c, const char *key, int64_t gen,
    struct MHD_Connection *conn, const char *inm, const char *accept,
    int *status, size_t *bytes)
{
	struct entry	*e;
	unsigned int	 have = 0;
	int		 hit = 0, st, i;

	pthread_mutex_lock(&c->lock);
	if ((e = find(c, key)) != NULL && e->gen == gen) {
		for (i = 0; i < ENC__MAX; i++)
			if (e->resp[i] != NULL)
				have |= 1u << i;
		i = encoding_choose(accept, have);
		/* libmicrohttpd sends no body with a 304. */
		st = cache_etag_match(inm, e->etag[i]) ?
		    MHD_HTTP_NOT_MODIFIED : MHD_HTTP_OK;
		if (MHD_queue_response(conn, (unsigned int)st, e->resp[i]) ==
		    MHD_YES) {
			hit = 1;
			*status = st;
			*bytes = st == MHD_HTTP_OK ? e->len[i] : 0;
		}
		unlink_use(c, e);
		link_use(c, e);
	}
	pthread_mutex_unlock(&c->lock);
	return hit;
}

/*
 * Makes room for need more bytes: older generations first (once per
 * generation put), then the least recently used; locked.
 */
static void
make_room(struct cache *c, size_t need)
{
	struct entry	*e, *newer;

	if (c->bytes + need > c->budget && c->swept < c->newest) {
		for (e = c->oldest_used; e != NULL; e = newer) {
			newer = e->newer;
			if (e->gen < c->newest)
				drop(c, e);
		}
		c->swept = c->newest;
	}
	while (c->bytes + need > c->budget && c->oldest_used != NULL)
		drop(c, c->oldest_used);
}

void
cache_put(struct cache *c, const char *key, int64_t gen,
    const struct cache_body body[ENC__MAX])
{
	struct entry	*e;
	struct MHD_Response *resp[ENC__MAX];
	size_t		 cost = sizeof(*e) + strlen(key) + 1, h;
	int		 i;

	for (i = 0; i < ENC__MAX; i++) {
		resp[i] = body[i].resp;
		if (resp[i] != NULL)
			cost += body[i].bytes + RESP_OVERHEAD;
	}
	pthread_mutex_lock(&c->lock);
	e = find(c, key);
	/*
	 * Not kept: a slower render of an older (or the same) generation,
	 * or a page too big.
	 */
	if ((e != NULL && e->gen >= gen) ||
	    !cache_keeps(c, body[ENC_IDENTITY].bytes) || cost > c->budget) {
		pthread_mutex_unlock(&c->lock);
		bodies_free(resp);
		return;
	}
	if (e != NULL)
		drop(c, e);
	if (gen > c->newest)
		c->newest = gen;
	make_room(c, cost);
	e = xcalloc(1, sizeof(*e));
	e->key = xstrdup(key);
	e->gen = gen;
	e->cost = cost;
	for (i = 0; i < ENC__MAX; i++) {
		if ((e->resp[i] = resp[i]) == NULL)
			continue;
		e->etag[i] = xstrdup(body[i].etag);
		e->len[i] = body[i].bytes;
	}
	h = hash(c, key);
	e->chain = c->bucket[h];
	c->bucket[h] = e;
	link_use(c, e);
	c->bytes += cost;
	pthread_mutex_unlock(&c->lock);
}
