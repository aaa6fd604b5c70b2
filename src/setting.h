/*
 * setting: the site settings that live in the database (so that every
 * node agrees), as one table indexed by an enum: each key with its
 * default, its type and its range, so a typo is a compile error and one
 * check serves every setting.  `galley config`, `galley init` and the
 * admin walk the table.  Pages read a typed snapshot of every value,
 * loaded with one query and kept until the data generation changes (a
 * setting written anywhere bumps it), so a request that changes nothing
 * reads no setting from the database.
 */
#ifndef GALLEY_SETTING_H
#define GALLEY_SETTING_H

#include <stddef.h>
#include <stdint.h>

#include "i18n.h"

struct arena;
struct store_conn;

enum set_key {
	SET_SITE_TITLE,
	SET_SITE_TAGLINE,
	SET_BASE_URL,
	SET_POSTS_PER_PAGE,
	SET_RATING_SCALE,
	SET_COMMENT_MAX_DEPTH,
	SET_COMMENTS_PER_PAGE,
	SET_COMMENT_REPLIES_SHOWN,
	SET_COMMENT_FLOOD_SECONDS,
	SET_COMMENT_MAX_LINKS,
	SET_COMMENT_MODERATE_FIRST,
	SET_SPAM_THRESHOLD,
	SET_HAM_THRESHOLD,
	SET_DISCARD_BLATANT,
	SET_COMMENT_MIN_SECONDS,
	SET_COMMENTS_CLOSE_DAYS,
	SET_COMMENT_MAX_BYTES,
	SET_MODERATION_WORDS,
	SET_DISALLOWED_WORDS,
	SET_VOTE_IDENTITY,
	SET_VOTE_ALLOW_CHANGE,
	SET_VOTE_WINDOW_DAYS,
	SET_PRIVACY_RETENTION_DAYS,
	SET_COMMENT_IMAGE_FORMATS,
	SET_FEED_FULL_TEXT,
	SET_FEED_ITEMS,
	SET_ROBOTS_TXT,
	SET_COMMENTS_NOTIFY,
	SET_MODERATION_NOTIFY,
	SET_NOTIFY_EDITORS,
	SET_NOTIFY_PER_HOUR,
	SET_MAIL_PER_HOUR,
	SET_MAIL_GIVE_UP_HOURS,
	SET_LANGUAGE,
	SET_TIMEZONE,
	SET_DATE_FORMAT,
	SET_TIME_FORMAT,
	SET_FOOTER_TEXT,
	SET_LOG_CLIENT,
	SET__MAX
};

enum set_type {
	SET_TEXT,		/* one line, at most hi bytes */
	SET_LIST,		/* lines, at most hi bytes */
	SET_ORIGIN,		/* an http(s) origin, no path */
	SET_INT,		/* a whole number from lo to hi */
	SET_BOOL,		/* true or false */
	SET_PROB,		/* a number from 0 to 1 */
	SET_CHOICE,		/* one of the words of choices */
	SET_CHOICES,		/* some of them, space-separated, at least
				   one, each once */
	SET_ZONE		/* a time zone of the system's tz database
				   (tz.h), or UTC */
};

/*
 * Where the admin's settings page shows a setting, each group a fieldset
 * (page_admin_site.c names them).  An entry that names none is shown
 * last, under "Other".
 */
enum set_group {
	SETG_OTHER,
	SETG_GENERAL,
	SETG_READING,
	SETG_DISCUSSION,
	SETG_RATINGS,
	SETG_SPAM,
	SETG_PRIVACY,
	SETG_MAIL,
	SETG_LANGUAGE,		/* language and time */
	SETG_APPEARANCE,
	SETG__MAX
};

struct setting {
	const char	*key;
	const char	*dflt;
	const char	*help;		/* help and label are msgids (N_) */
	enum set_type	 type;
	long long	 lo, hi;	/* SET_INT's range; a text's bytes */
	const char	*choices;	/* SET_CHOICE(S): words, space-separated */
	const char	*label;		/* the admin's name for it; NULL: key */
	enum set_group	 group;
};

/* Every setting, in enum set_key's order. */
extern const struct setting settings[SET__MAX];

/* Returns the setting called key, or NULL. */
const struct setting *setting_find(const char *key);
/*
 * Returns 0 if value will do for st, else -1 with what it must be in err
 * ("a whole number from 1 to 100"), in lang (the CLI's is English).
 */
int	setting_check(const struct setting *st, const char *value,
	    enum lang lang, char *err, size_t errlen);
/* 1 if w is one of the space-separated words of list (a SET_CHOICES). */
int	setting_word(const char *list, const char *w);

/* A snapshot of every setting's value, typed (see settings_get). */
struct settings;

/* The value of k: as text, and typed (bool as 0 or 1). */
const char *set_text(const struct settings *, enum set_key k);
int64_t	set_int(const struct settings *, enum set_key k);
int	set_bool(const struct settings *, enum set_key k);
double	set_real(const struct settings *, enum set_key k);

/* Snapshots kept per site; locks inside itself. */
struct setting_cache;

struct setting_cache *setting_cache_new(void);
void	setting_cache_free(struct setting_cache *);
/*
 * Forgets the snapshot, so the next settings_get reads the database
 * whatever its generation: for a reload after the data went back in
 * time under a running node (a restore) and its generation with it.
 */
void	setting_cache_clear(struct setting_cache *);
/*
 * A copy in arena a of the snapshot for data generation gen: the one
 * kept, if it is that generation's or newer; else every setting read
 * through c in one query and kept for the next caller.  A stored value
 * that fails its check reads as the default.  Returns a store_rc; on
 * failure *out holds the defaults, so a caller may still answer.
 */
int	settings_get(struct setting_cache *, struct store_conn *c,
	    int64_t gen, struct arena *a, const struct settings **out);
/*
 * Whether k's value in the snapshot kept (or, with none kept yet, the
 * default) is v: one comparison under the lock, no copy, no query; for
 * a request that has no snapshot of its own (a cached page's log line).
 */
int	settings_kept_is(struct setting_cache *, enum set_key k,
	    const char *v);

#endif
