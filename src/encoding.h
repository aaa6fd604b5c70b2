/*
 * encoding: the content codings a response may go out in (RFC 9110
 * 8.4): which one a request's Accept-Encoding prefers among those a
 * response has, and making a body's brotli or gzip encoding.  Encodings
 * are made once, when a page goes into the page cache or the theme is
 * loaded, never for one request.
 */
#ifndef GALLEY_ENCODING_H
#define GALLEY_ENCODING_H

#include <stddef.h>

/* In order of preference when a request weighs several alike. */
enum encoding {
	ENC_BR,
	ENC_GZIP,
	ENC_IDENTITY,
	ENC__MAX
};

/* Bodies shorter than this are sent as they are: nothing to gain. */
#define ENCODING_MIN	256

/* The coding's name as Content-Encoding says it ("br", "gzip", "identity"). */
const char	*encoding_name(enum encoding);
/*
 * The encoding to send, of those whose bit (1u << enc) is set in have,
 * for a request whose Accept-Encoding is accept (NULL when absent): the
 * one with the highest q-value, br before gzip before identity at equal
 * q.  Codings are compared without case, "x-gzip" is "gzip", "*" stands
 * for every coding not listed, and q=0 refuses one.  identity is
 * acceptable unless refused; when nothing in have is acceptable, the
 * answer is ENC_IDENTITY all the same (RFC 9110 12.5.3 allows that, and
 * a 406 helps no reader), so have must include it.
 */
enum encoding	 encoding_choose(const char *accept, unsigned int have);
/*
 * Encodes data (len bytes) with enc (ENC_BR or ENC_GZIP) into a heap
 * buffer the caller frees, its length in *out_len.  Returns NULL when
 * not worth keeping: len under ENCODING_MIN, or a result no shorter
 * than data.
 */
unsigned char	*encoding_make(enum encoding enc, const void *data,
		    size_t len, size_t *out_len);

#endif
