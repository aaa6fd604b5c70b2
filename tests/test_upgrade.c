/*
 * test_upgrade: a site made by the previous release (commit c43aa5a,
 * schema 21: `galley init --demo`, a WordPress import, an editor and a
 * changed setting; tests/fixtures/upgrade/README) served by this binary.
 * On SQLite its database file, on PostgreSQL its pg_dump restored with
 * psql into the test's database.  Serving migrates it to this binary's
 * schema; its posts, comments, pictures, setting and account come
 * through, to readers, to the CLI and to a login.  Then the other way:
 * a database whose schema is newer than the binary is refused by serve
 * and the CLI with one clear sentence, and left as it was; a step that
 * fails leaves the version before it, and nothing of the step.
 */
#include <sys/stat.h>
#include <sys/wait.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "check.h"
#include "http.h"
#include "store.h"

#define FIXTURE	"tests/fixtures/upgrade"
#define ARTICLE	"/2015/10/russian-isis-strikes-hit-us-backed-anti-isis-" \
		"groups-instead/"
#define PICTURE	"3907c0461d0962777278e3d892506802766c475e646c5ef2439b48d" \
		"325ee796d.jpg"

static const char	*top;

/* Runs a shell command line; returns 1 if it exited 0. */
static int
sh(const char *cmd)
{
	int	 st = system(cmd);

	return st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

/*
 * The old site in dir: its galley.conf and media, and its database: the
 * SQLite file, or (db set) the dump restored into db, which the conf
 * then names.  Returns 1 when it is all in place.
 */
static int
old_site(const char *dir, const char *db)
{
	char	 cmd[4096];

	snprintf(cmd, sizeof(cmd), "mkdir -p '%s' && cp -R '%s/" FIXTURE
	    "/media' '%s/" FIXTURE "/galley.conf' '%s/'", dir, top, top, dir);
	if (!sh(cmd))
		return 0;
	if (db == NULL) {
		snprintf(cmd, sizeof(cmd), "cp '%s/" FIXTURE "/galley.db'"
		    " '%s/'", top, dir);
		return sh(cmd);
	}
	snprintf(cmd, sizeof(cmd), "psql -q -X -v ON_ERROR_STOP=1 -d '%s'"
	    " -f '%s/" FIXTURE "/pg.sql' >/dev/null && sed -i"
	    " 's|^db = .*|db = %s|' '%s/galley.conf'", db, top, db, dir);
	return sh(cmd);
}

/* The schema version recorded in the site's database, or -1. */
static long long
schema_of(const char *dir)
{
	const char	*db = site_db(dir);

	return db_count(db, getenv("GALLEY_DB") != NULL ?
	    "SELECT max(version) FROM schema_version" :
	    "PRAGMA user_version");
}

/* GET path: 1 if it answers 200 with every needle (NULL-ended). */
static int
page_has(struct srv *s, const char *path, const char *const *needles)
{
	struct resp	 r;
	int		 ok, i;

	if (http_get(s, path, &r) != 0)
		return 0;
	ok = r.status == 200 && r.body.data != NULL;
	for (i = 0; ok && needles[i] != NULL; i++)
		if (strstr(r.body.data, needles[i]) == NULL) {
			fprintf(stderr, "%s lacks %s\n", path, needles[i]);
			ok = 0;
		}
	resp_free(&r);
	return ok;
}

/* Runs galley with args; 1 if it exits with rc and its output has s. */
static int
cli(const char *const *args, int rc, const char *s)
{
	struct buf	 out;
	int		 ok;

	buf_init(&out);
	ok = run_galley(args, &out) == rc;
	buf_putc(&out, '\0');
	if (ok && s != NULL && strstr(out.data, s) == NULL) {
		fprintf(stderr, "output lacks %s:\n%s\n", s, out.data);
		ok = 0;
	}
	buf_reset(&out);
	return ok;
}

/* The old site served, migrated, and all of it still there. */
static void
forward(const char *dir)
{
	struct srv	 s;
	struct resp	 r;
	char		*cookie;
	long		 st = 0;

	CHECK(schema_of(dir) == 21);
	if (!CHECK(srv_start(&s, dir) == 0))
		return;
	CHECK(schema_of(dir) == store_schema_latest());
	CHECK(page_has(&s, "/", (const char *[]){ "Upgraded from 0.1.0",
	    "Russian", NULL }));
	CHECK(page_has(&s, ARTICLE, (const char *[]){ "Oleg", "Brian",
	    "You swallowed the anti-Russian propaganda bait", NULL }));
	CHECK(page_has(&s, "/2015/10/russian-isis-strikes/",
	    (const char *[]){ "Third Level", "A reply to a reply", NULL }));
	/* Still held for moderation. */
	CHECK(http_get(&s, "/2015/10/russian-isis-strikes/", &r) == 0 &&
	    r.body.data != NULL && !strstr(r.body.data, "Pending Person"));
	resp_free(&r);
	CHECK(page_has(&s, "/privacy/", (const char *[]){ "Privacy", NULL }));
	CHECK(page_has(&s, "/media/" PICTURE, (const char *[]){ NULL }));
	CHECK(page_has(&s, "/feed/", (const char *[]){ "<rss", NULL }));
	/* The editor's password hash and role came through. */
	cookie = admin_login(&s, "editor@example.org",
	    "correct horse battery staple", &st);
	CHECK(cookie != NULL && st == 303);
	free(cookie);
	CHECK(srv_stop(&s) == 0);
	CHECK(cli((const char *[]){ "comments", dir, "list", NULL }, 0,
	    "Pending Person <pending@example.org>"));
	CHECK(cli((const char *[]){ "user", dir, "list", NULL }, 0,
	    "editor@example.org"));
	CHECK(cli((const char *[]){ "config", dir, "get", "site_title",
	    NULL }, 0, "Upgraded from 0.1.0"));
}

/* A database from a newer Galley: refused, and left as it is. */
static void
downgrade(const char *dir)
{
	const char	*db = site_db(dir);
	int		 know = store_schema_latest();
	char		 sql[128], said[160], *fresh;
	struct srv	 s;

	snprintf(sql, sizeof(sql), getenv("GALLEY_DB") != NULL ?
	    "UPDATE schema_version SET version = %d" :
	    "PRAGMA user_version = %d", know + 1);
	CHECK(db_exec(db, sql) == 0);
	snprintf(said, sizeof(said), "was made by a newer Galley (schema %d,"
	    " this binary knows up to %d)", know + 1, know);
	CHECK(cli((const char *[]){ "serve", dir, "--listen", "127.0.0.1:0",
	    NULL }, 1, said));
	CHECK(cli((const char *[]){ "config", dir, "list", NULL }, 1, said));
	/* A new site on a PostgreSQL database a newer Galley has used. */
	if (getenv("GALLEY_DB") != NULL) {
		fresh = tmp_path("upgrade-init");
		CHECK(cli((const char *[]){ "init", fresh, "--db", db, NULL },
		    1, said));
		free(fresh);
	}
	CHECK(schema_of(dir) == know + 1);
	CHECK(db_count(db, "SELECT count(*) FROM comments") == 6);
	/* Back to its own version, it serves again: nothing was lost. */
	snprintf(sql, sizeof(sql), getenv("GALLEY_DB") != NULL ?
	    "UPDATE schema_version SET version = %d" :
	    "PRAGMA user_version = %d", know);
	CHECK(db_exec(db, sql) == 0);
	if (CHECK(srv_start(&s, dir) == 0)) {
		CHECK(page_has(&s, "/", (const char *[]){
		    "Upgraded from 0.1.0", NULL }));
		CHECK(srv_stop(&s) == 0);
	}
}

/*
 * A step that fails part way is undone whole: the database is set back
 * to before migration 21 with its first table gone, so the step makes
 * that table again and then fails on its second, which is still there.
 */
static void
failed_step(const char *dir)
{
	const char	*db = site_db(dir);
	int		 pg = getenv("GALLEY_DB") != NULL;
	const char	*gone = pg ? "SELECT count(*) FROM pg_tables WHERE"
	    " tablename = 'menu_items'" : "SELECT count(*) FROM sqlite_master"
	    " WHERE name = 'menu_items'";

	CHECK(db_exec(db, pg ? "DROP TABLE menu_items CASCADE;"
	    " UPDATE schema_version SET version = 20" :
	    "DROP TABLE menu_items; PRAGMA user_version = 20") == 0);
	CHECK(db_count(db, gone) == 0);
	CHECK(cli((const char *[]){ "serve", dir, "--listen", "127.0.0.1:0",
	    NULL }, 1, "migration 21: "));
	CHECK(schema_of(dir) == 20);
	CHECK(db_count(db, gone) == 0);
	CHECK(db_count(db, "SELECT count(*) FROM comments") == 6);
}

/*
 * Two galleys opening a database a step behind at once (a start and the
 * backup timer, say): both read its version, then wait for the write
 * lock a third holds.  The second to get it must find the step done by
 * the first, not run it again and fail.  SQLite only: PostgreSQL reads
 * the version under its lock.
 */
static void
racing_opens(const char *dir)
{
	const char	*db = site_db(dir);
	char		 cmd[8192];

	CHECK(db_exec(db, "DROP TABLE site_images; PRAGMA user_version = 20")
	    == 0);
	snprintf(cmd, sizeof(cmd), "cd '%s' && rm -f held &&"
	    " { /usr/bin/python3 -c \"import sqlite3, time;"
	    " c = sqlite3.connect('%s', isolation_level=None);"
	    " c.execute('BEGIN IMMEDIATE'); open('held', 'w').close();"
	    " time.sleep(1); c.execute('ROLLBACK')\" & } &&"
	    " while [ ! -e held ]; do sleep 0.02; done &&"
	    " { \"$GALLEY\" config . get site_title >a.out 2>&1 & a=$!;"
	    " \"$GALLEY\" config . get site_title >b.out 2>&1 & b=$!;"
	    " wait $a && wait $b; } || { cat a.out b.out >&2; exit 1; }",
	    dir, db);
	CHECK(sh(cmd));
	CHECK(schema_of(dir) == store_schema_latest());
}

int
main(void)
{
	char	*dir = tmp_path("upgrade");

	top = getenv("TOP") ? getenv("TOP") : ".";
	if (!CHECK(old_site(dir, getenv("GALLEY_DB"))))
		return check_done();
	forward(dir);
	downgrade(dir);
	failed_step(dir);
	if (getenv("GALLEY_DB") == NULL)
		racing_opens(dir);
	free(dir);
	return check_done();
}
