/*
 * mail: see mail.h.  GMime builds each message; libsodium seals it for
 * the outbox with a key drawn from the site secret (BLAKE2b keyed with
 * it, over a label of its own), so a copy of the database alone does
 * not give away a password link still waiting to go out.
 */
#include <sys/stat.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <gmime/gmime.h>
#include <sodium.h>

#include "alloc.h"
#include "arena.h"
#include "buf.h"
#include "clock.h"
#include "comment.h"
#include "conf.h"
#include "env.h"
#include "mail.h"
#include "setting.h"
#include "site.h"
#include "store.h"
#include "theme.h"

#define PASSWORD_MAX	1024	/* bytes of smtp_password_file */

struct mail_conf {
	struct mail_smtp	 smtp;
	char			*url, *user, *password;
	char			*from;		/* as written: "Name <addr>" */
	char			*from_name;	/* "" if none */
	char			*from_addr;
	char			*host;		/* of from_addr: Message-IDs */
	pthread_mutex_t		 lock;
	pthread_cond_t		 cond;
	int			 woken;
};

static pthread_once_t	 once = PTHREAD_ONCE_INIT;

static void
init(void)
{
	g_mime_init();
}

void
mail_gmime_init(void)
{
	pthread_once(&once, init);
}

/*
 * Returns 1 if the host of url (after "scheme://", user info) is
 * loopback: localhost, [::1], or an IPv4 literal 127.x.x.x (digits and
 * dots alone, so 127.example.org is not one).
 */
static int
loopback(const char *url)
{
	const char	*h = strstr(url, "://"), *at, *end;
	size_t		 n;

	if (h == NULL)
		return 0;
	h += 3;
	end = h + strcspn(h, "/?#");
	if ((at = memchr(h, '@', (size_t)(end - h))) != NULL)
		h = at + 1;
	if (*h == '[') {
		n = strcspn(h, "]");
		return n == 4 && strncmp(h, "[::1", 4) == 0;
	}
	n = strcspn(h, ":/?#");
	return (n == 9 && strncasecmp(h, "localhost", 9) == 0) ||
	    (n >= 9 && strncmp(h, "127.", 4) == 0 &&
	    strspn(h, "0123456789.") == n);
}

/* Reads the password file at path (relative to dir) into *out. */
static int
read_password(const char *dir, const char *path, char **out, char *err,
    size_t errlen)
{
	char	 full[4096], buf[PASSWORD_MAX + 1];
	ssize_t	 n;
	int	 fd;

	if (*path == '/')
		snprintf(full, sizeof(full), "%s", path);
	else
		snprintf(full, sizeof(full), "%s/%s", dir, path);
	if ((fd = open(full, O_RDONLY | O_CLOEXEC)) == -1) {
		snprintf(err, errlen, "galley.conf: smtp_password_file %s: %s",
		    full, strerror(errno));
		return -1;
	}
	n = read(fd, buf, sizeof(buf));
	close(fd);
	if (n < 0 || n > PASSWORD_MAX) {
		snprintf(err, errlen, "galley.conf: smtp_password_file %s: %s",
		    full, n < 0 ? strerror(errno) : "longer than 1024 bytes");
		return -1;
	}
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		n--;
	buf[n] = '\0';
	*out = xstrdup(buf);
	sodium_memzero(buf, sizeof(buf));
	return 0;
}

/* Splits mail_from into its name and address; -1 if it has none. */
static int
parse_from(struct mail_conf *m)
{
	InternetAddressList	*l;
	InternetAddress		*ia;
	const char		*addr, *name, *at;
	int			 rc = -1;

	mail_gmime_init();
	if ((l = internet_address_list_parse(NULL, m->from)) == NULL)
		return -1;
	if (internet_address_list_length(l) == 1 &&
	    INTERNET_ADDRESS_IS_MAILBOX(ia = internet_address_list_get_address(
	    l, 0)) && (addr = internet_address_mailbox_get_addr(
	    INTERNET_ADDRESS_MAILBOX(ia))) != NULL &&
	    (at = strchr(addr, '@')) != NULL && at != addr && at[1] != '\0' &&
	    strpbrk(addr, " \t\r\n<>") == NULL) {
		name = internet_address_get_name(ia);
		m->from_name = xstrdup(name != NULL ? name : "");
		m->from_addr = xstrdup(addr);
		m->host = xstrdup(at + 1);
		rc = 0;
	}
	g_object_unref(l);
	return rc;
}

/*
 * The sender's alarm runs on the monotonic clock: a clock set back or on
 * (NTP, an admin) neither stalls it nor makes it spin.
 */
static void
cond_init(pthread_cond_t *c)
{
	pthread_condattr_t	 ca;

	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(c, &ca);
	pthread_condattr_destroy(&ca);
}

int
mail_conf_load(const struct conf *c, const char *dir, struct mail_conf **out,
    char *err, size_t errlen)
{
	struct mail_conf	*m;
	const char		*url = conf_get(c, "smtp_url"),
				*from = conf_get(c, "mail_from"),
				*user = conf_get(c, "smtp_user"),
				*pass = conf_get(c, "smtp_password"),
				*pfile = conf_get(c, "smtp_password_file");
	long long		 ct, t, retry;

	*out = NULL;
	if (url == NULL || *url == '\0')
		return 0;
	if (strncmp(url, "smtp://", 7) != 0 &&
	    strncmp(url, "smtps://", 8) != 0) {
		snprintf(err, errlen, "galley.conf: smtp_url must begin"
		    " smtp:// or smtps://, not %s", url);
		return -1;
	}
	if (from == NULL || *from == '\0') {
		snprintf(err, errlen, "galley.conf: smtp_url is set, so"
		    " mail_from must be too (\"Site name <news@example.org>\")");
		return -1;
	}
	if (conf_int(c, "smtp_connect_timeout", 10, 1, 600, &ct, err,
	    errlen) == -1 || conf_int(c, "smtp_timeout", 60, 1, 3600, &t,
	    err, errlen) == -1 || conf_int(c, "mail_retry_seconds", 60, 1,
	    3600, &retry, err, errlen) == -1)
		return -1;
	if (pass != NULL && *pass != '\0' && pfile != NULL && *pfile != '\0') {
		snprintf(err, errlen, "galley.conf: set smtp_password or"
		    " smtp_password_file, not both");
		return -1;
	}
	m = xcalloc(1, sizeof(*m));
	m->url = xstrdup(url);
	m->from = xstrdup(from);
	if (parse_from(m) == -1) {
		snprintf(err, errlen, "galley.conf: mail_from is not an email"
		    " address: %s", from);
		mail_conf_free(m);
		return -1;
	}
	if (user != NULL && *user != '\0')
		m->user = xstrdup(user);
	if (pfile != NULL && *pfile != '\0') {
		if (read_password(dir, pfile, &m->password, err, errlen) == -1) {
			mail_conf_free(m);
			return -1;
		}
	} else if (pass != NULL)
		m->password = xstrdup(pass);
	pthread_mutex_init(&m->lock, NULL);
	cond_init(&m->cond);
	m->smtp.url = m->url;
	m->smtp.user = m->user;
	m->smtp.password = m->password != NULL ? m->password : "";
	m->smtp.from_addr = m->from_addr;
	m->smtp.tls_required = strncmp(url, "smtp://", 7) == 0 &&
	    !loopback(url);
	m->smtp.connect_timeout = (long)ct;
	m->smtp.timeout = (long)t;
	m->smtp.retry = (long)retry;
	*out = m;
	return 0;
}

void
mail_conf_free(struct mail_conf *m)
{
	if (m == NULL)
		return;
	if (m->smtp.url != NULL) {
		pthread_mutex_destroy(&m->lock);
		pthread_cond_destroy(&m->cond);
	}
	if (m->password != NULL) {
		sodium_memzero(m->password, strlen(m->password));
		free(m->password);
	}
	free(m->url);
	free(m->user);
	free(m->from);
	free(m->from_name);
	free(m->from_addr);
	free(m->host);
	free(m);
}

const struct mail_smtp *
mail_smtp(const struct site *s)
{
	return s->mail != NULL ? &s->mail->smtp : NULL;
}

int
mail_on(const struct site *s)
{
	return s->mail != NULL;
}

/* A text part of subtype sub holding text, UTF-8, quoted-printable. */
static GMimeObject *
text_part(const char *sub, const char *text)
{
	GMimeTextPart		*p = g_mime_text_part_new_with_subtype(sub);
	GMimeStream		*st;
	GMimeDataWrapper	*w;

	/* Not g_mime_text_part_set_text: it may pick ISO-8859-1. */
	st = g_mime_stream_mem_new_with_buffer(text, strlen(text));
	w = g_mime_data_wrapper_new_with_stream(st,
	    GMIME_CONTENT_ENCODING_DEFAULT);
	g_mime_part_set_content(GMIME_PART(p), w);
	g_object_unref(w);
	g_object_unref(st);
	g_mime_text_part_set_charset(p, "utf-8");
	g_mime_part_set_content_encoding(GMIME_PART(p),
	    GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE);
	return GMIME_OBJECT(p);
}

int
mail_build(const struct site *s, struct arena *a, const struct mail_out *m,
    int64_t now, char **msg, size_t *len, char **message_id)
{
	const struct mail_conf	*mc = s->mail;
	GMimeMessage		*gm;
	GMimeMultipart		*alt;
	GMimeObject		*body;
	GMimeStream		*st;
	GMimeFormatOptions	*fo;
	GByteArray		*ba;
	GDateTime		*dt;
	unsigned char		 rnd[16];
	char			 hex[33], id[320];
	int			 rc = -1;

	if (mc == NULL)
		return -1;
	mail_gmime_init();
	randombytes_buf(rnd, sizeof(rnd));
	sodium_bin2hex(hex, sizeof(hex), rnd, sizeof(rnd));
	snprintf(id, sizeof(id), "%s@%s", hex, mc->host);
	gm = g_mime_message_new(TRUE);
	g_mime_message_add_mailbox(gm, GMIME_ADDRESS_TYPE_FROM,
	    *mc->from_name != '\0' ? mc->from_name : NULL, mc->from_addr);
	g_mime_message_add_mailbox(gm, GMIME_ADDRESS_TYPE_TO,
	    m->to_name != NULL && *m->to_name != '\0' ? m->to_name : NULL,
	    m->to);
	g_mime_message_set_subject(gm, m->subject, "utf-8");
	g_mime_message_set_message_id(gm, id);
	dt = g_date_time_new_from_unix_utc(now);
	g_mime_message_set_date(gm, dt);
	g_date_time_unref(dt);
	g_mime_object_set_header(GMIME_OBJECT(gm), "Auto-Submitted",
	    "auto-generated", NULL);
	if (m->unsubscribe != NULL) {
		char	 u[2048];

		snprintf(u, sizeof(u), "<%s>", m->unsubscribe);
		g_mime_object_set_header(GMIME_OBJECT(gm), "List-Unsubscribe",
		    u, NULL);
		g_mime_object_set_header(GMIME_OBJECT(gm),
		    "List-Unsubscribe-Post", "List-Unsubscribe=One-Click",
		    NULL);
	}
	if (m->html != NULL) {
		alt = g_mime_multipart_new_with_subtype("alternative");
		body = text_part("plain", m->text);
		g_mime_multipart_add(alt, body);
		g_object_unref(body);
		body = text_part("html", m->html);
		g_mime_multipart_add(alt, body);
		g_object_unref(body);
		g_mime_message_set_mime_part(gm, GMIME_OBJECT(alt));
		g_object_unref(alt);
	} else {
		body = text_part("plain", m->text);
		g_mime_message_set_mime_part(gm, body);
		g_object_unref(body);
	}
	st = g_mime_stream_mem_new();
	fo = g_mime_format_options_clone(NULL);
	g_mime_format_options_set_newline_format(fo, GMIME_NEWLINE_FORMAT_DOS);
	if (g_mime_object_write_to_stream(GMIME_OBJECT(gm), fo, st) >= 0) {
		ba = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(st));
		*msg = arena_alloc(a, ba->len + 1);
		memcpy(*msg, ba->data, ba->len);
		(*msg)[ba->len] = '\0';
		*len = ba->len;
		*message_id = arena_printf(a, "<%s>", id);
		rc = 0;
	}
	g_mime_format_options_free(fo);
	g_object_unref(st);
	g_object_unref(gm);
	return rc;
}

/* The key that seals the outbox: drawn from the site secret. */
static void
seal_key(const struct site *s, unsigned char *key)
{
	static const char	 label[] = "galley outbox seal";

	crypto_generichash(key, crypto_secretbox_KEYBYTES,
	    (const unsigned char *)label, sizeof(label) - 1, s->secret,
	    sizeof(s->secret));
}

void
mail_seal(const struct site *s, struct arena *a, const void *msg,
    size_t len, void **out, size_t *outlen)
{
	unsigned char	 key[crypto_secretbox_KEYBYTES], *p;

	*outlen = crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES +
	    len;
	p = arena_alloc(a, *outlen);
	randombytes_buf(p, crypto_secretbox_NONCEBYTES);
	seal_key(s, key);
	crypto_secretbox_easy(p + crypto_secretbox_NONCEBYTES, msg, len, p,
	    key);
	sodium_memzero(key, sizeof(key));
	*out = p;
}

int
mail_unseal(const struct site *s, struct arena *a, const void *sealed,
    size_t len, char **out, size_t *outlen)
{
	unsigned char		 key[crypto_secretbox_KEYBYTES];
	const unsigned char	*p = sealed;
	size_t			 n;
	int			 rc;

	if (len < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES)
		return -1;
	n = len - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES;
	*out = arena_alloc(a, n + 1);
	seal_key(s, key);
	rc = crypto_secretbox_open_easy((unsigned char *)*out,
	    p + crypto_secretbox_NONCEBYTES, len - crypto_secretbox_NONCEBYTES,
	    p, key);
	sodium_memzero(key, sizeof(key));
	if (rc != 0)
		return -1;
	(*out)[n] = '\0';
	*outlen = n;
	return 0;
}

int
mail_queue(const struct env *e, const struct mail_out *m)
{
	struct mail_row	 row;
	char		*msg;
	size_t		 len;

	if (!mail_on(e->site))
		return STORE_OK;
	/*
	 * Readers' addresses were checked as they came in; an account's
	 * may come from a WXR file as it was written.  A line break in
	 * one would be a command of its own in the SMTP exchange.
	 */
	if (!comment_email_ok(m->to)) {
		fprintf(stderr, "galley: mail: %s to an address that is not"
		    " one: not sent\n", m->kind);
		return STORE_OK;
	}
	memset(&row, 0, sizeof(row));
	if (mail_build(e->site, e->arena, m, e->now, &msg, &len,
	    &row.message_id) == -1)
		return STORE_ERROR;
	mail_seal(e->site, e->arena, msg, len, &row.body, &row.body_len);
	row.kind = (char *)m->kind;
	row.rcpt = (char *)m->to;
	row.subject = (char *)m->subject;
	row.created = e->now;
	row.due = m->due > 0 ? m->due : e->now;
	return store_mail_add(e->conn, &row, NULL);
}

int
mail_event(const struct env *e, const char *kind, int64_t item)
{
	if (!mail_on(e->site))
		return STORE_OK;
	return store_mail_event_add(e->conn, kind, item, e->now);
}

void
mail_wake(const struct site *s)
{
	struct mail_conf	*m = s->mail;

	if (m == NULL)
		return;
	pthread_mutex_lock(&m->lock);
	m->woken = 1;
	pthread_cond_signal(&m->cond);
	pthread_mutex_unlock(&m->lock);
}

int
mail_wait(const struct site *s, int ms)
{
	struct mail_conf	*m = s->mail;
	struct timespec		 ts;
	int			 woken;

	if (m == NULL) {
		usleep((useconds_t)ms * 1000);
		return 0;
	}
	clock_after(CLOCK_MONOTONIC, ms, &ts);
	pthread_mutex_lock(&m->lock);
	while (!m->woken &&
	    pthread_cond_timedwait(&m->cond, &m->lock, &ts) == 0)
		;
	woken = m->woken;
	m->woken = 0;
	pthread_mutex_unlock(&m->lock);
	return woken;
}

json_t *
mail_view(const struct env *e, const char *subject)
{
	json_t		*view = json_object(), *site = json_object();
	const char	*title = set_text(e->set, SET_SITE_TITLE);

	json_object_set_new(site, "title", json_stringn_nocheck(title,
	    strlen(title)));
	json_object_set_new(site, "base_url", json_string(mail_base(e)));
	json_object_set_new(view, "site", site);
	json_object_set_new(view, "subject", json_stringn_nocheck(subject,
	    strlen(subject)));
	return view;
}

const char *
mail_base(const struct env *e)
{
	const char	*base = set_text(e->set, SET_BASE_URL);
	size_t		 n = strlen(base);

	/* Paths are appended to it: no trailing slash. */
	return arena_strndup(e->arena, base, n > 0 && base[n - 1] == '/' ?
	    n - 1 : n);
}

int
mail_render(const struct env *e, const char *name, json_t *view,
    char **text, char **html)
{
	struct theme	*theme = theme_take(e->site->theme);
	struct buf	 b;
	char		 t[128], h[128];
	int		 rc = -1;

	snprintf(t, sizeof(t), "mail-%s-text", name);
	snprintf(h, sizeof(h), "mail-%s", name);
	buf_init(&b);
	if (theme_render_in(theme, NULL, t, view, &b) == 0 &&
	    !b.err) {
		*text = arena_strndup(e->arena, b.data != NULL ? b.data : "",
		    b.len);
		buf_reset(&b);
		if (theme_render_in(theme, "mail-layout", h, view,
		    &b) == 0 && !b.err) {
			*html = arena_strndup(e->arena, b.data != NULL ?
			    b.data : "", b.len);
			rc = 0;
		}
	}
	buf_reset(&b);
	theme_drop(theme);
	return rc;
}
