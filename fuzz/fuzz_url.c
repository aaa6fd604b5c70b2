/*
 * fuzz_url: any path either is refused by url_parse or parses to a route
 * whose canonical path parses back to the same route.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "buf.h"
#include "url.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	char		*path = xstrndup((const char *)data, len);
	struct route	 a, b;
	struct buf	 canon;

	if (url_parse(path, &a) == 0) {
		buf_init(&canon);
		url_route(&canon, &a);
		if (url_parse(canon.data, &b) != 0 || a.kind != b.kind ||
		    a.page != b.page || a.year != b.year ||
		    a.month != b.month || strcmp(a.slug, b.slug) != 0)
			abort();
		buf_reset(&canon);
	}
	free(path);
	return 0;
}
