/*
 * test_head: the request-head checks (head.c), case by case: what
 * libmicrohttpd 0.9.75 would let through and a front proxy might frame
 * otherwise is refused with its status; ordinary heads pass.
 */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "head.h"

/* The verdict on version plus "Name: value" pairs (NULL-terminated). */
static int
verdict(const char *version, const char *const *h)
{
	struct head	 hd;

	head_init(&hd);
	for (; h[0] != NULL; h += 2)
		head_add(&hd, h[0], strlen(h[0]), h[1], strlen(h[1]));
	return head_verdict(&hd, version);
}

#define V(version, ...)	verdict(version, (const char *[]){ __VA_ARGS__, NULL })

int
main(void)
{
	static char	 big[HEAD_FIELD_MAX + 2];

	/* Ordinary heads. */
	CHECK(V("HTTP/1.1", "Host", "example.com") == 0);
	CHECK(V("HTTP/1.1", "Host", "[::1]:8080", "Content-Length", "42") == 0);
	CHECK(V("HTTP/1.1", "host", "a", "content-length", "5",
	    "Content-Length", "5") == 0);	/* the same twice may pass */
	CHECK(V("HTTP/1.0", "Accept", "*/*") == 0);	/* 1.0 needs no Host */
	CHECK(V("HTTP/1.1", "Host", "a", "X-Empty", "") == 0);
	/* Two ways to read the body. */
	CHECK(V("HTTP/1.1", "Host", "a", "Content-Length", "5",
	    "Transfer-Encoding", "chunked") == 400);
	CHECK(V("HTTP/1.1", "Host", "a", "Content-Length", "5",
	    "Content-Length", "6") == 400);
	CHECK(V("HTTP/1.1", "Host", "a", "Content-Length", "5, 5") == 400);
	CHECK(V("HTTP/1.1", "Host", "a", "Content-Length", "-1") == 400);
	CHECK(V("HTTP/1.1", "Host", "a", "Content-Length", "") == 400);
	CHECK(V("HTTP/1.1", "Host", "a", "Content-Length",
	    "99999999999999999999999999") == 400);
	CHECK(V("HTTP/1.0", "Transfer-Encoding", "chunked") == 400);
	/* Codings we do not undo; chunked bodies at all. */
	CHECK(V("HTTP/1.1", "Host", "a", "Transfer-Encoding", "gzip") == 501);
	CHECK(V("HTTP/1.1", "Host", "a", "Transfer-Encoding",
	    "gzip, chunked") == 501);
	CHECK(V("HTTP/1.1", "Host", "a", "Transfer-Encoding", "chunked",
	    "Transfer-Encoding", "chunked") == 501);
	CHECK(V("HTTP/1.1", "Host", "a", "Transfer-Encoding", "Chunked") ==
	    411);
	/* Host. */
	CHECK(V("HTTP/1.1", "Accept", "*/*") == 400);
	CHECK(V("HTTP/1.1", "Host", "a", "Host", "b") == 400);
	CHECK(V("HTTP/1.1", "Host", "a", "HOST", "a") == 400);
	CHECK(V("HTTP/1.1", "Host", "") == 400);
	CHECK(V("HTTP/1.1", "Host", "a b") == 400);
	CHECK(V("HTTP/1.1", "Host", "evil.com/x") == 400);
	CHECK(V("HTTP/1.0", "Host", "a", "Host", "b") == 400);
	/* Names and values. */
	CHECK(V("HTTP/1.1", "Host", "a", "Transfer-Encoding ", "chunked") ==
	    400);
	CHECK(V("HTTP/1.1", "Host", "a", "X\tY", "1") == 400);
	CHECK(V("HTTP/1.1", "Host", "a", "", "1") == 400);
	CHECK(V("HTTP/1.1", "Host", "a", "X-A", "1\r\nX-B: 2") == 400);
	/* A line continued on the next, however harmless it reads. */
	{
		struct head	 hd;

		head_init(&hd);
		head_add(&hd, "Host", 4, "a", 1);
		head_add(&hd, "Content-Length", 14, "5", 1);
		CHECK(head_verdict(&hd, "HTTP/1.1") == 0);
		head_fold(&hd);
		CHECK(head_verdict(&hd, "HTTP/1.1") == 400);
	}
	/* Size: one line over the limit is 431, at the limit it passes. */
	memset(big, 'x', sizeof(big) - 1);
	big[HEAD_FIELD_MAX - strlen("If-None-Match")] = '\0';
	CHECK(V("HTTP/1.1", "Host", "a", "If-None-Match", big) == 0);
	big[HEAD_FIELD_MAX - strlen("If-None-Match")] = 'x';
	big[HEAD_FIELD_MAX + 1 - strlen("If-None-Match")] = '\0';
	CHECK(V("HTTP/1.1", "Host", "a", "If-None-Match", big) == 431);
	CHECK(strcmp(head_reason(431), "Request Header Fields Too Large") ==
	    0 && strcmp(head_reason(501), "Not Implemented") == 0 &&
	    strcmp(head_reason(411), "Length Required") == 0);
	return check_done();
}
