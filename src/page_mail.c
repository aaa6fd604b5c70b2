/*
 * page_mail: the pages the links in a reader's mail open,
 * /mail/confirm, /mail/unsubscribe and /mail/stop, each with ?t=TOKEN
 * (notify_reader.h).  A GET only says what the link does, with a
 * button; the button's POST does it.  Mail scanners and link previews
 * fetch every link, so a GET never changes anything.
 *
 * These POSTs carry no session and no CSRF token: the signed token in
 * the URL is what authorises them, as RFC 8058 asks.  A mail client
 * honouring List-Unsubscribe-Post POSTs "List-Unsubscribe=One-Click"
 * to the List-Unsubscribe URL from its own servers, with no cookie and
 * no Origin of ours, so neither a session nor page_cross_site could
 * pass it; and a page elsewhere that knew the token could as well
 * post it itself.  The body is not read: the URL says everything.
 */
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "i18n.h"
#include "notify_reader.h"
#include "page.h"
#include "req.h"
#include "store.h"
#include "url.h"

/* What each link's page says before the POST and after it. */
static const struct {
	const char	*what;
	const char	*ask_title, *ask, *button;
	const char	*done_title, *done;
	const char	*already;
} pages[] = {
	{ "confirm", N_("Confirm email about replies"),
	    N_("Send email to %s when someone replies to a comment made"
	    " with this address?"), N_("Yes, send me replies"),
	    N_("Confirmed"), N_("%s will get an email when someone replies"
	    " to a comment it subscribed. Every email has a link to stop"
	    " them."),
	    N_("%s is confirmed already.") },
	{ "unsubscribe", N_("Unsubscribe from this thread"),
	    N_("Send no more email to %s about replies to this comment?"
	    " Other comments' replies still come."), N_("Unsubscribe"),
	    N_("Unsubscribed"), N_("%s will get no more email about replies"
	    " to this comment."), N_("%s is not subscribed to this"
	    " comment.") },
	{ "stop", N_("Stop all email from this site"),
	    N_("Send no email to %s ever again: no replies, no"
	    " confirmations?"),
	    N_("Stop all email"),
	    N_("All email stopped"), N_("This site will send no more email"
	    " to %s."),
	    N_("This site sends no email to %s already.") },
};

/* The link's page: a title, a sentence, and for READER_READY a button. */
static int
link_page(struct req *r, size_t i, const char *token,
    enum reader_link out, const char *email)
{
	json_t		*view = page_view(r), *o = json_object();
	struct buf	 b;
	const char	*title, *fmt;
	int		 status = 200;

	switch (out) {
	case READER_READY:
		title = pages[i].ask_title;
		fmt = pages[i].ask;
		buf_init(&b);
		url_mail(&b, pages[i].what, token);
		view_str(o, "action", b.data);
		buf_reset(&b);
		view_str(o, "button", page_tr(r, pages[i].button));
		break;
	case READER_DONE:
		title = pages[i].done_title;
		fmt = pages[i].done;
		break;
	case READER_ALREADY:
		title = pages[i].done_title;
		fmt = pages[i].already;
		break;
	default:	/* READER_STOPPED */
		title = N_("No email to this address");
		fmt = N_("%s asked this site to send it no email, so it"
		    " cannot be confirmed.");
		status = 409;
		break;
	}
	title = page_tr(r, title);
	view_str(o, "title", title);
	view_str(o, "message", arena_printf(&r->arena, page_tr(r, fmt),
	    email));
	json_object_set_new(view, "mail", o);
	view_str(json_object_get(view, "head"), "title", title);
	json_object_set_new(json_object_get(view, "head"), "noindex",
	    json_true());
	return page_render(r, "mail-link", view, status);
}

int
page_mail(struct req *r, const char *what, const char *token, int post)
{
	struct env		 env = page_env(r);
	enum reader_link	 out;
	const char		*email;
	size_t			 i;
	int			 rc;

	/* Each token's page is its own: never one cached for the path. */
	r->cacheable = 0;
	for (i = 0; i < sizeof(pages) / sizeof(pages[0]); i++)
		if (strcmp(pages[i].what, what) == 0)
			break;
	if (i == sizeof(pages) / sizeof(pages[0]))
		return page_notfound(r);
	if ((rc = notify_reader_link(&env, what, token != NULL ? token : "",
	    post, &out, &email)) != STORE_OK)
		return page_store_error(r, rc);
	if (out == READER_BAD)
		return page_refusal(r, 404, N_("This link does not work"),
		    N_("The link is not one this site sent, or it no longer"
		    " applies: the address or the comment may have been"
		    " removed. Nothing was changed."));
	return link_page(r, i, token, out, email);
}
