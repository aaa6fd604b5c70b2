/*
 * account: the site's own people (admin, editor, author) as the command
 * line and the admin's Users page create and change them: one set of
 * checks for both.
 */
#ifndef GALLEY_ACCOUNT_H
#define GALLEY_ACCOUNT_H

#include <stdint.h>

struct store_conn;

/*
 * Adds an account; with password NULL, one with no password (nobody can
 * sign in to it until one is set: reset.h's invite).  Returns a
 * store_rc; when a value is refused
 * (STORE_CONFLICT for an email in use, STORE_ERROR otherwise) *why says
 * why in a sentence.
 */
int	account_add(struct store_conn *c, const char *email, const char *name,
	    const char *role, const char *password, int64_t *id,
	    const char **why);
/*
 * Sets the password of the account with this email and ends all its
 * sessions and password links (reset.h).  Returns a store_rc, *why as for account_add.
 */
int	account_password(struct store_conn *c, const char *email,
	    const char *password, const char **why);
/*
 * Removes account id, first giving its posts and their earlier versions
 * to account heir unless heir is 0, in one transaction.  Sets *posts to
 * how many posts it wrote.  Returns a store_rc: STORE_CONFLICT when it
 * has posts (or versions) and heir is 0, STORE_NOTFOUND when id or heir
 * is no account, STORE_ERROR when heir is id; *why then says so.
 */
int	account_remove(struct store_conn *c, int64_t id, int64_t heir,
	    int64_t *posts, const char **why);
/* Returns 1 if role is admin, editor or author. */
int	account_role_ok(const char *role);

#endif
