/*
 * test_html: the escaping module, one context at a time, and every XSS
 * payload of the shared fixtures through each: no markup survives text
 * and attribute escaping, no dangerous scheme survives html_url, and
 * html_json output never closes a <script> block.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "check.h"
#include "html.h"

static char *
esc(void (*fn)(struct buf *, const char *, size_t), const char *s)
{
	static char	 out[4096];
	struct buf	 b;

	buf_init(&b);
	fn(&b, s, strlen(s));
	snprintf(out, sizeof(out), "%s", b.data ? b.data : "");
	buf_reset(&b);
	return out;
}

static void
contexts(void)
{
	struct buf	 b;

	CHECK_STR(esc(html_text, "a<b>&\"c'"),
	    "a&lt;b&gt;&amp;&quot;c&#39;");
	CHECK_STR(esc(html_text, "plain ünïcode ‘quotes’"),
	    "plain ünïcode ‘quotes’");
	CHECK_STR(esc(html_attr, "\" onload=\"x"),
	    "&quot; onload=&quot;x");
	CHECK_STR(esc(html_url, "https://example.com/?a=1&b=2"),
	    "https://example.com/?a=1&amp;b=2");
	CHECK_STR(esc(html_url, "/2015/10/slug/"), "/2015/10/slug/");
	CHECK_STR(esc(html_url, "mailto:a@b.c"), "mailto:a@b.c");
	CHECK_STR(esc(html_url, "javascript:alert(1)"), "#");
	CHECK_STR(esc(html_url, "JaVaScRiPt:alert(1)"), "#");
	CHECK_STR(esc(html_url, " javascript:alert(1)"), "#");
	CHECK_STR(esc(html_url, "java\tscript:alert(1)"), "#");
	CHECK_STR(esc(html_url, "data:text/html,<script>"), "#");
	CHECK_STR(esc(html_url, "vbscript:x"), "#");
	CHECK_STR(esc(html_url, "relative/path:x"), "relative/path:x");
	CHECK_STR(esc(html_json, "a\"b\\c\n</script><!--\xe2\x80\xa8"),
	    "\"a\\\"b\\\\c\\n\\u003c/script\\u003e\\u003c!--\\u2028\"");
	CHECK_STR(esc(html_json, "bad \xff utf8"), "\"bad \\ufffd utf8\"");
	CHECK_STR(esc(html_json, "caf\xc3\xa9"), "\"caf\xc3\xa9\"");
	CHECK_STR(esc(html_paragraphs, "one\ntwo\n\nthree <b>"),
	    "<p>one<br>\ntwo</p>\n<p>three &lt;b&gt;</p>\n");
	CHECK_STR(esc(html_paragraphs, "\r\n\r\nx\r\n\r\n\r\ny\r\n"),
	    "<p>x</p>\n<p>y</p>\n");
	CHECK_STR(esc(html_paragraphs, ""), "");

	buf_init(&b);
	b.max = 8;
	html_text(&b, "<<<<", 4);
	CHECK(b.err == 1);		/* sticky: 16 bytes do not fit in 8 */
	buf_reset(&b);
}

/* Scans the fixture: every line through every context. */
static void
payloads(void)
{
	char		 path[1024], line[8192];
	const char	*shared = getenv("SHARED");
	FILE		*f;
	int		 n = 0, bad_text = 0, bad_url = 0, bad_json = 0;

	snprintf(path, sizeof(path), "%s/fixtures/xss/payloads.txt",
	    shared ? shared : "../shared");
	if (!CHECK_MSG((f = fopen(path, "r")) != NULL, path))
		return;
	while (fgets(line, sizeof(line), f) != NULL) {
		struct buf	 b;
		size_t		 len = strcspn(line, "\n");

		line[len] = '\0';
		n++;
		buf_init(&b);
		html_attr(&b, line, len);
		if (b.data && strpbrk(b.data, "<>\"'") != NULL)
			bad_text++;
		buf_reset(&b);
		html_url(&b, line, len);
		if (b.data && (strpbrk(b.data, "<>\"'") != NULL ||
		    strncasecmp(b.data, "javascript", 10) == 0 ||
		    strncasecmp(b.data, "data:", 5) == 0 ||
		    strncasecmp(b.data, "vbscript", 8) == 0))
			bad_url++;
		buf_reset(&b);
		html_json(&b, line, len);
		if (b.data && (strchr(b.data, '<') || strchr(b.data, '>')))
			bad_json++;
		buf_reset(&b);
	}
	fclose(f);
	CHECK_MSG(n > 3000, "the payload file has its lines");
	CHECK_MSG(bad_text == 0, "no payload keeps markup in text/attr");
	CHECK_MSG(bad_url == 0, "no payload keeps a script URL");
	CHECK_MSG(bad_json == 0, "no payload keeps <> in JSON");
}

int
main(void)
{
	contexts();
	payloads();
	return check_done();
}
