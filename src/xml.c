/*
 * xml: a writer over a struct buf, text made fit for XML, dates (see
 * xml.h).
 */
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "arena.h"
#include "buf.h"
#include "date.h"
#include "utf8.h"
#include "xml.h"

static int
sink_write(void *ctx, const char *data, int len)
{
	if (len > 0)
		buf_write(data, (size_t)len, ctx);
	return len;
}

static int
sink_close(void *ctx)
{
	(void)ctx;
	return 0;
}

int
xml_begin(struct xml *x, struct buf *out, struct buf *scratch)
{
	xmlOutputBufferPtr	 ob;

	x->clean = scratch;
	ob = xmlOutputBufferCreateIO(sink_write, sink_close, out, NULL);
	if (ob == NULL || (x->w = xmlNewTextWriter(ob)) == NULL) {
		if (ob != NULL)
			xmlOutputBufferClose(ob);
		x->w = NULL;
		return -1;
	}
	xmlTextWriterSetIndent(x->w, 1);
	xmlTextWriterSetIndentString(x->w, BAD_CAST "\t");
	xmlTextWriterStartDocument(x->w, "1.0", "UTF-8", NULL);
	return 0;
}

void
xml_end(struct xml *x)
{
	xmlTextWriterEndDocument(x->w);
	xmlFreeTextWriter(x->w);	/* flushes and frees its output */
	x->w = NULL;
}

const char *
xml_clean(struct buf *scratch, const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 len = strlen(s), n;
	uint32_t		 cp;
	int			 ok;

	if (utf8_valid(s, len) && strpbrk(s, "\x01\x02\x03\x04\x05\x06\x07"
	    "\x08\x0b\x0c\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19"
	    "\x1a\x1b\x1c\x1d\x1e\x1f\xef") == NULL)
		return s;	/* \xef: U+FFFE and U+FFFF start so */
	scratch->len = 0;
	buf_puts(scratch, "");
	while (len > 0) {
		n = utf8_decode(p, len, &cp);
		ok = n > 0 && (cp >= 0x20 || cp == '\t' || cp == '\n' ||
		    cp == '\r') && cp != 0xfffe && cp != 0xffff;
		if (ok)
			buf_write((const char *)p, n, scratch);
		else
			buf_puts(scratch, "\xef\xbf\xbd");
		if (n == 0)
			n = 1;
		p += n;
		len -= n;
	}
	return scratch->data;
}

void
xml_el(struct xml *x, const char *name, const char *text)
{
	xmlTextWriterWriteElement(x->w, BAD_CAST name, BAD_CAST xml_clean(
	    x->clean, text));
}

void
xml_attr(struct xml *x, const char *name, const char *text)
{
	xmlTextWriterWriteAttribute(x->w, BAD_CAST name, BAD_CAST xml_clean(
	    x->clean, text));
}

const char *
xml_rfc822(struct arena *a, int64_t t)
{
	static const char *const days[] = { "Sun", "Mon", "Tue", "Wed", "Thu",
	    "Fri", "Sat" };
	static const char *const months[] = { "Jan", "Feb", "Mar", "Apr",
	    "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct tm	 tm;

	date_utc(t, &tm);
	return arena_printf(a, "%s, %02d %s %04d %02d:%02d:%02d +0000",
	    days[tm.tm_wday % 7], tm.tm_mday, months[tm.tm_mon % 12],
	    tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

const char *
xml_rfc3339(struct arena *a, int64_t t)
{
	struct tm	 tm;

	date_utc(t, &tm);
	return arena_printf(a, "%04d-%02d-%02dT%02d:%02d:%02dZ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec);
}
