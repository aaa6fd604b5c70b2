/*
 * reset: see reset.h.  The token travels only in the mail (sealed in the
 * outbox) and back in the link; the row is found by its keyed hash, and
 * the link's page never uses it up: only its form's POST does, in the
 * transaction that sets the password, so a mail scanner that opens
 * every link, or a reader who opens it twice, spends nothing.
 */
#include <string.h>

#include <jansson.h>

#include "account.h"
#include "arena.h"
#include "auth.h"
#include "env.h"
#include "i18n.h"
#include "mail.h"
#include "reset.h"
#include "setting.h"
#include "sign.h"
#include "store.h"

/* What each kind of link is: its life and its message's subject. */
static const struct kind {
	const char	*kind;		/* also the mail template's name */
	int64_t		 life;
	const char	*subject;	/* after "[Site title] " */
	const char	*good_for;	/* in the message */
} kinds[] = {
	{ "reset", RESET_LIFE, N_("Set a new password"), N_("one hour") },
	{ "invite", INVITE_LIFE, N_("Your account: choose a password"),
	    N_("seven days") },
};

static const struct kind *
kind_of(const char *kind)
{
	size_t	 i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(kinds[i].kind, kind) == 0)
			return &kinds[i];
	return NULL;
}

/* A role as the invite's sentence names it ("you are an editor there"). */
static const char *
role_words(const struct env *e, const char *role)
{
	static const char *const words[][2] = {
		{ "admin", N_("an admin") },
		{ "editor", N_("an editor") },
		{ "author", N_("an author") },
	};
	size_t	 i;

	for (i = 0; role != NULL && i < sizeof(words) / sizeof(words[0]); i++)
		if (strcmp(role, words[i][0]) == 0)
			return i18n_get(mail_lang(e), words[i][1]);
	return role != NULL ? role : "";
}

/* The keyed hash of a token as a link brings it, or NULL if malformed. */
static const char *
token_key(const struct env *e, const char *token)
{
	/* Only what sign_secret_new makes is worth a look. */
	if (token == NULL || strlen(token) != SIGN_SECRET_LEN ||
	    strspn(token, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789-_") != SIGN_SECRET_LEN)
		return NULL;
	return sign_hex(e->site, e->arena, SIGN_RESET, token);
}

int
reset_send(const struct env *e, const struct user *u, const char *kind)
{
	const struct kind	*k = kind_of(kind);
	const char		*token = sign_secret_new(e->arena), *subject;
	struct mail_out		 m;
	json_t			*view;
	char			*text, *html;
	int			 rc;

	if (k == NULL)
		return STORE_ERROR;
	if ((rc = store_reset_add(e->conn, sign_hex(e->site, e->arena,
	    SIGN_RESET, token), u->id, kind, e->now, e->now + k->life)) !=
	    STORE_OK)
		return rc;
	subject = arena_printf(e->arena, "[%s] %s", set_text(e->set,
	    SET_SITE_TITLE), i18n_get(mail_lang(e), k->subject));
	view = mail_view(e, subject);
	json_object_set_new(view, "name", json_string(u->name));
	json_object_set_new(view, "email", json_string(u->email));
	json_object_set_new(view, "role", json_string(role_words(e,
	    u->role)));
	json_object_set_new(view, "good_for", json_string(i18n_get(
	    mail_lang(e), k->good_for)));
	json_object_set_new(view, "link", json_string(arena_printf(e->arena,
	    "%s/admin/reset/?t=%s", mail_base(e), token)));
	json_object_set_new(view, "lost", json_string(arena_printf(e->arena,
	    "%s/admin/lost/", mail_base(e))));
	rc = mail_render(e, kind, view, &text, &html);
	json_decref(view);
	if (rc != 0)
		return STORE_ERROR;
	memset(&m, 0, sizeof(m));
	m.kind = kind;
	m.to = u->email;
	m.to_name = u->name;
	m.subject = subject;
	m.text = text;
	m.html = html;
	return mail_queue(e, &m);
}

int
reset_ask(const struct env *e, const char *ip, const char *email,
    int64_t *wait)
{
	struct user	 u;
	int		 rc, found;

	*wait = 0;
	if ((rc = store_begin(e->conn)) != STORE_OK)
		return rc;
	/* Counted first, so a refused request does nothing more. */
	if ((*wait = auth_link_throttle(e, ip, email)) != 0) {
		store_rollback(e->conn);
		return *wait > 0 ? STORE_CONFLICT : STORE_ERROR;
	}
	rc = store_user_by_email(e->conn, e->arena, email, &u);
	found = rc == STORE_OK;
	if (rc == STORE_NOTFOUND)
		rc = STORE_OK;
	if (rc == STORE_OK && found)
		rc = reset_send(e, &u, "reset");
	if (rc == STORE_OK)
		rc = store_commit(e->conn);
	if (rc != STORE_OK) {
		store_rollback(e->conn);
		return rc;
	}
	mail_wake(e->site);
	return STORE_OK;
}

int
reset_find(const struct env *e, const char *token, struct reset_link *out)
{
	const char	*key = token_key(e, token);
	int		 rc;

	if (key == NULL)
		return STORE_NOTFOUND;
	if ((rc = store_reset_find(e->conn, e->arena, key, out)) != STORE_OK)
		return rc;
	return out->expires > e->now ? STORE_OK : STORE_NOTFOUND;
}

int
reset_use(const struct env *e, const char *token, const char *password,
    int64_t *user_id)
{
	const char		*key = token_key(e, token);
	struct reset_link	 l;
	int			 rc;

	*user_id = 0;
	if (key == NULL)
		return STORE_NOTFOUND;
	if ((rc = store_begin(e->conn)) != STORE_OK)
		return rc;
	if ((rc = store_reset_take(e->conn, e->arena, key, e->now, &l)) ==
	    STORE_OK)
		rc = auth_set_password(e, l.user_id, password, NULL);
	if (rc == STORE_OK)
		rc = store_commit(e->conn);
	if (rc != STORE_OK) {
		store_rollback(e->conn);
		return rc;
	}
	*user_id = l.user_id;
	return STORE_OK;
}

int
reset_invite(const struct env *e, const char *email, const char *name,
    const char *role, int64_t *id, int *made, const char **why)
{
	struct user	 u;
	int		 rc;

	*why = NULL;
	*made = 0;
	if (!mail_on(e->site)) {
		*why = "Mail is off, so no invitation can be sent. Set smtp_url"
		    " (smtp://HOST:587 or smtps://HOST:465) and mail_from"
		    " (\"Site <news@example.org>\") in the site's galley.conf,"
		    " restart it, and try again.";
		return STORE_ERROR;
	}
	rc = account_add(e->conn, email, name, role, NULL, id, why);
	if (rc != STORE_OK && rc != STORE_CONFLICT)
		return rc;
	*made = rc == STORE_OK;
	if ((rc = store_user_by_email(e->conn, e->arena, email, &u)) !=
	    STORE_OK)
		return rc;
	if (*u.pass_hash != '\0') {
		*why = "An account with that email address exists already and"
		    " has a password; its owner can use \"Lost your"
		    " password?\" on the login page.";
		return STORE_CONFLICT;
	}
	*why = NULL;
	*id = u.id;
	if ((rc = store_begin(e->conn)) != STORE_OK)
		return rc;
	if ((rc = reset_send(e, &u, "invite")) == STORE_OK)
		rc = store_commit(e->conn);
	if (rc != STORE_OK)
		store_rollback(e->conn);
	return rc;
}
