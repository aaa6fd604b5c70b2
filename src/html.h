/*
 * html: the one escaping module.  Every byte of data that reaches an HTML
 * page (or JSON inside a <script> block) goes through one of these
 * functions, one per output context.  The single way around them is
 * buf_write on text that is already HTML; each such use says why it is safe.
 */
#ifndef GALLEY_HTML_H
#define GALLEY_HTML_H

#include <stddef.h>

struct buf;

/* Appends s[0..len) as HTML text: & < > " ' become entities. */
void	html_text(struct buf *b, const char *s, size_t len);
/*
 * Appends text s[0..len) as html_text does, with the bytes on and off
 * (control characters a search snippet marks its matches with) as
 * <mark> and </mark>, always balanced: an on inside a mark and an off
 * outside one are dropped, an open mark is closed at the end.  Other
 * control characters but tab and newline are dropped.
 */
void	html_marked(struct buf *b, const char *s, size_t len, char on,
	    char off);
/*
 * Appends plain text s[0..len) as HTML paragraphs: escaped as html_text,
 * blank lines separate <p> elements, single newlines become <br>.
 */
void	html_paragraphs(struct buf *b, const char *s, size_t len);
/* Appends s[0..len) for a double-quoted attribute value. */
void	html_attr(struct buf *b, const char *s, size_t len);
/*
 * Appends s[0..len) as a URL attribute value.  Only http:, https:, mailto:
 * and scheme-less (relative) URLs pass; anything else (javascript:, data:,
 * and schemes hidden behind control characters or entities) becomes "#".
 */
void	html_url(struct buf *b, const char *s, size_t len);
/* Returns 1 if html_url would keep s[0..len), 0 if it would write "#". */
int	html_url_safe(const char *s, size_t len);
/*
 * Appends s[0..len) as a JSON string literal, quotes included, safe inside
 * <script>: < > & and U+2028/U+2029 are \u-escaped, invalid UTF-8 becomes
 * U+FFFD.
 */
void	html_json(struct buf *b, const char *s, size_t len);

#endif
