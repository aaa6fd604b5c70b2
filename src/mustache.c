/*
 * mustache: compiler and renderer for the templates declared in
 * mustache.h.  Compiling copies the source and turns it into a flat array
 * of nodes that refer to the copy by offset: literal text, variables,
 * partials, and sections, whose children follow them up to their end
 * index.  Standalone lines (a section, comment, partial or delimiter tag
 * alone on its line) are stripped while compiling, so rendering is one
 * walk over the array that never looks at template syntax again.  The
 * context stack and partial indentation live on the render's C stack,
 * which is what lets many threads render one template at once.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "buf.h"
#include "html.h"
#include "mustache.h"
#include "po.h"

/* Deepest section nesting compiled; bounds the render's recursion. */
#define MUSTACHE_MAX_NEST	100

enum mkind {
	NODE_TEXT,	/* literal text */
	NODE_VAR,	/* {{x}}: escaped */
	NODE_RAW,	/* {{{x}}} and {{&x}}: written as is */
	NODE_SECTION,	/* {{#x}} */
	NODE_INVERTED,	/* {{^x}} */
	NODE_PARTIAL,	/* {{>x}} */
	NODE_TR		/* {{#_}}msgid{{/_}}, {{#_n x}}one{{^_n}}many{{/_n}} */
};

/* One part of a dotted name, in the source copy. */
struct mseg {
	size_t	 off, len;
};

struct mnode {
	enum mkind	 kind;
	int		 bol;		/* starts a line: indent it in a partial */
	int		 standalone;	/* PARTIAL alone on its line */
	size_t		 off, len;	/* TEXT: the text; others: the name */
	size_t		 ioff, ilen;	/* standalone PARTIAL: its indentation */
	size_t		 seg, nseg;	/* name split at dots; none for "." */
	size_t		 end;		/* sections: index past the last child */
	size_t		 sub, nsub;	/* TR: its forms in subs[] */
	int		 tr_po;		/* TR: forms chosen by po's rule */
};

struct mustache {
	char		*src;		/* the copy every offset points into */
	struct mnode	*nodes;
	size_t		 nnodes, nodecap;
	struct mseg	*segs;
	size_t		 nsegs, segcap;
	struct mustache	**subs;		/* translations, compiled */
	size_t		 nsubs;
	const struct po	*po;		/* their catalogue, or NULL */
};

struct parser {
	struct mustache	*t;
	const char	*src;		/* t->src */
	size_t		 len;
	size_t		 pos;		/* where the next tag search starts */
	size_t		 text;		/* start of text not yet made a node */
	int		 bol;		/* the next node starts a line */
	const char	*otag, *ctag;	/* current delimiters */
	size_t		 olen, clen;
	size_t		 open[MUSTACHE_MAX_NEST]; /* unclosed section nodes */
	size_t		 nopen;
	const struct po	*po;		/* translations, or NULL: msgids */
	char		*err;
	size_t		 errlen;
};

/* A tag src[at..end); sigil 0 for {{x}}, '&' also for {{{x}}}. */
struct tag {
	int	 sigil;
	size_t	 at, end;
	size_t	 name, namelen;	/* the trimmed text inside */
};

struct ctx {
	json_t			*v;
	const struct ctx	*up;
};

/* Indentation of nested standalone partials, innermost first. */
struct indent {
	const char		*s;
	size_t			 len;
	const struct indent	*up;
};

struct render {
	const struct mustache_loader	*partials;
	struct buf			*out;
	int				 depth;	/* partials entered */
};

static int	render_nodes(struct render *, const struct mustache *, size_t,
		    size_t, const struct ctx *, const struct indent *);
static int	parse_error(struct parser *, size_t, const char *, ...)
		    __attribute__((format(printf, 3, 4)));

static int
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static int
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Returns the offset of pat in s[from..len), or (size_t)-1. */
static size_t
find(const char *s, size_t from, size_t len, const char *pat, size_t plen)
{
	const char	*q;

	while (from + plen <= len) {
		q = memchr(s + from, pat[0], len - from - plen + 1);
		if (q == NULL)
			break;
		from = (size_t)(q - s);
		if (memcmp(q, pat, plen) == 0)
			return from;
		from++;
	}
	return (size_t)-1;
}

static size_t
line_of(const char *s, size_t at)
{
	size_t	 i, line = 1;

	for (i = 0; i < at; i++)
		if (s[i] == '\n')
			line++;
	return line;
}

/* Writes "line N: " and the message into p->err; returns -1. */
static int
parse_error(struct parser *p, size_t at, const char *fmt, ...)
{
	va_list	 ap;
	int	 n;

	if (p->errlen == 0)
		return -1;
	n = snprintf(p->err, p->errlen, "line %zu: ", line_of(p->src, at));
	if (n < 0 || (size_t)n >= p->errlen)
		return -1;
	va_start(ap, fmt);
	vsnprintf(p->err + n, p->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

/* Length of a name as printed in messages. */
static int
shown(size_t len)
{
	return len > 64 ? 64 : (int)len;
}

/* Appends a node; the pointer is valid until the next node_add. */
static struct mnode *
node_add(struct parser *p, enum mkind kind, size_t off, size_t len)
{
	struct mustache	*t = p->t;
	struct mnode	*n;

	if (t->nnodes == t->nodecap) {
		t->nodecap = t->nodecap ? t->nodecap * 2 : 16;
		t->nodes = xrealloc(t->nodes, t->nodecap * sizeof(*t->nodes));
	}
	n = &t->nodes[t->nnodes++];
	memset(n, 0, sizeof(*n));
	n->kind = kind;
	n->off = off;
	n->len = len;
	n->bol = p->bol;
	p->bol = 0;
	return n;
}

static void
seg_add(struct mustache *t, size_t off, size_t len)
{
	if (t->nsegs == t->segcap) {
		t->segcap = t->segcap ? t->segcap * 2 : 16;
		t->segs = xrealloc(t->segs, t->segcap * sizeof(*t->segs));
	}
	t->segs[t->nsegs].off = off;
	t->segs[t->nsegs].len = len;
	t->nsegs++;
}

/* Splits n's name at dots into segments; "." has none. */
static void
name_split(struct mustache *t, struct mnode *n)
{
	size_t	 i, start = n->off, end = n->off + n->len;

	n->seg = t->nsegs;
	if (n->len == 1 && t->src[n->off] == '.')
		return;
	for (i = start; i <= end; i++) {
		if (i < end && t->src[i] != '.')
			continue;
		seg_add(t, start, i - start);
		start = i + 1;
	}
	n->nseg = t->nsegs - n->seg;
}

/* Makes the pending text up to src[upto) a node. */
static void
text_flush(struct parser *p, size_t upto)
{
	if (upto <= p->text)
		return;
	node_add(p, NODE_TEXT, p->text, upto - p->text);
	p->bol = p->src[upto - 1] == '\n';
}

/* Returns where the closer of a tag whose body starts at from begins. */
static size_t
close_find(const struct parser *p, size_t from, int triple)
{
	size_t	 e, x = from;

	for (;;) {
		e = find(p->src, x, p->len, p->ctag, p->clen);
		if (e == (size_t)-1 || !triple)
			return e;
		if (e > from && p->src[e - 1] == '}')
			return e - 1;
		x = e + 1;
	}
}

/* Parses the tag whose opening delimiter is at src[at). */
static int
tag_scan(struct parser *p, size_t at, struct tag *g)
{
	size_t	 s = at + p->olen, e;

	memset(g, 0, sizeof(*g));
	g->at = at;
	g->sigil = s < p->len ? p->src[s] : 0;
	if (g->sigil != 0 && strchr("#^/!>=&{", g->sigil) != NULL)
		s++;
	else
		g->sigil = 0;
	e = close_find(p, s, g->sigil == '{');
	if (e == (size_t)-1)
		return parse_error(p, at, "unclosed tag");
	g->end = e + (g->sigil == '{') + p->clen;
	if (g->sigil == '{')
		g->sigil = '&';
	while (s < e && is_space(p->src[s]))
		s++;
	while (e > s && is_space(p->src[e - 1]))
		e--;
	g->name = s;
	g->namelen = e - s;
	return 0;
}

/*
 * Returns 1 if g may stand alone and is alone on its line, setting *ls to
 * the line's start and *re to the start of the next line.
 */
static int
standalone(const struct parser *p, const struct tag *g, size_t *ls,
    size_t *re)
{
	size_t	 a = g->at, b = g->end;

	if (g->sigil == 0 || g->sigil == '&')
		return 0;
	while (a > p->text && is_blank(p->src[a - 1]))
		a--;
	if (a > 0 && p->src[a - 1] != '\n')
		return 0;
	while (b < p->len && is_blank(p->src[b]))
		b++;
	if (b + 1 < p->len && p->src[b] == '\r' && p->src[b + 1] == '\n')
		b++;
	if (b < p->len && p->src[b] != '\n')
		return 0;
	*ls = a;
	*re = b < p->len ? b + 1 : b;
	return 1;
}

/* Returns 1 if s[a..b) is a usable delimiter: no space, no '='. */
static int
delim_ok(const char *s, size_t a, size_t b)
{
	if (a == b)
		return 0;
	for (; a < b; a++)
		if (is_space(s[a]) || s[a] == '=')
			return 0;
	return 1;
}

/* {{=<% %>=}}: two delimiters separated by blanks. */
static int
delim_set(struct parser *p, const struct tag *g)
{
	const char	*s = p->src;
	size_t		 a = g->name, end = g->name + g->namelen, b, c;

	if (g->namelen < 2 || s[end - 1] != '=')
		return parse_error(p, g->at, "bad delimiter tag");
	end--;
	while (end > a && is_space(s[end - 1]))
		end--;
	for (b = a; b < end && !is_space(s[b]); b++)
		continue;
	for (c = b; c < end && is_space(s[c]); c++)
		continue;
	if (!delim_ok(s, a, b) || !delim_ok(s, c, end))
		return parse_error(p, g->at, "bad delimiter tag");
	p->otag = s + a;
	p->olen = b - a;
	p->ctag = s + c;
	p->clen = end - c;
	return 0;
}

static int
section_open(struct parser *p, const struct tag *g, enum mkind kind)
{
	if (p->nopen == MUSTACHE_MAX_NEST)
		return parse_error(p, g->at, "sections nested too deeply");
	p->open[p->nopen++] = p->t->nnodes;
	name_split(p->t, node_add(p, kind, g->name, g->namelen));
	return 0;
}

static int
section_close(struct parser *p, const struct tag *g)
{
	struct mnode	*n;

	if (p->nopen == 0)
		return parse_error(p, g->at, "close of unopened section '%.*s'",
		    shown(g->namelen), p->src + g->name);
	n = &p->t->nodes[p->open[p->nopen - 1]];
	if (n->len != g->namelen ||
	    memcmp(p->src + n->off, p->src + g->name, n->len) != 0)
		return parse_error(p, g->at,
		    "section '%.*s' closed by '%.*s'", shown(n->len),
		    p->src + n->off, shown(g->namelen), p->src + g->name);
	n->end = p->t->nnodes;
	p->nopen--;
	return 0;
}

/* Turns a scanned tag into nodes; ls is its line's start if alone. */
static int
tag_emit(struct parser *p, const struct tag *g, int alone, size_t ls)
{
	struct mnode	*n;

	if (g->sigil == '!')
		return 0;
	if (g->sigil == '=')
		return delim_set(p, g);
	if (g->namelen == 0)
		return parse_error(p, g->at, "empty tag name");
	switch (g->sigil) {
	case '/':
		return section_close(p, g);
	case '#':
		return section_open(p, g, NODE_SECTION);
	case '^':
		return section_open(p, g, NODE_INVERTED);
	case '>':
		n = node_add(p, NODE_PARTIAL, g->name, g->namelen);
		n->standalone = alone;
		n->ioff = ls;
		n->ilen = alone ? g->at - ls : 0;
		return 0;
	default:
		n = node_add(p, g->sigil == '&' ? NODE_RAW : NODE_VAR,
		    g->name, g->namelen);
		name_split(p->t, n);
		return 0;
	}
}

/* Returns 1 if g opens a translation: {{#_}} or {{#_n COUNT}}. */
static int
tr_tag(const struct parser *p, const struct tag *g)
{
	const char	*s = p->src + g->name;

	if (g->sigil != '#')
		return 0;
	return (g->namelen == 1 && s[0] == '_') || (g->namelen > 3 &&
	    s[0] == '_' && s[1] == 'n' && is_space(s[2]));
}

/* Where the tag otag KW ctag (such as {{/_}}) next starts, or -1. */
static size_t
tr_find(const struct parser *p, size_t from, const char *kw, size_t *end)
{
	size_t	 at, k = strlen(kw);

	for (; (at = find(p->src, from, p->len, p->otag, p->olen)) !=
	    (size_t)-1; from = at + 1) {
		if (at + p->olen + k + p->clen > p->len ||
		    memcmp(p->src + at + p->olen, kw, k) != 0 ||
		    memcmp(p->src + at + p->olen + k, p->ctag, p->clen) != 0)
			continue;
		*end = at + p->olen + k + p->clen;
		return at;
	}
	return (size_t)-1;
}

/* Whether t, or a translation inside it, has a kind node named name. */
static int
tr_has(const struct mustache *t, enum mkind kind, const char *name,
    size_t len)
{
	size_t	 i;

	for (i = 0; i < t->nnodes; i++)
		if (t->nodes[i].kind == kind && t->nodes[i].len == len &&
		    memcmp(t->src + t->nodes[i].off, name, len) == 0)
			return 1;
	for (i = 0; i < t->nsubs; i++)
		if (tr_has(t->subs[i], kind, name, len))
			return 1;
	return 0;
}

/*
 * Whether each raw tag and partial of the translation tr is one its
 * msgid id has: a catalogue may move the tags, never turn an escaped
 * {{x}} into a {{{x}}} that writes the reader's text as markup.
 */
static int
tr_safe(const struct mustache *tr, const struct mustache *id)
{
	const struct mnode	*n;
	size_t			 i;

	for (i = 0; i < tr->nnodes; i++) {
		n = &tr->nodes[i];
		if ((n->kind == NODE_RAW || n->kind == NODE_PARTIAL) &&
		    !tr_has(id, n->kind, tr->src + n->off, n->len))
			return 0;
	}
	for (i = 0; i < tr->nsubs; i++)
		if (!tr_safe(tr->subs[i], id))
			return 0;
	return 1;
}

/*
 * Compiles one form of a translation, the catalogue's text or else the
 * msgid, as a template of its own: translators may move the tags.  A
 * translation that does not compile, or writes as is what the msgid
 * escapes (tr_safe), falls back to the msgid.
 */
static int
tr_form(struct parser *p, const char *text, const char *msgid, size_t at)
{
	struct mustache	*sub = NULL, *id;
	char		 msg[160];

	if (text != NULL &&
	    (sub = mustache_compile(text, strlen(text), NULL, 0)) != NULL) {
		id = mustache_compile(msgid, strlen(msgid), NULL, 0);
		if (id == NULL || !tr_safe(sub, id)) {
			mustache_free(sub);
			sub = NULL;
		}
		mustache_free(id);
	}
	if (sub == NULL &&
	    (sub = mustache_compile(msgid, strlen(msgid), msg,
	    sizeof(msg))) == NULL)
		return parse_error(p, at, "in translated text: %s", msg);
	if (sub->nnodes > 0)
		sub->nodes[0].bol = 0;	/* the tag's own line, not a new one */
	p->t->subs = xrealloc(p->t->subs, (p->t->nsubs + 1) *
	    sizeof(*p->t->subs));
	p->t->subs[p->t->nsubs++] = sub;
	return 0;
}

/*
 * {{#_}}msgid{{/_}}: the text between is looked up in the catalogue
 * now, at compile time, and its translation compiled in its place.
 * {{#_n COUNT}}singular{{^_n}}plural{{/_n}}: every form is compiled, and
 * the render picks one by the catalogue's Plural-Forms on COUNT.
 */
static int
tr_parse(struct parser *p, const struct tag *g)
{
	int		 plural = g->namelen > 1, rc = 0, k, n;
	size_t		 close, end, mid, midend, at = g->at;
	char		*one, *many = NULL;
	const char	*form;
	struct mnode	*nd;

	if ((close = tr_find(p, g->end, plural ? "/_n" : "/_", &end)) ==
	    (size_t)-1)
		return parse_error(p, at, "unclosed translation");
	mid = close;
	if (plural && ((mid = tr_find(p, g->end, "^_n", &midend)) ==
	    (size_t)-1 || mid > close))
		return parse_error(p, at, "a plural without {{^_n}}");
	text_flush(p, at);
	p->pos = p->text = end;
	nd = node_add(p, NODE_TR, g->name + 2, plural ? g->namelen - 2 : 0);
	nd->sub = p->t->nsubs;
	one = xstrndup(p->src + g->end, mid - g->end);
	if (!plural) {
		rc = tr_form(p, po_get(p->po, NULL, one), one, at);
		goto out;
	}
	while (is_space(p->src[nd->off]))
		nd->off++, nd->len--;
	name_split(p->t, nd);
	many = xstrndup(p->src + midend, close - midend);
	nd->tr_po = p->po != NULL && po_form(p->po, NULL, one, 0) != NULL;
	n = nd->tr_po ? po_nplurals(p->po) : 2;
	for (k = 0; k < n && rc == 0; k++) {
		form = nd->tr_po ? po_form(p->po, NULL, one, k) : NULL;
		rc = tr_form(p, form, k == 0 ? one : many, at);
	}
out:
	nd->nsub = p->t->nsubs - nd->sub;
	free(one);
	free(many);
	return rc;
}

/* Compiles the tag at src[at) and the text before it. */
static int
tag_parse(struct parser *p, size_t at)
{
	struct tag	 g;
	size_t		 ls = at, re;
	int		 alone, rc;

	if (tag_scan(p, at, &g) == -1)
		return -1;
	if (tr_tag(p, &g))
		return tr_parse(p, &g);
	alone = standalone(p, &g, &ls, &re);
	text_flush(p, alone ? ls : at);
	p->pos = p->text = alone ? re : g.end;
	if (alone)
		p->bol = 0;	/* the line vanishes: nothing to indent */
	rc = tag_emit(p, &g, alone, ls);
	if (alone)
		p->bol = 1;
	return rc;
}

static int
parse(struct parser *p)
{
	size_t		 at;
	struct mnode	*n;

	while ((at = find(p->src, p->pos, p->len, p->otag, p->olen)) !=
	    (size_t)-1)
		if (tag_parse(p, at) == -1)
			return -1;
	text_flush(p, p->len);
	if (p->nopen == 0)
		return 0;
	n = &p->t->nodes[p->open[p->nopen - 1]];
	return parse_error(p, n->off, "unclosed section '%.*s'",
	    shown(n->len), p->src + n->off);
}

struct mustache *
mustache_compile(const char *src, size_t len, char *err, size_t errlen)
{
	return mustache_compile_po(src, len, NULL, err, errlen);
}

struct mustache *
mustache_compile_po(const char *src, size_t len, const struct po *po,
    char *err, size_t errlen)
{
	struct mustache	*t;
	struct parser	 p;

	t = xcalloc(1, sizeof(*t));
	t->src = xstrndup(src, len);
	t->po = po;
	memset(&p, 0, sizeof(p));
	p.t = t;
	p.po = po;
	p.src = t->src;
	p.len = len;
	p.bol = 1;
	p.otag = "{{";
	p.ctag = "}}";
	p.olen = p.clen = 2;
	p.err = err;
	p.errlen = err != NULL ? errlen : 0;
	if (p.errlen > 0)
		err[0] = '\0';
	if (parse(&p) == -1) {
		mustache_free(t);
		return NULL;
	}
	return t;
}

int
mustache_partials(const struct mustache *t, int (*fn)(void *, const char *,
    size_t, size_t), void *arg)
{
	size_t	 i;
	int	 rc;

	for (i = 0; i < t->nnodes; i++)
		if (t->nodes[i].kind == NODE_PARTIAL && (rc = fn(arg, t->src +
		    t->nodes[i].off, t->nodes[i].len, line_of(t->src,
		    t->nodes[i].off))) != 0)
			return rc;
	return 0;
}

void
mustache_free(struct mustache *t)
{
	size_t	 i;

	if (t == NULL)
		return;
	for (i = 0; i < t->nsubs; i++)
		mustache_free(t->subs[i]);
	free(t->subs);
	free(t->src);
	free(t->nodes);
	free(t->segs);
	free(t);
}

/*
 * Resolves n's name: the first part in the innermost context that has it,
 * the other parts strictly inside that value.  Returns NULL on a miss.
 */
static json_t *
lookup(const struct mustache *t, const struct mnode *n, const struct ctx *c)
{
	const struct mseg	*s;
	json_t			*v = NULL;
	size_t			 i;

	if (n->nseg == 0)
		return c->v;
	s = t->segs + n->seg;
	for (; c != NULL && v == NULL; c = c->up)
		v = json_object_getn(c->v, t->src + s[0].off, s[0].len);
	for (i = 1; i < n->nseg && v != NULL; i++)
		v = json_object_getn(v, t->src + s[i].off, s[i].len);
	return v;
}

static int
truthy(const json_t *v)
{
	if (v == NULL)
		return 0;
	switch (json_typeof(v)) {
	case JSON_NULL:
	case JSON_FALSE:
		return 0;
	case JSON_ARRAY:
		return json_array_size(v) > 0;
	case JSON_STRING:
		return json_string_length(v) > 0;
	default:
		return 1;
	}
}

/* The shortest "%g" form of d that reads back as d. */
static void
real_format(char *s, size_t size, double d)
{
	int	 prec;

	for (prec = 1; prec < 17; prec++) {
		snprintf(s, size, "%.*g", prec, d);
		if (strtod(s, NULL) == d)
			return;
	}
	snprintf(s, size, "%.17g", d);
}

/*
 * Writes v in decimal at the end of s (size at least 21); returns where
 * it starts and its length in *len.  Not snprintf: a page of comments
 * writes a thousand numbers.
 */
static const char *
int_format(char *s, size_t size, json_int_t v, size_t *len)
{
	char		*p = s + size;
	uint64_t	 u = v < 0 ? -(uint64_t)v : (uint64_t)v;

	*--p = '\0';
	do
		*--p = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (v < 0)
		*--p = '-';
	*len = (size_t)(s + size - 1 - p);
	return p;
}

static void
value_write(struct buf *out, const json_t *v, int raw)
{
	char		 num[40];
	const char	*s = num;
	size_t		 len;

	switch (json_typeof(v)) {
	case JSON_STRING:
		s = json_string_value(v);
		len = json_string_length(v);
		break;
	case JSON_INTEGER:
		s = int_format(num, sizeof(num), json_integer_value(v), &len);
		break;
	case JSON_REAL:
		real_format(num, sizeof(num), json_real_value(v));
		len = strlen(num);
		break;
	case JSON_TRUE:
	case JSON_FALSE:
		s = json_is_true(v) ? "true" : "false";
		len = strlen(s);
		break;
	default:
		return;
	}
	if (raw)	/* {{{x}}}, {{&x}}: the template says x is HTML */
		buf_write(s, len, out);
	else
		html_text(out, s, len);
}

static void
indent_write(struct buf *out, const struct indent *in)
{
	if (in == NULL)
		return;
	indent_write(out, in->up);
	buf_write(in->s, in->len, out);
}

/* Writes text, indenting each line it starts after its first. */
static void
text_write(struct buf *out, const char *s, size_t len,
    const struct indent *in)
{
	const char	*nl;
	size_t		 n;

	while (in != NULL && (nl = memchr(s, '\n', len)) != NULL &&
	    nl + 1 < s + len) {
		n = (size_t)(nl + 1 - s);
		buf_write(s, n, out);
		indent_write(out, in);
		s += n;
		len -= n;
	}
	buf_write(s, len, out);
}

static int
section_render(struct render *r, const struct mustache *t, size_t i,
    const struct ctx *c, const struct indent *in)
{
	const struct mnode	*n = &t->nodes[i];
	json_t			*v = lookup(t, n, c);
	struct ctx		 sub = { v, c };
	size_t			 k;

	if (n->kind == NODE_INVERTED)
		return truthy(v) ? 0 : render_nodes(r, t, i + 1, n->end, c, in);
	if (!truthy(v))
		return 0;
	if (!json_is_array(v))
		return render_nodes(r, t, i + 1, n->end, &sub, in);
	for (k = 0; k < json_array_size(v); k++) {
		sub.v = json_array_get(v, k);
		if (render_nodes(r, t, i + 1, n->end, &sub, in) == -1)
			return -1;
	}
	return 0;
}

static int
partial_render(struct render *r, const struct mustache *t,
    const struct mnode *n, const struct ctx *c, const struct indent *in)
{
	const struct mustache	*p;
	struct indent		 sub = { t->src + n->ioff, n->ilen, in };
	int			 rc;

	if (r->partials == NULL ||
	    (p = r->partials->load(r->partials->arg, t->src + n->off,
	    n->len)) == NULL)
		return 0;
	if (r->depth >= MUSTACHE_MAX_DEPTH)
		return -1;
	r->depth++;
	/*
	 * An empty indent adds nothing to its chain: pass the chain on, so
	 * a partial at column 0 (a page's comments) is written in whole
	 * runs of text, not a line at a time.
	 */
	rc = render_nodes(r, p, 0, p->nnodes, c, !n->standalone ? NULL :
	    n->ilen > 0 ? &sub : in);
	r->depth--;
	return rc;
}

/* A translation: its one form, or the form COUNT takes. */
static int
tr_render(struct render *r, const struct mustache *t, const struct mnode *n,
    const struct ctx *c, const struct indent *in)
{
	const struct mustache	*sub;
	json_t			*v;
	json_int_t		 count = 0;
	size_t			 form = 0;

	if (n->nsub == 0)
		return 0;
	if (n->nsub > 1) {
		v = lookup(t, n, c);
		if (json_is_integer(v))
			count = json_integer_value(v);
		else if (json_is_real(v))
			count = (json_int_t)json_real_value(v);
		if (count < 0)
			count = -count;
		form = n->tr_po ? (size_t)po_plural(t->po,
		    (unsigned long)count) : count != 1;
		if (form >= n->nsub)
			form = 0;
	}
	sub = t->subs[n->sub + form];
	return render_nodes(r, sub, 0, sub->nnodes, c, in);
}

/* Renders t's nodes [i, end) in context c, indenting lines with in. */
static int
render_nodes(struct render *r, const struct mustache *t, size_t i,
    size_t end, const struct ctx *c, const struct indent *in)
{
	const struct mnode	*n;
	json_t			*v;
	int			 rc = 0;

	for (; i < end && rc == 0; i++) {
		n = &t->nodes[i];
		if (n->bol && !n->standalone)
			indent_write(r->out, in);
		switch (n->kind) {
		case NODE_TEXT:
			text_write(r->out, t->src + n->off, n->len, in);
			break;
		case NODE_VAR:
		case NODE_RAW:
			if ((v = lookup(t, n, c)) != NULL)
				value_write(r->out, v, n->kind == NODE_RAW);
			break;
		case NODE_SECTION:
		case NODE_INVERTED:
			rc = section_render(r, t, i, c, in);
			i = n->end - 1;
			break;
		case NODE_PARTIAL:
			rc = partial_render(r, t, n, c, in);
			break;
		case NODE_TR:
			rc = tr_render(r, t, n, c, in);
			break;
		}
		if (r->out->err)
			rc = -1;
	}
	return rc;
}

int
mustache_render(const struct mustache *t, json_t *view,
    const struct mustache_loader *partials, struct buf *out)
{
	struct ctx	 root = { view, NULL };
	struct render	 r = { partials, out, 0 };

	if (render_nodes(&r, t, 0, t->nnodes, &root, NULL) == -1 || out->err)
		return -1;
	return 0;
}
