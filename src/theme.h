/*
 * theme: the templates and files pages and mail are made with.  The
 * built-in theme (themes/default/) is compiled into the binary; a site's
 * theme folder (DIR/theme/, or theme_dir in galley.conf) overrides any of
 * its files, file by file, and may add more (partials, pictures, fonts),
 * except the admin's own ("admin-*", "admin.*": admin-layout.mustache,
 * admin.css), which are always the built-in ones.
 * Mustache templates are compiled when the theme loads and their partial
 * references checked; the other files are served under content-hashed
 * names, such as /theme/style.0123456789.css, so they can be cached
 * forever, and those that are text also brotli- and gzip-encoded, once.
 *
 * A loaded theme is read-only and shared by every thread.  The one being
 * served sits in a struct theme_live, which a reload (SIGHUP, the admin's
 * Tools page) swaps for a freshly loaded one; each user takes a counted
 * reference for as long as it renders (see theme_take), so a reload never
 * frees a theme under a request.  docs/THEMES.md is the theme author's
 * side of this.
 */
#ifndef GALLEY_THEME_H
#define GALLEY_THEME_H

#include <stddef.h>
#include <stdio.h>
#include <jansson.h>

#include "encoding.h"
#include "i18n.h"

struct buf;
struct theme;
struct theme_live;

/* The largest theme file read: bigger ones are refused unread. */
#define THEME_FILE_MAX	(2 * 1024 * 1024)
/* How many templates, and how many other files, a theme may have. */
#define THEME_MAX	128

/*
 * A file of the theme, as it is and (text only, when shorter) brotli-
 * and gzip-encoded once at load, so a request never encodes one.
 */
struct asset {
	const char		*file;	/* "style.css" */
	char			*name;	/* "style.0123456789.css" */
	const char		*type;	/* Content-Type */
	const unsigned char	*data[ENC__MAX];	/* NULL: not kept so */
	size_t			 len[ENC__MAX];
};

/*
 * Loads the built-in theme with the files of dir over it (dir NULL or
 * missing: the built-in theme alone).  A file of dir that cannot be used
 * (unreadable, not a regular file, over THEME_FILE_MAX, a template that
 * does not compile or names a partial no template provides): if strict,
 * the load fails, returning NULL with "PATH: line N: what" (or "PATH:
 * what") in err; if not, the built-in file of that name is kept in its
 * place and the problem noted (theme_notes).  NULL with err set also if
 * the built-in theme itself is broken.  Free with theme_free.
 */
struct theme	*theme_load(const char *dir, int strict, char *err,
		    size_t errlen);
void		 theme_free(struct theme *);
/*
 * What a lenient load left out, one "PATH: ...; left out" line each
 * (the built-in file serving instead), or NULL if nothing; valid while t is.
 */
const char	*theme_notes(const struct theme *);
/* The files of t that came from its folder, space-separated, or "". */
const char	*theme_overrides(const struct theme *);
/*
 * Renders the page template NAME (without ".mustache") against view into
 * out, inside the template layout: the layout's {{> content}} is that
 * template, written straight into out (no copy of a page's inner part),
 * in language lang (each template is compiled once per language).  A
 * reader's page has "layout", an admin page "admin-layout", mail its own
 * layout; layout NULL renders the template alone (mail's text part).
 * Returns 0, or -1 if there is no such template or rendering failed.
 */
int		 theme_render_in(const struct theme *, enum lang lang,
		    const char *layout, const char *name, json_t *view,
		    struct buf *out);
/* Returns the asset served as /theme/NAME (hashed name), or NULL. */
const struct asset *theme_asset(const struct theme *, const char *name);
/* Returns the URL path of the asset whose file is FILE, or NULL. */
const char	*theme_asset_url(const struct theme *, const char *file);

/*
 * The theme being served, loaded leniently from dir (kept, may be NULL)
 * with each note written to stderr.  NULL with err set only when the
 * built-in theme is broken.
 */
struct theme_live *theme_live_new(const char *dir, char *err, size_t errlen);
void		 theme_live_free(struct theme_live *);
/*
 * Returns the theme being served with a reference counted for the
 * caller, which must give it back with theme_drop once nothing it
 * rendered or queued points into it any more (a request: when it
 * completes).  Never NULL.
 */
struct theme	*theme_take(struct theme_live *);
/* Gives back a reference; the last one frees a theme replaced since. */
void		 theme_drop(struct theme *);
/*
 * Loads dir again, strictly, and serves the result from now on.
 * Returns 0, or -1 with the first problem in err, the theme served so
 * far still being served.
 */
int		 theme_reload(struct theme_live *, char *err, size_t errlen);
/*
 * A number that changes whenever a reload swaps the theme: part of a
 * page-cache key, so no page rendered with an older theme is served.
 * theme_serial gives the number of a taken theme.
 */
unsigned int	 theme_live_serial(struct theme_live *);
unsigned int	 theme_serial(const struct theme *);

/*
 * Writes the built-in theme's files but the admin's into dir (created if
 * missing),
 * naming each written on out.  An existing file is not overwritten
 * unless force: then nothing is written and -1 returned, err naming it.
 * Returns 0, or -1 with err set.
 */
int		 theme_copy(const char *dir, int force, FILE *out, char *err,
		    size_t errlen);

#endif
