/*
 * test_form: POSTed forms (form.c) through libmicrohttpd's own post
 * processor.  That processor reads the Content-Type from a live
 * connection, so each case writes a request head into a socketpair,
 * hands one end to a daemon that has no listening socket
 * (MHD_add_connection), and reads the form inside the access handler,
 * the body fed by hand in pieces of the size the case asks, as
 * server.c feeds what libmicrohttpd gives it.  Every case runs whole,
 * in 1-byte and in 5-byte pieces, and must read the same each way.
 * Checked: urlencoded and multipart values (+, %-escapes, empty and
 * repeated fields), the limit per field, schema and any-field modes,
 * file parts kept as bytes, bodies and heads that are refused, and
 * memory held to the limits under a 50 MB field.
 */
#include <sys/resource.h>
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
#include "check.h"
#include "form.h"

#define URLENC	"application/x-www-form-urlencoded"
#define MULTI	"multipart/form-data; boundary=XyZ"
#define BODY(s)	(s), sizeof(s) - 1	/* a literal that may hold NULs */
#define NGOT	8

/* A call made inside a request whose head carries a Content-Type. */
struct call {
	void	(*fn)(struct MHD_Connection *, void *);
	void	*arg;
	int	 ran;
};

/* One field as form_get and form_file gave it. */
struct got {
	char	*v;
	size_t	 len;
	int	 too_long, file;
};

/* A form to read: the head's type, the schema, the body, the pieces. */
struct run {
	const char		*type;		/* NULL: no Content-Type */
	const struct form_field	*fields;	/* NULL: any field */
	size_t			 nfields;	/* or the limit per field */
	const char		*body;
	size_t			 len;
	size_t			 piece;		/* bytes per form_feed; 0: all */
	const char		*names[NGOT];	/* read back; NULL-ended */
	int			 begin, feed;	/* -1 if any call failed */
	struct got		 got[NGOT];
};

/* The comment form's shape, with limits small enough to reach. */
static const struct form_field fields[] = {
	{ "post", 20 },
	{ "author", 10 },
	{ "comment", 200 },
	{ "image", 64 },
	{ "none", 0 },
};
#define NFIELDS	(sizeof(fields) / sizeof(fields[0]))

static enum MHD_Result
handler(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_size, void **ctx)
{
	struct call	*c = cls;

	(void)url;
	(void)method;
	(void)version;
	(void)upload;
	(void)upload_size;
	(void)ctx;
	c->fn(conn, c->arg);
	c->ran = 1;
	return MHD_NO;		/* no answer: the connection is closed */
}

/*
 * Runs fn(conn, arg) inside a request whose Content-Type is type (none
 * if NULL).  Returns 1 if it ran, 0 if libmicrohttpd refused the head.
 */
static int
with_conn(const char *type, void (*fn)(struct MHD_Connection *, void *),
    void *arg)
{
	struct call		 c = { fn, arg, 0 };
	struct MHD_Daemon	*d;
	struct sockaddr_in	 sa;
	struct buf		 head;
	int			 sv[2], i;

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	d = MHD_start_daemon(MHD_USE_NO_LISTEN_SOCKET, 0, NULL, NULL,
	    handler, &c, MHD_OPTION_END);
	if (d == NULL || socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1) {
		fprintf(stderr, "test_form: no daemon or socketpair\n");
		exit(1);
	}
	buf_init(&head);
	buf_puts(&head, "POST /comments HTTP/1.1\r\nHost: t\r\n");
	if (type != NULL)
		buf_printf(&head, "Content-Type: %s\r\n", type);
	buf_puts(&head, "Content-Length: 0\r\n\r\n");
	if (write(sv[1], head.data, head.len) != (ssize_t)head.len ||
	    MHD_add_connection(d, sv[0], (struct sockaddr *)&sa,
	    sizeof(sa)) != MHD_YES) {
		fprintf(stderr, "test_form: the head was not taken\n");
		exit(1);
	}
	for (i = 0; i < 50 && !c.ran; i++)
		MHD_run(d);
	close(sv[1]);
	MHD_stop_daemon(d);
	buf_reset(&head);
	return c.ran;
}

/* Inside the request: begin, feed in pieces, read back, free. */
static void
parse_in(struct MHD_Connection *conn, void *arg)
{
	struct run	*r = arg;
	struct form	 f;
	size_t		 off, n, i;
	const char	*v;

	r->begin = form_begin(&f, conn, r->fields, r->nfields);
	r->feed = 0;
	for (off = 0; r->begin == 0 && off < r->len; off += n) {
		n = r->piece == 0 || r->piece > r->len - off ? r->len - off :
		    r->piece;
		if (form_feed(&f, r->body + off, n) == -1) {
			r->feed = -1;
			break;
		}
	}
	for (i = 0; i < NGOT && r->names[i] != NULL; i++) {
		v = form_get(&f, r->names[i], &r->got[i].len,
		    &r->got[i].too_long);
		r->got[i].v = xmalloc(r->got[i].len + 1);
		memcpy(r->got[i].v, v, r->got[i].len + 1);
		r->got[i].file = form_file(&f, r->names[i]);
	}
	form_free(&f);
}

static void
run_reset(struct run *r)
{
	size_t	 i;

	for (i = 0; i < NGOT; i++) {
		free(r->got[i].v);
		r->got[i].v = NULL;
	}
}

static int
same(const struct run *a, const struct run *b)
{
	size_t	 i;

	if (a->begin != b->begin || a->feed != b->feed)
		return 0;
	if (a->feed == -1)
		return 1;	/* what came before the error may differ */
	for (i = 0; i < NGOT && a->names[i] != NULL; i++)
		if (a->got[i].len != b->got[i].len ||
		    memcmp(a->got[i].v, b->got[i].v, a->got[i].len) != 0 ||
		    a->got[i].too_long != b->got[i].too_long ||
		    a->got[i].file != b->got[i].file)
			return 0;
	return 1;
}

/*
 * Reads the len bytes of body, sent as type, into r (the fields named
 * in names read back), whole, and again in 1-byte and 5-byte pieces,
 * which must read the same.  line names the case in a failure.
 */
static void
parse(struct run *r, const char *type, const struct form_field *fl,
    size_t nfl, const char *body, size_t len, const char *const *names,
    int line)
{
	static const size_t	 pieces[] = { 1, 5 };
	struct run		 again;
	size_t			 i;
	char			 what[100];

	memset(r, 0, sizeof(*r));
	r->type = type;
	r->fields = fl;
	r->nfields = nfl;
	r->body = body;
	r->len = len;
	for (i = 0; i < NGOT - 1 && names[i] != NULL; i++)
		r->names[i] = names[i];
	snprintf(what, sizeof(what), "line %d: the head is taken", line);
	if (!CHECK_MSG(with_conn(type, parse_in, r), what))
		return;
	for (i = 0; i < sizeof(pieces) / sizeof(pieces[0]); i++) {
		again = *r;
		memset(again.got, 0, sizeof(again.got));
		again.piece = pieces[i];
		with_conn(type, parse_in, &again);
		snprintf(what, sizeof(what), "line %d: read the same in"
		    " %zu-byte pieces", line, pieces[i]);
		CHECK_MSG(same(r, &again), what);
		run_reset(&again);
	}
}

static struct got *
got(struct run *r, const char *name)
{
	size_t	 i;

	for (i = 0; i < NGOT && r->names[i] != NULL; i++)
		if (strcmp(r->names[i], name) == 0)
			return &r->got[i];
	abort();
}

/* 1 if field name read as the len bytes at want, too_long as said. */
static int
is(struct run *r, const char *name, const char *want, size_t len,
    int too_long)
{
	struct got	*g = got(r, name);

	if (g->len == len && memcmp(g->v, want, len) == 0 &&
	    g->v[len] == '\0' && g->too_long == too_long)
		return 1;
	fprintf(stderr, "  %s: want [%.*s] (%zu%s), got [%.*s] (%zu%s)\n",
	    name, (int)len, want, len, too_long ? ", too long" : "",
	    (int)g->len, g->v, g->len, g->too_long ? ", too long" : "");
	return 0;
}

#define IS(r, name, want)	is((r), (name), (want), strlen(want), 0)
#define CUT(r, name, want)	is((r), (name), (want), strlen(want), 1)


static const char *const schema_names[] = {
	"post", "author", "comment", "image", "none", "evil", NULL
};

/* A literal body through the schema fields, or any fields. */
#define SCHEMA(r, type, body)						\
	parse(&(r), (type), fields, NFIELDS, BODY(body), schema_names,	\
	    __LINE__)
#define ANY(r, type, limit, body, ...)					\
	parse(&(r), (type), NULL, (limit), BODY(body),			\
	    (const char *const[]){ __VA_ARGS__, NULL }, __LINE__)
/* A multipart part's head; a file's; the closing boundary. */
#define PART(name)	"--XyZ\r\nContent-Disposition: form-data; name=\"" \
			name "\"\r\n\r\n"
#define FILEPART(name, file) "--XyZ\r\nContent-Disposition: form-data;" \
			" name=\"" name "\"; filename=\"" file "\"\r\n"	\
			"Content-Type: application/octet-stream\r\n\r\n"
#define END		"\r\n--XyZ--\r\n"
/* A part nesting one file as multipart/mixed (RFC 2388). */
#define NESTED	"--XyZ\r\nContent-Disposition: form-data; name=\"image\"" \
		"\r\ncontent-type: MULTIPART/MIXED; boundary=In\r\n\r\n" \
		"--In\r\nContent-Disposition: file; filename=\"a\"\r\n" \
		"\r\nAB\r\n--In--\r\n"

static void
urlencoded(void)
{
	struct run	 r;

	SCHEMA(r, URLENC, "post=12&author=Ann+Lee&comment=a%2Bb%20c%26d%3De");
	CHECK(r.begin == 0 && r.feed == 0);
	CHECK(IS(&r, "post", "12"));
	CHECK(IS(&r, "author", "Ann Lee"));
	CHECK(IS(&r, "comment", "a+b c&d=e"));
	CHECK(IS(&r, "image", "") && !got(&r, "image")->file);
	run_reset(&r);
	/* Escapes: %00 is a byte of the value; a bad one stays as sent;
	 * a name may be escaped too. */
	SCHEMA(r, URLENC, "com%6Dent=a%00b%zz%4a%4A+%2b&post=%31");
	CHECK(r.feed == 0 && is(&r, "comment", "a\0b%zzJJ +", 10, 0));
	CHECK(IS(&r, "post", "1"));
	run_reset(&r);
	/* Empty values, empty pairs, a type with parameters, a last CRLF. */
	SCHEMA(r, "application/x-www-form-urlencoded; charset=UTF-8",
	    "post=&&author=&comment=x\r\n");
	CHECK(r.feed == 0 && IS(&r, "post", "") && IS(&r, "author", ""));
	CHECK(IS(&r, "comment", "x"));
	run_reset(&r);
	/* A repeated name in schema mode runs its pieces together, still
	 * within the limit; unknown names are dropped. */
	SCHEMA(r, URLENC, "author=abc&evil=1&author=def&evil=2");
	CHECK(r.feed == 0 && IS(&r, "author", "abcdef"));
	CHECK(IS(&r, "evil", "") && IS(&r, "post", ""));
	run_reset(&r);
	SCHEMA(r, URLENC, "author=012345&author=6789X");
	CHECK(CUT(&r, "author", "0123456789"));
	run_reset(&r);
}

/* The limit per field, in bytes after unescaping, as form.h says: a
 * field over it is kept cut at the limit and flagged. */
static void
limits(void)
{
	struct run	 r;

	SCHEMA(r, URLENC, "author=0123456789&post=01234567890123456789");
	CHECK(IS(&r, "author", "0123456789") && IS(&r, "post",
	    "01234567890123456789"));
	run_reset(&r);
	SCHEMA(r, URLENC, "author=0123456789X&post=01234567890123456789X");
	CHECK(CUT(&r, "author", "0123456789") && CUT(&r, "post",
	    "01234567890123456789"));
	run_reset(&r);
	SCHEMA(r, URLENC, "author=%41%41%41%41%41%41%41%41%41%41");
	CHECK(IS(&r, "author", "AAAAAAAAAA"));
	run_reset(&r);
	SCHEMA(r, URLENC, "author=%41%41%41%41%41%41%41%41%41%41%41");
	CHECK(CUT(&r, "author", "AAAAAAAAAA"));
	run_reset(&r);
	/* Bytes, not characters: the cut may fall inside one. */
	SCHEMA(r, URLENC, "author=a%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9");
	CHECK(CUT(&r, "author", "a\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3"));
	run_reset(&r);
	/* A field whose limit is 0 keeps nothing and says so. */
	SCHEMA(r, URLENC, "none=x&post=1");
	CHECK(CUT(&r, "none", "") && IS(&r, "post", "1"));
	run_reset(&r);
	SCHEMA(r, MULTI, PART("image") "0123456789012345678901234567890123456"
	    "789012345678901234567890123X" END);
	CHECK(r.feed == 0 && CUT(&r, "image", "0123456789012345678901234567"
	    "890123456789012345678901234567890123"));
	run_reset(&r);
}

static void
multipart(void)
{
	struct run	 r;

	/* Values hold CRLFs, dashes and near-boundaries; a file part
	 * keeps its bytes, NULs and all; a part with no name, or one not
	 * in the schema, is dropped. */
	SCHEMA(r, MULTI, "preamble\r\n" PART("post") "12\r\n" PART("author")
	    "Ann Lee\r\n" PART("comment") "one\r\n--XyY\r\n--\r\n-a--XyZ\r\n"
	    "\r\n--XyZ\r\nContent-Disposition: form-data\r\n\r\nlost\r\n"
	    PART("evil") "1\r\n" FILEPART("image", "a.jpg")
	    "\xff\xd8\0\0\r\n\r\n--Xy\0\xff" END);
	CHECK(r.begin == 0 && r.feed == 0);
	CHECK(IS(&r, "post", "12") && IS(&r, "author", "Ann Lee"));
	CHECK(IS(&r, "comment", "one\r\n--XyY\r\n--\r\n-a--XyZ\r\n"));
	CHECK(is(&r, "image", "\xff\xd8\0\0\r\n\r\n--Xy\0\xff", 14, 0));
	CHECK(got(&r, "image")->file && !got(&r, "comment")->file);
	CHECK(IS(&r, "evil", ""));
	run_reset(&r);
	/* No file chosen: an empty filename is no file. */
	SCHEMA(r, MULTI, FILEPART("image", "") END);
	CHECK(r.feed == 0 && IS(&r, "image", "") && !got(&r, "image")->file);
	run_reset(&r);
	/* A quoted boundary, the type in capitals, an empty value. */
	SCHEMA(r, "Multipart/Form-Data; boundary=\"XyZ\"", PART("post")
	    "\r\n" PART("comment") "q" END);
	CHECK(r.feed == 0 && IS(&r, "post", "") && IS(&r, "comment", "q"));
	run_reset(&r);
	/* Files nested in a multipart/mixed part (RFC 2388) are values of
	 * the outer part's name, run together in schema mode. */
	SCHEMA(r, MULTI, "--XyZ\r\nContent-Disposition: form-data;"
	    " name=\"image\"\r\nContent-Type: multipart/mixed; boundary=In"
	    "\r\n\r\n--In\r\nContent-Disposition: file; filename=\"a\"\r\n"
	    "\r\nAB\r\n--In\r\nContent-Disposition: file; filename=\"b\""
	    "\r\n\r\nCD\r\n--In--" END);
	CHECK(r.feed == 0 && IS(&r, "image", "ABCD"));
	CHECK(got(&r, "image")->file);
	run_reset(&r);
	/* The text that starts one, as a value, once. */
	SCHEMA(r, MULTI, PART("comment") "Content-Type: multipart/mixed"
	    END);
	CHECK(r.feed == 0 && IS(&r, "comment",
	    "Content-Type: multipart/mixed"));
	run_reset(&r);
	/* A body that never shows the boundary is all preamble: no field. */
	SCHEMA(r, MULTI, "--Other\r\nContent-Disposition: form-data;"
	    " name=\"comment\"\r\n\r\nhi\r\n--Other--\r\n");
	CHECK(r.feed == 0 && IS(&r, "comment", ""));
	run_reset(&r);
}

/* Any-field mode (the admin's): every name kept up to the limit per
 * field, a repeated field's values one a line, empty ones left out. */
static void
any_field(void)
{
	struct run	 r;

	ANY(r, URLENC, 8, "action=approve&id=1&id=&id=22&x=123456789&id=3",
	    "action", "id", "x", "y");
	CHECK(r.feed == 0 && IS(&r, "action", "approve"));
	CHECK(IS(&r, "id", "1\n22\n3") && CUT(&r, "x", "12345678"));
	CHECK(IS(&r, "y", ""));
	run_reset(&r);
	/* An escape that ends a piece makes an empty first call. */
	ANY(r, URLENC, 8, "id=1&id=%32%32", "id");
	CHECK(IS(&r, "id", "1\n22"));
	run_reset(&r);
	/* The newline counts against the limit. */
	ANY(r, URLENC, 8, "id=1234&id=5678", "id");
	CHECK(CUT(&r, "id", "1234\n567"));
	run_reset(&r);
	ANY(r, MULTI, 64, PART("id") "1\r\n" PART("id") "\r\n" PART("id")
	    "22\r\n" FILEPART("image", "b.jpg") "\0\1" END, "id", "image");
	CHECK(r.feed == 0 && IS(&r, "id", "1\n22"));
	CHECK(is(&r, "image", "\0\1", 2, 0) && got(&r, "image")->file);
	run_reset(&r);
}

/* Any-field mode keeps the first FORM_FIELDS names of at most 64
 * bytes; the others are dropped. */
static void
any_bounds(void)
{
	struct run	 r;
	struct buf	 b;
	int		 i;
	char		 last[16], over[16], n64[65], n65[66];

	buf_init(&b);
	for (i = 0; i <= FORM_FIELDS; i++)
		buf_printf(&b, "f%d=%d&", i, i);
	snprintf(last, sizeof(last), "f%d", FORM_FIELDS - 1);
	snprintf(over, sizeof(over), "f%d", FORM_FIELDS);
	parse(&r, URLENC, NULL, 8, b.data, b.len,
	    (const char *const[]){ "f0", last, over, NULL }, __LINE__);
	CHECK(r.feed == 0 && IS(&r, "f0", "0") && IS(&r, last, "63"));
	CHECK(IS(&r, over, ""));
	run_reset(&r);
	/* A name of 64 bytes is kept, one of 65 dropped. */
	memset(n64, 'n', 64);
	n64[64] = '\0';
	memset(n65, 'n', 65);
	n65[65] = '\0';
	buf_reset(&b);
	buf_printf(&b, "%s=64&%s=65", n64, n65);
	parse(&r, URLENC, NULL, 8, b.data, b.len,
	    (const char *const[]){ n64, n65, NULL }, __LINE__);
	CHECK(r.feed == 0 && IS(&r, n64, "64") && IS(&r, n65, ""));
	run_reset(&r);
	buf_reset(&b);
}

/* A head form_begin refuses: not a form, or no usable boundary. */
static void
refused_head(const char *type, int line)
{
	struct run	 r;
	char		 what[100];

	parse(&r, type, fields, NFIELDS, BODY("post=1"), schema_names, line);
	snprintf(what, sizeof(what), "line %d: form_begin refuses", line);
	CHECK_MSG(r.begin == -1 && IS(&r, "post", ""), what);
	run_reset(&r);
}

/* A body form_feed refuses. */
static void
refused_body(const char *type, const char *body, size_t len, int line)
{
	struct run	 r;
	char		 what[100];

	parse(&r, type, fields, NFIELDS, body, len, schema_names, line);
	snprintf(what, sizeof(what), "line %d: form_feed refuses", line);
	CHECK_MSG(r.begin == 0 && r.feed == -1, what);
	run_reset(&r);
}

static void
refused(void)
{
	struct buf	 b;

	refused_head(NULL, __LINE__);
	refused_head("text/plain", __LINE__);
	refused_head("application/json", __LINE__);
	refused_head("multipart/mixed; boundary=XyZ", __LINE__);
	refused_head("multipart/form-data", __LINE__);
	refused_head("multipart/form-data; boundary=", __LINE__);
	/* CVE-2023-27371: a lone quote made the boundary's length wrap
	 * in libmicrohttpd 0.9.75 before Debian's patch. */
	refused_head("multipart/form-data; boundary=\"", __LINE__);
	buf_init(&b);
	buf_puts(&b, "multipart/form-data; boundary=");
	while (b.len < 5000)
		buf_puts(&b, "0123456789");
	refused_head(b.data, __LINE__);		/* past the 8 KB buffer */
	buf_reset(&b);

	refused_body(URLENC, BODY("=x"), __LINE__);
	refused_body(URLENC, BODY("post==1"), __LINE__);
	refused_body(URLENC, BODY("post=1\nauthor=2"), __LINE__);
	while (b.len < 9000)
		buf_puts(&b, "post");		/* a name past 8 KB */
	buf_puts(&b, "=1");
	refused_body(URLENC, b.data, b.len, __LINE__);
	buf_reset(&b);
	refused_body(MULTI, BODY(PART("post") "1\r\n--XyZ garbage"),
	    __LINE__);
	/* Anything after the closing boundary, though RFC 2046 would
	 * ignore an epilogue. */
	refused_body(MULTI, BODY(PART("post") "1" END "epilogue"), __LINE__);
	refused_body(MULTI, BODY("--XyZ\r\nContent-Disposition: form-data;"
	    " name=\"post\"\r\n\r\n1\r\n--XyZ--more"), __LINE__);
	/* A second part nested as multipart/mixed: libmicrohttpd would
	 * leak the first one's boundary (see form.c). */
	refused_body(MULTI, BODY(NESTED NESTED "--XyZ--\r\n"), __LINE__);
	refused_body(MULTI, BODY(NESTED PART("post") "1\r\n" NESTED
	    "--XyZ--\r\n"), __LINE__);
	/* The count cannot tell a value from a part's head. */
	refused_body(MULTI, BODY(PART("comment") "content-type: multipart/"
	    "mixed\r\n" NESTED "--XyZ--\r\n"), __LINE__);
	buf_puts(&b, "--XyZ\r\nX-Long: ");	/* a part's head past 8 KB */
	while (b.len < 9000)
		buf_puts(&b, "0123456789");
	refused_body(MULTI, b.data, b.len, __LINE__);
	buf_reset(&b);
}

/*
 * Garbage never crashes, and a body cut short is not refused: form.h
 * has no call for the body's end, so what came before the cut is kept
 * (less what could still have been a boundary), within the limits.
 */
static void
truncated(void)
{
	struct run	 r;
	struct buf	 b;
	int		 i;

	SCHEMA(r, MULTI, PART("comment") "hello wor");
	CHECK(r.feed == 0 && got(&r, "comment")->len < 9 &&
	    strncmp(got(&r, "comment")->v, "hello wor",
	    got(&r, "comment")->len) == 0);
	run_reset(&r);
	SCHEMA(r, MULTI, PART("comment") "hello\r\n--XyZ");
	CHECK(r.feed == 0 && IS(&r, "comment", "hello"));
	run_reset(&r);
	SCHEMA(r, MULTI, "--XyZ\r\nContent-Disposition: form-da");
	CHECK(r.feed == 0 && IS(&r, "comment", ""));
	run_reset(&r);
	SCHEMA(r, URLENC, "post=1&comment=x%4");
	CHECK(r.feed == 0 && IS(&r, "post", "1") && IS(&r, "comment", "x"));
	run_reset(&r);
	/* Every byte value, in every position of a multipart head. */
	buf_init(&b);
	for (i = 0; i < 256 * 4; i++)
		buf_putc(&b, (char)(i * 7 + i / 256));
	parse(&r, MULTI, fields, NFIELDS, b.data, b.len, schema_names,
	    __LINE__);
	CHECK(r.begin == 0 && got(&r, "comment")->len <= 200);
	run_reset(&r);
	parse(&r, URLENC, fields, NFIELDS, b.data, b.len, schema_names,
	    __LINE__);
	CHECK(r.begin == 0);
	run_reset(&r);
	buf_reset(&b);
}

/* A field of total bytes, made of a pattern, between a head and a tail. */
struct stream {
	const char		*type, *head, *pattern, *tail;
	size_t			 total;
	const struct form_field	*fields;
	size_t			 nfields;
	int			 begin, feed;
	size_t			 len;
	int			 too_long;
	char			 after[8];	/* the field after it */
};

static void
stream_in(struct MHD_Connection *conn, void *arg)
{
	static char	 piece[1 << 16];
	struct stream	*s = arg;
	struct form	 f;
	size_t		 off, n, plen = strlen(s->pattern);

	for (off = 0; off < sizeof(piece); off++)
		piece[off] = s->pattern[off % plen];
	s->begin = form_begin(&f, conn, s->fields, s->nfields);
	s->feed = form_feed(&f, s->head, strlen(s->head));
	for (off = 0; s->feed == 0 && off < s->total; off += n) {
		/* Pieces of 64 KB less a little, so the pattern shifts. */
		n = s->total - off < sizeof(piece) - 7 ? s->total - off :
		    sizeof(piece) - 7;
		s->feed = form_feed(&f, piece + off % plen, n);
	}
	if (s->feed == 0)
		s->feed = form_feed(&f, s->tail, strlen(s->tail));
	form_get(&f, "comment", &s->len, &s->too_long);
	snprintf(s->after, sizeof(s->after), "%s", form_get(&f, "post",
	    NULL, NULL));
	form_free(&f);
}

/* Peak resident memory, in KB. */
static long
peak_kb(void)
{
	struct rusage	 ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

/*
 * A 50 MB field with a 1 KB limit keeps 1 KB, in each encoding and mode;
 * the field after it is still read, and the peak memory hardly moves.
 */
static void
bounded(void)
{
	static const struct form_field	 small[] = {
		{ "comment", 1024 }, { "post", 8 },
	};
	struct stream	 s[] = {
		{ URLENC, "comment=", "ab%41+", "&post=7", 50 << 20,
		    small, 2, 0, 0, 0, 0, "" },
		{ MULTI, PART("comment"), "\r\n--XyY\0\xff", "\r\n" PART("post")
		    "7" END, 50 << 20, small, 2, 0, 0, 0, 0, "" },
		{ URLENC, "comment=", "x", "&post=7", 50 << 20, NULL, 1024,
		    0, 0, 0, 0, "" },
	};
	size_t		 i;
	long		 before = peak_kb();

	for (i = 0; i < sizeof(s) / sizeof(s[0]); i++) {
		CHECK(with_conn(s[i].type, stream_in, &s[i]));
		CHECK(s[i].begin == 0 && s[i].feed == 0);
		CHECK(s[i].len == 1024 && s[i].too_long);
		CHECK_STR(s[i].after, "7");
	}
	fprintf(stderr, "test_form: 150 MB of fields, peak memory %ld KB"
	    " more\n", peak_kb() - before);
	CHECK(peak_kb() - before < 16 * 1024);
}

int
main(void)
{
	bounded();	/* first, while the peak is still low */
	urlencoded();
	limits();
	multipart();
	any_field();
	any_bounds();
	refused();
	truncated();
	return check_done();
}
