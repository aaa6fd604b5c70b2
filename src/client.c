/*
 * client: see client.h.  Connections are kept in one doubly linked list
 * under one mutex; the reaper walks it (a few thousand entries at most,
 * every quarter second), and the per-address counts are a struct slots.
 */
#include <sys/socket.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "client.h"
#include "clock.h"
#include "slot.h"

enum phase {
	PHASE_HEAD,		/* awaiting a request head */
	PHASE_BODY,		/* reading a body */
	PHASE_BUSY		/* the server's turn: no deadline */
};

struct client {
	struct client	*prev, *next;
	int		 fd;
	int		 counted;	/* holds a place in addrs */
	int		 dropped;	/* shut down already */
	enum phase	 phase;
	int64_t		 since;		/* ms: the phase began */
	uint64_t	 bytes;		/* of body, this request */
	char		 addr[48];
};

struct clients {
	pthread_mutex_t		 lock;
	struct client_limits	 lim;
	struct client		*head;
	int			 n;
	struct slots		*addrs;
};

struct clients *
clients_new(const struct client_limits *lim)
{
	struct clients	*cs = xcalloc(1, sizeof(*cs));

	pthread_mutex_init(&cs->lock, NULL);
	cs->lim = *lim;
	cs->addrs = slots_new(lim->max, lim->per_addr > 0 ? lim->per_addr :
	    lim->max);
	return cs;
}

void
clients_free(struct clients *cs)
{
	struct client	*c, *next;

	if (cs == NULL)
		return;
	for (c = cs->head; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	slots_free(cs->addrs);
	pthread_mutex_destroy(&cs->lock);
	free(cs);
}

struct client *
client_open(struct clients *cs, int fd, const char *addr, int exempt)
{
	struct client	*c;
	int		 counted = 0;

	if (!exempt && cs->lim.per_addr > 0) {
		if (slots_take(cs->addrs, addr) != SLOT_OK)
			return NULL;
		counted = 1;
	}
	c = xcalloc(1, sizeof(*c));
	c->fd = fd;
	c->counted = counted;
	c->phase = PHASE_HEAD;
	c->since = clock_ms();
	strncpy(c->addr, addr, sizeof(c->addr) - 1);
	pthread_mutex_lock(&cs->lock);
	if ((c->next = cs->head) != NULL)
		c->next->prev = c;
	cs->head = c;
	cs->n++;
	pthread_mutex_unlock(&cs->lock);
	return c;
}

void
client_close(struct clients *cs, struct client *c)
{
	if (c == NULL)
		return;
	pthread_mutex_lock(&cs->lock);
	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		cs->head = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	cs->n--;
	pthread_mutex_unlock(&cs->lock);
	if (c->counted)
		slots_put(cs->addrs, c->addr);
	free(c);
}

/* Moves c to phase p from now. */
static void
enter(struct clients *cs, struct client *c, enum phase p)
{
	if (c == NULL)
		return;
	pthread_mutex_lock(&cs->lock);
	c->phase = p;
	c->since = clock_ms();
	c->bytes = 0;
	pthread_mutex_unlock(&cs->lock);
}

void
client_head(struct clients *cs, struct client *c, int body)
{
	enter(cs, c, body ? PHASE_BODY : PHASE_BUSY);
}

void
client_body(struct clients *cs, struct client *c, size_t n)
{
	if (c == NULL)
		return;
	pthread_mutex_lock(&cs->lock);
	c->bytes += n;
	pthread_mutex_unlock(&cs->lock);
}

void
client_body_done(struct clients *cs, struct client *c)
{
	enter(cs, c, PHASE_BUSY);
}

void
client_idle(struct clients *cs, struct client *c)
{
	enter(cs, c, PHASE_HEAD);
}

/* Returns 1 if c has missed its deadline at now. */
static int
late(const struct client_limits *lim, const struct client *c, int64_t now)
{
	int64_t	 age = now - c->since;

	switch (c->phase) {
	case PHASE_HEAD:
		return age > lim->head_ms;
	case PHASE_BODY:
		return age > lim->grace_ms &&
		    c->bytes * 1000 < (uint64_t)age * (uint64_t)lim->min_rate;
	default:
		return 0;
	}
}

int
clients_reap(struct clients *cs, int64_t now)
{
	struct client	*c;
	int		 n = 0;

	/*
	 * Under the lock, so no connection closes (and no descriptor is
	 * reused) while it is shut down.
	 */
	pthread_mutex_lock(&cs->lock);
	for (c = cs->head; c != NULL; c = c->next)
		if (!c->dropped && late(&cs->lim, c, now)) {
			(void)shutdown(c->fd, SHUT_RDWR);
			c->dropped = 1;
			n++;
		}
	pthread_mutex_unlock(&cs->lock);
	return n;
}

int
clients_count(struct clients *cs)
{
	int	 n;

	pthread_mutex_lock(&cs->lock);
	n = cs->n;
	pthread_mutex_unlock(&cs->lock);
	return n;
}
