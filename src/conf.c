/*
 * conf: the galley.conf reader (see conf.h).  The file is a handful of
 * lines, so it is kept as a flat array of key/value pairs.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "conf.h"

#define CONF_MAX	64

struct conf {
	char	*key[CONF_MAX];
	char	*val[CONF_MAX];
	size_t	 n;
};

static char *
trim(char *s)
{
	char	*e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

struct conf *
conf_load(const char *path, char *err, size_t errlen)
{
	struct conf	*c;
	FILE		*f;
	char		 line[1024], *k, *v, *eq;
	int		 lineno = 0;

	if ((f = fopen(path, "r")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	c = xcalloc(1, sizeof(*c));
	while (fgets(line, sizeof(line), f) != NULL) {
		lineno++;
		k = trim(line);
		if (*k == '\0' || *k == '#')
			continue;
		if ((eq = strchr(k, '=')) == NULL || c->n == CONF_MAX) {
			snprintf(err, errlen, "%s:%d: expected key = value",
			    path, lineno);
			fclose(f);
			conf_free(c);
			return NULL;
		}
		*eq = '\0';
		v = trim(eq + 1);
		k = trim(k);
		c->key[c->n] = xstrdup(k);
		c->val[c->n++] = xstrdup(v);
	}
	fclose(f);
	return c;
}

void
conf_free(struct conf *c)
{
	size_t	 i;

	if (c == NULL)
		return;
	for (i = 0; i < c->n; i++) {
		free(c->key[i]);
		free(c->val[i]);
	}
	free(c);
}

const char *
conf_get(const struct conf *c, const char *key)
{
	size_t	 i;

	for (i = c->n; i > 0; i--)	/* the last definition wins */
		if (strcmp(c->key[i - 1], key) == 0)
			return c->val[i - 1];
	return NULL;
}

int
conf_int(const struct conf *c, const char *key, long long dflt, long long min,
    long long max, long long *out, char *err, size_t errlen)
{
	const char	*v = conf_get(c, key);
	char		*end;
	long long	 n;

	*out = dflt;
	if (v == NULL || *v == '\0')
		return 0;
	errno = 0;
	n = strtoll(v, &end, 10);
	if (errno != 0 || *end != '\0' || end == v || n < min || n > max) {
		snprintf(err, errlen, "galley.conf: %s = %s: expected a whole"
		    " number from %lld to %lld", key, v, min, max);
		return -1;
	}
	*out = n;
	return 0;
}
