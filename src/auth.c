/*
 * auth: see auth.h.  The token in the cookie is 32 random bytes as
 * URL-safe base64; the database keys the session by BLAKE2b(secret,
 * token), so a copy of the database opens no session.  The CSRF token is
 * BLAKE2b(secret, "csrf" + that hash): bound to the session, gone with
 * it, and never stored.
 *
 * Throttling counts each failed login under three keys, all keyed
 * hashes (never an address or an email), so that a guesser locks out
 * only itself:
 *   pair  this account from this address: from the 3rd failure each
 *         try waits 10 * 2^(failures-3) s after the last, at most 15
 *         minutes, and is refused (429) whatever the password;
 *   ip    this address, any account: the same from the 10th failure,
 *         against one address guessing at many accounts;
 *   acct  this account, from every address: from the 10th failure each
 *         try on it, right or wrong, is answered 250 ms later, doubling
 *         every 5 failures up to 4 s.  Distributed guessing slows down;
 *         the owner still gets in.
 * "This address" is an address as slots_key counts it: an IPv6 one by
 * its /64, which one subscriber usually holds whole.  A count fades: a failure an hour or more
 * after the last one starts it again at one.  A success clears its
 * pair's count only: clearing the address's would let whoever holds one
 * account guess at every other, clearing the account's would end the
 * slowdown each time the owner signs in.  A refused try is not checked
 * and counts nothing.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sodium.h>

#include "arena.h"
#include "auth.h"
#include "req.h"
#include "site.h"
#include "slot.h"
#include "store.h"
#include "utf8.h"

#define PAIR_FREE	3	/* failures of a pair before any wait */
#define IP_FREE		10	/* failures of an address before any wait */
#define WAIT_BASE	10	/* seconds, at the first failure past free */
#define WAIT_MAX	900	/* seconds */
#define ACCT_FREE	10	/* failures of an account before any delay */
#define DELAY_BASE	250	/* ms, at ACCT_FREE failures */
#define DELAY_STEP	5	/* failures more that double the delay */
#define DELAY_MAX	4000	/* ms */
#define FADE		3600	/* seconds of quiet that start a count again */

/* One key's count of failures, as read before the password is checked. */
struct count {
	const char	*key;
	int64_t		 failures;	/* 0 once faded */
	int64_t		 last;		/* the last failure, Unix seconds */
	int		 faded;		/* a row to clear before counting on */
};

/* The three counts of one login (see above). */
struct counts {
	struct count	 pair, ip, acct;
};

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

/* Reads key's count into *c; returns 0, or -1 if the database failed. */
static int
count_get(struct req *r, const char *key, struct count *c)
{
	c->key = key;
	if (store_throttle_get(r->conn, key, &c->failures,
	    &c->last) != STORE_OK)
		return -1;
	c->faded = c->failures > 0 && r->now - c->last >= FADE;
	if (c->faded)
		c->failures = 0;
	return 0;
}

/* Counts one more failure for c; returns 0, or -1. */
static int
count_fail(struct req *r, const struct count *c)
{
	/* Faded: start again at one, not on top of the old count. */
	if (c->faded && store_throttle_clear(r->conn, c->key) !=
	    STORE_OK)
		return -1;
	return store_throttle_fail(r->conn, c->key, r->now) ==
	    STORE_OK ? 0 : -1;
}

/* The seconds a try must still wait after allowed failures; 0: none. */
static int64_t
count_wait(const struct req *r, const struct count *c, int64_t allowed)
{
	int64_t	 n = c->failures - allowed, wait;

	if (n < 0)
		return 0;
	wait = n >= 7 ? WAIT_MAX : WAIT_BASE << n;
	if (wait > WAIT_MAX)
		wait = WAIT_MAX;
	return c->last + wait > r->now ? c->last + wait - r->now : 0;
}

/* The milliseconds every try on an account is held back, from c. */
static int
count_delay(const struct count *c)
{
	int64_t	 n = c->failures - ACCT_FREE;

	if (n < 0)
		return 0;
	return n / DELAY_STEP >= 4 ? DELAY_MAX :
	    DELAY_BASE << (n / DELAY_STEP);
}

/*
 * Reads the counts of a login to the account email (lower case) from r's
 * address; returns 0, or -1 if the database failed.
 */
static int
counts_get(struct req *r, const char *email, struct counts *t)
{
	const char	*ip;
	char		 addr[64];

	slots_key(r->ip != NULL ? r->ip : "", addr, sizeof(addr));
	ip = site_ip_hash(r->site, &r->arena, addr);
	/* ip is 64 hex digits: ip + email is one pair's, and only its. */
	if (count_get(r, arena_printf(&r->arena, "pair:%s", keyed(r, "pair",
	    arena_printf(&r->arena, "%s%s", ip, email))), &t->pair) != 0 ||
	    count_get(r, arena_printf(&r->arena, "ip:%s", ip), &t->ip) != 0 ||
	    count_get(r, arena_printf(&r->arena, "acct:%s", keyed(r, "acct",
	    email)), &t->acct) != 0)
		return -1;
	return 0;
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
	rc = store_session_add(r->conn, keyed(r, "session", token),
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
	struct counts	 t;
	char		*low, *p;
	int64_t		 w;
	int		 rc, ok;

	*wait = 0;
	/* Bounded before anything is stored; the key is a keyed hash. */
	if (strlen(email) > 254 || strlen(password) > 1000)
		return AUTH_WRONG;
	low = arena_strdup(&r->arena, email);
	for (p = low; *p != '\0'; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	if (counts_get(r, low, &t) != 0)
		return AUTH_DOWN;
	*wait = count_wait(r, &t.pair, PAIR_FREE);
	if ((w = count_wait(r, &t.ip, IP_FREE)) > *wait)
		*wait = w;
	if (*wait > 0)
		return AUTH_THROTTLED;
	/* Right or wrong alike, so the delay tells nothing. */
	r->delay_ms = count_delay(&t.acct);
	rc = store_user_by_email(r->conn, &r->arena, email, &u);
	if (rc != STORE_OK && rc != STORE_NOTFOUND)
		return AUTH_DOWN;
	/* The same work whether or not the account exists. */
	ok = auth_verify(rc == STORE_OK ? u.pass_hash : "", password);
	if (!ok) {
		if (count_fail(r, &t.pair) != 0 || count_fail(r, &t.ip) != 0 ||
		    count_fail(r, &t.acct) != 0)
			return AUTH_DOWN;
		return AUTH_WRONG;
	}
	if (store_throttle_clear(r->conn, t.pair.key) != STORE_OK ||
	    start(r, u.id) != STORE_OK)
		return AUTH_DOWN;
	return AUTH_OK;
}

/*
 * Reads the session of r's cookie into *out and its key into *h, writing
 * nothing.  Returns 1 if it is fresh, 0 if there is none, -1 if it has
 * outlived its idle or total time.
 */
static int
lookup(struct req *r, struct session *out, const char **h)
{
	if (r->session_cookie == NULL || *r->session_cookie == '\0' ||
	    strlen(r->session_cookie) > 64)
		return 0;
	*h = keyed(r, "session", r->session_cookie);
	if (store_session_get(r->conn, &r->arena, *h, out) != STORE_OK)
		return 0;
	if (r->now - out->seen > AUTH_IDLE_SECONDS ||
	    r->now - out->created > AUTH_MAX_SECONDS)
		return -1;
	return 1;
}

int
auth_session(struct req *r, struct session *out)
{
	const char	*h;
	int		 rc = lookup(r, out, &h);

	if (rc == -1)
		store_session_end(r->conn, h);
	if (rc != 1)
		return 0;
	/* Written at most once a minute: a page view is not a write. */
	if (r->now - out->seen >= 60)
		store_session_touch(r->conn, h, r->now);
	return 1;
}

int
auth_session_live(struct req *r)
{
	struct session	 se;
	const char	*h;

	return lookup(r, &se, &h) == 1;
}

void
auth_logout(struct req *r)
{
	if (r->session_cookie != NULL && *r->session_cookie != '\0')
		store_session_end(r->conn, keyed(r, "session",
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
	if ((rc = store_user_set(r->conn, user_id, NULL, hash)) !=
	    STORE_OK)
		return rc;
	return store_sessions_end_user(r->conn, user_id,
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
