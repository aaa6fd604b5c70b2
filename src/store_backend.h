/*
 * store_backend: what store.c needs of each storage back end.  Only
 * store.c and the store_*.c files include this; everyone else sees
 * store.h.  A back end's pool struct starts with a struct store.
 */
#ifndef GALLEY_STORE_BACKEND_H
#define GALLEY_STORE_BACKEND_H

#include <stddef.h>
#include <stdint.h>

struct store;
struct store_conn;

struct store_backend {
	const char	*name;
	/* Returns 1 if this back end serves uri. */
	int		(*match)(const char *uri);
	int		(*open)(const char *uri, int create, struct store **out,
			    char *err, size_t errlen);
	void		(*close)(struct store *);
	struct store_conn *(*conn_get)(struct store *);
	void		(*conn_put)(struct store *, struct store_conn *);
	/* Optional: see store_watch and store_generation_hint. */
	int		(*watch)(struct store *);
	int		(*generation_hint)(struct store *, int64_t *);
	void		(*generation_note)(struct store *, int64_t);
};

struct store {
	const struct store_backend	*be;
};

extern const struct store_backend store_sqlite_backend;
extern const struct store_backend store_pg_backend;

#endif
