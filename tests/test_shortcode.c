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

#define RENDER(in, want)	expect(shortcode_render, (in), (want), __LINE__)
#define EMBED(in, want)		expect(shortcode_autoembed, (in), (want), \
				    __LINE__)
#define STRIP(in, want)		expect(shortcode_strip, (in), (want), __LINE__)
/* Input that must come out byte for byte. */
#define SAME(in)		RENDER((in), (in))

typedef void	fn(struct buf *, const char *, size_t);

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
	SAME("[gallery ids=\"1,2,3\"]");
	SAME("[caption id=\"x\"]<img src=\"a.jpg\"> text[/caption]");
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
	/* Not alone in its paragraph: the <p> stays. */
	RENDER("<p>See [youtube " ID "]</p>", "<p>See " FIG(ID) "</p>");
	/* Not a video: the paragraph and shortcode stay. */
	SAME("<p>[youtube short]</p>");
	SAME("<p>[gallery]</p>");
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

static void
test_strip(void)
{
	STRIP("a [youtube " ID " nolink] b", "a  b");
	STRIP("[youtube short][youtube https://youtu.be/" ID "]", "");
	STRIP("[[youtube " ID "]]", "[youtube " ID "]");
	STRIP("[gallery] stays", "[gallery] stays");
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
	test_strip();
	return check_done();
}
