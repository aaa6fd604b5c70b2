/*
 * test_export: `galley export` and the round trip.  Every valid WXR
 * fixture is imported into a site A, A is exported, and the export
 * imported into a fresh site B: the two must be equal field by field,
 * compared with SQL on both databases with ids normalised away (rows
 * known by slug, GUID, email or hash): posts and pages with their
 * terms and parents, comments with their threads and status, terms with
 * theirs, authors, media and their files' hashes, redirects, and the
 * WordPress keys and ids each row was imported under.  Each export must
 * be well-formed (Python's xml.etree parses it) and hold what A holds,
 * counted by tests/wxr_count.py.  With GALLEY_DB set (the PostgreSQL
 * pass) each site gets a database of its own in the test cluster.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "check.h"
#include "http.h"

static const char	*fixtures;
static char		*paths[256];	/* the sites' folders, freed last */
static size_t		 npaths;

struct site_at {
	char	*dir;
	char	 db[700];	/* its database, for db_rows */
};

/* A fresh site: SQLite in dir, or a new database in the test cluster. */
static void
new_site(struct site_at *s)
{
	int	 pg;

	s->dir = tmp_path("export");
	if (npaths < sizeof(paths) / sizeof(paths[0]))
		paths[npaths++] = s->dir;
	if ((pg = pg_newdb("galley_export", s->db, sizeof(s->db))) == 0) {
		CHECK(run_galley((const char *[]){ "init", s->dir, NULL },
		    NULL) == 0);
		snprintf(s->db, sizeof(s->db), "%s/galley.db", s->dir);
		return;
	}
	CHECK(pg == 1);
	CHECK(run_galley((const char *[]){ "init", s->dir, "--db", s->db,
	    NULL }, NULL) == 0);
}

/* What is compared, each query's rows free of ids. */
static const char *const same[] = {
	"SELECT p.type, p.slug, p.title, p.status, p.published, p.modified,"
	" p.format, p.body, p.excerpt, p.sticky, p.comments_open, p.filtered,"
	" coalesce(pp.slug, ''), u.email FROM posts p JOIN users u ON u.id ="
	" p.author_id LEFT JOIN posts pp ON pp.id = p.parent_id ORDER BY"
	" p.type, p.slug",
	"SELECT p.type, p.slug, t.taxonomy, t.slug, pt.position FROM"
	" post_terms pt JOIN posts p ON p.id = pt.post_id JOIN terms t ON"
	" t.id = pt.term_id ORDER BY p.type, p.slug, pt.position, t.slug",
	"SELECT t.taxonomy, t.slug, t.name, t.description, coalesce(pt.slug,"
	" '') FROM terms t LEFT JOIN terms pt ON pt.id = t.parent_id ORDER BY"
	" t.taxonomy, t.slug",
	"SELECT p.type, p.slug, c.author, c.email, c.url, c.content,"
	" c.status, c.created, coalesce(pc.author, ''), coalesce(pc.created,"
	" 0), coalesce(pc.content, '') FROM comments c JOIN posts p ON p.id ="
	" c.post_id LEFT JOIN comments pc ON pc.id = c.parent_id ORDER BY"
	" p.type, p.slug, c.created, c.author, c.content",
	"SELECT email, name, role, coalesce(pass_hash, '') FROM users ORDER"
	" BY email",
	"SELECT hash, mime, width, height, alt FROM media ORDER BY hash",
	"SELECT m.hash, s.hash, s.mime, s.width, s.height FROM media_sizes s"
	" JOIN media m ON m.id = s.media_id ORDER BY m.hash, s.hash",
	"SELECT r.path, coalesce(p.type, ''), coalesce(p.slug, ''),"
	" coalesce(m.hash, '') FROM redirects r LEFT JOIN posts p ON p.id ="
	" r.post_id LEFT JOIN media m ON m.id = r.media_id ORDER BY r.path",
	/*
	 * A term without a WordPress id, or whose id another term holds
	 * (WordPress shared one between a category and a tag), is written
	 * with ours.
	 */
	"SELECT kind, key, CASE WHEN kind = 'term' AND (old_id = 0 OR"
	" old_id = item OR EXISTS (SELECT 1 FROM terms t WHERE t.id ="
	" old_id)) THEN -1 ELSE old_id END FROM imported ORDER BY kind, key",
};

#define NSAME	(sizeof(same) / sizeof(same[0]))

/* A's rows of every query equal B's (one session on each database). */
static void
compare(const char *name, const struct site_at *a, const struct site_at *b)
{
	struct buf	 x[NSAME], y[NSAME];
	size_t		 i;
	int		 ok;

	for (i = 0; i < NSAME; i++) {
		buf_init(&x[i]);
		buf_init(&y[i]);
	}
	ok = db_rows_each(a->db, same, NSAME, x) == 0 &&
	    db_rows_each(b->db, same, NSAME, y) == 0;
	for (i = 0; i < NSAME; i++) {
		CHECK_MSG(ok, name);
		if (!CHECK_MSG(x[i].len == y[i].len && (x[i].len == 0 ||
		    memcmp(x[i].data, y[i].data, x[i].len) == 0), name))
			fprintf(stderr, "  query %zu differs:\n--- A\n%.3000s"
			    "\n--- B\n%.3000s\n", i, x[i].data ? x[i].data :
			    "", y[i].data ? y[i].data : "");
		buf_reset(&x[i]);
		buf_reset(&y[i]);
	}
}

/*
 * wxr_count.py's counts of file, into got (-1 for a kind it did not
 * print), in the order of kinds; one run of Python for them all.
 */
static void
py_counts(const char *file, const char *const *kinds, size_t n,
    long long *got)
{
	char		 cmd[2600], line[200], k[64];
	long long	 v;
	size_t		 i;
	FILE		*p;

	for (i = 0; i < n; i++)
		got[i] = -1;
	snprintf(cmd, sizeof(cmd), "/usr/bin/python3 %s/tests/wxr_count.py"
	    " '%s'",
	    getenv("TOP") ? getenv("TOP") : ".", file);
	if ((p = popen(cmd, "r")) == NULL)
		return;
	while (fgets(line, sizeof(line), p) != NULL)
		if (sscanf(line, "%63s %lld", k, &v) == 2)
			for (i = 0; i < n; i++)
				if (strcmp(k, kinds[i]) == 0)
					got[i] = v;
	pclose(p);
}

/* The export holds what the site does, as xml.etree counts it. */
static void
counted(const char *name, const struct site_at *a, const char *file)
{
	static const char *const kinds[] = { "authors", "terms", "posts",
	    "pages", "comments", "attachments" };
	/* One query, one session: a PostgreSQL session takes a while. */
	static const char *const q = "SELECT (SELECT count(*) FROM users),"
	    " (SELECT count(*) FROM terms), (SELECT count(*) FROM posts"
	    " WHERE type = 'post'), (SELECT count(*) FROM posts WHERE type ="
	    " 'page'), (SELECT count(*) FROM comments), (SELECT count(*)"
	    " FROM media)";
	long long	 want[6], got[6];
	struct buf	 row;
	size_t		 i;

	py_counts(file, kinds, sizeof(kinds) / sizeof(kinds[0]), got);
	buf_init(&row);
	if (db_rows(a->db, q, &row) != 0 || row.data == NULL ||
	    sscanf(row.data, "%lld %lld %lld %lld %lld %lld", &want[0],
	    &want[1], &want[2], &want[3], &want[4], &want[5]) != 6)
		for (i = 0; i < 6; i++)
			want[i] = -1;
	buf_reset(&row);
	for (i = 0; i < 6; i++) {
		if (!CHECK_MSG(want[i] == got[i] && got[i] >= 0, name))
			fprintf(stderr, "  %s: site %lld, export %lld\n",
			    kinds[i], want[i], got[i]);
	}
}

static int
broken(const char *name)
{
	return strcmp(name, "crazy-cdata.xml") == 0 ||
	    strcmp(name, "invalid-version-tag.xml") == 0 ||
	    strcmp(name, "missing-version-tag.xml") == 0;
}

/* Import name (with uploads, if any) into A, export, import into B. */
static void
round_trip(const char *name, const char *uploads)
{
	struct site_at	 a, b;
	char		 file[1200], out[1200];
	const char	*args[8];
	int		 n = 0;

	snprintf(file, sizeof(file), "%s/%s", fixtures, name);
	new_site(&a);
	args[n++] = "import";
	args[n++] = a.dir;
	args[n++] = file;
	if (uploads != NULL) {
		args[n++] = "--uploads";
		args[n++] = uploads;
	}
	args[n] = NULL;
	if (!CHECK_MSG(run_galley(args, NULL) == 0, name))
		return;
	snprintf(out, sizeof(out), "%s/export.xml", a.dir);
	if (!CHECK_MSG(run_galley((const char *[]){ "export", a.dir, "--out",
	    out, NULL }, NULL) == 0, name))
		return;
	counted(name, &a, out);
	new_site(&b);
	/* A's media folder holds media/HASH.EXT under its directory. */
	if (!CHECK_MSG(run_galley((const char *[]){ "import", b.dir, out,
	    "--uploads", a.dir, NULL }, NULL) == 0, name))
		return;
	compare(name, &a, &b);
}

static void
every_fixture(void)
{
	DIR		*d = opendir(fixtures);
	struct dirent	*de;
	char		 cmd[4000];
	char		*up = tmp_path("uploads");
	int		 n = 0;

	if (npaths < sizeof(paths) / sizeof(paths[0]))
		paths[npaths++] = up;	/* freed last, with the sites' */

	snprintf(cmd, sizeof(cmd), "mkdir -p %s/2008/06 && cp %s/../jpeg/"
	    "valid/blank_800x280.jpg %s/2008/06/canola2.jpg", up, fixtures,
	    up);
	CHECK(system(cmd) == 0);
	if (!CHECK(d != NULL))
		return;
	while ((de = readdir(d)) != NULL) {
		if (strstr(de->d_name, ".xml") == NULL || broken(de->d_name))
			continue;
		round_trip(de->d_name, up);
		n++;
	}
	closedir(d);
	CHECK(n >= 20);
}

/*
 * Text XML cannot hold, and "]]>" in bodies: the export stays
 * well-formed (xml.etree counts it) and "]]>" comes back whole.
 */
static void
hostile(void)
{
	struct site_at	 a, b;
	char		 out[1200], file[1200];

	new_site(&a);
	snprintf(file, sizeof(file), "%s/small-export.xml", fixtures);
	CHECK(run_galley((const char *[]){ "import", a.dir, file, NULL },
	    NULL) == 0);
	CHECK(db_exec(a.db, "UPDATE posts SET body = body || ']]>\x01]]]>'"
	    " || '\xef\xbf\xbf', title = title || '\x0b<&>'") == 0);
	CHECK(db_exec(a.db, "UPDATE comments SET content = content ||"
	    " ' ]]>]]> end'") == 0);
	snprintf(out, sizeof(out), "%s/export.xml", a.dir);
	CHECK(run_galley((const char *[]){ "export", a.dir, "--out", out,
	    NULL }, NULL) == 0);
	counted("hostile", &a, out);
	new_site(&b);
	CHECK(run_galley((const char *[]){ "import", b.dir, out, NULL },
	    NULL) == 0);
	CHECK(db_count(b.db, "SELECT count(*) FROM comments WHERE content"
	    " LIKE '% ]]>]]> end'") == 1);
	CHECK(db_count(b.db, "SELECT count(*) FROM posts WHERE body LIKE"
	    " '%]]>%]]]>%' AND title LIKE '%<&>'") == 11);
}

/* --out: the file whole or not at all; standard output otherwise. */
static void
out_file(void)
{
	struct site_at	 a;
	struct buf	 out;
	char		 path[1200];

	new_site(&a);
	buf_init(&out);
	CHECK(run_galley((const char *[]){ "export", a.dir, NULL }, &out) ==
	    0);
	CHECK(out.data != NULL && strstr(out.data, "<wp:wxr_version>1.2"
	    "</wp:wxr_version>") != NULL);
	buf_reset(&out);
	snprintf(path, sizeof(path), "%s/no/such/dir/x.xml", a.dir);
	CHECK(run_galley((const char *[]){ "export", a.dir, "--out", path,
	    NULL }, NULL) == 1);
	CHECK(access(path, F_OK) != 0);
	CHECK(run_galley((const char *[]){ "export", a.dir, "--bogus",
	    NULL }, NULL) == 2);
	CHECK(run_galley((const char *[]){ "export", NULL }, NULL) == 2);
}

int
main(void)
{
	static char	 path[1024];
	const char	*shared = getenv("SHARED");

	snprintf(path, sizeof(path), "%s/fixtures/wxr", shared ? shared :
	    "../shared");
	fixtures = path;
	every_fixture();
	hostile();
	out_file();
	while (npaths > 0)
		free(paths[--npaths]);
	return check_done();
}
