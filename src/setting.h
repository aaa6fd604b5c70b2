/*
 * setting: the site settings that live in the database (so that every
 * node agrees), as one table: each key with its default and the check a
 * new value must pass.  `galley config` and `galley init` walk the table;
 * pages read values through the store and fall back to the defaults here.
 */
#ifndef GALLEY_SETTING_H
#define GALLEY_SETTING_H

#include <stddef.h>

struct setting {
	const char	*key;
	const char	*dflt;
	const char	*help;
	/* Returns 0 if value is acceptable, else -1 with a message in err. */
	int		(*check)(const char *value, char *err, size_t errlen);
};

/* The table, ended by an entry whose key is NULL. */
extern const struct setting settings[];

/* Returns the setting called key, or NULL. */
const struct setting *setting_find(const char *key);

#endif
