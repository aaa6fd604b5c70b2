/*
 * notify: see notify.h.  Each kind of event has its handler here.
 */
#include <stdio.h>
#include <string.h>

#include "env.h"
#include "notify.h"
#include "notify_reader.h"
#include "store.h"

static const struct handler {
	const char	*kind;
	int		(*fn)(const struct env *, int64_t item);
} handlers[] = {
	{ "confirm", notify_reader_confirm },	/* an address to confirm */
	{ "reply", notify_reader_reply },	/* a reply approved */
	{ NULL, NULL }
};

int
notify_event(const struct env *e, const char *kind, int64_t item)
{
	const struct handler	*h;

	for (h = handlers; h->kind != NULL; h++)
		if (strcmp(h->kind, kind) == 0)
			return h->fn(e, item);
	fprintf(stderr, "mail: event %s of %lld: no such kind, dropped\n",
	    kind, (long long)item);
	return STORE_OK;
}
