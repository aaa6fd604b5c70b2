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

struct req;
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

/*
 * Checks email and password through r->conn, with throttling; on
 * success starts a session and sets r->cookie to its cookie.  *wait is
 * set for AUTH_THROTTLED, which is returned, unchecked, while r->ip has
 * failed too often on this account or on any.  A right password from
 * an address with no failures always gets AUTH_OK, but while the
 * account is being guessed at from many addresses, r->delay_ms is set
 * for every answer on it, right or wrong.
 */
enum auth_login auth_login(struct req *r, const char *email,
	    const char *password, int64_t *wait);
/*
 * The session of r's cookie, if any and still fresh, into *out (strings
 * in r's arena), touching its last use.  Returns 1, or 0 if none.
 */
int	auth_session(struct req *r, struct session *out);
/*
 * Returns 1 if r's cookie names a fresh session, writing nothing (so
 * that an HTTP thread may ask, with no lock to wait on).
 */
int	auth_session_live(struct req *r);
/* Ends r's session (logout) and sets r->cookie to clear the cookie. */
void	auth_logout(struct req *r);
/*
 * Changes user_id's password to one already checked, and ends every
 * session of theirs but r's own.  Returns a store_rc.
 */
int	auth_set_password(struct req *r, int64_t user_id, const char *password);
/* The CSRF token of r's session (hex, in r's arena), or "" if none. */
const char *auth_csrf(struct req *r);
/* Returns 1 if token is r's session's CSRF token. */
int	auth_csrf_ok(struct req *r, const char *token);

#endif
