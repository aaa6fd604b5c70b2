/*
 * notify_reader: see notify_reader.h.  Every reply goes one way: its
 * event holds it (mail_held, migration 20), and the sender's pass after
 * the events (notify_held) takes it and queues its message in one
 * transaction: at once while the address's hour has room, else, once
 * the hour allows, in one digest with the others that waited.  Taking
 * marks it told, so none is lost or sent twice, and its row stays, so
 * a reply unapproved and approved again (or marked spam and not) is
 * not told again; one dropped untold is deleted.  The hour is counted in
 * the outbox itself (the replies and digests queued to the address in
 * the last hour), under a lock named for the address, so two nodes'
 * senders cannot both take its last place.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "arena.h"
#include "buf.h"
#include "comment.h"
#include "env.h"
#include "i18n.h"
#include "mail.h"
#include "notify.h"
#include "notify_reader.h"
#include "setting.h"
#include "sign.h"
#include "site.h"
#include "store.h"
#include "url.h"

#define ASK_EVERY	(7 * 86400)	/* a confirmation at most this often */
#define HOUR		3600
#define QUOTE_BYTES	300	/* of the reader's own comment, quoted */
#define DIGEST_BYTES	600	/* of each reply in a digest */

/* The links a reader's mail carries: their paths and their tokens' words. */
enum link { LINK_CONFIRM, LINK_UNSUB, LINK_STOP, LINK__MAX };
static const struct {
	const char	*path;		/* url_mail's what */
	const char	*word;		/* sign_mail's what */
} links[LINK__MAX] = {
	[LINK_CONFIRM] = { "confirm", "confirm" },
	[LINK_UNSUB] = { "unsubscribe", "unsub" },
	[LINK_STOP] = { "stop", "stop" },
};

/* o[key] = s; text here was checked as UTF-8 where it came in. */
static void
put(json_t *o, const char *key, const char *s)
{
	json_object_set_new(o, key, json_string(s != NULL ? s : ""));
}

/* s cut to at most n bytes at a character's start, "…" if cut. */
static const char *
cut(const struct env *e, const char *s, size_t n)
{
	if (strlen(s) <= n)
		return s;
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	return arena_printf(e->arena, "%.*s…", (int)n, s);
}

/* The absolute URL of path on this site (base_url), in e's arena. */
static const char *
site_url(const struct env *e, const char *path)
{
	return arena_printf(e->arena, "%s%s", mail_base(e), path);
}

/* The absolute URL of link k for id, bound to email. */
static const char *
link_url(const struct env *e, enum link k, int64_t id, const char *email)
{
	struct buf	 b;
	const char	*out;

	buf_init(&b);
	url_mail(&b, links[k].path, sign_mail(e->site, e->arena,
	    links[k].word, id, email));
	out = site_url(e, b.data);
	buf_reset(&b);
	return out;
}

/*
 * Renders the mail templates kind with v (taken) and queues the message
 * to ad, with List-Unsubscribe unsub.  A store_rc.
 */
static int
send(const struct env *e, const char *kind, json_t *v,
    const struct mail_address *ad, const char *to_name, const char *subject,
    const char *unsub)
{
	struct mail_out	 m;
	char		*text, *html;
	int		 rc;

	rc = mail_render(e, kind, v, &text, &html);
	json_decref(v);
	if (rc == -1) {
		fprintf(stderr, "galley: mail: the theme's mail-%s failed\n",
		    kind);
		return STORE_ERROR;
	}
	memset(&m, 0, sizeof(m));
	m.kind = kind;
	m.to = ad->email;
	m.to_name = to_name;
	m.subject = subject;
	m.text = text;
	m.html = html;
	m.unsubscribe = unsub;
	return mail_queue(e, &m);
}

/* Holds address id's lock until the transaction ends. */
static int
lock_address(const struct env *e, int64_t id)
{
	char	 key[40];

	snprintf(key, sizeof(key), "mail:%lld", (long long)id);
	return store_lock(e->conn, key);
}

/*
 * The mailbox of email (lower case): the address without its "+tag",
 * in e's arena; *n the bytes of its local part, *at its "@domain" ("",
 * should it have none).
 */
static const char *
mailbox(const struct env *e, const char *email, size_t *n, const char **at)
{
	if ((*at = strrchr(email, '@')) == NULL)
		*at = email + strlen(email);
	*n = strcspn(email, "+@");
	return arena_printf(e->arena, "%.*s%s", (int)*n, email, *at);
}

const char *
notify_reader_tomb(const struct env *e, const char *email)
{
	const char	*at;
	size_t		 n;

	return arena_printf(e->arena, "#%s", sign_hex(e->site, e->arena,
	    SIGN_SUBJECT, mailbox(e, email, &n, &at)));
}

/*
 * Returns 1 in *quiet if a confirmation may go to email (lower case):
 * no name of its mailbox (email without its "+tag") was asked within
 * ASK_EVERY or stopped all mail, even one erased since.  Else "a+1@x",
 * "a+2@x"... would each cost a's one inbox a message.  A store_rc.
 */
static int
mailbox_quiet(const struct env *e, const char *email, int *quiet)
{
	const char	*at, *box;
	size_t		 n;
	int64_t		 k;
	int		 rc;

	*quiet = 0;
	if (strchr(email, '@') == NULL)
		return STORE_OK;
	box = mailbox(e, email, &n, &at);
	if ((rc = store_mail_mailbox_asked(e->conn, box, arena_printf(
	    e->arena, "%.*s+", (int)n, email), at, notify_reader_tomb(e,
	    email), e->now - ASK_EVERY, &k)) != STORE_OK)
		return rc;
	*quiet = k == 0;
	return STORE_OK;
}

int
notify_reader_subscribe(const struct env *e, int64_t comment_id,
    const char *email)
{
	struct mail_address	 ad;
	int			 rc, quiet;

	if (!mail_on(e->site))
		return STORE_OK;
	if ((rc = store_mail_address_get(e->conn, e->arena, email, e->now,
	    &ad)) != STORE_OK)
		return rc;
	if (ad.stopped != 0)
		return STORE_OK;	/* it asked for nothing more, ever */
	if ((rc = store_mail_subscribe(e->conn, comment_id, ad.id,
	    e->now)) != STORE_OK)
		return rc;
	/* Whoever types a stranger's address costs them one mail a week. */
	if (ad.confirmed != 0 || (ad.asked != 0 &&
	    e->now - ad.asked < ASK_EVERY))
		return STORE_OK;
	if ((rc = mailbox_quiet(e, ad.email, &quiet)) != STORE_OK || !quiet)
		return rc;
	if ((rc = mail_event(e, "confirm", ad.id)) != STORE_OK)
		return rc;
	return store_mail_address_asked(e->conn, ad.id, e->now);
}

int
notify_reader_confirm(const struct env *e, int64_t id)
{
	struct mail_address	 ad;
	const char		*subject, *stop;
	json_t			*v;
	int			 rc;

	/* A stop being made waits for this, or this sees it made. */
	if ((rc = lock_address(e, id)) != STORE_OK)
		return rc;
	rc = store_mail_address_by_id(e->conn, e->arena, id, &ad);
	if (rc == STORE_NOTFOUND || (rc == STORE_OK && (ad.confirmed != 0 ||
	    ad.stopped != 0)))
		return STORE_OK;	/* erased, confirmed or stopped since */
	if (rc != STORE_OK)
		return rc;
	subject = arena_printf(e->arena, i18n_get(mail_lang(e),
	    "Confirm email about replies on %s"),
	    set_text(e->set, SET_SITE_TITLE));
	stop = link_url(e, LINK_STOP, ad.id, ad.email);
	v = mail_view(e, subject);
	put(v, "confirm", link_url(e, LINK_CONFIRM, ad.id, ad.email));
	/* Whoever did not ask can stop even the next confirmation. */
	put(v, "unsubscribe", stop);
	put(v, "unsubscribe_reason", i18n_get(mail_lang(e),
	    "To get no email from this site again:"));
	return send(e, "confirm", v, &ad, NULL, subject, stop);
}

/* A held reply and what a message about it says. */
struct told {
	struct comment	 reply;
	struct comment	 parent;	/* the subscribed comment */
	struct post	 post;
	const char	*link;		/* absolute: the reply in place */
};

/*
 * Reads reply id into t if ad is still to hear of it: the reply and its
 * parent approved, ad subscribed to the parent, the reply not ad's own,
 * the post shown.  STORE_NOTFOUND when not.
 */
static int
told_read(const struct env *e, int64_t id, const struct mail_address *ad,
    struct told *t)
{
	struct mail_address	 sub;
	struct buf		 b;
	const char		*path;
	int			 rc;

	if ((rc = store_comment_by_id(e->conn, e->arena, id, &t->reply)) !=
	    STORE_OK)
		return rc;
	if (strcmp(t->reply.status, "approved") != 0 ||
	    t->reply.parent_id == 0 || strcasecmp(t->reply.email,
	    ad->email) == 0)
		return STORE_NOTFOUND;
	if ((rc = store_mail_subscriber(e->conn, e->arena,
	    t->reply.parent_id, &sub)) != STORE_OK ||
	    (rc = store_comment_by_id(e->conn, e->arena, t->reply.parent_id,
	    &t->parent)) != STORE_OK ||
	    (rc = store_post_by_id(e->conn, e->arena, t->reply.post_id,
	    &t->post)) != STORE_OK)
		return rc;
	if (sub.id != ad->id || strcmp(t->parent.status, "approved") != 0)
		return STORE_NOTFOUND;
	buf_init(&b);
	if (strcmp(t->post.type, "page") == 0)
		url_page(&b, t->post.slug);
	else
		url_post(&b, site_zone(e->site, e->set), t->post.published,
		    t->post.slug);
	/* As the article links it: on the comment page that shows it. */
	path = comment_path(e, arena_strdup(e->arena, b.data), t->post.id,
	    id);
	buf_reset(&b);
	t->link = site_url(e, arena_printf(e->arena, "%s#comment-%lld", path,
	    (long long)id));
	return STORE_OK;
}

/* One reply, as a message of its own. */
static int
reply_mail(const struct env *e, const struct mail_address *ad,
    const struct told *t)
{
	const char	*subject, *unsub;
	json_t		*v;

	subject = arena_printf(e->arena, i18n_get(mail_lang(e),
	    "New reply to your comment on “%s”"), t->post.title);
	unsub = link_url(e, LINK_UNSUB, t->parent.id, ad->email);
	v = mail_view(e, subject);
	put(v, "who", t->reply.author);
	put(v, "text", t->reply.content);
	put(v, "mine", cut(e, t->parent.content, QUOTE_BYTES));
	put(v, "post_title", t->post.title);
	put(v, "link", t->link);
	put(v, "unsubscribe", unsub);
	put(v, "stop", link_url(e, LINK_STOP, ad->id, ad->email));
	put(v, "unsubscribe_reason", i18n_get(mail_lang(e),
	    "You asked to hear of replies to your comment."));
	return send(e, "reply", v, ad, t->parent.author, subject, unsub);
}

/* Replies held past the hour, n > 1 of them, as one message. */
static int
digest_mail(const struct env *e, const struct mail_address *ad,
    const struct told *t, size_t n)
{
	const char	*subject, *stop;
	json_t		*v, *list = json_array(), *o;
	size_t		 i;

	subject = arena_printf(e->arena, i18n_nget(mail_lang(e),
	    "%zu new reply to your comments on %s",
	    "%zu new replies to your comments on %s", (unsigned long)n), n,
	    set_text(e->set, SET_SITE_TITLE));
	stop = link_url(e, LINK_STOP, ad->id, ad->email);
	v = mail_view(e, subject);
	for (i = 0; i < n; i++) {
		o = json_object();
		put(o, "who", t[i].reply.author);
		put(o, "text", cut(e, t[i].reply.content, DIGEST_BYTES));
		put(o, "post_title", t[i].post.title);
		put(o, "link", t[i].link);
		put(o, "unsubscribe", link_url(e, LINK_UNSUB, t[i].parent.id,
		    ad->email));
		json_array_append_new(list, o);
	}
	json_object_set_new(v, "replies", list);
	json_object_set_new(v, "count", json_integer((json_int_t)n));
	/* The digest is every thread's: its one-click link stops them all. */
	put(v, "unsubscribe", stop);
	put(v, "unsubscribe_reason", i18n_get(mail_lang(e),
	    "You asked to hear of replies to your comments; each reply above"
	    " has a link that ends its thread's. To stop them all:"));
	return send(e, "digest", v, ad, t[0].parent.author, subject, stop);
}

/* Drops every reply held for an address that can no longer hear. */
static int
drop(const struct env *e, const struct mail_held *h, size_t n)
{
	size_t	 i;
	int	 rc;

	for (i = 0; i < n; i++)
		if ((rc = store_mail_held_drop(e->conn, h[i].comment_id)) !=
		    STORE_OK && rc != STORE_NOTFOUND)
			return rc;
	return STORE_OK;
}

/*
 * With the lock of address id held, in the caller's transaction: its
 * held replies, as the hour allows.  While the hour is full they are
 * marked waiting.  Once it has room, replies that waited go as one
 * digest (a lone one as a reply); replies just held go each as a reply
 * while there is room, and the rest are marked waiting.  A held reply
 * no longer to tell (told_read) is dropped, as is every reply held for
 * an address that can no longer hear.
 */
static int
flush(const struct env *e, int64_t id)
{
	struct mail_address	 ad;
	struct mail_held	*h;
	struct told		*t;
	int64_t			 recent, room;
	size_t			 n, i, k = 0;
	int			 rc, waited = 0;

	rc = store_mail_address_by_id(e->conn, e->arena, id, &ad);
	if (rc == STORE_OK)
		rc = store_mail_held_of(e->conn, e->arena, id, &h, &n);
	if (rc != STORE_OK)
		return rc == STORE_NOTFOUND ? STORE_OK : rc;
	if (ad.confirmed == 0 || ad.stopped != 0)
		return drop(e, h, n);
	if ((rc = store_mail_recent(e->conn, ad.email, e->now - HOUR,
	    &recent)) != STORE_OK)
		return rc;
	if ((room = set_int(e->set, SET_MAIL_PER_HOUR) - recent) <= 0)
		return store_mail_held_wait(e->conn, id);
	for (i = 0; i < n; i++)
		waited |= h[i].waiting;
	t = arena_alloc(e->arena, (n + 1) * sizeof(*t));
	for (i = 0; i < n && (waited || (int64_t)k < room); i++) {
		if ((rc = store_mail_held_take(e->conn, h[i].comment_id)) ==
		    STORE_NOTFOUND)
			continue;	/* gone with its comment meanwhile */
		if (rc != STORE_OK)
			return rc;
		if ((rc = told_read(e, h[i].comment_id, &ad, &t[k])) ==
		    STORE_OK)
			k++;
		else if (rc != STORE_NOTFOUND)
			return rc;
		/* Untold (unapproved meanwhile, say): it may be held again. */
		else if ((rc = store_mail_held_drop(e->conn,
		    h[i].comment_id)) != STORE_OK && rc != STORE_NOTFOUND)
			return rc;
	}
	if (i < n && (rc = store_mail_held_wait(e->conn, id)) != STORE_OK)
		return rc;
	if (waited && k > 1)
		return digest_mail(e, &ad, t, k);
	for (i = 0, rc = STORE_OK; i < k && rc == STORE_OK; i++)
		rc = reply_mail(e, &ad, &t[i]);
	return rc;
}

int
notify_reader_reply(const struct env *e, int64_t id)
{
	struct comment		 reply;
	struct mail_address	 ad;
	struct told		 t;
	int			 rc;

	rc = store_comment_by_id(e->conn, e->arena, id, &reply);
	if (rc == STORE_OK && reply.parent_id == 0)
		return STORE_OK;
	if (rc == STORE_OK)
		rc = store_mail_subscriber(e->conn, e->arena, reply.parent_id,
		    &ad);
	if (rc == STORE_OK && (ad.confirmed == 0 || ad.stopped != 0))
		return STORE_OK;
	if (rc == STORE_OK)
		rc = told_read(e, id, &ad, &t);
	if (rc != STORE_OK)
		return rc == STORE_NOTFOUND ? STORE_OK : rc;
	/*
	 * Held: notify_held sends it, alone or with the others held, when
	 * the address's hour has room.  No lock here, where the sender's
	 * one transaction acts on many events in their order.
	 */
	return store_mail_hold(e->conn, id, ad.id, e->now);
}

int
notify_held(const struct env *e)
{
	int64_t	*ids;
	size_t	 n, i;
	int	 rc;

	if (!mail_on(e->site))
		return STORE_OK;
	if ((rc = store_mail_held_due(e->conn, e->arena, e->now - HOUR,
	    set_int(e->set, SET_MAIL_PER_HOUR), &ids, &n)) != STORE_OK)
		return rc;
	/* One address a transaction, one lock each: no order to deadlock. */
	for (i = 0; i < n && rc == STORE_OK; i++) {
		if ((rc = store_begin(e->conn)) != STORE_OK)
			break;
		if ((rc = lock_address(e, ids[i])) == STORE_OK &&
		    (rc = flush(e, ids[i])) == STORE_OK)
			rc = store_commit(e->conn);
		else
			store_rollback(e->conn);
	}
	return rc;
}

/*
 * The address an unsubscribe link for comment id went to, into *ad:
 * the subscriber's; once unsubscribed (or stopped), the comment's own
 * writer's, whose address it was, so that a repeated one-click finds
 * it and succeeds again, as RFC 8058 expects.  *subscribed says which.
 * STORE_NOTFOUND when neither is there (the address erased).
 */
static int
unsub_address(const struct env *e, int64_t id, struct mail_address *ad,
    int *subscribed)
{
	struct comment	 cm;
	int		 rc;

	*subscribed = 1;
	if ((rc = store_mail_subscriber(e->conn, e->arena, id, ad)) !=
	    STORE_NOTFOUND)
		return rc;
	*subscribed = 0;
	if ((rc = store_comment_by_id(e->conn, e->arena, id, &cm)) !=
	    STORE_OK)
		return rc;
	return store_mail_address_find(e->conn, e->arena, cm.email, ad);
}

/*
 * What following link k for id (whose address is ad, subscribed to id
 * for an unsubscribe link) does, or would.
 */
static int
link_do(const struct env *e, enum link k, int64_t id,
    const struct mail_address *ad, int subscribed, int act,
    enum reader_link *out)
{
	int	 rc;

	if ((k == LINK_CONFIRM && ad->confirmed != 0 && ad->stopped == 0) ||
	    (k == LINK_UNSUB && !subscribed) ||
	    (k == LINK_STOP && ad->stopped != 0)) {
		*out = READER_ALREADY;
		return STORE_OK;
	}
	if (k == LINK_CONFIRM && ad->stopped != 0) {
		*out = READER_STOPPED;
		return STORE_OK;
	}
	*out = READER_READY;
	if (!act)
		return STORE_OK;
	if ((rc = lock_address(e, ad->id)) != STORE_OK)
		return rc;
	if (k == LINK_CONFIRM)
		rc = store_mail_address_confirm(e->conn, ad->id, e->now);
	else if (k == LINK_UNSUB)
		rc = store_mail_unsubscribe(e->conn, id);
	else
		rc = store_mail_address_stop(e->conn, ad->id, e->now);
	/* Another click got there first: nothing left to do. */
	*out = rc == STORE_NOTFOUND ? READER_ALREADY : READER_DONE;
	return rc == STORE_NOTFOUND ? STORE_OK : rc;
}

int
notify_reader_link(const struct env *e, const char *what, const char *token,
    int act, enum reader_link *out, const char **email)
{
	struct mail_address	 ad;
	int64_t			 id = sign_mail_id(token);
	int			 k, rc, subscribed = 1;

	*out = READER_BAD;
	*email = NULL;
	for (k = 0; k < LINK__MAX; k++)
		if (strcmp(links[k].path, what) == 0)
			break;
	if (k == LINK__MAX || id == 0)
		return STORE_OK;
	if (act && (rc = store_begin(e->conn)) != STORE_OK)
		return rc;
	/* An unsubscription's id is the comment's; the others' the address. */
	rc = k == LINK_UNSUB ? unsub_address(e, id, &ad, &subscribed) :
	    store_mail_address_by_id(e->conn, e->arena, id, &ad);
	if (rc == STORE_OK && !sign_mail_ok(e->site, links[k].word, token,
	    ad.email))
		rc = STORE_NOTFOUND;
	if (rc == STORE_OK && (rc = link_do(e, (enum link)k, id, &ad,
	    subscribed, act, out)) == STORE_OK)
		*email = ad.email;
	if (rc == STORE_NOTFOUND)
		rc = STORE_OK;	/* *out is READER_BAD */
	if (act && rc == STORE_OK)
		rc = store_commit(e->conn);
	else if (act)
		store_rollback(e->conn);
	if (rc != STORE_OK) {
		*out = READER_BAD;
		*email = NULL;
	}
	return rc;
}
