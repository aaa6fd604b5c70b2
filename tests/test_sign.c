/*
 * test_sign: the keyed MAC and the signed tokens.  The MACs are the very
 * hashes Galley made before sign.c (known answers, computed with the old
 * code for a fixed secret), so stored names and issued cookies still
 * match; each use's label is pinned and the labels of one length are
 * prefix-free; every token survives a round trip and refuses a flipped
 * byte, a MAC made for another use, a wrong time, and malformed or
 * overlong text.
 */
#include <stdio.h>
#include <string.h>
#include <sodium.h>

#include "arena.h"
#include "check.h"
#include "sign.h"
#include "site.h"

#define NOW	1700000000
#define LIFE	600

static struct site	 site, other;
static struct arena	 a;

/* Each use's label and length, as sign.c must have them. */
static const struct {
	enum sign_use	 use;
	const char	*label;
	size_t		 len;
} labels[] = {
	{ SIGN_IP, "", 32 }, { SIGN_SESSION, "session", 32 },
	{ SIGN_PAIR, "pair", 32 }, { SIGN_ACCT, "acct", 32 },
	{ SIGN_SUBJECT, "subject", 32 }, { SIGN_CSRF, "csrf", 32 },
	{ SIGN_AVATAR, "", 16 }, { SIGN_HELD, "held:", 16 },
	{ SIGN_STAMP, "stamp:", 16 }, { SIGN_VOTER, "voter:", 16 },
	{ SIGN_RESET, "reset", 32 }, { SIGN_MAIL, "mail:", 16 },
};
#define NLABELS	(sizeof(labels) / sizeof(labels[0]))

/* Known answers of the code before sign.c, secret 0, 1, ..., 31. */
static void
test_known(void)
{
	const char	*voter = "0123456789abcdef0123456789abcdef."
	    "be8da49d0fb4700d6c6292c1add2f941";

	CHECK_STR(sign_hex(&site, &a, SIGN_IP, "192.0.2.1"),
	    "2a37f7f828b2f14b72ec4278cb23eff41a4b4ce0053d9db227f02f7476458d51");
	CHECK_STR(sign_hex(&site, &a, SIGN_SESSION, "tok"),
	    "7ada1566f082637e8275870a065f21723185927032fa964f9c52026467da5bc3");
	CHECK_STR(sign_hex(&site, &a, SIGN_CSRF, sign_hex(&site, &a,
	    SIGN_SESSION, "tok")),
	    "03c094b093c4462767b743b9f46070b9d1882fdca04cfdc38baf0ae63d51682e");
	CHECK_STR(sign_hex(&site, &a, SIGN_PAIR, "ab"),
	    "890ce1233bedee8fdb06f3a0f1391f92c1e11f750f2e2ff905f05caa4a17cb6a");
	CHECK_STR(sign_hex(&site, &a, SIGN_ACCT, "a@b.c"),
	    "c8e05fa0ef183e4cf0bb687488d5f1a8245fe735fc50b75f861d8104bdd85488");
	CHECK_STR(sign_hex(&site, &a, SIGN_SUBJECT, "a@b.c"),
	    "f16c3813c72cbb7b99eb4741cab700b2347ee8ccee9199b0b5b283fee5f86ed4");
	CHECK_STR(sign_hex(&site, &a, SIGN_AVATAR, "a@b.c"),
	    "869aa52cb690874ab5fa4644e74592a9");
	CHECK_STR(sign_held(&site, &a, 42, NOW + LIFE),
	    "42.1700000600.104e7449b12f280fbd7990de515c2779");
	CHECK_STR(sign_stamp(&site, &a, 7, NOW),
	    "1700000000.f6a6669bf8fa6eaac768cf3b27505b00");
	CHECK_STR(sign_voter_id(&site, &a, voter),
	    "0123456789abcdef0123456789abcdef");
	CHECK_STR(sign_hex(&site, &a, SIGN_IP, NULL),
	    sign_hex(&site, &a, SIGN_IP, ""));
}

/* BLAKE2b of len bytes keyed with site's secret over label and s. */
static const char *
plain(const char *label, size_t len, const char *s)
{
	unsigned char	 h[32];
	char		 hex[65], msg[256];

	snprintf(msg, sizeof(msg), "%s%s", label, s);
	crypto_generichash(h, len, (const unsigned char *)msg, strlen(msg),
	    site.secret, sizeof(site.secret));
	sodium_bin2hex(hex, sizeof(hex), h, len);
	return arena_strdup(&a, hex);
}

/*
 * Each use has the label listed (so the list is sign.c's); labels of one
 * length are prefix-free and at most one is empty.
 */
static void
test_labels(void)
{
	size_t	 i, j, n;
	char	 what[100];

	for (i = 0; i < NLABELS; i++) {
		snprintf(what, sizeof(what), "use %d has label \"%s\"",
		    (int)labels[i].use, labels[i].label);
		CHECK_MSG(strcmp(sign_hex(&site, &a, labels[i].use, "x"),
		    plain(labels[i].label, labels[i].len, "x")) == 0, what);
		for (j = 0; j < NLABELS; j++) {
			n = strlen(labels[i].label);
			if (i == j || labels[i].len != labels[j].len)
				continue;
			snprintf(what, sizeof(what), "\"%s\" begins \"%s\"",
			    labels[i].label, labels[j].label);
			CHECK_MSG(strncmp(labels[i].label, labels[j].label,
			    n) != 0 || (n == 0 && *labels[j].label != '\0'),
			    what);
		}
	}
	CHECK(SIGN__MAX == NLABELS);
}

/* An unlabelled use's text that looks like another use's message. */
static void
test_unlabelled(void)
{
	char	 cookie[80];

	CHECK(strcmp(sign_hex(&site, &a, SIGN_IP, "sessiontok"),
	    sign_hex(&site, &a, SIGN_SESSION, "tok")) != 0);
	CHECK(strcmp(sign_hex(&site, &a, SIGN_IP, "csrfabc"),
	    sign_hex(&site, &a, SIGN_CSRF, "abc")) != 0);
	/* An "email" voter:ID would have made a voter cookie for ID. */
	snprintf(cookie, sizeof(cookie), "%s.%s",
	    "0123456789abcdef0123456789abcdef", sign_hex(&site, &a,
	    SIGN_AVATAR, "voter:0123456789abcdef0123456789abcdef"));
	CHECK(sign_voter_id(&site, &a, cookie) == NULL);
	CHECK(sign_held_check(&site, arena_printf(&a, "1.%d.%s", NOW,
	    sign_hex(&site, &a, SIGN_AVATAR, arena_printf(&a, "held:1:%d",
	    NOW))), NOW, LIFE) == 0);
	/* Addresses and emails as Galley takes them are not escaped. */
	CHECK_STR(sign_hex(&site, &a, SIGN_IP, "2001:db8::1"),
	    plain("", 32, "2001:db8::1"));
	CHECK_STR(sign_hex(&site, &a, SIGN_AVATAR, "paired@example.org"),
	    plain("", 16, "paired@example.org"));
}

/* Every byte of token changed in turn: check must refuse each. */
static int
flips(const char *token, int (*check)(const char *))
{
	char	 t[200];
	size_t	 i, n = strlen(token);
	int	 refused = 0;

	for (i = 0; i < n; i++) {
		memcpy(t, token, n + 1);
		t[i] = t[i] == '1' ? '2' : '1';
		refused += !check(t);
	}
	return refused == (int)n;
}

static int
held_ok(const char *t)
{
	return sign_held_check(&site, t, NOW, LIFE) != 0;
}

static int
stamp_ok(const char *t)
{
	return sign_stamp_check(&site, 7, t, NOW) != -1;
}

static int
voter_ok(const char *t)
{
	return sign_voter_id(&site, &a, t) != NULL;
}

static void
test_held(void)
{
	const char	*t = sign_held(&site, &a, 42, NOW + LIFE);
	const char	*mac = strrchr(t, '.') + 1;

	CHECK(sign_held_check(&site, t, NOW, LIFE) == 42);
	CHECK(sign_held_check(&site, t, NOW + LIFE, LIFE) == 42);
	CHECK(sign_held_check(&site, t, NOW + LIFE + 1, LIFE) == 0);
	CHECK(sign_held_check(&site, t, NOW - 1, LIFE) == 0); /* too far */
	CHECK(sign_held_check(&other, t, NOW, LIFE) == 0);
	CHECK(flips(t, held_ok));
	/* The same "42:EXPIRY" signed for a stamp is no held token. */
	CHECK(sign_held_check(&site, arena_printf(&a, "42.%d.%s", NOW + LIFE,
	    sign_hex(&site, &a, SIGN_STAMP, arena_printf(&a, "42:%d",
	    NOW + LIFE))), NOW, LIFE) == 0);
	CHECK(sign_held_check(&site, arena_printf(&a, "42.%d.%s", NOW + LIFE,
	    mac), NOW, LIFE) == 42);
	CHECK(sign_held_check(&site, arena_printf(&a, "042.%d.%s",
	    NOW + LIFE, mac), NOW, LIFE) == 0);
	CHECK(sign_held_check(&site, arena_printf(&a, "+42.%d.%s",
	    NOW + LIFE, mac), NOW, LIFE) == 0);
	CHECK(sign_held_check(&site, arena_printf(&a, " 42.%d.%s",
	    NOW + LIFE, mac), NOW, LIFE) == 0);
	CHECK(sign_held_check(&site, arena_printf(&a, "42.%d.%sa",
	    NOW + LIFE, mac), NOW, LIFE) == 0);
	CHECK(sign_held_check(&site, arena_printf(&a, "42.%d.%.31s",
	    NOW + LIFE, mac), NOW, LIFE) == 0);
	CHECK(sign_held_check(&site, arena_printf(&a, "0.%d.%s",
	    NOW + LIFE, sign_hex(&site, &a, SIGN_HELD, arena_printf(&a,
	    "0:%d", NOW + LIFE))), NOW, LIFE) == 0);
	CHECK(sign_held_check(&site, NULL, NOW, LIFE) == 0);
	CHECK(sign_held_check(&site, "", NOW, LIFE) == 0);
	CHECK(sign_held_check(&site, "42", NOW, LIFE) == 0);
	CHECK(sign_held_check(&site, "42.", NOW, LIFE) == 0);
	CHECK(sign_held_check(&site, "42.1700000600.", NOW, LIFE) == 0);
	CHECK(sign_held_check(&site, "42..", NOW, LIFE) == 0);
	CHECK(sign_held_check(&site, "99999999999999999999.1700000600."
	    "104e7449b12f280fbd7990de515c2779", NOW, LIFE) == 0);
}

static void
test_stamp(void)
{
	const char	*s = sign_stamp(&site, &a, 7, NOW);

	CHECK(sign_stamp_check(&site, 7, s, NOW) == NOW);
	CHECK(sign_stamp_check(&site, 7, s, NOW + 1000) == NOW);
	CHECK(sign_stamp_check(&site, 7, s, NOW - 1) == -1);	/* future */
	CHECK(sign_stamp_check(&site, 8, s, NOW) == -1);	/* other post */
	CHECK(sign_stamp_check(&other, 7, s, NOW) == -1);
	CHECK(flips(s, stamp_ok));
	CHECK(sign_stamp_check(&site, 7, arena_printf(&a, "%d.%s", NOW,
	    sign_hex(&site, &a, SIGN_HELD, arena_printf(&a, "7:%d", NOW))),
	    NOW) == -1);
	CHECK(sign_stamp_check(&site, 7, NULL, NOW) == -1);
	CHECK(sign_stamp_check(&site, 7, "", NOW) == -1);
	CHECK(sign_stamp_check(&site, 7, "1700000000", NOW) == -1);
	CHECK(sign_stamp_check(&site, 7, "1700000000.", NOW) == -1);
	CHECK(sign_stamp_check(&site, 7, "-1.f6a6669bf8fa6eaac768cf3b27505b00",
	    NOW) == -1);
	CHECK(sign_stamp_check(&site, 7, "0.f6a6669bf8fa6eaac768cf3b27505b00",
	    NOW) == -1);
	CHECK(sign_stamp_check(&site, 7, "1700000000.F6A6669BF8FA6EAAC768CF"
	    "3B27505B00", NOW) == -1);
}

static void
test_voter(void)
{
	const char	*id, *cookie = sign_voter_new(&site, &a, &id);
	const char	*id2, *cookie2 = sign_voter_new(&site, &a, &id2);
	char		 t[200];

	CHECK(strlen(id) == 32 && strlen(cookie) == 65);
	CHECK(strncmp(cookie, id, 32) == 0 && cookie[32] == '.');
	CHECK_STR(sign_voter_id(&site, &a, cookie), id);
	CHECK(strcmp(id, id2) != 0 && strcmp(cookie, cookie2) != 0);
	CHECK(sign_voter_id(&other, &a, cookie) == NULL);
	CHECK(flips(cookie, voter_ok));
	/* Another voter's MAC, another use's MAC. */
	snprintf(t, sizeof(t), "%.32s.%s", id, cookie2 + 33);
	CHECK(sign_voter_id(&site, &a, t) == NULL);
	snprintf(t, sizeof(t), "%s.%s", id, sign_hex(&site, &a, SIGN_HELD,
	    id));
	CHECK(sign_voter_id(&site, &a, t) == NULL);
	snprintf(t, sizeof(t), "%sa", cookie);
	CHECK(sign_voter_id(&site, &a, t) == NULL);
	snprintf(t, sizeof(t), "%.64s", cookie);
	CHECK(sign_voter_id(&site, &a, t) == NULL);
	snprintf(t, sizeof(t), "a%s", cookie);
	CHECK(sign_voter_id(&site, &a, t) == NULL);
	CHECK(sign_voter_id(&site, &a, NULL) == NULL);
	CHECK(sign_voter_id(&site, &a, "") == NULL);
	CHECK(sign_voter_id(&site, &a, ".") == NULL);
	/* An id that is not lower-case hex, even with its MAC. */
	id = "0123456789ABCDEF0123456789ABCDEF";
	snprintf(t, sizeof(t), "%s.%s", id, sign_hex(&site, &a, SIGN_VOTER,
	    id));
	CHECK(sign_voter_id(&site, &a, t) == NULL);
}

static void
test_ok(void)
{
	const char	*k = sign_hex(&site, &a, SIGN_SESSION, "tok");
	const char	*csrf = sign_hex(&site, &a, SIGN_CSRF, k);
	char		 t[200], big[10000];

	CHECK(sign_ok(&site, SIGN_CSRF, k, csrf));
	CHECK(!sign_ok(&other, SIGN_CSRF, k, csrf));
	CHECK(!sign_ok(&site, SIGN_SESSION, k, csrf));
	CHECK(!sign_ok(&site, SIGN_CSRF, "tok", csrf));
	CHECK(!sign_ok(&site, SIGN_CSRF, k, NULL));
	CHECK(!sign_ok(&site, SIGN_CSRF, k, ""));
	snprintf(t, sizeof(t), "%.63s", csrf);
	CHECK(!sign_ok(&site, SIGN_CSRF, k, t));
	snprintf(t, sizeof(t), "%s0", csrf);
	CHECK(!sign_ok(&site, SIGN_CSRF, k, t));
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	CHECK(!sign_ok(&site, SIGN_CSRF, k, big));
	CHECK(sign_held_check(&site, big, NOW, LIFE) == 0);
	CHECK(sign_stamp_check(&site, 7, big, NOW) == -1);
	CHECK(sign_voter_id(&site, &a, big) == NULL);
	memset(big, '1', sizeof(big) - 1);
	CHECK(sign_held_check(&site, big, NOW, LIFE) == 0);
	CHECK(sign_stamp_check(&site, 7, big, NOW) == -1);
}

/* Mail links: bound to what they do, their item and the address. */
static void
test_mail(void)
{
	const char	*t = sign_mail(&site, &a, "unsub", 42, "a@b.example");
	char		 bad[80];

	CHECK(sign_mail_id(t) == 42);
	CHECK(strlen(t) == 3 + 32);
	CHECK(sign_mail_ok(&site, "unsub", t, "a@b.example"));
	CHECK(!sign_mail_ok(&other, "unsub", t, "a@b.example"));
	CHECK(!sign_mail_ok(&site, "stop", t, "a@b.example"));
	CHECK(!sign_mail_ok(&site, "unsub", t, "c@b.example"));
	CHECK(!sign_mail_ok(&site, "unsub", t, NULL));
	snprintf(bad, sizeof(bad), "43%s", t + 2);
	CHECK(sign_mail_id(bad) == 43);
	CHECK(!sign_mail_ok(&site, "unsub", bad, "a@b.example"));
	snprintf(bad, sizeof(bad), "042%s", t + 2);
	CHECK(sign_mail_id(bad) == 0);
	CHECK(!sign_mail_ok(&site, "unsub", bad, "a@b.example"));
	CHECK(sign_mail_id(NULL) == 0 && sign_mail_id("") == 0 &&
	    sign_mail_id("0.ab") == 0 && sign_mail_id("12") == 0);
	CHECK(!sign_mail_ok(&site, "unsub", NULL, "a@b.example"));
	snprintf(bad, sizeof(bad), "%.*s", (int)strlen(t) - 1, t);
	CHECK(!sign_mail_ok(&site, "unsub", bad, "a@b.example"));
	/* ":" in the bound text cannot move a boundary: "1:x" vs "1" "x". */
	CHECK(!sign_mail_ok(&site, "unsub", sign_mail(&site, &a, "unsub",
	    42, ""), ":a@b.example"));
}

int
main(void)
{
	int	 i;

	if (sodium_init() < 0)
		return 1;
	for (i = 0; i < SITE_SECRET_LEN; i++) {
		site.secret[i] = (unsigned char)i;
		other.secret[i] = (unsigned char)(i + 1);
	}
	arena_init(&a);
	test_known();
	test_labels();
	test_unlabelled();
	test_held();
	test_stamp();
	test_voter();
	test_ok();
	test_mail();
	arena_free(&a);
	return check_done();
}
