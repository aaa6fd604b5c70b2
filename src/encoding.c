/*
 * encoding: Accept-Encoding read by its q-values, and bodies encoded
 * with libbrotli and zlib (see encoding.h).  Both run once per rendered
 * page that the cache keeps, so the levels are those whose cost stays
 * near the render's own: brotli quality 5 with a 4 MiB window (22 bits)
 * and gzip level 6.  Measured on this project's 2-core machine, once per
 * body (the demo article, 15.7 KB; the same article with 20 and 50
 * comments, 51 KB and 109 KB; with 200, 413 KB):
 *
 *   brotli q5   0.5 ms  26%   0.8 ms  12%   1.1 ms  8.6%   3.1 ms  6.2%
 *   brotli q6   0.7 ms  26%   0.9 ms  12%   1.3 ms  8.6%   3.5 ms  6.2%
 *   brotli q7   2.4 ms  26%   2.1 ms  12%    29 ms  8.6%    48 ms  6.2%
 *   brotli q11   19 ms  22%   112 ms 9.8%   230 ms  7.2%   690 ms  5.0%
 *   gzip 6     0.2 ms  29%   0.8 ms  13%   1.0 ms   10%   3.7 ms  7.7%
 *
 * q6 buys nothing over q5; from q7 on the time jumps tenfold for under
 * 0.1% of size; q11 saves another fifth but costs more than most
 * renders.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#define ZLIB_CONST
#include <zlib.h>
#include <brotli/encode.h>

#include "alloc.h"
#include "encoding.h"

#define BR_QUALITY	5
#define BR_WINDOW	22
#define GZIP_LEVEL	6
#define QMAX		1000		/* q=1, in thousandths */

static const char *const names[ENC__MAX] = {
	[ENC_BR] = "br",
	[ENC_GZIP] = "gzip",
	[ENC_IDENTITY] = "identity",
};

const char *
encoding_name(enum encoding enc)
{
	return names[enc];
}

#define OWS(c)	((c) == ' ' || (c) == '\t')

/* A qvalue ("0", "0.5", "1.000") in thousandths, or -1 if malformed. */
static int
qvalue(const char *s, const char *e)
{
	int	 q, scale = 100;

	if (s == e || (*s != '0' && *s != '1'))
		return -1;
	q = (*s++ - '0') * QMAX;
	if (s < e && *s == '.')
		for (s++; s < e && scale > 0 && *s >= '0' && *s <= '9';
		    s++, scale /= 10)
			q += (*s - '0') * scale;
	return s == e && q <= QMAX ? q : -1;
}

/*
 * One element of the list, [s, e), blanks trimmed: a coding and its
 * parameters.  Returns its q-value (1000 without one), the coding in
 * *name and *len; -1 if its q is malformed, and the element is ignored.
 */
static int
element(const char *s, const char *e, const char **name, size_t *len)
{
	const char	*p, *v;
	int		 q = QMAX;

	*name = s;
	for (p = s; p < e && *p != ';' && !OWS(*p); p++)
		continue;
	*len = (size_t)(p - s);
	while (p < e) {
		while (p < e && (OWS(*p) || *p == ';'))
			p++;
		for (v = p; v < e && *v != ';'; v++)
			continue;
		if (v - p >= 2 && (*p == 'q' || *p == 'Q') && p[1] == '=') {
			while (v > p && OWS(v[-1]))
				v--;
			if ((q = qvalue(p + 2, v)) == -1)
				return -1;
		}
		for (p = v; p < e && *p != ';'; p++)
			continue;
	}
	return q;
}

/* Which coding name (len bytes) is: an encoding, ENC__MAX for "*", -1. */
static int
coding(const char *name, size_t len)
{
	static const struct {
		const char	*name;
		int		 enc;
	} codings[] = {
		{ "br", ENC_BR },
		{ "gzip", ENC_GZIP },
		{ "x-gzip", ENC_GZIP },
		{ "identity", ENC_IDENTITY },
		{ "*", ENC__MAX },
	};
	size_t	 i;

	for (i = 0; i < sizeof(codings) / sizeof(codings[0]); i++)
		if (strlen(codings[i].name) == len &&
		    strncasecmp(codings[i].name, name, len) == 0)
			return codings[i].enc;
	return -1;
}

enum encoding
encoding_choose(const char *accept, unsigned int have)
{
	int		 q[ENC__MAX + 1], i, k, best = ENC_IDENTITY, bestq = 0;
	const char	*s, *e, *name;
	size_t		 len;

	if (accept == NULL)
		return ENC_IDENTITY;
	for (i = 0; i <= ENC__MAX; i++)
		q[i] = -1;			/* not listed */
	for (s = accept; *s != '\0'; s = *e == ',' ? e + 1 : e) {
		while (OWS(*s) || *s == ',')
			s++;
		for (e = s; *e != '\0' && *e != ','; e++)
			continue;
		if (e == s)
			break;
		/* A coding listed twice counts as it was listed first. */
		if ((k = element(s, e, &name, &len)) >= 0 &&
		    (i = coding(name, len)) >= 0 && q[i] == -1)
			q[i] = k;
	}
	/*
	 * "*" weighs what is not listed; identity, unless refused, is
	 * acceptable even then, as the last choice (q of one thousandth).
	 */
	for (i = 0; i < ENC__MAX; i++)
		if (q[i] == -1)
			q[i] = q[ENC__MAX] != -1 ? q[ENC__MAX] :
			    i == ENC_IDENTITY ? 1 : 0;
	for (i = 0; i < ENC__MAX; i++)
		if ((have & (1u << i)) && q[i] > bestq) {
			best = i;
			bestq = q[i];
		}
	return (enum encoding)best;
}

/* Brotli into out (*n bytes of room); 0 with *n its length, or -1. */
static int
brotli(const void *data, size_t len, unsigned char *out, size_t *n)
{
	return BrotliEncoderCompress(BR_QUALITY, BR_WINDOW, BROTLI_MODE_TEXT,
	    len, data, n, out) == BROTLI_TRUE ? 0 : -1;
}

/* gzip (RFC 1952, no name, time 0) likewise. */
static int
gzip(const void *data, size_t len, unsigned char *out, size_t *n)
{
	z_stream	 z;
	int		 rc;

	memset(&z, 0, sizeof(z));
	if (deflateInit2(&z, GZIP_LEVEL, Z_DEFLATED, 15 + 16, 8,
	    Z_DEFAULT_STRATEGY) != Z_OK)
		return -1;
	z.next_in = data;
	z.avail_in = (uInt)len;
	z.next_out = out;
	z.avail_out = (uInt)*n;
	rc = deflate(&z, Z_FINISH);
	*n = z.total_out;
	deflateEnd(&z);
	return rc == Z_STREAM_END ? 0 : -1;
}

unsigned char *
encoding_make(enum encoding enc, const void *data, size_t len,
    size_t *out_len)
{
	unsigned char	*out;
	size_t		 n;

	if (len < ENCODING_MIN || len > UINT_MAX ||
	    (enc != ENC_BR && enc != ENC_GZIP))
		return NULL;
	/* Room for one byte less: a result that does not fit is no gain. */
	n = len - 1;
	out = xmalloc(n);
	if ((enc == ENC_BR ? brotli(data, len, out, &n) :
	    gzip(data, len, out, &n)) == -1 || n >= len) {
		free(out);
		return NULL;
	}
	*out_len = n;
	return xrealloc(out, n);
}
