/*
 * test_image: image_store() against the shared JPEG fixtures (every
 * valid/ file stored clean, every invalid/ file refused quickly and
 * leaving nothing behind, 12-bit and lossless refused as unsupported),
 * the EXIF fixture stored upright with its metadata gone, the size
 * limits on synthetic files, all eight EXIF orientations, downscaling,
 * polyglots, scan floods, storing twice, from several threads at once,
 * and an unwritable media folder.  The stored files are checked by
 * decoding them again and by walking their markers.  Then the bounds:
 * what cjpeg and jpegtran -progressive write passes, one scan past the
 * limit is refused before any memory is taken, the gate's budget and
 * slots (too big, busy, the peak RSS of several decodes at once), and a
 * full disk on a small tmpfs (when this process may mount one), which
 * leaves no file behind and passes once there is room again.
 */
#include <sys/mount.h>
#include <sys/stat.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>
#include <turbojpeg.h>

#include "alloc.h"
#include "check.h"
#include "image.h"
#include "media.h"
#include "store.h"

/* The media folder dir as a media store (media.h). */
#define FILES(dir)	(&(struct media_store){ MEDIA_FILES, (dir) })

#define MAX_SECONDS	2.0	/* for any one rejected file */
#define MAX_SCANS	32	/* image.c's limit */
#define MIB		(1024 * 1024)

/* The fixtures folder and the media folder every test stores into. */
struct env {
	char			 fixtures[1024];
	char			 media[64];
	char			 work[64];	/* files that are not media */
	double			 slowest;
	char			 slowest_name[256];
	struct image_gate	*gate;	/* roomy: 4 at once, 1 GiB */
};

static double
now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Returns the contents of path (the caller frees), or NULL. */
static unsigned char *
slurp(const char *path, size_t *len)
{
	FILE		*f;
	unsigned char	*p;
	long		 n;

	if ((f = fopen(path, "rb")) == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	p = xmalloc(n > 0 ? n : 1);
	*len = fread(p, 1, n, f);
	fclose(f);
	return p;
}

/* Returns the number of entries in dir, dot files included. */
static int
count_entries(const char *dir)
{
	DIR		*d;
	struct dirent	*de;
	int		 n = 0;

	if ((d = opendir(dir)) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

/* Removes every file in dir, then dir. */
static void
remove_dir(const char *dir)
{
	DIR		*d;
	struct dirent	*de;
	char		 path[1200];

	if ((d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		unlink(path);
	}
	closedir(d);
	rmdir(dir);
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Returns the sorted names of the files in dir (NULL-terminated). */
static char **
list_dir(const char *dir, int *count)
{
	DIR		*d;
	struct dirent	*de;
	char		**v = NULL;
	int		 n = 0;

	if ((d = opendir(dir)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			if (de->d_name[0] == '.')
				continue;
			v = xrealloc(v, (n + 2) * sizeof(*v));
			v[n++] = xstrdup(de->d_name);
		}
		closedir(d);
	}
	if (v == NULL)
		v = xcalloc(1, sizeof(*v));
	v[n] = NULL;
	qsort(v, n, sizeof(*v), by_name);
	*count = n;
	return v;
}

static void
free_list(char **v)
{
	char	**p;

	for (p = v; *p != NULL; p++)
		free(*p);
	free(v);
}

/*
 * Counts the segments of the JPEG p[0..len) whose marker is in [lo, hi],
 * walking every marker up to EOI and skipping entropy-coded data; -1 if
 * the structure is broken.  The test's own walker, independent of
 * image.c's.
 */
static int
count_markers(const unsigned char *p, size_t len, int lo, int hi)
{
	size_t	 i = 2, n;
	int	 m, count = 0;

	if (len < 4 || p[0] != 0xff || p[1] != 0xd8)
		return -1;
	while (i + 1 < len) {
		if (p[i] != 0xff)
			return -1;
		if ((m = p[i + 1]) == 0xff) {
			i++;
			continue;
		}
		i += 2;
		if (m == 0xd9)
			return count;
		if (m == 0x01 || (m >= 0xd0 && m <= 0xd7))
			continue;
		if (i + 2 > len || (n = p[i] << 8 | p[i + 1]) < 2 ||
		    i + n > len)
			return -1;
		if (m >= lo && m <= hi)
			count++;
		i += n;
		while (m == 0xda && i + 1 < len && !(p[i] == 0xff &&
		    p[i + 1] != 0 && !(p[i + 1] >= 0xd0 && p[i + 1] <= 0xd7)))
			i++;
	}
	return -1;
}

/*
 * Reads the size in the first SOF segment of the JPEG p[0..len); returns
 * 1, or 0.  (tjDecompressHeader3() of 2.1 refuses CMYK 4:2:0.)
 */
static int
frame_size(const unsigned char *p, size_t len, int *w, int *h)
{
	size_t	 i = 2;
	int	 m;

	while (i + 9 < len && p[i] == 0xff) {
		m = p[i + 1];
		if (m >= 0xc0 && m <= 0xcf && m != 0xc4 && m != 0xc8 &&
		    m != 0xcc) {
			*h = p[i + 5] << 8 | p[i + 6];
			*w = p[i + 7] << 8 | p[i + 8];
			return 1;
		}
		if (m == 0xda)
			return 0;
		i += 2 + (p[i + 2] << 8 | p[i + 3]);
	}
	return 0;
}

/* Returns the number of metadata segments: APP1 to APP15 and COM. */
static int
metadata_segments(const unsigned char *p, size_t len)
{
	int	 app = count_markers(p, len, 0xe1, 0xef);
	int	 com = count_markers(p, len, 0xfe, 0xfe);

	return app < 0 || com < 0 ? -1 : app + com;
}

/* Reads the size in the JPEG p[0..len)'s header; returns 1, or 0. */
static int
header(const unsigned char *p, size_t len, int *w, int *h)
{
	tjhandle	 tj = tjInitDecompress();
	int		 sub, cs, ok;

	ok = tjDecompressHeader3(tj, p, len, w, h, &sub, &cs) == 0;
	tjDestroy(tj);
	return ok;
}

/*
 * Decodes p[0..len) as RGB with warnings fatal; returns the pixels (the
 * caller frees) and their size, or NULL.
 */
static unsigned char *
decode(const unsigned char *p, size_t len, int *w, int *h)
{
	tjhandle	 tj;
	unsigned char	*rgb;

	if (!header(p, len, w, h))
		return NULL;
	tj = tjInitDecompress();
	rgb = xmalloc((size_t)*w * *h * 3);
	if (tjDecompress2(tj, p, len, rgb, *w, 0, *h, TJPF_RGB,
	    TJFLAG_STOPONWARNING) != 0) {
		free(rgb);
		rgb = NULL;
	}
	tjDestroy(tj);
	return rgb;
}

/* Returns 1 if the n bytes at s occur in p[0..len). */
static int
contains(const unsigned char *p, size_t len, const char *s, size_t n)
{
	size_t	 i;

	for (i = 0; i + n <= len; i++)
		if (memcmp(p + i, s, n) == 0)
			return 1;
	return 0;
}

/*
 * Returns an RGB JPEG of px (w by h) made by TurboJPEG with chroma
 * subsampling samp; caller frees.
 */
static unsigned char *
make_jpeg_samp(const unsigned char *px, int w, int h, int samp, int flags,
    size_t *len)
{
	tjhandle	 tj = tjInitCompress();
	unsigned char	*jpeg = NULL, *copy;
	unsigned long	 n = 0;

	if (tjCompress2(tj, px, w, 0, h, TJPF_RGB, &jpeg, &n, samp, 90,
	    flags) != 0) {
		tjDestroy(tj);
		return NULL;
	}
	copy = xmalloc(n);
	memcpy(copy, jpeg, n);
	*len = n;
	tjFree(jpeg);
	tjDestroy(tj);
	return copy;
}

/* The same, 4:2:0. */
static unsigned char *
make_jpeg(const unsigned char *px, int w, int h, int flags, size_t *len)
{
	return make_jpeg_samp(px, w, h, TJSAMP_420, flags, len);
}

/* Returns w by h RGB pixels: a smooth gradient with some texture. */
static unsigned char *
gradient(int w, int h)
{
	unsigned char	*px = xmalloc((size_t)w * h * 3), *q = px;
	int		 x, y;

	for (y = 0; y < h; y++)
		for (x = 0; x < w; x++) {
			*q++ = x * 255 / w;
			*q++ = y * 255 / h;
			*q++ = ((x / 8 + y / 8) & 1) ? 200 : 60;
		}
	return px;
}

/* The colours of the four quadrants of the orientation test image. */
static const unsigned char corners[4][3] = {
	{ 255, 0, 0 }, { 0, 255, 0 },		/* top left, top right */
	{ 0, 0, 255 }, { 255, 255, 255 },	/* bottom left, right */
};

/* Returns w by h RGB pixels, each quadrant its colour in corners. */
static unsigned char *
quadrants(int w, int h)
{
	unsigned char	*px = xmalloc((size_t)w * h * 3), *q = px;
	int		 x, y, c;

	for (y = 0; y < h; y++)
		for (x = 0; x < w; x++) {
			c = (y >= h / 2) * 2 + (x >= w / 2);
			memcpy(q, corners[c], 3);
			q += 3;
		}
	return px;
}

/* Returns which of corners the pixel at (x, y) of rgb (width w) is. */
static int
corner_at(const unsigned char *rgb, int w, int x, int y)
{
	const unsigned char	*p = rgb + ((size_t)y * w + x) * 3;
	int			 c, best = -1, d, bestd = 1 << 30;

	for (c = 0; c < 4; c++) {
		d = abs(p[0] - corners[c][0]) + abs(p[1] - corners[c][1]) +
		    abs(p[2] - corners[c][2]);
		if (d < bestd) {
			bestd = d;
			best = c;
		}
	}
	return best;
}

/*
 * Checks one stored copy: dir/hash.jpg exists, is named by the SHA-256
 * of its bytes, decodes with no warning to w by h, and carries no
 * metadata segment.
 */
static void
check_copy(const char *dir, const char *hash, int w, int h, const char *name)
{
	unsigned char	 md[crypto_hash_sha256_BYTES], *p, *rgb;
	char		 path[1200], hex[65], what[512];
	size_t		 len;
	int		 dw = 0, dh = 0;

	snprintf(path, sizeof(path), "%s/%s.jpg", dir, hash);
	snprintf(what, sizeof(what), "%s: stored copy %s", name, hash);
	if (!check_one((p = slurp(path, &len)) != NULL, what, __FILE__,
	    __LINE__))
		return;
	crypto_hash_sha256(md, p, len);
	sodium_bin2hex(hex, sizeof(hex), md, sizeof(md));
	check_one(strcmp(hex, hash) == 0, what, __FILE__, __LINE__);
	rgb = decode(p, len, &dw, &dh);
	check_one(rgb != NULL && dw == w && dh == h, what, __FILE__,
	    __LINE__);
	check_one(metadata_segments(p, len) == 0, what, __FILE__, __LINE__);
	free(rgb);
	free(p);
}

/* Returns the long edge of a w by h image. */
static int
long_edge(int w, int h)
{
	return w > h ? w : h;
}

/*
 * Stores one valid file and checks both copies: sizes (long edges at
 * most 1600 and 320, shrunk to exactly that when bigger, never grown),
 * decodable, clean.
 */
static void
check_valid(struct env *env, const char *name)
{
	char		 path[1400], msg[200], what[400];
	unsigned char	*p;
	struct image	 img;
	size_t		 len;
	int		 rc, w = 0, h = 0, edge, want;

	snprintf(path, sizeof(path), "%s/valid/%s", env->fixtures, name);
	if (!CHECK_MSG((p = slurp(path, &len)) != NULL, path))
		return;
	CHECK(frame_size(p, len, &w, &h));
	rc = image_store(p, len, IMAGE_JPEG, FILES(env->media), NULL, env->gate, &img, msg,
	    sizeof(msg));
	snprintf(what, sizeof(what), "valid/%s accepted (rc %d: %s)", name,
	    rc, msg);
	if (CHECK_MSG(rc == IMAGE_OK && msg[0] == '\0', what)) {
		edge = long_edge(img.width, img.height);
		want = long_edge(w, h) < 1600 ? long_edge(w, h) : 1600;
		snprintf(what, sizeof(what), "valid/%s: display %dx%d from "
		    "%dx%d", name, img.width, img.height, w, h);
		CHECK_MSG(edge == want, what);
		want = edge < 320 ? edge : 320;
		snprintf(what, sizeof(what), "valid/%s: thumbnail %dx%d", name,
		    img.thumb_width, img.thumb_height);
		CHECK_MSG(long_edge(img.thumb_width, img.thumb_height) == want,
		    what);
		check_copy(env->media, img.hash, img.width, img.height, name);
		check_copy(env->media, img.thumb, img.thumb_width,
		    img.thumb_height, name);
	}
	free(p);
}

static void
test_valid(struct env *env)
{
	char	 dir[1100], **names;
	int	 i, n;

	snprintf(dir, sizeof(dir), "%s/valid", env->fixtures);
	names = list_dir(dir, &n);
	CHECK(n >= 44);
	for (i = 0; i < n; i++)
		check_valid(env, names[i]);
	free_list(names);
}

/*
 * Returns the mean absolute difference between upright (w by h) and src
 * (h by w) seen through the mapping: upright (x, y) is src (y, h-1-x)
 * for a clockwise turn, src (w-1-y, x) for an anticlockwise one.
 */
static double
turn_diff(const unsigned char *upright, int w, int h,
    const unsigned char *src, int clockwise)
{
	const unsigned char	*a, *b;
	double			 sum = 0;
	int			 x, y, sx, sy, c;

	for (y = 0; y < h; y++)
		for (x = 0; x < w; x++) {
			sx = clockwise ? y : h - 1 - y;
			sy = clockwise ? w - 1 - x : x;
			a = upright + ((size_t)y * w + x) * 3;
			b = src + ((size_t)sy * h + sx) * 3;
			for (c = 0; c < 3; c++)
				sum += abs(a[c] - b[c]);
		}
	return sum / ((double)w * h * 3);
}

/*
 * The EXIF fixture (ljt-testorig.jpg plus orientation 6, GPS, XMP and a
 * comment) is stored upright: sides swapped, and its pixels are those of
 * the plain original turned clockwise, not anticlockwise.
 */
static void
test_exif_fixture(struct env *env)
{
	char		 path[1400], msg[200];
	unsigned char	*p, *orig, *src = NULL, *out = NULL, *stored;
	struct image	 img;
	size_t		 len, olen, slen;
	int		 w = 0, h = 0, ow = 0, oh = 0, sw = 0, sh = 0;

	snprintf(path, sizeof(path), "%s/valid/exif-gps-orientation6.jpg",
	    env->fixtures);
	if (!CHECK((p = slurp(path, &len)) != NULL))
		return;
	snprintf(path, sizeof(path), "%s/valid/ljt-testorig.jpg",
	    env->fixtures);
	if (!CHECK((orig = slurp(path, &olen)) != NULL))
		return;
	/* The fixture does carry what must go. */
	CHECK(count_markers(p, len, 0xe1, 0xe1) >= 2);	/* EXIF and XMP */
	CHECK(count_markers(p, len, 0xfe, 0xfe) >= 1);
	CHECK(contains(p, len, "http://ns.adobe.com/", 20));
	CHECK(frame_size(p, len, &w, &h));
	CHECK(w != h);
	CHECK(image_store(p, len, IMAGE_JPEG, FILES(env->media), NULL, env->gate, &img, msg,
	    sizeof(msg)) == IMAGE_OK);
	CHECK(img.width == h && img.height == w);
	snprintf(path, sizeof(path), "%s/%s.jpg", env->media, img.hash);
	if (CHECK((stored = slurp(path, &slen)) != NULL)) {
		CHECK(metadata_segments(stored, slen) == 0);
		CHECK(!contains(stored, slen, "Exif", 4));
		CHECK(!contains(stored, slen, "http://ns.adobe.com",
		    19));
		out = decode(stored, slen, &sw, &sh);
		src = decode(orig, olen, &ow, &oh);
		CHECK(out != NULL && src != NULL && sw == oh && sh == ow);
		if (out != NULL && src != NULL && sw == oh && sh == ow) {
			CHECK(turn_diff(out, sw, sh, src, 1) < 6);
			CHECK(turn_diff(out, sw, sh, src, 0) > 20);
		}
		free(stored);
	}
	free(out);
	free(src);
	free(orig);
	free(p);
}

/*
 * Stores the file (dir/name) expecting a refusal with code want (or any
 * error for -1): a message, no new file, and within MAX_SECONDS.
 */
static void
check_refused(struct env *env, const char *dir, const char *name, int want,
    const char *wantmsg)
{
	char		 path[1400], msg[200], what[600];
	unsigned char	*p;
	struct image	 img;
	size_t		 len;
	double		 t;
	int		 rc, before;

	snprintf(path, sizeof(path), "%s/%s/%s", env->fixtures, dir, name);
	if (!CHECK_MSG((p = slurp(path, &len)) != NULL, path))
		return;
	before = count_entries(env->media);
	t = now();
	rc = image_store(p, len, IMAGE_JPEG, FILES(env->media), NULL, env->gate, &img, msg,
	    sizeof(msg));
	t = now() - t;
	if (t > env->slowest) {
		env->slowest = t;
		snprintf(env->slowest_name, sizeof(env->slowest_name),
		    "%s/%s", dir, name);
	}
	snprintf(what, sizeof(what), "%s/%s refused (rc %d, \"%s\", %.3f s)",
	    dir, name, rc, msg, t);
	CHECK_MSG(want < 0 ? rc != IMAGE_OK : rc == want, what);
	CHECK_MSG(msg[0] != '\0', what);
	CHECK_MSG(wantmsg == NULL || strstr(msg, wantmsg) != NULL, what);
	CHECK_MSG(t < MAX_SECONDS, what);
	CHECK_MSG(count_entries(env->media) == before, what);
	free(p);
}

static void
test_refused(struct env *env, const char *dir, int want, const char *msg,
    int min)
{
	char	 path[1100], **names;
	int	 i, n;

	snprintf(path, sizeof(path), "%s/%s", env->fixtures, dir);
	names = list_dir(path, &n);
	CHECK(n >= min);
	for (i = 0; i < n; i++)
		check_refused(env, dir, names[i], want, msg);
	free_list(names);
}

/* Stores data[0..len) expecting want; returns the time taken. */
static double
expect_rc(struct env *env, const void *data, size_t len, int want,
    const char *what)
{
	char		 msg[200];
	struct image	 img;
	double		 t = now();
	int		 rc, before = count_entries(env->media);

	rc = image_store(data, len, IMAGE_JPEG, FILES(env->media), NULL, env->gate, &img, msg,
	    sizeof(msg));
	t = now() - t;
	if (!CHECK_MSG(rc == want, what))
		fprintf(stderr, "  got rc %d: %s\n", rc, msg);
	CHECK_MSG(want == IMAGE_OK || (msg[0] != '\0' &&
	    count_entries(env->media) == before), what);
	return t;
}

/* Returns the offset of the first marker m in the JPEG p, or 0. */
static size_t
find_marker(const unsigned char *p, size_t len, int m)
{
	size_t	 i;

	for (i = 2; i + 1 < len; i++)
		if (p[i] == 0xff && p[i + 1] == m)
			return i;
	return 0;
}

static void
test_limits(struct env *env)
{
	unsigned char	*big, *px, *jpeg;
	size_t		 len, sof = 0;
	double		 t;

	big = xcalloc(9 * 1024 * 1024, 1);
	memcpy(big, "\xff\xd8\xff\xe0", 4);
	expect_rc(env, big, 9 * 1024 * 1024, IMAGE_TOO_BIG, "9 MB");
	free(big);
	expect_rc(env, "", 0, IMAGE_NOT_JPEG, "empty");
	expect_rc(env, "\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16, IMAGE_NOT_JPEG,
	    "PNG signature");
	expect_rc(env, "GIF89a\1\0\1\0", 10, IMAGE_NOT_JPEG, "GIF");
	expect_rc(env, "<html><body>hi</body></html>", 28, IMAGE_NOT_JPEG,
	    "HTML");
	expect_rc(env, "\xff\xd8", 2, IMAGE_NOT_JPEG, "bare SOI");

	px = gradient(16, 16);
	jpeg = make_jpeg(px, 16, 16, 0, &len);
	free(px);
	if (!CHECK(jpeg != NULL && (sof = find_marker(jpeg, len, 0xc0)) > 0))
		return;
	/* SOF0: FF C0, length, precision, height, width. */
	memcpy(jpeg + sof + 5, "\x4e\x20\x4e\x20", 4);	/* 20000 x 20000 */
	t = expect_rc(env, jpeg, len, IMAGE_TOO_BIG, "20000x20000 header");
	CHECK(t < 0.1);
	memcpy(jpeg + sof + 5, "\x1b\x58\x1b\x58", 4);	/* 7000 x 7000 */
	expect_rc(env, jpeg, len, IMAGE_TOO_BIG, "49 megapixels");
	memcpy(jpeg + sof + 5, "\x00\x10\x27\x11", 4);	/* 10001 wide */
	expect_rc(env, jpeg, len, IMAGE_TOO_BIG, "10001 px a side");
	memcpy(jpeg + sof + 5, "\x00\x10\x00\x10", 4);
	expect_rc(env, jpeg, len, IMAGE_OK, "patched back to 16x16");
	expect_rc(env, jpeg, len - 2, IMAGE_CORRUPT, "no EOI");
	expect_rc(env, jpeg, len / 2, IMAGE_CORRUPT, "cut in half");
	jpeg[sof + 4] = 12;
	expect_rc(env, jpeg, len, IMAGE_UNSUPPORTED, "12-bit SOF0");
	free(jpeg);
}

/* Large and elongated pictures shrink to 1600 and 320 on the long edge. */
static void
test_shrink(struct env *env)
{
	static const struct {
		int	w, h, dw, dh, tw, th;
	} sizes[] = {
		{ 4000, 3000, 1600, 1200, 320, 240 },
		{ 1000, 5000, 320, 1600, 64, 320 },
		{ 1601, 20, 1600, 20, 320, 4 },
		{ 9000, 4, 1600, 1, 320, 1 },
		{ 321, 321, 321, 321, 320, 320 },
	};
	unsigned char	*px, *jpeg;
	struct image	 img;
	char		 msg[200], what[100];
	size_t		 i, len;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		px = gradient(sizes[i].w, sizes[i].h);
		jpeg = make_jpeg(px, sizes[i].w, sizes[i].h, 0, &len);
		free(px);
		snprintf(what, sizeof(what), "%dx%d shrunk", sizes[i].w,
		    sizes[i].h);
		if (CHECK_MSG(jpeg != NULL && image_store(jpeg, len,
		    IMAGE_JPEG, FILES(env->media), NULL, env->gate, &img, msg, sizeof(msg)) ==
		    IMAGE_OK, what)) {
			CHECK_MSG(img.width == sizes[i].dw &&
			    img.height == sizes[i].dh, what);
			CHECK_MSG(img.thumb_width == sizes[i].tw &&
			    img.thumb_height == sizes[i].th, what);
			check_copy(env->media, img.hash, img.width,
			    img.height, what);
			check_copy(env->media, img.thumb, img.thumb_width,
			    img.thumb_height, what);
		}
		free(jpeg);
	}
}

/*
 * Returns jpeg with an Exif APP1 holding only Orientation o put after
 * SOI, in big-endian (MM) or little-endian (II) TIFF; caller frees.
 */
static unsigned char *
add_exif(const unsigned char *jpeg, size_t len, int o, int little,
    size_t *outlen)
{
	static const unsigned char mm[] = {
		0xff, 0xe1, 0x00, 0x22, 'E', 'x', 'i', 'f', 0, 0,
		'M', 'M', 0x00, 0x2a, 0x00, 0x00, 0x00, 0x08,
		0x00, 0x01, 0x01, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	};
	static const unsigned char ii[] = {
		0xff, 0xe1, 0x00, 0x22, 'E', 'x', 'i', 'f', 0, 0,
		'I', 'I', 0x2a, 0x00, 0x08, 0x00, 0x00, 0x00,
		0x01, 0x00, 0x12, 0x01, 0x03, 0x00, 0x01, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	};
	unsigned char	*p = xmalloc(len + sizeof(mm));

	memcpy(p, jpeg, 2);
	memcpy(p + 2, little ? ii : mm, sizeof(mm));
	p[2 + (little ? 28 : 29)] = o;
	memcpy(p + 2 + sizeof(mm), jpeg + 2, len - 2);
	*outlen = len + sizeof(mm);
	return p;
}

/*
 * All eight EXIF orientations: where each corner of the stored picture
 * comes from (TL, TR, BL, BR of the source), as the EXIF standard
 * defines them.
 */
static void
test_orientations(struct env *env)
{
	static const int want[9][4] = {
		{ 0, 1, 2, 3 },			/* 0: out of range, as 1 */
		{ 0, 1, 2, 3 }, { 1, 0, 3, 2 },	/* 1 as is, 2 mirrored */
		{ 3, 2, 1, 0 }, { 2, 3, 0, 1 },	/* 3 turned 180, 4 flipped */
		{ 0, 2, 1, 3 },			/* 5 transposed */
		{ 2, 0, 3, 1 },			/* 6 turned clockwise */
		{ 3, 1, 2, 0 },			/* 7 transversed */
		{ 1, 3, 0, 2 },			/* 8 turned anticlockwise */
	};
	unsigned char	*px, *jpeg, *ex, *stored, *rgb;
	struct image	 img;
	char		 msg[200], path[200], what[100];
	size_t		 len, elen, slen;
	int		 o, little, w, h, got[4];

	px = quadrants(64, 32);
	jpeg = make_jpeg(px, 64, 32, 0, &len);
	free(px);
	for (o = 0; o <= 9; o++) {
		little = o == 9;
		ex = add_exif(jpeg, len, little ? 6 : o, little, &elen);
		snprintf(what, sizeof(what), "orientation %d%s", little ? 6 : o,
		    little ? " (II)" : "");
		if (!CHECK_MSG(image_store(ex, elen, IMAGE_JPEG, FILES(env->media), NULL, env->gate,
		    &img, msg, sizeof(msg)) == IMAGE_OK, what)) {
			free(ex);
			continue;
		}
		snprintf(path, sizeof(path), "%s/%s.jpg", env->media, img.hash);
		stored = slurp(path, &slen);
		rgb = stored ? decode(stored, slen, &w, &h) : NULL;
		if (CHECK_MSG(rgb != NULL, what)) {
			CHECK_MSG((w == 32) == ((little ? 6 : o) >= 5), what);
			got[0] = corner_at(rgb, w, w / 4, h / 4);
			got[1] = corner_at(rgb, w, w * 3 / 4, h / 4);
			got[2] = corner_at(rgb, w, w / 4, h * 3 / 4);
			got[3] = corner_at(rgb, w, w * 3 / 4, h * 3 / 4);
			CHECK_MSG(memcmp(got, want[little ? 6 : o],
			    sizeof(got)) == 0, what);
		}
		free(rgb);
		free(stored);
		free(ex);
	}
	free(jpeg);
}

/*
 * Broken EXIF (IFD offset past the end, or no TIFF header at all) is
 * ignored: the picture is stored as it is.
 */
static void
test_bad_exif(struct env *env)
{
	unsigned char	*px, *jpeg, *ex;
	struct image	 img;
	char		 msg[200];
	size_t		 len, elen;

	px = quadrants(64, 32);
	jpeg = make_jpeg(px, 64, 32, 0, &len);
	free(px);
	ex = add_exif(jpeg, len, 6, 0, &elen);
	memcpy(ex + 2 + 14, "\xff\xff\xff\xf0", 4);	/* IFD0 offset */
	CHECK(image_store(ex, elen, IMAGE_JPEG, FILES(env->media), NULL, env->gate, &img, msg,
	    sizeof(msg)) == IMAGE_OK);
	CHECK(img.width == 64 && img.height == 32);
	memset(ex + 2 + 10, 0xee, 26);		/* all of the TIFF data */
	CHECK(image_store(ex, elen, IMAGE_JPEG, FILES(env->media), NULL, env->gate, &img, msg,
	    sizeof(msg)) == IMAGE_OK);
	CHECK(img.width == 64 && img.height == 32);
	free(ex);
	free(jpeg);
}

/*
 * A JPEG with a ZIP and HTML after EOI is stored exactly as the JPEG
 * alone: only the image reaches the stored copy.
 */
static void
test_polyglot(struct env *env)
{
	static const char tail[] = "PK\3\4\24\0\0\0\10\0<html><script>"
	    "alert(1)</script></html>";
	unsigned char	*px, *jpeg, *poly, *stored;
	struct image	 clean, img;
	char		 msg[200], path[200];
	size_t		 len, slen;

	px = gradient(40, 30);
	jpeg = make_jpeg(px, 40, 30, 0, &len);
	free(px);
	poly = xmalloc(len + sizeof(tail));
	memcpy(poly, jpeg, len);
	memcpy(poly + len, tail, sizeof(tail));
	CHECK(image_store(jpeg, len, IMAGE_JPEG, FILES(env->media), NULL, env->gate, &clean, msg,
	    sizeof(msg)) == IMAGE_OK);
	CHECK(image_store(poly, len + sizeof(tail), IMAGE_JPEG, FILES(env->media), NULL, env->gate,
	    &img, msg, sizeof(msg)) == IMAGE_OK);
	CHECK_STR(img.hash, clean.hash);
	CHECK_STR(img.thumb, clean.thumb);
	snprintf(path, sizeof(path), "%s/%s.jpg", env->media, img.hash);
	if (CHECK((stored = slurp(path, &slen)) != NULL)) {
		CHECK(!contains(stored, slen, "<script", 7));
		CHECK(!contains(stored, slen, "PK\3\4", 4));
		free(stored);
	}
	free(poly);
	free(jpeg);
}

/*
 * A progressive JPEG whose last scan is repeated 300 times: refused
 * (before libjpeg sees it), and fast.
 */
static void
test_scan_flood(struct env *env)
{
	unsigned char	*px, *jpeg, *flood, *q;
	size_t		 len, last = 0, i, scan;
	double		 t;

	px = gradient(64, 64);
	jpeg = make_jpeg(px, 64, 64, TJFLAG_PROGRESSIVE, &len);
	free(px);
	for (i = 2; i + 1 < len; i++)
		if (jpeg[i] == 0xff && jpeg[i + 1] == 0xda)
			last = i;
	if (!CHECK(last > 0 && jpeg[len - 2] == 0xff && jpeg[len - 1] == 0xd9))
		return;
	scan = len - 2 - last;
	flood = q = xmalloc(len + 300 * scan);
	memcpy(q, jpeg, len - 2);
	q += len - 2;
	for (i = 0; i < 300; i++, q += scan)
		memcpy(q, jpeg + last, scan);
	memcpy(q, "\xff\xd9", 2);
	t = expect_rc(env, flood, len + 300 * scan, IMAGE_CORRUPT,
	    "300 scans");
	CHECK(t < MAX_SECONDS);
	free(flood);
	free(jpeg);
}

/* Storing the same picture twice gives the same names, files in place. */
static void
test_twice(struct env *env)
{
	char		 path[1400], msg[200];
	unsigned char	*p;
	struct image	 a, b;
	size_t		 len;
	int		 n;

	snprintf(path, sizeof(path), "%s/valid/ljt-testorig.jpg",
	    env->fixtures);
	if (!CHECK((p = slurp(path, &len)) != NULL))
		return;
	CHECK(image_store(p, len, IMAGE_JPEG, FILES(env->media), NULL, env->gate, &a, msg,
	    sizeof(msg)) == IMAGE_OK);
	n = count_entries(env->media);
	CHECK(image_store(p, len, IMAGE_JPEG, FILES(env->media), NULL, env->gate, &b, msg,
	    sizeof(msg)) == IMAGE_OK);
	CHECK_STR(a.hash, b.hash);
	CHECK_STR(a.thumb, b.thumb);
	/* Already thumbnail-sized: both copies are the same file. */
	CHECK(long_edge(a.width, a.height) <= 320);
	CHECK_STR(a.hash, a.thumb);
	CHECK(count_entries(env->media) == n);
	check_copy(env->media, b.hash, b.width, b.height, "twice");
	free(p);
}

/* Discards each file of im; how many media_get then answers want. */
static int
discard_each(const struct media_store *ms, const struct image *im, int want)
{
	struct media_object	 o;
	int			 i, n = 0;

	for (i = 0; i < im->nfiles; i++) {
		media_discard(ms, NULL, im->file[i].hash, im->file[i].ext);
		n += media_get(ms, NULL, im->file[i].hash, im->file[i].ext,
		    &o) == want;
		media_object_reset(&o);
	}
	return n;
}

/*
 * IMAGE_PIN: every file stored is pinned until image_unpin, so a
 * discard (another request's refused twin) leaves it; unpinned, the
 * same discard takes it.
 */
static void
test_pinned(struct env *env)
{
	struct media_store	*ms = FILES(env->media);
	unsigned char		*px = gradient(1400, 900), *p;
	struct image		 im;
	char			 msg[200];
	size_t			 len;
	int			 i, pinned = 0;

	p = make_jpeg(px, 1400, 900, 0, &len);
	free(px);
	if (!CHECK(p != NULL))
		return;
	CHECK(image_store(p, len, IMAGE_JPEG | IMAGE_SIZES | IMAGE_PIN, ms,
	    NULL, env->gate, &im, msg, sizeof(msg)) == IMAGE_OK);
	free(p);
	CHECK(im.nfiles >= 4);
	for (i = 0; i < im.nfiles; i++)
		pinned += im.file[i].pinned;
	CHECK_MSG(pinned == im.nfiles, "every file pinned");
	CHECK_MSG(discard_each(ms, &im, STORE_OK) == im.nfiles,
	    "a discard keeps pinned files");
	image_unpin(&im);
	for (i = 0; i < im.nfiles; i++)
		CHECK(!im.file[i].pinned);
	CHECK_MSG(discard_each(ms, &im, STORE_NOTFOUND) == im.nfiles,
	    "unpinned, a discard takes them");
}

/* One thread's work: store its picture several times. */
struct job {
	const char		*media;
	struct image_gate	*gate;
	unsigned char		*jpeg;
	size_t			 len;
	char			 hash[65];
	int			 failures;
};

static void *
worker(void *arg)
{
	struct job	*j = arg;
	struct image	 img;
	char		 msg[200];
	int		 i;

	for (i = 0; i < 5; i++) {
		if (image_store(j->jpeg, j->len, IMAGE_JPEG, FILES(j->media), NULL, j->gate, &img, msg,
		    sizeof(msg)) != IMAGE_OK)
			j->failures++;
		else if (i == 0)
			memcpy(j->hash, img.hash, sizeof(j->hash));
		else if (strcmp(j->hash, img.hash) != 0)
			j->failures++;
	}
	return NULL;
}

static void
test_threads(struct env *env)
{
	pthread_t	 t[6];
	struct job	 jobs[6];
	unsigned char	*px;
	int		 i;

	for (i = 0; i < 6; i++) {
		memset(&jobs[i], 0, sizeof(jobs[i]));
		jobs[i].media = env->media;
		jobs[i].gate = env->gate;
		/* Two threads per picture: the same file written at once. */
		px = gradient(300 + i / 2 * 100, 200);
		jobs[i].jpeg = make_jpeg(px, 300 + i / 2 * 100, 200, 0,
		    &jobs[i].len);
		free(px);
	}
	for (i = 0; i < 6; i++)
		pthread_create(&t[i], NULL, worker, &jobs[i]);
	for (i = 0; i < 6; i++) {
		pthread_join(t[i], NULL);
		CHECK(jobs[i].failures == 0);
		if (i % 2 == 1)
			CHECK_STR(jobs[i].hash, jobs[i - 1].hash);
		free(jobs[i].jpeg);
	}
}

/* A media folder that cannot be written: IMAGE_IO and a message. */
static void
test_io(struct env *env)
{
	char		 path[1400], msg[200], dir[200];
	unsigned char	*p;
	struct image	 img;
	size_t		 len;

	snprintf(path, sizeof(path), "%s/valid/ljt-testorig.jpg",
	    env->fixtures);
	if (!CHECK((p = slurp(path, &len)) != NULL))
		return;
	snprintf(dir, sizeof(dir), "%s/missing", env->media);
	CHECK(image_store(p, len, IMAGE_JPEG, FILES(dir), NULL, env->gate, &img, msg, sizeof(msg)) ==
	    IMAGE_IO);
	CHECK(msg[0] != '\0');
	msg[0] = 'x';
	CHECK(image_store(p, 0, IMAGE_JPEG, FILES(dir), NULL, env->gate, &img, msg, 0) ==
	    IMAGE_NOT_JPEG);
	CHECK(msg[0] == 'x');	/* msglen 0: msg untouched */
	CHECK(image_store(p, len, IMAGE_JPEG, FILES(dir), NULL, env->gate, &img, msg, 8) ==
	    IMAGE_IO);
	CHECK(strlen(msg) == 7);
	free(p);
}

/* No temporary file is left behind by any successful store. */
static void
test_no_temporaries(struct env *env)
{
	DIR		*d;
	struct dirent	*de;
	int		 stray = 0;

	if (!CHECK((d = opendir(env->media)) != NULL))
		return;
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] == '.' && strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0)
			stray++;
	closedir(d);
	CHECK(stray == 0);
}

/* Runs cmd by the shell; returns 1 if it exited 0. */
static int
run(const char *cmd)
{
	return system(cmd) == 0;
}

/* Writes w by h pixels of gradient() as a PPM, or gray as a PGM. */
static int
write_pnm(const char *path, int w, int h, int gray)
{
	unsigned char	*px = gradient(w, h);
	FILE		*f;
	size_t		 i, n = (size_t)w * h;
	int		 ok;

	if ((f = fopen(path, "wb")) == NULL) {
		free(px);
		return 0;
	}
	fprintf(f, "P%d\n%d %d\n255\n", gray ? 5 : 6, w, h);
	if (gray)
		for (i = 0; i < n; i++)
			px[i] = (px[3 * i] + px[3 * i + 1] + px[3 * i + 2]) / 3;
	ok = fwrite(px, gray ? 1 : 3, n, f) == n;
	free(px);
	return fclose(f) == 0 && ok;
}

/*
 * What libjpeg's own tools write with -progressive (jpeg_simple_
 * progression: 10 scans for YCbCr, 6 for gray, 2 + 4 a component
 * otherwise) is stored: colour, 4:4:4, RGB, gray, arithmetic-coded, and
 * CMYK made progressive by jpegtran (cjpeg cannot write CMYK).
 */
static void
test_encoders(struct env *env)
{
	static const struct {
		const char	*tool;
		const char	*input;	/* ppm, pgm, or a valid/ fixture */
		int		 scans;
	} enc[] = {
		{ "cjpeg -progressive", "ppm", 10 },
		{ "cjpeg -progressive -sample 1x1", "ppm", 10 },
		{ "cjpeg -progressive -rgb", "ppm", 14 },
		{ "cjpeg -progressive -grayscale", "ppm", 6 },
		{ "cjpeg -progressive", "pgm", 6 },
		{ "cjpeg -progressive -arithmetic", "ppm", 10 },
		{ "jpegtran -progressive", "ljt-testorig.jpg", 10 },
		{ "jpegtran -progressive", "moz-jpg-gray.jpg", 6 },
		{ "jpegtran -progressive", "moz-jpg-cmyk-1.jpg", 18 },
		{ "jpegtran -progressive", "moz-jpg-cmyk-2.jpg", 18 },
	};
	char		 in[1400], out[200], cmd[3200], msg[200], what[300];
	unsigned char	*p;
	struct image	 img;
	size_t		 i, len;

	if (!run("command -v cjpeg >/dev/null && command -v jpegtran"
	    " >/dev/null")) {
		printf("test_encoders: skipped: no cjpeg or jpegtran"
		    " (libjpeg-turbo-progs)\n");
		return;
	}
	snprintf(in, sizeof(in), "%s/in.ppm", env->work);
	CHECK(write_pnm(in, 640, 480, 0));
	snprintf(in, sizeof(in), "%s/in.pgm", env->work);
	CHECK(write_pnm(in, 640, 480, 1));
	snprintf(out, sizeof(out), "%s/out.jpg", env->work);
	for (i = 0; i < sizeof(enc) / sizeof(enc[0]); i++) {
		if (strchr(enc[i].input, '.') == NULL)
			snprintf(in, sizeof(in), "%s/in.%s", env->work,
			    enc[i].input);
		else
			snprintf(in, sizeof(in), "%s/valid/%s", env->fixtures,
			    enc[i].input);
		snprintf(cmd, sizeof(cmd), "%s -outfile %s %s", enc[i].tool,
		    out, in);
		snprintf(what, sizeof(what), "%s %s", enc[i].tool,
		    enc[i].input);
		if (!CHECK_MSG(run(cmd) && (p = slurp(out, &len)) != NULL,
		    what))
			continue;
		CHECK_MSG(count_markers(p, len, 0xda, 0xda) == enc[i].scans,
		    what);
		CHECK_MSG(image_store(p, len, IMAGE_JPEG, FILES(env->media), NULL, env->gate, &img, msg,
		    sizeof(msg)) == IMAGE_OK, what);
		free(p);
	}
}

/*
 * Writes a scan script for cjpeg -scans: n scans of a 3-component
 * frame, all DC first, then each component's AC split into bands.
 */
static int
write_scans(const char *path, int n)
{
	FILE	*f;
	int	 c, j, k, rest = n - 1, lo, hi;

	if ((f = fopen(path, "w")) == NULL)
		return 0;
	fprintf(f, "0,1,2: 0 0 0 0;\n");
	for (c = 0; c < 3; c++) {
		k = rest / 3 + (c < rest % 3);
		for (j = 0; j < k; j++) {
			lo = 1 + 63 * j / k;
			hi = 63 * (j + 1) / k;
			fprintf(f, "%d: %d %d 0 0;\n", c, lo, hi);
		}
	}
	return fclose(f) == 0;
}

/*
 * A progressive file of exactly MAX_SCANS scans is stored; one scan more
 * is refused as damaged, quickly, and before any memory is taken: with
 * its frame patched to 10000x4000 and a gate of one byte it is still
 * IMAGE_CORRUPT, where a file the marker walk let through reaches the
 * gate (before anything is allocated) and is IMAGE_TOO_BIG.
 */
static void
test_scan_limit(struct env *env)
{
	struct image_gate	*tiny = image_gate_new(1, 1, 0);
	char			 ppm[200], scans[200], out[200], cmd[800];
	char			 msg[200], what[100];
	unsigned char		*p;
	struct image		 img;
	size_t			 len, sof;
	double			 t;
	int			 n, rc;

	if (!run("command -v cjpeg >/dev/null")) {
		printf("test_scan_limit: skipped: no cjpeg\n");
		image_gate_free(tiny);
		return;
	}
	snprintf(ppm, sizeof(ppm), "%s/scans.ppm", env->work);
	snprintf(scans, sizeof(scans), "%s/scans.txt", env->work);
	snprintf(out, sizeof(out), "%s/scans.jpg", env->work);
	CHECK(write_pnm(ppm, 64, 64, 0));
	for (n = MAX_SCANS; n <= MAX_SCANS + 1; n++) {
		snprintf(what, sizeof(what), "%d scans", n);
		snprintf(cmd, sizeof(cmd), "cjpeg -scans %s -outfile %s %s",
		    scans, out, ppm);
		if (!CHECK_MSG(write_scans(scans, n) && run(cmd) &&
		    (p = slurp(out, &len)) != NULL, what))
			continue;
		CHECK_MSG(count_markers(p, len, 0xda, 0xda) == n, what);
		rc = image_store(p, len, IMAGE_JPEG, FILES(env->media), NULL, env->gate, &img, msg,
		    sizeof(msg));
		CHECK_MSG(rc == (n == MAX_SCANS ? IMAGE_OK : IMAGE_CORRUPT),
		    what);
		if (CHECK_MSG((sof = find_marker(p, len, 0xc2)) > 0, what)) {
			memcpy(p + sof + 5, "\x0f\xa0\x27\x10", 4);
			t = now();
			rc = image_store(p, len, IMAGE_JPEG, FILES(env->media), NULL, tiny, &img, msg,
			    sizeof(msg));
			t = now() - t;
			CHECK_MSG(rc == (n == MAX_SCANS ? IMAGE_TOO_BIG :
			    IMAGE_CORRUPT) && t < 0.1, what);
		}
		free(p);
	}
	image_gate_free(tiny);
}

/* Returns the kB of field ("VmHWM:", "VmRSS:") in /proc/self/status. */
static long
status_kb(const char *field)
{
	FILE	*f = fopen("/proc/self/status", "r");
	char	 line[256];
	long	 kb = -1;

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, field, strlen(field)) == 0)
			kb = atol(line + strlen(field));
	fclose(f);
	return kb;
}

/* Resets the process's peak RSS to its present RSS; returns 1 if done. */
static int
reset_peak(void)
{
	int	 fd = open("/proc/self/clear_refs", O_WRONLY), ok;

	if (fd == -1)
		return 0;
	ok = write(fd, "5", 1) == 1;
	close(fd);
	return ok;
}

/* One thread's store through a gate: the picture, where, and the rc. */
struct gated {
	struct image_gate	*gate;
	const char		*media;
	const unsigned char	*jpeg;
	size_t			 len;
	_Atomic int		 started;
	int			 rc;
};

static void *
gated_store(void *arg)
{
	struct gated	*g = arg;
	struct image	 img;
	char		 msg[200];

	g->started = 1;
	g->rc = image_store(g->jpeg, g->len, IMAGE_JPEG, FILES(g->media), NULL, g->gate, &img, msg,
	    sizeof(msg));
	return NULL;
}

/*
 * Peak RSS above the present while four threads store jpeg[0..len)
 * through gate; -1 if it cannot be measured.  Each must succeed.
 */
static long
peak_of_four(struct env *env, struct image_gate *gate,
    const unsigned char *jpeg, size_t len)
{
	struct gated	 g[4];
	pthread_t	 t[4];
	long		 rss;
	int		 i, ok = 1;

	rss = status_kb("VmRSS:");
	if (!reset_peak() || rss < 0)
		return -1;
	for (i = 0; i < 4; i++) {
		memset(&g[i], 0, sizeof(g[i]));
		g[i].gate = gate;
		g[i].media = env->work;
		g[i].jpeg = jpeg;
		g[i].len = len;
		pthread_create(&t[i], NULL, gated_store, &g[i]);
	}
	for (i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		ok &= g[i].rc == IMAGE_OK;
	}
	CHECK_MSG(ok, "four decodes through the gate all stored");
	return status_kb("VmHWM:") - rss;
}

/*
 * The gate, with a 4000x3000 4:4:4 picture: progressive, its decode
 * needs about 79 MiB (the coefficients alone are 72 MB), so a gate of
 * 50 MiB refuses it as too big while its baseline twin (about 39 MiB)
 * passes; a decode that finds the only slot taken waits, then is told
 * busy, and leaves no file; four at once through a gate of 100 MiB run
 * one by one and peak within it.
 */
/*
 * What the RSS may exceed the gate's budget by: none, but under ASan,
 * whose redzones and quarantine of freed blocks the budget does not
 * count (100.9 MiB was seen there through the 100 MiB gate).
 */
#if defined(__SANITIZE_ADDRESS__)
#define GATE_SLACK	1.2
#else
#define GATE_SLACK	1.0
#endif

static void
test_gate(struct env *env)
{
	struct image_gate	*small = image_gate_new(4, 50 * MIB, 0);
	struct image_gate	*one = image_gate_new(1, 1024 * MIB, 20);
	struct image_gate	*budget = image_gate_new(4, 100 * MIB, 30000);
	unsigned char		*px = gradient(4000, 3000), *prog, *base;
	unsigned char		*tiny;
	struct gated		 g;
	struct image		 img;
	pthread_t		 t;
	size_t			 plen, blen, tlen;
	char			 msg[200];
	long			 peak, roomy;
	int			 n;

	prog = make_jpeg_samp(px, 4000, 3000, TJSAMP_444, TJFLAG_PROGRESSIVE,
	    &plen);
	base = make_jpeg_samp(px, 4000, 3000, TJSAMP_444, 0, &blen);
	free(px);
	px = gradient(40, 30);
	tiny = make_jpeg(px, 40, 30, 0, &tlen);
	free(px);
	if (!CHECK(prog != NULL && base != NULL && tiny != NULL))
		goto out;
	CHECK(image_store(prog, plen, IMAGE_JPEG, FILES(env->media), NULL, small, &img, msg,
	    sizeof(msg)) == IMAGE_TOO_BIG && strstr(msg, "progressive"));
	CHECK(image_store(base, blen, IMAGE_JPEG, FILES(env->media), NULL, small, &img, msg,
	    sizeof(msg)) == IMAGE_OK);
	/* Busy: the one slot is held by a long decode. */
	memset(&g, 0, sizeof(g));
	g.gate = one;
	g.media = env->work;
	g.jpeg = prog;
	g.len = plen;
	pthread_create(&t, NULL, gated_store, &g);
	while (!g.started)
		usleep(1000);
	usleep(50000);
	n = count_entries(env->media);
	CHECK(image_store(tiny, tlen, IMAGE_JPEG, FILES(env->media), NULL, one, &img, msg,
	    sizeof(msg)) == IMAGE_BUSY && strstr(msg, "busy") != NULL);
	CHECK(count_entries(env->media) == n);
	pthread_join(t, NULL);
	CHECK(g.rc == IMAGE_OK);
	CHECK_MSG(image_store(tiny, tlen, IMAGE_JPEG, FILES(env->media), NULL, one, &img, msg,
	    sizeof(msg)) == IMAGE_OK, "the slot is given back");
	/* Four at once: one by one within the budget. */
	if ((peak = peak_of_four(env, budget, prog, plen)) < 0)
		printf("test_gate: peak RSS not measured (no clear_refs)\n");
	else {
		printf("four 4000x3000 progressive decodes: peak %.1f MiB"
		    " above rest through a 100 MiB gate", peak / 1024.0);
		CHECK_MSG(peak < GATE_SLACK * 100 * 1024, "within the gate");
		roomy = peak_of_four(env, env->gate, prog, plen);
		printf(", %.1f MiB through a roomy one\n", roomy / 1024.0);
		CHECK_MSG(peak < roomy / 2, "the gate runs them one by one");
	}
out:
	image_gate_free(small);
	image_gate_free(one);
	image_gate_free(budget);
	free(prog);
	free(base);
	free(tiny);
}

/*
 * Fills the file system holding path with one file until not a page
 * more fits; returns its descriptor (open) and its size in *size, or -1.
 */
static int
fill(const char *path, off_t *size)
{
	static char	 zero[65536];
	ssize_t		 n;
	int		 fd;

	*size = 0;
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600)) == -1)
		return -1;
	while ((n = write(fd, zero, sizeof(zero))) > 0)
		*size += n;
	if (errno != ENOSPC) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Returns 1 if dir/hash.jpg exists. */
static int
stored(const char *dir, const char *hash)
{
	char		 path[300];
	struct stat	 st;

	snprintf(path, sizeof(path), "%s/%s.jpg", dir, hash);
	return stat(path, &st) == 0;
}

/* Returns the size of dir/hash.jpg in pages, or 0. */
static off_t
pages(const char *dir, const char *hash, long page)
{
	char		 path[300];
	struct stat	 st;

	snprintf(path, sizeof(path), "%s/%s.jpg", dir, hash);
	return stat(path, &st) == 0 ? (st.st_size + page - 1) / page : 0;
}

/*
 * A full disk, on a 1 MB tmpfs: IMAGE_FULL with its message and no file
 * left; room for the display copy alone: IMAGE_FULL, and the display
 * copy this call wrote is taken back; a display copy that was there
 * before is never removed; image_discard removes what a call made and
 * nothing else; once there is room again, storing works.  Skipped,
 * saying why, where this process may not mount a tmpfs.
 */
static void
test_full(struct env *env)
{
	char		 dir[64] = "/tmp/galley-full-XXXXXX", filler[100];
	char		 msg[200];
	unsigned char	*px = gradient(900, 600), *jpeg;
	struct image	 ref, img, again;
	long		 page = sysconf(_SC_PAGESIZE);
	size_t		 len;
	off_t		 size, need;
	int		 fd;

	jpeg = make_jpeg(px, 900, 600, 0, &len);
	free(px);
	if (!CHECK(jpeg != NULL && mkdtemp(dir) != NULL))
		return;
	if (mount("tmpfs", dir, "tmpfs", 0, "size=1m") == -1) {
		printf("test_full: skipped: cannot mount a tmpfs on %s: %s\n",
		    dir, strerror(errno));
		rmdir(dir);
		free(jpeg);
		return;
	}
	/* The two copies' sizes, from a store elsewhere. */
	CHECK(image_store(jpeg, len, IMAGE_JPEG, FILES(env->work), NULL, env->gate, &ref, msg,
	    sizeof(msg)) == IMAGE_OK && strcmp(ref.hash, ref.thumb) != 0);
	need = pages(env->work, ref.hash, page);
	snprintf(filler, sizeof(filler), "%s/filler", dir);
	if (!CHECK((fd = fill(filler, &size)) != -1))
		goto out;
	CHECK(image_store(jpeg, len, IMAGE_JPEG, FILES(dir), NULL, env->gate, &img, msg,
	    sizeof(msg)) == IMAGE_FULL && strstr(msg, "no room") != NULL);
	CHECK(count_entries(dir) == 1);
	/* Room for the display copy, not the thumbnail. */
	CHECK(ftruncate(fd, size - need * page) == 0);
	CHECK(image_store(jpeg, len, IMAGE_JPEG, FILES(dir), NULL, env->gate, &img, msg,
	    sizeof(msg)) == IMAGE_FULL);
	CHECK_MSG(count_entries(dir) == 1, "the display copy taken back");
	/* Room for both; discarding takes back both. */
	CHECK(ftruncate(fd, size - (need + pages(env->work, ref.thumb,
	    page)) * page) == 0);
	CHECK(image_store(jpeg, len, IMAGE_JPEG, FILES(dir), NULL, env->gate, &img, msg,
	    sizeof(msg)) == IMAGE_OK && img.made_display && img.made_thumb);
	CHECK(count_entries(dir) == 3);
	image_discard(FILES(dir), NULL, &img);
	CHECK(count_entries(dir) == 1);
	/* Stored once, full, stored again: the copies already there stay. */
	CHECK(image_store(jpeg, len, IMAGE_JPEG, FILES(dir), NULL, env->gate, &img, msg,
	    sizeof(msg)) == IMAGE_OK);
	close(fd);
	fd = fill(filler, &size);
	CHECK(image_store(jpeg, len, IMAGE_JPEG, FILES(dir), NULL, env->gate, &again, msg,
	    sizeof(msg)) == IMAGE_FULL);
	CHECK(stored(dir, img.hash) && stored(dir, img.thumb));
	/* Room again: no restart, no leftovers. */
	close(fd);
	fd = -1;
	unlink(filler);
	CHECK(image_store(jpeg, len, IMAGE_JPEG, FILES(dir), NULL, env->gate, &again, msg,
	    sizeof(msg)) == IMAGE_OK && !again.made_display &&
	    !again.made_thumb);
	image_discard(FILES(dir), NULL, &again);
	CHECK_MSG(stored(dir, img.hash) && stored(dir, img.thumb),
	    "discarding what a call did not make removes nothing");
	CHECK(count_entries(dir) == 2);
out:
	if (fd != -1)
		close(fd);
	CHECK(umount2(dir, MNT_DETACH) == 0);
	rmdir(dir);
	free(jpeg);
}

int
main(void)
{
	struct env	 env;
	const char	*shared = getenv("SHARED");
	double		 t;

	if (sodium_init() < 0) {
		fprintf(stderr, "libsodium failed to initialise\n");
		return 1;
	}
	memset(&env, 0, sizeof(env));
	snprintf(env.fixtures, sizeof(env.fixtures), "%s/fixtures/jpeg",
	    shared != NULL && *shared != '\0' ? shared : "/work/shared");
	snprintf(env.media, sizeof(env.media), "/tmp/galley-image-XXXXXX");
	snprintf(env.work, sizeof(env.work), "/tmp/galley-image-XXXXXX");
	if (mkdtemp(env.media) == NULL || mkdtemp(env.work) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	env.gate = image_gate_new(4, 1024 * MIB, 30000);
	t = now();
	test_valid(&env);
	test_exif_fixture(&env);
	test_refused(&env, "invalid", -1, NULL, 111);
	test_refused(&env, "unsupported", IMAGE_UNSUPPORTED, "not supported",
	    2);
	test_limits(&env);
	test_shrink(&env);
	test_orientations(&env);
	test_bad_exif(&env);
	test_polyglot(&env);
	test_scan_flood(&env);
	test_twice(&env);
	test_pinned(&env);
	test_threads(&env);
	test_io(&env);
	test_no_temporaries(&env);
	test_encoders(&env);
	test_scan_limit(&env);
	test_gate(&env);
	test_full(&env);
	printf("slowest refused file: %s, %.3f s; all tests %.2f s\n",
	    env.slowest_name, env.slowest, now() - t);
	image_gate_free(env.gate);
	remove_dir(env.media);
	remove_dir(env.work);
	return check_done();
}
