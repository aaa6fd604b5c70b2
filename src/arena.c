/*
 * arena: a chain of chunks (see arena.h).  Small allocations bump a pointer
 * in the newest chunk; an allocation bigger than a chunk gets a chunk of
 * its own, so nothing is ever copied or moved.
 */
#include <stdalign.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "arena.h"

#define ARENA_CHUNK	(16 * 1024)

struct arena_chunk {
	struct arena_chunk	*next;
	size_t			 used;
	size_t			 size;
	alignas(max_align_t) unsigned char data[];
};

void
arena_init(struct arena *a)
{
	a->head = NULL;
}

void
arena_free(struct arena *a)
{
	struct arena_chunk	*c, *next;

	for (c = a->head; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	a->head = NULL;
}

void *
arena_alloc(struct arena *a, size_t n)
{
	struct arena_chunk	*c = a->head;
	size_t			 al = alignof(max_align_t), size;

	n = (n + al - 1) & ~(al - 1);
	if (c == NULL || c->size - c->used < n) {
		size = n > ARENA_CHUNK / 2 ? n : ARENA_CHUNK;
		c = xmalloc(sizeof(*c) + size);
		c->used = 0;
		c->size = size;
		if (size == ARENA_CHUNK || a->head == NULL) {
			c->next = a->head;
			a->head = c;
		} else {
			/* Keep the partly used chunk at the head. */
			c->next = a->head->next;
			a->head->next = c;
		}
	}
	c->used += n;
	return c->data + c->used - n;
}

char *
arena_strndup(struct arena *a, const char *s, size_t n)
{
	char	*p = arena_alloc(a, n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
arena_strdup(struct arena *a, const char *s)
{
	return s == NULL ? NULL : arena_strndup(a, s, strlen(s));
}

char *
arena_printf(struct arena *a, const char *fmt, ...)
{
	struct arena_chunk	*c = a->head;
	va_list			 ap;
	int			 n;
	size_t			 room = c != NULL ? c->size - c->used : 0;
	char			*p;

	/* Written in place when it fits the head chunk: one pass, not two. */
	va_start(ap, fmt);
	n = vsnprintf(room ? (char *)c->data + c->used : NULL, room, fmt, ap);
	va_end(ap);
	if (n < 0)
		return arena_strdup(a, "");
	if ((size_t)n < room)
		return arena_alloc(a, (size_t)n + 1);
	p = arena_alloc(a, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}
