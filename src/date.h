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

#endif
