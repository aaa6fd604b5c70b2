/*
 * test_mail: mail.c's pieces without a server: galley.conf's mail keys,
 * the messages GMime builds (parsed back with GMime, as a mail client
 * would), the outbox's seal, and the theme's mail templates.
 */
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gmime/gmime.h>
#include <sodium.h>

#include "arena.h"
#include "check.h"
#include "conf.h"
#include "env.h"
#include "http.h"
#include "mail.h"
#include "site.h"
#include "theme.h"

static char	*dir;

/* Loads text as DIR/galley.conf and its mail keys; 0, or -1 with err. */
static int
load(const char *text, struct mail_conf **m, char *err, size_t errlen)
{
	char		 path[600];
	struct conf	*c;
	FILE		*f;
	int		 rc;

	snprintf(path, sizeof(path), "%s/galley.conf", dir);
	if ((f = fopen(path, "w")) == NULL)
		return -2;
	fputs(text, f);
	fclose(f);
	if ((c = conf_load(path, err, errlen)) == NULL)
		return -2;
	rc = mail_conf_load(c, dir, m, err, errlen);
	conf_free(c);
	return rc;
}

/* Whether STARTTLS is required for smtp_url url: 1, 0, or -1. */
static int
tls_required(const char *url)
{
	struct mail_conf	*m;
	struct site		 s;
	char			 text[300], err[300];
	int			 rc = -1;

	snprintf(text, sizeof(text), "smtp_url = %s\nmail_from ="
	    " a@b.example\n", url);
	memset(&s, 0, sizeof(s));
	if (load(text, &m, err, sizeof(err)) == 0 && m != NULL) {
		s.mail = m;
		rc = mail_smtp(&s)->tls_required;
		mail_conf_free(m);
	}
	return rc;
}

static void
test_conf(void)
{
	struct mail_conf	*m = (struct mail_conf *)1;
	struct site		 s;
	char			 err[300], path[600];
	FILE			*f;

	memset(&s, 0, sizeof(s));
	CHECK(load("secret = 00\n", &m, err, sizeof(err)) == 0 && m == NULL);
	s.mail = m;
	CHECK(!mail_on(&s) && mail_smtp(&s) == NULL);
	CHECK(load("smtp_url = smtp://127.0.0.1:2525\n", &m, err,
	    sizeof(err)) == -1);
	CHECK(strstr(err, "mail_from") != NULL);
	CHECK(load("smtp_url = http://x\nmail_from = a@b.example\n", &m, err,
	    sizeof(err)) == -1);
	CHECK(strstr(err, "smtp_url") != NULL);
	CHECK(load("smtp_url = smtp://x\nmail_from = not an address\n", &m,
	    err, sizeof(err)) == -1);
	CHECK(strstr(err, "mail_from") != NULL);
	CHECK(load("smtp_url = smtp://x\nmail_from = a@b.example\n"
	    "smtp_timeout = 0\n", &m, err, sizeof(err)) == -1);
	CHECK(strstr(err, "smtp_timeout") != NULL);
	CHECK(load("smtp_url = smtp://x\nmail_from = a@b.example\n"
	    "smtp_password = a\nsmtp_password_file = p\n", &m, err,
	    sizeof(err)) == -1);
	CHECK(load("smtp_url = smtp://x\nmail_from = a@b.example\n"
	    "smtp_password_file = missing\n", &m, err, sizeof(err)) == -1);
	CHECK(strstr(err, "missing") != NULL);

	/* A password file, relative to the site; its newline dropped. */
	snprintf(path, sizeof(path), "%s/smtp.pass", dir);
	CHECK((f = fopen(path, "w")) != NULL);
	if (f != NULL) {
		fputs("s3cret pass\n", f);
		fclose(f);
	}
	CHECK(load("smtp_url = smtps://mail.example.org\n"
	    "mail_from = \"Galley News\" <news@news.example>\n"
	    "smtp_user = news\nsmtp_password_file = smtp.pass\n", &m, err,
	    sizeof(err)) == 0 && m != NULL);
	s.mail = m;
	if (m != NULL) {
		const struct mail_smtp	*sm = mail_smtp(&s);

		CHECK(mail_on(&s));
		CHECK_STR(sm->url, "smtps://mail.example.org");
		CHECK_STR(sm->user, "news");
		CHECK_STR(sm->password, "s3cret pass");
		CHECK_STR(sm->from_addr, "news@news.example");
		CHECK(sm->connect_timeout == 10 && sm->timeout == 60);
		CHECK(!sm->tls_required);	/* smtps: TLS from the start */
		mail_conf_free(m);
	}
	/* STARTTLS is required off loopback, tried on it. */
	CHECK(load("smtp_url = smtp://user@mail.example.org:587\n"
	    "mail_from = a@b.example\nsmtp_connect_timeout = 3\n", &m, err,
	    sizeof(err)) == 0 && m != NULL);
	s.mail = m;
	if (m != NULL) {
		CHECK(mail_smtp(&s)->tls_required);
		CHECK(mail_smtp(&s)->connect_timeout == 3);
		CHECK(mail_smtp(&s)->user == NULL);
		mail_conf_free(m);
	}
	CHECK(tls_required("smtp://127.0.0.1:2525") == 0);
	CHECK(tls_required("smtp://localhost") == 0);
	/* A name that begins like loopback is not loopback. */
	CHECK(tls_required("smtp://127.evil.example") == 1);
	/* A user name that looks like loopback does not make it so. */
	CHECK(tls_required("smtp://127.0.0.1@evil.example") == 1);
}

static void
test_build(void)
{
	struct mail_conf	*mc;
	struct site		 s;
	struct arena		 a;
	struct mail_out		 m;
	GMimeMessage		*gm;
	InternetAddressList	*l;
	GDateTime		*dt;
	char			*msg, *id, *id2, *t, err[300];
	const char		*h;
	size_t			 len;

	memset(&s, 0, sizeof(s));
	arena_init(&a);
	CHECK(load("smtp_url = smtp://127.0.0.1:1\n"
	    "mail_from = Galley Ñews <news@news.example>\n", &mc, err,
	    sizeof(err)) == 0 && mc != NULL);
	s.mail = mc;
	memset(&m, 0, sizeof(m));
	m.kind = "reply";
	m.to = "reader@example.org";
	m.to_name = "Zoë Reader";
	m.subject = "Réponse à « Café » — a reply";
	m.text = "A reply to you:\n\n.leading dot\nçà et là, long line "
	    "that goes on and on and on and on and on and on and on past the"
	    " seventy-eighth column\n";
	m.html = "<p>A reply to <b>you</b>: çà</p>";
	m.unsubscribe = "https://news.example/mail/unsubscribe?t=1.abc";
	CHECK(mail_build(&s, &a, &m, 1700000000, &msg, &len, &id) == 0);
	CHECK(len == strlen(msg));
	CHECK(strstr(msg, "\r\n\r\n") != NULL);
	/* Every line ends CRLF; no bare LF, no 8-bit byte, none too long. */
	{
		const char	*p, *line = msg;
		int		 bare = 0, eight = 0, longl = 0;

		for (p = msg; *p != '\0'; p++) {
			if (*p == '\n' && (p == msg || p[-1] != '\r'))
				bare++;
			if ((unsigned char)*p >= 0x80)
				eight++;
			if (*p == '\n') {
				if (p - line > 998)
					longl++;
				line = p + 1;
			}
		}
		CHECK(bare == 0 && eight == 0 && longl == 0);
	}
	CHECK(id[0] == '<' && strstr(id, "@news.example>") != NULL);
	CHECK(strlen(id) == 1 + 32 + strlen("@news.example>"));
	CHECK((gm = mail_parse(msg, len)) != NULL);
	if (gm != NULL) {
		CHECK_STR(g_mime_message_get_subject(gm), m.subject);
		CHECK(strlen(id) > 2 && strncmp(g_mime_message_get_message_id(
		    gm), id + 1, strlen(id) - 2) == 0);
		l = g_mime_message_get_from(gm);
		t = internet_address_list_to_string(l, NULL, FALSE);
		CHECK_STR(t, "Galley Ñews <news@news.example>");
		g_free(t);
		l = g_mime_message_get_to(gm);
		t = internet_address_list_to_string(l, NULL, FALSE);
		CHECK_STR(t, "Zoë Reader <reader@example.org>");
		g_free(t);
		dt = g_mime_message_get_date(gm);
		CHECK(dt != NULL && g_date_time_to_unix(dt) == 1700000000);
		h = g_mime_object_get_header(GMIME_OBJECT(gm),
		    "List-Unsubscribe");
		CHECK_STR(h, "<https://news.example/mail/unsubscribe?t=1.abc>");
		h = g_mime_object_get_header(GMIME_OBJECT(gm),
		    "List-Unsubscribe-Post");
		CHECK_STR(h, "List-Unsubscribe=One-Click");
		CHECK(g_mime_content_type_is_type(g_mime_object_get_content_type(
		    g_mime_message_get_mime_part(gm)), "multipart",
		    "alternative"));
		t = mail_part(g_mime_message_get_mime_part(gm), "text", "plain");
		CHECK_STR(t, m.text);
		free(t);
		t = mail_part(g_mime_message_get_mime_part(gm), "text", "html");
		CHECK_STR(t, m.html);
		free(t);
		g_object_unref(gm);
	}
	/* Each message its own id; no List-Unsubscribe unless asked. */
	m.unsubscribe = NULL;
	m.html = NULL;
	CHECK(mail_build(&s, &a, &m, 1700000000, &msg, &len, &id2) == 0);
	CHECK(strcmp(id, id2) != 0);
	CHECK(strstr(msg, "List-Unsubscribe") == NULL);
	CHECK((gm = mail_parse(msg, len)) != NULL);
	if (gm != NULL) {
		t = mail_part(g_mime_message_get_mime_part(gm), "text", "plain");
		CHECK_STR(t, m.text);
		free(t);
		g_object_unref(gm);
	}
	/* A header cannot be broken into by a subject or a name. */
	m.subject = "hi\r\nBcc: victim@example.org";
	m.to_name = "x\r\nBcc: victim@example.org";
	CHECK(mail_build(&s, &a, &m, 1700000000, &msg, &len, &id2) == 0);
	CHECK(strstr(msg, "\r\nBcc:") == NULL);
	mail_conf_free(mc);
	arena_free(&a);
}

static void
test_seal(void)
{
	struct site	 s, other;
	struct arena	 a;
	void		*sealed;
	char		*out;
	size_t		 n, outn;
	const char	*msg = "Subject: x\r\n\r\nreset link: /login/reset?t=1";

	memset(&s, 0, sizeof(s));
	memset(&other, 0, sizeof(other));
	other.secret[0] = 1;
	arena_init(&a);
	mail_seal(&s, &a, msg, strlen(msg), &sealed, &n);
	CHECK(n > strlen(msg));
	{
		const char	*p = sealed;
		size_t		 i;
		int		 seen = 0;

		for (i = 0; i + 5 <= n; i++)
			seen |= memcmp(p + i, "reset", 5) == 0;
		CHECK(!seen);
	}
	CHECK(mail_unseal(&s, &a, sealed, n, &out, &outn) == 0);
	CHECK(outn == strlen(msg) && strcmp(out, msg) == 0);
	CHECK(mail_unseal(&other, &a, sealed, n, &out, &outn) == -1);
	((unsigned char *)sealed)[n - 1] ^= 1;
	CHECK(mail_unseal(&s, &a, sealed, n, &out, &outn) == -1);
	CHECK(mail_unseal(&s, &a, sealed, 10, &out, &outn) == -1);
	arena_free(&a);
}

static void
test_render(void)
{
	struct site	 s;
	struct arena	 a;
	struct env	 e;
	char		 err[300], *text = NULL, *html = NULL;
	json_t		*view;

	memset(&s, 0, sizeof(s));
	arena_init(&a);
	CHECK((s.theme = theme_live_new(NULL, err, sizeof(err))) != NULL);
	if (s.theme == NULL)
		return;
	memset(&e, 0, sizeof(e));
	e.site = &s;
	e.arena = &a;
	view = json_pack("{s:{s:s,s:s},s:s}", "site", "title", "<News & Co>",
	    "base_url", "https://news.example", "subject", "Test");
	CHECK(mail_render(&e, "test", view, &text, &html) == 0);
	CHECK(text != NULL && strstr(text, "test message from <News & Co>,")
	    != NULL);
	CHECK(html != NULL && strstr(html, "&lt;News &amp; Co&gt;") != NULL);
	CHECK(html != NULL && strstr(html, "<!doctype html>") == html);
	CHECK(mail_render(&e, "no-such", view, &text, &html) == -1);
	json_decref(view);
	theme_live_free(s.theme);
	arena_free(&a);
}

int
main(void)
{
	if (sodium_init() < 0)
		return 1;
	dir = tmp_path("mail");
	if (mkdir(dir, 0700) == -1)
		return 1;
	test_conf();
	test_build();
	test_seal();
	test_render();
	free(dir);
	return check_done();
}
