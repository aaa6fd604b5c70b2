/*
 * page_admin_site: the admin-only pages.  /admin/settings/ edits every
 * setting of setting.c's table (kept in the database, so every node
 * agrees), each checked by its own rule, a message beside a refused
 * one; /admin/users/ lists the accounts and adds one, changes a role,
 * or sets a new password (which ends that user's other sessions).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "account.h"
#include "auth.h"
#include "form.h"
#include "page.h"
#include "page_admin.h"
#include "req.h"
#include "setting.h"
#include "store.h"

static int
settings_page(struct req *r, struct session *se, struct form *in,
    const char *const *err, int status)
{
	json_t			*view = admin_view(r, se, "Settings"),
				*list = json_array(), *o;
	const struct setting	*st;
	size_t			 i;

	for (i = 0; i < SET__MAX; i++) {
		st = &settings[i];
		o = json_object();
		view_str(o, "key", st->key);
		view_str(o, "help", st->help);
		view_str(o, "value", in != NULL ? form_get(in, st->key, NULL,
		    NULL) : set_text(page_settings(r), (enum set_key)i));
		view_str(o, "default", st->dflt);
		if (err != NULL && err[i] != NULL)
			view_str(o, "error", err[i]);
		if (st->type == SET_LIST)
			json_object_set_new(o, "long", json_true());
		json_array_append_new(list, o);
	}
	json_object_set_new(view, "settings", list);
	if (req_arg(r, "done") != NULL)
		view_str(view, "notice", "Settings saved.");
	if (err != NULL)
		view_str(view, "error", "Nothing was saved: correct what is"
		    " marked below.");
	return page_render(r, "admin-settings", view, status);
}

int
admin_settings(struct req *r, struct session *se)
{
	return settings_page(r, se, NULL, NULL, 200);
}

/* All or nothing: every value is checked before any is stored. */
int
admin_settings_post(struct req *r, struct session *se, struct form *in)
{
	const struct setting	*st;
	const char		**err;
	char			 msg[200];
	size_t			 i;
	int			 bad = 0, rc;

	err = arena_alloc(&r->arena, SET__MAX * sizeof(*err));
	for (i = 0; i < SET__MAX; i++) {
		st = &settings[i];
		err[i] = NULL;
		if (setting_check(st, form_get(in, st->key, NULL, NULL), msg,
		    sizeof(msg)) == -1) {
			err[i] = arena_printf(&r->arena, "This must be %s.",
			    msg);
			bad = 1;
		}
	}
	if (bad)
		return settings_page(r, se, in, err, 422);
	if ((rc = store_begin(r->conn)) != STORE_OK)
		return page_error(r, 503);
	for (i = 0; i < SET__MAX && rc == STORE_OK; i++)
		rc = store_setting_set(r->conn, settings[i].key,
		    form_get(in, settings[i].key, NULL, NULL));
	if (rc == STORE_OK)
		rc = store_commit(r->conn);
	else
		store_rollback(r->conn);
	if (rc != STORE_OK)
		return page_error(r, rc == STORE_DOWN ? 503 : 500);
	return admin_back(r, "settings", "done=saved");
}

static int
users_page(struct req *r, struct session *se, struct form *in,
    const char *error, int status)
{
	json_t		*view = admin_view(r, se, "Users"), *list, *o;
	struct user	*u;
	size_t		 n, i;
	const char	*done = req_arg(r, "done");

	if ((r->store_err = store_users_list(r->conn, &r->arena, &u,
	    &n)) != STORE_OK)
		return page_render(r, "admin-users", view, 200);
	list = json_array();
	for (i = 0; i < n; i++) {
		o = json_object();
		view_int(o, "id", u[i].id);
		view_str(o, "name", u[i].name);
		view_str(o, "email", u[i].email);
		json_object_set_new(o, "is_admin", json_boolean(
		    strcmp(u[i].role, "admin") == 0));
		json_object_set_new(o, "is_editor", json_boolean(
		    strcmp(u[i].role, "editor") == 0));
		json_object_set_new(o, "is_author", json_boolean(
		    strcmp(u[i].role, "author") == 0));
		view_str(o, "role", u[i].role);
		if (u[i].id == se->user.id)
			json_object_set_new(o, "you", json_true());
		json_array_append_new(list, o);
	}
	json_object_set_new(view, "users", list);
	view_str(view, "new_email", in ? form_get(in, "email", NULL, NULL) :
	    "");
	view_str(view, "new_name", in ? form_get(in, "name", NULL, NULL) : "");
	if (error != NULL)
		view_str(view, "error", error);
	if (done != NULL)
		view_str(view, "notice", strcmp(done, "added") == 0 ?
		    "The account was added." : strcmp(done, "role") == 0 ?
		    "The role was changed." : "The password was set; that"
		    " user's other sessions have ended.");
	return page_render(r, "admin-users", view, status);
}

int
admin_users(struct req *r, struct session *se)
{
	return users_page(r, se, NULL, NULL, 200);
}

int
admin_users_post(struct req *r, struct session *se, struct form *in)
{
	struct env	 env = page_env(r);
	const char	*action = form_get(in, "action", NULL, NULL),
			*role = form_get(in, "role", NULL, NULL),
			*password = form_get(in, "password", NULL, NULL),
			*why = NULL;
	int64_t		 id = strtoll(form_get(in, "id", NULL, NULL), NULL, 10);
	int		 rc;

	if (strcmp(action, "add") == 0) {
		rc = account_add(r->conn, form_get(in, "email", NULL, NULL),
		    form_get(in, "name", NULL, NULL), role, password, &id,
		    &why);
		if (rc == STORE_OK)
			return admin_back(r, "users", "done=added");
	} else if (strcmp(action, "role") == 0) {
		if (!account_role_ok(role))
			why = "The role must be admin, editor or author.";
		else if (id == se->user.id && strcmp(role, "admin") != 0)
			why = "You cannot take away your own admin role.";
		else if ((rc = store_user_set(r->conn, id, role,
		    NULL)) == STORE_OK)
			return admin_back(r, "users", "done=role");
		else if (rc == STORE_NOTFOUND)
			why = "There is no such account.";
		if (why != NULL)
			rc = STORE_ERROR;
	} else if (strcmp(action, "password") == 0) {
		if ((why = auth_password_problem(password)) == NULL &&
		    (rc = auth_set_password(&env, id, password,
		    r->session_cookie)) == STORE_OK)
			return admin_back(r, "users", "done=password");
		if (why != NULL)
			rc = STORE_ERROR;
	} else
		return admin_refuse(r, se, 422, "Unknown action.");
	if (rc == STORE_DOWN || rc == STORE_RETRY)
		return page_error(r, 503);
	return users_page(r, se, in, why != NULL ? why :
	    "That could not be done.", 422);
}
