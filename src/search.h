/*
 * search: what a reader typed into the search box, made safe, and made
 * into each engine's full-text query from tokens, never passed on as
 * syntax.  As a WordPress user expects:
 *
 *   russia war        posts with both words (any order, any column)
 *   "cold war"        the words in that order (a phrase: whole words)
 *   -spy              posts without the word
 *   russ              a word of three characters or more also matches
 *                     the words it begins ("russ" finds "Russian"), as
 *                     WordPress's LIKE '%russ%' would; a shorter one
 *                     ("of", "a") only itself, unless typed with a *
 *                     ("ca*")
 *   e-mail, don't     one word of several parts: the parts in order
 *
 * Everything else a full-text engine reads as an operator (AND OR NOT
 * NEAR * ^ : + ( ) and quotes left open) is a separator or a word.  The
 * query, its words and its terms are bounded (below), so any text gives
 * a query of bounded size; text past the bounds is ignored.
 */
#ifndef GALLEY_SEARCH_H
#define GALLEY_SEARCH_H

#include <stddef.h>

struct buf;

#define SEARCH_TEXT_MAX	200	/* bytes of a query kept (= URL_SLUG_MAX) */
#define SEARCH_TERMS_MAX 10	/* words or phrases read */
#define SEARCH_WORDS_MAX 32	/* words in all, phrases' included */
#define SEARCH_WORD_MAX	64	/* bytes of one word; a longer one is cut
				   and matches as a prefix */

/*
 * Writes into out (at most SEARCH_TEXT_MAX bytes and a NUL) the query
 * s[0..len) as it is kept and shown: NUL, control characters and bytes
 * that are not UTF-8 as spaces, runs of spaces as one, none at either
 * end, cut at a character's boundary.  Returns its length.  Cleaning
 * what it wrote changes nothing.
 */
size_t	search_clean(char *out, const char *s, size_t len);
/*
 * Appends to fts5 the query for SQLite's FTS5 MATCH (every word a quoted
 * string, "word"* for a prefix, NOT before each word left out) and to
 * tsq the same for PostgreSQL's to_tsquery (quoted lexemes, :*, <->, &,
 * !), from q, a cleaned query.  Returns the number of terms that must
 * match; 0 (with nothing appended) when there are none, and then there
 * is nothing to search for.
 */
int	search_build(const char *q, struct buf *fts5, struct buf *tsq);

#endif
