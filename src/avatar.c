/*
 * avatar: keys and identicons (see avatar.h).  Each of the 15 cells of
 * the left three columns is on or off by one bit of the key, mirrored to
 * the right; the hue comes from two more bytes.
 */
#include <ctype.h>
#include <math.h>
#include <string.h>
#include <sodium.h>

#include "avatar.h"
#include "buf.h"
#include "sign.h"

#define AVATAR_OPEN	"<svg class=\"avatar\" xmlns=\"http://www.w3.org/" \
	"2000/svg\" viewBox=\"0 0 5 5\" width=\"40\" height=\"40\"" \
	" aria-hidden=\"true\">"

const char *
avatar_key(const struct site *site, struct arena *a, const char *email)
{
	char	 norm[256];
	size_t	 i, n = 0;

	while (isspace((unsigned char)*email))
		email++;
	for (i = 0; email[i] != '\0' && n < sizeof(norm) - 1; i++)
		norm[n++] = (char)tolower((unsigned char)email[i]);
	while (n > 0 && isspace((unsigned char)norm[n - 1]))
		n--;
	norm[n] = '\0';
	return sign_hex(site, a, SIGN_AVATAR, norm);
}

/* A hue (degrees) at saturation 55%, lightness 50%, as "#rrggbb". */
static void
colour(unsigned int hue, char out[8])
{
	double	 h = (double)(hue % 360) / 60.0, c = 0.55;
	double	 x = c * (1 - fabs(fmod(h, 2) - 1)), m = 0.5 - c / 2;
	double	 r = 0, g = 0, b = 0;

	switch ((int)h) {
	case 0: r = c; g = x; break;
	case 1: r = x; g = c; break;
	case 2: g = c; b = x; break;
	case 3: g = x; b = c; break;
	case 4: r = x; b = c; break;
	default: r = c; b = x; break;
	}
	/* Not snprintf: a page of comments makes hundreds. */
	sodium_bin2hex(out + 1, 7, (const unsigned char[]){
	    (unsigned char)((r + m) * 255), (unsigned char)((g + m) * 255),
	    (unsigned char)((b + m) * 255) }, 3);
	out[0] = '#';
}

#define AVATAR_BACK	"<rect width=\"5\" height=\"5\" fill=\"#f2f2f2\"/>"
#define AVATAR_CELL	"<rect x=\"0\" y=\"0\" width=\"1\" height=\"1\"" \
	" fill=\"#rrggbb\"/>"

void
avatar_svg(struct buf *b, const char *key)
{
	unsigned char	 k[AVATAR_KEY_LEN / 2];
	/* Written whole and once: a page shows hundreds. */
	char		 svg[sizeof(AVATAR_OPEN AVATAR_BACK "</svg>") +
			    25 * (sizeof(AVATAR_CELL) - 1)];
	char		 cellv[] = AVATAR_CELL, fill[8];
	size_t		 n = 0, len;
	int		 x, y, bit;

	if (strlen(key) != AVATAR_KEY_LEN || sodium_hex2bin(k, sizeof(k), key,
	    AVATAR_KEY_LEN, NULL, &n, NULL) != 0 || n != sizeof(k)) {
		buf_puts(b, AVATAR_OPEN "<circle cx=\"2.5\" cy=\"2.5\" r=\"2.5\""
		    " fill=\"#c8c8c8\"/></svg>");
		return;
	}
	colour((unsigned int)(k[0] << 8 | k[1]), fill);
	memcpy(strchr(cellv, '#'), fill, 7);
	len = sizeof(AVATAR_OPEN AVATAR_BACK) - 1;
	memcpy(svg, AVATAR_OPEN AVATAR_BACK, len);
	for (x = 0; x < 3; x++)
		for (y = 0; y < 5; y++) {
			bit = x * 5 + y;
			if (!(k[2 + bit / 8] >> (bit % 8) & 1))
				continue;
			/* x="X" at 9, y="Y" at 15; mirrored to the right. */
			cellv[9] = (char)('0' + x);
			cellv[15] = (char)('0' + y);
			memcpy(svg + len, cellv, sizeof(cellv) - 1);
			len += sizeof(cellv) - 1;
			if (x < 2) {
				cellv[9] = (char)('0' + 4 - x);
				memcpy(svg + len, cellv, sizeof(cellv) - 1);
				len += sizeof(cellv) - 1;
			}
		}
	memcpy(svg + len, "</svg>", 6);
	buf_write(svg, len + 6, b);
}
