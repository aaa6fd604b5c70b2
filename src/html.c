/*
 * html: escaping for each output context (see html.h).  The functions scan
 * for runs of bytes that need no escaping and append them whole, so text
 * with nothing to escape costs one memcpy.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "html.h"
#include "utf8.h"

static const char *
html_entity(unsigned char c)
{
	switch (c) {
	case '&':
		return "&amp;";
	case '<':
		return "&lt;";
	case '>':
		return "&gt;";
	case '"':
		return "&quot;";
	case '\'':
		return "&#39;";
	default:
		return NULL;
	}
}

void
html_text(struct buf *b, const char *s, size_t len)
{
	size_t		 i, start = 0;
	const char	*ent;

	for (i = 0; i < len; i++) {
		if ((ent = html_entity((unsigned char)s[i])) == NULL)
			continue;
		buf_write(s + start, i - start, b);
		buf_puts(b, ent);
		start = i + 1;
	}
	buf_write(s + start, len - start, b);
}

void
html_marked(struct buf *b, const char *s, size_t len, char on, char off)
{
	size_t	 i, start = 0;
	int	 open = 0;

	for (i = 0; i < len; i++) {
		if ((unsigned char)s[i] >= 0x20 || s[i] == '\t' ||
		    s[i] == '\n')
			continue;
		html_text(b, s + start, i - start);
		start = i + 1;
		if (s[i] == on && !open)
			buf_puts(b, "<mark>");
		else if (s[i] == off && open)
			buf_puts(b, "</mark>");
		else
			continue;
		open = !open;
	}
	html_text(b, s + start, len - start);
	if (open)
		buf_puts(b, "</mark>");
}

void
html_paragraphs(struct buf *b, const char *s, size_t len)
{
	size_t	 i = 0, start;
	int	 open = 0;

	while (i < len) {
		/* Skip blank lines between paragraphs. */
		while (i < len && (s[i] == '\n' || s[i] == '\r' ||
		    s[i] == ' ' || s[i] == '\t'))
			i++;
		if (i == len)
			break;
		buf_puts(b, "<p>");
		open = 1;
		while (i < len && open) {
			start = i;
			while (i < len && s[i] != '\n' && s[i] != '\r')
				i++;
			html_text(b, s + start, i - start);
			if (i < len && s[i] == '\r')
				i++;
			if (i < len && s[i] == '\n')
				i++;
			start = i;
			while (start < len && (s[start] == ' ' ||
			    s[start] == '\t' || s[start] == '\r'))
				start++;
			if (start >= len || s[start] == '\n')
				open = 0;
			else
				buf_puts(b, "<br>\n");
		}
		buf_puts(b, "</p>\n");
		open = 0;
	}
}

void
html_attr(struct buf *b, const char *s, size_t len)
{
	/* Attributes are always double-quoted, so the text set suffices. */
	html_text(b, s, len);
}

int
html_url_safe(const char *s, size_t len)
{
	static const char *const ok[] = { "http:", "https:", "mailto:" };
	size_t	 i, n;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		/* Browsers drop control characters inside a scheme. */
		if (c < 0x20 || c == 0x7f)
			return 0;
		if (c == '/' || c == '?' || c == '#')
			return 1;	/* no scheme: relative */
		if (c == ':')
			break;
	}
	if (i == len)
		return 1;
	for (n = 0; n < sizeof(ok) / sizeof(ok[0]); n++)
		if (i + 1 == strlen(ok[n]) &&
		    strncasecmp(s, ok[n], i + 1) == 0)
			return 1;
	return 0;
}

void
html_url(struct buf *b, const char *s, size_t len)
{
	if (!html_url_safe(s, len)) {
		buf_puts(b, "#");
		return;
	}
	html_attr(b, s, len);
}

void
html_json(struct buf *b, const char *s, size_t len)
{
	const unsigned char	*u = (const unsigned char *)s;
	size_t			 i = 0, n;
	uint32_t		 cp;

	buf_putc(b, '"');
	while (i < len) {
		if ((n = utf8_decode(u + i, len - i, &cp)) == 0) {
			buf_puts(b, "\\ufffd");
			i++;
			continue;
		}
		if (n == 3 && u[i] == 0xe2 && u[i + 1] == 0x80 &&
		    (u[i + 2] == 0xa8 || u[i + 2] == 0xa9)) {
			buf_puts(b, u[i + 2] == 0xa8 ? "\\u2028" : "\\u2029");
		} else if (n > 1) {
			buf_write(s + i, n, b);
		} else if (u[i] == '"' || u[i] == '\\') {
			buf_putc(b, '\\');
			buf_putc(b, (char)u[i]);
		} else if (u[i] == '\n') {
			buf_puts(b, "\\n");
		} else if (u[i] < 0x20 || u[i] == '<' || u[i] == '>' ||
		    u[i] == '&' || u[i] == 0x7f) {
			buf_printf(b, "\\u%04x", u[i]);
		} else {
			buf_putc(b, (char)u[i]);
		}
		i += n;
	}
	buf_putc(b, '"');
}
