/*
 * image: the safe path from an uploaded picture to the copies Galley
 * serves (see image.h).  The format is told from the leading bytes;
 * its codec (image_jpeg.c, image_png.c, image_gif.c, image_webp.c)
 * reads the headers alone into a struct probe, whose sizes are checked
 * against the limits and whose memory estimate is charged to the gate
 * before a pixel is allocated.  Then the pixels are decoded, converted
 * to sRGB by their colour profile (lcms2), shrunk by area averaging,
 * turned upright from the EXIF orientation and encoded afresh, so no
 * byte of the upload's structure or metadata survives.  An animation is
 * decoded a frame at a time into one animated WebP encoder per size.
 * The one shared thing, the gate that bounds how many decodes run and
 * how much memory they hold, locks inside itself, so threads may share
 * it all freely.  The copies are stored through media.c, in files or
 * the database as the site says, and it tells which a call created, so
 * a call can take back exactly those.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <lcms2.h>
#include <libexif/exif-data.h>

#include "alloc.h"
#include "i18n.h"
#include "image.h"
#include "image_codec.h"
#include "media.h"
#include "store.h"

#define THUMB_EDGE	320	/* without IMAGE_SIZES: the long edge */
/* Bytes a pixel libwebp's encoder holds at most (lossless, method 4). */
#define WEBP_WORK	12
/* Bytes a pixel of each size an animated WebP encoder holds. */
#define ANIM_WORK	32
/*
 * The largest colour profile converted: lcms2's allocations while it
 * parses one are not charged to the gate.  Real profiles are a few
 * kilobytes; one with large lookup tables some hundreds.
 */
#define ICC_MAX		IMAGE_MIB

/* What the uploader reads, by return code. */
static const char *const messages[] = {
	[IMAGE_OK] = "",
	[IMAGE_NOT_JPEG] = "",		/* made from the accepted set */
	[IMAGE_TOO_BIG] = N_("The image is too large: at most 8 MB, 40 "
	    "megapixels and 10,000 pixels a side (an animation at most 500"
	    " frames)."),
	[IMAGE_UNSUPPORTED] = N_("This kind of image (such as a 12-bit or "
	    "lossless JPEG) is not supported."),
	[IMAGE_CORRUPT] = N_("The image file is damaged or incomplete."),
	[IMAGE_IO] = N_("The image could not be saved; please try again later."),
	[IMAGE_FULL] = N_("The site has no room to save pictures right now;"
	    " please try again later."),
	[IMAGE_SMALL] = N_("An icon must be at least 180 by 180 pixels."),
	[IMAGE_BUSY] = N_("The site is busy with other pictures right now;"
	    " please try again in a minute."),
};

/* IMAGE_TOO_BIG for an image within the limits that the gate refuses. */
static const char too_heavy[] = "This image would need too much memory"
    " to process (a large progressive JPEG or a long animation); please"
    " send a smaller one.";

/* Each format: its leading bytes, codec and what its copies are. */
static const struct format {
	int			 format;
	const char		*name, *magic;
	size_t			 magiclen;
	const struct codec	*codec;
	const char		*ext, *mime;
} formats[] = {
	{ IMAGE_JPEG, "JPEG", "\xff\xd8\xff", 3, &image_jpeg, "jpg",
	    "image/jpeg" },
	{ IMAGE_PNG, "PNG", "\x89PNG\r\n\x1a\n", 8, &image_png, "png",
	    "image/png" },
	{ IMAGE_GIF, "GIF", "GIF8", 4, &image_gif, NULL, NULL },
	{ IMAGE_WEBP, "WebP", "RIFF", 4, &image_webp, "webp",
	    "image/webp" },
};
#define NFORMATS	(sizeof(formats) / sizeof(formats[0]))

struct image_gate {
	pthread_mutex_t	 lock;
	pthread_cond_t	 room;		/* broadcast when a decode ends */
	int		 slots, busy;
	size_t		 budget, used;
	int		 wait_ms;
};


/*
 * EXIF orientations as lookups: output pixel (x, y), mirrored in x
 * and/or y, then transposed or not, is the source pixel.  6 (rotate 90
 * degrees clockwise) is transpose and mirror x: output (0, 0) is the
 * source's bottom-left corner.
 */
static const struct turn {
	int	transpose;
	int	flipx, flipy;
} turns[9] = {
	[0] = { 0, 0, 0 }, [1] = { 0, 0, 0 }, [2] = { 0, 1, 0 },
	[3] = { 0, 1, 1 }, [4] = { 0, 0, 1 }, [5] = { 1, 0, 0 },
	[6] = { 1, 1, 0 }, [7] = { 1, 1, 1 }, [8] = { 1, 0, 1 },
};

/* The copies being made: sizes, then the encoded files. */
struct plan {
	unsigned	 flags;
	int		 format;	/* of the main copies */
	int		 lossless;	/* WebP main copies */
	int		 n;		/* sizes, narrowest first */
	int		 w[IMAGE_FILES_MAX], h[IMAGE_FILES_MAX];
	struct blob	 blob[IMAGE_FILES_MAX];	/* parallel to out->file */
};

struct image_gate *
image_gate_new(int slots, size_t budget, int wait_ms)
{
	struct image_gate	*g = xcalloc(1, sizeof(*g));
	pthread_condattr_t	 ca;

	pthread_mutex_init(&g->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&g->room, &ca);
	pthread_condattr_destroy(&ca);
	g->slots = slots;
	g->budget = budget;
	g->wait_ms = wait_ms;
	return g;
}

void
image_gate_free(struct image_gate *g)
{
	if (g == NULL)
		return;
	pthread_cond_destroy(&g->room);
	pthread_mutex_destroy(&g->lock);
	free(g);
}

/*
 * Takes a slot and bytes from g, waiting up to its wait_ms for room.
 * Returns IMAGE_OK (give them back with gate_leave), IMAGE_TOO_BIG when
 * bytes alone are over the budget, or IMAGE_BUSY.
 */
static int
gate_enter(struct image_gate *g, size_t bytes)
{
	struct timespec	 end;
	int		 rc = IMAGE_OK;

	if (bytes > g->budget)
		return IMAGE_TOO_BIG;
	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += g->wait_ms / 1000;
	end.tv_nsec += (long)(g->wait_ms % 1000) * 1000000;
	if (end.tv_nsec >= 1000000000) {
		end.tv_sec++;
		end.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&g->lock);
	while (rc == IMAGE_OK &&
	    (g->busy >= g->slots || bytes > g->budget - g->used))
		if (pthread_cond_timedwait(&g->room, &g->lock, &end) ==
		    ETIMEDOUT)
			rc = IMAGE_BUSY;
	if (rc == IMAGE_OK) {
		g->busy++;
		g->used += bytes;
	}
	pthread_mutex_unlock(&g->lock);
	return rc;
}

/* Gives back what gate_enter(g, bytes) took. */
static void
gate_leave(struct image_gate *g, size_t bytes)
{
	pthread_mutex_lock(&g->lock);
	g->busy--;
	g->used -= bytes;
	pthread_cond_broadcast(&g->room);
	pthread_mutex_unlock(&g->lock);
}


void *
image_dup(const void *p, size_t n)
{
	void	*q = xmalloc(n > 0 ? n : 1);

	memcpy(q, p, n);
	return q;
}

/*
 * Returns the EXIF orientation (1 to 8) in p[0..len), an APP1 payload
 * ("Exif\0\0" and TIFF) or bare TIFF as PNG's eXIf and most WebP EXIF
 * chunks hold it, or 1 when there is none or it is out of range.  Only
 * IFD0 counts: the thumbnail's IFD1 describes the embedded thumbnail.
 */
int
image_exif_orientation(const unsigned char *p, size_t len)
{
	ExifData	*ed;
	ExifEntry	*e;
	unsigned char	*tmp = NULL;
	int		 o = 1;

	if (p == NULL || len > UINT_MAX - 6 || (ed = exif_data_new()) == NULL)
		return 1;
	/* libexif reads only what starts as an APP1 does. */
	if (len < 6 || memcmp(p, "Exif\0\0", 6) != 0) {
		tmp = xmalloc(len + 6);
		memcpy(tmp, "Exif\0\0", 6);
		memcpy(tmp + 6, p, len);
		p = tmp;
		len += 6;
	}
	/* Read only; don't let libexif add or "fix" tags. */
	exif_data_unset_option(ed, EXIF_DATA_OPTION_FOLLOW_SPECIFICATION);
	exif_data_load_data(ed, p, (unsigned int)len);
	e = exif_content_get_entry(ed->ifd[EXIF_IFD_0], EXIF_TAG_ORIENTATION);
	if (e != NULL && e->format == EXIF_FORMAT_SHORT &&
	    e->components >= 1 && e->size >= 2 && e->data != NULL)
		o = exif_get_short(e->data, exif_data_get_byte_order(ed));
	exif_data_unref(ed);
	free(tmp);
	return o >= 1 && o <= 8 ? o : 1;
}

/* Returns the format p[0..len) starts as, or NULL. */
static const struct format *
sniff(const unsigned char *p, size_t len)
{
	size_t	 i;

	for (i = 0; i < NFORMATS; i++)
		if (len >= formats[i].magiclen &&
		    memcmp(p, formats[i].magic, formats[i].magiclen) == 0)
			break;
	/* RIFF holds WAV and AVI too. */
	if (i == NFORMATS || (formats[i].format == IMAGE_WEBP &&
	    (len < 12 || memcmp(p + 8, "WEBP", 4) != 0)))
		return NULL;
	return &formats[i];
}

/* Writes "That file is not a JPEG, PNG or GIF image." for the set. */
static void
not_accepted(unsigned flags, char *msg, size_t msglen)
{
	char	 s[80] = "";
	size_t	 i, n = 0, k = 0;

	for (i = 0; i < NFORMATS; i++)
		n += (flags & formats[i].format) != 0;
	for (i = 0; i < NFORMATS; i++) {
		if (!(flags & formats[i].format))
			continue;
		k++;
		strcat(s, k == 1 ? "" : k == n ? " or " : ", ");
		strcat(s, formats[i].name);
	}
	snprintf(msg, msglen, "That file is not a %s image.", s);
}

/*
 * Converts px (RGB or RGBA) from the colour profile icc[0..len) to sRGB
 * in place.  A profile over ICC_MAX bytes (left unparsed), one lcms2
 * cannot read, or one that is not an RGB one, is dropped: the pixels are
 * taken as sRGB, as browsers do with no profile.
 */
static void
to_srgb(const unsigned char *icc, size_t len, struct pixels *px)
{
	cmsHPROFILE	 in, out;
	cmsHTRANSFORM	 t = NULL;
	cmsUInt32Number	 fmt = px->comps == 4 ? TYPE_RGBA_8 : TYPE_RGB_8;
	int		 y;

	if (icc == NULL || len > ICC_MAX || px->comps < 3 ||
	    (in = cmsOpenProfileFromMem(icc, (cmsUInt32Number)len)) == NULL)
		return;
	if (cmsGetColorSpace(in) == cmsSigRgbData &&
	    (out = cmsCreate_sRGBProfile()) != NULL) {
		t = cmsCreateTransform(in, fmt, out, fmt,
		    INTENT_PERCEPTUAL, cmsFLAGS_COPY_ALPHA);
		cmsCloseProfile(out);
	}
	cmsCloseProfile(in);
	if (t == NULL)
		return;
	for (y = 0; y < px->h; y++) {
		unsigned char *row = px->p + (size_t)y * px->w * px->comps;

		cmsDoTransform(t, row, row, (cmsUInt32Number)px->w);
	}
	cmsDeleteTransform(t);
}

/*
 * Resamples n samples stride bytes apart at src into m <= n samples
 * dstride bytes apart at dst, each the mean of the span of source it
 * covers, samples cut by a span's ends weighted by the part inside.
 * With 4 components the fourth is alpha, and colours are weighted by
 * it, so a transparent pixel's hidden colour does not bleed.
 */
static void
shrink_line(const unsigned char *src, size_t stride, int n,
    unsigned char *dst, size_t dstride, int m, int comps)
{
	double	 acc[4], scale = (double)n / m, lo, hi, wt, v, a;
	int	 i, j, c;

	for (i = 0; i < m; i++) {
		lo = i * scale;
		hi = (i + 1) * scale;
		memset(acc, 0, sizeof(acc));
		for (j = (int)lo; j < n && j < hi; j++) {
			wt = (j + 1 < hi ? j + 1 : hi) - (j > lo ? j : lo);
			a = comps == 4 ? src[j * stride + 3] / 255.0 : 1;
			for (c = 0; c < comps; c++)
				acc[c] += wt * src[j * stride + c] *
				    (c < 3 ? a : 1);
		}
		a = comps == 4 ? acc[3] / 255.0 : scale;
		for (c = 0; c < comps; c++) {
			if (c < 3 && a <= 0)
				v = 0;
			else
				v = acc[c] / (c < 3 ? a : scale) + 0.5;
			dst[i * dstride + c] = v > 255 ? 255 : (unsigned char)v;
		}
	}
}

/*
 * Returns a copy of src resized to w x h, no larger than src, by area
 * averaging rows then columns.  The caller frees the result's p.
 */
static struct pixels
shrink_to(const struct pixels *src, int w, int h)
{
	struct pixels	 dst = { NULL, w, h, src->comps };
	unsigned char	*tmp;
	size_t		 row = (size_t)w * dst.comps;
	int		 x, y;

	tmp = xmalloc(row * src->h);
	dst.p = xmalloc(row * h);
	for (y = 0; y < src->h; y++)
		shrink_line(src->p + (size_t)y * src->w * src->comps,
		    src->comps, src->w, tmp + y * row, dst.comps, w,
		    dst.comps);
	for (x = 0; x < w; x++)
		shrink_line(tmp + (size_t)x * dst.comps, row, src->h,
		    dst.p + (size_t)x * dst.comps, row, h, dst.comps);
	free(tmp);
	return dst;
}

/* Sets *w, *h to w x h fitted within a long edge of edge, never larger. */
static void
fit(int *w, int *h, int edge)
{
	int	 big = *w > *h ? *w : *h;

	if (big <= edge)
		return;
	*w = (int)(((long long)*w * edge + big / 2) / big);
	*h = (int)(((long long)*h * edge + big / 2) / big);
	*w = *w < 1 ? 1 : *w;
	*h = *h < 1 ? 1 : *h;
}

/* Returns a copy of src within a long edge of edge pixels. */
static struct pixels
shrink(const struct pixels *src, int edge)
{
	int	 w = src->w, h = src->h;

	fit(&w, &h, edge);
	return shrink_to(src, w, h);
}

/*
 * Returns src turned upright from EXIF orientation o (1 to 8): for 5 to
 * 8 its width and height swap.  The caller frees the result's p.
 */
static struct pixels
orient(const struct pixels *src, int o)
{
	const struct turn	*t = &turns[o];
	struct pixels		 dst = *src;
	int			 x, y, u, v;

	if (t->transpose) {
		dst.w = src->h;
		dst.h = src->w;
	}
	dst.p = xmalloc((size_t)dst.w * dst.h * dst.comps);
	for (y = 0; y < dst.h; y++)
		for (x = 0; x < dst.w; x++) {
			u = t->flipx ? dst.w - 1 - x : x;
			v = t->flipy ? dst.h - 1 - y : y;
			memcpy(dst.p + ((size_t)y * dst.w + x) * dst.comps,
			    src->p + (t->transpose ? (size_t)u * src->w + v :
			    (size_t)v * src->w + u) * src->comps, src->comps);
		}
	return dst;
}


/*
 * Plans the sizes of the copies of an upright w x h picture: without
 * IMAGE_SIZES, a thumbnail within THUMB_EDGE (unless that is the
 * display copy) and the display copy within IMAGE_DISPLAY_EDGE; with
 * it, each IMAGE_WIDTHS width narrower than the display copy, then it.
 */
static void
plan_sizes(struct plan *pl, int w, int h)
{
	static const int	 widths[] = IMAGE_WIDTHS;
	int			 dw = w, dh = h, tw, th;
	size_t			 i;

	fit(&dw, &dh, IMAGE_DISPLAY_EDGE);
	pl->n = 0;
	if (pl->flags & IMAGE_SIZES) {
		for (i = 0; i < sizeof(widths) / sizeof(widths[0]); i++) {
			if (widths[i] >= dw)
				break;
			pl->w[pl->n] = widths[i];
			th = (int)(((long long)dh * widths[i] + dw / 2) / dw);
			pl->h[pl->n++] = th < 1 ? 1 : th;
		}
	} else {
		tw = dw;
		th = dh;
		fit(&tw, &th, THUMB_EDGE);
		if (tw != dw || th != dh) {
			pl->w[pl->n] = tw;
			pl->h[pl->n++] = th;
		}
	}
	pl->w[pl->n] = dw;
	pl->h[pl->n++] = dh;
}

/* Whether the plan makes a WebP twin of each main copy. */
static int
twins(const struct plan *pl)
{
	return (pl->flags & IMAGE_SIZES) && pl->format != IMAGE_WEBP;
}

/*
 * Returns the most memory, in bytes, that decoding, resizing and
 * encoding the probed picture will hold at once: the codec's own peak
 * while decoding, or after it what it still holds with, for a still,
 * shrink's pass to display size, the display copy twice (shrunk, then
 * upright), the smaller copies and encoded files within a third, and a
 * WebP encoder's work on the largest; for an animation, the canvas
 * three times (a frame, upright, shrunk), an animated WebP encoder's
 * canvases for each size, and a byte of encoded frames per pixel.
 */
static size_t
estimate(const struct probe *pr, const struct plan *pl)
{
	size_t	 c = pr->comps, disp, sum = 0, after;
	int	 i, dw = pr->dw, dh = pr->dh;

	fit(&dw, &dh, IMAGE_DISPLAY_EDGE);
	disp = (size_t)dw * dh;
	for (i = 0; i < pl->n; i++)
		sum += (size_t)pl->w[i] * pl->h[i];
	if (pr->frames > 1)
		after = (size_t)pr->width * pr->height * 4 * 3 +
		    sum * ANIM_WORK + (size_t)pr->frames * disp;
	else
		after = (size_t)dw * pr->dh * c + 3 * disp * c +
		    (twins(pl) || pl->format == IMAGE_WEBP ? disp * WEBP_WORK :
		    0);
	after += pr->held;
	return pr->decode > after ? pr->decode : after;
}

/* Returns gray px as RGB (a copy the caller frees), for WebP. */
static struct pixels
gray_to_rgb(const struct pixels *px)
{
	struct pixels	 rgb = { NULL, px->w, px->h, 3 };
	size_t		 i, n = (size_t)px->w * px->h;

	rgb.p = xmalloc(n * 3);
	for (i = 0; i < n; i++)
		memset(rgb.p + 3 * i, px->p[i], 3);
	return rgb;
}

/*
 * Encodes px as the plan's main format into *main and, when the plan
 * wants twins, as WebP into *twin (lossless beside a PNG, else lossy),
 * kept only when smaller.  Returns IMAGE_OK or the error.
 */
static int
encode_size(const struct plan *pl, const struct pixels *px,
    struct blob *main, struct blob *twin)
{
	struct pixels	 rgb;
	int		 rc;

	if (pl->format == IMAGE_JPEG)
		rc = jpeg_encode(px, main);
	else if (pl->format == IMAGE_PNG)
		rc = png_encode(px, main);
	else if (px->comps == 1) {
		rgb = gray_to_rgb(px);
		rc = webp_encode(&rgb, pl->lossless, main);
		free(rgb.p);
	} else
		rc = webp_encode(px, pl->lossless, main);
	if (rc != IMAGE_OK || !twins(pl))
		return rc;
	rgb = px->comps == 1 ? gray_to_rgb(px) : *px;
	rc = webp_encode(&rgb, pl->format == IMAGE_PNG, twin);
	if (rgb.p != px->p)
		free(rgb.p);
	if (rc == IMAGE_OK && twin->len >= main->len) {
		free(twin->data);
		twin->data = NULL;
		twin->len = 0;
	}
	return rc;
}

/*
 * Decodes the probed still, then makes every planned copy of it into
 * pl->blob (main copy, then its twin, for each size).  The pixels are
 * freed before it returns.
 */
static int
still(const struct codec *c, const unsigned char *p, size_t len,
    struct probe *pr, struct plan *pl)
{
	struct pixels	 px, disp, up, sz;
	int		 rc, i;

	if ((rc = c->decode(p, len, pr, &px)) != IMAGE_OK)
		return rc;
	to_srgb(pr->icc, pr->icclen, &px);
	disp = shrink(&px, IMAGE_DISPLAY_EDGE);
	free(px.p);
	up = orient(&disp, pr->orientation);
	free(disp.p);
	plan_sizes(pl, up.w, up.h);
	for (i = 0; i < pl->n && rc == IMAGE_OK; i++) {
		sz = i + 1 == pl->n ? up : shrink_to(&up, pl->w[i], pl->h[i]);
		rc = encode_size(pl, &sz, &pl->blob[2 * i],
		    &pl->blob[2 * i + 1]);
		if (sz.p != up.p)
			free(sz.p);
	}
	free(up.p);
	return rc;
}

/* An animation being re-encoded: an encoder per planned size. */
struct anim {
	struct plan		*pl;
	const struct probe	*pr;
	struct webp_anim	*enc[IMAGE_FILES_MAX];
	int			 ms;	/* the next frame's timestamp */
};

/* Adds the canvas px, shown for delay ms, to each size's encoder. */
static int
anim_frame(const struct pixels *px, int delay, void *arg)
{
	struct anim	*a = arg;
	struct pixels	 work = *px, up, sz;
	int		 i, rc = IMAGE_OK;

	if (a->pr->icc != NULL) {
		work.p = image_dup(px->p, (size_t)px->w * px->h * px->comps);
		to_srgb(a->pr->icc, a->pr->icclen, &work);
	}
	up = orient(&work, a->pr->orientation);
	if (work.p != px->p)
		free(work.p);
	for (i = 0; i < a->pl->n && rc == IMAGE_OK; i++) {
		sz = shrink_to(&up, a->pl->w[i], a->pl->h[i]);
		rc = webp_anim_add(a->enc[i], &sz, a->ms);
		free(sz.p);
	}
	free(up.p);
	a->ms += delay;
	return rc;
}

/*
 * Decodes the probed animation a frame at a time into an animated WebP
 * per planned size, into pl->blob[2 * i].
 */
static int
animation(const struct codec *c, const unsigned char *p, size_t len,
    struct probe *pr, struct plan *pl)
{
	struct anim	 a;
	int		 i, rc = IMAGE_OK;

	memset(&a, 0, sizeof(a));
	a.pl = pl;
	a.pr = pr;
	for (i = 0; i < pl->n; i++)
		a.enc[i] = webp_anim_new(pl->w[i], pl->h[i], pr->loops,
		    pl->lossless);
	rc = c->frames(p, len, pr, anim_frame, &a);
	for (i = 0; i < pl->n; i++) {
		if (rc == IMAGE_OK)
			rc = webp_anim_end(a.enc[i], a.ms, &pl->blob[2 * i]);
		webp_anim_free(a.enc[i]);
	}
	return rc;
}

/* Returns the formats[] entry of format f. */
static const struct format *
format_of(int f)
{
	size_t	 i;

	for (i = 0; i < NFORMATS && formats[i].format != f; i++)
		;
	return &formats[i < NFORMATS ? i : 0];
}

/*
 * Fills the display and thumbnail fields of out from out->file: the
 * widest and the narrowest main copy.
 */
static void
summarise(struct image *out)
{
	const struct image_file	*d = NULL, *t = NULL;
	int			 i;

	for (i = 0; i < out->nfiles; i++) {
		if (out->file[i].webp_copy)
			continue;
		d = &out->file[i];
		t = t == NULL ? d : t;
	}
	memcpy(out->hash, d->hash, sizeof(out->hash));
	out->width = d->width;
	out->height = d->height;
	out->made_display = d->made;
	memcpy(out->thumb, t->hash, sizeof(out->thumb));
	out->thumb_width = t->width;
	out->thumb_height = t->height;
	out->made_thumb = t != d && t->made;
}

/* The image_rc of a media_put failure. */
static int
save_error(int store_rc)
{
	return store_rc == STORE_FULL ? IMAGE_FULL : store_rc == STORE_DOWN ||
	    store_rc == STORE_RETRY ? IMAGE_BUSY : IMAGE_IO;
}

/*
 * Stores every blob of pl through ms as a file of out; if one fails,
 * takes back those this call made.  Two blobs of the same bytes are one
 * file.
 */
static int
save_all(const struct media_store *ms, struct store_conn *c,
    const struct plan *pl, struct image *out)
{
	const struct format	*fm = format_of(pl->format), *wp;
	struct image_file	*f;
	const struct blob	*b;
	int			 i, rc = IMAGE_OK;

	wp = format_of(IMAGE_WEBP);
	for (i = 0; i < 2 * pl->n && rc == IMAGE_OK; i++) {
		b = &pl->blob[i];
		if (b->data == NULL)
			continue;
		f = &out->file[out->nfiles++];
		f->webp_copy = i % 2;
		f->format = f->webp_copy ? IMAGE_WEBP : pl->format;
		f->ext = f->webp_copy ? wp->ext : fm->ext;
		f->mime = f->webp_copy ? wp->mime : fm->mime;
		f->width = pl->w[i / 2];
		f->height = pl->h[i / 2];
		if ((rc = media_put_pinned(ms, c, f->mime, b->data, b->len,
		    f->hash, &f->made, (pl->flags & IMAGE_PIN) ? &f->pinned :
		    NULL)) != STORE_OK)
			rc = save_error(rc);
	}
	if (rc != IMAGE_OK) {
		image_discard(ms, c, out);
		out->nfiles = 0;
		return rc;
	}
	out->format = pl->format;
	out->ext = fm->ext;
	out->mime = fm->mime;
	summarise(out);
	return IMAGE_OK;
}

/*
 * Plans the copies of the probed upload of format fm: their format and
 * sizes (of the upright picture).
 */
static void
plan(struct plan *pl, unsigned flags, const struct format *fm,
    const struct probe *pr)
{
	int	 turned = pr->orientation >= 5;

	memset(pl, 0, sizeof(*pl));
	pl->flags = flags;
	pl->lossless = pr->lossless;
	if (pr->frames > 1 || fm->format == IMAGE_WEBP)
		pl->format = IMAGE_WEBP;
	else if (fm->format == IMAGE_GIF)
		pl->format = IMAGE_PNG;
	else
		pl->format = fm->format;
	plan_sizes(pl, turned ? pr->dh : pr->dw, turned ? pr->dw : pr->dh);
}

/* Checks the probe's sizes against the limits. */
static int
within_limits(const struct probe *pr)
{
	long long	 px = (long long)pr->width * pr->height;

	if (pr->width < 1 || pr->height < 1 || pr->frames < 1)
		return IMAGE_CORRUPT;
	if (pr->width > IMAGE_MAX_SIDE || pr->height > IMAGE_MAX_SIDE ||
	    px > IMAGE_MAX_PIXELS || pr->frames > IMAGE_MAX_FRAMES ||
	    (pr->frames > 1 && px * pr->frames > IMAGE_MAX_ANIM_PIXELS))
		return IMAGE_TOO_BIG;
	return IMAGE_OK;
}

/*
 * Probes p[0..len) as fm, then, through the gate, decodes and encodes
 * it and stores the copies into out.  *need is what the gate was asked.
 */
static int
convert(const struct format *fm, const unsigned char *p, size_t len,
    unsigned flags, const struct media_store *ms, struct store_conn *conn,
    struct image_gate *gate, struct image *out, size_t *need)
{
	const struct codec	*c = fm->codec;
	struct probe		 pr;
	struct plan		 pl;
	int			 rc, i;

	memset(&pr, 0, sizeof(pr));
	pr.format = fm->format;
	pr.orientation = 1;
	if ((rc = c->probe(p, len, &pr)) == IMAGE_OK &&
	    (rc = within_limits(&pr)) == IMAGE_OK) {
		plan(&pl, flags, fm, &pr);
		if ((rc = gate_enter(gate, *need = estimate(&pr, &pl))) ==
		    IMAGE_OK) {
			rc = pr.frames > 1 ? animation(c, p, len, &pr, &pl) :
			    still(c, p, len, &pr, &pl);
			/* The pixels are gone: files need no decode memory. */
			gate_leave(gate, *need);
			if (rc == IMAGE_OK)
				rc = save_all(ms, conn, &pl, out);
			for (i = 0; i < 2 * pl.n; i++)
				free(pl.blob[i].data);
		}
	}
	if (rc == IMAGE_OK)
		out->frames = pr.frames;
	c->done(&pr);
	free(pr.icc_own);
	return rc;
}

int
image_store(const void *data, size_t len, unsigned flags,
    const struct media_store *ms, struct store_conn *c,
    struct image_gate *gate, struct image *out, char *msg, size_t msglen)
{
	const struct format	*fm = sniff(data, len);
	size_t			 need = 0;
	int			 rc;

	memset(out, 0, sizeof(*out));
	if (len > IMAGE_MAX_BYTES)
		rc = IMAGE_TOO_BIG;
	else if (fm == NULL || !(flags & fm->format))
		rc = IMAGE_NOT_JPEG;
	else {
		out->source = fm->format;
		rc = convert(fm, data, len, flags, ms, c, gate, out, &need);
	}
	if (msglen == 0)
		return rc;
	if (rc == IMAGE_NOT_JPEG)
		not_accepted(flags, msg, msglen);
	else
		snprintf(msg, msglen, "%s", rc == IMAGE_TOO_BIG && need > 0 ?
		    too_heavy : messages[rc]);
	return rc;
}

/* favicon.ico's sizes, smallest first, as browsers pick among them. */
static const int ico_sides[] = { 16, 32, 48 };
#define NICO	(sizeof(ico_sides) / sizeof(ico_sides[0]))

/* Returns the middle square of px (a copy the caller frees). */
static struct pixels
square(const struct pixels *px)
{
	int		 side = px->w < px->h ? px->w : px->h, y;
	struct pixels	 sq = { NULL, side, side, px->comps };
	size_t		 row = (size_t)side * px->comps;
	const unsigned char *from = px->p + ((size_t)(px->h - side) / 2 *
	    px->w + (size_t)(px->w - side) / 2) * px->comps;

	sq.p = xmalloc(row * side);
	for (y = 0; y < side; y++)
		memcpy(sq.p + y * row, from + (size_t)y * px->w * px->comps,
		    row);
	return sq;
}

/* Appends v to p as n little-endian bytes; returns p past them. */
static unsigned char *
le(unsigned char *p, uint32_t v, int n)
{
	while (n-- > 0) {
		*p++ = v & 0xff;
		v >>= 8;
	}
	return p;
}

/*
 * Packs png[0..NICO) into an ICO (an ICONDIR, an entry of 16 bytes for
 * each, then the PNGs as they are: Windows Vista's and every browser's
 * PNG-in-ICO).
 */
static void
ico_pack(const struct blob *png, struct image_icon *out)
{
	size_t		 i, len = 6 + 16 * NICO, off = len;
	unsigned char	*p;

	for (i = 0; i < NICO; i++)
		len += png[i].len;
	out->ico = p = xmalloc(len);
	out->icolen = len;
	p = le(le(le(p, 0, 2), 1, 2), NICO, 2);
	for (i = 0; i < NICO; i++) {
		*p++ = (unsigned char)ico_sides[i];
		*p++ = (unsigned char)ico_sides[i];
		p = le(p, 0, 2);		/* no palette, reserved */
		p = le(le(p, 1, 2), 32, 2);	/* planes, bits */
		p = le(le(p, (uint32_t)png[i].len, 4), (uint32_t)off, 4);
		off += png[i].len;
	}
	for (i = 0; i < NICO; i++) {
		memcpy(p, png[i].data, png[i].len);
		p += png[i].len;
	}
}

/* Encodes sq shrunk to side x side as PNG into *b. */
static int
icon_size(const struct pixels *sq, int side, struct blob *b)
{
	struct pixels	 px = shrink_to(sq, side, side);
	int		 rc = png_encode(&px, b);

	free(px.p);
	return rc;
}

/* Decodes the probed still and makes out's files from it. */
static int
icon_draw(const struct codec *c, const unsigned char *p, size_t len,
    struct probe *pr, struct image_icon *out)
{
	struct pixels	 px, up, sq;
	struct blob	 png[NICO], touch = { NULL, 0 };
	size_t		 i;
	int		 rc;

	if ((rc = c->decode(p, len, pr, &px)) != IMAGE_OK)
		return rc;
	to_srgb(pr->icc, pr->icclen, &px);
	up = orient(&px, pr->orientation);
	free(px.p);
	sq = square(&up);
	free(up.p);
	memset(png, 0, sizeof(png));
	rc = sq.w < ICON_MIN ? IMAGE_SMALL : icon_size(&sq, ICON_MIN, &touch);
	for (i = 0; i < NICO && rc == IMAGE_OK; i++)
		rc = icon_size(&sq, ico_sides[i], &png[i]);
	free(sq.p);
	if (rc == IMAGE_OK) {
		ico_pack(png, out);
		out->touch = touch.data;
		out->touchlen = touch.len;
	} else
		free(touch.data);
	for (i = 0; i < NICO; i++)
		free(png[i].data);
	return rc;
}

int
image_icon(const void *data, size_t len, struct image_gate *gate,
    struct image_icon *out, char *msg, size_t msglen)
{
	const struct format	*fm = sniff(data, len);
	struct probe		 pr;
	size_t			 need = 0;
	int			 rc;

	memset(out, 0, sizeof(*out));
	memset(&pr, 0, sizeof(pr));
	pr.orientation = 1;
	if (len > IMAGE_MAX_BYTES)
		rc = IMAGE_TOO_BIG;
	else if (fm == NULL)
		rc = IMAGE_NOT_JPEG;
	else if (pr.format = fm->format, (rc = fm->codec->probe(data, len,
	    &pr)) == IMAGE_OK && (rc = within_limits(&pr)) == IMAGE_OK) {
		/* The decode, then the upright copy and the square. */
		need = pr.decode + 2 * (size_t)pr.dw * pr.dh * pr.comps;
		if (pr.frames > 1)
			rc = IMAGE_UNSUPPORTED;
		else if ((rc = gate_enter(gate, need)) == IMAGE_OK) {
			rc = icon_draw(fm->codec, data, len, &pr, out);
			gate_leave(gate, need);
		}
	}
	if (fm != NULL && len <= IMAGE_MAX_BYTES) {
		fm->codec->done(&pr);
		free(pr.icc_own);
	}
	if (rc == IMAGE_NOT_JPEG)
		not_accepted(IMAGE_ANY, msg, msglen);
	else if (rc == IMAGE_UNSUPPORTED && pr.frames > 1)
		snprintf(msg, msglen, "%s", N_("An icon is a still picture, not"
		    " an animation."));
	else
		snprintf(msg, msglen, "%s", rc == IMAGE_TOO_BIG && need > 0 ?
		    too_heavy : messages[rc]);
	return rc;
}

void
image_discard(const struct media_store *ms, struct store_conn *c,
    struct image *im)
{
	int	 i;

	image_unpin(im);
	for (i = 0; i < im->nfiles; i++)
		if (im->file[i].made)
			media_discard(ms, c, im->file[i].hash, im->file[i].ext);
}

void
image_unpin(struct image *im)
{
	int	 i;

	for (i = 0; i < im->nfiles; i++)
		if (im->file[i].pinned) {
			media_unpin(im->file[i].hash);
			im->file[i].pinned = 0;
		}
}

const char *
image_mime(const char *ext)
{
	size_t	 i;

	for (i = 0; i < NFORMATS; i++)
		if (formats[i].ext != NULL && strcmp(ext, formats[i].ext) == 0)
			return formats[i].mime;
	return NULL;
}

const char *
image_ext(const char *mime)
{
	size_t	 i;

	for (i = 0; i < NFORMATS; i++)
		if (formats[i].mime != NULL &&
		    strcmp(mime, formats[i].mime) == 0)
			return formats[i].ext;
	return NULL;
}
