/*
 * store_comment: the queries of readers' comments (see store.h), written
 * once for both engines (store_query.h): the write, the rules' facts,
 * the public thread, moderation's views and counts, retention, privacy.
 * No query that feeds a public page selects a commenter's email.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "arena.h"
#include "store_query.h"

/* The columns fill_comment reads; MOD_COLS adds moderation's. */
#define COMMENT_COLS "id, post_id, coalesce(parent_id, 0), author, url," \
	" content, status, created, vote_sum, vote_count, image, thumb," \
	" thumb_w, thumb_h, avatar, image_ext"
#define MOD_COLS COMMENT_COLS ", email, spam_score, spam_signals," \
	" spam_trained"

static void
fill_comment(struct arena *a, struct db_stmt *s, void *v)
{
	struct comment	*cm = v;

	cm->id = col_int(s, 0);
	cm->post_id = col_int(s, 1);
	cm->parent_id = col_int(s, 2);
	cm->author = col_text(a, s, 3);
	cm->url = col_text(a, s, 4);
	cm->content = col_text(a, s, 5);
	cm->status = col_text(a, s, 6);
	cm->created = col_int(s, 7);
	cm->vote_sum = col_int(s, 8);
	cm->vote_count = col_int(s, 9);
	cm->image = col_text(a, s, 10);
	cm->thumb = col_text(a, s, 11);
	cm->thumb_w = (int)col_int(s, 12);
	cm->thumb_h = (int)col_int(s, 13);
	cm->avatar = col_text(a, s, 14);
	cm->image_ext = col_text(a, s, 15);
	cm->spam_score = -1;
	cm->spam_signals = cm->spam_trained = "";
}

static void
fill_comment_email(struct arena *a, struct db_stmt *s, void *v)
{
	struct comment	*cm = v;

	fill_comment(a, s, v);
	cm->email = col_text(a, s, 16);
	cm->spam_score = col_real(s, 17);
	cm->spam_signals = col_text(a, s, 18);
	cm->spam_trained = col_text(a, s, 19);
}

/*
 * Threads (store_schema.c, step 10): an approved comment's thread is the
 * id of its thread's head, itself when its parent is not approved, and
 * each head's pos is its place among its post's heads by (created, id).
 * After a write that may change who is shown, thread_mark recomputes the
 * threads of the comment and everything below it, and notes in *from the
 * oldest (created, id) whose being a head changed; thread_number then
 * renumbers the heads from there on.  Both cost what they touch: the
 * subtree, and the heads from the oldest change on (a new comment is the
 * newest, so it renumbers itself only; an approval renumbers the threads
 * since the one approved, usually a few).
 */
struct thread_key {
	int	 set;
	int64_t	 created, id;
};

/*
 * The subtree of ?1 with each comment's thread as it should be.  A
 * parent on another post (imported data) counts as not shown.
 */
#define THREAD_CTE "WITH RECURSIVE t(id, post, head, depth) AS (SELECT" \
	" c.id, c.post_id, CASE WHEN c.status <> 'approved' THEN 0 ELSE" \
	" coalesce((SELECT nullif(u.thread, 0) FROM comments u WHERE" \
	" u.id = c.parent_id AND u.post_id = c.post_id), c.id) END, 0 FROM" \
	" comments c WHERE c.id = ?1 UNION ALL SELECT c.id, c.post_id," \
	" CASE WHEN c.status <> 'approved' THEN 0 WHEN t.head <> 0" \
	" THEN t.head ELSE c.id END, t.depth + 1 FROM comments c JOIN t ON" \
	" c.parent_id = t.id AND c.post_id = t.post WHERE t.depth < 100000) "

static void
thread_note(struct thread_key *k, int64_t created, int64_t id)
{
	if (!k->set || created < k->created ||
	    (created == k->created && id < k->id)) {
		k->set = 1;
		k->created = created;
		k->id = id;
	}
}

static int
thread_mark(struct store_conn *c, int64_t id, struct thread_key *from)
{
	struct db_stmt	*st;
	int		 rc;

	/* The comments that become, or stop being, a head. */
	st = q(c, THREAD_CTE "SELECT c.created, c.id FROM t JOIN comments c"
	    " ON c.id = t.id WHERE (c.thread = c.id) <> (t.head = c.id)"
	    " ORDER BY c.created, c.id LIMIT 1", "i", id);
	if (st == NULL)
		return STORE_ERROR;
	if ((rc = q_step(st)) == DB_ROW)
		thread_note(from, col_int(st, 0), col_int(st, 1));
	q_done(st);
	if (rc < 0)
		return -rc;
	return q_exec(q(c, THREAD_CTE "UPDATE comments SET thread = t.head,"
	    " pos = CASE WHEN t.head = comments.id THEN comments.pos ELSE 0"
	    " END FROM t WHERE t.id = comments.id AND (comments.thread <>"
	    " t.head OR comments.pos <> 0 AND t.head <> comments.id)", "i",
	    id));
}

static int
thread_number(struct store_conn *c, int64_t post, const struct thread_key *from)
{
	int64_t	 base;
	int	 rc;

	if (!from->set)
		return STORE_OK;
	/* The heads before the change keep their places. */
	rc = q_int(q(c, "SELECT pos FROM comments WHERE post_id = ?1 AND"
	    " pos > 0 AND (created < ?2 OR created = ?2 AND id < ?3)"
	    " ORDER BY created DESC, id DESC LIMIT 1", "iii", post,
	    from->created, from->id), &base);
	if (rc != STORE_OK && rc != STORE_NOTFOUND)
		return rc;
	return q_exec(q(c, "UPDATE comments SET pos = r.n FROM (SELECT id,"
	    " CAST(?4 AS BIGINT) + row_number() OVER (ORDER BY created, id)"
	    " AS n FROM comments WHERE post_id = ?1 AND status = 'approved'"
	    " AND thread = id AND (created > ?2 OR created = ?2 AND id >= ?3))"
	    " AS r WHERE r.id = comments.id AND comments.pos <> r.n", "iiii",
	    post, from->created, from->id, base));
}

/*
 * Holds the post's lock (the one a comment's batch takes) until the
 * transaction ends: two writers renumbering one post's heads from what
 * each read would leave gaps or twins on PostgreSQL.
 */
static int
thread_lock(struct store_conn *c, int64_t post)
{
	char	 key[32];

	snprintf(key, sizeof(key), "post:%lld", (long long)post);
	return store_lock(c, key);
}

/* thread_mark and thread_number for one comment of post. */
static int
rethread(struct store_conn *c, int64_t post, int64_t id)
{
	struct thread_key	 from = { 0, 0, 0 };
	int			 rc;

	if ((rc = thread_lock(c, post)) != STORE_OK ||
	    (rc = thread_mark(c, id, &from)) != STORE_OK)
		return rc;
	return thread_number(c, post, &from);
}

/*
 * A new approved comment with no threaded parent is a head: its own
 * thread, numbered after the post's heads.  Comments mostly come in
 * order (a reader's, an import's), so the usual case is one statement
 * that appends it, taking the next place when no head is newer; else it
 * is numbered from its own key, and the heads after it move down.
 */
static int
thread_head(struct store_conn *c, int64_t post, int64_t id, int64_t created)
{
	struct thread_key	 from = { 0, 0, 0 };
	int			 rc;

	rc = q_changed(q(c, "UPDATE comments SET thread = id, pos = 1 +"
	    " coalesce((SELECT max(x.pos) FROM comments x WHERE x.post_id ="
	    " ?1 AND x.pos > 0), 0) WHERE id = ?2 AND NOT EXISTS (SELECT 1"
	    " FROM comments y WHERE y.post_id = ?1 AND y.pos > 0 AND"
	    " (y.created > ?3 OR y.created = ?3 AND y.id > ?2)) RETURNING id",
	    "iii", post, id, created));
	if (rc != STORE_NOTFOUND)
		return rc;
	if ((rc = q_exec(q(c, "UPDATE comments SET thread = id WHERE id = ?1",
	    "i", id))) != STORE_OK)
		return rc;
	thread_note(&from, created, id);
	return thread_number(c, post, &from);
}

/*
 * The columns of a new comment, and its thread, in the INSERT itself:
 * it has no replies yet (parent_id is a foreign key), so an approved one
 * is in its parent's thread when the parent has one (what THREAD_CTE's
 * walk would find), else 0 here and a head by thread_head.
 */
#define COMMENT_INSERT(idcol, idval) "INSERT INTO comments (post_id," \
	" parent_id, author, email, url, content, status, created, ip_hash," \
	" user_agent, image, thumb, thumb_w, thumb_h, avatar, spam_score," \
	" spam_signals, image_ext, thread" idcol ") VALUES (?1, NULLIF(CAST(" \
	"?2 AS BIGINT), 0), ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13," \
	" ?14, ?15, ?16, ?17, ?18, CASE WHEN ?7 = 'approved' THEN coalesce(" \
	"(SELECT nullif(u.thread, 0) FROM comments u WHERE u.id = ?2 AND" \
	" u.post_id = ?1), 0) ELSE 0 END" idval ") RETURNING id, thread"

int
store_comment_add(struct store_conn *c, const struct comment *cm,
    int64_t *id)
{
	const char	*ext = cm->image_ext != NULL && *cm->image_ext != '\0' ?
			    cm->image_ext : "jpg";
	int		 approved = strcmp(cm->status, "approved") == 0;
	int64_t		 new = 0, thread = 0;
	struct db_stmt	*st;
	int		 rc;

	/* The post's heads are renumbered by one writer at a time. */
	if (approved && (rc = thread_lock(c, cm->post_id)) != STORE_OK)
		return rc;
	/* ?19 is the id an importer keeps, or 0 for the engine's own. */
	if (cm->id != 0)
		st = q(c, COMMENT_INSERT(", id", ", ?19"),
		    "iitttttittttnntrtti", cm->post_id, cm->parent_id,
		    cm->author, cm->email, cm->url, cm->content, cm->status,
		    cm->created, cm->ip_hash, cm->user_agent, cm->image,
		    cm->thumb, cm->thumb_w, cm->thumb_h, cm->avatar,
		    cm->spam_score, cm->spam_signals, ext, cm->id);
	else
		st = q(c, COMMENT_INSERT("", ""), "iitttttittttnntrtt",
		    cm->post_id, cm->parent_id, cm->author, cm->email, cm->url,
		    cm->content, cm->status, cm->created, cm->ip_hash,
		    cm->user_agent, cm->image, cm->thumb, cm->thumb_w,
		    cm->thumb_h, cm->avatar, cm->spam_score, cm->spam_signals,
		    ext);
	if (st == NULL)
		return STORE_ERROR;
	if ((rc = q_step(st)) == DB_ROW) {
		new = col_int(st, 0);
		thread = col_int(st, 1);
	}
	while (rc == DB_ROW)
		rc = q_step(st);
	q_done(st);
	if (rc < 0)
		return -rc;
	if (approved && thread == 0)
		rc = thread_head(c, cm->post_id, new, cm->created);
	else
		rc = STORE_OK;
	if (rc == STORE_OK && id != NULL)
		*id = new;
	return rc;
}

static void
fill_page_comment(struct arena *a, struct db_stmt *s, void *v)
{
	struct comment	*cm = v;

	fill_comment(a, s, v);
	cm->thread_size = col_int(s, 16);
}

#define STR(x) #x
#define XSTR(x) STR(x)

/*
 * By comments_by_thread (partial: each query says thread > 0), every
 * walk bounded: for each head of the range (h), its thread's
 * `replies`-th reply by (created, id), where the page's part of the
 * thread ends, found at an offset, and the thread's size counted up to
 * STORE_THREAD_COUNTED; then each head, and its replies up to that end,
 * a range of the index.  A thread's comments are on its head's post
 * (THREAD_CTE never takes a thread across posts), and asking for the
 * post here too would lead SQLite to read every comment of the post.
 */
/* Oldest first, by (created, id). */
static int
by_created(const void *a, const void *b)
{
	const struct comment	*x = a, *y = b;

	if (x->created != y->created)
		return x->created < y->created ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

#define PAGE_HEADS "WITH h AS MATERIALIZED (SELECT k.id AS hid, (SELECT" \
	" x.created FROM comments x WHERE x.thread = k.id AND x.thread > 0" \
	" AND x.id <> k.id ORDER BY x.created, x.id LIMIT 1 OFFSET ?5) AS" \
	" lc, (SELECT x.id FROM comments x WHERE x.thread = k.id AND" \
	" x.thread > 0 AND x.id <> k.id ORDER BY x.created, x.id LIMIT 1" \
	" OFFSET ?5) AS li, (SELECT count(*) FROM (SELECT 1 FROM comments x" \
	" WHERE x.thread = k.id AND x.thread > 0 LIMIT " \
	XSTR(STORE_THREAD_COUNTED) ") AS s) AS hsize FROM comments k" \
	" WHERE k.post_id = ?1 AND k.pos > 0 AND k.pos BETWEEN ?2 AND ?3) "

int
store_comments_page(struct store_conn *c, struct arena *a, int64_t post_id,
    int64_t first, int64_t last, int64_t replies, struct comment **out,
    size_t *n)
{
	int	 rc;

	/*
	 * No email column: this feeds public pages.  Sorted here, not by
	 * ORDER BY, which would copy every row, text and all, through a
	 * sorter.
	 */
	rc = q_many(q(c, PAGE_HEADS "SELECT " COMMENT_COLS ", h.hsize"
	    " FROM h JOIN comments ON id = h.hid UNION ALL SELECT "
	    COMMENT_COLS ", 0 FROM h JOIN comments ON thread = h.hid AND"
	    " thread > 0 AND id <> h.hid AND (created, id) <= (coalesce(h.lc,"
	    " 9223372036854775807), coalesce(h.li, 0)) WHERE ?4 > 0",
	    "iiiii", post_id, first, last, replies,
	    replies > 0 ? replies - 1 : 0), a, sizeof(**out),
	    fill_page_comment, (void **)out, n);
	if (rc == STORE_OK && *n > 1)
		qsort(*out, *n, sizeof(**out), by_created);
	return rc;
}

int
store_comment_thread(struct store_conn *c, struct arena *a, int64_t post_id,
    int64_t head, int64_t offset, int64_t limit, int64_t *pos,
    struct comment **out, size_t *n)
{
	int	 rc;

	*out = NULL;
	*n = 0;
	rc = q_int(q(c, "SELECT pos FROM comments WHERE id = ?1 AND"
	    " post_id = ?2 AND pos > 0", "ii", head, post_id), pos);
	if (rc == STORE_OK && *pos == 0)
		rc = STORE_NOTFOUND;
	if (rc != STORE_OK)
		return rc;
	return q_many(q(c, "SELECT " COMMENT_COLS " FROM comments WHERE"
	    " thread = ?1 AND thread > 0 ORDER BY created, id LIMIT ?3"
	    " OFFSET ?2", "iii", head, offset, limit), a, sizeof(**out),
	    fill_comment, (void **)out, n);
}

int
store_comment_threads(struct store_conn *c, int64_t post_id, int64_t *n)
{
	return q_int(q(c, "SELECT max(pos) FROM comments WHERE post_id = ?1"
	    " AND pos > 0", "i", post_id), n);
}

static void
fill_place(struct arena *a, struct db_stmt *s, void *v)
{
	struct comment_place	*pl = v;

	(void)a;
	pl->pos = col_int(s, 0);
	pl->head = col_int(s, 1);
	pl->rank = col_int(s, 2);
}

/*
 * k is the comment whose place counts: id itself once threaded, else its
 * parent (a held reply shows under it).
 */
int
store_comment_place(struct store_conn *c, int64_t id,
    struct comment_place *pl)
{
	int	 rc;

	memset(pl, 0, sizeof(*pl));
	rc = q_one(q(c, "SELECT h.pos, h.id, (SELECT count(*) FROM comments x"
	    " WHERE x.thread = h.id AND x.thread > 0 AND (x.created, x.id) <"
	    " (k.created, k.id)) FROM comments m JOIN comments k ON k.id ="
	    " CASE WHEN m.thread <> 0 THEN m.id ELSE m.parent_id END JOIN"
	    " comments h ON h.id = k.thread AND k.thread > 0 WHERE m.id = ?1",
	    "i", id), NULL, sizeof(*pl), fill_place, pl);
	return rc == STORE_NOTFOUND ? STORE_OK : rc;
}

int
store_comment_by_id(struct store_conn *c, struct arena *a, int64_t id,
    struct comment *out)
{
	return q_one(q(c, "SELECT " MOD_COLS " FROM comments WHERE id = ?1",
	    "i", id), a, sizeof(*out), fill_comment_email, out);
}

int
store_comments_list(struct store_conn *c, struct arena *a,
    const char *status, int64_t limit, struct comment **out, size_t *n)
{
	return q_many(q(c, "SELECT " MOD_COLS " FROM comments WHERE ?1 = ''"
	    " OR status = ?1 ORDER BY created DESC, id DESC LIMIT ?2", "ti",
	    status, limit), a, sizeof(**out), fill_comment_email,
	    (void **)out, n);
}

int
store_comments_of_post(struct store_conn *c, struct arena *a,
    int64_t post_id, struct comment **out, size_t *n)
{
	return q_many(q(c, "SELECT " MOD_COLS " FROM comments WHERE"
	    " post_id = ?1 ORDER BY id", "i", post_id), a, sizeof(**out),
	    fill_comment_email, (void **)out, n);
}

int
store_comment_moderate(struct store_conn *c, int64_t id, const char *status,
    const char *trained)
{
	int64_t	 post = 0;
	int	 rc;

	/*
	 * The post's lock before the UPDATE, as every writer of a comment
	 * takes it: the UPDATE's count trigger holds the post's row, and a
	 * new comment holds the lock while its INSERT waits for that row.
	 */
	if ((rc = q_int(q(c, "SELECT post_id FROM comments WHERE id = ?1",
	    "i", id), &post)) != STORE_OK)
		return rc;
	if (post == 0)
		return STORE_NOTFOUND;
	if ((rc = thread_lock(c, post)) != STORE_OK ||
	    (rc = q_changed(q(c, "UPDATE comments SET status = ?1,"
	    " spam_trained = ?2 WHERE id = ?3 RETURNING id", "tti", status,
	    trained, id))) != STORE_OK)
		return rc;
	return rethread(c, post, id);
}

int
store_comment_edit(struct store_conn *c, const struct comment *cm)
{
	return q_changed(q(c, "UPDATE comments SET author = ?1, email = ?2,"
	    " url = ?3, content = ?4 WHERE id = ?5 RETURNING id", "tttti",
	    cm->author, cm->email, cm->url, cm->content, cm->id));
}

int
store_comment_anonymise(struct store_conn *c, int64_t id)
{
	return q_changed(q(c, "UPDATE comments SET author = 'Anonymous',"
	    " email = '', url = '', ip_hash = '', user_agent = '',"
	    " avatar = '', spam_trained = '' WHERE id = ?1 RETURNING id", "i",
	    id));
}

int
store_comment_remove(struct store_conn *c, int64_t id)
{
	struct thread_key	 from = { 0, 0, 0 };
	struct db_stmt		*st;
	int64_t			 post = 0, *kids = NULL;
	size_t			 n = 0, cap = 0, i;
	int			 rc;

	if ((rc = q_int(q(c, "SELECT post_id FROM comments WHERE id = ?1",
	    "i", id), &post)) != STORE_OK)
		return rc;
	if (post == 0)
		return STORE_NOTFOUND;
	if ((rc = thread_lock(c, post)) != STORE_OK)
		return rc;
	/* Its replies move up to its parent, and their threads with them. */
	st = q(c, "UPDATE comments SET parent_id = (SELECT parent_id FROM"
	    " comments WHERE id = ?1) WHERE parent_id = ?1 RETURNING id", "i",
	    id);
	if (st == NULL)
		return STORE_ERROR;
	while ((rc = q_step(st)) == DB_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			kids = xrealloc(kids, cap * sizeof(*kids));
		}
		kids[n++] = col_int(st, 0);
	}
	q_done(st);
	if (rc < 0) {
		rc = -rc;
		goto out;
	}
	st = q(c, "DELETE FROM comments WHERE id = ?1 RETURNING post_id,"
	    " created, thread", "i", id);
	if (st == NULL) {
		rc = STORE_ERROR;
		goto out;
	}
	if ((rc = q_step(st)) == DB_ROW) {
		post = col_int(st, 0);
		if (col_int(st, 2) == id)	/* a head gone */
			thread_note(&from, col_int(st, 1), id);
	}
	q_done(st);
	if (rc < 0) {
		rc = -rc;
		goto out;
	}
	if (rc == DB_DONE) {
		rc = STORE_NOTFOUND;
		goto out;
	}
	rc = STORE_OK;
	for (i = 0; i < n && rc == STORE_OK; i++)
		rc = thread_mark(c, kids[i], &from);
	if (rc == STORE_OK)
		rc = thread_number(c, post, &from);
out:
	free(kids);
	return rc;
}

int
store_comment_facts(struct store_conn *c, const struct comment *cm,
    int64_t since, struct comment_facts *f)
{
	struct db_stmt	*s;
	int		 rc;

	memset(f, 0, sizeof(*f));
	/*
	 * Whether any, not how many: each stops at its first row, found by
	 * index (the text by comments_by_text's prefix), so a sender with
	 * thousands of comments costs what a new one does.  The text is
	 * compared as "content || ''": SQLite would otherwise put ?4 in
	 * place of content in the prefix's expression, which then no longer
	 * matches the index, and read every comment of the post.  The
	 * flood rule names every status, so that comments_by_ip_status
	 * (ip_hash, status, created) serves it with four probes; a sender
	 * seen in spam is found by comments_by_lower_email.
	 */
	s = q(c, "SELECT CASE WHEN EXISTS (SELECT 1 FROM comments WHERE"
	    " ip_hash = ?1 AND ?1 <> '' AND status IN ('approved', 'pending',"
	    " 'spam', 'trash') AND created >= ?2) THEN 1 ELSE 0 END,"
	    " CASE WHEN EXISTS (SELECT 1 FROM comments WHERE post_id = ?3 AND"
	    " substr(content, 1, 100) = substr(?4, 1, 100) AND"
	    " content || '' = ?4 AND (author = ?5 OR email = ?6) AND"
	    " status <> 'trash') THEN 1 ELSE 0 END, CASE WHEN EXISTS (SELECT 1"
	    " FROM comments WHERE lower(email) = lower(?6) AND author = ?5 AND"
	    " status = 'approved') THEN 1 ELSE 0 END, CASE WHEN EXISTS (SELECT"
	    " 1 FROM comments WHERE lower(email) = lower(?6) AND ?6 <> '' AND"
	    " status = 'spam') OR EXISTS"
	    " (SELECT 1 FROM comments WHERE ip_hash = ?1 AND ?1 <> '' AND"
	    " status = 'spam') THEN 1 ELSE 0 END", "tiittt",
	    cm->ip_hash, since, cm->post_id, cm->content, cm->author,
	    cm->email);
	if (s == NULL)
		return STORE_ERROR;
	if ((rc = q_step(s)) == DB_ROW) {
		f->recent_from_ip = col_int(s, 0);
		f->duplicates = col_int(s, 1);
		f->approved_by_email = col_int(s, 2);
		f->spam_before = col_int(s, 3);
	}
	q_done(s);
	return rc < 0 ? -rc : STORE_OK;
}

int
store_forget(struct store_conn *c, int64_t before, int64_t limit,
    int64_t *n)
{
	/*
	 * Each WHERE repeats its partial index's, so the index serves it.
	 * Each table is probed first: on PostgreSQL an UPDATE that changes
	 * no row still fires the statement trigger that bumps the data
	 * generation, and every node would render every page afresh each
	 * hour for nothing.
	 */
	static const char *const sql[][2] = {
		{ "SELECT count(*) FROM (SELECT 1 FROM comments WHERE"
		" created < ?1 AND (ip_hash <> '' OR user_agent <> '')"
		" LIMIT 1) due",
		"UPDATE comments SET ip_hash = '', user_agent = '' WHERE id IN"
		" (SELECT id FROM comments WHERE created < ?1 AND"
		" (ip_hash <> '' OR user_agent <> '') LIMIT ?2) RETURNING id" },
		{ "SELECT count(*) FROM (SELECT 1 FROM post_votes WHERE"
		" created < ?1 AND ip_hash <> '' LIMIT 1) due",
		"UPDATE post_votes SET ip_hash = '' WHERE (post_id, voter) IN"
		" (SELECT post_id, voter FROM post_votes WHERE created < ?1 AND"
		" ip_hash <> '' LIMIT ?2) RETURNING post_id" },
		{ "SELECT count(*) FROM (SELECT 1 FROM comment_votes WHERE"
		" created < ?1 AND ip_hash <> '' LIMIT 1) due",
		"UPDATE comment_votes SET ip_hash = '' WHERE (comment_id, voter)"
		" IN (SELECT comment_id, voter FROM comment_votes WHERE"
		" created < ?1 AND ip_hash <> '' LIMIT ?2) RETURNING comment_id" },
	};
	int64_t	 due, rows;
	size_t	 i;
	int	 rc = STORE_OK;

	*n = 0;
	for (i = 0; i < sizeof(sql) / sizeof(sql[0]) && rc == STORE_OK; i++)
		if ((rc = q_int(q(c, sql[i][0], "i", before), &due)) ==
		    STORE_OK && due > 0 && (rc = q_rows(q(c, sql[i][1], "ii",
		    before, limit), &rows)) == STORE_OK && rows > *n)
			*n = rows;
	return rc;
}

static void
fill_found(struct arena *a, struct db_stmt *s, void *v)
{
	struct comment	*cm = v;

	fill_comment_email(a, s, v);
	cm->post_title = col_text(a, s, 20);
	cm->post_slug = col_text(a, s, 21);
	cm->post_published = col_int(s, 22);
	cm->post_author = col_int(s, 23);
	cm->parent_author = col_text(a, s, 24);
	cm->parent_text = col_text(a, s, 25);
}

/* What fill_found reads, in its order (pc: the parent, LEFT JOINed). */
#define FOUND_COLS "c.id, c.post_id, coalesce(c.parent_id, 0), c.author," \
	" c.url, c.content, c.status, c.created, c.vote_sum, c.vote_count," \
	" c.image, c.thumb, c.thumb_w, c.thumb_h, c.avatar, c.image_ext," \
	" c.email, c.spam_score, c.spam_signals, c.spam_trained, p.title," \
	" p.slug, p.published, p.author_id, coalesce(pc.author, '')," \
	" coalesce(substr(pc.content, 1, 300), '')"

/*
 * The filter of comments_find, shared by its page and its count.  "Has
 * ?3 in it" is asked as replace() changing the text, which both engines
 * have (SQLite's instr is PostgreSQL's strpos).
 */
#define FIND_WHERE " FROM comments c JOIN posts p ON p.id = c.post_id" \
	" LEFT JOIN comments pc ON pc.id = c.parent_id" \
	" WHERE (CAST(?1 AS TEXT) IS NULL AND c.status <> 'trash' OR" \
	" c.status = ?1) AND (CAST(?2 AS BIGINT) = 0 OR p.author_id = ?2)" \
	" AND (?3 = '' OR replace(lower(c.content), lower(?3), '') <>" \
	" lower(c.content) OR replace(lower(c.author), lower(?3), '') <>" \
	" lower(c.author) OR replace(lower(c.email), lower(?3), '') <>" \
	" lower(c.email))"

int
store_comments_find(struct store_conn *c, struct arena *a,
    const struct comment_query *cq, struct comment **out, size_t *n,
    int64_t *total)
{
	int	 rc;

	rc = q_int(q(c, "SELECT count(*)" FIND_WHERE, "zit", cq->status,
	    cq->author_id, cq->q), total);
	if (rc != STORE_OK)
		return rc;
	return q_many(q(c, "SELECT " FOUND_COLS FIND_WHERE " ORDER BY"
	    " c.created DESC, c.id DESC LIMIT ?5 OFFSET ?4", "zitii",
	    cq->status, cq->author_id, cq->q,
	    cq->offset, cq->limit), a, sizeof(**out), fill_found,
	    (void **)out, n);
}

static void
fill_history(struct arena *a, struct db_stmt *s, void *v)
{
	struct comment_history	*h = v;

	(void)a;
	h->email_approved = col_int(s, 0);
	h->email_spam = col_int(s, 1);
	h->ip_approved = col_int(s, 2);
	h->ip_spam = col_int(s, 3);
}

/* Other comments of c's sender (by KEY) with status ST. */
#define HISTORY(key, st) "(SELECT count(*) FROM comments h WHERE " key \
	" AND h.status = '" st "' AND h.id <> c.id)"
#define BY_EMAIL "lower(h.email) = lower(c.email) AND c.email <> ''"
#define BY_IP "h.ip_hash = c.ip_hash AND c.ip_hash <> ''"

int
store_comment_history(struct store_conn *c, int64_t id,
    struct comment_history *h)
{
	memset(h, 0, sizeof(*h));
	return q_one(q(c, "SELECT " HISTORY(BY_EMAIL, "approved") ", "
	    HISTORY(BY_EMAIL, "spam") ", " HISTORY(BY_IP, "approved") ", "
	    HISTORY(BY_IP, "spam") " FROM comments c WHERE c.id = ?1", "i",
	    id), NULL, sizeof(*h), fill_history, h);
}

/* A comment whose picture file COL is ?1, approved (OP "=") or not. */
#define PIC(col, op) "EXISTS (SELECT 1 FROM comments WHERE " col " = ?1" \
	" AND " col " <> '' AND status " op " 'approved')"

int
store_picture_held(struct store_conn *c, const char *hash, int *held)
{
	int64_t	 n = 0;
	int	 rc;

	/*
	 * Each EXISTS one probe of an index (the "<> ''" names the partial
	 * index's condition, which a bound ?1 cannot prove).
	 */
	rc = q_int(q(c, "SELECT CASE WHEN (" PIC("image", "<>") " OR "
	    PIC("thumb", "<>") ") AND NOT (" PIC("image", "=") " OR "
	    PIC("thumb", "=") " OR EXISTS (SELECT 1 FROM media WHERE hash ="
	    " ?1) OR EXISTS (SELECT 1 FROM media_sizes WHERE hash = ?1)) THEN"
	    " 1 ELSE 0 END", "t", hash), &n);
	*held = n == 1;
	return rc;
}

int
store_comments_latest(struct store_conn *c, struct arena *a,
    const char *status, int64_t author_id, int64_t limit,
    struct comment **out, size_t *n)
{
	return q_many(q(c, "SELECT " FOUND_COLS " FROM comments c JOIN posts p"
	    " ON p.id = c.post_id LEFT JOIN comments pc ON pc.id ="
	    " c.parent_id WHERE c.status = ?1 AND (CAST(?2 AS BIGINT)"
	    " = 0 OR p.author_id = ?2) ORDER BY c.created DESC, c.id DESC"
	    " LIMIT ?3", "tii", status, author_id, limit), a, sizeof(**out),
	    fill_found, (void **)out, n);
}

int
store_comment_tally(struct store_conn *c, int64_t author_id, int64_t cap,
    int64_t counts[4])
{
	static const char *const st[4] = { "approved", "pending", "spam",
	    "trash" };
	int	 i, rc = STORE_OK;

	for (i = 0; i < 4 && rc == STORE_OK; i++)
		rc = q_int(q(c, "SELECT count(*) FROM (SELECT 1 FROM comments c"
		    " JOIN posts p ON p.id = c.post_id WHERE c.status = ?1 AND"
		    " (CAST(?2 AS BIGINT) = 0 OR p.author_id = ?2) LIMIT ?3) t",
		    "tii", st[i], author_id, cap), &counts[i]);
	return rc;
}

int
store_comment_counts(struct store_conn *c, int64_t author_id,
    int64_t counts[4])
{
	static const char *const st[4] = { "approved", "pending", "spam",
	    "trash" };
	struct db_stmt	*s;
	const char	*k;
	int		 i, rc;

	memset(counts, 0, 4 * sizeof(*counts));
	s = q(c, "SELECT c.status, count(*) FROM comments c JOIN posts p ON"
	    " p.id = c.post_id WHERE CAST(?1 AS BIGINT) = 0 OR p.author_id ="
	    " ?1 GROUP BY c.status", "i", author_id);
	if (s == NULL)
		return STORE_ERROR;
	while ((rc = q_step(s)) == DB_ROW) {
		k = col_str(s, 0);
		for (i = 0; i < 4; i++)
			if (strcmp(k, st[i]) == 0)
				counts[i] = col_int(s, 1);
	}
	q_done(s);
	return rc < 0 ? -rc : STORE_OK;
}

/* Adds each row of s (day, status, count) to days[0..ndays). */
static int
daily_comments(struct db_stmt *s, int ndays, struct day_counts *days)
{
	const char	*k;
	int64_t		 d, n;
	int		 rc;

	if (s == NULL)
		return STORE_ERROR;
	while ((rc = q_step(s)) == DB_ROW) {
		d = col_int(s, 0);
		k = col_str(s, 1);
		n = col_int(s, 2);
		if (d < 0 || d >= ndays)
			continue;
		if (strcmp(k, "approved") == 0)
			days[d].approved += n;
		else if (strcmp(k, "pending") == 0)
			days[d].pending += n;
		else if (strcmp(k, "spam") == 0)
			days[d].spam += n;
	}
	q_done(s);
	return rc < 0 ? -rc : STORE_OK;
}

int
store_daily(struct store_conn *c, int64_t since, int ndays,
    struct day_counts *days)
{
	struct db_stmt	*s;
	int64_t		 d;
	int		 rc;

	memset(days, 0, (size_t)ndays * sizeof(*days));
	/* Status first, so (status, created) reads only these days. */
	rc = daily_comments(q(c, "SELECT (created - ?1) / 86400, status,"
	    " count(*) FROM comments WHERE status IN ('approved', 'pending',"
	    " 'spam') AND created >= ?1 GROUP BY 1, 2", "i", since), ndays,
	    days);
	if (rc != STORE_OK)
		return rc;
	s = q(c, "SELECT d, count(*) FROM (SELECT (created - ?1) / 86400 AS d"
	    " FROM post_votes WHERE created >= ?1 UNION ALL SELECT (created -"
	    " ?1) / 86400 FROM comment_votes WHERE created >= ?1) v GROUP BY d",
	    "i", since);
	if (s == NULL)
		return STORE_ERROR;
	while ((rc = q_step(s)) == DB_ROW)
		if ((d = col_int(s, 0)) >= 0 && d < ndays)
			days[d].votes = col_int(s, 1);
	q_done(s);
	return rc < 0 ? -rc : STORE_OK;
}

static void
fill_whole(struct arena *a, struct db_stmt *s, void *v)
{
	struct comment	*cm = v;

	fill_comment_email(a, s, v);
	cm->ip_hash_out = col_text(a, s, 20);
	cm->user_agent_out = col_text(a, s, 21);
}

int
store_privacy_comments(struct store_conn *c, struct arena *a,
    const char *email, struct comment **out, size_t *n)
{
	return q_many(q(c, "SELECT " MOD_COLS ", ip_hash, user_agent FROM"
	    " comments WHERE lower(email) = lower(?1) ORDER BY created, id",
	    "t", email), a, sizeof(**out), fill_whole, (void **)out, n);
}

int
store_image_uses(struct store_conn *c, const char *hash, int64_t *n)
{
	return q_int(q(c, "SELECT (SELECT count(*) FROM comments WHERE"
	    " image = ?1 OR thumb = ?1) + (SELECT count(*) FROM media WHERE"
	    " hash = ?1) + (SELECT count(*) FROM media_sizes WHERE"
	    " hash = ?1)", "t", hash), n);
}

static void
fill_recent(struct arena *a, struct db_stmt *s, void *v)
{
	struct comment	*cm = v;

	fill_comment(a, s, v);
	cm->post_title = col_text(a, s, 16);
	cm->post_slug = col_text(a, s, 17);
	cm->post_published = col_int(s, 18);
	cm->post_type = col_text(a, s, 19);
}

/* The columns fill_recent reads, of c (comments) and p (posts). */
#define RECENT_COLS "SELECT c.id, c.post_id, coalesce(c.parent_id, 0)," \
	" c.author, c.url, c.content, c.status, c.created, c.vote_sum," \
	" c.vote_count, c.image, c.thumb, c.thumb_w, c.thumb_h, c.avatar," \
	" c.image_ext, p.title, p.slug, p.published, p.type" \
	" FROM comments c JOIN posts p ON p.id = c.post_id"

int
store_comments_recent(struct store_conn *c, struct arena *a, int64_t post_id,
    int64_t now, int64_t limit, struct comment **out, size_t *n)
{
	/*
	 * One post's: comments_by_post (post_id, status, created); every
	 * post's: comments_by_status (status, created, id), walked from
	 * the newest, its posts looked up by id.
	 */
	if (post_id != 0)
		return q_many(q(c, RECENT_COLS " WHERE c.post_id = ?1 AND"
		    " c.status = 'approved' AND p.status = 'publish' AND"
		    " p.published <= ?2 ORDER BY c.created DESC, c.id DESC"
		    " LIMIT ?3", "iii", post_id, now, limit), a,
		    sizeof(**out), fill_recent, (void **)out, n);
	return q_many(q(c, RECENT_COLS " WHERE c.status = 'approved' AND"
	    " p.status = 'publish' AND p.published <= ?1 ORDER BY"
	    " c.created DESC, c.id DESC LIMIT ?2", "ii", now, limit), a,
	    sizeof(**out), fill_recent, (void **)out, n);
}
