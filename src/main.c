/*
 * main: the galley command line.  Each subcommand is a row of the table
 * below: its name, its usage line, and the function that runs it.  Exit
 * codes: 0 success, 1 failure (with a message), 2 bad usage.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include <sodium.h>

#include "account.h"
#include "backup.h"
#include "check.h"
#include "arena.h"
#include "buf.h"
#include "comment.h"
#include "date.h"
#include "env.h"
#include "export.h"
#include "i18n.h"
#include "import.h"
#include "library.h"
#include "mail.h"
#include "media.h"
#include "moderation.h"
#include "outbox.h"
#include "post.h"
#include "reset.h"
#include "server.h"
#include "version.h"
#include "setting.h"
#include "spam.h"
#include "spam_corpus.h"
#include "page.h"
#include "site.h"
#include "store.h"
#include "theme.h"


static int	cmd_init(int, char **);
static int	cmd_serve(int, char **);
static int	cmd_config(int, char **);
static int	cmd_comments(int, char **);
static int	cmd_votes(int, char **);
static int	cmd_spam(int, char **);
static int	cmd_user(int, char **);
static int	cmd_media(int, char **);
static int	cmd_import(int, char **);
static int	cmd_export(int, char **);
static int	cmd_mail(int, char **);
static int	cmd_theme(int, char **);
static int	cmd_backup(int, char **);
static int	cmd_restore(int, char **);
static int	cmd_check(int, char **);

static const struct cmd {
	const char	*name;
	const char	*usage;
	const char	*help;
	int		(*fn)(int, char **);
} cmds[] = {
	{ "init", "galley init DIR [--demo] [--db postgresql://USER@HOST/DB]",
	    "Create a site in DIR (new or empty): galley.conf with a fresh\n"
	    "secret, the database and media/.  The database is DIR/galley.db\n"
	    "(SQLite) unless --db names a PostgreSQL database (which must\n"
	    "exist; Galley creates its tables).  --demo loads the demo.\n",
	    cmd_init },
	{ "serve", "galley serve DIR [--listen HOST:PORT] [--log FILE]"
	    " [--metrics-listen HOST:PORT]",
	    "Serve the site in DIR over HTTP (default 127.0.0.1:8080),\n"
	    "first migrating its database if it is older than this galley.\n"
	    "The access log goes to stderr, or is appended to FILE.\n"
	    "SIGINT or SIGTERM finishes the requests in flight and exits;\n"
	    "SIGHUP reopens FILE (for logrotate), reads the settings again\n"
	    "and reloads the theme folder (docs/THEMES.md).  Under systemd\n"
	    "(Type=notify) it reports ready, reloading and stopping.\n"
	    "/healthz answers 200 while the database answers with this\n"
	    "galley's schema, else 503 and why.  --metrics-listen serves\n"
	    "Prometheus metrics at /metrics on an address of their own (off\n"
	    "unless given; keep it private: see docs/DEPLOY.md, Monitoring).\n",
	    cmd_serve },
	{ "config", "galley config DIR list | get KEY | set KEY VALUE",
	    "Read or change the site settings kept in the database, which\n"
	    "every node sharing it sees at once.  `list` shows each key,\n"
	    "its value and what it is for.\n",
	    cmd_config },
	{ "comments", "galley comments DIR list [--status S] | set-status ID S",
	    "Moderate from the command line: list comments, newest first\n"
	    "(ID first; S is approved, pending, spam or trash), or change\n"
	    "one's status.\n",
	    cmd_comments },
	{ "votes", "galley votes DIR recount",
	    "Recompute every rating and thumbs tally from the stored votes,\n"
	    "correcting and listing any that had drifted.\n",
	    cmd_votes },
	{ "spam", "galley spam DIR train --ham PATH --spam PATH | "
	    "DIR classify FILE... |\n"
	    "              eval --train PATH... (--test PATH... | --folds K"
	    " [--seed S] | --by-path) [--json]",
	    "The comment spam filter.  `train` learns every message under\n"
	    "the --ham and --spam paths (directories of text or RFC 822\n"
	    "messages; repeatable) into the site's database; `classify`\n"
	    "prints each file's score (0 ham .. 1 spam) and class (no-opinion\n"
	    "until 10 of each have been learnt).  `eval`\n"
	    "trains a fresh filter in memory on the --train corpora and\n"
	    "reports on the --test ones; or cross-validates the --train\n"
	    "corpora, a row per fold: --folds K, stratified folds of a\n"
	    "shuffle seeded by --seed S (default 0), or --by-path, leaving\n"
	    "each --train path out in turn (--write-folds DIR writes the\n"
	    "folds' messages for another filter).  A corpus is a directory\n"
	    "with ham/ and spam/, or a CSV file with CONTENT and CLASS\n"
	    "columns.  Unsure counts as not spam.  --robs, --robx,\n"
	    "--min-dev, --max-tokens, --mix, --mix-mode, --lr-rate,\n"
	    "--features, --ham-threshold, --spam-threshold, --no-signals\n"
	    "and --threads N (of the test pass) change the filter's\n"
	    "parameters, for measuring them (docs/SPAM.md).\n",
	    cmd_spam },
	{ "user", "galley user DIR add --email E --name N --role R | invite"
	    " --email E [--name N] [--role R] | list | passwd --email E |"
	    " remove --email E [--reassign E2]",
	    "The site's own people: admin (everything), editor (all posts,\n"
	    "pages, terms and moderation) and author (their own posts, and\n"
	    "moderation of comments on them).  add and passwd read the\n"
	    "password from a prompt (twice, not echoed), or the first line\n"
	    "of standard input when it is not a terminal; never from the\n"
	    "command line.  passwd ends the account's sessions.  invite\n"
	    "makes an account with no password (named after the address\n"
	    "unless --name, an author unless --role) and emails its owner a\n"
	    "link to choose one, good for 7 days; it needs mail (smtp_url\n"
	    "and mail_from in galley.conf).  Invite an account that has no\n"
	    "password yet again to send it a new link.  remove deletes an\n"
	    "account; one that wrote posts is removed only with --reassign,\n"
	    "which gives its posts to the account with address E2 first.\n"
	    "Its comments stay, no longer tied to an account.\n",
	    cmd_user },
	{ "media", "galley media DIR move --to db|files | regenerate",
	    "`move`: move every picture of the site between the media folder\n"
	    "(media_dir) and the database, then set media_store in\n"
	    "galley.conf.  Each picture is checked against its SHA-256 name\n"
	    "as it is read, and read back and checked again once written;\n"
	    "source copies are deleted only after every picture is at the\n"
	    "destination.  Safe to interrupt and run again.  Restart the\n"
	    "nodes afterwards (they read galley.conf at start).\n"
	    "`regenerate`: give each item of the media library the sizes\n"
	    "it lacks (320, 640 and 1024 px wide, and WebP twins), made\n"
	    "from its display copy, which keeps its name.\n",
	    cmd_media },
	{ "import", "galley import DIR FILE.xml [--uploads PATH] [--dry-run]",
	    "Import a WordPress export (WXR 1.0-1.2): authors (as accounts\n"
	    "without passwords), categories, tags, posts, pages, comments and,\n"
	    "from --uploads (a copy of wp-content/uploads; nothing is fetched),\n"
	    "attachments.  The file is checked whole first and written in one\n"
	    "transaction: a bad file changes nothing.  Running it again adds\n"
	    "only what is new; old links redirect.  --dry-run prints the\n"
	    "summary and changes nothing.\n",
	    cmd_import },
	{ "export", "galley export DIR [--out FILE]",
	    "Write the site as a WordPress export (WXR 1.2), which\n"
	    "WordPress's importer and `galley import` read: authors,\n"
	    "categories, tags, posts, pages, comments, and the media library\n"
	    "as attachments (their URLs on this site's base_url), with each\n"
	    "imported item's GUID and WordPress id.  Standard output unless\n"
	    "--out names a file, which appears whole or not at all.\n",
	    cmd_export },
	{ "mail", "galley mail DIR list [--all] | retry [ID] | test ADDRESS",
	    "The outbox (mail is on when galley.conf sets smtp_url and\n"
	    "mail_from).  `list` shows every message not yet sent (--all:\n"
	    "sent ones too): id, status, kind, recipient, when queued, tries,\n"
	    "and the server's last reply.  `retry` queues failed message ID\n"
	    "(or every failed one) again.  `test` sends a message to ADDRESS\n"
	    "now and says what the server answered.\n",
	    cmd_mail },
	{ "theme", "galley theme DIR copy [--force] | check",
	    "The site's theme folder (DIR/theme, or theme_dir in galley.conf)\n"
	    "overrides the built-in theme file by file (docs/THEMES.md).\n"
	    "`copy` writes the built-in theme there to start from, listing\n"
	    "each file; it overwrites none unless --force.  `check` loads it\n"
	    "as a reload would and says what is wrong, with file and line.\n"
	    "A serving node takes up changes on SIGHUP or from the admin's\n"
	    "Tools page.\n",
	    cmd_theme },
	{ "backup", "galley backup DIR FILE",
	    "Write the site in DIR to FILE, one tar file, while it serves:\n"
	    "the database as one snapshot (SQLite's online backup, or\n"
	    "PostgreSQL's rows read in one transaction), the pictures it\n"
	    "names, galley.conf (the secret: keep FILE private) and a\n"
	    "MANIFEST of every member's SHA-256.  Written to FILE.tmp,\n"
	    "synced, then renamed.\n",
	    cmd_backup },
	{ "restore", "galley restore DIR FILE",
	    "Put the backup FILE in place of the site in DIR (made by galley\n"
	    "init, not serving): every member is checked against the\n"
	    "manifest before anything is touched, then the database and the\n"
	    "pictures are replaced and the site checked.\n",
	    cmd_restore },
	{ "check", "galley check DIR [--repair]",
	    "Report what is wrong with the site: the database's integrity\n"
	    "and foreign keys, tallies against a recount, pictures named but\n"
	    "missing and files nothing names, migrations pending.  Exits 1\n"
	    "on any problem.  --repair corrects the tallies and moves files\n"
	    "nothing names to DIR/media-orphans/ (rows of media_blobs are\n"
	    "deleted), saying each.\n",
	    cmd_check },
};

static void
usage(FILE *f)
{
	size_t	 i;

	fprintf(f, "usage: galley --help | --version\n");
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		fprintf(f, "       %s\n", cmds[i].usage);
}

/* Prints the usage line of cmd; returns 2 for a bad invocation. */
static int
bad(const struct cmd *c, const char *why)
{
	if (why != NULL)
		fprintf(stderr, "galley %s: %s\n", c->name, why);
	fprintf(stderr, "usage: %s\n", c->usage);
	return 2;
}

static int
cmd_init(int argc, char **argv)
{
	const char	*dir = NULL, *db = NULL;
	char		 err[512];
	int		 demo = 0, i, rc;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--demo") == 0)
			demo = 1;
		else if (strcmp(argv[i], "--db") == 0 && i + 1 < argc)
			db = argv[++i];
		else if (strncmp(argv[i], "--db=", 5) == 0)
			db = argv[i] + 5;
		else if (argv[i][0] == '-' || dir != NULL)
			return bad(&cmds[0], argv[i][0] == '-' ?
			    "unknown flag" : "one DIR only");
		else
			dir = argv[i];
	}
	if (dir == NULL)
		return bad(&cmds[0], "DIR is required");
	if (db != NULL && strncmp(db, "postgresql:", 11) != 0 &&
	    strncmp(db, "postgres:", 9) != 0)
		return bad(&cmds[0], "--db takes a postgresql:// URI");
	rc = site_init(dir, db, demo, err, sizeof(err));
	if (rc == 1) {
		fprintf(stderr, "galley: %s is already a Galley site; left as"
		    " it is\n", dir);
		return 0;
	}
	if (rc != 0) {
		fprintf(stderr, "galley: %s\n", err);
		return 1;
	}
	printf("Created the Galley site %s%s.\nServe it with: galley serve"
	    " %s\nCreate its first admin with: galley user %s add --email"
	    " YOU@EXAMPLE.ORG --name 'Your Name' --role admin\n", dir,
	    demo ? " with the demo content" : "", dir, dir);
	return 0;
}

/*
 * Makes the search text of the posts that lack it (those there before
 * migration 16), 100 a transaction, before the site is served; a
 * failure leaves them for the next start, and search without their
 * bodies meanwhile.
 */
static void
index_pending(struct site *site)
{
	struct env	 e = { .site = site, .now = (int64_t)time(NULL) };
	struct arena	 a;
	int64_t		 n = 0, all = 0;
	int		 rc;

	if ((e.conn = store_conn_get(site->store)) == NULL)
		return;
	do {
		arena_init(&a);
		e.arena = &a;
		if ((rc = store_begin(e.conn)) == STORE_OK &&
		    (rc = post_index(&e, &n)) == STORE_OK)
			rc = store_commit(e.conn);
		else
			store_rollback(e.conn);
		arena_free(&a);
		all += rc == STORE_OK ? n : 0;
	} while (rc == STORE_OK && n > 0);
	store_conn_put(site->store, e.conn);
	if (all > 0 || rc != STORE_OK)
		fprintf(stderr, "galley: search: %lld posts indexed%s%s\n",
		    (long long)all, rc != STORE_OK ? "; stopped: " : "",
		    rc != STORE_OK ? store_rc_name(rc) : "");
}

/*
 * The host of "HOST[:PORT]" or "[V6][:PORT]" into host; returns the
 * port (dflt when none is given), or -1 if it does not fit.
 */
static long
host_port(const char *s, long dflt, char *host, size_t len)
{
	const char	*colon, *end;
	size_t		 n;

	if (*s == '[') {
		if ((end = strchr(s, ']')) == NULL)
			return -1;
		n = (size_t)(end - s - 1);
		colon = end[1] == ':' ? end + 1 : NULL;
		s++;
	} else {
		colon = strrchr(s, ':');
		n = colon != NULL ? (size_t)(colon - s) : strlen(s);
	}
	if (n >= len)
		return -1;
	memcpy(host, s, n);
	host[n] = '\0';
	return colon != NULL ? strtol(colon + 1, NULL, 10) : dflt;
}

/* 1 if host names this machine only (localhost, 127.x, ::1). */
static int
loopback(const char *host)
{
	return strcmp(host, "localhost") == 0 ||
	    strncmp(host, "127.", 4) == 0 || strcmp(host, "::1") == 0;
}

/*
 * Warns when base_url names this listener at another port (or a
 * loopback host that others cannot reach), as a site made with the
 * default base_url and served on another port would: every canonical
 * link, feed and email would point at the wrong place.  A base_url that
 * is a name on its scheme's port is taken for a proxy's front, which
 * may listen anywhere.  Port 0 (the system's choice) is not checked.
 */
static void
base_warn(const char *dir, const char *base, const char *listen)
{
	char		 bh[256], lh[256];
	const char	*rest;
	long		 bp, lp;
	int		 https = strncmp(base, "https://", 8) == 0;

	rest = base + (https ? 8 : 7);
	bp = host_port(rest, https ? 443 : 80, bh, sizeof(bh));
	lp = host_port(listen, -1, lh, sizeof(lh));
	if (bp < 0 || lp <= 0)
		return;
	if (!loopback(bh) && strchr(*rest == '[' ? strchr(rest, ']') : rest,
	    ':') == NULL)
		return;
	if (bp == lp && (!loopback(bh) || loopback(lh) || *lh == '\0' ||
	    strcmp(lh, "0.0.0.0") == 0 || strcmp(lh, "::") == 0))
		return;
	fprintf(stderr, "galley: warning: base_url is %s but this serves"
	    " %s, so canonical links, feeds and emails point at the wrong"
	    " address.  Set the address readers use with:\n  galley config"
	    " %s set base_url http://%s\n", base, listen, dir,
	    loopback(lh) || strcmp(lh, "0.0.0.0") != 0 ? listen :
	    "HOST:PORT");
}

/* base_warn with the site's base_url. */
static void
check_base(struct site *site, const char *dir, const char *listen)
{
	struct store_conn	*c;
	struct arena		 a;
	char			*v = NULL;

	if ((c = store_conn_get(site->store)) == NULL)
		return;
	arena_init(&a);
	if (store_setting_get(c, &a, "base_url", &v) != STORE_OK)
		v = NULL;
	base_warn(dir, v != NULL ? v : settings[SET_BASE_URL].dflt, listen);
	arena_free(&a);
	store_conn_put(site->store, c);
}

static int
cmd_serve(int argc, char **argv)
{
	const char	*dir = NULL, *listen = "127.0.0.1:8080", *log = NULL;
	const char	*metrics = NULL;
	struct site	*site;
	char		 err[512];
	int		 i, rc;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--listen") == 0 && i + 1 < argc)
			listen = argv[++i];
		else if (strncmp(argv[i], "--listen=", 9) == 0)
			listen = argv[i] + 9;
		else if (strcmp(argv[i], "--metrics-listen") == 0 &&
		    i + 1 < argc)
			metrics = argv[++i];
		else if (strncmp(argv[i], "--metrics-listen=", 17) == 0)
			metrics = argv[i] + 17;
		else if (strcmp(argv[i], "--log") == 0 && i + 1 < argc)
			log = argv[++i];
		else if (argv[i][0] == '-' || dir != NULL)
			return bad(&cmds[1], argv[i][0] == '-' ?
			    "unknown flag" : "one DIR only");
		else
			dir = argv[i];
	}
	if (dir == NULL)
		return bad(&cmds[1], "DIR is required");
	if ((site = site_open(dir, err, sizeof(err))) == NULL) {
		fprintf(stderr, "galley: %s\n", err);
		return 1;
	}
	check_base(site, dir, listen);
	index_pending(site);
	rc = server_run(site, listen, metrics, log);
	site_close(site);
	return rc == 0 ? 0 : 1;
}

/* Prints one setting's value: the stored one, else its default. */
static int
config_get(struct store_conn *c, const struct setting *st, int verbose)
{
	struct arena	 a;
	char		*v = NULL;
	int		 rc;

	arena_init(&a);
	rc = store_setting_get(c, &a, st->key, &v);
	if (rc != STORE_OK && rc != STORE_NOTFOUND) {
		arena_free(&a);
		fprintf(stderr, "galley: %s: %s\n", st->key, store_rc_name(rc));
		return 1;
	}
	if (verbose)
		printf("%s = %s\t# %s\n", st->key, rc == STORE_OK ? v :
		    st->dflt, st->help);
	else
		printf("%s\n", rc == STORE_OK ? v : st->dflt);
	arena_free(&a);
	return 0;
}

static int
config_set(struct store_conn *c, const struct setting *st, const char *v)
{
	char	 err[200];
	int	 rc;

	if (setting_check(st, v, LANG_EN, err, sizeof(err)) == -1) {
		fprintf(stderr, "galley: %s must be %s\n", st->key, err);
		return 1;
	}
	if ((rc = store_setting_set(c, st->key, v)) != STORE_OK) {
		fprintf(stderr, "galley: %s: %s\n", st->key, store_rc_name(rc));
		return 1;
	}
	printf("%s is now %s\n", st->key, *v != '\0' ? v : "empty");
	return 0;
}

static int
config_run(const struct env *e, int argc, char **argv)
{
	struct store_conn	*c = e->conn;
	const struct setting	*st;
	size_t			 i;
	int			 rc = 0;

	if (strcmp(argv[2], "list") == 0) {
		for (i = 0; i < SET__MAX && rc == 0; i++)
			rc = config_get(c, &settings[i], 1);
		return rc;
	}
	if ((st = setting_find(argv[3])) == NULL) {
		fprintf(stderr, "galley: no setting '%s' (see galley config DIR"
		    " list)\n", argv[3]);
		return 1;
	}
	return argc == 4 ? config_get(c, st, 0) : config_set(c, st, argv[4]);
}

/*
 * Opens the site in dir and a connection to its database into *site and
 * *c; returns 0, or 1 (said on stderr) if either cannot be opened.
 */
static int
open_store(const char *dir, struct site **site, struct store_conn **c)
{
	char	 err[512];

	if ((*site = site_open(dir, err, sizeof(err))) == NULL) {
		fprintf(stderr, "galley: %s\n", err);
		return 1;
	}
	if ((*c = store_conn_get((*site)->store)) == NULL) {
		fprintf(stderr, "galley: cannot reach the database\n");
		site_close(*site);
		return 1;
	}
	return 0;
}

/*
 * Opens the site in dir, runs fn with an env for it (site_env: a
 * connection to its database, an arena, the settings, the time), and
 * closes it again; returns fn's exit code, or 1 if the site or database
 * cannot be opened.
 */
static int
with_store(const char *dir, int (*fn)(const struct env *, int, char **),
    int argc, char **argv)
{
	struct site		*site;
	struct store_conn	*c;
	struct arena		 a;
	struct env		 e;
	int			 rc = 1;

	if (open_store(dir, &site, &c) != 0)
		return 1;
	arena_init(&a);
	if (site_env(site, c, &a, &e) != STORE_OK)
		fprintf(stderr, "galley: cannot read the settings\n");
	else
		rc = fn(&e, argc, argv);
	store_conn_put(site->store, c);
	arena_free(&a);
	site_close(site);
	return rc;
}

static int
cmd_media(int argc, char **argv)
{
	struct media_store	 from, to;
	struct media_moved	 sum;
	struct library_regen	 regen;
	struct site		*site;
	struct store_conn	*c;
	char			 conf[4096];
	int			 rc, regenerate;

	regenerate = argc == 3 && strcmp(argv[2], "regenerate") == 0;
	if (!regenerate && (argc != 5 || strcmp(argv[2], "move") != 0 ||
	    strcmp(argv[3], "--to") != 0))
		return bad(&cmds[7], NULL);
	if (!regenerate && media_kind_parse(argv[4], &to.kind) == -1)
		return bad(&cmds[7], "--to takes db or files");
	if (open_store(argv[1], &site, &c) != 0)
		return 1;
	if (regenerate)
		rc = library_regenerate(site, c, stdout, &regen) == 0 &&
		    regen.failed == 0 ? 0 : -1;
	else {
		to.dir = from.dir = site->media_dir;
		from.kind = to.kind == MEDIA_DB ? MEDIA_FILES : MEDIA_DB;
		snprintf(conf, sizeof(conf), "%s/galley.conf", argv[1]);
		rc = media_move(&from, &to, c, conf, stdout, &sum);
	}
	store_conn_put(site->store, c);
	site_close(site);
	return rc == 0 ? 0 : 1;
}

static int
cmd_config(int argc, char **argv)
{
	if (!((argc == 3 && strcmp(argv[2], "list") == 0) ||
	    (argc == 4 && strcmp(argv[2], "get") == 0) ||
	    (argc == 5 && strcmp(argv[2], "set") == 0)))
		return bad(&cmds[2], NULL);
	return with_store(argv[1], config_run, argc, argv);
}

static const char *const statuses[] = { "approved", "pending", "spam",
    "trash" };

static int
status_ok(const char *s)
{
	size_t	 i;

	for (i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++)
		if (strcmp(s, statuses[i]) == 0)
			return 1;
	return 0;
}

/*
 * The time t in ISO 8601 in the site's zone ("2026-12-06T00:20:00+01:00")
 * into buf, or "-" for 0.
 */
static const char *
when(const struct env *e, int64_t t, char *buf, size_t len)
{
	struct buf	 b;

	if (t == 0)
		return "-";
	buf_init(&b);
	date_format(&b, "c", t, site_zone(e->site, e->set), &date_names_en);
	snprintf(buf, len, "%s", b.data != NULL ? b.data : "-");
	buf_reset(&b);
	return buf;
}

/* One line a comment: id, status, post, time, author <email>, text. */
static int
comments_list(const struct env *e, const char *status)
{
	struct arena	 a;
	struct comment	*cm;
	size_t		 n, i, len;
	char		 t[40];
	int		 rc;

	arena_init(&a);
	rc = store_comments_list(e->conn, &a, status, 1000, &cm, &n);
	for (i = 0; rc == STORE_OK && i < n; i++) {
		len = strcspn(cm[i].content, "\r\n");
		printf("%lld\t%s\tpost %lld\t%s\tspam %.3f%s%s\t%s <%s>\t"
		    "%.*s%s\n", (long long)cm[i].id, cm[i].status,
		    (long long)cm[i].post_id, when(e, cm[i].created, t,
		    sizeof(t)),
		    cm[i].spam_score, *cm[i].spam_signals ? " " : "",
		    cm[i].spam_signals,
		    cm[i].author, cm[i].email, (int)(len > 60 ? 60 : len),
		    cm[i].content, len > 60 || cm[i].content[len] ? "..." : "");
	}
	arena_free(&a);
	if (rc != STORE_OK)
		fprintf(stderr, "galley: %s\n", store_rc_name(rc));
	return rc == STORE_OK ? 0 : 1;
}

static int
comments_run(const struct env *e, int argc, char **argv)
{
	long long	 id;
	int		 rc;

	if (strcmp(argv[2], "list") == 0)
		return comments_list(e, argc == 5 ? argv[4] : NULL);
	id = strtoll(argv[3], NULL, 10);
	if ((rc = moderation_set(e, id, argv[4])) == STORE_OK) {
		printf("comment %lld is now %s\n", id, argv[4]);
		return 0;
	}
	fprintf(stderr, "galley: comment %s: %s\n", argv[3],
	    rc == STORE_NOTFOUND ? "no such comment" : store_rc_name(rc));
	return 1;
}

static int
cmd_comments(int argc, char **argv)
{
	if (!((argc == 3 && strcmp(argv[2], "list") == 0) ||
	    (argc == 5 && strcmp(argv[2], "list") == 0 &&
	    strcmp(argv[3], "--status") == 0 && status_ok(argv[4])) ||
	    (argc == 5 && strcmp(argv[2], "set-status") == 0 &&
	    strtoll(argv[3], NULL, 10) > 0 && status_ok(argv[4]))))
		return bad(&cmds[3], NULL);
	return with_store(argv[1], comments_run, argc, argv);
}

static void
recounted(void *arg, const char *kind, int64_t id, int64_t old_sum,
    int64_t old_count, int64_t sum, int64_t count)
{
	int	*n = arg;

	(*n)++;
	printf("%s %lld: sum %lld -> %lld, count %lld -> %lld\n", kind,
	    (long long)id, (long long)old_sum, (long long)sum,
	    (long long)old_count, (long long)count);
}

static int
votes_run(const struct env *e, int argc, char **argv)
{
	struct store_conn	*c = e->conn;
	int			 rc, n = 0;

	(void)argc;
	(void)argv;
	if ((rc = store_begin(c)) == STORE_OK &&
	    (rc = store_votes_recount(c, recounted, &n)) == STORE_OK)
		rc = store_commit(c);
	if (rc != STORE_OK) {
		store_rollback(c);
		fprintf(stderr, "galley: recount: %s\n", store_rc_name(rc));
		return 1;
	}
	printf("%d %s corrected\n", n, n == 1 ? "tally" : "tallies");
	return 0;
}

static int
cmd_votes(int argc, char **argv)
{
	if (argc != 3 || strcmp(argv[2], "recount") != 0)
		return bad(&cmds[4], NULL);
	return with_store(argv[1], votes_run, argc, argv);
}

/* Parses eval's flags into e; returns 0, or -1 on a bad one. */
static int
eval_args(int argc, char **argv, struct spam_eval *e)
{
	const char	*v;
	int		 i;

	for (i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0) {
			e->json = 1;
			continue;
		}
		if (strcmp(argv[i], "--scores") == 0) {
			e->scores = 1;
			continue;
		}
		if (strcmp(argv[i], "--no-signals") == 0) {
			e->signals = 0;
			continue;
		}
		if (strcmp(argv[i], "--by-path") == 0) {
			e->by_path = 1;
			continue;
		}
		if (i + 1 >= argc)
			return -1;
		v = argv[++i];
		if (strcmp(argv[i - 1], "--train") == 0)
			for (e->train[e->ntrain++] = v; i + 1 < argc &&
			    argv[i + 1][0] != '-'; )
				e->train[e->ntrain++] = argv[++i];
		else if (strcmp(argv[i - 1], "--test") == 0)
			for (e->test[e->ntest++] = v; i + 1 < argc &&
			    argv[i + 1][0] != '-'; )
				e->test[e->ntest++] = argv[++i];
		else if (strcmp(argv[i - 1], "--folds") == 0)
			e->folds = atoi(v);
		else if (strcmp(argv[i - 1], "--seed") == 0)
			e->seed = (unsigned)strtoul(v, NULL, 10);
		else if (strcmp(argv[i - 1], "--write-folds") == 0)
			e->folds_dir = v;
		else if (strcmp(argv[i - 1], "--threads") == 0)
			e->threads = atoi(v);
		else if (strcmp(argv[i - 1], "--robs") == 0)
			e->params.robs = atof(v);
		else if (strcmp(argv[i - 1], "--robx") == 0)
			e->params.robx = atof(v);
		else if (strcmp(argv[i - 1], "--min-dev") == 0)
			e->params.min_dev = atof(v);
		else if (strcmp(argv[i - 1], "--max-tokens") == 0)
			e->params.max_tokens = atoi(v);
		else if (strcmp(argv[i - 1], "--lr-rate") == 0)
			e->params.lr_rate = atof(v);
		else if (strcmp(argv[i - 1], "--mix") == 0)
			e->params.mix = atof(v);
		else if (strcmp(argv[i - 1], "--mix-mode") == 0)
			e->params.mix_mode = atoi(v);
		else if (strcmp(argv[i - 1], "--features") == 0)
			e->features = (unsigned)strtoul(v, NULL, 0);
		else if (strcmp(argv[i - 1], "--ham-threshold") == 0)
			e->ham_threshold = atof(v);
		else if (strcmp(argv[i - 1], "--spam-threshold") == 0)
			e->spam_threshold = atof(v);
		else
			return -1;
	}
	return 0;
}

static int
spam_eval(int argc, char **argv)
{
	struct spam_eval	 e;
	int			 rc;

	memset(&e, 0, sizeof(e));
	e.train = calloc((size_t)argc, sizeof(char *));
	e.test = calloc((size_t)argc, sizeof(char *));
	e.signals = 1;
	e.features = SPAM_FEATURES;
	e.ham_threshold = atof(SPAM_HAM_THRESHOLD);
	e.spam_threshold = atof(SPAM_SPAM_THRESHOLD);
	spam_params_default(&e.params);
	if (e.train == NULL || e.test == NULL ||
	    eval_args(argc, argv, &e) == -1 || e.ntrain == 0 ||
	    (e.ntest == 0 && e.folds < 2 && !e.by_path) ||
	    (e.ntest > 0 && (e.folds > 1 || e.by_path)) ||
	    (e.by_path && e.ntrain < 2) || e.folds > 100)
		rc = bad(&cmds[5], NULL);
	else
		rc = spam_corpus_eval(&e);
	free(e.train);
	free(e.test);
	return rc;
}

/* galley spam DIR train --ham PATH --spam PATH (each repeatable). */
static int
spam_train(const struct env *e, int argc, char **argv)
{
	struct store_conn	*c = e->conn;
	const char		*paths[64];
	int			 spam[64], i, n = 0;
	long			 done;
	char			 err[512];

	for (i = 3; i + 1 < argc && n < 64; i += 2, n++) {
		spam[n] = strcmp(argv[i], "--spam") == 0;
		paths[n] = argv[i + 1];
	}
	if ((done = spam_corpus_train(c, paths, spam, (size_t)n, isatty(2),
	    err, sizeof(err))) < 0) {
		fprintf(stderr, "galley spam train: %s\n", err);
		return 1;
	}
	printf("learnt %ld messages\n", done);
	return 0;
}

/* One file of `galley spam DIR classify`: its score and class. */
static int
classify_one(void *arg, const struct spam_msg *m)
{
	struct store_conn	*c = arg;
	struct spam_count	*n;
	struct spam_toks	 k;
	struct arena		 a;
	int64_t			 nham, nspam, bias;
	double			 score;
	int			 rc;

	arena_init(&a);
	spam_toks_init(&k, &a);
	spam_corpus_tokens(&k, m->text, m->len);
	n = arena_alloc(&a, (k.n + 1) * sizeof(*n));
	if ((rc = store_spam_counts(c, k.tok, k.n, n, &nham, &nspam,
	    &bias)) == STORE_OK) {
		score = spam_opinion(n, k.n, nham, nspam, bias);
		printf("%s\t%.4f\t%s\n", m->name, score, score < 0 ?
		    "no-opinion" : score >= atof(SPAM_SPAM_THRESHOLD) ? "spam" :
		    score >= atof(SPAM_HAM_THRESHOLD) ? "unsure" : "ham");
	} else
		fprintf(stderr, "galley: %s\n", store_rc_name(rc));
	arena_free(&a);
	return rc != STORE_OK;
}

/* galley spam DIR classify FILE...: a score and class per file. */
static int
spam_classify(const struct env *e, int argc, char **argv)
{
	struct store_conn	*c = e->conn;
	char			 err[512];
	int			 i, rc, bad = 0;

	for (i = 3; i < argc; i++)
		if ((rc = spam_corpus_read(argv[i], 0, classify_one, c, err,
		    sizeof(err))) != 0) {
			if (rc == -1)
				fprintf(stderr, "galley: %s\n", err);
			bad = 1;
		}
	return bad;
}

static int
cmd_spam(int argc, char **argv)
{
	int	 i;

	if (argc >= 2 && strcmp(argv[1], "eval") == 0)
		return spam_eval(argc, argv);
	if (argc >= 4 && strcmp(argv[2], "classify") == 0)
		return with_store(argv[1], spam_classify, argc, argv);
	if (argc < 5 || argc % 2 == 0 || strcmp(argv[2], "train") != 0)
		return bad(&cmds[5], NULL);
	for (i = 3; i < argc; i += 2)
		if (strcmp(argv[i], "--ham") != 0 &&
		    strcmp(argv[i], "--spam") != 0)
			return bad(&cmds[5], "train takes --ham PATH and"
			    " --spam PATH");
	return with_store(argv[1], spam_train, argc, argv);
}

/*
 * Reads a password: from a prompt with echo off (asked twice) when
 * stdin is a terminal, else the first line of stdin.  Returns 0, or -1
 * with a message printed.
 */
static int
read_password(char *buf, size_t len)
{
	struct termios	 old, quiet;
	char		 again[1024];
	int		 tty = isatty(0), ok = 1;

	if (tty) {
		tcgetattr(0, &old);
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(0, TCSAFLUSH, &quiet);
		fprintf(stderr, "Password: ");
	}
	if (fgets(buf, (int)len, stdin) == NULL)
		ok = 0;
	if (tty && ok) {
		fprintf(stderr, "\nAgain: ");
		if (fgets(again, sizeof(again), stdin) == NULL ||
		    strcmp(again, buf) != 0)
			ok = -1;
	}
	if (tty) {
		fputc('\n', stderr);
		tcsetattr(0, TCSAFLUSH, &old);
	}
	buf[strcspn(buf, "\r\n")] = '\0';
	if (ok != 1)
		fprintf(stderr, "galley: %s\n", ok == 0 ? "no password given" :
		    "the two passwords differ");
	return ok == 1 ? 0 : -1;
}

/* The value after flag in argv, or NULL. */
static const char *
flag(int argc, char **argv, const char *name)
{
	int	 i;

	for (i = 3; i + 1 < argc; i++)
		if (strcmp(argv[i], name) == 0)
			return argv[i + 1];
	return NULL;
}

/*
 * galley user DIR remove --email E [--reassign E2]: the account, its
 * posts given first to E2's; without --reassign, an account with posts
 * stays, and the message says how many and how to give them away.
 */
static int
user_remove(struct store_conn *c, const char *dir, const char *email,
    const char *heir_email)
{
	struct user	 u, heir = { .id = 0 };
	struct arena	 a;
	const char	*why = NULL;
	int64_t		 n;
	int		 rc;

	arena_init(&a);
	if ((rc = store_user_by_email(c, &a, email, &u)) == STORE_NOTFOUND)
		why = "no account with that email address";
	else if (rc == STORE_OK && heir_email != NULL && (rc =
	    store_user_by_email(c, &a, heir_email, &heir)) == STORE_NOTFOUND)
		why = "no account with the --reassign email address";
	if (rc == STORE_OK)
		rc = account_remove(c, u.id, heir.id, &n, &why);
	if (rc == STORE_OK && heir.id != 0)
		printf("removed %s <%s>; %lld %s now %s %s <%s>\n", u.name,
		    u.email, (long long)n, n == 1 ? "post" : "posts", n == 1 ?
		    "belongs to" : "belong to", heir.name, heir.email);
	else if (rc == STORE_OK)
		printf("removed %s <%s>\n", u.name, u.email);
	else if (rc == STORE_CONFLICT)
		fprintf(stderr, "galley: %s <%s> wrote %lld %s (or earlier"
		    " versions of posts): give them to another account with"
		    " --reassign:\n  galley user %s remove --email %s"
		    " --reassign OTHER@EXAMPLE.ORG\n", u.name, u.email,
		    (long long)n, n == 1 ? "post" : "posts", dir, u.email);
	else
		fprintf(stderr, "galley: %s\n", why != NULL ? why :
		    store_rc_name(rc));
	arena_free(&a);
	return rc == STORE_OK ? 0 : 1;
}

static int
user_run(const struct env *e, int argc, char **argv)
{
	struct store_conn	*c = e->conn;
	const char		*email = flag(argc, argv, "--email"),
				*why = NULL;
	char			 pw[1024];
	struct arena		 a;
	struct user		*u;
	size_t			 n, i;
	int64_t			 id;
	int			 rc;

	if (strcmp(argv[2], "list") == 0) {
		arena_init(&a);
		if ((rc = store_users_list(c, &a, &u, &n)) == STORE_OK)
			for (i = 0; i < n; i++)
				printf("%s\t%s\t%s\n", u[i].email, u[i].role,
				    u[i].name);
		arena_free(&a);
	} else if (strcmp(argv[2], "remove") == 0)
		return user_remove(c, argv[1], email, flag(argc, argv,
		    "--reassign"));
	else if (read_password(pw, sizeof(pw)) == -1)
		return 1;
	else if (strcmp(argv[2], "add") == 0) {
		if ((rc = account_add(c, email, flag(argc, argv, "--name"),
		    flag(argc, argv, "--role"), pw, &id, &why)) == STORE_OK)
			printf("added %s <%s> as %s\n", flag(argc, argv,
			    "--name"), email, flag(argc, argv, "--role"));
	} else if ((rc = account_password(c, email, pw, &why)) == STORE_OK)
		printf("set the password of %s; its sessions have ended\n",
		    email);
	sodium_memzero(pw, sizeof(pw));
	if (rc == STORE_OK)
		return 0;
	fprintf(stderr, "galley: %s\n", why != NULL ? why :
	    store_rc_name(rc));
	return 1;
}

/*
 * galley user DIR invite: an account with no password, and a link to
 * its owner to choose one (reset.h), queued for `galley serve` to send.
 */
static int
user_invite(int argc, char **argv)
{
	const char		*email = flag(argc, argv, "--email"),
				*name = flag(argc, argv, "--name"),
				*role = flag(argc, argv, "--role"),
				*why = NULL;
	struct site		*site;
	struct store_conn	*c;
	struct arena		 a;
	struct env		 e;
	int64_t			 id;
	int			 rc, made;

	if (open_store(argv[1], &site, &c) != 0)
		return 1;
	arena_init(&a);
	if (name == NULL)
		name = arena_strndup(&a, email, strcspn(email, "@"));
	if ((rc = site_env(site, c, &a, &e)) == STORE_OK)
		rc = reset_invite(&e, email, name, role != NULL ? role :
		    "author", &id, &made, &why);
	if (rc == STORE_OK && made)
		printf("invited %s <%s> as %s: a link to choose a password,"
		    " good for 7 days, is in the outbox (galley serve sends"
		    " it)\n", name, email, role != NULL ? role : "author");
	else if (rc == STORE_OK)
		printf("%s has an account with no password yet: a new link to"
		    " choose one, good for 7 days, is in the outbox (galley"
		    " serve sends it)\n", email);
	else
		fprintf(stderr, "galley: %s\n", why != NULL ? why :
		    store_rc_name(rc));
	arena_free(&a);
	store_conn_put(site->store, c);
	site_close(site);
	return rc == STORE_OK ? 0 : 1;
}

/* Returns 1 if argv[3..argc) are pairs of these flags, --email among them. */
static int
invite_args(int argc, char **argv)
{
	int	 i;

	for (i = 3; i + 1 < argc; i += 2)
		if (strcmp(argv[i], "--email") != 0 &&
		    strcmp(argv[i], "--name") != 0 &&
		    strcmp(argv[i], "--role") != 0)
			return 0;
	return i == argc && flag(argc, argv, "--email") != NULL;
}

static int
cmd_user(int argc, char **argv)
{
	if (argc >= 5 && strcmp(argv[2], "invite") == 0)
		return invite_args(argc, argv) ? user_invite(argc, argv) :
		    bad(&cmds[6], NULL);
	if (!((argc == 3 && strcmp(argv[2], "list") == 0) ||
	    (argc == 9 && strcmp(argv[2], "add") == 0 &&
	    flag(argc, argv, "--email") && flag(argc, argv, "--name") &&
	    flag(argc, argv, "--role")) ||
	    (argc == 5 && strcmp(argv[2], "passwd") == 0 &&
	    flag(argc, argv, "--email")) ||
	    ((argc == 5 || argc == 7) && strcmp(argv[2], "remove") == 0 &&
	    flag(argc, argv, "--email") && (argc == 5 ||
	    flag(argc, argv, "--reassign")))))
		return bad(&cmds[6], NULL);
	return with_store(argv[1], user_run, argc, argv);
}

static int
cmd_import(int argc, char **argv)
{
	const struct cmd	*c = &cmds[8];
	struct import_opts	 o = { NULL, NULL, 0, 0, NULL };
	struct site		*site;
	char			 err[600];
	int			 i, rc;

	if (argc < 3)
		return bad(c, "DIR and FILE.xml are required");
	for (i = 3; i < argc; i++)
		if (strcmp(argv[i], "--dry-run") == 0)
			o.dry_run = 1;
		else if (strcmp(argv[i], "--uploads") == 0 && i + 1 < argc)
			o.uploads = argv[++i];
		else
			return bad(c, argv[i][0] == '-' ? "unknown flag" :
			    "one FILE.xml only");
	o.file = argv[2];
	o.progress = isatty(STDERR_FILENO);
	if ((site = site_open(argv[1], err, sizeof(err))) == NULL) {
		fprintf(stderr, "galley: %s\n", err);
		return 1;
	}
	rc = import_run(site, &o, stdout, err, sizeof(err));
	site_close(site);
	if (rc != 0) {
		fprintf(stderr, "galley import: %s: %s; the site is unchanged\n",
		    o.file, err);
		return 1;
	}
	return 0;
}

/* Where an export goes: a stream, with its first error kept. */
struct out_file {
	FILE	*f;
	int	 err;
};

static void
out_write(const char *data, size_t len, void *arg)
{
	struct out_file	*o = arg;

	if (!o->err && fwrite(data, 1, len, o->f) != len)
		o->err = 1;
}

/*
 * Runs the export into f; then, for --out, fsyncs it and renames tmp
 * onto path.  Returns the exit code.
 */
static int
export_to(struct site *site, FILE *f, const char *tmp, const char *path)
{
	struct store_conn	*c;
	struct out_file		 o = { f, 0 };
	char			 err[512];
	int			 rc;

	if ((c = store_conn_get(site->store)) == NULL) {
		fprintf(stderr, "galley: cannot reach the database\n");
		return 1;
	}
	rc = export_run(site, c, out_write, &o, err, sizeof(err));
	store_conn_put(site->store, c);
	if (rc != 0) {
		fprintf(stderr, "galley export: %s\n", err);
		return 1;
	}
	if (fflush(f) != 0 || ferror(f) || o.err || (tmp != NULL &&
	    (fsync(fileno(f)) != 0 || rename(tmp, path) != 0))) {
		fprintf(stderr, "galley export: %s: %s\n", tmp ? path :
		    "standard output", strerror(errno));
		return 1;
	}
	return 0;
}

static int
cmd_export(int argc, char **argv)
{
	const struct cmd	*c = &cmds[9];
	struct site		*site;
	const char		*path = NULL;
	char			 err[512], tmp[4200];
	FILE			*f = stdout;
	int			 fd, rc;

	if (argc == 4 && strcmp(argv[2], "--out") == 0)
		path = argv[3];
	else if (argc != 2)
		return bad(c, argc < 2 ? "DIR is required" : "unknown flag");
	if ((site = site_open(argv[1], err, sizeof(err))) == NULL) {
		fprintf(stderr, "galley: %s\n", err);
		return 1;
	}
	if (path != NULL) {
		snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path);
		if ((fd = mkstemp(tmp)) == -1 || (f = fdopen(fd, "w")) ==
		    NULL) {
			fprintf(stderr, "galley export: %s: %s\n", path,
			    strerror(errno));
			if (fd != -1)
				close(fd);
			site_close(site);
			return 1;
		}
	}
	rc = export_to(site, f, path != NULL ? tmp : NULL, path);
	if (path != NULL) {
		fclose(f);
		if (rc != 0)
			unlink(tmp);
		else
			printf("exported %s to %s\n", argv[1], path);
	}
	site_close(site);
	return rc;
}

int
main(int argc, char **argv)
{
	size_t	 i;
	int	 j;

	page_view_init();
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("galley %s (database schema %d)\n", GALLEY_VERSION,
		    store_schema_latest());
		return 0;
	}
	if (sodium_init() < 0) {
		fprintf(stderr, "galley: libsodium failed to initialise\n");
		return 1;
	}
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		if (strcmp(argv[1], cmds[i].name) != 0)
			continue;
		for (j = 2; j < argc; j++)
			if (strcmp(argv[j], "--help") == 0) {
				printf("usage: %s\n\n%s", cmds[i].usage,
				    cmds[i].help);
				return 0;
			}
		return cmds[i].fn(argc - 1, argv + 1);
	}
	fprintf(stderr, "galley: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}

static int
mail_list(struct site *site, struct store_conn *c, int all)
{
	struct mail_row	*m;
	struct arena	 a;
	struct env	 env, *e = &env;
	size_t		 n, i;
	char		 t1[40], t2[40];
	int		 rc;

	arena_init(&a);
	if ((rc = site_env(site, c, &a, e)) == STORE_OK &&
	    (rc = store_mail_list(c, &a, all, 1000, &m, &n)) == STORE_OK) {
		if (n == 0)
			printf("The outbox is empty.\n");
		for (i = 0; i < n; i++)
			printf("%lld\t%s\t%s\t%s\tqueued %s\t%lld"
			    " tries\t%s %s\t%s\n", (long long)m[i].id,
			    m[i].status, m[i].kind, m[i].rcpt,
			    when(e, m[i].created, t1, sizeof(t1)),
			    (long long)m[i].tries, strcmp(m[i].status,
			    "sent") == 0 ? "sent" : "next", when(e, strcmp(
			    m[i].status, "sent") == 0 ? m[i].sent : m[i].due,
			    t2, sizeof(t2)), *m[i].reply != '\0' ?
			    m[i].reply : "-");
	}
	arena_free(&a);
	return rc;
}

/* Queues a test message to addr through c. */
static int
mail_test(struct site *site, struct store_conn *c, const char *addr)
{
	struct mail_out		 m;
	struct arena		 a;
	struct env		 e;
	json_t			*view;
	char			*text, *html;
	int			 rc;

	arena_init(&a);
	if ((rc = site_env(site, c, &a, &e)) != STORE_OK) {
		arena_free(&a);
		return rc;
	}
	memset(&m, 0, sizeof(m));
	m.kind = "test";
	m.to = addr;
	m.subject = arena_printf(&a, i18n_get(mail_lang(&e),
	    "Test message from %s"),
	    set_text(e.set, SET_SITE_TITLE));
	view = mail_view(&e, m.subject);
	if (mail_render(&e, "test", view, &text, &html) == -1)
		rc = STORE_ERROR;
	else {
		m.text = text;
		m.html = html;
		rc = mail_queue(&e, &m);
	}
	json_decref(view);
	arena_free(&a);
	return rc;
}

/* Says what became of the newest test message to addr. */
static void
mail_answer(struct site *site, const char *addr)
{
	struct store_conn	*c;
	struct mail_row		*m;
	struct arena		 a;
	size_t			 n, i;

	if ((c = store_conn_get(site->store)) == NULL)
		return;
	arena_init(&a);
	if (store_mail_list(c, &a, 1, 50, &m, &n) == STORE_OK)
		for (i = 0; i < n; i++)
			if (strcmp(m[i].kind, "test") == 0 &&
			    strcmp(m[i].rcpt, addr) == 0) {
				printf("%s: %s, the server said: %s\n", addr,
				    m[i].status, *m[i].reply != '\0' ?
				    m[i].reply : "nothing");
				break;
			}
	arena_free(&a);
	store_conn_put(site->store, c);
}

static int
cmd_mail(int argc, char **argv)
{
	const struct cmd	*cmd = &cmds[10];
	struct outbox_pass	 p;
	struct site		*site;
	struct store_conn	*c;
	char			 err[512], *end;
	int64_t			 n, id = 0;
	int			 rc;

	if (argc < 3 || !((strcmp(argv[2], "list") == 0 && (argc == 3 ||
	    (argc == 4 && strcmp(argv[3], "--all") == 0))) ||
	    (strcmp(argv[2], "retry") == 0 && argc <= 4) ||
	    (strcmp(argv[2], "test") == 0 && argc == 4)))
		return bad(cmd, NULL);
	if (strcmp(argv[2], "retry") == 0 && argc == 4 &&
	    ((id = strtoll(argv[3], &end, 10)) <= 0 || *end != '\0'))
		return bad(cmd, "ID is a message's number (see list)");
	if (strcmp(argv[2], "test") == 0 && !comment_email_ok(argv[3]))
		return bad(cmd, "ADDRESS is not an email address");
	if ((site = site_open(argv[1], err, sizeof(err))) == NULL) {
		fprintf(stderr, "galley: %s\n", err);
		return 1;
	}
	if (strcmp(argv[2], "test") == 0 && !mail_on(site)) {
		fprintf(stderr, "galley mail: mail is off: set smtp_url and"
		    " mail_from in %s/galley.conf\n", argv[1]);
		site_close(site);
		return 1;
	}
	if ((c = store_conn_get(site->store)) == NULL) {
		fprintf(stderr, "galley: cannot reach the database\n");
		site_close(site);
		return 1;
	}
	if (strcmp(argv[2], "list") == 0) {
		if (!mail_on(site))
			printf("Mail is off: set smtp_url and mail_from in"
			    " galley.conf to send.\n");
		rc = mail_list(site, c, argc == 4);
	} else if (strcmp(argv[2], "retry") == 0) {
		if ((rc = store_mail_requeue(c, id, (int64_t)time(NULL),
		    &n)) == STORE_OK) {
			if (id > 0 && n == 0)
				rc = STORE_NOTFOUND;
			else
				printf("%lld queued again\n", (long long)n);
		}
	} else if ((rc = mail_test(site, c, argv[3])) == STORE_OK) {
		/* Sent now, from here: no node need be serving. */
		store_conn_put(site->store, c);
		c = NULL;
		if ((rc = outbox_pass(site, &p)) == STORE_OK) {
			mail_answer(site, argv[3]);
			printf("%d sent, %d to retry, %d given up (see"
			    " `galley mail %s list`)\n", p.sent, p.retried,
			    p.failed, argv[1]);
		}
	}
	if (c != NULL)
		store_conn_put(site->store, c);
	site_close(site);
	if (rc != STORE_OK) {
		fprintf(stderr, "galley mail: %s\n", rc == STORE_NOTFOUND ?
		    "no such message, or it was sent" : store_rc_name(rc));
		return 1;
	}
	return 0;
}

/*
 * galley theme DIR copy | check: needs only galley.conf (where the theme
 * folder is), not the database, so it works on a site whose database is
 * elsewhere or down.
 */
static int
cmd_theme(int argc, char **argv)
{
	const struct cmd	*cmd = &cmds[11];
	struct theme		*t;
	char			 err[1024], *dir;
	int			 force = argc == 4 && strcmp(argv[3], "--force") == 0;

	if (!(argc == 3 || force) || (strcmp(argv[2], "copy") != 0 &&
	    strcmp(argv[2], "check") != 0) || (force && strcmp(argv[2],
	    "copy") != 0))
		return bad(cmd, NULL);
	if ((dir = site_theme_dir(argv[1], err, sizeof(err))) == NULL) {
		fprintf(stderr, "galley: %s\n", err);
		return 1;
	}
	if (strcmp(argv[2], "copy") == 0) {
		if (theme_copy(dir, force, stdout, err, sizeof(err)) == -1) {
			fprintf(stderr, "galley theme: %s\n", err);
			free(dir);
			return 1;
		}
		printf("The built-in theme is in %s: edit what you like, delete"
		    " the rest, and reload.\n", dir);
	} else if ((t = theme_load(dir, 1, err, sizeof(err))) == NULL) {
		fprintf(stderr, "galley theme: %s\n", err);
		free(dir);
		return 1;
	} else {
		printf("%s: the theme loads; served from there: %s\n", dir,
		    *theme_overrides(t) != '\0' ? theme_overrides(t) :
		    "nothing (the built-in theme)");
		theme_free(t);
	}
	free(dir);
	return 0;
}

static int
cmd_backup(int argc, char **argv)
{
	if (argc != 3)
		return bad(&cmds[12], NULL);
	return backup_write(argv[1], argv[2], stdout) == 0 ? 0 : 1;
}

static int
cmd_restore(int argc, char **argv)
{
	if (argc != 3)
		return bad(&cmds[13], NULL);
	return backup_restore(argv[1], argv[2], stdout) == 0 ? 0 : 1;
}

static int
cmd_check(int argc, char **argv)
{
	if (argc != 2 && (argc != 3 || strcmp(argv[2], "--repair") != 0))
		return bad(&cmds[14], NULL);
	return check_site(argv[1], argc == 3, stdout) == 0 ? 0 : 1;
}
