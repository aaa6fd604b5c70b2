/*
 * theme: loading, serving and reloading themes (see theme.h).  Templates
 * and assets are few and found by name, so they sit in two flat arrays
 * searched linearly.  A load walks the built-in files, taking each from
 * the site's folder instead when it is there, then adds the folder's
 * other files; templates are compiled as they come and their partials
 * checked once all are in.  The admin's files (admin_file) are the
 * program's, not the theme's: always the built-in ones, so a site's
 * theme restyles what readers see and can neither break nor restyle the
 * pages its owner would fix it from.
 *
 * Reloading without a lock around rendering: struct theme_live holds the
 * served theme and one counted reference to it.  theme_take locks only
 * to read the pointer and add one to its count (a few instructions, so
 * readers never wait on a render or a load); a reload (one at a time)
 * loads the new theme without that lock, swaps the pointer under it,
 * and drops the live reference to the old one.  Whoever drops the last
 * reference frees it: the reload itself when no request holds it, else
 * the last request still rendering with it or sending one of its files.
 * The count is atomic because drops happen outside the lock.
 */
#include <sys/stat.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sodium.h>

#include "alloc.h"
#include "buf.h"
#include "embed.h"
#include "encoding.h"
#include "i18n.h"
#include "mustache.h"
#include "theme.h"
#include "url.h"

#define THEME_DIR	"themes/default/"
#define TMPL_EXT	".mustache"
/* The longest file name a theme folder's file may have. */
#define NAME_MAX_LEN	64

struct tmpl {
	char			*name;		/* "article" */
	struct mustache		*m[LANG__MAX];	/* compiled per language */
	char			*path;		/* for messages */
};

struct theme {
	atomic_uint		 refs;
	unsigned int		 serial;
	struct tmpl		 tmpl[THEME_MAX];
	size_t			 ntmpl;
	struct asset		 asset[THEME_MAX];
	char			*url[THEME_MAX];	/* "/theme/" + name */
	unsigned char		*own[THEME_MAX];	/* read: ours */
	size_t			 nasset;
	struct buf		 notes;		/* what was left out */
	struct buf		 overrides;	/* files from the folder */
};

struct theme_live {
	pthread_mutex_t		 lock;		/* over cur */
	pthread_mutex_t		 reloading;	/* one reload at a time */
	struct theme		*cur;
	atomic_uint		 serial;
	char			*dir;
};

/* Content types by extension; text is worth encoding, the rest is not. */
static const struct {
	const char	*ext;
	const char	*type;
	int		 text;
} types[] = {
	{ ".css", "text/css; charset=utf-8", 1 },
	{ ".js", "text/javascript; charset=utf-8", 1 },
	{ ".svg", "image/svg+xml", 1 },
	{ ".txt", "text/plain; charset=utf-8", 1 },
	{ ".png", "image/png", 0 },
	{ ".jpg", "image/jpeg", 0 },
	{ ".jpeg", "image/jpeg", 0 },
	{ ".gif", "image/gif", 0 },
	{ ".webp", "image/webp", 0 },
	{ ".ico", "image/x-icon", 0 },
	{ ".woff", "font/woff", 0 },
	{ ".woff2", "font/woff2", 0 },
};

/* The Content-Type of file, and in *text whether it is text. */
static const char *
type_of(const char *file, int *text)
{
	const char	*dot = strrchr(file, '.');
	size_t		 i;

	for (i = 0; dot != NULL && i < sizeof(types) / sizeof(types[0]); i++)
		if (strcmp(dot, types[i].ext) == 0) {
			*text = types[i].text;
			return types[i].type;
		}
	*text = 0;
	return "application/octet-stream";
}

/*
 * The admin's own files, "admin-*" and "admin.*" (admin-layout.mustache,
 * admin.css): never taken from a theme folder.
 */
static int
admin_file(const char *file)
{
	return strncmp(file, "admin", 5) == 0 && (file[5] == '-' ||
	    file[5] == '.');
}

static int
is_template(const char *file)
{
	size_t	 n = strlen(file);

	return n > strlen(TMPL_EXT) && strcmp(file + n - strlen(TMPL_EXT),
	    TMPL_EXT) == 0;
}

/*
 * Names the asset "base.HASH.ext" after 5 bytes of its BLAKE2b hash; a
 * text one is encoded too (when shorter).  own: data is the theme's to
 * free (read from disk), else the binary's.
 */
static void
asset_add(struct theme *t, const char *file, const unsigned char *data,
    size_t len, unsigned char *own)
{
	struct asset	*a = &t->asset[t->nasset];
	unsigned char	 h[16];
	char		 hex[11];
	const char	*dot = strrchr(file, '.');
	int		 base = dot ? (int)(dot - file) : (int)strlen(file);
	int		 text, i;

	crypto_generichash(h, sizeof(h), data, len, NULL, 0);
	sodium_bin2hex(hex, sizeof(hex), h, 5);
	a->file = xstrdup(file);
	a->type = type_of(file, &text);
	a->data[ENC_IDENTITY] = data;
	a->len[ENC_IDENTITY] = len;
	for (i = 0; i < ENC__MAX && text; i++)
		if (i != ENC_IDENTITY)
			a->data[i] = encoding_make(i, data, len, &a->len[i]);
	a->name = xmalloc(strlen(file) + sizeof(hex) + 2);
	sprintf(a->name, "%.*s.%s%s", base, file, hex, dot ? dot : "");
	t->url[t->nasset] = xmalloc(strlen(a->name) + 8);
	sprintf(t->url[t->nasset], "/theme/%s", a->name);
	t->own[t->nasset] = own;
	t->nasset++;
}

/* Compiles a template; -1 with "PATH: line N: what" in err. */
static int
tmpl_add(struct theme *t, const char *file, const char *path,
    const unsigned char *data, size_t len, char *err, size_t errlen)
{
	struct tmpl	*tp = &t->tmpl[t->ntmpl];
	char		 msg[200];
	int		 l;

	/* Translated once per language here, never per request. */
	for (l = 0; l < LANG__MAX; l++)
		if ((tp->m[l] = mustache_compile_po((const char *)data, len,
		    i18n_po((enum lang)l), msg, sizeof(msg))) == NULL) {
			while (l-- > 0)
				mustache_free(tp->m[l]);
			snprintf(err, errlen, "%s: %s", path, msg);
			return -1;
		}
	tp->name = xstrndup(file, strlen(file) - strlen(TMPL_EXT));
	tp->path = xstrdup(path);
	t->ntmpl++;
	return 0;
}

/*
 * Reads the regular file name in the folder open as dirfd, refusing one
 * over THEME_FILE_MAX before reading it (and one that grows past it on
 * the way).  Returns 1 with the bytes (heap, NUL-terminated), 0 if there
 * is no such file, -1 with a sentence in err.  Opened non-blocking, so a
 * FIFO planted there cannot hang a reload.
 */
static int
file_read(int dirfd, const char *name, unsigned char **out, size_t *len,
    char *err, size_t errlen)
{
	struct stat	 st;
	unsigned char	*p = NULL;
	size_t		 n = 0;
	ssize_t		 r;
	int		 fd, e;

	if ((fd = openat(dirfd, name, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) ==
	    -1) {
		/* A link to nothing is a file missing its target. */
		if ((e = errno) == ENOENT && fstatat(dirfd, name, &st,
		    AT_SYMLINK_NOFOLLOW) == -1)
			return 0;
		snprintf(err, errlen, "%s", e == ENOENT ? "a symbolic link to"
		    " nothing" : strerror(e));
		return -1;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "not a regular file");
		goto fail;
	}
	if (st.st_size > THEME_FILE_MAX) {
		snprintf(err, errlen, "larger than %d bytes", THEME_FILE_MAX);
		goto fail;
	}
	p = xmalloc((size_t)st.st_size + 2);
	while ((r = read(fd, p + n, (size_t)st.st_size + 1 - n)) > 0)
		if ((n += (size_t)r) > (size_t)st.st_size) {
			snprintf(err, errlen, "grew while being read");
			goto fail;
		}
	if (r == -1) {
		snprintf(err, errlen, "%s", strerror(errno));
		goto fail;
	}
	close(fd);
	p[n] = '\0';
	*out = p;
	*len = n;
	return 1;
fail:
	free(p);
	close(fd);
	return -1;
}

/* A load in progress: the theme, where its folder is, what to say. */
struct loading {
	struct theme	*t;
	const char	*dir;
	int		 dirfd;		/* -1: no folder */
	int		 strict;
	const char	*checking;	/* partials_check's template */
	char		*err;
	size_t		 errlen;
};

/*
 * A problem with the folder's file: fails a strict load (-1, err set);
 * a lenient one notes it and goes on (0) without the file.
 */
static int
problem(struct loading *l, const char *fmt, ...)
{
	char	 msg[1600];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (l->strict) {
		snprintf(l->err, l->errlen, "%s", msg);
		return -1;
	}
	buf_printf(&l->t->notes, "%s; left out (the built-in file, if any,"
	    " serves instead)\n", msg);
	return 0;
}

/*
 * Adds file: the folder's copy if it has one that works, else the
 * built-in e (NULL: none, then the file is left out).  -1: a strict
 * load fails.
 */
static int
file_add(struct loading *l, const char *file, const struct embed *e)
{
	struct theme	*t = l->t;
	unsigned char	*data = NULL;
	size_t		 len = 0;
	char		 path[1024], msg[1400];
	int		 rc = 0, tmpl = is_template(file);

	snprintf(path, sizeof(path), "%s/%s", l->dir, file);
	if ((tmpl ? t->ntmpl : t->nasset) == THEME_MAX)
		return problem(l, "%s: more than %d %s", path, THEME_MAX,
		    tmpl ? "templates" : "other files");
	if (l->dirfd != -1 && !admin_file(file) && (rc = file_read(l->dirfd,
	    file, &data, &len, msg, sizeof(msg))) == -1 && problem(l, "%s: %s",
	    path, msg) == -1)
		return -1;
	if (rc == 1 && tmpl) {
		rc = tmpl_add(t, file, path, data, len, msg, sizeof(msg));
		free(data);
		if (rc == 0)
			goto from_disk;
		if (problem(l, "%s", msg) == -1)
			return -1;
	} else if (rc == 1) {
		asset_add(t, file, data, len, data);
		goto from_disk;
	}
	if (e == NULL)
		return 0;
	if (tmpl)
		return tmpl_add(t, file, e->name, e->data, e->len, l->err,
		    l->errlen);
	asset_add(t, file, e->data, e->len, NULL);
	return 0;
from_disk:
	buf_printf(&t->overrides, "%s%s", t->overrides.len > 0 ? " " : "",
	    file);
	return 0;
}

/*
 * The folder's files the built-in theme lacks (its own partials,
 * pictures, fonts).  Names that could not be served or are hidden
 * (editors' backups, ".git") are passed over, and so are folders.
 */
static int
extras_add(struct loading *l)
{
	char		 name[sizeof(THEME_DIR) +
			    sizeof(((struct dirent *)0)->d_name)];
	struct dirent	*de;
	struct stat	 st;
	DIR		*d;
	int		 fd, rc = 0;

	if ((fd = dup(l->dirfd)) == -1 || (d = fdopendir(fd)) == NULL) {
		if (fd != -1)
			close(fd);
		return problem(l, "%s: %s", l->dir, strerror(errno));
	}
	while (rc == 0 && (de = readdir(d)) != NULL) {
		if (strlen(de->d_name) > NAME_MAX_LEN ||
		    !url_file_name_ok(de->d_name, strlen(de->d_name)) ||
		    admin_file(de->d_name))
			continue;
		snprintf(name, sizeof(name), THEME_DIR "%s", de->d_name);
		/* One that cannot be looked at is file_add's to report. */
		if (embed_find(name) != NULL || (fstatat(l->dirfd,
		    de->d_name, &st, 0) == 0 && S_ISDIR(st.st_mode)))
			continue;
		rc = file_add(l, de->d_name, NULL);
	}
	closedir(d);
	return rc;
}

static const struct mustache *tmpl_find(const struct theme *, enum lang,
		    const char *, size_t);

/* mustache_partials' callback: -1 if a named partial does not exist. */
static int
partial_check(void *arg, const char *name, size_t len, size_t line)
{
	struct loading	*l = arg;
	const char	*path = l->checking;

	if ((len == 7 && memcmp(name, "content", 7) == 0) ||
	    tmpl_find(l->t, LANG_EN, name, len) != NULL)
		return 0;
	if (l->strict) {
		snprintf(l->err, l->errlen, "%s: line %zu: no template %.*s"
		    TMPL_EXT " for the partial {{> %.*s}}", path, line,
		    (int)len, name, (int)len, name);
		return -1;
	}
	buf_printf(&l->t->notes, "%s: line %zu: no template %.*s" TMPL_EXT
	    " for the partial {{> %.*s}}; it renders as nothing\n", path, line,
	    (int)len, name, (int)len, name);
	return 0;
}

/* Every partial a template names must exist ("content": the page). */
static int
partials_check(struct loading *l)
{
	size_t	 i;
	int	 rc = 0;

	for (i = 0; i < l->t->ntmpl && rc == 0; i++) {
		l->checking = l->t->tmpl[i].path;
		rc = mustache_partials(l->t->tmpl[i].m[LANG_EN], partial_check,
		    l);
	}
	return rc;
}

struct theme *
theme_load(const char *dir, int strict, char *err, size_t errlen)
{
	struct loading		 l = { xcalloc(1, sizeof(struct theme)),
	    dir != NULL ? dir : "", -1, strict, NULL, err, errlen };
	const struct embed	*e;

	buf_init(&l.t->notes);
	buf_init(&l.t->overrides);
	atomic_init(&l.t->refs, 1);
	if (dir != NULL && (l.dirfd = open(dir, O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) == -1 && errno != ENOENT && problem(&l, "%s: %s", dir,
	    strerror(errno)) == -1)
		goto fail;
	for (e = embeds; e->name != NULL; e++)
		if (strncmp(e->name, THEME_DIR, strlen(THEME_DIR)) == 0 &&
		    file_add(&l, e->name + strlen(THEME_DIR), e) == -1)
			goto fail;
	if ((l.dirfd != -1 && extras_add(&l) == -1) || partials_check(&l) ==
	    -1)
		goto fail;
	if (l.dirfd != -1)
		close(l.dirfd);
	return l.t;
fail:
	if (l.dirfd != -1)
		close(l.dirfd);
	theme_free(l.t);
	return NULL;
}

void
theme_free(struct theme *t)
{
	size_t	 i;
	int	 k;

	if (t == NULL)
		return;
	for (i = 0; i < t->ntmpl; i++) {
		free(t->tmpl[i].name);
		free(t->tmpl[i].path);
		for (k = 0; k < LANG__MAX; k++)
			mustache_free(t->tmpl[i].m[k]);
	}
	for (i = 0; i < t->nasset; i++) {
		free((void *)t->asset[i].file);
		free(t->asset[i].name);
		free(t->url[i]);
		free(t->own[i]);
		/* The identity is the binary's, or own[i]. */
		for (k = 0; k < ENC__MAX; k++)
			if (k != ENC_IDENTITY)
				free((void *)t->asset[i].data[k]);
	}
	buf_reset(&t->notes);
	buf_reset(&t->overrides);
	free(t);
}

const char *
theme_notes(const struct theme *t)
{
	return t->notes.len > 0 ? t->notes.data : NULL;
}

const char *
theme_overrides(const struct theme *t)
{
	return t->overrides.len > 0 ? t->overrides.data : "";
}

static const struct mustache *
tmpl_find(const struct theme *t, enum lang l, const char *name, size_t len)
{
	size_t	 i;

	for (i = 0; i < t->ntmpl; i++)
		if (strlen(t->tmpl[i].name) == len &&
		    memcmp(t->tmpl[i].name, name, len) == 0)
			return t->tmpl[i].m[l < LANG__MAX ? l : LANG_EN];
	return NULL;
}

/* Partials by name; "content" is the page the layout is wrapped around. */
struct page_loader {
	const struct theme	*t;
	enum lang		 lang;
	const char		*page;
};

static const struct mustache *
partial_load(void *arg, const char *name, size_t len)
{
	const struct page_loader	*pl = arg;

	if (len == 7 && memcmp(name, "content", 7) == 0)
		name = pl->page, len = strlen(pl->page);
	return tmpl_find(pl->t, pl->lang, name, len);
}

int
theme_render_in(const struct theme *t, enum lang lang, const char *layout,
    const char *name, json_t *view, struct buf *out)
{
	const struct mustache		*m;
	struct page_loader		 pl = { t, lang, name };
	struct mustache_loader		 loader;

	if (tmpl_find(t, lang, name, strlen(name)) == NULL || (m = tmpl_find(t,
	    lang, layout != NULL ? layout : name, strlen(layout != NULL ?
	    layout : name))) == NULL)
		return -1;
	loader.load = partial_load;
	loader.arg = &pl;
	return mustache_render(m, view, &loader, out);
}

const struct asset *
theme_asset(const struct theme *t, const char *name)
{
	size_t	 i;

	for (i = 0; i < t->nasset; i++)
		if (strcmp(t->asset[i].name, name) == 0)
			return &t->asset[i];
	return NULL;
}

const char *
theme_asset_url(const struct theme *t, const char *file)
{
	size_t	 i;

	for (i = 0; i < t->nasset; i++)
		if (strcmp(t->asset[i].file, file) == 0)
			return t->url[i];
	return NULL;
}

struct theme_live *
theme_live_new(const char *dir, char *err, size_t errlen)
{
	struct theme_live	*live;
	struct theme		*t;
	const char		*p;
	size_t			 n;

	if ((t = theme_load(dir, 0, err, errlen)) == NULL)
		return NULL;
	/*
	 * Said loudly, once: the site serves, but not all as its owner
	 * wrote it (the Tools page shows it too, until a reload).  Each
	 * note is a line of the log of its own, prefixed like the others.
	 */
	for (p = theme_notes(t); p != NULL && *p != '\0'; p += n +
	    (p[n] == '\n')) {
		n = strcspn(p, "\n");
		fprintf(stderr, "galley: theme: %.*s\n", (int)n, p);
	}
	live = xcalloc(1, sizeof(*live));
	pthread_mutex_init(&live->lock, NULL);
	pthread_mutex_init(&live->reloading, NULL);
	live->cur = t;
	atomic_init(&live->serial, 0);
	live->dir = dir != NULL ? xstrdup(dir) : NULL;
	return live;
}

void
theme_live_free(struct theme_live *live)
{
	if (live == NULL)
		return;
	theme_drop(live->cur);
	pthread_mutex_destroy(&live->lock);
	pthread_mutex_destroy(&live->reloading);
	free(live->dir);
	free(live);
}

struct theme *
theme_take(struct theme_live *live)
{
	struct theme	*t;

	pthread_mutex_lock(&live->lock);
	t = live->cur;
	atomic_fetch_add(&t->refs, 1);
	pthread_mutex_unlock(&live->lock);
	return t;
}

void
theme_drop(struct theme *t)
{
	if (t != NULL && atomic_fetch_sub(&t->refs, 1) == 1)
		theme_free(t);
}

int
theme_reload(struct theme_live *live, char *err, size_t errlen)
{
	struct theme	*t, *old;

	/*
	 * Reloads in turn (SIGHUP and the Tools page can overlap): else a
	 * load begun first but finished last would put back what the
	 * folder held before the later reload read it.
	 */
	pthread_mutex_lock(&live->reloading);
	if ((t = theme_load(live->dir, 1, err, errlen)) == NULL) {
		pthread_mutex_unlock(&live->reloading);
		return -1;
	}
	pthread_mutex_lock(&live->lock);
	old = live->cur;
	t->serial = old->serial + 1;
	live->cur = t;
	/* After the swap: whoever reads the new number gets the new theme. */
	atomic_store(&live->serial, t->serial);
	pthread_mutex_unlock(&live->lock);
	pthread_mutex_unlock(&live->reloading);
	theme_drop(old);
	return 0;
}

unsigned int
theme_live_serial(struct theme_live *live)
{
	return atomic_load(&live->serial);
}

unsigned int
theme_serial(const struct theme *t)
{
	return t->serial;
}

/* Writes len bytes to path, which must not exist unless force. */
static int
file_write(const char *path, const unsigned char *data, size_t len,
    int force)
{
	ssize_t	 n;
	int	 fd;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | (force ?
	    O_TRUNC : O_EXCL), 0644)) == -1)
		return -1;
	for (; len > 0; data += n, len -= (size_t)n)
		if ((n = write(fd, data, len)) <= 0) {
			close(fd);
			return -1;
		}
	return close(fd);
}

int
theme_copy(const char *dir, int force, FILE *out, char *err, size_t errlen)
{
	const struct embed	*e;
	char			 path[1024];
	struct stat		 st;
	size_t			 skip = strlen(THEME_DIR);

	if (mkdir(dir, 0755) == -1 && errno != EEXIST) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	/* All or nothing: look for files in the way before writing one. */
	for (e = embeds; e->name != NULL && !force; e++) {
		if (strncmp(e->name, THEME_DIR, skip) != 0 ||
		    admin_file(e->name + skip))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->name + skip);
		if (lstat(path, &st) == 0) {
			snprintf(err, errlen, "%s exists; nothing was written"
			    " (--force overwrites the built-in theme's files)",
			    path);
			return -1;
		}
	}
	for (e = embeds; e->name != NULL; e++) {
		if (strncmp(e->name, THEME_DIR, skip) != 0 ||
		    admin_file(e->name + skip))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->name + skip);
		if (file_write(path, e->data, e->len, force) == -1) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			return -1;
		}
		fprintf(out, "wrote %s\n", path);
	}
	return 0;
}
