/*
 * test_nodes: several stateless nodes over one PostgreSQL database (run
 * by tests/run.sh in its PostgreSQL pass only).  Two `galley serve`
 * processes on different ports share the database and the media folder;
 * a write through the storage API (a third party: another node, the CLI)
 * is served by both, though both had the page cached, as soon as their
 * watchers hear of it by NOTIFY.  Then PostgreSQL is stopped under a running node: it answers
 * 503 quickly and stays up, and serves 200 again by itself once the
 * database is back.
 */
#include <sys/time.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "http.h"
#include "store.h"

#define ARTICLE "/2015/10/russian-isis-strikes-hit-us-backed-anti-isis-groups-instead/"

static double
now(void)
{
	struct timeval	 tv;

	gettimeofday(&tv, NULL);
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

static int
has(struct srv *s, const char *path, const char *needle)
{
	struct resp	 r;
	int		 ok;

	ok = http_get(s, path, &r) == 0 && r.status == 200 &&
	    r.body.data != NULL && strstr(r.body.data, needle) != NULL;
	resp_free(&r);
	return ok;
}

static void
shared_writes(struct srv *a, struct srv *b, const char *dir)
{
	struct store		*st;
	struct store_conn	*c;
	struct comment		 cm = { .post_id = 1, .author = "Cross Node",
	    .email = "x@example.com", .content = "Written elsewhere.",
	    .status = "approved", .created = 1443800000 };
	char			 err[512], cmd[1024];

	CHECK(has(a, ARTICLE, "I agree Oleg"));		/* both cached */
	CHECK(has(b, ARTICLE, "I agree Oleg"));
	CHECK(!has(b, ARTICLE, "Written elsewhere."));
	if (!CHECK(store_open(getenv("GALLEY_DB"), 0, &st, err,
	    sizeof(err)) == STORE_OK))
		return;
	c = store_conn_get(st);
	CHECK(c != NULL && store_comment_add(c, &cm, NULL) == STORE_OK);
	store_conn_put(st, c);
	store_close(st);
	CHECK_MSG(http_eventually(a, ARTICLE, "Written elsewhere."),
	    "node A sees it");
	CHECK_MSG(http_eventually(b, ARTICLE, "Written elsewhere."),
	    "node B sees it");
	CHECK(has(b, "/", "3 Comments"));

	snprintf(cmd, sizeof(cmd), "%s config %s set site_title 'Two Nodes'"
	    " >/dev/null", getenv("GALLEY"), dir);
	CHECK(system(cmd) == 0);
	CHECK(http_eventually(a, "/privacy/", "Two Nodes"));
	CHECK(http_eventually(b, "/privacy/", "Two Nodes"));
	/* Media written by init on A's side is served by B. */
	CHECK(has(b, ARTICLE, "/media/"));
}

static long
comment(struct srv *s, const char *author, const char *text)
{
	const char	*f[] = { "post", "1", "author", author, "email",
	    "nodes@example.org", "comment", text, NULL };
	struct resp	 r;
	long		 status = -1;

	if (http_post(s, "/comments", f, 0, NULL, NULL, &r) == 0)
		status = r.status;
	resp_free(&r);
	return status;
}

/* The flood and duplicate rules hold across nodes: they live in the DB. */
static void
cross_node_rules(struct srv *a, struct srv *b, const char *dir)
{
	char	 cmd[1024];

	snprintf(cmd, sizeof(cmd), "%s config %s set comment_flood_seconds 15"
	    " >/dev/null", getenv("GALLEY"), dir);
	CHECK(system(cmd) == 0);
	CHECK(comment(a, "Node Writer", "Posted on node A.") == 303);
	CHECK_MSG(comment(b, "Node Writer", "Then on node B.") == 422,
	    "flood refused by the other node");
	snprintf(cmd, sizeof(cmd), "%s config %s set comment_flood_seconds 0"
	    " >/dev/null", getenv("GALLEY"), dir);
	CHECK(system(cmd) == 0);
	CHECK_MSG(comment(b, "Node Writer", "Posted on node A.") == 422,
	    "duplicate refused by the other node");
	CHECK(comment(b, "Node Writer", "Something new.") == 303);
}

struct voters {
	struct srv	*s;
	int		 n;
	int		 ok;
};

static void *
vote_many(void *arg)
{
	struct voters	*v = arg;
	const char	*f[] = { "type", "post", "id", "1", "value", "10", NULL };
	const char	*h[] = { "Accept: application/json", NULL };
	struct resp	 r;
	int		 i;

	for (i = 0; i < v->n; i++) {
		if (http_post(v->s, "/votes", f, 0, NULL, h, &r) == 0 &&
		    r.status == 200)
			v->ok++;
		resp_free(&r);
	}
	return NULL;
}

/* 200 readers voting at once through two nodes: every vote counted once. */
static void
votes_across(struct srv *a, struct srv *b, const char *dir)
{
	struct voters	 v[4];
	pthread_t	 t[4];
	struct resp	 r;
	char		 cmd[1024];
	const char	*f[] = { "type", "post", "id", "1", "value", "2", NULL };
	const char	*h[] = { "Accept: application/json", NULL };
	int		 i, ok = 0;

	snprintf(cmd, sizeof(cmd), "%s config %s set vote_identity cookie"
	    " >/dev/null", getenv("GALLEY"), dir);
	CHECK(system(cmd) == 0);
	for (i = 0; i < 4; i++) {
		v[i] = (struct voters){ .s = i % 2 ? b : a, .n = 50 };
		pthread_create(&t[i], NULL, vote_many, &v[i]);
	}
	for (i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		ok += v[i].ok;
	}
	CHECK_MSG(ok == 200, "200 votes through two nodes accepted");
	/* 2 demo votes (5, 7) + 200 tens + this 2: 2014 / 203 = 9.9. */
	CHECK(http_post(a, "/votes", f, 0, NULL, h, &r) == 0 &&
	    r.status == 200 && strstr(r.body.data, "\"count\":203") &&
	    strstr(r.body.data, "\"average\":9.9"));
	resp_free(&r);
}

static void
outage(struct srv *a)
{
	struct resp	 r;
	double		 t;
	int		 i, back = 0;

	if (!CHECK(pg_ctl("stop") == 0))
		return;
	/* A page that needs the database answers 503, promptly. */
	t = now();
	CHECK(http_get(a, "/?uncached=1", &r) == 0 && r.status == 503);
	CHECK_MSG(now() - t < 5.0, "503 within 5 s, not a hang");
	resp_free(&r);
	/*
	 * A cached page: once the watcher has seen its connection drop, the
	 * generation is unknown and the node asks the database, so 503 too.
	 */
	for (i = 0, r.status = 0; i < 100 && r.status != 503; i++) {
		if (i > 0)
			usleep(20000);
		if (http_get(a, ARTICLE, &r) != 0)
			r.status = -1;
		resp_free(&r);
	}
	CHECK_MSG(r.status == 503, "cached pages too, within 2 s");
	CHECK_MSG(kill(a->pid, 0) == 0, "the node is still running");
	CHECK(pg_ctl("resume") == 0);
	for (i = 0; i < 50 && !back; i++) {
		back = has(a, ARTICLE, "Written elsewhere.");
		if (!back)
			usleep(100000);
	}
	CHECK_MSG(back, "200 again once PostgreSQL is back, no restart");
	CHECK(srv_log_has(a, "\"GET " ARTICLE " HTTP/1.1\" 503 "));
}

int
main(void)
{
	char		*dir = tmp_path("nodes"), *dirb, cmd[1024];
	struct srv	 a, b;
	struct buf	 out;

	if (!CHECK_MSG(getenv("GALLEY_DB") && getenv("GALLEY_PG"),
	    "run by tests/run.sh with a PostgreSQL database"))
		return check_done();
	buf_init(&out);
	CHECK(run_galley((const char *[]){ "init", dir, "--demo", "--db",
	    getenv("GALLEY_DB"), NULL }, &out) == 0);
	buf_reset(&out);
	dirb = site_node(dir);
	if (!CHECK(dirb != NULL && srv_start(&a, dir) == 0))
		return check_done();
	if (!CHECK(srv_start(&b, dirb) == 0)) {
		srv_stop(&a);
		return check_done();
	}
	CHECK(a.port != b.port);
	shared_writes(&a, &b, dir);
	cross_node_rules(&a, &b, dir);
	votes_across(&a, &b, dir);
	outage(&a);
	CHECK_MSG(srv_stop(&a) == 0, "node A stops cleanly");
	CHECK_MSG(srv_stop(&b) == 0, "node B stops cleanly");
	snprintf(cmd, sizeof(cmd), "rm -rf %s %s", dir, dirb);
	CHECK(system(cmd) == 0);
	free(dir);
	free(dirb);
	return check_done();
}
