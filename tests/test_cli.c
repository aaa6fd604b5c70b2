/*
 * test_cli: what the command line and the request log say.  Every
 * command given a folder that is not a site says so, and how to make
 * one; successful commands say what they did; `galley serve` warns when
 * base_url names another port than the one it listens on; the request
 * log is in the combined format, the client as the site's keyed hash
 * (or, by log_client, cut to its /24 or /48), never the raw address.
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "check.h"
#include "http.h"

#define PW	"correct horse battery"

/* Runs galley args; returns its exit status, its output in out (reset). */
static int
galley(struct buf *out, const char *const *args)
{
	buf_reset(out);
	buf_init(out);
	return run_galley(args, out);
}

static int
has(const struct buf *out, const char *s)
{
	return out->data != NULL && strstr(out->data, s) != NULL;
}

/* Each command that takes DIR, given one that is not a site. */
static void
not_a_site(void)
{
	const char	*dir = "/tmp/galley-no-such-site";
	const char	*const cmds[][6] = {
		{ "serve", dir, NULL },
		{ "config", dir, "list", NULL },
		{ "config", dir, "set", "posts_per_page", "5", NULL },
		{ "comments", dir, "list", NULL },
		{ "votes", dir, "recount", NULL },
		{ "user", dir, "list", NULL },
		{ "user", dir, "remove", "--email", "a@example.org", NULL },
		{ "media", dir, "regenerate", NULL },
		{ "import", dir, "/dev/null", NULL },
		{ "export", dir, NULL },
		{ "mail", dir, "list", NULL },
		{ "spam", dir, "classify", "/dev/null", NULL },
	};
	char		 want[300];
	struct buf	 out;
	size_t		 i;

	buf_init(&out);
	snprintf(want, sizeof(want), "galley: %s is not a Galley site (no"
	    " galley.conf); create one with galley init %s\n", dir, dir);
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		CHECK_MSG(galley(&out, cmds[i]) == 1 && has(&out, want),
		    cmds[i][0]);
		CHECK_MSG(!has(&out, "No such file"), cmds[i][0]);
	}
	buf_reset(&out);
}

/* What successful commands print. */
static void
said(const char *site)
{
	struct buf	 out;
	char		 id[24], path[300];

	buf_init(&out);
	CHECK(galley(&out, (const char *[]){ "config", site, "set",
	    "posts_per_page", "5", NULL }) == 0 &&
	    has(&out, "posts_per_page is now 5"));
	CHECK(galley(&out, (const char *[]){ "config", site, "set",
	    "footer_text", "", NULL }) == 0 &&
	    has(&out, "footer_text is now empty"));
	CHECK(galley(&out, (const char *[]){ "comments", site, "list",
	    NULL }) == 0 && out.data != NULL);
	snprintf(id, sizeof(id), "%.*s", (int)strcspn(out.data ? out.data :
	    "", "\t"), out.data ? out.data : "");
	CHECK(atoll(id) > 0);
	CHECK(galley(&out, (const char *[]){ "comments", site, "set-status",
	    id, "spam", NULL }) == 0);
	snprintf(path, sizeof(path), "comment %s is now spam", id);
	CHECK_MSG(has(&out, path), out.data ? out.data : "");
	CHECK(galley(&out, (const char *[]){ "comments", site, "set-status",
	    id, "approved", NULL }) == 0);
	snprintf(path, sizeof(path), "%s/export.xml", site);
	CHECK(galley(&out, (const char *[]){ "export", site, "--out", path,
	    NULL }) == 0 && has(&out, "exported ") && has(&out, path));
	CHECK(galley(&out, (const char *[]){ "mail", site, "retry",
	    NULL }) == 0 && has(&out, "0 queued again"));
	CHECK(user_add(site, "admin@example.org", "Ada Admin", "admin",
	    PW) == 0);
	CHECK(galley(&out, (const char *[]){ "user", site, "remove",
	    "--email", "admin@example.org", NULL }) == 0 &&
	    has(&out, "removed Ada Admin <admin@example.org>"));
	buf_reset(&out);
}

/* A loopback port held open, so `galley serve` on it stops at once. */
static int
busy_port(int *fd)
{
	struct sockaddr_in	 a;
	socklen_t		 len = sizeof(a);

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((*fd = socket(AF_INET, SOCK_STREAM, 0)) == -1 ||
	    bind(*fd, (struct sockaddr *)&a, sizeof(a)) == -1 ||
	    listen(*fd, 1) == -1 ||
	    getsockname(*fd, (struct sockaddr *)&a, &len) == -1)
		return -1;
	return ntohs(a.sin_port);
}

/* base_url against --listen, at the start of `galley serve`. */
static void
base_url(const char *site)
{
	struct buf	 out;
	char		 listen[40], fix[300], url[60];
	int		 fd, port = busy_port(&fd);

	if (!CHECK(port > 0))
		return;
	buf_init(&out);
	snprintf(listen, sizeof(listen), "127.0.0.1:%d", port);
	snprintf(fix, sizeof(fix), "galley config %s set base_url"
	    " http://%s", site, listen);
	/* The default base_url, http://127.0.0.1:8080, on another port. */
	CHECK(galley(&out, (const char *[]){ "serve", site, "--listen",
	    listen, NULL }) == 1);
	CHECK_MSG(has(&out, "warning: base_url is http://127.0.0.1:8080 but"
	    " this serves 127.0.0.1:") && has(&out, fix), out.data ?
	    out.data : "");
	/* Mended; and a proxy's name on its scheme's port is no mistake. */
	snprintf(url, sizeof(url), "http://%s", listen);
	CHECK(galley(&out, (const char *[]){ "config", site, "set",
	    "base_url", url, NULL }) == 0);
	CHECK(galley(&out, (const char *[]){ "serve", site, "--listen",
	    listen, NULL }) == 1 && !has(&out, "warning"));
	CHECK(galley(&out, (const char *[]){ "config", site, "set",
	    "base_url", "https://news.example.org", NULL }) == 0);
	CHECK(galley(&out, (const char *[]){ "serve", site, "--listen",
	    listen, NULL }) == 1 && !has(&out, "warning"));
	CHECK(galley(&out, (const char *[]){ "config", site, "set",
	    "base_url", "http://127.0.0.1:8080", NULL }) == 0);
	close(fd);
	buf_reset(&out);
}

/* The log's line for path, copied into line; 0 if there is none. */
static int
line_for(const char *log, const char *path, char *line, size_t len)
{
	char		 req[200];
	const char	*p, *start;

	snprintf(req, sizeof(req), "\"GET %s HTTP/1.1\"", path);
	if (log == NULL || (p = strstr(log, req)) == NULL)
		return 0;
	for (start = p; start > log && start[-1] != '\n'; start--)
		;
	snprintf(line, len, "%.*s", (int)strcspn(start, "\n"), start);
	return 1;
}

/* Matches line against the combined format, with client as given. */
static int
combined(const char *line, const char *client, const char *path)
{
	char	 re[700];
	regex_t	 rx;
	int	 ok;

	snprintf(re, sizeof(re), "^%s - - \\[[0-3][0-9]/[A-Z][a-z]{2}/"
	    "[0-9]{4}:[0-2][0-9]:[0-5][0-9]:[0-6][0-9] \\+0000\\] \"GET %s"
	    " HTTP/1\\.1\" 200 [0-9]+ \"https://ref\\.example/a\\\\x22b\""
	    " \"Reader Agent/1\\.0 \\(test\\)\" [0-9]+us$", client, path);
	if (regcomp(&rx, re, REG_EXTENDED | REG_NOSUB) != 0)
		return 0;
	ok = regexec(&rx, line, 0, NULL, 0) == 0;
	regfree(&rx);
	return ok;
}

static void
get_logged(struct srv *s, const char *path, const char *xff)
{
	struct resp	 r;
	char		 fwd[100];
	const char	*h[4] = { "Referer: https://ref.example/a\"b",
	    "User-Agent: Reader Agent/1.0 (test)", NULL, NULL };

	if (xff != NULL) {
		snprintf(fwd, sizeof(fwd), "X-Forwarded-For: %s", xff);
		h[2] = fwd;
	}
	CHECK(http_req(s, "GET", path, h, &r) == 0 && r.status == 200);
	resp_free(&r);
}

/*
 * The login page says how the first admin is made (the demo's authors
 * cannot sign in), until there is one.
 */
static void
login_hint(struct srv *s, const char *site)
{
	struct resp	 r;

	CHECK(http_get(s, "/admin/login/", &r) == 0 && r.status == 200 &&
	    strstr(r.body.data, "galley user DIR add --email YOU@EXAMPLE.ORG"
	    " --name 'Your Name' --role admin") != NULL);
	resp_free(&r);
	CHECK(user_add(site, "first@example.org", "First", "admin", PW) == 0);
	CHECK(http_get(s, "/admin/login/", &r) == 0 && r.status == 200 &&
	    strstr(r.body.data, "galley user") == NULL &&
	    strstr(r.body.data, "name=\"password\"") != NULL);
	resp_free(&r);
}

/* The request log, hashed by default and truncated by log_client. */
static void
access_log(const char *site)
{
	struct srv	 s;
	struct buf	 log, out;
	char		 line[1200], conf[400];
	const char	*p;
	FILE		*fp;
	int		 i;

	snprintf(conf, sizeof(conf), "%s/galley.conf", site);
	if (!CHECK((fp = fopen(conf, "a")) != NULL))
		return;
	fputs("trusted_proxies = 127.0.0.1\n", fp);
	fclose(fp);
	if (!CHECK(srv_start(&s, site) == 0))
		return;
	get_logged(&s, "/", NULL);
	get_logged(&s, "/feed/", "198.51.100.7");
	buf_init(&out);
	CHECK(galley(&out, (const char *[]){ "config", site, "set",
	    "log_client", "truncate", NULL }) == 0);
	buf_reset(&out);
	/*
	 * A node hears of the change moments after its commit (on
	 * PostgreSQL, by NOTIFY): a feed from another address until its
	 * line shows the address cut.  The feed's first line, above, is
	 * the one checked below.
	 */
	for (i = 0; i < 100 && !srv_log_has(&s, "\n203.0.113.0 - - ["); i++) {
		get_logged(&s, "/feed/", "203.0.113.77");
		usleep(50000);
	}
	CHECK_MSG(i < 100, "the node hears of log_client = truncate");
	get_logged(&s, "/robots.txt", "198.51.100.7");
	get_logged(&s, "/sitemap.xml", "2001:db8:1:2::5");
	/* From the page cache: the request has no settings of its own. */
	get_logged(&s, "/", "192.0.2.77");
	login_hint(&s, site);
	buf_init(&log);
	CHECK(srv_stop_log(&s, &log) == 0);
	CHECK_MSG(line_for(log.data, "/", line, sizeof(line)) &&
	    combined(line, "[0-9a-f]{64}", "/"), line);
	CHECK_MSG(line_for(log.data, "/feed/", line, sizeof(line)) &&
	    combined(line, "[0-9a-f]{64}", "/feed/"), line);
	CHECK_MSG(line_for(log.data, "/robots.txt", line, sizeof(line)) &&
	    combined(line, "198\\.51\\.100\\.0", "/robots\\.txt"), line);
	CHECK_MSG(line_for(log.data, "/sitemap.xml", line, sizeof(line)) &&
	    combined(line, "2001:db8:1::", "/sitemap\\.xml"), line);
	p = log.data != NULL ? strstr(log.data, "\n192.0.2.0 - - [") : NULL;
	snprintf(line, sizeof(line), "%.*s", p != NULL ?
	    (int)strcspn(p + 1, "\n") : 0, p != NULL ? p + 1 : "");
	CHECK_MSG(combined(line, "192\\.0\\.2\\.0", "/"), line);
	/* No raw address anywhere in the log. */
	CHECK(log.data != NULL && !strstr(log.data, "198.51.100.7") &&
	    !strstr(log.data, "192.0.2.77") &&
	    !strstr(log.data, "2001:db8:1:2::5") &&
	    !strstr(log.data, "\n127.0.0.1 "));
	buf_reset(&log);
}

int
main(void)
{
	char		*site = tmp_path("cli");
	const char	*db = getenv("GALLEY_DB");
	struct buf	 out;

	not_a_site();
	buf_init(&out);
	CHECK(galley(&out, db != NULL ? (const char *[]){ "init", site,
	    "--demo", "--db", db, NULL } : (const char *[]){ "init", site,
	    "--demo", NULL }) == 0 && has(&out, "Created the Galley site"));
	buf_reset(&out);
	said(site);
	base_url(site);
	access_log(site);
	free(site);
	return check_done();
}
