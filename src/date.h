/*
 * date: calendar dates of Unix times, in UTC, for URLs and pages.
 */
#ifndef GALLEY_DATE_H
#define GALLEY_DATE_H

#include <stdint.h>
#include <time.h>

/*
 * Fills tm with the UTC calendar date of the Unix time t.  A time that
 * gmtime cannot represent (a corrupt row) gives 1970-01-01, never an
 * uninitialised tm.
 */
void	date_utc(int64_t t, struct tm *tm);

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

#endif
