/*
 * privacy: see privacy.h.  The export holds every column stored about
 * each comment (the IP hash and user agent too, while retention keeps
 * them), the account that has the address, if any, and what mail holds
 * of it (mail_json); votes carry no email, so they cannot be found by
 * one, which the export says.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arena.h"
#include "media.h"
#include "moderation.h"
#include "notify_reader.h"
#include "privacy.h"
#include "env.h"
#include "sign.h"
#include "site.h"
#include "store.h"

const char *
privacy_subject(const struct env *e, const char *email)
{
	char	*low = arena_strdup(e->arena, email), *p;

	for (p = low; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	return sign_hex(e->site, e->arena, SIGN_SUBJECT, low);
}

static int
log_it(const struct env *e, const char *email, const char *action,
    int64_t items, int64_t user_id)
{
	struct privacy_entry	 le;

	memset(&le, 0, sizeof(le));
	le.created = e->now;
	le.user_id = user_id;
	le.action = (char *)action;
	le.subject = (char *)privacy_subject(e, email);
	le.items = items;
	return store_privacy_log_add(e->conn, &le);
}

static json_t *
comment_json(const struct comment *cm)
{
	json_t	*o = json_object();

	json_object_set_new(o, "id", json_integer(cm->id));
	json_object_set_new(o, "post_id", json_integer(cm->post_id));
	json_object_set_new(o, "parent_id", json_integer(cm->parent_id));
	json_object_set_new(o, "author", json_string(cm->author));
	json_object_set_new(o, "email", json_string(cm->email));
	json_object_set_new(o, "url", json_string(cm->url));
	json_object_set_new(o, "content", json_string(cm->content));
	json_object_set_new(o, "status", json_string(cm->status));
	json_object_set_new(o, "created", json_integer(cm->created));
	json_object_set_new(o, "ip_hash", json_string(cm->ip_hash_out));
	json_object_set_new(o, "user_agent", json_string(cm->user_agent_out));
	json_object_set_new(o, "image", json_string(cm->image));
	json_object_set_new(o, "thumbnail", json_string(cm->thumb));
	json_object_set_new(o, "avatar_key", json_string(cm->avatar));
	json_object_set_new(o, "spam_score", json_real(cm->spam_score));
	json_object_set_new(o, "spam_signals", json_string(cm->spam_signals));
	json_object_set_new(o, "votes", json_integer(cm->vote_count));
	return o;
}

/*
 * What mail holds of email: the address a comment's "Notify me" box
 * gave (when confirmed, when stopped), its subscriptions (which comment,
 * since when, confirmed or not) and the messages queued or sent to it
 * (their subject, kind, dates and status; never their bodies).  NULL
 * with *rc set if the database failed.
 */
static json_t *
mail_json(const struct env *e, const char *email, int *rc)
{
	struct mail_address		 ad;
	struct mail_subscription	*sub = NULL;
	struct mail_row			*m;
	json_t				*o, *addr = json_null(),
					*subs = json_array(), *msgs, *x;
	size_t				 ns = 0, nm, i;

	*rc = store_mail_address_find(e->conn, e->arena, email, &ad);
	if (*rc == STORE_OK) {
		addr = json_pack("{s:s,s:I,s:I,s:I,s:I}", "email", ad.email,
		    "created", (json_int_t)ad.created, "confirmation_sent",
		    (json_int_t)ad.asked, "confirmed", (json_int_t)ad.confirmed,
		    "stopped", (json_int_t)ad.stopped);
		*rc = store_mail_subscriptions_of(e->conn, e->arena, ad.id,
		    &sub, &ns);
	} else if (*rc == STORE_NOTFOUND)
		*rc = STORE_OK;
	if (*rc == STORE_OK)
		*rc = store_mail_to(e->conn, e->arena, email, &m, &nm);
	if (*rc != STORE_OK) {
		json_decref(addr);
		json_decref(subs);
		return NULL;
	}
	for (i = 0; i < ns; i++)
		json_array_append_new(subs, json_pack("{s:I,s:I,s:b}",
		    "comment_id", (json_int_t)sub[i].comment_id, "created",
		    (json_int_t)sub[i].created, "confirmed", ad.confirmed != 0));
	msgs = json_array();
	for (i = 0; i < nm; i++) {
		x = json_object();
		json_object_set_new(x, "kind", json_string(m[i].kind));
		json_object_set_new(x, "subject", json_string(m[i].subject));
		json_object_set_new(x, "created", json_integer(m[i].created));
		json_object_set_new(x, "status", json_string(m[i].status));
		json_object_set_new(x, "sent", json_integer(m[i].sent));
		json_array_append_new(msgs, x);
	}
	o = json_object();
	json_object_set_new(o, "address", addr);
	json_object_set_new(o, "subscriptions", subs);
	json_object_set_new(o, "messages", msgs);
	return o;
}

json_t *
privacy_export(const struct env *e, const char *email, int64_t user_id,
    int *rcp)
{
	json_t		*out, *list = json_array(), *acct = json_null(),
			*mail;
	struct comment	*cm;
	struct user	 u;
	size_t		 n, i;
	int		 rc;

	if ((*rcp = store_privacy_comments(e->conn, e->arena, email, &cm,
	    &n)) != STORE_OK || (mail = mail_json(e, email, rcp)) == NULL) {
		json_decref(list);
		return NULL;
	}
	for (i = 0; i < n; i++)
		json_array_append_new(list, comment_json(&cm[i]));
	rc = store_user_by_email(e->conn, e->arena, email, &u);
	if (rc == STORE_OK) {
		acct = json_object();
		json_object_set_new(acct, "name", json_string(u.name));
		json_object_set_new(acct, "email", json_string(u.email));
		json_object_set_new(acct, "role", json_string(u.role));
		json_object_set_new(acct, "author_page", json_string(u.slug));
	}
	out = json_object();
	json_object_set_new(out, "email", json_string(email));
	json_object_set_new(out, "exported", json_integer(e->now));
	json_object_set_new(out, "comments", list);
	json_object_set_new(out, "account", acct);
	json_object_set_new(out, "mail", mail);
	json_object_set_new(out, "votes", json_string("Ratings are stored"
	    " with a random voter cookie and a keyed IP hash, never with an"
	    " email address, so none can be found by one."));
	if (rc != STORE_OK && rc != STORE_NOTFOUND)
		*rcp = rc;
	else
		*rcp = log_it(e, email, "export", (int64_t)n, user_id);
	if (*rcp != STORE_OK) {
		json_decref(out);
		return NULL;
	}
	return out;
}

static int
by_key(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * Every lock the erasure will take, taken first in the one order every
 * writer follows (keys as strings, ascending: a comment batch's posts
 * and addresses, moderation's comment then post): each comment's, as
 * moderation takes it (one writer at a time per comment), and its
 * post's, which the store's rethreading takes again (held already).
 * Taken comment by comment, a batch holding one of the posts would wait
 * for the erasure while the erasure waited for it.
 */
static int
erase_locks(const struct env *e, const struct comment *cm, size_t k)
{
	const char	**keys = arena_alloc(e->arena, (2 * k + 1) *
			    sizeof(*keys));
	size_t		  i, n = 0;
	int		  rc = STORE_OK;

	for (i = 0; i < k; i++) {
		keys[n++] = arena_printf(e->arena, "comment:%lld",
		    (long long)cm[i].id);
		keys[n++] = arena_printf(e->arena, "post:%lld",
		    (long long)cm[i].post_id);
	}
	qsort(keys, n, sizeof(*keys), by_key);
	for (i = 0; i < n && rc == STORE_OK; i++)
		if (i == 0 || strcmp(keys[i], keys[i - 1]) != 0)
			rc = store_lock(e->conn, keys[i]);
	return rc;
}

int
privacy_erase(const struct env *e, const char *email, int remove, int64_t user_id,
    int64_t *n)
{
	struct store_conn	*c = e->conn;
	struct mail_address	 ad;
	struct comment		*cm;
	size_t			 k, i;
	int64_t			 gone;
	int			 rc;

	*n = 0;
	if ((rc = store_begin(c)) != STORE_OK)
		return rc;
	if ((rc = store_privacy_comments(c, e->arena, email, &cm, &k)) !=
	    STORE_OK || (rc = erase_locks(e, cm, k)) != STORE_OK)
		goto fail;
	for (i = 0; i < k; i++) {
		if ((rc = moderation_forget(c, e->arena, &cm[i])) != STORE_OK ||
		    (rc = remove ? store_comment_remove(c, cm[i].id) :
		    store_comment_anonymise(c, cm[i].id)) != STORE_OK)
			goto fail;
	}
	/*
	 * Its address, subscriptions, held replies and mail, sent or not;
	 * stopped, its mailbox stays stopped under a keyed hash.
	 */
	if ((rc = store_mail_address_find(c, e->arena, email, &ad)) ==
	    STORE_OK && ad.stopped != 0)
		rc = store_mail_tomb_add(c, notify_reader_tomb(e, ad.email),
		    ad.stopped);
	if ((rc != STORE_OK && rc != STORE_NOTFOUND) ||
	    (rc = store_mail_erase(c, email, &gone)) != STORE_OK)
		goto fail;
	if ((rc = log_it(e, email, remove ? "remove" : "anonymise",
	    (int64_t)k, user_id)) != STORE_OK || (rc = store_commit(c)) !=
	    STORE_OK)
		goto fail;
	/*
	 * After the commit: a file is not taken back by a rollback.  Each
	 * goes only if no other comment or media item shows it.
	 */
	for (i = 0; remove && i < k; i++) {
		media_remove(&e->site->media, c, cm[i].image);
		media_remove(&e->site->media, c, cm[i].thumb);
	}
	*n = (int64_t)k;
	return STORE_OK;
fail:
	store_rollback(c);
	return rc;
}
