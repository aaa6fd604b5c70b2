/*
 * page_vote: POST /votes, the rating form under an article and the thumbs
 * under each comment.  Without script it is a plain form: a 303 back to
 * the article, or a page that says why not.  The page's script sends
 * Accept: application/json and gets the new tally to show in place, or
 * {"error": ...} when the vote is refused (422) or cannot be recorded
 * now (503, with Retry-After).
 */
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "auth.h"
#include "buf.h"
#include "html.h"
#include "i18n.h"
#include "page.h"
#include "req.h"
#include "store.h"
#include "vote.h"

/* {"average":6.3,"count":3,"scale":10} or {"score":1,"count":1}. */
static void
tally_json(struct req *r, const struct vote *v, const char *why)
{
	buf_reset(&r->body);
	if (v->comment)
		buf_printf(&r->body, "{\"score\":%lld,\"count\":%lld",
		    (long long)v->sum, (long long)v->count);
	else
		buf_printf(&r->body, "{\"average\":%.1f,\"count\":%lld,"
		    "\"scale\":%lld", v->count ? (double)v->sum /
		    (double)v->count : 0.0, (long long)v->count,
		    (long long)set_int(page_settings(r), SET_RATING_SCALE));
	if (why != NULL) {
		why = page_tr(r, why);
		buf_puts(&r->body, ",\"error\":");
		html_json(&r->body, why, strlen(why));
	}
	buf_puts(&r->body, "}\n");
	r->type = "application/json; charset=utf-8";
	r->cacheable = 0;
}

/* {"error":"why"} with status. */
static int
error_json(struct req *r, int status, const char *why)
{
	buf_reset(&r->body);
	why = page_tr(r, why);
	buf_puts(&r->body, "{\"error\":");
	html_json(&r->body, why, strlen(why));
	buf_puts(&r->body, "}\n");
	r->type = "application/json; charset=utf-8";
	r->cacheable = 0;
	return status;
}

int
page_vote_post(struct req *r, const char *type, const char *id,
    const char *value, int json)
{
	struct env	 env = page_env(r);
	struct voter	 who = { r->ip, r->voter_cookie, 0, NULL, 0 };
	struct session	 se;
	struct vote	 v;
	const char	*why = NULL, *back = NULL;
	int		 status;

	/* As for comments: no page elsewhere votes in a reader's name. */
	if (page_cross_site(r)) {
		why = N_("This vote was sent from another site.");
		return json ? error_json(r, 403, why) :
		    page_refusal(r, 403, N_("Vote refused"), why);
	}
	/* The site's own people are known by their account. */
	if (auth_session(&env, r->session_cookie, &se))
		who.user_id = se.user.id;
	status = vote_submit(&env, &who, type, id, value, &v, &why, &back);
	r->retry_after = who.retry_after;
	if (who.new_cookie != NULL)
		r->cookie = page_cookie(r, "galley_voter", who.new_cookie,
		    365 * 86400, 1);
	if (json && (status == 422 || (status == 503 && why != NULL)))
		return error_json(r, status, why);
	if (json && (status == 200 || status == 409)) {
		tally_json(r, &v, why);
		return status;
	}
	if (status == 200) {
		r->location = back;
		return 303;
	}
	if (status == 404)
		return page_notfound(r);
	if (status == 409 || status == 422 || (status == 503 && why != NULL))
		return page_refusal(r, status, status == 409 ?
		    N_("Already rated") : N_("Vote not counted"), why);
	return page_error(r, status);
}
