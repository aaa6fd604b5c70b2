/*
 * fuzz_wxr: any bytes through the WXR reader.  It either reads them to
 * the end or refuses them with a message; every string it hands over is
 * a NUL-terminated string (walked here to the end, so ASan sees any
 * overread), and every record of an item refers to that item.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wxr.h"

static size_t	 sink;

static void
walk(const char *s)
{
	if (s == NULL)
		abort();
	sink += strlen(s);
}

static int
on_author(void *arg, const struct wxr_author *a)
{
	(void)arg;
	walk(a->login);
	walk(a->email);
	walk(a->display_name);
	return 0;
}

static int
on_term(void *arg, const struct wxr_term *t)
{
	(void)arg;
	walk(t->taxonomy);
	walk(t->slug);
	walk(t->name);
	walk(t->parent);
	walk(t->description);
	return 0;
}

static int
on_item(void *arg, const struct wxr_item *it)
{
	size_t	 i;

	(void)arg;
	walk(it->title);
	walk(it->content);
	walk(it->guid);
	walk(it->type);
	walk(it->creator);
	for (i = 0; i < it->ncats; i++) {
		walk(it->cats[i].domain);
		walk(it->cats[i].nicename);
		walk(it->cats[i].name);
	}
	return 0;
}

static int
on_comment(void *arg, const struct wxr_item *it, const struct wxr_comment *c)
{
	(void)arg;
	walk(it->guid);
	walk(c->author);
	walk(c->content);
	walk(c->approved);
	walk(c->ip);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct wxr_handler	 h = { NULL, NULL, on_author, on_term, on_item,
	    on_comment, NULL };
	char			 err[300];

	if (wxr_read_memory(data, len, &h, err, sizeof(err)) != 0 &&
	    err[0] == '\0')
		abort();	/* a refusal always says why */
	return 0;
}
