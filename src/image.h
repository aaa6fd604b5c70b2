/*
 * image: JPEG attachments for comments, checked and stored safely.  An
 * upload is decoded in full, turned upright, and re-encoded without any
 * metadata into a display copy and a thumbnail, each named by the SHA-256
 * of its own bytes in the media folder, so nothing of the uploaded file
 * (EXIF, GPS, XMP, comments, data appended after the image) is ever
 * stored or served.
 */
#ifndef GALLEY_IMAGE_H
#define GALLEY_IMAGE_H

#include <stddef.h>

struct image {
	char	hash[65];	/* hex SHA-256 of the display JPEG: HASH.jpg */
	char	thumb[65];	/* hex SHA-256 of the thumbnail: THUMB.jpg */
	int	width, height;		/* of the display copy */
	int	thumb_width, thumb_height;
};

enum image_rc {
	IMAGE_OK = 0,
	IMAGE_NOT_JPEG,		/* not a JPEG at all: other format, empty */
	IMAGE_TOO_BIG,		/* over 8 MB, 40 megapixels or 10,000 px */
	IMAGE_UNSUPPORTED,	/* a real JPEG of a kind we cannot decode */
	IMAGE_CORRUPT,		/* damaged, truncated or malformed JPEG */
	IMAGE_IO		/* the media folder could not be written */
};

/*
 * Checks that data[0..len) is a real, complete JPEG and stores a cleaned
 * copy of it in media_dir.  The limits come first: at most 8 MB, then,
 * from the header alone and before any pixel is allocated, at most 40
 * megapixels and 10,000 pixels a side.  The image is decoded fully with
 * every libjpeg warning treated as damage and the number of scans
 * bounded, turned upright by its EXIF orientation (1 to 8), and
 * re-encoded at quality 82 with no metadata at all (only a JFIF APP0) as
 * a display copy whose long edge is at most 1600 px and a thumbnail whose
 * long edge is at most 320 px, shrunk by area averaging and never
 * enlarged.  Grayscale stays grayscale; CMYK and YCCK become RGB (taken
 * as Adobe-inverted, as browsers do); colour profiles are dropped.
 * Bytes after the first EOI (phone HDR gain maps, motion-photo videos,
 * or an appended ZIP or HTML) are accepted and ignored: only the image up
 * to EOI is decoded and none of the rest can reach the stored copies.
 * Each copy is written as media_dir/HASH.jpg, HASH being the hex SHA-256
 * of the bytes written, through a temporary file, fsync and rename, so a
 * reader never sees a partial file and storing an image twice is fine.
 *
 * Returns IMAGE_OK and fills out; else returns the error, leaves out
 * unspecified and writes a sentence fit to show the commenter into
 * msg[0..msglen) (truncated, always NUL-terminated when msglen > 0; ""
 * on success).  Nothing is written to media_dir for a refused image; an
 * IMAGE_IO failure may leave the display copy, which is harmless, being
 * named by its content.  Only IMAGE_IO is logged (on stderr): the other
 * errors are the uploader's doing.  An image already no bigger than a
 * thumbnail gets the same file for both copies (hash equals thumb).
 * Safe to call from several threads at once; sodium_init() must have
 * been called.
 */
int	image_store(const void *data, size_t len, const char *media_dir,
	    struct image *out, char *msg, size_t msglen);

#endif
