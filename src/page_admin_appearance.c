/*
 * page_admin_appearance: /admin/appearance/ (admins): the site's menu,
 * logo and icon.  A menu item is a page, a category, a tag or a link;
 * items are added last, moved up and down among their siblings, put
 * under a top-level item or back on top (one level), relabelled and
 * removed, each with a plain form: no JavaScript.  The logo and the
 * icon are uploads that join the media library (admin_media_store); the
 * icon's favicon.ico and touch icon are drawn once, here (image_icon),
 * and stored beside it.  A refused form comes back as typed, the reason
 * beside the field.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "form.h"
#include "image.h"
#include "page.h"
#include "page_admin.h"
#include "req.h"
#include "site.h"
#include "store.h"
#include "store_menu.h"
#include "url.h"
#include "utf8.h"

#define LABEL_MAX	200
#define URL_MAX		2000
#define BUSY_RETRY	10	/* Retry-After when decoding is busy */

/* What the page shows beside the forms: the menu, pages and terms. */
struct choices {
	struct appearance	 ap;
	struct menu_item	*pages;
	size_t			 npages;
	struct term		*cats, *tags;
	size_t			 ncats, ntags;
};

/* A refused form: which, its values, and the errors beside fields. */
struct refused {
	int64_t		 id;		/* the item's row; 0: the add form */
	const char	*target, *label, *url;
	int64_t		 parent;
	const char	*e_target, *e_label, *e_url, *e_parent;
	const char	*e_logo, *e_icon;
};

static int
choices_load(struct req *r, struct choices *ch)
{
	int	 rc;

	memset(ch, 0, sizeof(*ch));
	if ((rc = store_appearance(r->conn, &r->arena, 0, &ch->ap)) ==
	    STORE_OK && (rc = store_menu_pages(r->conn, &r->arena,
	    &ch->pages, &ch->npages)) == STORE_OK && (rc =
	    store_terms_list(r->conn, &r->arena, "category", &ch->cats,
	    &ch->ncats)) == STORE_OK)
		rc = store_terms_list(r->conn, &r->arena, "tag", &ch->tags,
		    &ch->ntags);
	return rc;
}

/* The item of id in ch's menu, or NULL. */
static const struct menu_item *
item_find(const struct choices *ch, int64_t id)
{
	size_t	 i;

	for (i = 0; i < ch->ap.nitems; i++)
		if (ch->ap.items[i].id == id)
			return &ch->ap.items[i];
	return NULL;
}

/* 1 if item id has sub-items. */
static int
has_children(const struct choices *ch, int64_t id)
{
	size_t	 i;

	for (i = 0; i < ch->ap.nitems; i++)
		if (ch->ap.items[i].parent_id == id)
			return 1;
	return 0;
}

/* The parents an item (self: 0 for a new one) may be put under. */
static json_t *
parents_view(const struct choices *ch, int64_t self, int64_t selected)
{
	json_t	*a = json_array(), *o;
	size_t	 i;

	for (i = 0; i < ch->ap.nitems; i++) {
		const struct menu_item *it = &ch->ap.items[i];

		if (it->parent_id != 0 || it->id == self)
			continue;
		o = json_object();
		view_int(o, "id", it->id);
		view_str(o, "name", it->label[0] != '\0' ? it->label :
		    it->name);
		json_object_set_new(o, "selected", json_boolean(it->id ==
		    selected));
		json_array_append_new(a, o);
	}
	return a;
}

/* A refused form's messages beside its label, link and parent. */
static void
errors_view(struct req *r, json_t *o, const struct refused *f)
{
	view_str(o, "e_label", f->e_label != NULL ? page_tr(r, f->e_label) :
	    NULL);
	view_str(o, "e_url", f->e_url != NULL ? page_tr(r, f->e_url) : NULL);
	view_str(o, "e_parent", f->e_parent != NULL ? page_tr(r, f->e_parent) :
	    NULL);
}

/* One row of the menu's table, with a refused save's values. */
static json_t *
row_view(struct req *r, const struct choices *ch, const struct menu_item *it,
    int first, int last, const struct refused *f)
{
	json_t		*o = json_object();
	int		 mine = f != NULL && f->id == it->id;

	view_int(o, "id", it->id);
	view_str(o, "kind", admin_word(r, "menu item", it->kind));
	view_str(o, "name", strcmp(it->kind, "link") == 0 ? it->url :
	    it->name);
	view_str(o, "label", mine ? f->label : it->label);
	json_object_set_new(o, "is_link", json_boolean(strcmp(it->kind,
	    "link") == 0));
	view_str(o, "url", mine ? f->url : it->url);
	json_object_set_new(o, "sub", json_boolean(it->parent_id != 0));
	json_object_set_new(o, "first", json_boolean(first));
	json_object_set_new(o, "last", json_boolean(last));
	/* An item with sub-items stays on top: one level only. */
	json_object_set_new(o, "nestable", json_boolean(!has_children(ch,
	    it->id)));
	json_object_set_new(o, "parents", parents_view(ch, it->id, mine ?
	    f->parent : it->parent_id));
	if (mine)
		errors_view(r, o, f);
	return o;
}

/*
 * Items in the order the site shows them, each top-level one followed
 * by its sub-items; each knows whether it is first or last among its
 * siblings (no "up" for the first).
 */
static json_t *
menu_rows(struct req *r, const struct choices *ch, const struct refused *f)
{
	json_t			*a = json_array();
	const struct menu_item	*it = ch->ap.items;
	size_t			 i, k, n = ch->ap.nitems, top = 0, ntop = 0;
	size_t			 sub, nsub;

	for (i = 0; i < n; i++)
		ntop += it[i].parent_id == 0;
	for (i = 0; i < n; i++) {
		if (it[i].parent_id != 0)
			continue;
		json_array_append_new(a, row_view(r, ch, &it[i], top == 0,
		    top + 1 == ntop, f));
		top++;
		for (k = 0, nsub = 0; k < n; k++)
			nsub += it[k].parent_id == it[i].id;
		for (k = 0, sub = 0; k < n; k++) {
			if (it[k].parent_id != it[i].id)
				continue;
			json_array_append_new(a, row_view(r, ch, &it[k],
			    sub == 0, sub + 1 == nsub, f));
			sub++;
		}
	}
	return a;
}

/* The add form's choices: value "KIND:ID", and which is selected. */
static json_t *
targets_view(struct req *r, const struct choices *ch, const char *sel)
{
	json_t		*groups = json_array(), *g, *opts, *o;
	const char	*names[] = { N_("Pages"), N_("Categories"),
			    N_("Tags") };
	const char	*kinds[] = { "page", "category", "tag" };
	const char	*value, *name;
	size_t		 k, i, n;
	char		 buf[64];

	for (k = 0; k < 3; k++) {
		opts = json_array();
		n = k == 0 ? ch->npages : k == 1 ? ch->ncats : ch->ntags;
		for (i = 0; i < n; i++) {
			snprintf(buf, sizeof(buf), "%s:%lld", kinds[k],
			    (long long)(k == 0 ? ch->pages[i].ref_id : k == 1 ?
			    ch->cats[i].id : ch->tags[i].id));
			value = buf;
			name = k == 0 ? ch->pages[i].name : k == 1 ?
			    ch->cats[i].name : ch->tags[i].name;
			o = json_object();
			view_str(o, "value", value);
			view_str(o, "name", name);
			json_object_set_new(o, "selected", json_boolean(sel !=
			    NULL && strcmp(sel, value) == 0));
			json_array_append_new(opts, o);
		}
		g = json_object();
		view_str(g, "label", page_tr(r, names[k]));
		json_object_set_new(g, "options", opts);
		json_array_append_new(groups, g);
	}
	return groups;
}

static json_t *
add_view(struct req *r, const struct choices *ch, const struct refused *f)
{
	json_t	*o = json_object();
	int	 mine = f != NULL && f->id == 0 && f->target != NULL;

	json_object_set_new(o, "targets", targets_view(r, ch, mine ?
	    f->target : NULL));
	json_object_set_new(o, "link", json_boolean(mine &&
	    strcmp(f->target, "link") == 0));
	json_object_set_new(o, "parents", parents_view(ch, 0, mine ?
	    f->parent : 0));
	view_str(o, "label", mine ? f->label : "");
	view_str(o, "url", mine ? f->url : "");
	if (mine) {
		view_str(o, "e_target", f->e_target != NULL ? page_tr(r,
		    f->e_target) : NULL);
		errors_view(r, o, f);
	}
	return o;
}

static void
pictures_view(struct req *r, json_t *view, const struct choices *ch,
    const struct refused *f)
{
	const struct site_image	*logo = &ch->ap.logo;
	const char		*ext;
	json_t			*o;

	if (logo->media_id != 0) {
		o = json_object();
		ext = image_ext(logo->mime);
		view_str(o, "src", arena_printf(&r->arena, "/media/%s.%s",
		    logo->hash, ext != NULL ? ext : "jpg"));
		view_int(o, "width", logo->width);
		view_int(o, "height", logo->height);
		json_object_set_new(view, "logo", o);
	}
	json_object_set_new(view, "icon", json_boolean(ch->ap.icon.media_id !=
	    0));
	/* admin_media_store's and image.c's reasons may be msgids. */
	if (f != NULL) {
		view_str(view, "e_logo", f->e_logo != NULL ? page_tr(r,
		    f->e_logo) : NULL);
		view_str(view, "e_icon", f->e_icon != NULL ? page_tr(r,
		    f->e_icon) : NULL);
	}
}

/* What ?done= says. */
static const char *
done_notice(const char *done)
{
	if (done == NULL)
		return NULL;
	if (strcmp(done, "logo") == 0)
		return N_("The logo was saved.");
	if (strcmp(done, "icon") == 0)
		return N_("The site icon was saved.");
	if (strcmp(done, "logo_clear") == 0)
		return N_("The logo was removed.");
	if (strcmp(done, "icon_clear") == 0)
		return N_("The site icon was removed.");
	return N_("The menu was saved.");
}

static int
appearance_page(struct req *r, struct session *se, const struct refused *f,
    int status)
{
	json_t		*view = admin_view(r, se, N_("Appearance"));
	struct choices	 ch;
	const char	*notice = done_notice(req_arg(r, "done"));

	if ((r->store_err = choices_load(r, &ch)) != STORE_OK)
		return page_render(r, "admin-appearance", view, 200);
	json_object_set_new(view, "items", menu_rows(r, &ch, f));
	json_object_set_new(view, "add", add_view(r, &ch, f));
	pictures_view(r, view, &ch, f);
	if (f == NULL && notice != NULL)
		view_str(view, "notice", page_tr(r, notice));
	if (f != NULL)
		view_str(view, "error", page_tr(r, "The form could not be"
		    " saved: see the message beside the field."));
	return page_render(r, "admin-appearance", view, status);
}

int
admin_appearance(struct req *r, struct session *se)
{
	return appearance_page(r, se, NULL, 200);
}

/* The answer to a store error met while saving. */
static int
saved(struct req *r, int rc, const char *done)
{
	if (rc == STORE_OK)
		return admin_back(r, "appearance", done);
	return page_store_error(r, rc);
}

/* Sets f's label and URL errors for it's kind; 1 if there is one. */
static int
text_check(const char *kind, struct refused *f)
{
	if (strlen(f->label) > LABEL_MAX || !utf8_valid(f->label,
	    strlen(f->label)))
		f->e_label = N_("A label is at most 200 characters of text.");
	else if (strcmp(kind, "link") == 0 && f->label[0] == '\0')
		f->e_label = N_("A link needs a label.");
	if (strcmp(kind, "link") != 0)
		f->url = "";
	else if (strlen(f->url) > URL_MAX || (!url_http_ok(f->url) &&
	    !url_local(f->url)))
		f->e_url = N_("A link is an http:// or https:// address, or a"
		    " path on this site starting with /.");
	return f->e_label != NULL || f->e_url != NULL;
}

/*
 * Sets f->e_parent if item self (0: a new one) may not go under
 * f->parent: not a top-level item, itself, or self has sub-items.
 */
static int
parent_check(const struct choices *ch, int64_t self, struct refused *f)
{
	const struct menu_item	*p;

	if (f->parent == 0)
		return 0;
	p = item_find(ch, f->parent);
	if (p == NULL || p->parent_id != 0 || p->id == self)
		f->e_parent = N_("Choose a top-level item, or none.");
	else if (self != 0 && has_children(ch, self))
		f->e_parent = N_("An item with sub-items stays at the top"
		    " level.");
	return f->e_parent != NULL;
}

/* 1 if target ("KIND:ID") names one of ch's pages or terms: *it. */
static int
target_read(const struct choices *ch, const char *target,
    struct menu_item *it)
{
	const char	*colon = strchr(target, ':');
	size_t		 i, k = colon != NULL ? (size_t)(colon - target) : 0;
	int64_t		 id = colon != NULL ? strtoll(colon + 1, NULL, 10) : 0;

	if (strcmp(target, "link") == 0) {
		it->kind = "link";
		return 1;
	}
	if (k == 4 && strncmp(target, "page", 4) == 0)
		for (i = 0; i < ch->npages; i++)
			if (ch->pages[i].ref_id == id)
				it->kind = "page";
	if (k == 8 && strncmp(target, "category", 8) == 0)
		for (i = 0; i < ch->ncats; i++)
			if (ch->cats[i].id == id)
				it->kind = "category";
	if (k == 3 && strncmp(target, "tag", 3) == 0)
		for (i = 0; i < ch->ntags; i++)
			if (ch->tags[i].id == id)
				it->kind = "tag";
	it->ref_id = id;
	return it->kind != NULL;
}

static void
refused_read(struct form *in, struct refused *f)
{
	memset(f, 0, sizeof(*f));
	f->id = strtoll(form_get(in, "id", NULL, NULL), NULL, 10);
	f->target = form_get(in, "target", NULL, NULL);
	f->label = form_get(in, "label", NULL, NULL);
	/* Only spaces would show as an empty link: as none, the title's. */
	if (f->label[strspn(f->label, " \t\r\n")] == '\0')
		f->label = "";
	f->url = form_get(in, "url", NULL, NULL);
	f->parent = strtoll(form_get(in, "parent", NULL, NULL), NULL, 10);
}

static int
item_add(struct req *r, struct session *se, const struct choices *ch,
    struct refused *f)
{
	struct menu_item	 it;
	int64_t			 id;

	memset(&it, 0, sizeof(it));
	f->id = 0;
	if (!target_read(ch, f->target, &it))
		f->e_target = N_("Choose a page, a category, a tag or a custom"
		    " link.");
	else
		text_check(it.kind, f);
	parent_check(ch, 0, f);
	if (f->e_target == NULL && f->e_label == NULL && f->e_url == NULL &&
	    f->e_parent == NULL && ch->ap.nitems >= MENU_MAX_ITEMS)
		f->e_target = N_("The menu holds at most 100 items.");
	if (f->e_target != NULL || f->e_label != NULL || f->e_url != NULL ||
	    f->e_parent != NULL)
		return appearance_page(r, se, f, 422);
	it.label = (char *)f->label;
	it.url = (char *)f->url;
	it.parent_id = f->parent;
	return saved(r, store_menu_add(r->conn, &it, &id), "done=menu");
}

/* The position after the last of parent's children. */
static int64_t
last_position(const struct choices *ch, int64_t parent)
{
	int64_t	 max = 0;
	size_t	 i;

	for (i = 0; i < ch->ap.nitems; i++)
		if (ch->ap.items[i].parent_id == parent &&
		    ch->ap.items[i].position > max)
			max = ch->ap.items[i].position;
	return max + 1;
}

static int
item_save(struct req *r, struct session *se, const struct choices *ch,
    struct refused *f)
{
	const struct menu_item	*old = item_find(ch, f->id);
	struct menu_item	 it;

	if (old == NULL)
		return admin_refuse(r, se, 404, N_("There is no such"
		    " menu item."));
	text_check(old->kind, f);
	parent_check(ch, old->id, f);
	if (f->e_label != NULL || f->e_url != NULL || f->e_parent != NULL)
		return appearance_page(r, se, f, 422);
	it = *old;
	it.label = (char *)f->label;
	it.url = (char *)f->url;
	if (f->parent != old->parent_id) {
		it.parent_id = f->parent;
		it.position = last_position(ch, f->parent);
	}
	return saved(r, store_menu_update(r->conn, &it), "done=menu");
}

/*
 * Moves item id one place up (dir -1) or down (1) among its siblings:
 * the siblings are numbered afresh 1, 2 ... with the two swapped, in
 * one transaction.
 */
static int
item_move(struct req *r, struct session *se, const struct choices *ch,
    int64_t id, int dir)
{
	const struct menu_item	*old = item_find(ch, id);
	struct menu_item	*sib[MENU_MAX_ITEMS], *t;
	size_t			 i, n = 0, at = 0;
	int			 rc;

	if (old == NULL)
		return admin_refuse(r, se, 404, N_("There is no such"
		    " menu item."));
	/* The items come in position order: siblings stay in it. */
	for (i = 0; i < ch->ap.nitems && n < MENU_MAX_ITEMS; i++)
		if (ch->ap.items[i].parent_id == old->parent_id) {
			if (ch->ap.items[i].id == id)
				at = n;
			sib[n++] = &ch->ap.items[i];
		}
	if ((dir < 0 && at == 0) || (dir > 0 && at + 1 >= n))
		return admin_back(r, "appearance", "done=menu");
	t = sib[at];
	sib[at] = sib[at + dir];
	sib[at + dir] = t;
	if ((rc = store_begin(r->conn)) != STORE_OK)
		return page_store_error(r, rc);
	for (i = 0; i < n && rc == STORE_OK; i++) {
		sib[i]->position = (int64_t)i + 1;
		rc = store_menu_update(r->conn, sib[i]);
	}
	if (rc == STORE_OK)
		rc = store_commit(r->conn);
	else
		store_rollback(r->conn);
	return saved(r, rc, "done=menu");
}

/* Removes item id, its sub-items moved up, in one transaction. */
static int
item_delete(struct req *r, struct session *se, int64_t id)
{
	int	 rc;

	if ((rc = store_begin(r->conn)) != STORE_OK)
		return page_store_error(r, rc);
	if ((rc = store_menu_delete(r->conn, id)) == STORE_OK)
		rc = store_commit(r->conn);
	else
		store_rollback(r->conn);
	if (rc == STORE_NOTFOUND)
		return admin_refuse(r, se, 404, N_("There is no such"
		    " menu item."));
	return saved(r, rc, "done=menu");
}

/* The logo: an upload into the library, then named the logo. */
static int
logo_set(struct req *r, struct session *se, struct form *in)
{
	struct refused	 f;
	const char	*why;
	int64_t		 id;
	int		 status;

	if ((status = admin_media_store(r, in, "", &id, &why)) != 0) {
		memset(&f, 0, sizeof(f));
		f.id = -1;
		f.e_logo = why;
		return appearance_page(r, se, &f, status);
	}
	return saved(r, store_site_image_set(r->conn, "logo", id, NULL, 0,
	    NULL, 0), "done=logo");
}

/*
 * The icon: its files drawn from the upload first (a picture too small
 * or animated is refused before anything is stored), then the upload
 * into the library, then both named the icon.
 */
static int
icon_set(struct req *r, struct session *se, struct form *in)
{
	struct image_icon	 ic;
	struct refused		 f;
	const char		*data, *why = NULL;
	char			 msg[200];
	size_t			 len;
	int64_t			 id;
	int			 status = 0, rc, too_long;

	data = form_get(in, "image", &len, &too_long);
	memset(&ic, 0, sizeof(ic));
	if (!form_file(in, "image") || len == 0 || too_long)
		status = admin_media_store(r, in, "", &id, &why);
	else if ((rc = image_icon(data, len, r->site->images, &ic, msg,
	    sizeof(msg))) != IMAGE_OK) {
		why = arena_strdup(&r->arena, msg);
		status = rc == IMAGE_BUSY ? 503 : 422;
		if (rc == IMAGE_BUSY)
			r->retry_after = BUSY_RETRY;
	} else
		status = admin_media_store(r, in, "", &id, &why);
	if (status != 0) {
		free(ic.ico);
		free(ic.touch);
		memset(&f, 0, sizeof(f));
		f.id = -1;
		f.e_icon = why;
		return appearance_page(r, se, &f, status);
	}
	rc = store_site_image_set(r->conn, "icon", id, ic.ico, ic.icolen,
	    ic.touch, ic.touchlen);
	free(ic.ico);
	free(ic.touch);
	return saved(r, rc, "done=icon");
}

int
admin_appearance_post(struct req *r, struct session *se, struct form *in)
{
	const char	*action = form_get(in, "action", NULL, NULL);
	struct choices	 ch;
	struct refused	 f;
	int		 rc;

	if (strcmp(action, "logo") == 0)
		return logo_set(r, se, in);
	if (strcmp(action, "icon") == 0)
		return icon_set(r, se, in);
	if (strcmp(action, "logo_clear") == 0 ||
	    strcmp(action, "icon_clear") == 0)
		return saved(r, store_site_image_clear(r->conn,
		    action[0] == 'l' ? "logo" : "icon"), action[0] == 'l' ?
		    "done=logo_clear" : "done=icon_clear");
	if ((rc = choices_load(r, &ch)) != STORE_OK)
		return page_store_error(r, rc);
	refused_read(in, &f);
	if (strcmp(action, "add") == 0)
		return item_add(r, se, &ch, &f);
	if (strcmp(action, "save") == 0)
		return item_save(r, se, &ch, &f);
	if (strcmp(action, "up") == 0 || strcmp(action, "down") == 0)
		return item_move(r, se, &ch, f.id, action[0] == 'u' ? -1 : 1);
	if (strcmp(action, "delete") == 0)
		return item_delete(r, se, f.id);
	return admin_refuse(r, se, 422, N_("Unknown action."));
}
