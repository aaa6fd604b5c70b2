/*
 * outbox: see outbox.h.  The thread holds a database connection only
 * while it reads or marks rows, never during an SMTP exchange, so a
 * slow mail server cannot take a connection from the readers.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#include "alloc.h"
#include "arena.h"
#include "env.h"
#include "mail.h"
#include "notify.h"
#include "outbox.h"
#include "setting.h"
#include "site.h"
#include "store.h"

#define EVENT_BATCH	50	/* events acted on per transaction */
#define SEND_BATCH	20	/* messages leased at once */
#define IDLE_MS		5000	/* the longest sleep: others' mail */
#define RETRY_MAX	3600	/* seconds: the longest wait to retry */
#define REPLY_MAX	300	/* bytes of a server's reply kept */

struct outbox {
	struct site	*site;
	pthread_t	 thread;
	atomic_int	 stopping;
};

/*
 * Acts on up to EVENT_BATCH events in one transaction; *n how many.
 * An event whose handler fails for its own reasons is logged and
 * dropped (its part undone), so it cannot block those behind it; one
 * that fails because the database did is left for the next pass.
 */
static int
events_batch(const struct env *e, int *n)
{
	struct mail_event	*ev;
	size_t			 i, k;
	int			 rc;

	*n = 0;
	if ((rc = store_begin(e->conn)) != STORE_OK)
		return rc;
	if ((rc = store_mail_events_take(e->conn, e->arena, EVENT_BATCH, &ev,
	    &k)) != STORE_OK)
		goto fail;
	for (i = 0; i < k; i++) {
		if ((rc = store_savepoint(e->conn)) != STORE_OK)
			goto fail;
		rc = notify_event(e, ev[i].kind, ev[i].item);
		if (rc == STORE_DOWN || rc == STORE_RETRY || rc == STORE_FULL)
			goto fail;
		if (rc != STORE_OK) {
			fprintf(stderr, "mail: event %s of %lld failed (%d),"
			    " dropped\n", ev[i].kind, (long long)ev[i].item,
			    rc);
			rc = store_savepoint_undo(e->conn);
		} else
			rc = store_savepoint_keep(e->conn);
		if (rc != STORE_OK ||
		    (rc = store_mail_event_done(e->conn, ev[i].id)) != STORE_OK)
			goto fail;
	}
	if ((rc = store_commit(e->conn)) == STORE_OK)
		*n = (int)k;
	return rc;
fail:
	store_rollback(e->conn);
	return rc;
}

/* The message being uploaded. */
struct upload {
	const char	*p;
	size_t		 left;
};

static size_t
upload_read(char *out, size_t size, size_t nmemb, void *arg)
{
	struct upload	*u = arg;
	size_t		 n = size * nmemb < u->left ? size * nmemb : u->left;

	memcpy(out, u->p, n);
	u->p += n;
	u->left -= n;
	return n;
}

/* Keeps the last line the server sent (its reply), for the record. */
static int
debug_line(CURL *h, curl_infotype type, char *data, size_t len, void *arg)
{
	char	*reply = arg;
	size_t	 n;

	(void)h;
	if (type != CURLINFO_HEADER_IN)
		return 0;
	while (len > 0 && (data[len - 1] == '\n' || data[len - 1] == '\r'))
		len--;
	if (len == 0)
		return 0;
	n = len < REPLY_MAX - 1 ? len : REPLY_MAX - 1;
	memcpy(reply, data, n);
	reply[n] = '\0';
	return 0;
}

enum sent {
	SENT,
	LATER,		/* refused for now, or no answer */
	NEVER		/* refused for good (5xx) */
};

/* Sends msg to rcpt through h; reply gets the server's last words. */
static enum sent
smtp_send(CURL *h, const struct mail_smtp *sm, const char *rcpt,
    const char *msg, size_t len, char *reply)
{
	struct upload		 u = { msg, len };
	struct curl_slist	*to;
	char			 from[512], env_to[512], err[CURL_ERROR_SIZE];
	long			 code = 0;
	CURLcode		 rc;

	snprintf(from, sizeof(from), "<%s>", sm->from_addr);
	snprintf(env_to, sizeof(env_to), "<%s>", rcpt);
	to = curl_slist_append(NULL, env_to);
	err[0] = reply[0] = '\0';
	curl_easy_reset(h);
	curl_easy_setopt(h, CURLOPT_URL, sm->url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(h, CURLOPT_USE_SSL, sm->tls_required ?
	    (long)CURLUSESSL_ALL : (long)CURLUSESSL_TRY);
	if (sm->user != NULL) {
		curl_easy_setopt(h, CURLOPT_USERNAME, sm->user);
		curl_easy_setopt(h, CURLOPT_PASSWORD, sm->password);
	}
	curl_easy_setopt(h, CURLOPT_MAIL_FROM, from);
	curl_easy_setopt(h, CURLOPT_MAIL_RCPT, to);
	curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(h, CURLOPT_READFUNCTION, upload_read);
	curl_easy_setopt(h, CURLOPT_READDATA, &u);
	curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)len);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, sm->connect_timeout);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, sm->timeout);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, err);
	curl_easy_setopt(h, CURLOPT_DEBUGFUNCTION, debug_line);
	curl_easy_setopt(h, CURLOPT_DEBUGDATA, reply);
	curl_easy_setopt(h, CURLOPT_VERBOSE, 1L);
	rc = curl_easy_perform(h);
	curl_slist_free_all(to);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
	if (rc == CURLE_OK)
		return SENT;
	if (reply[0] == '\0' || code < 400)
		snprintf(reply, REPLY_MAX, "%s", err[0] != '\0' ? err :
		    curl_easy_strerror(rc));
	return code >= 500 && code < 600 ? NEVER : LATER;
}

/* Seconds to wait before try number tries + 1. */
static int64_t
backoff(const struct mail_smtp *sm, int64_t tries)
{
	int64_t	 wait = sm->retry;

	while (--tries > 0 && wait < RETRY_MAX)
		wait *= 2;
	return wait < RETRY_MAX ? wait : RETRY_MAX;
}

/*
 * Leases and sends one batch of due messages; *n how many were leased.
 * The connection goes back to the pool while the server is talked to.
 */
static int
send_batch(struct site *site, CURL *h, struct outbox_pass *p, int *n)
{
	const struct mail_smtp	*sm = mail_smtp(site);
	struct store_conn	*c;
	struct mail_row		*m;
	struct arena		 a;
	struct env		 e;
	enum sent		*how;
	char			(*reply)[REPLY_MAX], *msg;
	size_t			 i, k, len;
	int64_t			 now = (int64_t)time(NULL), give_up;
	int			 rc;

	*n = 0;
	arena_init(&a);
	if ((c = store_conn_get(site->store)) == NULL) {
		arena_free(&a);
		return STORE_DOWN;
	}
	rc = site_env(site, c, &a, &e);
	if (rc == STORE_OK)
		rc = store_mail_lease(c, &a, now, now + sm->connect_timeout +
		    sm->timeout + 30, SEND_BATCH, &m, &k);
	store_conn_put(site->store, c);
	if (rc != STORE_OK || k == 0) {
		arena_free(&a);
		return rc;
	}
	give_up = set_int(e.set, SET_MAIL_GIVE_UP_HOURS) * 3600;
	how = arena_alloc(&a, k * sizeof(*how));
	reply = arena_alloc(&a, k * sizeof(*reply));
	for (i = 0; i < k; i++) {
		if (mail_unseal(site, &a, m[i].body, m[i].body_len, &msg,
		    &len) == -1) {
			how[i] = NEVER;
			snprintf(reply[i], REPLY_MAX, "the message cannot be"
			    " unsealed: made with another site secret?");
			continue;
		}
		how[i] = smtp_send(h, sm, m[i].rcpt, msg, len, reply[i]);
	}
	if ((c = store_conn_get(site->store)) == NULL) {
		arena_free(&a);
		return STORE_DOWN;	/* the leases run out: sent again */
	}
	now = (int64_t)time(NULL);
	for (i = 0; i < k && rc == STORE_OK; i++) {
		if (how[i] == SENT) {
			rc = store_mail_sent(c, m[i].id, now, reply[i]);
			p->sent++;
		} else if (how[i] == NEVER ||
		    now + backoff(sm, m[i].tries) > m[i].created + give_up) {
			fprintf(stderr, "mail: %s to %s given up: %s\n",
			    m[i].message_id, m[i].rcpt, reply[i]);
			rc = store_mail_failed(c, m[i].id, reply[i]);
			p->failed++;
		} else {
			rc = store_mail_retry(c, m[i].id, now + backoff(sm,
			    m[i].tries), reply[i]);
			p->retried++;
		}
	}
	store_conn_put(site->store, c);
	arena_free(&a);
	*n = (int)k;
	return rc;
}

/* Events, then deliveries, on handle h. */
static int
pass(struct site *site, CURL *h, struct outbox_pass *p)
{
	struct store_conn	*c;
	struct arena		 a;
	struct env		 e;
	int			 rc, n;

	memset(p, 0, sizeof(*p));
	do {
		arena_init(&a);
		if ((c = store_conn_get(site->store)) == NULL)
			rc = STORE_DOWN;
		else {
			if ((rc = site_env(site, c, &a, &e)) == STORE_OK)
				rc = events_batch(&e, &n);
			store_conn_put(site->store, c);
		}
		arena_free(&a);
		if (rc != STORE_OK)
			return rc;
		p->events += n;
	} while (n == EVENT_BATCH);
	do {
		if ((rc = send_batch(site, h, p, &n)) != STORE_OK)
			return rc;
	} while (n == SEND_BATCH);
	if ((c = store_conn_get(site->store)) == NULL)
		return STORE_DOWN;
	rc = store_mail_next(c, &p->next);
	store_conn_put(site->store, c);
	return rc;
}

int
outbox_pass(struct site *site, struct outbox_pass *p)
{
	CURL	*h;
	int	 rc;

	memset(p, 0, sizeof(*p));
	if (!mail_on(site))
		return STORE_OK;
	if ((h = curl_easy_init()) == NULL)
		return STORE_ERROR;
	rc = pass(site, h, p);
	curl_easy_cleanup(h);
	return rc;
}

static void *
run(void *arg)
{
	struct outbox		*o = arg;
	struct outbox_pass	 p;
	CURL			*h;
	int64_t			 now, wait;
	int			 rc;

	if ((h = curl_easy_init()) == NULL) {
		fprintf(stderr, "mail: libcurl did not start: no mail\n");
		return NULL;
	}
	while (!atomic_load(&o->stopping)) {
		rc = pass(o->site, h, &p);
		if (p.sent + p.retried + p.failed > 0)
			fprintf(stderr, "mail: %d sent, %d to retry, %d given"
			    " up\n", p.sent, p.retried, p.failed);
		now = (int64_t)time(NULL);
		wait = IDLE_MS;
		if (rc == STORE_OK && p.next > 0 && (p.next - now) * 1000 <
		    wait)
			wait = p.next > now ? (p.next - now) * 1000 : 0;
		if (wait > 0 && !atomic_load(&o->stopping))
			mail_wait(o->site, (int)wait);
	}
	curl_easy_cleanup(h);
	return NULL;
}

struct outbox *
outbox_start(struct site *site)
{
	struct outbox		*o;
	struct store_conn	*c;

	if (!mail_on(site))
		return NULL;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	/*
	 * On SQLite this node is the only sender: a lease left by one that
	 * died mid-send is ended now rather than waited out.
	 */
	if (!store_shared(site->store) &&
	    (c = store_conn_get(site->store)) != NULL) {
		store_mail_unlease(c);
		store_conn_put(site->store, c);
	}
	o = xcalloc(1, sizeof(*o));
	o->site = site;
	if (pthread_create(&o->thread, NULL, run, o) != 0) {
		fprintf(stderr, "mail: the sender did not start: no mail\n");
		free(o);
		return NULL;
	}
	return o;
}

void
outbox_stop(struct outbox *o)
{
	if (o == NULL)
		return;
	atomic_store(&o->stopping, 1);
	mail_wake(o->site);
	pthread_join(o->thread, NULL);
	free(o);
}
