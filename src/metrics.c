/*
 * metrics: counters as relaxed C11 atomics in one struct per site (see
 * metrics.h), written out in Prometheus's text format when scraped.  A
 * counter is only ever added to, so no order between them is needed;
 * a histogram's _count is the sum of the buckets as read, so the two
 * always agree within one scrape.
 */
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <microhttpd.h>

#include "alloc.h"
#include "buf.h"
#include "cache.h"
#include "metrics.h"
#include "pool.h"
#include "site.h"
#include "store.h"
#include "version.h"

/* Statuses are counted by code: 100 to 599, and 0 for none sent. */
#define STATUS_MAX	600

/* The histogram's upper bounds: a cached page to a slow export. */
static const struct {
	long long	 us;
	const char	*le;
} buckets[] = {
	{ 100, "0.0001" }, { 250, "0.00025" }, { 500, "0.0005" },
	{ 1000, "0.001" }, { 2500, "0.0025" }, { 5000, "0.005" },
	{ 10000, "0.01" }, { 25000, "0.025" }, { 50000, "0.05" },
	{ 100000, "0.1" }, { 250000, "0.25" }, { 500000, "0.5" },
	{ 1000000, "1" }, { 2500000, "2.5" }, { 5000000, "5" },
	{ 10000000, "10" },
};
#define NBUCKETS	(sizeof(buckets) / sizeof(buckets[0]))

static const char *const route_names[MR__MAX] = {
	"home", "article", "archive", "page", "feed", "sitemap", "robots",
	"search", "icon", "theme", "media", "comment", "stamp", "vote",
	"mail", "admin", "healthz", "other"
};

static const char *const verdict_names[MV__MAX] = {
	"approved", "pending", "spam", "discard", "refused"
};

static const char *const chore_names[MC__MAX] = {
	"schedule", "retention"
};

struct metrics {
	time_t		 started;
	atomic_ulong	 requests[MR__MAX][STATUS_MAX];
	/* Per bucket, not cumulative; the last is +Inf's own. */
	atomic_ulong	 latency[MR__MAX][NBUCKETS + 1];
	atomic_ullong	 latency_us[MR__MAX];
	atomic_ulong	 cache[2];		/* misses, hits */
	atomic_ulong	 comments[MV__MAX];
	atomic_ulong	 chores[MC__MAX][2];	/* failed, ok */
};

struct metrics *
metrics_new(void)
{
	/* Zeroed memory is a valid atomic zero on every platform we build. */
	struct metrics	*m = xcalloc(1, sizeof(*m));

	m->started = time(NULL);
	return m;
}

void
metrics_free(struct metrics *m)
{
	free(m);
}

static void
bump(atomic_ulong *a)
{
	atomic_fetch_add_explicit(a, 1, memory_order_relaxed);
}

static unsigned long
get(atomic_ulong *a)
{
	return atomic_load_explicit(a, memory_order_relaxed);
}

void
metrics_request(struct metrics *m, enum metrics_route route, int status,
    long long us)
{
	size_t	 b;

	if (status < 100 || status >= STATUS_MAX)
		status = 0;
	if (us < 0)
		us = 0;
	for (b = 0; b < NBUCKETS && us > buckets[b].us; b++)
		;
	bump(&m->requests[route][status]);
	bump(&m->latency[route][b]);
	atomic_fetch_add_explicit(&m->latency_us[route],
	    (unsigned long long)us, memory_order_relaxed);
}

void
metrics_cache(struct metrics *m, int hit)
{
	bump(&m->cache[hit != 0]);
}

void
metrics_comment(struct metrics *m, enum metrics_verdict v)
{
	bump(&m->comments[v]);
}

void
metrics_chore(struct metrics *m, enum metrics_chore c, int ok)
{
	bump(&m->chores[c][ok != 0]);
}

/* A family's HELP and TYPE lines. */
static void
family(struct buf *out, const char *name, const char *type, const char *help)
{
	buf_printf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name,
	    type);
}

static void
write_requests(struct metrics *m, struct buf *out)
{
	unsigned long	 n;
	size_t		 r, s;

	family(out, "galley_http_requests_total", "counter",
	    "HTTP requests answered, by route and status (0: none sent).");
	for (r = 0; r < MR__MAX; r++)
		for (s = 0; s < STATUS_MAX; s++)
			if ((n = get(&m->requests[r][s])) > 0)
				buf_printf(out, "galley_http_requests_total"
				    "{route=\"%s\",status=\"%zu\"} %lu\n",
				    route_names[r], s, n);
}

static void
write_latency(struct metrics *m, struct buf *out)
{
	unsigned long	 sum;
	size_t		 r, b;

	family(out, "galley_http_request_duration_seconds", "histogram",
	    "Time from a request's head to its completion, by route.");
	for (r = 0; r < MR__MAX; r++) {
		for (sum = 0, b = 0; b <= NBUCKETS; b++)
			sum += get(&m->latency[r][b]);
		if (sum == 0)
			continue;
		for (sum = 0, b = 0; b <= NBUCKETS; b++) {
			sum += get(&m->latency[r][b]);
			buf_printf(out, "galley_http_request_duration_seconds"
			    "_bucket{route=\"%s\",le=\"%s\"} %lu\n",
			    route_names[r], b < NBUCKETS ? buckets[b].le :
			    "+Inf", sum);
		}
		buf_printf(out, "galley_http_request_duration_seconds_sum"
		    "{route=\"%s\"} %.6f\n", route_names[r],
		    (double)atomic_load_explicit(&m->latency_us[r],
		    memory_order_relaxed) / 1e6);
		buf_printf(out, "galley_http_request_duration_seconds_count"
		    "{route=\"%s\"} %lu\n", route_names[r], sum);
	}
}

static void
write_labelled(struct buf *out, const char *name, const char *label,
    const char *const *names, atomic_ulong *v, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		buf_printf(out, "%s{%s=\"%s\"} %lu\n", name, label, names[i],
		    get(&v[i]));
}

static void
write_counts(struct metrics *m, struct site *site, struct buf *out)
{
	struct pool_stats	 ps;
	size_t			 c;

	family(out, "galley_page_cache_hits_total", "counter",
	    "Cacheable pages served from the page cache.");
	buf_printf(out, "galley_page_cache_hits_total %lu\n",
	    get(&m->cache[1]));
	family(out, "galley_page_cache_misses_total", "counter",
	    "Cacheable pages rendered: not in the page cache.");
	buf_printf(out, "galley_page_cache_misses_total %lu\n",
	    get(&m->cache[0]));
	family(out, "galley_page_cache_bytes", "gauge",
	    "Bytes the page cache holds, every encoding counted.");
	buf_printf(out, "galley_page_cache_bytes %zu\n",
	    cache_bytes(site->cache));
	store_pool_stats(site->store, &ps);
	family(out, "galley_db_pool_waits_total", "counter",
	    "Database connections waited for: every one was lent.");
	buf_printf(out, "galley_db_pool_waits_total %lu\n", ps.waits);
	family(out, "galley_db_pool_timeouts_total", "counter",
	    "Waits for a database connection given up: answered 503.");
	buf_printf(out, "galley_db_pool_timeouts_total %lu\n", ps.timeouts);
	family(out, "galley_db_pool_connections", "gauge",
	    "Database connections open, idle or lent.");
	buf_printf(out, "galley_db_pool_connections %d\n", ps.open);
	family(out, "galley_db_pool_connections_max", "gauge",
	    "The most database connections the pool opens.");
	buf_printf(out, "galley_db_pool_connections_max %d\n", ps.max);
	family(out, "galley_comments_total", "counter",
	    "Comments sent through the form, by what became of them.");
	write_labelled(out, "galley_comments_total", "verdict",
	    verdict_names, m->comments, MV__MAX);
	family(out, "galley_chore_passes_total", "counter",
	    "Passes of the periodic work, by chore and result.");
	for (c = 0; c < MC__MAX; c++)
		buf_printf(out, "galley_chore_passes_total{chore=\"%s\","
		    "result=\"ok\"} %lu\ngalley_chore_passes_total{chore="
		    "\"%s\",result=\"failed\"} %lu\n", chore_names[c],
		    get(&m->chores[c][1]), chore_names[c],
		    get(&m->chores[c][0]));
}

/* The outbox, asked now; nothing written if the database fails. */
static void
write_outbox(struct site *site, struct buf *out)
{
	struct store_conn	*c;
	int64_t			 queued, oldest, failed;
	int			 rc;

	if ((c = store_conn_get(site->store)) == NULL)
		return;
	rc = store_mail_stats(c, &queued, &oldest, &failed);
	store_conn_put(site->store, c);
	if (rc != STORE_OK)
		return;
	family(out, "galley_outbox_queued", "gauge",
	    "Messages in the outbox waiting to be sent.");
	buf_printf(out, "galley_outbox_queued %lld\n", (long long)queued);
	family(out, "galley_outbox_oldest_age_seconds", "gauge",
	    "Age of the oldest message waiting (0: none waits).");
	buf_printf(out, "galley_outbox_oldest_age_seconds %lld\n",
	    oldest > 0 ? (long long)(time(NULL) - oldest) : 0LL);
	family(out, "galley_outbox_failed", "gauge",
	    "Messages given up on, kept for a retry by hand.");
	buf_printf(out, "galley_outbox_failed %lld\n", (long long)failed);
}

void
metrics_write(struct site *site, struct buf *out)
{
	struct metrics	*m = site->metrics;

	write_requests(m, out);
	write_latency(m, out);
	write_counts(m, site, out);
	write_outbox(site, out);
	family(out, "process_start_time_seconds", "gauge",
	    "When this process started, in Unix seconds.");
	buf_printf(out, "process_start_time_seconds %lld\n",
	    (long long)m->started);
	family(out, "galley_build_info", "gauge",
	    "The version of this galley and its storage engine.");
	buf_printf(out, "galley_build_info{version=\"%s\",engine=\"%s\"} 1\n",
	    GALLEY_VERSION, store_shared(site->store) ? "postgresql" :
	    "sqlite");
}

static enum MHD_Result
answer(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_size, void **con_cls)
{
	static const char	 nf[] = "Not found: the metrics are at"
	    " /metrics\n";
	struct MHD_Response	*resp;
	struct buf		 b;
	enum MHD_Result		 rc;
	unsigned int		 status = MHD_HTTP_OK;
	char			*body;
	size_t			 len;

	(void)version;
	(void)upload;
	if (*con_cls == NULL) {		/* the head: wait for the rest */
		*con_cls = conn;
		return MHD_YES;
	}
	*upload_size = 0;
	buf_init(&b);
	if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 &&
	    strcmp(method, MHD_HTTP_METHOD_HEAD) != 0) {
		status = MHD_HTTP_METHOD_NOT_ALLOWED;
		buf_puts(&b, "Method not allowed\n");
	} else if (strcmp(url, "/metrics") != 0) {
		status = MHD_HTTP_NOT_FOUND;
		buf_puts(&b, nf);
	} else
		metrics_write(cls, &b);
	body = buf_take(&b, &len);
	resp = MHD_create_response_from_buffer_with_free_callback(len, body,
	    free);
	if (resp == NULL) {
		free(body);
		return MHD_NO;
	}
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW,
		    "GET, HEAD");
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
	    status == MHD_HTTP_OK ? "text/plain; version=0.0.4;"
	    " charset=utf-8" : "text/plain; charset=utf-8");
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL,
	    "no-store");
	rc = MHD_queue_response(conn, status, resp);
	MHD_destroy_response(resp);
	return rc;
}

struct MHD_Daemon *
metrics_listen_on(struct site *site, const struct sockaddr *addr, int v6)
{
	/* One thread: a scrape every few seconds, from a few scrapers. */
	return MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD |
	    MHD_USE_ERROR_LOG | (v6 ? MHD_USE_IPv6 : 0), 0, NULL, NULL,
	    answer, site,
	    MHD_OPTION_SOCK_ADDR, addr,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned int)16,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)10,
	    MHD_OPTION_END);
}
