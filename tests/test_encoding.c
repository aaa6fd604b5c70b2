/*
 * test_encoding: encoding_choose() over the cases of RFC 9110 12.5.3
 * (q-values, "*", identity, q=0 refusing, case, blanks, malformed
 * weights, codings the response lacks), and encoding_make()'s bodies
 * decoded again by the real libraries (http_decode: libbrotlidec's
 * decoder, zlib's inflate reading a gzip wrapper), equal byte for byte,
 * and a stream cut short refused; nothing made for a tiny or
 * incompressible body; the same bytes every time.
 */
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "buf.h"
#include "check.h"
#include "encoding.h"
#include "http.h"

#define ALL	((1u << ENC_BR) | (1u << ENC_GZIP) | (1u << ENC_IDENTITY))
#define GZ_ID	((1u << ENC_GZIP) | (1u << ENC_IDENTITY))
#define ID	(1u << ENC_IDENTITY)

#define CHOOSE(accept, have, want)	choose((accept), (have), (want), \
					    __LINE__)

static void
choose(const char *accept, unsigned int have, enum encoding want, int line)
{
	enum encoding	 got = encoding_choose(accept, have);
	char		 what[300];

	snprintf(what, sizeof(what), "Accept-Encoding: %s -> %s (got %s)",
	    accept ? accept : "(none)", encoding_name(want),
	    encoding_name(got));
	check_one(got == want, what, __FILE__, line);
}

static void
test_choose(void)
{
	/* No header, or an empty one: no coding wanted. */
	CHOOSE(NULL, ALL, ENC_IDENTITY);
	CHOOSE("", ALL, ENC_IDENTITY);
	CHOOSE(" ", ALL, ENC_IDENTITY);
	CHOOSE("br", ALL, ENC_BR);
	CHOOSE("gzip", ALL, ENC_GZIP);
	/* Equal q: br first, whatever the order sent. */
	CHOOSE("gzip, br", ALL, ENC_BR);
	CHOOSE("gzip, deflate, br, zstd", ALL, ENC_BR);
	/* RFC 9110's examples. */
	CHOOSE("compress, gzip", ALL, ENC_GZIP);
	CHOOSE("*", ALL, ENC_BR);
	CHOOSE("compress;q=0.5, gzip;q=1.0", ALL, ENC_GZIP);
	CHOOSE("gzip;q=1.0, identity; q=0.5, *;q=0", ALL, ENC_GZIP);
	/* Weights decide. */
	CHOOSE("br;q=0.5, gzip;q=0.8", ALL, ENC_GZIP);
	CHOOSE("br;q=0.8, gzip;q=0.5", ALL, ENC_BR);
	CHOOSE("gzip;q=0.5, *;q=0.1", ALL, ENC_GZIP);
	CHOOSE("*;q=0.5, gzip;q=0.2", ALL, ENC_BR);
	CHOOSE("br;q=0.5, identity", ALL, ENC_IDENTITY);
	CHOOSE("identity", ALL, ENC_IDENTITY);
	/* Unlisted identity is the last choice, yet a choice. */
	CHOOSE("br;q=0.001", ALL, ENC_BR);
	CHOOSE("deflate", ALL, ENC_IDENTITY);
	/* q=0: not acceptable. */
	CHOOSE("gzip;q=0, br;q=0", ALL, ENC_IDENTITY);
	CHOOSE("br;q=0", ALL, ENC_IDENTITY);
	CHOOSE("br;q=0, *", ALL, ENC_GZIP);
	CHOOSE("br;q=0.000, gzip;q=0.", ALL, ENC_IDENTITY);
	CHOOSE("identity;q=0, gzip", ALL, ENC_GZIP);
	/* Nothing acceptable: identity all the same, not a 406. */
	CHOOSE("*;q=0", ALL, ENC_IDENTITY);
	CHOOSE("identity;q=0", ID, ENC_IDENTITY);
	CHOOSE("br;q=0, gzip;q=0, identity;q=0", ALL, ENC_IDENTITY);
	/* Only what the response has. */
	CHOOSE("br, gzip;q=0.5", GZ_ID, ENC_GZIP);
	CHOOSE("br", GZ_ID, ENC_IDENTITY);
	CHOOSE("br, gzip", ID, ENC_IDENTITY);
	CHOOSE("*", GZ_ID, ENC_GZIP);
	/* Case, x-gzip, blanks, empty elements, other parameters. */
	CHOOSE("BR", ALL, ENC_BR);
	CHOOSE("GZip;Q=0.9, bR;q=0.1", ALL, ENC_GZIP);
	CHOOSE("x-gzip", ALL, ENC_GZIP);
	CHOOSE(" gzip ; q=0.5 ,\tbr ; q=0.4 ", ALL, ENC_GZIP);
	CHOOSE(",,br,,", ALL, ENC_BR);
	CHOOSE("gzip;level=9;q=0.7, br;q=0.6", ALL, ENC_GZIP);
	CHOOSE("brotli, gzipx, xgzip", ALL, ENC_IDENTITY);
	/* The first of a coding listed twice counts. */
	CHOOSE("gzip;q=0, gzip", ALL, ENC_IDENTITY);
	CHOOSE("br, br;q=0", ALL, ENC_BR);
	/* A malformed weight drops its element. */
	CHOOSE("br;q=2, gzip;q=0.1", ALL, ENC_GZIP);
	CHOOSE("br;q=1.001, gzip;q=0.1", ALL, ENC_GZIP);
	CHOOSE("br;q=0.5555, gzip;q=0.1", ALL, ENC_GZIP);
	CHOOSE("br;q=.5, gzip;q=0.1", ALL, ENC_GZIP);
	CHOOSE("br;q=, gzip;q=0.1", ALL, ENC_GZIP);
	CHOOSE("br;q=0.5x, gzip;q=0.1", ALL, ENC_GZIP);
	CHOOSE("br;q=1.000, gzip;q=0.999", ALL, ENC_BR);
	CHOOSE("br;q=-1, gzip;q=0.1", ALL, ENC_GZIP);
}

/* Encodes data both ways and decodes it back with the real libraries. */
static void
round_trip(const char *data, size_t len)
{
	unsigned char	*br, *gz, *again;
	size_t		 brlen = 0, gzlen = 0, n = 0;
	struct buf	 back;

	br = encoding_make(ENC_BR, data, len, &brlen);
	gz = encoding_make(ENC_GZIP, data, len, &gzlen);
	if (!CHECK(br != NULL && gz != NULL))
		goto out;
	CHECK(brlen > 0 && brlen < len && gzlen > 0 && gzlen < len);
	buf_init(&back);
	CHECK(http_decode("br", br, brlen, &back) == 0);
	CHECK(back.len == len && memcmp(back.data, data, len) == 0);
	buf_reset(&back);
	CHECK(http_decode("gzip", gz, gzlen, &back) == 0);
	CHECK(back.len == len && memcmp(back.data, data, len) == 0);
	buf_reset(&back);
	/* A stream cut short is not taken for a whole one. */
	CHECK(http_decode("br", br, brlen - 1, &back) == -1);
	buf_reset(&back);
	CHECK(http_decode("gzip", gz, gzlen - 1, &back) == -1);
	buf_reset(&back);
	/* The gzip wrapper: magic, deflate, no name, time 0. */
	CHECK(gz[0] == 0x1f && gz[1] == 0x8b && gz[2] == 8 && gz[3] == 0 &&
	    gz[4] == 0 && gz[5] == 0 && gz[6] == 0 && gz[7] == 0);
	/* The same body, the same bytes: an ETag may name them. */
	again = encoding_make(ENC_BR, data, len, &n);
	CHECK(again != NULL && n == brlen && memcmp(again, br, n) == 0);
	free(again);
	again = encoding_make(ENC_GZIP, data, len, &n);
	CHECK(again != NULL && n == gzlen && memcmp(again, gz, n) == 0);
	free(again);
out:
	free(br);
	free(gz);
}

static void
test_make(void)
{
	struct buf	 b;
	unsigned char	 noise[4096];
	size_t		 i, n = 12345;
	const char	*small = "<p>Hello, hello, hello, hello, hello.</p>";

	buf_init(&b);
	for (i = 0; i < 2000; i++)
		buf_printf(&b, "<li class=\"comment\" id=\"comment-%zu\"><p>"
		    "Comment number %zu says %s.</p></li>\n", i, i * 7919 % 1000,
		    i % 3 ? "something" : "nothing much");
	round_trip(b.data, b.len);
	/* Just past the threshold, and text the size of a page. */
	round_trip(b.data, ENCODING_MIN);
	round_trip(b.data, 15000);
	buf_reset(&b);

	/* Too small to bother, whatever it would gain. */
	CHECK(encoding_make(ENC_BR, small, strlen(small), &n) == NULL);
	CHECK(encoding_make(ENC_GZIP, small, strlen(small), &n) == NULL);
	memset(noise, 'a', sizeof(noise));
	CHECK(encoding_make(ENC_GZIP, noise, ENCODING_MIN - 1, &n) == NULL);
	CHECK(n == 12345);
	/* Incompressible: no encoding is kept. */
	randombytes_buf(noise, sizeof(noise));
	CHECK(encoding_make(ENC_BR, noise, sizeof(noise), &n) == NULL);
	CHECK(encoding_make(ENC_GZIP, noise, sizeof(noise), &n) == NULL);
	/* identity is not made. */
	CHECK(encoding_make(ENC_IDENTITY, noise, sizeof(noise), &n) == NULL);

	CHECK_STR(encoding_name(ENC_BR), "br");
	CHECK_STR(encoding_name(ENC_GZIP), "gzip");
	CHECK_STR(encoding_name(ENC_IDENTITY), "identity");
}

int
main(void)
{
	if (sodium_init() == -1)
		return 1;
	test_choose();
	test_make();
	return check_done();
}
