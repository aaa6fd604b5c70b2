/*
 * markdown: what both users of md4c (post bodies, comment text) need
 * before they call it.
 */
#ifndef GALLEY_MARKDOWN_H
#define GALLEY_MARKDOWN_H

#include <stddef.h>

/*
 * Returns a heap copy of src[0..len) safe to give md4c 0.4.8, with its
 * length in *n, or NULL if len is too large for md4c.  That version reads
 * past the end of a document whose last line ends in an unfinished link,
 * "[a](c", and crashes if ')' follows in memory (fuzzing found it), so
 * the copy ends in a newline, which Markdown ignores there, and zeros it
 * never counts.  The caller frees it.
 */
char	*markdown_copy(const char *src, size_t len, size_t *n);

#endif
