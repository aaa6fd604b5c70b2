/*
 * test_durable: an acknowledged comment is never lost.  Eight clients
 * post comments as fast as the server takes them (so that they commit
 * in shared transactions); the server is killed with SIGKILL in the
 * middle, and after a restart every comment that was answered 303 is in
 * the database, each once.  On SQLite and (tests/run.sh's second pass)
 * PostgreSQL.
 */
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "check.h"
#include "http.h"

#define CLIENTS	8
#define MOST	4000		/* comments a client may post */

static const char	*site;
static struct srv	 s;
static atomic_int	 stop;
static atomic_int	 acks;		/* 303s so far, all clients */

struct client {
	int	 id;
	int	 acked[MOST];		/* the numbers answered 303 */
	int	 nacked, sent, other;
};

static void *
client(void *arg)
{
	struct client	*c = arg;
	struct resp	 r;
	char		 author[32], email[64], text[96];
	const char	*f[] = { "post", "1", "parent", "0", "author", author,
	    "email", email, "comment", text, NULL };
	int		 i;

	snprintf(author, sizeof(author), "Durable %d", c->id);
	snprintf(email, sizeof(email), "durable%d@example.net", c->id);
	for (i = 0; i < MOST && !atomic_load(&stop); i++) {
		snprintf(text, sizeof(text), "Kept %d-%d.", c->id, i);
		c->sent++;
		if (http_post(&s, "/comments", f, 0, NULL, NULL, &r) != 0) {
			resp_free(&r);
			break;			/* the server is gone */
		}
		if (r.status == 303) {
			c->acked[c->nacked++] = i;
			atomic_fetch_add(&acks, 1);
		} else
			c->other++;
		resp_free(&r);
	}
	return NULL;
}

static int
galley(const char *const *args)
{
	return run_galley(args, NULL);
}

int
main(void)
{
	char		*dir = tmp_path("durable"), cmd[600], sql[300];
	const char	*db = getenv("GALLEY_DB");
	static struct client c[CLIENTS];
	pthread_t	 th[CLIENTS];
	int		 i, j, acked = 0, missing = 0, twice = 0, st;
	long long	 n;

	site = dir;
	if (db != NULL)
		CHECK(galley((const char *[]){ "init", dir, "--demo", "--db", db,
		    NULL }) == 0);
	else
		CHECK(galley((const char *[]){ "init", dir, "--demo", NULL }) ==
		    0);
	CHECK(galley((const char *[]){ "config", dir, "set",
	    "comment_flood_seconds", "0", NULL }) == 0);
	CHECK(galley((const char *[]){ "config", dir, "set",
	    "comment_min_seconds", "0", NULL }) == 0);
	if (!CHECK(srv_start(&s, dir) == 0))
		return check_done();
	for (i = 0; i < CLIENTS; i++) {
		c[i].id = i;
		pthread_create(&th[i], NULL, client, &c[i]);
	}
	/*
	 * Mid-load: the clients at full speed for 2 s, and at least 50
	 * comments acknowledged, however slow the machine (up to 60 s).
	 */
	for (i = 0; i < 3000 && (i < 100 || atomic_load(&acks) < 50); i++)
		usleep(20000);
	CHECK(kill(s.pid, SIGKILL) == 0);
	st = srv_stop(&s);
	CHECK(st == -1);			/* died by the signal */
	atomic_store(&stop, 1);
	for (i = 0; i < CLIENTS; i++)
		pthread_join(th[i], NULL);

	/* A restart recovers the database (SQLite's WAL) and serves. */
	if (!CHECK(srv_start(&s, dir) == 0))
		return check_done();
	for (i = 0; i < CLIENTS; i++) {
		acked += c[i].nacked;
		for (j = 0; j < c[i].nacked; j++) {
			snprintf(sql, sizeof(sql), "SELECT count(*) FROM"
			    " comments WHERE content = 'Kept %d-%d.'", i,
			    c[i].acked[j]);
			n = db_count(site_db(site), sql);
			missing += n == 0;
			twice += n > 1;
		}
	}
	fprintf(stderr, "%d comments acknowledged before the kill\n", acked);
	CHECK(acked >= 50);		/* the kill came mid-load */
	CHECK(missing == 0);
	CHECK(twice == 0);
	/* What was not acknowledged is there at most once, or not at all. */
	n = db_count(site_db(site), "SELECT count(*) FROM comments WHERE"
	    " content LIKE 'Kept %'");
	CHECK(n >= acked && n <= acked + CLIENTS);
	CHECK_MSG(srv_stop(&s) == 0, "clean stop after the restart");
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	CHECK(system(cmd) == 0);
	free(dir);
	return check_done();
}
