/*
 * test_hostile: a running Galley against the hostile clients of issue 13,
 * each break a check, each bounded in time, over loopback: an attacker on
 * 127.0.0.1 (or on 127.0.0.3 and up, when it is many), and an innocent
 * reader on 127.0.0.2 whose comment must be accepted and whose page must
 * be read in time.  Runs on SQLite and again on PostgreSQL.
 *
 *   slow bodies     16 POSTs sending a byte a second
 *   held conns      1,100 connections that send nothing
 *   trickled head   a head sent a byte a second: dropped within 15 s
 *   lock wait       the database locked for 8 s: cached pages stay fast
 *   image bomb      16 uploads of decompression bombs: pages stay fast,
 *                   memory stays bounded
 *   framing         each ambiguous head refused with its status
 *
 * Cross-site votes are in test_votes, the login lockout in test_admin,
 * a full disk in test_comments.
 */
#include <sys/resource.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <turbojpeg.h>

#include "check.h"
#include "http.h"

#define ARTICLE "/2015/10/russian-isis-strikes-hit-us-backed-anti-isis-groups-instead/"

static struct srv	 srv;
static const char	*site;
static char		 dbpath[512];	/* SQLite file or PostgreSQL URI */

static int64_t
ms_now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A TCP connection to the server from loopback address src, or -1. */
static int
dial(const char *src)
{
	struct sockaddr_in	 a = { .sin_family = AF_INET }, b = a;
	int			 fd;

	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		return -1;
	inet_pton(AF_INET, src, &b.sin_addr);
	a.sin_port = htons((uint16_t)srv.port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&b, sizeof(b)) == -1 ||
	    connect(fd, (struct sockaddr *)&a, sizeof(a)) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

static int
send_all(int fd, const char *s, size_t n)
{
	ssize_t	 w;

	while (n > 0) {
		if ((w = send(fd, s, n, MSG_NOSIGNAL)) <= 0)
			return -1;
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

/*
 * Reads what fd gives until the server closes it or wait_ms pass; out
 * holds it, NUL-terminated.  Returns 1 if the server closed the
 * connection (end of stream or reset), 0 on time-out.
 */
static int
drain(int fd, char *out, size_t len, int wait_ms)
{
	struct pollfd	 p = { .fd = fd, .events = POLLIN };
	int64_t		 until = ms_now() + wait_ms;
	size_t		 got = 0;
	ssize_t		 n;
	char		 sink[4096];

	for (;;) {
		if (poll(&p, 1, (int)(until - ms_now() > 0 ? until - ms_now() :
		    0)) <= 0)
			break;
		if (got + 1 < len)
			n = recv(fd, out + got, len - 1 - got, 0);
		else
			n = recv(fd, sink, sizeof(sink), 0);
		if (n <= 0) {
			out[got] = '\0';
			return n == 0 || errno == ECONNRESET;
		}
		if (got + 1 < len)
			got += (size_t)n;
	}
	out[got] = '\0';
	return 0;
}

/* 1 if the server has closed fd by now (within wait_ms). */
static int
closed(int fd, int wait_ms)
{
	char	 buf[8192];

	return drain(fd, buf, sizeof(buf), wait_ms);
}

/*
 * The innocent reader, from 127.0.0.2: a comment accepted (303) and the
 * article read (200), each within limit_ms.
 */
static void
innocent(const char *what, int limit_ms)
{
	static int	 seq;
	struct resp	 r;
	char		 text[128], msg[256];
	int64_t		 t0, post_ms, get_ms;
	long		 post_status, get_status;

	snprintf(text, sizeof(text), "An innocent reader's words, number %d,"
	    " while %s.", ++seq, what);
	http_from("127.0.0.2");
	t0 = ms_now();
	post_status = http_post(&srv, "/comments", (const char *[]){ "post",
	    "1", "author", "Innocent", "email", "innocent@example.org",
	    "comment", text, NULL }, 0, NULL, NULL, &r) == 0 ? r.status : -1;
	post_ms = ms_now() - t0;
	resp_free(&r);
	t0 = ms_now();
	get_status = http_get(&srv, ARTICLE, &r) == 0 ? r.status : -1;
	get_ms = ms_now() - t0;
	resp_free(&r);
	http_from(NULL);
	printf("%s: innocent comment %ld in %lld ms, page %ld in %lld ms\n",
	    what, post_status, (long long)post_ms, get_status,
	    (long long)get_ms);
	snprintf(msg, sizeof(msg), "%s: the innocent comment accepted within"
	    " %d ms", what, limit_ms);
	CHECK_MSG(post_status == 303 && post_ms < limit_ms, msg);
	snprintf(msg, sizeof(msg), "%s: the innocent page read within %d ms",
	    what, limit_ms);
	CHECK_MSG(get_status == 200 && get_ms < limit_ms, msg);
}

/*
 * Sixteen POSTs whose bodies come a byte a second: an address gets four
 * body places (the rest 429 with Retry-After), the four are dropped once
 * their grace is over, and the innocent reader is never kept waiting.
 */
static void
slow_bodies(void)
{
	static const char head[] = "POST /comments HTTP/1.1\r\nHost: a\r\n"
	    "Content-Type: application/x-www-form-urlencoded\r\n"
	    "Content-Length: 100000\r\n\r\npost=1&comment=";
	int		 fd[16], i, held = 0, refused = 0, dropped = 0, s;
	int64_t		 t0 = ms_now();
	char		 buf[4096];

	for (i = 0; i < 16; i++)
		if ((fd[i] = dial("127.0.0.1")) == -1 ||
		    send_all(fd[i], head, sizeof(head) - 1) == -1)
			fd[i] = -1;
	usleep(300000);
	for (i = 0; i < 16; i++) {
		if (fd[i] == -1)
			continue;
		if (drain(fd[i], buf, sizeof(buf), 50) ||
		    strncmp(buf, "HTTP/1.1 ", 9) == 0) {
			if (strstr(buf, " 429 ") != NULL &&
			    strstr(buf, "Retry-After:") != NULL)
				refused++;
			close(fd[i]);
			fd[i] = -1;
		} else
			held++;
	}
	printf("slow bodies: %d held a place, %d refused with 429\n", held,
	    refused);
	CHECK_MSG(held == 4 && refused == 12, "one address holds 4 body"
	    " places; its other 12 slow bodies are refused with 429");
	innocent("16 slow bodies", 1000);
	/* A byte a second, until the server gives up on them. */
	while (ms_now() - t0 < 12000 && dropped < held) {
		for (i = 0; i < 16; i++) {
			if (fd[i] == -1)
				continue;
			s = send(fd[i], "x", 1, MSG_NOSIGNAL) != 1 ||
			    closed(fd[i], 0);
			if (s) {
				dropped++;
				close(fd[i]);
				fd[i] = -1;
			}
		}
		usleep(1000000);
	}
	printf("slow bodies: %d of %d dropped after %lld ms\n", dropped,
	    held, (long long)(ms_now() - t0));
	CHECK_MSG(dropped == held && ms_now() - t0 < 10000,
	    "slow bodies dropped once their grace is over");
	for (i = 0; i < 16; i++)
		if (fd[i] != -1)
			close(fd[i]);
}

/*
 * Slow uploads from eight addresses take every place big bodies have;
 * votes and text comments, small bodies, have places of their own.
 */
static void
many_uploaders(void)
{
	static const char head[] = "POST /comments HTTP/1.1\r\nHost: a\r\n"
	    "Content-Type: multipart/form-data; boundary=x\r\n"
	    "Content-Length: 10000000\r\n\r\n--x\r\n";
	int		 fd[32], i, held = 0;
	char		 from[24], buf[4096];
	struct resp	 r;

	for (i = 0; i < 32; i++) {
		snprintf(from, sizeof(from), "127.0.0.%d", 30 + i / 4);
		if ((fd[i] = dial(from)) != -1 &&
		    send_all(fd[i], head, sizeof(head) - 1) == -1) {
			close(fd[i]);
			fd[i] = -1;
		}
	}
	usleep(300000);
	for (i = 0; i < 32; i++)
		if (fd[i] != -1 && !drain(fd[i], buf, sizeof(buf), 20) &&
		    *buf == '\0')
			held++;
	printf("many uploaders: %d of 32 slow uploads hold a place\n", held);
	CHECK_MSG(held == 16, "big bodies have 16 places in all");
	innocent("every upload place taken", 1000);
	http_from("127.0.0.2");
	CHECK_MSG(http_post(&srv, "/votes", (const char *[]){ "type", "post",
	    "id", "1", "value", "7", NULL }, 0, NULL, NULL, &r) == 0 &&
	    r.status == 303, "a vote is counted while every upload place is"
	    " taken");
	resp_free(&r);
	http_from(NULL);
	for (i = 0; i < 32; i++)
		if (fd[i] != -1)
			close(fd[i]);
}

/*
 * 1,100 connections that send nothing: one address keeps at most its
 * bound (64), the rest are closed at once, and the innocent reader is
 * served as if nothing happened.
 */
static void
held_connections(void)
{
	enum { N = 1100 };
	static int	 fd[N];
	int		 i, opened = 0, shut = 0;
	char		 buf[64];

	for (i = 0; i < N; i++)
		if ((fd[i] = dial("127.0.0.1")) != -1)
			opened++;
	usleep(500000);
	innocent("1,100 held connections", 1000);
	for (i = 0; i < N; i++)
		if (fd[i] != -1 && drain(fd[i], buf, sizeof(buf), 0))
			shut++;
	printf("held connections: %d opened, %d closed by the server\n",
	    opened, shut);
	CHECK_MSG(opened == N && shut >= N - 64, "an address holds at most 64"
	    " connections");
	for (i = 0; i < N; i++)
		if (fd[i] != -1)
			close(fd[i]);
}

/* A head that arrives a byte a second; returns ms until dropped. */
static void *
trickle(void *arg)
{
	int64_t	*took = arg, t0 = ms_now();
	int	 fd = dial("127.0.0.1");

	*took = -1;
	if (fd == -1 || send_all(fd, "GET / HTTP/1.1\r\nHost: a\r\nX-Slow: ",
	    33) == -1)
		return NULL;
	while (ms_now() - t0 < 20000) {
		if (send(fd, "x", 1, MSG_NOSIGNAL) != 1 || closed(fd, 1000)) {
			*took = ms_now() - t0;
			break;
		}
	}
	close(fd);
	return NULL;
}

struct poster {
	const char	*from;
	long		 status;
	char		 retry[16];
};

static void *
post_one(void *arg)
{
	struct poster	*p = arg;
	struct resp	 r;
	const char	*ra;

	http_from(p->from);
	p->status = http_post(&srv, "/comments", (const char *[]){ "post", "1",
	    "author", "Waiting", "email", "waiting@example.org", "comment",
	    p->from, NULL }, 0, NULL, NULL, &r) == 0 ? r.status : -1;
	if ((ra = resp_header(&r, "Retry-After")) != NULL)
		snprintf(p->retry, sizeof(p->retry), "%s", ra);
	resp_free(&r);
	return NULL;
}

static int
by_value(const void *a, const void *b)
{
	int64_t	 x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * Someone else holds the database's write lock for 8 s (a backup, a CLI
 * command, a long write) while comments wait on it: cached pages stay
 * under 100 ms, since no HTTP thread waits on the lock.  A head trickled
 * a byte a second is dropped meanwhile, within 15 s.
 */
static void
lock_wait(void)
{
	struct poster	 p[4] = { { "127.0.0.3", 0, "" },
	    { "127.0.0.4", 0, "" }, { "127.0.0.5", 0, "" },
	    { "127.0.0.6", 0, "" } };
	pthread_t	 t[4], tt;
	struct db_hold	*h;
	struct resp	 r;
	int64_t		 lat[400], t0, took = -1;
	int		 i, n = 0, slow = 0, ok;

	pthread_create(&tt, NULL, trickle, &took);
	CHECK(http_get(&srv, "/", &r) == 0 && r.status == 200);	/* cached */
	resp_free(&r);
	CHECK(http_get(&srv, ARTICLE, &r) == 0 && r.status == 200);
	resp_free(&r);
	h = db_hold(dbpath, strncmp(dbpath, "postgresql:", 11) == 0 ?
	    "BEGIN; LOCK TABLE comments IN EXCLUSIVE MODE" :
	    "BEGIN IMMEDIATE");
	if (!CHECK_MSG(h != NULL, "the database locked from outside"))
		return;
	for (i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, post_one, &p[i]);
	usleep(200000);
	http_from("127.0.0.2");
	for (t0 = ms_now(); ms_now() - t0 < 8000 && n < 400; n++) {
		int64_t	 s = ms_now();

		ok = http_get(&srv, n % 2 ? ARTICLE : "/", &r) == 0 &&
		    r.status == 200;
		lat[n] = ok ? ms_now() - s : 99999;
		slow += lat[n] >= 100;
		resp_free(&r);
		usleep(20000);
	}
	http_from(NULL);
	db_let_go(h);
	for (i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	qsort(lat, (size_t)n, sizeof(lat[0]), by_value);
	printf("lock wait: %d cached reads, p50 %lld ms, max %lld ms; waiting"
	    " comments got %ld %ld %ld %ld\n", n, (long long)lat[n / 2],
	    (long long)lat[n - 1], p[0].status, p[1].status, p[2].status,
	    p[3].status);
	CHECK_MSG(n > 50 && slow == 0, "every cached read under 100 ms while"
	    " the database is locked");
	for (i = 0, ok = 1; i < 4; i++)
		ok &= p[i].status == 303 || (p[i].status == 503 &&
		    *p[i].retry != '\0');
	CHECK_MSG(ok, "comments that waited on the lock were saved, or got 503"
	    " with Retry-After");
	innocent("after the lock", 1000);
	pthread_join(tt, NULL);
	printf("trickled head: dropped after %lld ms\n", (long long)took);
	CHECK_MSG(took > 0 && took <= 15000, "a head trickled a byte a second"
	    " is dropped within 15 s");
}

/* The server's peak resident memory, in KiB (VmHWM), or -1. */
static long
peak_rss(void)
{
	char	 path[64], line[256];
	long	 kb = -1;
	FILE	*f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)srv.pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, "VmHWM:", 6) == 0)
			kb = atol(line + 6);
	fclose(f);
	return kb;
}

/*
 * Writes a 10000x4000 grey progressive JPEG to path: as TurboJPEG's own
 * progression (6 scans) when scans is 0, else rewritten by jpegtran into
 * that many scans (a DC pass and its refinement, one scan per AC
 * coefficient, then refinements): the tester's bomb has 100.
 */
static int
make_bomb(const char *path, int scans)
{
	tjhandle	 tj = tjInitCompress();
	unsigned char	*px, *jpg = NULL;
	unsigned long	 len = 0;
	char		 tmp[600], script[600], cmd[2000];
	FILE		*f;
	int		 x, y, k, rc = -1;

	px = malloc((size_t)10000 * 4000);
	for (y = 0; y < 4000; y++)	/* detail in every block: 1.2 MB */
		for (x = 0; x < 10000; x++)
			px[(size_t)y * 10000 + x] = (unsigned char)(((x / 8 +
			    y / 8) & 1) * 200 + (x % 8) * 3);
	if (tj == NULL || tjCompress2(tj, px, 10000, 0, 4000, TJPF_GRAY, &jpg,
	    &len, TJSAMP_GRAY, 60, TJFLAG_PROGRESSIVE) != 0)
		goto out;
	snprintf(tmp, sizeof(tmp), "%s.src", path);
	if ((f = fopen(scans ? tmp : path, "wb")) == NULL)
		goto out;
	fwrite(jpg, 1, len, f);
	fclose(f);
	if (scans == 0) {
		rc = 0;
		goto out;
	}
	snprintf(script, sizeof(script), "%s.scans", path);
	f = fopen(script, "w");
	fprintf(f, "0: 0 0 0 1;\n0: 0 0 1 0;\n");
	for (k = 1; k <= 63; k++)
		fprintf(f, "0: %d %d 0 1;\n", k, k);
	for (k = 1; k <= scans - 65; k++)
		fprintf(f, "0: %d %d 1 0;\n", k, k);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "jpegtran -scans %s -outfile %s %s",
	    script, path, tmp);
	rc = system(cmd) == 0 ? 0 : -1;
	unlink(tmp);
	unlink(script);
out:
	free(px);
	tjFree(jpg);
	if (tj != NULL)
		tjDestroy(tj);
	return rc;
}

struct uploader {
	char		 from[24];
	const char	*file;
	long		 status;
	int64_t		 ms;
};

static void *
upload(void *arg)
{
	struct uploader	*u = arg;
	struct resp	 r;
	int64_t		 t0 = ms_now();
	char		 text[800];

	http_from(u->from);
	snprintf(text, sizeof(text), "A picture from %s, %s.", u->from,
	    u->file);
	u->status = http_post(&srv, "/comments", (const char *[]){ "post", "1",
	    "author", "Bomber", "email", "bomber@example.org", "comment",
	    text, NULL }, 1, u->file, NULL, &r) == 0 ? r.status : -1;
	u->ms = ms_now() - t0;
	resp_free(&r);
	return NULL;
}

static atomic_int	 uploading;

/*
 * Sixteen clients upload a bomb at once, from sixteen addresses, while
 * the innocent reader reads the front page: its median stays under
 * 200 ms and the server's memory under 256 MB.  Returns the uploads'
 * statuses counted into ok (a comment saved), refused (4xx) and busy
 * (503).
 */
static void
bombard(const char *file, const char *what, int *ok, int *refused, int *busy)
{
	struct uploader	 u[16] = { 0 };
	pthread_t	 t[16];
	struct resp	 r;
	int64_t		 lat[2000], s, slowest = 0;
	int		 i, n = 0;
	long		 rss;
	char		 msg[200];

	*ok = *refused = *busy = 0;
	atomic_store(&uploading, 16);
	for (i = 0; i < 16; i++) {
		snprintf(u[i].from, sizeof(u[i].from), "127.0.0.%d", 10 + i);
		u[i].file = file;
		pthread_create(&t[i], NULL, upload, &u[i]);
	}
	http_from("127.0.0.2");
	for (s = ms_now(); n < 2000 && ms_now() - s < 30000; n++) {
		int64_t	 t0 = ms_now();
		int	 done;

		lat[n] = http_get(&srv, "/", &r) == 0 && r.status == 200 ?
		    ms_now() - t0 : 99999;
		resp_free(&r);
		for (i = 0, done = 1; i < 16; i++)
			done &= u[i].ms > 0;
		if (done && n >= 20)
			break;
		usleep(10000);
	}
	http_from(NULL);
	for (i = 0; i < 16; i++) {
		pthread_join(t[i], NULL);
		*ok += u[i].status == 303;
		*refused += u[i].status >= 400 && u[i].status < 500;
		*busy += u[i].status == 503;
		if (u[i].ms > slowest)
			slowest = u[i].ms;
	}
	qsort(lat, (size_t)n, sizeof(lat[0]), by_value);
	rss = peak_rss();
	printf("%s: 16 uploads: %d saved, %d refused, %d busy (slowest %lld"
	    " ms); / p50 %lld ms, p90 %lld ms over %d reads; peak RSS %ld"
	    " KiB\n", what, *ok, *refused, *busy, (long long)slowest,
	    (long long)lat[n / 2], (long long)lat[n * 9 / 10], n, rss);
	snprintf(msg, sizeof(msg), "%s: the front page's median under 200 ms",
	    what);
	CHECK_MSG(n > 0 && lat[n / 2] < 200, msg);
	snprintf(msg, sizeof(msg), "%s: peak RSS under 256 MB", what);
#ifdef __SANITIZE_ADDRESS__
	/* Its quarantine and shadow memory make RSS say nothing of ours. */
	printf("%s: peak RSS not checked under AddressSanitizer\n", what);
#else
	CHECK_MSG(rss > 0 && rss < 256 * 1024, msg);
#endif
}

/*
 * The tester's bomb (10000x4000, 100 scans) is refused from its markers
 * at once; a legal one of the same size (6 scans, 80 MB of coefficients
 * to decode) goes through the decode gate.
 */
static void
image_bomb(void)
{
	char	 bomb[600], big[600];
	int	 ok, refused, busy;

	snprintf(bomb, sizeof(bomb), "%s-bomb.jpg", site);
	snprintf(big, sizeof(big), "%s-big.jpg", site);
	if (!CHECK(make_bomb(bomb, 100) == 0 && make_bomb(big, 0) == 0))
		return;
	bombard(bomb, "100-scan bomb", &ok, &refused, &busy);
	CHECK_MSG(refused == 16, "every 100-scan bomb refused");
	bombard(big, "40 MP progressive", &ok, &refused, &busy);
	CHECK_MSG(ok + busy == 16 && ok >= 1, "big pictures decoded in turn,"
	    " or 503 when no room came in time");
	innocent("after the bombs", 1000);
	unlink(bomb);
	unlink(big);
}

struct framing {
	const char	*what;
	const char	*head;
	int		 status;
};

/*
 * Heads that libmicrohttpd 0.9.75 would read one way and a front proxy
 * might read another: each refused with its status, the connection
 * closed, and nothing after it answered.
 */
static void
framing(void)
{
	static char	 inm[40000];
	const struct framing cases[] = {
		{ "Content-Length beside Transfer-Encoding",
		    "POST /votes HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n"
		    "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /smuggled/"
		    " HTTP/1.1\r\nHost: a\r\n\r\n", 400 },
		{ "two Content-Lengths", "POST /votes HTTP/1.1\r\nHost: a\r\n"
		    "Content-Length: 5\r\nContent-Length: 45\r\n\r\nabcde"
		    "GET /smuggled/ HTTP/1.1\r\nHost: a\r\n\r\n", 400 },
		{ "Transfer-Encoding: gzip", "POST /votes HTTP/1.1\r\n"
		    "Host: a\r\nTransfer-Encoding: gzip\r\n\r\nabc", 501 },
		{ "a 100 KB chunk extension", "POST /votes HTTP/1.1\r\n"
		    "Host: a\r\nTransfer-Encoding: chunked\r\n\r\n1;ext=", 411 },
		{ "HTTP/1.1 without Host", "GET / HTTP/1.1\r\n\r\n", 400 },
		{ "two Hosts", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
		    400 },
		{ "a blank before the colon", "POST /votes HTTP/1.1\r\nHost: a"
		    "\r\nContent-Length: 4\r\nTransfer-Encoding : chunked\r\n"
		    "\r\nx=1&", 400 },
		{ "a folded Content-Length", "GET / HTTP/1.1\r\nHost: a\r\n"
		    "Content-: 40\r\n Length\r\n\r\nGET /smuggled/ HTTP/1.1\r\n"
		    "Host: a\r\n\r\n", 400 },
		{ "a 32 KB If-None-Match", inm, 431 },
	};
	char		 buf[8192], want[32], msg[200];
	const char	*p;
	size_t		 i;
	int		 fd, shut, answers;
	int64_t		 t0;

	snprintf(inm, sizeof(inm), "GET / HTTP/1.1\r\nHost: a\r\n"
	    "If-None-Match: \"");
	memset(inm + strlen(inm), 'x', 32768);
	strcpy(inm + strlen(inm), "\"\r\n\r\n");
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		t0 = ms_now();
		fd = dial("127.0.0.1");
		if (fd == -1 || send_all(fd, cases[i].head,
		    strlen(cases[i].head)) == -1) {
			CHECK_MSG(0, cases[i].what);
			continue;
		}
		if (cases[i].status == 411) {	/* then the huge extension */
			memset(buf, 'x', sizeof(buf));
			(void)send_all(fd, buf, sizeof(buf));
		}
		shut = drain(fd, buf, sizeof(buf), 3000);
		close(fd);
		snprintf(want, sizeof(want), "HTTP/1.1 %d ", cases[i].status);
		for (answers = 0, p = buf; (p = strstr(p, "HTTP/1.")) != NULL;
		    p++)
			answers++;
		snprintf(msg, sizeof(msg), "%s: %d, one answer, connection"
		    " closed at once", cases[i].what, cases[i].status);
		CHECK_MSG(strncmp(buf, want, strlen(want)) == 0 && shut &&
		    answers == 1 && ms_now() - t0 < 2000, msg);
	}
	/* HTTP/1.0 needs no Host; a plain request is still fine. */
	fd = dial("127.0.0.1");
	CHECK(fd != -1 && send_all(fd, "GET / HTTP/1.0\r\n\r\n", 18) == 0 &&
	    drain(fd, buf, sizeof(buf), 3000) && strncmp(buf,
	    "HTTP/1.1 200 ", 13) == 0);
	close(fd);
	CHECK_MSG(!srv_log_has(&srv, "GET /smuggled/"), "no smuggled request"
	    " was ever answered");
}

static void
set(const char *key, const char *value)
{
	CHECK(run_galley((const char *[]){ "config", site, "set", key, value,
	    NULL }, NULL) == 0);
}

int
main(void)
{
	char		*dir = tmp_path("hostile"), cmd[600];
	const char	*db = getenv("GALLEY_DB");
	struct rlimit	 rl;

	site = dir;
	/* 1,100 connections of our own, and the server's. */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < 4096) {
		rl.rlim_cur = rl.rlim_max < 4096 ? rl.rlim_max : 4096;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	if (db != NULL) {
		CHECK(run_galley((const char *[]){ "init", dir, "--demo",
		    "--db", db, NULL }, NULL) == 0);
		snprintf(dbpath, sizeof(dbpath), "%s", db);
	} else {
		CHECK(run_galley((const char *[]){ "init", dir, "--demo", NULL },
		    NULL) == 0);
		snprintf(dbpath, sizeof(dbpath), "%s/galley.db", dir);
	}
	set("comment_flood_seconds", "0");
	set("comment_min_seconds", "0");
	if (!CHECK(srv_start(&srv, dir) == 0))
		return check_done();
	framing();
	slow_bodies();
	many_uploaders();
	held_connections();
	lock_wait();
	image_bomb();
	CHECK_MSG(srv_stop(&srv) == 0, "clean stop");
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	CHECK(system(cmd) == 0);
	free(dir);
	return check_done();
}
