/*
 * buf: a growable output buffer with a sticky error.  Renderers (Mustache,
 * Markdown, escaping) all write through the same writer callback shape as
 * md4c's output callback, buf_write(data, len, userdata), so every producer
 * can stream into one buffer.  A buffer whose size would pass its limit sets
 * its error and ignores further writes; the caller checks buf.err once.
 */
#ifndef GALLEY_BUF_H
#define GALLEY_BUF_H

#include <stddef.h>

struct buf {
	char	*data;	/* NUL-terminated after any write; may be NULL */
	size_t	 len;
	size_t	 cap;
	size_t	 max;	/* 0: no limit */
	int	 err;	/* sticky: set once a write did not fit */
};

/* Prepares b as empty with no limit; owns no memory yet. */
void	buf_init(struct buf *b);
/* Frees what b holds and leaves it empty, ready for reuse. */
void	buf_reset(struct buf *b);
/* Appends len bytes; the writer callback shape (userdata is the buf). */
void	buf_write(const char *data, size_t len, void *userdata);
/* Appends a NUL-terminated string. */
void	buf_puts(struct buf *b, const char *s);
/* Appends one byte. */
void	buf_putc(struct buf *b, char c);
/* Appends printf-formatted text. */
void	buf_printf(struct buf *b, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* Hands the data to the caller (who frees it) and leaves b empty. */
char	*buf_take(struct buf *b, size_t *len);

#endif
