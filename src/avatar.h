/*
 * avatar: commenters' pictures without Gravatar.  Gravatar would send a
 * hash of each commenter's email to a third party with every page view;
 * instead Galley draws an identicon, a symmetric 5x5 pattern in one
 * colour, as inline SVG from a keyed hash of the email (keyed with the
 * site secret, so it reveals nothing about the address).
 */
#ifndef GALLEY_AVATAR_H
#define GALLEY_AVATAR_H

struct arena;
struct buf;
struct site;

#define AVATAR_KEY_LEN	32	/* hex digits */

/*
 * Returns, in a, the avatar key of email: the keyed MAC (sign.c) of the
 * trimmed, lowercased address, AVATAR_KEY_LEN hex digits.
 */
const char *avatar_key(const struct site *, struct arena *a,
	    const char *email);
/*
 * Appends the identicon for key as an <svg class="avatar"> element; a
 * key that is not AVATAR_KEY_LEN hex digits (comments from before
 * avatars) draws a plain grey disc.  The markup holds nothing but the
 * shapes and one colour, so it is safe to embed as it is.
 */
void	avatar_svg(struct buf *b, const char *key);

#endif
