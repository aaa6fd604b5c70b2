/*
 * test_timezone: a site in a time zone, over real HTTP.  A Berlin site's
 * editor takes local times, and posts published late in the UTC evening
 * show on the next local day: in their dates, their permalinks' months
 * and the date archives, across the autumn change (a 25-hour day) and a
 * time the clocks show twice.  Links made in UTC (before the site had a
 * zone) still reach each post, by a 301 to its link now.  Then the zone
 * changes to Lord Howe (a half-hour offset) and New York, with no
 * restart, the command line follows, and the date format setting
 * applies.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "check.h"
#include "http.h"

#define PW	"correct horse battery staple"

static const char	*site, *db;

/* The five posts: slug, editor's local time (Berlin), published UTC. */
static const struct {
	const char	*slug, *when;
	long long	 utc;
} posts[] = {
	{ "zone-a", "2026-11-01T00:30", 1793489400 },	/* 10-31 23:30Z */
	{ "zone-b", "2026-07-01T01:30", 1782862200 },	/* 06-30 23:30Z */
	{ "zone-c", "2026-10-25T00:15", 1792880100 },	/* 10-24 22:15Z */
	{ "zone-d", "2026-10-25T23:45", 1792968300 },	/* 10-25 22:45Z */
	{ "zone-e", "2026-10-25T02:30", 1792888200 },	/* twice: first */
};

static int
config(const char *key, const char *value, struct buf *out)
{
	return run_galley((const char *[]){ "config", site, "set", key, value,
	    NULL }, out);
}

/* GET path: its status, and 1 if needle (unless NULL) is in the body. */
static int
has(struct srv *s, const char *path, long status, const char *needle)
{
	struct resp	 r;
	int		 ok;

	if (http_get(s, path, &r) != 0)
		return 0;
	ok = r.status == status && (needle == NULL || (r.body.data != NULL &&
	    strstr(r.body.data, needle) != NULL));
	if (!ok)
		fprintf(stderr, "  GET %s: %ld, %s not found\n", path,
		    r.status, needle ? needle : "-");
	resp_free(&r);
	return ok;
}

/* GET path answers 301 to want. */
static int
moved(struct srv *s, const char *path, const char *want)
{
	struct resp	 r;
	const char	*loc;
	int		 ok;

	if (http_get(s, path, &r) != 0)
		return 0;
	loc = resp_header(&r, "Location");
	ok = r.status == 301 && loc != NULL && strstr(loc, want) != NULL;
	if (!ok)
		fprintf(stderr, "  GET %s: %ld to %s, want %s\n", path,
		    r.status, loc ? loc : "-", want);
	resp_free(&r);
	return ok;
}

static void
editor(struct srv *s, const char *cookie)
{
	char		 csrf[80], sql[200], path[80];
	struct resp	 r;
	size_t		 i;

	snprintf(csrf, sizeof(csrf), "%s", admin_csrf(s, cookie));
	for (i = 0; i < sizeof(posts) / sizeof(posts[0]); i++) {
		CHECK(http_post(s, "/admin/posts/", (const char *[]){ "csrf",
		    csrf, "action", "save", "title", posts[i].slug, "slug",
		    posts[i].slug, "body", "In a time zone.", "status",
		    "publish", "when", posts[i].when, "comments_open", "1",
		    NULL }, 0, NULL, (const char *[]){ cookie, NULL }, &r) ==
		    0 && r.status == 303);
		resp_free(&r);
		snprintf(sql, sizeof(sql), "SELECT published FROM posts WHERE"
		    " slug = '%s'", posts[i].slug);
		CHECK_MSG(db_count(site_db(site), sql) == posts[i].utc,
		    posts[i].when);
	}
	/* Back out: the editor shows the local time it was given. */
	snprintf(sql, sizeof(sql), "SELECT id FROM posts WHERE slug ="
	    " 'zone-a'");
	snprintf(path, sizeof(path), "/admin/posts/?edit=%lld",
	    db_count(site_db(site), sql));
	CHECK(http_get_as(s, path, cookie, &r) == 200 && strstr(r.body.data,
	    "value=\"2026-11-01T00:30\"") && strstr(r.body.data,
	    "Time (Europe/Berlin;"));
	resp_free(&r);
	/* A time that is no time at all is refused beside its field. */
	CHECK(http_post(s, "/admin/posts/", (const char *[]){ "csrf", csrf,
	    "action", "save", "title", "Bad", "body", "x", "status",
	    "publish", "when", "2026-02-30T10:00", NULL }, 0, NULL,
	    (const char *[]){ cookie, NULL }, &r) == 0 && r.status == 422 &&
	    strstr(r.body.data, "when-error"));
	resp_free(&r);
	/* Berlin's first hour of 1970 is 1969 in UTC: refused, not stored. */
	CHECK(http_post(s, "/admin/posts/", (const char *[]){ "csrf", csrf,
	    "action", "save", "title", "Early", "body", "x", "status",
	    "publish", "when", "1970-01-01T00:30", NULL }, 0, NULL,
	    (const char *[]){ cookie, NULL }, &r) == 0 && r.status == 422 &&
	    strstr(r.body.data, "when-error"));
	resp_free(&r);
	CHECK(db_count(site_db(site), "SELECT count(*) FROM posts WHERE"
	    " published < 0") == 0);
}

/* Saves zone-e (post id) from the editor with when; 1 if it did. */
static int
resave_at(struct srv *s, const char *cookie, const char *csrf,
    const char *id, const char *when)
{
	struct resp	 r;
	int		 ok;

	ok = http_post(s, "/admin/posts/", (const char *[]){ "csrf", csrf,
	    "action", "save", "id", id, "title", "zone-e", "slug", "zone-e",
	    "body", "Edited.", "status", "publish", "when", when,
	    "comments_open", "1", NULL }, 0, NULL,
	    (const char *[]){ cookie, NULL }, &r) == 0 && r.status == 303;
	resp_free(&r);
	return ok;
}

/*
 * A post of the hour October 25 has twice, at its second 02:30 and 17
 * seconds, saved from the editor with its time untouched: it keeps its
 * instant.  The field shows only "2026-10-25T02:30", which read anew is
 * the first 02:30, an hour and 17 seconds earlier.
 */
static void
resave(struct srv *s, const char *cookie)
{
	char		 csrf[80], sql[200], path[80], id[24];
	struct resp	 r;
	long long	 second = 1792888200LL + 3600 + 17;

	snprintf(sql, sizeof(sql), "UPDATE posts SET published = %lld WHERE"
	    " slug = 'zone-e'", second);
	CHECK(db_exec(site_db(site), sql) == 0);
	snprintf(id, sizeof(id), "%lld", db_count(site_db(site),
	    "SELECT id FROM posts WHERE slug = 'zone-e'"));
	snprintf(path, sizeof(path), "/admin/posts/?edit=%s", id);
	CHECK(http_get_as(s, path, cookie, &r) == 200 && strstr(r.body.data,
	    "value=\"2026-10-25T02:30\""));
	resp_free(&r);
	snprintf(csrf, sizeof(csrf), "%s", admin_csrf(s, cookie));
	CHECK(resave_at(s, cookie, csrf, id, "2026-10-25T02:30"));
	CHECK(db_count(site_db(site), "SELECT published FROM posts WHERE"
	    " slug = 'zone-e'") == second);
	/* A time the editor changes is read as given. */
	CHECK(resave_at(s, cookie, csrf, id, "2026-10-25T02:40"));
	CHECK(db_count(site_db(site), "SELECT published FROM posts WHERE"
	    " slug = 'zone-e'") == 1792888200LL + 600);
}

static void
berlin(struct srv *s)
{
	/* 23:30 UTC on October 31 is November 1 in Berlin. */
	CHECK(has(s, "/2026/11/zone-a/", 200, "November 1, 2026"));
	CHECK(has(s, "/2026/11/zone-a/", 200,
	    "datetime=\"2026-11-01T00:30:00+01:00\""));
	CHECK(has(s, "/2026/07/zone-b/", 200,
	    "datetime=\"2026-07-01T01:30:00+02:00\""));
	/* The links made in UTC still reach them. */
	CHECK(moved(s, "/2026/10/zone-a/", "/2026/11/zone-a/"));
	CHECK(moved(s, "/2026/06/zone-b/", "/2026/07/zone-b/"));
	CHECK(has(s, "/2026/10/zone-a/feed/", 200, "zone-a"));
	/* Archives are the site's days and months. */
	CHECK(has(s, "/2026/11/01/", 200, "/2026/11/zone-a/"));
	CHECK(has(s, "/2026/10/31/", 404, NULL));
	CHECK(has(s, "/2026/11/", 200, "zone-a"));
	CHECK(has(s, "/2026/07/01/", 200, "zone-b"));
	CHECK(has(s, "/2026/06/30/", 404, NULL));
	CHECK(has(s, "/2026/06/", 404, NULL));
	/* October 25 has 25 hours: all three are in it, none on the 24th. */
	CHECK(has(s, "/2026/10/25/", 200, "zone-c"));
	CHECK(has(s, "/2026/10/25/", 200, "zone-d"));
	CHECK(has(s, "/2026/10/25/", 200, "zone-e"));
	CHECK(has(s, "/2026/10/24/", 404, NULL));
	CHECK(has(s, "/2026/10/zone-e/", 200,
	    "datetime=\"2026-10-25T02:30:00+02:00\""));
	CHECK(has(s, "/2026/10/zone-d/", 200,
	    "datetime=\"2026-10-25T23:45:00+01:00\""));
}

static void
elsewhere(struct srv *s)
{
	struct buf	 out;

	buf_init(&out);
	/* Lord Howe: +11 in its summer, +10:30 in winter. */
	CHECK(config("timezone", "Australia/Lord_Howe", NULL) == 0);
	CHECK(http_eventually(s, "/2026/11/zone-a/",
	    "datetime=\"2026-11-01T10:30:00+11:00\""));
	CHECK(has(s, "/2026/07/zone-b/", 200,
	    "datetime=\"2026-07-01T10:00:00+10:30\""));
	/* New York: October 31 still, so the Berlin link moves back. */
	CHECK(config("timezone", "America/New_York", NULL) == 0);
	CHECK(http_eventually(s, "/2026/10/zone-a/",
	    "datetime=\"2026-10-31T19:30:00-04:00\""));
	CHECK(moved(s, "/2026/11/zone-a/", "/2026/10/zone-a/"));
	CHECK(has(s, "/2026/10/31/", 200, "zone-a"));
	CHECK(has(s, "/2026/11/01/", 404, NULL));
	/* The command line writes times in ISO 8601 in the site's zone. */
	CHECK(db_exec(site_db(site), "INSERT INTO comments (post_id, author,"
	    " email, content, status, created) SELECT id, 'Rea Der',"
	    " 'rea@example.org', 'Noted.', 'approved', 1793489400 FROM posts"
	    " WHERE slug = 'zone-a'") == 0);
	CHECK(run_galley((const char *[]){ "comments", site, "list", NULL },
	    &out) == 0 && out.data != NULL && strstr(out.data,
	    "\t2026-10-31T19:30:00-04:00\t") != NULL);
	buf_reset(&out);
	/* The date format. */
	CHECK(config("date_format", "l, j F Y \\a\\t g:i a T", NULL) == 0);
	CHECK(http_eventually(s, "/2026/10/zone-a/",
	    "Saturday, 31 October 2026 at 7:30 pm EDT"));
	/* A zone that is none is refused, and the old one stays. */
	CHECK(config("timezone", "Mars/Olympus_Mons", &out) != 0);
	CHECK(out.data != NULL && strstr(out.data, "time zone") != NULL);
	buf_reset(&out);
	CHECK(config("timezone", "../../etc/passwd", NULL) != 0);
	CHECK(has(s, "/2026/10/zone-a/", 200, "-04:00"));
}

int
main(void)
{
	char		*dir = tmp_path("timezone");
	struct srv	 s;
	struct buf	 out;
	char		*cookie;

	site = dir;
	db = getenv("GALLEY_DB");
	buf_init(&out);
	CHECK(run_galley(db != NULL ? (const char *[]){ "init", dir, "--db",
	    db, NULL } : (const char *[]){ "init", dir, NULL }, NULL) == 0);
	CHECK(config("timezone", "Europe/Berlin", NULL) == 0);
	CHECK(user_add(site, "ed@example.org", "Ed Itor", "admin", PW) == 0);
	if (!CHECK(srv_start(&s, dir) == 0))
		return check_done();
	cookie = admin_login(&s, "ed@example.org", PW, NULL);
	if (CHECK(cookie != NULL)) {
		editor(&s, cookie);
		berlin(&s);
		resave(&s, cookie);
		elsewhere(&s);
	}
	free(cookie);
	CHECK(srv_stop(&s) == 0);
	buf_reset(&out);
	free(dir);
	return check_done();
}
