/*
 * site: one Galley site on disk (DIR/galley.conf, DIR/galley.db,
 * DIR/media/) and everything long-lived that serving it needs.  A struct
 * site is built before serving starts and is read-only after, except
 * through modules that lock inside themselves (the store's pool, the
 * page cache, the image gate).
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
struct store;
struct theme;
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
	struct theme	*theme;
	struct cache	*cache;
	struct batch	*comments;	/* new comments' group commit */
	struct setting_cache *settings;	/* the settings' snapshot */
	struct tz_cache	*zones;		/* time zones, each read once */
	struct image_gate *images;	/* picture decoding: one per core,
					   within image_memory_mb MiB */
	struct mail_conf *mail;		/* SMTP and sender (mail.h); NULL:
					   mail is off */
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
