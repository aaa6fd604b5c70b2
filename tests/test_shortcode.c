/*
 * test_shortcode: [youtube] in every accepted form, the IDs and URLs that
 * must not embed, unknown and malformed shortcodes left as text, attempts
 * to inject markup through a shortcode, shortcode_unautop, the lone-URL
 * autoembed, the places shortcodes are left alone, and stripping.
 */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "check.h"
#include "shortcode.h"

/* The facade, exactly as the site's JS and CSS expect it. */
#define FIG(id) "<figure class=\"video\" data-youtube=\"" id "\">" \
	"<a class=\"video-link\" href=\"https://www.youtube.com/watch?v=" id \
	"\"><span class=\"video-play\" aria-hidden=\"true\"></span>" \
	"<span class=\"video-label\">Play video (loads YouTube)</span></a>" \
	"</figure>"
#define FIG_AT(id, n) "<figure class=\"video\" data-youtube=\"" id "\" " \
	"data-start=\"" n "\"><a class=\"video-link\" " \
	"href=\"https://www.youtube.com/watch?v=" id "&amp;t=" n "s\">" \
	"<span class=\"video-play\" aria-hidden=\"true\"></span>" \
	"<span class=\"video-label\">Play video (loads YouTube)</span></a>" \
	"</figure>"

#define ID	"oqJPVlDdLek"

#define RENDER(in, want)	expect(render, (in), (want), __LINE__)
#define PAGE(in, want)		expect(render_page, (in), (want), __LINE__)
#define EMBED(in, want)		expect(shortcode_autoembed, (in), (want), \
				    __LINE__)
#define STRIP(in, want)		expect(shortcode_strip, (in), (want), __LINE__)
/* Input that must come out byte for byte. */
#define SAME(in)		RENDER((in), (in))

typedef void	fn(struct buf *, const char *, size_t);

/* The pictures a page found: 7 imported as WordPress's 770, 8 ours. */
static const struct shortcode_image images[] = {
	{ 770, 7, "/media/aaaa.jpg", 640, 480, 0 },
	{ 0, 8, "/media/bbbb.png", 300, 200, 0 },
	{ 8, 9, "/media/cccc.webp", 10, 10, 0 },
};

static void
render(struct buf *out, const char *in, size_t len)
{
	shortcode_render(out, in, len, NULL, 0);
}

static void
render_page(struct buf *out, const char *in, size_t len)
{
	shortcode_render(out, in, len, images,
	    sizeof(images) / sizeof(images[0]));
}

static void
expect(fn *f, const char *in, const char *want, int line)
{
	struct buf	 b;
	char		*got;

	buf_init(&b);
	f(&b, in, strlen(in));
	got = buf_take(&b, NULL);
	check_str(got, want, in, __FILE__, line);
	free(got);
}

static void
test_forms(void)
{
	RENDER("[youtube " ID "]", FIG(ID));
	RENDER("[youtube " ID " nolink]", FIG(ID));
	RENDER("[youtube " ID " nolink autoplay=1 whatever]", FIG(ID));
	RENDER("[youtube https://www.youtube.com/watch?v=" ID "]", FIG(ID));
	RENDER("[youtube http://youtube.com/watch?feature=share&v=" ID "]",
	    FIG(ID));
	RENDER("[youtube https://youtu.be/" ID "]", FIG(ID));
	RENDER("[youtube https://www.youtube.com/embed/" ID "]", FIG(ID));
	RENDER("[youtube https://m.youtube.com/shorts/" ID "]", FIG(ID));
	RENDER("[youtube https://www.youtube-nocookie.com/embed/" ID "]",
	    FIG(ID));
	RENDER("[youtube=https://www.youtube.com/watch?v=" ID "&w=640]",
	    FIG(ID));
	RENDER("[youtube \"" ID "\"]", FIG(ID));
	RENDER("text [youtube " ID "] more", "text " FIG(ID) " more");
	RENDER("[youtube " ID "][youtube a_b-c_d1234]",
	    FIG(ID) FIG("a_b-c_d1234"));
}

static void
test_start(void)
{
	RENDER("[youtube https://www.youtube.com/watch?v=" ID "&t=90]",
	    FIG_AT(ID, "90"));
	RENDER("[youtube https://www.youtube.com/watch?v=" ID "&amp;t=1m30s]",
	    FIG_AT(ID, "90"));
	RENDER("[youtube https://youtu.be/" ID "?t=45s]", FIG_AT(ID, "45"));
	RENDER("[youtube https://www.youtube.com/embed/" ID "?start=12]",
	    FIG_AT(ID, "12"));
	RENDER("[youtube https://www.youtube.com/watch?v=" ID "#t=1h0m5s]",
	    FIG_AT(ID, "3605"));
	RENDER("[youtube " ID " start=30]", FIG_AT(ID, "30"));
	RENDER("[youtube " ID " t=\"75\" nolink]", FIG_AT(ID, "75"));
	/* A start time that is not one is ignored, the video kept. */
	RENDER("[youtube " ID " t=soon]", FIG(ID));
	RENDER("[youtube https://youtu.be/" ID "?t=0]", FIG(ID));
}

static void
test_invalid(void)
{
	SAME("[youtube]");
	SAME("[youtube short]");
	SAME("[youtube oqJPVlDdLekX]");
	SAME("[youtube oqJPVlDdLe!]");
	SAME("[youtube oqJPVlDdLe%]");
	SAME("[youtube https://www.youtube.com/watch?v=short]");
	SAME("[youtube https://www.youtube.com/watch?v=" ID "X]");
	SAME("[youtube https://youtu.be/" ID "X]");
	SAME("[youtube https://evil.example/watch?v=" ID "]");
	SAME("[youtube https://www.youtube.com.evil.example/watch?v=" ID "]");
	SAME("[youtube javascript:alert(1)//youtu.be/" ID "]");
	SAME("[youtube ftp://youtu.be/" ID "]");
	SAME("[youtube https://www.youtube.com/user/" ID "]");
}

static void
test_unknown(void)
{
	SAME("[playlist ids=\"1,2,3\"]");
	SAME("[videopress abc]");
	SAME("[captions]");
	SAME("[youtubex " ID "]");
	SAME("[youtube-x " ID "]");
	SAME("[YouTube " ID "]");
	SAME("[youtube " ID);
	SAME("youtube " ID "]");
	SAME("no brackets at all");
	SAME("[] [[]] [ youtube " ID "]");
	RENDER("", "");
	/* Escaped: one pair of brackets goes, the rest is text. */
	RENDER("[[youtube " ID "]]", "[youtube " ID "]");
	RENDER("<p>[[youtube " ID "]]</p>", "<p>[youtube " ID "]</p>");
}

static void
test_injection(void)
{
	SAME("[youtube \"><script>]");
	SAME("[youtube \"><script>alert(1)</script>]");
	SAME("<p>[youtube &quot;&gt;<script>]</p>");
	SAME("[youtube " ID "\" onmouseover=\"alert(1)]");
	SAME("[youtube " ID "\"onclick=x]");
	SAME("[youtube https://www.youtube.com/watch?v=" ID "\"><b>]");
	SAME("[youtube <a title=\"]\">x</a>]");
	/* Whatever follows a valid URL is dropped, never copied. */
	RENDER("[youtube https://www.youtube.com/watch?v=" ID
	    "&t=1\"><script>alert(1)</script>]", FIG(ID));
	RENDER("[youtube " ID " t=\"><script>\"]", FIG(ID));
}

static void
test_unautop(void)
{
	RENDER("<p>[youtube " ID " nolink]</p>", FIG(ID));
	RENDER("<p>Before.</p>\n<p>[youtube " ID "]</p>\n<p>After.</p>\n",
	    "<p>Before.</p>\n" FIG(ID) "\n<p>After.</p>\n");
	RENDER("<p> \t[youtube " ID "]&nbsp;\n</p>", FIG(ID));
	RENDER("<p>\xc2\xa0[youtube " ID "]</p>", FIG(ID));
	/*
	 * Not alone in its paragraph: the <p> stays, ended before the
	 * figure (a <p> cannot hold one) and begun again after it.
	 */
	RENDER("<p>See [youtube " ID "]</p>", "<p>See </p>\n" FIG(ID)
	    "\n<p></p>");
	/* Not a video: the paragraph and shortcode stay. */
	SAME("<p>[youtube short]</p>");
	SAME("<p>[playlist]</p>");
	/* md4c's autolink inside the shortcode, "]" swallowed or not. */
	RENDER("<p>[youtube <a href=\"https://www.youtube.com/watch?v=" ID
	    "&amp;t=30%5D\">https://www.youtube.com/watch?v=" ID
	    "&amp;t=30]</a></p>", FIG_AT(ID, "30"));
	RENDER("<p>[youtube <a href=\"https://youtu.be/" ID "\">"
	    "https://youtu.be/" ID "</a> nolink]</p>", FIG(ID));
}

static void
test_protected(void)
{
	SAME("<code>[youtube " ID "]</code>");
	SAME("<pre>\n[youtube " ID "]\n</pre>");
	SAME("<pre><code class=\"x\">[youtube " ID "]</code></pre>");
	SAME("<textarea>[youtube " ID "]</textarea>");
	SAME("<a title=\"[youtube " ID "]\">x</a>");
	SAME("<!-- [youtube " ID "] -->");
	RENDER("<code>a</code> [youtube " ID "]", "<code>a</code> " FIG(ID));
}

static void
test_autoembed(void)
{
	EMBED("Intro\n\nhttps://www.youtube.com/watch?v=" ID "\n\nOutro",
	    "Intro\n\n" FIG(ID) "\n\nOutro");
	EMBED("https://youtu.be/" ID, FIG(ID));
	EMBED("Intro\n  https://youtu.be/" ID "?t=10  \nOutro",
	    "Intro\n  " FIG_AT(ID, "10") "  \nOutro");
	EMBED("a\r\nHTTPS://YOUTU.BE/" ID "\r\nb", "a\r\n" FIG(ID) "\r\nb");
	EMBED("x\nhttps://www.youtube.com/watch?v=" ID "&amp;feature=share\n",
	    "x\n" FIG(ID) "\n");
	EMBED("<p>https://youtu.be/" ID "</p>", FIG(ID));
	EMBED("<p><a href=\"https://youtu.be/" ID "\">https://youtu.be/" ID
	    "</a></p>", FIG(ID));
	/* Left as they are. */
	EMBED("https://example.com/page", "https://example.com/page");
	EMBED("Intro\n\nhttps://vimeo.com/123\n\nOutro",
	    "Intro\n\nhttps://vimeo.com/123\n\nOutro");
	EMBED("See https://youtu.be/" ID " here",
	    "See https://youtu.be/" ID " here");
	EMBED("https://youtu.be/" ID " and more",
	    "https://youtu.be/" ID " and more");
	EMBED("https://www.youtube.com/watch?v=short",
	    "https://www.youtube.com/watch?v=short");
	EMBED("<p><a href=\"https://youtu.be/" ID "\">a link</a></p>",
	    "<p><a href=\"https://youtu.be/" ID "\">a link</a></p>");
	EMBED("<pre>\nhttps://youtu.be/" ID "\n</pre>",
	    "<pre>\nhttps://youtu.be/" ID "\n</pre>");
	/* A URL on a line of its own inside a tag is no embed. */
	EMBED("<a href=\nhttps://youtu.be/" ID "\n>link</a>",
	    "<a href=\nhttps://youtu.be/" ID "\n>link</a>");
	EMBED("", "");
	EMBED("no urls", "no urls");
}

#define CAP_IMG "<img src=\"/media/aaaa.jpg\" class=\"wp-image-7\">"

static void
test_caption(void)
{
	RENDER("[caption id=\"attachment_7\" align=\"alignright\" "
	    "width=\"300\"]" CAP_IMG " A <em>fine</em> view[/caption]",
	    "<figure class=\"wp-caption alignright\">" CAP_IMG
	    "<figcaption class=\"wp-caption-text\">A <em>fine</em> view"
	    "</figcaption></figure>");
	/* caption="", a link around the picture, an unknown align. */
	RENDER("[caption align=\"alignmiddle\" caption=\"Said &amp; done\"]"
	    "<a href=\"/media/aaaa.jpg\">" CAP_IMG "</a>[/caption]",
	    "<figure class=\"wp-caption alignnone\"><a href=\"/media/aaaa.jpg\">"
	    CAP_IMG "</a><figcaption class=\"wp-caption-text\">Said &amp; done"
	    "</figcaption></figure>");
	/* Alone in its paragraph, as wpautop leaves it; the old name. */
	RENDER("<p>[wp_caption align=\"aligncenter\"]" CAP_IMG
	    "<br />\nText[/wp_caption]</p>",
	    "<figure class=\"wp-caption aligncenter\">" CAP_IMG
	    "<figcaption class=\"wp-caption-text\">Text</figcaption></figure>");
	/*
	 * Amid a paragraph's text (wpautop leaves it there): the paragraph
	 * ends before the figure and another begins after it, as a <p>
	 * cannot hold a <figure>.
	 */
	RENDER("<p>Before.<br />\n[caption]" CAP_IMG " Text[/caption] after."
	    "</p>\n<p>[caption]" CAP_IMG " T[/caption]</p>",
	    "<p>Before.<br />\n</p>\n<figure class=\"wp-caption alignnone\">"
	    CAP_IMG "<figcaption class=\"wp-caption-text\">Text</figcaption>"
	    "</figure>\n<p> after.</p>\n<figure class=\"wp-caption alignnone\">"
	    CAP_IMG "<figcaption class=\"wp-caption-text\">T</figcaption>"
	    "</figure>");
	/* The caption is author HTML: filtered, and closed. */
	RENDER("[caption]" CAP_IMG " <b>bold <script>x()</script>[/caption]",
	    "<figure class=\"wp-caption alignnone\">" CAP_IMG
	    "<figcaption class=\"wp-caption-text\"><b>bold </b></figcaption>"
	    "</figure>");
	RENDER("[caption]" CAP_IMG "</figure><p>[/caption]",
	    "<figure class=\"wp-caption alignnone\">" CAP_IMG
	    "<figcaption class=\"wp-caption-text\"><p></p></figcaption>"
	    "</figure>");
	RENDER("[caption caption=\"x\"]" CAP_IMG "[/caption]",
	    "<figure class=\"wp-caption alignnone\">" CAP_IMG
	    "<figcaption class=\"wp-caption-text\">x</figcaption></figure>");
	/* Not enclosing: stays text. */
	SAME("[caption id=\"attachment_7\"]");
	SAME("<pre>[caption]" "&lt;img&gt; x[/caption]</pre>");
	SAME("<code>[caption]x[/caption]</code>");
	RENDER("[[caption]x[/caption]]", "[caption]x[/caption]");
}

#define ITEM(id, src, w, h) "<figure class=\"gallery-item\"><a href=\"" src \
	"\"><img src=\"" src "\" class=\"wp-image-" id " attachment-thumbnail\"" \
	" alt=\"\" width=\"" w "\" height=\"" h "\"></a></figure>"

static void
test_gallery(void)
{
	/* WordPress's ids first, then ours; unknown ids left out. */
	PAGE("[gallery ids=\"770,8,999\" columns=\"2\"]",
	    "<div class=\"gallery gallery-columns-2 gallery-size-thumbnail\">"
	    ITEM("7", "/media/aaaa.jpg", "640", "480")
	    ITEM("9", "/media/cccc.webp", "10", "10") "</div>");
	PAGE("<p>[gallery columns=2 ids=\"8\" link=\"none\" size=\"large\"]</p>",
	    "<div class=\"gallery gallery-columns-2 gallery-size-large\">"
	    "<figure class=\"gallery-item\"><img src=\"/media/cccc.webp\" "
	    "class=\"wp-image-9 attachment-large\" alt=\"\" width=\"10\" "
	    "height=\"10\"></figure></div>");
	/* Nothing found, or no attached pictures: nothing at all. */
	PAGE("<p>[gallery ids=\"5\"]</p>", "");
	PAGE("<p>[gallery]</p>\n<p>[gallery columns=\"4\"]</p>", "\n");
	RENDER("[gallery ids=\"770\"]", "");
	SAME("[gallery ids=\"1,x\"]");
	SAME("<pre>[gallery ids=\"770\"]</pre>");
}

/* The post's attached pictures: 8 first, then 770 (and 7 not at all). */
static const struct shortcode_image attached[] = {
	{ 770, 7, "/media/aaaa.jpg", 640, 480, 2 },
	{ 0, 8, "/media/bbbb.png", 300, 200, 1 },
	{ 8, 9, "/media/cccc.webp", 10, 10, 0 },
};

static void
render_attached(struct buf *out, const char *in, size_t len)
{
	shortcode_render(out, in, len, attached,
	    sizeof(attached) / sizeof(attached[0]));
}

#define ATTACHED(in, want) expect(render_attached, (in), (want), __LINE__)

static void
test_gallery_bare(void)
{
	ATTACHED("<p>[gallery]</p>",
	    "<div class=\"gallery gallery-columns-3 gallery-size-thumbnail\">"
	    ITEM("8", "/media/bbbb.png", "300", "200")
	    ITEM("7", "/media/aaaa.jpg", "640", "480") "</div>");
	/* exclude names WordPress's ids, or ours where there is none. */
	ATTACHED("[gallery exclude=\"770\" columns=\"1\"]",
	    "<div class=\"gallery gallery-columns-1 gallery-size-thumbnail\">"
	    ITEM("8", "/media/bbbb.png", "300", "200") "</div>");
	ATTACHED("[gallery exclude=\"8,770\"]", "");
	ATTACHED("[gallery exclude=\"x\"]", "[gallery exclude=\"x\"]");
	/* ids="" still names its own, attached or not. */
	ATTACHED("[gallery ids=\"8\"]",
	    "<div class=\"gallery gallery-columns-3 gallery-size-thumbnail\">"
	    ITEM("9", "/media/cccc.webp", "10", "10") "</div>");
}

static void
test_gallery_ids(void)
{
	const char	*in = "[gallery ids=\"770, 8\"] <code>[gallery ids=\"3\"]"
	    "</code> [gallery include=\"4\"] [[gallery ids=\"5\"]] [gallery]";
	int64_t		*ids;
	size_t		 n;
	int		 bare;

	shortcode_gallery_ids(in, strlen(in), &ids, &n, &bare);
	CHECK(n == 3 && ids[0] == 770 && ids[1] == 8 && ids[2] == 4);
	CHECK(bare == 1);
	free(ids);
	in = "[gallery ids=\"1\"] <code>[gallery]</code> [[gallery]]";
	shortcode_gallery_ids(in, strlen(in), &ids, &n, &bare);
	CHECK(n == 1 && bare == 0);
	free(ids);
	shortcode_gallery_ids("", 0, &ids, &n, &bare);
	CHECK(n == 0 && ids == NULL && bare == 0);
}

static void
test_embed(void)
{
	RENDER("[embed]https://youtu.be/" ID "[/embed]", FIG(ID));
	RENDER("<p>[embed width=\"500\"]https://www.youtube.com/watch?v=" ID
	    "&amp;t=30[/embed]</p>", FIG_AT(ID, "30"));
	RENDER("<p>[embed]https://vimeo.com/1234[/embed]</p>",
	    "<p><a href=\"https://vimeo.com/1234\">https://vimeo.com/1234</a>"
	    "</p>");
	RENDER("[embed]https://x.org/?a=1&amp;b=\"<i>[/embed]",
	    "[embed]https://x.org/?a=1&amp;b=\"<i>[/embed]");
	SAME("[embed]javascript:alert(1)[/embed]");
	SAME("[embed]https://youtu.be/" ID);
}

static void
test_players(void)
{
	RENDER("<p>[audio src=\"/media/song.mp3\"]</p>",
	    "<audio controls preload=\"none\" src=\"/media/song.mp3\">"
	    "<a href=\"/media/song.mp3\">/media/song.mp3</a></audio>");
	RENDER("[video mp4=\"/media/v.mp4\"][/video]",
	    "<video controls preload=\"none\" src=\"/media/v.mp4\">"
	    "<a href=\"/media/v.mp4\">/media/v.mp4</a></video>");
	/* Another site's file: a link only, never a player. */
	RENDER("[audio mp3=\"https://cdn.example/a.mp3\"]",
	    "<p><a href=\"https://cdn.example/a.mp3\">https://cdn.example/a.mp3"
	    "</a></p>");
	RENDER("[audio https://cdn.example/a.mp3]",
	    "<p><a href=\"https://cdn.example/a.mp3\">https://cdn.example/a.mp3"
	    "</a></p>");
	RENDER("[video src=\"//cdn.example/v.mp4\"]",
	    "[video src=\"//cdn.example/v.mp4\"]");
	SAME("[audio src=\"javascript:alert(1)\"]");
	/* The post's attached media, which Galley does not know: nothing. */
	RENDER("<p>[audio]</p>", "");
	RENDER("[video width=\"640\"]", "");
}

static void
test_strip(void)
{
	STRIP("a [youtube " ID " nolink] b", "a  b");
	STRIP("[youtube short][youtube https://youtu.be/" ID "]", "");
	STRIP("[[youtube " ID "]]", "[youtube " ID "]");
	STRIP("[playlist] stays", "[playlist] stays");
	STRIP("a [caption]<img src=\"x\"> Text[/caption] b", "a  b");
	STRIP("[gallery ids=\"1\"][embed]https://x.org/[/embed]", "");
	STRIP("", "");
}

int
main(void)
{
	test_forms();
	test_start();
	test_invalid();
	test_unknown();
	test_injection();
	test_unautop();
	test_protected();
	test_autoembed();
	test_caption();
	test_gallery();
	test_gallery_bare();
	test_gallery_ids();
	test_embed();
	test_players();
	test_strip();
	return check_done();
}
