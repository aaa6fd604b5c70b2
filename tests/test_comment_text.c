/*
 * test_comment_text: a reader's comment text, element by element, with
 * exact output; links of every scheme, allowed, refused and obfuscated;
 * the link count and the form's validity check; and every XSS payload of
 * the shared fixtures (one at a time and all as one comment) through a
 * checker that admits only the tags comment_text writes, http, https and
 * mailto targets, and escaped text.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "alloc.h"
#include "buf.h"
#include "check.h"
#include "comment_text.h"

#define REL	"\" rel=\"nofollow ugc noopener\">"

static int	safe_html(const char *);

/* Returns src[0..len) rendered; the caller frees it. */
static char *
render_n(const char *src, size_t len)
{
	struct buf	 b;

	buf_init(&b);
	comment_text_render(&b, src, len);
	return buf_take(&b, NULL);
}

/* Checks that the NUL-terminated src renders exactly as want. */
static void
same(const char *src, const char *want, int line)
{
	char	*got = render_n(src, strlen(src));

	if (!check_str(got, want, src, __FILE__, line))
		fprintf(stderr, "  (input above)\n");
	free(got);
}

#define SAME(src, want)	same((src), (want), __LINE__)

static void
blocks(void)
{
	SAME("", "");
	SAME("hello", "<p>hello</p>\n");
	SAME("one\n\ntwo", "<p>one</p>\n<p>two</p>\n");
	SAME("> quoted", "<blockquote>\n<p>quoted</p>\n</blockquote>\n");
	SAME("- a\n- b", "<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n");
	SAME("1. a\n2. b", "<ol>\n<li>a</li>\n<li>b</li>\n</ol>\n");
	SAME("3. c", "<ol start=\"3\">\n<li>c</li>\n</ol>\n");
	SAME("- a\n\n- b",
	    "<ul>\n<li><p>a</p>\n</li>\n<li><p>b</p>\n</li>\n</ul>\n");
	SAME("```js\n<b>&x\n```",
	    "<pre><code>&lt;b&gt;&amp;x\n</code></pre>\n");
	SAME("~~~\n  \"q\" 'a'\n~~~",
	    "<pre><code>  &quot;q&quot; &#39;a&#39;\n</code></pre>\n");
	SAME("a  \nb", "<p>a<br>b</p>\n");
	SAME("a\\\nb", "<p>a<br>b</p>\n");
	SAME("a\nb", "<p>a\nb</p>\n");
	SAME("# Title", "<p><strong>Title</strong></p>\n");
	SAME("###### *six*",
	    "<p><strong><em>six</em></strong></p>\n");
	SAME("Setext\n===", "<p><strong>Setext</strong></p>\n");
	SAME("---", "<hr>\n");
	SAME("a\n\n***\n\nb", "<p>a</p>\n<hr>\n<p>b</p>\n");
	/* No tables, no indented code: readers' text stays text. */
	SAME("|a|b|\n|-|-|\n|1|2|", "<p>|a|b|\n|-|-|\n|1|2|</p>\n");
	SAME("    indented", "<p>indented</p>\n");
	SAME("para\n\n    <b>x</b>", "<p>para</p>\n<p>&lt;b&gt;x&lt;/b&gt;</p>\n");
}

static void
spans(void)
{
	SAME("*em* _em_", "<p><em>em</em> <em>em</em></p>\n");
	SAME("**strong** __s__",
	    "<p><strong>strong</strong> <strong>s</strong></p>\n");
	SAME("`a <b> & \"c\"`",
	    "<p><code>a &lt;b&gt; &amp; &quot;c&quot;</code></p>\n");
	SAME("``<script>``", "<p><code>&lt;script&gt;</code></p>\n");
	SAME("~~gone~~ ~old~", "<p><del>gone</del> <del>old</del></p>\n");
	SAME("***both***", "<p><em><strong>both</strong></em></p>\n");
	SAME("\\*not em\\*", "<p>*not em*</p>\n");
}

static void
links(void)
{
	SAME("[x](http://a.com)",
	    "<p><a href=\"http://a.com" REL "x</a></p>\n");
	SAME("[x](https://a.com/p?q=1&r=2)",
	    "<p><a href=\"https://a.com/p?q=1&amp;r=2" REL "x</a></p>\n");
	SAME("[mail](mailto:me@a.com)",
	    "<p><a href=\"mailto:me@a.com" REL "mail</a></p>\n");
	SAME("[x](HTTPS://A.COM)",
	    "<p><a href=\"HTTPS://A.COM" REL "x</a></p>\n");
	SAME("[x](MailTo:me@a.com)",
	    "<p><a href=\"MailTo:me@a.com" REL "x</a></p>\n");
	SAME("[*em* x](http://a.com \"title\")",
	    "<p><a href=\"http://a.com" REL "<em>em</em> x</a></p>\n");
	SAME("[x][r]\n\n[r]: https://a.com",
	    "<p><a href=\"https://a.com" REL "x</a></p>\n");
	/* Quotes in a target stay inside the attribute. */
	SAME("[x](<http://a.com/\"onmouseover=\"alert(1)>)",
	    "<p><a href=\"http://a.com/&quot;onmouseover=&quot;alert(1)"
	    REL "x</a></p>\n");
	SAME("[x](<http://a.com/a b>)",
	    "<p><a href=\"http://a.com/a%20b" REL "x</a></p>\n");
	/* Entities are decoded before the scheme is checked. */
	SAME("[x](https&#58;//a.com)",
	    "<p><a href=\"https://a.com" REL "x</a></p>\n");
	SAME("[x](&#x68;ttp://a.com)",
	    "<p><a href=\"http://a.com" REL "x</a></p>\n");
	SAME("[x](ht&Tab;tp://a.com)",
	    "<p><a href=\"http://a.com" REL "x</a></p>\n");
}

static void
refused(void)
{
	static const char *const bad[] = {
		"[x](javascript:alert(1))",
		"[x](JaVaScRiPt:alert(1))",
		"[x](data:text/html;base64,PHNjcmlwdD4=)",
		"[x](vbscript:msgbox(1))",
		"[x](file:///etc/passwd)",
		"[x](ftp://a.com)",
		"[x](/relative/path)",
		"[x](relative)",
		"[x](www.a.com)",
		"[x](//evil.com)",
		"[x](?q=1)",
		"[x](#top)",
		"[x]()",
		"[x](javascript&#58;alert(1))",
		"[x](javascript&#x3a;alert(1))",
		"[x](javascript&#0000058;alert(1))",
		"[x](javascript&colon;alert(1))",
		"[x](java&#x09;script:alert(1))",
		"[x](java&#10;script:alert(1))",
		"[x](java&NewLine;script:alert(1))",
		"[x](&#32;javascript:alert(1))",
		"[x](&#x01;javascript:alert(1))",
		"[x](<  javascript:alert(1)>)",
		"[x](<java script:alert(1)>)",
		("[x](&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;"
		    "&#116;&#58;alert(1))"),
		"[x](javascript&#0;:alert(1))",
		"[x](&nbsp;javascript:alert(1))",
		"[x](java%73cript:alert(1))",
		"[x][r]\n\n[r]: javascript:alert(1)",
	};
	size_t	 i;
	char	*got;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		got = render_n(bad[i], strlen(bad[i]));
		if (!CHECK_MSG(strstr(got, "<a") == NULL &&
		    strncmp(got, "<p>x</p>\n", 9) == 0, bad[i]))
			fprintf(stderr, "  got: [%s]\n", got);
		free(got);
	}
	SAME("[click *me*](javascript:alert(1))",
	    "<p>click <em>me</em></p>\n");
	SAME("<javascript:alert(1)>", "<p>javascript:alert(1)</p>\n");
	SAME("ftp://a.com/f", "<p>ftp://a.com/f</p>\n");
}

static void
autolinks(void)
{
	SAME("see http://a.com/x now",
	    "<p>see <a href=\"http://a.com/x" REL "http://a.com/x</a>"
	    " now</p>\n");
	SAME("https://a.com/?q=<b>",
	    "<p><a href=\"https://a.com/?q=" REL "https://a.com/?q=</a>"
	    "&lt;b&gt;</p>\n");
	SAME("go www.a.com",
	    "<p>go <a href=\"http://www.a.com" REL "www.a.com</a></p>\n");
	SAME("mail me@a.com",
	    "<p>mail <a href=\"mailto:me@a.com" REL "me@a.com</a></p>\n");
	SAME("<https://a.com>",
	    "<p><a href=\"https://a.com" REL "https://a.com</a></p>\n");
	SAME("<me@a.com>",
	    "<p><a href=\"mailto:me@a.com" REL "me@a.com</a></p>\n");
	/* Never a link inside a link. */
	SAME("[http://a.com](http://b.com)",
	    "<p><a href=\"http://b.com" REL "http://a.com</a></p>\n");
}

static void
images(void)
{
	SAME("![alt](http://a.com/i.png)",
	    "<p><a href=\"http://a.com/i.png" REL "alt</a></p>\n");
	SAME("![](https://a.com/i.png)",
	    "<p><a href=\"https://a.com/i.png" REL
	    "https://a.com/i.png</a></p>\n");
	SAME("![a *b* `c`](https://a.com/i.png)",
	    "<p><a href=\"https://a.com/i.png" REL "a b c</a></p>\n");
	SAME("![alt](javascript:alert(1))", "<p>alt</p>\n");
	SAME("![alt](data:image/svg+xml,%3Csvg%20onload=alert(1)%3E)",
	    "<p>alt</p>\n");
	SAME("![alt](mailto:me@a.com)", "<p>alt</p>\n");
	SAME("![alt](/local.png)", "<p>alt</p>\n");
	SAME("![<b>](x.png)", "<p>&lt;b&gt;</p>\n");
	SAME("[![alt](http://i.png)](http://l.com)",
	    "<p><a href=\"http://l.com" REL "alt</a></p>\n");
	SAME("[![alt](http://i.png)](javascript:x)",
	    "<p><a href=\"http://i.png" REL "alt</a></p>\n");
	SAME("![a ![b](http://b.png) c](http://a.png)",
	    "<p><a href=\"http://a.png" REL "a b c</a></p>\n");
}

static void
raw_html(void)
{
	SAME("<script>alert(1)</script>",
	    "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n");
	SAME("<div>\nblock\n</div>",
	    "<p>&lt;div&gt;\nblock\n&lt;/div&gt;</p>\n");
	SAME("a <b onclick=\"x\">b</b>",
	    "<p>a &lt;b onclick=&quot;x&quot;&gt;b&lt;/b&gt;</p>\n");
	SAME("<!-- c -->", "<p>&lt;!-- c --&gt;</p>\n");
	SAME("&lt;b&gt; &amp; &hearts; &foo; &#60;&#x3E;",
	    "<p>&lt;b&gt; &amp; \xe2\x99\xa5 &amp;foo; &lt;&gt;</p>\n");
	SAME("&#0; &#xd800; &#x110000; &#1;",
	    "<p>\xef\xbf\xbd \xef\xbf\xbd \xef\xbf\xbd \xef\xbf\xbd</p>\n");
}

static void
hostile_bytes(void)
{
	char	*got;

	got = render_n("a\0b", 3);
	CHECK_STR(got, "<p>a\xef\xbf\xbd" "b</p>\n");
	free(got);
	got = render_n("`c\0d`", 5);
	CHECK_STR(got, "<p><code>c\xef\xbf\xbd" "d</code></p>\n");
	free(got);
	got = render_n("```\n<\0>\n```", 11);
	CHECK(strstr(got, "&lt;\xef\xbf\xbd") != NULL && safe_html(got));
	CHECK(memchr(got, '\0', strlen(got) + 1) == got + strlen(got));
	free(got);
	got = render_n("[x](http://a\0.com)", 18);
	CHECK(strstr(got, "\xef\xbf\xbd") != NULL);
	free(got);
	got = render_n("\xff\xfe<\xc0\xaf\xed\xa0\x80\xf4", 9);
	CHECK(strstr(got, "&lt;") != NULL && safe_html(got));
	free(got);
	got = render_n("\x01\x02\x1b[31m", 7);
	CHECK(strncmp(got, "<p>", 3) == 0 && safe_html(got));
	free(got);
}

/*
 * md4c 0.4.8 leaves an image it never entered here (found by fuzzing):
 * the stray leave is ignored, and no link comes of the text.
 */
static void
stray_leave(void)
{
	SAME("&h[ok](![https://\") elli\ninta.com \"t\") elli\n"
	    "in](![https://\") elli\nit }\n`> ``[\n",
	    "<p>&amp;hok elli\ninta.com &quot;t&quot;) elli\nin elli\n"
	    "it }\n`&gt; ``[</p>\n");
}

/*
 * md4c 0.4.8 reads past a text ending in an unfinished link and, if the
 * bytes after it are ')' and zeros, crashes (found by fuzzing).
 * comment_text parses a copy ending in a newline, so the bytes after src
 * never matter.
 */
static void
overread(void)
{
	static const char *const texts[] = { "[a](c", "![a](c",
	    "[![a](b)](c", "x [a](/b" };
	size_t	 i, n;
	char	*s, *got;

	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		n = strlen(texts[i]);
		s = xcalloc(1, n + 64);
		memcpy(s, texts[i], n);
		s[n] = ')';
		got = render_n(s, n);
		CHECK_MSG(safe_html(got) && strstr(got, "<a") == NULL,
		    texts[i]);
		free(got);
		free(s);
	}
}

/* Deep nesting and long runs of markers: no crash, no stack blow-up. */
static void
stress(void)
{
	static const char *const units[] = { "> ", "- ", "[", "*", "![",
	    "`", "<", "&#", "_", "~", "](", "http://a.com/" };
	size_t	 i, k, n = 20000;
	char	*s, *got;

	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		s = xmalloc(n * strlen(units[i]) + 1);
		for (k = 0; k < n; k++)
			memcpy(s + k * strlen(units[i]), units[i],
			    strlen(units[i]));
		s[n * strlen(units[i])] = '\0';
		got = render_n(s, strlen(s));
		CHECK_MSG(got != NULL, units[i]);
		free(got);
		free(s);
	}
}

/* A rendering past the output's limit sets its sticky error. */
static void
limit(void)
{
	struct buf	 b;

	buf_init(&b);
	b.max = 16;
	comment_text_render(&b, "a long enough comment", 21);
	CHECK(b.err == 1 && b.len == 0);
	buf_reset(&b);
}

static void
count(void)
{
	const char	*s;

	CHECK(comment_text_links("", 0) == 0);
	CHECK(comment_text_links("no links here", 13) == 0);
	s = "a http://x.com [b](https://y.com) [c](javascript:z) "
	    "![i](http://i.png) ![j](data:x) www.z.com q@z.com";
	CHECK(comment_text_links(s, strlen(s)) == 5);
	s = "[x](javascript:a) [y](//b) [z](c)";
	CHECK(comment_text_links(s, strlen(s)) == 0);
	s = "[http://a.com](http://b.com)";
	CHECK(comment_text_links(s, strlen(s)) == 1);
	s = "`http://a.com` and\n```\nhttp://b.com\n```";
	CHECK(comment_text_links(s, strlen(s)) == 0);
}

static void
valid(void)
{
	static const struct {
		const char	*s;
		size_t		 len;
		int		 ok;
	} cases[] = {
		{ "", 0, 1 },
		{ "plain ascii", 11, 1 },
		{ "tab\tcr\rlf\n", 10, 1 },
		{ "caf\xc3\xa9 \xe2\x82\xac \xf0\x9d\x84\x9e", 14, 1 },
		{ "\xef\xbf\xbf\xf4\x8f\xbf\xbf", 7, 1 },	/* maxima */
		{ "\x7f", 1, 1 },
		{ "a\0b", 3, 0 },				/* NUL */
		{ "\x01", 1, 0 },
		{ "\x1b[31m", 5, 0 },
		{ "\x0b\x0c", 2, 0 },
		{ "\xc0\xaf", 2, 0 },				/* overlong */
		{ "\xc1\xbf", 2, 0 },
		{ "\xe0\x80\xaf", 3, 0 },
		{ "\xf0\x80\x80\xaf", 4, 0 },
		{ "\xed\xa0\x80", 3, 0 },			/* surrogates */
		{ "\xed\xbf\xbf", 3, 0 },
		{ "\xf4\x90\x80\x80", 4, 0 },			/* > U+10FFFF */
		{ "\xf5\x80\x80\x80", 4, 0 },
		{ "\xc3", 1, 0 },				/* truncated */
		{ "\xe2\x82", 2, 0 },
		{ "ok\xf0\x9d\x84", 5, 0 },
		{ "\x80", 1, 0 },				/* stray */
		{ "\xc3\x28", 2, 0 },
		{ "\xff", 1, 0 },
	};
	size_t	 i;
	char	 what[64];

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(what, sizeof(what), "comment_text_valid case %zu", i);
		CHECK_MSG(comment_text_valid(cases[i].s, cases[i].len) ==
		    cases[i].ok, what);
	}
}

/* The tags comment_text writes, other than <a href=...> and <ol start>. */
static const char *const known[] = {
	"<p>", "</p>", "<blockquote>", "</blockquote>", "<ul>", "</ul>",
	"<ol>", "</ol>", "<li>", "</li>", "<hr>", "<br>", "<pre>", "</pre>",
	"<code>", "</code>", "<em>", "</em>", "<strong>", "</strong>",
	"<del>", "</del>", "</a>",
};

/* Returns the length of the <a href="..." rel=...> at s, or 0. */
static size_t
a_tag(const char *s)
{
	size_t	 n;

	if (strncmp(s, "<a href=\"", 9) != 0)
		return 0;
	s += 9;
	if (strncasecmp(s, "http:", 5) != 0 &&
	    strncasecmp(s, "https:", 6) != 0 &&
	    strncasecmp(s, "mailto:", 7) != 0)
		return 0;
	n = strcspn(s, "\"<>' \t\n");
	if (strncmp(s + n, REL, strlen(REL)) != 0)
		return 0;
	return 9 + n + strlen(REL);
}

/* Returns the length of the tag comment_text may write at s, or 0. */
static size_t
tag_at(const char *s)
{
	size_t	 i, n;

	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (strncmp(s, known[i], strlen(known[i])) == 0)
			return strlen(known[i]);
	if (strncmp(s, "<ol start=\"", 11) == 0) {
		n = strspn(s + 11, "0123456789");
		if (n > 0 && strncmp(s + 11 + n, "\">", 2) == 0)
			return 11 + n + 2;
		return 0;
	}
	return a_tag(s);
}

/*
 * Returns 1 if html holds only our tags and escaped text: every < opens a
 * known tag, every & one of html_text's entities, and no > or quote
 * stands outside a tag.
 */
static int
safe_html(const char *html)
{
	static const char *const ents[] = { "&amp;", "&lt;", "&gt;",
	    "&quot;", "&#39;" };
	size_t	 i, n;

	while (*html != '\0') {
		if (*html == '<') {
			if ((n = tag_at(html)) == 0)
				return 0;
			html += n;
			continue;
		}
		if (*html == '>' || *html == '"' || *html == '\'')
			return 0;
		if (*html == '&') {
			for (i = 0; i < sizeof(ents) / sizeof(ents[0]); i++)
				if (strncmp(html, ents[i],
				    strlen(ents[i])) == 0)
					break;
			if (i == sizeof(ents) / sizeof(ents[0]))
				return 0;
		}
		html++;
	}
	return 1;
}

static void
checker(void)
{
	CHECK(safe_html("<p>a &amp; <a href=\"https://a" REL "b</a></p>\n"));
	CHECK(!safe_html("<p><img src=x></p>"));
	CHECK(!safe_html("<a href=\"javascript:x" REL "b</a>"));
	CHECK(!safe_html("<a href=\"http://x\" onclick=\"y" REL "b</a>"));
	CHECK(!safe_html("<a href=\"http://x\">b</a>"));
	CHECK(!safe_html("<p>&#106;</p>"));
	CHECK(!safe_html("<p>a\"b</p>"));
}

/* Renders one payload; returns 1 if the output is safe. */
static int
payload(const char *s, size_t len, int *links)
{
	char	*got = render_n(s, len);
	int	 ok = safe_html(got);
	size_t	 n = 0;
	char	*p;

	for (p = got; (p = strstr(p, "<a href=")) != NULL; p++)
		n++;
	*links = (int)n;
	if (!ok)
		fprintf(stderr, "unsafe output for [%.*s]:\n  %s\n",
		    (int)len, s, got);
	free(got);
	return ok;
}

static void
payloads(void)
{
	const char	*shared = getenv("SHARED");
	char		 path[4096];
	struct buf	 all;
	FILE		*f;
	char		*line = NULL;
	size_t		 cap = 0;
	ssize_t		 n;
	int		 lines = 0, bad = 0, countbad = 0, links;

	snprintf(path, sizeof(path), "%s/fixtures/xss/payloads.txt",
	    shared != NULL ? shared : "/work/shared");
	if (!CHECK_MSG((f = fopen(path, "r")) != NULL, path))
		return;
	buf_init(&all);
	while ((n = getline(&line, &cap, f)) != -1) {
		if (n > 0 && line[n - 1] == '\n')
			line[--n] = '\0';
		buf_write(line, (size_t)n, &all);
		buf_putc(&all, '\n');
		lines++;
		if (!payload(line, (size_t)n, &links))
			bad++;
		else if (links != comment_text_links(line, (size_t)n))
			countbad++;
	}
	free(line);
	fclose(f);
	CHECK_MSG(lines > 1000, "payloads.txt has its lines");
	CHECK_MSG(bad == 0, "every payload renders safely");
	CHECK_MSG(countbad == 0, "comment_text_links counts every payload");
	CHECK_MSG(payload(all.data, all.len, &links),
	    "all payloads as one comment render safely");
	buf_reset(&all);
}

int
main(void)
{
	blocks();
	spans();
	links();
	refused();
	autolinks();
	images();
	raw_html();
	hostile_bytes();
	stray_leave();
	overread();
	stress();
	limit();
	count();
	valid();
	checker();
	payloads();
	return check_done();
}
