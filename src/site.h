/*
 * site: one Galley site on disk (DIR/galley.conf, DIR/galley.db,
 * DIR/media/) and everything long-lived that serving it needs.  A struct
 * site is built before serving starts and is read-only after, except
 * through modules that lock inside themselves (the store's pool, the
 * page cache, the image gate) and the metrics' atomic counters.
 */
#ifndef GALLEY_SITE_H
#define GALLEY_SITE_H

#include <stddef.h>

#include "media.h"

struct batch;
struct cache;
struct conf;
struct setting_cache;
struct image_gate;
struct mail_conf;
struct metrics;
struct store;
struct theme_live;
struct tz_cache;
struct tz;
struct settings;

#define SITE_SECRET_LEN	32

struct site {
	char		*dir;
	struct conf	*conf;
	unsigned char	 secret[SITE_SECRET_LEN];	/* sign.c's key */
	char		*media_dir;
	struct media_store media;	/* media_store: files (media_dir)
					   or db */
	struct store	*store;
	char		*theme_dir;	/* theme_dir, else DIR/theme */
	struct theme_live *theme;	/* the theme served: theme_take */
	struct cache	*cache;
	struct batch	*comments;	/* new comments' group commit */
	struct setting_cache *settings;	/* the settings' snapshot */
	struct tz_cache	*zones;		/* time zones, each read once */
	struct image_gate *images;	/* picture decoding: one per core,
					   within image_memory_mb MiB */
	struct mail_conf *mail;		/* SMTP and sender (mail.h); NULL:
					   mail is off */
	struct metrics	*metrics;	/* counted lock-free (metrics.h) */
};

/*
 * Creates a site in dir (created if missing, else it must be empty):
 * galley.conf with a fresh secret (mode 0600), media/, and the database
 * with its default settings; with demo set, the demo content too.  db is
 * a PostgreSQL URI, or NULL for DIR/galley.db.  Returns 0; 1 if dir
 * already is a Galley site (left untouched); -1 with a message in err.
 */
int	site_init(const char *dir, const char *db, int demo, char *err,
	    size_t errlen);
/*
 * Opens the site in dir for serving.  Returns NULL with err set.  The
 * image gate lets one picture decode run per core within image_memory_mb
 * of galley.conf (MiB, default 160), waiting at most 3 s for room.
 */
struct site *site_open(const char *dir, char *err, size_t errlen);
void	site_close(struct site *);

/*
 * The theme folder of the site in dir (theme_dir of its galley.conf,
 * else DIR/theme), heap; NULL with err set if galley.conf cannot be read.
 */
char	*site_theme_dir(const char *dir, char *err, size_t errlen);
/*
 * What a reload does (SIGHUP, the admin's Tools page): the settings and
 * the page cache dropped, to be read and rendered afresh; the theme
 * loaded afresh from theme_dir and, if it loads, served from now on.
 * Returns 0 with what is served in msg, or -1 with the first problem
 * (file and line) in msg, the old theme still served.
 * Only this node: each node of a site reloads on its own.
 */
int	site_reload(const struct site *, char *msg, size_t msglen);

struct arena;
struct env;
struct store_conn;
/*
 * An env for the site's own work, off any request (the command line,
 * the mail sender): connection c, arena a, now, and the settings read
 * through c.  Returns a store_rc.
 */
int	site_env(const struct site *, struct store_conn *c, struct arena *a,
	    struct env *out);
/*
 * The site's time zone by the settings set (NULL is UTC, as every tz
 * function reads it; so is set NULL); read from disk once per name,
 * valid while the site is open.
 */
const struct tz *site_zone(const struct site *, const struct settings *set);

#endif
