/*
 * theme: loading and rendering the embedded default theme (see theme.h).
 * Templates and assets are small, few and found by name, so they sit in
 * two flat arrays searched linearly.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "alloc.h"
#include "buf.h"
#include "embed.h"
#include "encoding.h"
#include "i18n.h"
#include "mustache.h"
#include "theme.h"

#define THEME_DIR	"themes/default/"
#define THEME_MAX	64

struct tmpl {
	char			*name;		/* "article" */
	struct mustache		*m[LANG__MAX];	/* compiled per language */
};

struct theme {
	struct tmpl		 tmpl[THEME_MAX];
	size_t			 ntmpl;
	struct asset		 asset[THEME_MAX];
	char			*url[THEME_MAX];	/* "/theme/" + name */
	size_t			 nasset;
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
	{ ".png", "image/png", 0 },
	{ ".jpg", "image/jpeg", 0 },
	{ ".ico", "image/x-icon", 0 },
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
 * Names the asset "base.HASH.ext" after 5 bytes of its BLAKE2b hash; a
 * text one is encoded too (when shorter).
 */
static void
asset_add(struct theme *t, const char *file, const struct embed *e)
{
	struct asset	*a = &t->asset[t->nasset];
	unsigned char	 h[16];
	char		 hex[11];
	const char	*dot = strrchr(file, '.');
	int		 base = dot ? (int)(dot - file) : (int)strlen(file);
	int		 text, i;

	crypto_generichash(h, sizeof(h), e->data, e->len, NULL, 0);
	sodium_bin2hex(hex, sizeof(hex), h, 5);
	a->file = file;
	a->type = type_of(file, &text);
	a->data[ENC_IDENTITY] = e->data;
	a->len[ENC_IDENTITY] = e->len;
	for (i = 0; i < ENC__MAX && text; i++)
		if (i != ENC_IDENTITY)
			a->data[i] = encoding_make(i, e->data, e->len,
			    &a->len[i]);
	a->name = xmalloc(strlen(file) + sizeof(hex) + 2);
	sprintf(a->name, "%.*s.%s%s", base, file, hex, dot ? dot : "");
	t->url[t->nasset] = xmalloc(strlen(a->name) + 8);
	sprintf(t->url[t->nasset], "/theme/%s", a->name);
	t->nasset++;
}

static int
tmpl_add(struct theme *t, const char *file, const struct embed *e,
    char *err, size_t errlen)
{
	struct tmpl	*tp = &t->tmpl[t->ntmpl];
	char		 msg[200];
	int		 l;

	/* Translated once per language here, never per request. */
	for (l = 0; l < LANG__MAX; l++)
		if ((tp->m[l] = mustache_compile_po((const char *)e->data,
		    e->len, i18n_po((enum lang)l), msg, sizeof(msg))) == NULL) {
			while (l-- > 0)
				mustache_free(tp->m[l]);
			snprintf(err, errlen, "%s: %s", e->name, msg);
			return -1;
		}
	tp->name = xstrndup(file, strlen(file) - strlen(".mustache"));
	t->ntmpl++;
	return 0;
}

struct theme *
theme_load(char *err, size_t errlen)
{
	struct theme		*t = xcalloc(1, sizeof(*t));
	const struct embed	*e;
	const char		*file;
	size_t			 n;

	for (e = embeds; e->name != NULL; e++) {
		if (strncmp(e->name, THEME_DIR, strlen(THEME_DIR)) != 0)
			continue;
		file = e->name + strlen(THEME_DIR);
		n = strlen(file);
		if (t->ntmpl == THEME_MAX || t->nasset == THEME_MAX) {
			snprintf(err, errlen, "theme: too many files");
			goto fail;
		}
		if (n > 9 && strcmp(file + n - 9, ".mustache") == 0) {
			if (tmpl_add(t, file, e, err, errlen) == -1)
				goto fail;
		} else
			asset_add(t, file, e);
	}
	return t;
fail:
	theme_free(t);
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
		for (k = 0; k < LANG__MAX; k++)
			mustache_free(t->tmpl[i].m[k]);
	}
	for (i = 0; i < t->nasset; i++) {
		free(t->asset[i].name);
		free(t->url[i]);
		/* The encodings are ours; the file itself is the binary's. */
		for (k = 0; k < ENC__MAX; k++)
			if (k != ENC_IDENTITY)
				free((void *)t->asset[i].data[k]);
	}
	free(t);
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
theme_render(const struct theme *t, enum lang lang, const char *name,
    json_t *view, struct buf *out)
{
	return theme_render_in(t, lang, "layout", name, view, out);
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
