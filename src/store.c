/*
 * store: picks the back end for a database URI and forwards the pool
 * calls to it (see store.h).  The data operations need no forwarding:
 * callers reach them through conn->ops.
 */
#include <stdio.h>

#include "store.h"
#include "store_backend.h"

static const struct store_backend *const backends[] = {
	&store_pg_backend,
	&store_sqlite_backend,	/* last: it takes any path */
};

int
store_open(const char *uri, int create, struct store **out, char *err,
    size_t errlen)
{
	size_t	 i;

	for (i = 0; i < sizeof(backends) / sizeof(backends[0]); i++)
		if (backends[i]->match(uri))
			return backends[i]->open(uri, create, out, err, errlen);
	snprintf(err, errlen, "%s: no storage back end for this URI", uri);
	return STORE_ERROR;
}

void
store_close(struct store *s)
{
	if (s != NULL)
		s->be->close(s);
}

struct store_conn *
store_conn_get(struct store *s)
{
	return s->be->conn_get(s);
}

void
store_conn_put(struct store *s, struct store_conn *c)
{
	if (c != NULL)
		s->be->conn_put(s, c);
}

int
store_conns(const struct store *s)
{
	return s->conns;
}

int
store_watch(struct store *s)
{
	return s->be->watch != NULL ? s->be->watch(s) : -1;
}

int
store_generation_hint(struct store *s, int64_t *gen)
{
	return s->be->generation_hint != NULL &&
	    s->be->generation_hint(s, gen);
}

void
store_generation_note(struct store *s, int64_t gen)
{
	if (s->be->generation_note != NULL)
		s->be->generation_note(s, gen);
}

const char *
store_rc_name(int rc)
{
	static const char *const names[] = {
		"ok", "not found", "conflict", "retry", "database down",
		"database error", "disk full"
	};

	if (rc < 0 || (size_t)rc >= sizeof(names) / sizeof(names[0]))
		return "unknown";
	return names[rc];
}
