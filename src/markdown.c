/*
 * markdown: see markdown.h.
 */
#include <string.h>
#include <md4c.h>

#include "alloc.h"
#include "markdown.h"

#define MD_PAD		16	/* zeros after the text md4c parses */

char *
markdown_copy(const char *src, size_t len, size_t *n)
{
	char	*copy;

	if (len > (MD_SIZE)-1 - 1 - MD_PAD)
		return NULL;
	copy = xmalloc(len + 1 + MD_PAD);
	if (len > 0)
		memcpy(copy, src, len);
	*n = len;
	if (len == 0 || (copy[len - 1] != '\n' && copy[len - 1] != '\r'))
		copy[(*n)++] = '\n';
	memset(copy + *n, 0, len + 1 + MD_PAD - *n);
	return copy;
}
