/*
 * test_outbox: the sender (outbox.c) against a real SMTP server
 * (tests/smtp_sink.py, aiosmtpd), on SQLite and on PostgreSQL (the two
 * nodes only there).  Messages are queued by `galley mail DIR test`
 * (which queues and sends at once), or through the library as a request
 * would queue them (mail_queue in one transaction, nobody woken), then
 * sent by the serving node; what the server received is read back and
 * parsed with GMime.  Each case empties the outbox and has its own
 * server, so counts are its own.
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <gmime/gmime.h>

#include "arena.h"
#include "check.h"
#include "conf.h"
#include "env.h"
#include "http.h"
#include "mail.h"
#include "site.h"
#include "store.h"

#define TITLE	"Café Ñews — «Galley»"

static char		*dir;	/* the site */
static const char	*db;	/* its database, for db_count and db_exec */

/* Runs galley with args; its output (both streams) into out, if set. */
static int
galley(const char *const *args, struct buf *out)
{
	return run_galley(args, out);
}

/* Sets key in the site's galley.conf (read when a node starts). */
static int
conf_key(const char *key, const char *value)
{
	char	 path[600], err[300];

	snprintf(path, sizeof(path), "%s/galley.conf", dir);
	if (conf_set(path, key, value, err, sizeof(err)) == -1) {
		fprintf(stderr, "conf_key: %s\n", err);
		return -1;
	}
	return 0;
}

/* `galley mail DIR test rcpt`, its output in out (reset first). */
static int
mail_test(const char *rcpt, struct buf *out)
{
	buf_reset(out);
	return galley((const char *[]){ "mail", dir, "test", rcpt, NULL },
	    out);
}

/* The first column of sql's first row, heap ("" if none). */
static char *
db_text(const char *sql)
{
	struct buf	 b;
	char		*s;

	buf_init(&b);
	db_rows(db, sql, &b);
	s = strdup(b.data != NULL ? b.data : "");
	s[strcspn(s, "\t\n")] = '\0';
	buf_reset(&b);
	return s;
}

/*
 * Queues n messages to TAG-I@example.org as a request would: through
 * mail_queue, in one transaction, waking no one.  Returns 0.
 */
static int
queue(int n, const char *tag)
{
	struct site		*site;
	struct store_conn	*c;
	struct mail_out		 m;
	struct arena		 a;
	struct env		 e;
	char			 err[512];
	int			 i, rc;

	if ((site = site_open(dir, err, sizeof(err))) == NULL) {
		fprintf(stderr, "queue: %s\n", err);
		return -1;
	}
	arena_init(&a);
	if ((c = store_conn_get(site->store)) == NULL)
		rc = STORE_DOWN;
	else if ((rc = site_env(site, c, &a, &e)) == STORE_OK)
		rc = store_begin(c);
	for (i = 0; i < n && rc == STORE_OK; i++) {
		memset(&m, 0, sizeof(m));
		m.kind = "test";
		m.to = arena_printf(&a, "%s-%d@example.org", tag, i);
		m.subject = arena_printf(&a, "Message %d of %s", i, tag);
		m.text = "Plain words.\n";
		m.html = "<p>Plain words.</p>";
		rc = mail_queue(&e, &m);
	}
	if (c != NULL) {
		if (rc == STORE_OK)
			rc = store_commit(c);
		else
			store_rollback(c);
		store_conn_put(site->store, c);
	}
	arena_free(&a);
	site_close(site);
	return rc == STORE_OK ? 0 : -1;
}

/* Message i the server took, parsed; NULL if none (or no parse). */
static GMimeMessage *
received(const struct smtp *s, int i, char **rcpt)
{
	GMimeMessage	*gm;
	char		*msg;

	if ((msg = smtp_message(s, i, rcpt)) == NULL)
		return NULL;
	gm = mail_parse(msg, strlen(msg));
	free(msg);
	return gm;
}

/*
 * How many messages the server took, and (into *distinct) how many
 * distinct Message-IDs they carry; *first how many carry first's.
 */
static int
received_ids(const struct smtp *s, int *distinct, const char *first,
    int *firsts)
{
	GMimeMessage	*gm;
	char		**ids;
	int		 n = smtp_count(s), i, j, d = 0, f = 0;

	ids = calloc((size_t)n + 1, sizeof(*ids));
	for (i = 0; i < n; i++) {
		if ((gm = received(s, i, NULL)) == NULL)
			continue;
		if (g_mime_message_get_message_id(gm) != NULL)
			ids[i] = strdup(g_mime_message_get_message_id(gm));
		g_object_unref(gm);
		if (ids[i] == NULL)
			continue;
		for (j = 0; j < i && (ids[j] == NULL ||
		    strcmp(ids[i], ids[j]) != 0); j++)
			;
		d += j == i;
		f += first != NULL && strcmp(ids[i], first) == 0;
	}
	for (i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
	*distinct = d;
	if (firsts != NULL)
		*firsts = f;
	return n;
}

/*
 * A fresh SMTP server for a case (fail and code as smtp_start's, each
 * 250 delay_ms late), mail pointed at it, retried after 1 s, and the
 * outbox empty.
 */
static int
start_case(struct smtp *s, const char *tag, int fail, int code,
    int delay_ms)
{
	char	*d = tmp_path(tag);
	int	 rc;

	memset(s, 0, sizeof(*s));
	s->delay_ms = delay_ms;
	rc = smtp_start(s, d, fail, code);
	free(d);
	if (rc == -1 || site_mail(dir, s, 1) == -1 ||
	    db_exec(db, "DELETE FROM outbox") == -1)
		return -1;
	return 0;
}

static void
end_case(struct smtp *s)
{
	char	 cmd[700];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", s->dir);
	smtp_free(s);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove the sink's folder\n");
}

/* With no smtp_url: nothing is sent, and both commands say why. */
static void
mail_off(void)
{
	struct buf	 out;

	buf_init(&out);
	CHECK(mail_test("x@y.example", &out) == 1);
	CHECK(out.data != NULL && strstr(out.data, "mail is off") != NULL &&
	    strstr(out.data, "smtp_url") != NULL);
	buf_reset(&out);
	CHECK(galley((const char *[]){ "mail", dir, "list", NULL }, &out) ==
	    0);
	CHECK(out.data != NULL && strstr(out.data, "Mail is off") != NULL);
	CHECK(db_count(db, "SELECT count(*) FROM outbox") == 0);
	buf_reset(&out);
}

/* One message, sent at once from the command line: what arrives. */
static void
headers(void)
{
	struct smtp	 s;
	struct buf	 out;
	GMimeMessage	*gm;
	GDateTime	*dt;
	char		*rcpt = NULL, *t, *id;
	const char	*h;
	time_t		 t0, t1;

	if (!CHECK(start_case(&s, "smtp-headers", 0, 0, 0) == 0))
		return;
	buf_init(&out);
	CHECK(galley((const char *[]){ "config", dir, "set", "site_title",
	    TITLE, NULL }, NULL) == 0);
	t0 = time(NULL);
	CHECK(mail_test("reader@example.org", &out) == 0);
	t1 = time(NULL);
	CHECK(out.data != NULL && strstr(out.data, "1 sent, 0 to retry,"
	    " 0 given up") != NULL && strstr(out.data, "reader@example.org:"
	    " sent, the server said: 250 ") != NULL);
	CHECK(smtp_count(&s) == 1);
	id = db_text("SELECT message_id FROM outbox");
	CHECK(db_count(db, "SELECT count(*) FROM outbox WHERE status ="
	    " 'sent' AND tries = 1 AND length(body) = 0 AND reply LIKE"
	    " '250 %'") == 1);
	if (!CHECK((gm = received(&s, 0, &rcpt)) != NULL)) {
		free(id);
		end_case(&s);
		return;
	}
	CHECK_STR(rcpt, "reader@example.org");
	t = internet_address_list_to_string(g_mime_message_get_from(gm),
	    NULL, FALSE);
	CHECK_STR(t, "Galley News <news@galley.test>");
	g_free(t);
	t = internet_address_list_to_string(g_mime_message_get_to(gm), NULL,
	    FALSE);
	CHECK_STR(t, "reader@example.org");
	g_free(t);
	CHECK_STR(g_mime_message_get_subject(gm), "Test message from " TITLE);
	/* As queued: "<...@galley.test>" in the outbox, bare in GMime. */
	h = g_mime_message_get_message_id(gm);
	CHECK(h != NULL && strstr(h, "@galley.test") != NULL &&
	    strlen(id) == strlen(h) + 2 && strncmp(id + 1, h, strlen(h)) == 0);
	dt = g_mime_message_get_date(gm);
	CHECK(dt != NULL && g_date_time_to_unix(dt) >= t0 &&
	    g_date_time_to_unix(dt) <= t1);
	CHECK_STR(g_mime_object_get_header(GMIME_OBJECT(gm), "MIME-Version"),
	    "1.0");
	CHECK(g_mime_content_type_is_type(g_mime_object_get_content_type(
	    g_mime_message_get_mime_part(gm)), "multipart", "alternative"));
	t = mail_part(g_mime_message_get_mime_part(gm), "text", "plain");
	CHECK(t != NULL && strstr(t, TITLE) != NULL);
	free(t);
	t = mail_part(g_mime_message_get_mime_part(gm), "text", "html");
	CHECK(t != NULL && strstr(t, "Café Ñews — «Galley»") != NULL &&
	    strstr(t, "<html") != NULL);
	free(t);
	/* Nothing a list-manager header would mean: nobody subscribed. */
	CHECK(g_mime_object_get_header(GMIME_OBJECT(gm), "List-Unsubscribe")
	    == NULL);
	g_object_unref(gm);
	free(rcpt);
	free(id);
	buf_reset(&out);
	end_case(&s);
}

/*
 * A server that answers 451 three times, then takes it: delivered once,
 * with the Message-ID it was queued with, after four tries.
 */
static void
try_again(void)
{
	struct smtp	 s;
	struct srv	 srv;
	struct buf	 out;
	char		*id;
	int		 d, f;

	if (!CHECK(start_case(&s, "smtp-451", 3, 451, 0) == 0))
		return;
	buf_init(&out);
	CHECK(mail_test("again@example.org", &out) == 0);
	CHECK(out.data != NULL && strstr(out.data, "0 sent, 1 to retry") !=
	    NULL && strstr(out.data, "again@example.org: queued, the server"
	    " said: 451 4.3.0 Test server: try again later") != NULL);
	CHECK(db_count(db, "SELECT count(*) FROM outbox WHERE status ="
	    " 'queued' AND tries = 1 AND reply LIKE '451 %'") == 1);
	CHECK(smtp_count(&s) == 0);
	id = db_text("SELECT message_id FROM outbox");
	if (!CHECK(srv_start(&srv, dir) == 0)) {
		free(id);
		end_case(&s);
		return;
	}
	CHECK(db_wait(db, "SELECT count(*) FROM outbox WHERE status = 'sent'",
	    1, 30000) == 1);
	CHECK_MSG(srv_stop(&srv) == 0, "the node stops cleanly");
	/* The Message-ID's angle brackets are the outbox's, not GMime's. */
	id[strlen(id) - 1] = '\0';
	CHECK(received_ids(&s, &d, id + 1, &f) == 1 && d == 1 && f == 1);
	buf_reset(&out);
	CHECK(galley((const char *[]){ "mail", dir, "list", "--all", NULL },
	    &out) == 0);
	CHECK(out.data != NULL && strstr(out.data, "\tsent\ttest\t"
	    "again@example.org\t") != NULL && strstr(out.data, "\t4 tries\t")
	    != NULL && strstr(out.data, "\tsent 20") != NULL);
	buf_reset(&out);
	CHECK(galley((const char *[]){ "mail", dir, "list", NULL }, &out) ==
	    0);
	CHECK(out.data != NULL && strstr(out.data, "The outbox is empty") !=
	    NULL);
	/* Another pass sends the new message only, not the first again. */
	CHECK(mail_test("again2@example.org", &out) == 0);
	CHECK(smtp_count(&s) == 2);
	free(id);
	buf_reset(&out);
	end_case(&s);
}

/*
 * The server is down: every message stays queued, those tried with the
 * connection's error; once it is back, each arrives once.
 */
static void
server_down(void)
{
	struct smtp	 s;
	struct srv	 srv;
	struct buf	 out;
	char		*reply;
	int		 i, d;

	if (!CHECK(start_case(&s, "smtp-down", 0, 0, 0) == 0))
		return;
	smtp_stop(&s);
	buf_init(&out);
	for (i = 0; i < 3; i++) {
		char	 to[64];

		snprintf(to, sizeof(to), "down-%d@example.org", i);
		CHECK(mail_test(to, &out) == 0);
		CHECK(out.data != NULL && strstr(out.data, "0 sent,") !=
		    NULL && strstr(out.data, " 0 given up") != NULL);
	}
	CHECK(db_count(db, "SELECT count(*) FROM outbox WHERE status ="
	    " 'queued' AND length(body) > 0") == 3);
	/* Each tried (the first due of each pass) keeps what went wrong. */
	reply = db_text("SELECT reply FROM outbox WHERE tries > 0 ORDER BY"
	    " id LIMIT 1");
	CHECK_MSG(strstr(reply, "onnect") != NULL, "the connection's error"
	    " kept as the reply");
	free(reply);
	CHECK(db_count(db, "SELECT count(*) FROM outbox WHERE tries > 0 AND"
	    " reply NOT LIKE '%onnect%'") == 0);
	if (!CHECK(srv_start(&srv, dir) == 0)) {
		end_case(&s);
		return;
	}
	/* The node tries too, and keeps them. */
	CHECK(db_wait(db, "SELECT count(*) FROM outbox WHERE tries >= 2", 1,
	    20000) >= 1);
	CHECK(db_count(db, "SELECT count(*) FROM outbox WHERE status ="
	    " 'queued'") == 3);
	CHECK(smtp_start(&s, s.dir, 0, 0) == 0);	/* the same port */
	CHECK(db_wait(db, "SELECT count(*) FROM outbox WHERE status = 'sent'",
	    3, 60000) == 3);
	CHECK_MSG(srv_stop(&srv) == 0, "the node stops cleanly");
	CHECK(received_ids(&s, &d, NULL, NULL) == 3 && d == 3);
	buf_reset(&out);
	end_case(&s);
}

/* A 5xx fails it at once, reply kept; retry queues it; it goes. */
static void
refused(void)
{
	struct smtp	 s;
	struct buf	 out;
	char		*id, *mid;
	int		 d, f;

	if (!CHECK(start_case(&s, "smtp-550", 1, 550, 0) == 0))
		return;
	buf_init(&out);
	CHECK(mail_test("refused@example.org", &out) == 0);
	CHECK(out.data != NULL && strstr(out.data, "0 sent, 0 to retry,"
	    " 1 given up") != NULL && strstr(out.data, "refused@example.org:"
	    " failed, the server said: 550 ") != NULL);
	CHECK(db_count(db, "SELECT count(*) FROM outbox WHERE status ="
	    " 'failed' AND tries = 1 AND reply LIKE '550 %' AND"
	    " length(body) > 0") == 1);
	buf_reset(&out);
	CHECK(galley((const char *[]){ "mail", dir, "list", NULL }, &out) ==
	    0);
	CHECK(out.data != NULL && strstr(out.data, "\tfailed\ttest\t"
	    "refused@example.org\t") != NULL && strstr(out.data,
	    "550 5.7.1 Test server: refused for good") != NULL);
	id = db_text("SELECT id FROM outbox");
	mid = db_text("SELECT message_id FROM outbox");
	buf_reset(&out);
	CHECK(galley((const char *[]){ "mail", dir, "retry", "999999", NULL },
	    &out) == 1);
	CHECK(out.data != NULL && strstr(out.data, "no such message") != NULL);
	buf_reset(&out);
	CHECK(galley((const char *[]){ "mail", dir, "retry", id, NULL },
	    &out) == 0);
	CHECK(out.data != NULL && strstr(out.data, "1 queued again") != NULL);
	CHECK(db_count(db, "SELECT count(*) FROM outbox WHERE status ="
	    " 'queued' AND tries = 0") == 1);
	/* The next pass (this one from the command line) sends it. */
	CHECK(mail_test("after@example.org", &out) == 0);
	CHECK(out.data != NULL && strstr(out.data, "2 sent") != NULL);
	mid[strlen(mid) - 1] = '\0';
	CHECK(received_ids(&s, &d, mid + 1, &f) == 2 && d == 2 && f == 1);
	/* A sent message is not queued again. */
	buf_reset(&out);
	CHECK(galley((const char *[]){ "mail", dir, "retry", id, NULL },
	    &out) == 1);
	free(id);
	free(mid);
	buf_reset(&out);
	end_case(&s);
}

/*
 * Give-up: a message refused for now, queued longer ago than
 * mail_give_up_hours, is failed, not retried for ever; a younger one
 * is retried.
 */
static void
give_up(void)
{
	struct smtp	 s;
	struct buf	 out;

	if (!CHECK(start_case(&s, "smtp-giveup", 100, 451, 0) == 0))
		return;
	buf_init(&out);
	CHECK(galley((const char *[]){ "config", dir, "set",
	    "mail_give_up_hours", "1", NULL }, NULL) == 0);
	CHECK(mail_test("old@example.org", &out) == 0);
	CHECK(db_exec(db, "UPDATE outbox SET created = created - 7200, due ="
	    " 0") == 0);
	CHECK(mail_test("young@example.org", &out) == 0);
	CHECK(out.data != NULL && strstr(out.data, "0 sent, 1 to retry, 1"
	    " given up") != NULL);
	CHECK(db_count(db, "SELECT count(*) FROM outbox WHERE rcpt ="
	    " 'old@example.org' AND status = 'failed' AND tries = 2 AND reply"
	    " LIKE '451 %'") == 1);
	CHECK(db_count(db, "SELECT count(*) FROM outbox WHERE rcpt ="
	    " 'young@example.org' AND status = 'queued' AND tries = 1") == 1);
	CHECK(smtp_count(&s) == 0);
	CHECK(galley((const char *[]){ "config", dir, "set",
	    "mail_give_up_hours", "48", NULL }, NULL) == 0);
	buf_reset(&out);
	end_case(&s);
}

/* A body that cannot be unsealed fails, and the others still go. */
static void
unsealable(void)
{
	struct smtp	 s;
	struct buf	 out;
	int		 d;

	if (!CHECK(start_case(&s, "smtp-sealed", 0, 0, 0) == 0))
		return;
	buf_init(&out);
	CHECK(queue(2, "sealed") == 0);
	CHECK(db_exec(db, getenv("GALLEY_DB") != NULL ?
	    "UPDATE outbox SET body = decode('00', 'hex') WHERE rcpt ="
	    " 'sealed-0@example.org'" : "UPDATE outbox SET body = X'00'"
	    " WHERE rcpt = 'sealed-0@example.org'") == 0);
	CHECK(mail_test("sealed-2@example.org", &out) == 0);
	CHECK(out.data != NULL && strstr(out.data, "2 sent, 0 to retry, 1"
	    " given up") != NULL);
	CHECK(db_count(db, "SELECT count(*) FROM outbox WHERE rcpt ="
	    " 'sealed-0@example.org' AND status = 'failed' AND reply LIKE"
	    " '%cannot be unsealed%'") == 1);
	CHECK(received_ids(&s, &d, NULL, NULL) == 2 && d == 2);
	buf_reset(&out);
	end_case(&s);
}

/*
 * kill -9 while the server holds a message it has not yet answered
 * for: after a restart every message arrives, at least once (the one
 * cut off perhaps twice, with one Message-ID).
 */
static void
killed(void)
{
	struct smtp	 s;
	struct srv	 srv;
	int		 n, d;

	if (!CHECK(start_case(&s, "smtp-kill", 0, 0, 1500) == 0))
		return;
	CHECK(conf_key("smtp_timeout", "5") == 0);
	CHECK(queue(3, "kill") == 0);
	if (!CHECK(srv_start(&srv, dir) == 0)) {
		end_case(&s);
		return;
	}
	CHECK(smtp_wait(&s, 1, 20000) >= 1);
	CHECK(kill(srv.pid, SIGKILL) == 0);
	CHECK(srv_stop(&srv) == -1);
	CHECK(db_count(db, "SELECT count(*) FROM outbox WHERE status ="
	    " 'sent'") == 0);
	if (!CHECK(srv_start(&srv, dir) == 0)) {
		end_case(&s);
		return;
	}
	CHECK(db_wait(db, "SELECT count(*) FROM outbox WHERE status = 'sent'",
	    3, 90000) == 3);
	CHECK_MSG(srv_stop(&srv) == 0, "the node stops cleanly");
	n = received_ids(&s, &d, NULL, NULL);
	fprintf(stderr, "kill -9: %d messages received, %d distinct\n", n, d);
	CHECK_MSG(d == 3 && n >= 3 && n <= 4, "every message at least once,"
	    " the one cut off at most twice");
	CHECK(conf_key("smtp_timeout", "60") == 0);
	end_case(&s);
}

/* A loopback port that takes connections and never says a word. */
static int
mute_server(int *port)
{
	struct sockaddr_in	 sa;
	socklen_t		 len = sizeof(sa);
	int			 fd;

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		return -1;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == -1 ||
	    listen(fd, 8) == -1 ||
	    getsockname(fd, (struct sockaddr *)&sa, &len) == -1) {
		close(fd);
		return -1;
	}
	*port = ntohs(sa.sin_port);
	return fd;
}

/*
 * Stopping: a node stopped while its mail server is mute stops at once
 * and gives the message back untried; one stopped while the server
 * holds the whole message waits for its answer, so the message is not
 * sent twice.  Meanwhile the sender holds no database connection:
 * the row it is sending can be written.
 */
static void
stopping(void)
{
	struct smtp	 s, mute;
	struct srv	 srv;
	int		 fd;

	memset(&mute, 0, sizeof(mute));
	if (!CHECK((fd = mute_server(&mute.port)) != -1))
		return;
	CHECK(site_mail(dir, &mute, 1) == 0);
	CHECK(db_exec(db, "DELETE FROM outbox") == 0);
	CHECK(queue(1, "mute") == 0);
	if (!CHECK(srv_start(&srv, dir) == 0)) {
		close(fd);
		return;
	}
	CHECK(db_wait(db, "SELECT count(*) FROM outbox WHERE lease > 0", 1,
	    20000) == 1);
	CHECK_MSG(srv_stop(&srv) == 0, "stops at once, not after"
	    " smtp_timeout");
	CHECK(db_count(db, "SELECT count(*) FROM outbox WHERE status ="
	    " 'queued' AND lease = 0 AND tries = 0") == 1);
	close(fd);

	if (!CHECK(start_case(&s, "smtp-stop", 0, 0, 3000) == 0))
		return;
	CHECK(queue(1, "stop") == 0);
	if (!CHECK(srv_start(&srv, dir) == 0)) {
		end_case(&s);
		return;
	}
	CHECK(smtp_wait(&s, 1, 20000) == 1);
	CHECK(db_exec(db, getenv("GALLEY_DB") != NULL ?
	    "SET lock_timeout = '2s'; UPDATE outbox SET reply = reply" :
	    "UPDATE outbox SET reply = reply") == 0);
	CHECK_MSG(db_count(db, "SELECT count(*) FROM outbox WHERE status ="
	    " 'queued' AND lease > 0") == 1, "written while being sent");
	CHECK_MSG(srv_stop(&srv) == 0, "stops once the server answers");
	CHECK(db_count(db, "SELECT count(*) FROM outbox WHERE status ="
	    " 'sent'") == 1);
	CHECK(smtp_count(&s) == 1);
	end_case(&s);
}

/* An idle node with mail waiting for later does not spin. */
static void
idle(void)
{
	struct smtp	 s;
	struct srv	 srv;
	char		 path[64], stat[1024], *p;
	long		 ticks[2];
	int		 i;
	FILE		*f;

	if (!CHECK(start_case(&s, "smtp-idle", 0, 0, 0) == 0))
		return;
	CHECK(queue(2, "idle") == 0);
	CHECK(db_exec(db, "UPDATE outbox SET due = due + 3600") == 0);
	if (!CHECK(srv_start(&srv, dir) == 0)) {
		end_case(&s);
		return;
	}
	/*
	 * One due in an hour; one due now but leased for an hour by another
	 * sender (set once this node has started: SQLite's lone node ends
	 * leases at its start).
	 */
	CHECK(db_exec(db, "UPDATE outbox SET due = due - 3600, lease = due"
	    " WHERE rcpt = 'idle-1@example.org'") == 0);
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)srv.pid);
	for (i = 0; i < 2; i++) {
		if (i == 1)
			sleep(6);
		ticks[i] = -1;
		if ((f = fopen(path, "r")) == NULL)
			continue;
		/* utime and stime: fields 14 and 15, after "(comm)". */
		if (fgets(stat, sizeof(stat), f) != NULL &&
		    (p = strrchr(stat, ')')) != NULL) {
			long	 ut, st;

			if (sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u"
			    " %*u %*u %ld %ld", &ut, &st) == 2)
				ticks[i] = ut + st;
		}
		fclose(f);
	}
	fprintf(stderr, "idle: %ld CPU ticks in 6 s\n", ticks[1] - ticks[0]);
	CHECK_MSG(ticks[0] >= 0 && ticks[1] - ticks[0] < 60, "under 0.6 s of"
	    " CPU in 6 s idle");
	CHECK(smtp_count(&s) == 0);
	CHECK_MSG(srv_stop(&srv) == 0, "the node stops cleanly");
	end_case(&s);
}

/* Sent rows older than 30 days go; younger ones and failed ones stay. */
static void
prune(void)
{
	struct smtp	 s;
	struct srv	 srv;
	struct buf	 out;

	if (!CHECK(start_case(&s, "smtp-prune", 1, 550, 0) == 0))
		return;
	buf_init(&out);
	CHECK(mail_test("failed@example.org", &out) == 0);
	CHECK(mail_test("old@example.org", &out) == 0);
	CHECK(mail_test("recent@example.org", &out) == 0);
	CHECK(db_exec(db, "UPDATE outbox SET sent = sent - 31 * 86400,"
	    " created = created - 31 * 86400 WHERE rcpt = 'old@example.org'")
	    == 0);
	CHECK(db_exec(db, "UPDATE outbox SET sent = sent - 29 * 86400,"
	    " created = created - 29 * 86400 WHERE rcpt ="
	    " 'recent@example.org'") == 0);
	CHECK(db_exec(db, "UPDATE outbox SET created = created - 90 * 86400"
	    " WHERE rcpt = 'failed@example.org'") == 0);
	CHECK(db_count(db, "SELECT count(*) FROM outbox") == 3);
	if (!CHECK(srv_start(&srv, dir) == 0)) {
		end_case(&s);
		return;
	}
	CHECK(db_wait(db, "SELECT count(*) FROM outbox", 2, 20000) == 2);
	CHECK_MSG(srv_stop(&srv) == 0, "the node stops cleanly");
	CHECK(db_count(db, "SELECT count(*) FROM outbox WHERE rcpt ="
	    " 'recent@example.org' AND status = 'sent'") == 1);
	CHECK(db_count(db, "SELECT count(*) FROM outbox WHERE rcpt ="
	    " 'failed@example.org' AND status = 'failed'") == 1);
	buf_reset(&out);
	end_case(&s);
}

/* Whether a node's log says it sent one message or more ("mail: 3 sent"). */
static int
sent_some(const char *log)
{
	const char	*p;
	char		*end;

	for (p = log; p != NULL && (p = strstr(p, "mail: ")) != NULL; p++)
		if (strtol(p + 6, &end, 10) > 0 && strncmp(end, " sent, ", 7) ==
		    0)
			return 1;
	return 0;
}

/*
 * Two nodes on one PostgreSQL database, one SMTP server, 200 messages:
 * both send, and the server gets each exactly once.  The mail is queued
 * once both nodes are up (a node under ASan can take longer to start
 * than the other takes to send it all), and the server takes 50 ms a
 * message: 10 s for one node alone, more than the 5 s (IDLE_MS) within
 * which each node looks again.  Each log is read after its node stops,
 * so its last pass has said what it sent.
 */
static void
two_nodes(void)
{
	struct smtp	 s;
	struct srv	 a, b;
	struct buf	 la, lb;
	char		*dirb, cmd[700];
	int		 n, d;

	if (!CHECK(start_case(&s, "smtp-nodes", 0, 0, 50) == 0))
		return;
	if (!CHECK((dirb = site_node(dir)) != NULL)) {
		end_case(&s);
		return;
	}
	if (!CHECK(srv_start(&a, dir) == 0)) {
		free(dirb);
		end_case(&s);
		return;
	}
	buf_init(&la);
	buf_init(&lb);
	if (CHECK(srv_start(&b, dirb) == 0)) {
		CHECK(queue(200, "nodes") == 0);
		CHECK(db_wait(db, "SELECT count(*) FROM outbox WHERE status ="
		    " 'sent'", 200, 120000) == 200);
		CHECK_MSG(srv_stop_log(&b, &lb) == 0, "node B stops cleanly");
		CHECK_MSG(sent_some(lb.data), "node B sent some");
	}
	CHECK_MSG(srv_stop_log(&a, &la) == 0, "node A stops cleanly");
	CHECK_MSG(sent_some(la.data), "node A sent some");
	buf_reset(&la);
	buf_reset(&lb);
	n = received_ids(&s, &d, NULL, NULL);
	fprintf(stderr, "two nodes: %d messages received, %d distinct\n", n,
	    d);
	CHECK_MSG(n == 200 && d == 200, "200 messages, each once");
	CHECK(db_count(db, "SELECT sum(tries) FROM outbox") == 200);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dirb);
	CHECK(system(cmd) == 0);
	free(dirb);
	end_case(&s);
}

int
main(void)
{
	char	 cmd[700];

	dir = tmp_path("outbox");
	if (getenv("GALLEY_DB") != NULL)
		CHECK(galley((const char *[]){ "init", dir, "--db",
		    getenv("GALLEY_DB"), NULL }, NULL) == 0);
	else
		CHECK(galley((const char *[]){ "init", dir, NULL }, NULL) ==
		    0);
	db = site_db(dir);
	mail_off();
	headers();
	try_again();
	server_down();
	refused();
	give_up();
	unsealable();
	killed();
	stopping();
	idle();
	prune();
	if (getenv("GALLEY_DB") != NULL)
		two_nodes();
	else
		fprintf(stderr, "two nodes: PostgreSQL only, skipped\n");
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	CHECK(system(cmd) == 0);
	free(dir);
	return check_done();
}
