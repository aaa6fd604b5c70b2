/*
 * test_avatar: identicon keys and drawings.  A key depends on the email
 * (not its case or surrounding spaces) and on the site secret; the same
 * key always draws the same picture, the picture is mirror-symmetric,
 * and a missing or malformed key draws the neutral disc.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "arena.h"
#include "avatar.h"
#include "buf.h"
#include "check.h"
#include "site.h"

static char *
draw(const char *key)
{
	struct buf	 b;

	buf_init(&b);
	avatar_svg(&b, key);
	return buf_take(&b, NULL);
}

/* Every cell at (x, y) has its mirror at (4 - x, y). */
static int
symmetric(const char *svg)
{
	const char	*p = svg;
	int		 x, y, cells[5][5] = { { 0 } }, i, j, n = 0;

	while ((p = strstr(p, "<rect x=\"")) != NULL) {
		if (sscanf(p, "<rect x=\"%d\" y=\"%d\"", &x, &y) != 2 ||
		    x < 0 || x > 4 || y < 0 || y > 4)
			return 0;
		cells[x][y] = 1;
		n++;
		p++;
	}
	for (i = 0; i < 5; i++)
		for (j = 0; j < 5; j++)
			if (cells[i][j] != cells[4 - i][j])
				return 0;
	return n > 0;
}

int
main(void)
{
	struct site	 site1 = { .secret = { 1 } };
	struct site	 site2 = { .secret = { 2 } };
	struct arena	 ar;
	const char	*a, *b, *c, *d;
	char		*s1, *s2, *s3;

	if (sodium_init() < 0)
		return 1;
	arena_init(&ar);
	a = avatar_key(&site1, &ar, "Oleg@Example.net");
	b = avatar_key(&site1, &ar, "  oleg@example.net \n");
	c = avatar_key(&site2, &ar, "oleg@example.net");
	d = avatar_key(&site1, &ar, "brian@example.org");
	CHECK(strlen(a) == AVATAR_KEY_LEN);
	CHECK_STR(a, b);			/* case and spaces do not count */
	CHECK(strcmp(a, c) != 0);		/* the secret does */
	CHECK(strcmp(a, d) != 0);
	CHECK(strstr(a, "oleg") == NULL);

	s1 = draw(a);
	s2 = draw(b);
	s3 = draw(d);
	CHECK_STR(s1, s2);
	CHECK(strcmp(s1, s3) != 0);
	CHECK(strncmp(s1, "<svg class=\"avatar\"", 19) == 0);
	CHECK(symmetric(s1) && symmetric(s3));
	CHECK(strstr(s1, "fill=\"#") != NULL);
	free(s1);
	free(s2);
	free(s3);
	s1 = draw("");
	CHECK(strstr(s1, "<circle") != NULL && strstr(s1, "<rect") == NULL);
	free(s1);
	s1 = draw("zz\"><script>alert(1)</script>0000000000000000000000");
	CHECK(strstr(s1, "<circle") != NULL && strstr(s1, "script") == NULL);
	free(s1);
	arena_free(&ar);
	return check_done();
}
