/*
 * test_kses: the filter on an author's HTML.  Cases by hand (what stays,
 * what goes, what is rewritten), the video facade and the seed's
 * rendering passing unchanged, and every XSS payload in the shared
 * fixtures, alone and all together: the output may hold no dangerous
 * element or attribute and no link with a scheme that runs, and
 * filtering it again changes nothing.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "check.h"
#include "kses.h"

#define KSES(in, want)	expect((in), (want), __LINE__)

static char *
run(const char *in, size_t len)
{
	struct buf	 b;

	buf_init(&b);
	kses(&b, in, len);
	return buf_take(&b, NULL);
}

static void
expect(const char *in, const char *want, int line)
{
	char	*got = run(in, strlen(in));

	check_str(got, want, in, __FILE__, line);
	free(got);
}

static void
kept(void)
{
	KSES("", "");
	KSES("plain text", "plain text");
	KSES("<p>Hello <b>bold</b> <em>em</em></p>\n\n<p>Two</p>",
	    "<p>Hello <b>bold</b> <em>em</em></p>\n\n<p>Two</p>");
	KSES("<h2 class=\"x\">Head</h2><ul><li>a</li><li>b</li></ul>",
	    "<h2 class=\"x\">Head</h2><ul><li>a</li><li>b</li></ul>");
	KSES("<a href=\"https://example.com/?a=1&amp;b=2\" title=t>x</a>",
	    "<a href=\"https://example.com/?a=1&amp;b=2\" title=\"t\">x</a>");
	KSES("<a href=\"/local/path\">l</a> <a href=\"mailto:a@b.c\">m</a>",
	    "<a href=\"/local/path\">l</a> <a href=\"mailto:a@b.c\">m</a>");
	KSES("<img src=\"/media/a.jpg\" alt=\"A &amp; B\" width=\"10\">",
	    "<img src=\"/media/a.jpg\" alt=\"A &amp; B\" width=\"10\">");
	KSES("<blockquote cite=\"https://x.example\"><p>q</p></blockquote>",
	    "<blockquote cite=\"https://x.example\"><p>q</p></blockquote>");
	KSES("<table><tr><th scope=col>h</th></tr><tr><td colspan=2>d</td>"
	    "</tr></table>", "<table><tr><th scope=\"col\">h</th></tr>"
	    "<tr><td colspan=\"2\">d</td></tr></table>");
	KSES("<pre><code>if (a &lt; b) {}</code></pre>",
	    "<pre><code>if (a &lt; b) {}</code></pre>");
	/* Obsolete in HTML: written as its conforming twin. */
	KSES("<p><strike class=\"x\">gone</strike> <s>gone</s></p>",
	    "<p><s class=\"x\">gone</s> <s>gone</s></p>");
	KSES("caf\xc3\xa9 &eacute; &#8212;", "caf\xc3\xa9 \xc3\xa9 \xe2\x80\x94");
	KSES("He said \"hi\" & 'bye'",
	    "He said &quot;hi&quot; &amp; &#39;bye&#39;");
	/* The video facade, as shortcode.c writes it. */
	KSES("<figure class=\"video\" data-youtube=\"oqJPVlDdLek\" "
	    "data-start=\"5\"><a class=\"video-link\" href=\"https://www."
	    "youtube.com/watch?v=oqJPVlDdLek&amp;t=5s\"><span class=\"video-"
	    "play\" aria-hidden=\"true\"></span></a></figure>",
	    "<figure class=\"video\" data-youtube=\"oqJPVlDdLek\" "
	    "data-start=\"5\"><a class=\"video-link\" href=\"https://www."
	    "youtube.com/watch?v=oqJPVlDdLek&amp;t=5s\"><span class=\"video-"
	    "play\" aria-hidden=\"true\"></span></a></figure>");
	/* Players, as shortcode.c writes [audio] and [video], and by hand. */
	KSES("<audio controls preload=\"none\" src=\"/media/a.mp3\"><a href="
	    "\"/media/a.mp3\">a.mp3</a></audio>", "<audio controls=\"\" "
	    "preload=\"none\" src=\"/media/a.mp3\"><a href=\"/media/a.mp3\">"
	    "a.mp3</a></audio>");
	KSES("<video controls width=320 onplay=x>"
	    "<source src=\"/v.webm\" type=\"video/webm\"><track src=/t.vtt>"
	    "</video><source src=\"/loose.mp4\">",
	    "<video controls=\"\" width=\"320\"><source src=\"/v.webm\" "
	    "type=\"video/webm\"></video>");
}

static void
removed(void)
{
	/* Whole, with what is inside. */
	KSES("a<script>alert(1)</script>b", "ab");
	KSES("a<style>p{color:red}</style>b", "ab");
	KSES("a<iframe src=\"https://evil.example\">x</iframe>b", "ab");
	KSES("<meta http-equiv=\"refresh\" content=\"0;url=https://evil\">"
	    "<p>hi</p>", "<p>hi</p>");
	KSES("<base href=\"https://evil.example/\"><p>x</p>", "<p>x</p>");
	KSES("a<object data=x>o</object><embed src=x>b", "aob");
	KSES("a<svg onload=alert(1)><circle/></svg>b", "ab");
	/* An unclosed <svg> or <select> keeps the text after it. */
	KSES("<p>a<svg/onload=alert(1)>b</p><p>c</p>", "<p>ab</p><p>c</p>");
	KSES("a<select><option>o</option></select> b", "ao b");
	KSES("a<template><p>t</p></template>b", "ab");
	KSES("a<!-- secret -->b", "ab");
	/* The tags alone: their text stays. */
	KSES("<p>a<form action=\"https://evil\"><label>n</label>"
	    "<input name=q></form></p>", "<p>a</p>n");
	KSES("<font color=red>red</font> <center>c</center>", "red c");
	KSES("<button onclick=x()>Press</button> <object data=x>fallback"
	    "</object>", "Press fallback");
	KSES("<video src=/x autoplay onerror=y>fallback</video>",
	    "<video src=\"/x\">fallback</video>");
	/* Another site's media: no player, its text stays. */
	KSES("<video src=x>a</video><audio src=\"https://cdn.example/a.mp3\">"
	    "b</audio><video poster=\"//cdn.example/p.jpg\">c</video><video>"
	    "<source src=\"/\\evil.example/v\"><source src=\"/v.mp4\"></video>",
	    "abc<video><source src=\"/v.mp4\"></video>");
	KSES("<video src=\"/&#9;/evil.example/v\">t</video><audio src=\"/&#10;"
	    "/evil.example/a\">n</audio>", "tn");
	KSES("<custom-el foo=bar>inner</custom-el>", "inner");
	/* Attributes not in the table, and links that would run. */
	KSES("<p onclick=\"x()\" style=\"color:red\" id=\"respond\">p</p>",
	    "<p>p</p>");
	KSES("<a href=\"javascript:alert(1)\">j</a>", "<a>j</a>");
	KSES("<a href=\"  JaVaScRiPt:alert(1)\">j</a>", "<a>j</a>");
	KSES("<a href=\"java&#x09;script:alert(1)\">j</a>", "<a>j</a>");
	KSES("<a href=\"data:text/html,x\" target=\"_blank\">d</a>", "<a>d</a>");
	KSES("<img src=\"javascript:x\" onerror=\"alert(1)\">", "<img>");
	KSES("<IMG SRC=x ONERROR=alert(1)>", "<img src=\"x\">");
	/* Unclosed and misnested markup comes out balanced. */
	KSES("<p><b>bold<i>both</b> after", "<p><b>bold<i>both</i></b> "
	    "after</p>");
	KSES("<div><div><div>deep", "<div><div><div>deep</div></div></div>");
	/*
	 * What a browser would place elsewhere is not written: an <li>
	 * outside a list, a table's parts outside their table, anything
	 * else inside a table.  Otherwise the browser closes our elements
	 * early and our end tags close the page's own (</div> the body's).
	 */
	KSES("<ul><li>a<div><li>b</li></div></li></ul><p>after</p>",
	    "<ul><li>a<div>b</div></li></ul><p>after</p>");
	KSES("<dl><dd>a<div><dt>b</dt></div></dd></dl>",
	    "<dl><dd>a<div>b</div></dd></dl>");
	KSES("<li>loose</li> <td>cell</td>", "loose cell");
	KSES("<table><article>x<table></table></article></table>",
	    "<table>x</table>");
	KSES("<table><tr><div>d</div><td>x<table><tr><td>y</td></tr></table>"
	    "</td></tr></table>", "<table><tr>d<td>x<table><tr><td>y</td>"
	    "</tr></table></td></tr></table>");
	KSES("<table><caption>c</caption><colgroup><col span=2></colgroup>"
	    "<thead><tr><th>h</th></tr></thead><tbody><tr><td>d</td></tr>"
	    "</tbody></table>", "<table><caption>c</caption><colgroup><col "
	    "span=\"2\"></colgroup><thead><tr><th>h</th></tr></thead><tbody>"
	    "<tr><td>d</td></tr></tbody></table>");
	KSES("<ol><li>1<ul><li>1a</li></ul></li></ol>",
	    "<ol><li>1<ul><li>1a</li></ul></li></ol>");
	/* Bytes that are not UTF-8 are not passed on. */
	KSES("a\xff" "b", "a?b");
	{
		/* A NUL inside a value does not end the post there. */
		static const char nul[] = "<a href=\"/x\0y\">l</a> after";
		char *got = run(nul, sizeof(nul) - 1);

		CHECK_STR(got, "<a href=\"/x?y\">l</a> after");
		free(got);
	}
}

/*
 * Returns 0 if out could run anything: an element or attribute that
 * can, an event handler, a style, an id (our scripts look elements up
 * by id), or a URL with a scheme other than http, https and mailto.
 * Audio and video players may stay, as in WordPress: without handlers
 * and autoplay they run nothing, and the page's policy keeps their
 * media to the site.
 */
static int
harmless(const char *out)
{
	static const char *const bad[] = { "script", "style", "iframe",
	    "frame", "meta", "base", "link", "object", "embed", "svg", "math",
	    "form", "input", "button", "textarea", "template", "noscript",
	    "applet", "param", "track" };
	const char	*p = out, *v, *colon;
	char		 name[32];
	size_t		 i, n;

	while ((p = strchr(p, '<')) != NULL) {
		p += p[1] == '/' ? 2 : 1;
		for (n = 0; isalnum((unsigned char)p[n]) && n < 31; n++)
			name[n] = (char)tolower((unsigned char)p[n]);
		name[n] = '\0';
		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
			if (strcmp(name, bad[i]) == 0)
				return 0;
		/* Attributes: name="value", the value escaped (no quote). */
		for (p += n; *p == ' '; ) {
			p++;
			if (strncmp(p, "on", 2) == 0 || strncmp(p, "style",
			    5) == 0 || strncmp(p, "id=", 3) == 0 ||
			    strncmp(p, "target", 6) == 0 ||
			    strncmp(p, "srcdoc", 6) == 0)
				return 0;
			if ((v = strchr(p, '"')) == NULL)
				return 0;
			/* A scheme: a colon before any / ? # in the URL. */
			colon = strchr(v + 1, ':');
			if ((strncmp(p, "href=", 5) == 0 || strncmp(p, "src=",
			    4) == 0 || strncmp(p, "cite=", 5) == 0 ||
			    strncmp(p, "poster=", 7) == 0) &&
			    colon != NULL && colon < strchr(v + 1, '"') &&
			    (size_t)(colon - (v + 1)) < strcspn(v + 1, "/?#") &&
			    strncmp(v + 1, "http:", 5) != 0 &&
			    strncmp(v + 1, "https:", 6) != 0 &&
			    strncmp(v + 1, "mailto:", 7) != 0)
				return 0;
			if ((p = strchr(v + 1, '"')) == NULL)
				return 0;
			p++;
		}
		if (*p != '>')
			return 0;
	}
	return 1;
}

static void
checker(void)
{
	CHECK(harmless("<p>a &amp; <a href=\"https://a\">b</a></p>"));
	CHECK(harmless("<a href=\"/x:y\">b</a>"));
	CHECK(!harmless("<script>x</script>"));
	CHECK(!harmless("<p onclick=\"x\">b</p>"));
	CHECK(!harmless("<a href=\"javascript:x\">b</a>"));
	CHECK(!harmless("<a href=\"vbscript:x\">b</a>"));
	CHECK(!harmless("<p style=\"x\">b</p>"));
	CHECK(!harmless("<meta http-equiv=\"refresh\">"));
	CHECK(!harmless("<a href=x>b</a>"));
	CHECK(!harmless("<video poster=\"javascript:x\"></video>"));
	CHECK(harmless("<video poster=\"/p.jpg\"></video>"));
}

/* Filters one payload; returns 1 if the output is harmless and stable. */
static int
payload(const char *s, size_t len)
{
	char	*once = run(s, len), *twice = run(once, strlen(once));
	int	 ok = harmless(once), same = strcmp(once, twice) == 0;

	if (!ok || !same)
		fprintf(stderr, "%s for [%.*s]:\n  %s\n  %s\n", ok ?
		    "unstable" : "unsafe", (int)len, s, once, twice);
	free(once);
	free(twice);
	return ok && same;
}

static void
payloads(void)
{
	const char	*shared = getenv("SHARED");
	char		 path[4096], *line = NULL;
	struct buf	 all;
	FILE		*f;
	size_t		 cap = 0;
	ssize_t		 n;
	int		 lines = 0, bad = 0;

	snprintf(path, sizeof(path), "%s/fixtures/xss/payloads.txt",
	    shared != NULL ? shared : "../shared");
	if (!CHECK_MSG((f = fopen(path, "r")) != NULL, path))
		return;
	buf_init(&all);
	while ((n = getline(&line, &cap, f)) != -1) {
		buf_write(line, (size_t)n, &all);
		lines++;
		bad += !payload(line, (size_t)n);
	}
	free(line);
	fclose(f);
	CHECK_MSG(lines > 1000, "payloads.txt has its lines");
	CHECK_MSG(bad == 0, "every payload filtered harmless and stable");
	CHECK_MSG(payload(all.data, all.len), "all payloads as one body");
	buf_reset(&all);
}

int
main(void)
{
	kept();
	removed();
	checker();
	payloads();
	return check_done();
}
