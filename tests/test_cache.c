/*
 * test_cache: the page cache through its interface, behind a real
 * libmicrohttpd daemon on an ephemeral loopback port whose every request
 * is a cache_queue (a miss answers 404), read with libcurl.  A page is
 * answered in the encoding the request prefers of those kept, 304 on
 * each encoding's own ETag and not on another's; another generation is
 * a miss, and a slower render of an older one does not replace a newer.
 * Past the byte budget the least recently used page goes first, a hit
 * makes a page the most recent, a new generation drops the older ones
 * first, the bytes held never pass the budget, and a page over a quarter
 * of it is not kept.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <microhttpd.h>

#include "cache.h"
#include "check.h"
#include "http.h"

#define MIB		(1024 * 1024)

static _Atomic(struct cache *)	 cur;	/* the cache the daemon reads */
static atomic_llong		 gen;	/* the generation it asks for */

static enum MHD_Result
handler(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_len, void **ptr)
{
	static char		 miss[] = "miss";
	struct MHD_Response	*resp;
	enum MHD_Result		 rc;
	size_t			 bytes;
	int			 status;

	(void)cls;
	(void)method;
	(void)version;
	(void)upload;
	(void)upload_len;
	(void)ptr;
	if (cache_queue(atomic_load(&cur), url, atomic_load(&gen), conn,
	    MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_IF_NONE_MATCH), MHD_lookup_connection_value(conn,
	    MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT_ENCODING), &status,
	    &bytes))
		return MHD_YES;
	resp = MHD_create_response_from_buffer(sizeof(miss) - 1, miss,
	    MHD_RESPMEM_PERSISTENT);
	rc = MHD_queue_response(conn, MHD_HTTP_NOT_FOUND, resp);
	MHD_destroy_response(resp);
	return rc;
}

/*
 * Puts key at generation g: its identity body len bytes of fill, and
 * the encodings in encs (bits), a quarter as long, each starting with
 * "KEY ENCODING" and tagged "\"KEY-ENCODING\"".
 */
static void
put(struct cache *c, const char *key, int64_t g, size_t len, char fill,
    unsigned int encs)
{
	struct cache_body	 b[ENC__MAX];
	char			 tag[ENC__MAX][64], label[64];
	char			*data;
	size_t			 n;
	int			 i;

	memset(b, 0, sizeof(b));
	for (i = 0; i < ENC__MAX; i++) {
		if (i != ENC_IDENTITY && !(encs & (1u << i)))
			continue;
		n = i == ENC_IDENTITY ? len : len / 4;
		data = malloc(n);
		memset(data, fill, n);
		snprintf(label, sizeof(label), "%s %s", key, encoding_name(i));
		memcpy(data, label, strlen(label) < n ? strlen(label) : n);
		snprintf(tag[i], sizeof(tag[i]), "\"%s-%s\"", key,
		    encoding_name(i));
		b[i].resp = MHD_create_response_from_buffer_with_free_callback(
		    n, data, free);
		MHD_add_response_header(b[i].resp, MHD_HTTP_HEADER_ETAG,
		    tag[i]);
		b[i].etag = tag[i];
		b[i].bytes = n;
	}
	cache_put(c, key, g, b);
}

/* GET path with the headers; 1 if it was a hit whose body starts so. */
static int
hit(struct srv *s, const char *path, const char *const *headers,
    const char *starts)
{
	struct resp	 r;
	int		 ok;

	ok = http_req(s, "GET", path, headers, &r) == 0 && r.status == 200 &&
	    (starts == NULL || (r.body.len >= strlen(starts) &&
	    memcmp(r.body.data, starts, strlen(starts)) == 0));
	resp_free(&r);
	return ok;
}

/* Returns the status of GET path with one extra header line. */
static long
status_of(struct srv *s, const char *path, const char *h1, const char *h2)
{
	struct resp	 r;
	long		 st;

	st = http_req(s, "GET", path, (const char *[]){ h1, h2, NULL }, &r) ==
	    0 ? r.status : -1;
	resp_free(&r);
	return st;
}

#define AE(x)	(const char *[]){ "Accept-Encoding: " x, NULL }

static void
test_encodings(struct srv *s)
{
	struct cache	*c = cache_new(4 * MIB);
	unsigned int	 both = (1u << ENC_BR) | (1u << ENC_GZIP);
	struct resp	 r;

	atomic_store(&cur, c);
	atomic_store(&gen, 1);
	put(c, "/a", 1, 4000, 'a', both);
	put(c, "/g", 1, 4000, 'g', 1u << ENC_GZIP);
	CHECK(hit(s, "/a", NULL, "/a identity"));
	CHECK(hit(s, "/a", AE("br"), "/a br"));
	CHECK(hit(s, "/a", AE("gzip"), "/a gzip"));
	CHECK(hit(s, "/a", AE("gzip, br"), "/a br"));
	CHECK(hit(s, "/a", AE("br;q=0.5, gzip;q=0.8"), "/a gzip"));
	CHECK(hit(s, "/a", AE("gzip;q=0, br;q=0"), "/a identity"));
	/* Of what the page has. */
	CHECK(hit(s, "/g", AE("br"), "/g identity"));
	CHECK(hit(s, "/g", AE("br, gzip"), "/g gzip"));
	CHECK(http_req(s, "GET", "/a", AE("br"), &r) == 0 &&
	    r.body.len == 1000);
	CHECK_STR(resp_header(&r, "ETag"), "\"/a-br\"");
	resp_free(&r);

	/* Each encoding's own ETag, and only its own, makes a 304. */
	CHECK(status_of(s, "/a", "If-None-Match: \"/a-identity\"", NULL) ==
	    304);
	CHECK(status_of(s, "/a", "If-None-Match: \"/a-br\"",
	    "Accept-Encoding: br") == 304);
	CHECK(status_of(s, "/a", "If-None-Match: \"/a-gzip\"",
	    "Accept-Encoding: gzip") == 304);
	CHECK(status_of(s, "/a", "If-None-Match: \"/a-br\"",
	    "Accept-Encoding: gzip") == 200);
	CHECK(status_of(s, "/a", "If-None-Match: \"/a-identity\"",
	    "Accept-Encoding: br") == 200);
	CHECK(status_of(s, "/a", "If-None-Match: \"/a-br\"", NULL) == 200);

	/* Another generation is a miss; an older render keeps the newer. */
	atomic_store(&gen, 2);
	CHECK(status_of(s, "/a", NULL, NULL) == 404);
	put(c, "/a", 2, 4000, 'A', 0);
	put(c, "/a", 1, 4000, 'x', 0);
	CHECK(hit(s, "/a", AE("br"), "/a identity"));
	CHECK(http_req(s, "GET", "/a", NULL, &r) == 0 && r.body.len == 4000 &&
	    r.body.data[3999] == 'A');
	resp_free(&r);
	atomic_store(&gen, 1);
	CHECK(status_of(s, "/a", NULL, NULL) == 404);
	atomic_store(&cur, NULL);
	cache_free(c);
}

/* Each of 11 pages costs a little over 100,000 bytes of a MiB. */
#define PAGE	100000

static void
test_lru(struct srv *s)
{
	struct cache	*c = cache_new(MIB);
	char		 key[16];
	size_t		 one;
	int		 i, kept = 0, within = 1;

	atomic_store(&cur, c);
	atomic_store(&gen, 1);
	put(c, "/p0", 1, PAGE, '0', 0);
	one = cache_bytes(c);
	/* Counted: the body and more, not much more. */
	CHECK(one > PAGE && one < PAGE + 4096);
	for (i = 1; i < 10; i++) {
		snprintf(key, sizeof(key), "/p%d", i);
		put(c, key, 1, PAGE, (char)('0' + i), 0);
		within &= cache_bytes(c) <= MIB;
	}
	CHECK(within);
	CHECK(cache_bytes(c) == 10 * one);	/* all ten held */
	for (i = 0; i < 10; i++) {
		snprintf(key, sizeof(key), "/p%d", i);
		kept += hit(s, key, NULL, NULL);
	}
	CHECK(kept == 10);
	/* Now p0 is the least recently used; a hit on it saves it. */
	CHECK(hit(s, "/p0", NULL, "/p0"));
	put(c, "/p10", 1, PAGE, 'z', 0);
	CHECK(cache_bytes(c) <= MIB);
	CHECK(status_of(s, "/p1", NULL, NULL) == 404);
	CHECK(hit(s, "/p0", NULL, "/p0"));
	CHECK(hit(s, "/p10", NULL, "/p10"));
	/* p2 is least recent now, then p3. */
	put(c, "/p11", 1, PAGE, 'y', 0);
	put(c, "/p12", 1, PAGE, 'x', 0);
	CHECK(cache_bytes(c) <= MIB);
	CHECK(status_of(s, "/p2", NULL, NULL) == 404);
	CHECK(status_of(s, "/p3", NULL, NULL) == 404);
	for (kept = 0, i = 4; i <= 12; i++) {
		snprintf(key, sizeof(key), "/p%d", i);
		kept += hit(s, key, NULL, NULL);
	}
	CHECK(kept == 9 && hit(s, "/p0", NULL, NULL));

	/* Every encoding counts against the budget. */
	put(c, "/enc", 1, PAGE, 'e', (1u << ENC_BR) | (1u << ENC_GZIP));
	CHECK(cache_bytes(c) <= MIB);
	CHECK(hit(s, "/enc", AE("br"), "/enc br"));
	CHECK(status_of(s, "/p4", NULL, NULL) == 404);
	CHECK(status_of(s, "/p5", NULL, NULL) == 404);
	CHECK(hit(s, "/p6", NULL, "/p6"));

	/* Too big for a quarter of the budget: not kept, nothing lost. */
	CHECK(cache_keeps(c, MIB / 4) && !cache_keeps(c, MIB / 4 + 1));
	put(c, "/huge", 1, MIB / 4 + 1, 'h', 0);
	CHECK(status_of(s, "/huge", NULL, NULL) == 404);
	CHECK(hit(s, "/p7", NULL, "/p7"));

	/*
	 * A new generation past the budget drops the older ones first,
	 * even those just used; then it fills the budget again.
	 */
	put(c, "/n0", 2, PAGE, 'n', 0);
	CHECK(cache_bytes(c) == one);
	CHECK(status_of(s, "/p7", NULL, NULL) == 404);
	atomic_store(&gen, 2);
	for (i = 1; i < 10; i++) {
		snprintf(key, sizeof(key), "/n%d", i);
		put(c, key, 2, PAGE, 'n', 0);
	}
	CHECK(cache_bytes(c) == 10 * one);
	for (kept = 0, i = 0; i < 10; i++) {
		snprintf(key, sizeof(key), "/n%d", i);
		kept += hit(s, key, NULL, NULL);
	}
	CHECK(kept == 10);
	atomic_store(&cur, NULL);
	cache_free(c);
}

static void
test_etag_match(void)
{
	CHECK(cache_etag_match("\"x\"", "\"x\""));
	CHECK(cache_etag_match("W/\"x\"", "\"x\""));
	CHECK(cache_etag_match("\"a\", \"x\"", "\"x\""));
	CHECK(cache_etag_match("*", "\"x\""));
	CHECK(!cache_etag_match(NULL, "\"x\""));
	CHECK(!cache_etag_match("\"x-br\"", "\"x\""));
	CHECK(!cache_etag_match("\"x\"", "\"x-br\""));
	CHECK(cache_etag_match("\"x\", \"x-br\"", "\"x-br\""));
}

int
main(void)
{
	struct MHD_Daemon	*d;
	const union MHD_DaemonInfo *info;
	struct srv		 s;

	memset(&s, 0, sizeof(s));
	test_etag_match();
	d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD |
	    MHD_USE_ERROR_LOG, 0, NULL, NULL, handler, NULL,
	    MHD_OPTION_END);
	if (!CHECK(d != NULL) || !CHECK((info = MHD_get_daemon_info(d,
	    MHD_DAEMON_INFO_BIND_PORT)) != NULL))
		return check_done();
	snprintf(s.base, sizeof(s.base), "http://127.0.0.1:%u",
	    (unsigned int)info->port);
	test_encodings(&s);
	test_lru(&s);
	MHD_stop_daemon(d);
	return check_done();
}
