/*
 * theme: the default theme, compiled into the binary (themes/default/).
 * Its Mustache templates are compiled once at start-up; its other files
 * (CSS, the small script, images) are served under content-hashed names,
 * such as /theme/style.0123456789.css, so they can be cached forever,
 * and those that are text also brotli- and gzip-encoded, once.
 * A loaded theme is read-only and shared by every thread.
 */
#ifndef GALLEY_THEME_H
#define GALLEY_THEME_H

#include <stddef.h>
#include <jansson.h>

#include "encoding.h"
#include "i18n.h"

struct buf;
struct theme;

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

/* Compiles every template.  Returns NULL with a message in err. */
struct theme	*theme_load(char *err, size_t errlen);
void		 theme_free(struct theme *);
/*
 * Renders the page template NAME (without ".mustache") against view into
 * out, inside the layout: the layout's {{> content}} is that template,
 * written straight into out (no copy of a page's inner part), in
 * language lang (each template is compiled once per language).  Returns
 * 0, or -1 if there is no such template or rendering failed.
 */
int		 theme_render(const struct theme *, enum lang lang,
		    const char *name, json_t *view, struct buf *out);
/*
 * As theme_render, inside the template layout instead (NULL: none, the
 * template alone): mail is rendered inside its own layout, and its text
 * part alone.
 */
int		 theme_render_in(const struct theme *, enum lang lang,
		    const char *layout, const char *name, json_t *view,
		    struct buf *out);
/* Returns the asset served as /theme/NAME (hashed name), or NULL. */
const struct asset *theme_asset(const struct theme *, const char *name);
/* Returns the URL path of the asset whose file is FILE, or NULL. */
const char	*theme_asset_url(const struct theme *, const char *file);

#endif
