/*
 * xml: what the XML Galley writes (the WXR export, feeds, sitemaps)
 * shares.  Every document is written through libxml2's xmlTextWriter,
 * which escapes each text and attribute value it is given, once; text
 * is first made fit for XML 1.0 (xml_clean), and dates are written in
 * the two forms feeds and sitemaps use.
 */
#ifndef GALLEY_XML_H
#define GALLEY_XML_H

#include <stdint.h>
#include <libxml/xmlwriter.h>

struct arena;
struct buf;

/* A document being written into a struct buf. */
struct xml {
	xmlTextWriterPtr	 w;
	struct buf		*clean;		/* xml_clean's scratch */
};

/*
 * Starts a document (its XML declaration, UTF-8) written into out,
 * with scratch for xml_clean; both must outlive xml_end.  Returns 0, or
 * -1 if libxml2 could not make a writer.
 */
int	xml_begin(struct xml *, struct buf *out, struct buf *scratch);
/* Closes every open element, flushes into out and frees the writer. */
void	xml_end(struct xml *);
/*
 * s as text XML 1.0 may hold: invalid UTF-8 and characters outside
 * XML's Char production become U+FFFD.  s itself when it is fit, else
 * scratch's copy, valid until the next call with scratch.
 */
const char *xml_clean(struct buf *scratch, const char *s);
/* <name>text</name>, text cleaned, then escaped by the writer. */
void	xml_el(struct xml *, const char *name, const char *text);
/* Sets attribute name on the open element to text, so. */
void	xml_attr(struct xml *, const char *name, const char *text);
/* RFC 822 (RSS's pubDate): "Thu, 01 Oct 2015 14:32:00 +0000", in a. */
const char *xml_rfc822(struct arena *a, int64_t t);
/*
 * RFC 3339 in UTC, W3C's datetime too (Atom, sitemaps):
 * "2015-10-01T14:32:00Z", in a.
 */
const char *xml_rfc3339(struct arena *a, int64_t t);

#endif
