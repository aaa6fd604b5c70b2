/*
 * test_theme: themes on disk, over real HTTP against `galley serve`.
 * `galley theme DIR copy` writes the built-in theme byte for byte and
 * overwrites nothing without --force, and `check` names a link to
 * nothing; a theme folder (theme_dir in galley.conf) that overrides one
 * template and one asset, adding a partial of its own, while every
 * other file still comes from the
 * built-in theme; a broken template named with its file and line while
 * the old theme keeps serving; reloads by SIGHUP and by the admin's
 * "Reload theme" (CSRF-checked) that take up a change with no restart,
 * cached pages included; a broken or hostile file at start-up (too big,
 * a FIFO) left out loudly, the built-in file serving instead; reloads
 * while readers fetch pages and theme files, which must never see a
 * freed theme (the ASan build would crash); a message rendered with the
 * folder's mail template.
 */
#include <sys/stat.h>
#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "check.h"
#include "http.h"

#define PW	"correct horse battery"

static const char	*top;		/* the checkout: themes/default/ */

static void
spew(const char *path, const char *text)
{
	FILE	*f = fopen(path, "w");

	if (f != NULL) {
		fputs(text, f);
		fclose(f);
	}
}

/* The built-in file name, from the checkout. */
static void
builtin(const char *name, struct buf *b)
{
	char	 path[1024];

	snprintf(path, sizeof(path), "%s/themes/default/%s", top, name);
	file_slurp(path, b);
}

/*
 * Writes the built-in home.mustache with a marker paragraph and the
 * folder's own partial on top; with broken, an unclosed section on its
 * line 2 too.
 */
static void
home_with(const char *theme, const char *marker, int broken)
{
	struct buf	 home, b;
	char		 path[1024];

	builtin("home.mustache", &home);
	buf_init(&b);
	buf_printf(&b, "<p id=\"mine\">%s</p>\n%s{{> extra}}\n%s", marker,
	    broken ? "{{#oops}} never closed\n" : "", home.data);
	snprintf(path, sizeof(path), "%s/home.mustache", theme);
	spew(path, b.data);
	buf_reset(&b);
	buf_reset(&home);
}

/* Polls GET / up to 5 s for needle; 1 once it is there. */
static int
home_shows(struct srv *s, const char *needle)
{
	struct resp	 r;
	int		 i, ok = 0;

	for (i = 0; i < 250 && !ok; i++) {
		if (i > 0)
			usleep(20000);
		ok = http_get(s, "/", &r) == 0 && r.status == 200 &&
		    r.body.data != NULL && strstr(r.body.data, needle) != NULL;
		resp_free(&r);
	}
	return ok;
}

/* Polls the server's log up to 5 s for needle. */
static int
log_shows(struct srv *s, const char *needle)
{
	int	 i;

	for (i = 0; i < 250; i++) {
		if (srv_log_has(s, needle))
			return 1;
		usleep(20000);
	}
	return 0;
}

/* The href of the page's link to a theme file whose name starts so. */
static char *
asset_href(struct srv *s, const char *path, const char *prefix)
{
	struct resp	 r;
	htmlDocPtr	 doc;
	char		 expr[200], *href = NULL;

	if (http_get(s, path, &r) == 0 && r.status == 200) {
		doc = html_parse(&r);
		snprintf(expr, sizeof(expr), "(//link/@href|//script/@src)"
		    "[starts-with(., '/theme/%s')]", prefix);
		href = xp_attr(doc, expr);
		xmlFreeDoc(doc);
	}
	resp_free(&r);
	return href;
}

/*
 * `galley theme DIR copy`: every built-in file byte for byte, but the
 * admin's, which a theme folder cannot replace.
 */
static void
copy(const char *dir)
{
	char		 path[1024], theirs[1024];
	struct buf	 out, a, b;
	struct dirent	*de;
	DIR		*d;
	int		 n = 0, same = 0;

	buf_init(&out);
	CHECK(run_galley((const char *[]){ "theme", dir, "copy", NULL }, &out)
	    == 0);
	snprintf(path, sizeof(path), "%s/themes/default", top);
	if (!CHECK((d = opendir(path)) != NULL))
		return;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/theme/%s", dir, de->d_name);
		if (strncmp(de->d_name, "admin", 5) == 0 &&
		    strchr("-.", de->d_name[5]) != NULL) {
			CHECK(access(path, F_OK) != 0);
			continue;
		}
		n++;
		buf_init(&a);
		buf_init(&b);
		snprintf(theirs, sizeof(theirs), "%s/themes/default/%s", top,
		    de->d_name);
		if (file_slurp(path, &a) == 0 && file_slurp(theirs, &b) == 0 &&
		    a.len == b.len && memcmp(a.data, b.data, a.len) == 0)
			same++;
		else
			fprintf(stderr, "differs: %s\n", de->d_name);
		buf_reset(&a);
		buf_reset(&b);
	}
	closedir(d);
	CHECK(n > 25 && same == n);
	CHECK(out.data != NULL && strstr(out.data, "/theme/article.mustache")
	    && strstr(out.data, "/theme/style.css"));
	buf_reset(&out);
	/* Nothing overwritten without --force, then everything with it. */
	snprintf(path, sizeof(path), "%s/theme/style.css", dir);
	spew(path, "edited\n");
	CHECK(run_galley((const char *[]){ "theme", dir, "copy", NULL }, &out)
	    == 1);
	CHECK(file_slurp(path, &a) == 0 && strcmp(a.data, "edited\n") == 0);
	buf_reset(&a);
	CHECK(run_galley((const char *[]){ "theme", dir, "copy", "--force",
	    NULL }, &out) == 0);
	builtin("style.css", &b);
	CHECK(file_slurp(path, &a) == 0 && a.len == b.len && memcmp(a.data, b.data,
	    a.len) == 0);
	buf_reset(&a);
	buf_reset(&b);
	buf_reset(&out);
	CHECK(run_galley((const char *[]){ "theme", dir, "check", NULL }, &out)
	    == 0);
	buf_reset(&out);
	/*
	 * A link to nothing (a deploy that missed a file) is a problem,
	 * not a file that is not there: named by check, whether it has a
	 * built-in name or not.
	 */
	snprintf(path, sizeof(path), "%s/theme/page.mustache", dir);
	unlink(path);
	CHECK(symlink("/nonexistent/page.mustache", path) == 0);
	CHECK(run_galley((const char *[]){ "theme", dir, "check", NULL }, &out)
	    == 1 && out.data != NULL && strstr(out.data, "/page.mustache: a"
	    " symbolic link to nothing") != NULL);
	buf_reset(&out);
	unlink(path);
	snprintf(path, sizeof(path), "%s/theme/logo.png", dir);
	CHECK(symlink("/nonexistent/logo.png", path) == 0);
	CHECK(run_galley((const char *[]){ "theme", dir, "check", NULL }, &out)
	    == 1);
	unlink(path);
	buf_reset(&out);
}

/*
 * One template and one asset overridden, one partial added; the rest
 * (another template, the script) from the built-in theme.
 */
static void
overrides(struct srv *s)
{
	struct resp	 r;
	struct buf	 js;
	char		*css, *script;

	CHECK(home_shows(s, "<p id=\"mine\">first</p>"));
	CHECK(home_shows(s, "<aside id=\"extra\">"));
	css = asset_href(s, "/", "style.");
	script = asset_href(s, "/", "galley.");
	if (!CHECK(css != NULL && script != NULL))
		goto out;
	CHECK(http_get(s, css, &r) == 0 && r.status == 200 &&
	    r.body.data != NULL && strcmp(r.body.data,
	    "body{color:#123456}\n") == 0);
	CHECK(strstr(resp_header(&r, "Cache-Control") ? resp_header(&r,
	    "Cache-Control") : "", "immutable") != NULL);
	CHECK(strncmp(resp_header(&r, "Content-Type") ? resp_header(&r,
	    "Content-Type") : "", "text/css", 8) == 0);
	resp_free(&r);
	builtin("galley.js", &js);
	CHECK(http_get(s, script, &r) == 0 && r.status == 200 &&
	    r.body.len == js.len && memcmp(r.body.data, js.data, js.len) == 0);
	resp_free(&r);
	buf_reset(&js);
out:
	free(css);
	free(script);
}

/* An article page: the built-in article.mustache, the folder's layout. */
static void
others_builtin(struct srv *s)
{
	struct resp	 r;
	htmlDocPtr	 doc;
	char		*href;

	if (!CHECK(http_get(s, "/", &r) == 0 && r.status == 200))
		return;
	doc = html_parse(&r);
	href = xp_attr(doc, "//article//h2/a/@href");
	xmlFreeDoc(doc);
	resp_free(&r);
	if (!CHECK(href != NULL))
		return;
	CHECK(http_get(s, href, &r) == 0 && r.status == 200 &&
	    r.body.data != NULL && strstr(r.body.data, "id=\"mine\"") ==
	    NULL && strstr(r.body.data, "<article") != NULL);
	resp_free(&r);
	free(href);
}

/* SIGHUP: a broken template is refused, a good one taken up. */
static void
sighup(struct srv *s, const char *theme)
{
	/* Cached first: the reload must drop it. */
	CHECK(home_shows(s, "first") && home_shows(s, "first"));
	home_with(theme, "second", 1);
	CHECK(kill(s->pid, SIGHUP) == 0);
	CHECK(log_shows(s, "/home.mustache: line 2: unclosed section"
	    " 'oops'"));
	CHECK(srv_log_has(s, "the theme served so far is kept"));
	CHECK(home_shows(s, "<p id=\"mine\">first</p>"));
	home_with(theme, "second", 0);
	CHECK(kill(s->pid, SIGHUP) == 0);
	CHECK(log_shows(s, "galley: reload: Theme reloaded from"));
	CHECK(home_shows(s, "<p id=\"mine\">second</p>"));
}

/* The admin's Tools -> Reload theme: CSRF, errors with file:line. */
static void
button(struct srv *s, const char *theme, const char *cookie)
{
	const char	*h[] = { cookie, NULL };
	char		 tok[80];
	const char	*reload[] = { "csrf", tok, "action", "theme", NULL };
	const char	*forged[] = { "csrf", "0123456789abcdef", "action",
	    "theme", NULL };
	struct resp	 r;

	snprintf(tok, sizeof(tok), "%s", admin_csrf(s, cookie));
	CHECK(http_get_as(s, "/admin/tools/", cookie, &r) == 200 &&
	    strstr(r.body.data, "Reload theme") && strstr(r.body.data,
	    "home.mustache style.css") && strstr(r.body.data, theme));
	resp_free(&r);
	home_with(theme, "third", 0);
	CHECK(http_post(s, "/admin/tools/", forged, 0, NULL, h, &r) == 0 &&
	    r.status == 403);
	resp_free(&r);
	CHECK(home_shows(s, "<p id=\"mine\">second</p>"));
	CHECK(http_post(s, "/admin/tools/", reload, 0, NULL, h, &r) == 0 &&
	    r.status == 200 && strstr(r.body.data, "Theme reloaded from"));
	resp_free(&r);
	CHECK(home_shows(s, "<p id=\"mine\">third</p>"));
	home_with(theme, "fourth", 1);
	CHECK(http_post(s, "/admin/tools/", reload, 0, NULL, h, &r) == 0 &&
	    r.status == 422 && strstr(r.body.data, "The theme was not"
	    " reloaded") && strstr(r.body.data, "/home.mustache: line 2:"
	    " unclosed section"));
	resp_free(&r);
	CHECK(home_shows(s, "<p id=\"mine\">third</p>"));
}

/* What the readers of hammer() share. */
struct readers {
	struct srv	*s;
	atomic_int	 stop;
	atomic_int	 pages, bad;
};

/* A reader: the front page and its stylesheet, over and over. */
static void *
reader(void *arg)
{
	struct readers	*rd = arg;
	struct resp	 r;
	char		*css;

	while (!atomic_load(&rd->stop)) {
		if (http_get(rd->s, "/", &r) != 0 || r.status != 200)
			atomic_fetch_add(&rd->bad, 1);
		resp_free(&r);
		atomic_fetch_add(&rd->pages, 1);
		/* Gone after a reload between the two: 404 is fine. */
		if ((css = asset_href(rd->s, "/", "style.")) == NULL ||
		    http_get(rd->s, css, &r) != 0 || (r.status != 200 &&
		    r.status != 404))
			atomic_fetch_add(&rd->bad, 1);
		resp_free(&r);
		free(css);
	}
	return NULL;
}

/*
 * Ten reloads, each waited for, while two readers fetch pages and theme
 * files: every answer whole, the server alive.
 */
static void
hammer(struct srv *s, const char *theme)
{
	struct readers	 rd = { .s = s };
	pthread_t	 t[2];
	char		 text[32], needle[64];
	int		 i, seen = 0;

	atomic_init(&rd.stop, 0);
	atomic_init(&rd.pages, 0);
	atomic_init(&rd.bad, 0);
	for (i = 0; i < 2; i++)
		pthread_create(&t[i], NULL, reader, &rd);
	for (i = 0; i < 10; i++) {
		snprintf(text, sizeof(text), "round %d", i);
		snprintf(needle, sizeof(needle), "<p id=\"mine\">%s</p>", text);
		home_with(theme, text, 0);
		kill(s->pid, SIGHUP);
		seen += home_shows(s, needle);
	}
	atomic_store(&rd.stop, 1);
	for (i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	fprintf(stderr, "hammer: %d front pages during 10 reloads\n",
	    atomic_load(&rd.pages));
	CHECK(seen == 10);
	CHECK(atomic_load(&rd.pages) > 0 && atomic_load(&rd.bad) == 0);
}

/*
 * At start-up a broken template, a file over the size limit and a FIFO
 * are each left out, said on the log and on the Tools page, and the
 * built-in file serves instead; `galley theme check` refuses them.
 */
static void
startup(const char *dir, const char *theme)
{
	struct srv	 s;
	struct resp	 r;
	struct buf	 out, css;
	char		 path[1200], *cookie, *href;
	int		 fd;

	home_with(theme, "fifth", 1);
	snprintf(path, sizeof(path), "%s/style.css", theme);
	if ((fd = open(path, O_WRONLY | O_TRUNC)) != -1) {
		CHECK(ftruncate(fd, 2 * 1024 * 1024 + 1) == 0);
		close(fd);
	}
	buf_init(&out);
	CHECK(run_galley((const char *[]){ "theme", dir, "check", NULL }, &out)
	    == 1);
	buf_reset(&out);
	snprintf(path, sizeof(path), "%s/fifo.css", theme);
	CHECK(mkfifo(path, 0644) == 0);
	if (!CHECK(srv_start(&s, dir) == 0))
		return;
	/* Each problem on a line of its own that says whose it is. */
	snprintf(path, sizeof(path), "galley: theme: %s/home.mustache: line 2:"
	    " unclosed section", theme);
	CHECK(srv_log_has(&s, path));
	snprintf(path, sizeof(path), "galley: theme: %s/style.css: larger"
	    " than", theme);
	CHECK(srv_log_has(&s, path));
	snprintf(path, sizeof(path), "galley: theme: %s/fifo.css: not a"
	    " regular file", theme);
	CHECK(srv_log_has(&s, path));
	CHECK(http_get(&s, "/", &r) == 0 && r.status == 200 &&
	    strstr(r.body.data, "id=\"mine\"") == NULL);
	resp_free(&r);
	builtin("style.css", &css);
	href = asset_href(&s, "/", "style.");
	CHECK(href != NULL && http_get(&s, href, &r) == 0 && r.status == 200 &&
	    r.body.len == css.len);
	resp_free(&r);
	free(href);
	buf_reset(&css);
	cookie = admin_login(&s, "admin@example.org", PW, NULL);
	CHECK(cookie != NULL && http_get_as(&s, "/admin/tools/", cookie, &r) ==
	    200 && strstr(r.body.data, "Left out when the site started") &&
	    strstr(r.body.data, "larger than"));
	resp_free(&r);
	free(cookie);
	CHECK(srv_stop(&s) == 0);
}

/* `galley mail DIR test` renders the folder's mail-test-text. */
static void
mail(const char *dir, const char *theme)
{
	struct smtp	 smtp = { 0 };
	char		 path[1200], *msg;

	snprintf(path, sizeof(path), "%s/mail-test-text.mustache", theme);
	spew(path, "Our own test text from {{{site.title}}}.\n");
	snprintf(path, sizeof(path), "%s/mail", dir);
	if (!CHECK(smtp_start(&smtp, path, 0, 0) == 0) ||
	    !CHECK(site_mail(dir, &smtp, 1) == 0))
		return;
	CHECK(run_galley((const char *[]){ "mail", dir, "test",
	    "reader@example.org", NULL }, NULL) == 0);
	CHECK(smtp_wait(&smtp, 1, 5000) == 1);
	msg = smtp_message(&smtp, 0, NULL);
	CHECK(msg != NULL && strstr(msg, "Our own test text from") != NULL);
	free(msg);
	smtp_stop(&smtp);
	smtp_free(&smtp);
}

int
main(void)
{
	char		*dir = tmp_path("theme");
	const char	*db = getenv("GALLEY_DB");
	char		 conf[1024], theme[1024], path[1200], *cookie;
	struct srv	 s;
	FILE		*f;

	top = getenv("TOP") ? getenv("TOP") : ".";
	CHECK(run_galley(db != NULL ? (const char *[]){ "init", dir, "--demo",
	    "--db", db, NULL } : (const char *[]){ "init", dir, "--demo",
	    NULL }, NULL) == 0);
	CHECK(user_add(dir, "admin@example.org", "Ada Admin", "admin", PW) ==
	    0);
	copy(dir);
	/* From here the folder is theme_dir's, relative to the site. */
	snprintf(conf, sizeof(conf), "%s/galley.conf", dir);
	if ((f = fopen(conf, "a")) != NULL) {
		fputs("theme_dir = look\n", f);
		fclose(f);
	}
	snprintf(theme, sizeof(theme), "%s/look", dir);
	CHECK(mkdir(theme, 0755) == 0);
	home_with(theme, "first", 0);
	snprintf(path, sizeof(path), "%s/extra.mustache", theme);
	spew(path, "<aside id=\"extra\">{{site.title}}</aside>\n");
	snprintf(path, sizeof(path), "%s/style.css", theme);
	spew(path, "body{color:#123456}\n");
	if (!CHECK(srv_start(&s, dir) == 0))
		return check_done();
	CHECK(!srv_log_has(&s, "galley: theme:"));
	overrides(&s);
	others_builtin(&s);
	sighup(&s, theme);
	cookie = admin_login(&s, "admin@example.org", PW, NULL);
	if (CHECK(cookie != NULL))
		button(&s, theme, cookie);
	free(cookie);
	hammer(&s, theme);
	CHECK(srv_stop(&s) == 0);
	startup(dir, theme);
	mail(dir, theme);
	free(dir);
	return check_done();
}
