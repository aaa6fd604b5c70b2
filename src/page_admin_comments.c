/*
 * page_admin_comments: the moderation queue, /admin/comments/.  Tabs by
 * status with their counts, a search over name, email and text, twenty
 * comments a page, each with its spam score and the signals that fired,
 * and bulk actions (approve, unapprove, spam, not spam, trash, restore)
 * through moderation_set, which trains the spam filter.  Authors see
 * and act on the comments on their own posts only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "auth.h"
#include "avatar.h"
#include "comment.h"
#include "buf.h"
#include "form.h"
#include "mail.h"
#include "moderation.h"
#include "page.h"
#include "page_admin.h"
#include "req.h"
#include "sign.h"
#include "store.h"
#include "url.h"
#include "utf8.h"

#define PER_PAGE	20

static const struct {
	const char	*status;	/* NULL: all but trash */
	const char	*label;
	int		 count;		/* index in comment_counts */
} tabs[] = {
	{ NULL, "All", -1 },
	{ "pending", "Pending", 1 },
	{ "approved", "Approved", 0 },
	{ "spam", "Spam", 2 },
	{ "trash", "Trash", 3 },
};

/* The bulk actions: the form's value, the status it sets, its words. */
static const struct {
	const char	*action;
	const char	*status;
	const char	*done;
} actions[] = {
	{ "approve", "approved", "approved" },
	{ "unapprove", "pending", "unapproved" },
	{ "spam", "spam", "marked as spam" },
	{ "notspam", "approved", "marked as not spam" },
	{ "trash", "trash", "moved to the trash" },
	{ "restore", "pending", "restored" },
	{ "delete", NULL, "deleted for good" },
};

json_t *
admin_comment_view(struct req *r, const struct comment *cm)
{
	json_t		*o = json_object(), *sig = json_array();
	struct buf	 b;
	const char	*s, *e;

	view_int(o, "id", cm->id);
	view_str(o, "author", cm->author);
	view_str(o, "email", cm->email != NULL ? cm->email : "");
	view_str(o, "url", cm->url);
	view_str(o, "text", cm->content);
	view_str(o, "status", cm->status);
	view_str(o, "date", page_human_date(r, cm->created));
	view_str(o, "post_title", cm->post_title != NULL ? cm->post_title :
	    "");
	if (cm->post_slug != NULL && *cm->post_slug != '\0') {
		buf_init(&b);
		url_post(&b, page_tz(r), cm->post_published, cm->post_slug);
		buf_printf(&b, "#comment-%lld", (long long)cm->id);
		view_str(o, "link", b.data);
		buf_reset(&b);
	}
	view_str(o, "score", cm->spam_score < 0 ? "none" :
	    arena_printf(&r->arena, "%.2f", cm->spam_score));
	for (s = cm->spam_signals; s != NULL && *s != '\0'; s = e) {
		e = s + strcspn(s, ",");
		json_array_append_new(sig, json_stringn(s, (size_t)(e - s)));
		if (*e == ',')
			e++;
	}
	json_object_set_new(o, "signals", sig);
	view_str(o, "trained", cm->spam_trained != NULL ?
	    cm->spam_trained : "");
	return o;
}

static int	may_moderate(struct req *, const struct session *, int64_t);

/* The tab named by ?status=, or the first (All). */
static size_t
tab_of(const char *status)
{
	size_t	 i;

	for (i = 1; status != NULL && i < sizeof(tabs) / sizeof(tabs[0]); i++)
		if (strcmp(tabs[i].status, status) == 0)
			return i;
	return 0;
}

/* /admin/comments/?status=S&q=Q&page=N as a path, in r's arena. */
static const char *
list_url(struct req *r, size_t tab, const char *q, int64_t page)
{
	struct buf	 b;
	const char	*out;
	char		*e;

	buf_init(&b);
	url_admin(&b, "comments");
	buf_putc(&b, '?');
	if (tabs[tab].status != NULL)
		buf_printf(&b, "status=%s&", tabs[tab].status);
	if (q != NULL && *q != '\0') {
		buf_puts(&b, "q=");
		for (e = (char *)q; *e != '\0'; e++)
			if ((*e >= 'a' && *e <= 'z') || (*e >= 'A' && *e <= 'Z') ||
			    (*e >= '0' && *e <= '9'))
				buf_putc(&b, *e);
			else
				buf_printf(&b, "%%%02X", (unsigned char)*e);
		buf_putc(&b, '&');
	}
	if (page > 1)
		buf_printf(&b, "page=%lld&", (long long)page);
	b.data[--b.len] = '\0';
	out = arena_strdup(&r->arena, b.data);
	buf_reset(&b);
	return out;
}

static void
view_tabs(struct req *r, json_t *view, size_t cur, const int64_t counts[4])
{
	json_t	*a = json_array(), *o;
	size_t	 i;

	for (i = 0; i < sizeof(tabs) / sizeof(tabs[0]); i++) {
		o = json_object();
		view_str(o, "label", tabs[i].label);
		view_str(o, "url", list_url(r, i, NULL, 1));
		view_int(o, "count", tabs[i].count >= 0 ?
		    counts[tabs[i].count] : counts[0] + counts[1] + counts[2]);
		if (i == cur)
			json_object_set_new(o, "current", json_true());
		json_array_append_new(a, o);
	}
	json_object_set_new(view, "tabs", a);
}

/*
 * The action that ?done=ACTION-N names (an index in actions[]), with N
 * into *n; -1 if it names none.
 */
static int
done_action(const char *done, long long *n)
{
	size_t	 i, len;

	for (i = 0; i < sizeof(actions) / sizeof(actions[0]); i++) {
		len = strlen(actions[i].action);
		if (strncmp(done, actions[i].action, len) == 0 &&
		    done[len] == '-') {
			*n = atoll(done + len + 1);
			return (int)i;
		}
	}
	return -1;
}

/*
 * The page of one comment: all of it, and its actions (approve or
 * unapprove, spam or not, trash or restore), its edit and reply forms.
 * Where a notice's link leads: it only shows; every action is a POST.
 */
static int
edit_page(struct req *r, struct session *se, int64_t id, const char *error,
    int status)
{
	json_t		*view;
	struct comment	 cm;
	const char	*done = req_arg(r, "done");
	long long	 n;
	int		 rc, a;

	if ((rc = store_comment_by_id(r->conn, &r->arena, id, &cm)) !=
	    STORE_OK)
		return rc == STORE_NOTFOUND ? admin_refuse(r, se, 404, "There"
		    " is no such comment.") : page_error(r, 503);
	if (!may_moderate(r, se, id))
		return admin_refuse(r, se, 403, "You may moderate only the"
		    " comments on your own posts.");
	view = admin_view(r, se, "Edit comment");
	json_object_set_new(view, "comment", admin_comment_view(r, &cm));
	json_object_set_new(view, "approved", json_boolean(
	    strcmp(cm.status, "approved") == 0));
	json_object_set_new(view, "is_spam", json_boolean(
	    strcmp(cm.status, "spam") == 0));
	json_object_set_new(view, "is_trash", json_boolean(
	    strcmp(cm.status, "trash") == 0));
	if (error != NULL)
		view_str(view, "error", error);
	if (done != NULL && (a = done_action(done, &n)) >= 0)
		view_str(view, "notice", arena_printf(&r->arena, "The comment"
		    " was %s.", actions[a].done));
	else if (done != NULL)
		view_str(view, "notice", strcmp(done, "reply") == 0 ? "Your"
		    " reply is published." : "Saved.");
	return page_render(r, "admin-comment", view, status);
}

int
admin_comments(struct req *r, struct session *se)
{
	json_t			*view = admin_view(r, se, "Comments"),
				*list;
	const char		*q = req_arg(r, "q"), *page = req_arg(r, "page"),
				*done = req_arg(r, "done");
	size_t			 tab = tab_of(req_arg(r, "status")), n, i;
	struct comment_query	 cq;
	struct comment		*cm;
	int64_t			 counts[4], total = 0, pg;
	long long		 k;
	int			 a;

	if (req_arg(r, "edit") != NULL) {
		json_decref(view);
		return edit_page(r, se, strtoll(req_arg(r, "edit"), NULL, 10),
		    NULL, 200);
	}
	pg = page != NULL ? strtoll(page, NULL, 10) : 1;
	if (pg < 1 || pg > 100000)
		pg = 1;
	memset(&cq, 0, sizeof(cq));
	cq.status = tabs[tab].status;
	cq.q = q != NULL && strlen(q) <= 200 ? q : NULL;
	cq.author_id = auth_role_rank(se->user.role) < 2 ? se->user.id : 0;
	cq.offset = (pg - 1) * PER_PAGE;
	cq.limit = PER_PAGE;
	if ((r->store_err = store_comment_counts(r->conn,
	    cq.author_id, counts)) == STORE_OK)
		r->store_err = store_comments_find(r->conn, &r->arena,
		    &cq, &cm, &n, &total);
	if (r->store_err != STORE_OK)
		return page_render(r, "admin-comments", view, 200);
	view_tabs(r, view, tab, counts);
	list = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(list, admin_comment_view(r, &cm[i]));
	json_object_set_new(view, "comments", list);
	view_str(view, "q", cq.q != NULL ? cq.q : "");
	view_str(view, "status", tabs[tab].status != NULL ?
	    tabs[tab].status : "");
	view_int(view, "total", total);
	if (pg > 1)
		view_str(view, "prev", list_url(r, tab, cq.q, pg - 1));
	if (pg * PER_PAGE < total)
		view_str(view, "next", list_url(r, tab, cq.q, pg + 1));
	if (done != NULL && (a = done_action(done, &k)) >= 0)
		view_str(view, "notice", arena_printf(&r->arena, "%lld %s %s.",
		    k, k == 1 ? "comment" : "comments", actions[a].done));
	return page_render(r, "admin-comments", view, 200);
}

/* May se act on comment id?  Authors only on their own posts. */
static int
may_moderate(struct req *r, const struct session *se, int64_t id)
{
	struct comment	 cm;
	struct post	 p;

	if (auth_role_rank(se->user.role) >= 2)
		return 1;
	return store_comment_by_id(r->conn, &r->arena, id, &cm) ==
	    STORE_OK && store_post_by_id(r->conn, &r->arena,
	    cm.post_id, &p) == STORE_OK && p.author_id == se->user.id;
}

/* Only what is in the trash or in spam is deleted for good. */
static int
deletable(struct req *r, int64_t id)
{
	struct comment	 cm;

	return store_comment_by_id(r->conn, &r->arena, id, &cm) ==
	    STORE_OK && (strcmp(cm.status, "trash") == 0 ||
	    strcmp(cm.status, "spam") == 0);
}

/* A moderator's edit of a comment, or their reply to it. */
static int
one_comment(struct req *r, struct session *se, struct form *in,
    const char *action)
{
	struct env	 env = page_env(r);
	struct comment	 cm, parent;
	int64_t		 id = strtoll(form_get(in, "id", NULL, NULL), NULL, 10),
			 nid;
	const char	*text = form_get(in, "content", NULL, NULL),
			*url = form_get(in, "url", NULL, NULL);
	int		 rc;

	if ((rc = store_comment_by_id(r->conn, &r->arena, id,
	    &parent)) != STORE_OK)
		return rc == STORE_NOTFOUND ? admin_refuse(r, se, 404, "There"
		    " is no such comment.") : page_error(r, 503);
	if (!may_moderate(r, se, id))
		return admin_refuse(r, se, 403, "You may moderate only the"
		    " comments on your own posts.");
	if (*text == '\0' || strlen(text) > 80000 ||
	    !utf8_valid(text, strlen(text)))
		return edit_page(r, se, id, "The text must be 1 to 20,000"
		    " characters.", 422);
	memset(&cm, 0, sizeof(cm));
	if (strcmp(action, "edit") == 0) {
		cm.id = id;
		cm.author = (char *)form_get(in, "author", NULL, NULL);
		cm.email = (char *)form_get(in, "email", NULL, NULL);
		cm.url = (char *)url;
		cm.content = (char *)text;
		if (*cm.author == '\0' || strlen(cm.author) > 400 ||
		    !utf8_valid(cm.author, strlen(cm.author)) ||
		    !comment_email_ok(cm.email) || (*url != '\0' &&
		    !url_http_ok(url)))
			return edit_page(r, se, id, "A name, a valid email"
			    " address, and a website starting with http:// or"
			    " https:// (or none) are needed.", 422);
		if ((rc = moderation_edit(r->conn, &cm)) != STORE_OK)
			return page_error(r, rc == STORE_DOWN ? 503 : 500);
		return admin_back(r, "comments", arena_printf(&r->arena,
		    "edit=%lld&done=saved", (long long)id));
	}
	if (strcmp(parent.status, "approved") != 0)
		return edit_page(r, se, id, "Approve the comment before"
		    " replying to it.", 422);
	cm.post_id = parent.post_id;
	cm.parent_id = parent.id;
	cm.author = se->user.name;
	cm.email = se->user.email;
	cm.url = "";
	cm.content = (char *)text;
	cm.status = "approved";
	cm.created = r->now;
	cm.ip_hash = (char *)sign_hex(r->site, &r->arena, SIGN_IP, r->ip);
	cm.user_agent = arena_strndup(&r->arena, r->user_agent != NULL ?
	    r->user_agent : "", r->user_agent != NULL ?
	    strnlen(r->user_agent, 200) : 0);
	cm.image = cm.thumb = cm.spam_signals = "";
	cm.avatar = (char *)avatar_key(r->site, &r->arena, cm.email);
	cm.spam_score = -1;
	/* The reply, its thread's places and its mail together, or none. */
	if ((rc = store_begin(r->conn)) == STORE_OK &&
	    (rc = store_comment_add(r->conn, &cm, &nid)) == STORE_OK &&
	    (rc = mail_event(&env, "reply", nid)) == STORE_OK)
		rc = store_commit(r->conn);
	if (rc != STORE_OK) {
		store_rollback(r->conn);
		return page_error(r, rc == STORE_DOWN ? 503 : 500);
	}
	mail_wake(r->site);
	return admin_back(r, "comments", arena_printf(&r->arena,
	    "edit=%lld&done=reply", (long long)id));
}

int
admin_comments_post(struct req *r, struct session *se, struct form *in)
{
	struct env	 env = page_env(r);
	const char	*action = form_get(in, "action", NULL, NULL),
			*ids = form_get(in, "id", NULL, NULL),
			*status = form_get(in, "status", NULL, NULL), *p;
	char		*end;
	size_t		 a, a2;
	long long	 id;
	int		 done = 0, rc, pass;

	if (strcmp(action, "edit") == 0 || strcmp(action, "reply") == 0)
		return one_comment(r, se, in, action);
	for (a = 0; a < sizeof(actions) / sizeof(actions[0]); a++)
		if (strcmp(actions[a].action, action) == 0)
			break;
	if (a == sizeof(actions) / sizeof(actions[0]))
		return admin_refuse(r, se, 422, "Choose an action for the"
		    " comments you ticked.");
	/* Every id checked before any is touched: all or nothing. */
	for (pass = 0; pass < 2; pass++)
		for (p = ids; *p != '\0'; p = end + (*end == '\n')) {
			id = strtoll(p, &end, 10);
			if (end == p)
				break;
			if (pass == 0) {
				if (id <= 0 || !may_moderate(r, se, id))
					return admin_refuse(r, se, 403, "You"
					    " may moderate only the comments on"
					    " your own posts.");
				continue;
			}
			rc = actions[a].status != NULL ? moderation_set(&env,
			    id, actions[a].status) : deletable(r, id) ?
			    moderation_delete(r->conn, id) : STORE_CONFLICT;
			if (rc == STORE_DOWN || rc == STORE_RETRY)
				return page_error(r, 503);
			if (rc == STORE_OK)
				done++;
		}
	/* Back to the comment's own page, or the tab the form came from. */
	if (strcmp(form_get(in, "from", NULL, NULL), "comment") == 0 &&
	    actions[a].status != NULL)
		return admin_back(r, "comments", arena_printf(&r->arena,
		    "edit=%lld&done=%s-%d", strtoll(ids, NULL, 10),
		    actions[a].action, done));
	a2 = tab_of(*status != '\0' ? status : NULL);
	return admin_back(r, "comments", arena_printf(&r->arena,
	    "%s%s%sdone=%s-%d", a2 > 0 ? "status=" : "", a2 > 0 ?
	    tabs[a2].status : "", a2 > 0 ? "&" : "", actions[a].action,
	    done));
}
