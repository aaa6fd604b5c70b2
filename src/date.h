/*
 * date: calendar arithmetic on Unix times, and dates written out in
 * WordPress's (PHP's date()) letters in a site's zone and language.
 */
#ifndef GALLEY_DATE_H
#define GALLEY_DATE_H

#include <stdint.h>
#include <time.h>

struct buf;
struct tz;

/*
 * Fills tm with the UTC calendar date of the Unix time t.  A time that
 * gmtime cannot represent (a corrupt row) gives 1970-01-01, never an
 * uninitialised tm.
 */
void	date_utc(int64_t t, struct tm *tm);
/*
 * Fills tm with the wall-clock time in zone z (NULL: UTC) at the instant
 * t, tm_gmtoff and tm_isdst included (tm_zone stays NULL: see
 * tz_offset for the abbreviation).  The same fallback as date_utc.
 */
void	date_local(int64_t t, const struct tz *z, struct tm *tm);
/* Days from 1970-01-01 to y-m-d (proleptic Gregorian; m 1-12). */
int64_t	date_days(int64_t y, int m, int d);
/* The date of days since 1970-01-01: year, month 1-12, day 1-31. */
void	date_civil(int64_t days, int64_t *y, int *m, int *d);
/* Days in month m (1-12) of year y. */
int	date_month_days(int64_t y, int m);

/*
 * The words a date is written with, in one language.  month_gen is the
 * genitive (Russian "6 декабря"), used after a day number as WordPress's
 * wp_maybe_decline_date does; a language without one repeats month.
 * Weekdays start on Sunday, as tm_wday does.
 */
struct date_names {
	const char	*month[12];
	const char	*month_gen[12];
	const char	*month_short[12];
	const char	*weekday[7];
	const char	*weekday_short[7];
	const char	*am, *pm;	/* the letter a */
	const char	*AM, *PM;	/* the letter A */
};

extern const struct date_names date_names_en;

/*
 * Appends to b the instant t written as fmt says, in zone z (NULL: UTC)
 * with names n, letter for letter as PHP's date() (WordPress's
 * date_format and time_format): d D j l N S w z W F m M n t L o Y y a A
 * g G h H i s u v e I O P p T Z c r U; a backslash makes the next
 * character plain, and any other character is copied.  When fmt has a
 * day before the month name ("j F", "d F", "j. F"), every F is the
 * genitive.  S, c and r are always English, as in PHP.
 */
void	date_format(struct buf *b, const char *fmt, int64_t t,
	    const struct tz *z, const struct date_names *n);

#endif
