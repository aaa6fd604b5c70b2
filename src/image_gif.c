/*
 * image_gif: the GIF codec of image.c (see image_codec.h), on giflib.
 * A block walk goes first, reading no pixel: the canvas, every frame's
 * place (inside the canvas, or refused), the frame count (stopping as
 * soon as it passes IMAGE_MAX_FRAMES, so a flood of frames is refused in
 * one pass), the loop count of the NETSCAPE2.0 extension, and that the
 * blocks end in a trailer.  Then giflib reads the file a record at a
 * time, never DGifSlurp, which keeps every extension sub-block (a
 * comment of millions of one-byte sub-blocks would cost some 28 bytes of
 * heap per byte of file): of the extensions only the graphic control
 * one is read, the rest skipped sub-block by sub-block without keeping
 * them; each frame's raster is read into one buffer and composited onto
 * an RGBA canvas as browsers do (disposal to background clears to
 * transparent, disposal to previous restores), each handed on with its
 * delay.  So the decode holds the canvas, one frame's raster and, in an
 * animation, the canvas saved for disposal to previous.
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
	size_t		 area;		/* of the largest frame's raster */
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
	if ((size_t)w * h > gw->area)
		gw->area = (size_t)w * h;
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
	/*
	 * A frame's raster, the canvas and, in an animation, the one saved
	 * for disposal to previous; giflib's tables.  A still's canvas is
	 * handed over as its pixels, all it holds after.
	 */
	pr->decode = gw->area + canvas * (pr->frames > 1 ? 2 : 1) + IMAGE_MIB;
	pr->held = pr->frames > 1 ? pr->decode : canvas;
	return IMAGE_OK;
}

/* A GIF being decoded a record at a time. */
struct gif_rd {
	GifFileType		*gif;
	const struct probe	*pr;
	struct pixels		 cv;		/* the canvas */
	unsigned char		*saved;	/* it, before a dispose-previous */
	GraphicsControlBlock	 gcb;		/* for the next frame */
	int			 n;		/* frames read */
	frame_fn		 fn;		/* each frame's canvas, or */
	void			*arg;
	struct pixels		*keep;	/* a still's, handed over */
};

/* What a frame without a graphic control extension is. */
static void
no_gcb(GraphicsControlBlock *gcb)
{
	memset(gcb, 0, sizeof(*gcb));
	gcb->TransparentColor = NO_TRANSPARENT_COLOR;
}

/*
 * Reads an extension: the graphic control one into rd->gcb; the others
 * (comments, application extensions, plain text) skipped a sub-block at
 * a time in giflib's one buffer, nothing kept.
 */
static int
extension(struct gif_rd *rd)
{
	GifByteType	*ext;
	int		 code;

	if (DGifGetExtension(rd->gif, &code, &ext) == GIF_ERROR)
		return IMAGE_CORRUPT;
	if (code == GRAPHICS_EXT_FUNC_CODE && ext != NULL &&
	    DGifExtensionToGCB(ext[0], ext + 1, &rd->gcb) != GIF_OK)
		no_gcb(&rd->gcb);
	while (ext != NULL)
		if (DGifGetExtensionNext(rd->gif, &ext) == GIF_ERROR)
			return IMAGE_CORRUPT;
	return IMAGE_OK;
}

/* Reads the indices of the frame giflib is at into raster, w x h. */
static int
read_raster(GifFileType *gif, unsigned char *raster, int w, int h)
{
	static const int	 start[] = { 0, 4, 2, 1 }, step[] = { 8, 8, 4, 2 };
	int			 pass, y;

	if (!gif->Image.Interlace) {
		for (y = 0; y < h; y++)
			if (DGifGetLine(gif, raster + (size_t)y * w, w) ==
			    GIF_ERROR)
				return IMAGE_CORRUPT;
		return IMAGE_OK;
	}
	for (pass = 0; pass < 4; pass++)
		for (y = start[pass]; y < h; y += step[pass])
			if (DGifGetLine(gif, raster + (size_t)y * w, w) ==
			    GIF_ERROR)
				return IMAGE_CORRUPT;
	return IMAGE_OK;
}

/* Clears the rectangle of frame d on the canvas to transparent. */
static void
clear_rect(struct pixels *cv, const GifImageDesc *d)
{
	int	 y;

	for (y = d->Top; y < d->Top + d->Height; y++)
		memset(cv->p + ((size_t)y * cv->w + d->Left) * 4, 0,
		    (size_t)d->Width * 4);
}

/* Draws the indices of frame d in cm onto the canvas. */
static void
draw(struct pixels *cv, const GifImageDesc *d, const ColorMapObject *cm,
    const unsigned char *raster, int transparent)
{
	const GifColorType	*c;
	unsigned char		*q;
	int			 x, y, i;

	for (y = 0; y < d->Height; y++)
		for (x = 0; x < d->Width; x++) {
			i = raster[(size_t)y * d->Width + x];
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
}

/*
 * Reads the frame giflib is at, composites it onto the canvas and hands
 * the canvas on with its delay in milliseconds: to rd->fn, or for a
 * still to rd->keep, whole.  The last frame's disposal is never needed,
 * so it saves no canvas for it.
 */
static int
frame(struct gif_rd *rd)
{
	const GifImageDesc	*d = &rd->gif->Image;
	const ColorMapObject	*cm;
	GraphicsControlBlock	 gcb = rd->gcb;
	unsigned char		*raster;
	size_t			 n = (size_t)rd->cv.w * rd->cv.h * 4;
	int			 last, rc = IMAGE_OK, delay;

	no_gcb(&rd->gcb);
	if (DGifGetImageHeader(rd->gif) == GIF_ERROR ||
	    ++rd->n > rd->pr->frames || d->Width < 1 || d->Height < 1 ||
	    d->Left + d->Width > rd->cv.w || d->Top + d->Height > rd->cv.h ||
	    (cm = d->ColorMap ? d->ColorMap : rd->gif->SColorMap) == NULL)
		return IMAGE_CORRUPT;
	raster = xmalloc((size_t)d->Width * d->Height);
	if ((rc = read_raster(rd->gif, raster, d->Width, d->Height)) !=
	    IMAGE_OK)
		goto out;
	last = rd->n == rd->pr->frames;
	if (!last && gcb.DisposalMode == DISPOSE_PREVIOUS)
		rd->saved = rd->saved ? memcpy(rd->saved, rd->cv.p, n) :
		    image_dup(rd->cv.p, n);
	draw(&rd->cv, d, cm, raster, gcb.TransparentColor);
	delay = gcb.DelayTime < MIN_DELAY ? SLOW_DELAY : gcb.DelayTime * 10;
	if (rd->keep != NULL) {
		*rd->keep = rd->cv;
		rd->cv.p = NULL;
		goto out;
	}
	rc = rd->fn(&rd->cv, delay, rd->arg);
	if (!last && gcb.DisposalMode == DISPOSE_BACKGROUND)
		clear_rect(&rd->cv, d);
	else if (!last && gcb.DisposalMode == DISPOSE_PREVIOUS)
		memcpy(rd->cv.p, rd->saved, n);
out:
	free(raster);
	return rc;
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

/*
 * Decodes the walked GIF p[0..len) a record at a time to its trailer,
 * handing each frame to rd's fn, or the one frame of a still to its
 * keep; IMAGE_CORRUPT when giflib finds damage or other frames than
 * the walk counted.
 */
static int
decode(const unsigned char *p, size_t len, struct gif_rd *rd)
{
	struct gif_in	 in = { p, len, 0 };
	GifRecordType	 t = TERMINATE_RECORD_TYPE;
	int		 err, rc = IMAGE_OK;

	if ((rd->gif = DGifOpen(&in, on_read, &err)) == NULL)
		return IMAGE_CORRUPT;
	rd->cv.w = rd->pr->width;
	rd->cv.h = rd->pr->height;
	rd->cv.comps = 4;
	rd->cv.p = xcalloc(1, (size_t)rd->cv.w * rd->cv.h * 4);
	no_gcb(&rd->gcb);
	do {
		if (DGifGetRecordType(rd->gif, &t) == GIF_ERROR)
			rc = IMAGE_CORRUPT;
		else if (t == IMAGE_DESC_RECORD_TYPE)
			rc = frame(rd);
		else if (t == EXTENSION_RECORD_TYPE)
			rc = extension(rd);
	} while (rc == IMAGE_OK && t != TERMINATE_RECORD_TYPE);
	if (rc == IMAGE_OK && rd->n != rd->pr->frames)
		rc = IMAGE_CORRUPT;
	DGifCloseFile(rd->gif, &err);
	free(rd->saved);
	free(rd->cv.p);
	return rc;
}

static int
gif_frames(const unsigned char *p, size_t len, struct probe *pr,
    frame_fn fn, void *arg)
{
	struct gif_rd	 rd;

	memset(&rd, 0, sizeof(rd));
	rd.pr = pr;
	rd.fn = fn;
	rd.arg = arg;
	return decode(p, len, &rd);
}

/*
 * Decodes a still into px: the canvas itself, made RGB in place when it
 * is all opaque.
 */
static int
gif_decode(const unsigned char *p, size_t len, struct probe *pr,
    struct pixels *px)
{
	struct gif_rd	 rd;
	size_t		 i, n = (size_t)pr->width * pr->height;
	int		 rc;

	memset(&rd, 0, sizeof(rd));
	rd.pr = pr;
	rd.keep = px;
	px->p = NULL;
	if ((rc = decode(p, len, &rd)) != IMAGE_OK) {
		free(px->p);
		px->p = NULL;
		return rc;
	}
	for (i = 0; i < n && px->p[4 * i + 3] == 255; i++)
		;
	if (i < n)
		return IMAGE_OK;
	for (i = 0; i < n; i++)
		memmove(px->p + 3 * i, px->p + 4 * i, 3);
	px->comps = 3;
	return IMAGE_OK;
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
