/*
 * test_tz: our TZif reader against glibc's.  Every zone in the system's
 * tz database is read by tz_load and by glibc (TZ set, then localtime_r
 * and mktime: this test is one thread, so the process-wide TZ is safe
 * here), and the two must agree on the offset, abbreviation and summer
 * time at times from 1850 to 2100, including both sides of every change
 * they find (so before 1970, and after 2037 where the footer's POSIX rule
 * takes over).  POSIX rules the database does not use (Jn, n, negative
 * and past-24h times) are checked against glibc's reading of the same TZ
 * string.  Then the date letters, each in English.
 */
#define _XOPEN_SOURCE 700
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "check.h"
#include "date.h"
#include "tz.h"

#define ZONEINFO	"/usr/share/zoneinfo/"

static long	 zones, times, mismatches;

/* 1 if ours and glibc's (TZ already set) agree at t; says why not. */
static int
agree(const char *name, const struct tz *z, time_t t)
{
	struct tm	 tm, back;
	const char	*abbr;
	int64_t		 u;
	int		 dst, fit;
	int32_t		 off = tz_offset(z, t, &abbr, &dst);

	times++;
	localtime_r(&t, &tm);
	if (off != tm.tm_gmtoff || dst != (tm.tm_isdst > 0) ||
	    strcmp(abbr, tm.tm_zone) != 0) {
		if (mismatches++ < 20)
			fprintf(stderr, "%s at %lld: ours %d %s %d, glibc %ld"
			    " %s %d\n", name, (long long)t, off, abbr, dst,
			    tm.tm_gmtoff, tm.tm_zone, tm.tm_isdst);
		return 0;
	}
	/* And back: local to UTC, against mktime where it is one time. */
	fit = tz_utc(z, (int64_t)t + off, &u);
	back = tm;
	back.tm_isdst = -1;
	if ((fit == TZ_EXACT && (u != t || mktime(&back) != t)) ||
	    (fit == TZ_OVERLAP && (u > t || u + tz_offset(z, u, NULL, NULL)
	    != (int64_t)t + off)) || fit == TZ_GAP) {
		if (mismatches++ < 20)
			fprintf(stderr, "%s: local %lld back %d %lld, want"
			    " %lld\n", name, (long long)t + off, fit,
			    (long long)u, (long long)t);
		return 0;
	}
	return 1;
}

/* Finds the change glibc sees in (a, b] and checks about it. */
static void
change(const char *name, const struct tz *z, time_t a, time_t b)
{
	struct tm	 ta, tm;
	time_t		 m;

	localtime_r(&a, &ta);
	while (b - a > 1) {
		m = a + (b - a) / 2;
		localtime_r(&m, &tm);
		if (tm.tm_gmtoff == ta.tm_gmtoff && tm.tm_isdst ==
		    ta.tm_isdst && strcmp(tm.tm_zone, ta.tm_zone) == 0)
			a = m;
		else
			b = m;
	}
	agree(name, z, b - 1);
	agree(name, z, b);
	agree(name, z, b + 1);
}

static void
zone(const char *name)
{
	struct tz	*z;
	struct tm	 prev = { 0 }, tm;
	char		 err[200];
	time_t		 t, last = 0;
	long		 before = mismatches;

	if ((z = tz_load(name, err, sizeof(err))) == NULL)
		return;		/* not a zone: zone.tab, leapseconds ... */
	zones++;
	setenv("TZ", name, 1);
	tzset();
	/* 1850 to 2100, every 7 days and 7 hours. */
	for (t = -3786825600LL; t < 4102444800LL; t += 7 * 86400 + 7 * 3600) {
		localtime_r(&t, &tm);
		if (t != -3786825600LL && (tm.tm_gmtoff != prev.tm_gmtoff ||
		    tm.tm_isdst != prev.tm_isdst))
			change(name, z, last, t);
		agree(name, z, t);
		prev = tm;
		last = t;
	}
	CHECK_MSG(mismatches == before, name);
	tz_free(z);
}

static int
walk(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	const char	*name = path + strlen(ZONEINFO);

	(void)st;
	(void)f;
	if (flag != FTW_F || strncmp(name, "posix/", 6) == 0 ||
	    strncmp(name, "right/", 6) == 0)
		return 0;
	zone(name);
	return 0;
}

/* A version 2 TZif file with no transitions, only footer as its rule. */
static size_t
tzif_footer(unsigned char *p, const char *footer)
{
	static const unsigned char one_type[] = { 0, 0, 0, 0, 0, 0, 'X', 0 };
	size_t	 n = 0, i;

	for (i = 0; i < 2; i++) {
		memset(p + n, 0, 44);
		memcpy(p + n, "TZif2", 5);
		p[n + 39] = 1;			/* typecnt */
		p[n + 43] = 2;			/* charcnt */
		n += 44;
		memcpy(p + n, one_type, sizeof(one_type));
		n += 8;
	}
	n += (size_t)sprintf((char *)p + n, "\n%s\n", footer);
	return n;
}

static void
rules(void)
{
	static const char *const rule[] = {
		"EST5EDT,M3.2.0,M11.1.0",
		"<-03>3<-02>,M3.5.0/-2,M10.5.0/-1",
		"IST-2IDT,M3.4.4/26,M10.5.0",
		"AEST-10AEDT,M10.1.0,M4.1.0/3",
		"XXX3YYY,J60/2,J300/2",
		"XXX-5YYY-6,59/2,300",
		"<+1030>-10:30<+11>-11,M10.1.0,M4.1.0",
		"NZST-12NZDT,M9.5.0,M4.1.0/3",
		"ABC-3:30DEF-4:45:10,M2.5.3/167,M11.1.6/-167",
		"<+14>-14",
	};
	unsigned char	 file[256];
	struct tz	*z;
	char		 err[200];
	size_t		 i, n;
	time_t		 t;
	long		 before;

	for (i = 0; i < sizeof(rule) / sizeof(rule[0]); i++) {
		n = tzif_footer(file, rule[i]);
		z = tz_parse(rule[i], file, n, err, sizeof(err));
		if (!CHECK_MSG(z != NULL, rule[i]))
			continue;
		setenv("TZ", rule[i], 1);
		tzset();
		before = mismatches;
		for (t = 946684800; t < 4133980800LL; t += 86400 + 3600)
			agree(rule[i], z, t);
		CHECK_MSG(mismatches == before, rule[i]);
		tz_free(z);
	}
	/*
	 * RFC 8536 3.3.1's summer time all year; glibc reads it as
	 * standard time about each new year.
	 */
	n = tzif_footer(file, "EST5EDT,0/0,J365/25");
	if (!CHECK((z = tz_parse("x", file, n, err, sizeof(err))) != NULL))
		return;
	before = 0;
	for (t = -2208988800LL; t < 4133980800LL; t += 3 * 3600 + 17)
		before += tz_offset(z, t, NULL, NULL) != -4 * 3600;
	CHECK(before == 0);
	tz_free(z);
}

static void
names(void)
{
	char	 err[200];
	struct tz *z;

	CHECK(tz_name_ok("Europe/Berlin"));
	CHECK(tz_name_ok("America/Argentina/Buenos_Aires"));
	CHECK(tz_name_ok("Etc/GMT+5"));
	CHECK(tz_name_ok("UTC"));
	CHECK(!tz_name_ok(""));
	CHECK(!tz_name_ok("/etc/passwd"));
	CHECK(!tz_name_ok("../etc/passwd"));
	CHECK(!tz_name_ok("Europe/../../etc/passwd"));
	CHECK(!tz_name_ok("Europe//Berlin"));
	CHECK(!tz_name_ok("Europe/"));
	CHECK(!tz_name_ok("Europe/Berlin\n"));
	CHECK(!tz_name_ok("zone.tab"));
	CHECK(tz_load("../../etc/passwd", err, sizeof(err)) == NULL &&
	    strstr(err, "not a time zone name") != NULL);
	CHECK(tz_load("Mars/Olympus_Mons", err, sizeof(err)) == NULL &&
	    strstr(err, "no such time zone") != NULL);
	CHECK(tz_load("iso3166", err, sizeof(err)) == NULL);
	if ((z = tz_load("right/UTC", err, sizeof(err))) == NULL)
		CHECK(strstr(err, "leap seconds") != NULL ||
		    strstr(err, "no such") != NULL);
	tz_free(z);
	CHECK_STR(tz_name(NULL), "UTC");
}

/* Every prefix of a real file is refused or read, never overrun. */
static void
truncated(void)
{
	FILE		*f = fopen(ZONEINFO "Europe/Berlin", "rb");
	unsigned char	 data[8192], *p;
	char		 err[200];
	size_t		 n, i, ok = 0;
	struct tz	*z;

	if (!CHECK(f != NULL))
		return;
	n = fread(data, 1, sizeof(data), f);
	fclose(f);
	for (i = 0; i <= n; i++) {
		/* A copy of exactly i bytes, so ASan sees any overrun. */
		p = malloc(i + 1);
		memcpy(p, data, i);
		if ((z = tz_parse("x", p, i, err, sizeof(err))) != NULL)
			ok++;
		tz_free(z);
		free(p);
	}
	CHECK(ok >= 1 && ok < n / 2);
}

/* DST changes: a gap and an overlap in Berlin, and the cache. */
static void
edges(void)
{
	struct tz_cache	*c = tz_cache_new();
	const struct tz	*z = tz_cache_get(c, "Europe/Berlin");
	int64_t		 u;

	CHECK(z != NULL && z == tz_cache_get(c, "Europe/Berlin"));
	CHECK(tz_cache_get(c, "UTC") == NULL);
	CHECK(tz_cache_get(c, "No/Such_Zone") == NULL);
	CHECK(tz_cache_get(c, "No/Such_Zone") == NULL);
	/* 2026-03-29 02:30 never happens: read as 03:30 CEST, 01:30Z. */
	CHECK(tz_utc(z, 1774747800 + 3600, &u) == TZ_GAP && u == 1774747800);
	/* 2026-10-25 02:30 happens twice: the first, 00:30Z, is given. */
	CHECK(tz_utc(z, 1792888200 + 7200, &u) == TZ_OVERLAP &&
	    u == 1792888200);
	CHECK(tz_utc(z, 1792888200 + 7200 + 7200, &u) == TZ_EXACT &&
	    u == 1792888200 + 7200 + 3600);
	CHECK(tz_utc(NULL, 12345, &u) == TZ_EXACT && u == 12345);
	tz_cache_free(c);
}

static void
fmt(const struct tz *z, int64_t t, const char *f, const char *want)
{
	struct buf	 b;
	char		 what[200];

	buf_init(&b);
	date_format(&b, f, t, z, &date_names_en);
	snprintf(what, sizeof(what), "date %s", f);
	CHECK_MSG(b.data != NULL && strcmp(b.data, want) == 0, what);
	if (b.data != NULL && strcmp(b.data, want) != 0)
		fprintf(stderr, "  want [%s] got [%s]\n", want, b.data);
	buf_reset(&b);
}

static void
letters(void)
{
	static const struct date_names gen = {
		.month = { "M1", "M2", "M3", "M4", "M5", "M6", "M7", "M8",
		    "M9", "M10", "M11", "December" },
		.month_gen = { "G1", "G2", "G3", "G4", "G5", "G6", "G7", "G8",
		    "G9", "G10", "G11", "of December" },
	};
	char		 err[200];
	struct tz	*z = tz_load("Europe/Berlin", err, sizeof(err));
	struct buf	 b;
	int64_t		 w = 1796526245;	/* 2026-12-06 03:04:05Z, Sun */
	int64_t		 s = 1783179000;	/* 2026-07-04 15:30:00Z, Sat */

	if (!CHECK(z != NULL))
		return;
	fmt(z, w, "d|D|j|l|N|S|w|z|W", "06|Sun|6|Sunday|7|th|0|339|49");
	fmt(z, w, "F|m|M|n|t|L|o|Y|y", "December|12|Dec|12|31|0|2026|2026|26");
	fmt(z, w, "a|A|g|G|h|H|i|s|u|v", "am|AM|4|4|04|04|04|05|000000|000");
	fmt(z, w, "e|I|O|P|p|T|Z|U", "Europe/Berlin|0|+0100|+01:00|+01:00|CET"
	    "|3600|1796526245");
	fmt(z, w, "c", "2026-12-06T04:04:05+01:00");
	fmt(z, w, "r", "Sun, 06 Dec 2026 04:04:05 +0100");
	fmt(z, s, "l jS F Y g:i a I T P", "Saturday 4th July 2026 5:30 pm 1"
	    " CEST +02:00");
	fmt(z, s, "N w z A", "6 6 184 PM");
	fmt(NULL, w, "Y-m-d\\TH:i:sp", "2026-12-06T03:04:05Z");
	fmt(NULL, w, "F j, Y", "December 6, 2026");
	fmt(NULL, w, "e T Z", "UTC UTC 0");
	fmt(NULL, w, "\\Y\\-m \\\\ ÿ q", "Y-12 \\ ÿ q");
	fmt(NULL, 1798804800, "W o L", "53 2026 0");	/* 2027-01-01 */
	fmt(NULL, 1735560000, "W o L", "01 2025 1");	/* 2024-12-30 */
	fmt(NULL, 1609675200, "W o jS", "53 2020 3rd");	/* 2021-01-03 */
	fmt(NULL, 0, "g h a jS", "12 12 am 1st");
	fmt(NULL, 43200 + 86400 * 21, "g h a jS", "12 12 pm 22nd");
	fmt(NULL, 86400 * 10, "jS", "11th");
	fmt(NULL, -86400 * 365, "Y-m-d D", "1969-01-01 Wed");
	fmt(NULL, 4102444800LL + 86400 * 59, "Y-m-d t L", "2100-03-01 31 0");
	buf_init(&b);
	date_format(&b, "j F Y|F j|d. F", w, z, &gen);
	CHECK_STR(b.data, "6 of December 2026|of December 6|06. of December");
	buf_reset(&b);
	date_format(&b, "F j, Y|F", w, z, &gen);
	CHECK_STR(b.data, "December 6, 2026|December");
	buf_reset(&b);
	tz_free(z);
}

int
main(void)
{
	names();
	truncated();
	edges();
	letters();
	rules();
	nftw(ZONEINFO, walk, 16, FTW_PHYS);
	printf("%ld zones, %ld times compared\n", zones, times);
	CHECK(zones > 300);
	return check_done();
}
