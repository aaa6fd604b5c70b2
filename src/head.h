/*
 * head: the checks Galley makes on a request head before anything else
 * reads it.  libmicrohttpd 0.9.75 (Debian 12's) frames requests more
 * loosely than a front proxy may: it prefers Transfer-Encoding to a
 * Content-Length sent beside it, reads only the first of several
 * Content-Lengths, and waits out a transfer coding it cannot undo.
 * Behind a front that frames otherwise, each of those is request
 * smuggling, so a head that could be read two ways is refused, and the
 * connection closed, before its body is touched.  Pure: no I/O, no
 * allocation, so the fuzzer drives it directly.
 */
#ifndef GALLEY_HEAD_H
#define GALLEY_HEAD_H

#include <stddef.h>

#define HEAD_FIELD_MAX	8192	/* one header line, name and value */

/* What head_add learns, header by header. */
struct head {
	int	 lengths;	/* Content-Length headers */
	int	 length_bad;	/* one is not all digits, or they differ */
	char	 length[24];	/* the first one's digits */
	int	 codings;	/* Transfer-Encoding headers */
	int	 coding_other;	/* a coding other than chunked */
	int	 hosts;		/* Host headers */
	int	 host_bad;	/* empty, or bytes no host name has */
	int	 name_bad;	/* a name with a byte outside RFC 9110's token */
	int	 value_bad;	/* a value holding CR, LF or NUL */
	int	 folded;	/* a line continued on the next (obs-fold) */
	size_t	 longest;	/* the longest name + value */
};

void	head_init(struct head *);
/* Adds one header, name[0..nlen) and value[0..vlen) (need no NUL). */
void	head_add(struct head *, const char *name, size_t nlen,
	    const char *value, size_t vlen);
/*
 * Notes that a header line was continued on the next (RFC 9112's
 * obs-fold): libmicrohttpd 0.9.75 joins the continuation to the header's
 * name, so "Content-: 5" folded onto " Length" reads as Content-Length,
 * which a front proxy would not.  The server tells it from where the
 * name and value lie (server.c).
 */
void	head_fold(struct head *);
/*
 * The status a request with this head gets before anything else is
 * done, or 0 if it may go on.  version is "HTTP/1.1" or the like.
 *   431  a header line longer than HEAD_FIELD_MAX;
 *   400  a malformed header name or value, a folded line;
 *        Content-Length beside
 *        Transfer-Encoding; Content-Lengths that differ or are not
 *        digits; Transfer-Encoding in HTTP/1.0; HTTP/1.1 without
 *        exactly one Host, or a Host no host name could be;
 *   501  a Transfer-Encoding other than chunked;
 *   411  a chunked body: every client we serve (browsers, curl, a
 *        proxy that buffers) sends a length, and refusing chunked
 *        bodies keeps libmicrohttpd's chunk parser, which answers an
 *        oversized chunk extension with 500, from ever running.
 */
int	head_verdict(const struct head *, const char *version);
/* The reason phrase of a status head_verdict returns. */
const char *head_reason(int status);

#endif
