/*
 * http: what the integration tests share.  srv_start() runs the real
 * `galley serve` (the binary in $GALLEY) over a site directory on an
 * ephemeral loopback port, with its log collected; http_get() makes real
 * requests with libcurl; http_decode() undoes a content coding with
 * libbrotlidec or zlib; html_parse() and the xpath helpers read pages
 * with libxml2's HTML parser.
 */
#ifndef GALLEY_TEST_HTTP_H
#define GALLEY_TEST_HTTP_H

#include <sys/types.h>
#include <pthread.h>
#include <stddef.h>
#include <gmime/gmime.h>
#include <libxml/HTMLparser.h>
#include <gmime/gmime.h>

#include "buf.h"

struct srv {
	pid_t		 pid;
	int		 port;
	int		 fd;		/* its stderr */
	pthread_t	 reader;
	pthread_mutex_t	 lock;
	struct buf	 log;
	char		 base[64];	/* "http://127.0.0.1:PORT" */
	int		 metrics_port;	/* --metrics-listen's, or 0 */
};

struct resp {
	long		 status;
	struct buf	 body;
	struct buf	 head;		/* raw header lines */
};

/*
 * The loopback address this thread's requests come from (127.0.0.2, say,
 * for an innocent client beside an attacker on 127.0.0.1); NULL: any.
 */
void	 http_from(const char *ip);
/* Runs galley with args (NULL-terminated); returns its exit status. */
int	 run_galley(const char *const *args, struct buf *out);
/*
 * The whole of the file path into b (buf_init'ed first: reset it after),
 * NUL-terminated past b->len; -1 if it cannot be opened.
 */
int	 file_slurp(const char *path, struct buf *b);
/* Makes a fresh temporary directory path (not created); heap. */
char	*tmp_path(const char *tag);
/* Starts `galley serve dir`; returns 0 when it listens. */
int	 srv_start(struct srv *, const char *dir);
/* srv_start with extra arguments (NULL-terminated; at most 10). */
int	 srv_start_args(struct srv *, const char *dir,
	    const char *const *extra);
/*
 * Runs the PostgreSQL pass's cluster control script ($GALLEY_PG: the
 * script, '|', the cluster's folder) with what, "stop" or "resume";
 * its exit status, -1 outside that pass.
 */
int	 pg_ctl(const char *what);
/*
 * In the PostgreSQL pass ($GALLEY_DB, and $GALLEY_PG naming a cluster),
 * creates a new database there, named from prefix, the process and a
 * count (as `pgtest.sh createdb` would), and writes its URI into uri:
 * 1, or -1 if it could not; 0 outside that pass.
 */
int	 pg_newdb(const char *prefix, char *uri, size_t len);
/*
 * `galley init dir --demo`, on $GALLEY_DB in the PostgreSQL pass;
 * returns its exit status.
 */
int	 site_demo(const char *dir);
/* Sends SIGTERM and returns the exit status (-1 if it died by signal). */
int	 srv_stop(struct srv *);
/* srv_stop, and appends everything the server logged to log. */
int	 srv_stop_log(struct srv *, struct buf *log);
/* Returns 1 if the server's log so far contains s. */
int	 srv_log_has(struct srv *, const char *s);
/* Whether line (up to end: one line of a log) contains needle. */
int	 line_has(const char *line, const char *end, const char *needle);
/*
 * Requests path (relative to the server) with method (GET, HEAD, POST)
 * and optional extra header lines; fills r.  Returns 0, -1 on a
 * transport error.
 */
int	 http_req(struct srv *, const char *method, const char *path,
	    const char *const *headers, struct resp *r);
int	 http_get(struct srv *, const char *path, struct resp *r);
/* The User-Agent every request sends, as a browser would send one. */
#define HTTP_AGENT	"galley-tests/1"
/*
 * POSTs a form: fields is NULL-terminated name, value pairs; with
 * multipart set it goes as multipart/form-data, and file (a path, or
 * NULL) as the field "image"; else urlencoded.  headers as for http_req.
 * Redirects are not followed.  A POST to /comments carries a fresh form
 * stamp, as the page's script would add, unless fields has "stamp".
 */
int	 http_post(struct srv *, const char *path, const char *const *fields,
	    int multipart, const char *file, const char *const *headers,
	    struct resp *r);
/* http_post with the file as the field name rather than "image". */
int	 http_upload(struct srv *, const char *path,
	    const char *const *fields, int multipart, const char *name,
	    const char *file, const char *const *headers, struct resp *r);
/*
 * Walks an article's comment pages (ARTICLE, then comment-page-2/ ... to
 * the first 404), adding up the comments shown and, into *foreign, the
 * foreign_markup of each page.  Returns the comments, or -1.
 */
int	 comment_pages(struct srv *, const char *article, int *foreign);
/* Counts markup in a page that no payload may create (see http.c). */
int	 foreign_markup(htmlDocPtr);
void	 resp_free(struct resp *);
/*
 * Returns 1 once GET path answers 200 with needle in its body.  On SQLite
 * that must hold on the first request after a write; on PostgreSQL
 * (GALLEY_DB set) a node learns of a write by NOTIFY moments after its
 * commit, so this tries for up to 2 s.
 */
/*
 * Where the database of the site in dir is, for db_exec and db_count:
 * $GALLEY_DB (the PostgreSQL pass) or dir/galley.db.  Static.
 */
const char *site_db(const char *dir);
/*
 * A second node of the site in dir (which must be on PostgreSQL): a new
 * folder with dir's galley.conf, its media folder made absolute so both
 * share it.  Heap; NULL on failure.
 */
char	*site_node(const char *dir);
/* Runs sql on a database: a PostgreSQL URI or an SQLite file path. */
int	 db_exec(const char *where, const char *sql);
/*
 * Opens a connection to where and runs sql on it (a BEGIN and a lock,
 * say), keeping the connection, and what it holds, until db_let_go rolls
 * back and closes it.  Returns NULL if sql failed.
 */
struct db_hold *db_hold(const char *where, const char *sql);
void	 db_let_go(struct db_hold *);
/* The first column of the one row sql returns, or -1. */
long long db_count(const char *where, const char *sql);
/* db_count polled up to ms until it is want; returns the last count. */
long long db_wait(const char *where, const char *sql, long long want,
	    int ms);
/*
 * Appends every row sql returns to out, columns joined by a tab, each
 * row ending in a newline (NULL as ""); -1 if sql failed.
 */
int	 db_rows(const char *where, const char *sql, struct buf *out);
/*
 * db_rows for each of n queries on one connection (a new PostgreSQL
 * session costs tens of milliseconds), query i's rows appended to
 * out[i]; -1 if any failed (the others still run).
 */
int	 db_rows_each(const char *where, const char *const *sql, size_t n,
	    struct buf *out);
int	 http_eventually(struct srv *, const char *path, const char *needle);
/*
 * Appends to out the bytes of in (len bytes) decoded from content coding
 * coding ("br", "gzip"; NULL: none), with the real libraries.  Returns
 * 0, or -1 if in is not one whole stream of that coding.
 */
int	 http_decode(const char *coding, const void *in, size_t len,
	    struct buf *out);
/* Returns the value of header name (case-insensitive) in r, static. */
const char *resp_header(const struct resp *, const char *name);
/* Parses an HTML body; free with xmlFreeDoc. */
htmlDocPtr html_parse(const struct resp *);
/* Number of nodes the XPath expression selects. */
int	 xp_count(htmlDocPtr, const char *expr);
/* Text of the first node selected, whitespace collapsed; heap or NULL. */
char	*xp_text(htmlDocPtr, const char *expr);
/* Value of the first attribute/node selected; heap or NULL. */
char	*xp_attr(htmlDocPtr, const char *expr);
/*
 * A form as a browser submits it: the named controls under the node
 * expr selects, in document order (checked boxes only, each select's
 * chosen option, textareas' text).  v is NULL-terminated name, value
 * pairs for http_post; free with form_done.
 */
struct form_sent {
	char	**v;
	size_t	 n;		/* strings, pairs times two */
};
void	 form_read(htmlDocPtr, const char *expr, struct form_sent *);
/* Adds the field name=value at the end (a second checkbox, say). */
void	 form_append(struct form_sent *, const char *name, const char *value);
/* Sets the first field name to value, adding it if absent. */
void	 form_put(struct form_sent *, const char *name, const char *value);
/* Drops the field name with value (NULL: every one called name). */
void	 form_drop(struct form_sent *, const char *name, const char *value);
void	 form_done(struct form_sent *);

/*
 * The lines of the shared XSS payload fixture ($SHARED/fixtures/xss/
 * payloads.txt), each and the array on the heap, their count in *n;
 * NULL if it cannot be read.
 */
char	**payload_lines(size_t *n);

/*
 * Adds an account to the site in dir (galley user DIR add), its
 * password given on stdin as a person would type it.  Returns the
 * command's exit status.
 */
int	 user_add(const char *dir, const char *email, const char *name,
	    const char *role, const char *password);
/* The CSRF token of the admin's forms for cookie, or "" (static). */
const char *admin_csrf(struct srv *, const char *cookie);

/*
 * A real SMTP server for the tests: tests/smtp_sink.py (aiosmtpd) on a
 * loopback port, saving every message it accepts in dir.
 */
struct smtp {
	pid_t	 pid;
	int	 port;
	char	*dir;		/* heap */
	int	 delay_ms;	/* set before smtp_start: a slow server, each
				   250 this late after the message is saved */
};
/*
 * Starts it on s->port if set (a restart), else a free port, saving into
 * dir (created); the first fail messages get fail_code (451 if 0)
 * instead.  Returns 0 once it listens.
 */
int	 smtp_start(struct smtp *, const char *dir, int fail, int fail_code);
/* Stops it (SIGTERM); s->port and s->dir stay for a restart. */
void	 smtp_stop(struct smtp *);
/* Frees what smtp_start kept. */
void	 smtp_free(struct smtp *);
/* How many messages it has accepted so far, in every run on its dir. */
int	 smtp_count(const struct smtp *);
/* Waits up to ms for at least n messages; returns how many there are. */
int	 smtp_wait(const struct smtp *, int n, int ms);
/*
 * Message i (0: the first accepted) as received, and (if rcpt is not
 * NULL) its envelope recipients joined by ','; both heap, NULL if none.
 */
char	*smtp_message(const struct smtp *, int i, char **rcpt);
/*
 * Turns mail on for the site in dir: smtp_url to s, mail_from, and the
 * first retry after retry_seconds, in its galley.conf.  Returns 0.
 */
int	 site_mail(const char *dir, const struct smtp *s, int retry_seconds);
/*
 * A whole message parsed by GMime, as a mail client would read it
 * (g_object_unref it); NULL if it does not parse.
 */
GMimeMessage *mail_parse(const char *msg, size_t len);
/*
 * The decoded text of the first part of type/sub under o (a multipart
 * searched depth first), its CRLF line ends as LF; heap, or NULL.
 */
char	*mail_part(GMimeObject *o, const char *type, const char *sub);

/* The galley_session value r's Set-Cookie sets, or "" (per thread). */
const char *session_cookie(const struct resp *r);
/*
 * Logs in through /admin/login/, to go to next after; returns a heap
 * "Cookie: galley_session=..." header line, or NULL.  *status (if not
 * NULL) is the answer's; where (if not NULL) gets its Location.
 * admin_login: to /admin/.
 */
char	*admin_login_to(struct srv *, const char *email,
	    const char *password, const char *next, long *status, char *where,
	    size_t wherelen);
char	*admin_login(struct srv *, const char *email, const char *password,
	    long *status);
/* Seconds on the monotonic clock, for how long an answer took. */
double	 clock_now(void);
/* GETs path with the header line cookie (or none); the status, or -1. */
long	 http_get_as(struct srv *, const char *path, const char *cookie,
	    struct resp *r);

#endif
