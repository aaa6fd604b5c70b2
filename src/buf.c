/*
 * buf: the growable output buffer declared in buf.h.  Growth doubles, so
 * appending n bytes in small pieces costs O(n).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "buf.h"

void
buf_init(struct buf *b)
{
	memset(b, 0, sizeof(*b));
}

void
buf_reset(struct buf *b)
{
	size_t	 max = b->max;

	free(b->data);
	buf_init(b);
	b->max = max;
}

static int
buf_grow(struct buf *b, size_t add)
{
	size_t	 need, cap;

	if (b->err)
		return -1;
	if (add > (size_t)-1 / 2 - b->len ||
	    (b->max != 0 && b->len + add > b->max)) {
		b->err = 1;
		return -1;
	}
	need = b->len + add + 1;
	if (need <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 256;
	while (cap < need)
		cap *= 2;
	b->data = xrealloc(b->data, cap);
	b->cap = cap;
	return 0;
}

void
buf_write(const char *data, size_t len, void *userdata)
{
	struct buf	*b = userdata;

	/* The common case, room left, without buf_grow's checks. */
	if (len < b->cap - b->len && !b->err && (b->max == 0 ||
	    b->len + len <= b->max)) {
		if (len > 0)	/* data may be NULL then */
			memcpy(b->data + b->len, data, len);
		b->len += len;
		b->data[b->len] = '\0';
		return;
	}
	if (buf_grow(b, len) == -1)
		return;
	if (len > 0)
		memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
}

void
buf_puts(struct buf *b, const char *s)
{
	buf_write(s, strlen(s), b);
}

void
buf_putc(struct buf *b, char c)
{
	buf_write(&c, 1, b);
}

void
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list	 ap;
	size_t	 room = b->cap - b->len;
	int	 n;

	if (b->err)
		return;
	/* Once into the room left, which most writes fit; again if not. */
	va_start(ap, fmt);
	n = vsnprintf(room > 0 ? b->data + b->len : NULL, room, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= room) {
		if (room > 0)
			b->data[b->len] = '\0';
		if (buf_grow(b, (size_t)n) == -1)
			return;
		va_start(ap, fmt);
		vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
		va_end(ap);
	} else if (b->max != 0 && b->len + (size_t)n > b->max) {
		b->data[b->len] = '\0';
		b->err = 1;
		return;
	}
	b->len += (size_t)n;
}

char *
buf_take(struct buf *b, size_t *len)
{
	char	*p = b->data;

	if (p == NULL)
		p = xstrdup("");
	if (len != NULL)
		*len = b->len;
	b->data = NULL;
	b->len = b->cap = 0;
	return p;
}
