/*
 * test_backup: `galley backup`, `galley restore` and `galley check`
 * against the real binary.  A backup is taken while four clients post
 * comments to the real server as fast as it takes them; restored into a
 * fresh site, it passes `galley check` and holds every comment answered
 * before the backup began.  A backup with a byte flipped in a member, or
 * a member dropped, is refused naming that member, the site unchanged;
 * a restore is refused while a server has the site's SQLite file open.
 * check finds a wrong tally, a missing picture, an orphan file and a
 * pending migration, exits 1, and --repair fixes the tally and the
 * orphan.  On SQLite and (tests/run.sh's second pass) PostgreSQL.
 */
#include <dirent.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "check.h"
#include "http.h"
#include "store.h"

#define CLIENTS	4
#define MOST	20000		/* comments a client may post */

struct site_at {
	char	*dir;
	char	 db[700];	/* its database, for db_count */
};

struct client {
	int	 id;
	int	 before[MOST];	/* answered 303 before the backup began */
	int	 nbefore, during;
};

static struct srv	 s;
static atomic_int	 started, stop, acked;

/* A fresh site: SQLite in its folder, or a new database in the cluster. */
static void
new_site(struct site_at *at, int demo)
{
	const char	*args[6];
	int		 n = 0, pg;

	at->dir = tmp_path("backup");
	if ((pg = pg_newdb("galley_backup", at->db, sizeof(at->db))) == 0)
		snprintf(at->db, sizeof(at->db), "%s/galley.db", at->dir);
	else
		CHECK(pg == 1);
	args[n++] = "init";
	args[n++] = at->dir;
	if (demo)
		args[n++] = "--demo";
	if (strncmp(at->db, "postgresql:", 11) == 0) {
		args[n++] = "--db";
		args[n++] = at->db;
	}
	args[n] = NULL;
	CHECK(run_galley(args, NULL) == 0);
}

static void *
client(void *arg)
{
	struct client	*c = arg;
	struct resp	 r;
	char		 author[32], email[64], text[96];
	const char	*f[] = { "post", "1", "parent", "0", "author", author,
	    "email", email, "comment", text, NULL };
	int		 i, before;

	snprintf(author, sizeof(author), "Loader %d", c->id);
	snprintf(email, sizeof(email), "loader%d@example.net", c->id);
	for (i = 0; i < MOST && !atomic_load(&stop); i++) {
		snprintf(text, sizeof(text), "Backed %d-%d.", c->id, i);
		before = !atomic_load(&started);
		if (http_post(&s, "/comments", f, 0, NULL, NULL, &r) != 0) {
			resp_free(&r);
			break;
		}
		if (r.status == 303)
			atomic_fetch_add(&acked, 1);
		if (r.status == 303 && before)
			c->before[c->nbefore++] = i;
		else if (r.status == 303)
			c->during++;
		resp_free(&r);
	}
	return NULL;
}

/* Runs galley with args; its exit code, its output in out (reset). */
static int
galley(struct buf *out, const char *const *args)
{
	buf_reset(out);
	return run_galley(args, out);
}

static int
has(const struct buf *b, const char *s)
{
	return b->data != NULL && strstr(b->data, s) != NULL;
}

/*
 * Rewrites the tar in into out with the first member whose name begins
 * with prefix changed: one byte flipped, or left out.
 */
static int
tamper(const char *in, const char *out, const char *how, const char *prefix)
{
	char	 cmd[2000];

	snprintf(cmd, sizeof(cmd), "/usr/bin/python3 -c '"
	    "import io, sys, tarfile\n"
	    "src = tarfile.open(sys.argv[1])\n"
	    "dst = tarfile.open(sys.argv[2], \"w\", format=tarfile.PAX_FORMAT)\n"
	    "done = False\n"
	    "for m in src.getmembers():\n"
	    "    data = src.extractfile(m).read()\n"
	    "    if not done and m.name.startswith(sys.argv[4]):\n"
	    "        done = True\n"
	    "        if sys.argv[3] == \"drop\":\n"
	    "            continue\n"
	    "        b = bytearray(data); b[len(b) // 2] ^= 1; data = bytes(b)\n"
	    "    dst.addfile(m, io.BytesIO(data))\n"
	    "dst.close()\n"
	    "sys.exit(0 if done else 1)' %s %s %s %s", in, out, how, prefix);
	return system(cmd);
}

/*
 * The count of entries in dir whose names begin with prefix (. and ..
 * left out); -1 if unreadable.
 */
static int
entries(const char *dir, const char *prefix)
{
	struct dirent	*de;
	DIR		*d;
	int		 n = 0;

	if ((d = opendir(dir)) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL)
		n += strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") !=
		    0 && strncmp(de->d_name, prefix, strlen(prefix)) == 0;
	closedir(d);
	return n;
}

/* Backs up a under load; returns the backup's path. */
static char *
backup_under_load(struct site_at *a, struct client *c)
{
	pthread_t	 th[CLIENTS];
	struct buf	 out;
	char		*file = tmp_path("backup-file");
	int		 i, rc;

	buf_init(&out);
	/* Rows past a dump's first blocks (it reads 1,000 at a time). */
	CHECK(db_exec(a->db, "WITH RECURSIVE n (i) AS (SELECT 1 UNION ALL"
	    " SELECT i + 1 FROM n WHERE i < 2500) INSERT INTO login_failures"
	    " SELECT 'k' || i, i, 0 FROM n") == 0);
	CHECK(galley(&out, (const char *[]){ "config", a->dir, "set",
	    "comment_flood_seconds", "0", NULL }) == 0);
	CHECK(galley(&out, (const char *[]){ "config", a->dir, "set",
	    "comment_min_seconds", "0", NULL }) == 0);
	if (!CHECK(srv_start(&s, a->dir) == 0))
		exit(check_done());
	for (i = 0; i < CLIENTS; i++) {
		c[i].id = i;
		pthread_create(&th[i], NULL, client, &c[i]);
	}
	/* The load under way, however slow this machine. */
	for (i = 0; i < 600 && atomic_load(&acked) < 40; i++)
		usleep(50 * 1000);
	atomic_store(&started, 1);
	rc = galley(&out, (const char *[]){ "backup", a->dir, file, NULL });
	CHECK_MSG(rc == 0, out.data ? out.data : "backup failed");
	CHECK(has(&out, "backed up"));
	usleep(200 * 1000);			/* the load goes on after it */
	atomic_store(&stop, 1);
	for (i = 0; i < CLIENTS; i++)
		pthread_join(th[i], NULL);
	CHECK_MSG(srv_stop(&s) == 0, "clean stop after the load");
	buf_reset(&out);
	return file;
}

/* b restored from file holds every comment answered before it began. */
static void
restored_whole(struct site_at *a, struct site_at *b, const char *file,
    const struct client *c)
{
	struct buf	 out;
	char		 sql[200];
	long long	 n, in_a, in_b;
	int		 i, j, before = 0, during = 0, missing = 0;

	buf_init(&out);
	CHECK_MSG(galley(&out, (const char *[]){ "restore", b->dir, file,
	    NULL }) == 0, out.data ? out.data : "restore failed");
	CHECK(has(&out, "no problems found"));
	CHECK(galley(&out, (const char *[]){ "check", b->dir, NULL }) == 0);
	CHECK(has(&out, "no problems found"));
	for (i = 0; i < CLIENTS; i++) {
		before += c[i].nbefore;
		during += c[i].during;
		for (j = 0; j < c[i].nbefore; j++) {
			snprintf(sql, sizeof(sql), "SELECT count(*) FROM"
			    " comments WHERE content = 'Backed %d-%d.'", i,
			    c[i].before[j]);
			n = db_count(b->db, sql);
			missing += n != 1;
		}
	}
	fprintf(stderr, "%d comments answered before the backup, %d after it"
	    " began\n", before, during);
	CHECK(before >= 40);
	CHECK(missing == 0);
	in_a = db_count(a->db, "SELECT count(*) FROM comments");
	in_b = db_count(b->db, "SELECT count(*) FROM comments");
	CHECK(in_b >= before && in_b <= in_a);
	CHECK(db_count(b->db, "SELECT count(*) FROM login_failures WHERE"
	    " failures > 0") == 2500);
	/* The tallies came along: the post's count is its comments'. */
	CHECK(db_count(b->db, "SELECT comment_count FROM posts WHERE id = 1")
	    == db_count(b->db, "SELECT count(*) FROM comments WHERE post_id"
	    " = 1 AND status = 'approved'"));
	/* PostgreSQL's words to search came back too (generated). */
	if (getenv("GALLEY_DB") != NULL)
		CHECK(db_count(b->db, "SELECT count(*) FROM posts WHERE"
		    " search_vec @@ to_tsquery('simple', 'isis')") > 0);
	buf_reset(&out);
}

/* A tampered backup is refused, naming the member; b is unchanged. */
static void
refused(struct site_at *b, const char *file, const char *how,
    const char *member, const char *why)
{
	struct buf	 out;
	char		*bad = tmp_path("backup-bad"), media[600], want[300];
	long long	 comments;
	int		 files;

	buf_init(&out);
	snprintf(media, sizeof(media), "%s/media", b->dir);
	comments = db_count(b->db, "SELECT count(*) FROM comments");
	files = entries(media, "");
	if (!CHECK(tamper(file, bad, how, member) == 0))
		return;
	CHECK(galley(&out, (const char *[]){ "restore", b->dir, bad,
	    NULL }) == 1);
	snprintf(want, sizeof(want), "member %s", member);
	CHECK_MSG(has(&out, want), out.data ? out.data : "no message");
	CHECK_MSG(has(&out, why), out.data ? out.data : "no message");
	CHECK(has(&out, "unchanged"));
	CHECK(db_count(b->db, "SELECT count(*) FROM settings WHERE value ="
	    " 'Before the bad backup'") == 1);
	CHECK(db_count(b->db, "SELECT count(*) FROM comments") == comments);
	CHECK(entries(media, "") == files);
	CHECK(entries(b->dir, ".restore") == 0);
	CHECK(entries(b->dir, "media.before") == 0);
	unlink(bad);
	free(bad);
	buf_reset(&out);
}

/* The picture b's demo post shows, by name, into name. */
static void
picture_of(struct site_at *b, char *name, size_t len)
{
	char	 media[600];
	struct dirent *de;
	DIR	*d;

	name[0] = '\0';
	snprintf(media, sizeof(media), "%s/media", b->dir);
	if ((d = opendir(media)) == NULL)
		return;
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.')
			snprintf(name, len, "%s", de->d_name);
	closedir(d);
}

/* check finds each kind of problem; --repair fixes tallies, orphans. */
static void
checked(struct site_at *b)
{
	struct buf	 out;
	char		 pic[300], from[900], aside[900], orphan[900], sql[64];
	const char	*pg = getenv("GALLEY_DB");
	FILE		*f;

	buf_init(&out);
	picture_of(b, pic, sizeof(pic));
	if (!CHECK(pic[0] != '\0'))
		return;
	CHECK(db_exec(b->db, "UPDATE posts SET comment_count = comment_count"
	    " + 5 WHERE id = 1") == 0);
	snprintf(from, sizeof(from), "%s/media/%s", b->dir, pic);
	snprintf(aside, sizeof(aside), "%s/%s", b->dir, pic);
	CHECK(rename(from, aside) == 0);
	snprintf(orphan, sizeof(orphan), "%s/media/orphan.png", b->dir);
	if (CHECK((f = fopen(orphan, "w")) != NULL))
		fclose(f);
	CHECK(galley(&out, (const char *[]){ "check", b->dir, NULL }) == 1);
	CHECK_MSG(has(&out, "tally: post comments 1"), out.data);
	CHECK_MSG(has(&out, "named by a row but missing"), out.data);
	CHECK_MSG(has(&out, "orphan.png is named by no row"), out.data);
	CHECK(has(&out, "3 problems"));
	/* Nothing fixed without --repair. */
	CHECK(access(orphan, F_OK) == 0);
	CHECK(galley(&out, (const char *[]){ "check", b->dir, "--repair",
	    NULL }) == 1);			/* the picture is still gone */
	CHECK_MSG(has(&out, "(corrected)"), out.data);
	CHECK_MSG(has(&out, "moved to"), out.data);
	CHECK(has(&out, "2 problems repaired"));
	CHECK(access(orphan, F_OK) == -1);
	snprintf(orphan, sizeof(orphan), "%s/media-orphans/orphan.png",
	    b->dir);
	CHECK(access(orphan, F_OK) == 0);
	CHECK(rename(aside, from) == 0);
	CHECK(galley(&out, (const char *[]){ "check", b->dir, NULL }) == 0);
	CHECK_MSG(has(&out, "no problems found"), out.data);

	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d",
	    store_schema_latest() - 1);
	CHECK(db_exec(b->db, pg ? "UPDATE schema_version SET version ="
	    " version - 1" : sql) == 0);
	CHECK(galley(&out, (const char *[]){ "check", b->dir, NULL }) == 1);
	CHECK_MSG(has(&out, "migrations: 1 pending"), out.data);
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d",
	    store_schema_latest());
	CHECK(db_exec(b->db, pg ? "UPDATE schema_version SET version ="
	    " version + 1" : sql) == 0);
	CHECK(galley(&out, (const char *[]){ "check", b->dir, NULL }) == 0);
	buf_reset(&out);
}

int
main(void)
{
	static struct client	 c[CLIENTS];
	struct site_at		 a, b;
	struct buf		 out;
	char			*file, cmd[1200];

	buf_init(&out);
	new_site(&a, 1);
	file = backup_under_load(&a, c);
	new_site(&b, 0);
	restored_whole(&a, &b, file, c);

	CHECK(galley(&out, (const char *[]){ "config", b.dir, "set",
	    "site_tagline", "Before the bad backup", NULL }) == 0);
	refused(&b, file, "flip", "media/", "does not match");
	refused(&b, file, "flip", getenv("GALLEY_DB") ? "db/comments" :
	    "galley.db", "does not match");
	refused(&b, file, "drop", getenv("GALLEY_DB") ? "db/posts" :
	    "galley.db", "missing");

	/* A server using the site's database: refused. */
	if (CHECK(srv_start(&s, b.dir) == 0)) {
		CHECK(galley(&out, (const char *[]){ "restore", b.dir, file,
		    NULL }) == 1);
		CHECK_MSG(has(&out, "stop galley serve"), out.data);
		CHECK(srv_stop(&s) == 0);
	}
	CHECK(db_count(b.db, "SELECT count(*) FROM settings WHERE value ="
	    " 'Before the bad backup'") == 1);
	checked(&b);

	snprintf(cmd, sizeof(cmd), "rm -rf %s %s %s", a.dir, b.dir, file);
	CHECK(system(cmd) == 0);
	free(a.dir);
	free(b.dir);
	free(file);
	buf_reset(&out);
	return check_done();
}
