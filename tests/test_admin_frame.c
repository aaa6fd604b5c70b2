/*
 * test_admin_frame: the admin's own frame and its dashboard, over real
 * HTTP against `galley serve`.  Every admin page (and the login) has the
 * admin's layout and admin.css, never the reader's style.css, and the
 * reader's pages the other way round; a theme folder restyles the reader
 * but cannot replace the admin's files.  The dashboard shows a held
 * comment's picture, the latest comments and only the user's own drafts;
 * its counts stop at their cap, and on SQLite (GALLEY_EXPLAIN logs each
 * query plan) none of its queries scans the comments or the posts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <libxml/xpath.h>

#include "buf.h"
#include "check.h"
#include "http.h"

#define PW	"correct horse battery"

static const char	*site;
static char		 dbpath[600];

/* The page at path as cookie sees it, parsed; NULL unless 200. */
static htmlDocPtr
page(struct srv *s, const char *path, const char *cookie)
{
	struct resp	 r;
	htmlDocPtr	 doc = NULL;

	if (CHECK(http_get_as(s, path, cookie, &r) == 200))
		doc = html_parse(&r);
	resp_free(&r);
	return doc;
}

/* Whether the page links a stylesheet whose URL begins with prefix. */
static int
links_css(htmlDocPtr doc, const char *prefix)
{
	char	 xp[200];

	snprintf(xp, sizeof(xp), "//link[@rel='stylesheet' and"
	    " starts-with(@href, '/theme/%s')]", prefix);
	return xp_count(doc, xp);
}

/* Whether the stylesheet the page at path links contains needle. */
static int
sheet_has(struct srv *s, const char *path, const char *cookie,
    const char *needle)
{
	htmlDocPtr	 doc = page(s, path, cookie);
	char		*v = doc ? xp_attr(doc,
			    "//link[@rel='stylesheet']/@href") : NULL;
	struct resp	 r;
	int		 has = 0;

	xmlFreeDoc(doc);
	if (v != NULL && http_get(s, v, &r) == 0) {
		has = r.status == 200 && strstr(r.body.data, needle) != NULL;
		resp_free(&r);
	}
	free(v);
	return has;
}

/* Every admin section, the login and the reader: each its own sheet. */
static void
frames(struct srv *s, const char *admin)
{
	static const char *const paths[] = { "/admin/", "/admin/posts/",
	    "/admin/pages/", "/admin/comments/", "/admin/terms/",
	    "/admin/media/", "/admin/appearance/", "/admin/settings/",
	    "/admin/users/", "/admin/privacy/", "/admin/tools/",
	    "/admin/posts/?edit=1", "/admin/nosuch/" };
	htmlDocPtr	 doc;
	struct resp	 r;
	size_t		 i;

	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		CHECK(http_get_as(s, paths[i], admin, &r) > 0);
		doc = html_parse(&r);
		resp_free(&r);
		if (!CHECK(doc != NULL))
			continue;
		if (!CHECK(links_css(doc, "admin.") == 1 &&
		    links_css(doc, "style.") == 0))
			fprintf(stderr, "  on %s\n", paths[i]);
		/* The sidebar: the menu, the fold, the landmarks, the skip. */
		CHECK(xp_count(doc, "//header[@class='admin-side']//nav"
		    "[@aria-label='Administration']//a[@href='/admin/']") == 1);
		CHECK(xp_count(doc, "//input[@type='checkbox' and"
		    " @id='admin-fold']/following-sibling::label[@for="
		    "'admin-fold']") == 1);
		CHECK(xp_count(doc, "//main[@id='main']") == 1 &&
		    xp_count(doc, "//a[@class='skip-link' and"
		    " @href='#main']") == 1);
		CHECK(xp_count(doc, "//form[@class='search-form']") == 0);
		xmlFreeDoc(doc);
	}
	/* Signed out: the admin's sheet, no menu. */
	doc = page(s, "/admin/login/", NULL);
	CHECK(doc != NULL && links_css(doc, "admin.") == 1 &&
	    links_css(doc, "style.") == 0 && xp_count(doc,
	    "//nav[@aria-label='Administration']") == 0);
	xmlFreeDoc(doc);
	/* The reader's pages: the reader's sheet only. */
	doc = page(s, "/", NULL);
	CHECK(doc != NULL && links_css(doc, "style.") == 1 &&
	    links_css(doc, "admin.") == 0 && xp_count(doc,
	    "//form[@class='search-form']") == 1);
	xmlFreeDoc(doc);
	/* The sheets are served, and neither styles the other's pages. */
	CHECK(sheet_has(s, "/admin/", admin, ".admin-frame") &&
	    !sheet_has(s, "/admin/", admin, ".site-header"));
	CHECK(sheet_has(s, "/", NULL, ".site-header") &&
	    !sheet_has(s, "/", NULL, ".admin"));
}

/*
 * A theme folder with its own style.css and admin files, loaded at
 * start: the reader's pages take its style.css, the admin none of its
 * files.  `galley theme copy` writes the reader's files only.
 */
static void
theme_write(const char *dir)
{
	static const struct {
		const char	*name;
		const char	*text;
	} files[] = {
		{ "style.css", "body { color: #123456; }\n" },
		{ "admin.css", "body { color: #654321; }\n" },
		{ "admin-layout.mustache", "THEME ADMIN {{> content}}\n" },
		{ "admin-dashboard.mustache", "THEME DASHBOARD\n" },
	};
	char		 path[700];
	FILE		*fp;
	size_t		 i;

	CHECK(run_galley((const char *[]){ "theme", dir, "copy", NULL },
	    NULL) == 0);
	snprintf(path, sizeof(path), "%s/theme/admin-layout.mustache", dir);
	CHECK(access(path, F_OK) != 0);
	snprintf(path, sizeof(path), "%s/theme/layout.mustache", dir);
	CHECK(access(path, F_OK) == 0);
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/theme/%s", dir,
		    files[i].name);
		if (!CHECK((fp = fopen(path, "w")) != NULL))
			continue;
		fputs(files[i].text, fp);
		fclose(fp);
	}
}

static void
theme_folder(struct srv *s, const char *admin)
{
	struct resp	 r;

	CHECK(sheet_has(s, "/", NULL, "#123456"));
	CHECK(sheet_has(s, "/admin/", admin, ".admin-frame") &&
	    !sheet_has(s, "/admin/", admin, "#654321"));
	CHECK(http_get_as(s, "/admin/", admin, &r) == 200 &&
	    strstr(r.body.data, "THEME") == NULL && strstr(r.body.data,
	    "<h1>Dashboard</h1>") != NULL);
	resp_free(&r);
	CHECK(http_get_as(s, "/admin/login/", NULL, &r) == 200 &&
	    strstr(r.body.data, "THEME") == NULL);
	resp_free(&r);
}

static long long
user_id(const char *email)
{
	char	 sql[200];

	snprintf(sql, sizeof(sql), "SELECT id FROM users WHERE email ="
	    " '%s'", email);
	return db_count(dbpath, sql);
}

/*
 * The dashboard's lists: a held comment with its picture's thumbnail
 * (served), the latest approved, and the user's own drafts only.
 */
static void
lists(struct srv *s, const char *ed, const char *au)
{
	const char	*shared = getenv("SHARED") ? getenv("SHARED") :
			    "../shared";
	const char	*f[] = { "post", "1", "author", "Pia Picture", "email",
	    "pia@example.org", "comment", "A picture from the flood", "parent",
	    "0", NULL };
	char		 file[700], sql[600], *v;
	struct resp	 r;
	htmlDocPtr	 doc;

	snprintf(file, sizeof(file), "%s/fixtures/jpeg/valid/"
	    "blank_800x280.jpg", shared);
	CHECK(http_post(s, "/comments", f, 1, file, NULL, &r) == 0 &&
	    r.status == 303);
	resp_free(&r);
	CHECK(db_count(dbpath, "SELECT count(*) FROM comments WHERE author ="
	    " 'Pia Picture' AND status = 'pending' AND thumb <> ''") == 1);
	/* Drafts: two of the editor's, one of the author's. */
	snprintf(sql, sizeof(sql), "INSERT INTO posts (type, slug, title,"
	    " status, author_id, published, modified, format, body) VALUES"
	    " ('post', 'ed-1', 'Ed draft 1', 'draft', %lld, 0, 100, 'markdown',"
	    " ''), ('page', 'ed-2', 'Ed draft 2', 'draft', %lld, 0, 200,"
	    " 'markdown', ''), ('post', 'ann-1', 'Ann draft', 'draft', %lld, 0,"
	    " 300, 'markdown', '')", user_id("editor@example.org"),
	    user_id("editor@example.org"), user_id("author@example.org"));
	CHECK(db_exec(dbpath, sql) == 0);

	doc = page(s, "/admin/", ed);
	CHECK(xp_count(doc, "//ul[contains(@class,'admin-held')]/li[contains("
	    "., 'Pia Picture')]") == 1);
	v = xp_attr(doc, "//ul[contains(@class,'admin-held')]/li[contains(.,"
	    " 'Pia Picture')]//img/@src");
	CHECK(v != NULL && strncmp(v, "/media/", 7) == 0);
	if (v != NULL) {
		char	 want[200];

		/* Held: the staff's to see, not the public's. */
		CHECK(http_get_as(s, v, ed, &r) == 200 &&
		    strcmp(resp_header(&r, "Content-Type"), "image/jpeg") ==
		    0);
		resp_free(&r);
		CHECK(http_get(s, v, &r) == 0 && r.status == 404);
		resp_free(&r);
		/* The thumbnail's own file, not the full picture. */
		snprintf(want, sizeof(want), "SELECT count(*) FROM comments"
		    " WHERE '/media/' || thumb || '.jpg' = '%.120s'", v);
		CHECK(db_count(dbpath, want) == 1);
	}
	free(v);
	CHECK(xp_count(doc, "//ul[contains(@class,'admin-held')]/li//a[starts-"
	    "with(@href, '/admin/comments/?edit=')]") == 1);
	CHECK(xp_count(doc, "//ul[contains(@class,'admin-recent')]/li") >= 1 &&
	    xp_count(doc, "//ul[contains(@class,'admin-recent')]/li[contains(.,"
	    " 'Pia Picture')]") == 0);
	CHECK(xp_count(doc, "//ul[contains(@class,'admin-drafts')]/li/a"
	    "[starts-with(., 'Ed draft')]") == 2);
	CHECK(xp_count(doc, "//ul[contains(@class,'admin-drafts')]//*[contains("
	    "., 'Ann draft')]") == 0);
	/* The last changed first, each to its own editor. */
	v = xp_attr(doc, "//ul[contains(@class,'admin-drafts')]/li[1]/a/@href");
	CHECK(v != NULL && strncmp(v, "/admin/pages/?edit=", 19) == 0);
	free(v);
	v = xp_attr(doc, "//ul[contains(@class,'admin-drafts')]/li[2]/a/@href");
	CHECK(v != NULL && strncmp(v, "/admin/posts/?edit=", 19) == 0);
	free(v);
	xmlFreeDoc(doc);
	doc = page(s, "/admin/", au);
	CHECK(xp_count(doc, "//ul[contains(@class,'admin-drafts')]/li/a") ==
	    1 && xp_count(doc, "//ul[contains(@class,'admin-drafts')]/li/a"
	    "[.='Ann draft']") == 1);
	/* The author owns no commented post: the held comment is not theirs. */
	CHECK(xp_count(doc, "//*[contains(., 'Pia Picture')]") == 0);
	xmlFreeDoc(doc);
}

/*
 * Many comments: each list still shows five, the counts stop at 1000
 * ("1000+"), and the plans of the dashboard's queries (SQLite) search
 * an index, never scan comments or posts.
 */
static void
bounded(struct srv *s, const char *admin)
{
	htmlDocPtr	 doc;
	char		*v;

	CHECK(db_exec(dbpath, "INSERT INTO comments (post_id, author, email,"
	    " url, content, status, created, ip_hash, user_agent) SELECT 1,"
	    " 'Bulk ' || g.n, 'bulk@example.org', '', 'Bulk comment', CASE"
	    " WHEN g.n % 3 = 0 THEN 'pending' ELSE 'approved' END, 1000000 +"
	    " g.n, '', '' FROM (WITH RECURSIVE k(n) AS (SELECT 1 UNION ALL"
	    " SELECT n + 1 FROM k WHERE n < 4500) SELECT n FROM k) g") == 0);
	doc = page(s, "/admin/", admin);
	v = xp_text(doc, "//strong[@class='count-pending']");
	CHECK(v != NULL && strcmp(v, "1000+") == 0);
	free(v);
	v = xp_text(doc, "//strong[@class='count-approved']");
	CHECK(v != NULL && strcmp(v, "1000+") == 0);
	free(v);
	CHECK(xp_count(doc, "//ul[contains(@class,'admin-held')]/li") == 5 &&
	    xp_count(doc, "//ul[contains(@class,'admin-recent')]/li") == 5);
	xmlFreeDoc(doc);
}

/*
 * The plans GALLEY_EXPLAIN logged for the dashboard's statements (its
 * lists, counts and chart): each searches an index; none scans comments,
 * posts or votes, and the comments come in their index's order.
 */
static void
plans(const char *log)
{
	const char	*p, *e;
	int		 scans = 0, n = 0, votes = 0;

	for (p = log; p != NULL && (p = strstr(p, "galley: plan: ")) != NULL;
	    p = e) {
		e = p + strcspn(p, "\n");
		if (!line_has(p, e, "LIMIT ?3") && !line_has(p, e,
		    "'draft' ORDER BY") && !line_has(p, e,
		    "'spam') AND created") && !line_has(p, e,
		    "FROM post_votes WHERE created"))
			continue;
		n++;
		votes += line_has(p, e, "FROM post_votes WHERE created");
		/*
		 * The drafts are sorted after reading the user's own posts
		 * (posts_by_author): never the site's.
		 */
		if (strncmp(p + 14, "SCAN c", 6) == 0 || strncmp(p + 14,
		    "SCAN p", 6) == 0 || (strncmp(p + 14, "USE TEMP B-TREE"
		    " FOR ORDER", 24) == 0 && !line_has(p, e, "'draft'"))) {
			scans++;
			fprintf(stderr, "  %.*s\n", (int)(e - p), p);
		}
	}
	CHECK(n >= 5 && votes >= 2 && scans == 0);
}

int
main(void)
{
	char		*dir = tmp_path("admin-frame");
	const char	*db = getenv("GALLEY_DB");
	struct srv	 s;
	struct buf	 log;
	char		*ed, *au, *admin;
	long		 st;

	site = dir;
	CHECK(site_demo(dir) == 0);
	snprintf(dbpath, sizeof(dbpath), "%s", site_db(dir));
	CHECK(run_galley((const char *[]){ "config", dir, "set",
	    "comment_flood_seconds", "0", NULL }, NULL) == 0);
	CHECK(run_galley((const char *[]){ "config", dir, "set",
	    "comment_min_seconds", "0", NULL }, NULL) == 0);
	CHECK(user_add(dir, "author@example.org", "Ann Author", "author",
	    PW) == 0 && user_add(dir, "editor@example.org", "Ed Editor",
	    "editor", PW) == 0 && user_add(dir, "admin@example.org",
	    "Ada Admin", "admin", PW) == 0);
	setenv("GALLEY_EXPLAIN", "1", 1);
	if (!CHECK(srv_start(&s, dir) == 0))
		return check_done();
	au = admin_login(&s, "author@example.org", PW, &st);
	ed = admin_login(&s, "editor@example.org", PW, &st);
	admin = admin_login(&s, "admin@example.org", PW, &st);
	CHECK(au != NULL && ed != NULL && admin != NULL);
	frames(&s, admin);
	lists(&s, ed, au);
	bounded(&s, admin);
	buf_init(&log);
	CHECK(srv_stop_log(&s, &log) == 0);
	if (db == NULL)
		plans(log.data);
	buf_reset(&log);
	/* A theme folder, with the server started again to load it. */
	unsetenv("GALLEY_EXPLAIN");
	theme_write(dir);
	if (CHECK(srv_start(&s, dir) == 0)) {
		free(admin);
		admin = admin_login(&s, "admin@example.org", PW, &st);
		theme_folder(&s, admin);
		srv_stop(&s);
	}
	free(au);
	free(ed);
	free(admin);
	free(dir);
	return check_done();
}
