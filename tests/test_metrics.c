/*
 * test_metrics: /healthz and the Prometheus metrics of the real server,
 * on SQLite and (tests/run.sh's second pass) PostgreSQL.  Metrics are
 * scraped over HTTP from --metrics-listen and read by Debian's
 * python3-prometheus-client parser (tests/metrics_check.py), which also
 * holds the format's rules (HELP and TYPE, cumulative buckets, _count);
 * the counters must move by what the test did, and no more.  /healthz
 * answers 200, then 503 naming the cause when the schema is not this
 * binary's, and on PostgreSQL when the cluster stops, and 200 again
 * once it is back.  Without the flag nothing more listens, and the main
 * listener never serves the metrics.
 */
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "check.h"
#include "conf.h"
#include "http.h"

#define ARTICLE "/2015/10/russian-isis-strikes-hit-us-backed-anti-isis-groups-instead/"

static const char	*db;		/* the site's database: site_db */

/*
 * Scrapes s's metrics listener and reads the answer with the Python
 * parser into out (its SAMPLE and ERROR lines).  Returns 0, or -1 if the
 * scrape or the parser failed.
 */
static int
scrape(struct srv *s, struct buf *out)
{
	struct srv	 m = *s;
	struct resp	 r;
	const char	*type;
	char		 path[] = "/tmp/galley-metrics-XXXXXX", cmd[512];
	char		 line[1024];
	FILE		*f;
	int		 fd, ok;

	buf_init(out);
	snprintf(m.base, sizeof(m.base), "http://127.0.0.1:%d",
	    s->metrics_port);
	if (http_get(&m, "/metrics", &r) != 0 || r.status != 200) {
		resp_free(&r);
		return -1;
	}
	type = resp_header(&r, "Content-Type");
	ok = type != NULL && strncmp(type, "text/plain; version=0.0.4", 25) ==
	    0;
	if ((fd = mkstemp(path)) == -1 || write(fd, r.body.data, r.body.len) !=
	    (ssize_t)r.body.len) {
		resp_free(&r);
		return -1;
	}
	close(fd);
	resp_free(&r);
	snprintf(cmd, sizeof(cmd), "/usr/bin/python3 %s/tests/metrics_check.py"
	    " %s", getenv("TOP") ? getenv("TOP") : ".", path);
	if ((f = popen(cmd, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		buf_puts(out, line);
	ok = pclose(f) == 0 && ok;
	unlink(path);
	return ok ? 0 : -1;
}

/* The sample name{labels} (labels sorted, as "k=v,k=v"), or -1. */
static double
sample(const struct buf *b, const char *name, const char *labels)
{
	char		 key[512];
	const char	*at;

	snprintf(key, sizeof(key), "SAMPLE %s|%s|", name, labels);
	if (b->data == NULL || (at = strstr(b->data, key)) == NULL)
		return -1;
	return strtod(at + strlen(key), NULL);
}

/* A counter's value: absent is 0 (a series appears once it moves). */
static double
counter(const struct buf *b, const char *name, const char *labels)
{
	double	 v = sample(b, name, labels);

	return v < 0 ? 0 : v;
}

/* Every request counted in b, whatever its route and status. */
static double
requests(const struct buf *b)
{
	const char	*key = "SAMPLE galley_http_requests_total|", *at;
	double		 n = 0;

	for (at = b->data; at != NULL && (at = strstr(at, key)) != NULL;
	    at += strlen(key))
		n += strtod(strchr(at + strlen(key), '|') + 1, NULL);
	return n;
}

/*
 * Scrapes until the requests counted are n more than in a: a request is
 * counted when it completes, which may be a moment after its client has
 * read the answer.  Returns 0, or -1 if they never were (2 s).
 */
static int
scrape_after(struct srv *s, const struct buf *a, double n, struct buf *out)
{
	int	 i;

	for (i = 0; i < 40; i++) {
		if (scrape(s, out) == 0 && requests(out) - requests(a) >= n)
			return 0;
		buf_reset(out);
		usleep(50000);
	}
	return -1;
}

static long
get_status(struct srv *s, const char *method, const char *path,
    struct resp *r)
{
	if (http_req(s, method, path, NULL, r) != 0)
		return -1;
	return r->status;
}

/*
 * The TCP sockets process pid listens on: its descriptors' socket
 * inodes found in state LISTEN (0A) in /proc/net/tcp and tcp6.
 */
static int
listening(pid_t pid)
{
	static const char *const tables[] = { "/proc/net/tcp",
	    "/proc/net/tcp6" };
	char		 dir[64], link[PATH_MAX], fdp[PATH_MAX + 64], line[512];
	char		 inode[32];
	struct dirent	*e;
	DIR		*d;
	FILE		*f;
	size_t		 t;
	ssize_t		 n;
	int		 count = 0;
	unsigned long	 ino;

	snprintf(dir, sizeof(dir), "/proc/%d/fd", (int)pid);
	if ((d = opendir(dir)) == NULL)
		return -1;
	while ((e = readdir(d)) != NULL) {
		snprintf(fdp, sizeof(fdp), "%s/%s", dir, e->d_name);
		if ((n = readlink(fdp, link, sizeof(link) - 1)) <= 0)
			continue;
		link[n] = '\0';
		if (sscanf(link, "socket:[%lu]", &ino) != 1)
			continue;
		snprintf(inode, sizeof(inode), " %lu ", ino);
		for (t = 0; t < 2; t++) {
			if ((f = fopen(tables[t], "r")) == NULL)
				continue;
			while (fgets(line, sizeof(line), f) != NULL)
				if (strstr(line, inode) != NULL &&
				    strstr(line, " 0A ") != NULL)
					count++;
			fclose(f);
		}
	}
	closedir(d);
	return count;
}

/*
 * galley.conf's db_connections sizes the pool (the metrics show it, the
 * workers stay below it); one under 2 is refused at start, by name.
 */
static void
pool_size(const char *site)
{
	const char	*extra[] = { "--metrics-listen", "127.0.0.1:0", NULL };
	const char	*dflt = getenv("GALLEY_DB") != NULL ? "24" : "64";
	char		 path[600], err[300];
	struct srv	 s;
	struct buf	 b;

	snprintf(path, sizeof(path), "%s/galley.conf", site);
	if (!CHECK(conf_set(path, "db_connections", "6", err, sizeof(err)) ==
	    0))
		return;
	if (CHECK(srv_start_args(&s, site, extra) == 0)) {
		CHECK_MSG(srv_log_has(&s, "database connection of the 6"),
		    "the workers stay below the pool");
		if (CHECK(scrape(&s, &b) == 0))
			CHECK(sample(&b, "galley_db_pool_connections_max", "")
			    == 6);
		buf_reset(&b);
		CHECK(srv_stop(&s) == 0);
	}
	CHECK(conf_set(path, "db_connections", "1", err, sizeof(err)) == 0);
	CHECK(srv_start(&s, site) == -1);
	pthread_join(s.reader, NULL);
	CHECK(srv_log_has(&s, "db_connections = 1: expected a whole number"));
	close(s.fd);
	buf_reset(&s.log);
	CHECK(conf_set(path, "db_connections", dflt, err, sizeof(err)) == 0);
}

/* Without --metrics-listen: one listening socket, no metrics anywhere. */
static void
metrics_off(const char *site)
{
	struct srv	 s;
	struct resp	 r;

	if (!CHECK(srv_start(&s, site) == 0))
		return;
	CHECK_MSG(s.metrics_port == 0 && !srv_log_has(&s, "metrics on"),
	    "no metrics listener unless asked");
	CHECK_MSG(listening(s.pid) == 1, "only the main listener listens");
	CHECK(get_status(&s, "GET", "/metrics", &r) != 200);
	resp_free(&r);
	CHECK(get_status(&s, "GET", "/metrics/", &r) == 404);
	CHECK_MSG(r.body.data == NULL ||
	    strstr(r.body.data, "galley_http_requests_total") == NULL,
	    "the main listener does not serve the metrics");
	resp_free(&r);
	CHECK(srv_stop(&s) == 0);
}

/*
 * A --metrics-listen that cannot be had stops the start, named: not a
 * HOST:PORT, or a port taken (the running server's own, busy).
 */
static void
metrics_refused(const char *site, int busy_port)
{
	const char	*bogus[] = { "--metrics-listen", "bogus", NULL };
	const char	*taken[] = { "--metrics-listen", NULL, NULL };
	char		 addr[64];
	struct srv	 s;

	CHECK(srv_start_args(&s, site, bogus) == -1);
	pthread_join(s.reader, NULL);
	CHECK(srv_log_has(&s, "--metrics-listen bogus: expected HOST:PORT"));
	CHECK(!srv_log_has(&s, "listening on"));
	close(s.fd);
	buf_reset(&s.log);
	snprintf(addr, sizeof(addr), "127.0.0.1:%d", busy_port);
	taken[1] = addr;
	CHECK(srv_start_args(&s, site, taken) == -1);
	pthread_join(s.reader, NULL);
	CHECK(srv_log_has(&s, "cannot listen for metrics on"));
	close(s.fd);
	buf_reset(&s.log);
}

/* A comment through the form: its status, *held if it went to pending. */
static long
comment(struct srv *s, const char *text, int *held)
{
	const char	*f[] = { "post", "1", "author", "Metric Reader",
	    "email", "metrics@example.org", "comment", text, NULL };
	struct resp	 r;
	const char	*loc;
	long		 status = -1;

	if (http_post(s, "/comments", f, 0, NULL, NULL, &r) == 0)
		status = r.status;
	loc = resp_header(&r, "Location");
	*held = loc != NULL && strstr(loc, "unapproved=") != NULL;
	resp_free(&r);
	return status;
}

/* Requests, latency and the page cache, moved by exactly what was done. */
static void
requests_move(struct srv *s)
{
	struct buf	 a, b;
	struct resp	 r;

	if (!CHECK(scrape(s, &a) == 0))
		return;
	CHECK_MSG(strstr(a.data, "ERROR") == NULL, "well-formed (first)");
	CHECK(get_status(s, "GET", ARTICLE, &r) == 200);
	resp_free(&r);
	CHECK(get_status(s, "GET", ARTICLE, &r) == 200);
	resp_free(&r);
	CHECK(get_status(s, "GET", "/healthz", &r) == 200);
	resp_free(&r);
	CHECK(get_status(s, "HEAD", "/healthz", &r) == 200);
	resp_free(&r);
	CHECK(get_status(s, "GET", "/no-such-page/", &r) == 404);
	resp_free(&r);
	if (!CHECK(scrape_after(s, &a, 5, &b) == 0))
		goto out;
	CHECK_MSG(requests(&b) - requests(&a) == 5, "five requests, no more");
	if (!CHECK_MSG(strstr(b.data, "ERROR") == NULL, "well-formed"))
		fprintf(stderr, "%s", b.data);
	CHECK(counter(&b, "galley_http_requests_total",
	    "route=article,status=200") - counter(&a,
	    "galley_http_requests_total", "route=article,status=200") == 2);
	CHECK(counter(&b, "galley_http_requests_total",
	    "route=healthz,status=200") - counter(&a,
	    "galley_http_requests_total", "route=healthz,status=200") == 2);
	CHECK(counter(&b, "galley_http_requests_total",
	    "route=page,status=404") - counter(&a,
	    "galley_http_requests_total", "route=page,status=404") == 1);
	CHECK(counter(&b, "galley_http_request_duration_seconds_count",
	    "route=article") - counter(&a,
	    "galley_http_request_duration_seconds_count", "route=article") ==
	    2);
	CHECK(sample(&b, "galley_http_request_duration_seconds_bucket",
	    "le=+Inf,route=article") == sample(&b,
	    "galley_http_request_duration_seconds_count", "route=article"));
	CHECK(sample(&b, "galley_http_request_duration_seconds_sum",
	    "route=article") > counter(&a,
	    "galley_http_request_duration_seconds_sum", "route=article"));
	/* The first GET rendered and stored the page; the second hit it. */
	CHECK(counter(&b, "galley_page_cache_misses_total", "") -
	    counter(&a, "galley_page_cache_misses_total", "") == 1);
	CHECK(counter(&b, "galley_page_cache_hits_total", "") -
	    counter(&a, "galley_page_cache_hits_total", "") == 1);
	CHECK(sample(&b, "galley_page_cache_bytes", "") > 10000);
	CHECK(sample(&b, "galley_db_pool_connections_max", "") >= 8);
	CHECK(sample(&b, "galley_db_pool_connections", "") >= 1);
	CHECK(sample(&b, "galley_db_pool_timeouts_total", "") == 0);
out:
	buf_reset(&a);
	buf_reset(&b);
}

/* Comments by verdict, and the outbox's size and age. */
static void
comments_and_outbox(struct srv *s)
{
	struct buf	 a, b;
	char		 sql[512];
	int		 held = 0, dummy;
	long long	 now = (long long)time(NULL);

	if (!CHECK(scrape(s, &a) == 0))
		return;
	CHECK(sample(&a, "galley_outbox_queued", "") == 0);
	CHECK(sample(&a, "galley_outbox_oldest_age_seconds", "") == 0);
	CHECK(comment(s, "Counted as it should be.", &held) == 303);
	CHECK(comment(s, "", &dummy) == 422);		/* refused */
	snprintf(sql, sizeof(sql), "INSERT INTO outbox (kind, rcpt, subject,"
	    " message_id, body, created, due) VALUES ('test',"
	    " 'someone@example.org', 'Waiting', '<m@example.org>', '', %lld,"
	    " %lld)", now - 120, now + 86400);
	CHECK(db_exec(db, sql) == 0);
	if (!CHECK(scrape_after(s, &a, 2, &b) == 0))
		goto out;
	CHECK(strstr(b.data, "ERROR") == NULL);
	CHECK(counter(&b, "galley_comments_total", held ? "verdict=pending" :
	    "verdict=approved") - counter(&a, "galley_comments_total", held ?
	    "verdict=pending" : "verdict=approved") == 1);
	CHECK(counter(&b, "galley_comments_total", held ? "verdict=approved" :
	    "verdict=pending") == counter(&a, "galley_comments_total", held ?
	    "verdict=approved" : "verdict=pending"));
	CHECK(counter(&b, "galley_comments_total", "verdict=refused") -
	    counter(&a, "galley_comments_total", "verdict=refused") == 1);
	CHECK(counter(&b, "galley_http_requests_total",
	    "route=comment,status=303") - counter(&a,
	    "galley_http_requests_total", "route=comment,status=303") == 1);
	CHECK(sample(&b, "galley_outbox_queued", "") == 1);
	CHECK(sample(&b, "galley_outbox_oldest_age_seconds", "") >= 120 &&
	    sample(&b, "galley_outbox_oldest_age_seconds", "") < 180);
out:
	buf_reset(&a);
	buf_reset(&b);
}

/* The retention pass runs 5 s after the start; then build and start. */
static void
chores_and_process(struct srv *s, time_t started)
{
	struct buf	 b;
	double		 v = 0;
	int		 i;

	for (i = 0; i < 40 && v < 1; i++) {
		if (scrape(s, &b) == 0)
			v = counter(&b, "galley_chore_passes_total",
			    "chore=retention,result=ok");
		if (v < 1) {
			buf_reset(&b);
			usleep(250000);
		}
	}
	if (!CHECK_MSG(v >= 1, "a retention pass counted"))
		return;
	CHECK(counter(&b, "galley_chore_passes_total",
	    "chore=retention,result=failed") == 0);
	CHECK(sample(&b, "galley_build_info", getenv("GALLEY_DB") ?
	    "engine=postgresql,version=0.1.0" : "engine=sqlite,version=0.1.0")
	    == 1);
	v = sample(&b, "process_start_time_seconds", "");
	CHECK(v >= (double)started - 1 && v <= (double)time(NULL));
	buf_reset(&b);
}

/* The metrics listener answers /metrics alone, to GET and HEAD alone. */
static void
metrics_listener(struct srv *s)
{
	struct srv	 m = *s;
	struct resp	 r;

	snprintf(m.base, sizeof(m.base), "http://127.0.0.1:%d",
	    s->metrics_port);
	CHECK(get_status(&m, "GET", "/", &r) == 404);
	resp_free(&r);
	CHECK(get_status(&m, "POST", "/metrics", &r) == 405);
	resp_free(&r);
	CHECK(get_status(&m, "HEAD", "/metrics", &r) == 200);
	resp_free(&r);
	CHECK_MSG(listening(s->pid) == 2, "the main and the metrics listener");
}

/* GET /healthz: the status, and the body in *body (heap, or NULL). */
static long
health(struct srv *s, char **body)
{
	struct resp	 r;
	long		 st = get_status(s, "GET", "/healthz", &r);
	const char	*cc = resp_header(&r, "Cache-Control");

	*body = r.body.data != NULL ? strdup(r.body.data) : NULL;
	if (st > 0 && (cc == NULL || strcmp(cc, "no-store") != 0 ||
	    resp_header(&r, "ETag") != NULL))
		st = -2;	/* never cacheable */
	resp_free(&r);
	return st;
}

/*
 * /healthz polled until its status is want and its body has needle (if
 * not NULL), at most 5 s: a probe runs each second off the request
 * path.  The status; the last body in *body (heap, or NULL).
 */
static long
health_until(struct srv *s, long want, const char *needle, char **body)
{
	long	 st = 0;
	int	 i;

	*body = NULL;
	for (i = 0; i < 50; i++) {
		free(*body);
		if ((st = health(s, body)) == want && (needle == NULL ||
		    (*body != NULL && strstr(*body, needle) != NULL)))
			break;
		usleep(100000);
	}
	return st;
}

/* The schema version made newer and older from outside: 503 and why. */
static void
health_schema(struct srv *s)
{
	const char	*pg = getenv("GALLEY_DB");
	struct resp	 r;
	char		*body;
	char		 sql[128];
	long long	 v;

	v = db_count(db, pg ? "SELECT max(version) FROM schema_version" :
	    "PRAGMA user_version");
	CHECK(health(s, &body) == 200 && body != NULL &&
	    strncmp(body, "ok", 2) == 0);
	free(body);
	CHECK(get_status(s, "POST", "/healthz", &r) == 405);
	CHECK_STR(resp_header(&r, "Allow"), "GET, HEAD");
	resp_free(&r);
#define SET_VERSION(n) (snprintf(sql, sizeof(sql), pg ? \
	"UPDATE schema_version SET version = %lld" : \
	"PRAGMA user_version = %lld", (long long)(n)), db_exec(db, sql))
	CHECK(SET_VERSION(v + 1) == 0);
	CHECK(health_until(s, 503, "newer than this galley", &body) ==
	    503 && body != NULL &&
	    strstr(body, "newer than this galley") != NULL);
	free(body);
	CHECK(SET_VERSION(v - 1) == 0);
	CHECK(health_until(s, 503, "migrations pending", &body) == 503 &&
	    body != NULL && strstr(body, "migrations pending") != NULL);
	free(body);
	CHECK(SET_VERSION(v) == 0);
	CHECK(health_until(s, 200, NULL, &body) == 200);
	free(body);
#undef SET_VERSION
}

/*
 * PostgreSQL stopped under the server: 503 naming the database within a
 * few seconds, each answer quick; 200 again once it is back.
 */
static void
health_pg_down(struct srv *s)
{
	double	 t0, slowest = 0, t;
	char	*body = NULL;
	long	 st = 0;
	int	 i;

	if (!CHECK(pg_ctl("stop") == 0))
		return;
	t0 = clock_now();
	for (i = 0; i < 50 && st != 503; i++) {
		free(body);
		t = clock_now();
		st = health(s, &body);
		if (clock_now() - t > slowest)
			slowest = clock_now() - t;
		if (st != 503)
			usleep(100000);
	}
	CHECK_MSG(st == 503 && body != NULL &&
	    strstr(body, "database unreachable") != NULL,
	    "503 and why once PostgreSQL is down");
	CHECK_MSG(clock_now() - t0 < 5, "within a few seconds");
	CHECK_MSG(slowest < 2, "each answer quick");
	free(body);
	body = NULL;
	CHECK(pg_ctl("resume") == 0);
	for (i = 0, st = 0; i < 100 && st != 200; i++) {
		free(body);
		body = NULL;
		if ((st = health(s, &body)) != 200)
			usleep(100000);
	}
	CHECK_MSG(st == 200, "200 again once PostgreSQL is back");
	free(body);
}

/* Idle connections the server holds: more descriptors than select() takes. */
#define MANY_CONNS	1100

/*
 * A scrape while the process holds descriptors past FD_SETSIZE (idle
 * connections on the main listener, which takes up to 65,536): the
 * metrics listener must still answer, as under load, when it matters.
 */
static void
metrics_many_fds(const char *site)
{
	const char		*extra[] = { "--metrics-listen", "127.0.0.1:0",
	    NULL };
	static int		 fds[MANY_CONNS];
	struct sockaddr_in	 sa;
	struct rlimit		 rl;
	struct srv		 s;
	struct buf		 b;
	char			 path[600], err[300];
	int			 i, n = 0;

	snprintf(path, sizeof(path), "%s/galley.conf", site);
	if (!CHECK(conf_set(path, "max_connections_per_ip", "2000", err,
	    sizeof(err)) == 0))
		return;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
	}
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < MANY_CONNS +
	    100) {
		printf("metrics_many_fds: skipped, descriptor limit %lu\n",
		    (unsigned long)rl.rlim_cur);
		return;
	}
	if (!CHECK(srv_start_args(&s, site, extra) == 0))
		return;
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((unsigned short)s.port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	for (i = 0; i < MANY_CONNS; i++) {
		if ((fds[i] = socket(AF_INET, SOCK_STREAM, 0)) == -1)
			break;
		n++;
		if (connect(fds[i], (struct sockaddr *)&sa, sizeof(sa)) == -1)
			break;
	}
	CHECK_MSG(n == MANY_CONNS, "the idle connections opened");
	usleep(300000);		/* accepted: the server holds them */
	CHECK_MSG(scrape(&s, &b) == 0, "a scrape past FD_SETSIZE answered");
	buf_reset(&b);
	for (i = 0; i < n; i++)
		close(fds[i]);
	CHECK(srv_stop(&s) == 0);
	CHECK(conf_set(path, "max_connections_per_ip", "64", err,
	    sizeof(err)) == 0);
}

int
main(void)
{
	const char	*extra[] = { "--metrics-listen", "127.0.0.1:0", NULL };
	char		*site = tmp_path("metrics"), cmd[1024];
	struct srv	 s;
	time_t		 started;

	CHECK(site_demo(site) == 0);
	db = site_db(site);
	metrics_off(site);
	started = time(NULL);
	if (CHECK(srv_start_args(&s, site, extra) == 0)) {
		CHECK(s.metrics_port > 0);
		requests_move(&s);
		comments_and_outbox(&s);
		chores_and_process(&s, started);
		metrics_listener(&s);
		metrics_refused(site, s.port);
		health_schema(&s);
		if (getenv("GALLEY_PG") != NULL)
			health_pg_down(&s);
		CHECK(srv_stop(&s) == 0);
	}
	pool_size(site);
	metrics_many_fds(site);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", site);
	(void)system(cmd);
	free(site);
	return check_done();
}
