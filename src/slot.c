/*
 * slot: see slot.h.  Keys that hold a place live in a chained hash table
 * sized to the budget, an entry made when a key takes its first place
 * and freed when it gives back its last; one mutex guards it all.
 */
#include <arpa/inet.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "slot.h"

#define KEY_MAX	48

struct entry {
	struct entry	*next;
	char		 key[KEY_MAX];
	int		 n;
};

struct slots {
	pthread_mutex_t	 lock;
	int		 total, per_key, used;
	size_t		 mask;		/* buckets - 1, a power of two */
	struct entry	**bucket;
};

struct slots *
slots_new(int total, int per_key)
{
	struct slots	*s = xcalloc(1, sizeof(*s));
	size_t		 n = 64;

	pthread_mutex_init(&s->lock, NULL);
	s->total = total < 1 ? 1 : total;
	s->per_key = per_key < 1 ? s->total : per_key;
	while (n < (size_t)s->total && n < (1u << 20))
		n <<= 1;
	s->mask = n - 1;
	s->bucket = xcalloc(n, sizeof(*s->bucket));
	return s;
}

void
slots_free(struct slots *s)
{
	struct entry	*e, *next;
	size_t		 i;

	if (s == NULL)
		return;
	for (i = 0; i <= s->mask; i++)
		for (e = s->bucket[i]; e != NULL; e = next) {
			next = e->next;
			free(e);
		}
	pthread_mutex_destroy(&s->lock);
	free(s->bucket);
	free(s);
}

void
slots_key(const char *addr, char *out, unsigned long len)
{
	unsigned char	 a6[16];

	if (len == 0)
		return;
	if (strchr(addr, ':') != NULL && inet_pton(AF_INET6, addr, a6) == 1 &&
	    memcmp(a6, "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12) != 0) {
		snprintf(out, len, "%02x%02x%02x%02x%02x%02x%02x%02x::/64",
		    a6[0], a6[1], a6[2], a6[3], a6[4], a6[5], a6[6], a6[7]);
		return;
	}
	snprintf(out, len, "%s", addr);
}

/* FNV-1a: keys are addresses, not chosen to collide in a 64-bit hash. */
static size_t
hash(const char *key)
{
	uint64_t	 h = 14695981039346656037ULL;

	for (; *key != '\0'; key++)
		h = (h ^ (unsigned char)*key) * 1099511628211ULL;
	return (size_t)h;
}

/* The link that points at key's entry (or at the NULL ending its chain). */
static struct entry **
find(struct slots *s, const char *key)
{
	struct entry	**pe = &s->bucket[hash(key) & s->mask];

	while (*pe != NULL && strcmp((*pe)->key, key) != 0)
		pe = &(*pe)->next;
	return pe;
}

int
slots_take(struct slots *s, const char *addr)
{
	struct entry	**pe, *e;
	char		 key[KEY_MAX];
	int		 rc = SLOT_OK;

	slots_key(addr, key, sizeof(key));
	pthread_mutex_lock(&s->lock);
	pe = find(s, key);
	if (s->used >= s->total)
		rc = SLOT_FULL;
	else if (*pe != NULL && (*pe)->n >= s->per_key)
		rc = SLOT_MINE_FULL;
	else {
		if ((e = *pe) == NULL) {
			e = *pe = xcalloc(1, sizeof(*e));
			memcpy(e->key, key, sizeof(key));
		}
		e->n++;
		s->used++;
	}
	pthread_mutex_unlock(&s->lock);
	return rc;
}

void
slots_put(struct slots *s, const char *addr)
{
	struct entry	**pe, *e;
	char		 key[KEY_MAX];

	slots_key(addr, key, sizeof(key));
	pthread_mutex_lock(&s->lock);
	if ((e = *(pe = find(s, key))) != NULL) {
		s->used--;
		if (--e->n == 0) {
			*pe = e->next;
			free(e);
		}
	}
	pthread_mutex_unlock(&s->lock);
}

int
slots_used(struct slots *s)
{
	int	 n;

	pthread_mutex_lock(&s->lock);
	n = s->used;
	pthread_mutex_unlock(&s->lock);
	return n;
}
