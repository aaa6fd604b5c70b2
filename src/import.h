/*
 * import: a WordPress site (a WXR file read by wxr.c, and a local copy
 * of its wp-content/uploads) into a Galley site, through the modules the
 * admin uses: post.c for posts and pages, the store's comment insertion
 * (threads and places kept), image.c and the media library for
 * attachments.  `galley import` calls it.
 *
 * The file is read twice.  The first pass checks all of it (well-formed,
 * a WXR version it knows) and lists its attachments, before anything is
 * written: a malformed file changes nothing.  Attachments are then
 * stored as media; the second pass writes everything else in ONE
 * transaction, rolled back on any error (and the picture files this run
 * made are removed).  --dry-run runs the same transaction and rolls it
 * back, storing no pictures, so its summary is the one a real run would
 * print.
 *
 * Idempotent: each post, comment, term, author and attachment is
 * recorded under its key in the file (GUID; post GUID and comment id;
 * taxonomy and slug; login) and found there the next time, so a second
 * run adds only what is new and changes nothing it finds; one that
 * differs from what is stored is reported as a conflict and left as it
 * is.  WordPress's ids are kept where they are free, and every old
 * address (link, ?p=, ?page_id=, ?attachment_id=, upload URL) goes into
 * the redirect table.
 */
#ifndef GALLEY_IMPORT_H
#define GALLEY_IMPORT_H

#include <stdio.h>

struct buf;
struct site;
struct store_conn;

/*
 * Appends a WordPress comment's HTML html[0..len) as the Markdown subset
 * comment_text.c renders: <a href> with an http(s) URL as [text](url),
 * em/i as *x*, strong/b as **x**, code as `x`, blockquote as "> "
 * lines, p and br as blank lines and newlines, any other element as its
 * text (script and style not even that); entities decoded, and every
 * character Markdown would read as markup escaped.  The import stores
 * this, never the HTML.
 */
void	import_comment_text(struct buf *out, const char *html, size_t len);

struct import_opts {
	const char	*file;		/* the WXR file */
	const char	*uploads;	/* a copy of wp-content/uploads, or NULL */
	int		 dry_run;
	int		 progress;	/* a progress line on stderr */
	struct store_conn *conn;	/* the caller's connection (the
					   admin's request), or NULL: one
					   from the site's pool */
};

/*
 * Imports o->file into site s and prints the summary (counts per kind,
 * every skip with its reason, missing files, conflicts) on out.
 * Returns 0; or -1 with a sentence in err (the file's line for a
 * malformed one), the site then unchanged.
 */
int	import_run(const struct site *s, const struct import_opts *o, FILE *out,
	    char *err, size_t errlen);

#endif
