/*
 * test_import: `galley import` on every WXR file in SHARED/fixtures/wxr.
 * The counts per kind it reports must equal what Python's xml.etree
 * finds in the file (tests/wxr_count.py), and on a fresh site all of it
 * is imported; the broken files fail naming their line and leave the
 * database as it was; a second run changes nothing; the seed export
 * becomes the seed article, and its old addresses answer 301 over HTTP,
 * as does a slug changed afterwards.  With GALLEY_DB set (the
 * PostgreSQL pass) each site gets a database of its own in the test
 * cluster.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "arena.h"
#include "buf.h"
#include "check.h"
#include "comment_text.h"
#include "import.h"
#include "env.h"
#include "http.h"
#include "post.h"
#include "site.h"
#include "store.h"

static const char *const kinds[] = { "authors", "terms", "posts", "pages",
    "comments", "attachments" };
#define NKINDS	6

static const char	*fixtures;
static char		*paths[256];	/* freed at the end */
static size_t		 npaths;

/* A tmp_path kept until the end of the run. */
static char *
kept(const char *tag)
{
	char	*p = tmp_path(tag);

	if (npaths < sizeof(paths) / sizeof(paths[0]))
		paths[npaths++] = p;
	return p;
}

/* A fresh site: SQLite in dir, or a new database in the test cluster. */
static char *
new_site(void)
{
	char	*dir = kept("import");
	char	 uri[600];
	int	 pg;

	if ((pg = pg_newdb("galley_import", uri, sizeof(uri))) == 0) {
		CHECK(run_galley((const char *[]){ "init", dir, NULL }, NULL) ==
		    0);
		return dir;
	}
	CHECK(pg == 1);
	CHECK(run_galley((const char *[]){ "init", dir, "--db", uri, NULL },
	    NULL) == 0);
	/* site_db() reads GALLEY_DB: point it at this site's database. */
	setenv("GALLEY_DB", uri, 1);
	return dir;
}

/* wxr_count.py's counts of file, in the order of kinds (-1: none). */
static void
py_counts(const char *file, long want[NKINDS])
{
	char	 cmd[2600], line[200], k[64];
	long	 n;
	size_t	 i;
	FILE	*p;

	for (i = 0; i < NKINDS; i++)
		want[i] = -1;
	snprintf(cmd, sizeof(cmd), "/usr/bin/python3 %s/tests/wxr_count.py"
	    " '%s'",
	    getenv("TOP") ? getenv("TOP") : ".", file);
	if ((p = popen(cmd, "r")) == NULL)
		return;
	while (fgets(line, sizeof(line), p) != NULL)
		for (i = 0; i < NKINDS; i++)
			if (sscanf(line, "%63s %ld", k, &n) == 2 &&
			    strcmp(k, kinds[i]) == 0)
				want[i] = n;
	pclose(p);
}

/* The summary's counts of kind: in the file, imported, there, conflicts. */
static int
summary(const char *out, const char *kind, long v[6])
{
	char		 pat[64];
	const char	*p;

	memset(v, 0, 6 * sizeof(long));
	snprintf(pat, sizeof(pat), "\n%s: ", kind);
	if (out == NULL || (p = strstr(out, pat)) == NULL)
		return -1;
	p += strlen(pat);
	sscanf(p, "%ld in the file, %ld imported, %ld already there, %ld"
	    " conflicts, %ld missing, %ld refused", &v[0], &v[1], &v[2], &v[3],
	    &v[4], &v[5]);
	return 0;
}

/*
 * Rows of every table an import writes, and the data generation, as one
 * line of text into fp (len bytes); "" if the query failed.  One query,
 * one session: a PostgreSQL session takes a while.
 */
static void
fingerprint(const char *dir, char *fp, size_t len)
{
	static const char *const q = "SELECT (SELECT count(*) FROM posts),"
	    " (SELECT count(*) FROM comments), (SELECT count(*) FROM terms),"
	    " (SELECT count(*) FROM users), (SELECT count(*) FROM"
	    " post_terms), (SELECT count(*) FROM redirects), (SELECT"
	    " count(*) FROM imported), (SELECT count(*) FROM media), (SELECT"
	    " n FROM generation)";
	struct buf	 row;

	buf_init(&row);
	*fp = '\0';
	if (db_rows(site_db(dir), q, &row) == 0 && row.data != NULL)
		snprintf(fp, len, "%.*s", (int)strcspn(row.data, "\n"),
		    row.data);
	buf_reset(&row);
}

/* The fingerprint of dir is before, which was read. */
static int
unchanged(const char *dir, const char *before)
{
	char	 now[300];

	fingerprint(dir, now, sizeof(now));
	if (*before == '\0' || strcmp(now, before) != 0) {
		fprintf(stderr, "  fingerprint: before [%s], now [%s]\n",
		    before, now);
		return 0;
	}
	return 1;
}

static int
broken(const char *name)
{
	return strcmp(name, "crazy-cdata.xml") == 0 ||
	    strcmp(name, "invalid-version-tag.xml") == 0 ||
	    strcmp(name, "missing-version-tag.xml") == 0;
}

static void
one_file(const char *name)
{
	char		 file[1200];
	char		*dir = new_site();
	struct buf	 out;
	long		 v[6], want[NKINDS];
	char		 before[300];
	int		 rc;
	size_t		 k;

	snprintf(file, sizeof(file), "%s/%s", fixtures, name);
	buf_init(&out);
	fingerprint(dir, before, sizeof(before));
	rc = run_galley((const char *[]){ "import", dir, file, NULL }, &out);
	if (broken(name)) {
		CHECK_MSG(rc == 1, name);
		CHECK_MSG(out.data && strstr(out.data, "line ") &&
		    strstr(out.data, "unchanged"), name);
		CHECK_MSG(unchanged(dir, before), name);
		buf_reset(&out);
		return;
	}
	if (!CHECK_MSG(rc == 0, name))
		fprintf(stderr, "%s\n", out.data ? out.data : "");
	py_counts(file, want);
	for (k = 0; k < NKINDS; k++) {
		if (!CHECK_MSG(summary(out.data, kinds[k], v) == 0 &&
		    v[0] == want[k] && v[1] + v[2] + v[3] + v[4] + v[5] == v[0],
		    name))
			fprintf(stderr, "  %s: python %ld, galley %ld (%ld"
			    " imported)\n", kinds[k], want[k], v[0], v[1]);
		/* A fresh site: everything new but twins within the file. */
		CHECK_MSG(v[2] == 0, name);
	}
	/* Each post's count of approved comments (recounted at the end). */
	CHECK_MSG(db_count(site_db(dir), "SELECT count(*) FROM posts p WHERE"
	    " comment_count <> (SELECT count(*) FROM comments c WHERE"
	    " c.post_id = p.id AND c.status = 'approved')") == 0, name);
	buf_reset(&out);
	/* Again: nothing changes, nothing new. */
	fingerprint(dir, before, sizeof(before));
	CHECK_MSG(run_galley((const char *[]){ "import", dir, file, NULL },
	    &out) == 0, name);
	for (k = 0; k < NKINDS; k++)
		CHECK_MSG(summary(out.data, kinds[k], v) == 0 && v[1] == 0,
		    name);
	CHECK_MSG(unchanged(dir, before), name);
	buf_reset(&out);
}

static void
every_fixture(void)
{
	DIR		*d = opendir(fixtures);
	struct dirent	*de;
	int		 n = 0;

	if (!CHECK(d != NULL))
		return;
	while ((de = readdir(d)) != NULL) {
		if (strstr(de->d_name, ".xml") == NULL)
			continue;
		one_file(de->d_name);
		n++;
	}
	closedir(d);
	CHECK(n >= 20);
}

/* Renames post id's slug through post.c, as the editor would. */
static void
rename_post(const char *dir, int64_t id, const char *slug)
{
	struct site		*s;
	struct store_conn	*c;
	struct arena		 a;
	struct post		 old, p;
	struct env		 e;
	char			 err[512];
	int64_t			 got;

	if (!CHECK((s = site_open(dir, err, sizeof(err))) != NULL))
		return;
	c = store_conn_get(s->store);
	arena_init(&a);
	e = (struct env){ s, c, &a, NULL, (int64_t)time(NULL) };
	CHECK(store_begin(c) == STORE_OK);
	if (CHECK(store_post_get(c, &a, id, &old) == STORE_OK)) {
		p = old;
		p.slug = (char *)slug;
		CHECK(post_save(&e, &p, &old, NULL, 0, old.author_id, &got) ==
		    STORE_OK);
	}
	CHECK(store_commit(c) == STORE_OK);
	arena_free(&a);
	store_conn_put(s->store, c);
	site_close(s);
}

static void
expect_moved(struct srv *s, const char *path, const char *to)
{
	struct resp	 r;
	const char	*loc;
	int		 i;

	/*
	 * PostgreSQL: a node hears of another's write moments later.  The
	 * tries count no checks (their number varies): the answer is checked
	 * below.
	 */
	for (i = 0; http_get(s, path, &r) == 0 && r.status == 200 && i < 40;
	    i++) {
		resp_free(&r);
		usleep(50000);
	}
	loc = resp_header(&r, "Location");
	if (!CHECK_MSG(r.status == 301 && loc != NULL &&
	    strlen(loc) >= strlen(to) &&
	    strcmp(loc + strlen(loc) - strlen(to), to) == 0, path))
		fprintf(stderr, "  %s: %ld %s\n", path, r.status,
		    loc ? loc : "");
	resp_free(&r);
}

/* The seed export becomes the seed article; its old links redirect. */
static void
seed(void)
{
	char		 file[1200];
	char		*dir = new_site();
	struct srv	 s;
	struct resp	 r;
	htmlDocPtr	 doc;
	char		*t;
	const char	*article = "/2015/10/russian-isis-strikes/";

	snprintf(file, sizeof(file), "%s/wordpress-6.1-seed-export.xml",
	    fixtures);
	CHECK(run_galley((const char *[]){ "import", dir, file, NULL },
	    NULL) == 0);
	CHECK(db_count(site_db(dir), "SELECT count(*) FROM comments WHERE"
	    " status = 'pending'") == 1);
	CHECK(db_count(site_db(dir), "SELECT count(*) FROM comments WHERE"
	    " ip_hash <> '' AND length(ip_hash) = 64") == 4);
	CHECK(db_count(site_db(dir), "SELECT count(*) FROM comments WHERE"
	    " ip_hash LIKE '%.%'") == 0);	/* no address kept as such */
	if (!CHECK(srv_start(&s, dir) == 0))
		return;
	CHECK(http_get(&s, article, &r) == 0 && r.status == 200);
	if ((doc = html_parse(&r)) != NULL) {
		t = xp_text(doc, "//h1");
		CHECK(t != NULL && strstr(t, "Russia") != NULL);
		free(t);
		CHECK(xp_count(doc, "//a[@rel='tag']") == 7);
		CHECK(xp_count(doc, "//a[contains(@href,'/category/"
		    "terrorism/')]") >= 1);
		/* Three approved, one a reply to a reply. */
		CHECK(xp_count(doc, "//*[starts-with(@id,'comment-')]") == 3);
		xmlFreeDoc(doc);
	}
	resp_free(&r);
	expect_moved(&s, "/?p=4", article);
	expect_moved(&s, "/?page_id=5", "/privacy/");
	CHECK(http_get(&s, "/?p=999", &r) == 0 && r.status == 404);
	resp_free(&r);
	CHECK(http_get(&s, "/?page_id=3", &r) == 0 && r.status == 404);
	resp_free(&r);	/* a draft: known, not shown */
	CHECK(http_get(&s, "/?p=4", &r) == 0 && r.status == 301);
	resp_free(&r);
	/* A slug changed in the editor: the old address follows it. */
	rename_post(dir, 4, "russia-strikes");
	expect_moved(&s, article, "/2015/10/russia-strikes/");
	expect_moved(&s, "/?p=4", "/2015/10/russia-strikes/");
	CHECK(http_get(&s, "/2015/10/russia-strikes/", &r) == 0 &&
	    r.status == 200);
	resp_free(&r);
	srv_stop(&s);
}

/*
 * Attachments from --uploads: stored as media, the post's <img> pointed
 * at it, the old addresses redirected; a dry run stores no picture.
 */
static void
attachments(void)
{
	char		 file[1200], up[1200], cmd[4000];
	char		*dir = new_site(), *uploads = kept("uploads");
	struct buf	 out;
	struct srv	 s;
	struct resp	 r;
	long		 v[6];

	snprintf(file, sizeof(file), "%s/wxr-flat-attachment-same-site.xml",
	    fixtures);
	snprintf(up, sizeof(up), "%s/2008/06", uploads);
	snprintf(cmd, sizeof(cmd), "mkdir -p %s && cp %s/../jpeg/valid/"
	    "blank_800x280.jpg %s/canola2.jpg", up, fixtures, up);
	CHECK(system(cmd) == 0);
	buf_init(&out);
	CHECK(run_galley((const char *[]){ "import", dir, file, "--uploads",
	    uploads, "--dry-run", NULL }, &out) == 0);
	CHECK(summary(out.data, "attachments", v) == 0 && v[1] == 1);
	CHECK(db_count(site_db(dir), "SELECT count(*) FROM media") == 0);
	buf_reset(&out);
	CHECK(run_galley((const char *[]){ "import", dir, file, "--uploads",
	    uploads, NULL }, &out) == 0);
	CHECK(summary(out.data, "attachments", v) == 0 && v[1] == 1);
	buf_reset(&out);
	CHECK(db_count(site_db(dir), "SELECT count(*) FROM media") == 1);
	CHECK(db_count(site_db(dir), "SELECT count(*) FROM posts WHERE body"
	    " LIKE '%src=\"/media/%.jpg\"%'") == 1);
	CHECK(db_count(site_db(dir), "SELECT count(*) FROM posts WHERE body"
	    " LIKE '%files.wordpress.com%'") == 0);
	if (!CHECK(srv_start(&s, dir) == 0))
		return;
	expect_moved(&s, "/?attachment_id=611", ".jpg");
	expect_moved(&s, "/2008/06/canola2.jpg", ".jpg");
	expect_moved(&s, "/?p=555", "/2011/01/post-with-attachment/");
	/* The old link, WordPress's day-and-name permalink. */
	expect_moved(&s, "/2011/01/10/post-with-attachment/",
	    "/2011/01/post-with-attachment/");
	CHECK(http_get(&s, "/?attachment_id=612", &r) == 0 &&
	    r.status == 404);
	resp_free(&r);
	srv_stop(&s);
}

/*
 * The lines wxr_count.py prints with args (after the file), up to max,
 * each on the heap; returns how many, or -1.
 */
static int
py_lines(const char *file, const char *args, char **out, int max)
{
	char	 cmd[2600], line[600];
	int	 n = 0;
	FILE	*p;

	snprintf(cmd, sizeof(cmd), "/usr/bin/python3 %s/tests/wxr_count.py"
	    " '%s' %s", getenv("TOP") ? getenv("TOP") : ".", file, args);
	if ((p = popen(cmd, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), p) != NULL && n < max) {
		line[strcspn(line, "\n")] = '\0';
		out[n++] = strdup(line);
	}
	return pclose(p) == 0 ? n : -1;
}

/*
 * A bare [gallery] shows the post's attachments (post_parent), in
 * WordPress's order (menu_order, then id), each picture its own; an
 * export names each attachment's post again.
 */
static void
attached_gallery(void)
{
	char		 file[1200], args[1400], out[1400], path[64];
	char		*dir = new_site(), *uploads = kept("uploads");
	char		*want[32], *got[32], *again[32], *src;
	const char	*loc, *article;
	struct srv	 s;
	struct resp	 r;
	htmlDocPtr	 doc;
	int		 n, m, i, j;

	snprintf(file, sizeof(file), "%s/a11y-unit-test-data.xml", fixtures);
	snprintf(args, sizeof(args), "--uploads '%s'", uploads);
	CHECK(py_lines(file, args, want, 32) == 0);
	n = py_lines(file, "--attached 555", want, 32);
	CHECK(n == 24);
	CHECK(run_galley((const char *[]){ "import", dir, file, "--uploads",
	    uploads, NULL }, NULL) == 0);
	if (n <= 0 || !CHECK(srv_start(&s, dir) == 0))
		return;
	/* Each attachment's own picture, by its old address. */
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "/?attachment_id=%s", want[i]);
		got[i] = NULL;
		if (http_get(&s, path, &r) == 0 && r.status == 301 &&
		    (loc = resp_header(&r, "Location")) != NULL &&
		    (loc = strstr(loc, "/media/")) != NULL)
			got[i] = strdup(loc);
		resp_free(&r);
		CHECK_MSG(got[i] != NULL, path);
	}
	CHECK(http_get(&s, "/?p=555", &r) == 0 && r.status == 301);
	article = (loc = resp_header(&r, "Location")) != NULL &&
	    strstr(loc, "/2010/") != NULL ? strdup(strstr(loc, "/2010/")) :
	    NULL;
	resp_free(&r);
	CHECK(article != NULL);
	if (article != NULL && http_get(&s, article, &r) == 0 &&
	    CHECK(r.status == 200) && (doc = html_parse(&r)) != NULL) {
		/* Eleven galleries in the post, none with ids="". */
		CHECK(xp_count(doc, "//div[contains(@class, 'gallery ')]") ==
		    11);
		CHECK(xp_count(doc, "//figure[@class='gallery-item']") ==
		    11 * n);
		CHECK(xp_count(doc, "//div[contains(@class,"
		    " 'gallery-columns-9')]") == 1);
		for (i = 0, m = 0; i < n; i++) {
			snprintf(out, sizeof(out), "(//div[contains(@class,"
			    " 'gallery ')])[1]/figure[%d]/a/@href", i + 1);
			src = xp_attr(doc, out);
			m += src != NULL && got[i] != NULL &&
			    strcmp(src, got[i]) == 0;
			free(src);
		}
		CHECK_MSG(m == n, "the gallery in menu_order, then id");
		xmlFreeDoc(doc);
	}
	resp_free(&r);
	srv_stop(&s);
	free((void *)article);
	/* The export says each attachment's post again. */
	snprintf(out, sizeof(out), "%s/export.xml", uploads);
	CHECK(run_galley((const char *[]){ "export", dir, "--out", out,
	    NULL }, NULL) == 0);
	m = py_lines(out, "--attached 555", again, 32);
	CHECK(m == n);
	for (i = 0, j = 0; i < n && i < m; i++)
		j += strcmp(want[i], again[i]) == 0;
	CHECK_MSG(j == n, "the export's post_parent and order");
	for (i = 0; i < n; i++) {
		free(want[i]);
		free(got[i]);
	}
	for (i = 0; i < m; i++)
		free(again[i]);
}

/* A post imported, then deleted: a later run reports it, adds nothing. */
static void
deleted_since(void)
{
	char		 file[1200];
	char		*dir = new_site();
	struct buf	 out;
	long		 v[6];

	snprintf(file, sizeof(file), "%s/wordpress-6.1-seed-export.xml",
	    fixtures);
	CHECK(run_galley((const char *[]){ "import", dir, file, NULL },
	    NULL) == 0);
	CHECK(db_exec(site_db(dir), "DELETE FROM posts WHERE id = 4") == 0);
	buf_init(&out);
	CHECK(run_galley((const char *[]){ "import", dir, file, NULL },
	    &out) == 0);
	CHECK(summary(out.data, "posts", v) == 0 && v[1] == 0 && v[3] == 1);
	CHECK(out.data && strstr(out.data, "deleted since"));
	CHECK(db_count(site_db(dir), "SELECT count(*) FROM posts WHERE"
	    " slug = 'russian-isis-strikes'") == 0);
	buf_reset(&out);
}

/* --dry-run: the summary, and no change. */
static void
dry_run(void)
{
	char		 file[1200];
	char		*dir = new_site();
	struct buf	 out;
	char		 before[300];
	long		 v[6];

	fingerprint(dir, before, sizeof(before));
	snprintf(file, sizeof(file), "%s/small-export.xml", fixtures);
	buf_init(&out);
	CHECK(run_galley((const char *[]){ "import", dir, file, "--dry-run",
	    NULL }, &out) == 0);
	CHECK(summary(out.data, "posts", v) == 0 && v[1] == 6);
	CHECK(out.data && strstr(out.data, "dry run, nothing changed"));
	CHECK(unchanged(dir, before));
	buf_reset(&out);
	CHECK(run_galley((const char *[]){ "import", dir, NULL }, NULL) == 2);
	CHECK(run_galley((const char *[]){ "import", dir, file, "--bogus",
	    NULL }, NULL) == 2);
}

/* Returns how many times needle occurs in hay. */
static int
occurs(const char *hay, const char *needle)
{
	int	 n = 0;

	while ((hay = strstr(hay, needle)) != NULL) {
		n++;
		hay += strlen(needle);
	}
	return n;
}

/*
 * Every published post and page of a WordPress test export renders over
 * HTTP with its [caption] and [gallery] done: no shortcode text left,
 * figures and figcaptions closed and nested, nothing embedded from a
 * third party (frames, players, scripts).  Pictures a third party
 * serves stay as the bodies wrote them when --uploads has no copy:
 * counted and reported, not checked.
 */
static void
renders_all(const char *name)
{
	char		 file[1200], sql[200], what[300];
	char		*dir = new_site(), *t, *at, *end;
	long long	 id;
	struct buf	 ids;
	struct srv	 s;
	struct resp	 r;
	htmlDocPtr	 doc;
	int		 pages = 0, captions = 0, foreign = 0, remote = 0;

	snprintf(file, sizeof(file), "%s/%s", fixtures, name);
	if (!CHECK(run_galley((const char *[]){ "import", dir, file, NULL },
	    NULL) == 0) || !CHECK(srv_start(&s, dir) == 0))
		return;
	/* Every id at once: one session, where one a post took a while. */
	snprintf(sql, sizeof(sql), "SELECT id FROM posts WHERE status ="
	    " 'publish' AND published <= %lld ORDER BY id",
	    (long long)time(NULL));
	buf_init(&ids);
	if (db_rows(site_db(dir), sql, &ids) != 0)
		buf_reset(&ids);
	for (at = ids.data; at != NULL && (id = strtoll(at, &end, 10)) > 0;
	    at = end + 1) {
		snprintf(what, sizeof(what), "/?p=%lld", id);
		if (http_get(&s, what, &r) != 0 || r.status != 301 ||
		    resp_header(&r, "Location") == NULL) {
			CHECK_MSG(0, what);
			resp_free(&r);
			continue;
		}
		snprintf(what, sizeof(what), "%s", resp_header(&r,
		    "Location"));
		resp_free(&r);
		if (!CHECK_MSG(http_get(&s, what, &r) == 0 &&
		    r.status == 200, what)) {
			resp_free(&r);
			continue;
		}
		pages++;
		buf_putc(&r.body, '\0');
		t = r.body.data;
		CHECK_MSG(strstr(t, "[caption") == NULL &&
		    strstr(t, "[gallery") == NULL, what);
		CHECK_MSG(occurs(t, "<figure") == occurs(t, "</figure>") &&
		    occurs(t, "<figcaption") == occurs(t, "</figcaption>"),
		    what);
		captions += occurs(t, "<figcaption class=\"wp-caption-text\">");
		doc = html_parse(&r);
		CHECK_MSG(xp_count(doc, "//figcaption[not(parent::figure)]") ==
		    0, what);
		foreign += xp_count(doc, "//iframe | //object | //embed |"
		    " //video | //audio | //frame | //script[@src and"
		    " not(starts-with(@src,'/theme/'))] | //source[not("
		    "starts-with(@srcset,'/media/'))] | //@*[starts-with("
		    "name(),'on')]");
		remote += xp_count(doc, "//img[not(starts-with(@src,"
		    "'/media/'))]");
		xmlFreeDoc(doc);
		resp_free(&r);
	}
	buf_reset(&ids);
	CHECK_MSG(pages > 20 && captions > 5, name);
	CHECK_MSG(foreign == 0, name);
	printf("%s: %d pages, %d captions, %d pictures still on their"
	    " first site (no --uploads)\n", name, pages, captions, remote);
	srv_stop(&s);
}

/* A WordPress comment's HTML as Markdown, and what that then shows. */
static void
comment_md(const char *html, const char *md, const char *shown, int line)
{
	struct buf	 b, r;

	buf_init(&b);
	buf_init(&r);
	import_comment_text(&b, html, strlen(html));
	buf_putc(&b, '\0');
	check_str(b.data, md, html, __FILE__, line);
	if (shown != NULL) {
		comment_text_render(&r, b.data, strlen(b.data));
		buf_putc(&r, '\0');
		check_str(r.data, shown, b.data, __FILE__, line);
	}
	buf_reset(&b);
	buf_reset(&r);
}
#define MD(html, md, shown)	comment_md((html), (md), (shown), __LINE__)

static void
comment_html(void)
{
	MD("Plain words.", "Plain words.", "<p>Plain words.</p>\n");
	MD("<em>a</em> <i>b</i> <strong>c</strong> <b>d</b> <code>x*y</code>",
	    "*a* *b* **c** **d** `x*y`", "<p><em>a</em> <em>b</em> "
	    "<strong>c</strong> <strong>d</strong> <code>x*y</code></p>\n");
	MD("See <a href=\"https://ex.org/a_(b)\">the *site*</a>.",
	    "See [the \\*site\\*](https://ex.org/a_\\(b\\)).", NULL);
	/* Unsafe or relative links keep their text only. */
	MD("<a href=\"javascript:alert(1)\">x</a> <a href=\"/p\">y</a>",
	    "x y", "<p>x y</p>\n");
	MD("<p>One</p><p>Two<br>three</p>", "One\n\nTwo\nthree", NULL);
	MD("<blockquote>Quoted<br />line</blockquote>After",
	    "> Quoted\n> line\n\nAfter", NULL);
	/* Entities decoded; Markdown's characters escaped, not read. */
	MD("1 &lt; 2 &amp;&amp; *no* _em_ [x](y) # &copy;",
	    "1 \\< 2 \\&\\& \\*no\\* \\_em\\_ \\[x\\]\\(y\\) \\# \xc2\xa9",
	    "<p>1 &lt; 2 &amp;&amp; *no* _em_ [x](y) # \xc2\xa9</p>\n");
	MD("- not a list\n\n<script>alert(1)</script><span>ok</span>",
	    "\\- not a list\n\nok", NULL);
	MD("<code>a`b</code>", "`a'b`", NULL);
	MD("", "", NULL);
}

int
main(void)
{
	static char	 path[1024];
	const char	*shared = getenv("SHARED");
	const char	*db = getenv("GALLEY_DB");

	snprintf(path, sizeof(path), "%s/fixtures/wxr", shared ? shared :
	    "../shared");
	fixtures = path;
	comment_html();
	renders_all("theme-unit-test-data.xml");
	renders_all("a11y-unit-test-data.xml");
	every_fixture();
	seed();
	attachments();
	attached_gallery();
	deleted_since();
	dry_run();
	if (db != NULL)
		setenv("GALLEY_DB", db, 1);
	while (npaths > 0)
		free(paths[--npaths]);
	return check_done();
}
