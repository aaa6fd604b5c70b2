/*
 * conf: the galley.conf reader (see conf.h).  The file is a handful of
 * lines, so it is kept as a flat array of key/value pairs.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"
#include "conf.h"

#define CONF_MAX	64
#define CONF_BYTES	65536	/* the largest galley.conf conf_set rewrites */

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

/* Whether line (up to its newline) sets key. */
static int
sets(const char *line, const char *key)
{
	size_t	 n = strlen(key);

	while (*line == ' ' || *line == '\t')
		line++;
	if (strncmp(line, key, n) != 0)
		return 0;
	line += n;
	while (*line == ' ' || *line == '\t')
		line++;
	return *line == '=';
}

/* Reads path whole (at most CONF_BYTES) into a NUL-terminated buffer. */
static char *
slurp(const char *path, char *err, size_t errlen)
{
	FILE	*f;
	char	*s;
	size_t	 n;

	if ((f = fopen(path, "r")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	s = xmalloc(CONF_BYTES + 1);
	n = fread(s, 1, CONF_BYTES + 1, f);
	if (ferror(f) || n > CONF_BYTES) {
		snprintf(err, errlen, "%s: unreadable or over %d bytes", path,
		    CONF_BYTES);
		fclose(f);
		free(s);
		return NULL;
	}
	fclose(f);
	s[n] = '\0';
	return s;
}

/* Writes s to path durably in place of what was there, with mode. */
static int
replace(const char *path, const char *s, mode_t mode, char *err,
    size_t errlen)
{
	char	 tmp[PATH_MAX], dir[PATH_MAX];
	int	 fd, ok;

	snprintf(dir, sizeof(dir), "%s", path);
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp) ||
	    (fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    mode)) == -1) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		return -1;
	}
	ok = write(fd, s, strlen(s)) == (ssize_t)strlen(s) &&
	    fchmod(fd, mode) == 0 && fsync(fd) == 0;
	ok = close(fd) == 0 && ok && rename(tmp, path) == 0;
	if (!ok) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	if ((fd = open(dirname(dir), O_RDONLY | O_DIRECTORY)) != -1) {
		fsync(fd);
		close(fd);
	}
	return 0;
}

int
conf_set(const char *path, const char *key, const char *value, char *err,
    size_t errlen)
{
	struct stat	 st;
	char		*old, *line, *nl;
	size_t		 cap;
	char		*out;
	int		 done = 0, rc;

	if (stat(path, &st) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if ((old = slurp(path, err, errlen)) == NULL)
		return -1;
	cap = strlen(old) + strlen(key) + strlen(value) + 8;
	out = xcalloc(1, cap);
	for (line = old; *line != '\0'; line = nl) {
		nl = strchr(line, '\n');
		nl = nl != NULL ? nl + 1 : line + strlen(line);
		if (!sets(line, key))
			strncat(out, line, (size_t)(nl - line));
		else if (!done++)	/* the first in place; the rest go */
			snprintf(out + strlen(out), cap - strlen(out),
			    "%s = %s\n", key, value);
	}
	if (!done) {
		if (*out != '\0' && out[strlen(out) - 1] != '\n')
			strcat(out, "\n");
		snprintf(out + strlen(out), cap - strlen(out), "%s = %s\n",
		    key, value);
	}
	rc = replace(path, out, st.st_mode & 07777, err, errlen);
	free(old);
	free(out);
	return rc;
}
