/*
 * page_admin_privacy: /admin/privacy/ (admins only), WordPress's
 * "Export Personal Data" and "Erase Personal Data" for one email
 * address: the export is a JSON download; the erasure, once confirmed,
 * keeps the comments as "Anonymous" or removes them.  The page lists
 * the log of both.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "buf.h"
#include "comment.h"
#include "form.h"
#include "page.h"
#include "page_admin.h"
#include "privacy.h"
#include "req.h"
#include "store.h"

static int
privacy_page(struct req *r, struct session *se, const char *email,
    const char *error, int status)
{
	json_t			*view = admin_view(r, se, N_("Privacy")),
				*a, *o;
	struct privacy_entry	*e;
	const char		*done = req_arg(r, "done");
	size_t			 n, i;

	if ((r->store_err = store_privacy_log_list(r->conn,
	    &r->arena, 50, &e, &n)) != STORE_OK)
		return page_render(r, "admin-privacy", view, 200);
	a = json_array();
	for (i = 0; i < n; i++) {
		o = json_object();
		view_str(o, "date", page_human_date(r, e[i].created));
		view_str(o, "who", e[i].user_name);
		view_str(o, "action", admin_word(r, "privacy log",
		    e[i].action));
		view_str(o, "subject", e[i].subject);
		view_int(o, "items", e[i].items);
		json_array_append_new(a, o);
	}
	json_object_set_new(view, "log", a);
	view_str(view, "email", email);
	if (error != NULL)
		view_str(view, "error", error);
	if (done != NULL)
		view_str(view, "notice", arena_printf(&r->arena, i18n_nget(
		    page_lang(r), "Done: %lld comment erased.", "Done: %lld"
		    " comments erased.", strtoul(done, NULL, 10)),
		    strtoll(done, NULL, 10)));
	return page_render(r, "admin-privacy", view, status);
}

int
admin_privacy(struct req *r, struct session *se)
{
	return privacy_page(r, se, "", NULL, 200);
}

int
admin_privacy_post(struct req *r, struct session *se, struct form *in)
{
	struct env	 env = page_env(r);
	const char	*email = form_get(in, "email", NULL, NULL),
			*action = form_get(in, "action", NULL, NULL);
	json_t		*out;
	int64_t		 n;
	int		 rc;

	if (!comment_email_ok(email))
		return privacy_page(r, se, email, page_tr(r, "That does not"
		    " look like an email address."), 422);
	if (strcmp(action, "export") == 0) {
		if ((out = privacy_export(&env, email, se->user.id, &rc)) ==
		    NULL)
			return page_error(r, rc == STORE_DOWN || rc ==
			    STORE_RETRY || rc == STORE_FULL ? 503 : 500);
		/* Straight into the body: jansson's own strings are freed
		 * only by jansson (page.c's allocator). */
		if (json_dump_callback(out, admin_json_write, &r->body,
		    JSON_INDENT(2) | JSON_SORT_KEYS) != 0) {
			r->body.len = 0;
			buf_puts(&r->body, "{}");
		}
		json_decref(out);
		buf_putc(&r->body, '\n');
		r->type = "application/json; charset=utf-8";
		r->disposition = "attachment; filename=\"personal-data.json\"";
		return 200;
	}
	if (strcmp(action, "erase") != 0)
		return admin_refuse(r, se, 422, N_("Unknown action."));
	if (strcmp(form_get(in, "confirm", NULL, NULL), "yes") != 0)
		return privacy_page(r, se, email, page_tr(r, "Tick the box to"
		    " confirm the erasure: it cannot be undone."), 422);
	rc = privacy_erase(&env, email, strcmp(form_get(in, "mode", NULL, NULL),
	    "remove") == 0, se->user.id, &n);
	if (rc != STORE_OK)
		return page_error(r, rc == STORE_DOWN ? 503 : 500);
	return admin_back(r, "privacy", arena_printf(&r->arena, "done=%lld",
	    (long long)n));
}
