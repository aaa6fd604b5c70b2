/*
 * library: the media library as a whole (library.h).
 */
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "image.h"
#include "library.h"
#include "media.h"
#include "site.h"
#include "store.h"

#define REGEN_PAGE	100

void
library_item(const struct image *im, size_t len, const char *alt,
    struct media *m, struct media_size *sizes)
{
	int	 i;

	memset(m, 0, sizeof(*m));
	m->hash = (char *)im->hash;
	m->mime = (char *)im->mime;
	m->width = im->width;
	m->height = im->height;
	m->bytes = (int64_t)len;
	m->alt = (char *)alt;
	m->sizes = sizes;
	for (i = 0; i < im->nfiles; i++) {
		sizes[i].width = im->file[i].width;
		sizes[i].height = im->file[i].height;
		sizes[i].hash = (char *)im->file[i].hash;
		sizes[i].mime = (char *)im->file[i].mime;
	}
	m->nsizes = (size_t)im->nfiles;
}

/*
 * Whether item m's files are all recorded: its display copy, and one of
 * every width it should have.
 */
static int
complete(const struct media *m, const struct media_size *sz, size_t n)
{
	static const int widths[] = IMAGE_WIDTHS;
	size_t		 i, j;

	for (j = 0; j < n && strcmp(sz[j].hash, m->hash) != 0; j++)
		continue;
	if (j == n)
		return 0;
	for (i = 0; i < sizeof(widths) / sizeof(widths[0]); i++) {
		if (widths[i] >= m->width)
			continue;
		for (j = 0; j < n && sz[j].width != widths[i]; j++)
			continue;
		if (j == n)
			return 0;
	}
	return 1;
}

/*
 * Makes item m's files from its display copy and records every one but
 * a new copy of the display copy itself (taken back).  A store_rc, or
 * -1 when the picture could not be read or decoded (said on out).
 */
static int
regen_one(const struct site *site, struct store_conn *c, const struct media *m,
    FILE *out)
{
	struct image		 im;
	struct media_size	 s;
	void			*p = NULL;
	size_t			 len = 0;
	char			 msg[200];
	int			 rc, i, keep[IMAGE_FILES_MAX];

	rc = media_read(&site->media, c, m->hash, image_ext(m->mime), &p,
	    &len);
	if (rc == STORE_OK)
		rc = image_store(p, len, IMAGE_ANY | IMAGE_SIZES, &site->media,
		    c, site->images, &im, msg, sizeof(msg)) == IMAGE_OK ? 0 :
		    -1;
	else
		snprintf(msg, sizeof(msg), "its display copy cannot be read");
	free(p);
	if (rc != 0) {
		fprintf(out, "media %lld (%s): %s\n", (long long)m->id,
		    m->hash, msg);
		return -1;
	}
	for (i = 0; i < im.nfiles; i++)
		keep[i] = strcmp(im.file[i].hash, m->hash) == 0 ||
		    !(im.file[i].width == m->width &&
		    strcmp(im.file[i].mime, m->mime) == 0);
	if ((rc = store_begin(c)) == STORE_OK) {
		/* The display copy itself, if the item predates the rows. */
		s.width = m->width;
		s.height = m->height;
		s.hash = m->hash;
		s.mime = m->mime;
		rc = store_media_size_add(c, m->id, &s);
		for (i = 0; i < im.nfiles && rc == STORE_OK; i++) {
			if (!keep[i])
				continue;
			s.width = im.file[i].width;
			s.height = im.file[i].height;
			s.hash = im.file[i].hash;
			s.mime = (char *)im.file[i].mime;
			rc = store_media_size_add(c, m->id, &s);
		}
		if (rc == STORE_OK)
			rc = store_commit(c);
		else
			store_rollback(c);
	}
	/* Not recorded: the display copy made again, or all on failure. */
	for (i = 0; i < im.nfiles; i++)
		if (im.file[i].made && (!keep[i] || rc != STORE_OK))
			media_discard(&site->media, c, im.file[i].hash,
			    im.file[i].ext);
	if (rc == STORE_OK)
		fprintf(out, "media %lld (%s): %d files\n", (long long)m->id,
		    m->hash, im.nfiles);
	return rc;
}

int
library_regenerate(const struct site *site, struct store_conn *c, FILE *out,
    struct library_regen *sum)
{
	struct arena		 a;
	struct media		*m;
	struct media_size	*sz;
	size_t			 n, nsz, i;
	int64_t			 total, offset = 0;
	int			 rc, one;

	memset(sum, 0, sizeof(*sum));
	do {
		arena_init(&a);
		rc = store_media_list(c, &a, offset, REGEN_PAGE, &m, &n,
		    &total);
		for (i = 0; rc == STORE_OK && i < n; i++) {
			sum->items++;
			if ((rc = store_media_sizes(c, &a, m[i].id, &sz,
			    &nsz)) != STORE_OK || complete(&m[i], sz, nsz))
				continue;
			if ((one = regen_one(site, c, &m[i], out)) == -1)
				sum->failed++;
			else if (one == STORE_OK)
				sum->made++;
			else
				rc = one;
		}
		arena_free(&a);
		offset += REGEN_PAGE;
	} while (rc == STORE_OK && n == REGEN_PAGE);
	fprintf(out, "%lld items: %lld given their sizes, %lld failed\n",
	    (long long)sum->items, (long long)sum->made,
	    (long long)sum->failed);
	return rc == STORE_OK ? 0 : -1;
}
