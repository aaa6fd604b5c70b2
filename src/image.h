/*
 * image: JPEG attachments for comments, checked and stored safely.  An
 * upload is decoded in full, turned upright, and re-encoded without any
 * metadata into a display copy and a thumbnail, each named by the SHA-256
 * of its own bytes in the media folder, so nothing of the uploaded file
 * (EXIF, GPS, XMP, comments, data appended after the image) is ever
 * stored or served.  Decoding is bounded by a gate the site owns: so many
 * decodes at once (one per core) within a memory budget.
 */
#ifndef GALLEY_IMAGE_H
#define GALLEY_IMAGE_H

#include <stddef.h>

struct image {
	char	hash[65];	/* hex SHA-256 of the display JPEG: HASH.jpg */
	char	thumb[65];	/* hex SHA-256 of the thumbnail: THUMB.jpg */
	int	width, height;		/* of the display copy */
	int	thumb_width, thumb_height;
	int	made_display;	/* this call created HASH.jpg (it was not */
	int	made_thumb;	/* there before); likewise THUMB.jpg */
};

enum image_rc {
	IMAGE_OK = 0,
	IMAGE_NOT_JPEG,		/* not a JPEG at all: other format, empty */
	IMAGE_TOO_BIG,		/* over 8 MB, 40 megapixels or 10,000 px, or
				   its decode alone needs more than the
				   gate's whole budget */
	IMAGE_UNSUPPORTED,	/* a real JPEG of a kind we cannot decode */
	IMAGE_CORRUPT,		/* damaged, truncated or malformed JPEG (more
				   than 32 scans counts as malformed) */
	IMAGE_IO,		/* the media folder could not be written */
	IMAGE_FULL,		/* its disk is full (ENOSPC, EDQUOT): later */
	IMAGE_BUSY		/* no room to decode within the wait: later */
};

struct image_gate;

/*
 * Returns a gate that lets at most slots decodes run at once, whose
 * estimated memory adds up to at most budget bytes; a decode that finds
 * no room waits for one up to wait_ms milliseconds.  Waiters are not
 * queued in order: whichever fits when room is made goes first.  Free
 * with image_gate_free once no image_store call is using it.  The gate
 * locks inside itself: threads share it freely.
 */
struct image_gate *image_gate_new(int slots, size_t budget, int wait_ms);
void	image_gate_free(struct image_gate *);

/*
 * Checks that data[0..len) is a real, complete JPEG and stores a cleaned
 * copy of it in media_dir.  The limits come first: at most 8 MB, then,
 * from the markers alone and before any pixel is allocated, at most 40
 * megapixels, 10,000 pixels a side and 32 scans.  Then the memory the
 * decode will need is estimated from the frame header (for a progressive
 * or multi-scan file libjpeg keeps every DCT coefficient, 2 bytes a
 * sample of each component; then the decoded and resized pixels), and a
 * slot and that many bytes are taken from gate, waiting as the gate says:
 * IMAGE_BUSY when no room came in time, IMAGE_TOO_BIG when the estimate
 * alone is over the gate's budget.  The image is decoded fully with
 * every libjpeg warning treated as damage, turned upright by its EXIF
 * orientation (1 to 8), and re-encoded at quality 82 with no metadata at
 * all (only a JFIF APP0) as a display copy whose long edge is at most
 * 1600 px and a thumbnail whose long edge is at most 320 px, shrunk by
 * area averaging and never enlarged; the gate is let go before the
 * files are written.  Grayscale stays grayscale; CMYK and YCCK become
 * RGB (taken as Adobe-inverted, as browsers do); colour profiles are
 * dropped.  Bytes after the first EOI (phone HDR gain maps, motion-photo
 * videos, or an appended ZIP or HTML) are accepted and ignored: only the
 * image up to EOI is decoded and none of the rest can reach the stored
 * copies.  Each copy is written as media_dir/HASH.jpg, HASH being the
 * hex SHA-256 of the bytes written, through a temporary file, fsync and
 * link(), so a reader never sees a partial file, storing an image twice
 * is fine, and out->made_display and out->made_thumb say which files
 * this call created (a file already there may be another comment's).
 *
 * Returns IMAGE_OK and fills out; else returns the error, leaves out
 * unspecified and writes a sentence fit to show the uploader into
 * msg[0..msglen) (truncated, always NUL-terminated when msglen > 0; ""
 * on success).  A refused image leaves nothing in media_dir: when the
 * thumbnail cannot be written after the display copy was, the display
 * copy is removed again if this call made it.  IMAGE_FULL (no space or
 * quota left) and IMAGE_IO are logged on stderr; the other errors are
 * the uploader's doing or a moment's load.  An image already no bigger
 * than a thumbnail gets the same file for both copies (hash equals
 * thumb; made_thumb is then 0).  Safe to call from several threads at
 * once; sodium_init() must have been called.
 */
int	image_store(const void *data, size_t len, const char *media_dir,
	    struct image_gate *gate, struct image *out, char *msg,
	    size_t msglen);
/*
 * Removes from media_dir the files the image_store call that filled im
 * created, and only those: for a comment or upload refused after its
 * picture was stored.  A file that was already there is left alone,
 * since pictures are named by content and another comment may show it.
 * (Two uploads of the same picture at the same moment, one refused, can
 * still lose the other's file: the window is the refused one's write.)
 */
void	image_discard(const char *media_dir, const struct image *im);

#endif
