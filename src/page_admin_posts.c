/*
 * page_admin_posts: /admin/posts/ and /admin/pages/, the writers' desk.
 * A list with filters (status, author, category) and paging; an editor
 * (?edit=ID, or ?edit=new) with title, slug (from the title unless
 * typed, made unique), Markdown or HTML body with a preview rendered by
 * the server, excerpt, categories and tags (new ones made on the fly),
 * source, and publish now / at a time (the server publishes it then:
 * see server.c) / draft.  Every save of an existing post keeps the
 * version it replaces as a revision, and a revision can be restored.
 * Deleting moves to the trash; the trash gives back.  Authors see and
 * edit their own posts only; pages are for editors and admins.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <jansson.h>

#include "auth.h"
#include "buf.h"
#include "date.h"
#include "form.h"
#include "image.h"
#include "page.h"
#include "page_admin.h"
#include "post.h"
#include "req.h"
#include "search.h"
#include "slug.h"
#include "store.h"
#include "theme.h"
#include "tz.h"
#include "url.h"
#include "utf8.h"

#define PER_PAGE	20
#define BODY_MAX	(1 << 20)
#define PICKER_MAX	60	/* the newest pictures the editor offers */

/* "post" for /admin/posts/, "page" for /admin/pages/. */
static const char *
type_of(struct req *r)
{
	return strcmp(r->route.slug, "pages") == 0 ? "page" : "post";
}

static int
mine_only(const struct session *se)
{
	return auth_role_rank(se->user.role) < 2;
}

/* 1 if s is one of the lines of list. */
static int
has_line(const char *list, const char *s)
{
	const char	*l = list;
	size_t		 n = strlen(s), len;

	while (*l != '\0') {
		len = strcspn(l, "\n");
		if (len == n && strncmp(l, s, n) == 0)
			return 1;
		l += len + (l[len] == '\n');
	}
	return 0;
}

/*
 * "YYYY-MM-DDTHH:MM" in the site's zone, for an <input
 * type="datetime-local"> (which has no zone: the editor's times are the
 * site's, as WordPress's are).
 */
static const char *
local_time(struct req *r, int64_t t)
{
	struct tm	 tm;

	date_local(t, page_tz(r), &tm);
	return arena_printf(&r->arena, "%04d-%02d-%02dT%02d:%02d",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min);
}

/* "HH:MM" of t in the site's zone. */
static const char *
clock_time(struct req *r, int64_t t)
{
	struct tm	 tm;

	date_local(t, page_tz(r), &tm);
	return arena_printf(&r->arena, "%02d:%02d", tm.tm_hour, tm.tm_min);
}

/*
 * The words of a text: runs of bytes between ASCII spaces that hold a
 * letter or digit (any byte past ASCII counts), so Markdown's "#" and
 * "-" are not words.  editor.js counts the same way as one types.
 */
static int64_t
word_count(const char *s)
{
	int64_t		 n = 0;
	int		 word = 0;

	for (;; s++) {
		if (*s == '\0' || isspace((unsigned char)*s)) {
			n += word;
			word = 0;
			if (*s == '\0')
				return n;
		} else if (isalnum((unsigned char)*s) ||
		    (unsigned char)*s >= 0x80)
			word = 1;
	}
}

/*
 * Parses "YYYY-MM-DDTHH:MM[:SS]" as a wall-clock time, counted as Unix
 * seconds are; -1 if it is not one.
 */
static int64_t
parse_wall(const char *s)
{
	int		 y, mo, d, h, mi, sec = 0, n;

	n = sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d", &y, &mo, &d, &h, &mi, &sec);
	if (n < 5 || y < 1970 || y > 9999 || mo < 1 || mo > 12 || d < 1 ||
	    d > 31 || h > 23 || mi > 59 || sec > 59 || h < 0 || mi < 0 ||
	    sec < 0)
		return -1;
	if (d > date_month_days(y, mo))
		return -1;
	return date_days(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec;
}

/*
 * The instant of the editor's time s (parse_wall's) in the site's zone,
 * or -1 if it is not one or falls before 1970 in UTC (the first hours of
 * 1970-01-01 east of Greenwich); tz_utc says how one skipped or repeated
 * by a clock change reads.
 */
static int64_t
parse_time(struct req *r, const char *s)
{
	int64_t	 w = parse_wall(s), t;

	if (w < 0)
		return -1;
	tz_utc(page_tz(r), w, &t);
	return t < 0 ? -1 : t;
}

static const char *
status_word(struct req *r, const struct post *p)
{
	if (strcmp(p->status, "publish") == 0 && p->published > r->now)
		return admin_word(r, "post status", "scheduled");
	return admin_word(r, "post status", strcmp(p->status, "publish") ==
	    0 ? "published" : p->status);
}

static const char *
section_url(struct req *r, const char *query)
{
	struct buf	 b;
	const char	*out;

	buf_init(&b);
	url_admin(&b, r->route.slug);
	if (query != NULL)
		buf_printf(&b, "?%s", query);
	out = arena_strdup(&r->arena, b.data);
	buf_reset(&b);
	return out;
}

/* The filter form's choices: authors (for editors) and categories. */
static void
filters(struct req *r, struct session *se, json_t *view,
    const struct post_filter *f)
{
	json_t		*a = json_array(), *c = json_array(), *o;
	struct user	*u;
	struct term	*t;
	size_t		 n, i;

	if (!mine_only(se) && store_users_list(r->conn, &r->arena, &u,
	    &n) == STORE_OK)
		for (i = 0; i < n; i++) {
			o = json_object();
			view_int(o, "id", u[i].id);
			view_str(o, "name", u[i].name);
			if (u[i].id == f->author_id)
				json_object_set_new(o, "selected", json_true());
			json_array_append_new(a, o);
		}
	if (strcmp(f->type, "post") == 0 && store_terms_list(r->conn,
	    &r->arena, "category", &t, &n) == STORE_OK)
		for (i = 0; i < n; i++) {
			o = json_object();
			view_int(o, "id", t[i].id);
			view_str(o, "name", t[i].name);
			if (t[i].id == f->term_id)
				json_object_set_new(o, "selected", json_true());
			json_array_append_new(c, o);
		}
	json_object_set_new(view, "authors", a);
	json_object_set_new(view, "categories", c);
	view_str(view, "status", f->status != NULL ? f->status : "");
}

/* The list's page n, keeping its status filter and its search. */
static const char *
page_url(struct req *r, const char *status, const char *q, int64_t n)
{
	struct buf	 b;
	const char	*out;

	buf_init(&b);
	if (status != NULL)
		buf_printf(&b, "status=%s&", status);
	if (*q != '\0') {
		buf_puts(&b, "q=");
		url_escape(&b, q);
		buf_putc(&b, '&');
	}
	buf_printf(&b, "page=%lld", (long long)n);
	out = section_url(r, b.data);
	buf_reset(&b);
	return out;
}

/*
 * The list's posts: page f of them, or with a query (q, cleaned) those
 * of them the site's search finds (store_search), best first.  A query
 * with no word finds nothing.
 */
static int
find(struct req *r, const struct post_filter *f, const char *q,
    struct post **out, size_t *n, int64_t *total)
{
	struct search_find	 sf;
	struct search_hit	*h;
	struct buf		 fts5, tsq;
	size_t			 i;
	int			 rc = STORE_OK;

	if (*q == '\0')
		return store_posts_find(r->conn, &r->arena, f, out, n, total);
	*out = NULL;
	*n = 0;
	*total = 0;
	buf_init(&fts5);
	buf_init(&tsq);
	if (search_build(q, &fts5, &tsq) == 0)
		goto done;
	sf = (struct search_find){ .fts5 = fts5.data, .tsquery = tsq.data,
	    .type = f->type, .status = f->status != NULL ? f->status : "",
	    .now = r->now, .author_id = f->author_id, .term_id = f->term_id,
	    .offset = f->offset, .limit = f->limit };
	if ((rc = store_search_count(r->conn, &sf, total)) != STORE_OK ||
	    (rc = store_search(r->conn, &r->arena, &sf, &h, n)) != STORE_OK)
		goto done;
	*out = arena_alloc(&r->arena, (*n + 1) * sizeof(**out));
	memset(*out, 0, (*n + 1) * sizeof(**out));
	for (i = 0; i < *n; i++) {
		(*out)[i].id = h[i].id;
		(*out)[i].type = h[i].type;
		(*out)[i].slug = h[i].slug;
		(*out)[i].title = h[i].title;
		(*out)[i].status = h[i].status;
		(*out)[i].published = h[i].published;
		(*out)[i].author_name = h[i].author_name;
	}
done:
	buf_reset(&fts5);
	buf_reset(&tsq);
	return rc;
}

static int
list(struct req *r, struct session *se)
{
	static const char *const statuses[] = { "publish", "draft", "trash" };
	json_t			*view = admin_view(r, se, strcmp(type_of(r),
	    "page") == 0 ? N_("Pages") : N_("Posts")), *a, *o;
	const char		*st = req_arg(r, "status"), *pg = req_arg(r,
	    "page"), *cat = req_arg(r, "category"), *au = req_arg(r,
	    "author"), *qa = req_arg(r, "q");
	char			 q[SEARCH_TEXT_MAX + 1] = "";
	struct post_filter	 f;
	struct post		*p;
	struct buf		 b;
	size_t			 n, i;
	int64_t			 total = 0, page;

	memset(&f, 0, sizeof(f));
	f.type = type_of(r);
	for (i = 0; st != NULL && i < 3; i++)
		if (strcmp(st, statuses[i]) == 0)
			f.status = statuses[i];
	f.author_id = mine_only(se) ? se->user.id : au != NULL ?
	    strtoll(au, NULL, 10) : 0;
	f.term_id = cat != NULL ? strtoll(cat, NULL, 10) : 0;
	page = pg != NULL ? strtoll(pg, NULL, 10) : 1;
	if (page < 1 || page > 100000)
		page = 1;
	f.offset = (page - 1) * PER_PAGE;
	f.limit = PER_PAGE;
	if (qa != NULL)
		url_search_text(q, qa, strlen(qa));
	view_str(view, "q", q);
	if ((r->store_err = find(r, &f, q, &p, &n, &total)) != STORE_OK)
		return page_render(r, "admin-posts", view, 200);
	a = json_array();
	buf_init(&b);
	for (i = 0; i < n; i++) {
		o = json_object();
		view_int(o, "id", p[i].id);
		view_str(o, "title", *p[i].title ? p[i].title : page_tr(r,
		    "(no title)"));
		view_str(o, "author", p[i].author_name);
		view_str(o, "status", status_word(r, &p[i]));
		if (strcmp(p[i].status, "trash") == 0)
			json_object_set_new(o, "trashed", json_true());
		view_str(o, "date", page_human_date(r, p[i].published));
		view_str(o, "edit", section_url(r, arena_printf(&r->arena,
		    "edit=%lld", (long long)p[i].id)));
		b.len = 0;
		if (strcmp(p[i].type, "page") == 0)
			url_page(&b, p[i].slug);
		else
			url_post(&b, page_tz(r), p[i].published,
			    p[i].slug);
		if (strcmp(p[i].status, "publish") == 0 &&
		    p[i].published <= r->now)
			view_str(o, "view", b.data);
		json_array_append_new(a, o);
	}
	buf_reset(&b);
	json_object_set_new(view, "posts", a);
	view_int(view, "total", total);
	view_str(view, "new", section_url(r, "edit=new"));
	view_str(view, "kind", f.type);
	view_str(view, "section", r->route.slug);
	if (page > 1)
		view_str(view, "prev", page_url(r, f.status, q, page - 1));
	if (page * PER_PAGE < total)
		view_str(view, "next", page_url(r, f.status, q, page + 1));
	filters(r, se, view, &f);
	if (req_arg(r, "done") != NULL)
		view_str(view, "notice", page_tr(r, strcmp(req_arg(r, "done"),
		    "trash") == 0 ? N_("Moved to the trash.") :
		    N_("Restored as a draft.")));
	return page_render(r, "admin-posts", view, 200);
}

/* The editor's fields, from a post or from a form sent back. */
struct draft {
	int64_t		 id;
	const char	*title, *slug, *body, *format, *excerpt, *tags,
			*source_name, *source_url, *status, *when;
	const char	*categories;	/* slugs, one a line */
	int		 comments_open;
	int		 filtered;	/* an author's post: stays filtered */
	int64_t		 featured;	/* media id; 0: none */
	const char	*featured_alt;
	const char	*err[7];	/* title, slug, body, source, when, form,
					   featured image */
};

/*
 * Whether d, saved or previewed by se, is filtered (kses.h): WordPress
 * gives unfiltered_html to editors and admins, not to authors.  Once an
 * author has saved a post it stays filtered, whoever saves it next: the
 * body is kept as the author wrote it, so an editor's save (a typo
 * fixed, a revision restored) must not publish it unfiltered.
 */
static int
filtered(const struct session *se, const struct draft *d)
{
	return d->filtered || auth_role_rank(se->user.role) < 2;
}

/* The featured image's fields, and its thumbnail when it exists. */
static void
view_featured(struct req *r, json_t *view, const struct draft *d)
{
	struct media	 m;
	struct buf	 b;

	view_str(view, "featured", d->featured > 0 ? arena_printf(&r->arena,
	    "%lld", (long long)d->featured) : "");
	view_str(view, "featured_alt", d->featured_alt);
	if (d->featured <= 0 || store_media_get(r->conn, &r->arena,
	    d->featured, &m) != STORE_OK)
		return;
	buf_init(&b);
	url_media(&b, m.hash, image_ext(m.mime) != NULL ? image_ext(m.mime) :
	    "jpg");
	view_str(view, "featured_src", b.data);
	buf_reset(&b);
}

/* The newest pictures of the library, for the editor's picker. */
static void
view_picker(struct req *r, json_t *view)
{
	json_t		*a = json_array();
	struct media	*m;
	size_t		 n, i;
	int64_t		 total;

	if (store_media_list(r->conn, &r->arena, 0, PICKER_MAX, &m, &n,
	    &total) != STORE_OK)
		n = total = 0;
	for (i = 0; i < n; i++)
		json_array_append_new(a, admin_media_item(r, &m[i]));
	json_object_set_new(view, "pictures", a);
	json_object_set_new(view, "more_pictures", json_boolean(total >
	    (int64_t)n));
}

static json_t *
draft_view(struct req *r, struct session *se, const struct draft *d,
    int status_new)
{
	json_t		*view = admin_view(r, se, d->id ? N_("Edit") :
	    N_("New")),
			*cats = json_array(), *o;
	struct term	*t;
	size_t		 n, i;

	(void)status_new;
	view_int(view, "id", d->id);
	view_int(view, "post_id", d->id);
	view_str(view, "title", d->title);
	view_str(view, "slug", d->slug);
	view_str(view, "body", d->body);
	json_object_set_new(view, "markdown", json_boolean(
	    strcmp(d->format, "html") != 0));
	view_str(view, "excerpt", d->excerpt);
	view_str(view, "tags", d->tags);
	view_str(view, "source_name", d->source_name);
	view_str(view, "source_url", d->source_url);
	view_str(view, "when", d->when);
	view_str(view, "zone", tz_name(page_tz(r)));
	json_object_set_new(view, "draft", json_boolean(
	    strcmp(d->status, "draft") == 0));
	json_object_set_new(view, "comments_open", json_boolean(
	    d->comments_open));
	json_object_set_new(view, "is_post", json_boolean(
	    strcmp(type_of(r), "post") == 0));
	view_str(view, "action", section_url(r, NULL));
	view_str(view, "back", section_url(r, NULL));
	if (store_terms_list(r->conn, &r->arena, "category", &t,
	    &n) == STORE_OK)
		for (i = 0; i < n; i++) {
			o = json_object();
			view_str(o, "slug", t[i].slug);
			view_str(o, "name", t[i].name);
			view_int(o, "id", t[i].id);
			if (has_line(d->categories, t[i].slug))
				json_object_set_new(o, "selected", json_true());
			json_array_append_new(cats, o);
		}
	json_object_set_new(view, "categories", cats);
	view_featured(r, view, d);
	n = (size_t)word_count(d->body);
	/* The same words as editor.js writes (page_admin.c's admin_js). */
	view_str(view, "words", arena_printf(&r->arena, i18n_nget(page_lang(r),
	    "%d word", "%d words", n), (int)n));
	view_str(view, "editor_js", theme_asset_url(page_theme(r),
	    "editor.js"));
	view_picker(r, view);
	{
		static const char *const k[7] = { "e_title", "e_slug",
		    "e_body", "e_source", "e_when", "error", "e_featured" };

		for (i = 0; i < 7; i++)
			if (d->err[i] != NULL)
				view_str(view, k[i], page_tr(r, d->err[i]));
	}
	return view;
}

/* The draft of post p: its terms read back as the editor shows them. */
static void
draft_of(struct req *r, const struct post *p, struct draft *d)
{
	struct term	*t;
	struct buf	 b, c;
	size_t		 n, i;

	memset(d, 0, sizeof(*d));
	d->id = p->id;
	d->title = p->title;
	d->slug = p->slug;
	d->body = p->body;
	d->format = p->format;
	d->excerpt = p->excerpt;
	d->source_name = p->source_name;
	d->source_url = p->source_url;
	d->status = p->status;
	/* Empty, so that publishing it dates it now (post_date_floats). */
	d->when = post_date_floats(p) ? "" : local_time(r, p->published);
	d->comments_open = p->comments_open;
	d->filtered = p->filtered;
	d->featured = p->featured_media;
	d->featured_alt = p->featured_alt;
	buf_init(&b);
	buf_init(&c);
	if (store_post_terms(r->conn, &r->arena, p->id, &t, &n) ==
	    STORE_OK)
		for (i = 0; i < n; i++) {
			if (strcmp(t[i].taxonomy, "category") == 0)
				buf_printf(&c, "%s%s", c.len ? "\n" : "",
				    t[i].slug);
			else
				buf_printf(&b, "%s%s", b.len ? ", " : "",
				    t[i].name);
		}
	d->tags = arena_strdup(&r->arena, b.data ? b.data : "");
	d->categories = arena_strdup(&r->arena, c.data ? c.data : "");
	buf_reset(&b);
	buf_reset(&c);
}

/* Loads post id for se: STORE_OK, or a status to answer with. */
static int
load(struct req *r, struct session *se, int64_t id, struct post *p)
{
	int	 rc = store_post_get(r->conn, &r->arena, id, p);

	if (rc == STORE_NOTFOUND || (rc == STORE_OK &&
	    strcmp(p->type, type_of(r)) != 0))
		return admin_refuse(r, se, 404, N_("There is no such post."));
	if (rc != STORE_OK)
		return page_error(r, 503);
	if (mine_only(se) && p->author_id != se->user.id)
		return admin_refuse(r, se, 403, N_("You may edit only your own"
		    " posts."));
	return STORE_OK;
}

static void
view_revisions(struct req *r, json_t *view, int64_t id)
{
	json_t		*a = json_array(), *o;
	struct revision	*rv;
	size_t		 n, i;

	if (id == 0 || store_revisions_list(r->conn, &r->arena, id,
	    &rv, &n) != STORE_OK)
		n = 0;
	for (i = 0; i < n; i++) {
		o = json_object();
		view_int(o, "rev", rv[i].id);
		view_str(o, "title", rv[i].title);
		view_str(o, "author", rv[i].author_name);
		view_str(o, "date", arena_printf(&r->arena, "%s %s",
		    page_human_date(r, rv[i].created), page_human_time(r,
		    rv[i].created)));
		json_array_append_new(a, o);
	}
	json_object_set_new(view, "has_revisions", json_boolean(n > 0));
	json_object_set_new(view, "revisions", a);
}

/*
 * view["autosave"], the time of se's autosave of p, when it is newer
 * than p and differs from it: the editor offers it back.
 */
static void
view_autosave(struct req *r, struct session *se, json_t *view,
    const struct post *p)
{
	struct revision	 rv;
	json_t		*o;

	if (store_autosave_get(r->conn, &r->arena, p->id, se->user.id,
	    &rv) != STORE_OK || rv.created < p->modified ||
	    (strcmp(rv.title, p->title) == 0 && strcmp(rv.body, p->body) ==
	    0 && strcmp(rv.excerpt, p->excerpt) == 0))
		return;
	o = json_object();
	view_str(o, "time", clock_time(r, rv.created));
	view_str(o, "date", page_human_date(r, rv.created));
	json_object_set_new(view, "autosave", o);
}

static int
editor(struct req *r, struct session *se, const char *edit)
{
	struct draft	 d;
	struct post	 p;
	json_t		*view;
	int		 rc;

	if (strcmp(edit, "new") == 0) {
		memset(&d, 0, sizeof(d));
		d.title = d.slug = d.body = d.excerpt = d.categories = d.tags =
		    d.source_name = d.source_url = d.featured_alt = "";
		d.format = "markdown";
		d.status = "draft";
		d.when = "";
		d.comments_open = strcmp(type_of(r), "post") == 0;
	} else {
		if ((rc = load(r, se, strtoll(edit, NULL, 10), &p)) !=
		    STORE_OK)
			return rc;
		draft_of(r, &p, &d);
	}
	view = draft_view(r, se, &d, 0);
	view_revisions(r, view, d.id);
	if (d.id != 0)
		view_autosave(r, se, view, &p);
	if (req_arg(r, "done") != NULL)
		view_str(view, "notice", page_tr(r, strcmp(req_arg(r, "done"),
		    "restored") == 0 ? N_("The revision was restored; the"
		    " text it replaced is kept as a revision too.") :
		    N_("Saved.")));
	return page_render(r, "admin-edit", view, 200);
}

int
admin_posts(struct req *r, struct session *se)
{
	const char	*edit = req_arg(r, "edit");

	return edit != NULL ? editor(r, se, edit) : list(r, se);
}

/* The draft from the form; checks each field, messages in d->err. */
static int
draft_read(struct req *r, struct form *in, struct draft *d)
{
	const char	*featured;
	char		*end;
	size_t		 len;
	int		 too_long;

	memset(d, 0, sizeof(*d));
	d->id = strtoll(form_get(in, "id", NULL, NULL), NULL, 10);
	d->title = form_get(in, "title", NULL, NULL);
	d->slug = form_get(in, "slug", NULL, NULL);
	d->body = form_get(in, "body", &len, &too_long);
	d->format = strcmp(form_get(in, "format", NULL, NULL), "html") == 0 ?
	    "html" : "markdown";
	d->excerpt = form_get(in, "excerpt", NULL, NULL);
	d->categories = form_get(in, "category", NULL, NULL);
	d->tags = form_get(in, "tags", NULL, NULL);
	d->source_name = form_get(in, "source_name", NULL, NULL);
	d->source_url = form_get(in, "source_url", NULL, NULL);
	d->status = strcmp(form_get(in, "status", NULL, NULL), "publish") ==
	    0 ? "publish" : "draft";
	d->when = form_get(in, "when", NULL, NULL);
	d->comments_open = strcmp(form_get(in, "comments_open", NULL, NULL),
	    "1") == 0;
	featured = form_get(in, "featured", NULL, NULL);
	d->featured = strtoll(featured, &end, 10);
	d->featured_alt = form_get(in, "featured_alt", NULL, NULL);
	if (strcmp(form_get(in, "featured_clear", NULL, NULL), "1") == 0) {
		d->featured = 0;
		d->featured_alt = "";
	} else if ((*featured != '\0' && (*end != '\0' || d->featured <= 0)) ||
	    strlen(d->featured_alt) > 300 ||
	    !utf8_valid(d->featured_alt, strlen(d->featured_alt)))
		d->err[6] = N_("A featured image is a number from the media"
		    " library, with at most 300 characters of alt text.");
	if (*d->title == '\0' || strlen(d->title) > 300 ||
	    !utf8_valid(d->title, strlen(d->title)))
		d->err[0] = N_("A title needs 1 to 300 characters of text.");
	if (*d->slug != '\0' && !slug_valid(d->slug, strlen(d->slug)))
		d->err[1] = N_("A slug is lowercase letters, digits and"
		    " hyphens.");
	if (too_long || len > BODY_MAX || !utf8_valid(d->body, len))
		d->err[2] = N_("The text must be valid text of at most 1 MB.");
	if (*d->source_url != '\0' && !url_http_ok(d->source_url))
		d->err[3] = N_("A source address starts with http:// or"
		    " https://.");
	if (*d->when != '\0' && parse_time(r, d->when) < 0)
		d->err[4] = N_("A time looks like 2026-11-24T18:30, in the"
		    " site's time zone.");
	for (len = 0; len < 7; len++)
		if (d->err[len] != NULL)
			return -1;
	return 0;
}

/*
 * Ends the transaction begun before rc came: commits when rc is
 * STORE_OK, else rolls back.  Returns rc, or the commit's failure.
 */
static int
in_transaction(struct req *r, int rc)
{
	if (rc == STORE_OK)
		return store_commit(r->conn);
	store_rollback(r->conn);
	return rc;
}

/*
 * The terms of d: its categories (by slug: only ones that exist), then
 * its tags (by name, made if new), at most 100 bytes each; in r's arena.
 */
static struct post_term *
draft_terms(struct req *r, const struct draft *d, size_t *n)
{
	char			*tags = arena_strdup(&r->arena, d->tags), *tag;
	char			*cats = arena_strdup(&r->arena, d->categories);
	char			*save;
	struct post_term	*t;
	size_t			 max = 2, i = 0;

	for (tag = tags; *tag != '\0'; tag++)
		max += *tag == ',';
	for (tag = cats; *tag != '\0'; tag++)
		max += *tag == '\n';
	t = arena_alloc(&r->arena, max * sizeof(*t));
	for (tag = strtok_r(cats, "\n", &save); tag != NULL;
	    tag = strtok_r(NULL, "\n", &save))
		t[i++] = (struct post_term){ "category", tag, "" };
	for (tag = strtok_r(tags, ",", &save); tag != NULL && i < max;
	    tag = strtok_r(NULL, ",", &save)) {
		while (*tag == ' ')
			tag++;
		if (*tag != '\0' && strlen(tag) <= 100)
			t[i++] = (struct post_term){ "tag", NULL, tag };
	}
	*n = i;
	return t;
}

/* The post d makes, an edit of old (NULL: new), by se. */
static void
draft_post(struct req *r, struct session *se, const struct draft *d,
    const struct post *old, struct post *p)
{
	memset(p, 0, sizeof(*p));
	p->id = old != NULL ? old->id : 0;
	p->type = (char *)type_of(r);
	p->slug = (char *)d->slug;
	p->title = (char *)d->title;
	p->status = (char *)d->status;
	p->author_id = old != NULL ? old->author_id : se->user.id;
	p->author_name = old != NULL ? old->author_name : se->user.name;
	p->author_slug = old != NULL ? old->author_slug : se->user.slug;
	p->published = *d->when != '\0' ? parse_time(r, d->when) : r->now;
	if (p->published < 0)		/* a preview's: save refuses it */
		p->published = r->now;
	/*
	 * The time as the editor showed it, untouched: the post's own
	 * instant, not the minute read anew (its seconds, and which of an
	 * hour a clock change repeats).
	 */
	if (old != NULL && *d->when != '\0' &&
	    strcmp(d->when, local_time(r, old->published)) == 0)
		p->published = old->published;
	p->modified = r->now;
	p->format = (char *)d->format;
	p->body = (char *)d->body;
	p->excerpt = (char *)d->excerpt;
	p->source_name = (char *)d->source_name;
	p->source_url = (char *)d->source_url;
	p->comments_open = d->comments_open;
	p->filtered = filtered(se, d);
	p->featured_media = d->featured;
	p->featured_alt = (char *)d->featured_alt;
	if (old != NULL) {
		p->rating_sum = old->rating_sum;
		p->rating_count = old->rating_count;
		p->comment_count = old->comment_count;
	}
}

/*
 * Saves d (new or edited) in one transaction; *id is the post.  The
 * saver's autosave of it goes: what it held is saved, or set aside.
 */
static int
save(struct req *r, struct session *se, const struct draft *d,
    const struct post *old, int64_t *id)
{
	struct env		 env = page_env(r);
	struct post_term	*terms;
	struct post		 p;
	size_t			 n;
	int			 rc;

	if ((rc = store_begin(r->conn)) != STORE_OK)
		return rc;
	draft_post(r, se, d, old, &p);
	terms = draft_terms(r, d, &n);
	rc = post_save(&env, &p, old, terms, n, se->user.id, id);
	if (rc == STORE_OK)
		rc = store_autosave_clear(r->conn, *id, se->user.id);
	return in_transaction(r, rc);
}

/*
 * The editor again with the writer's fields, a notice (or NULL) and,
 * asked, a preview.
 */
static int
again(struct req *r, struct session *se, const struct draft *d, int preview,
    int status, const char *notice)
{
	json_t			*view = draft_view(r, se, d, 0);
	const struct picture	*featured;
	struct buf		 b;
	struct post		 p;

	view_revisions(r, view, d->id);
	if (notice != NULL)
		view_str(view, "notice", notice);
	if (preview) {
		memset(&p, 0, sizeof(p));
		p.body = (char *)d->body;
		p.format = (char *)d->format;
		p.filtered = filtered(se, d);
		buf_init(&b);
		page_body(r, &p, &b, &featured);
		/*
		 * Raw in the template ({{{preview}}}): the same renderer, and
		 * the same filter for an author, as the post page will use.
		 */
		view_str(view, "preview", b.data ? b.data : "");
		buf_reset(&b);
	}
	return page_render(r, "admin-edit", view, status);
}

/* Restores revision rev of post old, keeping the current text too. */
static int
restore(struct req *r, struct session *se, const struct post *old,
    int64_t rev)
{
	struct draft	 d;
	struct revision	*rv;
	size_t		 n, i;
	int64_t		 id;
	int		 rc;

	if ((rc = store_revisions_list(r->conn, &r->arena, old->id,
	    &rv, &n)) != STORE_OK)
		return page_error(r, 503);
	for (i = 0; i < n && rv[i].id != rev; i++)
		;
	if (i == n)
		return admin_refuse(r, se, 404,
		    N_("There is no such revision."));
	draft_of(r, old, &d);
	d.title = rv[i].title;
	d.body = rv[i].body;
	d.excerpt = rv[i].excerpt;
	d.format = rv[i].format;
	if ((rc = save(r, se, &d, old, &id)) != STORE_OK)
		return page_error(r, rc == STORE_DOWN ? 503 : 500);
	return admin_back(r, r->route.slug, arena_printf(&r->arena,
	    "edit=%lld&done=restored", (long long)id));
}

/* Trash, or back from it as a draft. */
static int
move(struct req *r, const struct post *old, const char *status)
{
	struct env	 env = page_env(r);
	int		 rc;

	if ((rc = post_move(&env, old, status)) != STORE_OK)
		return page_error(r, rc == STORE_DOWN ? 503 : 500);
	return admin_back(r, r->route.slug, strcmp(status, "trash") == 0 ?
	    "done=trash" : "status=draft&done=restore");
}

static int
error_json(struct req *r, int status, const char *why)
{
	return admin_json(r, status, json_pack("{ss}", "error",
	    page_tr(r, why)));
}

/*
 * Keeps what se is typing in old (NULL: a post not yet saved) as se's
 * autosave of it, replacing the last; the first autosave of a new post
 * makes it, as a draft (as WordPress does), so a closed tab loses
 * nothing.  Answers {"id", "time"}; never publishes or edits a post.
 */
static int
autosave(struct req *r, struct session *se, struct form *in,
    const struct post *old)
{
	struct revision	 rv;
	struct draft	 d;
	int64_t		 id;
	int		 rc;

	draft_read(r, in, &d);
	if (d.err[2] != NULL)
		return error_json(r, 422, d.err[2]);
	if (strlen(d.title) > 300 || !utf8_valid(d.title, strlen(d.title)))
		return error_json(r, 422, N_("A title is at most 300"
		    " characters of text."));
	if (old == NULL) {
		/* What the writer has not finished is left for the save. */
		d.status = "draft";
		d.slug = d.err[1] != NULL ? "" : d.slug;
		d.source_url = d.err[3] != NULL ? "" : d.source_url;
		d.when = d.err[4] != NULL ? "" : d.when;
		d.featured = 0;
		d.featured_alt = "";
		rc = save(r, se, &d, NULL, &id);
	} else {
		memset(&rv, 0, sizeof(rv));
		rv.post_id = id = old->id;
		rv.title = (char *)d.title;
		rv.body = (char *)d.body;
		rv.excerpt = (char *)d.excerpt;
		rv.format = (char *)d.format;
		rv.created = r->now;
		rv.author_id = se->user.id;
		rc = store_autosave_put(r->conn, &rv);
	}
	if (rc != STORE_OK)
		return error_json(r, rc == STORE_DOWN || rc == STORE_RETRY ?
		    503 : 500, N_("The draft could not be kept."));
	return admin_json(r, 200, json_pack("{sIss}", "id", (json_int_t)id,
	    "time", clock_time(r, r->now)));
}

/*
 * The editor with se's autosave of old in its fields, to save or not:
 * nothing changes until the writer saves.
 */
static int
autosave_restore(struct req *r, struct session *se, const struct post *old)
{
	struct revision	 rv;
	struct draft	 d;
	int		 rc;

	rc = store_autosave_get(r->conn, &r->arena, old->id, se->user.id, &rv);
	if (rc == STORE_NOTFOUND)
		return admin_refuse(r, se, 404, N_("There is no autosaved"
		    " draft of this post."));
	if (rc != STORE_OK)
		return page_error(r, 503);
	draft_of(r, old, &d);
	d.title = rv.title;
	d.body = rv.body;
	d.excerpt = rv.excerpt;
	d.format = rv.format;
	return again(r, se, &d, 0, 200, arena_printf(&r->arena, page_tr(r,
	    "The draft autosaved at %s is in the editor: save to keep it."),
	    clock_time(r, rv.created)));
}

/*
 * The terms d names as the article shows them, without making any: its
 * categories that exist, its tags by name.  In r's arena.
 */
static struct term *
preview_terms(struct req *r, const struct draft *d, size_t *n)
{
	struct post_term	*pt;
	struct term		*t;
	char			*slug;
	size_t			 np, i;

	pt = draft_terms(r, d, &np);
	t = arena_alloc(&r->arena, (np + 1) * sizeof(*t));
	for (i = 0, *n = 0; i < np; i++) {
		if (strcmp(pt[i].taxonomy, "category") == 0) {
			if (store_term_by_slug(r->conn, &r->arena, "category",
			    pt[i].slug, &t[*n]) == STORE_OK)
				(*n)++;
			continue;
		}
		memset(&t[*n], 0, sizeof(t[*n]));
		slug = slug_from_title(pt[i].name);
		t[*n].taxonomy = "tag";
		t[*n].name = (char *)pt[i].name;
		t[*n].slug = arena_strdup(&r->arena, slug);
		free(slug);
		(*n)++;
	}
	return t;
}

/*
 * The article as readers would see d, rendered by the site's theme from
 * the form alone: the editor's preview frame.  Stores nothing.
 */
static int
preview_page(struct req *r, struct session *se, struct form *in,
    const struct post *old)
{
	struct draft	 d;
	struct post	 p;
	struct term	*t;
	size_t		 n;

	draft_read(r, in, &d);
	d.filtered = old != NULL && old->filtered;
	if (d.err[2] != NULL)
		return admin_refuse(r, se, 422, d.err[2]);
	if (*d.slug == '\0' || d.err[1] != NULL)
		d.slug = "preview";
	draft_post(r, se, &d, old, &p);
	if (d.err[6] != NULL)
		p.featured_media = 0;
	t = preview_terms(r, &d, &n);
	return page_article_preview(r, &p, t, n);
}

/*
 * A picture uploaded from the editor: into the library, and its
 * Markdown to the writer.  With json set, answers {"markdown", "id",
 * "src"} for the script to put at the cursor; else the editor again,
 * the Markdown at the end of the text, which is otherwise as sent.
 */
static int
upload(struct req *r, struct session *se, struct form *in,
    const struct post *old)
{
	const char	*alt = form_get(in, "image_alt", NULL, NULL), *why;
	int		 json = strcmp(form_get(in, "json", NULL, NULL), "1") == 0;
	struct draft	 d;
	struct media	 m;
	json_t		*item, *o;
	int64_t		 mid;
	int		 status;

	status = admin_media_store(r, in, alt, &mid, &why);
	if (status == 0 && store_media_get(r->conn, &r->arena, mid, &m) !=
	    STORE_OK) {
		status = 503;
		why = N_("The picture was kept but cannot be read back now.");
	}
	if (json && status != 0)
		return error_json(r, status, why);
	if (json) {
		item = admin_media_item(r, &m);
		o = json_pack("{sOsIsO}", "markdown", json_object_get(item,
		    "markdown"), "id", (json_int_t)mid, "src",
		    json_object_get(item, "src"));
		json_decref(item);
		return admin_json(r, 200, o);
	}
	draft_read(r, in, &d);
	d.filtered = old != NULL && old->filtered;
	if (status != 0) {
		d.err[5] = why;
		return again(r, se, &d, 0, status, NULL);
	}
	item = admin_media_item(r, &m);
	d.body = arena_printf(&r->arena, "%s%s%s\n", d.body, *d.body != '\0' ?
	    "\n\n" : "", json_string_value(json_object_get(item,
	    "markdown")));
	json_decref(item);
	return again(r, se, &d, 0, 200, page_tr(r, "The picture is in the"
	    " library, and its Markdown at the end of the text."));
}

int
admin_posts_post(struct req *r, struct session *se, struct form *in)
{
	const char	*action = form_get(in, "action", NULL, NULL);
	struct env	 env = page_env(r);
	struct media	 m;
	struct draft	 d;
	struct post	 old;
	int64_t		 id = strtoll(form_get(in, "id", NULL, NULL), NULL, 10);
	int		 rc;

	if (id != 0 && (rc = load(r, se, id, &old)) != STORE_OK)
		return rc;
	if (strcmp(action, "trash") == 0 || strcmp(action, "restore") == 0)
		return id == 0 ? admin_refuse(r, se, 404, N_("There is no"
		    " such post.")) : move(r, &old, strcmp(action, "trash") ==
		    0 ? "trash" : "draft");
	if (strcmp(action, "delete") == 0) {
		/* For good: only from the trash. */
		if (id == 0 || strcmp(old.status, "trash") != 0)
			return admin_refuse(r, se, 409, N_("Only a post in the"
			    " trash can be deleted for good."));
		if ((rc = store_begin(r->conn)) != STORE_OK ||
		    (rc = in_transaction(r, post_delete(&env, id))) !=
		    STORE_OK)
			return page_error(r, rc == STORE_DOWN ? 503 : 500);
		return admin_back(r, r->route.slug, "status=trash&done=trash");
	}
	if (strcmp(action, "revision") == 0)
		return id == 0 ? admin_refuse(r, se, 404, N_("There is no"
		    " such post.")) : restore(r, se, &old, strtoll(form_get(in,
		    "revision", NULL, NULL), NULL, 10));
	if (strcmp(action, "autosave") == 0)
		return autosave(r, se, in, id != 0 ? &old : NULL);
	if (strcmp(action, "autosave_restore") == 0)
		return id == 0 ? admin_refuse(r, se, 404, N_("There is no"
		    " such post.")) : autosave_restore(r, se, &old);
	if (strcmp(action, "autosave_discard") == 0) {
		if (id == 0 || (rc = store_autosave_clear(r->conn, id,
		    se->user.id)) != STORE_OK)
			return id == 0 ? admin_refuse(r, se, 404,
			    N_("There is no such post.")) : page_error(r, 503);
		return admin_back(r, r->route.slug, arena_printf(&r->arena,
		    "edit=%lld", (long long)id));
	}
	if (strcmp(action, "preview_page") == 0)
		return preview_page(r, se, in, id != 0 ? &old : NULL);
	if (strcmp(action, "upload") == 0)
		return upload(r, se, in, id != 0 ? &old : NULL);
	rc = draft_read(r, in, &d);
	d.filtered = id != 0 && old.filtered;
	if (rc == 0 && d.featured != 0 && store_media_get(r->conn,
	    &r->arena, d.featured, &m) != STORE_OK) {
		d.err[6] = N_("There is no picture with that number in the"
		    " media library.");
		rc = -1;
	}
	if (rc == -1) {
		d.err[5] = N_("Nothing was saved: correct what is marked"
		    " below.");
		return again(r, se, &d, 0, 422, NULL);
	}
	if (strcmp(action, "preview") == 0)
		return again(r, se, &d, 1, 200, NULL);
	if ((rc = save(r, se, &d, id != 0 ? &old : NULL, &id)) != STORE_OK) {
		if (rc == STORE_DOWN || rc == STORE_RETRY)
			return page_error(r, 503);
		d.err[5] = N_("The post could not be saved.");
		return again(r, se, &d, 0, 500, NULL);
	}
	return admin_back(r, r->route.slug, arena_printf(&r->arena,
	    "edit=%lld&done=saved", (long long)id));
}
