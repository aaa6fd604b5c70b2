/*
 * test_slug: slug_from_title() against WordPress's sanitize_title() on
 * save (the seed's titles, accents, curly quotes and dashes, entities,
 * tags, percent-encoding, the 200-byte limit, titles with nothing usable)
 * and slug_valid(), including that every slug made passes it.
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "slug.h"

#define SLUG(title, want)	expect((title), (want), __LINE__)
#define VALID(s)		slug_valid((s), strlen(s))

static void
expect(const char *title, const char *want, int line)
{
	char	*got = slug_from_title(title);

	check_str(got, want, title, __FILE__, line);
	if (*got != '\0')
		check_one(VALID(got), "slug_valid(slug_from_title())",
		    __FILE__, line);
	free(got);
}

static void
test_seed(void)
{
	SLUG("Russian \xe2\x80\x98ISIS Strikes\xe2\x80\x99 Hit US-Backed "
	    "Anti-ISIS Groups Instead",
	    "russian-isis-strikes-hit-us-backed-anti-isis-groups-instead");
	SLUG("Free Syrian Army", "free-syrian-army");
	SLUG("Russian 'ISIS Strikes' Hit US-Backed Anti-ISIS Groups Instead",
	    "russian-isis-strikes-hit-us-backed-anti-isis-groups-instead");
}

static void
test_accents(void)
{
	SLUG("Cr\xc3\xa8me Br\xc3\xbbl\xc3\xa9" "e \xc3\xa0 la Fran\xc3\xa7"
	    "aise", "creme-brulee-a-la-francaise");
	SLUG("Stra\xc3\x9f" "e \xc3\x86sir \xc3\xa6on \xc5\x81\xc3\xb3" "d"
	    "\xc5\xba \xc5\x92uvre", "strasse-aesir-aeon-lodz-oeuvre");
	SLUG("\xc3\x98resund \xc3\x9e" "orn \xc4\xb2sselmeer",
	    "oresund-thorn-ijsselmeer");
	SLUG("\xc4\x80\xc3\xa1\xc7\x8e\xc3\xa0", "aaaa");
	SLUG("Ti\xe1\xba\xbfng Vi\xe1\xbb\x87t", "tieng-viet");
	SLUG("\xc8\x98" "coala \xc8\x9b" "ar\xc4\x83", "scoala-tara");
	SLUG("Price: 5 \xe2\x82\xac or \xc2\xa3" "4", "price-5-e-or-4");
}

static void
test_punctuation(void)
{
	SLUG("Captain <strong>Awesome</strong>", "captain-awesome");
	SLUG("penn & teller bull", "penn-teller-bull");
	SLUG("No &nbsp; Entities &ndash; Here &amp;", "no-entities-here");
	SLUG("One &&amp; Two;", "one-two");
	SLUG("One&Two", "onetwo");
	SLUG("don't\xc2\xa0" "break the space", "dont-break-the-space");
	SLUG("Do \xe2\x80\x93 the Dash", "do-the-dash");
	SLUG("Do the \xe2\x80\x94 Dash", "do-the-dash");
	SLUG("Hey its \xe2\x80\x9e" "Curly Joe\xe2\x80\x9c",
	    "hey-its-curly-joe");
	SLUG("\xc2\xab" "Just a Slug\xc2\xbb \xc2\xbf", "just-a-slug");
	SLUG("Fancy Title \xe2\x80\xa2 Amazing", "fancy-title-amazing");
	SLUG("Just \xc2\xa9 a \xe2\x84\xa2 Slug\xe2\x80\xa6", "just-a-slug");
	SLUG("songs by Lennon//McCartney", "songs-by-lennon-mccartney");
	SLUG("6\xc3\x97" "7 is 42", "6x7-is-42");
	SLUG("a    \n\n\nt", "a-t");
	SLUG("a----t----t----", "a-t-t");
	SLUG("--Version 2.0 _beta_--", "version-2-0-beta");
	SLUG("zero\xe2\x80\x8bwidth and\xe2\x80\x83" "em space",
	    "zerowidth-and-em-space");
}

static void
test_encoding(void)
{
	SLUG("\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82 "
	    "\xd0\xbc\xd0\xb8\xd1\x80",
	    "%d0%bf%d1%80%d0%b8%d0%b2%d0%b5%d1%82-%d0%bc%d0%b8%d1%80");
	SLUG("\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e",
	    "%e6%97%a5%e6%9c%ac%e8%aa%9e");
	SLUG("\xce\x91\xce\x98\xce\x97\xce\x9d\xce\x91",
	    "%ce%b1%ce%b8%ce%b7%ce%bd%ce%b1");
	SLUG("fran%c3%a7%ois", "fran%c3%a7ois");
	SLUG("100% sure %E2%9C%93", "100-sure-%e2%9c%93");
	/* Not UTF-8: taken as ISO-8859-1, as WordPress does. */
	SLUG("caf\xe9 \xdf", "cafe-ss");
}

static void
test_length(void)
{
	char	 title[400], *got;
	int	 i;

	memset(title, 'a', 250);
	title[250] = '\0';
	got = slug_from_title(title);
	CHECK(strlen(got) == 200 && VALID(got));
	free(got);
	/* An octet cut by the limit loses its "%". */
	memset(title, 'a', 198);
	strcpy(title + 198, "%c3");
	got = slug_from_title(title);
	CHECK(strlen(got) == 199 && got[198] == 'c' && VALID(got));
	free(got);
	/* Encoded characters stop before the limit, never split. */
	for (i = 0; i < 120; i++)
		memcpy(title + 2 * i, "\xd0\xb6", 2);
	title[240] = '\0';
	got = slug_from_title(title);
	CHECK(strlen(got) == 198 && VALID(got));
	free(got);
}

static void
test_empty(void)
{
	SLUG("", "");
	SLUG("!!!", "");
	SLUG("   ", "");
	SLUG("<b></b>", "");
	SLUG("\xe2\x80\x9c\xe2\x80\x9d", "");
	SLUG("&amp;", "");
}

static void
test_valid(void)
{
	char	 s[202];

	CHECK(VALID("abc"));
	CHECK(VALID("a-b-c"));
	CHECK(VALID("2015-10-01"));
	CHECK(VALID("%d0%bf-x"));
	CHECK(!VALID(""));
	CHECK(!VALID("ABC"));
	CHECK(VALID("a_b"));		/* WordPress keeps "_" */
	CHECK(!VALID("a b"));
	CHECK(!VALID("a/b"));
	CHECK(!VALID("../etc"));
	CHECK(!VALID("a.b"));
	CHECK(!VALID("%D0%BF"));
	CHECK(!VALID("%g0"));
	CHECK(!VALID("a%2"));
	CHECK(!VALID("a%"));
	CHECK(!VALID("caf\xc3\xa9"));
	CHECK(!slug_valid("a\0b", 3));
	memset(s, 'a', 200);
	CHECK(slug_valid(s, 200));
	s[200] = 'a';
	CHECK(!slug_valid(s, 201));
}

int
main(void)
{
	test_seed();
	test_accents();
	test_punctuation();
	test_encoding();
	test_length();
	test_empty();
	test_valid();
	return check_done();
}
