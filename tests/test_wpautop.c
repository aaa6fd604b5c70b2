/*
 * test_wpautop: wpautop() against WordPress's documented behaviour:
 * paragraphs and line breaks, block tags left alone, <pre>, <script>,
 * <style>, <svg> and comments untouched, the option/object/source and
 * figcaption collapsing, newline forms, empty input, and the same output
 * from many threads at once.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "check.h"
#include "wpautop.h"

#define EXPECT(in, want)	expect((in), (want), __LINE__)

static char *
autop(const char *in, size_t len)
{
	struct buf	 b;

	buf_init(&b);
	wpautop(&b, in, len);
	return buf_take(&b, NULL);
}

static void
expect(const char *in, const char *want, int line)
{
	char	*got = autop(in, strlen(in));

	check_str(got, want, in, __FILE__, line);
	free(got);
}

static void
test_paragraphs(void)
{
	EXPECT("", "");
	EXPECT("   \n\t\n  ", "");
	EXPECT("Hello", "<p>Hello</p>\n");
	EXPECT("a\n\nb", "<p>a</p>\n<p>b</p>\n");
	EXPECT("a\n\n\n\n\nb", "<p>a</p>\n<p>b</p>\n");
	EXPECT("\n\n  leading and trailing  \n\n",
	    "<p>  leading and trailing  </p>\n");
	EXPECT("line 1\nline 2", "<p>line 1<br />\nline 2</p>\n");
	EXPECT("a\r\n\r\nb\r\nc", "<p>a</p>\n<p>b<br />\nc</p>\n");
	EXPECT("a\rb", "<p>a<br />\nb</p>\n");
	EXPECT("<em>foo</em>\n\n<strong>bar</strong>\n\n<span>baz</span>",
	    "<p><em>foo</em></p>\n<p><strong>bar</strong></p>\n"
	    "<p><span>baz</span></p>\n");
}

static void
test_breaks(void)
{
	/* Existing <br>s are normalised and never doubled. */
	EXPECT("line 1<br>\nline 2<br/>\nline 3<br />\nline 4\nline 5\n",
	    "<p>line 1<br />\nline 2<br />\nline 3<br />\nline 4<br />\n"
	    "line 5</p>\n");
	/* Two <br>s in a row make a paragraph break. */
	EXPECT("\nline 1<br>\n<br/>\nline 2<br/>\n<br />\n",
	    "<p>line 1</p>\n<p>line 2</p>\n");
	EXPECT("Username: <input type=\"text\" name=\"u\" /><br />Password: "
	    "<input type=\"password\" name=\"p\" />",
	    "<p>Username: <input type=\"text\" name=\"u\" /><br />Password: "
	    "<input type=\"password\" name=\"p\" /></p>\n");
}

static void
test_blocks(void)
{
	EXPECT("<div>foo</div>", "<div>foo</div>\n");
	EXPECT("a<div>b</div>", "<p>a</p>\n<div>b</div>\n");
	EXPECT("paragraph1<hr>paragraph2",
	    "<p>paragraph1</p>\n<hr>\n<p>paragraph2</p>\n");
	EXPECT("<h2>Title</h2>\nText after",
	    "<h2>Title</h2>\n<p>Text after</p>\n");
	EXPECT("<p>already</p>\n<p>wrapped</p>",
	    "<p>already</p>\n<p>wrapped</p>\n");
	EXPECT("<ul>\n<li>a</li>\n<li>b</li>\n</ul>",
	    "<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n");
	EXPECT("<table><tr><td>a\nb</td></tr></table>",
	    "<table>\n<tr>\n<td>a<br />\nb</td>\n</tr>\n</table>\n");
	/* The closing </p> WordPress adds before an unclosed </div>. */
	EXPECT("Text\n<div>\nInside\n\nMore\n</div>",
	    "<p>Text</p>\n<div>\nInside</p>\n<p>More\n</p></div>\n");
	EXPECT("<section attr='v'>foo</section><aside/>",
	    "<section attr='v'>foo</section>\n<aside/>\n");
}

static void
test_blockquote(void)
{
	EXPECT("<blockquote>foo</blockquote>",
	    "<blockquote><p>foo</p></blockquote>\n");
	EXPECT("<blockquote>one\n\ntwo</blockquote>",
	    "<blockquote><p>one</p>\n<p>two</p></blockquote>\n");
}

static void
test_pre(void)
{
	EXPECT("Look\n\n<pre>Line1<br />Line2<br>Line3\n\nLine4</pre>\n\n"
	    "Cool",
	    "<p>Look</p>\n<pre>Line1<br />Line2<br>Line3\n\nLine4</pre>\n"
	    "<p>Cool</p>\n");
	EXPECT("<pre>one\n</pre> and <pre class=\"x\">two\n\n</pre>",
	    "<pre>one\n</pre>\n<p> and </p>\n<pre class=\"x\">two\n\n</pre>\n");
	/* CRLF inside <pre> is kept as it was. */
	EXPECT("<pre>a\r\nb</pre>", "<pre>a\r\nb</pre>\n");
}

static void
test_raw_elements(void)
{
	EXPECT("<script type=\"text/javascript\">\n\tvar dummy = 1;\n"
	    "</script>",
	    "<p><script type=\"text/javascript\">\n\tvar dummy = 1;\n"
	    "</script></p>\n");
	EXPECT("<style>\na{}\nb{}\n</style>",
	    "<style>\na{}\nb{}\n</style>\n");
	EXPECT("<svg xmlns=\"x\">\n\t<circle r=\"30\">\n\t</circle>\n</svg>",
	    "<p><svg xmlns=\"x\">\n\t<circle r=\"30\">\n\t</circle>\n"
	    "</svg></p>\n");
	EXPECT("<math><mi>a</mi><mn>2</mn></math>",
	    "<p><math><mi>a</mi><mn>2</mn></math></p>\n");
	EXPECT("<math display=\"block\">\n<mi>a</mi>\n</math>",
	    "<p><math display=\"block\">\n<mi>a</mi>\n</math></p>\n");
}

static void
test_newlines_in_tags(void)
{
	EXPECT("Hello <a\nhref='world'>", "<p>Hello <a\nhref='world'></p>\n");
	EXPECT("Hello <!-- a\nhref='world' -->",
	    "<p>Hello <!-- a\nhref='world' --></p>\n");
	EXPECT("Hello <!-- <object>\n<param>\n<embed>\n</embed>\n</object>\n"
	    " -->",
	    "<p>Hello <!-- <object>\n<param>\n<embed>\n</embed>\n</object>\n"
	    " --></p>\n");
	EXPECT("Hello <![CDATA[ a\nb ]]>", "<p>Hello <![CDATA[ a\nb ]]></p>\n");
}

static void
test_collapsing(void)
{
	EXPECT("Country: <select id=\"s\"><option value=\"1\">Alabama"
	    "</option><option value=\"2\">Alaska</option></select>",
	    "<p>Country: <select id=\"s\"><option value=\"1\">Alabama"
	    "</option><option value=\"2\">Alaska</option></select></p>\n");
	EXPECT("<select>\n<option>a</option>\n\n<option>b</option>\n"
	    "</select>",
	    "<p><select><option>a</option><option>b</option></select></p>\n");
	EXPECT("One.\n\n<video controls>\n\t<source src=\"a.mp4\" />\n\n"
	    "\t<!-- WebM -->\n\t<source src=\"a.webm\" />\n"
	    "\t<track kind=\"subtitles\" src=\"s.srt\" />\n</video>\n\nTwo.",
	    "<p>One.</p>\n<p><video controls><source src=\"a.mp4\" />"
	    "<!-- WebM --><source src=\"a.webm\" />"
	    "<track kind=\"subtitles\" src=\"s.srt\" /></video></p>\n"
	    "<p>Two.</p>\n");
	EXPECT("<object width=\"4\">\n\t<param name=\"src\" value=\"x\" />\n\n"
	    "\t<embed src=\"x\" />\n</object>",
	    "<p><object width=\"4\"><param name=\"src\" value=\"x\" />"
	    "<embed src=\"x\" /></object></p>\n");
	EXPECT("<figure><img src=\"a.jpg\" /><figcaption>C</figcaption>"
	    "</figure>",
	    "<figure><img src=\"a.jpg\" /><figcaption>C</figcaption>"
	    "</figure>\n");
	EXPECT("<figure>\n<img src=\"a.jpg\" />\n<figcaption>C</figcaption>\n"
	    "</figure>",
	    "<figure>\n<img src=\"a.jpg\" /><figcaption>C</figcaption>"
	    "</figure>\n");
}

static void
test_document(void)
{
	EXPECT("\nWelcome!  This post is important.\n\nFirst things first:\n"
	    "<ul>\n<li><a href=\"/x\" title=\"T\">Subscribe</a></li>\n</ul>\n"
	    "As a subscriber, you will get email.\nWhen a new version is out,"
	    " <a href=\"/y\">log in</a>.\nUpgrading is easy!\n\n"
	    "Thank you.\n",
	    "<p>Welcome!  This post is important.</p>\n"
	    "<p>First things first:</p>\n<ul>\n"
	    "<li><a href=\"/x\" title=\"T\">Subscribe</a></li>\n</ul>\n"
	    "<p>As a subscriber, you will get email.<br />\n"
	    "When a new version is out, <a href=\"/y\">log in</a>.<br />\n"
	    "Upgrading is easy!</p>\n<p>Thank you.</p>\n");
}

static void
test_nul(void)
{
	char	*got = autop("a\0b", 3);

	CHECK(memcmp(got, "<p>a\0b</p>\n", 12) == 0);
	free(got);
}

#define THREADS	8

static const char *doc = "Intro\n\n<pre>keep\n\nthis</pre>\n<div>x\ny</div>"
    "\n<script>\nvar a;\n</script>\nend\nline";

static void *
worker(void *arg)
{
	const char	*want = arg;
	char		*got;
	int		 i, same = 1;

	for (i = 0; i < 200; i++) {
		got = autop(doc, strlen(doc));
		same = same && strcmp(got, want) == 0;
		free(got);
	}
	return same ? arg : NULL;
}

static void
test_threads(void)
{
	pthread_t	 t[THREADS];
	char		*want = autop(doc, strlen(doc));
	void		*ret;
	int		 i, ok = 1;

	for (i = 0; i < THREADS; i++)
		CHECK(pthread_create(&t[i], NULL, worker, want) == 0);
	for (i = 0; i < THREADS; i++) {
		pthread_join(t[i], &ret);
		ok = ok && ret == want;
	}
	CHECK_MSG(ok, "every thread got the single-threaded output");
	free(want);
}

int
main(void)
{
	test_paragraphs();
	test_breaks();
	test_blocks();
	test_blockquote();
	test_pre();
	test_raw_elements();
	test_newlines_in_tags();
	test_collapsing();
	test_document();
	test_nul();
	test_threads();
	return check_done();
}
