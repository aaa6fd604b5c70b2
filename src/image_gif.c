/*
 * image_gif: the GIF codec of image.c (see image_codec.h), on giflib.
 * giflib's DGifSlurp allocates each frame's raster from its descriptor
 * before reading it, so a block walk goes first, reading no pixel: the
 * canvas, every frame's place (inside the canvas, or refused), the
 * frame count (stopping as soon as it passes IMAGE_MAX_FRAMES, so a
 * flood of frames is refused in one pass), the loop count of the
 * NETSCAPE2.0 extension, and that the blocks end in a trailer.  Then
 * giflib reads it all and the frames are composited onto an RGBA canvas
 * as browsers do (disposal to background clears to transparent,
 * disposal to previous restores), each handed on with its delay.
 * Comments, other application extensions and plain text are skipped.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gif_lib.h>

#include "alloc.h"
#include "image.h"
#include "image_codec.h"

/* Browsers show a frame of delay 0 or 1 (hundredths) for 100 ms. */
#define MIN_DELAY	2
#define SLOW_DELAY	100

/* What the walk learnt. */
struct gif_walk {
	int		 loops;		/* -1 until a NETSCAPE2.0 says */
	size_t		 area;		/* of every frame's raster */
};

/* A GIF being read from memory. */
struct gif_in {
	const unsigned char	*p;
	size_t			 len, off;
};

/*
 * Returns the offset just past the data sub-blocks at p[i..len), or 0
 * when they run past the end.
 */
static size_t
skip_blocks(const unsigned char *p, size_t len, size_t i)
{
	while (i < len && p[i] != 0)
		i += (size_t)p[i] + 1;
	return i < len ? i + 1 : 0;
}

/* Reads an application extension at p[i..len): NETSCAPE2.0's loops. */
static void
walk_app(const unsigned char *p, size_t len, size_t i, struct gif_walk *gw)
{
	if (i + 16 < len && p[i] == 11 && memcmp(p + i + 1, "NETSCAPE2.0",
	    11) == 0 && p[i + 12] == 3 && p[i + 13] == 1)
		gw->loops = p[i + 14] | p[i + 15] << 8;
}

/*
 * Checks an image descriptor at p[i..len) against the canvas; returns
 * the offset past its image data, or 0 for damage.
 */
static size_t
walk_image(const unsigned char *p, size_t len, size_t i, struct probe *pr,
    struct gif_walk *gw)
{
	int	 x, y, w, h;

	if (len - i < 10)
		return 0;
	x = p[i] | p[i + 1] << 8;
	y = p[i + 2] | p[i + 3] << 8;
	w = p[i + 4] | p[i + 5] << 8;
	h = p[i + 6] | p[i + 7] << 8;
	if (w == 0 || h == 0 || x + w > pr->width || y + h > pr->height)
		return 0;
	gw->area += (size_t)w * h;
	if (p[i + 8] & 0x80)
		i += 3 * ((size_t)2 << (p[i + 8] & 7));
	i += 10;	/* the descriptor and the LZW code size */
	return i < len ? skip_blocks(p, len, i) : 0;
}

/* Walks the blocks of p[0..len) into pr and gw. */
static int
walk_gif(const unsigned char *p, size_t len, struct probe *pr,
    struct gif_walk *gw)
{
	size_t	 i = 13;

	if (len < 13 || (memcmp(p, "GIF87a", 6) != 0 &&
	    memcmp(p, "GIF89a", 6) != 0))
		return IMAGE_CORRUPT;
	pr->width = p[6] | p[7] << 8;
	pr->height = p[8] | p[9] << 8;
	if (p[10] & 0x80)
		i += 3 * ((size_t)2 << (p[10] & 7));
	while (i < len && p[i] != 0x3b) {
		if (p[i] == 0x2c) {
			if (++pr->frames > IMAGE_MAX_FRAMES)
				return IMAGE_TOO_BIG;
			i = walk_image(p, len, i + 1, pr, gw);
		} else if (p[i] == 0x21 && i + 2 < len) {
			if (p[i + 1] == 0xff)
				walk_app(p, len, i + 2, gw);
			i = skip_blocks(p, len, i + 2);
		} else
			return IMAGE_CORRUPT;
		if (i == 0)
			return IMAGE_CORRUPT;
	}
	return i < len && pr->frames > 0 ? IMAGE_OK : IMAGE_CORRUPT;
}

static int
gif_probe(const unsigned char *p, size_t len, struct probe *pr)
{
	struct gif_walk	*gw = xcalloc(1, sizeof(*gw));
	size_t		 canvas;
	int		 rc;

	pr->state = gw;
	gw->loops = -1;
	if ((rc = walk_gif(p, len, pr, gw)) != IMAGE_OK)
		return rc;
	/*
	 * NETSCAPE2.0's count is of plays after the first (0: for ever);
	 * WebP's is of all plays.  None: browsers play it once.  As
	 * libwebp's gif2webp.
	 */
	pr->loops = gw->loops == -1 ? 1 : gw->loops == 0 ? 0 :
	    gw->loops < 65535 ? gw->loops + 1 : 65535;
	pr->dw = pr->width;
	pr->dh = pr->height;
	pr->comps = 4;
	canvas = (size_t)pr->width * pr->height * 4;
	/* giflib's rasters and a copy of the file; canvas, saved one. */
	pr->decode = pr->held = gw->area + len + 2 * canvas + IMAGE_MIB;
	return IMAGE_OK;
}

static int
on_read(GifFileType *gif, GifByteType *out, int n)
{
	struct gif_in	*in = gif->UserData;

	if (n < 0 || (size_t)n > in->len - in->off)
		n = (int)(in->len - in->off);
	memcpy(out, in->p + in->off, n);
	in->off += n;
	return n;
}

/* Reads the whole walked GIF with giflib; NULL if it is damaged. */
static GifFileType *
slurp(const unsigned char *p, size_t len)
{
	struct gif_in	 in = { p, len, 0 };
	GifFileType	*gif;
	int		 err;

	if ((gif = DGifOpen(&in, on_read, &err)) == NULL)
		return NULL;
	if (DGifSlurp(gif) != GIF_OK) {
		DGifCloseFile(gif, &err);
		return NULL;
	}
	gif->UserData = NULL;
	return gif;
}

/* Clears the rectangle of frame sd on the canvas to transparent. */
static void
clear_rect(struct pixels *cv, const GifImageDesc *d)
{
	int	 y;

	for (y = d->Top; y < d->Top + d->Height; y++)
		memset(cv->p + ((size_t)y * cv->w + d->Left) * 4, 0,
		    (size_t)d->Width * 4);
}

/* Draws frame sd onto the canvas; returns IMAGE_CORRUPT without colours. */
static int
draw(struct pixels *cv, const GifFileType *gif, const SavedImage *sd,
    int transparent)
{
	const GifImageDesc	*d = &sd->ImageDesc;
	const ColorMapObject	*cm = d->ColorMap ? d->ColorMap :
				    gif->SColorMap;
	const GifColorType	*c;
	unsigned char		*q;
	int			 x, y, i;

	if (cm == NULL || sd->RasterBits == NULL || d->Left + d->Width >
	    cv->w || d->Top + d->Height > cv->h)
		return IMAGE_CORRUPT;
	for (y = 0; y < d->Height; y++)
		for (x = 0; x < d->Width; x++) {
			i = sd->RasterBits[(size_t)y * d->Width + x];
			if (i == transparent || i >= cm->ColorCount)
				continue;
			c = &cm->Colors[i];
			q = cv->p + ((size_t)(d->Top + y) * cv->w + d->Left +
			    x) * 4;
			q[0] = c->Red;
			q[1] = c->Green;
			q[2] = c->Blue;
			q[3] = 255;
		}
	return IMAGE_OK;
}

/*
 * Composites each frame of gif onto a canvas and hands it to fn with its
 * delay in milliseconds.
 */
static int
composite(const GifFileType *gif, const struct probe *pr, frame_fn fn,
    void *arg)
{
	struct pixels	 cv = { NULL, pr->width, pr->height, 4 };
	unsigned char	*saved = NULL;
	size_t		 n = (size_t)cv.w * cv.h * 4;
	GraphicsControlBlock gcb;
	int		 i, rc = IMAGE_OK, delay;

	cv.p = xcalloc(1, n);
	for (i = 0; i < gif->ImageCount && rc == IMAGE_OK; i++) {
		if (DGifSavedExtensionToGCB((GifFileType *)gif, i, &gcb) !=
		    GIF_OK) {
			memset(&gcb, 0, sizeof(gcb));
			gcb.TransparentColor = NO_TRANSPARENT_COLOR;
		}
		if (gcb.DisposalMode == DISPOSE_PREVIOUS)
			saved = saved ? memcpy(saved, cv.p, n) :
			    image_dup(cv.p, n);
		if ((rc = draw(&cv, gif, &gif->SavedImages[i],
		    gcb.TransparentColor)) != IMAGE_OK)
			break;
		delay = gcb.DelayTime < MIN_DELAY ? SLOW_DELAY :
		    gcb.DelayTime * 10;
		rc = fn(&cv, delay, arg);
		if (gcb.DisposalMode == DISPOSE_BACKGROUND)
			clear_rect(&cv, &gif->SavedImages[i].ImageDesc);
		else if (gcb.DisposalMode == DISPOSE_PREVIOUS)
			memcpy(cv.p, saved, n);
	}
	free(saved);
	free(cv.p);
	return rc;
}

static int
gif_frames(const unsigned char *p, size_t len, struct probe *pr,
    frame_fn fn, void *arg)
{
	GifFileType	*gif;
	int		 err, rc;

	if ((gif = slurp(p, len)) == NULL)
		return IMAGE_CORRUPT;
	rc = gif->ImageCount == pr->frames ? composite(gif, pr, fn, arg) :
	    IMAGE_CORRUPT;
	DGifCloseFile(gif, &err);
	return rc;
}

/* Keeps the one frame of a still, made RGB when it is all opaque. */
static int
keep_still(const struct pixels *cv, int delay, void *arg)
{
	struct pixels	*px = arg;
	size_t		 i, n = (size_t)cv->w * cv->h;

	(void)delay;
	*px = *cv;
	px->p = image_dup(cv->p, n * 4);
	for (i = 0; i < n && px->p[4 * i + 3] == 255; i++)
		;
	if (i < n)
		return IMAGE_OK;
	for (i = 0; i < n; i++)
		memmove(px->p + 3 * i, px->p + 4 * i, 3);
	px->comps = 3;
	return IMAGE_OK;
}

static int
gif_decode(const unsigned char *p, size_t len, struct probe *pr,
    struct pixels *px)
{
	int	 rc;

	px->p = NULL;
	if ((rc = gif_frames(p, len, pr, keep_still, px)) != IMAGE_OK) {
		free(px->p);
		px->p = NULL;
	}
	return rc;
}

static void
gif_done(struct probe *pr)
{
	free(pr->state);
	pr->state = NULL;
}

const struct codec image_gif = {
	IMAGE_GIF, gif_probe, gif_decode, gif_frames, gif_done
};
