/*
 * fuzz_mustache: any template either fails to compile with a message or
 * renders against a fixed view, with itself as every partial, without a
 * crash, a leak or unbounded recursion.
 */
#include <stdint.h>
#include <stdlib.h>
#include <jansson.h>

#include "buf.h"
#include "mustache.h"

static const struct mustache *
self(void *arg, const char *name, size_t len)
{
	(void)name;
	(void)len;
	return arg;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct mustache		*t;
	struct mustache_loader	 loader;
	struct buf		 out;
	char			 err[200];
	json_t			*view;

	if ((t = mustache_compile((const char *)data, len, err,
	    sizeof(err))) == NULL)
		return 0;
	view = json_pack("{s:s, s:i, s:b, s:[{s:s}, {s:s}], s:{s:{s:s}}}",
	    "a", "<x>", "n", 42, "t", 1, "list", "a", "one", "a", "two",
	    "o", "p", "q", "deep");
	loader.load = self;
	loader.arg = t;
	buf_init(&out);
	out.max = 1 << 20;
	mustache_render(t, view, &loader, &out);
	buf_reset(&out);
	json_decref(view);
	mustache_free(t);
	return 0;
}
