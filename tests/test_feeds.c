/*
 * test_feeds: what feed readers and crawlers read, from `galley serve`
 * over real HTTP on a demo site with a few more posts and comments.
 * Every feed URL (RSS 2.0 and Atom, WordPress's paths and its ?feed=
 * forms) is read by Python's feedparser (tests/feed_check.py, Debian's
 * python3-feedparser) with no bozo flag and the entries and fields
 * expected; Atom's RFC 4287 requirements; text escaped once and paths
 * made absolute; approved comments only and no email address; summary
 * mode; ETag, 304 and gzip on a feed and its change after a write.
 * Then the sitemaps (libxml2: well-formed, sitemaps.org's namespace,
 * absolute URLs, W3C lastmod, at most 2,000 URLs each, paged over a
 * site of more than 2,000 posts), robots.txt, date archives and their
 * pages, WordPress's query forms as 301s (404 when nothing is there)
 * and the head's feed links, rel=prev/next, og:image and article times.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <jansson.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "buf.h"
#include "check.h"
#include "http.h"

#define BASE	"http://127.0.0.1:8080"
#define DEMO	"/2015/10/russian-isis-strikes-hit-us-backed-anti-isis-groups-instead/"
#define FISH	"/2015/11/fish-chips/"
#define RSS	"application/rss+xml; charset=utf-8"
#define ATOM	"application/atom+xml; charset=utf-8"

static const char	*db;		/* the site's database */
static char		*site;

/* A few more posts, terms, an author and comments of each status. */
static void
setup(void)
{
	CHECK(db_count(db, "SELECT count(*) FROM media") >= 1);
	CHECK(db_exec(db, "INSERT INTO users (slug, name, email, created)"
	    " VALUES ('jane-doe', 'Jane Doe', 'jane@example.com', 0);"
	    "INSERT INTO terms (taxonomy, slug, name) VALUES"
	    " ('category', 'world', 'World'), ('tag', 'food', 'Food');"
	    "INSERT INTO posts (type, slug, title, status, author_id,"
	    " published, modified, format, body, featured_media) VALUES"
	    " ('post', 'fish-chips', 'Fish & <Chips>', 'publish',"
	    " (SELECT id FROM users WHERE slug = 'jane-doe'), 1446544800,"
	    " 1446548400, 'html', '<p>Salt &amp; vinegar, see <a"
	    " href=\"/tag/food/\">food</a>.</p><p><img src=\"/media/x.jpg\""
	    " srcset=\"/media/x.jpg 320w, /media/y.jpg 640w\" alt=\"pic\">"
	    "</p>', (SELECT min(id) FROM media)),"
	    " ('post', 'later-news', 'Later news', 'publish',"
	    " (SELECT id FROM users WHERE slug = 'staff-writer'),"
	    " 1452852000, 1452852000, 'html', '<p>Later.</p>', NULL),"
	    " ('post', 'draft-one', 'DRAFT-TITLE', 'draft',"
	    " (SELECT id FROM users WHERE slug = 'staff-writer'),"
	    " 1452852000, 1452852000, 'html', '<p>Draft.</p>', NULL);"
	    "INSERT INTO post_terms (post_id, term_id, position) SELECT p.id,"
	    " t.id, t.id FROM posts p, terms t WHERE p.slug = 'fish-chips'"
	    " AND t.slug IN ('world', 'food');"
	    "INSERT INTO comments (post_id, author, email, content, status,"
	    " created) SELECT id, 'Carol', 'carol@example.net',"
	    " 'Tasty & *crisp*', 'approved', 1446600000 FROM posts WHERE"
	    " slug = 'fish-chips';"
	    "INSERT INTO comments (post_id, author, email, content, status,"
	    " created) SELECT id, 'Mallory', 'mallory@example.net',"
	    " 'HELD-TEXT', 'pending', 1446600100 FROM posts WHERE"
	    " slug = 'fish-chips';"
	    "INSERT INTO comments (post_id, author, email, content, status,"
	    " created) SELECT id, 'Spammer', 'spam@example.net',"
	    " 'SPAM-TEXT', 'spam', 1446600200 FROM posts WHERE"
	    " slug = 'fish-chips';"
	    "UPDATE comments SET thread = id, pos = 1 WHERE author = 'Carol';")
	    == 0);
}

/*
 * GETs path, checks 200 and its Content-Type, and reads the body with
 * feedparser (feed_check.py): its JSON, or NULL.  The raw body is left
 * in *raw when raw is not NULL.
 */
static json_t *
feed(struct srv *s, const char *path, const char *type, struct buf *raw)
{
	char		*file = tmp_path("feed"), cmd[1200], what[300];
	struct resp	 r;
	struct buf	 out;
	json_t		*j = NULL;
	json_error_t	 e;
	char		 line[4096];
	FILE		*f;

	buf_init(&out);
	snprintf(what, sizeof(what), "GET %s: 200 %s", path, type);
	if (!CHECK_MSG(http_get(s, path, &r) == 0 && r.status == 200 &&
	    strcmp(resp_header(&r, "Content-Type"), type) == 0, what))
		goto out;
	if ((f = fopen(file, "w")) == NULL)
		goto out;
	fwrite(r.body.data, 1, r.body.len, f);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "/usr/bin/python3 %s/tests/feed_check.py"
	    " '%s'", getenv("TOP") ? getenv("TOP") : ".", file);
	if ((f = popen(cmd, "r")) != NULL) {
		while (fgets(line, sizeof(line), f) != NULL)
			buf_puts(&out, line);
		pclose(f);
	}
	j = out.data != NULL ? json_loads(out.data, 0, &e) : NULL;
	snprintf(what, sizeof(what), "%s: feedparser read it", path);
	CHECK_MSG(j != NULL, what);
	snprintf(what, sizeof(what), "%s: no bozo flag (%s)", path, j != NULL ?
	    json_string_value(json_object_get(j, "bozo_exception")) : "");
	CHECK_MSG(j != NULL && json_integer_value(json_object_get(j, "bozo"))
	    == 0, what);
	snprintf(what, sizeof(what), "%s: no email address", path);
	CHECK_MSG(j != NULL && json_integer_value(json_object_get(j,
	    "emails")) == 0, what);
	snprintf(what, sizeof(what), "%s: RFC 4287", path);
	if (j != NULL && json_object_get(j, "atom_problems") != NULL) {
		CHECK_MSG(json_array_size(json_object_get(j, "atom_problems"))
		    == 0, what);
		if (json_array_size(json_object_get(j, "atom_problems")) > 0)
			fprintf(stderr, "  %s\n", json_dumps(json_object_get(j,
			    "atom_problems"), 0));
	}
	CHECK_MSG(strstr(r.body.data, "HELD-TEXT") == NULL &&
	    strstr(r.body.data, "SPAM-TEXT") == NULL &&
	    strstr(r.body.data, "DRAFT-TITLE") == NULL, "only what is shown");
	if (raw != NULL)
		buf_write(r.body.data, r.body.len, raw);
out:
	resp_free(&r);
	buf_reset(&out);
	unlink(file);
	free(file);
	return j;
}

static json_t *
entry(json_t *j, size_t i)
{
	return json_array_get(json_object_get(j, "entries"), i);
}

static const char *
field(json_t *j, size_t i, const char *name)
{
	const char	*s = json_string_value(json_object_get(entry(j, i),
	    name));

	return s != NULL ? s : "";
}

static size_t
entries(json_t *j)
{
	return json_array_size(json_object_get(j, "entries"));
}

/* Has the entry a tag (a category or tag) called name? */
static int
has_tag(json_t *j, size_t i, const char *name)
{
	json_t	*t = json_object_get(entry(j, i), "tags");
	size_t	 k;

	for (k = 0; k < json_array_size(t); k++)
		if (strcmp(json_string_value(json_array_get(t, k)), name) == 0)
			return 1;
	return 0;
}

/* The site's feed, RSS and Atom: entries, fields, escaping, URLs. */
static void
site_feeds(struct srv *s)
{
	static const struct {
		const char	*path, *type, *version;
	} forms[] = {
		{ "/feed/", RSS, "rss20" },
		{ "/feed/rss2/", RSS, "rss20" },
		{ "/feed/atom/", ATOM, "atom10" },
	};
	struct buf	 raw;
	const char	*c;
	json_t		*j, *enc;
	size_t		 i;

	for (i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		buf_init(&raw);
		if ((j = feed(s, forms[i].path, forms[i].type, &raw)) == NULL)
			continue;
		CHECK_STR(json_string_value(json_object_get(j, "version")),
		    forms[i].version);
		CHECK_STR(json_string_value(json_object_get(j, "title")),
		    "Galley News");
		CHECK(entries(j) == 3);
		CHECK_STR(field(j, 0, "title"), "Later news");
		/* Text escaped once: feedparser gives the title as typed. */
		CHECK_STR(field(j, 1, "title"), "Fish & <Chips>");
		CHECK_STR(field(j, 1, "link"), BASE FISH);
		CHECK_STR(field(j, 1, "author"), "Jane Doe");
		CHECK_STR(field(j, 2, "author"), "Staff Writer");
		CHECK(strncmp(field(j, 1, "id"), BASE "/?p=", 7 + 15) == 0);
		CHECK(strcmp(field(j, 0, "id"), field(j, 1, "id")) != 0);
		CHECK(json_is_true(json_object_get(entry(j, 1), "published")));
		CHECK(has_tag(j, 1, "World") && has_tag(j, 1, "Food"));
		CHECK(has_tag(j, 2, "Terrorism") && has_tag(j, 2, "Syria"));
		/* The body's HTML, escaped once; paths absolute. */
		c = field(j, 1, "content");
		CHECK(strstr(c, "Salt &amp; vinegar") != NULL);
		CHECK(strstr(c, "&amp;amp;") == NULL);
		CHECK(strstr(raw.data, "href=&quot;" BASE "/tag/food/&quot;"));
		CHECK(strstr(raw.data, "src=&quot;" BASE "/media/x.jpg&quot;"));
		CHECK(strstr(raw.data, "srcset=&quot;" BASE "/media/x.jpg 320w, "
		    BASE "/media/y.jpg 640w&quot;"));
		CHECK(strstr(raw.data, "=&quot;/") == NULL);
		CHECK(strstr(field(j, 2, "summary"), "A dramatic video") !=
		    NULL);
		/* The featured picture: an enclosure of its type and size. */
		enc = json_array_get(json_object_get(entry(j, 1),
		    "enclosures"), 0);
		CHECK(enc != NULL && strncmp(json_string_value(json_object_get(
		    enc, "href")), BASE "/media/", strlen(BASE "/media/"))
		    == 0);
		CHECK_STR(json_string_value(json_object_get(enc, "type")),
		    "image/jpeg");
		CHECK(enc != NULL && atol(json_string_value(json_object_get(enc,
		    "length"))) > 0);
		CHECK(json_array_size(json_object_get(entry(j, 0),
		    "enclosures")) == 0);
		json_decref(j);
		buf_reset(&raw);
	}
}

/* Each archive's feed, and the comment feeds. */
static void
other_feeds(struct srv *s)
{
	static const struct {
		const char	*path, *type;
		size_t		 n;
		const char	*first;		/* title of the first entry */
	} feeds[] = {
		{ "/category/world/feed/", RSS, 1, "Fish & <Chips>" },
		{ "/category/world/feed/atom/", ATOM, 1, "Fish & <Chips>" },
		{ "/category/terrorism/feed/", RSS, 1,
		    "Russian \u2018ISIS Strikes\u2019 Hit US-Backed Anti-ISIS"
		    " Groups Instead" },
		{ "/tag/food/feed/", RSS, 1, "Fish & <Chips>" },
		{ "/tag/food/feed/atom/", ATOM, 1, "Fish & <Chips>" },
		{ "/author/jane-doe/feed/", RSS, 1, "Fish & <Chips>" },
		{ "/author/staff-writer/feed/atom/", ATOM, 2, "Later news" },
		{ "/2015/feed/", RSS, 2, "Fish & <Chips>" },
		{ FISH "feed/", RSS, 1, "By: Carol" },
		{ FISH "feed/atom/", ATOM, 1, "By: Carol" },
		{ "/comments/feed/", RSS, 0, "Comment on Fish & <Chips> by"
		    " Carol" },
		{ "/comments/feed/atom/", ATOM, 0, "Comment on Fish & <Chips>"
		    " by Carol" },
	};
	long long	 approved = db_count(db, "SELECT count(*) FROM comments"
	    " WHERE status = 'approved'");
	char		 what[300];
	json_t		*j;
	size_t		 i;

	for (i = 0; i < sizeof(feeds) / sizeof(feeds[0]); i++) {
		if ((j = feed(s, feeds[i].path, feeds[i].type, NULL)) == NULL)
			continue;
		snprintf(what, sizeof(what), "%s: %zu entries", feeds[i].path,
		    entries(j));
		CHECK_MSG(entries(j) == (feeds[i].n > 0 ? feeds[i].n :
		    (size_t)approved), what);
		CHECK_STR(field(j, 0, "title"), feeds[i].first);
		json_decref(j);
	}
	/* A comment: its author, text (Markdown rendered), link, id. */
	if ((j = feed(s, FISH "feed/atom/", ATOM, NULL)) != NULL) {
		CHECK_STR(field(j, 0, "author"), "Carol");
		CHECK(strstr(field(j, 0, "content"),
		    "Tasty &amp; <em>crisp</em>") != NULL);
		CHECK(strncmp(field(j, 0, "link"), BASE FISH, 33) == 0 &&
		    strstr(field(j, 0, "link"), "#comment-") != NULL);
		CHECK(strstr(field(j, 0, "id"), "#comment-") != NULL);
		json_decref(j);
	}
	CHECK(approved >= 2);
	for (i = 0; i < 4; i++) {
		static const char *const missing[] = { "/category/none/feed/",
		    "/2015/11/no-such-post/feed/", "/2015/12/fish-chips/feed/",
		    "/author/nobody/feed/atom/" };
		struct resp	 r;

		CHECK(http_get(s, missing[i], &r) == 0 && r.status == 404);
		resp_free(&r);
	}
}

/* Location of a GET that should answer 301, or "" (static). */
static const char *
moved(struct srv *s, const char *path)
{
	static char	 loc[512];
	struct resp	 r;
	char		 what[300];

	*loc = '\0';
	snprintf(what, sizeof(what), "%s: 301", path);
	if (CHECK_MSG(http_get(s, path, &r) == 0 && r.status == 301, what))
		snprintf(loc, sizeof(loc), "%s", resp_header(&r, "Location"));
	else
		fprintf(stderr, "  %s answered %ld\n", path, r.status);
	resp_free(&r);
	return loc;
}

static void
not_found(struct srv *s, const char *path)
{
	struct resp	 r;
	char		 what[300];

	snprintf(what, sizeof(what), "%s: 404", path);
	CHECK_MSG(http_get(s, path, &r) == 0 && r.status == 404 &&
	    strstr(resp_header(&r, "Cache-Control"), "public") == NULL, what);
	resp_free(&r);
}

/* WordPress's query forms: 301 to the pretty URL, 404 for nothing. */
static void
query_forms(struct srv *s)
{
	char	 p[128];

	CHECK_STR(moved(s, "/?feed=rss2"), "/feed/");
	CHECK_STR(moved(s, "/?feed=atom"), "/feed/atom/");
	CHECK_STR(moved(s, "/?feed=comments-rss2"), "/comments/feed/");
	CHECK_STR(moved(s, "/category/world/?feed=atom"),
	    "/category/world/feed/atom/");
	CHECK_STR(moved(s, FISH "?feed=rss2"), FISH "feed/");
	snprintf(p, sizeof(p), "/?p=%lld", db_count(db, "SELECT id FROM posts"
	    " WHERE slug = 'fish-chips'"));
	CHECK_STR(moved(s, p), FISH);
	snprintf(p, sizeof(p), "/?page_id=%lld", db_count(db, "SELECT id FROM"
	    " posts WHERE type = 'page' AND slug = 'privacy'"));
	CHECK_STR(moved(s, p), "/privacy/");
	snprintf(p, sizeof(p), "/?cat=%lld", db_count(db, "SELECT id FROM terms"
	    " WHERE slug = 'world'"));
	CHECK_STR(moved(s, p), "/category/world/");
	snprintf(p, sizeof(p), "/?author=%lld", db_count(db, "SELECT id FROM"
	    " users WHERE slug = 'jane-doe'"));
	CHECK_STR(moved(s, p), "/author/jane-doe/");
	CHECK_STR(moved(s, "/?tag=food"), "/tag/food/");
	CHECK_STR(moved(s, "/?m=2015"), "/2015/");
	CHECK_STR(moved(s, "/?m=201511"), "/2015/11/");
	CHECK_STR(moved(s, "/?m=20151103"), "/2015/11/03/");
	CHECK_STR(moved(s, "/?year=2016"), "/2016/");
	CHECK_STR(moved(s, "/?m=201511&utm_source=x"), "/2015/11/");
	not_found(s, "/?p=1" "99999");
	not_found(s, "/?p=abc");
	not_found(s, "/?page_id=99999");
	not_found(s, "/?cat=99999");
	snprintf(p, sizeof(p), "/?cat=%lld", db_count(db, "SELECT id FROM terms"
	    " WHERE slug = 'food'"));
	not_found(s, p);		/* a tag's id */
	not_found(s, "/?tag=no-such-tag");
	not_found(s, "/?tag=%3Cscript%3E");
	not_found(s, "/?author=99999");
	not_found(s, "/?author=-1");
	not_found(s, "/?m=201402");
	not_found(s, "/?m=2015x");
	not_found(s, "/?m=20151199");
	not_found(s, "/?year=1999");
	not_found(s, "/?feed=rdf");
}

/* Date archives: each level, their pages, and 404 for empty dates. */
static void
dates(struct srv *s)
{
	struct resp	 r;
	htmlDocPtr	 doc;
	char		*t;

	CHECK(run_galley((const char *[]){ "config", site, "set",
	    "posts_per_page", "1", NULL }, NULL) == 0);
	CHECK(http_eventually(s, "/2015/page/2/", "post-summary"));
	CHECK(http_get(s, "/2015/", &r) == 0 && r.status == 200);
	doc = html_parse(&r);
	CHECK(xp_count(doc, "//article[@class='post-summary']") == 1);
	CHECK(xp_count(doc, "//h2/a[@href='" FISH "']") == 1);
	t = xp_text(doc, "//h1[@class='archive-title']");
	CHECK_STR(t, "Year: 2015");
	free(t);
	t = xp_attr(doc, "//link[@rel='next']/@href");
	CHECK_STR(t, BASE "/2015/page/2/");
	free(t);
	CHECK(xp_count(doc, "//link[@rel='prev']") == 0);
	CHECK(xp_count(doc, "//a[@class='older' and @href='/2015/page/2/']")
	    == 1);
	xmlFreeDoc(doc);
	resp_free(&r);
	CHECK(http_get(s, "/2015/page/2/", &r) == 0 && r.status == 200);
	doc = html_parse(&r);
	CHECK(xp_count(doc, "//h2/a[@href='" DEMO "']") == 1);
	t = xp_attr(doc, "//link[@rel='prev']/@href");
	CHECK_STR(t, BASE "/2015/");
	free(t);
	CHECK(xp_count(doc, "//link[@rel='next']") == 0);
	xmlFreeDoc(doc);
	resp_free(&r);
	not_found(s, "/2015/page/3/");
	CHECK(http_get(s, "/2015/11/03/", &r) == 0 && r.status == 200);
	doc = html_parse(&r);
	CHECK(xp_count(doc, "//h2/a[@href='" FISH "']") == 1);
	t = xp_text(doc, "//h1[@class='archive-title']");
	CHECK_STR(t, "Day: November 3, 2015");
	free(t);
	xmlFreeDoc(doc);
	resp_free(&r);
	CHECK(http_get(s, "/2015/10/", &r) == 0 && r.status == 200 &&
	    strstr(r.body.data, "Month: October 2015") != NULL &&
	    strstr(r.body.data, DEMO) != NULL && strstr(r.body.data, FISH) ==
	    NULL);
	resp_free(&r);
	CHECK_STR(moved(s, "/2015/11/3/"), "/2015/11/03/");
	CHECK_STR(moved(s, "/2015/11"), "/2015/11/");
	not_found(s, "/2015/11/04/");
	not_found(s, "/2015/02/30/");
	not_found(s, "/2014/");
	not_found(s, "/2015/12/");
	CHECK(run_galley((const char *[]){ "config", site, "set",
	    "posts_per_page", "10", NULL }, NULL) == 0);
}

/* Feed links, og:image, article times in the head. */
static void
head(struct srv *s)
{
	struct resp	 r;
	htmlDocPtr	 doc;

	CHECK(http_eventually(s, "/", "Later news"));
	CHECK(http_get(s, "/", &r) == 0 && r.status == 200);
	doc = html_parse(&r);
	CHECK(xp_count(doc, "//head/link[@rel='alternate' and"
	    " @type='application/rss+xml' and @href='" BASE "/feed/']") == 1);
	CHECK(xp_count(doc, "//head/link[@rel='alternate' and"
	    " @type='application/rss+xml' and @href='" BASE
	    "/comments/feed/']") == 1);
	xmlFreeDoc(doc);
	resp_free(&r);
	CHECK(http_get(s, "/category/world/", &r) == 0 && r.status == 200);
	doc = html_parse(&r);
	CHECK(xp_count(doc, "//head/link[@rel='alternate' and @href='" BASE
	    "/category/world/feed/']") == 1);
	xmlFreeDoc(doc);
	resp_free(&r);
	CHECK(http_get(s, FISH, &r) == 0 && r.status == 200);
	doc = html_parse(&r);
	CHECK(xp_count(doc, "//head/link[@rel='alternate' and @href='" BASE
	    FISH "feed/']") == 1);
	CHECK(xp_count(doc, "//meta[@property='og:image' and starts-with("
	    "@content,'" BASE "/media/')]") == 1);
	CHECK(xp_count(doc, "//meta[@name='twitter:card' and"
	    " @content='summary_large_image']") == 1);
	CHECK(xp_count(doc, "//meta[@property='article:published_time' and"
	    " @content='2015-11-03T10:00:00Z']") == 1);
	CHECK(xp_count(doc, "//meta[@property='article:modified_time' and"
	    " @content='2015-11-03T11:00:00Z']") == 1);
	xmlFreeDoc(doc);
	resp_free(&r);
}

/* ETag, 304 and gzip on a feed; a write changes it. */
static void
caching(struct srv *s)
{
	struct resp	 r;
	struct buf	 plain, dec;
	char		 etag[128], inm[160];

	buf_init(&plain);
	buf_init(&dec);
	CHECK(http_get(s, "/comments/feed/", &r) == 0 && r.status == 200);
	snprintf(etag, sizeof(etag), "%s", resp_header(&r, "ETag"));
	CHECK(etag[0] == '"');
	CHECK(strstr(resp_header(&r, "Cache-Control"), "public") != NULL);
	buf_write(r.body.data, r.body.len, &plain);
	resp_free(&r);
	snprintf(inm, sizeof(inm), "If-None-Match: %s", etag);
	CHECK(http_req(s, "GET", "/comments/feed/", (const char *[]){ inm,
	    NULL }, &r) == 0 && r.status == 304 && r.body.len == 0);
	resp_free(&r);
	CHECK(http_req(s, "GET", "/comments/feed/?utm_source=x",
	    (const char *[]){ inm, NULL }, &r) == 0 && r.status == 304);
	resp_free(&r);
	CHECK(http_req(s, "GET", "/comments/feed/", (const char *[]){
	    "Accept-Encoding: gzip", NULL }, &r) == 0 && r.status == 200);
	CHECK_STR(resp_header(&r, "Content-Encoding"), "gzip");
	CHECK_STR(resp_header(&r, "Content-Type"), RSS);
	CHECK(http_decode("gzip", r.body.data, r.body.len, &dec) == 0 &&
	    dec.len == plain.len && memcmp(dec.data, plain.data, dec.len) == 0);
	resp_free(&r);
	/* A comment approved: the cached feed is not served again. */
	CHECK(db_exec(db, "UPDATE comments SET status = 'approved', thread ="
	    " id, pos = 2 WHERE content = 'HELD-TEXT'") == 0);
	CHECK(http_eventually(s, "/comments/feed/", "HELD-TEXT"));
	CHECK(http_get(s, "/comments/feed/", &r) == 0 && r.status == 200 &&
	    strcmp(resp_header(&r, "ETag"), etag) != 0);
	resp_free(&r);
	CHECK(db_exec(db, "UPDATE comments SET status = 'pending' WHERE"
	    " content = 'HELD-TEXT'") == 0);
	/* A new post: the site's feed has it first. */
	CHECK(db_exec(db, "INSERT INTO posts (type, slug, title, status,"
	    " author_id, published, modified, format, body) VALUES ('post',"
	    " 'newest', 'NEWEST-POST', 'publish', (SELECT id FROM users WHERE"
	    " slug = 'staff-writer'), 1500000000, 1500000000, 'html',"
	    " '<p>New.</p>')") == 0);
	CHECK(http_eventually(s, "/feed/atom/", "NEWEST-POST"));
	buf_reset(&plain);
	buf_reset(&dec);
}

/* feed_full_text false: summaries only. */
static void
summaries(struct srv *s)
{
	json_t	*j;

	CHECK(run_galley((const char *[]){ "config", site, "set",
	    "feed_full_text", "false", NULL }, NULL) == 0);
	CHECK(http_eventually(s, "/feed/", "NEWEST-POST"));
	usleep(getenv("GALLEY_DB") != NULL ? 300000 : 0);
	if ((j = feed(s, "/feed/atom/", ATOM, NULL)) != NULL) {
		CHECK(json_is_null(json_object_get(entry(j, 0), "content")));
		CHECK_STR(field(j, 0, "summary"), "New.");
		json_decref(j);
	}
	if ((j = feed(s, "/feed/", RSS, NULL)) != NULL) {
		CHECK(json_is_null(json_object_get(entry(j, 2), "content")));
		CHECK(strstr(field(j, 2, "summary"), "Salt &amp; vinegar") !=
		    NULL);
		json_decref(j);
	}
	CHECK(run_galley((const char *[]){ "config", site, "set",
	    "feed_full_text", "true", NULL }, NULL) == 0);
}

/* robots.txt, with and without the admin's lines. */
static void
robots(struct srv *s)
{
	struct resp	 r;

	CHECK(http_get(s, "/robots.txt", &r) == 0 && r.status == 200);
	CHECK_STR(resp_header(&r, "Content-Type"), "text/plain; charset=utf-8");
	CHECK(strstr(r.body.data, "User-agent: *\nDisallow: /admin/\n"));
	CHECK(strstr(r.body.data, "\nSitemap: " BASE "/wp-sitemap.xml\n"));
	resp_free(&r);
	CHECK(run_galley((const char *[]){ "config", site, "set",
	    "robots_txt", "User-agent: BadBot\nDisallow: /", NULL }, NULL)
	    == 0);
	CHECK(http_eventually(s, "/robots.txt", "\nUser-agent: BadBot\n"
	    "Disallow: /\n"));
	CHECK(http_eventually(s, "/robots.txt", "Disallow: /admin/"));
}

/* The text of every node expr selects in an XML document, by callback. */
static int
xml_each(xmlDocPtr doc, const char *expr, void (*fn)(const char *, void *),
    void *arg)
{
	xmlXPathContextPtr	 ctx = xmlXPathNewContext(doc);
	xmlXPathObjectPtr	 o;
	xmlChar			*t;
	int			 i, n = 0;

	xmlXPathRegisterNs(ctx, BAD_CAST "s", BAD_CAST
	    "http://www.sitemaps.org/schemas/sitemap/0.9");
	o = xmlXPathEvalExpression(BAD_CAST expr, ctx);
	if (o != NULL && o->nodesetval != NULL) {
		n = o->nodesetval->nodeNr;
		for (i = 0; i < n && fn != NULL; i++) {
			t = xmlNodeGetContent(o->nodesetval->nodeTab[i]);
			fn((const char *)t, arg);
			xmlFree(t);
		}
	}
	xmlXPathFreeObject(o);
	xmlXPathFreeContext(ctx);
	return n;
}

struct walk {
	struct srv	*s;
	int		 bad;		/* locs not absolute, lastmods not W3C */
	int		 fetched;	/* pages fetched, each must be 200 */
	int		 fetch;		/* how many to fetch at most */
	struct buf	 maps;		/* sitemap paths, \n-separated */
};

/* A loc: absolute on base_url; its page answers 200. */
static void
check_loc(const char *loc, void *arg)
{
	struct walk	*w = arg;
	struct resp	 r;

	if (strncmp(loc, BASE "/", sizeof(BASE)) != 0) {
		w->bad++;
		return;
	}
	if (w->fetched >= w->fetch)
		return;
	w->fetched++;
	if (http_get(w->s, loc + sizeof(BASE) - 1, &r) != 0 ||
	    r.status != 200) {
		fprintf(stderr, "  sitemap: %s answered %ld\n", loc, r.status);
		w->bad++;
	}
	resp_free(&r);
}

static void
check_lastmod(const char *t, void *arg)
{
	struct walk	*w = arg;
	int		 y, mo, d, h, mi, sec;
	char		 z;

	if (strlen(t) != 20 || sscanf(t, "%4d-%2d-%2dT%2d:%2d:%2d%c", &y, &mo,
	    &d, &h, &mi, &sec, &z) != 7 || z != 'Z')
		w->bad++;
}

static void
add_map(const char *loc, void *arg)
{
	struct walk	*w = arg;

	if (strncmp(loc, BASE "/", sizeof(BASE)) != 0)
		w->bad++;
	else
		buf_printf(&w->maps, "%s\n", loc + sizeof(BASE) - 1);
}

/* Parses a sitemap document fetched from path; NULL if not XML. */
static xmlDocPtr
sitemap_get(struct srv *s, const char *path, const char *root)
{
	struct resp	 r;
	xmlDocPtr	 doc = NULL;
	char		 what[300];

	snprintf(what, sizeof(what), "%s: 200 XML", path);
	if (CHECK_MSG(http_get(s, path, &r) == 0 && r.status == 200 &&
	    strcmp(resp_header(&r, "Content-Type"),
	    "application/xml; charset=utf-8") == 0, what))
		doc = xmlReadMemory(r.body.data, (int)r.body.len, path, NULL,
		    XML_PARSE_NONET | XML_PARSE_NOERROR);
	snprintf(what, sizeof(what), "%s: well-formed, <%s> in sitemaps.org's"
	    " namespace", path, root);
	CHECK_MSG(doc != NULL && xmlDocGetRootElement(doc) != NULL &&
	    strcmp((const char *)xmlDocGetRootElement(doc)->name, root) == 0 &&
	    xmlDocGetRootElement(doc)->ns != NULL && strcmp((const char *)
	    xmlDocGetRootElement(doc)->ns->href,
	    "http://www.sitemaps.org/schemas/sitemap/0.9") == 0, what);
	resp_free(&r);
	return doc;
}

/*
 * The index and each sitemap it names: returns the URLs listed in the
 * posts' sitemaps; *files the number of posts' sitemaps.
 */
static int
sitemaps(struct srv *s, int fetch, int *files)
{
	struct walk	 w = { s, 0, 0, fetch, { 0 } };
	xmlDocPtr	 doc;
	char		*p, *nl, what[300];
	int		 n, posts = 0;

	*files = 0;
	buf_init(&w.maps);
	if ((doc = sitemap_get(s, "/wp-sitemap.xml", "sitemapindex")) == NULL)
		return -1;
	xml_each(doc, "/s:sitemapindex/s:sitemap/s:loc", add_map, &w);
	xmlFreeDoc(doc);
	CHECK(w.maps.data != NULL && strstr(w.maps.data,
	    "/wp-sitemap-posts-page-1.xml\n") && strstr(w.maps.data,
	    "/wp-sitemap-taxonomies-category-1.xml\n") && strstr(w.maps.data,
	    "/wp-sitemap-taxonomies-post_tag-1.xml\n") && strstr(w.maps.data,
	    "/wp-sitemap-users-1.xml\n"));
	for (p = w.maps.data; p != NULL && (nl = strchr(p, '\n')) != NULL;
	    p = nl + 1) {
		*nl = '\0';
		if ((doc = sitemap_get(s, p, "urlset")) == NULL)
			continue;
		n = xml_each(doc, "/s:urlset/s:url/s:loc", check_loc, &w);
		snprintf(what, sizeof(what), "%s: %d URLs, at most 2,000", p,
		    n);
		CHECK_MSG(n >= 1 && n <= 2000, what);
		xml_each(doc, "/s:urlset/s:url/s:lastmod", check_lastmod, &w);
		if (strncmp(p, "/wp-sitemap-posts-post-", 23) == 0) {
			posts += n;
			(*files)++;
			CHECK(xml_each(doc, "/s:urlset/s:url/s:lastmod", NULL,
			    NULL) == n);
		}
		xmlFreeDoc(doc);
	}
	CHECK_MSG(w.bad == 0, "every loc absolute and 200, every lastmod"
	    " W3C");
	buf_reset(&w.maps);
	return posts;
}

static void
sitemap_site(struct srv *s)
{
	struct resp	 r, r2;
	int		 files, n;
	long long	 want;

	want = db_count(db, "SELECT count(*) FROM posts WHERE type = 'post'"
	    " AND status = 'publish'");
	CHECK(sitemaps(s, 100, &files) == want && files == 1);
	/* /sitemap.xml is the same index. */
	CHECK(http_get(s, "/sitemap.xml", &r) == 0 && r.status == 200);
	CHECK(http_get(s, "/wp-sitemap.xml", &r2) == 0 && r2.status == 200 &&
	    r.body.len == r2.body.len && memcmp(r.body.data, r2.body.data,
	    r.body.len) == 0);
	resp_free(&r);
	resp_free(&r2);
	CHECK(http_get(s, "/wp-sitemap-taxonomies-category-1.xml", &r) == 0 &&
	    strstr(r.body.data, BASE "/category/world/") != NULL);
	resp_free(&r);
	CHECK(http_get(s, "/wp-sitemap-users-1.xml", &r) == 0 &&
	    strstr(r.body.data, BASE "/author/jane-doe/") != NULL);
	resp_free(&r);
	not_found(s, "/wp-sitemap-posts-post-2.xml");
	/* More than 2,000 posts: two sitemaps, every post in one. */
	CHECK(db_exec(db, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT"
	    " i + 1 FROM n WHERE i < 2100) INSERT INTO posts (type, slug,"
	    " title, status, author_id, published, modified, format, body)"
	    " SELECT 'post', 'bulk-' || i, 'Bulk ' || i, 'publish', (SELECT"
	    " id FROM users WHERE slug = 'staff-writer'), 1400000000 + i,"
	    " 1400000000 + i, 'html', '<p>Bulk.</p>' FROM n") == 0);
	want += 2100;
	CHECK(http_eventually(s, "/wp-sitemap.xml", "posts-post-2.xml"));
	n = sitemaps(s, 20, &files);
	CHECK(n == want && files == 2);
	if (n != want)
		fprintf(stderr, "  %d URLs in the posts' sitemaps, %lld"
		    " posts\n", n, want);
}

int
main(void)
{
	char		 cmd[600];
	struct srv	 s;

	site = tmp_path("feeds");
	if (getenv("GALLEY_DB") != NULL)
		CHECK(run_galley((const char *[]){ "init", site, "--demo",
		    "--db", getenv("GALLEY_DB"), NULL }, NULL) == 0);
	else
		CHECK(run_galley((const char *[]){ "init", site, "--demo",
		    NULL }, NULL) == 0);
	db = site_db(site);
	setup();
	if (!CHECK(srv_start(&s, site) == 0))
		return check_done();
	site_feeds(&s);
	other_feeds(&s);
	query_forms(&s);
	head(&s);
	dates(&s);
	caching(&s);
	summaries(&s);
	robots(&s);
	sitemap_site(&s);
	CHECK_MSG(srv_stop(&s) == 0, "SIGTERM: clean exit 0");
	snprintf(cmd, sizeof(cmd), "rm -rf %s", site);
	CHECK(system(cmd) == 0);
	free(site);
	return check_done();
}
