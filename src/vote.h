/*
 * vote: a reader's vote, on an article (1..rating_scale stars) or on a
 * comment (thumbs up or down): who the voter is (a signed cookie and a
 * keyed hash of the IP address, as vote_identity says), one vote each
 * (vote_allow_change lets a vote be replaced), and the write.
 */
#ifndef GALLEY_VOTE_H
#define GALLEY_VOTE_H

#include "store.h"

struct env;

/* Who votes, as the caller knows them; and what it must pass on. */
struct voter {
	const char	*ip;		/* the reader's address */
	const char	*cookie;	/* the galley_voter cookie, or NULL */
	int64_t		 user_id;	/* a signed-in account's, or 0 */
	/* Results. */
	const char	*new_cookie;	/* a fresh galley_voter value to set
					   (in e's arena), or NULL */
	int		 retry_after;	/* with 503: seconds to wait */
};

/*
 * Validates and records a vote: type "post" or "comment", id, value
 * (1..scale, or "up"/"down"), from who (a signed-in user is known by
 * their account; a reader by the cookie and the keyed hash of their
 * address, as vote_identity says).  Returns 200 (recorded), 409 (voted
 * already; nothing changed unless re-voting is allowed, then 200), 422
 * (invalid, *why says why), 404 (no such item), 503 (the database is
 * full, busy or down: *why says to try later, who->retry_after is set),
 * or 500.  v holds the tally afterwards and *back the path to return
 * to; strings live in e's arena.
 */
int	vote_submit(const struct env *e, struct voter *who, const char *type,
	    const char *id, const char *value, struct vote *v,
	    const char **why, const char **back);

#endif
