/*
 * slug: WordPress's sanitize_title() for post titles (see slug.h), as a
 * table of steps, each a pass from one buffer to the next in the order of
 * remove_accents() and sanitize_title_with_dashes($title, '', 'save').
 * mb_strtolower() is approximated by the case pairs of the Latin, Greek,
 * Cyrillic and Armenian alphabets and of fullwidth Latin, which covers what
 * remove_accents() leaves behind in titles.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "buf.h"
#include "slug.h"
#include "utf8.h"

/* utf8_uri_encode()'s length limit as sanitize_title_with_dashes() sets it. */
#define SLUG_MAX	200

/* remove_accents() for U+00C0 to U+017F; NULL: no replacement. */
static const char *const latin[] = {
	/* U+00C0 */ "A", "A", "A", "A", "A", "A", "AE", "C",
	/* U+00C8 */ "E", "E", "E", "E", "I", "I", "I", "I",
	/* U+00D0 */ "D", "N", "O", "O", "O", "O", "O", NULL,
	/* U+00D8 */ "O", "U", "U", "U", "U", "Y", "TH", "ss",
	/* U+00E0 */ "a", "a", "a", "a", "a", "a", "ae", "c",
	/* U+00E8 */ "e", "e", "e", "e", "i", "i", "i", "i",
	/* U+00F0 */ "d", "n", "o", "o", "o", "o", "o", NULL,
	/* U+00F8 */ "o", "u", "u", "u", "u", "y", "th", "y",
	/* U+0100 */ "A", "a", "A", "a", "A", "a", "C", "c",
	/* U+0108 */ "C", "c", "C", "c", "C", "c", "D", "d",
	/* U+0110 */ "D", "d", "E", "e", "E", "e", "E", "e",
	/* U+0118 */ "E", "e", "E", "e", "G", "g", "G", "g",
	/* U+0120 */ "G", "g", "G", "g", "H", "h", "H", "h",
	/* U+0128 */ "I", "i", "I", "i", "I", "i", "I", "i",
	/* U+0130 */ "I", "i", "IJ", "ij", "J", "j", "K", "k",
	/* U+0138 */ "k", "L", "l", "L", "l", "L", "l", "L",
	/* U+0140 */ "l", "L", "l", "N", "n", "N", "n", "N",
	/* U+0148 */ "n", "n", "N", "n", "O", "o", "O", "o",
	/* U+0150 */ "O", "o", "OE", "oe", "R", "r", "R", "r",
	/* U+0158 */ "R", "r", "S", "s", "S", "s", "S", "s",
	/* U+0160 */ "S", "s", "T", "t", "T", "t", "T", "t",
	/* U+0168 */ "U", "u", "U", "u", "U", "u", "U", "u",
	/* U+0170 */ "U", "u", "U", "u", "W", "w", "Y", "y",
	/* U+0178 */ "Y", "Z", "z", "Z", "z", "Z", "z", "s",
};

#define LATIN_FIRST	0xc0
#define LATIN_LAST	(LATIN_FIRST + sizeof(latin) / sizeof(latin[0]) - 1)

/* remove_accents() elsewhere, one character at a time. */
static const struct accent {
	uint32_t	 cp;
	const char	*ascii;
} accents[] = {
	{ 0xa3, "" }, { 0xaa, "a" }, { 0xba, "o" },
	{ 0x1a0, "O" }, { 0x1a1, "o" }, { 0x1af, "U" }, { 0x1b0, "u" },
	{ 0x1cd, "A" }, { 0x1ce, "a" }, { 0x1cf, "I" }, { 0x1d0, "i" },
	{ 0x1d1, "O" }, { 0x1d2, "o" }, { 0x1d3, "U" }, { 0x1d4, "u" },
	{ 0x1d5, "U" }, { 0x1d6, "u" }, { 0x1d7, "U" }, { 0x1d8, "u" },
	{ 0x1d9, "U" }, { 0x1da, "u" }, { 0x1db, "U" }, { 0x1dc, "u" },
	{ 0x218, "S" }, { 0x219, "s" }, { 0x21a, "T" }, { 0x21b, "t" },
	{ 0x251, "a" }, { 0x20ac, "E" },
};

/* remove_accents() for Vietnamese: capitals at even offsets. */
static const struct vowels {
	uint32_t	 first, last;
	const char	*upper, *lower;
} vowels[] = {
	{ 0x1ea0, 0x1eb7, "A", "a" }, { 0x1eb8, 0x1ec7, "E", "e" },
	{ 0x1ec8, 0x1ecb, "I", "i" }, { 0x1ecc, 0x1ee3, "O", "o" },
	{ 0x1ee4, 0x1ef1, "U", "u" }, { 0x1ef2, 0x1ef9, "Y", "y" },
};

/* remove_accents() for text that is not UTF-8, taken as ISO-8859-1. */
static const unsigned char latin1_in[] = {
	0x80, 0x83, 0x8a, 0x8e, 0x9a, 0x9e, 0x9f, 0xa2, 0xa5, 0xb5, 0xc0,
	0xc1, 0xc2, 0xc3, 0xc4, 0xc5, 0xc7, 0xc8, 0xc9, 0xca, 0xcb, 0xcc,
	0xcd, 0xce, 0xcf, 0xd1, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd8, 0xd9,
	0xda, 0xdb, 0xdc, 0xdd, 0xe0, 0xe1, 0xe2, 0xe3, 0xe4, 0xe5, 0xe7,
	0xe8, 0xe9, 0xea, 0xeb, 0xec, 0xed, 0xee, 0xef, 0xf1, 0xf2, 0xf3,
	0xf4, 0xf5, 0xf6, 0xf8, 0xf9, 0xfa, 0xfb, 0xfc, 0xfd, 0xff,
};
static const char latin1_out[] =
	"EfSZszYcYuAAAAAACEEEEIIIINOOOOOOUUUUYaaaaaaceeeeiiiinoooooouuuuyy";
static const struct latin1_pair {
	unsigned char	 c;
	const char	*ascii;
} latin1_pairs[] = {
	{ 0x8c, "OE" }, { 0x9c, "oe" }, { 0xc6, "AE" }, { 0xd0, "DH" },
	{ 0xde, "TH" }, { 0xdf, "ss" }, { 0xe6, "ae" }, { 0xf0, "dh" },
	{ 0xfe, "th" },
};

/* Lowercase: first..last map to cp + delta (every other one if pairs). */
static const struct fold {
	uint32_t	 first, last;
	int32_t		 delta;
	int		 pairs;
} folds[] = {
	{ 0x41, 0x5a, 32, 0 }, { 0xc0, 0xd6, 32, 0 }, { 0xd8, 0xde, 32, 0 },
	{ 0x100, 0x12f, 1, 1 }, { 0x132, 0x137, 1, 1 }, { 0x139, 0x148, 1, 1 },
	{ 0x14a, 0x177, 1, 1 }, { 0x178, 0x178, -121, 0 },
	{ 0x179, 0x17e, 1, 1 }, { 0x386, 0x386, 38, 0 },
	{ 0x388, 0x38a, 37, 0 }, { 0x38c, 0x38c, 64, 0 },
	{ 0x38e, 0x38f, 63, 0 }, { 0x391, 0x3a1, 32, 0 },
	{ 0x3a3, 0x3ab, 32, 0 }, { 0x400, 0x40f, 80, 0 },
	{ 0x410, 0x42f, 32, 0 }, { 0x460, 0x481, 1, 1 },
	{ 0x48a, 0x4bf, 1, 1 }, { 0x4c0, 0x4c0, 15, 0 },
	{ 0x4c1, 0x4ce, 1, 1 }, { 0x4d0, 0x52f, 1, 1 },
	{ 0x531, 0x556, 48, 0 }, { 0x1e00, 0x1e95, 1, 1 },
	{ 0x1ea0, 0x1eff, 1, 1 }, { 0xff21, 0xff3a, 32, 0 },
};

/* sanitize_title_with_dashes()'s 'save' replacements, in its order. */
static const struct swap {
	const char	*from, *to;
} saves[] = {
	/* &nbsp, &ndash and &mdash, as characters and as entities. */
	{ "%c2%a0", "-" }, { "%e2%80%93", "-" }, { "%e2%80%94", "-" },
	{ "&nbsp;", "-" }, { "&#160;", "-" }, { "&ndash;", "-" },
	{ "&#8211;", "-" }, { "&mdash;", "-" }, { "&#8212;", "-" },
	{ "/", "-" },
	/* Soft hyphen, inverted ! and ?, angle and curly quotes, bullet. */
	{ "%c2%ad", "" }, { "%c2%a1", "" }, { "%c2%bf", "" },
	{ "%c2%ab", "" }, { "%c2%bb", "" }, { "%e2%80%b9", "" },
	{ "%e2%80%ba", "" }, { "%e2%80%98", "" }, { "%e2%80%99", "" },
	{ "%e2%80%9c", "" }, { "%e2%80%9d", "" }, { "%e2%80%9a", "" },
	{ "%e2%80%9b", "" }, { "%e2%80%9e", "" }, { "%e2%80%9f", "" },
	{ "%e2%80%a2", "" },
	/* &copy, &reg, &deg, &hellip, &trade; acute, grave, macron, caron. */
	{ "%c2%a9", "" }, { "%c2%ae", "" }, { "%c2%b0", "" },
	{ "%e2%80%a6", "" }, { "%e2%84%a2", "" }, { "%c2%b4", "" },
	{ "%cb%8a", "" }, { "%cc%81", "" }, { "%cd%81", "" },
	{ "%cc%80", "" }, { "%cc%84", "" }, { "%cc%8c", "" },
	/* Invisible characters without a width. */
	{ "%e2%80%8b", "" }, { "%e2%80%8c", "" }, { "%e2%80%8d", "" },
	{ "%e2%80%8e", "" }, { "%e2%80%8f", "" }, { "%e2%80%aa", "" },
	{ "%e2%80%ab", "" }, { "%e2%80%ac", "" }, { "%e2%80%ad", "" },
	{ "%e2%80%ae", "" }, { "%ef%bb%bf", "" }, { "%ef%bf%bc", "" },
	/* Invisible characters with a width. */
	{ "%e2%80%80", "-" }, { "%e2%80%81", "-" }, { "%e2%80%82", "-" },
	{ "%e2%80%83", "-" }, { "%e2%80%84", "-" }, { "%e2%80%85", "-" },
	{ "%e2%80%86", "-" }, { "%e2%80%87", "-" }, { "%e2%80%88", "-" },
	{ "%e2%80%89", "-" }, { "%e2%80%8a", "-" }, { "%e2%80%a8", "-" },
	{ "%e2%80%a9", "-" }, { "%e2%80%af", "-" },
	/* &times. */
	{ "%c3%97", "x" },
};

/* Returns what remove_accents() makes of cp, or NULL for cp itself. */
static const char *
accent(uint32_t cp)
{
	size_t	 i;

	if (cp >= LATIN_FIRST && cp <= LATIN_LAST)
		return latin[cp - LATIN_FIRST];
	for (i = 0; i < sizeof(accents) / sizeof(accents[0]); i++)
		if (accents[i].cp == cp)
			return accents[i].ascii;
	for (i = 0; i < sizeof(vowels) / sizeof(vowels[0]); i++)
		if (cp >= vowels[i].first && cp <= vowels[i].last)
			return (cp - vowels[i].first) % 2 == 0 ?
			    vowels[i].upper : vowels[i].lower;
	return NULL;
}

/* remove_accents() for text that is not UTF-8. */
static void
accents_latin1(struct buf *out, const char *s, size_t len)
{
	const unsigned char	*p;
	size_t			 i, j;

	for (i = 0; i < len; i++) {
		p = memchr(latin1_in, s[i], sizeof(latin1_in));
		if (p != NULL) {
			buf_putc(out, latin1_out[p - latin1_in]);
			continue;
		}
		for (j = 0; j < sizeof(latin1_pairs) / sizeof(latin1_pairs[0]);
		    j++)
			if (latin1_pairs[j].c == (unsigned char)s[i])
				break;
		if (j < sizeof(latin1_pairs) / sizeof(latin1_pairs[0]))
			buf_puts(out, latin1_pairs[j].ascii);
		else
			buf_putc(out, s[i]);
	}
}

/* remove_accents(). */
static void
remove_accents(struct buf *out, const char *s, size_t len)
{
	const char	*ascii;
	size_t		 i, n;
	uint32_t	 cp;

	if (!utf8_valid(s, len)) {
		accents_latin1(out, s, len);
		return;
	}
	for (i = 0; i < len; i += n) {
		n = utf8_decode((const unsigned char *)s + i, len - i, &cp);
		if ((ascii = accent(cp)) != NULL)
			buf_puts(out, ascii);
		else
			buf_write(s + i, n, out);
	}
}

/* strip_tags(): tags and comments left out ("<" then a letter, /, ! or ?). */
static void
strip_tags(struct buf *out, const char *s, size_t len)
{
	size_t	 i = 0;
	char	 quote = 0, c;

	while (i < len) {
		c = i + 1 < len ? s[i + 1] : '\0';
		if (s[i] != '<' || !(isalpha((unsigned char)c) || c == '/' ||
		    c == '!' || c == '?')) {
			buf_putc(out, s[i++]);
			continue;
		}
		for (i++; i < len && (quote != 0 || s[i] != '>'); i++)
			if (quote == 0 && (s[i] == '"' || s[i] == '\''))
				quote = s[i];
			else if (s[i] == quote)
				quote = 0;
		i++;
	}
}

/* Percent signs stay only as part of an octet (%xx). */
static void
octets(struct buf *out, const char *s, size_t len)
{
	size_t	 i;

	for (i = 0; i < len; i++)
		if (s[i] != '%' || (i + 2 < len &&
		    isxdigit((unsigned char)s[i + 1]) &&
		    isxdigit((unsigned char)s[i + 2])))
			buf_putc(out, s[i]);
}

/* mb_strtolower() for one character. */
static uint32_t
fold(uint32_t cp)
{
	size_t	 i;

	for (i = 0; i < sizeof(folds) / sizeof(folds[0]); i++)
		if (cp >= folds[i].first && cp <= folds[i].last &&
		    (!folds[i].pairs || (cp - folds[i].first) % 2 == 0))
			return (uint32_t)((int32_t)cp + folds[i].delta);
	return cp;
}

/* Appends cp percent-encoded as UTF-8 with lowercase hex; its length. */
static size_t
put_encoded(struct buf *out, uint32_t cp, size_t room)
{
	char	 u[4];
	size_t	 n = utf8_encode(cp, u), i;

	if (n * 3 > room)
		return 0;
	for (i = 0; i < n; i++)
		buf_printf(out, "%%%02x", (unsigned char)u[i]);
	return n * 3;
}

/*
 * mb_strtolower() then utf8_uri_encode($title, 200), when the text is
 * UTF-8: non-ASCII characters percent-encoded, stopping before the 200th
 * byte of output.
 */
static void
encode(struct buf *out, const char *s, size_t len)
{
	size_t		 i, n, used = 0, w;
	uint32_t	 cp;

	if (!utf8_valid(s, len)) {
		buf_write(s, len, out);
		return;
	}
	for (i = 0; i < len; i += n) {
		n = utf8_decode((const unsigned char *)s + i, len - i, &cp);
		cp = fold(cp);
		if (cp < 0x80) {
			if (used >= SLUG_MAX)
				break;
			buf_putc(out, (char)cp);
			used++;
		} else if ((w = put_encoded(out, cp, SLUG_MAX - used)) == 0)
			break;
		else
			used += w;
	}
}

/* strtolower(). */
static void
lower(struct buf *out, const char *s, size_t len)
{
	size_t	 i;

	for (i = 0; i < len; i++)
		buf_putc(out, (char)tolower((unsigned char)s[i]));
}

/* The 'save' replacements; the first entry that matches wins. */
static void
save(struct buf *out, const char *s, size_t len)
{
	size_t	 i = 0, j, n;

	while (i < len) {
		for (j = 0; j < sizeof(saves) / sizeof(saves[0]); j++) {
			n = strlen(saves[j].from);
			if (n <= len - i &&
			    memcmp(s + i, saves[j].from, n) == 0)
				break;
		}
		if (j == sizeof(saves) / sizeof(saves[0])) {
			buf_putc(out, s[i++]);
			continue;
		}
		buf_puts(out, saves[j].to);
		i += n;
	}
}

/* Returns the length of the match of /&.+?;/ at s[0..len), or 0. */
static size_t
entity_len(const char *s, size_t len)
{
	size_t	 j;

	if (len < 3 || s[0] != '&' || s[1] == '\n')
		return 0;
	for (j = 2; j < len && s[j] != '\n'; j++)
		if (s[j] == ';')
			return j + 1;
	return 0;
}

/* preg_replace('/&.+?;/', ''): entities, or what looks like one, go. */
static void
entities(struct buf *out, const char *s, size_t len)
{
	size_t	 i = 0, n;

	while (i < len) {
		if ((n = entity_len(s + i, len - i)) > 0)
			i += n;
		else
			buf_putc(out, s[i++]);
	}
}

/* Returns 1 if s[i] starts a %xx octet with lowercase hex. */
static int
octet_at(const char *s, size_t len, size_t i)
{
	return s[i] == '%' && i + 2 < len &&
	    strchr("0123456789abcdef", s[i + 1]) != NULL && s[i + 1] != '\0' &&
	    strchr("0123456789abcdef", s[i + 2]) != NULL && s[i + 2] != '\0';
}

/*
 * The end of sanitize_title_with_dashes(): "." to "-", everything but
 * [%a-z0-9 _-] gone, spaces (and, here, "_") to "-", runs of "-" to one,
 * "-" trimmed from both ends; and a "%" cut from its octet by the length
 * limit dropped.
 */
static void
finish(struct buf *out, const char *s, size_t len)
{
	size_t	 i;
	int	 dash = 0;
	char	 c;

	for (i = 0; i < len; i++) {
		c = s[i];
		if (c == '.' || c == ' ' || c == '_' || c == '-') {
			dash = out->len > 0;
			continue;
		}
		if (!(isdigit((unsigned char)c) || (c >= 'a' && c <= 'z') ||
		    octet_at(s, len, i)))
			continue;
		if (dash)
			buf_putc(out, '-');
		dash = 0;
		buf_putc(out, c);
	}
}

/* The steps of sanitize_title() in order. */
static void (*const steps[])(struct buf *, const char *, size_t) = {
	remove_accents, strip_tags, octets, encode, lower, save, entities,
	finish,
};

char *
slug_from_title(const char *title)
{
	struct buf	 a, b;
	size_t		 i;

	buf_init(&a);
	buf_puts(&a, title);
	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		buf_init(&b);
		buf_write("", 0, &b);	/* b.data is never NULL */
		steps[i](&b, a.data, a.len);
		buf_reset(&a);
		a = b;
	}
	return buf_take(&a, NULL);
}

int
slug_valid(const char *s, size_t len)
{
	size_t	 i;

	if (len == 0 || len > SLUG_MAX)
		return 0;
	for (i = 0; i < len; i++) {
		if (octet_at(s, len, i))
			i += 2;
		else if (!(isdigit((unsigned char)s[i]) || s[i] == '-' ||
		    s[i] == '_' || (s[i] >= 'a' && s[i] <= 'z')))
			return 0;
	}
	return 1;
}
