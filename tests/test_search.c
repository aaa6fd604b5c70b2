/*
 * test_search: full-text search over the real server, on SQLite or (with
 * GALLEY_DB) PostgreSQL: ranking (a title's match above the body's),
 * phrases, prefixes, words left out, only what is published, snippets
 * with every XSS payload in the bodies and as the query, hostile queries
 * (never an error, never an SQL error), pagination, no caching, the
 * admin's search, the index kept current through edit, trash and
 * delete, and migration 16 indexing the posts of a site made before it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <libxml/xpath.h>

#include "arena.h"
#include "buf.h"
#include "check.h"
#include "env.h"
#include "http.h"
#include "post.h"
#include "store.h"

#define PW	"correct horse battery"

static const char	*site, *dbw;	/* the site, where its database is */

static struct store_conn *
open_store(struct store **st)
{
	char	 err[512];

	if (store_open(dbw, 0, st, err, sizeof(err)) != STORE_OK) {
		fprintf(stderr, "%s\n", err);
		return NULL;
	}
	return store_conn_get(*st);
}

/* Saves a post through post.c, as the editor and the importer do. */
static int64_t
save_slug(struct store_conn *c, const char *type, const char *status,
    const char *title, const char *body, const char *format, int64_t when,
    const char *slug)
{
	struct arena	 a;
	struct env	 e = { .conn = c, .arena = &a, .now = time(NULL) };
	struct post	 p = { .type = (char *)type, .status = (char *)status,
	    .title = (char *)title, .body = (char *)body, .format =
	    (char *)format, .excerpt = "", .slug = (char *)slug,
	    .author_id = 1,
	    .published = when, .modified = when, .comments_open = 1 };
	int64_t		 id = 0;

	arena_init(&a);
	if (post_save(&e, &p, NULL, NULL, 0, 1, &id) != STORE_OK)
		id = 0;
	arena_free(&a);
	return id;
}

static int64_t
save(struct store_conn *c, const char *type, const char *status,
    const char *title, const char *body, const char *format, int64_t when)
{
	return save_slug(c, type, status, title, body, format, when, "");
}

/* %-escapes every byte but letters and digits, for a query value. */
static void
esc(struct buf *b, const char *s, size_t len)
{
	size_t	 i;

	for (i = 0; i < len; i++)
		if ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' &&
		    s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9'))
			buf_putc(b, s[i]);
		else
			buf_printf(b, "%%%02X", (unsigned char)s[i]);
}

/* GET /?s=q; the titles found, each followed by '\n', into titles. */
static long
search(struct srv *s, const char *q, struct buf *titles)
{
	struct buf	 path;
	struct resp	 r;
	htmlDocPtr	 doc;
	xmlXPathObjectPtr o = NULL;
	long		 status;
	int		 i;

	buf_init(&path);
	buf_puts(&path, "/?s=");
	esc(&path, q, strlen(q));
	if (http_get(s, path.data, &r) != 0) {
		buf_reset(&path);
		return -1;
	}
	buf_reset(&path);
	status = r.status;
	if (titles != NULL && (doc = html_parse(&r)) != NULL) {
		xmlXPathContextPtr x = xmlXPathNewContext(doc);

		o = xmlXPathEvalExpression((const xmlChar *)"//article["
		    "contains(@class,'search-result')]//h2/a", x);
		for (i = 0; o && o->nodesetval && i < o->nodesetval->nodeNr;
		    i++) {
			xmlChar *t = xmlNodeGetContent(
			    o->nodesetval->nodeTab[i]);
			buf_printf(titles, "%s\n", (const char *)t);
			xmlFree(t);
		}
		xmlXPathFreeObject(o);
		xmlXPathFreeContext(x);
		xmlFreeDoc(doc);
	}
	resp_free(&r);
	return status;
}

/* The titles /?s=q finds, in order, "\n"-terminated (static copy). */
static const char *
found(struct srv *s, const char *q)
{
	static char	 out[4096];
	struct buf	 t;

	buf_init(&t);
	out[0] = '\0';
	if (search(s, q, &t) == 200 && t.data != NULL)
		snprintf(out, sizeof(out), "%s", t.data);
	buf_reset(&t);
	return out;
}

static void
content(void)
{
	struct store		*st;
	struct store_conn	*c = open_store(&st);
	int64_t			 old = 1400000000, now = time(NULL);
	char			 title[64];
	int			 i;

	if (!CHECK(c != NULL))
		return;
	CHECK(store_begin(c) == STORE_OK);
	/* The body's match is the newer post: rank, not date, decides. */
	CHECK(save(c, "post", "publish", "Zebrafish habits", "Nothing to"
	    " see.", "markdown", old) > 0);
	CHECK(save(c, "post", "publish", "Other fish", "We saw a zebrafish"
	    " swim by, and <b>its</b> <em>habits</em> too.", "html",
	    old + 100) > 0);
	CHECK(save(c, "post", "publish", "Cold", "When the cold war ended"
	    " the **thawing** began.", "markdown", old) > 0);
	CHECK(save(c, "post", "publish", "Warm", "The war was cold and"
	    " long.", "markdown", old) > 0);
	/* Only what is published, and out by now, is found. */
	CHECK(save(c, "post", "draft", "Quokka draft", "Quokka.", "markdown",
	    old) > 0);
	CHECK(save(c, "post", "publish", "Quokka future", "Quokka.",
	    "markdown", now + 86400) > 0);
	CHECK(save(c, "post", "private", "Quokka private", "Quokka.",
	    "markdown", old) > 0);
	CHECK(save(c, "post", "trash", "Quokka trash", "Quokka.",
	    "markdown", old) > 0);
	CHECK(save(c, "page", "publish", "Quokka page", "A page on"
	    " quokkas.", "markdown", old) > 0);
	/* Markup is no part of the text: "strong" is not a word here. */
	CHECK(save(c, "post", "publish", "Tagged", "<strong>Boldface</strong>"
	    " [caption]Cap[/caption] <script>hiddenscript()</script>", "html",
	    old) > 0);
	for (i = 0; i < 25; i++) {
		snprintf(title, sizeof(title), "Paginated %02d", i);
		CHECK(save(c, "post", "publish", title, "Pagewords here.",
		    "markdown", old + i) > 0);
	}
	CHECK(store_commit(c) == STORE_OK);
	store_conn_put(st, c);
	store_close(st);
}

static void
ranking(struct srv *s)
{
	CHECK_STR(found(s, "zebrafish"), "Zebrafish habits\nOther fish\n");
	CHECK_STR(found(s, "ZEBRAFISH"), "Zebrafish habits\nOther fish\n");
	/* Phrases: the words in order; without quotes, anywhere. */
	CHECK_STR(found(s, "\"cold war\""), "Cold\n");
	CHECK(strstr(found(s, "cold war"), "Cold\n") &&
	    strstr(found(s, "cold war"), "Warm\n"));
	CHECK_STR(found(s, "\"war cold\""), "");
	/* Prefixes: three characters or more, or a star. */
	CHECK_STR(found(s, "zebraf"), "Zebrafish habits\nOther fish\n");
	CHECK_STR(found(s, "quokk"), "Quokka page\n");
	CHECK_STR(found(s, "ze"), "");
	CHECK(strstr(found(s, "ze*"), "Zebrafish habits\n") &&
	    strstr(found(s, "ze*"), "Other fish\n"));
	CHECK_STR(found(s, "\"zebraf\""), "");	/* a phrase: whole words */
	/* Words left out. */
	CHECK_STR(found(s, "zebrafish -swim"), "Zebrafish habits\n");
	CHECK_STR(found(s, "zebrafish -\"swim by\""), "Zebrafish habits\n");
	/* Only published posts and pages: no draft, future, private, trash. */
	CHECK_STR(found(s, "quokka"), "Quokka page\n");
	/* The text as read: tags, shortcodes, scripts are not words. */
	CHECK(strstr(found(s, "strong"), "Tagged") == NULL);
	CHECK(strstr(found(s, "caption"), "Tagged") == NULL);
	CHECK_STR(found(s, "hiddenscript"), "");
	CHECK_STR(found(s, "boldface"), "Tagged\n");
	CHECK_STR(found(s, "thawing"), "Cold\n");
	/* The demo's words: the importer's and init's posts are found. */
	CHECK(strstr(found(s, "russia"), "ISIS") != NULL);
}

static void
snippet_marks(struct srv *s)
{
	struct resp	 r;
	htmlDocPtr	 doc;
	char		*t;

	CHECK(http_get(s, "/search/habits/", &r) == 0 && r.status == 200);
	doc = html_parse(&r);
	/* The body's words, markup gone, the match marked. */
	t = xp_text(doc, "(//p[contains(@class,'search-snippet')])[2]");
	CHECK(t != NULL && strstr(t, "its habits too") != NULL);
	free(t);
	CHECK(xp_count(doc, "(//p[contains(@class,'search-snippet')])[2]"
	    "/mark[.='habits']") == 1);
	CHECK(xp_count(doc, "//p[contains(@class,'search-snippet')]//*"
	    "[not(self::mark)]") == 0);
	CHECK(xp_count(doc, "//meta[@name='robots' and @content='noindex']")
	    == 1);
	CHECK(xp_count(doc, "//input[@name='s' and @value='habits']") == 1);
	CHECK(xp_count(doc, "//label[@for='search-s']") == 1);
	xmlFreeDoc(doc);
	resp_free(&r);
}

static void
pages(struct srv *s)
{
	struct resp	 r;
	htmlDocPtr	 doc;
	char		 path[64], *older;
	int		 p, n = 0;

	for (p = 1; p <= 3; p++) {
		snprintf(path, sizeof(path), p == 1 ? "/search/pagewords/" :
		    "/search/pagewords/page/%d/", p);
		CHECK(http_get(s, path, &r) == 0 && r.status == 200);
		doc = html_parse(&r);
		n += xp_count(doc, "//article[contains(@class,"
		    "'search-result')]");
		CHECK(xp_count(doc, "//article[contains(@class,"
		    "'search-result')]") == (p < 3 ? 10 : 5));
		older = xp_attr(doc, "//a[@class='older']/@href");
		snprintf(path, sizeof(path), "/search/pagewords/page/%d/",
		    p + 1);
		CHECK(p < 3 ? older != NULL && strcmp(older, path) == 0 :
		    older == NULL);
		free(older);
		CHECK(p == 1 || xp_count(doc, "//a[@class='newer']") == 1);
		xmlFreeDoc(doc);
		resp_free(&r);
	}
	CHECK(n == 25);
	CHECK(http_get(s, "/search/pagewords/page/4/", &r) == 0 &&
	    r.status == 404);
	resp_free(&r);
	/* WordPress's own: /page/2/?s= is page 2 of the same search. */
	CHECK(http_get(s, "/page/3/?s=pagewords", &r) == 0 &&
	    r.status == 200 && strstr(r.body.data, "search-result"));
	resp_free(&r);
	CHECK(http_get(s, "/search/pagewords/page/999/", &r) == 0 &&
	    r.status == 404);
	resp_free(&r);
	/* Near misses go to the one address of a search. */
	CHECK(http_get(s, "/search/Page%20Words", &r) == 0 &&
	    r.status == 301 && strstr(resp_header(&r, "Location"),
	    "/search/Page+Words/"));
	resp_free(&r);
}

static void
not_cached(struct srv *s)
{
	const char	*h[2] = { NULL, NULL };
	struct resp	 r;
	char		 etag[128], inm[160];

	CHECK(http_get(s, "/", &r) == 0 && r.status == 200);
	resp_free(&r);
	CHECK(http_get(s, "/", &r) == 0 && r.status == 200 &&
	    resp_header(&r, "ETag") != NULL);
	snprintf(etag, sizeof(etag), "%s", resp_header(&r, "ETag"));
	resp_free(&r);
	/* The home page is cached; ?s= is never answered from it. */
	CHECK(http_get(s, "/?s=zebrafish", &r) == 0 && r.status == 200 &&
	    strstr(r.body.data, "Zebrafish habits") != NULL);
	CHECK(resp_header(&r, "ETag") == NULL);
	CHECK(resp_header(&r, "Cache-Control") != NULL &&
	    strcmp(resp_header(&r, "Cache-Control"), "no-store") == 0);
	resp_free(&r);
	snprintf(inm, sizeof(inm), "If-None-Match: %s", etag);
	h[0] = inm;
	CHECK(http_req(s, "GET", "/?s=zebrafish", h, &r) == 0 &&
	    r.status == 200);
	resp_free(&r);
	CHECK(http_get(s, "/search/zebrafish/", &r) == 0 && r.status == 200 &&
	    strcmp(resp_header(&r, "Cache-Control"), "no-store") == 0);
	resp_free(&r);
	CHECK(http_get(s, "/search/zebrafish/", &r) == 0 && r.status == 200 &&
	    resp_header(&r, "ETag") == NULL);
	resp_free(&r);
	/* And the home page is still the home page. */
	CHECK(http_get(s, "/", &r) == 0 && r.status == 200 &&
	    !strstr(r.body.data, "search-result") &&
	    strcmp(resp_header(&r, "ETag"), etag) == 0);
	resp_free(&r);
}

/* Any query: 200, never an error, never an SQL error. */
static void
hostile(struct srv *s)
{
	static const char *const qs[] = {
	    "", " ", "\"", "\"\"", "\"open", "close\"", "*", "**", "a*",
	    "^", "^zebrafish", ":", "title:zebrafish", "-", "--", "-zebrafish",
	    "+", "+zebrafish", "(", ")", "(zebrafish", "zebrafish)",
	    "AND", "OR", "NOT", "NEAR", "NEAR(zebrafish habits)",
	    "zebrafish AND habits", "zebrafish OR quokka", "NOT zebrafish",
	    "zebrafish NOT habits", "zebrafish NEAR/2 habits", "'", "''",
	    "\\", "\\'", "a & b", "a | b", "!a", "a <-> b", "a:*", "'a':*",
	    "{", "}", "[", "]", "%", "_", "%zebra%", ";", "; DROP TABLE posts",
	    "') OR 1=1 --", "\" OR \"\"=\"", "$1", "?1", "\xff\xfe",
	    "zebra\xc3", "\xc3\x28", "\xed\xa0\x80", "\xef\xbf\xbf",
	    "\xe2\x80\x94", "\xf0\x9f\x98\x80", "caf\xc3\xa9", "\t\r\n",
	};
	struct buf	 q, b;
	struct resp	 r;
	size_t		 i;
	long		 st;
	int		 bad = 0;

	for (i = 0; i < sizeof(qs) / sizeof(qs[0]); i++) {
		st = search(s, qs[i], NULL);
		if (!CHECK_MSG(st == 200, "a hostile query answers 200"))
			fprintf(stderr, "  query [%s]: %ld\n", qs[i], st);
	}
	/* NUL bytes, raw and in a path; 2,000 characters; 20,000. */
	CHECK(http_get(s, "/?s=zebra%00fish", &r) == 0 && r.status == 200);
	resp_free(&r);
	CHECK(http_get(s, "/?s=%00", &r) == 0 && r.status == 200);
	resp_free(&r);
	CHECK(http_get(s, "/search/%00zebrafish%00/", &r) == 0 &&
	    r.status == 301);
	resp_free(&r);
	CHECK(http_get(s, "/search/+zebrafish+/", &r) == 0 &&
	    r.status == 301 && strstr(resp_header(&r, "Location"),
	    "/search/zebrafish/"));
	resp_free(&r);
	buf_init(&q);
	for (i = 0; i < 400; i++)
		buf_puts(&q, "zebr\" ");
	CHECK(q.len == 2400 && search(s, q.data, NULL) == 200);
	buf_init(&b);
	buf_puts(&b, "/search/");
	esc(&b, q.data, q.len);
	buf_puts(&b, "/");
	CHECK(http_get(s, b.data, &r) == 0 && r.status == 301);
	resp_free(&r);
	buf_reset(&b);
	buf_reset(&q);
	/* An empty query, and one with no word, say what to do. */
	CHECK(http_get(s, "/?s=", &r) == 0 && r.status == 200 &&
	    strstr(r.body.data, "Type the words to search for"));
	resp_free(&r);
	CHECK(http_get(s, "/?s=%22%2A%28", &r) == 0 && r.status == 200 &&
	    strstr(r.body.data, "Type the words to search for"));
	resp_free(&r);
	/* Nothing found says so. */
	CHECK(http_get(s, "/?s=xylophonequartz", &r) == 0 &&
	    r.status == 200 && strstr(r.body.data, "Nothing matched"));
	resp_free(&r);
	bad = srv_log_has(s, "galley: sqlite:") ||
	    srv_log_has(s, "galley: postgresql:") ||
	    srv_log_has(s, "syntax") || srv_log_has(s, "fts5") ||
	    srv_log_has(s, "tsquery") || srv_log_has(s, " 500 ");
	CHECK_MSG(!bad, "no SQL error and no 500 in the server's log");
}

/* Appends s as HTML text (what a writer's "&lt;" stores). */
static void
as_text(struct buf *b, const char *s)
{
	for (; *s != '\0'; s++)
		if (*s == '<')
			buf_puts(b, "&lt;");
		else if (*s == '>')
			buf_puts(b, "&gt;");
		else if (*s == '&')
			buf_puts(b, "&amp;");
		else
			buf_putc(b, *s);
}

/*
 * Every payload in a post's title and body (as text, so it is in the
 * snippet as it was typed), found by a word of its own, ten a page; and
 * every payload as the query.  No page gets markup of the payloads'.
 */
static void
payloads(struct srv *s)
{
	struct store		*st;
	struct store_conn	*c = open_store(&st);
	struct buf		 body, path;
	struct resp		 r;
	htmlDocPtr		 doc;
	char			**lines, word[32];
	size_t			 n, i;
	int			 foreign = 0, other = 0, lt = 0, hits = 0,
				 fail = 0;

	lines = payload_lines(&n);
	if (!CHECK(lines != NULL && n > 3000 && c != NULL)) {
		if (c != NULL) {
			store_conn_put(st, c);
			store_close(st);
		}
		return;
	}
	buf_init(&body);
	CHECK(store_begin(c) == STORE_OK);
	for (i = 0; i < n; i++) {
		body.len = 0;
		snprintf(word, sizeof(word), "xq%04zu", i);
		buf_printf(&body, "%s ", word);
		as_text(&body, lines[i]);
		buf_printf(&body, "\n\n%s", lines[i]);
		fail += save_slug(c, "post", "publish", lines[i], body.data,
		    "html", 1400000000, word) == 0;
	}
	CHECK(store_commit(c) == STORE_OK);
	CHECK_MSG(fail == 0, "every payload saved as a post");
	store_conn_put(st, c);
	store_close(st);
	buf_reset(&body);
	buf_init(&path);
	for (i = 0; i < n; i += 10) {
		path.len = 0;
		buf_printf(&path, "/search/xq%03zu/", i / 10);
		if (http_get(s, path.data, &r) != 0 || r.status != 200) {
			fail++;
			resp_free(&r);
			continue;
		}
		doc = html_parse(&r);
		foreign += foreign_markup(doc);
		other += xp_count(doc, "//p[contains(@class,"
		    "'search-snippet')]//*[not(self::mark)]");
		hits += xp_count(doc, "//p[contains(@class,'search-snippet')]"
		    "/mark[starts-with(.,'xq')]");
		lt += xp_count(doc, "//p[contains(@class,'search-snippet')]"
		    "[contains(.,'<')]");
		xmlFreeDoc(doc);
		resp_free(&r);
	}
	CHECK_MSG(fail == 0, "every page of payloads answers 200");
	CHECK_MSG(foreign == 0, "no payload's markup in a snippet or title");
	CHECK_MSG(other == 0, "a snippet holds text and <mark> alone");
	CHECK_MSG(hits >= (int)n, "every payload's post found, marked");
	CHECK_MSG(lt > 1000, "payloads come back as text, '<' and all");
	/* Every payload as the query. */
	for (i = 0, fail = 0, foreign = 0; i < n; i++) {
		path.len = 0;
		buf_puts(&path, "/?s=");
		esc(&path, lines[i], strlen(lines[i]));
		if (http_get(s, path.data, &r) != 0 || r.status != 200) {
			fail++;
			resp_free(&r);
			continue;
		}
		doc = html_parse(&r);
		foreign += foreign_markup(doc);
		other += xp_count(doc, "//p[contains(@class,"
		    "'search-snippet')]//*[not(self::mark)]");
		xmlFreeDoc(doc);
		resp_free(&r);
	}
	CHECK_MSG(fail == 0, "every payload as a query answers 200");
	CHECK_MSG(foreign == 0 && other == 0, "no payload query's markup");
	CHECK_MSG(!srv_log_has(s, " 500 ") &&
	    !srv_log_has(s, "galley: sqlite:") &&
	    !srv_log_has(s, "galley: postgresql:"), "no 500 and no SQL"
	    " error in the log");
	buf_reset(&path);
	for (i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
}

static long
admin_get(struct srv *s, const char *cookie, const char *path,
    struct resp *r)
{
	const char	*h[] = { cookie, NULL };

	if (http_req(s, "GET", path, h, r) != 0)
		return -1;
	return r->status;
}

/* POSTs to /admin/posts/; the post's id from the redirect, or 0. */
static int64_t
admin_post(struct srv *s, const char *cookie, const char *const *f)
{
	const char	*h[] = { cookie, NULL };
	struct resp	 r;
	const char	*loc;
	int64_t		 id = 0;

	if (http_post(s, "/admin/posts/", f, 0, NULL, h, &r) != 0)
		return 0;
	if (r.status == 303 && (loc = resp_header(&r, "Location")) != NULL)
		id = strstr(loc, "edit=") ? atoll(strstr(loc, "edit=") + 5) :
		    1;
	resp_free(&r);
	return id;
}

/* Does the admin's post list, searched for q, show title? */
static int
admin_finds(struct srv *s, const char *cookie, const char *q,
    const char *title)
{
	char		 path[200];
	struct resp	 r;
	int		 yes;

	snprintf(path, sizeof(path), "/admin/posts/?q=%s", q);
	yes = admin_get(s, cookie, path, &r) == 200 &&
	    strstr(r.body.data, title) != NULL;
	resp_free(&r);
	return yes;
}

/* The index follows every write: new, edit, trash, restore, delete. */
static void
current(struct srv *s)
{
	char		*cookie = admin_login(s, "admin@example.org", PW,
			    NULL), csrf[80] = "", id[24];
	struct resp	 r;

	if (!CHECK(cookie != NULL))
		return;
	snprintf(csrf, sizeof(csrf), "%s", admin_csrf(s, cookie));
	snprintf(id, sizeof(id), "%lld", (long long)admin_post(s, cookie,
	    (const char *[]){ "csrf", csrf, "action", "save", "title",
	    "Marsupials", "body", "The wombat digs.", "format", "markdown",
	    "status", "publish", NULL }));
	CHECK(atoll(id) > 1);
	CHECK_STR(found(s, "wombat"), "Marsupials\n");
	CHECK(admin_post(s, cookie, (const char *[]){ "csrf", csrf, "action",
	    "save", "id", id, "title", "Marsupials", "body", "The numbat"
	    " eats.", "format", "markdown", "status", "publish", NULL }) > 0);
	CHECK_STR(found(s, "wombat"), "");
	CHECK_STR(found(s, "numbat"), "Marsupials\n");
	/* The admin's list searches the same index, drafts and all. */
	CHECK(admin_finds(s, cookie, "numbat", "Marsupials"));
	CHECK(!admin_finds(s, cookie, "wombat", "Marsupials"));
	CHECK(admin_finds(s, cookie, "numb", "Marsupials"));
	CHECK(admin_get(s, cookie, "/admin/posts/?q=%22%00%28NEAR", &r) ==
	    200);
	resp_free(&r);
	CHECK(admin_post(s, cookie, (const char *[]){ "csrf", csrf, "action",
	    "trash", "id", id, NULL }) > 0);
	CHECK_STR(found(s, "numbat"), "");
	CHECK(!admin_finds(s, cookie, "numbat", "Marsupials"));
	{
		char path[200];

		snprintf(path, sizeof(path), "/admin/posts/?status=trash&q="
		    "numbat");
		CHECK(admin_get(s, cookie, path, &r) == 200 &&
		    strstr(r.body.data, "Marsupials") != NULL);
		resp_free(&r);
	}
	CHECK(admin_post(s, cookie, (const char *[]){ "csrf", csrf, "action",
	    "restore", "id", id, NULL }) > 0);
	CHECK_STR(found(s, "numbat"), "");	/* a draft now */
	CHECK(admin_finds(s, cookie, "numbat", "Marsupials"));
	CHECK(admin_post(s, cookie, (const char *[]){ "csrf", csrf, "action",
	    "trash", "id", id, NULL }) > 0);
	CHECK(admin_post(s, cookie, (const char *[]){ "csrf", csrf, "action",
	    "delete", "id", id, NULL }) > 0);
	CHECK(db_count(dbw, "SELECT count(*) FROM posts WHERE title ="
	    " 'Marsupials'") == 0);
	{
		char path[200];

		snprintf(path, sizeof(path), "/admin/posts/?status=trash&q="
		    "numbat");
		CHECK(admin_get(s, cookie, path, &r) == 200 &&
		    strstr(r.body.data, "Marsupials") == NULL);
		resp_free(&r);
	}
	free(cookie);
}

/*
 * A site made before migration 16: its search columns and index (and
 * migration 17's index, and the tables of 18 to 20) taken away and its
 * version set back, as a site of the version before; the next start
 * migrates it and indexes every post, bodies too.  Migration 21's
 * tables go too, 22's and 24's to 28's columns and indexes: a site at 15
 * has none of them, and 28's three sender indexes as they were.
 */
static void
migration(struct srv *s)
{
	int	 pg = getenv("GALLEY_DB") != NULL;
	/* Migrations 28 to 24, 22 to 18 undone, newest first. */
	static const char *const later =
	    "DROP INDEX comments_by_ip_status;"
	    " CREATE INDEX comments_by_ip ON comments (ip_hash, created);"
	    " CREATE INDEX comments_by_email ON comments (email, status);"
	    " CREATE INDEX comments_by_ip_status ON comments (ip_hash, status);"
	    " ALTER TABLE comments DROP COLUMN spam_feat;"
	    " DROP INDEX post_votes_by_created;"
	    " DROP INDEX comment_votes_by_created;"
	    " DROP INDEX comments_by_image; DROP INDEX comments_by_thumb;"
	    " DROP INDEX post_revisions_autosave;"
	    " ALTER TABLE post_revisions DROP COLUMN autosave;"
	    " ALTER TABLE comments DROP COLUMN spam_step;"
	    " ALTER TABLE spam_tokens DROP COLUMN w;"
	    " DROP TABLE site_images;"
	    " DROP TABLE menu_items; DROP TABLE mail_held;"
	    " DROP TABLE attachments;"
	    " DROP TABLE password_resets;"
	    " DROP TABLE mail_subscriptions; DROP TABLE mail_addresses;"
	    " DROP TABLE mail_events; DROP TABLE outbox;";

	CHECK(srv_stop(s) == 0);
	CHECK(db_exec(dbw, later) == 0);
	if (pg)
		CHECK(db_exec(dbw, "DROP INDEX posts_search;"
		    " DROP INDEX posts_unindexed;"
		    " ALTER TABLE posts DROP COLUMN search_vec;"
		    " ALTER TABLE posts DROP COLUMN search_text;"
		    " DROP INDEX comments_by_status;"
		    " UPDATE schema_version SET version = 15") == 0);
	else
		CHECK(db_exec(dbw, "DROP TRIGGER posts_fts_i;"
		    " DROP TRIGGER posts_fts_u; DROP TRIGGER posts_fts_d;"
		    " DROP TABLE posts_fts; DROP INDEX posts_unindexed;"
		    " ALTER TABLE posts DROP COLUMN search_text;"
		    " DROP INDEX comments_by_status;"
		    " PRAGMA user_version = 15") == 0);
	CHECK(srv_start(s, site) == 0);
	CHECK(srv_log_has(s, "posts indexed"));
	CHECK(db_count(dbw, "SELECT count(*) FROM posts WHERE search_text"
	    " IS NULL") == 0);
	CHECK_STR(found(s, "zebrafish"), "Zebrafish habits\nOther fish\n");
	CHECK_STR(found(s, "thawing"), "Cold\n");
	CHECK_STR(found(s, "boldface"), "Tagged\n");
	CHECK(strstr(found(s, "russia"), "ISIS") != NULL);
}

int
main(void)
{
	char		*dir = tmp_path("search"), path[600];
	struct srv	 s;
	const char	*db = getenv("GALLEY_DB");

	site = dir;
	snprintf(path, sizeof(path), "%s/galley.db", dir);
	dbw = db != NULL ? db : path;
	CHECK(run_galley(db != NULL ? (const char *[]){ "init", dir, "--demo",
	    "--db", db, NULL } : (const char *[]){ "init", dir, "--demo",
	    NULL }, NULL) == 0);
	CHECK(user_add(site, "admin@example.org", "X", "admin", PW) == 0);
	content();
	if (!CHECK(srv_start(&s, dir) == 0))
		return check_done();
	ranking(&s);
	snippet_marks(&s);
	pages(&s);
	not_cached(&s);
	hostile(&s);
	current(&s);
	payloads(&s);
	migration(&s);
	CHECK(srv_stop(&s) == 0);
	snprintf(path, sizeof(path), "rm -rf %s", dir);
	CHECK(system(path) == 0);
	free(dir);
	return check_done();
}
