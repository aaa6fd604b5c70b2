/*
 * po: the PO reader and the plural evaluator declared in po.h.  Entries
 * are kept in one array sorted by key (the context, a 0x04 byte and the
 * msgid, as gettext's .mo files key them) and found by binary search.
 * The plural expression is parsed once by recursive descent into an
 * array of nodes whose operands are indices, and evaluated by a short
 * recursive walk (its depth bounded by the parse).
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "buf.h"
#include "po.h"

/* How deeply a plural expression may nest; also bounds the walk. */
#define PLURAL_MAX_DEPTH	32
#define PLURAL_MAX_NODES	128

struct pentry {
	char	*key;			/* ctx "\004" msgid, or msgid */
	char	*plural;		/* msgid_plural, or NULL */
	char	*str[PO_MAX_FORMS];
	int	 nstr;
};

struct po {
	struct pentry		*e;
	size_t			 n, cap;
	int			 nplurals;
	struct po_plural	*plural;	/* NULL: n != 1 */
};

/* ---- the plural expression ---- */

enum pop { P_NUM, P_N, P_NOT, P_COND, P_OR, P_AND, P_EQ, P_NE, P_LT, P_GT,
    P_LE, P_GE, P_ADD, P_SUB, P_MUL, P_DIV, P_MOD };

struct pnode {
	enum pop	 op;
	unsigned long	 v;		/* P_NUM */
	int		 a, b, c;	/* operands by index */
};

struct po_plural {
	struct pnode	 node[PLURAL_MAX_NODES];
	int		 n, root;
};

struct pparse {
	struct po_plural	*p;
	const char		*s;
	int			 depth, bad;
};

/* Binary operators by precedence level, lowest first. */
static const struct {
	const char	*tok;
	enum pop	 op;
	int		 level;
} binops[] = {
	{ "||", P_OR, 0 }, { "&&", P_AND, 1 },
	{ "==", P_EQ, 2 }, { "!=", P_NE, 2 },
	{ "<=", P_LE, 3 }, { ">=", P_GE, 3 }, { "<", P_LT, 3 },
	{ ">", P_GT, 3 },
	{ "+", P_ADD, 4 }, { "-", P_SUB, 4 },
	{ "*", P_MUL, 5 }, { "/", P_DIV, 5 }, { "%", P_MOD, 5 },
};
#define LEVELS	6

static int	pexpr(struct pparse *);

static void
pskip(struct pparse *pp)
{
	while (isspace((unsigned char)*pp->s))
		pp->s++;
}

static int
pnode(struct pparse *pp, enum pop op, int a, int b, int c)
{
	struct pnode	*n;

	if (pp->p->n == PLURAL_MAX_NODES) {
		pp->bad = 1;
		return 0;
	}
	n = &pp->p->node[pp->p->n];
	n->op = op;
	n->v = 0;
	n->a = a, n->b = b, n->c = c;
	return pp->p->n++;
}

/* A number, n, !x or a parenthesised expression. */
static int
pprimary(struct pparse *pp)
{
	int	 i;
	char	*end;

	pskip(pp);
	if (*pp->s == '!') {	/* nests as a ( does: counted the same */
		if (++pp->depth > PLURAL_MAX_DEPTH) {
			pp->bad = 1;
			return 0;
		}
		pp->s++;
		i = pprimary(pp);
		pp->depth--;
		return pnode(pp, P_NOT, i, 0, 0);
	}
	if (*pp->s == 'n') {
		pp->s++;
		return pnode(pp, P_N, 0, 0, 0);
	}
	if (*pp->s == '(') {
		pp->s++;
		i = pexpr(pp);
		pskip(pp);
		if (*pp->s != ')')
			pp->bad = 1;
		else
			pp->s++;
		return i;
	}
	if (!isdigit((unsigned char)*pp->s)) {
		pp->bad = 1;
		return 0;
	}
	i = pnode(pp, P_NUM, 0, 0, 0);
	pp->p->node[i].v = strtoul(pp->s, &end, 10);
	pp->s = end;
	return i;
}

/* Left-associative binary operators of level and above. */
static int
pbinary(struct pparse *pp, int level)
{
	int	 l, r;
	size_t	 k, len;

	if (level == LEVELS)
		return pprimary(pp);
	l = pbinary(pp, level + 1);
	for (;;) {
		pskip(pp);
		for (k = 0; k < sizeof(binops) / sizeof(binops[0]); k++) {
			len = strlen(binops[k].tok);
			if (binops[k].level == level &&
			    strncmp(pp->s, binops[k].tok, len) == 0)
				break;
		}
		if (k == sizeof(binops) / sizeof(binops[0]) || pp->bad)
			return l;
		pp->s += strlen(binops[k].tok);
		r = pbinary(pp, level + 1);
		l = pnode(pp, binops[k].op, l, r, 0);
	}
}

/* cond ? a : b, right-associative, below every binary operator. */
static int
pexpr(struct pparse *pp)
{
	int	 c, a, b;

	if (++pp->depth > PLURAL_MAX_DEPTH) {
		pp->bad = 1;
		return 0;
	}
	c = pbinary(pp, 0);
	pskip(pp);
	if (*pp->s == '?' && !pp->bad) {
		pp->s++;
		a = pexpr(pp);
		pskip(pp);
		if (*pp->s != ':')
			pp->bad = 1;
		else
			pp->s++;
		b = pexpr(pp);
		c = pnode(pp, P_COND, c, a, b);
	}
	pp->depth--;
	return c;
}

struct po_plural *
po_plural_parse(const char *expr)
{
	struct pparse	 pp = { xcalloc(1, sizeof(struct po_plural)), expr,
	    0, 0 };

	pp.p->root = pexpr(&pp);
	pskip(&pp);
	if (*pp.s == ';')
		pp.s++;
	pskip(&pp);
	if (pp.bad || *pp.s != '\0') {
		free(pp.p);
		return NULL;
	}
	return pp.p;
}

static unsigned long
peval(const struct po_plural *p, int i, unsigned long n)
{
	const struct pnode	*x = &p->node[i];
	unsigned long		 a, b;

	switch (x->op) {
	case P_NUM:
		return x->v;
	case P_N:
		return n;
	case P_NOT:
		return !peval(p, x->a, n);
	case P_COND:
		return peval(p, x->a, n) ? peval(p, x->b, n) :
		    peval(p, x->c, n);
	case P_OR:
		return peval(p, x->a, n) || peval(p, x->b, n);
	case P_AND:
		return peval(p, x->a, n) && peval(p, x->b, n);
	default:
		break;
	}
	a = peval(p, x->a, n);
	b = peval(p, x->b, n);
	switch (x->op) {
	case P_EQ:	return a == b;
	case P_NE:	return a != b;
	case P_LT:	return a < b;
	case P_GT:	return a > b;
	case P_LE:	return a <= b;
	case P_GE:	return a >= b;
	case P_ADD:	return a + b;
	case P_SUB:	return a - b;
	case P_MUL:	return a * b;
	case P_DIV:	return b == 0 ? 0 : a / b;
	case P_MOD:	return b == 0 ? 0 : a % b;
	default:	return 0;
	}
}

unsigned long
po_plural_eval(const struct po_plural *p, unsigned long n)
{
	return peval(p, p->root, n);
}

void
po_plural_free(struct po_plural *p)
{
	free(p);
}

/* ---- the catalogue ---- */

/* The entry being read: which string a continuation line extends. */
enum field { F_NONE, F_CTX, F_ID, F_PLURAL, F_STR };

struct preader {
	struct po	*po;
	struct buf	 ctx, id, plural, str[PO_MAX_FORMS];
	int		 has_ctx, has_id, has_plural, nstr, fuzzy;
	enum field	 field;
	int		 form;		/* F_STR: which msgstr */
	size_t		 line;
	char		*err;
	size_t		 errlen;
};

static int
perror_at(struct preader *r, const char *fmt, ...)
{
	va_list	 ap;
	int	 n;

	if (r->errlen == 0)
		return -1;
	n = snprintf(r->err, r->errlen, "line %zu: ", r->line);
	if (n < 0 || (size_t)n >= r->errlen)
		return -1;
	va_start(ap, fmt);
	vsnprintf(r->err + n, r->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

static void
entry_clear(struct preader *r)
{
	int	 i;

	buf_reset(&r->ctx);
	buf_reset(&r->id);
	buf_reset(&r->plural);
	for (i = 0; i < PO_MAX_FORMS; i++)
		buf_reset(&r->str[i]);
	r->has_ctx = r->has_id = r->has_plural = r->nstr = r->fuzzy = 0;
	r->field = F_NONE;
}

/* "Plural-Forms: nplurals=3; plural=EXPR;" in the header's msgstr. */
static int
header_read(struct preader *r, const char *h)
{
	const char	*p = strstr(h, "Plural-Forms:"), *q, *e;
	char		*expr;

	if (p == NULL)
		return 0;
	if ((q = strstr(p, "nplurals=")) == NULL ||
	    (r->po->nplurals = atoi(q + 9)) < 1 ||
	    r->po->nplurals > PO_MAX_FORMS)
		return perror_at(r, "bad nplurals in Plural-Forms");
	if ((q = strstr(p, "plural=")) == NULL)
		return perror_at(r, "no plural= in Plural-Forms");
	q += 7;
	e = strchr(q, '\n');
	expr = xstrndup(q, e ? (size_t)(e - q) : strlen(q));
	po_plural_free(r->po->plural);
	r->po->plural = po_plural_parse(expr);
	free(expr);
	if (r->po->plural == NULL)
		return perror_at(r, "bad plural expression in Plural-Forms");
	return 0;
}

static char *
bdup(const struct buf *b)
{
	return xstrndup(b->data ? b->data : "", b->len);
}

/* Ends the entry being read: keeps it if translated and not fuzzy. */
static int
entry_end(struct preader *r)
{
	struct po	*po = r->po;
	struct pentry	*e;
	int		 i;

	if (!r->has_id)
		return 0;
	if (r->id.len == 0 && !r->has_ctx) {
		if (header_read(r, r->nstr > 0 && r->str[0].data ?
		    r->str[0].data : "") == -1)
			return -1;
		goto out;
	}
	if (r->fuzzy || r->nstr == 0)
		goto out;
	for (i = 0; i < r->nstr; i++)
		if (r->str[i].len == 0)
			goto out;
	if (po->n == po->cap) {
		po->cap = po->cap ? po->cap * 2 : 64;
		po->e = xrealloc(po->e, po->cap * sizeof(*po->e));
	}
	e = &po->e[po->n++];
	memset(e, 0, sizeof(*e));
	if (r->has_ctx) {
		buf_putc(&r->ctx, '\004');
		buf_write(r->id.data, r->id.len, &r->ctx);
		e->key = bdup(&r->ctx);
	} else
		e->key = bdup(&r->id);
	e->plural = r->has_plural ? bdup(&r->plural) : NULL;
	for (i = 0; i < r->nstr; i++)
		e->str[i] = bdup(&r->str[i]);
	e->nstr = r->nstr;
out:
	entry_clear(r);
	return 0;
}

/* Appends the quoted C string at s (after the quote) to b. */
static int
string_read(struct preader *r, const char *s, struct buf *b)
{
	int	 c, k;

	for (; *s != '"'; s++) {
		if (*s == '\0')
			return perror_at(r, "unterminated string");
		if (*s != '\\') {
			buf_putc(b, *s);
			continue;
		}
		switch (*++s) {
		case 'n': c = '\n'; break;
		case 't': c = '\t'; break;
		case 'r': c = '\r'; break;
		case 'a': c = '\a'; break;
		case 'b': c = '\b'; break;
		case 'f': c = '\f'; break;
		case 'v': c = '\v'; break;
		case '\\': case '"': case '\'': case '?': c = *s; break;
		case 'x':
			for (c = 0, k = 0; isxdigit((unsigned char)s[1]) &&
			    k < 2; k++, s++)
				c = c * 16 + (isdigit((unsigned char)s[1]) ?
				    s[1] - '0' : (tolower((unsigned char)s[1]) -
				    'a' + 10));
			if (k == 0)
				return perror_at(r, "bad \\x escape");
			break;
		default:
			if (*s < '0' || *s > '7')
				return perror_at(r, "bad escape \\%c", *s);
			for (c = 0, k = 0; k < 3 && *s >= '0' && *s <= '7';
			    k++, s++)
				c = c * 8 + (*s - '0');
			s--;
			break;
		}
		if (c == 0)
			return perror_at(r, "NUL in a string");
		buf_putc(b, c);
	}
	while (isspace((unsigned char)*++s))
		continue;
	if (*s != '\0')
		return perror_at(r, "text after a string");
	return 0;
}

/* The buffer a keyword line starts, after ending the entry if new. */
static struct buf *
keyword(struct preader *r, const char *kw, size_t *klen)
{
	int	 form;
	char	*end;

	if (strncmp(kw, "msgctxt ", 8) == 0 || strncmp(kw, "msgid ", 6) == 0) {
		if (r->nstr > 0 && entry_end(r) == -1)
			return NULL;
		if (kw[3] == 'c') {
			r->has_ctx = 1, r->field = F_CTX, *klen = 8;
			return &r->ctx;
		}
		r->has_id = 1, r->field = F_ID, *klen = 6;
		return &r->id;
	}
	if (strncmp(kw, "msgid_plural ", 13) == 0) {
		/* Not after a msgstr: it would be the last entry's. */
		if (!r->has_id || r->nstr > 0) {
			perror_at(r, "a msgid_plural without a msgid");
			return NULL;
		}
		r->has_plural = 1, r->field = F_PLURAL, *klen = 13;
		return &r->plural;
	}
	/* entry_end keeps nothing without a msgid, nor clears the msgstr. */
	if (strncmp(kw, "msgstr", 6) == 0 && !r->has_id) {
		perror_at(r, "a msgstr without a msgid");
		return NULL;
	}
	if (strncmp(kw, "msgstr ", 7) == 0) {
		r->nstr = 1, r->form = 0, r->field = F_STR, *klen = 7;
		return &r->str[0];
	}
	if (strncmp(kw, "msgstr[", 7) == 0) {
		form = (int)strtol(kw + 7, &end, 10);
		if (form < 0 || form >= PO_MAX_FORMS || form != r->nstr ||
		    strncmp(end, "] ", 2) != 0) {
			perror_at(r, "bad msgstr[] index");
			return NULL;
		}
		r->nstr = form + 1, r->form = form, r->field = F_STR;
		*klen = (size_t)(end + 2 - kw);
		return &r->str[form];
	}
	perror_at(r, "unknown keyword");
	return NULL;
}

static int
line_read(struct preader *r, char *s)
{
	struct buf	*b;
	size_t		 klen = 0;

	while (isspace((unsigned char)*s))
		s++;
	if (*s == '\0' || (*s == '#' && s[1] == '~'))
		return 0;
	if (*s == '#') {
		if (s[1] == ',' && strstr(s, "fuzzy") != NULL) {
			if (r->nstr > 0 && entry_end(r) == -1)
				return -1;
			r->fuzzy = 1;
		}
		return 0;
	}
	if (*s == '"') {
		b = r->field == F_CTX ? &r->ctx : r->field == F_ID ? &r->id :
		    r->field == F_PLURAL ? &r->plural : r->field == F_STR ?
		    &r->str[r->form] : NULL;
		if (b == NULL)
			return perror_at(r, "a string outside an entry");
		return string_read(r, s + 1, b);
	}
	if ((b = keyword(r, s, &klen)) == NULL)
		return -1;
	s += klen;
	while (*s == ' ' || *s == '\t')
		s++;
	if (*s != '"')
		return perror_at(r, "a keyword without a string");
	return string_read(r, s + 1, b);
}

static int
entry_cmp(const void *a, const void *b)
{
	return strcmp(((const struct pentry *)a)->key,
	    ((const struct pentry *)b)->key);
}

struct po *
po_parse(const char *src, size_t len, char *err, size_t errlen)
{
	struct preader	 r;
	const char	*p = src, *end = src + len, *nl;
	char		*line;
	int		 rc = 0, i;

	memset(&r, 0, sizeof(r));
	r.po = xcalloc(1, sizeof(*r.po));
	r.po->nplurals = 2;
	r.err = err;
	r.errlen = err != NULL ? errlen : 0;
	buf_init(&r.ctx), buf_init(&r.id), buf_init(&r.plural);
	for (i = 0; i < PO_MAX_FORMS; i++)
		buf_init(&r.str[i]);
	while (p < end && rc == 0) {
		r.line++;
		nl = memchr(p, '\n', (size_t)(end - p));
		line = xstrndup(p, nl ? (size_t)(nl - p) : (size_t)(end - p));
		rc = line_read(&r, line);
		free(line);
		p = nl ? nl + 1 : end;
	}
	if (rc == 0)
		rc = entry_end(&r);
	buf_reset(&r.ctx), buf_reset(&r.id), buf_reset(&r.plural);
	for (i = 0; i < PO_MAX_FORMS; i++)
		buf_reset(&r.str[i]);
	if (rc == -1) {
		po_free(r.po);
		return NULL;
	}
	qsort(r.po->e, r.po->n, sizeof(*r.po->e), entry_cmp);
	return r.po;
}

void
po_free(struct po *po)
{
	size_t	 i;
	int	 k;

	if (po == NULL)
		return;
	for (i = 0; i < po->n; i++) {
		free(po->e[i].key);
		free(po->e[i].plural);
		for (k = 0; k < po->e[i].nstr; k++)
			free(po->e[i].str[k]);
	}
	free(po->e);
	po_plural_free(po->plural);
	free(po);
}

static const struct pentry *
entry_find(const struct po *po, const char *ctx, const char *msgid)
{
	struct pentry	 k;
	char		 small[256], *key = small;
	size_t		 cl, il = strlen(msgid);
	const struct pentry *e;

	if (po == NULL)
		return NULL;
	memset(&k, 0, sizeof(k));
	if (ctx == NULL)
		k.key = (char *)msgid;
	else {
		cl = strlen(ctx);
		if (cl + il + 2 > sizeof(small))
			key = xmalloc(cl + il + 2);
		memcpy(key, ctx, cl);
		key[cl] = '\004';
		memcpy(key + cl + 1, msgid, il + 1);
		k.key = key;
	}
	e = bsearch(&k, po->e, po->n, sizeof(*po->e), entry_cmp);
	if (key != small)
		free(key);
	return e;
}

const char *
po_get(const struct po *po, const char *ctx, const char *msgid)
{
	const struct pentry	*e = entry_find(po, ctx, msgid);

	return e != NULL ? e->str[0] : NULL;
}

const char *
po_form(const struct po *po, const char *ctx, const char *msgid, int form)
{
	const struct pentry	*e = entry_find(po, ctx, msgid);

	if (e == NULL || e->plural == NULL || form < 0 || form >= e->nstr)
		return NULL;
	return e->str[form];
}

int
po_plural(const struct po *po, unsigned long n)
{
	unsigned long	 f;

	if (po == NULL || po->plural == NULL)
		return n != 1;
	f = po_plural_eval(po->plural, n);
	return f < (unsigned long)po->nplurals ? (int)f : 0;
}

int
po_nplurals(const struct po *po)
{
	return po != NULL ? po->nplurals : 2;
}

void
po_each(const struct po *po, void (*fn)(void *, const char *, const char *,
    const char *, const char *const *, int), void *arg)
{
	const struct pentry	*e;
	const char		*sep;
	char			*ctx;
	size_t			 i;

	for (i = 0; po != NULL && i < po->n; i++) {
		e = &po->e[i];
		if ((sep = strchr(e->key, '\004')) == NULL) {
			fn(arg, NULL, e->key, e->plural,
			    (const char *const *)e->str, e->nstr);
			continue;
		}
		ctx = xstrndup(e->key, (size_t)(sep - e->key));
		fn(arg, ctx, sep + 1, e->plural, (const char *const *)e->str,
		    e->nstr);
		free(ctx);
	}
}
