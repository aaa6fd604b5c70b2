/*
 * page_admin_media: /admin/media/, pictures for posts.  An upload goes
 * through the same pipeline as a comment's picture (image.c: a real
 * JPEG, PNG, GIF or WebP, bounded before decoding, turned upright,
 * re-encoded without its metadata, named by its hash), here with every
 * width and WebP twin, all recorded with the item (media_sizes); the
 * library lists them newest first,
 * each with the Markdown that puts it in a post.  A picture the site
 * cannot take now is answered 503 (decoding busy, the database full) or
 * 507 (no space for the files), and leaves no file behind.  The copies
 * are stored (media.c) before the item's rows: a decode never runs
 * inside a write transaction, which would hold SQLite's write lock.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "buf.h"
#include "form.h"
#include "image.h"
#include "page.h"
#include "page_admin.h"
#include "req.h"
#include "site.h"
#include "store.h"
#include "url.h"
#include "utf8.h"

#define PER_PAGE	24
#define FULL_RETRY	60	/* Retry-After when the disk is full */
#define BUSY_RETRY	10	/* ... when decoding is busy */

static int
media_page(struct req *r, struct session *se, const char *error, int status)
{
	json_t		*view = admin_view(r, se, "Media"), *a, *o;
	struct media	*m;
	struct buf	 b;
	const char	*pg = req_arg(r, "page");
	int64_t		 page = pg != NULL ? strtoll(pg, NULL, 10) : 1, total;
	size_t		 n, i;

	if (page < 1 || page > 100000)
		page = 1;
	if ((r->store_err = store_media_list(r->conn, &r->arena,
	    (page - 1) * PER_PAGE, PER_PAGE, &m, &n, &total)) != STORE_OK)
		return page_render(r, "admin-media", view, 200);
	a = json_array();
	buf_init(&b);
	for (i = 0; i < n; i++) {
		o = json_object();
		b.len = 0;
		url_media(&b, m[i].hash, image_ext(m[i].mime) != NULL ?
		    image_ext(m[i].mime) : "jpg");
		view_str(o, "src", b.data);
		view_str(o, "alt", m[i].alt);
		view_int(o, "width", m[i].width);
		view_int(o, "height", m[i].height);
		view_str(o, "date", page_human_date(r, m[i].created));
		view_str(o, "markdown", arena_printf(&r->arena, "![%s](%s)",
		    m[i].alt, b.data));
		json_array_append_new(a, o);
	}
	buf_reset(&b);
	json_object_set_new(view, "media", a);
	view_int(view, "total", total);
	if (page > 1)
		view_str(view, "prev", arena_printf(&r->arena,
		    "/admin/media/?page=%lld", (long long)page - 1));
	if (page * PER_PAGE < total)
		view_str(view, "next", arena_printf(&r->arena,
		    "/admin/media/?page=%lld", (long long)page + 1));
	if (error != NULL)
		view_str(view, "error", error);
	if (req_arg(r, "done") != NULL)
		view_str(view, "notice", "The picture was added.");
	return page_render(r, "admin-media", view, status);
}

int
admin_media(struct req *r, struct session *se)
{
	return media_page(r, se, NULL, 200);
}

int
admin_media_post(struct req *r, struct session *se, struct form *in)
{
	const char	*alt = form_get(in, "alt", NULL, NULL), *data;
	struct image	 im;
	struct media	 m;
	struct media_size sizes[IMAGE_FILES_MAX];
	char		 msg[200];
	size_t		 len;
	int64_t		 id;
	int		 rc, too_long, i;

	data = form_get(in, "image", &len, &too_long);
	if (!form_file(in, "image") || len == 0)
		return media_page(r, se, "Choose a JPEG, PNG, GIF or WebP"
		    " picture to upload.",
		    422);
	if (too_long)
		return media_page(r, se, "The picture is too large: at most"
		    " 8 MB.", 413);
	if (strlen(alt) > 300 || !utf8_valid(alt, strlen(alt)) ||
	    strpbrk(alt, "[]()") != NULL)
		return media_page(r, se, "The description is at most 300"
		    " characters of text, without brackets.", 422);
	rc = image_store(data, len, IMAGE_ANY | IMAGE_SIZES, &r->site->media,
	    r->conn, r->site->images, &im, msg, sizeof(msg));
	if (rc == IMAGE_BUSY)
		r->retry_after = BUSY_RETRY;
	if (rc != IMAGE_OK)
		return media_page(r, se, arena_strdup(&r->arena, msg),
		    rc == IMAGE_BUSY ? 503 : rc == IMAGE_FULL ? 507 :
		    rc == IMAGE_IO ? 500 : 422);
	memset(&m, 0, sizeof(m));
	m.hash = im.hash;
	m.mime = (char *)im.mime;
	m.width = im.width;
	m.height = im.height;
	m.bytes = (int64_t)len;
	m.alt = (char *)alt;
	m.sizes = sizes;
	for (i = 0; i < im.nfiles; i++) {
		sizes[i].width = im.file[i].width;
		sizes[i].height = im.file[i].height;
		sizes[i].hash = im.file[i].hash;
		sizes[i].mime = (char *)im.file[i].mime;
	}
	m.nsizes = (size_t)im.nfiles;
	/* The item and its files' rows go in together. */
	if ((rc = store_begin(r->conn)) == STORE_OK) {
		if ((rc = store_media_add(r->conn, &m, &id)) == STORE_OK)
			rc = store_commit(r->conn);
		else
			store_rollback(r->conn);
	}
	if (rc == STORE_OK)
		return admin_back(r, "media", "done=1");
	/* Known already (STORE_CONFLICT): the files this upload made have no
	   row; the item's own files were there before, so stay. */
	image_discard(&r->site->media, r->conn, &im);
	if (rc == STORE_CONFLICT)
		return admin_back(r, "media", "done=1");
	if (rc == STORE_FULL) {
		r->retry_after = FULL_RETRY;
		return media_page(r, se, "The site cannot save pictures right"
		    " now; please try again later.", 503);
	}
	return page_error(r, rc == STORE_DOWN || rc == STORE_RETRY ? 503 :
	    500);
}
