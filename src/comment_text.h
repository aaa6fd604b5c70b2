/*
 * comment_text: the text of a reader's comment, as safe HTML.  Readers are
 * untrusted, so this is a small Markdown subset parsed by md4c with raw
 * HTML off and rendered here, attribute by attribute: paragraphs, quotes,
 * lists, fenced code, emphasis, strikethrough and links.  Headings become
 * bold paragraphs, images become their alt text (a link when the source is
 * http or https), and a link survives only with an http:, https: or mailto:
 * target, always with rel="nofollow ugc noopener"; any other link is its
 * text alone.  Bare URLs, www. names and e-mail addresses become links.
 */
#ifndef GALLEY_COMMENT_TEXT_H
#define GALLEY_COMMENT_TEXT_H

#include <stddef.h>

struct buf;

/*
 * Appends the comment text src[0..len) to out as HTML: a sequence of
 * block elements, each ending in a newline.  Every byte of src reaches out
 * escaped; the only markup is the fixed set of tags this module writes.
 * Never fails on any input, invalid UTF-8 and NUL included (NUL becomes
 * U+FFFD); the caller should still have refused such text with
 * comment_text_valid.  A write past out's limit sets out->err.
 */
void	comment_text_render(struct buf *out, const char *src, size_t len);
/*
 * Returns how many links (<a> elements) comment_text_render writes for
 * src[0..len): explicit links, autolinks and images shown as links, but
 * not refused links, which render as plain text.  Returns INT_MAX if
 * md4c fails (out of memory), so a "too many links" rule holds the
 * comment rather than passing it.
 */
int	comment_text_links(const char *src, size_t len);
/*
 * Returns 1 if s[0..len) is valid UTF-8 (shortest form, no surrogates,
 * nothing past U+10FFFF) holding no NUL and no C0 control other than tab,
 * newline and carriage return; otherwise 0.  The comment form refuses
 * text that fails rather than mangling it.
 */
int	comment_text_valid(const char *s, size_t len);

#endif
