/*
 * test_store: the storage interface on a real database: migrations,
 * every operation of store.h called directly and held to the comment
 * above it (results, order, counts, STORE_NOTFOUND and STORE_CONFLICT
 * where promised), the aggregates the triggers keep, one vote per voter,
 * the data generation (moved by each committed write, not by a rolled
 * back one), the lock, durability across a reopen, that no query feeding
 * a page returns a commenter's email, and the PostgreSQL driver's
 * placeholder numbering.  It runs on an SQLite file, and again on
 * PostgreSQL when tests/run.sh sets GALLEY_DB to a fresh database.
 */
#include <sys/stat.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sqlite3.h>
#include <libpq-fe.h>

#include "arena.h"
#include "check.h"
#include "db.h"		/* db_numbered() only */
#include "env.h"
#include "http.h"
#include "moderation.h"
#include "site.h"
#include "spam.h"
#include "store.h"

/* moderation_set through c, for a site with mail off. */
static int
moderate(struct store_conn *c, int64_t id, const char *status)
{
	static const struct site	 nomail;
	struct env			 e = { &nomail, c, NULL, NULL, 0 };

	return moderation_set(&e, id, status);
}

static struct store *
open_store(const char *path)
{
	struct store	*s = NULL;
	char		 err[256] = "";
	int		 rc = store_open(path, 1, &s, err, sizeof(err));

	if (!CHECK_MSG(rc == STORE_OK, err))
		exit(check_done());
	return s;
}

static int64_t
gen(struct store_conn *c)
{
	int64_t	 g = -1;

	if (store_generation(c, &g) != STORE_OK)
		return -1;
	return g;
}

/* Whether the generation moved past *g; *g becomes the current one. */
static int
bumped(struct store_conn *c, int64_t *g)
{
	int64_t	 now = gen(c);
	int	 moved = now > *g;

	*g = now;
	return moved;
}

/* The count sql (printf format, one int64_t) gives from outside. */
static long long
count_of(const char *where, const char *fmt, int64_t id)
{
	char	 sql[256];

	snprintf(sql, sizeof(sql), fmt, (long long)id);
	return db_count(where, sql);
}

static void
fill(struct store_conn *c, int64_t *post, int64_t *cm1)
{
	struct user	 u = { .slug = "ann", .name = "Ann", .email = "ann@x.y" };
	struct post	 p = { .type = "post", .slug = "first", .title = "First",
	    .status = "publish", .published = 1000, .modified = 1000,
	    .format = "markdown", .body = "Hello *world*", .comments_open = 1 };
	struct term	 t = { .taxonomy = "tag", .slug = "t1", .name = "T1" };
	struct comment	 cm = { .author = "Bob", .email = "bob@secret.example",
	    .content = "Hi", .status = "approved", .created = 1100 };
	int64_t		 id, tid, g0 = gen(c), cm2;

	CHECK(store_user_add(c, &u, &p.author_id) == STORE_OK);
	CHECK(gen(c) > g0);
	CHECK(store_user_add(c, &u, &id) == STORE_CONFLICT);
	CHECK(store_post_add(c, &p, post) == STORE_OK);
	CHECK(store_post_add(c, &p, &id) == STORE_CONFLICT);
	p.slug = "second";
	p.published = 2000;
	CHECK(store_post_add(c, &p, &id) == STORE_OK);
	p.slug = "draft";
	p.status = "draft";
	CHECK(store_post_add(c, &p, &id) == STORE_OK);
	p.slug = "future";
	p.status = "publish";
	p.published = 999999;
	CHECK(store_post_add(c, &p, &id) == STORE_OK);
	CHECK(store_term_add(c, &t, &tid) == STORE_OK);
	CHECK(store_post_term_add(c, *post, tid) == STORE_OK);
	CHECK(store_post_term_add(c, *post, tid) == STORE_CONFLICT);
	cm.post_id = *post;
	CHECK(store_comment_add(c, &cm, cm1) == STORE_OK);
	cm.parent_id = *cm1;
	cm.status = "pending";
	CHECK(store_comment_add(c, &cm, &cm2) == STORE_OK);
	cm.parent_id = 987654;	/* no such parent: foreign key */
	CHECK(store_comment_add(c, &cm, &cm2) == STORE_ERROR);
}

static void
votes(struct store_conn *c, int64_t post, int64_t cm1)
{
	struct arena	 a;
	struct post	 p;
	struct comment	*cm;
	size_t		 n;

	arena_init(&a);
	CHECK(store_post_vote_add(c, post, "v1", 5, 1) == STORE_OK);
	CHECK(store_post_vote_add(c, post, "v2", 7, 1) == STORE_OK);
	CHECK(store_post_vote_add(c, post, "v1", 9, 1) == STORE_CONFLICT);
	CHECK(store_post_vote_add(c, post, "v3", 0, 1) == STORE_ERROR);
	CHECK(store_comment_vote_add(c, cm1, "v1", 1, 1) == STORE_OK);
	CHECK(store_comment_vote_add(c, cm1, "v2", -1, 1) == STORE_OK);
	CHECK(store_comment_vote_add(c, cm1, "v3", 1, 1) == STORE_OK);
	CHECK(store_comment_vote_add(c, cm1, "v3", 1, 1) ==
	    STORE_CONFLICT);
	CHECK(store_comment_vote_add(c, cm1, "v4", 2, 1) == STORE_ERROR);
	CHECK(store_post_by_slug(c, &a, "post", "first", &p) == STORE_OK);
	CHECK(p.rating_sum == 12 && p.rating_count == 2);
	CHECK(p.comment_count == 1);	/* approved only */
	CHECK(store_comments_page(c, &a, post, 1, INT64_MAX, 1000000, &cm,
	    &n) ==
	    STORE_OK);
	CHECK(n == 1 && cm[0].vote_sum == 1 && cm[0].vote_count == 3);
	CHECK(n == 1 && cm[0].email == NULL);	/* never read back */
	arena_free(&a);
}

static void
queries(struct store_conn *c, int64_t post)
{
	struct arena		 a;
	struct post		 p, *list;
	struct term		 t, *terms;
	struct user		 u;
	struct post_query	 q = { .type = "post", .now = 5000, .limit = 1 };
	size_t			 n;
	int64_t			 total;
	char			*v;

	arena_init(&a);
	CHECK(store_post_by_slug(c, &a, "post", "first", &p) == STORE_OK);
	CHECK(p.id == post && strcmp(p.author_name, "Ann") == 0 &&
	    strcmp(p.author_slug, "ann") == 0 &&
	    strcmp(p.body, "Hello *world*") == 0);
	CHECK(store_post_by_slug(c, &a, "post", "draft", &p) ==
	    STORE_NOTFOUND);
	CHECK(store_post_by_slug(c, &a, "page", "first", &p) ==
	    STORE_NOTFOUND);
	CHECK(store_posts_list(c, &a, &q, &list, &n, &total) == STORE_OK);
	CHECK(total == 2 && n == 1 && strcmp(list[0].slug, "second") == 0);
	q.offset = 1;
	CHECK(store_posts_list(c, &a, &q, &list, &n, &total) == STORE_OK);
	CHECK(n == 1 && strcmp(list[0].slug, "first") == 0);
	CHECK(store_term_by_slug(c, &a, "tag", "t1", &t) == STORE_OK);
	q.offset = 0;
	q.limit = 10;
	q.term_id = t.id;
	CHECK(store_posts_list(c, &a, &q, &list, &n, &total) == STORE_OK);
	CHECK(total == 1 && n == 1 && list[0].id == post);
	CHECK(store_term_by_slug(c, &a, "category", "t1", &t) ==
	    STORE_NOTFOUND);
	CHECK(store_post_terms(c, &a, post, &terms, &n) == STORE_OK);
	CHECK(n == 1 && strcmp(terms[0].name, "T1") == 0);
	CHECK(store_user_by_slug(c, &a, "ann", &u) == STORE_OK);
	CHECK(strcmp(u.name, "Ann") == 0 && u.email == NULL);
	CHECK(store_setting_set(c, "k", "v1") == STORE_OK);
	CHECK(store_setting_set(c, "k", "v2") == STORE_OK);
	CHECK(store_setting_get(c, &a, "k", &v) == STORE_OK);
	CHECK(strcmp(v, "v2") == 0);
	CHECK(store_setting_get(c, &a, "nope", &v) == STORE_NOTFOUND);
	arena_free(&a);
}

static void
transactions(struct store_conn *c)
{
	struct arena	 a;
	char		*v;

	arena_init(&a);
	CHECK(store_begin(c) == STORE_OK);
	CHECK(store_setting_set(c, "tx", "rolled back") == STORE_OK);
	CHECK(store_rollback(c) == STORE_OK);
	CHECK(store_setting_get(c, &a, "tx", &v) == STORE_NOTFOUND);
	CHECK(store_begin(c) == STORE_OK);
	CHECK(store_setting_set(c, "tx", "kept") == STORE_OK);
	CHECK(store_commit(c) == STORE_OK);
	arena_free(&a);
}

/* What moderation and the comment rules read and write. */
static void
moderation(struct store_conn *c, int64_t post, int64_t cm1)
{
	char		 longer[300];
	int64_t		 forgot;
	struct arena	 a;
	struct comment	 cm, *list;
	struct comment	 probe = { .post_id = post, .author = "Bob",
	    .email = "bob@secret.example", .content = "Hi",
	    .ip_hash = "iphash1" };
	struct comment	 add = { .post_id = post, .author = "Eve",
	    .email = "eve@x.y", .content = "Flood", .status = "pending",
	    .created = 5000, .ip_hash = "iphash1", .user_agent = "UA/1",
	    .image = "abc", .thumb = "def", .thumb_w = 320, .thumb_h = 200 };
	struct comment_facts f;
	struct post	 p;
	size_t		 n;
	int64_t		 id;

	arena_init(&a);
	CHECK(store_comment_by_id(c, &a, cm1, &cm) == STORE_OK);
	CHECK(strcmp(cm.email, "bob@secret.example") == 0);
	CHECK(store_comment_by_id(c, &a, 99999, &cm) == STORE_NOTFOUND);
	CHECK(store_comment_add(c, &add, &id) == STORE_OK);
	CHECK(store_comment_by_id(c, &a, id, &cm) == STORE_OK &&
	    strcmp(cm.image, "abc") == 0 && strcmp(cm.thumb, "def") == 0 &&
	    cm.thumb_w == 320 && cm.thumb_h == 200);
	CHECK(store_comments_list(c, &a, "pending", 10, &list, &n) ==
	    STORE_OK && n == 2 && list[0].id == id);	/* newest first */
	CHECK(store_comments_list(c, &a, NULL, 1, &list, &n) == STORE_OK &&
	    n == 1);
	CHECK(moderate(c, id, "spam") == STORE_OK);
	CHECK(moderate(c, 99999, "spam") == STORE_NOTFOUND);
	CHECK(moderate(c, id, "bogus") == STORE_ERROR);
	CHECK(store_comments_list(c, &a, "spam", 10, &list, &n) ==
	    STORE_OK && n == 1 && list[0].id == id &&
	    strcmp(list[0].spam_trained, "spam") == 0);

	CHECK(store_comment_facts(c, &probe, 4000, &f) == STORE_OK);
	CHECK(f.recent_from_ip == 1 && f.duplicates == 1 &&
	    f.approved_by_email == 1);
	CHECK(f.spam_before == 1);	/* Eve, from the same IP hash */
	probe.ip_hash = "otherhash";
	CHECK(store_comment_facts(c, &probe, 4000, &f) == STORE_OK &&
	    f.spam_before == 0);
	probe.email = "eve@x.y";	/* the same sender by email */
	CHECK(store_comment_facts(c, &probe, 4000, &f) == STORE_OK &&
	    f.spam_before == 1);
	probe.ip_hash = "iphash1";	/* by both: still one comment */
	CHECK(store_comment_facts(c, &probe, 4000, &f) == STORE_OK &&
	    f.spam_before == 1);
	probe.email = "bob@secret.example";
	probe.ip_hash = "iphash1";
	CHECK(store_comment_facts(c, &probe, 6000, &f) == STORE_OK);
	CHECK(f.recent_from_ip == 0);
	probe.ip_hash = "";		/* no hash: never a flood */
	CHECK(store_comment_facts(c, &probe, 0, &f) == STORE_OK &&
	    f.recent_from_ip == 0);
	probe.content = "Something new";
	probe.email = "new@x.y";
	probe.author = "New";
	CHECK(store_comment_facts(c, &probe, 0, &f) == STORE_OK &&
	    f.duplicates == 0 && f.approved_by_email == 0);
	/* A long text is a duplicate whole, not by the prefix indexed. */
	memset(longer, 'x', sizeof(longer) - 1);
	longer[sizeof(longer) - 1] = '\0';
	add.content = longer;
	add.author = probe.author;
	add.email = probe.email;
	add.status = "pending";
	add.ip_hash = "";
	CHECK(store_comment_add(c, &add, NULL) == STORE_OK);
	probe.content = longer;
	CHECK(store_comment_facts(c, &probe, 0, &f) == STORE_OK &&
	    f.duplicates == 1);
	longer[sizeof(longer) - 2] = 'y';
	CHECK(store_comment_facts(c, &probe, 0, &f) == STORE_OK &&
	    f.duplicates == 0);
	longer[sizeof(longer) - 2] = 'x';
	longer[99] = 'y';
	CHECK(store_comment_facts(c, &probe, 0, &f) == STORE_OK &&
	    f.duplicates == 0);
	probe.content = "Something new";

	CHECK(store_forget(c, 5001, 1000, &forgot) == STORE_OK &&
	    forgot > 0);
	probe.ip_hash = "iphash1";
	CHECK(store_comment_facts(c, &probe, 0, &f) == STORE_OK &&
	    f.recent_from_ip == 0);		/* the hash is gone */
	CHECK(store_begin(c) == STORE_OK);
	CHECK(store_lock(c, "ip:iphash1") == STORE_OK);
	CHECK(store_commit(c) == STORE_OK);
	CHECK(store_post_by_id(c, &a, post, &p) == STORE_OK &&
	    strcmp(p.slug, "first") == 0);
	CHECK(store_post_by_id(c, &a, 99999, &p) == STORE_NOTFOUND);
	arena_free(&a);
}

struct fixes {
	int	 n;
	int64_t	 post_sum;	/* what the post's sum became */
	int64_t	 comment_count;
};

static void
fixed(void *arg, const char *kind, int64_t id, int64_t old_sum,
    int64_t old_count, int64_t sum, int64_t count)
{
	struct fixes	*f = arg;

	(void)id;
	(void)old_sum;
	(void)old_count;
	f->n++;
	if (strcmp(kind, "post") == 0)
		f->post_sum = sum;
	else
		f->comment_count = count;
}

/* Aggregates that drifted (written around the store) are put right. */
static void
recount(struct store *s, const char *where, int64_t post)
{
	struct store_conn	*c;
	struct fixes		 f = { 0, -1, -1 };
	struct arena		 a;
	struct post		 p;

	CHECK(db_exec(where, "UPDATE posts SET rating_sum = 99 WHERE id = 1;"
	    " UPDATE comments SET vote_count = 7 WHERE id = 1") == 0);
	c = store_conn_get(s);
	CHECK(store_begin(c) == STORE_OK);
	CHECK(store_votes_recount(c, fixed, &f) == STORE_OK);
	CHECK(store_commit(c) == STORE_OK);
	CHECK(f.n == 2 && f.post_sum == 12 && f.comment_count == 3);
	arena_init(&a);
	CHECK(store_post_by_slug(c, &a, "post", "first", &p) == STORE_OK &&
	    p.id == post && p.rating_sum == 12 && p.rating_count == 2);
	arena_free(&a);
	f.n = 0;
	CHECK(store_votes_recount(c, fixed, &f) == STORE_OK && f.n == 0);
	store_conn_put(s, c);
}

/*
 * vote_cast: once per voter key or IP hash; re-voting; retention.  The
 * post starts with the two votes of votes() (5 and 7).
 */
static void
casting(struct store_conn *c, int64_t post)
{
	struct vote	 v = { .item = post, .voter = "k1", .ip_hash = "ipv",
	    .value = 4, .when = 9000, .since = 0 };
	int64_t		 g = gen(c), forgot;

	CHECK(store_begin(c) == STORE_OK);
	CHECK(store_vote_cast(c, &v) == STORE_OK && !v.repeat);
	CHECK(store_commit(c) == STORE_OK);
	CHECK(v.sum == 16 && v.count == 3);
	CHECK(bumped(c, &g));
	v.voter = "k2";			/* a new cookie, the same address */
	CHECK(store_vote_cast(c, &v) == STORE_OK && v.repeat &&
	    v.sum == 16 && v.count == 3);
	v.since = 9001;			/* outside the IP window */
	CHECK(store_vote_cast(c, &v) == STORE_OK && !v.repeat &&
	    v.sum == 20 && v.count == 4);
	v.voter = "k1";
	v.value = 1;
	CHECK(store_vote_cast(c, &v) == STORE_OK && v.repeat &&
	    v.sum == 20 && v.count == 4);	/* kept without allow_change */
	v.allow_change = 1;		/* replaces k1's 4 with 1 */
	CHECK(store_vote_cast(c, &v) == STORE_OK && v.repeat &&
	    v.sum == 17 && v.count == 4);
	v.allow_change = 0;
	/* Retention blanks votes' IP hashes: the address is forgotten. */
	CHECK(store_forget(c, 9001, 1000, &forgot) == STORE_OK &&
	    forgot > 0);
	v.voter = "k3";
	v.since = 0;
	CHECK(store_vote_cast(c, &v) == STORE_OK && !v.repeat &&
	    v.sum == 18 && v.count == 5);
	v.comment = 1;
	v.item = 999999;
	CHECK(store_vote_cast(c, &v) != STORE_OK);	/* no such comment */
}

/* vote_cast on a comment's thumbs (+1, -1, +1 from votes()). */
static void
casting_thumbs(struct store_conn *c, int64_t cm1)
{
	struct vote	 v = { .comment = 1, .item = cm1, .voter = "t1",
	    .ip_hash = "ipt", .value = -1, .when = 9500, .since = 0 };

	CHECK(store_begin(c) == STORE_OK);
	CHECK(store_vote_cast(c, &v) == STORE_OK && !v.repeat &&
	    v.sum == 0 && v.count == 4);
	v.voter = "t2";			/* the same address */
	v.value = 1;
	CHECK(store_vote_cast(c, &v) == STORE_OK && v.repeat &&
	    v.sum == 0 && v.count == 4);
	v.voter = "t1";
	v.allow_change = 1;
	CHECK(store_vote_cast(c, &v) == STORE_OK && v.repeat &&
	    v.sum == 2 && v.count == 4);
	CHECK(store_commit(c) == STORE_OK);
}

/* user_set and user_remove on the accounts made above. */
static void
account_changes(struct store_conn *c, int64_t cat, int64_t dan)
{
	struct arena	 a;
	struct user	 u = { 0 };
	struct session	 se = { 0 };
	int64_t		 g = gen(c);

	arena_init(&a);
	CHECK(store_user_set(c, cat, "admin", NULL) == STORE_OK);
	CHECK(bumped(c, &g));
	CHECK(store_user_by_email(c, &a, "cat@example.org", &u) == STORE_OK);
	CHECK_STR(u.role, "admin");
	CHECK_STR(u.pass_hash, "$argon2id$one");	/* NULL: unchanged */
	CHECK(store_user_set(c, cat, NULL, "$argon2id$two") == STORE_OK);
	CHECK(store_user_by_email(c, &a, "cat@example.org", &u) == STORE_OK);
	CHECK_STR(u.role, "admin");
	CHECK_STR(u.pass_hash, "$argon2id$two");
	CHECK(store_user_set(c, cat, "god", NULL) == STORE_ERROR);
	CHECK(store_user_set(c, 999999, "admin", NULL) == STORE_NOTFOUND);

	CHECK(store_user_by_slug(c, &a, "ann", &u) == STORE_OK);
	CHECK(store_user_remove(c, u.id) == STORE_CONFLICT);	/* posts */
	CHECK(store_user_by_slug(c, &a, "ann", &u) == STORE_OK);
	CHECK(store_session_add(c, "dan-session", dan, 10) == STORE_OK);
	g = gen(c);
	CHECK(store_user_remove(c, dan) == STORE_OK);
	CHECK(bumped(c, &g));
	CHECK(store_user_by_id(c, &a, dan, &u) == STORE_NOTFOUND);
	CHECK(store_session_get(c, &a, "dan-session", &se) ==
	    STORE_NOTFOUND);			/* went with the account */
	CHECK(store_user_remove(c, dan) == STORE_NOTFOUND);
	arena_free(&a);
}

/*
 * Accounts: by id (no email: only the account queries read it back), by
 * email in any case with the hash, the list by name with emails but never
 * a hash, role and password changes, and removal (refused while the user
 * has posts).
 */
static void
accounts(struct store_conn *c, int64_t *cat)
{
	struct user	 dan = { .slug = "dan", .name = "Dan",
	    .email = "dan@x.y" };
	struct user	 cu = { .slug = "cat", .name = "Cat",
	    .email = "Cat@Example.org", .url = "https://cat.example",
	    .bio = "Purrs", .role = "editor", .pass_hash = "$argon2id$one" };
	struct user	 dup = { .slug = "cat2", .name = "Cat2",
	    .email = "cat@EXAMPLE.org" };
	struct user	 u = { 0 }, *list = NULL;
	struct arena	 a;
	size_t		 n = 0, i;
	int64_t		 d, g = gen(c);

	arena_init(&a);
	/* Dan before Cat: the list must sort by name, not by id. */
	CHECK(store_user_add(c, &dan, &d) == STORE_OK);
	CHECK(store_user_add(c, &cu, cat) == STORE_OK);
	CHECK(bumped(c, &g));
	CHECK(store_user_add(c, &dup, NULL) == STORE_CONFLICT);
	dup.email = "cat2@x.y";
	dup.slug = "cat";
	CHECK(store_user_add(c, &dup, NULL) == STORE_CONFLICT);

	CHECK(store_user_by_id(c, &a, *cat, &u) == STORE_OK && u.id == *cat);
	CHECK_STR(u.slug, "cat");
	CHECK_STR(u.name, "Cat");
	CHECK_STR(u.url, "https://cat.example");
	CHECK_STR(u.bio, "Purrs");
	CHECK_STR(u.role, "editor");
	CHECK(u.email == NULL && u.pass_hash == NULL);
	CHECK(store_user_by_id(c, &a, d, &u) == STORE_OK);
	CHECK_STR(u.role, "author");		/* the default */
	CHECK(store_user_by_id(c, &a, 999999, &u) == STORE_NOTFOUND);

	CHECK(store_user_by_email(c, &a, "cAT@example.ORG", &u) == STORE_OK &&
	    u.id == *cat);
	CHECK_STR(u.email, "Cat@Example.org");
	CHECK_STR(u.pass_hash, "$argon2id$one");
	CHECK(store_user_by_email(c, &a, "dan@x.y", &u) == STORE_OK);
	CHECK_STR(u.pass_hash, "");		/* none set */
	CHECK(store_user_by_email(c, &a, "nobody@x.y", &u) ==
	    STORE_NOTFOUND);

	CHECK(store_users_list(c, &a, &list, &n) == STORE_OK && n == 3);
	if (n == 3) {
		CHECK_STR(list[0].name, "Ann");
		CHECK_STR(list[1].name, "Cat");
		CHECK_STR(list[2].name, "Dan");
		CHECK_STR(list[1].email, "Cat@Example.org");
		CHECK(list[1].id == *cat);
	}
	for (i = 0; i < n; i++)
		CHECK(list[i].email != NULL && (list[i].pass_hash == NULL ||
		    list[i].pass_hash[0] == '\0'));
	arena_free(&a);
	account_changes(c, *cat, d);
}

/*
 * Sessions by the hash of their token; neither they nor the login
 * throttle bump the data generation (no page shows them).
 */
static void
sessions(struct store_conn *c, const char *where, int64_t cat)
{
	struct arena	 a;
	struct session	 se = { 0 };
	struct user	 ann = { 0 };
	int64_t		 g = gen(c);

	arena_init(&a);
	CHECK(store_user_by_slug(c, &a, "ann", &ann) == STORE_OK);
	CHECK(store_session_add(c, "s1", cat, 100) == STORE_OK);
	CHECK(store_session_add(c, "s1", cat, 101) == STORE_CONFLICT);
	CHECK(store_session_get(c, &a, "s1", &se) == STORE_OK &&
	    se.user.id == cat && se.created == 100 && se.seen == 100);
	CHECK_STR(se.user.name, "Cat");
	CHECK_STR(se.user.role, "admin");
	CHECK(store_session_get(c, &a, "s0", &se) == STORE_NOTFOUND);
	CHECK(store_session_touch(c, "s1", 160) == STORE_OK);
	CHECK(store_session_get(c, &a, "s1", &se) == STORE_OK &&
	    se.created == 100 && se.seen == 160);

	CHECK(store_session_add(c, "s2", cat, 200) == STORE_OK);
	CHECK(store_session_add(c, "s3", cat, 200) == STORE_OK);
	CHECK(store_session_add(c, "o1", ann.id, 200) == STORE_OK);
	CHECK(store_sessions_end_user(c, cat, "s2") == STORE_OK);
	CHECK(store_session_get(c, &a, "s1", &se) == STORE_NOTFOUND);
	CHECK(store_session_get(c, &a, "s3", &se) == STORE_NOTFOUND);
	CHECK(store_session_get(c, &a, "s2", &se) == STORE_OK);	/* kept */
	CHECK(store_session_get(c, &a, "o1", &se) == STORE_OK &&
	    se.user.id == ann.id);		/* another user's */
	CHECK(store_session_end(c, "s2") == STORE_OK);
	CHECK(store_session_get(c, &a, "s2", &se) == STORE_NOTFOUND);
	CHECK(store_sessions_end_user(c, ann.id, "") == STORE_OK);
	CHECK(store_session_get(c, &a, "o1", &se) == STORE_NOTFOUND);
	CHECK(db_count(where, "SELECT count(*) FROM sessions") == 0);
	CHECK(g >= 0 && gen(c) == g);
	arena_free(&a);
}

static void
throttle(struct store_conn *c)
{
	int64_t	 f = -1, l = -1, g = gen(c);

	CHECK(store_throttle_get(c, "pair:k", &f, &l) == STORE_OK &&
	    f == 0 && l == 0);		/* never failed */
	CHECK(store_throttle_fail(c, "pair:k", 1000) == STORE_OK);
	CHECK(store_throttle_get(c, "pair:k", &f, &l) == STORE_OK &&
	    f == 1 && l == 1000);
	CHECK(store_throttle_fail(c, "pair:k", 1010) == STORE_OK);
	CHECK(store_throttle_fail(c, "ip:k", 1020) == STORE_OK);
	CHECK(store_throttle_get(c, "pair:k", &f, &l) == STORE_OK &&
	    f == 2 && l == 1010);
	CHECK(store_throttle_get(c, "ip:k", &f, &l) == STORE_OK &&
	    f == 1 && l == 1020);
	CHECK(store_throttle_clear(c, "pair:k") == STORE_OK);
	CHECK(store_throttle_get(c, "pair:k", &f, &l) == STORE_OK &&
	    f == 0 && l == 0);
	CHECK(store_throttle_get(c, "ip:k", &f, &l) == STORE_OK &&
	    f == 1);			/* another key's count stays */
	CHECK(store_throttle_clear(c, "ip:k") == STORE_OK);
	CHECK(g >= 0 && gen(c) == g);
}

/* The posts the editor's sections share: Ed's, and Ann's id. */
struct ed {
	int64_t	 ed, ann;
	int64_t	 draft, page, pub, trash, sched;
};

/* Adds a post of Ed's; the fields the editor reads back are all set. */
static int64_t
ed_post(struct store_conn *c, int64_t ed, const char *type,
    const char *slug, const char *status, int64_t published,
    int64_t modified)
{
	struct post	 p = { .type = (char *)type, .slug = (char *)slug,
	    .title = "Ed's", .status = (char *)status, .author_id = ed,
	    .published = published, .modified = modified, .format = "html",
	    .body = "<p>Body</p>", .excerpt = "Short", .source_name = "Wire",
	    .source_url = "https://wire.example", .comments_open = 1,
	    .filtered = 1 };
	int64_t		 id = 0;

	CHECK(store_post_add(c, &p, &id) == STORE_OK && id > 0);
	return id;
}

/* Expects posts_find's page to be exactly want[0..nwant), and total. */
static void
found(struct store_conn *c, const struct post_filter *f, int64_t total,
    const int64_t *want, size_t nwant)
{
	struct arena	 a;
	struct post	*list = NULL;
	size_t		 n = 0, i;
	int64_t		 t = -1;

	arena_init(&a);
	CHECK(store_posts_find(c, &a, f, &list, &n, &t) == STORE_OK);
	CHECK(t == total);
	if (CHECK(n == nwant))
		for (i = 0; i < n; i++)
			CHECK(list[i].id == want[i]);
	arena_free(&a);
}

/* Drafts of any author: Ed's (modified 3300), then Ann's (1000). */
static void
anyones_drafts(struct store_conn *c, const struct post_filter *f,
    const struct ed *e)
{
	struct arena	 a;
	struct post	*list = NULL;
	size_t		 n = 0;
	int64_t		 t = -1;

	arena_init(&a);
	CHECK(store_posts_find(c, &a, f, &list, &n, &t) == STORE_OK &&
	    t == 2 && n == 2);
	CHECK(n == 2 && list[0].id == e->draft && list[1].author_id == e->ann);
	CHECK(n == 2 && strcmp(list[1].slug, "draft") == 0);
	arena_free(&a);
}

static void
editor_lists(struct store_conn *c, const struct ed *e)
{
	struct post_filter	 f = { .type = "post", .author_id = e->ed,
	    .limit = 10 };

	/* Any status but trash, by modified time: draft 3300, pub 3000. */
	found(c, &f, 2, (int64_t[]){ e->draft, e->pub }, 2);
	f.offset = 1;
	f.limit = 1;
	found(c, &f, 2, (int64_t[]){ e->pub }, 1);
	f.offset = 0;
	f.limit = 10;
	f.status = "trash";
	found(c, &f, 1, (int64_t[]){ e->trash }, 1);
	f.status = "draft";
	f.author_id = 0;		/* anyone's: Ann's "draft" too */
	anyones_drafts(c, &f, e);
	f.type = "page";
	f.status = NULL;
	f.author_id = e->ed;
	found(c, &f, 2, (int64_t[]){ e->page, e->sched }, 2);
	f.author_id = 999999;
	found(c, &f, 0, NULL, 0);
}

/* post_update rewrites every editable column, never the type. */
static void
editor_update(struct store_conn *c, const struct ed *e)
{
	struct post	 p = { .id = e->draft, .type = "page",
	    .slug = "ed-live", .title = "Live", .status = "publish",
	    .author_id = e->ann, .published = 41000, .modified = 41001,
	    .format = "markdown", .body = "New *body*", .excerpt = "",
	    .source_name = "Agency", .source_url = "https://agency.example",
	    .comments_open = 0, .filtered = 0 };
	struct arena	 a;
	struct post	 got = { 0 }, *dl;
	size_t		 dn;
	int64_t		 g = gen(c);

	arena_init(&a);
	CHECK(store_post_update(c, &p) == STORE_OK);
	CHECK(bumped(c, &g));
	CHECK(store_post_get(c, &a, e->draft, &got) == STORE_OK &&
	    got.author_id == e->ann && got.published == 41000 &&
	    got.modified == 41001 && got.comments_open == 0 &&
	    got.filtered == 0);
	CHECK_STR(got.type, "post");
	CHECK_STR(got.slug, "ed-live");
	CHECK_STR(got.title, "Live");
	CHECK_STR(got.status, "publish");
	CHECK_STR(got.author_name, "Ann");
	CHECK_STR(got.format, "markdown");
	CHECK_STR(got.body, "New *body*");
	CHECK_STR(got.excerpt, "");
	CHECK_STR(got.source_name, "Agency");
	CHECK_STR(got.source_url, "https://agency.example");
	CHECK(store_post_by_slug(c, &a, "post", "ed-live", &got) == STORE_OK &&
	    got.id == e->draft);
	CHECK(store_drafts_latest(c, &a, e->ed, 10, &dl, &dn) == STORE_OK &&
	    dn == 1);
	p.slug = "ed-pub";			/* another post's */
	CHECK(store_post_update(c, &p) == STORE_CONFLICT);
	p.slug = "ed-live";
	p.status = "bogus";
	CHECK(store_post_update(c, &p) == STORE_ERROR);
	p.status = "publish";
	p.id = 999999;
	CHECK(store_post_update(c, &p) == STORE_NOTFOUND);
	CHECK(store_post_get(c, &a, e->draft, &got) == STORE_OK);
	CHECK_STR(got.slug, "ed-live");	/* the refused updates left it */
	arena_free(&a);
}

/* Slugs taken, posts falling due, the generation bump; then updates. */
static void
editor_slugs(struct store_conn *c, const struct ed *e)
{
	int	 taken = -1;
	int64_t	 n = -1, g;

	CHECK(store_slug_taken(c, "post", "ed-pub", 0, &taken) == STORE_OK &&
	    taken == 1);
	CHECK(store_slug_taken(c, "post", "ed-pub", e->pub, &taken) ==
	    STORE_OK && taken == 0);	/* its own slug */
	CHECK(store_slug_taken(c, "post", "ed-pub", e->draft, &taken) ==
	    STORE_OK && taken == 1);
	CHECK(store_slug_taken(c, "page", "ed-pub", 0, &taken) == STORE_OK &&
	    taken == 0);		/* another type */
	CHECK(store_slug_taken(c, "post", "ed-trash", 0, &taken) ==
	    STORE_OK && taken == 1);	/* trash still holds its slug */
	CHECK(store_slug_taken(c, "post", "nobody-has", 0, &taken) ==
	    STORE_OK && taken == 0);

	/* Published in (after, upto]: Ed's post and page, not his draft. */
	CHECK(store_scheduled_due(c, 39999, 40010, &n) == STORE_OK && n == 2);
	CHECK(store_scheduled_due(c, 40000, 40010, &n) == STORE_OK && n == 1);
	CHECK(store_scheduled_due(c, 39999, 40009, &n) == STORE_OK && n == 1);
	CHECK(store_scheduled_due(c, 40010, 50000, &n) == STORE_OK && n == 0);
	g = gen(c);
	CHECK(store_generation_bump(c) == STORE_OK);
	CHECK(bumped(c, &g));
	CHECK(store_generation_bump(c) == STORE_OK);
	CHECK(bumped(c, &g));
	editor_update(c, e);
}

/*
 * The editor's reads: any post by id whatever its status, the admin's
 * filtered lists (newest modified first, trash only when asked), the
 * drafts count, slugs taken, posts falling due.
 */
static void
editor(struct store_conn *c, struct ed *e)
{
	struct user	 u = { .slug = "ed", .name = "Ed", .email = "ed@x.y" };
	struct arena	 a;
	struct post	 p = { 0 };
	struct post	*dl;
	size_t		 dn;
	int64_t		 g;

	arena_init(&a);
	CHECK(store_user_add(c, &u, &e->ed) == STORE_OK);
	CHECK(store_user_by_slug(c, &a, "ann", &u) == STORE_OK);
	e->ann = u.id;
	g = gen(c);
	/* Modified times out of id order, so the lists' order shows. */
	e->draft = ed_post(c, e->ed, "post", "ed-draft", "draft", 40005, 3300);
	CHECK(bumped(c, &g));
	e->page = ed_post(c, e->ed, "page", "ed-page", "draft", 0, 3250);
	e->pub = ed_post(c, e->ed, "post", "ed-pub", "publish", 40000, 3000);
	e->trash = ed_post(c, e->ed, "post", "ed-trash", "trash", 100, 3400);
	e->sched = ed_post(c, e->ed, "page", "ed-sched", "publish", 40010,
	    3200);

	CHECK(store_post_get(c, &a, e->draft, &p) == STORE_OK &&
	    p.id == e->draft && p.author_id == e->ed && p.published == 40005 &&
	    p.modified == 3300 && p.comments_open == 1 && p.filtered == 1);
	CHECK_STR(p.type, "post");
	CHECK_STR(p.slug, "ed-draft");
	CHECK_STR(p.status, "draft");
	CHECK_STR(p.title, "Ed's");
	CHECK_STR(p.author_name, "Ed");
	CHECK_STR(p.author_slug, "ed");
	CHECK_STR(p.format, "html");
	CHECK_STR(p.body, "<p>Body</p>");
	CHECK_STR(p.excerpt, "Short");
	CHECK_STR(p.source_name, "Wire");
	CHECK_STR(p.source_url, "https://wire.example");
	CHECK(store_post_get(c, &a, e->trash, &p) == STORE_OK);
	CHECK_STR(p.status, "trash");
	CHECK(store_post_get(c, &a, 999999, &p) == STORE_NOTFOUND);
	/* What readers ask for: published only. */
	CHECK(store_post_by_id(c, &a, e->draft, &p) == STORE_NOTFOUND);
	CHECK(store_post_by_slug(c, &a, "post", "ed-draft", &p) ==
	    STORE_NOTFOUND);

	/* The dashboard's: each user's own, the last changed first. */
	CHECK(store_drafts_latest(c, &a, e->ed, 10, &dl, &dn) == STORE_OK &&
	    dn == 2 && dl[0].modified >= dl[1].modified &&
	    dl[0].author_id == e->ed && dl[1].author_id == e->ed);
	CHECK(store_drafts_latest(c, &a, e->ed, 1, &dl, &dn) == STORE_OK &&
	    dn == 1);
	CHECK(store_drafts_latest(c, &a, e->ann, 10, &dl, &dn) == STORE_OK &&
	    dn == 1 && strcmp(dl[0].status, "draft") == 0);
	arena_free(&a);
	editor_lists(c, e);
	editor_slugs(c, e);
}

/* Revisions: newest first, bodies included; not shown to readers. */
static void
revisions(struct store_conn *c, const struct ed *e)
{
	struct revision	 r = { .post_id = e->pub, .title = "R-a", .body = "ba",
	    .excerpt = "ea", .format = "markdown", .created = 200,
	    .author_id = e->ed };
	struct revision	*list = NULL;
	struct arena	 a;
	size_t		 n = 0;
	int64_t		 ra, rb, rc, g = gen(c);

	arena_init(&a);
	CHECK(store_revision_add(c, &r, &ra) == STORE_OK);
	r.title = "R-b";
	r.body = "bb";
	r.excerpt = "eb";
	r.format = "html";
	r.created = 100;
	r.author_id = e->ann;
	CHECK(store_revision_add(c, &r, &rb) == STORE_OK);
	r.title = "R-c";
	r.created = 200;
	CHECK(store_revision_add(c, &r, &rc) == STORE_OK);
	CHECK(g >= 0 && gen(c) == g);
	CHECK(store_revisions_list(c, &a, e->pub, &list, &n) == STORE_OK &&
	    n == 3);
	if (n == 3) {
		/* created DESC, then the later of two at one time first. */
		CHECK(list[0].id == rc && list[1].id == ra && list[2].id == rb);
		CHECK(list[2].post_id == e->pub && list[2].created == 100 &&
		    list[2].author_id == e->ann);
		CHECK_STR(list[2].title, "R-b");
		CHECK_STR(list[2].body, "bb");
		CHECK_STR(list[2].excerpt, "eb");
		CHECK_STR(list[2].format, "html");
		CHECK_STR(list[2].author_name, "Ann");
		CHECK_STR(list[1].author_name, "Ed");
	}
	CHECK(store_revisions_list(c, &a, e->sched, &list, &n) == STORE_OK &&
	    n == 0 && list == NULL);
	r.post_id = 999999;
	CHECK(store_revision_add(c, &r, &rc) == STORE_ERROR);
	arena_free(&a);
}

/* Adds a term; parent 0 for none. */
static int64_t
add_term(struct store_conn *c, const char *taxonomy, const char *slug,
    const char *name, int64_t parent)
{
	struct term	 t = { .taxonomy = (char *)taxonomy,
	    .slug = (char *)slug, .name = (char *)name, .parent_id = parent,
	    .description = "" };
	int64_t		 id = 0;

	CHECK(store_term_add(c, &t, &id) == STORE_OK && id > 0);
	return id;
}

/* Expects the terms of post to be the names want[0..nwant), in order. */
static void
terms_are(struct store_conn *c, int64_t post, const char *const *want,
    size_t nwant)
{
	struct arena	 a;
	struct term	*t = NULL;
	size_t		 n = 0, i;

	arena_init(&a);
	CHECK(store_post_terms(c, &a, post, &t, &n) == STORE_OK);
	if (CHECK(n == nwant))
		for (i = 0; i < n; i++)
			CHECK_STR(t[i].name, want[i]);
	arena_free(&a);
}

/* The count of posts terms_list gives the term named name, or -1. */
static int64_t
listed(struct store_conn *c, const char *taxonomy, const char *name)
{
	struct arena	 a;
	struct term	*t = NULL;
	size_t		 n = 0, i;
	int64_t		 count = -1;

	arena_init(&a);
	if (store_terms_list(c, &a, taxonomy, &t, &n) == STORE_OK)
		for (i = 0; i < n; i++)
			if (strcmp(t[i].name, name) == 0)
				count = t[i].count;
	arena_free(&a);
	return count;
}

static void
term_changes(struct store_conn *c, const struct ed *e, int64_t zeta,
    int64_t alpha, int64_t mid)
{
	struct term	 t = { .id = alpha, .taxonomy = "category",
	    .slug = "alpha-two", .name = "Alpha Two", .parent_id = zeta,
	    .description = "Second" };
	struct arena	 a;
	struct term	 got = { 0 };
	int64_t		 g = gen(c);

	arena_init(&a);
	CHECK(store_term_update(c, &t) == STORE_OK);
	CHECK(bumped(c, &g));
	CHECK(store_term_by_slug(c, &a, "category", "alpha-two", &got) ==
	    STORE_OK && got.id == alpha && got.parent_id == zeta);
	CHECK_STR(got.name, "Alpha Two");
	CHECK_STR(got.description, "Second");
	CHECK(store_term_by_slug(c, &a, "category", "alpha", &got) ==
	    STORE_NOTFOUND);
	t.slug = "zeta";
	CHECK(store_term_update(c, &t) == STORE_CONFLICT);
	t.slug = "alpha-two";
	t.id = 999999;
	CHECK(store_term_update(c, &t) == STORE_NOTFOUND);

	CHECK(store_term_delete(c, alpha) == STORE_OK);
	CHECK(bumped(c, &g));
	CHECK(store_term_by_slug(c, &a, "category", "mid", &got) ==
	    STORE_OK && got.id == mid && got.parent_id == zeta);
	terms_are(c, e->pub, (const char *[]){ "Zeta", "Zeta" }, 2);
	CHECK(store_term_delete(c, alpha) == STORE_NOTFOUND);
	CHECK(store_term_delete(c, zeta) == STORE_OK);
	CHECK(store_term_by_slug(c, &a, "category", "mid", &got) ==
	    STORE_OK && got.parent_id == 0);
	terms_are(c, e->pub, (const char *[]){ "Zeta" }, 1);	/* the tag */
	arena_free(&a);
}

static void
term_merging(struct store_conn *c, const struct ed *e)
{
	struct arena	 a;
	struct term	 got = { 0 };
	int64_t		 red, blue, g;

	arena_init(&a);
	red = add_term(c, "tag", "red", "Red", 0);
	blue = add_term(c, "tag", "blue", "Blue", 0);
	CHECK(store_post_term_add(c, e->pub, red) == STORE_OK);
	CHECK(store_post_term_add(c, e->sched, red) == STORE_OK);
	CHECK(store_post_term_add(c, e->sched, blue) == STORE_OK);
	CHECK(listed(c, "tag", "Red") == 2 && listed(c, "tag", "Blue") == 1);
	g = gen(c);
	CHECK(store_term_merge(c, red, blue) == STORE_OK);
	CHECK(bumped(c, &g));
	CHECK(store_term_by_slug(c, &a, "tag", "red", &got) == STORE_NOTFOUND);
	CHECK(listed(c, "tag", "Red") == -1 && listed(c, "tag", "Blue") == 2);
	terms_are(c, e->pub, (const char *[]){ "Zeta", "Blue" }, 2);
	terms_are(c, e->sched, (const char *[]){ "Blue" }, 1);	/* once */
	CHECK(store_post_terms_clear(c, e->sched) == STORE_OK);
	CHECK(bumped(c, &g));
	terms_are(c, e->sched, NULL, 0);
	terms_are(c, e->pub, (const char *[]){ "Zeta", "Blue" }, 2);
	CHECK(listed(c, "tag", "Blue") == 1);
	arena_free(&a);
}

/*
 * Categories and tags: the list by name with counts, a post's terms in
 * the order linked, update, delete (children move up, posts lose it),
 * merge (no post linked twice), and clearing a post's terms.
 */
static void
taxonomy(struct store_conn *c, const struct ed *e)
{
	struct term	 t = { .taxonomy = "category", .slug = "zeta",
	    .name = "Other" };
	struct arena	 a;
	struct term	*list = NULL;
	struct post	*posts = NULL;
	struct post_filter f = { .type = "post", .author_id = e->ed,
	    .limit = 10 };
	size_t		 n = 0;
	int64_t		 zeta, alpha, mid, ztag, total = -1, g;

	arena_init(&a);
	zeta = add_term(c, "category", "zeta", "Zeta", 0);
	alpha = add_term(c, "category", "alpha", "Alpha", zeta);
	mid = add_term(c, "category", "mid", "Mid", alpha);
	CHECK(store_term_add(c, &t, NULL) == STORE_CONFLICT);
	ztag = add_term(c, "tag", "zeta", "Zeta", 0);	/* another taxonomy */
	g = gen(c);
	CHECK(store_post_term_add(c, e->pub, zeta) == STORE_OK);
	CHECK(bumped(c, &g));
	CHECK(store_post_term_add(c, e->pub, ztag) == STORE_OK);
	CHECK(store_post_term_add(c, e->pub, alpha) == STORE_OK);
	/* Categories first, each taxonomy in the order linked. */
	terms_are(c, e->pub, (const char *[]){ "Zeta", "Alpha", "Zeta" }, 3);
	CHECK(store_terms_list(c, &a, "category", &list, &n) == STORE_OK &&
	    n == 3);
	if (n == 3) {
		CHECK_STR(list[0].name, "Alpha");
		CHECK_STR(list[1].name, "Mid");
		CHECK_STR(list[2].name, "Zeta");
		CHECK(list[0].count == 1 && list[1].count == 0 &&
		    list[2].count == 1);
		CHECK(list[0].parent_id == zeta && list[1].parent_id == alpha &&
		    list[2].parent_id == 0 && list[1].id == mid);
		CHECK_STR(list[0].taxonomy, "category");
		CHECK_STR(list[0].slug, "alpha");
	}
	f.term_id = alpha;
	CHECK(store_posts_find(c, &a, &f, &posts, &n, &total) == STORE_OK &&
	    total == 1 && n == 1 && posts[0].id == e->pub);
	arena_free(&a);
	term_changes(c, e, zeta, alpha, mid);
	term_merging(c, e);
}

/* A day of the dashboard's chart: comments from DAY0 on (a midnight). */
#define DAY0	(86400 * 93)

/* Gil's post and its comments, c[0..6) in the order added. */
struct thread {
	int64_t	 gil, post;
	int64_t	 c[6];
};

static int64_t
reply(struct store_conn *c, struct comment *cm, const char *author,
    const char *email, const char *status, int64_t parent, int64_t created)
{
	int64_t	 id = 0;

	cm->author = (char *)author;
	cm->email = (char *)email;
	cm->status = (char *)status;
	cm->parent_id = parent;
	cm->created = created;
	CHECK(store_comment_add(c, cm, &id) == STORE_OK && id > 0);
	return id;
}

/*
 * Gil's post gets six comments: c0 Hal approved (with a picture), c1 Ivy
 * pending (a reply to c0), c2 spam, c3 Hal trash, c4 Jo approved (a reply
 * to c1, the next day), c5 Kim approved, added last but written first;
 * and votes on both days around them.
 */
static void
thread_fill(struct store_conn *c, struct thread *t)
{
	struct user	 u = { .slug = "gil", .name = "Gil",
	    .email = "gil@x.y" };
	struct post	 p = { .type = "post", .slug = "gils", .title = "Gil's",
	    .status = "publish", .published = 50000, .modified = 50001,
	    .format = "markdown", .body = "Hi", .comments_open = 1 };
	struct comment	 cm = { .content = "Great post",
	    .url = "https://hal.example", .ip_hash = "ipH",
	    .user_agent = "UA-H", .image = "m-aaa", .thumb = "th-aaa",
	    .avatar = "av-hal" };

	CHECK(store_user_add(c, &u, &t->gil) == STORE_OK);
	p.author_id = t->gil;
	CHECK(store_post_add(c, &p, &t->post) == STORE_OK);
	cm.post_id = t->post;
	t->c[0] = reply(c, &cm, "Hal", "Hal@Mail.example", "approved", 0,
	    DAY0 + 10);
	cm.image = cm.thumb = cm.avatar = "";
	cm.url = "https://ivy.old";
	cm.ip_hash = "ipI";
	cm.user_agent = "UA-I";
	cm.content = "Agreed";
	t->c[1] = reply(c, &cm, "Ivy", "ivy@x.y", "pending", t->c[0],
	    DAY0 + 20);
	cm.content = "Buy PILLS";
	cm.url = "";
	t->c[2] = reply(c, &cm, "Spammer", "s@x.y", "spam", 0, DAY0 + 30);
	cm.content = "Oops";
	cm.ip_hash = "ipH2";
	cm.user_agent = "UA-H2";
	cm.avatar = "av-hal";
	t->c[3] = reply(c, &cm, "Hal", "hal@mail.example", "trash", 0,
	    DAY0 + 40);
	cm.content = "Me too";
	cm.avatar = "";
	t->c[4] = reply(c, &cm, "Jo", "jo@x.y", "approved", t->c[1],
	    DAY0 + 86400 + 50);
	cm.content = "First!";
	t->c[5] = reply(c, &cm, "Kim", "kim@x.y", "approved", 0, DAY0 + 5);
	CHECK(store_post_vote_add(c, t->post, "dv0", 3, DAY0 - 1) == STORE_OK);
	CHECK(store_post_vote_add(c, t->post, "dv1", 4, DAY0 + 100) ==
	    STORE_OK);
	CHECK(store_comment_vote_add(c, t->c[0], "dv2", 1, DAY0 + 86400 + 5) ==
	    STORE_OK);
	CHECK(store_comment_vote_add(c, t->c[0], "dv3", -1,
	    DAY0 + 2 * 86400 + 1) == STORE_OK);
	CHECK(store_post_vote_add(c, t->post, "dv4", 5, DAY0 + 3 * 86400) ==
	    STORE_OK);
}

/* The dashboard: comments by day and status, and votes, from DAY0. */
static void
daily(struct store_conn *c)
{
	struct day_counts	 d[4];

	memset(d, 0x55, sizeof(d));
	d[3].votes = 77;
	CHECK(store_daily(c, DAY0, 3, d) == STORE_OK);
	/* Day 0: Hal and Kim approved, Ivy pending, the spam; trash not. */
	CHECK(d[0].approved == 2 && d[0].pending == 1 && d[0].spam == 1 &&
	    d[0].votes == 1);
	CHECK(d[1].approved == 1 && d[1].pending == 0 && d[1].spam == 0 &&
	    d[1].votes == 1);
	CHECK(d[2].approved == 0 && d[2].pending == 0 && d[2].spam == 0 &&
	    d[2].votes == 1);
	CHECK(d[3].votes == 77);	/* past ndays: not written */
	CHECK(store_daily(c, DAY0 + 86400, 1, d) == STORE_OK &&
	    d[0].approved == 1 && d[0].pending == 0 && d[0].votes == 1);
}

/* What readers and moderators read of one post's comments. */
static void
thread_reads(struct store_conn *c, const struct thread *t)
{
	struct arena	 a;
	struct comment	*cm = NULL;
	size_t		 n = 0, i;

	arena_init(&a);
	/* Readers: approved only, oldest first, no email. */
	CHECK(store_comments_page(c, &a, t->post, 1, INT64_MAX, 1000000,
	    &cm, &n) == STORE_OK &&
	    n == 3);
	if (n == 3)
		CHECK(cm[0].id == t->c[5] && cm[1].id == t->c[0] &&
		    cm[2].id == t->c[4]);
	for (i = 0; i < n; i++)
		CHECK(cm[i].email == NULL);
	CHECK(n == 3 && cm[1].vote_sum == 0 && cm[1].vote_count == 2 &&
	    cm[1].parent_id == 0 && cm[2].parent_id == t->c[1]);
	CHECK(n == 3 && strcmp(cm[1].image, "m-aaa") == 0 &&
	    strcmp(cm[1].avatar, "av-hal") == 0 &&
	    strcmp(cm[1].url, "https://hal.example") == 0);
	/* Moderators: every status, in the order written, with email. */
	CHECK(store_comments_of_post(c, &a, t->post, &cm, &n) == STORE_OK &&
	    n == 6);
	for (i = 0; i < n && n == 6; i++)
		CHECK(cm[i].id == t->c[i] && cm[i].email != NULL &&
		    cm[i].email[0] != '\0');
	CHECK(n == 6 && strcmp(cm[0].email, "Hal@Mail.example") == 0 &&
	    strcmp(cm[3].status, "trash") == 0 &&
	    strcmp(cm[2].status, "spam") == 0);
	CHECK(store_comments_of_post(c, &a, 999999, &cm, &n) == STORE_OK &&
	    n == 0 && cm == NULL);
	arena_free(&a);
}

/* Expects comments_find's page to be c[want[0..nwant)], and total. */
static void
find_is(struct store_conn *c, const struct thread *t,
    const struct comment_query *q, int64_t total, const int *want,
    size_t nwant)
{
	struct arena	 a;
	struct comment	*cm = NULL;
	size_t		 n = 0, i;
	int64_t		 got = -1;

	arena_init(&a);
	CHECK(store_comments_find(c, &a, q, &cm, &n, &got) == STORE_OK);
	CHECK(got == total);
	if (CHECK(n == nwant))
		for (i = 0; i < n; i++)
			CHECK(cm[i].id == t->c[want[i]]);
	arena_free(&a);
}

/* Moderation's page: filters, search, paging, newest first. */
static void
finding(struct store_conn *c, const struct thread *t)
{
	struct comment_query	 q = { .author_id = t->gil, .limit = 10 };
	struct arena		 a;
	struct comment		*cm = NULL;
	size_t			 n = 0;
	int64_t			 total = -1;

	/* Any status but trash, by created time. */
	find_is(c, t, &q, 5, (int[]){ 4, 2, 1, 0, 5 }, 5);
	q.offset = 1;
	q.limit = 2;
	find_is(c, t, &q, 5, (int[]){ 2, 1 }, 2);
	q.offset = 0;
	q.limit = 10;
	q.status = "trash";
	find_is(c, t, &q, 1, (int[]){ 3 }, 1);
	q.status = "pending";
	find_is(c, t, &q, 1, (int[]){ 1 }, 1);
	q.status = NULL;
	q.q = "pills";				/* the text, in any case */
	find_is(c, t, &q, 1, (int[]){ 2 }, 1);
	q.q = "MAIL.EX";			/* the email; trash left out */
	find_is(c, t, &q, 1, (int[]){ 0 }, 1);
	q.q = "ivy";				/* the name */
	find_is(c, t, &q, 1, (int[]){ 1 }, 1);
	q.q = "%";				/* a character, not a pattern */
	find_is(c, t, &q, 0, NULL, 0);
	q.q = "";
	find_is(c, t, &q, 5, (int[]){ 4, 2, 1, 0, 5 }, 5);
	q.author_id = 999999;
	find_is(c, t, &q, 0, NULL, 0);

	arena_init(&a);
	q.author_id = t->gil;
	q.limit = 1;
	CHECK(store_comments_find(c, &a, &q, &cm, &n, &total) == STORE_OK &&
	    n == 1 && cm[0].post_id == t->post && cm[0].post_author == t->gil &&
	    cm[0].post_published == 50000 && cm[0].parent_id == t->c[1]);
	CHECK(n == 1 && strcmp(cm[0].post_title, "Gil's") == 0 &&
	    strcmp(cm[0].post_slug, "gils") == 0 &&
	    strcmp(cm[0].email, "jo@x.y") == 0);
	arena_free(&a);
}

/* Comments per status on Gil's posts, and over the whole site. */
static void
comment_counts(struct store_conn *c, const struct thread *t,
    const int64_t before[4])
{
	int64_t	 k[4] = { -1, -1, -1, -1 };

	CHECK(store_comment_counts(c, t->gil, k) == STORE_OK &&
	    k[0] == 3 && k[1] == 1 && k[2] == 1 && k[3] == 1);
	CHECK(store_comment_counts(c, 0, k) == STORE_OK &&
	    k[0] == before[0] + 3 && k[1] == before[1] + 1 &&
	    k[2] == before[2] + 1 && k[3] == before[3] + 1);
	CHECK(store_comment_counts(c, 999999, k) == STORE_OK &&
	    k[0] == 0 && k[1] == 0 && k[2] == 0 && k[3] == 0);
}

/*
 * One address's comments for the privacy export, whole and in any case;
 * retention then blanks the IP hash and user agent of the older one.
 */
static void
privacy_reads(struct store_conn *c, const struct thread *t)
{
	int64_t		 forgot;
	struct arena	 a;
	struct comment	*cm = NULL;
	size_t		 n = 0;

	arena_init(&a);
	CHECK(store_privacy_comments(c, &a, "HAL@mail.EXAMPLE", &cm, &n) ==
	    STORE_OK && n == 2);
	CHECK(n == 2 && cm[0].id == t->c[0] && cm[1].id == t->c[3]);
	CHECK(n == 2 && strcmp(cm[0].ip_hash_out, "ipH") == 0 &&
	    strcmp(cm[0].user_agent_out, "UA-H") == 0 &&
	    strcmp(cm[0].email, "Hal@Mail.example") == 0 &&
	    strcmp(cm[1].status, "trash") == 0);
	CHECK(store_privacy_comments(c, &a, "nobody@x.y", &cm, &n) ==
	    STORE_OK && n == 0);
	CHECK(store_forget(c, DAY0 + 15, 1000, &forgot) == STORE_OK &&
	    forgot >= 1);
	CHECK(store_privacy_comments(c, &a, "hal@mail.example", &cm, &n) ==
	    STORE_OK && n == 2);
	CHECK(n == 2 && strcmp(cm[0].ip_hash_out, "") == 0 &&
	    strcmp(cm[0].user_agent_out, "") == 0);
	CHECK(n == 2 && strcmp(cm[1].ip_hash_out, "ipH2") == 0 &&
	    strcmp(cm[1].user_agent_out, "UA-H2") == 0);	/* newer */
	CHECK(store_privacy_comments(c, &a, "ivy@x.y", &cm, &n) == STORE_OK &&
	    n == 1 && strcmp(cm[0].ip_hash_out, "ipI") == 0);
	arena_free(&a);
}

/* Moderation's writes: status, a moderator's edit, anonymising. */
static void
comment_writes(struct store_conn *c, const char *where, const struct thread *t)
{
	struct comment	 ed = { .id = t->c[1], .author = "Ivy V",
	    .email = "ivy@new.example", .url = "https://ivy.example",
	    .content = "Edited" };
	struct arena	 a;
	struct comment	 got = { 0 };
	int64_t		 g = gen(c);

	arena_init(&a);
	CHECK(store_comment_moderate(c, t->c[1], "approved", "ham") ==
	    STORE_OK);
	CHECK(bumped(c, &g));
	CHECK(store_comment_by_id(c, &a, t->c[1], &got) == STORE_OK);
	CHECK_STR(got.status, "approved");
	CHECK_STR(got.spam_trained, "ham");
	CHECK(store_comment_moderate(c, 999999, "approved", "") ==
	    STORE_NOTFOUND);
	CHECK(store_comment_moderate(c, t->c[1], "bogus", "") == STORE_ERROR);

	CHECK(store_comment_edit(c, &ed) == STORE_OK);
	CHECK(bumped(c, &g));
	CHECK(store_comment_by_id(c, &a, t->c[1], &got) == STORE_OK &&
	    got.parent_id == t->c[0] && got.created == DAY0 + 20);
	CHECK_STR(got.author, "Ivy V");
	CHECK_STR(got.email, "ivy@new.example");
	CHECK_STR(got.url, "https://ivy.example");
	CHECK_STR(got.content, "Edited");
	CHECK_STR(got.status, "approved");	/* not the edit's to change */
	ed.id = 999999;
	CHECK(store_comment_edit(c, &ed) == STORE_NOTFOUND);

	CHECK(store_comment_moderate(c, t->c[3], "trash", "spam") == STORE_OK);
	CHECK(store_comment_anonymise(c, t->c[3]) == STORE_OK);
	CHECK(bumped(c, &g));
	CHECK(store_comment_by_id(c, &a, t->c[3], &got) == STORE_OK);
	CHECK_STR(got.author, "Anonymous");
	CHECK_STR(got.email, "");
	CHECK_STR(got.url, "");
	CHECK_STR(got.avatar, "");
	CHECK_STR(got.spam_trained, "");
	CHECK_STR(got.content, "Oops");		/* the words stay */
	CHECK(count_of(where, "SELECT count(*) FROM comments WHERE id = %lld"
	    " AND ip_hash = '' AND user_agent = ''", t->c[3]) == 1);
	CHECK(store_comment_anonymise(c, 999999) == STORE_NOTFOUND);
	arena_free(&a);
}

/* Removing a comment: its replies move up, its votes go. */
static void
comment_removal(struct store_conn *c, const char *where,
    const struct thread *t)
{
	struct arena	 a;
	struct comment	 got = { 0 };
	int64_t		 n = -1, g = gen(c);

	arena_init(&a);
	CHECK(store_image_uses(c, "m-aaa", &n) == STORE_OK && n == 2);
	CHECK(store_image_uses(c, "th-aaa", &n) == STORE_OK && n == 1);
	CHECK(store_image_uses(c, "m-bbb", &n) == STORE_OK && n == 1);
	CHECK(store_image_uses(c, "nothing", &n) == STORE_OK && n == 0);
	CHECK(store_comment_remove(c, t->c[1]) == STORE_OK);
	CHECK(bumped(c, &g));
	CHECK(store_comment_by_id(c, &a, t->c[1], &got) == STORE_NOTFOUND);
	CHECK(store_comment_by_id(c, &a, t->c[4], &got) == STORE_OK &&
	    got.parent_id == t->c[0]);
	CHECK(store_comment_remove(c, t->c[1]) == STORE_NOTFOUND);
	CHECK(store_comment_remove(c, t->c[0]) == STORE_OK);
	CHECK(store_comment_by_id(c, &a, t->c[4], &got) == STORE_OK &&
	    got.parent_id == 0);
	CHECK(count_of(where, "SELECT count(*) FROM comment_votes WHERE"
	    " comment_id = %lld", t->c[0]) == 0);
	CHECK(store_image_uses(c, "m-aaa", &n) == STORE_OK && n == 1);
	CHECK(store_image_uses(c, "th-aaa", &n) == STORE_OK && n == 0);
	arena_free(&a);
}

/* The media library, newest first, and the picture's uses. */
static void
media_library(struct store_conn *c)
{
	struct media	 m = { .hash = "m-aaa", .mime = "image/jpeg",
	    .width = 640, .height = 480, .bytes = 12345, .alt = "A cat" };
	struct media	*list = NULL;
	struct arena	 a;
	size_t		 n = 0;
	int64_t		 m1, m2, total = -1, g = gen(c);
	time_t		 t0 = time(NULL);

	arena_init(&a);
	CHECK(store_media_list(c, &a, 0, 10, &list, &n, &total) == STORE_OK &&
	    total == 0 && n == 0 && list == NULL);
	CHECK(store_media_add(c, &m, &m1) == STORE_OK);
	CHECK(bumped(c, &g));
	CHECK(store_media_add(c, &m, NULL) == STORE_CONFLICT);
	m.hash = "m-bbb";
	m.mime = "image/png";
	m.alt = "";
	CHECK(store_media_add(c, &m, &m2) == STORE_OK);
	CHECK(store_media_list(c, &a, 0, 10, &list, &n, &total) == STORE_OK &&
	    total == 2 && n == 2);
	if (n == 2) {
		CHECK(list[0].id == m2 && list[1].id == m1);
		CHECK_STR(list[1].hash, "m-aaa");
		CHECK_STR(list[1].mime, "image/jpeg");
		CHECK_STR(list[1].alt, "A cat");
		CHECK(list[1].width == 640 && list[1].height == 480 &&
		    list[1].bytes == 12345);
		CHECK(list[1].created >= t0 && list[1].created <= time(NULL));
	}
	CHECK(store_media_list(c, &a, 1, 1, &list, &n, &total) == STORE_OK &&
	    total == 2 && n == 1 && list[0].id == m1);
	CHECK(store_media_list(c, &a, 2, 10, &list, &n, &total) == STORE_OK &&
	    total == 2 && n == 0);
	arena_free(&a);
}

/* The privacy log: newest first, at most limit, with who acted. */
static void
privacy_log(struct store_conn *c, int64_t cat)
{
	struct privacy_entry	 e = { .created = 100, .action = "export",
	    .subject = "h1", .items = 3 };
	struct privacy_entry	*list = NULL;
	struct arena		 a;
	struct user		 ann = { 0 };
	size_t			 n = 0;

	arena_init(&a);
	CHECK(store_user_by_slug(c, &a, "ann", &ann) == STORE_OK);
	e.user_id = ann.id;
	CHECK(store_privacy_log_add(c, &e) == STORE_OK);
	e.created = 200;
	e.user_id = 999999;		/* an account since removed */
	e.action = "remove";
	e.subject = "h2";
	e.items = 0;
	CHECK(store_privacy_log_add(c, &e) == STORE_OK);
	e.created = 300;
	e.user_id = cat;
	e.action = "anonymise";
	e.subject = "h3";
	e.items = 5;
	CHECK(store_privacy_log_add(c, &e) == STORE_OK);
	CHECK(store_privacy_log_list(c, &a, 10, &list, &n) == STORE_OK &&
	    n == 3);
	if (n == 3) {
		CHECK_STR(list[0].subject, "h3");
		CHECK_STR(list[1].subject, "h2");
		CHECK_STR(list[2].subject, "h1");
		CHECK_STR(list[0].user_name, "Cat");
		CHECK_STR(list[1].user_name, "");
		CHECK_STR(list[2].user_name, "Ann");
		CHECK_STR(list[2].action, "export");
		CHECK(list[2].created == 100 && list[2].items == 3 &&
		    list[2].user_id == ann.id && list[0].items == 5);
	}
	CHECK(store_privacy_log_list(c, &a, 2, &list, &n) == STORE_OK &&
	    n == 2 && strcmp(list[1].subject, "h2") == 0);
	arena_free(&a);
}

/*
 * Deleting a post takes its comments, votes, terms and revisions with
 * it; a user who only wrote a revision can be removed once it is gone.
 */
static void
post_deletion(struct store_conn *c, const char *where, const struct ed *e)
{
	struct user	 fay = { .slug = "fay", .name = "Fay",
	    .email = "fay@x.y" };
	struct revision	 r = { .title = "Old", .body = "b", .excerpt = "",
	    .format = "markdown", .created = 10 };
	struct comment	 cm = { .author = "Lu", .email = "lu@x.y",
	    .content = "Bye", .status = "approved", .created = 20 };
	struct arena	 a;
	struct post	 p = { 0 };
	struct comment	 got = { 0 };
	struct revision	*list = NULL;
	size_t		 n = 0;
	int64_t		 doomed, c1, c2, g;

	arena_init(&a);
	CHECK(store_user_add(c, &fay, &r.author_id) == STORE_OK);
	doomed = ed_post(c, e->ed, "post", "doomed", "publish", 60000, 60000);
	r.post_id = cm.post_id = doomed;
	CHECK(store_revision_add(c, &r, NULL) == STORE_OK);
	CHECK(store_user_remove(c, r.author_id) == STORE_CONFLICT);
	c1 = reply(c, &cm, "Lu", "lu@x.y", "approved", 0, 20);
	c2 = reply(c, &cm, "Mo", "mo@x.y", "pending", c1, 30);
	CHECK(store_post_vote_add(c, doomed, "d1", 2, 40) == STORE_OK);
	CHECK(store_comment_vote_add(c, c1, "d1", 1, 40) == STORE_OK);
	CHECK(store_post_term_add(c, doomed, add_term(c, "tag", "doom", "Doom",
	    0)) == STORE_OK);
	g = gen(c);
	CHECK(store_post_delete(c, doomed) == STORE_OK);
	CHECK(bumped(c, &g));
	CHECK(store_post_get(c, &a, doomed, &p) == STORE_NOTFOUND);
	CHECK(store_comment_by_id(c, &a, c1, &got) == STORE_NOTFOUND);
	CHECK(store_comment_by_id(c, &a, c2, &got) == STORE_NOTFOUND);
	CHECK(store_revisions_list(c, &a, doomed, &list, &n) == STORE_OK &&
	    n == 0);
	CHECK(listed(c, "tag", "Doom") == 0);
	CHECK(count_of(where, "SELECT count(*) FROM post_votes WHERE"
	    " post_id = %lld", doomed) == 0);
	CHECK(count_of(where, "SELECT count(*) FROM comment_votes WHERE"
	    " comment_id = %lld", c1) == 0);
	CHECK(store_post_delete(c, doomed) == STORE_NOTFOUND);
	CHECK(store_user_remove(c, r.author_id) == STORE_OK);
	CHECK(store_user_remove(c, e->ed) == STORE_CONFLICT);	/* posts */
	arena_free(&a);
}

/* The tables rolled_back writes to, and their rows counted from outside. */
static const char *const rb_tables[] = { "users", "posts", "terms",
    "post_terms", "comments", "post_votes", "media", "settings", "sessions" };
#define RB_TABLES	(sizeof(rb_tables) / sizeof(rb_tables[0]))

static void
rows(const char *where, long long n[RB_TABLES])
{
	char	 sql[64];
	size_t	 i;

	for (i = 0; i < RB_TABLES; i++) {
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s",
		    rb_tables[i]);
		n[i] = db_count(where, sql);
	}
}

/*
 * A write inside begin/rollback leaves nothing behind, the generation
 * included; a committed one moves it.
 */
static void
rolled_back(struct store_conn *c, const char *where, int64_t post)
{
	struct user	 u = { .slug = "rb", .name = "Rb", .email = "rb@x.y" };
	struct post	 p = { .type = "post", .slug = "rb", .title = "Rb",
	    .status = "publish", .published = 1, .modified = 1,
	    .format = "markdown", .body = "", .comments_open = 1 };
	struct term	 t = { .taxonomy = "tag", .slug = "rb", .name = "Rb" };
	struct comment	 cm = { .post_id = post, .author = "Rb",
	    .email = "rb@x.y", .content = "Rb", .status = "approved",
	    .created = 1 };
	struct media	 m = { .hash = "rb", .mime = "image/jpeg" };
	struct arena	 a;
	struct post	 got = { 0 };
	char		*v;
	long long	 before[RB_TABLES], after[RB_TABLES];
	int64_t		 g = gen(c), pid = 0, tid = 0, cid = 0;
	size_t		 i;

	arena_init(&a);
	rows(where, before);
	CHECK(store_begin(c) == STORE_OK);
	CHECK(store_user_add(c, &u, &p.author_id) == STORE_OK);
	CHECK(store_post_add(c, &p, &pid) == STORE_OK);
	CHECK(store_term_add(c, &t, &tid) == STORE_OK);
	CHECK(store_post_term_add(c, pid, tid) == STORE_OK);
	CHECK(store_comment_add(c, &cm, &cid) == STORE_OK);
	CHECK(store_post_vote_add(c, post, "rb", 5, 1) == STORE_OK);
	CHECK(store_media_add(c, &m, NULL) == STORE_OK);
	CHECK(store_setting_set(c, "rb", "x") == STORE_OK);
	CHECK(store_session_add(c, "rb", p.author_id, 1) == STORE_OK);
	CHECK(store_rollback(c) == STORE_OK);
	CHECK(g >= 0 && gen(c) == g);
	rows(where, after);
	for (i = 0; i < RB_TABLES; i++)
		CHECK_MSG(before[i] >= 0 && after[i] == before[i],
		    rb_tables[i]);
	CHECK(store_user_by_slug(c, &a, "rb", &u) == STORE_NOTFOUND);
	CHECK(store_post_get(c, &a, pid, &got) == STORE_NOTFOUND);
	CHECK(store_comment_by_id(c, &a, cid, &cm) == STORE_NOTFOUND);
	CHECK(store_setting_get(c, &a, "rb", &v) == STORE_NOTFOUND);
	/* The vote's aggregate went back with it. */
	CHECK(store_post_by_id(c, &a, post, &got) == STORE_OK &&
	    got.rating_sum == 12 && got.rating_count == 2);
	CHECK(store_begin(c) == STORE_OK);
	CHECK(store_setting_set(c, "rb", "y") == STORE_OK);
	CHECK(store_commit(c) == STORE_OK);
	CHECK(bumped(c, &g));
	CHECK(store_setting_get(c, &a, "rb", &v) == STORE_OK &&
	    strcmp(v, "y") == 0);
	arena_free(&a);
}

/* A second connection that asks for the key another transaction holds. */
struct waiter {
	struct store	*s;
	pthread_mutex_t	 mu;
	int		 got;		/* 1 once it holds the key */
	int		 rc;
};

static void *
wait_for_key(void *arg)
{
	struct waiter		*w = arg;
	struct store_conn	*c = store_conn_get(w->s);
	int			 rc = STORE_DOWN;

	if (c != NULL && (rc = store_begin(c)) == STORE_OK) {
		if ((rc = store_lock(c, "contract:key")) == STORE_OK) {
			pthread_mutex_lock(&w->mu);
			w->got = 1;
			pthread_mutex_unlock(&w->mu);
		}
		store_rollback(c);
	}
	store_conn_put(w->s, c);
	w->rc = rc;
	return NULL;
}

/*
 * store_lock holds its key until the transaction ends, by commit or by
 * rollback: another transaction asking for it waits until then.
 */
static void
locking(struct store *s)
{
	struct store_conn	*c;
	struct waiter		 w;
	pthread_t		 th;
	int			 i, got;

	for (i = 0; i < 2; i++) {
		memset(&w, 0, sizeof(w));
		w.s = s;
		pthread_mutex_init(&w.mu, NULL);
		if (!CHECK((c = store_conn_get(s)) != NULL))
			return;
		if (!CHECK(store_begin(c) == STORE_OK &&
		    store_lock(c, "contract:key") == STORE_OK)) {
			store_conn_put(s, c);	/* rolls back */
			return;
		}
		CHECK(pthread_create(&th, NULL, wait_for_key, &w) == 0);
		usleep(500 * 1000);
		pthread_mutex_lock(&w.mu);
		got = w.got;
		pthread_mutex_unlock(&w.mu);
		CHECK_MSG(!got, "a held key was taken by another transaction");
		CHECK((i == 0 ? store_commit(c) : store_rollback(c)) ==
		    STORE_OK);
		pthread_join(th, NULL);
		CHECK(w.got && w.rc == STORE_OK);	/* once it was free */
		store_conn_put(s, c);
		pthread_mutex_destroy(&w.mu);
	}
}

/* db_numbered: expects sql numbered as want, returning max. */
static void
numbered_is(const char *sql, const char *want, int max)
{
	char	 out[128];

	memset(out, 'x', sizeof(out));
	CHECK(db_numbered(sql, out, sizeof(out)) == max);
	CHECK_STR(out, want);
}

/* The PostgreSQL driver's placeholders, and a buffer too small. */
static void
numbered(void)
{
	char	 out[32];

	numbered_is("SELECT ?1, ?2", "SELECT $1, $2", 2);
	numbered_is("a = ? AND b = ?", "a = $1 AND b = $2", 2);
	numbered_is("?1 + ?1 = ?3", "$1 + $1 = $3", 3);
	numbered_is("?10 < ?2", "$10 < $2", 10);
	numbered_is("x = '?' AND y = ?1", "x = '?' AND y = $1", 1);
	numbered_is("\"a?b\" = ?2", "\"a?b\" = $2", 2);
	numbered_is("'it''s ?1' || ?", "'it''s ?1' || $1", 1);
	numbered_is("'a \"?\" b' = ?", "'a \"?\" b' = $1", 1);
	numbered_is("SELECT 1", "SELECT 1", 0);
	numbered_is("", "", 0);
	/* Too small: -1, and nothing written past len. */
	memset(out, 'x', sizeof(out));
	CHECK(db_numbered("SELECT ?1", out, 4) == -1);
	CHECK(out[4] == 'x' && out[31] == 'x');
	memset(out, 'x', sizeof(out));
	CHECK(db_numbered("SELECT a, b, c FROM t", out, 8) == -1);
	CHECK(out[8] == 'x');
	memset(out, 'x', sizeof(out));
	CHECK(db_numbered("SELECT 1", out, 8) == -1);	/* no room for NUL */
	CHECK(out[8] == 'x');
	CHECK(db_numbered("SELECT 1", out, 9) == 0 &&
	    strcmp(out, "SELECT 1") == 0);		/* just enough */
	CHECK(db_numbered("SELECT ?1", out, sizeof(out)) == 1 &&
	    strcmp(out, "SELECT $1") == 0);
}

/* (created, id) of x before y's. */
static int
key_before(const struct comment *x, const struct comment *y)
{
	return x->created < y->created || (x->created == y->created &&
	    x->id < y->id);
}

/*
 * Thread h's comments (head[i] == h) in order, the slow way: into
 * ord[0..) by (created, id); returns how many.
 */
static size_t
thread_of(const struct comment *all, const int64_t *head, size_t n,
    int64_t h, size_t *ord)
{
	size_t	 i, j, m = 0;

	for (i = 0; i < n; i++) {
		if (head[i] != h || h == 0)
			continue;
		for (j = m; j > 0 && key_before(&all[i], &all[ord[j - 1]]); j--)
			ord[j] = ord[j - 1];
		ord[j] = i;
		m++;
	}
	return m;
}

/*
 * Threads by index (store_comment.c): what store_comments_page,
 * store_comment_thread, store_comment_threads and store_comment_place
 * answer for post, checked against the rule worked out here from every
 * comment, the slow way.  A head is an approved comment whose parent is
 * not approved; heads are placed by (created, id); an approved reply
 * shows in its parent's thread; a page cuts each thread to its head and
 * first replies by (created, id).  Returns 1 if all agree.
 */
static int
threads_agree(struct store_conn *c, int64_t post)
{
	static const int64_t cuts[] = { 0, 2, 1000000 };
	struct arena	 a;
	struct comment	*all = NULL, *pg = NULL;
	size_t		 n = 0, np, i, j, k, m, t, want, *ord;
	int64_t		*head, *place, threads = -1, pos;
	int		 ok = 1;

	arena_init(&a);
	if (store_comments_of_post(c, &a, post, &all, &n) != STORE_OK) {
		arena_free(&a);
		return 0;
	}
	head = arena_alloc(&a, (n + 1) * sizeof(*head));
	place = arena_alloc(&a, (n + 1) * sizeof(*place));
	ord = arena_alloc(&a, (2 * n + 1) * sizeof(*ord));
	/* Each comment's head (0: not shown); parents come first by id. */
	for (i = 0; i < n; i++) {
		head[i] = 0;
		if (strcmp(all[i].status, "approved") != 0)
			continue;
		head[i] = all[i].id;
		for (j = 0; j < i; j++)
			if (all[j].id == all[i].parent_id && head[j] != 0)
				head[i] = head[j];
	}
	/* Each head's place: the heads before it by (created, id), plus 1. */
	for (i = 0, m = 0; i < n; i++) {
		place[i] = 0;
		if (head[i] != all[i].id)
			continue;
		m++;
		place[i] = 1;
		for (j = 0; j < n; j++)
			if (head[j] == all[j].id && key_before(&all[j], &all[i]))
				place[i]++;
	}
	if (store_comment_threads(c, post, &threads) != STORE_OK ||
	    threads != (int64_t)m)
		ok = 0;
	/* Page k, cut at each length: thread k's first comments, in order. */
	for (i = 0; ok && i < n; i++) {
		if (place[i] == 0)
			continue;
		t = thread_of(all, head, n, all[i].id, ord);
		for (k = 0; ok && k < sizeof(cuts) / sizeof(cuts[0]); k++) {
			size_t	 replies = 0, w = 0;

			/* The head, and the first cuts[k] other comments. */
			for (j = 0; j < t; j++)
				if (all[ord[j]].id == all[i].id ||
				    replies++ < (size_t)cuts[k])
					ord[t + w++] = ord[j];
			want = w;
			if (store_comments_page(c, &a, post, place[i], place[i],
			    cuts[k], &pg, &np) != STORE_OK || np != want)
				ok = 0;
			for (j = 0; ok && j < np; j++)
				if (pg[j].id != all[ord[t + j]].id ||
				    pg[j].thread_size != (pg[j].id ==
				    all[i].id ? (int64_t)t : 0))
					ok = 0;
		}
		/* Its own pages: two comments a page. */
		for (j = 0; ok && j < t; j += 2)
			if (store_comment_thread(c, &a, post, all[i].id,
			    (int64_t)j, 2, &pos, &pg, &np) != STORE_OK ||
			    pos != place[i] || np != (t - j < 2 ? t - j : 2) ||
			    pg[0].id != all[ord[j]].id ||
			    (np == 2 && pg[1].id != all[ord[j + 1]].id))
				ok = 0;
		if (store_comment_thread(c, &a, post + 1000, all[i].id, 0, 2,
		    &pos, &pg, &np) != STORE_NOTFOUND)
			ok = 0;
	}
	/* A comment not heading a thread has no pages of its own. */
	for (i = 0; ok && i < n; i++)
		if (place[i] == 0 && store_comment_thread(c, &a, post,
		    all[i].id, 0, 2, &pos, &pg, &np) != STORE_NOTFOUND)
			ok = 0;
	/*
	 * Where each comment shows: in its thread, after those before it;
	 * a held reply where its parent does; else nowhere yet (0).
	 */
	for (i = 0; ok && i < n; i++) {
		struct comment_place	 got, exp = { 0, 0, 0 };
		size_t			 at = i;

		if (head[i] == 0)
			for (j = 0, at = n; j < n; j++)
				if (all[j].id == all[i].parent_id &&
				    head[j] != 0)
					at = j;
		if (at < n) {
			exp.head = head[at];
			for (j = 0; j < n; j++) {
				if (all[j].id == exp.head)
					exp.pos = place[j];
				if (head[j] == exp.head &&
				    key_before(&all[j], &all[at]))
					exp.rank++;
			}
		}
		if (store_comment_place(c, all[i].id, &got) != STORE_OK ||
		    got.pos != exp.pos || got.head != exp.head ||
		    got.rank != exp.rank)
			ok = 0;
	}
	arena_free(&a);
	return ok;
}

/* The place of the thread comment id shows in; -1 if the store fails. */
static int64_t
pos_of(struct store_conn *c, int64_t id)
{
	struct comment_place	 pl;

	return store_comment_place(c, id, &pl) == STORE_OK ? pl.pos : -1;
}

/*
 * A post's threads kept true through every write: comments added in
 * and out of order, approved, held, sent to spam and back, removed;
 * the counts, and retention in bounded passes.
 */
static void
threads(struct store_conn *c, int64_t author)
{
	struct post	 p = { .type = "post", .slug = "threaded",
	    .title = "Threaded", .status = "publish", .published = 60000,
	    .modified = 60000, .format = "markdown", .body = "Hi",
	    .comments_open = 1 };
	struct comment	 cm = { .author = "T", .email = "t@x.y",
	    .content = "c", .ip_hash = "ipT", .user_agent = "UA-T" };
	static const char *const st[] = { "approved", "approved", "pending",
	    "approved", "spam", "trash" };
	struct arena	 a;
	struct post	 got;
	struct comment	*all;
	size_t		 nall;
	int64_t		 ids[120], post, n, total, forgot, passes, g0, g1;
	int64_t		 h, r1, r2, pl, t1, t2;
	size_t		 i, nid = 0, ok = 0, rounds = 0;
	unsigned	 seed = 12345;

	p.author_id = author;
	CHECK(store_post_add(c, &p, &post) == STORE_OK);
	cm.post_id = post;
	CHECK(store_comment_threads(c, post, &n) == STORE_OK && n == 0);
	/* Comments with random parents, statuses and times (some equal). */
	for (i = 0; i < 80; i++) {
		seed = seed * 1103515245u + 12345u;
		cm.parent_id = nid > 0 && (seed >> 8) % 3 != 0 ?
		    ids[(seed >> 12) % nid] : 0;
		cm.status = (char *)st[(seed >> 16) % 6];
		cm.created = 70000 + (int64_t)((seed >> 4) % 40);
		CHECK(store_begin(c) == STORE_OK);
		CHECK(store_comment_add(c, &cm, &ids[nid]) == STORE_OK);
		CHECK(store_commit(c) == STORE_OK);
		nid++;
		ok += threads_agree(c, post);
	}
	CHECK(ok == 80);
	/* Moderation and removal, each checked against the rule. */
	for (i = 0, ok = 0; i < 120; i++) {
		int64_t	 id;

		seed = seed * 1103515245u + 12345u;
		id = ids[(seed >> 8) % nid];
		CHECK(store_begin(c) == STORE_OK);
		if ((seed >> 20) % 10 == 0) {
			if (store_comment_remove(c, id) == STORE_OK)
				rounds++;
		} else
			store_comment_moderate(c, id, st[(seed >> 16) % 6],
			    "");
		CHECK(store_commit(c) == STORE_OK);
		ok += threads_agree(c, post);
	}
	CHECK(ok == 120 && rounds > 3);

	/* The cases by hand: a head removed, its reply heads its thread. */
	cm.status = "approved";
	cm.parent_id = 0;
	cm.created = 80000;
	CHECK(store_comment_add(c, &cm, &h) == STORE_OK);
	cm.parent_id = h;
	cm.created = 80001;
	CHECK(store_comment_add(c, &cm, &r1) == STORE_OK);
	cm.parent_id = r1;
	cm.created = 80002;
	CHECK(store_comment_add(c, &cm, &r2) == STORE_OK);
	CHECK((n = pos_of(c, r2)) >= 0 && n > 0 &&
	    (pl = pos_of(c, h)) >= 0 && pl == n);
	CHECK(store_comment_remove(c, h) == STORE_OK && threads_agree(c, post));
	CHECK((pl = pos_of(c, r1)) >= 0 && pl == n &&
	    (pl = pos_of(c, r2)) >= 0 && pl == n);
	/* Held, its reply heads; approved, the reply joins it. */
	CHECK(store_comment_moderate(c, r1, "pending", "") == STORE_OK &&
	    threads_agree(c, post));
	CHECK((pl = pos_of(c, r2)) >= 0 && pl == n);
	CHECK(store_comment_threads(c, post, &t1) == STORE_OK);
	CHECK(store_comment_moderate(c, r1, "approved", "") == STORE_OK &&
	    threads_agree(c, post));
	CHECK(store_comment_threads(c, post, &t2) == STORE_OK && t2 == t1);
	/* An old comment approved late takes its place by date. */
	cm.parent_id = 0;
	cm.status = "pending";
	cm.created = 1;
	CHECK(store_comment_add(c, &cm, &h) == STORE_OK);
	CHECK((pl = pos_of(c, h)) >= 0 && pl == 0);
	CHECK(store_comment_moderate(c, h, "approved", "") == STORE_OK &&
	    threads_agree(c, post));
	CHECK((pl = pos_of(c, h)) >= 0 && pl == 1 &&
	    (n = pos_of(c, r1)) >= 0 && n == t1 + 1);
	arena_init(&a);
	CHECK(store_post_by_id(c, &a, post, &got) == STORE_OK);
	CHECK(store_comments_page(c, &a, post, 1, INT64_MAX, 1000000, &all,
	    &nall) ==
	    STORE_OK && got.comment_count == (int64_t)nall && nall > 5);
	arena_free(&a);

	/* Retention: at most the limit a pass, until none is due. */
	for (i = 0; i < 5; i++) {
		cm.parent_id = 0;
		cm.status = "pending";
		cm.created = 100 + (int64_t)i;
		CHECK(store_comment_add(c, &cm, NULL) == STORE_OK);
	}
	total = passes = 0;
	do {
		CHECK(store_forget(c, 70100, 2, &forgot) == STORE_OK &&
		    forgot <= 2);
		total += forgot;
		passes++;
	} while (forgot == 2 && passes < 1000);
	CHECK(total >= 5 && passes >= 3);
	/* Nothing due: no write, so no page is rendered afresh for it. */
	CHECK(store_generation(c, &g0) == STORE_OK);
	CHECK(store_forget(c, 70100, 2, &forgot) == STORE_OK && forgot == 0);
	CHECK(store_generation(c, &g1) == STORE_OK && g1 == g0);
}

/*
 * The operations the admin, the CLI and the ticker call, each called
 * directly.  In this order: each section builds on the data of those
 * before it (Cat comes from accounts, Ed's posts from editor, the
 * pictures from media_library before the comments that show them).
 */
static void
admin_side(struct store_conn *c, const char *where)
{
	struct ed	 e;
	struct thread	 t;
	int64_t		 cat = 0, before[4] = { -1, -1, -1, -1 };

	accounts(c, &cat);
	sessions(c, where, cat);
	throttle(c);
	editor(c, &e);
	revisions(c, &e);
	taxonomy(c, &e);
	media_library(c);
	CHECK(store_comment_counts(c, 0, before) == STORE_OK);
	thread_fill(c, &t);
	daily(c);
	thread_reads(c, &t);
	finding(c, &t);
	comment_counts(c, &t, before);
	privacy_reads(c, &t);
	comment_writes(c, where, &t);
	comment_removal(c, where, &t);
	threads(c, t.gil);
	privacy_log(c, cat);
	post_deletion(c, where, &e);
}

/* The schema as SQLite sees it: WAL, foreign keys, version 1. */
static void
pragmas(const char *path)
{
	sqlite3		*db;
	sqlite3_stmt	*s;

	CHECK(sqlite3_open(path, &db) == SQLITE_OK);
	CHECK(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &s, 0) == 0 &&
	    sqlite3_step(s) == SQLITE_ROW &&
	    strcmp((const char *)sqlite3_column_text(s, 0), "wal") == 0);
	sqlite3_finalize(s);
	CHECK(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &s, 0) == 0 &&
	    sqlite3_step(s) == SQLITE_ROW && sqlite3_column_int(s, 0) >= 1);
	sqlite3_finalize(s);
	sqlite3_close(db);
}

/* The token table's counts of toks, and its message totals. */
static void
counts(struct store_conn *c, const char *const *toks, size_t n,
    struct spam_count *out, int64_t *nham, int64_t *nspam)
{
	CHECK(store_spam_counts(c, toks, n, out, nham, nspam, NULL) ==
	    STORE_OK);
}

/*
 * A comment approved by a version whose tokenizer had other features
 * (before SPAM_F_LENGTH, comments were learnt with SPAM_F_MAIL_META
 * alone, and migration 27 says so of them): calling it spam now takes
 * back the tokens it taught then, not today's, and the table holds
 * exactly what the spam verdict taught.  Today's features add a token
 * the old ones lack, or the case would prove nothing.
 */
static void
upgraded(struct store_conn *c, const char *where, int64_t post)
{
	struct comment		 cm = { .post_id = post, .author = "Olga",
	    .email = "olga@old.example", .content = "An old reader's fine"
	    " words from before", .status = "pending", .created = 7100,
	    .ip_hash = "", .user_agent = "UA" };
	struct spam_comment	 sc = { cm.author, cm.email, NULL, cm.content };
	struct spam_toks	 old, now;
	struct arena		 a;
	int64_t			 id, step = 0, sstep = 0;
	long long		 sum0;
	const char		*sum = "SELECT coalesce(sum(ham * 7 + spam * 3 +"
	    " w), 0) + count(*) FROM spam_tokens";

	arena_init(&a);
	spam_toks_init(&old, &a);
	old.feat = SPAM_F_MAIL_META;
	spam_comment_tokens(&old, &sc);
	spam_toks_init(&now, &a);
	spam_comment_tokens(&now, &sc);
	CHECK(now.n > old.n);
	sum0 = db_count(where, sum);
	/* As the old version approved it. */
	CHECK(store_comment_add(c, &cm, &id) == STORE_OK);
	CHECK(store_begin(c) == STORE_OK);
	CHECK(store_spam_teach(c, old.tok, old.n, 0, 1, &step) == STORE_OK);
	CHECK(store_spam_step_keep(c, id, step, SPAM_F_MAIL_META) ==
	    STORE_OK);
	CHECK(store_comment_moderate(c, id, "approved", "ham") == STORE_OK);
	CHECK(store_commit(c) == STORE_OK);
	/* Today: spam.  The same as teaching today's tokens spam alone. */
	CHECK(moderate(c, id, "spam") == STORE_OK);
	CHECK(store_begin(c) == STORE_OK);
	CHECK(store_spam_step_of(c, id, &sstep, &old.feat) == STORE_OK &&
	    old.feat == SPAM_FEATURES);
	CHECK(store_spam_teach(c, now.tok, now.n, 1, -1, &sstep) == STORE_OK);
	CHECK(store_commit(c) == STORE_OK);
	CHECK_MSG(db_count(where, sum) == sum0,
	    "a verdict from before the upgrade taken back to the unit");
	arena_free(&a);
}

/*
 * The spam filter's table: learning adds, unlearning takes away exactly
 * that, and moderation trains it in step with a comment's status.
 */
static void
spam_table(struct store_conn *c, const char *where, int64_t post)
{
	static const char *const a[] = { "viagra", "cheap", "h:spam.example",
	    "quote\"and\\back", "caf\xc3\xa9" };
	static const char *const b[] = { "cheap", "hello", "caf\xc3\xa9" };
	struct spam_count	 k[5];
	struct comment		 cm = { .post_id = post, .author = "Tess",
	    .email = "tess@train.example", .content = "Buy cheap pills at"
	    " http://pills.example now", .status = "pending", .created = 7000,
	    .ip_hash = "", .user_agent = "UA", .spam_score = 0.5,
	    .spam_signals = "no_token" };
	struct arena		 ar;
	struct comment		 got;
	int64_t			 nham, nspam, id, h0, s0, g, sa, sb;
	long long		 sum0;

	/* Moderation above taught it one spam already: counts are relative. */
	counts(c, a, 5, k, &h0, &s0);
	CHECK(k[0].spam == 0 && k[4].ham == 0);
	CHECK(store_spam_counts(c, NULL, 0, NULL, &nham, &nspam, NULL) ==
	    STORE_OK && nham == h0 && nspam == s0);	/* the totals alone */
	g = gen(c);
	CHECK(store_begin(c) == STORE_OK);
	CHECK(store_spam_learn(c, a, 5, 1, 1) == STORE_OK);
	CHECK(store_spam_learn(c, b, 3, 0, 1) == STORE_OK);
	CHECK(store_commit(c) == STORE_OK);
	CHECK(g >= 0 && gen(c) == g);	/* no page shows the counts */
	CHECK(db_count(where, "SELECT count(*) FROM spam_tokens WHERE token"
	    " IN ('viagra', 'hello')") == 2);
	counts(c, a, 5, k, &nham, &nspam);
	CHECK(nham - h0 == 1 && nspam - s0 == 1);
	CHECK(k[0].spam == 1 && k[0].ham == 0 && k[1].spam == 1 &&
	    k[1].ham == 1 && k[3].spam == 1 && k[4].ham == 1);
	/* Unlearning a: only b's counts remain. */
	CHECK(store_begin(c) == STORE_OK);
	CHECK(store_spam_learn(c, a, 5, 1, -1) == STORE_OK);
	CHECK(store_commit(c) == STORE_OK);
	counts(c, a, 5, k, &nham, &nspam);
	CHECK(nham - h0 == 1 && nspam - s0 == 0 && k[0].spam == 0 && k[1].ham == 1 &&
	    k[1].spam == 0 && k[3].spam == 0);
	/* Unlearning b too leaves nothing; unlearning again goes no lower. */
	CHECK(store_begin(c) == STORE_OK);
	CHECK(store_spam_learn(c, b, 3, 0, -1) == STORE_OK);
	CHECK(store_spam_learn(c, b, 3, 0, -1) == STORE_OK);
	CHECK(store_commit(c) == STORE_OK);
	counts(c, b, 3, k, &nham, &nspam);
	CHECK(nham - h0 == 0 && nspam - s0 == 0 && k[0].ham == 0 && k[1].ham == 0 &&
	    k[2].ham == 0);
	/* Tokens whose counts both came back to zero are gone. */
	CHECK(db_count(where, "SELECT count(*) FROM spam_tokens WHERE token"
	    " IN ('viagra', 'cheap', 'hello', 'h:spam.example')") == 0);
	/*
	 * Both models: teaching a and b takes a logistic step each (the
	 * weights move), and taking the steps back leaves every row, bias
	 * included, exactly as before (the sum of weights and counts).
	 */
	sum0 = db_count(where, "SELECT coalesce(sum(ham * 7 + spam * 3 + w),"
	    " 0) + count(*) FROM spam_tokens");
	CHECK(store_begin(c) == STORE_OK);
	CHECK(store_spam_teach(c, a, 5, 1, 1, &sa) == STORE_OK && sa > 0);
	CHECK(store_spam_teach(c, b, 3, 0, 1, &sb) == STORE_OK && sb < 0);
	CHECK(store_commit(c) == STORE_OK);
	CHECK(db_count(where, "SELECT w FROM spam_tokens WHERE token ="
	    " 'viagra'") == sa);
	CHECK(store_begin(c) == STORE_OK);
	CHECK(store_spam_teach(c, a, 5, 1, -1, &sa) == STORE_OK);
	CHECK(store_spam_teach(c, b, 3, 0, -1, &sb) == STORE_OK);
	CHECK(store_commit(c) == STORE_OK);
	CHECK_MSG(db_count(where, "SELECT coalesce(sum(ham * 7 + spam * 3 +"
	    " w), 0) + count(*) FROM spam_tokens") == sum0,
	    "teach then unteach: the table as it was");

	/* Moderation: approve, then call it spam, then approve again. */
	arena_init(&ar);
	CHECK(store_comment_add(c, &cm, &id) == STORE_OK);
	CHECK(store_comment_by_id(c, &ar, id, &got) == STORE_OK &&
	    got.spam_score == 0.5 && strcmp(got.spam_signals, "no_token") ==
	    0 && strcmp(got.spam_trained, "") == 0);
	CHECK(moderate(c, id, "pending") == STORE_OK);
	counts(c, b, 1, k, &nham, &nspam);
	CHECK(nham - h0 == 0 && nspam - s0 == 0);		/* pending teaches nothing */
	CHECK(moderate(c, id, "approved") == STORE_OK);
	counts(c, b, 1, k, &nham, &nspam);
	CHECK(nham - h0 == 1 && nspam - s0 == 0 && k[0].ham == 1);
	CHECK(moderate(c, id, "approved") == STORE_OK);
	counts(c, b, 1, k, &nham, &nspam);
	CHECK(nham - h0 == 1 && k[0].ham == 1);	/* not learnt twice */
	CHECK(moderate(c, id, "spam") == STORE_OK);
	counts(c, b, 1, k, &nham, &nspam);
	CHECK(nham - h0 == 0 && nspam - s0 == 1 && k[0].ham == 0 && k[0].spam == 1);
	CHECK(moderate(c, id, "trash") == STORE_OK);
	CHECK(store_comment_by_id(c, &ar, id, &got) == STORE_OK &&
	    strcmp(got.status, "trash") == 0 &&
	    strcmp(got.spam_trained, "spam") == 0);
	CHECK(moderate(c, id, "approved") == STORE_OK);
	counts(c, b, 1, k, &nham, &nspam);
	CHECK(nham - h0 == 1 && nspam - s0 == 0 && k[0].ham == 1 && k[0].spam == 0);
	upgraded(c, where, post);
	arena_free(&ar);
}

/*
 * PostgreSQL bumps the generation once a transaction, however many
 * statements write (each bump a version of one row that the next had to
 * walk); a savepoint taken back takes its bump with it, and the next
 * write bumps again.  SQLite's row triggers count rows.
 */
static void
one_bump(struct store_conn *c, const char *where, int pg)
{
	struct post	 p = { .type = "post", .slug = "ob", .title = "Ob",
	    .status = "publish", .published = 1, .modified = 1,
	    .format = "markdown", .body = "", .comments_open = 1,
	    .author_id = 1 };
	struct comment	 cm = { .author = "Ob", .email = "ob@x.y",
	    .content = "Ob", .status = "approved", .created = 1 };
	int64_t		 g, id;
	int		 i;

	if (!CHECK(store_post_add(c, &p, &cm.post_id) == STORE_OK))
		return;
	g = gen(c);
	CHECK(store_begin(c) == STORE_OK);
	for (i = 0; i < 5; i++)
		CHECK(store_comment_add(c, &cm, &id) == STORE_OK);
	CHECK(store_commit(c) == STORE_OK);
	CHECK(pg ? gen(c) == g + 1 : gen(c) > g + 1);
	g = gen(c);
	CHECK(store_begin(c) == STORE_OK);
	CHECK(store_savepoint(c) == STORE_OK);
	CHECK(store_comment_add(c, &cm, &id) == STORE_OK);
	CHECK(store_savepoint_undo(c) == STORE_OK);
	CHECK(store_savepoint(c) == STORE_OK);
	CHECK(store_comment_add(c, &cm, &id) == STORE_OK);
	CHECK(store_savepoint_keep(c) == STORE_OK);
	CHECK(store_commit(c) == STORE_OK);
	CHECK(pg ? gen(c) == g + 1 : gen(c) > g);
	/* The post's count followed each comment kept, and only those. */
	CHECK(count_of(where, "SELECT comment_count FROM posts WHERE id ="
	    " %lld", cm.post_id) == 6);
}

int
main(void)
{
	char			 dir[] = "/tmp/galley-store-XXXXXX", path[512];
	const char		*pg = getenv("GALLEY_DB");
	struct store		*s;
	struct store_conn	*c;
	struct arena		 a;
	struct post		 p;
	int64_t			 post, cm1, g;

	if (!CHECK(mkdtemp(dir) != NULL))
		return check_done();
	snprintf(path, sizeof(path), "%s/galley.db", dir);
	if (pg != NULL)
		snprintf(path, sizeof(path), "%s", pg);
	s = open_store(path);
	c = store_conn_get(s);
	/*
	 * A fresh store: generation 0 on SQLite, where the triggers count
	 * rows; PostgreSQL's count statements, and a migration's UPDATE of
	 * no row is one (which, on a site with posts, must invalidate):
	 * step 9's one and step 10's three.
	 */
	CHECK(pg != NULL ? gen(c) <= 4 : gen(c) == 0);
	fill(c, &post, &cm1);
	votes(c, post, cm1);
	queries(c, post);
	transactions(c);
	rolled_back(c, path, post);
	moderation(c, post, cm1);
	spam_table(c, path, post);
	one_bump(c, path, pg != NULL);
	g = gen(c);
	store_conn_put(s, c);
	store_close(s);

	/* Reopen: nothing lost, migrations not applied twice. */
	s = open_store(path);
	c = store_conn_get(s);
	arena_init(&a);
	CHECK(gen(c) == g);
	CHECK(store_post_by_slug(c, &a, "post", "first", &p) == STORE_OK &&
	    p.rating_count == 2);
	arena_free(&a);
	store_conn_put(s, c);
	recount(s, path, post);
	c = store_conn_get(s);
	casting(c, post);
	casting_thumbs(c, cm1);
	admin_side(c, path);
	store_conn_put(s, c);
	locking(s);
	store_close(s);
	if (pg == NULL)
		pragmas(path);
	numbered();
	{
		char	 err[256] = "";

		s = NULL;
		CHECK(store_open("/nonexistent/dir/x.db", 1, &s, err,
		    sizeof(err)) == STORE_DOWN && strstr(err, "/nonexistent"));
		/* An unreachable server: a message naming where, no crash. */
		CHECK(store_open("postgresql://galley@/x?host=/nonexistent-sock",
		    1, &s, err, sizeof(err)) == STORE_DOWN &&
		    strstr(err, "/nonexistent-sock") != NULL);
	}
	snprintf(path, sizeof(path), "rm -rf %s", dir);
	CHECK(system(path) == 0);
	return check_done();
}
