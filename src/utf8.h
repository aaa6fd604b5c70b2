/*
 * utf8: decoding UTF-8 strictly (no overlong forms, no surrogates, no
 * code points past U+10FFFF), for the modules that must tell valid text
 * from bytes: escaping, slugs, comment text; and the one encoder of a
 * code point (character references, percent-encoded slugs).
 */
#ifndef GALLEY_UTF8_H
#define GALLEY_UTF8_H

#include <stddef.h>
#include <stdint.h>

/*
 * Returns the length (1-4) of the valid UTF-8 sequence that starts
 * s[0..len) and sets *cp to its code point, or returns 0 if there is
 * none (len must be at least 1).
 */
size_t	utf8_decode(const unsigned char *s, size_t len, uint32_t *cp);
/*
 * Writes code point cp (a scalar value: at most U+10FFFF, no surrogate)
 * as UTF-8 into u; returns its length (1-4).
 */
size_t	utf8_encode(uint32_t cp, char u[4]);
/* Returns 1 if s[0..len) is valid UTF-8 throughout, else 0. */
int	utf8_valid(const char *s, size_t len);

#endif
