/*
 * test_account_mail: the mail staff and accounts get, end to end: the
 * real `galley serve` over HTTP, its sender delivering to a real SMTP
 * server (aiosmtpd, tests/smtp_sink.py), each message read back and
 * parsed with GMime as a mail client would.
 *
 * Staff notices: a held comment sends the post's author one notice with
 * its text, spam score and signals in words and a link into the admin,
 * whose GET changes nothing (the actions are POST forms with the CSRF
 * token); an approved one sends a notice with comments_notify on and
 * none with it off; spam sends none; notify_editors adds the editors
 * and admins, each once, never the comment's own writer.  Password
 * reset: asked for, mailed to the account's address, its page opened
 * twice, refused and accepted forms, the new password that signs in,
 * the old one and every old session that no longer do, the link that
 * works once, an expired link; an unknown address answered alike with
 * no mail; throttled per account and per address.  Invite: the account
 * with no password that a link sets one for.  Mail off: the login page
 * says so, the admin says so, the invite is refused.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "check.h"
#include "conf.h"
#include "http.h"

#define PW	"correct horse battery"
#define PW2	"a brand new secret phrase"
#define WAIT_MS	20000		/* the longest a message may take */

static const char	*site;
static char		 dbpath[600];
static struct smtp	 smtp;
static int		 seen;		/* messages read so far */

/* One message as received. */
struct mail {
	char	*rcpt;		/* envelope recipients, ','-joined */
	char	*to;		/* the To: header */
	char	*subject;
	char	*text;		/* the text part */
	char	*html;		/* the HTML part */
};

static void
mail_free(struct mail *m)
{
	free(m->rcpt);
	free(m->to);
	free(m->subject);
	free(m->text);
	free(m->html);
	memset(m, 0, sizeof(*m));
}

/* Waits for the next message and reads it into m; returns 0, or -1. */
static int
next_mail(struct mail *m)
{
	GMimeMessage		*gm;
	InternetAddressList	*to;
	char			*raw;

	memset(m, 0, sizeof(*m));
	if (smtp_wait(&smtp, seen + 1, WAIT_MS) < seen + 1)
		return -1;
	if ((raw = smtp_message(&smtp, seen++, &m->rcpt)) == NULL)
		return -1;
	gm = mail_parse(raw, strlen(raw));
	free(raw);
	if (gm == NULL)
		return -1;
	m->subject = strdup(g_mime_message_get_subject(gm) ?
	    g_mime_message_get_subject(gm) : "");
	to = g_mime_message_get_to(gm);
	m->to = internet_address_list_to_string(to, NULL, FALSE);
	m->text = mail_part(g_mime_message_get_mime_part(gm), "text",
	    "plain");
	m->html = mail_part(g_mime_message_get_mime_part(gm), "text", "html");
	g_object_unref(gm);
	return m->text != NULL && m->html != NULL ? 0 : -1;
}

/* The path of the first link in text that begins base + "/admin/". */
static char *
link_in(const char *text, const char *what)
{
	const char	*p = strstr(text != NULL ? text : "", what);

	if (p == NULL || (p = strstr(p, "/admin/")) == NULL)
		return NULL;
	return strndup(p, strcspn(p, " \n\r\t<>\""));
}

/* GET path with cookie (may be NULL); the status; r may be NULL. */
static long
get(struct srv *s, const char *path, const char *cookie, struct resp *r)
{
	struct resp	 mine;
	long		 st = http_get_as(s, path, cookie, r ? r : &mine);

	if (r == NULL && st != -1)
		resp_free(&mine);
	return st;
}

/* The value of the hidden field name on a page, or "" (static). */
static const char *
hidden(const struct resp *r, const char *name)
{
	static char	 v[200];
	char		 pat[64];
	const char	*p;

	snprintf(pat, sizeof(pat), "name=\"%s\" value=\"", name);
	v[0] = '\0';
	if (r->body.data != NULL && (p = strstr(r->body.data, pat)) != NULL)
		snprintf(v, sizeof(v), "%.*s", (int)strcspn(p + strlen(pat),
		    "\""), p + strlen(pat));
	return v;
}

/* POSTs a form with extra headers (or NULL); r may be NULL. */
static long
post(struct srv *s, const char *path, const char *const *f,
    const char *const *h, struct resp *r)
{
	struct resp	 mine;

	if (http_post(s, path, f, 0, NULL, h, r ? r : &mine) != 0)
		return -1;
	if (r == NULL)
		resp_free(&mine);
	return r ? r->status : mine.status;
}

/*
 * Sets a setting from the command line and waits until the server has
 * seen it: the tagline changes with it, and shows on the home page (on
 * PostgreSQL a node learns of a write moments after its commit).
 */
static void
setting(struct srv *s, const char *key, const char *value)
{
	static int	 n;
	char		 mark[64];

	CHECK(run_galley((const char *[]){ "config", site, "set", key, value,
	    NULL }, NULL) == 0);
	snprintf(mark, sizeof(mark), "Tagline mark %d", ++n);
	CHECK(run_galley((const char *[]){ "config", site, "set",
	    "site_tagline", mark, NULL }, NULL) == 0);
	CHECK_MSG(http_eventually(s, "/", mark), key);
}

/*
 * A reader's comment on post 1; with forged, a form stamp that is not
 * this site's (the no_token signal).  Returns the status.
 */
static long
comment(struct srv *s, const char *name, const char *email,
    const char *text, int forged)
{
	const char	*f[] = { "post", "1", "author", name, "email", email,
	    "comment", text, forged ? "stamp" : NULL, "1.forged", NULL };

	return post(s, "/comments", f, NULL, NULL);
}

/* The number sql counts. */
static long long
count(const char *sql)
{
	return db_count(dbpath, sql);
}

/*
 * notify_per_hour: a flood of comments sends each staff address that
 * many notices in the hour, the last saying so, and no more.
 */
static void
capped(struct srv *s)
{
	struct mail	 m;
	char		 cap[24], text[64];
	long long	 before;
	int		 i, got = 0, last = 0, n;

	setting(s, "notify_editors", "false");
	before = count("SELECT count(*) FROM outbox WHERE rcpt ="
	    " 'ann@example.org' AND kind = 'notice'");
	snprintf(cap, sizeof(cap), "%lld", before + 2);
	setting(s, "notify_per_hour", cap);
	for (i = 0; i < 4; i++) {
		snprintf(text, sizeof(text), "A lovely flood comment %d", i);
		CHECK(comment(s, "Flood Reader", "flood@reader.example", text,
		    0) == 303);
	}
	CHECK(db_wait(dbpath, "SELECT count(*) FROM mail_events", 0,
	    WAIT_MS) == 0);
	CHECK(db_wait(dbpath, "SELECT count(*) FROM outbox WHERE status ="
	    " 'queued'", 0, WAIT_MS) == 0);
	CHECK(count("SELECT count(*) FROM outbox WHERE rcpt ="
	    " 'ann@example.org' AND kind = 'notice'") == before + 2);
	for (n = smtp_count(&smtp); seen < n;) {
		if (next_mail(&m) != 0)
			break;
		if (strcmp(m.rcpt, "ann@example.org") == 0) {
			got++;
			last = strstr(m.text, "last of these emails") != NULL;
			CHECK(strstr(m.text, "A lovely flood comment") != NULL);
		}
		mail_free(&m);
	}
	CHECK(got == 2 && last);
	setting(s, "notify_per_hour", "20");
}

/* Writes n small files of words into dir (created): a corpus. */
static void
corpus(const char *dir, const char *words, int n)
{
	char	 path[700];
	FILE	*f;
	int	 i;

	snprintf(path, sizeof(path), "mkdir -p %s", dir);
	CHECK(system(path) == 0);
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%d.txt", dir, i);
		CHECK((f = fopen(path, "w")) != NULL);
		if (f == NULL)
			return;
		fprintf(f, "%s message number %d\n", words, i);
		fclose(f);
	}
}

/*
 * A held comment: one notice, to the post's author alone, with the
 * comment's text (escaped in the HTML part), its score and signals in
 * words, and a link to the comment's page in the admin.  Opening that
 * page changes nothing; its buttons are POST forms with the CSRF token,
 * and one approves the comment.  Signed out, the link leads through the
 * login back to the comment.
 */
static void
held(struct srv *s)
{
	struct mail	 m;
	struct resp	 r;
	char		*link, *ann, where[320], path[300];
	const char	*tok;
	long		 st;
	long long	 id;

	CHECK(comment(s, "Heldie Reader", "heldie@reader.example",
	    "Lovely article, holdme <b>please</b> & thanks", 1) == 303);
	id = count("SELECT id FROM comments WHERE author = 'Heldie Reader'");
	CHECK(count("SELECT count(*) FROM comments WHERE author ="
	    " 'Heldie Reader' AND status = 'pending'") == 1);
	if (!CHECK(next_mail(&m) == 0))
		return;
	CHECK_MSG(strcmp(m.rcpt, "ann@example.org") == 0, m.rcpt);
	CHECK(strstr(m.to, "Ann Author") != NULL);
	CHECK(strstr(m.subject, "Please moderate") != NULL &&
	    strstr(m.subject, "[Galley News]") != NULL);
	CHECK(strstr(m.text, "waiting for your approval") != NULL);
	CHECK(strstr(m.text, "holdme <b>please</b> & thanks") != NULL);
	CHECK(strstr(m.text, "heldie@reader.example") != NULL &&
	    strstr(m.text, "Website:") == NULL);
	/* A score the filter gave, in figures, and the signal in words. */
	CHECK(strstr(m.text, "Spam score: 0.") != NULL &&
	    strstr(m.text, "(0 is surely not spam") != NULL);
	CHECK(strstr(m.text, "did not come with this site's form token") !=
	    NULL);
	CHECK(strstr(m.text, "no_token") == NULL);
	CHECK(strstr(m.html, "holdme &lt;b&gt;please&lt;/b&gt; &amp; thanks")
	    != NULL && strstr(m.html, "<b>please") == NULL);
	CHECK(strstr(m.html, "form token") != NULL);
	link = link_in(m.text, "here:");
	snprintf(path, sizeof(path), "/admin/comments/?edit=%lld", id);
	CHECK_MSG(link != NULL && strcmp(link, path) == 0, link ? link : "");
	CHECK(strstr(m.text, "http://127.0.0.1:8080/admin/comments/?edit=")
	    != NULL);
	mail_free(&m);
	/* Nobody else: every notice of an event is queued at once. */
	CHECK(count("SELECT count(*) FROM outbox WHERE kind = 'notice'") ==
	    1);

	/* Signed out: the link goes through the login and back. */
	CHECK(get(s, path, NULL, &r) == 302);
	CHECK_MSG(strstr(resp_header(&r, "Location"),
	    "/admin/login/?next=/admin/comments/%3Fedit%3D") != NULL,
	    resp_header(&r, "Location"));
	resp_free(&r);
	ann = admin_login_to(s, "ann@example.org", PW, path, &st, where,
	    sizeof(where));
	CHECK_MSG(ann != NULL && strcmp(where, path) == 0, where);

	/* The page shows it; opening it (twice) changes nothing. */
	CHECK(get(s, path, ann, &r) == 200);
	CHECK(strstr(r.body.data, "holdme &lt;b&gt;please") != NULL);
	CHECK(strstr(r.body.data, "name=\"action\" value=\"approve\"") !=
	    NULL && strstr(r.body.data, "name=\"action\" value=\"spam\"") !=
	    NULL && strstr(r.body.data, "name=\"action\" value=\"trash\"") !=
	    NULL && strstr(r.body.data, "method=\"post\"") != NULL);
	tok = hidden(&r, "csrf");
	CHECK(strlen(tok) == 64);
	{
		char		 csrf[80], ids[32];
		const char	*nocsrf[] = { "action", "approve", "id", ids,
		    "from", "comment", NULL };
		const char	*f[] = { "csrf", csrf, "action", "approve",
		    "id", ids, "from", "comment", NULL };
		const char	*h[] = { ann, NULL };
		struct resp	 r2;

		snprintf(csrf, sizeof(csrf), "%s", tok);
		snprintf(ids, sizeof(ids), "%lld", id);
		resp_free(&r);
		CHECK(get(s, path, ann, NULL) == 200);
		CHECK(count("SELECT count(*) FROM comments WHERE author ="
		    " 'Heldie Reader' AND status = 'pending'") == 1);
		/* Without the token, nothing; with it, approved. */
		CHECK(post(s, "/admin/comments/", nocsrf, h, NULL) == 403);
		CHECK(count("SELECT count(*) FROM comments WHERE author ="
		    " 'Heldie Reader' AND status = 'pending'") == 1);
		CHECK(post(s, "/admin/comments/", f, h, &r2) == 303);
		CHECK(strstr(resp_header(&r2, "Location"), path) != NULL &&
		    strstr(resp_header(&r2, "Location"), "done=approve-1"));
		resp_free(&r2);
		CHECK(count("SELECT count(*) FROM comments WHERE author ="
		    " 'Heldie Reader' AND status = 'approved'") == 1);
		snprintf(where, sizeof(where), "%s&done=approve-1", path);
		CHECK(get(s, where, ann, &r2) == 200 && strstr(r2.body.data,
		    "The comment was approved.") != NULL);
		resp_free(&r2);
	}
	free(ann);
	free(link);
	/* Approving it told nobody more. */
	CHECK(count("SELECT count(*) FROM outbox WHERE kind = 'notice'") ==
	    1);
}

/*
 * Posts a comment by name that is stored with status and records no
 * mail event.
 */
static void
untold(struct srv *s, const char *name, const char *text, const char *status)
{
	char	 sql[300], email[64];

	/* An address of its own: one in spam would count against the next. */
	snprintf(email, sizeof(email), "untold-%s@reader.example", status);
	CHECK(comment(s, name, email, text, 0) == 303);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM comments WHERE"
	    " author = '%s' AND status = '%s'", name, status);
	CHECK_MSG(count(sql) == 1, name);
	CHECK_MSG(count("SELECT count(*) FROM mail_events") == 0, name);
}

/*
 * An approved comment: a notice with comments_notify on, none with it
 * off; spam: none.  "None" is the database's word: the event would be
 * recorded in the comment's own transaction, so none there is none ever,
 * and the next notice to arrive is the next one that was due.
 */
static void
approved(struct srv *s)
{
	struct mail	 m;
	long long	 events;

	CHECK(comment(s, "Plain Reader", "plain@reader.example",
	    "A lovely article, thanks for writing it", 0) == 303);
	CHECK(count("SELECT count(*) FROM comments WHERE author ="
	    " 'Plain Reader' AND status = 'approved'") == 1);
	if (CHECK(next_mail(&m) == 0)) {
		CHECK(strcmp(m.rcpt, "ann@example.org") == 0);
		CHECK(strstr(m.subject, "Comment:") != NULL);
		CHECK(strstr(m.text, "is published") != NULL &&
		    strstr(m.text, "thanks for writing it") != NULL);
		CHECK(strstr(m.text, "Spam score:") != NULL);
	}
	mail_free(&m);

	setting(s, "comments_notify", "false");
	events = count("SELECT count(*) FROM outbox");
	untold(s, "Quiet Reader", "A quiet lovely comment", "approved");
	/* Spam is never told, whatever the settings. */
	setting(s, "comments_notify", "true");
	untold(s, "Spammy Reader", "Buy spamword now", "spam");
	/* A held one with moderation_notify off: none either. */
	setting(s, "moderation_notify", "false");
	untold(s, "Held Quiet", "Lovely, holdme quietly", "pending");
	setting(s, "moderation_notify", "true");
	CHECK(count("SELECT count(*) FROM outbox") == events);
	/* The next message is the next notice due: the last comment's. */
	CHECK(comment(s, "Next Reader", "next@reader.example",
	    "Lovely article indeed, next", 0) == 303);
	if (CHECK(next_mail(&m) == 0))
		CHECK(strstr(m.text, "Next Reader") != NULL);
	mail_free(&m);
	CHECK(count("SELECT count(*) FROM outbox WHERE rcpt <>"
	    " 'ann@example.org'") == 0);
}

/*
 * notify_editors: the notice goes to the editors and admins too (the
 * demo's staff@example.com is an admin), one message to each address;
 * an editor who writes the comment is not told of it.
 */
static void
editors(struct srv *s)
{
	struct mail	 m;
	char		 got[300] = "";
	int		 i;

	setting(s, "notify_editors", "true");
	CHECK(comment(s, "Many Reader", "many@reader.example",
	    "Lovely, holdme for everyone", 0) == 303);
	for (i = 0; i < 4; i++) {
		if (!CHECK(next_mail(&m) == 0))
			break;
		CHECK(strstr(m.text, "Many Reader") != NULL);
		strncat(got, m.rcpt, sizeof(got) - strlen(got) - 2);
		strcat(got, " ");
		mail_free(&m);
	}
	CHECK_MSG(strstr(got, "ann@example.org ") && strstr(got,
	    "ed@example.org ") && strstr(got, "ada@example.org ") &&
	    strstr(got, "staff@example.com "), got);
	CHECK(count("SELECT count(*) FROM outbox WHERE subject LIKE"
	    " '%Please moderate%' AND rcpt = 'ada@example.org'") == 1);
	/* The editor's own comment: the author and the admin only. */
	CHECK(comment(s, "Ed Editor", "Ed@Example.org",
	    "Lovely, holdme from the editor", 0) == 303);
	got[0] = '\0';
	for (i = 0; i < 3; i++) {
		if (!CHECK(next_mail(&m) == 0))
			break;
		strncat(got, m.rcpt, sizeof(got) - strlen(got) - 2);
		strcat(got, " ");
		mail_free(&m);
	}
	CHECK_MSG(strstr(got, "ann@example.org ") && strstr(got,
	    "ada@example.org ") && strstr(got, "staff@example.com ") &&
	    !strstr(got, "ed@"), got);
	CHECK(count("SELECT count(*) FROM outbox WHERE rcpt ="
	    " 'ed@example.org'") == 1);
	setting(s, "notify_editors", "false");
}

/* POSTs /admin/lost/ for email from address from; the status. */
static long
ask(struct srv *s, const char *from, const char *email, struct resp *r)
{
	const char	*f[] = { "email", email, NULL };
	long		 st;

	http_from(from);
	st = post(s, "/admin/lost/", f, NULL, r);
	http_from(NULL);
	return st;
}

/*
 * An unknown address gets the answer a known one gets, after the same
 * wait, and no mail; both count against the throttle alike.
 */
static void
unknown(struct srv *s)
{
	struct resp	 a, b;
	struct mail	 m;
	double		 t0, t1, t2;

	CHECK(db_exec(dbpath, "DELETE FROM login_failures") == 0);
	t0 = clock_now();
	CHECK(ask(s, "127.0.0.5", "nobody@example.org", &a) == 303);
	t1 = clock_now();
	CHECK(ask(s, "127.0.0.6", "ed@example.org", &b) == 303);
	t2 = clock_now();
	CHECK(strcmp(resp_header(&a, "Location"), "/admin/lost/?done=sent") ==
	    0);
	CHECK(strcmp(resp_header(&b, "Location"), "/admin/lost/?done=sent") ==
	    0);
	CHECK(a.body.len == b.body.len);
	/* Both held back to the same moment after their work began. */
	CHECK(t1 - t0 >= 0.29 && t2 - t1 >= 0.29);
	resp_free(&a);
	resp_free(&b);
	CHECK(get(s, "/admin/lost/?done=sent", NULL, &a) == 200 &&
	    strstr(a.body.data, "If an account uses that address") != NULL);
	resp_free(&a);
	/* The same rows written for both: a count per address and email. */
	CHECK(count("SELECT count(*) FROM login_failures WHERE key LIKE"
	    " 'link-acct:%'") == 2 && count("SELECT count(*) FROM"
	    " login_failures WHERE key LIKE 'link-ip:%'") == 2);
	CHECK(count("SELECT count(*) FROM login_failures WHERE key LIKE"
	    " '%@%'") == 0);
	/* The known address's mail comes; the unknown one's never does. */
	if (CHECK(next_mail(&m) == 0))
		CHECK(strcmp(m.rcpt, "ed@example.org") == 0);
	mail_free(&m);
	CHECK(count("SELECT count(*) FROM outbox WHERE rcpt LIKE"
	    " '%nobody%'") == 0);
	/* Not an address at all: said beside the field, nothing counted. */
	CHECK(ask(s, "127.0.0.5", "not an address", &a) == 422 &&
	    strstr(a.body.data, "field-error") != NULL &&
	    strstr(a.body.data, "value=\"not an address\"") != NULL);
	resp_free(&a);
	CHECK(count("SELECT count(*) FROM login_failures") == 4);
}

/*
 * The throttle: three links an hour to one account, from any address;
 * ten requests an hour from one address, for any accounts; an unknown
 * address is counted as a known one is.  A refused request sends
 * nothing.
 */
static void
throttle(struct srv *s)
{
	struct resp	 r;
	char		 email[64];
	long long	 mails;
	int		 i;

	CHECK(db_exec(dbpath, "DELETE FROM login_failures") == 0);
	mails = count("SELECT count(*) FROM outbox WHERE rcpt ="
	    " 'ann@example.org' AND kind = 'reset'");
	for (i = 0; i < 3; i++)
		CHECK(ask(s, "127.0.0.7", "ann@example.org", NULL) == 303);
	CHECK(ask(s, "127.0.0.7", "ann@example.org", &r) == 429);
	CHECK(resp_header(&r, "Retry-After") != NULL &&
	    atoi(resp_header(&r, "Retry-After")) > 3000 &&
	    strstr(r.body.data, "Too many links") != NULL);
	resp_free(&r);
	/* The account's count holds from another address, in any case. */
	CHECK(ask(s, "127.0.0.8", "ANN@example.org", NULL) == 429);
	CHECK(count("SELECT count(*) FROM outbox WHERE rcpt ="
	    " 'ann@example.org' AND kind = 'reset'") == mails + 3);
	/* An unknown address alike. */
	for (i = 0; i < 3; i++)
		CHECK(ask(s, "127.0.0.9", "ghost@example.org", NULL) == 303);
	CHECK(ask(s, "127.0.0.10", "ghost@example.org", NULL) == 429);
	/* One address, many accounts: ten, then refused. */
	for (i = 0; i < 10; i++) {
		snprintf(email, sizeof(email), "many%d@example.org", i);
		CHECK(ask(s, "127.0.0.11", email, NULL) == 303);
	}
	CHECK(ask(s, "127.0.0.11", "many99@example.org", NULL) == 429);
	CHECK(ask(s, "127.0.0.12", "many99@example.org", NULL) == 303);
	/* An hour later, the counts have faded. */
	CHECK(db_exec(dbpath, "UPDATE login_failures SET last = last - 3600")
	    == 0);
	CHECK(ask(s, "127.0.0.11", "many98@example.org", NULL) == 303);
	/* Ann's three links, all sent to her. */
	for (i = 0; i < 3; i++) {
		struct mail	 m;

		if (CHECK(next_mail(&m) == 0))
			CHECK(strcmp(m.rcpt, "ann@example.org") == 0);
		mail_free(&m);
	}
	CHECK(db_exec(dbpath, "DELETE FROM login_failures") == 0);
}

/*
 * An account's address that is not one (a WXR import keeps what the
 * file says) is sent nothing: a line break in it would otherwise be a
 * command of its own in the SMTP exchange.
 */
static void
bad_rcpt(struct srv *s)
{
	struct mail	 m;
	int		 i;

	CHECK(db_exec(dbpath, "UPDATE users SET email = 'ann@example.org\r\n"
	    "RCPT TO:<evil@evil.example>' WHERE email = 'ann@example.org'") ==
	    0);
	CHECK(comment(s, "Crlf Reader", "crlf@reader.example",
	    "Lovely, holdme for a broken address", 0) == 303);
	CHECK(count("SELECT count(*) FROM comments WHERE author ="
	    " 'Crlf Reader'") == 1);
	/* Its event acted on before the address is mended. */
	for (i = 0; i < 1000 && count("SELECT count(*) FROM mail_events") >
	    0; i++)
		usleep(20000);
	CHECK(count("SELECT count(*) FROM mail_events") == 0);
	CHECK(db_exec(dbpath, "UPDATE users SET email = 'ann@example.org'"
	    " WHERE email LIKE 'ann@example.org%'") == 0);
	/* The next message is the next comment's: none went before it. */
	CHECK(comment(s, "After Reader", "after@reader.example",
	    "Lovely, holdme once more", 0) == 303);
	if (CHECK(next_mail(&m) == 0)) {
		CHECK_MSG(strcmp(m.rcpt, "ann@example.org") == 0, m.rcpt);
		CHECK(strstr(m.text, "After Reader") != NULL);
	}
	mail_free(&m);
	CHECK(count("SELECT count(*) FROM outbox WHERE rcpt LIKE '%evil%'") ==
	    0);
}

/* Asks a reset link for email and returns its path from the mail. */
static char *
reset_link(struct srv *s, const char *email, const char *rcpt)
{
	struct mail	 m;
	char		*link = NULL;

	CHECK(ask(s, "127.0.0.20", email, NULL) == 303);
	if (CHECK(next_mail(&m) == 0)) {
		CHECK_MSG(strcmp(m.rcpt, rcpt) == 0, m.rcpt);
		CHECK(strstr(m.subject, "Set a new password") != NULL);
		CHECK(strstr(m.text, "within one hour") != NULL);
		link = link_in(m.text, "within one hour");
		CHECK(link != NULL && strncmp(link, "/admin/reset/?t=", 16) ==
		    0 && strlen(link) == 16 + 43);
		/* The HTML part has the same link. */
		CHECK(link != NULL && strstr(m.html, link) != NULL);
	}
	mail_free(&m);
	return link;
}

/* POSTs the reset form for link's token; the status, the page in r. */
static long
set_password(struct srv *s, const char *link, const char *pw,
    const char *again, const char *const *h, struct resp *r)
{
	const char	*f[] = { "t", link + 16, "password", pw, "password2",
	    again, NULL };

	return post(s, "/admin/reset/", f, h, r);
}

/*
 * Sets the password PW through link and signs in as email with it;
 * returns 1 if both worked.
 */
static int
sets_password(struct srv *s, const char *link, const char *email)
{
	struct resp	 r;
	char		*c;
	long		 st;
	int		 ok;

	if (set_password(s, link, PW, PW, NULL, &r) != 303)
		return 0;
	resp_free(&r);
	c = admin_login_to(s, email, PW, "/admin/", &st, NULL, 0);
	ok = c != NULL && st == 303 && get(s, "/admin/", c, NULL) == 200;
	free(c);
	return ok;
}

/*
 * The whole reset: asked for (the address in any case), mailed to the
 * account, opened (twice: a GET uses nothing), refused forms that come
 * back with the reason and the token, a cross-site POST refused, then
 * the new password set: it signs in, the old one does not, nor does any
 * session from before; the link is used up; an expired one is refused.
 */
static void
reset(struct srv *s)
{
	const char	*cross[] = { "Sec-Fetch-Site: cross-site", NULL };
	char		*link, *old1, *old2, *fresh, tok[64], sql[300];
	struct resp	 r;
	long		 st;

	old1 = admin_login_to(s, "ada@example.org", PW, "/admin/", &st, NULL, 0);
	old2 = admin_login_to(s, "ada@example.org", PW, "/admin/", &st, NULL, 0);
	CHECK(old1 != NULL && old2 != NULL);
	CHECK(get(s, "/admin/", old1, NULL) == 200);
	if ((link = reset_link(s, "Ada@Example.org", "ada@example.org")) ==
	    NULL)
		return;
	snprintf(tok, sizeof(tok), "%s", link + 16);
	/* Only the token's keyed hash is kept. */
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM password_resets"
	    " WHERE token_hash LIKE '%%%s%%'", tok);
	CHECK(count(sql) == 0);
	CHECK(count("SELECT count(*) FROM password_resets WHERE kind ="
	    " 'reset' AND expires - created = 3600 AND length(token_hash) ="
	    " 64 AND user_id = (SELECT id FROM users WHERE email ="
	    " 'ada@example.org')") == 1);

	/* Opened twice: the form both times, the link still there. */
	CHECK(get(s, link, NULL, &r) == 200);
	CHECK(strcmp(hidden(&r, "t"), tok) == 0);
	CHECK(strstr(r.body.data, "Choose a new password") != NULL);
	resp_free(&r);
	CHECK(get(s, link, NULL, NULL) == 200);
	CHECK(count("SELECT count(*) FROM password_resets WHERE user_id ="
	    " (SELECT id FROM users WHERE email = 'ada@example.org')") == 1);

	/* Refused forms: the reason beside the field, the token kept. */
	CHECK(set_password(s, link, "short", "short", NULL, &r) == 422);
	CHECK(strstr(r.body.data, "field-error") != NULL &&
	    strstr(r.body.data, "at least 10 characters") != NULL &&
	    strcmp(hidden(&r, "t"), tok) == 0);
	resp_free(&r);
	CHECK(set_password(s, link, PW2, PW2 "x", NULL, &r) == 422);
	CHECK(strstr(r.body.data, "differ") != NULL &&
	    strcmp(hidden(&r, "t"), tok) == 0);
	resp_free(&r);
	CHECK(set_password(s, link, PW2, PW2, cross, &r) == 403);
	resp_free(&r);
	/* None of that changed the password or ended a session. */
	CHECK(get(s, "/admin/", old2, NULL) == 200);

	CHECK(set_password(s, link, PW2, PW2, NULL, &r) == 303);
	CHECK(strcmp(resp_header(&r, "Location"),
	    "/admin/login/?done=password") == 0);
	resp_free(&r);
	CHECK(get(s, "/admin/login/?done=password", NULL, &r) == 200 &&
	    strstr(r.body.data, "Your password is set") != NULL);
	resp_free(&r);
	/* Every session from before is over; the old password too. */
	CHECK(get(s, "/admin/", old1, NULL) == 302);
	CHECK(get(s, "/admin/", old2, NULL) == 302);
	free(admin_login_to(s, "ada@example.org", PW, "/admin/", &st, NULL, 0));
	CHECK(st == 401);
	fresh = admin_login_to(s, "ada@example.org", PW2, "/admin/", &st, NULL, 0);
	CHECK(fresh != NULL && st == 303 && get(s, "/admin/", fresh, NULL) ==
	    200);
	free(fresh);
	/* Once only. */
	CHECK(get(s, link, NULL, &r) == 410);
	CHECK(strstr(r.body.data, "cannot be used") != NULL &&
	    strstr(r.body.data, "href=\"/admin/lost/\"") != NULL &&
	    strstr(r.body.data, "name=\"password\"") == NULL);
	resp_free(&r);
	CHECK(set_password(s, link, PW, PW, NULL, &r) == 410);
	resp_free(&r);
	/* Forged: a token of the right form that nobody was sent. */
	CHECK(get(s, "/admin/reset/?t="
	    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", NULL, NULL) == 410);
	CHECK(get(s, "/admin/reset/", NULL, NULL) == 410);
	free(link);
	free(old1);
	free(old2);

	/* An expired link: refused, and the password stays. */
	if ((link = reset_link(s, "ada@example.org", "ada@example.org")) ==
	    NULL)
		return;
	CHECK(db_exec(dbpath, "UPDATE password_resets SET expires ="
	    " created - 1") == 0);
	CHECK(get(s, link, NULL, NULL) == 410);
	CHECK(set_password(s, link, PW, PW, NULL, &r) == 410);
	resp_free(&r);
	fresh = admin_login_to(s, "ada@example.org", PW2, "/admin/", &st, NULL, 0);
	CHECK(fresh != NULL && st == 303);
	free(fresh);
	free(link);
	CHECK(db_exec(dbpath, "DELETE FROM login_failures") == 0);
}

/*
 * galley user invite: an account with no password (which signs no one
 * in), a mail with a link good for seven days that sets one; a second
 * invite to an account that has a password is refused.
 */
static void
invite(struct srv *s)
{
	struct buf	 out;
	struct mail	 m;
	struct resp	 r;
	char		*link = NULL;
	long		 st;

	buf_init(&out);
	CHECK(run_galley((const char *[]){ "user", site, "invite", "--email",
	    "newbie@example.org", "--name", "Nina Newbie", "--role", "editor",
	    NULL }, &out) == 0);
	CHECK_MSG(out.data != NULL && strstr(out.data, "invited Nina Newbie"
	    " <newbie@example.org> as editor"), out.data ? out.data : "");
	buf_reset(&out);
	CHECK(count("SELECT count(*) FROM users WHERE email ="
	    " 'newbie@example.org' AND role = 'editor' AND pass_hash IS"
	    " NULL") == 1);
	CHECK(count("SELECT count(*) FROM password_resets WHERE kind ="
	    " 'invite' AND expires - created = 604800") == 1);
	free(admin_login_to(s, "newbie@example.org", "", "/admin/", &st, NULL, 0));
	CHECK(st == 401);
	if (CHECK(next_mail(&m) == 0)) {
		CHECK(strcmp(m.rcpt, "newbie@example.org") == 0);
		CHECK(strstr(m.to, "Nina Newbie") != NULL);
		CHECK(strstr(m.subject, "choose a password") != NULL);
		CHECK(strstr(m.text, "you are an editor there") != NULL &&
		    strstr(m.text, "within seven days") != NULL);
		link = link_in(m.text, "within seven days");
	}
	mail_free(&m);
	if (!CHECK(link != NULL))
		return;
	CHECK(get(s, link, NULL, &r) == 200 && strstr(r.body.data,
	    "Choose your password") && strstr(r.body.data, "Nina Newbie"));
	resp_free(&r);
	CHECK(sets_password(s, link, "newbie@example.org"));
	free(link);
	/* Invited again: it has a password now. */
	CHECK(run_galley((const char *[]){ "user", site, "invite", "--email",
	    "newbie@example.org", NULL }, &out) == 1);
	CHECK(out.data != NULL && strstr(out.data, "has a password") != NULL);
	buf_reset(&out);
	CHECK(run_galley((const char *[]){ "user", site, "invite", "--name",
	    "x", NULL }, NULL) == 2);

	/* An account with no password asks for a reset: it sets one. */
	link = reset_link(s, "staff@example.com", "staff@example.com");
	CHECK(link != NULL && sets_password(s, link, "staff@example.com"));
	free(link);
	CHECK(db_exec(dbpath, "DELETE FROM login_failures") == 0);
}

/*
 * A password set another way (an admin's, in the users page) ends the
 * account's links too: one mailed before, to a mailbox that may not be
 * the owner's any more, no longer sets a password over it.
 */
static void
links_end(struct srv *s)
{
	char		*link, *admin, id[24];
	struct resp	 r;
	long		 st;

	if ((link = reset_link(s, "ed@example.org", "ed@example.org")) ==
	    NULL)
		return;
	admin = admin_login_to(s, "ada@example.org", PW2, "/admin/", &st,
	    NULL, 0);
	if (!CHECK(admin != NULL)) {
		free(link);
		return;
	}
	snprintf(id, sizeof(id), "%lld", count("SELECT id FROM users WHERE"
	    " email = 'ed@example.org'"));
	CHECK(post(s, "/admin/users/", (const char *[]){ "csrf",
	    admin_csrf(s, admin), "action", "password", "id", id, "password",
	    PW2, NULL }, (const char *[]){ admin, NULL }, NULL) == 303);
	CHECK(get(s, link, NULL, NULL) == 410);
	CHECK(set_password(s, link, PW, PW, NULL, &r) == 410);
	resp_free(&r);
	free(admin_login_to(s, "ed@example.org", PW2, "/admin/", &st, NULL,
	    0));
	CHECK(st == 303);
	free(admin);
	free(link);
	/* And `galley user passwd`, the shell's way. */
	CHECK(db_exec(dbpath, "DELETE FROM login_failures") == 0);
	if ((link = reset_link(s, "ed@example.org", "ed@example.org")) ==
	    NULL)
		return;
	{
		char	 cmd[1200];

		snprintf(cmd, sizeof(cmd), "printf '%%s\\n' '%s' | %s user %s"
		    " passwd --email ed@example.org >/dev/null 2>&1", PW,
		    getenv("GALLEY"), site);
		CHECK(system(cmd) == 0);
	}
	CHECK(get(s, link, NULL, NULL) == 410);
	free(link);
	CHECK(db_exec(dbpath, "DELETE FROM login_failures") == 0);
}

/* With mail on: the login page offers the link; the admin says nothing. */
static void
mail_on_pages(struct srv *s, const char *admin)
{
	struct resp	 r;

	CHECK(get(s, "/admin/login/", NULL, &r) == 200 &&
	    strstr(r.body.data, "href=\"/admin/lost/\"") != NULL);
	resp_free(&r);
	CHECK(get(s, "/admin/lost/", NULL, &r) == 200 &&
	    strstr(r.body.data, "name=\"email\"") != NULL);
	resp_free(&r);
	CHECK(get(s, "/admin/", admin, &r) == 200 &&
	    strstr(r.body.data, "Mail is off") == NULL);
	resp_free(&r);
}

/*
 * With mail off: the login page has no link but says whom to ask, the
 * lost page offers no form and its POST sends nothing, the dashboard
 * and the settings say mail is off and how to turn it on, and the
 * command line refuses to invite, saying how.
 */
static void
mail_off_pages(struct srv *s, const char *admin)
{
	struct resp	 r;
	struct buf	 out;

	CHECK(get(s, "/admin/login/", NULL, &r) == 200);
	CHECK(strstr(r.body.data, "href=\"/admin/lost/\"") == NULL &&
	    strstr(r.body.data, "cannot send email") != NULL);
	resp_free(&r);
	CHECK(get(s, "/admin/lost/", NULL, &r) == 200 &&
	    strstr(r.body.data, "name=\"email\"") == NULL &&
	    strstr(r.body.data, "mail is off") != NULL);
	resp_free(&r);
	CHECK(ask(s, "127.0.0.30", "ann@example.org", NULL) == 503);
	CHECK(count("SELECT count(*) FROM login_failures") == 0);
	CHECK(get(s, "/admin/", admin, &r) == 200 &&
	    strstr(r.body.data, "Mail is off") != NULL &&
	    strstr(r.body.data, "smtp_url") != NULL);
	resp_free(&r);
	CHECK(get(s, "/admin/settings/", admin, &r) == 200 &&
	    strstr(r.body.data, "Mail is off") != NULL);
	resp_free(&r);
	buf_init(&out);
	CHECK(run_galley((const char *[]){ "user", site, "invite", "--email",
	    "late@example.org", NULL }, &out) == 1);
	CHECK_MSG(out.data != NULL && strstr(out.data, "Mail is off") &&
	    strstr(out.data, "smtp_url") && strstr(out.data, "mail_from"),
	    out.data ? out.data : "");
	buf_reset(&out);
	CHECK(count("SELECT count(*) FROM users WHERE email ="
	    " 'late@example.org'") == 0);
}

int
main(void)
{
	char		*dir = tmp_path("account-mail"), *mdir, err[300],
			 conf[700], ham[700], spam[700], sql[300];
	const char	*db = getenv("GALLEY_DB");
	struct srv	 s;
	char		*admin;
	long		 st;

	g_mime_init();
	site = dir;
	CHECK(run_galley(db != NULL ? (const char *[]){ "init", dir, "--demo",
	    "--db", db, NULL } : (const char *[]){ "init", dir, "--demo",
	    NULL }, NULL) == 0);
	snprintf(dbpath, sizeof(dbpath), "%s", db != NULL ? db : "");
	if (db == NULL)
		snprintf(dbpath, sizeof(dbpath), "%s/galley.db", dir);
	CHECK(user_add(dir, "ann@example.org", "Ann Author", "author",
	    PW) == 0);
	CHECK(user_add(dir, "ed@example.org", "Ed Editor", "editor",
	    PW) == 0);
	CHECK(user_add(dir, "ada@example.org", "Ada Admin", "admin",
	    PW) == 0);
	snprintf(sql, sizeof(sql), "UPDATE posts SET author_id = (SELECT id"
	    " FROM users WHERE email = 'ann@example.org') WHERE id = 1");
	CHECK(db_exec(dbpath, sql) == 0);
	CHECK(run_galley((const char *[]){ "config", dir, "set",
	    "comment_flood_seconds", "0", NULL }, NULL) == 0);
	CHECK(run_galley((const char *[]){ "config", dir, "set",
	    "comment_min_seconds", "0", NULL }, NULL) == 0);
	CHECK(run_galley((const char *[]){ "config", dir, "set",
	    "comment_moderate_first", "false", NULL }, NULL) == 0);
	CHECK(run_galley((const char *[]){ "config", dir, "set",
	    "moderation_words", "holdme", NULL }, NULL) == 0);
	CHECK(run_galley((const char *[]){ "config", dir, "set",
	    "disallowed_words", "spamword", NULL }, NULL) == 0);
	/* A filter that has learnt enough to give scores. */
	snprintf(ham, sizeof(ham), "%s/ham", dir);
	snprintf(spam, sizeof(spam), "%s/spam", dir);
	/* As long as each other: a message's length is a token too. */
	corpus(ham, "lovely article thanks for writing", 12);
	corpus(spam, "cheap pills casino winner offer", 12);
	CHECK(run_galley((const char *[]){ "spam", dir, "train", "--ham", ham,
	    "--spam", spam, NULL }, NULL) == 0);

	/* Mail off first: the pages say so. */
	if (!CHECK(srv_start(&s, dir) == 0))
		return check_done();
	admin = admin_login_to(&s, "ada@example.org", PW, "/admin/", &st, NULL, 0);
	CHECK(admin != NULL);
	mail_off_pages(&s, admin);
	free(admin);
	CHECK(srv_stop(&s) == 0);

	mdir = malloc(strlen(dir) + 8);
	sprintf(mdir, "%s/mail", dir);
	if (!CHECK(smtp_start(&smtp, mdir, 0, 0) == 0) ||
	    !CHECK(site_mail(dir, &smtp, 1) == 0) ||
	    !CHECK(srv_start(&s, dir) == 0))
		return check_done();
	admin = admin_login_to(&s, "ada@example.org", PW, "/admin/", &st, NULL, 0);
	mail_on_pages(&s, admin);
	free(admin);
	held(&s);
	approved(&s);
	editors(&s);
	capped(&s);
	bad_rcpt(&s);
	unknown(&s);
	throttle(&s);
	reset(&s);
	invite(&s);
	links_end(&s);
	CHECK(srv_log_has(&s, PW) == 0 && srv_log_has(&s, PW2) == 0);
	CHECK(srv_log_has(&s, "?t=") == 0);
	CHECK_MSG(srv_stop(&s) == 0, "clean stop");

	/* Mail off again (smtp_url emptied): the invite is refused. */
	snprintf(conf, sizeof(conf), "%s/galley.conf", dir);
	CHECK(conf_set(conf, "smtp_url", "", err, sizeof(err)) == 0);
	CHECK(run_galley((const char *[]){ "user", dir, "invite", "--email",
	    "later@example.org", NULL }, NULL) == 1);
	smtp_free(&smtp);
	free(mdir);
	{
		char	 cmd[700];

		snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
		CHECK(system(cmd) == 0);
	}
	free(dir);
	return check_done();
}
