/*
 * page_admin_site: the admin-only pages.  /admin/settings/ edits every
 * setting of setting.c's table (kept in the database, so every node
 * agrees), each checked by its own rule, a message beside a refused
 * one; /admin/users/ lists the accounts and adds one, changes a role,
 * sets a new password (which ends that user's other sessions), or
 * removes one, giving its posts to another first.
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

/* The fieldsets of the settings page, in enum set_group's order. */
static const char *const group_names[SETG__MAX] = {
	[SETG_OTHER] = N_("Other"),
	[SETG_GENERAL] = N_("General"),
	[SETG_READING] = N_("Reading"),
	[SETG_DISCUSSION] = N_("Discussion"),
	[SETG_RATINGS] = N_("Ratings"),
	[SETG_SPAM] = N_("Spam"),
	[SETG_PRIVACY] = N_("Privacy"),
	[SETG_MAIL] = N_("Mail"),
	[SETG_LANGUAGE] = N_("Language & time"),
	[SETG_APPEARANCE] = N_("Appearance"),
};

/*
 * What the page calls a choice's word (the words are the stored values,
 * and what `galley config` takes).  A language is named in itself, and
 * a format by its own name: neither is a msgid.
 */
static const struct {
	const char	*word;
	const char	*name;
} choice_names[] = {
	{ "cookie", N_("Cookie") },
	{ "ip", N_("IP address") },
	{ "both", N_("Cookie and IP address") },
	{ "en", "English" },
	{ "ru", "Русский" },
	{ "hash", N_("Keyed hash") },
	{ "truncate", N_("Truncated (/24, /48)") },
	{ "jpeg", "JPEG" },
	{ "png", "PNG" },
	{ "gif", "GIF" },
	{ "webp", "WebP" },
};

/* The name of a choice's word for r, or the word itself. */
static const char *
choice_name(struct req *r, const char *word)
{
	size_t	 i;

	for (i = 0; i < sizeof(choice_names) / sizeof(choice_names[0]); i++)
		if (strcmp(choice_names[i].word, word) == 0)
			return page_tr(r, choice_names[i].name);
	return word;
}

/*
 * The words of st's choices as options (word, name), each marked on
 * (key "on") when value holds it: one word for a select, several for
 * checkboxes.
 */
static json_t *
choice_options(struct req *r, const struct setting *st, const char *value)
{
	json_t		*list = json_array(), *o;
	const char	*w;
	char		 word[32];
	size_t		 k;

	for (w = st->choices; *w != '\0'; w += k + (w[k] == ' ')) {
		k = strcspn(w, " ");
		if (k == 0 || k >= sizeof(word))
			continue;
		memcpy(word, w, k);
		word[k] = '\0';
		o = json_object();
		view_str(o, "word", word);
		view_str(o, "name", choice_name(r, word));
		json_object_set_new(o, "on", json_boolean(
		    setting_word(value, word)));
		json_array_append_new(list, o);
	}
	return list;
}

/* The type's template flag: how the field is drawn. */
static const char *
field_kind(enum set_type t)
{
	switch (t) {
	case SET_BOOL:
		return "is_bool";
	case SET_CHOICE:
		return "is_choice";
	case SET_CHOICES:
		return "is_choices";
	case SET_INT:
		return "is_int";
	case SET_PROB:
		return "is_prob";
	case SET_LIST:
		return "is_list";
	case SET_ORIGIN:
		return "is_url";
	default:
		return "is_text";
	}
}

/*
 * One setting's field: label, help, value (as typed), error; the words
 * in the site's language, the values as they are.
 */
static json_t *
setting_view(struct req *r, const struct setting *st, const char *value,
    const char *err)
{
	json_t	*o = json_object();

	view_str(o, "key", st->key);
	view_str(o, "label", st->label != NULL ? page_tr(r, st->label) :
	    st->key);
	view_str(o, "help", page_tr(r, st->help));
	view_str(o, "value", value);
	json_object_set_new(o, field_kind(st->type), json_true());
	if (st->type == SET_BOOL) {
		json_object_set_new(o, "checked", json_boolean(
		    strcmp(value, "true") == 0));
		view_str(o, "default", strcmp(st->dflt, "true") == 0 ?
		    i18n_pget(page_lang(r), "default", "on") :
		    i18n_pget(page_lang(r), "default", "off"));
	} else if (st->type == SET_CHOICE)
		view_str(o, "default", choice_name(r, st->dflt));
	else if (*st->dflt != '\0')
		view_str(o, "default", st->dflt);
	if (st->type == SET_CHOICE || st->type == SET_CHOICES)
		json_object_set_new(o, "options", choice_options(r, st,
		    value));
	if (st->type == SET_INT) {
		view_int(o, "min", st->lo);
		view_int(o, "max", st->hi);
	}
	if (err != NULL)
		view_str(o, "field_error", err);
	return o;
}

/*
 * The page: a fieldset per group, its settings in table order, each
 * showing val[i] (what was sent, when in is not NULL) or the stored one.
 */
static int
settings_page(struct req *r, struct session *se, const char *const *val,
    const char *const *err, int status)
{
	json_t		*view = admin_view(r, se, N_("Settings")),
			*groups = json_array(), *g, *list;
	const char	*v;
	size_t		 i, n;
	int		 k;

	for (n = 1; n <= SETG__MAX; n++) {
		k = n % SETG__MAX;	/* "Other" last */
		list = json_array();
		for (i = 0; i < SET__MAX; i++) {
			if ((int)settings[i].group != k)
				continue;
			v = val != NULL && val[i] != NULL ? val[i] :
			    set_text(page_settings(r), (enum set_key)i);
			json_array_append_new(list, setting_view(r,
			    &settings[i], v, err != NULL ? err[i] : NULL));
		}
		if (json_array_size(list) == 0) {
			json_decref(list);
			continue;
		}
		g = json_object();
		view_str(g, "name", page_tr(r, group_names[k]));
		json_object_set_new(g, "settings", list);
		json_array_append_new(groups, g);
	}
	json_object_set_new(view, "groups", groups);
	if (req_arg(r, "done") != NULL)
		view_str(view, "notice", page_tr(r, "Settings saved."));
	if (err != NULL)
		view_str(view, "error", page_tr(r, "Nothing was saved: correct"
		    " what is marked below; everything else is as you typed"
		    " it."));
	return page_render(r, "admin-settings", view, status);
}

int
admin_settings(struct req *r, struct session *se)
{
	return settings_page(r, se, NULL, NULL, 200);
}

/* 1 if key is a line of the form's "shown" field. */
static int
shown(const char *lines, const char *key)
{
	size_t	 n = strlen(key), k;

	for (; *lines != '\0'; lines += k + (lines[k] == '\n')) {
		k = strcspn(lines, "\n");
		if (k == n && strncmp(lines, key, n) == 0)
			return 1;
	}
	return 0;
}

/*
 * What the form says of st, or NULL to leave it as it is.  Each field
 * the page shows names itself in a hidden "shown" input: browsers send
 * nothing for an unchecked box or an empty checkbox group, so a shown
 * boolean that is absent is false and a shown group that is absent is
 * none (which its check refuses).  A setting not shown is left alone
 * unless a value came for it (a script may post a few).
 */
static const char *
form_value(struct req *r, struct form *in, const struct setting *st)
{
	const char	*v = form_get(in, st->key, NULL, NULL);
	char		*w;

	if (!shown(form_get(in, "shown", NULL, NULL), st->key))
		return *v != '\0' ? v : NULL;
	if (st->type == SET_BOOL && *v == '\0')
		return "false";
	if (st->type == SET_CHOICES) {
		/* A checkbox group's values come joined by newlines. */
		w = arena_strdup(&r->arena, v);
		for (v = w; (w = strchr(w, '\n')) != NULL; )
			*w = ' ';
	}
	return v;
}

/*
 * All or nothing: every value is checked before any is stored.  A
 * refused one sends the page back with its message beside it and every
 * other value as it was typed, so nothing typed is lost; storing the
 * good ones and dropping the bad one (as WordPress does) would leave
 * the writer with a page that no longer shows what they typed, and a
 * site half-changed (a spam threshold saved without its ham one).
 */
int
admin_settings_post(struct req *r, struct session *se, struct form *in)
{
	const struct setting	*st;
	const char		**err, **val;
	char			 msg[200];
	size_t			 i;
	int			 bad = 0, rc = STORE_OK;

	err = arena_alloc(&r->arena, SET__MAX * sizeof(*err));
	val = arena_alloc(&r->arena, SET__MAX * sizeof(*val));
	for (i = 0; i < SET__MAX; i++) {
		st = &settings[i];
		err[i] = NULL;
		val[i] = form_value(r, in, st);
		if (val[i] != NULL && setting_check(st, val[i], page_lang(r),
		    msg, sizeof(msg)) == -1) {
			err[i] = arena_printf(&r->arena, page_tr(r, "This must"
			    " be %s."), msg);
			bad = 1;
		}
	}
	if (bad)
		return settings_page(r, se, val, err, 422);
	if ((rc = store_begin(r->conn)) != STORE_OK)
		return page_error(r, 503);
	for (i = 0; i < SET__MAX && rc == STORE_OK; i++)
		if (val[i] != NULL)
			rc = store_setting_set(r->conn, settings[i].key,
			    val[i]);
	if (rc == STORE_OK)
		rc = store_commit(r->conn);
	else
		store_rollback(r->conn);
	if (rc != STORE_OK)
		return page_error(r, rc == STORE_DOWN ? 503 : 500);
	return admin_back(r, "settings", "done=saved");
}

/* What the users page says after ?done=WORD. */
static const char *
done_notice(const char *done)
{
	static const struct {
		const char	*done, *notice;
	} notices[] = {
		{ "added", N_("The account was added.") },
		{ "role", N_("The role was changed.") },
		{ "removed", N_("The account was removed.") },
		{ "given", N_("The account was removed and its posts given to"
		    " the account chosen.") },
	};
	size_t	 i;

	for (i = 0; i < sizeof(notices) / sizeof(notices[0]); i++)
		if (strcmp(done, notices[i].done) == 0)
			return notices[i].notice;
	return N_("The password was set; that user's other sessions have"
	    " ended.");
}

/*
 * The roles as a select's options (word, name), role's on: the form of
 * one account, or (role NULL) the new account's, whose first is its
 * default.
 */
static json_t *
roles_view(struct req *r, const char *role)
{
	static const char *const words[] = { "author", "editor", "admin" };
	json_t	*a = json_array(), *o;
	size_t	 i;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		o = json_object();
		view_str(o, "word", words[i]);
		view_str(o, "name", admin_word(r, "role", words[i]));
		json_object_set_new(o, "on", json_boolean(role != NULL &&
		    strcmp(role, words[i]) == 0));
		json_array_append_new(a, o);
	}
	return a;
}

/*
 * The users page; in and error, when a form was refused, put back what
 * was sent and say why (the remove form's reason sits beside it).
 */
static int
users_page(struct req *r, struct session *se, struct form *in,
    const char *error, int status)
{
	json_t		*view = admin_view(r, se, N_("Users")), *list, *o;
	struct user	*u;
	size_t		 n, i;
	const char	*done = req_arg(r, "done"),
			*action = in != NULL ? form_get(in, "action", NULL,
			    NULL) : "";
	int64_t		 rm = 0, heir = 0;

	if ((r->store_err = store_users_list(r->conn, &r->arena, &u,
	    &n)) != STORE_OK)
		return page_render(r, "admin-users", view, 200);
	if (strcmp(action, "remove") == 0) {
		rm = strtoll(form_get(in, "id", NULL, NULL), NULL, 10);
		heir = strtoll(form_get(in, "heir", NULL, NULL), NULL, 10);
	}
	list = json_array();
	for (i = 0; i < n; i++) {
		o = json_object();
		view_int(o, "id", u[i].id);
		view_str(o, "name", u[i].name);
		view_str(o, "email", u[i].email);
		json_object_set_new(o, "roles", roles_view(r, u[i].role));
		if (u[i].id == se->user.id)
			json_object_set_new(o, "you", json_true());
		json_object_set_new(o, "rm", json_boolean(u[i].id == rm));
		json_object_set_new(o, "heir", json_boolean(u[i].id == heir));
		json_array_append_new(list, o);
	}
	json_object_set_new(view, "users", list);
	json_object_set_new(view, "roles", roles_view(r, NULL));
	view_str(view, "new_email", in ? form_get(in, "email", NULL, NULL) :
	    "");
	view_str(view, "new_name", in ? form_get(in, "name", NULL, NULL) : "");
	/* account.c's and auth.c's reasons are msgids (N_): shown here. */
	if (error != NULL && strcmp(action, "remove") == 0)
		view_str(view, "remove_error", page_tr(r, error));
	else if (error != NULL)
		view_str(view, "error", page_tr(r, error));
	if (done != NULL)
		view_str(view, "notice", page_tr(r, done_notice(done)));
	return page_render(r, "admin-users", view, status);
}

/* The remove form: the account, its posts first to the heir chosen. */
static int
remove_user(struct req *r, struct session *se, struct form *in,
    int64_t *heir, const char **why)
{
	int64_t		 id = strtoll(form_get(in, "id", NULL, NULL), NULL, 10),
			 n;
	int		 rc;

	*heir = strtoll(form_get(in, "heir", NULL, NULL), NULL, 10);
	if (id == se->user.id) {
		*why = N_("You cannot remove your own account.");
		return STORE_ERROR;
	}
	rc = account_remove(r->conn, id, *heir, &n, why);
	if (rc == STORE_CONFLICT)
		*why = arena_printf(&r->arena, i18n_nget(page_lang(r),
		    "That account wrote %lld post (or earlier versions of"
		    " posts): choose who gets them before removing it.",
		    "That account wrote %lld posts (or earlier versions of"
		    " posts): choose who gets them before removing it.",
		    (unsigned long)n), (long long)n);
	return rc;
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
			why = N_("The role must be admin, editor or author.");
		else if (id == se->user.id && strcmp(role, "admin") != 0)
			why = N_("You cannot take away your own admin role.");
		else if ((rc = store_user_set(r->conn, id, role,
		    NULL)) == STORE_OK)
			return admin_back(r, "users", "done=role");
		else if (rc == STORE_NOTFOUND)
			why = N_("There is no such account.");
		if (why != NULL)
			rc = STORE_ERROR;
	} else if (strcmp(action, "remove") == 0) {
		if ((rc = remove_user(r, se, in, &id, &why)) == STORE_OK)
			return admin_back(r, "users", id != 0 ? "done=given" :
			    "done=removed");
	} else if (strcmp(action, "password") == 0) {
		if ((why = auth_password_problem(password)) == NULL &&
		    (rc = auth_set_password(&env, id, password,
		    r->session_cookie)) == STORE_OK)
			return admin_back(r, "users", "done=password");
		if (why != NULL)
			rc = STORE_ERROR;
	} else
		return admin_refuse(r, se, 422, N_("Unknown action."));
	if (rc == STORE_DOWN || rc == STORE_RETRY)
		return page_error(r, 503);
	return users_page(r, se, in, why != NULL ? why :
	    N_("That could not be done."), 422);
}
