/*
 * alloc: allocation that never fails.  Every function aborts the process
 * with a message on exhaustion, so callers never test for NULL.  Sizes that
 * come from the network must be bounded by the caller before they get here.
 */
#ifndef GALLEY_ALLOC_H
#define GALLEY_ALLOC_H

#include <stddef.h>

/* Returns heap memory of size n (n may be 0); the caller frees it. */
void	*xmalloc(size_t n);
/* Returns zeroed heap memory for nmemb * size bytes; aborts on overflow. */
void	*xcalloc(size_t nmemb, size_t size);
/* Resizes p to n bytes; p may be NULL.  The old pointer is invalid after. */
void	*xrealloc(void *p, size_t n);
/* Returns a heap copy of the NUL-terminated s; the caller frees it. */
char	*xstrdup(const char *s);
/* Returns a NUL-terminated heap copy of the n bytes at s. */
char	*xstrndup(const char *s, size_t n);

#endif
