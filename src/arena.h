/*
 * arena: request memory.  Everything a request allocates (query results,
 * view models' strings, scratch text) comes from one arena that is freed in
 * one call when libmicrohttpd reports the request completed.  Pointers into
 * an arena stay valid until arena_free.
 */
#ifndef GALLEY_ARENA_H
#define GALLEY_ARENA_H

#include <stddef.h>

struct arena_chunk;

struct arena {
	struct arena_chunk	*head;
};

/* Prepares an empty arena; allocates nothing until first use. */
void	 arena_init(struct arena *a);
/* Frees every allocation made from a; a is empty and reusable after. */
void	 arena_free(struct arena *a);
/* Returns n bytes aligned for any type, valid until arena_free. */
void	*arena_alloc(struct arena *a, size_t n);
/* Returns a NUL-terminated copy of s[0..n) in the arena. */
char	*arena_strndup(struct arena *a, const char *s, size_t n);
/* Returns a copy of the NUL-terminated s in the arena (NULL gives NULL). */
char	*arena_strdup(struct arena *a, const char *s);
/* Returns printf-formatted text in the arena. */
char	*arena_printf(struct arena *a, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

#endif
