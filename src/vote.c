/*
 * vote: see vote.h.  The voter cookie is "RANDOM.MAC" (sign.c): 16
 * random bytes and their keyed MAC, so a reader cannot mint cookies to
 * vote again; it is HttpOnly and says nothing else.
 */
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "env.h"
#include "i18n.h"
#include "setting.h"
#include "sign.h"
#include "site.h"
#include "store.h"
#include "url.h"
#include "vote.h"

#define FULL_RETRY	60	/* Retry-After when the disk is full */
#define BUSY_RETRY	10	/* ... when the database is busy or down */

/*
 * The reader's voter id from a genuine cookie, or a new one (and its
 * cookie's value in who->new_cookie).
 */
static const char *
voter_id(const struct env *e, struct voter *who)
{
	const char	*id = sign_voter_id(e->site, e->arena, who->cookie);

	if (id == NULL)
		who->new_cookie = sign_voter_new(e->site, e->arena, &id);
	return id;
}

/*
 * Sets v's voter key and IP hash as vote_identity says; a signed-in
 * user (the site's own people) is always known by their account.
 */
static void
identify(const struct env *e, struct voter *who, struct vote *v)
{
	const char	*mode = set_text(e->set, SET_VOTE_IDENTITY);

	v->ip_hash = strcmp(mode, "cookie") == 0 ? "" :
	    sign_hex(e->site, e->arena, SIGN_IP, who->ip);
	if (who->user_id > 0)
		v->voter = arena_printf(e->arena, "user:%lld",
		    (long long)who->user_id);
	else if (strcmp(mode, "ip") == 0)
		v->voter = arena_printf(e->arena, "ip:%s", v->ip_hash);
	else
		v->voter = voter_id(e, who);
}

/* The item and value; 0, 404, or 422 with *why. */
static int
check(const struct env *e, const char *type, const char *id, const char *value,
    struct vote *v, const char **why, const char **back)
{
	struct post	 p;
	struct comment	 cm;
	struct buf	 b;
	char		*end;
	long		 n;

	v->item = strtoll(id ? id : "", &end, 10);
	if (type == NULL || id == NULL || *id == '\0' || *end != '\0' ||
	    v->item <= 0 || (strcmp(type, "post") != 0 &&
	    strcmp(type, "comment") != 0)) {
		*why = N_("That is not something to vote on.");
		return 422;
	}
	v->comment = strcmp(type, "comment") == 0;
	if (v->comment) {
		if (store_comment_by_id(e->conn, e->arena, v->item,
		    &cm) != STORE_OK || strcmp(cm.status, "approved") != 0)
			return 404;
		v->value = value && strcmp(value, "up") == 0 ? 1 :
		    value && strcmp(value, "down") == 0 ? -1 : 0;
		p.id = cm.post_id;
	} else {
		n = strtol(value ? value : "", &end, 10);
		v->value = value && *value && *end == '\0' && n >= 1 &&
		    n <= set_int(e->set, SET_RATING_SCALE) ? (int)n : 0;
		p.id = v->item;
	}
	if (store_post_by_id(e->conn, e->arena, p.id, &p) !=
	    STORE_OK || p.published > e->now)
		return 404;
	if (v->value == 0) {
		*why = v->comment ? N_("A comment takes a thumb up or down.") :
		    N_("A rating is a whole number of stars.");
		return 422;
	}
	buf_init(&b);
	url_post(&b, site_zone(e->site, e->set), p.published, p.slug);
	*back = v->comment ? arena_printf(e->arena, "%s#comment-%lld", b.data,
	    (long long)v->item) : arena_printf(e->arena, "%s#rating", b.data);
	buf_reset(&b);
	return 0;
}

int
vote_submit(const struct env *e, struct voter *who, const char *type,
    const char *id, const char *value, struct vote *v, const char **why,
    const char **back)
{
	struct store_conn	*c = e->conn;
	int			 rc;

	memset(v, 0, sizeof(*v));
	*why = NULL;
	who->new_cookie = NULL;
	who->retry_after = 0;
	if ((rc = check(e, type, id, value, v, why, back)) != 0)
		return rc;
	identify(e, who, v);
	v->when = e->now;
	v->since = e->now - set_int(e->set, SET_VOTE_WINDOW_DAYS) * 86400;
	v->allow_change = set_bool(e->set, SET_VOTE_ALLOW_CHANGE);
	if ((rc = store_begin(c)) == STORE_OK &&
	    (rc = store_vote_cast(c, v)) == STORE_OK)
		rc = store_commit(c);
	if (rc != STORE_OK) {
		store_rollback(c);
		if (rc != STORE_FULL && rc != STORE_DOWN && rc != STORE_RETRY)
			return 500;
		who->retry_after = rc == STORE_FULL ? FULL_RETRY : BUSY_RETRY;
		*why = N_("The site cannot record votes right now. Please try"
		    " again later.");
		return 503;
	}
	if (v->repeat && !v->allow_change) {
		*why = N_("You have already rated this.");
		return 409;
	}
	return 200;
}
