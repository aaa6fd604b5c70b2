/*
 * image_target: the body of each fuzz_image_*.c target, one per decoder
 * path, FORMAT being the one format image_store is told to accept, so
 * every input that gets past the magic number goes down that codec.  A
 * picture stored is checked (files, sizes within the display edge,
 * thumbnail no wider) and taken back, so the media folder stays empty.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <sodium.h>

#include "image.h"
#include "media.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static char			 media[64];
static struct media_store	 store = { MEDIA_FILES, media };
static struct image_gate	*gate;

static void
stop(void)
{
	rmdir(media);
}

static void
start(void)
{
	if (sodium_init() < 0)
		abort();
	snprintf(media, sizeof(media), "/tmp/galley-fuzz-XXXXXX");
	if (mkdtemp(media) == NULL)
		abort();
	gate = image_gate_new(1, (size_t)512 * 1024 * 1024, 1000);
	atexit(stop);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct image	 im;
	char		 msg[200];
	int		 rc;

	if (gate == NULL)
		start();
	rc = image_store(data, len, FORMAT, &store, NULL, gate, &im, msg,
	    sizeof(msg));
	/* A known outcome, and a sentence exactly when refused. */
	if (rc < IMAGE_OK || rc > IMAGE_BUSY || (rc == IMAGE_OK) !=
	    (msg[0] == '\0'))
		abort();
	if (rc != IMAGE_OK)
		return 0;
	if (im.nfiles < 1 || im.width < 1 || im.height < 1 ||
	    (im.width > 1600 && im.height > 1600) ||
	    im.thumb_width > im.width)
		abort();
	image_discard(&store, NULL, &im);
	return 0;
}
