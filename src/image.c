/*
 * image: the safe path from an uploaded JPEG to the two copies Galley
 * serves (see image.h).  Nothing of the upload is trusted or kept: a
 * marker walk checks the file's structure, reads the frame header, bounds
 * the pixel count and finds what libjpeg-turbo 2.1 cannot decode (12-bit,
 * lossless, hierarchical) before TurboJPEG is handed anything or a pixel
 * is allocated; TurboJPEG decodes with warnings fatal and scans limited,
 * scaled by its DCT straight to near display size; the pixels are
 * shrunk by area averaging, turned upright from the EXIF orientation
 * (read with libexif), and encoded afresh, so no marker of the upload
 * survives.  Every call makes its own TurboJPEG and libexif objects; the
 * one shared thing, the gate that bounds how many decodes run and how
 * much memory they hold, locks inside itself, so threads may share it
 * all freely.  Files are made with link(), so a call knows which files
 * it created and can take back exactly those.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <libexif/exif-data.h>
#include <sodium.h>
#include <turbojpeg.h>

#include "alloc.h"
#include "image.h"

#define MAX_BYTES	(8 * 1024 * 1024)
#define MAX_SIDE	10000
#define MAX_PIXELS	40000000LL
/*
 * A progressive JPEG makes libjpeg walk its whole coefficient array once
 * per scan, so a small file of many scans costs much CPU (TurboJPEG's
 * own TJFLAG_LIMITSCANS stops only at 500).  What encoders write:
 * libjpeg's jpeg_simple_progression (cjpeg and jpegtran -progressive,
 * TurboJPEG, ImageMagick, most libraries) 10 scans for YCbCr, 6 for
 * gray, 2 + 4 a component otherwise (14 for RGB, 18 for CMYK); mozjpeg's
 * scan search at most 16 (DC, 2 chroma DC, 2 luma and 4 chroma AC bands,
 * 3 + 4 refinements), 10 or 11 without it; jpegli's script at most 5 a
 * component (20 for subsampled CMYK); Photoshop offers 3 to 5; cameras
 * write baseline.  32 leaves room for a hand-made jpegtran -scans script
 * and bounds what scans can add: a flat 10000x4000 4:4:4 file decodes
 * (djpeg -scale 1/4) in 0.9 s with 10 scans, 1.1 s with 32, 1.6 s with
 * 100.  Most of that, and its 236 MiB, is the 40 megapixels' worth of
 * coefficients, which the gate's memory budget bounds.
 */
#define MAX_SCANS	32
#define DISPLAY_EDGE	1600
#define THUMB_EDGE	320
#define QUALITY		82
#define DECODE_FLAGS	(TJFLAG_STOPONWARNING | TJFLAG_LIMITSCANS)
#define MIB		(1024 * 1024)

/* What the commenter reads, by return code. */
static const char *const messages[] = {
	[IMAGE_OK] = "",
	[IMAGE_NOT_JPEG] = "That file is not a JPEG image.",
	[IMAGE_TOO_BIG] = "The image is too large: at most 8 MB, 40 "
	    "megapixels and 10,000 pixels a side.",
	[IMAGE_UNSUPPORTED] = "This kind of JPEG (such as 12-bit or "
	    "lossless) is not supported.",
	[IMAGE_CORRUPT] = "The image file is damaged or incomplete.",
	[IMAGE_IO] = "The image could not be saved; please try again later.",
	[IMAGE_FULL] = "The site has no room to save pictures right now;"
	    " please try again later.",
	[IMAGE_BUSY] = "The site is busy with other pictures right now;"
	    " please try again in a minute.",
};

/* IMAGE_TOO_BIG for an image within the limits that the gate refuses. */
static const char too_heavy[] = "This image would need too much memory"
    " to process (a large progressive JPEG); please send it as a"
    " standard JPEG, or smaller.";

/* See image.h: slots and bytes taken by the decodes running. */
struct image_gate {
	pthread_mutex_t	 lock;
	pthread_cond_t	 room;		/* broadcast when a decode ends */
	int		 slots, busy;
	size_t		 budget, used;
	int		 wait_ms;
};

/* What the marker walk learns before libjpeg sees the file. */
struct walk {
	size_t			 end;	/* just past the first EOI */
	const unsigned char	*exif;	/* first Exif APP1 payload, or NULL */
	size_t			 exiflen;
	int			 sof;	/* the frame's SOF marker, 0 before */
	int			 width, height, comps;	/* from the SOF */
	int			 h[4], v[4];	/* sampling factors, 1 to 4 */
	int			 hmax, vmax;
	int			 scans;	/* SOS segments seen */
};

/* Decoded pixels, rows top to bottom, comps (1 or 3) bytes a pixel. */
struct pixels {
	unsigned char	*p;
	int		 w, h, comps;
};

/* A JPEG made by tjCompress2(), freed with tjFree(). */
struct jpeg {
	unsigned char	*data;
	unsigned long	 len;
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

/*
 * Logs a failure to store what (errno e) once; returns IMAGE_FULL when
 * the disk or the quota is full, else IMAGE_IO.
 */
static int
io_error(const char *what, int e)
{
	char	 why[128];

	if (strerror_r(e, why, sizeof(why)) != 0)
		snprintf(why, sizeof(why), "error %d", e);
	fprintf(stderr, "image: %s: %s\n", what, why);
	return e == ENOSPC || e == EDQUOT ? IMAGE_FULL : IMAGE_IO;
}

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

/*
 * Reads the frame header, SOF segment s[0..n): one frame, 8-bit samples
 * (12-bit is valid JPEG that libjpeg-turbo 2.1 cannot decode; any other
 * precision is nonsense in a DCT frame), a height (libjpeg does not
 * support DNL), gray, YCbCr/RGB or CMYK/YCCK components with sampling
 * factors of 1 to 4 (as libjpeg requires), and the size limits.  This
 * is also what libjpeg will see: it reads the same first SOF, and
 * tjDecompressHeader3() is not used because 2.1 refuses valid files
 * whose sampling factors it has no name for (CMYK 4:2:0).
 */
static int
walk_frame(struct walk *wk, int m, const unsigned char *s, size_t n)
{
	int	 i;

	if (wk->sof != 0 || n < 6 || n < 6 + 3 * (size_t)s[5])
		return IMAGE_CORRUPT;
	wk->sof = m;
	wk->height = s[1] << 8 | s[2];
	wk->width = s[3] << 8 | s[4];
	wk->comps = s[5];
	if (s[0] == 12)
		return IMAGE_UNSUPPORTED;
	if (s[0] != 8 || wk->width == 0 || wk->height == 0)
		return IMAGE_CORRUPT;
	if (wk->comps != 1 && wk->comps != 3 && wk->comps != 4)
		return IMAGE_UNSUPPORTED;
	for (i = 0; i < wk->comps; i++) {
		wk->h[i] = s[7 + 3 * i] >> 4;
		wk->v[i] = s[7 + 3 * i] & 15;
		if (wk->h[i] < 1 || wk->h[i] > 4 || wk->v[i] < 1 ||
		    wk->v[i] > 4)
			return IMAGE_CORRUPT;
		wk->hmax = wk->h[i] > wk->hmax ? wk->h[i] : wk->hmax;
		wk->vmax = wk->v[i] > wk->vmax ? wk->v[i] : wk->vmax;
	}
	if (wk->width > MAX_SIDE || wk->height > MAX_SIDE ||
	    (long long)wk->width * wk->height > MAX_PIXELS)
		return IMAGE_TOO_BIG;
	return IMAGE_OK;
}

/* Notes the marker segment m with payload s[0..n). */
static int
walk_segment(struct walk *wk, int m, const unsigned char *s, size_t n)
{
	switch (m) {
	case 0xc0: case 0xc1: case 0xc2: case 0xc9: case 0xca:
		return walk_frame(wk, m, s, n);
	case 0xc3: case 0xc5: case 0xc6: case 0xc7:
	case 0xcb: case 0xcd: case 0xce: case 0xcf:
	case 0xde: case 0xdf:
		/* Lossless and hierarchical frames, DHP and EXP. */
		return IMAGE_UNSUPPORTED;
	case 0xda:
		if (wk->sof == 0 || ++wk->scans > MAX_SCANS)
			return IMAGE_CORRUPT;
		return IMAGE_OK;
	case 0xe1:
		if (wk->exif == NULL && n >= 6 &&
		    memcmp(s, "Exif\0\0", 6) == 0) {
			wk->exif = s;
			wk->exiflen = n;
		}
		return IMAGE_OK;
	default:
		return IMAGE_OK;
	}
}

/*
 * Returns the offset of the 0xff that starts the marker ending the
 * entropy-coded data at p[i..len), or len if there is none.  Stuffed
 * zeros, restart markers and fill bytes belong to the data.
 */
static size_t
skip_entropy(const unsigned char *p, size_t len, size_t i)
{
	const unsigned char	*q;

	while (i + 1 < len) {
		if ((q = memchr(p + i, 0xff, len - i - 1)) == NULL)
			return len;
		i = q - p;
		if (p[i + 1] == 0xff)
			i++;
		else if (p[i + 1] == 0x00 || (p[i + 1] & 0xf8) == 0xd0)
			i += 2;
		else
			return i;
	}
	return len;
}

/*
 * Walks the markers of p[0..len) from just after SOI to the first EOI,
 * as libjpeg will, but without its tolerance: garbage between segments,
 * a segment running past the end, no EOI, no frame or no scan are
 * damage.  Returns IMAGE_OK and fills wk, or the error.
 */
static int
walk_jpeg(const unsigned char *p, size_t len, struct walk *wk)
{
	size_t	 i = 2, n;
	int	 m, rc;

	memset(wk, 0, sizeof(*wk));
	for (;;) {
		if (i >= len || p[i] != 0xff)
			return IMAGE_CORRUPT;
		while (i < len && p[i] == 0xff)
			i++;
		if (i >= len)
			return IMAGE_CORRUPT;
		m = p[i++];
		if (m == 0xd9) {
			wk->end = i;
			return wk->scans > 0 ? IMAGE_OK : IMAGE_CORRUPT;
		}
		if (m == 0x01 || (m & 0xf8) == 0xd0)
			continue;	/* TEM, RSTn: no length */
		if (m < 0xc0 || m == 0xd8 || len - i < 2)
			return IMAGE_CORRUPT;
		n = (size_t)p[i] << 8 | p[i + 1];
		if (n < 2 || n > len - i)
			return IMAGE_CORRUPT;
		if ((rc = walk_segment(wk, m, p + i + 2, n - 2)) != IMAGE_OK)
			return rc;
		i += n;
		if (m == 0xda)
			i = skip_entropy(p, len, i);
	}
}

/*
 * Returns the EXIF orientation (1 to 8) in the APP1 payload p[0..len),
 * or 1 when there is none or it is out of range.  Only IFD0 counts: the
 * thumbnail's IFD1 describes the embedded thumbnail.
 */
static int
exif_orientation(const unsigned char *p, size_t len)
{
	ExifData	*ed;
	ExifEntry	*e;
	int		 o = 1;

	if (p == NULL || (ed = exif_data_new()) == NULL)
		return 1;
	/* Read only; don't let libexif add or "fix" tags. */
	exif_data_unset_option(ed, EXIF_DATA_OPTION_FOLLOW_SPECIFICATION);
	exif_data_load_data(ed, p, (unsigned int)len);
	e = exif_content_get_entry(ed->ifd[EXIF_IFD_0], EXIF_TAG_ORIENTATION);
	if (e != NULL && e->format == EXIF_FORMAT_SHORT &&
	    e->components >= 1 && e->size >= 2 && e->data != NULL)
		o = exif_get_short(e->data, exif_data_get_byte_order(ed));
	exif_data_unref(ed);
	return o >= 1 && o <= 8 ? o : 1;
}

/*
 * Returns the smallest DCT scaling factor that still leaves the long
 * edge at least edge pixels (1/1 for a smaller image), so that a big
 * photo is decoded near display size: less memory and time, and the
 * scaled IDCT is a proper low-pass filter.
 */
static tjscalingfactor
pick_scale(int w, int h, int edge)
{
	tjscalingfactor	 best = { 1, 1 }, *sf;
	int		 i, n, longest = w > h ? w : h;

	if ((sf = tjGetScalingFactors(&n)) == NULL)
		return best;
	for (i = 0; i < n; i++) {
		if (sf[i].num > sf[i].denom ||
		    TJSCALED(longest, sf[i]) < edge)
			continue;
		if (TJSCALED(longest, sf[i]) < TJSCALED(longest, best))
			best = sf[i];
	}
	return best;
}

/* Returns n / d rounded up, then up to a multiple of m. */
static size_t
blocks(size_t n, size_t d, size_t m)
{
	n = (n + d - 1) / d;
	return (n + m - 1) / m * m;
}

/*
 * Returns the most memory, in bytes, that decoding, resizing and encoding
 * the walked JPEG will hold at once, from its frame header alone.  While
 * decoding: a progressive or multi-scan file makes libjpeg keep every DCT
 * coefficient until the last scan (64 of 2 bytes for each 8x8 block of
 * each component at its sampling, rounded up to whole MCUs), with the
 * output pixels at the DCT scale decode() picks and libjpeg's row
 * buffers.  After, at most: the output pixels with shrink()'s pass and
 * the display copy, and a second display copy's worth for the upright
 * copy, the thumbnail and the encoded JPEGs.  Checked against peak RSS
 * (libjpeg-turbo 2.1.5, less the process at rest): a 10000x4000 4:4:4
 * progressive file of 100 scans measured 236.7 MiB, estimated 238.9;
 * its 4:2:0 twin 122.2 against 124.4; a 7296x5472 4:2:0 progressive
 * photo 121.9 against 123.7; the same photo baseline 19.4 against 26.7
 * (baseline is decoded a row of blocks at a time).
 */
static size_t
estimate(const struct walk *wk)
{
	tjscalingfactor	 sf = pick_scale(wk->width, wk->height, DISPLAY_EDGE);
	size_t		 coef = 0, pw, ph, dw, dh, big, px, disp, rows, after;
	int		 i, c = wk->comps == 1 ? 1 : 3;

	for (i = 0; i < wk->comps && (wk->sof == 0xc2 || wk->sof == 0xca ||
	    wk->scans > 1); i++)
		coef += blocks((size_t)wk->width * wk->h[i], 8 * wk->hmax,
		    wk->h[i]) * blocks((size_t)wk->height * wk->v[i],
		    8 * wk->vmax, wk->v[i]) * 64 * 2;
	pw = TJSCALED(wk->width, sf);
	ph = TJSCALED(wk->height, sf);
	big = pw > ph ? pw : ph;
	dw = big > DISPLAY_EDGE ? pw * DISPLAY_EDGE / big + 1 : pw;
	dh = big > DISPLAY_EDGE ? ph * DISPLAY_EDGE / big + 1 : ph;
	px = pw * ph * (wk->comps == 4 ? 4 : c);
	disp = dw * dh * c;
	rows = (size_t)wk->width * wk->comps * 64 + MIB;
	after = px + dw * ph * c + 2 * disp;
	return rows + (coef + px > after ? coef + px : after);
}

/*
 * Turns CMYK into RGB in place.  CMYK JPEGs are taken as Adobe writes
 * them, inverted (255 is no ink), as browsers take them.
 */
static void
cmyk_to_rgb(struct pixels *px)
{
	size_t		 i, n = (size_t)px->w * px->h;
	unsigned char	*p = px->p;
	unsigned	 k;

	for (i = 0; i < n; i++) {
		k = p[4 * i + 3];
		p[3 * i] = (p[4 * i] * k + 127) / 255;
		p[3 * i + 1] = (p[4 * i + 1] * k + 127) / 255;
		p[3 * i + 2] = (p[4 * i + 2] * k + 127) / 255;
	}
	px->comps = 3;
}

/*
 * Decodes the walked JPEG p[0..wk->end) into px: grayscale as one byte a
 * pixel, all else as RGB, scaled towards DISPLAY_EDGE.  TurboJPEG picks
 * a scale whose size fits in what is asked for, so it never writes past
 * px->p.  Returns IMAGE_OK (the caller frees px->p) or the error.
 */
static int
decode(tjhandle tj, const unsigned char *p, const struct walk *wk,
    struct pixels *px)
{
	tjscalingfactor	 sf;
	int		 pf;

	if (wk->comps == 1)
		pf = TJPF_GRAY;
	else if (wk->comps == 4)
		pf = TJPF_CMYK;
	else
		pf = TJPF_RGB;
	sf = pick_scale(wk->width, wk->height, DISPLAY_EDGE);
	px->w = TJSCALED(wk->width, sf);
	px->h = TJSCALED(wk->height, sf);
	px->comps = tjPixelSize[pf];
	px->p = xmalloc((size_t)px->w * px->h * px->comps);
	if (tjDecompress2(tj, p, wk->end, px->p, px->w, 0, px->h, pf,
	    DECODE_FLAGS) != 0) {
		free(px->p);
		px->p = NULL;
		return IMAGE_CORRUPT;
	}
	if (pf == TJPF_CMYK)
		cmyk_to_rgb(px);
	return IMAGE_OK;
}

/*
 * Resamples n samples stride bytes apart at src into m <= n samples
 * dstride bytes apart at dst, each the mean of the span of source it
 * covers, samples cut by a span's ends weighted by the part inside.
 */
static void
shrink_line(const unsigned char *src, size_t stride, int n,
    unsigned char *dst, size_t dstride, int m, int comps)
{
	double	 acc[3], scale = (double)n / m, lo, hi, wt, v;
	int	 i, j, c;

	for (i = 0; i < m; i++) {
		lo = i * scale;
		hi = (i + 1) * scale;
		memset(acc, 0, sizeof(acc));
		for (j = (int)lo; j < n && j < hi; j++) {
			wt = (j + 1 < hi ? j + 1 : hi) - (j > lo ? j : lo);
			for (c = 0; c < comps; c++)
				acc[c] += wt * src[j * stride + c];
		}
		for (c = 0; c < comps; c++) {
			v = acc[c] / scale + 0.5;
			dst[i * dstride + c] = v > 255 ? 255 : (unsigned char)v;
		}
	}
}

/*
 * Returns a copy of src whose long edge is at most edge pixels, aspect
 * kept, by area averaging rows then columns; never enlarged.  The
 * caller frees the result's p.
 */
static struct pixels
shrink(const struct pixels *src, int edge)
{
	struct pixels	 dst = *src;
	unsigned char	*tmp;
	size_t		 row;
	int		 x, y, big = src->w > src->h ? src->w : src->h;

	if (big > edge) {
		dst.w = (int)(((long long)src->w * edge + big / 2) / big);
		dst.h = (int)(((long long)src->h * edge + big / 2) / big);
		dst.w = dst.w < 1 ? 1 : dst.w;
		dst.h = dst.h < 1 ? 1 : dst.h;
	}
	row = (size_t)dst.w * dst.comps;
	tmp = xmalloc(row * src->h);
	dst.p = xmalloc(row * dst.h);
	for (y = 0; y < src->h; y++)
		shrink_line(src->p + (size_t)y * src->w * src->comps,
		    src->comps, src->w, tmp + y * row, dst.comps, dst.w,
		    dst.comps);
	for (x = 0; x < dst.w; x++)
		shrink_line(tmp + (size_t)x * dst.comps, row, src->h,
		    dst.p + (size_t)x * dst.comps, row, dst.h, dst.comps);
	free(tmp);
	return dst;
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
 * Decodes the checked JPEG p[0..wk->end) into the upright display
 * pixels and the thumbnail pixels.  Returns IMAGE_OK (the caller frees
 * both p) or the error.
 */
static int
render(const unsigned char *p, const struct walk *wk, struct pixels *disp,
    struct pixels *thumb)
{
	struct pixels	 px, small;
	tjhandle	 tj;
	int		 rc;

	if ((tj = tjInitDecompress()) == NULL)
		return io_error("tjInitDecompress", ENOMEM);
	rc = decode(tj, p, wk, &px);
	tjDestroy(tj);
	if (rc != IMAGE_OK)
		return rc;
	small = shrink(&px, DISPLAY_EDGE);
	free(px.p);
	*disp = orient(&small, exif_orientation(wk->exif, wk->exiflen));
	free(small.p);
	*thumb = shrink(disp, THUMB_EDGE);
	return IMAGE_OK;
}

/* Encodes px at QUALITY, 4:2:0 (or grayscale), into out. */
static int
encode(tjhandle tj, const struct pixels *px, struct jpeg *out)
{
	int	 gray = px->comps == 1;

	if (tjCompress2(tj, px->p, px->w, 0, px->h,
	    gray ? TJPF_GRAY : TJPF_RGB, &out->data, &out->len,
	    gray ? TJSAMP_GRAY : TJSAMP_420, QUALITY, 0) != 0) {
		fprintf(stderr, "image: tjCompress2: %s\n", tjGetErrorStr2(tj));
		return IMAGE_IO;
	}
	return IMAGE_OK;
}

/* Writes all of data[0..len) to fd; returns 0, or -1 with errno set. */
static int
write_all(int fd, const unsigned char *data, size_t len)
{
	ssize_t	 n;

	while (len > 0) {
		if ((n = write(fd, data, len)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		data += n;
		len -= n;
	}
	return 0;
}

/* Makes a rename in dir durable. */
static int
sync_dir(const char *dir)
{
	int	 fd, e;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY)) == -1)
		return io_error(dir, errno);
	if (fsync(fd) == -1) {
		e = errno;
		close(fd);
		return io_error(dir, e);
	}
	close(fd);
	return IMAGE_OK;
}

/*
 * Stores j as dir/HASH.jpg, HASH the hex SHA-256 of its bytes, written
 * into hash[65]: a temporary file, fsync, then link() to its name.  The
 * link fails with EEXIST when the file is there already, the same bytes
 * stored before (perhaps for another comment): then *made is 0, else 1.
 * On failure nothing this call made is left.
 */
static int
save(const char *dir, const struct jpeg *j, char *hash, int *made)
{
	unsigned char	 md[crypto_hash_sha256_BYTES];
	char		 path[PATH_MAX], tmp[PATH_MAX];
	int		 fd, e, rc;

	*made = 0;
	crypto_hash_sha256(md, j->data, j->len);
	sodium_bin2hex(hash, 65, md, sizeof(md));
	if ((size_t)snprintf(path, sizeof(path), "%s/%s.jpg", dir, hash) >=
	    sizeof(path) || (size_t)snprintf(tmp, sizeof(tmp),
	    "%s/.%s.XXXXXX", dir, hash) >= sizeof(tmp))
		return io_error(dir, ENAMETOOLONG);
	if ((fd = mkstemp(tmp)) == -1)
		return io_error(tmp, errno);
	if (write_all(fd, j->data, j->len) == -1 || fchmod(fd, 0644) == -1 ||
	    fsync(fd) == -1) {
		e = errno;
		close(fd);
		goto fail;
	}
	if (close(fd) == -1) {
		e = errno;
		goto fail;
	}
	if (link(tmp, path) == 0)
		*made = 1;
	else if (errno != EEXIST) {
		e = errno;
		goto fail;
	}
	unlink(tmp);
	if ((rc = sync_dir(dir)) != IMAGE_OK && *made) {
		unlink(path);
		*made = 0;
	}
	return rc;
fail:
	unlink(tmp);
	return io_error(path, e);
}

/*
 * Decodes the checked JPEG p[0..wk->end) and encodes its display copy
 * and thumbnail into j[0] and j[1] (the caller tjFree()s their data),
 * their sizes into out.  The pixels are freed before it returns.
 */
static int
make_copies(const unsigned char *p, const struct walk *wk, struct jpeg j[2],
    struct image *out)
{
	struct pixels	 disp, thumb;
	tjhandle	 h;
	int		 rc;

	if ((rc = render(p, wk, &disp, &thumb)) != IMAGE_OK)
		return rc;
	if ((h = tjInitCompress()) == NULL)
		rc = io_error("tjInitCompress", ENOMEM);
	else if ((rc = encode(h, &disp, &j[0])) == IMAGE_OK)
		rc = encode(h, &thumb, &j[1]);
	if (h != NULL)
		tjDestroy(h);
	out->width = disp.w;
	out->height = disp.h;
	out->thumb_width = thumb.w;
	out->thumb_height = thumb.h;
	free(disp.p);
	free(thumb.p);
	return rc;
}

/*
 * Stores both copies (once, when the thumbnail is the display copy);
 * if the thumbnail fails, takes back the display copy if it made it.
 */
static int
save_copies(const char *dir, const struct jpeg j[2], struct image *out)
{
	int	 rc;

	if ((rc = save(dir, &j[0], out->hash, &out->made_display)) !=
	    IMAGE_OK)
		return rc;
	if (j[1].len == j[0].len && memcmp(j[1].data, j[0].data, j[0].len) ==
	    0) {
		memcpy(out->thumb, out->hash, sizeof(out->thumb));
		return IMAGE_OK;
	}
	if ((rc = save(dir, &j[1], out->thumb, &out->made_thumb)) !=
	    IMAGE_OK) {
		image_discard(dir, out);
		out->made_display = 0;
	}
	return rc;
}

int
image_store(const void *data, size_t len, const char *media_dir,
    struct image_gate *gate, struct image *out, char *msg, size_t msglen)
{
	const unsigned char	*p = data;
	struct jpeg		 j[2] = { { NULL, 0 }, { NULL, 0 } };
	struct walk		 wk;
	size_t			 need = 0;
	int			 rc;

	memset(out, 0, sizeof(*out));
	if (len > MAX_BYTES)
		rc = IMAGE_TOO_BIG;
	else if (len < 3 || p[0] != 0xff || p[1] != 0xd8 || p[2] != 0xff)
		rc = IMAGE_NOT_JPEG;
	else if ((rc = walk_jpeg(p, len, &wk)) == IMAGE_OK &&
	    (rc = gate_enter(gate, need = estimate(&wk))) == IMAGE_OK) {
		rc = make_copies(p, &wk, j, out);
		/* The pixels are gone: the files need no decode memory. */
		gate_leave(gate, need);
		if (rc == IMAGE_OK)
			rc = save_copies(media_dir, j, out);
		tjFree(j[0].data);
		tjFree(j[1].data);
	}
	if (msglen > 0)
		snprintf(msg, msglen, "%s", rc == IMAGE_TOO_BIG && need > 0 ?
		    too_heavy : messages[rc]);
	return rc;
}

/* Unlinks dir/hash.jpg. */
static void
remove_copy(const char *dir, const char *hash)
{
	char	 path[PATH_MAX];

	if ((size_t)snprintf(path, sizeof(path), "%s/%s.jpg", dir, hash) <
	    sizeof(path) && unlink(path) == -1 && errno != ENOENT)
		fprintf(stderr, "image: %s: %s\n", path, strerror(errno));
}

void
image_discard(const char *media_dir, const struct image *im)
{
	if (im->made_display)
		remove_copy(media_dir, im->hash);
	if (im->made_thumb)
		remove_copy(media_dir, im->thumb);
}
