/*
 * store_user: the queries of the site's own people (see store.h),
 * written once for both engines (store_query.h): accounts, their
 * sessions (kept by the hash of their token), and the counts of failed
 * logins that throttle guessing.
 */
#include <stddef.h>
#include <time.h>

#include "arena.h"
#include "store_query.h"

#define USER_COLS "id, slug, name, url, bio, role"

static void
fill_user(struct arena *a, struct db_stmt *s, void *v)
{
	struct user	*u = v;

	u->id = col_int(s, 0);
	u->slug = col_text(a, s, 1);
	u->name = col_text(a, s, 2);
	u->url = col_text(a, s, 3);
	u->bio = col_text(a, s, 4);
	u->role = col_text(a, s, 5);
}

/* USER_COLS, then email and the password hash ("" if none). */
static void
fill_account(struct arena *a, struct db_stmt *s, void *v)
{
	struct user	*u = v;

	fill_user(a, s, v);
	u->email = col_text(a, s, 6);
	u->pass_hash = col_text(a, s, 7);
}

int
store_user_add(struct store_conn *c, const struct user *u, int64_t *id)
{
	return q_insert(q(c, "INSERT INTO users (slug, name, email, url, bio,"
	    " role, pass_hash, created) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7,"
	    " ?8) RETURNING id", "ttttttzi", u->slug, u->name, u->email,
	    u->url, u->bio, u->role != NULL ? u->role : "author",
	    u->pass_hash, (int64_t)time(NULL)), id);
}

int
store_user_by_slug(struct store_conn *c, struct arena *a, const char *slug,
    struct user *out)
{
	return q_one(q(c, "SELECT " USER_COLS " FROM users WHERE slug = ?1",
	    "t", slug), a, sizeof(*out), fill_user, out);
}

int
store_user_by_id(struct store_conn *c, struct arena *a, int64_t id,
    struct user *out)
{
	return q_one(q(c, "SELECT " USER_COLS " FROM users WHERE id = ?1",
	    "i", id), a, sizeof(*out), fill_user, out);
}

int
store_user_by_email(struct store_conn *c, struct arena *a, const char *email,
    struct user *out)
{
	return q_one(q(c, "SELECT " USER_COLS ", email, coalesce(pass_hash,"
	    " '') FROM users WHERE lower(email) = lower(?1)", "t", email), a,
	    sizeof(*out), fill_account, out);
}

int
store_users_list(struct store_conn *c, struct arena *a, struct user **out,
    size_t *n)
{
	return q_many(q(c, "SELECT " USER_COLS ", email, '' FROM users ORDER"
	    " BY name, id", ""), a, sizeof(**out), fill_account, (void **)out,
	    n);
}

int
store_user_set(struct store_conn *c, int64_t id, const char *role,
    const char *pass_hash)
{
	return q_changed(q(c, "UPDATE users SET role = coalesce(?1, role),"
	    " pass_hash = coalesce(?2, pass_hash) WHERE id = ?3 RETURNING id",
	    "zzi", role, pass_hash, id));
}

int
store_admin_exists(struct store_conn *c, int *yes)
{
	int64_t	 n = 0;
	int	 rc;

	rc = q_int(q(c, "SELECT count(*) FROM (SELECT 1 FROM users WHERE"
	    " role = 'admin' AND coalesce(pass_hash, '') <> '' LIMIT 1) AS"
	    " one", ""), &n);
	*yes = n > 0;
	return rc;
}

int
store_user_works(struct store_conn *c, int64_t id, int64_t *posts,
    int64_t *revisions)
{
	int	 rc;

	if ((rc = q_int(q(c, "SELECT count(*) FROM posts WHERE author_id ="
	    " ?1", "i", id), posts)) != STORE_OK)
		return rc;
	return q_int(q(c, "SELECT count(*) FROM post_revisions WHERE"
	    " author_id = ?1 AND autosave = 0", "i", id), revisions);
}

int
store_user_give(struct store_conn *c, int64_t from, int64_t to)
{
	int	 rc;

	/* An autosave is its writer's unsaved text: not to be given. */
	if ((rc = q_exec(q(c, "DELETE FROM post_revisions WHERE author_id ="
	    " ?1 AND autosave = 1", "i", from))) != STORE_OK ||
	    (rc = q_exec(q(c, "UPDATE posts SET author_id = ?2 WHERE"
	    " author_id = ?1", "ii", from, to))) != STORE_OK)
		return rc;
	return q_exec(q(c, "UPDATE post_revisions SET author_id = ?2 WHERE"
	    " author_id = ?1", "ii", from, to));
}

int
store_user_remove(struct store_conn *c, int64_t id)
{
	int64_t	 n;
	int	 rc;

	/* Their posts and revisions keep them: say so as a conflict. */
	rc = q_int(q(c, "SELECT (SELECT count(*) FROM posts WHERE"
	    " author_id = ?1) + (SELECT count(*) FROM post_revisions WHERE"
	    " author_id = ?1 AND autosave = 0)", "i", id), &n);
	if (rc != STORE_OK)
		return rc;
	if (n > 0)
		return STORE_CONFLICT;
	/* Unsaved text goes with its writer. */
	if ((rc = q_exec(q(c, "DELETE FROM post_revisions WHERE author_id ="
	    " ?1 AND autosave = 1", "i", id))) != STORE_OK)
		return rc;
	return q_changed(q(c, "DELETE FROM users WHERE id = ?1 RETURNING id",
	    "i", id));
}

int
store_session_add(struct store_conn *c, const char *token_hash,
    int64_t user_id, int64_t now)
{
	return q_exec(q(c, "INSERT INTO sessions (token_hash, user_id,"
	    " created, seen) VALUES (?1, ?2, ?3, ?3)", "tii", token_hash,
	    user_id, now));
}

static void
fill_session(struct arena *a, struct db_stmt *s, void *v)
{
	struct session	*se = v;

	fill_user(a, s, &se->user);
	se->user.email = col_text(a, s, 6);
	se->created = col_int(s, 7);
	se->seen = col_int(s, 8);
}

int
store_session_get(struct store_conn *c, struct arena *a,
    const char *token_hash, struct session *out)
{
	return q_one(q(c, "SELECT u.id, u.slug, u.name, u.url, u.bio, u.role,"
	    " u.email, s.created, s.seen FROM sessions s JOIN users u ON"
	    " u.id = s.user_id WHERE s.token_hash = ?1", "t", token_hash), a,
	    sizeof(*out), fill_session, out);
}

int
store_session_touch(struct store_conn *c, const char *token_hash,
    int64_t now)
{
	return q_exec(q(c, "UPDATE sessions SET seen = ?2 WHERE"
	    " token_hash = ?1", "ti", token_hash, now));
}

int
store_session_end(struct store_conn *c, const char *token_hash)
{
	return q_exec(q(c, "DELETE FROM sessions WHERE token_hash = ?1", "t",
	    token_hash));
}

int
store_sessions_end_user(struct store_conn *c, int64_t user_id,
    const char *keep)
{
	return q_exec(q(c, "DELETE FROM sessions WHERE token_hash <> ?1 AND"
	    " user_id = ?2", "ti", keep, user_id));
}

int
store_throttle_get(struct store_conn *c, const char *key, int64_t *failures,
    int64_t *last)
{
	struct db_stmt	*s;
	int		 rc;

	*failures = *last = 0;
	if ((s = q(c, "SELECT failures, last FROM login_failures WHERE"
	    " key = ?1", "t", key)) == NULL)
		return STORE_ERROR;
	if ((rc = q_step(s)) == DB_ROW) {
		*failures = col_int(s, 0);
		*last = col_int(s, 1);
	}
	q_done(s);
	return rc < 0 ? -rc : STORE_OK;
}

int
store_throttle_fail(struct store_conn *c, const char *key, int64_t now)
{
	return q_exec(q(c, "INSERT INTO login_failures (key, failures, last)"
	    " VALUES (?1, 1, ?2) ON CONFLICT (key) DO UPDATE SET failures ="
	    " login_failures.failures + 1, last = ?2", "ti", key, now));
}

int
store_throttle_clear(struct store_conn *c, const char *key)
{
	return q_exec(q(c, "DELETE FROM login_failures WHERE key = ?1", "t",
	    key));
}
