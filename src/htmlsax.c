/*
 * htmlsax: see htmlsax.h.  libxml2's SAX handler is filled with small
 * adapters, so callers see char and size_t rather than xmlChar and int.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/HTMLparser.h>
#include <libxml/parserInternals.h>

#include "alloc.h"
#include "htmlsax.h"
#include "utf8.h"

#define PARSE_MAX	(1 << 24)

struct call {
	const struct htmlsax	*cb;
	void			*arg;
};

static pthread_once_t	 once = PTHREAD_ONCE_INIT;

static void
init(void)
{
	xmlInitParser();
}

void
htmlsax_init(void)
{
	pthread_once(&once, init);
}

static void
on_start(void *data, const xmlChar *name, const xmlChar **attrs)
{
	struct call	*c = data;

	c->cb->start(c->arg, (const char *)name, (const char **)attrs);
}

static void
on_end(void *data, const xmlChar *name)
{
	struct call	*c = data;

	c->cb->end(c->arg, (const char *)name);
}

static void
on_text(void *data, const xmlChar *s, int len)
{
	struct call	*c = data;

	c->cb->text(c->arg, (const char *)s, (size_t)len);
}

static void
quiet(void *data, const char *msg, ...)
{
	(void)data;
	(void)msg;
}

/*
 * A copy of s[0..len) with each byte that is not UTF-8 made '?', and
 * each NUL too: libxml2 ends an attribute's value, and the parse, at one.
 */
static char *
mend(const char *s, size_t len)
{
	char		*fixed = xmalloc(len + 1);
	size_t		 i, n;
	uint32_t	 c;

	for (i = 0; i < len; i += n)
		if ((n = utf8_decode((const unsigned char *)s + i, len - i,
		    &c)) == 0 || s[i] == '\0') {
			fixed[i] = '?';
			n = 1;
		} else
			memcpy(fixed + i, s + i, n);
	return fixed;
}

int
htmlsax_parse(const char *s, size_t len, const struct htmlsax *cb,
    void *arg)
{
	htmlParserCtxtPtr	 ctx;
	htmlSAXHandler		*sax;
	struct call		 c = { cb, arg };
	char			*fixed = NULL;

	htmlsax_init();
	if (!utf8_valid(s, len) || memchr(s, '\0', len) != NULL)
		s = fixed = mend(s, len);
	if ((ctx = htmlCreateMemoryParserCtxt(len > 0 ? s : " ",
	    len > PARSE_MAX ? PARSE_MAX : len > 0 ? (int)len : 1)) == NULL) {
		free(fixed);
		return -1;
	}
	/* The context frees its handler: it must come from xmlMalloc. */
	sax = xmlMalloc(sizeof(*sax));
	memset(sax, 0, sizeof(*sax));
	sax->startElement = on_start;
	sax->endElement = on_end;
	sax->characters = on_text;
	sax->ignorableWhitespace = on_text;
	sax->cdataBlock = on_text;
	sax->warning = quiet;
	sax->error = quiet;
	xmlFree(ctx->sax);
	ctx->sax = sax;
	/* The bytes are UTF-8: a <meta charset> must not switch the
	 * decoder. */
	htmlCtxtUseOptions(ctx, HTML_PARSE_RECOVER | HTML_PARSE_NOERROR |
	    HTML_PARSE_NOWARNING | HTML_PARSE_NONET | HTML_PARSE_IGNORE_ENC);
	ctx->userData = &c;	/* what the callbacks are given */
	xmlSwitchEncoding(ctx, XML_CHAR_ENCODING_UTF8);
	htmlParseDocument(ctx);
	htmlFreeParserCtxt(ctx);
	free(fixed);
	return 0;
}
