/*
 * export: a Galley site as WordPress's export format, WXR 1.2, as
 * WordPress's own exporter writes it and its importer reads it: the
 * channel, every author, category and tag, then every post and page
 * with its terms and comments, then every media item as an attachment.
 * Streamed through libxml2's xmlTextWriter a page of rows at a time, so
 * memory stays bounded whatever the site's size.  A row that came from
 * an import keeps its GUID and WordPress id (the `imported` table);
 * others get our own.  Old paths that redirect to a post or picture go
 * with it as wp:postmeta `_galley_redirect`, which import.c reads back.
 * `galley export` and the admin's Tools -> Export call it.
 */
#ifndef GALLEY_EXPORT_H
#define GALLEY_EXPORT_H

#include <stddef.h>

struct site;
struct store_conn;

/* The postmeta key of an old path kept in the redirect table. */
#define EXPORT_META_REDIRECT	"_galley_redirect"

/*
 * Writes site s's WXR through out(data, len, arg), reading through c
 * (inside one read snapshot).  out keeps its own sticky error (as a
 * struct buf does); the caller checks it.  Returns 0; or -1 with a
 * sentence in err when the database fails.
 */
int	export_run(const struct site *s, struct store_conn *c,
	    void (*out)(const char *, size_t, void *), void *arg, char *err,
	    size_t errlen);

#endif
