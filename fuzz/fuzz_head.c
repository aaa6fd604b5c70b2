/*
 * fuzz_head: a request head as bytes ("METHOD PATH VERSION", then
 * "Name: value" lines, as libmicrohttpd splits them) through head.c,
 * whose verdict is checked against a recount made here: a head it lets
 * through has no Transfer-Encoding, Content-Lengths that agree and are
 * digits, one Host for HTTP/1.1, and no line longer than the limit.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "head.h"

/* What the oracle counts of the head. */
struct recount {
	int	 te, hosts, lengths, lengths_differ;
	size_t	 longest;
	char	 first[32];
};

static void
note(struct recount *rc, const char *name, size_t nlen, const char *value,
    size_t vlen)
{
	if (nlen + vlen > rc->longest)
		rc->longest = nlen + vlen;
	if (nlen == 17 && strncasecmp(name, "Transfer-Encoding", 17) == 0)
		rc->te++;
	else if (nlen == 4 && strncasecmp(name, "Host", 4) == 0)
		rc->hosts++;
	else if (nlen == 14 && strncasecmp(name, "Content-Length", 14) == 0) {
		if (rc->lengths++ == 0 && vlen < sizeof(rc->first)) {
			memcpy(rc->first, value, vlen);
			rc->first[vlen] = '\0';
		} else if (strlen(rc->first) != vlen ||
		    memcmp(rc->first, value, vlen) != 0)
			rc->lengths_differ = 1;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	const char	*p = (const char *)data, *end = p + len, *eol, *colon;
	const char	*v, *ve;
	struct head	 h;
	struct recount	 rc;
	char		 version[16] = "";
	int		 verdict;

	memset(&rc, 0, sizeof(rc));
	head_init(&h);
	if ((eol = memchr(p, '\n', len)) == NULL)
		return 0;
	/* The version is the request line's last word. */
	for (v = eol; v > p && v[-1] != ' '; v--)
		;
	ve = eol > v && eol[-1] == '\r' ? eol - 1 : eol;
	if ((size_t)(ve - v) < sizeof(version)) {
		memcpy(version, v, (size_t)(ve - v));
		version[ve - v] = '\0';
	}
	for (p = eol + 1; p < end; p = eol + 1) {
		if ((eol = memchr(p, '\n', (size_t)(end - p))) == NULL)
			eol = end;
		ve = eol > p && eol[-1] == '\r' ? eol - 1 : eol;
		if (ve == p)
			break;			/* the blank line */
		if ((colon = memchr(p, ':', (size_t)(ve - p))) == NULL)
			return 0;		/* libmicrohttpd refuses it */
		for (v = colon + 1; v < ve && (*v == ' ' || *v == '\t'); v++)
			;
		while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t'))
			ve--;
		head_add(&h, p, (size_t)(colon - p), v, (size_t)(ve - v));
		note(&rc, p, (size_t)(colon - p), v, (size_t)(ve - v));
	}
	verdict = head_verdict(&h, version);
	if (verdict != 0 && verdict != 400 && verdict != 411 &&
	    verdict != 431 && verdict != 501)
		abort();
	if (verdict == 0 && (rc.te > 0 || rc.lengths_differ ||
	    rc.longest > HEAD_FIELD_MAX || (strcmp(version, "HTTP/1.1") == 0 &&
	    rc.hosts != 1) || rc.hosts > 1))
		abort();
	if (rc.longest > HEAD_FIELD_MAX && verdict != 431)
		abort();
	return 0;
}
