/*
 * page_admin: /admin/, the pages the site's own people use.  One table
 * of sections says who may see each (the least role) and which handlers
 * answer GET and POST; page_admin checks, in this order, the session
 * (none: to the login page), the section, the role (403), and for a
 * POST the origin and the session's CSRF token (403), then calls the
 * handler.  Every page works without JavaScript and is never cached.
 * This file holds the router, signing in and out, and the dashboard;
 * page_admin_comments.c the moderation queue; page_admin_site.c the
 * settings and the users; page_admin_tools.c import and export.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "auth.h"
#include "buf.h"
#include "form.h"
#include "mail.h"
#include "page.h"
#include "page_admin.h"
#include "req.h"
#include "store.h"
#include "theme.h"
#include "url.h"

#define CHART_DAYS	30
/* The dashboard's lists' rows, and the most its counts count. */
#define DASH_ROWS	5
#define DASH_CAP	1000

static int	dashboard(struct req *, struct session *);
static int	logout(struct req *, struct session *, struct form *);
static int	login(struct req *, struct form *);

static const struct section {
	const char	*name;		/* under /admin/: "" is the dashboard */
	const char	*label;		/* in the menu, a msgid; NULL: none */
	int		 rank;		/* auth_role_rank of the least role */
	int		(*get)(struct req *, struct session *);
	int		(*post)(struct req *, struct session *, struct form *);
} sections[] = {
	{ "", N_("Dashboard"), 1, dashboard, NULL },
	{ "posts", N_("Posts"), 1, admin_posts, admin_posts_post },
	{ "pages", N_("Pages"), 2, admin_posts, admin_posts_post },
	{ "comments", N_("Comments"), 1, admin_comments, admin_comments_post },
	{ "terms", N_("Categories and tags"), 2, admin_terms,
	    admin_terms_post },
	{ "media", N_("Media"), 1, admin_media, admin_media_post },
	{ "appearance", N_("Appearance"), 3, admin_appearance,
	    admin_appearance_post },
	{ "settings", N_("Settings"), 3, admin_settings, admin_settings_post },
	{ "users", N_("Users"), 3, admin_users, admin_users_post },
	{ "privacy", N_("Privacy"), 3, admin_privacy, admin_privacy_post },
	{ "tools", N_("Tools"), 3, admin_tools, admin_tools_post },
	{ "logout", NULL, 1, NULL, logout },
};

/*
 * The pages for people with no session, each answering GET (in NULL)
 * and POST: signing in, and a lost password's link and its page.
 */
static const struct open_page {
	const char	*name;
	int		(*fn)(struct req *, struct form *);
} open_pages[] = {
	{ "login", login },
	{ "lost", admin_lost },
	{ "reset", admin_reset },
};

/* What the admin's scripts write (admin-queue.js, editor.js). */
static const struct js_msg admin_js[] = {
	{ .one = N_("Undo") },
	{ .one = N_("The server did not answer (%s). Reload the page.") },
	{ .one = N_("That did not work: reload the page and try again.") },
	{ .one = N_("Your reply to %s") },
	{ .one = N_("Your reply to the comment") },
	{ NN_("%d word", "%d words") },
	{ .one = N_("Draft autosaved at %s.") },
	{ .one = N_("Not autosaved: %s") },
	{ .one = N_("Insert a picture") }, { .one = N_("Close") },
	{ .one = N_("Insert") }, { .one = N_("The picture was uploaded.") },
	{ .one = N_("Not uploaded: %s") },
};

/* The stored words the admin shows, by kind (their msgctxt). */
static const struct {
	const char	*kind, *word;
} admin_words[] = {
	{ "role", NC_("role", "admin") },
	{ "role", NC_("role", "editor") },
	{ "role", NC_("role", "author") },
	{ "post type", NC_("post type", "post") },
	{ "post type", NC_("post type", "page") },
	{ "post status", NC_("post status", "publish") },
	{ "post status", NC_("post status", "published") },
	{ "post status", NC_("post status", "scheduled") },
	{ "post status", NC_("post status", "draft") },
	{ "post status", NC_("post status", "pending") },
	{ "post status", NC_("post status", "private") },
	{ "post status", NC_("post status", "trash") },
	{ "comment status", NC_("comment status", "approved") },
	{ "comment status", NC_("comment status", "pending") },
	{ "comment status", NC_("comment status", "spam") },
	{ "comment status", NC_("comment status", "trash") },
	{ "spam filter", NC_("spam filter", "ham") },
	{ "spam filter", NC_("spam filter", "spam") },
	{ "menu item", NC_("menu item", "page") },
	{ "menu item", NC_("menu item", "category") },
	{ "menu item", NC_("menu item", "tag") },
	{ "menu item", NC_("menu item", "link") },
	{ "privacy log", NC_("privacy log", "export") },
	{ "privacy log", NC_("privacy log", "remove") },
	{ "privacy log", NC_("privacy log", "anonymise") },
};

const char *
admin_word(struct req *r, const char *kind, const char *word)
{
	size_t	 i;

	for (i = 0; i < sizeof(admin_words) / sizeof(admin_words[0]); i++)
		if (strcmp(admin_words[i].kind, kind) == 0 &&
		    strcmp(admin_words[i].word, word) == 0)
			return i18n_pget(page_lang(r), kind, word);
	return word;
}

json_t *
admin_view(struct req *r, const struct session *se, const char *title)
{
	json_t		*view = page_view_js(r, admin_js, sizeof(admin_js) /
			    sizeof(admin_js[0])), *admin = json_object(),
			*nav = json_array(), *item;
	struct buf	 b;
	size_t		 i;

	view_str(json_object_get(view, "head"), "title", page_tr(r, title));
	json_object_set_new(json_object_get(view, "head"), "noindex",
	    json_true());
	buf_init(&b);
	for (i = 0; se != NULL && i < sizeof(sections) / sizeof(sections[0]);
	    i++) {
		if (sections[i].label == NULL ||
		    auth_role_rank(se->user.role) < sections[i].rank)
			continue;
		item = json_object();
		b.len = 0;
		url_admin(&b, sections[i].name);
		view_str(item, "url", b.data);
		view_str(item, "label", page_tr(r, sections[i].label));
		if (strcmp(sections[i].name, r->route.slug) == 0)
			json_object_set_new(item, "current", json_true());
		json_array_append_new(nav, item);
	}
	buf_reset(&b);
	json_object_set_new(admin, "nav", nav);
	/* The admin's own stylesheet: the reader's style.css is not linked. */
	view_str(admin, "css", theme_asset_url(page_theme(r), "admin.css"));
	/* Mail off: no "Lost your password?", and the pages say so. */
	json_object_set_new(admin, "mail", json_boolean(mail_on(r->site)));
	if (se != NULL) {
		view_str(admin, "name", se->user.name);
		view_str(admin, "role", admin_word(r, "role", se->user.role));
		struct env	 env = page_env(r);

		view_str(admin, "csrf", auth_csrf(&env, r->session_cookie));
	}
	json_object_set_new(view, "admin", admin);
	return view;
}

int
admin_json_write(const char *data, size_t len, void *arg)
{
	struct buf	*b = arg;

	buf_write(data, len, b);
	return b->err ? -1 : 0;
}

int
admin_json(struct req *r, int status, json_t *o)
{
	buf_reset(&r->body);
	json_dump_callback(o, admin_json_write, &r->body, JSON_COMPACT);
	buf_putc(&r->body, '\n');
	json_decref(o);
	r->type = "application/json; charset=utf-8";
	r->cacheable = 0;
	return status;
}

int
admin_back(struct req *r, const char *section, const char *query)
{
	struct buf	 b;

	buf_init(&b);
	url_admin(&b, section);
	if (query != NULL && *query != '\0') {
		buf_putc(&b, '?');
		buf_puts(&b, query);
	}
	r->location = arena_strdup(&r->arena, b.data);
	buf_reset(&b);
	return 303;
}

/* A page that says no, with the menu, for a signed-in user. */
int
admin_refuse(struct req *r, const struct session *se, int status,
    const char *why)
{
	json_t	*view = admin_view(r, se, N_("Not allowed"));

	view_str(view, "message", page_tr(r, why));
	return page_render(r, "admin-refused", view, status);
}

/*
 * Where to go after signing in: an admin page of ours, with the query
 * req_admin_query made (a notice's link to one comment, say), or the
 * dashboard.
 */
static const char *
next_path(struct req *r, const char *next)
{
	struct route	 rt;
	const char	*path;
	size_t		 n;

	if (next == NULL || strncmp(next, "/admin/", 7) != 0)
		return "/admin/";
	n = strcspn(next, "?");
	path = arena_strndup(&r->arena, next, n);
	if (strpbrk(path, "\r\n\\") != NULL || url_parse(path, &rt) != 0 ||
	    rt.kind != ROUTE_ADMIN || strcmp(rt.slug, "logout") == 0 ||
	    strspn(next + n, "?=&%+-._~abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") != strlen(next + n))
		return "/admin/";
	return next;
}

/* What the login page says after ?done=WORD. */
static const struct {
	const char	*done;
	const char	*notice;
} login_notices[] = {
	{ "out", N_("You are logged out.") },
	{ "password", N_("Your password is set, and every session of your"
	    " account has ended. Log in with the new password.") },
};

static int
login_page(struct req *r, const char *email, const char *error, int status)
{
	json_t		*view = admin_view(r, NULL, N_("Log in"));
	const char	*done = req_arg(r, "done");
	size_t		 i;
	int		 any = 1;

	/*
	 * A new site (the demo's authors have no passwords): say how its
	 * first admin is made, which is not from here.
	 */
	if (r->conn != NULL && store_admin_exists(r->conn, &any) ==
	    STORE_OK && !any)
		json_object_set_new(view, "no_users", json_true());
	view_str(view, "email", email);
	view_str(view, "next", next_path(r, req_arg(r, "next")));
	if (error != NULL)
		view_str(view, "error", error);
	for (i = 0; done != NULL && i < sizeof(login_notices) /
	    sizeof(login_notices[0]); i++)
		if (strcmp(done, login_notices[i].done) == 0)
			view_str(view, "notice", page_tr(r,
			    login_notices[i].notice));
	return page_render(r, "admin-login", view, status);
}

static int
login(struct req *r, struct form *in)
{
	struct env	 env;
	struct login	 l;
	enum auth_login	 rc;

	if (in == NULL)
		return login_page(r, "", NULL, 200);
	env = page_env(r);
	l = (struct login){ r->ip, form_get(in, "email", NULL, NULL),
	    form_get(in, "password", NULL, NULL), 0, 0, NULL };

	if (page_cross_site(r))
		return page_refusal(r, 403, N_("Login refused"),
		    N_("This login form was sent from another site."));
	rc = auth_login(&env, &l);
	r->delay_ms = l.delay_ms;
	switch (rc) {
	case AUTH_OK:
		r->cookie = page_cookie(r, AUTH_COOKIE, l.token,
		    AUTH_MAX_SECONDS, 1);
		r->session_cookie = l.token;
		r->location = arena_strdup(&r->arena,
		    next_path(r, form_get(in, "next", NULL, NULL)));
		return 303;
	case AUTH_THROTTLED:
		r->retry_after = (int)l.wait;
		return login_page(r, l.email, arena_printf(&r->arena,
		    i18n_nget(page_lang(r), "Too many failed attempts. Please"
		    " wait %lld second and try again.", "Too many failed"
		    " attempts. Please wait %lld seconds and try again.",
		    (unsigned long)l.wait), (long long)l.wait), 429);
	case AUTH_DOWN:
		return page_error(r, 503);
	default:
		return login_page(r, l.email, page_tr(r, "That email address"
		    " and password do not match an account."), 401);
	}
}

static int
logout(struct req *r, struct session *se, struct form *in)
{
	struct env	 env = page_env(r);

	(void)se;
	(void)in;
	auth_logout(&env, r->session_cookie);
	r->cookie = page_cookie(r, AUTH_COOKIE, "", 0, 1);
	r->location = "/admin/login/?done=out";
	return 303;
}

/*
 * The chart: comments per day by status, stacked, and votes as a line,
 * as view data (numbers only) that the template draws as inline SVG.
 */
static void
chart(struct req *r, json_t *view, const struct day_counts *d)
{
	json_t		*days = json_array(), *o;
	int64_t		 max = 1, top, h1, h2, h3;
	int		 i;
	struct buf	 line;

	for (i = 0; i < CHART_DAYS; i++) {
		top = d[i].approved + d[i].pending + d[i].spam;
		if (top > max)
			max = top;
		if (d[i].votes > max)
			max = d[i].votes;
	}
	buf_init(&line);
	for (i = 0; i < CHART_DAYS; i++) {
		o = json_object();
		h1 = d[i].approved * 100 / max;
		h2 = d[i].pending * 100 / max;
		h3 = d[i].spam * 100 / max;
		view_int(o, "x", i * 20 + 2);
		view_int(o, "y_approved", 110 - h1);
		view_int(o, "h_approved", h1);
		view_int(o, "y_pending", 110 - h1 - h2);
		view_int(o, "h_pending", h2);
		view_int(o, "y_spam", 110 - h1 - h2 - h3);
		view_int(o, "h_spam", h3);
		view_int(o, "approved", d[i].approved);
		view_int(o, "pending", d[i].pending);
		view_int(o, "spam", d[i].spam);
		view_int(o, "votes", d[i].votes);
		view_str(o, "date", page_iso_date(r, r->now - r->now % 86400 -
		    (int64_t)(CHART_DAYS - 1 - i) * 86400));
		json_array_append_new(days, o);
		buf_printf(&line, "%s%d,%lld", i ? " " : "", i * 20 + 10,
		    (long long)(110 - d[i].votes * 100 / max));
	}
	o = json_object();
	json_object_set_new(o, "days", days);
	view_str(o, "votes_line", line.data);
	view_int(o, "max", max);
	json_object_set_new(view, "chart", o);
	buf_reset(&line);
}

/*
 * The count shown for n counted up to DASH_CAP ("1000+" at the cap), in
 * r's arena.
 */
static const char *
capped(struct req *r, int64_t n)
{
	return arena_printf(&r->arena, "%lld%s", (long long)n, n >= DASH_CAP ?
	    "+" : "");
}

/*
 * The comments as the dashboard lists them: admin_comment_view's, and
 * their pictures.
 */
static json_t *
comment_list(struct req *r, const struct comment *cm, size_t n)
{
	json_t	*a = json_array(), *o;
	size_t	 i;

	for (i = 0; i < n; i++) {
		o = admin_comment_view(r, &cm[i]);
		view_comment_picture(o, &cm[i]);
		json_array_append_new(a, o);
	}
	return a;
}

/* The user's own drafts, each with its editor's link. */
static json_t *
draft_list(struct req *r, const struct post *p, size_t n)
{
	json_t		*a = json_array(), *o;
	struct buf	 b;
	size_t		 i;

	buf_init(&b);
	for (i = 0; i < n; i++) {
		o = json_object();
		view_str(o, "title", *p[i].title ? p[i].title : page_tr(r,
		    "(no title)"));
		view_str(o, "type", admin_word(r, "post type", p[i].type));
		view_str(o, "date", page_human_date(r, p[i].modified));
		b.len = 0;
		url_admin(&b, strcmp(p[i].type, "page") == 0 ? "pages" :
		    "posts");
		buf_printf(&b, "?edit=%lld", (long long)p[i].id);
		view_str(o, "edit", b.data);
		json_array_append_new(a, o);
	}
	buf_reset(&b);
	return a;
}

/*
 * The dashboard: counts, the comments waiting (with their pictures), the
 * latest approved, the user's drafts and the chart.  The comments'
 * queries read at most DASH_ROWS or DASH_CAP rows through an index, and
 * the drafts' the user's own posts, and the chart its days' comments
 * and votes, whatever the site's size.  An author sees the comments on
 * their own posts.
 */
static int
dashboard(struct req *r, struct session *se)
{
	json_t			*view = admin_view(r, se, N_("Dashboard"));
	struct day_counts	 d[CHART_DAYS];
	struct comment		*held = NULL, *recent = NULL;
	struct post		*drafts = NULL;
	int64_t			 counts[4], own;
	size_t			 nheld = 0, nrecent = 0, ndrafts = 0;

	own = auth_role_rank(se->user.role) < 2 ? se->user.id : 0;
	if ((r->store_err = store_comment_tally(r->conn, own, DASH_CAP,
	    counts)) == STORE_OK && (r->store_err = store_comments_latest(
	    r->conn, &r->arena, "pending", own, DASH_ROWS, &held, &nheld)) ==
	    STORE_OK && (r->store_err = store_comments_latest(r->conn,
	    &r->arena, "approved", own, DASH_ROWS, &recent, &nrecent)) ==
	    STORE_OK && (r->store_err = store_drafts_latest(r->conn,
	    &r->arena, se->user.id, DASH_ROWS, &drafts, &ndrafts)) == STORE_OK)
		r->store_err = store_daily(r->conn, r->now - r->now %
		    86400 - (CHART_DAYS - 1) * 86400, CHART_DAYS, d);
	if (r->store_err != STORE_OK)
		return page_render(r, "admin-dashboard", view, 200);
	view_str(view, "approved", capped(r, counts[0]));
	view_str(view, "pending", capped(r, counts[1]));
	view_str(view, "spam", capped(r, counts[2]));
	json_object_set_new(view, "held", comment_list(r, held, nheld));
	json_object_set_new(view, "recent", comment_list(r, recent, nrecent));
	json_object_set_new(view, "drafts", draft_list(r, drafts, ndrafts));
	chart(r, view, d);
	return page_render(r, "admin-dashboard", view, 200);
}

int
page_admin(struct req *r, struct form *in)
{
	const struct section	*sec = NULL;
	struct session		 se;
	struct env		 env;
	struct buf		 b;
	const char		*query;
	size_t			 i, q;

	if (r->route.kind != ROUTE_ADMIN)
		return page_notfound(r);
	for (i = 0; i < sizeof(open_pages) / sizeof(open_pages[0]); i++)
		if (strcmp(r->route.slug, open_pages[i].name) == 0)
			return open_pages[i].fn(r, in);
	env = page_env(r);
	if (!auth_session(&env, r->session_cookie, &se)) {
		/*
		 * Not signed in: to the login page, and back here after,
		 * with this page's arguments (escaped, as next's value).
		 */
		buf_init(&b);
		buf_puts(&b, "/admin/login/?next=");
		url_admin(&b, r->route.slug);
		if (in == NULL) {
			q = b.len;
			req_admin_query(r, &b);
			query = arena_strdup(&r->arena, b.data + q);
			b.len = q;
			url_escape(&b, query);
		}
		r->location = arena_strdup(&r->arena, b.data);
		buf_reset(&b);
		return in != NULL ? 303 : 302;
	}
	for (i = 0; i < sizeof(sections) / sizeof(sections[0]); i++)
		if (strcmp(sections[i].name, r->route.slug) == 0)
			sec = &sections[i];
	if (sec == NULL)
		return admin_refuse(r, &se, 404, N_("There is no such page."));
	if ((in != NULL && sec->post == NULL) || (in == NULL &&
	    sec->get == NULL))
		return admin_refuse(r, &se, 405,
		    N_("That cannot be done here."));
	if (auth_role_rank(se.user.role) < sec->rank)
		return admin_refuse(r, &se, 403, N_("Your role does not allow"
		    " this page."));
	if (in == NULL)
		return sec->get(r, &se);
	if (page_cross_site(r))
		return admin_refuse(r, &se, 403, N_("This form was sent from"
		    " another site."));
	if (!auth_csrf_ok(&env, r->session_cookie, form_get(in, "csrf", NULL,
	    NULL)))
		return admin_refuse(r, &se, 403, N_("This form has expired or"
		    " did not come from this site. Go back, reload the page"
		    " and try again."));
	return sec->post(r, &se, in);
}
