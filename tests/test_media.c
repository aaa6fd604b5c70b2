/*
 * test_media: media.c on both stores, then over HTTP.  The module: put
 * (idempotent, the made flag, a type we do not store refused), get (the
 * bytes, another extension or a malformed hash not found), discard,
 * remove only while nothing names a picture, and a move that meets a
 * file whose bytes do not match its name, refuses to switch, then
 * completes once it is gone.  Over HTTP, with media_store = db: the
 * demo's picture moved into the database by `galley media move`, an
 * admin upload and a comment picture made through node A and served by
 * node B (a second `galley serve` on the same database, with its own
 * empty media folder, in the PostgreSQL pass; on SQLite, A alone) with
 * the stored type, nosniff, immutable caching, ETag the hash, 304 and
 * HEAD; `move` to files and back keeps the SHA-256 of every served
 * picture; a move killed halfway leaves galley.conf alone and a rerun
 * completes it.  Run on SQLite, and on PostgreSQL by tests/run.sh.
 */
#define _GNU_SOURCE		/* F_SETPIPE_SZ */
#include <sys/stat.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "arena.h"
#include "check.h"
#include "http.h"
#include "image.h"
#include "media.h"
#include "store.h"

#define ARTICLE "/2015/10/russian-isis-strikes-hit-us-backed-anti-isis-groups-instead/"
#define PW	"correct horse battery"
#define MAXPICS	64

static void
hex256(const void *p, size_t len, char *out)
{
	unsigned char	 md[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(md, p, len);
	sodium_bin2hex(out, 65, md, sizeof(md));
}

static int
sh(const char *cmd)
{
	return system(cmd);
}

static int
file_exists(const char *dir, const char *hash, const char *ext)
{
	char	 p[1024];

	snprintf(p, sizeof(p), "%s/%s.%s", dir, hash, ext);
	return access(p, F_OK) == 0;
}

/* Whether conf's last media_store line says kind. */
static int
conf_says(const char *conf, const char *kind)
{
	FILE	*f = fopen(conf, "r");
	char	 line[512], last[512] = "files";

	if (f == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, " media_store = %511s", last) == 1)
			continue;
	fclose(f);
	return strcmp(last, kind) == 0;
}

/* put, get, discard and remove on one store. */
static void
unit_store(const struct media_store *ms, struct store_conn *c)
{
	char			 bytes[32];
	struct media_object	 o;
	struct media		 m = { .mime = "image/png", .width = 1,
	    .height = 1, .bytes = 20, .alt = "" };
	char			 hash[65], want[65], buf[64];
	int			 made = -1;

	/* Other bytes per store: the media item below names them. */
	snprintf(bytes, sizeof(bytes), "not really a picture %d", ms->kind);
	hex256(bytes, sizeof(bytes), want);
	CHECK(media_put(ms, c, "image/png", bytes, sizeof(bytes), hash,
	    &made) == STORE_OK && made == 1 && strcmp(hash, want) == 0);
	CHECK(media_put(ms, c, "image/png", bytes, sizeof(bytes), hash,
	    &made) == STORE_OK && made == 0);
	CHECK_MSG(media_put(ms, c, "text/html", "<b>", 3, hash, &made) !=
	    STORE_OK && made == 0, "a type we do not serve is refused");
	CHECK(media_get(ms, c, want, "png", &o) == STORE_OK &&
	    o.len == sizeof(bytes) && strcmp(o.mime, "image/png") == 0);
	if (o.fd != -1)
		CHECK(read(o.fd, buf, sizeof(buf)) == (ssize_t)sizeof(bytes) &&
		    memcmp(buf, bytes, sizeof(bytes)) == 0);
	else
		CHECK(o.data != NULL && memcmp(o.data, bytes,
		    sizeof(bytes)) == 0);
	media_object_reset(&o);
	CHECK(media_get(ms, c, want, "jpg", &o) == STORE_NOTFOUND);
	CHECK(media_get(ms, c, "../../etc/passwd", "png", &o) ==
	    STORE_NOTFOUND);
	CHECK(media_get(ms, c, "ABC", "png", &o) == STORE_NOTFOUND);
	media_discard(ms, c, want, "png");
	CHECK(media_get(ms, c, want, "png", &o) == STORE_NOTFOUND);

	/* Named by a media item: remove leaves it; unnamed: it goes. */
	CHECK(media_put(ms, c, "image/png", bytes, sizeof(bytes), hash,
	    &made) == STORE_OK && made == 1);
	m.hash = want;
	CHECK(store_media_add(c, &m, NULL) == STORE_OK);
	CHECK(media_remove(ms, c, want) == STORE_OK);
	CHECK_MSG(media_get(ms, c, want, "png", &o) == STORE_OK,
	    "a picture in use is kept");
	media_object_reset(&o);
	CHECK(media_put(ms, c, "image/png", "x", 1, hash, &made) ==
	    STORE_OK && made == 1);
	CHECK(media_remove(ms, c, hash) == STORE_OK);
	CHECK_MSG(media_get(ms, c, hash, "png", &o) == STORE_NOTFOUND,
	    "a picture no one shows is removed");

	/* A discard leaves a picture that something names. */
	media_discard(ms, c, want, "png");
	CHECK_MSG(media_get(ms, c, want, "png", &o) == STORE_OK,
	    "a discard keeps a picture in use");
	media_object_reset(&o);

	/*
	 * Twins: the one that made the file is refused and discards it
	 * while the other, which found it there, still holds its pin: the
	 * file stays.  Once no pin holds it, a discard takes it.
	 */
	{
		int	 made2 = -1, pin1 = 0, pin2 = 0;

		CHECK(media_put_pinned(ms, c, "image/png", "twin", 4, hash,
		    &made, &pin1) == STORE_OK && made == 1 && pin1 == 1);
		CHECK(media_put_pinned(ms, c, "image/png", "twin", 4, hash,
		    &made2, &pin2) == STORE_OK && made2 == 0 && pin2 == 1);
		CHECK(media_remove(ms, c, hash) == STORE_OK);
		CHECK_MSG(media_get(ms, c, hash, "png", &o) == STORE_OK,
		    "a removal keeps a picture a request has pinned");
		media_object_reset(&o);
		media_unpin(hash);
		media_discard(ms, c, hash, "png");
		CHECK_MSG(media_get(ms, c, hash, "png", &o) == STORE_OK,
		    "a discard keeps a picture another request has pinned");
		media_object_reset(&o);
		media_unpin(hash);
		media_discard(ms, c, hash, "png");
		CHECK_MSG(media_get(ms, c, hash, "png", &o) ==
		    STORE_NOTFOUND, "unpinned and unnamed, it goes");
	}
}

/* A move with a damaged file in the way, then without. */
static void
unit_move(struct store_conn *c, const char *dir)
{
	struct media_store	 files = { MEDIA_FILES, NULL };
	struct media_store	 db = { MEDIA_DB, NULL };
	struct media_moved	 sum;
	char			 media[600], conf[600], bad[1200], h[3][65];
	char			 cmd[2600];
	const char		*pics[3] = { "one", "two", "three" };
	FILE			*out = fopen("/dev/null", "w");
	int			 i, made;

	snprintf(media, sizeof(media), "%s/m", dir);
	snprintf(conf, sizeof(conf), "%s/galley.conf", dir);
	mkdir(media, 0755);
	files.dir = db.dir = media;
	snprintf(cmd, sizeof(cmd), "printf 'secret = x\\nmedia_store ="
	    " files\\n# kept\\n' > %s", conf);
	CHECK(sh(cmd) == 0);
	for (i = 0; i < 3; i++)
		CHECK(media_put(&files, c, "image/webp", pics[i],
		    strlen(pics[i]), h[i], &made) == STORE_OK && made);
	/* A file whose bytes are not its name's. */
	snprintf(bad, sizeof(bad), "%s/%064d.jpg", media, 7);
	snprintf(cmd, sizeof(cmd), "echo x > %s", bad);
	CHECK(sh(cmd) == 0);
	CHECK_MSG(media_move(&files, &db, c, conf, out, &sum) == -1 &&
	    sum.failed == 1 && sum.copied == 3 && sum.removed == 0,
	    "a damaged file stops the switch");
	CHECK(conf_says(conf, "files") && file_exists(media, h[0], "webp"));
	unlink(bad);
	CHECK(media_move(&files, &db, c, conf, out, &sum) == 0 &&
	    sum.failed == 0 && sum.present == 3 && sum.removed == 3);
	CHECK(conf_says(conf, "db") && !file_exists(media, h[1], "webp"));
	snprintf(cmd, sizeof(cmd), "grep -q '^# kept$' %s && grep -q"
	    " '^secret = x$' %s", conf, conf);
	CHECK_MSG(sh(cmd) == 0, "galley.conf keeps its other lines");
	/* The database may hold others' pictures too: all come along. */
	CHECK(media_move(&db, &files, c, conf, out, &sum) == 0 &&
	    sum.copied >= 3 && sum.removed == sum.copied &&
	    conf_says(conf, "files"));
	for (i = 0; i < 3; i++) {
		CHECK(file_exists(media, h[i], "webp"));
		media_remove(&files, c, h[i]);
	}
	fclose(out);
}

static void
unit(const char *dir)
{
	struct media_store	 files = { MEDIA_FILES, NULL };
	struct media_store	 db = { MEDIA_DB, NULL };
	struct store		*st;
	struct store_conn	*c;
	char			 err[512], uri[600], media[600];

	if (getenv("GALLEY_DB") != NULL)
		snprintf(uri, sizeof(uri), "%s", getenv("GALLEY_DB"));
	else
		snprintf(uri, sizeof(uri), "%s/unit.db", dir);
	snprintf(media, sizeof(media), "%s/unit-media", dir);
	mkdir(media, 0755);
	files.dir = media;
	if (!CHECK(store_open(uri, 1, &st, err, sizeof(err)) == STORE_OK))
		return;
	c = store_conn_get(st);
	if (CHECK(c != NULL)) {
		unit_store(&files, c);
		unit_store(&db, c);
		unit_move(c, dir);
		store_conn_put(st, c);
	}
	store_close(st);
}


/* Every picture of the site: hash and extension, from its database. */
struct pics {
	char	 hash[MAXPICS][65];
	char	 ext[MAXPICS][8];
	char	 sum[MAXPICS][65];	/* SHA-256 of the served bytes */
	int	 n;
};

static void
list_pics(const char *dir, struct pics *p)
{
	struct store		*st;
	struct store_conn	*c;
	struct media_blob	*b;
	struct arena		 a;
	char			 err[512];
	size_t			 n, i;

	p->n = 0;
	if (!CHECK(store_open(site_db(dir), 0, &st, err, sizeof(err)) ==
	    STORE_OK))
		return;
	arena_init(&a);
	if ((c = store_conn_get(st)) != NULL &&
	    CHECK(store_blob_list(c, &a, "", MAXPICS, &b, &n) == STORE_OK))
		for (i = 0; i < n; i++, p->n++) {
			snprintf(p->hash[i], 65, "%s", b[i].hash);
			snprintf(p->ext[i], 8, "%s", image_ext(b[i].mime));
		}
	if (c != NULL)
		store_conn_put(st, c);
	arena_free(&a);
	store_close(st);
}

/* The SHA-256 of each picture of p as s serves it; 0 if all are 200. */
static int
served(struct srv *s, struct pics *p)
{
	struct resp	 r;
	char		 path[128];
	int		 i, bad = 0;

	for (i = 0; i < p->n; i++) {
		snprintf(path, sizeof(path), "/media/%s.%s", p->hash[i],
		    p->ext[i]);
		if (http_get(s, path, &r) == 0 && r.status == 200)
			hex256(r.body.data, r.body.len, p->sum[i]);
		else
			bad++;
		resp_free(&r);
	}
	return bad;
}

/* One picture's headers, 304 and HEAD from s. */
static void
headers(struct srv *s, const char *hash, const char *ext, const char *mime)
{
	char		 path[128], inm[128], etag[80];
	const char	*h[] = { inm, NULL };
	struct resp	 r;

	snprintf(path, sizeof(path), "/media/%s.%s", hash, ext);
	snprintf(etag, sizeof(etag), "\"%s\"", hash);
	snprintf(inm, sizeof(inm), "If-None-Match: %s", etag);
	CHECK(http_get(s, path, &r) == 0 && r.status == 200);
	CHECK_STR(resp_header(&r, "Content-Type"), mime);
	CHECK_STR(resp_header(&r, "ETag"), etag);
	CHECK_STR(resp_header(&r, "X-Content-Type-Options"), "nosniff");
	CHECK(strstr(resp_header(&r, "Cache-Control"), "immutable") != NULL);
	resp_free(&r);
	CHECK(http_req(s, "GET", path, h, &r) == 0 && r.status == 304 &&
	    r.body.len == 0);
	resp_free(&r);
	CHECK(http_req(s, "HEAD", path, NULL, &r) == 0 && r.status == 200 &&
	    r.body.len == 0);
	resp_free(&r);
	/* Another extension, an unknown hash: 404. */
	snprintf(path, sizeof(path), "/media/%s.%s", hash,
	    strcmp(ext, "png") == 0 ? "jpg" : "png");
	CHECK(http_get(s, path, &r) == 0 && r.status == 404);
	resp_free(&r);
	snprintf(path, sizeof(path), "/media/%064d.jpg", 0);
	CHECK(http_get(s, path, &r) == 0 && r.status == 404);
	resp_free(&r);
}

/* An admin upload and a comment picture through a, served by b. */
static void
uploads(struct srv *a, struct srv *b, const char *dir)
{
	const char	*shared = getenv("SHARED") ? getenv("SHARED") :
	    "../shared";
	char		*au = admin_login(a, "admin@example.org", PW, NULL),
			 tok[80], file[600], pic[600];
	const char	*f[] = { "csrf", tok, "alt", "Across nodes", NULL };
	const char	*h[] = { au, NULL };
	const char	*cf[] = { "post", "1", "author", "Pictured", "email",
	    "pic@example.net", "comment", "With a picture.", NULL };
	struct pics	 before, after;
	struct resp	 r;
	int		 i, j, fresh = 0;

	if (!CHECK_MSG(au != NULL, "the admin signs in"))
		return;
	list_pics(dir, &before);
	snprintf(tok, sizeof(tok), "%s", admin_csrf(a, au));
	snprintf(file, sizeof(file), "%s/fixtures/jpeg/valid/"
	    "blank_800x280.jpg", shared);
	snprintf(pic, sizeof(pic), "%s/fixtures/jpeg/valid/"
	    "exif-gps-orientation6.jpg", shared);
	CHECK(http_post(a, "/admin/media/", f, 1, file, h, &r) == 0 &&
	    r.status == 303);
	resp_free(&r);
	list_pics(dir, &after);
	CHECK_MSG(after.n > before.n + 1, "every size stored in the db");
	for (i = 0; i < after.n; i++)
		if (strcmp(after.ext[i], "webp") != 0)
			headers(b, after.hash[i], after.ext[i],
			    strcmp(after.ext[i], "jpg") == 0 ? "image/jpeg" :
			    "image/png");
	CHECK_MSG(served(b, &after) == 0, "node B serves every size");
	CHECK(http_post(a, "/comments", cf, 1, pic, NULL, &r) == 0 &&
	    r.status == 303);
	resp_free(&r);
	list_pics(dir, &before);
	for (i = 0; i < before.n; i++) {
		for (j = 0; j < after.n; j++)
			if (strcmp(before.hash[i], after.hash[j]) == 0)
				break;
		fresh += j == after.n;
	}
	CHECK_MSG(fresh >= 1, "the comment's picture is in the database");
	/* Held, its picture is the staff's; approved, everyone's. */
	CHECK_MSG(served(b, &before) > 0, "node B keeps a held picture back");
	snprintf(file, sizeof(file), "%lld", db_count(site_db(dir),
	    "SELECT max(id) FROM comments"));
	CHECK(run_galley((const char *[]){ "comments", dir, "set-status",
	    file, "approved", NULL }, NULL) == 0);
	CHECK_MSG(served(b, &before) == 0, "node B serves it");
	free(au);
}

/* Runs `galley media DIR move --to kind`; its exit status. */
static int
move(const char *dir, const char *kind)
{
	struct buf	 out;
	int		 rc;

	buf_init(&out);
	rc = run_galley((const char *[]){ "media", dir, "move", "--to", kind,
	    NULL }, &out);
	buf_reset(&out);
	return rc;
}

/*
 * Starts `galley media DIR move --to kind` with its stdout a pipe all
 * but full, so it blocks on its second line (its first picture moved),
 * and kills it there.  Returns 1 if it was killed so.
 */
static int
move_killed(const char *dir, const char *kind)
{
	char	 junk[4096 - 100];
	int	 p[2], st;
	pid_t	 pid;

	if (pipe(p) == -1 || fcntl(p[1], F_SETPIPE_SZ, 4096) == -1)
		return 0;
	memset(junk, 'x', sizeof(junk));
	if (write(p[1], junk, sizeof(junk)) != (ssize_t)sizeof(junk))
		return 0;
	if ((pid = fork()) == 0) {
		dup2(p[1], 1);
		close(p[0]);
		execl(getenv("GALLEY"), "galley", "media", dir, "move", "--to",
		    kind, (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	usleep(1500000);	/* it blocks on its second line */
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	close(p[0]);
	return WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL;
}

static int
same(const struct pics *x, const struct pics *y)
{
	int	 i;

	if (x->n != y->n)
		return 0;
	for (i = 0; i < x->n; i++)
		if (strcmp(x->hash[i], y->hash[i]) != 0 ||
		    strcmp(x->sum[i], y->sum[i]) != 0 ||
		    strcmp(x->hash[i], x->sum[i]) != 0)
			return 0;
	return 1;
}

/* Node B: A's conf with a media folder of its own (nothing shared). */
static char *
node_b(const char *a, int share)
{
	char	*b = tmp_path("media-b"), cmd[2048];

	snprintf(cmd, sizeof(cmd), "mkdir -p %s/media && sed 's|^media_dir"
	    " = .*|media_dir = %s/media|' %s/galley.conf > %s/galley.conf &&"
	    " chmod 600 %s/galley.conf", b, share ? a : b, a, b, b);
	return system(cmd) == 0 ? b : NULL;
}

static int
start(struct srv *a, struct srv *b, const char *dir, int two)
{
	char	*d = two ? node_b(dir, 1) : NULL;

	char	 cmd[700];
	int	 rc = 0;

	if (srv_start(a, dir) != 0)
		rc = -1;
	else if (two && (d == NULL || srv_start(b, d) != 0)) {
		srv_stop(a);
		rc = -1;
	}
	/* B read its galley.conf; its media folder is A's. */
	if (d != NULL) {
		snprintf(cmd, sizeof(cmd), "rm -rf %s", d);
		sh(cmd);
	}
	free(d);
	return rc;
}

static void
stop(struct srv *a, struct srv *b, int two)
{
	CHECK(srv_stop(a) == 0);
	if (two)
		CHECK(srv_stop(b) == 0);
}

/* move there and back, then a killed one: every hash kept. */
static void
moves(const char *dir, int two)
{
	struct srv	 a, b;
	struct pics	 p0, p1;
	char		 conf[600], media[600];
	int		 i;

	snprintf(conf, sizeof(conf), "%s/galley.conf", dir);
	snprintf(media, sizeof(media), "%s/media", dir);
	list_pics(dir, &p0);
	if (!CHECK(p0.n >= 4 && start(&a, &b, dir, two) == 0))
		return;
	CHECK(served(two ? &b : &a, &p0) == 0);
	stop(&a, &b, two);

	CHECK(move(dir, "files") == 0 && conf_says(conf, "files"));
	for (i = 0; i < p0.n; i++)
		CHECK(file_exists(media, p0.hash[i], p0.ext[i]));
	p1 = p0;
	if (CHECK(start(&a, &b, dir, two) == 0)) {
		CHECK(served(two ? &b : &a, &p1) == 0 && same(&p0, &p1));
		stop(&a, &b, two);
	}

	/* Back to the database, killed after its first picture. */
	CHECK_MSG(move_killed(dir, "db"), "the move is killed halfway");
	CHECK_MSG(conf_says(conf, "files"), "galley.conf not switched yet");
	for (i = 0; i < p0.n; i++)
		CHECK(file_exists(media, p0.hash[i], p0.ext[i]));
	CHECK(move(dir, "db") == 0 && conf_says(conf, "db"));
	for (i = 0; i < p0.n; i++)
		CHECK(!file_exists(media, p0.hash[i], p0.ext[i]));
	list_pics(dir, &p1);
	if (CHECK(start(&a, &b, dir, two) == 0)) {
		CHECK(served(two ? &b : &a, &p1) == 0 && same(&p0, &p1));
		stop(&a, &b, two);
	}
}

/*
 * `galley media DIR regenerate`: items stripped of their narrower
 * copies (as stored before pictures were kept at every width) get them
 * back, each stored; a second run makes nothing.
 */
static void
regenerate(const char *dir)
{
	struct buf	 out;
	const char	*db = site_db(dir);

	CHECK(db_exec(db, "DELETE FROM media_sizes WHERE width < (SELECT"
	    " m.width FROM media m WHERE m.id = media_sizes.media_id)") == 0);
	CHECK(db_count(db, "SELECT count(*) FROM media WHERE width > 320") >
	    0);
	buf_init(&out);
	CHECK(run_galley((const char *[]){ "media", dir, "regenerate", NULL },
	    &out) == 0);
	CHECK_MSG(out.data != NULL && strstr(out.data, " 0 given their") ==
	    NULL && strstr(out.data, " 0 failed") != NULL, "items remade");
	buf_reset(&out);
	/* Every width narrower than the display copy, each one stored. */
	CHECK(db_count(db, "SELECT count(*) FROM media m WHERE m.width > 320"
	    " AND NOT EXISTS (SELECT 1 FROM media_sizes s WHERE s.media_id ="
	    " m.id AND s.width = 320)") == 0);
	CHECK(db_count(db, "SELECT count(*) FROM media m WHERE m.width > 640"
	    " AND NOT EXISTS (SELECT 1 FROM media_sizes s WHERE s.media_id ="
	    " m.id AND s.width = 640)") == 0);
	CHECK(db_count(db, "SELECT count(*) FROM media_sizes s WHERE NOT"
	    " EXISTS (SELECT 1 FROM media_blobs b WHERE b.hash = s.hash)") ==
	    0);
	/* The display copy keeps its name. */
	CHECK(db_count(db, "SELECT count(*) FROM media m WHERE NOT EXISTS"
	    " (SELECT 1 FROM media_sizes s WHERE s.media_id = m.id AND"
	    " s.hash = m.hash)") == 0);
	CHECK(run_galley((const char *[]){ "media", dir, "regenerate", NULL },
	    &out) == 0);
	CHECK_MSG(out.data != NULL && strstr(out.data, " 0 given their") !=
	    NULL, "a second run makes nothing");
	buf_reset(&out);
}

int
main(void)
{
	char		*dir = tmp_path("media-site"), *dirb, cmd[1200];
	const char	*pg = getenv("GALLEY_DB");
	struct srv	 a, b;
	struct buf	 out;
	int		 two = pg != NULL;

	if (sodium_init() < 0)
		return 1;
	buf_init(&out);
	CHECK(run_galley(pg ? (const char *[]){ "init", dir, "--demo", "--db",
	    pg, NULL } : (const char *[]){ "init", dir, "--demo", NULL },
	    &out) == 0);
	buf_reset(&out);
	CHECK(user_add(dir, "admin@example.org", "Admin", "admin", PW) == 0);
	CHECK_MSG(move(dir, "db") == 0, "the demo picture moves to the db");
	dirb = node_b(dir, 0);
	if (!CHECK(dirb != NULL && srv_start(&a, dir) == 0))
		return check_done();
	if (two && !CHECK(srv_start(&b, dirb) == 0)) {
		srv_stop(&a);
		return check_done();
	}
	uploads(&a, two ? &b : &a, dir);
	stop(&a, &b, two);
	moves(dir, two);
	regenerate(dir);	/* after moves: the pictures are in the db */
	snprintf(cmd, sizeof(cmd), "rm -rf %s %s", dir, dirb);
	sh(cmd);
	free(dir);
	free(dirb);
	/* Last: on PostgreSQL it shares the site's database. */
	dir = tmp_path("media-unit");
	mkdir(dir, 0755);
	unit(dir);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	sh(cmd);
	free(dir);
	return check_done();
}
