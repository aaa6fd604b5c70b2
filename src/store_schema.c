/*
 * store_schema: the database's schema, as numbered migrations (append
 * only: step N takes a database from version N to N + 1, and the driver
 * applies each once, at open).  DDL is where the engines truly differ
 * (serial keys, trigger languages), so each has its own list; the steps
 * both accept as written are macros placed in both, so a change made
 * once reaches SQLite and PostgreSQL alike.  Every table the pages show
 * bumps the data generation from a trigger; PostgreSQL's also notifies.
 */
#include <stddef.h>

#include "store_query.h"

/*
 * Migrations whose SQL both back ends accept as written.  Each engine
 * still lists its own steps and places these in them.
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

/*
 * 10: threads by index, so a page of comments costs the same on a post
 * with two comments as on one with 100,000.  An approved comment's
 * thread is the id of the comment that heads its thread on the page:
 * itself when it is top level or its parent is not shown (WordPress
 * shows such a reply at the top level), else its parent's thread; 0 for
 * a comment not shown.  A head's pos is its place among its post's heads
 * (oldest first, from 1), so comment page N is the heads whose pos lies
 * in one range, and their threads.  store_comment.c keeps both true
 * under every write; this step computes them for the comments already
 * there.  posts.comment_count, the approved comments, is kept by
 * triggers (each engine's own below) instead of counted per page.
 * A subtree is walked by parent_id, indexed at last (a reply's removal
 * or ON DELETE CASCADE scanned every comment); the duplicate rule finds
 * the same text by its first 100 characters (it read every comment of
 * the post).  Retention's scan is
 * served by a partial index of the rows still holding an address or a
 * user agent, so an hourly pass reads only what it will blank.
 */
#define MIGRATION_THREADS \
	"ALTER TABLE comments ADD COLUMN thread BIGINT NOT NULL DEFAULT 0;" \
	"ALTER TABLE comments ADD COLUMN pos BIGINT NOT NULL DEFAULT 0;" \
	"ALTER TABLE posts ADD COLUMN comment_count BIGINT NOT NULL" \
	"  DEFAULT 0;" \
	"CREATE INDEX comments_by_parent ON comments (parent_id);" \
	"CREATE INDEX comments_by_text ON comments (post_id," \
	"  substr(content, 1, 100));" \
	"WITH RECURSIVE t(id, post, head) AS (SELECT c.id, c.post_id, c.id" \
	"  FROM comments c WHERE c.status = 'approved' AND NOT EXISTS" \
	"  (SELECT 1 FROM comments u WHERE u.id = c.parent_id AND" \
	"  u.post_id = c.post_id AND u.status = 'approved')" \
	"  UNION ALL SELECT c.id, c.post_id, t.head FROM comments c JOIN t" \
	"  ON c.parent_id = t.id AND c.post_id = t.post" \
	"  WHERE c.status = 'approved')" \
	"  UPDATE comments SET thread = t.head FROM t WHERE t.id = comments.id;" \
	"UPDATE comments SET pos = r.n FROM (SELECT id, row_number() OVER" \
	"  (PARTITION BY post_id ORDER BY created, id) AS n FROM comments" \
	"  WHERE thread = id) AS r WHERE r.id = comments.id;" \
	"UPDATE posts SET comment_count = (SELECT count(*) FROM comments c" \
	"  WHERE c.post_id = posts.id AND c.status = 'approved');" \
	"CREATE INDEX comments_heads_by_pos ON comments (post_id, pos)" \
	"  WHERE pos > 0;" \
	"CREATE INDEX comments_heads_by_date ON comments (post_id, created," \
	"  id) WHERE pos > 0;" \
	"CREATE INDEX comments_by_thread ON comments (thread, created, id)" \
	"  WHERE thread > 0;" \
	"CREATE INDEX comments_unforgotten ON comments (created)" \
	"  WHERE ip_hash <> '' OR user_agent <> '';" \
	"CREATE INDEX post_votes_unforgotten ON post_votes (created)" \
	"  WHERE ip_hash <> '';" \
	"CREATE INDEX comment_votes_unforgotten ON comment_votes (created)" \
	"  WHERE ip_hash <> '';"

/*
 * 11: what a WordPress import (import.c) keeps, and every old address.
 * imported maps each imported thing's key in its file (a post's GUID,
 * a comment's post GUID and id, a term's taxonomy and slug, an author's
 * login) and its WordPress id to the row it became, so a second run
 * adds only what is new.  redirects holds old paths (an imported item's
 * old link, ?p=ID, an old upload URL, a published post's URL before its
 * slug changed) and what they now name; it is read only where the
 * answer would otherwise be 404, so the cached path never sees it.  A
 * post keeps WordPress's sticky flag and its parent page.
 */
#define MIGRATION_IMPORT \
	"CREATE TABLE imported (kind TEXT NOT NULL, key TEXT NOT NULL," \
	"  old_id BIGINT NOT NULL, item BIGINT NOT NULL," \
	"  PRIMARY KEY (kind, key));" \
	"CREATE INDEX imported_by_old ON imported (kind, old_id);" \
	"CREATE TABLE redirects (path TEXT PRIMARY KEY," \
	"  post_id BIGINT REFERENCES posts(id) ON DELETE CASCADE," \
	"  media_id BIGINT REFERENCES media(id) ON DELETE CASCADE);" \
	"ALTER TABLE posts ADD COLUMN sticky INTEGER NOT NULL DEFAULT 0;" \
	"ALTER TABLE posts ADD COLUMN parent_id BIGINT REFERENCES posts(id)" \
	"  ON DELETE SET NULL;"

/*
 * 15: what an export (export.c) asks: the WordPress key and id a row
 * came from, and the old paths that lead to it, found by the row.
 */
#define MIGRATION_EXPORT \
	"CREATE INDEX imported_by_item ON imported (kind, item);" \
	"CREATE INDEX redirects_by_post ON redirects (post_id);" \
	"CREATE INDEX redirects_by_media ON redirects (media_id);"

/*
 * 16: full-text search (store_search.c).  posts.search_text is a post's
 * body as text, markup stripped (body_text), written by post.c with
 * every save; NULL until it is made, as for every post already there
 * when this step runs: `galley serve` makes those before it listens
 * (post_index).  Each engine indexes the title, the excerpt and that
 * text, weighted in that order, in a step of its own below.
 */
#define MIGRATION_SEARCH_TEXT \
	"ALTER TABLE posts ADD COLUMN search_text TEXT;" \
	"CREATE INDEX posts_unindexed ON posts (id)" \
	"  WHERE search_text IS NULL;"

/*
 * 16, SQLite: an FTS5 index whose content is the posts table itself
 * (external content: no second copy of the text), kept by triggers on
 * the three columns only (a vote or a comment count changes no index),
 * rebuilt here over the posts already there.  unicode61 without
 * removing diacritics and PostgreSQL's 'simple' configuration read words
 * alike (no stemming, no stop words; prefixes stand in for plurals);
 * rank is bm25 with the title worth 10 of the body's 1, the excerpt 4;
 * the prefix indexes serve search.h's short prefixes.
 */
#define SEARCH_FTS5 \
	"CREATE VIRTUAL TABLE posts_fts USING fts5(title, excerpt," \
	"  search_text, content='posts', content_rowid='id'," \
	"  tokenize='unicode61 remove_diacritics 0', prefix='2 3');" \
	"INSERT INTO posts_fts(posts_fts, rank) VALUES ('rank'," \
	"  'bm25(10.0, 4.0, 1.0)');" \
	"CREATE TRIGGER posts_fts_i AFTER INSERT ON posts BEGIN" \
	"  INSERT INTO posts_fts(rowid, title, excerpt, search_text)" \
	"  VALUES (NEW.id, NEW.title, NEW.excerpt, NEW.search_text); END;" \
	"CREATE TRIGGER posts_fts_d AFTER DELETE ON posts BEGIN" \
	"  INSERT INTO posts_fts(posts_fts, rowid, title, excerpt," \
	"  search_text) VALUES ('delete', OLD.id, OLD.title, OLD.excerpt," \
	"  OLD.search_text); END;" \
	"CREATE TRIGGER posts_fts_u AFTER UPDATE OF title, excerpt," \
	"  search_text ON posts BEGIN" \
	"  INSERT INTO posts_fts(posts_fts, rowid, title, excerpt," \
	"  search_text) VALUES ('delete', OLD.id, OLD.title, OLD.excerpt," \
	"  OLD.search_text);" \
	"  INSERT INTO posts_fts(rowid, title, excerpt, search_text)" \
	"  VALUES (NEW.id, NEW.title, NEW.excerpt, NEW.search_text); END;" \
	"INSERT INTO posts_fts(posts_fts) VALUES ('rebuild');"

/*
 * 16, PostgreSQL: a stored generated tsvector (title A, excerpt B, the
 * text D: ts_rank's weights 1.0, 0.4, 0.1) under a GIN index; adding it
 * computes it for every post already there.
 */
#define PG_SEARCH_VECTOR \
	"ALTER TABLE posts ADD COLUMN search_vec tsvector GENERATED ALWAYS" \
	"  AS (setweight(to_tsvector('simple'::regconfig, title), 'A') ||" \
	"  setweight(to_tsvector('simple'::regconfig, excerpt), 'B') ||" \
	"  setweight(to_tsvector('simple'::regconfig," \
	"  coalesce(search_text, '')), 'D')) STORED;" \
	"CREATE INDEX posts_search ON posts USING gin (search_vec);"

/*
 * 17: the site's comments feed (/comments/feed/) walks the approved
 * comments from the newest, whatever their post.
 */
#define MIGRATION_FEEDS \
	"CREATE INDEX comments_by_status ON comments (status, created, id);"


/* SQLite: */

#define GEN_TRIGGERS(t) \
	"CREATE TRIGGER " t "_gi AFTER INSERT ON " t \
	" BEGIN UPDATE generation SET n = n + 1; END;" \
	"CREATE TRIGGER " t "_gu AFTER UPDATE ON " t \
	" BEGIN UPDATE generation SET n = n + 1; END;" \
	"CREATE TRIGGER " t "_gd AFTER DELETE ON " t \
	" BEGIN UPDATE generation SET n = n + 1; END;"

#define VOTE_TRIGGERS(t, parent, key, sum, count) \
	"CREATE TRIGGER " t "_ai AFTER INSERT ON " t " BEGIN UPDATE " parent \
	" SET " sum " = " sum " + NEW.value, " count " = " count " + 1" \
	" WHERE id = NEW." key "; END;" \
	"CREATE TRIGGER " t "_ad AFTER DELETE ON " t " BEGIN UPDATE " parent \
	" SET " sum " = " sum " - OLD.value, " count " = " count " - 1" \
	" WHERE id = OLD." key "; END;" \
	"CREATE TRIGGER " t "_au AFTER UPDATE OF value ON " t " BEGIN UPDATE " \
	parent " SET " sum " = " sum " - OLD.value + NEW.value" \
	" WHERE id = NEW." key "; END;"

/*
 * 11: every file stored for a media item (image.h's struct image_file):
 * its sizes and WebP twins, the display copy too, so a page can offer
 * each of them (srcset) without reading the media folder.  An item's
 * own hash and mime stay its display copy's.
 */
#define MIGRATION_MEDIA_SIZES \
	"CREATE TABLE media_sizes (" \
	"  media_id BIGINT NOT NULL REFERENCES media(id) ON DELETE CASCADE," \
	"  width INTEGER NOT NULL, height INTEGER NOT NULL," \
	"  hash TEXT NOT NULL, mime TEXT NOT NULL," \
	"  PRIMARY KEY (media_id, hash));" \
	"CREATE INDEX media_sizes_by_hash ON media_sizes (hash);"

/*
 * 12: pictures' bytes, for media_store = db (media.c): one row per
 * stored file, keyed by the hex SHA-256 of its bytes, with the mime its
 * extension is served as.  BLOB on SQLite, bytea on PostgreSQL (kept
 * out of line and uncompressed: the bytes are compressed pictures
 * already); large objects are not used, since they escape ON DELETE,
 * pg_dump's defaults and ordinary row visibility.  No generation
 * triggers: no page shows these rows (the media rows naming them do).
 */
#define MIGRATION_MEDIA_BLOBS(bytes) \
	"CREATE TABLE media_blobs (hash TEXT PRIMARY KEY," \
	"  mime TEXT NOT NULL, size BIGINT NOT NULL," \
	"  bytes " bytes " NOT NULL, created BIGINT NOT NULL);"

/*
 * 14: pictures as posts show them.  A post's featured image (gone with
 * its media item: SET NULL) and its alt text; a media item's caption;
 * the extension of a comment's picture, now that readers may send more
 * than JPEG (every earlier one is a .jpg).
 */
#define MIGRATION_FEATURED \
	"ALTER TABLE posts ADD COLUMN featured_media BIGINT NULL" \
	"  REFERENCES media(id) ON DELETE SET NULL;" \
	"ALTER TABLE posts ADD COLUMN featured_alt TEXT NOT NULL DEFAULT '';" \
	"CREATE INDEX posts_by_featured ON posts (featured_media);" \
	"ALTER TABLE media ADD COLUMN caption TEXT NOT NULL DEFAULT '';" \
	"ALTER TABLE comments ADD COLUMN image_ext TEXT NOT NULL" \
	"  DEFAULT 'jpg';"

/*
 * 18: mail (mail.h).  outbox holds each message to send, whole and
 * sealed with the site secret, with its retries and its lease (a node
 * sending it holds the row until lease; another takes it only after);
 * a sent message keeps its headers' summary, not its body.  mail_events
 * are what a request records, in its own transaction, for the sender to
 * turn into messages off the request (a reply approved, a comment to
 * tell staff of, a subscription to confirm).  mail_addresses are the
 * readers' addresses that asked for mail, with when a confirmation was
 * last sent, when it was confirmed, and when all mail was stopped;
 * mail_subscriptions the comments whose replies their writer wants.
 * password_resets keep only a keyed hash of each emailed link's token.
 * No generation triggers: no page shows these rows.
 */
#define MIGRATION_MAIL(id, bytes) \
	"CREATE TABLE outbox (id " id ", kind TEXT NOT NULL," \
	"  rcpt TEXT NOT NULL, subject TEXT NOT NULL," \
	"  message_id TEXT NOT NULL, body " bytes " NOT NULL," \
	"  created BIGINT NOT NULL, due BIGINT NOT NULL," \
	"  tries INTEGER NOT NULL DEFAULT 0, lease BIGINT NOT NULL DEFAULT 0," \
	"  status TEXT NOT NULL DEFAULT 'queued'," \
	"  sent BIGINT NOT NULL DEFAULT 0, reply TEXT NOT NULL DEFAULT '');" \
	"CREATE INDEX outbox_due ON outbox (status, due);" \
	"CREATE INDEX outbox_by_rcpt ON outbox (rcpt, created);" \
	"CREATE TABLE mail_events (id " id ", kind TEXT NOT NULL," \
	"  item BIGINT NOT NULL, created BIGINT NOT NULL);" \
	"CREATE TABLE mail_addresses (id " id ", email TEXT NOT NULL UNIQUE," \
	"  created BIGINT NOT NULL, asked BIGINT NOT NULL DEFAULT 0," \
	"  confirmed BIGINT NOT NULL DEFAULT 0," \
	"  stopped BIGINT NOT NULL DEFAULT 0);" \
	"CREATE TABLE mail_subscriptions (comment_id BIGINT PRIMARY KEY" \
	"  REFERENCES comments(id) ON DELETE CASCADE," \
	"  address_id BIGINT NOT NULL REFERENCES mail_addresses(id)" \
	"  ON DELETE CASCADE, created BIGINT NOT NULL);" \
	"CREATE INDEX mail_subscriptions_by_address ON mail_subscriptions" \
	"  (address_id);" \
	"CREATE TABLE password_resets (token_hash TEXT PRIMARY KEY," \
	"  user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE," \
	"  kind TEXT NOT NULL, created BIGINT NOT NULL," \
	"  expires BIGINT NOT NULL);" \
	"CREATE INDEX password_resets_by_user ON password_resets (user_id);"

/*
 * 19: attachments: a media item's post, as WordPress's attachment
 * post_parent, and its place among that post's (menu_order): what a bare
 * [gallery] shows, in that order.  Gone with the item or the post.
 */
#define MIGRATION_ATTACHED \
	"CREATE TABLE attachments (media_id BIGINT PRIMARY KEY" \
	"  REFERENCES media(id) ON DELETE CASCADE," \
	"  post_id BIGINT NOT NULL REFERENCES posts(id) ON DELETE CASCADE," \
	"  menu_order BIGINT NOT NULL DEFAULT 0);" \
	"CREATE INDEX attachments_by_post ON attachments (post_id," \
	"  menu_order, media_id);"

/*
 * 20: replies held for a reader's address (notify_reader.c).  Each
 * reply to tell of waits here, the reply and the address it is for,
 * until the transaction that queues its message marks it told
 * (waiting 2, kept so that it is never told twice): at once while the
 * address's hour has room, else (waiting 1, once a pass found the
 * hour full) in one digest once the hour allows.
 */
#define MIGRATION_MAIL_HELD \
	"CREATE TABLE mail_held (comment_id BIGINT PRIMARY KEY" \
	"  REFERENCES comments(id) ON DELETE CASCADE," \
	"  address_id BIGINT NOT NULL REFERENCES mail_addresses(id)" \
	"  ON DELETE CASCADE, created BIGINT NOT NULL," \
	"  waiting INTEGER NOT NULL DEFAULT 0);" \
	"CREATE INDEX mail_held_by_address ON mail_held (address_id);"

/*
 * 21: the site's menu and its pictures (page_admin_appearance.c).  A
 * menu item is a page, a category, a tag or a link, in position order
 * among its siblings; an item may sit under a top-level one (one level:
 * the admin checks it).  A page or term that goes takes its items with
 * it; an item whose parent goes moves up to the top level.  site_images
 * names the media item that is the logo and the one that is the icon,
 * the icon with the favicon.ico and apple-touch-icon.png made from it
 * once, when it was set, so no request ever draws them.
 */
#define MIGRATION_MENU(key, blob) \
	"CREATE TABLE menu_items (id " key "," \
	"  parent_id BIGINT REFERENCES menu_items(id) ON DELETE SET NULL," \
	"  position BIGINT NOT NULL DEFAULT 0," \
	"  kind TEXT NOT NULL CHECK (kind IN ('page', 'category', 'tag'," \
	"    'link'))," \
	"  post_id BIGINT REFERENCES posts(id) ON DELETE CASCADE," \
	"  term_id BIGINT REFERENCES terms(id) ON DELETE CASCADE," \
	"  label TEXT NOT NULL DEFAULT '', url TEXT NOT NULL DEFAULT '');" \
	"CREATE INDEX menu_items_by_post ON menu_items (post_id);" \
	"CREATE INDEX menu_items_by_term ON menu_items (term_id);" \
	"CREATE INDEX menu_items_by_parent ON menu_items (parent_id);" \
	"CREATE TABLE site_images (role TEXT PRIMARY KEY" \
	"  CHECK (role IN ('logo', 'icon'))," \
	"  media_id BIGINT NOT NULL REFERENCES media(id) ON DELETE CASCADE," \
	"  ico " blob ", touch " blob ");" \
	"CREATE INDEX site_images_by_media ON site_images (media_id);"

/*
 * 22: the spam filter's second model (spam.h), a logistic regression
 * over the same tokens: each token's weight beside its counts (the
 * empty token's is the bias), and the step a comment's verdict added,
 * so that a changed verdict or an erasure takes back exactly that.
 */
#define MIGRATION_SPAM_LR \
	"ALTER TABLE spam_tokens ADD COLUMN w BIGINT NOT NULL DEFAULT 0;" \
	"ALTER TABLE comments ADD COLUMN spam_step BIGINT NOT NULL" \
	"  DEFAULT 0;"

/*
 * 23, PostgreSQL: two row versions fewer a statement in one long
 * transaction.  Each is a new version of one row, and versions a
 * transaction makes of a row can't be pruned before it ends, so every
 * UPDATE walked all those before it: importing 20,000 comments spent
 * 75 s in the server, and four times fewer took a tenth of that.
 *  - The data generation is bumped once a transaction, not once a
 *    statement.  A node learns of the commit (its one notification) all
 *    the same.  A savepoint rolled back takes its bump and the mark with
 *    it, so the next statement bumps again.
 *  - A post's comment count waits while the transaction says its tallies
 *    come later (store_tallies_later: an import), which adds each post's
 *    once before it commits (store_tallies_add).
 * SQLite updates a row in place, and keeps its triggers.
 */
#define PG_BUMP_ONCE \
	"CREATE OR REPLACE FUNCTION bump_generation() RETURNS trigger" \
	" LANGUAGE plpgsql AS $$ DECLARE v BIGINT; BEGIN" \
	" IF current_setting('galley.bumped', true) =" \
	" txid_current()::text THEN RETURN NULL; END IF;" \
	" UPDATE generation SET n = n + 1 WHERE id = 1 RETURNING n INTO v;" \
	" PERFORM set_config('galley.bumped', txid_current()::text, true);" \
	" PERFORM pg_notify('galley_generation', v::text);" \
	" RETURN NULL; END $$;" \
	"CREATE OR REPLACE FUNCTION comments_count() RETURNS trigger" \
	" LANGUAGE plpgsql AS $$ BEGIN" \
	" IF current_setting('galley.tallies', true) = 'later' THEN" \
	" RETURN NULL; END IF;" \
	" IF TG_OP IN ('UPDATE', 'DELETE') AND" \
	" OLD.status = 'approved' THEN UPDATE posts SET comment_count =" \
	" comment_count - 1 WHERE id = OLD.post_id; END IF;" \
	" IF TG_OP IN ('UPDATE', 'INSERT') AND NEW.status = 'approved' THEN" \
	" UPDATE posts SET comment_count = comment_count + 1" \
	" WHERE id = NEW.post_id; END IF; RETURN NULL; END $$;"

/*
 * 24: autosave (post.c): a revision whose autosave is 1 is a writer's
 * unsaved text, one row per post and writer, replaced each time and
 * deleted when the writer saves.  Readers never see it: no triggers.
 */
#define MIGRATION_AUTOSAVE \
	"ALTER TABLE post_revisions ADD COLUMN autosave INTEGER NOT NULL" \
	"  DEFAULT 0;" \
	"CREATE UNIQUE INDEX post_revisions_autosave ON post_revisions" \
	"  (post_id, author_id) WHERE autosave = 1;"

/*
 * 25: a comment's picture, while the comment is held, is the staff's
 * only (store_picture_held): pictures are asked for often, so each of
 * a comment's two files is found by index.  Partial: most comments have
 * none.
 */
#define MIGRATION_HELD_PICTURES \
	"CREATE INDEX comments_by_image ON comments (image, status)" \
	"  WHERE image <> '';" \
	"CREATE INDEX comments_by_thumb ON comments (thumb, status)" \
	"  WHERE thumb <> '';"

/*
 * 26: the dashboard's chart counts the votes of its 30 days by their
 * time (store_daily).  The retention indexes on created hold only votes
 * not yet forgotten, so the chart read every vote of the site.
 */
#define MIGRATION_VOTE_DAYS \
	"CREATE INDEX post_votes_by_created ON post_votes (created);" \
	"CREATE INDEX comment_votes_by_created ON comment_votes (created);"

/*
 * 27: the tokenizer's features a comment was learnt with (spam.h's
 * enum spam_feature), so unlearning it after an upgrade that changed
 * them takes back the very tokens it added.  Comments learnt before
 * were learnt with SPAM_F_MAIL_META alone (32).
 */
#define MIGRATION_SPAM_FEAT \
	"ALTER TABLE comments ADD COLUMN spam_feat INTEGER NOT NULL" \
	"  DEFAULT 32;"

/*
 * 28: fewer indexes to write with each comment.  A new comment wrote
 * into twelve indexes; the sender's were five.  comments_by_email
 * served one rule (a sender seen in spam), which comments_by_lower_email
 * serves as well; comments_by_ip (the flood rule, by time) and
 * comments_by_ip_status (the sender's history) become one, by status
 * and time, which the flood rule reads with its four statuses named.
 * A batch of 16 comments wrote 46.7 pages of WAL, 38.4 after.
 */
#define MIGRATION_SENDER_INDEXES \
	"DROP INDEX comments_by_email;" \
	"DROP INDEX comments_by_ip;" \
	"DROP INDEX comments_by_ip_status;" \
	"CREATE INDEX comments_by_ip_status ON comments (ip_hash, status," \
	"  created);"

/* 10, SQLite: posts.comment_count follows its approved comments. */
#define COUNT_TRIGGERS \
	"CREATE TRIGGER comments_count_i AFTER INSERT ON comments" \
	" WHEN NEW.status = 'approved' BEGIN UPDATE posts SET" \
	" comment_count = comment_count + 1 WHERE id = NEW.post_id; END;" \
	"CREATE TRIGGER comments_count_d AFTER DELETE ON comments" \
	" WHEN OLD.status = 'approved' BEGIN UPDATE posts SET" \
	" comment_count = comment_count - 1 WHERE id = OLD.post_id; END;" \
	"CREATE TRIGGER comments_count_u AFTER UPDATE OF status ON comments" \
	" WHEN (OLD.status = 'approved') <> (NEW.status = 'approved') BEGIN" \
	" UPDATE posts SET comment_count = comment_count +" \
	" CASE NEW.status WHEN 'approved' THEN 1 ELSE -1 END" \
	" WHERE id = NEW.post_id; END;"

static const char *const sqlite_steps[] = {
	"CREATE TABLE generation (id INTEGER PRIMARY KEY CHECK (id = 1),"
	"  n INTEGER NOT NULL);"
	"INSERT INTO generation VALUES (1, 0);"
	"CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
	"CREATE TABLE users (id INTEGER PRIMARY KEY,"
	"  slug TEXT NOT NULL UNIQUE, name TEXT NOT NULL,"
	"  email TEXT NOT NULL UNIQUE, url TEXT NOT NULL DEFAULT '',"
	"  bio TEXT NOT NULL DEFAULT '',"
	"  role TEXT NOT NULL DEFAULT 'author'"
	"    CHECK (role IN ('admin', 'editor', 'author')),"
	"  pass_hash TEXT, created INTEGER NOT NULL);"
	"CREATE TABLE posts (id INTEGER PRIMARY KEY,"
	"  type TEXT NOT NULL CHECK (type IN ('post', 'page')),"
	"  slug TEXT NOT NULL, title TEXT NOT NULL,"
	"  status TEXT NOT NULL CHECK (status IN"
	"    ('publish', 'draft', 'pending', 'private', 'trash')),"
	"  author_id INTEGER NOT NULL REFERENCES users(id),"
	"  published INTEGER NOT NULL, modified INTEGER NOT NULL,"
	"  format TEXT NOT NULL CHECK (format IN ('markdown', 'html')),"
	"  body TEXT NOT NULL, excerpt TEXT NOT NULL DEFAULT '',"
	"  source_name TEXT NOT NULL DEFAULT '',"
	"  source_url TEXT NOT NULL DEFAULT '',"
	"  comments_open INTEGER NOT NULL DEFAULT 1,"
	"  rating_sum INTEGER NOT NULL DEFAULT 0,"
	"  rating_count INTEGER NOT NULL DEFAULT 0,"
	"  UNIQUE (type, slug));"
	"CREATE INDEX posts_by_date ON posts (type, status, published);"
	"CREATE INDEX posts_by_author ON posts (author_id);"
	"CREATE TABLE terms (id INTEGER PRIMARY KEY,"
	"  taxonomy TEXT NOT NULL CHECK (taxonomy IN ('category', 'tag')),"
	"  slug TEXT NOT NULL, name TEXT NOT NULL,"
	"  parent_id INTEGER REFERENCES terms(id) ON DELETE SET NULL,"
	"  description TEXT NOT NULL DEFAULT '',"
	"  UNIQUE (taxonomy, slug));"
	"CREATE TABLE post_terms ("
	"  post_id INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,"
	"  term_id INTEGER NOT NULL REFERENCES terms(id) ON DELETE CASCADE,"
	"  position INTEGER NOT NULL,"
	"  PRIMARY KEY (post_id, term_id));"
	"CREATE INDEX post_terms_by_term ON post_terms (term_id);"
	"CREATE TABLE comments (id INTEGER PRIMARY KEY,"
	"  post_id INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,"
	"  parent_id INTEGER REFERENCES comments(id) ON DELETE CASCADE,"
	"  author TEXT NOT NULL, email TEXT NOT NULL,"
	"  url TEXT NOT NULL DEFAULT '', content TEXT NOT NULL,"
	"  status TEXT NOT NULL CHECK (status IN"
	"    ('approved', 'pending', 'spam', 'trash')),"
	"  created INTEGER NOT NULL, ip_hash TEXT NOT NULL DEFAULT '',"
	"  user_agent TEXT NOT NULL DEFAULT '',"
	"  user_id INTEGER REFERENCES users(id) ON DELETE SET NULL,"
	"  vote_sum INTEGER NOT NULL DEFAULT 0,"
	"  vote_count INTEGER NOT NULL DEFAULT 0);"
	"CREATE INDEX comments_by_post ON comments (post_id, status, created);"
	"CREATE TABLE post_votes ("
	"  post_id INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,"
	"  voter TEXT NOT NULL, value INTEGER NOT NULL CHECK (value >= 1),"
	"  created INTEGER NOT NULL, PRIMARY KEY (post_id, voter));"
	"CREATE TABLE comment_votes ("
	"  comment_id INTEGER NOT NULL"
	"    REFERENCES comments(id) ON DELETE CASCADE,"
	"  voter TEXT NOT NULL, value INTEGER NOT NULL"
	"    CHECK (value IN (-1, 1)),"
	"  created INTEGER NOT NULL, PRIMARY KEY (comment_id, voter));"
	"CREATE TABLE media (id INTEGER PRIMARY KEY,"
	"  hash TEXT NOT NULL UNIQUE, mime TEXT NOT NULL,"
	"  width INTEGER NOT NULL, height INTEGER NOT NULL,"
	"  bytes INTEGER NOT NULL, alt TEXT NOT NULL DEFAULT '',"
	"  created INTEGER NOT NULL);"
	VOTE_TRIGGERS("post_votes", "posts", "post_id",
	    "rating_sum", "rating_count")
	VOTE_TRIGGERS("comment_votes", "comments", "comment_id",
	    "vote_sum", "vote_count")
	GEN_TRIGGERS("settings") GEN_TRIGGERS("users") GEN_TRIGGERS("posts")
	GEN_TRIGGERS("terms") GEN_TRIGGERS("post_terms")
	GEN_TRIGGERS("comments") GEN_TRIGGERS("post_votes")
	GEN_TRIGGERS("comment_votes") GEN_TRIGGERS("media"),

	MIGRATION_COMMENT_IMAGES,	/* 2 */
	MIGRATION_AVATARS,		/* 3 */
	MIGRATION_VOTE_IPS,		/* 4 */
	MIGRATION_SPAM,			/* 5 */
	MIGRATION_ACCOUNTS,		/* 6 */
	MIGRATION_REVISIONS("INTEGER PRIMARY KEY"),	/* 7 */
	MIGRATION_PRIVACY_LOG("INTEGER PRIMARY KEY"),	/* 8 */
	MIGRATION_POST_FILTERED,	/* 9 */
	MIGRATION_THREADS COUNT_TRIGGERS,	/* 10 */
	MIGRATION_MEDIA_SIZES GEN_TRIGGERS("media_sizes"),	/* 11 */
	MIGRATION_MEDIA_BLOBS("BLOB"),	/* 12 */
	MIGRATION_IMPORT,		/* 13 */
	MIGRATION_FEATURED,		/* 14 */
	MIGRATION_EXPORT,		/* 15 */
	MIGRATION_SEARCH_TEXT SEARCH_FTS5,	/* 16 */
	MIGRATION_FEEDS,		/* 17 */
	MIGRATION_MAIL("INTEGER PRIMARY KEY", "BLOB"),	/* 18 */
	MIGRATION_ATTACHED GEN_TRIGGERS("attachments"),	/* 19 */
	MIGRATION_MAIL_HELD,		/* 20 */
	MIGRATION_MENU("INTEGER PRIMARY KEY", "BLOB")
	GEN_TRIGGERS("menu_items") GEN_TRIGGERS("site_images"),	/* 21 */
	MIGRATION_SPAM_LR,		/* 22 */
	"",				/* 23: PostgreSQL's alone */
	MIGRATION_AUTOSAVE,		/* 24 */
	MIGRATION_HELD_PICTURES,	/* 25 */
	MIGRATION_VOTE_DAYS,		/* 26 */
	MIGRATION_SPAM_FEAT,		/* 27 */
	MIGRATION_SENDER_INDEXES,	/* 28 */
};

/* PostgreSQL: */

#define PG_VOTE_TRIGGER(t, parent, key, sum, count) \
	"CREATE FUNCTION " t "_agg() RETURNS trigger LANGUAGE plpgsql AS $$" \
	" BEGIN IF TG_OP IN ('UPDATE', 'DELETE') THEN UPDATE " parent \
	" SET " sum " = " sum " - OLD.value, " count " = " count " - 1" \
	" WHERE id = OLD." key "; END IF;" \
	" IF TG_OP IN ('UPDATE', 'INSERT') THEN UPDATE " parent \
	" SET " sum " = " sum " + NEW.value, " count " = " count " + 1" \
	" WHERE id = NEW." key "; END IF; RETURN NULL; END $$;" \
	"CREATE TRIGGER " t "_agg AFTER INSERT OR UPDATE OR DELETE ON " t \
	" FOR EACH ROW EXECUTE FUNCTION " t "_agg();"

#define PG_GEN_TRIGGER(t) \
	"CREATE TRIGGER " t "_gen AFTER INSERT OR UPDATE OR DELETE ON " t \
	" FOR EACH STATEMENT EXECUTE FUNCTION bump_generation();"

/* 10, PostgreSQL: posts.comment_count follows its approved comments. */
#define PG_COUNT_TRIGGER \
	"CREATE FUNCTION comments_count() RETURNS trigger LANGUAGE plpgsql" \
	" AS $$ BEGIN IF TG_OP IN ('UPDATE', 'DELETE') AND" \
	" OLD.status = 'approved' THEN UPDATE posts SET comment_count =" \
	" comment_count - 1 WHERE id = OLD.post_id; END IF;" \
	" IF TG_OP IN ('UPDATE', 'INSERT') AND NEW.status = 'approved' THEN" \
	" UPDATE posts SET comment_count = comment_count + 1" \
	" WHERE id = NEW.post_id; END IF; RETURN NULL; END $$;" \
	"CREATE TRIGGER comments_count AFTER INSERT OR DELETE OR UPDATE OF" \
	" status ON comments FOR EACH ROW EXECUTE FUNCTION comments_count();"

static const char *const pg_steps[] = {
	"CREATE TABLE generation (id INTEGER PRIMARY KEY CHECK (id = 1),"
	"  n BIGINT NOT NULL);"
	"INSERT INTO generation VALUES (1, 0);"
	"CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
	"CREATE TABLE users (id BIGSERIAL PRIMARY KEY,"
	"  slug TEXT NOT NULL UNIQUE, name TEXT NOT NULL,"
	"  email TEXT NOT NULL UNIQUE, url TEXT NOT NULL DEFAULT '',"
	"  bio TEXT NOT NULL DEFAULT '',"
	"  role TEXT NOT NULL DEFAULT 'author'"
	"    CHECK (role IN ('admin', 'editor', 'author')),"
	"  pass_hash TEXT, created BIGINT NOT NULL);"
	"CREATE TABLE posts (id BIGSERIAL PRIMARY KEY,"
	"  type TEXT NOT NULL CHECK (type IN ('post', 'page')),"
	"  slug TEXT NOT NULL, title TEXT NOT NULL,"
	"  status TEXT NOT NULL CHECK (status IN"
	"    ('publish', 'draft', 'pending', 'private', 'trash')),"
	"  author_id BIGINT NOT NULL REFERENCES users(id),"
	"  published BIGINT NOT NULL, modified BIGINT NOT NULL,"
	"  format TEXT NOT NULL CHECK (format IN ('markdown', 'html')),"
	"  body TEXT NOT NULL, excerpt TEXT NOT NULL DEFAULT '',"
	"  source_name TEXT NOT NULL DEFAULT '',"
	"  source_url TEXT NOT NULL DEFAULT '',"
	"  comments_open INTEGER NOT NULL DEFAULT 1,"
	"  rating_sum BIGINT NOT NULL DEFAULT 0,"
	"  rating_count BIGINT NOT NULL DEFAULT 0,"
	"  UNIQUE (type, slug));"
	"CREATE INDEX posts_by_date ON posts (type, status, published);"
	"CREATE INDEX posts_by_author ON posts (author_id);"
	"CREATE TABLE terms (id BIGSERIAL PRIMARY KEY,"
	"  taxonomy TEXT NOT NULL CHECK (taxonomy IN ('category', 'tag')),"
	"  slug TEXT NOT NULL, name TEXT NOT NULL,"
	"  parent_id BIGINT REFERENCES terms(id) ON DELETE SET NULL,"
	"  description TEXT NOT NULL DEFAULT '',"
	"  UNIQUE (taxonomy, slug));"
	"CREATE TABLE post_terms ("
	"  post_id BIGINT NOT NULL REFERENCES posts(id) ON DELETE CASCADE,"
	"  term_id BIGINT NOT NULL REFERENCES terms(id) ON DELETE CASCADE,"
	"  position INTEGER NOT NULL,"
	"  PRIMARY KEY (post_id, term_id));"
	"CREATE INDEX post_terms_by_term ON post_terms (term_id);"
	"CREATE TABLE comments (id BIGSERIAL PRIMARY KEY,"
	"  post_id BIGINT NOT NULL REFERENCES posts(id) ON DELETE CASCADE,"
	"  parent_id BIGINT REFERENCES comments(id) ON DELETE CASCADE,"
	"  author TEXT NOT NULL, email TEXT NOT NULL,"
	"  url TEXT NOT NULL DEFAULT '', content TEXT NOT NULL,"
	"  status TEXT NOT NULL CHECK (status IN"
	"    ('approved', 'pending', 'spam', 'trash')),"
	"  created BIGINT NOT NULL, ip_hash TEXT NOT NULL DEFAULT '',"
	"  user_agent TEXT NOT NULL DEFAULT '',"
	"  user_id BIGINT REFERENCES users(id) ON DELETE SET NULL,"
	"  vote_sum BIGINT NOT NULL DEFAULT 0,"
	"  vote_count BIGINT NOT NULL DEFAULT 0);"
	"CREATE INDEX comments_by_post ON comments (post_id, status, created);"
	"CREATE TABLE post_votes ("
	"  post_id BIGINT NOT NULL REFERENCES posts(id) ON DELETE CASCADE,"
	"  voter TEXT NOT NULL, value INTEGER NOT NULL CHECK (value >= 1),"
	"  created BIGINT NOT NULL, PRIMARY KEY (post_id, voter));"
	"CREATE TABLE comment_votes ("
	"  comment_id BIGINT NOT NULL"
	"    REFERENCES comments(id) ON DELETE CASCADE,"
	"  voter TEXT NOT NULL, value INTEGER NOT NULL"
	"    CHECK (value IN (-1, 1)),"
	"  created BIGINT NOT NULL, PRIMARY KEY (comment_id, voter));"
	"CREATE TABLE media (id BIGSERIAL PRIMARY KEY,"
	"  hash TEXT NOT NULL UNIQUE, mime TEXT NOT NULL,"
	"  width INTEGER NOT NULL, height INTEGER NOT NULL,"
	"  bytes BIGINT NOT NULL, alt TEXT NOT NULL DEFAULT '',"
	"  created BIGINT NOT NULL);"
	PG_VOTE_TRIGGER("post_votes", "posts", "post_id",
	    "rating_sum", "rating_count")
	PG_VOTE_TRIGGER("comment_votes", "comments", "comment_id",
	    "vote_sum", "vote_count")
	"CREATE FUNCTION bump_generation() RETURNS trigger LANGUAGE plpgsql"
	" AS $$ DECLARE v BIGINT; BEGIN"
	" UPDATE generation SET n = n + 1 WHERE id = 1 RETURNING n INTO v;"
	" PERFORM pg_notify('galley_generation', v::text);"
	" RETURN NULL; END $$;"
	PG_GEN_TRIGGER("settings") PG_GEN_TRIGGER("users")
	PG_GEN_TRIGGER("posts") PG_GEN_TRIGGER("terms")
	PG_GEN_TRIGGER("post_terms") PG_GEN_TRIGGER("comments")
	PG_GEN_TRIGGER("post_votes") PG_GEN_TRIGGER("comment_votes")
	PG_GEN_TRIGGER("media"),

	MIGRATION_COMMENT_IMAGES,	/* 2 */
	MIGRATION_AVATARS,		/* 3 */
	MIGRATION_VOTE_IPS,		/* 4 */
	MIGRATION_SPAM,			/* 5 */
	MIGRATION_ACCOUNTS,		/* 6 */
	MIGRATION_REVISIONS("BIGSERIAL PRIMARY KEY"),	/* 7 */
	MIGRATION_PRIVACY_LOG("BIGSERIAL PRIMARY KEY"),	/* 8 */
	MIGRATION_POST_FILTERED,	/* 9 */
	MIGRATION_THREADS PG_COUNT_TRIGGER,	/* 10 */
	MIGRATION_MEDIA_SIZES PG_GEN_TRIGGER("media_sizes"),	/* 11 */
	MIGRATION_MEDIA_BLOBS("BYTEA")
	"ALTER TABLE media_blobs ALTER COLUMN bytes SET STORAGE EXTERNAL;",
							/* 12 */
	MIGRATION_IMPORT,		/* 13 */
	MIGRATION_FEATURED,		/* 14 */
	MIGRATION_EXPORT,		/* 15 */
	MIGRATION_SEARCH_TEXT PG_SEARCH_VECTOR,	/* 16 */
	MIGRATION_FEEDS,		/* 17 */
	MIGRATION_MAIL("BIGSERIAL PRIMARY KEY", "BYTEA"),	/* 18 */
	MIGRATION_ATTACHED PG_GEN_TRIGGER("attachments"),	/* 19 */
	MIGRATION_MAIL_HELD,		/* 20 */
	MIGRATION_MENU("BIGSERIAL PRIMARY KEY", "BYTEA")
	PG_GEN_TRIGGER("menu_items") PG_GEN_TRIGGER("site_images"),	/* 21 */
	MIGRATION_SPAM_LR,		/* 22 */
	PG_BUMP_ONCE,			/* 23 */
	MIGRATION_AUTOSAVE,		/* 24 */
	MIGRATION_HELD_PICTURES,	/* 25 */
	MIGRATION_VOTE_DAYS,		/* 26 */
	MIGRATION_SPAM_FEAT,		/* 27 */
	MIGRATION_SENDER_INDEXES,	/* 28 */
};

const char *const *
store_schema(enum db_engine e, int *n)
{
	if (e == DB_PG) {
		*n = (int)(sizeof(pg_steps) / sizeof(pg_steps[0]));
		return pg_steps;
	}
	*n = (int)(sizeof(sqlite_steps) / sizeof(sqlite_steps[0]));
	return sqlite_steps;
}
