/*
 * auth: the site's own people signing in.  Passwords are argon2id
 * (libsodium's crypto_pwhash_str at its interactive limits); a session
 * is a 256-bit random token in a cookie, of which the database keeps
 * only a keyed hash; each session has a CSRF token derived from it, so
 * nothing more is stored.  Failed logins are counted in the database
 * (so throttling holds across nodes) per account and address, per
 * address, and per account; only the first two refuse, so whoever knows
 * an account's email cannot lock its owner out (see auth.c).
 */
#ifndef GALLEY_AUTH_H
#define GALLEY_AUTH_H

#include <stddef.h>
#include <stdint.h>

struct env;
struct session;
struct store_conn;

#define AUTH_COOKIE		"galley_session"
#define AUTH_IDLE_SECONDS	(12 * 3600)	/* unused this long: ended */
#define AUTH_MAX_SECONDS	(7 * 86400)	/* however used: ended */
#define AUTH_PASSWORD_MIN	10		/* characters */

/* The roles, most powerful first; auth_role_rank("admin") is 3. */
int	auth_role_rank(const char *role);

/*
 * Hashes password into out (crypto_pwhash_STRBYTES); returns 0, or -1
 * if memory ran out.
 */
int	auth_hash(const char *password, char *out, size_t outlen);
/*
 * Returns 1 if password matches hash.  An empty hash (no account, or
 * an account with no password) is checked against a dummy hash, so the
 * time taken does not tell the two apart; it never matches.
 */
int	auth_verify(const char *hash, const char *password);
/* A password's problem as a sentence, or NULL if it will do. */
const char *auth_password_problem(const char *password);

enum auth_login {
	AUTH_OK,
	AUTH_WRONG,		/* unknown account or wrong password */
	AUTH_THROTTLED,		/* too many failures from this address:
				   *wait seconds */
	AUTH_DOWN		/* the database failed */
};

/* A login attempt, and what the caller must pass on. */
struct login {
	const char	*ip;		/* the client's address */
	const char	*email;
	const char	*password;
	/* Results. */
	int64_t		 wait;		/* AUTH_THROTTLED: seconds to wait */
	int		 delay_ms;	/* hold the answer back this long */
	const char	*token;		/* AUTH_OK: the new session's token,
					   for the cookie (e's arena) */
};

/*
 * Checks l->email and l->password through e->conn, with throttling; on
 * success starts a session, its token in l->token.  l->wait is set for
 * AUTH_THROTTLED, which is returned, unchecked, while l->ip has failed
 * too often on this account or on any.  A right password from an
 * address with no failures always gets AUTH_OK, but while the account
 * is being guessed at from many addresses, l->delay_ms is set for every
 * answer on it, right or wrong.
 */
enum auth_login auth_login(const struct env *e, struct login *l);
/*
 * The session of token (a cookie's), if any and still fresh, into *out
 * (strings in e's arena), touching its last use.  Returns 1, or 0.
 */
int	auth_session(const struct env *e, const char *token,
	    struct session *out);
/*
 * Returns 1 if token names a fresh session, writing nothing (so that an
 * HTTP thread may ask, with no lock to wait on).
 */
int	auth_session_live(const struct env *e, const char *token);
/*
 * Counts, through e->conn, a request from address ip for a password
 * link to email (any case; whether or not an account has it): per
 * account and per address, under keys of their own.  Returns 0 when
 * the request may go on (then counted), the seconds to wait when too
 * many came within the hour (nothing counted), or -1 if the database
 * failed.
 */
int64_t	auth_link_throttle(const struct env *e, const char *ip,
	    const char *email);
/* Ends token's session (logout). */
void	auth_logout(const struct env *e, const char *token);
/*
 * Changes user_id's password to one already checked, and ends every
 * session of theirs but keep's (a token, or NULL) and every password
 * link (reset.h) of theirs.  Returns a store_rc.
 */
int	auth_set_password(const struct env *e, int64_t user_id,
	    const char *password, const char *keep);
/* The CSRF token of token's session (hex, in e's arena), or "". */
const char *auth_csrf(const struct env *e, const char *token);
/* Returns 1 if csrf is the CSRF token of token's session. */
int	auth_csrf_ok(const struct env *e, const char *token, const char *csrf);

#endif
