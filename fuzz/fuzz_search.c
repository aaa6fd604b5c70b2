/*
 * fuzz_search: any bytes as a query.  Cleaning is idempotent and gives
 * valid UTF-8 with no control character, within SEARCH_TEXT_MAX; the
 * queries built hold no byte an engine would read as syntax outside
 * their quotes: every '"' of the FTS5 query pairs up around words of
 * letters, and the tsquery's quoted lexemes are closed.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "search.h"
#include "utf8.h"

static void
check_fts5(const char *s)
{
	int	 in = 0;

	for (; s != NULL && *s != '\0'; s++) {
		if (*s == '"')
			in = !in;
		else if (!in && strchr("() *NOT", *s) == NULL)
			abort();	/* outside quotes: only our syntax */
	}
	if (in)
		abort();
}

static void
check_tsq(const char *s)
{
	int	 in = 0;

	for (; s != NULL && *s != '\0'; s++) {
		if (*s == '\'' && in && s[1] == '\'')
			s++;		/* '' inside a lexeme */
		else if (*s == '\'')
			in = !in;
		else if (!in && strchr("() &!<->:*", *s) == NULL)
			abort();
	}
	if (in)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	char		 q[SEARCH_TEXT_MAX + 1], again[SEARCH_TEXT_MAX + 1];
	struct buf	 fts5, tsq;
	size_t		 n, i;
	int		 terms;

	n = search_clean(q, (const char *)data, len);
	if (n > SEARCH_TEXT_MAX || strlen(q) != n || !utf8_valid(q, n))
		abort();
	for (i = 0; i < n; i++)
		if ((unsigned char)q[i] < 0x20 || q[i] == 0x7f)
			abort();
	if (search_clean(again, q, n) != n || memcmp(again, q, n) != 0)
		abort();
	buf_init(&fts5);
	buf_init(&tsq);
	terms = search_build(q, &fts5, &tsq);
	if ((terms == 0) != (fts5.len == 0) || (terms == 0) != (tsq.len == 0) ||
	    terms > SEARCH_TERMS_MAX)
		abort();
	check_fts5(fts5.data);
	check_tsq(tsq.data);
	buf_reset(&fts5);
	buf_reset(&tsq);
	return 0;
}
