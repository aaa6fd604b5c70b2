/*
 * image_png: the PNG codec of image.c (see image_codec.h), on libpng.
 * libpng reads the chunks before the image data (IHDR, the colour
 * profile, eXIf) with a limit set first, 4 MiB for any one chunk's
 * decompressed data, and text chunks never read at all, so a compressed
 * text bomb costs no memory; IHDR's sizes allocate nothing until the
 * rows are read, and image.c checks them and charges the gate first.  Every libpng call that may fail runs under its own
 * setjmp, in a function that returns before the next one.  The decoded
 * pixels are 8 bits a sample: gray, RGB, or RGBA (a palette, gray with
 * alpha or a tRNS colour key become RGB or RGBA).
 */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <png.h>

#include "alloc.h"
#include "image.h"
#include "image_codec.h"

#define CHUNK_MAX	(4 * 1024 * 1024)

/* A PNG being read from memory. */
struct png_in {
	png_structp		 png;
	png_infop		 info;
	const unsigned char	*p;
	size_t			 len, off;
	int			 alpha, gray;
};

/* An encoded PNG growing in memory. */
struct png_out {
	unsigned char	*data;
	size_t		 len, cap;
};

/* libpng's error: back to the setjmp of the call that failed. */
static void
on_error(png_structp png, png_const_charp what)
{
	(void)what;
	png_longjmp(png, 1);
}

/*
 * Warnings are not damage: libpng 1.6 reports its benign errors as
 * warnings (a bad CRC on an ancillary chunk, which it drops; compressed
 * data or IDAT after the image's last row; a colour profile it will not
 * use), none of which leaves a pixel undecoded, and browsers show such
 * files.  Missing data is an error (on_error), never a warning.
 */
static void
on_warning(png_structp png, png_const_charp what)
{
	(void)png;
	(void)what;
}

/* Reads from the upload; running out is an error (a truncated file). */
static void
on_read(png_structp png, png_bytep out, size_t n)
{
	struct png_in	*in = png_get_io_ptr(png);

	if (n > in->len - in->off)
		png_error(png, "truncated");
	memcpy(out, in->p + in->off, n);
	in->off += n;
}

/* Reads the chunks up to the image data into in->info. */
static int
read_head(struct png_in *in)
{
	/* Text is metadata we drop: never inflated, never kept. */
	static const png_byte	 skip[] = "tEXt\0zTXt\0iTXt\0sPLT\0tIME\0";

	if (setjmp(png_jmpbuf(in->png)))
		return IMAGE_CORRUPT;
	png_set_read_fn(in->png, in, on_read);
	png_set_chunk_malloc_max(in->png, CHUNK_MAX);
	png_set_keep_unknown_chunks(in->png, PNG_HANDLE_CHUNK_NEVER, skip,
	    (int)(sizeof(skip) - 1) / 5);
	png_read_info(in->png, in->info);
	return IMAGE_OK;
}

/* Fills pr from the header libpng read. */
static void
describe(struct png_in *in, struct probe *pr)
{
	png_charp	 name;
	png_bytep	 icc, exif;
	png_uint_32	 icclen, exiflen;
	int		 comp, type = png_get_color_type(in->png, in->info);

	pr->width = (int)png_get_image_width(in->png, in->info);
	pr->height = (int)png_get_image_height(in->png, in->info);
	pr->frames = 1;
	in->gray = !(type & PNG_COLOR_MASK_COLOR);
	in->alpha = (type & PNG_COLOR_MASK_ALPHA) ||
	    png_get_valid(in->png, in->info, PNG_INFO_tRNS);
	pr->comps = in->alpha ? 4 : in->gray ? 1 : 3;
	if (png_get_iCCP(in->png, in->info, &name, &comp, &icc, &icclen) ==
	    PNG_INFO_iCCP) {
		pr->icc = icc;
		pr->icclen = icclen;
	}
	if (png_get_eXIf_1(in->png, in->info, &exiflen, &exif) ==
	    PNG_INFO_eXIf)
		pr->orientation = image_exif_orientation(exif, exiflen);
	pr->dw = pr->width;
	pr->dh = pr->height;
	/* The pixels and their row pointers; zlib's window and a row. */
	pr->held = (size_t)pr->width * pr->height * pr->comps +
	    (size_t)pr->height * sizeof(png_bytep);
	pr->decode = pr->held + (size_t)pr->width * 8 + IMAGE_MIB;
}

static int
png_probe(const unsigned char *p, size_t len, struct probe *pr)
{
	struct png_in	*in = xcalloc(1, sizeof(*in));
	int		 rc;

	pr->state = in;
	in->p = p;
	in->len = len;
	in->png = png_create_read_struct(PNG_LIBPNG_VER_STRING, NULL,
	    on_error, on_warning);
	if (in->png == NULL || (in->info = png_create_info_struct(in->png)) ==
	    NULL) {
		fprintf(stderr, "image: png_create_read_struct failed\n");
		return IMAGE_IO;
	}
	if ((rc = read_head(in)) != IMAGE_OK)
		return rc;
	describe(in, pr);
	return IMAGE_OK;
}

/* Sets the transformations to 8-bit gray, RGB or RGBA; the channels. */
static int
transform(struct png_in *in)
{
	if (setjmp(png_jmpbuf(in->png)))
		return -1;
	png_set_expand(in->png);
	png_set_strip_16(in->png);
	if (in->gray && in->alpha)
		png_set_gray_to_rgb(in->png);
	png_set_interlace_handling(in->png);
	png_read_update_info(in->png, in->info);
	return png_get_channels(in->png, in->info);
}

/* Reads the image into rows, then the chunks after it to IEND. */
static int
read_rows(struct png_in *in, png_bytepp rows)
{
	if (setjmp(png_jmpbuf(in->png)))
		return IMAGE_CORRUPT;
	png_read_image(in->png, rows);
	png_read_end(in->png, NULL);
	return IMAGE_OK;
}

static int
png_decode(const unsigned char *p, size_t len, struct probe *pr,
    struct pixels *px)
{
	struct png_in	*in = pr->state;
	png_bytepp	 rows;
	int		 y, rc;

	(void)p;
	(void)len;
	px->w = pr->width;
	px->h = pr->height;
	px->comps = transform(in);
	if (px->comps != pr->comps ||
	    png_get_rowbytes(in->png, in->info) != (size_t)px->w * px->comps)
		return IMAGE_CORRUPT;
	px->p = xmalloc((size_t)px->w * px->h * px->comps);
	rows = xmalloc(sizeof(*rows) * px->h);
	for (y = 0; y < px->h; y++)
		rows[y] = px->p + (size_t)y * px->w * px->comps;
	rc = read_rows(in, rows);
	free(rows);
	if (rc != IMAGE_OK) {
		free(px->p);
		px->p = NULL;
	}
	return rc;
}

static void
png_done(struct probe *pr)
{
	struct png_in	*in = pr->state;

	if (in == NULL)
		return;
	if (in->png != NULL)
		png_destroy_read_struct(&in->png, in->info != NULL ?
		    &in->info : NULL, NULL);
	free(in);
	pr->state = NULL;
}

const struct codec image_png = {
	IMAGE_PNG, png_probe, png_decode, NULL, png_done
};

static void
on_write(png_structp png, png_bytep data, size_t n)
{
	struct png_out	*o = png_get_io_ptr(png);

	if (n > o->cap - o->len) {
		o->cap = (o->cap + n) * 2;
		o->data = xrealloc(o->data, o->cap);
	}
	memcpy(o->data + o->len, data, n);
	o->len += n;
}

static void
on_flush(png_structp png)
{
	(void)png;
}

/* Writes px with IHDR, IDAT and IEND only. */
static int
write_png(png_structp png, png_infop info, const struct pixels *px,
    struct png_out *o)
{
	int	 y, type = px->comps == 1 ? PNG_COLOR_TYPE_GRAY :
		    px->comps == 3 ? PNG_COLOR_TYPE_RGB : PNG_COLOR_TYPE_RGBA;

	if (setjmp(png_jmpbuf(png)))
		return IMAGE_IO;
	png_set_write_fn(png, o, on_write, on_flush);
	png_set_IHDR(png, info, px->w, px->h, 8, type, PNG_INTERLACE_NONE,
	    PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	png_write_info(png, info);
	for (y = 0; y < px->h; y++)
		png_write_row(png, px->p + (size_t)y * px->w * px->comps);
	png_write_end(png, NULL);
	return IMAGE_OK;
}

/* Encodes px (gray, RGB or RGBA) as a PNG into out. */
int
png_encode(const struct pixels *px, struct blob *out)
{
	struct png_out	 o = { NULL, 0, 0 };
	png_structp	 png;
	png_infop	 info = NULL;
	int		 rc = IMAGE_IO;

	png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, on_error,
	    on_warning);
	if (png != NULL && (info = png_create_info_struct(png)) != NULL)
		rc = write_png(png, info, px, &o);
	if (png != NULL)
		png_destroy_write_struct(&png, info != NULL ? &info : NULL);
	if (rc != IMAGE_OK) {
		fprintf(stderr, "image: PNG encoding failed\n");
		free(o.data);
		return rc;
	}
	out->data = o.data;
	out->len = o.len;
	return IMAGE_OK;
}
