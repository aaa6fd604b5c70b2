/*
 * reset: password links sent by mail.  "Lost your password?" sends a
 * reset link, good for an hour; `galley user DIR invite` makes an
 * account with no password and sends an invite link, good for a week,
 * so that nobody types a password for someone else.  Either link opens
 * a form that sets the account's password once: the link is then gone,
 * with every other link of the account, and so is every session of it.
 *
 * A link carries a 256-bit random token; the database keeps only its
 * keyed hash (sign_hex, SIGN_RESET), so a copy of the database opens
 * no account, and the message itself waits in the outbox sealed.
 */
#ifndef GALLEY_RESET_H
#define GALLEY_RESET_H

#include <stdint.h>

struct env;
struct reset_link;
struct user;

#define RESET_LIFE	3600		/* seconds a reset link is good */
#define INVITE_LIFE	(7 * 86400)	/* ... and an invite link */

/*
 * Makes a link of kind ("reset" or "invite") for u (id, name, email)
 * and queues its message to u's address, in the caller's transaction
 * on e->conn.  Returns a store_rc.
 */
int	reset_send(const struct env *e, const struct user *u,
	    const char *kind);

/*
 * Someone at address ip asks for a reset link to email.  In one
 * transaction of its own on e->conn, the same work whether or not an
 * account has that address: the request counted (auth_link_throttle),
 * the account looked up, and if there is one, a link sent (reset_send).
 * Returns STORE_OK, STORE_CONFLICT when throttled (*wait: the seconds
 * to wait), or another store_rc if the database failed.
 */
int	reset_ask(const struct env *e, const char *ip, const char *email,
	    int64_t *wait);

/*
 * The link whose token (from a mail, as the reader brings it back) is
 * good now, into *out (e's arena).  Returns STORE_OK, STORE_NOTFOUND
 * for a token malformed, forged, used or expired, or a store_rc.
 * Writes nothing: a link is used only by reset_use.
 */
int	reset_find(const struct env *e, const char *token,
	    struct reset_link *out);

/*
 * Uses token's link, if still good, to set its account's password (one
 * auth_password_problem accepts) in one transaction of its own: every
 * link of the account deleted, the password set, every session of the
 * account ended.  *user_id says whose.  Returns STORE_OK,
 * STORE_NOTFOUND (as reset_find; also when used meanwhile), or a
 * store_rc.
 */
int	reset_use(const struct env *e, const char *token,
	    const char *password, int64_t *user_id);

/*
 * Makes an account for email (name and role as account_add takes them)
 * with no password, and sends it an invite link, which the account's
 * owner follows to choose one.  An account of that address that has no
 * password yet gets a new link instead (*made 0; 1 when the account
 * is new).  Mail must be on.  Returns a store_rc; when refused, *why
 * says why in a sentence.  *id is the account's.
 */
int	reset_invite(const struct env *e, const char *email, const char *name,
	    const char *role, int64_t *id, int *made, const char **why);

#endif
