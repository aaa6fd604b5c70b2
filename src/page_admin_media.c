/*
 * page_admin_media: /admin/media/, pictures for posts.  An upload goes
 * through the same pipeline as a comment's picture (image.c: a real
 * JPEG, PNG, GIF or WebP, bounded before decoding, turned upright,
 * re-encoded without its metadata, named by its hash), here with every
 * width and WebP twin, all recorded with the item (media_sizes); the
 * library lists them newest first in a grid, each with its alt text and
 * caption to edit and the Markdown and HTML that put it in a post.
 * Deleting one a post uses asks first, naming those posts; the files go
 * with it unless a comment or another item shows the same bytes.  A
 * picture the site cannot take now is answered 503 (decoding busy, the
 * database full) or 507 (no space for the files), and leaves no file
 * behind.  The copies are stored (media.c) before the item's rows: a
 * decode never runs inside a write transaction, which would hold
 * SQLite's write lock.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <jansson.h>

#include "auth.h"
#include "buf.h"
#include "form.h"
#include "html.h"
#include "image.h"
#include "library.h"
#include "page.h"
#include "page_admin.h"
#include "req.h"
#include "site.h"
#include "store.h"
#include "url.h"
#include "utf8.h"

#define PER_PAGE	24
#define FULL_RETRY	60	/* Retry-After when the disk is full */
#define BUSY_RETRY	10	/* ... when decoding or the database is busy */

static int	media_upload(struct req *, struct session *, struct form *);

/* Sets o's snippets for item m at src: Markdown and HTML to insert. */
static void
view_snippets(struct req *r, json_t *o, const struct media *m,
    const char *src)
{
	struct buf	 b;

	view_str(o, "markdown", arena_printf(&r->arena, "![%s](%s)", m->alt,
	    src));
	/* Text in a textarea: the template escapes it once more. */
	buf_init(&b);
	buf_puts(&b, "<img src=\"");
	html_attr(&b, src, strlen(src));
	buf_puts(&b, "\" alt=\"");
	html_attr(&b, m->alt, strlen(m->alt));
	buf_printf(&b, "\" width=\"%d\" height=\"%d\" class=\"wp-image-%lld\">",
	    m->width, m->height, (long long)m->id);
	view_str(o, "html", b.data);
	buf_reset(&b);
}

json_t *
admin_media_item(struct req *r, const struct media *m)
{
	json_t		*o = json_object();
	struct buf	 b;

	buf_init(&b);
	url_media(&b, m->hash, image_ext(m->mime) != NULL ?
	    image_ext(m->mime) : "jpg");
	view_int(o, "id", m->id);
	view_str(o, "src", b.data);
	view_str(o, "alt", m->alt);
	view_str(o, "caption", m->caption);
	view_int(o, "width", m->width);
	view_int(o, "height", m->height);
	view_str(o, "date", page_human_date(r, m->created));
	view_snippets(r, o, m, b.data);
	buf_reset(&b);
	return o;
}

static int
media_page(struct req *r, struct session *se, const char *error, int status)
{
	json_t		*view = admin_view(r, se, N_("Media")), *a;
	struct media	*m;
	const char	*pg = req_arg(r, "page"), *done = req_arg(r, "done");
	int64_t		 page = pg != NULL ? strtoll(pg, NULL, 10) : 1, total;
	size_t		 n, i;

	if (page < 1 || page > 100000)
		page = 1;
	if ((r->store_err = store_media_list(r->conn, &r->arena,
	    (page - 1) * PER_PAGE, PER_PAGE, &m, &n, &total)) != STORE_OK)
		return page_render(r, "admin-media", view, 200);
	a = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(a, admin_media_item(r, &m[i]));
	json_object_set_new(view, "media", a);
	view_int(view, "total", total);
	if (page > 1)
		view_str(view, "prev", arena_printf(&r->arena,
		    "/admin/media/?page=%lld", (long long)page - 1));
	if (page * PER_PAGE < total)
		view_str(view, "next", arena_printf(&r->arena,
		    "/admin/media/?page=%lld", (long long)page + 1));
	if (error != NULL)
		view_str(view, "error", page_tr(r, error));
	if (done != NULL)
		view_str(view, "notice", page_tr(r, strcmp(done, "edit") == 0 ?
		    N_("The picture's text was saved.") : strcmp(done,
		    "delete") == 0 ? N_("The picture was deleted.") :
		    N_("The picture was added.")));
	return page_render(r, "admin-media", view, status);
}

int
admin_media(struct req *r, struct session *se)
{
	return media_page(r, se, NULL, 200);
}

/* 1 if alt will do as a picture's description (and Markdown's text). */
static int
alt_ok(const char *alt)
{
	return strlen(alt) <= 300 && utf8_valid(alt, strlen(alt)) &&
	    strpbrk(alt, "[]()") == NULL;
}

/* Sets item id's alt text and caption. */
static int
media_edit(struct req *r, struct session *se, struct form *in, int64_t id)
{
	const char	*alt = form_get(in, "alt", NULL, NULL);
	const char	*caption = form_get(in, "caption", NULL, NULL);
	int		 rc;

	if (!alt_ok(alt) || strlen(caption) > 1000 ||
	    !utf8_valid(caption, strlen(caption)))
		return media_page(r, se, N_("The description is at most 300"
		    " characters of text, without brackets; the caption at"
		    " most 1,000."), 422);
	rc = store_media_edit(r->conn, id, alt, caption);
	if (rc == STORE_NOTFOUND)
		return admin_refuse(r, se, 404,
		    N_("There is no such picture."));
	if (rc != STORE_OK)
		return page_error(r, rc == STORE_DOWN || rc == STORE_RETRY ?
		    503 : 500);
	return admin_back(r, "media", "done=edit");
}

/*
 * Removes the files of sizes[0..n) that nothing else shows now (a
 * comment's picture may be the same file: it stays), from either store.
 */
static void
drop_files(struct req *r, const struct media_size *sz, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		(void)media_remove(&r->site->media, r->conn, sz[i].hash);
}

/* The confirmation a used picture's deletion asks first. */
static int
media_confirm(struct req *r, struct session *se, const struct media *m,
    const struct post *users, size_t n)
{
	json_t	*view = admin_view(r, se, N_("Delete a picture")),
		*a = json_array();
	json_t	*o;
	size_t	 i;

	for (i = 0; i < n; i++) {
		o = json_object();
		view_str(o, "title", users[i].title);
		view_str(o, "type", admin_word(r, "post type",
		    users[i].type));
		view_str(o, "status", admin_word(r, "post status",
		    users[i].status));
		view_str(o, "edit", arena_printf(&r->arena, "/admin/%ss/?edit="
		    "%lld", users[i].type, (long long)users[i].id));
		json_array_append_new(a, o);
	}
	json_object_set_new(view, "confirm", admin_media_item(r, m));
	json_object_set_new(view, "users", a);
	return page_render(r, "admin-media", view, 409);
}

/*
 * Deletes item id, its rows and the files nothing else shows; when a
 * post uses it (featured, or in its text) and confirm is not set, asks
 * first, listing those posts.  Editors and admins only.
 */
static int
media_delete(struct req *r, struct session *se, int64_t id, int confirm)
{
	struct media		 m;
	struct media_size	*sz;
	struct post		*users;
	size_t			 nsz, nusers;
	int			 rc;

	if (auth_role_rank(se->user.role) < 2)
		return admin_refuse(r, se, 403, N_("Only editors and"
		    " administrators delete pictures."));
	if ((rc = store_media_get(r->conn, &r->arena, id, &m)) ==
	    STORE_NOTFOUND)
		return admin_refuse(r, se, 404,
		    N_("There is no such picture."));
	if (rc != STORE_OK || (rc = store_media_sizes(r->conn, &r->arena, id,
	    &sz, &nsz)) != STORE_OK || (rc = store_media_users(r->conn,
	    &r->arena, id, &users, &nusers)) != STORE_OK)
		goto fail;
	if (nusers > 0 && !confirm)
		return media_confirm(r, se, &m, users, nusers);
	if ((rc = store_begin(r->conn)) != STORE_OK)
		goto fail;
	if ((rc = store_media_delete(r->conn, id)) != STORE_OK) {
		store_rollback(r->conn);
		goto fail;
	}
	if ((rc = store_commit(r->conn)) != STORE_OK)
		goto fail;
	drop_files(r, sz, nsz);
	drop_files(r, &(struct media_size){ 0, m.width, m.height, m.hash,
	    m.mime, 0 }, 1);
	return admin_back(r, "media", "done=delete");
fail:
	return page_error(r, rc == STORE_DOWN || rc == STORE_RETRY ? 503 :
	    500);
}

int
admin_media_post(struct req *r, struct session *se, struct form *in)
{
	const char	*action = form_get(in, "action", NULL, NULL);
	int64_t		 item = strtoll(form_get(in, "id", NULL, NULL), NULL,
			    10);

	if (strcmp(action, "edit") == 0)
		return media_edit(r, se, in, item);
	if (strcmp(action, "delete") == 0 || strcmp(action, "delete_used") ==
	    0)
		return media_delete(r, se, item, strcmp(action, "delete_used") ==
		    0);
	return media_upload(r, se, in);
}

int
admin_media_store(struct req *r, struct form *in, const char *alt,
    int64_t *id, const char **why)
{
	const char	*data;
	struct image	 im;
	struct media	 m;
	struct media_size sizes[IMAGE_FILES_MAX];
	char		 msg[200];
	size_t		 len;
	int		 rc, too_long;

	*why = N_("The description is at most 300 characters of text,"
	    " without brackets.");
	if (!alt_ok(alt))
		return 422;
	data = form_get(in, "image", &len, &too_long);
	*why = N_("Choose a JPEG, PNG, GIF or WebP picture to upload.");
	if (!form_file(in, "image") || len == 0)
		return 422;
	*why = N_("The picture is too large: at most 8 MB.");
	if (too_long)
		return 413;
	/* Pinned until its row commits, as a comment's picture is. */
	rc = image_store(data, len, IMAGE_ANY | IMAGE_SIZES | IMAGE_PIN,
	    &r->site->media, r->conn, r->site->images, &im, msg, sizeof(msg));
	*why = arena_strdup(&r->arena, msg);
	if (rc == IMAGE_BUSY)
		r->retry_after = BUSY_RETRY;
	if (rc != IMAGE_OK)
		return rc == IMAGE_BUSY ? 503 : rc == IMAGE_FULL ? 507 :
		    rc == IMAGE_IO ? 500 : 422;
	library_item(&im, len, alt, &m, sizes);
	/* The item and its files' rows go in together. */
	if ((rc = store_begin(r->conn)) == STORE_OK) {
		if ((rc = store_media_add(r->conn, &m, id)) == STORE_OK)
			rc = store_commit(r->conn);
		else
			store_rollback(r->conn);
	}
	if (rc == STORE_OK) {
		image_unpin(&im);
		return 0;
	}
	/* Known already (STORE_CONFLICT): the files this upload made have no
	   row; the item's own files were there before, so stay. */
	image_discard(&r->site->media, r->conn, &im);
	if (rc == STORE_CONFLICT && (rc = store_media_by_hash(r->conn,
	    &r->arena, im.hash, &m)) == STORE_OK) {
		*id = m.id;
		return 0;
	}
	*why = N_("The site cannot save pictures right now; please try"
	    " again later.");
	/* Busy, not broken, as page_error said before: when to come back. */
	if (rc == STORE_FULL)
		r->retry_after = FULL_RETRY;
	else if (rc == STORE_DOWN || rc == STORE_RETRY)
		r->retry_after = BUSY_RETRY;
	return rc == STORE_DOWN || rc == STORE_RETRY || rc == STORE_FULL ?
	    503 : 500;
}

/* Stores an uploaded picture at every width, and its rows. */
static int
media_upload(struct req *r, struct session *se, struct form *in)
{
	const char	*alt = form_get(in, "alt", NULL, NULL), *why;
	int64_t		 id;
	int		 status;

	if ((status = admin_media_store(r, in, alt, &id, &why)) == 0)
		return admin_back(r, "media", "done=1");
	return media_page(r, se, why, status);
}
