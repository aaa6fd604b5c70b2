/*
 * store_post: the queries of posts and pages, their terms (categories
 * and tags) and their revisions (see store.h), written once for both
 * engines (store_query.h).  A parameter that PostgreSQL could not type
 * from its place is CAST, which SQLite reads too.
 */
#include <stddef.h>

#include "arena.h"
#include "store_menu.h"
#include "store_query.h"

/* The columns fill_post reads, with the author and approved comments. */
#define POST_COLS "p.id, p.type, p.slug, p.title, p.status, p.author_id," \
	" u.name, u.slug, p.published, p.modified, p.format, p.body," \
	" p.excerpt, p.source_name, p.source_url, p.comments_open," \
	" p.rating_sum, p.rating_count, p.comment_count, p.filtered," \
	" coalesce(p.featured_media, 0), p.featured_alt" \
	" FROM posts p JOIN users u ON u.id = p.author_id"

static void
fill_post(struct arena *a, struct db_stmt *s, void *v)
{
	struct post	*p = v;

	p->id = col_int(s, 0);
	p->type = col_text(a, s, 1);
	p->slug = col_text(a, s, 2);
	p->title = col_text(a, s, 3);
	p->status = col_text(a, s, 4);
	p->author_id = col_int(s, 5);
	p->author_name = col_text(a, s, 6);
	p->author_slug = col_text(a, s, 7);
	p->published = col_int(s, 8);
	p->modified = col_int(s, 9);
	p->format = col_text(a, s, 10);
	p->body = col_text(a, s, 11);
	p->excerpt = col_text(a, s, 12);
	p->source_name = col_text(a, s, 13);
	p->source_url = col_text(a, s, 14);
	p->comments_open = (int)col_int(s, 15);
	p->rating_sum = col_int(s, 16);
	p->rating_count = col_int(s, 17);
	p->comment_count = col_int(s, 18);
	p->filtered = (int)col_int(s, 19);
	p->featured_media = col_int(s, 20);
	p->featured_alt = col_text(a, s, 21);
}

/* With an id of the caller's (an importer's), or the engine's own. */
int
store_post_add(struct store_conn *c, const struct post *p, int64_t *id)
{
	/* ?19 is the id an importer keeps, or 0 for the engine's own. */
	if (p->id != 0)
		return q_insert(q(c, "INSERT INTO posts (type, slug, title,"
		    " status, author_id, published, modified, format, body,"
		    " excerpt, source_name, source_url, comments_open,"
		    " filtered, sticky, parent_id, featured_media,"
		    " featured_alt, id, search_text) VALUES (?1, ?2, ?3, ?4,"
		    " ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15,"
		    " NULLIF(CAST(?16 AS BIGINT), 0), NULLIF(CAST(?17 AS"
		    " BIGINT), 0), ?18, ?19, ?20) RETURNING id",
		    "ttttiiitttttnnniitiz", p->type, p->slug,
		    p->title, p->status, p->author_id, p->published,
		    p->modified, p->format, p->body, p->excerpt,
		    p->source_name, p->source_url, p->comments_open,
		    p->filtered, p->sticky, p->parent_id, p->featured_media,
		    p->featured_alt, p->id, p->search_text), id);
	return q_insert(q(c, "INSERT INTO posts (type, slug, title, status,"
	    " author_id, published, modified, format, body, excerpt,"
	    " source_name, source_url, comments_open, filtered, sticky,"
	    " parent_id, featured_media, featured_alt, search_text) VALUES"
	    " (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14,"
	    " ?15, NULLIF(CAST(?16 AS BIGINT), 0), NULLIF(CAST(?17 AS"
	    " BIGINT), 0), ?18, ?19) RETURNING id", "ttttiiitttttnnniitz",
	    p->type, p->slug, p->title, p->status, p->author_id,
	    p->published, p->modified, p->format, p->body, p->excerpt,
	    p->source_name, p->source_url, p->comments_open, p->filtered,
	    p->sticky, p->parent_id, p->featured_media, p->featured_alt,
	    p->search_text), id);
}

int
store_post_update(struct store_conn *c, const struct post *p)
{
	return q_changed(q(c, "UPDATE posts SET slug = ?1, title = ?2,"
	    " status = ?3, author_id = ?4, published = ?5, modified = ?6,"
	    " format = ?7, body = ?8, excerpt = ?9, source_name = ?10,"
	    " source_url = ?11, comments_open = ?12, filtered = ?13,"
	    " featured_media = NULLIF(CAST(?15 AS BIGINT), 0),"
	    " featured_alt = ?16, search_text = ?17 WHERE id = ?14"
	    " RETURNING id", "tttiiitttttnniitz", p->slug, p->title,
	    p->status, p->author_id, p->published, p->modified, p->format,
	    p->body, p->excerpt, p->source_name, p->source_url,
	    p->comments_open, p->filtered, p->id, p->featured_media,
	    p->featured_alt, p->search_text));
}

int
store_post_by_slug(struct store_conn *c, struct arena *a, const char *type,
    const char *slug, struct post *out)
{
	return q_one(q(c, "SELECT " POST_COLS " WHERE p.type = ?1 AND"
	    " p.slug = ?2 AND p.status = 'publish'", "tt", type, slug), a,
	    sizeof(*out), fill_post, out);
}

int
store_post_by_id(struct store_conn *c, struct arena *a, int64_t id,
    struct post *out)
{
	return q_one(q(c, "SELECT " POST_COLS " WHERE p.id = ?1 AND"
	    " p.status = 'publish'", "i", id), a, sizeof(*out), fill_post,
	    out);
}

int
store_post_get(struct store_conn *c, struct arena *a, int64_t id,
    struct post *out)
{
	return q_one(q(c, "SELECT " POST_COLS " WHERE p.id = ?1", "i", id), a,
	    sizeof(*out), fill_post, out);
}

/*
 * A page of published posts: the ids first, from an index alone (the
 * posts' by date, or a term's links, or an author's posts), then the
 * columns of those ids only.  An OFFSET over whole rows read and joined
 * every row it skipped: the last of 1,000 pages of posts cost 3.5 times
 * the first.  A term's pages start from its links (SQLite joins in the
 * order written after CROSS JOIN), not from every post.
 */
#define POSTS_WHERE " WHERE p.type = ?1 AND p.status = 'publish'" \
	" AND p.published <= ?2 AND p.published >= ?5 AND" \
	" (CAST(?3 AS BIGINT) = 0 OR p.author_id = ?3)"
#define TERM_FROM " FROM post_terms pt CROSS JOIN posts p" POSTS_WHERE \
	" AND pt.term_id = ?4 AND p.id = pt.post_id"
#define POSTS_PAGE(ids) "SELECT " POST_COLS " WHERE p.id IN (" ids \
	" ORDER BY p.published DESC, p.id DESC LIMIT ?6 OFFSET ?7)" \
	" ORDER BY p.published DESC, p.id DESC"

int
store_posts_list(struct store_conn *c, struct arena *a,
    const struct post_query *pq, struct post **out, size_t *n,
    int64_t *total)
{
	struct db_stmt	*s;
	const char	*sql;
	int		 rc;

	if (pq->term_id != 0)
		rc = q_int(q(c, "SELECT count(*)" TERM_FROM, "tiiii", pq->type,
		    pq->now, pq->author_id, pq->term_id, pq->from), total);
	else
		rc = q_int(q(c, "SELECT count(*) FROM posts p" POSTS_WHERE
		    " AND ?4 = 0", "tiiii", pq->type, pq->now, pq->author_id,
		    (int64_t)0, pq->from), total);
	if (rc != STORE_OK)
		return rc;
	/*
	 * One argument list for the three: the home page's names ?3 and ?4
	 * only so that every parameter has a type on PostgreSQL.
	 */
	sql = pq->term_id != 0 ? POSTS_PAGE("SELECT p.id" TERM_FROM) :
	    pq->author_id != 0 ? POSTS_PAGE("SELECT p.id FROM posts p"
	    POSTS_WHERE " AND ?4 = 0") :
	    POSTS_PAGE("SELECT id FROM posts p WHERE type = ?1 AND"
	    " status = 'publish' AND published <= ?2 AND published >= ?5"
	    " AND ?3 = 0 AND ?4 = 0");
	s = q(c, sql, "tiiiiii", pq->type, pq->now, pq->author_id,
	    pq->term_id, pq->from, pq->limit, pq->offset);
	return q_many(s, a, sizeof(**out), fill_post, (void **)out, n);
}

#define POSTS_FIND_WHERE " WHERE p.type = ?1 AND (CAST(?2 AS TEXT) IS NULL" \
	" AND p.status <> 'trash' OR p.status = ?2) AND (CAST(?3 AS BIGINT)" \
	" = 0 OR p.author_id = ?3) AND (CAST(?4 AS BIGINT) = 0 OR EXISTS" \
	" (SELECT 1 FROM post_terms t WHERE t.post_id = p.id AND" \
	" t.term_id = ?4))"

int
store_posts_find(struct store_conn *c, struct arena *a,
    const struct post_filter *f, struct post **out, size_t *n,
    int64_t *total)
{
	int	 rc;

	rc = q_int(q(c, "SELECT count(*) FROM posts p" POSTS_FIND_WHERE,
	    "tzii", f->type, f->status, f->author_id, f->term_id), total);
	if (rc != STORE_OK)
		return rc;
	return q_many(q(c, "SELECT " POST_COLS POSTS_FIND_WHERE " ORDER BY"
	    " p.modified DESC, p.id DESC LIMIT ?6 OFFSET ?5", "tziiii",
	    f->type, f->status, f->author_id, f->term_id, f->offset,
	    f->limit), a, sizeof(**out), fill_post, (void **)out, n);
}

int
store_post_delete(struct store_conn *c, int64_t id)
{
	int	 rc;

	if ((rc = store_menu_lift(c, 0, id, 0)) != STORE_OK)
		return rc;
	/*
	 * Comments, votes, terms, revisions and menu items go by ON DELETE
	 * CASCADE.
	 */
	return q_changed(q(c, "DELETE FROM posts WHERE id = ?1 RETURNING id",
	    "i", id));
}

int
store_slug_taken(struct store_conn *c, const char *type, const char *slug,
    int64_t except, int *taken)
{
	int64_t	 n;
	int	 rc;

	rc = q_int(q(c, "SELECT count(*) FROM posts WHERE type = ?1 AND"
	    " slug = ?2 AND id <> ?3", "tti", type, slug, except), &n);
	*taken = n > 0;
	return rc;
}

int
store_drafts_latest(struct store_conn *c, struct arena *a, int64_t author_id,
    int64_t limit, struct post **out, size_t *n)
{
	return q_many(q(c, "SELECT " POST_COLS " WHERE p.author_id = ?1 AND"
	    " p.status = 'draft' ORDER BY p.modified DESC, p.id DESC LIMIT ?2",
	    "ii", author_id, limit), a, sizeof(**out), fill_post, (void **)out,
	    n);
}

int
store_scheduled_due(struct store_conn *c, int64_t after, int64_t upto,
    int64_t *n)
{
	return q_int(q(c, "SELECT count(*) FROM posts WHERE status ="
	    " 'publish' AND published > ?1 AND published <= ?2", "ii", after,
	    upto), n);
}

#define TERM_COLS "t.id, t.taxonomy, t.slug, t.name," \
	" coalesce(t.parent_id, 0), t.description"

static void
fill_term(struct arena *a, struct db_stmt *s, void *v)
{
	struct term	*t = v;

	t->id = col_int(s, 0);
	t->taxonomy = col_text(a, s, 1);
	t->slug = col_text(a, s, 2);
	t->name = col_text(a, s, 3);
	t->parent_id = col_int(s, 4);
	t->description = col_text(a, s, 5);
}

static void
fill_term_count(struct arena *a, struct db_stmt *s, void *v)
{
	fill_term(a, s, v);
	((struct term *)v)->count = col_int(s, 6);
}

int
store_term_add(struct store_conn *c, const struct term *t, int64_t *id)
{
	if (t->id != 0)
		return q_insert(q(c, "INSERT INTO terms (taxonomy, slug, name,"
		    " parent_id, description, id) VALUES (?1, ?2, ?3,"
		    " NULLIF(CAST(?4 AS BIGINT), 0), ?5, ?6) RETURNING id",
		    "tttiti", t->taxonomy, t->slug, t->name, t->parent_id,
		    t->description, t->id), id);
	return q_insert(q(c, "INSERT INTO terms (taxonomy, slug, name,"
	    " parent_id, description) VALUES (?1, ?2, ?3, NULLIF(CAST(?4 AS"
	    " BIGINT), 0), ?5) RETURNING id", "tttit", t->taxonomy, t->slug,
	    t->name, t->parent_id, t->description), id);
}

int
store_term_get(struct store_conn *c, struct arena *a, int64_t id,
    struct term *out)
{
	return q_one(q(c, "SELECT " TERM_COLS " FROM terms t WHERE t.id = ?1",
	    "i", id), a, sizeof(*out), fill_term, out);
}

int
store_term_by_slug(struct store_conn *c, struct arena *a,
    const char *taxonomy, const char *slug, struct term *out)
{
	return q_one(q(c, "SELECT " TERM_COLS " FROM terms t WHERE"
	    " t.taxonomy = ?1 AND t.slug = ?2", "tt", taxonomy, slug), a,
	    sizeof(*out), fill_term, out);
}

int
store_term_update(struct store_conn *c, const struct term *t)
{
	return q_changed(q(c, "UPDATE terms SET name = ?1, slug = ?2,"
	    " parent_id = NULLIF(CAST(?3 AS BIGINT), 0), description = ?4"
	    " WHERE id = ?5 RETURNING id", "ttiti", t->name, t->slug,
	    t->parent_id, t->description, t->id));
}

int
store_term_delete(struct store_conn *c, int64_t id)
{
	int	 rc;

	/* Its children move up to its parent. */
	rc = q_exec(q(c, "UPDATE terms SET parent_id = (SELECT parent_id"
	    " FROM terms WHERE id = ?1) WHERE parent_id = ?1", "i", id));
	if (rc == STORE_OK)
		rc = store_menu_lift(c, 0, 0, id);
	if (rc != STORE_OK)
		return rc;
	return q_changed(q(c, "DELETE FROM terms WHERE id = ?1 RETURNING id",
	    "i", id));
}

int
store_term_merge(struct store_conn *c, int64_t from, int64_t into)
{
	int	 rc;

	rc = q_exec(q(c, "UPDATE post_terms SET term_id = ?2 WHERE"
	    " term_id = ?1 AND post_id NOT IN (SELECT post_id FROM post_terms"
	    " WHERE term_id = ?2)", "ii", from, into));
	/* Its menu items follow its posts, not the term to the grave. */
	if (rc == STORE_OK)
		rc = q_exec(q(c, "UPDATE menu_items SET term_id = ?2 WHERE"
		    " term_id = ?1 AND kind = (SELECT taxonomy FROM terms"
		    " WHERE id = ?2)", "ii", from, into));
	if (rc != STORE_OK)
		return rc;
	return store_term_delete(c, from);
}

int
store_terms_list(struct store_conn *c, struct arena *a, const char *taxonomy,
    struct term **out, size_t *n)
{
	return q_many(q(c, "SELECT " TERM_COLS ", (SELECT count(*) FROM"
	    " post_terms pt WHERE pt.term_id = t.id) FROM terms t WHERE"
	    " t.taxonomy = ?1 ORDER BY t.name, t.id", "t", taxonomy), a,
	    sizeof(**out), fill_term_count, (void **)out, n);
}

int
store_post_term_add(struct store_conn *c, int64_t post_id, int64_t term_id)
{
	return q_exec(q(c, "INSERT INTO post_terms (post_id, term_id,"
	    " position) VALUES (?1, ?2, (SELECT coalesce(max(position), 0) +"
	    " 1 FROM post_terms WHERE post_id = ?1))", "ii", post_id,
	    term_id));
}

int
store_post_terms(struct store_conn *c, struct arena *a, int64_t post_id,
    struct term **out, size_t *n)
{
	return q_many(q(c, "SELECT " TERM_COLS " FROM terms t JOIN post_terms"
	    " pt ON pt.term_id = t.id WHERE pt.post_id = ?1 ORDER BY"
	    " t.taxonomy, pt.position", "i", post_id), a, sizeof(**out),
	    fill_term, (void **)out, n);
}

int
store_post_terms_clear(struct store_conn *c, int64_t post_id)
{
	return q_exec(q(c, "DELETE FROM post_terms WHERE post_id = ?1", "i",
	    post_id));
}

static void
fill_revision(struct arena *a, struct db_stmt *s, void *v)
{
	struct revision	*rv = v;

	rv->id = col_int(s, 0);
	rv->post_id = col_int(s, 1);
	rv->title = col_text(a, s, 2);
	rv->body = col_text(a, s, 3);
	rv->excerpt = col_text(a, s, 4);
	rv->format = col_text(a, s, 5);
	rv->created = col_int(s, 6);
	rv->author_id = col_int(s, 7);
	rv->author_name = col_text(a, s, 8);
}

int
store_revision_add(struct store_conn *c, const struct revision *rv,
    int64_t *id)
{
	return q_insert(q(c, "INSERT INTO post_revisions (post_id, title,"
	    " body, excerpt, format, created, author_id) VALUES (?1, ?2, ?3,"
	    " ?4, ?5, ?6, ?7) RETURNING id", "ittttii", rv->post_id,
	    rv->title, rv->body, rv->excerpt, rv->format, rv->created,
	    rv->author_id), id);
}

int
store_revisions_list(struct store_conn *c, struct arena *a, int64_t post_id,
    struct revision **out, size_t *n)
{
	return q_many(q(c, "SELECT r.id, r.post_id, r.title, r.body,"
	    " r.excerpt, r.format, r.created, r.author_id, u.name FROM"
	    " post_revisions r JOIN users u ON u.id = r.author_id WHERE"
	    " r.post_id = ?1 AND r.autosave = 0 ORDER BY r.created DESC,"
	    " r.id DESC", "i",
	    post_id), a, sizeof(**out), fill_revision, (void **)out, n);
}

int
store_autosave_put(struct store_conn *c, const struct revision *rv)
{
	return q_exec(q(c, "INSERT INTO post_revisions (post_id, title, body,"
	    " excerpt, format, created, author_id, autosave) VALUES (?1, ?2,"
	    " ?3, ?4, ?5, ?6, ?7, 1) ON CONFLICT (post_id, author_id) WHERE"
	    " autosave = 1 DO UPDATE SET title = ?2, body = ?3, excerpt = ?4,"
	    " format = ?5, created = ?6", "ittttii", rv->post_id, rv->title,
	    rv->body, rv->excerpt, rv->format, rv->created, rv->author_id));
}

int
store_autosave_get(struct store_conn *c, struct arena *a, int64_t post_id,
    int64_t author_id, struct revision *out)
{
	return q_one(q(c, "SELECT r.id, r.post_id, r.title, r.body,"
	    " r.excerpt, r.format, r.created, r.author_id, u.name FROM"
	    " post_revisions r JOIN users u ON u.id = r.author_id WHERE"
	    " r.post_id = ?1 AND r.author_id = ?2 AND r.autosave = 1", "ii",
	    post_id, author_id), a, sizeof(*out), fill_revision, out);
}

int
store_autosave_clear(struct store_conn *c, int64_t post_id,
    int64_t author_id)
{
	return q_exec(q(c, "DELETE FROM post_revisions WHERE post_id = ?1 AND"
	    " author_id = ?2 AND autosave = 1", "ii", post_id, author_id));
}

int
store_post_parent_set(struct store_conn *c, int64_t id, int64_t parent)
{
	return q_changed(q(c, "UPDATE posts SET parent_id = NULLIF(CAST(?2 AS"
	    " BIGINT), 0) WHERE id = ?1 RETURNING id", "ii", id, parent));
}
