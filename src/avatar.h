/*
 * avatar: commenters' pictures without Gravatar.  Gravatar would send a
 * hash of each commenter's email to a third party with every page view;
 * instead Galley draws an identicon, a symmetric 5x5 pattern in one
 * colour, as inline SVG from a keyed hash of the email (keyed with the
 * site secret, so it reveals nothing about the address).
 */
#ifndef GALLEY_AVATAR_H
#define GALLEY_AVATAR_H

#include <stddef.h>

struct buf;

#define AVATAR_KEY_LEN	32	/* hex digits */

/*
 * Writes into key (AVATAR_KEY_LEN + 1 bytes) the avatar key of email:
 * the hex of a BLAKE2b of the trimmed, lowercased address keyed with
 * secret (secretlen bytes).
 */
void	avatar_key(const char *email, const unsigned char *secret,
	    size_t secretlen, char *key);
/*
 * Appends the identicon for key as an <svg class="avatar"> element; a
 * key that is not AVATAR_KEY_LEN hex digits (comments from before
 * avatars) draws a plain grey disc.  The markup holds nothing but the
 * shapes and one colour, so it is safe to embed as it is.
 */
void	avatar_svg(struct buf *b, const char *key);

#endif
