/*
 * store_dump: PostgreSQL's logical dump and its load, for `galley
 * backup` and `galley restore` (SQLite copies its one file instead:
 * store_copy).  Every table as lines of JSON, one a row (row_to_json:
 * columns by name, bytea as its hex text, which json_populate_record
 * reads back, many rows a statement), read in one REPEATABLE READ
 * snapshot (store_snapshot)
 * so rows agree with one another while the site keeps taking writes,
 * through a cursor a block of rows at a time (1,000; 8 of pictures'
 * bytes, up to 16 MiB each as hex): one result of a whole table held a
 * popular post's every comment in memory at once.
 * The tables are listed here in an order a load can follow, each row
 * after the rows it names; a table naming itself (a reply, a child
 * page, term or menu item) is read parents first.  A table the list
 * does not know stops a dump (store_dump_known) rather than leave it
 * out of a backup.
 */
#include <stdio.h>
#include <string.h>

#include "store_query.h"

struct dump_table {
	const char	*name;
	const char	*select;	/* a cursor over its rows, one JSON
					   text each */
	const char	*insert;	/* ?1: a JSON array of those */
	const char	*wipe;
	const char	*ids;		/* its id sequence after a load, or
					   NULL: no id column */
	const char	*quiet;		/* its triggers off, for a load */
	const char	*loud;		/* and on again */
	int		 big;		/* rows of pictures' bytes: read a
					   few at a time */
};

#define CURSOR	"DECLARE galley_dump NO SCROLL CURSOR FOR "
#define ROWS(t)	CURSOR "SELECT row_to_json(x)::text FROM " t " x"
/* Parents before children: by depth in the tree, then id. */
#define TREE(t, row) CURSOR "WITH RECURSIVE d (id, n) AS (SELECT id, 0 FROM " t \
	" WHERE parent_id IS NULL UNION ALL SELECT x.id, d.n + 1 FROM " t \
	" x JOIN d ON x.parent_id = d.id) SELECT " row " FROM " t " x JOIN" \
	" d USING (id) ORDER BY d.n, x.id"
#define LOAD(t)	"INSERT INTO " t " SELECT * FROM json_populate_recordset(" \
	"NULL::" t ", ?1::json)"
#define WIPE(t)	"TRUNCATE " t " CASCADE"
#define IDS(t)	"SELECT setval(pg_get_serial_sequence('" t "', 'id')," \
	" coalesce((SELECT max(id) FROM " t "), 1))"
#define QUIET(t)	"ALTER TABLE " t " DISABLE TRIGGER USER"
#define LOUD(t)		"ALTER TABLE " t " ENABLE TRIGGER USER"
#define PLAIN(t)	{ t, ROWS(t), LOAD(t), WIPE(t), NULL, QUIET(t), \
			    LOUD(t), 0 }
#define BIG(t)		{ t, ROWS(t), LOAD(t), WIPE(t), NULL, QUIET(t), \
			    LOUD(t), 1 }
#define NUMBERED(t)	{ t, ROWS(t), LOAD(t), WIPE(t), IDS(t), QUIET(t), \
			    LOUD(t), 0 }
#define NESTED(t)	{ t, TREE(t, "row_to_json(x)::text"), LOAD(t), \
			    WIPE(t), IDS(t), QUIET(t), LOUD(t), 0 }

/*
 * posts.search_vec is generated, so it is neither written nor read
 * back: the load names every other column.
 */
#define POST_COLS "id, type, slug, title, status, author_id, published," \
	" modified, format, body, excerpt, source_name, source_url," \
	" comments_open, rating_sum, rating_count, filtered, comment_count," \
	" sticky, parent_id, featured_media, featured_alt, search_text"

static const struct dump_table tables[] = {
	PLAIN("generation"),
	PLAIN("settings"),
	NUMBERED("users"),
	PLAIN("sessions"),
	PLAIN("login_failures"),
	PLAIN("spam_tokens"),
	NUMBERED("privacy_log"),
	NUMBERED("media"),
	PLAIN("media_sizes"),
	BIG("media_blobs"),
	{ "posts", TREE("posts", "(row_to_json(x)::jsonb - 'search_vec')::"
	    "text"), "INSERT INTO posts (" POST_COLS ") SELECT " POST_COLS
	    " FROM json_populate_recordset(NULL::posts, ?1::json)",
	    WIPE("posts"), IDS("posts"), QUIET("posts"), LOUD("posts"), 0 },
	NUMBERED("post_revisions"),
	NESTED("terms"),
	PLAIN("post_terms"),
	NESTED("comments"),
	PLAIN("post_votes"),
	PLAIN("comment_votes"),
	PLAIN("imported"),
	PLAIN("redirects"),
	NUMBERED("outbox"),
	NUMBERED("mail_events"),
	NUMBERED("mail_addresses"),
	PLAIN("mail_subscriptions"),
	PLAIN("mail_held"),
	PLAIN("password_resets"),
	PLAIN("attachments"),
	NESTED("menu_items"),
	BIG("site_images"),
};
#define NTABLES	(sizeof(tables) / sizeof(tables[0]))

const char *
store_dump_table(size_t i)
{
	return i < NTABLES ? tables[i].name : NULL;
}

int
store_dump_known(struct store_conn *c, char *name, size_t len)
{
	struct db_stmt	*s;
	const char	*t;
	size_t		 i;
	int		 rc;

	s = q(c, "SELECT table_name FROM information_schema.tables WHERE"
	    " table_schema = current_schema() AND table_type = 'BASE TABLE'"
	    " AND table_name <> 'schema_version' ORDER BY 1", "");
	if (s == NULL)
		return STORE_ERROR;
	while ((rc = q_step(s)) == DB_ROW) {
		t = col_str(s, 0);
		for (i = 0; i < NTABLES && strcmp(tables[i].name, t) != 0; i++)
			;
		if (i == NTABLES) {
			snprintf(name, len, "%s", t);
			q_done(s);
			return STORE_CONFLICT;
		}
	}
	q_done(s);
	return rc < 0 ? -rc : STORE_OK;
}

int
store_dump(struct store_conn *c, size_t i, int (*line)(void *,
    const char *, size_t), void *arg, int64_t *rows)
{
	struct db_stmt	*s;
	const char	*t;
	int64_t		 got, block;
	int		 rc;

	*rows = 0;
	if (i >= NTABLES)
		return STORE_ERROR;
	if ((rc = q_exec(q(c, tables[i].select, ""))) != STORE_OK)
		return rc;
	block = tables[i].big ? 8 : 1000;
	do {
		s = tables[i].big ? q(c, "FETCH 8 FROM galley_dump", "") :
		    q(c, "FETCH 1000 FROM galley_dump", "");
		if (s == NULL)
			return STORE_ERROR;
		for (got = 0; (rc = q_step(s)) == DB_ROW; got++) {
			t = col_str(s, 0);
			if (line(arg, t, strlen(t)) != 0) {
				rc = -STORE_ERROR;
				break;
			}
		}
		q_done(s);
		*rows += got;
	} while (rc == DB_DONE && got == block);	/* short: the end */
	if (rc < 0)
		return -rc;
	return q_exec(q(c, "CLOSE galley_dump", ""));
}

/*
 * The tables' own triggers (tallies, the data generation) are off while
 * rows come in: a post's comment count bumped once a comment is a new
 * version of its row each time, and a popular post's hundred thousand
 * comments took minutes.  The tallies come in as dumped, and are
 * recounted at the end.  DISABLE TRIGGER is the owner's to do, and
 * galley made the tables.
 */
int
store_load_begin(struct store_conn *c)
{
	size_t	 i;
	int	 rc = STORE_OK;

	for (i = NTABLES; i-- > 0 && rc == STORE_OK; )
		rc = q_exec(q(c, tables[i].wipe, ""));
	for (i = 0; i < NTABLES && rc == STORE_OK; i++)
		rc = q_exec(q(c, tables[i].quiet, ""));
	return rc;
}

int
store_load(struct store_conn *c, size_t i, const char *rows)
{
	if (i >= NTABLES)
		return STORE_ERROR;
	return q_exec(q(c, tables[i].insert, "t", rows));
}

/* Ignores a recount's report: a load corrects them all silently. */
static void
recounted(void *arg, const char *kind, int64_t id, int64_t old_sum,
    int64_t old_count, int64_t sum, int64_t count)
{
	(void)arg, (void)kind, (void)id, (void)old_sum, (void)old_count;
	(void)sum, (void)count;
}

int
store_load_end(struct store_conn *c)
{
	int64_t	 v;
	size_t	 i;
	int	 rc = STORE_OK;

	for (i = 0; i < NTABLES && rc == STORE_OK; i++)
		rc = q_exec(q(c, tables[i].loud, ""));
	for (i = 0; i < NTABLES && rc == STORE_OK; i++)
		if (tables[i].ids != NULL)
			rc = q_int(q(c, tables[i].ids, ""), &v);
	if (rc == STORE_OK)
		rc = store_tallies(c, 1, recounted, NULL);
	if (rc == STORE_OK)
		rc = store_generation_bump(c);
	return rc;
}
