/*
 * test_notify: a reader's reply notifications end to end, on SQLite and
 * (tests/run.sh's second pass) PostgreSQL: the real server over HTTP,
 * its own sender, and a real SMTP server (tests/smtp_sink.py, aiosmtpd)
 * whose messages are read back and parsed with GMime.  The comment
 * form's box (absent with mail off, unticked, kept on a refused form);
 * one confirmation and nothing else before it is followed; links that
 * change nothing on GET; a notification of an approved reply with its
 * headers and MIME; a held reply told only once approved in the admin;
 * no mail for replying to oneself; RFC 8058's one-click unsubscribe;
 * stopping everything, queued mail too; forged tokens refused; the
 * hourly limit and its digest; and the privacy export and erasure.
 *
 * The sender works on its own time, so "nothing was sent" is shown
 * with a sentinel (sync): a comment asking a fresh address for its
 * confirmation, an event after every earlier one; once its message is
 * in and nothing is left queued, whatever the earlier events caused
 * has arrived.
 */
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>

#include "buf.h"
#include "check.h"
#include "http.h"

#define ARTICLE "/2015/10/russian-isis-strikes-hit-us-backed-anti-isis-groups-instead/"
#define BASE	"https://news.example.org"
#define PW	"correct horse battery"
#define RITA	"rita@example.org"
#define LENA	"lena@example.org"
#define BOB	"bob@example.org"

static const char	*site, *dbw;	/* the site; where its database is */
static struct smtp	 mail;
static int		 seen;		/* messages looked at so far */
static int		 sentinels;

static void
set(const char *key, const char *value)
{
	char	 what[200];

	snprintf(what, sizeof(what), "config set %s %s", key, value);
	CHECK_MSG(run_galley((const char *[]){ "config", site, "set", key,
	    value, NULL }, NULL) == 0, what);
}

static long long
count(const char *sql)
{
	return db_count(dbw, sql);
}

/*
 * POSTs the comment form to ARTICLE; returns the status, and the new
 * comment's id (from the redirect's #comment-N) in *id if asked.
 */
static long
comment(struct srv *s, const char *author, const char *email,
    const char *text, long long parent, int notify, long long *id)
{
	char		 par[24];
	const char	*f[] = { "post", "1", "parent", par, "author", author,
	    "email", email, "comment", text, "url", "", notify ? "notify" :
	    NULL, "yes", NULL }, *loc;
	struct resp	 r;
	long		 st;

	snprintf(par, sizeof(par), "%lld", parent);
	if (http_post(s, "/comments", f, 0, NULL, NULL, &r) != 0)
		return -1;
	st = r.status;
	loc = resp_header(&r, "Location");
	if (id != NULL)
		*id = loc != NULL && strstr(loc, "#comment-") != NULL ?
		    atoll(strstr(loc, "#comment-") + 9) : 0;
	resp_free(&r);
	return st;
}

/* Waits up to 20 s for sql to count n; returns 1 if it did. */
static int
until(const char *sql, long long n)
{
	return db_wait(dbw, sql, n, 20000) == n;
}

/* A message the SMTP server took, parsed. */
struct msg {
	char		*raw;
	char		*rcpt;
	GMimeMessage	*m;
	char		*text;
	char		*html;
};

static void
msg_free(struct msg *m)
{
	free(m->raw);
	free(m->rcpt);
	free(m->text);
	free(m->html);
	if (m->m != NULL)
		g_object_unref(m->m);
	memset(m, 0, sizeof(*m));
}

/* Message i, parsed, its text and HTML parts decoded; 0, or -1. */
static int
msg_get(int i, struct msg *m)
{
	GMimeObject	*body;

	memset(m, 0, sizeof(*m));
	if ((m->raw = smtp_message(&mail, i, &m->rcpt)) == NULL ||
	    (m->m = mail_parse(m->raw, strlen(m->raw))) == NULL)
		return -1;
	body = g_mime_message_get_mime_part(m->m);
	m->text = mail_part(body, "text", "plain");
	m->html = mail_part(body, "text", "html");
	return 0;
}

static const char *
header(const struct msg *m, const char *name)
{
	const char	*v = g_mime_object_get_header(GMIME_OBJECT(m->m), name);

	return v != NULL ? v : "";
}

/*
 * Waits until the sender has acted on every event before now (see the
 * top of the file), then fills out[] with the messages that came since
 * the last look, the sentinel's left out; returns how many (at most
 * max), or -1 if the sentinel never came.
 */
static int
sync_mail(struct srv *s, int *out, int max)
{
	char		 name[40], email[80], text[80];
	struct msg	 m;
	int		 n = 0, i, got = -1, total;

	sentinels++;
	snprintf(name, sizeof(name), "Sentinel %d", sentinels);
	snprintf(email, sizeof(email), "sentinel-%d@example.org", sentinels);
	snprintf(text, sizeof(text), "Sentinel comment %d.", sentinels);
	if (!CHECK(comment(s, name, email, text, 0, 1, NULL) == 303))
		return -1;
	for (total = seen; got < 0 && smtp_wait(&mail, total + 1, 20000) >
	    total; total++)
		if (msg_get(total, &m) == 0 && m.rcpt != NULL &&
		    strstr(m.rcpt, email) != NULL)
			got = total;
		else
			msg_free(&m);
	msg_free(&m);
	if (!CHECK_MSG(got >= 0, "the sentinel's confirmation came"))
		return -1;
	CHECK(until("SELECT count(*) FROM mail_events", 0));
	CHECK(until("SELECT count(*) FROM outbox WHERE status = 'queued'",
	    0));
	total = smtp_count(&mail);
	for (i = seen; i < total; i++) {
		if (msg_get(i, &m) == 0 && m.rcpt != NULL &&
		    strstr(m.rcpt, "sentinel-") == NULL && n < max)
			out[n++] = i;
		msg_free(&m);
	}
	seen = total;
	return n;
}

/* The first URL in s that begins with BASE "/mail/WHAT?t=", heap. */
static char *
link_of(const char *s, const char *what)
{
	char		 pre[80];
	const char	*p;

	snprintf(pre, sizeof(pre), BASE "/mail/%s?t=", what);
	if (s == NULL || (p = strstr(s, pre)) == NULL)
		return NULL;
	p += strlen(BASE);
	return strndup(p, strspn(p, "/abcdefghijklmnopqrstuvwxyz?=."
	    "0123456789ABCDEF%"));
}

static long
get(struct srv *s, const char *path, struct resp *r)
{
	if (http_get(s, path, r) != 0)
		return -1;
	return r->status;
}

/* GET path: its status, and 1 in *button if it offers a POST form. */
static long
look(struct srv *s, const char *path, int *button)
{
	struct resp	 r;
	htmlDocPtr	 doc;
	long		 st;

	*button = 0;
	if ((st = get(s, path, &r)) == -1)
		return -1;
	doc = html_parse(&r);
	*button = xp_count(doc, "//form[@method='post']//button") == 1;
	xmlFreeDoc(doc);
	CHECK(strstr(resp_header(&r, "Cache-Control"), "no-store") != NULL);
	resp_free(&r);
	return st;
}

/*
 * RFC 8058's one-click: a POST of "List-Unsubscribe=One-Click" to the
 * link, as a mail client sends it from its own servers: no cookie, and
 * an Origin that is not ours.  Returns the status.
 */
static long
one_click(struct srv *s, const char *path)
{
	const char	*f[] = { "List-Unsubscribe", "One-Click", NULL };
	const char	*h[] = { "Origin: https://mail.example.net", NULL };
	struct resp	 r;
	long		 st;

	if (http_post(s, path, f, 0, NULL, h, &r) != 0)
		return -1;
	st = r.status;
	resp_free(&r);
	return st;
}

/* Mail off: no box, and a ticked one (sent by hand) records nothing. */
static void
mail_off(struct srv *s)
{
	struct resp	 r;
	htmlDocPtr	 doc;

	CHECK(get(s, ARTICLE, &r) == 200);
	doc = html_parse(&r);
	CHECK(xp_count(doc, "//input[@name='notify']") == 0);
	CHECK(xp_count(doc, "//form[@id='commentform']") == 1);
	xmlFreeDoc(doc);
	resp_free(&r);
	CHECK(comment(s, "Early", "early@example.org", "Before mail.", 0, 1,
	    NULL) == 303);
	CHECK(count("SELECT count(*) FROM mail_addresses") == 0);
	CHECK(count("SELECT count(*) FROM mail_events") == 0);
}

/* The box: there, unticked; a refused form keeps it as it was left. */
static void
form(struct srv *s)
{
	const char	*ticked[] = { "post", "1", "author", "", "email",
	    RITA, "comment", "No name.", "notify", "yes", NULL };
	struct resp	 r;
	htmlDocPtr	 doc;
	char		*v;
	int		 tick;

	CHECK(get(s, ARTICLE, &r) == 200);
	doc = html_parse(&r);
	CHECK(xp_count(doc, "//form[@id='commentform']//input[@type="
	    "'checkbox' and @name='notify' and @value='yes']") == 1);
	CHECK(xp_count(doc, "//input[@name='notify' and @checked]") == 0);
	v = xp_text(doc, "//label[@for='notify']");
	CHECK_STR(v != NULL ? v : "", "Notify me of replies by email");
	free(v);
	xmlFreeDoc(doc);
	resp_free(&r);

	for (tick = 1; tick >= 0; tick--) {
		ticked[8] = tick ? "notify" : NULL;
		CHECK(http_post(s, "/comments", ticked, 0, NULL, NULL, &r) ==
		    0 && r.status == 422);
		doc = html_parse(&r);
		CHECK(xp_count(doc, "//span[@id='author-error']") == 1);
		CHECK(xp_count(doc, "//input[@name='notify']") == 1);
		CHECK(xp_count(doc, "//input[@name='notify' and @checked]") ==
		    tick);
		xmlFreeDoc(doc);
		resp_free(&r);
	}
	CHECK(count("SELECT count(*) FROM mail_addresses") == 0);
}

static long long	 c1, c2, c3;	/* Rita's, Rita's, Lena's */
static char		*confirm_link;

/* One confirmation, and nothing else until it is followed. */
static void
confirmation(struct srv *s)
{
	int		 got[8], n;
	struct msg	 m;
	char		*stop;

	CHECK(comment(s, "Rita", "Rita@Example.ORG", "A question for the"
	    " author: where did the strikes land?", 0, 1, &c1) == 303);
	CHECK(c1 > 0);
	CHECK(count("SELECT count(*) FROM mail_addresses WHERE email ="
	    " 'rita@example.org' AND asked > 0 AND confirmed = 0 AND"
	    " stopped = 0") == 1);
	n = sync_mail(s, got, 8);
	if (!CHECK(n == 1) || !CHECK(msg_get(got[0], &m) == 0))
		return;
	CHECK_STR(m.rcpt, RITA);
	CHECK(strstr(header(&m, "To"), RITA) != NULL);
	CHECK(strstr(header(&m, "Subject"), "Confirm") != NULL);
	CHECK(*header(&m, "Message-ID") != '\0');
	CHECK(g_mime_content_type_is_type(g_mime_object_get_content_type(
	    g_mime_message_get_mime_part(m.m)), "multipart", "alternative"));
	CHECK(m.text != NULL && m.html != NULL);
	confirm_link = link_of(m.text, "confirm");
	CHECK(confirm_link != NULL);
	CHECK(m.html != NULL && strstr(m.html, "href=\"" BASE
	    "/mail/confirm?t=") != NULL);
	/* Nothing a commenter typed goes to the address before it says so. */
	CHECK(strstr(m.raw, "strikes land") == NULL);
	/* Who did not ask can stop even the next one: the stop link. */
	stop = link_of(header(&m, "List-Unsubscribe"), "stop");
	CHECK(stop != NULL);
	CHECK_STR(header(&m, "List-Unsubscribe-Post"),
	    "List-Unsubscribe=One-Click");
	free(stop);
	msg_free(&m);

	/* Before it is confirmed: a second subscription, a reply; silence. */
	CHECK(comment(s, "Rita", RITA, "And another thing.", 0, 1, &c2) ==
	    303);
	CHECK(comment(s, "Bob", BOB, "An early answer.", c1, 0, NULL) == 303);
	CHECK(sync_mail(s, got, 8) == 0);
	CHECK(count("SELECT count(*) FROM mail_subscriptions s JOIN"
	    " mail_addresses a ON a.id = s.address_id WHERE a.email ="
	    " 'rita@example.org'") == 2);
	CHECK(count("SELECT count(*) FROM mail_held") == 0);
}

/* Forged, foreign and garbled tokens: a 404 page, nothing changed. */
static void
forged(struct srv *s)
{
	char		 bad[300], *t;
	const char	*unconfirmed = "SELECT count(*) FROM mail_addresses"
			    " WHERE email = 'rita@example.org' AND"
			    " confirmed = 0 AND stopped = 0";
	struct resp	 r;
	int		 button;

	if (confirm_link == NULL)
		return;
	snprintf(bad, sizeof(bad), "%s", confirm_link);
	t = bad + strlen(bad) - 1;
	*t = *t == '0' ? '1' : '0';	/* one hex digit of the MAC */
	CHECK(look(s, bad, &button) == 404 && !button);
	CHECK(one_click(s, bad) == 404);
	/* The same MAC for another address. */
	snprintf(bad, sizeof(bad), "/mail/confirm?t=99%s", strstr(
	    confirm_link, "t=") + 2);
	CHECK(one_click(s, bad) == 404);
	/* A confirmation's token does not stop anything. */
	snprintf(bad, sizeof(bad), "/mail/stop?%s", strstr(confirm_link,
	    "t="));
	CHECK(one_click(s, bad) == 404);
	CHECK(one_click(s, "/mail/confirm?t=abc") == 404);
	CHECK(one_click(s, "/mail/confirm") == 404);
	CHECK(get(s, "/mail/whatever?t=1.00", &r) == 404);
	resp_free(&r);
	CHECK(get(s, "/mail/confirm?t=1.0123456789abcdef0123456789abcdef",
	    &r) == 404 && strstr(r.body.data, "This link does not work"));
	resp_free(&r);
	CHECK(count(unconfirmed) == 1);
}

/* GET shows a button and changes nothing; the POST confirms. */
static void
confirm(struct srv *s)
{
	struct resp	 r;
	int		 button;

	if (confirm_link == NULL)
		return;
	CHECK(look(s, confirm_link, &button) == 200 && button);
	CHECK(look(s, confirm_link, &button) == 200 && button);
	CHECK(count("SELECT count(*) FROM mail_addresses WHERE email ="
	    " 'rita@example.org' AND confirmed = 0") == 1);
	CHECK(http_post(s, confirm_link, (const char *[]){ NULL }, 0, NULL,
	    NULL, &r) == 0 && r.status == 200 && strstr(r.body.data,
	    "Confirmed") != NULL);
	resp_free(&r);
	CHECK(count("SELECT count(*) FROM mail_addresses WHERE email ="
	    " 'rita@example.org' AND confirmed > 0") == 1);
	CHECK(look(s, confirm_link, &button) == 200 && !button);
}

static char	*unsub_c1;	/* Rita's one-click link for c1 */

/* An approved reply: one message, to the right place, in good form. */
static void
notification(struct srv *s)
{
	int		 got[8], n, button;
	long long	 reply;
	struct msg	 m;
	char		 want[300], *stop, *p;
	struct resp	 r;

	CHECK(comment(s, "Bob <Builder>", BOB, "Thanks <b>Rita</b> & co:"
	    " north of the river.", c1, 0, &reply) == 303);
	n = sync_mail(s, got, 8);
	if (!CHECK(n == 1) || !CHECK(msg_get(got[0], &m) == 0))
		return;
	CHECK_STR(m.rcpt, RITA);
	CHECK(strstr(header(&m, "To"), RITA) != NULL);
	CHECK(strstr(header(&m, "Subject"), "New reply to your comment") !=
	    NULL);
	CHECK(*header(&m, "Message-ID") != '\0');
	CHECK(*header(&m, "Date") != '\0');
	CHECK_STR(header(&m, "List-Unsubscribe-Post"),
	    "List-Unsubscribe=One-Click");
	unsub_c1 = link_of(header(&m, "List-Unsubscribe"), "unsubscribe");
	CHECK(unsub_c1 != NULL && header(&m, "List-Unsubscribe")[0] == '<');
	CHECK(g_mime_content_type_is_type(g_mime_object_get_content_type(
	    g_mime_message_get_mime_part(m.m)), "multipart", "alternative"));
	/* The text as typed; escaped once in the HTML part. */
	CHECK(m.text != NULL && strstr(m.text, "Thanks <b>Rita</b> & co:"
	    " north of the river.") != NULL);
	CHECK(m.text != NULL && strstr(m.text, "Bob <Builder> replied") !=
	    NULL);
	CHECK(m.html != NULL && strstr(m.html, "Thanks &lt;b&gt;Rita&lt;/b&gt;"
	    " &amp; co:") != NULL && strstr(m.html, "<b>Rita") == NULL);
	CHECK(m.html != NULL && strstr(m.html, "Bob &lt;Builder&gt;") != NULL);
	/* Her own words, quoted; the reply in place on the article. */
	CHECK(m.text != NULL && strstr(m.text, "where did the strikes land?"));
	snprintf(want, sizeof(want), BASE ARTICLE "#comment-%lld", reply);
	CHECK(m.text != NULL && strstr(m.text, want) != NULL);
	snprintf(want, sizeof(want), "id=\"comment-%lld\"", reply);
	CHECK(get(s, ARTICLE, &r) == 200 && strstr(r.body.data, want));
	resp_free(&r);
	/* Both links in the footer; opening them changes nothing. */
	stop = link_of(m.text, "stop");
	CHECK(stop != NULL && m.html != NULL && (p = strstr(m.html,
	    "/mail/stop?t=")) != NULL);
	CHECK(unsub_c1 != NULL && look(s, unsub_c1, &button) == 200 &&
	    button);
	CHECK(stop != NULL && look(s, stop, &button) == 200 && button);
	CHECK(count("SELECT count(*) FROM mail_subscriptions WHERE"
	    " comment_id IN (SELECT id FROM comments WHERE email = 'Rita@"
	    "Example.ORG' OR email = 'rita@example.org')") == 2);
	CHECK(count("SELECT count(*) FROM mail_addresses WHERE stopped <> 0")
	    == 0);
	free(stop);
	msg_free(&m);
}

/* A held reply tells no one until approved in the admin. */
static void
held(struct srv *s, const char *admin)
{
	char		 id[24];
	long long	 reply;
	int		 got[8], n, i;
	struct msg	 m;
	struct resp	 r;

	CHECK(comment(s, "Bob", BOB, "holdme: a reply to moderate.", c1, 0,
	    &reply) == 303);
	snprintf(id, sizeof(id), "%lld", reply);
	CHECK(count("SELECT count(*) FROM comments WHERE status = 'pending'"
	    " AND content LIKE 'holdme:%'") == 1);
	CHECK(sync_mail(s, got, 8) == 0);
	CHECK(http_post(s, "/admin/comments/", (const char *[]){ "csrf",
	    admin_csrf(s, admin), "action", "approve", "id", id, NULL }, 0,
	    NULL, (const char *[]){ admin, NULL }, &r) == 0 &&
	    r.status == 303);
	resp_free(&r);
	n = sync_mail(s, got, 8);
	if (!CHECK(n == 1) || !CHECK(msg_get(got[0], &m) == 0))
		return;
	CHECK_STR(m.rcpt, RITA);
	CHECK(m.text != NULL && strstr(m.text, "a reply to moderate."));
	msg_free(&m);
	/* Unapproved and approved again, or spam and not: told once only. */
	for (i = 0; i < 4; i++) {
		CHECK(http_post(s, "/admin/comments/", (const char *[]){
		    "csrf", admin_csrf(s, admin), "action", (const char *[]){
		    "unapprove", "approve", "spam", "notspam" }[i], "id", id,
		    NULL }, 0, NULL, (const char *[]){ admin, NULL }, &r) ==
		    0 && r.status == 303);
		resp_free(&r);
	}
	CHECK(count("SELECT count(*) FROM comments WHERE status ="
	    " 'approved' AND content LIKE 'holdme: a reply%'") == 1);
	CHECK(sync_mail(s, got, 8) == 0);
	/*
	 * A held reply put in the trash tells no one.  (Not spam: the
	 * filter would then know every comment from this address.)
	 */
	CHECK(comment(s, "Bob", BOB, "holdme: one for the bin.", c1, 0,
	    &reply) == 303);
	snprintf(id, sizeof(id), "%lld", reply);
	CHECK(http_post(s, "/admin/comments/", (const char *[]){ "csrf",
	    admin_csrf(s, admin), "action", "trash", "id", id, NULL }, 0,
	    NULL, (const char *[]){ admin, NULL }, &r) == 0 &&
	    r.status == 303);
	resp_free(&r);
	CHECK(sync_mail(s, got, 8) == 0);
}

/*
 * A comment stored as spam subscribes no one: the site sends nothing
 * because of spam, not even a confirmation to the address it names.
 */
static void
spam(struct srv *s)
{
	int	 got[8];

	set("disallowed_words", "cheapwatches");
	/* From an address of its own: the filter then suspects its others. */
	http_from("127.0.0.66");
	CHECK(comment(s, "Spammer", "victim@example.org", "cheapwatches for"
	    " all", 0, 1, NULL) == 303);
	http_from(NULL);
	CHECK(count("SELECT count(*) FROM comments WHERE status = 'spam'") ==
	    1);
	CHECK(sync_mail(s, got, 8) == 0);
	CHECK(count("SELECT count(*) FROM mail_addresses WHERE email ="
	    " 'victim@example.org'") == 0);
	set("disallowed_words", "");
}

/*
 * One mailbox under many names: vera+one@ and vera+two@ reach vera@'s
 * inbox, so a stranger who types them in turn still costs her one
 * confirmation a week, and none at all once she has stopped mail.
 */
static void
mailbox(struct srv *s)
{
	int		 got[8], n;
	struct msg	 m;
	char		*stop = NULL;

	CHECK(comment(s, "Vera", "vera+one@example.org", "Tagged once.", 0,
	    1, NULL) == 303);
	n = sync_mail(s, got, 8);
	if (CHECK(n == 1) && CHECK(msg_get(got[0], &m) == 0)) {
		CHECK_STR(m.rcpt, "vera+one@example.org");
		stop = link_of(m.text, "stop");
		msg_free(&m);
	}
	CHECK(comment(s, "Vera", "vera+two@example.org", "Tagged twice.", 0,
	    1, NULL) == 303);
	CHECK(comment(s, "Vera", "Vera@example.org", "Untagged.", 0, 1,
	    NULL) == 303);
	CHECK(sync_mail(s, got, 8) == 0);
	/* Another mailbox is another person: asked, as ever. */
	CHECK(comment(s, "Verab", "verab+one@example.org", "Not Vera.", 0,
	    1, NULL) == 303);
	CHECK(sync_mail(s, got, 8) == 1);
	/* A week on, but she stopped all mail: no name of hers is asked. */
	CHECK(stop != NULL && one_click(s, stop) == 200);
	CHECK(db_exec(dbw, "UPDATE mail_addresses SET asked = asked -"
	    " 700000 WHERE email LIKE 'vera%'") == 0);
	CHECK(comment(s, "Vera", "vera+three@example.org", "Tagged again.",
	    0, 1, NULL) == 303);
	CHECK(sync_mail(s, got, 8) == 0);
	free(stop);
}

/* Replying to oneself, in any case of the address, tells no one. */
static void
self(struct srv *s)
{
	int	 got[8];

	CHECK(comment(s, "Rita", "RITA@example.org", "Answering myself.",
	    c1, 0, NULL) == 303);
	CHECK(sync_mail(s, got, 8) == 0);
}

/* One click ends the thread's subscription, and only that one. */
static void
unsubscribe(struct srv *s)
{
	int		 got[8], n, button;
	struct msg	 m;
	struct resp	 r;
	char		 bad[300], *t;

	if (unsub_c1 == NULL)
		return;
	CHECK(one_click(s, unsub_c1) == 200);
	CHECK(count("SELECT count(*) FROM mail_subscriptions WHERE"
	    " comment_id = (SELECT id FROM comments WHERE content LIKE"
	    " 'A question for the author%')") == 0);
	/*
	 * A repeat succeeds and changes nothing (RFC 8058: a mail client
	 * may POST again); the page says so, with no button.
	 */
	CHECK(look(s, unsub_c1, &button) == 200 && !button);
	CHECK(one_click(s, unsub_c1) == 200);
	CHECK(http_post(s, unsub_c1, (const char *[]){ NULL }, 0, NULL,
	    NULL, &r) == 0 && r.status == 200 && strstr(r.body.data,
	    RITA " is not subscribed to this comment.") != NULL);
	resp_free(&r);
	CHECK(count("SELECT count(*) FROM mail_subscriptions s JOIN"
	    " mail_addresses a ON a.id = s.address_id WHERE a.email ="
	    " 'rita@example.org'") == 1);
	/* Still genuine links only: one digit off is refused. */
	snprintf(bad, sizeof(bad), "%s", unsub_c1);
	t = bad + strlen(bad) - 1;
	*t = *t == '0' ? '1' : '0';
	CHECK(one_click(s, bad) == 404);
	CHECK(comment(s, "Bob", BOB, "Still there, Rita?", c1, 0, NULL) ==
	    303);
	CHECK(sync_mail(s, got, 8) == 0);
	CHECK(comment(s, "Bob", BOB, "About your other thing.", c2, 0,
	    NULL) == 303);
	n = sync_mail(s, got, 8);
	if (CHECK(n == 1) && CHECK(msg_get(got[0], &m) == 0)) {
		CHECK_STR(m.rcpt, RITA);
		CHECK(m.text != NULL && strstr(m.text,
		    "About your other thing."));
		msg_free(&m);
	}
}

/* Follows the confirmation that came in message i by POST. */
static void
confirm_by(struct srv *s, int i)
{
	struct msg	 m;
	char		*l;

	if (!CHECK(msg_get(i, &m) == 0))
		return;
	l = link_of(m.text, "confirm");
	CHECK(l != NULL && one_click(s, l) == 200);
	free(l);
	msg_free(&m);
}

static char	*stop_lena;

/* mail_per_hour 2: the third and later in the hour come as one digest. */
static void
rate(struct srv *s)
{
	const char	*texts[] = { "First reply.", "Second reply.",
	    "Third reply.", "Fourth reply.", "Fifth reply." };
	int		 got[8], n, i, k;
	struct msg	 m;

	CHECK(comment(s, "Lena", LENA, "Lena's question.", 0, 1, &c3) ==
	    303);
	n = sync_mail(s, got, 8);
	if (!CHECK(n == 1))
		return;
	confirm_by(s, got[0]);
	set("mail_per_hour", "2");
	for (i = 0; i < 5; i++)
		CHECK(comment(s, "Bob", BOB, texts[i], c3, 0, NULL) == 303);
	n = sync_mail(s, got, 8);
	CHECK(n == 2);
	for (i = 0; i < n && i < 2; i++) {
		if (!CHECK(msg_get(got[i], &m) == 0))
			continue;
		CHECK_STR(m.rcpt, LENA);
		CHECK(strstr(header(&m, "Subject"), "New reply") != NULL);
		CHECK(m.text != NULL && strstr(m.text, texts[i]) != NULL);
		msg_free(&m);
	}
	CHECK(count("SELECT count(*) FROM mail_held WHERE waiting = 1") == 3);
	/* Nothing more within the hour, however long the wait. */
	CHECK(sync_mail(s, got, 8) == 0);
	/* The hour passes for those two. */
	CHECK(db_exec(dbw, "UPDATE outbox SET created = created - 3700"
	    " WHERE rcpt = 'lena@example.org'") == 0);
	n = sync_mail(s, got, 8);
	if (!CHECK(n == 1) || !CHECK(msg_get(got[0], &m) == 0))
		return;
	CHECK_STR(m.rcpt, LENA);
	CHECK(strstr(header(&m, "Subject"), "3 new replies") != NULL);
	for (i = 2, k = 0; i < 5; i++)
		k += m.text != NULL && strstr(m.text, texts[i]) != NULL &&
		    m.html != NULL && strstr(m.html, texts[i]) != NULL;
	CHECK(k == 3);
	CHECK(m.text != NULL && strstr(m.text, texts[0]) == NULL);
	/* Nothing left to tell: all five are marked told. */
	CHECK(count("SELECT count(*) FROM mail_held WHERE waiting < 2") == 0);
	CHECK(count("SELECT count(*) FROM mail_held h JOIN mail_addresses a"
	    " ON a.id = h.address_id WHERE a.email = 'lena@example.org'") ==
	    5);
	CHECK(count("SELECT count(*) FROM outbox WHERE rcpt ="
	    " 'lena@example.org' AND kind = 'digest'") == 1);
	/* The digest's one click stops everything. */
	stop_lena = link_of(header(&m, "List-Unsubscribe"), "stop");
	CHECK(stop_lena != NULL);
	msg_free(&m);
	set("mail_per_hour", "10");
}

/* Stop: subscriptions, queued mail and any later confirmation gone. */
static void
stop(struct srv *s)
{
	int	 got[8], button;

	if (stop_lena == NULL)
		return;
	/* A reply that cannot go out yet: the mail server is down. */
	smtp_stop(&mail);
	CHECK(comment(s, "Bob", BOB, "Stuck in the queue.", c3, 0, NULL) ==
	    303);
	CHECK(until("SELECT count(*) FROM outbox WHERE rcpt ="
	    " 'lena@example.org' AND status = 'queued' AND tries > 0", 1));
	CHECK(look(s, stop_lena, &button) == 200 && button);
	CHECK(count("SELECT count(*) FROM mail_addresses WHERE email ="
	    " 'lena@example.org' AND stopped <> 0") == 0);
	CHECK(one_click(s, stop_lena) == 200);
	CHECK(count("SELECT count(*) FROM mail_addresses WHERE email ="
	    " 'lena@example.org' AND stopped > 0") == 1);
	CHECK(count("SELECT count(*) FROM mail_subscriptions s JOIN"
	    " mail_addresses a ON a.id = s.address_id WHERE a.email ="
	    " 'lena@example.org'") == 0);
	CHECK(count("SELECT count(*) FROM outbox WHERE rcpt ="
	    " 'lena@example.org' AND status = 'queued'") == 0);
	CHECK(smtp_start(&mail, mail.dir, 0, 0) == 0);
	CHECK(look(s, stop_lena, &button) == 200 && !button);
	/* Asked again, it gets nothing: not even a confirmation. */
	CHECK(comment(s, "Lena", LENA, "Lena again.", 0, 1, NULL) == 303);
	CHECK(comment(s, "Bob", BOB, "Hello again, Lena.", c3, 0, NULL) ==
	    303);
	CHECK(sync_mail(s, got, 8) == 0);
	CHECK(count("SELECT count(*) FROM mail_subscriptions s JOIN"
	    " mail_addresses a ON a.id = s.address_id WHERE a.email ="
	    " 'lena@example.org'") == 0);
}

/* The privacy export of Rita's address, parsed; NULL if it failed. */
static json_t *
export(struct srv *s, const char *admin)
{
	struct resp	 r;
	json_t		*j = NULL;

	if (http_post(s, "/admin/privacy/", (const char *[]){ "csrf",
	    admin_csrf(s, admin), "action", "export", "email",
	    "Rita@Example.org", NULL }, 0, NULL, (const char *[]){ admin,
	    NULL }, &r) == 0 && r.status == 200)
		j = json_loads(r.body.data ? r.body.data : "", 0, NULL);
	resp_free(&r);
	return j;
}

/* A privacy erasure of email (anonymise) by admin; the status. */
static long
erase(struct srv *s, const char *admin, const char *email)
{
	struct resp	 r;
	long		 st;

	if (http_post(s, "/admin/privacy/", (const char *[]){ "csrf",
	    admin_csrf(s, admin), "action", "erase", "mode", "anonymise",
	    "confirm", "yes", "email", email, NULL }, 0, NULL,
	    (const char *[]){ admin, NULL }, &r) != 0)
		return -1;
	st = r.status;
	resp_free(&r);
	return st;
}

/* Export lists what mail holds; erasure takes all of it. */
static void
privacy(struct srv *s, const char *admin)
{
	json_t		*j, *mj, *subs, *msgs, *x;
	size_t		 i;
	int		 got[8], sent_confirm = 0, queued = 0;

	smtp_stop(&mail);
	CHECK(comment(s, "Bob", BOB, "One for the queue, Rita.", c2, 0,
	    NULL) == 303);
	CHECK(until("SELECT count(*) FROM outbox WHERE rcpt ="
	    " 'rita@example.org' AND status = 'queued' AND tries > 0", 1));
	j = export(s, admin);
	mj = json_object_get(j, "mail");
	CHECK_STR(json_string_value(json_object_get(json_object_get(mj,
	    "address"), "email")), RITA);
	CHECK(json_integer_value(json_object_get(json_object_get(mj,
	    "address"), "confirmed")) > 0);
	subs = json_object_get(mj, "subscriptions");
	CHECK(json_array_size(subs) == 1 && json_integer_value(
	    json_object_get(json_array_get(subs, 0), "comment_id")) == c2 &&
	    json_is_true(json_object_get(json_array_get(subs, 0),
	    "confirmed")) && json_integer_value(json_object_get(
	    json_array_get(subs, 0), "created")) > 0);
	msgs = json_object_get(mj, "messages");
	for (i = 0; i < json_array_size(msgs); i++) {
		x = json_array_get(msgs, i);
		CHECK(json_object_get(x, "body") == NULL);	/* never */
		sent_confirm += strstr(json_string_value(json_object_get(x,
		    "subject")), "Confirm") != NULL && strcmp(
		    json_string_value(json_object_get(x, "status")), "sent") ==
		    0 && json_integer_value(json_object_get(x, "sent")) > 0;
		queued += strcmp(json_string_value(json_object_get(x,
		    "status")), "queued") == 0 && strstr(json_string_value(
		    json_object_get(x, "subject")), "New reply") != NULL;
	}
	CHECK(sent_confirm == 1 && queued == 1);
	CHECK(json_array_size(msgs) >= 5);
	json_decref(j);

	CHECK(erase(s, admin, "RITA@example.org") == 303);
	CHECK(count("SELECT count(*) FROM mail_addresses WHERE email ="
	    " 'rita@example.org'") == 0);
	CHECK(count("SELECT count(*) FROM mail_subscriptions WHERE"
	    " comment_id IN (SELECT id FROM comments WHERE author ="
	    " 'Anonymous')") == 0);
	CHECK(count("SELECT count(*) FROM outbox WHERE lower(rcpt) ="
	    " 'rita@example.org'") == 0);
	/* Her old links no longer work, nor show the address. */
	CHECK(unsub_c1 == NULL || one_click(s, unsub_c1) == 404);
	CHECK(smtp_start(&mail, mail.dir, 0, 0) == 0);
	CHECK(sync_mail(s, got, 8) == 0);
	j = export(s, admin);
	mj = json_object_get(j, "mail");
	CHECK(json_is_null(json_object_get(mj, "address")));
	CHECK(json_array_size(json_object_get(mj, "subscriptions")) == 0);
	CHECK(json_array_size(json_object_get(mj, "messages")) == 0);
	json_decref(j);
}

/*
 * Erasing an address that stopped all mail keeps it stopped: only a
 * keyed hash of its mailbox stays, and a stranger who types it again,
 * with a "+tag" or without, has the site send it nothing.
 */
static void
erase_stopped(struct srv *s, const char *admin)
{
	int		 got[8];

	CHECK(count("SELECT count(*) FROM mail_addresses WHERE email ="
	    " 'lena@example.org' AND stopped <> 0") == 1);
	CHECK(erase(s, admin, "Lena@example.org") == 303);
	CHECK(count("SELECT count(*) FROM mail_addresses WHERE email LIKE"
	    " '%lena%'") == 0);
	CHECK(comment(s, "Not Lena", "lena@example.org", "Typed by someone"
	    " else.", 0, 1, NULL) == 303);
	CHECK(comment(s, "Not Lena", "lena+x@example.org", "And again.", 0,
	    1, NULL) == 303);
	CHECK(sync_mail(s, got, 8) == 0);
	/* Rita's, erased but never stopped, left nothing behind. */
	CHECK(count("SELECT count(*) FROM mail_addresses WHERE email NOT"
	    " LIKE '%@%'") == 1);
}

int
main(void)
{
	char		*dir = tmp_path("notify"), *mdir, cmd[1300], *admin;
	const char	*db = getenv("GALLEY_DB");
	struct srv	 s;
	char		 path[700];

	site = dir;
	if (sodium_init() < 0)
		return 1;
	CHECK(run_galley(db != NULL ? (const char *[]){ "init", dir, "--demo",
	    "--db", db, NULL } : (const char *[]){ "init", dir, "--demo",
	    NULL }, NULL) == 0);
	snprintf(path, sizeof(path), "%s/galley.db", dir);
	dbw = db != NULL ? db : path;
	set("comment_flood_seconds", "0");
	set("comment_min_seconds", "0");
	set("comment_moderate_first", "false");
	set("moderation_words", "holdme");
	set("base_url", BASE);
	/* Readers' mail alone here: staff notices have test_account_mail. */
	set("comments_notify", "false");
	set("moderation_notify", "false");
	CHECK(user_add(dir, "admin@example.org", "Ada Admin", "admin", PW) ==
	    0);

	if (!CHECK(srv_start(&s, dir) == 0))
		return check_done();
	mail_off(&s);
	CHECK(srv_stop(&s) == 0);

	mdir = tmp_path("notify-smtp");
	if (!CHECK(smtp_start(&mail, mdir, 0, 0) == 0) ||
	    !CHECK(site_mail(dir, &mail, 1) == 0) ||
	    !CHECK(srv_start(&s, dir) == 0))
		return check_done();
	admin = admin_login(&s, "admin@example.org", PW, NULL);
	CHECK(admin != NULL);
	form(&s);
	confirmation(&s);
	forged(&s);
	confirm(&s);
	notification(&s);
	if (admin != NULL)
		held(&s, admin);
	self(&s);
	spam(&s);
	mailbox(&s);
	unsubscribe(&s);
	rate(&s);
	stop(&s);
	if (admin != NULL) {
		privacy(&s, admin);
		erase_stopped(&s, admin);
	}
	CHECK_MSG(srv_stop(&s) == 0, "clean stop");
	smtp_free(&mail);
	free(admin);
	free(confirm_link);
	free(unsub_c1);
	free(stop_lena);
	snprintf(cmd, sizeof(cmd), "rm -rf %s %s", dir, mdir);
	CHECK(system(cmd) == 0);
	free(dir);
	free(mdir);
	return check_done();
}
