/*
 * sign: see sign.h.  The MAC of s for a use is BLAKE2b, keyed with the
 * site secret and of the use's length (16 or 32 bytes), over the use's
 * label followed by s.  BLAKE2b of one length is unrelated to BLAKE2b of
 * another (the length is hashed in), so only uses of one length could
 * meet, and among those no label begins another (tests/test_sign.c
 * checks it): a message belongs to one use only.
 *
 * These are the hashes Galley made before this module, byte for byte,
 * so the names stored in the database (addresses, sessions, throttling,
 * the privacy log, avatars) and the cookies readers hold still match.
 * Two uses had no label then, and keep none: SIGN_IP and SIGN_AVATAR.
 * Their s gets a NUL in front, which no label begins with, in the one
 * case that it begins with a label of their length; no address or
 * valid email does, so none of their hashes changed.
 *
 * Tokens are decimal numbers and a MAC joined by '.'.  Numbers are read
 * strictly (digits only, no sign or leading zero, at most 18 of them),
 * so the text that is checked is the text that was signed.
 */
#include <stdio.h>
#include <string.h>
#include <sodium.h>

#include "arena.h"
#include "sign.h"
#include "site.h"

#define MAC_MAX		32	/* bytes of the longest MAC */
#define NUMBER_MAX	18	/* digits: below INT64_MAX */
#define VOTER_ID	32	/* hex digits of a voter's id */
#define PAIR_MAX	48	/* "A:B" of two numbers, and its NUL */

static const struct use {
	const char	*label;
	size_t		 len;		/* bytes of the MAC */
} uses[SIGN__MAX] = {
	[SIGN_IP] = { "", 32 },
	[SIGN_SESSION] = { "session", 32 },
	[SIGN_PAIR] = { "pair", 32 },
	[SIGN_ACCT] = { "acct", 32 },
	[SIGN_SUBJECT] = { "subject", 32 },
	[SIGN_AVATAR] = { "", 16 },
	[SIGN_CSRF] = { "csrf", 32 },
	[SIGN_HELD] = { "held:", 16 },
	[SIGN_STAMP] = { "stamp:", 16 },
	[SIGN_VOTER] = { "voter:", 16 },
	[SIGN_RESET] = { "reset", 32 },
	[SIGN_MAIL] = { "mail:", 16 },
};

/* Returns 1 if s begins with the label of a use of len bytes. */
static int
labelled(size_t len, const char *s)
{
	size_t	 i, n;

	for (i = 0; i < SIGN__MAX; i++) {
		n = strlen(uses[i].label);
		if (uses[i].len == len && n > 0 &&
		    strncmp(s, uses[i].label, n) == 0)
			return 1;
	}
	return 0;
}

/* The MAC of s for use, as hex, into hex (2 * MAC_MAX + 1 bytes). */
static void
mac_hex(const struct site *site, enum sign_use use, const char *s,
    char *hex)
{
	const struct use		*u = &uses[use];
	crypto_generichash_state	 st;
	unsigned char			 h[MAC_MAX];

	if (s == NULL)
		s = "";
	crypto_generichash_init(&st, site->secret, sizeof(site->secret),
	    u->len);
	if (*u->label == '\0' && labelled(u->len, s))
		crypto_generichash_update(&st, (const unsigned char *)"", 1);
	crypto_generichash_update(&st, (const unsigned char *)u->label,
	    strlen(u->label));
	crypto_generichash_update(&st, (const unsigned char *)s, strlen(s));
	crypto_generichash_final(&st, h, u->len);
	sodium_bin2hex(hex, 2 * MAC_MAX + 1, h, u->len);
}

const char *
sign_hex(const struct site *site, struct arena *a, enum sign_use use,
    const char *s)
{
	char	 hex[2 * MAC_MAX + 1];

	mac_hex(site, use, s, hex);
	return arena_strdup(a, hex);
}

/* Returns 1 if mac is want, a MAC for use as hex; in constant time. */
static int
same(enum sign_use use, const char *want, const char *mac)
{
	size_t	 n = 2 * uses[use].len;

	return mac != NULL && strnlen(mac, n + 1) == n &&
	    sodium_memcmp(want, mac, n) == 0;
}

int
sign_ok(const struct site *site, enum sign_use use, const char *s,
    const char *mac)
{
	char	 want[2 * MAC_MAX + 1];

	mac_hex(site, use, s, want);
	return same(use, want, mac);
}

/*
 * Reads n numbers, each followed by '.', from s into v.  Returns what
 * follows the last '.', or NULL if s is NULL or not so.
 */
static const char *
numbers(const char *s, int64_t *v, int n)
{
	size_t	 k, i;

	for (; s != NULL && n > 0; n--, v++, s += k + 1) {
		k = strspn(s, "0123456789");
		if (k == 0 || k > NUMBER_MAX || (s[0] == '0' && k > 1) ||
		    s[k] != '.')
			return NULL;
		for (*v = 0, i = 0; i < k; i++)
			*v = *v * 10 + (s[i] - '0');
	}
	return s;
}

/* The MAC of "A:B" for use into hex (2 * MAC_MAX + 1); returns hex. */
static const char *
pair_hex(const struct site *site, enum sign_use use, int64_t a, int64_t b,
    char *hex)
{
	char	 msg[PAIR_MAX];

	snprintf(msg, sizeof(msg), "%lld:%lld", (long long)a, (long long)b);
	mac_hex(site, use, msg, hex);
	return hex;
}

const char *
sign_held(const struct site *site, struct arena *a, int64_t id,
    int64_t expires)
{
	char	 hex[2 * MAC_MAX + 1];

	return arena_printf(a, "%lld.%lld.%s", (long long)id,
	    (long long)expires, pair_hex(site, SIGN_HELD, id, expires, hex));
}

int64_t
sign_held_check(const struct site *site, const char *token, int64_t now,
    int64_t life)
{
	const char	*mac;
	char		 hex[2 * MAC_MAX + 1];
	int64_t		 v[2];

	if ((mac = numbers(token, v, 2)) == NULL || v[0] <= 0 ||
	    v[1] < now || v[1] > now + life)
		return 0;
	return same(SIGN_HELD, pair_hex(site, SIGN_HELD, v[0], v[1], hex),
	    mac) ? v[0] : 0;
}

const char *
sign_stamp(const struct site *site, struct arena *a, int64_t post,
    int64_t when)
{
	char	 hex[2 * MAC_MAX + 1];

	return arena_printf(a, "%lld.%s", (long long)when,
	    pair_hex(site, SIGN_STAMP, post, when, hex));
}

int64_t
sign_stamp_check(const struct site *site, int64_t post, const char *stamp,
    int64_t latest)
{
	const char	*mac;
	char		 hex[2 * MAC_MAX + 1];
	int64_t		 when;

	if ((mac = numbers(stamp, &when, 1)) == NULL || when <= 0 ||
	    when > latest)
		return -1;
	return same(SIGN_STAMP, pair_hex(site, SIGN_STAMP, post, when, hex),
	    mac) ? when : -1;
}

const char *
sign_voter_new(const struct site *site, struct arena *a, const char **id)
{
	unsigned char	 rnd[VOTER_ID / 2];
	char		 hex[VOTER_ID + 1], mac[2 * MAC_MAX + 1];

	randombytes_buf(rnd, sizeof(rnd));
	sodium_bin2hex(hex, sizeof(hex), rnd, sizeof(rnd));
	mac_hex(site, SIGN_VOTER, hex, mac);
	*id = arena_strdup(a, hex);
	return arena_printf(a, "%s.%s", hex, mac);
}

const char *
sign_secret_new(struct arena *a)
{
	unsigned char	 raw[32];
	char		 token[SIGN_SECRET_LEN + 1];

	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(token, sizeof(token), raw, sizeof(raw),
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof(raw));
	return arena_strdup(a, token);
}

const char *
sign_voter_id(const struct site *site, struct arena *a, const char *cookie)
{
	char	 id[VOTER_ID + 1];

	/* The id is hex, as sign_voter_new makes it: nothing else is. */
	if (cookie == NULL ||
	    strspn(cookie, "0123456789abcdef") != VOTER_ID ||
	    cookie[VOTER_ID] != '.')
		return NULL;
	memcpy(id, cookie, VOTER_ID);
	id[VOTER_ID] = '\0';
	if (!sign_ok(site, SIGN_VOTER, id, cookie + VOTER_ID + 1))
		return NULL;
	return arena_strdup(a, id);
}

/* The MAC of "WHAT:ID:BIND" for mail links into hex; returns hex. */
static const char *
mail_hex(const struct site *site, const char *what, int64_t id,
    const char *bind, char *hex)
{
	crypto_generichash_state	 st;
	unsigned char			 h[MAC_MAX];
	char				 num[24];

	/* As mac_hex, but over three parts, none copied or cut. */
	snprintf(num, sizeof(num), ":%lld:", (long long)id);
	crypto_generichash_init(&st, site->secret, sizeof(site->secret),
	    uses[SIGN_MAIL].len);
	crypto_generichash_update(&st, (const unsigned char *)"mail:", 5);
	crypto_generichash_update(&st, (const unsigned char *)what,
	    strlen(what));
	crypto_generichash_update(&st, (const unsigned char *)num,
	    strlen(num));
	crypto_generichash_update(&st, (const unsigned char *)(bind != NULL ?
	    bind : ""), bind != NULL ? strlen(bind) : 0);
	crypto_generichash_final(&st, h, uses[SIGN_MAIL].len);
	sodium_bin2hex(hex, 2 * MAC_MAX + 1, h, uses[SIGN_MAIL].len);
	return hex;
}

const char *
sign_mail(const struct site *site, struct arena *a, const char *what,
    int64_t id, const char *bind)
{
	char	 hex[2 * MAC_MAX + 1];

	return arena_printf(a, "%lld.%s", (long long)id,
	    mail_hex(site, what, id, bind, hex));
}

int64_t
sign_mail_id(const char *token)
{
	int64_t	 id;

	return numbers(token, &id, 1) != NULL && id > 0 ? id : 0;
}

int
sign_mail_ok(const struct site *site, const char *what, const char *token,
    const char *bind)
{
	const char	*mac;
	char		 hex[2 * MAC_MAX + 1];
	int64_t		 id;

	if ((mac = numbers(token, &id, 1)) == NULL || id <= 0)
		return 0;
	return same(SIGN_MAIL, mail_hex(site, what, id, bind, hex), mac);
}
