/*
 * fuzz_body: any post body, in either format, renders and excerpts
 * without a crash or a leak.  The first byte picks the format (bit 0)
 * and whether the body is an author's, filtered by kses (bit 1).
 */
#include <stdint.h>
#include <stdlib.h>

#include "body.h"
#include "buf.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	enum body_format	 fmt;
	struct buf		 out;
	int			 filtered;

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
	return 0;
}
