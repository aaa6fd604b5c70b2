/*
 * body: a post body from its source to HTML, and its excerpt.  A body is
 * either WordPress-style HTML (paragraphs from blank lines, as imported)
 * or Markdown; both end with the same shortcode and embed pass.  Raw
 * HTML in a body passes through, as WordPress trusts editors and admins;
 * a body saved by an author is filtered (kses.h) once rendered.
 */
#ifndef GALLEY_BODY_H
#define GALLEY_BODY_H

#include <stddef.h>

struct buf;
struct shortcode_image;

enum body_format {
	BODY_MARKDOWN,
	BODY_HTML
};

/* Returns 0 and sets *fmt for "markdown" or "html", else -1. */
int	body_format_parse(const char *name, enum body_format *fmt);

/*
 * Appends the HTML for src[0..len) to out.  BODY_HTML: autoembed, wpautop,
 * shortcodes, as WordPress's the_content.  BODY_MARKDOWN: md4c (GitHub
 * dialect, raw HTML allowed), autoembed, shortcodes.  With filtered set
 * (a post's `filtered`), the result goes through kses.  Safe to call from
 * several threads at once.
 */
void	body_render(struct buf *out, const char *src, size_t len,
	    enum body_format fmt, int filtered);

/*
 * body_render in its two halves, for a caller that must read the HTML
 * before shortcodes are done (page_body gathers the pictures a page
 * shows from it).  body_html: Gutenberg's block comments and the
 * <!--more--> marker dropped, then autoembed and wpautop (BODY_HTML) or
 * md4c and autoembed (BODY_MARKDOWN).  body_finish: shortcodes, with
 * img[0..nimg) the pictures [gallery] may show (shortcode.h), then kses
 * when filtered.
 */
void	body_html(struct buf *out, const char *src, size_t len,
	    enum body_format fmt);
void	body_finish(struct buf *out, const char *html, size_t len,
	    int filtered, const struct shortcode_image *img, size_t nimg);

/*
 * Appends a plain-text (UTF-8) excerpt of src[0..len) to out, as
 * WordPress's wp_trim_excerpt(): only what comes before <!--more--> when
 * the body has one, shortcodes stripped, the body rendered,
 * videos, scripts, styles and tags dropped, the common entities decoded
 * (&amp; &lt; &gt; &quot; &#39; &nbsp; and numeric ones), then the first
 * `words` whitespace-separated words joined by single spaces, followed by
 * " […]" when some were cut.  words 0 appends nothing.  The result is
 * text, not HTML: the caller escapes it.
 */
void	body_excerpt(struct buf *out, const char *src, size_t len,
	    enum body_format fmt, int filtered, size_t words);

/*
 * Appends the whole text of src[0..len) to out, as search indexes it:
 * as body_excerpt reads it (shortcodes stripped, rendered, scripts,
 * styles and videos dropped, tags stripped, entities decoded), every run
 * of whitespace and control characters one space, at most max bytes, not
 * cut inside a character.  Text, not HTML.
 */
void	body_text(struct buf *out, const char *src, size_t len,
	    enum body_format fmt, int filtered, size_t max);

#endif
