/*
 * account: see account.h.  The slug (the author archive's URL) comes
 * from the name, with a number added while it is taken.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "account.h"
#include "arena.h"
#include "auth.h"
#include "comment.h"
#include "i18n.h"
#include "slug.h"
#include "store.h"
#include "utf8.h"

int
account_role_ok(const char *role)
{
	return auth_role_rank(role) > 0;
}

static const char *
problem(const char *email, const char *name, const char *role,
    const char *password)
{
	if (!comment_email_ok(email))
		return N_("That does not look like an email address.");
	if (*name == '\0' || strlen(name) > 100 ||
	    !utf8_valid(name, strlen(name)))
		return N_("A name needs 1 to 100 characters of text.");
	if (!account_role_ok(role))
		return N_("The role must be admin, editor or author.");
	return password != NULL ? auth_password_problem(password) : NULL;
}

int
account_add(struct store_conn *c, const char *email, const char *name,
    const char *role, const char *password, int64_t *id, const char **why)
{
	char		 hash[crypto_pwhash_STRBYTES];
	struct user	 u, old;
	struct arena	 a;
	char		*base;
	int		 rc, n;

	if ((*why = problem(email, name, role, password)) != NULL)
		return STORE_ERROR;
	if (password != NULL && auth_hash(password, hash, sizeof(hash)) != 0) {
		*why = N_("Out of memory while hashing the password.");
		return STORE_ERROR;
	}
	arena_init(&a);
	if (store_user_by_email(c, &a, email, &old) == STORE_OK) {
		arena_free(&a);
		*why = N_("An account with that email address exists"
		    " already.");
		return STORE_CONFLICT;
	}
	base = slug_from_title(name);
	memset(&u, 0, sizeof(u));
	u.name = (char *)name;
	u.email = (char *)email;
	u.role = (char *)role;
	u.pass_hash = password != NULL ? hash : NULL;
	u.slug = arena_strdup(&a, *base != '\0' ? base : "author");
	for (n = 2; (rc = store_user_add(c, &u, id)) == STORE_CONFLICT &&
	    n < 100; n++)
		u.slug = arena_printf(&a, "%s-%d", *base != '\0' ? base :
		    "author", n);
	free(base);
	arena_free(&a);
	if (rc == STORE_CONFLICT)
		*why = N_("An account with that email address exists"
		    " already.");
	return rc;
}

int
account_password(struct store_conn *c, const char *email,
    const char *password, const char **why)
{
	char		 hash[crypto_pwhash_STRBYTES];
	struct user	 u;
	struct arena	 a;
	int		 rc;

	if ((*why = auth_password_problem(password)) != NULL)
		return STORE_ERROR;
	if (auth_hash(password, hash, sizeof(hash)) != 0) {
		*why = N_("Out of memory while hashing the password.");
		return STORE_ERROR;
	}
	arena_init(&a);
	rc = store_user_by_email(c, &a, email, &u);
	if (rc == STORE_NOTFOUND)
		*why = N_("There is no account with that email address.");
	if (rc == STORE_OK && (rc = store_user_set(c, u.id, NULL, hash)) ==
	    STORE_OK && (rc = store_reset_forget(c, u.id)) == STORE_OK)
		rc = store_sessions_end_user(c, u.id, "");
	arena_free(&a);
	return rc;
}

/* account_remove inside its transaction. */
static int
remove_in(struct store_conn *c, int64_t id, int64_t heir, int64_t *posts,
    const char **why)
{
	struct user	 u;
	struct arena	 a;
	int64_t		 versions = 0;
	int		 rc;

	arena_init(&a);
	rc = heir != 0 ? store_user_by_id(c, &a, heir, &u) : STORE_OK;
	arena_free(&a);
	if (rc == STORE_NOTFOUND)
		*why = N_("There is no account to give the posts to.");
	if (rc != STORE_OK ||
	    (rc = store_user_works(c, id, posts, &versions)) != STORE_OK)
		return rc;
	if (heir == 0 && *posts + versions > 0) {
		*why = N_("This account wrote posts: choose an account to give"
		    " them to.");
		return STORE_CONFLICT;
	}
	if (heir != 0 && (rc = store_user_give(c, id, heir)) != STORE_OK)
		return rc;
	if ((rc = store_user_remove(c, id)) == STORE_NOTFOUND)
		*why = N_("There is no such account.");
	return rc;
}

int
account_remove(struct store_conn *c, int64_t id, int64_t heir,
    int64_t *posts, const char **why)
{
	int	 rc;

	*posts = 0;
	/* Not with no account named: that is no such account, below. */
	if (heir != 0 && heir == id) {
		*why = N_("The posts must go to another account than the one"
		    " removed.");
		return STORE_ERROR;
	}
	if ((rc = store_begin(c)) != STORE_OK)
		return rc;
	if ((rc = remove_in(c, id, heir, posts, why)) == STORE_OK)
		return store_commit(c);
	store_rollback(c);
	return rc;
}
