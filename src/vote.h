/*
 * vote: a reader's vote, on an article (1..rating_scale stars) or on a
 * comment (thumbs up or down): who the voter is (a signed cookie and a
 * keyed hash of the IP address, as vote_identity says), one vote each
 * (vote_allow_change lets a vote be replaced), and the write.
 */
#ifndef GALLEY_VOTE_H
#define GALLEY_VOTE_H

#include "store.h"

struct req;

/*
 * Validates and records a vote: type "post" or "comment", id, value
 * (1..scale, or "up"/"down").  r->voter_cookie is the reader's cookie
 * (or NULL); a new one goes into r->cookie.  Returns 200 (recorded), 409
 * (voted already; nothing changed unless re-voting is allowed, then
 * 200), 422 (invalid, *why says why), 404 (no such item), 503 (the
 * database is full, busy or down: *why says to try later, and
 * r->retry_after is set), or 500.  v holds the tally afterwards and
 * *back the path to return to.
 */
int	vote_submit(struct req *r, const char *type, const char *id,
	    const char *value, struct vote *v, const char **why,
	    const char **back);

#endif
