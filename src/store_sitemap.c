/*
 * store_sitemap: what the sitemaps list (see store.h), written once for
 * both engines.  Each kind's rows are taken by ranges of its primary
 * key, so a sitemap's page is one range scan however large the site.
 */
#include <stddef.h>

#include "arena.h"
#include "store_query.h"

/* Each kind's table, and its rows in (?1, ?2] with ?3 its filter. */
static const struct {
	const char	*page;
	const char	*arg;		/* ?3 */
} kinds[] = {
	[SITEMAP_POSTS] = {
	    "SELECT id, slug, published, modified FROM posts WHERE id > ?1"
	    " AND id <= ?2 AND type = ?3 AND status = 'publish' AND"
	    " published <= ?4 ORDER BY id LIMIT ?5", "post" },
	[SITEMAP_PAGES] = {
	    "SELECT id, slug, published, modified FROM posts WHERE id > ?1"
	    " AND id <= ?2 AND type = ?3 AND status = 'publish' AND"
	    " published <= ?4 ORDER BY id LIMIT ?5", "page" },
	[SITEMAP_CATEGORIES] = {
	    "SELECT t.id, t.slug, 0, 0 FROM terms t WHERE t.id > ?1 AND"
	    " t.id <= ?2 AND t.taxonomy = ?3 AND EXISTS (SELECT 1 FROM"
	    " post_terms pt JOIN posts p ON p.id = pt.post_id WHERE"
	    " pt.term_id = t.id AND p.type = 'post' AND p.status = 'publish'"
	    " AND p.published <= ?4) ORDER BY t.id LIMIT ?5", "category" },
	[SITEMAP_TAGS] = {
	    "SELECT t.id, t.slug, 0, 0 FROM terms t WHERE t.id > ?1 AND"
	    " t.id <= ?2 AND t.taxonomy = ?3 AND EXISTS (SELECT 1 FROM"
	    " post_terms pt JOIN posts p ON p.id = pt.post_id WHERE"
	    " pt.term_id = t.id AND p.type = 'post' AND p.status = 'publish'"
	    " AND p.published <= ?4) ORDER BY t.id LIMIT ?5", "tag" },
	[SITEMAP_USERS] = {
	    "SELECT u.id, u.slug, 0, 0 FROM users u WHERE u.id > ?1 AND"
	    " u.id <= ?2 AND ?3 <> '' AND EXISTS (SELECT 1 FROM posts p"
	    " WHERE p.author_id = u.id AND p.type = 'post' AND"
	    " p.status = 'publish' AND p.published <= ?4) ORDER BY u.id"
	    " LIMIT ?5", "author" },
};

static void
fill_entry(struct arena *a, struct db_stmt *s, void *v)
{
	struct sitemap_entry	*e = v;

	e->id = col_int(s, 0);
	e->slug = col_text(a, s, 1);
	e->published = col_int(s, 2);
	e->modified = col_int(s, 3);
}

int
store_sitemap_page(struct store_conn *c, struct arena *a,
    enum sitemap_kind k, int64_t lo, int64_t hi, int64_t now, int64_t limit,
    struct sitemap_entry **out, size_t *n)
{
	return q_many(q(c, kinds[k].page, "iitii", lo, hi, kinds[k].arg, now,
	    limit), a, sizeof(**out), fill_entry, (void **)out, n);
}
