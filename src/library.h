/*
 * library: the media library as a whole.  library_regenerate gives each
 * item the sizes it lacks: an item stored before pictures were kept at
 * every width (media_sizes) has only its display copy and thumbnail.
 */
#ifndef GALLEY_LIBRARY_H
#define GALLEY_LIBRARY_H

#include <stdint.h>
#include <stdio.h>

struct image;
struct media;
struct media_size;
struct site;
struct store_conn;

/*
 * Fills m as the library item of im, a picture image_store kept at
 * every width (len bytes uploaded, alt its text), with its files'
 * rows in sizes (IMAGE_FILES_MAX of them), ready for store_media_add.
 */
void	library_item(const struct image *im, size_t len, const char *alt,
	    struct media *m, struct media_size *sizes);

struct library_regen {
	int64_t	 items;		/* items looked at */
	int64_t	 made;		/* items given their missing sizes */
	int64_t	 failed;	/* items whose picture could not be read */
};

/*
 * For every item of the library, the widths of IMAGE_WIDTHS narrower
 * than its display copy that it has no stored file of are made from
 * that display copy (image_store, the site's gate and media store) and
 * recorded with the item, one transaction an item; the display copy
 * keeps its name (a post may link it) and the copy of it the decode
 * made is taken back if it is new.  A line an item made or failed on
 * out, and the counts in *sum.  Idempotent: a second run makes nothing.
 * Returns 0, or -1 if the store failed (the items done so far stay).
 */
int	library_regenerate(const struct site *, struct store_conn *, FILE *out,
	    struct library_regen *sum);

#endif
