/*
 * store_search: full-text search over posts and pages (see store.h),
 * the one place that owns it: what differs between the engines is all
 * here, each engine's statement beside the other's.  Both find the
 * query's terms (search.h builds each engine's syntax from tokens; the
 * reader's text never reaches MATCH or to_tsquery as it was typed) in
 * the title, the excerpt and the body's text (posts.search_text), rank
 * a title's match above an excerpt's above the body's, and cut a
 * snippet around the matches with control characters for marks, so
 * that escaping comes after (html_marked).
 *
 * SQLite: the FTS5 table posts_fts over posts (migration 16); ORDER BY
 * rank (bm25, weighted) is consumed by FTS5 itself, so snippet() runs
 * only for the rows of the page.  PostgreSQL: posts.search_vec @@ the
 * query under its GIN index, ranked by ts_rank in a subquery that keeps
 * the page's rows only, so ts_headline runs only for those.
 */
#include <stddef.h>

#include "arena.h"
#include "store_query.h"

/*
 * Which posts: a reader's (f->status NULL: published, out by now), or
 * the admin's (any status but the trash, or one status), of a type, an
 * author, a category; as ?2 to ?6 in both engines' statements.
 */
#define SEARCH_WHERE " AND (CAST(?2 AS TEXT) IS NULL AND" \
	" p.status = 'publish' AND p.published <= ?3 OR ?2 = '' AND" \
	" p.status <> 'trash' OR p.status = ?2) AND (CAST(?4 AS TEXT) IS" \
	" NULL OR p.type = ?4) AND (CAST(?5 AS BIGINT) = 0 OR" \
	" p.author_id = ?5) AND (CAST(?6 AS BIGINT) = 0 OR EXISTS (SELECT" \
	" 1 FROM post_terms t WHERE t.post_id = p.id AND t.term_id = ?6))"

#define HIT_COLS "p.id, p.type, p.slug, p.title, p.status, p.published," \
	" p.modified, p.author_id, u.name, u.slug"

/* SQLite: the marks, and at most 24 words around them. */
#define FTS5_SNIPPET "snippet(posts_fts, 2, char(1), char(2)," \
	" '\xe2\x80\xa6', 24)"

/* PostgreSQL: the same marks; about as many words, in two fragments. */
#define PG_HEADLINE "ts_headline('simple', coalesce(p.search_text, '')," \
	" h.q, 'StartSel=' || chr(1) || ', StopSel=' || chr(2) ||" \
	" ', MaxWords=24, MinWords=10, ShortWord=2, MaxFragments=2," \
	" FragmentDelimiter=\" \xe2\x80\xa6 \"')"

static void
fill_hit(struct arena *a, struct db_stmt *s, void *v)
{
	struct search_hit	*h = v;

	h->id = col_int(s, 0);
	h->type = col_text(a, s, 1);
	h->slug = col_text(a, s, 2);
	h->title = col_text(a, s, 3);
	h->status = col_text(a, s, 4);
	h->published = col_int(s, 5);
	h->modified = col_int(s, 6);
	h->author_id = col_int(s, 7);
	h->author_name = col_text(a, s, 8);
	h->author_slug = col_text(a, s, 9);
	h->snippet = col_text(a, s, 10);
}

int
store_search(struct store_conn *c, struct arena *a,
    const struct search_find *f, struct search_hit **out, size_t *n)
{
	struct db_stmt	*s;

	if (q_engine(c) == DB_PG)
		s = q(c, "SELECT " HIT_COLS ", " PG_HEADLINE " FROM (SELECT"
		    " p.id, ts_rank(p.search_vec, q) AS r, q FROM posts p,"
		    " to_tsquery('simple', ?1) q WHERE p.search_vec @@ q"
		    SEARCH_WHERE " ORDER BY r DESC, p.published DESC, p.id"
		    " DESC LIMIT ?8 OFFSET ?7) h JOIN posts p ON p.id = h.id"
		    " JOIN users u ON u.id = p.author_id ORDER BY h.r DESC,"
		    " p.published DESC, p.id DESC", "tziziiii", f->tsquery,
		    f->status, f->now, f->type, f->author_id, f->term_id,
		    f->offset, f->limit);
	else
		s = q(c, "SELECT " HIT_COLS ", " FTS5_SNIPPET " FROM posts_fts"
		    " JOIN posts p ON p.id = posts_fts.rowid JOIN users u ON"
		    " u.id = p.author_id WHERE posts_fts MATCH ?1" SEARCH_WHERE
		    " ORDER BY rank LIMIT ?8 OFFSET ?7", "tziziiii", f->fts5,
		    f->status, f->now, f->type, f->author_id, f->term_id,
		    f->offset, f->limit);
	return q_many(s, a, sizeof(**out), fill_hit, (void **)out, n);
}

int
store_search_count(struct store_conn *c, const struct search_find *f,
    int64_t *n)
{
	if (q_engine(c) == DB_PG)
		return q_int(q(c, "SELECT count(*) FROM posts p WHERE"
		    " p.search_vec @@ to_tsquery('simple', ?1)" SEARCH_WHERE,
		    "tzizii", f->tsquery, f->status, f->now, f->type,
		    f->author_id, f->term_id), n);
	return q_int(q(c, "SELECT count(*) FROM posts_fts JOIN posts p ON"
	    " p.id = posts_fts.rowid WHERE posts_fts MATCH ?1" SEARCH_WHERE,
	    "tzizii", f->fts5, f->status, f->now, f->type, f->author_id,
	    f->term_id), n);
}

static void
fill_pending(struct arena *a, struct db_stmt *s, void *v)
{
	struct post	*p = v;

	p->id = col_int(s, 0);
	p->format = col_text(a, s, 1);
	p->body = col_text(a, s, 2);
	p->filtered = (int)col_int(s, 3);
}

int
store_search_pending(struct store_conn *c, struct arena *a, int64_t limit,
    struct post **out, size_t *n)
{
	/* Found by the partial index of migration 16. */
	return q_many(q(c, "SELECT id, format, body, filtered FROM posts"
	    " WHERE search_text IS NULL ORDER BY id LIMIT ?1", "i", limit), a,
	    sizeof(**out), fill_pending, (void **)out, n);
}

int
store_search_text_set(struct store_conn *c, int64_t id, const char *text)
{
	return q_changed(q(c, "UPDATE posts SET search_text = ?2 WHERE"
	    " id = ?1 RETURNING id", "it", id, text));
}
