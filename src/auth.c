/*
 * auth: see auth.h.  The token in the cookie is 32 random bytes as
 * URL-safe base64; the database keys the session by BLAKE2b(secret,
 * token), so a copy of the database opens no session.  The CSRF token is
 * BLAKE2b(secret, "csrf" + that hash): bound to the session, gone with
 * it, and never stored.
 *
 * Throttling: after 3 failures on an account or from an IP hash, each
 * further try must wait 10 * 2^(failures-3) seconds after the last
 * failure, up to 15 minutes; a success clears the account's count (the
 * IP's fades only with time).  Keys are keyed hashes, never an address.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sodium.h>

#include "arena.h"
#include "auth.h"
#include "req.h"
#include "site.h"
#include "store.h"
#include "utf8.h"

#define THROTTLE_FREE	3	/* failures before any wait */
#define THROTTLE_BASE	10	/* seconds after the third failure */
#define THROTTLE_MAX	900	/* seconds */

static pthread_once_t	 dummy_once = PTHREAD_ONCE_INIT;
static char		 dummy[crypto_pwhash_STRBYTES];

static void
dummy_init(void)
{
	/* A real hash of nothing anyone types, to verify against. */
	if (crypto_pwhash_str(dummy, "galley dummy password", 21,
	    crypto_pwhash_OPSLIMIT_INTERACTIVE,
	    crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		dummy[0] = '\0';
}

int
auth_role_rank(const char *role)
{
	if (role == NULL)
		return 0;
	if (strcmp(role, "admin") == 0)
		return 3;
	if (strcmp(role, "editor") == 0)
		return 2;
	if (strcmp(role, "author") == 0)
		return 1;
	return 0;
}

int
auth_hash(const char *password, char *out, size_t outlen)
{
	if (outlen < crypto_pwhash_STRBYTES)
		return -1;
	return crypto_pwhash_str(out, password, strlen(password),
	    crypto_pwhash_OPSLIMIT_INTERACTIVE,
	    crypto_pwhash_MEMLIMIT_INTERACTIVE) == 0 ? 0 : -1;
}

int
auth_verify(const char *hash, const char *password)
{
	int	 real = hash != NULL && *hash != '\0';

	pthread_once(&dummy_once, dummy_init);
	if (crypto_pwhash_str_verify(real ? hash : dummy, password,
	    strlen(password)) != 0)
		return 0;
	return real;
}

const char *
auth_password_problem(const char *password)
{
	size_t	 i, n = 0, len = strlen(password);

	if (!utf8_valid(password, len))
		return "The password has characters that are not valid text.";
	for (i = 0; i < len; i++)
		if (((unsigned char)password[i] & 0xc0) != 0x80)
			n++;
	if (n < AUTH_PASSWORD_MIN)
		return "A password needs at least 10 characters.";
	if (len > 1000)
		return "A password can be at most 1,000 bytes.";
	return NULL;
}

/* The keyed hash of what + s (site_hash), in r's arena. */
static const char *
keyed(struct req *r, const char *what, const char *s)
{
	return site_hash(r->site, &r->arena, what, s);
}

/* The seconds a login must still wait for key, from its failures. */
static int64_t
throttle_wait(struct req *r, const char *key, int *down)
{
	int64_t	 failures, last, wait;

	if (r->conn->ops->throttle_get(r->conn, key, &failures, &last) !=
	    STORE_OK) {
		*down = 1;
		return 0;
	}
	if (failures < THROTTLE_FREE)
		return 0;
	wait = failures - THROTTLE_FREE >= 7 ? THROTTLE_MAX :
	    THROTTLE_BASE << (failures - THROTTLE_FREE);
	if (wait > THROTTLE_MAX)
		wait = THROTTLE_MAX;
	return last + wait > r->now ? last + wait - r->now : 0;
}

static const char *
cookie(struct req *r, const char *value, int64_t max_age)
{
	return arena_printf(&r->arena, "%s=%s; Max-Age=%lld; Path=/;"
	    " HttpOnly; SameSite=Lax%s", AUTH_COOKIE, value,
	    (long long)max_age, r->https ? "; Secure" : "");
}

/* Starts a session for user_id; sets r->cookie. */
static int
start(struct req *r, int64_t user_id)
{
	unsigned char	 raw[32];
	char		 token[64];
	int		 rc;

	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(token, sizeof(token), raw, sizeof(raw),
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	rc = r->conn->ops->session_add(r->conn, keyed(r, "session", token),
	    user_id, r->now);
	if (rc == STORE_OK) {
		r->cookie = cookie(r, token, AUTH_MAX_SECONDS);
		r->session_cookie = arena_strdup(&r->arena, token);
	}
	return rc;
}

enum auth_login
auth_login(struct req *r, const char *email, const char *password,
    int64_t *wait)
{
	struct user	 u;
	const char	*acct, *ip;
	char		*low, *p;
	int64_t		 w1, w2;
	int		 rc, down = 0, ok;

	*wait = 0;
	/* Bounded before anything is stored; the key is a keyed hash. */
	if (strlen(email) > 254 || strlen(password) > 1000)
		return AUTH_WRONG;
	low = arena_strdup(&r->arena, email);
	for (p = low; *p != '\0'; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	acct = arena_printf(&r->arena, "acct:%s", keyed(r, "acct", low));
	ip = arena_printf(&r->arena, "ip:%s", site_ip_hash(r->site,
	    &r->arena, r->ip != NULL ? r->ip : ""));
	w1 = throttle_wait(r, acct, &down);
	w2 = throttle_wait(r, ip, &down);
	if (down)
		return AUTH_DOWN;
	if (w1 > 0 || w2 > 0) {
		*wait = w1 > w2 ? w1 : w2;
		return AUTH_THROTTLED;
	}
	rc = r->conn->ops->user_by_email(r->conn, &r->arena, email, &u);
	if (rc != STORE_OK && rc != STORE_NOTFOUND)
		return AUTH_DOWN;
	/* The same work whether or not the account exists. */
	ok = auth_verify(rc == STORE_OK ? u.pass_hash : "", password);
	if (!ok) {
		if (r->conn->ops->throttle_fail(r->conn, acct, r->now) !=
		    STORE_OK || r->conn->ops->throttle_fail(r->conn, ip,
		    r->now) != STORE_OK)
			return AUTH_DOWN;
		return AUTH_WRONG;
	}
	/*
	 * A success clears the account's count, not the address's: else
	 * whoever holds one account could guess at every other one.
	 */
	if (r->conn->ops->throttle_clear(r->conn, acct) != STORE_OK ||
	    start(r, u.id) != STORE_OK)
		return AUTH_DOWN;
	return AUTH_OK;
}

int
auth_session(struct req *r, struct session *out)
{
	const char	*h;

	if (r->session_cookie == NULL || *r->session_cookie == '\0' ||
	    strlen(r->session_cookie) > 64)
		return 0;
	h = keyed(r, "session", r->session_cookie);
	if (r->conn->ops->session_get(r->conn, &r->arena, h, out) != STORE_OK)
		return 0;
	if (r->now - out->seen > AUTH_IDLE_SECONDS ||
	    r->now - out->created > AUTH_MAX_SECONDS) {
		r->conn->ops->session_end(r->conn, h);
		return 0;
	}
	/* Written at most once a minute: a page view is not a write. */
	if (r->now - out->seen >= 60)
		r->conn->ops->session_touch(r->conn, h, r->now);
	return 1;
}

void
auth_logout(struct req *r)
{
	if (r->session_cookie != NULL && *r->session_cookie != '\0')
		r->conn->ops->session_end(r->conn, keyed(r, "session",
		    r->session_cookie));
	r->cookie = cookie(r, "", 0);
}

int
auth_set_password(struct req *r, int64_t user_id, const char *password)
{
	char	 hash[crypto_pwhash_STRBYTES];
	int	 rc;

	if (auth_hash(password, hash, sizeof(hash)) != 0)
		return STORE_ERROR;
	if ((rc = r->conn->ops->user_set(r->conn, user_id, NULL, hash)) !=
	    STORE_OK)
		return rc;
	return r->conn->ops->sessions_end_user(r->conn, user_id,
	    r->session_cookie != NULL ? keyed(r, "session",
	    r->session_cookie) : "");
}

const char *
auth_csrf(struct req *r)
{
	if (r->session_cookie == NULL || *r->session_cookie == '\0')
		return "";
	return keyed(r, "csrf", keyed(r, "session", r->session_cookie));
}

int
auth_csrf_ok(struct req *r, const char *token)
{
	const char	*want = auth_csrf(r);

	return *want != '\0' && token != NULL && strlen(token) == 64 &&
	    sodium_memcmp(want, token, 64) == 0;
}
