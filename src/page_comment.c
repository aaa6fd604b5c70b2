/*
 * page_comment: POST /comments, the "Leave a Reply" form, and the pages
 * that answer it: a 303 to the comment (with a token that shows a held
 * comment to its writer), the article again with the reader's words and
 * a message beside each field (422; 503 or 507 when the site could not
 * take it now), or a page saying what went wrong (403 cross-site, 413
 * too large, 400 garbled).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "arena.h"
#include "buf.h"
#include "comment.h"
#include "form.h"
#include "i18n.h"
#include "metrics.h"
#include "page.h"
#include "req.h"
#include "site.h"
#include "store.h"
#include "url.h"

int
page_too_large(struct req *r)
{
	return page_refusal(r, 413, N_("Your comment was too large"),
	    N_("The comment and its image together were larger than this"
	    " site accepts. Please go back, choose a smaller image or shorten"
	    " the text, and send it again."));
}

int
page_bad_form(struct req *r)
{
	return page_refusal(r, 400, N_("The form could not be read"),
	    N_("Your browser sent the comment form in a way this site does"
	    " not understand. Please go back and send it again."));
}

/* Percent-encodes s for a cookie value. */
static void
cookie_text(struct buf *b, const char *s)
{
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || strchr("-._@", c) != NULL)
			buf_putc(b, (char)c);
		else
			buf_printf(b, "%%%02X", c);
	}
}

/*
 * "Save my name, email, and website in this browser": a cookie the
 * page's script reads to fill the form (pages stay the same for every
 * reader).  Unticked, any such cookie is cleared.
 */
static const char *
remember_cookie(struct req *r, const struct comment_form *f, int remember)
{
	struct buf	 b;
	const char	*out;

	if (!remember)
		return page_cookie(r, "galley_commenter", "", 0, 0);
	buf_init(&b);
	cookie_text(&b, f->author);
	buf_putc(&b, '|');
	cookie_text(&b, f->email);
	buf_putc(&b, '|');
	cookie_text(&b, f->url);
	/* Not HttpOnly: the page's script reads it to fill the form. */
	out = page_cookie(r, "galley_commenter", b.data, 365 * 86400, 0);
	buf_reset(&b);
	return out;
}

/* A text field; *nul is set if it held a NUL byte (a C string would
 * silently cut it there, so the form refuses it). */
static const char *
text_field(struct form *in, const char *name, int *too_long, int *nul)
{
	size_t		 len;
	const char	*v = form_get(in, name, &len, too_long);

	*nul = strlen(v) != len;
	return v;
}

static struct comment_form *
read_form(struct req *r, struct form *in)
{
	struct comment_form	*f = arena_alloc(&r->arena, sizeof(*f));
	size_t			 len;

	memset(f, 0, sizeof(*f));
	f->post_id = strtoll(form_get(in, "post", NULL, NULL), NULL, 10);
	f->parent_id = strtoll(form_get(in, "parent", NULL, NULL), NULL, 10);
	f->author = text_field(in, "author", &f->too_long[CF_AUTHOR],
	    &f->nul[CF_AUTHOR]);
	f->email = text_field(in, "email", &f->too_long[CF_EMAIL],
	    &f->nul[CF_EMAIL]);
	f->url = text_field(in, "url", &f->too_long[CF_URL], &f->nul[CF_URL]);
	f->text = text_field(in, "comment", &f->too_long[CF_COMMENT],
	    &f->nul[CF_COMMENT]);
	f->image = form_get(in, "image", &len, &f->too_long[CF_IMAGE]);
	f->image_len = len;
	f->image_sent = form_file(in, "image") || len > 0;
	f->ip = r->ip;
	f->user_agent = r->user_agent;
	f->stamp = form_get(in, "stamp", NULL, NULL);
	f->honeypot = form_get(in, "company", NULL, NULL);
	f->notify = strcmp(form_get(in, "notify", NULL, NULL), "yes") == 0;
	if (f->parent_id < 0)
		f->parent_id = 0;
	return f;
}

/* Counts what became of a comment (metrics.h) from its answer. */
static void
count_verdict(const struct req *r, int status, const struct comment_form *f)
{
	static const struct {
		const char		*status;
		enum metrics_verdict	 v;
	} stored[] = {
		{ "approved", MV_APPROVED }, { "pending", MV_PENDING },
		{ "spam", MV_SPAM }, { "", MV_DISCARD },
	};
	size_t	 i;

	if (status == 403 || status == 422)
		metrics_comment(r->site->metrics, MV_REFUSED);
	for (i = 0; status == 303 && i < sizeof(stored) / sizeof(stored[0]);
	    i++)
		if (strcmp(f->status, stored[i].status) == 0)
			metrics_comment(r->site->metrics, stored[i].v);
}

int
page_comment_post(struct req *r, struct form *in)
{
	struct env	 env = page_env(r);
	struct comment_form	*f;
	int			 status, shown;
	const char		*held = "";

	if (page_cross_site(r)) {
		count_verdict(r, 403, NULL);
		return page_refusal(r, 403, N_("Comment refused"),
		    N_("This comment form was sent from another site."));
	}
	f = read_form(r, in);
	if (f->post_id <= 0)
		return page_notfound(r);
	status = comment_submit(&env, f);
	count_verdict(r, status, f);
	r->retry_after = f->retry_after;
	if (status == 303 && *f->status == '\0') {
		/* Discarded: as if it had been sent, and nothing to show. */
		r->location = arena_printf(&r->arena, "%s#comments",
		    f->article);
		return 303;
	}
	if (status == 303) {
		/*
		 * The comment's batch noted its generation, so the writer's
		 * next page shows it.  The place's reads in one snapshot:
		 * read_end only ends it.
		 */
		if (strcmp(f->status, "approved") != 0)
			held = arena_printf(&r->arena, "?unapproved=%s",
			    comment_held_token(&env, f->id));
		store_read_begin(r->conn);
		r->location = arena_printf(&r->arena, "%s%s#comment-%lld",
		    comment_path(&env, f->article, f->post_id, f->id), held,
		    (long long)f->id);
		store_read_end(r->conn);
		r->cookie = remember_cookie(r, f,
		    strcmp(form_get(in, "remember", NULL, NULL), "yes") == 0);
		return 303;
	}
	if (status == 404)
		return page_notfound(r);
	if (status != 422 && !f->later)
		return page_error(r, status);
	/* The article again, with the reader's words and the reasons. */
	r->form = f;
	if (url_parse(f->article, &r->route) == -1)
		return page_error(r, 500);
	shown = page_article(r);
	return shown == 422 ? status : shown;
}
