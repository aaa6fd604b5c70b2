/*
 * image_webp: the WebP codec of image.c (see image_codec.h) and the WebP
 * encoders every format's copies may use, on libwebp.  The RIFF chunks
 * are counted first (an animation of too many frames, or a file of more
 * than MAX_CHUNKS chunks, is refused before libwebp's demuxer makes a
 * record of each), then the demuxer reads the
 * headers alone: the canvas, the frames, the loop count, the EXIF
 * (orientation) and ICCP chunks, whether the first frame is lossless.
 * A still, or an animation of one frame, is decoded from its frame's
 * bitstream straight into our buffer; an animation through
 * WebPAnimDecoder, which composites each frame onto its canvas.  The
 * encoders write only the image (VP8/VP8L, ALPH, and for an animation
 * ANIM and ANMF): no EXIF, XMP or ICCP chunk.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <webp/decode.h>
#include <webp/demux.h>
#include <webp/encode.h>
#include <webp/mux.h>

#include "alloc.h"
#include "image.h"
#include "image_codec.h"

/*
 * The demuxer allocates a record for every chunk before anything is
 * charged to the gate: a file of a million empty chunks would cost tens
 * of megabytes.  An animation of IMAGE_MAX_FRAMES frames and its VP8X,
 * ANIM, ICCP, EXIF and XMP chunks stays far below this.
 */
#define MAX_CHUNKS	1000

struct webp_anim {
	WebPAnimEncoder	*enc;
	WebPConfig	 config;
	int		 w, h;
};

static size_t
le32(const unsigned char *p)
{
	return (size_t)p[0] | (size_t)p[1] << 8 | (size_t)p[2] << 16 |
	    (size_t)p[3] << 24;
}

/*
 * Returns the length of the RIFF file at p[0..len): len, or less when
 * the RIFF header says it ends sooner (bytes after its end are ignored,
 * as after a PNG's IEND).  p holds at least 12 bytes.
 */
static size_t
riff_len(const unsigned char *p, size_t len)
{
	size_t	 n = le32(p + 4);

	return n <= len - 8 ? 8 + n : len;
}

/*
 * Counts the chunks and the ANMF chunks among them of the RIFF file
 * p[0..len), up to its declared end, stopping past the limits: returns
 * IMAGE_TOO_BIG past IMAGE_MAX_FRAMES frames, IMAGE_CORRUPT past
 * MAX_CHUNKS chunks or when a chunk (with its padding byte, when its
 * size is odd) runs past the end, else IMAGE_OK.
 */
static int
count_frames(const unsigned char *p, size_t len)
{
	size_t	 i = 12, n;
	int	 frames = 0, chunks = 0;

	if (len < 12 || memcmp(p + 8, "WEBP", 4) != 0)
		return IMAGE_CORRUPT;
	len = riff_len(p, len);
	while (i <= len && len - i >= 8) {
		n = le32(p + i + 4);
		if (++chunks > MAX_CHUNKS)
			return IMAGE_CORRUPT;
		if (memcmp(p + i, "ANMF", 4) == 0 &&
		    ++frames > IMAGE_MAX_FRAMES)
			return IMAGE_TOO_BIG;
		if (n > len - i - 8 || (n & 1) > len - i - 8 - n)
			return IMAGE_CORRUPT;
		i += 8 + n + (n & 1);
	}
	return IMAGE_OK;
}

/* Notes the EXIF orientation and the ICCP profile the demuxer found. */
static void
metadata(WebPDemuxer *dmux, struct probe *pr)
{
	WebPChunkIterator	 ch;
	uint32_t		 flags = WebPDemuxGetI(dmux, WEBP_FF_FORMAT_FLAGS);

	if ((flags & EXIF_FLAG) && WebPDemuxGetChunk(dmux, "EXIF", 1, &ch)) {
		pr->orientation = image_exif_orientation(ch.chunk.bytes,
		    ch.chunk.size);
		WebPDemuxReleaseChunkIterator(&ch);
	}
	if ((flags & ICCP_FLAG) && WebPDemuxGetChunk(dmux, "ICCP", 1, &ch)) {
		/* Points into the upload, which outlives the probe. */
		pr->icc = ch.chunk.bytes;
		pr->icclen = ch.chunk.size;
		WebPDemuxReleaseChunkIterator(&ch);
	}
}

static int
webp_probe(const unsigned char *p, size_t len, struct probe *pr)
{
	WebPData		 data = { p, len };
	WebPDemuxer		*dmux;
	WebPIterator		 it;
	WebPBitstreamFeatures	 ft;
	int			 rc, cover;

	if ((rc = count_frames(p, len)) != IMAGE_OK)
		return rc;
	data.size = riff_len(p, len);
	if ((dmux = WebPDemux(&data)) == NULL)
		return IMAGE_CORRUPT;
	pr->state = dmux;
	pr->width = (int)WebPDemuxGetI(dmux, WEBP_FF_CANVAS_WIDTH);
	pr->height = (int)WebPDemuxGetI(dmux, WEBP_FF_CANVAS_HEIGHT);
	pr->frames = (int)WebPDemuxGetI(dmux, WEBP_FF_FRAME_COUNT);
	pr->loops = (int)WebPDemuxGetI(dmux, WEBP_FF_LOOP_COUNT);
	if (!WebPDemuxGetFrame(dmux, 1, &it))
		return IMAGE_CORRUPT;
	rc = WebPGetFeatures(it.fragment.bytes, it.fragment.size, &ft);
	/* A frame smaller than the canvas leaves the rest transparent. */
	cover = it.x_offset == 0 && it.y_offset == 0 &&
	    it.width == pr->width && it.height == pr->height;
	WebPDemuxReleaseIterator(&it);
	if (rc != VP8_STATUS_OK)
		return IMAGE_CORRUPT;
	pr->lossless = ft.format == 2;
	metadata(dmux, pr);
	pr->dw = pr->width;
	pr->dh = pr->height;
	pr->comps = pr->frames > 1 || ft.has_alpha || !cover ? 4 : 3;
	/* Ours; a lossless decode's own ARGB copy, or the animation's two
	   canvases. */
	pr->held = (size_t)pr->width * pr->height * pr->comps;
	pr->decode = (size_t)pr->width * pr->height * 4 * 3 + IMAGE_MIB;
	return IMAGE_OK;
}

/*
 * Decodes the first (for a still, the only) frame: the image of a still,
 * or the one frame of an animation of one, whose VP8X animation flag
 * makes libwebp's still decoder refuse the file.  The frame's own
 * bitstream is decoded at its offset on a transparent canvas, as the
 * animation decoder draws a first frame, without its two canvases.
 */
static int
webp_decode(const unsigned char *p, size_t len, struct probe *pr,
    struct pixels *px)
{
	WebPIterator	 it;
	size_t		 n, at;
	uint8_t		*ok = NULL;

	(void)p;
	(void)len;
	px->w = pr->width;
	px->h = pr->height;
	px->comps = pr->comps;
	n = (size_t)px->w * px->h * px->comps;
	if (!WebPDemuxGetFrame(pr->state, 1, &it))
		return IMAGE_CORRUPT;
	px->p = xcalloc(1, n);
	at = ((size_t)it.y_offset * px->w + it.x_offset) * px->comps;
	if (it.x_offset + it.width <= px->w && it.y_offset + it.height <=
	    px->h) {
		if (px->comps == 4)
			ok = WebPDecodeRGBAInto(it.fragment.bytes,
			    it.fragment.size, px->p + at, n - at, px->w * 4);
		else
			ok = WebPDecodeRGBInto(it.fragment.bytes,
			    it.fragment.size, px->p + at, n - at, px->w * 3);
	}
	WebPDemuxReleaseIterator(&it);
	if (ok == NULL) {
		free(px->p);
		px->p = NULL;
		return IMAGE_CORRUPT;
	}
	return IMAGE_OK;
}

static int
webp_frames(const unsigned char *p, size_t len, struct probe *pr,
    frame_fn fn, void *arg)
{
	WebPData		 data = { p, len };
	WebPAnimDecoderOptions	 o;
	WebPAnimDecoder		*dec;
	struct pixels		 cv = { NULL, pr->width, pr->height, 4 };
	int			 ts, prev = 0, n = 0, rc = IMAGE_OK;

	data.size = riff_len(p, len);
	if (!WebPAnimDecoderOptionsInit(&o))
		return IMAGE_IO;
	o.color_mode = MODE_RGBA;
	o.use_threads = 0;
	if ((dec = WebPAnimDecoderNew(&data, &o)) == NULL)
		return IMAGE_CORRUPT;
	while (rc == IMAGE_OK && WebPAnimDecoderHasMoreFrames(dec)) {
		if (!WebPAnimDecoderGetNext(dec, &cv.p, &ts)) {
			rc = IMAGE_CORRUPT;
			break;
		}
		n++;
		rc = fn(&cv, ts - prev, arg);
		prev = ts;
	}
	WebPAnimDecoderDelete(dec);
	return rc == IMAGE_OK && n != pr->frames ? IMAGE_CORRUPT : rc;
}

static void
webp_done(struct probe *pr)
{
	WebPDemuxDelete(pr->state);
	pr->state = NULL;
}

const struct codec image_webp = {
	IMAGE_WEBP, webp_probe, webp_decode, webp_frames, webp_done
};

/* Imports px (RGB or RGBA) into pic, made ready for config. */
static int
import(WebPPicture *pic, const WebPConfig *config, const struct pixels *px)
{
	if (!WebPPictureInit(pic))
		return 0;
	pic->use_argb = config->lossless;
	pic->width = px->w;
	pic->height = px->h;
	return px->comps == 4 ? WebPPictureImportRGBA(pic, px->p, px->w * 4) :
	    WebPPictureImportRGB(pic, px->p, px->w * 3);
}

/* Sets config to quality IMAGE_QUALITY, lossy or lossless. */
static int
configure(WebPConfig *config, int lossless)
{
	if (!WebPConfigInit(config))
		return 0;
	config->quality = IMAGE_QUALITY;
	config->lossless = lossless;
	return WebPValidateConfig(config);
}

/* Encodes px (RGB or RGBA) as a still WebP into out. */
int
webp_encode(const struct pixels *px, int lossless, struct blob *out)
{
	WebPConfig		 config;
	WebPPicture		 pic;
	WebPMemoryWriter	 wr;
	int			 ok;

	if (!configure(&config, lossless) || !import(&pic, &config, px)) {
		fprintf(stderr, "image: WebP setup failed\n");
		return IMAGE_IO;
	}
	WebPMemoryWriterInit(&wr);
	pic.writer = WebPMemoryWrite;
	pic.custom_ptr = &wr;
	if ((ok = WebPEncode(&config, &pic)) != 0) {
		out->data = image_dup(wr.mem, wr.size);
		out->len = wr.size;
	} else
		fprintf(stderr, "image: WebPEncode: error %d\n",
		    pic.error_code);
	WebPMemoryWriterClear(&wr);
	WebPPictureFree(&pic);
	return ok ? IMAGE_OK : IMAGE_IO;
}

struct webp_anim *
webp_anim_new(int w, int h, int loops, int lossless)
{
	struct webp_anim	*a = xcalloc(1, sizeof(*a));
	WebPAnimEncoderOptions	 o;

	a->w = w;
	a->h = h;
	if (!WebPAnimEncoderOptionsInit(&o) ||
	    !configure(&a->config, lossless))
		return a;
	o.anim_params.loop_count = loops;
	a->enc = WebPAnimEncoderNew(w, h, &o);
	return a;
}

/* Adds px, to be shown from ms milliseconds on. */
int
webp_anim_add(struct webp_anim *a, const struct pixels *px, int ms)
{
	WebPPicture	 pic;
	int		 ok;

	if (a->enc == NULL || !import(&pic, &a->config, px)) {
		fprintf(stderr, "image: WebPAnimEncoder setup failed\n");
		return IMAGE_IO;
	}
	if (!(ok = WebPAnimEncoderAdd(a->enc, &pic, ms, &a->config)))
		fprintf(stderr, "image: WebPAnimEncoderAdd: %s\n",
		    WebPAnimEncoderGetError(a->enc));
	WebPPictureFree(&pic);
	return ok ? IMAGE_OK : IMAGE_IO;
}

/* Ends the animation at ms and writes it into out. */
int
webp_anim_end(struct webp_anim *a, int ms, struct blob *out)
{
	WebPData	 d;
	int		 ok;

	WebPDataInit(&d);
	if (a->enc == NULL)
		return IMAGE_IO;
	ok = WebPAnimEncoderAdd(a->enc, NULL, ms, NULL) &&
	    WebPAnimEncoderAssemble(a->enc, &d);
	if (ok) {
		out->data = image_dup(d.bytes, d.size);
		out->len = d.size;
	} else
		fprintf(stderr, "image: WebPAnimEncoderAssemble: %s\n",
		    WebPAnimEncoderGetError(a->enc));
	WebPDataClear(&d);
	return ok ? IMAGE_OK : IMAGE_IO;
}

void
webp_anim_free(struct webp_anim *a)
{
	if (a == NULL)
		return;
	WebPAnimEncoderDelete(a->enc);
	free(a);
}
