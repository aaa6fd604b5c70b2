/*
 * slug: the URL name of a post made from its title, as WordPress's
 * sanitize_title() makes it on save (remove_accents(), then
 * sanitize_title_with_dashes()), and the test the router applies to a
 * slug it is given.
 */
#ifndef GALLEY_SLUG_H
#define GALLEY_SLUG_H

#include <stddef.h>

/*
 * Returns the slug for the NUL-terminated UTF-8 title: accents removed,
 * tags stripped, lowercase, punctuation dropped, other non-ASCII
 * characters percent-encoded with lowercase hex, words joined by single
 * hyphens; at most 200 bytes.  Returns "" when nothing usable is left.
 * One deviation from WordPress: "_" becomes "-", so that every non-empty
 * result passes slug_valid().  The caller frees the result.
 */
char	*slug_from_title(const char *title);

/*
 * Returns 1 if s[0..len) is a slug the router accepts: 1 to 200 bytes of
 * [a-z0-9_-] and %xx with lowercase hex digits; else 0.  "_" is accepted
 * because WordPress keeps it, so imported slugs may hold it.
 */
int	slug_valid(const char *s, size_t len);

#endif
