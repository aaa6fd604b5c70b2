/*
 * http: the integration-test helpers declared in http.h.  Included into
 * each test_*.c that needs it (tests/ builds one binary per file).
 */
#include <sys/types.h>
#include <sys/wait.h>
#include <ctype.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <curl/curl.h>
#include <libxml/xpath.h>
#include <zlib.h>
#include <brotli/decode.h>

#include <sqlite3.h>
#include <libpq-fe.h>

#include "conf.h"
#include "http.h"
#include "mail.h"

int
run_galley(const char *const *args, struct buf *out)
{
	int	 p[2], st;
	pid_t	 pid;
	char	 chunk[4096];
	ssize_t	 n;
	const char *argv[32];
	size_t	 i;

	argv[0] = getenv("GALLEY") ? getenv("GALLEY") : "build/galley";
	for (i = 0; args[i] != NULL && i < 30; i++)
		argv[i + 1] = args[i];
	argv[i + 1] = NULL;
	if (pipe(p) == -1 || (pid = fork()) == -1)
		return -1;
	if (pid == 0) {
		dup2(p[1], 1);
		dup2(p[1], 2);
		close(p[0]);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(p[1]);
	while ((n = read(p[0], chunk, sizeof(chunk))) > 0)
		if (out != NULL)
			buf_write(chunk, (size_t)n, out);
	close(p[0]);
	if (waitpid(pid, &st, 0) == -1 || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

int
file_slurp(const char *path, struct buf *b)
{
	char	 chunk[8192];
	size_t	 n;
	FILE	*f = fopen(path, "rb");

	buf_init(b);
	if (f == NULL)
		return -1;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_write(chunk, n, b);
	fclose(f);
	buf_putc(b, '\0');
	b->len--;
	return 0;
}

char *
tmp_path(const char *tag)
{
	static int	 seq;
	char		 p[256];

	snprintf(p, sizeof(p), "/tmp/galley-%s-%d-%d-%ld", tag, (int)getpid(),
	    ++seq, (long)time(NULL));
	return strdup(p);
}

static void *
reader(void *arg)
{
	struct srv	*s = arg;
	char		 chunk[4096];
	ssize_t		 n;

	while ((n = read(s->fd, chunk, sizeof(chunk))) > 0) {
		pthread_mutex_lock(&s->lock);
		buf_write(chunk, (size_t)n, &s->log);
		pthread_mutex_unlock(&s->lock);
	}
	return NULL;
}

int
srv_log_has(struct srv *s, const char *needle)
{
	int	 has;

	pthread_mutex_lock(&s->lock);
	has = s->log.data != NULL && strstr(s->log.data, needle) != NULL;
	pthread_mutex_unlock(&s->lock);
	return has;
}

int
srv_start(struct srv *s, const char *dir)
{
	return srv_start_args(s, dir, NULL);
}

int
srv_start_args(struct srv *s, const char *dir, const char *const *extra)
{
	const char	*bin = getenv("GALLEY") ? getenv("GALLEY") :
	    "build/galley";
	const char	*argv[16] = { bin, "serve", dir, "--listen",
	    "127.0.0.1:0" };
	int		 p[2], i, n = 5;
	const char	*at;

	for (i = 0; extra != NULL && extra[i] != NULL && n < 15; i++)
		argv[n++] = extra[i];

	memset(s, 0, sizeof(*s));
	pthread_mutex_init(&s->lock, NULL);
	if (pipe(p) == -1 || (s->pid = fork()) == -1)
		return -1;
	if (s->pid == 0) {
		dup2(p[1], 2);
		close(p[0]);
		execv(bin, (char *const *)argv);
		_exit(127);
	}
	close(p[1]);
	s->fd = p[0];
	pthread_create(&s->reader, NULL, reader, s);
	/*
	 * Up to 60 s: a start that migrates and reindexes, under ASan on a
	 * machine busy with other tests, took more than 10.  One that fails
	 * exits, and is seen at once.
	 */
	for (i = 0; i < 3000; i++) {
		pthread_mutex_lock(&s->lock);
		at = s->log.data ? strstr(s->log.data,
		    "listening on http://127.0.0.1:") : NULL;
		if (at != NULL)
			s->port = atoi(at + strlen(
			    "listening on http://127.0.0.1:"));
		at = s->log.data ? strstr(s->log.data,
		    "metrics on http://127.0.0.1:") : NULL;
		if (at != NULL)
			s->metrics_port = atoi(at + strlen(
			    "metrics on http://127.0.0.1:"));
		pthread_mutex_unlock(&s->lock);
		if (s->port > 0) {
			snprintf(s->base, sizeof(s->base),
			    "http://127.0.0.1:%d", s->port);
			return 0;
		}
		if (waitpid(s->pid, NULL, WNOHANG) == s->pid)
			break;
		usleep(20000);
	}
	fprintf(stderr, "server did not start: %s\n",
	    s->log.data ? s->log.data : "(no output)");
	return -1;
}

int
pg_ctl(const char *what)
{
	const char	*env = getenv("GALLEY_PG"), *bar;
	char		 cmd[1024];

	if (env == NULL || (bar = strchr(env, '|')) == NULL)
		return -1;
	snprintf(cmd, sizeof(cmd), "%.*s %s %s", (int)(bar - env), env, what,
	    bar + 1);
	return system(cmd);
}

int
pg_newdb(const char *prefix, char *uri, size_t len)
{
	static int	 n;
	const char	*env = getenv("GALLEY_PG"), *bar;
	char		 sql[200], maint[1024], name[100];

	if (getenv("GALLEY_DB") == NULL || env == NULL ||
	    (bar = strchr(env, '|')) == NULL)
		return 0;
	snprintf(name, sizeof(name), "%s_%d_%d", prefix, (int)getpid(), n++);
	/* What createdb does, without a shell and two more processes. */
	snprintf(maint, sizeof(maint), "postgresql://galley@/postgres?host=%s",
	    bar + 1);
	snprintf(sql, sizeof(sql), "CREATE DATABASE \"%s\"", name);
	snprintf(uri, len, "postgresql://galley@/%s?host=%s", name, bar + 1);
	return db_exec(maint, sql) == 0 ? 1 : -1;
}

int
site_demo(const char *dir)
{
	if (getenv("GALLEY_DB") != NULL)
		return run_galley((const char *[]){ "init", dir, "--demo",
		    "--db", getenv("GALLEY_DB"), NULL }, NULL);
	return run_galley((const char *[]){ "init", dir, "--demo", NULL },
	    NULL);
}

int
srv_stop(struct srv *s)
{
	return srv_stop_log(s, NULL);
}

int
line_has(const char *line, const char *end, const char *needle)
{
	const char	*p = strstr(line, needle);

	return p != NULL && p < end;
}

int
srv_stop_log(struct srv *s, struct buf *log)
{
	int	 st, i;

	kill(s->pid, SIGTERM);
	for (i = 0; i < 1000; i++) {	/* up to 10 s, then kill */
		if (waitpid(s->pid, &st, WNOHANG) == s->pid)
			break;
		usleep(10000);
	}
	if (i == 1000) {
		kill(s->pid, SIGKILL);
		waitpid(s->pid, &st, 0);
	}
	pthread_join(s->reader, NULL);
	close(s->fd);
	/* Not a clean stop: show why (a sanitizer's report, say). */
	if ((!WIFEXITED(st) || WEXITSTATUS(st) != 0) && s->log.len > 0 &&
	    getenv("GALLEY_SRVLOG") != NULL) {
		FILE *lf = fopen(getenv("GALLEY_SRVLOG"), "w");
		if (lf) { fwrite(s->log.data, 1, s->log.len, lf); fclose(lf); }
	}
	if ((!WIFEXITED(st) || WEXITSTATUS(st) != 0) && s->log.len > 0)
		fprintf(stderr, "galley serve stopped badly (exit %d, signal"
		    " %d); its last words:\n%s\n", WIFEXITED(st) ?
		    WEXITSTATUS(st) : -1, WIFSIGNALED(st) ? WTERMSIG(st) : 0,
		    s->log.data + (s->log.len > 8192 ? s->log.len - 8192 : 0));
	if (log != NULL && s->log.data != NULL)
		buf_puts(log, s->log.data);
	buf_reset(&s->log);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static __thread const char *from_ip;

void
http_from(const char *ip)
{
	from_ip = ip;
}

static size_t
collect(char *data, size_t size, size_t n, void *b)
{
	buf_write(data, size * n, b);
	return size * n;
}

/* Sends c with the extra headers; the status in r; frees c.  0 or -1. */
static int
perform(CURL *c, const char *const *headers, struct resp *r)
{
	struct curl_slist	*h = NULL;
	CURLcode		 rc;

	for (; headers != NULL && *headers != NULL; headers++)
		h = curl_slist_append(h, *headers);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	if (from_ip != NULL)
		curl_easy_setopt(c, CURLOPT_INTERFACE, from_ip);
	rc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
	if (rc != CURLE_OK) {
		char	*url = NULL;

		curl_easy_getinfo(c, CURLINFO_EFFECTIVE_URL, &url);
		fprintf(stderr, "http: %s: %s\n", url ? url : "?",
		    curl_easy_strerror(rc));
	}
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	return rc == CURLE_OK ? 0 : -1;
}

int
http_req(struct srv *s, const char *method, const char *path,
    const char *const *headers, struct resp *r)
{
	CURL			*c = curl_easy_init();
	char			 url[2048];

	memset(r, 0, sizeof(*r));
	snprintf(url, sizeof(url), "%s%s", s->base, path);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
	curl_easy_setopt(c, CURLOPT_PATH_AS_IS, 1L);	/* send ../ as is */
	curl_easy_setopt(c, CURLOPT_USERAGENT, HTTP_AGENT);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &r->body);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, collect);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, &r->head);
	if (strcmp(method, "HEAD") == 0)
		curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	else if (strcmp(method, "GET") != 0)
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	return perform(c, headers, r);
}

/*
 * A comment form as a browser sends it: with the time stamp the page's
 * script fetched (GET /comments/stamp), unless fields name a stamp of
 * their own.  Returns fields, or out (at most 64 entries) with the
 * stamp added.
 */
static const char *const *
with_stamp(struct srv *s, const char *path, const char *const *fields,
    const char **out)
{
	static __thread char	 stamp[128];
	const char		*post = "1";
	struct resp		 r;
	char			 q[64];
	size_t			 i;

	if (strcmp(path, "/comments") != 0 || fields == NULL)
		return fields;
	for (i = 0; fields[i] != NULL; i += 2) {
		if (strcmp(fields[i], "stamp") == 0 || i + 4 >= 64)
			return fields;
		if (strcmp(fields[i], "post") == 0)
			post = fields[i + 1];
	}
	snprintf(q, sizeof(q), "/comments/stamp?post=%s", post);
	if (http_get(s, q, &r) != 0 || r.status != 200 || r.body.data == NULL) {
		resp_free(&r);
		return fields;
	}
	snprintf(stamp, sizeof(stamp), "%s", r.body.data);
	resp_free(&r);
	memcpy(out, fields, i * sizeof(*out));
	out[i] = "stamp";
	out[i + 1] = stamp;
	out[i + 2] = NULL;
	return out;
}

int
http_post(struct srv *s, const char *path, const char *const *fields,
    int multipart, const char *file, const char *const *headers,
    struct resp *r)
{
	return http_upload(s, path, fields, multipart, "image", file, headers,
	    r);
}

int
http_upload(struct srv *s, const char *path, const char *const *fields,
    int multipart, const char *name, const char *file,
    const char *const *headers, struct resp *r)
{
	CURL			*c = curl_easy_init();
	curl_mime		*mime = NULL;
	curl_mimepart		*part;
	struct buf		 body;
	char			 url[2048], *e;
	const char		*stamped[64];
	int			 rc;

	memset(r, 0, sizeof(*r));
	buf_init(&body);
	snprintf(url, sizeof(url), "%s%s", s->base, path);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &r->body);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, collect);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, &r->head);
	curl_easy_setopt(c, CURLOPT_USERAGENT, HTTP_AGENT);
	fields = with_stamp(s, path, fields, stamped);
	if (multipart) {
		mime = curl_mime_init(c);
		for (; fields != NULL && fields[0] != NULL; fields += 2) {
			part = curl_mime_addpart(mime);
			curl_mime_name(part, fields[0]);
			curl_mime_data(part, fields[1], CURL_ZERO_TERMINATED);
		}
		if (file != NULL) {
			part = curl_mime_addpart(mime);
			curl_mime_name(part, name);
			curl_mime_filedata(part, file);
			curl_mime_type(part, strcmp(name, "image") == 0 ?
			    "image/jpeg" : "application/octet-stream");
		}
		curl_easy_setopt(c, CURLOPT_MIMEPOST, mime);
	} else {
		for (; fields != NULL && fields[0] != NULL; fields += 2) {
			if (body.len > 0)
				buf_putc(&body, '&');
			e = curl_easy_escape(c, fields[0], 0);
			buf_puts(&body, e);
			curl_free(e);
			buf_putc(&body, '=');
			e = curl_easy_escape(c, fields[1], 0);
			buf_puts(&body, e);
			curl_free(e);
		}
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.data ? body.data :
		    "");
	}
	rc = perform(c, headers, r);
	curl_mime_free(mime);
	buf_reset(&body);
	return rc;
}

int
foreign_markup(htmlDocPtr doc)
{
	return xp_count(doc, "//@*[starts-with(translate(name(),"
	    "'ON','on'),'on')]") +
	    xp_count(doc, "//script[not(@type='application/ld+json') and"
	    " not(starts-with(@src,'/theme/'))]") +
	    /*
	     * Our identicons: class avatar, nothing but rects and a disc;
	     * and the thumbs' icons, one path each, inside their buttons.
	     */
	    xp_count(doc, "//svg[not(@class='avatar' or (@class='thumb-icon'"
	    " and parent::button[@class='thumb-up' or @class='thumb-down']))]"
	    " | //svg[@class='avatar']//*[not(self::rect or self::circle)] |"
	    " //svg[@class='avatar']//*/@*[not(name()='x' or name()="
	    "'y' or name()='width' or name()='height' or name()='fill' or"
	    " name()='cx' or name()='cy' or name()='r')] |"
	    " //svg[@class='thumb-icon']//*[not(self::path)] |"
	    " //svg[@class='thumb-icon']//*/@*[not(name()='d' or"
	    " name()='transform')]") +
	    xp_count(doc, "//iframe | //object | //embed | //math |"
	    " //frame | //frameset | //base | //meta[@http-equiv] | //video |"
	    " //audio | //image | //x") +
	    xp_count(doc, "//@href[starts-with(translate(normalize-space(.),"
	    "'JAVSCRIPTDT','javscriptdt'),'javascript:') or"
	    " starts-with(translate(normalize-space(.),'DATVBSCRIPT',"
	    "'datvbscript'),'data:') or starts-with(translate("
	    "normalize-space(.),'DATVBSCRIPT','datvbscript'),'vbscript:')]") +
	    xp_count(doc, "//form[not(@action='/comments' or"
	    " @action='/votes' or (@action='/' and @class='search-form'))]") +
	    /* The theme's one search form, in the header. */
	    (xp_count(doc, "//form[@class='search-form']") > 1) +
	    (xp_count(doc, "//form[@class='search-form' and not(parent::"
	    "header[@class='site-header'])]") > 0) +
	    (xp_count(doc, "//img[not(starts-with(@src,'/media/'))]") > 0);
}

int
comment_pages(struct srv *s, const char *article, int *foreign)
{
	struct resp	 r;
	htmlDocPtr	 doc;
	char		 path[1024];
	int		 page, total = 0;

	for (page = 1; page < 1000; page++) {
		if (page == 1)
			snprintf(path, sizeof(path), "%s", article);
		else
			snprintf(path, sizeof(path), "%scomment-page-%d/",
			    article, page);
		if (http_get(s, path, &r) != 0) {
			resp_free(&r);
			return -1;
		}
		if (r.status != 200) {
			resp_free(&r);
			return r.status == 404 && page > 1 ? total : -1;
		}
		doc = html_parse(&r);
		total += xp_count(doc, "//li[starts-with(@id,'comment-')]");
		*foreign += foreign_markup(doc);
		xmlFreeDoc(doc);
		resp_free(&r);
	}
	return -1;
}

int
http_get(struct srv *s, const char *path, struct resp *r)
{
	return http_req(s, "GET", path, NULL, r);
}

int
http_eventually(struct srv *s, const char *path, const char *needle)
{
	struct resp	 r;
	int		 i, ok = 0;
	int		 tries = getenv("GALLEY_DB") != NULL ? 100 : 1;

	for (i = 0; i < tries && !ok; i++) {
		if (i > 0)
			usleep(20000);
		ok = http_get(s, path, &r) == 0 && r.status == 200 &&
		    r.body.data != NULL && strstr(r.body.data, needle) != NULL;
		resp_free(&r);
	}
	return ok;
}

void
resp_free(struct resp *r)
{
	buf_reset(&r->body);
	buf_reset(&r->head);
}

/* Brotli-decodes in into out with libbrotlidec's decoder; 0 or -1. */
static int
unbrotli(const unsigned char *in, size_t len, struct buf *out)
{
	BrotliDecoderState	*s = BrotliDecoderCreateInstance(NULL, NULL,
				    NULL);
	BrotliDecoderResult	 rc;
	unsigned char		 chunk[16384], *next_out;
	size_t			 avail_out;

	do {
		next_out = chunk;
		avail_out = sizeof(chunk);
		rc = BrotliDecoderDecompressStream(s, &len, &in, &avail_out,
		    &next_out, NULL);
		buf_write((char *)chunk, sizeof(chunk) - avail_out, out);
	} while (rc == BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT);
	BrotliDecoderDestroyInstance(s);
	return rc == BROTLI_DECODER_RESULT_SUCCESS && len == 0 ? 0 : -1;
}

/* Inflates a gzip stream (RFC 1952) in into out with zlib; 0 or -1. */
static int
gunzip(const unsigned char *in, size_t len, struct buf *out)
{
	z_stream	 z;
	unsigned char	 chunk[16384];
	int		 rc;

	memset(&z, 0, sizeof(z));
	if (inflateInit2(&z, 15 + 16) != Z_OK)
		return -1;
	z.next_in = (unsigned char *)in;
	z.avail_in = (uInt)len;
	do {
		z.next_out = chunk;
		z.avail_out = sizeof(chunk);
		rc = inflate(&z, Z_NO_FLUSH);
		buf_write((char *)chunk, sizeof(chunk) - z.avail_out, out);
	} while (rc == Z_OK);
	inflateEnd(&z);
	return rc == Z_STREAM_END && z.avail_in == 0 ? 0 : -1;
}

int
http_decode(const char *coding, const void *in, size_t len, struct buf *out)
{
	if (coding == NULL) {
		buf_write(in, len, out);
		return 0;
	}
	if (strcmp(coding, "br") == 0)
		return unbrotli(in, len, out);
	if (strcmp(coding, "gzip") == 0)
		return gunzip(in, len, out);
	return -1;
}

const char *
resp_header(const struct resp *r, const char *name)
{
	static __thread char	 val[1024];
	const char		*p = r->head.data;
	size_t			 n = strlen(name), len;

	while (p != NULL && *p) {
		if (strncasecmp(p, name, n) == 0 && p[n] == ':') {
			p += n + 1;
			while (*p == ' ')
				p++;
			len = strcspn(p, "\r\n");
			if (len >= sizeof(val))
				len = sizeof(val) - 1;
			memcpy(val, p, len);
			val[len] = '\0';
			return val;
		}
		p = strchr(p, '\n');
		if (p != NULL)
			p++;
	}
	return NULL;
}

htmlDocPtr
html_parse(const struct resp *r)
{
	return htmlReadMemory(r->body.data ? r->body.data : "",
	    (int)r->body.len, "page.html", "utf-8",
	    HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET);
}

static xmlXPathObjectPtr
xp(htmlDocPtr doc, const char *expr)
{
	xmlXPathContextPtr	 ctx = xmlXPathNewContext(doc);
	xmlXPathObjectPtr	 o;

	o = xmlXPathEvalExpression((const xmlChar *)expr, ctx);
	xmlXPathFreeContext(ctx);
	return o;
}

int
xp_count(htmlDocPtr doc, const char *expr)
{
	xmlXPathObjectPtr	 o = xp(doc, expr);
	int			 n;

	n = o && o->nodesetval ? o->nodesetval->nodeNr : 0;
	xmlXPathFreeObject(o);
	return n;
}

char *
xp_attr(htmlDocPtr doc, const char *expr)
{
	xmlXPathObjectPtr	 o = xp(doc, expr);
	xmlChar			*t;
	char			*out = NULL;

	if (o && o->nodesetval && o->nodesetval->nodeNr > 0) {
		t = xmlNodeGetContent(o->nodesetval->nodeTab[0]);
		out = strdup((char *)t);
		xmlFree(t);
	}
	xmlXPathFreeObject(o);
	return out;
}

void
form_append(struct form_sent *f, const char *name, const char *value)
{
	f->v = realloc(f->v, (f->n + 3) * sizeof(*f->v));
	if (f->v == NULL)
		abort();
	f->v[f->n++] = strdup(name);
	f->v[f->n++] = strdup(value);
	f->v[f->n] = NULL;
}

/* Attribute a of e, or dflt (heap copy either way). */
static char *
attr_or(xmlNodePtr e, const char *a, const char *dflt)
{
	xmlChar	*v = xmlGetProp(e, BAD_CAST a);
	char	*out = strdup(v != NULL ? (char *)v : dflt);

	xmlFree(v);
	return out;
}

/* What a browser sends for select e: its selected option, or its first. */
static char *
select_value(xmlNodePtr e)
{
	xmlNodePtr	 o, pick = NULL;
	xmlChar		*t;
	char		*out;

	for (o = e->children; o != NULL; o = o->next) {
		if (o->type != XML_ELEMENT_NODE ||
		    xmlStrcmp(o->name, BAD_CAST "option") != 0)
			continue;
		if (pick == NULL)
			pick = o;
		if (xmlHasProp(o, BAD_CAST "selected")) {
			pick = o;
			break;
		}
	}
	if (pick == NULL)
		return strdup("");
	if (xmlHasProp(pick, BAD_CAST "value"))
		return attr_or(pick, "value", "");
	t = xmlNodeGetContent(pick);
	out = strdup((char *)t);
	xmlFree(t);
	return out;
}

void
form_read(htmlDocPtr doc, const char *expr, struct form_sent *f)
{
	char			 q[600];
	xmlXPathObjectPtr	 o;
	xmlNodePtr		 e;
	xmlChar			*t;
	char			*name, *type, *v;
	int			 i;

	f->n = 0;
	if ((f->v = calloc(1, sizeof(*f->v))) == NULL)
		abort();
	snprintf(q, sizeof(q), "(%s)//input | (%s)//select | (%s)//textarea",
	    expr, expr, expr);
	o = xp(doc, q);
	for (i = 0; o && o->nodesetval && i < o->nodesetval->nodeNr; i++) {
		e = o->nodesetval->nodeTab[i];
		if (!xmlHasProp(e, BAD_CAST "name"))
			continue;
		name = attr_or(e, "name", "");
		type = attr_or(e, "type", "text");
		v = NULL;
		if (xmlStrcmp(e->name, BAD_CAST "select") == 0)
			v = select_value(e);
		else if (xmlStrcmp(e->name, BAD_CAST "textarea") == 0) {
			t = xmlNodeGetContent(e);
			v = strdup((char *)t);
			xmlFree(t);
		} else if ((strcasecmp(type, "checkbox") != 0 &&
		    strcasecmp(type, "radio") != 0) ||
		    xmlHasProp(e, BAD_CAST "checked"))
			if (strcasecmp(type, "submit") != 0 &&
			    strcasecmp(type, "file") != 0)
				v = attr_or(e, "value", strcasecmp(type,
				    "checkbox") == 0 ? "on" : "");
		if (v != NULL)
			form_append(f, name, v);
		free(v);
		free(name);
		free(type);
	}
	xmlXPathFreeObject(o);
}

void
form_put(struct form_sent *f, const char *name, const char *value)
{
	size_t	 i;

	for (i = 0; i < f->n; i += 2)
		if (strcmp(f->v[i], name) == 0) {
			free(f->v[i + 1]);
			f->v[i + 1] = strdup(value);
			return;
		}
	form_append(f, name, value);
}

void
form_drop(struct form_sent *f, const char *name, const char *value)
{
	size_t	 i = 0;

	while (i < f->n)
		if (strcmp(f->v[i], name) == 0 && (value == NULL ||
		    strcmp(f->v[i + 1], value) == 0)) {
			free(f->v[i]);
			free(f->v[i + 1]);
			memmove(f->v + i, f->v + i + 2, (f->n - i - 1) *
			    sizeof(*f->v));
			f->n -= 2;
		} else
			i += 2;
}

void
form_done(struct form_sent *f)
{
	size_t	 i;

	for (i = 0; i < f->n; i++)
		free(f->v[i]);
	free(f->v);
	memset(f, 0, sizeof(*f));
}

char *
xp_text(htmlDocPtr doc, const char *expr)
{
	char		*out = xp_attr(doc, expr), *w;
	const char	*p;
	int		 sp = 0;

	if (out == NULL)
		return NULL;
	/* Fold white space in place: runs become one space, ends none. */
	for (w = out, p = out; *p; p++) {
		if (isspace((unsigned char)*p)) {
			sp = w != out;
			continue;
		}
		if (sp)
			*w++ = ' ';
		sp = 0;
		*w++ = *p;
	}
	*w = '\0';
	return out;
}

const char *
site_db(const char *dir)
{
	static __thread char	 path[600];

	if (getenv("GALLEY_DB") != NULL)
		return getenv("GALLEY_DB");
	snprintf(path, sizeof(path), "%s/galley.db", dir);
	return path;
}

char *
site_node(const char *dir)
{
	char	*b = tmp_path("node-b"), cmd[2048];

	snprintf(cmd, sizeof(cmd), "mkdir -p %s && sed 's|^media_dir = .*|"
	    "media_dir = %s/media|' %s/galley.conf > %s/galley.conf && "
	    "chmod 600 %s/galley.conf", b, dir, dir, b, b);
	if (system(cmd) == 0)
		return b;
	free(b);
	return NULL;
}

int
db_exec(const char *where, const char *sql)
{
	sqlite3		*db;
	PGconn		*pg;
	PGresult	*res;
	int		 ok;

	if (strncmp(where, "postgresql:", 11) == 0) {
		pg = PQconnectdb(where);
		res = PQexec(pg, sql);
		ok = PQresultStatus(res) == PGRES_COMMAND_OK ||
		    PQresultStatus(res) == PGRES_TUPLES_OK;
		PQclear(res);
		PQfinish(pg);
		return ok ? 0 : -1;
	}
	if (sqlite3_open(where, &db) != SQLITE_OK)
		return -1;
	sqlite3_busy_timeout(db, 5000);		/* the server may be writing */
	ok = sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK;
	sqlite3_close(db);
	return ok ? 0 : -1;
}

struct db_hold {
	sqlite3	*lite;
	PGconn	*pg;
};

struct db_hold *
db_hold(const char *where, const char *sql)
{
	struct db_hold	*h = calloc(1, sizeof(*h));
	PGresult	*res;
	int		 ok;

	if (strncmp(where, "postgresql:", 11) == 0) {
		h->pg = PQconnectdb(where);
		res = PQexec(h->pg, sql);
		ok = PQresultStatus(res) == PGRES_COMMAND_OK ||
		    PQresultStatus(res) == PGRES_TUPLES_OK;
		PQclear(res);
	} else
		ok = sqlite3_open(where, &h->lite) == SQLITE_OK &&
		    sqlite3_exec(h->lite, sql, NULL, NULL, NULL) == SQLITE_OK;
	if (!ok) {
		db_let_go(h);
		return NULL;
	}
	return h;
}

void
db_let_go(struct db_hold *h)
{
	PGresult	*res;

	if (h == NULL)
		return;
	if (h->pg != NULL) {
		res = PQexec(h->pg, "ROLLBACK");
		PQclear(res);
		PQfinish(h->pg);
	}
	if (h->lite != NULL) {
		sqlite3_exec(h->lite, "ROLLBACK", NULL, NULL, NULL);
		sqlite3_close(h->lite);
	}
	free(h);
}

int
db_rows(const char *where, const char *sql, struct buf *out)
{
	return db_rows_each(where, &sql, 1, out);
}

/* Appends the rows of res, as db_rows says; -1 if it holds none. */
static int
pg_rows(PGresult *res, struct buf *out)
{
	int	 i, j;

	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		return -1;
	for (i = 0; i < PQntuples(res); i++)
		for (j = 0; j < PQnfields(res); j++) {
			buf_puts(out, PQgetvalue(res, i, j));
			buf_putc(out, j + 1 < PQnfields(res) ? '\t' : '\n');
		}
	return 0;
}

/* The same for the next row of st. */
static void
lite_row(sqlite3_stmt *st, struct buf *out)
{
	const char	*v;
	int		 j;

	for (j = 0; j < sqlite3_column_count(st); j++) {
		v = (const char *)sqlite3_column_text(st, j);
		buf_puts(out, v != NULL ? v : "");
		buf_putc(out, j + 1 < sqlite3_column_count(st) ? '\t' : '\n');
	}
}

int
db_rows_each(const char *where, const char *const *sql, size_t n,
    struct buf *out)
{
	sqlite3		*db;
	sqlite3_stmt	*st;
	PGconn		*pg;
	PGresult	*res;
	size_t		 k;
	int		 i, rc = 0;

	if (strncmp(where, "postgresql:", 11) == 0) {
		pg = PQconnectdb(where);
		for (k = 0; k < n; k++) {
			res = PQexec(pg, sql[k]);
			if (pg_rows(res, &out[k]) != 0)
				rc = -1;
			PQclear(res);
		}
		PQfinish(pg);
		return rc;
	}
	if (sqlite3_open(where, &db) != SQLITE_OK) {
		sqlite3_close(db);
		return -1;
	}
	for (k = 0; k < n; k++) {
		st = NULL;
		i = sqlite3_prepare_v2(db, sql[k], -1, &st, NULL);
		if (i == SQLITE_OK)
			while ((i = sqlite3_step(st)) == SQLITE_ROW)
				lite_row(st, &out[k]);
		if (i != SQLITE_DONE)
			rc = -1;
		sqlite3_finalize(st);
	}
	sqlite3_close(db);
	return rc;
}

long long
db_count(const char *where, const char *sql)
{
	sqlite3		*db;
	sqlite3_stmt	*st;
	PGconn		*pg;
	PGresult	*res;
	long long	 n = -1;

	if (strncmp(where, "postgresql:", 11) == 0) {
		pg = PQconnectdb(where);
		res = PQexec(pg, sql);
		if (PQresultStatus(res) == PGRES_TUPLES_OK &&
		    PQntuples(res) == 1)
			n = atoll(PQgetvalue(res, 0, 0));
		PQclear(res);
		PQfinish(pg);
		return n;
	}
	if (sqlite3_open(where, &db) != SQLITE_OK)
		return -1;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return n;
}

long long
db_wait(const char *where, const char *sql, long long want, int ms)
{
	long long	 n;

	while ((n = db_count(where, sql)) != want && ms > 0) {
		usleep(20000);
		ms -= 20;
	}
	return n;
}

char **
payload_lines(size_t *n)
{
	char		 path[1024], line[8192], **v = NULL;
	const char	*shared = getenv("SHARED");
	FILE		*f;

	*n = 0;
	snprintf(path, sizeof(path), "%s/fixtures/xss/payloads.txt",
	    shared ? shared : "../shared");
	if ((f = fopen(path, "r")) == NULL)
		return NULL;
	while (fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if ((v = realloc(v, (*n + 1) * sizeof(*v))) == NULL ||
		    (v[*n] = strdup(line)) == NULL)
			abort();
		(*n)++;
	}
	fclose(f);
	return v;
}

/* The whole file at path, NUL-terminated, heap; NULL if unreadable. */
static char *
file_read(const char *path)
{
	struct buf	 b;
	char		 chunk[8192];
	size_t		 n;
	FILE		*f;

	if ((f = fopen(path, "rb")) == NULL)
		return NULL;
	buf_init(&b);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_write(chunk, n, &b);
	fclose(f);
	return b.data != NULL ? b.data : strdup("");
}

int
smtp_start(struct smtp *s, const char *dir, int fail, int fail_code)
{
	const char	*top = getenv("TOP") ? getenv("TOP") : ".";
	char		 script[600], path[600], nfail[16], code[16], port[16];
	char		 delay[16];
	char		*p;
	int		 i;

	if (s->dir == NULL)
		s->dir = strdup(dir);
	snprintf(script, sizeof(script), "%s/tests/smtp_sink.py", top);
	snprintf(path, sizeof(path), "%s/port", s->dir);
	snprintf(nfail, sizeof(nfail), "%d", fail);
	snprintf(code, sizeof(code), "%d", fail_code > 0 ? fail_code : 451);
	snprintf(port, sizeof(port), "%d", s->port);
	snprintf(delay, sizeof(delay), "%.3f", s->delay_ms / 1000.0);
	unlink(path);
	if ((s->pid = fork()) == -1)
		return -1;
	if (s->pid == 0) {
		execl("/usr/bin/python3", "python3", script, "--dir", s->dir,
		    "--port", port, "--fail", nfail, "--fail-code", code,
		    "--delay", delay, (char *)NULL);
		_exit(127);
	}
	/*
	 * Up to 60 s: a start that migrates and reindexes, under ASan on a
	 * machine busy with other tests, took more than 10.  One that fails
	 * exits, and is seen at once.
	 */
	for (i = 0; i < 3000; i++) {
		if ((p = file_read(path)) != NULL) {
			s->port = atoi(p);
			free(p);
			return s->port > 0 ? 0 : -1;
		}
		if (waitpid(s->pid, NULL, WNOHANG) == s->pid)
			break;
		usleep(20000);
	}
	fprintf(stderr, "smtp_sink.py did not start (is python3-aiosmtpd"
	    " installed?)\n");
	return -1;
}

void
smtp_stop(struct smtp *s)
{
	if (s->pid <= 0)
		return;
	kill(s->pid, SIGTERM);
	waitpid(s->pid, NULL, 0);
	s->pid = 0;
}

void
smtp_free(struct smtp *s)
{
	smtp_stop(s);
	free(s->dir);
	s->dir = NULL;
}

int
smtp_count(const struct smtp *s)
{
	char	 path[600];
	int	 n;

	for (n = 0;; n++) {
		snprintf(path, sizeof(path), "%s/%06d.eml", s->dir, n);
		if (access(path, F_OK) != 0)
			return n;
	}
}

int
smtp_wait(const struct smtp *s, int n, int ms)
{
	int	 got;

	while ((got = smtp_count(s)) < n && ms > 0) {
		usleep(20000);
		ms -= 20;
	}
	return got;
}

char *
smtp_message(const struct smtp *s, int i, char **rcpt)
{
	char	 path[600], *p;

	snprintf(path, sizeof(path), "%s/%06d.rcpt", s->dir, i);
	if (rcpt != NULL) {
		if ((*rcpt = file_read(path)) != NULL)
			for (p = *rcpt; *p != '\0'; p++)
				if (*p == '\n')
					*p = ',';
	}
	snprintf(path, sizeof(path), "%s/%06d.eml", s->dir, i);
	return file_read(path);
}

int
site_mail(const char *dir, const struct smtp *s, int retry_seconds)
{
	char	 path[600], url[64], retry[16], err[300];

	snprintf(path, sizeof(path), "%s/galley.conf", dir);
	snprintf(url, sizeof(url), "smtp://127.0.0.1:%d", s->port);
	snprintf(retry, sizeof(retry), "%d", retry_seconds);
	if (conf_set(path, "smtp_url", url, err, sizeof(err)) == -1 ||
	    conf_set(path, "mail_from", "Galley News <news@galley.test>",
	    err, sizeof(err)) == -1 ||
	    conf_set(path, "mail_retry_seconds", retry, err,
	    sizeof(err)) == -1) {
		fprintf(stderr, "site_mail: %s\n", err);
		return -1;
	}
	return 0;
}

int
user_add(const char *dir, const char *email, const char *name,
    const char *role, const char *password)
{
	char	 cmd[1600];

	snprintf(cmd, sizeof(cmd), "printf '%%s\\n' '%s' | %s user %s add"
	    " --email '%s' --name '%s' --role %s >/dev/null 2>&1", password,
	    getenv("GALLEY") ? getenv("GALLEY") : "build/galley", dir, email,
	    name, role);
	return system(cmd);
}

const char *
admin_csrf(struct srv *s, const char *cookie)
{
	static char	 v[80];
	const char	*h[] = { cookie, NULL }, *p;
	struct resp	 r;

	v[0] = '\0';
	if (http_req(s, "GET", "/admin/", h, &r) == 0 && r.status == 200 &&
	    (p = strstr(r.body.data, "name=\"csrf\" value=\"")) != NULL)
		snprintf(v, sizeof(v), "%.64s", p + 19);
	resp_free(&r);
	return v;
}

char *
mail_part(GMimeObject *o, const char *type, const char *sub)
{
	GMimeContentType	*ct = g_mime_object_get_content_type(o);
	GMimeDataWrapper	*w;
	GMimeStream		*st;
	GByteArray		*ba;
	char			*s;
	int			 i, n;

	if (GMIME_IS_MULTIPART(o)) {
		n = g_mime_multipart_get_count(GMIME_MULTIPART(o));
		for (i = 0; i < n; i++)
			if ((s = mail_part(g_mime_multipart_get_part(
			    GMIME_MULTIPART(o), i), type, sub)) != NULL)
				return s;
		return NULL;
	}
	if (!g_mime_content_type_is_type(ct, type, sub) ||
	    !GMIME_IS_PART(o) ||
	    (w = g_mime_part_get_content(GMIME_PART(o))) == NULL)
		return NULL;
	st = g_mime_stream_mem_new();
	g_mime_data_wrapper_write_to_stream(w, st);
	ba = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(st));
	s = strndup((const char *)ba->data, ba->len);
	g_object_unref(st);
	/* Text travels with CRLF line ends; a reader's client ends lines. */
	{
		char	*r, *w;

		for (r = w = s; *r != '\0'; r++)
			if (!(r[0] == '\r' && r[1] == '\n'))
				*w++ = *r;
		*w = '\0';
	}
	return s;
}

GMimeMessage *
mail_parse(const char *msg, size_t len)
{
	GMimeStream	*st;
	GMimeParser	*p;
	GMimeMessage	*m;

	mail_gmime_init();
	st = g_mime_stream_mem_new_with_buffer(msg, len);
	p = g_mime_parser_new_with_stream(st);
	m = g_mime_parser_construct_message(p, NULL);
	g_object_unref(p);
	g_object_unref(st);
	return m;
}

const char *
session_cookie(const struct resp *r)
{
	static __thread char	 v[128];
	const char		*p = strstr(r->head.data ? r->head.data : "",
	    "galley_session=");

	v[0] = '\0';
	if (p != NULL)
		snprintf(v, sizeof(v), "%.*s", (int)strcspn(p + 15, ";\r\n"),
		    p + 15);
	return v;
}

char *
admin_login(struct srv *s, const char *email, const char *password,
    long *status)
{
	return admin_login_to(s, email, password, "/admin/", status, NULL, 0);
}

char *
admin_login_to(struct srv *s, const char *email, const char *password,
    const char *next, long *status, char *where, size_t wherelen)
{
	const char	*f[] = { "email", email, "password", password, "next",
	    next, NULL };
	struct resp	 r;
	char		*h = NULL;

	if (status != NULL)
		*status = -1;
	if (http_post(s, "/admin/login/", f, 0, NULL, NULL, &r) != 0)
		return NULL;
	if (status != NULL)
		*status = r.status;
	if (where != NULL)
		snprintf(where, wherelen, "%s", resp_header(&r, "Location") ?
		    resp_header(&r, "Location") : "");
	if (r.status == 303 && *session_cookie(&r) != '\0') {
		h = malloc(200);
		snprintf(h, 200, "Cookie: galley_session=%s",
		    session_cookie(&r));
	}
	resp_free(&r);
	return h;
}

long
http_get_as(struct srv *s, const char *path, const char *cookie,
    struct resp *r)
{
	const char	*h[] = { cookie, NULL };

	if (http_req(s, "GET", path, cookie ? h : NULL, r) != 0)
		return -1;
	return r->status;
}

double
clock_now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
