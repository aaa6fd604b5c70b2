/*
 * post: see post.h.  Every change runs inside the caller's transaction,
 * so a post is never stored half (the slug taken, the revision kept, the
 * terms linked), and an importer can make a whole site one transaction.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "body.h"
#include "buf.h"
#include "env.h"
#include "moderation.h"
#include "post.h"
#include "slug.h"
#include "site.h"
#include "store.h"
#include "url.h"

/* A slug for p unique among its type: typed or from the title, -2... */
static const char *
unique_slug(const struct env *e, const struct post *p, int64_t except,
    int *rc)
{
	char		*base = *p->slug != '\0' ? strdup(p->slug) :
	    slug_from_title(p->title);
	const char	*s;
	int		 taken = 1, n;

	if (*base == '\0') {
		free(base);
		base = strdup("untitled");
	}
	s = arena_strdup(e->arena, base);
	for (n = 2; n < 1000; n++) {
		if ((*rc = store_slug_taken(e->conn, p->type, s, except,
		    &taken)) != STORE_OK || !taken)
			break;
		s = arena_printf(e->arena, "%.190s-%d", base, n);
	}
	free(base);
	return s;
}

/* The id of term t (made if new and named); 0 if it has neither. */
static int
term_id(const struct env *e, const struct post_term *t, int64_t *id)
{
	struct term	 found, add;
	char		*slug = t->slug != NULL && *t->slug != '\0' ?
	    strdup(t->slug) : slug_from_title(t->name);
	int		 rc = STORE_OK;

	*id = 0;
	if (*slug != '\0' && (rc = store_term_by_slug(e->conn, e->arena,
	    t->taxonomy, slug, &found)) == STORE_OK)
		*id = found.id;
	else if (rc == STORE_NOTFOUND && *t->name != '\0') {
		memset(&add, 0, sizeof(add));
		add.taxonomy = (char *)t->taxonomy;
		add.slug = slug;
		add.name = (char *)t->name;
		add.description = "";
		rc = store_term_add(e->conn, &add, id);
	} else if (rc == STORE_NOTFOUND)
		rc = STORE_OK;
	free(slug);
	return rc;
}

static int
set_terms(const struct env *e, int64_t post, const struct post_term *t,
    size_t n)
{
	int64_t	 id;
	size_t	 i;
	int	 rc;

	if ((rc = store_post_terms_clear(e->conn, post)) != STORE_OK)
		return rc;
	for (i = 0; i < n; i++) {
		if ((rc = term_id(e, &t[i], &id)) != STORE_OK)
			return rc;
		/* The same term twice is linked once. */
		if (id != 0 && (rc = store_post_term_add(e->conn, post, id)) !=
		    STORE_OK && rc != STORE_CONFLICT)
			return rc;
	}
	return STORE_OK;
}

/* Keeps what an edit of old by editor_id replaces. */
static int
keep_revision(const struct env *e, const struct post *old, int64_t editor_id)
{
	struct revision	 rv;

	memset(&rv, 0, sizeof(rv));
	rv.post_id = old->id;
	rv.title = old->title;
	rv.body = old->body;
	rv.excerpt = old->excerpt;
	rv.format = old->format;
	rv.created = e->now;
	rv.author_id = editor_id;
	return store_revision_add(e->conn, &rv, NULL);
}

/* The path a published post or page is read at. */
static void
path_of(const struct env *e, struct buf *b, const struct post *p)
{
	if (strcmp(p->type, "page") == 0)
		url_page(b, p->slug);
	else
		url_post(b, site_zone(e->site, e->set), p->published, p->slug);
}

/*
 * A published post whose address changes (its slug, or an article's
 * month) leaves its old path in the redirect table, so old links keep
 * working.  Every old path names the post, not the path after it, so a
 * chain of changes is one hop from any of them.  A published post's own
 * path is no one's old path any more: it wins, even once it is gone.
 * old is NULL for a new post.
 */
static int
keep_old_path(const struct env *e, const struct post *old,
    const struct post *p)
{
	struct buf	 was, now;
	int		 rc = STORE_OK;

	if (strcmp(p->status, "publish") != 0 && (old == NULL ||
	    strcmp(old->status, "publish") != 0))
		return STORE_OK;
	buf_init(&was);
	buf_init(&now);
	path_of(e, &now, p);
	if (old != NULL && strcmp(old->status, "publish") == 0)
		path_of(e, &was, old);
	if (was.data != NULL && strcmp(was.data, now.data) != 0)
		rc = store_redirect_add(e->conn, was.data, old->id, 0, 1);
	/* Scheduled, the old path still leads on until it is out. */
	if (rc == STORE_OK && strcmp(p->status, "publish") == 0 &&
	    p->published <= e->now)
		rc = store_redirect_drop(e->conn, now.data);
	buf_reset(&was);
	buf_reset(&now);
	return rc;
}

/*
 * The most of a body's text search indexes: PostgreSQL's tsvector holds
 * at most 1 MB, and a reader's snippet needs no more.
 */
#define SEARCH_TEXT_MAX	(100 * 1024)

/* The text search indexes for p (body_text), in e's arena. */
static char *
search_text(const struct env *e, const struct post *p)
{
	enum body_format	 fmt;
	struct buf		 b;
	char			*t;

	if (body_format_parse(p->format, &fmt) == -1)
		return arena_strdup(e->arena, "");
	buf_init(&b);
	body_text(&b, p->body, strlen(p->body), fmt, p->filtered,
	    SEARCH_TEXT_MAX);
	t = arena_strndup(e->arena, b.data != NULL ? b.data : "", b.len);
	buf_reset(&b);
	return t;
}

int
post_save(const struct env *e, const struct post *in, const struct post *old,
    const struct post_term *terms, size_t n, int64_t editor_id, int64_t *id)
{
	struct post	 p = *in;
	int		 rc;

	p.id = old != NULL ? old->id : in->id;	/* an importer's, if free */
	p.search_text = search_text(e, in);
	p.slug = (char *)unique_slug(e, in, p.id, &rc);
	if (rc != STORE_OK)
		return rc;
	if ((rc = keep_old_path(e, old, &p)) != STORE_OK)
		return rc;
	if (old != NULL) {
		if ((rc = keep_revision(e, old, editor_id)) != STORE_OK ||
		    (rc = store_post_update(e->conn, &p)) != STORE_OK)
			return rc;
		*id = old->id;
	} else if ((rc = store_post_add(e->conn, &p, id)) != STORE_OK)
		return rc;
	return terms != NULL ? set_terms(e, *id, terms, n) : STORE_OK;
}

int
post_date_floats(const struct post *p)
{
	return strcmp(p->status, "publish") != 0 &&
	    p->published == p->modified;
}

int
post_move(const struct env *e, const struct post *old, const char *status)
{
	struct post	 p = *old;

	p.status = (char *)status;
	p.modified = e->now;
	if (post_date_floats(old))
		p.published = e->now;
	p.search_text = search_text(e, old);
	return store_post_update(e->conn, &p);
}

int
post_index(const struct env *e, int64_t *n)
{
	struct post	*p;
	size_t		 got, i;
	int		 rc;

	*n = 0;
	if ((rc = store_search_pending(e->conn, e->arena, 100, &p, &got)) !=
	    STORE_OK)
		return rc;
	for (i = 0; i < got; i++) {
		rc = store_search_text_set(e->conn, p[i].id,
		    search_text(e, &p[i]));
		if (rc != STORE_OK && rc != STORE_NOTFOUND)
			return rc;
	}
	*n = (int64_t)got;
	return STORE_OK;
}

int
post_delete(const struct env *e, int64_t id)
{
	struct comment	*cm;
	size_t		 n, i;
	int		 rc;

	if ((rc = store_comments_of_post(e->conn, e->arena, id, &cm, &n)) !=
	    STORE_OK)
		return rc;
	for (i = 0; i < n; i++)
		if ((rc = moderation_forget(e->conn, e->arena, &cm[i])) !=
		    STORE_OK)
			return rc;
	return store_post_delete(e->conn, id);
}
