/*
 * utf8: decoding UTF-8 strictly (no overlong forms, no surrogates, no
 * code points past U+10FFFF), for the modules that must tell valid text
 * from bytes: escaping, slugs, comment text.
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
/* Returns 1 if s[0..len) is valid UTF-8 throughout, else 0. */
int	utf8_valid(const char *s, size_t len);

#endif
