/*
 * head: see head.h.  Header names compare without case (RFC 9110 5.1);
 * values as libmicrohttpd hands them over, surrounding blanks trimmed.
 */
#include <string.h>
#include <strings.h>

#include "head.h"

void
head_init(struct head *h)
{
	memset(h, 0, sizeof(*h));
}

/* Returns 1 if name[0..n) is name (any case). */
static int
named(const char *name, size_t n, const char *want)
{
	return n == strlen(want) && strncasecmp(name, want, n) == 0;
}

/* RFC 9110's tchar. */
static int
token_byte(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || (c != '\0' &&
	    strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

static int
all(const char *s, size_t n, int (*ok)(unsigned char))
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (!ok((unsigned char)s[i]))
			return 0;
	return 1;
}

static int
digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

/* A byte of a host name, an IP literal or a port. */
static int
host_byte(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    digit(c) || (c != '\0' && strchr("-._:[]", c) != NULL);
}

static int
value_byte(unsigned char c)
{
	return c != '\r' && c != '\n' && c != '\0';
}

static void
add_length(struct head *h, const char *v, size_t n)
{
	if (n == 0 || n >= sizeof(h->length) || !all(v, n, digit)) {
		h->length_bad = 1;
		return;
	}
	if (h->lengths++ == 0) {
		memcpy(h->length, v, n);
		h->length[n] = '\0';
	} else if (strlen(h->length) != n || memcmp(h->length, v, n) != 0)
		h->length_bad = 1;
}

void
head_add(struct head *h, const char *name, size_t nlen, const char *value,
    size_t vlen)
{
	if (nlen + vlen > h->longest)
		h->longest = nlen + vlen;
	if (nlen == 0 || !all(name, nlen, token_byte))
		h->name_bad = 1;
	if (!all(value, vlen, value_byte))
		h->value_bad = 1;
	if (named(name, nlen, "Content-Length"))
		add_length(h, value, vlen);
	else if (named(name, nlen, "Transfer-Encoding")) {
		h->codings++;
		if (vlen != 7 || strncasecmp(value, "chunked", 7) != 0)
			h->coding_other = 1;
	} else if (named(name, nlen, "Host")) {
		h->hosts++;
		if (vlen == 0 || !all(value, vlen, host_byte))
			h->host_bad = 1;
	}
}

void
head_fold(struct head *h)
{
	h->folded = 1;
}

int
head_verdict(const struct head *h, const char *version)
{
	int	 v11 = version != NULL && strcmp(version, "HTTP/1.1") == 0;

	if (h->longest > HEAD_FIELD_MAX)
		return 431;
	if (h->name_bad || h->value_bad || h->length_bad || h->folded)
		return 400;
	if (h->codings > 0 && (h->lengths > 0 || !v11))
		return 400;
	if (h->hosts > 1 || (v11 && h->hosts != 1) || h->host_bad)
		return 400;
	if (h->codings > 0)
		return h->coding_other || h->codings > 1 ? 501 : 411;
	return 0;
}

const char *
head_reason(int status)
{
	switch (status) {
	case 400:
		return "Bad Request";
	case 411:
		return "Length Required";
	case 431:
		return "Request Header Fields Too Large";
	case 501:
		return "Not Implemented";
	default:
		return "Refused";
	}
}
