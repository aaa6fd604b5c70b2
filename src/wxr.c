/*
 * wxr: see wxr.h.  One pass of xmlTextReader over the file.  Each record
 * (the channel, an author, a term, an item, a comment) has a table of
 * the elements it keeps, each a text buffer filled from the text and
 * CDATA under it; the buffers are reused from record to record, so what
 * is held is the record being read.  A record is handed over when it
 * ends (an item when its first comment starts, or when it ends).
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libxml/xmlreader.h>

#include "alloc.h"
#include "buf.h"
#include "wxr.h"

enum ns { NS_NONE, NS_WP, NS_EXCERPT, NS_CONTENT, NS_DC, NS_OTHER };

enum ctx { C_NONE, C_RSS, C_CHANNEL, C_AUTHOR, C_TERM, C_ITEM, C_COMMENT };

/* One kept element of a record: a string or an integer field. */
struct field {
	enum ns		 ns;
	const char	*name;
	int		 integer;
	size_t		 off;	/* in the record's struct */
};

#define S(ns, n, t, m)	{ ns, n, 0, offsetof(struct t, m) }
#define I(ns, n, t, m)	{ ns, n, 1, offsetof(struct t, m) }

static const struct field channel_fields[] = {
	S(NS_WP, "wxr_version", wxr_channel, version),
	S(NS_NONE, "title", wxr_channel, title),
	S(NS_NONE, "link", wxr_channel, link),
	S(NS_WP, "base_site_url", wxr_channel, base_site_url),
	S(NS_WP, "base_blog_url", wxr_channel, base_blog_url),
	S(NS_NONE, "generator", wxr_channel, generator),
};

static const struct field author_fields[] = {
	I(NS_WP, "author_id", wxr_author, id),
	S(NS_WP, "author_login", wxr_author, login),
	S(NS_WP, "author_email", wxr_author, email),
	S(NS_WP, "author_display_name", wxr_author, display_name),
	S(NS_WP, "author_first_name", wxr_author, first_name),
	S(NS_WP, "author_last_name", wxr_author, last_name),
};

/* wp:category, wp:tag and wp:term name the same things differently. */
static const struct field term_fields[] = {
	I(NS_WP, "term_id", wxr_term, id),
	S(NS_WP, "term_taxonomy", wxr_term, taxonomy),
	S(NS_WP, "term_slug", wxr_term, slug),
	S(NS_WP, "category_nicename", wxr_term, slug),
	S(NS_WP, "tag_slug", wxr_term, slug),
	S(NS_WP, "term_name", wxr_term, name),
	S(NS_WP, "cat_name", wxr_term, name),
	S(NS_WP, "tag_name", wxr_term, name),
	S(NS_WP, "term_parent", wxr_term, parent),
	S(NS_WP, "category_parent", wxr_term, parent),
	S(NS_WP, "term_description", wxr_term, description),
	S(NS_WP, "category_description", wxr_term, description),
	S(NS_WP, "tag_description", wxr_term, description),
};

static const struct field item_fields[] = {
	I(NS_WP, "post_id", wxr_item, id),
	I(NS_WP, "post_parent", wxr_item, parent),
	I(NS_WP, "menu_order", wxr_item, menu_order),
	S(NS_NONE, "title", wxr_item, title),
	S(NS_NONE, "link", wxr_item, link),
	S(NS_NONE, "guid", wxr_item, guid),
	S(NS_DC, "creator", wxr_item, creator),
	S(NS_CONTENT, "encoded", wxr_item, content),
	S(NS_EXCERPT, "encoded", wxr_item, excerpt),
	S(NS_WP, "post_date", wxr_item, date),
	S(NS_WP, "post_date_gmt", wxr_item, date_gmt),
	S(NS_WP, "comment_status", wxr_item, comment_status),
	S(NS_WP, "post_name", wxr_item, name),
	S(NS_WP, "status", wxr_item, status),
	S(NS_WP, "post_type", wxr_item, type),
	S(NS_WP, "post_password", wxr_item, password),
	S(NS_WP, "attachment_url", wxr_item, attachment_url),
	/* Some exports name the author so; dc:creator wins. */
	S(NS_WP, "author", wxr_item, title),	/* placeholder: see ITEM_AUTHOR */
};
#define ITEM_AUTHOR	(sizeof(item_fields) / sizeof(item_fields[0]) - 1)
#define ITEM_STICKY	"is_sticky"

static const struct field comment_fields[] = {
	I(NS_WP, "comment_id", wxr_comment, id),
	I(NS_WP, "comment_parent", wxr_comment, parent),
	I(NS_WP, "comment_user_id", wxr_comment, user_id),
	S(NS_WP, "comment_author", wxr_comment, author),
	S(NS_WP, "comment_author_email", wxr_comment, email),
	S(NS_WP, "comment_author_url", wxr_comment, url),
	S(NS_WP, "comment_author_IP", wxr_comment, ip),
	S(NS_WP, "comment_date", wxr_comment, date),
	S(NS_WP, "comment_date_gmt", wxr_comment, date_gmt),
	S(NS_WP, "comment_content", wxr_comment, content),
	S(NS_WP, "comment_approved", wxr_comment, approved),
	S(NS_WP, "comment_type", wxr_comment, type),
};

#define NFIELDS	20

/* An item's categories: three buffers each, reused item to item. */
struct cat_bufs {
	struct buf	 domain, nicename, name;
};

/* An item's postmeta: two buffers each, reused item to item. */
struct meta_bufs {
	struct buf	 key, value;
};

struct rd {
	xmlTextReaderPtr	 r;
	const struct wxr_handler *h;
	char			*err;
	size_t			 errlen;
	int			 xml_err;	/* an error was kept */
	int			 xml_fatal;

	enum ctx		 ctx;
	int			 channel_sent;
	int			 item_sent;
	long			 line;		/* the record's */
	long			 version_line;
	const struct field	*fields;
	size_t			 nfields;
	struct buf		 chan[NFIELDS];	/* the channel's, kept */
	struct buf		 f[NFIELDS];	/* the record's */
	struct buf		 sticky;
	unsigned char		 seen[NFIELDS];
	int			 field;		/* open field, -1: none */
	int			 field_depth;
	struct buf		*open;		/* where its text goes */

	struct cat_bufs		*cats;
	size_t			 ncats, catcap;
	struct wxr_item		 item;		/* while its comments come */
	struct wxr_cat		*itemcats;
	struct meta_bufs	*metas;
	size_t			 nmetas, metacap;
	int			 in_meta;	/* inside a wp:postmeta */
	struct wxr_meta		*itemmetas;
};

static enum ns
ns_of(const xmlChar *uri)
{
	const char	*u = (const char *)uri, *v;

	if (u == NULL || *u == '\0')
		return NS_NONE;
	if (strcmp(u, "http://purl.org/rss/1.0/modules/content/") == 0)
		return NS_CONTENT;
	if (strcmp(u, "http://purl.org/dc/elements/1.1/") == 0)
		return NS_DC;
	/* WordPress.com writes https:// where WordPress writes http://. */
	if (strncmp(u, "https://", 8) == 0)
		u += 8;
	else if (strncmp(u, "http://", 7) == 0)
		u += 7;
	else
		return NS_OTHER;
	if (strncmp(u, "wordpress.org/export/1.", 23) != 0 ||
	    u[23] == '\0' || strchr("012", u[23]) == NULL)
		return NS_OTHER;
	v = u + 24;
	if (strcmp(v, "/") == 0)
		return NS_WP;
	return strcmp(v, "/excerpt/") == 0 ? NS_EXCERPT : NS_OTHER;
}

static void
seterr(struct rd *d, const char *fmt, long line, const char *what)
{
	snprintf(d->err, d->errlen, fmt, line, what);
}

/* Keeps libxml2's first fatal error (else its last), with its place. */
static void
on_error(void *arg, const xmlError *e)
{
	struct rd	*d = arg;
	char		 msg[200];
	size_t		 n;

	if (d->xml_fatal || e == NULL)
		return;
	snprintf(msg, sizeof(msg), "%s", e->message ? e->message : "error");
	n = strlen(msg);
	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		msg[--n] = '\0';
	snprintf(d->err, d->errlen, "line %d, column %d: %s", e->line,
	    e->int2, msg);
	d->xml_err = 1;
	d->xml_fatal = e->level == XML_ERR_FATAL;
}

/* The field of the current record that (ns, name) names, or -1. */
static int
field_of(const struct rd *d, enum ns ns, const char *name)
{
	size_t	 i;

	for (i = 0; i < d->nfields; i++)
		if (d->fields[i].ns == ns && strcmp(d->fields[i].name, name) ==
		    0)
			return (int)i;
	return -1;
}

static void
begin_record(struct rd *d, enum ctx ctx, const struct field *f, size_t n)
{
	size_t	 i;

	d->ctx = ctx;
	d->fields = f;
	d->nfields = n;
	memset(d->seen, 0, sizeof(d->seen));
	for (i = 0; i < NFIELDS; i++) {
		d->f[i].len = 0;
		if (d->f[i].data != NULL)
			d->f[i].data[0] = '\0';
	}
	d->line = xmlGetLineNo(xmlTextReaderCurrentNode(d->r));
}

static const char *
trimmed(struct buf *b)
{
	size_t	 s = 0;

	if (b->data == NULL)
		return "";
	while (b->len > 0 && strchr(" \t\r\n", b->data[b->len - 1]) != NULL)
		b->data[--b->len] = '\0';
	while (s < b->len && strchr(" \t\r\n", b->data[s]) != NULL)
		s++;
	return b->data + s;
}

static int
bodyfield(const struct field *f)
{
	return f->ns == NS_CONTENT || f->ns == NS_EXCERPT ||
	    strcmp(f->name, "comment_content") == 0;
}

/* Fills the struct at rec from the record's buffers. */
static void
fill(struct rd *d, struct buf *bufs, void *rec, const struct field *f,
    size_t n)
{
	const char	*s;
	size_t		 i;

	for (i = 0; i < n; i++) {
		if (f == item_fields && i == ITEM_AUTHOR)
			continue;
		s = bodyfield(&f[i]) ? (bufs[i].data ? bufs[i].data : "") :
		    trimmed(&bufs[i]);
		if (f[i].integer)
			*(int64_t *)(void *)((char *)rec + f[i].off) =
			    strtoll(s, NULL, 10);
		else if (*s != '\0' || *(const char **)(void *)((char *)rec +
		    f[i].off) == NULL)
			*(const char **)(void *)((char *)rec + f[i].off) = s;
	}
	(void)d;
}

/* The channel's fields, checked, to the handler once. */
static int
send_channel(struct rd *d)
{
	struct wxr_channel	 ch;
	const char		*v;

	if (d->channel_sent)
		return 0;
	d->channel_sent = 1;
	memset(&ch, 0, sizeof(ch));
	fill(d, d->chan, &ch, channel_fields, sizeof(channel_fields) /
	    sizeof(channel_fields[0]));
	v = ch.version;
	if (*v == '\0') {
		seterr(d, "line %ld: no wp:wxr_version before this; %s",
		    xmlTextReaderGetParserLineNumber(d->r),
		    "this is not a WordPress export (WXR)");
		return -1;
	}
	if (strcmp(v, "1.0") != 0 && strcmp(v, "1.1") != 0 &&
	    strcmp(v, "1.2") != 0) {
		snprintf(d->err, d->errlen, "line %ld: WXR version \"%.40s\""
		    " is not one this reader knows (1.0, 1.1, 1.2)",
		    d->version_line, v);
		return -1;
	}
	return d->h->channel != NULL ? d->h->channel(d->h->arg, &ch) : 0;
}

static int
send_item(struct rd *d)
{
	struct wxr_item	*it = &d->item;
	const char	*author;
	size_t		 i;

	if (d->item_sent)
		return 0;
	d->item_sent = 1;
	memset(it, 0, sizeof(*it));
	fill(d, d->f, it, item_fields, sizeof(item_fields) /
	    sizeof(item_fields[0]));
	author = trimmed(&d->f[ITEM_AUTHOR]);
	if (*it->creator == '\0')
		it->creator = author;
	it->sticky = atoi(trimmed(&d->sticky)) != 0;
	d->itemcats = xrealloc(d->itemcats, (d->ncats + 1) *
	    sizeof(*d->itemcats));
	for (i = 0; i < d->ncats; i++) {
		d->itemcats[i].domain = trimmed(&d->cats[i].domain);
		d->itemcats[i].nicename = trimmed(&d->cats[i].nicename);
		d->itemcats[i].name = trimmed(&d->cats[i].name);
	}
	it->cats = d->itemcats;
	it->ncats = d->ncats;
	d->itemmetas = xrealloc(d->itemmetas, (d->nmetas + 1) *
	    sizeof(*d->itemmetas));
	for (i = 0; i < d->nmetas; i++) {
		d->itemmetas[i].key = trimmed(&d->metas[i].key);
		d->itemmetas[i].value = d->metas[i].value.data ?
		    d->metas[i].value.data : "";
	}
	it->metas = d->itemmetas;
	it->nmetas = d->nmetas;
	it->line = d->line;
	return d->h->item != NULL ? d->h->item(d->h->arg, it) : 0;
}

static void
attr(struct rd *d, const char *name, struct buf *b)
{
	xmlChar	*v = xmlTextReaderGetAttribute(d->r, (const xmlChar *)name);

	b->len = 0;
	buf_puts(b, v != NULL ? (const char *)v : "");
	xmlFree(v);
}

/* An item's <category>: a new entry whose name is its text. */
static void
begin_cat(struct rd *d)
{
	struct cat_bufs	*c;

	if (d->ncats == d->catcap) {
		d->catcap = d->catcap ? d->catcap * 2 : 8;
		d->cats = xrealloc(d->cats, d->catcap * sizeof(*d->cats));
		memset(d->cats + d->ncats, 0, (d->catcap - d->ncats) *
		    sizeof(*d->cats));
	}
	c = &d->cats[d->ncats++];
	attr(d, "domain", &c->domain);
	attr(d, "nicename", &c->nicename);
	c->name.len = 0;
	buf_puts(&c->name, "");
	d->open = &c->name;
}

/* An item's <wp:postmeta>: a new entry, its key and value to come. */
static void
begin_meta(struct rd *d)
{
	struct meta_bufs	*m;

	if (d->nmetas == d->metacap) {
		d->metacap = d->metacap ? d->metacap * 2 : 8;
		d->metas = xrealloc(d->metas, d->metacap * sizeof(*d->metas));
		memset(d->metas + d->nmetas, 0, (d->metacap - d->nmetas) *
		    sizeof(*d->metas));
	}
	m = &d->metas[d->nmetas++];
	m->key.len = m->value.len = 0;
	buf_puts(&m->key, "");
	buf_puts(&m->value, "");
	d->in_meta = 1;
}

/* A start tag at depth: a record begins, or a field of one opens. */
static int
start(struct rd *d, int depth)
{
	const char	*name = (const char *)xmlTextReaderConstLocalName(d->r);
	enum ns		 ns = ns_of(xmlTextReaderConstNamespaceUri(d->r));
	int		 rc, f;

	if (d->ctx == C_NONE) {
		if (depth != 0 || ns != NS_NONE || strcmp(name, "rss") != 0) {
			seterr(d, "line %ld: the document is <%s>, not an RSS"
			    " (WXR) export", xmlTextReaderGetParserLineNumber(
			    d->r), name);
			return -1;
		}
		d->ctx = C_RSS;
		return 0;
	}
	if (d->ctx == C_RSS) {
		if (depth == 1 && ns == NS_NONE && strcmp(name, "channel") == 0)
			begin_record(d, C_CHANNEL, channel_fields,
			    sizeof(channel_fields) / sizeof(channel_fields[0]));
		return 0;
	}
	if (d->ctx == C_CHANNEL && depth == 2) {
		enum ctx	 next = C_NONE;

		if (ns == NS_WP && strcmp(name, "author") == 0)
			next = C_AUTHOR;
		else if (ns == NS_WP && (strcmp(name, "category") == 0 ||
		    strcmp(name, "tag") == 0 || strcmp(name, "term") == 0))
			next = C_TERM;
		else if (ns == NS_NONE && strcmp(name, "item") == 0)
			next = C_ITEM;
		if (next != C_NONE && !d->channel_sent) {
			/* The channel's own fields come before any record. */
			memcpy(d->chan, d->f, sizeof(d->chan));
			memset(d->f, 0, sizeof(d->f));
			d->line = xmlGetLineNo(xmlTextReaderCurrentNode(d->r));
			if ((rc = send_channel(d)) != 0)
				return rc;
		}
		if (next == C_AUTHOR)
			begin_record(d, next, author_fields,
			    sizeof(author_fields) / sizeof(author_fields[0]));
		else if (next == C_TERM) {
			begin_record(d, next, term_fields,
			    sizeof(term_fields) / sizeof(term_fields[0]));
			/* wp:category and wp:tag say their taxonomy so. */
			if (strcmp(name, "term") != 0)
				buf_puts(&d->f[1], strcmp(name, "tag") == 0 ?
				    "post_tag" : "category");
		} else if (next == C_ITEM) {
			begin_record(d, next, item_fields,
			    sizeof(item_fields) / sizeof(item_fields[0]));
			d->sticky.len = 0;
			buf_puts(&d->sticky, "");
			d->ncats = 0;
			d->nmetas = 0;
			d->in_meta = 0;
			d->item_sent = 0;
		}
		if (next != C_NONE)
			return 0;
	}
	if (d->ctx == C_ITEM && depth == 3) {
		if (ns == NS_WP && strcmp(name, "comment") == 0) {
			if ((rc = send_item(d)) != 0)
				return rc;
			begin_record(d, C_COMMENT, comment_fields,
			    sizeof(comment_fields) / sizeof(comment_fields[0]));
			return 0;
		}
		if (ns == NS_NONE && strcmp(name, "category") == 0) {
			begin_cat(d);
			d->field_depth = depth;
			return 0;
		}
		if (ns == NS_WP && strcmp(name, "postmeta") == 0 &&
		    !d->item_sent) {
			begin_meta(d);
			return 0;
		}
		if (ns == NS_WP && strcmp(name, ITEM_STICKY) == 0) {
			d->sticky.len = 0;
			d->open = &d->sticky;
			d->field_depth = depth;
			return 0;
		}
	}
	if (d->ctx == C_ITEM && depth == 4 && d->in_meta && ns == NS_WP &&
	    (strcmp(name, "meta_key") == 0 || strcmp(name, "meta_value") ==
	    0)) {
		d->open = strcmp(name, "meta_key") == 0 ?
		    &d->metas[d->nmetas - 1].key :
		    &d->metas[d->nmetas - 1].value;
		d->open->len = 0;
		buf_puts(d->open, "");
		d->field_depth = depth;
		return 0;
	}
	/* A field: a direct child of its record (the channel's at 2). */
	if ((d->ctx == C_CHANNEL && depth == 2 && !d->channel_sent) ||
	    (d->ctx == C_AUTHOR &&
	    depth == 3) || (d->ctx == C_TERM && depth == 3) ||
	    (d->ctx == C_ITEM && depth == 3 && !d->item_sent) ||
	    (d->ctx == C_COMMENT && depth == 4)) {
		/* A field named twice: the first counts (as a lookup would). */
		if ((f = field_of(d, ns, name)) >= 0 && !d->seen[f]) {
			d->seen[f] = 1;
			if (d->ctx == C_CHANNEL && f == 0)	/* the version */
				d->version_line = xmlGetLineNo(
				    xmlTextReaderCurrentNode(d->r));
			d->f[f].len = 0;
			buf_puts(&d->f[f], "");
			d->open = &d->f[f];
			d->field_depth = depth;
		}
	}
	return 0;
}

static int
send_author(struct rd *d)
{
	struct wxr_author	 a;

	memset(&a, 0, sizeof(a));
	fill(d, d->f, &a, author_fields, sizeof(author_fields) /
	    sizeof(author_fields[0]));
	a.line = d->line;
	return d->h->author != NULL ? d->h->author(d->h->arg, &a) : 0;
}

static int
send_term(struct rd *d)
{
	struct wxr_term	 t;

	memset(&t, 0, sizeof(t));
	fill(d, d->f, &t, term_fields, sizeof(term_fields) /
	    sizeof(term_fields[0]));
	t.line = d->line;
	return d->h->term != NULL ? d->h->term(d->h->arg, &t) : 0;
}

static int
send_comment(struct rd *d)
{
	struct wxr_comment	 c;

	memset(&c, 0, sizeof(c));
	fill(d, d->f, &c, comment_fields, sizeof(comment_fields) /
	    sizeof(comment_fields[0]));
	c.line = d->line;
	return d->h->comment != NULL ? d->h->comment(d->h->arg, &d->item,
	    &c) : 0;
}

/* An end tag at depth: a field closes, or a record ends. */
static int
end(struct rd *d, int depth)
{
	int	 rc = 0;

	if (d->open != NULL && depth == d->field_depth) {
		d->open = NULL;
		return 0;
	}
	switch (d->ctx) {
	case C_AUTHOR:
		if (depth == 2 && (rc = send_author(d)) == 0)
			d->ctx = C_CHANNEL;
		break;
	case C_TERM:
		if (depth == 2 && (rc = send_term(d)) == 0)
			d->ctx = C_CHANNEL;
		break;
	case C_COMMENT:
		if (depth == 3 && (rc = send_comment(d)) == 0)
			d->ctx = C_ITEM;
		break;
	case C_ITEM:
		if (depth == 3)
			d->in_meta = 0;
		if (depth != 2)
			break;
		if ((rc = send_item(d)) == 0 && d->h->item_end != NULL)
			rc = d->h->item_end(d->h->arg, &d->item);
		d->ctx = C_CHANNEL;
		break;
	case C_CHANNEL:
		if (depth == 1) {
			if (!d->channel_sent) {
				memcpy(d->chan, d->f, sizeof(d->chan));
				memset(d->f, 0, sizeof(d->f));
			}
			d->line = xmlTextReaderGetParserLineNumber(d->r);
			rc = send_channel(d);
			d->ctx = C_RSS;
		}
		break;
	default:
		break;
	}
	return rc;
}

static int
node(struct rd *d)
{
	int	 type = xmlTextReaderNodeType(d->r);
	int	 depth = xmlTextReaderDepth(d->r);
	int	 rc;

	switch (type) {
	case XML_READER_TYPE_ELEMENT:
		if (d->open != NULL)	/* markup inside a field: its text */
			return 0;
		if ((rc = start(d, depth)) != 0)
			return rc;
		if (xmlTextReaderIsEmptyElement(d->r))
			return end(d, depth);
		return 0;
	case XML_READER_TYPE_END_ELEMENT:
		return end(d, depth);
	case XML_READER_TYPE_TEXT:
	case XML_READER_TYPE_CDATA:
	case XML_READER_TYPE_WHITESPACE:
	case XML_READER_TYPE_SIGNIFICANT_WHITESPACE:
		if (d->open != NULL)
			buf_puts(d->open, (const char *)
			    xmlTextReaderConstValue(d->r));
		return 0;
	default:
		return 0;
	}
}

static void
rd_free(struct rd *d)
{
	size_t	 i;

	for (i = 0; i < NFIELDS; i++) {
		buf_reset(&d->f[i]);
		buf_reset(&d->chan[i]);
	}
	buf_reset(&d->sticky);
	for (i = 0; i < d->catcap; i++) {
		buf_reset(&d->cats[i].domain);
		buf_reset(&d->cats[i].nicename);
		buf_reset(&d->cats[i].name);
	}
	free(d->cats);
	free(d->itemcats);
	for (i = 0; i < d->metacap; i++) {
		buf_reset(&d->metas[i].key);
		buf_reset(&d->metas[i].value);
	}
	free(d->metas);
	free(d->itemmetas);
}

static int
run(xmlTextReaderPtr r, const struct wxr_handler *h, char *err,
    size_t errlen)
{
	struct rd	 d;
	int		 rc = 0, got;
	size_t		 i;

	memset(&d, 0, sizeof(d));
	d.r = r;
	d.h = h;
	d.err = err;
	d.errlen = errlen;
	for (i = 0; i < NFIELDS; i++) {
		buf_init(&d.f[i]);
		buf_init(&d.chan[i]);
	}
	buf_init(&d.sticky);
	*err = '\0';
	if (r == NULL) {
		snprintf(err, errlen, "cannot open the file");
		return -1;
	}
	xmlTextReaderSetStructuredErrorHandler(r, (xmlStructuredErrorFunc)
	    on_error, &d);
	while ((got = xmlTextReaderRead(r)) == 1)
		if ((rc = node(&d)) != 0)
			break;
	if (rc == 0 && got < 0) {
		if (!d.xml_err)
			snprintf(err, errlen, "line %d: not well-formed XML",
			    xmlTextReaderGetParserLineNumber(r));
		rc = -1;
	} else if (rc == 0 && d.ctx == C_NONE) {
		snprintf(err, errlen, "the file is empty, not a WXR export");
		rc = -1;
	} else if (rc == 0 && !d.channel_sent) {
		snprintf(err, errlen, "line %d: no <channel>; this is not a"
		    " WordPress export (WXR)",
		    xmlTextReaderGetParserLineNumber(r));
		rc = -1;
	}
	xmlFreeTextReader(r);
	rd_free(&d);
	return rc;
}

/* No network, no DTD, no entities but XML's own: a file is data only. */
#define WXR_XML_OPTIONS	(XML_PARSE_NONET | XML_PARSE_NOCDATA)

int
wxr_read(const char *path, const struct wxr_handler *h, char *err,
    size_t errlen)
{
	return run(xmlReaderForFile(path, NULL, WXR_XML_OPTIONS), h, err,
	    errlen);
}

int
wxr_read_memory(const void *data, size_t len, const struct wxr_handler *h,
    char *err, size_t errlen)
{
	if (len > INT32_MAX) {
		snprintf(err, errlen, "too large to read from memory");
		return -1;
	}
	return run(xmlReaderForMemory(data, (int)len, "wxr", NULL,
	    WXR_XML_OPTIONS), h, err, errlen);
}
