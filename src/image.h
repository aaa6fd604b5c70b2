/*
 * image: pictures for comments and posts, checked and stored safely.  A
 * JPEG, PNG, GIF or WebP upload, known by its bytes alone, is decoded
 * in full, turned upright, and re-encoded without any metadata into
 * copies each named by the SHA-256 of its own bytes, stored through
 * media.c (the media folder or the database),
 * so nothing of the uploaded file (EXIF, GPS, XMP, ICC, text chunks, GIF
 * comments, data appended after the image) is ever stored or served.
 * Decoding is bounded by a gate the site owns: so many decodes at once
 * (one per core) within a memory budget.
 */
#ifndef GALLEY_IMAGE_H
#define GALLEY_IMAGE_H

#include <stddef.h>

struct media_store;
struct store_conn;

/* Formats, as bits: image_store takes the set it accepts. */
enum image_format {
	IMAGE_JPEG = 1,
	IMAGE_PNG = 2,
	IMAGE_GIF = 4,
	IMAGE_WEBP = 8
};
#define IMAGE_ANY	(IMAGE_JPEG | IMAGE_PNG | IMAGE_GIF | IMAGE_WEBP)
/* With the formats: store every width and the WebP copies too. */
#define IMAGE_SIZES	0x100
/*
 * And pin each file (media_pin) until image_unpin or image_discard: a
 * comment's or a library upload's picture, kept from a refused twin's
 * discard (media.h).
 */
#define IMAGE_PIN	0x200

/* Widths stored with IMAGE_SIZES, those below the display copy's. */
#define IMAGE_WIDTHS	{ 320, 640, 1024, 1600 }
/* The display copy and its width copies (2 of each with WebP). */
#define IMAGE_FILES_MAX	10

/* One stored file: HASH.EXT (media.h). */
struct image_file {
	char		 hash[65];	/* hex SHA-256 of its bytes */
	int		 width, height;
	int		 format;	/* IMAGE_JPEG, IMAGE_PNG, IMAGE_WEBP */
	const char	*ext;		/* "jpg", "png", "webp" (static) */
	const char	*mime;		/* "image/jpeg", ... (static) */
	int		 webp_copy;	/* the WebP twin of the copy before */
	int		 made;		/* this call created it */
	int		 pinned;	/* IMAGE_PIN: media_pin holds it */
};

/*
 * What image_store made.  file[0..nfiles) is every stored file, by
 * width, the main copy of each width followed by its WebP twin when it
 * has one; the display copy is the widest main copy, and the fields
 * before file[] repeat it and the thumbnail for the callers that show
 * just these two.
 */
struct image {
	char		 hash[65];	/* the display copy: HASH.ext */
	char		 thumb[65];	/* the thumbnail: THUMB.ext */
	int		 width, height;		/* of the display copy */
	int		 thumb_width, thumb_height;
	int		 made_display;	/* this call created HASH.ext (it was */
	int		 made_thumb;	/* not there before); likewise THUMB */
	int		 format;	/* of the main copies (not the upload) */
	const char	*ext;		/* their extension and Content-Type */
	const char	*mime;
	int		 source;	/* the upload's format */
	int		 frames;	/* 1, or an animation's frame count */
	struct image_file file[IMAGE_FILES_MAX];
	int		 nfiles;
};

enum image_rc {
	IMAGE_OK = 0,
	IMAGE_NOT_JPEG,		/* not a picture we take: another format,
				   one not in the accepted set, empty */
	IMAGE_TOO_BIG,		/* over 8 MB, 40 megapixels or 10,000 px, an
				   animation of over 500 frames or 25
				   megapixels of frames, or its decode alone
				   needs more than the gate's whole budget */
	IMAGE_UNSUPPORTED,	/* a real picture of a kind we cannot decode */
	IMAGE_CORRUPT,		/* damaged, truncated or malformed (a JPEG
				   of more than 32 scans, a WebP of more
				   than 1,000 chunks count as such) */
	IMAGE_IO,		/* the copies could not be stored */
	IMAGE_FULL,		/* their disk is full (ENOSPC, EDQUOT, the
				   database's): later */
	IMAGE_SMALL,		/* image_icon: under ICON_MIN pixels a side */
	IMAGE_BUSY		/* no room to decode within the wait, or the
				   database busy or away: later */
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
 * Checks that data[0..len) is a real, complete picture in one of the
 * formats of the set in flags (IMAGE_JPEG, ...; a file is known by its
 * leading bytes alone, never its name or Content-Type) and stores
 * cleaned copies of it through ms (media.h).  The limits come first: at most
 * 8 MB, then, from the headers alone and before any pixel is allocated,
 * at most 40 megapixels and 10,000 pixels a side (a JPEG at most 32
 * scans; an animation at most 500 frames whose frames times its canvas
 * make at most 25 megapixels).  Then the memory the decode and the
 * encodes will need is estimated from the headers, and a slot and that
 * many bytes are taken from gate, waiting as the gate says: IMAGE_BUSY
 * when no room came in time, IMAGE_TOO_BIG when the estimate alone is
 * over the gate's budget.  The picture is decoded fully (every decoder
 * error about the data counts as damage, and every JPEG warning; PNG's
 * benign errors, which libpng 1.6 reports as warnings after it has
 * read every row, are tolerated as browsers tolerate them: compressed
 * data past the image's end, a bad CRC on an ancillary chunk, which is
 * then dropped, a colour profile libpng finds unfit, also dropped), its
 * colour profile, if any, converted to sRGB with lcms2 (an RGB profile
 * of at most 1 MiB on RGB pixels; any other is dropped unparsed or
 * unused, the pixels taken as sRGB: lcms2's allocations are not charged
 * to the gate, so a profile's size bounds them), turned upright by its EXIF
 * orientation (a JPEG's APP1, a PNG's eXIf, a WebP's EXIF chunk), and
 * re-encoded with no metadata at all, shrunk by area averaging and never
 * enlarged: a display copy whose long edge is at most 1600 px and a
 * thumbnail whose long edge is at most 320 px.  With IMAGE_SIZES the
 * copies are instead the display copy and one of each IMAGE_WIDTHS
 * width narrower than it (the thumbnail is the 320-wide one, or the
 * display copy when that is narrower), each followed by a WebP twin when
 * the main format is not WebP and the twin is smaller.  The main copies'
 * format: JPEG stays JPEG (quality 82; grayscale stays so, CMYK becomes
 * RGB), PNG stays PNG (8 bits a sample, gray, RGB or RGBA, lossless; a
 * palette becomes truecolour, an APNG's animation is not kept: libpng
 * reads its default image), a GIF becomes a PNG, or an animated WebP
 * when it is animated (libwebp, quality 82: giflib cannot re-encode what
 * shrinking makes of a palette), a WebP stays WebP (lossless when it
 * was), an animation keeping its frames' delays and loop count.  Bytes
 * after the end of the image (a JPEG's EOI, a PNG's IEND, a GIF's
 * trailer) are ignored: none of them can reach the stored copies.  Each
 * copy is stored with media_put as HASH.EXT, HASH being the hex SHA-256
 * of its bytes and EXT ours (jpg, png, webp): in media_dir through a
 * temporary file, fsync and link(), so a reader never sees a partial
 * file, or as a row on c (committed before this returns unless c is in
 * a transaction); storing an image twice is fine, and the made flags
 * say which files this call created (a file already there may be
 * another comment's).  c may be NULL when ms keeps files.
 *
 * Returns IMAGE_OK and fills out; else returns the error, leaves out
 * unspecified and writes a sentence fit to show the uploader into
 * msg[0..msglen) (truncated, always NUL-terminated when msglen > 0; ""
 * on success).  A refused image leaves nothing stored: when a copy
 * cannot be written, those written before are removed again if this
 * call made them.  IMAGE_FULL (no space or quota left) and IMAGE_IO are
 * logged on stderr; the other errors are the uploader's doing or a
 * moment's load.  Two copies with the same bytes are one file (a
 * picture no bigger than a thumbnail: hash equals thumb, made_thumb 0).
 * Safe to call from several threads at once; sodium_init() must have
 * been called.
 */
int	image_store(const void *data, size_t len, unsigned flags,
	    const struct media_store *ms, struct store_conn *c,
	    struct image_gate *gate, struct image *out, char *msg,
	    size_t msglen);
/*
 * Returns the Content-Type of a stored file's extension ("jpg", "png",
 * "webp"), or NULL for any other; and the extension of a stored file's
 * Content-Type, or NULL.  The strings are static.
 */
const char *image_mime(const char *ext);
const char *image_ext(const char *mime);
/* The touch icon's side, and the least side image_icon takes. */
#define ICON_MIN	180

/* A site icon's files, made by image_icon; the caller frees both. */
struct image_icon {
	unsigned char	*ico;		/* favicon.ico: PNGs of 16, 32, 48 */
	size_t		 icolen;
	unsigned char	*touch;		/* apple-touch-icon.png, 180 x 180 */
	size_t		 touchlen;
};

/*
 * Makes the site icon's files from data[0..len), a still JPEG, PNG, GIF
 * or WebP upload, checked, bounded and decoded as image_store does (the
 * gate too): turned upright, its middle square cut out, shrunk to each
 * size and encoded as PNG, the three small ones packed into an ICO.
 * Returns IMAGE_OK, IMAGE_SMALL for a square under ICON_MIN pixels, or
 * image_store's errors, with what to tell the uploader in msg.
 */
int	image_icon(const void *data, size_t len, struct image_gate *gate,
	    struct image_icon *out, char *msg, size_t msglen);
/*
 * Takes back what image_store stored in im, for a comment or upload
 * refused after its picture was stored: its pins go, then each file it
 * made (every file[i] whose made is set, and only those) unless another
 * request's pin or a reference holds it (media_discard).  A file that
 * was already there is left alone: pictures are named by content, and
 * another comment may show it.  Pins are per process: an import, the
 * CLI or another node can still lose a file to a refused upload's
 * discard in the moment between its put and its row's commit.
 */
void	image_discard(const struct media_store *ms, struct store_conn *c,
	    struct image *im);
/* The pins of an image kept (its comment committed). */
void	image_unpin(struct image *im);

#endif
