/*
 * image_codec: what image.c shares with its codecs (image_jpeg.c,
 * image_png.c, image_gif.c, image_webp.c) and nothing else includes.  A
 * codec reads its format's headers alone into a struct probe (sizes,
 * frames, orientation, colour profile, the memory its decode will hold),
 * checked against the limits before image.c lets it allocate a pixel;
 * then decodes the still or each frame of an animation into RGB(A) or
 * gray pixels; the encoders write pixels afresh, with no metadata.
 */
#ifndef GALLEY_IMAGE_CODEC_H
#define GALLEY_IMAGE_CODEC_H

#include <stddef.h>

#define IMAGE_MAX_BYTES		(8 * 1024 * 1024)
#define IMAGE_MAX_SIDE		10000
#define IMAGE_MAX_PIXELS	40000000LL	/* of one frame */
/*
 * An animation's frames times its canvas, each frame being composited
 * onto a full canvas before it is re-encoded: 250 frames of 400x250,
 * 25 of 1000x1000.  Its encoders hold about a byte for each.
 */
#define IMAGE_MAX_FRAMES	500
#define IMAGE_MAX_ANIM_PIXELS	25000000LL
#define IMAGE_DISPLAY_EDGE	1600
#define IMAGE_QUALITY		82
#define IMAGE_MIB		(1024 * 1024)

/* Pixels, rows top to bottom: comps 1 (gray), 3 (RGB) or 4 (RGBA). */
struct pixels {
	unsigned char	*p;
	int		 w, h, comps;
};

/* Encoded bytes, the caller's to free(). */
struct blob {
	unsigned char	*data;
	size_t		 len;
};

/* What a codec's probe learns from the headers, before any pixel. */
struct probe {
	int			 format;	/* IMAGE_JPEG, ... */
	int			 width, height;	/* the canvas */
	int			 frames;	/* 1 for a still */
	int			 loops;		/* 0: for ever */
	int			 lossless;	/* WebP: VP8L, keep it so */
	int			 orientation;	/* EXIF, 1 to 8 */
	const unsigned char	*icc;	/* colour profile in the upload, */
	size_t			 icclen;	/* or NULL */
	unsigned char		*icc_own;	/* assembled (JPEG), freed */
	size_t			 decode;	/* bytes the decode holds at most */
	size_t			 held;	/* of which, still held after */
	int			 dw, dh, comps;	/* what decode returns */
	void			*state;		/* the codec's own */
};

/* Called for each frame of an animation, composited on the canvas. */
typedef int	(*frame_fn)(const struct pixels *, int delay_ms, void *);

struct codec {
	int		 format;
	/* Reads the headers of p[0..len) into pr: IMAGE_OK or the error. */
	int		(*probe)(const unsigned char *, size_t,
			    struct probe *);
	/* Decodes the still; the caller frees px->p.  */
	int		(*decode)(const unsigned char *, size_t,
			    struct probe *, struct pixels *px);
	/* Decodes each frame of an animation in turn into fn. */
	int		(*frames)(const unsigned char *, size_t,
			    struct probe *, frame_fn fn, void *arg);
	/* Frees what probe left in pr->state. */
	void		(*done)(struct probe *);
};

extern const struct codec	image_jpeg, image_png, image_gif, image_webp;

int	image_exif_orientation(const unsigned char *, size_t);
void	*image_dup(const void *, size_t);

int	jpeg_encode(const struct pixels *, struct blob *);
int	png_encode(const struct pixels *, struct blob *);
int	webp_encode(const struct pixels *, int lossless, struct blob *);

/* An animated WebP being written, one per size. */
struct webp_anim;
struct webp_anim *webp_anim_new(int w, int h, int loops, int lossless);
int	webp_anim_add(struct webp_anim *, const struct pixels *, int ms);
int	webp_anim_end(struct webp_anim *, int ms, struct blob *);
void	webp_anim_free(struct webp_anim *);

#endif
