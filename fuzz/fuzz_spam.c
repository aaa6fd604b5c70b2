/*
 * fuzz_spam: any bytes tokenize without a crash or a leak, as comment
 * text (HTML through libxml2) and as a mail (GMime): every token is a
 * non-empty string under 128 bytes, no token repeats, and the message
 * scores in [0, 1] or says it has no opinion (-1).  A broken promise
 * aborts, which libFuzzer reports.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "spam.h"
#include "spam_corpus.h"

static void
check(const struct spam_toks *t)
{
	struct spam_count	*c = calloc(t->n + 1, sizeof(*c));
	struct spam_params	 p;
	size_t			 i, j;
	double			 s;

	for (i = 0; i < t->n; i++) {
		if (t->tok[i][0] == '\0' || strlen(t->tok[i]) >= 128)
			abort();
		for (j = 0; j < i && t->n < 300; j++)
			if (strcmp(t->tok[i], t->tok[j]) == 0)
				abort();
		c[i].ham = (int64_t)(i % 3);
		c[i].spam = (int64_t)(i % 5);
	}
	spam_params_default(&p);
	s = spam_score(c, t->n, 10, 10, &p);
	if (!(s == -1 || (s >= 0 && s <= 1)))
		abort();
	free(c);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct arena		 a;
	struct spam_toks	 t;
	char			*s = malloc(len + 1);

	memcpy(s, data, len);
	s[len] = '\0';
	arena_init(&a);
	spam_toks_init(&t, &a);
	spam_html(&t, "", s, len);
	spam_toks_finish(&t);
	check(&t);
	spam_toks_init(&t, &a);
	if (spam_mail_tokens(&t, s, len) == 0)
		check(&t);
	spam_toks_init(&t, &a);
	spam_corpus_tokens(&t, s, len);
	check(&t);
	arena_free(&a);
	free(s);
	return 0;
}
