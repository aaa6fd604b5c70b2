/*
 * test_body: post bodies in both formats, the seed's [youtube] line
 * between paragraphs becoming a figure outside any <p>, Markdown's GitHub
 * dialect and raw HTML, lone-URL embeds, excerpts, and rendering from
 * several threads at once.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "body.h"
#include "buf.h"
#include "check.h"

#define FIG(id) "<figure class=\"video\" data-youtube=\"" id "\">" \
	"<a class=\"video-link\" href=\"https://www.youtube.com/watch?v=" id \
	"\"><span class=\"video-play\" aria-hidden=\"true\"></span>" \
	"<span class=\"video-label\">Play video (loads YouTube)</span></a>" \
	"</figure>"
#define ID	"oqJPVlDdLek"

/* The seed post's opening, as imported: paragraphs and a shortcode. */
#define SEED_P1	"Russia conducted its first airstrikes in Syria on " \
	"Wednesday, but apparently the actual targets were US-backed " \
	"\xe2\x80\x9cmoderate\xe2\x80\x9d rebel groups fighting ISIS."
#define SEED_P2	"An unnamed American official revealed that the Russian " \
	"strikes didn\xe2\x80\x99t hit ISIS at all, reports Reuters."
#define SEED	SEED_P1 "\n\n[youtube " ID " nolink]\n\n" SEED_P2 "\n"
#define SEED_HTML "<p>" SEED_P1 "</p>\n" FIG(ID) "\n<p>" SEED_P2 "</p>\n"

/* What each macro runs: bit 0 an excerpt, bit 1 an author's body. */
#define EX	1
#define FILTERED 2

#define RENDER(fmt, in, want)	expect(0, (fmt), (in), (want), 0, __LINE__)
#define EXCERPT(fmt, in, n, want) \
	expect(EX, (fmt), (in), (want), (n), __LINE__)
#define AUTHOR(fmt, in, want) \
	expect(FILTERED, (fmt), (in), (want), 0, __LINE__)
#define AUTHOR_EXCERPT(fmt, in, n, want) \
	expect(EX | FILTERED, (fmt), (in), (want), (n), __LINE__)

static char *
run(int how, enum body_format fmt, const char *in, size_t words)
{
	struct buf	 b;
	int		 filtered = (how & FILTERED) != 0;

	buf_init(&b);
	if (how & EX)
		body_excerpt(&b, in, strlen(in), fmt, filtered, words);
	else
		body_render(&b, in, strlen(in), fmt, filtered);
	return buf_take(&b, NULL);
}

static void
expect(int how, enum body_format fmt, const char *in, const char *want,
    size_t words, int line)
{
	char	*got = run(how, fmt, in, words);

	check_str(got, want, in, __FILE__, line);
	free(got);
}

static void
test_format_parse(void)
{
	enum body_format	 fmt = BODY_HTML;

	CHECK(body_format_parse("markdown", &fmt) == 0 &&
	    fmt == BODY_MARKDOWN);
	CHECK(body_format_parse("html", &fmt) == 0 && fmt == BODY_HTML);
	CHECK(body_format_parse("HTML", &fmt) == -1);
	CHECK(body_format_parse("md", &fmt) == -1);
	CHECK(body_format_parse("", &fmt) == -1);
	CHECK(body_format_parse("html ", &fmt) == -1);
}

static void
test_seed(void)
{
	RENDER(BODY_HTML, SEED, SEED_HTML);
	RENDER(BODY_MARKDOWN, SEED, SEED_HTML);
	RENDER(BODY_HTML, "Intro\r\n\r\n[youtube " ID "]\r\n\r\nEnd",
	    "<p>Intro</p>\n" FIG(ID) "\n<p>End</p>\n");
}

/* WordPress's stored HTML: captions, the more marker, block comments. */
static void
test_wordpress(void)
{
	RENDER(BODY_HTML, "Intro\n\n[caption id=\"attachment_7\" align="
	    "\"alignleft\" width=\"150\"]<img src=\"/media/a.jpg\" "
	    "class=\"wp-image-7\" /> The caption[/caption]\n\nEnd",
	    "<p>Intro</p>\n<figure class=\"wp-caption alignleft\">"
	    "<img src=\"/media/a.jpg\" class=\"wp-image-7\">"
	    "<figcaption class=\"wp-caption-text\">The caption</figcaption>"
	    "</figure>\n<p>End</p>\n");
	/* An author's caption keeps its figure through kses. */
	AUTHOR(BODY_HTML, "[caption align=\"alignnone\"]<img src=\"/media/a.jpg"
	    "\"> Cap <i onclick=\"x\">i</i>[/caption]",
	    "<figure class=\"wp-caption alignnone\"><img src=\"/media/a.jpg"
	    "\"><figcaption class=\"wp-caption-text\">Cap <i>i</i>"
	    "</figcaption></figure>\n");
	/* An author's [audio] of this site's file: a player through kses. */
	AUTHOR(BODY_HTML, "[audio src=\"/media/a.mp3\"]",
	    "<audio controls=\"\" preload=\"none\" src=\"/media/a.mp3\">"
	    "<a href=\"/media/a.mp3\">/media/a.mp3</a></audio>\n");
	/* <!--more-->: gone from the article, the excerpt's end. */
	RENDER(BODY_HTML, "Teaser here.\n<!--more-->\nThe rest.",
	    "<p>Teaser here.<br />\nThe rest.</p>\n");
	RENDER(BODY_HTML, "Teaser.\n\n<!--more Read on-->\n\nRest.",
	    "<p>Teaser.</p>\n<p>Rest.</p>\n");
	EXCERPT(BODY_HTML, "Teaser here.\n<!--more-->\nThe rest.", 55,
	    "Teaser here.");
	EXCERPT(BODY_MARKDOWN, "*One* two\n\n<!--more-->\n\nthree", 55,
	    "One two");
	/* Block comments go, without empty paragraphs; blocks' HTML stays. */
	RENDER(BODY_HTML, "<!-- wp:paragraph -->\n<p>One</p>\n"
	    "<!-- /wp:paragraph -->\n\n<!-- wp:image {\"id\":12,"
	    "\"sizeSlug\":\"large\"} -->\n<figure class=\"wp-block-image\">"
	    "<img src=\"/media/a.jpg\" alt=\"\"/></figure>\n"
	    "<!-- /wp:image -->\n\n<!-- wp:latest-posts /-->\n\n"
	    "<!-- wp:core/separator -->\n<hr/>\n<!-- /wp:core/separator -->",
	    "<p>One</p>\n<figure class=\"wp-block-image\"><img src=\"/media/"
	    "a.jpg\" alt=\"\"/></figure>\n<hr/>\n");
	/* Other comments are the author's and stay. */
	RENDER(BODY_HTML, "a <!-- note --> b", "<p>a <!-- note --> b</p>\n");
}

static void
test_html(void)
{
	RENDER(BODY_HTML, "", "");
	RENDER(BODY_HTML, " \n\n ", "");
	RENDER(BODY_HTML, "One\ntwo\n\nThree",
	    "<p>One<br />\ntwo</p>\n<p>Three</p>\n");
	RENDER(BODY_HTML, "Intro\n\nhttps://youtu.be/" ID "\n\nEnd",
	    "<p>Intro</p>\n" FIG(ID) "\n<p>End</p>\n");
	RENDER(BODY_HTML, "text\nhttps://youtu.be/" ID "\nmore",
	    "<p>text</p>\n" FIG(ID) "\n<p>more</p>\n");
	RENDER(BODY_HTML, "Intro\n\nhttps://example.com/x\n\nEnd",
	    "<p>Intro</p>\n<p>https://example.com/x</p>\n<p>End</p>\n");
	RENDER(BODY_HTML, "[playlist ids=\"1\"]\n\n[youtube short]",
	    "<p>[playlist ids=\"1\"]</p>\n<p>[youtube short]</p>\n");
	RENDER(BODY_HTML, "<div class=\"note\">Trusted <b>HTML</b></div>",
	    "<div class=\"note\">Trusted <b>HTML</b></div>\n");
	RENDER(BODY_HTML, "<pre>[youtube " ID "]\n\nx</pre>",
	    "<pre>[youtube " ID "]\n\nx</pre>\n");
}

static void
test_markdown(void)
{
	RENDER(BODY_MARKDOWN, "", "");
	RENDER(BODY_MARKDOWN, "# Title\n\nSome *emph* and ~~gone~~.",
	    "<h1>Title</h1>\n<p>Some <em>emph</em> and <del>gone</del>.</p>\n");
	RENDER(BODY_MARKDOWN, "| a | b |\n|---|---|\n| 1 | 2 |",
	    "<table>\n<thead>\n<tr>\n<th>a</th>\n<th>b</th>\n</tr>\n"
	    "</thead>\n<tbody>\n<tr>\n<td>1</td>\n<td>2</td>\n</tr>\n"
	    "</tbody>\n</table>\n");
	RENDER(BODY_MARKDOWN, "<div class=\"note\">raw</div>\n\nText & more",
	    "<div class=\"note\">raw</div>\n<p>Text &amp; more</p>\n");
	RENDER(BODY_MARKDOWN, "Intro\n\nhttps://youtu.be/" ID "\n\nEnd",
	    "<p>Intro</p>\n" FIG(ID) "\n<p>End</p>\n");
	RENDER(BODY_MARKDOWN, "[youtube https://www.youtube.com/watch?v=" ID
	    "]", FIG(ID) "\n");
	RENDER(BODY_MARKDOWN, "See https://example.com/ now",
	    "<p>See <a href=\"https://example.com/\">https://example.com/</a>"
	    " now</p>\n");
	/* Code shows the syntax instead of embedding. */
	RENDER(BODY_MARKDOWN, "`[youtube " ID "]`",
	    "<p><code>[youtube " ID "]</code></p>\n");
	RENDER(BODY_MARKDOWN, "```\n[youtube " ID "]\nhttps://youtu.be/" ID
	    "\n```",
	    "<pre><code>[youtube " ID "]\nhttps://youtu.be/" ID "\n"
	    "</code></pre>\n");
	RENDER(BODY_MARKDOWN, "[youtube \"><script>]",
	    "<p>[youtube &quot;&gt;<script>]</p>\n");
}

static void
test_excerpt(void)
{
	EXCERPT(BODY_HTML, SEED, 55, SEED_P1 " " SEED_P2);
	EXCERPT(BODY_HTML, SEED, 5,
	    "Russia conducted its first airstrikes [\xe2\x80\xa6]");
	EXCERPT(BODY_MARKDOWN, "# Title\n\nSome *emph* text & <b>bold</b>",
	    55, "Title Some emph text & bold");
	EXCERPT(BODY_HTML, "one two three", 3, "one two three");
	EXCERPT(BODY_HTML, "one two three four", 3,
	    "one two three [\xe2\x80\xa6]");
	EXCERPT(BODY_HTML, "one two", 0, "");
	EXCERPT(BODY_HTML, "", 55, "");
	EXCERPT(BODY_HTML, "[youtube " ID "]", 55, "");
	EXCERPT(BODY_HTML, "https://youtu.be/" ID "\n\nAfter the video.", 55,
	    "After the video.");
	EXCERPT(BODY_HTML, "a<script>var x = 1;</script>b <style>p{}</style>c",
	    55, "ab c");
	EXCERPT(BODY_HTML, "Fish &amp; chips &lt;3 &#8217;n&#x2019; &nbsp;x "
	    "&bogus; &#0;", 55,
	    "Fish & chips <3 \xe2\x80\x99n\xe2\x80\x99 x &bogus; &#0;");
	EXCERPT(BODY_HTML, "<a href=\"x\" title='a > b'>link</a> text", 55,
	    "link text");
	EXCERPT(BODY_HTML, "a <!-- hidden\nnote --> b", 55, "a b");
	/* As in WordPress: stripping unescapes, rendering then embeds. */
	EXCERPT(BODY_MARKDOWN, "[[youtube " ID "]] escaped", 55, "escaped");
}

static void
test_excerpt_default_length(void)
{
	struct buf	 src;
	char		*got, *p;
	int		 i, spaces = 0;

	buf_init(&src);
	for (i = 0; i < 80; i++)
		buf_printf(&src, "w%d%s", i, i % 10 == 9 ? "\n\n" : " ");
	got = run(1, BODY_MARKDOWN, src.data, 55);
	for (p = got; *p != '\0'; p++)
		spaces += *p == ' ';
	CHECK(strncmp(got, "w0 w1 ", 6) == 0);
	CHECK(strstr(got, " w54 [\xe2\x80\xa6]") != NULL);
	CHECK(strstr(got, "w55") == NULL);
	CHECK(spaces == 55);
	free(got);
	buf_reset(&src);
}

#define THREADS	6

static void *
worker(void *arg)
{
	const char	*want = arg;
	char		*got;
	int		 i, same = 1;

	for (i = 0; i < 100; i++) {
		got = run(0, i % 2 ? BODY_HTML : BODY_MARKDOWN, SEED, 0);
		same = same && strcmp(got, want) == 0;
		free(got);
	}
	return same ? arg : NULL;
}

/*
 * An author's body: what the pipeline writes itself (paragraphs, the
 * video facade) comes through kses unchanged; raw HTML that could run,
 * redirect or frame another site does not, in either format.
 */
static void
test_author(void)
{
	AUTHOR(BODY_HTML, SEED, SEED_HTML);
	AUTHOR(BODY_MARKDOWN, SEED, SEED_HTML);
	AUTHOR(BODY_MARKDOWN, "# Title\n\n*a* [l](https://x.example)\n",
	    "<h1>Title</h1>\n<p><em>a</em> <a href=\"https://x.example\">l"
	    "</a></p>\n");
	AUTHOR(BODY_HTML, "Hi<script>alert(1)</script>\n\n<meta http-equiv="
	    "\"refresh\" content=\"0;url=https://evil.example\">Bye",
	    "<p>Hi</p>\n<p>Bye</p>\n");
	AUTHOR(BODY_MARKDOWN, "<iframe src=\"https://evil.example\">"
	    "</iframe>\n\n[x](javascript:alert(1)) <b onclick=\"y()\">b</b>",
	    "\n<p><a>x</a> <b>b</b></p>\n");
	/* The same bodies from an editor pass as written. */
	RENDER(BODY_MARKDOWN, "<iframe src=\"https://ok.example\"></iframe>",
	    "<iframe src=\"https://ok.example\"></iframe>\n");
	AUTHOR_EXCERPT(BODY_HTML, "<p>One <textarea>two</textarea> three"
	    "</p>", 55, "One three");
	EXCERPT(BODY_HTML, "<p>One <textarea>two</textarea> three</p>", 55,
	    "One two three");
}

/*
 * A small Markdown body that would render huge (one long link target
 * used many times) is shown as its escaped source instead.
 */
static void
test_blowup(void)
{
	struct buf	 src;
	char		*got;
	size_t		 i;

	buf_init(&src);
	buf_puts(&src, "[r]: /");
	for (i = 0; i < 100000; i++)
		buf_putc(&src, 'a');
	buf_puts(&src, "\n\n");
	for (i = 0; i < 200; i++)
		buf_puts(&src, "[x][r] ");
	got = run(0, BODY_MARKDOWN, src.data, 0);
	CHECK_MSG(strncmp(got, "<p>[r]: /aaa", 12) == 0 &&
	    strlen(got) < 2 * src.len, "a blow-up shown as its source");
	free(got);
	/* Used a few times, the same link renders. */
	src.len = 100000 + 8;
	buf_puts(&src, "[x][r] [y][r]");
	got = run(0, BODY_MARKDOWN, src.data, 0);
	CHECK(strncmp(got, "<p><a href=\"/aaa", 16) == 0);
	free(got);
	buf_reset(&src);
}

static void
test_threads(void)
{
	pthread_t	 t[THREADS];
	void		*ret;
	int		 i, ok = 1;

	for (i = 0; i < THREADS; i++)
		CHECK(pthread_create(&t[i], NULL, worker, SEED_HTML) == 0);
	for (i = 0; i < THREADS; i++) {
		pthread_join(t[i], &ret);
		ok = ok && ret != NULL;
	}
	CHECK_MSG(ok, "every thread rendered the seed as one thread does");
}

/*
 * md4c 0.4.8 reads past a document ending in an unfinished link when ')'
 * follows in memory: the text handed over is "[a](c" out of "[a](c)".
 */
static void
test_unfinished_link(void)
{
	static const char	 src[] = "[a](c)";
	struct buf		 out;

	buf_init(&out);
	body_render(&out, src, 5, BODY_MARKDOWN, 0);
	CHECK(out.data != NULL && strstr(out.data, "<a ") == NULL &&
	    strstr(out.data, "[a](c") != NULL);
	buf_reset(&out);
}

int
main(void)
{
	test_unfinished_link();
	test_format_parse();
	test_seed();
	test_html();
	test_wordpress();
	test_markdown();
	test_excerpt();
	test_excerpt_default_length();
	test_author();
	test_blowup();
	test_threads();
	return check_done();
}
