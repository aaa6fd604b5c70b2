/*
 * store_backend: what store.c needs of each storage back end.  Only
 * store.c and the store_*.c files include this; everyone else sees
 * store.h.  A back end's pool struct starts with a struct store.
 */
#ifndef GALLEY_STORE_BACKEND_H
#define GALLEY_STORE_BACKEND_H

#include <stddef.h>
#include <stdint.h>

struct store;
struct store_conn;

struct store_backend {
	const char	*name;
	/* Returns 1 if this back end serves uri. */
	int		(*match)(const char *uri);
	int		(*open)(const char *uri, int create, struct store **out,
			    char *err, size_t errlen);
	void		(*close)(struct store *);
	struct store_conn *(*conn_get)(struct store *);
	void		(*conn_put)(struct store *, struct store_conn *);
	/* Optional: see store_watch and store_generation_hint. */
	int		(*watch)(struct store *);
	int		(*generation_hint)(struct store *, int64_t *);
	void		(*generation_note)(struct store *, int64_t);
};

struct store {
	const struct store_backend	*be;
	int				 conns;	/* the pool's size */
};

/*
 * Migrations whose SQL both back ends accept as written.  Each back end
 * still lists its own migrations (append only) and places these in them,
 * so a schema change made here reaches SQLite and PostgreSQL alike.
 */

/* 2: comment images; indexes for the flood and first-comment rules. */
#define MIGRATION_COMMENT_IMAGES \
	"ALTER TABLE comments ADD COLUMN image TEXT NOT NULL DEFAULT '';" \
	"ALTER TABLE comments ADD COLUMN thumb TEXT NOT NULL DEFAULT '';" \
	"ALTER TABLE comments ADD COLUMN thumb_w INTEGER NOT NULL DEFAULT 0;" \
	"ALTER TABLE comments ADD COLUMN thumb_h INTEGER NOT NULL DEFAULT 0;" \
	"CREATE INDEX comments_by_ip ON comments (ip_hash, created);" \
	"CREATE INDEX comments_by_email ON comments (email, status);"

/* 3: identicons, drawn from a keyed hash of the writer's email. */
#define MIGRATION_AVATARS \
	"ALTER TABLE comments ADD COLUMN avatar TEXT NOT NULL DEFAULT '';"

/* 4: votes remember their IP hash for one-vote-per-reader. */
#define MIGRATION_VOTE_IPS \
	"ALTER TABLE post_votes ADD COLUMN ip_hash TEXT NOT NULL DEFAULT '';" \
	"ALTER TABLE comment_votes ADD COLUMN ip_hash TEXT NOT NULL" \
	"  DEFAULT '';" \
	"CREATE INDEX post_votes_by_ip ON post_votes (post_id, ip_hash," \
	"  created);" \
	"CREATE INDEX comment_votes_by_ip ON comment_votes (comment_id," \
	"  ip_hash, created);"

/*
 * 5: the spam filter.  spam_tokens holds each token's ham and spam
 * counts, and the row with the empty token the numbers of messages; no
 * generation triggers, since no page shows them.  A comment keeps the
 * filter's score (-1: never scored), the signals that fired, and what
 * moderation trained it as ('', 'ham' or 'spam'), so a changed verdict
 * can unlearn the old one.  The indexes serve the rules' questions
 * (this IP hash in spam? this address approved, in any case?) without
 * a scan of every comment.
 */
#define MIGRATION_SPAM \
	"CREATE TABLE spam_tokens (token TEXT PRIMARY KEY," \
	"  ham BIGINT NOT NULL DEFAULT 0, spam BIGINT NOT NULL DEFAULT 0);" \
	"ALTER TABLE comments ADD COLUMN spam_score DOUBLE PRECISION" \
	"  NOT NULL DEFAULT -1;" \
	"ALTER TABLE comments ADD COLUMN spam_signals TEXT NOT NULL" \
	"  DEFAULT '';" \
	"ALTER TABLE comments ADD COLUMN spam_trained TEXT NOT NULL" \
	"  DEFAULT '';" \
	"CREATE INDEX comments_by_ip_status ON comments (ip_hash, status);" \
	"CREATE INDEX comments_by_lower_email ON comments (lower(email)," \
	"  status);"

/*
 * 6: accounts.  Sessions are kept by the hash of their token; failed
 * logins are counted per account and per IP hash so that throttling
 * holds across nodes.  Neither bumps the data generation: no public
 * page shows them.
 */
#define MIGRATION_ACCOUNTS \
	"CREATE TABLE sessions (token_hash TEXT PRIMARY KEY," \
	"  user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE," \
	"  created BIGINT NOT NULL, seen BIGINT NOT NULL);" \
	"CREATE INDEX sessions_by_user ON sessions (user_id);" \
	"CREATE TABLE login_failures (key TEXT PRIMARY KEY," \
	"  failures BIGINT NOT NULL, last BIGINT NOT NULL);" \
	"CREATE UNIQUE INDEX users_by_lower_email ON users (lower(email));"

/*
 * 7: revisions, the earlier versions of an edited post (not shown to
 * readers: no generation triggers).  id is the back end's own serial.
 */
#define MIGRATION_REVISIONS(id) \
	"CREATE TABLE post_revisions (id " id "," \
	"  post_id BIGINT NOT NULL REFERENCES posts(id) ON DELETE CASCADE," \
	"  title TEXT NOT NULL, body TEXT NOT NULL, excerpt TEXT NOT NULL," \
	"  format TEXT NOT NULL, created BIGINT NOT NULL," \
	"  author_id BIGINT NOT NULL REFERENCES users(id));" \
	"CREATE INDEX post_revisions_by_post ON post_revisions (post_id," \
	"  created);"

/*
 * 8: the privacy log: each export and erasure, who did it and when;
 * the subject is a keyed hash of the email, not the email, which an
 * erasure must not leave behind.
 */
#define MIGRATION_PRIVACY_LOG(id) \
	"CREATE TABLE privacy_log (id " id ", created BIGINT NOT NULL," \
	"  user_id BIGINT NOT NULL, action TEXT NOT NULL," \
	"  subject TEXT NOT NULL, items BIGINT NOT NULL);"

/*
 * 9: a post saved by a writer without unfiltered HTML (an author) is
 * filtered when rendered, as WordPress filters such a save (kses.h);
 * the posts authors wrote before are theirs to filter too.
 */
#define MIGRATION_POST_FILTERED \
	"ALTER TABLE posts ADD COLUMN filtered INTEGER NOT NULL DEFAULT 0;" \
	"UPDATE posts SET filtered = 1 WHERE author_id IN" \
	"  (SELECT id FROM users WHERE role = 'author');"

extern const struct store_backend store_sqlite_backend;
extern const struct store_backend store_pg_backend;

#endif
