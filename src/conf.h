/*
 * conf: DIR/galley.conf, the few settings that must be known before the
 * database is open (the site secret, where the database and media are).
 * Everything nodes must agree on lives in the database instead.
 * Format: "key = value" lines; blank lines and lines starting '#' ignored.
 */
#ifndef GALLEY_CONF_H
#define GALLEY_CONF_H

#include <stddef.h>

struct conf;

/*
 * Reads path.  Returns the parsed file (free with conf_free) or NULL with
 * a message in err naming the file and line.
 */
struct conf	*conf_load(const char *path, char *err, size_t errlen);
void		 conf_free(struct conf *);
/* Returns the value for key, valid until conf_free, or NULL. */
const char	*conf_get(const struct conf *, const char *key);

/*
 * The whole number under key into *out: dflt when the key is absent or
 * empty.  Returns 0, or -1 with a sentence naming the key in err when
 * the value is not a number from min to max.
 */
int		 conf_int(const struct conf *, const char *key, long long dflt,
		    long long min, long long max, long long *out, char *err,
		    size_t errlen);

/*
 * Sets key = value in the file at path, in place of the key's line (the
 * first; any later ones are dropped) or appended, keeping every other
 * line and the file's mode; written to a temporary file, synced and
 * renamed over it, so a crash leaves the old file or the new.  Returns
 * 0, or -1 with a sentence in err.
 */
int		 conf_set(const char *path, const char *key,
		    const char *value, char *err, size_t errlen);

#endif
