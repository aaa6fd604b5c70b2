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
#include <strings.h>
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
#include "work.h"

#define SENDER_NICE	5	/* the sender's priority below the HTTP threads' */
#define EVENT_BATCH	50	/* events acted on per transaction */
#define IDLE_MS		5000	/* the longest sleep: others' mail */
#define GATHER_MS	200	/* after a wake, before the pass */
#define RETRY_MAX	3600	/* seconds: the longest wait to retry */
#define REPLY_MAX	300	/* bytes of a server's reply kept */
#define LEASE_SLACK	15	/* seconds a lease outlasts smtp_timeout:
				   to get a connection and mark the row */
#define PRUNE_EVERY	3600	/* seconds between prunings of sent rows */
#define SENT_KEEP	(30 * 86400)	/* seconds a sent row is listed */

struct outbox {
	struct site	*site;
	CURL		*h;		/* one handle: its connection reused */
	pthread_t	 thread;
	atomic_int	 stopping;
	int64_t		 pruned;	/* when sent rows were last pruned */
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

/* One SMTP exchange: the message going up, and what came back. */
struct exchange {
	const char		*p;		/* the message still to read */
	size_t			 left;
	const atomic_int	*stop;		/* set: the sender stops */
	int			 mail;		/* MAIL FROM was sent: a
						   refusal now is the
						   message's, not the
						   server's */
	char			 reply[REPLY_MAX];	/* its last line */
};

static size_t
upload_read(char *out, size_t size, size_t nmemb, void *arg)
{
	struct exchange	*x = arg;
	size_t		 n = size * nmemb < x->left ? size * nmemb : x->left;

	memcpy(out, x->p, n);
	x->p += n;
	x->left -= n;
	return n;
}

/*
 * Called by libcurl at least once a second: a stopping sender abandons
 * the exchange while part of the message is still unread, since the
 * server cannot have taken a message whose final dot it never got.
 * Once all of it is up the answer is waited for (smtp_timeout at most),
 * so stopping never sends a message twice.
 */
static int
progress(void *arg, curl_off_t dt, curl_off_t dn, curl_off_t ut,
    curl_off_t un)
{
	const struct exchange	*x = arg;

	(void)dt, (void)dn, (void)ut, (void)un;
	return x->stop != NULL && atomic_load(x->stop) && x->left > 0;
}

/* Keeps the server's last line (its reply), and notes MAIL FROM. */
static int
debug_line(CURL *h, curl_infotype type, char *data, size_t len, void *arg)
{
	struct exchange	*x = arg;
	size_t		 n;

	(void)h;
	if (type == CURLINFO_HEADER_OUT && len >= 10 &&
	    strncasecmp(data, "MAIL FROM:", 10) == 0)
		x->mail = 1;
	if (type != CURLINFO_HEADER_IN)
		return 0;
	while (len > 0 && (data[len - 1] == '\n' || data[len - 1] == '\r'))
		len--;
	if (len == 0)
		return 0;
	n = len < REPLY_MAX - 1 ? len : REPLY_MAX - 1;
	memcpy(x->reply, data, n);
	x->reply[n] = '\0';
	return 0;
}

enum sent {
	SENT,
	LATER,		/* this message refused for now (4xx) */
	NEVER,		/* this message refused for good (5xx) */
	DOWN,		/* the server unreachable, mute, or refusing us
			   (login, TLS, 421): retried, and so is the rest,
			   later */
	STOPPED		/* abandoned before the server could take it */
};

/* Sends msg to rcpt through h; x->reply gets the server's last words. */
static enum sent
smtp_send(CURL *h, const struct mail_smtp *sm, const char *rcpt,
    const char *msg, size_t len, struct exchange *x)
{
	struct curl_slist	*to;
	char			 from[512], env_to[512], err[CURL_ERROR_SIZE];
	long			 code = 0;
	CURLcode		 rc;

	snprintf(from, sizeof(from), "<%s>", sm->from_addr);
	snprintf(env_to, sizeof(env_to), "<%s>", rcpt);
	to = curl_slist_append(NULL, env_to);
	x->p = msg;
	x->left = len;
	x->mail = 0;
	err[0] = x->reply[0] = '\0';
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
	curl_easy_setopt(h, CURLOPT_READDATA, x);
	curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)len);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, sm->connect_timeout);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, sm->timeout);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, progress);
	curl_easy_setopt(h, CURLOPT_XFERINFODATA, x);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, err);
	curl_easy_setopt(h, CURLOPT_DEBUGFUNCTION, debug_line);
	curl_easy_setopt(h, CURLOPT_DEBUGDATA, x);
	curl_easy_setopt(h, CURLOPT_VERBOSE, 1L);
	rc = curl_easy_perform(h);
	curl_slist_free_all(to);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
	if (rc == CURLE_OK)
		return SENT;
	if (rc == CURLE_ABORTED_BY_CALLBACK) {
		snprintf(x->reply, REPLY_MAX, "not sent: the sender stopped");
		return STOPPED;
	}
	if (x->reply[0] == '\0' || code < 400)
		snprintf(x->reply, REPLY_MAX, "%s", err[0] != '\0' ? err :
		    curl_easy_strerror(rc));
	if (!x->mail || code < 400 || code == 421 ||
	    rc == CURLE_OPERATION_TIMEDOUT)
		return DOWN;
	return code >= 500 ? NEVER : LATER;
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

/* Sends m, leased: unsealed here, in a, never in the database. */
static enum sent
deliver(struct outbox *o, struct arena *a, const struct mail_row *m,
    struct exchange *x)
{
	char	*msg;
	size_t	 len;

	x->stop = &o->stopping;
	if (mail_unseal(o->site, a, m->body, m->body_len, &msg, &len) == -1) {
		snprintf(x->reply, REPLY_MAX, "the message cannot be"
		    " unsealed: made with another site secret?");
		return NEVER;
	}
	return smtp_send(o->h, mail_smtp(o->site), m->rcpt, msg, len, x);
}

/*
 * Records how m went: sent, queued again after its backoff (a try
 * counted), failed (refused for good, or past give_up seconds since it
 * was queued), or, abandoned by a stop, given back untried.
 */
static int
mark(struct outbox *o, const struct mail_row *m, enum sent how,
    const char *reply, int64_t give_up, struct outbox_pass *p)
{
	struct store_conn	*c;
	int64_t			 now = (int64_t)time(NULL), due;
	int			 rc;

	if ((c = store_conn_get(o->site->store)) == NULL)
		return STORE_DOWN;	/* the lease runs out: sent again */
	due = now + backoff(mail_smtp(o->site), m->tries + 1);
	if (how == SENT) {
		rc = store_mail_sent(c, m->id, now, reply);
		p->sent++;
	} else if (how == STOPPED)
		rc = store_mail_release(c, m->id);
	else if (how == NEVER || due > m->created + give_up) {
		fprintf(stderr, "mail: %s to %s given up: %s\n",
		    m->message_id, m->rcpt, reply);
		rc = store_mail_failed(c, m->id, reply);
		p->failed++;
	} else {
		rc = store_mail_retry(c, m->id, due, reply);
		p->retried++;
	}
	if (how == DOWN) {
		p->down = 1;
		p->next = due;
	}
	store_conn_put(o->site->store, c);
	return rc;
}

/*
 * Leases the next message due and sends it; *leased 0 if none was.  One
 * at a time: a lease need only outlast one exchange, which libcurl ends
 * at smtp_timeout, and each is marked as soon as it is known, so a node
 * that dies leaves at most one message in doubt.  The connection goes
 * back to the pool while the server is talked to.
 */
static int
send_one(struct outbox *o, struct outbox_pass *p, int *leased)
{
	const struct mail_smtp	*sm = mail_smtp(o->site);
	struct store_conn	*c;
	struct mail_row		*m;
	struct exchange		 x;
	struct arena		 a;
	struct env		 e;
	enum sent		 how;
	size_t			 k = 0;
	int64_t			 now = (int64_t)time(NULL), give_up = 0;
	int			 rc;

	*leased = 0;
	if ((c = store_conn_get(o->site->store)) == NULL)
		return STORE_DOWN;
	arena_init(&a);
	if ((rc = site_env(o->site, c, &a, &e)) == STORE_OK) {
		give_up = set_int(e.set, SET_MAIL_GIVE_UP_HOURS) * 3600;
		rc = store_mail_lease(c, &a, now, now + sm->timeout +
		    LEASE_SLACK, 1, &m, &k);
	}
	store_conn_put(o->site->store, c);
	if (rc == STORE_OK && k == 1) {
		*leased = 1;
		memset(&x, 0, sizeof(x));
		how = deliver(o, &a, m, &x);
		rc = mark(o, m, how, x.reply, give_up, p);
	}
	arena_free(&a);
	return rc;
}

/*
 * Acts on every mail event, in batches of EVENT_BATCH, then queues the
 * replies they (or earlier ones) held for addresses now with room
 * (notify_held, in transactions of its own).
 */
static int
notify_all(struct outbox *o, struct outbox_pass *p)
{
	struct store_conn	*c;
	struct arena		 a;
	struct env		 e;
	int			 rc, n;

	do {
		if ((c = store_conn_get(o->site->store)) == NULL)
			return STORE_DOWN;
		arena_init(&a);
		if ((rc = site_env(o->site, c, &a, &e)) == STORE_OK)
			rc = events_batch(&e, &n);
		store_conn_put(o->site->store, c);
		arena_free(&a);
		if (rc != STORE_OK)
			return rc;
		p->events += n;
	} while (n == EVENT_BATCH && !atomic_load(&o->stopping));
	if ((c = store_conn_get(o->site->store)) == NULL)
		return STORE_DOWN;
	arena_init(&a);
	if ((rc = site_env(o->site, c, &a, &e)) == STORE_OK)
		rc = notify_held(&e);
	store_conn_put(o->site->store, c);
	arena_free(&a);
	return rc;
}

/*
 * One look at what waits: *notify 1 if an event or a held reply does,
 * *next when the next message falls due (0: none queued).
 */
static int
look(struct outbox *o, int64_t *notify, int64_t *next)
{
	struct store_conn	*c;
	int			 rc;

	if ((c = store_conn_get(o->site->store)) == NULL)
		return STORE_DOWN;
	rc = store_mail_waiting(c, notify, next);
	store_conn_put(o->site->store, c);
	return rc;
}

/*
 * Events and held replies (once a pass: what another node's sender has
 * locked is not waited for), then deliveries until nothing more is due
 * now.  An idle pass is one query (look).  It ends early when the
 * server is down (p->down: p->next is when it is due to be tried), when
 * the sender stops, and when a round of deliveries moved nothing (what
 * is due is locked by another node's sender for the moment: p->next 0,
 * so the caller sleeps its while).
 */
static int
pass(struct outbox *o, struct outbox_pass *p)
{
	int64_t	 notify;
	int	 rc, leased, before;

	memset(p, 0, sizeof(*p));
	if ((rc = look(o, &notify, &p->next)) != STORE_OK)
		return rc;
	if (notify && ((rc = notify_all(o, p)) != STORE_OK ||
	    (rc = look(o, &notify, &p->next)) != STORE_OK))
		return rc;
	while (p->next != 0 && p->next <= (int64_t)time(NULL)) {
		before = p->sent + p->retried + p->failed;
		leased = 1;
		while (leased && !p->down && !atomic_load(&o->stopping))
			if ((rc = send_one(o, p, &leased)) != STORE_OK)
				return rc;
		if (p->down || atomic_load(&o->stopping))
			break;
		if (p->sent + p->retried + p->failed == before) {
			p->next = 0;
			break;
		}
		if ((rc = look(o, &notify, &p->next)) != STORE_OK)
			return rc;
	}
	return STORE_OK;
}

/* Every so often: sent rows past SENT_KEEP go (their bodies went). */
static void
prune(struct outbox *o)
{
	struct store_conn	*c;
	int64_t			 now = (int64_t)time(NULL), n = 0;

	if (now < o->pruned + PRUNE_EVERY ||
	    (c = store_conn_get(o->site->store)) == NULL)
		return;
	if (store_mail_prune(c, now - SENT_KEEP, &n) == STORE_OK) {
		o->pruned = now;
		if (n > 0)
			fprintf(stderr, "mail: %lld sent messages older than"
			    " 30 days removed from the outbox\n",
			    (long long)n);
	}
	store_conn_put(o->site->store, c);
}

int
outbox_pass(struct site *site, struct outbox_pass *p)
{
	struct outbox	 o;
	int		 rc;

	memset(p, 0, sizeof(*p));
	if (!mail_on(site))
		return STORE_OK;
	memset(&o, 0, sizeof(o));
	o.site = site;
	atomic_init(&o.stopping, 0);
	if ((o.h = curl_easy_init()) == NULL)
		return STORE_ERROR;
	rc = pass(&o, p);
	curl_easy_cleanup(o.h);
	return rc;
}

/*
 * After a wake: lets the commits of a burst (every accepted comment
 * wakes the sender, events or not) come in, so that they cost one pass,
 * not one each.
 */
static void
gather(void)
{
	struct timespec	 ts = { 0, GATHER_MS * 1000000L };

	nanosleep(&ts, NULL);
}

static void *
run(void *arg)
{
	struct outbox		*o = arg;
	struct outbox_pass	 p;
	int64_t			 now, wait;
	int			 rc;

	/* As the work pool: under load, readers' requests come first. */
	work_nice(SENDER_NICE);
	while (!atomic_load(&o->stopping)) {
		prune(o);
		rc = pass(o, &p);
		if (p.sent + p.retried + p.failed > 0)
			fprintf(stderr, "mail: %d sent, %d to retry, %d given"
			    " up%s\n", p.sent, p.retried, p.failed, p.down ?
			    " (the server is not answering)" : "");
		now = (int64_t)time(NULL);
		wait = IDLE_MS;
		if (rc == STORE_OK && p.next > now && (p.next - now) * 1000 <
		    wait)
			wait = (p.next - now) * 1000;
		if (!atomic_load(&o->stopping) &&
		    mail_wait(o->site, (int)wait) &&
		    !atomic_load(&o->stopping))
			gather();
	}
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
	atomic_init(&o->stopping, 0);
	if ((o->h = curl_easy_init()) == NULL) {
		fprintf(stderr, "mail: libcurl did not start: no mail\n");
		free(o);
		return NULL;
	}
	if (pthread_create(&o->thread, NULL, run, o) != 0) {
		fprintf(stderr, "mail: the sender did not start: no mail\n");
		curl_easy_cleanup(o->h);
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
	curl_easy_cleanup(o->h);
	free(o);
}
