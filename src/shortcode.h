/*
 * shortcode: WordPress shortcodes and embeds in post bodies.  The one
 * shortcode Galley knows is [youtube ...]; a YouTube URL alone on its line
 * embeds too, as WordPress's autoembed does.  A video renders as a privacy
 * facade: a link to YouTube styled as a player, so that nothing is fetched
 * from a third party until the reader clicks.  Unknown or malformed
 * shortcodes stay as the text they were.
 *
 * Accepted forms (ID: 11 of [A-Za-z0-9_-]; extra words such as "nolink"
 * are ignored; t= or start= give a start time in seconds, or as 1h2m3s):
 *	[youtube ID]  [youtube ID nolink]  [youtube ID start=30]
 *	[youtube URL] [youtube=URL]  [[youtube ID]] (escaped: stays as text)
 * with URL one of youtube.com/watch?v=ID, youtu.be/ID, youtube.com/embed/ID
 * (also /v/, /shorts/, /live/, m., www., youtube-nocookie.com), http or
 * https, with an optional t= or start= parameter.
 *
 * Shortcodes and lone URLs inside an HTML tag or comment, or inside <pre>,
 * <code>, <script>, <style> or <textarea>, are left alone, so a post can
 * show the syntax in a code sample.
 */
#ifndef GALLEY_SHORTCODE_H
#define GALLEY_SHORTCODE_H

#include <stddef.h>

struct buf;

/*
 * Appends in[0..len) to out with each YouTube URL that stands alone on its
 * line (WordPress's |^(\s*)(https?://[^\s<>"]+)(\s*)$|im) or alone in a
 * <p> replaced by the video facade; other URLs stay as they are.  Runs
 * before wpautop on HTML bodies, after md4c on Markdown ones (where it also
 * takes a paragraph holding only md4c's autolink of the URL).
 */
void	shortcode_autoembed(struct buf *out, const char *in, size_t len);

/*
 * Appends html[0..len) to out with shortcodes done, as WordPress's
 * shortcode_unautop() then do_shortcode(): a valid [youtube] alone in its
 * <p> loses the <p>, then becomes the video facade.  Invalid ones, unknown
 * shortcodes and other text pass through byte for byte.
 */
void	shortcode_render(struct buf *out, const char *html, size_t len);

/*
 * Appends in[0..len) to out with every [youtube ...] shortcode removed,
 * valid or not (an escaped [[youtube ...]] becomes [youtube ...]), as
 * WordPress's strip_shortcodes() does before making an excerpt.
 */
void	shortcode_strip(struct buf *out, const char *in, size_t len);

#endif
