/*
 * test_http: the real `galley` binary end to end.  The command line
 * (init, usage, exit codes), then `galley serve` on an ephemeral loopback
 * port over a demo site, checked over real HTTP: every element of the
 * seed page in order, the reply nested in its parent, JSON-LD, no iframe
 * before a click, headers, ETag and 304, HEAD, pages and theme files
 * brotli- and gzip-encoded, redirects, 404s, assets and media, no email
 * address in any page, a write from another process showing at once,
 * hostile input staying inert, and a clean stop.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <jansson.h>

#include "arena.h"
#include "buf.h"
#include "check.h"
#include "embed.h"
#include "http.h"
#include "store.h"

#define ARTICLE "/2015/10/russian-isis-strikes-hit-us-backed-anti-isis-groups-instead/"
#define TITLE	"Russian \u2018ISIS Strikes\u2019 Hit US-Backed Anti-ISIS Groups Instead"

static const char *const emails[] = {
	"oleg@example.net", "brian@example.org", "staff@example.com",
	"hostile@example.com",
};

static void
cli(const char *site)
{
	struct buf	 out;
	char		*dir = tmp_path("cli"), path[512];
	struct stat	 st;
	FILE		*f;

	buf_init(&out);
	CHECK(run_galley((const char *[]){ "--help", NULL }, &out) == 0);
	CHECK(out.data && strstr(out.data, "galley serve DIR"));
	buf_reset(&out);
	CHECK(run_galley((const char *[]){ "--version", NULL }, &out) == 0);
	CHECK(out.data && strncmp(out.data, "galley ", 7) == 0);
	buf_reset(&out);
	CHECK(run_galley((const char *[]){ "serve", "--help", NULL }, &out)
	    == 0 && strstr(out.data, "--listen"));
	buf_reset(&out);
	CHECK(run_galley((const char *[]){ "frobnicate", NULL }, &out) == 2);
	CHECK(out.data && strstr(out.data, "usage:"));
	buf_reset(&out);
	CHECK(run_galley((const char *[]){ NULL }, NULL) == 2);
	CHECK(run_galley((const char *[]){ "init", NULL }, NULL) == 2);
	CHECK(run_galley((const char *[]){ "init", dir, "--bogus", NULL },
	    NULL) == 2);
	CHECK(run_galley((const char *[]){ "serve", site, "--nope", NULL },
	    NULL) == 2);

	/* An unreachable database: exit 1 naming it, and nothing left. */
	CHECK(run_galley((const char *[]){ "init", dir, "--db",
	    "postgresql://galley@/x?host=/nonexistent-sock", NULL }, &out)
	    == 1 && strstr(out.data, "/nonexistent-sock"));
	CHECK(stat(dir, &st) == -1);
	buf_reset(&out);
	CHECK(run_galley((const char *[]){ "init", dir, "--db", "mysql://x",
	    NULL }, NULL) == 2);

	/* A directory holding something else is refused, untouched. */
	mkdir(dir, 0755);
	snprintf(path, sizeof(path), "%s/notes.txt", dir);
	f = fopen(path, "w");
	fputs("mine\n", f);
	fclose(f);
	CHECK(run_galley((const char *[]){ "init", dir, NULL }, &out) == 1);
	CHECK(out.data && strstr(out.data, "not empty"));
	snprintf(path, sizeof(path), "%s/galley.conf", dir);
	CHECK(stat(path, &st) == -1);
	buf_reset(&out);

	/* The demo site: conf private, database and picture in place. */
	if (getenv("GALLEY_DB") != NULL) {
		CHECK(run_galley((const char *[]){ "init", site, "--demo",
		    "--db", getenv("GALLEY_DB"), NULL }, &out) == 0);
		snprintf(path, sizeof(path), "%s/galley.db", site);
		CHECK(stat(path, &st) == -1);	/* no SQLite file */
	} else {
		CHECK(run_galley((const char *[]){ "init", site, "--demo",
		    NULL }, &out) == 0);
		snprintf(path, sizeof(path), "%s/galley.db", site);
		CHECK(stat(path, &st) == 0 && st.st_size > 0);
	}
	buf_reset(&out);
	snprintf(path, sizeof(path), "%s/galley.conf", site);
	CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600);
	/* Again: an existing site is left as it is. */
	CHECK(run_galley((const char *[]){ "init", site, "--demo", NULL },
	    &out) == 0 && strstr(out.data, "already"));
	buf_reset(&out);
	CHECK(run_galley((const char *[]){ "serve", "/nonexistent-site",
	    NULL }, &out) == 1 && strstr(out.data, "galley.conf"));
	buf_reset(&out);
	snprintf(path, sizeof(path), "rm -rf %s", dir);
	CHECK(system(path) == 0);
	free(dir);
}

/* Byte offset of needle in the page, or -1. */
static long
at(const struct resp *r, const char *needle)
{
	const char	*p = r->body.data ? strstr(r->body.data, needle) : NULL;

	return p ? p - r->body.data : -1;
}

static void
check_text(htmlDocPtr doc, const char *expr, const char *want)
{
	char	*t = xp_text(doc, expr);

	CHECK_STR(t, want);
	free(t);
}

static void
article_order(const struct resp *r)
{
	static const char *const marks[] = {
		"<h1 class=\"post-title\">", "<time datetime=\"2015-10-01",
		"class=\"author\"", "<p>A dramatic video posted to YouTube",
		"data-youtube=\"oqJPVlDdLek\"", "alt=\"russian-airstrikes-ISIS\"",
		"he said.", "Courtesy of", "Rating: <span",
		"Posted in", "id=\"comment-1\"", "id=\"comment-2\"",
		"Leave a Reply", "Optionally add an image (JPEG only)",
	};
	long	 prev = -1, pos;
	size_t	 i;
	char	 what[200];

	for (i = 0; i < sizeof(marks) / sizeof(marks[0]); i++) {
		pos = at(r, marks[i]);
		snprintf(what, sizeof(what), "in order: %s", marks[i]);
		CHECK_MSG(pos > prev, what);
		prev = pos;
	}
}

static void
article_jsonld(htmlDocPtr doc)
{
	char		*src = xp_text(doc,
	    "//script[@type='application/ld+json']");
	json_t		*j, *ar;
	json_error_t	 e;

	if (!CHECK(src != NULL))
		return;
	j = json_loads(src, 0, &e);
	if (CHECK(j != NULL)) {
		CHECK_STR(json_string_value(json_object_get(j, "@type")),
		    "NewsArticle");
		CHECK_STR(json_string_value(json_object_get(j, "headline")),
		    TITLE);
		CHECK_STR(json_string_value(json_object_get(j,
		    "datePublished")), "2015-10-01T14:32:00Z");
		CHECK_STR(json_string_value(json_object_get(json_object_get(j,
		    "author"), "name")), "Staff Writer");
		ar = json_object_get(j, "aggregateRating");
		CHECK(json_number_value(json_object_get(ar, "ratingValue")) ==
		    6.0);
		CHECK(json_integer_value(json_object_get(ar, "ratingCount")) ==
		    2);
		CHECK(json_integer_value(json_object_get(ar, "bestRating")) ==
		    10);
		CHECK_STR(json_string_value(json_object_get(ar, "@type")),
		    "AggregateRating");
	}
	json_decref(j);
	free(src);
}

static void
article_form(htmlDocPtr doc)
{
	CHECK(xp_count(doc, "//form[@action='/comments' and @method='post'"
	    " and @enctype='multipart/form-data']") == 1);
	CHECK(xp_count(doc, "//form//input[@name='author' and @required]")
	    == 1);
	CHECK(xp_count(doc, "//form//input[@name='email' and @type='email'"
	    " and @required]") == 1);
	CHECK(xp_count(doc, "//form//input[@name='url']") == 1);
	CHECK(xp_count(doc, "//form//textarea[@name='comment' and @required]")
	    == 1);
	CHECK(xp_count(doc, "//form//input[@type='file' and @name='image'"
	    " and @accept='image/jpeg']") == 1);
	CHECK(xp_count(doc, "//label[@for='image' and"
	    " normalize-space()='Optionally add an image (JPEG only)']") == 1);
	check_text(doc, "//p[@class='comment-notes']", "Your email address"
	    " will not be published. Required fields are marked *");
	CHECK(xp_count(doc, "//h3[normalize-space()='Leave a Reply']") == 1);
	CHECK(xp_count(doc, "//a[@href='/privacy/' and contains(.,"
	    "'Learn how your comment data is processed')]") == 1);
}

static void
article(struct srv *s)
{
	struct resp	 r;
	htmlDocPtr	 doc;
	char		*t;

	CHECK(http_get(s, ARTICLE, &r) == 0 && r.status == 200);
	doc = html_parse(&r);
	article_order(&r);
	check_text(doc, "//h1[@class='post-title']", TITLE);
	check_text(doc, "//title", TITLE " | Galley News");
	check_text(doc, "//p[@class='post-meta']",
	    "Posted on October 1, 2015 by Staff Writer");
	CHECK(xp_count(doc, "//a[@class='author' and"
	    " @href='/author/staff-writer/']") == 1);
	/* Body: paragraphs, the video facade outside any <p>, the picture. */
	CHECK(xp_count(doc, "//div[@class='post-body']/p") >= 10);
	CHECK(xp_count(doc, "//div[@class='post-body']/figure[@class='video'"
	    " and @data-youtube='oqJPVlDdLek']/a[@href="
	    "'https://www.youtube.com/watch?v=oqJPVlDdLek']") == 1);
	CHECK(xp_count(doc, "//iframe") == 0);
	CHECK(xp_count(doc, "//*[contains(@src,'youtube')]") == 0);
	CHECK(xp_count(doc, "//script[@src and not(starts-with(@src,"
	    "'/theme/'))]") == 0);
	CHECK(xp_count(doc, "//img[@alt='russian-airstrikes-ISIS' and"
	    " starts-with(@src,'/media/')]") == 1);
	check_text(doc, "//p[@class='post-source']", "Courtesy of Reuters");
	CHECK(xp_count(doc, "//p[@class='post-source']/a[@href]") == 1);
	check_text(doc, "//p[@class='rating-text']",
	    "Rating: 6.0/10 (2 votes cast)");
	CHECK(xp_count(doc, "//div[@class='rating']//span[contains(@class,"
	    "'star-full')]") == 6);
	CHECK(xp_count(doc, "//div[@class='rating']//span[contains(@class,"
	    "'star-empty')]") == 4);
	check_text(doc, "//footer[@class='post-terms']/p", "Posted in"
	    " Terrorism and tagged Russia, Syria, ISIS, Free Syrian Army,"
	    " airstrikes, Hama, Homs.");
	CHECK(xp_count(doc, "//footer[@class='post-terms']//a[@rel='tag']")
	    == 7);
	CHECK(xp_count(doc, "//a[@href='/category/terrorism/']") == 1);
	CHECK(xp_count(doc, "//a[@href='/tag/free-syrian-army/']") == 1);
	/* Threaded comments: the reply inside its parent's element. */
	CHECK(xp_count(doc, "//li[@id='comment-1']/ol[@class='children']"
	    "/li[@id='comment-2']") == 1);
	CHECK(xp_count(doc, "//ol[@class='comment-list']/li") == 1);
	check_text(doc, "//li[@id='comment-1']/article//p[@class="
	    "'comment-rating']", "Rating: +1 (from 1 vote)");
	check_text(doc, "//li[@id='comment-2']//p[@class='comment-rating']",
	    "Rating: 0 (from 0 votes)");
	t = xp_text(doc, "//li[@id='comment-2']//div[@class="
	    "'comment-content']");
	CHECK(t != NULL && strncmp(t, "I agree Oleg", 12) == 0);
	free(t);
	check_text(doc, "//li[@id='comment-1']/article//span[@class="
	    "'comment-author']", "Oleg");
	/* Identicons drawn here, not fetched from Gravatar. */
	CHECK(xp_count(doc, "//li[@id='comment-1']/article//svg[@class="
	    "'avatar']") == 1);
	CHECK(xp_count(doc, "//img[contains(@src,'gravatar')]") == 0);
	article_form(doc);
	article_jsonld(doc);
	t = xp_attr(doc, "//link[@rel='canonical']/@href");
	CHECK_STR(t, "http://127.0.0.1:8080" ARTICLE);
	free(t);
	t = xp_attr(doc, "//meta[@property='og:type']/@content");
	CHECK_STR(t, "article");
	free(t);
	t = xp_attr(doc, "//meta[@property='og:title']/@content");
	CHECK_STR(t, TITLE);
	free(t);
	CHECK(xp_count(doc, "//meta[@property='og:url']") == 1);
	CHECK(xp_count(doc, "//meta[@charset='utf-8']") == 1);
	xmlFreeDoc(doc);
	resp_free(&r);
}

static void
headers(struct srv *s)
{
	struct resp	 r, r2, h;
	const char	*csp;
	char		 etag[128], inm[160];

	CHECK(http_get(s, ARTICLE, &r) == 0 && r.status == 200);
	CHECK_STR(resp_header(&r, "Content-Type"), "text/html; charset=utf-8");
	CHECK(resp_header(&r, "Date") != NULL);
	CHECK(resp_header(&r, "Content-Length") != NULL &&
	    (size_t)atol(resp_header(&r, "Content-Length")) == r.body.len);
	csp = resp_header(&r, "Content-Security-Policy");
	CHECK(csp != NULL && strstr(csp, "frame-ancestors 'self'") &&
	    strstr(csp, "script-src 'self'") && !strstr(csp, "unsafe-inline"));
	CHECK_STR(resp_header(&r, "X-Content-Type-Options"), "nosniff");
	CHECK(resp_header(&r, "Referrer-Policy") != NULL);
	snprintf(etag, sizeof(etag), "%s", resp_header(&r, "ETag") ?
	    resp_header(&r, "ETag") : "");
	CHECK(etag[0] == '"' && strlen(etag) > 10);

	/* Byte-identical for every reader, so the same strong ETag. */
	CHECK(http_get(s, ARTICLE, &r2) == 0 && r2.status == 200);
	CHECK(r2.body.len == r.body.len &&
	    memcmp(r2.body.data, r.body.data, r.body.len) == 0);
	CHECK_STR(resp_header(&r2, "ETag"), etag);
	resp_free(&r2);

	snprintf(inm, sizeof(inm), "If-None-Match: %s", etag);
	CHECK(http_req(s, "GET", ARTICLE, (const char *[]){ inm, NULL },
	    &r2) == 0 && r2.status == 304 && r2.body.len == 0);
	CHECK_STR(resp_header(&r2, "ETag"), etag);
	resp_free(&r2);
	CHECK(http_req(s, "GET", ARTICLE, (const char *[]){
	    "If-None-Match: \"stale\"", NULL }, &r2) == 0 &&
	    r2.status == 200);
	resp_free(&r2);

	CHECK(http_req(s, "HEAD", ARTICLE, NULL, &h) == 0 && h.status == 200);
	CHECK(h.body.len == 0);
	CHECK(resp_header(&h, "Content-Length") &&
	    (size_t)atol(resp_header(&h, "Content-Length")) == r.body.len);
	CHECK_STR(resp_header(&h, "ETag"), etag);
	resp_free(&h);

	CHECK(http_req(s, "POST", ARTICLE, NULL, &r2) == 0 &&
	    r2.status == 405 && resp_header(&r2, "Allow") != NULL);
	resp_free(&r2);
	CHECK(http_req(s, "DELETE", "/", NULL, &r2) == 0 && r2.status == 405);
	resp_free(&r2);
	resp_free(&r);
}

/*
 * path's representation for an Accept-Encoding (NULL: none): the coding
 * wanted (NULL: identity), its ETag given identity's; the body decoded
 * must be the identity body id byte for byte.
 */
static void
encoded(struct srv *s, const char *path, const char *accept,
    const char *coding, const struct resp *id, const char *etag)
{
	struct resp	 r;
	struct buf	 plain;
	char		 hdr[200], want[100], what[300];
	const char	*ce;

	snprintf(hdr, sizeof(hdr), "Accept-Encoding: %s", accept ? accept :
	    "");
	snprintf(what, sizeof(what), "%s, Accept-Encoding: %s -> %s", path,
	    accept ? accept : "(none)", coding ? coding : "identity");
	if (!CHECK_MSG(http_req(s, "GET", path, (const char *[]){
	    accept ? hdr : NULL, NULL }, &r) == 0 && r.status == 200, what))
		return;
	ce = resp_header(&r, "Content-Encoding");
	CHECK_MSG(coding ? ce != NULL && strcmp(ce, coding) == 0 : ce == NULL,
	    what);
	CHECK_STR(resp_header(&r, "Vary"), "Accept-Encoding");
	CHECK(resp_header(&r, "Content-Length") &&
	    (size_t)atol(resp_header(&r, "Content-Length")) == r.body.len);
	if (coding != NULL)
		snprintf(want, sizeof(want), "%.33s-%s\"", etag, coding);
	else
		snprintf(want, sizeof(want), "%s", etag);
	CHECK_STR(resp_header(&r, "ETag"), want);
	CHECK_MSG(coding == NULL || r.body.len < id->body.len / 2, what);
	buf_init(&plain);
	CHECK_MSG(http_decode(coding, r.body.data, r.body.len, &plain) == 0 &&
	    plain.len == id->body.len && memcmp(plain.data, id->body.data,
	    plain.len) == 0, what);
	buf_reset(&plain);
	resp_free(&r);
}

/* GET (or HEAD) path with two header lines; the status, r filled. */
static long
get2(struct srv *s, const char *method, const char *path, const char *h1,
    const char *h2, struct resp *r)
{
	return http_req(s, method, path, (const char *[]){ h1, h2, NULL },
	    r) == 0 ? r->status : -1;
}

/* id by GET path, its ETag in etag and that of its encodings. */
static void
identity(struct srv *s, const char *path, struct resp *id, char etag[100],
    char br[120], char gz[120])
{
	CHECK(http_get(s, path, id) == 0 && id->status == 200);
	snprintf(etag, 100, "%s", resp_header(id, "ETag") ?
	    resp_header(id, "ETag") : "");
	CHECK(strlen(etag) == 34);
	snprintf(br, 120, "%.33s-br\"", etag);
	snprintf(gz, 120, "%.33s-gzip\"", etag);
}

/*
 * Compressed pages: each encoding from the page cache (and from a fresh
 * render) decodes to the identity body, with Vary, Content-Encoding and
 * an ETag of its own that answers 304 in that encoding only; HEAD gives
 * the same headers and no body.  The article holds the form's time
 * stamp, so it is read within one generation; /privacy/ is the same
 * bytes after a write, for the fresh renders.
 */
static void
encodings(struct srv *s, const char *site)
{
	struct resp	 id, r;
	char		 etag[100], br[120], gz[120], inm[160];

	identity(s, ARTICLE, &id, etag, br, gz);
	encoded(s, ARTICLE, "br", "br", &id, etag);
	encoded(s, ARTICLE, "gzip", "gzip", &id, etag);
	encoded(s, ARTICLE, "gzip;q=0, br;q=0", NULL, &id, etag);
	encoded(s, ARTICLE, "br;q=0.5, gzip;q=0.8", "gzip", &id, etag);
	encoded(s, ARTICLE, "gzip, deflate, br", "br", &id, etag);
	encoded(s, ARTICLE, NULL, NULL, &id, etag);

	/* 304 on each encoding's own ETag, in that encoding only. */
	snprintf(inm, sizeof(inm), "If-None-Match: %s", br);
	CHECK(get2(s, "GET", ARTICLE, inm, "Accept-Encoding: br", &r) ==
	    304 && r.body.len == 0);
	CHECK_STR(resp_header(&r, "ETag"), br);
	CHECK_STR(resp_header(&r, "Vary"), "Accept-Encoding");
	resp_free(&r);
	CHECK(get2(s, "GET", ARTICLE, inm, "Accept-Encoding: gzip", &r) ==
	    200);
	CHECK_STR(resp_header(&r, "ETag"), gz);
	resp_free(&r);
	CHECK(get2(s, "GET", ARTICLE, inm, NULL, &r) == 200);
	CHECK_STR(resp_header(&r, "ETag"), etag);
	resp_free(&r);
	snprintf(inm, sizeof(inm), "If-None-Match: %s", gz);
	CHECK(get2(s, "GET", ARTICLE, inm, "Accept-Encoding: gzip", &r) ==
	    304 && r.body.len == 0);
	CHECK_STR(resp_header(&r, "ETag"), gz);
	resp_free(&r);
	snprintf(inm, sizeof(inm), "If-None-Match: %s", etag);
	CHECK(get2(s, "GET", ARTICLE, inm, "Accept-Encoding: identity", &r) ==
	    304);
	resp_free(&r);
	CHECK(get2(s, "GET", ARTICLE, inm, "Accept-Encoding: br", &r) == 200);
	resp_free(&r);

	/* HEAD: the headers of GET, no body. */
	CHECK(get2(s, "HEAD", ARTICLE, "Accept-Encoding: br", NULL, &r) ==
	    200 && r.body.len == 0);
	CHECK_STR(resp_header(&r, "Content-Encoding"), "br");
	CHECK_STR(resp_header(&r, "ETag"), br);
	CHECK_STR(resp_header(&r, "Vary"), "Accept-Encoding");
	CHECK(resp_header(&r, "Content-Length") &&
	    (size_t)atol(resp_header(&r, "Content-Length")) > 0 &&
	    (size_t)atol(resp_header(&r, "Content-Length")) < id.body.len);
	resp_free(&r);
	CHECK(get2(s, "HEAD", ARTICLE, "Accept-Encoding: gzip", NULL, &r) ==
	    200 && r.body.len == 0);
	CHECK_STR(resp_header(&r, "ETag"), gz);
	resp_free(&r);
	resp_free(&id);

	/* A fresh render (after a write) answers in each encoding too. */
	identity(s, "/privacy/", &id, etag, br, gz);
	CHECK(run_galley((const char *[]){ "config", site, "set",
	    "comment_max_depth", "5", NULL }, NULL) == 0);
	encoded(s, "/privacy/", "br", "br", &id, etag);
	CHECK(run_galley((const char *[]){ "config", site, "set",
	    "comment_max_depth", "5", NULL }, NULL) == 0);
	encoded(s, "/privacy/", "gzip", "gzip", &id, etag);
	CHECK(run_galley((const char *[]){ "config", site, "set",
	    "comment_max_depth", "5", NULL }, NULL) == 0);
	snprintf(inm, sizeof(inm), "If-None-Match: %s", br);
	CHECK(get2(s, "GET", "/privacy/", inm, "Accept-Encoding: br", &r) ==
	    304);
	resp_free(&r);
	resp_free(&id);
}

static void
expect(struct srv *s, const char *path, long status, const char *needle)
{
	struct resp	 r;
	char		 what[300];

	snprintf(what, sizeof(what), "GET %s -> %ld with \"%s\"", path,
	    status, needle ? needle : "");
	CHECK_MSG(http_get(s, path, &r) == 0 && r.status == status &&
	    (needle == NULL || at(&r, needle) >= 0), what);
	resp_free(&r);
}

static void
redirect(struct srv *s, const char *path, const char *to)
{
	struct resp	 r;
	char		 what[300];

	snprintf(what, sizeof(what), "GET %s -> 301 %s", path, to);
	CHECK_MSG(http_get(s, path, &r) == 0 && r.status == 301 &&
	    resp_header(&r, "Location") != NULL &&
	    strcmp(resp_header(&r, "Location"), to) == 0, what);
	resp_free(&r);
}

static void
pages(struct srv *s)
{
	expect(s, "/", 200, ARTICLE);
	expect(s, "/", 200, "A dramatic video posted to YouTube");
	expect(s, "/category/terrorism/", 200, ARTICLE);
	expect(s, "/category/terrorism/", 200, "Category: Terrorism");
	expect(s, "/tag/hama/", 200, ARTICLE);
	expect(s, "/author/staff-writer/", 200, ARTICLE);
	expect(s, "/privacy/", 200, "never published");
	expect(s, "/privacy/", 200, "erased after 30 days");
	expect(s, "/no-such-page/", 404, "Page not found");
	expect(s, "/2015/10/no-such-post/", 404, "Page not found");
	expect(s, "/category/nothing/", 404, NULL);
	expect(s, "/tag/terrorism/", 404, NULL);
	expect(s, "/page/2/", 404, NULL);
	expect(s, "/wp-login.php", 404, "Page not found");
	expect(s, "/media/../galley.db", 404, NULL);
	expect(s, "/media/0000000000000000000000000000000000000000000000000000"
	    "000000000000.jpg", 404, NULL);
	expect(s, "/theme/style.0000000000.css", 404, NULL);
	redirect(s, "/2015/10/russian-isis-strikes-hit-us-backed-anti-isis-"
	    "groups-instead", ARTICLE);
	redirect(s, "/2016/01/russian-isis-strikes-hit-us-backed-anti-isis-"
	    "groups-instead/", ARTICLE);
	redirect(s, "/page/1/", "/");
	redirect(s, "/Privacy/", "/privacy/");
}

/* A theme file asked for in coding: sent so, decoding to the file. */
static void
asset_encoded(struct srv *s, const char *path, const char *coding,
    const struct embed *e)
{
	struct resp	 r;
	struct buf	 plain;
	char		 hdr[100];

	snprintf(hdr, sizeof(hdr), "Accept-Encoding: %s", coding);
	if (!CHECK(path != NULL && e != NULL && http_req(s, "GET", path,
	    (const char *[]){ hdr, NULL }, &r) == 0))
		return;
	CHECK(r.status == 200);
	CHECK_STR(resp_header(&r, "Content-Encoding"), coding);
	CHECK_STR(resp_header(&r, "Vary"), "Accept-Encoding");
	CHECK(r.body.len < e->len);
	buf_init(&plain);
	CHECK(http_decode(coding, r.body.data, r.body.len, &plain) == 0 &&
	    plain.len == e->len && memcmp(plain.data, e->data, e->len) == 0);
	buf_reset(&plain);
	resp_free(&r);
}

/* Theme files and the demo picture, from the URLs the page uses. */
static void
assets(struct srv *s)
{
	struct resp		 r, a;
	htmlDocPtr		 doc;
	char			*css, *js, *img;
	const struct embed	*e = embed_find("demo/russian-airstrikes-ISIS.jpg");
	const struct embed	*style = embed_find("themes/default/style.css");

	CHECK(http_get(s, ARTICLE, &r) == 0);
	doc = html_parse(&r);
	css = xp_attr(doc, "//link[@rel='stylesheet']/@href");
	js = xp_attr(doc, "//script[@src]/@src");
	img = xp_attr(doc, "//img[@alt='russian-airstrikes-ISIS']/@src");
	CHECK(css && strncmp(css, "/theme/style.", 13) == 0);
	if (css && http_get(s, css, &a) == 0) {
		CHECK(a.status == 200);
		CHECK_STR(resp_header(&a, "Content-Type"),
		    "text/css; charset=utf-8");
		CHECK(strstr(resp_header(&a, "Cache-Control"), "immutable"));
		CHECK(resp_header(&a, "Content-Encoding") == NULL);
		CHECK(a.body.len == style->len &&
		    memcmp(a.body.data, style->data, style->len) == 0);
		resp_free(&a);
	}
	/* Encoded once at start, decoding to the very file. */
	asset_encoded(s, css, "br", style);
	asset_encoded(s, css, "gzip", style);
	asset_encoded(s, js, "br", embed_find("themes/default/galley.js"));
	if (CHECK(js != NULL) && http_get(s, js, &a) == 0) {
		CHECK(a.status == 200 && strstr(a.body.data,
		    "youtube-nocookie.com/embed/"));
		resp_free(&a);
	}
	if (CHECK(img != NULL && e != NULL) && http_get(s, img, &a) == 0) {
		CHECK(a.status == 200);
		CHECK_STR(resp_header(&a, "Content-Type"), "image/jpeg");
		CHECK(a.body.len == e->len &&
		    memcmp(a.body.data, e->data, e->len) == 0);
		resp_free(&a);
	}
	/* A JPEG is not encoded again. */
	if (img != NULL && http_req(s, "GET", img, (const char *[]){
	    "Accept-Encoding: br, gzip", NULL }, &a) == 0) {
		CHECK(a.status == 200 &&
		    resp_header(&a, "Content-Encoding") == NULL);
		resp_free(&a);
	}
	free(css);
	free(js);
	free(img);
	xmlFreeDoc(doc);
	resp_free(&r);
}

static void
no_email(struct srv *s)
{
	static const char *const paths[] = { "/", ARTICLE,
	    "/category/terrorism/", "/tag/russia/", "/author/staff-writer/",
	    "/privacy/", "/nope/" };
	struct resp	 r;
	size_t		 i, j;
	int		 leaks = 0;

	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		if (http_get(s, paths[i], &r) != 0)
			leaks++;
		for (j = 0; j < sizeof(emails) / sizeof(emails[0]); j++)
			if (at(&r, emails[j]) >= 0 || (r.head.data != NULL &&
			    strstr(r.head.data, emails[j])))
				leaks++;
		resp_free(&r);
	}
	CHECK_MSG(leaks == 0, "no commenter's or author's email in any page");
}

/* HTML Tidy (HTML5 mode) finds no error and no warning in each page. */
static void
valid_html(struct srv *s)
{
	static const char *const paths[] = { "/", ARTICLE,
	    "/category/terrorism/", "/tag/russia/", "/author/staff-writer/",
	    "/privacy/", "/nope/" };
	char		*file = tmp_path("tidy"), cmd[600], what[300];
	struct resp	 r;
	FILE		*f;
	size_t		 i;

	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		if (http_get(s, paths[i], &r) != 0 ||
		    (f = fopen(file, "w")) == NULL)
			continue;
		fwrite(r.body.data, 1, r.body.len, f);
		fclose(f);
		resp_free(&r);
		/*
		 * Empty elements are fine in HTML5: the stars are spans.
		 * Tidy 5.6 predates <img>'s decoding and fetchpriority
		 * (both in the HTML standard): its warning on them alone
		 * passes.
		 */
		snprintf(cmd, sizeof(cmd), "! tidy -q -e --drop-empty-elements"
		    " no %s 2>&1 | grep -v -E 'proprietary attribute"
		    " \"(decoding|fetchpriority)\"' 1>&2", file);
		snprintf(what, sizeof(what), "valid HTML5: %s", paths[i]);
		CHECK_MSG(system(cmd) == 0, what);
	}
	unlink(file);
	free(file);
}

static struct store_conn *
site_store(const char *site, struct store **st)
{
	char	 path[512], err[512];

	snprintf(path, sizeof(path), "%s/galley.db", site);
	if (getenv("GALLEY_DB") != NULL)
		snprintf(path, sizeof(path), "%s", getenv("GALLEY_DB"));
	if (store_open(path, 0, st, err, sizeof(err)) != STORE_OK) {
		fprintf(stderr, "%s\n", err);
		return NULL;
	}
	return store_conn_get(*st);
}

/* A write from another process shows on the next request. */
static void
invalidation(struct srv *s, const char *site)
{
	struct store		*st;
	struct store_conn	*c = site_store(site, &st);
	struct comment		 cm = { .post_id = 1, .author = "Newcomer",
	    .email = "hostile@example.com", .content = "Fresh words here.",
	    .status = "approved", .created = 1443800000 };
	struct resp		 r;

	expect(s, ARTICLE, 200, "I agree Oleg");	/* now cached */
	if (!CHECK(c != NULL))
		return;
	CHECK(store_comment_add(c, &cm, NULL) == STORE_OK);
	cm.content = "Held back.";
	cm.status = "pending";
	CHECK(store_comment_add(c, &cm, NULL) == STORE_OK);
	store_conn_put(st, c);
	store_close(st);
	CHECK(http_eventually(s, ARTICLE, "Fresh words here."));
	CHECK(http_get(s, ARTICLE, &r) == 0 && r.status == 200);
	CHECK(at(&r, "Fresh words here.") > 0);
	CHECK(at(&r, "Held back.") < 0);
	CHECK(at(&r, "3 Responses") > 0);
	resp_free(&r);
}

/*
 * SQLite: a page cached, then another process's write, and the very next
 * request shows it: the generation hint (db_sqlite.c) reads the WAL
 * header the write changed, so it gives no stale generation, not even
 * for a moment.  Twenty times over, each after the page was served from
 * the cache twice (the hint in use).
 */
static void
at_once(struct srv *s, const char *site)
{
	struct resp	 r;
	char		 title[64];
	int		 i, fresh = 0;

	if (getenv("GALLEY_DB") != NULL)
		return;		/* PostgreSQL's hint follows NOTIFY */
	for (i = 0; i < 20; i++) {
		snprintf(title, sizeof(title), "Title number %d", i);
		expect(s, "/", 200, NULL);
		expect(s, "/", 200, NULL);
		CHECK(run_galley((const char *[]){ "config", site, "set",
		    "site_title", title, NULL }, NULL) == 0);
		if (http_get(s, "/", &r) == 0 && r.status == 200 &&
		    at(&r, title) >= 0)
			fresh++;
		resp_free(&r);
	}
	CHECK_MSG(fresh == 20, "each write shows on the next request");
	CHECK(run_galley((const char *[]){ "config", site, "set",
	    "site_title", "Galley News", NULL }, NULL) == 0);
}

/*
 * The same with galley.db a symbolic link, and beside the link a DB-shm
 * left over (a copy of a live one, whose header passes every check):
 * SQLite keeps its DB-shm beside the real file, and so must the hint
 * read it there, never the stale one.  decoy: the copy, made while the
 * first server ran.
 */
static void
symlinked(const char *decoy)
{
	char		*dir, cmd[2400];
	struct srv	 s;

	if (getenv("GALLEY_DB") != NULL)
		return;
	dir = tmp_path("linked");
	CHECK(run_galley((const char *[]){ "init", dir, NULL }, NULL) == 0);
	snprintf(cmd, sizeof(cmd), "mkdir %s/real && mv %s/galley.db %s/real/"
	    " && ln -s real/galley.db %s/galley.db && cp %s %s/galley.db-shm",
	    dir, dir, dir, dir, decoy, dir);
	CHECK(system(cmd) == 0);
	if (CHECK(srv_start(&s, dir) == 0)) {
		at_once(&s, dir);
		CHECK(srv_stop(&s) == 0);
	}
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	CHECK(system(cmd) == 0);
	free(dir);
}

/* `galley config` from another process changes the served pages at once. */
static void
config(struct srv *s, const char *site)
{
	struct buf	 out;
	struct resp	 r;
	htmlDocPtr	 doc;

	buf_init(&out);
	CHECK(run_galley((const char *[]){ "config", site, "get", "site_title",
	    NULL }, &out) == 0 && strcmp(out.data, "Galley News\n") == 0);
	buf_reset(&out);
	CHECK(run_galley((const char *[]){ "config", site, "list", NULL },
	    &out) == 0 && strstr(out.data, "posts_per_page = 10"));
	buf_reset(&out);
	CHECK(run_galley((const char *[]){ "config", site, "set", "base_url",
	    "javascript:alert(1)", NULL }, &out) == 1);
	buf_reset(&out);
	CHECK(run_galley((const char *[]){ "config", site, "set", "nope",
	    "1", NULL }, NULL) == 1);
	CHECK(run_galley((const char *[]){ "config", site, "get", NULL },
	    NULL) == 2);
	CHECK(run_galley((const char *[]){ "votes", site, "recount", NULL },
	    &out) == 0 && strstr(out.data, "0 tallies corrected"));
	buf_reset(&out);
	CHECK(run_galley((const char *[]){ "votes", site, "count", NULL },
	    NULL) == 2);
	CHECK(run_galley((const char *[]){ "config", site, "set",
	    "site_title", "Night <b>Desk</b>", NULL }, NULL) == 0);
	CHECK(run_galley((const char *[]){ "config", site, "set", "base_url",
	    "https://news.example.org", NULL }, NULL) == 0);
	CHECK(http_eventually(s, ARTICLE, "https://news.example.org"));
	CHECK(http_get(s, ARTICLE, &r) == 0 && r.status == 200);
	doc = html_parse(&r);
	check_text(doc, "//p[@class='site-title']/a", "Night <b>Desk</b>");
	CHECK(xp_count(doc, "//b") == 0);
	{
		char *t = xp_attr(doc, "//link[@rel='canonical']/@href");

		CHECK_STR(t, "https://news.example.org" ARTICLE);
		free(t);
	}
	xmlFreeDoc(doc);
	resp_free(&r);
	CHECK(run_galley((const char *[]){ "config", site, "set",
	    "posts_per_page", "1", NULL }, NULL) == 0);
	/* The hostile post is newer, so the article moves to page 2. */
	CHECK(http_eventually(s, "/page/2/", ARTICLE));
}

static void
xss(struct srv *s, const char *site)
{
	struct store		*st;
	struct store_conn	*c = site_store(site, &st);
	struct post		 p = { .type = "post", .status = "publish",
	    .format = "markdown", .author_id = 1, .published = 1443900000,
	    .modified = 1443900000, .comments_open = 1, .excerpt = "",
	    .body = "Comments below." };
	struct comment		 cm = { .email = "hostile@example.com",
	    .status = "approved" };
	struct resp		 r;
	htmlDocPtr		 doc;
	char			**lines, path[300];
	size_t			 n, i;
	int64_t			 post;
	int			 foreign = 0;

	lines = payload_lines(&n);
	if (!CHECK(lines != NULL && n > 3000 && c != NULL)) {
		if (c != NULL) {
			store_conn_put(st, c);
			store_close(st);
		}
		return;
	}
	p.slug = "hostile";
	p.title = lines[3];
	p.source_name = lines[4];
	p.source_url = "javascript:alert(1)";
	CHECK(store_begin(c) == STORE_OK);
	CHECK(store_post_add(c, &p, &post) == STORE_OK);
	for (i = 0; i < n; i++) {
		cm.post_id = post;
		cm.author = lines[i];
		cm.url = lines[(i + 1) % n];
		cm.content = lines[(i + 2) % n];
		cm.created = 1443900000 + (int64_t)i;
		store_comment_add(c, &cm, NULL);
	}
	CHECK(store_commit(c) == STORE_OK);
	store_conn_put(st, c);
	store_close(st);

	snprintf(path, sizeof(path), "/2015/10/hostile/");
	CHECK(http_eventually(s, path, "comment-"));
	CHECK(http_get(s, path, &r) == 0 && r.status == 200);
	doc = html_parse(&r);
	check_text(doc, "//h1[@class='post-title']", lines[3]);
	/* 50 threads a page: the first page has 50, and links onward. */
	CHECK(xp_count(doc, "//ol[@class='comment-list']/li") == 50);
	CHECK(xp_count(doc, "//a[@class='comments-newer' and @href="
	    "'/2015/10/hostile/comment-page-2/#comments']") == 1);
	xmlFreeDoc(doc);
	resp_free(&r);
	CHECK(comment_pages(s, path, &foreign) == (int)n);
	CHECK_MSG(foreign == 0, "every payload inert as author, url and"
	    " comment, on every comment page");
	CHECK(http_get(s, "/", &r) == 0 && r.status == 200);
	doc = html_parse(&r);
	CHECK_MSG(foreign_markup(doc) == 0, "hostile title inert on home");
	xmlFreeDoc(doc);
	resp_free(&r);
	for (i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
}

/* Posts and comments written straight to the store for the edge cases. */
static void
edge_content(const char *site)
{
	struct store		*st;
	struct store_conn	*c = site_store(site, &st);
	struct post		 p = { .type = "post", .status = "publish",
	    .format = "markdown", .author_id = 1, .published = 1443700000,
	    .modified = 1443700000, .comments_open = 1, .excerpt = "",
	    .title = "Caf\xc3\xa9", .slug = "caf%c3%a9", .body = "Accents." };
	struct comment		 cm = { .email = "hostile@example.com",
	    .status = "approved", .content = "Deep." };
	int64_t			 post, parent = 0;
	int			 i;

	if (!CHECK(c != NULL))
		return;
	CHECK(store_post_add(c, &p, &post) == STORE_OK);
	/* A reply chain 8 deep, and a comment with a corrupt time. */
	for (i = 0; i < 8; i++) {
		cm.post_id = post;
		cm.parent_id = parent;
		cm.author = "Nester";
		cm.created = 1443700100 + i;
		CHECK(store_comment_add(c, &cm, &parent) == STORE_OK);
	}
	cm.parent_id = 0;
	cm.author = "Time Traveller";
	cm.created = -9000000000000000000LL;
	CHECK(store_comment_add(c, &cm, NULL) == STORE_OK);
	/* A website is a link only if it leads off the site. */
	cm.created = 1443700200;
	cm.author = "Relative";
	cm.url = "/admin/";
	CHECK(store_comment_add(c, &cm, NULL) == STORE_OK);
	cm.author = "Linked";
	cm.url = "HTTPS://example.org/x";
	CHECK(store_comment_add(c, &cm, NULL) == STORE_OK);
	store_conn_put(st, c);
	store_close(st);
}

static void
edges(struct srv *s, const char *site)
{
	struct resp	 r;
	htmlDocPtr	 doc;
	char		 inm[200], etag[100], *more;
	int		 i;

	edge_content(site);
	/* A percent-encoded slug, as browsers send it and as WordPress. */
	CHECK(http_eventually(s, "/2015/10/caf%C3%A9/", "Accents."));
	expect(s, "/2015/10/caf%c3%a9/", 200, "Accents.");
	CHECK(http_get(s, "/2015/10/caf%c3%a9/", &r) == 0);
	doc = html_parse(&r);
	/* The Nesters' thread: three replies here, the rest on its page. */
	CHECK(xp_count(doc, "//li[contains(.,'Nester')]") == 4);
	more = xp_attr(doc, "//p[@class='comment-more']/a[.='4 more replies"
	    " in this thread']/@href");
	CHECK(more != NULL && strncmp(more, "/2015/10/caf%c3%a9/thread-",
	    26) == 0 && strchr(more, '#') != NULL);
	if (more != NULL && strchr(more, '#') != NULL) {
		htmlDocPtr	 whole;
		struct resp	 t;

		*strchr(more, '#') = '\0';
		CHECK(http_get(s, more, &t) == 0 && t.status == 200);
		whole = html_parse(&t);
		/* Nesting stops at comment_max_depth (5); all 8 shown. */
		CHECK(xp_count(whole, "//li[contains(.,'Nester')]") >= 8);
		CHECK(xp_count(whole, "//ol[@class='comment-list']/li/ol/li/"
		    "ol/li/ol/li/ol/li") == 4);	/* 5..8 share the last list */
		CHECK(xp_count(whole, "//ol[@class='comment-list']/li/ol/li/"
		    "ol/li/ol/li/ol/li/ol") == 0);
		xmlFreeDoc(whole);
		resp_free(&t);
	}
	free(more);
	check_text(doc, "//li[.//span[@class='comment-author' and"
	    " .='Time Traveller']]//time", "January 1, 1970");
	CHECK(xp_count(doc, "//span[@class='comment-author' and"
	    " .='Relative']") == 1);
	CHECK(xp_count(doc, "//span[@class='comment-author' and"
	    " .='Relative']/a") == 0);
	CHECK(xp_count(doc, "//span[@class='comment-author']/a[.='Linked' and"
	    " @href='HTTPS://example.org/x']") == 1);
	xmlFreeDoc(doc);
	resp_free(&r);

	/* Query strings: same cached page; redirects keep them. */
	CHECK(http_get(s, "/privacy/", &r) == 0 && r.status == 200);
	snprintf(etag, sizeof(etag), "%s", resp_header(&r, "ETag"));
	resp_free(&r);
	CHECK(http_get(s, "/privacy/?utm_source=feed", &r) == 0 &&
	    r.status == 200 && strcmp(resp_header(&r, "ETag"), etag) == 0);
	resp_free(&r);
	redirect(s, "/Privacy/?utm_source=feed", "/privacy/?utm_source=feed");

	/* Weak validators match (a gzip proxy makes W/ of ours). */
	snprintf(inm, sizeof(inm), "If-None-Match: \"x\", W/%s", etag);
	CHECK(http_req(s, "GET", "/privacy/", (const char *[]){ inm, NULL },
	    &r) == 0 && r.status == 304 && r.body.len == 0);
	resp_free(&r);
	/* A 304 from a fresh render (after a write), not only from cache. */
	CHECK(run_galley((const char *[]){ "config", site, "set",
	    "comment_max_depth", "5", NULL }, NULL) == 0);
	snprintf(inm, sizeof(inm), "If-None-Match: %s", etag);
	CHECK(http_req(s, "GET", "/privacy/", (const char *[]){ inm, NULL },
	    &r) == 0 && r.status == 304 && r.body.len == 0);
	CHECK(resp_header(&r, "ETag") && strcmp(resp_header(&r, "ETag"),
	    etag) == 0);
	resp_free(&r);

	/* Traversal sent as is; a control byte stays escaped in the log. */
	expect(s, "/media/../galley.conf", 404, NULL);
	expect(s, "/theme/../../galley.conf", 404, NULL);
	expect(s, "/x%0aGET%20/forged%20200", 404, NULL);
	/* The line is written once the response has gone: wait for it. */
	for (i = 0; i < 100 && !srv_log_has(s, "GET /x%0aGET%20/forged"); i++)
		usleep(10000);
	CHECK(srv_log_has(s, "\"GET /x%0aGET%20/forged%20200 HTTP/1.1\" 404"));
}

/*
 * Clients that ask for a big page and never read it hold no database
 * connection: more of them than the pool has connections, and the
 * server still answers others at once.
 */
static void
slow_readers(struct srv *s)
{
	int		 fd[80], i, n = 0;
	struct resp	 r;
	char		 req[200];

	snprintf(req, sizeof(req), "GET /2015/10/hostile/ HTTP/1.1\r\n"
	    "Host: 127.0.0.1\r\n\r\n");
	for (i = 0; i < 80; i++) {
		struct sockaddr_in a = { .sin_family = AF_INET,
		    .sin_port = htons((uint16_t)s->port) }, b = a;

		a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		/*
		 * From an address of their own: past its bound (64), and
		 * gone some moments after they close, it must not hold up
		 * the tests that follow.
		 */
		b.sin_port = 0;
		b.sin_addr.s_addr = htonl(0x7f000009);	/* 127.0.0.9 */
		fd[i] = socket(AF_INET, SOCK_STREAM, 0);
		(void)bind(fd[i], (struct sockaddr *)&b, sizeof(b));
		/* A tiny receive window, so the response cannot drain. */
		setsockopt(fd[i], SOL_SOCKET, SO_RCVBUF, &(int){ 4096 },
		    sizeof(int));
		if (connect(fd[i], (struct sockaddr *)&a, sizeof(a)) == 0 &&
		    write(fd[i], req, strlen(req)) == (ssize_t)strlen(req))
			n++;
	}
	CHECK(n == 80);
	usleep(300000);
	/* From another address. */
	http_from("127.0.0.2");
	CHECK_MSG(http_get(s, "/?uncached=2", &r) == 0 && r.status == 200,
	    "served while 80 clients read nothing");
	resp_free(&r);
	CHECK(http_get(s, "/no-such-page/", &r) == 0 && r.status == 404);
	resp_free(&r);
	http_from(NULL);
	for (i = 0; i < 80; i++)
		close(fd[i]);
}

struct hammer {
	struct srv	*s;
	int		 ok;
	size_t		 len;
};

static void *
hammer(void *arg)
{
	struct hammer	*h = arg;
	struct resp	 r;
	int		 i;

	for (i = 0; i < 50; i++) {
		if (http_get(h->s, i % 2 ? ARTICLE : "/", &r) == 0 &&
		    r.status == 200 && (i % 2 == 0 || r.body.len == h->len))
			h->ok++;
		resp_free(&r);
	}
	return NULL;
}

static void
concurrency(struct srv *s)
{
	struct hammer	 h[8];
	pthread_t	 t[8];
	struct resp	 r;
	int		 i, ok = 0;

	CHECK(http_get(s, ARTICLE, &r) == 0);
	for (i = 0; i < 8; i++) {
		h[i] = (struct hammer){ .s = s, .len = r.body.len };
		pthread_create(&t[i], NULL, hammer, &h[i]);
	}
	for (i = 0; i < 8; i++) {
		pthread_join(t[i], NULL);
		ok += h[i].ok;
	}
	CHECK_MSG(ok == 400, "400 concurrent requests all served whole");
	resp_free(&r);
}

int
main(void)
{
	char		*site = tmp_path("site"), cmd[600];
	struct srv	 s;

	cli(site);
	if (!CHECK(srv_start(&s, site) == 0))
		return check_done();
	article(&s);
	headers(&s);
	encodings(&s, site);
	pages(&s);
	assets(&s);
	no_email(&s);
	valid_html(&s);
	invalidation(&s, site);
	at_once(&s, site);
	concurrency(&s);
	xss(&s, site);
	slow_readers(&s);
	no_email(&s);
	config(&s, site);
	edges(&s, site);
	CHECK(srv_log_has(&s, "\"GET " ARTICLE " HTTP/1.1\" 200 "));
	CHECK(srv_log_has(&s, "\"GET /no-such-page/ HTTP/1.1\" 404 "));
	CHECK(srv_log_has(&s, "\"HEAD " ARTICLE " HTTP/1.1\" 200 "));
	if (getenv("GALLEY_DB") == NULL) {
		snprintf(cmd, sizeof(cmd), "cp %s/galley.db-shm %s/decoy-shm",
		    site, site);
		CHECK(system(cmd) == 0);
	}
	CHECK_MSG(srv_stop(&s) == 0, "SIGTERM: clean exit 0");
	snprintf(cmd, sizeof(cmd), "%s/decoy-shm", site);
	symlinked(cmd);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", site);
	CHECK(system(cmd) == 0);
	free(site);
	return check_done();
}
