/*
 * auth: see auth.h.  The token in the cookie is 32 random bytes as
 * URL-safe base64; the database keys the session by the token's keyed
 * MAC (sign.c), so a copy of the database opens no session.  The CSRF
 * token is the MAC of that key for another use: bound to the session,
 * gone with it, and never stored.
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
 *
 * Asking for a password link is counted under two more keys, link-acct
 * (the email, whether or not an account has it, so that the count tells
 * nothing) and link-ip: at most LINK_ACCT_MAX links an hour to one
 * account, LINK_IP_MAX asked from one address; past that every request
 * waits for the hour since the last one counted.  A stranger can use up
 * an account's links, but each went to its owner, whose inbox then
 * holds links that work.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sodium.h>

#include "arena.h"
#include "auth.h"
#include "env.h"
#include "i18n.h"
#include "sign.h"
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
#define LINK_ACCT_MAX	3	/* password links an account is sent an hour */
#define LINK_IP_MAX	10	/* ... an address may ask for, any accounts */

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
		return N_("The password has characters that are not valid"
		    " text.");
	for (i = 0; i < len; i++)
		if (((unsigned char)password[i] & 0xc0) != 0x80)
			n++;
	if (n < AUTH_PASSWORD_MIN)
		return N_("A password needs at least 10 characters.");
	if (len > 1000)
		return N_("A password can be at most 1,000 bytes.");
	return NULL;
}

/* The keyed MAC of s for use (sign_hex), in e's arena. */
static const char *
keyed(const struct env *e, enum sign_use use, const char *s)
{
	return sign_hex(e->site, e->arena, use, s);
}

/* Reads key's count into *c; returns 0, or -1 if the database failed. */
static int
count_get(const struct env *e, const char *key, struct count *c)
{
	c->key = key;
	if (store_throttle_get(e->conn, key, &c->failures,
	    &c->last) != STORE_OK)
		return -1;
	c->faded = c->failures > 0 && e->now - c->last >= FADE;
	if (c->faded)
		c->failures = 0;
	return 0;
}

/* Counts one more failure for c; returns 0, or -1. */
static int
count_fail(const struct env *e, const struct count *c)
{
	/* Faded: start again at one, not on top of the old count. */
	if (c->faded && store_throttle_clear(e->conn, c->key) !=
	    STORE_OK)
		return -1;
	return store_throttle_fail(e->conn, c->key, e->now) ==
	    STORE_OK ? 0 : -1;
}

/* The seconds a try must still wait after allowed failures; 0: none. */
static int64_t
count_wait(const struct env *e, const struct count *c, int64_t allowed)
{
	int64_t	 n = c->failures - allowed, wait;

	if (n < 0)
		return 0;
	wait = n >= 7 ? WAIT_MAX : WAIT_BASE << n;
	if (wait > WAIT_MAX)
		wait = WAIT_MAX;
	return c->last + wait > e->now ? c->last + wait - e->now : 0;
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

/* The keyed hash of address from as throttling counts it (slots_key). */
static const char *
ip_key(const struct env *e, const char *from)
{
	char	 addr[64];

	slots_key(from != NULL ? from : "", addr, sizeof(addr));
	return keyed(e, SIGN_IP, addr);
}

/* A copy of email in lower case (ASCII: as the database compares). */
static char *
lower(const struct env *e, const char *email)
{
	char	*low = arena_strdup(e->arena, email), *p;

	for (p = low; *p != '\0'; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return low;
}

/*
 * Reads the counts of a login to the account email (lower case) from r's
 * address; returns 0, or -1 if the database failed.
 */
static int
counts_get(const struct env *e, const char *from, const char *email,
    struct counts *t)
{
	const char	*ip = ip_key(e, from);

	/* ip is 64 hex digits: ip + email is one pair's, and only its. */
	if (count_get(e, arena_printf(e->arena, "pair:%s", keyed(e, SIGN_PAIR,
	    arena_printf(e->arena, "%s%s", ip, email))), &t->pair) != 0 ||
	    count_get(e, arena_printf(e->arena, "ip:%s", ip), &t->ip) != 0 ||
	    count_get(e, arena_printf(e->arena, "acct:%s", keyed(e, SIGN_ACCT,
	    email)), &t->acct) != 0)
		return -1;
	return 0;
}

/* Starts a session for user_id; its new token into l->token. */
static int
start(const struct env *e, int64_t user_id, struct login *l)
{
	const char	*token = sign_secret_new(e->arena);
	int		 rc;

	rc = store_session_add(e->conn, keyed(e, SIGN_SESSION, token),
	    user_id, e->now);
	if (rc == STORE_OK)
		l->token = token;
	return rc;
}

enum auth_login
auth_login(const struct env *e, struct login *l)
{
	const char	*email = l->email, *password = l->password;
	int64_t		*wait = &l->wait;
	struct user	 u;
	struct counts	 t;
	int64_t		 w;
	int		 rc, ok;

	*wait = 0;
	l->delay_ms = 0;
	l->token = NULL;
	/* Bounded before anything is stored; the key is a keyed hash. */
	if (strlen(email) > 254 || strlen(password) > 1000)
		return AUTH_WRONG;
	if (counts_get(e, l->ip, lower(e, email), &t) != 0)
		return AUTH_DOWN;
	*wait = count_wait(e, &t.pair, PAIR_FREE);
	if ((w = count_wait(e, &t.ip, IP_FREE)) > *wait)
		*wait = w;
	if (*wait > 0)
		return AUTH_THROTTLED;
	/* Right or wrong alike, so the delay tells nothing. */
	l->delay_ms = count_delay(&t.acct);
	rc = store_user_by_email(e->conn, e->arena, email, &u);
	if (rc != STORE_OK && rc != STORE_NOTFOUND)
		return AUTH_DOWN;
	/* The same work whether or not the account exists. */
	ok = auth_verify(rc == STORE_OK ? u.pass_hash : "", password);
	if (!ok) {
		if (count_fail(e, &t.pair) != 0 || count_fail(e, &t.ip) != 0 ||
		    count_fail(e, &t.acct) != 0)
			return AUTH_DOWN;
		return AUTH_WRONG;
	}
	if (store_throttle_clear(e->conn, t.pair.key) != STORE_OK ||
	    start(e, u.id, l) != STORE_OK)
		return AUTH_DOWN;
	return AUTH_OK;
}

/* The seconds c must still wait once it has counted max; 0: none. */
static int64_t
count_full(const struct env *e, const struct count *c, int64_t max)
{
	return c->failures >= max ? c->last + FADE - e->now : 0;
}

int64_t
auth_link_throttle(const struct env *e, const char *ip, const char *email)
{
	struct count	 acct, addr;
	int64_t		 wait, w;

	if (count_get(e, arena_printf(e->arena, "link-acct:%s", keyed(e,
	    SIGN_ACCT, lower(e, email))), &acct) != 0 ||
	    count_get(e, arena_printf(e->arena, "link-ip:%s", ip_key(e, ip)),
	    &addr) != 0)
		return -1;
	wait = count_full(e, &acct, LINK_ACCT_MAX);
	if ((w = count_full(e, &addr, LINK_IP_MAX)) > wait)
		wait = w;
	if (wait > 0)
		return wait;
	if (count_fail(e, &acct) != 0 || count_fail(e, &addr) != 0)
		return -1;
	return 0;
}

/*
 * Reads the session of token into *out and its key into *h, writing
 * nothing.  Returns 1 if it is fresh, 0 if there is none, -1 if it has
 * outlived its idle or total time.
 */
static int
lookup(const struct env *e, const char *token, struct session *out,
    const char **h)
{
	if (token == NULL || *token == '\0' || strlen(token) > 64)
		return 0;
	*h = keyed(e, SIGN_SESSION, token);
	if (store_session_get(e->conn, e->arena, *h, out) != STORE_OK)
		return 0;
	if (e->now - out->seen > AUTH_IDLE_SECONDS ||
	    e->now - out->created > AUTH_MAX_SECONDS)
		return -1;
	return 1;
}

int
auth_session(const struct env *e, const char *token, struct session *out)
{
	const char	*h;
	int		 rc = lookup(e, token, out, &h);

	if (rc == -1)
		store_session_end(e->conn, h);
	if (rc != 1)
		return 0;
	/* Written at most once a minute: a page view is not a write. */
	if (e->now - out->seen >= 60)
		store_session_touch(e->conn, h, e->now);
	return 1;
}

int
auth_session_live(const struct env *e, const char *token)
{
	struct session	 se;
	const char	*h;

	return lookup(e, token, &se, &h) == 1;
}

void
auth_logout(const struct env *e, const char *token)
{
	if (token != NULL && *token != '\0')
		store_session_end(e->conn, keyed(e, SIGN_SESSION, token));
}

int
auth_set_password(const struct env *e, int64_t user_id, const char *password,
    const char *keep)
{
	char	 hash[crypto_pwhash_STRBYTES];
	int	 rc;

	if (auth_hash(password, hash, sizeof(hash)) != 0)
		return STORE_ERROR;
	/* A password link mailed before would set another over it. */
	if ((rc = store_user_set(e->conn, user_id, NULL, hash)) !=
	    STORE_OK || (rc = store_reset_forget(e->conn, user_id)) !=
	    STORE_OK)
		return rc;
	return store_sessions_end_user(e->conn, user_id,
	    keep != NULL ? keyed(e, SIGN_SESSION, keep) : "");
}

const char *
auth_csrf(const struct env *e, const char *token)
{
	if (token == NULL || *token == '\0')
		return "";
	return keyed(e, SIGN_CSRF, keyed(e, SIGN_SESSION, token));
}

int
auth_csrf_ok(const struct env *e, const char *token, const char *csrf)
{
	return token != NULL && *token != '\0' && sign_ok(e->site, SIGN_CSRF,
	    keyed(e, SIGN_SESSION, token), csrf);
}
