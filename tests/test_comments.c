/*
 * test_comments: the "Leave a Reply" form over real HTTP against the real
 * server, on SQLite and (tests/run.sh's second pass) PostgreSQL: every
 * validation path with the form coming back filled in, moderation rules,
 * held comments shown to their writer only, replies, limits, cross-site
 * refusal, the remember cookie, the command-line moderation, privacy of
 * the stored row, every XSS payload posted as author, url and text,
 * comments that arrive together (one transaction, each rule still held,
 * one failing alone), and a full disk (on a small tmpfs, where the test
 * may mount one).
 */
#include <sys/mount.h>
#include <sys/stat.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libpq-fe.h>
#include <pthread.h>
#include <sodium.h>
#include <turbojpeg.h>

#include "buf.h"
#include "check.h"
#include "http.h"
#include "image.h"
#include "media.h"

/* The media folder dir as a media store (media.h). */
#define FILES(dir)	(&(struct media_store){ MEDIA_FILES, (dir) })

#define ARTICLE "/2015/10/russian-isis-strikes-hit-us-backed-anti-isis-groups-instead/"

static const char	*site;
static char		 held_link[1024];	/* a held comment's token URL */

static int
galley(const char *const *args, struct buf *out)
{
	return run_galley(args, out);
}

static void
set(const char *key, const char *value)
{
	char	 what[200];

	snprintf(what, sizeof(what), "config set %s %s", key, value);
	CHECK_MSG(galley((const char *[]){ "config", site, "set", key, value,
	    NULL }, NULL) == 0, what);
}

/* POSTs the form (urlencoded) with the given fields over a good base. */
static long
post(struct srv *s, const char *author, const char *email, const char *text,
    const char *url, const char *parent, struct resp *r)
{
	const char	*f[] = { "post", "1", "parent", parent ? parent : "0",
	    "author", author, "email", email, "comment", text, "url",
	    url ? url : "", NULL };

	if (http_post(s, "/comments", f, 0, NULL, NULL, r) != 0)
		return -1;
	return r->status;
}

static char *
attr(const struct resp *r, const char *expr)
{
	htmlDocPtr	 doc = html_parse(r);
	char		*v = xp_attr(doc, expr);

	xmlFreeDoc(doc);
	return v;
}

/* A 422 names the field and keeps every word typed. */
static void
invalid(struct srv *s, const char *author, const char *email,
    const char *text, const char *url, const char *field)
{
	struct resp	 r;
	htmlDocPtr	 doc;
	char		 expr[200], what[300], *v;

	snprintf(what, sizeof(what), "422 for %s", field);
	if (!CHECK_MSG(post(s, author, email, text, url, NULL, &r) == 422,
	    what))
		goto out;
	doc = html_parse(&r);
	snprintf(expr, sizeof(expr), "//span[@id='%s-error']", field);
	snprintf(what, sizeof(what), "message beside %s", field);
	CHECK_MSG(xp_count(doc, expr) == 1, what);
	v = xp_attr(doc, "//input[@id='author']/@value");
	CHECK_STR(v != NULL ? v : "", author);
	free(v);
	v = xp_attr(doc, "//input[@id='email']/@value");
	CHECK_STR(v != NULL ? v : "", email);
	free(v);
	v = xp_text(doc, "//textarea[@id='comment']");
	/* xp_text folds white space; compare folded text. */
	CHECK(v != NULL || text[0] == '\0' || text[0] == ' ');
	free(v);
	CHECK(xp_count(doc, "//meta[@name='robots' and @content='noindex']")
	    == 1);
	CHECK(strcmp(resp_header(&r, "Cache-Control"), "no-store") == 0);
	xmlFreeDoc(doc);
out:
	resp_free(&r);
}

static void
validation(struct srv *s)
{
	char	 longname[120], bad[] = "caf\xc3 broken";
	struct resp r;

	memset(longname, 'x', 101);
	longname[101] = '\0';
	invalid(s, "", "a@b.org", "Text", NULL, "author");
	invalid(s, "   ", "a@b.org", "Text", NULL, "author");
	invalid(s, longname, "a@b.org", "Text", NULL, "author");
	invalid(s, "Ann", "", "Text", NULL, "email");
	invalid(s, "Ann", "not-an-email", "Text", NULL, "email");
	invalid(s, "Ann", "a@b", "Text", NULL, "email");
	invalid(s, "Ann", "a@b.org", "", NULL, "comment");
	invalid(s, "Ann", "a@b.org", "Text", "javascript:alert(1)", "url");
	invalid(s, "Ann", "a@b.org", "Text", "ftp://x.org/", "url");
	invalid(s, "Ann", "a@b.org", bad, NULL, "comment");
	/* A textarea keeps exactly what was typed, markup and all. */
	CHECK(post(s, "", "a@b.org", "Keep <b>this</b> & that", NULL, NULL,
	    &r) == 422 && strstr(r.body.data,
	    "required>\nKeep &lt;b&gt;this&lt;/b&gt; &amp; that</textarea>")
	    != NULL);
	resp_free(&r);
	/* Percent signs and pluses are the reader's, not escapes. */
	CHECK(post(s, "", "a@b.org", "Type %41 or %20 then 100%25 & a+b",
	    "https://x.org/?q=%41", NULL, &r) == 422 && strstr(r.body.data,
	    ">\nType %41 or %20 then 100%25 &amp; a+b</textarea>") &&
	    strstr(r.body.data, "value=\"https://x.org/?q=%41\""));
	resp_free(&r);
	/* The post must exist; a parent must be on the same post. */
	{
		const char *f[] = { "post", "999", "author", "A", "email",
		    "a@b.org", "comment", "x", NULL };

		CHECK(http_post(s, "/comments", f, 0, NULL, NULL, &r) == 0 &&
		    r.status == 404);
		resp_free(&r);
	}
	CHECK(post(s, "Ann", "a@b.org", "To nobody", NULL, "9999", &r) ==
	    422 && strstr(r.body.data, "not on this article"));
	resp_free(&r);
}

/*
 * A copy of page with the form stamp's value blanked: the stamp is the
 * time the page was rendered, which a held comment may change (its
 * write bumps the data generation) without changing what readers see.
 */
static char *
unstamped(const char *page)
{
	char	*c = strdup(page != NULL ? page : ""), *v, *e;

	if ((v = strstr(c, "name=\"stamp\" value=\"")) != NULL &&
	    (e = strchr(v += 20, '"')) != NULL)
		memmove(v, e, strlen(e) + 1);
	return c;
}

/* The writer sees a held comment; nobody else does. */
static void
held(struct srv *s)
{
	struct resp	 r, p, q;
	const char	*loc;
	char		 where[1024], *before, *after;

	CHECK(http_get(s, ARTICLE, &p) == 0);
	before = unstamped(p.body.data);
	resp_free(&p);
	CHECK(post(s, "First Timer", "first@example.net", "My first words.",
	    "https://first.example.net", NULL, &r) == 303);
	loc = resp_header(&r, "Location");
	CHECK(loc != NULL && strstr(loc, ARTICLE "?unapproved=") == loc);
	snprintf(where, sizeof(where), "%s", loc ? loc : "");
	resp_free(&r);
	*strchr(where, '#') = '\0';
	CHECK(http_get(s, where, &q) == 0 && q.status == 200 &&
	    strstr(q.body.data, "Your comment is awaiting moderation.") &&
	    strstr(q.body.data, "My first words."));
	CHECK(strstr(q.body.data, "name=\"robots\" content=\"noindex\""));
	CHECK(strcmp(resp_header(&q, "Cache-Control"), "no-store") == 0);
	resp_free(&q);
	/* A forged token shows nothing: a bad MAC, or another comment's. */
	CHECK(http_get(s, ARTICLE "?unapproved=3.99999999999.00", &q) == 0 &&
	    !strstr(q.body.data, "My first words."));
	resp_free(&q);
	{
		char	 forged[1100], *dot = strchr(strstr(where,
		    "unapproved=") + 11, '.');

		snprintf(forged, sizeof(forged), "%s", where);
		/* Same id and expiry, last MAC digit changed. */
		forged[strlen(forged) - 1] ^= 1;
		CHECK(http_get(s, forged, &q) == 0 &&
		    !strstr(q.body.data, "My first words."));
		resp_free(&q);
		/* The MAC of this comment on another id. */
		snprintf(forged, sizeof(forged), "%s?unapproved=1%s", ARTICLE,
		    dot != NULL ? dot : "");
		CHECK(http_get(s, forged, &q) == 0 &&
		    !strstr(q.body.data, "My first words."));
		resp_free(&q);
	}
	snprintf(held_link, sizeof(held_link), "%s", where);
	CHECK(http_get(s, ARTICLE, &p) == 0);
	after = unstamped(p.body.data);
	CHECK_MSG(strcmp(before, after) == 0 && strstr(before, "name=\"stamp\""
	    " value=\"\"") != NULL && !strstr(p.body.data, "My first words."),
	    "the public page is unchanged by a held comment");
	free(before);
	free(after);
	resp_free(&p);
}

static int
listed(const char *status, const char *needle)
{
	struct buf	 out;
	int		 has;

	buf_init(&out);
	has = galley((const char *[]){ "comments", site, "list", "--status",
	    status, NULL }, &out) == 0 && out.data && strstr(out.data, needle);
	buf_reset(&out);
	return has;
}

static void
moderation(struct srv *s)
{
	struct resp	 r;
	struct buf	 out;
	char		 id[32];

	/* Approve the first comment; the same writer then goes straight in. */
	CHECK(listed("pending", "My first words."));
	buf_init(&out);
	CHECK(galley((const char *[]){ "comments", site, "list", "--status",
	    "pending", NULL }, &out) == 0 && out.data != NULL);
	snprintf(id, sizeof(id), "%lld", out.data ? atoll(out.data) : 0LL);
	buf_reset(&out);
	CHECK(galley((const char *[]){ "comments", site, "set-status", id,
	    "approved", NULL }, NULL) == 0);
	CHECK(http_eventually(s, ARTICLE, "My first words."));
	/* Its writer's token link, after approval: shown once, not twice. */
	CHECK(http_get(s, held_link, &r) == 0 && r.status == 200);
	{
		char	*a = strstr(r.body.data, "My first words.");

		CHECK(a != NULL && strstr(a + 1, "My first words.") == NULL);
	}
	resp_free(&r);
	CHECK(post(s, "First Timer", "first@example.net", "Now trusted.",
	    NULL, NULL, &r) == 303 && !strstr(resp_header(&r, "Location"),
	    "unapproved"));
	resp_free(&r);
	CHECK(http_eventually(s, ARTICLE, "Now trusted."));
	/* Trust is for the name and address together, address in any case. */
	CHECK(post(s, "Impostor", "first@example.net", "Borrowed trust.",
	    NULL, NULL, &r) == 303 && strstr(resp_header(&r, "Location"),
	    "unapproved"));
	resp_free(&r);
	CHECK(post(s, "First Timer", "FIRST@Example.net", "Case is no matter.",
	    NULL, NULL, &r) == 303 && !strstr(resp_header(&r, "Location"),
	    "unapproved"));
	resp_free(&r);
	/* More than two links: held. */
	CHECK(post(s, "First Timer", "first@example.net", "See http://a.org"
	    " and http://b.org and http://c.org", NULL, NULL, &r) == 303 &&
	    strstr(resp_header(&r, "Location"), "unapproved"));
	resp_free(&r);
	/* Moderation and disallowed words. */
	set("moderation_words", "casino\nlottery");
	set("disallowed_words", "viagra, spam.example");
	CHECK(post(s, "First Timer", "first@example.net", "Win the LOTTERY",
	    NULL, NULL, &r) == 303);
	resp_free(&r);
	CHECK(listed("pending", "Win the LOTTERY"));
	CHECK(post(s, "Seller", "first@example.net", "Cheap stuff", "https://"
	    "spam.example/", NULL, &r) == 303);
	resp_free(&r);
	CHECK(listed("spam", "Cheap stuff"));
	CHECK(!listed("approved", "Cheap stuff"));
	/*
	 * While it sits in spam, its sender's address and IP (this test's,
	 * 127.0.0.1) are a sign of spam on every comment: held.  Trashed,
	 * it is not.
	 */
	CHECK(post(s, "First Timer", "first@example.net", "Held by company.",
	    NULL, NULL, &r) == 303 && strstr(resp_header(&r, "Location"),
	    "unapproved"));
	resp_free(&r);
	buf_init(&out);
	CHECK(galley((const char *[]){ "comments", site, "list", "--status",
	    "spam", NULL }, &out) == 0 && out.data != NULL &&
	    strstr(out.data, "known_spammer") == NULL);
	snprintf(id, sizeof(id), "%lld", out.data ? atoll(out.data) : 0LL);
	buf_reset(&out);
	CHECK(galley((const char *[]){ "comments", site, "set-status", id,
	    "trash", NULL }, NULL) == 0);
	CHECK(listed("pending", "known_spammer"));
	/* The same words twice on one post: refused. */
	CHECK(post(s, "First Timer", "first@example.net", "Now trusted.",
	    NULL, NULL, &r) == 422 && strstr(r.body.data, "already posted"));
	resp_free(&r);
	CHECK(galley((const char *[]){ "comments", site, "set-status", "99999",
	    "spam", NULL }, NULL) == 1);
	CHECK(galley((const char *[]){ "comments", site, "set-status", "1",
	    "bogus", NULL }, NULL) == 2);
}

static void
flood(struct srv *s)
{
	struct resp	 r;

	/*
	 * The comments just posted from this address are within the hour
	 * (the longest window: however slow the machine, as it may be under
	 * ASan beside other tests, "just" stays inside it).
	 */
	set("comment_flood_seconds", "3600");
	CHECK(post(s, "Other", "other@example.net", "Flood two.", NULL, NULL,
	    &r) == 422 && strstr(r.body.data, "too quickly") &&
	    strstr(r.body.data, "Flood two."));
	resp_free(&r);
	CHECK(!listed("pending", "Flood two.") &&
	    !listed("approved", "Flood two."));
	set("comment_flood_seconds", "0");
}

/*
 * A unique key that no rule of ours names (an index this test adds; in
 * life, a write that another took first): the comment comes back in its
 * form with a message and Retry-After, not as a bare 422.
 */
static void
conflict(struct srv *s)
{
	struct resp	 r;

	CHECK(db_exec(site_db(site), "CREATE UNIQUE INDEX galley_test_once"
	    " ON comments (content) WHERE content LIKE 'Only once%'") == 0);
	CHECK(post(s, "Once", "once@example.net", "Only once, please.",
	    NULL, NULL, &r) == 303);
	resp_free(&r);
	CHECK(post(s, "Twice", "twice@example.net", "Only once, please.",
	    NULL, NULL, &r) == 503 && r.body.data != NULL &&
	    strstr(r.body.data, "could not save your comment") &&
	    strstr(r.body.data, "Only once, please.") &&
	    strstr(r.body.data, "value=\"Twice\"") &&
	    resp_header(&r, "Retry-After") != NULL);
	resp_free(&r);
	CHECK(db_count(site_db(site), "SELECT count(*) FROM comments WHERE"
	    " content = 'Only once, please.'") == 1);
	CHECK(db_exec(site_db(site), "DROP INDEX galley_test_once") == 0);
}

struct together {
	struct srv	*s;
	char		 author[32], email[64], text[96];
	long		 status;
	pthread_barrier_t *go;
};

static void *
together_post(void *arg)
{
	struct together	*t = arg;
	struct resp	 r;

	pthread_barrier_wait(t->go);
	t->status = post(t->s, t->author, t->email, t->text, NULL, NULL, &r);
	resp_free(&r);
	return NULL;
}

/* Posts n comments at once, each from its own thread. */
static void
at_once(struct together *t, int n)
{
	pthread_t		 th[32];
	pthread_barrier_t	 go;
	int			 i;

	pthread_barrier_init(&go, NULL, (unsigned)n);
	for (i = 0; i < n; i++) {
		t[i].go = &go;
		pthread_create(&th[i], NULL, together_post, &t[i]);
	}
	for (i = 0; i < n; i++)
		pthread_join(th[i], NULL);
	pthread_barrier_destroy(&go);
}

/* One of two twins: the same comment and picture, sent at once. */
struct twin {
	struct srv		*s;
	const char		*text, *path;
	long			 status;
	pthread_barrier_t	*go;
};

static void *
twin_post(void *arg)
{
	struct twin	*t = arg;
	/* The approved writer: shown at once, so its picture is served. */
	const char	*f[] = { "post", "1", "author", "First Timer",
	    "email", "first@example.net", "comment", t->text, NULL };
	struct resp	 r;

	pthread_barrier_wait(t->go);
	t->status = http_post(t->s, "/comments", f, 1, t->path, NULL, &r) ==
	    0 ? r.status : -1;
	resp_free(&r);
	return NULL;
}

/* A JPEG of noise that no other round makes, written to path. */
static int
noise_jpeg(const char *path, unsigned seed)
{
	unsigned char	 px[160 * 120 * 3], *jpg = NULL;
	unsigned long	 len = 0;
	tjhandle	 tj = tjInitCompress();
	FILE		*f;
	size_t		 i;
	int		 rc = -1;

	for (i = 0; i < sizeof(px); i++) {
		seed = seed * 1103515245u + 12345u;
		px[i] = (unsigned char)(seed >> 16);
	}
	if (tj != NULL && tjCompress2(tj, px, 160, 0, 120, TJPF_RGB, &jpg,
	    &len, TJSAMP_420, 90, 0) == 0 && (f = fopen(path, "wb")) != NULL) {
		rc = fwrite(jpg, 1, len, f) == len ? 0 : -1;
		if (fclose(f) != 0)
			rc = -1;
	}
	tjFree(jpg);
	if (tj != NULL)
		tjDestroy(tj);
	return rc;
}

/*
 * A reader's double click with a picture: twins at once, each storing
 * the same new picture; one is kept, the other refused as the same
 * comment, and the one kept shows its picture whichever twin made the
 * file.  Eight pairs at a time, so that which twin stores first and
 * which commits first vary; the twin that made the file is nearly
 * always the one that commits, so this does not show the discard that
 * pins prevent on its own (test_media's unit_store does, by steps).
 */
#define TWIN_PAIRS	8
static void
twins(struct srv *s)
{
	struct twin		 t[2 * TWIN_PAIRS];
	pthread_t		 th[2 * TWIN_PAIRS];
	pthread_barrier_t	 go;
	char			*path[TWIN_PAIRS], text[TWIN_PAIRS][64];
	char			 sql[700], url[600];
	struct buf		 out;
	struct resp		 r;
	int			 round, i, p, ok, refused, shown = 0;

	for (p = 0; p < TWIN_PAIRS; p++)
		path[p] = tmp_path("twin");
	for (round = 0; round < 4; round++) {
		pthread_barrier_init(&go, NULL, 2 * TWIN_PAIRS);
		for (p = 0; p < TWIN_PAIRS; p++) {
			CHECK(noise_jpeg(path[p], 7919u * (unsigned)(round *
			    TWIN_PAIRS + p) + 1) == 0);
			snprintf(text[p], sizeof(text[p]), "Twin picture %d.",
			    round * TWIN_PAIRS + p);
			for (i = 0; i < 2; i++)
				t[2 * p + i] = (struct twin){ s, text[p],
				    path[p], 0, &go };
		}
		for (i = 0; i < 2 * TWIN_PAIRS; i++)
			pthread_create(&th[i], NULL, twin_post, &t[i]);
		for (i = 0; i < 2 * TWIN_PAIRS; i++)
			pthread_join(th[i], NULL);
		pthread_barrier_destroy(&go);
		for (p = 0; p < TWIN_PAIRS; p++) {
			ok = (t[2 * p].status == 303) +
			    (t[2 * p + 1].status == 303);
			refused = (t[2 * p].status == 422) +
			    (t[2 * p + 1].status == 422);
			if (!CHECK(ok == 1 && refused == 1))
				fprintf(stderr, "  twins: %ld %ld\n",
				    t[2 * p].status, t[2 * p + 1].status);
			snprintf(sql, sizeof(sql), "SELECT image || '.' ||"
			    " image_ext FROM comments WHERE content = '%s'",
			    text[p]);
			buf_init(&out);
			CHECK(db_rows(site_db(site), sql, &out) == 0 &&
			    out.data != NULL && strlen(out.data) > 64);
			if (out.data != NULL && strchr(out.data, '\n'))
				*strchr(out.data, '\n') = '\0';
			snprintf(url, sizeof(url), "/media/%s", out.data ?
			    out.data : "");
			buf_reset(&out);
			if (http_get(s, url, &r) == 0 && r.status == 200)
				shown++;
			else
				fprintf(stderr, "  %s: %s: %ld\n", text[p],
				    url, r.status);
			resp_free(&r);
		}
	}
	CHECK(shown == 4 * TWIN_PAIRS);
	for (p = 0; p < TWIN_PAIRS; p++) {
		unlink(path[p]);
		free(path[p]);
	}
}

/*
 * More bursts of sixteen at once, each from its own address: whether
 * comments share a transaction depends on their arriving while another
 * commits, which on PostgreSQL without fsync one burst alone sometimes
 * missed ("1735 comments in 1735 transactions"); each is taken.
 */
static void
bursts(struct srv *s)
{
	struct together	 t[16];
	int		 round, i, ok;

	for (round = 0; round < 4; round++) {
		memset(t, 0, sizeof(t));
		for (i = 0; i < 16; i++) {
			t[i].s = s;
			snprintf(t[i].author, sizeof(t[i].author), "Burst %d",
			    i);
			snprintf(t[i].email, sizeof(t[i].email),
			    "burst%d-%d@example.net", round, i);
			snprintf(t[i].text, sizeof(t[i].text), "Burst %d of"
			    " round %d.", i, round);
		}
		at_once(t, 16);
		for (i = ok = 0; i < 16; i++)
			ok += t[i].status == 303;
		CHECK(ok == 16);
	}
}

/*
 * Comments that arrive together share one transaction (group commit),
 * and each is still judged alone: one the database refuses (a trigger
 * made to fail on "poison") takes back only itself; of four copies of
 * one text exactly one is taken (the duplicate rule sees the batch's
 * earlier comments); of six from one address within the flood window
 * exactly one.  Whether they did share transactions, the server says
 * when it stops (main).
 */
static void
together(struct srv *s)
{
	struct together	 t[32];
	int		 i, ok = 0, refused = 0, failed = 0;
	const char	*poison_sqlite = "CREATE TRIGGER poison BEFORE INSERT"
	    " ON comments WHEN NEW.content LIKE '%poison%' BEGIN"
	    " SELECT RAISE(ABORT, 'poisoned'); END";
	const char	*poison_pg = "CREATE FUNCTION poison() RETURNS trigger"
	    " LANGUAGE plpgsql AS $$ BEGIN IF NEW.content LIKE '%poison%'"
	    " THEN RAISE EXCEPTION 'poisoned'; END IF; RETURN NEW; END $$;"
	    " CREATE TRIGGER poison BEFORE INSERT ON comments FOR EACH ROW"
	    " EXECUTE FUNCTION poison()";
	const int	 pg = getenv("GALLEY_DB") != NULL;

	CHECK(db_exec(site_db(site), pg ? poison_pg : poison_sqlite) == 0);
	memset(t, 0, sizeof(t));
	/* 16 at once: what one address may have in flight (post_slots). */
	for (i = 0; i < 16; i++) {
		t[i].s = s;
		snprintf(t[i].author, sizeof(t[i].author), "Crowd %d", i);
		snprintf(t[i].email, sizeof(t[i].email), "crowd%d@example.net",
		    i);
		if (i < 10)
			snprintf(t[i].text, sizeof(t[i].text),
			    "Together number %d.", i);
		else if (i < 13)
			snprintf(t[i].text, sizeof(t[i].text),
			    "Together poison %d.", i);
		else {
			snprintf(t[i].author, sizeof(t[i].author), "Echo");
			snprintf(t[i].email, sizeof(t[i].email),
			    "echo@example.net");
			snprintf(t[i].text, sizeof(t[i].text),
			    "Together, said twice.");
		}
	}
	at_once(t, 16);
	for (i = 0; i < 10; i++)
		ok += t[i].status == 303;
	for (i = 10; i < 13; i++)
		failed += t[i].status == 500;
	for (i = 13; i < 16; i++) {
		ok += t[i].status == 303;
		refused += t[i].status == 422;
	}
	if (!CHECK(ok == 11 && failed == 3 && refused == 2))
		for (i = 0; i < 16; i++)
			fprintf(stderr, "  %s: %ld\n", t[i].text, t[i].status);
	CHECK(db_count(site_db(site), "SELECT count(*) FROM comments WHERE"
	    " content LIKE 'Together number %'") == 10);
	CHECK(db_count(site_db(site), "SELECT count(*) FROM comments WHERE"
	    " content LIKE 'Together poison %'") == 0);
	CHECK(db_count(site_db(site), "SELECT count(*) FROM comments WHERE"
	    " content = 'Together, said twice.'") == 1);
	CHECK(db_exec(site_db(site), pg ? "DROP TRIGGER poison ON comments;"
	    " DROP FUNCTION poison()" : "DROP TRIGGER poison") == 0);

	/*
	 * Flood: one address, a 2 s window, six at once after a quiet one.
	 * Set before the quiet, which gives the node time to hear of it.
	 */
	set("comment_flood_seconds", "2");
	sleep(3);
	for (i = 0; i < 6; i++) {
		snprintf(t[i].author, sizeof(t[i].author), "Rush %d", i);
		snprintf(t[i].email, sizeof(t[i].email), "rush%d@example.net",
		    i);
		snprintf(t[i].text, sizeof(t[i].text), "Rushing in %d.", i);
	}
	at_once(t, 6);
	for (i = 0, ok = refused = 0; i < 6; i++) {
		ok += t[i].status == 303;
		refused += t[i].status == 422;
	}
	CHECK(ok == 1 && refused == 5);
	CHECK(db_count(site_db(site), "SELECT count(*) FROM comments WHERE"
	    " content LIKE 'Rushing in %'") == 1);
	set("comment_flood_seconds", "0");
}

static void
replies(struct srv *s)
{
	struct resp	 r;
	char		*v;

	CHECK(http_get(s, ARTICLE "?replytocom=1", &r) == 0 &&
	    r.status == 200);
	CHECK(strstr(r.body.data, "Reply to Oleg") != NULL);
	v = attr(&r, "//input[@name='parent']/@value");
	CHECK_STR(v, "1");
	free(v);
	CHECK(strstr(r.body.data, "name=\"robots\" content=\"noindex\""));
	resp_free(&r);
	CHECK(post(s, "First Timer", "first@example.net", "A reply to Oleg.",
	    NULL, "1", &r) == 303);
	resp_free(&r);
	CHECK(http_eventually(s, ARTICLE, "A reply to Oleg."));
	CHECK(http_get(s, ARTICLE, &r) == 0);
	{
		htmlDocPtr doc = html_parse(&r);

		CHECK(xp_count(doc, "//li[@id='comment-1']/ol/li[contains(.,"
		    "'A reply to Oleg.')]") == 1);
		xmlFreeDoc(doc);
	}
	resp_free(&r);
}

/* Top-level threads paginate; a new comment lands on its page. */
static void
pages(struct srv *s)
{
	struct resp	 r;
	char		 where[1024];
	const char	*loc;
	int		 i;

	set("comments_per_page", "2");
	/*
	 * On PostgreSQL a node hears of the change through a notification:
	 * wait until the article's first page holds two threads at most.
	 */
	for (i = 0; i < 50; i++) {
		htmlDocPtr	 doc;
		int		 n = -1;

		if (http_get(s, ARTICLE, &r) == 0 && r.status == 200 &&
		    (doc = html_parse(&r)) != NULL) {
			n = xp_count(doc, "//ol[@class='comment-list']/li");
			xmlFreeDoc(doc);
		}
		resp_free(&r);
		if (n >= 0 && n <= 2)
			break;
		usleep(100000);
	}
	CHECK(post(s, "First Timer", "first@example.net", "On a later page.",
	    NULL, NULL, &r) == 303);
	loc = resp_header(&r, "Location");
	CHECK(loc != NULL && strstr(loc, "/comment-page-") != NULL);
	snprintf(where, sizeof(where), "%s", loc ? loc : "");
	resp_free(&r);
	if (strchr(where, '#') != NULL)
		*strchr(where, '#') = '\0';
	CHECK(http_eventually(s, where, "On a later page."));
	CHECK(http_get(s, ARTICLE, &r) == 0 && r.status == 200 &&
	    !strstr(r.body.data, "On a later page.") &&
	    strstr(r.body.data, "comment-page-2/#comments"));
	resp_free(&r);
	CHECK(http_get(s, ARTICLE "comment-page-99/", &r) == 0 &&
	    r.status == 404);
	resp_free(&r);
	CHECK(http_get(s, ARTICLE "comment-page-1/", &r) == 0 &&
	    r.status == 301 && strcmp(resp_header(&r, "Location"), ARTICLE)
	    == 0);
	resp_free(&r);
	set("comments_per_page", "50");
}

/* The id in a 303's Location (#comment-N), or 0; frees r. */
static long
posted_id(struct resp *r)
{
	const char	*loc = resp_header(r, "Location");
	const char	*at = loc ? strstr(loc, "#comment-") : NULL;
	long		 id = at ? strtol(at + 9, NULL, 10) : 0;

	resp_free(r);
	return id;
}

/*
 * A long thread: the article shows its head and the first replies, with
 * a link to the rest; the thread's own pages hold all of it, and a reply
 * past the first is sent there after it is posted.
 */
static void
long_thread(struct srv *s)
{
	struct resp	 r;
	htmlDocPtr	 doc;
	char		 id[4][32], path[256], want[512];
	const char	*loc;
	long		 n;
	int		 i;

	set("comment_replies_shown", "1");
	CHECK(post(s, "First Timer", "first@example.net", "Thread head.",
	    NULL, NULL, &r) == 303);
	snprintf(id[0], sizeof(id[0]), "%ld", posted_id(&r));
	for (i = 1; i < 4; i++) {
		snprintf(want, sizeof(want), "Thread reply %d.", i);
		CHECK(post(s, "First Timer", "first@example.net", want, NULL,
		    id[0], &r) == 303);
		loc = resp_header(&r, "Location");
		snprintf(path, sizeof(path), "%sthread-%s/", ARTICLE, id[0]);
		/* The first reply shows on the article, the others not. */
		CHECK_MSG(loc != NULL && (i == 1) == (strstr(loc, path) ==
		    NULL), "only the first reply stays on the article");
		snprintf(id[i], sizeof(id[i]), "%ld", posted_id(&r));
	}
	CHECK(http_eventually(s, path, "Thread reply 3."));
	CHECK(http_get(s, ARTICLE, &r) == 0 && r.status == 200);
	doc = html_parse(&r);
	snprintf(want, sizeof(want), "//li[@id='comment-%s']/ol/li", id[0]);
	CHECK(xp_count(doc, want) == 1);
	snprintf(want, sizeof(want), "//li[@id='comment-%s']/p[@class="
	    "'comment-more']/a[@href='%s#comment-%s' and .='2 more replies"
	    " in this thread']", id[0], path, id[0]);
	CHECK(xp_count(doc, want) == 1);
	CHECK(!strstr(r.body.data, "Thread reply 2.") &&
	    !strstr(r.body.data, "Thread reply 3."));
	xmlFreeDoc(doc);
	resp_free(&r);
	/* The whole thread, with the way back. */
	CHECK(http_get(s, path, &r) == 0 && r.status == 200);
	doc = html_parse(&r);
	snprintf(want, sizeof(want), "//li[@id='comment-%s']//li", id[0]);
	CHECK(xp_count(doc, want) == 3);
	CHECK(xp_count(doc, "//p[@class='comments-thread']/a[starts-with("
	    "@href,'" ARTICLE "#comment-')]") == 1);
	xmlFreeDoc(doc);
	resp_free(&r);
	/* Two a page: the thread's second page holds its last two. */
	set("comments_per_page", "2");
	snprintf(want, sizeof(want), "%scomment-page-2/", path);
	CHECK(http_eventually(s, want, "Thread reply 3."));
	CHECK(http_get(s, want, &r) == 0 && r.status == 200 &&
	    strstr(r.body.data, "Thread reply 2.") &&
	    !strstr(r.body.data, "Thread reply 1."));
	resp_free(&r);
	snprintf(want, sizeof(want), "%scomment-page-3/", path);
	CHECK(http_get(s, want, &r) == 0 && r.status == 404);
	resp_free(&r);
	/* Not a thread's head, or not this post's: no such page. */
	snprintf(want, sizeof(want), "%sthread-%s/", ARTICLE, id[2]);
	CHECK(http_get(s, want, &r) == 0 && r.status == 404);
	resp_free(&r);
	n = strtol(id[3], NULL, 10) + 1000;
	snprintf(want, sizeof(want), "%sthread-%ld/", ARTICLE, n);
	CHECK(http_get(s, want, &r) == 0 && r.status == 404);
	resp_free(&r);
	set("comments_per_page", "50");
	set("comment_replies_shown", "3");
}

static void
limits(struct srv *s)
{
	struct resp	 r;
	char		*big = malloc(200001);
	const char	*h1[] = { "Origin: http://evil.example", NULL };
	const char	*h2[] = { "Sec-Fetch-Site: cross-site", NULL };
	const char	*f[] = { "post", "1", "author", "Ann", "email",
	    "ann@example.org", "comment", "Hello from a form.", NULL };
	char		 origin[100];

	set("comment_max_bytes", "65536");
	memset(big, 'a', 200000);
	big[200000] = '\0';
	CHECK(post(s, "Ann", "ann@example.org", big, NULL, NULL, &r) == 413 &&
	    strstr(r.body.data, "too large"));
	resp_free(&r);
	set("comment_max_bytes", "10485760");
	CHECK(http_post(s, "/comments", f, 0, NULL, h1, &r) == 0 &&
	    r.status == 403);
	resp_free(&r);
	CHECK(http_post(s, "/comments", f, 0, NULL, h2, &r) == 0 &&
	    r.status == 403);
	resp_free(&r);
	snprintf(origin, sizeof(origin), "Origin: http://127.0.0.1:%d",
	    s->port);
	CHECK(http_post(s, "/comments", f, 0, NULL, (const char *[]){ origin,
	    NULL }, &r) == 0 && r.status == 303);
	CHECK(strstr(resp_header(&r, "Set-Cookie"), "Max-Age=0") != NULL);
	resp_free(&r);
	{
		const char *g[] = { "post", "1", "author", "Remembered",
		    "email", "rem@example.org", "comment", "Remember me.",
		    "remember", "yes", NULL };

		CHECK(http_post(s, "/comments", g, 1, NULL, NULL, &r) == 0 &&
		    r.status == 303);
		CHECK(strstr(resp_header(&r, "Set-Cookie"),
		    "galley_commenter=Remembered|rem@example.org|") != NULL);
		resp_free(&r);
	}
	CHECK(http_req(s, "PUT", "/comments", NULL, &r) == 0 &&
	    r.status == 405);
	resp_free(&r);
	CHECK(http_get(s, "/comments", &r) == 0 && r.status == 405 &&
	    strcmp(resp_header(&r, "Allow"), "POST") == 0);
	resp_free(&r);
	CHECK(http_post(s, "/comments", f, 0, NULL, (const char *[]){
	    "Origin: null", NULL }, &r) == 0 && r.status == 403);
	resp_free(&r);
	/* Behind a proxy that rewrites Host, the browser's word counts. */
	{
		const char *g[] = { "post", "1", "author", "Ann", "email",
		    "ann@example.org", "comment", "Through a proxy.", NULL };

		CHECK(http_post(s, "/comments", g, 0, NULL, (const char *[]){
		    "Origin: https://news.example.org",
		    "Sec-Fetch-Site: same-origin", NULL }, &r) == 0 &&
		    r.status == 303);
		resp_free(&r);
	}
	set("comments_close_days", "1");
	CHECK(post(s, "Ann", "ann@example.org", "Too late.", NULL, NULL, &r) ==
	    422 && strstr(r.body.data, "Comments are closed"));
	resp_free(&r);
	set("comments_close_days", "0");
	free(big);
}

static void
images(struct srv *s)
{
	const char	*shared = getenv("SHARED") ? getenv("SHARED") :
	    "../shared";
	/* The approved writer: straight in, so the picture shows. */
	const char	*f[] = { "post", "1", "author", "First Timer", "email",
	    "first@example.net", "comment", "A picture.", NULL };
	const char	*g[] = { "post", "1", "author", "Photographer", "email",
	    "first@example.net", "comment", "Not a picture.", NULL };
	char		 path[1024];
	struct resp	 r;
	htmlDocPtr	 doc;
	char		*thumb;

	snprintf(path, sizeof(path), "%s/fixtures/jpeg/valid/"
	    "exif-gps-orientation6.jpg", shared);
	CHECK(http_post(s, "/comments", f, 1, path, NULL, &r) == 0 &&
	    r.status == 303);
	resp_free(&r);
	CHECK(http_eventually(s, ARTICLE, "A picture."));
	CHECK(http_get(s, ARTICLE, &r) == 0);
	doc = html_parse(&r);
	thumb = xp_attr(doc, "//p[@class='comment-image']/a/img/@src");
	CHECK(thumb != NULL && strncmp(thumb, "/media/", 7) == 0);
	xmlFreeDoc(doc);
	resp_free(&r);
	if (thumb != NULL && http_get(s, thumb, &r) == 0) {
		CHECK(r.status == 200 &&
		    strcmp(resp_header(&r, "Content-Type"), "image/jpeg") == 0);
		CHECK(r.body.len > 4 && (unsigned char)r.body.data[0] == 0xff);
		/* No Exif anywhere in the stored copy. */
		{
			size_t i, exif = 0;

			for (i = 0; i + 4 <= r.body.len; i++)
				exif += memcmp(r.body.data + i, "Exif", 4) == 0;
			CHECK(exif == 0);
		}
		resp_free(&r);
	}
	free(thumb);
	snprintf(path, sizeof(path), "%s/fixtures/jpeg/invalid/empty.jpg",
	    shared);
	CHECK(http_post(s, "/comments", g, 1, path, NULL, &r) == 0 &&
	    r.status == 422 && strstr(r.body.data, "id=\"image-error\"") &&
	    strstr(r.body.data, "Not a picture."));
	resp_free(&r);
}

/* Every fixture through the form: valid ones stored, the rest refused. */
static void
image_fixtures(struct srv *s)
{
	static const char *const dirs[] = { "valid", "invalid", "unsupported" };
	const char	*shared = getenv("SHARED") ? getenv("SHARED") :
	    "../shared";
	const char	*f[] = { "post", "1", "author", "Photographer", "email",
	    "first@example.net", "comment", NULL, NULL };
	char		 dir[1024], path[1400], text[300], cmd[1100];
	struct resp	 r;
	FILE		*ls;
	size_t		 d;
	int		 wrong = 0, n = 0;

	for (d = 0; d < sizeof(dirs) / sizeof(dirs[0]); d++) {
		snprintf(dir, sizeof(dir), "%s/fixtures/jpeg/%s", shared,
		    dirs[d]);
		snprintf(cmd, sizeof(cmd), "ls %s", dir);
		if ((ls = popen(cmd, "r")) == NULL)
			continue;
		while (fgets(text, sizeof(text), ls) != NULL) {
			text[strcspn(text, "\n")] = '\0';
			snprintf(path, sizeof(path), "%s/%s", dir, text);
			/* Distinct words, so no post is a duplicate. */
			snprintf(text + strlen(text), sizeof(text) -
			    strlen(text), " (%s %d)", dirs[d], n++);
			f[7] = text;
			if (http_post(s, "/comments", f, 1, path, NULL, &r) != 0 ||
			    r.status != (d == 0 ? 303 : 422)) {
				fprintf(stderr, "%s: %ld\n", path, r.status);
				wrong++;
			}
			resp_free(&r);
		}
		pclose(ls);
	}
	CHECK(n > 150);
	CHECK_MSG(wrong == 0, "every valid JPEG stored, every other refused");
	CHECK(http_get(s, "/", &r) == 0 && r.status == 200);
	resp_free(&r);
}

/*
 * Rows of the comments table that hold the writers' address (127.0.0.1)
 * anywhere, read straight from the database; -1 if it cannot be read.
 * On SQLite the file and its WAL are searched byte by byte (the demo's
 * first base_url, http://127.0.0.1:8080, is the one allowed match).
 */
static int
raw_ip_rows(void)
{
	const char	*db = getenv("GALLEY_DB");
	char		 path[600], *data, *p;
	const char	*suffix[] = { "", "-wal" };
	PGconn		*pg;
	PGresult	*res;
	FILE		*fp;
	long		 len;
	size_t		 i;
	int		 n = 0;

	if (db != NULL) {
		pg = PQconnectdb(db);
		res = PQexec(pg, "SELECT count(*) FROM comments c"
		    " WHERE c::text LIKE '%127.0.0.1%'");
		n = PQresultStatus(res) == PGRES_TUPLES_OK ?
		    atoi(PQgetvalue(res, 0, 0)) : -1;
		PQclear(res);
		PQfinish(pg);
		return n;
	}
	for (i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "%s/galley.db%s", site, suffix[i]);
		if ((fp = fopen(path, "rb")) == NULL)
			continue;
		fseek(fp, 0, SEEK_END);
		len = ftell(fp);
		rewind(fp);
		data = malloc((size_t)len + 1);
		if (fread(data, 1, (size_t)len, fp) == (size_t)len)
			for (p = data; p + 9 <= data + len; p++)
				if (memcmp(p, "127.0.0.1", 9) == 0 &&
				    (p + 9 == data + len || p[9] != ':'))
					n++;
		free(data);
		fclose(fp);
	}
	return n;
}

/* Nothing about the writer's address is stored: only its keyed hash. */
static void
privacy(struct srv *s)
{
	struct resp	 r;
	struct buf	 out;

	buf_init(&out);
	CHECK(galley((const char *[]){ "comments", site, "list", NULL }, &out)
	    == 0 && out.data != NULL && !strstr(out.data, "127.0.0.1"));
	buf_reset(&out);
	CHECK(http_get(s, ARTICLE, &r) == 0 &&
	    !strstr(r.body.data, "first@example.net") &&
	    !strstr(r.body.data, "127.0.0.1"));
	resp_free(&r);
	CHECK_MSG(raw_ip_rows() == 0, "no raw IP address in the database");
}

/* One of the writers of xss(): every XSS_WRITERS-th payload from its own. */
#define XSS_WRITERS	4

struct xss_writer {
	struct srv	 *s;
	char		**lines;
	int		  n, first;
	int		  stored, refused, bad, other;
};

static void *
xss_send(void *arg)
{
	struct xss_writer	*w = arg;
	struct resp		 r;
	htmlDocPtr		 doc;
	const char		*line;
	int			 i;

	for (i = w->first; i < w->n; i += XSS_WRITERS) {
		line = w->lines[i];
		/* Half carry it as url too (most then fail as a url). */
		post(w->s, line, "xss@example.org", line, (i + 1) % 2 ? line :
		    NULL, NULL, &r);
		if (r.status == 303)
			w->stored++;
		else if (r.status != 422 && w->other++ < 5)
			fprintf(stderr, "payload %d: status %ld: %s\n", i + 1,
			    r.status, line);
		else if (r.status == 422) {
			w->refused++;
			/* The refused form echoes every field back: inert. */
			if ((i + 1) % 8 == 0) {
				doc = html_parse(&r);
				w->bad += foreign_markup(doc) != 0;
				xmlFreeDoc(doc);
			}
		}
		resp_free(&r);
	}
	return NULL;
}

/*
 * Every payload as author, url and text: stored or refused, inert.  Four
 * writers send them at once, as readers would (alone under ASan on
 * PostgreSQL, this step took 43 and 34 s from one writer and 28 s from
 * four); each payload is still judged alone.
 */
static void
xss(struct srv *s)
{
	pthread_t		 th[XSS_WRITERS];
	struct xss_writer	 w[XSS_WRITERS];
	char			**lines;
	size_t			 n, i;
	int			 started[XSS_WRITERS], stored = 0, refused = 0;
	int			 bad = 0;

	set("comment_moderate_first", "false");
	set("comment_max_links", "100");
	set("moderation_words", "");
	set("disallowed_words", "");
	if (!CHECK((lines = payload_lines(&n)) != NULL))
		return;
	/*
	 * A refused form comes back on its article's page of comments: ten
	 * comments, not fifty, keep that page small (the 422s were most of
	 * this step's time).  Every stored one is still read below.
	 */
	set("comments_per_page", "10");
	for (i = 0; i < XSS_WRITERS; i++) {
		w[i] = (struct xss_writer){ .s = s, .lines = lines,
		    .n = (int)n, .first = (int)i };
		/* A writer that cannot start sends from this thread. */
		if (!(started[i] = pthread_create(&th[i], NULL, xss_send,
		    &w[i]) == 0))
			xss_send(&w[i]);
	}
	for (i = 0; i < XSS_WRITERS; i++) {
		if (started[i])
			pthread_join(th[i], NULL);
		stored += w[i].stored;
		refused += w[i].refused;
		bad += w[i].bad;
	}
	for (i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
	fprintf(stderr, "payloads: %zu sent, %d stored, %d refused\n", n,
	    stored, refused);
	CHECK(n > 3000 && stored > 1500 && (size_t)(stored + refused) == n);
	CHECK_MSG(bad == 0, "refused forms echo payloads inertly");
	bad = 0;
	CHECK(comment_pages(s, ARTICLE, &bad) > stored);
	CHECK_MSG(bad == 0, "stored payloads render inert on every page");
	set("comments_per_page", "50");
}

static char	*line_of(const char *, char *, size_t);

/*
 * Behind a trusted proxy each writer is known by X-Forwarded-For: one
 * writer's flood does not stop another's comment.
 */
static void
proxied(void)
{
	char		 conf[700], line[2048], id[32];
	FILE		*fp;
	struct srv	 s;
	struct resp	 r;
	const char	*f[] = { "post", "1", "author", "First Timer", "email",
	    "first@example.net", "comment", NULL, NULL };

	snprintf(conf, sizeof(conf), "%s/galley.conf", site);
	if (!CHECK((fp = fopen(conf, "a")) != NULL))
		return;
	fputs("trusted_proxies = 127.0.0.1, ::1\n", fp);
	fclose(fp);
	set("comment_flood_seconds", "15");
	if (!CHECK(srv_start(&s, site) == 0))
		return;
	f[7] = "From behind the proxy, A.";
	CHECK(http_post(&s, "/comments", f, 0, NULL, (const char *[]){
	    "X-Forwarded-For: 198.51.100.7, 203.0.113.5", NULL }, &r) == 0 &&
	    r.status == 303);
	resp_free(&r);
	f[7] = "From behind the proxy, B.";
	CHECK_MSG(http_post(&s, "/comments", f, 0, NULL, (const char *[]){
	    "X-Forwarded-For: 203.0.113.9", NULL }, &r) == 0 &&
	    r.status == 303, "another client behind the proxy is no flood");
	resp_free(&r);
	f[7] = "From behind the proxy, A again.";
	CHECK_MSG(http_post(&s, "/comments", f, 0, NULL, (const char *[]){
	    "X-Forwarded-For: 1.2.3.4, 203.0.113.5", NULL }, &r) == 0 &&
	    r.status == 422, "the same client is (left entries are forgeable)");
	resp_free(&r);
	/*
	 * B's comment called spam: its sender's address, in any case, is a
	 * sign of spam from another IP too (comments_by_lower_email).
	 */
	line_of("From behind the proxy, B.", line, sizeof(line));
	snprintf(id, sizeof(id), "%lld", atoll(line));
	CHECK(atoll(id) > 0 && galley((const char *[]){ "comments", site,
	    "set-status", id, "spam", NULL }, NULL) == 0);
	f[5] = "First@Example.NET";
	f[7] = "From elsewhere, the same sender.";
	CHECK(http_post(&s, "/comments", f, 0, NULL, (const char *[]){
	    "X-Forwarded-For: 192.0.2.44", NULL }, &r) == 0 &&
	    r.status == 303);
	resp_free(&r);
	CHECK_MSG(strstr(line_of("From elsewhere, the same sender.", line,
	    sizeof(line)), "known_spammer") != NULL,
	    "a sender seen in spam is known by the address in any case");
	CHECK(srv_stop(&s) == 0);
}

/* The list line of the comment whose text has needle, or "". */
static char *
line_of(const char *needle, char *line, size_t len)
{
	struct buf	 out;
	char		*p, *e;

	buf_init(&out);
	*line = '\0';
	if (galley((const char *[]){ "comments", site, "list", NULL },
	    &out) == 0 && out.data != NULL &&
	    (p = strstr(out.data, needle)) != NULL) {
		while (p > out.data && p[-1] != '\n')
			p--;
		e = strchr(p, '\n');
		snprintf(line, len, "%.*s", (int)(e ? e - p : (long)strlen(p)),
		    p);
	}
	buf_reset(&out);
	return line;
}

/* Moves the comment whose text has needle to the trash. */
static void
trash(const char *needle)
{
	char	 line[600], id[32];

	snprintf(id, sizeof(id), "%lld", atoll(line_of(needle, line,
	    sizeof(line))));
	CHECK(galley((const char *[]){ "comments", site, "set-status", id,
	    "trash", NULL }, NULL) == 0);
}

/* A comment with extra fields (stamp, honeypot) and headers. */
static int
post_extra(struct srv *s, const char *text, const char *const *more,
    const char *const *headers, struct resp *r)
{
	const char	*f[20] = { "post", "1", "author", "Filter Tester",
	    "email", "filter@example.org", "comment", text };
	size_t		 i = 8;

	for (; more != NULL && *more != NULL && i < 18; more++)
		f[i++] = *more;
	f[i] = NULL;
	if (http_post(s, "/comments", f, 0, NULL, headers, r) != 0)
		return -1;
	return (int)r->status;
}

/* Writes n variations of text (with %d) as files in dir. */
static void
texts(const char *dir, const char *text, int n)
{
	char	 path[700];
	FILE	*f;
	int	 i;

	mkdir(dir, 0700);
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%d", dir, i);
		if ((f = fopen(path, "w")) == NULL)
			continue;
		fprintf(f, text, i, i * 7);
		fclose(f);
	}
}

/*
 * The spam filter's decision paths through the real form: honeypot,
 * missing or forged stamp, a form sent too fast, no user agent, a
 * trained spam text caught and a trained ham text let through, and
 * blatant spam discarded when the site asks.
 */
static void
spam_paths(struct srv *s)
{
	char		 line[600], dir[600], ham[700], spam[700], *v;
	struct resp	 r;
	htmlDocPtr	 doc;

	set("comment_moderate_first", "false");
	set("comment_max_links", "5");
	CHECK(post_extra(s, "Honeypot filled.", (const char *[]){ "company",
	    "Acme", NULL }, NULL, &r) == 303);
	resp_free(&r);
	CHECK(listed("spam", "Honeypot filled.") &&
	    strstr(line_of("Honeypot filled.", line, sizeof(line)),
	    "honeypot") != NULL);
	/* In spam, it would make this address and IP a sign of spam. */
	trash("Honeypot filled.");
	CHECK(post_extra(s, "No stamp at all.", (const char *[]){ "stamp", "",
	    NULL }, NULL, &r) == 303 && strstr(resp_header(&r, "Location"),
	    "unapproved"));
	resp_free(&r);
	CHECK(listed("pending", "No stamp at all.") && strstr(line_of(
	    "No stamp at all.", line, sizeof(line)), "no_token") != NULL);
	CHECK(post_extra(s, "A forged stamp.", (const char *[]){ "stamp",
	    "1700000000.0123456789abcdef0123456789abcdef", NULL }, NULL,
	    &r) == 303);
	resp_free(&r);
	CHECK(listed("pending", "A forged stamp.") && strstr(line_of(
	    "A forged stamp.", line, sizeof(line)), "no_token") != NULL);
	set("comment_min_seconds", "60");
	CHECK(post_extra(s, "Typed far too fast.", NULL, NULL, &r) == 303);
	resp_free(&r);
	CHECK(listed("pending", "Typed far too fast.") && strstr(line_of(
	    "Typed far too fast.", line, sizeof(line)), "too_fast") != NULL);
	/* A refused form keeps its stamp: the time runs from the first view. */
	CHECK(post(s, "Filter Tester", "", "Refused but stamped.", NULL,
	    NULL, &r) == 422);
	v = attr(&r, "//input[@name='stamp']/@value");
	CHECK(v != NULL && strlen(v) == 43);
	resp_free(&r);
	{
		const char	*f[] = { "post", "1", "author", "Filter Tester",
		    "email", "", "comment", "Refused, sent back.", "stamp",
		    v ? v : "", NULL };
		char		*w;

		CHECK(http_post(s, "/comments", f, 0, NULL, NULL, &r) == 0 &&
		    r.status == 422);
		w = attr(&r, "//input[@name='stamp']/@value");
		CHECK_STR(w ? w : "", v ? v : "-");
		free(w);
		resp_free(&r);
	}
	free(v);
	set("comment_min_seconds", "0");
	/* The stamp service: fresh each time, never cached. */
	CHECK(http_get(s, "/comments/stamp?post=1", &r) == 0 &&
	    r.status == 200 && strlen(r.body.data) == 43 &&
	    strstr(resp_header(&r, "Cache-Control"), "no-store"));
	resp_free(&r);
	CHECK(http_get(s, "/comments/stamp?post=x", &r) == 0 &&
	    r.status == 404);
	resp_free(&r);
	CHECK(post_extra(s, "Sent by no browser.", NULL, (const char *[]){
	    "User-Agent:", NULL }, &r) == 303);
	resp_free(&r);
	CHECK(listed("pending", "Sent by no browser.") && strstr(line_of(
	    "Sent by no browser.", line, sizeof(line)), "no_user_agent"));
	CHECK(post_extra(s, "An ordinary remark.", NULL, NULL, &r) == 303 &&
	    !strstr(resp_header(&r, "Location"), "unapproved"));
	resp_free(&r);
	CHECK(listed("approved", "An ordinary remark."));

	/* Train the site's filter, then a spam text is caught. */
	snprintf(dir, sizeof(dir), "%s/train", site);
	mkdir(dir, 0700);
	snprintf(ham, sizeof(ham), "%s/ham", dir);
	snprintf(spam, sizeof(spam), "%s/spam", dir);
	texts(ham, "Thanks for the article %d. The analysis of the strikes"
	    " in Syria was clear, and the sources are good (%d).", 15);
	texts(spam, "Cheap replica watches %d, buy now at"
	    " http://replica-watches.example/deal%d and win money fast", 15);
	CHECK(galley((const char *[]){ "spam", site, "train", "--ham", ham,
	    "--spam", spam, NULL }, NULL) == 0);
	CHECK(post_extra(s, "The analysis of the strikes was clear, thanks"
	    " for the article.", NULL, NULL, &r) == 303);
	resp_free(&r);
	CHECK_MSG(listed("approved", "The analysis of the strikes was clear"),
	    "trained ham passes");
	CHECK(post_extra(s, "Cheap replica watches, buy now at http://"
	    "replica-watches.example/today and win", NULL, NULL, &r) == 303);
	resp_free(&r);
	line_of("Cheap replica watches, buy now", line, sizeof(line));
	CHECK_MSG(strstr(line, "\tspam\tpost") != NULL &&
	    strstr(line, "spam_host") != NULL, "trained spam caught");
	trash("Cheap replica watches, buy now");
	/* Blatant spam with a second sign, when the site asks: dropped. */
	set("discard_blatant", "true");
	CHECK(post_extra(s, "Cheap replica watches, buy now at http://"
	    "replica-watches.example/more and win money fast", (const char *[]){
	    "company", "Watches Inc", NULL }, NULL, &r) == 303);
	CHECK(strstr(resp_header(&r, "Location"), "#comments") != NULL &&
	    strstr(resp_header(&r, "Location"), "unapproved") == NULL);
	resp_free(&r);
	CHECK_MSG(*line_of("/more and win", line, sizeof(line)) == '\0',
	    "discarded: stored nowhere");
	set("discard_blatant", "false");
	/* The cached page's own stamp still works, once old enough. */
	set("comment_min_seconds", "1");
	CHECK(http_get(s, ARTICLE, &r) == 0 && r.status == 200);
	doc = html_parse(&r);
	v = xp_attr(doc, "//input[@name='stamp']/@value");
	xmlFreeDoc(doc);
	resp_free(&r);
	sleep(2);
	CHECK(post_extra(s, "From the cached page.", (const char *[]){ "stamp",
	    v ? v : "", NULL }, NULL, &r) == 303 &&
	    !strstr(resp_header(&r, "Location"), "unapproved"));
	resp_free(&r);
	free(v);
	set("comment_min_seconds", "0");
}

/* Returns the number of files in dir (dot files too), or -1. */
static int
entries(const char *dir)
{
	DIR		*d;
	struct dirent	*de;
	int		 n = 0;

	if ((d = opendir(dir)) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL)
		n += strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0;
	closedir(d);
	return n;
}

/*
 * Fills the file system holding path with one file until not a page
 * more fits; returns its descriptor and its size in *size, or -1.
 */
static int
fill(const char *path, off_t *size)
{
	static char	 zero[65536];
	ssize_t		 n;
	int		 fd;

	*size = 0;
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600)) == -1)
		return -1;
	while ((n = write(fd, zero, sizeof(zero))) > 0)
		*size += n;
	if (errno != ENOSPC) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Copies the file from to to; returns 1 if done. */
static int
copy_file(const char *from, const char *to)
{
	struct buf	 b;
	char		 chunk[4096];
	FILE		*in = fopen(from, "rb"), *out;
	size_t		 n;
	int		 ok;

	if (in == NULL)
		return 0;
	buf_init(&b);
	while ((n = fread(chunk, 1, sizeof(chunk), in)) > 0)
		buf_write(chunk, n, &b);
	fclose(in);
	if ((out = fopen(to, "wb")) == NULL) {
		buf_reset(&b);
		return 0;
	}
	ok = fwrite(b.data, 1, b.len, out) == b.len;
	buf_reset(&b);
	return fclose(out) == 0 && ok;
}

/*
 * The pages the stored copies of the picture at path take (display and
 * thumbnail), found by storing it as the server will, elsewhere; 0.
 */
static off_t
copy_pages(const char *path, long page)
{
	struct image_gate	*g = image_gate_new(1, 256 << 20, 1000);
	char			 dir[] = "/tmp/galley-pages-XXXXXX", file[200];
	char			 msg[200];
	unsigned char		*p;
	struct image		 im;
	struct stat		 st;
	size_t			 len;
	off_t			 n = 0;
	FILE			*f;
	int			 i;

	if ((f = fopen(path, "rb")) == NULL || mkdtemp(dir) == NULL)
		goto out;
	fseek(f, 0, SEEK_END);
	len = (size_t)ftell(f);
	rewind(f);
	p = malloc(len);
	if (fread(p, 1, len, f) == len && image_store(p, len, IMAGE_JPEG, FILES(dir), NULL, g, &im, msg,
	    sizeof(msg)) == IMAGE_OK)
		for (i = 0; i < 2; i++) {
			snprintf(file, sizeof(file), "%s/%s.jpg", dir,
			    i == 0 ? im.hash : im.thumb);
			if (stat(file, &st) == 0)
				n += (st.st_size + page - 1) / page;
			unlink(file);
		}
	free(p);
	rmdir(dir);
out:
	if (f != NULL)
		fclose(f);
	image_gate_free(g);
	return n;
}

/* A comment with the picture at path (or none) on the full site. */
static long
full_post(struct srv *s, const char *text, const char *path,
    struct resp *r)
{
	const char	*f[] = { "post", "1", "author", "Filled Up", "email",
	    "full@example.org", "comment", text, NULL };

	if (http_post(s, "/comments", f, 1, path, NULL, r) != 0)
		return -1;
	return r->status;
}

/* The form came back with the words and a message at expr. */
static int
refilled(const struct resp *r, const char *text, const char *expr,
    const char *words)
{
	htmlDocPtr	 doc = html_parse(r);
	char		*author = xp_attr(doc, "//input[@id='author']/@value");
	char		*said = xp_text(doc, expr);
	int		 ok;

	ok = author != NULL && strcmp(author, "Filled Up") == 0 &&
	    said != NULL && strstr(said, words) != NULL &&
	    r->body.data != NULL && strstr(r->body.data, text) != NULL &&
	    strstr(r->body.data, "could not take it just now") != NULL &&
	    strstr(r->body.data, "correct what is marked") == NULL;
	free(author);
	free(said);
	xmlFreeDoc(doc);
	return ok;
}

/* Returns 1 if r has the header Retry-After: value. */
static int
retry_after(const struct resp *r, const char *value)
{
	const char	*v = resp_header(r, "Retry-After");

	return v != NULL && strcmp(v, value) == 0;
}

/*
 * While the database cannot write: a text comment and a vote get 503
 * with Retry-After, the comment its form back with a message.
 */
static void
full_writes(struct srv *s)
{
	const char	*v[] = { "type", "post", "id", "1", "value", "4", NULL };
	struct resp	 r;

	CHECK(full_post(s, "Words while the disk is full.", NULL, &r) == 503);
	CHECK(retry_after(&r, "60"));
	CHECK_MSG(refilled(&r, "Words while the disk is full.",
	    "//p[@class='form-error']", "cannot save comments"),
	    "the text comment's form comes back with a message");
	resp_free(&r);
	CHECK(http_post(s, "/votes", v, 0, NULL, NULL, &r) == 0 &&
	    r.status == 503 && strstr(r.body.data, "cannot record votes") &&
	    retry_after(&r, "60"));
	resp_free(&r);
	CHECK(http_post(s, "/votes", v, 0, NULL, (const char *[]){
	    "Accept: application/json", NULL }, &r) == 0 && r.status == 503 &&
	    strstr(r.body.data, "{\"error\":") == r.body.data);
	resp_free(&r);
}

/* A picture stored for a comment the database then cannot take. */
static void
full_picture(struct srv *s, const char *media, const char *picture,
    int before)
{
	struct resp	 r;

	CHECK(full_post(s, "A picture the database cannot take.", picture,
	    &r) == 503);
	resp_free(&r);
	CHECK_MSG(entries(media) == before, "the picture's files taken back");
}

/*
 * PostgreSQL's disk is not ours to fill: a trigger raises its disk_full
 * (SQLSTATE 53100) on every comment and vote instead.
 */
static int
pg_full(const char *db, int on)
{
	return db_exec(db, on ? "CREATE FUNCTION galley_test_full()"
	    " RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RAISE EXCEPTION"
	    " 'could not extend file: No space left on device' USING"
	    " ERRCODE = 'disk_full'; END$$;"
	    "CREATE TRIGGER galley_test_full BEFORE INSERT ON comments"
	    " FOR EACH ROW EXECUTE FUNCTION galley_test_full();"
	    "CREATE TRIGGER galley_test_full BEFORE INSERT OR UPDATE ON"
	    " post_votes FOR EACH ROW EXECUTE FUNCTION galley_test_full();" :
	    "DROP FUNCTION galley_test_full() CASCADE;") == 0;
}

/*
 * A full disk, on a 4 MB tmpfs mounted for a site of its own (on
 * PostgreSQL the database is elsewhere: only the media folder is on the
 * tmpfs).  Full: a comment with a picture gets 507 with the reader's
 * words and the reason beside the picture, and leaves no file.  The
 * database full (SQLite: the same tmpfs, with room left for a picture's
 * files alone; PostgreSQL: its disk_full raised by a trigger): a text
 * comment and a vote get 503 with Retry-After, and a picture stored for
 * a comment the database then refuses is taken back.  Room again:
 * comments and votes pass, with no restart.  Skipped, saying why, where
 * the test may not mount a tmpfs.
 */
static void
disk_full(void)
{
	const char	*db = getenv("GALLEY_DB");
	const char	*shared = getenv("SHARED") ? getenv("SHARED") :
	    "../shared";
	char		*dir = tmp_path("full"), path[600], media[600];
	char		 picture[1024], filler[600], fresh[700];
	struct srv	 s;
	struct resp	 r;
	struct timespec	 t0, t1;
	off_t		 size, need;
	int		 fd = -1, before, started = 0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	snprintf(picture, sizeof(picture), "%s/fixtures/jpeg/valid/"
	    "progressive3.jpg", shared);
	if (mkdir(dir, 0755) == -1 ||
	    mount("tmpfs", dir, "tmpfs", 0, "size=4m,mode=0755") == -1) {
		printf("disk_full: skipped: cannot mount a tmpfs on %s: %s\n",
		    dir, strerror(errno));
		rmdir(dir);
		free(dir);
		return;
	}
	snprintf(media, sizeof(media), "%s/media", dir);
	if (db != NULL) {
		/* The same database and secret; the media on the tmpfs. */
		snprintf(path, sizeof(path), "%s/galley.conf", site);
		snprintf(filler, sizeof(filler), "%s/galley.conf", dir);
		CHECK(copy_file(path, filler) && mkdir(media, 0755) == 0);
	} else {
		CHECK(galley((const char *[]){ "init", dir, "--demo", NULL },
		    NULL) == 0);
		CHECK(galley((const char *[]){ "config", dir, "set",
		    "comment_min_seconds", "0", NULL }, NULL) == 0);
		CHECK(galley((const char *[]){ "config", dir, "set",
		    "comment_flood_seconds", "0", NULL }, NULL) == 0);
	}
	if (!CHECK(srv_start(&s, dir) == 0))
		goto out;
	started = 1;
	before = entries(media);
	snprintf(filler, sizeof(filler), "%s/filler", dir);
	if (!CHECK((fd = fill(filler, &size)) != -1))
		goto out;
	CHECK(full_post(&s, "A picture while the disk is full.", picture,
	    &r) == 507);
	CHECK_MSG(refilled(&r, "A picture while the disk is full.",
	    "//span[@id='image-error']", "no room to save pictures"),
	    "the picture's form comes back with the reason beside it");
	resp_free(&r);
	CHECK_MSG(entries(media) == before, "no new file in media/");
	if (db == NULL) {
		full_writes(&s);
		/* Room for the picture's two files, none for the database. */
		need = copy_pages(picture, sysconf(_SC_PAGESIZE));
		if (CHECK(need > 0 && ftruncate(fd, size - need *
		    sysconf(_SC_PAGESIZE)) == 0))
			full_picture(&s, media, picture, before);
	}
	/* Room again, and no restart. */
	close(fd);
	fd = -1;
	unlink(filler);
	if (db != NULL && CHECK(pg_full(db, 1))) {
		full_writes(&s);
		/*
		 * A picture no comment names: the first site's comments
		 * name every fixture, and a discard keeps a named picture.
		 */
		snprintf(fresh, sizeof(fresh), "%s/fresh.jpg", dir);
		if (CHECK(noise_jpeg(fresh, 4242) == 0))
			full_picture(&s, media, fresh, before);
		unlink(fresh);
		CHECK(pg_full(db, 0));
	}
	CHECK(full_post(&s, "A picture once there is room.", picture, &r) ==
	    303);
	resp_free(&r);
	CHECK(entries(media) == before + 2);
	CHECK(full_post(&s, "Words once there is room.", NULL, &r) == 303);
	resp_free(&r);
	CHECK(http_post(&s, "/votes", (const char *[]){ "type", "post", "id",
	    "1", "value", "4", NULL }, 0, NULL, NULL, &r) == 0 &&
	    r.status == 303);
	resp_free(&r);
out:
	if (fd != -1)
		close(fd);
	if (started)
		CHECK_MSG(srv_stop(&s) == 0, "clean stop");
	CHECK(umount2(dir, MNT_DETACH) == 0);
	rmdir(dir);
	free(dir);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("disk_full: %.1f s\n", (double)(t1.tv_sec - t0.tv_sec) +
	    (t1.tv_nsec - t0.tv_nsec) / 1e9);
}

/* Runs a part of the test and says how long it took. */
#define TIMED(call) do {						\
	struct timespec	 t0_, t1_;					\
	clock_gettime(CLOCK_MONOTONIC, &t0_);				\
	call;								\
	clock_gettime(CLOCK_MONOTONIC, &t1_);				\
	printf("%s: %.1f s\n", #call, (double)(t1_.tv_sec - t0_.tv_sec) +	\
	    (t1_.tv_nsec - t0_.tv_nsec) / 1e9);				\
} while (0)

/*
 * The plans GALLEY_EXPLAIN logged (SQLite) for the rules' facts, read
 * with every comment: each of its five probes searches an index
 * (migration 28's comments_by_ip_status by status and time for the
 * flood rule), none scans the comments.
 */
static void
facts_plans(const char *log)
{
	const char	*p, *e;
	int		 n = 0, flood = 0, text = 0, email = 0, scans = 0;

	for (p = log; p != NULL && (p = strstr(p, "galley: plan: ")) != NULL;
	    p = e) {
		e = p + strcspn(p, "\n");
		if (!line_has(p, e, "created >= ?2) THEN 1"))
			continue;
		n++;
		flood += line_has(p, e, "comments_by_ip_status"
		    " (ip_hash=? AND status=? AND created>?)");
		text += line_has(p, e, "comments_by_text");
		email += line_has(p, e, "comments_by_lower_email");
		if (strncmp(p + 14, "SCAN comments", 13) == 0) {
			scans++;
			fprintf(stderr, "  %.*s\n", (int)(e - p), p);
		}
	}
	CHECK(n >= 5 && flood >= 1 && text >= 1 && email >= 2 && scans == 0);
}

int
main(void)
{
	char		*dir = tmp_path("comments"), cmd[600];
	const char	*p;
	long long	 ni, nb;
	struct srv	 s;
	struct buf	 out;
	const char	*db = getenv("GALLEY_DB");

	site = dir;
	if (sodium_init() < 0)
		return 1;
	buf_init(&out);
	if (db != NULL)
		CHECK(galley((const char *[]){ "init", dir, "--demo", "--db", db,
		    NULL }, &out) == 0);
	else
		CHECK(galley((const char *[]){ "init", dir, "--demo", NULL },
		    &out) == 0);
	buf_reset(&out);
	set("comment_flood_seconds", "0");
	set("comment_min_seconds", "0");	/* the tests type fast */
	/* So that 127.0.0.1, the writers' address, has no place in a page. */
	set("base_url", "https://news.example.org");
	if (db == NULL)
		setenv("GALLEY_EXPLAIN", "1", 1);
	if (!CHECK(srv_start(&s, dir) == 0))
		return check_done();
	unsetenv("GALLEY_EXPLAIN");
	TIMED(validation(&s));
	TIMED(held(&s));
	TIMED(moderation(&s));
	TIMED(flood(&s));
	TIMED(conflict(&s));
	TIMED(replies(&s));
	TIMED(pages(&s));
	TIMED(long_thread(&s));
	TIMED(limits(&s));
	TIMED(images(&s));
	TIMED(image_fixtures(&s));
	TIMED(twins(&s));
	TIMED(privacy(&s));
	TIMED(xss(&s));
	TIMED(spam_paths(&s));
	TIMED(together(&s));
	TIMED(bursts(&s));
	CHECK_MSG(srv_stop_log(&s, &out) == 0, "clean stop");
	/* Comments that arrived together went in fewer transactions. */
	if (out.data != NULL && (p = strstr(out.data, "galley: ")) != NULL &&
	    (p = strstr(out.data, " comments in ")) != NULL) {
		while (p > out.data && p[-1] != ' ')
			p--;
		fprintf(stderr, "%.60s\n", p);
		CHECK(sscanf(p, "%lld comments in %lld", &ni, &nb) == 2 &&
		    nb < ni);
	} else
		CHECK_MSG(0, "the server counts its comments' transactions");
	if (db == NULL)
		facts_plans(out.data);
	buf_reset(&out);
	disk_full();
	proxied();
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	CHECK(system(cmd) == 0);
	free(dir);
	return check_done();
}
