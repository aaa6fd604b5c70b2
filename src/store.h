/*
 * store: the storage interface.  Every operation is written once, with
 * its SQL, grouped by noun (store_post.c, store_comment.c, store_vote.c,
 * store_user.c, store_spam.c, store_site.c), over a thin driver (db.h)
 * of which there are two: SQLite (db_sqlite.c) and PostgreSQL
 * (db_pg.c), picked by the URI in galley.conf.
 *
 * A struct store is a pool of connections shared by every thread; a
 * request takes one struct store_conn for its whole life (store_conn_get)
 * and gives it back when it completes (store_conn_put), so a request's
 * statements, and any transaction, run on one connection.
 *
 * Results are copied into the caller's arena: strings and arrays in the
 * structs below stay valid until that arena is freed.  Reader-facing
 * results never carry a commenter's email: no query that feeds a page
 * selects it.
 */
#ifndef GALLEY_STORE_H
#define GALLEY_STORE_H

#include <stddef.h>
#include <stdint.h>

struct arena;

enum store_rc {
	STORE_OK = 0,
	STORE_NOTFOUND,		/* no such row */
	STORE_CONFLICT,		/* a unique key already holds that value */
	STORE_RETRY,		/* busy or serialisation failure: try again */
	STORE_DOWN,		/* the database cannot be reached */
	STORE_ERROR,		/* anything else; logged where detected */
	STORE_FULL		/* the disk (or quota) is full: try later */
};

struct user {
	int64_t	 id;
	char	*slug;
	char	*name;
	char	*url;
	char	*bio;
	char	*role;		/* admin, editor, author */
	char	*email;		/* user_add input; read back only by the
				   account queries (user_by_email, users_list) */
	char	*pass_hash;	/* argon2id string (auth.h); user_by_email only */
};

/* A signed-in session and its user (store_session_get). */
struct session {
	int64_t		 created;
	int64_t		 seen;
	struct user	 user;
};

/* Which comments comments_find returns, newest first. */
struct comment_query {
	const char	*status;	/* NULL: any but trash */
	const char	*q;		/* NULL or "": any text */
	int64_t		 author_id;	/* 0: any post; else that author's */
	int64_t		 offset;
	int64_t		 limit;
};

/* One stored setting (store_settings_all). */
struct setting_value {
	char	*key;
	char	*value;
};

/* One day of the dashboard's chart. */
struct day_counts {
	int64_t	 approved;
	int64_t	 pending;
	int64_t	 spam;
	int64_t	 votes;
};

struct post {
	int64_t	 id;		/* store_post_add, post_save (new): 0, or
				   the id wanted (an importer's; free) */
	char	*type;		/* "post" or "page" */
	char	*slug;
	char	*title;
	char	*status;	/* publish, draft, pending, private, trash */
	int64_t	 author_id;
	char	*author_name;	/* results only */
	char	*author_slug;	/* results only */
	int64_t	 published;	/* Unix seconds, UTC */
	int64_t	 modified;
	char	*format;	/* "markdown" or "html" */
	char	*body;
	char	*excerpt;	/* may be "" */
	char	*source_name;	/* "Courtesy of"; may be "" */
	char	*source_url;
	int	 comments_open;
	int	 filtered;	/* saved by an author: rendered through kses */
	int	 sticky;	/* WordPress's sticky flag (imported) */
	int64_t	 parent_id;	/* a page's parent page; 0: none */
	int64_t	 rating_sum;	/* results only: aggregates of post votes */
	int64_t	 rating_count;
	int64_t	 comment_count;	/* results only: approved comments */
	int64_t	 featured_media;	/* media id of its picture; 0: none */
	char	*featured_alt;	/* the picture's alt text; may be "" */
	char	*search_text;	/* store_post_add, _update: the body as
				   search reads it (post.c); NULL: not
				   made yet (post_index makes it) */
};

struct term {
	int64_t	 id;		/* store_term_add: 0, or the id wanted */
	char	*taxonomy;	/* "category" or "tag" */
	char	*slug;
	char	*name;
	int64_t	 parent_id;	/* 0: none */
	char	*description;
	int64_t	 count;		/* terms_list only: posts linked */
};

struct comment {
	int64_t	 id;		/* store_comment_add: 0, or the id wanted */
	int64_t	 post_id;
	int64_t	 parent_id;	/* 0: top level */
	char	*author;
	char	*email;		/* comment_add input; moderation reads only */
	char	*url;
	char	*content;
	char	*status;	/* approved, pending, spam, trash */
	int64_t	 created;
	char	*ip_hash;	/* only in comment_add input: keyed hash, hex */
	char	*user_agent;	/* only in comment_add input */
	char	*image;		/* hash of the attached picture, or "" */
	char	*thumb;		/* hash of its thumbnail, or "" */
	char	*image_ext;	/* both files' extension: "jpg" (NULL or ""
				   adds "jpg"), "png", "webp" */
	char	*avatar;	/* avatar key (avatar.h), or "" */
	int	 thumb_w;
	int	 thumb_h;
	int64_t	 vote_sum;	/* results only */
	int64_t	 vote_count;
	int64_t	 thread_size;	/* comments_page only: a head's thread's
				   comments, head included, counted up to
				   STORE_THREAD_COUNTED at most; else 0 */
	char	*post_title;	/* comments_find only: the post's title, */
	char	*post_slug;	/* slug and date, for its link */
	int64_t	 post_published;
	char	*post_type;	/* comments_recent only: "post", "page" */
	char	*parent_author;	/* comments_find only: the parent's writer */
	char	*parent_text;	/* and its first 300 bytes ("" if none) */
	int64_t	 post_author;
	double	 spam_score;	/* the filter's score, -1 if none */
	char	*spam_signals;	/* the signals that fired, comma-separated */
	char	*spam_trained;	/* results only: "", "ham" or "spam" */
	char	*ip_hash_out;	/* privacy_comments only: as stored */
	char	*user_agent_out;
};

/* A reader's vote, and what came of it (store_vote_cast). */
struct vote {
	int		 comment;	/* 0: a post's stars; 1: a comment's thumbs */
	int64_t		 item;
	const char	*voter;		/* the voter key ("" if unused) */
	const char	*ip_hash;	/* keyed IP hash ("" if unused) */
	int		 value;		/* 1..scale, or -1/+1 */
	int64_t		 when;
	int64_t		 since;		/* an IP hash counts from here on */
	int		 allow_change;	/* a repeat replaces the old value */
	/* Results. */
	int		 repeat;	/* this voter had voted already */
	int64_t		 sum;		/* the item's tally afterwards */
	int64_t		 count;
};

/* What the comment rules need to know about a new comment: 1 or 0. */
struct comment_facts {
	int64_t	 recent_from_ip;	/* a comment from its IP hash since */
	int64_t	 duplicates;		/* the same text by the same person */
	int64_t	 approved_by_email;	/* an approved comment with this name
					   and email (in any case) */
	int64_t	 spam_before;		/* a comment in spam from this email
					   or IP hash */
};

/* One stored file of a media item: HASH.EXT, EXT from its mime. */
struct media_size {
	int64_t	 media_id;	/* store_media_find's results only */
	int	 width;
	int	 height;
	char	*hash;
	char	*mime;
	int64_t	 old_id;	/* store_media_find's: the WordPress id
				   of old[] it was imported as, or 0 */
};

struct media {
	int64_t	 id;
	char	*hash;		/* hex content hash: the display copy */
	char	*mime;		/* the display copy's */
	int	 width;
	int	 height;
	int64_t	 bytes;
	char	*alt;
	char	*caption;	/* may be "" */
	int64_t	 created;	/* results only */
	struct media_size *sizes;	/* store_media_add's input only */
	size_t	 nsizes;
};

/*
 * A picture's bytes kept in the database (media_store = db; media.c):
 * one stored file, named by the hex SHA-256 of its bytes.
 */
struct media_blob {
	char	*hash;
	char	*mime;
	int64_t	 size;
	void	*data;		/* store_blob_get only: xmalloc'd, the
				   caller frees it */
};

/* Which posts posts_list returns. */
struct post_query {
	const char	*type;		/* "post" or "page" */
	int64_t		 term_id;	/* 0: any */
	int64_t		 author_id;	/* 0: any */
	int64_t		 from;		/* only published at or after */
	int64_t		 now;		/* only published at or before */
	int64_t		 offset;
	int64_t		 limit;
};

/* Which posts posts_find returns (the admin's lists), newest first. */
struct post_filter {
	const char	*type;		/* "post" or "page" */
	const char	*status;	/* NULL: any but trash */
	int64_t		 author_id;	/* 0: any */
	int64_t		 term_id;	/* 0: any */
	int64_t		 offset;
	int64_t		 limit;
};

/* An earlier version of a post, kept when it was edited. */
struct revision {
	int64_t	 id;
	int64_t	 post_id;
	char	*title;
	char	*body;
	char	*excerpt;
	char	*format;
	int64_t	 created;	/* when it was replaced */
	int64_t	 author_id;	/* who replaced it */
	char	*author_name;	/* results only */
};

/* One line of the privacy log. */
struct privacy_entry {
	int64_t	 created;
	char	*user_name;	/* who acted (results only) */
	char	*action;	/* export, anonymise, remove */
	char	*subject;	/* keyed hash of the email */
	int64_t	 items;
	int64_t	 user_id;
};

struct store;
struct store_conn;
struct spam_count;

/*
 * The operations, grouped by noun, each written once (store_*.c) over
 * the driver (db.h).  Each returns an enum store_rc; lists return an
 * arena array in *out with its length in *n (NULL, 0 if none).  Each
 * takes the connection the request holds (store_conn_get).
 */

/*
 * Returns 1 if several nodes may share the database (PostgreSQL), 0 if
 * one process alone serves it (SQLite).
 */
int	store_shared(const struct store *);

/* Current data generation: changes on every committed write. */
int	store_generation(struct store_conn *, int64_t *gen);
int	store_begin(struct store_conn *);
int	store_commit(struct store_conn *);
int	store_rollback(struct store_conn *);
/*
 * Reads that belong together, seen as of one moment: on SQLite in one
 * transaction, which checks the connection's page cache once instead of
 * at every statement (a busy site's commits would drop it each time);
 * on PostgreSQL nothing.  No write in between.
 */
int	store_read_begin(struct store_conn *);
/*
 * For a command about to write a great many rows in one transaction on
 * c (an import): SQLite keeps more of them in memory; PostgreSQL
 * nothing.
 */
int	store_bulk(struct store_conn *);
int	store_read_end(struct store_conn *);
/*
 * Inside a transaction, one item of a batch: store_savepoint marks where
 * it starts; store_savepoint_keep keeps what it wrote, and
 * store_savepoint_undo takes back what it wrote (and the locks it took),
 * leaving the rest of the transaction as it was.  Not nested.
 */
int	store_savepoint(struct store_conn *);
int	store_savepoint_keep(struct store_conn *);
int	store_savepoint_undo(struct store_conn *);

/* Settings: small site-wide key/value pairs. */
int	store_setting_get(struct store_conn *, struct arena *,
	    const char *key, char **val);
/* Every stored setting, in no order. */
int	store_settings_all(struct store_conn *, struct arena *,
	    struct setting_value **out, size_t *n);
int	store_setting_set(struct store_conn *, const char *key,
	    const char *val);

int	store_user_add(struct store_conn *, const struct user *,
	    int64_t *id);
int	store_user_by_slug(struct store_conn *, struct arena *,
	    const char *slug, struct user *out);
int	store_user_by_id(struct store_conn *, struct arena *,
	    int64_t id, struct user *out);

int	store_post_add(struct store_conn *, const struct post *,
	    int64_t *id);
/* A published post or page of the given type by slug. */
int	store_post_by_slug(struct store_conn *, struct arena *,
	    const char *type, const char *slug, struct post *out);
/* Published posts, newest first; *total counts all that match. */
int	store_posts_list(struct store_conn *, struct arena *,
	    const struct post_query *, struct post **out, size_t *n,
	    int64_t *total);

int	store_term_add(struct store_conn *, const struct term *,
	    int64_t *id);
int	store_term_by_slug(struct store_conn *, struct arena *,
	    const char *taxonomy, const char *slug, struct term *out);
/* Links a post to a term; terms list in the order linked. */
int	store_post_term_add(struct store_conn *, int64_t post_id,
	    int64_t term_id);
int	store_post_terms(struct store_conn *, struct arena *,
	    int64_t post_id, struct term **out, size_t *n);

int	store_comment_add(struct store_conn *, const struct comment *,
	    int64_t *id);
/*
 * The threads whose heads hold places first to last among the post's
 * heads (store_comment.c: a head is a top-level comment, or a reply
 * whose parent is not shown), each cut to its head and first `replies`
 * replies by (created, id) (a set that holds every shown one's parent,
 * a parent being older than its replies), oldest first by (created,
 * id); each head with its thread_size.  Each costs the same on a post
 * of any size, however long its threads.
 */
#define STORE_THREAD_COUNTED 1001
int	store_comments_page(struct store_conn *, struct arena *,
	    int64_t post_id, int64_t first, int64_t last, int64_t replies,
	    struct comment **out, size_t *n);
/* How many threads the post shows: the place of its last head. */
int	store_comment_threads(struct store_conn *, int64_t post_id,
	    int64_t *n);
/*
 * The approved comments of the thread headed by head, on post, by
 * (created, id) from the offset-th (0: the head) on, at most limit:
 * STORE_NOTFOUND when head heads no thread of post.  *pos is the head's
 * place among the post's heads.  The offset is walked in the thread's
 * index: a thread's later pages cost what its length does.
 */
int	store_comment_thread(struct store_conn *, struct arena *,
	    int64_t post_id, int64_t head, int64_t offset, int64_t limit,
	    int64_t *pos, struct comment **out, size_t *n);
/*
 * Where comment id shows, or would show once approved (under its parent):
 * pos, the place of its thread's head (0 if it would head a thread of
 * its own, after the others, being the newest, or there is no such
 * comment); head, that head; rank, how many of the thread's comments
 * come before it (for a held one, before its parent), counted in the
 * thread's index.
 */
struct comment_place {
	int64_t	 pos, head, rank;
};
int	store_comment_place(struct store_conn *, int64_t id,
	    struct comment_place *);

/*
 * The newest approved comments (of post_id, or of every post if 0) on
 * posts and pages published at or before now, at most limit, newest
 * first, each with its post's title, slug, date and type: for feeds.
 * Found by index (comments by post, or by status and date), no email.
 */
int	store_comments_recent(struct store_conn *, struct arena *,
	    int64_t post_id, int64_t now, int64_t limit,
	    struct comment **out, size_t *n);

/* One comment, any status; moderation reads, so with its email. */
int	store_comment_by_id(struct store_conn *, struct arena *,
	    int64_t id, struct comment *out);
/* Newest first, of one status (or all if NULL), at most limit. */
int	store_comments_list(struct store_conn *, struct arena *,
	    const char *status, int64_t limit, struct comment **out,
	    size_t *n);
/*
 * Sets a comment's status and what the spam filter has learnt it
 * as ("", "ham" or "spam"); STORE_NOTFOUND if there is no such
 * comment.  Use moderation_set, which keeps the filter in step.
 */
int	store_comment_moderate(struct store_conn *, int64_t id,
	    const char *status, const char *trained);
/*
 * Counts for the rules on cm (post_id, author, email, content,
 * ip_hash): its IP hash's comments created at or after since, the
 * same text already on the post by the same author or email, and
 * the email's approved comments.
 */
int	store_comment_facts(struct store_conn *, const struct comment *cm,
	    int64_t since, struct comment_facts *f);
/*
 * Blanks what privacy retention says to drop from rows older than
 * before: comments' IP hashes and user agents, votes' IP hashes; at
 * most limit rows of each table, found by index, and sets *n to the
 * most any table had blanked (so a pass that sets *n < limit was the
 * last one due).
 */
int	store_forget(struct store_conn *, int64_t before, int64_t limit,
	    int64_t *n);
/*
 * Inside a transaction, waits until no other transaction holds key
 * and holds it until this one ends: rules that read then write (the
 * flood check) stay true across nodes.
 */
int	store_lock(struct store_conn *, const char *key);
/* A published post or page by id. */
int	store_post_by_id(struct store_conn *, struct arena *, int64_t id,
	    struct post *out);

/*
 * Recomputes every rating and thumbs aggregate from the stored
 * votes and corrects those that differ, calling fix once for each
 * correction (kind "post" or "comment", the item, the old and new
 * sum and count).  Run inside a transaction.
 */
int	store_votes_recount(struct store_conn *,
	    void (*fix)(void *arg, const char *kind, int64_t id,
	    int64_t old_sum, int64_t old_count, int64_t sum,
	    int64_t count), void *arg);

/*
 * Every denormalised tally against a recount of its rows: posts'
 * ratings and approved comments, comments' thumbs.  Calls cb once for
 * each that differs (kind "post", "comment" or "post comments", the
 * item, the old and recounted sum and count; a count alone has sums of
 * 0) and, with repair, corrects it.  Run inside a transaction.
 */
int	store_tallies(struct store_conn *, int repair,
	    void (*cb)(void *arg, const char *kind, int64_t id,
	    int64_t old_sum, int64_t old_count, int64_t sum,
	    int64_t count), void *arg);

/*
 * For the rest of the transaction, a new comment does not add itself
 * to its post's count (PostgreSQL: one post's thousands of comments
 * were as many versions of its row, each walked by the next); the
 * writer adds each post's approved ones once with store_tallies_add,
 * before the commit.  SQLite keeps counts as it goes, cheaply, and both
 * are nothing there.
 */
int	store_tallies_later(struct store_conn *);
int	store_tallies_add(struct store_conn *, int64_t post_id, int64_t n);

/* A stored file some row names (store_media_refs). */
struct media_ref {
	char	*hash;
	char	*mime;		/* a media item's or size's; else "" */
	char	*ext;		/* a comment's picture's; else "" */
};

/* Every file rows name, each once: media items, sizes, comments. */
int	store_media_refs(struct store_conn *, struct arena *,
	    struct media_ref **out, size_t *n);

/*
 * Inside a transaction: looks for an earlier vote on v->item by
 * v->voter, or by v->ip_hash at or after v->since; records v unless
 * there is one (then v->repeat, and the value replaced only with
 * v->allow_change); sets v->sum and v->count to the tally.
 */
int	store_vote_cast(struct store_conn *, struct vote *v);

/* One vote per voter and item; a second gives STORE_CONFLICT. */
int	store_post_vote_add(struct store_conn *, int64_t post_id,
	    const char *voter, int value, int64_t when);
int	store_comment_vote_add(struct store_conn *, int64_t comment_id,
	    const char *voter, int value, int64_t when);

/*
 * Adds a media item and its files (m->sizes[0..m->nsizes)), inside the
 * caller's transaction when there are any, so both go in or neither;
 * STORE_CONFLICT when its hash is there.  id may be NULL.
 */
int	store_media_add(struct store_conn *, const struct media *,
	    int64_t *id);
/* An item's stored files, narrowest first (WebP after the others). */
/* Records one more stored file of item media_id (none if known). */
int	store_media_size_add(struct store_conn *, int64_t media_id,
	    const struct media_size *);
int	store_media_sizes(struct store_conn *, struct arena *,
	    int64_t media_id, struct media_size **out, size_t *n);
/*
 * Stores a picture's bytes p[0..len) under hash (the caller's SHA-256 of
 * them) with mime, inside the caller's transaction if there is one;
 * *made is 1 if this call added the row, 0 if the hash was there.
 */
int	store_blob_put(struct store_conn *, const char *hash,
	    const char *mime, const void *p, size_t len, int64_t now,
	    int *made);
/*
 * The bytes of hash into out (hash and mime in a; data xmalloc'd, the
 * caller frees it): STORE_NOTFOUND when there are none, STORE_ERROR
 * (logged) when they are over max bytes, before any copy is made.
 */
int	store_blob_get(struct store_conn *, struct arena *, const char *hash,
	    size_t max, struct media_blob *out);
/*
 * Deletes the bytes of hash; with if_unused only when no comment, media
 * item or media size names it, in the same statement.  STORE_NOTFOUND
 * when nothing was deleted.
 */
int	store_blob_delete(struct store_conn *, const char *hash,
	    int if_unused);
/*
 * At most limit stored pictures (hash, mime, size; no data) whose hash
 * sorts after after ("" from the first), in hash order, into a.
 */
int	store_blob_list(struct store_conn *, struct arena *,
	    const char *after, int64_t limit, struct media_blob **out,
	    size_t *n);
/* The media library, newest first. */
int	store_media_list(struct store_conn *, struct arena *,
	    int64_t offset, int64_t limit, struct media **out,
	    size_t *n, int64_t *total);
/*
 * In one query, every stored file (media_id set) of each item that has
 * a file named by one of hash[0..nhash), whose id is one of
 * id[0..nid), or that was imported as the WordPress attachment one of
 * old[0..nold) names (the `imported` table; each row's old_id says
 * which): by item, then as store_media_sizes orders them.  Hashes
 * are hex and bound as one array, so a page asks once however many
 * pictures it shows; an item stored before its sizes were (no
 * media_sizes rows) gives its display copy alone.
 */
int	store_media_find(struct store_conn *, struct arena *,
	    const char *const *hash, size_t nhash, const int64_t *id,
	    size_t nid, const int64_t *old, size_t nold,
	    struct media_size **out, size_t *n);
/* One media item; STORE_NOTFOUND when there is none. */
int	store_media_get(struct store_conn *, struct arena *, int64_t id,
	    struct media *out);
/*
 * Attaches media item id to post_id at place order among its pictures
 * (an import's post_parent and menu_order), unless it is attached
 * already: a second import changes nothing.
 */
int	store_media_attach(struct store_conn *, int64_t id, int64_t post_id,
	    int64_t order);
/*
 * The ids of the media items attached to post_id, by order then id, at
 * most limit: what a bare [gallery] shows.
 */
int	store_media_attached(struct store_conn *, struct arena *,
	    int64_t post_id, int64_t limit, int64_t **ids, size_t *n);
/* Sets an item's alt text and caption; STORE_NOTFOUND if it is gone. */
int	store_media_edit(struct store_conn *, int64_t id, const char *alt,
	    const char *caption);
/*
 * The posts and pages (any status, trash too) that use item id: as
 * their featured image, or naming one of its files in their body.  Each
 * has id, type, title and status set.  Reads every body: for the
 * admin's delete confirmation, never a reader's page.
 */
int	store_media_users(struct store_conn *, struct arena *, int64_t id,
	    struct post **out, size_t *n);
/*
 * Deletes item id and its files' rows (posts featuring it lose their
 * picture); STORE_NOTFOUND if it was gone.  The files themselves are
 * the caller's (store_image_uses says which nothing else shows).
 */
int	store_media_delete(struct store_conn *, int64_t id);

/*
 * The spam filter's counts and weights of tok[0..n) into c[0..n) (0,
 * 0, 0 for a token never learnt), the numbers of ham and spam messages
 * learnt, and (unless bias is NULL) the logistic model's bias.
 */
int	store_spam_counts(struct store_conn *, const char *const *tok,
	    size_t n, struct spam_count *c, int64_t *nham,
	    int64_t *nspam, int64_t *bias);
/*
 * Inside a transaction: learns (sign 1) or unlearns (sign -1) one
 * message of tokens tok[0..n) as spam or ham.  Counts never go
 * below zero, and a token whose counts both reach zero is deleted,
 * so unlearning what was learnt leaves the table as it was.
 */
int	store_spam_learn(struct store_conn *, const char *const *tok,
	    size_t n, int spam, int sign);
/*
 * Inside a transaction: teaches both models one message.  Learning
 * (sign 1) takes the logistic model's step for the weights as they are
 * and sets *step to it; unlearning (sign -1) takes back the counts and
 * *step, which must be what learning set, so the table comes back
 * exactly as it was.
 */
int	store_spam_teach(struct store_conn *, const char *const *tok,
	    size_t n, int spam, int sign, int64_t *step);
/*
 * The step a comment's verdict took (comments.spam_step) and the
 * tokenizer's features it was learnt with (comments.spam_feat), and
 * keeping them.
 */
int	store_spam_step_of(struct store_conn *, int64_t comment,
	    int64_t *step, unsigned *feat);
int	store_spam_step_keep(struct store_conn *, int64_t comment,
	    int64_t step, unsigned feat);

/* Accounts: by email in any case, with the password hash. */
int	store_user_by_email(struct store_conn *, struct arena *,
	    const char *email, struct user *out);
/* Every account, by name, with email (never the hash). */
int	store_users_list(struct store_conn *, struct arena *,
	    struct user **out, size_t *n);
/* Changes a role, a password hash, or both (NULL: unchanged). */
int	store_user_set(struct store_conn *, int64_t id, const char *role,
	    const char *pass_hash);
/*
 * STORE_CONFLICT while the user has posts or revisions (give them away
 * first: store_user_give); their sessions and password links go with
 * them, their comments stay, no longer tied to an account.
 */
int	store_user_remove(struct store_conn *, int64_t id);
/* Sets *yes to 1 if an admin can sign in (has a password). */
int	store_admin_exists(struct store_conn *, int *yes);
/* How many posts user id wrote, and earlier versions of posts. */
int	store_user_works(struct store_conn *, int64_t id, int64_t *posts,
	    int64_t *revisions);
/* Makes user to the author of user from's posts and revisions. */
int	store_user_give(struct store_conn *, int64_t from, int64_t to);

/* Sessions, by the hash of their token (auth.h); never the token. */
int	store_session_add(struct store_conn *, const char *token_hash,
	    int64_t user_id, int64_t now);
int	store_session_get(struct store_conn *, struct arena *,
	    const char *token_hash, struct session *out);
int	store_session_touch(struct store_conn *, const char *token_hash,
	    int64_t now);
int	store_session_end(struct store_conn *, const char *token_hash);
/* Ends every session of user_id but keep ("" for none). */
int	store_sessions_end_user(struct store_conn *, int64_t user_id,
	    const char *keep);

/*
 * Failed logins per key ("pair:", "ip:" or "acct:" and a keyed
 * hash), for auth.c's throttling.
 */
int	store_throttle_get(struct store_conn *, const char *key,
	    int64_t *failures, int64_t *last);
int	store_throttle_fail(struct store_conn *, const char *key,
	    int64_t now);
int	store_throttle_clear(struct store_conn *, const char *key);

/* Moderation's views: a page of comments with their posts. */
int	store_comments_find(struct store_conn *, struct arena *,
	    const struct comment_query *, struct comment **out,
	    size_t *n, int64_t *total);
/*
 * A comment's sender as moderation weighs it: how many of the other
 * comments from its email (in any case) and from its IP hash are
 * approved and in spam.  Each count is a range of an index (email or IP
 * hash, then status), so it costs what that sender wrote, never the
 * site; an empty email or a forgotten IP hash counts nothing.
 */
struct comment_history {
	int64_t	 email_approved, email_spam;
	int64_t	 ip_approved, ip_spam;
};
int	store_comment_history(struct store_conn *, int64_t id,
	    struct comment_history *);
/*
 * Whether the picture hash is held: attached only to comments not
 * approved (pending, spam, trash) and to no media item.  Found by
 * migration 23's indexes on comments' pictures.  *held is 1 or 0.
 */
int	store_picture_held(struct store_conn *, const char *hash, int *held);
/* Comments per status: approved, pending, spam, trash. */
int	store_comment_counts(struct store_conn *, int64_t author_id,
	    int64_t counts[4]);
/*
 * The dashboard's: the newest limit comments of status (on author_id's
 * posts only, unless 0) with their posts, as comments_find fills them,
 * read down the (status, created) index, so the rows read are about
 * limit whatever the site's size; no total is counted.
 */
int	store_comments_latest(struct store_conn *, struct arena *,
	    const char *status, int64_t author_id, int64_t limit,
	    struct comment **out, size_t *n);
/*
 * Comments per status (approved, pending, spam, trash) on author_id's
 * posts (0: any), each counted up to cap only: a count of cap means cap
 * or more, and no count reads more than cap index entries.
 */
int	store_comment_tally(struct store_conn *, int64_t author_id,
	    int64_t cap, int64_t counts[4]);
/*
 * author_id's drafts, posts and pages, the last modified first, at most
 * limit (read through the author's posts, never the site's).
 */
int	store_drafts_latest(struct store_conn *, struct arena *,
	    int64_t author_id, int64_t limit, struct post **out, size_t *n);
/* A post or page by id, whatever its status (the editor's). */
int	store_post_get(struct store_conn *, struct arena *, int64_t id,
	    struct post *out);
int	store_posts_find(struct store_conn *, struct arena *,
	    const struct post_filter *, struct post **out, size_t *n,
	    int64_t *total);
/* Rewrites every editable column of post p->id. */
int	store_post_update(struct store_conn *, const struct post *p);
/* Every comment of a post, any status, as moderation reads them. */
int	store_comments_of_post(struct store_conn *, struct arena *,
	    int64_t post_id, struct comment **out, size_t *n);
/* Deletes a post for good, with its comments, votes and revisions. */
int	store_post_delete(struct store_conn *, int64_t id);
/* Unlinks every term of a post (then post_term_add the new ones). */
int	store_post_terms_clear(struct store_conn *, int64_t post_id);
/* Sets *taken if another post of type (not except) has slug. */
int	store_slug_taken(struct store_conn *, const char *type,
	    const char *slug, int64_t except, int *taken);
/* Renames, re-slugs, re-parents a term (STORE_CONFLICT: slug taken). */
int	store_term_update(struct store_conn *, const struct term *t);
/* Deletes a term; its posts lose it, its children move up. */
int	store_term_delete(struct store_conn *, int64_t id);
/* Gives from's posts and menu items to into, then deletes from. */
int	store_term_merge(struct store_conn *, int64_t from, int64_t into);
/* Every term of a taxonomy, by name, with its count of posts. */
int	store_terms_list(struct store_conn *, struct arena *,
	    const char *taxonomy, struct term **out, size_t *n);
int	store_revision_add(struct store_conn *, const struct revision *,
	    int64_t *id);
/*
 * A writer's autosave of a post: one revision per post and writer (its
 * autosave flag set, migration 24), replaced by each put, never listed
 * with the revisions; created is when it was made.  clear deletes it.
 */
int	store_autosave_put(struct store_conn *, const struct revision *);
int	store_autosave_get(struct store_conn *, struct arena *,
	    int64_t post_id, int64_t author_id, struct revision *out);
int	store_autosave_clear(struct store_conn *, int64_t post_id,
	    int64_t author_id);
/* A post's revisions, newest first (bodies included), autosaves not. */
int	store_revisions_list(struct store_conn *, struct arena *,
	    int64_t post_id, struct revision **out, size_t *n);
/*
 * Scheduling: *n counts posts and pages whose publication time
 * fell in (after, upto]; generation_bump makes every node render
 * its pages afresh, so that they appear.
 */
int	store_scheduled_due(struct store_conn *, int64_t after,
	    int64_t upto, int64_t *n);
int	store_generation_bump(struct store_conn *);
/* Privacy: every comment with this email, in any case, whole. */
int	store_privacy_comments(struct store_conn *, struct arena *,
	    const char *email, struct comment **out, size_t *n);
/* Strips a comment of its writer: Anonymous, no email, url, IP, UA. */
int	store_comment_anonymise(struct store_conn *, int64_t id);
/* A moderator's edit: name, email, website and text. */
int	store_comment_edit(struct store_conn *, const struct comment *cm);
/* Deletes a comment; its replies move up to its parent. */
int	store_comment_remove(struct store_conn *, int64_t id);
/* How many comments and media items show the picture with this hash. */
int	store_image_uses(struct store_conn *, const char *hash,
	    int64_t *n);
int	store_privacy_log_add(struct store_conn *,
	    const struct privacy_entry *);
/* The newest entries first, at most limit. */
int	store_privacy_log_list(struct store_conn *, struct arena *,
	    int64_t limit, struct privacy_entry **out, size_t *n);
/* days[0..ndays) from since (a midnight): comments by status, votes. */
int	store_daily(struct store_conn *, int64_t since, int ndays,
	    struct day_counts *days);

/* A term by id. */
int	store_term_get(struct store_conn *, struct arena *, int64_t id,
	    struct term *out);
/*
 * Sets a page's parent (an importer's, once the parent is known);
 * nothing else of the post changes.
 */
int	store_post_parent_set(struct store_conn *, int64_t id,
	    int64_t parent);
/* A media item by its hash. */
int	store_media_by_hash(struct store_conn *, struct arena *,
	    const char *hash, struct media *out);

/*
 * What an import keeps (store_import.c): the row that the thing known
 * in a WordPress file by kind ("post", "comment", "term", "user",
 * "media") and key became, and its WordPress id.  find by key, or by old
 * id (the newest so mapped); STORE_NOTFOUND if none.
 */
int	store_import_find(struct store_conn *, const char *kind,
	    const char *key, int64_t *item);
int	store_import_old(struct store_conn *, const char *kind,
	    int64_t old_id, int64_t *item);
int	store_import_add(struct store_conn *, const char *kind,
	    const char *key, int64_t old_id, int64_t item);
/*
 * After rows were added with ids of their own, and before one is added
 * without: the engine's next new id follows the highest (PostgreSQL's
 * sequences, which explicit ids do not move; SQLite needs nothing).
 */
int	store_ids_sync(struct store_conn *);

/* Where an old path now leads: a post or page, or a media item. */
struct redirect {
	int64_t	 post_id;	/* 0: none, or not published */
	char	*type;
	char	*slug;
	int64_t	 published;
	char	*media_hash;	/* "": none */
	char	*media_mime;
};
/*
 * Records that path (an absolute path, with its query if any) now
 * leads to post_id or media_id (the other 0).  With replace a path
 * already recorded is pointed here (a slug changed twice); without,
 * it is left as it is and STORE_CONFLICT returned.
 */
int	store_redirect_add(struct store_conn *, const char *path,
	    int64_t post_id, int64_t media_id, int replace);
/*
 * Forgets the old path path, which a published post or page now has
 * for its own: a new post wins over a redirect.
 */
int	store_redirect_drop(struct store_conn *, const char *path);
/* Where path leads; STORE_NOTFOUND if nowhere known. */
int	store_redirect_get(struct store_conn *, struct arena *,
	    const char *path, struct redirect *out);

/*
 * What an export (export.c) reads, a page at a time in id order after
 * the id given (0: from the first), each row with the WordPress key and
 * id it was imported under ("" and 0 if it was not).
 */
struct export_user {
	struct user	 u;		/* id, slug, name, email */
	char		*login;		/* imported login, else the slug */
};
struct export_term {
	struct term	 t;
	char		*parent_slug;	/* "": none */
	int64_t		 old_id;
	int64_t		 depth;		/* 0: no parent */
};
struct export_post {
	struct post	 p;		/* with sticky and parent_id */
	char		*login;		/* the author's (as export_user) */
	char		*guid;		/* the imported key, or "" */
	int64_t		 old_id;
	int64_t		 parent_old;	/* the parent's WordPress id, or 0 */
};
struct export_comment {
	struct comment	 c;		/* with email */
	int64_t		 user_id;	/* 0: none */
	int64_t		 old_id;
	int64_t		 parent_old;
};
struct export_media {
	struct media	 m;
	char		*guid;
	int64_t		 old_id;
	int64_t		 post_id;	/* the post it is attached to, or 0 */
	int64_t		 post_old;	/* that post's WordPress id, or 0 */
	int64_t		 menu_order;
};
int	store_export_users(struct store_conn *, struct arena *, int64_t after,
	    int64_t limit, struct export_user **out, size_t *n);
/* Terms parents first: after (depth, id), by depth then id. */
int	store_export_terms(struct store_conn *, struct arena *, int64_t depth,
	    int64_t after, int64_t limit, struct export_term **out,
	    size_t *n);
int	store_export_posts(struct store_conn *, struct arena *, int64_t after,
	    int64_t limit, struct export_post **out, size_t *n);
/* A post's comments, every status. */
int	store_export_comments(struct store_conn *, struct arena *,
	    int64_t post_id, int64_t after, int64_t limit,
	    struct export_comment **out, size_t *n);
/* A post's terms (taxonomy, slug, name) in the order it lists them. */
int	store_export_post_terms(struct store_conn *, struct arena *,
	    int64_t post_id, struct term **out, size_t *n);
int	store_export_media(struct store_conn *, struct arena *, int64_t after,
	    int64_t limit, struct export_media **out, size_t *n);
/*
 * Whether WordPress id old may stand for one row of kind ("post" and
 * "media" share WordPress's post ids; "comment"; "term") in an export:
 * *ok is 1 when no row of ours has that id and one import row alone was
 * given it.  *top is the highest post id or post or media WordPress id
 * (with kind "top"), above which media of our own are numbered.
 */
int	store_export_id_free(struct store_conn *, const char *kind,
	    int64_t old, int *ok);
int	store_export_top(struct store_conn *, int64_t *top);
/*
 * The old paths (redirects) that lead to post_id or media_id (the other
 * 0), by path.
 */
int	store_export_redirects(struct store_conn *, struct arena *,
	    int64_t post_id, int64_t media_id, char ***out, size_t *n);

/*
 * Sitemaps (page_sitemap.c): what each lists, by id range, so a page of
 * one costs the same on any site.  An entry's slug names its page (a
 * post's with its date, a page's, a term's, an author's); modified is
 * 0 where there is no such date (terms, authors).
 */
enum sitemap_kind {
	SITEMAP_POSTS,
	SITEMAP_PAGES,
	SITEMAP_CATEGORIES,
	SITEMAP_TAGS,
	SITEMAP_USERS
};
struct sitemap_entry {
	int64_t	 id;
	char	*slug;
	int64_t	 published;
	int64_t	 modified;
};
/*
 * What kind lists with ids in (lo, hi], by id, at most limit: published
 * posts or pages (at or before now), terms and authors with a published
 * post.
 */
int	store_sitemap_page(struct store_conn *, struct arena *,
	    enum sitemap_kind, int64_t lo, int64_t hi, int64_t now,
	    int64_t limit, struct sitemap_entry **out, size_t *n);

struct store;

/*
 * Opens the database named by uri (a path to an SQLite file, for now),
 * creating it if create is set, and applies pending migrations.  Returns
 * STORE_OK and the pool in *out, or an error with a message in err.
 */
int	store_open(const char *uri, int create, struct store **out,
	    char *err, size_t errlen);
/* Closes every connection; no conn may be out. */
void	store_close(struct store *);
/*
 * The schema version this binary migrates a database to: its number of
 * migrations, the same on every back end.
 */
int	store_schema_latest(void);
/*
 * Returns a connection for the calling request, waiting while all are in
 * use, or NULL if the database is down.  Give it back with store_conn_put.
 */
struct store_conn *store_conn_get(struct store *);
/*
 * store_conn_get without the wait: NULL at once when every connection
 * is lent (or the database is down).  For a probe that must not queue
 * behind requests (/healthz).
 */
struct store_conn *store_conn_try(struct store *);
void	store_conn_put(struct store *, struct store_conn *);
struct pool_stats;
/* The pool's counts (pool.h): gets that waited, waits in vain, size. */
void	store_pool_stats(struct store *, struct pool_stats *);
/*
 * The schema version of the database c is connected to, in *version,
 * and the latest this binary knows, in *latest (the number of its
 * migrations).  One trivial query; a store_rc.
 */
int	store_schema_version(struct store_conn *c, int64_t *version,
	    int64_t *latest);
/*
 * The most connections the pool opens: threads that each hold one (the
 * HTTP threads, the work pool's) must not outnumber it, or some wait.
 */
int	store_conns(const struct store *);
/*
 * Sets that number (galley.conf's db_connections), before the store is
 * shared between threads.
 */
void	store_set_conns(struct store *, int n);
/*
 * Starts following the data generation in the background, where the back
 * end can (PostgreSQL: LISTEN/NOTIFY), so that store_generation_hint can
 * answer without a query.  For a long-running server; returns 0, or -1 if
 * the back end cannot (SQLite) or the thread did not start.
 */
int	store_watch(struct store *);
/*
 * Sets *gen to the data generation without a query and returns 1;
 * returns 0 when unknown: ask the database with store_generation
 * instead, then store_generation_note what it said.  PostgreSQL: as
 * last reported by the watcher (0 while its connection is down); a
 * write becomes visible here when its notification arrives, moments
 * after its commit.  SQLite: the generation last noted, while the WAL
 * header shows no commit since (read first, in this call), and for a
 * second at most.
 */
int	store_generation_hint(struct store *, int64_t *gen);
/*
 * Tells the store a generation this node has read or seen committed:
 * PostgreSQL's watcher moves forward to it (a node's own write, so that
 * its next requests do not serve pages older than it while the NOTIFY is
 * on its way); SQLite keeps it with the WAL header this thread's last
 * missed hint read.
 */
void	store_generation_note(struct store *, int64_t gen);
/* Returns a static name for an enum store_rc, for messages. */
const char *store_rc_name(int rc);

/*
 * Full-text search (store_search.c), each engine's SQL side by side:
 * FTS5 on SQLite, a tsvector under GIN on PostgreSQL (migration 16).
 */
struct search_find {
	const char	*fts5;		/* search_build's, for SQLite */
	const char	*tsquery;	/* ... and for PostgreSQL */
	const char	*type;		/* "post", "page"; NULL: both */
	const char	*status;	/* NULL: published and out by now
					   (readers'); "": any but the
					   trash; else that status */
	int64_t		 now;
	int64_t		 author_id;	/* 0: any */
	int64_t		 term_id;	/* 0: any */
	int64_t		 offset;
	int64_t		 limit;
};

/* A post or page found, best first. */
struct search_hit {
	int64_t	 id;
	char	*type;
	char	*slug;
	char	*title;
	char	*status;
	int64_t	 published;
	int64_t	 modified;
	int64_t	 author_id;
	char	*author_name;
	char	*author_slug;
	/*
	 * Words of its text around what matched, each match between
	 * SEARCH_MARK_ON and SEARCH_MARK_OFF (never in the text: control
	 * characters), for html_marked; text, not HTML.
	 */
	char	*snippet;
};

#define SEARCH_MARK_ON	'\x01'
#define SEARCH_MARK_OFF	'\x02'

/* Page f->offset, f->limit of what f finds, best first, into *out, *n. */
int	store_search(struct store_conn *, struct arena *,
	    const struct search_find *f, struct search_hit **out, size_t *n);
/* How many f finds in all (the admin's count). */
int	store_search_count(struct store_conn *, const struct search_find *f,
	    int64_t *n);
/*
 * Up to limit posts whose search text is not made yet (id, format,
 * body, filtered), lowest id first.
 */
int	store_search_pending(struct store_conn *, struct arena *,
	    int64_t limit, struct post **out, size_t *n);
/* Sets post id's search text (pending, or made afresh). */
int	store_search_text_set(struct store_conn *, int64_t id,
	    const char *text);

/*
 * Mail (store_mail.c; mail.h is the module above it).  One message of
 * the outbox: kind says what it is for (confirm, reply, digest, notice,
 * reset, invite, test); body the whole message as sent, sealed
 * (mail_seal); status queued, sent, failed, or held (waiting to go out
 * in a digest).
 */
struct mail_row {
	int64_t	 id;
	char	*kind;
	char	*rcpt;		/* the one recipient's address */
	char	*subject;	/* UTF-8, as the list shows it */
	char	*message_id;	/* "<...@host>", kept across retries */
	void	*body;		/* sealed; results: in the arena */
	size_t	 body_len;
	int64_t	 created;
	int64_t	 due;		/* not tried before this */
	int64_t	 tries;		/* results only */
	int64_t	 lease;		/* results only: leased until */
	char	*status;	/* input: NULL is "queued" */
	int64_t	 sent;		/* results only */
	char	*reply;		/* results only: the last SMTP reply */
};

/* Adds m to the outbox, in the caller's transaction. */
int	store_mail_add(struct store_conn *, const struct mail_row *m,
	    int64_t *id);
/*
 * Records that kind happened to item (a comment's id, an address's), for
 * the sender to act on, in the caller's transaction.
 */
int	store_mail_event_add(struct store_conn *, const char *kind,
	    int64_t item, int64_t now);

/* One mail event (store_mail_events_take). */
struct mail_event {
	int64_t	 id;
	char	*kind;
	int64_t	 item;
};

/*
 * Inside a transaction: up to limit of the oldest events, oldest first;
 * on PostgreSQL locked until it ends, skipping any another node's
 * sender holds, so each event is acted on once.
 */
int	store_mail_events_take(struct store_conn *, struct arena *,
	    int64_t limit, struct mail_event **out, size_t *n);
/* Deletes event id: done with. */
int	store_mail_event_done(struct store_conn *, int64_t id);
/*
 * Leases up to limit queued messages due at now, not leased past now,
 * until until; returns them, bodies too.  One statement: on PostgreSQL
 * FOR UPDATE SKIP LOCKED, so two senders never lease one message.  A
 * try is counted when it is marked (sent, retry, failed), not here.
 */
int	store_mail_lease(struct store_conn *, struct arena *, int64_t now,
	    int64_t until, int64_t limit, struct mail_row **out, size_t *n);
/* Message id went out: sent, its body dropped, reply the server's. */
int	store_mail_sent(struct store_conn *, int64_t id, int64_t now,
	    const char *reply);
/* Message id was refused for now: tried again at due. */
int	store_mail_retry(struct store_conn *, int64_t id, int64_t due,
	    const char *reply);
/* Message id is given up on: failed, its body kept for a retry. */
int	store_mail_failed(struct store_conn *, int64_t id, const char *reply);
/* Message id's lease ends untried (its sender stopped): queued as was. */
int	store_mail_release(struct store_conn *, int64_t id);
/*
 * What waits for the sender, in one cheap query: *notify 1 if any mail
 * event or held reply does; *next when the next queued message falls
 * due (the later of its due and its lease), 0 if none is queued.
 */
int	store_mail_waiting(struct store_conn *, int64_t *notify,
	    int64_t *next);
/*
 * The outbox at a glance, for the metrics: messages queued, the
 * creation time of the oldest of them (0 if none), messages failed.
 */
int	store_mail_stats(struct store_conn *, int64_t *queued,
	    int64_t *oldest, int64_t *failed);
/* Deletes the messages sent before before; *n how many. */
int	store_mail_prune(struct store_conn *, int64_t before, int64_t *n);
/*
 * The outbox for `galley mail list`, newest first, at most limit, bodies
 * not read: every message not sent yet, and with all the sent ones too.
 */
int	store_mail_list(struct store_conn *, struct arena *, int all,
	    int64_t limit, struct mail_row **out, size_t *n);
/*
 * Queues message id (0: every failed one) again, due now, its tries and
 * its give-up time counted afresh; *n how many.  A sent one stays sent.
 */
int	store_mail_requeue(struct store_conn *, int64_t id, int64_t now,
	    int64_t *n);
/* Ends every lease: for a lone sender starting (SQLite's one node). */
int	store_mail_unlease(struct store_conn *);

/*
 * A reader's address that asked for mail (mail_addresses): lower case,
 * with when it was made, a confirmation last sent (asked), confirmed,
 * and all mail stopped; each 0 when not.
 */
struct mail_address {
	int64_t	 id;
	char	*email;
	int64_t	 created;
	int64_t	 asked;
	int64_t	 confirmed;
	int64_t	 stopped;
};
/*
 * The row of email (any case; kept in lower case) into *out, added if
 * new, in the caller's transaction.  On PostgreSQL it holds the row's lock
 * until the transaction ends, so two comments from one address agree
 * on whether a confirmation was asked for.
 */
int	store_mail_address_get(struct store_conn *, struct arena *,
	    const char *email, int64_t now, struct mail_address *out);
/* The address of id; STORE_NOTFOUND if none. */
int	store_mail_address_by_id(struct store_conn *, struct arena *,
	    int64_t id, struct mail_address *out);
/*
 * Counts the addresses of one mailbox (addr, and the names a "+tag"
 * gives it: those that begin with plus, "local+", and end with at,
 * "@domain"; all lower case) that were asked for a confirmation at or
 * after since, or stopped all mail, and its tomb (what an erasure of
 * it stopped kept: notify_reader_tomb).  A scan: only run when a
 * confirmation would be asked for.
 */
int	store_mail_mailbox_asked(struct store_conn *, const char *addr,
	    const char *plus, const char *at, const char *tomb, int64_t since,
	    int64_t *n);
/* Adds tomb (notify_reader_tomb), stopped at stopped, unless it is there. */
int	store_mail_tomb_add(struct store_conn *, const char *tomb,
	    int64_t stopped);
/* Notes that a confirmation was asked for address id now. */
int	store_mail_address_asked(struct store_conn *, int64_t id,
	    int64_t now);
/*
 * Confirms address id now, unless it is confirmed or stopped already;
 * STORE_NOTFOUND if it changed nothing.
 */
int	store_mail_address_confirm(struct store_conn *, int64_t id,
	    int64_t now);
/*
 * Stops every mail to address id: stopped set (kept if set already),
 * its subscriptions and held replies deleted, and its readers' mail
 * (confirm, reply, digest) not yet sent taken out of the outbox.
 */
int	store_mail_address_stop(struct store_conn *, int64_t id,
	    int64_t now);
/* Subscribes address_id to the replies to comment_id. */
int	store_mail_subscribe(struct store_conn *, int64_t comment_id,
	    int64_t address_id, int64_t now);
/*
 * The address subscribed to the replies to comment_id into *out;
 * STORE_NOTFOUND if none is.
 */
int	store_mail_subscriber(struct store_conn *, struct arena *,
	    int64_t comment_id, struct mail_address *out);
/* Ends the subscription to comment_id; STORE_NOTFOUND if there was none. */
int	store_mail_unsubscribe(struct store_conn *, int64_t comment_id);
/*
 * The replies and digests queued for rcpt at or after since (sent or
 * not): what mail_per_hour counts.
 */
int	store_mail_recent(struct store_conn *, const char *rcpt,
	    int64_t since, int64_t *n);
/* The staff notices queued for rcpt at or after since (sent or not). */
int	store_mail_notices(struct store_conn *, const char *rcpt,
	    int64_t since, int64_t *n);
/*
 * Holds reply comment_id for address_id, once only: not again while
 * held, nor once told (store_mail_held_take), so a reply approved a
 * second time is not told twice.
 */
int	store_mail_hold(struct store_conn *, int64_t comment_id,
	    int64_t address_id, int64_t now);
/*
 * The addresses whose held replies want a look: any not yet waiting,
 * or any at all if the readers' mail queued to the address at or after
 * since numbers fewer than limit.
 */
int	store_mail_held_due(struct store_conn *, struct arena *,
	    int64_t since, int64_t limit, int64_t **ids, size_t *n);
/* A reply held for an address. */
struct mail_held {
	int64_t	 comment_id;
	int	 waiting;	/* for a digest: the hour was full */
};
/* The replies held for address_id and not yet told, oldest first. */
int	store_mail_held_of(struct store_conn *, struct arena *,
	    int64_t address_id, struct mail_held **out, size_t *n);
/*
 * Takes held reply comment_id to tell of it: marks it told (waiting 2:
 * its row stays, and store_mail_hold holds it no more); STORE_NOTFOUND
 * if it is not held (any more).  Of two transactions taking it, one
 * gets it: PostgreSQL's UPDATE waits for, then skips, a row another
 * took.  store_mail_held_drop deletes it, told or not, so that it may
 * be held again (a reply no longer approved, say); STORE_NOTFOUND if
 * there was none.
 */
int	store_mail_held_take(struct store_conn *, int64_t comment_id);
int	store_mail_held_drop(struct store_conn *, int64_t comment_id);
/* Marks every reply held for address_id as waiting for a digest. */
int	store_mail_held_wait(struct store_conn *, int64_t address_id);
/* The address email (any case) into *out; STORE_NOTFOUND if none. */
int	store_mail_address_find(struct store_conn *, struct arena *,
	    const char *email, struct mail_address *out);
/* For a privacy export: one subscription of an address. */
struct mail_subscription {
	int64_t	 comment_id;
	int64_t	 created;
};
/* The subscriptions of address_id, oldest first. */
int	store_mail_subscriptions_of(struct store_conn *, struct arena *,
	    int64_t address_id, struct mail_subscription **out, size_t *n);
/*
 * The outbox's rows to email (any case), oldest first, without their
 * bodies: kind, subject, created, status, sent.
 */
int	store_mail_to(struct store_conn *, struct arena *, const char *email,
	    struct mail_row **out, size_t *n);
/*
 * Erases email (any case) from mail: its address (with its
 * subscriptions and held replies) and every outbox row to it, sent or
 * not.  Sets *n to the rows of mail_addresses and outbox deleted.
 */
int	store_mail_erase(struct store_conn *, const char *email, int64_t *n);

/*
 * A password link (reset or invite): the user it sets a password for,
 * kind, and until when it is good.  The database keeps only the keyed
 * hash of its token (sign_hex, SIGN_RESET).
 */
struct reset_link {
	int64_t	 user_id;
	char	*kind;		/* reset, invite */
	int64_t	 expires;	/* Unix seconds: good before then */
};

/*
 * Adds a link, in the caller's transaction, and deletes every link
 * expired by now.
 */
int	store_reset_add(struct store_conn *, const char *token_hash,
	    int64_t user_id, const char *kind, int64_t now, int64_t expires);
/* The link of token_hash, expired or not; STORE_NOTFOUND if none. */
int	store_reset_find(struct store_conn *, struct arena *,
	    const char *token_hash, struct reset_link *out);
/*
 * Uses the link of token_hash if it is good at now: deletes it and
 * every other link of its user (store_reset_forget), in the caller's
 * transaction.  STORE_NOTFOUND if there is no such link or it has
 * expired.
 */
int	store_reset_take(struct store_conn *, struct arena *,
	    const char *token_hash, int64_t now, struct reset_link *out);
/*
 * Deletes every link of user_id: each is single use, and a password
 * set, by a link or otherwise, makes the rest moot.
 */
int	store_reset_forget(struct store_conn *, int64_t user_id);

/*
 * What the backup, the restore and `galley check` ask of the database
 * itself (store_check.c, store_dump.c).
 */

/* The engine under c: "sqlite" or "postgresql". */
const char	*store_engine(const struct store_conn *);
/*
 * Opens uri as it is, no migration applied (store_open applies them):
 * what `galley check` looks at.
 */
int	store_open_as_is(const char *uri, struct store **out, char *err,
	    size_t errlen);
/*
 * Runs the engine's own check and calls cb with each problem found as
 * a sentence: SQLite's integrity_check; on PostgreSQL, an index left
 * invalid (a failed CREATE INDEX CONCURRENTLY) or a foreign key not
 * validated.  Returns a store_rc.
 */
int	store_integrity(struct store_conn *, void (*cb)(void *,
	    const char *), void *arg);
/*
 * Rows naming a row that is not there, each as a sentence to cb
 * (SQLite's foreign_key_check; PostgreSQL enforces every key as it
 * writes, and store_integrity reports one it does not).
 */
int	store_foreign_keys(struct store_conn *, void (*cb)(void *,
	    const char *), void *arg);

/*
 * The other clients connected to c's PostgreSQL database now (a running
 * galley serve keeps some), into *n; 0 on SQLite, whose store_replace
 * finds them itself.
 */
int	store_others(struct store_conn *, int64_t *n);
/*
 * A snapshot for a backup: one read transaction (REPEATABLE READ on
 * PostgreSQL) that every following read sees; end it with
 * store_rollback.
 */
int	store_snapshot(struct store_conn *);
/*
 * Copies the whole database into a new file at path as one snapshot,
 * while others keep writing: SQLite's online backup.  STORE_ERROR where
 * the engine has no such file (PostgreSQL: store_dump instead).
 */
int	store_copy(struct store_conn *, const char *path);
/*
 * Puts the database file from in place of uri's, refusing with
 * STORE_CONFLICT while any other connection has it open (a running
 * galley serve).  SQLite only; a store_rc with a sentence in err.
 */
int	store_replace(const char *uri, const char *from, char *err,
	    size_t errlen);

/*
 * The tables of a logical dump (PostgreSQL), in an order a load can
 * follow (every row after the rows it names): table i's name, or NULL
 * past the last.
 */
const char	*store_dump_table(size_t i);
/*
 * STORE_CONFLICT, with the table in name, if the database holds a table
 * the dump does not know (a migration that forgot to add it here).
 */
int	store_dump_known(struct store_conn *, char *name, size_t len);
/*
 * Inside store_snapshot: every row of table i as one line of JSON (its
 * columns by name; bytes as PostgreSQL's hex text) handed to line, a
 * row after any row of the table it names.  Stops at line's non-zero
 * return (STORE_ERROR).  Sets *rows.
 */
int	store_dump(struct store_conn *, size_t i, int (*line)(void *,
	    const char *, size_t), void *arg, int64_t *rows);
/*
 * Inside a transaction: empties every table of the dump and turns its
 * triggers off, for a load.
 */
int	store_load_begin(struct store_conn *);
/*
 * Adds rows to table i: a JSON array of lines store_dump wrote (a row
 * naming another of the same statement is fine: keys are checked at
 * its end).
 */
int	store_load(struct store_conn *, size_t i, const char *rows);
/*
 * After the last row: the triggers on again, ids carrying on after the
 * highest loaded, every tally recounted from the rows, and the data
 * generation bumped.
 */
int	store_load_end(struct store_conn *);

#endif
