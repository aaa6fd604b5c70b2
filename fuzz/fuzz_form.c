/*
 * fuzz_form: any bytes as a POSTed form through form.c.  The first byte
 * picks the Content-Type (urlencoded; multipart with a fixed boundary;
 * multipart with a boundary taken from the input, bare or quoted),
 * schema or any-field mode, and how the body is cut into the pieces fed
 * to form_feed; a taken boundary follows (its length, then its bytes);
 * the rest is the body.  libmicrohttpd's post processor reads the type
 * from a live connection, so each input is a request head written into
 * a socketpair handed to a daemon without a listening socket, and the
 * form is read inside its access handler (as tests/test_form.c does).
 * The body is read whole and again in pieces, and aborts if: a field is
 * longer than its limit, not NUL-terminated at its length, or flagged
 * too long below its limit; an absent field is not ""; any-field mode
 * holds more than FORM_FIELDS names, one longer than 64 bytes, or one
 * twice; the pieces read other fields than the whole body (except
 * urlencoded values with a raw NUL, which libmicrohttpd 0.9.75 cuts at
 * the NUL within each piece it is given); or a urlencoded body without
 * escapes, CR, LF or NUL reads otherwise than split on & and =.
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <microhttpd.h>

#include "alloc.h"
#include "buf.h"
#include "form.h"

#define ANY_MAX		16	/* any-field mode's limit per field */
#define ABSENT	"absent-absent-absent-absent-absent-absent-absent-absent-" \
		"absent-ab"

static const struct form_field fields[] = {
	{ "post", 4 },
	{ "author", 16 },
	{ "comment", 64 },
	{ "image", 256 },
	{ "none", 0 },
};
#define NFIELDS	(sizeof(fields) / sizeof(fields[0]))

/* One reading of a body: what form.c held at its end. */
struct reading {
	int	 begin, feed;
	size_t	 n;
	char	*name[FORM_FIELDS], *v[FORM_FIELDS];
	size_t	 len[FORM_FIELDS];
	int	 too_long[FORM_FIELDS], file[FORM_FIELDS];
};

/* The input taken apart. */
struct job {
	int			 any;
	unsigned		 seed;	/* 0: whole; else the sizes */
	const char		*body;
	size_t			 len;
	struct reading		*out;
	int			 ran;
};

static struct job	*current;	/* the handler's job */

/* The size of the next piece: 1 to 4 * seed bytes. */
static size_t
piece(unsigned *x, unsigned seed, size_t left)
{
	size_t	 n;

	if (seed == 0)
		return left;
	*x = *x * 1103515245u + 12345u;
	n = 1 + (*x >> 16) % (4 * seed);
	return n < left ? n : left;
}

/* Checks f against the limits and keeps what it holds in out. */
static void
keep(struct form *f, int any, struct reading *out)
{
	size_t		 i, j, len, max;
	const char	*name, *v;
	int		 too_long;

	/* No field has a name of 65 bytes, in either mode. */
	if (*form_get(f, ABSENT, &len, &too_long) != '\0' || len != 0 ||
	    too_long)
		abort();
	out->n = any ? f->nfields : NFIELDS;
	if (out->n > FORM_FIELDS)
		abort();
	for (i = 0; i < out->n; i++) {
		name = any ? f->names[i] : fields[i].name;
		max = any ? ANY_MAX : fields[i].max;
		if (strlen(name) > 64)
			abort();
		for (j = 0; any && j < i; j++)
			if (strcmp(f->names[j], name) == 0)
				abort();
		v = form_get(f, name, &len, &too_long);
		if (len > max || v[len] != '\0' || (too_long && len != max))
			abort();
		out->name[i] = xstrdup(name);
		out->v[i] = xmalloc(len + 1);
		memcpy(out->v[i], v, len + 1);
		out->len[i] = len;
		out->too_long[i] = too_long;
		out->file[i] = form_file(f, name);
	}
}

static enum MHD_Result
handler(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_size, void **ctx)
{
	struct job	*j = current;
	struct form	 f;
	size_t		 off, n;
	unsigned	 x;

	(void)cls;
	(void)url;
	(void)method;
	(void)version;
	(void)upload;
	(void)upload_size;
	(void)ctx;
	j->out->begin = form_begin(&f, conn, j->any ? NULL : fields,
	    j->any ? ANY_MAX : NFIELDS);
	x = j->seed;
	for (off = 0; j->out->begin == 0 && off < j->len; off += n) {
		n = piece(&x, j->seed, j->len - off);
		if ((j->out->feed = form_feed(&f, j->body + off, n)) == -1)
			break;
	}
	keep(&f, j->any, j->out);
	form_free(&f);
	j->ran = 1;
	return MHD_NO;
}

/* Reads j's body inside a request whose Content-Type is type. */
static void
request(struct job *j, const char *type)
{
	static struct MHD_Daemon	*d;
	struct sockaddr_in		 sa;
	struct buf			 head;
	int				 sv[2], i;

	if (d == NULL && (d = MHD_start_daemon(MHD_USE_NO_LISTEN_SOCKET, 0,
	    NULL, NULL, handler, NULL, MHD_OPTION_END)) == NULL)
		abort();
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	buf_init(&head);
	buf_printf(&head, "POST / HTTP/1.1\r\nHost: f\r\nContent-Type: %s\r\n"
	    "Content-Length: 0\r\n\r\n", type);
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1 ||
	    write(sv[1], head.data, head.len) != (ssize_t)head.len)
		abort();
	current = j;
	if (MHD_add_connection(d, sv[0], (struct sockaddr *)&sa,
	    sizeof(sa)) == MHD_YES)
		for (i = 0; i < 8 && !j->ran; i++)
			MHD_run(d);
	close(sv[1]);
	MHD_run(d);		/* the connection closed on our side too */
	buf_reset(&head);
}

static void
reading_free(struct reading *r)
{
	size_t	 i;

	for (i = 0; i < r->n; i++) {
		free(r->name[i]);
		free(r->v[i]);
	}
}

/* 1 if the two readings hold the same fields. */
static int
same(const struct reading *a, const struct reading *b)
{
	size_t	 i;

	if (a->n != b->n)
		return 0;
	for (i = 0; i < a->n; i++)
		if (strcmp(a->name[i], b->name[i]) != 0 ||
		    a->len[i] != b->len[i] ||
		    memcmp(a->v[i], b->v[i], a->len[i]) != 0 ||
		    a->too_long[i] != b->too_long[i] ||
		    a->file[i] != b->file[i])
			return 0;
	return 1;
}

/* 1 if any of the n bytes at set (NUL included) is in the len at p. */
static int
any_of(const char *p, size_t len, const char *set, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (memchr(p, set[i], len) != NULL)
			return 1;
	return 0;
}

/* 1 if the len bytes at key, '+' read as a space, are name. */
static int
key_is(const char *key, size_t len, const char *name)
{
	size_t	 i;

	if (strlen(name) != len)
		return 0;
	for (i = 0; i < len; i++)
		if ((key[i] == '+' ? ' ' : key[i]) != name[i])
			return 0;
	return 1;
}

/*
 * The oracle for a plain urlencoded body (no %, CR, LF or NUL): field
 * i's value is its pairs' values, '+' as a space, run together (any-field
 * mode: the non-empty ones, one a line), cut at max.  Returns 1 if r
 * reads so.
 */
static int
plain(const struct reading *r, int any, const char *body, size_t len)
{
	const char	*p = body, *end = body + len, *amp, *eq;
	struct buf	 want;
	size_t		 i, k, max;
	int		 ok = 1;

	for (i = 0; ok && i < r->n; i++) {
		max = any ? ANY_MAX : fields[i].max;
		buf_init(&want);
		buf_puts(&want, "");
		for (p = body; p < end; p = amp + 1) {
			if ((amp = memchr(p, '&', (size_t)(end - p))) == NULL)
				amp = end;
			if ((eq = memchr(p, '=', (size_t)(amp - p))) == NULL ||
			    !key_is(p, (size_t)(eq - p), r->name[i]))
				continue;
			if (any && want.len > 0 && eq + 1 < amp)
				buf_putc(&want, '\n');
			for (k = 1; eq + k < amp; k++)
				buf_putc(&want, eq[k] == '+' ? ' ' : eq[k]);
		}
		ok = r->len[i] == (want.len < max ? want.len : max) &&
		    memcmp(r->v[i], want.data, r->len[i]) == 0 &&
		    r->too_long[i] == (want.len > max);
		buf_reset(&want);
	}
	return ok;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct reading	 whole, pieces;
	struct job	 j;
	struct buf	 type;
	size_t		 i, blen, nul;
	int		 kind;

	if (len == 0)
		return 0;
	memset(&j, 0, sizeof(j));
	kind = data[0] & 3;
	j.any = (data[0] >> 2) & 1;
	j.seed = data[0] >> 3;
	data++, len--;
	buf_init(&type);
	if (kind == 0)
		buf_puts(&type, "application/x-www-form-urlencoded");
	else if (kind == 1)
		buf_puts(&type, "multipart/form-data; boundary=XyZ");
	else {
		/* A boundary from the input, printable: CR, LF and NUL
		 * would end the head's line. */
		blen = len == 0 ? 0 : data[0] % 80;
		if (len > 0 && blen > len - 1)
			blen = len - 1;
		buf_puts(&type, "multipart/form-data; boundary=");
		if (kind == 3)
			buf_putc(&type, '"');
		for (i = 0; i < blen; i++)
			buf_putc(&type, data[1 + i] >= 0x20 && data[1 + i] <
			    0x7f ? (char)data[1 + i] : 'a' + data[1 + i] % 26);
		if (kind == 3)
			buf_putc(&type, '"');
		if (len > 0)
			data += 1 + blen, len -= 1 + blen;
	}
	j.body = (const char *)data;
	j.len = len;

	memset(&whole, 0, sizeof(whole));
	memset(&pieces, 0, sizeof(pieces));
	j.out = &whole;
	request(&j, type.data);
	if (j.ran && j.seed != 0) {
		j.ran = 0;
		j.out = &pieces;
		request(&j, type.data);
		nul = kind == 0 && any_of(j.body, j.len, "", 1);
		if (!j.ran || whole.begin != pieces.begin ||
		    whole.feed != pieces.feed ||
		    (whole.feed == 0 && !nul && !same(&whole, &pieces)))
			abort();
	}
	if (j.ran && kind == 0 && whole.begin == 0 && whole.feed == 0 &&
	    !any_of(j.body, j.len, "%\r\n", 4) &&
	    !plain(&whole, j.any, j.body, j.len))
		abort();
	reading_free(&whole);
	reading_free(&pieces);
	buf_reset(&type);
	return 0;
}
