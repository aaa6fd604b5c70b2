/*
 * page_admin_reset: a lost password, for people with no session, beside
 * the login.  /admin/lost/ asks for an email address and answers the
 * same whether or not an account has it: the same page, after the same
 * database work (reset_ask), held back to the same moment; so neither
 * the answer nor its timing tells who has an account.  /admin/reset/
 * ?t=TOKEN is where a reset or invite link leads: its GET shows a form
 * (the token in a hidden field; a GET never uses the link up), its POST
 * sets the password, ends every session of the account and sends the
 * reader to the login page.  A link that is forged, used or expired
 * gets a page that says so, with a way to ask for a new one.
 *
 * CSRF.  Neither page has a session to bind a form token to, so they
 * do as the login form does: a POST sent from another site is refused
 * (page_cross_site: Sec-Fetch-Site, else Origin).  Nothing more is
 * needed.  A forged /admin/lost/ can only make the site mail a link to
 * the account's owner, as anyone may, within the throttle.  A forged
 * /admin/reset/ would need the link's token, 256 random bits that only
 * the mailbox holds: whoever has them can use the link directly, so a
 * form token would add nothing.
 */
#include <string.h>
#include <jansson.h>

#include "auth.h"
#include "clock.h"
#include "comment.h"
#include "form.h"
#include "mail.h"
#include "page.h"
#include "page_admin.h"
#include "req.h"
#include "reset.h"
#include "store.h"

/*
 * Every answer to /admin/lost/'s POST is held back until this long after
 * the handler began: the work differs by a message built and two rows
 * written when the account exists, far less than this.
 */
#define LOST_ANSWER_MS	300

/* Milliseconds on the monotonic clock. */
static int
lost_page(struct req *r, const char *email, const char *error, int status)
{
	json_t	*view = admin_view(r, NULL, N_("Lost your password?"));

	view_str(view, "email", email);
	if (error != NULL)
		view_str(view, "error", error);
	if (req_arg(r, "done") != NULL && strcmp(req_arg(r, "done"), "sent") ==
	    0)
		json_object_set_new(view, "sent", json_true());
	return page_render(r, "admin-lost", view, status);
}

/* Asks for the link; the answer, held back to LOST_ANSWER_MS. */
static int
ask(struct req *r, const char *email)
{
	struct env	 env = page_env(r);
	int64_t		 t0 = clock_ms(), wait, spent;
	int		 rc;

	rc = reset_ask(&env, r->ip, email, &wait);
	spent = clock_ms() - t0;
	r->delay_ms = spent < LOST_ANSWER_MS ? (int)(LOST_ANSWER_MS - spent) :
	    0;
	if (rc == STORE_OK) {
		r->location = "/admin/lost/?done=sent";
		return 303;
	}
	if (rc != STORE_CONFLICT)
		return page_error(r, 503);
	r->retry_after = (int)wait;
	return lost_page(r, email, arena_printf(&r->arena, i18n_nget(
	    page_lang(r), "Too many links were asked for, for this address or"
	    " from yours. Please wait %lld minute and try again, or use a link"
	    " already sent.", "Too many links were asked for, for this address"
	    " or from yours. Please wait %lld minutes and try again, or use a"
	    " link already sent.", (unsigned long)(wait + 59) / 60),
	    (long long)(wait + 59) / 60), 429);
}

int
admin_lost(struct req *r, struct form *in)
{
	const char	*email;

	if (in == NULL)
		return lost_page(r, "", NULL, 200);
	if (page_cross_site(r))
		return page_refusal(r, 403, N_("Refused"), N_("This form was"
		    " sent from another site."));
	email = form_get(in, "email", NULL, NULL);
	/* The page says mail is off, and offers no form. */
	if (!mail_on(r->site))
		return lost_page(r, email, NULL, 503);
	if (!comment_email_ok(email))
		return lost_page(r, email, page_tr(r, "Enter the email address"
		    " you log in with."), 422);
	return ask(r, email);
}

/* The page of a link that cannot be used: forged, used or expired. */
static int
gone(struct req *r)
{
	json_t	*view = admin_view(r, NULL, N_("This link cannot be used"));

	json_object_set_new(view, "gone", json_true());
	return page_render(r, "admin-reset", view, 410);
}

/* The form of a good link l (token t), with error beside the password. */
static int
reset_page(struct req *r, const char *t, const struct reset_link *l,
    const char *error, int status)
{
	int	 invite = strcmp(l->kind, "invite") == 0;
	json_t	*view = admin_view(r, NULL, invite ?
	    N_("Choose your password") : N_("Choose a new password"));
	struct user	 u;

	view_str(view, "t", t);
	if (invite)
		json_object_set_new(view, "invite", json_true());
	if (store_user_by_id(r->conn, &r->arena, l->user_id, &u) == STORE_OK)
		view_str(view, "name", u.name);
	/* auth_password_problem's reasons are msgids (N_). */
	if (error != NULL)
		view_str(view, "error", page_tr(r, error));
	return page_render(r, "admin-reset", view, status);
}

int
admin_reset(struct req *r, struct form *in)
{
	struct env		 env = page_env(r);
	struct reset_link	 l;
	const char		*t, *pw, *why;
	int64_t			 uid;
	int			 rc;

	if (in != NULL && page_cross_site(r))
		return page_refusal(r, 403, N_("Refused"), N_("This form was"
		    " sent from another site."));
	t = in != NULL ? form_get(in, "t", NULL, NULL) : req_arg(r, "t");
	if ((rc = reset_find(&env, t, &l)) != STORE_OK)
		return rc == STORE_NOTFOUND ? gone(r) : page_error(r, 503);
	if (in == NULL)
		return reset_page(r, t, &l, NULL, 200);
	pw = form_get(in, "password", NULL, NULL);
	if ((why = auth_password_problem(pw)) == NULL &&
	    strcmp(pw, form_get(in, "password2", NULL, NULL)) != 0)
		why = N_("The two passwords differ: type the same one twice.");
	if (why != NULL)
		return reset_page(r, t, &l, why, 422);
	if ((rc = reset_use(&env, t, pw, &uid)) != STORE_OK)
		return rc == STORE_NOTFOUND ? gone(r) : page_error(r, 503);
	r->location = "/admin/login/?done=password";
	return 303;
}
