/*
 * server: the libmicrohttpd glue (see server.h).  A page flows, on one
 * of libmicrohttpd's threads (one per core), which never wait on a lock:
 *
 *   first_call() -> the head checked (head.c); deadlines (client.c)
 *   handle() -> theme file, or media file (from the media folder, or
 *               copied out of the database with media_store = db)
 *            -> url_parse(); a near miss redirects to the canonical path
 *            -> the data generation (from the store's watcher, or asked
 *               of the database); a page-cache hit is queued as it is
 *               (200, or 304 on a matching ETag)
 *            -> store_conn_get(), held for the rest of the request
 *            -> the page handler from the routes table renders into
 *               r->body; the response gets its headers and, when every
 *               reader would get the same bytes, goes into the cache
 *   completed() -> log line; connection back to the pool; arena freed
 *
 * A POST (and an admin page) takes a body place (slot.c), then runs as a
 * task on the work pool (work.c) while its connection is suspended, and
 * is answered when the task resumes it.  The ticker thread drops
 * connections past their deadlines, sends answers held back, and queues
 * periodic work (scheduled posts, retention) on the pool.
 */
#include <sys/resource.h>
#include <sys/socket.h>
#include <strings.h>
#include <sys/stat.h>
#include <arpa/inet.h>
#include <netdb.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <jansson.h>
#include <microhttpd.h>
#include <sodium.h>
#include <systemd/sd-daemon.h>

#include "alloc.h"
#include "batch.h"
#include "auth.h"
#include "cache.h"
#include "client.h"
#include "clock.h"
#include "comment.h"
#include "conf.h"
#include "encoding.h"
#include "form.h"
#include "head.h"
#include "media.h"
#include "metrics.h"
#include "outbox.h"
#include "page.h"
#include "pool.h"
#include "req.h"
#include "server.h"
#include "setting.h"
#include "sign.h"
#include "site.h"
#include "slot.h"
#include "store.h"
#include "theme.h"
#include "url.h"
#include "work.h"

#define HTML_TYPE	"text/html; charset=utf-8"
#define DRAIN_SECONDS	10

/* The limits of galley.conf's serving keys (docs/DEPLOY.md). */
struct limits {
	int	 head_seconds;		/* head_timeout */
	int	 body_grace;		/* body_grace */
	int	 body_rate;		/* body_min_rate, bytes a second */
	int	 conns;			/* max_connections */
	int	 conns_per_ip;		/* max_connections_per_ip */
	int	 posts;			/* post_slots */
	int	 posts_per_ip;		/* post_slots_per_ip */
	int	 smalls;		/* small_post_slots */
	int	 smalls_per_ip;		/* small_post_slots_per_ip */
	int	 logins;		/* login_slots */
	int	 logins_per_ip;		/* login_slots_per_ip */
	int	 workers;		/* workers */
	int	 queue;			/* work_queue */
};

struct sreq;
struct action;

struct server {
	struct site		*site;
	struct limits		 lim;
	atomic_int		 inflight;
	atomic_ulong		 requests;	/* ever begun: trim_due */
	struct clients		*clients;	/* deadlines, per-IP bound */
	struct slots		*posts;		/* big bodies, till answered */
	struct slots		*smalls;	/* small ones, likewise */
	struct slots		*logins;	/* login bodies, apart */
	struct work		*work;		/* what may wait, off HTTP */
	pthread_t		 ticker;
	struct outbox		*outbox;	/* the mail sender, or NULL */
	atomic_int		 stopping;
	atomic_int		 closed;	/* refuse new connections */
	pthread_mutex_t		 held_lock;	/* answers held back */
	struct sreq		*held;
	/* /healthz's last probe: when (clock_ms) and what (health_word). */
	atomic_llong		 health_ms;
	atomic_llong		 health;
	atomic_int		 probing;	/* a probe is queued or running */
	const char		*log;		/* --log FILE, or NULL */
	int			 logfd;		/* the access log */
	char			 serving[96];	/* "http://HOST:PORT/" */
};

/* How often the ticker wakes: deadlines, held answers, periodic work. */
#define TICK_MS		250
/* How often a node looks for scheduled posts whose time has come. */
#define SCHEDULE_SECONDS	10
/* How often retention runs, and how soon after a start. */
#define FORGET_SECONDS		3600
#define FORGET_FIRST		5
/* Under steady load, memory goes back to the system this often at most. */
#define TRIM_SECONDS		5

/* Where a request stands with the work pool. */
enum job_state {
	JOB_NONE = 0,
	JOB_RUNNING,		/* queued or running; the connection waits */
	JOB_DONE		/* r->body and status are ready */
};

/* One request: the handler's struct req and what the log line needs. */
struct sreq {
	struct req		 r;
	struct server		*srv;
	struct timespec		 start;
	const char		*method;	/* arena copies for the log */
	const char		*path;
	const char		*version;
	const char		*addr;		/* the reader's address */
	const char		*referer;	/* NULL when not sent */
	const char		*agent;
	struct client		*client;	/* its connection's deadlines */
	struct form		 form;		/* a POST's fields */
	int			 posting;	/* form is set up */
	size_t			 body_bytes;
	size_t			 body_max;
	int			 body_bad;	/* 413: too big; 400: garbled */
	struct slots		*slot;		/* holds a place in it, if set */
	const char		*slot_ip;	/* ... for this address */
	int			 json;		/* a JSON body, in raw */
	const struct action	*act;		/* not a page: what it is */
	struct buf		 raw;
	int			 status;
	size_t			 bytes;
	/* A job on the work pool (see run_job): */
	enum job_state		 job;
	int			(*task)(struct sreq *, struct MHD_Connection *);
	int			 answer;	/* the task's status */
	int64_t			 release_ms;	/* a held answer's time */
	struct sreq		*next_held;
};

/*
 * A route that is not a page (the table actions[] below): where it is,
 * the methods it takes, its body's limit and form, and its handler: a
 * task run on the work pool (task), or an answer given at once with no
 * database (now).
 */
struct action {
	const char		*path;
	int			 flags;
#define ACT_GET		0x01	/* takes GET and HEAD */
#define ACT_POST	0x02	/* takes POST */
#define ACT_PREFIX	0x04	/* path is a prefix */
#define ACT_GATE	0x08	/* a POST needs a live session first */
#define ACT_LOGIN	0x10	/* its body takes a login's place */
#define ACT_JSON	0x20	/* a body may come as JSON */
	size_t			 limit;		/* body bytes; 0: the
						   comment_max_bytes setting */
	const struct form_field	*fields;	/* NULL: any field, */
	size_t			 nfields;
	size_t			 field_max;	/* ... of at most this */
	int			(*task)(struct sreq *, struct MHD_Connection *);
	enum MHD_Result		(*now)(struct sreq *, struct MHD_Connection *);
};

static const struct {
	enum route_kind	 kind;
	int		(*fn)(struct req *);
} routes[] = {
	{ ROUTE_HOME, page_home },
	{ ROUTE_POST, page_article },
	{ ROUTE_CATEGORY, page_archive },
	{ ROUTE_TAG, page_archive },
	{ ROUTE_AUTHOR, page_archive },
	{ ROUTE_DATE, page_archive },
	{ ROUTE_PAGE, page_static },
	{ ROUTE_COMMENTS, page_feed },
	{ ROUTE_SITEMAP, page_sitemap },
	{ ROUTE_ROBOTS, page_robots },
	{ ROUTE_SEARCH, page_search },
	{ ROUTE_ICON, page_icon },
};

/*
 * Sent with every response.  frame-src 'self': the editor's preview is
 * the site's own page in a sandboxed frame.
 */
static const struct {
	const char	*name;
	const char	*value;
} security_headers[] = {
	{ "Content-Security-Policy", "default-src 'self'; script-src 'self'; "
	    "style-src 'self'; img-src 'self' data:; object-src 'none'; "
	    "frame-src 'self' https://www.youtube-nocookie.com; "
	    "frame-ancestors 'self'; base-uri 'self'; form-action 'self'" },
	{ "X-Content-Type-Options", "nosniff" },
	{ "Referrer-Policy", "strict-origin-when-cross-origin" },
	{ "X-Frame-Options", "SAMEORIGIN" },
	{ "Permissions-Policy", "camera=(), microphone=(), geolocation=()" },
};

static void
add_headers(struct MHD_Response *resp, const char *type, const char *cache)
{
	size_t	 i;

	for (i = 0; i < sizeof(security_headers) /
	    sizeof(security_headers[0]); i++)
		MHD_add_response_header(resp, security_headers[i].name,
		    security_headers[i].value);
	if (type != NULL)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
		    type);
	if (cache != NULL)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL,
		    cache);
}

/*
 * Queues resp with status (taking the caller's reference) and notes both
 * for the log.  resp may be NULL (libmicrohttpd out of memory): the
 * connection is then closed.
 */
static enum MHD_Result
queue(struct sreq *sr, struct MHD_Connection *conn, int status,
    struct MHD_Response *resp, size_t bytes)
{
	enum MHD_Result	 rc;

	if (resp == NULL)
		return MHD_NO;
	if (sr->r.retry_after > 0) {
		char	 n[16];

		snprintf(n, sizeof(n), "%d", sr->r.retry_after);
		MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, n);
	}
	rc = MHD_queue_response(conn, (unsigned int)status, resp);
	MHD_destroy_response(resp);
	if (rc == MHD_YES) {
		sr->status = status;
		sr->bytes = status == MHD_HTTP_NOT_MODIFIED ? 0 : bytes;
	}
	return rc;
}

/* 304 when the request's If-None-Match holds etag, else 200. */
static int
fresh_status(struct MHD_Connection *conn, const char *etag)
{
	return cache_etag_match(MHD_lookup_connection_value(conn,
	    MHD_HEADER_KIND, MHD_HTTP_HEADER_IF_NONE_MATCH), etag) ?
	    MHD_HTTP_NOT_MODIFIED : MHD_HTTP_OK;
}

/* Strong ETag: the quoted hex of a 128-bit BLAKE2b of the body. */
static void
etag_of(const void *data, size_t len, char out[35])
{
	unsigned char	 h[16];

	crypto_generichash(h, sizeof(h), data, len, NULL, 0);
	out[0] = '"';
	sodium_bin2hex(out + 1, 33, h, sizeof(h));
	out[33] = '"';
	out[34] = '\0';
}

/*
 * /theme/NAME: from memory, in the encoding the request prefers of
 * those made when the theme was loaded (theme.c); the request holds the
 * theme (page_theme) until it completes, so a reload meanwhile frees
 * nothing the response is sending.
 */
static enum MHD_Result
serve_theme(struct sreq *sr, struct MHD_Connection *conn)
{
	const struct asset	*a;
	struct MHD_Response	*resp;
	unsigned int		 have = 0;
	int			 i;

	a = theme_asset(page_theme(&sr->r), sr->r.route.slug);
	if (a == NULL)
		return MHD_NO;
	for (i = 0; i < ENC__MAX; i++)
		if (a->data[i] != NULL)
			have |= 1u << i;
	i = encoding_choose(MHD_lookup_connection_value(conn,
	    MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT_ENCODING), have);
	resp = MHD_create_response_from_buffer(a->len[i], (void *)a->data[i],
	    MHD_RESPMEM_PERSISTENT);
	if (resp == NULL)
		return MHD_NO;
	if (i != ENC_IDENTITY)
		MHD_add_response_header(resp,
		    MHD_HTTP_HEADER_CONTENT_ENCODING, encoding_name(i));
	if (have != 1u << ENC_IDENTITY)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_VARY,
		    MHD_HTTP_HEADER_ACCEPT_ENCODING);
	add_headers(resp, a->type, "public, max-age=31536000, immutable");
	return queue(sr, conn, MHD_HTTP_OK, resp, a->len[i]);
}

/*
 * May this request see picture hash, held with its comment?  Any
 * signed-in account may (the staff moderate it), and so may the
 * comment's writer with its held token (?unapproved=, as the article
 * takes it); the public may not.
 */
static int
held_visible(struct sreq *sr, struct MHD_Connection *conn,
    struct store_conn *c, const char *hash)
{
	struct req	*r = &sr->r;
	struct env	 env = { r->site, c, &r->arena, NULL, r->now };
	struct comment	 cm;
	const char	*token;
	int64_t		 id;

	if (auth_session_live(&env, MHD_lookup_connection_value(conn,
	    MHD_COOKIE_KIND, AUTH_COOKIE)))
		return 1;
	token = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND,
	    "unapproved");
	return token != NULL && (id = comment_held_check(&env, token)) != 0 &&
	    store_comment_by_id(c, &r->arena, id, &cm) == STORE_OK &&
	    strcmp(cm.status, "trash") != 0 && (strcmp(cm.image, hash) == 0 ||
	    strcmp(cm.thumb, hash) == 0);
}

/*
 * /media/HASH.EXT: a picture named by its content hash, so immutable
 * (ETag the hash), with the type of our extension for it (image_mime)
 * and nosniff, so a browser never takes it for anything else.  A
 * comment's picture while the comment is held is not public
 * (held_visible), and never stored by a cache.  From the media folder a
 * descriptor is sent as it is; from the database (media_store = db) the
 * bytes are copied out and the connection given back before a byte is
 * sent.
 */
static enum MHD_Result
serve_media(struct sreq *sr, struct MHD_Connection *conn)
{
	const struct site	*site = sr->r.site;
	const char		*name = sr->r.route.slug;
	struct MHD_Response	*resp = NULL;
	struct media_object	 o;
	struct store_conn	*c = NULL;
	char			 hash[65], etag[80];
	int			 rc, held = 0;

	if (strlen(name) < 66 || name[64] != '.')
		return MHD_NO;
	memcpy(hash, name, 64);
	hash[64] = '\0';
	if ((c = store_conn_get(site->store)) == NULL)
		return MHD_NO;
	if (store_picture_held(c, hash, &held) != STORE_OK || (held &&
	    !held_visible(sr, conn, c, hash)))
		rc = STORE_NOTFOUND;
	else
		rc = media_get(&site->media, site->media.kind == MEDIA_DB ?
		    c : NULL, hash, name + 65, &o);
	store_conn_put(site->store, c);
	if (rc != STORE_OK)
		return MHD_NO;
	if (o.fd != -1 && (resp = MHD_create_response_from_fd((uint64_t)o.len,
	    o.fd)) != NULL)
		o.fd = -1;		/* libmicrohttpd closes it */
	else if (o.data != NULL && (resp = MHD_create_response_from_buffer(
	    o.len, o.data, MHD_RESPMEM_MUST_FREE)) != NULL)
		o.data = NULL;		/* libmicrohttpd frees it */
	if (resp == NULL) {
		media_object_reset(&o);
		return MHD_NO;
	}
	snprintf(etag, sizeof(etag), "\"%s\"", hash);
	MHD_add_response_header(resp, MHD_HTTP_HEADER_ETAG, etag);
	add_headers(resp, o.mime, held ? "private, no-store" :
	    "public, max-age=31536000, immutable");
	return queue(sr, conn, held ? MHD_HTTP_OK : fresh_status(conn, etag),
	    resp, o.len);
}

/*
 * Adds one argument to the query string being rebuilt in cls.  With
 * keep_escaped as the unescaper, keys and values are as the client sent
 * them.
 */
static enum MHD_Result
query_arg(void *cls, enum MHD_ValueKind kind, const char *key,
    const char *value)
{
	struct buf	*q = cls;

	(void)kind;
	if (q->len > 0)
		buf_putc(q, '&');
	buf_puts(q, key);
	if (value != NULL) {
		buf_putc(q, '=');
		buf_puts(q, value);
	}
	return MHD_YES;
}

/* Redirects to location, keeping the request's query string. */
static enum MHD_Result
redirect(struct sreq *sr, struct MHD_Connection *conn, int status,
    const char *location)
{
	struct MHD_Response	*resp;
	struct buf		 q;

	resp = MHD_create_response_from_buffer(0, NULL,
	    MHD_RESPMEM_PERSISTENT);
	if (resp == NULL)
		return MHD_NO;
	buf_init(&q);
	MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, query_arg, &q);
	if (q.len > 0)
		location = arena_printf(&sr->r.arena, "%s?%s", location,
		    q.data);
	buf_reset(&q);
	MHD_add_response_header(resp, MHD_HTTP_HEADER_LOCATION, location);
	add_headers(resp, HTML_TYPE, "public, max-age=0, must-revalidate");
	return queue(sr, conn, status, resp, 0);
}

/* A redirect after a POST (303), with a cookie to set if any. */
static enum MHD_Result
redirect_plain(struct sreq *sr, struct MHD_Connection *conn, int status,
    const char *location, const char *cookie)
{
	struct MHD_Response	*resp;

	resp = MHD_create_response_from_buffer(0, NULL,
	    MHD_RESPMEM_PERSISTENT);
	if (resp == NULL)
		return MHD_NO;
	MHD_add_response_header(resp, MHD_HTTP_HEADER_LOCATION, location);
	if (cookie != NULL)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_SET_COOKIE,
		    cookie);
	add_headers(resp, HTML_TYPE, "no-store");
	return queue(sr, conn, status, resp, 0);
}

/*
 * The page cache's key for url: the serial of the theme, then url, so a
 * page rendered with a theme replaced since is never served.  A request
 * that rendered takes its own theme's serial (every page that shows the
 * theme took it through page_theme); one that has not, the live serial,
 * which a reload sets only once the new theme is in place, so any page
 * stored under it was rendered with that theme.
 */
static const char *
cache_key(struct sreq *sr, const char *url)
{
	struct req	*r = &sr->r;

	return arena_printf(&r->arena, "%u %s", r->theme != NULL ?
	    theme_serial(r->theme) : theme_live_serial(r->site->theme), url);
}

/*
 * Queues the cached page for url at gen, in the encoding the request
 * prefers, if there is one; 1 if queued.
 */
static int
cached(struct sreq *sr, struct MHD_Connection *conn, const char *url,
    int64_t gen)
{
	if (!sr->r.cacheable || !cache_queue(sr->r.site->cache,
	    cache_key(sr, url), gen,
	    conn, MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_IF_NONE_MATCH), MHD_lookup_connection_value(conn,
	    MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT_ENCODING), &sr->status,
	    &sr->bytes))
		return 0;
	metrics_cache(sr->r.site->metrics, 1);
	return 1;
}

/*
 * The response of a body (len bytes, handed over: libmicrohttpd frees
 * it) in encoding enc, with its ETag (if not NULL) and headers: a page
 * every reader gets alike (cache) says it varies with Accept-Encoding
 * and may be stored; any other is no-store and may set the request's
 * cookie.
 * Returns NULL (body freed) if libmicrohttpd is out of memory.
 */
/* The headers of a handler's response. */
static struct MHD_Response *
body_headers(struct req *r, struct MHD_Response *resp, enum encoding enc,
    const char *etag, int cache)
{
	if (etag != NULL)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ETAG, etag);
	if (enc != ENC_IDENTITY)
		MHD_add_response_header(resp,
		    MHD_HTTP_HEADER_CONTENT_ENCODING, encoding_name(enc));
	if (cache)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_VARY,
		    MHD_HTTP_HEADER_ACCEPT_ENCODING);
	if (r->disposition != NULL)
		MHD_add_response_header(resp, "Content-Disposition",
		    r->disposition);
	if (r->cookie != NULL && !cache)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_SET_COOKIE,
		    r->cookie);
	add_headers(resp, r->type != NULL ? r->type : HTML_TYPE, cache ?
	    "public, max-age=0, must-revalidate" : "no-store");
	return resp;
}

static struct MHD_Response *
body_response(struct req *r, void *body, size_t len, enum encoding enc,
    const char *etag, int cache)
{
	struct MHD_Response	*resp;

	resp = MHD_create_response_from_buffer_with_free_callback(len, body,
	    free);
	if (resp == NULL) {
		free(body);
		return NULL;
	}
	return body_headers(r, resp, enc, etag, cache);
}

/*
 * A handler's output too big for memory (an export), in a file: sent
 * from it, never cached; libmicrohttpd closes it when done.
 */
static enum MHD_Result
respond_file(struct sreq *sr, struct MHD_Connection *conn, int status)
{
	struct req		*r = &sr->r;
	struct MHD_Response	*resp = NULL;
	struct stat		 st;

	r->body_is_file = 0;
	if (fstat(r->body_fd, &st) == 0 && (resp =
	    MHD_create_response_from_fd((uint64_t)st.st_size,
	    r->body_fd)) != NULL)
		return queue(sr, conn, status, body_headers(r, resp,
		    ENC_IDENTITY, NULL, 0), (size_t)st.st_size);
	close(r->body_fd);
	return MHD_NO;
}

/*
 * A page the cache keeps: its brotli and gzip encodings are made here,
 * once for every request the cache will answer with them, each with
 * the identity's ETag told apart by its coding ("HASH-br", "HASH-gzip");
 * the one the request prefers is queued (304 on a match), and all go
 * into the cache.  body (len bytes) is handed over.
 */
static enum MHD_Result
respond_cached(struct sreq *sr, struct MHD_Connection *conn,
    const char *key, int64_t gen, char *body, size_t len, const char *etag)
{
	struct cache_body	 cb[ENC__MAX];
	char			 tag[ENC__MAX][48];
	unsigned int		 have = 0;
	enum MHD_Result		 rc;
	void			*data;
	size_t			 n = 0;
	int			 i, status;

	memset(cb, 0, sizeof(cb));
	/* ENC_IDENTITY is last: body is handed over only after use. */
	for (i = 0; i < ENC__MAX; i++) {
		if (i == ENC_IDENTITY) {
			data = body;
			n = len;
			snprintf(tag[i], sizeof(tag[i]), "%s", etag);
		} else if ((data = encoding_make(i, body, len, &n)) == NULL)
			continue;	/* not worth it for this page */
		else
			snprintf(tag[i], sizeof(tag[i]), "%.33s-%s\"", etag,
			    encoding_name(i));
		cb[i] = (struct cache_body){ body_response(&sr->r, data, n, i,
		    tag[i], 1), tag[i], n };
		if (cb[i].resp != NULL)
			have |= 1u << i;
	}
	if (cb[ENC_IDENTITY].resp == NULL) {
		for (i = 0; i < ENC__MAX; i++)
			if (cb[i].resp != NULL)
				MHD_destroy_response(cb[i].resp);
		return MHD_NO;
	}
	i = encoding_choose(MHD_lookup_connection_value(conn,
	    MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT_ENCODING), have);
	status = fresh_status(conn, cb[i].etag);
	if ((rc = MHD_queue_response(conn, (unsigned int)status,
	    cb[i].resp)) == MHD_YES) {
		sr->status = status;
		sr->bytes = status == MHD_HTTP_OK ? cb[i].bytes : 0;
	}
	cache_put(sr->r.site->cache, cache_key(sr, key), gen, cb);
	return rc;
}

/*
 * Queues r->body with status.  A 200 page that every reader would get
 * identically goes into the page cache, encoded (respond_cached); the
 * same response answers a matching If-None-Match with 304
 * (libmicrohttpd sends no body then).  Any other answer, rendered for
 * one request (?replytocom=, a form with its messages, the admin, an
 * error), goes as it is, uncompressed: encoding is paid once for a page
 * the cache answers again, never for one request; and the admin's pages
 * hold CSRF tokens beside what the user typed, which compression would
 * expose to BREACH-style guessing.
 */
static enum MHD_Result
respond(struct sreq *sr, struct MHD_Connection *conn, int status,
    const char *key, int64_t gen)
{
	struct req		*r = &sr->r;
	char			 etag[35];
	size_t			 len;
	char			*body;
	int			 cache = r->cacheable && status == 200;

	if (r->location != NULL)
		return redirect(sr, conn, status, r->location);
	if (r->body_is_file)
		return respond_file(sr, conn, status);
	/* Rendered meanwhile by another request, and encoded already. */
	if (cache && cached(sr, conn, key, gen))
		return MHD_YES;
	if (cache)		/* once a request: the one miss that rendered */
		metrics_cache(r->site->metrics, 0);
	body = buf_take(&r->body, &len);
	/* no-store: nothing for a client to revalidate, no ETag to hash. */
	if (!cache)
		return queue(sr, conn, status, body_response(r, body, len,
		    ENC_IDENTITY, NULL, 0), len);
	etag_of(body, len, etag);
	if (cache_keeps(r->site->cache, len))
		return respond_cached(sr, conn, key, gen, body, len, etag);
	/* A page too big for the cache is sent as it is, every time. */
	return queue(sr, conn, fresh_status(conn, etag), body_response(r,
	    body, len, ENC_IDENTITY, etag, 1), len);
}

/*
 * Periodic work, queued by the ticker on the work pool, never run inside
 * a reader's request: each pass takes its own connection and request
 * state.  A pass that fails is tried again at the next tick.
 */
struct chore {
	struct server	*srv;
	int		 forget;	/* retention, else scheduled posts */
	atomic_int	*busy;		/* cleared when the pass ends */
	atomic_llong	*next;		/* when the next pass is due */
	atomic_llong	*since;		/* the last look that succeeded */
};

/*
 * Scheduled posts: a post published with a time to come is hidden until
 * then by every query; what must change at that time is the page cache.
 * Every SCHEDULE_SECONDS each node looks for posts whose time came since
 * its last look, and if any did, bumps the data generation, so every
 * node renders its pages afresh.  Privacy retention: every hour each
 * node erases what has outlived privacy_retention_days.  No cron.
 */
static void
chore_run(void *arg)
{
	struct chore	*ch = arg;
	struct req	 r;
	int64_t		 n = 0, now = (int64_t)time(NULL);
	int64_t		 since = atomic_load(ch->since);
	int		 rc = STORE_DOWN;

	memset(&r, 0, sizeof(r));
	arena_init(&r.arena);
	r.site = ch->srv->site;
	r.now = now;
	r.fresh = 1;
	if ((r.conn = store_conn_get(r.site->store)) != NULL) {
		struct env	 e = page_env(&r);

		if (ch->forget)
			rc = comment_forget_old(&e);
		else if ((rc = store_scheduled_due(r.conn, since,
		    now, &n)) == STORE_OK && n > 0)
			rc = store_generation_bump(r.conn);
		store_conn_put(r.site->store, r.conn);
	}
	if (rc != STORE_OK)		/* try again at the next tick */
		atomic_store(ch->next, 0);
	else
		atomic_store(ch->since, now);
	metrics_chore(r.site->metrics, ch->forget ? MC_RETENTION :
	    MC_SCHEDULE, rc == STORE_OK);
	theme_drop(r.theme);
	arena_free(&r.arena);
	atomic_store(ch->busy, 0);
	free(ch);
}

/* Queues a pass of a chore when it is due and none is running. */
static void
chore_due(struct server *srv, int forget, atomic_int *busy, atomic_llong *next,
    atomic_llong *since, int64_t now, int every)
{
	struct chore	*ch;

	if (now < atomic_load(next) || atomic_exchange(busy, 1))
		return;
	ch = xcalloc(1, sizeof(*ch));
	*ch = (struct chore){ srv, forget, busy, next, since };
	atomic_store(next, now + every);
	if (work_add(srv->work, chore_run, ch) == -1) {
		free(ch);
		atomic_store(next, 0);
		atomic_store(busy, 0);
	}
}

/* Answers held back (r->delay_ms) whose time came go out. */
static void
release_held(struct server *srv, int64_t now_ms, int all)
{
	struct sreq	**p, *sr;

	pthread_mutex_lock(&srv->held_lock);
	for (p = &srv->held; (sr = *p) != NULL;) {
		if (all || sr->release_ms <= now_ms) {
			*p = sr->next_held;
			MHD_resume_connection(sr->r.http);
		} else
			p = &sr->next_held;
	}
	pthread_mutex_unlock(&srv->held_lock);
}

/*
 * The ticker: every TICK_MS it drops connections that missed their
 * deadlines, sends answers whose time came, and queues periodic work.
 */
/*
 * Gives free heap back to the system once the server goes quiet (a tick
 * without a new request), or every TRIM_SECONDS under load.  Freed pages
 * inside glibc's heaps stay resident otherwise: pages and page-cache
 * entries of every size leave holes, and a walk over 1,500 pages of a
 * large site left 59 MiB resident where 40 were in use.
 */
static void
trim_due(struct server *srv, unsigned long *seen, unsigned long *trimmed,
    int64_t *last, int64_t now)
{
	unsigned long	 n = atomic_load_explicit(&srv->requests,
			    memory_order_relaxed);

	if (n != *trimmed && (n == *seen || now - *last >= TRIM_SECONDS)) {
		malloc_trim(0);
		*trimmed = n;
		*last = now;
	}
	*seen = n;
}

static void	health_due(struct server *, int64_t now_ms);

static void *
ticker(void *arg)
{
	struct server	*srv = arg;
	atomic_int	 forgetting = 0, scheduling = 0;
	atomic_llong	 next_forget, next_schedule, since, unused;
	int64_t		 now = (int64_t)time(NULL), trim_last = now;
	unsigned long	 seen = 0, trimmed = 0;

	atomic_init(&since, (long long)now);
	atomic_init(&unused, 0);
	atomic_init(&next_forget, (long long)(now + FORGET_FIRST));
	atomic_init(&next_schedule, (long long)(now + SCHEDULE_SECONDS));
	while (!atomic_load(&srv->stopping)) {
		usleep(TICK_MS * 1000);
		clients_reap(srv->clients, clock_ms());
		release_held(srv, clock_ms(), 0);
		now = (int64_t)time(NULL);
		chore_due(srv, 0, &scheduling, &next_schedule, &since, now,
		    SCHEDULE_SECONDS);
		chore_due(srv, 1, &forgetting, &next_forget, &unused, now,
		    FORGET_SECONDS);
		trim_due(srv, &seen, &trimmed, &trim_last, now);
		health_due(srv, clock_ms());
	}
	/* Let the chores queued last finish before the pool goes. */
	while (atomic_load(&forgetting) || atomic_load(&scheduling) ||
	    atomic_load(&srv->probing))
		usleep(10000);
	return NULL;
}

/*
 * The generation from the database, after the store gave no hint; noted,
 * so that the store can hint it until the data changes (SQLite's WAL
 * header; PostgreSQL's watcher only moves forward).
 */
static int
generation_asked(struct req *r, int64_t *gen)
{
	int	 rc;

	if ((rc = store_generation(r->conn, gen)) == STORE_OK)
		store_generation_note(r->site->store, *gen);
	return rc;
}

/*
 * Renders and queues the page for r->route; the database connection is
 * taken here and given back as soon as the response is queued, so a
 * client that reads slowly holds no connection.
 */
static enum MHD_Result
render(struct sreq *sr, struct MHD_Connection *conn, const char *url,
    int64_t gen, int hinted)
{
	struct req	*r = &sr->r;
	enum MHD_Result	 rc;
	int		 status = 404, known;
	size_t		 i;

	page_view_arena(&r->arena);
	known = (r->conn = store_conn_get(r->site->store)) != NULL &&
	    (hinted || generation_asked(r, &gen) == STORE_OK);
	/* The settings' snapshot follows the page's generation, asked once. */
	if (known) {
		r->gen = gen;
		r->gen_known = 1;
	}
	if (!known)
		rc = respond(sr, conn, page_error(r, 503), url, 0);
	else if (!hinted && cached(sr, conn, url, gen))
		rc = MHD_YES;
	else if (r->route.kind == ROUTE_NONE) {
		/* Only a miss asks the redirect table. */
		if ((status = page_moved(r, url)) != 301)
			status = page_notfound(r);
		rc = respond(sr, conn, status, url, gen);
	} else {
		for (i = 0; i < sizeof(routes) / sizeof(routes[0]); i++)
			if (routes[i].kind == r->route.kind)
				status = r->route.feed != FEED_NONE ?
				    page_feed(r) : routes[i].fn(r);
		if (status == 404) {
			r->cacheable = 0;	/* unbounded keys */
			if (page_moved(r, url) == 301)
				status = 301;
		}
		rc = respond(sr, conn, status, url, gen);
	}
	page_view_arena(NULL);
	store_conn_put(r->site->store, r->conn);
	r->conn = NULL;
	return rc;
}

/*
 * WordPress's query forms of an address (page_query.c): never cached,
 * always looked up.  On the front page every one; ?feed= on any page
 * that has a feed.
 */
static const char *const query_forms[] = { "feed", "p", "page_id",
    "attachment_id", "cat", "tag", "author", "m", "year" };

/* The query form the request uses, or NULL; its value in *value. */
static const char *
query_form(const struct route *rt, struct MHD_Connection *conn,
    const char **value)
{
	size_t	 i, n = 0;

	if ((rt->kind == ROUTE_HOME && rt->page <= 1 &&
	    rt->feed == FEED_NONE))
		n = sizeof(query_forms) / sizeof(query_forms[0]);
	else if (rt->feed == FEED_NONE && (rt->kind == ROUTE_CATEGORY ||
	    rt->kind == ROUTE_TAG || rt->kind == ROUTE_AUTHOR ||
	    rt->kind == ROUTE_DATE || rt->kind == ROUTE_POST))
		n = 1;
	for (i = 0; i < n; i++)
		if ((*value = MHD_lookup_connection_value(conn,
		    MHD_GET_ARGUMENT_KIND, query_forms[i])) != NULL)
			return query_forms[i];
	return NULL;
}

static enum MHD_Result
serve_query_form(struct sreq *sr, struct MHD_Connection *conn, const char *url,
    const char *name, const char *value)
{
	struct req	*r = &sr->r;
	int		 status;

	r->cacheable = 0;
	if ((r->conn = store_conn_get(r->site->store)) == NULL)
		return respond(sr, conn, page_error(r, 503), url, 0);
	status = page_query_form(r, name, value);
	store_conn_put(r->site->store, r->conn);
	r->conn = NULL;
	if (status == 301)	/* the query was the old address: not kept */
		return redirect_plain(sr, conn, 301, r->location, NULL);
	return respond(sr, conn, status, url, 0);
}

static enum MHD_Result
serve_page(struct sreq *sr, struct MHD_Connection *conn, const char *url)
{
	struct req	*r = &sr->r;
	struct buf	 canon;
	const char	*v, *form;
	int64_t		 gen = 0;
	int		 hinted;

	/*
	 * Pages are cached by path alone, so ?utm_source=... costs no
	 * render; only the arguments of vary_args make a page of its own.
	 */
	r->cacheable = !req_varies(conn);
	if ((form = query_form(&r->route, conn, &v)) != NULL)
		return serve_query_form(sr, conn, url, form, v);
	/*
	 * Search results are rendered for each request and never kept:
	 * a cache entry per query would let anyone fill the cache.
	 * WordPress's /?s=words (and /page/N/?s=) is the search, where it
	 * was asked: no redirect.
	 */
	if (r->route.kind == ROUTE_HOME && (v = MHD_lookup_connection_value(
	    conn, MHD_GET_ARGUMENT_KIND, "s")) != NULL) {
		r->route.kind = ROUTE_SEARCH;
		url_search_text(r->route.slug, v, strlen(v));
		r->cacheable = 0;
		return render(sr, conn, url, 0, 0);
	}
	if (r->route.kind == ROUTE_SEARCH)
		r->cacheable = 0;
	if (r->route.kind != ROUTE_NONE) {
		buf_init(&canon);
		url_route(&canon, &r->route);
		if (!url_same(canon.data, url))
			r->location = arena_strdup(&r->arena, canon.data);
		buf_reset(&canon);
		if (r->location != NULL)
			return redirect(sr, conn, MHD_HTTP_MOVED_PERMANENTLY,
			    r->location);
	}
	/* With a watcher (PostgreSQL), a hit needs no database at all. */
	hinted = store_generation_hint(r->site->store, &gen);
	if (hinted && cached(sr, conn, url, gen))
		return MHD_YES;
	return render(sr, conn, url, gen, hinted);
}

static enum MHD_Result
method_not_allowed(struct sreq *sr, struct MHD_Connection *conn)
{
	static const char	 msg[] = "Method not allowed\n";
	struct MHD_Response	*resp;

	resp = MHD_create_response_from_buffer(sizeof(msg) - 1, (void *)msg,
	    MHD_RESPMEM_PERSISTENT);
	MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW,
	    sr->act != NULL && !(sr->act->flags & ACT_GET) ? "POST" :
	    sr->act != NULL && (sr->act->flags & ACT_POST) ? "GET, HEAD, POST" :
	    "GET, HEAD");
	add_headers(resp, "text/plain; charset=utf-8", "no-store");
	return queue(sr, conn, MHD_HTTP_METHOD_NOT_ALLOWED, resp,
	    sizeof(msg) - 1);
}

/* A header's value, cut at 400 bytes, copied into sr's arena; or NULL. */
static const char *
log_header(struct sreq *sr, struct MHD_Connection *conn, const char *name)
{
	const char	*v = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
	    name);

	return v != NULL ? arena_strndup(&sr->r.arena, v, strnlen(v, 400)) :
	    NULL;
}

/*
 * What the log line needs from the head, kept while the connection's
 * memory holds it: the client (behind a trusted proxy, the address it
 * forwards for), the referer and the user agent.
 */
static void
log_head(struct sreq *sr, struct MHD_Connection *conn)
{
	sr->addr = req_client(&sr->r, conn, req_peer(&sr->r, conn));
	sr->referer = log_header(sr, conn, MHD_HTTP_HEADER_REFERER);
	sr->agent = log_header(sr, conn, MHD_HTTP_HEADER_USER_AGENT);
}

/* Sets up the request on libmicrohttpd's first call for it. */
static struct sreq *
sreq_new(struct server *srv, struct MHD_Connection *conn, const char *method,
    const char *url)
{
	struct sreq	*sr = xcalloc(1, sizeof(*sr));

	sr->srv = srv;
	clock_gettime(CLOCK_MONOTONIC, &sr->start);
	atomic_fetch_add(&srv->inflight, 1);
	atomic_fetch_add_explicit(&srv->requests, 1, memory_order_relaxed);
	arena_init(&sr->r.arena);
	buf_init(&sr->r.body);
	sr->r.site = srv->site;
	sr->r.now = (int64_t)time(NULL);
	sr->r.http = conn;
	sr->method = arena_strdup(&sr->r.arena, method);
	sr->path = arena_strdup(&sr->r.arena, url);
	log_head(sr, conn);
	return sr;
}

static enum MHD_Result	finish(struct sreq *, struct MHD_Connection *, int);

/*
 * For an admin POST other than the login: returns 1 if the request
 * carries a live session, else 0 with the answer queued in *rc (a 303
 * to the login page, or a 503).  Only reads: this runs on an HTTP
 * thread; the session's last use is written by the task.
 */
static int
admin_gate(struct sreq *sr, struct MHD_Connection *conn, enum MHD_Result *rc)
{
	struct req	*r = &sr->r;
	struct env	 env;
	struct buf	 b;
	int		 live;

	if ((r->conn = store_conn_get(r->site->store)) == NULL) {
		*rc = respond(sr, conn, page_error(r, 503), sr->path, 0);
		return 0;
	}
	r->session_cookie = MHD_lookup_connection_value(conn, MHD_COOKIE_KIND,
	    AUTH_COOKIE);
	env = (struct env){ r->site, r->conn, &r->arena, NULL, r->now };
	live = auth_session_live(&env, r->session_cookie);
	store_conn_put(r->site->store, r->conn);
	r->conn = NULL;
	if (live)
		return 1;
	r->cacheable = 0;
	buf_init(&b);
	url_admin(&b, r->route.slug);
	r->location = arena_printf(&r->arena, "/admin/login/?next=%s", b.data);
	buf_reset(&b);
	*rc = finish(sr, conn, 303);
	return 0;
}


/* A body up to this declares itself small: a vote, a comment's text. */
#define SMALL_BODY	(64 * 1024)

/*
 * Takes a place for sr's body, for its client's address, in one of
 * three budgets: the login's; small bodies' (up to SMALL_BODY declared),
 * so that uploads, however slow, never keep a vote or a text comment
 * out; or big bodies'.  Returns 1, or 0 with the refusal queued in *rc:
 * 429 when the address holds all it may, 503 when every place is
 * taken; both say when to come back.
 */
static int
take_slot(struct sreq *sr, struct MHD_Connection *conn,
    unsigned long long declared, enum MHD_Result *rc)
{
	struct req	*r = &sr->r;
	struct slots	*sl;
	const char	*ip;
	int		 got;

	if (sr->act->flags & ACT_LOGIN)
		sl = sr->srv->logins;
	else
		sl = declared <= SMALL_BODY ? sr->srv->smalls : sr->srv->posts;
	ip = req_client(r, conn, req_peer(r, conn));
	if ((got = slots_take(sl, ip)) == SLOT_OK) {
		sr->slot = sl;
		sr->slot_ip = ip;
		return 1;
	}
	r->retry_after = 10;
	*rc = respond(sr, conn, page_error(r, got == SLOT_MINE_FULL ? 429 :
	    503), sr->path, 0);
	return 0;
}

/*
 * Gives sr's place back: a login's once its body is in (a held-back
 * answer must not keep the owner out), any other when the request ends,
 * since its body stays in memory until then.
 */
static void
give_slot(struct sreq *sr)
{
	if (sr->slot != NULL)
		slots_put(sr->slot, sr->slot_ip);
	sr->slot = NULL;
}

/*
 * Sets sr->body_max, the most a body of its action may bring (its own
 * limit, or comment_max_bytes).  Returns 0; or -1 with a 413 (or 503)
 * queued in *rc when declared is past four times that: bodies up to it
 * are read and dropped, so the reader gets a 413 page rather than a
 * reset connection, and bigger ones are never read.
 */
static int
body_limit(struct sreq *sr, struct MHD_Connection *conn,
    unsigned long long declared, enum MHD_Result *rc)
{
	struct req	*r = &sr->r;

	if ((r->conn = store_conn_get(r->site->store)) == NULL) {
		*rc = respond(sr, conn, page_error(r, 503), sr->path, 0);
		return -1;
	}
	sr->body_max = sr->act->limit != 0 ? sr->act->limit :
	    (size_t)set_int(page_settings(r), SET_COMMENT_MAX_BYTES);
	if (declared > 4ULL * sr->body_max)
		*rc = respond(sr, conn, page_too_large(r), sr->path, 0);
	store_conn_put(r->site->store, r->conn);
	r->conn = NULL;
	return declared > 4ULL * sr->body_max ? -1 : 0;
}

/*
 * First call of a POST to an action: behind ACT_GATE a live session
 * first (big bodies are for the signed-in only: none is read before);
 * then a body place, and the declared size against the limit before
 * anything is read; then the form reader (the action's fields, or any
 * field), or a raw buffer for a JSON body where the action takes one.
 */
static enum MHD_Result
post_begin(struct sreq *sr, struct MHD_Connection *conn)
{
	const struct action	*act = sr->act;
	const char		*cl, *type;
	unsigned long long	 declared = 0;
	enum MHD_Result		 rc = MHD_NO;

	if ((act->flags & ACT_GATE) && !admin_gate(sr, conn, &rc))
		return rc;
	/* head.c let through only one length, and all digits. */
	if ((cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_CONTENT_LENGTH)) != NULL)
		declared = strtoull(cl, NULL, 10);
	if (!take_slot(sr, conn, declared, &rc) ||
	    body_limit(sr, conn, declared, &rc) == -1)
		return rc;
	type = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_CONTENT_TYPE);
	sr->json = (act->flags & ACT_JSON) && type != NULL &&
	    strncasecmp(type, "application/json", 16) == 0;
	buf_init(&sr->raw);
	if (declared > sr->body_max)
		sr->body_bad = 413;
	else if (!sr->json && form_begin(&sr->form, conn, act->fields,
	    act->fields != NULL ? act->nfields : act->field_max) == -1)
		sr->body_bad = 400;
	sr->posting = 1;
	return MHD_YES;
}

static void
post_feed(struct sreq *sr, const char *data, size_t len)
{
	sr->body_bytes += len;
	if (sr->body_bad)
		return;
	if (sr->body_bytes > sr->body_max)
		sr->body_bad = 413;
	else if (sr->json)
		buf_write(data, len, &sr->raw);
	else if (form_feed(&sr->form, data, len) == -1)
		sr->body_bad = 400;
}

/*
 * Answers a request that is never cached: the redirect it set (with its
 * cookie), or its body; then gives its database connection back.
 */
static enum MHD_Result
finish(struct sreq *sr, struct MHD_Connection *conn, int status)
{
	struct req	*r = &sr->r;
	enum MHD_Result	 rc;

	if (r->location != NULL)
		rc = redirect_plain(sr, conn, status, r->location, r->cookie);
	else
		rc = respond(sr, conn, status, sr->path, 0);
	store_conn_put(r->site->store, r->conn);
	r->conn = NULL;
	return rc;
}

/* A JSON value as text in the arena: a string as is, a number printed. */
static const char *
json_text(struct req *r, json_t *o, const char *key)
{
	json_t	*v = json_object_get(o, key);

	if (json_is_string(v))
		return arena_strdup(&r->arena, json_string_value(v));
	if (json_is_integer(v))
		return arena_printf(&r->arena, "%lld",
		    (long long)json_integer_value(v));
	return NULL;
}

/* A body that could not be read is answered before any handler. */
static int
body_refused(struct sreq *sr)
{
	if (sr->body_bad == 413)
		return page_too_large(&sr->r);
	return page_bad_form(&sr->r);
}

/* POST /votes: the fields from the form, or from a JSON object. */
static int
vote_task(struct sreq *sr, struct MHD_Connection *conn)
{
	struct req	*r = &sr->r;
	const char	*accept = MHD_lookup_connection_value(conn,
	    MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT);
	int		 json = sr->json || (accept != NULL &&
	    strstr(accept, "application/json") != NULL);
	json_t		*o;
	int		 status;

	if (sr->body_bad)
		return body_refused(sr);
	if (!sr->json)
		return page_vote_post(r, form_get(&sr->form, "type", NULL,
		    NULL), form_get(&sr->form, "id", NULL, NULL),
		    form_get(&sr->form, "value", NULL, NULL), json);
	o = json_loadb(sr->raw.data ? sr->raw.data : "", sr->raw.len, 0, NULL);
	status = page_vote_post(r, json_text(r, o, "type"),
	    json_text(r, o, "id"), json_text(r, o, "value"), 1);
	json_decref(o);
	return status;
}

/* POST /comments: a task for the pool. */
static int
comment_task(struct sreq *sr, struct MHD_Connection *conn)
{
	(void)conn;
	if (sr->body_bad)
		return body_refused(sr);
	return page_comment_post(&sr->r, &sr->form);
}

/*
 * /mail/WHAT?t=TOKEN, a link in a reader's mail (page_mail.c): the
 * token comes from the URL for GET and POST alike, since a mail
 * client's one-click POST (RFC 8058) sends it nowhere else.  The body
 * says nothing more, so it is not read, and one that does not parse is
 * no reason to refuse.
 */
static int
mail_task(struct sreq *sr, struct MHD_Connection *conn)
{
	return page_mail(&sr->r, sr->path + strlen("/mail/"),
	    MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "t"),
	    sr->posting);
}

/*
 * /admin/...: never cached, rendered for the signed-in user (or a
 * redirect to the login page); a task for the pool, since reading a
 * session may write its last use, and a login hashes a password.
 */
static int
admin_task(struct sreq *sr, struct MHD_Connection *conn)
{
	(void)conn;
	sr->r.cacheable = 0;
	if (sr->body_bad)
		return body_refused(sr);
	return page_admin(&sr->r, sr->posting ? &sr->form : NULL);
}

/*
 * Runs sr's task on a worker, with a database connection of its own and
 * the request's context; the connection to the client stays suspended
 * meanwhile, so no HTTP thread waits on what the task waits on.  Then
 * the client's connection is resumed, at once or when an answer held
 * back (r->delay_ms) is due, and handle() queues the answer.
 */
static void
run_job(void *arg)
{
	struct sreq	*sr = arg;
	struct req	*r = &sr->r;
	struct server	*srv = sr->srv;

	if ((r->conn = store_conn_get(r->site->store)) == NULL)
		sr->answer = page_error(r, 503);
	else {
		/* Not the snapshot the body's limit was read from. */
		r->fresh = 1;
		r->set = NULL;
		r->gen_known = 0;
		req_context(r, r->http);
		sr->answer = sr->task(sr, r->http);
	}
	store_conn_put(r->site->store, r->conn);
	r->conn = NULL;
	sr->job = JOB_DONE;
	if (r->delay_ms <= 0 || atomic_load(&srv->stopping)) {
		MHD_resume_connection(r->http);
		return;
	}
	pthread_mutex_lock(&srv->held_lock);
	sr->release_ms = clock_ms() + r->delay_ms;
	sr->next_held = srv->held;
	srv->held = sr;
	pthread_mutex_unlock(&srv->held_lock);
}

/*
 * Hands task to the work pool and suspends the connection until it is
 * done.  A full queue is answered 503 with Retry-After, through the same
 * resume, so there is one way back.
 */
static enum MHD_Result
start_job(struct sreq *sr, struct MHD_Connection *conn,
    int (*task)(struct sreq *, struct MHD_Connection *))
{
	sr->task = task;
	sr->job = JOB_RUNNING;
	MHD_suspend_connection(conn);
	if (work_add(sr->srv->work, run_job, sr) == 0)
		return MHD_YES;
	sr->r.retry_after = 5;
	sr->answer = page_error(&sr->r, 503);
	sr->job = JOB_DONE;
	MHD_resume_connection(conn);
	return MHD_YES;
}

/*
 * GET /comments/stamp?post=N: a fresh time stamp for post N's comment
 * form.  The page's script asks for it, because the page itself may
 * come from the cache with the stamp of the moment it was rendered.
 */
static enum MHD_Result
serve_stamp(struct sreq *sr, struct MHD_Connection *conn)
{
	/* The stamp needs the secret and the time: no database. */
	struct env		 e = { sr->r.site, NULL, &sr->r.arena, NULL,
	    sr->r.now };
	struct MHD_Response	*resp;
	const char		*arg, *stamp;
	long long		 post;

	arg = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "post");
	post = arg != NULL ? strtoll(arg, NULL, 10) : 0;
	stamp = post > 0 ? comment_stamp(&e, post) : "no such post\n";
	resp = MHD_create_response_from_buffer(strlen(stamp), (void *)stamp,
	    MHD_RESPMEM_MUST_COPY);
	if (resp == NULL)
		return MHD_NO;
	add_headers(resp, "text/plain; charset=utf-8", "no-store");
	return queue(sr, conn, post > 0 ? MHD_HTTP_OK : MHD_HTTP_NOT_FOUND,
	    resp, strlen(stamp));
}

/*
 * What /healthz found, packed in one word so that a reader never sees
 * half of one probe and half of another: the kind in the low 4 bits,
 * then 28 bits of detail (the schema version, or a store_rc), then the
 * latest schema this binary knows.
 */
enum health {
	HEALTH_OK,
	HEALTH_DOWN,		/* detail: the store_rc */
	HEALTH_BUSY,		/* every connection lent */
	HEALTH_BEHIND,		/* detail: the database's schema */
	HEALTH_AHEAD		/* likewise */
};

#define HEALTH_EVERY_MS	1000	/* how often the ticker has one probe */
#define HEALTH_STALE_MS	3000	/* a result older says "not answering" */

static long long
health_word(enum health kind, int64_t detail, int64_t latest)
{
	return (long long)kind | (long long)(detail & 0xfffffff) << 4 |
	    (long long)latest << 32;
}

/*
 * Probes the database for /healthz: a connection taken without waiting
 * and one trivial query, the schema version, against the binary's own.
 */
static long long
health_probe(struct store *st)
{
	struct store_conn	*c;
	struct pool_stats	 ps;
	int64_t			 v = 0, latest = 0;
	int			 rc;

	if ((c = store_conn_try(st)) == NULL) {
		/* None idle and none opened: all lent, or none opens. */
		store_pool_stats(st, &ps);
		return ps.open >= ps.max ? health_word(HEALTH_BUSY, 0, 0) :
		    health_word(HEALTH_DOWN, STORE_DOWN, 0);
	}
	rc = store_schema_version(c, &v, &latest);
	store_conn_put(st, c);
	if (rc != STORE_OK)
		return health_word(HEALTH_DOWN, rc, latest);
	return health_word(v < latest ? HEALTH_BEHIND : v > latest ?
	    HEALTH_AHEAD : HEALTH_OK, v, latest);
}

/* The sentence a word says, into out; its status. */
static int
health_text(long long w, char *out, size_t len)
{
	int	 detail = (int)(w >> 4 & 0xfffffff), latest = (int)(w >> 32);

	switch ((enum health)(w & 0xf)) {
	case HEALTH_OK:
		snprintf(out, len, "ok: database reachable, schema %d\n",
		    detail);
		return MHD_HTTP_OK;
	case HEALTH_DOWN:
		snprintf(out, len, "database unreachable: %s\n",
		    store_rc_name(detail));
		break;
	case HEALTH_BUSY:
		snprintf(out, len, "database busy: every connection in use"
		    " for over %d ms\n", HEALTH_STALE_MS);
		break;
	case HEALTH_BEHIND:
		snprintf(out, len, "migrations pending: database schema %d,"
		    " this galley's %d (galley serve applies them at start)\n",
		    detail, latest);
		break;
	case HEALTH_AHEAD:
		snprintf(out, len, "database schema %d is newer than this"
		    " galley (%d): run the galley that migrated it\n", detail,
		    latest);
		break;
	}
	return MHD_HTTP_SERVICE_UNAVAILABLE;
}

/*
 * Keeps a probe's word w, found at now (ms): a busy pool (no connection
 * to spare) does not replace a real answer until that is stale.
 */
static void
health_keep(struct server *srv, long long w, int64_t now)
{
	if ((w & 0xf) == HEALTH_BUSY && now - atomic_load(&srv->health_ms) <=
	    HEALTH_STALE_MS)
		return;
	atomic_store(&srv->health, w);
	atomic_store(&srv->health_ms, now);
}

/* One probe, on the work pool: a connect may take libpq's timeout. */
static void
health_run(void *arg)
{
	struct server	*srv = arg;

	health_keep(srv, health_probe(srv->site->store), clock_ms());
	atomic_store(&srv->probing, 0);
}

/* The ticker's: a probe every HEALTH_EVERY_MS, one at a time. */
static void
health_due(struct server *srv, int64_t now_ms)
{
	if (now_ms - atomic_load(&srv->health_ms) < HEALTH_EVERY_MS ||
	    atomic_exchange(&srv->probing, 1))
		return;
	if (work_add(srv->work, health_run, srv) == -1)
		atomic_store(&srv->probing, 0);
}

/*
 * GET /healthz: 200 when the database answers and its schema is this
 * binary's, else 503 saying why; for a load balancer or a supervisor.
 * No page, no page cache, no query and no wait on the request path: it
 * answers what the last probe found (health_due), or, when no probe has
 * come back for HEALTH_STALE_MS (a database host that stopped
 * answering holds its connect until libpq gives up), that.
 */
static enum MHD_Result
serve_health(struct sreq *sr, struct MHD_Connection *conn)
{
	struct server		*srv = sr->srv;
	struct MHD_Response	*resp;
	long long		 w = atomic_load(&srv->health);
	int64_t			 age = clock_ms() -
				    atomic_load(&srv->health_ms);
	char			 msg[200];
	int			 status;

	if (age > HEALTH_STALE_MS) {
		snprintf(msg, sizeof(msg), "database not answering: no probe"
		    " has come back for %lld ms\n", (long long)age);
		status = MHD_HTTP_SERVICE_UNAVAILABLE;
	} else
		status = health_text(w, msg, sizeof(msg));
	resp = MHD_create_response_from_buffer(strlen(msg), msg,
	    MHD_RESPMEM_MUST_COPY);
	if (resp == NULL)
		return MHD_NO;
	add_headers(resp, "text/plain; charset=utf-8", "no-store");
	return queue(sr, conn, status, resp, strlen(msg));
}

/* The comment form's fields and the most bytes each may bring. */
static const struct form_field comment_fields[] = {
	{ "post", 20 },
	{ "parent", 20 },
	{ "author", 400 },		/* 100 characters of up to 4 bytes */
	{ "email", 254 },
	{ "url", 2000 },
	{ "comment", 80000 },		/* 20,000 characters */
	{ "image", 8 * 1024 * 1024 },
	{ "remember", 16 },
	{ "stamp", 64 },		/* comment_stamp: TIME.MAC */
	{ "company", 200 },		/* the honeypot */
	{ "notify", 16 },		/* "Notify me of replies" */
};

/* A mail link's POST: RFC 8058's one field, read by no one. */
static const struct form_field mail_fields[] = {
	{ "List-Unsubscribe", 16 },
};

/* The vote form's fields (POST /votes). */
static const struct form_field vote_fields[] = {
	{ "type", 16 },
	{ "id", 24 },
	{ "value", 16 },
};


#define VOTE_BODY_MAX	4096		/* a vote, form or JSON */
#define MAIL_BODY_MAX	4096		/* a mail link's button */
#define ADMIN_BODY_MAX	(10 << 20)	/* an admin form (a picture) */
#define ADMIN_FIELD_MAX	(9 << 20)	/* one of its fields */
#define ADMIN_LOGIN_MAX	8192		/* the login form */
#define WXR_MAX		(64 << 20)	/* a WordPress export, Tools -> Import */

/* Tools' form: a WXR file, which action, the CSRF token. */
static const struct form_field tools_fields[] = {
	{ "csrf", 200 },
	{ "action", 16 },
	{ "wxr", WXR_MAX },
};

/*
 * The routes that are not pages, one row each; the first that matches
 * wins.  A new action is one row and one handler.
 */
static const struct action actions[] = {
	{ "/comments", ACT_POST, 0, comment_fields,
	    sizeof(comment_fields) / sizeof(comment_fields[0]), 0,
	    comment_task, NULL },
	{ "/comments/stamp", ACT_GET, 0, NULL, 0, 0, NULL, serve_stamp },
	{ "/healthz", ACT_GET, 0, NULL, 0, 0, NULL, serve_health },
	{ "/votes", ACT_POST | ACT_JSON, VOTE_BODY_MAX, vote_fields,
	    sizeof(vote_fields) / sizeof(vote_fields[0]), 0, vote_task,
	    NULL },
	/* Each its own path: a page of the site may be called /mail/. */
	{ "/mail/confirm", ACT_GET | ACT_POST, MAIL_BODY_MAX, mail_fields,
	    sizeof(mail_fields) / sizeof(mail_fields[0]), 0, mail_task, NULL },
	{ "/mail/unsubscribe", ACT_GET | ACT_POST, MAIL_BODY_MAX, mail_fields,
	    sizeof(mail_fields) / sizeof(mail_fields[0]), 0, mail_task, NULL },
	{ "/mail/stop", ACT_GET | ACT_POST, MAIL_BODY_MAX, mail_fields,
	    sizeof(mail_fields) / sizeof(mail_fields[0]), 0, mail_task, NULL },
	{ "/admin/login/", ACT_GET | ACT_POST | ACT_LOGIN, ADMIN_LOGIN_MAX,
	    NULL, 0, ADMIN_FIELD_MAX, admin_task, NULL },
	/* A lost password's pages: no session either, small forms. */
	{ "/admin/lost/", ACT_GET | ACT_POST | ACT_LOGIN, ADMIN_LOGIN_MAX,
	    NULL, 0, ADMIN_FIELD_MAX, admin_task, NULL },
	{ "/admin/reset/", ACT_GET | ACT_POST | ACT_LOGIN, ADMIN_LOGIN_MAX,
	    NULL, 0, ADMIN_FIELD_MAX, admin_task, NULL },
	{ "/admin/tools/", ACT_GET | ACT_POST | ACT_GATE, WXR_MAX + 65536,
	    tools_fields, sizeof(tools_fields) / sizeof(tools_fields[0]), 0,
	    admin_task, NULL },
	{ "/admin/", ACT_GET | ACT_POST | ACT_PREFIX | ACT_GATE,
	    ADMIN_BODY_MAX, NULL, 0, ADMIN_FIELD_MAX, admin_task, NULL },
	{ "/admin", ACT_GET | ACT_POST | ACT_GATE, ADMIN_BODY_MAX, NULL, 0,
	    ADMIN_FIELD_MAX, admin_task, NULL },
};

/* The action at url, or NULL: a page. */
static const struct action *
action_of(const char *url)
{
	size_t	 i, n;

	for (i = 0; i < sizeof(actions) / sizeof(actions[0]); i++) {
		n = strlen(actions[i].path);
		if ((actions[i].flags & ACT_PREFIX) ?
		    strncmp(url, actions[i].path, n) == 0 :
		    strcmp(url, actions[i].path) == 0)
			return &actions[i];
	}
	return NULL;
}

/*
 * Returns 1 if libmicrohttpd parsed key and value from one line as it
 * stands: the value just after the name's NUL (its colon) and blanks.
 * libmicrohttpd 0.9.75 joins a continuation line to a copy of the name
 * elsewhere in the connection's memory pool, so a folded header's name
 * no longer stands before its value.  Bytes between the two are read
 * only when they lie a few bytes apart, within the one pool.
 */
static int
one_line(const char *key, size_t key_size, const char *value)
{
	const char	*p = key + key_size + 1;

	if (key[key_size] != '\0' || value < p || value > p + 64)
		return 0;
	for (; p < value; p++)
		if (*p != ' ' && *p != '\t')
			return 0;
	return 1;
}

/* Adds one header to the head being checked (head.h). */
static enum MHD_Result
head_header(void *cls, enum MHD_ValueKind kind, const char *key,
    size_t key_size, const char *value, size_t value_size)
{
	(void)kind;
	if (value == NULL) {
		head_add(cls, key, key_size, "", 0);
		return MHD_YES;
	}
	if (!one_line(key, key_size, value))
		head_fold(cls);
	head_add(cls, key, key_size, value, value_size);
	return MHD_YES;
}

/*
 * A head that could be read two ways, or not at all: refused with
 * status, and the connection closed, so no byte after it is read as a
 * request of its own.
 */
static enum MHD_Result
refuse(struct sreq *sr, struct MHD_Connection *conn, int status)
{
	struct MHD_Response	*resp;
	char			 msg[80];
	int			 n;

	n = snprintf(msg, sizeof(msg), "%d %s\n", status, head_reason(status));
	resp = MHD_create_response_from_buffer((size_t)n, msg,
	    MHD_RESPMEM_MUST_COPY);
	if (resp == NULL)
		return MHD_NO;
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION, "close");
	add_headers(resp, "text/plain; charset=utf-8", "no-store");
	return queue(sr, conn, status, resp, (size_t)n);
}

/* The connection's deadlines (client.h), set when it opened. */
static struct client *
client_of(struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo	*ci;

	ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	return ci != NULL ? ci->socket_context : NULL;
}

/*
 * libmicrohttpd's first call for a request: its head is in.  The head
 * is checked before anything else; then the request is set up, and a
 * POST's body reader with it.  A response queued here, before the whole
 * request is read, would cost the connection its keep-alive, so most
 * requests are answered on a later call.
 */
static enum MHD_Result
first_call(struct server *srv, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, void **con_cls)
{
	struct sreq	*sr;
	struct head	 h;
	int		 status, post = strcmp(method, MHD_HTTP_METHOD_POST) == 0;

	head_init(&h);
	MHD_get_connection_values_n(conn, MHD_HEADER_KIND, head_header, &h);
	status = head_verdict(&h, version);
	*con_cls = sr = sreq_new(srv, conn, method, url);
	sr->version = arena_strndup(&sr->r.arena, version, strnlen(version,
	    16));
	if ((sr->client = client_of(conn)) == NULL)
		return MHD_NO;		/* over its address's bound */
	if (status != 0)
		return refuse(sr, conn, status);
	client_head(srv->clients, sr->client, h.lengths > 0 &&
	    strtoull(h.length, NULL, 10) > 0);
	if ((sr->act = action_of(url)) != NULL && url_parse(url,
	    &sr->r.route) == -1)
		sr->r.route.kind = ROUTE_NONE;
	if (post && sr->act != NULL && (sr->act->flags & ACT_POST))
		return post_begin(sr, conn);
	/* Refused at once: the body is not read, the connection closes. */
	if (post || (strcmp(method, MHD_HTTP_METHOD_GET) != 0 &&
	    strcmp(method, MHD_HTTP_METHOD_HEAD) != 0) ||
	    (sr->act != NULL && !(sr->act->flags & ACT_GET)))
		return method_not_allowed(sr, conn);
	return MHD_YES;
}

static enum MHD_Result
handle(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_size, void **con_cls)
{
	struct server	*srv = cls;
	struct sreq	*sr = *con_cls;

	if (sr == NULL)
		return first_call(srv, conn, url, method, version, con_cls);
	if (*upload_size != 0) {
		client_body(srv->clients, sr->client, *upload_size);
		if (sr->posting)
			post_feed(sr, upload, *upload_size);
		*upload_size = 0;	/* a GET's body is ignored */
		return MHD_YES;
	}
	if (sr->job == JOB_DONE)
		return finish(sr, conn, sr->answer);
	if (sr->job == JOB_RUNNING)
		return MHD_YES;		/* not resumed yet: cannot happen */
	/* The whole request is in. */
	client_body_done(srv->clients, sr->client);
	if (sr->slot == srv->logins)
		give_slot(sr);
	if (sr->act != NULL)
		return sr->act->task != NULL ? start_job(sr, conn,
		    sr->act->task) : sr->act->now(sr, conn);
	if (url_parse(url, &sr->r.route) == -1)
		sr->r.route.kind = ROUTE_NONE;
	if (sr->r.route.kind == ROUTE_THEME && serve_theme(sr, conn) == MHD_YES)
		return MHD_YES;
	if (sr->r.route.kind == ROUTE_MEDIA && serve_media(sr, conn) == MHD_YES)
		return MHD_YES;
	if (sr->r.route.kind == ROUTE_THEME || sr->r.route.kind == ROUTE_MEDIA)
		sr->r.route.kind = ROUTE_NONE;
	return serve_page(sr, conn, url);
}

/*
 * libmicrohttpd's unescaper, replaced: the router sees the path as sent,
 * so a percent-encoded slug (/caf%c3%a9/) matches the slug stored.
 */
static size_t
keep_escaped(void *cls, struct MHD_Connection *conn, char *s)
{
	(void)cls;
	(void)conn;
	return strlen(s);
}

/*
 * Appends s to the log line, bytes outside printable ASCII (and \ and
 * ", which would end a quoted field) as \xHH, as nginx writes them; a
 * space too, unless the field is a quoted one (a referer, a user agent).
 */
static void
log_text(struct buf *b, const char *s, size_t max, int quoted)
{
	size_t	 i;

	for (i = 0; s[i] != '\0' && i < max; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c == ' ' && quoted) || (c > 0x20 && c < 0x7f &&
		    c != '\\' && c != '"'))
			buf_putc(b, (char)c);
		else
			buf_printf(b, "\\x%02x", c);
	}
}

/*
 * The client as the log shows it (log_client): the keyed hash comments
 * keep (sign.h's SIGN_IP), or the address cut to its /24 (IPv4) or /48
 * (IPv6).  The setting is read from the request's snapshot, or the one
 * the site keeps: never a query.
 */
static void
log_client(struct buf *b, struct sreq *sr)
{
	const struct settings	*set = sr->r.set;
	unsigned char		 a[16];
	char			 s[INET6_ADDRSTRLEN];
	int			 v6, cut;

	cut = set != NULL ?
	    strcmp(set_text(set, SET_LOG_CLIENT), "truncate") == 0 :
	    settings_kept_is(sr->r.site->settings, SET_LOG_CLIENT, "truncate");
	if (!cut) {
		buf_puts(b, sign_hex(sr->r.site, &sr->r.arena, SIGN_IP,
		    sr->addr));
		return;
	}
	v6 = strchr(sr->addr, ':') != NULL;
	if (inet_pton(v6 ? AF_INET6 : AF_INET, sr->addr, a) != 1) {
		buf_putc(b, '-');
		return;
	}
	memset(a + (v6 ? 6 : 3), 0, v6 ? 10 : 1);
	inet_ntop(v6 ? AF_INET6 : AF_INET, a, s, sizeof(s));
	buf_puts(b, s);
}

/*
 * One line per request in the combined format (Apache's and nginx's):
 * client - - [time] "request" status bytes "referer" "user-agent",
 * then how long it took and whether it was cut short.
 */
static void
log_line(struct buf *b, struct sreq *sr, long long us, int aborted)
{
	struct tm	 tm;
	time_t		 t = (time_t)sr->r.now;
	char		 when[40];

	gmtime_r(&t, &tm);
	strftime(when, sizeof(when), "%d/%b/%Y:%H:%M:%S +0000", &tm);
	log_client(b, sr);
	buf_printf(b, " - - [%s] \"", when);
	log_text(b, sr->method, 16, 0);
	buf_putc(b, ' ');
	log_text(b, sr->path, 400, 0);
	buf_putc(b, ' ');
	log_text(b, sr->version != NULL ? sr->version : "-", 16, 0);
	buf_printf(b, "\" %d %zu \"", sr->status, sr->bytes);
	log_text(b, sr->referer != NULL ? sr->referer : "-", 400, 1);
	buf_puts(b, "\" \"");
	log_text(b, sr->agent != NULL ? sr->agent : "-", 400, 1);
	buf_printf(b, "\" %lldus%s\n", us, aborted ? " aborted" : "");
}

/* The label route of sr's request, for the metrics. */
static enum metrics_route
route_of(const struct sreq *sr)
{
	static const struct {
		enum route_kind		 kind;
		enum metrics_route	 label;
	} pages[] = {
		{ ROUTE_HOME, MR_HOME }, { ROUTE_POST, MR_ARTICLE },
		{ ROUTE_CATEGORY, MR_ARCHIVE }, { ROUTE_TAG, MR_ARCHIVE },
		{ ROUTE_AUTHOR, MR_ARCHIVE }, { ROUTE_DATE, MR_ARCHIVE },
		{ ROUTE_PAGE, MR_PAGE }, { ROUTE_COMMENTS, MR_FEED },
		{ ROUTE_SITEMAP, MR_SITEMAP }, { ROUTE_ROBOTS, MR_ROBOTS },
		{ ROUTE_SEARCH, MR_SEARCH }, { ROUTE_ICON, MR_ICON },
		{ ROUTE_THEME, MR_THEME }, { ROUTE_MEDIA, MR_MEDIA },
	};
	const struct action	*a = sr->act;
	size_t			 i;

	if (a != NULL)
		return a->now == serve_health ? MR_HEALTH :
		    a->now == serve_stamp ? MR_STAMP :
		    a->task == comment_task ? MR_COMMENT :
		    a->task == vote_task ? MR_VOTE :
		    a->task == mail_task ? MR_MAIL : MR_ADMIN;
	if (sr->r.route.feed != FEED_NONE)
		return MR_FEED;
	for (i = 0; i < sizeof(pages) / sizeof(pages[0]); i++)
		if (pages[i].kind == sr->r.route.kind)
			return pages[i].label;
	return MR_OTHER;
}

static void
completed(void *cls, struct MHD_Connection *conn, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct server	*srv = cls;
	struct sreq	*sr = *con_cls;
	struct timespec	 now;
	struct buf	 line;
	long long	 us;

	(void)conn;
	if (sr == NULL)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	us = (now.tv_sec - sr->start.tv_sec) * 1000000LL +
	    (now.tv_nsec - sr->start.tv_nsec) / 1000;
	/* One write per line, so lines from threads never interleave. */
	buf_init(&line);
	log_line(&line, sr, us, toe != MHD_REQUEST_TERMINATED_COMPLETED_OK);
	if (!line.err)
		(void)write(srv->logfd, line.data, line.len);
	buf_reset(&line);
	metrics_request(srv->site->metrics, route_of(sr), sr->status, us);
	store_conn_put(srv->site->store, sr->r.conn);
	if (sr->posting) {
		form_free(&sr->form);
		buf_reset(&sr->raw);
	}
	give_slot(sr);
	client_idle(srv->clients, sr->client);
	buf_reset(&sr->r.body);
	if (sr->r.body_is_file)		/* never answered */
		close(sr->r.body_fd);
	theme_drop(sr->r.theme);	/* its files are sent */
	arena_free(&sr->r.arena);
	free(sr);
	*con_cls = NULL;
	atomic_fetch_sub(&srv->inflight, 1);
}

/*
 * A connection opened or closed: its deadlines are tracked from the
 * start, and past its address's bound it is shut down at once (trusted
 * proxies carry many readers, so they have none).
 */
static void
connection_note(void *cls, struct MHD_Connection *conn, void **socket_context,
    enum MHD_ConnectionNotificationCode code)
{
	struct server			*srv = cls;
	const union MHD_ConnectionInfo	*ci;
	char				 addr[INET6_ADDRSTRLEN];

	if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
		client_close(srv->clients, *socket_context);
		*socket_context = NULL;
		return;
	}
	ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
	if (ci == NULL)
		return;
	req_addr(conn, addr, sizeof(addr));
	*socket_context = client_open(srv->clients, ci->connect_fd, addr,
	    req_trusted(srv->site, addr, strlen(addr)));
	if (*socket_context == NULL)
		(void)shutdown(ci->connect_fd, SHUT_RDWR);
}

/* Parses "HOST:PORT" or "[V6]:PORT" into a socket address. */
static int
listen_addr(const char *listen, struct sockaddr_storage *ss, socklen_t *len,
    int *v6)
{
	struct addrinfo	 hints, *res;
	char		 host[256];
	const char	*colon = strrchr(listen, ':');
	size_t		 n;

	if (colon == NULL || colon == listen)
		return -1;
	n = (size_t)(colon - listen);
	if (listen[0] == '[' && colon[-1] == ']') {
		listen++;
		n -= 2;
	}
	if (n >= sizeof(host))
		return -1;
	memcpy(host, listen, n);
	host[n] = '\0';
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	if (getaddrinfo(host, colon + 1, &hints, &res) != 0)
		return -1;
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	*len = res->ai_addrlen;
	*v6 = res->ai_family == AF_INET6;
	freeaddrinfo(res);
	return 0;
}

static unsigned int
threads(void)
{
	long	 n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > 64 ? 64 : (unsigned int)n;
}

/* Opens the access log for appending; -1 (logged) if it cannot. */
static int
log_open(const char *path)
{
	int	 fd;

	if ((fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
	    0640)) == -1)
		fprintf(stderr, "galley: cannot open the log %s: %s\n", path,
		    strerror(errno));
	return fd;
}

/*
 * Opens --log FILE again, where logrotate left a new one: dup2 swaps it
 * in under the same descriptor at once, so a line being written goes
 * whole to the old file or the new, and no lock is needed.  dup2 clears
 * close-on-exec on the descriptor it makes, so it is set again.
 */
static void
log_reopen(struct server *srv)
{
	int	 fd;

	if (srv->log == NULL || (fd = log_open(srv->log)) == -1)
		return;
	if (dup2(fd, srv->logfd) == -1 ||
	    fcntl(srv->logfd, F_SETFD, FD_CLOEXEC) == -1)
		fprintf(stderr, "galley: reload: %s: %s\n", srv->log,
		    strerror(errno));
	close(fd);
}

/*
 * SIGHUP's reload hook: what may change without a restart is taken up
 * again, said on the log: the access log reopened, the settings and
 * the theme (site_reload).  systemd hears of it through sd_notify (a
 * no-op outside a unit of Type=notify).
 */
static void
server_reload(struct server *srv)
{
	struct timespec	 now;
	char		 msg[1024];

	clock_gettime(CLOCK_MONOTONIC, &now);
	sd_notifyf(0, "RELOADING=1\nSTATUS=Reloading\nMONOTONIC_USEC=%llu",
	    (unsigned long long)now.tv_sec * 1000000ULL +
	    (unsigned long long)now.tv_nsec / 1000);
	log_reopen(srv);
	if (site_reload(srv->site, msg, sizeof(msg)) == -1)
		fprintf(stderr, "galley: reload: %s; the theme served so far"
		    " is kept\n", msg);
	else
		fprintf(stderr, "galley: reload: %s\n", msg);
	sd_notifyf(0, "READY=1\nSTATUS=Serving on %s", srv->serving);
}

/*
 * Waits for SIGINT or SIGTERM (blocked in every thread by the caller),
 * reloading on each SIGHUP meanwhile.
 */
static void
wait_for_stop(struct server *srv, const sigset_t *set)
{
	int	 sig;

	while (sigwait(set, &sig) == 0)
		if (sig == SIGINT || sig == SIGTERM)
			return;
		else if (sig == SIGHUP)
			server_reload(srv);
}

/* galley.conf's serving keys: where each goes, its default and bounds. */
static const struct {
	const char	*key;
	size_t		 off;
	long long	 dflt, min, max;	/* dflt 0: worked out */
} limit_keys[] = {
	{ "head_timeout", offsetof(struct limits, head_seconds), 10, 1, 3600 },
	{ "body_grace", offsetof(struct limits, body_grace), 5, 1, 3600 },
	{ "body_min_rate", offsetof(struct limits, body_rate), 1024, 0,
	    1 << 30 },
	{ "max_connections", offsetof(struct limits, conns), 0, 16, 1000000 },
	{ "max_connections_per_ip", offsetof(struct limits, conns_per_ip), 64,
	    0, 1000000 },
	{ "post_slots", offsetof(struct limits, posts), 16, 1, 100000 },
	{ "post_slots_per_ip", offsetof(struct limits, posts_per_ip), 4, 1,
	    100000 },
	{ "small_post_slots", offsetof(struct limits, smalls), 256, 1,
	    100000 },
	{ "small_post_slots_per_ip", offsetof(struct limits, smalls_per_ip),
	    16, 1, 100000 },
	{ "login_slots", offsetof(struct limits, logins), 4, 1, 1000 },
	{ "login_slots_per_ip", offsetof(struct limits, logins_per_ip), 2, 1,
	    1000 },
	{ "workers", offsetof(struct limits, workers), 0, 1, 256 },
	{ "work_queue", offsetof(struct limits, queue), 64, 1, 100000 },
};

/* The work pool's threads unless galley.conf says (see limits_load). */
#define WORKERS_DEFAULT	32

/* Descriptors kept back from connections: the database, media, logs. */
#define FD_RESERVE	256

/*
 * Raises the descriptor limit to its hard maximum and returns what
 * connections may use of it.
 */
static int
fd_budget(void)
{
	struct rlimit	 rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1)
		return 1024 - FD_RESERVE;
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
		(void)getrlimit(RLIMIT_NOFILE, &rl);
	}
	if (rl.rlim_cur > 65536 + FD_RESERVE)
		return 65536;
	return rl.rlim_cur > 2 * FD_RESERVE ? (int)rl.rlim_cur - FD_RESERVE :
	    (int)rl.rlim_cur / 2;
}

/*
 * Reads the limits from galley.conf; -1 (said on stderr) if one is bad.
 * Workers are held to what the store's pool leaves over once each HTTP
 * thread has its connection, so a page never waits for one.
 */
static int
limits_read(const struct conf *conf, int conns, struct limits *lim)
{
	char		 err[256];
	long long	 v;
	size_t		 i;
	int		 fds = fd_budget(), http = (int)threads();

	for (i = 0; i < sizeof(limit_keys) / sizeof(limit_keys[0]); i++) {
		if (conf_int(conf, limit_keys[i].key, limit_keys[i].dflt,
		    limit_keys[i].min, limit_keys[i].max, &v, err,
		    sizeof(err)) == -1) {
			fprintf(stderr, "galley: %s\n", err);
			return -1;
		}
		*(int *)(void *)((char *)lim + limit_keys[i].off) = (int)v;
	}
	if (lim->conns == 0 || lim->conns > fds)
		lim->conns = fds;
	/*
	 * A comment's worker spends most of its time waiting for its batch
	 * to commit (batch.h), so workers are cheap and more of them make
	 * bigger batches: on 2 cores, 4 took 1,300 comments/s, 16 took
	 * 2,200, 32 took 2,500 to 2,800 (bench/comments.sh, 32 clients).
	 * Logins and pictures have gates of their own.
	 */
	if (lim->workers == 0)
		lim->workers = WORKERS_DEFAULT;
	if (lim->workers > conns - http) {
		lim->workers = conns - http < 1 ? 1 : conns - http;
		fprintf(stderr, "galley: %d workers, to leave each HTTP thread"
		    " a database connection of the %d\n", lim->workers, conns);
	}
	if (conns < http + 2)
		fprintf(stderr, "galley: db_connections = %d is too few for %d"
		    " HTTP threads and a worker: pages may wait for a"
		    " connection; set it to %d or more\n", conns, http,
		    http + 2);
	return 0;
}

/* Sets up what serving needs beside libmicrohttpd; -1 if it cannot. */
static int
server_init(struct server *srv, struct site *site, const char *log)
{
	struct client_limits	 cl;

	memset(srv, 0, sizeof(*srv));
	srv->site = site;
	srv->log = log;
	srv->logfd = STDERR_FILENO;
	if (limits_read(site->conf, store_conns(site->store), &srv->lim) == -1)
		return -1;
	if (log != NULL && (srv->logfd = log_open(log)) == -1)
		return -1;
	atomic_init(&srv->inflight, 0);
	atomic_init(&srv->requests, 0);
	atomic_init(&srv->stopping, 0);
	atomic_init(&srv->closed, 0);
	pthread_mutex_init(&srv->held_lock, NULL);
	cl = (struct client_limits){ srv->lim.head_seconds * 1000,
	    srv->lim.body_grace * 1000, srv->lim.body_rate,
	    srv->lim.conns_per_ip, srv->lim.conns };
	srv->clients = clients_new(&cl);
	srv->posts = slots_new(srv->lim.posts, srv->lim.posts_per_ip);
	srv->smalls = slots_new(srv->lim.smalls, srv->lim.smalls_per_ip);
	srv->logins = slots_new(srv->lim.logins, srv->lim.logins_per_ip);
	/* Nice +5: under load, pages come before the work that may wait. */
	if ((srv->work = work_new(srv->lim.workers, srv->lim.queue, 5)) ==
	    NULL || pthread_create(&srv->ticker, NULL, ticker, srv) != 0) {
		fprintf(stderr, "galley: cannot start threads\n");
		work_free(srv->work);
		if (log != NULL)
			close(srv->logfd);
		return -1;
	}
	srv->outbox = outbox_start(site);
	return 0;
}

/*
 * Stops what server_init started, once libmicrohttpd accepts no more:
 * held answers go out, queued work is done (each job resumes its
 * connection), so that no connection is left suspended when the daemon
 * stops.
 */
static void
server_drain(struct server *srv)
{
	int	 i;

	for (i = 0; i < DRAIN_SECONDS * 100 &&
	    atomic_load(&srv->inflight) > 0; i++) {
		release_held(srv, 0, 1);
		usleep(10000);
	}
	atomic_store(&srv->stopping, 1);
	pthread_join(srv->ticker, NULL);
	outbox_stop(srv->outbox);
	srv->outbox = NULL;
	/*
	 * Stopped, not freed: a keep-alive connection may still bring a
	 * POST until the daemon stops, and work_add must refuse it.
	 */
	work_stop(srv->work);
	release_held(srv, 0, 1);
}

/*
 * Whether to take a new connection: not once stopping has begun.  This
 * stands in for MHD_quiesce_daemon, which races its own epoll workers
 * for the listening socket and can abort the process ("Failed to
 * remove listen FD from epoll set"): an open libmicrohttpd defect.
 */
static enum MHD_Result
accept_policy(void *cls, const struct sockaddr *addr, socklen_t len)
{
	struct server	*srv = cls;

	(void)addr;
	(void)len;
	return atomic_load(&srv->closed) ? MHD_NO : MHD_YES;
}

static void
server_free(struct server *srv)
{
	work_free(srv->work);
	clients_free(srv->clients);
	slots_free(srv->posts);
	slots_free(srv->smalls);
	slots_free(srv->logins);
	pthread_mutex_destroy(&srv->held_lock);
	if (srv->log != NULL)
		close(srv->logfd);
}

/*
 * Says on stderr where d listens (bound to ss): "galley: what on
 * http://HOST:PORT/path", the port the system chose if it was 0; and
 * keeps that address in url.
 */
static void
say_listening(struct MHD_Daemon *d, const struct sockaddr_storage *ss,
    const char *what, const char *path, char *url, size_t urlsz)
{
	const union MHD_DaemonInfo	*info;
	char				 host[INET6_ADDRSTRLEN];
	int				 v6 = ss->ss_family == AF_INET6;

	info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	if (v6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)ss)->
		    sin6_addr, host, sizeof(host));
	else
		inet_ntop(AF_INET, &((const struct sockaddr_in *)ss)->sin_addr,
		    host, sizeof(host));
	snprintf(url, urlsz, "http://%s%s%s:%u%s", v6 ? "[" : "", host,
	    v6 ? "]" : "", info ? info->port : 0, path);
	fprintf(stderr, "galley: %s on %s\n", what, url);
}

/*
 * The metrics' listener on metrics_listen (NULL: none, and NULL
 * returned); *failed set if it was asked for and cannot listen.
 */
static struct MHD_Daemon *
start_metrics(struct site *site, const char *metrics_listen, int *failed)
{
	struct MHD_Daemon		*d;
	struct sockaddr_storage		 ss;
	socklen_t			 sslen;
	int				 v6;
	char				 url[96];

	*failed = 0;
	if (metrics_listen == NULL)
		return NULL;
	if (listen_addr(metrics_listen, &ss, &sslen, &v6) == -1) {
		fprintf(stderr, "galley: --metrics-listen %s: expected"
		    " HOST:PORT\n", metrics_listen);
		*failed = 1;
		return NULL;
	}
	if ((d = metrics_listen_on(site, (struct sockaddr *)&ss, v6)) ==
	    NULL) {
		fprintf(stderr, "galley: cannot listen for metrics on %s: %s\n",
		    metrics_listen, strerror(errno));
		*failed = 1;
		return NULL;
	}
	say_listening(d, &ss, "metrics", "/metrics", url, sizeof(url));
	return d;
}

int
server_run(struct site *site, const char *listen, const char *metrics_listen,
    const char *log)
{
	struct server			 srv;
	struct MHD_Daemon		*d, *md;
	struct sockaddr_storage		 ss;
	socklen_t			 sslen;
	sigset_t			 set;
	int				 v6, failed = 0;
	long long			 nb, ni;

#ifdef __GLIBC__
	/*
	 * glibc raises its mmap threshold to the size of each mmapped block
	 * freed, so after the first brotli encoder's tables (a few MiB) every
	 * such block comes from a thread's heap and stays there: 72 MiB
	 * resident after a walk over 1,500 pages of a 1M-comment site with a
	 * 16 MiB page cache.  A fixed threshold keeps big blocks mapped and
	 * given back when freed: 37 MiB after the same walk.  It is 1 MiB,
	 * above any page a request renders (a long thread's first page is
	 * about 300 KB): growing a mapped buffer is an mremap, and freeing
	 * it an munmap, each flushing every core's TLB; at 128 KiB they
	 * took a third of such a page's time.
	 */
	mallopt(M_MMAP_THRESHOLD, 1024 * 1024);
#endif
	if (listen_addr(listen, &ss, &sslen, &v6) == -1) {
		fprintf(stderr, "galley: %s: expected HOST:PORT\n", listen);
		return -1;
	}
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	if (server_init(&srv, site, log) == -1)
		return -1;
	/* /healthz answers from the first request on; then the ticker's. */
	health_keep(&srv, health_probe(site->store), clock_ms());
	/* Where the store can follow writes itself, let it (PostgreSQL). */
	store_watch(site->store);
	signal(SIGPIPE, SIG_IGN);
	d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
	    MHD_USE_ITC | MHD_USE_ERROR_LOG | MHD_USE_TURBO |
	    MHD_ALLOW_SUSPEND_RESUME | (v6 ? MHD_USE_IPv6 : 0), 0,
	    accept_policy, &srv,
	    handle, &srv,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
	    MHD_OPTION_THREAD_POOL_SIZE, threads(),
	    MHD_OPTION_NOTIFY_COMPLETED, completed, &srv,
	    MHD_OPTION_NOTIFY_CONNECTION, connection_note, &srv,
	    MHD_OPTION_UNESCAPE_CALLBACK, keep_escaped, NULL,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)30,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned int)srv.lim.conns,
	    /*
	     * Room for a head of HEAD_FIELD_MAX lines and our 431; no more:
	     * past 32 KiB libmicrohttpd maps each connection's pool with
	     * mmap and unmaps it at close, and the TLB flush on every core
	     * cost three quarters of a short connection (1.4k against 4.7k
	     * connections a second, one client, Connection: close).
	     */
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(32 * 1024),
	    MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned int)1024,
	    MHD_OPTION_END);
	md = d != NULL ? start_metrics(site, metrics_listen, &failed) : NULL;
	if (d == NULL || failed) {
		if (d == NULL)
			fprintf(stderr, "galley: cannot listen on %s: %s\n",
			    listen, strerror(errno));
		else
			MHD_stop_daemon(d);
		atomic_store(&srv.stopping, 1);
		pthread_join(srv.ticker, NULL);
		outbox_stop(srv.outbox);
		server_free(&srv);
		return -1;
	}
	say_listening(d, &ss, "listening", "/", srv.serving,
	    sizeof(srv.serving));
	/* The port answers from here: tell systemd (Type=notify). */
	sd_notifyf(0, "READY=1\nSTATUS=Serving on %s", srv.serving);
	wait_for_stop(&srv, &set);
	sd_notify(0, "STOPPING=1\nSTATUS=Finishing the requests in flight");
	fprintf(stderr, "galley: stopping\n");
	/* Stop taking connections; those open are answered and drained. */
	atomic_store(&srv.closed, 1);
	server_drain(&srv);
	MHD_stop_daemon(d);
	if (md != NULL)
		MHD_stop_daemon(md);
	server_free(&srv);
	batch_counts(site->comments, &nb, &ni);
	if (ni > 0)
		fprintf(stderr, "galley: %lld comments in %lld transactions\n",
		    ni, nb);
	return 0;
}
