/*
 * sign: the one keyed MAC Galley makes with its site secret, and the
 * signed tokens built on it.  A MAC names something without giving it
 * back (an address, a session's token, an email) or vouches for a token
 * a client carries (a held comment, a form's time stamp, a voter cookie,
 * a form's CSRF token).  Each use has its own label, so a MAC made for
 * one use can never stand for another's.  Every check compares in
 * constant time and bounds its input before anything else.
 */
#ifndef GALLEY_SIGN_H
#define GALLEY_SIGN_H

#include <stdint.h>

struct arena;
struct site;

enum sign_use {
	/* Names (64 hex digits unless said): kept instead of the thing. */
	SIGN_IP,	/* an address: comments, votes, throttling */
	SIGN_SESSION,	/* a session's token: its key in the database */
	SIGN_PAIR,	/* an address's SIGN_IP and an account's email */
	SIGN_ACCT,	/* an account's email (lower case) */
	SIGN_SUBJECT,	/* the privacy log's email (lower case) */
	SIGN_AVATAR,	/* a commenter's email, normalised: 32 hex digits */
	SIGN_RESET,	/* an emailed password link's token */
	/* Tokens a client carries back: 32 hex digits unless said. */
	SIGN_CSRF,	/* a session's key: its forms' token (64) */
	SIGN_HELD,	/* "ID:EXPIRY" of a held comment */
	SIGN_STAMP,	/* "POST:TIME" of a comment form */
	SIGN_VOTER,	/* a voter's id */
	SIGN_MAIL,	/* "WHAT:ID:BIND" of a link in a mail (sign_mail) */
	SIGN__MAX
};

/*
 * Returns, in a, the MAC of s (NULL counts as "") for use as lower-case
 * hex: BLAKE2b keyed with the site secret over use's label and s.
 */
const char *sign_hex(const struct site *, struct arena *a, enum sign_use use,
	    const char *s);
/*
 * Returns 1 if mac is what sign_hex gives for use and s, else 0 (also
 * for a NULL mac or one of another length); in constant time.
 */
int	sign_ok(const struct site *, enum sign_use use, const char *s,
	    const char *mac);

/*
 * Returns, in a, the token of held comment id that is good until expires
 * (Unix seconds): "ID.EXPIRY.MAC".
 */
const char *sign_held(const struct site *, struct arena *a, int64_t id,
	    int64_t expires);
/*
 * Returns the comment id of a genuine held token whose expiry is from
 * now to now + life, or 0 (forged, malformed, expired, or too far
 * ahead).  token may be NULL.
 */
int64_t	sign_held_check(const struct site *, const char *token,
	    int64_t now, int64_t life);

/*
 * Returns, in a, the time stamp of post's comment form issued at when:
 * "WHEN.MAC", bound to post.
 */
const char *sign_stamp(const struct site *, struct arena *a, int64_t post,
	    int64_t when);
/*
 * Returns the time a genuine stamp for post was issued, or -1 if stamp
 * is NULL, malformed, forged, for another post, or later than latest.
 */
int64_t	sign_stamp_check(const struct site *, int64_t post,
	    const char *stamp, int64_t latest);

/*
 * Makes a new voter: 16 random bytes as 32 hex digits into *id, and
 * returns its cookie's value, "ID.MAC"; both in a.
 */
const char *sign_voter_new(const struct site *, struct arena *a,
	    const char **id);
/*
 * Returns, in a, a new secret a client holds: 256 random bits as URL-safe
 * base64 without padding, SIGN_SECRET_LEN characters (a session's
 * token, a password link's).  Keep only its sign_hex.
 */
#define SIGN_SECRET_LEN	43
const char *sign_secret_new(struct arena *a);
/*
 * Returns, in a, the voter id of a genuine cookie value ("ID.MAC"), or
 * NULL if cookie is NULL, malformed or forged.
 */
const char *sign_voter_id(const struct site *, struct arena *a,
	    const char *cookie);

/*
 * Returns, in a, the token of a link sent by mail that does what (a
 * word: "confirm", "unsub", "stop") to item id: "ID.MAC", the MAC over
 * what, id and bind.  bind is what the link was sent for, such as the
 * address it went to: when that changes, the link stops working.
 */
const char *sign_mail(const struct site *, struct arena *a,
	    const char *what, int64_t id, const char *bind);
/* The id a mail link's token names (unchecked), or 0 if malformed. */
int64_t	sign_mail_id(const char *token);
/* Returns 1 if token is genuine for what and bind, else 0. */
int	sign_mail_ok(const struct site *, const char *what,
	    const char *token, const char *bind);

#endif
