/*
 * image_jpeg: the JPEG codec of image.c (see image_codec.h).  Nothing of
 * the upload is trusted: a marker walk checks the file's structure,
 * reads the frame header, bounds the pixel count and finds what
 * libjpeg-turbo 2.1 cannot decode (12-bit, lossless, hierarchical)
 * before TurboJPEG is handed anything or a pixel is allocated; it also
 * keeps the EXIF APP1 (for the orientation) and gathers the ICC profile
 * from its APP2 chunks.  TurboJPEG decodes with warnings fatal and scans
 * limited, scaled by its DCT straight to near display size.  Every call
 * makes its own TurboJPEG objects, so threads share nothing here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <turbojpeg.h>

#include "alloc.h"
#include "image.h"
#include "image_codec.h"

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
#define DECODE_FLAGS	(TJFLAG_STOPONWARNING | TJFLAG_LIMITSCANS)
/* An ICC profile in APP2 chunks: at most this many, as libjpeg allows. */
#define ICC_CHUNKS	255

/* What the marker walk learns before libjpeg sees the file. */
struct walk {
	size_t			 end;	/* just past the first EOI */
	const unsigned char	*exif;	/* first Exif APP1 payload, or NULL */
	size_t			 exiflen;
	const unsigned char	*icc[ICC_CHUNKS + 1];	/* by sequence */
	size_t			 icclen[ICC_CHUNKS + 1];
	int			 iccn;	/* chunks the profile says it has */
	int			 sof;	/* the frame's SOF marker, 0 before */
	int			 width, height, comps;	/* from the SOF */
	int			 h[4], v[4];	/* sampling factors, 1 to 4 */
	int			 hmax, vmax;
	int			 scans;	/* SOS segments seen */
};

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
	if (wk->width > IMAGE_MAX_SIDE || wk->height > IMAGE_MAX_SIDE ||
	    (long long)wk->width * wk->height > IMAGE_MAX_PIXELS)
		return IMAGE_TOO_BIG;
	return IMAGE_OK;
}

/*
 * Notes an APP2 payload s[0..n) that is a chunk of an ICC profile
 * ("ICC_PROFILE\0", its number from 1, how many): the first of each
 * number counts; chunks that disagree on how many make no profile.
 */
static void
walk_icc(struct walk *wk, const unsigned char *s, size_t n)
{
	if (n < 14 || memcmp(s, "ICC_PROFILE", 12) != 0 || s[12] == 0 ||
	    s[12] > s[13])
		return;
	if (wk->iccn != 0 && wk->iccn != s[13])
		wk->iccn = -1;
	if (wk->iccn == -1)
		return;
	wk->iccn = s[13];
	if (wk->icc[s[12]] == NULL) {
		wk->icc[s[12]] = s + 14;
		wk->icclen[s[12]] = n - 14;
	}
}

/*
 * Returns the ICC profile the walk found, joined into one buffer (the
 * caller frees), its length in *len; NULL if none or a chunk is missing.
 */
static unsigned char *
join_icc(const struct walk *wk, size_t *len)
{
	unsigned char	*p;
	size_t		 n = 0;
	int		 i;

	for (i = 1; i <= wk->iccn; i++) {
		if (wk->icc[i] == NULL)
			return NULL;
		n += wk->icclen[i];
	}
	if (wk->iccn <= 0 || n == 0)
		return NULL;
	p = xmalloc(n);
	for (n = 0, i = 1; i <= wk->iccn; i++) {
		memcpy(p + n, wk->icc[i], wk->icclen[i]);
		n += wk->icclen[i];
	}
	*len = n;
	return p;
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
	case 0xe2:
		walk_icc(wk, s, n);
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
 * Fills pr's memory fields from the walked frame header alone: what
 * the decode holds at its peak, and the pixels it leaves (image.c adds
 * what shrinking and encoding them hold).  While decoding, a progressive
 * or multi-scan file makes libjpeg keep every DCT coefficient until the
 * last scan (64 of 2 bytes for each 8x8 block of each component at its
 * sampling, rounded up to whole MCUs), with the output pixels at the DCT
 * scale decode() picks and libjpeg's row buffers.  Checked against peak
 * RSS (libjpeg-turbo 2.1.5, less the process at rest): a 10000x4000
 * 4:4:4 progressive file of 100 scans measured 236.7 MiB, estimated
 * 238.9; its 4:2:0 twin 122.2 against 124.4; a 7296x5472 4:2:0
 * progressive photo 121.9 against 123.7; the same photo baseline 19.4
 * against 26.7 (baseline is decoded a row of blocks at a time).
 */
static void
estimate(const struct walk *wk, struct probe *pr)
{
	tjscalingfactor	 sf = pick_scale(wk->width, wk->height,
	    IMAGE_DISPLAY_EDGE);
	size_t		 coef = 0, px, rows;
	int		 i;

	for (i = 0; i < wk->comps && (wk->sof == 0xc2 || wk->sof == 0xca ||
	    wk->scans > 1); i++)
		coef += blocks((size_t)wk->width * wk->h[i], 8 * wk->hmax,
		    wk->h[i]) * blocks((size_t)wk->height * wk->v[i],
		    8 * wk->vmax, wk->v[i]) * 64 * 2;
	pr->dw = TJSCALED(wk->width, sf);
	pr->dh = TJSCALED(wk->height, sf);
	pr->comps = wk->comps == 1 ? 1 : 3;
	/* CMYK is decoded 4 bytes a pixel, then made RGB in place. */
	px = (size_t)pr->dw * pr->dh * (wk->comps == 4 ? 4 : pr->comps);
	rows = (size_t)wk->width * wk->comps * 64 + IMAGE_MIB;
	pr->decode = rows + coef + px;
	pr->held = rows + px;
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
 * pixel, all else as RGB, scaled towards IMAGE_DISPLAY_EDGE.  TurboJPEG picks
 * a scale whose size fits in what is asked for, so it never writes past
 * px->p.  Returns IMAGE_OK (the caller frees px->p) or the error.
 */
static int
decode_tj(tjhandle tj, const unsigned char *p, const struct walk *wk,
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
	sf = pick_scale(wk->width, wk->height, IMAGE_DISPLAY_EDGE);
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

/* Walks p[0..len) into pr; the walk stays in pr->state for decode. */
static int
jpeg_probe(const unsigned char *p, size_t len, struct probe *pr)
{
	struct walk	*wk = xcalloc(1, sizeof(*wk));
	int		 rc;

	pr->state = wk;
	if ((rc = walk_jpeg(p, len, wk)) != IMAGE_OK)
		return rc;
	pr->width = wk->width;
	pr->height = wk->height;
	pr->frames = 1;
	pr->orientation = image_exif_orientation(wk->exif, wk->exiflen);
	/* CMYK pixels are made RGB without one: its profile is CMYK's. */
	if (wk->comps != 4)
		pr->icc = pr->icc_own = join_icc(wk, &pr->icclen);
	estimate(wk, pr);
	return IMAGE_OK;
}

static int
jpeg_decode(const unsigned char *p, size_t len, struct probe *pr,
    struct pixels *px)
{
	tjhandle	 tj;
	int		 rc;

	(void)len;
	if ((tj = tjInitDecompress()) == NULL) {
		fprintf(stderr, "image: tjInitDecompress failed\n");
		return IMAGE_IO;
	}
	rc = decode_tj(tj, p, pr->state, px);
	tjDestroy(tj);
	return rc;
}

static void
jpeg_done(struct probe *pr)
{
	free(pr->state);
	pr->state = NULL;
}

const struct codec image_jpeg = {
	IMAGE_JPEG, jpeg_probe, jpeg_decode, NULL, jpeg_done
};

/* Encodes px at IMAGE_QUALITY, 4:2:0 (or grayscale), into out. */
int
jpeg_encode(const struct pixels *px, struct blob *out)
{
	unsigned char	*data = NULL;
	unsigned long	 len = 0;
	tjhandle	 tj;
	int		 gray = px->comps == 1, rc = IMAGE_OK;

	if ((tj = tjInitCompress()) == NULL) {
		fprintf(stderr, "image: tjInitCompress failed\n");
		return IMAGE_IO;
	}
	if (tjCompress2(tj, px->p, px->w, 0, px->h,
	    gray ? TJPF_GRAY : TJPF_RGB, &data, &len,
	    gray ? TJSAMP_GRAY : TJSAMP_420, IMAGE_QUALITY, 0) != 0) {
		fprintf(stderr, "image: tjCompress2: %s\n", tjGetErrorStr2(tj));
		rc = IMAGE_IO;
	} else {
		out->data = image_dup(data, len);
		out->len = len;
	}
	tjFree(data);
	tjDestroy(tj);
	return rc;
}
