/*
 * page_admin_comments: the moderation queue, /admin/comments/.  Tabs by
 * status with their counts, a search over name, email and text, twenty
 * comments a page, each with what a moderator needs to decide: the
 * picture (a thumbnail that opens full size), the comment it answers,
 * the link to it in place on the article, the spam score with its
 * signals in words, and its sender's history (their other comments
 * approved and in spam, by email and by IP hash).  Each row acts alone
 * (approve, spam, trash and back; reply and edit on the comment's own
 * page) and the ticked rows in bulk, all through moderation_set, which
 * trains the spam filter; the last single action can be undone
 * (moderation_undo), which unlearns what it taught.  Every action is a
 * plain form answered by a 303 to the same place in the queue; the
 * queue's script (admin-queue.js) sends the same forms with
 * format=json and gets a small JSON answer instead, CSRF-checked as
 * any.  Authors see and act on the comments on their own posts only.
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
#include "spam.h"
#include "store.h"
#include "theme.h"
#include "url.h"
#include "utf8.h"

#define PER_PAGE	20

static const struct {
	const char	*status;	/* NULL: all but trash */
	const char	*label;
	int		 count;		/* index in comment_counts */
} tabs[] = {
	{ NULL, N_("All"), -1 },
	{ "pending", N_("Pending"), 1 },
	{ "approved", N_("Approved"), 0 },
	{ "spam", N_("Spam"), 2 },
	{ "trash", N_("Trash"), 3 },
};

/*
 * The bulk actions: the form's value, the status it sets, and what is
 * said after: on the comment's page, to the script (with its writer's
 * name) and in the queue (with how many), each a whole sentence to
 * translate.
 */
static const struct {
	const char	*action;
	const char	*status;
	const char	*done, *done_by, *one, *many;
} actions[] = {
	{ "approve", "approved", N_("The comment was approved."),
	    N_("The comment by %s was approved."),
	    NN_("%lld comment approved.", "%lld comments approved.") },
	{ "unapprove", "pending", N_("The comment was unapproved."),
	    N_("The comment by %s was unapproved."),
	    NN_("%lld comment unapproved.", "%lld comments unapproved.") },
	{ "spam", "spam", N_("The comment was marked as spam."),
	    N_("The comment by %s was marked as spam."),
	    NN_("%lld comment marked as spam.",
	    "%lld comments marked as spam.") },
	{ "notspam", "approved", N_("The comment was marked as not spam."),
	    N_("The comment by %s was marked as not spam."),
	    NN_("%lld comment marked as not spam.",
	    "%lld comments marked as not spam.") },
	{ "trash", "trash", N_("The comment was moved to the trash."),
	    N_("The comment by %s was moved to the trash."),
	    NN_("%lld comment moved to the trash.",
	    "%lld comments moved to the trash.") },
	{ "restore", "pending", N_("The comment was restored."),
	    N_("The comment by %s was restored."),
	    NN_("%lld comment restored.", "%lld comments restored.") },
	{ "delete", NULL, N_("The comment was deleted for good."),
	    N_("The comment by %s was deleted for good."),
	    NN_("%lld comment deleted for good.",
	    "%lld comments deleted for good.") },
};

/* The statuses an undo goes back to, and what it says then. */
static const struct {
	const char	*status, *undone;
} statuses[] = {
	{ "approved", N_("Undone: the comment is approved again.") },
	{ "pending", N_("Undone: the comment is pending again.") },
	{ "spam", N_("Undone: the comment is spam again.") },
	{ "trash", N_("Undone: the comment is trash again.") },
};

/* The signals of cm ("a,b") as [{name, words}], words from spam.c. */
static json_t *
view_signals(struct req *r, const struct comment *cm)
{
	json_t		*sig = json_array(), *o;
	const char	*s, *e, *w;

	for (s = cm->spam_signals; s != NULL && *s != '\0'; s = e) {
		e = s + strcspn(s, ",");
		o = json_object();
		json_object_set_new(o, "name", json_stringn(s,
		    (size_t)(e - s)));
		w = spam_signal_words(s, (size_t)(e - s));
		json_object_set_new(o, "words", w != NULL ?
		    json_string(page_tr(r, w)) :
		    json_stringn(s, (size_t)(e - s)));
		json_array_append_new(sig, o);
		if (*e == ',')
			e++;
	}
	return sig;
}

/*
 * Where cm shows on its article, as a path with its anchor: the page of
 * comments that holds it; a held one (pending or spam: trash shows
 * nowhere) with the token the article takes to show it in place.  NULL
 * for a comment on a page (no post link) or in the trash.
 */
static const char *
comment_link(struct req *r, const struct comment *cm)
{
	struct env	 env = page_env(r);
	struct buf	 b;
	const char	*article, *path;

	if (cm->post_slug == NULL || *cm->post_slug == '\0' ||
	    strcmp(cm->status, "trash") == 0)
		return NULL;
	buf_init(&b);
	url_post(&b, page_tz(r), cm->post_published, cm->post_slug);
	article = arena_strdup(&r->arena, b.data);
	buf_reset(&b);
	path = comment_path(&env, article, cm->post_id, cm->id);
	if (strcmp(cm->status, "approved") == 0)
		return arena_printf(&r->arena, "%s#comment-%lld", path,
		    (long long)cm->id);
	return arena_printf(&r->arena, "%s?unapproved=%s#comment-%lld", path,
	    comment_held_token(&env, cm->id), (long long)cm->id);
}

/* The comment's picture: its thumbnail and the full size, if any. */
static void
view_attached(json_t *o, const struct comment *cm)
{
	const char	*ext = cm->image_ext != NULL && *cm->image_ext != '\0' ?
			    cm->image_ext : "jpg";
	json_t		*pic;
	struct buf	 b;

	if (cm->image == NULL || *cm->image == '\0')
		return;
	pic = json_object();
	buf_init(&b);
	url_media(&b, cm->image, ext);
	view_str(pic, "full", b.data);
	b.len = 0;
	url_media(&b, *cm->thumb != '\0' ? cm->thumb : cm->image, ext);
	view_str(pic, "thumb", b.data);
	buf_reset(&b);
	view_int(pic, "w", cm->thumb_w > 0 ? cm->thumb_w : 150);
	view_int(pic, "h", cm->thumb_h > 0 ? cm->thumb_h : 150);
	json_object_set_new(o, "picture", pic);
}

json_t *
admin_comment_view(struct req *r, const struct comment *cm)
{
	json_t		*o = json_object(), *pa;
	const char	*link;

	view_int(o, "id", cm->id);
	view_str(o, "author", cm->author);
	view_str(o, "email", cm->email != NULL ? cm->email : "");
	view_str(o, "url", cm->url);
	view_str(o, "text", cm->content);
	view_str(o, "status", cm->status);
	view_str(o, "status_word", admin_word(r, "comment status",
	    cm->status));
	view_str(o, "date", page_human_date(r, cm->created));
	view_str(o, "post_title", cm->post_title != NULL ? cm->post_title :
	    "");
	if ((link = comment_link(r, cm)) != NULL)
		view_str(o, "link", link);
	view_attached(o, cm);
	if (cm->parent_author != NULL && *cm->parent_author != '\0') {
		pa = json_object();
		view_str(pa, "author", cm->parent_author);
		view_str(pa, "text", utf8_valid(cm->parent_text,
		    strlen(cm->parent_text)) ? cm->parent_text : "");
		view_int(pa, "id", cm->parent_id);
		json_object_set_new(o, "parent", pa);
	}
	view_str(o, "score", cm->spam_score < 0 ? i18n_pget(page_lang(r),
	    "spam score", "none") :
	    arena_printf(&r->arena, "%.2f", cm->spam_score));
	json_object_set_new(o, "signals", view_signals(r, cm));
	view_str(o, "trained", cm->spam_trained != NULL ? admin_word(r,
	    "spam filter", cm->spam_trained) : "");
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
		view_str(o, "label", page_tr(r, tabs[i].label));
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
		return rc == STORE_NOTFOUND ? admin_refuse(r, se, 404,
		    N_("There is no such comment.")) : page_error(r, 503);
	if (!may_moderate(r, se, id))
		return admin_refuse(r, se, 403, N_("You may moderate only the"
		    " comments on your own posts."));
	view = admin_view(r, se, N_("Edit comment"));
	json_object_set_new(view, "comment", admin_comment_view(r, &cm));
	json_object_set_new(view, "approved", json_boolean(
	    strcmp(cm.status, "approved") == 0));
	json_object_set_new(view, "is_spam", json_boolean(
	    strcmp(cm.status, "spam") == 0));
	json_object_set_new(view, "is_trash", json_boolean(
	    strcmp(cm.status, "trash") == 0));
	json_object_set_new(view, "can_reply", json_boolean(
	    strcmp(cm.status, "approved") == 0 ||
	    strcmp(cm.status, "pending") == 0));
	if (error != NULL)
		view_str(view, "error", page_tr(r, error));
	if (done != NULL && (a = done_action(done, &n)) >= 0)
		view_str(view, "notice", page_tr(r, actions[a].done));
	else if (done != NULL)
		view_str(view, "notice", page_tr(r, strcmp(done, "reply") ==
		    0 ? N_("Your reply is published.") : N_("Saved.")));
	return page_render(r, "admin-comment", view, status);
}

/* The sender's history, for a row of the queue (its own query). */
static void
view_history(struct req *r, json_t *o, int64_t id)
{
	struct comment_history	 h;
	json_t			*v;

	if (store_comment_history(r->conn, id, &h) != STORE_OK)
		return;
	v = json_object();
	view_int(v, "email_approved", h.email_approved);
	view_int(v, "email_spam", h.email_spam);
	view_int(v, "ip_approved", h.ip_approved);
	view_int(v, "ip_spam", h.ip_spam);
	json_object_set_new(o, "history", v);
}

/*
 * The notice after an action, from ?done= (and ?undo=ID.STATUS.TRAINED
 * after one row's: the Undo button's fields).
 */
static void
view_done(struct req *r, json_t *view, const char *done, const char *undo)
{
	json_t		*u;
	long long	 k, id;
	char		 st[16], tr[8];
	int		 a;

	/* In the queue's own status line, beside its Undo, not the frame's. */
	if (done != NULL && strcmp(done, "undone") == 0)
		view_str(view, "queue_notice", page_tr(r, "Undone."));
	else if (done != NULL && (a = done_action(done, &k)) >= 0)
		view_str(view, "queue_notice", arena_printf(&r->arena,
		    i18n_nget(page_lang(r), actions[a].one, actions[a].many,
		    k < 0 ? 0 : (unsigned long)k), k));
	tr[0] = '\0';
	if (undo == NULL || sscanf(undo, "%lld.%15[a-z].%7[a-z]", &id, st,
	    tr) < 2)
		return;
	u = json_object();
	view_int(u, "id", id);
	view_str(u, "was_status", st);
	view_str(u, "was_trained", tr);
	json_object_set_new(view, "undo", u);
}

int
admin_comments(struct req *r, struct session *se)
{
	json_t			*view = admin_view(r, se, N_("Comments")),
				*list, *o;
	const char		*q = req_arg(r, "q"), *page = req_arg(r, "page");
	size_t			 tab = tab_of(req_arg(r, "status")), n, i;
	struct comment_query	 cq;
	struct comment		*cm;
	int64_t			 counts[4], total = 0, pg;

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
	for (i = 0; i < n; i++) {
		o = admin_comment_view(r, &cm[i]);
		view_history(r, o, cm[i].id);
		json_array_append_new(list, o);
	}
	json_object_set_new(view, "comments", list);
	view_str(view, "q", cq.q != NULL ? cq.q : "");
	view_str(view, "status", tabs[tab].status != NULL ?
	    tabs[tab].status : "");
	view_int(view, "page", pg);
	view_int(view, "total", total);
	if (pg > 1)
		view_str(view, "prev", list_url(r, tab, cq.q, pg - 1));
	if (pg * PER_PAGE < total)
		view_str(view, "next", list_url(r, tab, cq.q, pg + 1));
	view_done(r, view, req_arg(r, "done"), req_arg(r, "undo"));
	view_str(view, "queue_js", theme_asset_url(page_theme(r),
	    "admin-queue.js"));
	return page_render(r, "admin-comments", view, 200);
}

/* Does the queue's script ask (format=json), not a plain form? */
static int
wants_json(struct form *in)
{
	return strcmp(form_get(in, "format", NULL, NULL), "json") == 0;
}

/* A refusal: a page for a form, {"error": why} for the script. */
static int
refuse(struct req *r, struct session *se, struct form *in, int status,
    const char *why)
{
	json_t	*o;

	if (!wants_json(in))
		return admin_refuse(r, se, status, why);
	o = json_object();
	view_str(o, "error", page_tr(r, why));
	return admin_json(r, status, o);
}

/*
 * Back to where the form came from in the queue (its tab, search and
 * page), with query added: a 303.
 */
static int
back_to_queue(struct req *r, struct form *in, const char *query)
{
	const char	*q = form_get(in, "q", NULL, NULL),
			*st = form_get(in, "status", NULL, NULL), *base;
	int64_t		 pg = strtoll(form_get(in, "page", NULL, NULL), NULL,
			    10);

	base = list_url(r, tab_of(*st != '\0' ? st : NULL), strlen(q) <= 200 ?
	    q : NULL, pg >= 1 && pg <= 100000 ? pg : 1);
	r->location = arena_printf(&r->arena, "%s%c%s", base,
	    strchr(base, '?') != NULL ? '&' : '?', query);
	return 303;
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

/* A moderator's edit of comment id (from its own page). */
static int
edit_comment(struct req *r, struct session *se, struct form *in, int64_t id)
{
	struct comment	 cm;
	const char	*url = form_get(in, "url", NULL, NULL);
	int		 rc;

	memset(&cm, 0, sizeof(cm));
	cm.id = id;
	cm.author = (char *)form_get(in, "author", NULL, NULL);
	cm.email = (char *)form_get(in, "email", NULL, NULL);
	cm.url = (char *)url;
	cm.content = (char *)form_get(in, "content", NULL, NULL);
	if (*cm.author == '\0' || strlen(cm.author) > 400 ||
	    !utf8_valid(cm.author, strlen(cm.author)) ||
	    !comment_email_ok(cm.email) || (*url != '\0' && !url_http_ok(url)))
		return edit_page(r, se, id, N_("A name, a valid email address,"
		    " and a website starting with http:// or https:// (or"
		    " none) are needed."), 422);
	if ((rc = moderation_edit(r->conn, &cm)) != STORE_OK)
		return page_error(r, rc == STORE_DOWN ? 503 : 500);
	return admin_back(r, "comments", arena_printf(&r->arena,
	    "edit=%lld&done=saved", (long long)id));
}

/*
 * A moderator's reply to parent, approved at once; a parent still
 * waiting is approved first (as WordPress's "Approve and Reply"), since
 * a reply shows only under a comment shown.  The reply, its thread's
 * places and its mail together, or none.
 */
static int
reply_comment(struct req *r, struct session *se, struct form *in,
    struct comment *parent)
{
	struct env	 env = page_env(r);
	struct comment	 cm;
	json_t		*o;
	int64_t		 nid;
	int		 rc;

	if (strcmp(parent->status, "pending") == 0 &&
	    (rc = moderation_set(&env, parent->id, "approved")) != STORE_OK)
		return page_error(r, rc == STORE_DOWN ? 503 : 500);
	else if (strcmp(parent->status, "approved") != 0 &&
	    strcmp(parent->status, "pending") != 0)
		return wants_json(in) ? refuse(r, se, in, 422, N_("A comment"
		    " in spam or in the trash cannot be answered.")) :
		    edit_page(r, se, parent->id, N_("A comment in spam or in"
		    " the trash cannot be answered."), 422);
	memset(&cm, 0, sizeof(cm));
	cm.post_id = parent->post_id;
	cm.parent_id = parent->id;
	cm.author = se->user.name;
	cm.email = se->user.email;
	cm.url = "";
	cm.content = (char *)form_get(in, "content", NULL, NULL);
	cm.status = "approved";
	cm.created = r->now;
	cm.ip_hash = (char *)sign_hex(r->site, &r->arena, SIGN_IP, r->ip);
	cm.user_agent = arena_strndup(&r->arena, r->user_agent != NULL ?
	    r->user_agent : "", r->user_agent != NULL ?
	    strnlen(r->user_agent, 200) : 0);
	cm.image = cm.thumb = cm.spam_signals = "";
	cm.avatar = (char *)avatar_key(r->site, &r->arena, cm.email);
	cm.spam_score = -1;
	if ((rc = store_begin(r->conn)) == STORE_OK &&
	    (rc = store_comment_add(r->conn, &cm, &nid)) == STORE_OK &&
	    (rc = mail_event(&env, "reply", nid)) == STORE_OK)
		rc = store_commit(r->conn);
	if (rc != STORE_OK) {
		store_rollback(r->conn);
		return page_error(r, rc == STORE_DOWN ? 503 : 500);
	}
	mail_wake(r->site);
	if (!wants_json(in))
		return admin_back(r, "comments", arena_printf(&r->arena,
		    "edit=%lld&done=reply", (long long)parent->id));
	o = json_object();
	view_int(o, "id", parent->id);
	view_int(o, "reply", nid);
	view_str(o, "status", "approved");
	view_str(o, "status_word", admin_word(r, "comment status",
	    "approved"));
	view_str(o, "message", arena_printf(&r->arena, page_tr(r, "Your reply"
	    " to %s is published."), parent->author));
	return admin_json(r, 200, o);
}

/* A moderator's edit of a comment, or their reply to it. */
static int
one_comment(struct req *r, struct session *se, struct form *in,
    const char *action)
{
	struct comment	 parent;
	int64_t		 id = strtoll(form_get(in, "id", NULL, NULL), NULL, 10);
	const char	*text = form_get(in, "content", NULL, NULL);
	int		 rc;

	if ((rc = store_comment_by_id(r->conn, &r->arena, id,
	    &parent)) != STORE_OK)
		return rc == STORE_NOTFOUND ? refuse(r, se, in, 404,
		    N_("There is no such comment.")) : page_error(r, 503);
	if (!may_moderate(r, se, id))
		return refuse(r, se, in, 403, N_("You may moderate only the"
		    " comments on your own posts."));
	if (*text == '\0' || strlen(text) > 80000 ||
	    !utf8_valid(text, strlen(text)))
		return wants_json(in) ? refuse(r, se, in, 422, N_("The text"
		    " must be 1 to 20,000 characters.")) : edit_page(r, se,
		    id, N_("The text must be 1 to 20,000 characters."), 422);
	if (strcmp(action, "edit") == 0)
		return edit_comment(r, se, in, id);
	return reply_comment(r, se, in, &parent);
}

/* What one row's action did, for the script: {id, status, message, undo}. */
static int
acted_json(struct req *r, const struct comment *cm, size_t a,
    const struct moderation_was *was)
{
	json_t	*o = json_object(), *u;

	view_int(o, "id", cm->id);
	view_str(o, "status", actions[a].status != NULL ? actions[a].status :
	    "deleted");
	if (actions[a].status != NULL)
		view_str(o, "status_word", admin_word(r, "comment status",
		    actions[a].status));
	view_str(o, "message", arena_printf(&r->arena, page_tr(r,
	    actions[a].done_by), cm->author));
	if (actions[a].status != NULL) {
		u = json_object();
		view_str(u, "status", was->status);
		view_str(u, "trained", was->trained);
		json_object_set_new(o, "undo", u);
	}
	return admin_json(r, 200, o);
}

/*
 * One row's action, from its own button (row=ACTION-ID): done, then
 * back to the same place in the queue with an Undo, or its JSON.
 */
static int
row_action(struct req *r, struct session *se, struct form *in,
    const char *row)
{
	struct env		 env = page_env(r);
	struct moderation_was	 was;
	struct comment		 cm;
	const char		*dash = strrchr(row, '-');
	int64_t			 id = dash != NULL ? strtoll(dash + 1, NULL,
				    10) : 0;
	size_t			 a;
	int			 rc;

	for (a = 0; dash != NULL && a < sizeof(actions) / sizeof(actions[0]);
	    a++)
		if (strlen(actions[a].action) == (size_t)(dash - row) &&
		    strncmp(actions[a].action, row, (size_t)(dash - row)) == 0)
			break;
	if (dash == NULL || a == sizeof(actions) / sizeof(actions[0]))
		return refuse(r, se, in, 422, N_("There is no such action."));
	if (id <= 0 || store_comment_by_id(r->conn, &r->arena, id, &cm) !=
	    STORE_OK)
		return refuse(r, se, in, 404, N_("There is no such comment."));
	if (!may_moderate(r, se, id))
		return refuse(r, se, in, 403, N_("You may moderate only the"
		    " comments on your own posts."));
	memset(&was, 0, sizeof(was));
	if (actions[a].status != NULL)
		rc = moderation_set_was(&env, id, actions[a].status, &was);
	else if (!deletable(r, id))
		return refuse(r, se, in, 409, N_("Only a comment in spam or in"
		    " the trash is deleted for good."));
	else
		rc = moderation_delete(r->conn, id);
	if (rc != STORE_OK)
		return rc == STORE_NOTFOUND ? refuse(r, se, in, 404,
		    N_("There is no such comment.")) : page_error(r, 503);
	if (wants_json(in))
		return acted_json(r, &cm, a, &was);
	return back_to_queue(r, in, actions[a].status == NULL ?
	    arena_printf(&r->arena, "done=%s-1", actions[a].action) :
	    arena_printf(&r->arena, "done=%s-1&undo=%lld.%s.%s",
	    actions[a].action, (long long)id, was.status, was.trained));
}

/*
 * Undo: comment id back to the status and lesson it had (the fields
 * the row's action answered with), unlearning what the action taught.
 */
static int
undo(struct req *r, struct session *se, struct form *in)
{
	struct env		 env = page_env(r);
	struct moderation_was	 was;
	int64_t			 id = strtoll(form_get(in, "id", NULL, NULL),
				    NULL, 10);
	const char		*st = form_get(in, "was_status", NULL, NULL),
				*tr = form_get(in, "was_trained", NULL, NULL);
	json_t			*o;
	size_t			 i;
	int			 rc;

	for (i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++)
		if (strcmp(st, statuses[i].status) == 0)
			break;
	if (i == sizeof(statuses) / sizeof(statuses[0]) || (*tr != '\0' &&
	    strcmp(tr, "ham") != 0 && strcmp(tr, "spam") != 0))
		return refuse(r, se, in, 422, N_("There is nothing to undo."));
	if (id <= 0 || !may_moderate(r, se, id))
		return refuse(r, se, in, 403, N_("You may moderate only the"
		    " comments on your own posts."));
	snprintf(was.status, sizeof(was.status), "%s", st);
	snprintf(was.trained, sizeof(was.trained), "%s", tr);
	if ((rc = moderation_undo(&env, id, &was)) != STORE_OK)
		return rc == STORE_NOTFOUND ? refuse(r, se, in, 404,
		    N_("There is no such comment.")) : page_error(r, 503);
	if (!wants_json(in))
		return back_to_queue(r, in, "done=undone");
	o = json_object();
	view_int(o, "id", id);
	view_str(o, "status", st);
	view_str(o, "status_word", admin_word(r, "comment status", st));
	view_str(o, "message", page_tr(r, statuses[i].undone));
	return admin_json(r, 200, o);
}

int
admin_comments_post(struct req *r, struct session *se, struct form *in)
{
	struct env	 env = page_env(r);
	const char	*action = form_get(in, "action", NULL, NULL),
			*ids = form_get(in, "id", NULL, NULL),
			*row = form_get(in, "row", NULL, NULL), *p;
	char		*end;
	size_t		 a;
	long long	 id;
	int		 done = 0, rc, pass;

	if (*row != '\0')
		return row_action(r, se, in, row);
	if (strcmp(action, "undo") == 0)
		return undo(r, se, in);
	if (strcmp(action, "edit") == 0 || strcmp(action, "reply") == 0)
		return one_comment(r, se, in, action);
	for (a = 0; a < sizeof(actions) / sizeof(actions[0]); a++)
		if (strcmp(actions[a].action, action) == 0)
			break;
	if (a == sizeof(actions) / sizeof(actions[0]))
		return admin_refuse(r, se, 422, N_("Choose an action for the"
		    " comments you ticked."));
	/* Every id checked before any is touched: all or nothing. */
	for (pass = 0; pass < 2; pass++)
		for (p = ids; *p != '\0'; p = end + (*end == '\n')) {
			id = strtoll(p, &end, 10);
			if (end == p)
				break;
			if (pass == 0) {
				if (id <= 0 || !may_moderate(r, se, id))
					return admin_refuse(r, se, 403,
					    N_("You may moderate only the"
					    " comments on your own posts."));
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
	/* Back to the comment's own page, or the queue the form came from. */
	if (strcmp(form_get(in, "from", NULL, NULL), "comment") == 0 &&
	    actions[a].status != NULL)
		return admin_back(r, "comments", arena_printf(&r->arena,
		    "edit=%lld&done=%s-%d", strtoll(ids, NULL, 10),
		    actions[a].action, done));
	return back_to_queue(r, in, arena_printf(&r->arena, "done=%s-%d",
	    actions[a].action, done));
}
