/*
 * media: where pictures' bytes live, so that nothing else cares.  A
 * site keeps them as files in media_dir (media_store = files, the
 * default: one node, or nodes sharing a folder) or in its database
 * (media_store = db: nodes share nothing but the database).  Either way
 * a stored file is named by the hex SHA-256 of its bytes and served as
 * /media/HASH.EXT, EXT ours for its type.  image.c writes through
 * media_put, server.c reads through media_get, erasure removes through
 * media_remove; `galley media DIR move` moves a site between the two.
 */
#ifndef GALLEY_MEDIA_H
#define GALLEY_MEDIA_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct media_ref;
struct store;
struct store_conn;

enum media_kind {
	MEDIA_FILES,
	MEDIA_DB
};

/* The most bytes one stored file may have (a large animated WebP). */
#define MEDIA_MAX_BYTES	(64 * 1024 * 1024)

/* Where a site's pictures live; embedded in struct site. */
struct media_store {
	enum media_kind	 kind;
	const char	*dir;	/* MEDIA_FILES: the folder (borrowed) */
};

/* One stored file opened for serving: an fd or bytes. */
struct media_object {
	int		 fd;	/* files: open, the caller closes it; else -1 */
	void		*data;	/* db: the bytes, the caller frees them */
	size_t		 len;
	const char	*mime;	/* static */
};

/*
 * The extension of the stored file a row names (store_media_refs): its
 * type's, or a comment picture's own ("" is jpg); NULL if not ours.
 * Valid as long as r.
 */
const char	*media_ref_ext(const struct media_ref *r);
/*
 * Sets *kind from a media_store value ("files", "db"); -1 if it is
 * neither.  media_kind_name is the reverse.
 */
int		 media_kind_parse(const char *s, enum media_kind *kind);
const char	*media_kind_name(enum media_kind);

/*
 * Stores data[0..len), a picture of type mime (one of image_mime's),
 * under the hex SHA-256 of its bytes, written into hash[65].  Idempotent:
 * *made is 1 if this call created it, 0 if it was there.  Durable before
 * it returns: files through a temporary file, fsync and link() (a reader
 * never sees a partial file) then a sync of the folder; db a row of
 * media_blobs on c, committed unless c is inside a transaction, which
 * it then joins (c may be NULL for files).  Returns STORE_OK,
 * STORE_FULL (no space or quota: later), or another store_rc (logged);
 * a failure may leave *made 1 (a file whose folder did not sync), which
 * the caller may take back with media_discard.
 */
int	media_put(const struct media_store *, struct store_conn *c,
	    const char *mime, const void *data, size_t len, char *hash,
	    int *made);
/*
 * Opens the stored file hash.ext for serving into out: STORE_NOTFOUND
 * when there is none of that hash with that extension's type (a hash
 * not 64 lower-case hex digits, an extension not ours).  For db the
 * bytes are copied out of c, which the caller may give back before
 * sending.  Release out with media_object_reset.
 */
int	media_get(const struct media_store *, struct store_conn *c,
	    const char *hash, const char *ext, struct media_object *out);
void	media_object_reset(struct media_object *);
/*
 * Reads the stored file hash.ext whole into a buffer the caller frees
 * (also on failure, if not NULL): *p and *len.  A store_rc; a file over
 * MEDIA_MAX_BYTES is STORE_ERROR.
 */
int	media_read(const struct media_store *, struct store_conn *c,
	    const char *hash, const char *ext, void **p, size_t *len);
/*
 * media_put, the picture pinned first (media_pin) unless the table of
 * pins is full (*pinned says which): a comment's or a library upload's
 * picture, from before its file is put until its row has committed or
 * been refused.
 */
int	media_put_pinned(const struct media_store *, struct store_conn *c,
	    const char *mime, const void *data, size_t len, char *hash,
	    int *made, int *pinned);
/*
 * Pins, per process: while a request holds a pin on a picture,
 * media_discard leaves its file.  A comment whose request made the file
 * can be refused (a reader's double click: the twin that committed
 * first is the one kept) while another request, which found the file
 * there, names it in the comment it commits.  Nodes sharing a media
 * folder or database do not see each other's pins, nor does `galley
 * check --repair`; a library upload pins as a comment does, from its
 * files' put until its row commits; imports do not pin.  media_pin
 * returns -1 when the table is full.
 */
int	media_pin(const char *hash);
void	media_unpin(const char *hash);
/*
 * Takes back the file hash.ext that an image_store call made (its made
 * flag), for an upload refused after it was stored, unless a request of
 * this process holds a pin on it or (as c sees it) something names it,
 * so a concurrent upload of the same picture keeps it.
 */
void	media_discard(const struct media_store *, struct store_conn *c,
	    const char *hash, const char *ext);
/*
 * Removes the picture hash, whatever its extension, if no comment,
 * media item or media size names it (store_image_uses), as c sees it,
 * and no request of this process pins it (a picture left for a pin
 * whose upload then finds it known already stays as an orphan, which
 * `galley check` lists).  c is required.
 * Returns STORE_OK (also when it is in use or absent) or the error.
 */
int	media_remove(const struct media_store *, struct store_conn *c,
	    const char *hash);

/* What media_move did. */
struct media_moved {
	int64_t	 copied;	/* written to the destination, verified */
	int64_t	 present;	/* there already, verified */
	int64_t	 removed;	/* source copies deleted after verifying */
	int64_t	 failed;	/* kept in the source: unreadable, bytes not
				   matching their name, or not verified */
};

/*
 * Moves every picture of the site from the store from to the store to
 * (one files, one db, over c outside any transaction): each is read,
 * its bytes checked against its name, written with media_put, read back
 * from the destination and checked again.  When all are there, conf
 * (galley.conf's path) gets media_store = to's kind, and only then is
 * each verified source copy deleted.  Safe to kill at any moment and run
 * again: what is already at the destination is verified, not rewritten.
 * Prints a line per picture and a summary to out.  Returns 0 when every
 * picture is at the destination, -1 otherwise (sum says why).
 */
int	media_move(const struct media_store *from,
	    const struct media_store *to, struct store_conn *c,
	    const char *conf, FILE *out, struct media_moved *sum);

#endif
