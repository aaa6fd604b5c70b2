/*
 * test_editor: the post editor over real HTTP against `galley serve`, on
 * either engine.  Several categories saved and shown on the article and
 * each category's archive; a slug changed leaves a 301 from the old
 * link, a chain of changes is one hop, and a new post that takes an old
 * path wins; the word count; a time chosen in the site's zone across a
 * clock change schedules the post at the right instant; autosave (CSRF
 * checked, one row replaced, cleared on save, offered back, a new post's
 * draft made on the first); the preview of unsaved text through the
 * article template, which changes nothing; the media picker.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <jansson.h>

#include "buf.h"
#include "check.h"
#include "http.h"

#define PW	"correct horse battery"

static const char	*site;
static char		 dbpath[600];

static long
get(struct srv *s, const char *path, const char *cookie, struct resp *r)
{
	return http_get_as(s, path, cookie, r);
}

static long
post(struct srv *s, const char *const *f, const char *cookie,
    struct resp *r)
{
	const char	*h[2] = { cookie, NULL };

	if (http_post(s, "/admin/posts/", f, 0, NULL, h, r) != 0)
		return -1;
	return r->status;
}

static long
post_st(struct srv *s, const char *const *f, const char *cookie)
{
	struct resp	 r;
	long		 st = post(s, f, cookie, &r);

	resp_free(&r);
	return st;
}

/* The id in a 303 Location "...?edit=ID&done=saved", or 0. */
static long long
edited(const struct resp *r)
{
	const char	*p = strstr(resp_header(r, "Location"), "edit=");

	return p != NULL ? atoll(p + 5) : 0;
}

/* GET path: 1 if it answers status with needle (unless NULL). */
static int
has(struct srv *s, const char *path, long status, const char *needle)
{
	struct resp	 r;
	int		 ok, i;

	/* A PostgreSQL node hears of a write moments after its commit. */
	for (i = 0, ok = 0; i < 10 && !ok; i++) {
		if (i > 0)
			usleep(200000);
		if (http_get(s, path, &r) != 0)
			return 0;
		ok = r.status == status && (needle == NULL || (r.body.data !=
		    NULL && strstr(r.body.data, needle) != NULL));
		if (!ok && i == 9)
			fprintf(stderr, "  GET %s: %ld, %s not found\n", path,
			    r.status, needle ? needle : "-");
		resp_free(&r);
	}
	return ok;
}

/* GET path answers 200 without needle, once a node has heard. */
static int
lacks(struct srv *s, const char *path, const char *needle)
{
	struct resp	 r;
	int		 ok, i;

	for (i = 0, ok = 0; i < 10 && !ok; i++) {
		if (i > 0)
			usleep(200000);
		if (http_get(s, path, &r) != 0)
			return 0;
		ok = r.status == 200 && r.body.data != NULL &&
		    strstr(r.body.data, needle) == NULL;
		resp_free(&r);
	}
	return ok;
}

/* GET path answers 301 to exactly want. */
static int
moved(struct srv *s, const char *path, const char *want)
{
	struct resp	 r;
	const char	*loc;
	int		 ok, i;

	for (i = 0, ok = 0; i < 10 && !ok; i++) {
		if (i > 0)
			usleep(200000);
		if (http_get(s, path, &r) != 0)
			return 0;
		loc = resp_header(&r, "Location");
		ok = r.status == 301 && loc != NULL &&
		    strlen(loc) >= strlen(want) &&
		    strcmp(loc + strlen(loc) - strlen(want), want) == 0;
		if (!ok && i == 9)
			fprintf(stderr, "  GET %s: %ld to %s, want %s\n", path,
			    r.status, loc ? loc : "-", want);
		resp_free(&r);
	}
	return ok;
}

/* id as text, in one of four static buffers (so two fit in a call). */
static const char *
num(long long id)
{
	static char	 b[4][24];
	static int	 i;

	i = (i + 1) % 4;
	snprintf(b[i], sizeof(b[i]), "%lld", id);
	return b[i];
}

/* GET an admin page until it has needle (a node hears of a setting). */
static int
admin_has(struct srv *s, const char *cookie, const char *path,
    const char *needle)
{
	struct resp	 r;
	int		 i, ok = 0;

	for (i = 0; i < 10 && !ok; i++) {
		if (i > 0)
			usleep(200000);
		ok = get(s, path, cookie, &r) == 200 && r.body.data != NULL &&
		    strstr(r.body.data, needle) != NULL;
		resp_free(&r);
	}
	return ok;
}

static long long
count(const char *sql)
{
	return db_count(dbpath, sql);
}

/* "/YYYY/MM/slug/" for a post published now (UTC site). */
static void
path_now(char *out, size_t len, const char *slug)
{
	time_t		 t = time(NULL);
	struct tm	 tm;

	gmtime_r(&t, &tm);
	snprintf(out, len, "/%04d/%02d/%s/", tm.tm_year + 1900, tm.tm_mon + 1,
	    slug);
}

/*
 * Several categories: saved as checked, shown on the article, listed by
 * both categories' archives and back in the editor as checked.
 */
static void
categories(struct srv *s, const char *cookie, const char *tok)
{
	struct resp	 r;
	char		 path[200];
	long long	 id;
	const char	*h[2] = { cookie, NULL };
	int		 st;

	st = http_post(s, "/admin/terms/", (const char *[]){ "csrf", tok,
	    "action", "add", "taxonomy", "category", "name", "Harbour News",
	    NULL }, 0, NULL, h, &r);
	CHECK(st == 0 && r.status == 303);
	resp_free(&r);
	CHECK(post(s, (const char *[]){ "csrf", tok, "action", "save",
	    "title", "Two desks", "body", "Filed twice.", "status", "publish",
	    "category", "terrorism", "category", "harbour-news", "category",
	    "no-such-category", NULL }, cookie, &r) == 303);
	id = edited(&r);
	resp_free(&r);
	snprintf(path, sizeof(path), "SELECT count(*) FROM post_terms pt JOIN"
	    " terms t ON t.id = pt.term_id WHERE pt.post_id = %lld AND"
	    " t.taxonomy = 'category'", id);
	CHECK(count(path) == 2);
	path_now(path, sizeof(path), "two-desks");
	CHECK(has(s, path, 200, "/category/terrorism/\" rel=\"category tag\""));
	CHECK(has(s, path, 200, "/category/harbour-news/\" rel=\"category"
	    " tag\""));
	CHECK(has(s, "/category/terrorism/", 200, "Two desks"));
	CHECK(has(s, "/category/harbour-news/", 200, "Two desks"));
	snprintf(path, sizeof(path), "/admin/posts/?edit=%lld", id);
	CHECK(get(s, path, cookie, &r) == 200 && r.body.data != NULL &&
	    strstr(r.body.data, "value=\"terrorism\" checked") &&
	    strstr(r.body.data, "value=\"harbour-news\" checked"));
	resp_free(&r);
	/* One unticked: the post leaves that archive only. */
	CHECK(post(s, (const char *[]){ "csrf", tok, "action", "save", "id",
	    num(id), "title", "Two desks", "slug", "two-desks", "body",
	    "Filed once.", "status", "publish", "category", "harbour-news",
	    NULL }, cookie, &r) == 303);
	resp_free(&r);
	CHECK(lacks(s, "/category/terrorism/", "Two desks"));
	CHECK(has(s, "/category/harbour-news/", 200, "Two desks"));
}

/* Saves published post id (0: new) with title and slug; its id. */
static long long
publish(struct srv *s, const char *cookie, const char *tok, long long id,
    const char *title, const char *slug)
{
	struct resp	 r;

	CHECK(post(s, (const char *[]){ "csrf", tok, "action", "save", "id",
	    num(id), "title", title, "slug", slug, "body", "Moved about.",
	    "status", "publish", NULL }, cookie, &r) == 303);
	id = edited(&r);
	resp_free(&r);
	return id;
}

/*
 * A slug changed: the old link answers 301 to the new; changed again,
 * both old links go straight to the newest (no chain); changed back,
 * the post is at its first link again and the others lead there; a new
 * post that takes an old path is what that path shows, and a draft's
 * slug leaves nothing behind.
 */
static void
slugs(struct srv *s, const char *cookie, const char *tok)
{
	char		 a[100], b[100], c[100], sql[200];
	long long	 id, other;

	path_now(a, sizeof(a), "first-name");
	path_now(b, sizeof(b), "second-name");
	path_now(c, sizeof(c), "third-name");
	id = publish(s, cookie, tok, 0, "Renamed", "first-name");
	CHECK(has(s, a, 200, "Renamed"));
	publish(s, cookie, tok, id, "Renamed", "second-name");
	CHECK(moved(s, a, b));
	CHECK(has(s, b, 200, "Renamed"));
	publish(s, cookie, tok, id, "Renamed", "third-name");
	CHECK(moved(s, a, c));
	CHECK(moved(s, b, c));
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM redirects WHERE"
	    " post_id = %lld", id);
	CHECK(count(sql) == 2);
	/* A new post takes the first path: it wins over the redirect. */
	other = publish(s, cookie, tok, 0, "Newcomer", "first-name");
	CHECK(other != id && other > 0);
	CHECK(has(s, a, 200, "Newcomer"));
	CHECK(count(sql) == 1);
	CHECK(moved(s, b, c));
	/* Trashed, the newcomer's path is not handed back to the old post. */
	CHECK(post_st(s, (const char *[]){ "csrf", tok, "action", "trash",
	    "id", num(other), NULL }, cookie) == 303);
	CHECK(has(s, a, 404, NULL));
	/* A draft's slug was never a link: nothing kept. */
	CHECK(post_st(s, (const char *[]){ "csrf", tok, "action", "save",
	    "title", "Unseen", "slug", "unseen-one", "body", "x", "status",
	    "draft", NULL }, cookie) == 303);
	other = count("SELECT id FROM posts WHERE slug = 'unseen-one'");
	CHECK(post_st(s, (const char *[]){ "csrf", tok, "action", "save",
	    "id", num(other), "title", "Unseen", "slug", "unseen-two", "body",
	    "x", "status", "draft", NULL }, cookie) == 303);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM redirects WHERE"
	    " post_id = %lld", other);
	CHECK(count(sql) == 0);
}

/*
 * A time typed in a Berlin site's editor is Berlin's, stored as UTC,
 * either side of the spring change (2027-03-28, 02:00 -> 03:00), and a
 * time to come schedules the post: not on the site until then, shown in
 * the list as scheduled and in the editor as typed.
 */
static void
schedule(struct srv *s, const char *cookie, const char *tok)
{
	static const struct {
		const char	*slug, *when;
		long long	 utc;
	} at[] = {
		{ "before-change", "2027-03-28T01:30", 1806193800 },
		{ "after-change", "2027-03-28T03:30", 1806197400 },
	};
	struct resp	 r;
	char		 sql[200];
	size_t		 i;
	long long	 id;

	CHECK(run_galley((const char *[]){ "config", site, "set", "timezone",
	    "Europe/Berlin", NULL }, NULL) == 0);
	CHECK(admin_has(s, cookie, "/admin/posts/?edit=new",
	    "(Europe/Berlin;"));
	for (i = 0; i < 2; i++) {
		CHECK(post(s, (const char *[]){ "csrf", tok, "action", "save",
		    "title", at[i].slug, "body", "Later.", "status", "publish",
		    "when", at[i].when, NULL }, cookie, &r) == 303);
		id = edited(&r);
		resp_free(&r);
		snprintf(sql, sizeof(sql), "SELECT published FROM posts WHERE"
		    " id = %lld", id);
		CHECK(count(sql) == at[i].utc);
		snprintf(sql, sizeof(sql), "/2027/03/%s/", at[i].slug);
		CHECK(has(s, sql, 404, NULL));
		snprintf(sql, sizeof(sql), "/admin/posts/?edit=%lld", id);
		CHECK(get(s, sql, cookie, &r) == 200 && strstr(r.body.data,
		    at[i].when) && strstr(r.body.data, "Europe/Berlin"));
		resp_free(&r);
	}
	CHECK(get(s, "/admin/posts/?q=change", cookie, &r) == 200 &&
	    strstr(r.body.data, "scheduled"));
	resp_free(&r);
	CHECK(run_galley((const char *[]){ "config", site, "set", "timezone",
	    "UTC", NULL }, NULL) == 0);
}

/* post body of a JSON answer: the object, or NULL. */
static json_t *
json_of(const struct resp *r)
{
	return r->body.data != NULL ? json_loads(r->body.data, 0, NULL) :
	    NULL;
}

/*
 * Autosave: refused without the CSRF token; one row per post and writer,
 * replaced by each autosave; the editor offers it back with the text
 * intact, restoring it changes nothing stored, saving clears it, and it
 * is never listed as a revision.  A new post's first autosave makes its
 * draft.
 */
static void
autosave(struct srv *s, const char *cookie, const char *tok)
{
	struct resp	 r;
	char		 sql[300], path[100];
	long long	 id, fresh;
	json_t		*j;

	CHECK(post(s, (const char *[]){ "csrf", tok, "action", "save",
	    "title", "Kept story", "body", "Saved text.", "status", "draft",
	    NULL }, cookie, &r) == 303);
	id = edited(&r);
	resp_free(&r);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM post_revisions WHERE"
	    " post_id = %lld AND autosave = 1", id);
	CHECK(post_st(s, (const char *[]){ "csrf", "forged", "action",
	    "autosave", "id", num(id), "title", "Kept story", "body",
	    "Forged.", NULL }, cookie) == 403);
	CHECK(post_st(s, (const char *[]){ "action", "autosave", "id",
	    num(id), "title", "Kept story", "body", "Forged.", NULL },
	    cookie) == 403);
	CHECK(count(sql) == 0);
	CHECK(post(s, (const char *[]){ "csrf", tok, "action", "autosave",
	    "id", num(id), "title", "Kept story", "body", "Typed once.",
	    NULL }, cookie, &r) == 200);
	j = json_of(&r);
	CHECK(j != NULL && json_integer_value(json_object_get(j, "id")) ==
	    id && json_string_length(json_object_get(j, "time")) == 5);
	CHECK(strstr(resp_header(&r, "Content-Type"), "application/json"));
	json_decref(j);
	resp_free(&r);
	CHECK(post_st(s, (const char *[]){ "csrf", tok, "action", "autosave",
	    "id", num(id), "title", "Kept story, retitled", "body",
	    "Typed twice, <b>& more</b>.", NULL }, cookie) == 200);
	CHECK(count(sql) == 1);
	snprintf(path, sizeof(path), "SELECT count(*) FROM posts WHERE id ="
	    " %lld AND body = 'Saved text.'", id);
	CHECK(count(path) == 1);
	/* Offered back, the saved text still in the editor. */
	snprintf(path, sizeof(path), "/admin/posts/?edit=%lld", id);
	CHECK(get(s, path, cookie, &r) == 200 && r.body.data != NULL &&
	    strstr(r.body.data, "Restore the autosaved draft from") &&
	    strstr(r.body.data, ">Saved text.</textarea>") &&
	    !strstr(r.body.data, "Typed twice"));
	resp_free(&r);
	CHECK(post(s, (const char *[]){ "csrf", tok, "action",
	    "autosave_restore", "id", num(id), NULL }, cookie, &r) == 200 &&
	    r.body.data != NULL &&
	    strstr(r.body.data, ">Typed twice, &lt;b&gt;&amp; more&lt;/b&gt;."
	    "</textarea>") &&
	    strstr(r.body.data, "value=\"Kept story, retitled\""));
	resp_free(&r);
	snprintf(path, sizeof(path), "SELECT count(*) FROM posts WHERE id ="
	    " %lld AND body = 'Saved text.'", id);
	CHECK(count(path) == 1 && count(sql) == 1);
	/* Not a revision to restore. */
	snprintf(path, sizeof(path), "/admin/posts/?edit=%lld", id);
	CHECK(get(s, path, cookie, &r) == 200 && r.body.data != NULL &&
	    !strstr(r.body.data, "name=\"revision\""));
	resp_free(&r);
	/* Saving clears it. */
	CHECK(post_st(s, (const char *[]){ "csrf", tok, "action", "save",
	    "id", num(id), "title", "Kept story", "body", "Final text.",
	    "status", "draft", NULL }, cookie) == 303);
	CHECK(count(sql) == 0);
	CHECK(get(s, path, cookie, &r) == 200 && r.body.data != NULL &&
	    !strstr(r.body.data, "Restore the autosaved draft"));
	resp_free(&r);
	/* Discarded on request. */
	CHECK(post_st(s, (const char *[]){ "csrf", tok, "action", "autosave",
	    "id", num(id), "title", "Kept story", "body", "Second thoughts.",
	    NULL }, cookie) == 200 && count(sql) == 1);
	CHECK(post_st(s, (const char *[]){ "csrf", tok, "action",
	    "autosave_discard", "id", num(id), NULL }, cookie) == 303);
	CHECK(count(sql) == 0);
	/* A new post: its first autosave makes the draft. */
	CHECK(post(s, (const char *[]){ "csrf", tok, "action", "autosave",
	    "id", "0", "title", "", "body", "Fresh words here.", NULL },
	    cookie, &r) == 200);
	j = json_of(&r);
	fresh = j != NULL ? json_integer_value(json_object_get(j, "id")) : 0;
	json_decref(j);
	resp_free(&r);
	snprintf(path, sizeof(path), "SELECT count(*) FROM posts WHERE id ="
	    " %lld AND status = 'draft' AND body = 'Fresh words here.'", fresh);
	CHECK(fresh > 0 && count(path) == 1);
	/* A body past 1 MB: refused, said, nothing kept. */
	{
		char	*big = malloc((1 << 20) + 2);

		memset(big, 'a', (1 << 20) + 1);
		big[(1 << 20) + 1] = '\0';
		CHECK(post(s, (const char *[]){ "csrf", tok, "action",
		    "autosave", "id", num(id), "title", "Kept story", "body",
		    big, NULL }, cookie, &r) == 422 && r.body.data != NULL &&
		    strstr(r.body.data, "at most 1 MB"));
		resp_free(&r);
		free(big);
		CHECK(count(sql) == 0);
	}
}

/*
 * The preview: the site's article template with the unsaved title,
 * text and terms, marked noindex, never stored in the page cache, and
 * nothing changes (rows, terms, the data generation).
 */
static void
preview(struct srv *s, const char *cookie, const char *tok)
{
	struct resp	 r;
	long long	 gen, posts, id;
	char		 sql[200];
	const char	*cc;

	gen = count("SELECT n FROM generation");
	posts = count("SELECT count(*) FROM posts");
	CHECK(post(s, (const char *[]){ "csrf", tok, "action", "preview_page",
	    "id", "0", "title", "Unsaved headline", "body",
	    "An *unsaved* line.", "category", "terrorism", "tags",
	    "Brand New Tag", NULL }, cookie, &r) == 200 &&
	    r.body.data != NULL);
	CHECK(r.body.data && strstr(r.body.data, "<em>unsaved</em>"));
	CHECK(r.body.data && strstr(r.body.data, "Unsaved headline"));
	CHECK(r.body.data && strstr(r.body.data, "/category/terrorism/\""
	    " rel=\"category tag\""));
	CHECK(r.body.data && strstr(r.body.data, "/tag/brand-new-tag/"));
	CHECK(r.body.data && strstr(r.body.data, "<meta name=\"robots\""
	    " content=\"noindex\">"));
	cc = resp_header(&r, "Cache-Control");
	CHECK(cc != NULL && strstr(cc, "no-store"));
	resp_free(&r);
	CHECK(count("SELECT n FROM generation") == gen);
	CHECK(count("SELECT count(*) FROM posts") == posts);
	CHECK(count("SELECT count(*) FROM terms WHERE slug ="
	    " 'brand-new-tag'") == 0);
	/* An existing post's preview leaves it as it was. */
	id = count("SELECT id FROM posts WHERE title = 'Kept story'");
	CHECK(post(s, (const char *[]){ "csrf", tok, "action", "preview_page",
	    "id", num(id), "title", "Kept story", "body", "Not **yet**.",
	    NULL }, cookie, &r) == 200 && r.body.data != NULL &&
	    strstr(r.body.data, "<strong>yet</strong>"));
	resp_free(&r);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM posts WHERE id ="
	    " %lld AND body = 'Final text.'", id);
	CHECK(count(sql) == 1);
	CHECK(count("SELECT n FROM generation") == gen);
	CHECK(post_st(s, (const char *[]){ "csrf", "x", "action",
	    "preview_page", "title", "T", "body", "B", NULL }, cookie) == 403);
	/* The public URL of an unpublished preview is nothing. */
	CHECK(lacks(s, "/category/terrorism/", "Unsaved headline"));
}

/* The word count, as the server shows it on load. */
static void
word_count(struct srv *s, const char *cookie, const char *tok)
{
	struct resp	 r;
	char		 path[100];
	long long	 id;

	CHECK(post(s, (const char *[]){ "csrf", tok, "action", "save",
	    "title", "Counted", "body", "One two three, four.\n\n# Heading"
	    "\n- five \xc3\xa9t\xc3\xa9", "status", "draft", NULL },
	    cookie, &r) == 303);
	id = edited(&r);
	resp_free(&r);
	snprintf(path, sizeof(path), "/admin/posts/?edit=%lld", id);
	CHECK(get(s, path, cookie, &r) == 200 && r.body.data != NULL &&
	    strstr(r.body.data, "id=\"word-count\" aria-live=\"polite\">7"
	    " words<"));
	resp_free(&r);
}

/*
 * Upload from the editor: with json, the Markdown to insert; without,
 * the editor again with the text as sent and the Markdown after it; the
 * picker lists the picture with its Markdown to copy.
 */
static void
pictures(struct srv *s, const char *cookie, const char *tok)
{
	const char	*shared = getenv("SHARED") ? getenv("SHARED") :
	    "../shared";
	const char	*h[2] = { cookie, NULL };
	char		 file[600];
	struct resp	 r;
	json_t		*j;
	const char	*md;

	snprintf(file, sizeof(file), "%s/fixtures/jpeg/valid/"
	    "exif-gps-orientation6.jpg", shared);
	CHECK(http_upload(s, "/admin/posts/", (const char *[]){ "csrf", tok,
	    "action", "upload", "json", "1", "id", "0", "title", "Pictured",
	    "body", "Text.", "image_alt", "A harbour at dawn", NULL }, 1,
	    "image", file, h, &r) == 0 && r.status == 200);
	j = json_of(&r);
	md = j != NULL ? json_string_value(json_object_get(j, "markdown")) :
	    NULL;
	CHECK(md != NULL && strncmp(md, "![A harbour at dawn](/media/", 28) ==
	    0);
	json_decref(j);
	resp_free(&r);
	/* Without the script: the text kept, the Markdown after it. */
	CHECK(http_upload(s, "/admin/posts/", (const char *[]){ "csrf", tok,
	    "action", "upload", "id", "0", "title", "Pictured", "body",
	    "Text before.", "image_alt", "A harbour at dawn", NULL }, 1,
	    "image", file, h, &r) == 0 && r.status == 200 &&
	    r.body.data != NULL && strstr(r.body.data, ">Text before.\n\n"
	    "![A harbour at dawn](/media/"));
	resp_free(&r);
	/* An alt that would break the Markdown: refused, said. */
	CHECK(http_upload(s, "/admin/posts/", (const char *[]){ "csrf", tok,
	    "action", "upload", "json", "1", "id", "0", "title", "P", "body",
	    "T", "image_alt", "a ] b", NULL }, 1, "image", file, h, &r) == 0 &&
	    r.status == 422 && r.body.data != NULL &&
	    strstr(r.body.data, "without brackets"));
	resp_free(&r);
	CHECK(get(s, "/admin/posts/?edit=new", cookie, &r) == 200 &&
	    r.body.data != NULL && strstr(r.body.data, "readonly"
	    " value=\"![A harbour at dawn](/media/"));
	resp_free(&r);
	CHECK(count("SELECT count(*) FROM media WHERE alt ="
	    " 'A harbour at dawn'") == 1);
}

int
main(void)
{
	char		*dir = tmp_path("editor");
	struct srv	 s;
	char		*cookie;
	char		 tok[80];
	long		 st;

	site = dir;
	CHECK(site_demo(dir) == 0);
	snprintf(dbpath, sizeof(dbpath), "%s", site_db(dir));
	CHECK(user_add(site, "editor@example.org", "Ed Editor", "editor",
	    PW) == 0);
	if (!CHECK(srv_start(&s, dir) == 0))
		return check_done();
	cookie = admin_login(&s, "editor@example.org", PW, &st);
	if (!CHECK(cookie != NULL))
		return check_done();
	snprintf(tok, sizeof(tok), "%s", admin_csrf(&s, cookie));
	categories(&s, cookie, tok);
	slugs(&s, cookie, tok);
	schedule(&s, cookie, tok);
	autosave(&s, cookie, tok);
	preview(&s, cookie, tok);
	word_count(&s, cookie, tok);
	pictures(&s, cookie, tok);
	CHECK(srv_stop(&s) == 0);
	free(cookie);
	free(dir);
	return check_done();
}
