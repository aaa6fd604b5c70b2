/*
 * site: creating and opening a site directory (see site.h).
 */
#include <sys/stat.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sodium.h>

#include "alloc.h"
#include "batch.h"
#include "arena.h"
#include "cache.h"
#include "conf.h"
#include "demo.h"
#include "env.h"
#include "image.h"
#include "mail.h"
#include "metrics.h"
#include "setting.h"
#include "site.h"
#include "store.h"
#include "theme.h"
#include "tz.h"

#define IMAGE_MEMORY_MB	160	/* default decode budget, MiB */
#define PAGE_CACHE_MB	16	/* default page cache budget, MiB */
#define IMAGE_WAIT_MS	3000	/* longest wait for decode room */

static char *
path_join(const char *dir, const char *name)
{
	char	*p = xmalloc(strlen(dir) + strlen(name) + 2);

	sprintf(p, "%s/%s", dir, name);
	return p;
}

/* Returns 1 if dir holds galley.conf, 0 if it is empty or absent, -1. */
static int
dir_state(const char *dir, char *err, size_t errlen)
{
	DIR		*d;
	struct dirent	*de;
	int		 other = 0, conf = 0;

	if ((d = opendir(dir)) == NULL) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (strcmp(de->d_name, "galley.conf") == 0)
			conf = 1;
		else
			other = 1;
	}
	closedir(d);
	if (conf)
		return 1;
	if (other) {
		snprintf(err, errlen, "%s is not empty and is not a Galley"
		    " site; choose a new or empty directory", dir);
		return -1;
	}
	return 0;
}

static int
write_conf(const char *dir, const char *db, char *err, size_t errlen)
{
	unsigned char	 key[SITE_SECRET_LEN];
	char		 hex[2 * SITE_SECRET_LEN + 1], *path;
	FILE		*f;
	int		 fd, rc = -1;

	randombytes_buf(key, sizeof(key));
	sodium_bin2hex(hex, sizeof(hex), key, sizeof(key));
	sodium_memzero(key, sizeof(key));
	path = path_join(dir, "galley.conf");
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600)) == -1 ||
	    (f = fdopen(fd, "w")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		if (fd != -1)
			close(fd);
		goto out;
	}
	fprintf(f, "# Galley site configuration.  Keep this file private:\n"
	    "# the secret signs cookies and keys the hashes of IP addresses.\n"
	    "secret = %s\n"
	    "# The database: a path relative to this directory, or a URI.\n"
	    "db = %s\n"
	    "# Where uploaded images live: files in media_dir (one folder\n"
	    "# every node shares), or db, in the database (see DEPLOY.md;\n"
	    "# `galley media DIR move --to db|files` moves them).\n"
	    "media_store = files\n"
	    "media_dir = media\n"
	    "# Memory that decoding uploaded pictures may take at once, MiB:\n"
	    "# image_memory_mb = %d\n"
	    "# Memory for rendered pages, each encoding counted, MiB:\n"
	    "# page_cache_mb = %d\n", hex, db != NULL ? db : "galley.db",
	    IMAGE_MEMORY_MB, PAGE_CACHE_MB);
	rc = fflush(f) == 0 && fsync(fd) == 0 ? 0 : -1;
	if (fclose(f) != 0 || rc == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		rc = -1;
	}
out:
	sodium_memzero(hex, sizeof(hex));
	free(path);
	return rc;
}

/* Resolves a conf path relative to the site directory. */
static char *
site_path(const char *dir, const char *p)
{
	return p[0] == '/' || strstr(p, "://") != NULL ? xstrdup(p) :
	    path_join(dir, p);
}

static int
init_db(struct site *s, int demo, char *err, size_t errlen)
{
	struct store_conn	*c;
	size_t			 i;
	int			 rc = STORE_OK;

	if ((c = store_conn_get(s->store)) == NULL) {
		snprintf(err, errlen, "database: cannot connect");
		return -1;
	}
	if ((rc = store_begin(c)) == STORE_OK) {
		for (i = 0; i < SET__MAX && rc == STORE_OK; i++)
			rc = store_setting_set(c, settings[i].key,
			    settings[i].dflt);
		if (rc == STORE_OK && demo) {
			struct arena	 a;
			struct env	 e = { s, c, &a, NULL,
			    (int64_t)time(NULL) };

			arena_init(&a);
			rc = demo_load(&e, err, errlen);
			arena_free(&a);
		}
		if (rc == STORE_OK)
			rc = store_commit(c);
		else
			store_rollback(c);
	}
	store_conn_put(s->store, c);
	if (rc != STORE_OK && err[0] == '\0')
		snprintf(err, errlen, "database: %s", store_rc_name(rc));
	return rc == STORE_OK ? 0 : -1;
}

/*
 * Removes what a failed init made, so that the next init can start
 * afresh: the directory was new or empty, so everything in it is ours.
 */
static void
init_undo(const char *dir, int made)
{
	static const char *const names[] = { "galley.conf", "galley.db",
	    "galley.db-wal", "galley.db-shm" };
	char		*p, *media = path_join(dir, "media");
	DIR		*d;
	struct dirent	*de;
	size_t		 i;

	if ((d = opendir(media)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			if (de->d_name[0] == '.' && (de->d_name[1] == '\0' ||
			    (de->d_name[1] == '.' && de->d_name[2] == '\0')))
				continue;
			p = path_join(media, de->d_name);
			unlink(p);
			free(p);
		}
		closedir(d);
	}
	rmdir(media);
	free(media);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		p = path_join(dir, names[i]);
		unlink(p);
		free(p);
	}
	if (made)
		rmdir(dir);
}

int
site_init(const char *dir, const char *db, int demo, char *err,
    size_t errlen)
{
	struct site	*s;
	char		*media;
	int		 st, rc, made;

	err[0] = '\0';
	if ((st = dir_state(dir, err, errlen)) != 0)
		return st;
	made = mkdir(dir, 0755) == 0;
	if (!made && errno != EEXIST) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	media = path_join(dir, "media");
	rc = mkdir(media, 0755);
	free(media);
	if (rc == -1 || write_conf(dir, db, err, errlen) == -1) {
		if (err[0] == '\0')
			snprintf(err, errlen, "%s/media: %s", dir,
			    strerror(errno));
		init_undo(dir, made);
		return -1;
	}
	rc = -1;
	if ((s = site_open(dir, err, errlen)) != NULL) {
		rc = init_db(s, demo, err, errlen);
		site_close(s);
	}
	if (rc != 0)
		init_undo(dir, made);
	return rc;
}

static int
load_secret(struct site *s, char *err, size_t errlen)
{
	const char	*hex = conf_get(s->conf, "secret");
	size_t		 n = 0;

	if (hex == NULL || sodium_hex2bin(s->secret, sizeof(s->secret), hex,
	    strlen(hex), NULL, &n, NULL) != 0 || n != sizeof(s->secret)) {
		snprintf(err, errlen, "%s/galley.conf: secret must be %d hex"
		    " bytes", s->dir, SITE_SECRET_LEN);
		return -1;
	}
	return 0;
}

/*
 * The image gate: one decode per core, within image_memory_mb MiB
 * (galley.conf, 16 to 65536).  Returns 0, or -1 with err set.
 */
static int
open_gate(struct site *s, char *err, size_t errlen)
{
	long		 cpus = sysconf(_SC_NPROCESSORS_ONLN);
	long long	 mb;

	if (conf_int(s->conf, "image_memory_mb", IMAGE_MEMORY_MB, 16, 65536,
	    &mb, err, errlen) == -1)
		return -1;
	s->images = image_gate_new(cpus > 0 && cpus < INT_MAX ? (int)cpus : 1,
	    (size_t)mb * 1024 * 1024, IMAGE_WAIT_MS);
	return 0;
}

/*
 * The page cache, within page_cache_mb MiB (galley.conf, 1 to 65536).
 * A key of galley.conf rather than a database setting: it is this
 * node's memory, which nodes need not agree on (like image_memory_mb).
 * Returns 0, or -1 with err set.
 */
static int
open_cache(struct site *s, char *err, size_t errlen)
{
	long long	 mb;

	if (conf_int(s->conf, "page_cache_mb", PAGE_CACHE_MB, 1, 65536, &mb,
	    err, errlen) == -1)
		return -1;
	s->cache = cache_new((size_t)mb * 1024 * 1024);
	return 0;
}

/* The theme folder: theme_dir of galley.conf, else DIR/theme. Heap. */
static char *
theme_dir_of(const char *dir, const struct conf *conf)
{
	const char	*p = conf_get(conf, "theme_dir");

	return site_path(dir, p != NULL && *p != '\0' ? p : "theme");
}

char *
site_theme_dir(const char *dir, char *err, size_t errlen)
{
	struct conf	*conf;
	char		*path = path_join(dir, "galley.conf"), *p;

	conf = conf_load(path, err, errlen);
	free(path);
	if (conf == NULL)
		return NULL;
	p = theme_dir_of(dir, conf);
	conf_free(conf);
	return p;
}

char *
site_db_uri(const struct site *s)
{
	const char	*db = conf_get(s->conf, "db");

	return site_path(s->dir, db != NULL ? db : "galley.db");
}

/* site_open, or with migrate 0 site_open_as_is. */
static struct site *
open_site(const char *dir, int migrate, char *err, size_t errlen)
{
	struct site	*s = xcalloc(1, sizeof(*s));
	const char	*media, *kind;
	char		*path;
	long long	 n;

	s->dir = xstrdup(dir);
	path = path_join(dir, "galley.conf");
	/* Every command taking DIR comes here: one message for them all. */
	if (access(path, F_OK) == -1 && (errno == ENOENT || errno == ENOTDIR))
		snprintf(err, errlen, "%s is not a Galley site (no galley.conf);"
		    " create one with galley init %s", dir, dir);
	else
		s->conf = conf_load(path, err, errlen);
	free(path);
	if (s->conf == NULL || load_secret(s, err, errlen) == -1 ||
	    open_gate(s, err, errlen) == -1 || open_cache(s, err, errlen) == -1)
		goto fail;
	if (mail_conf_load(s->conf, dir, &s->mail, err, errlen) == -1)
		goto fail;
	if ((media = conf_get(s->conf, "media_dir")) == NULL)
		media = "media";
	s->media_dir = site_path(dir, media);
	s->media.dir = s->media_dir;
	if ((kind = conf_get(s->conf, "media_store")) != NULL && *kind != '\0' &&
	    media_kind_parse(kind, &s->media.kind) == -1) {
		snprintf(err, errlen, "galley.conf: media_store is files or db,"
		    " not %s", kind);
		goto fail;
	}
	path = site_db_uri(s);
	if ((migrate ? store_open(path, 1, &s->store, err, errlen) :
	    store_open_as_is(path, &s->store, err, errlen)) != STORE_OK) {
		free(path);
		goto fail;
	}
	free(path);
	/* At most 100: the descriptors server.c keeps back cover them. */
	if (conf_int(s->conf, "db_connections", store_conns(s->store), 2, 100,
	    &n, err, errlen) == -1)
		goto fail;
	store_set_conns(s->store, (int)n);
	s->theme_dir = theme_dir_of(dir, s->conf);
	if ((s->theme = theme_live_new(s->theme_dir, err, errlen)) == NULL)
		goto fail;
	s->settings = setting_cache_new();
	s->zones = tz_cache_new();
	s->comments = batch_new();
	s->metrics = metrics_new();
	return s;
fail:
	site_close(s);
	return NULL;
}

struct site *
site_open(const char *dir, char *err, size_t errlen)
{
	return open_site(dir, 1, err, errlen);
}

struct site *
site_open_as_is(const char *dir, char *err, size_t errlen)
{
	return open_site(dir, 0, err, errlen);
}

int
site_reload(const struct site *s, char *msg, size_t msglen)
{
	int	 rc;

	/*
	 * Settings and pages follow the data generation by themselves; this
	 * is for when it went back (a database restored under the node),
	 * so it happens whether or not the theme loads.  The pages go once
	 * the theme is swapped: those rendered with the old one meanwhile
	 * are never served again (their keys carry its serial), and need
	 * not wait for eviction.
	 */
	setting_cache_clear(s->settings);
	rc = theme_reload(s->theme, msg, msglen);
	cache_clear(s->cache);
	if (rc == -1)
		return -1;
	snprintf(msg, msglen, "Theme reloaded from %s; settings read again.",
	    s->theme_dir);
	return 0;
}

void
site_close(struct site *s)
{
	if (s == NULL)
		return;
	cache_free(s->cache);
	batch_free(s->comments);
	metrics_free(s->metrics);
	setting_cache_free(s->settings);
	tz_cache_free(s->zones);
	image_gate_free(s->images);
	theme_live_free(s->theme);
	free(s->theme_dir);
	store_close(s->store);
	mail_conf_free(s->mail);
	conf_free(s->conf);
	sodium_memzero(s->secret, sizeof(s->secret));
	free(s->media_dir);
	free(s->dir);
	free(s);
}

int
site_env(const struct site *s, struct store_conn *c, struct arena *a,
    struct env *out)
{
	const struct settings	*set;
	int64_t			 gen = 0;
	int			 rc;

	if ((rc = store_generation(c, &gen)) != STORE_OK ||
	    (rc = settings_get(s->settings, c, gen, a, &set)) != STORE_OK)
		return rc;
	*out = (struct env){ s, c, a, set, (int64_t)time(NULL) };
	return STORE_OK;
}

const struct tz *
site_zone(const struct site *s, const struct settings *set)
{
	/* An env made without settings (a test's, a tool's) is in UTC. */
	if (set == NULL)
		return NULL;
	return tz_cache_get(s->zones, set_text(set, SET_TIMEZONE));
}
