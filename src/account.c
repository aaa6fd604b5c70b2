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
		return "That does not look like an email address.";
	if (*name == '\0' || strlen(name) > 100 ||
	    !utf8_valid(name, strlen(name)))
		return "A name needs 1 to 100 characters of text.";
	if (!account_role_ok(role))
		return "The role must be admin, editor or author.";
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
		*why = "Out of memory while hashing the password.";
		return STORE_ERROR;
	}
	arena_init(&a);
	if (store_user_by_email(c, &a, email, &old) == STORE_OK) {
		arena_free(&a);
		*why = "An account with that email address exists already.";
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
		*why = "An account with that email address exists already.";
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
		*why = "Out of memory while hashing the password.";
		return STORE_ERROR;
	}
	arena_init(&a);
	rc = store_user_by_email(c, &a, email, &u);
	if (rc == STORE_NOTFOUND)
		*why = "There is no account with that email address.";
	if (rc == STORE_OK && (rc = store_user_set(c, u.id, NULL, hash)) ==
	    STORE_OK && (rc = store_reset_forget(c, u.id)) == STORE_OK)
		rc = store_sessions_end_user(c, u.id, "");
	arena_free(&a);
	return rc;
}
