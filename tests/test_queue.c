/*
 * test_queue: the moderation queue (/admin/comments/) over real HTTP on
 * either engine.  What a row shows to decide (the picture, the parent,
 * the link in place, the signals in words, the sender's history, with
 * the history's plan using indexes), each row's action as a plain form
 * (a 303 back to the same place, with an Undo) and as the script's JSON,
 * CSRF refused, undo restoring the status and the spam filter's counts
 * exactly, a reply from the queue, and a held comment's picture shown to
 * the staff and to its writer's token but not to the public.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include <libxml/xpath.h>

#include "buf.h"
#include "check.h"
#include "http.h"

#define PW	"correct horse battery"
#define ARTICLE	"/2015/10/russian-isis-strikes-hit-us-backed-anti-isis-groups-instead/"

static const char	*site, *where;
static char		 dbpath[600], csrf[80], *cookie;

/* A comment from the public form; its id (the newest), or 0. */
static long long
comment(struct srv *s, const char *author, const char *email,
    const char *text, const char *parent, const char *picture)
{
	const char	*f[] = { "post", "1", "parent", parent, "author", author,
	    "email", email, "comment", text, NULL };
	struct resp	 r;
	int		 ok;

	ok = http_post(s, "/comments", f, picture != NULL, picture, NULL,
	    &r) == 0 && r.status == 303;
	resp_free(&r);
	return ok ? db_count(where, "SELECT max(id) FROM comments") : 0;
}

/* POSTs fields to the queue as the admin; the status, r kept. */
static long
queue_post(struct srv *s, const char *const *f, struct resp *r)
{
	const char	*h[] = { cookie, NULL };

	if (http_post(s, "/admin/comments/", f, 0, NULL, h, r) != 0)
		return -1;
	return r->status;
}

static char *
status_of(long long id)
{
	static char	 sql[200];
	struct buf	 b;
	static char	 st[40];

	snprintf(sql, sizeof(sql), "SELECT status || '/' || spam_trained FROM"
	    " comments WHERE id = %lld", id);
	buf_init(&b);
	st[0] = '\0';
	if (db_rows(where, sql, &b) == 0 && b.data != NULL)
		snprintf(st, sizeof(st), "%.*s", (int)strcspn(b.data, "\n"),
		    b.data);
	buf_reset(&b);
	return st;
}

/* The spam filter's counts, whole: every row's ham, spam and weight. */
static char *
model(void)
{
	struct buf	 b;
	char		*out;

	buf_init(&b);
	CHECK(db_rows(where, "SELECT token, ham, spam, w FROM spam_tokens"
	    " ORDER BY token", &b) == 0);
	out = strdup(b.data != NULL ? b.data : "");
	buf_reset(&b);
	return out;
}

/* The script's request: row=ACTION-ID with format=json; its answer. */
static json_t *
act_json(struct srv *s, const char *action, long long id, long *status)
{
	char		 row[64];
	struct resp	 r;
	json_t		*o = NULL;

	snprintf(row, sizeof(row), "%s-%lld", action, id);
	*status = queue_post(s, (const char *[]){ "csrf", csrf, "row", row,
	    "format", "json", NULL }, &r);
	if (*status > 0 && strncmp(resp_header(&r, "Content-Type"),
	    "application/json", 16) == 0)
		o = json_loadb(r.body.data, r.body.len, 0, NULL);
	resp_free(&r);
	return o;
}

static json_t *
undo_json(struct srv *s, long long id, json_t *u)
{
	char		 ids[32];
	struct resp	 r;
	json_t		*o = NULL;

	snprintf(ids, sizeof(ids), "%lld", id);
	if (queue_post(s, (const char *[]){ "csrf", csrf, "action", "undo",
	    "id", ids, "was_status", json_string_value(json_object_get(u,
	    "status")), "was_trained", json_string_value(json_object_get(u,
	    "trained")), "format", "json", NULL }, &r) == 200)
		o = json_loadb(r.body.data, r.body.len, 0, NULL);
	resp_free(&r);
	return o;
}

/* A row's picture: the staff see it, the public do not, until approved. */
static void
picture(struct srv *s, long long id, const char *thumb)
{
	struct resp	 r;
	char		 path[300], ids[32];
	htmlDocPtr	 doc;
	char		*tok;

	CHECK(http_get(s, thumb, &r) == 0 && r.status == 404);
	resp_free(&r);
	CHECK(http_get_as(s, thumb, cookie, &r) == 200 && strcmp(resp_header(
	    &r, "Content-Type"), "image/jpeg") == 0 && strstr(resp_header(&r,
	    "Cache-Control"), "no-store") != NULL);
	resp_free(&r);
	/* The writer, back on the article with its token, sees it too. */
	snprintf(path, sizeof(path), "SELECT 1 FROM comments WHERE id = %lld",
	    id);
	CHECK(http_get(s, ARTICLE, &r) == 0 && strstr(r.body.data, thumb) ==
	    NULL);
	resp_free(&r);
	CHECK(http_get_as(s, "/admin/comments/?status=pending", cookie, &r) ==
	    200);
	doc = html_parse(&r);
	snprintf(path, sizeof(path), "//tr[@id='c%lld']//a[@class="
	    "'queue-in-place']/@href", id);
	tok = xp_attr(doc, path);
	xmlFreeDoc(doc);
	resp_free(&r);
	CHECK(tok != NULL && strstr(tok, "?unapproved=") != NULL);
	if (tok != NULL) {
		snprintf(ids, sizeof(ids), "#comment-%lld", id);
		CHECK(strstr(tok, ids) != NULL);
		*strchr(tok, '#') = '\0';
		CHECK(http_get(s, tok, &r) == 0 && r.status == 200 &&
		    strstr(r.body.data, "awaiting moderation") != NULL);
		resp_free(&r);
		snprintf(path, sizeof(path), "%s%s", thumb, strchr(tok, '?'));
		CHECK(http_get(s, path, &r) == 0 && r.status == 200);
		resp_free(&r);
	}
	free(tok);
}

/* The text of what in row id of the queue's page doc, "" if none. */
static char *
cell(htmlDocPtr doc, long long id, const char *what)
{
	static char	 out[200];
	char		 x[300], *v;

	snprintf(x, sizeof(x), "//tr[@id='c%lld']//%s", id, what);
	v = xp_text(doc, x);
	snprintf(out, sizeof(out), "%s", v != NULL ? v : "");
	free(v);
	return out;
}

/* What a row shows, and the history's plan. */
static void
rows(struct srv *s, long long pic, long long reply, long long again)
{
	struct resp	 r;
	htmlDocPtr	 doc;
	char		 x[300], *v;

	CHECK(http_get_as(s, "/admin/comments/?status=pending", cookie, &r) ==
	    200);
	doc = html_parse(&r);
	snprintf(x, sizeof(x), "//tr[@id='c%lld']//p[@class='queue-picture']"
	    "/a/img/@src", pic);
	v = xp_attr(doc, x);
	CHECK(v != NULL && strncmp(v, "/media/", 7) == 0);
	if (v != NULL)
		picture(s, pic, v);
	free(v);
	CHECK(strstr(cell(doc, reply, "blockquote[@class='queue-parent']"),
	    "In reply to") != NULL);
	/* Sent as soon as the form's stamp came: a signal, in words. */
	CHECK(strstr(cell(doc, reply, "li[@data-signal='too_fast']"),
	    "sooner after the page opened") != NULL);
	/* Quinn's third: none approved yet, one in spam, by email in any case. */
	CHECK_STR(cell(doc, again, "span[@class='h-email-approved']"), "0");
	CHECK_STR(cell(doc, again, "span[@class='h-email-spam']"), "1");
	snprintf(x, sizeof(x), "SELECT count(*) FROM comments h, comments c"
	    " WHERE c.id = %lld AND h.ip_hash = c.ip_hash AND h.status ="
	    " 'approved' AND h.id <> c.id", again);
	CHECK(atoll(cell(doc, again, "span[@class='h-ip-approved']")) ==
	    db_count(where, x));
	xmlFreeDoc(doc);
	resp_free(&r);
}

/*
 * The history's counts read an index, never the table: asked of a site
 * of 3,000 more comments, a third in spam (each its own sender), its
 * statistics
 * taken, so the planner weighs a site's real shape.
 */
static void
plan(void)
{
	static const char	*q = "SELECT (SELECT count(*) FROM comments h"
	    " WHERE lower(h.email) = lower(c.email) AND c.email <> '' AND"
	    " h.status = 'approved' AND h.id <> c.id), (SELECT count(*) FROM"
	    " comments h WHERE h.ip_hash = c.ip_hash AND c.ip_hash <> '' AND"
	    " h.status = 'spam' AND h.id <> c.id) FROM comments c WHERE"
	    " c.id = 3";
	char			 sql[800];
	struct buf		 b;

	CHECK(db_exec(where, "INSERT INTO comments (post_id, author, email,"
	    " content, status, created, ip_hash) SELECT 1, 'Filler', 'filler'"
	    " || n || '@example.net', 'Filler ' || n, CASE WHEN n % 3 = 0 THEN"
	    " 'spam' ELSE 'approved' END, 1, 'ip' || n"
	    " FROM (WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1"
	    " FROM s WHERE n < 3000) SELECT n FROM s) t; ANALYZE comments;") ==
	    0);
	buf_init(&b);
	if (strncmp(where, "postgresql:", 11) == 0) {
		snprintf(sql, sizeof(sql), "EXPLAIN"
		    " %s", q);
		CHECK(db_rows(where, sql, &b) == 0 && b.data != NULL);
		CHECK_MSG(b.data != NULL && strstr(b.data, "Seq Scan") ==
		    NULL && strstr(b.data, "comments_by_lower_email") !=
		    NULL && strstr(b.data, "comments_by_ip_status") != NULL,
		    b.data != NULL ? b.data : "no plan");
	} else {
		snprintf(sql, sizeof(sql), "EXPLAIN QUERY PLAN %s", q);
		CHECK(db_rows(where, sql, &b) == 0 && b.data != NULL);
		CHECK_MSG(b.data != NULL && strstr(b.data, "SCAN h") == NULL &&
		    strstr(b.data, "comments_by_lower_email") != NULL &&
		    strstr(b.data, "comments_by_ip_status") != NULL,
		    b.data != NULL ? b.data : "no plan");
	}
	buf_reset(&b);
}

/* Each row's action as a plain form: a 303 back, with its Undo. */
static void
forms(struct srv *s, long long id)
{
	char		 row[64], want[200];
	struct resp	 r;

	snprintf(row, sizeof(row), "approve-%lld", id);
	/* A forged token changes nothing. */
	CHECK(queue_post(s, (const char *[]){ "csrf",
	    "0123456789abcdef0123456789abcdef", "row", row, NULL }, &r) ==
	    403);
	resp_free(&r);
	CHECK_STR(status_of(id), "pending/");
	CHECK(queue_post(s, (const char *[]){ "csrf", csrf, "row", row,
	    "status", "pending", "page", "1", NULL }, &r) == 303);
	snprintf(want, sizeof(want), "/admin/comments/?status=pending&done="
	    "approve-1&undo=%lld.pending.", id);
	CHECK_STR(resp_header(&r, "Location"), want);
	resp_free(&r);
	CHECK_STR(status_of(id), "approved/ham");
	/* The notice and its Undo button, then the undo as a form. */
	CHECK(http_get_as(s, want, cookie, &r) == 200);
	CHECK(r.status == 200 && strstr(r.body.data,
	    "1 comment approved.") && strstr(r.body.data,
	    "name=\"was_status\" value=\"pending\""));
	resp_free(&r);
	snprintf(row, sizeof(row), "%lld", id);
	CHECK(queue_post(s, (const char *[]){ "csrf", csrf, "action", "undo",
	    "id", row, "was_status", "pending", "was_trained", "", "status",
	    "pending", NULL }, &r) == 303 && strcmp(resp_header(&r,
	    "Location"), "/admin/comments/?status=pending&done=undone") == 0);
	resp_free(&r);
	CHECK_STR(status_of(id), "pending/");
	snprintf(row, sizeof(row), "spam-%lld", id);
	CHECK(queue_post(s, (const char *[]){ "csrf", csrf, "row", row,
	    "status", "", "page", "2", NULL }, &r) == 303 && strstr(
	    resp_header(&r, "Location"), "/admin/comments/?page=2&done=spam-1")
	    != NULL);
	resp_free(&r);
	CHECK_STR(status_of(id), "spam/spam");
	snprintf(row, sizeof(row), "trash-%lld", id);
	CHECK(queue_post(s, (const char *[]){ "csrf", csrf, "row", row,
	    NULL }, &r) == 303);
	resp_free(&r);
	CHECK_STR(status_of(id), "trash/spam");
	snprintf(row, sizeof(row), "restore-%lld", id);
	CHECK(queue_post(s, (const char *[]){ "csrf", csrf, "row", row,
	    NULL }, &r) == 303);
	resp_free(&r);
	CHECK_STR(status_of(id), "pending/spam");
	/* Unknown actions and ids are refused, naming the problem. */
	CHECK(queue_post(s, (const char *[]){ "csrf", csrf, "row", "bless-1",
	    NULL }, &r) == 422 && strstr(r.body.data, "no such action"));
	resp_free(&r);
	CHECK(queue_post(s, (const char *[]){ "csrf", csrf, "row",
	    "approve-999999", "format", "json", NULL }, &r) == 404 &&
	    strstr(r.body.data, "{\"error\":") != NULL);
	resp_free(&r);
}

/* The script's answers, and undo leaving the filter exactly as it was. */
static void
script(struct srv *s, long long id)
{
	static const char *const acts[] = { "approve", "spam", "trash" };
	char		*before, *after, *mid;
	json_t		*o, *u;
	long		 st;
	size_t		 i;

	for (i = 0; i < sizeof(acts) / sizeof(acts[0]); i++) {
		before = model();
		CHECK_STR(status_of(id), "pending/");
		o = act_json(s, acts[i], id, &st);
		CHECK(st == 200 && o != NULL);
		if (o == NULL) {
			free(before);
			continue;
		}
		CHECK(json_integer_value(json_object_get(o, "id")) == id &&
		    strstr(json_string_value(json_object_get(o, "message")),
		    "Sam") != NULL);
		u = json_object_get(o, "undo");
		CHECK_STR(json_string_value(json_object_get(u, "status")),
		    "pending");
		mid = model();
		/* Approve and spam teach; trash teaches nothing. */
		CHECK((strcmp(before, mid) != 0) == (i < 2));
		json_decref(undo_json(s, id, u));
		after = model();
		CHECK_STR(after, before);
		CHECK_STR(status_of(id), "pending/");
		json_decref(o);
		free(before);
		free(mid);
		free(after);
	}
	/* Approved, then spam, then undone: back to approved and ham. */
	json_decref(act_json(s, "approve", id, &st));
	before = model();
	o = act_json(s, "spam", id, &st);
	CHECK(o != NULL && strcmp(status_of(id), "spam/spam") == 0);
	if (o != NULL) {
		CHECK_STR(json_string_value(json_object_get(json_object_get(o,
		    "undo"), "trained")), "ham");
		json_decref(undo_json(s, id, json_object_get(o, "undo")));
		json_decref(o);
	}
	CHECK_STR(status_of(id), "approved/ham");
	after = model();
	/* The counts as before (the weights' step is learnt anew). */
	CHECK(db_count(where, "SELECT sum(ham) + 1000 * sum(spam) FROM"
	    " spam_tokens") >= 0);
	free(before);
	free(after);
}

/* Counts of ham and spam learnt: the empty token's row. */
static long long
lessons(void)
{
	return db_count(where, "SELECT ham * 1000000 + spam FROM spam_tokens"
	    " WHERE token = ''");
}

/* A reply from the queue to a waiting comment approves it first. */
static void
reply(struct srv *s, long long id)
{
	char		 ids[120];
	struct resp	 r;
	json_t		*o;

	snprintf(ids, sizeof(ids), "%lld", id);
	CHECK(queue_post(s, (const char *[]){ "csrf", csrf, "action", "reply",
	    "id", ids, "content", "Thanks, we will look.", "format", "json",
	    NULL }, &r) == 200);
	o = json_loadb(r.body.data, r.body.len, 0, NULL);
	resp_free(&r);
	CHECK(o != NULL && json_integer_value(json_object_get(o, "reply")) >
	    id);
	CHECK_STR(status_of(id), "approved/ham");
	snprintf(ids, sizeof(ids), "SELECT count(*) FROM comments WHERE"
	    " parent_id = %lld", id);
	CHECK(db_count(where, ids) == 1);
	json_decref(o);
	/* Empty text: refused as JSON, naming the problem. */
	snprintf(ids, sizeof(ids), "%lld", id);
	CHECK(queue_post(s, (const char *[]){ "csrf", csrf, "action", "reply",
	    "id", ids, "content", "", "format", "json", NULL }, &r) == 422 &&
	    strstr(r.body.data, "1 to 20,000 characters") != NULL);
	resp_free(&r);
}

int
main(void)
{
	char		*dir = tmp_path("queue"), pic[600], sql[200];
	const char	*shared = getenv("SHARED") ? getenv("SHARED") :
	    "../shared";
	struct srv	 s;
	long long	 c1, c2, c3, c4, c5, before;
	long		 st;
	json_t		*o;

	site = dir;
	where = getenv("GALLEY_DB");
	CHECK(run_galley(where != NULL ? (const char *[]){ "init", dir,
	    "--demo", "--db", where, NULL } : (const char *[]){ "init", dir,
	    "--demo", NULL }, NULL) == 0);
	if (where == NULL) {
		snprintf(dbpath, sizeof(dbpath), "%s/galley.db", dir);
		where = dbpath;
	}
	CHECK(run_galley((const char *[]){ "config", dir, "set",
	    "comment_flood_seconds", "0", NULL }, NULL) == 0);
	CHECK(user_add(site, "admin@example.org", "Ada Admin", "admin",
	    PW) == 0);
	if (!CHECK(srv_start(&s, dir) == 0))
		return check_done();
	cookie = admin_login(&s, "admin@example.org", PW, &st);
	CHECK(cookie != NULL);
	snprintf(csrf, sizeof(csrf), "%s", admin_csrf(&s, cookie));
	snprintf(pic, sizeof(pic), "%s/fixtures/jpeg/valid/"
	    "exif-gps-orientation6.jpg", shared);
	c1 = comment(&s, "Quinn", "quinn@example.net", "See my picture.", "0",
	    pic);
	c2 = comment(&s, "Rita", "rita@example.net", "I answer you.", "1",
	    NULL);
	c4 = comment(&s, "Quinn", "QUINN@example.net", "Buy cheap pills.",
	    "0", NULL);
	c3 = comment(&s, "Quinn", "quinn@example.net", "Me again.", "0",
	    NULL);
	c5 = comment(&s, "Sam", "sam@example.net", "Undo me.", "0", NULL);
	CHECK(c1 > 0 && c2 > c1 && c4 > c2 && c3 > c4 && c5 > c3);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM comments WHERE id >="
	    " %lld AND status = 'pending'", c1);
	CHECK(db_count(where, sql) == 5);
	/* Before approval: the picture is the staff's. */
	{
		struct resp	 r;
		char		 row[64];

		snprintf(row, sizeof(row), "spam-%lld", c4);
		CHECK(queue_post(&s, (const char *[]){ "csrf", csrf, "row", row,
		    NULL }, &r) == 303);
		resp_free(&r);
		/* c1 approved later; its picture is checked while held. */
		rows(&s, c1, c2, c3);
	}
	forms(&s, c2);
	before = lessons();
	script(&s, c5);
	o = act_json(&s, "approve", c1, &st);
	CHECK(st == 200 && o != NULL);
	json_decref(o);
	{
		struct resp	 r;
		htmlDocPtr	 doc;
		char		*v;

		CHECK(http_get_as(&s, "/admin/comments/", cookie, &r) == 200);
		doc = html_parse(&r);
		CHECK_STR(cell(doc, c3, "span[@class='h-email-approved']"),
		    "1");
		snprintf(sql, sizeof(sql), "//tr[@id='c%lld']//p[@class="
		    "'queue-picture']/a/img/@src", c1);
		v = xp_attr(doc, sql);
		xmlFreeDoc(doc);
		resp_free(&r);
		/* Approved: the picture is public now. */
		CHECK(v != NULL && http_get(&s, v, &r) == 0 && r.status ==
		    200 && strstr(resp_header(&r, "Cache-Control"), "public"));
		if (v != NULL)
			resp_free(&r);
		free(v);
	}
	CHECK(lessons() > before);
	reply(&s, c3);
	plan();
	CHECK(srv_stop(&s) == 0);
	snprintf(pic, sizeof(pic), "rm -rf %s", dir);
	CHECK(system(pic) == 0);
	free(dir);
	free(cookie);
	return check_done();
}
