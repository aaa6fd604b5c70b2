/*
 * spam_mail: the tokens of an RFC 822 message, for training the comment
 * filter from mail corpora (`galley spam train`, `galley spam eval`).
 * GMime parses the message, decodes headers (RFC 2047), transfer
 * encodings and charsets; we only choose what becomes a token: the
 * words of the headers that say who and what (under the header's
 * name), the relays, how the message was made (Message-ID domain,
 * recipient counts, each part's type, charset and transfer encoding),
 * and the text of every text part, HTML through spam_html.  Other
 * parts leave their type and file extension.  docs/SPAM.md has what
 * was measured.
 */
#include <ctype.h>
#include <pthread.h>
#include <string.h>

#include <gmime/gmime.h>

#include "mail.h"
#include "spam.h"

#define PART_MAX	(1 << 20)	/* text taken from one part */

/*
 * The headers whose words become tokens (the others only by name): who
 * sent it, to whom, about what, with what.  Measured: mining every
 * header let a mailing list's own headers outvote a spam it carried.
 */
static const char *const wanted_headers[] = {
	"subject", "from", "to", "cc", "reply-to", "content-type",
	"x-mailer", "user-agent", "organization",
};

static int
wanted(const char *name)
{
	size_t	 i;

	for (i = 0; i < sizeof(wanted_headers) / sizeof(wanted_headers[0]); i++)
		if (strcmp(name, wanted_headers[i]) == 0)
			return 1;
	return 0;
}


/*
 * A Received line says which relays a message passed: their names and
 * addresses are tokens ("received:mail.example.org"); its dates and ids
 * are noise, and decoding the whole line costs more than the rest of
 * the headers together.
 */
static void
relays(struct spam_toks *t, const char *v)
{
	const char	*w, *e;
	char		 low[128];
	size_t		 i, n;

	for (w = v; w != NULL && *w != '\0'; w = e) {
		while (*w != '\0' && strchr(" \t\r\n()[]<>;=", *w) != NULL)
			w++;
		for (e = w; *e != '\0' && strchr(" \t\r\n()[]<>;=", *e) == NULL;
		    e++)
			;
		n = (size_t)(e - w);
		if (n < 4 || n >= sizeof(low) || memchr(w, '.', n) == NULL ||
		    memchr(w, '@', n) != NULL)
			continue;
		for (i = 0; i < n; i++)
			low[i] = (char)tolower((unsigned char)w[i]);
		while (n > 0 && low[n - 1] == '.')
			n--;
		spam_toks_add(t, "received:", low, n);
	}
}

/* prefix + v's first word, lower-cased: "cte:base64". */
static void
lower_token(struct spam_toks *t, const char *prefix, const char *v)
{
	char	 low[64];
	size_t	 n = 0;

	while (isspace((unsigned char)*v) || *v == '"')
		v++;
	for (; *v != '\0' && !isspace((unsigned char)*v) &&
	    strchr(";\">", *v) == NULL && n < sizeof(low); v++)
		low[n++] = (char)tolower((unsigned char)*v);
	if (n > 0)
		spam_toks_add(t, prefix, low, n);
}

/*
 * The domain that made the Message-ID ("message-id:@example.org"), or
 * "message-id:none": bulk mailers name their own host, or none.
 */
static void
message_id(struct spam_toks *t, const char *v)
{
	const char	*at = strrchr(v, '@');

	if (at == NULL)
		spam_toks_add(t, "message-id:", "none", 4);
	else
		lower_token(t, "message-id:@", at + 1);
}

/* How many addresses a To or Cc names: 0 to 3, then 4 for 4-8, 8 for more. */
static void
recipients(struct spam_toks *t, const char *name, const char *v)
{
	char	 tok[80];
	int	 n = 0;

	for (; *v != '\0'; v++)
		n += *v == '@';
	snprintf(tok, sizeof(tok), "%s:%d", name, n > 8 ? 8 : n > 3 ? 4 : n);
	spam_toks_add(t, "rcpt:", tok, strlen(tok));
}

static void
headers(struct spam_toks *t, GMimeObject *o)
{
	GMimeHeaderList	*hl = g_mime_object_get_header_list(o);
	GMimeHeader	*h;
	const char	*v;
	char		 name[64], prefix[66];
	size_t		 i;
	int		 k, n = g_mime_header_list_get_count(hl);

	for (k = 0; k < n && k < 200; k++) {
		h = g_mime_header_list_get_header_at(hl, k);
		v = g_mime_header_get_name(h);
		for (i = 0; v[i] != '\0' && i < sizeof(name) - 1; i++)
			name[i] = (char)tolower((unsigned char)v[i]);
		name[i] = '\0';
		/* Measured: names alone tell a list's ham, not spam. */
		if (t->feat & SPAM_F_HEADER_NAMES)
			spam_toks_add(t, "hdr:", name, i);
		if (strcmp(name, "received") == 0) {
			relays(t, g_mime_header_get_raw_value(h));
			continue;
		}
		if ((t->feat & SPAM_F_MAIL_META) &&
		    (v = g_mime_header_get_raw_value(h)) != NULL) {
			if (strcmp(name, "message-id") == 0)
				message_id(t, v);
			else if (strcmp(name, "to") == 0 ||
			    strcmp(name, "cc") == 0)
				recipients(t, name, v);
		}
		if (!wanted(name) || (v = g_mime_header_get_value(h)) == NULL)
			continue;
		snprintf(prefix, sizeof(prefix), "%s:", name);
		spam_text(t, prefix, v, strnlen(v, 4096));
	}
}

/* Decodes a text part into UTF-8 and tokenizes it. */
static void
text_part(struct spam_toks *t, GMimePart *part, GMimeContentType *ct)
{
	GMimeDataWrapper	*dw = g_mime_part_get_content(part);
	GMimeStream		*mem, *filt;
	GMimeFilter		*f;
	GByteArray		*ba;
	const char		*cs;

	if (dw == NULL)
		return;
	mem = g_mime_stream_mem_new();
	filt = g_mime_stream_filter_new(mem);
	cs = g_mime_content_type_get_parameter(ct, "charset");
	/* UTF-8 and ASCII need no converter (opening one costs). */
	if (cs != NULL && g_ascii_strcasecmp(cs, "utf-8") != 0 &&
	    g_ascii_strcasecmp(cs, "us-ascii") != 0 &&
	    (f = g_mime_filter_charset_new(cs, "UTF-8")) != NULL) {
		g_mime_stream_filter_add(GMIME_STREAM_FILTER(filt), f);
		g_object_unref(f);
	}
	g_mime_data_wrapper_write_to_stream(dw, filt);
	g_mime_stream_flush(filt);
	ba = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
	if (ba != NULL && ba->len > 0) {
		if (g_mime_content_type_is_type(ct, "text", "html"))
			spam_html(t, "", (const char *)ba->data,
			    ba->len > PART_MAX ? PART_MAX : ba->len);
		else
			spam_text(t, "", (const char *)ba->data,
			    ba->len > PART_MAX ? PART_MAX : ba->len);
	}
	g_object_unref(filt);
	g_object_unref(mem);
}

static void
part(GMimeObject *parent, GMimeObject *o, gpointer arg)
{
	struct spam_toks	*t = arg;
	GMimeContentType	*ct = g_mime_object_get_content_type(o);
	const char		*fn, *dot;
	char			*type;

	(void)parent;
	if (ct == NULL)
		return;
	type = g_mime_content_type_get_mime_type(ct);
	if (type != NULL) {
		spam_toks_add(t, "ct:", type, strlen(type));
		g_free(type);
	}
	/* How each part is written: "charset:gb2312", "cte:base64". */
	if ((t->feat & SPAM_F_MAIL_META) &&
	    (fn = g_mime_content_type_get_parameter(ct, "charset")) != NULL)
		lower_token(t, "charset:", fn);
	if ((t->feat & SPAM_F_MAIL_META) && GMIME_IS_PART(o) &&
	    (fn = g_mime_object_get_header(o, "Content-Transfer-Encoding")) !=
	    NULL)
		lower_token(t, "cte:", fn);
	if (!GMIME_IS_PART(o))
		return;
	if (g_mime_content_type_is_type(ct, "text", "*")) {
		text_part(t, GMIME_PART(o), ct);
		return;
	}
	fn = g_mime_part_get_filename(GMIME_PART(o));
	if (fn != NULL && (dot = strrchr(fn, '.')) != NULL)
		spam_toks_add(t, "ext:", dot + 1, strnlen(dot + 1, 8));
}

void
spam_mail_init(void)
{
	mail_gmime_init();
}

int
spam_mail_tokens(struct spam_toks *t, const char *raw, size_t len)
{
	GMimeStream	*s;
	GMimeParser	*p;
	GMimeMessage	*m;
	const char	*nl;

	spam_mail_init();
	t->nopairs = !(t->feat & SPAM_F_MAIL_PAIRS);
	/* An mbox "From " line is not a header. */
	if (len > 5 && memcmp(raw, "From ", 5) == 0 &&
	    (nl = memchr(raw, '\n', len)) != NULL) {
		len -= (size_t)(nl + 1 - raw);
		raw = nl + 1;
	}
	s = g_mime_stream_mem_new_with_buffer(raw, len);
	p = g_mime_parser_new_with_stream(s);
	g_object_unref(s);
	m = g_mime_parser_construct_message(p, NULL);
	g_object_unref(p);
	if (m == NULL) {
		t->nopairs = 0;		/* read as a comment instead */
		return -1;
	}
	headers(t, GMIME_OBJECT(m));
	g_mime_message_foreach(m, part, t);	/* the top part too */
	g_object_unref(m);
	spam_toks_finish(t);
	return 0;
}
