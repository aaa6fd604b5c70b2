/*
 * media: our stored pictures as pages show them.  A media item's files
 * (store_media_find's rows) become one struct picture; its srcset,
 * the file that fills a slot, and the rewrite of a rendered body's
 * <img> elements that show our media (/media/HASH.EXT, or a WordPress
 * wp-image-N class naming item N) into a <picture> with a WebP source,
 * srcset, sizes, width, height and lazy loading.  Nothing here queries:
 * picture_refs lists what a body shows, the page asks the store once,
 * picture_rewrite writes the body again.
 */
#ifndef GALLEY_PICTURE_H
#define GALLEY_PICTURE_H

#include <stddef.h>
#include <stdint.h>

#include "i18n.h"

struct arena;
struct buf;
struct media_size;

/* One item's files, narrowest first, WebP after the others. */
struct picture {
	int64_t			 id;
	const struct media_size	*file;
	size_t			 nfiles;
	const struct media_size	*display;	/* widest non-WebP file */
};

/* What a body's pictures name: hashes of /media/ files, wp-image ids. */
struct picture_refs {
	const char	**hash;
	size_t		  nhash;
	int64_t		 *id;
	size_t		  nid;
};

/*
 * Groups rows[0..n) (ordered by media_id, as store_media_find gives
 * them) into items in a; *out stays valid as long as a and rows.
 */
void	picture_items(struct arena *a, const struct media_size *rows, size_t n,
	    struct picture **out, size_t *nout);
/* The item with id, or one of whose files has hash (NULL: either); or NULL. */
const struct picture *picture_find(const struct picture *items,
	    size_t n, int64_t id, const char *hash);
/*
 * Appends the srcset of m: every width once, "URL Ww" joined by ", ".
 * webp set: each width's WebP twin where it has one (else its main
 * file, which any browser that takes WebP takes too); else main files.
 * Returns the number of WebP files listed.
 */
int	picture_srcset(struct buf *out, const struct picture *m, int webp);
/* The narrowest main file at least slot px wide, else the widest. */
const struct media_size *picture_pick(const struct picture *m, int slot);
/* Appends the sizes attribute's value for a picture of width w. */
void	picture_sizes(struct buf *out, int w);
/*
 * Adds to refs, in a, what the <img> elements of html[0..len) show:
 * the hash of each src that is one of our /media/ files, and N of a
 * wp-image-N class on such an element.  Comments, scripts and styles
 * are skipped.
 */
void	picture_refs(struct arena *a, const char *html, size_t len,
	    struct picture_refs *refs);
/*
 * Appends html[0..len) with each <img> that shows a known item (by its
 * src's hash, else its wp-image-N class) in a <picture>: a WebP source
 * when the item has WebP files, and on the <img> its srcset, sizes,
 * width and height (the author's kept when both are given), and
 * decoding="async"; loading="lazy" unless *eager is set, which the
 * first picture clears (it gets fetchpriority="high").  The element's
 * other attributes are copied as they were (the body's own, already
 * through kses when it is filtered); everything added is ours and
 * escaped by html.c.  An <img> of another site's picture (an http(s)
 * URL whose host is not self's, the site's base_url) is not shown: it
 * becomes a link to it (text alone inside a link of the body's), named
 * "Picture from HOST: ALT" (in language lang), so no reader's browser
 * asks that site for anything unless the reader clicks.
 */
void	picture_rewrite(struct buf *out, const char *html, size_t len,
	    const struct picture *items, size_t n, int *eager,
	    const char *self, enum lang lang);

#endif
