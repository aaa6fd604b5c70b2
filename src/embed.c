/*
 * embed: lookup in the table of embedded files (see embed.h).  The table
 * has a few dozen entries and is searched only at start-up, so a linear
 * scan is the right tool.
 */
#include <string.h>

#include "embed.h"

const struct embed *
embed_find(const char *name)
{
	const struct embed	*e;

	for (e = embeds; e->name != NULL; e++)
		if (strcmp(e->name, name) == 0)
			return e;
	return NULL;
}
