/*
 * notify_staff: the notice a new comment sends the site's own people,
 * as WordPress's comments_notify and moderation_notify do.  comment.c
 * records the "staff" event when it stores a comment approved (with
 * comments_notify on) or held (with moderation_notify on); the sender
 * runs notify_staff on it, off any request.  The notice goes to the
 * post's author and, with notify_editors on, to every editor and admin
 * too: each address once, never to the comment's own writer.
 *
 * It carries what a moderator decides on (the writer's name, email and
 * website as text, the comment's text, its status, its spam score and
 * the signals in words) and a link to the comment's page in the admin.
 * Nothing in it acts: that page shows the comment, and its approve,
 * spam and trash buttons are POST forms with the session's CSRF token,
 * so a mail scanner that opens every link changes nothing.
 */
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "arena.h"
#include "auth.h"
#include "buf.h"
#include "env.h"
#include "i18n.h"
#include "mail.h"
#include "notify.h"
#include "setting.h"
#include "spam.h"
#include "site.h"
#include "store.h"
#include "url.h"

/* jansson string of s (NULL: ""), checked: the text is the reader's. */
static json_t *
str(const char *s)
{
	json_t	*j = json_string(s != NULL ? s : "");

	return j != NULL ? j : json_string("");
}

/* The signals of cm ("a,b") in words, as a JSON array. */
static json_t *
signal_words(const struct env *e, const struct comment *cm)
{
	json_t		*a = json_array();
	const char	*s, *end, *w;
	size_t		 n;

	for (s = cm->spam_signals; s != NULL && *s != '\0'; s = end) {
		n = strcspn(s, ",");
		end = s + n + (s[n] == ',');
		if (n == 0)
			continue;
		w = spam_signal_words(s, n);
		json_array_append_new(a, w != NULL ? json_string(i18n_get(
		    mail_lang(e), w)) : json_stringn(s, n));
	}
	return a;
}

/* The comment as the notice shows it. */
static json_t *
comment_view(const struct env *e, const struct comment *cm)
{
	json_t	*o = json_object(), *sig;

	json_object_set_new(o, "id", json_integer(cm->id));
	json_object_set_new(o, "author", str(cm->author));
	json_object_set_new(o, "email", str(cm->email));
	json_object_set_new(o, "url", str(cm->url));
	json_object_set_new(o, "text", str(cm->content));
	json_object_set_new(o, "held", json_boolean(strcmp(cm->status,
	    "approved") != 0));
	json_object_set_new(o, "score", json_string(cm->spam_score < 0 ?
	    i18n_get(mail_lang(e), "none yet (the filter has not learnt"
	    " enough comments)") : arena_printf(e->arena, i18n_get(
	    mail_lang(e), "%.2f (0 is surely not spam, 1 surely spam)"),
	    cm->spam_score)));
	sig = signal_words(e, cm);
	json_object_set_new(o, "has_signals", json_boolean(
	    json_array_size(sig) > 0));
	json_object_set_new(o, "signals", sig);
	return o;
}

/* The view of the notice on cm of post p. */
static json_t *
notice_view(const struct env *e, const struct comment *cm,
    const struct post *p, const char *subject)
{
	json_t		*view = mail_view(e, subject);
	const char	*base = mail_base(e);
	struct buf	 b;

	json_object_set_new(view, "comment", comment_view(e, cm));
	json_object_set_new(view, "post_title", str(p->title));
	buf_init(&b);
	buf_puts(&b, base);
	url_post(&b, site_zone(e->site, e->set), p->published, p->slug);
	json_object_set_new(view, "post_link", json_string(b.data));
	b.len = 0;
	buf_puts(&b, base);
	url_admin(&b, "comments");
	json_object_set_new(view, "queue", json_string(arena_printf(e->arena,
	    "%s?status=pending", b.data)));
	json_object_set_new(view, "admin_link", json_string(arena_printf(
	    e->arena, "%s?edit=%lld", b.data, (long long)cm->id)));
	buf_reset(&b);
	return view;
}

/*
 * Returns 1 if u is to hear of cm on p: its author, or with editors an
 * editor or admin; not the comment's own writer, nor an address one of
 * to[0..n) has already.
 */
static int
to_hear(const struct user *u, const struct comment *cm, const struct post *p,
    int editors, const struct user *const *to, size_t n)
{
	size_t	 i;

	if (u->id != p->author_id && !(editors &&
	    auth_role_rank(u->role) >= 2))
		return 0;
	if (cm->email != NULL && strcasecmp(u->email, cm->email) == 0)
		return 0;
	for (i = 0; i < n; i++)
		if (strcasecmp(to[i]->email, u->email) == 0)
			return 0;
	return 1;
}

/*
 * Who of staff[0..n) hears of cm on p, into to[] (*nto of them), and in
 * last[] which of those reach notify_per_hour with this notice: those
 * past it hear nothing more this hour (the queue has the rest), so a
 * flood of comments costs the sender a count each, not a message.
 */
static int
recipients(const struct env *e, const struct comment *cm,
    const struct post *p, const struct user *staff, size_t n,
    const struct user **to, int *last, size_t *nto)
{
	int64_t	 cap = set_int(e->set, SET_NOTIFY_PER_HOUR), sent;
	size_t	 i;
	int	 rc, editors = set_bool(e->set, SET_NOTIFY_EDITORS);

	*nto = 0;
	for (i = 0; i < n; i++) {
		if (!to_hear(&staff[i], cm, p, editors, to, *nto))
			continue;
		if ((rc = store_mail_notices(e->conn, staff[i].email,
		    e->now - 3600, &sent)) != STORE_OK)
			return rc;
		if (sent >= cap)
			continue;
		last[*nto] = sent + 1 == cap;
		to[(*nto)++] = &staff[i];
	}
	return STORE_OK;
}

/* Renders the notice of cm on p into m, saying so if it is the last. */
static int
render(const struct env *e, const struct comment *cm, const struct post *p,
    int last, struct mail_out *m)
{
	json_t	*view = notice_view(e, cm, p, m->subject);
	char	*text, *html;
	int	 rc;

	if (last)
		json_object_set_new(view, "last", json_integer(set_int(e->set,
		    SET_NOTIFY_PER_HOUR)));
	rc = mail_render(e, "notice", view, &text, &html);
	json_decref(view);
	if (rc != 0)
		return STORE_ERROR;
	m->text = text;
	m->html = html;
	return STORE_OK;
}

int
notify_staff(const struct env *e, int64_t id)
{
	const struct user	**to;
	struct comment		 cm;
	struct post		 p;
	struct user		*staff;
	struct mail_out		 m[2];	/* as usual, and the hour's last */
	size_t			 n, nto, i;
	int			*last, rc, made[2] = { 0, 0 };

	if ((rc = store_comment_by_id(e->conn, e->arena, id, &cm)) !=
	    STORE_OK || (rc = store_post_by_id(e->conn, e->arena, cm.post_id,
	    &p)) != STORE_OK)
		return rc == STORE_NOTFOUND ? STORE_OK : rc;
	/* Marked spam or trashed since: someone has dealt with it. */
	if (strcmp(cm.status, "approved") != 0 &&
	    strcmp(cm.status, "pending") != 0)
		return STORE_OK;
	if ((rc = store_users_list(e->conn, e->arena, &staff, &n)) !=
	    STORE_OK)
		return rc;
	to = arena_alloc(e->arena, (n + 1) * sizeof(*to));
	last = arena_alloc(e->arena, (n + 1) * sizeof(*last));
	if ((rc = recipients(e, &cm, &p, staff, n, to, last, &nto)) !=
	    STORE_OK)
		return rc;
	memset(m, 0, sizeof(m));
	for (i = 0; i < nto; i++) {
		if (!made[last[i]]) {
			m[last[i]].kind = "notice";
			m[last[i]].subject = arena_printf(e->arena,
			    strcmp(cm.status, "approved") == 0 ?
			    i18n_get(mail_lang(e), "[%s] Comment: \"%s\"") :
			    i18n_get(mail_lang(e), "[%s] Please moderate:"
			    " \"%s\""), set_text(e->set, SET_SITE_TITLE),
			    p.title);
			if ((rc = render(e, &cm, &p, last[i],
			    &m[last[i]])) != STORE_OK)
				return rc;
			made[last[i]] = 1;
		}
		m[last[i]].to = to[i]->email;
		m[last[i]].to_name = to[i]->name;
		if ((rc = mail_queue(e, &m[last[i]])) != STORE_OK)
			return rc;
	}
	return STORE_OK;
}
