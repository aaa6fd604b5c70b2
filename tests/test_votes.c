/*
 * test_votes: ratings over real HTTP, on SQLite and (tests/run.sh's
 * second pass) PostgreSQL: a vote counts once per reader (signed cookie
 * and IP hash), repeats are refused with a message and change nothing,
 * invalid votes are refused, thumbs on comments, JSON answers for the
 * page's script, re-voting when allowed, 1000 concurrent votes from
 * distinct voters counted exactly, 100 concurrent repeats counted once,
 * and a recount that finds nothing to correct afterwards.
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "check.h"
#include "http.h"

#define ARTICLE "/2015/10/russian-isis-strikes-hit-us-backed-anti-isis-groups-instead/"

static const char	*site;
static struct srv	 srv;

static void
set(const char *key, const char *value)
{
	CHECK(run_galley((const char *[]){ "config", site, "set", key, value,
	    NULL }, NULL) == 0);
}

/* POSTs a vote; cookie may be NULL; json asks for a JSON answer. */
static long
vote(const char *type, const char *id, const char *value,
    const char *cookie, int json, struct resp *r)
{
	const char	*f[] = { "type", type, "id", id, "value", value, NULL };
	char		 c[300];
	const char	*h[3] = { NULL, NULL, NULL };
	int		 n = 0;

	if (cookie != NULL) {
		snprintf(c, sizeof(c), "Cookie: %s", cookie);
		h[n++] = c;
	}
	if (json)
		h[n++] = "Accept: application/json";
	if (http_post(&srv, "/votes", f, 0, NULL, h, r) != 0)
		return -1;
	return r->status;
}

/* "galley_voter=X.Y" from a response's Set-Cookie, into out. */
static int
voter_cookie(const struct resp *r, char *out, size_t len)
{
	const char	*sc = resp_header(r, "Set-Cookie");
	size_t		 n;

	if (sc == NULL || strncmp(sc, "galley_voter=", 13) != 0)
		return -1;
	n = strcspn(sc, ";");
	if (n >= len)
		return -1;
	memcpy(out, sc, n);
	out[n] = '\0';
	return 0;
}

static int
page_has(const char *needle)
{
	return http_eventually(&srv, ARTICLE, needle);
}

static void
once(void)
{
	struct resp	 r;
	char		 cookie[200] = "";

	CHECK(vote("post", "1", "7", NULL, 0, &r) == 303 &&
	    strcmp(resp_header(&r, "Location"), ARTICLE "#rating") == 0);
	CHECK(voter_cookie(&r, cookie, sizeof(cookie)) == 0);
	CHECK(strstr(resp_header(&r, "Set-Cookie"), "HttpOnly") != NULL);
	resp_free(&r);
	CHECK(page_has("Rating: <span class=\"rating-average\">6.3</span>/10"
	    " (<span class=\"rating-count\">3</span> votes cast)"));
	/* Again, with the cookie: refused, said so, nothing changed. */
	CHECK(vote("post", "1", "1", cookie, 0, &r) == 409 &&
	    strstr(r.body.data, "You have already rated this."));
	resp_free(&r);
	/* Cookie cleared, same address: still one vote (vote_identity both). */
	CHECK(vote("post", "1", "1", NULL, 1, &r) == 409 &&
	    strstr(r.body.data, "\"count\":3") &&
	    strstr(r.body.data, "already rated"));
	resp_free(&r);
	CHECK(page_has("(<span class=\"rating-count\">3</span> votes cast)"));
	/* JSON-LD follows. */
	CHECK(page_has("\"ratingValue\":6.3,\"ratingCount\":3"));
}

/*
 * POSTs body with content type and one extra header line over a raw
 * socket (curl sends no JSON body as a form); returns the status, with
 * the answer's body in out.
 */
static int
raw_vote(const char *type, const char *body, const char *extra, char *out,
    size_t outlen)
{
	struct sockaddr_in	 a = { .sin_family = AF_INET };
	char			 req[1024];
	ssize_t			 n, got = 0;
	int			 fd, status = -1;

	a.sin_port = htons((uint16_t)srv.port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	snprintf(req, sizeof(req), "POST /votes HTTP/1.1\r\nHost: 127.0.0.1:%d"
	    "\r\nContent-Type: %s\r\nAccept: application/json\r\n%s\r\n"
	    "Content-Length: %zu\r\nConnection: close\r\n\r\n%s", srv.port,
	    type, extra, strlen(body), body);
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		return -1;
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0 &&
	    write(fd, req, strlen(req)) == (ssize_t)strlen(req))
		while (got + 1 < (ssize_t)outlen && (n = read(fd, out + got,
		    outlen - 1 - (size_t)got)) > 0)
			got += n;
	close(fd);
	out[got > 0 ? got : 0] = '\0';
	if (strncmp(out, "HTTP/1.1 ", 9) == 0)
		status = atoi(out + 9);
	return status;
}

/*
 * A vote from another site's page (an auto-submitting form, or a script
 * posting JSON) is refused as a comment is, and counts nothing.
 */
static void
cross_site(void)
{
	const char	*from_evil[] = { "Sec-Fetch-Site: cross-site", NULL };
	const char	*origin[] = { "Origin: https://evil.example", NULL };
	const char	*f[] = { "type", "post", "id", "1", "value", "1", NULL };
	struct resp	 r;
	char		 out[4096];

	CHECK(http_post(&srv, "/votes", f, 0, NULL, from_evil, &r) == 0 &&
	    r.status == 403 && strstr(r.body.data, "another site") != NULL);
	resp_free(&r);
	CHECK(http_post(&srv, "/votes", f, 0, NULL, origin, &r) == 0 &&
	    r.status == 403);
	resp_free(&r);
	CHECK_MSG(raw_vote("application/json", "{\"type\":\"post\",\"id\":1,"
	    "\"value\":1}", "Origin: https://evil.example", out, sizeof(out))
	    == 403 && strstr(out, "\"error\"") != NULL, "JSON vote refused"
	    " cross-site");
	CHECK_MSG(raw_vote("application/json", "{\"type\":\"post\",\"id\":1,"
	    "\"value\":1}", "Sec-Fetch-Site: cross-site", out, sizeof(out))
	    == 403, "JSON vote refused by Sec-Fetch-Site");
	CHECK_MSG(raw_vote("application/x-www-form-urlencoded",
	    "type=post&id=1&value=1", "Sec-Fetch-Site: same-site", out,
	    sizeof(out)) == 403, "a sibling subdomain is another site");
	/* Nothing counted. */
	CHECK(page_has("(<span class=\"rating-count\">3</span> votes cast)"));
}

static void
invalid(void)
{
	static const char *const bad[][3] = {
		{ "post", "1", "0" }, { "post", "1", "11" },
		{ "post", "1", "x" }, { "post", "1", "" },
		{ "post", "", "5" }, { "bogus", "1", "5" },
		{ "comment", "1", "sideways" }, { "post", "1", "5x" },
	};
	struct resp	 r;
	size_t		 i;
	int		 wrong = 0;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (vote(bad[i][0], bad[i][1], bad[i][2], NULL, 1, &r) != 422 ||
		    strstr(r.body.data, "\"error\"") == NULL)
			wrong++;
		resp_free(&r);
	}
	CHECK_MSG(wrong == 0, "each invalid vote refused with 422");
	CHECK(vote("post", "999", "5", NULL, 0, &r) == 404);
	resp_free(&r);
	CHECK(vote("comment", "999", "up", NULL, 0, &r) == 404);
	resp_free(&r);
	CHECK(http_get(&srv, "/votes", &r) == 0 && r.status == 405);
	resp_free(&r);
	CHECK(page_has("(<span class=\"rating-count\">3</span> votes cast)"));
}

static void
thumbs(void)
{
	struct resp	 r;

	set("vote_identity", "cookie");	/* one machine, many readers */
	CHECK(vote("comment", "1", "up", NULL, 1, &r) == 200 &&
	    strstr(r.body.data, "{\"score\":2,\"count\":2}"));
	resp_free(&r);
	CHECK(vote("comment", "2", "down", NULL, 1, &r) == 200 &&
	    strstr(r.body.data, "{\"score\":-1,\"count\":1}"));
	resp_free(&r);
	CHECK(page_has("<span class=\"comment-score\">-1</span> (from"
	    " <span class=\"comment-votes\">1</span> vote)"));
	/* A forged cookie is no voter: a fresh one is issued. */
	CHECK(vote("comment", "2", "up", "galley_voter=0123456789abcdef0123"
	    "456789abcdef.00000000000000000000000000000000", 1, &r) == 200 &&
	    strstr(resp_header(&r, "Set-Cookie"), "galley_voter=") != NULL);
	resp_free(&r);
}

static void
change(void)
{
	struct resp	 r;
	char		 cookie[200];

	set("vote_allow_change", "true");
	CHECK(vote("post", "1", "10", NULL, 1, &r) == 200 &&
	    voter_cookie(&r, cookie, sizeof(cookie)) == 0 &&
	    strstr(r.body.data, "\"count\":4"));
	resp_free(&r);
	CHECK(vote("post", "1", "2", cookie, 1, &r) == 200 &&
	    strstr(r.body.data, "\"count\":4"));	/* replaced, not added */
	resp_free(&r);
	set("vote_allow_change", "false");
}

struct crowd {
	int	 first;
	int	 n;
	int	 ok;
	char	*cookie;	/* NULL: each vote a new reader */
};

static void *
voters(void *arg)
{
	struct crowd	*c = arg;
	struct resp	 r;
	char		 value[8];
	int		 i;

	for (i = c->first; i < c->first + c->n; i++) {
		snprintf(value, sizeof(value), "%d", 1 + i % 10);
		if (c->cookie != NULL)
			c->ok += vote("comment", "2", "up", c->cookie, 1, &r) ==
			    409;
		else
			c->ok += vote("post", "1", value, NULL, 1, &r) == 200;
		resp_free(&r);
	}
	return NULL;
}

static void
crowds(void)
{
	struct crowd	 c[8];
	pthread_t	 t[8];
	struct resp	 r;
	char		 cookie[200], want[100];
	int		 i, ok = 0;

	/* 1000 readers at once, values 1..10 a hundred times each. */
	for (i = 0; i < 8; i++) {
		c[i] = (struct crowd){ .first = i * 125, .n = 125 };
		pthread_create(&t[i], NULL, voters, &c[i]);
	}
	for (i = 0; i < 8; i++) {
		pthread_join(t[i], NULL);
		ok += c[i].ok;
	}
	CHECK_MSG(ok == 1000, "1000 concurrent votes all accepted");
	/* Before: 5 + 7 + 7 + 2 = 21 from 4 votes; then 5500 from 1000. */
	snprintf(want, sizeof(want), "\"count\":1004");
	CHECK(vote("post", "1", "3", NULL, 1, &r) == 200 &&
	    strstr(r.body.data, "\"count\":1005") &&
	    strstr(r.body.data, "\"average\":5.5"));
	resp_free(&r);

	/* One reader, 100 clicks at once: one vote. */
	CHECK(vote("comment", "2", "up", NULL, 1, &r) == 200 &&
	    voter_cookie(&r, cookie, sizeof(cookie)) == 0);
	resp_free(&r);
	for (i = 0; i < 8; i++) {
		c[i] = (struct crowd){ .first = 0, .n = i < 4 ? 13 : 12,
		    .cookie = cookie };
		pthread_create(&t[i], NULL, voters, &c[i]);
	}
	for (i = 0, ok = 0; i < 8; i++) {
		pthread_join(t[i], NULL);
		ok += c[i].ok;
	}
	CHECK_MSG(ok == 100, "100 concurrent repeats refused");
	CHECK(vote("comment", "2", "up", NULL, 1, &r) == 200 &&
	    strstr(r.body.data, "\"count\":4"));	/* 1 + forged + 1 + 1 */
	resp_free(&r);
	(void)want;
}

int
main(void)
{
	char		*dir = tmp_path("votes"), cmd[600];
	struct buf	 out;
	const char	*db = getenv("GALLEY_DB");

	site = dir;
	buf_init(&out);
	if (db != NULL)
		CHECK(run_galley((const char *[]){ "init", dir, "--demo", "--db",
		    db, NULL }, NULL) == 0);
	else
		CHECK(run_galley((const char *[]){ "init", dir, "--demo",
		    NULL }, NULL) == 0);
	if (!CHECK(srv_start(&srv, dir) == 0))
		return check_done();
	once();
	cross_site();
	invalid();
	thumbs();
	change();
	crowds();
	CHECK(run_galley((const char *[]){ "votes", dir, "recount", NULL },
	    &out) == 0 && strstr(out.data, "0 tallies corrected"));
	buf_reset(&out);
	CHECK_MSG(srv_stop(&srv) == 0, "clean stop");
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	CHECK(system(cmd) == 0);
	free(dir);
	return check_done();
}
