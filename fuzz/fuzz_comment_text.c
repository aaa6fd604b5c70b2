/*
 * fuzz_comment_text: any comment text renders without a crash or a leak,
 * and the output holds no markup of its own: every < opens a tag that
 * comment_text writes, every link has an http, https or mailto target
 * and the rel attribute, no NUL comes out, and comment_text_links
 * counts the links written.  A broken promise aborts, which libFuzzer reports.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "comment_text.h"

#define REL	"\" rel=\"nofollow ugc noopener\">"

/* What may follow a "<" in the output, <a href= aside. */
static const char *const tags[] = {
	"p>", "/p>", "blockquote>", "/blockquote>", "ul>", "/ul>", "ol>",
	"ol start=\"", "/ol>", "li>", "/li>", "hr>", "br>", "pre>", "/pre>",
	"code>", "/code>", "em>", "/em>", "strong>", "/strong>", "del>",
	"/del>", "/a>",
};

/* Returns 1 if the <a> at s has an allowed target and the rel. */
static int
link_ok(const char *s)
{
	size_t	 n;

	s += strlen("<a href=\"");
	if (strncasecmp(s, "http:", 5) != 0 &&
	    strncasecmp(s, "https:", 6) != 0 &&
	    strncasecmp(s, "mailto:", 7) != 0)
		return 0;
	n = strcspn(s, "\"<>");
	return strncmp(s + n, REL, strlen(REL)) == 0;
}

/* Returns the number of links in html, or -1 if it holds foreign markup. */
static int
links_in(const char *html)
{
	const char	*p;
	size_t		 i;
	int		 n = 0;

	for (p = html; (p = strchr(p, '<')) != NULL; p++) {
		if (strncmp(p, "<a href=\"", 9) == 0) {
			if (!link_ok(p))
				return -1;
			n++;
			continue;
		}
		for (i = 0; i < sizeof(tags) / sizeof(tags[0]); i++)
			if (strncmp(p + 1, tags[i], strlen(tags[i])) == 0)
				break;
		if (i == sizeof(tags) / sizeof(tags[0]))
			return -1;
	}
	return n;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	const char	*s = (const char *)data;
	struct buf	 out;

	(void)comment_text_valid(s, len);
	buf_init(&out);
	comment_text_render(&out, s, len);
	/* A NUL in the input comes out as U+FFFD, never as a NUL. */
	if (out.data == NULL ? comment_text_links(s, len) != 0 :
	    memchr(out.data, '\0', out.len) != NULL ||
	    links_in(out.data) != comment_text_links(s, len))
		abort();
	buf_reset(&out);
	return 0;
}
