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
 * survives.  Every call makes its own TurboJPEG and libexif objects and
 * there is no static mutable state, so threads may share it freely.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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
 * libjpeg's own limit (TJFLAG_LIMITSCANS) is 500 scans; real encoders
 * write at most a few dozen, so anything past 100 is refused unread.
 */
#define MAX_SCANS	100
#define DISPLAY_EDGE	1600
#define THUMB_EDGE	320
#define QUALITY		82
#define DECODE_FLAGS	(TJFLAG_STOPONWARNING | TJFLAG_LIMITSCANS)

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
};

/* What the marker walk learns before libjpeg sees the file. */
struct walk {
	size_t			 end;	/* just past the first EOI */
	const unsigned char	*exif;	/* first Exif APP1 payload, or NULL */
	size_t			 exiflen;
	int			 sof;	/* the frame's SOF marker, 0 before */
	int			 width, height, comps;	/* from the SOF */
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

/* Logs a failure to store what (errno e) once, and returns IMAGE_IO. */
static int
io_error(const char *what, int e)
{
	char	 why[128];

	if (strerror_r(e, why, sizeof(why)) != 0)
		snprintf(why, sizeof(why), "error %d", e);
	fprintf(stderr, "image: %s: %s\n", what, why);
	return IMAGE_IO;
}

/*
 * Reads the frame header, SOF segment s[0..n): one frame, 8-bit samples
 * (12-bit is valid JPEG that libjpeg-turbo 2.1 cannot decode; any other
 * precision is nonsense in a DCT frame), a height (libjpeg does not
 * support DNL), gray, YCbCr/RGB or CMYK/YCCK components, and the size
 * limits.  This is also what libjpeg will see: it reads the same first
 * SOF, and tjDecompressHeader3() is not used because 2.1 refuses valid
 * files whose sampling factors it has no name for (CMYK 4:2:0).
 */
static int
walk_frame(struct walk *wk, int m, const unsigned char *s, size_t n)
{
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
 * into hash[65]: temporary file, fsync, rename over any identical file.
 */
static int
save(const char *dir, const struct jpeg *j, char *hash)
{
	unsigned char	 md[crypto_hash_sha256_BYTES];
	char		 path[PATH_MAX], tmp[PATH_MAX];
	int		 fd, e;

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
	if (close(fd) == -1 || rename(tmp, path) == -1) {
		e = errno;
		goto fail;
	}
	return sync_dir(dir);
fail:
	unlink(tmp);
	return io_error(path, e);
}

/* Encodes disp and thumb, then stores both and fills out. */
static int
store_copies(const char *dir, const struct pixels *disp,
    const struct pixels *thumb, struct image *out)
{
	struct jpeg	 dj = { NULL, 0 }, tj = { NULL, 0 };
	tjhandle	 h;
	int		 rc;

	if ((h = tjInitCompress()) == NULL)
		return io_error("tjInitCompress", ENOMEM);
	if ((rc = encode(h, disp, &dj)) == IMAGE_OK &&
	    (rc = encode(h, thumb, &tj)) == IMAGE_OK &&
	    (rc = save(dir, &dj, out->hash)) == IMAGE_OK)
		rc = save(dir, &tj, out->thumb);
	tjFree(dj.data);
	tjFree(tj.data);
	tjDestroy(h);
	out->width = disp->w;
	out->height = disp->h;
	out->thumb_width = thumb->w;
	out->thumb_height = thumb->h;
	return rc;
}

int
image_store(const void *data, size_t len, const char *media_dir,
    struct image *out, char *msg, size_t msglen)
{
	const unsigned char	*p = data;
	struct pixels		 disp, thumb;
	struct walk		 wk;
	int			 rc;

	if (len > MAX_BYTES)
		rc = IMAGE_TOO_BIG;
	else if (len < 3 || p[0] != 0xff || p[1] != 0xd8 || p[2] != 0xff)
		rc = IMAGE_NOT_JPEG;
	else if ((rc = walk_jpeg(p, len, &wk)) == IMAGE_OK &&
	    (rc = render(p, &wk, &disp, &thumb)) == IMAGE_OK) {
		rc = store_copies(media_dir, &disp, &thumb, out);
		free(disp.p);
		free(thumb.p);
	}
	if (msglen > 0)
		snprintf(msg, msglen, "%s", messages[rc]);
	return rc;
}
