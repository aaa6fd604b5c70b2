/*
 * db: what both drivers share (see db.h): the table of a connection's
 * prepared statements, keyed by the address of their SQL literal, and
 * the words that refuse a database newer than the binary.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "alloc.h"
#include "db.h"

/* The index of key's place: free, or holding key. */
static size_t
find(const struct db_cache *c, const char *key)
{
	size_t	 i = ((uintptr_t)key >> 3) * 11400714819323198485ULL;

	for (i &= c->cap - 1; c->key[i] != NULL && c->key[i] != key;
	    i = (i + 1) & (c->cap - 1))
		;
	return i;
}

/* Keeps the table under two thirds full, doubling it. */
static void
grow(struct db_cache *c)
{
	const char	**okey = c->key;
	void		**oval = c->val;
	size_t		 i, j, n = c->cap;

	if (c->cap != 0 && 3 * (c->n + 1) <= 2 * c->cap)
		return;
	c->cap = n ? 2 * n : 64;
	c->key = xcalloc(c->cap, sizeof(*c->key));
	c->val = xcalloc(c->cap, sizeof(*c->val));
	for (i = 0; i < n; i++)
		if (okey[i] != NULL) {
			j = find(c, okey[i]);
			c->key[j] = okey[i];
			c->val[j] = oval[i];
		}
	free(okey);
	free(oval);
}

void **
db_cache_place(struct db_cache *c, const char *sql)
{
	size_t	 i;

	grow(c);
	if (c->key[i = find(c, sql)] == NULL) {
		c->key[i] = sql;
		c->n++;
	}
	return &c->val[i];
}

void
db_cache_each(struct db_cache *c, void (*fn)(void *))
{
	size_t	 i;

	for (i = 0; i < c->cap; i++)
		if (c->val[i] != NULL)
			fn(c->val[i]);
}

void
db_cache_free(struct db_cache *c, void (*fn)(void *))
{
	db_cache_each(c, fn);
	free(c->key);
	free(c->val);
	c->key = NULL;
	c->val = NULL;
	c->cap = c->n = 0;
}

void
db_too_new(int have, int know, char *err, size_t errlen)
{
	snprintf(err, errlen, "this database was made by a newer Galley"
	    " (schema %d, this binary knows up to %d): it is left as it is;"
	    " run the newer galley, or restore a backup taken before the"
	    " upgrade (docs/DEPLOY.md, Upgrades)", have, know);
}
