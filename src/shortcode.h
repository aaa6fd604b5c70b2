/*
 * shortcode: WordPress shortcodes and embeds in post bodies, rendered
 * from the HTML WordPress stores.  Galley knows [youtube], [caption] (and
 * the old [wp_caption]), [gallery], [embed], [audio] and [video]; a
 * YouTube URL alone on its line embeds too, as WordPress's autoembed
 * does.  A video renders as a privacy facade: a link to YouTube styled as
 * a player, so that nothing is fetched from a third party until the
 * reader clicks.  Nothing else of a third party is ever embedded: another
 * [embed] URL, or an [audio] or [video] file not on this site, becomes a
 * plain link.  Unknown or malformed shortcodes stay as the text they were.
 *
 *	[caption id="attachment_N" align="alignX" width="W"]<img ...> Text[/caption]
 *	[caption caption="Text"]<a href="..."><img ...></a>[/caption]
 *		-> <figure class="wp-caption alignX"><img ...>
 *		   <figcaption class="wp-caption-text">Text</figcaption></figure>
 *		   (picture and text through kses, so the figure is well
 *		   formed; the theme sizes the figure to its picture)
 *	[gallery ids="1,2,3" columns="3" size="thumbnail" link="file|none"]
 *		-> <div class="gallery gallery-columns-3 ..."> of
 *		   <figure class="gallery-item"><img src="/media/HASH.EXT"
 *		   class="wp-image-N ..."></figure>, from the pictures the
 *		   caller found (shortcode_gallery_ids); unknown ids left
 *		   out; a bare [gallery] shows the post's attached
 *		   pictures in their order (an import's post_parent and
 *		   menu_order), less those exclude="1,2" names
 *	[embed]URL[/embed]	-> the facade for YouTube, else a link
 *	[audio src=URL] [audio mp3=URL] [video src=URL] [video mp4=URL]
 *		-> <audio controls preload="none" src=URL> with a link
 *		   inside, for a path on this site; else a link
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
#include <stdint.h>

struct buf;

/* The most pictures one [gallery] shows. */
#define SHORTCODE_GALLERY_MAX	100

/* A picture a [gallery] may show: one of our media items. */
struct shortcode_image {
	int64_t		 old_id;	/* the WordPress attachment id it was
					   imported as, or 0 */
	int64_t		 id;		/* our media item's */
	const char	*src;		/* its display file, /media/HASH.EXT */
	int		 width, height;
	int		 attached;	/* its place among the post's attached
					   pictures (1, 2, ...), or 0 */
};

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
 * shortcode_unautop() then do_shortcode(): a valid shortcode alone in its
 * <p> loses the <p>, then becomes its HTML.  A gallery's ids are looked
 * for in img[0..nimg) (borrowed): by old_id, else by id.  Invalid ones,
 * unknown shortcodes and other text pass through byte for byte.
 */
/* The video placeholder's label, English (page.c shows it translated). */
#define SHORTCODE_VIDEO_LABEL	"Play video (loads YouTube)"

void	shortcode_render(struct buf *out, const char *html, size_t len,
	    const struct shortcode_image *img, size_t nimg);

/*
 * Sets *ids (the caller frees it) to the ids every [gallery ids=""] of
 * html[0..len) names, in order, duplicates kept, *n to their count; so
 * a page asks the store once for all of them.  Those inside tags,
 * comments or code are not counted, as shortcode_render leaves them.
 * *bare is 1 if a [gallery] names none: it shows the post's attached
 * pictures, which the caller finds too.
 */
void	shortcode_gallery_ids(const char *html, size_t len, int64_t **ids,
	    size_t *n, int *bare);

/*
 * Appends in[0..len) to out with every shortcode Galley knows removed
 * (an enclosing one with its content),
 * valid or not (an escaped [[youtube ...]] becomes [youtube ...]), as
 * WordPress's strip_shortcodes() does before making an excerpt.
 */
void	shortcode_strip(struct buf *out, const char *in, size_t len);

#endif
