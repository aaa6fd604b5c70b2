/*
 * fuzz_body: any post body, in either format, renders and excerpts
 * without a crash or a leak.  The first byte picks the format (bit 0)
 * and whether the body is an author's, filtered by kses (bit 1).  The
 * body is also rendered as a page does (page_body), its galleries' ids
 * gathered and looked for among two pictures.
 */
#include <stdint.h>
#include <stdlib.h>

#include "body.h"
#include "buf.h"
#include "shortcode.h"

static const struct shortcode_image images[] = {
	{ 1, 7, "/media/aaaa.jpg", 640, 480, 2 },
	{ 0, 2, "/media/bbbb.png", 0, 0, 1 },
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	enum body_format	 fmt;
	struct buf		 out, html;
	int64_t			*ids;
	size_t			 nids;
	int			 filtered, bare;

	if (len == 0)
		return 0;
	fmt = data[0] & 1 ? BODY_MARKDOWN : BODY_HTML;
	filtered = (data[0] & 2) != 0;
	buf_init(&out);
	body_render(&out, (const char *)data + 1, len - 1, fmt, filtered);
	buf_reset(&out);
	body_excerpt(&out, (const char *)data + 1, len - 1, fmt, filtered,
	    55);
	buf_reset(&out);
	buf_init(&html);
	body_html(&html, (const char *)data + 1, len - 1, fmt);
	shortcode_gallery_ids(html.data, html.len, &ids, &nids, &bare);
	free(ids);
	body_finish(&out, html.data, html.len, filtered, images, 2);
	buf_reset(&html);
	buf_reset(&out);
	return 0;
}
