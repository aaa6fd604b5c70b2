/*
 * test_image_formats: image_store() on PNG, GIF and WebP (image_png.c,
 * image_gif.c, image_webp.c) and the sizes every format gets with
 * IMAGE_SIZES.  Every fixture is made here, at run time, with the
 * libraries themselves (libpng, giflib, libwebp and its mux, lcms2), or
 * by hand for the hostile ones whose structure no encoder would write.
 * Asserted: each valid one is stored in the expected format with no
 * metadata chunk left (the stored PNG holds IHDR, IDAT and IEND only, the
 * stored WebP no EXIF, XMP or ICCP), upright (orientation 6 turns the
 * quadrants), in sRGB (a linear profile brightens mid gray), at every
 * width, an animation keeping its frame count, delays and loop count;
 * each invalid, truncated, bomb or polyglot file is refused with its
 * sentence within MAX_MS, leaving nothing in the media folder.
 */
#include <dirent.h>
#include <sys/resource.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <gif_lib.h>
#include <turbojpeg.h>
#include <zlib.h>
#include <lcms2.h>
#include <png.h>
#include <sodium.h>
#include <webp/decode.h>
#include <webp/demux.h>
#include <webp/encode.h>
#include <webp/mux.h>

#include "alloc.h"
#include "check.h"
#include "image.h"
#include "media.h"

/* The media folder dir as a media store (media.h). */
#define FILES(dir)	(&(struct media_store){ MEDIA_FILES, (dir) })

#define MAX_MS	200	/* for any refused file: headers only */
#define MIB	(1024 * 1024)

static char			 media[64];
static struct image_gate	*gate;

/* Bytes being built. */
struct mem {
	unsigned char	*p;
	size_t		 len, cap;
};

static void
put(struct mem *m, const void *p, size_t n)
{
	if (m->len + n > m->cap) {
		m->cap = (m->len + n) * 2;
		m->p = xrealloc(m->p, m->cap);
	}
	memcpy(m->p + m->len, p, n);
	m->len += n;
}

/* Returns whether p[0..len) contains s[0..n). */
static int
has(const unsigned char *p, size_t len, const char *s, size_t n)
{
	size_t	 i;

	for (i = 0; i + n <= len; i++)
		if (memcmp(p + i, s, n) == 0)
			return 1;
	return 0;
}

static double
ms_since(const struct timespec *t0)
{
	struct timespec	 t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1e3 + (t.tv_nsec - t0->tv_nsec) / 1e6;
}

static int
count_entries(const char *dir)
{
	DIR		*d = opendir(dir);
	struct dirent	*e;
	int		 n = 0;

	while (d != NULL && (e = readdir(d)) != NULL)
		n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
	if (d != NULL)
		closedir(d);
	return n;
}

/* Returns the stored file f of im (the caller frees), its length. */
static unsigned char *
stored(const struct image_file *f, size_t *len)
{
	char		 path[256];
	FILE		*fp;
	unsigned char	*p;
	long		 n;

	snprintf(path, sizeof(path), "%s/%s.%s", media, f->hash, f->ext);
	if ((fp = fopen(path, "rb")) == NULL)
		return NULL;
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	p = xmalloc(n > 0 ? n : 1);
	*len = fread(p, 1, n, fp);
	fclose(fp);
	return p;
}

/* Writes the chunk names of a PNG into out ("IHDR IDAT IEND "). */
static void
png_chunks(const unsigned char *p, size_t len, char *out, size_t outlen)
{
	size_t	 i = 8, n;

	*out = '\0';
	while (i + 8 <= len && strlen(out) + 6 < outlen) {
		n = (size_t)p[i] << 24 | p[i + 1] << 16 | p[i + 2] << 8 |
		    p[i + 3];
		/* IDATs in a row count once. */
		if (memcmp(p + i + 4, "IDAT", 4) != 0 || strstr(out, "IDAT") ==
		    NULL)
			snprintf(out + strlen(out), outlen - strlen(out),
			    "%.4s ", p + i + 4);
		i += 12 + n;
	}
}

/* Writes the chunk names of a WebP's RIFF into out ("VP8X ANIM ..."). */
static void
riff_chunks(const unsigned char *p, size_t len, char *out, size_t outlen)
{
	size_t	 i = 12, n;

	*out = '\0';
	while (i + 8 <= len && strlen(out) + 6 < outlen) {
		n = (size_t)p[i + 4] | p[i + 5] << 8 | p[i + 6] << 16 |
		    (size_t)p[i + 7] << 24;
		if (memcmp(p + i, "ANMF", 4) != 0 || strstr(out, "ANMF") ==
		    NULL)
			snprintf(out + strlen(out), outlen - strlen(out),
			    "%.4s ", p + i);
		i += 8 + n + (n & 1);
	}
}

/*
 * Checks that every file of im exists, is named by its SHA-256, and
 * carries no metadata: a PNG only IHDR, IDAT, IEND; a WebP no EXIF, XMP
 * or ICCP chunk; a JPEG no Exif or XMP.
 */
static void
check_clean(const struct image *im, const char *what)
{
	unsigned char	 md[32];
	char		 hex[65], chunks[256], msg[400];
	unsigned char	*p;
	size_t		 len;
	int		 i;

	for (i = 0; i < im->nfiles; i++) {
		snprintf(msg, sizeof(msg), "%s: file %d (%s)", what, i,
		    im->file[i].ext);
		if (!CHECK_MSG((p = stored(&im->file[i], &len)) != NULL, msg))
			continue;
		crypto_hash_sha256(md, p, len);
		sodium_bin2hex(hex, sizeof(hex), md, sizeof(md));
		CHECK_MSG(strcmp(hex, im->file[i].hash) == 0, msg);
		if (im->file[i].format == IMAGE_PNG) {
			png_chunks(p, len, chunks, sizeof(chunks));
			snprintf(msg, sizeof(msg), "%s: PNG chunks %s", what,
			    chunks);
			CHECK_MSG(strcmp(chunks, "IHDR IDAT IEND ") == 0, msg);
		} else if (im->file[i].format == IMAGE_WEBP) {
			riff_chunks(p, len, chunks, sizeof(chunks));
			snprintf(msg, sizeof(msg), "%s: WebP chunks %s", what,
			    chunks);
			CHECK_MSG(strstr(chunks, "EXIF") == NULL &&
			    strstr(chunks, "XMP") == NULL &&
			    strstr(chunks, "ICCP") == NULL, msg);
		} else
			CHECK_MSG(!has(p, len, "Exif", 4) &&
			    !has(p, len, "http://ns.adobe.com", 19),
			    msg);
		free(p);
	}
}

/* Reads a stored PNG or WebP still into RGBA (the caller frees). */
static unsigned char *
read_rgba(const struct image_file *f, int *w, int *h)
{
	png_image	 img;
	unsigned char	*p, *px = NULL;
	size_t		 len;

	if ((p = stored(f, &len)) == NULL)
		return NULL;
	if (f->format == IMAGE_WEBP)
		px = WebPDecodeRGBA(p, len, w, h);
	else if (f->format == IMAGE_PNG) {
		memset(&img, 0, sizeof(img));
		img.version = PNG_IMAGE_VERSION;
		if (png_image_begin_read_from_memory(&img, p, len)) {
			img.format = PNG_FORMAT_RGBA;
			px = xmalloc(PNG_IMAGE_SIZE(img));
			if (!png_image_finish_read(&img, NULL, px, 0, NULL)) {
				free(px);
				px = NULL;
			}
			*w = img.width;
			*h = img.height;
		}
	}
	free(p);
	return px;
}

/* Stores data, expecting IMAGE_OK; says what on failure. */
static int
store_ok(const void *data, size_t len, unsigned flags, struct image *im,
    const char *what)
{
	char	 msg[200], m[300];
	int	 rc = image_store(data, len, flags, FILES(media), NULL, gate, im, msg,
		    sizeof(msg));

	snprintf(m, sizeof(m), "%s: stored (rc %d: %s)", what, rc, msg);
	return CHECK_MSG(rc == IMAGE_OK, m);
}

/*
 * Stores data expecting rc want, a message containing says, within
 * MAX_MS, and nothing left behind.
 */
static void
refused(const void *data, size_t len, unsigned flags, int want,
    const char *says, const char *what)
{
	struct timespec	 t0;
	struct image	 im;
	char		 msg[200], m[400];
	int		 n = count_entries(media), rc;
	double		 ms;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = image_store(data, len, flags, FILES(media), NULL, gate, &im, msg,
	    sizeof(msg));
	ms = ms_since(&t0);
	snprintf(m, sizeof(m), "%s: rc %d (want %d), \"%s\", %.1f ms", what,
	    rc, want, msg, ms);
	CHECK_MSG(rc == want && strstr(msg, says) != NULL, m);
	CHECK_MSG(ms < MAX_MS, m);
	CHECK_MSG(count_entries(media) == n, m);
}

/* The four quadrant colours: red, green / blue, white. */
static const unsigned char quad[4][3] = {
	{ 255, 0, 0 }, { 0, 255, 0 }, { 0, 0, 255 }, { 255, 255, 255 }
};

/* w x h pixels of comps (3 or 4) in quadrants; alpha 0 bottom right. */
static unsigned char *
quadrants(int w, int h, int comps)
{
	unsigned char	*px = xmalloc((size_t)w * h * comps), *q = px;
	int		 x, y, c;

	for (y = 0; y < h; y++)
		for (x = 0; x < w; x++, q += comps) {
			c = (y >= h / 2) * 2 + (x >= w / 2);
			memcpy(q, quad[c], 3);
			if (comps == 4)
				q[3] = c == 3 ? 0 : 255;
		}
	return px;
}

/* Returns which quadrant colour the RGBA pixel (x, y) is nearest. */
static int
quad_at(const unsigned char *rgba, int w, int x, int y)
{
	const unsigned char	*p = rgba + ((size_t)y * w + x) * 4;
	int			 c, best = 0, d, bestd = 1 << 30;

	for (c = 0; c < 4; c++) {
		d = abs(p[0] - quad[c][0]) + abs(p[1] - quad[c][1]) +
		    abs(p[2] - quad[c][2]);
		if (d < bestd) {
			bestd = d;
			best = c;
		}
	}
	return best;
}

/* An EXIF block (TIFF, big-endian) whose IFD0 holds orientation o. */
static size_t
exif_block(unsigned char *b, int o)
{
	static const unsigned char head[] = {
		'M', 'M', 0, 42, 0, 0, 0, 8,	/* TIFF, IFD0 at 8 */
		0, 1,				/* one entry */
		0x01, 0x12, 0, 3, 0, 0, 0, 1,	/* Orientation, SHORT, 1 */
		0, 0, 0, 0,			/* its value */
		0, 0, 0, 0			/* no IFD1 */
	};

	memcpy(b, head, sizeof(head));
	b[19] = (unsigned char)o;
	return sizeof(head);
}

/* A linear-light RGB profile with sRGB's primaries (the caller frees). */
static unsigned char *
linear_profile(size_t *len)
{
	cmsCIExyY		 wp;
	cmsCIExyYTRIPLE		 prim = { { 0.64, 0.33, 1 }, { 0.30, 0.60, 1 },
				    { 0.15, 0.06, 1 } };
	cmsToneCurve		*lin = cmsBuildGamma(NULL, 1.0);
	cmsToneCurve		*curves[3] = { lin, lin, lin };
	cmsHPROFILE		 pr;
	cmsUInt32Number		 n = 0;
	unsigned char		*p;

	cmsWhitePointFromTemp(&wp, 6504);
	pr = cmsCreateRGBProfile(&wp, &prim, curves);
	cmsSaveProfileToMem(pr, NULL, &n);
	p = xmalloc(n);
	cmsSaveProfileToMem(pr, p, &n);
	cmsCloseProfile(pr);
	cmsFreeToneCurve(lin);
	*len = n;
	return p;
}

static void
png_put(png_structp png, png_bytep data, size_t n)
{
	put(png_get_io_ptr(png), data, n);
}

static void
png_flush_none(png_structp png)
{
	(void)png;
}

/* Metadata to put in a made PNG. */
struct png_meta {
	int			 orientation;	/* 0: no eXIf */
	const unsigned char	*icc;
	size_t			 icclen;
	int			 text;		/* tEXt, zTXt, iTXt */
};

/* Makes a PNG of px (w x h, comps 1, 3 or 4; depth 8) with meta. */
static unsigned char *
make_png(const unsigned char *px, int w, int h, int comps,
    const struct png_meta *meta, size_t *len)
{
	png_structp	 png = png_create_write_struct(PNG_LIBPNG_VER_STRING,
			    NULL, NULL, NULL);
	png_infop	 info = png_create_info_struct(png);
	struct mem	 m = { NULL, 0, 0 };
	png_text	 t[3];
	unsigned char	 ex[64];
	int		 y;

	if (setjmp(png_jmpbuf(png)))
		abort();
	png_set_write_fn(png, &m, png_put, png_flush_none);
	png_set_IHDR(png, info, w, h, 8, comps == 1 ? PNG_COLOR_TYPE_GRAY :
	    comps == 3 ? PNG_COLOR_TYPE_RGB : PNG_COLOR_TYPE_RGBA,
	    PNG_INTERLACE_NONE, 0, 0);
	if (meta != NULL && meta->icc != NULL)
		png_set_iCCP(png, info, "linear", 0, meta->icc,
		    (png_uint_32)meta->icclen);
	if (meta != NULL && meta->orientation != 0)
		png_set_eXIf_1(png, info, (png_uint_32)exif_block(ex,
		    meta->orientation), ex);
	if (meta != NULL && meta->text) {
		memset(t, 0, sizeof(t));
		t[0].compression = PNG_TEXT_COMPRESSION_NONE;
		t[0].key = "Comment";
		t[0].text = "secret plain";
		t[1].compression = PNG_TEXT_COMPRESSION_zTXt;
		t[1].key = "Author";
		t[1].text = "secret compressed";
		t[2].compression = PNG_ITXT_COMPRESSION_NONE;
		t[2].key = "XML:com.adobe.xmp";
		t[2].text = "<x:xmpmeta xmlns:x='adobe:ns:meta/'/>";
		png_set_text(png, info, t, 3);
	}
	png_write_info(png, info);
	for (y = 0; y < h; y++)
		png_write_row(png, px + (size_t)y * w * comps);
	png_write_end(png, NULL);
	png_destroy_write_struct(&png, &info);
	*len = m.len;
	return m.p;
}

/* Makes a WebP still of RGBA px, with EXIF, XMP and ICCP when asked. */
static unsigned char *
make_webp(const unsigned char *px, int w, int h, int lossless, int meta,
    size_t *len)
{
	uint8_t		*out;
	size_t		 n = lossless ? WebPEncodeLosslessRGBA(px, w, h, w * 4,
			    &out) : WebPEncodeRGBA(px, w, h, w * 4, 80, &out);
	WebPData	 img = { out, n }, chunk, res;
	WebPMux		*mux;
	unsigned char	 ex[64], *icc, *p;
	size_t		 icclen;

	if (!meta) {
		p = xmalloc(n);
		memcpy(p, out, n);
		WebPFree(out);
		*len = n;
		return p;
	}
	mux = WebPMuxCreate(&img, 1);
	chunk.bytes = ex;
	chunk.size = exif_block(ex, 6);
	WebPMuxSetChunk(mux, "EXIF", &chunk, 1);
	chunk.bytes = (const uint8_t *)"<x:xmpmeta/>";
	chunk.size = 12;
	WebPMuxSetChunk(mux, "XMP ", &chunk, 1);
	icc = linear_profile(&icclen);
	chunk.bytes = icc;
	chunk.size = icclen;
	WebPMuxSetChunk(mux, "ICCP", &chunk, 1);
	WebPMuxAssemble(mux, &res);
	p = xmalloc(res.size);
	memcpy(p, res.bytes, res.size);
	*len = res.size;
	WebPDataClear(&res);
	WebPMuxDelete(mux);
	WebPFree(out);
	free(icc);
	return p;
}

/* Makes an animated WebP: frames of w x h, each a flat colour. */
static unsigned char *
make_webp_anim(int w, int h, int frames, const int *ms, int loops,
    size_t *len)
{
	WebPAnimEncoderOptions	 o;
	WebPAnimEncoder		*enc;
	WebPConfig		 c;
	WebPPicture		 pic;
	WebPData		 d;
	unsigned char		*px = xmalloc((size_t)w * h * 4), *p;
	int			 i, t = 0;

	WebPAnimEncoderOptionsInit(&o);
	o.anim_params.loop_count = loops;
	enc = WebPAnimEncoderNew(w, h, &o);
	WebPConfigInit(&c);
	for (i = 0; i < frames; i++) {
		memset(px, 0, (size_t)w * h * 4);
		for (size_t k = 0; k < (size_t)w * h; k++) {
			memcpy(px + 4 * k, quad[i % 4], 3);
			px[4 * k + 3] = 255;
		}
		WebPPictureInit(&pic);
		pic.use_argb = 1;
		pic.width = w;
		pic.height = h;
		WebPPictureImportRGBA(&pic, px, w * 4);
		WebPAnimEncoderAdd(enc, &pic, t, &c);
		WebPPictureFree(&pic);
		t += ms[i];
	}
	WebPAnimEncoderAdd(enc, NULL, t, NULL);
	WebPDataInit(&d);
	WebPAnimEncoderAssemble(enc, &d);
	WebPAnimEncoderDelete(enc);
	p = xmalloc(d.size);
	memcpy(p, d.bytes, d.size);
	*len = d.size;
	WebPDataClear(&d);
	free(px);
	return p;
}

static int
gif_put(GifFileType *gif, const GifByteType *p, int n)
{
	put(gif->UserData, p, n);
	return n;
}

/*
 * Makes a GIF89a of frames w x h frames, frame i a flat colour quad[i % 4]
 * (index i % 4, index 4 transparent in the top-left quarter when
 * transparent is set), delay cs[i] hundredths, with a comment and an
 * XMP application extension, and NETSCAPE2.0 loops unless loops < 0.
 */
static unsigned char *
make_gif(int w, int h, int frames, const int *cs, int loops,
    int transparent, size_t *len)
{
	GifColorType		 colours[8];
	ColorMapObject		*cm;
	GraphicsControlBlock	 gcb;
	GifByteType		 ext[4], *row = xmalloc(w);
	GifFileType		*gif;
	struct mem		 m = { NULL, 0, 0 };
	unsigned char		 nets[3] = { 1, loops & 0xff, loops >> 8 };
	int			 err, i, x, y;

	memset(colours, 0, sizeof(colours));
	for (i = 0; i < 4; i++) {
		colours[i].Red = quad[i][0];
		colours[i].Green = quad[i][1];
		colours[i].Blue = quad[i][2];
	}
	cm = GifMakeMapObject(8, colours);
	gif = EGifOpen(&m, gif_put, &err);
	EGifSetGifVersion(gif, true);
	EGifPutScreenDesc(gif, w, h, 8, 0, cm);
	if (loops >= 0) {
		EGifPutExtensionLeader(gif, APPLICATION_EXT_FUNC_CODE);
		EGifPutExtensionBlock(gif, 11, "NETSCAPE2.0");
		EGifPutExtensionBlock(gif, 3, nets);
		EGifPutExtensionTrailer(gif);
	}
	EGifPutComment(gif, "secret gif comment");
	EGifPutExtensionLeader(gif, APPLICATION_EXT_FUNC_CODE);
	EGifPutExtensionBlock(gif, 11, "XMP DataXMP");
	EGifPutExtensionBlock(gif, 12, "<x:xmpmeta/>");
	EGifPutExtensionTrailer(gif);
	for (i = 0; i < frames; i++) {
		memset(&gcb, 0, sizeof(gcb));
		gcb.DelayTime = cs[i];
		gcb.TransparentColor = transparent ? 4 : NO_TRANSPARENT_COLOR;
		EGifGCBToExtension(&gcb, ext);
		EGifPutExtension(gif, GRAPHICS_EXT_FUNC_CODE, 4, ext);
		EGifPutImageDesc(gif, 0, 0, w, h, false, NULL);
		for (y = 0; y < h; y++) {
			for (x = 0; x < w; x++)
				row[x] = transparent && x < w / 2 && y < h / 2 ?
				    4 : i % 4;
			EGifPutLine(gif, row, w);
		}
	}
	EGifCloseFile(gif, &err);
	GifFreeMapObject(cm);
	free(row);
	*len = m.len;
	return m.p;
}

/* The widths of im's main copies, "320 640 1600 ". */
static void
widths(const struct image *im, char *out, size_t outlen)
{
	int	 i;

	*out = '\0';
	for (i = 0; i < im->nfiles; i++)
		if (!im->file[i].webp_copy)
			snprintf(out + strlen(out), outlen - strlen(out),
			    "%d ", im->file[i].width);
}

/*
 * A PNG with text chunks, a linear-light profile and orientation 6: it
 * comes out a PNG, upright (800x600 becomes 600x800, the source's
 * bottom-left quadrant at the top left), brightened as sRGB (the profile
 * converted), with a 320 copy and WebP twins only where smaller.
 */
static void
test_png(void)
{
	struct png_meta	 meta = { 6, NULL, 0, 1 };
	struct image	 im;
	unsigned char	*px = quadrants(800, 600, 3), *png, *rgba;
	size_t		 len;
	char		 w[64];
	int		 i, rw, rh;

	meta.icc = linear_profile(&meta.icclen);
	/* Mid gray in the top-right quadrant, linear: sRGB's 188. */
	for (i = 0; i < 800 * 300; i++)
		if (i % 800 >= 400)
			memset(px + 3 * i, 128, 3);
	png = make_png(px, 800, 600, 3, &meta, &len);
	if (store_ok(png, len, IMAGE_ANY | IMAGE_SIZES, &im, "PNG")) {
		CHECK(im.format == IMAGE_PNG && im.source == IMAGE_PNG);
		CHECK_STR(im.mime, "image/png");
		CHECK_STR(im.ext, "png");
		CHECK(im.width == 600 && im.height == 800);
		CHECK(im.thumb_width == 320 && im.thumb_height == 427);
		widths(&im, w, sizeof(w));
		CHECK_STR(w, "320 600 ");
		check_clean(&im, "PNG");
		for (i = 0; i < im.nfiles; i++)
			if (im.file[i].webp_copy)
				CHECK_MSG(!im.file[i - 1].webp_copy,
				    "a twin follows its main copy");
		rgba = read_rgba(im.file[im.nfiles - 1].webp_copy ?
		    &im.file[im.nfiles - 2] : &im.file[im.nfiles - 1], &rw,
		    &rh);
		if (CHECK(rgba != NULL && rw == 600 && rh == 800)) {
			/* Turned: top left was bottom left (blue). */
			CHECK(quad_at(rgba, rw, 5, 5) == 2);
			CHECK(quad_at(rgba, rw, rw - 5, 5) == 0);
			/* The source's top right, now bottom right. */
			CHECK_MSG(abs(rgba[((size_t)(rh - 5) * rw + rw - 5) *
			    4] - 188) <= 4, "linear gray converted to sRGB");
		}
		free(rgba);
	}
	free(png);
	free(px);
	free((void *)meta.icc);
}

/* Returns the offset of the PNG chunk named name in p[0..len), or 0. */
static size_t
png_find(const unsigned char *p, size_t len, const char *name)
{
	size_t	 i = 8, n;

	while (i + 12 <= len) {
		n = (size_t)p[i] << 24 | p[i + 1] << 16 | p[i + 2] << 8 |
		    p[i + 3];
		if (memcmp(p + i + 4, name, 4) == 0)
			return i;
		i += 12 + n;
	}
	return 0;
}

/*
 * libpng's benign errors are tolerated, as browsers do: a text chunk
 * with a bad CRC and compressed data after the last row still give the
 * picture, stored clean.  A damaged IDAT is refused (test_refused).
 */
static void
test_png_benign(void)
{
	struct png_meta	 meta = { 0, NULL, 0, 1 };
	struct image	 a, b;
	unsigned char	*px = quadrants(64, 48, 3), *png, *q;
	size_t		 len, i, n;

	png = make_png(px, 64, 48, 3, &meta, &len);
	if (!CHECK((i = png_find(png, len, "tEXt")) != 0))
		goto out;
	n = (size_t)png[i] << 24 | png[i + 1] << 16 | png[i + 2] << 8 |
	    png[i + 3];
	png[i + 8 + n] ^= 0xff;		/* its CRC */
	if (store_ok(png, len, IMAGE_ANY, &a, "PNG, text with a bad CRC"))
		check_clean(&a, "PNG, text with a bad CRC");
	/* IDAT's deflate stream followed by an extra IDAT of stray bytes. */
	i = png_find(png, len, "IEND");
	q = xmalloc(len + 16);
	memcpy(q, png, i);
	{
		static const unsigned char extra[] = {
			0, 0, 0, 4, 'I', 'D', 'A', 'T', 1, 2, 3, 4
		};
		uLong	 crc = crc32(0, extra + 4, 8);

		memcpy(q + i, extra, sizeof(extra));
		q[i + 12] = crc >> 24;
		q[i + 13] = crc >> 16;
		q[i + 14] = crc >> 8;
		q[i + 15] = crc;
	}
	memcpy(q + i + 16, png + i, len - i);
	if (store_ok(q, len + 16, IMAGE_ANY, &b, "PNG, data after its rows"))
		CHECK_STR(a.hash, b.hash);
	free(q);
out:
	free(png);
	free(px);
}

/*
 * A colour profile over 1 MiB is dropped unparsed (lcms2's memory is not
 * the gate's): the linear profile padded past it leaves mid gray alone,
 * where test_png's converts it to 188.
 */
static void
test_icc_bound(void)
{
	struct png_meta	 meta = { 0, NULL, 0, 0 };
	struct image	 im;
	unsigned char	*px = xmalloc(64 * 48 * 3), *png, *icc, *rgba;
	size_t		 len, n, big = 1100 * 1024;
	int		 rw, rh;

	memset(px, 128, 64 * 48 * 3);
	icc = linear_profile(&n);
	icc = xrealloc(icc, big);
	memset(icc + n, 0, big - n);
	icc[0] = big >> 24;
	icc[1] = big >> 16;
	icc[2] = big >> 8;
	icc[3] = big;
	meta.icc = icc;
	meta.icclen = big;
	png = make_png(px, 64, 48, 3, &meta, &len);
	CHECK(png_find(png, len, "iCCP") != 0);
	if (store_ok(png, len, IMAGE_ANY, &im, "PNG, 1.1 MiB profile")) {
		rgba = read_rgba(&im.file[0], &rw, &rh);
		CHECK_MSG(rgba != NULL && abs(rgba[0] - 128) <= 2,
		    "a profile over 1 MiB is dropped");
		free(rgba);
	}
	free(png);
	free(icc);
	free(px);
}

/* RGBA and gray PNGs keep their alpha and their gray. */
static void
test_png_kinds(void)
{
	struct image	 im;
	unsigned char	*px = quadrants(64, 48, 4), *png, *rgba;
	size_t		 len, blen;
	int		 rw, rh;

	png = make_png(px, 64, 48, 4, NULL, &len);
	if (store_ok(png, len, IMAGE_PNG, &im, "RGBA PNG")) {
		rgba = read_rgba(&im.file[0], &rw, &rh);
		CHECK(rgba != NULL && rw == 64 && rh == 48 &&
		    rgba[((size_t)47 * 64 + 63) * 4 + 3] == 0 &&
		    rgba[3] == 255);
		free(rgba);
		CHECK(im.nfiles == 1 && strcmp(im.hash, im.thumb) == 0 &&
		    !im.made_thumb);
		check_clean(&im, "RGBA PNG");
	}
	free(png);
	memset(px, 77, 64 * 48);
	png = make_png(px, 64, 48, 1, NULL, &len);
	if (store_ok(png, len, IMAGE_PNG, &im, "gray PNG")) {
		unsigned char *p = stored(&im.file[0], &blen);

		/* IHDR's colour type, byte 25: 0 is gray. */
		CHECK(p != NULL && blen > 26 && p[24] == 8 && p[25] == 0);
		free(p);
	}
	free(png);
	free(px);
}

/*
 * A 3000x2000 JPEG with IMAGE_SIZES: copies 320, 640, 1024 and the
 * 1600 display copy, each as JPEG, WebP twins only when smaller; and a
 * flat graphic as PNG gets its lossless twins.
 */
static void
test_sizes(void)
{
	struct image	 im;
	unsigned char	*px = quadrants(3000, 2000, 3), *jpg = NULL, *png;
	unsigned long	 jlen = 0;
	size_t		 len, a, b;
	tjhandle	 tj = tjInitCompress();
	char		 w[64];
	int		 i, twins = 0;

	tjCompress2(tj, px, 3000, 0, 2000, TJPF_RGB, &jpg, &jlen, TJSAMP_420,
	    90, 0);
	tjDestroy(tj);
	if (store_ok(jpg, jlen, IMAGE_ANY | IMAGE_SIZES, &im, "JPEG sizes")) {
		widths(&im, w, sizeof(w));
		CHECK_STR(w, "320 640 1024 1600 ");
		CHECK(im.format == IMAGE_JPEG && im.width == 1600 &&
		    im.height == 1067 && im.thumb_width == 320 &&
		    im.thumb_height == 213);
		check_clean(&im, "JPEG sizes");
		for (i = 0; i < im.nfiles; i++) {
			unsigned char *p, *q;

			if (!im.file[i].webp_copy)
				continue;
			twins++;
			p = stored(&im.file[i - 1], &a);
			q = stored(&im.file[i], &b);
			CHECK_MSG(b < a && im.file[i].width ==
			    im.file[i - 1].width, "a twin is smaller");
			free(p);
			free(q);
		}
		CHECK_MSG(twins > 0, "flat quadrants: WebP twins are smaller");
	}
	tjFree(jpg);
	png = make_png(px, 3000, 2000, 3, NULL, &len);
	if (store_ok(png, len, IMAGE_ANY | IMAGE_SIZES, &im, "PNG sizes")) {
		widths(&im, w, sizeof(w));
		CHECK_STR(w, "320 640 1024 1600 ");
		CHECK(im.nfiles > 4 && im.file[1].webp_copy &&
		    strcmp(im.file[1].mime, "image/webp") == 0);
		check_clean(&im, "PNG sizes");
	}
	free(png);
	free(px);
}

/* Checks the stored animated WebP f: frames, their delays, loops. */
static void
check_anim(const struct image_file *f, int frames, const int *ms,
    int loops, const char *what)
{
	WebPAnimDecoderOptions	 o;
	WebPAnimDecoder		*dec;
	WebPAnimInfo		 info;
	WebPData		 d;
	unsigned char		*p, *buf;
	size_t			 len;
	char			 msg[200];
	int			 ts, prev = 0, n = 0, ok = 1;

	if (!CHECK_MSG((p = stored(f, &len)) != NULL, what))
		return;
	d.bytes = p;
	d.size = len;
	WebPAnimDecoderOptionsInit(&o);
	if (!CHECK_MSG((dec = WebPAnimDecoderNew(&d, &o)) != NULL, what)) {
		free(p);
		return;
	}
	WebPAnimDecoderGetInfo(dec, &info);
	while (WebPAnimDecoderHasMoreFrames(dec) &&
	    WebPAnimDecoderGetNext(dec, &buf, &ts)) {
		ok &= n < frames && ts - prev == ms[n];
		n++;
		prev = ts;
	}
	snprintf(msg, sizeof(msg), "%s: %d frames (want %d), loops %u (want"
	    " %d), delays kept %d", what, n, frames, info.loop_count, loops,
	    ok);
	CHECK_MSG(n == frames && ok && (int)info.loop_count == loops, msg);
	WebPAnimDecoderDelete(dec);
	free(p);
}

/*
 * An animated GIF (with a comment and an XMP extension) becomes an
 * animated WebP with its delays and loop count; a still GIF with
 * transparency a PNG with alpha.
 */
static void
test_gif(void)
{
	static const int	 cs[3] = { 10, 20, 50 }, ms[3] = { 100, 200, 500 };
	struct image		 im;
	unsigned char		*gif, *rgba;
	size_t			 len;
	int			 i, rw, rh;

	gif = make_gif(100, 80, 3, cs, 0, 0, &len);
	if (store_ok(gif, len, IMAGE_ANY | IMAGE_SIZES, &im, "GIF anim")) {
		CHECK(im.format == IMAGE_WEBP && im.source == IMAGE_GIF &&
		    im.frames == 3 && im.nfiles == 1 && im.width == 100);
		CHECK_STR(im.mime, "image/webp");
		check_clean(&im, "GIF anim");
		check_anim(&im.file[0], 3, ms, 0, "GIF anim");
	}
	free(gif);
	/* NETSCAPE2.0 loops 3: three plays after the first, four in all. */
	gif = make_gif(700, 500, 2, cs, 3, 0, &len);
	if (store_ok(gif, len, IMAGE_ANY | IMAGE_SIZES, &im, "GIF sizes")) {
		CHECK(im.nfiles == 3);
		for (i = 0; i < im.nfiles; i++)
			check_anim(&im.file[i], 2, ms, 4, "GIF sizes");
	}
	free(gif);
	gif = make_gif(40, 30, 2, cs, 2, 0, &len);
	if (store_ok(gif, len, IMAGE_ANY, &im, "GIF loops 2"))
		check_anim(&im.file[0], 2, ms, 3, "GIF loops 2: 3 plays");
	free(gif);
	gif = make_gif(40, 30, 2, cs, 65535, 0, &len);
	if (store_ok(gif, len, IMAGE_ANY, &im, "GIF loops 65535"))
		check_anim(&im.file[0], 2, ms, 65535, "GIF loops 65535");
	free(gif);
	gif = make_gif(40, 30, 2, cs, -1, 0, &len);
	if (store_ok(gif, len, IMAGE_ANY, &im, "GIF without NETSCAPE2.0"))
		check_anim(&im.file[0], 2, ms, 1, "GIF without loops: once");
	free(gif);
	gif = make_gif(40, 30, 1, cs, -1, 1, &len);
	if (store_ok(gif, len, IMAGE_ANY, &im, "GIF still")) {
		CHECK(im.format == IMAGE_PNG && im.frames == 1);
		rgba = read_rgba(&im.file[0], &rw, &rh);
		CHECK(rgba != NULL && rw == 40 && rh == 30 && rgba[3] == 0 &&
		    rgba[((size_t)29 * 40 + 39) * 4 + 3] == 255);
		free(rgba);
		check_clean(&im, "GIF still");
	}
	free(gif);
}

/*
 * A lossy WebP with EXIF orientation 6, XMP and a profile comes out
 * upright and clean; a lossless one stays lossless; an animated one
 * keeps its frames, delays and loops.
 */
static void
test_webp(void)
{
	static const int	 ms[2] = { 100, 250 };
	struct image		 im;
	unsigned char		*px = quadrants(200, 100, 4), *wp, *rgba, *p;
	size_t			 len, blen;
	int			 rw, rh;

	memset(px, 255, (size_t)200 * 100 * 4);
	free(px);
	px = quadrants(200, 100, 4);
	for (size_t k = 0; k < 200 * 100; k++)
		px[4 * k + 3] = 255;
	wp = make_webp(px, 200, 100, 0, 1, &len);
	if (store_ok(wp, len, IMAGE_ANY | IMAGE_SIZES, &im, "WebP")) {
		CHECK(im.format == IMAGE_WEBP && im.width == 100 &&
		    im.height == 200 && im.nfiles == 1);
		check_clean(&im, "WebP");
		rgba = read_rgba(&im.file[0], &rw, &rh);
		CHECK(rgba != NULL && quad_at(rgba, rw, 5, 5) == 2 &&
		    quad_at(rgba, rw, rw - 5, 5) == 0);
		free(rgba);
	}
	free(wp);
	wp = make_webp(px, 200, 100, 1, 0, &len);
	if (store_ok(wp, len, IMAGE_WEBP, &im, "lossless WebP")) {
		p = stored(&im.file[0], &blen);
		CHECK(p != NULL && has(p, blen, "VP8L", 4));
		free(p);
	}
	free(wp);
	wp = make_webp_anim(64, 64, 2, ms, 3, &len);
	if (store_ok(wp, len, IMAGE_ANY, &im, "WebP anim")) {
		CHECK(im.frames == 2 && im.format == IMAGE_WEBP);
		check_anim(&im.file[0], 2, ms, 3, "WebP anim");
		check_clean(&im, "WebP anim");
	}
	free(wp);
	free(px);
}

/* A 2x2 GIF with one comment of n one-byte sub-blocks before its frame. */
static unsigned char *
gif_comment_flood(size_t n, size_t *len)
{
	static const unsigned char head[] = {
		'G', 'I', 'F', '8', '9', 'a', 2, 0, 2, 0, 0x80, 0, 0,
		0, 0, 0, 255, 255, 255
	}, frame[] = {
		0x2c, 0, 0, 0, 0, 2, 0, 2, 0, 0,	/* 2x2 at 0,0 */
		2, 3, 0x44, 0x02, 0x05, 0, 0x3b		/* LZW: 0 1 / 1 0 */
	};
	unsigned char	*p;
	size_t		 i;

	*len = sizeof(head) + 2 + 2 * n + 1 + sizeof(frame);
	p = xmalloc(*len);
	memcpy(p, head, sizeof(head));
	p[sizeof(head)] = 0x21;
	p[sizeof(head) + 1] = 0xfe;
	for (i = 0; i < n; i++)
		memcpy(p + sizeof(head) + 2 + 2 * i, "\1x", 2);
	p[sizeof(head) + 2 + 2 * n] = 0;
	memcpy(p + *len - sizeof(frame), frame, sizeof(frame));
	return p;
}

/* The peak resident set of this process so far, in MiB. */
static long
peak_mib(void)
{
	struct rusage	 ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss / 1024;
}

/*
 * A 2x2 GIF whose comment is 4 million one-byte sub-blocks (8 MB): the
 * extension is skipped, not kept (DGifSlurp made each sub-block a
 * record and a malloc, some 240 MB for this file), and the GIF stored.
 * Run first, while the process is small, so its peak shows.
 */
static void
test_gif_comment_flood(void)
{
	struct image	 im;
	unsigned char	*p, *rgba;
	size_t		 len;
	long		 before = peak_mib(), grew;
	char		 msg[100];
	int		 rw, rh;

	p = gif_comment_flood(4000000, &len);
	if (store_ok(p, len, IMAGE_ANY, &im, "GIF comment flood")) {
		rgba = read_rgba(&im.file[0], &rw, &rh);
		CHECK(rgba != NULL && rw == 2 && rh == 2 && rgba[0] == 0 &&
		    rgba[4] == 255 && rgba[8] == 255 && rgba[12] == 0);
		free(rgba);
	}
	grew = peak_mib() - before;
	snprintf(msg, sizeof(msg), "GIF comment flood: peak grew %ld MiB",
	    grew);
	/* The 8 MB file and ASan's shadow and quarantine; not 240 MB. */
	CHECK_MSG(grew < 64, msg);
	free(p);
}

/* Sets the disposal of every graphic control extension of a GIF. */
static void
gif_disposal(unsigned char *p, size_t len, int disposal)
{
	size_t	 i;

	for (i = 13; i + 4 < len; i++)
		if (p[i] == 0x21 && p[i + 1] == 0xf9 && p[i + 2] == 4)
			p[i + 3] = (p[i + 3] & ~0x1c) | disposal << 2;
}

/*
 * A still GIF with disposal to previous decodes as any still: its one
 * frame is handed over as the pixels, no canvas saved for a disposal
 * that never comes; transparent pixels stay so.  And an animation of
 * such frames keeps its frames.
 */
static void
test_gif_dispose_previous(void)
{
	static const int	 cs[2] = { 10, 20 }, ms[2] = { 100, 200 };
	struct image		 im;
	unsigned char		*gif, *rgba;
	size_t			 len;
	int			 rw, rh;

	gif = make_gif(40, 30, 1, cs, -1, 1, &len);
	gif_disposal(gif, len, 3);
	if (store_ok(gif, len, IMAGE_ANY, &im, "GIF still, dispose previous")) {
		CHECK(im.format == IMAGE_PNG && im.frames == 1);
		rgba = read_rgba(&im.file[0], &rw, &rh);
		CHECK(rgba != NULL && rw == 40 && rh == 30 && rgba[3] == 0 &&
		    quad_at(rgba, rw, 39, 29) == 0 &&
		    rgba[((size_t)29 * 40 + 39) * 4 + 3] == 255);
		free(rgba);
	}
	free(gif);
	gif = make_gif(40, 30, 2, cs, 0, 0, &len);
	gif_disposal(gif, len, 3);
	if (store_ok(gif, len, IMAGE_ANY, &im, "GIF anim, dispose previous"))
		check_anim(&im.file[0], 2, ms, 0, "GIF anim, dispose previous");
	free(gif);
}

/* A hand-made GIF: canvas w x h, frames 1x1 frames. */
static unsigned char *
gif_flood(int w, int h, int frames, size_t *len)
{
	static const unsigned char frame[] = {
		0x2c, 0, 0, 0, 0, 1, 0, 1, 0, 0,	/* 1x1 at 0,0 */
		2, 2, 0x4c, 0x01, 0			/* LZW: index 0 */
	};
	struct mem	 m = { NULL, 0, 0 };
	unsigned char	 head[13 + 6] = { 'G', 'I', 'F', '8', '9', 'a',
			    w & 0xff, w >> 8, h & 0xff, h >> 8, 0x80, 0, 0,
			    0, 0, 0, 255, 255, 255 };
	int		 i;

	put(&m, head, sizeof(head));
	for (i = 0; i < frames; i++)
		put(&m, frame, sizeof(frame));
	put(&m, "\x3b", 1);
	*len = m.len;
	return m.p;
}

/* A PNG whose IHDR claims w x h, with one tiny IDAT and IEND. */
static unsigned char *
png_claiming(unsigned w, unsigned h, size_t *len)
{
	unsigned char	 px[4] = { 0 }, *png;
	size_t		 n;

	png = make_png(px, 1, 1, 3, NULL, &n);
	png[16] = w >> 24;
	png[17] = w >> 16;
	png[18] = w >> 8;
	png[19] = w;
	png[20] = h >> 24;
	png[21] = h >> 16;
	png[22] = h >> 8;
	png[23] = h;
	/* Its CRC made right, so only the size can refuse it. */
	{
		uLong crc = crc32(0, png + 12, 17);

		png[29] = crc >> 24;
		png[30] = crc >> 16;
		png[31] = crc >> 8;
		png[32] = crc;
	}
	*len = n;
	return png;
}

/* An animated WebP of frames 1x1 frames on a w x h canvas, by the mux. */
static unsigned char *
webp_flood(int w, int h, int frames, size_t *len)
{
	unsigned char	 px[4] = { 1, 2, 3, 255 }, *p;
	uint8_t		*one;
	size_t		 n = WebPEncodeLosslessRGBA(px, 1, 1, 4, &one);
	WebPMux		*mux = WebPMuxNew();
	WebPMuxFrameInfo fi;
	WebPMuxAnimParams ap = { 0, 0 };
	WebPData	 res;
	int		 i;

	memset(&fi, 0, sizeof(fi));
	fi.bitstream.bytes = one;
	fi.bitstream.size = n;
	fi.duration = 10;
	fi.id = WEBP_CHUNK_ANMF;
	for (i = 0; i < frames; i++)
		WebPMuxPushFrame(mux, &fi, 1);
	WebPMuxSetAnimationParams(mux, &ap);
	WebPMuxSetCanvasSize(mux, w, h);
	WebPMuxAssemble(mux, &res);
	p = xmalloc(res.size);
	memcpy(p, res.bytes, res.size);
	*len = res.size;
	WebPDataClear(&res);
	WebPMuxDelete(mux);
	WebPFree(one);
	return p;
}

/*
 * An animation of one frame (VP8X with the animation flag, ANIM, one
 * ANMF) is a still: a 1x1 frame at the corner of a 16x16 canvas comes
 * out a WebP of the canvas, the frame's pixel opaque and the rest
 * transparent.  libwebp's still decoder refuses such a file.
 */
static void
test_webp_one_frame(void)
{
	struct image	 im;
	unsigned char	*p, *rgba;
	size_t		 len;
	int		 rw, rh;

	p = webp_flood(16, 16, 1, &len);
	CHECK(has(p, len, "ANIM", 4) && has(p, len, "ANMF", 4));
	if (store_ok(p, len, IMAGE_ANY, &im, "WebP anim of one frame")) {
		CHECK(im.frames == 1 && im.format == IMAGE_WEBP &&
		    im.width == 16 && im.height == 16);
		check_clean(&im, "WebP anim of one frame");
		rgba = read_rgba(&im.file[0], &rw, &rh);
		CHECK(rgba != NULL && rw == 16 && rh == 16 &&
		    rgba[3] == 255 && rgba[((size_t)8 * 16 + 8) * 4 + 3] == 0);
		free(rgba);
	}
	free(p);
}

/* Bombs, damage, strangers and polyglots, each refused in time. */
static void
test_refused(void)
{
	static const int	 cs[2] = { 10, 10 };
	unsigned char		*p, *px = quadrants(64, 48, 3), *q;
	size_t			 len, n;
	struct image		 a, b;

	p = png_claiming(60000, 60000, &len);
	refused(p, len, IMAGE_ANY, IMAGE_TOO_BIG, "too large",
	    "PNG claiming 60000x60000");
	free(p);
	p = png_claiming(9000, 9000, &len);
	refused(p, len, IMAGE_ANY, IMAGE_TOO_BIG, "too large",
	    "PNG claiming 81 megapixels");
	free(p);
	p = gif_flood(16, 16, 10000, &len);
	refused(p, len, IMAGE_ANY, IMAGE_TOO_BIG, "too large",
	    "GIF of 10,000 frames");
	free(p);
	p = gif_flood(1000, 1000, 30, &len);
	refused(p, len, IMAGE_ANY, IMAGE_TOO_BIG, "too large",
	    "GIF of 30 frames of a megapixel");
	free(p);
	p = webp_flood(16, 16, 10000, &len);
	refused(p, len, IMAGE_ANY, IMAGE_TOO_BIG, "too large",
	    "WebP of 10,000 frames");
	free(p);
	p = webp_flood(4000, 4000, 2, &len);
	refused(p, len, IMAGE_ANY, IMAGE_TOO_BIG, "too large",
	    "WebP of two 16-megapixel frames");
	free(p);
	/* Truncated: half of each. */
	p = make_png(px, 64, 48, 3, NULL, &len);
	refused(p, len / 2, IMAGE_ANY, IMAGE_CORRUPT, "damaged",
	    "truncated PNG");
	refused(p, len - 12, IMAGE_ANY, IMAGE_CORRUPT, "damaged",
	    "PNG without IEND");
	p[40] ^= 0x55;
	refused(p, len, IMAGE_ANY, IMAGE_CORRUPT, "damaged",
	    "PNG with a damaged IDAT");
	free(p);
	p = make_gif(64, 48, 2, cs, 0, 0, &len);
	refused(p, len / 2, IMAGE_ANY, IMAGE_CORRUPT, "damaged",
	    "truncated GIF");
	refused(p, len - 1, IMAGE_ANY, IMAGE_CORRUPT, "damaged",
	    "GIF without its trailer");
	free(p);
	q = quadrants(64, 48, 4);
	p = make_webp(q, 64, 48, 0, 0, &len);
	refused(p, len / 2, IMAGE_ANY, IMAGE_CORRUPT, "damaged",
	    "truncated WebP");
	free(p);
	free(q);
	refused("GIF89a", 6, IMAGE_ANY, IMAGE_CORRUPT, "damaged",
	    "a GIF header alone");
	refused("\x89PNG\r\n\x1a\n", 8, IMAGE_ANY, IMAGE_CORRUPT, "damaged",
	    "a PNG signature alone");
	refused("RIFF\4\0\0\0WEBPVP8 ", 16, IMAGE_ANY, IMAGE_CORRUPT,
	    "damaged", "a WebP header alone");
	/* Strangers: other formats and text, by their bytes. */
	refused("RIFF\4\0\0\0WAVEfmt ", 16, IMAGE_ANY, IMAGE_NOT_JPEG,
	    "not a JPEG, PNG, GIF or WebP image", "a WAV");
	refused("BM\0\0\0\0", 6, IMAGE_ANY, IMAGE_NOT_JPEG, "not a",
	    "a BMP");
	refused("<svg xmlns='http://www.w3.org/2000/svg'/>", 41, IMAGE_ANY,
	    IMAGE_NOT_JPEG, "not a", "an SVG");
	refused("GIF89a<script>alert(1)</script>", 31, IMAGE_ANY,
	    IMAGE_CORRUPT, "damaged", "HTML behind a GIF signature");
	p = make_png(px, 64, 48, 3, NULL, &len);
	refused(p, len, IMAGE_JPEG, IMAGE_NOT_JPEG, "not a JPEG image.",
	    "a PNG where only JPEG is taken");
	/* Polyglot: a PNG with a ZIP and HTML after IEND is the PNG. */
	q = xmalloc(len + 64);
	memcpy(q, p, len);
	memcpy(q + len, "PK\3\4<html><script>alert(1)</script>", 35);
	n = len + 35;
	if (store_ok(p, len, IMAGE_ANY, &a, "clean PNG") &&
	    store_ok(q, n, IMAGE_ANY, &b, "PNG and a tail"))
		CHECK_STR(a.hash, b.hash);
	free(q);
	free(p);
	free(px);
}

/* Returns a heap copy of p[0..n), so ASan sees a read past its end. */
static unsigned char *
heap(const void *p, size_t n)
{
	unsigned char	*q = xmalloc(n);

	memcpy(q, p, n);
	return q;
}

/*
 * The RIFF walk: a last chunk of odd size without its padding byte is
 * refused, not read past the end (whatever the RIFF size claims); bytes
 * after the RIFF's declared end are ignored, as after a PNG's IEND.
 */
static void
test_webp_riff(void)
{
	static const unsigned char odd[] = "RIFF\x0d\0\0\0WEBPXYZW\1\0\0\0A";
	static const unsigned char big[] = "RIFF\xf0\xff\xff\xffWEBPXYZW\1\0\0\0A";
	unsigned char	*p, *px = quadrants(64, 48, 4), *q;
	struct image	 a, b;
	size_t		 len;

	p = heap(odd, sizeof(odd) - 1);
	refused(p, sizeof(odd) - 1, IMAGE_ANY, IMAGE_CORRUPT, "damaged",
	    "WebP ending in an odd chunk without padding");
	free(p);
	p = heap(big, sizeof(big) - 1);
	refused(p, sizeof(big) - 1, IMAGE_ANY, IMAGE_CORRUPT, "damaged",
	    "WebP whose RIFF size runs past the file, odd last chunk");
	free(p);
	p = make_webp(px, 64, 48, 0, 0, &len);
	q = xmalloc(len + 64);
	memcpy(q, p, len);
	memcpy(q + len, "PK\3\4<html><script>alert(1)</script>", 35);
	if (store_ok(p, len, IMAGE_ANY, &a, "clean WebP") &&
	    store_ok(q, len + 35, IMAGE_ANY, &b, "WebP and a tail"))
		CHECK_STR(a.hash, b.hash);
	/* An odd tail: the walk stops at the RIFF's end, not at len + 1. */
	if (store_ok(q, len + 1, IMAGE_ANY, &b, "WebP and a byte"))
		CHECK_STR(a.hash, b.hash);
	free(q);
	free(p);
	free(px);
}

/* Sets the RIFF size of the WebP m to its length. */
static void
riff_size(struct mem *m)
{
	size_t	 n = m->len - 8;

	m->p[4] = n & 0xff;
	m->p[5] = n >> 8 & 0xff;
	m->p[6] = n >> 16 & 0xff;
	m->p[7] = n >> 24 & 0xff;
}

/*
 * A valid WebP followed by 2,000 empty unknown chunks, and a file of
 * 200,000 of them (1.6 MB) alone, are refused by the walk, before
 * libwebp's demuxer allocates a record for each.
 */
static void
test_webp_chunks(void)
{
	struct mem	 m = { NULL, 0, 0 };
	unsigned char	*px = quadrants(64, 48, 4), *p;
	size_t		 len;
	int		 i;

	p = make_webp(px, 64, 48, 0, 1, &len);
	put(&m, p, len);
	for (i = 0; i < 2000; i++)
		put(&m, "ZZZZ\0\0\0\0", 8);
	riff_size(&m);
	refused(m.p, m.len, IMAGE_ANY, IMAGE_CORRUPT, "damaged",
	    "WebP and 2,000 empty chunks");
	m.len = 12;
	for (i = 0; i < 200000; i++)
		put(&m, "ZZZZ\0\0\0\0", 8);
	riff_size(&m);
	refused(m.p, m.len, IMAGE_ANY, IMAGE_CORRUPT, "damaged",
	    "WebP of 200,000 empty chunks");
	free(m.p);
	free(p);
	free(px);
}

/* A tiny gate refuses a PNG by its estimate, before decoding it. */
static void
test_gate(void)
{
	struct image_gate	*tiny = image_gate_new(1, 1 * MIB, 0);
	unsigned char		*px = quadrants(800, 600, 3), *p;
	struct image		 im;
	char			 msg[200];
	size_t			 len;

	p = make_png(px, 800, 600, 3, NULL, &len);
	CHECK(image_store(p, len, IMAGE_ANY, FILES(media), NULL, tiny, &im, msg,
	    sizeof(msg)) == IMAGE_TOO_BIG && strstr(msg, "memory") != NULL);
	free(p);
	free(px);
	image_gate_free(tiny);
}

int
main(void)
{
	char	 cmd[128];

	if (sodium_init() < 0)
		return 1;
	snprintf(media, sizeof(media), "/tmp/galley-formats-XXXXXX");
	if (mkdtemp(media) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	gate = image_gate_new(2, 1024 * MIB, 30000);
	test_gif_comment_flood();
	test_png();
	test_png_kinds();
	test_png_benign();
	test_icc_bound();
	test_sizes();
	test_gif();
	test_webp();
	test_gif_dispose_previous();
	test_refused();
	test_webp_riff();
	test_webp_one_frame();
	test_webp_chunks();
	test_gate();
	image_gate_free(gate);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", media);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", media);
	return check_done();
}
