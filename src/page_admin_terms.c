/*
 * page_admin_terms: /admin/terms/ (editors and admins): categories, in
 * a hierarchy, and tags.  Add one; rename, re-slug or re-parent it;
 * merge one into another (its posts follow); delete it (its posts lose
 * it, its children move up).  Slugs come from the name unless typed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "form.h"
#include "page.h"
#include "page_admin.h"
#include "req.h"
#include "slug.h"
#include "store.h"
#include "url.h"
#include "utf8.h"

static json_t *
terms_json(const char *taxonomy, struct term *t, size_t n)
{
	json_t		*a = json_array(), *o, *parents;
	struct buf	 b;
	size_t		 i, k;

	buf_init(&b);
	for (i = 0; i < n; i++) {
		o = json_object();
		view_int(o, "id", t[i].id);
		view_str(o, "name", t[i].name);
		view_str(o, "slug", t[i].slug);
		view_int(o, "count", t[i].count);
		b.len = 0;
		url_term(&b, taxonomy, t[i].slug, 1);
		view_str(o, "url", b.data);
		parents = json_array();
		for (k = 0; k < n; k++) {
			json_t	*p;

			if (k == i)
				continue;
			p = json_object();
			view_int(p, "id", t[k].id);
			view_str(p, "name", t[k].name);
			if (t[k].id == t[i].parent_id)
				json_object_set_new(p, "selected", json_true());
			json_array_append_new(parents, p);
		}
		json_object_set_new(o, "parents", parents);
		json_array_append_new(a, o);
	}
	buf_reset(&b);
	return a;
}

static int
terms_page(struct req *r, struct session *se, const char *error, int status)
{
	json_t		*view = admin_view(r, se, N_("Categories and tags"));
	struct term	*c, *t;
	size_t		 nc, nt;
	const char	*done = req_arg(r, "done");

	if ((r->store_err = store_terms_list(r->conn, &r->arena,
	    "category", &c, &nc)) != STORE_OK || (r->store_err =
	    store_terms_list(r->conn, &r->arena, "tag", &t, &nt)) !=
	    STORE_OK)
		return page_render(r, "admin-terms", view, 200);
	json_object_set_new(view, "categories", terms_json("category", c,
	    nc));
	json_object_set_new(view, "tags", terms_json("tag", t, nt));
	if (error != NULL)
		view_str(view, "error", page_tr(r, error));
	if (done != NULL)
		view_str(view, "notice", page_tr(r, "Done."));
	return page_render(r, "admin-terms", view, status);
}

int
admin_terms(struct req *r, struct session *se)
{
	return terms_page(r, se, NULL, 200);
}

/* The term from the form's name, slug, parent; NULL if they will not do. */
static const char *
term_read(struct req *r, struct form *in, struct term *t)
{
	const char	*name = form_get(in, "name", NULL, NULL),
			*slug = form_get(in, "slug", NULL, NULL);
	char		*made;

	memset(t, 0, sizeof(*t));
	t->id = strtoll(form_get(in, "id", NULL, NULL), NULL, 10);
	t->taxonomy = strcmp(form_get(in, "taxonomy", NULL, NULL), "tag") ==
	    0 ? "tag" : "category";
	t->parent_id = strcmp(t->taxonomy, "tag") == 0 ? 0 :
	    strtoll(form_get(in, "parent", NULL, NULL), NULL, 10);
	t->description = "";
	if (*name == '\0' || strlen(name) > 200 || !utf8_valid(name,
	    strlen(name)))
		return N_("A name needs 1 to 200 characters of text.");
	t->name = (char *)name;
	if (*slug != '\0') {
		if (!slug_valid(slug, strlen(slug)))
			return N_("A slug is lowercase letters, digits and"
			    " hyphens.");
		t->slug = (char *)slug;
		return NULL;
	}
	made = slug_from_title(name);
	t->slug = arena_strdup(&r->arena, *made != '\0' ? made : "term");
	free(made);
	return NULL;
}

/*
 * Returns 1 if t's new parent is t or below it (a loop), or is not a
 * category; walks up from the parent through the categories.
 */
static int
loops(struct req *r, const struct term *t)
{
	struct term	*c;
	size_t		 n, i, steps;
	int64_t		 at = t->parent_id;

	if (store_terms_list(r->conn, &r->arena, "category", &c,
	    &n) != STORE_OK)
		return 1;
	for (steps = 0; at != 0 && steps <= n; steps++) {
		if (at == t->id)
			return 1;
		for (i = 0; i < n && c[i].id != at; i++)
			;
		if (i == n)
			return steps == 0;	/* not a category at all */
		at = c[i].parent_id;
	}
	return at != 0;
}

int
admin_terms_post(struct req *r, struct session *se, struct form *in)
{
	const char	*action = form_get(in, "action", NULL, NULL), *why;
	struct term	 t;
	int64_t		 id, into;
	int		 rc;

	if (strcmp(action, "delete") == 0 || strcmp(action, "merge") == 0) {
		id = strtoll(form_get(in, "id", NULL, NULL), NULL, 10);
		into = strtoll(form_get(in, "into", NULL, NULL), NULL, 10);
		if (strcmp(action, "merge") == 0 && (into == 0 || into == id))
			return terms_page(r, se, N_("Choose another term to"
			    " merge into."), 422);
		if ((rc = store_begin(r->conn)) == STORE_OK) {
			rc = strcmp(action, "delete") == 0 ?
			    store_term_delete(r->conn, id) :
			    store_term_merge(r->conn, id, into);
			if (rc == STORE_OK)
				rc = store_commit(r->conn);
			else
				store_rollback(r->conn);
		}
	} else if (strcmp(action, "add") == 0 || strcmp(action, "save") == 0) {
		if ((why = term_read(r, in, &t)) != NULL)
			return terms_page(r, se, why, 422);
		if (t.parent_id != 0 && loops(r, &t))
			return terms_page(r, se, N_("A category cannot be"
			    " inside itself."), 422);
		rc = strcmp(action, "add") == 0 ? store_term_add(r->conn, &t, &id) : store_term_update(r->conn, &t);
		if (rc == STORE_CONFLICT)
			return terms_page(r, se,
			    N_("That slug is taken already."), 422);
	} else
		return admin_refuse(r, se, 422, N_("Unknown action."));
	if (rc == STORE_NOTFOUND)
		return terms_page(r, se, N_("There is no such term."), 404);
	if (rc != STORE_OK)
		return page_error(r, rc == STORE_DOWN ? 503 : 500);
	return admin_back(r, "terms", "done=1");
}
